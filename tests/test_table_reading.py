"""Reading the analyses' outputs in bulk (processing/table_reading.py): a whole GeoPackage
table or CSV file straight from the file, anything else through QGIS — and the same values
whichever way, as QGIS's own provider gives them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Dict, List

import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeatureSource,
    QgsProcessingFeatureSourceDefinition,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis_helpers import Log, plain

from complete_community.processing import compat
from complete_community.processing.table_reading import read_table

NAMES = ("unit_id", "population", "ok_park", "名称")
ROWS: List[List[Any]] = [
    ["A1", 1200, 1, "甲小区"],
    ["A2", None, 0, None],
    ["A3", 0, None, "=HYPERLINK(1)"],
    ["A4", 950.5, 1, "  空格  "],
]


def _memory_layer() -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:32650", "units", "memory")
    layer.dataProvider().addAttributes(
        [
            compat.new_field("unit_id", "string"),
            compat.new_field("population", "double"),
            compat.new_field("ok_park", "int"),
            compat.new_field("名称", "string"),
        ]
    )
    layer.updateFields()
    features = []
    for index, values in enumerate(ROWS):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(667000 + index, 3546000)))
        feature.setAttributes(values)
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def _write(layer: QgsVectorLayer, path: Path, driver: str) -> None:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = driver
    options.layerName = "units"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProcessingContext().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error


@pytest.fixture()
def files(qgis_app, tmp_path) -> Dict[str, str]:
    layer = _memory_layer()
    gpkg, csv_path = tmp_path / "units.gpkg", tmp_path / "units.csv"
    _write(layer, gpkg, "GPKG")
    _write(layer, csv_path, "CSV")
    return {"gpkg": f"{gpkg}|layername=units", "csv": str(csv_path)}


def _read(uri_or_layer, definition: Any = None):
    layer = (
        uri_or_layer
        if isinstance(uri_or_layer, QgsVectorLayer)
        else QgsVectorLayer(uri_or_layer, "t", "ogr")
    )
    assert layer.isValid()
    source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
    return read_table(source, NAMES, Log(), definition or uri_or_layer, layer), layer


def _through_qgis(layer: QgsVectorLayer) -> Dict[str, List[Any]]:
    return {name: [plain(feature[name]) for feature in layer.getFeatures()] for name in NAMES}


def test_a_geopackage_table_is_read_from_the_file_as_qgis_reads_it(files):
    table, layer = _read(files["gpkg"])
    assert table.how == "geopackage"
    assert table.attributes == _through_qgis(layer)
    assert table.feature_ids == [feature.id() for feature in layer.getFeatures()]
    assert table.attributes["population"] == [1200, None, 0, 950.5]
    assert table.attributes["名称"][3] == "  空格  "  # text as it is, spaces and all


def test_a_csv_file_is_read_from_the_file_as_qgis_reads_it(files):
    table, layer = _read(files["csv"])
    assert table.how == "csv"
    assert table.attributes == _through_qgis(layer)  # every cell text, empty cells too
    assert table.attributes["population"][:2] == ["1200", ""]
    assert table.feature_ids == [1, 2, 3, 4]


def test_a_filtered_or_selected_or_edited_layer_is_read_through_qgis(files):
    layer = QgsVectorLayer(files["gpkg"], "t", "ogr")
    layer.setSubsetString('"ok_park" = 1')
    table, _ = _read(layer)
    assert table.how == "qgis" and table.attributes["unit_id"] == ["A1", "A4"]

    layer = QgsVectorLayer(files["gpkg"], "t", "ogr")
    layer.selectByIds([feature.id() for feature in layer.getFeatures()][:1])
    definition = QgsProcessingFeatureSourceDefinition(layer.id(), True)
    source = QgsProcessingFeatureSource(layer, QgsProcessingContext(), False)
    table = read_table(source, NAMES, Log(), definition, layer)
    assert table.how == "qgis"

    layer = QgsVectorLayer(files["gpkg"], "t", "ogr")
    layer.startEditing()
    first = next(layer.getFeatures())
    layer.changeAttributeValue(first.id(), layer.fields().lookupField("population"), 7)
    table, _ = _read(layer)
    layer.rollBack()
    assert table.how == "qgis" and table.attributes["population"][0] == 7


def test_a_memory_layer_is_read_through_qgis_with_the_same_values(qgis_app):
    layer = _memory_layer()
    table, _ = _read(layer)
    assert table.how == "qgis"
    assert table.attributes == _through_qgis(layer)
    assert table.attributes["ok_park"] == [1, 0, None, 1]


def test_a_csv_with_a_bom_and_quoted_text(qgis_app, tmp_path):
    path = tmp_path / "bom.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(NAMES)
        writer.writerow(["A1", "12", "1", '逗号, 和 "引号"'])
    table, layer = _read(str(path))
    assert table.how == "csv"
    assert table.attributes == _through_qgis(layer)
    assert table.attributes["名称"] == ['逗号, 和 "引号"']
