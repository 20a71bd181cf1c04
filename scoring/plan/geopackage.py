"""The plan store as one GeoPackage file, the embedded default: the file-specific half.

- **Opening** only reads until it is sure the file is a plan store (its own read-only
  connection; a file that is not SQLite, not a GeoPackage, or a GeoPackage without the plan
  tables is refused with a message that says which, and is left byte for byte as it was).
- **Upgrading** a store written by an older version first copies it to
  ``<name>.v<old>.bak.gpkg`` next to it, then migrates in one transaction.
- **Saving** is one SQLite transaction begun with ``BEGIN IMMEDIATE``: it holds the write lock
  from the first read of the records it compares, so two saves cannot interleave. A read-only
  file is refused before anything is touched, naming the file.
- No connection is kept open between calls, so QGIS can show the same file as layers.

Who saves is the OS user. A GeoPackage on a shared network drive is SQLite over SMB, whose
locking is not reliable for several writers at once: for a team, use the PostgreSQL backend.

Projects live in one layer, ``projects``, of geometry type GEOMETRY, holding points and
polygons (and projects without a location yet). GDAL reads it as one layer; QGIS shows a
mixed layer by geometry type: add ``<file>|layername=projects|geometrytype=Point`` and
``...|geometrytype=Polygon`` (see :func:`projects_layer_uri`).
"""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import stat
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Tuple

from ..atomic_files import write_replacing
from ..errors import N_, DataError, Phrase
from . import gpkg
from .migrations import (
    FORMAT,
    SCHEMA_VERSION,
    SchemaWriter,
    check_version,
    create_schema,
    upgrade,
)
from .model import PROJECTS
from .sql import Backend, Session
from .srs import SrsDefinition

_NOT_FOUND = N_("Plan store {file} was not found")
_NOT_SQLITE = N_(
    "{file} is not a plan store: it is not a GeoPackage (not even an SQLite database). The file "
    "was left unchanged"
)
_NOT_GEOPACKAGE = N_(
    "{file} is not a plan store: it is an SQLite database but not a GeoPackage. The file was "
    "left unchanged"
)
_NOT_PLAN = N_(
    "{file} is not a plan store: it is a GeoPackage without the plan tables (no '{table}' "
    "table of format '{format}'). The file was left unchanged"
)
_UNREADABLE = N_("Plan store {file} could not be read: {reason}. The file was left unchanged")
_BAD_VERSION = N_(
    "Plan store {file}: the schema version '{version}' in table plan_meta is not a whole number "
    "of 1 or more. The file was left unchanged"
)
_NEWER = N_(
    "Plan store {file} was written by a newer version of the plugin (schema version {version}; "
    "this version reads up to {supported}). Update the plugin. The file was left unchanged"
)
_UPGRADE_READ_ONLY = N_(
    "Plan store {file} was written by an older version of the plugin (schema version "
    "{version}) and must be upgraded, but the file is read-only. Make it writable, or open a "
    "writable copy. The file was left unchanged"
)
_BACKUP_FAILED = N_(
    "Plan store {file}: the backup copy {backup} could not be written before the upgrade "
    "({reason}). The file was left unchanged"
)
_UPGRADE_FAILED = N_(
    "Plan store {file}: the upgrade from schema version {version} failed ({reason}). The file "
    "was left as it was; a backup copy is at {backup}"
)
_NO_INFO = N_("Plan store {file}: table plan_info has no row; the file is damaged")
_READ_ONLY = N_(
    "Plan store {file} is read-only, so nothing was saved. Your entries are kept: save them to "
    "a writable copy, or make the file writable and save again"
)
_SAVE_FAILED = N_(
    "Plan store {file}: saving failed ({reason}). The file was left as it was before the save, "
    "and your entries are kept"
)
_EXISTS = N_("Plan store {file} already exists; open it, or choose another file name")
_NOT_GPKG_NAME = N_("Plan store {file}: the file name must end in .gpkg")
PLAN_STORE = Phrase(N_("Plan store"))
_CREATE_FAILED = N_("Plan store {file} could not be created: {reason}")
_COPY_FAILED = N_("Plan store {file} could not be copied to {target}: {reason}")

#: The schema's words in a GeoPackage: exactly those of the released versions' DDL.
_WORDS = {
    "fid": "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
    "real": "REAL",
    "datetime": "DATETIME",
    "date": "DATE",
    "geometry": "GEOMETRY",
}


def projects_layer_uri(path: Any, geometry_type: Optional[str] = None) -> str:
    """The OGR data source URI of the projects layer, for ``QgsVectorLayer(uri, name, "ogr")``.

    ``geometry_type`` ``"Point"`` or ``"Polygon"`` gives the layer QGIS can draw; None the
    whole table (every project, as GDAL sees it).
    """
    uri = f"{Path(path)}|layername={PROJECTS}"
    return uri + (f"|geometrytype={geometry_type}" if geometry_type else "")


def os_user() -> str:
    """The OS user name, which the history of a GeoPackage records as who saved."""
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no password database entry (rare services)
        return "unknown"


class GeoPackageBackend(Backend):
    """A plan store file. ``user`` (default: the OS user) is who the history says saved."""

    kind = "gpkg"
    NOT_PLAN = _NOT_PLAN
    BAD_VERSION = _BAD_VERSION
    NEWER = _NEWER
    NO_INFO = _NO_INFO

    def __init__(self, path: Any, user: Optional[str] = None) -> None:
        self.path = Path(path)
        self._user = user

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def source(self) -> str:
        return str(self.path)

    # Connections ------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        connect = gpkg.connect_read_only if self.read_only else gpkg.connect
        with closing(connect(self.path)) as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Session]:
        connection = gpkg.connect(self.path)
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise
        finally:
            connection.close()

    def user(self, session: Session) -> str:
        return self._user or os_user()

    @property
    def read_only(self) -> bool:
        """Whether the file may not be written: marked read-only, or its folder is.

        The marks are honoured even for users whose rights would let them write anyway
        (administrators), because a planner marks a file read-only to protect it.
        """
        return is_read_only(self.path)

    def read_only_reason(self) -> Optional[DataError]:
        return DataError(_READ_ONLY, file=self.location) if self.read_only else None

    def failure(self, error: BaseException) -> Optional[Exception]:
        if not isinstance(error, (sqlite3.Error, OSError)):
            return None
        if "readonly" in str(error).lower().replace("-", "").replace(" ", ""):
            return DataError(_READ_ONLY, file=self.location)
        return DataError(_SAVE_FAILED, file=self.location, reason=reason(error))

    # SQL --------------------------------------------------------------------------------

    def ddl(self, word: str, srs_id: int) -> str:
        return _WORDS[word]

    def geometry_select(self, column: str) -> str:
        return column

    def geometry_placeholder(self, srs_id: int) -> str:
        return "?"

    def encode_geometry(self, geometry: Any, srs_id: int) -> Any:
        return gpkg.encode_geometry(geometry, srs_id)

    def decode_geometry(self, value: Any) -> Any:
        return gpkg.decode_geometry(value)

    def create_core(self, session: Session, srs: SrsDefinition) -> None:
        gpkg.create_core_tables(session, srs)  # type: ignore[arg-type]

    def register_table(self, session, table, identifier, description, timestamp, geometry=None):
        gpkg.register_table(session, table, identifier, description, timestamp, geometry)

    def touch(self, session: Session, tables: Iterable[str], timestamp: str) -> None:
        gpkg.touch(session, tables, timestamp)  # type: ignore[arg-type]

    def version_trigger(self, session: Session, table: str, record_id_sql: str) -> None:
        now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        session.execute(
            f"CREATE TRIGGER {table}_outside_edit AFTER UPDATE ON {table} FOR EACH ROW "
            "WHEN NEW.version IS OLD.version BEGIN "
            f"UPDATE {table} SET version = OLD.version + 1, updated_at = {now}, "
            "updated_by = NULL WHERE fid = NEW.fid; "
            "INSERT INTO history (changed_at, changed_by, table_name, record_id, action, field, "
            f"version) VALUES ({now}, NULL, '{table}', {record_id_sql}, 'update', '*', "
            "OLD.version + 1); END"
        )

    # Opening --------------------------------------------------------------------------------

    def has_table(self, session: Session, table: str) -> bool:
        row = session.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None

    def schema_version(self) -> int:
        """The store's schema version, read without any write; DataError when it is not a
        plan store this version can read (the file is then left as it was)."""
        file = self.location
        kind = gpkg.file_kind(self.path)
        if kind == gpkg.FILE_MISSING:
            raise DataError(_NOT_FOUND, file=file)
        if kind == gpkg.FILE_NOT_SQLITE:
            raise DataError(_NOT_SQLITE, file=file)
        if kind == gpkg.FILE_NOT_GEOPACKAGE:
            raise DataError(_NOT_GEOPACKAGE, file=file)
        try:
            with closing(gpkg.connect_read_only(self.path)) as connection:
                return check_version(self, connection)
        except sqlite3.Error as error:
            raise DataError(_UNREADABLE, file=file, reason=reason(error)) from error

    def read_crs(self) -> Tuple[int, str]:
        """(srs_id of the projects layer, the plan's CRS as ``EPSG:32650``)."""
        try:
            with closing(gpkg.connect_read_only(self.path)) as connection:
                srs_id = gpkg.geometry_srs_id(connection, PROJECTS)
                srs = connection.execute(
                    "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
                    "WHERE srs_id = ?",
                    (srs_id,),
                ).fetchone()
                info = connection.execute(
                    "SELECT crs FROM plan_info ORDER BY fid LIMIT 1"
                ).fetchone()
        except sqlite3.Error as error:
            raise DataError(_UNREADABLE, file=self.location, reason=reason(error)) from error
        if srs_id is None or srs is None:
            raise DataError(_NOT_PLAN, file=self.location, table=PROJECTS, format=FORMAT)
        if info is None:
            raise DataError(_NO_INFO, file=self.location)
        return srs_id, (str(info[0]) if info[0] else "{}:{}".format(*srs))

    def upgrade(self, version: int, srs_id: int, timestamp: str) -> Path:
        """Copy the file to a backup next to it, then migrate it in one transaction."""
        file = self.location
        if self.read_only:
            raise DataError(_UPGRADE_READ_ONLY, file=file, version=version)
        backup = backup_path_for(self.path, version)
        try:
            copy_whole(self.path, backup)
        except (OSError, sqlite3.Error) as error:
            raise DataError(
                _BACKUP_FAILED, file=file, backup=str(backup), reason=reason(error)
            ) from error
        try:
            with self.writing() as session:
                upgrade(SchemaWriter(session, self, srs_id), version, timestamp)
        except sqlite3.Error as error:
            raise DataError(
                _UPGRADE_FAILED, file=file, version=version, backup=str(backup),
                reason=reason(error),
            ) from error  # fmt: skip
        return backup

    # Creating and copying -------------------------------------------------------------------

    def check_new(self, overwrite: bool) -> None:
        if self.path.suffix.lower() != ".gpkg":
            raise DataError(_NOT_GPKG_NAME, file=self.location)
        if self.path.exists() and not overwrite:
            raise DataError(_EXISTS, file=self.location)

    def create(
        self,
        srs: SrsDefinition,
        timestamp: str,
        fill: Callable[[Session], None],
        version: int = SCHEMA_VERSION,
    ) -> None:
        """Build a new store under a temporary name in the target's folder, then move it there,
        so an existing file is replaced only by a finished store. ``fill`` writes plan_info."""

        def build(staged: Path) -> None:
            connection = gpkg.connect(staged)
            try:
                connection.execute("BEGIN")
                create_schema(connection, self, srs, timestamp, version)
                fill(connection)
                connection.execute("COMMIT")
            finally:
                connection.close()

        try:
            write_replacing(self.path, PLAN_STORE, build)
        except sqlite3.Error as error:
            raise DataError(_CREATE_FAILED, file=self.location, reason=reason(error)) from error

    def copy_to(self, target: Path, overwrite: bool) -> GeoPackageBackend:
        copy = GeoPackageBackend(target, self._user)
        copy.check_new(overwrite)
        try:
            copy_whole(self.path, target)
        except (OSError, sqlite3.Error) as error:
            raise DataError(
                _COPY_FAILED, file=self.location, target=str(target), reason=reason(error)
            ) from error
        return copy


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def backup_path_for(path: Path, version: int) -> Path:
    """``<name>.v<version>.bak.gpkg`` next to ``path``; never an existing file's name."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    candidate = path.with_name(f"{stem}.v{version}.bak.gpkg")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}.v{version}.bak{number}.gpkg")
        number += 1
    return candidate


def copy_whole(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` all or nothing (``scoring/atomic_files.py``), so no half
    copy is left and an older file is replaced only by a whole one.

    A store that QGIS edits may be in WAL mode, with recent saves still in ``<file>-wal``; a
    copy of the file alone would lose them, so such a store is copied through SQLite's
    backup API. Otherwise the copy is byte for byte.
    """

    def copy(staged: Path) -> None:
        if Path(str(source) + "-wal").exists():
            with (
                closing(gpkg.connect_read_only(source)) as reader,
                closing(sqlite3.connect(staged)) as writer,
            ):
                reader.backup(writer)
        else:
            shutil.copyfile(source, staged)

    write_replacing(target, PLAN_STORE, copy)


def is_read_only(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _rollback(connection: sqlite3.Connection) -> None:
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the connection is closed next; SQLite rolls back an unfinished transaction


def reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
