"""What a plan store backend is: where the SQL of GeoPackage (SQLite) and PostgreSQL differs.

The store (:mod:`.store`) validates, detects conflicting saves, writes the history and runs
migrations once, in SQL that both databases understand, written with ``?`` placeholders. A
:class:`Backend` supplies only what cannot be shared:

- connections (:meth:`Backend.reading`, :meth:`Backend.writing` — the latter one transaction
  that holds the records it reads until it commits), and who is saving;
- how a geometry is written and read (a GeoPackage blob; PostGIS ``ST_GeomFromWKB``);
- the words of the schema (:meth:`Backend.ddl`: an identity column, a timestamp type ...)
  and the format's own bookkeeping (``gpkg_contents``; ``COMMENT ON TABLE``);
- opening checks, read-only detection, and the backup taken before an upgrade.

Everything here is free of ``qgis``; the PostgreSQL driver (psycopg2) is imported only by
:mod:`.postgis`, when a PostgreSQL store is used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Protocol, Sequence, Tuple

from .srs import SrsDefinition


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Optional[Sequence[Any]]: ...

    def fetchall(self) -> List[Sequence[Any]]: ...


class Session(Protocol):
    """A connection as the store uses it: ``execute(sql with ? placeholders, params)``."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...


#: Words of the schema that differ between the databases, written ``{fid}`` ... in the DDL of
#: :mod:`.migrations`.
DDL_WORDS = ("fid", "real", "datetime", "date", "geometry")


class Backend(ABC):
    """Where a plan store lives: a GeoPackage file or a PostgreSQL schema."""

    #: ``gpkg`` or ``postgres``: what kind of store (dialogs and messages say it)
    kind: str = ""
    #: message templates for a store that is not a plan store, has a bad or a newer schema
    #: version (each with ``file``; worded for a file or a database schema)
    NOT_PLAN: str = ""
    BAD_VERSION: str = ""
    NEWER: str = ""
    NO_INFO: str = ""

    @property
    @abstractmethod
    def location(self) -> str:
        """How messages name the store: the file, or database and schema (never a password)."""

    @property
    @abstractmethod
    def source(self) -> str:
        """The text that opens the store again (a path, or a ``postgres:`` address)."""

    # Connections ------------------------------------------------------------------------

    @abstractmethod
    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads."""

    @abstractmethod
    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one write transaction: committed when the block ends, rolled back
        (and the error raised as :class:`DataError` by the caller's wording) when it raises."""

    @abstractmethod
    def user(self, session: Session) -> str:
        """Who is saving: the OS user (a file) or the database user (PostgreSQL)."""

    @abstractmethod
    def read_only_reason(self) -> Optional[Exception]:
        """Why this user may not write to the store (a :class:`DataError`), or None."""

    @abstractmethod
    def failure(self, error: BaseException) -> Optional[Exception]:
        """The :class:`DataError` for a database error raised while saving, or None when
        ``error`` is not the database's (it is then raised as it is)."""

    # SQL --------------------------------------------------------------------------------

    @abstractmethod
    def ddl(self, word: str, srs_id: int) -> str:
        """The schema's word for ``{fid}``, ``{real}``, ``{datetime}``, ``{date}``,
        ``{geometry}`` (the last in the store's CRS ``srs_id``)."""

    def render(self, ddl: str, srs_id: int) -> str:
        return ddl.format(**{word: self.ddl(word, srs_id) for word in DDL_WORDS})

    #: appended to the SELECT of rows a save is about to change (PostgreSQL: FOR UPDATE)
    lock_rows: str = ""

    @abstractmethod
    def geometry_select(self, column: str) -> str:
        """The SELECT expression that reads a geometry column as :meth:`decode_geometry` wants."""

    @abstractmethod
    def geometry_placeholder(self, srs_id: int) -> str:
        """The expression a geometry value is written through (``?`` or ``ST_GeomFromWKB(?)``)."""

    @abstractmethod
    def encode_geometry(self, geometry: Any, srs_id: int) -> Any:
        """The parameter for a shapely geometry (None for None)."""

    @abstractmethod
    def decode_geometry(self, value: Any) -> Any:
        """The shapely geometry of a value read with :meth:`geometry_select`."""

    # The schema's bookkeeping -----------------------------------------------------------------

    @abstractmethod
    def create_core(self, session: Session, srs: SrsDefinition) -> None:
        """What the format needs before the plan's tables (GeoPackage's metadata tables)."""

    @abstractmethod
    def register_table(
        self,
        session: Session,
        table: str,
        identifier: str,
        description: str,
        timestamp: str,
        geometry: Optional[Tuple[str, str, int]] = None,
    ) -> None:
        """Make ``table`` known as a layer (``geometry``: column, type, srs_id)."""

    @abstractmethod
    def touch(self, session: Session, tables: Iterable[str], timestamp: str) -> None:
        """Record that ``tables`` changed, where the format keeps that."""

    @abstractmethod
    def version_trigger(self, session: Session, table: str, record_id_sql: str) -> None:
        """A trigger that moves a row's version on whenever a program other than the plugin
        (QGIS editing the layer) changes it without doing so, so that such an edit is never
        silently overwritten by a save from the plugin; it notes the edit in the history
        (field ``*``: which fields changed is not known). ``record_id_sql`` is the record's
        id as an SQL expression over ``NEW``."""

    @abstractmethod
    def has_table(self, session: Session, table: str) -> bool:
        """Whether the store has ``table`` (looking only where the store lives)."""

    def history_index(self, session: Session) -> None:  # noqa: B027 - optional, no-op here
        """An index on the history by record (PostgreSQL; a GeoPackage is small enough)."""


def rows_as_dicts(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> List[Mapping[str, Any]]:
    return [dict(zip(columns, row)) for row in rows]
