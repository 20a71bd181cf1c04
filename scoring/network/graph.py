"""The walking network as plain arrays: nodes, edges, costs, components and a CSR adjacency.

Every line vertex is a node; vertices closer than the topology tolerance are one node, so
lines join where they share a vertex, never where they merely cross (bridges and tunnels keep
their own levels). Everything is vectorised: a city network of half a million segments must
build in seconds, so there is no Python object per edge.

The search only ever reads the costs it is given (DESIGN §4): ``edge_cost`` is length times a
per-line factor as built, and :meth:`WalkingGraph.with_directed_cost` gives a graph whose arcs
cost one thing forwards (``edge_from`` to ``edge_to``) and another backwards, e.g. walking time
uphill and downhill (:mod:`.walking_time`). Such a graph keeps two adjacencies: the arcs as
walked, for searches that start where the walk starts, and the same arcs reversed, for
searches that start where the walk ends (from the facilities, as the walk runs from the unit to
the facility). A graph with symmetric costs keeps one and uses it both ways, exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from ..errors import N_, DataError
from . import _optional

#: Largest cell index span per axis, so that a cell (ix, iy) packs into one int64 key.
_MAX_CELLS_PER_AXIS = 2**30


@dataclass(frozen=True, eq=False)
class Arcs:
    """One adjacency in CSR form: row ``u`` lists the arcs ``u -> v`` sorted by ``v``, one per
    ordered node pair (the cheapest of parallel edges), with its cost and, where asked for, the
    length in metres of the edge it came from (for the length of a cheapest route)."""

    indptr: np.ndarray
    indices: np.ndarray
    cost: np.ndarray
    length: Optional[np.ndarray] = None


@dataclass(eq=False)
class WalkingGraph:
    """A walking network: undirected as built, directed once given directed costs.

    Nodes are numbered 0..n-1 and edges 0..m-1. Components are labelled 0..k-1 in the order of
    their lowest node index; ``main_component`` is the one with the most metres of network (ties:
    more nodes, then the lower label), -1 when the graph has no edges. Components ignore
    direction: every edge can be walked both ways, only at different costs.

    ``edge_cost`` is the cost of walking an edge forwards (``edge_from`` to ``edge_to``);
    ``edge_cost_back`` backwards, None when the two are the same. ``profile``, when set, says
    how cost accrues along an edge (see :meth:`portions`); without it cost is proportional to
    the distance along the edge. ``connector_rate`` is the cost of one metre of connector (the
    straight walk from a point to its snapped position): 1 when costs are metres, 1 / speed
    when they are seconds on flat ground.
    """

    node_xy: np.ndarray
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_length: np.ndarray
    edge_cost: np.ndarray
    edge_line: np.ndarray
    node_component: np.ndarray
    component_node_count: np.ndarray
    component_length: np.ndarray
    main_component: int
    csr_indptr: np.ndarray = field(repr=False)
    csr_indices: np.ndarray = field(repr=False)
    csr_cost: np.ndarray = field(repr=False)
    edge_cost_back: Optional[np.ndarray] = field(default=None, repr=False)
    profile: Optional[Any] = field(default=None, repr=False)
    connector_rate: float = 1.0
    #: The arcs reversed (v -> u carries the cost of walking u -> v); None when symmetric.
    reverse_csr: Optional[Arcs] = field(default=None, repr=False)
    #: Lengths of the kept arcs of the CSR above, for directed graphs (lazily otherwise).
    csr_length: Optional[np.ndarray] = field(default=None, repr=False)
    # Per-graph caches (e.g. the snapping index), filled on first use.
    cache: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        return int(self.node_xy.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_from.shape[0])

    @property
    def n_components(self) -> int:
        return int(self.component_node_count.shape[0])

    @property
    def edge_component(self) -> np.ndarray:
        """Component label of every edge (both ends are in the same component)."""
        return self.node_component[self.edge_from]

    @property
    def directed(self) -> bool:
        """Whether walking an edge may cost differently in its two directions."""
        return self.edge_cost_back is not None

    @property
    def edge_cost_backward(self) -> np.ndarray:
        """Cost of walking every edge from ``edge_to`` to ``edge_from``."""
        return self.edge_cost if self.edge_cost_back is None else self.edge_cost_back

    def with_edge_cost(self, edge_cost: np.ndarray) -> WalkingGraph:
        """The same network with other symmetric per-edge costs; the CSR is rebuilt."""
        cost = _checked_cost(edge_cost, self.edge_length.shape, "edge_cost")
        indptr, indices, data, _ = _build_csr(self.n_nodes, self.edge_from, self.edge_to, cost)
        return replace(
            self,
            edge_cost=cost,
            csr_indptr=indptr,
            csr_indices=indices,
            csr_cost=data,
            edge_cost_back=None,
            profile=None,
            connector_rate=1.0,
            reverse_csr=None,
            csr_length=None,
            cache={},
        )

    def with_directed_cost(
        self,
        forward: np.ndarray,
        backward: np.ndarray,
        profile: Optional[Any] = None,
        connector_rate: float = 1.0,
    ) -> WalkingGraph:
        """The same network where walking edge e costs ``forward[e]`` from ``edge_from`` to
        ``edge_to`` and ``backward[e]`` the other way (e.g. seconds uphill and downhill).

        ``profile`` (e.g. :class:`.walking_time.PieceProfile`) places cost along an edge for
        snapped points; without one it is proportional to the distance along the edge.
        ``connector_rate`` prices a metre of connector (1 / speed for seconds). Both
        adjacencies are built, with arc lengths, so that searches run either way and can
        report the length of the cheapest route. Results remembered on this graph are not
        carried over.
        """
        forward = _checked_cost(forward, self.edge_length.shape, "forward cost")
        backward = _checked_cost(backward, self.edge_length.shape, "backward cost")
        rate = float(connector_rate)
        if not (np.isfinite(rate) and rate > 0):
            raise ValueError("connector_rate must be a positive number")
        forward_arcs, reverse = _directed_csr(
            self.n_nodes, self.edge_from, self.edge_to, forward, backward, self.edge_length
        )
        indptr, indices, data, arc_length = forward_arcs
        return replace(
            self,
            edge_cost=forward,
            csr_indptr=indptr,
            csr_indices=indices,
            csr_cost=data,
            edge_cost_back=backward,
            profile=profile,
            connector_rate=rate,
            reverse_csr=Arcs(*reverse),
            csr_length=arc_length,
            cache={},
        )

    def arcs(self, reverse: bool = False) -> Arcs:
        """The adjacency as walked (``reverse=False``) or reversed; one and the same for a
        graph with symmetric costs. Arc lengths are filled in (on first use when symmetric)."""
        if reverse and self.reverse_csr is not None:
            return self.reverse_csr
        if self.csr_length is None:
            cached = self.cache.get("csr_length")
            if cached is None:
                cached = _build_csr(
                    self.n_nodes, self.edge_from, self.edge_to, self.edge_cost, self.edge_length
                )[3]
                self.cache["csr_length"] = cached
            return Arcs(self.csr_indptr, self.csr_indices, self.csr_cost, cached)
        return Arcs(self.csr_indptr, self.csr_indices, self.csr_cost, self.csr_length)

    def portions(
        self, edge: np.ndarray, fraction: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Cost of the two parts of each ``edge`` at ``fraction`` (0 at ``edge_from``), walked
        each way: (forwards over [0, f], forwards over [f, 1], backwards over [0, f],
        backwards over [f, 1]).

        Without a profile cost is proportional to the distance along the edge: f * cost and
        (1 - f) * cost, exactly the arithmetic of the symmetric search. A profile (walking
        time) is linear within each piece of the edge.
        """
        forward = self.edge_cost[edge]
        head_fwd = fraction * forward
        tail_fwd = (1.0 - fraction) * forward
        if self.edge_cost_back is None:
            head_back, tail_back = head_fwd, tail_fwd
        else:
            backward = self.edge_cost_back[edge]
            head_back = fraction * backward
            tail_back = (1.0 - fraction) * backward
        if self.profile is not None:
            head_fwd, tail_fwd, head_back, tail_back = self.profile.portions(
                edge, fraction, (head_fwd, tail_fwd, head_back, tail_back)
            )
        return head_fwd, tail_fwd, head_back, tail_back


def build_graph(
    lines: Sequence[np.ndarray],
    topology_tolerance: float = 0.01,
    cost_factor: Optional[np.ndarray] = None,
    line_ids: Optional[Sequence[Any]] = None,
) -> WalkingGraph:
    """Build the walking graph from line parts given as Nx2 (or NxK, K>=2) arrays in metres.

    ``cost_factor`` (one per line, default 1) multiplies each segment's length into its cost.
    ``line_ids`` name the lines in error messages (default: their index).
    """
    tolerance = float(topology_tolerance)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError("topology_tolerance must be a finite, non-negative number of metres")
    coords, vertex_line = _stack_vertices(lines, line_ids)
    factor = _line_cost_factor(cost_factor, len(lines), line_ids)

    vertex_node, node_xy = _cluster_vertices(coords, tolerance)
    seg_from, seg_to, seg_line = _segments(vertex_node, vertex_line)
    node_xy, seg_from, seg_to = _drop_unused_nodes(node_xy, seg_from, seg_to)

    length = np.hypot(*(node_xy[seg_to] - node_xy[seg_from]).T)
    cost = length * factor[seg_line]
    component = connected_components(node_xy.shape[0], seg_from, seg_to)
    node_count, comp_length, main = _component_sizes(component, seg_from, length)
    indptr, indices, data, _ = _build_csr(node_xy.shape[0], seg_from, seg_to, cost)
    return WalkingGraph(
        node_xy=node_xy,
        edge_from=seg_from,
        edge_to=seg_to,
        edge_length=length,
        edge_cost=cost,
        edge_line=seg_line,
        node_component=component,
        component_node_count=node_count,
        component_length=comp_length,
        main_component=main,
        csr_indptr=indptr,
        csr_indices=indices,
        csr_cost=data,
    )


def _line_name(index: int, line_ids: Optional[Sequence[Any]]) -> Any:
    return index if line_ids is None else line_ids[index]


def _stack_vertices(
    lines: Sequence[np.ndarray], line_ids: Optional[Sequence[Any]]
) -> Tuple[np.ndarray, np.ndarray]:
    """All vertices in one (N, 2) array and the index of the line each came from."""
    if line_ids is not None and len(line_ids) != len(lines):
        raise ValueError("line_ids must name every line")
    arrays = [np.asarray(line, dtype=np.float64) for line in lines]
    for index, array in enumerate(arrays):
        if array.ndim != 2 or array.shape[1] < 2:
            raise ValueError(f"line {index} is not an (N, 2) coordinate array")
    counts = np.fromiter((a.shape[0] for a in arrays), dtype=np.int64, count=len(arrays))
    if counts.sum() == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    coords = np.concatenate([a[:, :2] for a in arrays], axis=0) + 0.0  # -0.0 becomes 0.0
    vertex_line = np.repeat(np.arange(len(arrays), dtype=np.int64), counts)
    bad = ~np.all(np.isfinite(coords), axis=1)
    if bad.any():
        index = int(vertex_line[np.argmax(bad)])
        raise DataError(
            N_("Network line {line_id}: a vertex has no valid coordinates"),
            line_id=_line_name(index, line_ids),
        )
    return coords, vertex_line


def _line_cost_factor(
    cost_factor: Optional[np.ndarray], n_lines: int, line_ids: Optional[Sequence[Any]]
) -> np.ndarray:
    if cost_factor is None:
        return np.ones(n_lines)
    factor = np.asarray(cost_factor, dtype=np.float64).reshape(-1)
    if factor.shape[0] != n_lines:
        raise ValueError("cost_factor must have one value per line")
    bad = ~np.isfinite(factor) | (factor < 0)
    if bad.any():
        index = int(np.argmax(bad))
        raise DataError(
            N_("Network line {line_id}: walking cost factor {value} is not a non-negative number"),
            line_id=_line_name(index, line_ids),
            value=factor[index],
        )
    return factor


def _cluster_vertices(coords: np.ndarray, tolerance: float) -> Tuple[np.ndarray, np.ndarray]:
    """Node index of every vertex and the node coordinates.

    Identical coordinates are one point; distinct points closer than ``tolerance`` (chained)
    are one node, found by comparing only points in the same or adjacent grid cells. The node
    takes the coordinates of its lowest point in (x, y) order, so the result is deterministic.
    """
    point_of_vertex, points = _unique_points(coords)
    if tolerance > 0 and points.shape[0] > 1:
        close_a, close_b = _close_pairs(points, tolerance)
        cluster = connected_components(points.shape[0], close_a, close_b)
    else:
        cluster = np.arange(points.shape[0], dtype=np.int64)
    # Points are sorted, so the first member of each cluster is its lowest point.
    _, first_member = np.unique(cluster, return_index=True)
    return cluster[point_of_vertex], points[first_member]


def _unique_points(coords: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Distinct coordinates sorted by (x, y), and the index of each input row among them."""
    if coords.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    order = np.lexsort((coords[:, 1], coords[:, 0]))
    ordered = coords[order]
    is_new = np.ones(order.shape[0], dtype=bool)
    is_new[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    rank = np.cumsum(is_new) - 1
    point_of_vertex = np.empty(order.shape[0], dtype=np.int64)
    point_of_vertex[order] = rank
    return point_of_vertex, ordered[is_new]


def _close_pairs(points: np.ndarray, tolerance: float) -> Tuple[np.ndarray, np.ndarray]:
    """Index pairs of points at most ``tolerance`` apart (each pair once)."""
    origin = points.min(axis=0)
    extent = float(np.max(points.max(axis=0) - origin))
    cell = max(tolerance, extent / _MAX_CELLS_PER_AXIS)
    cells = np.floor((points - origin) / cell).astype(np.int64)
    width = int(cells[:, 1].max()) + 3  # y index shifted by one so that iy - 1 >= 0
    keys = cells[:, 0] * width + (cells[:, 1] + 1)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    pairs_a, pairs_b = [], []
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        first, second = _pairs_in_cell(keys + dx * width + dy, sorted_keys, order)
        if dx == 0 and dy == 0:
            keep = first < second
            first, second = first[keep], second[keep]
        delta = points[first] - points[second]
        close = np.hypot(delta[:, 0], delta[:, 1]) <= tolerance
        pairs_a.append(first[close])
        pairs_b.append(second[close])
    return np.concatenate(pairs_a), np.concatenate(pairs_b)


def _pairs_in_cell(
    wanted_keys: np.ndarray, sorted_keys: np.ndarray, order: np.ndarray
) -> Tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with point j in the cell ``wanted_keys[i]``."""
    start = np.searchsorted(sorted_keys, wanted_keys, side="left")
    stop = np.searchsorted(sorted_keys, wanted_keys, side="right")
    first, slot = expand_ranges(start, stop)
    return first, order[slot]


def expand_ranges(start: np.ndarray, stop: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """For ranges [start[i], stop[i]), the owner ``i`` and the value of every member, flat."""
    counts = np.maximum(stop - start, 0)
    owner = np.repeat(np.arange(start.shape[0], dtype=np.int64), counts)
    total = int(counts.sum())
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts)
    return owner, start[owner] + within


def _segments(
    vertex_node: np.ndarray, vertex_line: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Consecutive vertex pairs of the same line, without zero-length ones."""
    if vertex_node.shape[0] < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    same_line = vertex_line[1:] == vertex_line[:-1]
    seg_from = vertex_node[:-1][same_line]
    seg_to = vertex_node[1:][same_line]
    seg_line = vertex_line[:-1][same_line]
    keep = seg_from != seg_to
    return seg_from[keep], seg_to[keep], seg_line[keep]


def _drop_unused_nodes(
    node_xy: np.ndarray, seg_from: np.ndarray, seg_to: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep only nodes that end an edge (a line collapsed to one point leaves none)."""
    used = np.zeros(node_xy.shape[0], dtype=bool)
    used[seg_from] = True
    used[seg_to] = True
    new_index = np.cumsum(used) - 1
    return node_xy[used], new_index[seg_from], new_index[seg_to]


def connected_components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label per node of the undirected graph with edges (a[i], b[i]).

    Labels are 0..k-1 in the order of each component's lowest node, whichever method ran, so
    the scipy and the pure-numpy paths give identical arrays.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    csgraph = _optional.scipy_csgraph()
    if csgraph is not None and a.shape[0] > 0:
        sparse = _optional.scipy_sparse()
        matrix = sparse.coo_matrix((np.ones(a.shape[0]), (a, b)), shape=(n, n)).tocsr()
        _, labels = csgraph.connected_components(matrix, directed=False)
    else:
        labels = _hook_and_jump(n, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
    return _label_by_first_member(np.asarray(labels, dtype=np.int64))


def _hook_and_jump(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Components without scipy: hook each root to its smallest neighbouring root, then
    compress paths; every round at least halves the number of trees per component."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        root_a, root_b = parent[a], parent[b]
        differ = root_a != root_b
        if not differ.any():
            return parent
        high = np.maximum(root_a, root_b)[differ]
        low = np.minimum(root_a, root_b)[differ]
        order = np.lexsort((low, high))
        high, low = high[order], low[order]
        first = np.ones(high.shape[0], dtype=bool)
        first[1:] = high[1:] != high[:-1]
        parent[high[first]] = np.minimum(parent[high[first]], low[first])
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def _label_by_first_member(labels: np.ndarray) -> np.ndarray:
    _, first_index, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first_index.shape[0], dtype=np.int64)
    rank[np.argsort(first_index, kind="stable")] = np.arange(first_index.shape[0])
    return rank[inverse.reshape(-1)]


def _component_sizes(
    component: np.ndarray, seg_from: np.ndarray, length: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, int]:
    """Nodes and metres of network per component, and the main one (most metres)."""
    k = int(component.max(initial=-1)) + 1
    node_count = np.bincount(component, minlength=k).astype(np.int64)
    comp_length = np.bincount(component[seg_from], weights=length, minlength=k)
    if k == 0:
        return node_count, comp_length, -1
    # lexsort: last key is primary. Most metres, then most nodes, then lowest label.
    order = np.lexsort((np.arange(k), -node_count, -comp_length))
    return node_count, comp_length, int(order[0])


def _directed_csr(n, edge_from, edge_to, forward, backward, length):
    """Both adjacencies of a directed graph: the arcs as walked (u -> v at the forward cost of
    an edge u-v, v -> u at its backward cost), the cheapest per ordered pair (of equal costs the
    shortest), and the same kept arcs reversed. One sort of an int64 key; only node pairs with
    parallel edges get a second look."""
    src = np.concatenate([edge_from, edge_to]).astype(np.int64)
    dst = np.concatenate([edge_to, edge_from]).astype(np.int64)
    cost = np.concatenate([forward, backward])
    arc_length = np.concatenate([length, length])
    key = src * n + dst
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(key.shape[0], dtype=bool)
    first[1:] = key[1:] != key[:-1]
    if not first.all():
        # Parallel edges: among the arcs of each such pair keep the cheapest, then shortest.
        group = np.cumsum(first) - 1
        size = np.bincount(group)
        shared = np.flatnonzero(size[group] > 1)
        ranked = shared[np.lexsort((arc_length[order[shared]], cost[order[shared]], group[shared]))]
        best = np.ones(ranked.shape[0], dtype=bool)
        best[1:] = group[ranked[1:]] != group[ranked[:-1]]
        first[shared] = False
        first[ranked[best]] = True
    kept = order[first]
    src, dst, cost, arc_length = src[kept], dst[kept], cost[kept], arc_length[kept]

    def csr(rows, columns, sort):
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return (
            indptr.astype(np.int32),
            columns[sort].astype(np.int32),
            np.ascontiguousarray(cost[sort]),
            np.ascontiguousarray(arc_length[sort]),
        )

    walked = csr(src, dst, np.arange(src.shape[0]))
    reversed_order = np.argsort(dst * n + src)  # unique keys: no ties
    return walked, csr(dst, src, reversed_order)


def _checked_cost(values: np.ndarray, shape: Tuple[int, ...], name: str) -> np.ndarray:
    cost = np.asarray(values, dtype=np.float64)
    if cost.shape != shape:
        raise ValueError(f"{name} must have one value per edge")
    if not np.all(np.isfinite(cost)) or np.any(cost < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return cost


def _build_csr(
    n: int,
    seg_from: np.ndarray,
    seg_to: np.ndarray,
    cost: np.ndarray,
    length: Optional[np.ndarray] = None,
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, Optional[np.ndarray]]:
    """Adjacency in both directions at the same cost, one arc per ordered node pair (the
    cheapest of parallel edges; of equal costs the shortest), and the kept arcs' lengths when
    ``length`` is given.

    Indices are int32 to halve the memory (the search widens them once per graph, see
    ``bounded_search``); zero costs are kept as explicit entries (they are real edges).
    """
    src = np.concatenate([seg_from, seg_to])
    dst = np.concatenate([seg_to, seg_from])
    arc_cost = np.concatenate([cost, cost])
    arc_length = None if length is None else np.concatenate([length, length])
    if arc_length is None:
        order = np.lexsort((arc_cost, dst, src))
    else:
        order = np.lexsort((arc_length, arc_cost, dst, src))
    src, dst, arc_cost = src[order], dst[order], arc_cost[order]
    first = np.ones(src.shape[0], dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, arc_cost = src[first], dst[first], arc_cost[first]
    if arc_length is not None:
        arc_length = np.ascontiguousarray(arc_length[order][first])
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr.astype(np.int32), dst.astype(np.int32), np.ascontiguousarray(arc_cost), arc_length
