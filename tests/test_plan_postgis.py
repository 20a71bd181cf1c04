"""The plan store in PostgreSQL/PostGIS, against a real server (the suite's own cluster).

Two connections racing (the second save really waits for the first to commit), a role that may
only read, a connection killed in the middle of a save, upgrades, addresses that never hold a
password, and the schema as PostGIS sees it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from plan_backends import CRS, INFO, PLANNER_A, PLANNER_B, VIEWER, PostgisTeam
from shapely.geometry import Point

from complete_community.scoring.errors import DataError
from complete_community.scoring.plan import (
    SCHEMA_VERSION,
    Changes,
    ConflictError,
    ManualScore,
    PlanStore,
    Project,
    build_store,
)
from complete_community.scoring.plan.postgis import address_text, parse_address
from complete_community.scoring.plan.store import _SaveWriter

pytestmark = pytest.mark.usefixtures("postgis_server")


@pytest.fixture
def team(postgis_server):
    return PostgisTeam(postgis_server)


def school(**changes) -> Project:
    project = Project(
        "p-school", "YZ-01", "七星岗小学扩建", "primary_school", "planned",
        floor_area=5200.0, geometry=Point(668100.0, 3548200.0),
    )  # fmt: skip
    return replace(project, **changes)


def market(**changes) -> Project:
    project = Project("p-market", "YZ-02", "枇杷山菜市场", "fresh_market", "reserve")
    return replace(project, **changes)


def snapshot(team) -> dict:
    """Every row of every table of the store, to show that something changed nothing."""
    tables = ("plan_meta", "plan_info", "projects", "manual_scores", "targets", "history")
    return {table: team.raw_rows(f"SELECT * FROM {table} ORDER BY fid") for table in tables}


class PausedSave:
    """A save in its own thread that stops after writing, inside its open transaction, until
    released: its rows stay locked meanwhile, as they would on a slow network."""

    def __init__(self, monkeypatch, store: PlanStore, changes: Changes) -> None:
        self.written = threading.Event()
        self.release = threading.Event()
        self.error = None
        write = _SaveWriter.write

        def paused(writer, clean):
            result = write(writer, clean)
            if threading.current_thread().name == "paused save":
                self.written.set()
                assert self.release.wait(30), "the test never released the save"
            return result

        monkeypatch.setattr(_SaveWriter, "write", paused)
        self.thread = threading.Thread(target=self._run, args=(store, changes), name="paused save")

    def _run(self, store, changes) -> None:
        try:
            store.save(changes)
        except BaseException as error:  # reported by finish()
            self.error = error

    def start(self) -> PausedSave:
        self.thread.start()
        assert self.written.wait(30), "the paused save never wrote"
        return self

    def finish(self) -> None:
        self.release.set()
        self.thread.join(30)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error


def in_thread(function):
    """Run ``function`` in a thread; (thread, outcome dict with 'result' or 'error')."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, name="second save")
    thread.start()
    return thread, outcome


def waiting_for_a_lock(cluster, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = cluster.query(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'plans' "
            "AND wait_event_type = 'Lock'",
        )
        if rows[0][0]:
            return True
        time.sleep(0.05)
    return False


def test_two_connections_racing_on_one_project_the_second_waits_and_is_refused(
    team, postgis_server, monkeypatch
):
    team.create().save(Changes(projects=[school()]))
    planner_a, planner_b = team.open_as(PLANNER_A), team.open_as(PLANNER_B)
    a_read, b_read = planner_a.project("p-school"), planner_b.project("p-school")

    first = PausedSave(
        monkeypatch, planner_a, Changes(projects=[replace(a_read, investment_wan=1000.0)])
    )
    first.start()
    second, outcome = in_thread(
        lambda: planner_b.save(Changes(projects=[replace(b_read, status="under_construction")]))
    )
    assert waiting_for_a_lock(postgis_server), "B's save should wait for A's to end"
    assert second.is_alive()
    first.finish()
    second.join(30)
    assert isinstance(outcome.get("error"), ConflictError), outcome
    assert "changed by planner_a" in str(outcome["error"])
    stored = team.open_as(VIEWER).project("p-school")
    assert (stored.investment_wan, stored.status, stored.version) == (1000.0, "planned", 2)


def test_two_connections_on_different_projects_do_not_wait_for_each_other(team, monkeypatch):
    team.create().save(Changes(projects=[school(), market()]))
    planner_a, planner_b = team.open_as(PLANNER_A), team.open_as(PLANNER_B)
    a_school, b_market = planner_a.project("p-school"), planner_b.project("p-market")

    first = PausedSave(monkeypatch, planner_a, Changes(projects=[replace(a_school, notes="甲")]))
    first.start()
    second, outcome = in_thread(
        lambda: planner_b.save(Changes(projects=[replace(b_market, notes="乙")]))
    )
    second.join(15)
    assert not second.is_alive(), "B's save of another project must not wait for A's"
    assert "result" in outcome, outcome
    first.finish()
    assert [p.notes for p in team.open_as(VIEWER).projects()] == ["甲", "乙"]


def test_two_assessors_inserting_the_same_score_at_once_the_second_is_refused(
    team, postgis_server, monkeypatch
):
    team.create()
    planner_a, planner_b = team.open_as(PLANNER_A), team.open_as(PLANNER_B)
    first = PausedSave(
        monkeypatch, planner_a, Changes(manual_scores=[ManualScore("YZ-01", "2.1.1", 2.0)])
    )
    first.start()
    second, outcome = in_thread(
        lambda: planner_b.save(Changes(manual_scores=[ManualScore("YZ-01", "2.1.1", 0.5)]))
    )
    assert waiting_for_a_lock(postgis_server)
    first.finish()
    second.join(30)
    assert isinstance(outcome.get("error"), ConflictError), outcome
    assert [s.score for s in team.open_as(VIEWER).manual_scores()] == [2.0]


def test_a_role_that_may_only_read_opens_read_only_and_cannot_save(team):
    team.create().save(Changes(projects=[school()]))
    before = snapshot(team)
    viewer = team.open_as(VIEWER)
    assert viewer.read_only
    assert [p.name for p in viewer.projects()] == ["七星岗小学扩建"]
    assert len(viewer.history()) > 0
    reason = viewer.read_only_reason()
    assert "database role viewer may only read this plan, so it is open read-only" in str(reason)
    with pytest.raises(DataError, match="role viewer may only read this plan") as refused:
        viewer.save(Changes(projects=[replace(viewer.project("p-school"), notes="看看")]))
    assert not isinstance(refused.value, ConflictError)
    assert snapshot(team) == before
    assert not team.open_as(PLANNER_A).read_only


def test_a_connection_killed_in_the_middle_of_a_save_leaves_nothing_half_written(
    team, postgis_server, monkeypatch
):
    team.create().save(Changes(projects=[school()]))
    before = snapshot(team)
    planner_a = team.open_as(PLANNER_A)
    write_table = _SaveWriter._write_table
    killed = {}

    def kill_after_projects(writer, spec, *args):
        if spec.name == "manual_scores":  # the projects are written, not committed
            pid = writer.session.execute("SELECT pg_backend_pid()").fetchone()[0]
            assert writer.session.execute("SELECT count(*) FROM projects").fetchone()[0] == 3
            postgis_server.execute("postgres", "SELECT pg_terminate_backend(%s)", (pid,))
            killed["pid"] = pid
        return write_table(writer, spec, *args)

    monkeypatch.setattr(_SaveWriter, "_write_table", kill_after_projects)
    changes = Changes(
        projects=[replace(planner_a.project("p-school"), status="completed"), market(),
                  replace(market(), id="p-park", name="口袋公园", type_code="community_park")],
        manual_scores=[ManualScore("YZ-01", "2.1.1", 2.0)],
    )  # fmt: skip
    with pytest.raises(DataError) as failed:
        planner_a.save(changes)
    assert killed
    assert "the connection to the database was lost while saving" in str(failed.value)
    assert "nothing of it was written; your entries are kept" in str(failed.value)
    assert snapshot(team) == before
    monkeypatch.undo()
    planner_a.save(changes)  # the same entries, saved again once the database is back
    assert [p.id for p in team.open_as(VIEWER).projects()] == ["p-school", "p-market", "p-park"]


# --------------------------------------------------------------------------------------------
# Upgrades
# --------------------------------------------------------------------------------------------


def _old_store(team, version: int) -> None:
    owner = team.cluster.superuser
    build_store(
        team.address(owner), INFO, CRS, schema_version=version, connect=team.connector(owner)
    )
    team.raw_execute(
        "INSERT INTO projects (geom, id, community_id, name, type_code, status, created_at) "
        "VALUES (ST_GeomFromText('POINT(1 2)', 32650), 'p-old', 'YZ-09', '旧项目', "
        "'community_canteen', 'completed', '2023-02-01T00:00:00Z')"
    )
    team.raw_execute(
        "INSERT INTO manual_scores (community_id, point_id, score) VALUES ('YZ-09', '1.1.3', 1)"
    )
    for role in (PLANNER_A, PLANNER_B):  # editors of the old tables (no history table yet)
        team.raw_execute(f'GRANT USAGE ON SCHEMA "{team.schema}" TO {role}')
        team.raw_execute(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{team.schema}" '
            f"TO {role}"
        )
    team.raw_execute(f'GRANT USAGE ON SCHEMA "{team.schema}" TO {VIEWER}')
    team.raw_execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{team.schema}" TO {VIEWER}')


def _columns(team) -> list:
    return team.raw_rows(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = '{team.schema}' ORDER BY table_name, column_name"
    )


@pytest.mark.parametrize("version", [1, 2])
def test_an_old_store_is_upgraded_by_its_owner_after_a_backup_schema(team, version):
    _old_store(team, version)
    with pytest.raises(DataError, match=r"must be upgraded by the role that owns its tables; "
                                        r"database role viewer may not"):  # fmt: skip
        team.open_as(VIEWER)
    with pytest.raises(DataError, match="database role planner_a may not"):
        team.open_as(PLANNER_A)
    assert team.raw_rows("SELECT value FROM plan_meta WHERE key = 'schema_version'") == [
        (str(version),)
    ]

    owner = team.open_as(team.cluster.superuser)
    assert (owner.upgraded_from, owner.backup_path) == (version, f"{team.schema}_v{version}_bak")
    backup = team.cluster.query(
        "plans", f'SELECT id, name FROM "{team.schema}_v{version}_bak".projects'
    )
    assert backup == [("p-old", "旧项目")]
    old = team.open_as(PLANNER_A).project("p-old")
    assert (old.name, old.version, old.geometry.wkt) == ("旧项目", 1, "POINT (1 2)")
    team.open_as(PLANNER_A).save(Changes(projects=[replace(old, notes="升级后修改")]))

    fresh = PostgisTeam(team.cluster)
    fresh.create()
    assert _columns(team) == _columns(fresh)


def test_a_store_of_a_newer_schema_is_refused_unchanged(team):
    team.create().save(Changes(projects=[school()]))
    team.raw_execute(
        f"UPDATE plan_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"
    )
    before = snapshot(team)
    with pytest.raises(DataError, match=r"newer version of the plugin .* schema was left"):
        team.open_as(PLANNER_A)
    assert snapshot(team) == before


# --------------------------------------------------------------------------------------------
# Creating, addresses, the schema as PostGIS and QGIS see it
# --------------------------------------------------------------------------------------------


def test_creating_refuses_an_existing_store_and_a_schema_with_other_tables(team):
    team.create()
    with pytest.raises(DataError, match="already holds a plan store"):
        team.create()
    with pytest.raises(DataError, match="never replaced by the plugin"):
        team.create(overwrite=True)
    other = PostgisTeam(team.cluster)
    team.cluster.execute("plans", f'CREATE SCHEMA "{other.schema}"')
    team.cluster.execute("plans", f'CREATE TABLE "{other.schema}".roads (id int)')
    with pytest.raises(DataError, match=r"already holds other tables \(roads\)"):
        other.create()


def test_opening_what_is_not_a_plan_store_says_what_it_is(team):
    with pytest.raises(DataError, match=f"the database has no schema '{team.schema}'"):
        team.open_as(PLANNER_A)
    team.cluster.execute("plans", f'CREATE SCHEMA "{team.schema}"')
    with pytest.raises(DataError, match=r"is not a plan store: it has no 'plan_meta' table"):
        team.open_as(team.cluster.superuser)


def test_addresses_never_hold_a_password():
    address = parse_address("postgres: connection='院内 PostGIS' schema=plan_2025")
    assert (address.connection, address.schema) == ("院内 PostGIS", "plan_2025")
    assert parse_address(address.text()) == address
    assert address.display() == "PostgreSQL 院内 PostGIS, schema plan_2025"
    with pytest.raises(DataError, match="a password must not be written") as refused:
        parse_address("postgres: host=db user=alice password=secret schema=p")
    assert "secret" not in str(refused.value)
    with pytest.raises(DataError, match=r"schema=\.\.\. is missing"):
        parse_address("postgres: service=plans")
    with pytest.raises(ValueError):
        address_text("p", password="x")
    needs_qgis = PlanStore.open.__func__  # the domain alone cannot resolve a QGIS connection
    with pytest.raises(DataError, match="only the plugin inside QGIS"):
        needs_qgis(PlanStore, "postgres: connection='院内 PostGIS' schema=plan_2025")


def test_the_schema_is_a_postgis_store_with_a_spatial_index(team, tmp_path):
    store = team.create()
    store.save(Changes(projects=[school(), market()]))
    assert team.raw_rows(
        "SELECT type, srid FROM geometry_columns WHERE f_table_schema = current_schema() "
        "AND f_table_name = 'projects'"
    ) == [("GEOMETRY", 32650)]
    assert team.raw_rows(
        "SELECT indexdef LIKE '%USING gist (geom)%' FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = 'projects' AND indexname LIKE '%geom%'"
    ) == [(True,)]
    assert store.location.startswith("PostgreSQL plans@") and "password" not in store.source
    copy = store.save_copy(tmp_path / "副本.gpkg")  # what a read-only role can still do
    assert [(p.id, p.version) for p in copy.projects()] == [("p-school", 1), ("p-market", 1)]
    assert (copy.kind, copy.crs) == ("gpkg", CRS)


def test_a_cluster_left_by_a_killed_run_is_stopped_and_removed(postgis_server):
    """The next run cleans up after a run killed before its finalizers: the cluster's folder
    names its owner; with the owner gone, the server is stopped and the folder deleted."""
    import subprocess

    import postgis_cluster
    import psycopg2

    if postgis_server.base is None:
        pytest.skip("the tests use a server given in COMPLETE_COMMUNITY_TEST_PG, not their own")
    left_behind = postgis_cluster.Cluster().start()
    gone = subprocess.Popen(["true"])
    gone.wait()
    (left_behind.base / "owner").write_text(str(gone.pid))
    assert left_behind.query("postgres", "SELECT 1") == [(1,)]
    removed = postgis_cluster.remove_stale_clusters()
    assert left_behind.base in removed and not left_behind.base.exists()
    with pytest.raises(psycopg2.OperationalError):  # nothing listens on its port any more
        psycopg2.connect(host="127.0.0.1", port=left_behind.port, user="postgres",
                         connect_timeout=3)  # fmt: skip
    assert postgis_server.base.exists(), "the running suite's own cluster is left alone"
    left_behind.stop()  # nothing left to do, and says so by doing nothing
