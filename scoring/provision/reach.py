"""Distances for sharing: which units of a tier each facility can serve, and how far away.

Only the pairs within reach are carried: with 2,000 communities and 86,000 facilities the full
matrix would hold 172 million entries, while the pairs within a few hundred metres are a few per
facility. :func:`measure_sharing` measures them — on the walking graph (network or straight line,
DESIGN §4, in metres or walking time, §4b) from each unit to the facilities within the reach
:func:`~.rules.share_reach_by_type` gives each type and tier — into a :class:`ReachTable`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..network import snap_points
from ..network.measure import DISTANCE, Measure
from ..network.reach import reach_pairs
from ..standard import FacilityStandard
from .model import BOTTOM_UP, TOP_DOWN, FacilityId, UnitId
from .rules import share_reach_by_type

_EMPTY: Mapping[UnitId, float] = {}


class ReachTable:
    """Sparse distances from facilities to units, per tier: metres, or in walking time seconds
    (with the metres of that walk, :meth:`length`).

    A pair that is absent is out of reach. Pairs with no distance (None or NaN: unreachable)
    are skipped; a pair given twice keeps the shorter distance. Pairs of a facility with its
    own unit are harmless: a facility always counts for its own unit first.
    """

    def __init__(self) -> None:
        self._near: Dict[Tuple[str, FacilityId], Dict[UnitId, float]] = {}
        self._length: Dict[Tuple[str, FacilityId, UnitId], float] = {}

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

    def add(
        self,
        tier: str,
        facility_id: FacilityId,
        unit_id: UnitId,
        distance: Any,
        length: Optional[float] = None,
    ) -> None:
        """Add one pair; see the class docstring for None, NaN and repeated pairs. ``length``
        is the metres of the walk when ``distance`` is a time."""
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
        if metres <= near.get(unit_id, metres):
            near[unit_id] = metres
            if length is not None:
                self._length[(tier, facility_id, unit_id)] = float(length)

    def units_near(self, tier: str, facility_id: FacilityId) -> Mapping[UnitId, float]:
        """Units of ``tier`` within reach of the facility, with their distances."""
        return self._near.get((tier, facility_id), _EMPTY)

    def distance(self, tier: str, facility_id: FacilityId, unit_id: UnitId) -> float:
        """The distance of one pair; NaN when it is not in the table."""
        return self.units_near(tier, facility_id).get(unit_id, math.nan)

    def length(self, tier: str, facility_id: FacilityId, unit_id: UnitId) -> float:
        """The metres walked between a pair: its length when given, else its distance."""
        return self._length.get(
            (tier, facility_id, unit_id), self.distance(tier, facility_id, unit_id)
        )

    def __len__(self) -> int:
        return sum(len(near) for near in self._near.values())


@dataclass
class Sharing:
    """The reach table measured for sharing, and who could not take part (not joined to the
    walking network: unit ids per tier, facility ids)."""

    table: ReachTable
    units_not_joined: Dict[str, List[UnitId]] = field(default_factory=dict)
    facilities_not_joined: List[FacilityId] = field(default_factory=list)


def measure_sharing(
    standard: FacilityStandard,
    units_xy: Mapping[str, np.ndarray],
    unit_ids: Mapping[str, Sequence[UnitId]],
    facility_xy: np.ndarray,
    facility_ids: Sequence[FacilityId],
    facility_codes: Sequence[Optional[str]],
    graph=None,
    snap_tolerance: float = 0.0,
    measure: Measure = DISTANCE,
) -> Sharing:
    """Every (facility, unit) pair of each tier within the sharing reach of the facility's
    type, walked from the unit to the facility (representative points, DESIGN §4); straight
    lines without a graph. Units and facilities farther than the snap tolerance from the graph
    share nothing."""
    reach_by_type = share_reach_by_type(standard, measure)
    # Only the facilities of a type that is shared at some tier are snapped and searched for.
    shared = np.array(
        [i for i, code in enumerate(facility_codes) if code in reach_by_type], dtype=np.int64
    )
    shared_xy = np.asarray(facility_xy, dtype=float).reshape(-1, 2)[shared]
    facility_snaps = None
    sharing = Sharing(ReachTable())
    if graph is not None and len(shared):
        facility_snaps = snap_points(graph, shared_xy, snap_tolerance)
        sharing.facilities_not_joined = [
            facility_ids[i] for i in shared[~facility_snaps.joined].tolist()
        ]
    for tier in TOP_DOWN:
        xy = units_xy.get(tier)
        reach = np.array(
            [reach_by_type[facility_codes[i]].get(tier, np.nan) for i in shared.tolist()],
            dtype=float,
        )
        if xy is None or not len(xy) or not np.isfinite(reach).any():
            continue
        unit_snaps = None
        ids = unit_ids[tier]
        if graph is not None:
            unit_snaps = snap_points(graph, xy, snap_tolerance)
            sharing.units_not_joined[tier] = [
                ids[i] for i in np.flatnonzero(~unit_snaps.joined).tolist()
            ]
        pairs = reach_pairs(graph, measure, xy, unit_snaps, shared_xy, facility_snaps, reach)
        for u, f, cost, length in zip(
            pairs.unit_index.tolist(),
            shared[pairs.facility_index].tolist(),
            pairs.cost.tolist(),
            pairs.length.tolist(),
        ):
            sharing.table.add(tier, facility_ids[f], ids[u], cost, length)
    return sharing
