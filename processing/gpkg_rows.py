"""Rows appended to a new GeoPackage's attribute table with SQLite, in one transaction.

QGIS's sink converts every attribute of every feature and hands the features one by one to
GDAL's writer (some 45 µs a row: 9 s for a city's 200,000-row provision table). A table
without geometry needs none of that: once QGIS has created the file and its table (so that
the field types, the GeoPackage's own tables and the layer QGIS loads are exactly what its
sink makes), the rows go in with one ``executemany``. SQLite's column affinities store each
value as the column's type (a whole number given for a REAL column is stored as a real).
"""

from __future__ import annotations

import sqlite3
from itertools import islice
from typing import Any, Callable, Iterable, Sequence


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


def append_rows(
    path: str,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    between: Callable[[], None] = lambda: None,
    every: int = 20000,
) -> int:
    """Append ``rows`` (values in the order of ``columns``) to ``table``; the number of rows.

    All or none: an error (a full disk) or an exception ``between`` raises (a cancel; it is
    called every ``every`` rows) rolls the transaction back. The GeoPackage's feature count
    (``gpkg_ogr_contents``, which QGIS reads as the layer's count) is set once in the same
    transaction, GDAL's trigger that counts row by row set aside meanwhile.
    """
    quoted = ", ".join(sql_name(column) for column in columns)
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {sql_name(table)} ({quoted}) VALUES ({marks})"
    remaining = iter(rows)
    counted = 0
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        try:
            counting = _counting_triggers(connection, table)
            for name, _sql in counting:  # a count kept per row: a third of the time
                connection.execute(f"DROP TRIGGER {sql_name(name)}")
            while True:  # in chunks, not through a generator: no Python call per row
                chunk = list(islice(remaining, every))
                if not chunk:
                    break
                connection.executemany(insert, chunk)
                counted += len(chunk)
                between()
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
