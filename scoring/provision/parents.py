"""Which 社区 a 小区 belongs to (and which 片区 a 社区), from overlap areas.

Without a parent-id field each unit goes to the parent it overlaps most. Real boundaries are
digitised separately and rarely nest exactly, so a compound often touches a neighbouring
community by a sliver; the largest overlap decides, units overlapping no parent are orphans,
and units split between parents are reported so that the planner can check them (大渡口
redrew community boundaries for exactly this). The adapter computes the areas; this stays
pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple

from .model import UnitId


@dataclass(frozen=True)
class Straddle:
    """A unit overlapping several parents: all of them, largest overlap (m²) first."""

    unit_id: UnitId
    parent_id: UnitId
    overlaps: Tuple[Tuple[UnitId, float], ...]


@dataclass(frozen=True)
class ParentAssignment:
    """The parent of every unit (None for orphans) and what needs a planner's look.

    ``ties`` are units whose two largest overlaps are equal; the parent given first in the
    overlap pairs was taken.
    """

    parent_of: Dict[UnitId, Optional[UnitId]]
    overlap_m2: Dict[UnitId, float]
    orphans: Tuple[UnitId, ...]
    straddling: Tuple[Straddle, ...]
    ties: Tuple[UnitId, ...]


@dataclass(frozen=True)
class UnitOverlap:
    """Two units of one tier that overlap by ``area_m2``."""

    first_id: UnitId
    second_id: UnitId
    area_m2: float


def assign_parents(
    unit_ids: Sequence[UnitId],
    overlaps: Iterable[Tuple[UnitId, UnitId, Any]],
    min_overlap_m2: float = 0.0,
) -> ParentAssignment:
    """Assign each unit the parent with the largest overlap.

    ``overlaps`` are ``(unit_id, parent_id, area_m2)``; pairs given more than once (parts of
    a multipart polygon) add up. Overlaps of ``min_overlap_m2`` or less (touching edges,
    digitising noise), None and NaN do not count.
    """
    known = set(unit_ids)
    areas: Dict[UnitId, Dict[UnitId, float]] = {uid: {} for uid in unit_ids}
    for uid, parent_id, area in overlaps:
        if uid not in known:
            raise ValueError(f"overlap given for unknown unit {uid!r}")
        if area is None or math.isnan(float(area)):
            continue
        by_parent = areas[uid]
        by_parent[parent_id] = by_parent.get(parent_id, 0.0) + float(area)
    parent_of: Dict[UnitId, Optional[UnitId]] = {}
    overlap_m2: Dict[UnitId, float] = {}
    orphans, straddling, ties = [], [], []
    for uid in unit_ids:
        ranked = _ranked(areas[uid], min_overlap_m2)
        if not ranked:
            parent_of[uid], overlap_m2[uid] = None, 0.0
            orphans.append(uid)
            continue
        parent_of[uid], overlap_m2[uid] = ranked[0]
        if len(ranked) > 1:
            straddling.append(Straddle(uid, ranked[0][0], tuple(ranked)))
            if ranked[1][1] == ranked[0][1]:
                ties.append(uid)
    return ParentAssignment(parent_of, overlap_m2, tuple(orphans), tuple(straddling), tuple(ties))


def _ranked(by_parent: Dict[UnitId, float], min_overlap_m2: float) -> list:
    """(parent, area) above the threshold, largest first; equal areas keep input order."""
    kept = [(parent, area) for parent, area in by_parent.items() if area > min_overlap_m2]
    return sorted(kept, key=lambda pair: -pair[1])


def overlapping_units(
    pairs: Iterable[Tuple[UnitId, UnitId, Any]], min_overlap_m2: float = 0.0
) -> Tuple[UnitOverlap, ...]:
    """Pairs of units of one tier that overlap by more than ``min_overlap_m2``.

    ``pairs`` are ``(unit_id, other_id, area_m2)`` as the adapter finds them; a pair given in
    both directions is reported once (with the larger area), a unit paired with itself never.
    Overlapping units of one tier make "the unit a facility lies in" ambiguous.
    """
    found: Dict[frozenset, UnitOverlap] = {}
    for first, second, area in pairs:
        if first == second or area is None or math.isnan(float(area)):
            continue
        if float(area) <= min_overlap_m2:
            continue
        key = frozenset((first, second))
        previous = found.get(key)
        if previous is None or float(area) > previous.area_m2:
            ordered = (previous.first_id, previous.second_id) if previous else (first, second)
            found[key] = UnitOverlap(ordered[0], ordered[1], float(area))
    return tuple(found.values())
