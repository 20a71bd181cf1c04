"""Distances for sharing: which units of a tier each facility can serve, and how far away.

The adapter measures them (network or straight line, DESIGN §4) and hands over only the pairs
within reach: with 2,000 communities and 86,000 facilities the full matrix would hold 172
million entries, while the pairs within a few hundred metres are a few per facility.
:func:`~.rules.share_reach_by_type` tells the adapter how far to look for each type and tier.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Mapping, Tuple

from .model import BOTTOM_UP, FacilityId, UnitId

_EMPTY: Mapping[UnitId, float] = {}


class ReachTable:
    """Sparse distances in metres from facilities to units, per tier.

    A pair that is absent is out of reach. Pairs with no distance (None or NaN: unreachable)
    are skipped; a pair given twice keeps the shorter distance. Pairs of a facility with its
    own unit are harmless: a facility always counts for its own unit first.
    """

    def __init__(self) -> None:
        self._near: Dict[Tuple[str, FacilityId], Dict[UnitId, float]] = {}

    @classmethod
    def from_pairs(cls, tier: str, pairs: Iterable[Tuple[FacilityId, UnitId, Any]]) -> ReachTable:
        """A table holding ``(facility_id, unit_id, distance)`` pairs for units of ``tier``."""
        table = cls()
        table.extend(tier, pairs)
        return table

    def extend(self, tier: str, pairs: Iterable[Tuple[FacilityId, UnitId, Any]]) -> None:
        """Add ``(facility_id, unit_id, distance)`` pairs for units of ``tier``."""
        for facility_id, unit_id, distance in pairs:
            self.add(tier, facility_id, unit_id, distance)

    def add(self, tier: str, facility_id: FacilityId, unit_id: UnitId, distance: Any) -> None:
        """Add one pair; see the class docstring for None, NaN and repeated pairs."""
        if tier not in BOTTOM_UP:
            raise ValueError(f"unknown tier {tier!r}; expected one of {BOTTOM_UP}")
        if distance is None:
            return
        metres = float(distance)
        if math.isnan(metres):
            return
        if metres < 0 or math.isinf(metres):
            raise ValueError(f"distance {distance!r} from {facility_id!r} to {unit_id!r}")
        near = self._near.setdefault((tier, facility_id), {})
        near[unit_id] = min(metres, near.get(unit_id, metres))

    def units_near(self, tier: str, facility_id: FacilityId) -> Mapping[UnitId, float]:
        """Units of ``tier`` within reach of the facility, with their distances."""
        return self._near.get((tier, facility_id), _EMPTY)

    def distance(self, tier: str, facility_id: FacilityId, unit_id: UnitId) -> float:
        """The distance of one pair; NaN when it is not in the table."""
        return self.units_near(tier, facility_id).get(unit_id, math.nan)

    def __len__(self) -> int:
        return sum(len(near) for near in self._near.values())
