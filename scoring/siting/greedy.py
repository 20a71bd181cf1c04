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
    return _greedy(instance, k=k, target=None)


def greedy_target(instance: CoverageInstance, target: float) -> GreedyRun:
    """Sites added greedily until their coverage reaches ``target`` (or nothing gains)."""
    return _greedy(instance, k=None, target=float(target))


def _greedy(instance: CoverageInstance, k: Optional[int], target: Optional[float]) -> GreedyRun:
    weight = instance.weight.tolist()
    units = instance.units.tolist()
    covered = [False] * instance.n_demands
    members = [instance.covers(j).tolist() for j in range(instance.n_candidates)]

    def fresh_key(candidate: int) -> _Key:
        gain = 0.0
        count = 0
        for demand in members[candidate]:
            if not covered[demand]:
                gain += weight[demand]
                count += units[demand]
        return (-gain, -count, candidate)

    heap: List[_Key] = [fresh_key(j) for j in range(instance.n_candidates)]
    heapq.heapify(heap)
    sites: List[int] = []
    gains: List[float] = []
    gained_units: List[int] = []
    value = 0.0
    bound = math.inf if target is None else 0.0
    exhausted = False  # nothing left gains anything
    while (k is None or len(sites) < k) and (target is None or value < target):
        if target is None:
            bound = min(bound, value + _top_gains(heap, k))
        chosen = _pop_best(heap, fresh_key)
        if chosen is None:
            exhausted = True
            break
        gain = -chosen[0]
        if target is not None:
            # The best solution covers the remaining need with its OPT sites, each gaining at
            # most ``gain`` now, so OPT >= need / gain.
            bound = max(bound, math.ceil((target - value) / gain - 1e-9))
        sites.append(chosen[2])
        gains.append(gain)
        gained_units.append(-chosen[1])
        value += gain
        for demand in members[chosen[2]]:
            covered[demand] = True
    if target is None:
        if exhausted or not heap:
            bound = value  # everything any candidate reaches is covered: nothing better exists
        else:
            bound = max(value, min(bound, value + _top_gains(heap, k), _total(instance)))
    return GreedyRun(tuple(sites), tuple(gains), tuple(gained_units), value, float(bound))


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


def _top_gains(heap: List[_Key], k: Optional[int]) -> float:
    """The sum of the k largest gains in the heap: an upper bound on what k more sites add
    (the keys are upper bounds on the current gains)."""
    return -sum(key[0] for key in heapq.nsmallest(int(k or 0), heap))


def _total(instance: CoverageInstance) -> float:
    """All the weight any candidate reaches: no choice covers more."""
    return float(instance.weight[np.unique(instance.cover_index)].sum())


def set_cover_factor(target: float, smallest_weight: float) -> float:
    """The a-priori factor for greedy on a target: sites ≤ 1 + OPT · ln(target / w)."""
    if smallest_weight <= 0 or target <= smallest_weight:
        return 1.0
    return max(1.0, math.log(target / smallest_weight))
