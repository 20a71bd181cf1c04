"""Which (unit, facility) pairs lie within a sharing reach, and how far apart they walk.

Tiered provisioning lets a facility serve neighbouring units within its type's reach. Only the
pairs within reach are ever carried (2,000 communities × 86,000 facilities would not fit as a
matrix): a straight-line pass finds the candidates, then bounded network searches measure them.

In walking time (DESIGN §4b) the walk runs from the unit to the facility and reaches are
seconds; the straight-line pass then looks as far as the fastest walk could go in that time
(:func:`metres_per_cost`: the flat speed, or faster downhill at 5 %, or on a lift), so no pair
within reach is missed.

API summary:

- ``reach_pairs(graph, measure, unit_xy, unit_snaps, facility_xy, facility_snaps, reach,
  group=GROUP_UNITS)`` -> :class:`ReachPairs` (unit index, facility index, cost, metres), the
  pairs whose walk from the unit to the facility is within the facility's ``reach`` (metres
  or seconds, NaN = shares with nobody); straight-line (and flat) without a graph. Sharing in
  tiered provision and coverage for site suggestion (compounds as units, candidates as
  facilities, ``group=GROUP_FACILITIES``) both ask this.
- ``network_pair_costs(graph, source_snaps, target_snaps, source_index, target_index,
  source_xy, reach, lengths=False, walk=WALK_FROM_SOURCE)`` -> :class:`.search.Nearest` for
  given candidate pairs.
- ``metres_per_cost(graph)``: how far a walk of unit cost can reach in a straight line.
- ``pairs_within(a_xy, b_xy, radius)``, ``spread_groups(xy, separation)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

from . import _optional
from .measure import Measure
from .search import WALK_FROM_SOURCE, WALK_TO_SOURCE, Nearest, nearest


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
    """Network cost of every (unit, facility) pair given, NaN beyond ``radius`` or when either
    is not joined to the network (see :func:`network_pair_costs`; the unit walks)."""
    return network_pair_costs(
        graph, unit_snaps, facility_snaps, unit_index, facility_index, unit_xy, radius
    ).cost


def metres_per_cost(graph) -> float:
    """The most metres (straight line) a walk can cover per unit of cost on this graph: 1 for
    metres as built; for walking time the fastest speed of any edge or connector (inf when an
    edge is free). A walk of cost c therefore ends within c * this of where it started."""
    cached = graph.cache.get("metres_per_cost")
    if cached is not None:
        return cached
    speed = 1.0 / graph.connector_rate
    for cost in (graph.edge_cost, graph.edge_cost_backward):
        length = graph.edge_length
        if np.any((cost <= 0) & (length > 0)):
            speed = float("inf")
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cost > 0, length / cost, 0.0)
        speed = max(speed, float(ratio.max(initial=0.0)))
    graph.cache["metres_per_cost"] = speed
    return speed


def network_pair_costs(
    graph,
    source_snaps,
    target_snaps,
    source_index: np.ndarray,
    target_index: np.ndarray,
    source_xy: np.ndarray,
    reach: float,
    lengths: bool = False,
    walk: str = WALK_FROM_SOURCE,
) -> Nearest:
    """Cost of the walk between the source and the target of every pair given (and, with
    ``lengths``, that walk's metres), NaN beyond ``reach`` or when either is not joined.

    ``walk`` says who walks (see :mod:`.search`): ``WALK_FROM_SOURCE`` when the sources are
    the units (sharing: the unit walks to the facility), ``WALK_TO_SOURCE`` when the targets
    walk to the sources (site suggestion: compounds walk to candidate sites). Sources are the
    side grouped into shared searches, so the sparser side is the cheaper choice.

    A walk of cost at most ``reach`` ends within R = reach * :func:`metres_per_cost` metres
    in a straight line. Sources more than ``2 R`` apart can therefore share one multi-source
    search: a target within reach of one of them is beyond reach of every other, so the
    nearest source found for it is its own.
    """
    cost = np.full(source_index.shape[0], np.nan)
    length = np.full(source_index.shape[0], np.nan) if lengths else None
    sources = np.unique(source_index)
    sources = sources[source_snaps.joined[sources]]
    if sources.size == 0:
        return Nearest(cost, length)
    separation = 2.0 * float(reach) * metres_per_cost(graph)
    group_of = np.full(source_xy.shape[0], -1, dtype=np.int64)
    if np.isfinite(separation):
        for number, group in enumerate(spread_groups(source_xy[sources], separation)):
            group_of[sources[group]] = number
    else:  # a free edge: no bound, one search per source
        group_of[sources] = np.arange(sources.size)
    pair_group = group_of[source_index]
    pair_group[~target_snaps.joined[target_index]] = -1
    order = np.argsort(pair_group, kind="stable")
    for pairs in np.split(order, np.flatnonzero(np.diff(pair_group[order])) + 1):
        if pairs.size == 0 or pair_group[pairs[0]] < 0:
            continue
        members = np.unique(source_index[pairs])
        found = nearest(
            graph,
            source_snaps.take(members),
            target_snaps.take(target_index[pairs]),
            reach,
            walk,
            lengths,
        )
        cost[pairs] = found.cost
        if lengths:
            length[pairs] = found.length
    return Nearest(cost, length)


@dataclass(eq=False)
class ReachPairs:
    """(unit, facility) pairs within the facility's reach: indices into the inputs, the cost
    of the walk from the unit to the facility (metres or seconds) and its length in metres."""

    unit_index: np.ndarray
    facility_index: np.ndarray
    cost: np.ndarray
    length: np.ndarray


#: Which side of the pairs :func:`reach_pairs` groups into shared searches.
GROUP_UNITS = "units"
GROUP_FACILITIES = "facilities"


def reach_pairs(
    graph,
    measure: Measure,
    unit_xy: np.ndarray,
    unit_snaps,
    facility_xy: np.ndarray,
    facility_snaps,
    reach: np.ndarray,
    group: str = GROUP_UNITS,
) -> ReachPairs:
    """Every (unit, facility) pair whose walk from the unit to the facility costs at most the
    facility's ``reach`` (in the measure's unit; NaN or <= 0: the facility is shared with
    nobody). Without a graph (``graph``/snaps None) the walk is straight and flat.

    Used for sharing in tiered provision (facilities within reach of a unit) and for site
    suggestion (compounds as units, candidate sites as facilities, the coverage limit as
    every candidate's reach). ``group`` picks the side whose points share searches (see
    :func:`network_pair_costs`): the one with fewer points close together is cheaper.
    Pairs come sorted by (unit, facility).
    """
    if group not in (GROUP_UNITS, GROUP_FACILITIES):
        raise ValueError(f"group must be {GROUP_UNITS!r} or {GROUP_FACILITIES!r}")
    reach = np.asarray(reach, dtype=np.float64).reshape(-1)
    shared = np.isfinite(reach) & (reach > 0)
    empty = ReachPairs(*(np.zeros(0, dtype=np.int64),) * 2, np.zeros(0), np.zeros(0))
    if not shared.any() or len(unit_xy) == 0:
        return empty
    speed = 1.0 if graph is None else metres_per_cost(graph)
    if graph is None and measure.time:
        speed = measure.walk_speed
    largest = float(reach[shared].max()) * speed
    if not np.isfinite(largest):
        largest = float(np.hypot(*np.ptp(np.vstack([unit_xy, facility_xy]), axis=0))) + 1.0
    unit_index, facility_index = pairs_within(unit_xy, facility_xy, largest)
    straight = np.hypot(*(unit_xy[unit_index] - facility_xy[facility_index]).T)
    limit = reach[facility_index]
    keep = shared[facility_index] & (straight <= limit * speed * (1.0 + 1e-9) + 1e-9)
    unit_index, facility_index = unit_index[keep], facility_index[keep]
    limit, straight = limit[keep], straight[keep]
    if graph is None:
        cost, length = measure.cost_of_metres(straight), straight
    else:
        # One pass at the largest reach (as many searches as before), then each pair's own.
        largest_reach = float(limit.max(initial=0.0))
        if group == GROUP_UNITS:
            found = network_pair_costs(
                graph,
                unit_snaps,
                facility_snaps,
                unit_index,
                facility_index,
                unit_xy,
                largest_reach,
                lengths=True,
                walk=WALK_FROM_SOURCE,
            )
        else:
            found = network_pair_costs(
                graph,
                facility_snaps,
                unit_snaps,
                facility_index,
                unit_index,
                facility_xy,
                largest_reach,
                lengths=True,
                walk=WALK_TO_SOURCE,
            )
        cost, length = found.cost, found.length
    usable = cost <= limit
    return ReachPairs(unit_index[usable], facility_index[usable], cost[usable], length[usable])
