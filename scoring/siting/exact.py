"""The exact answer: maximal coverage and fewest sites as integer programmes for HiGHS.

``scipy.optimize.milp`` (scipy ≥ 1.9, which ships HiGHS) solves them under a time limit.
The programmes are the textbook ones (Church & ReVelle 1974 for maximal coverage; the partial
set cover for a target), on the reduced instance:

- x_j ∈ {0, 1}: candidate j is chosen; y_g ∈ [0, 1]: demand group g is covered.
  y_g ≤ Σ_{j covers g} x_j ties coverage to the chosen sites. y need not be declared integer:
  for integer x the best y is 0 or 1 anyway, which keeps the branching on x alone.
- maximal coverage: maximise Σ w_g y_g subject to Σ x_j ≤ k;
- fewest sites: minimise Σ x_j subject to Σ w_g y_g ≥ target.

Groups of weight zero have no say in the objective and are left out. The relative gap
tolerance is set to 0, so "optimal" means proven best (up to HiGHS's absolute tolerance of
1e-6 in the objective), not "within 0.01 %".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType
from typing import Optional, Tuple

import numpy as np

from ..network import _optional
from .instance import CoverageInstance

STATUS_OPTIMAL = "optimal"
STATUS_LIMIT = "time_limit"  # stopped by the time limit (an incumbent may exist)
STATUS_FAILED = "failed"  # no answer from the solver (numerical trouble, no incumbent)


def milp_solver() -> Optional[ModuleType]:
    """``scipy.optimize`` when it has ``milp`` (scipy ≥ 1.9) and scipy is not switched off;
    None otherwise, and the greedy path answers."""
    if not _optional.USE_SCIPY or _optional.scipy_sparse() is None:
        return None
    try:
        import scipy.optimize
    except ImportError:
        return None
    return scipy.optimize if hasattr(scipy.optimize, "milp") else None


@dataclass(frozen=True)
class ExactRun:
    """What the solver found: sites (candidate indices of the instance given), and the bound.

    ``bound`` is an upper bound on the best coverage (maximal coverage) or a lower bound on the
    fewest sites (target). ``sites`` is empty when the solver found nothing (``STATUS_FAILED``
    or a time limit before the first incumbent).
    """

    status: str
    sites: Tuple[int, ...]
    bound: float
    message: str = ""


def exact_max_coverage(instance: CoverageInstance, k: int, time_limit: float) -> ExactRun:
    """The best ``k`` (at most) candidates, proven within ``time_limit`` seconds if possible."""
    optimize = _solver()
    m = instance.n_candidates
    groups, rows, cols = _cover_rows(instance, first_row=1)
    g = groups.shape[0]
    weight = instance.weight[groups]
    c = np.concatenate([np.zeros(m), -weight])
    row = np.concatenate([np.zeros(m, dtype=np.int64), rows])
    col = np.concatenate([np.arange(m), cols])
    data = np.concatenate([np.ones(m), -np.ones(rows.shape[0])])
    upper = np.concatenate([[float(k)], np.zeros(g)])
    result = _solve(optimize, c, (row, col, data), 1 + g, -np.inf, upper, m, g, time_limit)
    total = float(weight.sum())
    if result is None:
        return ExactRun(STATUS_FAILED, (), total, "")
    status, x, dual_bound, message = result
    bound = total if dual_bound is None or not math.isfinite(dual_bound) else -dual_bound
    return ExactRun(status, _chosen(x, m), min(max(bound, 0.0), total), message)


def exact_fewest_sites(instance: CoverageInstance, target: float, time_limit: float) -> ExactRun:
    """The fewest candidates covering at least ``target`` weight (which must be reachable)."""
    optimize = _solver()
    m = instance.n_candidates
    groups, rows, cols = _cover_rows(instance, first_row=1)
    g = groups.shape[0]
    weight = instance.weight[groups]
    c = np.concatenate([np.ones(m), np.zeros(g)])
    row = np.concatenate([np.zeros(g, dtype=np.int64), rows])
    col = np.concatenate([m + np.arange(g), cols])
    data = np.concatenate([weight, -np.ones(rows.shape[0])])
    lower = np.concatenate([[float(target)], np.full(g, -np.inf)])
    upper = np.concatenate([[np.inf], np.zeros(g)])
    result = _solve(optimize, c, (row, col, data), 1 + g, lower, upper, m, g, time_limit)
    if result is None:
        return ExactRun(STATUS_FAILED, (), 1.0, "")
    status, x, dual_bound, message = result
    bound = 1.0 if dual_bound is None or not math.isfinite(dual_bound) else dual_bound
    return ExactRun(status, _chosen(x, m), float(max(1, math.ceil(bound - 1e-6))), message)


def _solver() -> ModuleType:
    optimize = milp_solver()
    if optimize is None:
        raise RuntimeError("scipy.optimize.milp is not available")
    return optimize


def _cover_rows(instance: CoverageInstance, first_row: int):
    """The groups of positive weight, and the (row, column) of each "−x_j" entry of the rows
    y_g − Σ x_j ≤ 0 (one row per such group, numbered from ``first_row``)."""
    groups = np.flatnonzero(instance.weight > 0)
    row_of = np.full(instance.n_demands, -1, dtype=np.int64)
    row_of[groups] = first_row + np.arange(groups.shape[0])
    demand, candidate = instance.pairs()
    keep = row_of[demand] >= 0
    return groups, row_of[demand[keep]], candidate[keep]


def _solve(optimize, c, triplets, n_rows, lower, upper, m, g, time_limit):
    """Run ``milp`` and return (status, x, dual bound, message), or None without an answer."""
    sparse = _optional.scipy_sparse()
    row, col, data = triplets
    # The +1 of y_g in its own row (rows 1..g are the groups in order).
    row = np.concatenate([row, 1 + np.arange(g)])
    col = np.concatenate([col, m + np.arange(g)])
    data = np.concatenate([data, np.ones(g)])
    matrix = sparse.csr_matrix((data, (row, col)), shape=(n_rows, m + g))
    constraints = optimize.LinearConstraint(matrix, lower, upper)
    integrality = np.concatenate([np.ones(m), np.zeros(g)])
    bounds = optimize.Bounds(np.zeros(m + g), np.ones(m + g))
    options = {"time_limit": max(float(time_limit), 0.01), "mip_rel_gap": 0.0, "disp": False}
    try:
        result = optimize.milp(
            c, constraints=constraints, integrality=integrality, bounds=bounds, options=options
        )
    except (ValueError, MemoryError) as error:  # HiGHS refusing the model
        return STATUS_FAILED, None, None, str(error)
    dual = getattr(result, "mip_dual_bound", None)
    dual = None if dual is None else float(dual)
    if result.status == 0 and result.x is not None:
        return STATUS_OPTIMAL, result.x, dual, result.message
    if result.status == 1:
        return STATUS_LIMIT, result.x, dual, result.message
    return STATUS_FAILED, result.x, dual, result.message


def _chosen(x: Optional[np.ndarray], m: int) -> Tuple[int, ...]:
    if x is None:
        return ()
    return tuple(int(j) for j in np.flatnonzero(np.asarray(x[:m]) > 0.5))
