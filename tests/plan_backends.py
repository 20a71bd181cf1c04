"""One plan store seen by several planners, on a GeoPackage and on PostgreSQL, for the tests.

A :class:`Team` creates a store and opens it as one planner or another: for a GeoPackage the
planners are OS user names given to the store (two people on one shared file); for PostgreSQL
they are real login roles of the test cluster (``planner_a``, ``planner_b``: editing rights;
``viewer``: reading only), granted their rights with the same SQL the README gives.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List

from complete_community.scoring.plan import PlanInfo, PlanStore
from complete_community.scoring.plan.postgis import address_text, grant_statements

CRS = "EPSG:32650"
INFO = PlanInfo(name="渝中区完整社区建设专项规划", jurisdiction="重庆市渝中区", author="某院")
#: The planners of a team, by the role names the PostgreSQL cluster has.
PLANNER_A, PLANNER_B, VIEWER = "planner_a", "planner_b", "viewer"


class Team:
    kind = ""

    def create(self, **options) -> PlanStore:
        raise NotImplementedError

    def open_as(self, planner: str, **options) -> PlanStore:
        raise NotImplementedError

    def raw_rows(self, sql: str) -> List[tuple]:
        """Rows of a query run past the store (as the owner)."""
        raise NotImplementedError


class GeoPackageTeam(Team):
    kind = "gpkg"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "团队规划.gpkg"

    def create(self, **options) -> PlanStore:
        return PlanStore.create(self.path, INFO, CRS, user="owner", **options)

    def open_as(self, planner: str, **options) -> PlanStore:
        return PlanStore.open(self.path, user=planner, **options)

    def raw_rows(self, sql: str) -> List[tuple]:
        import sqlite3

        connection = sqlite3.connect(str(self.path))
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def raw_execute(self, sql: str, user: str = "") -> None:
        """A change made past the plugin, as GDAL would (QGIS editing the layer)."""
        import sqlite3

        connection = sqlite3.connect(str(self.path))
        try:
            connection.execute(sql)
            connection.commit()
        finally:
            connection.close()


class PostgisTeam(Team):
    kind = "postgres"

    def __init__(self, cluster, schema: str = "") -> None:
        self.cluster = cluster
        self.schema = schema or f"plan_{uuid.uuid4().hex[:10]}"

    def address(self, role: str) -> str:
        params: Dict[str, str] = self.cluster.params(role)
        return address_text(self.schema, **{k: v for k, v in params.items() if k != "password"})

    def connector(self, role: str):
        """The resolver a QGIS connection would be: keywords, password in memory only."""
        params = self.cluster.params(role)
        return lambda address: params

    def create(self, **options) -> PlanStore:
        store = PlanStore.create(
            self.address(self.cluster.superuser), INFO, CRS,
            connect=self.connector(self.cluster.superuser), **options,
        )  # fmt: skip
        self.grant()
        return store

    def grant(self) -> None:
        for role in (PLANNER_A, PLANNER_B):
            for statement in grant_statements(self.schema, role, editing=True):
                self.cluster.execute("plans", statement)
        for statement in grant_statements(self.schema, VIEWER, editing=False):
            self.cluster.execute("plans", statement)

    def open_as(self, planner: str, **options) -> PlanStore:
        return PlanStore.open(self.address(planner), connect=self.connector(planner), **options)

    def raw_rows(self, sql: str) -> List[tuple]:
        connection = self.cluster.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{self.schema}", public')
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()

    def raw_execute(self, sql: str, user: str = "") -> None:
        connection = self.cluster.connect(user or None)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{self.schema}", public')
                cursor.execute(sql)
        finally:
            connection.close()
