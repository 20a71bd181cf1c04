"""Which (unit, facility) pairs lie within a sharing reach, and how far apart they walk.

Tiered provisioning lets a facility serve neighbouring units within its type's reach. Only the
pairs within reach are ever carried (2,000 communities × 86,000 facilities would not fit as a
matrix): a straight-line pass finds the candidates, then bounded network searches measure them.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

from . import _optional
from .search import nearest_distances


def pairs_within(
    a_xy: np.ndarray, b_xy: np.ndarray, radius: float
) -> Tuple[np.ndarray, np.ndarray]:
    """Index pairs (i into a, j into b) of points at most ``radius`` apart (straight line);
    points with non-finite coordinates pair with nothing. A k-d tree when scipy is there,
    grid buckets otherwise; both give the same pairs, sorted by (i, j)."""
    a_ok = np.flatnonzero(np.isfinite(a_xy).all(axis=1))
    b_ok = np.flatnonzero(np.isfinite(b_xy).all(axis=1))
    empty = np.zeros(0, dtype=np.int64)
    if a_ok.size == 0 or b_ok.size == 0:
        return empty, empty
    spatial = _optional.scipy_spatial()
    bound = radius * (1.0 + 1e-9) + 1e-9
    if spatial is not None:
        found = spatial.cKDTree(b_xy[b_ok]).query_ball_point(a_xy[a_ok], bound)
        counts = np.fromiter((len(hits) for hits in found), dtype=np.int64, count=len(found))
        first = np.repeat(a_ok, counts)
        second = b_ok[np.fromiter((j for hits in found for j in hits), dtype=np.int64)]
    else:
        first, second = _pairs_by_grid(a_xy, a_ok, b_xy, b_ok, bound)
    keep = np.hypot(*(a_xy[first] - b_xy[second]).T) <= radius
    first, second = first[keep], second[keep]
    order = np.lexsort((second, first))
    return first[order], second[order]


def _pairs_by_grid(a_xy, a_ok, b_xy, b_ok, bound):
    """Candidate pairs without scipy: b in square cells as wide as ``bound``, each a point
    looking into its own and the eight neighbouring cells."""
    cell = max(bound, 1e-6)
    keys = np.floor(b_xy[b_ok] / cell).astype(np.int64)
    buckets: Dict[Tuple[int, int], List[int]] = {}
    for j, (kx, ky) in zip(b_ok.tolist(), keys.tolist()):
        buckets.setdefault((kx, ky), []).append(j)
    first: List[int] = []
    second: List[int] = []
    for i, (kx, ky) in zip(a_ok.tolist(), np.floor(a_xy[a_ok] / cell).astype(np.int64).tolist()):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                hits = buckets.get((kx + dx, ky + dy), ())
                first.extend([i] * len(hits))
                second.extend(hits)
    return np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)


def spread_groups(xy: np.ndarray, separation: float) -> List[np.ndarray]:
    """Split points into groups whose members are all more than ``separation`` apart
    (a greedy colouring of the "closer than separation" graph), in input order."""
    first, second = pairs_within(xy, xy, separation)
    neighbours: List[List[int]] = [[] for _ in range(len(xy))]
    for i, j in zip(first.tolist(), second.tolist()):
        if i != j:
            neighbours[i].append(j)
    colour = [-1] * len(xy)
    groups: List[List[int]] = []
    for point in range(len(xy)):
        taken = {colour[other] for other in neighbours[point] if colour[other] >= 0}
        chosen = next(c for c in range(len(groups) + 1) if c not in taken)
        if chosen == len(groups):
            groups.append([])
        groups[chosen].append(point)
        colour[point] = chosen
    return [np.asarray(group, dtype=np.int64) for group in groups]


def network_pair_distances(
    graph,
    unit_snaps,
    facility_snaps,
    unit_index: np.ndarray,
    facility_index: np.ndarray,
    unit_xy: np.ndarray,
    radius: float,
) -> np.ndarray:
    """Walking distance of every (unit, facility) pair given, NaN beyond ``radius`` or when
    either is not joined to the network.

    Candidate pairs are within ``radius`` in a straight line, and walking (edge cost = length,
    as the graph is built here) is never shorter. Units more than ``2 * radius`` apart can
    therefore share one multi-source search: a facility within reach of one of them is beyond
    reach of every other, so the nearest source found for it is its own unit.
    """
    distance = np.full(unit_index.shape[0], np.nan)
    units = np.unique(unit_index)
    units = units[unit_snaps.joined[units]]
    if units.size == 0:
        return distance
    group_of = np.full(unit_xy.shape[0], -1, dtype=np.int64)
    for number, group in enumerate(spread_groups(unit_xy[units], 2.0 * radius)):
        group_of[units[group]] = number
    pair_group = group_of[unit_index]
    pair_group[~facility_snaps.joined[facility_index]] = -1
    order = np.argsort(pair_group, kind="stable")
    for pairs in np.split(order, np.flatnonzero(np.diff(pair_group[order])) + 1):
        if pairs.size == 0 or pair_group[pairs[0]] < 0:
            continue
        members = np.unique(unit_index[pairs])
        distance[pairs] = nearest_distances(
            graph, unit_snaps.take(members), facility_snaps.take(facility_index[pairs]), radius
        )
    return distance
