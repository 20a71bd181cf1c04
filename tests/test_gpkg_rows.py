"""Attribute tables written to a new GeoPackage with SQLite (``processing/gpkg_rows.py``,
``_CheckedSink.add_rows``) hold what QGIS's own sink writes: the same fields and types, the
same values (Chinese text, NULLs, whole numbers in real columns), the same feature ids, and a
layer QGIS opens as any other."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from qgis.core import QgsVectorLayer
from qgis_helpers import Log
from test_tiered_provision_algorithm import ALGORITHM, OUTPUTS, sample_parameters

from complete_community.processing import compat
from complete_community.processing.gpkg_rows import append_rows, attribute_table
from complete_community.processing.outputs import _CheckedSink

TABLES = ("OUTPUT_TABLE", "SHARING")  # the attribute-only outputs


def _run(folder: Path, destination) -> dict:
    import processing

    folder.mkdir()
    parameters = sample_parameters()
    parameters.update({name: "TEMPORARY_OUTPUT" for name in OUTPUTS})
    parameters.update({name: destination(folder, name) for name in TABLES})
    return processing.run(ALGORITHM, parameters, feedback=Log())


def _layer(path: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(path, "table", "ogr")
    assert layer.isValid(), path
    return layer


def _declared(path: Path, table: str):
    with sqlite3.connect(path) as connection:
        columns = list(connection.execute(f'PRAGMA table_info("{table}")'))
        contents = list(connection.execute("SELECT table_name, data_type FROM gpkg_contents"))
        count = connection.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchall()
    connection.close()
    return columns, contents, count


@pytest.fixture(scope="module")
def both(qgis_app, qgis_iface, qgis_processing, tmp_path_factory):
    """The sample's tables written to new GeoPackage files with SQLite, and the same tables
    written to the same kind of file by QGIS's sink (the SQLite path switched off)."""
    import complete_community

    plugin = complete_community.classFactory(qgis_iface)
    plugin.initProcessing()
    root = tmp_path_factory.mktemp("gpkg_rows")

    def file(folder: Path, name: str) -> str:
        return str(folder / f"{name.lower()}.gpkg")

    direct = _run(root / "direct", file)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_CheckedSink, "_direct_geopackage", lambda _sink: False)
        through_qgis = _run(root / "qgis", file)
    yield root, direct, through_qgis
    plugin.unload()


@pytest.mark.parametrize("name", TABLES)
def test_a_table_written_with_sqlite_is_what_qgis_writes(both, name):
    root, direct, through_qgis = both
    ours, theirs = _layer(direct[name]), _layer(through_qgis[name])
    assert ours.wkbType() == theirs.wkbType() == compat.NO_GEOMETRY
    assert [(f.name(), f.type(), f.typeName(), f.length()) for f in ours.fields()] == [
        (f.name(), f.type(), f.typeName(), f.length()) for f in theirs.fields()
    ]
    assert ours.featureCount() == theirs.featureCount() > 100
    mine = [(f.id(), f.attributes()) for f in ours.getFeatures()]
    assert mine == [(f.id(), f.attributes()) for f in theirs.getFeatures()]
    # The values that could go wrong: Chinese text (type names and statuses of the long
    # table), NULLs.
    values = [value for _fid, row in mine for value in row]
    assert name == "SHARING" or any(
        isinstance(value, str) and "\u4e00" <= value[0] <= "\u9fff" for value in values if value
    )
    assert any(value is None or (hasattr(value, "isNull") and value.isNull()) for value in values)
    columns, contents, count = _declared(root / "direct" / f"{name.lower()}.gpkg", name.lower())
    their_columns, their_contents, _ = _declared(
        root / "qgis" / f"{name.lower()}.gpkg", name.lower()
    )
    assert columns == their_columns
    assert contents == their_contents == [(name.lower(), "attributes")]
    assert count == [(ours.featureCount(),)]


def test_rows_stop_at_a_cancel_and_none_are_kept(tmp_path):
    path = tmp_path / "t.gpkg"
    with sqlite3.connect(path) as connection:  # the shape QGIS's sink leaves: one table
        connection.executescript(
            """
            CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT);
            CREATE TABLE gpkg_ogr_contents (table_name TEXT, feature_count INTEGER);
            CREATE TABLE "表" (fid INTEGER PRIMARY KEY AUTOINCREMENT, "名称" TEXT, n REAL);
            INSERT INTO gpkg_contents VALUES ('表', 'attributes');
            INSERT INTO gpkg_ogr_contents VALUES ('表', 0);
            CREATE TRIGGER "trigger_insert_feature_count_表" AFTER INSERT ON "表" BEGIN
                UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1
                WHERE table_name = '表'; END;
            """
        )
    connection.close()
    assert attribute_table(str(path)) == "表"

    class StopError(Exception):
        pass

    def stop():
        raise StopError()

    rows = ([f"小区{i}", i] for i in range(10))
    with pytest.raises(StopError):
        append_rows(str(path), "表", ["名称", "n"], rows, between=stop, every=5)
    assert _rows(path) == ([], [(0,)])
    written = append_rows(str(path), "表", ["名称", "n"], [["甲", 1], [None, 2.5]])
    assert written == 2
    assert _rows(path) == ([(1, "甲", 1.0), (2, None, 2.5)], [(2,)])


def _rows(path: Path):
    with sqlite3.connect(path) as connection:
        rows = list(connection.execute('SELECT fid, "名称", n, typeof(n) FROM "表"'))
        count = list(connection.execute("SELECT feature_count FROM gpkg_ogr_contents"))
        triggers = list(connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'"))
    connection.close()
    assert triggers == [("trigger_insert_feature_count_表",)]  # kept, or put back
    assert all(kind == "real" for *_values, kind in rows)
    return [tuple(row[:3]) for row in rows], count
