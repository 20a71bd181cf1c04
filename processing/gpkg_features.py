"""Features of a whole GeoPackage table read straight from the file: ids, a few attributes and
each geometry's WKB, for :func:`layers.read_points`.

A city's facility layer has 86,000 points; through QGIS every feature is one trip across the
bindings (the OGR provider, a QgsFeature, QVariants to unwrap), and that trip is most of the
read. A GeoPackage is an SQLite file whose geometry column holds a small header and standard
WKB, so one query gives the same ids (the fid), the same attribute values and the same WKB that
the OGR provider hands QGIS. It is done only where the two cannot differ: a whole table
(:func:`table_reading.direct_file`: no filter, no selection, no feature limit, no unsaved
edits), a 2D layer without curves, fields the provider itself reads (not virtual or joined) of
plain types (integer, real, text) whose values have those types in the file. Anything else —
and any surprise while reading — returns None, and the caller reads the layer through QGIS.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, FrozenSet, List, Optional, Sequence

from qgis.core import QgsFields, QgsWkbTypes

from . import compat
from .gpkg_rows import sql_name
from .layers import FeatureRows
from .table_reading import direct_file, open_read_only, primary_key, table_named

#: Bytes of the envelope after the 8-byte GeoPackage geometry header, by its indicator
#: (flags bits 1-3): none, xy, xyz, xym, xyzm. Other indicators are invalid.
_ENVELOPE_BYTES = (0, 32, 48, 48, 64)
_EMPTY_FLAG = 0x10
_EXTENDED_FLAG = 0x20


def _plain_kinds() -> dict:
    """Field type → the Python types the OGR provider gives for it (None for NULL)."""
    number = frozenset((int, type(None)))
    return {
        compat.new_field("", "int").type(): number,
        compat.new_field("", "long").type(): number,
        compat.new_field("", "double").type(): frozenset((float, type(None))),
        compat.new_field("", "string").type(): frozenset((str, type(None))),
    }


@dataclass
class GeoPackageTable:
    """A layer that is a whole GeoPackage table, with its fields that may be read directly
    (their names and the Python types their values must have)."""

    path: Path
    table_name: str
    readable: dict

    def read(self, fields: QgsFields, columns: Sequence[int]) -> Optional[FeatureRows]:
        """The fid, the attributes at ``columns`` (QGIS field indexes) and the WKB of every
        feature, in fid order; None when anything is not as expected (QGIS then reads)."""
        names = [fields.at(column).name() for column in columns]
        if any(name not in self.readable for name in names):
            return None
        try:
            return self._read(names)
        except (sqlite3.Error, OSError, ValueError, IndexError):
            return None

    def _read(self, names: List[str]) -> Optional[FeatureRows]:
        connection = open_read_only(self.path)
        try:
            table_name = table_named(connection, self.table_name)
            found = connection.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
                (table_name,),
            ).fetchall()
            if len(found) != 1:
                return None
            fid = primary_key(connection, table_name)
            selected = ", ".join(sql_name(name) for name in (fid, found[0][0], *names))
            rows = connection.execute(
                f"SELECT {selected} FROM {sql_name(table_name)} ORDER BY {sql_name(fid)}"
            ).fetchall()
        finally:
            connection.close()
        if not rows:
            return FeatureRows([], [[] for _ in names], [])
        ids, blobs, *columns = (list(values) for values in zip(*rows))
        for name, values in zip(names, columns):
            if not set(map(type, values)) <= self.readable[name]:
                return None  # e.g. text in an integer column: OGR converts it, we would not
        geometries = wkb_of_blobs(blobs)
        if geometries is None:
            return None
        return FeatureRows(ids, columns, geometries)


def wkb_of_blobs(blobs: Sequence[Any]) -> Optional[List[Optional[bytes]]]:
    """The standard WKB inside each GeoPackage geometry blob, None for a NULL or empty one;
    None for the whole list when a blob is not a standard GeoPackage geometry.

    GDAL writes every geometry of a table with the same header flags (points without an
    envelope, other types with one), so most tables are cut at one offset in one pass."""
    heads = {blob[:4] for blob in blobs if blob is not None}
    if len(heads) == 1:
        cut = _wkb_offset(next(iter(heads)))
        if cut is not None and min(len(blob) for blob in blobs if blob is not None) >= 8:
            return [None if blob is None else blob[cut:] for blob in blobs]
    wkbs: List[Optional[bytes]] = []
    for blob in blobs:
        if blob is None:
            wkbs.append(None)
            continue
        if not isinstance(blob, bytes) or blob[:2] != b"GP" or len(blob) < 8:
            return None
        flags = blob[3]
        envelope = (flags >> 1) & 7
        if flags & _EXTENDED_FLAG or envelope >= len(_ENVELOPE_BYTES):
            return None
        wkbs.append(None if flags & _EMPTY_FLAG else blob[8 + _ENVELOPE_BYTES[envelope] :])
    return wkbs


def _wkb_offset(head: Any) -> Optional[int]:
    """Where the WKB starts in blobs beginning with ``head`` (their first 4 bytes), None when
    they are not plain GeoPackage geometries (empty, extended or of another kind)."""
    if not isinstance(head, bytes) or len(head) < 4 or head[:2] != b"GP":
        return None
    flags = head[3]
    envelope = (flags >> 1) & 7
    if flags & (_EXTENDED_FLAG | _EMPTY_FLAG) or envelope >= len(_ENVELOPE_BYTES):
        return None
    return 8 + _ENVELOPE_BYTES[envelope]


def direct_table(definition: Any, layer: Any) -> Optional[GeoPackageTable]:
    """The GeoPackage table behind a Processing input when :func:`layers.read_points` may
    read it directly: ``definition`` is the parameter's value, ``layer`` the vector layer
    (``parameterAsVectorLayer``); None when it must be read through QGIS."""
    if layer is None:
        return None
    found = direct_file(definition, layer)
    if found is None or found[0] != "geopackage":
        return None
    wkb_type = layer.wkbType()
    if (
        QgsWkbTypes.hasZ(wkb_type)
        or QgsWkbTypes.hasM(wkb_type)
        or QgsWkbTypes.isCurvedType(wkb_type)
    ):
        return None
    return GeoPackageTable(found[1], found[2], _readable_fields(layer.fields()))


def _readable_fields(fields: QgsFields) -> dict:
    """Name → allowed value types of the fields the provider reads itself, of plain types."""
    kinds = _plain_kinds()
    readable = {}
    for index, field in enumerate(fields):
        allowed: Optional[FrozenSet[type]] = kinds.get(field.type())
        if allowed is not None and fields.fieldOrigin(index) == compat.FieldOrigin.Provider:
            readable[field.name()] = allowed
    return readable


__all__ = ["GeoPackageTable", "direct_table", "wkb_of_blobs"]
