"""Lazy greedy site selection: the answer without an integer-programming solver, with its
guarantee and a bound computed from the run itself.

Greedy takes, again and again, the candidate that newly covers the most weight. Coverage is
submodular (a site's gain only shrinks as others are chosen), so a gain computed earlier is an
upper bound on the gain now: the lazy variant keeps candidates in a heap under their last
known gain and recomputes only the one on top, which gives exactly the same choices as
recomputing all of them at every step, at a fraction of the cost.

Tie rule (the same input always gives the same sites): the larger gain in weight first, then
the one newly covering more units, then the candidate earlier in the input order.

Guarantees (Nemhauser, Wolsey & Fisher 1978; Slavík 1997):

- maximal coverage with k sites: greedy covers at least (1 − 1/e) ≈ 63.2 % of the best
  possible. Besides, for every step t, best ≤ covered(t) + the sum of the k largest gains
  still available, which the run computes; the smallest such figure is reported as the upper
  bound, usually far tighter than the a-priori factor;
- fewest sites for a target: greedy uses at most 1 + OPT · ln(target / w) sites, w the
  smallest positive demand weight; and at every step the remaining need divided by the
  largest gain is a lower bound on OPT, the largest of which is reported.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

from .instance import CoverageInstance

#: The a-priori guarantee of greedy maximal coverage.
GREEDY_FACTOR = 1.0 - 1.0 / math.e

_Key = Tuple[float, int, int]  # (−gain, −units, candidate): smaller is better


@dataclass(frozen=True)
class GreedyRun:
    """The sites greedy chose, in the order chosen, with their gains and the bound.

    ``bound`` is an upper bound on the best value with ``len(limit)`` sites (maximal coverage)
    or a lower bound on the fewest sites (target); see the module docstring.
    """

    sites: Tuple[int, ...]
    gains: Tuple[float, ...]
    units: Tuple[int, ...]
    value: float
    bound: float


def greedy_max_coverage(instance: CoverageInstance, k: int) -> GreedyRun:
    """At most ``k`` sites, each the best next one; stops early when nothing gains weight."""
    return greedy_curve(instance, k)[-1]


def greedy_curve(instance: CoverageInstance, k_max: int) -> List[GreedyRun]:
    """Greedy's answer for every k = 1 … ``k_max`` from one run: the first k sites chosen are
    greedy's answer with k sites, so one run serves the whole coverage curve. Each answer's
    bound is the smallest of covered(t) + the k largest gains at t over every step t of the
    run (all valid for every k), capped by all the weight any candidate reaches."""
    if k_max < 1:
        raise ValueError("k_max must be at least 1")
    chooser = _Chooser(instance)
    bounds = [math.inf] * k_max
    values = [0.0]  # covered after t sites
    while len(chooser.sites) < k_max:
        _tighten(bounds, values[-1], chooser.top_gains(k_max))
        if chooser.take() is None:
            break
        values.append(chooser.value)
    finished = chooser.exhausted or not chooser.heap
    if not finished:
        _tighten(bounds, values[-1], chooser.top_gains(k_max))
    total = _total(instance)
    runs = []
    for k in range(1, k_max + 1):
        t = min(k, len(chooser.sites))
        value = values[t]
        # Exhausted: everything any candidate reaches is covered, nothing better exists.
        cap = values[-1] if finished else total
        bound = max(value, min(bounds[k - 1], cap, total))
        runs.append(
            GreedyRun(
                tuple(chooser.sites[:t]),
                tuple(chooser.gains[:t]),
                tuple(chooser.units[:t]),
                value,
                float(bound),
            )
        )
    return runs


def greedy_target(instance: CoverageInstance, target: float) -> GreedyRun:
    """Sites added greedily until their coverage reaches ``target`` (or nothing gains).

    ``bound`` is a lower bound on the fewest sites: at every step the best solution covers
    the remaining need with its OPT sites, each gaining at most the largest gain now, so
    OPT >= need / gain.
    """
    target = float(target)
    chooser = _Chooser(instance)
    bound = 0.0
    while chooser.value < target:
        need = target - chooser.value
        chosen = chooser.take()
        if chosen is None:
            break
        bound = max(bound, math.ceil(need / chooser.gains[-1] - 1e-9))
    return GreedyRun(
        tuple(chooser.sites),
        tuple(chooser.gains),
        tuple(chooser.units),
        chooser.value,
        float(bound),
    )


def _tighten(bounds: List[float], value: float, top: List[float]) -> None:
    """bound_k <= value + the k largest gains, for every k (``top`` sorted, largest first)."""
    running = 0.0
    for k in range(len(bounds)):
        if k < len(top):
            running += top[k]
        bounds[k] = min(bounds[k], value + running)


class _Chooser:
    """The lazy greedy's state: the heap of (stale) keys, what is covered, what was taken."""

    def __init__(self, instance: CoverageInstance) -> None:
        self.weight = instance.weight.tolist()
        self.unit_count = instance.units.tolist()
        self.covered = [False] * instance.n_demands
        flat, starts = instance.cover_index.tolist(), instance.cover_start.tolist()
        m = instance.n_candidates
        self.members = [flat[starts[j] : starts[j + 1]] for j in range(m)]
        # The first keys at once: the sums run in the same order as fresh_key's, so they are
        # the same numbers, bit for bit (the lazy comparison relies on it).
        owner = np.repeat(np.arange(m), instance.coverage_size())
        gain = np.bincount(owner, weights=instance.weight[instance.cover_index], minlength=m)
        count = np.bincount(owner, weights=instance.units[instance.cover_index], minlength=m)
        self.heap: List[_Key] = list(
            zip((-gain).tolist(), (-count.astype(np.int64)).tolist(), range(m))
        )
        heapq.heapify(self.heap)
        self.sites: List[int] = []
        self.gains: List[float] = []
        self.units: List[int] = []
        self.value = 0.0
        self.exhausted = False

    def fresh_key(self, candidate: int) -> _Key:
        gain = 0.0
        count = 0
        covered, weight, units = self.covered, self.weight, self.unit_count
        for demand in self.members[candidate]:
            if not covered[demand]:
                gain += weight[demand]
                count += units[demand]
        return (-gain, -count, candidate)

    def top_gains(self, k: int) -> List[float]:
        """The k largest gains in the heap, largest first (upper bounds of the true gains)."""
        return [-key[0] for key in heapq.nsmallest(k, self.heap)]

    def take(self) -> Optional[int]:
        """Choose the best candidate now; None (and ``exhausted``) when nothing gains."""
        chosen = _pop_best(self.heap, self.fresh_key)
        if chosen is None:
            self.exhausted = True
            return None
        self.sites.append(chosen[2])
        self.gains.append(-chosen[0])
        self.units.append(-chosen[1])
        self.value += -chosen[0]
        for demand in self.members[chosen[2]]:
            self.covered[demand] = True
        return chosen[2]


def _pop_best(heap: List[_Key], fresh_key) -> Optional[_Key]:
    """The candidate with the best current key, taken off the heap; None when none gains.

    A key in the heap is never better than the candidate's current one (gains and unit
    counts only shrink), so a recomputed key that is still no worse than the heap's top is the
    best of all.
    """
    while heap:
        current = fresh_key(heapq.heappop(heap)[2])
        if heap and current > heap[0]:
            heapq.heappush(heap, current)
            continue
        return current if current[0] < 0.0 else None
    return None


def _total(instance: CoverageInstance) -> float:
    """All the weight any candidate reaches: no choice covers more."""
    return float(instance.weight[np.unique(instance.cover_index)].sum())
