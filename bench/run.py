"""``make bench``: time the toolkit's algorithms on synthetic cities, beside QGIS's own tools.

Per city size the harness

1. generates the city (``generate_city.py``; reused when the GeoPackage's ``city_meta`` says it
   was written by the same generator version and seed);
2. runs every entry of :data:`ALGORITHMS` through ``processing.run`` in a fresh Python process,
   so that the peak memory (``peak_memory_mb``) is that algorithm's alone. Stage times come
   from timing wrappers put around the very functions the algorithm calls (module attributes are
   looked up at call time), so the adapter code runs unchanged. In the same process (one QGIS
   session) the algorithm then runs again on the unchanged files — the re-run the session
   caches are for — and once more with those caches emptied (a warm session without them);
3. on the sizes asked for (S, and M when the estimate from S fits the time budget), runs the
   QGIS-native workflow for the same question in another fresh process and compares its
   coverage compound by compound with ours;
4. writes ``bench/RESULTS.md`` and ``bench/results.json``.

A later algorithm (rubric scoring, workbook export) is one more :class:`BenchAlgorithm` entry
in :data:`ALGORITHMS`; :data:`CHAIN` lists the steps of the whole-chain target, and a step's
parameters can use the outputs of the steps before it.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import importlib
import inspect
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PLUGINS_DIR = REPO_ROOT / "build" / "plugins"
PLUGIN_NAME = "complete_community"
DEFAULT_WORK_DIR = REPO_ROOT / "build" / "bench"
QGIS_PLUGIN_PATHS = ("/usr/share/qgis/python/plugins",)

sys.path.insert(0, str(BENCH_DIR))
import generate_city  # noqa: E402

#: Snap tolerance of every run: the generated blocks are at most ~340 m wide, so every
#: compound and facility is within this of a street.
SNAP_TOLERANCE = 300.0
#: A file written this recently (seconds) is not trusted by the session caches
#: (``processing/graph_cache.py``: SETTLE_SECONDS, 2 s), so a city just written is left to
#: settle this long before it is measured.
SETTLE_SECONDS = 2.5
#: A first run shorter than this (seconds) is measured in REPEATS fresh processes, and the one
#: with the median total is reported.
REPEAT_BELOW_SECONDS = 2.0
REPEATS = 3
#: Time the native workflow may take on one size before it is skipped (seconds, estimated).
NATIVE_BUDGET_SECONDS = 600.0
#: A compound counts as on a reached line part when that part is this close to it beyond its
#: distance to the network (metres; rounding of the interpolated service-area ends).
NATIVE_EPSILON = 0.01


# --------------------------------------------------------------------------------------------
# What is measured
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """A function to time while the algorithm runs.

    ``target`` is ``module:attribute`` (``Class.method`` allowed). ``stages`` names the stage
    of the first, second, … call; later calls reuse the last name. A probe with a ``parent``
    runs inside that stage: its time is reported beside, and taken out of, the parent's.
    ``parent`` may also be a tuple, one parent (or "") per stage name.
    """

    target: str
    stages: Tuple[str, ...]
    parent: Union[str, Tuple[str, ...]] = ""

    def parent_of(self, index: int) -> str:
        if isinstance(self.parent, tuple):
            return self.parent[min(index, len(self.parent) - 1)]
        return self.parent


#: Outputs of the algorithms run before, by key (``{"facility_gap": {"OUTPUT": path, …}}``).
EarlierOutputs = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class BenchAlgorithm:
    """One algorithm of the benchmark: its id, parameters on a city, and what to time.

    ``parameters(city, out_dir, earlier)`` gives the parameters; ``earlier`` holds the outputs
    of the entries before it in :data:`ALGORITHMS` on the same city (for chained steps such as
    rubric scoring, which reads the gap and provision outputs). ``stage_order`` orders the
    stage table; ``rerun`` measures the second run in the same session.
    """

    key: str
    algorithm_id: str
    parameters: Callable[[Path, Path, EarlierOutputs], Dict[str, Any]]
    probes: Tuple[Probe, ...] = ()
    title: str = ""
    stage_order: Tuple[str, ...] = ()
    rerun: bool = True
    #: The city sizes it runs on; every size when empty.
    sizes: Tuple[str, ...] = ()


def _facility_gap_parameters(city: Path, out_dir: Path, earlier: EarlierOutputs) -> Dict[str, Any]:
    return {
        "UNITS": f"{city}|layername=compounds",
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": f"{city}|layername=facilities",
        "TYPE_FIELD": "type",
        "NETWORK": f"{city}|layername=roads",
        "SNAP_TOLERANCE": SNAP_TOLERANCE,
        "MAX_DISTANCE": 2000.0,
        "OUTPUT": str(out_dir / "facility_gap.gpkg"),
        "SUMMARY": str(out_dir / "facility_gap_summary.csv"),
    }


def _walking_time(parameters: Dict[str, Any], city: Path, out_dir: Path) -> Dict[str, Any]:
    """The same run in walking time (DESIGN §4b) on the city's hills: its DEM, the roads'
    stairs (``highway`` = 'steps', the default expression), bridges (``bridge``, the default)
    and lifts (``lift_s`` seconds); outputs under their own names."""
    timed = dict(parameters, MEASURE=1, DEM=str(generate_city.dem_path(city)))
    timed["FIXED_TIME_FIELD"] = "lift_s"
    for name, value in parameters.items():
        if isinstance(value, str) and value.startswith(str(out_dir)):
            path = Path(value)
            timed[name] = str(path.with_name(f"{path.stem}_time{path.suffix}"))
    return timed


def _facility_gap_time_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    return _walking_time(_facility_gap_parameters(city, out_dir, earlier), city, out_dir)


def _tiered_provision_time_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    return _walking_time(_tiered_provision_parameters(city, out_dir, earlier), city, out_dir)


def _tiered_provision_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    return {
        "DISTRICTS": f"{city}|layername=districts",
        "DISTRICT_ID_FIELD": "district_id",
        "COMMUNITIES": f"{city}|layername=communities",
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "COMPOUNDS": f"{city}|layername=compounds",
        "COMPOUND_ID_FIELD": "compound_id",
        "COMPOUND_COMMUNITY_FIELD": "community_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": f"{city}|layername=facilities",
        "FACILITY_ID_FIELD": "facility_id",
        "TYPE_FIELD": "type",
        "NETWORK": f"{city}|layername=roads",
        "SNAP_TOLERANCE": SNAP_TOLERANCE,
        "OUTPUT_TABLE": str(out_dir / "provision_table.gpkg"),
        "SHARING": str(out_dir / "provision_sharing.gpkg"),
        "DISTRICTS_OUTPUT": str(out_dir / "provision_districts.gpkg"),
        "COMMUNITIES_OUTPUT": str(out_dir / "provision_communities.gpkg"),
        "COMPOUNDS_OUTPUT": str(out_dir / "provision_compounds.gpkg"),
    }


def _scoring_parameters(city: Path, earlier: EarlierOutputs) -> Dict[str, Any]:
    """The inputs rubric scoring and the workbook share, wired as the evaluation model wires
    them (``tools/build_model.py``): the communities, the facility gap's units (with their
    community field) and the tiered provision's table; no manual scores, the built-in rubric
    and standard."""
    return {
        "COMMUNITIES": f"{city}|layername=communities",
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "GAPS": earlier["facility_gap"]["OUTPUT"],
        "GAP_ID_FIELD": "compound_id",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
        "PROVISION": earlier["tiered_provision"]["OUTPUT_TABLE"],
    }


def _rubric_score_parameters(city: Path, out_dir: Path, earlier: EarlierOutputs) -> Dict[str, Any]:
    return {
        **_scoring_parameters(city, earlier),
        "OUTPUT_TABLE": str(out_dir / "rubric_points.gpkg"),
        "OUTPUT": str(out_dir / "rubric_scores.gpkg"),
    }


#: ``SPLIT_BY`` of ``exportworkbook``: 0 one workbook with every community's evaluation form
#: (the evaluation model's choice), 2 one workbook whose summary and lists cover every
#: community, with forms for the chosen communities only.
SPLIT_ONE_WORKBOOK, SPLIT_CHOSEN = 0, 2


def _workbook_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs, split_by: int, name: str
) -> Dict[str, Any]:
    parameters = {
        **_scoring_parameters(city, earlier),
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "DISTRICTS": f"{city}|layername=districts",
        "DISTRICT_ID_FIELD": "district_id",
        "DISTRICT_NAME_FIELD": "name",
        "GAP_NAME_FIELD": "name",
        "TITLE": "Benchmark city",
        "LANGUAGE": 0,
        "SPLIT_BY": split_by,
        "OVERWRITE": True,
        "OUTPUT": str(out_dir / name),
    }
    if split_by == SPLIT_CHOSEN:
        parameters["COMMUNITY_IDS"] = _first_community_id(city)
    return parameters


def _workbook_export_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    return _workbook_parameters(city, out_dir, earlier, SPLIT_ONE_WORKBOOK, "evaluation.xlsx")


def _workbook_lists_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    return _workbook_parameters(city, out_dir, earlier, SPLIT_CHOSEN, "evaluation_lists.xlsx")


def _first_community_id(city: Path) -> str:
    """The first community's id: the one evaluation form of the summary-and-lists workbook."""
    from osgeo import ogr

    ogr.UseExceptions()
    data_source = ogr.Open(str(city))
    feature = data_source.GetLayerByName("communities").GetNextFeature()
    return str(feature.GetField("community_id"))


#: The site-suggestion target (issue 17): kindergartens (300 m) on L, 2,000 candidates, k = 20.
SITES_TYPE, SITES_K, SITES_TIME_LIMIT = "kindergarten", 20, 60.0


def _suggest_sites_parameters(city: Path, out_dir: Path, earlier: EarlierOutputs) -> Dict[str, Any]:
    import siting_candidates

    candidates = siting_candidates.ensure_candidates(city)
    return {
        **{
            key: value
            for key, value in _facility_gap_parameters(city, out_dir, earlier).items()
            if key not in ("OUTPUT", "SUMMARY")
        },
        "FACILITY_TYPE": SITES_TYPE,
        "CANDIDATES": f"{candidates}|layername={siting_candidates.LAYER}",
        "CANDIDATE_ID_FIELD": "site_id",
        "SITES": SITES_K,
        "TIME_LIMIT": SITES_TIME_LIMIT,
        "OUTPUT": str(out_dir / "suggested_sites.gpkg"),
        "UNITS_OUTPUT": str(out_dir / "suggested_sites_units.gpkg"),
        "CURVE": str(out_dir / "suggested_sites_curve.csv"),
    }


def _map_book_parameters(city: Path, out_dir: Path, earlier: EarlierOutputs) -> Dict[str, Any]:
    """The city's map book as the evaluation model draws it: an overview and a page per
    community, from the facility gap's units and the rubric scores, with the facilities and
    the walking network."""
    return {
        "COMMUNITIES": f"{city}|layername=communities",
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "DISTRICTS": f"{city}|layername=districts",
        "DISTRICT_ID_FIELD": "district_id",
        "DISTRICT_NAME_FIELD": "name",
        "GAPS": earlier["facility_gap"]["OUTPUT"],
        "GAP_ID_FIELD": "compound_id",
        "GAP_NAME_FIELD": "name",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
        "FACILITIES": f"{city}|layername=facilities",
        "TYPE_FIELD": "type",
        "NETWORK": f"{city}|layername=roads",
        "SCORES": earlier["rubric_score"]["OUTPUT"],
        "TITLE": "Benchmark city",
        "OUTPUT": str(out_dir / "map_book.pdf"),
    }


SAMPLE = REPO_ROOT / "sample" / "nanjing_xuanwu.gpkg"


def _sample_map_book_parameters(
    city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    """The bundled sample's map book (``make demo``'s): its gap result and scores are made
    first, in this process and untimed, as the demo's model makes them."""
    import processing

    layer = f"{SAMPLE}|layername={{}}".format
    gaps, scores = str(out_dir / "sample_gaps.gpkg"), str(out_dir / "sample_scores.gpkg")
    for path in (gaps, scores):
        Path(path).unlink(missing_ok=True)
    processing.run(
        "completecommunity:facilitygap",
        {
            "UNITS": layer("compounds"),
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": layer("facilities"),
            "TYPE_FIELD": "类型",
            "NETWORK": layer("roads"),
            "SNAP_TOLERANCE": 150,
            "OUTPUT": gaps,
            "SUMMARY": "TEMPORARY_OUTPUT",
        },
    )
    processing.run(
        "completecommunity:rubricscore",
        {
            "COMMUNITIES": layer("communities"),
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_NAME_FIELD": "name",
            "GAPS": gaps,
            "GAP_ID_FIELD": "compound_id",
            "GAP_COMMUNITY_FIELD": "community_id",
            "GAP_POPULATION_FIELD": "population",
            "OUTPUT": scores,
            "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
        },
    )
    made = {"facility_gap": {"OUTPUT": gaps}, "rubric_score": {"OUTPUT": scores}}
    return {
        **_map_book_parameters(SAMPLE, out_dir, made),
        "TYPE_FIELD": "类型",
        "TITLE": "南京市玄武区（示例）",
        "OUTPUT": str(out_dir / "sample_map_book.pdf"),
    }


_GAP_ADAPTER = f"{PLUGIN_NAME}.processing.algorithms.facility_gap"
_GAP_DOMAIN = f"{PLUGIN_NAME}.scoring.gap"
#: Where the walking network is read and its graph built (``read_network_inputs``).
_NETWORK = f"{PLUGIN_NAME}.processing.network_inputs"
_LINES = f"{PLUGIN_NAME}.processing.network_lines"
_DEM = f"{PLUGIN_NAME}.processing.dem"
_WALKING = f"{PLUGIN_NAME}.scoring.network.walking_time"
_REACH = f"{PLUGIN_NAME}.scoring.network.reach"
_SHARING = f"{PLUGIN_NAME}.scoring.provision.reach"
_PROVISION_INPUTS = f"{PLUGIN_NAME}.processing.provision_inputs"
_TIERED = f"{PLUGIN_NAME}.processing.algorithms.tiered_provision"
_TIERED_CLASS = f"{_TIERED}:TieredProvisionAlgorithm"
_SCORING = f"{PLUGIN_NAME}.processing.community_scoring"
_SCORING_CLASS = f"{_SCORING}:CommunityScoringAlgorithm"
_RUBRIC_CLASS = f"{PLUGIN_NAME}.processing.algorithms.rubric_score:RubricScoreAlgorithm"
_WORKBOOK = f"{PLUGIN_NAME}.processing.algorithms.export_workbook"
_SHEETS = f"{PLUGIN_NAME}.scoring.workbook.sheets"
_PACKAGE = f"{PLUGIN_NAME}.scoring.workbook.xlsx.package"
_BOOK = f"{PLUGIN_NAME}.processing.maps.book"
_BOOK_EXPORT = f"{PLUGIN_NAME}.processing.maps.book_export"
#: The map book: reading the layers into records, planning the pages, the memory layers,
#: their styles, the layout, and the PDF export page by page.
_BOOK_PROBES = (
    Probe(f"{_BOOK}:read_book", ("read",)),
    Probe(f"{_BOOK}:plan_book", ("plan",)),
    Probe(f"{_BOOK}:make_layers", ("layers",)),
    Probe(f"{_BOOK}:_style", ("styles",)),
    Probe(f"{_BOOK}:build_layout", ("layout",)),
    Probe(f"{_BOOK_EXPORT}:_export_pdf", ("pdf",)),
)
_BOOK_STAGES = ("read", "plan", "layers", "styles", "layout", "pdf", "other")

_SITES = f"{PLUGIN_NAME}.processing.algorithms.suggest_sites"
_SITING_INPUTS = f"{PLUGIN_NAME}.processing.siting_inputs"
_SITING_OUTPUTS = f"{PLUGIN_NAME}.processing.siting_outputs:SiteReport"
_SUGGEST = f"{PLUGIN_NAME}.scoring.siting.suggest"
_SOLVER = f"{PLUGIN_NAME}.scoring.siting.solve:Solver"

#: What both scoring algorithms time of the shared reading and scoring
#: (``processing/community_scoring.py``).
_SCORING_PROBES = (
    Probe(f"{_SCORING}:load_rubric", ("load_rubric",)),
    Probe(f"{_SCORING_CLASS}.read_communities", ("read_communities",)),
    Probe(f"{_SCORING_CLASS}.read_gaps", ("read_gaps",)),
    Probe(f"{_SCORING_CLASS}.read_provision", ("read_provision",)),
    Probe(f"{_SCORING}:compute_indicators", ("indicators",)),
    Probe(f"{_SCORING_CLASS}.read_manual", ("read_manual",)),
    Probe(f"{_SCORING}:score_all", ("scoring",)),
)
_SCORING_STAGES = (
    "load_rubric",
    "read_communities",
    "read_gaps",
    "read_provision",
    "indicators",
    "read_manual",
    "scoring",
)
#: The workbook: its rows (``workbook_data``: the gap table and the units' deficits) and the
#: writing (``write_workbooks``) sheet by sheet — each streams into the .xlsx as it is made —
#: then the parts written last (shared strings, styles, the workbook part: ``finish_xlsx``).
_WORKBOOK_PROBES = (
    *_SCORING_PROBES,
    Probe(f"{_WORKBOOK}:ExportWorkbookAlgorithm.workbook_data", ("rows",)),
    Probe(f"{_WORKBOOK}:gap_table", ("gap_table",), parent="rows"),
    Probe(f"{_WORKBOOK}:deficit_list", ("deficit_rows",), parent="rows"),
    Probe(f"{_WORKBOOK}:write_workbooks", ("write_workbook",)),
    Probe(f"{_SHEETS}:write_summary", ("sheet_summary",), parent="write_workbook"),
    Probe(f"{_SHEETS}:write_coverage", ("sheet_coverage",), parent="write_workbook"),
    Probe(f"{_SHEETS}:write_gaps", ("sheet_gap_list",), parent="write_workbook"),
    Probe(f"{_SHEETS}:write_deficits", ("sheet_deficits",), parent="write_workbook"),
    Probe(f"{_SHEETS}:write_about", ("sheet_about",), parent="write_workbook"),
    Probe(f"{_SHEETS}:write_forms", ("sheet_forms",), parent="write_workbook"),
    Probe(f"{_PACKAGE}:Package.close", ("finish_xlsx",), parent="write_workbook"),
)
_WORKBOOK_STAGES = (
    *_SCORING_STAGES,
    "gap_table",
    "deficit_rows",
    "rows (rest)",
    "sheet_summary",
    "sheet_coverage",
    "sheet_gap_list",
    "sheet_deficits",
    "sheet_about",
    "sheet_forms",
    "finish_xlsx",
    "write_workbook (rest)",
    "other",
)

#: What walking time adds to a run's stages (DESIGN §4b), all within ``walking_graph``: which
#: lines are stairs, bridges or lifts (``line_kinds``), the DEM's window read under the
#: network's nodes in its CRS (``read_dem``: reprojecting the nodes and reading the cells), the
#: walking engine (``walking_costs``: the DEM sampled every 10 m along every edge and each edge
#: priced both ways) and the rest (the directed graph's two adjacencies, the log's notes).
_WALKING_PROBES = (
    Probe(f"{_LINES}:read_line_kinds", ("line_kinds",), parent="walking_graph"),
    Probe(f"{_DEM}:points_in_dem_crs", ("read_dem",), parent="walking_graph"),
    Probe(f"{_DEM}:read_window", ("read_dem",), parent="walking_graph"),
    Probe(f"{_NETWORK}:_walking_graph", ("walking_graph",)),
    Probe(f"{_WALKING}:walking_costs", ("walking_costs",), parent="walking_graph"),
)
_WALKING_STAGES = ("line_kinds", "read_dem", "walking_costs", "walking_graph (rest)")

_GAP_PROBES = (
    Probe(f"{_GAP_ADAPTER}:read_points", ("read_units", "read_facilities")),
    Probe(f"{_NETWORK}:read_lines", ("read_network",)),
    Probe(f"{_NETWORK}:build_graph", ("build_graph",)),
    Probe(f"{_GAP_ADAPTER}:analyse_gaps", ("analyse",)),
    Probe(f"{_GAP_DOMAIN}:snap_points", ("snap",), parent="analyse"),
    Probe(f"{_GAP_DOMAIN}:on_island", ("snap",), parent="analyse"),
    Probe(f"{_GAP_DOMAIN}:nearest", ("search",), parent="analyse"),
    Probe(f"{_GAP_ADAPTER}:FacilityGapAlgorithm.write_units", ("write_units",)),
    Probe(f"{_GAP_ADAPTER}:FacilityGapAlgorithm.write_summary", ("write_summary",)),
)
_GAP_STAGES = (
    "read_units",
    "read_facilities",
    "read_network",
    "build_graph",
    *_WALKING_STAGES,
    "snap",
    "search",
    "analyse (rest)",
    "write_units",
    "write_summary",
    "other",
)
_TIERED_PROBES = (
    Probe(
        f"{_PROVISION_INPUTS}:read_points",
        ("read_districts", "read_communities", "read_compounds", "read_facilities"),
        parent=("", "", "", "facilities"),
    ),
    # Reading the facilities and finding the district, community and compound of each.
    Probe(f"{_TIERED}:read_facilities", ("facilities",)),
    Probe(f"{_TIERED}:parents_of", ("parents",)),
    Probe(f"{_TIERED}:report_overlaps", ("overlaps",)),
    Probe(f"{_NETWORK}:read_lines", ("read_network",)),
    Probe(f"{_NETWORK}:build_graph", ("build_graph",)),
    Probe(f"{_TIERED_CLASS}.sharing", ("reach",)),
    Probe(f"{_SHARING}:snap_points", ("snap",), parent="reach"),
    Probe(f"{_REACH}:pairs_within", ("pairs",), parent="reach"),
    Probe(f"{_REACH}:network_pair_costs", ("search",), parent="reach"),
    Probe(f"{_TIERED_CLASS}.run_domain", ("provision",)),
    Probe(f"{_TIERED_CLASS}.write_table", ("write_table",)),
    Probe(f"{_TIERED_CLASS}.write_sharing", ("write_sharing",)),
    Probe(f"{_TIERED}:write_tier", ("write_tiers",)),
)
_TIERED_STAGES = (
    "read_districts",
    "read_communities",
    "read_compounds",
    "read_facilities",
    "facilities (rest)",
    "parents",
    "overlaps",
    "read_network",
    "build_graph",
    *_WALKING_STAGES,
    "snap",
    "pairs",
    "search",
    "reach (rest)",
    "provision",
    "write_table",
    "write_sharing",
    "write_tiers",
    "other",
)

ALGORITHMS: Tuple[BenchAlgorithm, ...] = (
    BenchAlgorithm(
        key="facility_gap",
        algorithm_id="completecommunity:facilitygap",
        title="Facility gap (`completecommunity:facilitygap`, 36 facility types)",
        parameters=_facility_gap_parameters,
        probes=_GAP_PROBES,
        stage_order=_GAP_STAGES,
    ),
    BenchAlgorithm(
        key="facility_gap_time",
        algorithm_id="completecommunity:facilitygap",
        title="Facility gap in walking time (`completecommunity:facilitygap`, MEASURE 1, the "
        "city's DEM, stairs, bridges and lifts)",
        parameters=_facility_gap_time_parameters,
        probes=(*_GAP_PROBES, *_WALKING_PROBES),
        stage_order=_GAP_STAGES,
    ),
    BenchAlgorithm(
        key="tiered_provision",
        algorithm_id="completecommunity:tieredprovision",
        title="Tiered provision (`completecommunity:tieredprovision`, district – community – "
        "compound)",
        parameters=_tiered_provision_parameters,
        probes=_TIERED_PROBES,
        stage_order=_TIERED_STAGES,
    ),
    BenchAlgorithm(
        key="tiered_provision_time",
        algorithm_id="completecommunity:tieredprovision",
        title="Tiered provision in walking time (`completecommunity:tieredprovision`, MEASURE 1, "
        "the sharing reach walked on the city's hills)",
        parameters=_tiered_provision_time_parameters,
        probes=(*_TIERED_PROBES, *_WALKING_PROBES),
        stage_order=_TIERED_STAGES,
    ),
    BenchAlgorithm(
        key="suggest_sites",
        algorithm_id="completecommunity:suggestsites",
        title=f"Site suggestion (`completecommunity:suggestsites`, {SITES_TYPE}, one candidate "
        f"per ten compounds, k = {SITES_K})",
        parameters=_suggest_sites_parameters,
        probes=(
            Probe(f"{_GAP_ADAPTER}:read_points", ("read_units", "read_facilities")),
            Probe(f"{_SITING_INPUTS}:read_points", ("read_candidates",)),
            Probe(f"{_NETWORK}:read_lines", ("read_network",)),
            Probe(f"{_NETWORK}:build_graph", ("build_graph",)),
            Probe(f"{_SUGGEST}:analyse_gaps", ("gap",)),
            Probe(f"{_SUGGEST}:snap_points", ("snap_candidates",)),
            Probe(f"{_SUGGEST}:coverage_pairs", ("coverage",)),
            Probe(f"{_SOLVER}.maximal_coverage", ("solve", "curve_solves"), parent=("", "curve")),
            Probe(f"{_SOLVER}.fewest_sites", ("solve",)),
            Probe(f"{_SOLVER}.curve", ("curve",)),
            Probe(f"{_SITING_OUTPUTS}.write_sites", ("write_sites",)),
            Probe(f"{_SITING_OUTPUTS}.write_units", ("write_units",)),
            Probe(f"{_SITING_OUTPUTS}.write_curve", ("write_curve",)),
        ),
        stage_order=(
            "read_units",
            "read_facilities",
            "read_candidates",
            "read_network",
            "build_graph",
            "gap",
            "snap_candidates",
            "coverage",
            "solve",
            "curve_solves",
            "curve (rest)",
            "write_sites",
            "write_units",
            "write_curve",
            "other",
        ),
    ),
    # Scoring and the workbook read the outputs of the two analyses above (``earlier``). They
    # build no walking graph, so the session re-run is not measured.
    BenchAlgorithm(
        key="rubric_score",
        algorithm_id="completecommunity:rubricscore",
        title="Rubric scoring (`completecommunity:rubricscore`, every community)",
        parameters=_rubric_score_parameters,
        probes=(
            *_SCORING_PROBES,
            Probe(f"{_RUBRIC_CLASS}.write_points", ("write_points",)),
            Probe(f"{_RUBRIC_CLASS}.write_communities", ("write_communities",)),
        ),
        stage_order=(*_SCORING_STAGES, "write_points", "write_communities", "other"),
        rerun=False,
    ),
    BenchAlgorithm(
        key="workbook_export",
        algorithm_id="completecommunity:exportworkbook",
        title="Evaluation workbook (`completecommunity:exportworkbook`, one workbook: summary, "
        "coverage, gap list, provision deficits, about, and an evaluation form per community)",
        parameters=_workbook_export_parameters,
        probes=_WORKBOOK_PROBES,
        stage_order=_WORKBOOK_STAGES,
        rerun=False,
    ),
    BenchAlgorithm(
        key="workbook_lists",
        algorithm_id="completecommunity:exportworkbook",
        title="Evaluation workbook, summary and lists (`completecommunity:exportworkbook`, "
        "SPLIT_BY 2: summary, coverage, gap list, provision deficits and about over every "
        "community, the evaluation form of one community)",
        parameters=_workbook_lists_parameters,
        probes=_WORKBOOK_PROBES,
        stage_order=_WORKBOOK_STAGES,
        rerun=False,
    ),
    BenchAlgorithm(
        key="map_book",
        algorithm_id="completecommunity:exportatlas",
        title="Map book (`completecommunity:exportatlas`: an overview and a page per "
        "community, A4 PDF; not on L, whose 2,001 pages take about half an hour)",
        parameters=_map_book_parameters,
        probes=_BOOK_PROBES,
        stage_order=_BOOK_STAGES,
        rerun=False,
        sizes=("XS", "S", "M"),
    ),
    BenchAlgorithm(
        key="map_book_sample",
        algorithm_id="completecommunity:exportatlas",
        title="Map book of the bundled sample (`make demo`'s `output/demo/map_book.pdf`, "
        "measured once, with the S city)",
        parameters=_sample_map_book_parameters,
        probes=_BOOK_PROBES,
        stage_order=_BOOK_STAGES,
        rerun=False,
        sizes=("S",),
    ),
)

#: The steps of issue 9's whole-chain target (gap → provision → scoring → workbook ≤ 90 s on
#: L), in order, as keys of :data:`ALGORITHMS`. A step without an entry yet is reported as not
#: measured, with the hint given here; adding its entry is all it takes to count it.
CHAIN: Tuple[Tuple[str, str], ...] = (
    ("facility_gap", "completecommunity:facilitygap"),
    ("tiered_provision", "completecommunity:tieredprovision"),
    ("rubric_score", "completecommunity:rubricscore (reads the gap and provision outputs)"),
    ("workbook_export", "completecommunity:exportworkbook (the evaluation workbook)"),
)
#: The chain once more with the workbook written as its summary and lists over every community
#: and a single evaluation form (SPLIT_BY 2) — the target's "workbook with summary and gap
#: list" — instead of one form per community (the evaluation model's workbook). There is no
#: mode without any form: the chosen mode needs at least one community.
CHAIN_LISTS_WORKBOOK: Mapping[str, str] = {"workbook_export": "workbook_lists"}


# --------------------------------------------------------------------------------------------
# Inside a measuring process: QGIS, the plugin, timing wrappers
# --------------------------------------------------------------------------------------------


def _link_plugin_folder() -> None:
    """``build/plugins/complete_community -> ../..`` (as tests/conftest.py does), on sys.path."""
    PLUGINS_DIR.mkdir(parents=True, exist_ok=True)
    link = PLUGINS_DIR / PLUGIN_NAME
    if not (link.is_symlink() and os.readlink(link) == "../.."):
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to("../..", target_is_directory=True)
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))


_KEEP_ALIVE: List[Any] = []


def start_qgis():
    """A headless QGIS with Processing and this plugin's provider; returns the application."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _link_plugin_folder()
    for candidate in QGIS_PLUGIN_PATHS:
        if Path(candidate, "processing").is_dir() and candidate not in sys.path:
            sys.path.append(candidate)
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    plugin_module = importlib.import_module(PLUGIN_NAME)
    plugin = plugin_module.classFactory(None)
    plugin.initProcessing()
    _KEEP_ALIVE.extend([application, plugin])  # the provider lives as long as the plugin
    return application


class StageClock:
    """Accumulates wall time per stage from wrapped functions."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = {}
        self.calls: Dict[str, List[float]] = {}
        self.parent_of: Dict[str, str] = {}
        self.graph_size: Dict[str, int] = {}
        self._counters: List[Dict[str, int]] = []

    def wrap(self, probe: Probe, function: Callable) -> Callable:
        counter = {"calls": 0}

        @functools.wraps(function)
        def timed(*args, **kwargs):
            index = min(counter["calls"], len(probe.stages) - 1)
            counter["calls"] += 1
            stage = probe.stages[index]
            started = time.perf_counter()
            try:
                return self._observe(function(*args, **kwargs))
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed
                self.calls.setdefault(stage, []).append(elapsed)
                if probe.parent_of(index):
                    self.parent_of[stage] = probe.parent_of(index)

        self._counters.append(counter)
        return timed

    def reset(self) -> None:
        """Forget the times so far (between the runs of one process)."""
        self.seconds, self.calls, self.parent_of = {}, {}, {}
        for counter in self._counters:
            counter["calls"] = 0

    def _observe(self, value):
        """Note the graph's size when a wrapped function returns one."""
        if hasattr(value, "n_edges") and hasattr(value, "n_nodes"):
            self.graph_size = {"edges": int(value.n_edges), "nodes": int(value.n_nodes)}
        return value

    def install(self, probes: Sequence[Probe]) -> None:
        for probe in probes:
            module_name, attribute_path = probe.target.split(":")
            owner: Any = importlib.import_module(module_name)
            *owners, attribute = attribute_path.split(".")
            for name in owners:
                owner = getattr(owner, name)
            timed = self.wrap(probe, getattr(owner, attribute))
            if isinstance(inspect.getattr_static(owner, attribute), staticmethod):
                timed = staticmethod(timed)  # else the class would hand it ``self``
            setattr(owner, attribute, timed)

    def stages(self, total: float) -> Dict[str, float]:
        """Exclusive stage times: nested stages are taken out of their parent, and ``other``
        is what the algorithm spent outside every probe (parameters, layers, messages)."""
        result = dict(self.seconds)
        for stage, parent in self.parent_of.items():
            if parent in result:
                result[parent] -= self.seconds[stage]
        for parent in set(self.parent_of.values()):
            if parent in result:
                result[f"{parent} (rest)"] = result.pop(parent)
        top_level = sum(
            seconds for stage, seconds in self.seconds.items() if stage not in self.parent_of
        )
        result["other"] = max(total - top_level, 0.0)
        return result


def peak_memory_mb() -> float:
    """Peak resident memory of this process.

    On Linux the high-water mark of ``/proc/self/status`` (VmHWM): ``ru_maxrss`` of a child
    carries over its parent's resident size at the fork, so a measuring child started after the
    parent generated a large city would report the generator's peak. Elsewhere ``ru_maxrss``
    (bytes on macOS, KiB otherwise)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure_algorithm(
    key: str, city: Path, out_dir: Path, earlier: EarlierOutputs
) -> Dict[str, Any]:
    """Run one algorithm, in this (fresh) process, with its stages timed; then, when the entry
    asks for it, again in the same session on the unchanged files (the caches' re-run) and once
    more with the session caches emptied (warm, but nothing kept from before)."""
    entry = {algorithm.key: algorithm for algorithm in ALGORITHMS}[key]
    start_qgis()
    caches = importlib.import_module(f"{PLUGIN_NAME}.processing.graph_cache")
    clock = StageClock()
    clock.install(entry.probes)
    out_dir.mkdir(parents=True, exist_ok=True)
    parameters = entry.parameters(city, out_dir, earlier)
    baseline = peak_memory_mb()
    first = _timed_run(entry, parameters, out_dir, clock)
    answer = {
        "algorithm": entry.algorithm_id,
        **first,
        "graph": clock.graph_size,
        "peak_memory_mb": peak_memory_mb(),
        "baseline_memory_mb": baseline,
    }
    if entry.rerun:
        before = {name: _hits(getattr(caches, name)) for name in ("GRAPHS", "POINTS")}
        second = _timed_run(entry, parameters, out_dir, clock)
        answer["rerun"] = {
            **second,
            "graph_reused": _hits(caches.GRAPHS) > before["GRAPHS"],
            "points_reused": _hits(caches.POINTS) - before["POINTS"],
        }
        caches.GRAPHS.clear()
        caches.POINTS.clear()
        answer["warm"] = _timed_run(entry, parameters, out_dir, clock)
    return answer


def _hits(cache) -> int:
    return int(getattr(cache, "hits", 0))


def _timed_run(
    entry: BenchAlgorithm, parameters: Dict[str, Any], out_dir: Path, clock: StageClock
) -> Dict[str, Any]:
    """One ``processing.run`` from scratch outputs: total, stages and search calls."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback

    import processing

    # Only the outputs: a chained step's inputs are earlier steps' files in the same folder.
    algorithm = QgsApplication.processingRegistry().algorithmById(entry.algorithm_id)
    for definition in algorithm.destinationParameterDefinitions():
        value = parameters.get(definition.name())
        if isinstance(value, str) and value.startswith(str(out_dir)):
            Path(value).unlink(missing_ok=True)
    clock.reset()
    started = time.perf_counter()
    outputs = processing.run(
        entry.algorithm_id,
        parameters,
        context=QgsProcessingContext(),
        feedback=QgsProcessingFeedback(),
    )
    total = time.perf_counter() - started
    searches = clock.calls.get("search", [])
    return {
        "total_seconds": total,
        "stages": clock.stages(total),
        "search_calls": len(searches),
        "search_max_seconds": max(searches, default=0.0),
        "stage_calls": {stage: len(calls) for stage, calls in clock.calls.items()},
        "outputs": {name: str(value) for name, value in outputs.items()},
        "workbook_sheets": workbook_sheets(outputs.get("OUTPUT")),
    }


def workbook_sheets(output: Any) -> Optional[int]:
    """How many sheets the .xlsx workbook an algorithm wrote holds (its lists and one
    evaluation form per community given one), counted in the file; None for any other output."""
    if not (isinstance(output, str) and output.lower().endswith(".xlsx")):
        return None
    with zipfile.ZipFile(output) as workbook:
        return workbook.read("xl/workbook.xml").decode("utf-8").count("<sheet ")


# --------------------------------------------------------------------------------------------
# Inside a measuring process: the QGIS-native workflow and the comparison
# --------------------------------------------------------------------------------------------


def measure_native(city: Path, ours: Path, out_dir: Path) -> Dict[str, Any]:
    """Per facility type: ``native:serviceareafromlayer`` from the facilities that serve it,
    then which compounds' nearest network positions lie on the reached lines; compared with
    our ``ok_T`` compound by compound."""
    start_qgis()
    from processing.tools import dataobjects
    from qgis.core import QgsProcessingFeedback, QgsVectorLayer

    standard = importlib.import_module(f"{PLUGIN_NAME}.scoring.standard").load_standard()
    roads = QgsVectorLayer(f"{city}|layername=roads", "roads", "ogr")
    compounds = QgsVectorLayer(f"{city}|layername=compounds", "compounds", "ogr")
    present = _facility_type_counts(city)

    started = time.perf_counter()
    unit_ids, unit_points, network_distance = _compound_positions(roads, compounds)
    join_seconds = time.perf_counter() - started
    native: Dict[str, List[bool]] = {}
    per_type: Dict[str, float] = {}
    feedback = QgsProcessingFeedback()
    # Processing's own context (with the project): the native algorithm crashes without one.
    context = dataobjects.createContext(feedback)
    for kind in standard.types:
        serving = [code for code in standard.satisfiers(kind.code) if present.get(code)]
        if not serving:
            native[kind.code] = [False] * len(unit_ids)
            continue
        type_started = time.perf_counter()
        native[kind.code] = _native_coverage(
            city,
            roads,
            serving,
            float(kind.radius_m),
            unit_points,
            network_distance,
            context,
            feedback,
        )
        per_type[kind.code] = time.perf_counter() - type_started
    native_seconds = time.perf_counter() - started

    comparison = _compare(ours, unit_ids, native)
    comparison.update(
        _compare_without_connectors(city, roads, compounds, standard, present, native)
    )
    return {
        "native_seconds": native_seconds,
        "native_join_seconds": join_seconds,
        "native_types_run": len(per_type),
        "native_slowest_type": max(per_type.items(), key=lambda item: item[1])
        if per_type
        else None,
        "peak_memory_mb": peak_memory_mb(),
        **comparison,
    }


def _facility_type_counts(city: Path) -> Dict[str, int]:
    from osgeo import ogr

    ogr.UseExceptions()
    data_source = ogr.Open(str(city))
    layer = data_source.ExecuteSQL('SELECT "type", COUNT(*) FROM facilities GROUP BY "type"')
    counts = {feature.GetField(0): feature.GetField(1) for feature in layer}
    data_source.ReleaseResultSet(layer)
    return counts


def _compound_positions(roads, compounds):
    """Each compound's point on surface and its distance to the nearest road line."""
    from qgis.core import QgsGeometry, QgsSpatialIndex

    index = QgsSpatialIndex(
        roads.getFeatures(), flags=QgsSpatialIndex.Flag.FlagStoreFeatureGeometries
    )
    ids, points, distance = [], [], []
    for feature in compounds.getFeatures():
        point = feature.geometry().pointOnSurface()
        nearest = index.nearestNeighbor(point.asPoint(), 1)
        distance.append(index.geometry(nearest[0]).distance(point) if nearest else float("inf"))
        ids.append(feature["compound_id"])
        points.append(QgsGeometry(point))
    return ids, points, distance


def _native_coverage(
    city, roads, serving, radius, unit_points, network_distance, context, feedback
) -> List[bool]:
    from qgis.core import QgsProcessingUtils, QgsSpatialIndex, QgsVectorLayer

    import processing

    quoted = ", ".join("'" + code + "'" for code in serving)
    starts = QgsVectorLayer(f"{city}|layername=facilities", "starts", "ogr")
    starts.setSubsetString(f'"type" IN ({quoted})')
    result = processing.run(
        "native:serviceareafromlayer",
        {
            "INPUT": roads,
            "STRATEGY": 0,
            "DEFAULT_DIRECTION": 2,
            "TOLERANCE": 0,
            "START_POINTS": starts,
            "TRAVEL_COST2": radius,
            "INCLUDE_BOUNDS": False,
            "OUTPUT_LINES": "TEMPORARY_OUTPUT",
            # 3.22 crashes when this sink is left out, although INCLUDE_BOUNDS is off.
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
        context=context,
        feedback=feedback,
    )
    lines = result["OUTPUT_LINES"]
    if isinstance(lines, str):
        lines = QgsProcessingUtils.mapLayerFromString(lines, context)
    index = QgsSpatialIndex(
        lines.getFeatures(), flags=QgsSpatialIndex.Flag.FlagStoreFeatureGeometries
    )
    covered = []
    for point, distance in zip(unit_points, network_distance):
        reach = distance + NATIVE_EPSILON
        hits = index.nearestNeighbor(point.asPoint(), 1, reach)
        covered.append(any(index.geometry(hit).distance(point) <= reach for hit in hits))
    return covered


def _compare(ours: Path, unit_ids: List[str], native: Mapping[str, List[bool]]) -> Dict[str, Any]:
    """Agreement of our ok_T with the native coverage, over every (compound, type) pair."""
    from osgeo import ogr

    ogr.UseExceptions()
    data_source = ogr.Open(str(ours))
    layer = data_source.GetLayer(0)
    ok = {feature.GetField("compound_id"): feature for feature in layer}
    same = only_ours = only_native = 0
    per_type = {}
    for code, covered in native.items():
        agree = 0
        for unit, native_covered in zip(unit_ids, covered):
            ours_covered = bool(ok[unit].GetField(f"ok_{code}"))
            agree += ours_covered == native_covered
            only_ours += ours_covered and not native_covered
            only_native += native_covered and not ours_covered
        same += agree
        per_type[code] = agree / max(len(unit_ids), 1)
    pairs = len(unit_ids) * len(native)
    return {
        "pairs": pairs,
        "agreement": same / max(pairs, 1),
        "covered_only_by_ours": only_ours,
        "covered_only_by_native": only_native,
        "agreement_by_type": per_type,
    }


def _compare_without_connectors(city, roads, compounds, standard, present, native):
    """Our engine with every connector set to 0 m (the native tools' convention), compared with
    the native coverage: what is left of the disagreement once the connectors are taken out."""
    import numpy as np

    network = importlib.import_module(f"{PLUGIN_NAME}.scoring.network")
    lines = [
        np.array([(p.x(), p.y()) for p in part], dtype=float)
        for feature in roads.getFeatures()
        for part in (
            feature.geometry().asMultiPolyline()
            if feature.geometry().isMultipart()
            else [feature.geometry().asPolyline()]
        )
    ]
    graph = network.build_graph(lines)
    unit_xy = np.array(
        [
            (point.x(), point.y())
            for point in (f.geometry().pointOnSurface().asPoint() for f in compounds.getFeatures())
        ]
    )
    from osgeo import ogr

    data_source = ogr.Open(str(city))
    facility_rows = [
        (f.GetField("type"), f.GetGeometryRef().GetX(), f.GetGeometryRef().GetY())
        for f in data_source.GetLayerByName("facilities")
    ]
    facility_type = np.array([row[0] for row in facility_rows])
    facility_xy = np.array([row[1:] for row in facility_rows], dtype=float)
    units = _without_connector(network.snap_points(graph, unit_xy, 1e9))
    facilities = _without_connector(network.snap_points(graph, facility_xy, 1e9))
    same = pairs = 0
    for kind in standard.types:
        serving = np.isin(facility_type, list(standard.satisfiers(kind.code)))
        if serving.any():
            distance = network.nearest_distances(
                graph, facilities.take(serving), units, float(kind.radius_m)
            )
            covered = np.isfinite(distance)
        else:
            covered = np.zeros(unit_xy.shape[0], dtype=bool)
        same += int(np.count_nonzero(covered == np.array(native[kind.code], dtype=bool)))
        pairs += unit_xy.shape[0]
    return {"agreement_without_connectors": same / max(pairs, 1)}


def _without_connector(snaps):
    import dataclasses

    import numpy as np

    return dataclasses.replace(snaps, connector=np.where(snaps.joined, 0.0, snaps.connector))


# --------------------------------------------------------------------------------------------
# The driver: one fresh process per measurement, then the report
# --------------------------------------------------------------------------------------------


def ensure_city(size: str, work_dir: Path, regenerate: bool) -> Tuple[Path, Dict[str, str]]:
    path = work_dir / f"city_{size}.gpkg"
    meta = generate_city.read_meta(path)
    fresh = (
        meta.get("generator_version") == generate_city.GENERATOR_VERSION
        and meta.get("seed") == str(generate_city.DEFAULT_SEED)
        and meta.get("size") == size
        and generate_city.dem_path(path).exists()
    )
    timing = path.with_suffix(".timing.json")
    if regenerate or not fresh:
        print(f"[{size}] generating the city …", flush=True)
        started = time.perf_counter()
        meta = generate_city.generate(size, path)
        meta["generate_seconds"] = f"{time.perf_counter() - started:.3f}"
        timing.write_text(json.dumps(meta), encoding="utf-8")
        meta["generated_now"] = "yes"
        _let_settle(path)
    else:
        if timing.exists():  # the generation time of the reused file
            meta = dict(json.loads(timing.read_text(encoding="utf-8")), **meta)
        meta["generated_now"] = "no (reused)"
        if _leave_wal_mode(path):
            _let_settle(path)
    return path, meta


def _leave_wal_mode(path: Path) -> bool:
    """Put a GeoPackage left in SQLite's WAL journal mode back into the default mode; True when
    that changed the file.

    The native workflow's run leaves the city in WAL mode, and the next reader's SQLite turns
    it back, rewriting the file's header: done in the middle of a measured run, that new
    modification time would (rightly) make the session caches distrust the file.
    """
    with open(path, "rb") as file:
        header = file.read(20)
    if len(header) < 20 or header[18:20] != bytes((2, 2)):  # write/read versions 2 = WAL
        return False
    connection = sqlite3.connect(str(path))
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    return True


def _let_settle(path: Path) -> None:
    """Wait until the new files (the city and its DEM) are older than the session caches' trust
    limit, so that the re-run measures the cache rather than a file too fresh to be trusted."""
    files = [path, generate_city.dem_path(path)]
    newest = max(file.stat().st_mtime for file in files if file.exists())
    wait = SETTLE_SECONDS - (time.time() - newest)
    if wait > 0:
        time.sleep(wait)


def run_child(arguments: List[str], timeout: float) -> Dict[str, Any]:
    """Run this script as a measuring child process; its JSON answer is the last stdout line."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=environment
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(
            f"measuring process failed ({' '.join(arguments)}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return json.loads(lines[-1])


def _measure_child(
    algorithm: BenchAlgorithm,
    city: Path,
    out_dir: Path,
    earlier: EarlierOutputs,
    timeout: float,
) -> Dict[str, Any]:
    return run_child(
        [
            "--measure",
            algorithm.key,
            "--city",
            str(city),
            "--out-dir",
            str(out_dir),
            "--earlier",
            json.dumps(earlier),
        ],
        timeout=timeout,
    )


def _median_of_repeats(first, arguments, algorithm, city, out_dir, earlier) -> Dict[str, Any]:
    """A short run measured again in fresh processes; the run with the median total is kept
    (a fraction of a second varies by a third between processes: disk cache, first imports)."""
    answers = [first] + [
        _measure_child(algorithm, city, out_dir, earlier, arguments.timeout)
        for _ in range(arguments.repeats - 1)
    ]
    answers.sort(key=lambda answer: answer["total_seconds"])
    median = answers[len(answers) // 2]
    median["repeat_totals"] = [answer["total_seconds"] for answer in answers]
    return median


def native_estimate(size_row: Dict[str, Any], reference: Optional[Dict[str, Any]]) -> float:
    """Native time of a size estimated from a measured one: one search per facility over the
    whole network, so it grows with facilities × edges."""
    if reference is None or "native" not in reference:
        return 0.0
    scale = (size_row["facilities"] / reference["facilities"]) * (
        size_row["edges"] / reference["edges"]
    )
    return reference["native"]["native_seconds"] * scale


def benchmark(arguments: argparse.Namespace) -> Dict[str, Any]:
    # Absolute: later steps read the earlier steps' outputs by these paths.
    work_dir: Path = arguments.work_dir.resolve()
    rows: List[Dict[str, Any]] = []
    reference = None
    for size in arguments.sizes:
        city, meta = ensure_city(size, work_dir, arguments.regenerate)
        out_dir = work_dir / f"out_{size}"
        row: Dict[str, Any] = {
            "size": size,
            "city": str(city),
            "generation": meta,
            "compounds": int(meta["compounds"]),
            "communities": int(meta["communities"]),
            "facilities": int(meta["facilities"]),
            "algorithms": {},
        }
        earlier: Dict[str, Dict[str, str]] = {}
        for algorithm in ALGORITHMS:
            if algorithm.sizes and size not in algorithm.sizes:
                continue
            print(f"[{size}] {algorithm.algorithm_id} ({algorithm.key}) …", flush=True)
            answer = _measure_child(algorithm, city, out_dir, earlier, arguments.timeout)
            if answer["total_seconds"] < REPEAT_BELOW_SECONDS and arguments.repeats > 1:
                answer = _median_of_repeats(answer, arguments, algorithm, city, out_dir, earlier)
            row["algorithms"][algorithm.key] = answer
            earlier[algorithm.key] = answer["outputs"]
        gap = row["algorithms"]["facility_gap"]
        row["edges"] = gap["graph"].get("edges", 0)
        row["gap_us_per_edge"] = 1e6 * gap["total_seconds"] / max(row["edges"], 1)
        if size in arguments.native_sizes:
            estimate = native_estimate(row, reference)
            if estimate > arguments.native_budget:
                row["native_skipped"] = (
                    f"estimated {estimate:.0f} s from {reference['size']} "
                    f"(budget {arguments.native_budget:.0f} s)"
                )
                print(f"[{size}] native workflow skipped: {row['native_skipped']}", flush=True)
            else:
                print(f"[{size}] QGIS-native workflow …", flush=True)
                row["native"] = run_child(
                    [
                        "--measure-native",
                        "--city",
                        str(city),
                        "--ours",
                        gap["outputs"]["OUTPUT"],
                        "--out-dir",
                        str(out_dir),
                    ],
                    timeout=max(arguments.native_budget * 3, 600),
                )
                row["native"]["ratio_native_over_ours"] = (
                    row["native"]["native_seconds"] / gap["total_seconds"]
                )
                if "warm" in gap:
                    row["native"]["ratio_native_over_ours_warm"] = (
                        row["native"]["native_seconds"] / gap["warm"]["total_seconds"]
                    )
                reference = row
        rows.append(row)
        print_row(row)
    return {"machine": machine_facts(), "date": datetime.date.today().isoformat(), "rows": rows}


def machine_facts() -> Dict[str, Any]:
    memory_kb = 0
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "shapely"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except ImportError:
            versions[name] = "missing"
    try:
        from qgis.core import Qgis

        versions["qgis"] = Qgis.QGIS_VERSION
    except ImportError:
        versions["qgis"] = "not importable"
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu_model,
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


def print_row(row: Dict[str, Any]) -> None:
    gap = row["algorithms"]["facility_gap"]
    text = (
        f"[{row['size']}] {row['edges']:,} edges, {row['compounds']:,} compounds, "
        f"{row['facilities']:,} facilities: facility gap {gap['total_seconds']:.2f} s, "
        f"peak {gap['peak_memory_mb']:.0f} MB, {row['gap_us_per_edge']:.1f} µs/edge"
    )
    for key, answer in row["algorithms"].items():
        if "rerun" in answer:
            text += (
                f"; {key} re-run {answer['rerun']['total_seconds']:.2f} s "
                f"({answer['rerun']['total_seconds'] / answer['total_seconds']:.2f} of the first)"
            )
    if "native" in row:
        native = row["native"]
        text += (
            f"; native {native['native_seconds']:.1f} s = "
            f"{native['ratio_native_over_ours']:.0f}× ours, agreement "
            f"{native['agreement']:.2%} ({native['agreement_without_connectors']:.2%} "
            "without connectors)"
        )
    print(text, flush=True)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

TARGET_GAP_L_SECONDS = 30.0
TARGET_MEMORY_MB = 2048.0
TARGET_CHAIN_SECONDS = 60.0
#: Issue 18's budget per step of the chain on L (seconds), and the peak memory of each step.
STEP_BUDGETS: Mapping[str, float] = {
    "facility_gap": 15.0,
    "tiered_provision": 15.0,
    "rubric_score": 5.0,
    "workbook_export": 25.0,
}
TARGET_STEP_MEMORY_MB = 1024.0
TARGET_NATIVE_RATIO = 100.0
TARGET_RERUN_SHARE = 0.2
#: Issue 14 (walking time), on L: the facility gap in walking time at most this many times its
#: distance-mode run, the DEM sampled along every edge within this many seconds, the
#: walking-time run's peak memory within this many MB; tiered provision within its seconds.
TARGET_TIME_OVER_DISTANCE = 1.5
TARGET_DEM_SAMPLING_SECONDS = 3.0
TARGET_TIME_MEMORY_MB = 1024.0
TARGET_TIERED_L_SECONDS = 15.0
TARGET_SITES_L_SECONDS = 60.0


def _stage_names(rows: Sequence[Dict[str, Any]], entry: BenchAlgorithm) -> List[str]:
    seen = [s for row in rows for s in row["algorithms"][entry.key]["stages"]]
    order = [s for s in entry.stage_order if s in seen]
    return order + sorted(set(seen) - set(order))


def _cells(values: Sequence[Any], form: str = "{:.2f}") -> str:
    return " | ".join("–" if value is None else form.format(value) for value in values)


def render_markdown(results: Dict[str, Any]) -> str:
    machine, rows = results["machine"], results["rows"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); the machine-readable copy is "
        "`bench/results.json`. Cities are synthetic (`bench/generate_city.py`, fixed seed); "
        "see `bench/README.md` for what is measured and how.",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB "
        f"memory, {machine['system']}",
        "- Software: QGIS {qgis}, Python {python}, numpy {numpy}, scipy {scipy}, "
        "shapely {shapely}".format(**machine["versions"]),
        "",
        "## Cities",
        "",
        "| size | edges | compounds | communities | facilities | generated and written in (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds = row["generation"].get("generate_seconds", "")
        lines.append(
            f"| {row['size']} | {row['edges']:,} | {row['compounds']:,} | "
            f"{row['communities']:,} | {row['facilities']:,} | "
            f"{seconds or 'reused'} |"
        )
    for entry in ALGORITHMS:
        measured = [row for row in rows if entry.key in row["algorithms"]]
        if measured:
            lines += ["", *_stage_table(entry, measured)]
        if entry.key == "workbook_export":
            lines += _writer_table()
    lines += ["", *_walking_time_table(rows)]
    lines += ["", *_rerun_table(rows)]
    lines += ["", *_native_table(rows)]
    lines += ["", *_chain_table(rows)]
    lines += ["", "## Targets (issues 9 and 14)", "", *_target_lines(rows)]
    return "\n".join(lines) + "\n"


#: The workbook step written by each .xlsx writer (``bench/compare_writers.py``).
WRITERS_FILE = BENCH_DIR / "writers.json"
_WRITER_NAMES = {
    "plugin": "the plugin's own (`scoring/workbook/xlsx/`)",
    "openpyxl": "openpyxl, write-only mode",
    "xlsxwriter": "XlsxWriter, constant_memory mode",
}


def _writer_table() -> List[str]:
    """The writer comparison kept in ``bench/writers.json``, when it has been measured."""
    if not WRITERS_FILE.exists():
        return []
    measured = json.loads(WRITERS_FILE.read_text(encoding="utf-8"))
    rows = measured["rows"]
    lines = [
        "",
        f"### Which .xlsx writer ({measured['size']} city, {measured['date']})",
        "",
        "The same workbook step (every community's form) with the sheets written by each "
        "library, each in a fresh process: `.venv/bin/python bench/compare_writers.py --size "
        f"{measured['size']}` (the backends: `bench/xlsx_backends.py`). Writing is the sheets "
        "and saving; the rest of the step (reading the analyses, scoring) is the same code. "
        f"{measured.get('note', '')}".rstrip(),
        "",
        "| writer | step (s) | writing (s) | gap list (s) | deficits (s) | forms (s) | "
        "peak memory (MB) | file (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        stages = row["stages"]
        lines.append(
            f"| {_WRITER_NAMES.get(row['backend'], row['backend'])} | "
            f"{row['total_seconds']:.1f} | {row['writing_seconds']:.1f} | "
            f"{stages['sheet_gap_list']:.1f} | {stages['sheet_deficits']:.1f} | "
            f"{stages['sheet_forms']:.1f} | {row['peak_memory_mb']:.0f} | {row['file_mb']:.1f} |"
        )
    own = next((row for row in rows if row["backend"] == "plugin"), None)
    others = [row for row in rows if row["backend"] != "plugin"]
    if own is not None and others:
        ratios = ", ".join(
            f"{_WRITER_NAMES.get(row['backend'], row['backend'])} "
            f"{row['writing_seconds'] / own['writing_seconds']:.1f}× as long"
            for row in others
        )
        budget = STEP_BUDGETS["workbook_export"]
        over = [row for row in others if row["writing_seconds"] > budget]
        lines += [
            "",
            f"Writing, against the plugin's writer: {ratios}. "
            + (
                f"For {len(over)} of the {len(others)} libraries writing alone exceeds the "
                f"workbook step's whole budget ({budget:.0f} s, issue 18), "
                "so the workbook keeps its own writer (README: Evaluation workbook, decisions)."
                if over
                else ""
            ),
        ]
    return lines


def _stage_table(entry: BenchAlgorithm, rows: Sequence[Dict[str, Any]]) -> List[str]:
    """Stage times of the first run (fresh process) of one algorithm, per size."""
    answers = [row["algorithms"][entry.key] for row in rows]
    lines = [
        f"## {entry.title or entry.algorithm_id}",
        "",
        "Wall time in seconds per stage of the first run in a fresh process (a QGIS session "
        "that has not run anything yet), from the GeoPackage to the written outputs; a run "
        f"under {REPEAT_BELOW_SECONDS:.0f} s is the median of {REPEATS} fresh processes. Stages "
        "marked `(rest)` are what their parent spent outside the stages listed above them; "
        "`other` is everything outside the timed functions (parameters, opening layers, "
        "messages, closing the output files).",
        "",
        "| stage | " + " | ".join(row["size"] for row in rows) + " |",
        "|---|" + "---:|" * len(rows),
    ]
    for stage in _stage_names(rows, entry):
        lines.append(f"| {stage} | " + _cells([a["stages"].get(stage) for a in answers]) + " |")
    lines += [
        "| **total** | "
        + " | ".join(f"**{answer['total_seconds']:.2f}**" for answer in answers)
        + " |",
    ]
    if any(answer["search_calls"] for answer in answers):
        lines += [
            "| searches (calls) | " + _cells([a["search_calls"] for a in answers], "{:,}") + " |",
            "| slowest single search | "
            + _cells([a["search_max_seconds"] for a in answers], "{:.3f}")
            + " |",
        ]
    sheets = [answer.get("workbook_sheets") for answer in answers]
    if any(sheets):
        lines.append(
            "| sheets in the workbook (counted in the file) | " + _cells(sheets, "{:,}") + " |"
        )
    lines += [
        "| peak memory (MB) | " + _cells([a["peak_memory_mb"] for a in answers], "{:.0f}") + " |",
        "| of which QGIS + plugin at start (MB) | "
        + _cells([a["baseline_memory_mb"] for a in answers], "{:.0f}")
        + " |",
        "| µs per edge | "
        + _cells(
            [1e6 * a["total_seconds"] / max(row["edges"], 1) for a, row in zip(answers, rows)],
            "{:.1f}",
        )
        + " |",
    ]
    return lines


def _walking_time_table(rows: Sequence[Dict[str, Any]]) -> List[str]:
    """Walking time beside distance, per size: the same two algorithms on the same city."""
    lines = [
        "## Walking time beside distance",
        "",
        "The facility gap and the tiered provision run twice on each city: in distance (MEASURE "
        "0) and in walking time (MEASURE 1) with the city's DEM (20 m cells, hills up to 30 %), "
        "its stairways, bridges and two lifts. `walking costs` is the DEM sampled every 10 m "
        "along every edge and each edge priced both ways; `DEM read` the network's nodes "
        "reprojected and the DEM's window under them read. First runs in fresh processes.",
        "",
        "| size | gap, distance (s) | gap, walking time (s) | time / distance | walking costs (s) "
        "| DEM read (s) | peak, walking time (MB) | provision, distance (s) | provision, walking "
        "time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        runs = row["algorithms"]
        gap, timed = runs.get("facility_gap"), runs.get("facility_gap_time")
        if not gap or not timed:
            continue
        stages = timed["stages"]
        lines.append(
            f"| {row['size']} | {gap['total_seconds']:.2f} | {timed['total_seconds']:.2f} | "
            f"{timed['total_seconds'] / gap['total_seconds']:.2f} | "
            f"{stages.get('walking_costs', 0.0):.2f} | {stages.get('read_dem', 0.0):.2f} | "
            f"{timed['peak_memory_mb']:.0f} | {_seconds_of(row, 'tiered_provision')} | "
            f"{_seconds_of(row, 'tiered_provision_time')} |"
        )
    return lines


def _walking_time_targets(large: Dict[str, Any]) -> List[str]:
    """Issue 14's targets on L (walking time, tiered provision)."""
    runs = large["algorithms"]
    out = []
    gap, timed = runs.get("facility_gap"), runs.get("facility_gap_time")
    if gap and timed:
        ratio = timed["total_seconds"] / gap["total_seconds"]
        verdict = "met" if ratio <= TARGET_TIME_OVER_DISTANCE else f"MISSED ({_costliest(timed)})"
        out.append(
            f"- L facility gap in walking time ≤ {TARGET_TIME_OVER_DISTANCE:g}× distance: "
            f"{timed['total_seconds']:.1f} s against {gap['total_seconds']:.1f} s = "
            f"{ratio:.2f}× — {verdict}."
        )
        sampling = timed["stages"].get("walking_costs", 0.0)
        verdict = "met" if sampling <= TARGET_DEM_SAMPLING_SECONDS else "MISSED"
        out.append(
            f"- L DEM sampling of every edge ≤ {TARGET_DEM_SAMPLING_SECONDS:g} s: "
            f"{sampling:.2f} s (and {timed['stages'].get('read_dem', 0.0):.2f} s to read the "
            f"DEM's window) — {verdict}."
        )
        peak = max(
            answer["peak_memory_mb"]
            for key, answer in runs.items()
            if key in ("facility_gap_time", "tiered_provision_time")
        )
        verdict = "met" if peak <= TARGET_TIME_MEMORY_MB else "MISSED"
        out.append(f"- L peak memory in walking time ≤ 1 GB: {peak:.0f} MB — {verdict}.")
    tiered = runs.get("tiered_provision")
    if tiered:
        seconds = tiered["total_seconds"]
        verdict = "met" if seconds <= TARGET_TIERED_L_SECONDS else f"MISSED ({_costliest(tiered)})"
        timed_tiered = runs.get("tiered_provision_time")
        also = (
            "" if not timed_tiered else f"; in walking time {timed_tiered['total_seconds']:.1f} s"
        )
        out.append(
            f"- L tiered provision ≤ {TARGET_TIERED_L_SECONDS:g} s: {seconds:.1f} s{also} — "
            f"{verdict}."
        )
    return out


def _rerun_table(rows: Sequence[Dict[str, Any]]) -> List[str]:
    lines = [
        "## Re-running in one QGIS session",
        "",
        "Each algorithm runs three times in one process: first in a fresh session; again with "
        "the same parameters on the unchanged files (the walking graph, the snapping and "
        "search results remembered on it, and the unit and facility points are reused — see "
        "`processing/graph_cache.py`); and once more after emptying those caches (a warm "
        "session: Python modules loaded, nothing kept).",
        "",
        "| algorithm | size | first run (s) | re-run, unchanged (s) | re-run / first | "
        "graph reused | point layers not read again | warm, caches emptied (s) | "
        "re-run / warm |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for entry in ALGORITHMS:
        for row in rows:
            answer = row["algorithms"].get(entry.key)
            if not answer or "rerun" not in answer:
                continue
            rerun = answer["rerun"]
            lines.append(
                f"| {entry.key} | {row['size']} | {answer['total_seconds']:.2f} | "
                f"{rerun['total_seconds']:.2f} | "
                f"{rerun['total_seconds'] / answer['total_seconds']:.2f} | "
                f"{'yes' if rerun['graph_reused'] else 'NO'} | {rerun['points_reused']} | "
                f"{answer['warm']['total_seconds']:.2f} | "
                f"{rerun['total_seconds'] / answer['warm']['total_seconds']:.2f} |"
            )
    return lines


def _native_table(rows: Sequence[Dict[str, Any]]) -> List[str]:
    lines = [
        "## Beside the QGIS-native workflow",
        "",
        "`ours (first run)` is the facility gap's first run in a fresh session, imports "
        "included; `ours (warm)` the same run in a warm session with the caches emptied.",
        "",
        "| size | native (s) | ours, first run (s) | native / ours | ours, warm (s) | "
        "native / ours warm | agreement | covered only by native | covered only by ours | "
        "agreement without connectors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        gap = row["algorithms"]["facility_gap"]
        if "native" in row:
            n = row["native"]
            warm = gap.get("warm", {}).get("total_seconds")
            warm_ratio = n.get("ratio_native_over_ours_warm")
            lines.append(
                f"| {row['size']} | {n['native_seconds']:.1f} | {gap['total_seconds']:.2f} | "
                f"{n['ratio_native_over_ours']:.0f}× | "
                f"{'–' if warm is None else f'{warm:.2f}'} | "
                f"{'–' if warm_ratio is None else f'{warm_ratio:.0f}×'} | "
                f"{n['agreement']:.2%} | {n['covered_only_by_native']:,} | "
                f"{n['covered_only_by_ours']:,} | {n['agreement_without_connectors']:.2%} |"
            )
        elif "native_skipped" in row:
            lines.append(f"| {row['size']} | skipped: {row['native_skipped']} | | | | | | | | |")
    return lines


def chain_status(
    row: Dict[str, Any], substitute: Mapping[str, str] = {}
) -> Tuple[float, List[str], List[str]]:
    """Seconds of the chain steps measured on this size (first runs, fresh processes, summed),
    and the steps measured and not (yet) measured; ``substitute`` swaps a step for another
    entry (the workbook of summary and lists for the full one)."""
    steps = [(substitute.get(key, key), hint) for key, hint in CHAIN]
    measured = [key for key, _ in steps if key in row["algorithms"]]
    pending = [hint for key, hint in steps if key not in row["algorithms"]]
    total = sum(row["algorithms"][key]["total_seconds"] for key in measured)
    return total, measured, pending


def _seconds_of(row: Dict[str, Any], key: str) -> str:
    answer = row["algorithms"].get(key)
    return "–" if answer is None else f"{answer['total_seconds']:.1f}"


def _chain_table(rows: Sequence[Dict[str, Any]]) -> List[str]:
    lines = [
        "## The whole chain (gap → provision → scoring → workbook)",
        "",
        "Sum of the first runs of the chain's steps, each in a fresh process (in one session the "
        "later steps would reuse the walking graph and Python's imports, so this is an upper "
        "bound). The workbook is measured twice: as the evaluation model writes it (one "
        "workbook: summary, coverage, gap list, provision deficits, about and an evaluation form "
        "per community) and with its summary and lists over every community but the form of one "
        "community only (`SPLIT_BY` 2, the nearest the algorithm has to the target's "
        '"workbook with summary and gap list").',
        "",
        "| size | facility gap (s) | tiered provision (s) | rubric scoring (s) | workbook, every "
        "form (s) | **chain (s)** | workbook, summary and lists (s) | **chain with it (s)** | "
        "steps not measured |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        total, _measured, pending = chain_status(row)
        lists_total, _, lists_pending = chain_status(row, CHAIN_LISTS_WORKBOOK)
        not_measured = "; ".join(dict.fromkeys(pending + lists_pending)) or "none"
        lines.append(
            f"| {row['size']} | "
            + " | ".join(
                _seconds_of(row, key)
                for key in ("facility_gap", "tiered_provision", "rubric_score", "workbook_export")
            )
            + f" | **{total:.1f}** | {_seconds_of(row, 'workbook_lists')} | "
            f"**{lists_total:.1f}** | {not_measured} |"
        )
    return lines


def _chain_costliest(row: Dict[str, Any], keys: Sequence[str], count: int = 4) -> str:
    """The largest stages over the chain's steps, named by step."""
    stages = [
        (f"{key} {stage}", seconds)
        for key in keys
        for stage, seconds in row["algorithms"][key]["stages"].items()
    ]
    stages.sort(key=lambda item: item[1], reverse=True)
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages[:count])


def _chain_verdict(row: Dict[str, Any], substitute: Mapping[str, str] = {}) -> str:
    chain, measured, pending = chain_status(row, substitute)
    if pending:
        return (
            f"NOT MEASURED in full — {', '.join(measured)} take {chain:.1f} s together "
            f"({TARGET_CHAIN_SECONDS - chain:.1f} s left for the rest); not yet entries of the "
            f"harness: {'; '.join(pending)}"
        )
    if chain <= TARGET_CHAIN_SECONDS:
        return f"{chain:.1f} s — met"
    return (
        f"{chain:.1f} s — MISSED by {chain - TARGET_CHAIN_SECONDS:.1f} s "
        f"({chain / TARGET_CHAIN_SECONDS:.2f}× the target); largest costs: "
        f"{_chain_costliest(row, measured)}"
    )


def _costliest(answer: Dict[str, Any], count: int = 3) -> str:
    stages = sorted(answer["stages"].items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages)


def _target_lines(rows: Sequence[Dict[str, Any]]) -> List[str]:
    by_size = {row["size"]: row for row in rows}
    out = []
    large = by_size.get("L")
    if large:
        gap = large["algorithms"]["facility_gap"]
        total, memory = gap["total_seconds"], gap["peak_memory_mb"]
        verdict = (
            "met"
            if total <= TARGET_GAP_L_SECONDS
            else f"MISSED by {total - TARGET_GAP_L_SECONDS:.1f} s "
            f"({total / TARGET_GAP_L_SECONDS:.2f}× the target); largest costs: {_costliest(gap)}"
        )
        out.append(
            f"- L facility gap end to end ≤ {TARGET_GAP_L_SECONDS:.0f} s: {total:.1f} s — "
            f"{verdict}."
        )
        peaks = {key: answer["peak_memory_mb"] for key, answer in large["algorithms"].items()}
        worst = max(peaks.values())
        memory_verdict = (
            "met" if worst <= TARGET_MEMORY_MB else f"MISSED by {worst - TARGET_MEMORY_MB:.0f} MB"
        )
        out.append(
            f"- L peak memory ≤ 2 GB: facility gap {memory:.0f} MB"
            + "".join(
                f", {key} {peak:.0f} MB" for key, peak in peaks.items() if key != "facility_gap"
            )
            + f" — {memory_verdict}."
        )
        out.extend(_walking_time_targets(large))
        out.append(
            f"- L whole chain (gap → provision → scoring → workbook with summary and gap list) "
            f"≤ {TARGET_CHAIN_SECONDS:.0f} s: with the workbook as the evaluation model writes "
            f"it (every community's form): {_chain_verdict(large)}. With the workbook of summary "
            f"and lists and one form (SPLIT_BY 2): "
            f"{_chain_verdict(large, CHAIN_LISTS_WORKBOOK)}."
        )
        out.append(_sites_target(large))
        out.append(_budget_line(large))
    else:
        out.append("- L facility gap ≤ 30 s, ≤ 2 GB and the whole chain: not measured in this run.")
    small = by_size.get("S")
    if small and "native" in small:
        native = small["native"]
        ratio = native["ratio_native_over_ours"]
        warm_ratio = native.get("ratio_native_over_ours_warm")
        gap = small["algorithms"]["facility_gap"]
        warm = gap.get("warm")
        cause = f"largest stages: {_costliest(gap)}"
        if warm:
            cause = (
                f"{gap['total_seconds'] - warm['total_seconds']:.2f} s of it are the session's "
                "one-time costs (first imports of scipy, inside build_graph and snap; GDAL's first "
                f"GeoPackage writes) — the same run in a warm session takes "
                f"{warm['total_seconds']:.2f} s, largest stages {_costliest(warm)}"
            )
        verdict = (
            "met"
            if ratio >= TARGET_NATIVE_RATIO
            else f"MISSED: {ratio:.0f}× is {TARGET_NATIVE_RATIO / ratio:.1f}× short; on S our "
            f"first run of {gap['total_seconds']:.2f} s is mostly fixed costs: {cause}"
        )
        warm_text = (
            ""
            if warm_ratio is None
            else f" ({warm_ratio:.0f}× against a warm session's run without caches)"
        )
        out.append(
            f"- Ours ≥ 100× faster than native on S: {ratio:.0f}× against our first run in a "
            f"fresh session{warm_text} — {verdict}."
        )
        out.append(
            f"- Same coverage answer on S: {native['agreement']:.2%} of (compound, type) pairs "
            f"agree; {native['agreement_without_connectors']:.2%} once our engine drops the "
            "connectors as the native tools do (see README: the remaining differences)."
        )
    growth = [row for row in rows if row["size"] in ("S", "M", "L")]
    if len(growth) >= 2:
        first, last = growth[0], growth[-1]
        edge_ratio = last["edges"] / max(first["edges"], 1)
        time_ratio = (
            last["algorithms"]["facility_gap"]["total_seconds"]
            / first["algorithms"]["facility_gap"]["total_seconds"]
        )
        verdict = "met" if time_ratio <= edge_ratio * 1.25 else "MISSED"
        out.append(
            f"- Growth about linear: {first['size']} → {last['size']} has {edge_ratio:.0f}× the "
            f"edges and took {time_ratio:.0f}× the time (µs per edge "
            + " → ".join(f"{row['gap_us_per_edge']:.1f}" for row in growth)
            + f") — {verdict}."
        )
    out.append(_rerun_target(rows))
    return out


def _sites_target(large: Dict[str, Any]) -> str:
    """Issue 17's target: site suggestion on L end to end (coverage matrix included) within
    the time, and the answer proven optimal."""
    answer = large["algorithms"].get("suggest_sites")
    if answer is None:
        return "- L site suggestion ≤ 60 s, exact: not measured in this run."
    total = answer["total_seconds"]
    outputs = answer["outputs"]
    proven = str(outputs.get("OPTIMAL")).lower() in ("true", "1")
    met = total <= TARGET_SITES_L_SECONDS and proven
    verdict = (
        "met"
        if met
        else (
            f"MISSED ({'not proven optimal' if not proven else f'{total:.1f} s'}); largest costs: "
            f"{_costliest(answer)}"
        )
    )
    return (
        f"- L site suggestion ({SITES_TYPE}, {outputs.get('SITES_CHOSEN', '?')} of {SITES_K} "
        f"sites, 2,000 candidates) ≤ {TARGET_SITES_L_SECONDS:.0f} s end to end, proven "
        f"optimal: {total:.1f} s, optimal {proven} (method {outputs.get('METHOD', '?')}) — "
        f"{verdict}."
    )


def _rerun_target(rows: Sequence[Dict[str, Any]]) -> str:
    """The re-run target over the facility gap's sizes: met where the re-run took at most a
    fifth of the first run; where not, by how much and what it spent."""
    shares = []
    for row in rows:
        gap = row["algorithms"]["facility_gap"]
        if "rerun" in gap:
            shares.append((row, gap, gap["rerun"]["total_seconds"] / gap["total_seconds"]))
    if not shares:
        return "- Re-run on an unchanged network ≤ 1/5 of the first run: not measured."
    parts, missed = [], []
    for row, gap, share in shares:
        reused = "graph reused" if gap["rerun"]["graph_reused"] else "graph NOT reused"
        parts.append(
            f"{row['size']} {gap['rerun']['total_seconds']:.2f} s of {gap['total_seconds']:.2f} s "
            f"= {share:.2f} ({reused})"
        )
        if share > TARGET_RERUN_SHARE:
            excess = gap["rerun"]["total_seconds"] - TARGET_RERUN_SHARE * gap["total_seconds"]
            missed.append(
                f"{row['size']} by {excess:.2f} s (the re-run's largest costs: "
                f"{_costliest(gap['rerun'])})"
            )
    verdict = "met" if not missed else "MISSED on " + "; ".join(missed)
    return (
        "- Re-run on an unchanged network reuses the built graph, second run ≤ 1/5 of the first "
        f"(facility gap): {'; '.join(parts)} — {verdict}."
    )


def _budget_line(row: Dict[str, Any]) -> str:
    """Each chain step on L against its budget, and its peak memory against 1 GB."""
    parts = []
    for key, budget in STEP_BUDGETS.items():
        answer = row["algorithms"].get(key)
        if answer is None:
            parts.append(f"{key} not measured")
            continue
        seconds, peak = answer["total_seconds"], answer["peak_memory_mb"]
        verdict = "met" if seconds <= budget else f"MISSED by {seconds - budget:.1f} s"
        memory = "met" if peak <= TARGET_STEP_MEMORY_MB else "MISSED"
        parts.append(
            f"{key} {seconds:.1f} s of {budget:.0f} s ({verdict}), {peak:.0f} MB ({memory})"
        )
    return "- L budget per step, and peak memory ≤ 1 GB each: " + "; ".join(parts) + "."


def chain_summary(row: Dict[str, Any]) -> Dict[str, Any]:
    """The chain's figures of one size for results.json: steps, seconds, and on L the
    verdict against the target, with the full workbook and with the summary-and-lists one."""
    summary: Dict[str, Any] = {"target_seconds": TARGET_CHAIN_SECONDS}
    for name, substitute in (("full_workbook", {}), ("lists_workbook", CHAIN_LISTS_WORKBOOK)):
        total, measured, pending = chain_status(row, substitute)
        summary[name] = {
            "steps": measured,
            "not_measured": pending,
            "seconds": total,
            "met": (not pending and total <= TARGET_CHAIN_SECONDS) if row["size"] == "L" else None,
        }
    return summary


def write_results(results: Dict[str, Any], results_dir: Path) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    for row in results["rows"]:
        row["chain"] = chain_summary(row)
    results["targets"] = [line[2:] for line in _target_lines(results["rows"])]
    (results_dir / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (results_dir / "RESULTS.md").write_text(render_markdown(results), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_arguments(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the Complete Community Toolkit.")
    parser.add_argument(
        "--sizes",
        default="S,M,L",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        help="city sizes, comma-separated, of " + ", ".join(generate_city.SIZES),
    )
    parser.add_argument(
        "--native-sizes",
        default="XS,S,M",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        help="sizes on which the QGIS-native workflow also runs (when its estimate fits)",
    )
    parser.add_argument("--native-budget", type=float, default=NATIVE_BUDGET_SECONDS)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the cities")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument(
        "--repeats",
        type=int,
        default=REPEATS,
        help=f"fresh processes for runs under {REPEAT_BELOW_SECONDS:.0f} s (the median is kept)",
    )
    # Internal: one measurement in this process.
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--measure-native", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--city", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ours", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--earlier", type=json.loads, default={}, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    unknown = [size for size in arguments.sizes if size not in generate_city.SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; known: {', '.join(generate_city.SIZES)}")
    return arguments


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.measure:
        answer = measure_algorithm(
            arguments.measure, arguments.city, arguments.out_dir, arguments.earlier
        )
        print(json.dumps(answer), flush=True)
        os._exit(0)  # skip QGIS teardown, which can crash headless and adds nothing
    if arguments.measure_native:
        answer = measure_native(arguments.city, arguments.ours, arguments.out_dir)
        print(json.dumps(answer), flush=True)
        os._exit(0)
    results = benchmark(arguments)
    write_results(results, arguments.results_dir)
    print(f"Wrote {arguments.results_dir / 'RESULTS.md'} and results.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
