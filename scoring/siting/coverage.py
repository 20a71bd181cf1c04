"""Who each candidate site would serve: the (compound, candidate) pairs within the radius.

The walking distances come from the network engine's bounded searches
(:func:`..network.reach.network_pair_distances`): a straight-line pass finds the pairs that
could be within reach (walking is never shorter than the straight line), then candidates far
enough apart share one multi-source search cut off at the radius. Only pairs within reach are
ever carried — never a compounds × candidates matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..network import Snaps, WalkingGraph
from ..network.reach import network_pair_distances, pairs_within


@dataclass(frozen=True, eq=False)
class CoveragePairs:
    """Demand ``demand[p]`` is within reach of candidate ``candidate[p]``, ``distance[p]`` away
    (metres walked, or straight-line metres without a network)."""

    demand: np.ndarray
    candidate: np.ndarray
    distance: np.ndarray


def coverage_pairs(
    demand_xy: np.ndarray,
    candidate_xy: np.ndarray,
    radius: float,
    graph: Optional[WalkingGraph] = None,
    demand_snaps: Optional[Snaps] = None,
    candidate_snaps: Optional[Snaps] = None,
) -> CoveragePairs:
    """Every (demand, candidate) pair within ``radius``: walking on ``graph`` with the points'
    snaps, straight-line without a graph. Pairs are sorted by candidate, then demand."""
    radius = float(radius)
    candidate, demand = pairs_within(candidate_xy, demand_xy, radius)
    if graph is None:
        distance = np.hypot(*(candidate_xy[candidate] - demand_xy[demand]).T)
    else:
        if demand_snaps is None or candidate_snaps is None:
            raise ValueError("walking coverage needs the snaps of demands and candidates")
        distance = network_pair_distances(
            graph, candidate_snaps, demand_snaps, candidate, demand, candidate_xy, radius
        )
    keep = distance <= radius
    candidate, demand, distance = candidate[keep], demand[keep], distance[keep]
    order = np.lexsort((demand, candidate))
    return CoveragePairs(demand[order], candidate[order], distance[order])
