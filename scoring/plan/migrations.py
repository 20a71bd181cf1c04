"""The plan store's tables, version by version, and the steps that upgrade an older store.

A store is built the way an old one is upgraded: the version 1 tables, then every migration
in turn. A new store and an upgraded one therefore have the same tables by construction, and
the upgrade path is exercised every time a store is created, not only on the rare day a user
opens an old file. The steps are written once for both backends: the DDL names the words that
differ between SQLite and PostgreSQL as ``{fid}``, ``{real}``, ``{datetime}``, ``{date}`` and
``{geometry}``, and the backend (:class:`.sql.Backend`) says what they are. For a GeoPackage
the words are exactly those of the released versions' DDL, so files keep their tables.

History (never edit a released version's DDL or migration; add a new one):

- **1** — ``plan_meta``, ``plan_info``, ``projects`` (GEOMETRY ``geom``), ``manual_scores``.
- **2** — ``targets`` (per community, indicator and year); ``updated_at`` on ``projects``
  (filled with ``created_at``, the best knowledge of an old row) and on ``manual_scores``
  (left empty: unknown).
- **3** — a team works on one plan: every table gets ``version`` (1 for existing rows; a save
  is refused for a record whose version moved on since it was read) and ``updated_by``; a
  trigger moves the version on when another program (QGIS editing the layer) changes a row;
  ``history`` keeps every saved change, field by field (empty for what happened before).

Every table starts with ``fid``, an integer key the database numbers (GeoPackage requires it
of features and attributes tables, and GDAL and QGIS use it as the feature id).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Tuple

from ..errors import DataError
from ..schema import show_value
from .model import HISTORY, MANUAL_SCORES, META, PLAN_INFO, PROJECTS, TARGETS
from .sql import Backend, Session
from .srs import SrsDefinition
from .tables import TABLES

#: The schema version this code writes.
SCHEMA_VERSION = 3
#: ``plan_meta.format``: what tells a plan store from any other GeoPackage.
FORMAT = "complete_community_plan"
GEOMETRY_COLUMN = "geom"
GEOMETRY_TYPE = "GEOMETRY"  # points and polygons in one layer (see store.py)

# (table, DDL, identifier, description, is the features table)
_V1_TABLES: Tuple[Tuple[str, str, str, str, bool], ...] = (
    (
        META,
        "CREATE TABLE plan_meta ({fid}, key TEXT NOT NULL UNIQUE, value TEXT)",
        "plan_meta",
        "规划数据库版本信息 Plan store format and schema version",
        False,
    ),
    (
        PLAN_INFO,
        "CREATE TABLE plan_info ({fid}, name TEXT NOT NULL, jurisdiction TEXT, "
        "period_start INTEGER, period_end INTEGER, base_year INTEGER, author TEXT, "
        "crs TEXT NOT NULL, created_at {datetime}, updated_at {datetime})",
        "plan_info",
        "规划信息 Plan information",
        False,
    ),
    (
        PROJECTS,
        "CREATE TABLE projects ({fid}, geom {geometry}, id TEXT NOT NULL UNIQUE, "
        "community_id TEXT NOT NULL, name TEXT NOT NULL, type_code TEXT NOT NULL, "
        "category TEXT, floor_area {real}, land_area {real}, investment_wan {real}, "
        "funding_source TEXT, start_year INTEGER, end_year INTEGER, status TEXT NOT NULL, "
        "notes TEXT, created_at {datetime})",
        "projects",
        "规划项目 Planned projects",
        True,
    ),
    (
        MANUAL_SCORES,
        "CREATE TABLE manual_scores ({fid}, community_id TEXT NOT NULL, point_id TEXT NOT NULL, "
        "score {real}, evidence TEXT, assessor TEXT, date {date}, "
        "UNIQUE (community_id, point_id))",
        "manual_scores",
        "人工评分 Manual scores",
        False,
    ),
)


class SchemaWriter:
    """What a migration step writes through: SQL with the backend's words, and the format's
    bookkeeping. ``execute`` renders ``{fid}`` ... for the backend before running the DDL."""

    def __init__(self, session: Session, backend: Backend, srs_id: int) -> None:
        self.session = session
        self.backend = backend
        self.srs_id = srs_id

    def execute(self, ddl: str, params: Sequence[Any] = ()) -> Any:
        return self.session.execute(self.backend.render(ddl, self.srs_id), params)

    def register_table(
        self, table: str, identifier: str, description: str, timestamp: str, geometry=None
    ) -> None:
        self.backend.register_table(
            self.session, table, identifier, description, timestamp, geometry
        )

    def touch(self, tables: Iterable[str], timestamp: str) -> None:
        self.backend.touch(self.session, tables, timestamp)


def create_schema(
    session: Session,
    backend: Backend,
    srs: SrsDefinition,
    timestamp: str,
    version: int = SCHEMA_VERSION,
) -> None:
    """Create an empty plan store of schema ``version`` inside the caller's transaction.

    ``version`` is below :data:`SCHEMA_VERSION` only to make old stores for upgrade tests.
    """
    if not 1 <= version <= SCHEMA_VERSION:
        raise ValueError(f"no schema version {version}")
    schema = SchemaWriter(session, backend, srs.srs_id)
    backend.create_core(session, srs)
    for table, ddl, identifier, description, is_features in _V1_TABLES:
        schema.execute(ddl)
        geometry = (GEOMETRY_COLUMN, GEOMETRY_TYPE, srs.srs_id) if is_features else None
        schema.register_table(table, identifier, description, timestamp, geometry)
    for key, value in (("format", FORMAT), ("schema_version", "1"), ("created_at", timestamp)):
        session.execute("INSERT INTO plan_meta (key, value) VALUES (?, ?)", (key, value))
    upgrade(schema, 1, timestamp, version)


def upgrade(
    schema: SchemaWriter, from_version: int, timestamp: str, to: int = SCHEMA_VERSION
) -> None:
    """Run the migrations from ``from_version`` to ``to`` inside the caller's transaction."""
    for version in range(from_version, to):
        MIGRATIONS[version](schema, timestamp)
        schema.session.execute(
            "UPDATE plan_meta SET value = ? WHERE key = 'schema_version'", (str(version + 1),)
        )


def _v1_to_v2(schema: SchemaWriter, timestamp: str) -> None:
    schema.execute(
        "CREATE TABLE targets ({fid}, "
        "community_id TEXT NOT NULL, indicator TEXT NOT NULL, value {real} NOT NULL, "
        "year INTEGER NOT NULL, notes TEXT, updated_at {datetime}, "
        "UNIQUE (community_id, indicator, year))"
    )
    schema.register_table(TARGETS, "targets", "社区目标 Community targets", timestamp)
    schema.execute("ALTER TABLE projects ADD COLUMN updated_at {datetime}")
    schema.execute("UPDATE projects SET updated_at = created_at")
    schema.execute("ALTER TABLE manual_scores ADD COLUMN updated_at {datetime}")
    schema.touch((PROJECTS, MANUAL_SCORES), timestamp)


#: The tables whose records carry a version and whose changes the history keeps.
VERSIONED_TABLES = (PLAN_INFO, PROJECTS, MANUAL_SCORES, TARGETS)


def _v2_to_v3(schema: SchemaWriter, timestamp: str) -> None:
    schema.execute(
        "CREATE TABLE history ({fid}, changed_at {datetime} NOT NULL, changed_by TEXT, "
        "table_name TEXT NOT NULL, record_id TEXT NOT NULL, record_name TEXT, "
        "action TEXT NOT NULL, field TEXT, old_value TEXT, new_value TEXT, version INTEGER)"
    )
    schema.register_table(HISTORY, "history", "变更记录 Change history", timestamp)
    schema.backend.history_index(schema.session)
    for table in VERSIONED_TABLES:
        schema.execute(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
        schema.execute(f"ALTER TABLE {table} ADD COLUMN updated_by TEXT")
        schema.backend.version_trigger(schema.session, table, record_id_sql(table))
    schema.touch(VERSIONED_TABLES, timestamp)


def record_id_sql(table: str) -> str:
    """A record's history id as SQL over ``NEW`` (both databases): ``NEW.id``,
    ``NEW.community_id || '/' || NEW.point_id`` ...; ``'plan'`` for the plan information."""
    key = TABLES[table].key
    return " || '/' || ".join(f"NEW.{column}" for column in key) if key else "'plan'"


def plan_meta(backend: Backend, session: Session) -> Optional[Dict[str, str]]:
    """The key/value pairs of ``plan_meta``, or None when the store has no such table."""
    if not backend.has_table(session, META):
        return None
    rows = session.execute("SELECT key, value FROM plan_meta").fetchall()
    return {str(key): "" if value is None else str(value) for key, value in rows}


def check_version(backend: Backend, session: Session) -> int:
    """The schema version of a plan store; DataError (worded by the backend) when the store
    is not a plan store, its version is not a number, or it is newer than this code."""
    file = backend.location
    meta = plan_meta(backend, session)
    if meta is None or meta.get("format") != FORMAT:
        raise DataError(backend.NOT_PLAN, file=file, table=META, format=FORMAT)
    text = meta.get("schema_version") or ""
    if not text.strip().isdigit() or int(text) < 1:
        raise DataError(backend.BAD_VERSION, file=file, version=show_value(text))
    version = int(text)
    if version > SCHEMA_VERSION:
        raise DataError(backend.NEWER, file=file, version=version, supported=SCHEMA_VERSION)
    return version


#: Schema version -> the step that upgrades a store of that version to the next.
MIGRATIONS: Dict[int, Callable[[SchemaWriter, str], None]] = {1: _v1_to_v2, 2: _v2_to_v3}
