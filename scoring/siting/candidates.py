"""Candidate sites proposed along the walking network, for a run without a candidate layer.

Points are spread evenly along each line where a facility may stand, about ``spacing`` metres
apart, and kept only when they lie within (straight-line) reach of a compound not yet served:
elsewhere a new facility would serve nobody new. Which lines may carry a site is the caller's
to say by passing only those: motorways, bridges and tunnels are walked past, not built on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..network import Snaps, WalkingGraph, snap_points
from ..network.straight import straight_line_distances

#: How far a proposed point may be from the graph's edge it lies on: the graph merges
#: vertices within the topology tolerance, so the point and the edge can differ by that much.
ON_NETWORK_TOLERANCE_M = 1.0


@dataclass(frozen=True, eq=False)
class ProposedSites:
    """Points on the network: coordinates, where they join it, the line each lies on."""

    xy: np.ndarray
    snaps: Snaps
    line: np.ndarray


def points_along_lines(lines: Sequence[np.ndarray], spacing: float):
    """Points along every line, ``round(length / spacing)`` of them (at least one) spread
    evenly at (i + ½) × length / count; returns (xy, index of the line of each point), in line
    order then along each line."""
    spacing = float(spacing)
    if not spacing > 0:
        raise ValueError("spacing must be a positive number of metres")
    parts = [np.asarray(part, dtype=np.float64)[:, :2] for part in lines if len(part) >= 2]
    index = np.array([i for i, part in enumerate(lines) if len(part) >= 2], dtype=np.int64)
    if not parts:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    vertices = np.concatenate(parts)
    sizes = np.array([part.shape[0] for part in parts])
    part_of_vertex = np.repeat(np.arange(len(parts)), sizes)
    step = np.hypot(*np.diff(vertices, axis=0).T)
    step[part_of_vertex[1:] != part_of_vertex[:-1]] = 0.0  # no step between two lines
    along = np.concatenate([[0.0], np.cumsum(step)])  # distance from the first line's start
    first = np.cumsum(sizes) - sizes
    last = first + sizes - 1
    length = along[last] - along[first]
    count = np.maximum(np.floor(length / spacing + 0.5).astype(np.int64), 1)
    part_of_point = np.repeat(np.arange(len(parts)), count)
    number = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    position = along[first][part_of_point] + (number + 0.5) * (length / count)[part_of_point]
    # The segment holding each position: the last vertex at or before it, within its line.
    vertex = np.searchsorted(along, position, side="right") - 1
    vertex = np.clip(vertex, first[part_of_point], np.maximum(last[part_of_point] - 1, 0))
    seg = np.maximum(along[vertex + 1] - along[vertex], 1e-12)
    t = np.clip((position - along[vertex]) / seg, 0.0, 1.0)[:, None]
    xy = vertices[vertex] + t * (vertices[vertex + 1] - vertices[vertex])
    return xy, index[part_of_point]


def propose_sites(
    graph: WalkingGraph,
    lines: Sequence[np.ndarray],
    spacing: float,
    demand_xy: np.ndarray,
    reach: float,
) -> ProposedSites:
    """Points along ``lines`` (those that may carry a site) about ``spacing`` m apart, within
    ``reach`` m in a straight line of one of ``demand_xy``, joined to ``graph``."""
    xy, line = points_along_lines(lines, spacing)
    near = np.isfinite(straight_line_distances(demand_xy, xy, reach))
    xy, line = xy[near], line[near]
    snaps = snap_points(graph, xy, ON_NETWORK_TOLERANCE_M)
    keep = snaps.joined
    return ProposedSites(xy=xy[keep], snaps=snaps.take(keep), line=line[keep])
