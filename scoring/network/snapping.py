"""Join points to the walking network at the nearest position on the nearest edge.

A unit or facility joins where a person would step onto the path: the closest point of the
closest edge, not the closest node, and the straight connector counts in the distance. A point
farther than the snap tolerance from every edge is not joined (its distances are NULL).

Finding the nearest edge uses sample points along every edge: each edge is cut into pieces no
longer than ``spacing`` and the piece midpoints are indexed, so any position on an edge lies
within ``spacing / 2`` of one of its samples. An edge at distance d from a point therefore has a
sample within d + spacing / 2, which bounds the candidates; exact point-segment distances over
the candidates then decide. scipy's cKDTree does the sample search when it is available; a
numpy grid of buckets does it otherwise, and both pick the same edge (smallest distance, then
lowest edge index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from . import _optional
from .graph import WalkingGraph, expand_ranges
from .memo import digest, remembered

#: Slack (metres) that absorbs rounding when a sample is not exactly on its segment.
_EPSILON = 1e-6
#: Candidate (point, sample) pairs handled at once by the grid fallback.
_GRID_CHUNK = 2_000_000
#: Neighbours asked of the k-d tree first; points whose candidates may be incomplete ask again.
_FIRST_K = 16


@dataclass(eq=False)
class Snaps:
    """Where each point joins the network. Arrays have one entry per input point.

    ``edge`` is -1 and ``fraction``, ``connector`` and ``snapped_xy`` are NaN for points that are
    not joined. ``fraction`` runs from 0 at ``edge_from`` to 1 at ``edge_to``.
    """

    edge: np.ndarray
    fraction: np.ndarray
    connector: np.ndarray
    joined: np.ndarray
    snapped_xy: np.ndarray

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    def take(self, index: np.ndarray) -> Snaps:
        """The snaps of a subset of the points (by index or boolean mask)."""
        return Snaps(
            edge=self.edge[index],
            fraction=self.fraction[index],
            connector=self.connector[index],
            joined=self.joined[index],
            snapped_xy=self.snapped_xy[index],
        )


def snap_points(graph: WalkingGraph, xy: np.ndarray, tolerance: float) -> Snaps:
    """Join each point of ``xy`` (n, 2) to its nearest edge position within ``tolerance`` m.

    Points with non-finite coordinates are simply not joined; callers that want to refuse
    them check first. The answer is remembered on the graph (see :mod:`.memo`), so joining the
    same points again, as a re-run on unchanged data does, costs no search.
    """
    points = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    tolerance = float(tolerance)
    if not (tolerance >= 0):
        raise ValueError("tolerance must be a non-negative number of metres")
    return remembered(
        graph,
        # The engine is part of the key, so that comparing the two paths compares them.
        ("snap_points", digest(points), tolerance, _optional.scipy_spatial() is not None),
        lambda: _snap_points(graph, points, tolerance),
        copy=_copied,
        size=lambda snaps: sum(array.nbytes for array in _arrays(snaps)),
    )


def _arrays(snaps: Snaps) -> Tuple[np.ndarray, ...]:
    return (snaps.edge, snaps.fraction, snaps.connector, snaps.joined, snaps.snapped_xy)


def _copied(snaps: Snaps) -> Snaps:
    return Snaps(*(array.copy() for array in _arrays(snaps)))


def _snap_points(graph: WalkingGraph, points: np.ndarray, tolerance: float) -> Snaps:
    n = points.shape[0]
    edge = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.inf)
    fraction = np.full(n, np.nan)
    usable = np.flatnonzero(np.all(np.isfinite(points), axis=1))
    if graph.n_edges > 0 and usable.size > 0:
        samples = _edge_samples(graph)
        spatial = _optional.scipy_spatial()
        if spatial is not None:
            pt, cand = _candidates_kdtree(graph, samples, points[usable], tolerance, spatial)
        else:
            pt, cand = _candidates_grid(samples, points[usable], tolerance)
        best_pt, best_edge, best_dist, best_t = _choose_nearest(graph, points[usable], pt, cand)
        edge[usable[best_pt]] = best_edge
        distance[usable[best_pt]] = best_dist
        fraction[usable[best_pt]] = best_t
    joined = distance <= tolerance
    edge[~joined] = -1
    fraction[~joined] = np.nan
    connector = np.where(joined, distance, np.nan)
    snapped = np.full((n, 2), np.nan)
    if joined.any():
        a = graph.node_xy[graph.edge_from[edge[joined]]]
        b = graph.node_xy[graph.edge_to[edge[joined]]]
        snapped[joined] = a + fraction[joined, None] * (b - a)
    return Snaps(
        edge=edge, fraction=fraction, connector=connector, joined=joined, snapped_xy=snapped
    )


def on_island(graph: WalkingGraph, snaps: Snaps) -> np.ndarray:
    """True for joined points whose edge is not in the main (largest) component."""
    result = np.zeros(len(snaps), dtype=bool)
    joined = snaps.joined
    if joined.any():
        component = graph.node_component[graph.edge_from[snaps.edge[joined]]]
        result[joined] = component != graph.main_component
    return result


def point_segment_distance(
    points: np.ndarray, a: np.ndarray, b: np.ndarray
) -> Tuple[np.ndarray, np.ndarray]:
    """Distance from each point to segment a-b and the clamped fraction of its projection.

    The one formula both search paths use, so that equal inputs give bit-equal distances.
    """
    direction = b - a
    squared = np.einsum("ij,ij->i", direction, direction)
    t = np.einsum("ij,ij->i", points - a, direction) / squared
    t = np.clip(t, 0.0, 1.0)
    offset = points - (a + t[:, None] * direction)
    return np.hypot(offset[:, 0], offset[:, 1]), t


class _Samples:
    """Sample points along the edges: coordinates, owning edge, and the spacing used."""

    def __init__(self, xy: np.ndarray, edge: np.ndarray, spacing: float) -> None:
        self.xy = xy
        self.edge = edge
        self.spacing = spacing


def _edge_samples(graph: WalkingGraph) -> _Samples:
    """Piece midpoints for every edge, cached on the graph (units and facilities share them).

    The spacing is the larger of the median edge length and half the mean, which keeps the
    number of samples below three per edge even when a few edges are very long.
    """
    cached = graph.cache.get("snap_samples")
    if cached is not None:
        return cached
    length = graph.edge_length
    spacing = max(float(np.median(length)), float(length.mean()) / 2.0, 1e-3)
    pieces = np.maximum(np.ceil(length / spacing), 1).astype(np.int64)
    edge = np.repeat(np.arange(graph.n_edges, dtype=np.int64), pieces)
    first_piece = np.cumsum(pieces) - pieces
    piece_index = np.arange(edge.shape[0], dtype=np.int64) - first_piece[edge]
    t = (piece_index + 0.5) / pieces[edge]
    a = graph.node_xy[graph.edge_from[edge]]
    b = graph.node_xy[graph.edge_to[edge]]
    samples = _Samples(a + t[:, None] * (b - a), edge, float(np.max(length / pieces)))
    graph.cache["snap_samples"] = samples
    return samples


def _candidates_kdtree(
    graph: WalkingGraph, samples: _Samples, points: np.ndarray, tolerance: float, spatial
) -> Tuple[np.ndarray, np.ndarray]:
    """(point, edge) candidate pairs: every edge with a sample within min(d1, tol) + spacing/2,
    where d1 is the distance to the nearest sample (an upper bound on the nearest edge)."""
    tree = graph.cache.get("snap_kdtree")
    if tree is None:
        tree = spatial.cKDTree(samples.xy)
        graph.cache["snap_kdtree"] = tree
    half = samples.spacing / 2.0 + _EPSILON
    nearest, _ = tree.query(points, k=1, distance_upper_bound=tolerance + half)
    pending = np.flatnonzero(np.isfinite(nearest))
    radius = np.minimum(nearest, tolerance) + half
    n_samples = samples.xy.shape[0]
    k = _FIRST_K
    found_pt, found_edge = [], []
    while pending.size > 0:
        kk = min(k, n_samples)
        dist, idx = tree.query(points[pending], k=kk, distance_upper_bound=tolerance + half)
        dist = dist.reshape(pending.size, kk)
        idx = idx.reshape(pending.size, kk)
        limit = radius[pending][:, None]
        complete = (dist[:, -1] > limit[:, 0]) | (kk == n_samples)
        rows, cols = np.nonzero((dist <= limit) & complete[:, None])
        found_pt.append(pending[rows])
        found_edge.append(samples.edge[idx[rows, cols]])
        pending = pending[~complete]
        k *= 4
    return _concat_pairs(found_pt, found_edge)


def _candidates_grid(
    samples: _Samples, points: np.ndarray, tolerance: float
) -> Tuple[np.ndarray, np.ndarray]:
    """The k-d tree path's candidates without scipy.

    Samples are bucketed in grid cells as wide as the search radius tolerance + spacing / 2,
    so the 3x3 cells around a point hold every sample within that radius. A first pass over
    them finds d1, the nearest sample; a second keeps the samples within
    min(d1, tol) + spacing / 2, exactly the bound the k-d tree path uses.
    """
    half = samples.spacing / 2.0 + _EPSILON
    radius = tolerance + half
    both = np.concatenate([samples.xy, points])
    origin = both.min(axis=0)
    extent = float(np.max(both.max(axis=0) - origin))
    cell = max(min(radius, extent + 1.0), extent / 2**30, _EPSILON)
    sample_cells = np.floor((samples.xy - origin) / cell).astype(np.int64)
    point_cells = np.floor((points - origin) / cell).astype(np.int64)
    width = int(max(sample_cells[:, 1].max(), point_cells[:, 1].max())) + 3
    sample_keys = sample_cells[:, 0] * width + sample_cells[:, 1] + 1
    order = np.argsort(sample_keys, kind="stable")
    sorted_keys = sample_keys[order]
    point_keys = point_cells[:, 0] * width + point_cells[:, 1] + 1
    ranges = []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            wanted = point_keys + dx * width + dy
            ranges.append(
                (
                    np.searchsorted(sorted_keys, wanted, side="left"),
                    np.searchsorted(sorted_keys, wanted, side="right"),
                )
            )

    # Samples in cell order, so that a cell's samples are read from consecutive memory.
    sorted_x, sorted_y = samples.xy[order, 0].copy(), samples.xy[order, 1].copy()
    point_x, point_y = points[:, 0].copy(), points[:, 1].copy()

    def sample_pairs():
        """(point, sorted sample slot, distance) for every sample in the 3x3 cells."""
        for start, stop in ranges:
            for chunk in _chunks_by_total(stop - start, _GRID_CHUNK):
                owner, slot = expand_ranges(start[chunk], stop[chunk])
                pt = chunk[owner]
                dist = np.hypot(point_x[pt] - sorted_x[slot], point_y[pt] - sorted_y[slot])
                yield pt, slot, dist

    nearest = np.full(points.shape[0], np.inf)
    for pt, _, dist in sample_pairs():
        if pt.size:
            # pt is sorted within a chunk (ranges expand point by point).
            first = np.flatnonzero(np.r_[True, pt[1:] != pt[:-1]])
            nearest[pt[first]] = np.minimum(nearest[pt[first]], np.minimum.reduceat(dist, first))
    limit = np.where(nearest <= radius, np.minimum(nearest, tolerance) + half, -1.0)
    found_pt, found_edge = [], []
    for pt, slot, dist in sample_pairs():
        keep = dist <= limit[pt]
        found_pt.append(pt[keep])
        found_edge.append(samples.edge[order[slot[keep]]])
    return _concat_pairs(found_pt, found_edge)


def _chunks_by_total(counts: np.ndarray, budget: int):
    """Consecutive index ranges whose counts add up to about ``budget`` each."""
    total = np.cumsum(counts)
    start = 0
    n = counts.shape[0]
    while start < n:
        base = total[start - 1] if start > 0 else 0
        stop = int(np.searchsorted(total, base + budget, side="right"))
        stop = max(stop, start + 1)
        yield np.arange(start, min(stop, n))
        start = stop


def _concat_pairs(pts: list, edges: list) -> Tuple[np.ndarray, np.ndarray]:
    if not pts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pt = np.concatenate(pts)
    edge = np.concatenate(edges)
    # Several samples of one edge make one candidate.
    stride = int(edge.max(initial=0)) + 1
    unique = np.unique(pt * stride + edge)
    return unique // stride, unique % stride


def _choose_nearest(
    graph: WalkingGraph, points: np.ndarray, pt: np.ndarray, edge: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every point with candidates: the nearest edge (ties: lowest index), its distance
    and the fraction along it."""
    if pt.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0)
    dist, t = point_segment_distance(
        points[pt], graph.node_xy[graph.edge_from[edge]], graph.node_xy[graph.edge_to[edge]]
    )
    order = np.lexsort((edge, dist, pt))
    pt_sorted = pt[order]
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = pt_sorted[1:] != pt_sorted[:-1]
    best = order[first]
    return pt[best], edge[best], dist[best], t[best]
