"""Coordinates of plain points and lines straight from their WKB, reprojected in bulk.

A city network has half a million vertices and a facility layer tens of thousands of points;
asking QGIS for every vertex as a Python object, and transforming geometry by geometry, costs
seconds. Here each feature's WKB (one call) is read with ``struct`` and numpy, and all
coordinates are reprojected in one call through a single multipoint geometry, so QGIS still does
the reprojection (same PROJ operation, point by point) and the numbers are the same.

Only what is unambiguous is read here: little-endian ISO WKB of a Point, LineString or
MultiLineString, in 2D, or with Z and/or M when no reprojection is needed (a reprojection with
heights might move x and y by the height), and the rings of a Polygon or MultiPolygon already
in the measuring CRS. Everything else — curves, multipoints, big-endian or extended WKB — is
left to the caller's per-geometry path (``None``).
"""

from __future__ import annotations

import itertools
import struct
from typing import List, Optional, Tuple

import numpy as np
from qgis.core import QgsGeometry

_HEADER = struct.Struct("<BI")  # byte order, geometry type
_COUNT = struct.Struct("<I")
_LITTLE_ENDIAN = 1
_POINT, _LINESTRING, _MULTILINESTRING = 1, 2, 5
#: ISO WKB type offsets and the number of ordinates per vertex they mean.
_DIMENSIONS = {0: 2, 1000: 3, 2000: 3, 3000: 4}
_MULTIPOINT_2D = 4
#: One 2D point in WKB: byte order, type, x, y (21 bytes, unaligned).
_POINT_RECORD = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
#: The prefix of a little-endian 2D point's WKB.
POINT_2D_PREFIX = _HEADER.pack(_LITTLE_ENDIAN, _POINT)
POINT_2D_SIZE = _POINT_RECORD.itemsize


def _kind_and_dimensions(geometry_type: int):
    offset = (geometry_type // 1000) * 1000
    dimensions = _DIMENSIONS.get(offset)
    return geometry_type - offset, dimensions


def line_parts(wkb: bytes, any_dimensions: bool) -> Optional[List[np.ndarray]]:
    """The parts of a LineString or MultiLineString WKB as (n, 2) views of its x and y;
    None for anything else (including Z/M when ``any_dimensions`` is False)."""
    if len(wkb) < 9:
        return None
    order, geometry_type = _HEADER.unpack_from(wkb, 0)
    kind, dimensions = _kind_and_dimensions(geometry_type)
    if order != _LITTLE_ENDIAN or dimensions is None:
        return None
    if dimensions != 2 and not any_dimensions:
        return None
    if kind == _LINESTRING:
        part, end = _linestring(wkb, 5, dimensions)
        return [part] if part is not None and end == len(wkb) else None
    if kind != _MULTILINESTRING:
        return None
    (count,) = _COUNT.unpack_from(wkb, 5)
    offset = 9
    parts = []
    for _ in range(count):
        if offset + 9 > len(wkb):
            return None
        order, part_type = _HEADER.unpack_from(wkb, offset)
        if order != _LITTLE_ENDIAN or part_type != geometry_type - kind + _LINESTRING:
            return None
        part, offset = _linestring(wkb, offset + 5, dimensions)
        if part is None:
            return None
        parts.append(part)
    return parts if offset == len(wkb) else None


def _linestring(wkb: bytes, offset: int, dimensions: int):
    """The vertices of a LineString body at ``offset`` (its vertex count) and where it ends."""
    if offset + 4 > len(wkb):
        return None, offset
    (n,) = _COUNT.unpack_from(wkb, offset)
    start = offset + 4
    end = start + 8 * dimensions * n
    if end > len(wkb):
        return None, offset
    values = np.frombuffer(wkb, dtype="<f8", count=dimensions * n, offset=start)
    return values.reshape(n, dimensions)[:, :2], end


_POLYGON, _MULTIPOLYGON = 3, 6


def polygon_rings(wkb: bytes) -> Optional[List[np.ndarray]]:
    """Every ring (exterior and holes, of every part) of a Polygon or MultiPolygon WKB as
    (n, 2) arrays of x and y; None for anything else."""
    if len(wkb) < 9:
        return None
    order, geometry_type = _HEADER.unpack_from(wkb, 0)
    kind, dimensions = _kind_and_dimensions(geometry_type)
    if order != _LITTLE_ENDIAN or dimensions is None or kind not in (_POLYGON, _MULTIPOLYGON):
        return None
    rings: List[np.ndarray] = []
    if kind == _POLYGON:
        end = _rings(wkb, 5, dimensions, rings)
        return rings if end == len(wkb) else None
    (count,) = _COUNT.unpack_from(wkb, 5)
    offset = 9
    for _ in range(count):
        if offset + 9 > len(wkb):
            return None
        order, part_type = _HEADER.unpack_from(wkb, offset)
        if order != _LITTLE_ENDIAN or part_type != geometry_type - kind + _POLYGON:
            return None
        offset = _rings(wkb, offset + 5, dimensions, rings)
        if offset < 0:
            return None
    return rings if offset == len(wkb) else None


def _rings(wkb: bytes, offset: int, dimensions: int, rings: List[np.ndarray]) -> int:
    """Append the rings of a Polygon body at ``offset`` (its ring count); where it ends, or
    -1 when malformed."""
    if offset + 4 > len(wkb):
        return -1
    (count,) = _COUNT.unpack_from(wkb, offset)
    offset += 4
    for _ in range(count):
        ring, offset = _linestring(wkb, offset, dimensions)
        if ring is None:
            return -1
        rings.append(ring)
    return offset


#: The prefix of a little-endian 2D LineString's WKB.
LINESTRING_2D_PREFIX = _HEADER.pack(_LITTLE_ENDIAN, _LINESTRING)


def linestrings_2d(records: List[bytes]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All vertices of little-endian 2D LineString WKBs at once, without a Python step per
    line: (coordinates (N, 2), vertex count per record, whether each record was well formed).

    Records are laid end to end in one buffer; a record's doubles start 9 bytes in, at any
    byte offset, so records are grouped by that offset modulo 8 and each group is read through
    one float64 view of the buffer shifted by that much. A malformed record (its length does
    not match its vertex count) contributes no vertices.
    """
    if not records:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    buffer = b"".join(records)
    size = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    start = np.cumsum(size) - size
    raw = np.frombuffer(buffer, dtype=np.uint8)
    well_formed = size >= 9
    count = np.zeros(len(records), dtype=np.int64)
    at = start[well_formed]
    count_bytes = raw[(at + 5)[:, None] + np.arange(4)].astype(np.int64)
    count[well_formed] = count_bytes @ (256 ** np.arange(4, dtype=np.int64))
    well_formed &= size == 9 + 16 * count
    count[~well_formed] = 0
    first_double = start + 9
    coordinates = np.empty(2 * int(count.sum()))
    value_start = np.cumsum(2 * count) - 2 * count
    for shift in range(8):
        group = np.flatnonzero(well_formed & (first_double % 8 == shift))
        if group.size == 0:
            continue
        doubles = np.frombuffer(buffer, dtype="<f8", offset=shift, count=(len(buffer) - shift) // 8)
        source_start = (first_double[group] - shift) // 8
        owner, source = _expand(source_start, 2 * count[group])
        target = value_start[group][owner] + (source - source_start[owner])
        coordinates[target] = doubles[source]
    return coordinates.reshape(-1, 2), count, well_formed


def _expand(start: np.ndarray, length: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """For ranges [start, start + length): the owner of every member and the member, flat."""
    owner = np.repeat(np.arange(start.shape[0], dtype=np.int64), length)
    offsets = np.cumsum(length) - length
    within = np.arange(owner.shape[0], dtype=np.int64) - np.repeat(offsets, length)
    return owner, start[owner] + within


def plain_points(records: List[Optional[bytes]]) -> Tuple[np.ndarray, np.ndarray]:
    """The rows of ``records`` (WKB, None allowed) that are little-endian 2D points, and
    their x and y (NaN, NaN for an empty point), without a Python step per record."""
    sizes = np.fromiter(
        (0 if record is None else len(record) for record in records),
        dtype=np.int64,
        count=len(records),
    )
    candidates = np.flatnonzero(sizes == POINT_2D_SIZE)
    if candidates.size == 0:
        return candidates, np.zeros((0, 2))
    parsed = np.frombuffer(
        b"".join(itertools.compress(records, sizes == POINT_2D_SIZE)), dtype=_POINT_RECORD
    )
    plain = (parsed["order"] == _LITTLE_ENDIAN) & (parsed["type"] == _POINT)
    kept = parsed[plain]
    return candidates[plain], np.column_stack([kept["x"], kept["y"]]).astype(np.float64)


def transform_xy(xy: np.ndarray, transform) -> np.ndarray:
    """``xy`` (n, 2) reprojected by a QgsCoordinateTransform in one call, through one 2D
    multipoint built from (and read back as) WKB; a short-circuited transform changes nothing.

    Raises what ``QgsGeometry.transform`` raises when a point cannot be reprojected.
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if xy.shape[0] == 0 or transform.isShortCircuited():
        return xy.copy()
    records = np.empty(xy.shape[0], dtype=_POINT_RECORD)
    records["order"] = _LITTLE_ENDIAN
    records["type"] = _POINT
    records["x"] = xy[:, 0]
    records["y"] = xy[:, 1]
    header = _HEADER.pack(_LITTLE_ENDIAN, _MULTIPOINT_2D) + _COUNT.pack(xy.shape[0])
    geometry = QgsGeometry()
    geometry.fromWkb(header + records.tobytes())
    geometry.transform(transform)
    moved = bytes(geometry.asWkb())
    expected = len(header) + records.nbytes
    if len(moved) != expected or moved[:5] != header[:5]:
        raise ValueError("reprojection changed the multipoint's layout")
    back = np.frombuffer(moved, dtype=_POINT_RECORD, offset=len(header))
    return np.column_stack([back["x"], back["y"]]).astype(np.float64)


def place_reprojected(
    parts: List[Optional[np.ndarray]],
    simple: List[bytes],
    simple_at: List[int],
    plain: List[int],
    transform,
) -> None:
    """Reproject, in one call, the vertices read from WKB, and put them in their places of
    ``parts``: the 2D LineString records ``simple`` go to ``simple_at``, and the parts already
    read as views (``parts[i]`` for i in ``plain``) are replaced by their reprojection. A line
    of fewer than two vertices, or a malformed record, leaves its place None."""
    coordinates, counts, well_formed = linestrings_2d(simple)
    views = [parts[position] for position in plain]
    if views:
        coordinates = np.concatenate([coordinates, *views])
        counts = np.concatenate([counts, [view.shape[0] for view in views]])
        well_formed = np.concatenate([well_formed, np.ones(len(views), dtype=bool)])
    if not len(counts):
        return
    coordinates = transform_xy(coordinates, transform)
    ends = np.cumsum(counts).tolist()
    starts = [0, *ends[:-1]]
    for position, start, end, usable in zip([*simple_at, *plain], starts, ends, well_formed):
        parts[position] = coordinates[start:end] if usable and end - start >= 2 else None


#: A little-endian 2D Polygon of one ring of five vertices, and a MultiPolygon of one such
#: polygon: the WKB prefixes of a rectangle (93 and 102 bytes in all).
_FIVE_VERTEX_POLYGON = struct.pack("<BIII", _LITTLE_ENDIAN, _POLYGON, 1, 5)
_ONE_PART_MULTIPOLYGON = struct.pack("<BII", _LITTLE_ENDIAN, _MULTIPOLYGON, 1)
_RING_OF_FIVE = 5 * 16


def rectangle_points(records: List[Optional[bytes]]) -> Tuple[np.ndarray, np.ndarray]:
    """The rows of ``records`` (WKB, None allowed) that are axis-aligned rectangles, and the
    point GEOS's PointOnSurface gives each: the centre of its box.

    GEOS (3.8 and later: ``InteriorPointArea``, the same algorithm up to 3.15 and its main
    branch of 2026) draws a scan line at the middle of the y-interval between the vertices
    nearest the centre of the y-extent — for a rectangle ``(y0 + y1) / 2``, its vertices lie
    only on its bottom and top — and returns the middle ``(x0 + x1) / 2`` of the widest
    section of that line inside the polygon, here the one between the two vertical sides. Both
    are ``(a + b) / 2.0`` in doubles, computed the same way here. Such a ring (closed, four
    distinct corners, every side parallel to an axis) is valid. Only exact cases are taken: a
    ring of five vertices whose last repeats the first, its corners the four of its box, the
    centres strictly inside (not rounded onto a side); every other polygon is left to GEOS.
    """
    rows: List[int] = []
    rings: List[bytes] = []
    polygon_size = len(_FIVE_VERTEX_POLYGON) + _RING_OF_FIVE
    multi_size = len(_ONE_PART_MULTIPOLYGON) + polygon_size
    for row, wkb in enumerate(records):
        if wkb is None:
            continue
        size = len(wkb)
        if size == polygon_size and wkb.startswith(_FIVE_VERTEX_POLYGON):
            rings.append(wkb[len(_FIVE_VERTEX_POLYGON) :])
        elif (
            size == multi_size
            and wkb.startswith(_ONE_PART_MULTIPOLYGON)
            and wkb.startswith(_FIVE_VERTEX_POLYGON, len(_ONE_PART_MULTIPOLYGON))
        ):
            rings.append(wkb[multi_size - _RING_OF_FIVE :])
        else:
            continue
        rows.append(row)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    ring = np.frombuffer(b"".join(rings), dtype="<f8").reshape(-1, 5, 2)
    x, y = ring[:, :4, 0], ring[:, :4, 1]
    x0, x1, y0, y1 = x.min(axis=1), x.max(axis=1), y.min(axis=1), y.max(axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        centre_x, centre_y = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        closed = (ring[:, 4] == ring[:, 0]).all(axis=1)
        sides = np.diff(ring, axis=1) == 0  # (n, 4, 2): which ordinate each side keeps
        parallel = (sides[:, :, 0] != sides[:, :, 1]).all(axis=1)
        on_box = ((x == x0[:, None]) | (x == x1[:, None])) & (
            (y == y0[:, None]) | (y == y1[:, None])
        )
        corner = 2 * (x == x1[:, None]) + (y == y1[:, None])
        distinct = (np.sort(corner, axis=1) == np.arange(4)).all(axis=1)
        inside = (x0 < centre_x) & (centre_x < x1) & (y0 < centre_y) & (centre_y < y1)
    exact = (
        closed
        & parallel
        & on_box.all(axis=1)
        & distinct
        & inside
        & np.isfinite(ring).all(axis=(1, 2))
    )
    at = np.asarray(rows, dtype=np.int64)[exact]
    return at, np.column_stack([centre_x[exact], centre_y[exact]])
