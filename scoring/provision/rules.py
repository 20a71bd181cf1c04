"""What the standard asks of one unit, and which facility types can answer it.

A type is *assessed* when it has a count rule or an area rule; coverage-only types (bus stops,
metro stations: "只考核覆盖，不考核数量") have neither, belong to the facility-gap analysis and
get no provisioning rows. A type without a count rule but with an area rule needs no
particular number of facilities, only the area, with its per-facility minimum applied once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from ..network.measure import DISTANCE, Measure
from ..standard import FacilityStandard, FacilityType


@dataclass(frozen=True)
class Requirement:
    """Facilities and areas (m²) one unit needs of one type; None = the type has no such rule."""

    count: int
    floor_area: Optional[float]
    land_area: Optional[float]

    @classmethod
    def of(cls, kind: FacilityType, population: float) -> Requirement:
        count = kind.count.required_count(population) if kind.count is not None else 0
        facilities_sized = count if kind.count is not None else 1
        return cls(
            count=count,
            floor_area=(
                kind.floor_area.required_m2(population, facilities_sized)
                if kind.floor_area is not None
                else None
            ),
            land_area=(
                kind.land_area.required_m2(population, facilities_sized)
                if kind.land_area is not None
                else None
            ),
        )


def is_assessed(kind: FacilityType) -> bool:
    """Whether provisioning has anything to check for ``kind`` (a count or an area rule)."""
    return kind.count is not None or kind.floor_area is not None or kind.land_area is not None


def unassessed_types(standard: FacilityStandard) -> Tuple[str, ...]:
    """Codes of the coverage-only types, in standard order."""
    return tuple(kind.code for kind in standard.types if not is_assessed(kind))


def requirements_met_by(standard: FacilityStandard) -> Dict[str, Tuple[str, ...]]:
    """For each facility type, the assessed requirement types it counts for (itself included).

    A community health centre counts for the centre requirement of its 片区 and, through
    ``satisfied_by``, for the health-station requirement of its 社区.
    """
    met: Dict[str, Tuple[str, ...]] = {kind.code: () for kind in standard.types}
    for requirement in standard.types:
        if is_assessed(requirement):
            for code in standard.satisfiers(requirement.code):
                met[code] += (requirement.code,)
    return met


def share_reach_by_type(
    standard: FacilityStandard, measure: Measure = DISTANCE
) -> Dict[str, Dict[str, float]]:
    """How far to measure from facilities of each type to units of each tier: metres, or in
    walking time seconds (a requirement's ``sharing.walk_minutes``, else the time to walk its
    ``sharing.reach_m`` on flat ground; see :meth:`.standard.SharingRule.reach_seconds`).

    Sharing follows the *requirement's* rule: a 社区卫生服务中心 fills a community's
    health-station need from as far as a station may be shared (300 m), not from its own
    1,000 m. The adapter needs pairs up to the largest reach a type is used with per tier;
    types that are never shared are absent.
    """
    reach: Dict[str, Dict[str, float]] = {}
    for requirement in standard.types:
        sharing = requirement.sharing
        if not (is_assessed(requirement) and sharing.shareable and sharing.reach_m):
            continue
        limit = sharing.reach_seconds(measure.walk_speed) if measure.time else sharing.reach_m
        for code in standard.satisfiers(requirement.code):
            by_tier = reach.setdefault(code, {})
            by_tier[requirement.tier] = max(by_tier.get(requirement.tier, 0.0), limit)
    return reach
