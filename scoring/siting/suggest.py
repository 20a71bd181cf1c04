"""Site suggestion from start to finish: which compounds lack the type, who each candidate
would serve, the best sites, and every compound's status afterwards.

This is what ``completecommunity:suggestsites`` calls with plain arrays. The "covered before"
is the facility gap analysis itself (:func:`..gap.analyse_gaps` for the one type, existing
facilities of the type and of the types that satisfy it counted), so the two algorithms can
never disagree about who lacks a facility.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, List, Optional, Sequence, Union

import numpy as np

from ..errors import N_, Cancelled, DataError
from ..gap import FacilitySet, FacilityTypeRadius, GapResult, PointSet, Progress, analyse_gaps
from ..network import DISTANCE, Measure, Snaps, WalkingGraph, on_island, snap_points
from ..network.reach import metres_per_cost
from .coverage import coverage_pairs
from .instance import CoverageInstance
from .solve import METHOD_GREEDY, Answer, CurvePoint, RankedSite, Solver

#: Every unit's status after the suggestion (stable codes; the adapter words them).
STATUS_COVERED_BEFORE = "covered_before"
STATUS_NEWLY_COVERED = "newly_covered"
STATUS_NOT_COVERED = "not_covered"
STATUS_UNREACHABLE = "unreachable"

#: What the objective counts: residents, or (without any population) compounds.
WEIGHT_POPULATION = "population"
WEIGHT_UNITS = "units"


@dataclass(frozen=True)
class SiteRequest:
    """What to choose: ``sites`` new sites (maximal coverage), or with ``target_share`` the
    fewest sites that bring the type's coverage to that share of all residents.

    ``time_limit`` (s) bounds the exact solver over the whole run; 0 answers with greedy
    alone. ``curve_sites`` extends the coverage curve beyond the sites chosen.
    """

    facility_type: FacilityTypeRadius
    satisfiers: Sequence[str] = ()
    sites: Optional[int] = 1
    target_share: Optional[float] = None
    time_limit: float = 60.0
    curve_sites: int = 0


@dataclass(frozen=True)
class CandidateSet:
    """Candidate sites as points (measuring CRS) with an id each. ``snaps`` where they are
    already known to sit on the network (proposed sites); otherwise they are snapped here."""

    xy: np.ndarray
    ids: Sequence[Any]
    snaps: Optional[Snaps] = None


#: Proposes candidates for the uncovered demands: (their points, reach in metres) → sites.
Proposer = Callable[[np.ndarray, float], CandidateSet]


@dataclass(frozen=True)
class ChosenSite:
    """One chosen site, in rank order, with what it adds over the sites ranked before it.

    ``candidate`` indexes the candidate set; ``units`` the input units it newly covers.
    """

    rank: int
    candidate: int
    candidate_id: Any
    gained: float
    gained_units: int
    cumulative: float
    units: tuple


@dataclass(eq=False)
class Suggestion:
    """Everything the adapter writes and reports. Unit arrays follow the input units."""

    code: str
    radius_m: float
    #: What a walk is measured in, and the cost within which a site serves a compound.
    measure: Measure
    limit: float
    weight_kind: str
    gap: GapResult
    candidates: CandidateSet
    candidate_joined: np.ndarray
    candidate_on_island: np.ndarray
    candidate_reaches: np.ndarray
    answer: Answer
    sites: List[ChosenSite]
    curve: List[CurvePoint]
    status: np.ndarray
    site_rank: np.ndarray
    site_cost: np.ndarray
    site_metres: np.ndarray
    weight: np.ndarray
    total: float
    covered_before: float
    n_demands: int
    n_groups: int = 0
    #: Candidates the exact solver kept (None when it was not needed).
    n_undominated: Optional[int] = None

    @property
    def gained(self) -> float:
        return self.answer.value

    @property
    def share_before(self) -> float:
        return self.covered_before / self.total if self.total > 0 else float("nan")

    @property
    def share_after(self) -> float:
        return (self.covered_before + self.gained) / self.total if self.total > 0 else float("nan")


def suggest_sites(
    units: PointSet,
    facilities: FacilitySet,
    request: SiteRequest,
    graph: Optional[WalkingGraph],
    snap_tolerance: float,
    max_distance: float,
    candidates: Union[CandidateSet, Proposer],
    feedback: Optional[Progress] = None,
    measure: Measure = DISTANCE,
) -> Suggestion:
    """Choose sites for ``request.facility_type``; see the module docstring.

    ``measure`` is metres or walking time (then ``graph`` carries walking-time costs, as
    :func:`..gap.analyse_gaps` takes it): a site serves the compounds whose walk to it is
    within the type's coverage limit, the same limit the gap analysis judges coverage by.

    Raises :class:`DataError` for a request that cannot be answered (bad numbers, duplicate
    candidate ids, no candidate within reach of anyone not yet served).
    """
    check_request(request)
    kind = request.facility_type
    code, radius = str(kind.code), float(kind.radius_m)
    gap = analyse_gaps(
        units,
        facilities,
        [kind],
        graph,
        snap_tolerance,
        max_distance,
        satisfied_by={code: tuple(request.satisfiers)},
        measure=measure,
    )
    limit = measure.coverage_limit(radius, getattr(kind, "walk_minutes", None))
    _check_cancelled(feedback)
    weight, weight_kind = _weights(units, len(gap.unit_ids))
    covered = gap.ok[code] == 1
    demand = np.flatnonzero(~covered)
    if graph is not None:
        demand = demand[gap.unit_snaps.joined[demand]]
    unit_xy = np.asarray(units.xy, dtype=np.float64).reshape(-1, 2)
    if callable(candidates):  # as far as the fastest walk within the limit could go
        reach_m = limit * (metres_per_cost(graph) if graph is not None else 1.0)
        candidates = candidates(unit_xy[demand], reach_m)
    check_candidate_ids(candidates.ids)
    cand_xy = np.asarray(candidates.xy, dtype=np.float64).reshape(-1, 2)
    cand_snaps = None
    joined = np.isfinite(cand_xy).all(axis=1)
    island = np.zeros(cand_xy.shape[0], dtype=bool)
    if graph is not None:
        cand_snaps = candidates.snaps or snap_points(graph, cand_xy, float(snap_tolerance))
        joined = cand_snaps.joined.copy()
        island = on_island(graph, cand_snaps)
    _check_cancelled(feedback)

    usable = np.flatnonzero(joined)
    pairs = coverage_pairs(
        unit_xy[demand],
        cand_xy[usable],
        limit,
        graph,
        gap.unit_snaps.take(demand) if graph is not None else None,
        cand_snaps.take(usable) if cand_snaps is not None else None,
        measure,
    )
    reaches = np.zeros(cand_xy.shape[0], dtype=bool)
    reaches[usable[pairs.candidate]] = True
    total = float(weight.sum())
    before = float(weight[covered].sum())
    base = dict(
        code=code,
        radius_m=radius,
        measure=measure,
        limit=limit,
        weight_kind=weight_kind,
        gap=gap,
        candidates=candidates,
        candidate_joined=joined,
        candidate_on_island=island,
        candidate_reaches=reaches,
        weight=weight,
        total=total,
        covered_before=before,
        n_demands=int(demand.size),
    )
    met = request.target_share is not None and request.target_share * total <= before
    if demand.size and not pairs.demand.size and not met:
        raise DataError(
            N_(
                "No candidate site is within {minutes} min walk of a compound without {type}: "
                "there is nothing to choose from ({candidates} candidates, {joined} of them on "
                "the walking network, {demands} compounds not served)"
            )
            if measure.time
            else N_(
                "No candidate site is within {radius} m of a compound without {type}: there "
                "is nothing to choose from ({candidates} candidates, {joined} of them on the "
                "walking network, {demands} compounds not served)"
            ),
            radius=_number(radius),
            minutes=_number(round(measure.minutes(limit), 1)),
            type=code,
            candidates=cand_xy.shape[0],
            joined=int(joined.sum()),
            demands=int(demand.size),
        )

    instance = CoverageInstance.from_pairs(
        int(demand.size), int(usable.size), pairs.demand, pairs.candidate, weight[demand]
    )
    solver = Solver(instance, time_limit=request.time_limit, use_exact=request.time_limit > 0)
    if request.target_share is not None:
        answer = solver.fewest_sites(request.target_share * total - before)
    elif demand.size:
        answer = solver.maximal_coverage(int(request.sites))
    else:  # everyone is served already
        answer = Answer((), 0.0, True, 0.0, 0.0, METHOD_GREEDY)
    _check_cancelled(feedback)
    k_max = len(answer.sites) if request.target_share is not None else int(request.sites)
    k_max = min(max(k_max, int(request.curve_sites or 0)), int(np.count_nonzero(reaches)))
    curve = solver.curve(k_max) if demand.size else []

    sites = [
        ChosenSite(
            rank=site.rank,
            candidate=int(usable[site.candidate]),
            candidate_id=candidates.ids[int(usable[site.candidate])],
            gained=site.gained,
            gained_units=site.gained_units,
            cumulative=site.cumulative,
            units=tuple(int(demand[index]) for index in site.newly_covered),
        )
        for site in answer.ranked
    ]
    status, site_rank, site_cost, site_metres = _unit_status(
        len(gap.unit_ids), covered, demand, pairs, answer.ranked
    )
    return Suggestion(
        answer=replace(answer, sites=tuple(int(usable[site]) for site in answer.sites)),
        sites=sites,
        curve=curve,
        status=status,
        site_rank=site_rank,
        site_cost=site_cost,
        site_metres=site_metres,
        n_groups=solver.grouped.reduced.n_demands if demand.size else 0,
        n_undominated=solver.undominated_count,
        **base,
    )


def _unit_status(n: int, covered, demand, pairs, ranked: Sequence[RankedSite]):
    """Per unit: its status, the rank of the site that newly covers it (0: none) and the cost
    and metres of the walk to that site (NaN: none). ``ranked`` and ``pairs`` number demands
    and candidates as the instance does."""
    status = np.full(n, STATUS_UNREACHABLE, dtype=object)
    status[covered] = STATUS_COVERED_BEFORE
    status[demand[np.unique(pairs.demand)]] = STATUS_NOT_COVERED
    site_rank = np.zeros(n, dtype=np.int64)
    site_cost = np.full(n, np.nan)
    site_metres = np.full(n, np.nan)
    walk_of = {
        (d, c): (cost, metres)
        for d, c, cost, metres in zip(
            pairs.demand.tolist(),
            pairs.candidate.tolist(),
            pairs.cost.tolist(),
            pairs.metres.tolist(),
        )
    }
    for site in ranked:
        for index in site.newly_covered:
            unit = int(demand[index])
            status[unit] = STATUS_NEWLY_COVERED
            site_rank[unit] = site.rank
            site_cost[unit], site_metres[unit] = walk_of[(index, site.candidate)]
    return status, site_rank, site_cost, site_metres


def _weights(units: PointSet, n: int):
    """Residents per unit (unknown = 0), or one per unit when no population is known at all."""
    if units.population is None:
        return np.ones(n), WEIGHT_UNITS
    population = np.asarray(units.population, dtype=np.float64).reshape(-1)
    if not np.isfinite(population).any():
        return np.ones(n), WEIGHT_UNITS
    return np.where(np.isfinite(population), population, 0.0), WEIGHT_POPULATION


def check_request(request: SiteRequest) -> None:
    """Refuse a request that cannot be answered, naming the value (before any work)."""
    if request.target_share is not None:
        share = float(request.target_share)
        if not (0.0 < share <= 1.0):
            raise DataError(
                N_(
                    "The target share must be more than 0 and at most 1 (e.g. 0.9 for 90 %), "
                    "not {value}"
                ),
                value=_number(request.target_share),
            )
    elif request.sites is None or int(request.sites) < 1 or int(request.sites) != request.sites:
        raise DataError(
            N_("The number of sites must be a whole number of at least 1, not {value}"),
            value=request.sites,
        )
    if not (float(request.time_limit) >= 0):
        raise DataError(
            N_("The time limit must be zero or more seconds, not {value}"),
            value=request.time_limit,
        )


def check_candidate_ids(ids: Sequence[Any]) -> None:
    """Refuse two candidates with one id: results, outputs and plan projects name sites by it."""
    seen = set()
    for value in ids:
        key = "" if value is None else str(value)
        if key in seen:
            raise DataError(
                N_("Candidate id '{id}' appears more than once; every candidate needs its own id"),
                id=key,
            )
        seen.add(key)


def _check_cancelled(feedback: Optional[Progress]) -> None:
    if feedback is not None and feedback.is_cancelled():
        raise Cancelled()


def _number(value: Any) -> str:
    """A number as messages show it: 300 rather than 300.0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(number)
