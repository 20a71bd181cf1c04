"""``completecommunity:rubricscore`` and ``completecommunity:exportrubric`` run the way users
run them: ``processing.run`` and qgis_process.

The hand-made case (EPSG:32650) is three communities side by side, a small rubric of 20 points
and a provision table written as CSV (every cell text, as the tiered provisioning writes it):

    y 400 +-----------+-----------+-----------+
          |  A  a2    |  B  b2    |     c1    |      x1 lies outside every community
          |  a1       |  b1       |  C        |
    y   0 +-----------+-----------+-----------+
          x 0        400         800        1200

    A: a1 900 people covered, a2 100 not   -> coverage 0.9  (exactly at the 6-point band)
    B: b1 600 covered, b2 400 not          -> coverage 0.6  (exactly at the 3-point band)
    C: c1 500 covered                      -> coverage 1.0

Rubric: p1 threshold on coverage_kindergarten (>=0.9: 6, >=0.6: 3), p2 yes/no on
status_ok_kindergarten (4), p3 deduction of 1 per started 100 m² of the service station's
area deficit (4), p4 manual (4), p5 manual veto (2). Grades: good >= 15, pass >= 10, fail.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Optional

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsVectorLayer,
)
from qgis_helpers import Log, plain, records
from sample_chain import (
    GAP_INPUTS,
    PROVISION_INPUTS,
    PROVISION_OUTPUTS,
    layer_of,
    provision_parameters,
    scoring_inputs,
)

from complete_community.processing import compat
from complete_community.scoring.rubric import PROVISION_COLUMNS, load_rubric, read_rubric_xlsx

ALGORITHM = "completecommunity:rubricscore"
EXPORT = "completecommunity:exportrubric"
X0, Y0 = 667_000.0, 3_546_000.0
UTM = "EPSG:32650"

RUBRIC_YAML = """\
name: {zh: 测试细则, en: Test rubric}
version: "t1"
notice: {zh: 仅供测试, en: For tests only}
total: 20
grades:
  - {code: good, name: {zh: 良好, en: Good}, min: 15}
  - {code: pass, name: {zh: 合格, en: Pass}, min: 10}
  - {code: fail, name: {zh: 不合格, en: Fail}, min: 0}
categories:
  - id: "1"
    name: {zh: 公共服务, en: Public services}
    max: 10
    items:
      - id: "1.1"
        name: {zh: 幼儿园, en: Kindergarten}
        max: 10
        points:
          - {id: p1, text: {zh: 幼儿园覆盖, en: Kindergarten coverage}, max: 6,
             method: threshold, indicator: coverage_kindergarten,
             bands: [{at_least: 0.9, score: 6}, {at_least: 0.6, score: 3}]}
          - {id: p2, text: {zh: 幼儿园达标, en: Kindergarten provided}, max: 4,
             method: yes_no, indicator: status_ok_kindergarten}
  - id: "2"
    name: {zh: 社区管理, en: Management}
    max: 10
    items:
      - id: "2.1"
        name: {zh: 服务站, en: Service station}
        max: 10
        points:
          - {id: p3, text: {zh: 服务站面积, en: Station area}, max: 4, method: deduction,
             indicator: area_deficit_community_service_station, deduct: 1, per: 100}
          - {id: p4, text: {zh: 物业管理, en: Property management}, max: 4, method: manual}
          - {id: p5, text: {zh: 安全底线, en: Safety}, max: 2, method: manual, veto: true}
"""

# (compound, community, population, ok_kindergarten, (x, y))
COMPOUNDS = [
    ("a1", "A", 900, 1, (100, 100)),
    ("a2", "A", 100, 0, (200, 300)),
    ("b1", "B", 600, 1, (500, 100)),
    ("b2", "B", 400, 0, (600, 300)),
    ("c1", "C", 500, 1, (1000, 200)),
    ("x1", None, 300, 1, (2000, 2000)),
]

# tier, unit, parent, population, type, own, deficit count, req floor, deficit floor, status
PROVISION_ROWS = [
    ("community", "A", "D1", 1000, "kindergarten", 1, 0, "", "", "ok"),
    ("community", "A", "D1", 1000, "community_service_station", 1, 0, 300, 150, "area_short"),
    ("community", "B", "D1", 1000, "kindergarten", 0, 1, "", "", "missing"),
    ("community", "B", "D1", 1000, "community_service_station", 1, 0, 300, 0, "ok"),
    ("community", "C", "D1", 500, "kindergarten", 1, 0, "", "", "ok"),
    ("community", "C", "D1", 500, "community_service_station", 1, 0, 300, "", "ok"),
]

MANUAL_HEADER = ("community_id", "point_id", "score", "evidence", "assessor", "date")
MANUAL_ROWS = [
    ("A", "p4", "3.5", "minutes 2024", "Wang", "2024-05-01"),
    ("A", "p5", "2", "", "", ""),
    ("B", "p4", "4", "", "", ""),
    ("B", "p5", "", "not yet", "", ""),  # not scored yet: 待评
    ("C", "p4", "2", "", "", ""),
    ("C", "p5", "0", "", "", ""),  # the veto point
    ("Z", "p4", "1", "", "", ""),  # no such community
    ("A", "p99", "1", "", "", ""),  # no such point
    ("A", "p1", "3", "", "", ""),  # a computed point
]


# --- building test data ----------------------------------------------------------------------


def rect_wkt(x1: float, y1: float, x2: float, y2: float) -> str:
    corners = [(x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1)]
    return "POLYGON(({}))".format(", ".join(f"{X0 + x} {Y0 + y}" for x, y in corners))


def layer(geometry: str, fields, rows, name: str) -> QgsVectorLayer:
    result = QgsVectorLayer(f"{geometry}?crs={UTM}", name, "memory")
    provider = result.dataProvider()
    provider.addAttributes([compat.new_field(field, kind) for field, kind in fields])
    result.updateFields()
    features = []
    for wkt, values in rows:
        feature = QgsFeature(result.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    assert provider.addFeatures(features)[0]
    return result


def communities_layer() -> QgsVectorLayer:
    boxes = {"A": (0, 0, 400, 400), "B": (400, 0, 800, 400), "C": (800, 0, 1200, 400)}
    return layer(
        "Polygon",
        [("community_id", "string"), ("name", "string")],
        [(rect_wkt(*box), [uid, f"社区{uid}"]) for uid, box in boxes.items()],
        "communities",
    )


def gaps_layer() -> QgsVectorLayer:
    """Compounds as the facility gap analysis writes them: dist_T and ok_T per type."""
    return layer(
        "Point",
        [
            ("compound_id", "string"),
            ("community_id", "string"),
            ("population", "int"),
            ("dist_kindergarten", "double"),
            ("ok_kindergarten", "int"),
        ],
        [
            (f"POINT({X0 + x} {Y0 + y})", [uid, community, population, 100.0, ok])
            for uid, community, population, ok, (x, y) in COMPOUNDS
        ],
        "gaps",
    )


def write_csv(path: Path, header, rows) -> str:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def provision_csv(tmp_path: Path) -> str:
    rows = []
    for tier, unit, parent, population, code, own, deficit, req, short, status in PROVISION_ROWS:
        values = dict.fromkeys(PROVISION_COLUMNS, "")
        values.update(
            tier=tier,
            unit_id=unit,
            parent_id=parent,
            population=population,
            type_code=code,
            mandatory=1,
            own_count=own,
            shared_count=0,
            deficit_count=deficit,
            req_floor_area=req,
            deficit_floor_area=short,
            provision_status=status,
        )
        rows.append([values[column] for column in PROVISION_COLUMNS])
    return write_csv(tmp_path / "provision.csv", PROVISION_COLUMNS, rows)


@pytest.fixture
def inputs(tmp_path) -> dict[str, str]:
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(RUBRIC_YAML, encoding="utf-8")
    return {
        "RUBRIC": str(rubric),
        "PROVISION": provision_csv(tmp_path),
        "MANUAL_SCORES": write_csv(tmp_path / "manual.csv", MANUAL_HEADER, MANUAL_ROWS),
    }


# --- running ---------------------------------------------------------------------------------


def run(inputs: dict[str, str], log: Optional[Log] = None, **parameters) -> dict:
    import processing

    values: dict[str, Any] = {
        "COMMUNITIES": communities_layer(),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "GAPS": gaps_layer(),
        "GAP_ID_FIELD": "compound_id",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
        **inputs,
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log if log is not None else Log())


def by_community(result_layer) -> dict[str, dict[str, Any]]:
    return {row["community_id"]: row for row in records(result_layer)}


def points(result_layer) -> dict[tuple, dict[str, Any]]:
    return {(row["community_id"], row["point_id"]): row for row in records(result_layer)}


# --- the hand-made case ----------------------------------------------------------------------


def test_subtotals_total_grade_and_provisional(plugin, inputs):
    log = Log()
    result = run(inputs, log)
    scores = by_community(result["OUTPUT"])
    expected = {
        # cat_1, cat_2, total, upper bound, grade, provisional, pending, no data, vetoed by
        # A: 6 + 4 | 2 (150 m² short: two started steps) + 3.5 + 2
        "A": (10.0, 7.5, 17.5, 17.5, "good", 0, 0, 0, None),
        # B: 3 + 0 (kindergarten missing) | 4 + 4 + p5 待评 (2 more at most)
        "B": (3.0, 8.0, 11.0, 13.0, "pass", 1, 1, 0, None),
        # C: 6 + 4 | p3 unknown area (no data, 4 more at most) + 2 + 0 on the veto point
        "C": (10.0, 2.0, 12.0, 16.0, "fail", 1, 0, 1, "p5"),
    }
    fields = (
        "cat_1",
        "cat_2",
        "total",
        "upper_bound",
        "grade",
        "provisional",
        "n_pending",
        "n_no_data",
        "vetoed_by",
    )
    assert {uid: tuple(row[name] for name in fields) for uid, row in scores.items()} == expected
    assert scores["A"]["community_name"] == "社区A" and scores["A"]["grade_zh"] == "良好"
    areas = {f["community_id"]: f.geometry().area() for f in result["OUTPUT"].getFeatures()}
    assert areas == {"A": 160_000.0, "B": 160_000.0, "C": 160_000.0}  # the polygons, kept
    assert result["COMMUNITIES_SCORED"] == 3
    assert result["MEAN_TOTAL"] == pytest.approx((17.5 + 11 + 12) / 3)
    assert result["N_PROVISIONAL"] == 2
    warnings = "\n".join(log.warnings)
    assert "3 rows of the manual scores are ignored" in warnings
    for name in ("row 7: community 'Z'", "row 8: point 'p99'", "row 9: point p1 is computed"):
        assert name in warnings
    assert "1 compounds of layer 'gaps' lie in no community, left out: x1" in warnings


def test_long_table_has_every_point_with_its_evidence(plugin, inputs):
    table = points(run(inputs)["OUTPUT_TABLE"])
    assert len(table) == 3 * 5
    a1 = table[("A", "p1")]
    assert (a1["indicator"], a1["indicator_value"], a1["score"], a1["max_score"]) == (
        "coverage_kindergarten",
        0.9,
        6.0,
        6.0,
    )
    assert (a1["category_id"], a1["item_id"], a1["text"], a1["text_en"]) == (
        "1",
        "1.1",
        "幼儿园覆盖",
        "Kindergarten coverage",
    )
    assert table[("B", "p1")]["indicator_value"] == 0.6 and table[("B", "p1")]["score"] == 3.0
    a4 = table[("A", "p4")]
    assert (a4["score"], a4["status"], a4["status_zh"], a4["method"]) == (
        3.5,
        "scored",
        "已评分",
        "manual",
    )
    assert (a4["evidence"], a4["assessor"], a4["date"]) == ("minutes 2024", "Wang", "2024-05-01")
    b5 = table[("B", "p5")]
    assert (b5["score"], b5["status"], b5["status_zh"], b5["evidence"]) == (
        None,
        "pending",
        "待评",
        "not yet",
    )
    c3 = table[("C", "p3")]
    assert (c3["score"], c3["status"], c3["indicator_value"]) == (None, "no_data", None)
    assert c3["indicator"] == "area_deficit_community_service_station"
    assert table[("A", "p3")]["indicator_value"] == 150.0 and table[("A", "p3")]["score"] == 2.0
    assert table[("C", "p5")]["veto"] == 1 and table[("C", "p4")]["veto"] == 0


def test_compounds_are_placed_by_location_without_a_community_field(plugin, inputs):
    log = Log()
    result = run(inputs, log, GAP_COMMUNITY_FIELD="")
    table = points(result["OUTPUT_TABLE"])
    assert [table[(uid, "p1")]["indicator_value"] for uid in "ABC"] == [0.9, 0.6, 1.0]
    assert any("lie in no community, left out: x1" in text for text in log.warnings)


def test_communities_without_crs_are_scored_when_compounds_name_them(plugin, inputs):
    communities = communities_layer()
    communities.setCrs(QgsCoordinateReferenceSystem())
    scores = by_community(run(inputs, COMMUNITIES=communities)["OUTPUT"])
    assert [scores[uid]["total"] for uid in "ABC"] == [17.5, 11.0, 12.0]
    with pytest.raises(QgsProcessingException, match=r"has no valid coordinate reference"):
        run(inputs, COMMUNITIES=communities, GAP_COMMUNITY_FIELD="")


def test_missing_manual_scores_leave_points_pending_never_zero(plugin, inputs):
    result = run(inputs, MANUAL_SCORES=None)
    scores = by_community(result["OUTPUT"])
    # two manual points per community are 待评; A keeps its computed 6 + 4 + 2
    assert [scores[uid]["n_pending"] for uid in "ABC"] == [2, 2, 2]
    assert [scores[uid]["total"] for uid in "ABC"] == [12.0, 7.0, 10.0]
    assert [scores[uid]["upper_bound"] for uid in "ABC"] == [18.0, 13.0, 20.0]
    assert scores["C"]["vetoed_by"] is None  # a veto point not yet scored vetoes nothing
    assert result["N_PROVISIONAL"] == 3
    assert all(
        row["score"] is None for row in records(result["OUTPUT_TABLE"]) if row["method"] == "manual"
    )


@pytest.mark.parametrize("all_text", [False, True])
def test_manual_scores_from_an_excel_sheet(plugin, inputs, tmp_path, all_text):
    """A filled-in workbook: numbers as numbers, or every cell typed as text (then GDAL does
    not see the header row by itself)."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "scores"
    sheet.append(["Community_ID", "point_id", "score", "evidence"])
    for community, point, score, evidence, _assessor, _date in MANUAL_ROWS[:6]:
        value = None if not score else score if all_text else float(score)
        sheet.append([community, point, value, evidence or None])
    path = tmp_path / "manual.xlsx"
    workbook.save(path)
    from_excel = by_community(run(inputs, MANUAL_SCORES=f"{path}|layername=scores")["OUTPUT"])
    from_csv = by_community(run(inputs)["OUTPUT"])
    assert from_excel == from_csv
    assert from_excel["A"]["total"] == 17.5


def test_out_of_range_manual_score_is_refused_naming_community_and_point(plugin, inputs, tmp_path):
    manual = write_csv(tmp_path / "bad.csv", MANUAL_HEADER, [("A", "p4", "5", "", "", "")])
    outputs = {"OUTPUT": str(tmp_path / "scores.gpkg"), "OUTPUT_TABLE": str(tmp_path / "p.csv")}
    with pytest.raises(
        QgsProcessingException,
        match=r"bad, row 1: community A, point p4: manual score 5 is outside 0 to the point's "
        r"maximum 4",
    ):
        run(inputs, MANUAL_SCORES=manual, **outputs)
    assert not any(Path(path).exists() for path in outputs.values()), "nothing is written"


def test_wrong_inputs_are_refused_with_a_clear_message(plugin, inputs):
    with pytest.raises(QgsProcessingException, match=r"Give the population field of layer"):
        run(inputs, GAP_POPULATION_FIELD="")
    with pytest.raises(QgsProcessingException, match=r"column 'tier' is missing"):
        run(inputs, PROVISION=inputs["MANUAL_SCORES"])
    with pytest.raises(QgsProcessingException, match=r"has no ok_T and dist_T fields"):
        run(inputs, GAPS=communities_layer())


def test_indicators_no_input_gives_are_reported(plugin, inputs):
    log = Log()
    result = run(inputs, log, PROVISION=None)
    assert any(
        "do not give 2 indicators the rubric reads" in text
        and "status_ok_kindergarten, area_deficit_community_service_station" in text
        for text in log.warnings
    )
    table = points(result["OUTPUT_TABLE"])
    assert table[("A", "p2")]["status"] == "no_data" and table[("A", "p1")]["score"] == 6.0


# --- exporting the rubric ------------------------------------------------------------------


def test_builtin_rubric_exports_to_excel_and_reads_back_identical(plugin, tmp_path):
    import processing

    target = tmp_path / "rubric.xlsx"
    result = processing.run(EXPORT, {"OUTPUT": str(target)}, feedback=Log())
    assert result["OUTPUT"] == str(target) and result["N_POINTS"] == 54
    assert read_rubric_xlsx(target) == load_rubric()
    with pytest.raises(QgsProcessingException, match=r"must end in \.xlsx"):
        processing.run(EXPORT, {"OUTPUT": str(tmp_path / "rubric.csv")}, feedback=Log())


def test_an_exported_rubric_scores_like_its_source(plugin, inputs, tmp_path):
    import processing

    workbook = tmp_path / "test_rubric.xlsx"
    processing.run(EXPORT, {"RUBRIC": inputs["RUBRIC"], "OUTPUT": str(workbook)}, feedback=Log())
    from_yaml = by_community(run(inputs)["OUTPUT"])
    from_excel = by_community(run(inputs, RUBRIC=str(workbook))["OUTPUT"])
    assert from_excel == from_yaml


# --- the Nanjing sample, chained after the two analyses ----------------------------------------


def sample_gap_parameters(gaps_output: str, summary_output: str) -> dict[str, Any]:
    return {**GAP_INPUTS, "OUTPUT": gaps_output, "SUMMARY": summary_output}


def sample_score_parameters(gaps, provision) -> dict[str, Any]:
    return {**scoring_inputs(gaps), "PROVISION": provision}


def expected_coverage(gaps_layer_: QgsVectorLayer, code: str) -> dict[str, Optional[float]]:
    """Population-weighted coverage per community, worked out from the gap layer directly."""
    totals: dict[str, list[float]] = {}
    for feature in gaps_layer_.getFeatures():
        population = plain(feature["population"])
        if population is None or population < 0:
            continue
        total = totals.setdefault(feature["community_id"], [0.0, 0.0])
        total[0] += population
        total[1] += population * feature[f"ok_{code}"]
    return {uid: (covered / pop if pop > 0 else None) for uid, (pop, covered) in totals.items()}


def check_sample_scores(scores_layer, points_layer, gaps_layer_, results) -> None:
    rubric = load_rubric()
    scores = by_community(scores_layer)
    table = records(points_layer)
    n_communities = QgsVectorLayer(layer_of("communities"), "c", "ogr").featureCount()
    assert len(scores) == n_communities and len(table) == n_communities * 54
    for uid, row in scores.items():
        subtotals = [row[f"cat_{category.id}"] for category in rubric.categories]
        mine = [r["score"] for r in table if r["community_id"] == uid and r["score"] is not None]
        assert row["total"] == pytest.approx(math.fsum(subtotals), abs=1e-6), uid
        assert row["total"] == pytest.approx(math.fsum(mine), abs=1e-6), uid
        assert row["grade"] == rubric.grade_for(row["total"]).code or row["vetoed_by"], uid
    assert results["COMMUNITIES_SCORED"] == n_communities
    mean = math.fsum(row["total"] for row in scores.values()) / n_communities
    assert results["MEAN_TOTAL"] == pytest.approx(mean, abs=1e-6)
    assert results["N_PROVISIONAL"] == sum(row["provisional"] for row in scores.values())
    coverage = expected_coverage(gaps_layer_, "kindergarten")
    for row in table:
        if row["indicator"] == "coverage_kindergarten":
            wanted = coverage.get(row["community_id"])
            if wanted is None:
                assert row["indicator_value"] is None and row["status"] == "no_data"
            else:
                assert row["indicator_value"] == pytest.approx(wanted, abs=1e-9)


def test_nanjing_sample_through_processing_run(plugin):
    import processing

    gaps = processing.run(
        "completecommunity:facilitygap",
        sample_gap_parameters("TEMPORARY_OUTPUT", "TEMPORARY_OUTPUT"),
        feedback=Log(),
    )["OUTPUT"]
    provision = processing.run(
        "completecommunity:tieredprovision",
        provision_parameters(),
        feedback=Log(),
    )["OUTPUT_TABLE"]
    parameters = sample_score_parameters(gaps, provision)
    parameters.update(OUTPUT="TEMPORARY_OUTPUT", OUTPUT_TABLE="TEMPORARY_OUTPUT")
    results = processing.run(ALGORITHM, parameters, feedback=Log())
    check_sample_scores(results["OUTPUT"], results["OUTPUT_TABLE"], gaps, results)
    # no manual scores: the built-in rubric's 25 manual points are 待评 everywhere
    assert all(row["n_pending"] == 25 for row in records(results["OUTPUT"]))
    assert results["N_PROVISIONAL"] == len(records(results["OUTPUT"]))


def test_nanjing_sample_through_qgis_process(qgis_process_cli, tmp_path):
    gaps = str(tmp_path / "gaps.gpkg")
    done, _ = qgis_process_cli.run_json(
        "completecommunity:facilitygap",
        sample_gap_parameters(gaps, str(tmp_path / "gap_summary.csv")),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    provision = str(tmp_path / "provision.csv")
    outputs = {
        name: str(tmp_path / f"{name.lower()}.gpkg")
        for name in PROVISION_OUTPUTS
        if name != "OUTPUT_TABLE"
    }
    done, _ = qgis_process_cli.run_json(
        "completecommunity:tieredprovision",
        {**PROVISION_INPUTS, "OUTPUT_TABLE": provision, **outputs},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # every manual point of SQ05 scored in full, from a CSV
    rubric = load_rubric()
    manual_points = [point for point in rubric.points() if point.is_manual]
    manual = write_csv(
        tmp_path / "manual.csv",
        MANUAL_HEADER,
        [("SQ05", point.id, point.max_score, "", "", "") for point in manual_points],
    )
    parameters = sample_score_parameters(gaps, provision)
    parameters.update(
        MANUAL_SCORES=manual,
        OUTPUT=str(tmp_path / "scores.gpkg"),
        OUTPUT_TABLE=str(tmp_path / "scores_points.gpkg"),
    )
    done, answer = qgis_process_cli.run_json(ALGORITHM, parameters)
    assert done.returncode == 0, done.stderr[-2000:]
    results = answer["results"]
    gaps_layer_ = QgsVectorLayer(gaps, "gaps", "ogr")
    points_layer = QgsVectorLayer(parameters["OUTPUT_TABLE"], "points", "ogr")
    check_sample_scores(parameters["OUTPUT"], points_layer, gaps_layer_, results)
    sq05 = by_community(parameters["OUTPUT"])["SQ05"]
    assert sq05["n_pending"] == 0
    manual_rows = [
        row
        for row in records(points_layer)
        if row["community_id"] == "SQ05" and row["method"] == "manual"
    ]
    assert len(manual_rows) == 25
    assert all(float(row["score"]) == float(row["max_score"]) for row in manual_rows)
