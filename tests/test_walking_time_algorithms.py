"""Walking time (DESIGN §4b) through ``processing.run`` and ``qgis_process``, on terrain the test
writes itself, every expected minute worked out by hand from the convention:

- a piece of horizontal length ``run`` on grade ``s`` (rise / run in the walking direction)
  takes run / (v · f(s)) seconds, f(s) = exp(−3.5·|s + 0.05|) / exp(−3.5·0.05);
- stairs take run / v plus the climb at 0.30 m/s up or 0.45 m/s down; bridges and tunnels use
  f on the straight grade between their ends; a lift its fixed seconds both ways;
- connectors (unit or facility to the network) are flat; time runs from the unit to the
  facility.

The rasters are planes, tents with their ridge on a row of cell centres, and valleys, so that
bilinear interpolation between cell centres reproduces the analytic height exactly; they
reach well beyond the network (the outer half cell is flat by convention).
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import pytest
import sample_copy
from osgeo import gdal, osr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis_helpers import Log, records
from standard_files import write_standard

from complete_community.processing import compat

ALGORITHM = "completecommunity:facilitygap"
X0, Y0 = 667_000.0, 3_546_000.0  # central Nanjing in EPSG:32650
UTM = "EPSG:32650"
SPEED = 1.0
UP_STAIRS, DOWN_STAIRS = 0.30, 0.45


def f(grade: float) -> float:
    """Tobler's hiking function normalised to 1 on the flat (DESIGN §4b)."""
    return math.exp(-3.5 * abs(grade + 0.05)) / math.exp(-3.5 * 0.05)


def walk(run: float, grade: float, speed: float = SPEED) -> float:
    """Seconds to walk ``run`` metres of horizontal length on a uniform grade."""
    return run / (speed * f(grade))


def stairs(run: float, rise: float, speed: float = SPEED) -> float:
    """Seconds up (rise > 0) or down (rise < 0) a stair of horizontal length ``run``."""
    return run / speed + (rise / UP_STAIRS if rise > 0 else -rise / DOWN_STAIRS)


# --- data written by the tests ---------------------------------------------------------------


def write_raster(
    path: Path,
    epsg: int,
    extent: tuple[float, float, float, float],
    shape: tuple[int, int],
    bands: Sequence[Callable[[np.ndarray, np.ndarray], np.ndarray]],
    nodata: Optional[float] = None,
) -> str:
    """A north-up GeoTIFF in ``epsg`` over ``extent`` (xmin, ymin, xmax, ymax) of ``shape``
    (rows, columns); band i holds ``bands[i](X, Y)`` of the cell centres' coordinates (NaN:
    the nodata value)."""
    xmin, ymin, xmax, ymax = extent
    rows, cols = shape
    width, height = (xmax - xmin) / cols, (ymax - ymin) / rows
    grid_x, grid_y = np.meshgrid(
        xmin + (np.arange(cols) + 0.5) * width, ymax - (np.arange(rows) + 0.5) * height
    )
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(path), cols, rows, len(bands), gdal.GDT_Float32
    )
    dataset.SetGeoTransform((xmin, width, 0.0, ymax, 0.0, -height))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    dataset.SetProjection(srs.ExportToWkt())
    for number, band in enumerate(bands, start=1):
        values = np.asarray(band(grid_x, grid_y), dtype=float) + 0 * grid_x
        target = dataset.GetRasterBand(number)
        if nodata is not None:
            target.SetNoDataValue(nodata)
            values = np.where(np.isnan(values), nodata, values)
        target.WriteArray(values)
    dataset.FlushCache()
    dataset = None
    return str(path)


def write_dem(
    path: Path,
    *bands: Callable[[np.ndarray, np.ndarray], np.ndarray],
    bounds=(-202.5, -202.5, 797.5, 202.5),
    cell: float = 5.0,
    nodata: Optional[float] = None,
) -> str:
    """A DEM in the network's CRS over ``bounds`` relative to (X0, Y0), by default with cell
    centres on every multiple of 5 m; heights ``band(x, y)`` of coordinates relative to
    (X0, Y0)."""
    xmin, ymin, xmax, ymax = bounds
    shape = (round((ymax - ymin) / cell), round((xmax - xmin) / cell))
    relative = [(lambda band: (lambda x, y: band(x - X0, y - Y0)))(band) for band in bands]
    extent = (X0 + xmin, Y0 + ymin, X0 + xmax, Y0 + ymax)
    return write_raster(path, 32650, extent, shape, relative, nodata)


def xy(x: float, y: float) -> tuple[float, float]:
    return X0 + x, Y0 + y


def point_wkt(x: float, y: float) -> str:
    return "POINT({} {})".format(*xy(x, y))


def line_wkt(points: Sequence[tuple[float, float]]) -> str:
    return "LINESTRING({})".format(", ".join("{} {}".format(*xy(*p)) for p in points))


def memory_layer(geometry: str, fields, rows, crs: str = UTM, name: str = "") -> QgsVectorLayer:
    result = QgsVectorLayer(f"{geometry}?crs={crs}", name or geometry.lower(), "memory")
    result.dataProvider().addAttributes([compat.new_field(field, kind) for field, kind in fields])
    result.updateFields()
    features = []
    for wkt, values in rows:
        feature = QgsFeature(result.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    assert result.dataProvider().addFeatures(features)[0]
    return result


ROAD_FIELDS = [("road", "int"), ("highway", "string"), ("bridge", "string"), ("lift_s", "string")]


def roads(lines, crs: str = UTM, fields=ROAD_FIELDS) -> QgsVectorLayer:
    """Roads from (points, highway, bridge, lift seconds) tuples (missing values NULL)."""
    rows = []
    for number, line in enumerate(lines):
        points, *tags = line if isinstance(line, tuple) else (line,)
        tags = [*tags, None, None, None][: len(fields) - 1]
        rows.append((line_wkt(points), [number, *tags]))
    return memory_layer("LineString", fields, rows, crs, "roads")


def units(places) -> QgsVectorLayer:
    rows = [(point_wkt(*where), [name, 1000]) for name, where in places]
    return memory_layer("Point", [("unit_id", "string"), ("pop", "int")], rows, name="units")


def facilities(places) -> QgsVectorLayer:
    rows = [(point_wkt(*where), [kind]) for kind, where in places]
    return memory_layer("Point", [("kind", "string")], rows, name="facilities")


def run_gap(unit_layer, facility_layer, network, standard, log=None, **parameters) -> dict:
    import processing

    values = {
        "UNITS": unit_layer,
        "UNIT_ID_FIELD": "unit_id",
        "POPULATION_FIELD": "pop",
        "FACILITIES": facility_layer,
        "TYPE_FIELD": "kind",
        "NETWORK": network,
        "STANDARD": standard,
        "SNAP_TOLERANCE": 50,
        "MEASURE": 1,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "SUMMARY": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(ALGORITHM, values, feedback=log if log is not None else Log())


def by_unit(result: dict) -> dict:
    return {row["unit_id"]: row for row in records(result["OUTPUT"])}


def minutes(seconds: float) -> float:
    return seconds / 60.0


# --- a uniform ramp ----------------------------------------------------------------------


RAMP = 0.10  # 10 % up towards +x


def ramp(x, y):
    return 50.0 + RAMP * x


@pytest.fixture()
def ramp_dem(tmp_path) -> str:
    return write_dem(tmp_path / "ramp.tif", ramp)


def test_a_uniform_ramp_takes_longer_uphill_than_down(plugin, engine, ramp_dem, tmp_path):
    """Street y = 0 from x = 0 to 300 on a 10 % ramp; kindergarten at x = 150 (10 m off);
    unit L at x = 0 walks 150 m up, unit H at x = 300 walks 150 m down (10 m connectors)."""
    log = Log()
    result = run_gap(
        units([("L", (0, 10)), ("H", (300, 10))]),
        facilities([("kg", (150, 10)), ("market", (150, -10))]),
        roads([[(0, 0), (300, 0)]]),
        write_standard(tmp_path, kindergarten_minutes=3.5),
        log,
        DEM=ramp_dem,
    )
    rows = by_unit(result)
    up = 10 + walk(150, RAMP) + 10  # connectors are flat
    down = 10 + walk(150, -RAMP) + 10
    assert rows["L"]["time_kindergarten"] == pytest.approx(minutes(up), abs=0.006)
    assert rows["H"]["time_kindergarten"] == pytest.approx(minutes(down), abs=0.006)
    assert rows["L"]["dist_kindergarten"] == pytest.approx(170.0, abs=0.06)
    assert rows["H"]["dist_kindergarten"] == pytest.approx(170.0, abs=0.06)
    # walk_minutes 3.5 = 210 s: 232.9 s uphill is too long, 170 s downhill is not.
    assert up > 210 > down
    assert (rows["L"]["ok_kindergarten"], rows["H"]["ok_kindergarten"]) == (0, 1)
    # The market has no walk_minutes: its 500 m radius walked on the flat, 500 s.
    assert rows["L"]["ok_vegetable_market"] == rows["H"]["ok_vegetable_market"] == 1
    assert rows["L"]["measure"] == "walking_time" and rows["L"]["route_mode"] == "network"
    assert result["MEASURE"] == "walking_time"
    summary = {row["type_code"]: row for row in records(result["SUMMARY"])}
    assert summary["kindergarten"]["limit_min"] == pytest.approx(3.5)
    assert summary["vegetable_market"]["limit_min"] == pytest.approx(500 / 60, abs=0.006)
    assert summary["kindergarten"]["mean_time"] == pytest.approx(
        minutes((up + down) / 2), abs=0.006
    )
    assert any("'ramp'" in info and "band 1" in info for info in log.infos)


# --- a symmetric hill --------------------------------------------------------------------

HILL_GRADE = 0.08


def test_there_and_back_over_a_symmetric_hill_differ_by_the_computed_amount(
    plugin, engine, tmp_path
):
    """Street from x = 0 to 300 over a tent hill, 8 % each side, peaking at x = 200 (a row of
    cell centres and a piece end: the ridge is exact). Unit A at x = 0 walks to the
    kindergarten at x = 300: 200 m up, 100 m down. Unit B at x = 300 walks to the market at
    x = 0: 100 m up, 200 m down."""
    top = 200.0

    def tent(x, y):
        return 46.0 - HILL_GRADE * np.abs(x - top)

    dem = write_dem(tmp_path / "hill.tif", tent)
    result = run_gap(
        units([("A", (0, 0)), ("B", (300, 0))]),
        facilities([("kg", (300, 0)), ("market", (0, 0))]),
        roads([[(0, 0), (300, 0)]]),
        write_standard(tmp_path),
        DEM=dem,
    )
    rows = by_unit(result)
    there = walk(top, HILL_GRADE) + walk(300 - top, -HILL_GRADE)
    back = walk(300 - top, HILL_GRADE) + walk(top, -HILL_GRADE)
    assert rows["A"]["time_kindergarten"] == pytest.approx(minutes(there), abs=0.006)
    assert rows["B"]["time_vegetable_market"] == pytest.approx(minutes(back), abs=0.006)
    difference = (top - (300 - top)) * (1 / f(HILL_GRADE) - 1 / f(-HILL_GRADE))
    assert there - back == pytest.approx(difference)
    measured = rows["A"]["time_kindergarten"] - rows["B"]["time_vegetable_market"]
    assert measured == pytest.approx(minutes(difference), abs=0.012)
    assert rows["A"]["dist_kindergarten"] == rows["B"]["dist_vegetable_market"] == 300.0


# --- stairs, a bridge over a valley, a lift -------------------------------------------------


def test_stairs_climb_their_rise_at_the_vertical_speeds(plugin, engine, tmp_path):
    """A 20 m stair (highway=steps) on a 30 % slope rises 6 m; the terrain under it is
    bumpy, but stairs take the straight line between the heights at their ends."""

    def slope_with_bumps(x, y):
        bumps = np.where((x > 3) & (x < 17), 2.0 * np.sin(x), 0.0)
        return 10.0 + 0.30 * np.clip(x, 0, 20) + bumps

    dem = write_dem(tmp_path / "slope.tif", slope_with_bumps, bounds=(-102.5, -102.5, 122.5, 102.5))
    result = run_gap(
        units([("foot", (0, 0)), ("top", (20, 0))]),
        facilities([("kg", (20, 0)), ("market", (0, 0))]),
        roads([([(0, 0), (10, 0), (20, 0)], "steps")]),
        write_standard(tmp_path),
        DEM=dem,
    )
    rows = by_unit(result)
    assert rows["foot"]["time_kindergarten"] == pytest.approx(minutes(stairs(20, 6)), abs=0.006)
    assert rows["top"]["time_vegetable_market"] == pytest.approx(minutes(stairs(20, -6)), abs=0.006)
    assert minutes(stairs(20, 6)) == pytest.approx(40 / 60)  # 20 s of run and 20 s of climb


def valley(x, y):
    """A V-shaped valley 20 m deep between x = 100 and 200 (walls 40 % steep)."""
    return 60.0 - np.clip(20.0 - 0.4 * np.abs(x - 150.0), 0.0, None)


def test_a_bridge_over_a_valley_stays_level_while_the_street_below_dips(plugin, engine, tmp_path):
    """Two crossings from x = 0 to 300: a bridge at y = 0 (bridge=yes) and a street down
    through the valley at y = 40. Each unit may only use its own (they do not meet)."""
    dem = write_dem(tmp_path / "valley.tif", valley)
    result = run_gap(
        units([("bridge side", (0, 0)), ("street side", (0, 40))]),
        facilities([("kg", (300, 0)), ("kg", (300, 40))]),
        roads(
            [
                ([(0, 0), (300, 0)], "footway", "yes"),
                ([(0, 40), (100, 40), (150, 40), (200, 40), (300, 40)], "residential"),
            ]
        ),
        write_standard(tmp_path),
        DEM=dem,
        SNAP_TOLERANCE=5,
    )
    rows = by_unit(result)
    assert rows["bridge side"]["time_kindergarten"] == pytest.approx(minutes(300), abs=0.006)
    below = 100 + walk(50, -0.4) + walk(50, 0.4) + 100
    assert rows["street side"]["time_kindergarten"] == pytest.approx(minutes(below), abs=0.006)
    assert below > 300


def test_a_lift_takes_its_fixed_time_both_ways(plugin, engine, ramp_dem, tmp_path):
    """A 30 m lift link with lift_s = 45 on the ramp: 45 s up and down, while the street
    beside it (not joined to it) would take the ramp."""
    log = Log()
    result = run_gap(
        units([("bottom", (0, 0)), ("upper", (30, 0))]),
        facilities([("kg", (30, 0)), ("market", (0, 0))]),
        roads([([(0, 0), (30, 0)], "footway", None, "45")]),
        write_standard(tmp_path),
        log,
        DEM=ramp_dem,
        FIXED_TIME_FIELD="lift_s",
    )
    rows = by_unit(result)
    assert rows["bottom"]["time_kindergarten"] == pytest.approx(0.75)
    assert rows["upper"]["time_vegetable_market"] == pytest.approx(0.75)
    assert any("1 lines of 'roads' take a fixed time" in info for info in log.infos)


# --- flat ground is the distance mode ------------------------------------------------------


FLAT_LINES = [[(0, 0), (500, 0), (1000, 0)], [(500, 0), (500, 400)]]
FLAT_UNITS = [("A", (0, 10)), ("B", (400, 40)), ("C", (380, 0)), ("D", (381, 0)), ("E", (500, 390))]
FLAT_FACILITIES = [("kg", (100, 20)), ("market", (700, -30)), ("kg", (520, 300))]


@pytest.mark.parametrize("with_flat_dem", [False, True])
def test_flat_ground_covers_exactly_the_units_distance_covers(
    plugin, engine, tmp_path, with_flat_dem
):
    network = roads(FLAT_LINES)
    standard = write_standard(tmp_path)
    distance = by_unit(
        run_gap(units(FLAT_UNITS), facilities(FLAT_FACILITIES), network, standard, MEASURE=0)
    )
    extra = {}
    if with_flat_dem:
        extra["DEM"] = write_dem(tmp_path / "flat.tif", lambda x, y: 0 * x + 25.0)
    timed = by_unit(
        run_gap(units(FLAT_UNITS), facilities(FLAT_FACILITIES), network, standard, **extra)
    )
    for unit, row in distance.items():
        for code in ("kindergarten", "vegetable_market"):
            assert timed[unit][f"ok_{code}"] == row[f"ok_{code}"], (unit, code)
            assert timed[unit][f"dist_{code}"] == pytest.approx(row[f"dist_{code}"]), unit
            assert timed[unit][f"time_{code}"] == pytest.approx(
                row[f"dist_{code}"] / SPEED / 60, abs=0.006
            ), unit
    # C is exactly on the kindergarten's radius (300 m = 5 min), D one metre beyond it.
    assert (timed["C"]["ok_kindergarten"], timed["D"]["ok_kindergarten"]) == (1, 0)
    assert "time_kindergarten" not in next(iter(distance.values()))


# --- DEMs in other CRSs, holes, bands ------------------------------------------------------


def in_crs(epsg: int, *points: tuple[float, float]) -> list[QgsPointXY]:
    """Points given relative to (X0, Y0) in EPSG:32650, in another CRS."""
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(UTM),
        QgsCoordinateReferenceSystem(f"EPSG:{epsg}"),
        QgsProject.instance(),
    )
    return [transform.transform(QgsPointXY(*xy(*point))) for point in points]


@pytest.mark.parametrize("epsg", [4326, 3857])
def test_a_dem_in_another_crs_is_sampled_where_the_network_lies(plugin, engine, tmp_path, epsg):
    """The DEM rises linearly in its own x (longitude for EPSG:4326): the street's ends get the
    heights of their reprojected positions, and the street the grade between them."""
    west, east = in_crs(epsg, (0, 0), (300, 0))
    low, high = in_crs(epsg, (-400, -400), (700, 400))
    per_unit_x = 30.0 / (east.x() - west.x())  # 30 m higher at the east end: 10 %

    def rising(x, y):
        return 100.0 + per_unit_x * (x - west.x())

    extent = (low.x(), low.y(), high.x(), high.y())
    dem = write_raster(tmp_path / f"dem_{epsg}.tif", epsg, extent, (120, 150), [rising])
    log = Log()
    result = run_gap(
        units([("W", (0, 0)), ("E", (300, 0))]),
        facilities([("kg", (300, 0)), ("market", (0, 0))]),
        roads([[(0, 0), (300, 0)]]),
        write_standard(tmp_path),
        log,
        DEM=dem,
    )
    rows = by_unit(result)
    grade = (rising(east.x(), east.y()) - rising(west.x(), west.y())) / 300.0
    assert grade == pytest.approx(0.10)
    assert rows["W"]["time_kindergarten"] == pytest.approx(minutes(walk(300, grade)), abs=0.006)
    assert rows["E"]["time_vegetable_market"] == pytest.approx(
        minutes(walk(300, -grade)), abs=0.006
    )
    assert any(f"EPSG:{epsg}" in info and "cells read" in info for info in log.infos)


def test_nodata_holes_are_bridged_along_the_line_and_named(plugin, engine, tmp_path):
    """The ramp with a hole of nodata cells (centres x = 105 … 145) across the street, and a
    second street wholly outside the DEM: the first is filled by the straight grade across
    the hole (the ramp itself), the second is walked level; both are named in the log."""

    def holed(x, y):
        return np.where((x >= 104) & (x <= 146), np.nan, ramp(x, y))

    dem = write_dem(
        tmp_path / "holed.tif", holed, nodata=-9999.0, bounds=(-202.5, -52.5, 397.5, 52.5)
    )
    log = Log()
    network = roads([[(0, 0), (300, 0)], [(0, 500), (300, 500)]])
    result = run_gap(
        units([("L", (0, 0)), ("far", (0, 500))]),
        facilities([("kg", (300, 0)), ("kg", (300, 500))]),
        network,
        write_standard(tmp_path),
        log,
        DEM=dem,
        SNAP_TOLERANCE=5,
    )
    rows = by_unit(result)
    assert rows["L"]["time_kindergarten"] == pytest.approx(minutes(walk(300, RAMP)), abs=0.006)
    assert rows["far"]["time_kindergarten"] == pytest.approx(minutes(300), abs=0.006)
    (warning,) = [text for text in log.warnings if "no height in the DEM" in text]
    # 31 piece ends per street: 4 inside the hole (x = 110 … 140) and all 31 of the street
    # outside the DEM, whose 2 vertices have no height.
    assert warning.startswith("35 of 62 points along 'roads' have no height in the DEM")
    assert "at 2 vertices" in warning
    first, second = (feature.id() for feature in network.getFeatures())
    assert warning.endswith(f"(feature ids): {first}, {second}")


def test_a_multiband_dem_uses_the_band_asked_for(plugin, tmp_path):
    """Band 1 rises towards +x, band 2 falls: with DEM_BAND 2 the walk east is downhill."""
    dem = write_dem(tmp_path / "two_bands.tif", ramp, lambda x, y: 80.0 - RAMP * x)
    common = dict(DEM=dem)
    layers = (
        units([("W", (0, 0))]),
        facilities([("kg", (300, 0))]),
        roads([[(0, 0), (300, 0)]]),
        write_standard(tmp_path),
    )
    first = by_unit(run_gap(*layers, **common))["W"]["time_kindergarten"]
    second = by_unit(run_gap(*layers, DEM_BAND=2, **common))["W"]["time_kindergarten"]
    assert first == pytest.approx(minutes(walk(300, RAMP)), abs=0.006)
    assert second == pytest.approx(minutes(walk(300, -RAMP)), abs=0.006)


# --- OpenStreetMap tags: fields, other_tags, none --------------------------------------------

OSM_FIELDS = [("road", "int"), ("highway", "string"), ("other_tags", "string")]


def test_the_defaults_read_osm_tags_from_other_tags(plugin, engine, tmp_path):
    """A GDAL OSM layer keeps bridge and tunnel in other_tags: the default STRUCTURES finds the
    bridge there (level over the valley); without a DEM a stair climbs step_count × 0.15 m in
    the direction of its incline tag."""
    network = roads(
        [
            ([(0, 0), (300, 0)], "footway", '"bridge"=>"yes","layer"=>"1"'),
            ([(0, 40), (100, 40), (150, 40), (200, 40), (300, 40)], "residential", None),
            ([(0, 300), (20, 300)], "steps", '"step_count"=>"40","incline"=>"up"'),
        ],
        fields=OSM_FIELDS,
    )
    log = Log()
    result = run_gap(
        units([("bridge side", (0, 0)), ("street side", (0, 40))]),
        facilities([("kg", (300, 0)), ("kg", (300, 40))]),
        network,
        write_standard(tmp_path),
        log,
        DEM=write_dem(tmp_path / "valley.tif", valley),
        SNAP_TOLERANCE=5,
    )
    rows = by_unit(result)
    assert rows["bridge side"]["time_kindergarten"] == pytest.approx(minutes(300), abs=0.006)
    assert rows["street side"]["time_kindergarten"] > minutes(300) + 0.1
    assert any("reads 'bridge', 'tunnel' from other_tags" in info for info in log.infos)

    flat = by_unit(
        run_gap(
            units([("foot", (0, 300)), ("top", (20, 300))]),
            facilities([("kg", (20, 300)), ("market", (0, 300))]),
            network,
            write_standard(tmp_path),
            SNAP_TOLERANCE=5,
        )
    )
    assert flat["foot"]["time_kindergarten"] == pytest.approx(minutes(stairs(20, 6)), abs=0.006)
    assert flat["top"]["time_vegetable_market"] == pytest.approx(minutes(stairs(20, -6)), abs=0.006)


def test_defaults_on_a_layer_without_osm_tags_match_nothing_and_say_so(plugin, tmp_path):
    network = roads([[(0, 0), (300, 0)]], fields=[("road", "int")])
    log = Log()
    result = run_gap(
        units([("W", (0, 0))]),
        facilities([("kg", (300, 0))]),
        network,
        write_standard(tmp_path),
        log,
        DEM=write_dem(tmp_path / "ramp.tif", ramp),
    )
    assert by_unit(result)["W"]["time_kindergarten"] == pytest.approx(
        minutes(walk(300, RAMP)), abs=0.006
    )
    missing = [text for text in log.warnings if "and no other_tags" in text]
    assert any("'highway'" in text and "STAIRS" in text for text in missing)
    assert any("'bridge', 'tunnel'" in text and "STRUCTURES" in text for text in missing)


# --- bad input: a clear message naming what is wrong, and nothing written --------------------


def bad_run(tmp_path, **parameters):
    """Run with a file output; return the message, having checked nothing was written."""
    output = tmp_path / "out" / "gaps.gpkg"
    output.parent.mkdir(exist_ok=True)
    network = roads(
        [([(0, 0), (300, 0)], "footway", None, "45"), ([(0, 10), (300, 10)], "steps", None, "x")]
    )
    values = dict(DEM=write_dem(tmp_path / "ramp.tif", ramp), OUTPUT=str(output))
    values.update(parameters)
    with pytest.raises(QgsProcessingException) as caught:
        run_gap(
            units([("W", (0, 0))]),
            facilities([("kg", (300, 0))]),
            network if "NETWORK" not in values else values.pop("NETWORK"),
            write_standard(tmp_path),
            **values,
        )
    assert list(output.parent.iterdir()) == []
    return str(caught.value)


def test_bad_walking_speeds_are_refused_naming_the_parameter(plugin, tmp_path):
    for speed in (0, -1.2):
        message = bad_run(tmp_path, WALK_SPEED=speed, FIXED_TIME_FIELD="")
        assert "WALK_SPEED" in message and str(speed) in message, message


def test_a_dem_not_overlapping_the_network_is_refused(plugin, tmp_path):
    away = write_dem(tmp_path / "away.tif", ramp, bounds=(50_000, 50_000, 51_000, 51_000))
    message = bad_run(tmp_path, DEM=away, FIXED_TIME_FIELD="")
    assert "'away'" in message and "does not overlap the walking network" in message


def test_an_unreadable_dem_is_refused(plugin, tmp_path):
    """Refused by the check every input gets (the input and the file named), before any
    work — with either measure, since a DEM given must be one that can be read."""
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00 this is not a GeoTIFF" * 20)
    for measure in (1, 0):
        message = bad_run(tmp_path, DEM=str(broken), FIXED_TIME_FIELD="", MEASURE=measure)
        assert f"(DEM): the layer {broken} cannot be opened" in message, message


def test_a_band_the_dem_lacks_is_refused(plugin, tmp_path):
    message = bad_run(tmp_path, DEM_BAND=3, FIXED_TIME_FIELD="")
    assert "DEM_BAND" in message and "1 bands" in message


@pytest.mark.parametrize(
    ("parameters", "fragments"),
    [
        ({"STAIRS": '"highway" = '}, ("Stairs (STAIRS)", "does not parse")),
        ({"STRUCTURES": "\"bridge_type\" = 'yes'"}, ("STRUCTURES", "'bridge_type'", "'roads'")),
        ({"STAIRS": '"highway" * 2 > 1'}, ("STAIRS", "fails on feature")),
        ({"FIXED_TIME_FIELD": "no_such"}, ("FIXED_TIME_FIELD", "'no_such'")),
        ({"FIXED_TIME_FIELD": "lift_s"}, ("FIXED_TIME_FIELD", "'lift_s'", "('x')")),
    ],
)
def test_bad_expressions_and_fixed_times_are_refused(plugin, tmp_path, parameters, fragments):
    message = bad_run(tmp_path, **parameters)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_negative_and_zero_fixed_times_name_their_features(plugin, tmp_path):
    network = roads(
        [
            ([(0, 0), (300, 0)], "footway", None, "-5"),
            ([(0, 10), (300, 10)], "footway", None, "0"),
            ([(0, 20), (300, 20)], "footway", None, "60"),
        ]
    )
    message = bad_run(tmp_path, NETWORK=network, FIXED_TIME_FIELD="lift_s")
    ids = [feature.id() for feature in network.getFeatures()]
    assert f"{ids[0]} ('-5')" in message and f"{ids[1]} ('0')" in message
    assert f"{ids[2]} (" not in message


# --- tiered provision and the plan scenario in walking time ---------------------------------


@pytest.mark.parametrize("grade", [RAMP, 0.03, -RAMP])
def test_sharing_reach_is_walked_from_the_unit_to_the_facility(plugin, tmp_path, grade):
    """The hand layout of test_tiered_provision_algorithm: a street from C's centre (200, 200)
    to A's centre (600, 200); complex-A (600, 100) joins it with a 100 m connector. Its
    sharing reach becomes 10 minutes of walking (sharing.walk_minutes; its reach_m is 500 m).
    Walking from C to the complex climbs 400 m at 10 % on the steep ramp (667 s: too far),
    at 3 % on the gentle one (544 s: within the 600 s, though beyond 500) and descends on the
    falling one (500 s)."""
    import test_tiered_provision_algorithm as tiered

    standard = tmp_path / "standard.yaml"
    standard.write_text(
        tiered.STANDARD_YAML.replace(
            "sharing: {shareable: true, reach_m: 500}",
            "sharing: {shareable: true, reach_m: 500, walk_minutes: 10}",
        ),
        encoding="utf-8",
    )
    dem = write_dem(
        tmp_path / "ramp.tif",
        lambda x, y: 100.0 + grade * x,
        bounds=(-102.5, -102.5, 1302.5, 502.5),
    )
    street = tiered.roads_layer([[(200, 200), (400, 200), (600, 200)]])
    result = tiered.run(str(standard), NETWORK=street, SNAP_TOLERANCE=150, MEASURE=1, DEM=dem)
    shares = {r["to_unit"]: r for r in records(result["SHARING"]) if r["type_code"] == "complex"}
    rows = {
        r["unit_id"]: r
        for r in records(result["OUTPUT_TABLE"])
        if r["type_code"] == "complex" and r["tier"] == "community"
    }
    seconds = walk(400, grade) + 100  # the connector is flat
    assert (seconds <= 10 * 60) == (grade < RAMP)
    if grade < RAMP:
        assert shares["C"]["distance"] == pytest.approx(500, abs=1e-6)
        assert shares["C"]["walk_min"] == pytest.approx(minutes(seconds))
        assert shares["C"]["measure"] == "walking_time"
        assert rows["C"]["shared_ids"] == "complex-A"
    else:
        assert "C" not in shares
        assert rows["C"]["provision_status"] == "missing"
    assert shares["A"]["walk_min"] is None and shares["A"]["distance"] is None  # its own
    assert result["MEASURE"] == "walking_time"


def test_the_plan_scenario_compares_walking_times(plugin, tmp_path, ramp_dem):
    """A planned kindergarten halfway up the ramp: the unit at its foot walks 150 m up to it
    instead of 300 m; the change is reported in minutes."""
    from shapely.geometry import Point

    import processing
    from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project

    store = PlanStore.create(tmp_path / "plan.gpkg", PlanInfo(name="坡上幼儿园"), UTM)
    store.save(
        Changes(
            projects=(
                Project.new(
                    "P1", "坡上幼儿园", "kindergarten", "planned", geometry=Point(*xy(150, 10))
                ),
            )
        )
    )

    result = processing.run(
        "completecommunity:planscenario",
        {
            "UNITS": units([("L", (0, 10))]),
            "UNIT_ID_FIELD": "unit_id",
            "POPULATION_FIELD": "pop",
            "FACILITIES": facilities([("kg", (300, 10))]),
            "TYPE_FIELD": "kind",
            "NETWORK": roads([[(0, 0), (300, 0)]]),
            "STANDARD": write_standard(tmp_path, kindergarten_minutes=5),
            "SNAP_TOLERANCE": 50,
            "MEASURE": 1,
            "DEM": ramp_dem,
            "PLAN_STORE": str(store.path),
            "OUTPUT": "TEMPORARY_OUTPUT",
            "SUMMARY": "TEMPORARY_OUTPUT",
            "CHANGES": "TEMPORARY_OUTPUT",
            "COMPARISON": "TEMPORARY_OUTPUT",
        },
        feedback=Log(),
    )
    (change,) = [r for r in records(result["CHANGES"]) if r["type_code"] == "kindergarten"]
    before, after = 20 + walk(300, RAMP), 20 + walk(150, RAMP)
    assert change["time_before"] == pytest.approx(minutes(before), abs=0.006)
    assert change["time_after"] == pytest.approx(minutes(after), abs=0.006)
    assert before > 300 >= after  # 5 minutes: the gap is closed
    assert (change["ok_before"], change["ok_after"], change["gap_closed"]) == (0, 1, 1)
    assert result["MEASURE"] == "walking_time"


# --- the whole chain, and qgis_process ------------------------------------------------------

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself


def sample_hills(tmp_path: Path) -> str:
    """A DEM in geographic degrees over the sample: ridges 40 m high, 900 m apart, north-south
    and east-west, so that the sample's streets climb and fall up to about 18 %."""
    layer = QgsVectorLayer(f"{SAMPLE}|layername=roads", "roads", "ogr")
    transform = QgsCoordinateTransform(
        layer.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    extent = transform.transformBoundingBox(layer.extent())
    margin = 0.005
    box = (
        extent.xMinimum() - margin,
        extent.yMinimum() - margin,
        extent.xMaximum() + margin,
        extent.yMaximum() + margin,
    )

    def ridges(lon, lat):
        x, y = (lon - box[0]) * 94_500.0, (lat - box[1]) * 111_000.0  # metres at 32° N
        return 20.0 + 20.0 * np.sin(2 * np.pi * x / 900.0) * np.cos(2 * np.pi * y / 900.0)

    path = write_raster(tmp_path / "hills_wgs84.tif", 4326, box, (400, 400), [ridges])
    then = time.time() - 60  # a file written a moment ago is never trusted by the graph cache
    os.utime(path, (then, then))
    return path


def test_the_model_runs_the_whole_chain_in_walking_time(plugin, tmp_path):
    """The packaged model on the sample with a DEM in degrees: every walking step gets the
    measure, the gap layer has time_T judged on time, the provision's sharing is walked."""
    import processing

    source = str(SAMPLE)
    inputs = {
        "COMPOUNDS": f"{source}|layername=compounds",
        "COMPOUND_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "COMMUNITIES": f"{source}|layername=communities",
        "COMMUNITY_ID_FIELD": "community_id",
        "DISTRICTS": f"{source}|layername=districts",
        "DISTRICT_ID_FIELD": "district_id",
        "FACILITIES": f"{source}|layername=facilities",
        "TYPE_FIELD": "类型",
        "NETWORK": f"{source}|layername=roads",
        "SNAP_TOLERANCE": 150,
        "MEASURE": 1,
        "DEM": sample_hills(tmp_path),
        "exportworkbook:WORKBOOK": str(tmp_path / "evaluation.xlsx"),
        "facilitygap:GAPS": str(tmp_path / "gaps.gpkg"),
        "facilitygap:GAP_SUMMARY": str(tmp_path / "gap_summary.gpkg"),
        "tieredprovision:PROVISION": str(tmp_path / "provision.csv"),
    }
    log = Log()
    results = processing.run("completecommunity:completecommunityevaluation", inputs, feedback=log)
    gaps = records(results["facilitygap:GAPS"])
    summary = {row["type_code"]: row for row in records(results["facilitygap:GAP_SUMMARY"])}
    assert len(gaps) == 47 and {row["measure"] for row in gaps} == {"walking_time"}
    judged = 0
    for row in gaps:
        for code, kind in summary.items():
            if not code or kind["limit_min"] is None:
                continue  # the unknown types' rows
            minutes_walked = row[f"time_{code}"]
            assert row[f"ok_{code}"] == int(
                minutes_walked is not None and minutes_walked <= kind["limit_min"] + 0.005
            )
            judged += minutes_walked is not None
    assert judged > 500
    assert {row["measure"] for row in records(results["tieredprovision:PROVISION"])} == {
        "walking_time"
    }
    assert (tmp_path / "evaluation.xlsx").exists()
    # The provision ran on the graph the gap analysis built (same layers, same settings).
    assert any("reused the walking network built earlier" in info for info in log.infos)


def test_walking_time_from_qgis_process(qgis_app, qgis_process_cli, tmp_path):
    """The ramp case through qgis_process, parameters as text; the network from a GeoPackage."""
    network = tmp_path / "roads.gpkg"
    layer = roads([([(0, 0), (300, 0)], "footway")])
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "roads"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(network), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError
    places = tmp_path / "places.gpkg"
    for name, source in (
        ("units", units([("L", (0, 10))])),
        ("kg", facilities([("kg", (300, 10))])),
    ):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", name
        if places.exists():
            options.actionOnExistingFile = (
                QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
            )
        QgsVectorFileWriter.writeAsVectorFormatV3(
            source, str(places), QgsProject.instance().transformContext(), options
        )
    output = tmp_path / "gaps.gpkg"
    completed, answer = qgis_process_cli.run_json(
        ALGORITHM,
        {
            "UNITS": f"{places}|layername=units",
            "UNIT_ID_FIELD": "unit_id",
            "POPULATION_FIELD": "pop",
            "FACILITIES": f"{places}|layername=kg",
            "TYPE_FIELD": "kind",
            "NETWORK": f"{network}|layername=roads",
            "STANDARD": write_standard(tmp_path),
            "SNAP_TOLERANCE": "50",
            "MEASURE": "1",
            "DEM": write_dem(tmp_path / "ramp.tif", ramp),
            "WALK_SPEED": "1.25",
            "OUTPUT": str(output),
            "SUMMARY": str(tmp_path / "summary.csv"),
        },
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert answer["results"]["MEASURE"] == "walking_time"
    (row,) = records(str(output))
    expected = 20 / 1.25 + walk(300, RAMP, 1.25)  # the flat connectors at 1.25 m/s too
    assert row["time_kindergarten"] == pytest.approx(minutes(expected), abs=0.006)


def test_a_bad_walking_speed_from_qgis_process_is_a_message(qgis_app, qgis_process_cli, tmp_path):
    completed, _answer = qgis_process_cli.run_json(
        ALGORITHM,
        {
            "UNITS": f"{SAMPLE}|layername=compounds",
            "FACILITIES": f"{SAMPLE}|layername=facilities",
            "TYPE_FIELD": "类型",
            "NETWORK": f"{SAMPLE}|layername=roads",
            "MEASURE": "1",
            "WALK_SPEED": "0",
            "OUTPUT": str(tmp_path / "gaps.gpkg"),
            "SUMMARY": str(tmp_path / "summary.csv"),
        },
    )
    assert completed.returncode != 0
    assert "WALK_SPEED" in completed.stdout + completed.stderr
    assert "Traceback" not in completed.stdout + completed.stderr
    assert not (tmp_path / "gaps.gpkg").exists()


# --- the session cache: one entry per (network, DEM, parameters) -----------------------------


def settled(path) -> str:
    then = time.time() - 60
    os.utime(str(path).split("|")[0], (then, then))
    return str(path)


def test_one_cached_graph_per_network_dem_and_parameters(plugin, tmp_path):
    from complete_community.processing.graph_cache import GRAPHS

    GRAPHS.clear()
    network = tmp_path / "roads.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "roads"
    QgsVectorFileWriter.writeAsVectorFormatV3(
        roads([[(0, 0), (300, 0)]]), str(network), QgsProject.instance().transformContext(), options
    )
    settled(network)
    dem = settled(write_dem(tmp_path / "ramp.tif", ramp))
    layers = (units([("L", (0, 10))]), facilities([("kg", (300, 10))]))
    standard = write_standard(tmp_path)

    def minutes_to_kindergarten(**parameters) -> tuple[float, bool]:
        log = Log()
        result = run_gap(*layers, f"{network}|layername=roads", standard, log, **parameters)
        reused = any("reused the walking network" in info for info in log.infos)
        value = by_unit(result)["L"].get(
            "time_kindergarten", by_unit(result)["L"]["dist_kindergarten"]
        )
        return value, reused

    uphill = minutes(20 + walk(300, RAMP))
    assert minutes_to_kindergarten(DEM=dem) == (pytest.approx(uphill, abs=0.006), False)
    assert minutes_to_kindergarten(DEM=dem) == (pytest.approx(uphill, abs=0.006), True)
    # Distance, another speed: other entries. The DEM rewritten: built afresh from it.
    assert minutes_to_kindergarten(MEASURE=0) == (pytest.approx(320.0), False)
    faster = minutes(20 / 2 + walk(300, RAMP, 2.0))
    assert minutes_to_kindergarten(DEM=dem, WALK_SPEED=2.0) == (
        pytest.approx(faster, abs=0.006),
        False,
    )
    write_dem(tmp_path / "ramp.tif", lambda x, y: 80.0 - RAMP * x)
    settled(dem)
    downhill = minutes(20 + walk(300, -RAMP))
    assert minutes_to_kindergarten(DEM=dem) == (pytest.approx(downhill, abs=0.006), False)
    assert minutes_to_kindergarten(DEM=dem) == (pytest.approx(downhill, abs=0.006), True)
    GRAPHS.clear()
