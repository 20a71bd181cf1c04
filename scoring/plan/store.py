"""The plan store: one GeoPackage file holding a special plan, read and saved safely.

A planner's project list is months of work, so the store is built around not losing it:

- **Opening** only reads until it is sure the file is a plan store (its own read-only
  connection; a file that is not SQLite, not a GeoPackage, or a GeoPackage without the plan
  tables is refused with a message that says which, and is left byte for byte as it was).
- **Upgrading** a store written by an older version first copies it to
  ``<name>.v<old>.bak.gpkg`` next to it, then migrates in one transaction.
- **Saving** validates every record first, then writes everything in one SQLite transaction:
  a failure at any point rolls back and leaves the file as it was. A read-only file is refused
  before anything is touched, naming the file; the caller still holds its records in memory
  and can :meth:`PlanStore.save_copy` to a writable file.
- No connection is kept open between calls, so QGIS can show the same file as layers.

Projects live in one layer, ``projects``, of geometry type GEOMETRY, holding points and
polygons (and projects without a location yet). GDAL reads it as one layer; QGIS shows a
mixed layer by geometry type: add ``<file>|layername=projects|geometrytype=Point`` and
``...|geometrytype=Polygon`` (see :func:`projects_layer_uri`). One table keeps a project's id,
history and attributes in one row when its location changes from a point to an outline.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import stat
import uuid
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

from ..errors import N_, DataError
from ..rubric import ManualScore, Rubric, community_key
from ..schema import show_value
from ..standard import FacilityStandard
from . import gpkg
from .excel import export_projects_xlsx, read_projects_xlsx
from .migrations import FORMAT, GEOMETRY_COLUMN, SCHEMA_VERSION, create_schema, upgrade
from .model import (
    MANUAL_SCORES,
    PLAN_INFO,
    PROJECTS,
    STATUSES,
    TARGETS,
    Changes,
    PlanInfo,
    PlannedFacility,
    Project,
    SaveResult,
    Target,
    choice_codes,
    describe_choices,
    manual_score_key,
)
from .srs import srs_definition
from .validate import (
    changes_errors,
    normalise_manual_score,
    normalise_plan_info,
    normalise_project,
    normalise_target,
)

PathLike = Union[str, Path]

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
_CREATE_FAILED = N_("Plan store {file} could not be created: {reason}")
_COPY_FAILED = N_("Plan store {file} could not be copied to {target}: {reason}")
_CRS_FIXED = N_(
    "Plan store {file}: its coordinate reference system is {crs}; it cannot be changed to "
    "{other}, because the project locations are stored in it"
)
_BAD_BLOB = N_(
    "Plan store {file}, table '{table}', record {record}: the location could not be read ({reason})"
)
_UNLOCATED = N_(
    "Projects without a location cannot be added as facilities: {records}. Pick their "
    "locations on the map first, or leave them out"
)
_UNKNOWN_STATUS = N_("Unknown project status '{value}'; the statuses are {allowed}")

_PROJECT_COLUMNS: Tuple[str, ...] = (
    "id",
    "community_id",
    "name",
    "type_code",
    "category",
    "floor_area",
    "land_area",
    "investment_wan",
    "funding_source",
    "start_year",
    "end_year",
    "status",
    "notes",
)


def projects_layer_uri(path: PathLike, geometry_type: Optional[str] = None) -> str:
    """The OGR data source URI of the projects layer, for ``QgsVectorLayer(uri, name, "ogr")``.

    ``geometry_type`` ``"Point"`` or ``"Polygon"`` gives the layer QGIS can draw; None the
    whole table (every project, as GDAL sees it).
    """
    uri = f"{Path(path)}|layername={PROJECTS}"
    return uri + (f"|geometrytype={geometry_type}" if geometry_type else "")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def format_timestamp(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the DATETIME form GeoPackage prescribes."""
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class PlanStore:
    """A plan store file. Make one with :meth:`create` or :meth:`open`, not the constructor.

    ``standard`` and ``rubric`` (optional, assignable) are what saves are checked against:
    project type codes against the standard's codes, manual scores against the rubric's
    manual points and maxima.

    After :meth:`open` upgraded an older file, ``upgraded_from`` is its old schema version and
    ``backup_path`` the copy written first, so that a dialog can tell the user.
    """

    def __init__(
        self,
        path: Path,
        *,
        schema_version: int,
        srs_id: int,
        crs: str,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        upgraded_from: Optional[int] = None,
        backup_path: Optional[Path] = None,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.path = path
        self.schema_version = schema_version
        self.srs_id = srs_id
        self.crs = crs
        self.standard = standard
        self.rubric = rubric
        self.upgraded_from = upgraded_from
        self.backup_path = backup_path
        self.clock = clock

    # ----------------------------------------------------------------------------------------
    # Creating and opening
    # ----------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: PathLike,
        info: PlanInfo,
        crs: Union[str, int],
        srs_wkt: Optional[str] = None,
        *,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        overwrite: bool = False,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> PlanStore:
        """Create a store at ``path`` (``.gpkg``) for a plan in ``crs`` and open it.

        ``crs`` is ``EPSG:32650`` (or ``32650``, or another authority with ``srs_wkt``);
        ``srs_wkt`` is its WKT definition, needed unless the EPSG code is built in (see
        :mod:`.srs`). The file is built under a temporary name and moved into place complete,
        so an existing file is replaced (``overwrite``) only by a finished store.
        """
        target = Path(path)
        if target.suffix.lower() != ".gpkg":
            raise DataError(_NOT_GPKG_NAME, file=str(target))
        if target.exists() and not overwrite:
            raise DataError(_EXISTS, file=str(target))
        srs = srs_definition(crs, srs_wkt)
        info = normalise_plan_info(replace(info, crs=srs.authid))
        timestamp = format_timestamp(clock())
        try:
            _build_file(target, srs, info, timestamp)
        except (OSError, sqlite3.Error) as error:
            raise DataError(_CREATE_FAILED, file=str(target), reason=_reason(error)) from error
        return cls.open(target, standard=standard, rubric=rubric, clock=clock)

    @classmethod
    def open(
        cls,
        path: PathLike,
        *,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> PlanStore:
        """Open the store at ``path``, upgrading it (after a backup copy) if it is older.

        Raises :class:`DataError` saying so when the file is missing, not SQLite, not a
        GeoPackage, not a plan store, or from a newer version; such files are not changed.
        """
        target = Path(path)
        version = read_schema_version(target)
        upgraded_from = backup = None
        if version < SCHEMA_VERSION:
            backup = _upgrade_file(target, version, format_timestamp(clock()))
            upgraded_from = version
        srs_id, crs = _read_crs(target)
        return cls(
            target,
            schema_version=SCHEMA_VERSION,
            srs_id=srs_id,
            crs=crs,
            standard=standard,
            rubric=rubric,
            upgraded_from=upgraded_from,
            backup_path=backup,
            clock=clock,
        )

    def save_copy(self, path: PathLike, *, overwrite: bool = False) -> PlanStore:
        """Copy this store to ``path`` and open the copy (e.g. when this file is read-only).

        The copy is written under a temporary name and moved into place when complete.
        """
        target = Path(path)
        if target.suffix.lower() != ".gpkg":
            raise DataError(_NOT_GPKG_NAME, file=str(target))
        if target.exists() and not overwrite:
            raise DataError(_EXISTS, file=str(target))
        try:
            _copy_whole(self.path, target)
        except (OSError, sqlite3.Error) as error:
            raise DataError(
                _COPY_FAILED, file=str(self.path), target=str(target), reason=_reason(error)
            ) from error
        return PlanStore.open(target, standard=self.standard, rubric=self.rubric, clock=self.clock)

    @property
    def read_only(self) -> bool:
        """Whether the file may not be written: marked read-only, or its folder is.

        The marks are honoured even for users whose rights would let them write anyway
        (administrators), because a planner marks a file read-only to protect it.
        """
        return _is_read_only(self.path)

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    def info(self) -> PlanInfo:
        with closing(self._read_connection()) as connection:
            row = connection.execute(
                "SELECT name, jurisdiction, period_start, period_end, base_year, author, crs, "
                "created_at, updated_at FROM plan_info ORDER BY fid LIMIT 1"
            ).fetchone()
        if row is None:
            raise DataError(_NO_INFO, file=str(self.path))
        name, jurisdiction, start, end, base, author, crs, created, updated = row
        return PlanInfo(
            name=_text(name),
            jurisdiction=_text(jurisdiction),
            period_start=_year(start),
            period_end=_year(end),
            base_year=_year(base),
            author=_text(author),
            crs=_text(crs),
            created_at=_text(created),
            updated_at=_text(updated),
        )

    def projects(
        self,
        community_id: Any = None,
        statuses: Optional[Iterable[str]] = None,
    ) -> List[Project]:
        """Projects in the order they were entered; optionally of some communities / statuses.

        ``community_id`` is one id or a list of ids (matched as text: 101 and "101" agree);
        ``statuses`` a list of status codes.
        """
        communities = _id_set(community_id)
        wanted = None if statuses is None else set(statuses)
        with closing(self._read_connection()) as connection:
            rows = connection.execute(
                "SELECT {}, {}, created_at, updated_at FROM projects ORDER BY fid".format(
                    GEOMETRY_COLUMN, ", ".join(_PROJECT_COLUMNS)
                )
            ).fetchall()
        projects = [self._project_from_row(row) for row in rows]
        return [
            project
            for project in projects
            if (communities is None or community_key(project.community_id) in communities)
            and (wanted is None or project.status in wanted)
        ]

    def project(self, project_id: str) -> Optional[Project]:
        """The project with ``project_id``, or None."""
        for project in self.projects():
            if project.id == project_id:
                return project
        return None

    def communities(self) -> List[str]:
        """Every community id that has a project, a manual score or a target, sorted."""
        with closing(self._read_connection()) as connection:
            rows = connection.execute(
                "SELECT community_id FROM projects UNION SELECT community_id FROM manual_scores "
                "UNION SELECT community_id FROM targets"
            ).fetchall()
        return sorted({community_key(row[0]) for row in rows if row[0] is not None})

    def manual_scores(self, community_id: Any = None) -> List[ManualScore]:
        """Manual scores (rubric :class:`ManualScore` rows), optionally of some communities."""
        communities = _id_set(community_id)
        with closing(self._read_connection()) as connection:
            rows = connection.execute(
                "SELECT community_id, point_id, score, evidence, assessor, date "
                "FROM manual_scores ORDER BY fid"
            ).fetchall()
        return [
            ManualScore(
                community_id=_text(community),
                point_id=_text(point),
                score=None if score is None else float(score),
                evidence=_text(evidence),
                assessor=_text(assessor),
                date=_text(date),
            )
            for community, point, score, evidence, assessor, date in rows
            if communities is None or community_key(community) in communities
        ]

    def targets(self, community_id: Any = None) -> List[Target]:
        communities = _id_set(community_id)
        with closing(self._read_connection()) as connection:
            rows = connection.execute(
                "SELECT community_id, indicator, value, year, notes FROM targets ORDER BY fid"
            ).fetchall()
        return [
            Target(_text(community), _text(indicator), float(value), int(year), _text(notes))
            for community, indicator, value, year, notes in rows
            if communities is None or community_key(community) in communities
        ]

    def projects_as_facilities(
        self, statuses: Sequence[str], skip_unlocated: bool = False
    ) -> List[PlannedFacility]:
        """Projects of ``statuses`` as facilities for the plan scenario (located at x, y).

        A project without a location cannot be placed in the analysis; leaving it out
        silently would understate what the plan fixes, so it is an error naming the projects
        unless ``skip_unlocated``.
        """
        known = choice_codes(STATUSES)
        for status in statuses:
            if status not in known:
                raise DataError(
                    _UNKNOWN_STATUS, value=show_value(status), allowed=describe_choices(STATUSES)
                )
        projects = self.projects(statuses=statuses)
        unlocated = [project.record for project in projects if project.geometry is None]
        if unlocated and not skip_unlocated:
            raise DataError(_UNLOCATED, records=", ".join(unlocated))
        facilities = []
        for project in projects:
            if project.geometry is None:
                continue
            point = project.geometry
            if point.geom_type != "Point":
                point = point.representative_point()
            facilities.append(
                PlannedFacility(
                    id=project.id,
                    type_code=project.type_code,
                    x=point.x,
                    y=point.y,
                    geometry=project.geometry,
                    floor_area=project.floor_area,
                    land_area=project.land_area,
                    community_id=project.community_id,
                    name=project.name,
                    status=project.status,
                )
            )
        return facilities

    # ----------------------------------------------------------------------------------------
    # Saving
    # ----------------------------------------------------------------------------------------

    def validate(self, changes: Changes) -> List[DataError]:
        """Every problem that would stop ``changes`` from being saved (empty: none)."""
        errors = changes_errors(changes, self.standard, self.rubric)
        if changes.info is not None and changes.info.crs and changes.info.crs != self.crs:
            errors.insert(
                0,
                DataError(_CRS_FIXED, file=str(self.path), crs=self.crs, other=changes.info.crs),
            )
        return errors

    def save(self, changes: Changes) -> SaveResult:
        """Write ``changes`` in one transaction: all of them, or (on any error) none.

        Raises :class:`DataError` for the first invalid record (nothing written), for a
        read-only file, and for a write that fails (rolled back; the file is as it was).
        ``changes`` is not modified, so the caller can keep it and try again.
        """
        errors = self.validate(changes)
        if errors:
            raise errors[0]
        if changes.is_empty():
            return SaveResult((), 0, 0, 0, 0, 0)
        clean = _normalised(changes, self.standard, self.rubric)
        if self.read_only:
            raise DataError(_READ_ONLY, file=str(self.path))
        timestamp = format_timestamp(self.clock())
        try:
            connection = gpkg.connect(self.path)
        except sqlite3.Error as error:
            raise self._save_error(error) from error
        try:
            connection.execute("BEGIN IMMEDIATE")
            result = self._write(connection, clean, timestamp)
            connection.execute("COMMIT")
        except BaseException as error:
            _rollback(connection)
            if isinstance(error, (sqlite3.Error, OSError)):
                raise self._save_error(error) from error
            raise
        finally:
            connection.close()
        return result

    def _save_error(self, error: BaseException) -> DataError:
        if "readonly" in str(error).lower().replace("-", "").replace(" ", ""):
            return DataError(_READ_ONLY, file=str(self.path))
        return DataError(_SAVE_FAILED, file=str(self.path), reason=_reason(error))

    def _write(
        self, connection: sqlite3.Connection, changes: Changes, timestamp: str
    ) -> SaveResult:
        touched = set()
        if changes.info is not None:
            self._write_info(connection, changes.info, timestamp)
            touched.add(PLAN_INFO)
        saved, inserted, updated, deleted = self._write_projects(
            connection, changes.projects, changes.deleted_projects, timestamp
        )
        if changes.projects or changes.deleted_projects:
            touched.add(PROJECTS)
        n_scores = self._write_manual_scores(
            connection, changes.manual_scores, changes.deleted_manual_scores, timestamp
        )
        if changes.manual_scores or changes.deleted_manual_scores:
            touched.add(MANUAL_SCORES)
        n_targets = self._write_targets(
            connection, changes.targets, changes.deleted_targets, timestamp
        )
        if changes.targets or changes.deleted_targets:
            touched.add(TARGETS)
        gpkg.touch(connection, sorted(touched), timestamp)
        return SaveResult(saved, inserted, updated, deleted, n_scores, n_targets)

    def _write_info(self, connection: sqlite3.Connection, info: PlanInfo, timestamp: str) -> None:
        connection.execute(
            "UPDATE plan_info SET name = ?, jurisdiction = ?, period_start = ?, period_end = ?, "
            "base_year = ?, author = ?, updated_at = ? "
            "WHERE fid = (SELECT min(fid) FROM plan_info)",
            (info.name, _null(info.jurisdiction), info.period_start, info.period_end,
             info.base_year, _null(info.author), timestamp),
        )  # fmt: skip

    def _write_projects(
        self,
        connection: sqlite3.Connection,
        projects: Sequence[Project],
        deleted_ids: Sequence[str],
        timestamp: str,
    ) -> Tuple[Tuple[Project, ...], int, int, int]:
        """Deletions first, then upserts by id; created_at of an existing row is kept."""
        deleted = 0
        for project_id in deleted_ids:
            cursor = connection.execute("DELETE FROM projects WHERE id = ?", (project_id,))
            deleted += max(cursor.rowcount, 0)
        saved: List[Project] = []
        inserted = updated = 0
        assignments = ", ".join(f"{column} = ?" for column in _PROJECT_COLUMNS[1:])
        for project in projects:
            values = _project_values(project)
            blob = gpkg.encode_geometry(project.geometry, self.srs_id)
            row = connection.execute(
                "SELECT created_at FROM projects WHERE id = ?", (project.id,)
            ).fetchone()
            if row is not None:
                created = _text(row[0]) or timestamp
                connection.execute(
                    f"UPDATE projects SET {GEOMETRY_COLUMN} = ?, {assignments}, updated_at = ? "
                    "WHERE id = ?",
                    (blob, *values[1:], timestamp, project.id),
                )
                updated += 1
            else:
                created = project.created_at or timestamp
                connection.execute(
                    "INSERT INTO projects ({}, {}, created_at, updated_at) VALUES ({})".format(
                        GEOMETRY_COLUMN,
                        ", ".join(_PROJECT_COLUMNS),
                        ", ".join("?" * (len(_PROJECT_COLUMNS) + 3)),
                    ),
                    (blob, *values, created, timestamp),
                )
                inserted += 1
            saved.append(replace(project, created_at=created, updated_at=timestamp))
        return tuple(saved), inserted, updated, deleted

    def _write_manual_scores(
        self,
        connection: sqlite3.Connection,
        scores: Sequence[ManualScore],
        deleted_keys: Sequence[Tuple[str, str]],
        timestamp: str,
    ) -> int:
        for community, point in deleted_keys:
            connection.execute(
                "DELETE FROM manual_scores WHERE community_id = ? AND point_id = ?",
                (community_key(community), str(point).strip()),
            )
        for score in scores:
            community, point = manual_score_key(score)
            values = (score.score, _null(score.evidence), _null(score.assessor),
                      _null(score.date), timestamp)  # fmt: skip
            cursor = connection.execute(
                "UPDATE manual_scores SET score = ?, evidence = ?, assessor = ?, date = ?, "
                "updated_at = ? WHERE community_id = ? AND point_id = ?",
                (*values, community, point),
            )
            if cursor.rowcount == 0:
                connection.execute(
                    "INSERT INTO manual_scores (score, evidence, assessor, date, updated_at, "
                    "community_id, point_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*values, community, point),
                )
        return len(scores)

    def _write_targets(
        self,
        connection: sqlite3.Connection,
        targets: Sequence[Target],
        deleted_keys: Sequence[Tuple[str, str, int]],
        timestamp: str,
    ) -> int:
        for community, indicator, year in deleted_keys:
            connection.execute(
                "DELETE FROM targets WHERE community_id = ? AND indicator = ? AND year = ?",
                (community_key(community), str(indicator).strip(), year),
            )
        for target in targets:
            community, indicator, year = target.key
            cursor = connection.execute(
                "UPDATE targets SET value = ?, notes = ?, updated_at = ? "
                "WHERE community_id = ? AND indicator = ? AND year = ?",
                (target.value, _null(target.notes), timestamp, community, indicator, year),
            )
            if cursor.rowcount == 0:
                connection.execute(
                    "INSERT INTO targets (value, notes, updated_at, community_id, indicator, "
                    "year) VALUES (?, ?, ?, ?, ?, ?)",
                    (target.value, _null(target.notes), timestamp, community, indicator, year),
                )
        return len(targets)

    # ----------------------------------------------------------------------------------------
    # Workbooks
    # ----------------------------------------------------------------------------------------

    def export_projects_xlsx(self, path: PathLike) -> None:
        """Write every project to an .xlsx workbook (see :mod:`.excel`)."""
        export_projects_xlsx(self.projects(), path, self.standard)

    def import_projects_xlsx(self, path: PathLike) -> SaveResult:
        """Add and update projects from a workbook, all rows or (on any bad cell) none.

        Rows with an id of a stored project update it; rows without id are new projects;
        stored projects missing from the sheet are kept.
        """
        existing = {project.id: project for project in self.projects()}
        projects = read_projects_xlsx(path, self.standard, existing)
        return self.save(Changes(projects=tuple(projects)))

    # ----------------------------------------------------------------------------------------
    # Helpers
    # ----------------------------------------------------------------------------------------

    def _read_connection(self) -> sqlite3.Connection:
        if self.read_only:
            return gpkg.connect_read_only(self.path)
        return gpkg.connect(self.path)

    def _project_from_row(self, row: Sequence[Any]) -> Project:
        blob, *values, created, updated = row
        fields = dict(zip(_PROJECT_COLUMNS, values))
        record = _text(fields["name"]) or _text(fields["id"])
        try:
            geometry = gpkg.decode_geometry(blob)
        except gpkg.GeometryBlobError as error:
            raise DataError(
                _BAD_BLOB, file=str(self.path), table=PROJECTS, record=record, reason=str(error)
            ) from None
        return Project(
            id=_text(fields["id"]),
            community_id=community_key(fields["community_id"]),
            name=_text(fields["name"]),
            type_code=_text(fields["type_code"]),
            status=_text(fields["status"]),
            category=_text(fields["category"]),
            floor_area=_number(fields["floor_area"]),
            land_area=_number(fields["land_area"]),
            investment_wan=_number(fields["investment_wan"]),
            funding_source=_text(fields["funding_source"]) or None,
            start_year=_year(fields["start_year"]),
            end_year=_year(fields["end_year"]),
            notes=_text(fields["notes"]),
            geometry=geometry,
            created_at=_text(created),
            updated_at=_text(updated),
        )


# --------------------------------------------------------------------------------------------
# Opening: checks that write nothing, then the upgrade
# --------------------------------------------------------------------------------------------


def read_schema_version(path: PathLike) -> int:
    """The schema version of the plan store at ``path``, reading it without any write.

    Raises :class:`DataError` saying what the file is when it is not a plan store this
    version can read.
    """
    target = Path(path)
    file = str(target)
    kind = gpkg.file_kind(target)
    if kind == gpkg.FILE_MISSING:
        raise DataError(_NOT_FOUND, file=file)
    if kind == gpkg.FILE_NOT_SQLITE:
        raise DataError(_NOT_SQLITE, file=file)
    if kind == gpkg.FILE_NOT_GEOPACKAGE:
        raise DataError(_NOT_GEOPACKAGE, file=file)
    try:
        with closing(gpkg.connect_read_only(target)) as connection:
            meta = _plan_meta(connection)
    except sqlite3.Error as error:
        raise DataError(_UNREADABLE, file=file, reason=_reason(error)) from error
    if meta is None or meta.get("format") != FORMAT:
        raise DataError(_NOT_PLAN, file=file, table="plan_meta", format=FORMAT)
    text = meta.get("schema_version") or ""
    if not text.strip().isdigit() or int(text) < 1:
        raise DataError(_BAD_VERSION, file=file, version=show_value(text))
    version = int(text)
    if version > SCHEMA_VERSION:
        raise DataError(_NEWER, file=file, version=version, supported=SCHEMA_VERSION)
    return version


def _plan_meta(connection: sqlite3.Connection) -> Optional[dict]:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plan_meta'"
    ).fetchone()
    if exists is None:
        return None
    rows = connection.execute("SELECT key, value FROM plan_meta").fetchall()
    return {str(key): "" if value is None else str(value) for key, value in rows}


def backup_path_for(path: Path, version: int) -> Path:
    """``<name>.v<version>.bak.gpkg`` next to ``path``; never an existing file's name."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    candidate = path.with_name(f"{stem}.v{version}.bak.gpkg")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}.v{version}.bak{number}.gpkg")
        number += 1
    return candidate


def _upgrade_file(path: Path, version: int, timestamp: str) -> Path:
    file = str(path)
    if _is_read_only(path):
        raise DataError(_UPGRADE_READ_ONLY, file=file, version=version)
    backup = backup_path_for(path, version)
    try:
        _copy_whole(path, backup)
    except (OSError, sqlite3.Error) as error:
        raise DataError(
            _BACKUP_FAILED, file=file, backup=str(backup), reason=_reason(error)
        ) from error
    try:
        connection = gpkg.connect(path)
        try:
            connection.execute("BEGIN IMMEDIATE")
            upgrade(connection, version, timestamp)
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DataError(
            _UPGRADE_FAILED, file=file, version=version, backup=str(backup), reason=_reason(error)
        ) from error
    return backup


def _read_crs(path: Path) -> Tuple[int, str]:
    """(srs_id of the projects layer, the plan's CRS as ``EPSG:32650``)."""
    try:
        with closing(gpkg.connect_read_only(path)) as connection:
            srs_id = gpkg.geometry_srs_id(connection, PROJECTS)
            srs = connection.execute(
                "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
                "WHERE srs_id = ?",
                (srs_id,),
            ).fetchone()
            info = connection.execute("SELECT crs FROM plan_info ORDER BY fid LIMIT 1").fetchone()
    except sqlite3.Error as error:
        raise DataError(_UNREADABLE, file=str(path), reason=_reason(error)) from error
    if srs_id is None or srs is None:
        raise DataError(_NOT_PLAN, file=str(path), table=PROJECTS, format=FORMAT)
    if info is None:
        raise DataError(_NO_INFO, file=str(path))
    return srs_id, _text(info[0]) or "{}:{}".format(*srs)


def _build_file(target: Path, srs: Any, info: PlanInfo, timestamp: str) -> None:
    """Write a new store under a temporary name in the target's folder, then move it there."""
    temporary = _new_temporary_file(target)
    try:
        connection = gpkg.connect(Path(temporary))
        try:
            connection.execute("BEGIN")
            create_schema(connection, srs, timestamp)
            connection.execute(
                "INSERT INTO plan_info (name, jurisdiction, period_start, period_end, base_year, "
                "author, crs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (info.name, _null(info.jurisdiction), info.period_start, info.period_end,
                 info.base_year, _null(info.author), srs.authid, timestamp, timestamp),
            )  # fmt: skip
            connection.execute("COMMIT")
        finally:
            connection.close()
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _copy_whole(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file, so no half copy is left.

    A store that QGIS edits may be in WAL mode, with recent saves still in ``<file>-wal``; a
    copy of the file alone would lose them, so such a store is copied through SQLite's
    backup API. Otherwise the copy is byte for byte.
    """
    temporary = _new_temporary_file(target)
    try:
        if Path(str(source) + "-wal").exists():
            with (
                closing(gpkg.connect_read_only(source)) as reader,
                closing(sqlite3.connect(temporary)) as writer,
            ):
                reader.backup(writer)
        else:
            shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _new_temporary_file(target: Path) -> str:
    """An empty file next to ``target`` with a unique name, created with the user's usual
    permissions (``mkstemp`` would make it private to the user)."""
    while True:
        name = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
        try:
            os.close(os.open(str(name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return str(name)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _normalised(
    changes: Changes, standard: Optional[FacilityStandard], rubric: Optional[Rubric]
) -> Changes:
    """``changes`` with every record's values as they will be stored."""
    return Changes(
        info=None if changes.info is None else normalise_plan_info(changes.info),
        projects=tuple(normalise_project(project, standard) for project in changes.projects),
        deleted_projects=tuple(str(project_id).strip() for project_id in changes.deleted_projects),
        manual_scores=tuple(normalise_manual_score(s, rubric) for s in changes.manual_scores),
        deleted_manual_scores=tuple(changes.deleted_manual_scores),
        targets=tuple(normalise_target(target) for target in changes.targets),
        deleted_targets=tuple(changes.deleted_targets),
    )


def _project_values(project: Project) -> Tuple[Any, ...]:
    return tuple(
        _null(value) if isinstance(value, str) else value
        for value in (getattr(project, column) for column in _PROJECT_COLUMNS)
    )


def _is_read_only(path: Path) -> bool:
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


def _id_set(value: Any) -> Optional[set]:
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return {community_key(value)}
    return {community_key(item) for item in value}


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _null(text: Optional[str]) -> Optional[str]:
    return text if text else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> Optional[float]:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _year(value: Any) -> Optional[int]:
    number = _number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number  # type: ignore[return-value]
