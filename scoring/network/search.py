"""Network distance from every target to its nearest source: one multi-source search per call.

All sources of a call enter one Dijkstra through a virtual super-source whose arcs carry each
source's entry cost (connector plus the part of its edge up to that edge's ends). The search is
cut off at ``max_distance``, so it touches only the part of the network that matters, and it
runs once per facility type, never once per facility or per unit.

A target then takes the cheaper end of its own edge, plus the along-edge part and its connector.
When a source sits on the target's own edge, walking straight along that edge may be shorter
than leaving it at an end and coming back; that case is handled separately with a vectorised
sweep over sources and targets sorted along each edge.

scipy's ``csgraph.dijkstra`` runs the search when available; otherwise a heapq Dijkstra walks the
same CSR arrays and gives the same distances.
"""

from __future__ import annotations

import heapq
from functools import cache
from typing import Tuple

import numpy as np

from . import _optional
from .graph import WalkingGraph
from .memo import digest, remembered
from .snapping import Snaps

#: The search runs slightly past the cut-off; the exact cut is applied to the final distances.
_LIMIT_SLACK = 1e-9


def nearest_distances(
    graph: WalkingGraph, sources: Snaps, targets: Snaps, max_distance: float
) -> np.ndarray:
    """For every target: network distance (m) to the nearest source, NaN when none is within
    ``max_distance`` or when the target (or every source) is not joined.

    The answer is remembered on the graph (see :mod:`.memo`): asking again with the same
    sources, targets and cut-off, as a re-run on unchanged data does, costs no search.
    """
    max_distance = float(max_distance)
    if not (max_distance >= 0):
        raise ValueError("max_distance must be a non-negative number of metres")
    key = (
        "nearest_distances",
        _snaps_digest(sources),
        _snaps_digest(targets),
        max_distance,
        _scipy_dijkstra_usable(),  # the engine too, so that comparing the two paths compares them
    )
    return remembered(
        graph,
        key,
        lambda: _nearest_distances(graph, sources, targets, max_distance),
        copy=np.copy,
        size=lambda result: result.nbytes,
    )


def _snaps_digest(snaps: Snaps) -> bytes:
    """What a search reads of joined points: their edge, place along it, connector."""
    return digest(snaps.edge, snaps.fraction, snaps.connector, snaps.joined)


def _nearest_distances(
    graph: WalkingGraph, sources: Snaps, targets: Snaps, max_distance: float
) -> np.ndarray:
    result = np.full(len(targets), np.nan)
    src = sources.take(sources.joined)
    tgt_index = np.flatnonzero(targets.joined)
    if len(src) == 0 or tgt_index.size == 0:
        return result
    tgt = targets.take(tgt_index)

    node_distance = node_distances(graph, src, max_distance)
    cost = graph.edge_cost[tgt.edge]
    via_from = node_distance[graph.edge_from[tgt.edge]] + tgt.fraction * cost
    via_to = node_distance[graph.edge_to[tgt.edge]] + (1.0 - tgt.fraction) * cost
    along = _same_edge_cost(graph, src, tgt)
    total = np.minimum(np.minimum(via_from, via_to), along) + tgt.connector
    total[~(total <= max_distance)] = np.nan
    result[tgt_index] = total
    return result


def node_distances(graph: WalkingGraph, sources: Snaps, max_distance: float) -> np.ndarray:
    """Cost from the nearest joined source to every node (inf beyond ``max_distance``)."""
    entry_node, entry_cost = _entry_arcs(graph, sources, max_distance)
    limit = max_distance * (1.0 + _LIMIT_SLACK) + _LIMIT_SLACK
    if entry_node.size == 0:
        return np.full(graph.n_nodes, np.inf)
    if _scipy_dijkstra_usable():
        return _dijkstra_scipy(graph, entry_node, entry_cost, limit)
    return _dijkstra_heapq(graph, entry_node, entry_cost, limit)


def _entry_arcs(
    graph: WalkingGraph, sources: Snaps, max_distance: float
) -> Tuple[np.ndarray, np.ndarray]:
    """The super-source's arcs: to both ends of every source's edge, cheapest per node."""
    joined = sources.joined
    edge = sources.edge[joined]
    fraction = sources.fraction[joined]
    connector = sources.connector[joined]
    cost = graph.edge_cost[edge]
    node = np.concatenate([graph.edge_from[edge], graph.edge_to[edge]])
    entry = np.concatenate([connector + fraction * cost, connector + (1.0 - fraction) * cost])
    keep = entry <= max_distance * (1.0 + _LIMIT_SLACK) + _LIMIT_SLACK
    node, entry = node[keep], entry[keep]
    order = np.lexsort((entry, node))
    node, entry = node[order], entry[order]
    first = np.ones(node.shape[0], dtype=bool)
    first[1:] = node[1:] != node[:-1]
    return node[first], entry[first]


def _dijkstra_scipy(
    graph: WalkingGraph, entry_node: np.ndarray, entry_cost: np.ndarray, limit: float
) -> np.ndarray:
    """Append the super-source as row n of the cached CSR and run one bounded Dijkstra."""
    sparse = _optional.scipy_sparse()
    csgraph = _optional.scipy_csgraph()
    n = graph.n_nodes
    indptr = np.append(graph.csr_indptr, graph.csr_indptr[-1] + entry_node.shape[0])
    indices = np.concatenate([graph.csr_indices, entry_node.astype(np.int32)])
    data = np.concatenate([graph.csr_cost, entry_cost])
    matrix = sparse.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(n + 1, n + 1))
    distance = csgraph.dijkstra(matrix, directed=True, indices=n, limit=limit)
    return np.asarray(distance[:n], dtype=np.float64)


def _dijkstra_heapq(
    graph: WalkingGraph, entry_node: np.ndarray, entry_cost: np.ndarray, limit: float
) -> np.ndarray:
    """The same bounded multi-source search in plain Python over the cached CSR arrays.

    The arrays are turned into Python lists per call rather than kept: a per-node list of
    arc tuples would be faster by a few per cent but costs ~100 MB for a city network.
    """
    pointer = graph.csr_indptr.tolist()
    neighbours = graph.csr_indices.tolist()
    costs = graph.csr_cost.tolist()
    distance = [float("inf")] * graph.n_nodes
    heap = []
    for node, entry in zip(entry_node.tolist(), entry_cost.tolist()):
        distance[node] = entry
        heap.append((entry, node))
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        here, node = pop(heap)
        if here > distance[node]:
            continue
        for arc in range(pointer[node], pointer[node + 1]):
            there = here + costs[arc]
            neighbour = neighbours[arc]
            if there < distance[neighbour] and there <= limit:
                distance[neighbour] = there
                push(heap, (there, neighbour))
    return np.asarray(distance, dtype=np.float64)


def _same_edge_cost(graph: WalkingGraph, src: Snaps, tgt: Snaps) -> np.ndarray:
    """Cheapest walk from a source on the target's own edge straight along that edge
    (source connector included, target connector not); inf where no source shares the edge.

    For a target at fraction f and a source at s with connector c on an edge of cost w, the
    walk costs c + |f - s| * w, i.e. (c - s*w) + f*w for sources before the target and
    (c + s*w) - f*w for sources after it; running minima of those two terms along each edge,
    forwards and backwards, give the best source on either side for every target at once.
    """
    n_src, n_tgt = len(src), len(tgt)
    src_cost = graph.edge_cost[src.edge]
    tgt_cost = graph.edge_cost[tgt.edge]
    edge = np.concatenate([src.edge, tgt.edge])
    fraction = np.concatenate([src.fraction, tgt.fraction])
    is_target = np.concatenate([np.zeros(n_src, dtype=np.int8), np.ones(n_tgt, dtype=np.int8)])
    # Sources before targets at equal fractions, so the forward sweep includes them.
    order = np.lexsort((is_target, fraction, edge))
    no_value = np.full(n_tgt, np.inf)
    before = np.concatenate([src.connector - src.fraction * src_cost, no_value])[order]
    after = np.concatenate([src.connector + src.fraction * src_cost, no_value])[order]
    group = edge[order]
    best_before = _segmented_running_min(before, group)
    best_after = _segmented_running_min(after[::-1], group[::-1])[::-1]
    position = np.empty(order.shape[0], dtype=np.int64)
    position[order] = np.arange(order.shape[0])
    at = position[n_src:]
    return np.minimum(
        best_before[at] + tgt.fraction * tgt_cost, best_after[at] - tgt.fraction * tgt_cost
    )


def _segmented_running_min(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running minimum that restarts at every change of ``group`` (groups are contiguous).

    Doubling steps (a Hillis-Steele scan): after the step of size k every entry holds the
    minimum of the last 2k entries of its group, so log2(largest group) passes suffice.
    """
    result = values.copy()
    step = 1
    n = result.shape[0]
    while step < n:
        same = group[step:] == group[:-step]
        if not same.any():
            break
        shifted = np.where(same, result[:-step], np.inf)
        np.minimum(result[step:], shifted, out=result[step:])
        step *= 2
    return result


@cache
def _scipy_keeps_zero_arcs() -> bool:
    """Whether this scipy's Dijkstra treats explicit zero entries as (free) arcs.

    Zero costs are real here (a source standing on a node; free edges), and scipy's treatment
    of explicit zeros in sparse input has varied across its functions, so check once.
    """
    sparse = _optional.scipy_sparse()
    csgraph = _optional.scipy_csgraph()
    matrix = sparse.csr_matrix(
        (np.array([0.0, 1.0]), np.array([1, 2], dtype=np.int32), np.array([0, 1, 2, 2])),
        shape=(3, 3),
    )
    distance = csgraph.dijkstra(matrix, directed=True, indices=0, limit=5.0)
    return bool(distance[1] == 0.0 and distance[2] == 1.0)


def _scipy_dijkstra_usable() -> bool:
    return _optional.scipy_csgraph() is not None and _scipy_keeps_zero_arcs()
