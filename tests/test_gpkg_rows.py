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
from complete_community.processing.gpkg_rows import JoinedRows, append_rows, attribute_table
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


def _empty_table(path: Path) -> None:
    """The shape QGIS's sink leaves: one attribute table, its count and GDAL's trigger."""
    with sqlite3.connect(path) as connection:
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


def test_rows_stop_at_a_cancel_and_none_are_kept(tmp_path):
    path = tmp_path / "t.gpkg"
    _empty_table(path)
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
    assert all(kind in ("real", "null") for *_values, kind in rows)  # 1 stored as 1.0
    return [tuple(row[:3]) for row in rows], count


#: Parts of rows: a head (a name) and a tail (a number), as rubric scoring joins each
#: community's id and name to the point results communities share.
_HEADS = [("甲",), (None,), ("小区丙",)]
_TAILS = [(1,), (2.5,), (None,)]
_KEYS = [(0, 1), (0, 0), (1, 1), (2, 2), (2, 0), (0, 1)]


def test_joined_rows_are_written_as_the_rows_they_make(tmp_path):
    joined = JoinedRows((_HEADS, _TAILS), _KEYS)
    rows = [head + tail for head, tail in ((_HEADS[h], _TAILS[t]) for h, t in _KEYS)]
    assert list(joined) == rows and len(joined) == 6
    plain, made = tmp_path / "plain.gpkg", tmp_path / "joined.gpkg"
    for path, given in ((plain, rows), (made, joined)):
        _empty_table(path)
        assert append_rows(str(path), "表", ["名称", "n"], given, every=4) == 6
    assert _rows(made) == _rows(plain)
    assert _rows(made)[0][:2] == [(1, "甲", 2.5), (2, "甲", 1.0)]  # fids in the keys' order


def test_joined_rows_stop_at_a_cancel_and_none_are_kept(tmp_path):
    path = tmp_path / "t.gpkg"
    _empty_table(path)
    calls = []

    def stop():
        calls.append(1)
        if len(calls) == 3:  # after the parts, amid the keys
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        append_rows(str(path), "表", ["名称", "n"], JoinedRows((_HEADS, _TAILS), _KEYS), stop, 4)
    assert _rows(path) == ([], [(0,)])


def test_joined_rows_must_make_the_columns(tmp_path):
    path = tmp_path / "t.gpkg"
    _empty_table(path)
    with pytest.raises(ValueError, match="do not make 2 columns"):
        append_rows(str(path), "表", ["名称", "n"], JoinedRows((_HEADS, [(1, 2)] * 3), _KEYS))
    assert _rows(path) == ([], [(0,)])
