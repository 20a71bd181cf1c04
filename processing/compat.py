"""API spellings that differ between the QGIS versions we support (3.22 … 3.44 on Qt5, 4.x on Qt6).

Every version difference is answered here once, so algorithms, dialogs and tests never test
versions themselves (``tools/check_qt6.py``, run by ``make lint``, holds them to it):

- QGIS enums that moved to ``Qgis.*`` (3.30–3.36) are read from here under their **new** names on
  every version: ``compat.ProcessingSourceType.VectorLine``,
  ``compat.ProcessingNumberParameterType.Double``, ``compat.ProcessingParameterFlag.Advanced``,
  ``compat.ProcessingFieldParameterDataType.Numeric`` … (``MOVED_ENUMS`` lists them all; on an
  older QGIS the same names give the old enum's members). A new one is one line in
  ``MOVED_ENUMS`` plus its name below.
- Fields are made with ``new_field(name, kind)`` (``QVariant`` type constants are Qt5-only).
- ``QAction`` comes from here (``QtWidgets`` on Qt5, ``QtGui`` on Qt6).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Any, Tuple

import qgis.core
from qgis.core import Qgis, QgsField, QgsWkbTypes

try:  # Qt6: QAction lives in QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5: in QtWidgets
    from qgis.PyQt.QtWidgets import QAction

QGIS_VERSION_INT = Qgis.versionInt()

__all__ = ["QAction"]


# -------------------------------------------------------------------------------------------
# Enums that moved to Qgis.*
# -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedEnum:
    """A QGIS enum that moved from ``<old_class>.<old_enum>`` to ``Qgis.<new>``.

    Member names are the old ones without ``prefix`` (``TypeVectorLine`` → ``VectorLine``) unless
    ``renamed`` lists them as (old, new) pairs.
    """

    new: str
    old_class: str
    old_enum: str
    since: str
    prefix: str = ""
    renamed: Tuple[Tuple[str, str], ...] = ()

    def new_member(self, old: str) -> str:
        for before, after in self.renamed:
            if before == old:
                return after
        return old[len(self.prefix) :] if self.prefix and old.startswith(self.prefix) else old

    def old_member(self, new: str) -> str:
        for before, after in self.renamed:
            if after == new:
                return before
        return self.prefix + new


MOVED_ENUMS: Tuple[MovedEnum, ...] = (
    MovedEnum("ProcessingSourceType", "QgsProcessing", "SourceType", "3.36", "Type"),
    MovedEnum("ProcessingNumberParameterType", "QgsProcessingParameterNumber", "Type", "3.36"),
    MovedEnum(
        "ProcessingFieldParameterDataType", "QgsProcessingParameterField", "DataType", "3.36"
    ),
    MovedEnum(
        "ProcessingParameterFlag", "QgsProcessingParameterDefinition", "Flag", "3.36", "Flag"
    ),
    MovedEnum("ProcessingAlgorithmFlag", "QgsProcessingAlgorithm", "Flag", "3.36", "Flag"),
    MovedEnum("ProcessingFeatureSourceFlag", "QgsProcessingFeatureSource", "Flag", "3.36", "Flag"),
    MovedEnum("ProcessingFileParameterBehavior", "QgsProcessingParameterFile", "Behavior", "3.36"),
    MovedEnum(
        "ProcessingDateTimeParameterDataType", "QgsProcessingParameterDateTime", "Type", "3.36"
    ),
    MovedEnum("ProcessingProviderFlag", "QgsProcessingProvider", "Flag", "3.36", "Flag"),
    MovedEnum("ProcessingLogLevel", "QgsProcessingContext", "LogLevel", "3.36"),
    MovedEnum(
        "ProcessingModelChildParameterSource",
        "QgsProcessingModelChildParameterSource",
        "Source",
        "3.26",
    ),
    MovedEnum("FeatureRequestFlag", "QgsFeatureRequest", "Flag", "3.36"),
    MovedEnum("WkbType", "QgsWkbTypes", "Type", "3.30"),
    MovedEnum(
        "GeometryType",
        "QgsWkbTypes",
        "GeometryType",
        "3.30",
        renamed=(
            ("PointGeometry", "Point"),
            ("LineGeometry", "Line"),
            ("PolygonGeometry", "Polygon"),
            ("UnknownGeometry", "Unknown"),
            ("NullGeometry", "Null"),
        ),
    ),
    MovedEnum(
        "DistanceUnit",
        "QgsUnitTypes",
        "DistanceUnit",
        "3.30",
        "Distance",
        (("DistanceUnknownUnit", "Unknown"),),
    ),
    MovedEnum(
        "AreaUnit", "QgsUnitTypes", "AreaUnit", "3.30", "Area", (("AreaUnknownUnit", "Unknown"),)
    ),
    MovedEnum(
        "CrsWktVariant",
        "QgsCoordinateReferenceSystem",
        "WktVariant",
        "3.36",
        renamed=(
            ("WKT1_GDAL", "Wkt1Gdal"),
            ("WKT1_ESRI", "Wkt1Esri"),
            ("WKT2_2015", "Wkt2_2015"),
            ("WKT2_2015_SIMPLIFIED", "Wkt2_2015Simplified"),
            ("WKT2_2019", "Wkt2_2019"),
            ("WKT2_2019_SIMPLIFIED", "Wkt2_2019Simplified"),
            ("WKT_PREFERRED", "Preferred"),
            ("WKT_PREFERRED_SIMPLIFIED", "PreferredSimplified"),
            ("WKT_PREFERRED_GDAL", "PreferredGdal"),
        ),
    ),
    MovedEnum("LayerFilter", "QgsMapLayerProxyModel", "Filter", "3.34"),
    MovedEnum("FieldOrigin", "QgsFields", "FieldOrigin", "3.38", "Origin"),
    MovedEnum(
        "PropertyType",
        "QgsProperty",
        "Type",
        "3.36",
        renamed=(
            ("InvalidProperty", "Invalid"),
            ("StaticProperty", "Static"),
            ("FieldBasedProperty", "Field"),
            ("ExpressionBasedProperty", "Expression"),
        ),
    ),
)


class _OldEnum:
    """An enum not yet moved on this QGIS, read under the moved enum's member names."""

    def __init__(self, moved: MovedEnum) -> None:
        self._moved = moved
        self._old = getattr(getattr(qgis.core, moved.old_class), moved.old_enum)

    def __getattr__(self, member: str) -> Any:
        if member.startswith("_"):
            raise AttributeError(member)
        return getattr(self._old, self._moved.old_member(member))

    def __repr__(self) -> str:
        return f"<{self._moved.old_class}.{self._moved.old_enum} as Qgis.{self._moved.new}>"


def _moved_enum(new: str) -> Any:
    """``Qgis.<new>`` where this QGIS has it, else the old enum under the new member names."""
    moved = next(entry for entry in MOVED_ENUMS if entry.new == new)
    found = getattr(Qgis, new, None)
    if found is not None:
        return found
    return _OldEnum(moved)


ProcessingSourceType = _moved_enum("ProcessingSourceType")
ProcessingNumberParameterType = _moved_enum("ProcessingNumberParameterType")
ProcessingFieldParameterDataType = _moved_enum("ProcessingFieldParameterDataType")
ProcessingParameterFlag = _moved_enum("ProcessingParameterFlag")
ProcessingAlgorithmFlag = _moved_enum("ProcessingAlgorithmFlag")
ProcessingFeatureSourceFlag = _moved_enum("ProcessingFeatureSourceFlag")
ProcessingFileParameterBehavior = _moved_enum("ProcessingFileParameterBehavior")
ProcessingDateTimeParameterDataType = _moved_enum("ProcessingDateTimeParameterDataType")
ProcessingProviderFlag = _moved_enum("ProcessingProviderFlag")
ProcessingLogLevel = _moved_enum("ProcessingLogLevel")
ProcessingModelChildParameterSource = _moved_enum("ProcessingModelChildParameterSource")
FeatureRequestFlag = _moved_enum("FeatureRequestFlag")
WkbType = _moved_enum("WkbType")
GeometryType = _moved_enum("GeometryType")
DistanceUnit = _moved_enum("DistanceUnit")
AreaUnit = _moved_enum("AreaUnit")
CrsWktVariant = _moved_enum("CrsWktVariant")
LayerFilter = _moved_enum("LayerFilter")
FieldOrigin = _moved_enum("FieldOrigin")
PropertyType = _moved_enum("PropertyType")

NO_GEOMETRY = WkbType.NoGeometry


def layer_filters(*kinds: str) -> Any:
    """Map layer combo box filters (``"PointLayer"``, ``"PolygonLayer"`` …) combined, in the
    type ``QgsMapLayerComboBox.setFilters`` takes on this QGIS."""
    combined = functools.reduce(operator.or_, (getattr(LayerFilter, kind) for kind in kinds))
    flags_type = getattr(Qgis, "LayerFilters", None)
    return flags_type(combined) if flags_type is not None else combined


# -------------------------------------------------------------------------------------------
# Fields and geometry types
# -------------------------------------------------------------------------------------------

try:  # Qt6 / QGIS >= 3.38: QgsField takes QMetaType.Type; QVariant.Type is deprecated
    from qgis.PyQt.QtCore import QMetaType

    _META_TYPES = {
        "double": QMetaType.Type.Double,
        "int": QMetaType.Type.Int,
        "long": QMetaType.Type.LongLong,
        "string": QMetaType.Type.QString,
    }
except AttributeError:  # PyQt5 spells them QMetaType.Double ...
    _META_TYPES = {}

from qgis.PyQt.QtCore import QVariant  # noqa: E402 - exists on Qt5; on Qt6 only QVariant itself

_VARIANT_TYPES = {
    "double": getattr(QVariant, "Double", None),
    "int": getattr(QVariant, "Int", None),
    "long": getattr(QVariant, "LongLong", None),
    "string": getattr(QVariant, "String", None),
}


def new_field(name: str, kind: str, length: int = 0, precision: int = 0) -> QgsField:
    """A QgsField of ``kind`` (``double``, ``int``, ``long`` or ``string``) on any version."""
    if QGIS_VERSION_INT >= 33800 and _META_TYPES:
        return QgsField(name, _META_TYPES[kind], len=length, prec=precision)
    return QgsField(name, _VARIANT_TYPES[kind], len=length, prec=precision)


def is_polygon(geometry) -> bool:
    return QgsWkbTypes.geometryType(geometry.wkbType()) == GeometryType.Polygon


def is_line(geometry) -> bool:
    return QgsWkbTypes.geometryType(geometry.wkbType()) == GeometryType.Line


# -------------------------------------------------------------------------------------------
# Print layouts
# -------------------------------------------------------------------------------------------


def set_label_text_format(label, text_format) -> None:
    """A layout label's font, size and colour: ``setTextFormat`` from QGIS 3.24, before it
    ``setFont`` and ``setFontColor``."""
    if hasattr(label, "setTextFormat"):
        label.setTextFormat(text_format)
    else:
        label.setFont(text_format.toQFont())
        label.setFontColor(text_format.color())


def set_legend_text_format(legend, style, text_format) -> None:
    """The font of one legend style (title, group, item label): ``QgsLegendStyle``'s
    ``setTextFormat`` from QGIS 3.30, before it ``setFont`` and the legend's font colour."""
    legend_style = legend.rstyle(style)
    if hasattr(legend_style, "setTextFormat"):
        legend_style.setTextFormat(text_format)
    else:
        legend_style.setFont(text_format.toQFont())
        legend.setFontColor(text_format.color())


def filter_fids(request, ids) -> Any:
    """``request.setFilterFids(ids)``: QGIS 3.22's bindings take a list of ids, later ones may
    take a set."""
    ids = list(ids)
    try:
        return request.setFilterFids(ids)
    except TypeError:
        return request.setFilterFids(set(ids))
