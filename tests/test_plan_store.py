"""The plan store: a GeoPackage written with sqlite3 that keeps a planner's data safe.

Expected values are written out by hand; the GeoPackage itself is judged by independent
readers (GDAL's own validator and OGR, QGIS), not by the code that wrote it.
"""

from __future__ import annotations

import datetime
import sqlite3
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from shapely import wkb
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from complete_community.scoring.errors import DataError
from complete_community.scoring.plan import (
    BUILTIN_EPSG_CODES,
    PROJECTS,
    SCHEMA_VERSION,
    Changes,
    ManualScore,
    PlanInfo,
    PlanStore,
    Project,
    Target,
    backup_path_for,
    build_store,
    builtin_srs,
    field_error,
    gpkg,
    manual_progress,
    migrations,
    project_errors,
    projects_layer_uri,
    read_field,
    read_schema_version,
)
from complete_community.scoring.plan.srs import srs_definition
from complete_community.scoring.plan.store import _SaveWriter
from complete_community.scoring.rubric import load_rubric
from complete_community.scoring.standard import load_standard

pytestmark = pytest.mark.filterwarnings(
    r"ignore:Neither (gdal|ogr|osr)\.UseExceptions:FutureWarning"
)

SQUARE = Polygon([(668100, 3548100), (668140, 3548100), (668140, 3548130), (668100, 3548130)])
TWO_PARTS = MultiPolygon(
    [
        Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]),
        Polygon([(20, 0), (30, 0), (30, 10), (20, 10)]),
    ]
)
INFO = PlanInfo(
    name="玄武区完整社区建设专项规划",
    jurisdiction="南京市玄武区",
    period_start=2024,
    period_end=2030,
    base_year=2023,
    author="某规划设计研究院",
)


class Clock:
    """2024-05-01 08:00:00 UTC, one second later at every call."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> datetime.datetime:
        self.calls += 1
        start = datetime.datetime(2024, 5, 1, 8, 0, 0, tzinfo=datetime.timezone.utc)
        return start + datetime.timedelta(seconds=self.calls - 1)


def stamp(second: int) -> str:
    return f"2024-05-01T08:00:{second:02d}.000Z"


@pytest.fixture(scope="module")
def standard():
    return load_standard()


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@pytest.fixture
def store(tmp_path, standard, rubric):
    return PlanStore.create(
        tmp_path / "plan.gpkg",
        INFO,
        "EPSG:32650",
        standard=standard,
        rubric=rubric,
        clock=Clock(),
        user="王工",
    )


def health_station(**changes) -> Project:
    project = Project(
        id="p-001",
        community_id="101",
        name="梅园新村社区卫生服务站",
        type_code="community_health_station",
        status="planned",
        category="补短板",
        floor_area=150.0,
        land_area=None,
        investment_wan=120.5,
        funding_source="old_community_renovation",
        start_year=2024,
        end_year=2025,
        notes="利用既有用房改造；含无障碍坡道",
        geometry=Point(668000.5, 3548000.25),
    )
    return replace(project, **changes)


def kindergarten(**changes) -> Project:
    project = Project(
        id="p-002",
        community_id="102",
        name="新街口幼儿园（新建）",
        type_code="kindergarten",
        status="under_construction",
        floor_area=3200.0,
        land_area=4500.0,
        investment_wan=2600.0,
        funding_source="urban_renewal_award",
        start_year=2024,
        end_year=2026,
        geometry=SQUARE,
    )
    return replace(project, **changes)


def three_projects():
    return [
        health_station(),
        kindergarten(),
        Project(
            id="p-003",
            community_id="102",
            name="社区游园",
            type_code="community_park",
            status="reserve",
            geometry=TWO_PARTS,
        ),
        Project(
            id="p-004",
            community_id="103",
            name="选址待定的养老服务站",
            type_code="elderly_service_station",
            status="reserve",
        ),
    ]


def without_geometry(projects):
    return [replace(project, geometry=None) for project in projects]


def as_entered(records):
    """Records without what the store keeps (version, who and when), to compare with input."""
    kept = {"version": 0, "updated_by": "", "updated_at": "", "created_at": ""}
    return [
        replace(record, **{k: v for k, v in kept.items() if hasattr(record, k)})
        for record in records
    ]


def geometries(projects):
    return [None if p.geometry is None else p.geometry.wkb for p in projects]


MANUAL = [
    ManualScore("101", "1.1.3", 1.0, "社区服务站开放时间公示照片", "王工", "2024-04-28"),
    ManualScore("101", "1.3.2", None, "待现场核实"),
    ManualScore("102", "1.1.3", 0.5, "", "李工", "2024-04-29"),
]


# --------------------------------------------------------------------------------------------
# Create, save, reopen
# --------------------------------------------------------------------------------------------


def test_everything_saved_is_there_after_reopening(tmp_path, standard, rubric):
    store = PlanStore.create(
        tmp_path / "plan.gpkg", INFO, 32650, standard=standard, rubric=rubric, clock=Clock()
    )
    assert store.crs == "EPSG:32650" and store.srs_id == 32650
    result = store.save(
        Changes(
            projects=three_projects(),
            manual_scores=MANUAL,
            targets=[Target("101", "coverage_kindergarten", 0.95, 2027, "五分钟生活圈全覆盖")],
        )
    )
    assert (result.inserted, result.updated, result.deleted) == (4, 0, 0)
    # The clock was read once at create (second 0) and once at this save (second 1).
    user = PlanStore.open(tmp_path / "plan.gpkg").backend.user(None)
    expected = [
        replace(p, created_at=stamp(1), updated_at=stamp(1), updated_by=user, version=1)
        for p in three_projects()
    ]
    assert without_geometry(result.projects) == without_geometry(expected)

    reopened = PlanStore.open(tmp_path / "plan.gpkg")
    assert reopened.upgraded_from is None and reopened.backup_path is None
    assert reopened.info() == replace(
        INFO,
        crs="EPSG:32650",
        created_at=stamp(0),
        updated_at=stamp(0),
        updated_by=user,
        version=1,
    )
    projects = reopened.projects()
    assert without_geometry(projects) == without_geometry(expected)
    assert geometries(projects) == geometries(three_projects())
    assert reopened.manual_scores() == [
        ManualScore("101", "1.1.3", 1.0, "社区服务站开放时间公示照片", "王工", "2024-04-28", 1),
        ManualScore("101", "1.3.2", None, "待现场核实", "", "", 1),
        ManualScore("102", "1.1.3", 0.5, "", "李工", "2024-04-29", 1),
    ]
    assert reopened.targets() == [
        Target("101", "coverage_kindergarten", 0.95, 2027, "五分钟生活圈全覆盖", 1)
    ]
    assert reopened.communities() == ["101", "102", "103"]


def test_updates_keep_creation_time_and_upsert_scores(store):
    store.save(Changes(projects=three_projects(), manual_scores=MANUAL))  # second 1
    moved = replace(store.project("p-001"), status="completed", floor_area=180.0, geometry=SQUARE)
    score = next(
        s for s in store.manual_scores() if (s.community_id, s.point_id) == ("102", "1.1.3")
    )
    result = store.save(  # second 2
        Changes(
            projects=[moved],
            deleted_projects=["p-003", "no-such-id"],
            manual_scores=[replace(score, score=1.0, evidence="复核后满分", date="2024-05-02")],
            deleted_manual_scores=[("101", "1.3.2")],
        )
    )
    assert (result.inserted, result.updated, result.deleted) == (0, 1, 1)
    stored = store.project("p-001")
    assert stored.status == "completed" and stored.floor_area == 180.0
    assert stored.geometry.wkb == SQUARE.wkb
    assert (stored.created_at, stored.updated_at) == (stamp(1), stamp(2))
    assert (stored.version, stored.updated_by) == (2, "王工")
    assert [p.id for p in store.projects()] == ["p-001", "p-002", "p-004"]
    assert store.manual_scores() == [
        ManualScore("101", "1.1.3", 1.0, "社区服务站开放时间公示照片", "王工", "2024-04-28", 1),
        ManualScore("102", "1.1.3", 1.0, "复核后满分", "李工", "2024-05-02", 2),
    ]


def test_plan_information_is_saved_but_its_crs_is_fixed(store):
    store.save(
        Changes(info=replace(store.info(), name="玄武区完整社区规划（修订）", author="规划院二所"))
    )
    assert store.info().name == "玄武区完整社区规划（修订）"
    assert store.info().author == "规划院二所"
    assert store.info().crs == "EPSG:32650"
    with pytest.raises(DataError, match="cannot be changed to EPSG:4326"):
        store.save(Changes(info=replace(INFO, crs="EPSG:4326")))


def test_projects_are_filtered_by_community_and_status(store):
    store.save(Changes(projects=three_projects()))
    assert [p.id for p in store.projects(community_id="102")] == ["p-002", "p-003"]
    assert [p.id for p in store.projects(community_id=102)] == ["p-002", "p-003"]
    assert [p.id for p in store.projects(community_id=["101", "103"])] == ["p-001", "p-004"]
    assert [p.id for p in store.projects(statuses=["reserve"])] == ["p-003", "p-004"]
    assert [p.id for p in store.projects(community_id="102", statuses=["reserve"])] == ["p-003"]
    assert store.project("p-404") is None


def test_projects_as_facilities_for_the_scenario(store):
    store.save(Changes(projects=three_projects()))
    facilities = store.projects_as_facilities(["planned", "under_construction"])
    assert [(f.id, f.type_code, f.status) for f in facilities] == [
        ("p-001", "community_health_station", "planned"),
        ("p-002", "kindergarten", "under_construction"),
    ]
    assert (facilities[0].x, facilities[0].y) == (668000.5, 3548000.25)
    assert (facilities[0].floor_area, facilities[0].land_area) == (150.0, None)
    # A polygon is represented by a point inside it (DESIGN §4).
    assert SQUARE.contains(Point(facilities[1].x, facilities[1].y))
    assert (facilities[1].floor_area, facilities[1].land_area) == (3200.0, 4500.0)

    with pytest.raises(DataError) as refused:
        store.projects_as_facilities(["reserve"])
    assert "选址待定的养老服务站" in str(refused.value)
    assert "社区游园" not in str(refused.value)
    assert [f.id for f in store.projects_as_facilities(["reserve"], skip_unlocated=True)] == [
        "p-003"
    ]
    with pytest.raises(DataError, match="Unknown project status '在建'"):
        store.projects_as_facilities(["在建"])


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

_RECORD = "Table 'projects', record 梅园新村社区卫生服务站: field "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"floor_area": -5.0}, "'floor_area' must be a number greater than 0, got '-5.0'"),
        ({"investment_wan": 0}, "'investment_wan' must be a number greater than 0, got '0'"),
        ({"land_area": "300"}, "'land_area' must be a number greater than 0, got '300'"),
        ({"start_year": 1999}, "'start_year' must be a year from 2000 to 2100, got '1999'"),
        ({"end_year": 2024.5}, "'end_year' must be a year from 2000 to 2100, got '2024.5'"),
        (
            {"start_year": 2026, "end_year": 2025},
            "'end_year' (2025) must not be earlier than field 'start_year' (2026)",
        ),
        (
            {"type_code": "spaceport"},
            "'type_code': 'spaceport' is not a facility type of the standard "
            "'完整社区设施配置标准（内置默认）'",
        ),
        (
            {"status": "在建"},
            "'status' must be one of reserve (储备 Reserve), planned (计划 Planned), "
            "under_construction (在建 Under construction), completed (完工 Completed); got '在建'",
        ),
        ({"funding_source": "银行贷款"}, "'funding_source' must be one of urban_renewal_award"),
        ({"community_id": " "}, "'community_id' is required but empty"),
        (
            {"geometry": LineString([(0, 0), (1, 1)])},
            "'geometry' must be a point or a polygon with finite coordinates, got LineString",
        ),
        (
            {"geometry": Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])},
            "'geometry' is not a valid polygon: Self-intersection",
        ),
    ],
)
def test_invalid_project_is_refused_naming_record_and_field(store, changes, message):
    store.save(Changes(projects=[kindergarten()]))
    before = store.path.read_bytes()
    bad = health_station(**changes)
    with pytest.raises(DataError) as refused:
        store.save(Changes(projects=[kindergarten(name="改名不应写入"), bad]))
    assert str(refused.value).startswith(_RECORD + message)
    assert refused.value.values["key"] == "p-001"
    assert store.path.read_bytes() == before
    assert [p.name for p in store.projects()] == ["新街口幼儿园（新建）"]


def test_a_project_without_name_is_named_by_its_id(standard):
    errors = project_errors(health_station(name=""), standard)
    assert [str(error) for error in errors] == [
        "Table 'projects', record p-001: field 'name' is required but empty"
    ]


def test_all_problems_of_a_record_are_listed_for_the_dialog(standard):
    bad = health_station(floor_area=-1.0, start_year=1990, status="unknown")
    assert [error.values["field"] for error in project_errors(bad, standard)] == [
        "floor_area",
        "start_year",
        "status",
    ]
    assert project_errors(health_station(), standard) == []


def test_the_same_project_twice_in_one_save_is_refused(store):
    with pytest.raises(DataError, match="record p-001: saved twice in one save"):
        store.save(Changes(projects=[health_station(), health_station(name="副本")]))


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        ("floor_area", "１,２００", 1200.0),
        ("floor_area", " 85.5 ", 85.5),
        ("floor_area", "", None),
        ("start_year", "2025年", 2025),
        ("start_year", 2025.0, 2025),
        ("status", "在建", "under_construction"),
        ("status", "Under construction", "under_construction"),
        ("funding_source", "社会资本", "private_capital"),
        ("type_code", "幼儿园", "kindergarten"),
        ("type_code", "普惠性幼儿园", "kindergarten"),
        ("community_id", 101.0, "101"),
    ],
)
def test_typed_values_are_read_as_stored_values(standard, field, typed, value):
    assert read_field(PROJECTS, field, typed, standard=standard) == value


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("floor_area", "一百", "field 'floor_area' must be a number greater than 0, got '一百'"),
        ("start_year", "二〇二五", "field 'start_year' must be a year from 2000 to 2100"),
        ("type_code", "火箭发射场", "field 'type_code': '火箭发射场' is not a facility type"),
        ("name", "  ", "field 'name' is required but empty"),
    ],
)
def test_field_errors_as_you_type_name_the_field(standard, field, typed, message):
    error = field_error(PROJECTS, field, typed, standard=standard, record="新项目", key="k-1")
    assert error is not None
    assert str(error).startswith("Table 'projects', record 新项目: " + message)
    assert (error.values["field"], error.values["key"]) == (field, "k-1")
    assert field_error(PROJECTS, "floor_area", "300", standard=standard) is None


def test_years_are_checked_against_each_other_as_you_type():
    error = field_error(PROJECTS, "end_year", "2024", others={"start_year": "2025年"})
    assert str(error) == (
        "Table 'projects', record : field 'end_year' (2024) must not be earlier than field "
        "'start_year' (2025)"
    )
    # Typing the start year checks it against the end year already entered.
    assert (
        field_error(PROJECTS, "start_year", 2026, others={"end_year": 2025}).values["field"]
        == "end_year"
    )
    assert field_error(PROJECTS, "start_year", 2024, others={"end_year": 2025}) is None
    assert field_error(PROJECTS, "start_year", 2024, others={"end_year": "not yet"}) is None


def test_without_a_standard_only_the_form_of_a_type_code_is_checked():
    assert read_field(PROJECTS, "type_code", "city_specific_type") == "city_specific_type"
    with pytest.raises(DataError, match="must be a facility type code"):
        read_field(PROJECTS, "type_code", "幼儿园")


# --------------------------------------------------------------------------------------------
# Manual scores and targets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (
            ManualScore("101", "9.9.9", 1.0),
            "Table 'manual_scores', record 101/9.9.9: field 'point_id': the rubric has no "
            "scoring point '9.9.9'",
        ),
        (
            ManualScore("101", "1.1.1", 1.0),
            "Table 'manual_scores', record 101/1.1.1: field 'point_id': point '1.1.1' is "
            "computed from indicator 'has_community_service_station', so it is not scored by hand",
        ),
        (
            ManualScore("101", "1.1.3", 1.5),
            "Table 'manual_scores', record 101/1.1.3: field 'score' must be from 0 to the "
            "point's maximum 1, got '1.5'",
        ),
        (
            ManualScore("101", "1.1.3", -0.5),
            "Table 'manual_scores', record 101/1.1.3: field 'score' must be from 0 to the "
            "point's maximum 1, got '-0.5'",
        ),
        (
            ManualScore("101", "1.1.3", 1.0, date="2024/4/28"),
            "Table 'manual_scores', record 101/1.1.3: field 'date' must be a date written "
            "YYYY-MM-DD, got '2024/4/28'",
        ),
        (
            ManualScore("", "1.1.3", 1.0),
            "Table 'manual_scores', record /1.1.3: field 'community_id' is required but empty",
        ),
    ],
)
def test_invalid_manual_scores_are_refused(store, score, message):
    before = store.path.read_bytes()
    with pytest.raises(DataError) as refused:
        store.save(Changes(manual_scores=[score]))
    assert str(refused.value) == message
    assert store.path.read_bytes() == before


def test_without_a_rubric_scores_need_only_be_zero_or_more(tmp_path):
    store = PlanStore.create(tmp_path / "plan.gpkg", INFO, "EPSG:4326")
    store.save(Changes(manual_scores=[ManualScore("101", "any.point", 7.0)]))
    assert store.manual_scores()[0].score == 7.0
    with pytest.raises(DataError, match="field 'score' must be a number of 0 or more"):
        store.save(Changes(manual_scores=[ManualScore("101", "any.point", -1.0)]))


def test_manual_score_as_you_type_is_limited_to_the_points_maximum(rubric):
    def typed(text):
        return field_error(
            "manual_scores", "score", text, rubric=rubric, others={"point_id": "1.1.3"}
        )

    assert typed("1") is None and typed("") is None
    assert "maximum 1, got '2'" in str(typed("2"))


def test_progress_counts_the_points_still_to_score(store, rubric):
    store.save(Changes(manual_scores=MANUAL))
    n_manual = sum(point.is_manual for point in rubric.points())
    assert n_manual == 25
    progress = manual_progress(rubric, store.manual_scores(), ["101", "102", "104"])
    # 101: 1.1.3 scored, 1.3.2 still empty; 102: 1.1.3 scored; 104: nothing yet.
    assert {key: (p.n_scored, p.n_pending) for key, p in progress.items()} == {
        "101": (1, 24),
        "102": (1, 24),
        "104": (0, 25),
    }


def test_targets_are_upserted_by_community_indicator_and_year(store):
    store.save(
        Changes(
            targets=[Target("101", "coverage", 0.8, 2025), Target("101", "coverage", 0.9, 2030)]
        )
    )
    store.save(Changes(targets=[Target(101, "coverage", 0.85, 2025, "调整", version=1)]))
    assert store.targets() == [
        Target("101", "coverage", 0.85, 2025, "调整", version=2),
        Target("101", "coverage", 0.9, 2030, version=1),
    ]
    with pytest.raises(DataError, match="field 'year' must be a year from 2000 to 2100"):
        store.save(Changes(targets=[Target("101", "coverage", 0.8, 1949)]))


# --------------------------------------------------------------------------------------------
# Files that are not plan stores, read-only files, failed saves
# --------------------------------------------------------------------------------------------


def _plain_sqlite(path: Path) -> None:
    connection = sqlite3.connect(str(path))
    connection.execute("CREATE TABLE t (a)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    connection.close()


def _gdal_geopackage(path: Path) -> None:
    ogr = pytest.importorskip("osgeo.ogr")
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = source.CreateLayer("roads", geom_type=ogr.wkbLineString)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("LINESTRING (0 0, 1 1)"))
    layer.CreateFeature(feature)
    source = None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("项目,社区\n", encoding="utf-8"), "not even an SQLite database"),
        (lambda p: p.write_bytes(b""), "not even an SQLite database"),
        (_plain_sqlite, "it is an SQLite database but not a GeoPackage"),
        (_gdal_geopackage, "it is a GeoPackage without the plan tables"),
    ],
)
def test_a_file_that_is_not_a_plan_store_is_refused_and_left_unchanged(tmp_path, make, message):
    path = tmp_path / "data.gpkg"
    make(path)
    before, modified = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(DataError) as refused:
        PlanStore.open(path)
    assert str(refused.value).startswith(str(path) + " is not a plan store: ")
    assert message in str(refused.value)
    assert "The file was left unchanged" in str(refused.value)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == modified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.gpkg"]


def test_a_missing_file_is_reported_and_not_created(tmp_path):
    with pytest.raises(DataError, match="was not found"):
        PlanStore.open(tmp_path / "nowhere.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_a_store_from_a_newer_version_is_refused_unchanged(store):
    connection = sqlite3.connect(str(store.path))
    newer = SCHEMA_VERSION + 1
    connection.execute(f"UPDATE plan_meta SET value = '{newer}' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    before = store.path.read_bytes()
    with pytest.raises(DataError, match=rf"newer version of the plugin \(schema version {newer}; "):
        PlanStore.open(store.path)
    assert store.path.read_bytes() == before


def test_read_only_store_refuses_to_save_and_the_entries_can_go_to_a_copy(store, tmp_path):
    store.save(Changes(projects=[kindergarten()]))
    entered = Changes(projects=[health_station()], manual_scores=MANUAL)
    before = store.path.read_bytes()
    store.path.chmod(0o444)
    try:
        assert store.read_only
        assert [p.id for p in PlanStore.open(store.path).projects()] == ["p-002"]
        with pytest.raises(DataError) as refused:
            store.save(entered)
        assert str(refused.value) == (
            f"Plan store {store.path} is read-only, so nothing was saved. Your entries are "
            "kept: save them to a writable copy, or make the file writable and save again"
        )
        assert store.path.read_bytes() == before
        copy = store.save_copy(tmp_path / "副本.gpkg")
        copy.save(entered)
    finally:
        store.path.chmod(0o644)
    assert [p.id for p in copy.projects()] == ["p-002", "p-001"]
    assert len(copy.manual_scores()) == 3
    assert store.path.read_bytes() == before


def test_a_copy_keeps_saves_still_in_the_write_ahead_log(store, tmp_path):
    """QGIS may switch a GeoPackage it edits to WAL mode and keep it open meanwhile."""
    qgis_like = sqlite3.connect(str(store.path))
    try:
        assert qgis_like.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        assert qgis_like.execute("SELECT count(*) FROM projects").fetchone() == (0,)
        store.save(Changes(projects=[health_station()]))
        assert Path(str(store.path) + "-wal").stat().st_size > 0
        copy = store.save_copy(tmp_path / "copy.gpkg")
    finally:
        qgis_like.close()
    assert [p.id for p in copy.projects()] == ["p-001"]


def test_sqlite_refusing_to_write_is_reported_as_read_only(store, monkeypatch):
    """A file on a read-only share looks writable but SQLite cannot write it."""
    before = store.path.read_bytes()
    monkeypatch.setattr(gpkg, "connect", gpkg.connect_read_only)
    with pytest.raises(DataError, match="is read-only, so nothing was saved"):
        store.save(Changes(projects=[health_station()]))
    assert store.path.read_bytes() == before


def test_an_empty_save_writes_nothing(store):
    before = store.path.read_bytes()
    assert store.save(Changes()).projects == ()
    assert store.path.read_bytes() == before


def test_paths_with_spaces_and_url_characters_open(tmp_path):
    folder = tmp_path / "规划 数据 #1%"
    folder.mkdir()
    path = folder / "玄武?.gpkg"
    PlanStore.create(path, INFO, "EPSG:4547").save(Changes(projects=[health_station()]))
    path.chmod(0o444)  # read through the read-only URI too
    try:
        assert [p.id for p in PlanStore.open(path).projects()] == ["p-001"]
    finally:
        path.chmod(0o644)


def test_a_failed_save_leaves_the_file_byte_identical(store, monkeypatch):
    store.save(Changes(projects=three_projects(), manual_scores=MANUAL))
    before = store.path.read_bytes()
    real_connect = gpkg.connect
    seen = {}

    def small_cache_connect(path):
        # A tiny page cache makes SQLite write changed pages into the file before the
        # commit, so the rollback really has to restore them from its journal.
        connection = real_connect(path)
        connection.execute("PRAGMA cache_size = 1")
        return connection

    write_table = _SaveWriter._write_table

    def fail_after_projects(self, spec, *args):
        if spec.name == "manual_scores":
            seen["mid_save"] = store.path.read_bytes()
            raise sqlite3.OperationalError("disk I/O error")
        return write_table(self, spec, *args)

    monkeypatch.setattr(gpkg, "connect", small_cache_connect)
    monkeypatch.setattr(_SaveWriter, "_write_table", fail_after_projects)
    many = [Project.new("105", f"口袋公园 {n}", "community_park", "planned", notes="长备注" * 400)
            for n in range(40)]  # fmt: skip
    with pytest.raises(DataError) as failed:
        store.save(Changes(projects=many, deleted_projects=["p-001"], manual_scores=MANUAL[:1]))
    assert str(failed.value) == (
        f"Plan store {store.path}: saving failed (disk I/O error). The file was left as it "
        "was before the save, and your entries are kept"
    )
    assert seen["mid_save"] != before, "the projects had reached the file before the failure"
    assert store.path.read_bytes() == before
    monkeypatch.undo()
    assert [p.id for p in store.projects()] == ["p-001", "p-002", "p-003", "p-004"]


def test_an_unexpected_error_mid_save_also_rolls_back(store, monkeypatch):
    store.save(Changes(projects=[kindergarten()]))
    before = store.path.read_bytes()

    write_table = _SaveWriter._write_table

    def crash(self, spec, *args):
        if spec.name == "targets":
            raise RuntimeError("bug")
        return write_table(self, spec, *args)

    monkeypatch.setattr(_SaveWriter, "_write_table", crash)
    with pytest.raises(RuntimeError, match="bug"):
        store.save(Changes(projects=[health_station()], targets=[Target("1", "x", 1.0, 2025)]))
    assert store.path.read_bytes() == before


# --------------------------------------------------------------------------------------------
# Creating
# --------------------------------------------------------------------------------------------


def test_create_refuses_to_replace_a_file_unless_asked(store):
    before = store.path.read_bytes()
    with pytest.raises(DataError, match="already exists"):
        PlanStore.create(store.path, INFO, "EPSG:32650")
    assert store.path.read_bytes() == before
    fresh = PlanStore.create(store.path, replace(INFO, name="新规划"), "EPSG:4490", overwrite=True)
    assert fresh.info().name == "新规划" and fresh.crs == "EPSG:4490"
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["plan.gpkg"]


def test_create_checks_name_crs_and_plan_information(tmp_path):
    with pytest.raises(DataError, match=r"the file name must end in \.gpkg"):
        PlanStore.create(tmp_path / "plan.sqlite", INFO, "EPSG:32650")
    with pytest.raises(DataError, match=r"'EPSG:2385' is not in the built-in table .*pass its"):
        PlanStore.create(tmp_path / "plan.gpkg", INFO, "EPSG:2385")
    with pytest.raises(DataError, match="must be written like EPSG:32650"):
        PlanStore.create(tmp_path / "plan.gpkg", INFO, "UTM 50")
    with pytest.raises(DataError, match="field 'period_end' \\(2020\\) must not be earlier"):
        PlanStore.create(tmp_path / "plan.gpkg", replace(INFO, period_end=2020), "EPSG:32650")
    assert list(tmp_path.iterdir()) == []


def test_a_crs_given_by_its_wkt_is_stored_for_gdal(tmp_path):
    osr = pytest.importorskip("osgeo.osr")
    xian80 = osr.SpatialReference()
    xian80.ImportFromEPSG(2385)  # Xian 1980 / 3-degree Gauss-Kruger CM 120E, not built in
    store = PlanStore.create(tmp_path / "plan.gpkg", INFO, "EPSG:2385", xian80.ExportToWkt())
    assert store.crs == "EPSG:2385"
    custom = PlanStore.create(tmp_path / "city.gpkg", INFO, "USER:100001", xian80.ExportToWkt())
    assert (custom.crs, custom.srs_id) == ("USER:100001", 100000)
    ogr = pytest.importorskip("osgeo.ogr")
    for path in (store.path, custom.path):
        source = ogr.Open(str(path))
        reference = source.GetLayerByName("projects").GetSpatialRef()
        # A layer's axes are in GIS order (x = easting); the CRS is what must agree.
        assert reference.IsSame(xian80, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])
        assert reference.GetName() == "Xian 1980 / 3-degree Gauss-Kruger CM 120E"
        source = None


def test_every_builtin_crs_is_gdals_own_definition():
    osr = pytest.importorskip("osgeo.osr")
    assert len(BUILTIN_EPSG_CODES) == 78
    for code in BUILTIN_EPSG_CODES:
        reference = osr.SpatialReference()
        reference.ImportFromEPSG(code)
        ours = builtin_srs(code)
        assert (ours.name, ours.definition) == (reference.GetName(), reference.ExportToWkt()), code
    assert srs_definition("epsg : 4547").name == "CGCS2000 / 3-degree Gauss-Kruger CM 114E"


# --------------------------------------------------------------------------------------------
# Schema upgrade
# --------------------------------------------------------------------------------------------


def _v1_store(path: Path) -> None:
    """A store as version 1 of the plugin wrote it, rows included."""
    old = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
    build_store(path, PlanInfo("旧版规划", "玄武区"), "EPSG:32650", clock=lambda: old,
                schema_version=1)  # fmt: skip
    connection = sqlite3.connect(str(path), isolation_level=None)
    connection.execute("BEGIN")
    rows = [
        ("p-1", "101", "旧社区食堂", "community_canteen", "completed", 2021, Point(1, 2)),
        ("p-2", "102", "旧菜市场", "fresh_market", "planned", 2023, SQUARE),
        ("p-3", "102", "无位置的公厕", "public_toilet", "reserve", None, None),
    ]
    for number, (pid, community, name, code, status, start, geometry) in enumerate(rows):
        connection.execute(
            "INSERT INTO projects (geom, id, community_id, name, type_code, status, start_year, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (gpkg.encode_geometry(geometry, 32650), pid, community, name, code, status, start,
             f"2023-02-0{number + 1}T00:00:00.000Z"),
        )  # fmt: skip
    connection.execute(
        "INSERT INTO manual_scores (community_id, point_id, score, evidence, assessor, date) "
        "VALUES ('101', '1.1.3', 1, '旧版录入', '赵工', '2023-03-01')"
    )
    connection.execute("COMMIT")
    connection.close()


def _schema(path: Path):
    connection = sqlite3.connect(str(path))
    try:
        tables = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        contents = connection.execute(
            "SELECT table_name, data_type, identifier FROM gpkg_contents ORDER BY table_name"
        ).fetchall()
    finally:
        connection.close()
    return tables, contents


def test_a_version_1_store_is_upgraded_after_a_backup_keeping_every_row(tmp_path):
    path = tmp_path / "旧规划.gpkg"
    _v1_store(path)
    original = path.read_bytes()
    assert read_schema_version(path) == 1

    store = PlanStore.open(path, clock=Clock())
    assert (store.upgraded_from, store.schema_version) == (1, SCHEMA_VERSION) == (1, 3)
    assert store.backup_path == tmp_path / "旧规划.v1.bak.gpkg"
    assert store.backup_path.read_bytes() == original
    assert read_schema_version(path) == 3

    assert [(p.id, p.name, p.status, p.start_year) for p in store.projects()] == [
        ("p-1", "旧社区食堂", "completed", 2021),
        ("p-2", "旧菜市场", "planned", 2023),
        ("p-3", "无位置的公厕", "reserve", None),
    ]
    assert [(p.created_at, p.updated_at) for p in store.projects()] == [
        (f"2023-02-0{n}T00:00:00.000Z", f"2023-02-0{n}T00:00:00.000Z") for n in (1, 2, 3)
    ]
    assert geometries(store.projects()) == [Point(1, 2).wkb, SQUARE.wkb, None]
    assert store.manual_scores() == [
        ManualScore("101", "1.1.3", 1.0, "旧版录入", "赵工", "2023-03-01", version=1)
    ]
    assert [p.version for p in store.projects()] == [1, 1, 1]
    assert store.history() == []  # what happened before the upgrade is not known
    assert store.info().name == "旧版规划"
    assert store.targets() == []
    store.save(Changes(targets=[Target("101", "coverage", 1.0, 2030)]))
    assert len(store.targets()) == 1

    fresh = PlanStore.create(tmp_path / "new.gpkg", INFO, "EPSG:32650")
    assert _schema(path) == _schema(fresh.path)
    again = PlanStore.open(path)
    assert again.upgraded_from is None and again.backup_path is None


def test_backups_never_overwrite_an_earlier_backup(tmp_path):
    path = tmp_path / "plan.gpkg"
    (tmp_path / "plan.v1.bak.gpkg").write_bytes(b"an earlier backup")
    assert backup_path_for(path, 1) == tmp_path / "plan.v1.bak2.gpkg"


def test_a_read_only_old_store_is_not_upgraded(tmp_path):
    path = tmp_path / "plan.gpkg"
    _v1_store(path)
    original = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(DataError, match=r"older version .* the file is read-only"):
            PlanStore.open(path)
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "plan.gpkg"
    _v1_store(path)
    original = path.read_bytes()

    def broken(connection, timestamp):
        connection.execute("ALTER TABLE projects ADD COLUMN updated_at DATETIME")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setitem(migrations.MIGRATIONS, 1, broken)
    with pytest.raises(DataError) as failed:
        PlanStore.open(path)
    assert "the upgrade from schema version 1 failed (database or disk is full)" in str(
        failed.value
    )
    assert path.read_bytes() == original
    assert (tmp_path / "plan.v1.bak.gpkg").read_bytes() == original


# --------------------------------------------------------------------------------------------
# The GeoPackage as GDAL and QGIS see it
# --------------------------------------------------------------------------------------------


def test_the_file_is_a_valid_geopackage_for_gdal(store):
    store.save(Changes(projects=three_projects(), manual_scores=MANUAL))
    header = store.path.read_bytes()[:100]
    assert header[68:72] == b"GPKG"
    assert struct.unpack(">I", header[60:64])[0] == 10200
    validate_gpkg = pytest.importorskip("osgeo_utils.samples.validate_gpkg")
    assert validate_gpkg.check(str(store.path), extra_checks=True, warning_as_error=True) == []

    ogr = pytest.importorskip("osgeo.ogr")
    source = ogr.Open(str(store.path))
    names = sorted(source.GetLayer(i).GetName() for i in range(source.GetLayerCount()))
    assert names == ["history", "manual_scores", "plan_info", "plan_meta", "projects", "targets"]
    layer = source.GetLayerByName("projects")
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "32650"
    # Geometries are copied out as WKT: an OGR geometry dies with its feature.
    features = [(f.GetField("name"), _wkt(f.GetGeometryRef())) for f in layer]
    assert [name for name, _wkt_text in features] == [p.name for p in three_projects()]
    assert [wkt for _name, wkt in features] == [
        "POINT (668000.5 3548000.25)",
        "POLYGON ((668100 3548100,668140 3548100,668140 3548130,668100 3548130,668100 3548100))",
        "MULTIPOLYGON (((0 0,10 0,10 10,0 10,0 0)),((20 0,30 0,30 10,20 10,20 0)))",
        None,
    ]
    scores = source.GetLayerByName("manual_scores")
    assert scores.GetGeomType() == ogr.wkbNone
    assert next(f.GetField("evidence") for f in scores) == "社区服务站开放时间公示照片"
    source = None


def _wkt(geometry):
    return None if geometry is None else geometry.ExportToWkt()


def test_qgis_opens_the_projects_layer(store, qgis_app):
    from qgis.core import QgsVectorLayer

    store.save(Changes(projects=three_projects()))
    layer = QgsVectorLayer(f"{store.path}|layername=projects", "p", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 4
    assert layer.crs().authid() == "EPSG:32650"
    points = QgsVectorLayer(projects_layer_uri(store.path, "Point"), "points", "ogr")
    polygons = QgsVectorLayer(projects_layer_uri(store.path, "Polygon"), "polygons", "ogr")
    assert points.isValid() and polygons.isValid()
    assert [f["name"] for f in points.getFeatures()] == ["梅园新村社区卫生服务站"]
    assert [f["name"] for f in polygons.getFeatures()] == ["新街口幼儿园（新建）", "社区游园"]


def test_saving_keeps_a_spatial_index_that_gdal_added(store):
    ogr = pytest.importorskip("osgeo.ogr")
    store.save(Changes(projects=[kindergarten()]))
    source = ogr.Open(str(store.path), 1)
    source.ExecuteSQL("SELECT CreateSpatialIndex('projects', 'geom')")
    source = None
    store.save(Changes(projects=[health_station()]))  # the index triggers run in our sqlite3
    source = ogr.Open(str(store.path))
    layer = source.GetLayerByName("projects")
    layer.SetSpatialFilterRect(667990, 3547990, 668010, 3548010)
    assert [f.GetField("id") for f in layer] == ["p-001"]
    layer.SetSpatialFilter(None)
    assert layer.GetFeatureCount() == 2
    source = None
    validate_gpkg = pytest.importorskip("osgeo_utils.samples.validate_gpkg")
    assert validate_gpkg.check(str(store.path), extra_checks=True, warning_as_error=True) == []


def test_geometry_blobs_follow_the_geopackage_encoding():
    point_blob = gpkg.encode_geometry(Point(1.5, -2.0), 4490)
    assert point_blob[:4] == b"GP\x00\x01"  # version 0, little endian, no envelope
    assert struct.unpack("<i", point_blob[4:8])[0] == 4490
    assert point_blob[8:] == wkb.dumps(Point(1.5, -2.0), output_dimension=2)
    polygon_blob = gpkg.encode_geometry(SQUARE, 32650)
    assert polygon_blob[3] == 0b011  # little endian, envelope minx maxx miny maxy
    assert struct.unpack("<4d", polygon_blob[8:40]) == (668100, 668140, 3548100, 3548130)
    assert gpkg.decode_geometry(polygon_blob).wkb == SQUARE.wkb
    assert gpkg.decode_geometry(None) is None
    with pytest.raises(gpkg.GeometryBlobError):
        gpkg.decode_geometry(b"not a geometry")


def test_blobs_written_by_gdal_are_read(tmp_path):
    ogr = pytest.importorskip("osgeo.ogr")
    path = tmp_path / "gdal.gpkg"
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = source.CreateLayer("shapes", geom_type=ogr.wkbUnknown)
    for text in ("POINT (3 4)", "POLYGON ((0 0, 4 0, 4 3, 0 0))", "POINT EMPTY"):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(text))
        layer.CreateFeature(feature)
    source = None
    connection = sqlite3.connect(str(path))
    blobs = [row[0] for row in connection.execute("SELECT geom FROM shapes ORDER BY fid")]
    connection.close()
    decoded = [gpkg.decode_geometry(blob) for blob in blobs]
    assert decoded[0].wkb == Point(3, 4).wkb
    assert decoded[1].wkb == Polygon([(0, 0), (4, 0), (4, 3), (0, 0)]).wkb
    assert decoded[2] is None


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def test_projects_go_to_excel_and_back(store, tmp_path, standard):
    openpyxl = pytest.importorskip("openpyxl")
    store.save(Changes(projects=three_projects()))
    workbook_path = tmp_path / "项目库.xlsx"
    store.export_projects_xlsx(workbook_path)

    sheet = openpyxl.load_workbook(workbook_path)["项目库 projects"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == [
        "项目编号 id",
        "社区编号 community_id",
        "项目名称 name",
        "设施类型 type_code",
    ]
    row = {key.split()[-1]: cell.value for key, cell in zip(header, sheet[3])}
    assert (row["status"], row["funding_source"], row["floor_area"]) == (
        "在建",
        "城市更新示范奖补",
        3200,
    )
    assert row["wkt"] == SQUARE.wkt

    other = PlanStore.create(tmp_path / "other.gpkg", INFO, "EPSG:32650", standard=standard)
    result = other.import_projects_xlsx(workbook_path)
    assert (result.inserted, result.updated) == (4, 0)
    imported = other.projects()
    original = store.projects()
    keep = ("created_at", "updated_at", "updated_by")
    assert [replace(p, geometry=None, **{k: "" for k in keep}) for p in imported] == [
        replace(p, geometry=None, **{k: "" for k in keep}) for p in original
    ]
    assert geometries(imported) == geometries(original)


def test_an_import_updates_by_id_and_adds_rows_without_id(store, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    store.save(Changes(projects=three_projects()))
    path = tmp_path / "edit.xlsx"
    store.export_projects_xlsx(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["项目库 projects"]
    sheet["F2"] = 175  # floor_area of p-001
    sheet.append([None, "104", "新增文化活动站", "文化活动站", None, 400, None, None, "其他",
                  "2026年", 2027, "计划", None, 668500, 3548500])  # fmt: skip
    workbook.save(path)
    result = store.import_projects_xlsx(path)
    assert (result.inserted, result.updated) == (1, 1)  # the three unchanged rows are left alone
    projects = store.projects()
    assert projects[0].floor_area == 175.0 and projects[0].created_at == stamp(1)
    added = projects[-1]
    assert (added.community_id, added.type_code, added.status, added.funding_source) == (
        "104",
        "culture_station",
        "planned",
        "other",
    )
    assert (added.start_year, added.end_year, added.geometry.wkb) == (
        2026,
        2027,
        Point(668500, 3548500).wkb,
    )
    assert len(added.id) == 36


def test_an_import_keeps_what_the_sheet_does_not_have(store, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    store.save(Changes(projects=three_projects()))
    path = tmp_path / "short.xlsx"
    store.export_projects_xlsx(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["项目库 projects"]
    sheet.delete_cols(13, 4)  # notes, x, y, wkt
    sheet["L2"] = "完工"
    workbook.save(path)
    store.import_projects_xlsx(path)
    stored = store.project("p-001")
    assert stored.status == "completed"
    assert stored.notes == "利用既有用房改造；含无障碍坡道"
    assert geometries(store.projects()) == geometries(three_projects())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"F3": -5},
            "sheet '项目库 projects', row 3, column F (floor_area): must be a number greater "
            "than 0, got '-5'",
        ),
        (
            {"L2": "施工中"},
            "sheet '项目库 projects', row 2, column L (status): must be one of reserve",
        ),
        (
            {"D4": "航天发射场"},
            "sheet '项目库 projects', row 4, column D (type_code): '航天发射场' is not a "
            "facility type",
        ),
        (
            {"J2": 2026, "K2": 2025},
            "sheet '项目库 projects', row 2, column K (end_year): 2025 must not be earlier than "
            "start_year (2026)",
        ),
        ({"O2": None}, "sheet '项目库 projects', row 2, column O (y): x and y must both"),
        ({"A3": "p-001"}, "row 3, column A (id): project id 'p-001' is already used in row 2"),
        ({"C5": None}, "sheet '项目库 projects', row 5, column C (name): the cell is empty"),
        ({"P3": "POLYGON ((0 0, 1 1"}, "row 3, column P (wkt): must be a point or a polygon"),
        ({"E1": "类别 kategorie"}, "column E: unknown header '类别 kategorie'"),
    ],
)
def test_a_bad_cell_refuses_the_whole_import(store, tmp_path, edit, message):
    openpyxl = pytest.importorskip("openpyxl")
    store.save(Changes(projects=three_projects()))
    path = tmp_path / "bad.xlsx"
    store.export_projects_xlsx(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["项目库 projects"]
    sheet["F2"] = 999  # a valid edit that must not be written either
    for cell, value in edit.items():
        sheet[cell] = value
    workbook.save(path)
    before = store.path.read_bytes()
    with pytest.raises(DataError) as refused:
        store.import_projects_xlsx(path)
    assert str(refused.value).startswith(f"Workbook {path}, ")
    assert message in str(refused.value)
    assert store.path.read_bytes() == before
