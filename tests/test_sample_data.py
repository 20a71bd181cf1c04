"""The committed Nanjing sample is what sample/README.md says it is, and rebuilds the same.

Expected values are derived here independently of sample/build_sample.py where that is cheap:
the population rule from the figures the README states, one compound's floor area from the OSM
source by hand, road vertices against the source ways, and the roll-ups by summing.
"""

from __future__ import annotations

import hashlib
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import sample_copy

ogr = pytest.importorskip("osgeo.ogr")
osr = pytest.importorskip("osgeo.osr")

from shapely import wkb  # noqa: E402  (after the importorskip guards)

from complete_community.scoring.standard import load_standard  # noqa: E402

# GDAL >= 3.7 warns that exceptions will become the default; this module checks results itself
# and leaves the process-wide setting to whoever owns it.
pytestmark = pytest.mark.filterwarnings("ignore:Neither ogr.UseExceptions:FutureWarning")

LAYER_GEOMETRY = {
    "roads": ogr.wkbLineString,
    "facilities": ogr.wkbPoint,
    "compounds": ogr.wkbMultiPolygon,
    "communities": ogr.wkbMultiPolygon,
    "districts": ogr.wkbMultiPolygon,
}
LAYER_FIELDS = {
    "roads": ["osm_id", "highway", "name", "bridge", "tunnel", "layer"],
    "facilities": ["osm_id", "name", "type_code", "类型", "osm_tag"],
    "compounds": [
        "compound_id",
        "name",
        "小区名称",
        "population",
        "households",
        "res_floor_area_m2",
        "n_buildings",
        "method",
        "community_id",
        "district_id",
    ],
    "communities": ["community_id", "name", "district_id", "population", "households"],
    "districts": ["district_id", "name", "population", "households"],
}
WALKABLE = {
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
}

Feature = Tuple[Dict[str, object], "ogr.Geometry"]


def half_up(value: float) -> int:
    return math.floor(value + 0.5)


def read_layers(path: Path) -> Dict[str, List[Feature]]:
    dataset = ogr.Open(str(path))
    assert dataset is not None, path
    layers = {}
    for index in range(dataset.GetLayerCount()):
        layer = dataset.GetLayerByIndex(index)
        layers[layer.GetName()] = [
            (feature.items(), feature.GetGeometryRef().Clone()) for feature in layer
        ]
    return layers


@pytest.fixture(scope="module")
def sample_dir() -> Path:
    """The session's copy of sample/ (opening the bundled files would change them)."""
    return sample_copy.SAMPLE_DIR


@pytest.fixture(scope="module")
def sample_path(sample_dir: Path) -> Path:
    return sample_dir / "nanjing_xuanwu.gpkg"


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> Dict[str, List[Feature]]:
    return read_layers(sample_path)


@pytest.fixture(scope="module")
def readme(sample_dir: Path) -> str:
    return (sample_dir / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def source_path(sample_dir: Path) -> Path:
    return sample_dir / "source" / "nanjing_xuanwu_2021.gpkg"


@pytest.fixture(scope="module")
def to_utm():
    wgs84, utm = osr.SpatialReference(), osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    utm.ImportFromEPSG(32650)
    for srs in (wgs84, utm):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(wgs84, utm)


def test_five_layers_in_utm_50n_with_the_documented_fields(sample_path):
    dataset = ogr.Open(str(sample_path))
    names = {dataset.GetLayerByIndex(i).GetName() for i in range(dataset.GetLayerCount())}
    assert names == set(LAYER_GEOMETRY)
    for name, geometry_type in LAYER_GEOMETRY.items():
        layer = dataset.GetLayerByName(name)
        assert layer.GetSpatialRef().GetAuthorityCode(None) == "32650", name
        assert layer.GetGeomType() == geometry_type, name
        definition = layer.GetLayerDefn()
        fields = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
        assert set(LAYER_FIELDS[name]) <= set(fields), (name, fields)
        assert layer.GetFeatureCount() > 0, name


def test_every_layer_and_the_source_carry_the_osm_attribution(sample_path, sample_dir, readme):
    dataset = ogr.Open(str(sample_path))
    result = dataset.ExecuteSQL("SELECT table_name, description FROM gpkg_contents")
    descriptions = {row.GetField(0): row.GetField(1) for row in result}
    dataset.ReleaseResultSet(result)
    assert set(descriptions) == set(LAYER_GEOMETRY)
    for name, description in descriptions.items():
        assert "© OpenStreetMap contributors" in description, name
        assert "ODbL 1.0" in description, name
    assert "© OpenStreetMap contributors, ODbL 1.0" in readme
    assert "ODbL" in (sample_dir / "source" / "ATTRIBUTION.md").read_text(encoding="utf-8")


def test_source_is_the_unchanged_extract_named_in_its_attribution(source_path, sample_dir):
    attribution = (sample_dir / "source" / "ATTRIBUTION.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256: `([0-9a-f]{64})`", attribution).group(1)
    assert hashlib.sha256(source_path.read_bytes()).hexdigest() == recorded


def test_sample_is_small_enough_to_commit(sample_path):
    assert sample_path.stat().st_size < 5 * 1024 * 1024


def test_roads_are_valid_walkable_lines(sample):
    roads = sample["roads"]
    assert len(roads) > 300
    for values, geometry in roads:
        assert geometry.GetGeometryType() == ogr.wkbLineString
        assert geometry.GetPointCount() >= 2 and geometry.IsValid(), values["osm_id"]
        assert values["highway"] in WALKABLE, values
        assert values["osm_id"].startswith("way/")


def test_roads_keep_the_vertices_of_their_osm_ways(sample, source_path, to_utm):
    """A way not cut by the study area's edge has exactly OSM's vertices, in OSM's order."""
    source = {}
    dataset = ogr.Open(str(source_path))  # held: its layers die with it
    for feature in dataset.GetLayerByName("lines"):
        geometry = feature.GetGeometryRef().Clone()
        geometry.Transform(to_utm)
        source["way/" + feature.GetField("osm_id")] = geometry.GetPoints()
    whole = 0
    for values, geometry in sample["roads"]:
        expected = source[values["osm_id"]]
        points = geometry.GetPoints()
        ends_match = math.dist(points[0], expected[0]) < 0.01
        ends_match = ends_match and math.dist(points[-1], expected[-1]) < 0.01
        if not ends_match:
            continue  # cut at the study area's edge
        whole += 1
        assert len(points) == len(expected), values["osm_id"]
        assert max(math.dist(a, b) for a, b in zip(points, expected)) < 0.01, values["osm_id"]
    assert whole > 300


def test_tunnels_pass_under_streets_without_joining_them(sample):
    roads = sample["roads"]
    tunnels = [(v, g) for v, g in roads if v["tunnel"] == "yes"]
    surface = [(v, g) for v, g in roads if v["tunnel"] is None and v["bridge"] is None]
    crossings = 0
    for tunnel_values, tunnel in tunnels:
        tunnel_vertices = set(tunnel.GetPoints())
        for street_values, street in surface:
            if not tunnel.Crosses(street):
                continue
            crossings += 1
            shared = tunnel_vertices & set(street.GetPoints())
            crossing = tunnel.Intersection(street)
            for x, y in shared:
                vertex = ogr.Geometry(ogr.wkbPoint)
                vertex.AddPoint_2D(x, y)
                assert crossing.Distance(vertex) > 1.0, (
                    tunnel_values["osm_id"],
                    street_values["osm_id"],
                )
    assert crossings >= 5


def test_facility_types_are_codes_of_the_built_in_standard(sample, source_path):
    standard = load_standard()
    facilities = sample["facilities"]
    assert facilities
    dataset = ogr.Open(str(source_path))  # held: its layers die with it
    nodes = {"node/" + f.GetField("osm_id"): f.items() for f in dataset.GetLayerByName("points")}
    for values, geometry in facilities:
        code = values["type_code"]
        assert code in standard.codes(), values
        assert values["类型"] == standard.type_by_code(code).name_zh
        key, _, value = values["osm_tag"].partition("=")
        assert key and value, values
        if values["osm_id"].startswith("node/"):  # the tag is really on the OSM node
            tags = nodes[values["osm_id"]]
            in_other_tags = f'"{key}"=>"{value}"' in (tags["other_tags"] or "")
            assert tags.get(key) == value or in_other_tags, values
        assert geometry.GetGeometryType() == ogr.wkbPoint


def test_compound_population_follows_the_figures_the_readme_states(sample, readme):
    per_person = float(re.search(r"\*\*(\d+) m² of residential floor area per person", readme)[1])
    per_household = float(re.search(r"\*\*(\d+\.\d+) persons per household", readme)[1])
    assert (per_person, per_household) == (35.0, 2.62)
    compounds = sample["compounds"]
    assert compounds
    for values, geometry in compounds:
        assert values["population"] > 0, values
        assert values["population"] == half_up(values["res_floor_area_m2"] / per_person), values
        assert values["households"] == half_up(values["population"] / per_household), values
        assert values["n_buildings"] > 0 and geometry.IsValid()
        assert "35" in values["method"] and "2.62" in values["method"]
        assert values["小区名称"] == (values["name"] or "未命名小区" + values["compound_id"])


def test_one_compound_worked_by_hand_from_the_osm_source(sample, source_path, to_utm):
    """华侨路二十六号小区 is one landuse=residential polygon holding residential buildings."""
    dataset = ogr.Open(str(source_path))
    polygons = []
    for feature in dataset.GetLayerByName("multipolygons"):
        geometry = feature.GetGeometryRef().Clone()
        geometry.Transform(to_utm)
        polygons.append((feature.items(), geometry))
    land = next(g for v, g in polygons if v["osm_way_id"] == "857726131")
    floor_area, buildings = 0.0, 0
    for values, geometry in polygons:
        if values["building"] and land.Contains(geometry.PointOnSurface()):
            levels = re.search(r'"building:levels"=>"(\d+)"', values["other_tags"] or "")
            floor_area += geometry.GetArea() * (float(levels[1]) if levels else 6.0)
            buildings += 1
    compound = next(v for v, g in sample["compounds"] if v["name"] == "华侨路二十六号小区")
    assert buildings == compound["n_buildings"] == 7
    # The sample rounds coordinates to the millimetre: a few hundredths of a m² per building.
    assert compound["res_floor_area_m2"] == pytest.approx(floor_area, rel=1e-4)
    assert compound["population"] == half_up(floor_area / 35.0)


def test_compounds_lie_in_their_community_and_totals_roll_up(sample):
    communities = {v["community_id"]: (v, g) for v, g in sample["communities"]}
    districts = {v["district_id"]: (v, g) for v, g in sample["districts"]}
    population: Dict[str, int] = {cid: 0 for cid in communities}
    households: Dict[str, int] = {cid: 0 for cid in communities}
    for values, geometry in sample["compounds"]:
        point = geometry.PointOnSurface()
        holders = [cid for cid, (_, area) in communities.items() if area.Contains(point)]
        assert holders == [values["community_id"]], values["compound_id"]
        assert communities[values["community_id"]][0]["district_id"] == values["district_id"]
        population[values["community_id"]] += values["population"]
        households[values["community_id"]] += values["households"]
    for cid, (values, area) in communities.items():
        assert values["population"] == population[cid]
        assert values["households"] == households[cid]
        district = districts[values["district_id"]][1]
        assert area.Difference(district).GetArea() < 1.0, cid
    for did, (values, _) in districts.items():
        members = [v for v, _ in communities.values() if v["district_id"] == did]
        assert values["population"] == sum(v["population"] for v in members)
        assert values["n_communities"] == len(members)
    total = sum(values["population"] for values, _ in sample["compounds"])
    assert sum(values["population"] for values, _ in sample["districts"]) == total


def test_communities_tile_the_study_area_without_overlap(sample):
    areas = [g for _, g in sample["communities"]]
    union = areas[0]
    for area in areas[1:]:
        union = union.Union(area)
    assert sum(a.GetArea() for a in areas) == pytest.approx(union.GetArea(), abs=1.0)
    districts = [g for _, g in sample["districts"]]
    assert sum(d.GetArea() for d in districts) == pytest.approx(union.GetArea(), abs=1.0)
    assert 2 <= len(districts) <= 4


@pytest.fixture(scope="module")
def rebuilt(repo_root: Path, source_path: Path, tmp_path_factory) -> Dict[str, List[Feature]]:
    output = tmp_path_factory.mktemp("sample") / "rebuilt.gpkg"
    subprocess.run(
        [
            sys.executable,
            str(repo_root / "sample" / "build_sample.py"),
            "--source",
            str(source_path),
            "--output",
            str(output),
        ],
        check=True,
        capture_output=True,
    )
    return read_layers(output)


def test_rebuilding_gives_the_same_features_values_and_shapes(sample, rebuilt):
    assert list(rebuilt) == list(sample)
    for name, committed in sample.items():
        fresh = rebuilt[name]
        assert len(fresh) == len(committed), name
        for (new_values, new_geometry), (old_values, old_geometry) in zip(fresh, committed):
            assert new_values.keys() == old_values.keys()
            for key, old in old_values.items():
                if isinstance(old, float):
                    assert new_values[key] == pytest.approx(old, rel=1e-9), (name, key)
                else:
                    assert new_values[key] == old, (name, key)
            new_shape = wkb.loads(bytes(new_geometry.ExportToWkb()))
            old_shape = wkb.loads(bytes(old_geometry.ExportToWkb()))
            assert new_shape.hausdorff_distance(old_shape) < 0.01, (name, old_values)
