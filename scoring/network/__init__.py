"""The QGIS-free walking-network engine: graph, snapping, nearest-facility search.

Plain arrays in, plain arrays out (metres in a projected CRS). See DESIGN.md §4 for the
distance convention these functions implement. scipy speeds up every step when it is
importable; without it the same results come from numpy and plain Python, more slowly.
"""

from __future__ import annotations

from .graph import WalkingGraph, build_graph, connected_components
from .search import nearest_distances, node_distances
from .snapping import Snaps, on_island, snap_points
from .straight import straight_line_distances

__all__ = [
    "Snaps",
    "WalkingGraph",
    "build_graph",
    "connected_components",
    "nearest_distances",
    "node_distances",
    "on_island",
    "snap_points",
    "straight_line_distances",
]
