"""Walking time on a mountain city's network: directed edge costs in seconds (DESIGN §4b).

Given the walking graph, the flat walking speed, what each network line is (stairs, a bridge or
tunnel, a lift with a fixed time) and optionally the terrain, this computes for every edge the
seconds to walk it forwards (``edge_from`` to ``edge_to``) and backwards, following §4b to the
letter:

- *terrain* (every line that is none of the below): the edge is cut into
  n = ceil(length / piece_length) equal pieces; heights at the piece ends come from the DEM
  (bilinear between cell centres, :mod:`.terrain`); a piece takes run / (speed * f(s)) with
  s = rise / run in the walking direction and f Tobler's function normalised to the flat;
- *stairs*: the line's height runs linearly, by horizontal length, between the DEM heights at
  its first and last vertex; an edge takes run / speed plus its climb at the model's vertical
  speed up (0.30 m/s) or down (0.45 m/s);
- *structures* (bridges, tunnels): the same linear height; Tobler on that constant grade;
- *fixed time* (a public lift, an escalator): the line's seconds spread over its length by
  horizontal length, the same both ways;
- without a DEM the ground is flat: terrain and structures take length / speed; stairs rise
  ``step_count`` * step height where given (see :class:`WalkingReport` for what was used).

Precedence when a line is several things: fixed time, then stairs, then structure.

Heights the DEM does not have (outside it, or nodata) are filled along their line: linearly, by
horizontal length, between the nearest heights the DEM has before and after on the same line;
beyond the last one the nearest is carried on (the line runs level there); a line without any
height is level. A stair or structure with one end missing is level at the other end's height
(a stair with neither then uses its step count, as without a DEM). A planner sees a hole in the
DEM bridged by a straight grade and a street leaving the DEM walked level, never a cliff; the
report names the nodes and lines concerned so the adapter can say so.

Snapped points split their edge, and time along an edge is linear within a piece: the graph is
given a :class:`PieceProfile` holding the piece-end heights of the edges whose pieces differ in
grade (uniform edges are linear and need nothing), from which the search asks the cost of the
two parts of a snapped edge in either direction.

The piece computation is vectorised (pieces expanded with repeat/cumsum, no Python loop per
edge) and chunked so that its temporary arrays stay bounded on a city of half a million edges.

API summary (for the QGIS adapter, #14b):

- ``LineKinds(is_stairs=None, is_structure=None, fixed_seconds=None, step_count=None,
  stairs_incline=None)``: per-line arrays indexed like the ``lines`` given to
  :func:`.graph.build_graph` (NaN = none / unknown; incline +1 up along the line, -1 down).
- ``heights_needed(graph, kinds)`` -> node indices whose DEM-CRS coordinates the costs need
  (all nodes of terrain lines and the end nodes of stairs and structures), so the adapter
  transforms only those; pass the result as ``node_dem_xy`` (rows for the other nodes are
  ignored and may be NaN).
- ``walking_costs(graph, speed, kinds=None, terrain=None, node_dem_xy=None, model=None,
  line_ids=None)`` -> :class:`WalkingCosts` (``forward``, ``backward`` seconds per edge,
  ``profile``, ``connector_rate`` = 1 / speed, ``report``); ``WalkingCosts.graph(graph)``
  gives the directed graph to search.
- ``walking_time_graph(...)`` (same arguments) -> (directed graph, report) in one call.
- ``check_walk_speed(speed)`` -> the speed as float, or DataError for speed <= 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from ..errors import N_, DataError
from .graph import WalkingGraph, expand_ranges
from .terrain import Terrain
from .walking_model import WalkingModel, load_walking_model

#: Piece-end heights sampled and priced at once (bounds the temporaries: ~10 arrays of this).
_CHUNK_SAMPLES = 500_000
#: Lengths within this many metres of a multiple of the piece length count as that multiple,
#: so that a 20 m segment measured as 20.000000000000004 m is two pieces, not three.
_PIECE_SLACK = 1e-9

KIND_TERRAIN, KIND_STRUCTURE, KIND_STAIRS, KIND_FIXED = 0, 1, 2, 3


@dataclass(eq=False)
class LineKinds:
    """What each network line is, indexed like the lines given to ``build_graph``.

    ``is_stairs`` / ``is_structure``: booleans. ``fixed_seconds``: seconds to traverse the
    line end to end, NaN where it has none. ``step_count``: number of steps, NaN where unknown
    (used only for stairs without DEM heights). ``stairs_incline``: +1 where the stairs climb
    in the line's direction, -1 where they descend, 0 or NaN where unknown (used only with
    ``step_count``: without a DEM nothing else says which end is higher).
    """

    is_stairs: Optional[np.ndarray] = None
    is_structure: Optional[np.ndarray] = None
    fixed_seconds: Optional[np.ndarray] = None
    step_count: Optional[np.ndarray] = None
    stairs_incline: Optional[np.ndarray] = None


@dataclass(eq=False)
class WalkingReport:
    """What the costs were computed from, for the log. Line indices refer to the lines given
    to ``build_graph``, node indices to the graph's nodes."""

    with_terrain: bool
    #: Points whose height was asked of the DEM (piece ends and stair/structure ends).
    n_points: int = 0
    #: Of those, points the DEM had no height for (outside its extent or nodata).
    n_missing: int = 0
    #: Graph nodes (line vertices) without a DEM height.
    missing_nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Lines with some heights filled along the line (see the module docstring).
    filled_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Lines without any DEM height, walked level.
    level_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Stairs whose rise is step_count x step height (no DEM heights for them).
    stairs_from_step_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Of those, stairs without an incline: climbed (at the upward speed) both ways.
    stairs_unknown_direction: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    #: Stairs with neither DEM heights nor a step count: their run only, no climb.
    stairs_without_rise: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: How many lines of each kind have edges.
    n_stairs: int = 0
    n_structures: int = 0
    n_fixed: int = 0


@dataclass(eq=False)
class PieceProfile:
    """Piece-end heights of the edges whose pieces differ in grade, for costs along an edge.

    ``slot[e]`` is -1 for an edge whose cost is linear along it, else its row in ``pieces``
    (pieces of the edge), ``offset`` (first of its ``pieces + 1`` heights in ``heights``),
    ``flat_seconds`` (length / speed) and ``run_m`` (one piece's horizontal length). The model
    gives the hiking function.
    """

    slot: np.ndarray
    pieces: np.ndarray
    offset: np.ndarray
    flat_seconds: np.ndarray
    run_m: np.ndarray
    heights: np.ndarray
    model: WalkingModel

    @property
    def nbytes(self) -> int:
        arrays = (self.slot, self.pieces, self.offset, self.flat_seconds, self.run_m, self.heights)
        return int(sum(array.nbytes for array in arrays))

    def portions(
        self, edge: np.ndarray, fraction: np.ndarray, linear: Tuple[np.ndarray, ...]
    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four along-edge costs of :meth:`.graph.WalkingGraph.portions`; ``linear``
        holds them for a linear edge and is kept for edges without pieces."""
        head_fwd, tail_fwd, head_back, tail_back = (part.copy() for part in linear)
        slot = self.slot[edge] if edge.size else np.zeros(0, dtype=np.int64)
        chosen = np.flatnonzero(slot >= 0)
        if chosen.size == 0:
            return head_fwd, tail_fwd, head_back, tail_back
        row = slot[chosen]
        n = self.pieces[row].astype(np.int64)
        position = fraction[chosen] * n
        k = np.minimum(np.floor(position).astype(np.int64), n - 1)
        within = position - k
        owner, piece = expand_ranges(np.zeros(chosen.size, dtype=np.int64), n)
        first = self.offset[row][owner] + piece
        grade = (self.heights[first + 1] - self.heights[first]) / self.run_m[row][owner]
        starts = np.cumsum(n) - n
        k_of = k[owner]
        seconds = self.flat_seconds[row]
        for slowness, head, tail in (
            (self.model.slowness(grade), head_fwd, tail_fwd),
            (self.model.slowness(-grade), head_back, tail_back),
        ):
            before = np.add.reduceat(np.where(piece < k_of, slowness, 0.0), starts)
            at = np.add.reduceat(np.where(piece == k_of, slowness, 0.0), starts)
            after = np.add.reduceat(np.where(piece > k_of, slowness, 0.0), starts)
            head[chosen] = seconds * ((before + within * at) / n)
            tail[chosen] = seconds * ((after + (1.0 - within) * at) / n)
        return head_fwd, tail_fwd, head_back, tail_back


@dataclass(eq=False)
class WalkingCosts:
    """Seconds to walk each edge forwards and backwards, and how to place cost along edges."""

    forward: np.ndarray
    backward: np.ndarray
    profile: Optional[PieceProfile]
    connector_rate: float
    report: WalkingReport

    def graph(self, graph: WalkingGraph) -> WalkingGraph:
        """``graph`` with these costs (directed, both adjacencies built)."""
        return graph.with_directed_cost(
            self.forward, self.backward, self.profile, self.connector_rate
        )


def check_walk_speed(speed: Any) -> float:
    """The flat walking speed as a float; DataError unless it is a positive number (m/s)."""
    try:
        value = float(speed)
    except (TypeError, ValueError):
        value = float("nan")
    if not (np.isfinite(value) and value > 0):
        raise DataError(
            N_("The walking speed must be a positive number of metres per second, not {value}"),
            value=speed,
        )
    return value


def walking_time_graph(
    graph: WalkingGraph,
    speed: float,
    kinds: Optional[LineKinds] = None,
    terrain: Optional[Terrain] = None,
    node_dem_xy: Optional[np.ndarray] = None,
    model: Optional[WalkingModel] = None,
    line_ids: Optional[Sequence[Any]] = None,
) -> Tuple[WalkingGraph, WalkingReport]:
    """The directed walking-time graph and the report (see :func:`walking_costs`)."""
    costs = walking_costs(graph, speed, kinds, terrain, node_dem_xy, model, line_ids)
    return costs.graph(graph), costs.report


def heights_needed(graph: WalkingGraph, kinds: Optional[LineKinds] = None) -> np.ndarray:
    """Graph nodes whose height the costs ask of the DEM: every node of a terrain line and the
    first and last node of stairs and structures (sorted)."""
    lines = _Lines(graph, kinds, None, checks=False)
    terrain_edges = np.flatnonzero(lines.edge_kind == KIND_TERRAIN)
    linear = lines.line_kind[lines.present] != KIND_FIXED
    ends = lines.present[linear & (lines.line_kind[lines.present] != KIND_TERRAIN)]
    return np.unique(
        np.concatenate(
            [
                graph.edge_from[terrain_edges],
                graph.edge_to[terrain_edges],
                lines.first_node[ends],
                lines.last_node[ends],
            ]
        )
    )


def walking_costs(
    graph: WalkingGraph,
    speed: float,
    kinds: Optional[LineKinds] = None,
    terrain: Optional[Terrain] = None,
    node_dem_xy: Optional[np.ndarray] = None,
    model: Optional[WalkingModel] = None,
    line_ids: Optional[Sequence[Any]] = None,
) -> WalkingCosts:
    """Forward and backward walking seconds of every edge (see the module docstring).

    ``node_dem_xy`` (n_nodes, 2) holds the graph's nodes in the DEM's CRS (default: the
    graph's own coordinates, for a DEM in the network's CRS); piece ends are interpolated
    between them, so only nodes need transforming (exact for an affine change of CRS, and
    within about a millimetre for any other, degrees included, over a segment of a few
    hundred metres). Nodes that could not be transformed may be NaN: they count as outside
    the DEM. ``line_ids`` name lines in messages.

    Raises DataError for a speed <= 0, a fixed time that is not a positive number of seconds,
    a negative step count, or a DEM that gives no height anywhere on the network.
    """
    speed = check_walk_speed(speed)
    model = model or load_walking_model()
    lines = _Lines(graph, kinds, line_ids)
    report = WalkingReport(with_terrain=terrain is not None)
    report.n_stairs = int(np.count_nonzero(lines.line_kind[lines.present] == KIND_STAIRS))
    report.n_structures = int(np.count_nonzero(lines.line_kind[lines.present] == KIND_STRUCTURE))
    report.n_fixed = int(np.count_nonzero(lines.line_kind[lines.present] == KIND_FIXED))

    length = graph.edge_length
    flat = length / speed
    forward = flat.copy()
    backward = flat.copy()
    profile = None
    dem_xy = _dem_xy(graph, node_dem_xy) if terrain is not None else None

    fixed = lines.edge_kind == KIND_FIXED
    if fixed.any():
        line = graph.edge_line[fixed]
        spread = lines.fixed_seconds[line] * (length[fixed] / lines.line_length[line])
        forward[fixed] = spread
        backward[fixed] = spread

    missing_nodes = []
    rise = _linear_rises(graph, lines, terrain, dem_xy, model, report, missing_nodes)
    stairs = lines.edge_kind == KIND_STAIRS
    if stairs.any():
        edge_rise = rise.rise[graph.edge_line[stairs]] * lines.share[stairs]
        up, down = model.stairs_up_m_per_s, model.stairs_down_m_per_s
        climb_fwd = np.where(edge_rise > 0, edge_rise / up, -edge_rise / down)
        climb_back = np.where(edge_rise < 0, -edge_rise / up, edge_rise / down)
        both_up = rise.climbed_both_ways[graph.edge_line[stairs]]
        climb_fwd = np.where(both_up, np.abs(edge_rise) / up, climb_fwd)
        climb_back = np.where(both_up, np.abs(edge_rise) / up, climb_back)
        forward[stairs] = flat[stairs] + climb_fwd
        backward[stairs] = flat[stairs] + climb_back
    structures = lines.edge_kind == KIND_STRUCTURE
    if structures.any():
        grade = rise.grade[graph.edge_line[structures]]
        forward[structures] = flat[structures] * model.slowness(grade)
        backward[structures] = flat[structures] * model.slowness(-grade)

    terrain_edges = np.flatnonzero(lines.edge_kind == KIND_TERRAIN)
    if terrain is not None and terrain_edges.size:
        profile = _terrain_costs(
            graph,
            lines,
            terrain_edges,
            terrain,
            dem_xy,
            model,
            speed,
            forward,
            backward,
            report,
            missing_nodes,
        )
    if terrain is not None:
        report.missing_nodes = np.unique(np.concatenate(missing_nodes or [np.zeros(0, np.int64)]))
        if report.n_points > 0 and report.n_missing == report.n_points:
            raise DataError(
                N_(
                    "The DEM gives no height anywhere on the walking network: all {count} "
                    "points asked lie outside it or on nodata cells. Check that the DEM covers "
                    "the network's area."
                ),
                count=report.n_points,
            )
    return WalkingCosts(forward, backward, profile, 1.0 / speed, report)


# --------------------------------------------------------------------------------------------
# Lines: kinds, lengths, ends
# --------------------------------------------------------------------------------------------


class _Lines:
    """Per-line facts the costs need: kind, horizontal length, first and last node, and per
    edge its share of its line's length and its kind."""

    def __init__(
        self,
        graph: WalkingGraph,
        kinds: Optional[LineKinds],
        line_ids: Optional[Sequence[Any]],
        checks: bool = True,
    ) -> None:
        kinds = kinds or LineKinds()
        edge_line = graph.edge_line
        n_lines = int(edge_line.max(initial=-1)) + 1
        for array in _given(kinds):
            n_lines = max(n_lines, np.asarray(array).reshape(-1).shape[0])
        self.n_lines = n_lines
        self.line_ids = line_ids
        stairs = self._flags(kinds.is_stairs, "is_stairs")
        structure = self._flags(kinds.is_structure, "is_structure")
        self.fixed_seconds = self._numbers(kinds.fixed_seconds, "fixed_seconds")
        self.step_count = self._numbers(kinds.step_count, "step_count")
        self.incline = np.sign(np.nan_to_num(self._numbers(kinds.stairs_incline, "stairs_incline")))
        if checks:
            self._check_values()
        kind = np.full(n_lines, KIND_TERRAIN, dtype=np.int8)
        kind[structure] = KIND_STRUCTURE
        kind[stairs] = KIND_STAIRS
        kind[np.isfinite(self.fixed_seconds)] = KIND_FIXED
        self.line_kind = kind
        self.edge_kind = kind[edge_line]
        self.line_length = np.bincount(edge_line, weights=graph.edge_length, minlength=n_lines)
        self.present = np.flatnonzero(np.bincount(edge_line, minlength=n_lines) > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.share = graph.edge_length / self.line_length[edge_line]
        # Edges of a line follow its vertices; a stable sort keeps that within each line.
        if edge_line.size and np.any(edge_line[1:] < edge_line[:-1]):
            self.order = np.argsort(edge_line, kind="stable")
        else:
            self.order = np.arange(edge_line.shape[0])
        sorted_line = edge_line[self.order]
        starts = (
            np.flatnonzero(np.r_[True, sorted_line[1:] != sorted_line[:-1]])
            if sorted_line.size
            else np.zeros(0, np.int64)
        )
        stops = (
            np.r_[starts[1:], sorted_line.shape[0]] - 1
            if sorted_line.size
            else np.zeros(0, np.int64)
        )
        self.first_node = np.full(n_lines, -1, dtype=np.int64)
        self.last_node = np.full(n_lines, -1, dtype=np.int64)
        if sorted_line.size:
            self.first_node[sorted_line[starts]] = graph.edge_from[self.order[starts]]
            self.last_node[sorted_line[stops]] = graph.edge_to[self.order[stops]]
        # Where each edge starts along its line (metres), summed within each line.
        sorted_length = graph.edge_length[self.order]
        cumulative = np.cumsum(sorted_length) - sorted_length
        group = np.repeat(np.arange(starts.shape[0]), np.diff(np.r_[starts, sorted_line.shape[0]]))
        position = np.empty(edge_line.shape[0])
        position[self.order] = cumulative - cumulative[starts][group] if starts.size else cumulative
        self.edge_start = position

    def name(self, index: int) -> Any:
        return index if self.line_ids is None else self.line_ids[index]

    def _flags(self, values: Optional[np.ndarray], what: str) -> np.ndarray:
        if values is None:
            return np.zeros(self.n_lines, dtype=bool)
        flags = np.asarray(values, dtype=bool).reshape(-1)
        if flags.shape[0] != self.n_lines:
            raise ValueError(f"{what} must have one value per line")
        return flags

    def _numbers(self, values: Optional[np.ndarray], what: str) -> np.ndarray:
        if values is None:
            return np.full(self.n_lines, np.nan)
        numbers = np.asarray(values, dtype=np.float64).reshape(-1)
        if numbers.shape[0] != self.n_lines:
            raise ValueError(f"{what} must have one value per line")
        return numbers

    def _check_values(self) -> None:
        fixed = self.fixed_seconds
        bad = ~np.isnan(fixed) & ~(np.isfinite(fixed) & (fixed > 0))
        if bad.any():
            index = int(np.argmax(bad))
            raise DataError(
                N_(
                    "Network line {line_id}: fixed time {value} is not a positive number of "
                    "seconds (leave it empty for a line without a fixed time)"
                ),
                line_id=self.name(index),
                value=fixed[index],
            )
        steps = self.step_count
        bad = ~np.isnan(steps) & ~(np.isfinite(steps) & (steps >= 0))
        if bad.any():
            index = int(np.argmax(bad))
            raise DataError(
                N_("Network line {line_id}: step count {value} is not a non-negative number"),
                line_id=self.name(index),
                value=steps[index],
            )


def _given(kinds: LineKinds):
    for array in (
        kinds.is_stairs,
        kinds.is_structure,
        kinds.fixed_seconds,
        kinds.step_count,
        kinds.stairs_incline,
    ):
        if array is not None:
            yield array


def _dem_xy(graph: WalkingGraph, node_dem_xy: Optional[np.ndarray]) -> np.ndarray:
    if node_dem_xy is None:
        return graph.node_xy
    xy = np.asarray(node_dem_xy, dtype=np.float64)
    if xy.shape != (graph.n_nodes, 2):
        raise ValueError("node_dem_xy must hold (x, y) in the DEM's CRS for every graph node")
    return xy


# --------------------------------------------------------------------------------------------
# Stairs and structures: the line's linear height
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _LinearRises:
    """Per line: height gained from first to last vertex, the grade, and whether its climb is
    of unknown direction (climbed both ways)."""

    rise: np.ndarray
    grade: np.ndarray
    climbed_both_ways: np.ndarray


def _linear_rises(graph, lines: _Lines, terrain, dem_xy, model, report, missing_nodes):
    rise = np.zeros(lines.n_lines)
    both_ways = np.zeros(lines.n_lines, dtype=bool)
    kind = lines.line_kind
    chosen = lines.present[
        (kind[lines.present] == KIND_STAIRS) | (kind[lines.present] == KIND_STRUCTURE)
    ]
    stairs_without = chosen[kind[chosen] == KIND_STAIRS]
    if terrain is not None and chosen.size:
        first, last = lines.first_node[chosen], lines.last_node[chosen]
        h0, v0 = terrain.sample(dem_xy[first, 0], dem_xy[first, 1])
        h1, v1 = terrain.sample(dem_xy[last, 0], dem_xy[last, 1])
        report.n_points += 2 * chosen.size
        report.n_missing += int(np.count_nonzero(~v0) + np.count_nonzero(~v1))
        missing_nodes.extend([first[~v0], last[~v1]])
        h0 = np.where(v0, h0, np.where(v1, h1, 0.0))
        h1 = np.where(v1, h1, h0)
        rise[chosen] = np.where(v0 | v1, h1 - h0, 0.0)
        neither = ~(v0 | v1)
        report.filled_lines = np.union1d(report.filled_lines, chosen[(v0 ^ v1)])
        stairs_without = chosen[neither & (kind[chosen] == KIND_STAIRS)]
        report.level_lines = np.union1d(
            report.level_lines, chosen[neither & (kind[chosen] == KIND_STRUCTURE)]
        )
    # Stairs without DEM heights: their step count says how high they climb.
    counted = stairs_without[np.isfinite(lines.step_count[stairs_without])]
    rise_by_steps = lines.step_count[counted] * model.step_height_m
    direction = lines.incline[counted]
    rise[counted] = np.where(direction < 0, -rise_by_steps, rise_by_steps)
    both_ways[counted] = direction == 0
    report.stairs_from_step_count = counted
    report.stairs_unknown_direction = counted[direction == 0]
    report.stairs_without_rise = stairs_without[~np.isfinite(lines.step_count[stairs_without])]
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where(lines.line_length > 0, rise / lines.line_length, 0.0)
    return _LinearRises(rise, grade, both_ways)


# --------------------------------------------------------------------------------------------
# Terrain: pieces, heights, Tobler
# --------------------------------------------------------------------------------------------


def _piece_counts(length: np.ndarray, piece_length: float) -> np.ndarray:
    return np.maximum(np.ceil(length / piece_length - _PIECE_SLACK), 1).astype(np.int64)


def _terrain_costs(
    graph, lines, edges, terrain, dem_xy, model, speed, forward, backward, report, missing_nodes
) -> Optional[PieceProfile]:
    """Sample every piece end of the terrain edges, fill what the DEM lacks, price the pieces
    and keep the heights of edges whose pieces differ in grade.

    Nodes are converted to the DEM's pixel coordinates once; a piece end, part-way along its
    straight segment, is the same part-way between its nodes' pixels (the map is affine).
    Edges come in chunks of consecutive samples, so every array of a chunk is a slice.
    """
    length = graph.edge_length[edges]
    pieces = _piece_counts(length, model.piece_length_m)
    samples = pieces + 1
    offset = np.cumsum(samples) - samples
    total = int(offset[-1] + samples[-1])
    heights = np.empty(total)
    valid = np.empty(total, dtype=bool)
    used = np.unique(np.concatenate([graph.edge_from[edges], graph.edge_to[edges]]))
    node_u = np.full(graph.n_nodes, np.nan)
    node_v = np.full(graph.n_nodes, np.nan)
    node_u[used], node_v[used] = terrain.pixels(dem_xy[used, 0], dem_xy[used, 1])
    inverse_pieces = 1.0 / pieces
    for chunk in _edge_chunks(samples):
        first, stop = _sample_range(offset, samples, chunk)
        edge_of = _owners(samples[chunk], stop - first)
        t = np.arange(stop - first, dtype=np.float64)
        t -= (offset[chunk] - first).take(edge_of)
        t *= inverse_pieces[chunk].take(edge_of)
        a, b = graph.edge_from[edges[chunk]], graph.edge_to[edges[chunk]]
        u0, v0 = node_u[a], node_v[a]
        u = u0.take(edge_of) + t * (node_u[b] - u0).take(edge_of)
        v = v0.take(edge_of) + t * (node_v[b] - v0).take(edge_of)
        heights[first:stop], valid[first:stop] = terrain.sample_pixels(u, v)
    report.n_points += total
    missing = int(total - np.count_nonzero(valid))
    report.n_missing += missing
    if missing:
        _fill_along_lines(
            graph, lines, edges, pieces, offset, heights, valid, report, missing_nodes
        )

    flat = length / speed
    run = length / pieces
    inverse_run = 1.0 / run
    keep = np.zeros(edges.shape[0], dtype=bool)
    a, b = model.hiking_a, model.hiking_b
    for chunk in _edge_chunks(samples):
        count = pieces[chunk]
        first, stop = _sample_range(offset, samples, chunk)
        rise = np.diff(heights[first:stop])
        # Drop the differences across edges (each edge's last sample to the next one's first).
        rise = np.delete(rise, (offset[chunk][1:] - first) - 1)
        grade = rise * inverse_run[chunk].take(_owners(count, rise.shape[0]))
        starts = np.cumsum(count) - count
        keep[chunk] = np.maximum.reduceat(grade, starts) != np.minimum.reduceat(grade, starts)
        for sign, out in ((1.0, forward), (-1.0, backward)):
            # slowness(s) = exp(a (|s + b| - b)), in place to spare temporaries.
            slowness = grade * sign if sign != 1.0 else grade.copy()
            slowness += b
            np.abs(slowness, out=slowness)
            slowness -= b
            slowness *= a
            np.exp(slowness, out=slowness)
            out[edges[chunk]] = flat[chunk] * (np.add.reduceat(slowness, starts) / count)
    return _profile(
        graph, edges[keep], pieces[keep], offset[keep], flat[keep], run[keep], heights, model
    )


def _sample_range(offset: np.ndarray, samples: np.ndarray, chunk: slice) -> Tuple[int, int]:
    """First and one-past-last sample of a chunk of consecutive edges."""
    last = chunk.stop - 1
    return int(offset[chunk.start]), int(offset[last] + samples[last])


def _owners(counts: np.ndarray, total: int) -> np.ndarray:
    """For consecutive runs of ``counts`` items, each item's run (0, 0, 1, 1, 1, 2, ...)."""
    owner = np.zeros(total, dtype=np.intp)
    boundaries = np.cumsum(counts)[:-1]  # strictly increasing: every count is at least 1
    owner[boundaries[boundaries < total]] = 1
    return np.cumsum(owner, out=owner)


def _edge_chunks(samples: np.ndarray):
    """Slices of consecutive edges with about _CHUNK_SAMPLES samples each."""
    total = np.cumsum(samples)
    start = 0
    n = samples.shape[0]
    while start < n:
        base = total[start - 1] if start > 0 else 0
        stop = max(int(np.searchsorted(total, base + _CHUNK_SAMPLES, side="right")), start + 1)
        yield slice(start, min(stop, n))
        start = stop


def _profile(graph, edges, pieces, offset, flat, run, heights, model) -> Optional[PieceProfile]:
    """The profile of the edges kept; their heights are copied out only when that saves
    memory (in a hilly city nearly every edge is kept and the sampled array is used as is)."""
    if edges.size == 0:
        return None
    slot = np.full(graph.n_edges, -1, dtype=np.int32)
    slot[edges] = np.arange(edges.size, dtype=np.int32)
    needed = int((pieces + 1).sum())
    if needed > heights.shape[0] // 2:
        kept, new_offset = heights, offset
    else:
        _, at = expand_ranges(offset, offset + pieces + 1)
        kept = np.ascontiguousarray(heights[at])
        new_offset = np.cumsum(pieces + 1) - (pieces + 1)
    return PieceProfile(
        slot=slot,
        pieces=pieces.astype(np.int32),
        offset=new_offset.astype(np.int64),
        flat_seconds=flat,
        run_m=run,
        heights=kept,
        model=model,
    )


def _fill_along_lines(graph, lines, edges, pieces, offset, heights, valid, report, missing_nodes):
    """Give the points the DEM has no height for one along their line (module docstring)."""
    # Nodes without a height: the first and last sample of each edge.
    last = offset + pieces
    missing_nodes.extend(
        [graph.edge_from[edges[~valid[offset]]], graph.edge_to[edges[~valid[last]]]]
    )
    edge_line = graph.edge_line[edges]
    has_missing = np.zeros(edges.shape[0], dtype=bool)
    owner_all, at_all = expand_ranges(offset, offset + pieces + 1)
    bad_owner = np.unique(owner_all[~valid[at_all]])
    has_missing[bad_owner] = True
    affected_lines = np.unique(edge_line[has_missing])
    chosen = np.flatnonzero(np.isin(edge_line, affected_lines))
    # Samples of those lines in along-line order: by line, then by where the edge starts.
    chosen = chosen[np.lexsort((lines.edge_start[edges[chosen]], edge_line[chosen]))]
    owner, at = expand_ranges(offset[chosen], offset[chosen] + pieces[chosen] + 1)
    edge_of = chosen[owner]
    t = (at - offset[edge_of]) / pieces[edge_of]
    position = lines.edge_start[edges[edge_of]] + t * graph.edge_length[edges[edge_of]]
    line = edge_line[edge_of]
    ok = valid[at]
    count = at.shape[0]
    index = np.arange(count)
    previous = np.maximum.accumulate(np.where(ok, index, -1))
    following = np.minimum.accumulate(np.where(ok, index, count)[::-1])[::-1]
    has_previous = previous >= 0
    has_previous[has_previous] = line[previous[has_previous]] == line[has_previous]
    has_following = following < count
    has_following[has_following] = line[following[has_following]] == line[has_following]
    p = np.where(has_previous, previous, 0)
    f = np.where(has_following, following, 0)
    value = heights[at]
    both = ~ok & has_previous & has_following
    span = position[f] - position[p]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(span > 0, (position - position[p]) / span, 0.0)
    filled = np.where(both, heights[at[p]] + share * (heights[at[f]] - heights[at[p]]), value)
    filled = np.where(~ok & has_previous & ~has_following, heights[at[p]], filled)
    filled = np.where(~ok & ~has_previous & has_following, heights[at[f]], filled)
    none = ~ok & ~has_previous & ~has_following
    filled = np.where(none, 0.0, filled)
    heights[at] = filled
    report.filled_lines = np.union1d(report.filled_lines, affected_lines)
    level = np.unique(line[none])
    report.level_lines = np.union1d(report.level_lines, level)
