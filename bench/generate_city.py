"""A deterministic synthetic city for the benchmark, written to a GeoPackage with GDAL/OGR.

Real city data cannot ship with the project and OSM extracts have no population, so the
benchmark builds its own city with the structure that makes walking analysis hard:

* an irregular street grid (block sizes from 70 to 300 m, jittered intersections), with
  segments removed at random (merged blocks, dead ends), cul-de-sac spurs into blocks, and a
  few diagonal avenues that meet the grid at shared vertices;
* a meandering river that cuts every street crossing it, and a few bridges that pass over the
  riverside streets WITHOUT a shared vertex (they join the network only at their ends);
* residential compounds (小区, polygons with population) concentrated around several centres,
  communities (社区) and districts (片区) built from them;
* facilities of 30 of the standard's types: some dense (near homes), some clustered around
  centres, some rare and spread out;
* terrain for walking time (DESIGN §4b), a mountain city: a DEM of hills whose steepest
  grades reach 30 % and a valley along the river (the bridges span it, level), stairways
  (``highway`` = 'steps') straight up steep blocks, and two public lifts (``lift_s`` seconds)
  up the steepest streets.

Everything comes from one seeded ``numpy.random.Generator``: the same size and seed give the
same features, byte for byte in geometry and attributes. Layers: ``roads``, ``compounds``,
``communities``, ``districts``, ``facilities`` and ``city_meta`` (key/value: size, seed,
generator version, counts, content digest); the DEM is a GeoTIFF beside the GeoPackage
(:func:`dem_path`). The terrain has its own generator (seeded from the same seed), so the
streets, homes and facilities are those of a flat city with the same seed.

Run ``python bench/generate_city.py S build/bench/city_S.gpkg`` to write one city.
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

GENERATOR_VERSION = "2"
DEFAULT_SEED = 20240609
#: WGS 84 / UTM zone 48N (Chongqing); coordinates are in metres around this origin.
EPSG = 32648
ORIGIN = (640_000.0, 3_260_000.0)
#: Segments per road feature at most, like the ways of an OSM extract.
MAX_SEGMENTS_PER_LINE = 8
#: The DEM's cell (m), and the steepest grade of its hills (DESIGN §4b's test of a mountain city).
DEM_CELL_M = 20.0
MAX_HILL_GRADE = 0.30
#: A free block whose corner-to-corner grade is at least this gets a stairway across it.
STAIRS_MIN_GRADE = 0.12
#: Seconds a public lift takes end to end, waiting included (the ``lift_s`` field).
LIFT_SECONDS = 60.0
#: OpenStreetMap's highway tag of each kind of road (the walking-time defaults read it).
HIGHWAY_OF_KIND = {
    "street": "residential",
    "diagonal": "secondary",
    "dead_end": "service",
    "bridge": "footway",
    "stairs": "steps",
    "lift": "footway",
}
ROAD_FIELDS = (
    ("road_id", "int"),
    ("kind", "str"),
    ("highway", "str"),
    ("bridge", "str"),
    ("lift_s", "real"),
)


@dataclass(frozen=True)
class CitySize:
    """How big a city is: grid nodes per side and the number of things placed in it."""

    name: str
    grid: int
    compounds: int
    communities: int
    districts: int
    facilities: int
    bridges: int


SIZES: Dict[str, CitySize] = {
    size.name: size
    for size in (
        CitySize(
            "XS", grid=18, compounds=40, communities=6, districts=2, facilities=300, bridges=2
        ),
        CitySize("S", 71, 400, 40, 8, 1_720, 3),
        CitySize("M", 224, 4_000, 400, 80, 17_200, 6),
        CitySize("L", 500, 20_000, 2_000, 400, 86_000, 10),
    )
}

#: Facility types placed (30 of the standard's 36 codes) and how: (code, pattern, weight).
#: ``near_homes``: around compounds, by population; ``clustered``: around a few centres;
#: ``spread``: anywhere in the city. Weights set each type's share of all facilities.
FACILITY_MIX: Tuple[Tuple[str, str, float], ...] = (
    ("convenience_store", "near_homes", 8.0),
    ("waste_collection_point", "near_homes", 8.0),
    ("parking", "near_homes", 8.0),
    ("bus_stop", "near_homes", 8.0),
    ("express_delivery", "near_homes", 8.0),
    ("property_management", "near_homes", 8.0),
    ("pharmacy", "near_homes", 8.0),
    ("outdoor_fitness", "near_homes", 8.0),
    ("play_area", "near_homes", 8.0),
    ("public_toilet", "near_homes", 8.0),
    ("kindergarten", "near_homes", 2.0),
    ("community_service_station", "near_homes", 2.0),
    ("elderly_service_station", "near_homes", 2.0),
    ("community_health_station", "near_homes", 2.0),
    ("culture_station", "near_homes", 2.0),
    ("small_sports_ground", "near_homes", 2.0),
    ("public_activity_space", "near_homes", 2.0),
    ("community_park", "near_homes", 2.0),
    ("primary_school", "near_homes", 2.0),
    ("supermarket", "near_homes", 2.0),
    ("fresh_market", "clustered", 1.5),
    ("metro_station", "clustered", 1.5),
    ("medium_sports_ground", "clustered", 1.5),
    ("district_park", "clustered", 1.5),
    ("community_health_centre", "clustered", 1.5),
    ("middle_school", "spread", 0.3),
    ("culture_centre", "spread", 0.3),
    ("elderly_care_home", "spread", 0.3),
    ("post_office", "spread", 0.3),
    ("sports_centre", "spread", 0.3),
)


@dataclass
class Layer:
    """Features of one layer as WKB geometries and attribute rows, ready for OGR."""

    name: str
    geometry_type: str
    fields: Sequence[Tuple[str, str]]
    wkb: List[bytes] = field(default_factory=list)
    rows: List[tuple] = field(default_factory=list)


@dataclass
class Terrain:
    """The DEM: heights (rows, columns) north up, float32, and its GDAL geotransform."""

    heights: np.ndarray
    geotransform: Tuple[float, float, float, float, float, float]


@dataclass
class City:
    layers: List[Layer]
    meta: Dict[str, str]
    terrain: Optional[Terrain] = None


# --------------------------------------------------------------------------------------------
# WKB helpers (little endian, 2D)
# --------------------------------------------------------------------------------------------


def _wkb_point(x: float, y: float) -> bytes:
    return struct.pack("<BIdd", 1, 1, x, y)


def _wkb_line(xy: np.ndarray) -> bytes:
    return struct.pack("<BII", 1, 2, xy.shape[0]) + np.ascontiguousarray(xy, "<f8").tobytes()


def _ring_polygon_body(xy: np.ndarray) -> bytes:
    return struct.pack("<II", 1, xy.shape[0]) + np.ascontiguousarray(xy, "<f8").tobytes()


def _wkb_polygon(xy: np.ndarray) -> bytes:
    return struct.pack("<BI", 1, 3) + _ring_polygon_body(xy)


def _wkb_multipolygon(rings: Iterable[np.ndarray]) -> bytes:
    parts = [_wkb_polygon(ring) for ring in rings]
    return struct.pack("<BII", 1, 6, len(parts)) + b"".join(parts)


def _rectangle(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], dtype=float)


# --------------------------------------------------------------------------------------------
# The street network
# --------------------------------------------------------------------------------------------


@dataclass
class Streets:
    node_xy: np.ndarray  # (n, n, 2) jittered intersections
    grid_x: np.ndarray  # un-jittered column positions
    grid_y: np.ndarray
    south: np.ndarray  # (n, n) bool: node lies south of the river
    river_block: np.ndarray  # (n-1, n-1) bool: block touched by the river
    layer: Layer
    used_block: np.ndarray  # (n-1, n-1) bool: block crossed by a diagonal, spur or the river
    h: np.ndarray  # (n-1, n) bool: street segment (i, j)-(i+1, j) exists
    v: np.ndarray  # (n, n-1) bool: street segment (i, j)-(i, j+1) exists
    river_y: np.ndarray  # (n,) the river's y at each grid column


def _spacings(rng: np.random.Generator, count: int) -> np.ndarray:
    """Block widths: a mix of old-town small blocks and new-town superblocks."""
    widths = rng.choice(
        [70.0, 100.0, 140.0, 200.0, 260.0], size=count, p=[0.2, 0.3, 0.25, 0.15, 0.1]
    )
    return widths * rng.uniform(0.88, 1.12, size=count)


def _runs(mask: np.ndarray) -> List[Tuple[int, int]]:
    """[start, stop) of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    change = np.flatnonzero(np.diff(padded))
    return list(zip(change[0::2].tolist(), change[1::2].tolist()))


def _road_row(layer: Layer, kind: str, lift_seconds: Optional[float] = None) -> tuple:
    """The attributes of the next road: id, kind and its OSM tags."""
    bridge = "yes" if kind == "bridge" else None
    return (len(layer.rows) + 1, kind, HIGHWAY_OF_KIND[kind], bridge, lift_seconds)


def _add_road(layer: Layer, xy: np.ndarray, kind: str, lift_seconds: Optional[float] = None):
    layer.wkb.append(_wkb_line(xy))
    layer.rows.append(_road_row(layer, kind, lift_seconds))


def _add_chain(layer: Layer, xy: np.ndarray, kind: str) -> None:
    """A chain of vertices as road features of at most MAX_SEGMENTS_PER_LINE segments."""
    segments = xy.shape[0] - 1
    for start in range(0, segments, MAX_SEGMENTS_PER_LINE):
        part = xy[start : min(start + MAX_SEGMENTS_PER_LINE, segments) + 1]
        _add_road(layer, part, kind)


def build_streets(rng: np.random.Generator, size: CitySize) -> Streets:
    n = size.grid
    grid_x = ORIGIN[0] + np.concatenate([[0.0], np.cumsum(_spacings(rng, n - 1))])
    grid_y = ORIGIN[1] + np.concatenate([[0.0], np.cumsum(_spacings(rng, n - 1))])
    node_xy = np.stack(np.meshgrid(grid_x, grid_y, indexing="ij"), axis=-1)
    node_xy = np.round(node_xy + rng.uniform(-6.0, 6.0, size=node_xy.shape), 2)

    # The river: node (i, j) is south of it when j <= river_row[i].
    columns = np.arange(n)
    river_row = np.round(
        0.45 * n + 0.06 * n * np.sin(2 * np.pi * columns / max(n / 1.5, 4.0))
    ).astype(int)
    river_row = np.clip(river_row, 1, n - 3)
    south = np.arange(n)[None, :] <= river_row[:, None]
    corners = np.stack([south[:-1, :-1], south[1:, :-1], south[:-1, 1:], south[1:, 1:]])
    river_block = corners.any(axis=0) & ~corners.all(axis=0)

    # Segments: h[i, j] joins (i, j)-(i+1, j); v[i, j] joins (i, j)-(i, j+1).
    h = rng.random((n - 1, n)) > 0.04
    v = rng.random((n, n - 1)) > 0.04
    h &= south[:-1, :] == south[1:, :]
    v &= south[:, :-1] == south[:, 1:]
    bridge_columns = np.unique(
        np.round((np.arange(size.bridges) + 0.5) * (n - 1) / size.bridges).astype(int)
    )
    for column in bridge_columns:
        row = river_row[column]
        v[column, row - 1] = False
        v[column, row + 1] = False

    layer = Layer("roads", "LineString", ROAD_FIELDS)
    for j in range(n):
        for start, stop in _runs(h[:, j]):
            _add_chain(layer, node_xy[start : stop + 1, j], "street")
    for i in range(n):
        for start, stop in _runs(v[i, :]):
            _add_chain(layer, node_xy[i, start : stop + 1], "street")

    used_block = river_block.copy()
    _add_diagonals(rng, layer, node_xy, south, used_block)
    _add_spurs(rng, layer, node_xy, used_block)
    for column in bridge_columns:
        row = river_row[column]
        start, end = node_xy[column, row - 1], node_xy[column, row + 2]
        middle = (start + end) / 2.0 + np.array([3.0, 0.0])
        _add_road(layer, np.array([start, middle, end]), "bridge")
    river_y = (grid_y[river_row] + grid_y[river_row + 1]) / 2.0
    return Streets(node_xy, grid_x, grid_y, south, river_block, layer, used_block, h, v, river_y)


def _add_diagonals(rng, layer: Layer, node_xy, south, used_block) -> None:
    """Diagonal avenues from node to node through block interiors (one per block at most)."""
    n = node_xy.shape[0]
    for _ in range(2 + n // 40):
        i, j = int(rng.integers(0, n // 2)), int(rng.integers(0, n - 1))
        step = 1 if rng.random() < 0.5 else -1
        chain = [(i, j)]
        while len(chain) < n // 2:
            ci, cj = chain[-1]
            ni, nj = ci + 1, cj + step
            block = (ci, min(cj, nj))
            if not (0 <= ni < n and 0 <= nj < n) or used_block[block]:
                break
            if south[ci, cj] != south[ni, nj]:
                break
            used_block[block] = True
            chain.append((ni, nj))
        if len(chain) >= 3:
            xy = np.array([node_xy[a, b] for a, b in chain])
            _add_chain(layer, xy, "diagonal")


def _add_spurs(rng, layer: Layer, node_xy, used_block) -> None:
    """Cul-de-sacs: dead-end lanes from a corner into the middle of a free block."""
    blocks = np.argwhere(~used_block)
    chosen = blocks[rng.random(blocks.shape[0]) < 0.05]
    for i, j in chosen.tolist():
        corner = node_xy[i, j]
        centre = (node_xy[i, j] + node_xy[i + 1, j + 1]) / 2.0
        reach = rng.uniform(0.5, 0.8)
        end = np.round(corner + reach * (centre - corner), 2)
        middle = np.round(corner + 0.5 * reach * (centre - corner) + rng.uniform(-4, 4, 2), 2)
        _add_road(layer, np.array([corner, middle, end]), "dead_end")
        used_block[i, j] = True


# --------------------------------------------------------------------------------------------
# Homes, communities, districts, facilities
# --------------------------------------------------------------------------------------------


def _centres(rng: np.random.Generator, streets: Streets, count: int) -> np.ndarray:
    """Polycentric city: centres spread over the extent (a mountain city has several)."""
    low = np.array([streets.grid_x[0], streets.grid_y[0]])
    high = np.array([streets.grid_x[-1], streets.grid_y[-1]])
    return low + (high - low) * rng.uniform(0.12, 0.88, size=(count, 2))


def _nearest(points: np.ndarray, seeds: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Index of the nearest seed of every point (brute force in chunks; no scipy needed)."""
    result = np.empty(points.shape[0], dtype=np.int64)
    for start in range(0, points.shape[0], chunk):
        part = points[start : start + chunk]
        squared = ((part[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
        result[start : start + chunk] = squared.argmin(axis=1)
    return result


def build_homes(rng, size: CitySize, streets: Streets, centres: np.ndarray):
    """Compound rectangles in blocks chosen by closeness to the centres, with population."""
    n = size.grid
    gx, gy = streets.grid_x, streets.grid_y
    block_centre = np.stack(
        np.meshgrid((gx[:-1] + gx[1:]) / 2, (gy[:-1] + gy[1:]) / 2, indexing="ij"), axis=-1
    ).reshape(-1, 2)
    extent = max(gx[-1] - gx[0], gy[-1] - gy[0])
    spread = extent / (2.5 + np.sqrt(len(centres)))
    weight = np.full(block_centre.shape[0], 0.02)
    for centre in centres:
        weight += np.exp(-(((block_centre - centre) ** 2).sum(axis=1)) / (2 * spread**2))
    weight[streets.river_block.reshape(-1)] = 0.0
    blocks = rng.choice(
        block_centre.shape[0], size=size.compounds, replace=False, p=weight / weight.sum()
    )
    blocks.sort()
    i, j = np.divmod(blocks, n - 1)
    inset = 14.0
    x0, x1 = gx[i] + inset, gx[i + 1] - inset
    y0, y1 = gy[j] + inset, gy[j + 1] - inset
    # Some compounds fill their block, others half of it.
    half = rng.random(size.compounds) < 0.4
    x1 = np.where(half, (x0 + x1) / 2, x1)
    rects = np.stack([x0, y0, x1, y1], axis=1)
    area = (x1 - x0) * (y1 - y0)
    floor_area_ratio = rng.uniform(0.8, 3.5, size=size.compounds)
    population = np.maximum(np.round(area * floor_area_ratio * 0.85 / 33.0), 1).astype(int)
    centre = np.stack([(x0 + x1) / 2, (y0 + y1) / 2], axis=1)
    return rects, population, centre, blocks


def build_city(size: CitySize, seed: int = DEFAULT_SEED) -> City:
    rng = np.random.default_rng([seed, size.grid])
    streets = build_streets(rng, size)
    centres = _centres(rng, streets, 3 + size.grid // 60)
    rects, population, home_xy, home_blocks = build_homes(rng, size, streets, centres)

    seeds = rng.choice(size.compounds, size=size.communities, replace=False)
    community_of = _nearest(home_xy, home_xy[np.sort(seeds)])
    community_xy = np.array(
        [home_xy[community_of == c].mean(axis=0) for c in range(size.communities)]
    )
    district_seeds = np.sort(rng.choice(size.communities, size=size.districts, replace=False))
    district_of_community = _nearest(community_xy, community_xy[district_seeds])
    district_of = district_of_community[community_of]

    def community_code(index: int) -> str:
        return f"C{index + 1:04d}"

    def district_code(index: int) -> str:
        return f"D{index + 1:03d}"

    compounds = Layer(
        "compounds",
        "Polygon",
        (
            ("compound_id", "str"),
            ("name", "str"),
            ("community_id", "str"),
            ("district_id", "str"),
            ("population", "int"),
            ("households", "int"),
        ),
    )
    for index, (rect, people) in enumerate(zip(rects.tolist(), population.tolist())):
        compounds.wkb.append(_wkb_polygon(_rectangle(*rect)))
        compounds.rows.append(
            (
                f"Q{index + 1:05d}",
                f"小区 {index + 1}",
                community_code(int(community_of[index])),
                district_code(int(district_of[index])),
                people,
                round(people / 2.8),
            )
        )

    communities = Layer(
        "communities",
        "MultiPolygon",
        (
            ("community_id", "str"),
            ("name", "str"),
            ("district_id", "str"),
            ("population", "int"),
            ("n_compounds", "int"),
        ),
    )
    for c in range(size.communities):
        members = np.flatnonzero(community_of == c)
        communities.wkb.append(_wkb_multipolygon(_rectangle(*rects[m]) for m in members))
        communities.rows.append(
            (
                community_code(c),
                f"社区 {c + 1}",
                district_code(int(district_of_community[c])),
                int(population[members].sum()),
                int(members.size),
            )
        )

    districts = Layer(
        "districts",
        "MultiPolygon",
        (("district_id", "str"), ("name", "str"), ("population", "int"), ("n_communities", "int")),
    )
    for d in range(size.districts):
        members = np.flatnonzero(district_of == d)
        districts.wkb.append(_wkb_multipolygon(_rectangle(*rects[m]) for m in members))
        districts.rows.append(
            (
                district_code(d),
                f"片区 {d + 1}",
                int(population[members].sum()),
                int(np.count_nonzero(district_of_community == d)),
            )
        )

    facilities = build_facilities(rng, size, streets, centres, home_xy, population)
    # The terrain draws from a generator of its own: everything above is the same as on flat
    # ground, and the stairways and lifts come after every street.
    terrain, stairs, lifts = build_terrain(
        np.random.default_rng([seed, size.grid, 2]), streets, home_blocks
    )
    layers = [streets.layer, compounds, communities, districts, facilities]
    meta = {
        "size": size.name,
        "seed": str(seed),
        "generator_version": GENERATOR_VERSION,
        "epsg": str(EPSG),
        "road_features": str(len(streets.layer.rows)),
        "compounds": str(size.compounds),
        "communities": str(size.communities),
        "districts": str(size.districts),
        "facilities": str(len(facilities.rows)),
        "facility_types": str(len(FACILITY_MIX)),
        "stairs": str(stairs),
        "lifts": str(lifts),
        "dem_cell_m": f"{DEM_CELL_M:g}",
        "dem_shape": "x".join(str(n) for n in terrain.heights.shape),
        "relief_m": f"{float(terrain.heights.max() - terrain.heights.min()):.1f}",
    }
    meta["digest"] = content_digest(layers, terrain)
    return City(layers, meta, terrain)


def build_facilities(rng, size: CitySize, streets: Streets, centres, home_xy, population) -> Layer:
    weights = np.array([weight for _, _, weight in FACILITY_MIX])
    # At least one of every type, and exactly ``size.facilities`` in all.
    counts = np.maximum(np.floor(size.facilities * weights / weights.sum()).astype(int), 1)
    short = size.facilities - int(counts.sum())
    if short >= 0:
        counts[:short] += 1
    else:
        counts[np.argsort(-counts, kind="stable")[:-short]] -= 1
    low = np.array([streets.grid_x[0], streets.grid_y[0]])
    high = np.array([streets.grid_x[-1], streets.grid_y[-1]])
    hotspots = _centres(rng, streets, 3 + size.grid // 50)
    home_weight = population / population.sum()
    layer = Layer("facilities", "Point", (("facility_id", "int"), ("type", "str"), ("name", "str")))
    for (code, pattern, _), count in zip(FACILITY_MIX, counts.tolist()):
        if pattern == "near_homes":
            anchor = home_xy[rng.choice(home_xy.shape[0], size=count, p=home_weight)]
            xy = anchor + rng.normal(0.0, 120.0, size=(count, 2))
        elif pattern == "clustered":
            anchor = hotspots[rng.integers(0, hotspots.shape[0], size=count)]
            xy = anchor + rng.normal(0.0, 350.0, size=(count, 2))
        else:
            xy = low + (high - low) * rng.random((count, 2))
        xy = np.round(np.clip(xy, low, high), 2)
        for number, (x, y) in enumerate(xy.tolist(), start=1):
            layer.wkb.append(_wkb_point(x, y))
            layer.rows.append((len(layer.rows) + 1, code, f"{code} {number}"))
    return layer


def content_digest(layers: Sequence[Layer], terrain: Optional[Terrain] = None) -> str:
    """SHA-256 over every layer's geometries and attributes and the DEM, to prove
    determinism."""
    digest = hashlib.sha256()
    for layer in layers:
        digest.update(layer.name.encode())
        for wkb, row in zip(layer.wkb, layer.rows):
            digest.update(wkb)
            digest.update(repr(row).encode())
    if terrain is not None:
        digest.update(repr(terrain.geotransform).encode())
        digest.update(np.ascontiguousarray(terrain.heights).tobytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Terrain: hills, the river's valley, stairways and lifts
# --------------------------------------------------------------------------------------------


def build_terrain(rng: np.random.Generator, streets: Streets, home_blocks: np.ndarray):
    """The DEM (hills scaled so that the steepest grade is MAX_HILL_GRADE, minus a valley along
    the river), and stairways and lifts added to the roads; returns (terrain, stairs, lifts)."""
    gx, gy = streets.grid_x, streets.grid_y
    margin = 5 * DEM_CELL_M
    xmin, xmax = gx[0] - margin, gx[-1] + margin
    ymin, ymax = gy[0] - margin, gy[-1] + margin
    cols = int(np.ceil((xmax - xmin) / DEM_CELL_M))
    rows = int(np.ceil((ymax - ymin) / DEM_CELL_M))
    x = xmin + (np.arange(cols) + 0.5) * DEM_CELL_M
    y = ymax - (np.arange(rows) + 0.5) * DEM_CELL_M
    relief = np.zeros((rows, cols), dtype=np.float64)
    area = (xmax - xmin) * (ymax - ymin)
    for _ in range(max(6, int(area / 1.2e6))):
        cx, cy = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        width = rng.uniform(150.0, 450.0)
        height = width * rng.uniform(0.25, 0.5)
        near_x = np.flatnonzero(np.abs(x - cx) < 3 * width)
        near_y = np.flatnonzero(np.abs(y - cy) < 3 * width)
        if near_x.size == 0 or near_y.size == 0:
            continue
        bump_x = np.exp(-0.5 * ((x[near_x] - cx) / width) ** 2)
        bump_y = np.exp(-0.5 * ((y[near_y] - cy) / width) ** 2)
        relief[near_y[0] : near_y[-1] + 1, near_x[0] : near_x[-1] + 1] += height * np.outer(
            bump_y, bump_x
        )
    # The valley: 30 m deep at the river, 250 m wide on either side.
    river = np.interp(x, gx, streets.river_y)
    relief -= 30.0 * np.exp(-(((y[:, None] - river[None, :]) / 250.0) ** 2))
    slope_y, slope_x = np.gradient(relief, DEM_CELL_M)
    steepest = float(np.sqrt(slope_x**2 + slope_y**2).max())
    heights = 200.0 + relief * (MAX_HILL_GRADE / steepest)
    terrain = Terrain(heights.astype(np.float32), (xmin, DEM_CELL_M, 0.0, ymax, 0.0, -DEM_CELL_M))

    def height_at(points: np.ndarray) -> np.ndarray:
        """The nearest cell's height (enough to choose where stairs and lifts go)."""
        col = np.clip(((points[..., 0] - xmin) / DEM_CELL_M).astype(int), 0, cols - 1)
        row = np.clip(((ymax - points[..., 1]) / DEM_CELL_M).astype(int), 0, rows - 1)
        return heights[row, col]

    stairs = _add_stairways(rng, streets, home_blocks, height_at)
    lifts = _add_lifts(streets, height_at)
    return terrain, stairs, lifts


def _add_stairways(rng, streets: Streets, home_blocks: np.ndarray, height_at: Callable) -> int:
    """Stairways corner to corner across steep free blocks (no compound, diagonal, spur or
    river), the way a mountain city's 梯道 cut across the slope between two streets: half of
    the free blocks whose steeper diagonal climbs at least STAIRS_MIN_GRADE get one."""
    nodes = streets.node_xy
    n = nodes.shape[0]
    height = height_at(nodes.reshape(-1, 2)).reshape(n, n)
    on_street = np.zeros((n, n), dtype=bool)
    on_street[:-1, :] |= streets.h
    on_street[1:, :] |= streets.h
    on_street[:, :-1] |= streets.v
    on_street[:, 1:] |= streets.v
    free = ~streets.used_block
    free.reshape(-1)[home_blocks] = False
    # The two diagonals of block (i, j): (i, j)-(i+1, j+1) and (i+1, j)-(i, j+1).
    ends = (
        ((slice(None, -1), slice(None, -1)), (slice(1, None), slice(1, None))),
        ((slice(1, None), slice(None, -1)), (slice(None, -1), slice(1, None))),
    )
    grades = []
    for a, b in ends:
        run = np.hypot(*(nodes[b] - nodes[a]).transpose(2, 0, 1))
        usable = on_street[a] & on_street[b]
        grades.append(np.where(usable, np.abs(height[b] - height[a]) / run, -1.0))
    second = grades[1] > grades[0]
    steepest = np.maximum(grades[0], grades[1])
    chosen = free & (steepest >= STAIRS_MIN_GRADE)
    chosen &= rng.random(chosen.shape) < 0.5
    for i, j in np.argwhere(chosen).tolist():
        a, b = ((i + 1, j), (i, j + 1)) if second[i, j] else ((i, j), (i + 1, j + 1))
        line = np.array([nodes[a], nodes[b]])
        middle = np.round(line.mean(axis=0) + rng.uniform(-5, 5, 2), 2)
        _add_road(streets.layer, np.array([line[0], middle, line[1]]), "stairs")
        streets.used_block[i, j] = True
    return int(np.count_nonzero(chosen))


def _add_lifts(streets: Streets, height_at: Callable, count: int = 2) -> int:
    """Public lifts beside the steepest street segments (one in the west half of the city, one
    in the east), from one end of the segment to the other, LIFT_SECONDS both ways."""
    nodes = streets.node_xy
    n = nodes.shape[0]
    height = height_at(nodes.reshape(-1, 2)).reshape(n, n)
    candidates = []
    for mask, di, dj in ((streets.h, 1, 0), (streets.v, 0, 1)):
        start = nodes[: n - di, : n - dj]
        end = nodes[di:, dj:]
        grade = np.abs(height[di:, dj:] - height[: n - di, : n - dj]) / np.hypot(
            *(end - start).transpose(2, 0, 1)
        )
        for i, j in np.argwhere(mask).tolist():
            candidates.append((float(grade[i, j]), i, start[i, j], end[i, j]))
    candidates.sort(key=lambda item: -item[0])
    added = 0
    for half in range(count):
        chosen = next((item for item in candidates if (item[1] < n // 2) == (half == 0)), None)
        if chosen is None:
            continue
        _grade, _i, a, b = chosen
        along = (b - a) / float(np.hypot(*(b - a)))
        middle = np.round((a + b) / 2.0 + 12.0 * np.array([-along[1], along[0]]), 2)
        _add_road(streets.layer, np.array([a, middle, b]), "lift", LIFT_SECONDS)
        added += 1
    return added


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_gpkg(city: City, path: Path) -> None:
    """Write every layer in one transaction per layer (bulk inserts; L has ~10^5 features)."""
    from osgeo import ogr, osr

    ogr.UseExceptions()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    kinds = {
        "Point": ogr.wkbPoint,
        "LineString": ogr.wkbLineString,
        "Polygon": ogr.wkbPolygon,
        "MultiPolygon": ogr.wkbMultiPolygon,
    }
    field_types = {"int": ogr.OFTInteger, "str": ogr.OFTString, "real": ogr.OFTReal}
    data_source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    try:
        for layer in city.layers:
            target = data_source.CreateLayer(layer.name, srs, kinds[layer.geometry_type])
            for name, kind in layer.fields:
                target.CreateField(ogr.FieldDefn(name, field_types[kind]))
            definition = target.GetLayerDefn()
            target.StartTransaction()
            for wkb, row in zip(layer.wkb, layer.rows):
                feature = ogr.Feature(definition)
                feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
                for position, value in enumerate(row):
                    if value is None:
                        feature.SetFieldNull(position)
                    else:
                        feature.SetField(position, value)
                target.CreateFeature(feature)
            target.CommitTransaction()
        meta = data_source.CreateLayer("city_meta", None, ogr.wkbNone)
        meta.CreateField(ogr.FieldDefn("key", ogr.OFTString))
        meta.CreateField(ogr.FieldDefn("value", ogr.OFTString))
        for key, value in city.meta.items():
            feature = ogr.Feature(meta.GetLayerDefn())
            feature.SetField(0, key)
            feature.SetField(1, value)
            meta.CreateFeature(feature)
    finally:
        data_source = None  # closes and flushes the file


def dem_path(path: Path) -> Path:
    """Where the DEM of the city written to ``path`` goes: ``city_S.gpkg`` -> ``city_S_dem.tif``."""
    path = Path(path)
    return path.with_name(path.stem + "_dem.tif")


def write_dem(terrain: Terrain, path: Path) -> None:
    """The DEM as a tiled float32 GeoTIFF in the city's CRS."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    path = Path(path)
    if path.exists():
        path.unlink()
    rows, cols = terrain.heights.shape
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(path), cols, rows, 1, gdal.GDT_Float32, options=["TILED=YES"]
    )
    try:
        dataset.SetGeoTransform(terrain.geotransform)
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(EPSG)
        dataset.SetProjection(srs.ExportToWkt())
        dataset.GetRasterBand(1).WriteArray(terrain.heights)
    finally:
        dataset = None  # closes and flushes the file


def read_meta(path: Path) -> Dict[str, str]:
    """The ``city_meta`` table of a written city ({} when the file or table is missing)."""
    from osgeo import ogr

    ogr.UseExceptions()
    if not Path(path).exists():
        return {}
    try:
        data_source = ogr.Open(str(path))
        layer = data_source.GetLayerByName("city_meta")
        if layer is None:
            return {}
        return {feature.GetField(0): feature.GetField(1) for feature in layer}
    except RuntimeError:
        return {}


def generate(size_name: str, path: Path, seed: int = DEFAULT_SEED) -> Dict[str, str]:
    """Build and write the city of one size (and its DEM, :func:`dem_path`); returns its meta
    table (with build timings)."""
    started = time.perf_counter()
    city = build_city(SIZES[size_name], seed)
    built = time.perf_counter()
    write_gpkg(city, path)
    write_dem(city.terrain, dem_path(path))
    written = time.perf_counter()
    return dict(
        city.meta,
        build_seconds=f"{built - started:.3f}",
        write_seconds=f"{written - built:.3f}",
    )


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    arguments = parser.parse_args(list(argv) or None)
    meta = generate(arguments.size, arguments.path, arguments.seed)
    print(", ".join(f"{key}={value}" for key, value in meta.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
