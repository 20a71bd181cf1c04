"""Layers read straight from their GeoPackage file (processing/gpkg_features.py) and rectangles'
points worked out in bulk (geometry_arrays.rectangle_points) give exactly what QGIS gives
feature by feature: the same ids, attributes, points (bit for bit), repairs and empty features.

Every expected value comes from QGIS's own reading of the layer and its per-geometry GEOS calls
(``pointOnSurface``, ``isGeosValid``), which share no code with the direct path.
"""

from __future__ import annotations

import random
import sqlite3
import struct
from pathlib import Path
from typing import Any, List, Optional

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingFeatureSource,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from qgis_helpers import save_gpkg

from complete_community.processing import compat, geometry_arrays
from complete_community.processing.gpkg_features import direct_table
from complete_community.processing.layers import read_points

UTM = QgsCoordinateReferenceSystem("EPSG:32650")
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def wkb(wkt: str) -> bytes:
    return bytes(QgsGeometry.fromWkt(wkt).asWkb())


def geos_point(record: bytes):
    geometry = QgsGeometry()
    geometry.fromWkb(record)
    point = geometry.pointOnSurface().asPoint()
    return geometry.isGeosValid(), (point.x(), point.y())


def rectangle_wkt(x0, y0, x1, y1, start: int, clockwise: bool, multi: bool) -> str:
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    if clockwise:
        corners.reverse()
    corners = corners[start:] + corners[:start]
    ring = ", ".join(f"{x!r} {y!r}" for x, y in [*corners, corners[0]])
    return f"MultiPolygon((({ring})))" if multi else f"Polygon(({ring}))"


def test_rectangle_points_are_the_points_geos_finds(qgis_app):
    generator = random.Random(18)
    records = []
    for number in range(400):
        x0 = generator.uniform(-1e7, 1e7) if number % 2 else generator.uniform(0, 1e3)
        y0 = generator.uniform(-1e7, 1e7)
        width, height = generator.uniform(1e-3, 5e3), generator.uniform(1e-3, 5e3)
        records.append(
            wkb(
                rectangle_wkt(
                    x0,
                    y0,
                    x0 + width,
                    y0 + height,
                    number % 4,
                    bool(number % 3),
                    number % 5 == 0,
                )
            )
        )
    rows, xy = geometry_arrays.rectangle_points(records)
    assert rows.tolist() == list(range(len(records)))
    for row, point in zip(rows.tolist(), xy.tolist()):
        valid, expected = geos_point(records[row])
        assert valid and tuple(point) == expected  # bit for bit


def test_rectangle_points_leave_every_other_polygon_to_geos(qgis_app):
    thin = 1.0 + 2.0**-52  # the next double after 1: the centre rounds onto a side
    others = [
        "Polygon((0 0, 10 1, 10 10, 0 10, 0 0))",  # a side not parallel to an axis
        "Polygon((0 0, 10 0, 0 10, 10 10, 0 0))",  # crossing itself
        "Polygon((0 0, 10 0, 10 10, 10 0, 0 0))",  # three corners, one twice
        "Polygon((0 0, 10 0, 10 10, 0 10, 0 1))",  # not closed on its first vertex
        "Polygon((0 0, 10 0, 10 10, 0 10, 0 5, 0 0))",  # six vertices
        "Polygon((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",  # a hole
        f"Polygon((0 1, 10 1, 10 {thin!r}, 0 {thin!r}, 0 1))",
        "MultiPolygon(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))",
        "PolygonZ((0 0 1, 10 0 1, 10 10 1, 0 10 1, 0 0 1))",
        "Polygon EMPTY",
        "Point(1 2)",
    ]
    records: List[Optional[bytes]] = [wkb(text) for text in others]
    records.insert(3, None)
    square = wkb("Polygon((0 0, 10 0, 10 10, 0 10, 0 0))")
    records.append(square)
    rows, xy = geometry_arrays.rectangle_points(records)
    assert rows.tolist() == [len(records) - 1] and xy.tolist() == [[5.0, 5.0]]
    assert geos_point(square) == (True, (5.0, 5.0))


# --------------------------------------------------------------------------------------------
# read_points from the file
# --------------------------------------------------------------------------------------------

POLYGONS = [
    ("Polygon((0 0, 20 0, 20 20, 0 20, 0 0))", "Q1", 120, 1.5),
    ("Polygon((30 0, 60 0, 45 30, 30 0))", "Q2", None, None),
    ("Polygon((0 40, 10 50, 10 40, 0 50, 0 40))", "Q3 bow tie", 80, 2.25),  # repaired
    (None, "Q4 no geometry", 10, 0.0),
    ("Polygon((70 0, 90 0, 90 10, 100 10, 100 30, 70 30, 70 0))", "小区五", 0, -3.0),
    (
        "Polygon((0 60, 40 60, 40 100, 0 100, 0 60), (10 70, 10 90, 30 90, 30 70, 10 70))",
        "Q6",
        7,
        1e9,
    ),
    (
        "Polygon((200.125 300.5, 200.125 310.75, 260.0625 310.75, 260.0625 300.5, 200.125 300.5))",
        "Q7",
        9,
        9.5,
    ),
]


def write_layer(path: Path, geometry: str, crs, rows, name: str = "units") -> str:
    """A GeoPackage table of ``rows`` (wkt or None, text, integer, real) as QGIS writes it."""
    memory = QgsVectorLayer(f"{geometry}?crs={crs.authid()}", name, "memory")
    memory.dataProvider().addAttributes(
        [
            compat.new_field("unit_id", "string"),
            compat.new_field("population", "int"),
            compat.new_field("area", "double"),
        ]
    )
    memory.updateFields()
    features = []
    for wkt, *values in rows:
        feature = QgsFeature(memory.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(values)
        features.append(feature)
    assert memory.dataProvider().addFeatures(features)[0]
    return save_gpkg(memory, path, name)


def edit(path: Path) -> sqlite3.Connection:
    """The file opened to be changed behind QGIS's back, without the spatial index's triggers
    (they call functions only GDAL's SQLite has)."""
    connection = sqlite3.connect(path)
    for (trigger,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall():
        connection.execute(f'DROP TRIGGER "{trigger}"')
    return connection


def both_ways(uri: str, names, transform=None, definition: Any = None, **options):
    """read_points of the layer through QGIS and with its direct table (None: none offered)."""
    layer = QgsVectorLayer(uri, "units", "ogr")
    assert layer.isValid()
    source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
    if transform is None:
        transform = QgsCoordinateTransform(layer.crs(), layer.crs(), QgsProject.instance())
    direct = direct_table(definition or uri, layer)
    through_qgis = read_points(source, transform, QgsProcessingFeedback(), names, **options)
    if direct is None:
        return through_qgis, None, None
    from_file = read_points(
        source, transform, QgsProcessingFeedback(), names, direct=direct, **options
    )
    return through_qgis, from_file, direct


def same_reading(first, second) -> None:
    assert second.feature_ids == first.feature_ids
    assert second.attributes == first.attributes
    assert np.array_equal(second.xy, first.xy, equal_nan=True)
    assert second.empty_geometry == first.empty_geometry
    assert second.repaired_geometry == first.repaired_geometry
    assert [None if g is None else bytes(g.asWkb()) for g in second.measured] == [
        None if g is None else bytes(g.asWkb()) for g in first.measured
    ]
    assert [(f.id(), f.attributes(), bytes(f.geometry().asWkb())) for f in second.features] == [
        (f.id(), f.attributes(), bytes(f.geometry().asWkb())) for f in first.features
    ]


@pytest.mark.parametrize("keep_features", [False, True])
def test_polygons_read_from_the_file_are_what_qgis_reads(qgis_app, tmp_path, keep_features):
    uri = write_layer(tmp_path / "units.gpkg", "Polygon", UTM, POLYGONS)
    names = ("unit_id", "population", "area")
    qgis, direct, table = both_ways(uri, names, keep_features=keep_features, keep_measured=True)
    assert table is not None and direct is not None
    layer = QgsVectorLayer(uri, "units", "ogr")
    assert table.read(layer.fields(), [layer.fields().lookupField(n) for n in names]) is not None
    same_reading(qgis, direct)
    assert (
        direct.attributes["unit_id"][4] == "小区五" and direct.attributes["population"][1] is None
    )
    assert direct.xy[0].tolist() == [10.0, 10.0] and direct.xy[6].tolist() == [230.09375, 305.625]
    assert direct.repaired_geometry == [direct.feature_ids[2]]
    assert direct.empty_geometry == [direct.feature_ids[3]]
    assert len(direct.features) == (len(POLYGONS) if keep_features else 0)


def test_points_read_from_the_file_are_what_qgis_reads(qgis_app, tmp_path):
    rows = [
        ("Point(667000.5 3546000.25)", "F1", 1, 0.5),
        (None, "F2 no geometry", 2, None),
        ("Point EMPTY", "F3 empty", None, 1.0),
        ("Point(667010 3546020)", "设施四", 4, 4.0),
    ]
    uri = write_layer(tmp_path / "facilities.gpkg", "Point", UTM, rows)
    qgis, direct, _ = both_ways(uri, ("unit_id",))
    same_reading(qgis, direct)
    assert direct.xy[3].tolist() == [667010.0, 3546020.0]
    assert direct.empty_geometry == [direct.feature_ids[1], direct.feature_ids[2]]
    # Reprojected: the points from the file go through the same bulk reprojection.
    to_wgs84 = QgsCoordinateTransform(UTM, WGS84, QgsProject.instance())
    qgis, direct, _ = both_ways(uri, ("unit_id", "area"), transform=to_wgs84)
    same_reading(qgis, direct)


def test_a_single_polygon_in_a_multipolygon_table_is_made_multipart_as_qgis_does(
    qgis_app, tmp_path
):
    path = tmp_path / "communities.gpkg"
    rows = [
        (f"MultiPolygon((({x} 0, {x + 10} 0, {x + 5} 9, {x} 0)))", f"C{x}", x, 1.0)
        for x in (0, 20, 40)
    ]
    uri = write_layer(path, "MultiPolygon", UTM, rows)
    single = wkb("Polygon((20 0, 30 0, 25 9, 20 0))")
    connection = edit(path)
    srs_id = connection.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchone()[0]
    blob = b"GP\x00\x01" + struct.pack("<i", srs_id) + single  # no envelope
    connection.execute("UPDATE units SET geom = ? WHERE unit_id = 'C20'", (blob,))
    connection.commit()
    connection.close()
    qgis, direct, _ = both_ways(uri, ("unit_id",), keep_measured=True)
    assert qgis.measured[1].isMultipart()
    same_reading(qgis, direct)


def test_what_the_file_cannot_answer_alike_is_read_through_qgis(qgis_app, tmp_path):
    path = tmp_path / "units.gpkg"
    uri = write_layer(path, "Polygon", UTM, POLYGONS)
    names = ("unit_id", "population")

    filtered = QgsVectorLayer(uri, "units", "ogr")
    filtered.setSubsetString('"population" > 50')
    assert direct_table(uri, filtered) is None

    selected = QgsVectorLayer(uri, "units", "ogr")
    selected.selectByIds([next(selected.getFeatures()).id()])
    assert direct_table(QgsProcessingFeatureSourceDefinition(selected.id(), True), selected) is None
    limited = QgsProcessingFeatureSourceDefinition(uri, False, 2)
    assert direct_table(limited, QgsVectorLayer(uri, "units", "ogr")) is None

    memory = QgsVectorLayer("Polygon?crs=EPSG:32650", "m", "memory")
    assert direct_table(memory.id(), memory) is None

    virtual = QgsVectorLayer(uri, "units", "ogr")
    virtual.addExpressionField('"population" * 2', compat.new_field("twice", "int"))
    table = direct_table(uri, virtual)
    fields = virtual.fields()
    assert table.read(fields, [fields.lookupField("twice")]) is None  # QGIS computes it

    # Text in the integer column: OGR converts it, SQLite hands the text over.
    connection = edit(path)
    connection.execute("UPDATE units SET population = 'many' WHERE unit_id = 'Q1'")
    connection.commit()
    connection.close()
    layer = QgsVectorLayer(uri, "units", "ogr")
    fields = layer.fields()
    table = direct_table(uri, layer)
    assert table.read(fields, [fields.lookupField(name) for name in names]) is None
    qgis, direct, _ = both_ways(uri, names, keep_features=True)
    same_reading(qgis, direct)  # through QGIS both times
