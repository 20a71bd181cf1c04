"""A plan store a team shares: no lost update, saves of different records, deletions, history.

Every test runs on a GeoPackage and on PostgreSQL/PostGIS (the suite's own throw-away cluster,
real login roles); the PostgreSQL runs skip, saying why, where no server can be had.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from plan_backends import PLANNER_A, PLANNER_B, GeoPackageTeam, PostgisTeam
from shapely.geometry import Point, Polygon

from complete_community.scoring.errors import DataError
from complete_community.scoring.plan import (
    Changes,
    ConflictError,
    ManualScore,
    Project,
    Target,
    status_dates,
)


class Clock:
    """2025-03-01 09:00:00 UTC, one minute later at every call (shared by the planners)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> datetime.datetime:
        self.calls += 1
        start = datetime.datetime(2025, 3, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)
        return start + datetime.timedelta(minutes=self.calls - 1)


def planners(team, clock):
    """The plan as planners A and B opened it, each at their desk."""
    return team.open_as(PLANNER_A, clock=clock), team.open_as(PLANNER_B, clock=clock)


def minute(n: int) -> str:
    return f"2025-03-01T09:{n:02d}:00.000Z"


@pytest.fixture(params=["gpkg", "postgres"])
def team(request, tmp_path):
    if request.param == "gpkg":
        return GeoPackageTeam(tmp_path)
    return PostgisTeam(request.getfixturevalue("postgis_server"))


@pytest.fixture
def clock():
    return Clock()


def canteen(**changes) -> Project:
    project = Project(
        id="p-canteen",
        community_id="YZ-07",
        name="解放碑社区食堂",
        type_code="community_canteen",
        status="planned",
        floor_area=260.0,
        start_year=2025,
        geometry=Point(668020.0, 3548010.0),
    )
    return replace(project, **changes)


def station(**changes) -> Project:
    project = Project(
        id="p-station",
        community_id="YZ-08",
        name="较场口社区养老服务站",
        type_code="elderly_service_station",
        status="reserve",
    )
    return replace(project, **changes)


def test_the_lost_update_of_the_issue_keeps_as_investment_and_tells_b(team, clock):
    """A sets the investment to 1,000 万元 and saves; B, who opened the plan before A saved,
    changes the status and saves: B is refused, naming the project, A and when; A's
    investment stays; B reads the project again, applies the status, saves."""
    team.create(clock=clock).save(Changes(projects=[canteen()]))  # minute 0, 1
    planner_a = team.open_as(PLANNER_A, clock=clock)
    planner_b = team.open_as(PLANNER_B, clock=clock)
    read_by_a = planner_a.project("p-canteen")
    read_by_b = planner_b.project("p-canteen")  # B opened it before A saved

    planner_a.save(Changes(projects=[replace(read_by_a, investment_wan=1000.0)]))  # minute 2
    with pytest.raises(ConflictError) as refused:
        planner_b.save(Changes(projects=[replace(read_by_b, status="under_construction")]))
    assert str(refused.value) == (
        "Table 'projects', record 解放碑社区食堂: changed by planner_a at 2025-03-01 09:02:00 "
        "UTC since you read it, so your changes to it were not saved. Read it again to see "
        "that change, then apply yours."
    )
    conflict = refused.value.conflicts[0]
    assert (conflict.record_id, conflict.by, conflict.at) == ("p-canteen", PLANNER_A, minute(2))
    assert conflict.current.investment_wan == 1000.0  # what B is shown on reload

    kept = team.open_as(PLANNER_B).project("p-canteen")
    assert (kept.investment_wan, kept.status, kept.version) == (1000.0, "planned", 2)

    again = planner_b.project("p-canteen")
    planner_b.save(Changes(projects=[replace(again, status="under_construction")]))  # minute 4
    final = team.open_as(PLANNER_A).project("p-canteen")
    assert (final.investment_wan, final.status, final.version) == (1000.0, "under_construction", 3)
    assert (final.updated_by, final.updated_at) == (PLANNER_B, minute(4))


def test_saves_of_different_projects_both_succeed(team, clock):
    team.create(clock=clock).save(Changes(projects=[canteen(), station()]))
    planner_a, planner_b = planners(team, clock)
    a_reads, b_reads = planner_a.projects(), planner_b.projects()

    planner_a.save(Changes(projects=[replace(a_reads[0], investment_wan=1000.0)]))
    planner_b.save(Changes(projects=[replace(b_reads[1], status="planned", start_year=2026)]))

    canteen_now, station_now = team.open_as(PLANNER_A).projects()
    assert (canteen_now.investment_wan, canteen_now.updated_by) == (1000.0, PLANNER_A)
    assert (station_now.status, station_now.start_year, station_now.updated_by) == (
        "planned", 2026, PLANNER_B,
    )  # fmt: skip


def test_a_refused_record_does_not_hold_back_the_others_unless_all_or_nothing(team, clock):
    team.create(clock=clock).save(Changes(projects=[canteen(), station()]))
    planner_a, planner_b = planners(team, clock)
    b_canteen, b_station = planner_b.projects()
    planner_a.save(Changes(projects=[replace(planner_a.project("p-canteen"), notes="A 的修改")]))

    both = Changes(projects=[replace(b_canteen, notes="B 的修改"), replace(b_station, notes="B")])
    with pytest.raises(ConflictError, match="Nothing was saved") as refused:
        planner_b.save(both, all_or_nothing=True)
    assert refused.value.result is None
    assert [p.notes for p in team.open_as(PLANNER_A).projects()] == ["A 的修改", ""]

    with pytest.raises(ConflictError, match="Your other changes were saved") as refused:
        planner_b.save(both)
    saved = refused.value.result.projects
    assert [(p.id, p.version) for p in saved] == [("p-station", 2)]
    assert [p.notes for p in team.open_as(PLANNER_A).projects()] == ["A 的修改", "B"]


def test_deleting_a_project_someone_changed_is_refused_and_a_deleted_one_is_named(team, clock):
    team.create(clock=clock).save(Changes(projects=[canteen(), station()]))  # minute 0, 1
    planner_a, planner_b = planners(team, clock)
    b_canteen, b_station = planner_b.projects()
    planner_a.save(Changes(projects=[replace(planner_a.project("p-canteen"), status="completed")]))

    with pytest.raises(ConflictError) as refused:  # minute 3
        planner_b.save(Changes(deleted_projects=[b_canteen]))
    assert str(refused.value).startswith(
        "Table 'projects', record 解放碑社区食堂: changed by planner_a at 2025-03-01 09:02:00 "
        "UTC since you read it, so it was not deleted"
    )
    assert team.open_as(PLANNER_A).project("p-canteen").status == "completed"

    planner_b.save(Changes(deleted_projects=[b_station]))  # minute 4: unchanged, so deleted
    a_station = station(version=1)  # what A still holds
    with pytest.raises(ConflictError) as refused:
        planner_a.save(Changes(projects=[replace(a_station, notes="A 不知道已删除")]))
    assert str(refused.value).startswith(
        "Table 'projects', record 较场口社区养老服务站: deleted by planner_b at 2025-03-01 "
        "09:04:00 UTC since you read it, so your changes to it were not saved"
    )
    assert [p.id for p in team.open_as(PLANNER_A).projects()] == ["p-canteen"]


def test_two_assessors_scoring_the_same_point_the_second_is_told(team, clock):
    team.create(clock=clock)
    assessor_a, assessor_b = planners(team, clock)
    assessor_a.save(Changes(manual_scores=[ManualScore("YZ-07", "1.1.3", 1.0, "照片", "王工")]))
    with pytest.raises(ConflictError, match=r"record YZ-07/1.1.3: changed by planner_a"):
        assessor_b.save(Changes(manual_scores=[ManualScore("YZ-07", "1.1.3", 0.0, "", "李工")]))
    assert [s.score for s in team.open_as(PLANNER_A).manual_scores()] == [1.0]

    target = Target("YZ-07", "coverage_kindergarten", 0.9, 2027)
    assessor_a.save(Changes(targets=[target]))
    with pytest.raises(ConflictError, match=r"record YZ-07/coverage_kindergarten/2027"):
        assessor_b.save(Changes(targets=[replace(target, value=0.8)]))


def test_the_plan_information_is_versioned_too(team, clock):
    team.create(clock=clock)
    planner_a, planner_b = planners(team, clock)
    a_info, b_info = planner_a.info(), planner_b.info()
    planner_a.save(Changes(info=replace(a_info, period_start=2025, period_end=2030)))
    with pytest.raises(ConflictError, match=r"Table 'plan_info', record .*: changed by planner_a"):
        planner_b.save(Changes(info=replace(b_info, author="另一个院")))
    assert team.open_as(PLANNER_A).info().author == "某院"


def test_an_edit_past_the_plugin_moves_the_version_on_so_it_is_not_overwritten(team, clock):
    """QGIS editing the projects layer does not know versions; a trigger moves it on."""
    team.create(clock=clock).save(Changes(projects=[canteen()]))
    planner_b = team.open_as(PLANNER_B, clock=clock)
    read = planner_b.project("p-canteen")
    team.raw_execute("UPDATE projects SET name = '解放碑社区食堂（改址）'", user=PLANNER_A)
    with pytest.raises(ConflictError) as refused:
        planner_b.save(Changes(projects=[replace(read, status="completed")]))
    if team.kind == "postgres":  # the database knows who
        assert "changed by planner_a at" in str(refused.value)
    else:
        assert "changed outside the plugin at" in str(refused.value)
    assert team.open_as(PLANNER_A).project("p-canteen").name == "解放碑社区食堂（改址）"
    marker = team.open_as(PLANNER_A).history("projects", "p-canteen")[-1]
    assert (marker.action, marker.field, marker.version) == ("update", "*", 2)


def test_the_history_keeps_every_saved_change_who_when_from_and_to(team, clock):
    store = team.create(clock=clock)  # minute 0
    planner_a = team.open_as(PLANNER_A, clock=clock)
    planner_a.save(Changes(projects=[canteen(), station()]))  # minute 1
    read = planner_a.project("p-canteen")
    outline = Polygon([(668000, 3548000), (668040, 3548000), (668040, 3548030), (668000, 3548000)])
    planner_a.save(  # minute 2
        Changes(projects=[replace(read, investment_wan=1000.0, status="under_construction",
                                  geometry=outline)])
    )  # fmt: skip
    planner_b = team.open_as(PLANNER_B, clock=clock)
    planner_b.save(  # minute 3: a save that changes nothing is not a change
        Changes(projects=[planner_b.project("p-canteen")])
    )
    planner_b.save(Changes(deleted_projects=[planner_b.project("p-station")]))  # minute 4

    POINT = "POINT (668020 3548010)"  # noqa: N806
    rows = [
        (e.changed_at, e.changed_by, e.record_id, e.action, e.field, e.old_value, e.new_value,
         e.version)
        for e in store.history("projects")
    ]  # fmt: skip
    assert rows == [
        (minute(1), PLANNER_A, "p-canteen", "insert", "community_id", None, "YZ-07", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "name", None, "解放碑社区食堂", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "type_code", None, "community_canteen", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "floor_area", None, "260", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "start_year", None, "2025", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "status", None, "planned", 1),
        (minute(1), PLANNER_A, "p-canteen", "insert", "geometry", None, POINT, 1),
        (minute(1), PLANNER_A, "p-station", "insert", "community_id", None, "YZ-08", 1),
        (minute(1), PLANNER_A, "p-station", "insert", "name", None, "较场口社区养老服务站", 1),
        (minute(1), PLANNER_A, "p-station", "insert", "type_code", None,
         "elderly_service_station", 1),
        (minute(1), PLANNER_A, "p-station", "insert", "status", None, "reserve", 1),
        (minute(2), PLANNER_A, "p-canteen", "update", "investment_wan", None, "1000", 2),
        (minute(2), PLANNER_A, "p-canteen", "update", "status", "planned", "under_construction", 2),
        (minute(2), PLANNER_A, "p-canteen", "update", "geometry", POINT,
         "POLYGON ((668000 3548000, 668040 3548000, 668040 3548030, 668000 3548000))", 2),
        (minute(4), PLANNER_B, "p-station", "delete", "community_id", "YZ-08", None, 1),
        (minute(4), PLANNER_B, "p-station", "delete", "name", "较场口社区养老服务站", None, 1),
        (minute(4), PLANNER_B, "p-station", "delete", "type_code", "elderly_service_station",
         None, 1),
        (minute(4), PLANNER_B, "p-station", "delete", "status", "reserve", None, 1),
    ]  # fmt: skip
    assert {e.record_name for e in store.history("projects", "p-canteen")} == {"解放碑社区食堂"}
    assert store.status_dates() == {
        "p-canteen": {"planned": minute(1), "under_construction": minute(2)},
        "p-station": {"reserve": minute(1)},
    }
    assert status_dates(store.history()) == store.status_dates()


def test_a_refused_save_writes_no_history_and_an_invalid_one_nothing(team, clock):
    team.create(clock=clock).save(Changes(projects=[canteen()]))
    planner_a, planner_b = planners(team, clock)
    stale = planner_b.project("p-canteen")
    planner_a.save(Changes(projects=[replace(planner_a.project("p-canteen"), notes="甲")]))
    count = len(planner_a.history())
    with pytest.raises(ConflictError):
        planner_b.save(Changes(projects=[replace(stale, notes="乙")]))
    with pytest.raises(DataError, match="field 'floor_area' must be a number greater than 0"):
        planner_b.save(Changes(projects=[replace(planner_b.project("p-canteen"), floor_area=-1)]))
    assert len(planner_a.history()) == count
