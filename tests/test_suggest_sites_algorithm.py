"""``completecommunity:suggestsites`` run the way users run it: ``processing.run`` and
qgis_process.

The hand layouts put everything along one straight road (y = 0) near Nanjing: compounds
stand 10 m off the road, candidate sites and the existing kindergarten on it or 10 m off it,
so every walking distance is |Δx| plus the connectors and can be read off the coordinates:

    compound   x      people   reached by (walk)            status with k = 2
    U1         100    500      the kindergarten at 0 (120)  covered before
    U2         700    300      C1 at 800 (110)              newly covered by C1
    U3         900    400      C1 (110)                     newly covered by C1
    U4         1500   1000     C2 at 1650 (160), C3 (10)    newly covered by C2
    U5         1800   200      C2 (160), C4 at 2000 (210)   newly covered by C2
    U6         2600   50       C5 at 2900 is 310 away       unreachable

So one site: C2 (1,200 people); two: C2 and C1 (1,900); a third adds nobody.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer
from qgis_helpers import Log, memory_layer, records

from complete_community.scoring.plan import STATUS_RESERVE, PlanInfo, PlanStore

ALGORITHM = "completecommunity:suggestsites"
X0, Y0 = 667_000.0, 3_546_000.0  # central Nanjing in EPSG:32650
UTM = "EPSG:32650"

COMPOUNDS = [
    ("U1", 100, 500, "SQ1"),
    ("U2", 700, 300, "SQ1"),
    ("U3", 900, 400, "SQ2"),
    ("U4", 1500, 1000, "SQ3"),
    ("U5", 1800, 200, "SQ3"),
    ("U6", 2600, 50, "SQ4"),
]
CANDIDATES = [("C1", 800), ("C2", 1650), ("C3", 1500), ("C4", 2000), ("C5", 2900)]
TOTAL = 2450.0


def point(x: float, y: float = 0.0) -> str:
    return f"POINT({X0 + x} {Y0 + y})"


def square(x: float, half: float) -> str:
    corners = [(x - half, -half), (x + half, -half), (x + half, half), (x - half, half)]
    corners.append(corners[0])
    text = ", ".join(f"{X0 + cx} {Y0 + cy}" for cx, cy in corners)
    return f"POLYGON(({text}))"


def road(*pieces) -> QgsVectorLayer:
    """The road as lines (start x, end x, highway value)."""
    rows = [
        (f"LINESTRING({X0 + a} {Y0}, {X0 + b} {Y0})", [number, kind])
        for number, (a, b, kind) in enumerate(pieces)
    ]
    return memory_layer("LineString", [("road", "int"), ("highway", "string")], rows, UTM, "roads")


def compounds(rows=COMPOUNDS) -> QgsVectorLayer:
    fields = [("compound_id", "string"), ("population", "int"), ("community", "string")]
    data = [(point(x, 10), [name, people, community]) for name, x, people, community in rows]
    return memory_layer("Point", fields, data, UTM, "compounds")


def facilities(rows=(("kindergarten", 0),)) -> QgsVectorLayer:
    data = [(point(x, 10), [kind]) for kind, x in rows]
    return memory_layer("Point", [("kind", "string")], data, UTM, "facilities")


def candidates(rows=CANDIDATES, crs: str = UTM) -> QgsVectorLayer:
    layer = memory_layer(
        "Point", [("site", "string")], [(point(x), [name]) for name, x in rows], UTM, "candidates"
    )
    if crs != UTM:
        from test_facility_gap_algorithm import copied

        layer = copied(layer, crs)
    return layer


def run(log=None, **parameters) -> dict:
    import processing

    values = {
        "UNITS": compounds(),
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": facilities(),
        "TYPE_FIELD": "kind",
        "NETWORK": road((-100, 3100, "residential")),
        "SNAP_TOLERANCE": 50,
        "FACILITY_TYPE": "kindergarten",
        "CANDIDATES": candidates(),
        "CANDIDATE_ID_FIELD": "site",
        "SITES": 2,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "UNITS_OUTPUT": "TEMPORARY_OUTPUT",
        "CURVE": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log if log is not None else Log())


def by(rows, key):
    return {row[key]: row for row in rows}


# --- the hand layout -------------------------------------------------------------------------


def test_two_sites_cover_the_hand_worked_compounds(plugin):
    result = run()
    assert result["POP_GAINED"] == 1900
    assert result["OPTIMAL"] is True
    assert result["SITES_CHOSEN"] == 2
    sites = sorted(records(result["OUTPUT"]), key=lambda row: row["rank"])
    assert [(s["candidate_id"], s["pop_gained"], s["pop_cumulative"]) for s in sites] == [
        ("C2", 1200, 1200),
        ("C1", 700, 1900),
    ]
    assert [s["units_gained"] for s in sites] == [2, 2]
    assert [s["unit_ids"] for s in sites] == ["U4, U5", "U2, U3"]
    assert sites[1]["share_cumulative"] == pytest.approx((500 + 1900) / TOTAL, abs=1e-4)
    units = by(records(result["UNITS_OUTPUT"]), "compound_id")
    assert {name: row["status"] for name, row in units.items()} == {
        "U1": "covered_before",
        "U2": "newly_covered",
        "U3": "newly_covered",
        "U4": "newly_covered",
        "U5": "newly_covered",
        "U6": "unreachable",
    }
    assert units["U1"]["distance_before"] == pytest.approx(120.0)
    assert (units["U4"]["site_id"], units["U4"]["site_rank"]) == ("C2", 1)
    assert units["U4"]["distance_site"] == pytest.approx(160.0)
    assert units["U2"]["distance_site"] == pytest.approx(110.0)
    assert result["SHARE_BEFORE"] == pytest.approx(500 / TOTAL)
    assert result["SHARE_AFTER"] == pytest.approx(2400 / TOTAL)


def test_the_curve_gives_each_k_and_stops_gaining_when_everyone_reachable_is_served(plugin):
    result = run(SITES=3)
    assert result["SITES_CHOSEN"] == 2  # a third site would serve nobody new
    curve = sorted(records(result["CURVE"]), key=lambda row: row["k"])
    assert [(row["k"], row["pop_covered"], row["pop_gained"]) for row in curve] == [
        (0, 500, 0),
        (1, 1700, 1200),
        (2, 2400, 1900),
        (3, 2400, 1900),
    ]
    assert all(row["optimal"] == 1 for row in curve)


def test_fewest_sites_for_a_target_share(plugin):
    # 60 % of 2,450 is 1,470 people; 500 are covered: one site must add 970. C2 (1,200) and
    # C3 (1,000) both do; the one covering more is chosen.
    result = run(TARGET_SHARE=0.6)
    assert result["SITES_CHOSEN"] == 1 and result["OPTIMAL"] is True
    assert [row["candidate_id"] for row in records(result["OUTPUT"])] == ["C2"]


def test_a_target_beyond_reach_sets_unreachable_compounds_aside(plugin):
    log = Log()
    result = run(log, TARGET_SHARE=1.0)
    assert result["SITES_CHOSEN"] == 2 and result["POP_GAINED"] == 1900
    assert any("cannot be reached" in warning for warning in log.warnings)
    assert any("U6" in warning and "set aside" in warning for warning in log.warnings)


def test_the_greedy_trap_is_solved_exactly_and_greedy_says_what_it_is(plugin, monkeypatch):
    """Four compounds a b c d (60, 100, 100, 60 people at x = 0, 400, 700, 1100); M at 550
    serves b and c (200), L at 200 serves a and b, R at 900 serves c and d (160 each). Greedy
    takes M and then adds 60; the best pair is L and R (320)."""
    layout = {
        "UNITS": compounds(
            [("a", 0, 60, "S"), ("b", 400, 100, "S"), ("c", 700, 100, "S"), ("d", 1100, 60, "S")]
        ),
        "FACILITIES": facilities((("kindergarten", 3000),)),
        "CANDIDATES": candidates([("L", 200), ("M", 550), ("R", 900)]),
    }
    exact = run(**layout)
    assert (exact["POP_GAINED"], exact["OPTIMAL"], exact["METHOD"]) == (320, True, "exact")
    assert sorted(row["candidate_id"] for row in records(exact["OUTPUT"])) == ["L", "R"]

    for name in [n for n in sys.modules if n == "scipy" or n.startswith("scipy.")] + ["scipy"]:
        monkeypatch.setitem(sys.modules, name, None)
    log = Log()
    greedy = run(log, **layout)
    assert (greedy["POP_GAINED"], greedy["OPTIMAL"], greedy["METHOD"]) == (260, False, "greedy")
    assert greedy["GAP"] == pytest.approx((320 - 260) / 320)
    said = " ".join(log.warnings)
    assert "greedy" in said and "scipy.optimize.milp" in said and "63.2 %" in said
    sites = sorted(records(greedy["OUTPUT"]), key=lambda row: row["rank"])
    assert [(s["candidate_id"], s["method"], s["optimal"]) for s in sites] == [
        ("M", "greedy", 0),
        ("L", "greedy", 0),
    ]


def test_same_input_same_sites(plugin):
    answers = {
        tuple(row["candidate_id"] for row in records(run(SITES=3, TIME_LIMIT=t)["OUTPUT"]))
        for t in (60, 60, 0)
    }
    assert answers == {("C2", "C1")}


# --- candidates ------------------------------------------------------------------------------


def test_candidates_in_another_crs_are_reprojected(plugin):
    result = run(CANDIDATES=candidates(crs="EPSG:4326"))
    assert result["POP_GAINED"] == 1900
    assert sorted(row["candidate_id"] for row in records(result["OUTPUT"])) == ["C1", "C2"]


def test_polygons_below_the_minimum_land_area_are_skipped_and_listed(plugin):
    # The built-in kindergarten needs 3,500 m² of land: C2 as a 40 m square (1,600 m²) is
    # skipped, C1 and C3 as 80 m squares (6,400 m²) stay.
    layer = memory_layer(
        "Polygon",
        [("site", "string")],
        [(square(800, 40), ["C1"]), (square(1650, 20), ["C2"]), (square(1500, 40), ["C3"])],
        UTM,
        "parcels",
    )
    log = Log()
    result = run(log, CANDIDATES=layer)
    assert any("C2 (1600 m²)" in warning for warning in log.warnings)
    assert sorted(row["candidate_id"] for row in records(result["OUTPUT"])) == ["C1", "C3"]
    assert result["POP_GAINED"] == 700 + 1000
    output = result["OUTPUT"]
    assert output.geometryType() == 2  # polygons, as given


def test_without_candidates_sites_are_proposed_along_the_network(plugin):
    result = run(CANDIDATES=None, CANDIDATE_SPACING=50)
    assert result["POP_GAINED"] == 1900 and result["OPTIMAL"] is True
    xs = sorted(row["x"] for row in _site_points(result["OUTPUT"]))
    # One site between U2 and U3 (within 290 m of both), one between U4 and U5.
    assert 610 <= xs[0] <= 990 and 1510 <= xs[1] <= 1790


def test_no_site_is_proposed_on_a_motorway(plugin):
    # Beyond x = 1200 the road is a motorway: U4 and U5 (1500, 1800) can then only be served
    # from x <= 1200, more than 290 m away.
    log = Log()
    network = road((-100, 1200, "residential"), (1200, 3100, "motorway"))
    result = run(log, CANDIDATES=None, CANDIDATE_SPACING=50, NETWORK=network)
    assert result["POP_GAINED"] == 700
    assert all(row["x"] <= 1200 for row in _site_points(result["OUTPUT"]))
    units = by(records(result["UNITS_OUTPUT"]), "compound_id")
    assert units["U4"]["status"] == units["U5"]["status"] == "unreachable"
    assert any("motorway" in info for info in log.infos)


def test_an_osm_extract_as_gdal_reads_it_keeps_its_tags_in_other_tags(plugin):
    """The same motorway, tagged the way GDAL's OSM driver writes ways: highway as a field,
    bridge and foot inside other_tags. The part from 1,200 to 1,700 is a bridge, the rest of
    the road beyond it forbids walkers' sites (foot=no): only x <= 1,200 may carry sites."""
    fields = [("road", "int"), ("highway", "string"), ("other_tags", "string")]
    pieces = [
        (-100, 1200, "residential", None),
        (1200, 1700, "residential", '"bridge"=>"yes","layer"=>"1"'),
        (1700, 3100, "residential", '"foot"=>"no"'),
    ]
    rows = [
        (f"LINESTRING({X0 + a} {Y0}, {X0 + b} {Y0})", [number, kind, tags])
        for number, (a, b, kind, tags) in enumerate(pieces)
    ]
    network = memory_layer("LineString", fields, rows, UTM, "ways")
    log = Log()
    result = run(log, CANDIDATES=None, CANDIDATE_SPACING=50, NETWORK=network)
    assert all(row["x"] <= 1200 for row in _site_points(result["OUTPUT"]))
    assert result["POP_GAINED"] == 700
    assert any("other_tags" in info and "2 lines" in info for info in log.infos)


def _site_points(layer):
    return [
        {"x": f.geometry().asPoint().x() - X0, "y": f.geometry().asPoint().y() - Y0}
        for f in layer.getFeatures()
    ]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, words",
    [
        ({"FACILITY_TYPE": "spaceport"}, ["'spaceport'", "kindergarten"]),
        ({"SITES": 0}, ["at least 1", "not 0"]),
        ({"TARGET_SHARE": 1.5}, ["target share", "1.5"]),
        ({"TARGET_SHARE": 0}, ["target share", "not 0"]),
        ({"CANDIDATES": "DUPLICATE"}, ["'C1'", "more than once"]),
        ({"CANDIDATES": "FAR"}, ["No candidate site is within 300 m", "kindergarten"]),
        ({"PLAN_STORE": "STORE"}, ["community id field"]),
        ({"PLAN_STORE": "READ_ONLY"}, ["read-only"]),
    ],
)
def test_bad_input_is_refused_by_name_and_writes_nothing(plugin, tmp_path, parameters, words):
    if parameters.get("CANDIDATES") == "DUPLICATE":
        parameters = {"CANDIDATES": candidates([("C1", 800), ("C1", 1650)])}
    elif parameters.get("CANDIDATES") == "FAR":
        parameters = {"CANDIDATES": candidates([("C5", 2900)])}
    elif parameters.get("PLAN_STORE") in ("STORE", "READ_ONLY"):
        path = tmp_path / "plan.gpkg"
        PlanStore.create(path, PlanInfo(name="规划"), UTM)
        if parameters["PLAN_STORE"] == "READ_ONLY":  # a planner protecting the plan
            path.chmod(0o444)
            parameters = {"PLAN_STORE": str(path), "COMMUNITY_FIELD": "community"}
        else:
            parameters = {"PLAN_STORE": str(path)}
    outputs = {name: tmp_path / f"{name.lower()}.gpkg" for name in ("OUTPUT", "UNITS_OUTPUT")}
    outputs["CURVE"] = tmp_path / "curve.csv"
    with pytest.raises(QgsProcessingException) as raised:
        run(**parameters, **{name: str(path) for name, path in outputs.items()})
    for word in words:
        assert word in str(raised.value)
    assert "Traceback" not in str(raised.value)
    assert not any(path.exists() for path in outputs.values())


# --- the plan store --------------------------------------------------------------------------


def test_sites_go_into_the_plan_store_and_planscenario_sees_the_same_people(plugin, tmp_path):
    import processing

    path = tmp_path / "规划.gpkg"
    PlanStore.create(path, PlanInfo(name="幼儿园规划"), UTM)
    units, kindergartens, network = compounds(), facilities(), road((-100, 3100, "residential"))
    common = {"UNITS": units, "FACILITIES": kindergartens, "NETWORK": network}
    result = run(PLAN_STORE=str(path), COMMUNITY_FIELD="community", **common)
    assert result["PROJECTS_ADDED"] == 2

    projects = PlanStore.open(path).projects()
    assert {(p.community_id, p.status, p.type_code) for p in projects} == {
        ("SQ3", STATUS_RESERVE, "kindergarten"),  # C2 newly serves U4 and U5 of SQ3
        ("SQ2", STATUS_RESERVE, "kindergarten"),  # C1: U3 (SQ2, 400) outweighs U2 (SQ1, 300)
    }
    located = sorted(round(p.geometry.x - X0) for p in projects)
    assert located == [800, 1650]

    scenario = processing.run(
        "completecommunity:planscenario",
        {
            "UNITS": units,
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": kindergartens,
            "TYPE_FIELD": "kind",
            "NETWORK": network,
            "SNAP_TOLERANCE": 50,
            "PLAN_STORE": str(path),
            "STATUSES": [0],  # reserve
            "OUTPUT": "TEMPORARY_OUTPUT",
            "SUMMARY": "TEMPORARY_OUTPUT",
            "CHANGES": "TEMPORARY_OUTPUT",
            "COMPARISON": "TEMPORARY_OUTPUT",
        },
        feedback=Log(),
    )
    comparison = by(records(scenario["COMPARISON"]), "type_code")["kindergarten"]
    assert comparison["pop_gained"] == result["POP_GAINED"]
    assert comparison["n_projects"] == 2

    again = run(PLAN_STORE=str(path), COMMUNITY_FIELD="community", **common)
    assert again["PROJECTS_ADDED"] == 0  # the same sites are already there
    assert len(PlanStore.open(path).projects()) == 2


# --- qgis_process ----------------------------------------------------------------------------


@pytest.mark.qgis_process
def test_qgis_process_runs_it_on_the_sample(qgis_app, qgis_process_cli, sample_gpkg, tmp_path):
    sample = sample_gpkg
    completed, answer = qgis_process_cli.run_json(
        ALGORITHM,
        {
            "UNITS": f"{sample}|layername=compounds",
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": f"{sample}|layername=facilities",
            "TYPE_FIELD": "类型",
            "NETWORK": f"{sample}|layername=roads",
            "FACILITY_TYPE": "幼儿园",
            "SITES": 3,
            "OUTPUT": str(tmp_path / "sites.gpkg"),
            "UNITS_OUTPUT": str(tmp_path / "units.gpkg"),
            "CURVE": str(tmp_path / "curve.csv"),
        },
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = answer["results"]
    sites = records(str(tmp_path / "sites.gpkg"))
    assert len(sites) == int(results["SITES_CHOSEN"]) == 3
    assert sum(site["pop_gained"] for site in sites) == pytest.approx(float(results["POP_GAINED"]))
    units = records(str(tmp_path / "units.gpkg"))
    newly = [unit for unit in units if unit["status"] == "newly_covered"]
    assert sum(unit["population"] for unit in newly) == pytest.approx(float(results["POP_GAINED"]))
    assert results["OPTIMAL"] in (True, "true", "True", 1)


def test_output_file_paths_with_chinese_names(plugin, tmp_path):
    folder = tmp_path / "选址"
    folder.mkdir()
    result = run(
        OUTPUT=str(folder / "建议选址.gpkg"),
        UNITS_OUTPUT=str(folder / "小区.gpkg"),
        CURVE=str(folder / "曲线.csv"),
    )
    assert len(records(result["OUTPUT"])) == 2
    assert Path(result["CURVE"]).exists()


# --- batch mode and the modeler --------------------------------------------------------------


def test_batch_rows_one_type_each(plugin):
    """Batch mode runs one row per facility type; each row's answer is its own."""
    from qgis.core import QgsApplication

    from complete_community.processing import compat

    algorithm = QgsApplication.processingRegistry().algorithmById(ALGORITHM)
    assert algorithm.flags() & compat.ProcessingAlgorithmFlag.SupportsBatch
    kinds = facilities((("kindergarten", 0), ("菜市场", 1650)))
    answers = {
        code: run(FACILITIES=kinds, FACILITY_TYPE=code)["POP_GAINED"]
        for code in ("幼儿园", "fresh_market")
    }
    # The market at 1650 (500 m radius) already serves U4 and U5; C1 adds U2 and U3 (700),
    # C5 U6 (310 m away, 50): U1 is 710 m from C1.
    assert answers == {"幼儿园": 1900, "fresh_market": 750}


def test_it_runs_inside_a_model(plugin):
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterString,
    )

    import processing

    model = QgsProcessingModelAlgorithm("sites", "tests")
    inputs = {
        "units": QgsProcessingParameterFeatureSource("units", "Units"),
        "facilities": QgsProcessingParameterFeatureSource("facilities", "Facilities"),
        "network": QgsProcessingParameterFeatureSource("network", "Network"),
        "candidates": QgsProcessingParameterFeatureSource("candidates", "Candidates"),
        "type": QgsProcessingParameterString("type", "Type", "kindergarten"),
    }
    for name, definition in inputs.items():
        model.addModelParameter(definition, QgsProcessingModelParameter(name))
    child = QgsProcessingModelChildAlgorithm(ALGORITHM)
    child.setChildId("suggest")
    wiring = {
        "UNITS": "units",
        "FACILITIES": "facilities",
        "NETWORK": "network",
        "CANDIDATES": "candidates",
        "FACILITY_TYPE": "type",
    }
    for parameter, source in wiring.items():
        child.addParameterSources(
            parameter, [QgsProcessingModelChildParameterSource.fromModelParameter(source)]
        )
    static = {
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "TYPE_FIELD": "kind",
        "CANDIDATE_ID_FIELD": "site",
        "SNAP_TOLERANCE": 50,
        "SITES": 1,
    }
    # As the graphical modeler does: every other input starts at its default.
    for definition in child.algorithm().parameterDefinitions():
        name = definition.name()
        if name in wiring or definition.isDestination():
            continue
        value = static.get(name, definition.defaultValue())
        child.addParameterSources(
            name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)]
        )
    output = QgsProcessingModelOutput("sites", "Sites")
    output.setChildId("suggest")
    output.setChildOutputName("OUTPUT")
    child.setModelOutputs({"sites": output})
    model.addChildAlgorithm(child)
    assert model.validate()[0], model.validate()[1]
    # The model's own name for that output ("suggest:sites" on 3.22; QGIS versions differ).
    (destination,) = [definition.name() for definition in model.destinationParameterDefinitions()]
    results = processing.run(
        model,
        {
            "units": compounds(),
            "facilities": facilities(),
            "network": road((-100, 3100, "residential")),
            "candidates": candidates(),
            "type": "kindergarten",
            destination: "TEMPORARY_OUTPUT",
        },
        feedback=Log(),
    )
    assert [row["candidate_id"] for row in records(results[destination])] == ["C2"]


# --- walking time ----------------------------------------------------------------------------


def test_in_walking_time_a_site_serves_farther_downhill(plugin, tmp_path):
    """The street runs up a 10 % ramp towards +x. Site S at x = 300; compound Lo at x = 60
    walks 240 m up to it (10 s of flat connector + 240 m / f(10 %) = 350.6 s), compound Hi at
    x = 540 walks 240 m down (10 s + 240 s = 250 s). The kindergarten's limit is 300 m at
    1 m/s = 300 s: only Hi is served in walking time, both are in metres (250 m each)."""
    from test_walking_time_algorithms import walk, write_dem

    dem = write_dem(tmp_path / "ramp.tif", lambda x, y: 50.0 + 0.10 * x)
    layout = {
        "UNITS": compounds([("Lo", 60, 400, "SQ1"), ("Hi", 540, 100, "SQ1")]),
        "FACILITIES": facilities((("kindergarten", 3000),)),
        "NETWORK": road((0, 600, "residential")),
        "CANDIDATES": candidates([("S", 300)]),
        "SITES": 1,
    }
    timed = run(MEASURE=1, DEM=dem, **layout)
    units = by(records(timed["UNITS_OUTPUT"]), "compound_id")
    assert timed["POP_GAINED"] == 100
    assert (units["Lo"]["status"], units["Hi"]["status"]) == ("unreachable", "newly_covered")
    assert units["Hi"]["minutes_site"] == pytest.approx((10 + 240) / 60, abs=0.01)
    assert units["Hi"]["distance_site"] == pytest.approx(250.0, abs=0.1)
    assert 10 + walk(240, 0.10) > 300  # Lo's walk up is too long
    by_metres = run(**layout)
    assert by_metres["POP_GAINED"] == 500


def test_a_unit_without_geometry_stays_in_the_status_output(plugin):
    rows = [(point(x, 10), [name, people, community]) for name, x, people, community in COMPOUNDS]
    rows.append((None, ["U7", 999, "SQ9"]))
    fields = [("compound_id", "string"), ("population", "int"), ("community", "string")]
    log = Log()
    result = run(log, UNITS=memory_layer("Point", fields, rows, UTM, "compounds"))
    assert result["POP_GAINED"] == 1900  # U7 cannot be placed, so nobody counts it as served
    units = by(records(result["UNITS_OUTPUT"]), "compound_id")
    assert len(units) == 7
    assert (units["U7"]["status"], units["U7"]["site_rank"]) == ("no_location", 0)
    assert any("U7" in warning for warning in log.warnings)
