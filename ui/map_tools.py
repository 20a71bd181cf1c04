"""Locations for projects: a point clicked on the map canvas, or a feature's point on surface.

Both come back as a shapely Point in the plan store's CRS, the form the plan records hold.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsMapToolEmitPoint
from qgis.PyQt.QtCore import pyqtSignal
from shapely.geometry import Point


class PointPickTool(QgsMapToolEmitPoint):
    """A map tool that reports one clicked point with the canvas CRS, then hands the canvas
    back to the tool that was active before."""

    picked = pyqtSignal(QgsPointXY, QgsCoordinateReferenceSystem)

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._canvas = canvas
        self._previous = None
        self.canvasClicked.connect(self._clicked)

    def start(self) -> None:
        previous = self._canvas.mapTool()
        self._previous = previous if previous is not self else None
        self._canvas.setMapTool(self)

    def stop(self) -> None:
        if self._canvas.mapTool() is self:
            self._canvas.unsetMapTool(self)
            if self._previous is not None:
                self._canvas.setMapTool(self._previous)
        self._previous = None

    def _clicked(self, point: QgsPointXY, _button) -> None:
        crs = self._canvas.mapSettings().destinationCrs()
        self.stop()
        self.picked.emit(QgsPointXY(point), crs)


def to_store_point(
    point: QgsPointXY, source_crs: QgsCoordinateReferenceSystem, store_crs: str
) -> Optional[Point]:
    """``point`` from ``source_crs`` into the store's CRS (``EPSG:32650``); None if it fails."""
    target = QgsCoordinateReferenceSystem(store_crs)
    if not target.isValid() or not source_crs.isValid():
        return None
    transform = QgsCoordinateTransform(source_crs, target, QgsProject.instance())
    try:
        moved = transform.transform(point)
    except QgsCsException:
        return None
    return Point(moved.x(), moved.y())


def feature_point(layer, feature) -> Optional[QgsPointXY]:
    """A feature's point on surface (a point is itself), in the layer's CRS; None if empty."""
    geometry = feature.geometry()
    if geometry is None or geometry.isNull() or geometry.isEmpty():
        return None
    if not geometry.isGeosValid():
        geometry = geometry.makeValid()
    surface = geometry.pointOnSurface()
    if surface.isNull():
        return None
    return surface.asPoint()
