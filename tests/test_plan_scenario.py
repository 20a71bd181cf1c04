"""``completecommunity:planscenario`` on the Nanjing sample: the plan closes the gaps it should.

The hand-checked case: a kindergarten project placed exactly at a compound's point on surface
(the point the distance convention measures a compound from). Both the compound and the
project then join the walking network at the same position of the same road, so the walking
distance between them is the two straight connectors, each the distance from that point to the
nearest road — worked out here with shapely from the road geometries, not by the plugin.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sample_copy
from qgis.core import QgsProcessingException, QgsVectorLayer
from qgis_helpers import plain
from shapely import wkt as shapely_wkt
from shapely.geometry import Point

from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself
ALGORITHM = "completecommunity:planscenario"
KINDERGARTEN_RADIUS = 300.0  # the built-in standard's radius for kindergarten


def sample_uri(name: str) -> str:
    """A sample layer as its source text: Processing opens (and closes) it for the run."""
    return f"{SAMPLE}|layername={name}"


def sample_layer(name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{SAMPLE}|layername={name}", name, "ogr")
    assert layer.isValid(), name
    return layer


def rows(layer, key: str) -> dict:
    names = layer.fields().names()
    return {plain(f[key]): {name: plain(f[name]) for name in names} for f in layer.getFeatures()}


def change_rows(layer) -> list[dict]:
    names = layer.fields().names()
    return [{name: plain(f[name]) for name in names} for f in layer.getFeatures()]


def run(store_path: Path, **parameters) -> dict:
    import processing

    values = {
        "UNITS": sample_uri("compounds"),
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": sample_uri("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": sample_uri("roads"),
        "SNAP_TOLERANCE": 200,
        "PLAN_STORE": str(store_path),
        "OUTPUT": "TEMPORARY_OUTPUT",
        "SUMMARY": "TEMPORARY_OUTPUT",
        "CHANGES": "TEMPORARY_OUTPUT",
        "COMPARISON": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values)


def compound_points() -> dict[str, Point]:
    """Each compound's point on surface, as QGIS computes it (what the analysis measures)."""
    points = {}
    for feature in sample_layer("compounds").getFeatures():
        point = feature.geometry().pointOnSurface().asPoint()
        points[feature["compound_id"]] = Point(point.x(), point.y())
    return points


def nearest_road_distance(point: Point) -> float:
    roads = [shapely_wkt.loads(f.geometry().asWkt()) for f in sample_layer("roads").getFeatures()]
    return min(road.distance(point) for road in roads)


@pytest.fixture
def store(tmp_path) -> PlanStore:
    return PlanStore.create(tmp_path / "plan.gpkg", PlanInfo(name="测试规划"), "EPSG:32650")


@pytest.fixture(scope="module")
def before(qgis_app, qgis_processing, tmp_path_factory) -> dict:
    """The scenario with an empty plan: the gaps as they are today."""
    import complete_community

    loaded = complete_community.classFactory(None)
    loaded.initProcessing()
    path = tmp_path_factory.mktemp("empty") / "empty.gpkg"
    PlanStore.create(path, PlanInfo(name="空规划"), "EPSG:32650")
    result = run(path)
    # Plain values only: layers kept past the QGIS session would be destroyed after it ends.
    yield {
        "numbers": {key: value for key, value in result.items() if isinstance(value, (int, float))},
        "units": rows(result["OUTPUT"], "compound_id"),
        "changes": change_rows(result["CHANGES"]),
        "comparison": rows(result["COMPARISON"], "type_code"),
    }
    loaded.unload()


def kindergarten_gaps(units: dict) -> list[str]:
    """Compounds lacking a kindergarten that are joined to the main network, by id."""
    return sorted(
        unit for unit, row in units.items() if row["ok_kindergarten"] == 0 and row["reason"] is None
    )


def test_an_empty_plan_changes_nothing(plugin, before):
    result = before["numbers"]
    assert result["GAPS_CLOSED"] == 0
    assert result["UNITS_IMPROVED"] == 0
    assert result["POPULATION_NEWLY_COVERED"] == 0
    assert result["PROJECTS_ADDED"] == 0
    assert result["UNITS_WITH_GAPS_BEFORE"] == result["UNITS_WITH_GAPS"]
    assert before["changes"] == []
    comparison = before["comparison"]
    assert all(row["gaps_closed"] == 0 and row["n_projects"] == 0 for row in comparison.values())
    assert len(kindergarten_gaps(before["units"])) >= 2, "the sample lacks kindergartens"


def test_before_is_the_facility_gap_analysis(plugin, before):
    import processing

    gap = processing.run(
        "completecommunity:facilitygap",
        {
            "UNITS": sample_uri("compounds"),
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": sample_uri("facilities"),
            "TYPE_FIELD": "类型",
            "NETWORK": sample_uri("roads"),
            "SNAP_TOLERANCE": 200,
            "OUTPUT": "TEMPORARY_OUTPUT",
            "SUMMARY": "TEMPORARY_OUTPUT",
        },
    )
    expected = rows(gap["OUTPUT"], "compound_id")
    assert before["units"] == expected


def test_a_kindergarten_project_closes_its_compounds_gap(plugin, before, store):
    gaps = kindergarten_gaps(before["units"])
    points = compound_points()
    chosen = gaps[0]
    # The reserve project sits at the gap compound farthest (straight line) from the chosen one.
    far = max(gaps, key=lambda unit: points[unit].distance(points[chosen]))
    assert points[far].distance(points[chosen]) > KINDERGARTEN_RADIUS
    store.save(
        Changes(
            projects=(
                Project.new(
                    "C01", "新建幼儿园", "kindergarten", "planned", geometry=points[chosen]
                ),
                Project.new("C02", "储备幼儿园", "kindergarten", "reserve", geometry=points[far]),
            )
        )
    )
    connector = nearest_road_distance(points[chosen])

    result = run(store.path)

    changes = change_rows(result["CHANGES"])
    closed = [row for row in changes if row["gap_closed"] == 1]
    by_unit = {row["unit_id"]: row for row in changes if row["type_code"] == "kindergarten"}
    row = by_unit[chosen]
    assert row["gap_closed"] == 1 and row["ok_before"] == 0 and row["ok_after"] == 1
    assert row["dist_after"] == pytest.approx(2 * connector, abs=0.06)
    assert row["dist_before"] == before["units"][chosen]["dist_kindergarten"]
    # The reserve project is not part of the default statuses: the far compound keeps its gap
    # unless the chosen project is within walking reach, which the straight line rules out.
    assert far not in {r["unit_id"] for r in closed}
    # Only kindergartens were added: nothing else changes.
    assert {r["type_code"] for r in changes} == {"kindergarten"}
    for change in changes:
        unit = before["units"][change["unit_id"]]
        assert change["dist_before"] == unit["dist_kindergarten"]
        assert change["dist_after"] < (change["dist_before"] or float("inf"))
        # Network distance is never shorter than the straight line to the new kindergarten.
        assert change["dist_after"] >= points[change["unit_id"]].distance(points[chosen]) - 0.1

    after_units = rows(result["OUTPUT"], "compound_id")
    assert after_units[chosen]["ok_kindergarten"] == 1
    assert "kindergarten" not in after_units[chosen]["gaps"].split(",")
    assert after_units[chosen]["n_gaps"] == before["units"][chosen]["n_gaps"] - 1

    populations = {u: r["population"] for u, r in before["units"].items()}
    comparison = rows(result["COMPARISON"], "type_code")["kindergarten"]
    assert comparison["n_projects"] == 1
    assert comparison["gaps_closed"] == len(closed)
    assert comparison["units_covered_after"] - comparison["units_covered_before"] == len(closed)
    gained = sum(populations[r["unit_id"]] for r in closed)
    assert comparison["pop_gained"] == pytest.approx(gained)
    assert result["GAPS_CLOSED"] == len(closed)
    assert result["UNITS_IMPROVED"] == len({r["unit_id"] for r in closed})
    assert result["POPULATION_NEWLY_COVERED"] == pytest.approx(gained)
    assert result["PROJECTS_ADDED"] == 1

    # With the reserve chosen too, the far compound's gap closes as well.
    with_reserve = run(store.path, STATUSES=[0, 1, 2, 3])
    closed_units = {
        r["unit_id"] for r in change_rows(with_reserve["CHANGES"]) if r["gap_closed"] == 1
    }
    assert {chosen, far} <= closed_units
    assert with_reserve["PROJECTS_ADDED"] == 2


def test_statuses_given_as_text_like_qgis_process(plugin, before, store):
    gaps = kindergarten_gaps(before["units"])
    point = compound_points()[gaps[0]]
    store.save(
        Changes(projects=(Project.new("C01", "储备", "kindergarten", "reserve", geometry=point),))
    )
    assert run(store.path, STATUSES="1,2,3")["PROJECTS_ADDED"] == 0
    assert run(store.path, STATUSES="0")["PROJECTS_ADDED"] == 1


def test_a_project_without_location_is_named_or_left_out_when_asked(plugin, store):
    store.save(Changes(projects=(Project.new("C01", "选址待定的托育点", "nursery", "planned"),)))
    with pytest.raises(QgsProcessingException, match="选址待定的托育点"):
        run(store.path)
    result = run(store.path, SKIP_UNLOCATED=True)
    assert result["PROJECTS_ADDED"] == 0


def test_a_file_that_is_not_a_plan_store_is_refused(plugin, tmp_path):
    other = tmp_path / "other.gpkg"
    other.write_bytes(b"not a database")
    with pytest.raises(QgsProcessingException, match="is not a plan store"):
        run(other)
