"""Reading a DEM for walking time: only the window over the network, in the DEM's own CRS.

Heights are wanted at points along the network (every 10 m, DESIGN §4b) given in the measuring
CRS. They are reprojected into the DEM's CRS in one call (any CRS, geographic degrees included:
the interpolation happens in the DEM's own grid), the DEM's cells covering them — plus one
cell around, for the interpolation's neighbours — are read in one request to the data provider,
and the engine interpolates between cell centres (``scoring/network``). Nodata cells become
NaN, so a point on or next to a hole, or outside the DEM, gets no height; the engine's
documented fallback takes over and the caller names the lines concerned in the log.

A DEM that does not overlap the network at all, a band that does not exist, or a raster the
provider cannot read stops the run, naming the parameter.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateTransform,
    QgsCsException,
    QgsProcessingException,
    QgsRectangle,
)

from ..i18n import tr
from ..scoring.network.terrain import Terrain
from .geometry_arrays import transform_xy

#: numpy types of QGIS's raster data types (``Qgis.DataType``).
_NUMPY_TYPES = {
    Qgis.DataType.Byte: np.uint8,
    Qgis.DataType.UInt16: np.uint16,
    Qgis.DataType.Int16: np.int16,
    Qgis.DataType.UInt32: np.uint32,
    Qgis.DataType.Int32: np.int32,
    Qgis.DataType.Float32: np.float32,
    Qgis.DataType.Float64: np.float64,
}
_INT8 = getattr(Qgis.DataType, "Int8", None)  # QGIS >= 3.30
if _INT8 is not None:
    _NUMPY_TYPES[_INT8] = np.int8


def points_in_dem_crs(xy: np.ndarray, source_crs, dem_layer, context, label: str) -> np.ndarray:
    """Points of the measuring CRS in the DEM's CRS, reprojected in one call; NaN where a
    point cannot be reprojected."""
    dem_crs = dem_layer.crs()
    if not dem_crs.isValid():
        raise QgsProcessingException(
            tr(
                "Terrain (DEM) '{layer}' has no valid coordinate reference system; set its CRS "
                "first."
            ).format(layer=label)
        )
    transform = QgsCoordinateTransform(source_crs, dem_crs, context.transformContext())
    try:
        return transform_xy(xy, transform)
    except QgsCsException:
        # One point beyond the projection's domain fails the whole call: go point by point.
        result = np.full(np.asarray(xy).shape, np.nan)
        for row, (x, y) in enumerate(np.asarray(xy, dtype=float).tolist()):
            try:
                result[row] = transform_xy(np.array([[x, y]]), transform)[0]
            except QgsCsException:
                continue
        return result


def read_window(dem_layer, band: int, points: np.ndarray, label: str) -> Terrain:
    """The cells of band ``band`` covering ``points`` (DEM CRS), with one cell around them, as
    the engine's :class:`~scoring.network.terrain.Terrain` (nodata as NaN)."""
    provider = dem_layer.dataProvider() if dem_layer.isValid() else None
    if provider is None or not provider.isValid():
        raise QgsProcessingException(
            tr("Terrain (DEM) '{layer}' cannot be read.").format(layer=label)
        )
    if not 1 <= band <= provider.bandCount():
        raise QgsProcessingException(
            tr("DEM band (DEM_BAND) {band} does not exist: '{layer}' has {count} bands.").format(
                band=band, layer=label, count=provider.bandCount()
            )
        )
    extent = provider.extent()
    columns, rows = provider.xSize(), provider.ySize()
    if columns <= 0 or rows <= 0 or extent.isEmpty():
        raise QgsProcessingException(
            tr("Terrain (DEM) '{layer}' has no cells to read.").format(layer=label)
        )
    dx = extent.width() / columns
    dy = extent.height() / rows
    finite = points[np.isfinite(points).all(axis=1)]
    if finite.shape[0] == 0:
        raise _not_overlapping(label)
    col_low = math.floor((finite[:, 0].min() - extent.xMinimum()) / dx - 0.5)
    col_high = math.floor((finite[:, 0].max() - extent.xMinimum()) / dx - 0.5) + 1
    row_low = math.floor((extent.yMaximum() - finite[:, 1].max()) / dy - 0.5)
    row_high = math.floor((extent.yMaximum() - finite[:, 1].min()) / dy - 0.5) + 1
    col_low, row_low = max(col_low, 0), max(row_low, 0)
    col_high, row_high = min(col_high, columns - 1), min(row_high, rows - 1)
    if col_low > col_high or row_low > row_high:
        raise _not_overlapping(label)
    width, height = col_high - col_low + 1, row_high - row_low + 1
    window = QgsRectangle(
        extent.xMinimum() + col_low * dx,
        extent.yMaximum() - (row_high + 1) * dy,
        extent.xMinimum() + (col_high + 1) * dx,
        extent.yMaximum() - row_low * dy,
    )
    block = provider.block(band, window, width, height)
    heights = _block_heights(block, width, height, provider, band, label)
    return Terrain(heights, (window.xMinimum(), dx, 0.0, window.yMaximum(), 0.0, -dy))


def _block_heights(block, width: int, height: int, provider, band: int, label: str) -> np.ndarray:
    """The block's values (rows, columns), NaN for nodata: float32 stays float32 (half the
    memory of a city's DEM), other types become float64."""
    dtype = _NUMPY_TYPES.get(block.dataType()) if block is not None else None
    if block is None or not block.isValid() or dtype is None:
        raise QgsProcessingException(
            tr("Terrain (DEM) '{layer}': band {band} cannot be read as heights.").format(
                layer=label, band=band
            )
        )
    raw = bytes(block.data())
    expected = width * height * np.dtype(dtype).itemsize
    if len(raw) != expected:
        raise QgsProcessingException(
            tr("Terrain (DEM) '{layer}': band {band} cannot be read as heights.").format(
                layer=label, band=band
            )
        )
    values = np.frombuffer(raw, dtype=dtype).reshape(height, width)
    heights = values.astype(np.float32 if dtype == np.float32 else np.float64)
    nodata = _nodata_value(block, provider, band)
    if nodata is not None:
        heights[values == np.asarray(nodata).astype(dtype)] = np.nan
    heights[~np.isfinite(heights)] = np.nan
    for value_range in provider.userNoDataValues(band):
        heights[(heights >= value_range.min()) & (heights <= value_range.max())] = np.nan
    return heights


def _nodata_value(block, provider, band: int) -> Optional[float]:
    if block.hasNoDataValue():
        return block.noDataValue()
    if provider.sourceHasNoDataValue(band) and provider.useSourceNoDataValue(band):
        return provider.sourceNoDataValue(band)
    return None


def _not_overlapping(label: str) -> QgsProcessingException:
    return QgsProcessingException(
        tr(
            "Terrain (DEM) '{layer}' does not overlap the walking network: no line lies over "
            "it. Check the DEM and the network's coordinate reference systems."
        ).format(layer=label)
    )
