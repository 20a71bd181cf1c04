"""The site-suggestion solver: exact answers against brute force, greedy against its
guarantee, the reduction against the unreduced optimum, and the path without scipy.

Every expected optimum here comes from trying every subset of candidates (small random
instances), never from the code under test.
"""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
import pytest

from complete_community.scoring.network import _optional
from complete_community.scoring.siting import (
    FALLBACK_NO_SOLVER,
    FALLBACK_TIME_LIMIT,
    GREEDY_FACTOR,
    METHOD_GREEDY,
    CoverageInstance,
    Solver,
    greedy_max_coverage,
    greedy_target,
    milp_solver,
    rank_sites,
    reduce_instance,
)
from complete_community.scoring.siting.exact import exact_max_coverage

SCIPY_MODULES = ("scipy", "scipy.optimize", "scipy.sparse", "scipy.sparse.csgraph", "scipy.spatial")


def hide_scipy(monkeypatch) -> None:
    """Make every scipy module unimportable, as on a QGIS install without scipy."""
    hidden = set(SCIPY_MODULES) | {
        name for name in sys.modules if name == "scipy" or name.startswith("scipy.")
    }
    for name in hidden:
        monkeypatch.setitem(sys.modules, name, None)
    assert milp_solver() is None


def random_instance(rng, n_demands, n_candidates, density) -> CoverageInstance:
    mask = rng.random((n_demands, n_candidates)) < density
    demand, candidate = np.nonzero(mask)
    weight = rng.integers(0, 60, n_demands).astype(float)
    return CoverageInstance.from_pairs(n_demands, n_candidates, demand, candidate, weight)


def geometric_instance(rng, n_demands, n_candidates, radius) -> CoverageInstance:
    """Demands and candidates scattered on a square, covering within ``radius``: the overlap
    structure of a real city, where greedy is often not optimal."""
    demands = rng.random((n_demands, 2))
    candidates = rng.random((n_candidates, 2))
    close = np.hypot(*(demands[:, None, :] - candidates[None, :, :]).transpose(2, 0, 1)) <= radius
    demand, candidate = np.nonzero(close)
    weight = rng.integers(1, 500, n_demands).astype(float)
    return CoverageInstance.from_pairs(n_demands, n_candidates, demand, candidate, weight)


def brute_best(instance: CoverageInstance, k: int) -> float:
    """The best coverage of any k candidates, by trying them all."""
    size = min(k, instance.n_candidates)
    return max(
        instance.value(combo)
        for combo in itertools.combinations(range(instance.n_candidates), size)
    )


def brute_fewest(instance: CoverageInstance, target: float) -> int:
    for size in range(instance.n_candidates + 1):
        for combo in itertools.combinations(range(instance.n_candidates), size):
            if instance.value(combo) >= target - 1e-9:
                return size
    raise AssertionError("target unreachable")


def instances(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for number in range(count):
        if number % 2:
            yield (
                rng,
                geometric_instance(rng, int(rng.integers(15, 40)), int(rng.integers(6, 12)), 0.25),
            )
        else:
            yield (
                rng,
                random_instance(rng, int(rng.integers(10, 30)), int(rng.integers(4, 11)), 0.25),
            )


@pytest.mark.skipif(milp_solver() is None, reason="needs scipy >= 1.9")
def test_exact_maximal_coverage_equals_brute_force():
    exact_wins = 0
    for rng, instance in instances(seed=11, count=120):
        k = int(rng.integers(1, 5))
        answer = Solver(instance).maximal_coverage(k)
        best = brute_best(instance, k)
        assert answer.optimal
        assert answer.value == pytest.approx(best)
        assert instance.value(answer.sites) == pytest.approx(best)
        assert len(answer.sites) <= k
        exact_wins += greedy_max_coverage(instance, k).value < best - 1e-9
    # The comparison means something only if greedy was beaten now and then.
    assert exact_wins >= 5


@pytest.mark.skipif(milp_solver() is None, reason="needs scipy >= 1.9")
def test_exact_fewest_sites_equals_brute_force():
    for rng, instance in instances(seed=12, count=80):
        reachable = instance.weight[np.unique(instance.cover_index)].sum()
        target = float(rng.uniform(0.2, 1.0)) * reachable
        answer = Solver(instance).fewest_sites(target)
        assert answer.optimal
        assert len(answer.sites) == brute_fewest(instance, target)
        assert instance.value(answer.sites) >= target - 1e-6


def test_greedy_within_its_guarantee_and_bound():
    for rng, instance in instances(seed=13, count=120):
        k = int(rng.integers(1, 5))
        run = greedy_max_coverage(instance, k)
        best = brute_best(instance, k)
        assert run.value <= best + 1e-9
        assert run.value >= GREEDY_FACTOR * best - 1e-9
        assert run.bound >= best - 1e-9  # the bound from the run is a true upper bound
        assert instance.value(run.sites) == pytest.approx(run.value)


def test_greedy_target_never_beats_the_fewest_and_its_lower_bound_holds():
    for rng, instance in instances(seed=14, count=80):
        reachable = instance.weight[np.unique(instance.cover_index)].sum()
        target = float(rng.uniform(0.2, 1.0)) * reachable
        run = greedy_target(instance, target)
        fewest = brute_fewest(instance, target)
        assert len(run.sites) >= fewest
        assert run.bound <= fewest
        smallest = instance.weight[instance.weight > 0].min()
        assert len(run.sites) <= 1 + fewest * max(1.0, math.log(target / smallest)) + 1e-9


def test_lazy_greedy_makes_the_same_choices_as_plain_greedy():
    """Plain greedy, recomputing every gain at every step, with the stated tie rule."""
    for rng, instance in instances(seed=15, count=60):
        k = int(rng.integers(1, 6))
        chosen: list[int] = []
        covered = np.zeros(instance.n_demands, dtype=bool)
        for _ in range(k):
            keys = []
            for j in range(instance.n_candidates):
                new = instance.covers(j)[~covered[instance.covers(j)]]
                keys.append((-instance.weight[new].sum(), -instance.units[new].sum(), j))
            best = min(keys)
            if best[0] >= 0:
                break
            chosen.append(best[2])
            covered[instance.covers(best[2])] = True
        assert list(greedy_max_coverage(instance, k).sites) == chosen


def test_ties_are_broken_by_input_order_and_runs_repeat():
    # Four candidates covering equal weight: 0 and 2 tie with 1 and 3; the earliest wins.
    instance = CoverageInstance.from_pairs(
        4, 4, np.array([0, 1, 2, 3]), np.array([0, 1, 2, 3]), np.array([5.0, 5.0, 5.0, 5.0])
    )
    assert Solver(instance).maximal_coverage(2).sites == (0, 1)
    rng = np.random.default_rng(16)
    instance = geometric_instance(rng, 60, 25, 0.2)
    answers = {Solver(instance).maximal_coverage(5).sites for _ in range(3)}
    assert len(answers) == 1


@pytest.mark.skipif(milp_solver() is None, reason="needs scipy >= 1.9")
def test_reduction_keeps_the_optimum():
    for rng, instance in instances(seed=17, count=60):
        reduced = reduce_instance(instance, drop_dominated=True)
        k = int(rng.integers(1, 4))
        best = brute_best(instance, k)
        small = reduced.reduced
        assert small.n_candidates <= instance.n_candidates
        assert small.n_demands <= instance.n_demands
        if small.n_candidates:
            assert brute_best(small, k) == pytest.approx(best)
            run = exact_max_coverage(small, k, 10.0)
            assert instance.value(reduced.to_original(run.sites)) == pytest.approx(best)
        else:
            assert best == 0
        # Merged weights add up; unreachable demands are exactly those no candidate covers.
        reached = np.unique(instance.cover_index)
        assert small.weight.sum() == pytest.approx(instance.weight[reached].sum())
        assert set(reduced.unreachable.tolist()) == set(range(instance.n_demands)) - set(
            reached.tolist()
        )
        for lower, upper in reduced.dominated.items():
            assert set(instance.covers(lower)) <= set(instance.covers(upper))


def test_merging_groups_identical_demands():
    # Demands 0 and 2 are covered by exactly candidates {0, 1}; demand 1 by {1} only.
    instance = CoverageInstance.from_pairs(
        4, 3, np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 0, 1]), np.array([10.0, 7.0, 3.0, 99.0])
    )
    reduced = reduce_instance(instance, drop_dominated=False)
    assert reduced.group_of.tolist()[3] == -1  # nobody reaches demand 3
    assert reduced.group_of[0] == reduced.group_of[2] != reduced.group_of[1]
    assert sorted(reduced.reduced.weight.tolist()) == [7.0, 13.0]
    assert reduced.idle.tolist() == [2]


def test_without_scipy_the_greedy_path_answers_and_says_so(monkeypatch):
    hide_scipy(monkeypatch)
    rng = np.random.default_rng(18)
    found_unproven = False
    for _ in range(30):
        instance = geometric_instance(rng, 40, 12, 0.3)
        answer = Solver(instance).maximal_coverage(3)
        assert answer.method == METHOD_GREEDY
        assert answer.value == pytest.approx(greedy_max_coverage(instance, 3).value)
        if not answer.optimal:
            found_unproven = True
            assert answer.fallback == FALLBACK_NO_SOLVER
            assert answer.bound >= brute_best(instance, 3) - 1e-9
            assert answer.gap > 0
        target = Solver(instance).fewest_sites(0.8 * instance.weight.sum())
        assert target.method == METHOD_GREEDY
    assert found_unproven


def test_use_scipy_switch_also_turns_the_solver_off(monkeypatch):
    monkeypatch.setattr(_optional, "USE_SCIPY", False)
    assert milp_solver() is None


@pytest.mark.skipif(milp_solver() is None, reason="needs scipy >= 1.9")
def test_past_the_time_limit_the_better_of_greedy_and_the_incumbent(monkeypatch):
    from complete_community.scoring.siting import exact as exact_module

    rng = np.random.default_rng(19)
    instance = geometric_instance(rng, 300, 60, 0.12)
    greedy = greedy_max_coverage(reduce_instance(instance, False).reduced, 8)
    real = exact_module.exact_max_coverage

    def stopped_early(reduced, k, time_limit):
        run = real(reduced, k, time_limit)
        # As if the limit struck with a poor incumbent: one site, the proven bound kept.
        return exact_module.ExactRun(exact_module.STATUS_LIMIT, run.sites[:1], run.bound * 1.5)

    monkeypatch.setattr("complete_community.scoring.siting.solve.exact_max_coverage", stopped_early)
    answer = Solver(instance).maximal_coverage(8)
    if greedy.bound <= greedy.value + 1e-6:
        pytest.skip("greedy proved itself optimal on this instance")
    assert answer.fallback == FALLBACK_TIME_LIMIT
    assert answer.value == pytest.approx(greedy.value)
    assert not answer.optimal
    assert answer.gap > 0


def test_ranking_counts_each_person_once():
    # Site 0 covers demands 0, 1 (60 people); site 1 covers 1, 2 (80): site 1 ranks first and
    # demand 1 counts for it alone, so site 0 adds only demand 0.
    instance = CoverageInstance.from_pairs(
        3, 2, np.array([0, 1, 1, 2]), np.array([0, 0, 1, 1]), np.array([10.0, 50.0, 30.0])
    )
    ranked = rank_sites(instance, [0, 1])
    assert [(site.candidate, site.gained, site.cumulative) for site in ranked] == [
        (1, 80.0, 80.0),
        (0, 10.0, 90.0),
    ]
    assert ranked[0].newly_covered == (1, 2) and ranked[1].newly_covered == (0,)


def test_a_target_beyond_reach_is_lowered_not_infeasible():
    instance = CoverageInstance.from_pairs(
        3, 2, np.array([0, 1]), np.array([0, 1]), np.array([10.0, 20.0, 70.0])
    )
    answer = Solver(instance).fewest_sites(90.0)
    assert answer.target_capped and answer.target == pytest.approx(30.0)
    assert sorted(answer.sites) == [0, 1] and answer.value == pytest.approx(30.0)


def test_one_greedy_run_gives_the_curve_of_separate_runs():
    from complete_community.scoring.siting import greedy_curve

    for _rng, instance in instances(seed=20, count=40):
        runs = greedy_curve(instance, 5)
        assert len(runs) == 5
        for k, run in enumerate(runs, start=1):
            alone = greedy_max_coverage(instance, k)
            assert run.sites == alone.sites and run.value == pytest.approx(alone.value)
            assert run.bound >= brute_best(instance, k) - 1e-9  # still a true upper bound
            assert run.bound <= alone.bound + 1e-9  # more steps only tighten it


@pytest.mark.skipif(milp_solver() is None, reason="dominance uses scipy's sparse matrices")
def test_dominance_in_slices_finds_what_one_product_finds(monkeypatch):
    from complete_community.scoring.siting import instance as instance_module

    rng = np.random.default_rng(21)
    for _ in range(10):
        instance = geometric_instance(rng, 80, 40, 0.2)
        whole = reduce_instance(instance).dominated
        monkeypatch.setattr(instance_module, "_DOMINANCE_ROWS", 3)
        sliced = reduce_instance(instance).dominated
        monkeypatch.undo()
        assert sliced == whole and whole
