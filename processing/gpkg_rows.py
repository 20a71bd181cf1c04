"""Rows appended to a new GeoPackage's attribute table with SQLite, in one transaction.

QGIS's sink converts every attribute of every feature and hands the features one by one to
GDAL's writer (some 45 µs a row: 9 s for a city's 200,000-row provision table). A table
without geometry needs none of that: once QGIS has created the file and its table (so that
the field types, the GeoPackage's own tables and the layer QGIS loads are exactly what its
sink makes), the rows go in with one ``executemany`` (rows made of a few repeated parts are
joined by SQLite itself: :class:`JoinedRows`). SQLite's column affinities store each
value as the column's type (a whole number given for a REAL column is stored as a real).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator, Sequence, Tuple


def attribute_table(path: str) -> str:
    """The one attribute table of the GeoPackage at ``path`` (as QGIS's sink makes it)."""
    with sqlite3.connect(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'"
            )
        ]
    connection.close()
    if len(names) != 1:
        raise ValueError(f"{path} holds {len(names)} attribute tables, not one")
    return names[0]


@dataclass(frozen=True)
class JoinedRows:
    """Rows made of a few distinct parts: row ``i`` is ``parts[0][keys[i][0]] +
    parts[1][keys[i][1]] + …`` (each part a tuple of values, in column order).

    A long table repeats most of its values: rubric scoring's 108,000 rows are 2,000
    communities' id and name joined to some 20,000 distinct point results. Handed over as
    parts and keys, each value crosses into SQLite once per part and SQLite makes the rows
    (``INSERT … SELECT`` over a join) — half the time of binding every row's values. Iterating
    gives the rows themselves, for any other destination.
    """

    parts: Sequence[Sequence[tuple]]
    keys: Sequence[Tuple[int, ...]]

    def __iter__(self) -> Iterator[tuple]:
        parts = self.parts
        for key in self.keys:
            yield tuple(chain.from_iterable(part[k] for part, k in zip(parts, key)))

    def __len__(self) -> int:
        return len(self.keys)


def append_rows(
    path: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    between: Callable[[], None] = lambda: None,
    every: int = 20000,
) -> int:
    """Append ``rows`` (values in the order of ``columns``; or :class:`JoinedRows`) to
    ``table``; the number of rows.

    All or none: an error (a full disk) or an exception ``between`` raises (a cancel; it is
    called every ``every`` rows) rolls the transaction back. The GeoPackage's feature count
    (``gpkg_ogr_contents``, which QGIS reads as the layer's count) is set once in the same
    transaction, GDAL's trigger that counts row by row set aside meanwhile.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        try:
            counting = _counting_triggers(connection, table)
            for name, _sql in counting:  # a count kept per row: a third of the time
                connection.execute(f"DROP TRIGGER {sql_name(name)}")
            if isinstance(rows, JoinedRows):
                counted = _insert_joined(connection, table, columns, rows, between, every)
            else:
                counted = _insert(connection, table, columns, rows, between, every)
            _set_feature_count(connection, table)
            for _name, sql in counting:
                connection.execute(sql)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return counted


def _insert(connection, table, columns, rows, between, every) -> int:
    quoted = ", ".join(sql_name(column) for column in columns)
    insert = f"INSERT INTO {sql_name(table)} ({quoted}) VALUES ({_marks(len(columns))})"
    return _execute_in_chunks(connection, insert, rows, between, every)


def _execute_in_chunks(connection, statement: str, rows, between, every: int) -> int:
    """``executemany`` in chunks of ``every`` rows, ``between`` after each (not through a
    generator: no Python call per row)."""
    remaining = iter(rows)
    counted = 0
    while True:
        chunk = list(islice(remaining, every))
        if not chunk:
            return counted
        connection.executemany(statement, chunk)
        counted += len(chunk)
        between()


def _insert_joined(connection, table, columns, rows: JoinedRows, between, every) -> int:
    """The parts and keys into temporary tables (in memory, gone with the connection), then
    the rows made from them by SQLite in key order, so the feature ids follow the rows."""
    widths = [len(part[0]) if part else 0 for part in rows.parts]
    if rows.keys and sum(widths) != len(columns):
        raise ValueError(f"parts of {widths} values do not make {len(columns)} columns")
    connection.execute("PRAGMA temp_store = MEMORY")
    selected, joins = [], []
    for number, (part, width) in enumerate(zip(rows.parts, widths)):
        names = [f"v{index}" for index in range(width)]
        connection.execute(
            f"CREATE TEMP TABLE part_{number} (k INTEGER PRIMARY KEY, {', '.join(names)})"
        )
        insert = f"INSERT INTO temp.part_{number} VALUES ({_marks(width + 1)})"
        _execute_in_chunks(connection, insert, _numbered(part), between, every)
        selected += [f"p{number}.{name}" for name in names]
        joins.append(f"JOIN temp.part_{number} p{number} ON p{number}.k = keys.k{number}")
    key_names = ", ".join(f"k{number}" for number in range(len(rows.parts)))
    connection.execute(f"CREATE TEMP TABLE keys ({key_names})")
    insert = f"INSERT INTO temp.keys VALUES ({_marks(len(rows.parts))})"
    counted = _execute_in_chunks(connection, insert, rows.keys, between, every)
    quoted = ", ".join(sql_name(column) for column in columns)
    connection.execute(
        f"INSERT INTO {sql_name(table)} ({quoted}) SELECT {', '.join(selected)} "
        f"FROM temp.keys keys {' '.join(joins)} ORDER BY keys.rowid"
    )
    for number in range(len(rows.parts)):
        connection.execute(f"DROP TABLE temp.part_{number}")
    connection.execute("DROP TABLE temp.keys")
    return counted


def _numbered(part: Sequence[tuple]) -> Iterator[tuple]:
    return ((number, *values) for number, values in enumerate(part))


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _counting_triggers(connection: sqlite3.Connection, table: str):
    """GDAL's triggers that keep ``gpkg_ogr_contents`` counting rows as they are inserted
    (name and SQL, to put back)."""
    return connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = "
        "lower(?) AND name LIKE 'trigger_insert_feature_count_%'",
        (table,),
    ).fetchall()


def _set_feature_count(connection: sqlite3.Connection, table: str) -> None:
    known = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
    ).fetchone()
    if known:
        connection.execute(
            f"UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM {sql_name(table)})"
            " WHERE lower(table_name) = lower(?)",
            (table,),
        )


def sql_name(name: str) -> str:
    """An SQLite identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'
