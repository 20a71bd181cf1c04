"""Build ``sample/nanjing_xuanwu.gpkg`` from the OpenStreetMap extract in ``sample/source/``.

Run it with Debian's Python, which has GDAL's bindings (python3-gdal) and shapely::

    /usr/bin/python3 sample/build_sample.py [--source PATH] [--output PATH]

OpenStreetMap has no population, no compound (小区) boundaries and no community (社区) or
district (片区) boundaries, so this script derives them the way a planner would from what OSM
does have, and every assumption is a named constant below. ``sample/README.md`` explains each
of them; keep the two in step. The same input always gives the same file: features are sorted,
ids are derived from the data, and the GeoPackage timestamps are pinned to the extract's date.

© OpenStreetMap contributors, ODbL 1.0 — the output is a derived database under the same licence.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from osgeo import gdal, ogr, osr
from shapely import wkb
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polygonize, transform, unary_union

SAMPLE_DIR = Path(__file__).resolve().parent
REPO_ROOT = SAMPLE_DIR.parent
DEFAULT_SOURCE = SAMPLE_DIR / "source" / "nanjing_xuanwu_2021.gpkg"
DEFAULT_OUTPUT = SAMPLE_DIR / "nanjing_xuanwu.gpkg"

ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
# The extract's download date; written as the GeoPackage's last_change so rebuilds are identical.
EXTRACT_DATE = "2021-06-12T00:00:00.000Z"

TARGET_EPSG = 32650  # WGS 84 / UTM zone 50N: metres, and Nanjing lies in zone 50.
COORDINATE_DECIMALS = 3  # millimetres: far below OSM's accuracy, stable across PROJ versions.

# The part of the extract that OSM actually maps (buildings and land use lie within
# 118.762-118.800 E, 32.032-32.055 N); south of 32.030 the extract holds only pieces of route
# relations and a river, which would make an empty pseudo-community.
STUDY_AREA_LONLAT = (118.760, 32.030, 118.800, 32.055)  # west, south, east, north

# --- Walking network ---------------------------------------------------------------------------
# Everything a pedestrian may use. Trunk roads are left out: here they are the elevated inner
# ring (内环西线) and the Shuiximen tunnel, closed to pedestrians.
WALKABLE_HIGHWAYS = frozenset(
    [
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "pedestrian",
        "footway",
        "steps",
        "path",
        "cycleway",
        "track",
        "corridor",
    ]
)
NOT_WALKABLE_ACCESS = frozenset({"no"})  # unless foot=yes

# --- Blocks, communities, districts ------------------------------------------------------------
# Community blocks are cut by these roads (not in tunnels); districts by the subset below.
BLOCK_HIGHWAYS = frozenset(
    [
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
    ]
)
DISTRICT_HIGHWAYS = frozenset({"primary"})
# OSM maps the major roads only up to a few hundred metres short of the study area's edge. A
# road that ends loose is extended straight ahead (the direction of its last 20 m) until it meets
# another road or the edge, if that is at most this far; as a planner would continue it to the
# boundary on the map. Loose ends farther out are left out of the faces.
EXTEND_LOOSE_ENDS_M = 500.0
DIRECTION_BASE_M = 20.0
# An extension overshoots the line it meets by this much so that the overlay surely nodes the
# crossing; a loose piece no longer than twice this is such an overshoot and is not extended.
OVERSHOOT_M = 1.0
# Faces smaller than this are slivers between carriageways or inside junctions, not blocks.
MIN_BLOCK_AREA_M2 = 20_000.0
MIN_DISTRICT_AREA_M2 = 500_000.0
# A complete community (完整社区) has 5,000-12,000 residents (《完整居住社区建设标准（试行）》).
COMMUNITY_MIN_POPULATION = 5_000
COMMUNITY_MAX_POPULATION = 12_000
# A district (片区) holds at least two communities' worth of residents: a face between primary
# roads with fewer joins its neighbour (the north of the study area has almost no housing mapped).
DISTRICT_MIN_POPULATION = 2 * COMMUNITY_MIN_POPULATION

# --- Compounds and population ------------------------------------------------------------------
# Public streets split large residential land-use polygons into compounds (小区); lanes inside a
# compound (service, footway, living_street) do not.
STREET_HIGHWAYS = BLOCK_HIGHWAYS | {"unclassified", "residential"}
RESIDENTIAL_BUILDINGS = frozenset(
    {"residential", "apartments", "house", "detached", "semidetached_house", "terrace", "dormitory"}
)
# Inside residential land, a building without a specific type (building=yes) is counted as housing
# unless a tag says it is used for something else (a shop, a police station, an arts centre...).
GENERIC_BUILDINGS = frozenset({"yes"})
NON_HOUSING_KEYS = (
    "amenity",
    "shop",
    "tourism",
    "office",
    "leisure",
    "healthcare",
    "craft",
    "public_transport",
    "railway",
    "man_made",
    "military",
)
# Levels when OSM has neither building:levels nor height: central Nanjing's housing is mostly
# 1980s-2000s six-storey walk-ups (多层住宅); houses are two storeys.
DEFAULT_LEVELS = {"house": 2, "detached": 2, "semidetached_house": 2, "terrace": 2}
DEFAULT_LEVELS_OTHER = 6
METRES_PER_LEVEL = 3.0  # to turn a height tag into levels
MAX_PLAUSIBLE_LEVELS = 100
# Residential buildings outside residential land form compounds within their street block: those
# that carry the same estate name (凯润金城6栋, 凯润金城7栋) together, unnamed ones when closer
# than this gap. The outline is the group's convex hull with this margin around it.
CLUSTER_GAP_M = 40.0
OUTLINE_MARGIN_M = 8.0
# Planning assumption: 35 m² of residential floor area per resident (the 2020 census reports
# 36.52 m² per person for urban households in China; rounded down for shared areas counted in
# footprint × levels).
FLOOR_AREA_PER_PERSON_M2 = 35.0
# Average household size in China's 2020 (seventh) census: 2.62 persons.
PERSONS_PER_HOUSEHOLD = 2.62
POPULATION_METHOD = (
    "footprint × levels (building:levels, else height/3 m, else 6; house 2) "
    "÷ 35 m²/person; households = population ÷ 2.62"
)

# --- Facilities --------------------------------------------------------------------------------
# Tags tried first when naming the tag that matched (osm_tag); the rest in alphabetical order.
MAIN_TAG_KEYS = (
    "amenity",
    "shop",
    "healthcare",
    "social_facility",
    "leisure",
    "public_transport",
    "highway",
    "railway",
    "tourism",
    "office",
    "landuse",
    "building",
)

MITRE = 2  # shapely's join style number for mitred buffers (the same in shapely 1.8 and 2)


# ===============================================================================================
# Reading the extract
# ===============================================================================================


@dataclass
class OsmFeature:
    """One OSM object: ``osm_id`` like ``way/123``, its tags, its projected geometry."""

    osm_id: str
    tags: Dict[str, str]
    geom: BaseGeometry

    @property
    def numeric_id(self) -> int:
        return int(self.osm_id.split("/")[1])

    @property
    def name(self) -> Optional[str]:
        return self.tags.get("name") or None


_HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def parse_hstore(text: Optional[str]) -> Dict[str, str]:
    """Tags from GDAL's ``other_tags`` column (hstore syntax, backslash escapes)."""
    if not text:
        return {}

    def unescape(value: str) -> str:
        return re.sub(r"\\(.)", r"\1", value)

    return {unescape(key): unescape(value) for key, value in _HSTORE_PAIR.findall(text)}


def round_geometry(geom: BaseGeometry) -> BaseGeometry:
    """Coordinates rounded to millimetres, so output is stable and shared vertices stay shared."""

    def round_xy(xs: Sequence[float], ys: Sequence[float], zs: object = None) -> tuple:
        return (
            [round(x, COORDINATE_DECIMALS) for x in xs],
            [round(y, COORDINATE_DECIMALS) for y in ys],
        )

    rounded = transform(round_xy, geom)
    if rounded.geom_type in ("Polygon", "MultiPolygon") and not rounded.is_valid:
        rounded = rounded.buffer(0)
    return rounded


def make_transform() -> osr.CoordinateTransformation:
    source = osr.SpatialReference()
    source.ImportFromEPSG(4326)
    source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(source, target_srs())


def target_srs() -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(TARGET_EPSG)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def read_layer(
    dataset: ogr.DataSource, layer_name: str, to_target: osr.CoordinateTransformation
) -> List[OsmFeature]:
    """All features of one layer of GDAL's OSM schema, tags merged from columns and other_tags."""
    layer = dataset.GetLayerByName(layer_name)
    if layer is None:
        raise SystemExit(f"Not an extract from GDAL's OSM driver: no layer '{layer_name}'")
    definition = layer.GetLayerDefn()
    columns = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    tag_columns = [c for c in columns if c not in ("osm_id", "osm_way_id", "other_tags", "z_order")]
    kind = {"points": "node", "lines": "way"}.get(layer_name)
    features = []
    for feature in layer:
        if kind is not None:
            osm_id = f"{kind}/{feature.GetField('osm_id')}"
        elif feature.GetField("osm_id"):
            osm_id = f"relation/{feature.GetField('osm_id')}"
        else:
            osm_id = f"way/{feature.GetField('osm_way_id')}"
        tags = parse_hstore(feature.GetField("other_tags"))
        for column in tag_columns:
            value = feature.GetField(column)
            if value is not None and value != "":
                tags[column] = str(value)
        geometry = feature.GetGeometryRef()
        if geometry is None or geometry.IsEmpty():
            continue
        geometry = geometry.Clone()
        geometry.Transform(to_target)
        geom = round_geometry(wkb.loads(bytes(geometry.ExportToWkb())))
        features.append(OsmFeature(osm_id, tags, geom))
    features.sort(key=lambda f: (f.osm_id.split("/")[0], f.numeric_id))
    return features


def study_area_polygon(to_target: osr.CoordinateTransformation) -> Polygon:
    west, south, east, north = STUDY_AREA_LONLAT
    corners = [(west, south), (east, south), (east, north), (west, north)]
    projected = [to_target.TransformPoint(lon, lat)[:2] for lon, lat in corners]
    return round_geometry(Polygon(projected))


# ===============================================================================================
# Geometry helpers
# ===============================================================================================


def parts_of(geom: BaseGeometry, kind: str) -> List[BaseGeometry]:
    """The non-empty LineStrings or Polygons (``kind``) inside any geometry or collection."""
    if geom.is_empty:
        return []
    if geom.geom_type == kind:
        return [geom]
    if hasattr(geom, "geoms"):
        found: List[BaseGeometry] = []
        for part in geom.geoms:
            found.extend(parts_of(part, kind))
        return found
    return []


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the area of ``geom`` (overlays can leave stray lines and points)."""
    polygons = parts_of(geom, "Polygon")
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def position_key(geom: BaseGeometry) -> Tuple[float, float]:
    """North to south, then west to east: a reading order for numbering areas."""
    point = geom.representative_point()
    return (-round(point.y, 1), round(point.x, 1))


def shared_edge_length(a: BaseGeometry, b: BaseGeometry) -> float:
    return a.boundary.intersection(b.boundary).length


def half_up(value: float) -> int:
    """Round half away from zero, as a planner's spreadsheet does (not banker's rounding)."""
    return math.floor(value + 0.5)


# ===============================================================================================
# Roads
# ===============================================================================================


@dataclass
class Road:
    osm_id: str
    highway: str
    name: Optional[str]
    bridge: Optional[str]
    tunnel: Optional[str]
    layer: int
    geom: LineString


def is_walkable(tags: Dict[str, str]) -> bool:
    if tags.get("highway") not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("foot") == "no":
        return False
    return not (tags.get("access") in NOT_WALKABLE_ACCESS and tags.get("foot") != "yes")


def osm_layer(tags: Dict[str, str]) -> int:
    try:
        return int(tags.get("layer", "0"))
    except ValueError:
        return 0


def clip_line(geom: BaseGeometry, area: Polygon) -> List[BaseGeometry]:
    """The pieces of a way inside the study area, its own vertices untouched.

    A way wholly inside is kept as it is: an overlay would node it against itself and could add
    a junction vertex where OSM has none.
    """
    if area.contains(geom):
        return [geom]
    return [round_geometry(part) for part in parts_of(geom.intersection(area), "LineString")]


def build_roads(lines: Iterable[OsmFeature], area: Polygon) -> List[Road]:
    roads = []
    for feature in lines:
        if not is_walkable(feature.tags):
            continue
        for part in clip_line(feature.geom, area):
            roads.append(
                Road(
                    osm_id=feature.osm_id,
                    highway=feature.tags["highway"],
                    name=feature.name,
                    bridge=feature.tags.get("bridge"),
                    tunnel=feature.tags.get("tunnel"),
                    layer=osm_layer(feature.tags),
                    geom=part,
                )
            )
    roads.sort(key=lambda r: (int(r.osm_id.split("/")[1]), r.geom.coords[0]))
    return roads


def lines_of(lines: Iterable[OsmFeature], highways: frozenset, area: Polygon) -> List[BaseGeometry]:
    """Clipped geometries of the ways of the given classes that are not in a tunnel."""
    found = []
    for feature in lines:
        if feature.tags.get("highway") in highways and feature.tags.get("tunnel") != "yes":
            found.extend(clip_line(feature.geom, area))
    return found


def loose_end_extensions(lines: List[BaseGeometry], area: Polygon) -> List[LineString]:
    """Straight extensions of the loose ends of ``lines`` up to the next line or the area's edge.

    Each extension overshoots its hit by ``OVERSHOOT_M``, so that it crosses the line it meets and
    the overlay nodes it there; the overshoot is a loose end that the faces ignore.
    """
    noded = unary_union([*lines, area.exterior])
    segments = parts_of(noded, "LineString")
    degree: Counter = Counter()
    for segment in segments:
        degree[segment.coords[0]] += 1
        degree[segment.coords[-1]] += 1
    extensions = []
    for segment in segments:
        for at_start in (True, False):
            end = segment.coords[0] if at_start else segment.coords[-1]
            if degree[end] != 1 or segment.length <= 2 * OVERSHOOT_M:
                continue
            extension = extend_from(segment, at_start, noded)
            if extension is not None:
                extensions.append(extension)
    return extensions


def extend_from(
    segment: LineString, at_start: bool, obstacles: BaseGeometry
) -> Optional[LineString]:
    """The extension of one loose end, or None when nothing lies within reach ahead."""
    end = Point(segment.coords[0] if at_start else segment.coords[-1])
    base = min(DIRECTION_BASE_M, segment.length)
    back = segment.interpolate(base if at_start else segment.length - base)
    dx, dy = end.x - back.x, end.y - back.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        return None
    ux, uy = dx / norm, dy / norm
    ray = LineString(
        [(end.x, end.y), (end.x + ux * EXTEND_LOOSE_ENDS_M, end.y + uy * EXTEND_LOOSE_ENDS_M)]
    )
    hits = [
        d
        for d in (end.distance(p) for p in parts_of_points(ray.intersection(obstacles)))
        if d > 0.01
    ]
    if not hits:
        return None
    reach = min(hits) + OVERSHOOT_M
    tip = (end.x + ux * reach, end.y + uy * reach)
    return round_geometry(LineString([(end.x, end.y), tip]))


def parts_of_points(geom: BaseGeometry) -> List[Point]:
    """Every point of an intersection result: points, and the vertices of collinear overlaps."""
    if geom.is_empty:
        return []
    if geom.geom_type == "Point":
        return [geom]
    if geom.geom_type == "LineString":
        return [Point(c) for c in geom.coords]
    points: List[Point] = []
    for part in getattr(geom, "geoms", []):
        points.extend(parts_of_points(part))
    return points


def faces_of(cutting_lines: List[BaseGeometry], area: Polygon) -> List[Polygon]:
    """The faces into which the lines (noded where they cross) and the area's edge cut the area."""
    noded = unary_union([*cutting_lines, area.exterior])
    return [face for face in polygonize(noded) if area.contains(face.representative_point())]


# ===============================================================================================
# Compounds (小区) and their population
# ===============================================================================================


@dataclass
class Building:
    osm_id: str
    building: str
    name: Optional[str]
    street: Optional[str]
    levels: float
    levels_source: str
    geom: BaseGeometry

    @property
    def numeric_id(self) -> int:
        return int(self.osm_id.split("/")[1])

    @property
    def floor_area(self) -> float:
        return self.geom.area * self.levels


@dataclass
class Compound:
    source: str  # where the outline comes from, e.g. "landuse way/123" or "buildings way/456+"
    name: Optional[str]
    geom: BaseGeometry
    buildings: List[Building] = field(default_factory=list)

    @property
    def floor_area(self) -> float:
        return round(sum(b.floor_area for b in self.buildings), 1)

    @property
    def population(self) -> int:
        return half_up(self.floor_area / FLOOR_AREA_PER_PERSON_M2)

    @property
    def households(self) -> int:
        return half_up(self.population / PERSONS_PER_HOUSEHOLD)


def parse_number(text: Optional[str]) -> Optional[float]:
    """The first number in a tag value like ``6``, ``6.5``, ``18 m`` or ``6;7``."""
    if not text:
        return None
    match = re.search(r"\d+(?:\.\d+)?", text)
    return float(match.group(0)) if match else None


def building_levels(tags: Dict[str, str]) -> Tuple[float, str]:
    """Above-ground levels and where the figure came from (tag, height or default)."""
    levels = parse_number(tags.get("building:levels"))
    if levels is not None and 0 < levels <= MAX_PLAUSIBLE_LEVELS:
        return levels, "building:levels"
    height = parse_number(tags.get("height"))
    if height is not None and height > 0:
        return max(1.0, float(half_up(height / METRES_PER_LEVEL))), "height"
    return float(DEFAULT_LEVELS.get(tags.get("building", ""), DEFAULT_LEVELS_OTHER)), "default"


def candidate_buildings(polygons: Iterable[OsmFeature], area: Polygon) -> List[Building]:
    """Buildings that may hold housing: residential types anywhere, generic ones (decided later)."""
    found = []
    for feature in polygons:
        kind = feature.tags.get("building")
        if kind not in RESIDENTIAL_BUILDINGS and kind not in GENERIC_BUILDINGS:
            continue
        if kind in GENERIC_BUILDINGS and any(key in feature.tags for key in NON_HOUSING_KEYS):
            continue
        if feature.tags.get("building:part"):
            continue
        geom = polygonal(feature.geom.intersection(area))
        if geom.is_empty:
            continue
        levels, source = building_levels(feature.tags)
        street = feature.tags.get("addr:street") or None
        found.append(Building(feature.osm_id, kind, feature.name, street, levels, source, geom))
    return found


_BUILDING_NUMBER = re.compile(
    r"\s*(?:\d+|[A-Za-z]|[一二三四五六七八九十]+)\s*(?:栋|幢|座|号楼|号|单元)?\s*$"
)


def compound_name_from_buildings(buildings: Sequence[Building]) -> Optional[str]:
    """The estate name its buildings share once their numbers are cut (凯润金城6栋 -> 凯润金城).

    Without named buildings, the lane in their addresses (仁寿里), which in Nanjing's old city
    usually names the housing along it.
    """
    stems: Counter = Counter()
    for building in buildings:
        if building.name:
            stem = _BUILDING_NUMBER.sub("", building.name).strip()
            if stem:
                stems[stem] += 1
    if not stems:
        stems.update(b.street for b in buildings if b.street)
    if not stems:
        return None
    return sorted(stems.items(), key=lambda item: (-item[1], item[0]))[0][0]


def residential_land_pieces(
    polygons: Iterable[OsmFeature], street_blocks: List[Polygon], area: Polygon
) -> List[Compound]:
    """landuse=residential areas cut by public streets: each piece is a candidate compound."""
    pieces = []
    for feature in polygons:
        if feature.tags.get("landuse") != "residential":
            continue
        land = polygonal(feature.geom.intersection(area))
        for block in street_blocks:
            if not land.intersects(block):
                continue
            for piece in parts_of(polygonal(land.intersection(block)), "Polygon"):
                pieces.append(Compound("landuse " + feature.osm_id, feature.name, piece))
    return pieces


def assign_buildings(compounds: List[Compound], buildings: List[Building]) -> List[Building]:
    """Put each building in the compound holding its representative point.

    Returns the residential-typed buildings left outside every compound; generic ones left
    outside are not counted as housing.
    """
    outside_residential = []
    for building in buildings:
        point = building.geom.representative_point()
        home = next((c for c in compounds if c.geom.contains(point)), None)
        if home is not None:
            home.buildings.append(building)
        elif building.building in RESIDENTIAL_BUILDINGS:
            outside_residential.append(building)
    return outside_residential


def group_by_distance(buildings: List[Building], gap: float) -> List[List[Building]]:
    """Connected groups of buildings whose footprints are closer than ``gap`` metres."""
    parent = list(range(len(buildings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(buildings):
        for j in range(i + 1, len(buildings)):
            if a.geom.distance(buildings[j].geom) < gap:
                parent[root(j)] = root(i)
    groups: Dict[int, List[Building]] = defaultdict(list)
    for i, building in enumerate(buildings):
        groups[root(i)].append(building)
    return list(groups.values())


def building_group_compounds(
    buildings: List[Building], street_blocks: List[Polygon], taken: BaseGeometry
) -> List[Compound]:
    """Compounds for residential buildings outside residential land.

    An estate's buildings carry its name, so within a street block buildings with the same
    name form one compound; unnamed ones are grouped by distance. The outline is kept inside
    the street block and off land already given to other compounds, but always holds the
    group's own footprints.
    """
    compounds = []
    for block in street_blocks:
        inside = [b for b in buildings if block.contains(b.geom.representative_point())]
        by_name: Dict[str, List[Building]] = defaultdict(list)
        for building in inside:
            by_name[compound_name_from_buildings([building]) or ""].append(building)
        for name in sorted(by_name):
            members = by_name[name]
            groups = group_by_distance(members, CLUSTER_GAP_M) if name == "" else [members]
            for group in groups:
                compounds.append(group_compound(group, block, taken))
    return compounds


def group_compound(group: List[Building], block: Polygon, taken: BaseGeometry) -> Compound:
    group.sort(key=lambda b: b.numeric_id)
    footprints = unary_union([b.geom for b in group])
    outline = footprints.convex_hull.buffer(OUTLINE_MARGIN_M, join_style=MITRE)
    outline = polygonal(outline.intersection(block).difference(taken))
    outline = polygonal(unary_union([outline, footprints]))
    suffix = "+" if len(group) > 1 else ""
    compound = Compound(
        "buildings " + group[0].osm_id + suffix,
        compound_name_from_buildings(group),
        round_geometry(outline),
    )
    compound.buildings.extend(group)
    return compound


def build_compounds(
    polygons: List[OsmFeature], lines: List[OsmFeature], area: Polygon
) -> Tuple[List[Compound], Dict[str, object]]:
    """Compounds with population, plus figures for the report (what was dropped and why)."""
    street_blocks = faces_of(lines_of(lines, STREET_HIGHWAYS, area), area)
    pieces = residential_land_pieces(polygons, street_blocks, area)
    buildings = candidate_buildings(polygons, area)
    outside_residential = assign_buildings(pieces, buildings)
    taken = unary_union([p.geom for p in pieces]) if pieces else Polygon()
    groups = building_group_compounds(outside_residential, street_blocks, taken)
    empty = [p for p in pieces if p.floor_area <= 0]
    compounds = [c for c in pieces + groups if c.floor_area > 0]
    for compound in compounds:
        if compound.name is None:
            compound.name = compound_name_from_buildings(compound.buildings)
    compounds.sort(key=lambda c: position_key(c.geom))
    report = {
        "dropped_empty_pieces": len(empty),
        "dropped_empty_area_ha": round(sum(p.geom.area for p in empty) / 10_000.0, 1),
        "landuse_pieces": len(pieces) - len(empty),
        "building_groups": len(groups),
    }
    return compounds, report


# ===============================================================================================
# Blocks, communities (社区) and districts (片区)
# ===============================================================================================


@dataclass
class Region:
    geom: BaseGeometry
    population: int = 0
    compounds: List[Compound] = field(default_factory=list)
    district: int = -1


def merge_regions(
    regions: List[Region],
    too_small: Callable[[Region], bool],
    order: Callable[[Region], tuple],
    acceptable: Callable[[Region, Region], bool],
) -> List[Region]:
    """Merge regions that are ``too_small`` into a neighbour in the same district.

    The smallest by ``order`` goes first, into the acceptable neighbour with which it shares the
    longest edge; one with no acceptable neighbour stays as it is.
    """
    regions = list(regions)
    settled: set = set()
    while True:
        pending = [r for r in regions if too_small(r) and id(r) not in settled]
        if not pending:
            return regions
        small = min(pending, key=order)
        neighbours = [
            (shared_edge_length(small.geom, other.geom), other)
            for other in regions
            if other is not small and other.district == small.district
        ]
        neighbours = [(length, other) for length, other in neighbours if length > 1.0]
        neighbours = [(length, other) for length, other in neighbours if acceptable(small, other)]
        if not neighbours:
            settled.add(id(small))
            continue
        _, target = max(neighbours, key=lambda item: (item[0], position_key(item[1].geom)))
        target.geom = unary_union([target.geom, small.geom])
        target.population += small.population
        target.compounds.extend(small.compounds)
        regions.remove(small)


def size_order(region: Region) -> tuple:
    return (region.geom.area, position_key(region.geom))


def population_order(region: Region) -> tuple:
    return (region.population, region.geom.area, position_key(region.geom))


def boundary_lines(
    lines: List[OsmFeature], area: Polygon
) -> Tuple[List[BaseGeometry], List[BaseGeometry]]:
    """The lines that cut districts and those that cut blocks, loose ends extended.

    The block lines contain the district lines with their extensions, so every block lies in
    exactly one district.
    """
    district_lines = lines_of(lines, DISTRICT_HIGHWAYS, area)
    district_lines += loose_end_extensions(district_lines, area)
    block_lines = lines_of(lines, BLOCK_HIGHWAYS - DISTRICT_HIGHWAYS, area) + district_lines
    block_lines += loose_end_extensions(block_lines, area)
    return district_lines, block_lines


def build_districts(
    district_lines: List[BaseGeometry], area: Polygon, compounds: List[Compound]
) -> List[Region]:
    """Faces between primary roads; faces too small for a district, then faces with too few
    residents for two communities, join their neighbour."""
    faces = [Region(face, district=0) for face in faces_of(district_lines, area)]
    merged = merge_regions(
        faces,
        lambda r: r.geom.area < MIN_DISTRICT_AREA_M2,
        size_order,
        lambda small, other: True,
    )
    place_compounds(merged, compounds)
    merged = merge_regions(
        merged,
        lambda r: r.population < DISTRICT_MIN_POPULATION,
        population_order,
        lambda small, other: True,
    )
    merged.sort(key=lambda r: position_key(r.geom))
    for number, district in enumerate(merged):
        district.district = number
    return merged


def place_compounds(regions: List[Region], compounds: List[Compound]) -> None:
    """Each compound into the region holding its point on surface; populations summed."""
    for region in regions:
        region.compounds, region.population = [], 0
    for compound in compounds:
        point = compound.geom.representative_point()
        region = next(r for r in regions if r.geom.contains(point))
        region.compounds.append(compound)
        region.population += compound.population


def build_communities(
    block_lines: List[BaseGeometry],
    street_lines: List[BaseGeometry],
    area: Polygon,
    districts: List[Region],
    compounds: List[Compound],
) -> List[Region]:
    """Blocks between major roads, slivers folded in; a block with more residents than a
    community holds is cut along its public streets; then the pieces with fewer residents than
    a community are merged with a neighbour, fewest residents first, up to a community's
    maximum. A piece without residents always joins a neighbour (it adds nobody), so every
    community holds compounds."""
    blocks = []
    for face in faces_of(block_lines, area):
        point = face.representative_point()
        district = next(d.district for d in districts if d.geom.contains(point))
        blocks.append(Region(face, district=district))
    blocks = merge_regions(
        blocks, lambda r: r.geom.area < MIN_BLOCK_AREA_M2, size_order, lambda small, other: True
    )
    place_compounds(blocks, compounds)
    street_faces = faces_of(street_lines + block_lines, area)
    pieces: List[Region] = []
    for block in blocks:
        if block.population <= COMMUNITY_MAX_POPULATION:
            pieces.append(block)
            continue
        inside = [
            Region(face, district=block.district)
            for face in street_faces
            if block.geom.contains(face.representative_point())
        ]
        place_compounds(inside, block.compounds)
        pieces.extend(merge_to_communities(inside))
    place_compounds(pieces, compounds)
    communities = merge_to_communities(pieces)
    communities.sort(key=lambda r: (r.district, position_key(r.geom)))
    return communities


def merge_to_communities(regions: List[Region]) -> List[Region]:
    """Regions with fewer residents than a community joined to a neighbour, fewest residents
    first, as long as the result stays within a community's maximum."""
    return merge_regions(
        regions,
        lambda r: r.population < COMMUNITY_MIN_POPULATION,
        population_order,
        lambda small, other: small.population + other.population <= COMMUNITY_MAX_POPULATION,
    )


# ===============================================================================================
# Facilities
# ===============================================================================================


@dataclass
class Facility:
    osm_id: str
    name: Optional[str]
    type_code: str
    type_name_zh: str
    osm_tag: str
    geom: Point
    site: Optional[BaseGeometry]  # the polygon it was mapped as, if any


def load_standard() -> object:
    """The built-in facility standard, imported as the installed plugin package would be.

    The repository root is the plugin folder; like tests/conftest.py, a link
    build/plugins/complete_community -> ../.. makes it importable under its installed name
    without putting the repository root (whose ``processing`` would shadow QGIS's) on sys.path.
    """
    plugins = REPO_ROOT / "build" / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    link = plugins / "complete_community"
    if not (link.is_symlink() and os.readlink(link) == "../.."):
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to("../..", target_is_directory=True)
    if str(plugins) not in sys.path:
        sys.path.insert(0, str(plugins))
    from complete_community.scoring.standard import load_standard as load

    return load()


def matched_tag(
    standard: object, tags: Dict[str, str], name: str, code: str, area_m2: Optional[float]
) -> str:
    """The one tag (``key=value``) that on its own gives ``code``, main keys first.

    A type recognised only through a combination (or the name) is reported by its first main
    key present, so the column always says which tag put the feature in.
    """
    keys = [k for k in MAIN_TAG_KEYS if k in tags] + sorted(
        k for k in tags if k not in MAIN_TAG_KEYS
    )
    for key in keys:
        if key == "name":
            continue
        if standard.match_osm_tags({key: tags[key]}, name, area_m2) == code:
            return f"{key}={tags[key]}"
    for key in keys:
        if key in MAIN_TAG_KEYS:
            return f"{key}={tags[key]}"
    return ""


def facility_candidates(
    points: List[OsmFeature], polygons: List[OsmFeature]
) -> List[Tuple[OsmFeature, Optional[BaseGeometry]]]:
    """Polygons (largest first, so a site wins over what lies inside it), then nodes."""
    ordered: List[Tuple[OsmFeature, Optional[BaseGeometry]]] = [
        (f, f.geom) for f in sorted(polygons, key=lambda f: (-f.geom.area, f.osm_id))
    ]
    ordered.extend((f, None) for f in points)
    return ordered


def build_facilities(
    standard: object, points: List[OsmFeature], polygons: List[OsmFeature], area: Polygon
) -> Tuple[List[Facility], List[str]]:
    """Features the standard recognises, one point each; also the ids of duplicates dropped.

    A feature whose point lies inside a site already taken for the same type is the same
    facility mapped twice (a school building inside the school grounds, a node inside the
    polygon): it is dropped.
    """
    facilities: List[Facility] = []
    duplicates: List[str] = []
    for feature, site in facility_candidates(points, polygons):
        point = round_geometry(feature.geom.representative_point())
        if not area.contains(point):
            continue
        name = feature.name or ""
        area_m2 = site.area if site is not None else None
        code = standard.match_osm_tags(feature.tags, name, area_m2)
        if code is None:
            continue
        if any(
            f.type_code == code and f.site is not None and f.site.contains(point)
            for f in facilities
        ):
            duplicates.append(feature.osm_id)
            continue
        facilities.append(
            Facility(
                osm_id=feature.osm_id,
                name=feature.name,
                type_code=code,
                type_name_zh=standard.type_by_code(code).name_zh,
                osm_tag=matched_tag(standard, feature.tags, name, code, area_m2),
                geom=point,
                site=site,
            )
        )
    facilities.sort(key=lambda f: (f.type_code, position_key(f.geom), f.osm_id))
    return facilities, duplicates


# ===============================================================================================
# Identifiers and names
# ===============================================================================================

COMPASS_ZH = ("东", "东北", "北", "西北", "西", "西南", "南", "东南")


def district_names(districts: List[Region], area: Polygon) -> List[str]:
    """Named by where it lies in the study area (西北片区 ...); numbered if two share a name."""
    centre = area.centroid
    names = []
    for district in districts:
        point = district.geom.representative_point()
        angle = math.degrees(math.atan2(point.y - centre.y, point.x - centre.x))
        names.append(COMPASS_ZH[half_up(angle / 45.0) % 8] + "片区")
    counts = Counter(names)
    seen: Counter = Counter()
    numbered = []
    for name in names:
        seen[name] += 1
        numbered.append(name if counts[name] == 1 else f"{name}{seen[name]}")
    return numbered


@dataclass
class Identified:
    """The three area layers with their ids and names, ready to write."""

    districts: List[Tuple[str, str, Region]]
    communities: List[Tuple[str, str, str, Region]]  # id, name, district id, region
    compounds: List[Tuple[str, str, str, Compound]]  # id, community id, district id, compound


def identify(districts: List[Region], communities: List[Region], area: Polygon) -> Identified:
    """Ids in reading order: districts PQ1.., communities SQ01.. by district, compounds XQ001.."""
    district_ids = {d.district: f"PQ{n + 1}" for n, d in enumerate(districts)}
    named_districts = [
        (district_ids[d.district], name, d)
        for d, name in zip(districts, district_names(districts, area))
    ]
    district_name = {did: name for did, name, _ in named_districts}
    named_communities = []
    named_compounds = []
    per_district: Counter = Counter()
    for number, community in enumerate(communities):
        community_id = f"SQ{number + 1:02d}"
        district_id = district_ids[community.district]
        per_district[district_id] += 1
        name = f"{district_name[district_id]}{per_district[district_id]}号社区"
        named_communities.append((community_id, name, district_id, community))
        for compound in sorted(community.compounds, key=lambda c: position_key(c.geom)):
            compound_id = f"XQ{len(named_compounds) + 1:03d}"
            named_compounds.append((compound_id, community_id, district_id, compound))
    return Identified(named_districts, named_communities, named_compounds)


# ===============================================================================================
# Writing the GeoPackage
# ===============================================================================================


@dataclass
class LayerSpec:
    name: str
    geometry_type: int
    fields: List[Tuple[str, int]]
    description: str
    rows: List[Tuple[BaseGeometry, Dict[str, object]]]


def as_multi(geom: BaseGeometry) -> BaseGeometry:
    return MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom


def layer_specs(
    roads: List[Road], facilities: List[Facility], named: Identified
) -> List[LayerSpec]:
    source = "Derived from OpenStreetMap (extract of 2021-06-12) by sample/build_sample.py. "
    licence = " " + ATTRIBUTION
    road_rows = [
        (
            r.geom,
            {
                "osm_id": r.osm_id,
                "highway": r.highway,
                "name": r.name,
                "bridge": r.bridge,
                "tunnel": r.tunnel,
                "layer": r.layer,
            },
        )
        for r in roads
    ]
    facility_rows = [
        (
            f.geom,
            {
                "osm_id": f.osm_id,
                "name": f.name,
                "type_code": f.type_code,
                "类型": f.type_name_zh,
                "osm_tag": f.osm_tag,
            },
        )
        for f in facilities
    ]
    compound_rows = [
        (
            as_multi(c.geom),
            {
                "compound_id": compound_id,
                "name": c.name,
                "小区名称": c.name or "未命名小区" + compound_id,
                "population": c.population,
                "households": c.households,
                "res_floor_area_m2": c.floor_area,
                "n_buildings": len(c.buildings),
                "method": POPULATION_METHOD,
                "community_id": community_id,
                "district_id": district_id,
                "osm_source": c.source,
            },
        )
        for compound_id, community_id, district_id, c in named.compounds
    ]
    households = Counter()
    for _, community_id, _, c in named.compounds:
        households[community_id] += c.households
    community_rows = [
        (
            as_multi(round_geometry(r.geom)),
            {
                "community_id": community_id,
                "name": name,
                "district_id": district_id,
                "population": r.population,
                "households": households[community_id],
                "n_compounds": len(r.compounds),
                "area_ha": round(r.geom.area / 10_000.0, 2),
            },
        )
        for community_id, name, district_id, r in named.communities
    ]
    district_rows = []
    for district_id, name, r in named.districts:
        members = [c for c in named.communities if c[2] == district_id]
        district_rows.append(
            (
                as_multi(round_geometry(unary_union([c[3].geom for c in members]))),
                {
                    "district_id": district_id,
                    "name": name,
                    "population": sum(c[3].population for c in members),
                    "households": sum(households[c[0]] for c in members),
                    "n_communities": len(members),
                    "area_ha": round(r.geom.area / 10_000.0, 2),
                },
            )
        )
    text, integer, real = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
    return [
        LayerSpec(
            "roads",
            ogr.wkbLineString,
            [
                ("osm_id", text),
                ("highway", text),
                ("name", text),
                ("bridge", text),
                ("tunnel", text),
                ("layer", integer),
            ],
            source + "Walkable ways (trunk roads excluded), one feature per OSM way, vertices as "
            "in OSM: ways join only where they share a vertex." + licence,
            road_rows,
        ),
        LayerSpec(
            "facilities",
            ogr.wkbPoint,
            [
                ("osm_id", text),
                ("name", text),
                ("type_code", text),
                ("类型", text),
                ("osm_tag", text),
            ],
            source + "OSM features the built-in facility standard recognises; polygons as a "
            "point on their surface." + licence,
            facility_rows,
        ),
        LayerSpec(
            "compounds",
            ogr.wkbMultiPolygon,
            [
                ("compound_id", text),
                ("name", text),
                ("小区名称", text),
                ("population", integer),
                ("households", integer),
                ("res_floor_area_m2", real),
                ("n_buildings", integer),
                ("method", text),
                ("community_id", text),
                ("district_id", text),
                ("osm_source", text),
            ],
            source
            + "Residential compounds (小区) with an ESTIMATED population: "
            + POPULATION_METHOD
            + "."
            + licence,
            compound_rows,
        ),
        LayerSpec(
            "communities",
            ogr.wkbMultiPolygon,
            [
                ("community_id", text),
                ("name", text),
                ("district_id", text),
                ("population", integer),
                ("households", integer),
                ("n_compounds", integer),
                ("area_ha", real),
            ],
            source + "Illustrative communities (社区), not official boundaries: blocks between "
            "major roads merged towards 5,000-12,000 residents." + licence,
            community_rows,
        ),
        LayerSpec(
            "districts",
            ogr.wkbMultiPolygon,
            [
                ("district_id", text),
                ("name", text),
                ("population", integer),
                ("households", integer),
                ("n_communities", integer),
                ("area_ha", real),
            ],
            source + "Illustrative districts (片区), not official boundaries: the areas between "
            "primary roads." + licence,
            district_rows,
        ),
    ]


def write_geopackage(path: Path, layers: List[LayerSpec]) -> None:
    """Write all layers to a new file, then move it into place (no half-written output)."""
    partial = path.with_name(path.stem + ".partial.gpkg")
    if partial.exists():
        partial.unlink()
    previous_date = gdal.GetConfigOption("OGR_CURRENT_DATE")
    gdal.SetConfigOption("OGR_CURRENT_DATE", EXTRACT_DATE)
    try:
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(partial))
        for spec in layers:
            write_layer(dataset, spec)
        dataset = None
    finally:
        gdal.SetConfigOption("OGR_CURRENT_DATE", previous_date)
    os.replace(partial, path)


def write_layer(dataset: ogr.DataSource, spec: LayerSpec) -> None:
    options = [
        "FID=fid",
        "GEOMETRY_NAME=geom",
        "SPATIAL_INDEX=YES",
        "IDENTIFIER=" + spec.name,
        "DESCRIPTION=" + spec.description,
    ]
    layer = dataset.CreateLayer(spec.name, target_srs(), spec.geometry_type, options=options)
    for name, kind in spec.fields:
        layer.CreateField(ogr.FieldDefn(name, kind))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for geom, values in spec.rows:
        feature = ogr.Feature(definition)
        for name, value in values.items():
            if value is None:
                feature.SetFieldNull(name)
            else:
                feature.SetField(name, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb))
        layer.CreateFeature(feature)
    layer.CommitTransaction()


# ===============================================================================================
# Main
# ===============================================================================================


def build(source: Path, output: Path) -> Dict[str, object]:
    """Build the sample from ``source`` into ``output``; returns figures for the report."""
    for module in (gdal, ogr, osr):
        module.UseExceptions()
    try:
        dataset = ogr.Open(str(source))
    except RuntimeError as error:
        raise SystemExit(f"Cannot open the OSM extract {source}: {error}") from error
    if dataset is None:  # GDAL < 3.7 returns None even with exceptions on
        raise SystemExit(f"Cannot open the OSM extract {source}")
    to_target = make_transform()
    points, lines, polygons = (
        read_layer(dataset, n, to_target) for n in ("points", "lines", "multipolygons")
    )
    area = study_area_polygon(to_target)
    roads = build_roads(lines, area)
    compounds, report = build_compounds(polygons, lines, area)
    district_lines, block_lines = boundary_lines(lines, area)
    districts = build_districts(district_lines, area, compounds)
    street_lines = lines_of(lines, STREET_HIGHWAYS - BLOCK_HIGHWAYS, area)
    communities = build_communities(block_lines, street_lines, area, districts, compounds)
    facilities, duplicates = build_facilities(load_standard(), points, polygons, area)
    named = identify(districts, communities, area)
    write_geopackage(output, layer_specs(roads, facilities, named))
    report.update(
        roads=len(roads),
        facilities=len(facilities),
        facility_duplicates_dropped=duplicates,
        facility_types=dict(sorted(Counter(f.type_code for f in facilities).items())),
        compounds=len(compounds),
        population=sum(c.population for c in compounds),
        households=sum(c.households for c in compounds),
        communities=[
            (cid, r.population, round(r.geom.area / 1e4, 1)) for cid, _, _, r in named.communities
        ],
        districts=[(did, name, round(r.geom.area / 1e4, 1)) for did, name, r in named.districts],
    )
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="OSM extract (.gpkg)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="sample to write")
    args = parser.parse_args(argv)
    report = build(args.source, args.output)
    for key, value in report.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
