"""Which unit of a tier holds each facility: points in polygons, for a whole city at once.

A facility lies in the unit whose polygon holds its point, boundary included; where units of a
tier overlap, the first in input order wins (DESIGN §4's representative points; the adapter
reports overlapping units). Asking a geometry engine once per facility and tier — 86,000
facilities × three tiers — was a good part of a city run; here every point is tested against
the polygons whose bounding box holds it at once with numpy, by counting how many polygon edges
a ray from the point towards +x crosses (even-odd, so holes and multipolygons need nothing
special). A district has hundreds of edges, so each edge is tested only against the candidate
points in its own horizontal band (found by binary search), never against all of them.

Polygons come as their rings (each an (n, 2) array of vertices, closed or not) in the
measuring CRS; a unit without usable geometry holds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from ..network.graph import expand_ranges

#: (edge, point) tests at most at once: bounds the temporaries on a city.
_CHUNK = 2_000_000
#: Grid cells per axis at most (so that cell keys fit in int64 with room to spare).
_MAX_CELLS = 1 << 20


@dataclass(frozen=True)
class PolygonSet:
    """Polygons as plain arrays: the edges of every ring, grouped by polygon (polygon p owns
    edges ``edge_offset[p]:edge_offset[p + 1]``), and each polygon's bounding box (NaN for a
    polygon without rings)."""

    edge_start: np.ndarray
    edge_end: np.ndarray
    edge_offset: np.ndarray
    bbox: np.ndarray

    def __len__(self) -> int:
        return int(self.bbox.shape[0])


def polygon_set(polygons: Sequence[Optional[Sequence[np.ndarray]]]) -> PolygonSet:
    """The polygons, each a sequence of rings ((n, 2) vertex arrays; None: no geometry)."""
    rings = []
    ring_polygon = []
    for position, polygon in enumerate(polygons):
        for ring in polygon or ():
            ring = np.asarray(ring, dtype=np.float64)
            if ring.ndim == 2 and ring.shape[0] >= 3:
                rings.append(ring[:, :2])
                ring_polygon.append(position)
    offset = np.zeros(len(polygons) + 1, dtype=np.int64)
    bbox = np.full((len(polygons), 4), np.nan)
    if not rings:
        empty = np.zeros((0, 2))
        return PolygonSet(empty, empty, offset, bbox)
    sizes = np.fromiter((ring.shape[0] for ring in rings), dtype=np.int64, count=len(rings))
    vertices = np.concatenate(rings)
    first = np.cumsum(sizes) - sizes
    last = first + sizes - 1
    # Close the open rings: an edge from each ring's last vertex back to its first.
    open_ring = np.any(vertices[first] != vertices[last], axis=1)
    starts = np.concatenate([vertices[:-1], vertices[last[open_ring]]])
    ends = np.concatenate([vertices[1:], vertices[first[open_ring]]])
    vertex_ring = np.repeat(np.arange(len(rings)), sizes)
    edge_ring = np.concatenate([vertex_ring[:-1], np.flatnonzero(open_ring)])
    inside_ring = np.ones(starts.shape[0], dtype=bool)
    inside_ring[: vertices.shape[0] - 1] = vertex_ring[1:] == vertex_ring[:-1]
    starts, ends, edge_ring = starts[inside_ring], ends[inside_ring], edge_ring[inside_ring]
    edge_polygon = np.asarray(ring_polygon, dtype=np.int64)[edge_ring]
    order = np.argsort(edge_polygon, kind="stable")
    starts, ends, edge_polygon = starts[order], ends[order], edge_polygon[order]
    np.cumsum(np.bincount(edge_polygon, minlength=len(polygons)), out=offset[1:])
    # Rings come in polygon order, so each polygon's vertices are one run.
    vertex_polygon = np.asarray(ring_polygon, dtype=np.int64)[vertex_ring]
    run_start = np.flatnonzero(np.r_[True, vertex_polygon[1:] != vertex_polygon[:-1]])
    owners = vertex_polygon[run_start]
    bbox[owners, :2] = np.minimum.reduceat(vertices, run_start, axis=0)
    bbox[owners, 2:] = np.maximum.reduceat(vertices, run_start, axis=0)
    return PolygonSet(starts, ends, offset, bbox)


def first_containing(polygons: PolygonSet, xy: np.ndarray) -> np.ndarray:
    """For every point, the lowest index of a polygon holding it (boundary included), -1 when
    none does (or the point has no valid coordinates)."""
    points = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    found = np.full(points.shape[0], -1, dtype=np.int64)
    point, polygon = _bbox_pairs(polygons, points)
    if point.size == 0:
        return found
    inside = _inside(polygons, points, point, polygon)
    point, polygon = point[inside], polygon[inside]
    # The lowest polygon of each point.
    order = np.lexsort((polygon, point))
    point, polygon = point[order], polygon[order]
    first = np.ones(point.shape[0], dtype=bool)
    first[1:] = point[1:] != point[:-1]
    found[point[first]] = polygon[first]
    return found


def _bbox_pairs(polygons: PolygonSet, points: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(point, polygon) pairs with the point inside the polygon's bounding box, found through a
    grid of cells about as wide as a typical polygon."""
    empty = np.zeros(0, dtype=np.int64)
    usable = np.flatnonzero(np.isfinite(points).all(axis=1))
    has_box = np.flatnonzero(np.isfinite(polygons.bbox).all(axis=1))
    if usable.size == 0 or has_box.size == 0:
        return empty, empty
    box = polygons.bbox[has_box]
    origin = box[:, :2].min(axis=0)
    extent = box[:, 2:].max(axis=0) - origin
    size = np.median(np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]))
    cell = max(float(size), float(extent.max()) / _MAX_CELLS, 1e-9)
    low = np.floor((box[:, :2] - origin) / cell).astype(np.int64)
    high = np.floor((box[:, 2:] - origin) / cell).astype(np.int64)
    width = int(high[:, 1].max()) + 1
    # Every (polygon, cell) its box covers: columns, then the rows of each column.
    owner, column = expand_ranges(low[:, 0], high[:, 0] + 1)
    column_owner, row = expand_ranges(low[owner, 1], high[owner, 1] + 1)
    cell_polygon = has_box[owner[column_owner]]
    cell_key = column[column_owner] * width + row
    order = np.argsort(cell_key, kind="stable")
    cell_key, cell_polygon = cell_key[order], cell_polygon[order]

    at = points[usable]
    inside_grid = ((at >= origin) & (at <= origin + extent)).all(axis=1)
    usable, at = usable[inside_grid], at[inside_grid]
    grid = np.floor((at - origin) / cell).astype(np.int64)
    grid[:, 1] = np.minimum(grid[:, 1], width - 1)
    key = grid[:, 0] * width + grid[:, 1]
    start = np.searchsorted(cell_key, key, side="left")
    stop = np.searchsorted(cell_key, key, side="right")
    which, slot = expand_ranges(start, stop)
    point, polygon = usable[which], cell_polygon[slot]
    bounds = polygons.bbox[polygon]
    px, py = points[point, 0], points[point, 1]
    keep = (px >= bounds[:, 0]) & (px <= bounds[:, 2]) & (py >= bounds[:, 1]) & (py <= bounds[:, 3])
    return point[keep], polygon[keep]


def _inside(polygons: PolygonSet, points: np.ndarray, point: np.ndarray, polygon: np.ndarray):
    """Whether each (point, polygon) pair's point lies in the polygon or on its boundary.

    The pairs are sorted by polygon, then by the point's y; each edge then finds the pairs of
    its polygon whose y lies in its band with one binary search on a key that adds a polygon's
    rank times a step larger than every y span (exact enough at a city's scale: the band is
    widened by a millimetre and the tests themselves use the coordinates as they are).
    """
    y = points[point, 1]
    boxes = polygons.bbox[np.unique(polygon)]
    y_low = float(min(y.min(), boxes[:, 1].min()))
    span = float(max(y.max(), boxes[:, 3].max())) - y_low + 1.0  # beyond every edge's band
    order = np.lexsort((y, polygon))
    key = polygon[order] * span + (y[order] - y_low)
    edge_polygon = np.repeat(
        np.arange(len(polygons), dtype=np.int64), np.diff(polygons.edge_offset)
    )
    has_pairs = np.zeros(len(polygons), dtype=bool)
    has_pairs[polygon] = True
    edges = np.flatnonzero(has_pairs[edge_polygon])
    a, b = polygons.edge_start[edges], polygons.edge_end[edges]
    base = edge_polygon[edges] * span - y_low
    margin = 1e-3
    start = np.searchsorted(key, base + np.minimum(a[:, 1], b[:, 1]) - margin, side="left")
    stop = np.searchsorted(key, base + np.maximum(a[:, 1], b[:, 1]) + margin, side="right")
    crossings = np.zeros(point.shape[0], dtype=np.int64)
    boundary = np.zeros(point.shape[0], dtype=bool)
    counts = np.maximum(stop - start, 0)
    total = np.cumsum(counts)
    begin = 0
    while begin < edges.shape[0]:
        done = total[begin - 1] if begin else 0
        end = max(int(np.searchsorted(total, done + _CHUNK, side="right")), begin + 1)
        which, slot = expand_ranges(start[begin:end], stop[begin:end])
        pair = order[slot]
        x1, y1 = a[begin:end][which, 0], a[begin:end][which, 1]
        x2, y2 = b[begin:end][which, 0], b[begin:end][which, 1]
        px, py = points[point[pair], 0], points[point[pair], 1]
        straddles = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing_x = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        crosses = straddles & (px < crossing_x)
        on_edge = (
            ((x2 - x1) * (py - y1) == (y2 - y1) * (px - x1))
            & (px >= np.minimum(x1, x2))
            & (px <= np.maximum(x1, x2))
            & (py >= np.minimum(y1, y2))
            & (py <= np.maximum(y1, y2))
        )
        crossings += np.bincount(pair[crosses], minlength=point.shape[0])
        boundary[pair[on_edge]] = True
        begin = end
    return (crossings % 2 == 1) | boundary
