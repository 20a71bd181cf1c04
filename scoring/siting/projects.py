"""Suggested sites as reserve projects (储备项目) of a plan store.

A planner takes the suggestion into the special plan's project list, where ``planscenario``,
``tieredprovision`` and ``exportworkbook`` pick the sites up like any project. Three rules
keep that safe for a team's store:

- a project's id comes from the facility type and the site's position (a name-based UUID),
  so suggesting the same site again finds the project already there instead of adding a
  second one;
- a project already in the store is never changed: a planner may have renamed it, moved it
  or promoted it from reserve to planned;
- a site is filed under the community of the people it newly serves (the community with the
  most of them; ties: the first id in sorted order), which is where a planner looks for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..errors import N_, DataError
from ..plan import STATUS_RESERVE, Project

#: The namespace of the ids of suggested projects (fixed: ids must stay stable across versions).
SUGGESTION_NAMESPACE = uuid.UUID("6f1c2a4e-8d3b-5e7f-9a10-2b3c4d5e6f70")


@dataclass(frozen=True)
class SiteProject:
    """What a chosen site brings to its project besides its place: names and figures."""

    rank: int
    candidate_id: Any
    geometry: Any  # shapely, in the store's CRS
    x: float
    y: float
    units: Sequence[int]
    gained: float
    gained_units: int
    land_area: Optional[float] = None


def project_id(type_code: str, x: float, y: float) -> str:
    """The id of the suggested project of ``type_code`` at (x, y) in the store's CRS (to the
    centimetre): the same site suggested again gets the same id."""
    return str(uuid.uuid5(SUGGESTION_NAMESPACE, f"suggestsites/{type_code}/{x:.2f}/{y:.2f}"))


def site_community(units: Sequence[int], community: Sequence[Any], weight: np.ndarray) -> str:
    """The community holding most of the weight among ``units`` (ties: the first id in sorted
    order); '' when none of them has a community."""
    totals: Dict[str, float] = {}
    for unit in units:
        value = community[unit]
        key = "" if value is None else str(value).strip()
        if key:
            totals[key] = totals.get(key, 0.0) + float(weight[unit])
    if not totals:
        return ""
    return min(totals, key=lambda key: (-totals[key], key))


def reserve_projects(
    sites: Sequence[SiteProject],
    type_code: str,
    community: Sequence[Any],
    weight: np.ndarray,
    name_of: Any,
    notes_of: Any,
) -> List[Project]:
    """One reserve project per site. ``name_of(site)`` and ``notes_of(site)`` word the
    project's name and notes (the adapter translates them)."""
    projects = []
    for site in sites:
        community_id = site_community(site.units, community, weight)
        if not community_id:
            raise DataError(
                N_(
                    "Suggested site {site}: none of the compounds it newly serves has a "
                    "community id, so it cannot be filed as a project"
                ),
                site=site.candidate_id,
            )
        projects.append(
            Project(
                id=project_id(type_code, site.x, site.y),
                community_id=community_id,
                name=name_of(site),
                type_code=type_code,
                status=STATUS_RESERVE,
                land_area=site.land_area,
                notes=notes_of(site),
                geometry=site.geometry,
            )
        )
    return projects
