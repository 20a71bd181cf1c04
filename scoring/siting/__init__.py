"""Site suggestion: where new facilities of one type close the most gaps, proven best.

- :mod:`.instance` — the coverage instance (people not yet served, candidates, whom each
  candidate would serve; sparse) and its safe reduction;
- :mod:`.greedy` — lazy greedy with its guarantee and a bound from the run;
- :mod:`.exact` — the integer programmes for ``scipy.optimize.milp`` (HiGHS);
- :mod:`.solve` — the answers: maximal coverage, fewest sites for a target, the curve;
- :mod:`.coverage` — who each candidate would serve, from the walking-network engine;
- :mod:`.candidates` — candidate sites proposed along the walking network.

Nothing here imports ``qgis``.
"""

from __future__ import annotations

from .exact import milp_solver
from .greedy import (
    GREEDY_FACTOR,
    greedy_curve,
    greedy_max_coverage,
    greedy_target,
)
from .instance import CoverageInstance, ReducedInstance, reduce_instance
from .solve import (
    FALLBACK_NO_SOLVER,
    FALLBACK_SOLVER_FAILED,
    FALLBACK_TIME_LIMIT,
    METHOD_EXACT,
    METHOD_GREEDY,
    Answer,
    CurvePoint,
    RankedSite,
    Solver,
    rank_sites,
)
from .suggest import (
    STATUS_COVERED_BEFORE,
    STATUS_NEWLY_COVERED,
    STATUS_NOT_COVERED,
    STATUS_UNREACHABLE,
    WEIGHT_POPULATION,
    WEIGHT_UNITS,
    CandidateSet,
    ChosenSite,
    SiteRequest,
    Suggestion,
    check_candidate_ids,
    check_request,
    suggest_sites,
)

__all__ = [
    "FALLBACK_NO_SOLVER",
    "FALLBACK_SOLVER_FAILED",
    "FALLBACK_TIME_LIMIT",
    "GREEDY_FACTOR",
    "METHOD_EXACT",
    "METHOD_GREEDY",
    "STATUS_COVERED_BEFORE",
    "STATUS_NEWLY_COVERED",
    "STATUS_NOT_COVERED",
    "STATUS_UNREACHABLE",
    "WEIGHT_POPULATION",
    "WEIGHT_UNITS",
    "Answer",
    "CandidateSet",
    "ChosenSite",
    "CoverageInstance",
    "CurvePoint",
    "RankedSite",
    "ReducedInstance",
    "SiteRequest",
    "Solver",
    "Suggestion",
    "check_candidate_ids",
    "check_request",
    "greedy_curve",
    "greedy_max_coverage",
    "greedy_target",
    "milp_solver",
    "rank_sites",
    "reduce_instance",
    "suggest_sites",
]
