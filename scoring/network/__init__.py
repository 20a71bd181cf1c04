"""The QGIS-free walking-network engine: graph, snapping, searches, walking time on hills.

Plain arrays in, plain arrays out (metres in a projected CRS, seconds for walking time). See
DESIGN.md §4 for the distance convention and §4b for walking time, which these modules
implement. scipy speeds up snapping and components when it is importable; without it the same
results come from numpy, more slowly. The searches need only numpy (:mod:`.bounded_search`).

How an adapter walks a network (each module's docstring has the details):

1. ``graph = build_graph(lines, topology_tolerance)`` — :mod:`.graph`.
2. Walking time only (``MEASURE = 1``):
   ``kinds = LineKinds(is_stairs=..., is_structure=..., fixed_seconds=..., step_count=...)``
   per line given to ``build_graph``; with a DEM, ``terrain = Terrain(heights, geotransform,
   nodata)`` over the network's window and the graph's nodes in the DEM's CRS
   (``node_dem_xy``; only ``heights_needed(graph, kinds)`` rows matter); then
   ``timed, report = walking_time_graph(graph, speed, kinds, terrain, node_dem_xy)`` —
   :mod:`.walking_time`, :mod:`.terrain`, the parameters from :mod:`.walking_model`. The
   report names nodes and lines without DEM heights and the stairs sized by step count.
3. ``snaps = snap_points(graph, xy, tolerance)`` for units and facilities — :mod:`.snapping`.
4. ``nearest(graph, sources, targets, max_cost, walk, lengths)`` — :mod:`.search`: costs (and
   route metres) from every target to its nearest source; time runs from the unit to the
   facility (``WALK_TO_SOURCE`` with facilities as sources). Cut-offs and coverage limits in
   either measure come from :mod:`.measure` (``DISTANCE`` or ``walking_time(speed)``).
5. Pairs within a sharing reach: ``reach_pairs(...)`` — :mod:`.reach`.

The facility gap analysis (:func:`..gap.analyse_gaps`, ``measure=``) does 3–4 for every type.
"""

from __future__ import annotations

from .graph import WalkingGraph, build_graph, connected_components
from .measure import DISTANCE, MEASURE_DISTANCE, MEASURE_TIME, Measure, measure_for, walking_time
from .reach import reach_pairs
from .search import (
    WALK_FROM_SOURCE,
    WALK_TO_SOURCE,
    Nearest,
    nearest,
    nearest_distances,
    node_distances,
)
from .snapping import Snaps, on_island, snap_points
from .straight import straight_line_distances
from .terrain import Terrain
from .walking_model import WalkingModel, load_walking_model
from .walking_time import (
    LineKinds,
    WalkingCosts,
    WalkingReport,
    check_walk_speed,
    heights_needed,
    walking_costs,
    walking_time_graph,
)

__all__ = [
    "DISTANCE",
    "MEASURE_DISTANCE",
    "MEASURE_TIME",
    "WALK_FROM_SOURCE",
    "WALK_TO_SOURCE",
    "LineKinds",
    "Measure",
    "Nearest",
    "Snaps",
    "Terrain",
    "WalkingCosts",
    "WalkingGraph",
    "WalkingModel",
    "WalkingReport",
    "build_graph",
    "check_walk_speed",
    "connected_components",
    "heights_needed",
    "load_walking_model",
    "measure_for",
    "nearest",
    "nearest_distances",
    "node_distances",
    "on_island",
    "reach_pairs",
    "snap_points",
    "straight_line_distances",
    "walking_costs",
    "walking_time",
    "walking_time_graph",
]
