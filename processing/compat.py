"""API spellings that differ between the QGIS versions we support (3.22 … 3.40, Qt5 and Qt6).

Every version difference is answered here once, so algorithms never test versions themselves.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsField, QgsWkbTypes

QGIS_VERSION_INT = Qgis.versionInt()

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
    return QgsWkbTypes.geometryType(geometry.wkbType()) == _POLYGON_GEOMETRY


def is_line(geometry) -> bool:
    return QgsWkbTypes.geometryType(geometry.wkbType()) == _LINE_GEOMETRY


try:  # QGIS >= 3.30 moved the geometry type enum to Qgis.GeometryType
    _POLYGON_GEOMETRY = Qgis.GeometryType.Polygon
    _LINE_GEOMETRY = Qgis.GeometryType.Line
    _POINT_GEOMETRY = Qgis.GeometryType.Point
except AttributeError:
    _POLYGON_GEOMETRY = QgsWkbTypes.PolygonGeometry
    _LINE_GEOMETRY = QgsWkbTypes.LineGeometry
    _POINT_GEOMETRY = QgsWkbTypes.PointGeometry

NO_GEOMETRY = getattr(getattr(Qgis, "WkbType", None), "NoGeometry", None) or QgsWkbTypes.NoGeometry
