"""Who each candidate would serve, and candidates proposed along lines — without QGIS.

The grouped bounded searches behind :func:`coverage_pairs` (points more than two reaches
apart share one search) are compared with one search per candidate, on a random street grid,
with scipy and with scipy hidden; walking time on a sloping street is checked by hand (the
compound walks to the site, so downhill sites reach farther); the proposed points are checked
against positions worked out by hand.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from complete_community.scoring.gap import FacilitySet, PointSet
from complete_community.scoring.network import (
    build_graph,
    nearest_distances,
    snap_points,
    walking_time,
)
from complete_community.scoring.siting import CandidateSet, SiteRequest, suggest_sites
from complete_community.scoring.siting.candidates import points_along_lines, propose_sites
from complete_community.scoring.siting.coverage import coverage_pairs


@pytest.fixture(params=["with_scipy", "without_scipy"])
def engine(request, monkeypatch):
    if request.param == "without_scipy":
        for name in [n for n in sys.modules if n == "scipy" or n.startswith("scipy.")] + ["scipy"]:
            monkeypatch.setitem(sys.modules, name, None)
    return request.param


def street_grid(rng, blocks: int = 8, size: float = 120.0):
    """A jittered grid of streets, one line per street."""
    lines = []
    for i in range(blocks + 1):
        xs = np.arange(blocks + 1) * size
        jitter = rng.uniform(-8, 8, blocks + 1)
        lines.append(np.column_stack([xs, np.full(blocks + 1, i * size) + jitter]))
        lines.append(np.column_stack([np.full(blocks + 1, i * size) + jitter, xs]))
    return lines


def test_grouped_searches_find_the_pairs_one_search_per_candidate_finds(engine):
    rng = np.random.default_rng(5)
    graph = build_graph(street_grid(rng))
    demand_xy = rng.uniform(0, 960, (120, 2))
    candidate_xy = rng.uniform(0, 960, (60, 2))
    radius = 250.0
    demand_snaps = snap_points(graph, demand_xy, 80.0)
    candidate_snaps = snap_points(graph, candidate_xy, 80.0)
    pairs = coverage_pairs(demand_xy, candidate_xy, radius, graph, demand_snaps, candidate_snaps)

    expected = {}
    for c in range(len(candidate_xy)):
        one = nearest_distances(graph, candidate_snaps.take([c]), demand_snaps, radius)
        for d in np.flatnonzero(np.isfinite(one)):
            expected[(int(d), c)] = float(one[d])
    found = {
        (d, c): value
        for d, c, value in zip(pairs.demand.tolist(), pairs.candidate.tolist(), pairs.cost.tolist())
    }
    assert set(found) == set(expected) and len(found) > 50
    for key, value in expected.items():
        assert found[key] == pytest.approx(value)
    # Sorted by candidate, then demand.
    order = np.lexsort((pairs.demand, pairs.candidate))
    assert np.array_equal(order, np.arange(len(order)))


def test_without_a_network_pairs_are_straight_line(engine):
    demand_xy = np.array([[0.0, 0.0], [200.0, 0.0], [0.0, 401.0]])
    candidate_xy = np.array([[0.0, 100.0], [1000.0, 0.0]])
    pairs = coverage_pairs(demand_xy, candidate_xy, 300.0)
    assert list(zip(pairs.demand.tolist(), pairs.candidate.tolist())) == [(0, 0), (1, 0)]
    assert pairs.cost.tolist() == pytest.approx([100.0, np.hypot(200.0, 100.0)])


def test_points_spread_evenly_along_each_line():
    lines = [
        np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 50.0]]),  # 150 m: 4 points 37.5 m apart
        np.array([[0.0, 0.0], [0.0, 30.0]]),  # shorter than the spacing: its midpoint
    ]
    xy, line = points_along_lines(lines, 40.0)
    assert line.tolist() == [0, 0, 0, 0, 1]
    expected = [[18.75, 0.0], [56.25, 0.0], [93.75, 0.0], [100.0, 31.25], [0.0, 15.0]]
    assert xy.ravel().tolist() == pytest.approx(np.ravel(expected).tolist())


def test_proposed_sites_lie_on_the_network_near_the_demand():
    lines = [np.array([[0.0, 0.0], [1000.0, 0.0]]), np.array([[0.0, 500.0], [1000.0, 500.0]])]
    graph = build_graph(lines)
    sites = propose_sites(graph, lines[:1], 100.0, np.array([[450.0, 20.0]]), 120.0)
    # Only the first line may carry sites; of its points (50, 150 … 950) those within 120 m of
    # (450, 20): 350, 450 and 550.
    assert sites.xy[:, 0].tolist() == pytest.approx([350.0, 450.0, 550.0])
    assert np.all(sites.snaps.joined) and sites.snaps.connector == pytest.approx(0.0)


class _Type:
    """A facility type as the domain reads it: 300 m, no walking minutes of its own."""

    code = "kindergarten"
    radius_m = 300.0
    walk_minutes = None


def test_in_walking_time_the_compound_walks_downhill_to_the_site():
    """One street from x = 0 up to x = 400: walking up costs 1 s/m, down 0.5 s/m, connectors
    1 s/m; the limit is 300 s (300 m at 1 m/s on the flat). Compounds 10 m off the street at
    x = 50, 350 and 380; the site T at x = 0, at the bottom:

    - A (50) walks down 50 m: 10 + 25 = 35 s; B (350): 10 + 175 = 185 s; D (380): 200 s.
    - Measured the wrong way (from T up to D) D would be 10 + 380 = 390 s, beyond the limit;
      in metres B and D (360 m, 390 m) are beyond 300 m too.
    """
    graph = build_graph([np.array([[0.0, 0.0], [400.0, 0.0]])])
    timed = graph.with_directed_cost(np.array([400.0]), np.array([200.0]), connector_rate=1.0)
    units = PointSet(
        ids=["A", "B", "D"],
        xy=np.array([[50.0, 10.0], [350.0, 10.0], [380.0, 10.0]]),
        population=np.array([100.0, 200.0, 300.0]),
    )
    nobody = FacilitySet(xy=np.zeros((0, 2)), type_code=[])
    site = CandidateSet(xy=np.array([[0.0, 0.0]]), ids=["T"])
    request = SiteRequest(facility_type=_Type(), sites=1)
    by_time = suggest_sites(
        units, nobody, request, timed, 50.0, 2000.0, site, None, walking_time(1.0)
    )
    assert by_time.answer.value == 600.0
    assert by_time.site_cost.tolist() == pytest.approx([35.0, 185.0, 200.0])
    assert by_time.site_metres.tolist() == pytest.approx([60.0, 360.0, 390.0])
    by_metres = suggest_sites(units, nobody, request, graph, 50.0, 2000.0, site)
    assert by_metres.answer.value == 100.0
    assert by_metres.status.tolist() == ["newly_covered", "unreachable", "unreachable"]
