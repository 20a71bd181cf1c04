"""Micro-benchmark of the walking-time engine alone (no QGIS): the benchmark city's network
with synthetic hills, DEM sampling of every edge, and the facility gap's 36 searches in
distance and in walking time.

    .venv/bin/python bench/walking_engine.py L      # or S, M; --no-scipy for the fallback

The city is :mod:`bench.generate_city`'s (same seed), built in memory; the DEM is a 20 m grid
of smooth hills whose steepest grades reach about 30 %, in the network's CRS. Figures printed:
seconds per stage, the profile's memory and the peak resident memory of the process. This is
the engine's share of ``make bench``'s walking-time rows, for working on the engine; the rows
themselves come from ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import resource
import struct
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "build" / "plugins"))  # the plugin as ``complete_community``
sys.path.insert(0, str(HERE))

import generate_city  # noqa: E402

from complete_community.scoring.gap import FacilitySet, PointSet, analyse_gaps  # noqa: E402
from complete_community.scoring.network import _optional, build_graph  # noqa: E402
from complete_community.scoring.network.measure import walking_time  # noqa: E402
from complete_community.scoring.network.terrain import Terrain  # noqa: E402
from complete_community.scoring.network.walking_time import (  # noqa: E402
    LineKinds,
    walking_costs,
)
from complete_community.scoring.standard import load_standard  # noqa: E402


def _line_coords(wkb: bytes) -> np.ndarray:
    count = struct.unpack_from("<I", wkb, 5)[0]
    return np.frombuffer(wkb, dtype="<f8", count=2 * count, offset=9).reshape(count, 2)


def _polygon_centre(wkb: bytes) -> np.ndarray:
    count = struct.unpack_from("<I", wkb, 9)[0]
    ring = np.frombuffer(wkb, dtype="<f8", count=2 * count, offset=13).reshape(count, 2)
    return ring[:-1].mean(axis=0)


def hills(xmin, ymin, xmax, ymax, cell=20.0, seed=7) -> Terrain:
    """Smooth hills: a sum of Gaussian bumps 40-120 m high, 400-1,200 m wide."""
    rng = np.random.default_rng(seed)
    cols = int(np.ceil((xmax - xmin) / cell)) + 2
    rows = int(np.ceil((ymax - ymin) / cell)) + 2
    x = xmin - cell + (np.arange(cols) + 0.5) * cell
    y = ymax + cell - (np.arange(rows) + 0.5) * cell
    grid = np.zeros((rows, cols), dtype=np.float32)
    area = (xmax - xmin) * (ymax - ymin)
    for _ in range(max(4, int(area / 4e6))):
        cx, cy = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        height, width = rng.uniform(40, 120), rng.uniform(400, 1200)
        cols_near = np.abs(x - cx) < 3 * width
        rows_near = np.abs(y - cy) < 3 * width
        gx = np.exp(-(((x[cols_near] - cx) / width) ** 2))
        gy = np.exp(-(((y[rows_near] - cy) / width) ** 2))
        grid[np.ix_(rows_near, cols_near)] += (height * np.outer(gy, gx)).astype(np.float32)
    return Terrain(grid, (xmin - cell, cell, 0.0, ymax + cell, 0.0, -cell))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", nargs="?", default="L", choices=sorted(generate_city.SIZES))
    parser.add_argument("--no-scipy", action="store_true")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    if args.no_scipy:
        _optional.USE_SCIPY = False

    clock = time.perf_counter()
    city = generate_city.build_city(generate_city.SIZES[args.size])
    layers = {layer.name: layer for layer in city.layers}
    roads = layers["roads"]
    lines = [_line_coords(wkb) for wkb in roads.wkb]
    is_structure = np.array([row[1] == "bridge" for row in roads.rows])
    units = np.array([_polygon_centre(wkb) for wkb in layers["compounds"].wkb])
    facilities = layers["facilities"]
    facility_xy = np.array([struct.unpack_from("<dd", wkb, 5) for wkb in facilities.wkb])
    facility_type = [row[1] for row in facilities.rows]
    print(f"city {args.size} built in {time.perf_counter() - clock:.1f} s")

    clock = time.perf_counter()
    graph = build_graph(lines)
    print(
        f"graph: {graph.n_edges:,} edges, {graph.n_nodes:,} nodes, "
        f"{time.perf_counter() - clock:.2f} s"
    )
    low, high = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    terrain = hills(low[0], low[1], high[0], high[1])
    print(f"DEM: {terrain.shape[0]} x {terrain.shape[1]} cells of 20 m")
    kinds = LineKinds(is_structure=is_structure)

    for _ in range(args.repeats):
        clock, cpu = time.perf_counter(), time.process_time()
        costs = walking_costs(graph, 1.0, kinds, terrain)
        sampling = (time.perf_counter() - clock, time.process_time() - cpu)
        clock, cpu = time.perf_counter(), time.process_time()
        timed = costs.graph(graph)
        directed = (time.perf_counter() - clock, time.process_time() - cpu)
        profile = costs.profile
        print(
            f"walking costs (DEM sampling of every edge): {sampling[0]:.2f} s "
            f"(CPU {sampling[1]:.2f} s) for {costs.report.n_points:,} piece ends; directed "
            f"graph {directed[0]:.2f} s (CPU {directed[1]:.2f} s); profile "
            f"{0 if profile is None else profile.nbytes / 1e6:.0f} MB for "
            f"{0 if profile is None else profile.pieces.size:,} edges"
        )
        grade = costs.forward / (graph.edge_length / 1.0)
        print(f"  slowness forward: median {np.median(grade):.3f}, max {grade.max():.2f}")

    standard = load_standard()
    types = list(standard.types)
    satisfied = {kind.code: standard.satisfiers(kind.code)[1:] for kind in types}
    point_set = PointSet(ids=list(range(units.shape[0])), xy=units)
    facility_set = FacilitySet(xy=facility_xy, type_code=facility_type)
    for label, use_graph, measure in (
        ("distance", graph, None),
        ("walking time", timed, walking_time(1.0)),
    ):
        for run in range(args.repeats):
            use = use_graph if run == 0 else _fresh(use_graph)
            clock, cpu = time.perf_counter(), time.process_time()
            extra = {} if measure is None else {"measure": measure}
            result = analyse_gaps(
                point_set, facility_set, types, use, 50.0, 5000.0, satisfied_by=satisfied, **extra
            )
            seconds = time.perf_counter() - clock
            cpu = time.process_time() - cpu
            covered = sum(int(result.ok[code].sum()) for code in result.codes)
            print(
                f"facility gap, {label}: {seconds:.2f} s (CPU {cpu:.2f} s; "
                f"{covered:,} covered pairs)"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")
    return 0


def _fresh(graph):
    """The same graph with an empty memo, so a repeat searches again."""
    graph.cache.clear()
    return graph


if __name__ == "__main__":
    raise SystemExit(main())
