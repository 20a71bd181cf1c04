"""The plan store's tables, version by version, and the steps that upgrade an older file.

A store is built the way an old one is upgraded: the version 1 tables, then every migration
in turn. A new file and an upgraded one therefore have the same tables by construction, and
the upgrade path is exercised every time a store is created, not only on the rare day a user
opens an old file.

History (never edit a released version's DDL or migration; add a new one):

- **1** — ``plan_meta``, ``plan_info``, ``projects`` (GEOMETRY ``geom``), ``manual_scores``.
- **2** — ``targets`` (per community, indicator and year); ``updated_at`` on ``projects``
  (filled with ``created_at``, the best knowledge of an old row) and on ``manual_scores``
  (left empty: unknown).

Every table starts with ``fid INTEGER PRIMARY KEY AUTOINCREMENT``, which the GeoPackage
standard requires of features and attributes tables and GDAL uses as the feature id.
"""

from __future__ import annotations

import sqlite3
from typing import Callable, Dict, Tuple

from . import gpkg
from .model import MANUAL_SCORES, META, PLAN_INFO, PROJECTS, TARGETS
from .srs import SrsDefinition

#: The schema version this code writes.
SCHEMA_VERSION = 2
#: ``plan_meta.format``: what tells a plan store from any other GeoPackage.
FORMAT = "complete_community_plan"
GEOMETRY_COLUMN = "geom"
GEOMETRY_TYPE = "GEOMETRY"  # points and polygons in one layer (see store.py)

_FID = "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"

# (table, DDL, identifier, description, is the features table)
_V1_TABLES: Tuple[Tuple[str, str, str, str, bool], ...] = (
    (
        META,
        f"CREATE TABLE plan_meta ({_FID}, key TEXT NOT NULL UNIQUE, value TEXT)",
        "plan_meta",
        "规划数据库版本信息 Plan store format and schema version",
        False,
    ),
    (
        PLAN_INFO,
        f"CREATE TABLE plan_info ({_FID}, name TEXT NOT NULL, jurisdiction TEXT, "
        "period_start INTEGER, period_end INTEGER, base_year INTEGER, author TEXT, "
        "crs TEXT NOT NULL, created_at DATETIME, updated_at DATETIME)",
        "plan_info",
        "规划信息 Plan information",
        False,
    ),
    (
        PROJECTS,
        f"CREATE TABLE projects ({_FID}, geom GEOMETRY, id TEXT NOT NULL UNIQUE, "
        "community_id TEXT NOT NULL, name TEXT NOT NULL, type_code TEXT NOT NULL, "
        "category TEXT, floor_area REAL, land_area REAL, investment_wan REAL, "
        "funding_source TEXT, start_year INTEGER, end_year INTEGER, status TEXT NOT NULL, "
        "notes TEXT, created_at DATETIME)",
        "projects",
        "规划项目 Planned projects",
        True,
    ),
    (
        MANUAL_SCORES,
        f"CREATE TABLE manual_scores ({_FID}, community_id TEXT NOT NULL, point_id TEXT NOT NULL, "
        "score REAL, evidence TEXT, assessor TEXT, date DATE, "
        "UNIQUE (community_id, point_id))",
        "manual_scores",
        "人工评分 Manual scores",
        False,
    ),
)


def create_schema(
    connection: sqlite3.Connection,
    srs: SrsDefinition,
    timestamp: str,
    version: int = SCHEMA_VERSION,
) -> None:
    """Create an empty plan store of schema ``version`` inside the caller's transaction.

    ``version`` is below :data:`SCHEMA_VERSION` only to make old files for upgrade tests.
    """
    if not 1 <= version <= SCHEMA_VERSION:
        raise ValueError(f"no schema version {version}")
    gpkg.create_core_tables(connection, srs)
    for table, ddl, identifier, description, is_features in _V1_TABLES:
        connection.execute(ddl)
        geometry = (GEOMETRY_COLUMN, GEOMETRY_TYPE, srs.srs_id) if is_features else None
        gpkg.register_table(connection, table, identifier, description, timestamp, geometry)
    connection.executemany(
        "INSERT INTO plan_meta (key, value) VALUES (?, ?)",
        (("format", FORMAT), ("schema_version", "1"), ("created_at", timestamp)),
    )
    upgrade(connection, 1, timestamp, version)


def upgrade(
    connection: sqlite3.Connection, from_version: int, timestamp: str, to: int = SCHEMA_VERSION
) -> None:
    """Run the migrations from ``from_version`` to ``to`` inside the caller's transaction."""
    for version in range(from_version, to):
        MIGRATIONS[version](connection, timestamp)
        connection.execute(
            "UPDATE plan_meta SET value = ? WHERE key = 'schema_version'", (str(version + 1),)
        )


def _v1_to_v2(connection: sqlite3.Connection, timestamp: str) -> None:
    connection.execute(
        "CREATE TABLE targets (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
        "community_id TEXT NOT NULL, indicator TEXT NOT NULL, value REAL NOT NULL, "
        "year INTEGER NOT NULL, notes TEXT, updated_at DATETIME, "
        "UNIQUE (community_id, indicator, year))"
    )
    gpkg.register_table(connection, TARGETS, "targets", "社区目标 Community targets", timestamp)
    connection.execute("ALTER TABLE projects ADD COLUMN updated_at DATETIME")
    connection.execute("UPDATE projects SET updated_at = created_at")
    connection.execute("ALTER TABLE manual_scores ADD COLUMN updated_at DATETIME")
    gpkg.touch(connection, (PROJECTS, MANUAL_SCORES), timestamp)


#: Schema version -> the step that upgrades a store of that version to the next.
MIGRATIONS: Dict[int, Callable[[sqlite3.Connection, str], None]] = {1: _v1_to_v2}
