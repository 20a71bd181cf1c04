"""Re-running on an unchanged network reuses the walking graph built earlier in the session.

The key holds the layer, its file's state and the settings that shape the graph: an unchanged
GeoPackage hits, a rewritten one or another topology tolerance misses, and a network that cannot
be keyed safely (unsaved edits, a memory layer, a file written a moment ago) is never reused.
Distances are worked out by hand: one street y = 0 from x = 0 to 1000, a kindergarten 20 m off
it at x = 100, units at (0, 10) and (400, 40).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsVectorLayer,
)
from qgis_helpers import Log as SharedLog
from qgis_helpers import save_gpkg
from standard_files import KINDERGARTEN, write_standard

from complete_community.processing import compat
from complete_community.processing.graph_cache import GRAPHS, POINTS, SessionCache

ALGORITHM = "completecommunity:facilitygap"
X0, Y0 = 667_000.0, 3_546_000.0  # central Nanjing in EPSG:32650
REUSED = "reused the walking network built earlier"
NOT_READ = "its features were not read again"
UNITS = [("A", (0, 10)), ("B", (400, 40))]
#: A: 10 + 100 + 20; B: 40 + 300 + 20.
EXPECTED = {"A": 130.0, "B": 360.0}


class Log(SharedLog):
    """The shared log, plus what the cache tests look for."""

    @property
    def reused(self) -> bool:
        return any(REUSED in info for info in self.infos)

    def not_read(self, layer: str) -> bool:
        return any(f"'{layer}'" in info and NOT_READ in info for info in self.infos)


@pytest.fixture
def empty_cache():
    GRAPHS.clear()
    POINTS.clear()
    yield GRAPHS
    GRAPHS.clear()
    POINTS.clear()


def memory_layer(geometry: str, fields, rows) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:32650", geometry.lower(), "memory")
    layer.dataProvider().addAttributes([compat.new_field(name, kind) for name, kind in fields])
    layer.updateFields()
    features = []
    for wkt, values in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def point(x: float, y: float) -> str:
    return f"POINT({X0 + x} {Y0 + y})"


def street(*points) -> str:
    return "LINESTRING({})".format(", ".join(f"{X0 + x} {Y0 + y}" for x, y in points))


def settle(path: Path, seconds_ago: float = 60.0) -> None:
    """Date the file back, as a file written a while ago (a fresh one is never trusted)."""
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


@pytest.fixture
def city(tmp_path):
    """Units, facilities and the street in one GeoPackage; returns (path, uris, standard)."""
    path = tmp_path / "city.gpkg"
    uris = {
        "roads": save_gpkg(
            memory_layer("LineString", [("road", "int")], [(street((0, 0), (1000, 0)), [1])]),
            path,
            "roads",
        ),
        "units": save_gpkg(
            memory_layer(
                "Point",
                [("unit_id", "string"), ("pop", "int")],
                [(point(*where), [name, 100]) for name, where in UNITS],
            ),
            path,
            "units",
        ),
        "facilities": save_gpkg(
            memory_layer("Point", [("kind", "string")], [(point(100, 20), ["kg"])]),
            path,
            "facilities",
        ),
    }
    standard = write_standard(tmp_path, codes=[KINDERGARTEN])
    settle(path)
    return path, uris, standard


def run_gap(uris, standard, network, log, **parameters) -> dict:
    import processing

    values = {
        "UNITS": uris["units"],
        "UNIT_ID_FIELD": "unit_id",
        "POPULATION_FIELD": "pop",
        "FACILITIES": uris["facilities"],
        "TYPE_FIELD": "kind",
        "NETWORK": network,
        "STANDARD": standard,
        "SNAP_TOLERANCE": 50,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "SUMMARY": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log)


def distances(result) -> dict:
    return {f["unit_id"]: f["dist_kindergarten"] for f in result["OUTPUT"].getFeatures()}


def test_a_rerun_on_an_unchanged_geopackage_reuses_the_graph(plugin, empty_cache, city):
    _path, uris, standard = city
    first_log, second_log = Log(), Log()
    first = distances(run_gap(uris, standard, uris["roads"], first_log))
    second = distances(run_gap(uris, standard, uris["roads"], second_log))
    assert not first_log.reused and second_log.reused
    assert empty_cache.hits == 1 and len(empty_cache) == 1
    assert first == second
    assert first == pytest.approx(EXPECTED, abs=1e-6)
    # The second run also found its snaps and searches on the kept graph.
    (graph,) = empty_cache.graphs()
    assert graph.cache["result_memo"].hits >= 3  # units, facilities, one search


def test_a_rewritten_network_file_is_read_again(plugin, empty_cache, city):
    path, uris, standard = city
    run_gap(uris, standard, uris["roads"], Log())
    # The same street 20 m further south: the same number of vertices, so the file may well
    # keep its size; its modification time tells the change.
    save_gpkg(
        memory_layer("LineString", [("road", "int")], [(street((0, -20), (1000, -20)), [1])]),
        path,
        "roads",
    )
    settle(path, seconds_ago=30.0)
    log = Log()
    changed = distances(run_gap(uris, standard, uris["roads"], log, SNAP_TOLERANCE=100))
    assert not log.reused
    # Connectors grow by 20 m at both ends: A 30 + 100 + 40, B 60 + 300 + 40.
    assert changed == pytest.approx({"A": 170.0, "B": 400.0}, abs=1e-6)


def test_a_new_facility_is_read_and_searched_while_the_rest_is_reused(
    plugin, empty_cache, tmp_path
):
    """Units, facilities and streets in three files; only the facilities change."""
    uris = {}
    for name, layer in (
        (
            "roads",
            memory_layer("LineString", [("road", "int")], [(street((0, 0), (1000, 0)), [1])]),
        ),
        (
            "units",
            memory_layer(
                "Point",
                [("unit_id", "string"), ("pop", "int")],
                [(point(*where), [unit, 100]) for unit, where in UNITS],
            ),
        ),
        ("facilities", memory_layer("Point", [("kind", "string")], [(point(100, 20), ["kg"])])),
    ):
        uris[name] = save_gpkg(layer, tmp_path / f"{name}.gpkg", name)
        settle(tmp_path / f"{name}.gpkg")
    standard = write_standard(tmp_path, codes=[KINDERGARTEN])
    first, second = Log(), Log()
    assert distances(run_gap(uris, standard, uris["roads"], first)) == pytest.approx(EXPECTED)
    run_gap(uris, standard, uris["roads"], second)
    assert second.reused and second.not_read("units") and second.not_read("facilities")
    assert not first.not_read("units") and not first.not_read("facilities")

    # A second kindergarten 10 m off the street at x = 450.
    save_gpkg(
        memory_layer(
            "Point", [("kind", "string")], [(point(100, 20), ["kg"]), (point(450, -10), ["kg"])]
        ),
        tmp_path / "facilities.gpkg",
        "facilities",
    )
    settle(tmp_path / "facilities.gpkg", seconds_ago=30.0)
    log = Log()
    changed = distances(run_gap(uris, standard, uris["roads"], log))
    assert log.reused and log.not_read("units") and not log.not_read("facilities")
    # A keeps its 130 m; B now walks 40 + 50 + 10 to the new one.
    assert changed == pytest.approx({"A": 130.0, "B": 100.0}, abs=1e-6)


def test_another_topology_tolerance_builds_another_graph(plugin, empty_cache, city):
    _path, uris, standard = city
    logs = [Log() for _ in range(3)]
    run_gap(uris, standard, uris["roads"], logs[0], TOPOLOGY_TOLERANCE=0.01)
    run_gap(uris, standard, uris["roads"], logs[1], TOPOLOGY_TOLERANCE=0.5)
    run_gap(uris, standard, uris["roads"], logs[2], TOPOLOGY_TOLERANCE=0.5)
    assert [log.reused for log in logs] == [False, False, True]
    assert len(empty_cache) == 2


def test_unsaved_edits_memory_layers_and_fresh_files_are_never_reused(
    plugin, empty_cache, city, tmp_path
):
    _path, uris, standard = city
    roads = QgsVectorLayer(uris["roads"], "roads", "ogr")
    run_gap(uris, standard, roads, Log())
    # Move the street 30 m north without saving: the run must see the edit, not the old graph.
    assert roads.startEditing()
    (feature,) = roads.getFeatures()
    assert roads.changeGeometry(feature.id(), QgsGeometry.fromWkt(street((0, 30), (1000, 30))))
    log = Log()
    edited = distances(run_gap(uris, standard, roads, log))
    roads.rollBack()
    assert not log.reused
    # A: 20 + 100 + 10; B: 10 + 300 + 10.
    assert edited == pytest.approx({"A": 130.0, "B": 320.0}, abs=1e-6)

    memory = memory_layer("LineString", [("road", "int")], [(street((0, 0), (1000, 0)), [1])])
    logs = [Log(), Log()]
    for log in logs:
        run_gap(uris, standard, memory, log)
    assert not any(log.reused for log in logs)

    fresh = tmp_path / "fresh.gpkg"
    fresh_uri = save_gpkg(
        memory_layer("LineString", [("road", "int")], [(street((0, 0), (1000, 0)), [1])]),
        fresh,
        "roads",
    )
    logs = [Log(), Log()]
    for log in logs:
        run_gap(uris, standard, fresh_uri, log)
    assert not any(log.reused for log in logs)


def test_selected_features_are_keyed_by_the_selection(plugin, empty_cache, city):
    _path, uris, standard = city
    roads = QgsVectorLayer(uris["roads"], "roads", "ogr")
    QgsProject.instance().addMapLayer(roads)
    try:
        roads.selectAll()
        selected = QgsProcessingFeatureSourceDefinition(roads.id(), True)
        logs = [Log(), Log()]
        for log in logs:
            assert distances(run_gap(uris, standard, selected, log)) == pytest.approx(EXPECTED)
        assert [log.reused for log in logs] == [False, True]
        roads.removeSelection()
        roads.select(next(roads.getFeatures()).id())  # the same one street, selected anew
        log = Log()
        run_gap(uris, standard, selected, log)
        assert log.reused  # the same selection
    finally:
        QgsProject.instance().removeMapLayer(roads.id())


def test_the_cache_keeps_the_most_recently_used_graphs():
    cache = SessionCache(capacity=2)
    graphs = {name: object() for name in "abc"}
    cache.put("a", graphs["a"])
    cache.put("b", graphs["b"])
    assert cache.get("a") is graphs["a"]  # "b" is now the least recently used
    cache.put("c", graphs["c"])
    assert cache.get("b") is None
    assert cache.get("a") is graphs["a"] and cache.get("c") is graphs["c"]
    cache.put(None, graphs["b"])  # an unkeyable network is never kept
    assert cache.get(None) is None and len(cache) == 2
