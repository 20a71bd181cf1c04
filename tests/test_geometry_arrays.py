"""Points and lines read from their WKB in bulk give exactly what QGIS gives geometry by
geometry: the same vertices, the same reprojected numbers, the same features skipped.

Every expected value is either written out by hand or taken from QGIS's own per-geometry calls
(``asPolyline``, ``pointOnSurface``, ``QgsGeometry.transform``), which share no code with the
bulk path.
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingFeatureSource,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from complete_community.processing import compat, geometry_arrays
from complete_community.processing.layers import read_lines, read_points

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
UTM = QgsCoordinateReferenceSystem("EPSG:32650")


def wkb(wkt: str) -> bytes:
    return bytes(QgsGeometry.fromWkt(wkt).asWkb())


def test_line_parts_reads_lines_and_multilines_and_refuses_the_rest():
    (line,) = geometry_arrays.line_parts(wkb("LINESTRING(0 0, 3 4, 6 8.5)"), False)
    assert line.tolist() == [[0, 0], [3, 4], [6, 8.5]]
    parts = geometry_arrays.line_parts(wkb("MULTILINESTRING((0 0, 1 1), (5 5, 6 6, 7 5))"), False)
    assert [part.tolist() for part in parts] == [[[0, 0], [1, 1]], [[5, 5], [6, 6], [7, 5]]]
    with_heights = wkb("LINESTRING Z(0 0 10, 3 4 20)")
    assert geometry_arrays.line_parts(with_heights, False) is None  # heights: QGIS reprojects
    (flat,) = geometry_arrays.line_parts(with_heights, True)
    assert flat.tolist() == [[0, 0], [3, 4]]
    assert geometry_arrays.line_parts(wkb("CIRCULARSTRING(0 0, 1 1, 2 0)"), True) is None
    assert geometry_arrays.line_parts(wkb("POINT(1 2)"), True) is None
    assert geometry_arrays.line_parts(wkb("LINESTRING(0 0, 3 4)")[:-3], True) is None  # cut
    big_endian = b"\x00" + (2).to_bytes(4, "big") + (0).to_bytes(4, "big")
    assert geometry_arrays.line_parts(big_endian, True) is None
    assert geometry_arrays.line_parts(b"", True) is None


def test_linestrings_2d_reads_records_at_every_byte_offset():
    records = [
        wkb("LINESTRING(0 0, 1 1)"),
        wkb("LINESTRING(2 3, 4 5, 6 7)"),
        wkb("LINESTRING(0.5 0.25, 8 9)"),
        wkb("LINESTRING(1 2, 3 4)")[:-1],  # malformed: one byte short
        wkb("LINESTRING(10 20, 30 40, 50 60, 70 80)"),
    ]
    # Shift the following records' offsets modulo 8 with records of other lengths.
    records = [wkb("LINESTRING(-1 -1, -2 -2)")[:5] + b"xxx", *records]
    coordinates, counts, well_formed = geometry_arrays.linestrings_2d(records)
    assert well_formed.tolist() == [False, True, True, True, False, True]
    assert counts.tolist() == [0, 2, 3, 2, 0, 4]
    assert coordinates.tolist() == [
        [0, 0], [1, 1],
        [2, 3], [4, 5], [6, 7],
        [0.5, 0.25], [8, 9],
        [10, 20], [30, 40], [50, 60], [70, 80],
    ]  # fmt: skip


def test_plain_points_and_bulk_reprojection_match_qgis_point_by_point():
    lonlat = [(118.78, 32.05), (118.80, 32.07), (118.7612345, 32.0398765)]
    records = [wkb(f"POINT({x} {y})") for x, y in lonlat]
    assert all(len(r) == geometry_arrays.POINT_2D_SIZE for r in records)
    others = [
        None,
        wkb("POINT Z(1 2 3)"),
        wkb("MULTIPOINT((1 2))"),
        b"",
        wkb("LINESTRING(0 0, 1 1)"),
    ]
    big_endian = b"\x00" + (1).to_bytes(4, "big") + records[0][5:]  # 21 bytes, not read here
    mixed = [others[0], records[0], others[1], big_endian, records[1], *others[2:], records[2]]
    rows, xy = geometry_arrays.plain_points(mixed)
    assert rows.tolist() == [1, 4, 8]
    assert xy.tolist() == [list(p) for p in lonlat]
    _rows, empty = geometry_arrays.plain_points([wkb("POINT EMPTY")])
    assert np.isnan(empty).all()  # NaN, NaN where QGIS writes it so: the caller's empty point
    transform = QgsCoordinateTransform(WGS84, UTM, QgsProject.instance())
    moved = geometry_arrays.transform_xy(xy, transform)
    for (x, y), (mx, my) in zip(lonlat, moved):
        one = QgsGeometry.fromWkt(f"POINT({x} {y})")
        one.transform(transform)
        assert (one.asPoint().x(), one.asPoint().y()) == (mx, my)  # bit for bit
    same = QgsCoordinateTransform(UTM, UTM, QgsProject.instance())
    copied = geometry_arrays.transform_xy(moved, same)
    assert np.array_equal(copied, moved) and copied is not moved


def layer(geometry: str, crs, rows) -> QgsVectorLayer:
    """A memory layer with a text field ``name``; rows are (wkt or None, name)."""
    result = QgsVectorLayer(f"{geometry}?crs={crs.authid()}", "layer", "memory")
    result.dataProvider().addAttributes([compat.new_field("name", "string")])
    result.updateFields()
    features = []
    for wkt, name in rows:
        feature = QgsFeature(result.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes([name])
        features.append(feature)
    assert result.dataProvider().addFeatures(features)[0]
    return result


def source_of(memory: QgsVectorLayer) -> QgsProcessingFeatureSource:
    return QgsProcessingFeatureSource(memory, QgsProcessingContext())


def per_geometry_lines(memory: QgsVectorLayer, transform) -> list:
    """What QGIS gives line by line: each part's vertices after ``QgsGeometry.transform``."""
    parts = []
    for feature in memory.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            continue
        geometry = QgsGeometry(geometry.constGet().segmentize())
        geometry.transform(transform)
        lines = geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()]
        parts += [[(p.x(), p.y()) for p in line] for line in lines if len(line) >= 2]
    return parts


@pytest.mark.parametrize("kind", ["LineString", "MultiLineString"])
@pytest.mark.parametrize("reprojected", [False, True])
def test_read_lines_gives_qgis_own_vertices(qgis_app, reprojected, kind):
    def at(x, y):
        return (118.78 + x * 1e-3, 32.05 + y * 1e-3) if reprojected else (x * 10.0, y * 10.0)

    def line(*parts):
        texts = ["({})".format(", ".join("{} {}".format(*at(*p)) for p in part)) for part in parts]
        if kind == "LineString":
            return f"LineString{texts[0]}"
        return "MultiLineString({})".format(", ".join(texts))

    crs = WGS84 if reprojected else UTM
    rows = [
        (line([(0, 0), (1, 0), (2, 1)]), "a"),
        (line([(0, 5), (0, 6)], [(3, 3), (4, 4), (5, 3)]), "b: two parts when multi"),
        (None, "no geometry"),
        (line([(7, 7), (7, 7)]), "one point twice"),
        (line([(9, 9)]), "a single vertex: skipped"),
        (line([(11, 0), (12, 0)]), "c"),
    ]
    memory = layer(kind, crs, rows)
    transform = QgsCoordinateTransform(crs, UTM, QgsProject.instance())
    lines = read_lines(source_of(memory), transform, QgsProcessingFeedback())
    parts = lines.parts
    expected = per_geometry_lines(memory, transform)
    assert len(expected) == (5 if kind == "MultiLineString" else 4)  # not the single vertex
    assert [part.tolist() for part in parts] == [[list(p) for p in part] for part in expected]
    assert all(part.flags.writeable and part.shape[1] == 2 for part in parts)
    # Each part names its feature: b's two parts both name b; the empty and the
    # single-vertex features have no part.
    ids = [feature.id() for feature in memory.getFeatures()]
    a, b, _empty, twice, _single, c = ids
    owners = [a, b, b, twice, c] if kind == "MultiLineString" else [a, b, twice, c]
    assert lines.feature_ids.tolist() == owners


def test_read_lines_takes_curves_and_heights_through_qgis(qgis_app):
    curved = layer(
        "CompoundCurve",
        UTM,
        [("CompoundCurve(CircularString(0 0, 10 10, 20 0), (20 0, 30 0))", "curve")],
    )
    transform = QgsCoordinateTransform(UTM, UTM, QgsProject.instance())
    (part,) = read_lines(source_of(curved), transform, QgsProcessingFeedback()).parts
    (expected,) = per_geometry_lines(curved, transform)
    assert part.tolist() == [list(p) for p in expected] and len(expected) > 4

    high = layer("LineStringZ", WGS84, [("LineStringZ(118.78 32.05 5, 118.79 32.06 9)", "z")])
    transform = QgsCoordinateTransform(WGS84, UTM, QgsProject.instance())
    (part,) = read_lines(source_of(high), transform, QgsProcessingFeedback()).parts
    (expected,) = per_geometry_lines(high, transform)
    assert part.tolist() == [list(p) for p in expected]


@pytest.mark.parametrize("reprojected", [False, True])
def test_read_points_matches_qgis_and_reports_empty_features_in_order(qgis_app, reprojected):
    crs = WGS84 if reprojected else UTM
    x0, y0, step = (118.78, 32.05, 1e-3) if reprojected else (667_000.0, 3_546_000.0, 10.0)
    points = [(x0 + i * step, y0 + (i % 3) * step) for i in range(5)]
    rows = [(f"Point({x} {y})", f"p{i}") for i, (x, y) in enumerate(points)]
    rows.insert(2, (None, "no geometry"))
    rows.insert(4, ("Point EMPTY", "empty"))
    memory = layer("Point", crs, rows)
    transform = QgsCoordinateTransform(crs, UTM, QgsProject.instance())
    read = read_points(source_of(memory), transform, QgsProcessingFeedback(), ("name",))
    names = [name for _, name in rows]
    assert read.attributes == {"name": names}
    ids = [feature.id() for feature in memory.getFeatures()]
    assert read.feature_ids == ids
    assert read.empty_geometry == [ids[2], ids[4]]
    assert read.repaired_geometry == [] and read.features == []
    expected = []
    for feature in memory.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        if geometry.isNull() or geometry.isEmpty():
            expected.append([np.nan, np.nan])
            continue
        geometry.transform(transform)
        expected.append([geometry.asPoint().x(), geometry.asPoint().y()])
    assert np.array_equal(read.xy, np.array(expected), equal_nan=True)


def test_read_points_of_polygons_and_3d_points_keeps_the_features(qgis_app):
    squares = layer(
        "Polygon",
        UTM,
        [
            ("Polygon((0 0, 20 0, 20 20, 0 20, 0 0))", "square"),
            ("Polygon((0 0, 10 10, 10 0, 0 10, 0 0))", "bow tie: repaired"),
        ],
    )
    transform = QgsCoordinateTransform(UTM, UTM, QgsProject.instance())
    read = read_points(
        source_of(squares), transform, QgsProcessingFeedback(), ("name",), keep_features=True
    )
    assert read.xy[0].tolist() == [10.0, 10.0]  # the centre of the square
    assert read.repaired_geometry == [read.feature_ids[1]]
    assert [feature["name"] for feature in read.features] == ["square", "bow tie: repaired"]

    high = layer("PointZ", WGS84, [("PointZ(118.78 32.05 7)", "z")])
    transform = QgsCoordinateTransform(WGS84, UTM, QgsProject.instance())
    read = read_points(source_of(high), transform, QgsProcessingFeedback())
    one = QgsGeometry.fromWkt("PointZ(118.78 32.05 7)")
    one.transform(transform)
    assert read.xy.tolist() == [[one.constGet().x(), one.constGet().y()]]
