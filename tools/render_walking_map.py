"""The README's picture and table of how coverage changes between distance and walking time.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/render_walking_map.py [--size S]

On the benchmark's hilly city (``bench/generate_city.py``: hills up to 30 %, the river's valley,
stairways, bridges and two lifts) the facility gap analysis runs twice, in distance and in
walking time, through ``processing.run``. The map (``docs/images/walking_time_coverage.png``)
shows each compound's coverage for one facility type in the two measures over the hillshaded
DEM; the table (printed as Markdown) gives the population covered per facility type.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
import generate_city  # noqa: E402
import run as bench  # noqa: E402

WORK_DIR = REPO_ROOT / "build" / "walking_map"
IMAGE = REPO_ROOT / "docs" / "images" / "walking_time_coverage.png"
#: The type the map shows, and the types of the table.
MAP_TYPE = "supermarket"
TABLE_TYPES = (
    "play_area",
    "convenience_store",
    "pharmacy",
    "kindergarten",
    "bus_stop",
    "supermarket",
    "primary_school",
    "culture_station",
    "community_health_centre",
    "elderly_care_home",
)
#: The roads by kind: legend label, filter, colour and width (mm).
ROAD_KINDS = (
    ("streets", "\"kind\" NOT IN ('stairs', 'lift', 'bridge')", "#ffffff", 0.35),
    ("stairways", "\"kind\" = 'stairs'", "#ff8c00", 0.7),
    ("bridges", "\"kind\" = 'bridge'", "#1f3fbf", 1.4),
    ("lifts", "\"kind\" = 'lift'", "#c51b8a", 1.8),
)
#: Compound colours: covered both ways, only in distance, only in walking time, neither.
CLASSES = (
    ("both", "#2e8b57", "covered in distance and in walking time"),
    ("distance only", "#d7301f", "covered in distance only: the hill makes it too far"),
    ("time only", "#2b8cbe", "covered in walking time only: downhill, stairs or a lift"),
    ("neither", "#9e9e9e", "covered in neither"),
)


def run_both(city: Path, out_dir: Path) -> Tuple[Dict, Dict]:
    """The facility gap on the city in distance and in walking time: {compound: row} each,
    and the two summaries {type: row}."""
    from qgis.core import QgsProcessingFeedback, QgsVectorLayer

    import processing

    out_dir.mkdir(parents=True, exist_ok=True)
    rows, summaries = {}, {}
    for key, parameters in (
        ("distance", bench._facility_gap_parameters(city, out_dir, {})),
        ("time", bench._facility_gap_time_parameters(city, out_dir, {})),
    ):
        for name in ("OUTPUT", "SUMMARY"):
            Path(parameters[name]).unlink(missing_ok=True)
        parameters["SUMMARY"] = str(Path(parameters["SUMMARY"]).with_suffix(".gpkg"))
        Path(parameters["SUMMARY"]).unlink(missing_ok=True)
        result = processing.run(
            "completecommunity:facilitygap", parameters, feedback=QgsProcessingFeedback()
        )
        units = QgsVectorLayer(result["OUTPUT"], "units", "ogr")
        names = units.fields().names()
        rows[key] = {f["compound_id"]: {n: f[n] for n in names} for f in units.getFeatures()}
        summary = QgsVectorLayer(result["SUMMARY"], "summary", "ogr")
        names = summary.fields().names()
        summaries[key] = {f["type_code"]: {n: f[n] for n in names} for f in summary.getFeatures()}
    return rows, summaries


def coverage_table(summaries: Dict) -> List[str]:
    lines = [
        "| facility type | within | compounds covered: distance → walking time | people "
        "covered: distance → walking time | change | mean walk to the nearest |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for code in TABLE_TYPES:
        flat, hilly = summaries["distance"][code], summaries["time"][code]
        before, after = float(flat["pop_covered"]), float(hilly["pop_covered"])
        lines.append(
            f"| {flat['name_zh']} {code} | {flat['radius_m']:.0f} m / "
            f"{float(hilly['limit_min']):.1f} min | {flat['units_covered']} → "
            f"{hilly['units_covered']} | {before:,.0f} → {after:,.0f} | "
            f"{(after - before) / before:+.0%} | {float(flat['mean_dist']):,.0f} m / "
            f"{float(hilly['mean_time']):.1f} min |"
        )
    return lines


def render(city: Path, rows: Dict, title: str, image: Path, width: int = 1600) -> Dict[str, int]:
    """The map: hillshade, roads by kind, compounds by coverage class; returns the counts."""
    from qgis.core import (
        Qgis,
        QgsCategorizedSymbolRenderer,
        QgsFeature,
        QgsFillSymbol,
        QgsHillshadeRenderer,
        QgsLineSymbol,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsRasterLayer,
        QgsRendererCategory,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    from complete_community.processing import compat
    from complete_community.processing.maps.styles import rule_renderer

    dem = QgsRasterLayer(str(generate_city.dem_path(city)), "dem")
    shade = QgsHillshadeRenderer(dem.dataProvider(), 1, 315.0, 45.0)
    shade.setZFactor(2.0)
    dem.setRenderer(shade)
    # Resampled bilinearly before shading: nearest-neighbour blocks would shade as terraces.
    dem.setResamplingStage(Qgis.RasterResamplingStage.Provider)
    provider = dem.dataProvider()
    provider.setZoomedInResamplingMethod(provider.ResamplingMethod.Bilinear)
    provider.setZoomedOutResamplingMethod(provider.ResamplingMethod.Bilinear)
    dem.setOpacity(0.8)

    roads = QgsVectorLayer(f"{city}|layername=roads", "roads", "ogr")
    # Rules QGIS makes (styles.rule_renderer): a rule made in Python corrupts QGIS 3.40's heap.
    roads.setRenderer(
        rule_renderer(
            [
                (
                    label,
                    expression,
                    QgsLineSymbol.createSimple({"line_color": colour, "line_width": str(width)}),
                )
                for label, expression, colour, width in ROAD_KINDS
            ]
        )
    )

    compounds = QgsVectorLayer(f"{city}|layername=compounds", "compounds", "ogr")
    shown = QgsVectorLayer(f"Polygon?crs={compounds.crs().authid()}", "coverage", "memory")
    shown.dataProvider().addAttributes([compat.new_field("class", "string")])
    shown.updateFields()
    counts = {name: 0 for name, _, _ in CLASSES}
    features = []
    for feature in compounds.getFeatures():
        unit = feature["compound_id"]
        flat = rows["distance"][unit][f"ok_{MAP_TYPE}"] == 1
        hilly = rows["time"][unit][f"ok_{MAP_TYPE}"] == 1
        name = {(1, 1): "both", (1, 0): "distance only", (0, 1): "time only"}.get(
            (int(flat), int(hilly)), "neither"
        )
        counts[name] += 1
        copy = QgsFeature(shown.fields())
        copy.setGeometry(feature.geometry())
        copy.setAttributes([name])
        features.append(copy)
    shown.dataProvider().addFeatures(features)
    categories = [
        QgsRendererCategory(
            name,
            QgsFillSymbol.createSimple(
                {"color": colour, "outline_color": "#202020", "outline_width": "0.15"}
            ),
            name,
        )
        for name, colour, _ in CLASSES
    ]
    shown.setRenderer(QgsCategorizedSymbolRenderer("class", categories))

    settings = QgsMapSettings()
    settings.setLayers([shown, roads, dem])
    settings.setDestinationCrs(compounds.crs())
    extent = roads.extent()
    # The middle of the city, where the compounds are: a quarter of its area.
    extent.scale(0.5)
    settings.setExtent(extent)
    height = int(width * extent.height() / extent.width())
    settings.setOutputSize(QSize(width, height))
    settings.setBackgroundColor(QColor("#ffffff"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    map_image = job.renderedImage()

    legend_height = 200
    canvas = QImage(width, height + legend_height, QImage.Format.Format_ARGB32)
    canvas.fill(QColor("#ffffff"))
    painter = QPainter(canvas)
    painter.drawImage(0, 0, map_image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(22)
    painter.setFont(font)
    painter.setPen(QColor("#000000"))
    painter.drawText(
        20,
        height + 34,
        f"{title} — the middle of the benchmark's hilly city; counts of all its "
        f"{sum(counts.values())} compounds",
    )
    font.setPixelSize(19)
    painter.setFont(font)
    for number, (name, colour, text) in enumerate(CLASSES):
        x = 20 + (number % 2) * (width // 2)
        y = height + 62 + (number // 2) * 34
        painter.fillRect(x, y, 26, 20, QColor(colour))
        painter.drawText(x + 36, y + 17, f"{text} ({counts[name]})")
    y = height + 62 + 2 * 34
    for number, (colour, text) in enumerate(
        (("#ff8c00", "stairways"), ("#1f3fbf", "bridges"), ("#c51b8a", "lifts"))
    ):
        x = 20 + number * 220
        painter.fillRect(x, y + 8, 26, 5, QColor(colour))
        painter.drawText(x + 36, y + 17, text)
    painter.drawText(width - 420, y + 17, "hillshade of the DEM, 20 m cells")
    painter.end()
    image.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(str(image))
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=sorted(generate_city.SIZES))
    parser.add_argument("--image", type=Path, default=IMAGE)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    city = WORK_DIR / f"city_{arguments.size}.gpkg"
    meta = generate_city.read_meta(city)
    if meta.get("generator_version") != generate_city.GENERATOR_VERSION or not (
        generate_city.dem_path(city).exists()
    ):
        generate_city.generate(arguments.size, city)
        time.sleep(bench.SETTLE_SECONDS)
    bench.start_qgis()
    rows, summaries = run_both(city, WORK_DIR / "out")
    kind = summaries["time"][MAP_TYPE]
    title = (
        f"{kind['name_zh']} {MAP_TYPE}: {kind['radius_m']:.0f} m in distance, "
        f"{float(kind['limit_min']):.1f} minutes of walking"
    )
    counts = render(city, rows, title, arguments.image)
    print("\n".join(coverage_table(summaries)))
    print(f"\nWrote {arguments.image}: {counts}")
    os._exit(0)  # skip QGIS teardown, which can crash headless


if __name__ == "__main__":
    raise SystemExit(main())
