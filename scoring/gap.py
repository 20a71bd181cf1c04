"""Facility gap analysis: which residential units lack which facility type within its radius.

Units and facilities are joined to the walking network once; then one multi-source search per
facility type gives every unit its distance to the nearest facility of that type. A unit is
covered for a type when that distance is within the type's radius (the 5/10/15-minute life
circle of the standard). Without a network the distances are straight-line and the result says
so. Nothing here knows about QGIS: the adapter passes plain arrays and writes the layers.

In walking time (``measure=walking_time(speed)``, DESIGN §4b) the graph carries directed
walking-time costs (:func:`.network.walking_time.walking_time_graph`) and the searches run
from each unit to the facilities: ``time[code]`` holds the minutes to the quickest facility,
``distance[code]`` the metres of that quickest route, and ``ok[code]`` is judged on time, within
the type's ``walk_minutes`` or else the time to walk its ``radius_m`` on flat ground (see
:mod:`.network.measure`). ``max_distance`` stays in metres: in walking time the search stops at
the time needed to walk that far on flat ground.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Protocol, Sequence

import numpy as np

from .errors import N_, Cancelled, DataError
from .network import (
    Snaps,
    WalkingGraph,
    on_island,
    snap_points,
    straight_line_distances,
)
from .network.measure import DISTANCE, Measure
from .network.search import WALK_TO_SOURCE, nearest

MODE_NETWORK = "network"
MODE_STRAIGHT_LINE = "straight_line"

#: Stable reason codes per unit; the adapter translates them into words.
REASON_OK = ""
REASON_NOT_JOINED = "not_joined"
REASON_ISLAND = "island"


class FacilityTypeRadius(Protocol):
    """What the gap analysis needs of a facility type of the standard (and, when it has one,
    its ``walk_minutes``, read with ``getattr``)."""

    @property
    def code(self) -> str: ...

    @property
    def radius_m(self) -> float: ...


class Progress(Protocol):
    """The slice of a Processing feedback the domain uses."""

    def set_progress(self, fraction: float) -> None: ...

    def is_cancelled(self) -> bool: ...


@dataclass
class PointSet:
    """Residential units as points: ids, (n, 2) coordinates in metres, population (NaN =
    unknown; ``None`` = unknown for all)."""

    ids: Sequence[Any]
    xy: np.ndarray
    population: Optional[np.ndarray] = None


@dataclass
class FacilitySet:
    """Facilities as points with the standard's type code each (None or '' = unknown type).
    ``ids`` name facilities in messages (default: their index)."""

    xy: np.ndarray
    type_code: Sequence[Optional[str]]
    ids: Optional[Sequence[Any]] = None


@dataclass
class TypeSummary:
    """One summary row per facility type. Population figures count units with a known
    population only; ``share_covered`` is NaN when no unit has one."""

    code: str
    radius_m: float
    n_facilities: int
    n_facilities_joined: int
    units_covered: int
    units_reached: int
    units_total: int
    population_covered: float
    population_total: float
    share_covered: float
    mean_distance: float
    median_distance: float
    #: Walking time only (NaN in distance mode): the coverage limit and the times reached.
    limit_minutes: float = float("nan")
    mean_minutes: float = float("nan")
    median_minutes: float = float("nan")


@dataclass(eq=False)
class GapResult:
    """Per unit (arrays in the order of the input units) and per facility type results.

    ``distance[code]`` is NaN where nothing of that type is within the cut-off; ``ok[code]`` is
    1 within the radius (walking time: within the type's time limit), else 0. ``time[code]``
    (walking time only, else empty) holds minutes, and ``distance`` then the metres of the
    quickest route. Facility index arrays refer to the input facilities.
    """

    mode: str
    codes: List[str]
    unit_ids: Sequence[Any]
    distance: Dict[str, np.ndarray]
    ok: Dict[str, np.ndarray]
    gaps: List[str]
    n_gaps: np.ndarray
    reason: List[str]
    summary: List[TypeSummary]
    facilities_not_joined: np.ndarray
    facilities_on_island: np.ndarray
    facilities_untyped: np.ndarray
    facilities_unknown_type: np.ndarray
    n_components: int = 0
    max_distance: float = float("nan")
    #: Where units and facilities joined the network (None in straight-line mode), e.g. for
    #: drawing connectors or reporting their length.
    unit_snaps: Optional[Snaps] = None
    facility_snaps: Optional[Snaps] = None
    measure: Measure = DISTANCE
    time: Dict[str, np.ndarray] = field(default_factory=dict)


def analyse_gaps(
    units: PointSet,
    facilities: FacilitySet,
    types: Sequence[FacilityTypeRadius],
    graph: Optional[WalkingGraph],
    snap_tolerance: float,
    max_distance: float,
    feedback: Optional[Progress] = None,
    satisfied_by: Optional[Mapping[str, Sequence[str]]] = None,
    measure: Measure = DISTANCE,
) -> GapResult:
    """Distances, coverage and gaps of every unit for every facility type of ``types``.

    ``graph=None`` measures straight-line distances (and ignores ``snap_tolerance``).
    ``satisfied_by`` names, per type code, the higher types that also serve it (a community
    health centre serves as a health station): a unit next to one has no gap for the lower type.
    ``measure`` is metres (default) or walking time; with walking time ``graph`` must carry
    walking-time costs at the measure's speed (see the module docstring).
    Raises DataError for bad input the user can fix and Cancelled when ``feedback`` says so.
    """
    _check_settings(snap_tolerance, max_distance, graph is not None)
    _check_graph_measure(graph, measure)
    limits = _check_types(types, max_distance, measure)
    codes = list(limits)
    max_cost = measure.cost_of_metres(float(max_distance))
    unit_xy = _checked_xy(
        units.xy,
        units.ids,
        N_("Residential unit {unit_id}: its location has no valid coordinates"),
        "unit_id",
    )
    facility_ids = facilities.ids if facilities.ids is not None else range(len(facilities.xy))
    facility_xy = _checked_xy(
        facilities.xy,
        facility_ids,
        N_("Facility {facility_id}: its location has no valid coordinates"),
        "facility_id",
    )
    population = _checked_population(units, unit_xy.shape[0])
    facility_code = _facility_codes(facilities, facility_xy.shape[0])
    known = np.isin(facility_code, codes)
    steps = _Steps(feedback, 1 + len(codes))

    steps.check_cancelled()
    searcher = _make_searcher(graph, unit_xy, facility_xy, known, snap_tolerance, measure)
    steps.done()
    distance: Dict[str, np.ndarray] = {}
    minutes: Dict[str, np.ndarray] = {}
    ok: Dict[str, np.ndarray] = {}
    for kind in types:
        steps.check_cancelled()
        serving = [kind.code, *(satisfied_by or {}).get(kind.code, ())]
        of_type = np.isin(facility_code, serving)
        cost, distance[kind.code] = searcher.search(of_type, max_cost)
        ok[kind.code] = (cost <= limits[kind.code]).astype(np.int8)
        if measure.time:
            minutes[kind.code] = measure.minutes(cost)
        steps.done()

    gaps, n_gaps = _gap_lists(codes, ok, unit_xy.shape[0])
    summary = [
        _summarise(
            kind,
            facility_code,
            searcher,
            distance[kind.code],
            ok[kind.code],
            population,
            minutes.get(kind.code),
            measure.minutes(limits[kind.code]) if measure.time else float("nan"),
        )
        for kind in types
    ]
    return GapResult(
        mode=searcher.mode,
        codes=codes,
        unit_ids=units.ids,
        distance=distance,
        ok=ok,
        gaps=gaps,
        n_gaps=n_gaps,
        reason=searcher.unit_reasons(),
        summary=summary,
        facilities_not_joined=np.flatnonzero(known & ~searcher.facility_joined),
        facilities_on_island=np.flatnonzero(known & searcher.facility_island),
        facilities_untyped=np.flatnonzero(facility_code == ""),
        facilities_unknown_type=np.flatnonzero((facility_code != "") & ~known),
        n_components=graph.n_components if graph is not None else 0,
        max_distance=float(max_distance),
        unit_snaps=searcher.unit_snaps,
        facility_snaps=searcher.facility_snaps,
        measure=measure,
        time=minutes,
    )


class _Steps:
    """Progress over the snapping step and one step per facility type; cancel in between."""

    def __init__(self, feedback: Optional[Progress], total: int) -> None:
        self.feedback = feedback
        self.total = max(total, 1)
        self.finished = 0

    def check_cancelled(self) -> None:
        if self.feedback is not None and self.feedback.is_cancelled():
            raise Cancelled()

    def done(self) -> None:
        self.finished += 1
        if self.feedback is not None:
            self.feedback.set_progress(self.finished / self.total)


class _NetworkSearcher:
    """Snaps units and facilities once; one multi-source search per facility type."""

    mode = MODE_NETWORK

    def __init__(self, graph: WalkingGraph, unit_xy, facility_xy, considered, tolerance, measure):
        self.graph = graph
        self.measure = measure
        self.unit_snaps = snap_points(graph, unit_xy, tolerance)
        self.facility_snaps = snap_points(
            graph, np.where(considered[:, None], facility_xy, np.nan), tolerance
        )
        self.unit_island = on_island(graph, self.unit_snaps)
        self.facility_joined = self.facility_snaps.joined
        self.facility_island = on_island(graph, self.facility_snaps)

    def search(self, of_type: np.ndarray, max_cost: float):
        """(cost, metres of that route) from every unit to the nearest facility of_type."""
        sources = self.facility_snaps.take(of_type)
        found = nearest(
            self.graph, sources, self.unit_snaps, max_cost, WALK_TO_SOURCE, self.measure.time
        )
        return found.cost, found.cost if found.length is None else found.length

    def unit_reasons(self) -> List[str]:
        reason = np.full(len(self.unit_snaps), REASON_OK, dtype=object)
        reason[self.unit_island] = REASON_ISLAND
        reason[~self.unit_snaps.joined] = REASON_NOT_JOINED
        return reason.tolist()


class _StraightSearcher:
    """Crow-flies distances: every unit and facility counts as joined."""

    mode = MODE_STRAIGHT_LINE
    unit_snaps = None
    facility_snaps = None

    def __init__(self, unit_xy, facility_xy, measure) -> None:
        self.unit_xy = unit_xy
        self.facility_xy = facility_xy
        self.measure = measure
        self.facility_joined = np.ones(facility_xy.shape[0], dtype=bool)
        self.facility_island = np.zeros(facility_xy.shape[0], dtype=bool)

    def search(self, of_type: np.ndarray, max_cost: float):
        """(cost, metres): a straight walk is flat, so its time is its length / speed."""
        max_metres = max_cost * self.measure.walk_speed if self.measure.time else max_cost
        metres = straight_line_distances(self.facility_xy[of_type], self.unit_xy, max_metres)
        return self.measure.cost_of_metres(metres), metres

    def unit_reasons(self) -> List[str]:
        return [REASON_OK] * self.unit_xy.shape[0]


def _make_searcher(graph, unit_xy, facility_xy, considered, snap_tolerance, measure):
    """Network searcher with a graph, straight-line one without; only facilities of a type
    in the standard (``considered``) are joined to the network."""
    if graph is None:
        return _StraightSearcher(unit_xy, facility_xy, measure)
    return _NetworkSearcher(graph, unit_xy, facility_xy, considered, float(snap_tolerance), measure)


def _check_graph_measure(graph: Optional[WalkingGraph], measure: Measure) -> None:
    """A programming slip, not the user's: walking time needs a walking-time graph."""
    if graph is None:
        return
    rate = 1.0 / measure.walk_speed if measure.time else 1.0
    if not np.isclose(graph.connector_rate, rate, rtol=1e-12, atol=0.0):
        raise ValueError(
            "the graph's costs do not match the measure: build a walking-time graph at the "
            "measure's speed (walking_time_graph) for walking time, the plain graph for metres"
        )


def _check_types(
    types: Sequence[FacilityTypeRadius], max_distance: float, measure: Measure
) -> Dict[str, float]:
    """Each type code's coverage limit (metres or seconds), in standard order; refuses
    duplicates and limits the search cannot judge."""
    limits: Dict[str, float] = {}
    max_cost = measure.cost_of_metres(float(max_distance))
    for kind in types:
        code = str(kind.code)
        if code in limits:
            raise DataError(N_("Facility type {code} appears more than once"), code=code)
        radius = float(kind.radius_m)
        if not np.isfinite(radius) or radius < 0:
            raise DataError(
                N_("Facility type {code}: radius {radius} m is not a non-negative number"),
                code=code,
                radius=kind.radius_m,
            )
        walk_minutes = getattr(kind, "walk_minutes", None)
        if walk_minutes is not None and not (np.isfinite(float(walk_minutes)) and walk_minutes > 0):
            raise DataError(
                N_("Facility type {code}: walking time {value} min is not a positive number"),
                code=code,
                value=walk_minutes,
            )
        limit = measure.coverage_limit(radius, walk_minutes)
        if limit > max_cost and not measure.time:
            raise DataError(
                N_(
                    "Facility type {code}: its radius of {radius} m is beyond the search "
                    "cut-off of {max_distance} m, so coverage cannot be judged; raise the "
                    "maximum distance"
                ),
                code=code,
                radius=radius,
                max_distance=max_distance,
            )
        if limit > max_cost:
            raise DataError(
                N_(
                    "Facility type {code}: its walking time of {minutes} min is beyond the "
                    "search cut-off of {max_minutes} min (the time to walk the maximum "
                    "distance of {max_distance} m on flat ground), so coverage cannot be "
                    "judged; raise the maximum distance"
                ),
                code=code,
                minutes=round(measure.minutes(limit), 2),
                max_minutes=round(measure.minutes(max_cost), 2),
                max_distance=max_distance,
            )
        limits[code] = limit
    return limits


def _check_settings(snap_tolerance: float, max_distance: float, network: bool) -> None:
    if not (float(max_distance) > 0):
        raise DataError(
            N_("The maximum distance must be a positive number of metres, not {value}"),
            value=max_distance,
        )
    if network and not (np.isfinite(float(snap_tolerance)) and float(snap_tolerance) >= 0):
        raise DataError(
            N_("The snap tolerance must be a non-negative number of metres, not {value}"),
            value=snap_tolerance,
        )


def _checked_xy(xy, ids: Sequence[Any], template: str, id_name: str) -> np.ndarray:
    points = np.asarray(xy, dtype=np.float64)
    if points.size == 0:
        return np.zeros((0, 2))
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError("coordinates must be an (n, 2) array")
    if len(ids) != points.shape[0]:
        raise ValueError("one id per point is required")
    bad = ~np.all(np.isfinite(points), axis=1)
    if bad.any():
        raise DataError(template, **{id_name: ids[int(np.argmax(bad))]})
    return points


def _checked_population(units: PointSet, n: int) -> np.ndarray:
    if units.population is None:
        return np.full(n, np.nan)
    population = np.asarray(units.population, dtype=np.float64).reshape(-1)
    if population.shape[0] != n:
        raise ValueError("one population value per unit is required")
    negative = population < 0
    if negative.any():
        index = int(np.argmax(negative))
        raise DataError(
            N_("Residential unit {unit_id}: population {value} is negative"),
            unit_id=units.ids[index],
            value=population[index],
        )
    return population


def _facility_codes(facilities: FacilitySet, n: int) -> np.ndarray:
    if len(facilities.type_code) != n:
        raise ValueError("one type code per facility is required")
    return np.array(["" if code is None else str(code) for code in facilities.type_code], dtype=str)


def _gap_lists(codes: List[str], ok: Dict[str, np.ndarray], n_units: int):
    """Missing type codes per unit, comma-separated in standard order, and their number."""
    if not codes:
        return [""] * n_units, np.zeros(n_units, dtype=np.int64)
    missing = np.stack([ok[code] == 0 for code in codes], axis=1)
    gaps = [",".join(code for code, miss in zip(codes, row) if miss) for row in missing.tolist()]
    return gaps, missing.sum(axis=1).astype(np.int64)


def _summarise(
    kind, facility_code, searcher, distance, ok, population, minutes, limit_minutes
) -> TypeSummary:
    of_type = facility_code == kind.code
    known_population = np.isfinite(population)
    population_total = float(population[known_population].sum())
    population_covered = float(population[known_population & (ok == 1)].sum())
    reached = distance[np.isfinite(distance)]
    times = minutes[np.isfinite(minutes)] if minutes is not None else np.zeros(0)
    return TypeSummary(
        code=str(kind.code),
        radius_m=float(kind.radius_m),
        n_facilities=int(of_type.sum()),
        n_facilities_joined=int((of_type & searcher.facility_joined).sum()),
        units_covered=int((ok == 1).sum()),
        units_reached=int(reached.size),
        units_total=int(distance.shape[0]),
        population_covered=population_covered,
        population_total=population_total,
        share_covered=population_covered / population_total if population_total > 0 else np.nan,
        mean_distance=float(reached.mean()) if reached.size else np.nan,
        median_distance=float(np.median(reached)) if reached.size else np.nan,
        limit_minutes=float(limit_minutes),
        mean_minutes=float(times.mean()) if times.size else np.nan,
        median_minutes=float(np.median(times)) if times.size else np.nan,
    )
