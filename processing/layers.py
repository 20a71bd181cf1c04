"""Turn QGIS feature sources into the plain arrays the domain modules take.

Measurement happens in a projected CRS in metres (the distance convention): geographic input is
reprojected to the UTM zone of the data, and every other layer is reprojected to the same CRS.
Geometry problems are collected per feature so the algorithm can report them by id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsWkbTypes,
)

from ..i18n import tr
from ..scoring.errors import Cancelled
from ..scoring.values import numeric_or_none as numeric_or_none  # shared with the domain
from . import compat, geometry_arrays

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
#: A projected CRS whose metres are off ground metres by more than this share at the data is
#: not measured in (UTM is off by at most 0.1 % inside its zone; Web Mercator by 15–20 % in China).
MAX_SCALE_ERROR = 0.01
_SCALE_PROBE_M = 500.0

#: Read every feature whatever the Processing setting "Invalid features filtering" says: these
#: readers repair invalid polygons and list them, rather than stopping or silently dropping.
_ALL_GEOMETRIES = compat.ProcessingFeatureSourceFlag.SkipGeometryValidityChecks


@dataclass
class PointsRead:
    """Representative points of a layer's features, in input order.

    ``xy`` has NaN rows where a feature had no usable geometry; ``features`` keeps the original
    features (attributes and geometry) when asked for, to copy them into the output;
    ``measured`` the geometries in the measuring CRS, repaired (None where unusable), when
    asked for — areas and point-in-polygon tests need them, not only the points.
    """

    feature_ids: list[int]
    xy: np.ndarray
    attributes: dict[str, list[Any]]
    features: list[QgsFeature] = field(default_factory=list)
    measured: list[Optional[QgsGeometry]] = field(default_factory=list)
    empty_geometry: list[int] = field(default_factory=list)
    repaired_geometry: list[int] = field(default_factory=list)


def utm_crs_for(longitude: float, latitude: float) -> QgsCoordinateReferenceSystem:
    """The WGS 84 / UTM zone holding a point (EPSG:326zz north, 327zz south)."""
    zone = min(max(math.floor((longitude + 180.0) / 6.0) + 1, 1), 60)
    return QgsCoordinateReferenceSystem(f"EPSG:{(32600 if latitude >= 0 else 32700) + zone}")


def measuring_crs(source: QgsProcessingFeatureSource, layer_label: str, context, feedback):
    """The CRS distances are measured in: the layer's own when its metres are ground metres,
    else the UTM zone of the data (geographic input, feet, or a projection such as Web
    Mercator whose metres are stretched — by 15–20 % across China)."""
    crs = source.sourceCrs()
    if not crs.isValid():
        raise QgsProcessingException(
            tr(
                "Layer '{layer}' has no valid coordinate reference system; set its CRS first."
            ).format(layer=layer_label)
        )
    projected_in_metres = not crs.isGeographic() and crs.mapUnits() == compat.DistanceUnit.Meters
    extent = source.sourceExtent()
    if extent.isEmpty() and extent.width() == 0 and extent.height() == 0 and extent.isNull():
        if projected_in_metres:
            return crs
        raise QgsProcessingException(
            tr("Layer '{layer}' is empty: there is nothing to analyse.").format(layer=layer_label)
        )
    try:
        to_wgs84 = QgsCoordinateTransform(crs, WGS84, context.transformContext())
        centre = to_wgs84.transform(extent.center())
    except QgsCsException:
        if projected_in_metres:
            return crs  # cannot place the data on the globe: trust the layer's own metres
        raise
    target = utm_crs_for(centre.x(), centre.y())
    if projected_in_metres:
        scale = _scale_of(crs, target, centre, context)
        if scale is None or abs(scale - 1.0) <= MAX_SCALE_ERROR:
            return crs
        feedback.pushInfo(
            tr(
                "Layer '{layer}' is in {crs}, whose metres differ from ground metres by "
                "{percent} % here; distances are measured in {target} instead."
            ).format(
                layer=layer_label,
                crs=crs.authid() or crs.description(),
                percent=round(100.0 * abs(scale - 1.0), 1),
                target=target.authid(),
            )
        )
        return target
    feedback.pushInfo(
        tr(
            "Layer '{layer}' is in {crs}, which is not measured in metres; distances are measured "
            "in {target} instead."
        ).format(layer=layer_label, crs=crs.authid() or crs.description(), target=target.authid())
    )
    return target


def _scale_of(crs, utm, centre_wgs84, context) -> Optional[float]:
    """How many of ``crs``'s metres one ground metre (measured in UTM) spans at the data's
    centre, the larger of east-west and north-south; None when it cannot be worked out."""
    try:
        centre = QgsCoordinateTransform(WGS84, utm, context.transformContext()).transform(
            centre_wgs84
        )
        to_crs = QgsCoordinateTransform(utm, crs, context.transformContext())
        stretch = []
        for dx, dy in ((_SCALE_PROBE_M, 0.0), (0.0, _SCALE_PROBE_M)):
            start = to_crs.transform(QgsPointXY(centre.x() - dx, centre.y() - dy))
            end = to_crs.transform(QgsPointXY(centre.x() + dx, centre.y() + dy))
            stretch.append(start.distance(end) / (2.0 * _SCALE_PROBE_M))
    except QgsCsException:
        return None
    worst = max(stretch, key=lambda value: abs(value - 1.0))
    return worst if math.isfinite(worst) and worst > 0 else None


def transform_to(source: QgsProcessingFeatureSource, target, layer_label: str, context, feedback):
    """A transform from the layer's CRS to ``target``; says so when the layer is reprojected."""
    crs = source.sourceCrs()
    if not crs.isValid():
        raise QgsProcessingException(
            tr(
                "Layer '{layer}' has no valid coordinate reference system; set its CRS first."
            ).format(layer=layer_label)
        )
    if crs != target:
        feedback.pushInfo(
            tr("Layer '{layer}' is reprojected from {source} to {target} for measuring.").format(
                layer=layer_label, source=crs.authid(), target=target.authid()
            )
        )
    return QgsCoordinateTransform(crs, target, context.transformContext())


def _usable_geometry(feature: QgsFeature, transform) -> tuple[Optional[QgsGeometry], bool]:
    """The feature's geometry in the measuring CRS, repaired if invalid; (None, _) when empty."""
    return _usable(feature.geometry(), transform)


def _usable(geometry: Optional[QgsGeometry], transform) -> tuple[Optional[QgsGeometry], bool]:
    """A geometry in the measuring CRS, curves segmentized, repaired if an invalid polygon;
    (None, _) when null or empty."""
    if geometry is None or geometry.isNull() or geometry.isEmpty():
        return None, False
    geometry = QgsGeometry(geometry)
    if QgsWkbTypes.isCurvedType(geometry.wkbType()):
        geometry = QgsGeometry(geometry.constGet().segmentize())
    repaired = False
    if QgsWkbTypes.geometryType(geometry.wkbType()) == _POLYGON and not geometry.isGeosValid():
        geometry = geometry.makeValid()
        repaired = True
        if geometry.isNull() or geometry.isEmpty():
            return None, repaired
    if not transform.isShortCircuited():
        geometry.transform(transform)
    return geometry, repaired


_POLYGON = compat.GeometryType.Polygon


@dataclass
class FeatureRows:
    """A layer's features as read, before their points are worked out: ids, the attribute
    columns asked for, and each feature's geometry — its WKB when read from the file
    (``gpkg_features``), a QgsGeometry when read through QGIS, None without one — with the
    features themselves when they are kept."""

    feature_ids: list[int]
    columns: list[list[Any]]
    geometries: list[Any]
    features: list[QgsFeature] = field(default_factory=list)


def read_points(
    source: QgsProcessingFeatureSource,
    transform,
    feedback,
    attribute_names: tuple[str, ...] = (),
    keep_features: bool = False,
    keep_measured: bool = False,
    direct=None,
) -> PointsRead:
    """Representative points: a point itself, a polygon's point on surface, a line's midpoint.

    Plain 2D points (nearly every facility layer) are read from their WKB and reprojected in
    one call (see ``geometry_arrays``); other geometries go through QGIS one by one. Only the
    named attributes are fetched unless the features are kept. ``keep_measured`` keeps the
    geometries as measured (polygon layers only: points need none).

    ``direct`` (``gpkg_features.direct_table``: the source is a whole GeoPackage table) lets
    the ids, attributes and WKB be read straight from the file (the features to keep still
    come from QGIS); the points, repairs and messages are the same either way.
    """
    fields = source.fields()
    columns = [fields.lookupField(name) for name in attribute_names]
    for name, column in zip(attribute_names, columns):
        if column < 0:
            raise KeyError(name)  # as feature[name] would
    rows = direct.read(fields, columns) if direct is not None else None
    if rows is not None and keep_features:
        rows.features = _features_through_qgis(source, feedback)
        if [feature.id() for feature in rows.features] != rows.feature_ids:
            rows = None  # not the features the file holds: QGIS reads everything
    if rows is None:
        rows = _rows_through_qgis(source, columns, keep_features, feedback)
    may_be_points = not compat.is_polygon(source) and not compat.is_line(source)
    result = PointsRead(
        rows.feature_ids, np.empty((0, 2)), dict(zip(attribute_names, rows.columns)), rows.features
    )
    result.xy = _representative_points(
        rows,
        transform,
        may_be_points,
        compat.is_polygon(source),
        keep_measured and not may_be_points,
        QgsWkbTypes.isMultiType(source.wkbType()),
        result,
        feedback,
    )
    return result


def _features_through_qgis(source, feedback) -> list[QgsFeature]:
    """Every feature with all its attributes (to copy into an output), through QGIS."""
    total = max(source.featureCount(), 1)
    features = []
    # Every feature the iterator yields is a new object: kept as it is, not copied.
    for index, feature in enumerate(source.getFeatures(QgsFeatureRequest(), _ALL_GEOMETRIES)):
        if index % 256 == 0:
            if feedback.isCanceled():
                raise Cancelled()
            if index % 1000 == 0:
                feedback.setProgress(100.0 * index / total)
        features.append(feature)
    return features


def _rows_through_qgis(source, columns: list[int], keep_features: bool, feedback) -> FeatureRows:
    """Ids, attributes at ``columns`` and geometries of every feature, through QGIS (with
    every attribute when the features are kept)."""
    total = max(source.featureCount(), 1)
    request = QgsFeatureRequest()
    if not keep_features:
        if columns:
            request.setSubsetOfAttributes(columns)
        else:
            request.setNoAttributes()
    rows = FeatureRows([], [[] for _ in columns], [])
    feature_ids, geometries, features = rows.feature_ids, rows.geometries, rows.features
    pairs = list(zip(rows.columns, columns))
    # Every feature the iterator yields is a new object: kept as it is, not copied.
    for index, feature in enumerate(source.getFeatures(request, _ALL_GEOMETRIES)):
        if index % 256 == 0:
            if feedback.isCanceled():
                raise Cancelled()
            if index % 1000 == 0:
                feedback.setProgress(100.0 * index / total)
        feature_ids.append(feature.id())
        for column_values, column in pairs:
            column_values.append(python_value(feature.attribute(column)))
        geometries.append(feature.geometry())
        if keep_features:
            features.append(feature)
    return rows


def _representative_points(
    rows: FeatureRows,
    transform,
    may_be_points: bool,
    polygons: bool,
    keep_measured: bool,
    multi: bool,
    result: PointsRead,
    feedback,
) -> np.ndarray:
    """The point of every row (NaN where unusable); fills ``result``'s measured geometries,
    repaired and empty feature ids. ``multi``: the layer is multipart, and a single part read
    from the file is made multipart as QGIS's provider makes it.

    Plain points are read from their WKB, rectangles' points worked out in bulk exactly as
    GEOS finds them (``geometry_arrays.rectangle_points``); every other geometry goes through
    QGIS one by one: repaired when invalid, reprojected, its point on surface from GEOS.
    """
    feature_ids, geometries = rows.feature_ids, rows.geometries
    xy = np.full((len(feature_ids), 2), np.nan)
    measured: list[Optional[QgsGeometry]] = [None] * (len(feature_ids) if keep_measured else 0)
    done = np.zeros(len(feature_ids), dtype=bool)
    other: dict[int, tuple[float, float]] = {}  # row -> point of the geometries read one by one
    empty_rows: list[int] = []
    plain_at, plain_xy = np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    if may_be_points:
        plain_at, plain_xy = geometry_arrays.plain_points(_wkb_records(geometries))
        done[plain_at] = True
    elif polygons and transform.isShortCircuited() and Qgis.geosVersionInt() >= 30800:
        boxes, box_xy = geometry_arrays.rectangle_points(_wkb_records(geometries))
        xy[boxes] = box_xy
        done[boxes] = True
        for row in boxes.tolist() if keep_measured else ():
            measured[row] = QgsGeometry(_as_geometry(geometries[row], multi))
    for count, index in enumerate(np.flatnonzero(~done).tolist()):
        if count % 256 == 0 and feedback.isCanceled():
            raise Cancelled()
        geometry, repaired = _usable(_as_geometry(geometries[index], multi), transform)
        if keep_measured:
            measured[index] = geometry
        point = None
        if geometry is not None:
            surface_point = geometry.pointOnSurface()
            if not surface_point.isNull():
                point = surface_point.asPoint()
        if point is None:
            empty_rows.append(index)
        else:
            other[index] = (point.x(), point.y())
        if repaired:
            result.repaired_geometry.append(feature_ids[index])
    if other:
        xy[list(other)] = list(other.values())
    finite = np.isfinite(plain_xy).all(axis=1)  # an empty point is NaN, NaN
    xy[plain_at[finite]] = geometry_arrays.transform_xy(plain_xy[finite], transform)
    empty_rows.extend(plain_at[~finite].tolist())
    result.measured = measured
    result.empty_geometry = [feature_ids[row] for row in sorted(empty_rows)]
    return xy


def _wkb_records(geometries: list[Any]) -> list[Optional[bytes]]:
    """Each row's WKB (None without a geometry), whether read from the file or through QGIS."""
    return [
        item if item is None or isinstance(item, bytes) else bytes(item.asWkb())
        for item in geometries
    ]


def _as_geometry(item: Any, multi: bool) -> Optional[QgsGeometry]:
    """A row's geometry as a QgsGeometry (from its WKB when read from the file)."""
    if item is None or not isinstance(item, bytes):
        return item
    geometry = QgsGeometry()
    geometry.fromWkb(item)
    if multi and not geometry.isMultipart():
        geometry.convertToMultiType()
    return geometry


@dataclass
class LinesRead:
    """Every line part of a layer in the measuring CRS, and the feature each part came from
    (walking time needs each feature's attributes: stairs, bridges, a lift's fixed time)."""

    parts: list[np.ndarray]
    feature_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.parts)


def read_lines(source: QgsProcessingFeatureSource, transform, feedback) -> LinesRead:
    """Every line part as an (n, 2) array of vertices in the measuring CRS, with its feature id.

    Plain LineStrings and MultiLineStrings are read from their WKB and reprojected in one call
    (see ``geometry_arrays``); curves and anything unusual go through QGIS one by one.
    """
    parts: list[Optional[np.ndarray]] = []
    owners: list[int] = []  # the feature id of every place of parts
    simple: list[bytes] = []  # 2D LineString WKBs, read together after the loop ...
    simple_at: list[int] = []  # ... into these places of parts
    plain: list[int] = []  # places of parts holding other parts still to reproject
    total = max(source.featureCount(), 1)
    request = QgsFeatureRequest().setNoAttributes()
    any_dimensions = transform.isShortCircuited()  # heights matter only when reprojecting
    for index, feature in enumerate(source.getFeatures(request, _ALL_GEOMETRIES)):
        if index % 256 == 0:
            if feedback.isCanceled():
                raise Cancelled()
            if index % 5000 == 0:
                feedback.setProgress(100.0 * index / total)
        fid = feature.id()
        wkb = bytes(feature.geometry().asWkb())
        if wkb.startswith(geometry_arrays.LINESTRING_2D_PREFIX):
            simple_at.append(len(parts))
            simple.append(wkb)
            parts.append(None)
            owners.append(fid)
            continue
        found = geometry_arrays.line_parts(wkb, any_dimensions)
        if found is not None:
            for part in found:
                if part.shape[0] >= 2:
                    plain.append(len(parts))
                    parts.append(part)
                    owners.append(fid)
            continue
        geometry, _ = _usable_geometry(feature, transform)
        if geometry is None or not compat.is_line(geometry):
            continue
        polylines = (
            geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()]
        )
        for polyline in polylines:
            if len(polyline) >= 2:
                parts.append(np.array([(point.x(), point.y()) for point in polyline], dtype=float))
                owners.append(fid)
    geometry_arrays.place_reprojected(parts, simple, simple_at, plain, transform)
    kept = [place for place, part in enumerate(parts) if part is not None]
    return LinesRead(
        parts=[parts[place] for place in kept],
        feature_ids=np.asarray([owners[place] for place in kept], dtype=np.int64),
    )


def python_value(value: Any) -> Any:
    """An attribute value as plain Python: None for NULL, which Qt5 builds hand over as a null
    QVariant (whose text is 'NULL' — it must not pass for a facility type or an id)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def describe_ids(ids: list[Any], limit: int = 20) -> str:
    """A short list of feature ids for a message, e.g. ``3, 7, 12 … (+40 more)``."""
    shown = ", ".join(str(value) for value in ids[:limit])
    if len(ids) > limit:
        shown += " " + tr("… (+{count} more)").format(count=len(ids) - limit)
    return shown


def measured_geometry(feature: QgsFeature, transform) -> Optional[QgsGeometry]:
    """A feature's geometry in the measuring CRS (curves segmentized, invalid polygons
    repaired, as :func:`read_points` does); None when it has no usable geometry. For
    algorithms that need areas or point-in-polygon tests, not only representative points."""
    geometry, _repaired = _usable_geometry(feature, transform)
    return geometry
