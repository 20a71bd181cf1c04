"""Choosing sites: maximal coverage for k sites, fewest sites for a target, the coverage curve.

Every answer is the best that can be proven within the time allowed:

1. greedy runs first (it is fast and its own bound sometimes proves it optimal already);
2. with ``scipy.optimize.milp`` the integer programme runs on the reduced instance under the
   time limit; when it proves an optimum, that is the answer (greedy's own sites when they are
   among the optima, so that the tie rule of :mod:`.greedy` decides between equal answers);
3. past the limit, the better of greedy and the solver's incumbent, with the best proven
   bound; without the solver, greedy with its guarantee.

Same input, same sites: greedy's tie rule is fixed, HiGHS is deterministic, the instance is
built in input order. Only a time limit that cuts the solver short can make two runs on
machines of different speed differ, and then the answer says it is not proven.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .exact import (
    STATUS_LIMIT,
    STATUS_OPTIMAL,
    exact_fewest_sites,
    exact_max_coverage,
    milp_solver,
)
from .greedy import GreedyRun, greedy_curve, greedy_target
from .instance import CoverageInstance, ReducedInstance, reduce_instance

METHOD_EXACT = "exact"
METHOD_GREEDY = "greedy"

#: Why an answer is greedy's: no solver (scipy < 1.9 or missing), or the time limit.
FALLBACK_NO_SOLVER = "no_solver"
FALLBACK_TIME_LIMIT = "time_limit"
FALLBACK_SOLVER_FAILED = "solver_failed"

#: Below this many seconds left, the solver is not started again (building a city's
#: programme alone takes about that long).
MIN_SOLVE_SECONDS = 1.0


class Budget:
    """Seconds the exact solver may search across one run (the answer, then the curve).

    Only the solver's own time counts: reducing the instance and greedy are the price of any
    answer, and must not eat the time a planner gave the proof.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.seconds = max(float(seconds), 0.0)
        self.spent = 0.0

    def remaining(self) -> float:
        return max(self.seconds - self.spent, 0.0)

    def worth_starting(self) -> bool:
        """Whether to start the solver again: some time left, and after a first solve at
        least :data:`MIN_SOLVE_SECONDS` (building the programme alone takes about that)."""
        left = self.remaining()
        return left > 0 and (self.spent == 0 or left >= MIN_SOLVE_SECONDS)

    @contextmanager
    def timing(self) -> Iterator[None]:
        """Count the time spent inside the ``with`` block."""
        started = self.clock()
        try:
            yield
        finally:
            self.spent += self.clock() - started


@dataclass(frozen=True)
class RankedSite:
    """A chosen site in the order of marginal gain: what it adds over the sites before it."""

    rank: int
    candidate: int
    gained: float
    gained_units: int
    cumulative: float
    newly_covered: Tuple[int, ...]


@dataclass(frozen=True)
class Answer:
    """A set of sites (original candidate indices) and how good it is known to be.

    ``value`` is the weight the sites newly cover. For maximal coverage ``bound`` is an upper
    bound on the best value and ``gap`` = (bound − value) / bound; for a target ``bound`` is a
    lower bound on the fewest sites and ``gap`` = (sites − bound) / sites. ``optimal``: the gap
    is zero, proven. ``method`` says who found the sites; ``fallback`` why the exact solver
    did not decide (empty when it did, or when greedy was proven optimal on its own).
    """

    sites: Tuple[int, ...]
    value: float
    optimal: bool
    bound: float
    gap: float
    method: str
    fallback: str = ""
    ranked: Tuple[RankedSite, ...] = ()
    #: For a target: the weight the sites had to reach, and whether it had to be lowered to
    #: what the candidates can reach at all.
    target: float = math.nan
    target_capped: bool = False


@dataclass(frozen=True)
class CurvePoint:
    """The best coverage found with ``k`` new sites, and whether it is proven best."""

    k: int
    value: float
    units: int
    optimal: bool
    bound: float
    method: str


@dataclass
class Solver:
    """One instance, reduced once, answering several questions within one time budget."""

    instance: CoverageInstance
    time_limit: float = 60.0
    use_exact: bool = True
    clock: Callable[[], float] = time.monotonic
    _grouped: Optional[ReducedInstance] = field(default=None, init=False, repr=False)
    _undominated: Optional[ReducedInstance] = field(default=None, init=False, repr=False)
    _by_k: Dict[int, Answer] = field(default_factory=dict, init=False, repr=False)
    _greedy_by_k: Dict[int, GreedyRun] = field(default_factory=dict, init=False, repr=False)
    budget: Budget = field(init=False)

    def __post_init__(self) -> None:
        self.budget = Budget(self.time_limit, self.clock)

    # The reductions -----------------------------------------------------------------------

    @property
    def grouped(self) -> ReducedInstance:
        """Demands merged, idle candidates dropped: what greedy runs on (its tie rule sees
        every candidate that covers anything)."""
        if self._grouped is None:
            self._grouped = reduce_instance(self.instance, drop_dominated=False)
        return self._grouped

    @property
    def undominated(self) -> ReducedInstance:
        """Also without dominated candidates: what the integer programme runs on."""
        if self._undominated is None:
            self._undominated = reduce_instance(self.instance, drop_dominated=True)
        return self._undominated

    @property
    def undominated_count(self) -> Optional[int]:
        """Candidates left after dropping dominated ones, when the exact solver needed them."""
        return None if self._undominated is None else self._undominated.reduced.n_candidates

    @property
    def exact_available(self) -> bool:
        return self.use_exact and milp_solver() is not None

    def reachable(self) -> float:
        """All the weight some candidate reaches: the most any choice can cover."""
        return float(self.grouped.reduced.weight.sum())

    # Maximal coverage ---------------------------------------------------------------------

    def maximal_coverage(self, k: int) -> Answer:
        """The k (at most) sites that newly cover the most weight (remembered per k)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if k not in self._by_k:
            self._by_k[k] = self._maximal_coverage(k)
        return self._by_k[k]

    def greedy(self, k: int) -> GreedyRun:
        """Greedy's answer with k sites; one run answers every smaller k too (remembered)."""
        if k not in self._greedy_by_k:
            runs = greedy_curve(self.grouped.reduced, k)
            self._greedy_by_k.update(enumerate(runs, start=1))
        return self._greedy_by_k[k]

    def _maximal_coverage(self, k: int) -> Answer:
        greedy = self.greedy(k)
        greedy_sites = tuple(self.grouped.to_original(greedy.sites))
        tolerance = _tolerance(self.instance)
        if greedy.bound <= greedy.value + tolerance:  # greedy proved optimal by its own bound
            return self._answer(greedy_sites, True, greedy.value, METHOD_GREEDY, "")
        if not self.exact_available:
            return self._answer(
                greedy_sites, False, greedy.bound, METHOD_GREEDY, FALLBACK_NO_SOLVER
            )
        if not self.budget.worth_starting():  # the time is spent
            return self._answer(
                greedy_sites, False, greedy.bound, METHOD_GREEDY, FALLBACK_TIME_LIMIT
            )
        reduced = self.undominated
        with self.budget.timing():
            run = exact_max_coverage(reduced.reduced, k, self.budget.remaining())
        exact_sites = tuple(reduced.to_original(run.sites))
        exact_value = self.instance.value(exact_sites)
        bound = min(greedy.bound, run.bound)
        if run.status == STATUS_OPTIMAL and exact_value >= greedy.value - tolerance:
            if greedy.value >= exact_value - tolerance:  # greedy is among the optima
                return self._answer(greedy_sites, True, greedy.value, METHOD_GREEDY, "")
            return self._answer(exact_sites, True, exact_value, METHOD_EXACT, "")
        fallback = FALLBACK_TIME_LIMIT if run.status == STATUS_LIMIT else FALLBACK_SOLVER_FAILED
        if exact_sites and exact_value > greedy.value + tolerance:
            proven = exact_value >= bound - tolerance
            return self._answer(exact_sites, proven, bound, METHOD_EXACT, fallback)
        proven = greedy.value >= bound - tolerance
        return self._answer(greedy_sites, proven, bound, METHOD_GREEDY, fallback)

    def _answer(
        self,
        sites: Sequence[int],
        optimal: bool,
        bound: float,
        method: str,
        fallback: str,
        target: Optional[float] = None,
        capped: bool = False,
    ) -> Answer:
        """The answer for ``sites``, ranked; ``bound`` as :class:`Answer` describes it (a lower
        bound on the count when ``target`` is given, else an upper bound on the value)."""
        ranked = rank_sites(self.instance, sites)
        value = ranked[-1].cumulative if ranked else 0.0
        kept = tuple(site.candidate for site in ranked)
        if target is not None:
            gap = (len(kept) - bound) / len(kept) if kept else 0.0
        else:
            bound = max(bound, value)
            gap = (bound - value) / bound if bound > 0 else 0.0
        return Answer(
            sites=kept,
            value=value,
            optimal=bool(optimal),
            bound=float(bound),
            gap=0.0 if optimal else max(float(gap), 0.0),
            method=method,
            fallback=fallback,
            ranked=tuple(ranked),
            target=math.nan if target is None else float(target),
            target_capped=capped,
        )

    # Fewest sites for a target ------------------------------------------------------------

    def fewest_sites(self, target: float) -> Answer:
        """The fewest sites that newly cover at least ``target`` weight; among those many
        sites, the ones covering the most.

        A target beyond what the candidates can reach at all is lowered to that (the demands
        no candidate reaches are set aside; ``target_capped`` says so): never an infeasible
        answer.
        """
        tolerance = _tolerance(self.instance)
        reachable = self.reachable()
        capped = target > reachable + tolerance
        target = min(float(target), reachable)
        if target <= tolerance:
            return self._answer((), True, 0.0, METHOD_GREEDY, "", target, capped)
        need = target - tolerance  # what floating-point sums must reach

        greedy = greedy_target(self.grouped.reduced, need)
        count, lower = len(greedy.sites), max(greedy.bound, 1.0)
        sites, method = tuple(self.grouped.to_original(greedy.sites)), METHOD_GREEDY
        fallback = ""
        if count > lower:
            if not self.exact_available:
                fallback = FALLBACK_NO_SOLVER
            elif not self.budget.worth_starting():
                fallback = FALLBACK_TIME_LIMIT
            else:
                with self.budget.timing():
                    run = exact_fewest_sites(
                        self.undominated.reduced, need, self.budget.remaining()
                    )
                exact_sites = tuple(self.undominated.to_original(run.sites))
                reaches = bool(exact_sites) and self.instance.value(exact_sites) >= need
                lower = max(lower, run.bound)
                if reaches and len(exact_sites) < count:
                    count, sites, method = len(exact_sites), exact_sites, METHOD_EXACT
                if run.status == STATUS_OPTIMAL and reaches:
                    lower = max(lower, float(len(exact_sites)))
                if count > lower:
                    fallback = (
                        FALLBACK_TIME_LIMIT
                        if run.status == STATUS_LIMIT
                        else FALLBACK_SOLVER_FAILED
                    )
        # Among sets of ``count`` sites, the one covering most (it reaches the target too).
        best = self.maximal_coverage(count)
        if best.value >= need and best.value > self.instance.value(sites):
            sites, method = best.sites, best.method
        return self._answer(sites, count <= lower, lower, method, fallback, target, capped)

    # The coverage curve -------------------------------------------------------------------

    def curve(self, k_max: int) -> List[CurvePoint]:
        """The best coverage for every k = 1 … ``k_max``: exact while time is left, greedy
        (with its bound) after; answers already found for a k are not sought again."""
        points: List[CurvePoint] = []
        if k_max >= 1:
            self.greedy(k_max)  # one greedy run for the whole curve
        for k in range(1, k_max + 1):
            answer = self.maximal_coverage(k)
            units = int(sum(site.gained_units for site in answer.ranked))
            points.append(
                CurvePoint(k, answer.value, units, answer.optimal, answer.bound, answer.method)
            )
        return points


def rank_sites(instance: CoverageInstance, sites: Sequence[int]) -> List[RankedSite]:
    """The chosen sites in the order of their marginal gain (largest first; ties: more units
    newly covered, then input order); sites that add nothing are left out."""
    remaining = sorted({int(site) for site in sites})
    covered = np.zeros(instance.n_demands, dtype=bool)
    ranked: List[RankedSite] = []
    cumulative = 0.0
    while remaining:
        best: Optional[Tuple[float, int, int]] = None
        for site in remaining:
            new = instance.covers(site)[~covered[instance.covers(site)]]
            key = (-float(instance.weight[new].sum()), -int(instance.units[new].sum()), site)
            if best is None or key < best:
                best = key
        assert best is not None
        gain, units, site = -best[0], -best[1], best[2]
        if gain <= 0.0:
            break
        new = instance.covers(site)[~covered[instance.covers(site)]]
        covered[new] = True
        cumulative += gain
        ranked.append(
            RankedSite(len(ranked) + 1, site, gain, units, cumulative, tuple(new.tolist()))
        )
        remaining.remove(site)
    return ranked


def _tolerance(instance: CoverageInstance) -> float:
    """How close two coverage figures must be to count as equal (floating-point sums)."""
    return 1e-9 * max(1.0, float(instance.weight.sum()))
