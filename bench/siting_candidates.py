"""Candidate sites for the site-suggestion benchmark, made deterministically from a city.

A city's land bureau lists vacant parcels where a new kindergarten could go; they lie where
people live. The benchmark's stand-in: one candidate per ten compounds (2,000 on the large
city; at least 40), each near a compound drawn with probability proportional to its population, at a
random offset of up to 250 m from that compound's centre. The same city and seed give the
same candidates, written to ``city_<size>_candidates.gpkg`` beside the city and reused while
the city's content digest and this module's version are unchanged.

Run ``python bench/siting_candidates.py build/bench/city_L.gpkg`` to write them by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict

import generate_city
import numpy as np

VERSION = "1"
SEED = 17
COMPOUNDS_PER_CANDIDATE = 10
#: Fewest candidates, so that the smallest cities still have a choice to make.
MIN_CANDIDATES = 40
MAX_OFFSET_M = 250.0
LAYER = "candidates"


def candidates_path(city: Path) -> Path:
    return city.with_name(f"{city.stem}_candidates.gpkg")


def ensure_candidates(city: Path) -> Path:
    """The candidates file of ``city``, written when missing or made from another city."""
    path = candidates_path(city)
    wanted = _meta(city)
    if generate_city.read_meta(path) != wanted:
        write_candidates(city, path, wanted)
    return path


def _meta(city: Path) -> Dict[str, str]:
    digest = generate_city.read_meta(city).get("digest", "")
    return {"city_digest": digest, "version": VERSION, "seed": str(SEED)}


def write_candidates(city: Path, path: Path, meta: Dict[str, str]) -> None:
    from osgeo import ogr

    ogr.UseExceptions()
    source = ogr.Open(str(city))
    centres, people = [], []
    for feature in source.GetLayerByName("compounds"):
        centre = feature.GetGeometryRef().Centroid()
        centres.append((centre.GetX(), centre.GetY()))
        people.append(max(float(feature.GetField("population") or 0), 0.0))
    source = None
    centres_xy = np.asarray(centres)
    weights = np.asarray(people) / max(sum(people), 1.0)
    rng = np.random.default_rng(SEED)
    count = max(MIN_CANDIDATES, len(centres) // COMPOUNDS_PER_CANDIDATE)
    near = rng.choice(len(centres), size=count, replace=True, p=weights)
    angle = rng.uniform(0.0, 2.0 * np.pi, count)
    radius = MAX_OFFSET_M * np.sqrt(rng.uniform(0.0, 1.0, count))
    xy = centres_xy[near] + np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    layer = generate_city.Layer(LAYER, "Point", [("site_id", "str")])
    for number, (x, y) in enumerate(xy.tolist(), start=1):
        layer.wkb.append(generate_city._wkb_point(x, y))
        layer.rows.append((f"S{number:05d}",))
    generate_city.write_gpkg(generate_city.City([layer], dict(meta)), path)


if __name__ == "__main__":
    print(ensure_candidates(Path(sys.argv[1])))
