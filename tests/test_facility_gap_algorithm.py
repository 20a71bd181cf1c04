"""``completecommunity:facilitygap`` run the way users run it: ``processing.run`` and qgis_process.

Every expected distance is worked out by hand from the coordinates written in the test: the
connector from a unit or facility to the nearest position on the nearest line counts, lines join
only where they share a vertex, a polygon is measured from its point on surface (the centre of
the squares used here). On the Nanjing sample the distances are checked against a brute-force
shortest path written below, which shares no code with the plugin's engine.

All hand layouts sit near Nanjing (an offset inside UTM zone 50N), so that the same data
reprojected to EPSG:4326 comes back to EPSG:32650 and must give the same metres.
"""

from __future__ import annotations

import csv
import heapq
import math
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis_helpers import Log, memory_layer, plain, save_gpkg
from standard_files import TWO_CODES, standard_text, write_standard

from complete_community.i18n import tr
from complete_community.processing.algorithms.facility_gap import REASON_TEXT
from complete_community.scoring.standard import load_standard

ALGORITHM = "completecommunity:facilitygap"
X0, Y0 = 667_000.0, 3_546_000.0  # central Nanjing in EPSG:32650
UTM = "EPSG:32650"


# --- building test data ----------------------------------------------------------------------


def xy(x: float, y: float) -> tuple[float, float]:
    return X0 + x, Y0 + y


def point_wkt(x: float, y: float) -> str:
    return "POINT({} {})".format(*xy(x, y))


def line_wkt(*points: tuple[float, float]) -> str:
    return "LINESTRING({})".format(", ".join("{} {}".format(*xy(*p)) for p in points))


def square_wkt(x: float, y: float, half: float = 10.0) -> str:
    """A square centred on (x, y): its point on surface is the centre itself."""
    corners = [
        (x - half, y - half),
        (x + half, y - half),
        (x + half, y + half),
        (x - half, y + half),
    ]
    corners.append(corners[0])
    return "POLYGON(({}))".format(", ".join("{} {}".format(*xy(*c)) for c in corners))


def layer(geometry: str, fields: Sequence[tuple[str, str]], rows, crs: str = UTM, name: str = ""):
    """A memory layer; ``rows`` are (wkt or None, [values]). Fields may have Chinese names."""
    return memory_layer(geometry, fields, rows, crs, name)


def units_layer(units, kind: str = "point", population=None, crs: str = UTM):
    """Units named by id, as points or as 20 m squares around the same points."""
    population = population or [1000] * len(units)
    rows = [
        ((point_wkt if kind == "point" else square_wkt)(*where), [unit_id, people])
        for (unit_id, where), people in zip(units, population)
    ]
    geometry = "Point" if kind == "point" else "Polygon"
    return layer(geometry, [("unit_id", "string"), ("pop", "int")], rows, crs, "units")


def facilities_layer(facilities, kind: str = "point", crs: str = UTM):
    """Facilities as (type value, (x, y)), as points or as 20 m squares."""
    rows = [
        ((point_wkt if kind == "point" else square_wkt)(*where), [value])
        for value, where in facilities
    ]
    geometry = "Point" if kind == "point" else "Polygon"
    return layer(geometry, [("kind", "string")], rows, crs, "facilities")


def network_layer(lines, crs: str = UTM):
    return layer(
        "LineString",
        [("road", "int")],
        [(line_wkt(*part), [i]) for i, part in enumerate(lines)],
        crs,
        "roads",
    )


def copied(source: QgsVectorLayer, crs: str = UTM, features: bool = True) -> QgsVectorLayer:
    """A memory copy of a layer in ``crs`` (geometries transformed), or an empty one."""
    kind = QgsWkbTypes.displayString(source.wkbType())
    copy = QgsVectorLayer(f"{kind}?crs={crs}", source.name(), "memory")
    copy.dataProvider().addAttributes(source.fields().toList())
    copy.updateFields()
    if features:
        transform = QgsCoordinateTransform(
            source.crs(), QgsCoordinateReferenceSystem(crs), QgsProject.instance()
        )
        moved = []
        for feature in source.getFeatures():
            shape = QgsGeometry(feature.geometry())
            shape.transform(transform)
            moved.append(QgsFeature(feature))
            moved[-1].setGeometry(shape)
        copy.dataProvider().addFeatures(moved)
    return copy


# --- running ---------------------------------------------------------------------------------


def run_gap(units, facilities, network=None, log: Optional[Log] = None, **parameters) -> dict:
    import processing

    values = {
        "UNITS": units,
        "UNIT_ID_FIELD": "unit_id",
        "POPULATION_FIELD": "pop",
        "FACILITIES": facilities,
        "TYPE_FIELD": "kind",
        "NETWORK": network,
        "SNAP_TOLERANCE": 50,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "SUMMARY": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log if log is not None else Log())


def rows_of(result_layer, key: str = "unit_id") -> dict[Any, dict[str, Any]]:
    if isinstance(result_layer, str):
        result_layer = QgsVectorLayer(result_layer, "result", "ogr")
    names = result_layer.fields().names()
    return {
        plain(feature[key]): {name: plain(feature[name]) for name in names}
        for feature in result_layer.getFeatures()
    }


def summary_of(result: dict) -> dict[Any, dict[str, Any]]:
    return rows_of(result["SUMMARY"], key="type_code")


def summary_rows(result: dict) -> list[dict[str, Any]]:
    table = result["SUMMARY"]
    names = table.fields().names()
    return [{name: plain(f[name]) for name in names} for f in table.getFeatures()]


@pytest.fixture()
def two_types(tmp_path) -> str:
    return write_standard(tmp_path)


# --- hand networks ---------------------------------------------------------------------------

# A straight street y = 0 from x = 0 to 1000, with a middle vertex. A kindergarten 20 m off it
# at x = 100, a vegetable market 30 m off it at x = 700.
LINE = [[(0, 0), (500, 0), (1000, 0)]]
LINE_FACILITIES = [("kg", (100, 20)), ("market", (700, -30))]
LINE_UNITS = [
    ("A", (0, 10)),  # 10 + 100 + 20 = 130 to the kindergarten; 10 + 700 + 30 = 740 to market
    ("B", (400, 40)),  # 40 + 300 + 20 = 360; 40 + 300 + 30 = 370
    ("C", (380, 0)),  # 280 + 20 = 300: exactly the kindergarten's radius
    ("D", (381, 0)),  # 301: one metre beyond it
    ("E", (1000, 0)),  # 900 + 20 = 920; 300 + 30 = 330
]
LINE_EXPECTED = {
    "A": (130, 740),
    "B": (360, 370),
    "C": (300, 350),
    "D": (301, 349),
    "E": (920, 330),
}


@pytest.mark.parametrize("unit_kind", ["point", "polygon"])
@pytest.mark.parametrize("facility_kind", ["point", "polygon"])
def test_line_distances_connectors_and_radius(plugin, two_types, unit_kind, facility_kind):
    result = run_gap(
        units_layer(LINE_UNITS, unit_kind),
        facilities_layer(LINE_FACILITIES, facility_kind),
        network_layer(LINE),
        STANDARD=two_types,
    )
    rows = rows_of(result["OUTPUT"])
    assert sorted(rows) == sorted(LINE_EXPECTED)
    for unit_id, (kindergarten, market) in LINE_EXPECTED.items():
        row = rows[unit_id]
        assert row["dist_kindergarten"] == pytest.approx(kindergarten, abs=1e-6), unit_id
        assert row["dist_vegetable_market"] == pytest.approx(market, abs=1e-6), unit_id
        assert row["ok_kindergarten"] == int(kindergarten <= 300), unit_id
        assert row["ok_vegetable_market"] == int(market <= 500), unit_id
        missing = [
            code for code, d, r in zip(TWO_CODES, (kindergarten, market), (300, 500)) if d > r
        ]
        assert row["gaps"] == ",".join(missing), unit_id
        assert row["n_gaps"] == len(missing), unit_id
        assert row["route_mode"] == "network"
        assert row["measure"] == "distance"
        assert row["reason"] is None
    assert result["DISTANCE_MODE"] == "network"
    assert result["MEASURE"] == "distance"
    assert result["UNITS_TOTAL"] == 5
    assert result["UNITS_WITH_GAPS"] == 4  # all but C (300 m and 350 m)


NETWORKS = {
    # name: (lines, kindergarten position, {unit: expected metres}, (nodes, edges, parts))
    "t_junction": (
        [[(0, 0), (100, 0), (200, 0)], [(100, 0), (100, 150)]],
        (100, 150),
        {"west end": 250, "east, 10 m off": 10 + 100 + 150, "beside the stem": 10 + 70},
        (4, 3, 1),
    ),
    "grid": (
        [[(0, y), (100, y), (200, y)] for y in (0, 100, 200)]
        + [[(x, 0), (x, 100), (x, 200)] for x in (0, 100, 200)],
        (0, 0),
        {"far corner": 400, "mid edge": 250, "on a street": 137, "30 m off the top": 290},
        (9, 12, 1),
    ),
    "loop": (
        [[(0, 0), (300, 0), (300, 100), (0, 100), (0, 0)]],
        (0, 0),
        {"top": 100 + 250, "right side": 300 + 40, "2 m below": 150 + 2},
        (4, 4, 1),
    ),
    "bridge": (
        # The first line passes over the second at (50, 50) without a shared vertex: the only
        # way between them is round by the third line.
        [[(0, 50), (100, 50)], [(50, 0), (50, 100)], [(100, 50), (100, 100), (50, 100)]],
        (0, 50),
        {"under the bridge": 100 + 50 + 50 + 90, "on the bridge": 90},
        (5, 4, 1),
    ),
}
NETWORK_UNITS = {
    "t_junction": {"west end": (0, 0), "east, 10 m off": (200, 10), "beside the stem": (110, 80)},
    "grid": {
        "far corner": (200, 200),
        "mid edge": (150, 100),
        "on a street": (100, 37),
        "30 m off the top": (60, 170),
    },
    "loop": {"top": (250, 100), "right side": (300, 40), "2 m below": (150, -2)},
    "bridge": {"under the bridge": (50, 10), "on the bridge": (90, 50)},
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_hand_networks_give_the_hand_worked_distances(plugin, two_types, name):
    lines, kindergarten, expected, (nodes, edges, parts) = NETWORKS[name]
    units = list(NETWORK_UNITS[name].items())
    log = Log()
    result = run_gap(
        units_layer(units),
        facilities_layer([("kg", kindergarten)]),
        network_layer(lines),
        log,
        STANDARD=two_types,
    )
    rows = rows_of(result["OUTPUT"])
    for unit_id, metres in expected.items():
        assert rows[unit_id]["dist_kindergarten"] == pytest.approx(metres, abs=1e-6), unit_id
        assert rows[unit_id]["ok_kindergarten"] == int(metres <= 300), unit_id
        assert rows[unit_id]["dist_vegetable_market"] is None, "no market anywhere"
        assert rows[unit_id]["ok_vegetable_market"] == 0
    built = tr("Walking network: {nodes} nodes, {edges} edges, {components} connected parts.")
    assert built.format(nodes=nodes, edges=edges, components=parts) in log.infos


def test_cut_off_gives_null_beyond_max_distance(plugin, two_types):
    units = [("at 600 m", (680, 0)), ("at 601 m", (681, 0)), ("far", (1000, 0))]
    result = run_gap(
        units_layer(units),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
        STANDARD=two_types,
        MAX_DISTANCE=600,
    )
    rows = rows_of(result["OUTPUT"])
    assert rows["at 600 m"]["dist_kindergarten"] == pytest.approx(600, abs=1e-6)
    assert rows["at 601 m"]["dist_kindergarten"] is None
    assert rows["far"]["dist_kindergarten"] is None
    assert rows["far"]["dist_vegetable_market"] == pytest.approx(330, abs=1e-6)
    for unit_id in ("at 601 m", "far"):
        assert rows[unit_id]["ok_kindergarten"] == 0
        assert "kindergarten" in rows[unit_id]["gaps"].split(",")
        assert rows[unit_id]["reason"] is None, "reachable network, just far: no reason"


def test_summary_counts_population_covered_and_share(plugin, two_types):
    population = [1000, 2000, 4000, 8000, 16000]  # A..E of LINE_UNITS
    result = run_gap(
        units_layer(LINE_UNITS, population=population),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
        STANDARD=two_types,
    )
    summary = summary_of(result)
    assert list(summary) == list(TWO_CODES), "one row per type, in the standard's order"
    kindergarten, market = summary["kindergarten"], summary["vegetable_market"]
    # Kindergarten: A (130 m) and C (300 m) are covered; market: all but A (740 m).
    assert kindergarten["pop_total"] == market["pop_total"] == 31000
    assert kindergarten["pop_covered"] == 1000 + 4000
    assert kindergarten["pop_not_covered"] == 2000 + 8000 + 16000
    assert kindergarten["share_covered"] == pytest.approx(round(5000 / 31000, 4))
    assert market["pop_covered"] == 30000
    assert market["share_covered"] == pytest.approx(round(30000 / 31000, 4))
    assert (kindergarten["units_total"], kindergarten["units_covered"]) == (5, 2)
    assert (market["units_total"], market["units_covered"]) == (5, 4)
    assert kindergarten["mean_dist"] == pytest.approx((130 + 360 + 300 + 301 + 920) / 5)
    assert market["mean_dist"] == pytest.approx((740 + 370 + 350 + 349 + 330) / 5)
    assert (kindergarten["n_facilities"], kindergarten["n_joined"]) == (1, 1)
    assert (kindergarten["name_zh"], kindergarten["name_en"]) == ("幼儿园", "Kindergarten")
    assert (kindergarten["radius_m"], market["radius_m"]) == (300, 500)
    assert kindergarten["route_mode"] == "network"


def test_without_network_distances_are_straight_line_and_say_so(plugin, two_types):
    log = Log()
    result = run_gap(
        units_layer(LINE_UNITS), facilities_layer(LINE_FACILITIES), None, log, STANDARD=two_types
    )
    rows = rows_of(result["OUTPUT"])
    for unit_id, (x, y) in LINE_UNITS:
        kindergarten = math.hypot(x - 100, y - 20)
        market = math.hypot(x - 700, y + 30)
        assert rows[unit_id]["dist_kindergarten"] == pytest.approx(kindergarten, abs=0.05)
        assert rows[unit_id]["dist_vegetable_market"] == pytest.approx(market, abs=0.05)
        assert rows[unit_id]["ok_kindergarten"] == int(kindergarten <= 300)
        assert rows[unit_id]["route_mode"] == "straight_line"
    assert result["DISTANCE_MODE"] == "straight_line"
    assert {row["route_mode"] for row in summary_rows(result)} == {"straight_line"}
    warning = tr("No walking network given: distances are straight-line, not walking distances.")
    assert warning in log.warnings


def test_a_higher_type_serves_the_lower_one(plugin):
    """社区卫生服务中心 counts as a 社区卫生服务站 (satisfied_by), never the other way round."""
    facilities = [("社区卫生服务中心", (100, 0)), ("社区卫生服务站", (900, 0))]
    units = [("west", (0, 0)), ("middle", (450, 0)), ("east", (1000, 0))]
    result = run_gap(units_layer(units), facilities_layer(facilities), network_layer(LINE))
    rows = rows_of(result["OUTPUT"])
    station, centre = "community_health_station", "community_health_centre"
    assert rows["west"][f"dist_{station}"] == pytest.approx(100)  # the centre
    assert rows["middle"][f"dist_{station}"] == pytest.approx(350)  # the centre, not 450
    assert rows["east"][f"dist_{station}"] == pytest.approx(100)  # the station itself
    assert rows["east"][f"dist_{centre}"] == pytest.approx(900), "a station is no centre"
    assert [rows[u][f"ok_{station}"] for u in ("west", "middle", "east")] == [1, 0, 1]
    codes = load_standard().codes()
    # Only the two health types are present: every other type of the standard is a gap, in
    # the standard's order; "middle" lacks the station (350 m) but has the centre (1,000 m).
    for unit_id, lacking_health in (("west", []), ("middle", [station]), ("east", [])):
        expected = [c for c in codes if c not in (station, centre) or c in lacking_health]
        assert rows[unit_id]["gaps"] == ",".join(expected), unit_id
        assert rows[unit_id]["n_gaps"] == len(codes) - 2 + len(lacking_health), unit_id


def test_user_standard_gives_fields_for_its_types_only(plugin, two_types):
    result = run_gap(
        units_layer(LINE_UNITS),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
        STANDARD=two_types,
    )
    names = result["OUTPUT"].fields().names()
    assert names == [
        "unit_id",
        "pop",
        "dist_kindergarten",
        "ok_kindergarten",
        "dist_vegetable_market",
        "ok_vegetable_market",
        "gaps",
        "n_gaps",
        "route_mode",
        "measure",
        "reason",
    ]
    # DESIGN §4: only the per-type fields start with dist_, time_ or ok_.
    per_type = [name for name in names if name.startswith(("dist_", "time_", "ok_"))]
    assert per_type == [f"{prefix}_{code}" for code in TWO_CODES for prefix in ("dist", "ok")]
    assert [row["type_code"] for row in summary_rows(result)] == list(TWO_CODES)


@pytest.mark.parametrize(
    ("broken", "fragments"),
    [
        (
            lambda text: text.replace("radius_m: 500", "radius_m: three hundred"),
            ("type #2 (vegetable_market)", "'radius_m'", "three hundred"),
        ),
        (
            lambda text: text.replace("radius_m: 300", "radius: 300"),
            ("type #1 (kindergarten)", "'radius'"),
        ),
    ],
    ids=["bad radius", "misspelt field"],
)
def test_malformed_standard_is_refused_and_writes_nothing(plugin, tmp_path, broken, fragments):
    standard = write_standard(tmp_path, broken(standard_text()))
    output, summary = tmp_path / "gaps.gpkg", tmp_path / "summary.csv"
    with pytest.raises(QgsProcessingException) as refused:
        run_gap(
            units_layer(LINE_UNITS),
            facilities_layer(LINE_FACILITIES),
            network_layer(LINE),
            STANDARD=standard,
            OUTPUT=str(output),
            SUMMARY=str(summary),
        )
    message = str(refused.value)
    for fragment in (standard, *fragments):
        assert fragment in message
    assert not output.exists() and not summary.exists()


# --- bad input -------------------------------------------------------------------------------


def line_run(log=None, crs=(UTM, UTM, UTM), **parameters):
    units, facilities, roads = (
        units_layer(LINE_UNITS),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
    )
    layers = [
        source if crs_id == UTM else copied(source, crs_id)
        for source, crs_id in zip((units, facilities, roads), crs)
    ]
    return run_gap(*layers, log=log, **parameters)


def distances_by_unit(result) -> dict[str, tuple]:
    return {
        unit_id: (row["dist_kindergarten"], row["dist_vegetable_market"])
        for unit_id, row in rows_of(result["OUTPUT"]).items()
    }


def test_geographic_input_is_reprojected_and_measured_in_metres(plugin, two_types):
    log = Log()
    result = line_run(log, crs=("EPSG:4326",) * 3, STANDARD=two_types)
    found = distances_by_unit(result)
    for unit_id, pair in LINE_EXPECTED.items():
        assert found[unit_id] == pytest.approx(pair, abs=0.051), unit_id
    said = tr(
        "Layer '{layer}' is in {crs}, which is not measured in metres; distances are measured "
        "in {target} instead."
    ).format(layer="units", crs="EPSG:4326", target=UTM)
    assert said in log.infos
    assert result["OUTPUT"].crs().authid() == "EPSG:4326", "the output keeps the input's CRS"


def test_layers_in_different_crss_are_brought_together(plugin, two_types):
    log = Log()
    result = line_run(log, crs=(UTM, "EPSG:4326", "EPSG:3857"), STANDARD=two_types)
    found = distances_by_unit(result)
    for unit_id, pair in LINE_EXPECTED.items():
        assert found[unit_id] == pytest.approx(pair, abs=0.051), unit_id
    template = tr("Layer '{layer}' is reprojected from {source} to {target} for measuring.")
    assert template.format(layer="facilities", source="EPSG:4326", target=UTM) in log.infos
    assert template.format(layer="roads", source="EPSG:3857", target=UTM) in log.infos


def test_web_mercator_units_are_not_measured_in_stretched_metres(plugin, two_types):
    """EPSG:3857 'metres' are 1/cos(32°) ≈ 1.18 ground metres in Nanjing: measure in UTM."""
    log = Log()
    result = line_run(log, crs=("EPSG:3857", "EPSG:3857", "EPSG:3857"), STANDARD=two_types)
    found = distances_by_unit(result)
    for unit_id, pair in LINE_EXPECTED.items():
        assert found[unit_id] == pytest.approx(pair, abs=0.051), unit_id
    # Web Mercator uses sphere formulas on the ellipsoid, so north-south it stretches most:
    # a / M(32.04°) / cos(32.04°) = 6378137 / 6353386 / 0.8477 = 1.1843 (UTM here: 0.99994).
    said = tr(
        "Layer '{layer}' is in {crs}, whose metres differ from ground metres by "
        "{percent} % here; distances are measured in {target} instead."
    ).format(layer="units", crs="EPSG:3857", percent=18.4, target=UTM)
    assert said in log.infos


@pytest.mark.parametrize("emptied", ["UNITS", "FACILITIES", "NETWORK"])
def test_an_empty_layer_is_refused_by_name_and_writes_nothing(plugin, two_types, tmp_path, emptied):
    layers = {
        "UNITS": units_layer(LINE_UNITS),
        "FACILITIES": facilities_layer(LINE_FACILITIES),
        "NETWORK": network_layer(LINE),
    }
    layers[emptied] = copied(layers[emptied], features=False)
    output, summary = tmp_path / "gaps.gpkg", tmp_path / "summary.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run_gap(
            layers["UNITS"],
            layers["FACILITIES"],
            layers["NETWORK"],
            STANDARD=two_types,
            OUTPUT=str(output),
            SUMMARY=str(summary),
        )
    name = layers[emptied].name()
    if emptied == "NETWORK":
        expected = tr("Layer '{layer}' has no usable lines: nothing to walk on.")
    else:
        expected = tr("Layer '{layer}' is empty: there is nothing to analyse.")
    assert str(refused.value).strip() == expected.format(layer=name)
    assert not output.exists() and not summary.exists()


@pytest.mark.parametrize(
    "population_field", ["人口文本", "人口"], ids=["text field", "missing field"]
)
def test_a_text_or_missing_population_field_is_refused_naming_it(
    plugin, two_types, tmp_path, population_field
):
    """The parameter asks for a numeric field; whether Processing or the algorithm refuses
    first, the message names the field and nothing is written."""
    units = layer(
        "Point",
        [("unit_id", "string"), ("人口文本", "string")],
        [(point_wkt(*where), [unit_id, "1200"]) for unit_id, where in LINE_UNITS],
        name="units",
    )
    output = tmp_path / "gaps.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run_gap(
            units,
            facilities_layer(LINE_FACILITIES),
            network_layer(LINE),
            STANDARD=two_types,
            POPULATION_FIELD=population_field,
            OUTPUT=str(output),
        )
    assert f"'{population_field}'" in str(refused.value)
    assert not output.exists()


def test_null_zero_and_negative_population_are_reported_and_left_out(plugin, two_types):
    log = Log()
    population = [None, 0, -5, 100, 200]  # A..E: A and C are covered by the kindergarten
    result = run_gap(
        units_layer(LINE_UNITS, population=population),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
        log,
        STANDARD=two_types,
    )
    expected = [
        tr(
            "{count} units have no population (NULL), left out of the population figures: {ids}"
        ).format(count=1, ids="A"),
        tr("{count} units have zero population: {ids}").format(count=1, ids="B"),
        tr(
            "{count} units have a negative population, left out of the population figures: {ids}"
        ).format(count=1, ids="C"),
    ]
    for message in expected:
        assert message in log.warnings
    summary = summary_of(result)
    assert summary["kindergarten"]["pop_total"] == 0 + 100 + 200
    assert summary["kindergarten"]["pop_covered"] == 0, "A and C have no usable population"
    assert summary["kindergarten"]["share_covered"] == 0
    assert summary["vegetable_market"]["pop_covered"] == 300  # B (0), D and E; not C
    assert summary["vegetable_market"]["share_covered"] == 1
    assert summary["kindergarten"]["units_covered"] == 2, "units still count as units"
    rows = rows_of(result["OUTPUT"])
    assert rows["A"]["dist_kindergarten"] == pytest.approx(130)
    assert rows["C"]["pop"] == -5, "the input value is kept as it was"


def bowtie_wkt(x: float, half: float = 50.0) -> str:
    """A self-intersecting ring crossing itself at (x, 0); its two triangles lie above and below
    the street y = 0 and both have their point on surface 25 m from it at x."""
    corners = [(x - half, -half), (x + half, half), (x - half, half), (x + half, -half)]
    corners.append(corners[0])
    return "POLYGON(({}))".format(", ".join("{} {}".format(*xy(*c)) for c in corners))


def test_invalid_geometries_are_repaired_and_empty_ones_skipped_by_id(plugin, two_types):
    units = layer(
        "Polygon",
        [("unit_id", "string"), ("pop", "int")],
        [
            (square_wkt(0, 10), ["A", 10]),
            (bowtie_wkt(300), ["bowtie", 20]),
            (None, ["no geometry", 30]),
            ("POLYGON EMPTY", ["empty", 40]),
        ],
        name="units",
    )
    facilities = layer(
        "Polygon",
        [("kind", "string")],
        [(square_wkt(100, 20), ["kg"]), (None, ["market"]), (bowtie_wkt(700), ["market"])],
        name="facilities",
    )
    log = Log()
    result = run_gap(units, facilities, network_layer(LINE), log, STANDARD=two_types)
    rows = rows_of(result["OUTPUT"])
    assert rows["bowtie"]["dist_kindergarten"] == pytest.approx(25 + 200 + 20)
    # The repaired facility bowtie stands 25 m off the street at x = 700.
    assert rows["A"]["dist_vegetable_market"] == pytest.approx(10 + 700 + 25)
    for unit_id in ("no geometry", "empty"):
        row = rows[unit_id]
        assert (row["dist_kindergarten"], row["ok_kindergarten"]) == (None, 0)
        assert (row["dist_vegetable_market"], row["ok_vegetable_market"]) == (None, 0)
        assert row["reason"] == tr(REASON_TEXT["no_geometry"])
    assert len(rows) == 4, "skipped units stay in the output"
    skipped = tr("Layer '{layer}': {count} features without usable geometry were skipped: {ids}")
    repaired = tr("Layer '{layer}': {count} invalid geometries were repaired: {ids}")
    assert skipped.format(layer="units", count=2, ids="no geometry, empty") in log.warnings
    assert repaired.format(layer="units", count=1, ids="bowtie") in log.infos
    # Facilities have no id field: they are named by feature id (memory layers count from 1).
    assert skipped.format(layer="facilities", count=1, ids="2") in log.warnings
    assert repaired.format(layer="facilities", count=1, ids="3") in log.infos
    summary = summary_of(result)
    assert summary["vegetable_market"]["n_facilities"] == 1, "the empty one is not counted"


def test_unknown_facility_types_are_listed_with_counts_in_log_and_summary(plugin, two_types):
    facilities = [
        *LINE_FACILITIES,
        ("网吧", (10, 0)),
        ("cinema", (20, 0)),
        ("网吧", (30, 0)),
        ("", (40, 0)),
        (None, (50, 0)),
    ]
    log = Log()
    result = run_gap(
        units_layer(LINE_UNITS),
        facilities_layer(facilities),
        network_layer(LINE),
        log,
        STANDARD=two_types,
    )
    listing = "; ".join([tr("(empty) × {count}").format(count=2), "'网吧' × 2", "'cinema' × 1"])
    expected = tr(
        "Facility types the standard does not know (field '{field}'), left out: {values}"
    ).format(field="kind", values=listing)
    assert expected in log.warnings
    rows = summary_rows(result)
    assert [row["type_code"] for row in rows[:2]] == list(TWO_CODES)
    unknown = [(row["type_code"], row["name_zh"], row["n_facilities"]) for row in rows[2:]]
    assert unknown == [(None, "", 2), (None, "网吧", 2), (None, "cinema", 1)]
    note = tr("facility type not in the standard: left out")
    assert {row["note"] for row in rows[2:]} == {note}
    # Unknown types are left out: the nearest kindergarten for A is still the one at 130 m.
    assert rows_of(result["OUTPUT"])["A"]["dist_kindergarten"] == pytest.approx(130)


def test_units_on_a_separate_part_of_the_network_are_flagged(plugin, two_types):
    lines = [*LINE, [(2000, 0), (2100, 0)]]  # a short path not joined to the street
    units = [*LINE_UNITS, ("island", (2050, 10))]
    facilities = [*LINE_FACILITIES, ("kg", (2100, 0))]
    log = Log()
    result = run_gap(
        units_layer(units),
        facilities_layer(facilities),
        network_layer(lines),
        log,
        STANDARD=two_types,
    )
    rows = rows_of(result["OUTPUT"])
    island = rows["island"]
    assert island["dist_kindergarten"] == pytest.approx(10 + 50), "its own part still counts"
    assert island["dist_vegetable_market"] is None, "the market's street is not reachable"
    assert island["reason"] == tr(REASON_TEXT["island"])
    assert rows["A"]["reason"] is None
    assert rows["E"]["dist_kindergarten"] == pytest.approx(920), "no way across to the island"
    built = tr("Walking network: {nodes} nodes, {edges} edges, {components} connected parts.")
    assert built.format(nodes=5, edges=3, components=2) in log.infos
    flagged = tr("{count} units {reason}: {ids}")
    assert flagged.format(count=1, reason=tr(REASON_TEXT["island"]), ids="island") in log.warnings
    facilities_flagged = tr("{count} facilities {reason} (feature ids): {ids}")
    assert (
        facilities_flagged.format(count=1, reason=tr(REASON_TEXT["island"]), ids="3")
        in log.warnings
    )


def test_units_beyond_the_snap_tolerance_get_null_and_a_reason(plugin, two_types):
    units = [("A", (0, 10)), ("at 50 m", (200, 50)), ("at 51 m", (500, 51))]
    facilities = [("kg", (100, 20)), ("market", (700, -30)), ("market", (900, 70))]
    log = Log()
    result = run_gap(
        units_layer(units),
        facilities_layer(facilities),
        network_layer(LINE),
        log,
        STANDARD=two_types,
        SNAP_TOLERANCE=50,
    )
    rows = rows_of(result["OUTPUT"])
    assert rows["at 50 m"]["dist_kindergarten"] == pytest.approx(50 + 100 + 20)
    assert rows["at 50 m"]["reason"] is None
    far = rows["at 51 m"]
    assert (far["dist_kindergarten"], far["dist_vegetable_market"]) == (None, None)
    assert (far["ok_kindergarten"], far["ok_vegetable_market"]) == (0, 0)
    assert (far["gaps"], far["n_gaps"]) == ("kindergarten,vegetable_market", 2)
    assert far["reason"] == tr(REASON_TEXT["not_joined"])
    # The market 70 m off the street is not joined either: A still walks to the one at 700.
    assert rows["A"]["dist_vegetable_market"] == pytest.approx(10 + 700 + 30)
    reason = tr(REASON_TEXT["not_joined"])
    assert tr("{count} units {reason}: {ids}").format(count=1, reason=reason, ids="at 51 m") in (
        log.warnings
    )
    facilities_flagged = tr("{count} facilities {reason} (feature ids): {ids}")
    assert facilities_flagged.format(count=1, reason=reason, ids="3") in log.warnings
    assert summary_of(result)["vegetable_market"]["n_joined"] == 1


@pytest.fixture()
def progress_reports_of_a_whole_run(plugin) -> int:
    log = Log()
    line_run(log)
    assert log.progress_reports >= 20, "one or more per facility type of the built-in standard"
    return log.progress_reports


# Cancelled after reading the units (1), the facilities (2), between two facility types (12)
# and after the last type, just before writing (the last report of a whole run).
@pytest.mark.parametrize("cancel_after", [1, 2, 12, "last"])
def test_cancel_stops_promptly_and_writes_nothing(
    plugin, tmp_path, progress_reports_of_a_whole_run, cancel_after
):
    if cancel_after == "last":
        cancel_after = progress_reports_of_a_whole_run
    output, summary = tmp_path / "gaps.gpkg", tmp_path / "summary.csv"
    log = Log(cancel_after=cancel_after)
    with pytest.raises(QgsProcessingException) as stopped:
        line_run(log, OUTPUT=str(output), SUMMARY=str(summary))
    assert str(stopped.value).strip() == tr("Cancelled: nothing was written.")
    assert log.progress_reports <= cancel_after + 1, "it stops at the next check"
    assert not output.exists() and not summary.exists()


def test_chinese_fields_values_layer_names_and_paths(plugin, tmp_path):
    folder = tmp_path / "南京测试"
    folder.mkdir()
    data = folder / "测试数据.gpkg"
    units = layer(
        "Polygon",
        [("小区编号", "string"), ("人口", "int")],
        [(square_wkt(0, 10), ["一号院", 1000]), (square_wkt(400, 40), ["二号院", None])],
        name="小区",
    )
    facilities = layer(
        "Point",
        [("设施类型", "string")],
        [
            (point_wkt(100, 20), ["幼儿园"]),
            (point_wkt(700, -30), ["菜市场"]),
            (point_wkt(600, 0), ["网吧"]),
        ],
        name="设施",
    )
    output_folder = tmp_path / "输出"
    output_folder.mkdir()
    output, summary = output_folder / "缺口分析.gpkg", output_folder / "汇总.csv"
    log = Log()
    import processing

    processing.run(
        ALGORITHM,
        {
            "UNITS": save_gpkg(units, data, "小区"),
            "UNIT_ID_FIELD": "小区编号",
            "POPULATION_FIELD": "人口",
            "FACILITIES": save_gpkg(facilities, data, "设施"),
            "TYPE_FIELD": "设施类型",
            "NETWORK": save_gpkg(network_layer(LINE), data, "道路"),
            "SNAP_TOLERANCE": 50,
            "OUTPUT": str(output),
            "SUMMARY": str(summary),
        },
        feedback=log,
    )
    rows = rows_of(str(output), key="小区编号")
    assert sorted(rows) == ["一号院", "二号院"]
    assert rows["一号院"]["dist_kindergarten"] == pytest.approx(130)
    assert rows["一号院"]["dist_fresh_market"] == pytest.approx(740)
    assert (rows["一号院"]["ok_kindergarten"], rows["一号院"]["ok_fresh_market"]) == (1, 0)
    assert rows["二号院"]["dist_fresh_market"] == pytest.approx(370)
    assert rows["二号院"]["人口"] is None
    missing = tr(
        "{count} units have no population (NULL), left out of the population figures: {ids}"
    ).format(count=1, ids="二号院")
    assert missing in log.warnings
    unknown = tr(
        "Facility types the standard does not know (field '{field}'), left out: {values}"
    ).format(field="设施类型", values="'网吧' × 1")
    assert unknown in log.warnings
    with summary.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    by_code = {row["type_code"]: row for row in table}
    assert by_code["kindergarten"]["name_zh"] == "幼儿园"
    assert float(by_code["kindergarten"]["pop_covered"]) == 1000
    assert float(by_code["kindergarten"]["pop_total"]) == 1000
    assert [row["name_zh"] for row in table if not row["type_code"]] == ["网吧"]


# --- the Nanjing sample through qgis_process, against a brute force --------------------------

#: Types checked on the sample, with the types that also serve them (the built-in standard's
#: satisfied_by, followed through: small <- medium <- large <- sports centre).
SAMPLE_TYPES = {
    "bus_stop": {"bus_stop"},
    "primary_school": {"primary_school"},
    "public_toilet": {"public_toilet"},
    "small_sports_ground": {
        "small_sports_ground",
        "medium_sports_ground",
        "large_sports_ground",
        "sports_centre",
    },
}
SAMPLE_SNAP, SAMPLE_CUT_OFF = 150.0, 2000.0


class BruteForceNetwork:
    """Shortest walks written plainly: every segment compared for snapping, segments split at
    the snapped positions, and a heapq Dijkstra over a dict of nodes. Shares no code with the
    plugin's engine."""

    def __init__(self, lines: list[list[tuple[float, float]]]) -> None:
        self.segments = [
            (part[k], part[k + 1])
            for part in lines
            for k in range(len(part) - 1)
            if part[k] != part[k + 1]
        ]
        self.start = np.array([a for a, _ in self.segments], dtype=float)
        self.end = np.array([b for _, b in self.segments], dtype=float)
        self.splits: dict[int, list[tuple[float, Any]]] = {}
        self.connector: dict[Any, float] = {}

    def join(self, key: Any, point: tuple[float, float], tolerance: float) -> bool:
        """Join ``point`` at the nearest position of the nearest segment (all compared)."""
        direction = self.end - self.start
        t = (
            (point[0] - self.start[:, 0]) * direction[:, 0]
            + (point[1] - self.start[:, 1]) * direction[:, 1]
        ) / (direction[:, 0] ** 2 + direction[:, 1] ** 2)
        t = np.clip(t, 0.0, 1.0)
        gap = np.hypot(
            point[0] - (self.start[:, 0] + t * direction[:, 0]),
            point[1] - (self.start[:, 1] + t * direction[:, 1]),
        )
        index = int(np.argmin(gap))
        if gap[index] > tolerance:
            return False
        self.splits.setdefault(index, []).append((float(t[index]), key))
        self.connector[key] = float(gap[index])
        return True

    def adjacency(self) -> dict[Any, list[tuple[Any, float]]]:
        graph: dict[Any, list[tuple[Any, float]]] = {}
        for index, (a, b) in enumerate(self.segments):
            length = math.dist(a, b)
            chain = [(0.0, a), *sorted(self.splits.get(index, []), key=lambda s: s[0]), (1.0, b)]
            for (t0, u), (t1, v) in zip(chain, chain[1:]):
                graph.setdefault(u, []).append((v, (t1 - t0) * length))
                graph.setdefault(v, []).append((u, (t1 - t0) * length))
        return graph

    def nearest(self, graph, sources: list[Any], targets: list[Any], cut_off: float) -> dict:
        """Walking metres from the nearest source to every target, NaN beyond ``cut_off``."""
        best: dict[Any, float] = {}
        heap = [(self.connector[s], n, s) for n, s in enumerate(sources)]
        heapq.heapify(heap)
        counter = len(heap)
        while heap:
            cost, _, node = heapq.heappop(heap)
            if node in best:
                continue
            best[node] = cost
            if cost > cut_off:
                break
            for neighbour, step in graph.get(node, []):
                if neighbour not in best:
                    heapq.heappush(heap, (cost + step, counter, neighbour))
                    counter += 1
        result = {}
        for target in targets:
            total = best.get(target, math.inf) + self.connector.get(target, math.inf)
            result[target] = total if total <= cut_off else math.nan
        return result


def read_sample(sample: Path):
    def layer_of(name: str) -> QgsVectorLayer:
        found = QgsVectorLayer(f"{sample}|layername={name}", name, "ogr")
        assert found.isValid()
        return found

    lines = []
    for feature in layer_of("roads").getFeatures():
        geometry = feature.geometry()
        parts = geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()]
        lines += [[(p.x(), p.y()) for p in part] for part in parts]
    units = {}
    for feature in layer_of("compounds").getFeatures():
        assert feature.geometry().isGeosValid(), feature["compound_id"]
        point = feature.geometry().pointOnSurface().asPoint()
        units[feature["compound_id"]] = ((point.x(), point.y()), feature["population"])
    facilities = [
        (feature["type_code"], (feature.geometry().asPoint().x(), feature.geometry().asPoint().y()))
        for feature in layer_of("facilities").getFeatures()
    ]
    return lines, units, facilities


@pytest.mark.qgis_process
def test_sample_through_qgis_process_matches_a_brute_force(
    qgis_app, qgis_process_cli, sample_gpkg, tmp_path
):
    sample = sample_gpkg
    output, summary = tmp_path / "gaps.gpkg", tmp_path / "summary.csv"
    completed, answer = qgis_process_cli.run_json(
        ALGORITHM,
        {
            "UNITS": f"{sample}|layername=compounds",
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": f"{sample}|layername=facilities",
            "TYPE_FIELD": "类型",
            "NETWORK": f"{sample}|layername=roads",
            "SNAP_TOLERANCE": SAMPLE_SNAP,
            "OUTPUT": str(output),
            "SUMMARY": str(summary),
        },
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert answer is not None and answer["results"]["DISTANCE_MODE"] == "network"
    rows = rows_of(str(output), key="compound_id")
    codes = load_standard().codes()
    fields = QgsVectorLayer(str(output), "gaps", "ogr").fields().names()
    for code in codes:
        assert f"dist_{code}" in fields and f"ok_{code}" in fields, code
    assert {"gaps", "n_gaps"} <= set(fields)
    for unit_id, row in rows.items():
        lacking = [code for code in codes if row[f"ok_{code}"] == 0]
        assert row["gaps"] == ",".join(lacking), unit_id
        assert row["n_gaps"] == len(lacking), unit_id

    lines, units, facilities = read_sample(sample)
    assert sorted(rows) == sorted(units)
    network = BruteForceNetwork(lines)
    joined_units = [
        u for u, (point, _) in units.items() if network.join(("unit", u), point, SAMPLE_SNAP)
    ]
    joined_facilities = [
        (code, ("facility", n))
        for n, (code, point) in enumerate(facilities)
        if network.join(("facility", n), point, SAMPLE_SNAP)
    ]
    graph = network.adjacency()
    compared = 0
    for code, serving in SAMPLE_TYPES.items():
        sources = [key for kind, key in joined_facilities if kind in serving]
        expected = network.nearest(
            graph, sources, [("unit", u) for u in joined_units], SAMPLE_CUT_OFF
        )
        for unit_id in units:
            found = rows[unit_id][f"dist_{code}"]
            walk = expected.get(("unit", unit_id), math.nan)
            if math.isnan(walk):
                assert found is None, (code, unit_id, found)
            else:
                assert found == pytest.approx(walk, abs=0.051), (code, unit_id)
                compared += 1
    assert compared >= 100, "most units of the sample reach these types"

    with summary.open(encoding="utf-8", newline="") as handle:
        table = {row["type_code"]: row for row in csv.DictReader(handle) if row["type_code"]}
    assert list(table) == list(codes)
    for code in SAMPLE_TYPES:
        people = [(population, rows[u][f"ok_{code}"]) for u, (_, population) in units.items()]
        total = sum(p for p, _ in people if p and p > 0)
        covered = sum(p for p, ok in people if p and p > 0 and ok == 1)
        assert float(table[code]["pop_total"]) == pytest.approx(total)
        assert float(table[code]["pop_covered"]) == pytest.approx(covered)
        assert float(table[code]["share_covered"]) == pytest.approx(covered / total, abs=5e-5)


def test_an_output_folder_that_does_not_exist_is_refused_before_anything_is_written(
    plugin, two_types, tmp_path
):
    output, summary = tmp_path / "gaps.gpkg", tmp_path / "no such folder" / "summary.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        line_run(STANDARD=two_types, OUTPUT=str(output), SUMMARY=str(summary))
    assert str(refused.value).strip() == tr(
        "{label} {file} could not be written: the folder {folder} does not exist"
    ).format(
        label=tr("Output '{output}', file").format(output=tr("Coverage by facility type")),
        file=str(summary),
        folder=str(summary.parent),
    )
    assert not output.exists(), "the units were not written without their summary"


def test_running_again_on_an_earlier_output_replaces_its_results(plugin, two_types):
    """A scenario run on last run's output: the new distances, not the old ones, come out."""
    first = run_gap(
        units_layer(LINE_UNITS),
        facilities_layer(LINE_FACILITIES),
        network_layer(LINE),
        STANDARD=two_types,
    )["OUTPUT"]
    log = Log()
    again = run_gap(
        first,
        facilities_layer([("kg", (1000, 0)), ("market", (700, -30))]),  # the kindergarten moved
        network_layer(LINE),
        log,
        STANDARD=two_types,
    )["OUTPUT"]
    assert again.fields().names() == first.fields().names(), "no doubled or renamed fields"
    rows = rows_of(again)
    assert rows["E"]["dist_kindergarten"] == pytest.approx(0)
    assert rows["A"]["dist_kindergarten"] == pytest.approx(10 + 1000)
    assert (rows["A"]["ok_kindergarten"], rows["A"]["gaps"]) == (0, ",".join(TWO_CODES))
    replaced = ", ".join(first.fields().names()[2:])
    said = tr(
        "Layer '{layer}' already has result fields ({fields}): they are replaced "
        "by the results of this run."
    ).format(layer=first.name(), fields=replaced)
    assert said in log.infos
