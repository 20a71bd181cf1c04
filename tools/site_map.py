"""Draw the README's picture of suggested sites on the bundled sample.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/site_map.py [output.png]

Runs ``completecommunity:suggestsites`` for fresh markets (3 sites, proposed along the walking
network) on a copy of ``sample/nanjing_xuanwu.gpkg`` and renders the compounds coloured by
their status, the walking network, each site with its rank, and a line from every newly served
compound to its site. Writes ``docs/images/suggested_sites.png`` by default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "docs" / "images" / "suggested_sites.png"
sys.path.insert(0, str(REPO_ROOT / "tools"))

from build_model import start_qgis  # noqa: E402  (one way to start QGIS with the plugin)
from demo import copy_of_sample  # noqa: E402  (never sample/ itself)

STATUS_COLOURS = {
    "covered_before": ("#9ccc9c", "covered before"),
    "newly_covered": ("#f4a259", "newly covered"),
    "not_covered": ("#d9d9d9", "still not covered"),
    "unreachable": ("#e15759", "unreachable from every candidate"),
}
SITE_COLOUR = "#3b1f8c"
EXISTING_COLOUR = "#2e7d32"
#: Fresh markets (菜市场, 500 m): the sample has some, so all four statuses show, and greedy is
#: not optimal here — the exact solver decides.
FACILITY_TYPE = "fresh_market"
RADIUS_M = 500


def run_suggestion(sample: Path, folder: Path) -> dict:
    import processing

    return processing.run(
        "completecommunity:suggestsites",
        {
            "UNITS": f"{sample}|layername=compounds",
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": f"{sample}|layername=facilities",
            "TYPE_FIELD": "type_code",
            "NETWORK": f"{sample}|layername=roads",
            "FACILITY_TYPE": FACILITY_TYPE,
            "SITES": 3,
            "CANDIDATE_SPACING": 50,
            "OUTPUT": str(folder / "sites.gpkg"),
            "UNITS_OUTPUT": str(folder / "units.gpkg"),
            "CURVE": str(folder / "curve.csv"),
        },
    )


def styled_layers(sample: Path, result: dict):
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsFeature,
        QgsFillSymbol,
        QgsGeometry,
        QgsLineSymbol,
        QgsMarkerSymbol,
        QgsPalLayerSettings,
        QgsRendererCategory,
        QgsTextFormat,
        QgsVectorLayer,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtGui import QColor, QFont

    from complete_community.scoring.standard import load_standard

    serving = ", ".join(f"'{code}'" for code in load_standard().satisfiers(FACILITY_TYPE))
    existing = QgsVectorLayer(f"{sample}|layername=facilities", "existing", "ogr")
    existing.setSubsetString(f'"type_code" IN ({serving})')
    existing.setRenderer(
        existing.renderer().__class__(
            QgsMarkerSymbol.createSimple(
                {
                    "name": "square",
                    "color": EXISTING_COLOUR,
                    "outline_color": "#1b1b1b",
                    "size": "3.2",
                }
            )
        )
    )
    roads = QgsVectorLayer(f"{sample}|layername=roads", "roads", "ogr")
    roads.setRenderer(
        roads.renderer().__class__(
            QgsLineSymbol.createSimple({"color": "#8c8c8c", "width": "0.35"})
        )
    )
    units = QgsVectorLayer(result["UNITS_OUTPUT"], "units", "ogr")
    categories = [
        QgsRendererCategory(
            status,
            QgsFillSymbol.createSimple(
                {"color": colour, "outline_color": "#555555", "outline_width": "0.2"}
            ),
            label,
        )
        for status, (colour, label) in STATUS_COLOURS.items()
    ]
    units.setRenderer(QgsCategorizedSymbolRenderer("status", categories))

    sites = QgsVectorLayer(result["OUTPUT"], "sites", "ogr")
    sites.setRenderer(
        sites.renderer().__class__(
            QgsMarkerSymbol.createSimple(
                {"name": "star", "color": SITE_COLOUR, "outline_color": "white", "size": "7"}
            )
        )
    )
    settings = QgsPalLayerSettings()
    settings.fieldName = "rank"
    settings.dist = 2.0
    text = QgsTextFormat()
    font = QFont("DejaVu Sans")
    font.setBold(True)
    text.setFont(font)
    text.setSize(13)
    text.setColor(QColor(SITE_COLOUR))
    buffer = text.buffer()
    buffer.setEnabled(True)
    buffer.setSize(1.2)
    text.setBuffer(buffer)
    settings.setFormat(text)
    sites.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    sites.setLabelsEnabled(True)

    # A line from every newly served compound to its site.
    links = QgsVectorLayer(f"LineString?crs={units.crs().authid()}", "links", "memory")
    where = {feature["rank"]: feature.geometry().asPoint() for feature in sites.getFeatures()}
    features = []
    for unit in units.getFeatures():
        if unit["status"] == "newly_covered":
            start = unit.geometry().pointOnSurface().asPoint()
            link = QgsFeature()
            link.setGeometry(QgsGeometry.fromPolylineXY([start, where[unit["site_rank"]]]))
            features.append(link)
    links.dataProvider().addFeatures(features)
    links.setRenderer(
        links.renderer().__class__(
            QgsLineSymbol.createSimple({"color": SITE_COLOUR, "width": "0.4", "line_style": "dash"})
        )
    )
    return [sites, existing, links, units, roads], units


def render(layers, extent_layer, output: Path, result: dict) -> None:
    from qgis.core import QgsMapRendererCustomPainterJob, QgsMapSettings
    from qgis.PyQt.QtCore import QRectF, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    width, height, margin = 1440, 1050, 330
    image = QImage(QSize(width, height), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(extent_layer.crs())
    extent = extent_layer.extent()
    extent.scale(1.08)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(width - margin, height))
    settings.setBackgroundColor(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.start()
    job.waitForFinished()

    left = width - margin + 20
    painter.setPen(QColor("#222222"))
    painter.setFont(QFont("DejaVu Sans", 15, QFont.Weight.Bold))
    painter.drawText(
        QRectF(left, 30, margin - 30, 60),
        Qt.TextFlag.TextWordWrap,
        "Fresh markets (菜市场): 3 suggested sites",
    )
    painter.setFont(QFont("DejaVu Sans", 11))
    y = 110
    for colour, label in STATUS_COLOURS.values():
        painter.fillRect(QRectF(left, y, 28, 18), QColor(colour))
        painter.drawRect(QRectF(left, y, 28, 18))
        painter.drawText(QRectF(left + 38, y - 2, margin - 60, 40), Qt.TextFlag.TextWordWrap, label)
        y += 44
    painter.setPen(QColor(SITE_COLOUR))
    painter.setFont(QFont("DejaVu Sans", 16, QFont.Weight.Bold))
    painter.drawText(QRectF(left, y - 6, 30, 30), "★")
    painter.setPen(QColor("#222222"))
    painter.setFont(QFont("DejaVu Sans", 11))
    painter.drawText(
        QRectF(left + 38, y - 2, margin - 60, 40),
        Qt.TextFlag.TextWordWrap,
        "suggested site and its rank",
    )
    y += 44
    painter.fillRect(QRectF(left + 7, y + 2, 13, 13), QColor(EXISTING_COLOUR))
    painter.drawRect(QRectF(left + 7, y + 2, 13, 13))
    painter.drawText(
        QRectF(left + 38, y - 2, margin - 60, 40),
        Qt.TextFlag.TextWordWrap,
        "existing market or supermarket",
    )
    y += 60
    people = f"{result['POP_GAINED']:,.0f}"
    share = f"{100 * result['SHARE_AFTER']:.0f} %"
    before = f"{100 * result['SHARE_BEFORE']:.0f} %"
    proven = "proven best" if result["OPTIMAL"] else "not proven best"
    notes = (
        f"{people} residents newly within {RADIUS_M} m on foot; coverage {before} → {share}; "
        f"{proven} ({result['METHOD']}).\n\nCandidates proposed every 50 m along the "
        "walking network. Dashed: who each site serves.\n\nCentral Nanjing, OpenStreetMap "
        "2021 (© OpenStreetMap contributors, ODbL)."
    )
    painter.drawText(QRectF(left, y, margin - 30, 500), Qt.TextFlag.TextWordWrap, notes)
    painter.end()
    output.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(output)), output


def main(argv) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    session = start_qgis()  # noqa: F841 - the provider lives as long as the plugin
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sample = copy_of_sample(Path(folder) / "input")
        result = run_suggestion(sample, Path(folder))
        layers, units = styled_layers(sample, result)
        render(layers, units, output, result)
    print(f"wrote {output}: {result['SITES_CHOSEN']} sites, {result['POP_GAINED']:.0f} people")
    os._exit(0)  # skip QGIS teardown, which can crash headless


if __name__ == "__main__":
    sys.exit(main(sys.argv))
