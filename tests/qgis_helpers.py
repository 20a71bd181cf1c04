"""Helpers the algorithm tests share: a feedback that keeps messages, layers as records, and
layers saved into GeoPackages."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsGeometry,
    QgsProcessingFeedback,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from complete_community.processing import compat
from complete_community.processing.layers import python_value as plain

__all__ = ["Log", "memory_layer", "plain", "records", "save_gpkg"]


class Log(QgsProcessingFeedback):
    """Keeps every message; cancels itself after ``cancel_after`` progress reports."""

    def __init__(self, cancel_after: Optional[int] = None) -> None:
        super().__init__()
        self.infos: list[str] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.progress_texts: list[str] = []
        self.progress_reports = 0
        self.cancel_after = cancel_after
        self.progressChanged.connect(self._progressed)

    def _progressed(self, _value: float) -> None:
        self.progress_reports += 1
        if self.cancel_after is not None and self.progress_reports >= self.cancel_after:
            self.cancel()

    def pushInfo(self, info: str) -> None:
        self.infos.append(info)
        super().pushInfo(info)

    def setProgressText(self, text: str) -> None:
        self.progress_texts.append(text)
        super().setProgressText(text)

    def pushWarning(self, warning: str) -> None:
        self.warnings.append(warning)
        super().pushWarning(warning)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N803
        self.errors.append(error)
        super().reportError(error, fatalError)


def records(layer) -> list[dict[str, Any]]:
    """Every feature of an output (a layer, or a path as Processing returns it) as a dict."""
    if isinstance(layer, str):
        layer = QgsVectorLayer(layer, "result", "ogr")
    names = layer.fields().names()
    return [{name: plain(feature[name]) for name in names} for feature in layer.getFeatures()]


def memory_layer(
    geometry: str, fields: Sequence[tuple[str, str]], rows, crs: str, name: str = ""
) -> QgsVectorLayer:
    """A memory layer; ``rows`` are (wkt or None, [values]); ``fields`` (name, kind) pairs as
    ``compat.new_field`` takes them. Field names may be Chinese."""
    result = QgsVectorLayer(f"{geometry}?crs={crs}", name or geometry.lower(), "memory")
    provider = result.dataProvider()
    provider.addAttributes([compat.new_field(field, kind) for field, kind in fields])
    result.updateFields()
    features = []
    for wkt, values in rows:
        feature = QgsFeature(result.fields())
        if wkt:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    assert provider.addFeatures(features)[0]
    return result


def save_gpkg(layer: QgsVectorLayer, path: Path, name: str) -> str:
    """``layer`` written as the table ``name`` of the GeoPackage ``path`` (added beside the
    tables already there; path and name may be Chinese); its source as QGIS names it."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    if path.exists():
        options.actionOnExistingFile = (
            QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        )
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsCoordinateTransformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return f"{path}|layername={name}"
