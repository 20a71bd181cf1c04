"""``completecommunity:tieredprovision`` run the way users run it: ``processing.run`` and
qgis_process.

The hand-made layout (EPSG:32650, offset into central Nanjing) is one 片区 of three 社区 side by
side, each cut into a south and a north 小区:

    y 400 +-----------+-----------+-----------+
          |  C2 2000  |  A2 3000  |  B2 2500  |
    y 200 +-----------+-----------+-----------+      district D1 = all of it
          |  C1 2000  |  A1 3000  |  B1 2500  |
    y   0 +-----------+-----------+-----------+
          x 0        400         800        1200

Rectangles have their centre as point on surface, so the communities are measured from
C (200, 200), A (600, 200) and B (1000, 200). Every expected value below is worked out from
these numbers by hand.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Optional, Sequence

import pytest
import sample_copy
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsVectorLayer,
)
from qgis_helpers import Log, records

from complete_community.processing import compat

ALGORITHM = "completecommunity:tieredprovision"
X0, Y0 = 667_000.0, 3_546_000.0
UTM = "EPSG:32650"
SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself

STANDARD_YAML = """\
name: {zh: 测试标准, en: Test standard}
version: "t1"
notice: {zh: 仅供测试, en: For tests only}
tiers:
  district: {name_zh: 片区, name_en: District, population: {min: 10000, max: 100000}, source: t}
  community: {name_zh: 社区, name_en: Community, population: {min: 5000, max: 12000}, source: t}
  neighbourhood: {name_zh: 小区, name_en: Compound, population: {min: 1000, max: 3000}, source: t}
types:
  - code: complex
    name_zh: 社区综合体
    name_en: Community complex
    tier: community
    life_circle: 5
    radius_m: 500
    mandatory: true
    count: {per: unit}
    floor_area: {per_1000_m2: 200}
    sharing: {shareable: true, reach_m: 500}
    aliases: [综合体]
    source: test
  - code: centre
    name_zh: 卫生服务中心
    name_en: Health centre
    tier: district
    life_circle: 15
    radius_m: 1000
    mandatory: true
    count: {per: unit}
    aliases: [中心]
    source: test
  - code: station
    name_zh: 卫生服务站
    name_en: Health station
    tier: community
    life_circle: 5
    radius_m: 300
    mandatory: true
    count: {per: unit}
    sharing: {shareable: true, reach_m: 300}
    satisfied_by: [centre]
    aliases: [站]
    source: test
  - code: hall
    name_zh: 活动室
    name_en: Activity room
    tier: neighbourhood
    life_circle: neighbourhood
    radius_m: 300
    mandatory: true
    count: {per: unit}
    floor_area: {min_m2: 100}
    sharing: {shareable: false}
    aliases: [活动室]
    source: test
"""

COMMUNITIES = {"C": (0, 400), "A": (400, 800), "B": (800, 1200)}
COMPOUND_POPULATION = {"A1": 3000, "A2": 3000, "B1": 2500, "B2": 2500, "C1": 2000, "C2": 2000}
# (id, type value, (x, y), floor area)
FACILITIES = [
    ("complex-A", "综合体", (600, 100), 3000),  # in A1 / A
    ("centre-B", "中心", (1000, 300), 2000),  # in B2 / B / D1
    ("hall-A1", "活动室", (500, 50), 100),  # exactly the minimum
    ("hall-A2", "活动室", (500, 300), 60),  # too small by 40 m²
    ("hall-B2", "活动室", (900, 350), None),  # size unknown
]


# --- building test data ----------------------------------------------------------------------


def rect_wkt(x1: float, y1: float, x2: float, y2: float) -> str:
    corners = [(x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1)]
    return "POLYGON(({}))".format(", ".join(f"{X0 + x} {Y0 + y}" for x, y in corners))


def layer(geometry: str, fields: Sequence[tuple[str, str]], rows, name: str) -> QgsVectorLayer:
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


def districts_layer(rows=(("D1", (0, 0, 1200, 400)),)) -> QgsVectorLayer:
    return layer(
        "Polygon", [("district_id", "string")], [(rect_wkt(*box), [uid]) for uid, box in rows], "d"
    )


def communities_layer(rows=None) -> QgsVectorLayer:
    rows = rows or [(uid, (x1, 0, x2, 400)) for uid, (x1, x2) in COMMUNITIES.items()]
    return layer(
        "Polygon", [("community_id", "string")], [(rect_wkt(*box), [uid]) for uid, box in rows], "c"
    )


def compounds_layer(rows=None) -> QgsVectorLayer:
    if rows is None:
        rows = []
        for uid, people in COMPOUND_POPULATION.items():
            x1, x2 = COMMUNITIES[uid[0]]
            y1 = 0 if uid[1] == "1" else 200
            rows.append((uid, (x1, y1, x2, y1 + 200), people))
    return layer(
        "Polygon",
        [("compound_id", "string"), ("pop", "int")],
        [(rect_wkt(*box), [uid, people]) for uid, box, people in rows],
        "x",
    )


def facilities_layer(rows=FACILITIES, area_kind: str = "double") -> QgsVectorLayer:
    return layer(
        "Point",
        [("fid_text", "string"), ("kind", "string"), ("面积", area_kind)],
        [(f"POINT({X0 + x} {Y0 + y})", [fid, kind, area]) for fid, kind, (x, y), area in rows],
        "f",
    )


def roads_layer(lines) -> QgsVectorLayer:
    rows = [
        ("LINESTRING({})".format(", ".join(f"{X0 + x} {Y0 + y}" for x, y in line)), [i])
        for i, line in enumerate(lines)
    ]
    return layer("LineString", [("road", "int")], rows, "roads")


@pytest.fixture()
def standard_file(tmp_path) -> str:
    path = tmp_path / "test_standard.yaml"
    path.write_text(STANDARD_YAML, encoding="utf-8")
    return str(path)


# --- running ---------------------------------------------------------------------------------


OUTPUTS = ("OUTPUT_TABLE", "SHARING", "DISTRICTS_OUTPUT", "COMMUNITIES_OUTPUT", "COMPOUNDS_OUTPUT")


def run(standard_file: str, log: Optional[Log] = None, **parameters) -> dict:
    import processing

    values: dict[str, Any] = {
        "DISTRICTS": districts_layer(),
        "DISTRICT_ID_FIELD": "district_id",
        "COMMUNITIES": communities_layer(),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMPOUNDS": compounds_layer(),
        "COMPOUND_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "pop",
        "FACILITIES": facilities_layer(),
        "FACILITY_ID_FIELD": "fid_text",
        "TYPE_FIELD": "kind",
        "FLOOR_AREA_FIELD": "面积",
        "STANDARD": standard_file,
        "SNAP_TOLERANCE": 50,
    }
    values.update({name: "TEMPORARY_OUTPUT" for name in OUTPUTS})
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log if log is not None else Log())


def table(result: dict) -> dict[tuple, dict[str, Any]]:
    return {(r["tier"], r["unit_id"], r["type_code"]): r for r in records(result["OUTPUT_TABLE"])}


def by_unit(result_layer) -> dict[str, dict[str, Any]]:
    return {r["unit_id"]: r for r in records(result_layer)}


DIAGONAL = math.hypot(400, 100)  # complex-A (600, 100) to the centres of B and C


# --- the hand-made cases ---------------------------------------------------------------------


def test_shared_complex_is_apportioned_not_tripled(plugin, standard_file):
    result = run(standard_file)
    rows = table(result)
    expected = {  # community: (population, own, shared, required = existing m², status)
        "A": (6000, 1, 0, 1200, "ok"),
        "B": (5000, 0, 1, 1000, "ok_shared"),
        "C": (4000, 0, 1, 800, "ok_shared"),
    }
    for uid, (people, own, shared, area, status) in expected.items():
        row = rows[("community", uid, "complex")]
        assert row["population"] == people
        assert (row["required_count"], row["own_count"], row["shared_count"]) == (1, own, shared)
        assert row["req_floor_area"] == pytest.approx(area)
        assert row["exist_floor_area"] == pytest.approx(area), "apportioned, not 3,000 each"
        assert row["deficit_floor_area"] == pytest.approx(0)
        assert row["deficit_count"] == 0
        assert row["provision_status"] == status
        assert row["own_ids"] == ("complex-A" if own else "")
        assert row["shared_ids"] == ("complex-A" if shared else "")
    shares = [r for r in records(result["SHARING"]) if r["type_code"] == "complex"]
    assert {r["to_unit"]: r["floor_area"] for r in shares} == pytest.approx(
        {"A": 1200, "B": 1000, "C": 800}
    )
    assert {r["to_unit"]: r["share"] for r in shares} == pytest.approx(
        {"A": 0.4, "B": 1 / 3, "C": 4 / 15}
    )
    for item in shares:
        assert item["facility_id"] == "complex-A"
        assert item["from_unit"] == "A"
        assert item["own"] == int(item["to_unit"] == "A")
        if item["to_unit"] == "A":
            assert item["distance"] is None
        else:
            assert item["distance"] == pytest.approx(DIAGONAL)
        assert item["route_mode"] == "straight_line"
        assert item["measure"] == "distance"
    assert result["DISTANCE_MODE"] == "straight_line"


def test_population_range_flags_and_roll_up(plugin, standard_file):
    result = run(standard_file)
    rows = table(result)
    small = rows[("community", "C", "complex")]
    assert (small["size_flag"], small["status"], small["provision_status"]) == (
        "too_small",
        "size_mismatch",
        "ok_shared",
    )
    assert small["status_zh"] == "规模不符"
    assert rows[("community", "A", "complex")]["status_zh"] == "达标"
    assert rows[("community", "B", "complex")]["status_zh"] == "共享达标"
    districts = by_unit(result["DISTRICTS_OUTPUT"])
    communities = by_unit(result["COMMUNITIES_OUTPUT"])
    compounds = by_unit(result["COMPOUNDS_OUTPUT"])
    assert districts["D1"]["population"] == sum(COMPOUND_POPULATION.values()) == 15000
    for uid in COMMUNITIES:
        parts = [people for cid, people in COMPOUND_POPULATION.items() if cid[0] == uid]
        assert communities[uid]["population"] == sum(parts)
        assert communities[uid]["parent_id"] == "D1", "by overlap: no parent field given"
    for uid in COMPOUND_POPULATION:
        assert compounds[uid]["parent_id"] == uid[0]
        assert compounds[uid]["size_flag"] == ""
    assert communities["C"]["size_flag"] == "too_small"
    assert districts["D1"]["size_flag"] == ""


def test_higher_tier_facility_satisfies_lower_requirement(plugin, standard_file):
    result = run(standard_file)
    rows = table(result)
    centre = rows[("district", "D1", "centre")]
    assert (centre["own_count"], centre["status"], centre["own_ids"]) == (1, "ok", "centre-B")
    station_b = rows[("community", "B", "station")]
    assert (station_b["own_count"], station_b["status"], station_b["own_ids"]) == (
        1,
        "ok",
        "centre-B",
    )
    # A's centre is 412 m from centre-B, beyond the station's 300 m sharing reach.
    station_a = rows[("community", "A", "station")]
    assert (station_a["own_count"], station_a["shared_count"], station_a["deficit_count"]) == (
        0,
        0,
        1,
    )
    assert station_a["status"] == "missing"
    communities = by_unit(result["COMMUNITIES_OUTPUT"])
    assert (communities["A"]["def_station"], communities["A"]["def_complex"]) == (1, 0)
    assert communities["B"]["def_station"] == 0
    assert communities["A"]["missing"] == "station"


def test_area_shortfall_is_not_missing(plugin, standard_file):
    result = run(standard_file)
    rows = table(result)
    expected = {  # compound: (own, existing m², deficit m², deficit count, status, flags)
        "A1": (1, 100, 0, 0, "ok", ""),
        "A2": (1, 60, 40, 0, "area_short", ""),
        "B1": (0, 0, 100, 1, "missing", ""),
        "B2": (1, None, None, 0, "ok", "floor_area_unknown"),
        "C1": (0, 0, 100, 1, "missing", ""),
    }
    for uid, (own, existing, deficit, missing, status, flags) in expected.items():
        row = rows[("neighbourhood", uid, "hall")]
        assert row["own_count"] == own, uid
        assert row["req_floor_area"] == 100, uid
        assert row["exist_floor_area"] == existing, uid
        assert row["deficit_floor_area"] == deficit, uid
        assert row["deficit_count"] == missing, uid
        assert row["status"] == status, uid
        assert row["flags"] == flags, uid
    compounds = by_unit(result["COMPOUNDS_OUTPUT"])
    assert (compounds["A2"]["n_missing"], compounds["A2"]["n_area_short"]) == (0, 1)
    assert (compounds["A2"]["area_short"], compounds["A2"]["short_any"]) == ("hall", 1)
    assert (compounds["B1"]["def_hall"], compounds["B1"]["total_def"]) == (1, 1)
    assert compounds["A1"]["short_any"] == 0
    # Short of any mandatory type: compounds A2, B1, C1, C2; communities A and C (station).
    assert result["COMPOUNDS_SHORT"] == 4
    assert result["COMMUNITIES_SHORT"] == 2
    assert result["DISTRICTS_SHORT"] == 0


def test_parent_by_largest_overlap_and_orphans(plugin, standard_file):
    communities = communities_layer([("P", (0, 0, 400, 400)), ("Q", (400, 0, 800, 400))])
    compounds = compounds_layer(
        [
            ("S1", (300, 0, 700, 200), 2000),  # 100 × 200 m² in P, 300 × 200 m² in Q
            ("S2", (0, 200, 300, 400), 1500),  # inside P
            ("S3", (2000, 0, 2100, 100), 1200),  # in no community
        ]
    )
    log = Log()
    result = run(
        standard_file,
        log,
        DISTRICTS=districts_layer([("D1", (0, 0, 800, 400))]),
        COMMUNITIES=communities,
        COMPOUNDS=compounds,
        FACILITIES=facilities_layer([("hall", "活动室", (50, 250), 120)]),
    )
    units = by_unit(result["COMPOUNDS_OUTPUT"])
    assert {uid: row["parent_id"] for uid, row in units.items()} == {
        "S1": "Q",
        "S2": "P",
        "S3": None,
    }
    populations = by_unit(result["COMMUNITIES_OUTPUT"])
    assert (populations["P"]["population"], populations["Q"]["population"]) == (1500, 2000)
    assert by_unit(result["DISTRICTS_OUTPUT"])["D1"]["population"] == 3500, "S3 is an orphan"
    assert any("S1" in text for text in log.infos), "the straddling compound is named"
    orphan_warnings = [text for text in log.warnings if "S3" in text and "1200" in text]
    assert orphan_warnings, log.warnings


def test_parent_id_fields_are_used_when_given(plugin, standard_file):
    compounds = layer(
        "Polygon",
        [("compound_id", "string"), ("pop", "int"), ("community", "string")],
        [(rect_wkt(0, 0, 400, 200), ["K1", 2000, "A"])],  # lies in C, field says A
        "x",
    )
    result = run(standard_file, COMPOUNDS=compounds, COMPOUND_COMMUNITY_FIELD="community")
    assert by_unit(result["COMPOUNDS_OUTPUT"])["K1"]["parent_id"] == "A"
    assert by_unit(result["COMMUNITIES_OUTPUT"])["A"]["population"] == 2000


def test_text_in_an_area_field_is_refused_naming_facility_and_field(plugin, standard_file):
    rows = [("complex-A", "综合体", (600, 100), "约3000")]
    with pytest.raises(QgsProcessingException) as raised:
        run(standard_file, FACILITIES=facilities_layer(rows, area_kind="string"))
    message = str(raised.value)
    assert "complex-A" in message and "面积" in message and "约3000" in message


def test_network_reach_is_walking_distance(plugin, standard_file):
    # One street from C's centre (200, 200) to A's centre (600, 200). complex-A joins it
    # with a 100 m connector: 100 + 400 = 500 m to C, exactly the reach. B's centre is 400 m
    # from the street, beyond the 150 m snap tolerance: it cannot share.
    log = Log()
    street = roads_layer([[(200, 200), (400, 200), (600, 200)]])
    result = run(standard_file, log, NETWORK=street, SNAP_TOLERANCE=150)
    rows = table(result)
    assert rows[("community", "C", "complex")]["shared_ids"] == "complex-A"
    assert rows[("community", "B", "complex")]["status"] == "missing"
    shares = {r["to_unit"]: r for r in records(result["SHARING"]) if r["type_code"] == "complex"}
    assert set(shares) == {"A", "C"}
    assert shares["C"]["distance"] == pytest.approx(500, abs=1e-6)
    assert shares["C"]["floor_area"] == pytest.approx(3000 * 4000 / 10000)
    assert shares["A"]["floor_area"] == pytest.approx(3000 * 6000 / 10000)
    assert result["DISTANCE_MODE"] == "network"
    assert any("B" in text for text in log.warnings if "snap tolerance" in text)


# --- the Nanjing sample ----------------------------------------------------------------------


def sample_parameters(network: bool = True) -> dict[str, Any]:
    source = str(SAMPLE)
    values = {
        "DISTRICTS": f"{source}|layername=districts",
        "DISTRICT_ID_FIELD": "district_id",
        "COMMUNITIES": f"{source}|layername=communities",
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "COMPOUNDS": f"{source}|layername=compounds",
        "COMPOUND_ID_FIELD": "compound_id",
        "COMPOUND_COMMUNITY_FIELD": "community_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": f"{source}|layername=facilities",
        "FACILITY_ID_FIELD": "osm_id",
        "TYPE_FIELD": "类型",
    }
    if network:
        values["NETWORK"] = f"{source}|layername=roads"
    return values


def sample_layer(name: str) -> QgsVectorLayer:
    result = QgsVectorLayer(f"{SAMPLE}|layername={name}", name, "ogr")
    assert result.isValid()
    return result


def test_nanjing_sample_through_processing_run(plugin):
    import processing
    from complete_community.scoring.provision import is_assessed
    from complete_community.scoring.standard import load_standard

    parameters = sample_parameters()
    parameters.update({name: "TEMPORARY_OUTPUT" for name in OUTPUTS})
    result = processing.run(ALGORITHM, parameters, feedback=Log())
    standard = load_standard()
    tiers = {"district": "districts", "community": "communities", "neighbourhood": "compounds"}
    expected_rows = sum(
        sample_layer(name).featureCount()
        * sum(is_assessed(kind) for kind in standard.types_for_tier(tier))
        for tier, name in tiers.items()
    )
    assert result["OUTPUT_TABLE"].featureCount() == expected_rows
    # Roll-up, checked against the sample's own attributes.
    compound_population = {
        f["compound_id"]: f["population"] for f in sample_layer("compounds").getFeatures()
    }
    community_of = {
        f["compound_id"]: f["community_id"] for f in sample_layer("compounds").getFeatures()
    }
    district_of = {
        f["community_id"]: f["district_id"] for f in sample_layer("communities").getFeatures()
    }
    communities = by_unit(result["COMMUNITIES_OUTPUT"])
    districts = by_unit(result["DISTRICTS_OUTPUT"])
    for uid, row in communities.items():
        parts = [p for cid, p in compound_population.items() if community_of[cid] == uid]
        assert row["population"] == sum(parts), uid
    for uid, row in districts.items():
        parts = [
            p for cid, p in compound_population.items() if district_of[community_of[cid]] == uid
        ]
        assert row["population"] == sum(parts), uid
    # Every facility used is split into shares that add up to one.
    totals: dict[tuple, float] = {}
    for item in records(result["SHARING"]):
        key = (item["tier"], item["type_code"], item["facility_id"])
        totals[key] = totals.get(key, 0.0) + item["share"]
        if not item["own"]:
            assert 0 <= item["distance"] <= 1000
    assert totals and all(total == pytest.approx(1.0) for total in totals.values())
    assert result["DISTANCE_MODE"] == "network"
    assert 0 <= result["COMMUNITIES_SHORT"] <= len(communities)


def test_nanjing_sample_through_qgis_process(qgis_process_cli, tmp_path):
    parameters = sample_parameters()
    outputs = {name: str(tmp_path / f"{name.lower()}.gpkg") for name in OUTPUTS}
    parameters.update(outputs)
    completed, answer = qgis_process_cli.run_json(ALGORITHM, parameters)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert answer is not None
    results = answer["results"]
    for name, path in outputs.items():
        assert Path(path).is_file(), name
        assert QgsVectorLayer(results[name], name, "ogr").featureCount() > 0, name
    assert QgsVectorLayer(outputs["COMPOUNDS_OUTPUT"], "x", "ogr").featureCount() == 47
    assert results["DISTANCE_MODE"] == "network"
    for name in ("DISTRICTS_SHORT", "COMMUNITIES_SHORT", "COMPOUNDS_SHORT"):
        assert isinstance(results[name], (int, float)), name


# --- the pair search behind sharing ----------------------------------------------------------


@pytest.mark.parametrize("use_scipy", [True, False])
def test_pairs_within_and_spread_groups_match_brute_force(plugin, monkeypatch, use_scipy):
    import numpy as np

    from complete_community.scoring.network import _optional
    from complete_community.scoring.network.reach import (
        pairs_within,
        spread_groups,
    )

    monkeypatch.setattr(_optional, "USE_SCIPY", use_scipy)
    rng = np.random.default_rng(7)
    a = rng.uniform(0, 1000, (60, 2))
    b = rng.uniform(0, 1000, (400, 2))
    b[3] = np.nan  # no geometry: pairs with nothing
    first, second = pairs_within(a, b, 120.0)
    brute = {
        (i, j)
        for i in range(len(a))
        for j in range(len(b))
        if np.all(np.isfinite(b[j])) and math.dist(a[i], b[j]) <= 120.0
    }
    assert set(zip(first.tolist(), second.tolist())) == brute
    groups = spread_groups(a, 240.0)
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(a)))
    for group in groups:
        for i in group:
            for j in group:
                assert i == j or math.dist(a[i], a[j]) > 240.0


# --- the plan's projects as facilities (PLAN_STORE) ------------------------------------------

#: The test standard with a community kindergarten that is not shared: every community needs
#: one of at least 500 m² of its own, and none has one today.
PLAN_STANDARD_YAML = (
    STANDARD_YAML
    + """\
  - code: kindergarten
    name_zh: 幼儿园
    name_en: Kindergarten
    tier: community
    life_circle: 5
    radius_m: 300
    mandatory: true
    count: {per: unit}
    floor_area: {min_m2: 500}
    sharing: {shareable: false}
    source: test
"""
)


@pytest.fixture()
def plan_standard_file(tmp_path) -> str:
    path = tmp_path / "plan_standard.yaml"
    path.write_text(PLAN_STANDARD_YAML, encoding="utf-8")
    return str(path)


@pytest.fixture()
def plan_store(tmp_path) -> str:
    """A planned 600 m² kindergarten inside community A (in A2) and a 300 m² one in the
    reserve inside community B (in B1)."""
    from shapely.geometry import Point

    from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project

    path = tmp_path / "plan.gpkg"
    store = PlanStore.create(path, PlanInfo(name="测试规划"), UTM)
    store.save(
        Changes(
            projects=(
                Project(
                    "P-A", "A", "A 社区幼儿园", "kindergarten", "planned",
                    floor_area=600.0, geometry=Point(X0 + 600, Y0 + 300),
                ),
                Project(
                    "P-B", "B", "B 社区幼儿园", "kindergarten", "reserve",
                    floor_area=300.0, geometry=Point(X0 + 1000, Y0 + 100),
                ),
            )
        )
    )  # fmt: skip
    return str(path)


def kindergarten_changes(result: dict) -> dict[str, dict[str, Any]]:
    return {
        r["unit_id"]: r for r in records(result["PLAN_CHANGES"]) if r["type_code"] == "kindergarten"
    }


def test_planned_kindergarten_closes_the_deficit_of_its_community(
    plugin, plan_standard_file, plan_store
):
    log = Log()
    result = run(plan_standard_file, log, PLAN_STORE=plan_store, PLAN_CHANGES="TEMPORARY_OUTPUT")
    rows = table(result)
    after = rows[("community", "A", "kindergarten")]
    assert (after["required_count"], after["own_count"], after["deficit_count"]) == (1, 1, 0)
    assert after["exist_floor_area"] == pytest.approx(600)
    assert after["deficit_floor_area"] == pytest.approx(0)
    assert after["status"] == "ok"
    assert after["own_ids"] == "P-A"
    reserve = rows[("community", "B", "kindergarten")]  # the reserve is not added by default
    assert (reserve["deficit_count"], reserve["status"]) == (1, "missing")
    assert reserve["deficit_floor_area"] == pytest.approx(500)
    communities = by_unit(result["COMMUNITIES_OUTPUT"])
    assert communities["A"]["def_kindergarten"] == 0
    assert communities["B"]["def_kindergarten"] == 1
    assert result["PROJECTS_ADDED"] == 1

    changes = records(result["PLAN_CHANGES"])
    assert len(changes) == 1, "only community A's kindergarten changes"
    change = changes[0]
    assert (change["tier"], change["unit_id"], change["type_code"]) == (
        "community",
        "A",
        "kindergarten",
    )
    assert (change["deficit_count_before"], change["deficit_count_after"]) == (1, 0)
    assert change["deficit_floor_area_before"] == pytest.approx(500)
    assert change["deficit_floor_area_after"] == pytest.approx(0)
    assert (change["status_before"], change["status_after"]) == ("missing", "ok")
    assert (change["project_ids"], change["project_names"]) == ("P-A", "A 社区幼儿园")
    assert any("AFTER the plan" in info for info in log.infos)


def test_reserve_projects_count_when_chosen(plugin, plan_standard_file, plan_store):
    result = run(
        plan_standard_file,
        PLAN_STORE=plan_store,
        PLAN_STATUSES=[0, 1, 2, 3],  # 储备 too
        PLAN_CHANGES="TEMPORARY_OUTPUT",
    )
    changes = kindergarten_changes(result)
    assert sorted(changes) == ["A", "B"]
    small = changes["B"]  # 300 m² of the 500 m² required: counted, but short of area
    assert (small["deficit_count_before"], small["deficit_count_after"]) == (1, 0)
    assert small["deficit_floor_area_before"] == pytest.approx(500)
    assert small["deficit_floor_area_after"] == pytest.approx(200)
    assert (small["status_before"], small["status_after"]) == ("missing", "area_short")
    assert small["project_ids"] == "P-B"
    assert result["PROJECTS_ADDED"] == 2


def test_without_plan_store_the_outputs_are_today_and_changes_empty(plugin, plan_standard_file):
    result = run(plan_standard_file, PLAN_CHANGES="TEMPORARY_OUTPUT")
    assert table(result)[("community", "A", "kindergarten")]["deficit_count"] == 1
    assert records(result["PLAN_CHANGES"]) == []
    assert result["PROJECTS_ADDED"] == 0
