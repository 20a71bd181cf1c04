"""Who each candidate site would serve: the (compound, candidate) pairs within the coverage
limit, in metres or in walking time.

The walks come from the network engine's pair search (:func:`..network.reach.reach_pairs`):
a straight-line pass finds the pairs that could be within reach (as far as the fastest walk
could go), then bounded searches measure them, points more than two reaches apart sharing
one search. The compound walks to the site (DESIGN §4b), whichever side shares the searches.
Only pairs within reach are ever carried — never a compounds × candidates matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..network import DISTANCE, Measure, Snaps, WalkingGraph, reach_pairs
from ..network.reach import GROUP_FACILITIES, GROUP_UNITS


@dataclass(frozen=True, eq=False)
class CoveragePairs:
    """Demand ``demand[p]`` reaches candidate ``candidate[p]`` at ``cost[p]`` (metres, or
    seconds of walking) along a route of ``metres[p]``. Sorted by candidate, then demand."""

    demand: np.ndarray
    candidate: np.ndarray
    cost: np.ndarray
    metres: np.ndarray


def coverage_pairs(
    demand_xy: np.ndarray,
    candidate_xy: np.ndarray,
    limit: float,
    graph: Optional[WalkingGraph] = None,
    demand_snaps: Optional[Snaps] = None,
    candidate_snaps: Optional[Snaps] = None,
    measure: Measure = DISTANCE,
) -> CoveragePairs:
    """Every (demand, candidate) pair whose walk from the demand to the candidate costs at
    most ``limit``: on ``graph`` with the points' snaps, straight (and flat) without one.

    The side with fewer points shares the searches: a few candidates among many compounds
    (a parcel list), or a few compounds among many candidates (sites proposed every 50 m).
    """
    if graph is not None and (demand_snaps is None or candidate_snaps is None):
        raise ValueError("walking coverage needs the snaps of demands and candidates")
    n_candidates = np.asarray(candidate_xy).reshape(-1, 2).shape[0]
    group = GROUP_FACILITIES if n_candidates < len(demand_xy) else GROUP_UNITS
    found = reach_pairs(
        graph,
        measure,
        np.asarray(demand_xy, dtype=np.float64).reshape(-1, 2),
        demand_snaps,
        np.asarray(candidate_xy, dtype=np.float64).reshape(-1, 2),
        candidate_snaps,
        np.full(n_candidates, float(limit)),
        group=group,
    )
    order = np.lexsort((found.unit_index, found.facility_index))
    return CoveragePairs(
        demand=found.unit_index[order],
        candidate=found.facility_index[order],
        cost=found.cost[order],
        metres=found.length[order],
    )
