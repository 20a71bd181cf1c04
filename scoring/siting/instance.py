"""A coverage instance: people not yet served, candidate sites, and whom each site would serve.

The instance is stored sparsely, one sorted list of demand indices per candidate (CSR), because
a city's matrix of 20,000 compounds × thousands of candidates is almost all zeros: a
kindergarten 300 m away serves a few dozen compounds at most. Nothing here ever builds the
dense matrix.

:func:`reduce_instance` shrinks an instance without changing its optimum (see its docstring
for why each step is safe), which is what makes the exact solver fast at city scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..network import _optional

#: Candidates whose overlaps with all others are counted at once (see :func:`_undominated`).
_DOMINANCE_ROWS = 2_000


@dataclass(frozen=True, eq=False)
class CoverageInstance:
    """Demands ``0..n-1`` with a weight each and candidates ``0..m-1`` with the demands each
    would cover: ``cover_index[cover_start[j]:cover_start[j + 1]]`` (sorted, no repeats).

    ``weight`` is what the objective counts (people); ``units`` how many residential units a
    demand stands for (1 before reduction; the merged count after it).
    """

    weight: np.ndarray
    units: np.ndarray
    cover_start: np.ndarray
    cover_index: np.ndarray

    @property
    def n_demands(self) -> int:
        return int(self.weight.shape[0])

    @property
    def n_candidates(self) -> int:
        return int(self.cover_start.shape[0] - 1)

    def covers(self, candidate: int) -> np.ndarray:
        """The demands candidate ``candidate`` would cover (sorted)."""
        return self.cover_index[self.cover_start[candidate] : self.cover_start[candidate + 1]]

    def coverage_size(self) -> np.ndarray:
        """How many demands each candidate covers."""
        return np.diff(self.cover_start)

    def covered_by(self, sites) -> np.ndarray:
        """Which demands the given candidates cover together (boolean per demand)."""
        covered = np.zeros(self.n_demands, dtype=bool)
        for site in sites:
            covered[self.covers(int(site))] = True
        return covered

    def value(self, sites) -> float:
        """The weight the given candidates cover together, each demand counted once."""
        return float(self.weight[self.covered_by(sites)].sum())

    @classmethod
    def from_pairs(
        cls,
        n_demands: int,
        n_candidates: int,
        demand: np.ndarray,
        candidate: np.ndarray,
        weight: np.ndarray,
        units: Optional[np.ndarray] = None,
    ) -> CoverageInstance:
        """The instance where candidate ``candidate[p]`` covers demand ``demand[p]``.

        Repeated pairs count once. Weights must be finite and non-negative: an unknown
        population is the caller's to turn into 0 (and to report).
        """
        weight = np.asarray(weight, dtype=np.float64).reshape(-1)
        if weight.shape[0] != n_demands:
            raise ValueError("one weight per demand is required")
        if not (np.all(np.isfinite(weight)) and np.all(weight >= 0)):
            raise ValueError("weights must be finite and non-negative")
        units = np.ones(n_demands, dtype=np.int64) if units is None else np.asarray(units)
        demand = np.asarray(demand, dtype=np.int64).reshape(-1)
        candidate = np.asarray(candidate, dtype=np.int64).reshape(-1)
        if demand.shape != candidate.shape:
            raise ValueError("demand and candidate must pair up")
        if demand.size and (
            demand.min() < 0
            or demand.max() >= n_demands
            or candidate.min() < 0
            or candidate.max() >= n_candidates
        ):
            raise ValueError("pair index out of range")
        order = np.lexsort((demand, candidate))
        demand, candidate = demand[order], candidate[order]
        if demand.size:
            fresh = np.ones(demand.shape[0], dtype=bool)
            fresh[1:] = (demand[1:] != demand[:-1]) | (candidate[1:] != candidate[:-1])
            demand, candidate = demand[fresh], candidate[fresh]
        start = np.zeros(n_candidates + 1, dtype=np.int64)
        np.cumsum(np.bincount(candidate, minlength=n_candidates), out=start[1:])
        return cls(
            weight=weight, units=units.astype(np.int64), cover_start=start, cover_index=demand
        )

    def pairs(self) -> Tuple[np.ndarray, np.ndarray]:
        """(demand, candidate) of every covering pair, by candidate then demand."""
        candidate = np.repeat(np.arange(self.n_candidates), self.coverage_size())
        return self.cover_index.copy(), candidate

    def subset(self, candidates: np.ndarray) -> CoverageInstance:
        """The same demands with only the given candidates (renumbered in the given order)."""
        candidates = np.asarray(candidates, dtype=np.int64)
        sizes = self.coverage_size()[candidates]
        start = np.zeros(candidates.shape[0] + 1, dtype=np.int64)
        np.cumsum(sizes, out=start[1:])
        # Where each kept pair sits in ``cover_index``: its candidate's start plus its place.
        place = np.arange(start[-1]) + np.repeat(self.cover_start[candidates] - start[:-1], sizes)
        return CoverageInstance(self.weight, self.units, start, self.cover_index[place])


@dataclass(frozen=True, eq=False)
class ReducedInstance:
    """A smaller instance with the same optimum, and the way back to the original one.

    ``reduced`` has one demand per *group* of original demands that the same candidates cover
    (weights and unit counts summed) and only the kept candidates. ``group_of[i]`` is the
    group of original demand ``i`` (-1 when no candidate reaches it); ``candidate_of[c]`` the
    original index of reduced candidate ``c``. ``unreachable`` lists the original demands no
    candidate reaches, ``idle`` the candidates that reach no demand, and ``dominated`` maps each
    candidate dropped as dominated to the kept candidate that covers everything it covers.
    """

    original: CoverageInstance
    reduced: CoverageInstance
    group_of: np.ndarray
    candidate_of: np.ndarray
    unreachable: np.ndarray
    idle: np.ndarray
    dominated: Dict[int, int]

    def to_original(self, sites) -> List[int]:
        """Reduced candidate indices as original ones."""
        return [int(self.candidate_of[int(site)]) for site in sites]


def reduce_instance(instance: CoverageInstance, drop_dominated: bool = True) -> ReducedInstance:
    """Shrink ``instance`` without changing the best value of any k, nor the fewest sites
    for any target.

    1. Demands no candidate reaches cannot be gained by any choice: set aside.
    2. Candidates that reach no demand gain nothing: dropped.
    3. Demands covered by exactly the same candidates are gained together by every choice of
       sites, so they merge into one demand whose weight is their sum.
    4. (``drop_dominated``) A candidate whose demands are all covered by another kept candidate
       is dominated: in any solution it can be swapped for the other (or, if the other is
       already chosen, dropped) without covering less, so some optimum never uses it. Of
       candidates covering the same demands the first in order is kept. Needs scipy's sparse
       matrices (it is skipped without them; the greedy path does not need it).
    """
    n, m = instance.n_demands, instance.n_candidates
    demand, candidate = instance.pairs()
    reached = np.zeros(n, dtype=bool)
    reached[demand] = True
    unreachable = np.flatnonzero(~reached)
    idle = np.flatnonzero(instance.coverage_size() == 0)

    group_of, n_groups = _group_by_candidate_set(n, demand, candidate, reached)
    weight = np.bincount(group_of[reached], weights=instance.weight[reached], minlength=n_groups)
    units = np.bincount(group_of[reached], weights=instance.units[reached], minlength=n_groups)
    kept = np.flatnonzero(instance.coverage_size() > 0)
    grouped = CoverageInstance.from_pairs(
        n_groups, m, group_of[demand], candidate, weight, units.astype(np.int64)
    )
    dominated: Dict[int, int] = {}
    if drop_dominated and _optional.scipy_sparse() is not None and kept.size > 1:
        kept, dominated = _undominated(grouped, kept)
    return ReducedInstance(
        original=instance,
        reduced=grouped.subset(kept),
        group_of=group_of,
        candidate_of=kept,
        unreachable=unreachable,
        idle=idle,
        dominated=dominated,
    )


def _group_by_candidate_set(
    n: int, demand: np.ndarray, candidate: np.ndarray, reached: np.ndarray
) -> Tuple[np.ndarray, int]:
    """Group number per demand (-1 for unreached): demands with the same candidate set share
    one. Groups are numbered in the order of their first demand, so the result does not
    depend on hashing."""
    order = np.lexsort((candidate, demand))
    by_demand, cands = demand[order], candidate[order]
    bounds = np.flatnonzero(np.diff(by_demand)) + 1
    starts = np.concatenate([[0], bounds]) if by_demand.size else np.zeros(0, dtype=np.int64)
    stops = np.concatenate([bounds, [by_demand.size]]) if by_demand.size else starts
    group_of = np.full(n, -1, dtype=np.int64)
    seen: Dict[bytes, int] = {}
    for start, stop in zip(starts.tolist(), stops.tolist()):
        key = cands[start:stop].tobytes()
        group_of[by_demand[start]] = seen.setdefault(key, len(seen))
    assert np.all((group_of >= 0) == reached)
    return group_of, len(seen)


def _undominated(instance: CoverageInstance, kept: np.ndarray) -> Tuple[np.ndarray, Dict[int, int]]:
    """The candidates of ``kept`` that no other kept candidate dominates, and for each dropped
    one a kept candidate that dominates it.

    ``shared[a, b]`` (a sparse product) counts the demands a and b both cover; a is covered by
    b when that equals a's own size. Among equal sets the lower index dominates, so
    "dominates" is a strict order and every dropped candidate has an undominated dominator.
    """
    sparse = _optional.scipy_sparse()
    demand, candidate = instance.subset(kept).pairs()
    matrix = sparse.csr_matrix(
        (np.ones(demand.shape[0]), (candidate, demand)),
        shape=(kept.shape[0], instance.n_demands),
    )
    transposed = matrix.T.tocsr()
    size = instance.coverage_size()[kept]
    n = kept.shape[0]
    dominator = np.full(n, -1, dtype=np.int64)  # the lowest-numbered dominator of each
    # In slices of rows: the product's size grows with the square of how many candidates
    # reach one compound, which proposed sites 50 m apart make large.
    for first in range(0, n, _DOMINANCE_ROWS):
        shared = (matrix[first : first + _DOMINANCE_ROWS] @ transposed).tocoo()
        a, b, count = shared.row + first, shared.col, shared.data
        covers_a = (a != b) & (count == size[a])
        strictly = covers_a & ((size[b] > size[a]) | ((size[b] == size[a]) & (b < a)))
        lower, upper = a[strictly], b[strictly]
        if lower.size:
            order = np.lexsort((upper, lower))
            lower, upper = lower[order], upper[order]
            head = np.ones(lower.size, dtype=bool)
            head[1:] = lower[1:] != lower[:-1]
            dominator[lower[head]] = upper[head]
    # Follow each chain to a kept candidate (pointer jumping; a strict order has no cycles).
    root = np.where(dominator >= 0, dominator, np.arange(n))
    while True:
        step = np.where(dominator[root] >= 0, dominator[root], root)
        if np.array_equal(step, root):
            break
        root = step
    survivors = np.flatnonzero(dominator < 0)
    gone = np.flatnonzero(dominator >= 0)
    dropped = dict(zip(kept[gone].tolist(), kept[root[gone]].tolist()))
    return kept[survivors], dropped
