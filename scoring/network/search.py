"""Network cost from every target to its nearest source: one multi-source search per call.

All sources of a call enter one search through a virtual super-source whose arcs carry each
source's entry cost (connector plus the part of its edge up to that edge's ends). The search is
cut off at ``max_cost``, so it touches only the part of the network that matters, and it runs
once per facility type, never once per facility or per unit.

A target then takes the cheaper end of its own edge, plus the along-edge part and its connector.
When a source sits on the target's own edge, walking straight along that edge may be cheaper
than leaving it at an end and coming back; that case is handled separately with a vectorised
sweep over sources and targets sorted along each edge.

Direction (DESIGN §4b: time runs from the unit to the facility). On a graph with directed costs
(:meth:`.graph.WalkingGraph.with_directed_cost`) ``walk`` says which way the walk goes:

- :data:`WALK_TO_SOURCE` (the default; facility gap): each target walks to its nearest source.
  The search starts at the sources and runs over the reversed arcs, so that the cost found at a
  node is the cost of walking *from* that node to a source.
- :data:`WALK_FROM_SOURCE` (sharing reach, where units are the sources): the walk starts at
  the source and the search follows the arcs as walked.

On a graph with symmetric costs both give the same numbers, and the arithmetic is exactly that
of the distance search before directed costs existed (same results, same speed).

Route lengths. :func:`nearest` with ``lengths=True`` also gives the metres of each target's
cheapest route (``dist_T`` beside ``time_T``). No second search is run: the node costs found
define, for every reached node, the arcs that are *tight* (cost of the arc's tail plus the arc
equals the node's cost). Walking back from a target's end node along tight arcs to the
super-source adds up the route's metres. Of several tight arcs the one from the lowest-numbered
node is taken (after the super-source itself), a rule that depends only on the costs, so the
lengths are as reproducible as the costs.

The search itself is :func:`.bounded_search.bounded_costs` (numpy, no scipy needed), whose
costs are bit for bit those of a Dijkstra over the same arcs.

API summary (all arrays are numpy, one entry per point of the ``Snaps`` given):

- ``nearest(graph, sources, targets, max_cost, walk=WALK_TO_SOURCE, lengths=False)`` ->
  :class:`Nearest` (``cost``: metres or seconds, whatever the graph's costs are, NaN beyond
  ``max_cost`` or not joined; ``length``: metres of that route when asked for, else None).
- ``nearest_distances(graph, sources, targets, max_distance)`` -> ``nearest(...).cost``.
- ``node_distances(graph, sources, max_cost, walk=WALK_TO_SOURCE)`` -> cost per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from .bounded_search import SearchArcs, bounded_costs
from .graph import Arcs, WalkingGraph, expand_ranges
from .memo import digest, remembered
from .snapping import Snaps

#: The search runs slightly past the cut-off; the exact cut is applied to the final distances.
_LIMIT_SLACK = 1e-9

#: Each target walks to its nearest source (units to facilities in the facility gap).
WALK_TO_SOURCE = "to_source"
#: The walk starts at the source (units as sources walking to facilities in sharing).
WALK_FROM_SOURCE = "from_source"
WALKS = (WALK_TO_SOURCE, WALK_FROM_SOURCE)


@dataclass(eq=False)
class Nearest:
    """Per target: the cost to (or from) its nearest source and, when asked for, the length in
    metres of that cheapest route (NaN together with the cost)."""

    cost: np.ndarray
    length: Optional[np.ndarray] = None


def nearest(
    graph: WalkingGraph,
    sources: Snaps,
    targets: Snaps,
    max_cost: float,
    walk: str = WALK_TO_SOURCE,
    lengths: bool = False,
) -> Nearest:
    """For every target: the cost of walking between it and its nearest source (see ``walk``
    in the module docstring), NaN when none is within ``max_cost`` or when the target (or every
    source) is not joined; with ``lengths`` also the metres of that route.

    Costs are in the graph's unit (metres as built, seconds for walking time); connectors cost
    ``graph.connector_rate`` per metre. The answer is remembered on the graph (see
    :mod:`.memo`): asking again with the same sources, targets and cut-off, as a re-run on
    unchanged data does, costs no search.
    """
    max_cost = float(max_cost)
    if not (max_cost >= 0):
        raise ValueError("max_cost must be a non-negative number")
    if walk not in WALKS:
        raise ValueError(f"walk must be one of {WALKS}")
    if not graph.directed:
        walk = WALK_TO_SOURCE  # the same answer either way
    key = (
        "nearest",
        _snaps_digest(sources),
        _snaps_digest(targets),
        max_cost,
        walk,
        bool(lengths),
    )
    return remembered(
        graph,
        key,
        lambda: _nearest(graph, sources, targets, max_cost, walk, bool(lengths)),
        copy=_copied,
        size=lambda result: result.cost.nbytes * (2 if result.length is not None else 1),
    )


def nearest_distances(
    graph: WalkingGraph, sources: Snaps, targets: Snaps, max_distance: float
) -> np.ndarray:
    """For every target: network cost (metres on a graph as built) to the nearest source, NaN
    when none is within ``max_distance`` or when the target (or every source) is not joined."""
    return nearest(graph, sources, targets, max_distance).cost


def _copied(result: Nearest) -> Nearest:
    return Nearest(result.cost.copy(), None if result.length is None else result.length.copy())


def _snaps_digest(snaps: Snaps) -> bytes:
    """What a search reads of joined points: their edge, place along it, connector."""
    return digest(snaps.edge, snaps.fraction, snaps.connector, snaps.joined)


@dataclass(eq=False)
class _Entries:
    """The super-source's arcs: the cheapest entry per node, with the length of that entry."""

    node: np.ndarray
    cost: np.ndarray
    length: np.ndarray


def _nearest(
    graph: WalkingGraph,
    sources: Snaps,
    targets: Snaps,
    max_cost: float,
    walk: str,
    lengths: bool,
) -> Nearest:
    result = Nearest(
        np.full(len(targets), np.nan), np.full(len(targets), np.nan) if lengths else None
    )
    src = sources.take(sources.joined)
    tgt_index = np.flatnonzero(targets.joined)
    if len(src) == 0 or tgt_index.size == 0:
        return result
    tgt = targets.take(tgt_index)
    to_source = walk == WALK_TO_SOURCE
    reverse = graph.directed and to_source

    entries = _entry_arcs(graph, src, max_cost, to_source)
    node_cost = _search(graph, entries, max_cost, reverse)
    head_fwd, tail_fwd, head_back, tail_back = _portions(graph, tgt)
    start, end = graph.edge_from[tgt.edge], graph.edge_to[tgt.edge]
    if to_source:
        via_from = node_cost[start] + head_back
        via_to = node_cost[end] + tail_fwd
    else:
        via_from = node_cost[start] + head_fwd
        via_to = node_cost[end] + tail_back
    along, along_source = _same_edge_cost(graph, src, tgt, to_source, lengths)
    connector = _connector_cost(graph, tgt.connector)
    total = np.minimum(np.minimum(via_from, via_to), along) + connector
    reached = total <= max_cost
    total[~reached] = np.nan
    result.cost[tgt_index] = total
    if lengths and _cost_is_length(graph):
        result.length[tgt_index] = total
    elif lengths:
        result.length[tgt_index] = _target_lengths(
            graph,
            src,
            tgt,
            entries,
            node_cost,
            reverse,
            (via_from, via_to, along),
            along_source,
            reached,
        )
    return result


def node_distances(
    graph: WalkingGraph, sources: Snaps, max_distance: float, walk: str = WALK_TO_SOURCE
) -> np.ndarray:
    """Cost between the nearest joined source and every node (inf beyond ``max_distance``);
    ``walk`` as for :func:`nearest`."""
    to_source = walk == WALK_TO_SOURCE or not graph.directed
    entries = _entry_arcs(graph, sources.take(sources.joined), max_distance, to_source)
    return _search(graph, entries, max_distance, graph.directed and to_source)


def _search(graph: WalkingGraph, entries: _Entries, max_cost: float, reverse: bool) -> np.ndarray:
    """Cost from the super-source to every node over the arcs (reversed or as walked)."""
    limit = max_cost * (1.0 + _LIMIT_SLACK) + _LIMIT_SLACK
    if entries.node.size == 0:
        return np.full(graph.n_nodes, np.inf)
    return bounded_costs(_search_arcs(graph, reverse), entries.node, entries.cost, limit)


def _search_arcs(graph: WalkingGraph, reverse: bool) -> SearchArcs:
    """The adjacency as the search reads it, made once per graph and direction (a graph with
    symmetric costs has one adjacency for both)."""
    key = ("search_arcs", bool(reverse and graph.reverse_csr is not None))
    arcs = graph.cache.get(key)
    if arcs is None:
        arcs = SearchArcs.of(graph.arcs(reverse))
        graph.cache[key] = arcs
    return arcs


def _portions(graph: WalkingGraph, snaps: Snaps):
    """Along-edge costs of joined points (see :meth:`WalkingGraph.portions`), remembered for
    graphs with a profile, where they take some work (the same units serve every search)."""
    if graph.profile is None:
        return graph.portions(snaps.edge, snaps.fraction)
    return remembered(
        graph,
        ("portions", digest(snaps.edge, snaps.fraction)),
        lambda: graph.portions(snaps.edge, snaps.fraction),
        copy=lambda parts: parts,  # read only: callers never write into them
        size=lambda parts: sum(part.nbytes for part in parts),
    )


def _connector_cost(graph: WalkingGraph, metres: np.ndarray) -> np.ndarray:
    return metres if graph.connector_rate == 1.0 else metres * graph.connector_rate


def _entry_arcs(graph: WalkingGraph, src: Snaps, max_cost: float, to_source: bool) -> _Entries:
    """The super-source's arcs: to both ends of every source's edge, cheapest per node.

    Walking to the source, the entry at ``edge_from`` is the walk from that node forwards to
    the source; walking from it, the walk from the source backwards to that node.
    """
    edge, fraction = src.edge, src.fraction
    connector = _connector_cost(graph, src.connector)
    head_fwd, tail_fwd, head_back, tail_back = _portions(graph, src)
    node = np.concatenate([graph.edge_from[edge], graph.edge_to[edge]])
    if to_source:
        entry = np.concatenate([connector + head_fwd, connector + tail_back])
    else:
        entry = np.concatenate([connector + head_back, connector + tail_fwd])
    length = graph.edge_length[edge]
    metres = np.concatenate(
        [src.connector + fraction * length, src.connector + (1.0 - fraction) * length]
    )
    keep = entry <= max_cost * (1.0 + _LIMIT_SLACK) + _LIMIT_SLACK
    node, entry, metres = node[keep], entry[keep], metres[keep]
    order = np.lexsort((entry, node))
    node, entry, metres = node[order], entry[order], metres[order]
    first = np.ones(node.shape[0], dtype=bool)
    first[1:] = node[1:] != node[:-1]
    return _Entries(node[first], entry[first], metres[first])


# --------------------------------------------------------------------------------------------
# Sources on the target's own edge
# --------------------------------------------------------------------------------------------


def _same_edge_cost(
    graph: WalkingGraph, src: Snaps, tgt: Snaps, to_source: bool, which: bool = False
) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Cheapest walk between a target and a source on its own edge straight along that edge
    (source connector included, target connector not), inf where no source shares the edge;
    with ``which`` also the index (into ``src``) of that source (-1 where none), else None.

    With g(x) the cost of walking over [0, x] of the edge in the direction that runs towards
    the source, a source at s before a target at f (s <= f) costs c + g(f) - g(s), and one
    after it c + h(s) - h(f) with h the cost over [0, x] walked the other way. So the terms
    (c - g(s)) and (c + h(s)) depend on the source alone: their running minima along each
    edge, forwards and backwards, give the best source on either side for every target at
    once. For a symmetric graph g(x) = h(x) = x * cost, the arithmetic of the distance search.
    """
    n_src, n_tgt = len(src), len(tgt)
    src_fwd, _, src_back, _ = _portions(graph, src)
    tgt_fwd, _, tgt_back, _ = _portions(graph, tgt)
    if to_source:  # the target walks: backwards to a source before it, forwards to one after
        src_before, src_after, tgt_before, tgt_after = src_back, src_fwd, tgt_back, tgt_fwd
    else:  # the source walks: forwards to a target after it, backwards to one before
        src_before, src_after, tgt_before, tgt_after = src_fwd, src_back, tgt_fwd, tgt_back
    connector = _connector_cost(graph, src.connector)
    edge = np.concatenate([src.edge, tgt.edge])
    fraction = np.concatenate([src.fraction, tgt.fraction])
    is_target = np.concatenate([np.zeros(n_src, dtype=np.int8), np.ones(n_tgt, dtype=np.int8)])
    # Sources before targets at equal fractions, so the forward sweep includes them.
    order = np.lexsort((is_target, fraction, edge))
    no_value = np.full(n_tgt, np.inf)
    before = np.concatenate([connector - src_before, no_value])[order]
    after = np.concatenate([connector + src_after, no_value])[order]
    owner = None
    if which:
        owner = np.concatenate([np.arange(n_src, dtype=np.int64), np.full(n_tgt, -1)])[order]
    group = edge[order]
    best_before, from_before = _segmented_running_min(before, group, owner)
    best_after, from_after = _segmented_running_min(
        after[::-1], group[::-1], None if owner is None else owner[::-1]
    )
    best_after = best_after[::-1]
    position = np.empty(order.shape[0], dtype=np.int64)
    position[order] = np.arange(order.shape[0])
    at = position[n_src:]
    cost_before = best_before[at] + tgt_before
    cost_after = best_after[at] - tgt_after
    if not which:
        return np.minimum(cost_before, cost_after), None
    use_after = cost_after < cost_before
    source = np.where(use_after, from_after[::-1][at], from_before[at])
    return np.where(use_after, cost_after, cost_before), source


def _segmented_running_min(
    values: np.ndarray, group: np.ndarray, owner: Optional[np.ndarray] = None
) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Running minimum that restarts at every change of ``group`` (groups are contiguous),
    and, when ``owner`` is given, the owner of each minimum (the earliest of equal values).

    Doubling steps (a Hillis-Steele scan): after the step of size k every entry holds the
    minimum of the last 2k entries of its group, so log2(largest group) passes suffice.
    """
    result = values.copy()
    source = None if owner is None else owner.copy()
    step = 1
    n = result.shape[0]
    while step < n:
        same = group[step:] == group[:-step]
        if not same.any():
            break
        shifted = np.where(same, result[:-step], np.inf)
        if source is not None:
            better = shifted <= result[step:]
            np.copyto(source[step:], source[:-step].copy(), where=better)
        np.minimum(result[step:], shifted, out=result[step:])
        step *= 2
    return result, source


# --------------------------------------------------------------------------------------------
# Route lengths
# --------------------------------------------------------------------------------------------


def _target_lengths(
    graph: WalkingGraph,
    src: Snaps,
    tgt: Snaps,
    entries: _Entries,
    node_cost: np.ndarray,
    reverse: bool,
    ways: Tuple[np.ndarray, np.ndarray, np.ndarray],
    along_source: np.ndarray,
    reached: np.ndarray,
) -> np.ndarray:
    """Metres of every reached target's cheapest route: its connector, the part of its edge
    to the end it leaves by (or to the source on its own edge) and the route to that end.

    Of equal-cost ways the first of (via ``edge_from``, via ``edge_to``, along the edge) is
    taken, so the choice depends on the costs alone.
    """
    via_from, via_to, along = ways
    length = graph.edge_length[tgt.edge]
    use_to = via_to < via_from
    best = np.minimum(via_from, via_to)
    use_along = along < best
    end_node = np.where(use_to, graph.edge_to[tgt.edge], graph.edge_from[tgt.edge])
    part = np.where(use_to, (1.0 - tgt.fraction) * length, tgt.fraction * length)
    needed = reached & ~use_along
    nodes, inverse = np.unique(end_node[needed], return_inverse=True)
    node_length = _route_lengths(
        graph.arcs(not reverse), node_cost, entries, nodes.astype(np.int64)
    )
    result = np.full(len(tgt), np.nan)
    result[needed] = node_length[inverse] + part[needed] + tgt.connector[needed]
    on_edge = reached & use_along
    if on_edge.any():
        source = along_source[on_edge]
        result[on_edge] = (
            np.abs(tgt.fraction[on_edge] - src.fraction[source]) * length[on_edge]
            + src.connector[source]
            + tgt.connector[on_edge]
        )
    return result


def _route_lengths(
    incoming: Arcs, node_cost: np.ndarray, entries: _Entries, nodes: np.ndarray
) -> np.ndarray:
    """Metres from the super-source to each of ``nodes`` along its cheapest route.

    ``incoming`` row x lists the search's arcs p -> x (the opposite adjacency of the one
    searched). Each step moves every unfinished node one tight arc back: to the super-source
    when its entry is tight, else to the lowest-numbered p with cost(p) < cost(x) and
    cost(p) + arc == cost(x). A node without such an arc (not possible with positive arc
    costs) gets NaN.
    """
    n = node_cost.shape[0]
    root_cost = np.full(n, np.inf)
    root_cost[entries.node] = entries.cost
    root_length = np.zeros(n)
    root_length[entries.node] = entries.length
    indptr = incoming.indptr.astype(np.int64)
    result = np.zeros(nodes.shape[0])
    current = nodes.copy()
    active = np.arange(nodes.shape[0])
    for _ in range(n + 1):
        if active.size == 0:
            break
        here = current[active]
        at_root = root_cost[here] == node_cost[here]
        finished = active[at_root]
        result[finished] += root_length[current[finished]]
        active, here = active[~at_root], here[~at_root]
        if active.size == 0:
            break
        owner, arc = expand_ranges(indptr[here], indptr[here + 1])
        tail = incoming.indices[arc]
        target_cost = node_cost[here[owner]]
        tight = (node_cost[tail] < target_cost) & (
            node_cost[tail] + incoming.cost[arc] == target_cost
        )
        owner, arc = owner[tight], arc[tight]
        first = np.ones(owner.shape[0], dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        owner, arc = owner[first], arc[first]
        lost = np.ones(active.shape[0], dtype=bool)
        lost[owner] = False
        result[active[lost]] = np.nan
        moving = active[owner]
        result[moving] += incoming.length[arc]
        current[moving] = incoming.indices[arc]
        active = moving
    result[active] = np.nan
    return result


def _cost_is_length(graph: WalkingGraph) -> bool:
    """Whether every cost is the metres walked (a graph as built without cost factors), so
    that a route's length is its cost and needs no walking back."""
    known = graph.cache.get("cost_is_length")
    if known is None:
        known = (
            not graph.directed
            and graph.profile is None
            and graph.connector_rate == 1.0
            and bool(np.array_equal(graph.edge_cost, graph.edge_length))
        )
        graph.cache["cost_is_length"] = known
    return known
