"""The plan store in a PostgreSQL/PostGIS schema: what an institute's team shares.

A GeoPackage on a shared network drive is SQLite over SMB, which is not safe for several
writers; a database is. This backend keeps the same tables as a GeoPackage store, in one schema
of a PostGIS database (several plans: several schemas), with the same validation, conflicts,
history and migrations (all in :mod:`.store` and :mod:`.migrations`). What differs:

- **Addresses.** A store is named by text that never holds a password, so that it can stand in
  a QGIS project, a model or a script: ``postgres: connection='院内数据库' schema=plan_2025``
  (a saved QGIS connection, resolved by the plugin with QGIS's connections and authentication
  configurations) or ``postgres: service=plans schema=plan_2025`` / ``postgres: host=db
  dbname=gis user=alice schema=plan_2025`` (libpq's own: a service file, ``~/.pgpass``,
  ``PGPASSWORD``). See :func:`parse_address`.
- **Who** saves is the database user (``session_user``); what they may do is the database's
  rights: a role that may only read opens the store read-only and saving is refused before
  anything is touched.
- **Concurrency.** A save is one transaction that locks the rows it compares (``SELECT ... FOR
  UPDATE``) in key order, so two saves of the same project are serialised and the second is
  refused; saves of different projects both go through. A connection lost mid-save leaves
  nothing: the server rolls an unfinished transaction back.
- **Upgrades** copy the schema's tables into ``<schema>_v<old>_bak`` and migrate, in one
  transaction, by a role that owns the tables.

psycopg2 is the driver: QGIS's Windows and macOS installers ship it and Debian has
``python3-psycopg2``. It is imported only when a PostgreSQL store is used, and its absence is
reported with what to install.
"""

from __future__ import annotations

import datetime
import decimal
import re
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from shapely import wkb

from ..errors import N_, DataError
from .migrations import SCHEMA_VERSION, SchemaWriter, check_version, create_schema, upgrade
from .model import PROJECTS
from .sql import Backend, Session
from .srs import SrsDefinition

PREFIX = "postgres:"
#: libpq connection keywords an address may carry (no password: see :data:`_PASSWORD`).
LIBPQ_KEYS = (
    "host", "hostaddr", "port", "dbname", "user", "service", "sslmode", "sslrootcert",
    "sslcert", "sslkey", "sslcrl", "connect_timeout", "target_session_attrs", "passfile",
)  # fmt: skip
#: keys QGIS resolves: a saved connection's name, an authentication configuration's id.
QGIS_KEYS = ("connection", "authcfg")
PROJECTS_GEOMETRY_TYPES = ("Point", "Polygon")

_NO_DRIVER = N_(
    "A plan store in PostgreSQL needs the Python package 'psycopg2', which this Python lacks. "
    "QGIS's Windows and macOS installers include it; on Linux install python3-psycopg2 (or "
    "'python -m pip install psycopg2-binary') and restart QGIS"
)
_BAD_ADDRESS = N_(
    "Plan store address '{address}' cannot be read: {problem}. Write it like postgres: "
    "connection='my connection' schema=plan_2025, or postgres: service=plans schema=plan_2025"
)
_PASSWORD = N_(
    "Plan store address '{address}': a password must not be written into a plan store "
    "address (it would be kept in projects, models and logs). Use a saved QGIS connection with "
    "an authentication configuration, a PostgreSQL service file or ~/.pgpass instead"
)
_NEEDS_QGIS = N_(
    "Plan store {file}: the address names a saved QGIS connection or authentication "
    "configuration, which only the plugin inside QGIS (or qgis_process) can resolve"
)
_CANNOT_CONNECT = N_("Plan store {file}: could not connect to the database: {reason}")
_NO_POSTGIS = N_(
    "Plan store {file}: the database has no PostGIS. Ask its administrator to run CREATE "
    "EXTENSION postgis in it"
)
_NO_SCHEMA = N_("Plan store {file}: the database has no schema '{schema}'")
_NOT_PLAN = N_(
    "{file} is not a plan store: it has no '{table}' table of format '{format}'. The schema "
    "was left unchanged"
)
_BAD_VERSION = N_(
    "Plan store {file}: the schema version '{version}' in table plan_meta is not a whole number "
    "of 1 or more. The schema was left unchanged"
)
_NEWER = N_(
    "Plan store {file} was written by a newer version of the plugin (schema version {version}; "
    "this version reads up to {supported}). Update the plugin. The schema was left unchanged"
)
_NO_INFO = N_("Plan store {file}: table plan_info has no row; the store is damaged")
_READ_ONLY = N_(
    "Plan store {file}: database role {role} may only read this plan, so it is open read-only "
    "and nothing was saved. Your entries are kept: save them to a GeoPackage copy, or ask the "
    "database administrator for editing rights"
)
_SAVE_FAILED = N_(
    "Plan store {file}: saving failed ({reason}). The database undid the whole save, so the "
    "plan is as it was before, and your entries are kept"
)
_CONNECTION_LOST = N_(
    "Plan store {file}: the connection to the database was lost while saving ({reason}). The "
    "database undoes an unfinished save, so nothing of it was written; your entries are kept. "
    "Save again when the database can be reached"
)
_UPGRADE_NEEDS_OWNER = N_(
    "Plan store {file} was written by an older version of the plugin (schema version "
    "{version}) and must be upgraded by the role that owns its tables; database role {role} "
    "may not ({reason}). Ask the schema's owner to open it once with this version. The schema "
    "was left unchanged"
)
_UPGRADE_FAILED = N_(
    "Plan store {file}: the upgrade from schema version {version} failed ({reason}); it needs "
    "the role that owns the schema's tables and the right to create a backup schema. The "
    "schema was left unchanged"
)
_EXISTS = N_(
    "Plan store {file}: schema '{schema}' already holds a plan store; open it, or choose "
    "another schema name"
)
_OVERWRITE = N_(
    "Plan store {file}: a plan store in a database is never replaced by the plugin; drop "
    "schema '{schema}' yourself first if you really mean to, or choose another schema name"
)
_NOT_EMPTY = N_(
    "Plan store {file}: schema '{schema}' already holds other tables ({tables}); create the "
    "plan store in a new or an empty schema"
)
_UNKNOWN_SRID = N_(
    "Plan store {file}: the coordinate reference system {crs} is not in the database's "
    "spatial_ref_sys table; choose an EPSG system the database knows"
)
_CREATE_FAILED = N_("Plan store {file} could not be created: {reason}. Nothing was created")

_WORDS = {
    "fid": "fid integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    "real": "double precision",
    "datetime": "timestamptz",
    "date": "date",
}
#: What an editing role needs on each table (upgrades need the owner).
EDITING_RIGHTS = (
    ("plan_info", "UPDATE"),
    ("projects", "INSERT"), ("projects", "UPDATE"), ("projects", "DELETE"),
    ("manual_scores", "INSERT"), ("manual_scores", "UPDATE"), ("manual_scores", "DELETE"),
    ("targets", "INSERT"), ("targets", "UPDATE"), ("targets", "DELETE"),
    ("history", "INSERT"),
)  # fmt: skip
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)")
_PLAIN = re.compile(r"[A-Za-z0-9_.:/@+-]+\Z")


def psycopg2() -> Any:
    """The psycopg2 module, or DataError saying what to install."""
    try:
        import psycopg2 as driver
        import psycopg2.errors
    except ImportError:
        raise DataError(_NO_DRIVER) from None
    return driver


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresAddress:
    """Where a PostgreSQL plan store is: connection keywords and the schema; no password."""

    schema: str
    params: Tuple[Tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)

    @property
    def connection(self) -> str:
        """The name of a saved QGIS connection ('' when the address uses libpq's keywords)."""
        return self.get("connection")

    def text(self) -> str:
        """The address written out, to be read back by :func:`parse_address`."""
        parts = [f"{key}={_quoted(value)}" for key, value in self.params]
        parts.append(f"schema={_quoted(self.schema)}")
        return PREFIX + " " + " ".join(parts)

    def display(self) -> str:
        """How messages name the store: ``PostgreSQL 院内数据库, schema plan_2025``."""
        if self.connection:
            where = self.connection
        else:
            database = self.get("dbname") or self.get("service")
            host = self.get("host") or self.get("hostaddr")
            where = f"{database}@{host}" if host and database else database or host or "?"
        return f"PostgreSQL {where}, schema {self.schema}"


def is_address(text: str) -> bool:
    """Whether ``text`` names a PostgreSQL store (``postgres:...``), not a file."""
    return str(text).strip().lower().startswith(PREFIX)


def parse_address(text: str) -> PostgresAddress:
    """The address in ``text``; DataError for a malformed one or one holding a password.

    ``postgres:`` is followed by ``key=value`` pairs (values in single quotes when they hold
    spaces; ``\\'`` for a quote): ``schema`` (required), then either ``connection`` (a saved
    QGIS connection's name) or libpq's keywords (``service``, ``host``, ``port``, ``dbname``,
    ``user``, ``sslmode`` ...), and optionally ``authcfg`` (a QGIS authentication
    configuration's id).
    """
    source = str(text).strip()
    if not is_address(source):
        raise DataError(_BAD_ADDRESS, address=source, problem="it does not start with postgres:")
    rest = source[len(PREFIX) :].strip()
    if rest.startswith("//"):
        raise DataError(
            _BAD_ADDRESS, address=_without_password(source), problem="URLs are not read here"
        )
    values: Dict[str, str] = {}
    position = 0
    while position < len(rest):
        match = _TOKEN.match(rest, position)
        if match is None:
            if not rest[position:].strip():
                break
            raise DataError(
                _BAD_ADDRESS, address=_without_password(source),
                problem=f"unexpected text at '{rest[position:position + 20]}'",
            )  # fmt: skip
        key, raw = match.group(1).lower(), match.group(2)
        if key == "password":
            raise DataError(_PASSWORD, address=_without_password(source))
        value = raw[1:-1].replace("\\'", "'").replace("\\\\", "\\") if raw[:1] == "'" else raw
        if key not in (*LIBPQ_KEYS, *QGIS_KEYS, "schema"):
            raise DataError(_BAD_ADDRESS, address=source, problem=f"unknown keyword '{key}'")
        values[key] = value
        position = match.end()
    schema = values.pop("schema", "").strip()
    if not schema:
        raise DataError(_BAD_ADDRESS, address=source, problem="schema=... is missing")
    ordered = tuple((key, values[key]) for key in (*QGIS_KEYS, *LIBPQ_KEYS) if key in values)
    return PostgresAddress(schema, ordered)


def address_text(schema: str, **params: str) -> str:
    """An address from its parts (empty values left out): ``address_text("plan",
    connection="院内数据库")``."""
    if "password" in params:
        raise ValueError("no password in an address")
    ordered = tuple((key, str(params[key])) for key in (*QGIS_KEYS, *LIBPQ_KEYS) if params.get(key))
    return PostgresAddress(schema, ordered).text()


def _quoted(value: str) -> str:
    if value and _PLAIN.match(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _without_password(text: str) -> str:
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", r"\1***", text, flags=re.I)


def libpq_params(address: PostgresAddress) -> Dict[str, str]:
    """The connection keywords of an address that needs no QGIS (no connection, no authcfg)."""
    if address.connection or address.get("authcfg"):
        raise DataError(_NEEDS_QGIS, file=address.display())
    return dict(address.params)


# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------


class _Cursor:
    """A psycopg2 cursor whose values look like SQLite's: ISO text times, floats, bytes."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount

    def fetchone(self) -> Optional[Tuple[Any, ...]]:
        row = self._cursor.fetchone()
        return None if row is None else tuple(_plain(value) for value in row)

    def fetchall(self) -> List[Tuple[Any, ...]]:
        return [tuple(_plain(value) for value in row) for row in self._cursor.fetchall()]


class PgSession:
    """A psycopg2 connection that runs the store's ``?``-placeholder SQL."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Iterable[Any] = ()) -> _Cursor:
        values = tuple(params)
        cursor = self.connection.cursor()
        if values:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), values)
        else:
            cursor.execute(sql)
        return _Cursor(cursor)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        moment = moment.astimezone(datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


# --------------------------------------------------------------------------------------------
# The backend
# --------------------------------------------------------------------------------------------


class PostgisBackend(Backend):
    """A plan store in schema ``address.schema``. ``connect`` turns the address into libpq
    keywords (with a password in memory where one is needed); without it the address must use
    libpq's own keywords."""

    kind = "postgres"
    NOT_PLAN = _NOT_PLAN
    BAD_VERSION = _BAD_VERSION
    NEWER = _NEWER
    NO_INFO = _NO_INFO
    lock_rows = " FOR UPDATE"

    def __init__(
        self,
        address: PostgresAddress,
        connect: Optional[Callable[[PostgresAddress], Mapping[str, str]]] = None,
    ) -> None:
        self.address = address
        self.schema = address.schema
        self._resolve = connect or libpq_params

    def __repr__(self) -> str:
        return f"PostgisBackend({self.address.display()!r})"

    @property
    def location(self) -> str:
        return self.address.display()

    @property
    def source(self) -> str:
        return self.address.text()

    # Connections ------------------------------------------------------------------------

    def connect(self) -> Any:
        """A new psycopg2 connection, search path starting at the store's schema."""
        driver = psycopg2()
        params = dict(self._resolve(self.address))
        ask = getattr(self._resolve, "ask_password", None)
        for attempt in range(_PASSWORD_ATTEMPTS + 1):
            params.setdefault("connect_timeout", "10")
            params.setdefault("application_name", "complete_community")
            try:
                connection = driver.connect(**params)
                break
            except driver.Error as error:
                reason = _reason(error)
                asked = None
                if ask is not None and attempt < _PASSWORD_ATTEMPTS and _wants_password(reason):
                    asked = ask(self.address, reason)  # the user types it (QGIS asks)
                if asked is None:
                    raise DataError(_CANNOT_CONNECT, file=self.location, reason=reason) from None
                params = dict(asked)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('search_path', quote_ident(%s) || ', ' || "
                    "current_setting('search_path'), false)",
                    (self.schema,),
                )
            connection.commit()
        except driver.Error as error:
            connection.close()
            raise DataError(_CANNOT_CONNECT, file=self.location, reason=_reason(error)) from None
        return connection

    @contextmanager
    def reading(self) -> Iterator[Session]:
        connection = self.connect()
        try:
            connection.set_session(readonly=True, autocommit=True)
            yield PgSession(connection)
        finally:
            connection.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        connection = self.connect()
        try:
            yield PgSession(connection)
            connection.commit()
        except BaseException:
            with suppress(Exception):  # a connection that is gone: the server rolled back
                connection.rollback()
            raise
        finally:
            connection.close()

    def user(self, session: Session) -> str:
        row = session.execute("SELECT session_user").fetchone()
        return str(row[0]) if row else ""

    def read_only_reason(self) -> Optional[Exception]:
        with self.reading() as session:
            role = self.user(session)
            if not self._may_edit(session):
                return DataError(_READ_ONLY, file=self.location, role=role)
        return None

    def _may_edit(self, session: Session) -> bool:
        """Whether the session's role has every editing right, on a server that takes writes
        (not a standby, not read-only by default)."""
        row = session.execute(  # reset_val: the role's and server's, not this session's SET
            "SELECT pg_is_in_recovery() OR reset_val = 'on' FROM pg_settings "
            "WHERE name = 'default_transaction_read_only'"
        ).fetchone()
        if row and row[0]:
            return False
        for table, right in EDITING_RIGHTS:
            allowed = session.execute(
                "SELECT CASE WHEN to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NULL "
                "THEN false ELSE has_table_privilege(quote_ident(?) || '.' || quote_ident(?), ?) "
                "END",
                (self.schema, table, self.schema, table, right),
            ).fetchone()
            if not (allowed and allowed[0]):
                return False
        return True

    def failure(self, error: BaseException) -> Optional[Exception]:
        try:
            driver = psycopg2()
        except DataError:
            return None
        if not isinstance(error, driver.Error):
            return None
        if isinstance(error, (driver.OperationalError, driver.InterfaceError)) and (
            getattr(error, "pgcode", None) is None or str(error.pgcode).startswith("57P")
        ):
            return DataError(_CONNECTION_LOST, file=self.location, reason=_reason(error))
        if getattr(error, "pgcode", None) in ("42501", "25006"):
            return DataError(_READ_ONLY, file=self.location, role=self.address.get("user", "?"))
        return DataError(_SAVE_FAILED, file=self.location, reason=_reason(error))

    # SQL --------------------------------------------------------------------------------

    def ddl(self, word: str, srs_id: int) -> str:
        if word == "geometry":
            return f"geometry(Geometry, {int(srs_id)})"
        return _WORDS[word]

    def geometry_select(self, column: str) -> str:
        return f"ST_AsBinary({column})"

    def geometry_placeholder(self, srs_id: int) -> str:
        return f"ST_GeomFromWKB(?, {int(srs_id)})"

    def encode_geometry(self, geometry: Any, srs_id: int) -> Any:
        if geometry is None:
            return None
        return psycopg2().Binary(wkb.dumps(geometry, output_dimension=2))

    def decode_geometry(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            geometry = wkb.loads(bytes(value))
        except Exception as error:  # shapely 1.8 WKBReadingError, 2.x GEOSException
            raise ValueError(str(error) or type(error).__name__) from None
        return None if geometry.is_empty else geometry

    def create_core(self, session: Session, srs: SrsDefinition) -> None:
        """Nothing: PostGIS keeps CRSs in spatial_ref_sys and geometry columns itself."""

    def register_table(self, session, table, identifier, description, timestamp, geometry=None):
        session.execute(f"COMMENT ON TABLE {table} IS ?", (description,))
        if geometry:
            session.execute(f"CREATE INDEX {table}_{geometry[0]}_idx ON {table} USING gist "
                            f"({geometry[0]})")  # fmt: skip

    def touch(self, session: Session, tables: Iterable[str], timestamp: str) -> None:
        """Nothing: QGIS reads a PostgreSQL layer afresh."""

    def version_trigger(self, session: Session, table: str, record_id_sql: str) -> None:
        session.execute(
            f"CREATE FUNCTION {table}_outside_edit() RETURNS trigger LANGUAGE plpgsql AS $body$ "
            "BEGIN "
            "IF NEW.version IS NOT DISTINCT FROM OLD.version THEN "
            "NEW.version := OLD.version + 1; NEW.updated_at := now(); "
            "NEW.updated_by := session_user; "
            "EXECUTE format('INSERT INTO %I.history (changed_at, changed_by, table_name, "
            "record_id, action, field, version) VALUES (now(), session_user, $1, $2, "
            "''update'', ''*'', $3)', TG_TABLE_SCHEMA) "
            f"USING TG_TABLE_NAME, {record_id_sql}, NEW.version; "
            "END IF; RETURN NEW; END $body$"
        )
        session.execute(
            f"CREATE TRIGGER {table}_outside_edit BEFORE UPDATE ON {table} FOR EACH ROW "
            f"EXECUTE PROCEDURE {table}_outside_edit()"
        )

    def history_index(self, session: Session) -> None:
        session.execute("CREATE INDEX history_record_idx ON history (table_name, record_id)")

    def has_table(self, session: Session, table: str) -> bool:
        row = session.execute(
            "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? "
            "AND c.relkind IN ('r', 'p')",
            (self.schema, table),
        ).fetchone()
        return row is not None

    def tables(self, session: Session) -> List[str]:
        rows = session.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', "
            "'m', 'f') ORDER BY c.relname",
            (self.schema,),
        ).fetchall()
        return [str(row[0]) for row in rows]

    # Opening ----------------------------------------------------------------------------

    def _check_database(self, session: Session) -> None:
        if (
            session.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
            is None
        ):
            raise DataError(_NO_POSTGIS, file=self.location)

    def _schema_exists(self, session: Session) -> bool:
        row = session.execute(
            "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?", (self.schema,)
        ).fetchone()
        return row is not None

    def schema_version(self) -> int:
        with self.reading() as session:
            self._check_database(session)
            if not self._schema_exists(session):
                raise DataError(_NO_SCHEMA, file=self.location, schema=self.schema)
            return check_version(self, session)

    def read_crs(self) -> Tuple[int, str]:
        with self.reading() as session:
            row = session.execute(
                "SELECT srid FROM geometry_columns WHERE f_table_schema = ? "
                "AND f_table_name = ? AND f_geometry_column = 'geom'",
                (self.schema, PROJECTS),
            ).fetchone()
            info = session.execute("SELECT crs FROM plan_info ORDER BY fid LIMIT 1").fetchone()
        if row is None:
            raise DataError(_NOT_PLAN, file=self.location, table=PROJECTS, format="")
        if info is None:
            raise DataError(_NO_INFO, file=self.location)
        return int(row[0]), (str(info[0]) if info[0] else f"EPSG:{int(row[0])}")

    def srs_wkt(self) -> Optional[str]:
        _srs_id, crs = self.read_crs()
        with self.reading() as session:
            row = session.execute(
                "SELECT srtext FROM spatial_ref_sys WHERE auth_name || ':' || auth_srid = ?",
                (crs,),
            ).fetchone()
        return str(row[0]) if row and row[0] else None

    def upgrade(self, version: int, srs_id: int, timestamp: str) -> str:
        """Copy the tables into a backup schema and migrate, in one transaction; returns the
        backup schema's name."""
        driver = psycopg2()
        backup, role = "", "?"
        try:
            with self.writing() as session:
                role = self.user(session)
                session.execute("LOCK TABLE plan_meta IN ACCESS EXCLUSIVE MODE")
                current = check_version(self, session)
                if current >= SCHEMA_VERSION:
                    return ""  # upgraded by someone else meanwhile
                backup = self._backup(session, current)
                upgrade(SchemaWriter(session, self, srs_id), current, timestamp)
                self._extend_grants(session)
        except driver.Error as error:
            if getattr(error, "pgcode", None) in ("42501", "25006"):
                raise DataError(
                    _UPGRADE_NEEDS_OWNER, file=self.location, version=version, role=role,
                    reason=_reason(error),
                ) from None  # fmt: skip
            raise DataError(
                _UPGRADE_FAILED, file=self.location, version=version, reason=_reason(error)
            ) from None
        return backup

    def _extend_grants(self, session: Session) -> None:
        """Give the roles that read or edit the projects the same rights on every table an
        upgrade added, so that a team keeps working after the owner upgraded the store."""
        rows = session.execute(
            "SELECT DISTINCT a.grantee, a.privilege_type FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, "
            "aclexplode(c.relacl) a WHERE n.nspname = ? AND c.relname = ? "
            "AND a.grantee <> c.relowner",
            (self.schema, PROJECTS),
        ).fetchall()
        rights: Dict[str, set] = {}
        for grantee, privilege in rows:
            role = "PUBLIC" if int(grantee) == 0 else self._role_name(session, int(grantee))
            rights.setdefault(role, set()).add(str(privilege))
        for role, privileges in sorted(rights.items()):
            editing = {"INSERT", "UPDATE", "DELETE"} <= privileges
            if "SELECT" in privileges:
                for statement in grant_statements(self.schema, role, editing):
                    session.execute(statement.replace('TO "PUBLIC"', "TO PUBLIC"))

    @staticmethod
    def _role_name(session: Session, oid: int) -> str:
        row = session.execute("SELECT rolname FROM pg_roles WHERE oid = ?", (oid,)).fetchone()
        return str(row[0])

    def _backup(self, session: Session, version: int) -> str:
        base = f"{self.schema}_v{version}_bak"
        name, number = base, 2
        while session.execute("SELECT 1 FROM pg_namespace WHERE nspname = ?", (name,)).fetchone():
            name, number = f"{base}{number}", number + 1
        quoted = _identifier(name)
        session.execute(f"CREATE SCHEMA {quoted}")
        for table in self.tables(session):
            session.execute(f"CREATE TABLE {quoted}.{_identifier(table)} AS TABLE "
                            f"{_identifier(self.schema)}.{_identifier(table)}")  # fmt: skip
        return name

    # Creating ---------------------------------------------------------------------------

    def check_new(self, overwrite: bool) -> None:
        with self.reading() as session:
            self._check_database(session)
            if not self._schema_exists(session):
                return
            tables = self.tables(session)
            if "plan_meta" in tables:
                raise DataError(
                    _OVERWRITE if overwrite else _EXISTS, file=self.location, schema=self.schema
                )
            if tables:
                raise DataError(
                    _NOT_EMPTY, file=self.location, schema=self.schema, tables=", ".join(tables)
                )

    def create(
        self,
        srs: SrsDefinition,
        timestamp: str,
        fill: Callable[[Session], None],
        version: int = SCHEMA_VERSION,
    ) -> None:
        driver = psycopg2()
        try:
            with self.writing() as session:
                known = session.execute(
                    "SELECT srid FROM spatial_ref_sys WHERE upper(auth_name) = ? AND auth_srid = ?",
                    (srs.organization.upper(), srs.organization_coordsys_id),
                ).fetchone()
                if known is None:
                    raise DataError(_UNKNOWN_SRID, file=self.location, crs=srs.authid)
                session.execute(f"CREATE SCHEMA IF NOT EXISTS {_identifier(self.schema)}")
                srid = SrsDefinition(
                    int(known[0]), srs.organization, srs.organization_coordsys_id, srs.name,
                    srs.definition,
                )  # fmt: skip
                create_schema(session, self, srid, timestamp, version)
                fill(session)
        except driver.Error as error:
            raise DataError(_CREATE_FAILED, file=self.location, reason=_reason(error)) from None

    # QGIS layers ------------------------------------------------------------------------

    def layer_table(self) -> Tuple[str, str, str, str]:
        """(schema, table, geometry column, key column) of the projects layer."""
        return self.schema, PROJECTS, "geom", "fid"


#: How often the user is asked for a password before the connection error is reported.
_PASSWORD_ATTEMPTS = 3


def _wants_password(reason: str) -> bool:
    """Whether libpq refused for want of a (right) password."""
    text = reason.lower()
    return "no password supplied" in text or "password authentication failed" in text


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reason(error: BaseException) -> str:
    text = str(getattr(error, "pgerror", None) or error or type(error).__name__)
    return " ".join(text.split())


def grant_statements(schema: str, role: str, editing: bool) -> List[str]:
    """The SQL that lets ``role`` read (or, ``editing``, edit) the plan store in ``schema``:
    what the README's team setup runs. History is only ever added to, so nobody but the owner
    may change or delete it."""
    quoted_schema, quoted_role = _identifier(schema), _identifier(role)
    statements = [
        f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {quoted_schema} TO {quoted_role}",
    ]
    if editing:
        for table, right in EDITING_RIGHTS:
            statements.append(f"GRANT {right} ON {quoted_schema}.{table} TO {quoted_role}")
    return statements


def plan_schemas(address: PostgresAddress, connect: Optional[Callable] = None) -> List[str]:
    """The schemas of the address's database that hold a plan store (their schema is ignored),
    for a dialog to offer."""
    backend = PostgisBackend(address, connect)
    with backend.reading() as session:
        rows = session.execute(
            "SELECT n.nspname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c "
            "ON c.relnamespace = n.oid WHERE c.relname = 'plan_meta' AND c.relkind = 'r' "
            "ORDER BY n.nspname"
        ).fetchall()
    return [str(row[0]) for row in rows]
