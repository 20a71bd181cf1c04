"""Reading the attribute tables of the analyses' outputs in bulk, straight from their files.

Scoring and the workbook read what ``facilitygap`` and ``tieredprovision`` wrote: on a city of
20,000 compounds the gap result has 75 fields per compound and the provision table 194,400
rows. Through QGIS every value is one call across the bindings and a QVariant to unwrap — 25 s
for the provision table alone. When the input is a whole GeoPackage table or a CSV file (what
the two analyses write, and what a model hands from step to step), the columns are read straight
from the file instead: a GeoPackage with one SQL query through ``sqlite3``, a CSV with Python's
``csv``; both give the values the OGR provider gives (numbers and text; in a CSV every cell is
text, an empty one empty text). Anything else — a memory or database layer, a layer with a filter,
selected features only, unsaved edits, a shapefile — is read through QGIS, without geometry and
with only the fields asked for.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
)

from ..scoring.errors import Cancelled
from . import compat
from .gpkg_rows import sql_name
from .layers import python_value

#: Rows between two looks at the cancel button when reading through QGIS.
_CANCEL_EVERY = 4096


@dataclass
class Table:
    """Columns of a table read in bulk: ``attributes[name][row]``, with the feature id of each
    row (the GeoPackage's fid, the CSV's line in the file, QGIS's feature id otherwise) for
    messages. ``how`` says which way it was read (``geopackage``, ``csv`` or ``qgis``)."""

    feature_ids: List[int]
    attributes: Dict[str, List[Any]]
    how: str = "qgis"

    def __len__(self) -> int:
        return len(self.feature_ids)

    def rows(self) -> List[Dict[str, Any]]:
        """The table as one mapping per row (for code that reads rows)."""
        if not self.attributes:
            return [{} for _ in self.feature_ids]
        names = list(self.attributes)
        return [dict(zip(names, values)) for values in zip(*self.attributes.values())]


def plain(value: Any) -> Any:
    """An attribute as plain Python: None for NULL, dates as ``datetime`` objects."""
    value = python_value(value)
    for method in ("toPyDateTime", "toPyDate", "toPyTime"):
        if hasattr(value, method):
            return getattr(value, method)()
    return value


def read_table(
    source, names: Sequence[str], feedback, definition: Any = None, layer: Any = None
) -> Table:
    """The fields ``names`` of every feature of ``source`` (a Processing feature source).

    ``definition`` is the parameter value the source came from and ``layer`` the vector layer
    behind it (``parameterAsVectorLayer``): they tell whether the whole file may be read
    directly. Field names must exist (the caller checks them, naming the layer).
    """
    file = direct_file(definition, layer)
    if file is not None:
        kind, path, table_name = file
        try:
            if kind == "geopackage":
                return _read_geopackage(path, table_name, names)
            return _read_csv(path, names, _encoding(layer))
        except (sqlite3.Error, OSError, UnicodeDecodeError, csv.Error, KeyError):
            pass  # locked, unusual or not what it seemed: QGIS reads it
    return _read_through_qgis(source, names, feedback)


# --------------------------------------------------------------------------------------------
# Which inputs may be read straight from their file
# --------------------------------------------------------------------------------------------


def direct_file(definition: Any, layer: Any):
    """(kind, path, table) for a whole GeoPackage table or CSV file on disk; None otherwise
    (a filter, selected features only, a feature limit, unsaved edits, another provider)."""
    if layer is None or layer.providerType() != "ogr":
        return None
    if isinstance(definition, QgsProcessingFeatureSourceDefinition):
        if definition.selectedFeaturesOnly or definition.featureLimit not in (-1, None):
            return None
        if getattr(definition, "filterExpression", ""):
            return None
    if layer.subsetString() or (layer.isEditable() and layer.isModified()):
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = Path(parts.get("path") or "")
    if parts.get("subset") or not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        if parts.get("layerId") not in (None, "") and not parts.get("layerName"):
            return None
        return "geopackage", path, parts.get("layerName") or ""
    if suffix == ".csv" and not parts.get("layerName"):
        return "csv", path, ""
    return None


def _encoding(layer: Any) -> str:
    provider = layer.dataProvider() if layer is not None else None
    encoding = provider.encoding() if provider is not None else ""
    if not encoding or encoding.lower() in ("utf-8", "utf8", "system"):
        return "utf-8-sig"  # a byte-order mark, if any, is not part of the first name
    return encoding


# --------------------------------------------------------------------------------------------
# The readers
# --------------------------------------------------------------------------------------------


def _read_geopackage(path: Path, table_name: str, names: Sequence[str]) -> Table:
    connection = open_read_only(path)
    try:
        table_name = table_named(connection, table_name)
        fid = primary_key(connection, table_name)
        columns = ", ".join(sql_name(name) for name in (fid, *names))
        rows = connection.execute(
            f"SELECT {columns} FROM {sql_name(table_name)} ORDER BY {sql_name(fid)}"
        ).fetchall()
    finally:
        connection.close()
    if not rows:
        return Table([], {name: [] for name in names}, "geopackage")
    columns_read = list(zip(*rows))
    return Table(
        list(columns_read[0]),
        {name: list(values) for name, values in zip(names, columns_read[1:])},
        "geopackage",
    )


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only SQLite connection to a GeoPackage (never creates or changes the file)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def table_named(connection: sqlite3.Connection, table_name: str) -> str:
    """``table_name``, or the GeoPackage's only table when the source names none (as OGR
    opens a one-table file)."""
    if table_name:
        return table_name
    found = connection.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')"
    ).fetchall()
    if len(found) != 1:
        raise sqlite3.OperationalError("not a single table")
    return found[0][0]


def primary_key(connection: sqlite3.Connection, table_name: str) -> str:
    for _cid, name, _type, _notnull, _default, primary in connection.execute(
        f"PRAGMA table_info({sql_name(table_name)})"
    ):
        if primary:
            return name
    raise sqlite3.OperationalError("no primary key")


def _read_csv(path: Path, names: Sequence[str], encoding: str) -> Table:
    with open(path, newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return Table([], {name: [] for name in names}, "csv")
        positions = [header.index(name) for name in names]  # ValueError: QGIS reads it
        ids: List[int] = []
        columns: List[List[Any]] = [[] for _ in names]
        for number, row in enumerate(reader, 1):
            if not row:
                continue
            ids.append(number)
            for values, position in zip(columns, positions):
                values.append(row[position] if position < len(row) else "")
    return Table(ids, dict(zip(names, columns)), "csv")


def _read_through_qgis(source, names: Sequence[str], feedback) -> Table:
    fields = source.fields()
    indexes = [fields.lookupField(name) for name in names]
    request = QgsFeatureRequest().setFlags(compat.FeatureRequestFlag.NoGeometry)
    request.setSubsetOfAttributes(indexes)
    ids: List[int] = []
    columns: List[List[Any]] = [[] for _ in names]
    for number, feature in enumerate(source.getFeatures(request)):
        if number % _CANCEL_EVERY == 0 and feedback is not None and feedback.isCanceled():
            raise Cancelled()
        ids.append(feature.id())
        attributes = feature.attributes()
        for values, index in zip(columns, indexes):
            values.append(_plain_value(attributes[index]))
    return Table(ids, dict(zip(names, columns)), "qgis")


def _plain_value(value: Any) -> Any:
    """:func:`plain` for the common case fast: numbers and text pass as they are."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return plain(value)


__all__ = ["Table", "direct_file", "plain", "read_table"]
