"""Candidate sites proposed along the walking network, for a run without a candidate layer.

A point every ``spacing`` metres along each line where a facility may stand, kept only when it
lies within (straight-line) reach of a compound not yet served: elsewhere a new facility
would serve nobody new. The points sit on the network itself, so their place on it is known
exactly (edge and fraction) without snapping.

Which lines may carry a site is the caller's to say (``allowed_line``, one flag per input
line): motorways, bridges and tunnels are walked past, not built on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import Snaps, WalkingGraph
from ..network.straight import straight_line_distances


@dataclass(frozen=True, eq=False)
class ProposedSites:
    """Points on the network: coordinates, where they sit on it, and the line each is on."""

    xy: np.ndarray
    snaps: Snaps
    line: np.ndarray


def propose_sites(
    graph: WalkingGraph,
    allowed_line: np.ndarray,
    spacing: float,
    demand_xy: np.ndarray,
    reach: float,
) -> ProposedSites:
    """Points every ``spacing`` m along the allowed lines (the first half a spacing from the
    line's start, so a short line gets its midpoint), within ``reach`` m in a straight line of
    at least one of ``demand_xy``. Ordered by line, then along it."""
    spacing = float(spacing)
    if not spacing > 0:
        raise ValueError("spacing must be a positive number of metres")
    allowed = np.asarray(allowed_line, dtype=bool)
    edges = np.flatnonzero(allowed[graph.edge_line]) if graph.n_edges else np.zeros(0, int)
    edges = edges[np.argsort(graph.edge_line[edges], kind="stable")]
    line = graph.edge_line[edges]
    length = graph.edge_length[edges]
    # Distance along each line at every edge's start (edges of a line are in vertex order).
    run = np.cumsum(length) - length
    first = np.ones(edges.shape[0], dtype=bool)
    first[1:] = line[1:] != line[:-1]
    line_start = np.maximum.accumulate(np.where(first, np.arange(edges.shape[0]), 0))
    along_start = run - run[line_start]
    line_length = np.zeros(0)
    if edges.size:
        stops = np.append(np.flatnonzero(first)[1:], edges.shape[0]) - 1
        line_length = along_start[stops] + length[stops]
    heads = np.flatnonzero(first)
    counts = np.maximum(np.floor(line_length / spacing + 0.5).astype(np.int64), 1)
    line_of_point = np.repeat(np.arange(heads.shape[0]), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    # Points spread evenly: ``count`` of them at (i + 1/2) * length / count.
    position = (offset + 0.5) * (line_length / counts)[line_of_point]
    global_position = position + run[heads][line_of_point]
    edge_index = np.searchsorted(run, global_position, side="right") - 1
    edge_index = np.clip(edge_index, heads[line_of_point], None)
    fraction = np.clip((global_position - run[edge_index]) / length[edge_index], 0.0, 1.0)
    edge = edges[edge_index]
    a = graph.node_xy[graph.edge_from[edge]]
    b = graph.node_xy[graph.edge_to[edge]]
    xy = a + fraction[:, None] * (b - a)

    near = np.isfinite(straight_line_distances(demand_xy, xy, reach))
    xy, edge, fraction = xy[near], edge[near], fraction[near]
    n = xy.shape[0]
    snaps = Snaps(
        edge=edge.astype(np.int64),
        fraction=fraction,
        connector=np.zeros(n),
        joined=np.ones(n, dtype=bool),
        snapped_xy=xy.copy(),
    )
    return ProposedSites(xy=xy, snaps=snaps, line=graph.edge_line[edge])
