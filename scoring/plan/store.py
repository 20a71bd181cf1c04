"""The plan store: a special plan read and saved safely by a team, on any backend.

A planner's project list is months of a team's work, so the store is built around not losing
it, whichever backend holds it (:mod:`.geopackage`: one file, the embedded default;
:mod:`.postgis`: a schema in an institute's PostgreSQL/PostGIS database):

- **Opening** reads until it is sure the store is a plan store of a schema version this code
  can read; an older one is upgraded after a backup, a newer one refused unchanged.
- **Saving** validates every record first, then writes in one transaction: a failure at any
  point rolls back and leaves the store as it was. A read-only store (a file marked so, a
  database role with read rights only) is refused before anything is touched.
- **No lost updates.** Every record carries the version it had when it was read. A save
  compares it with the stored version inside its transaction, holding the record until it
  commits; a record someone changed or deleted meanwhile is refused, naming the record, who
  and when (:class:`ConflictError`), and is left as they saved it. Records nobody else touched
  are saved (or, with ``all_or_nothing``, nothing is).
- **History.** Every saved change is written to the ``history`` table in the same transaction:
  when, who, which record, field, from what to what (:mod:`.history`).

The backends differ only in connections, geometry encoding and the schema's words
(:mod:`.sql`); validation, conflicts, history and migrations are written once, here and in
:mod:`.migrations`.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ..errors import N_, DataError
from ..rubric import ManualScore, Rubric, community_key
from ..schema import show_value
from ..standard import FacilityStandard
from . import history as changes_history
from .excel import export_projects_xlsx, read_projects_xlsx
from .geopackage import GeoPackageBackend, backup_path_for, projects_layer_uri
from .history import DELETE, INSERT, UPDATE, HistoryEntry, changed_fields, value_text
from .migrations import GEOMETRY_COLUMN, SCHEMA_VERSION
from .model import (
    HISTORY,
    MANUAL_SCORES,
    PLAN_INFO,
    PROJECTS,
    STATUSES,
    TARGETS,
    Changes,
    Conflict,
    PlanInfo,
    PlannedFacility,
    Project,
    SaveResult,
    Target,
    choice_codes,
    describe_choices,
)
from .sql import Backend, Session
from .srs import srs_definition
from .tables import GEOMETRY, TABLES, Key, TableSpec, stored
from .validate import (
    changes_errors,
    normalise_manual_score,
    normalise_plan_info,
    normalise_project,
    normalise_target,
)

PathLike = Union[str, Path]
#: What opens a store: a GeoPackage path, a ``postgres:`` address, or a backend.
Location = Union[str, Path, Backend]

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

# Conflicts: (what happened meanwhile, what was refused, whether who and when are known).
_CONFLICTS = {
    ("changed", "save", True): N_(
        "Table '{table}', record {record}: changed by {user} at {time} since you read it, so "
        "your changes to it were not saved. Read it again to see that change, then apply yours"
    ),
    ("changed", "save", False): N_(
        "Table '{table}', record {record}: changed outside the plugin at {time} since you read "
        "it, so your changes to it were not saved. Read it again to see that change, then apply "
        "yours"
    ),
    ("deleted", "save", True): N_(
        "Table '{table}', record {record}: deleted by {user} at {time} since you read it, so "
        "your changes to it were not saved"
    ),
    ("deleted", "save", False): N_(
        "Table '{table}', record {record}: deleted outside the plugin since you read it, so "
        "your changes to it were not saved"
    ),
    ("changed", "delete", True): N_(
        "Table '{table}', record {record}: changed by {user} at {time} since you read it, so "
        "it was not deleted. Read it again to see that change"
    ),
    ("changed", "delete", False): N_(
        "Table '{table}', record {record}: changed outside the plugin at {time} since you read "
        "it, so it was not deleted. Read it again to see that change"
    ),
}
_MORE_CONFLICTS = N_("{first} ({count} more records were refused the same way)")
_OTHERS_SAVED = N_("{conflicts}. Your other changes were saved")
_NOTHING_SAVED = N_("{conflicts}. Nothing was saved")
_NOTHING_ELSE = N_("{conflicts}.")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def format_timestamp(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the DATETIME form GeoPackage prescribes."""
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def shown_time(timestamp: str) -> str:
    """``2024-05-01T08:00:01.000Z`` as ``2024-05-01 08:00:01 UTC`` for messages."""
    text = str(timestamp or "")
    if len(text) >= 19 and text[10] == "T":
        return f"{text[:10]} {text[11:19]} UTC"
    return text


def conflict_error(conflict: Conflict) -> DataError:
    """The message for one refused record: which record, who changed it, when."""
    template = _CONFLICTS[(conflict.change, conflict.refused, bool(conflict.by))]
    return DataError(
        template,
        table=conflict.table,
        record=conflict.record,
        key=conflict.record_id,
        user=conflict.by,
        time=shown_time(conflict.at),
    )


class ConflictError(DataError):
    """A save refused some records because others changed or deleted them since they were read.

    ``conflicts`` lists them; ``result`` is what the save wrote of the other records (None when
    nothing was written: ``all_or_nothing``). The message names the first record, who changed
    it and when, and says whether the rest was saved.
    """

    def __init__(self, conflicts: Sequence[Conflict], result: Optional[SaveResult]) -> None:
        self.conflicts = tuple(conflicts)
        self.result = result
        first = conflict_error(self.conflicts[0]).message()
        described = first
        if len(self.conflicts) > 1:
            described = _MORE_CONFLICTS.format(first=first, count=len(self.conflicts) - 1)
        super().__init__(self._template(), conflicts=described)
        self.values = {"conflicts": described}

    def _template(self) -> str:
        if self.result is None:
            return _NOTHING_SAVED
        return _OTHERS_SAVED if self.result.written else _NOTHING_ELSE

    def message(self, translate: Callable[[str], str] = lambda text: text) -> str:
        """The message in ``translate``'s language, every part translated."""
        first = conflict_error(self.conflicts[0]).message(translate)
        described = first
        if len(self.conflicts) > 1:
            described = translate(_MORE_CONFLICTS).format(
                first=first, count=len(self.conflicts) - 1
            )
        return translate(self._template()).format(conflicts=described)


class _Refused(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the write transaction to roll it back (``all_or_nothing``)."""


def open_backend(
    location: Location, *, user: Optional[str] = None, connect: Optional[Callable] = None
) -> Backend:
    """The backend of ``location``: a backend as is, a ``postgres:`` address, or a file path.

    ``user`` names who saves in a GeoPackage (default: the OS user). ``connect`` turns a
    PostgreSQL address into connection parameters (the QGIS adapter's, resolving saved
    connections and authentication configurations).
    """
    if isinstance(location, Backend):
        return location
    from . import postgis

    if postgis.is_address(str(location)):
        return postgis.PostgisBackend(postgis.parse_address(str(location)), connect=connect)
    return GeoPackageBackend(location, user)


def read_schema_version(location: Location) -> int:
    """The schema version of the plan store at ``location``, reading it without any write.

    Raises :class:`DataError` saying what the store is when it is not a plan store this
    version can read.
    """
    return open_backend(location).schema_version()


def build_store(
    location: Location,
    info: PlanInfo,
    crs: Union[str, int],
    srs_wkt: Optional[str] = None,
    *,
    overwrite: bool = False,
    clock: Callable[[], datetime.datetime] = utc_now,
    schema_version: int = SCHEMA_VERSION,
    user: Optional[str] = None,
    connect: Optional[Callable] = None,
) -> Backend:
    """Write a new, empty store with its plan information (see :meth:`PlanStore.create`).

    ``schema_version`` below the current one makes the stores older versions wrote, for
    upgrade tests; such a store is not opened here (opening upgrades it).
    """
    backend = open_backend(location, user=user, connect=connect)
    backend.check_new(overwrite)
    srs = srs_definition(crs, srs_wkt)
    info = normalise_plan_info(replace(info, crs=srs.authid))
    timestamp = format_timestamp(clock())

    def fill(session: Session) -> None:
        columns = ["name", "jurisdiction", "period_start", "period_end", "base_year", "author",
                   "crs", "created_at", "updated_at"]  # fmt: skip
        values = [info.name, info.jurisdiction or None, info.period_start, info.period_end,
                  info.base_year, info.author or None, srs.authid, timestamp,
                  timestamp]  # fmt: skip
        if schema_version >= 3:
            columns.append("updated_by")
            values.append(backend.user(session))
        session.execute(
            f"INSERT INTO plan_info ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            values,
        )

    backend.create(srs, timestamp, fill, schema_version)
    return backend


class PlanStore:
    """A plan store. Make one with :meth:`create` or :meth:`open`, not the constructor.

    ``standard`` and ``rubric`` (optional, assignable) are what saves are checked against:
    project type codes against the standard's codes, manual scores against the rubric's
    manual points and maxima.

    After :meth:`open` upgraded an older store, ``upgraded_from`` is its old schema version and
    ``backup_path`` the copy written first (a file, or for PostgreSQL the backup schema's
    name), so that a dialog can tell the user.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        schema_version: int,
        srs_id: int,
        crs: str,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        upgraded_from: Optional[int] = None,
        backup_path: Any = None,
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.backend = backend
        self.schema_version = schema_version
        self.srs_id = srs_id
        self.crs = crs
        self.standard = standard
        self.rubric = rubric
        self.upgraded_from = upgraded_from
        self.backup_path = backup_path
        self.clock = clock

    @property
    def path(self) -> Optional[Path]:
        """The GeoPackage file; None for a store in PostgreSQL."""
        return getattr(self.backend, "path", None)

    @property
    def location(self) -> str:
        """How messages name the store (the file, or database and schema; never a password)."""
        return self.backend.location

    @property
    def source(self) -> str:
        """What opens this store again: the file path or the ``postgres:`` address."""
        return self.backend.source

    @property
    def kind(self) -> str:
        """``gpkg`` or ``postgres``."""
        return self.backend.kind

    # ----------------------------------------------------------------------------------------
    # Creating and opening
    # ----------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        location: Location,
        info: PlanInfo,
        crs: Union[str, int],
        srs_wkt: Optional[str] = None,
        *,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        overwrite: bool = False,
        clock: Callable[[], datetime.datetime] = utc_now,
        user: Optional[str] = None,
        connect: Optional[Callable] = None,
    ) -> PlanStore:
        """Create a store at ``location`` for a plan in ``crs`` and open it.

        ``location`` is a ``.gpkg`` path or a ``postgres:`` address (see :mod:`.postgis`).
        ``crs`` is ``EPSG:32650`` (or ``32650``, or another authority with ``srs_wkt``);
        ``srs_wkt`` is its WKT definition, needed for a GeoPackage unless the EPSG code is
        built in (see :mod:`.srs`). A GeoPackage is built under a temporary name and moved into
        place complete, so an existing file is replaced (``overwrite``) only by a finished
        store; a PostgreSQL schema is created in one transaction.
        """
        backend = open_backend(location, user=user, connect=connect)
        build_store(backend, info, crs, srs_wkt, overwrite=overwrite, clock=clock)
        return cls.open(backend, standard=standard, rubric=rubric, clock=clock)

    @classmethod
    def open(
        cls,
        location: Location,
        *,
        standard: Optional[FacilityStandard] = None,
        rubric: Optional[Rubric] = None,
        clock: Callable[[], datetime.datetime] = utc_now,
        user: Optional[str] = None,
        connect: Optional[Callable] = None,
    ) -> PlanStore:
        """Open the store at ``location``, upgrading it (after a backup) if it is older.

        Raises :class:`DataError` saying so when the store is missing, not a plan store, or
        from a newer version; such stores are not changed.
        """
        backend = open_backend(location, user=user, connect=connect)
        version = backend.schema_version()
        srs_id, crs = backend.read_crs()
        upgraded_from = backup = None
        if version < SCHEMA_VERSION:
            backup = backend.upgrade(version, srs_id, format_timestamp(clock()))
            upgraded_from = version
        return cls(
            backend,
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
        """Copy this store to the GeoPackage ``path`` and open the copy (e.g. when this store
        is read-only). A GeoPackage is copied whole; a PostgreSQL store's records are written
        into a new file (their history stays in the database)."""
        target = Path(path)
        if isinstance(self.backend, GeoPackageBackend):
            copy = self.backend.copy_to(target, overwrite)
            return PlanStore.open(
                copy, standard=self.standard, rubric=self.rubric, clock=self.clock
            )
        info = self.info()
        copy_store = PlanStore.create(
            target,
            replace(info, version=0),
            self.crs,
            getattr(self.backend, "srs_wkt", lambda: None)(),
            standard=self.standard,
            rubric=self.rubric,
            overwrite=overwrite,
            clock=self.clock,
        )
        copy_store.save(
            Changes(
                projects=tuple(replace(p, version=0) for p in self.projects()),
                manual_scores=tuple(replace(s, version=0) for s in self.manual_scores()),
                targets=tuple(replace(t, version=0) for t in self.targets()),
            )
        )
        return copy_store

    @property
    def read_only(self) -> bool:
        """Whether this user may not save to the store (see :meth:`read_only_reason`)."""
        return self.backend.read_only_reason() is not None

    def read_only_reason(self) -> Optional[DataError]:
        """Why saving would be refused before anything is touched (a file marked read-only, a
        database role with read rights only), or None."""
        return self.backend.read_only_reason()

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    def _rows(self, spec: TableSpec, session: Optional[Session] = None) -> List[Dict[str, Any]]:
        """Every row of ``spec``'s table as {column: value}, geometry decoded, in fid order."""
        columns = self._read_columns(spec)
        select = self._select(spec, columns)
        if session is not None:
            fetched = session.execute(select + " ORDER BY fid").fetchall()
        else:
            with self.backend.reading() as reader:
                fetched = reader.execute(select + " ORDER BY fid").fetchall()
        return [self._row(spec, columns, values) for values in fetched]

    def _read_columns(self, spec: TableSpec) -> Tuple[str, ...]:
        extra = ("created_at",) if spec.created else ()
        crs = ("crs",) if spec.name == PLAN_INFO else ()
        geometry = (GEOMETRY,) if spec.geometry else ()
        return ("fid", *geometry, *spec.columns, *extra, *crs, "version", "updated_at",
                "updated_by")  # fmt: skip

    def _select(self, spec: TableSpec, columns: Sequence[str]) -> str:
        parts = [
            self.backend.geometry_select(GEOMETRY_COLUMN) if column == GEOMETRY else column
            for column in columns
        ]
        return f"SELECT {', '.join(parts)} FROM {spec.name}"

    def _row(self, spec: TableSpec, columns: Sequence[str], values: Sequence[Any]) -> dict:
        row = dict(zip(columns, values))
        if spec.geometry:
            try:
                row[GEOMETRY] = self.backend.decode_geometry(row[GEOMETRY])
            except ValueError as error:
                record = row.get("name") or row.get("id")
                raise DataError(
                    _BAD_BLOB, file=self.location, table=spec.name, record=str(record),
                    reason=str(error),
                ) from None  # fmt: skip
        return row

    def info(self) -> PlanInfo:
        rows = self._rows(TABLES[PLAN_INFO])
        if not rows:
            raise DataError(self.backend.NO_INFO, file=self.location)
        return TABLES[PLAN_INFO].from_row(rows[0])

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
        spec = TABLES[PROJECTS]
        projects = [spec.from_row(row) for row in self._rows(spec)]
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
        with self.backend.reading() as session:
            rows = session.execute(
                "SELECT community_id FROM projects UNION SELECT community_id FROM manual_scores "
                "UNION SELECT community_id FROM targets"
            ).fetchall()
        return sorted({community_key(row[0]) for row in rows if row[0] is not None})

    def manual_scores(self, community_id: Any = None) -> List[ManualScore]:
        """Manual scores (rubric :class:`ManualScore` rows), optionally of some communities."""
        communities = _id_set(community_id)
        spec = TABLES[MANUAL_SCORES]
        return [
            spec.from_row(row)
            for row in self._rows(spec)
            if communities is None or community_key(row["community_id"]) in communities
        ]

    def targets(self, community_id: Any = None) -> List[Target]:
        communities = _id_set(community_id)
        spec = TABLES[TARGETS]
        return [
            spec.from_row(row)
            for row in self._rows(spec)
            if communities is None or community_key(row["community_id"]) in communities
        ]

    def history(
        self, table: Optional[str] = None, record_id: Optional[str] = None
    ) -> List[HistoryEntry]:
        """Saved changes, oldest first; optionally of one table and one record (a project's
        id, ``community/point`` of a manual score ...)."""
        conditions, params = [], []
        if table is not None:
            conditions.append("table_name = ?")
            params.append(table)
        if record_id is not None:
            conditions.append("record_id = ?")
            params.append(record_id)
        where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
        with self.backend.reading() as session:
            rows = session.execute(
                "SELECT changed_at, changed_by, table_name, record_id, record_name, action, "
                f"field, old_value, new_value, version FROM {HISTORY}{where} ORDER BY fid",
                params,
            ).fetchall()
        return [
            HistoryEntry(
                changed_at=_text(at), changed_by=_text(by), table=_text(table_name),
                record_id=_text(record), record_name=_text(name), action=_text(action),
                field=_text(field), old_value=old, new_value=new,
                version=int(version) if version is not None else 0,
            )
            for at, by, table_name, record, name, action, field, old, new, version in rows
        ]  # fmt: skip

    def status_dates(self) -> Dict[str, Dict[str, str]]:
        """Per project id: when it first reached each status (from the history; UTC)."""
        return changes_history.status_dates(self.history(PROJECTS))

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
                DataError(_CRS_FIXED, file=self.location, crs=self.crs, other=changes.info.crs),
            )
        return errors

    def save(self, changes: Changes, *, all_or_nothing: bool = False) -> SaveResult:
        """Write ``changes`` in one transaction: every record nobody else changed meanwhile.

        Raises :class:`DataError` for the first invalid record (nothing written), for a
        read-only store, and for a write that fails (rolled back; the store is as it was).
        Records changed or deleted by someone else since they were read are refused with
        :class:`ConflictError`, which says what was saved of the rest; with ``all_or_nothing``
        nothing is then saved. ``changes`` is not modified, so the caller can keep it.
        """
        errors = self.validate(changes)
        if errors:
            raise errors[0]
        if changes.is_empty():
            return SaveResult((), 0, 0, 0, 0, 0)
        clean = _normalised(changes, self.standard, self.rubric)
        refused = self.read_only_reason()
        if refused is not None:
            raise refused
        timestamp = format_timestamp(self.clock())
        writer: Optional[_SaveWriter] = None
        try:
            with self.backend.writing() as session:
                writer = _SaveWriter(self, session, timestamp, self.backend.user(session))
                result = writer.write(clean)
                if result.conflicts and all_or_nothing:
                    raise _Refused
        except _Refused:
            assert writer is not None
            raise ConflictError(writer.conflicts, None) from None
        except BaseException as error:
            failure = self.backend.failure(error)
            if failure is not None:
                raise failure from error
            raise
        if result.conflicts:
            raise ConflictError(result.conflicts, result)
        return result

    # ----------------------------------------------------------------------------------------
    # Workbooks
    # ----------------------------------------------------------------------------------------

    def export_projects_xlsx(self, path: PathLike) -> None:
        """Write every project to an .xlsx workbook (see :mod:`.excel`)."""
        export_projects_xlsx(self.projects(), path, self.standard)

    def import_projects_xlsx(self, path: PathLike) -> SaveResult:
        """Add and update projects from a workbook, all rows or (on any bad cell, or a project
        someone changed meanwhile) none.

        Rows with an id of a stored project update it; rows without id are new projects;
        stored projects missing from the sheet are kept.
        """
        existing = {project.id: project for project in self.projects()}
        projects = read_projects_xlsx(path, self.standard, existing)
        return self.save(Changes(projects=tuple(projects)), all_or_nothing=True)


class _SaveWriter:
    """One save inside its transaction: per table, compare versions, write, note history."""

    def __init__(self, store: PlanStore, session: Session, timestamp: str, user: str) -> None:
        self.store = store
        self.backend = store.backend
        self.session = session
        self.timestamp = timestamp
        self.user = user
        self.conflicts: List[Conflict] = []
        self.saved: Dict[Tuple[str, str], Any] = {}
        self.written = 0

    def write(self, changes: Changes) -> SaveResult:
        touched = set()
        counts = {}
        plan = [
            (PLAN_INFO, (changes.info,) if changes.info is not None else (), ()),
            (PROJECTS, changes.projects, changes.deleted_projects),
            (MANUAL_SCORES, changes.manual_scores, changes.deleted_manual_scores),
            (TARGETS, changes.targets, changes.deleted_targets),
        ]
        projects: Tuple[Project, ...] = ()
        for table, records, deletions in plan:
            if not records and not deletions:
                counts[table] = (0, 0, 0, ())
                continue
            saved, inserted, updated, deleted = self._write_table(TABLES[table], records, deletions)
            counts[table] = (inserted, updated, deleted, saved)
            self.written += inserted + updated + deleted
            if inserted or updated or deleted:
                touched.add(table)
            if table == PROJECTS:
                projects = tuple(saved)
        if touched:
            self.backend.touch(self.session, sorted(touched | {HISTORY}), self.timestamp)
        inserted, updated, deleted, _saved = counts[PROJECTS]
        return SaveResult(
            projects,
            inserted,
            updated,
            deleted,
            len(counts[MANUAL_SCORES][3]),
            len(counts[TARGETS][3]),
            tuple(self.conflicts),
            dict(self.saved),
            self.written,
        )

    # One table -------------------------------------------------------------------------------

    def _write_table(
        self, spec: TableSpec, records: Sequence[Any], deletions: Sequence[Any]
    ) -> Tuple[List[Any], int, int, int]:
        """Deletions first, then upserts in the order given (new records keep it), after
        locking every stored row involved in key order, so that two saves in PostgreSQL
        cannot each hold a row the other waits for."""
        doomed = [_deletion_key(spec, item) for item in deletions]
        self._lock(spec, [key for key, _version in doomed] + [spec.key_of(r) for r in records])
        deleted = sum(self._delete(spec, key, version) for key, version in doomed)
        saved: List[Any] = []
        inserted = updated = 0
        for record in records:
            outcome, kept = self._upsert(spec, record)
            if outcome is None:
                continue
            saved.append(kept)
            inserted += outcome == INSERT
            updated += outcome == UPDATE
        return saved, inserted, updated, deleted

    def _lock(self, spec: TableSpec, keys: Sequence[Key]) -> None:
        if not self.backend.lock_rows:  # SQLite: BEGIN IMMEDIATE holds the whole file
            return
        for key in sorted(set(keys), key=_sort_key):
            self._current(spec, key)

    def _current(self, spec: TableSpec, key: Key) -> Optional[Dict[str, Any]]:
        """The stored row of ``key``, locked until the transaction ends."""
        where, params = _where(spec, key)
        columns = self.store._read_columns(spec)
        sql = self.store._select(spec, columns) + f" WHERE {where}" + self.backend.lock_rows
        values = self.session.execute(sql, params).fetchone()
        return None if values is None else self.store._row(spec, columns, values)

    def _upsert(self, spec: TableSpec, record: Any) -> Tuple[Optional[str], Any]:
        """(insert / update / None for unchanged or refused, the record as stored)."""
        key = spec.key_of(record)
        new = spec.to_row(record)
        fields = spec.fields + ((GEOMETRY,) if spec.geometry else ())
        current = self._current(spec, key)
        if current is None:
            if record.version:
                self._refuse(spec, key, record, "deleted", "save", None)
                return None, None
            return self._insert(spec, key, record, new, fields)
        if record.version != int(current["version"]):
            self._refuse(spec, key, record, "changed", "save", current)
            return None, None
        changed = changed_fields(current, new, fields)
        if not changed:
            kept = stored(record, current)
            self.saved[(spec.name, spec.record_id(key))] = kept
            return "unchanged", kept
        version = int(current["version"]) + 1
        assignments = [
            f"{GEOMETRY_COLUMN} = {self.backend.geometry_placeholder(self.store.srs_id)}"
            if name == GEOMETRY else f"{name} = ?"
            for name in changed
        ]  # fmt: skip
        params = [self._value(name, new[name]) for name in changed]
        self.session.execute(
            f"UPDATE {spec.name} SET {', '.join(assignments)}, version = ?, updated_at = ?, "
            "updated_by = ? WHERE fid = ?",
            (*params, version, self.timestamp, self.user, current["fid"]),
        )
        self._note(spec, key, record, UPDATE, changed, current, new, version)
        bookkeeping = {"version": version, "updated_at": self.timestamp, "updated_by": self.user}
        if spec.created:
            bookkeeping["created_at"] = _text(current.get("created_at")) or self.timestamp
        kept = stored(record, bookkeeping)
        self.saved[(spec.name, spec.record_id(key))] = kept
        return UPDATE, kept

    def _insert(self, spec, key, record, new, fields) -> Tuple[Optional[str], Any]:
        columns = [*spec.columns, "version", "updated_at", "updated_by"]
        params = [self._value(name, new[name]) for name in spec.columns]
        params += [1, self.timestamp, self.user]
        placeholders = ["?"] * len(columns)
        created = ""
        if spec.created:
            created = _text(getattr(record, "created_at", "")) or self.timestamp
            columns.append("created_at")
            params.append(created)
            placeholders.append("?")
        if spec.geometry:
            columns.insert(0, GEOMETRY_COLUMN)
            params.insert(0, self._value(GEOMETRY, new[GEOMETRY]))
            placeholders.insert(0, self.backend.geometry_placeholder(self.store.srs_id))
        cursor = self.session.execute(
            f"INSERT INTO {spec.name} ({', '.join(columns)}) VALUES ({', '.join(placeholders)}) "
            "ON CONFLICT DO NOTHING",
            params,
        )
        if cursor.rowcount == 0:  # saved by someone else since this save looked
            self._refuse(spec, key, record, "changed", "save", self._current(spec, key))
            return None, None
        self._note(spec, key, record, INSERT, changed_fields(None, new, fields), None, new, 1)
        bookkeeping = {"version": 1, "updated_at": self.timestamp, "updated_by": self.user}
        if spec.created:
            bookkeeping["created_at"] = created
        kept = stored(record, bookkeeping)
        self.saved[(spec.name, spec.record_id(key))] = kept
        return INSERT, kept

    def _delete(self, spec: TableSpec, key: Key, version: Optional[int]) -> int:
        current = self._current(spec, key)
        if current is None:
            return 0  # deleted by someone else first: what was wanted
        record = spec.from_row(current)
        if version is not None and version != int(current["version"]):
            self._refuse(spec, key, record, "changed", "delete", current)
            return 0
        self.session.execute(f"DELETE FROM {spec.name} WHERE fid = ?", (current["fid"],))
        fields = spec.fields + ((GEOMETRY,) if spec.geometry else ())
        self._note(
            spec, key, record, DELETE, changed_fields(current, None, fields), current, None,
            int(current["version"]),
        )  # fmt: skip
        return 1

    # Helpers ---------------------------------------------------------------------------------

    def _value(self, name: str, value: Any) -> Any:
        if name == GEOMETRY:
            return self.backend.encode_geometry(value, self.store.srs_id)
        return value

    def _note(self, spec, key, record, action, fields, old, new, version) -> None:
        """One history row per changed field."""
        record_id, name = spec.record_id(key), spec.describe(record)
        for field in fields:
            self.session.execute(
                f"INSERT INTO {HISTORY} (changed_at, changed_by, table_name, record_id, "
                "record_name, action, field, old_value, new_value, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.timestamp, self.user, spec.name, record_id, name, action, field,
                 value_text(old.get(field)) if old else None,
                 value_text(new.get(field)) if new else None, version),
            )  # fmt: skip

    def _refuse(self, spec, key, record, change, refused, current) -> None:
        record_id = spec.record_id(key)
        if current is not None:
            by, at = _text(current.get("updated_by")), _text(current.get("updated_at"))
            now = spec.from_row(current)
        else:
            by, at = self._deleted_by(spec.name, record_id)
            now = None
        self.conflicts.append(
            Conflict(spec.name, record_id, spec.describe(record), change, refused, by, at, now)
        )

    def _deleted_by(self, table: str, record_id: str) -> Tuple[str, str]:
        row = self.session.execute(
            f"SELECT changed_by, changed_at FROM {HISTORY} WHERE table_name = ? AND "
            "record_id = ? AND action = ? ORDER BY fid DESC LIMIT 1",
            (table, record_id, DELETE),
        ).fetchone()
        return ("", "") if row is None else (_text(row[0]), _text(row[1]))


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _where(spec: TableSpec, key: Key) -> Tuple[str, Tuple[Any, ...]]:
    if not spec.key:
        return f"fid = (SELECT min(fid) FROM {spec.name})", ()
    return " AND ".join(f"{column} = ?" for column in spec.key), tuple(key)


def _deletion_key(spec: TableSpec, item: Any) -> Tuple[Key, Optional[int]]:
    """(key, version read) of a deletion: a record as read, or a bare key (no version check:
    whatever is stored is deleted)."""
    if hasattr(item, "version") and not isinstance(item, tuple):
        return spec.key_of(item), int(item.version) if item.version else None
    if spec.name == PROJECTS:
        return (str(item).strip(),), None
    if spec.name == MANUAL_SCORES:
        community, point = item
        return (community_key(community), str(point).strip()), None
    community, indicator, year = item
    return (community_key(community), str(indicator).strip(), year), None


def _sort_key(key: Key) -> Tuple[str, ...]:
    return tuple(str(part) for part in key)


def _normalised(
    changes: Changes, standard: Optional[FacilityStandard], rubric: Optional[Rubric]
) -> Changes:
    """``changes`` with every record's values as they will be stored."""
    return Changes(
        info=None if changes.info is None else normalise_plan_info(changes.info),
        projects=tuple(normalise_project(project, standard) for project in changes.projects),
        deleted_projects=tuple(changes.deleted_projects),
        manual_scores=tuple(normalise_manual_score(s, rubric) for s in changes.manual_scores),
        deleted_manual_scores=tuple(changes.deleted_manual_scores),
        targets=tuple(normalise_target(target) for target in changes.targets),
        deleted_targets=tuple(changes.deleted_targets),
    )


def _id_set(value: Any) -> Optional[set]:
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return {community_key(value)}
    return {community_key(item) for item in value}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


__all__ = [
    "ConflictError",
    "PlanStore",
    "backup_path_for",
    "conflict_error",
    "format_timestamp",
    "open_backend",
    "projects_layer_uri",
    "read_schema_version",
    "shown_time",
]
