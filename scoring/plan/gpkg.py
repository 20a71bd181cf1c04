"""The small part of the GeoPackage format a plan store needs, written with plain ``sqlite3``.

A plan store must open in QGIS and GDAL as ordinary layers, yet the domain cannot use GDAL or
QGIS to write it (it must run, and be tested, without them). GeoPackage is SQLite plus a few
metadata tables and a geometry encoding, so this module writes exactly those:

- the file header marks (``application_id`` 'GPKG', ``user_version`` 10200 = GeoPackage 1.2);
- ``gpkg_spatial_ref_sys`` (with the three rows the standard requires), ``gpkg_contents`` and
  ``gpkg_geometry_columns``;
- geometry blobs: the GeoPackage binary header (magic, flags, srs_id, envelope) followed by
  WKB, which shapely reads and writes in every version we support.

No spatial index is created: its triggers call SQL functions (``ST_IsEmpty``, ``ST_MinX`` ...)
that only GDAL's SQLite connections define, so a plain ``sqlite3`` write would fail. A plan
holds hundreds of projects, which need no index. If a user adds one in QGIS anyway,
:func:`register_functions` gives our connections those functions, so saving keeps working and
keeps the index right.
"""

from __future__ import annotations

import math
import sqlite3
import struct
from pathlib import Path
from typing import Any, Iterable, Optional, Tuple
from urllib.parse import quote

from shapely import wkb

from .srs import SrsDefinition, builtin_srs

APPLICATION_ID = 0x47504B47  # 'GPKG'
OLD_APPLICATION_IDS = (0x47503130, 0x47503131)  # 'GP10', 'GP11': GeoPackage 1.0 and 1.1
USER_VERSION = 10200  # GeoPackage 1.2
SQLITE_MAGIC = b"SQLite format 3\x00"

# What a file is, as far as opening it as a plan store is concerned.
FILE_MISSING = "missing"
FILE_NOT_SQLITE = "not_sqlite"
FILE_NOT_GEOPACKAGE = "not_geopackage"
FILE_GEOPACKAGE = "geopackage"

_FLAG_LITTLE_ENDIAN = 0b0000_0001
_FLAG_ENVELOPE_XY = 0b0000_0010  # envelope indicator 1 (bits 1-3): minx, maxx, miny, maxy
_FLAG_EMPTY = 0b0001_0000
_FLAG_EXTENDED = 0b0010_0000
_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}

_REQUIRED_SRS = (
    SrsDefinition(-1, "NONE", -1, "Undefined cartesian SRS", "undefined"),
    SrsDefinition(0, "NONE", 0, "Undefined geographic SRS", "undefined"),
)


class GeometryBlobError(ValueError):
    """A geometry column holds bytes that are not a GeoPackage geometry we can read."""


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def file_kind(path: Path) -> str:
    """Whether ``path`` is missing, not SQLite, SQLite but not a GeoPackage, or a GeoPackage.

    Reads the 100-byte SQLite header only, so nothing can change the file. A zero-byte file
    counts as not SQLite: SQLite would happily treat it as an empty database, but it is not a
    GeoPackage and certainly not a plan.
    """
    if not path.is_file():
        return FILE_MISSING
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return FILE_NOT_SQLITE
    application_id = struct.unpack(">I", header[68:72])[0]
    if application_id != APPLICATION_ID and application_id not in OLD_APPLICATION_IDS:
        return FILE_NOT_GEOPACKAGE
    return FILE_GEOPACKAGE


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, for looking at a file the user has not agreed to change."""
    connection = sqlite3.connect(_read_only_uri(path), uri=True)
    register_functions(connection)
    return connection


def _read_only_uri(path: Path) -> str:
    """``file:///home/a.gpkg?mode=ro``; ``file:///C:/a.gpkg``; ``file:////server/share/a.gpkg``.

    Built by hand because ``Path.as_uri()`` turns a Windows network path into
    ``file://server/share``, whose authority SQLite refuses; design institutes keep their
    plans on shares.
    """
    text = path.resolve().as_posix()
    if not text.startswith("/"):
        text = "/" + text
    return "file://" + quote(text, safe="/:") + "?mode=ro"


def connect(path: Path) -> sqlite3.Connection:
    """A connection for writing; transactions are begun and ended explicitly by the caller."""
    connection = sqlite3.connect(str(path), isolation_level=None, timeout=10.0)
    register_functions(connection)
    return connection


def register_functions(connection: sqlite3.Connection) -> None:
    """Define the SQL functions of GDAL's spatial-index triggers on a plain sqlite3 connection."""
    connection.create_function("ST_IsEmpty", 1, _st_is_empty)
    connection.create_function("ST_MinX", 1, lambda blob: _envelope_part(blob, 0))
    connection.create_function("ST_MaxX", 1, lambda blob: _envelope_part(blob, 1))
    connection.create_function("ST_MinY", 1, lambda blob: _envelope_part(blob, 2))
    connection.create_function("ST_MaxY", 1, lambda blob: _envelope_part(blob, 3))


def create_core_tables(connection: sqlite3.Connection, srs: SrsDefinition) -> None:
    """The GeoPackage metadata tables and the file marks, with the plan's CRS registered."""
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {USER_VERSION}")
    connection.execute(
        "CREATE TABLE gpkg_spatial_ref_sys ("
        "srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, "
        "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, "
        "definition TEXT NOT NULL, description TEXT)"
    )
    connection.execute(
        "CREATE TABLE gpkg_contents ("
        "table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
        "identifier TEXT UNIQUE, description TEXT DEFAULT '', "
        "last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
        "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
        "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"
    )
    connection.execute(
        "CREATE TABLE gpkg_geometry_columns ("
        "table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, "
        "z TINYINT NOT NULL, m TINYINT NOT NULL, "
        "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
        "CONSTRAINT uk_gc_table_name UNIQUE (table_name), "
        "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
        "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
    )
    wgs84 = builtin_srs(4326)
    assert wgs84 is not None
    for row in (*_REQUIRED_SRS, wgs84, srs):
        connection.execute(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
            "organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)",
            (row.name, row.srs_id, row.organization, row.organization_coordsys_id,
             row.definition, row.name),
        )  # fmt: skip


def register_table(
    connection: sqlite3.Connection,
    table: str,
    identifier: str,
    description: str,
    timestamp: str,
    geometry: Optional[Tuple[str, str, int]] = None,
) -> None:
    """List ``table`` in ``gpkg_contents`` so that GDAL and QGIS show it as a layer.

    ``geometry`` is (column, geometry type name, srs_id) for a features table; without it the
    table is registered as ``attributes``.
    """
    data_type = "features" if geometry else "attributes"
    srs_id = geometry[2] if geometry else None
    connection.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)",
        (table, data_type, identifier, description, timestamp, srs_id),
    )
    if geometry:
        column, type_name, srs_id = geometry
        connection.execute(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, "
            "srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)",
            (table, column, type_name, srs_id),
        )


def touch(connection: sqlite3.Connection, tables: Iterable[str], timestamp: str) -> None:
    """Record in ``gpkg_contents`` that ``tables`` changed (GDAL uses it to refresh caches)."""
    for table in tables:
        connection.execute(
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (timestamp, table)
        )


def geometry_srs_id(connection: sqlite3.Connection, table: str) -> Optional[int]:
    row = connection.execute(
        "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
    ).fetchone()
    return None if row is None else int(row[0])


# --------------------------------------------------------------------------------------------
# Geometry blobs
# --------------------------------------------------------------------------------------------


def encode_geometry(geometry: Any, srs_id: int) -> Optional[bytes]:
    """A GeoPackage geometry blob (little endian) for a 2D shapely geometry; None for None.

    Points get no envelope (it would repeat the point), other geometries an x/y one, as GDAL
    writes them. Z values are dropped: the plan is a 2D map.
    """
    if geometry is None:
        return None
    if geometry.is_empty:
        raise GeometryBlobError("empty geometry")
    body = wkb.dumps(geometry, output_dimension=2)
    if geometry.geom_type == "Point":
        flags = _FLAG_LITTLE_ENDIAN
        envelope = b""
    else:
        flags = _FLAG_LITTLE_ENDIAN | _FLAG_ENVELOPE_XY
        min_x, min_y, max_x, max_y = geometry.bounds
        envelope = struct.pack("<4d", min_x, max_x, min_y, max_y)
    return b"GP" + bytes((0, flags)) + struct.pack("<i", srs_id) + envelope + body


def decode_geometry(blob: Optional[bytes]) -> Any:
    """The shapely geometry of a GeoPackage blob; None for NULL and for an empty geometry."""
    if blob is None:
        return None
    flags, header_length = _parse_header(bytes(blob))
    if flags & _FLAG_EMPTY:
        return None
    try:
        return wkb.loads(bytes(blob[header_length:]))
    except Exception as error:  # shapely 1.8 raises WKBReadingError, 2.x GEOSException
        raise GeometryBlobError(str(error) or type(error).__name__) from None


def _parse_header(blob: bytes) -> Tuple[int, int]:
    """(flags, header length) of a blob, checking the parts a reader depends on."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryBlobError("not a GeoPackage geometry (no 'GP' header)")
    if blob[2] != 0:
        raise GeometryBlobError(f"unknown GeoPackage geometry version {blob[2]}")
    flags = blob[3]
    if flags & _FLAG_EXTENDED:
        raise GeometryBlobError("extended GeoPackage geometry (curves) is not supported")
    indicator = (flags >> 1) & 0b111
    if indicator not in _ENVELOPE_DOUBLES:
        raise GeometryBlobError(f"invalid envelope indicator {indicator}")
    length = 8 + 8 * _ENVELOPE_DOUBLES[indicator]
    if len(blob) < length + 5 and not flags & _FLAG_EMPTY:
        raise GeometryBlobError("truncated geometry")
    return flags, length


def _st_is_empty(blob: Optional[bytes]) -> Optional[int]:
    if blob is None:
        return None
    try:
        flags, _length = _parse_header(bytes(blob))
    except GeometryBlobError:
        return None
    return 1 if flags & _FLAG_EMPTY else 0


def _envelope_part(blob: Optional[bytes], index: int) -> Optional[float]:
    """minx, maxx, miny or maxy (``index`` 0-3) of a blob, from its envelope or its geometry."""
    if blob is None:
        return None
    try:
        geometry = decode_geometry(blob)
    except GeometryBlobError:
        return None
    if geometry is None:
        return None
    min_x, min_y, max_x, max_y = geometry.bounds
    value = (min_x, max_x, min_y, max_y)[index]
    return value if math.isfinite(value) else None
