"""Keeps the benchmark from rotting: the city generator is deterministic and the harness,
run on a tiny city (size XS, ~600 edges), writes a results row. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

osgeo_ogr = pytest.importorskip("osgeo.ogr")

from complete_community.bench import generate_city  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent


def _layer_contents(path: Path) -> dict:
    """Every layer's features as (WKB, attributes), read back from the file with OGR."""
    data_source = osgeo_ogr.Open(str(path))
    contents = {}
    for index in range(data_source.GetLayerCount()):
        layer = data_source.GetLayer(index)
        rows = []
        for feature in layer:
            geometry = feature.GetGeometryRef()
            wkb = bytes(geometry.ExportToWkb()) if geometry is not None else b""
            rows.append((wkb, tuple(feature.GetField(i) for i in range(feature.GetFieldCount()))))
        contents[layer.GetName()] = rows
    return contents


def _dem(city: Path):
    """The heights and geotransform of a city's DEM, read back with GDAL."""
    from osgeo import gdal

    dataset = gdal.Open(str(generate_city.dem_path(city)))
    return dataset.GetRasterBand(1).ReadAsArray(), dataset.GetGeoTransform()


def test_generator_is_deterministic_and_sized(tmp_path):
    first = generate_city.generate("XS", tmp_path / "a.gpkg")
    second = generate_city.generate("XS", tmp_path / "b.gpkg")
    other_seed = generate_city.generate("XS", tmp_path / "c.gpkg", seed=1)

    a = _layer_contents(tmp_path / "a.gpkg")
    assert a == _layer_contents(tmp_path / "b.gpkg")
    assert first["digest"] == second["digest"]
    assert other_seed["digest"] != first["digest"]
    assert a != _layer_contents(tmp_path / "c.gpkg")

    size = generate_city.SIZES["XS"]
    assert len(a["compounds"]) == size.compounds
    assert len(a["communities"]) == size.communities
    assert len(a["districts"]) == size.districts
    assert len(a["facilities"]) == size.facilities
    # Facility types: the 30 codes of the mix, in the type field (second attribute).
    assert {row[1][1] for row in a["facilities"]} == {
        code for code, _, _ in generate_city.FACILITY_MIX
    }
    kinds = {row[1][1] for row in a["roads"]}
    assert {"street", "diagonal", "dead_end", "bridge", "stairs", "lift"} <= kinds
    # OSM tags for walking time's defaults: stairs are highway=steps, bridges bridge=yes, and
    # the two lifts carry their seconds.
    tags = {(kind, highway, bridge) for _, (_, kind, highway, bridge, _) in a["roads"]}
    assert ("stairs", "steps", None) in tags and ("bridge", "footway", "yes") in tags
    lifts = [row[1][4] for row in a["roads"] if row[1][1] == "lift"]
    assert lifts == [generate_city.LIFT_SECONDS] * 2
    assert {row[1][4] for row in a["roads"] if row[1][1] != "lift"} == {None}
    # The DEM is written beside the city, the same for the same seed, other for another.
    dems = [_dem(tmp_path / f"{name}.gpkg") for name in "abc"]
    assert np.array_equal(dems[0][0], dems[1][0]) and dems[0][1] == dems[1][1]
    assert not np.array_equal(dems[0][0], dems[2][0])
    heights = dems[0][0]
    slope_y, slope_x = np.gradient(heights.astype(float), generate_city.DEM_CELL_M)
    assert np.hypot(slope_x, slope_y).max() == pytest.approx(generate_city.MAX_HILL_GRADE, rel=1e-3)
    # Every compound's population is summed into its community and district exactly once.
    compound_total = sum(row[1][4] for row in a["compounds"])
    assert sum(row[1][3] for row in a["communities"]) == compound_total
    assert sum(row[1][2] for row in a["districts"]) == compound_total


def test_bridges_cross_streets_without_sharing_a_vertex(tmp_path):
    generate_city.generate("XS", tmp_path / "city.gpkg")
    roads = _layer_contents(tmp_path / "city.gpkg")["roads"]
    streets = [osgeo_ogr.CreateGeometryFromWkb(wkb) for wkb, row in roads if row[1] == "street"]
    bridges = [osgeo_ogr.CreateGeometryFromWkb(wkb) for wkb, row in roads if row[1] == "bridge"]
    street_vertices = {tuple(p[:2]) for line in streets for p in line.GetPoints()}
    assert len(bridges) == generate_city.SIZES["XS"].bridges
    for bridge in bridges:
        points = [tuple(p[:2]) for p in bridge.GetPoints()]
        # Joined at both ends, nowhere in between ...
        assert points[0] in street_vertices and points[-1] in street_vertices
        assert not set(points[1:-1]) & street_vertices
        # ... although it passes over streets (the riverside ones).
        assert any(bridge.Crosses(street) for street in streets)


def test_harness_writes_a_results_row(tmp_path):
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bench" / "run.py"),
            "--sizes",
            "XS",
            "--native-sizes",
            "XS",
            "--work-dir",
            str(tmp_path / "work"),
            "--results-dir",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,  # a guard against a hang, not a speed check (a loaded machine is slow)
        env=environment,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    (row,) = results["rows"]
    assert row["size"] == "XS"
    gap = row["algorithms"]["facility_gap"]
    assert gap["search_calls"] == 36  # one multi-source search per type of the standard
    assert set(gap["stages"]) >= {"read_network", "build_graph", "snap", "search", "write_units"}
    assert gap["graph"]["edges"] > 0 and gap["peak_memory_mb"] > 0
    native = row["native"]
    assert native["pairs"] == row["compounds"] * 36
    assert 0.0 <= native["agreement"] <= 1.0
    # Our output is read back: the file the algorithm wrote has one row per compound.
    data_source = osgeo_ogr.Open(gap["outputs"]["OUTPUT"])  # kept: its layer dies with it
    assert data_source.GetLayer(0).GetFeatureCount() == row["compounds"]
    # The re-run in the same session found the graph and both point layers kept.
    assert gap["rerun"]["graph_reused"] and gap["rerun"]["points_reused"] == 2
    assert gap["rerun"]["search_calls"] == 36
    # Tiered provision ran too, on the same walking network, and wrote its five outputs.
    provision = row["algorithms"]["tiered_provision"]
    assert provision["graph"]["edges"] == gap["graph"]["edges"]
    assert {"read_compounds", "provision", "write_table"} <= set(provision["stages"])
    assert len(provision["outputs"]) >= 5
    # Both again in walking time on the city's DEM, on the same network.
    for key in ("facility_gap_time", "tiered_provision_time"):
        timed = row["algorithms"][key]
        assert timed["graph"]["edges"] == gap["graph"]["edges"], key
        assert {"line_kinds", "read_dem", "walking_costs"} <= set(timed["stages"]), key
        assert timed["rerun"]["graph_reused"], key
    assert row["algorithms"]["facility_gap_time"]["search_calls"] == 36
    # Site suggestion ran on generated candidates and answered, proven (XS is small).
    sites = row["algorithms"]["suggest_sites"]
    assert {"gap", "coverage", "solve", "write_sites"} <= set(sites["stages"])
    assert sites["outputs"]["OPTIMAL"] == "True" and float(sites["outputs"]["POP_GAINED"]) > 0
    # The map book: an overview and a page per community, timed stage by stage.
    book = row["algorithms"]["map_book"]
    assert book["outputs"]["PAGES"] == str(1 + row["communities"])
    assert {"read", "layout", "pdf"} <= set(book["stages"])
    markdown = (tmp_path / "results" / "RESULTS.md").read_text(encoding="utf-8")
    assert "| XS |" in markdown and "## Re-running in one QGIS session" in markdown
    assert "rubricscore" in markdown  # the chain's steps not yet measured are named
    assert "## Walking time beside distance" in markdown
    assert "## Site suggestion" in markdown
