"""Walking time on hills, stairs, bridges and lifts (DESIGN §4b), in the QGIS-free engine.

Every expected time is worked out by hand from the geometry and the analytic terrain of the
test with Tobler's function written out here independently of the engine, and every test runs
twice: with scipy and with scipy hidden (the ``engine`` fixture), so the pure-Python fallback
gives the same answers.

Terrains are built so that bilinear interpolation between cell centres reproduces them
exactly: linear ramps, and piecewise-linear profiles whose kinks lie on cell centres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pytest

from complete_community.scoring.errors import DataError
from complete_community.scoring.gap import FacilitySet, PointSet, analyse_gaps
from complete_community.scoring.network import _optional, build_graph, snap_points
from complete_community.scoring.network.measure import DISTANCE, walking_time
from complete_community.scoring.network.reach import GROUP_FACILITIES, metres_per_cost, reach_pairs
from complete_community.scoring.network.search import WALK_FROM_SOURCE, WALK_TO_SOURCE, nearest
from complete_community.scoring.network.terrain import Terrain
from complete_community.scoring.network.walking_model import load_walking_model
from complete_community.scoring.network.walking_time import (
    LineKinds,
    check_walk_speed,
    heights_needed,
    walking_costs,
    walking_time_graph,
)
from complete_community.scoring.scenario import unit_type_changes

UP, DOWN = 0.30, 0.45  # stair vertical speeds, m/s (DESIGN §4b)


def tobler(grade: float) -> float:
    """f(s) of DESIGN §4b: Tobler's hiking function normalised to 1 on the flat."""
    return math.exp(-3.5 * abs(grade + 0.05)) / math.exp(-3.5 * 0.05)


def line(*points):
    return np.array(points, dtype=float)


def profile_terrain(height_of_x, x_min=-50.0, x_max=250.0, cell=10.0, rows=6, top=None) -> Terrain:
    """A DEM whose height depends on x only, cell centres at multiples of ``cell``; ``rows``
    rows down from ``top`` (default: centred on y = 0)."""
    centres = np.arange(x_min, x_max + cell / 2, cell)
    row = np.array([height_of_x(x) for x in centres])
    grid = np.tile(row, (rows, 1))
    top = rows * cell / 2 if top is None else top
    return Terrain(grid, (x_min - cell / 2, cell, 0.0, top, 0.0, -cell))


def ramp(grade: float, **extent) -> Terrain:
    return profile_terrain(lambda x: grade * x, **extent)


def one_way(graph, source_xy, target_xy, walk=WALK_TO_SOURCE, tolerance=20.0):
    """Cost and metres between one target and one source (the target walks to the source)."""
    sources = snap_points(graph, np.array([source_xy], dtype=float), tolerance)
    targets = snap_points(graph, np.array([target_xy], dtype=float), tolerance)
    found = nearest(graph, sources, targets, 1e6, walk, lengths=True)
    return float(found.cost[0]), float(found.length[0])


def walk_time(graph, start, end):
    """Seconds to walk from ``start`` to ``end`` (the unit walks to the facility)."""
    return one_way(graph, end, start)[0]


# --------------------------------------------------------------------------------------------
# Slopes
# --------------------------------------------------------------------------------------------


def test_uniform_ramp_up_and_down_differ(engine):
    speed = 1.25
    graph = build_graph([line((0, 0), (50, 0), (100, 0))])
    timed, report = walking_time_graph(graph, speed, terrain=ramp(0.08))
    assert report.n_missing == 0
    # 6 m and 3 m connectors are flat; 100 m of street at +8 % (up) or -8 % (down).
    up = (6 + 3) / speed + 100 / (speed * tobler(0.08))
    down = (6 + 3) / speed + 100 / (speed * tobler(-0.08))
    cost, metres = one_way(timed, source_xy=(100, -3), target_xy=(0, 6))
    assert cost == pytest.approx(up, rel=1e-12)
    assert metres == pytest.approx(109.0, rel=1e-12)
    assert one_way(timed, source_xy=(0, 6), target_xy=(100, -3))[0] == pytest.approx(
        down, rel=1e-12
    )
    assert up > down
    # The edge costs themselves: forwards is uphill here.
    np.testing.assert_allclose(timed.edge_cost, [50 / (speed * tobler(0.08))] * 2, rtol=1e-12)
    np.testing.assert_allclose(timed.edge_cost_back, [50 / (speed * tobler(-0.08))] * 2, rtol=1e-12)


def test_symmetric_hill_there_and_back_differ_by_the_computed_amount(engine):
    # A tent 12 m high at x = 100, sides at 12 %; the street runs over it from 0 to 200.
    graph = build_graph([line((0, 0), (200, 0))])
    timed, _ = walking_time_graph(
        graph, 1.0, terrain=profile_terrain(lambda x: 12 - 0.12 * abs(x - 100))
    )
    there = walk_time(timed, (0, 0), (150, 0))  # 100 m up, then 50 m down
    back = walk_time(timed, (150, 0), (0, 0))  # 50 m up, then 100 m down
    assert there == pytest.approx(100 / tobler(0.12) + 50 / tobler(-0.12), rel=1e-12)
    assert back == pytest.approx(50 / tobler(0.12) + 100 / tobler(-0.12), rel=1e-12)
    assert there - back == pytest.approx(50 * (1 / tobler(0.12) - 1 / tobler(-0.12)), rel=1e-9)
    # Over the whole hill it is the same both ways: 100 m up and 100 m down.
    assert walk_time(timed, (0, 0), (200, 0)) == pytest.approx(
        walk_time(timed, (200, 0), (0, 0)), rel=1e-12
    )


def test_a_snapped_point_mid_piece_is_linear_within_its_piece(engine):
    graph = build_graph([line((0, 0), (200, 0))])
    timed, _ = walking_time_graph(
        graph, 1.0, terrain=profile_terrain(lambda x: 12 - 0.12 * abs(x - 100))
    )
    # (155, 0) is half-way along the piece from 150 to 160, on the far side of the hill.
    assert walk_time(timed, (0, 0), (155, 4)) == pytest.approx(
        4 + 100 / tobler(0.12) + 55 / tobler(-0.12), rel=1e-12
    )
    assert walk_time(timed, (200, 0), (155, 4)) == pytest.approx(45 / tobler(0.12) + 4, rel=1e-12)
    # Unit and facility on the same edge: the walk runs straight along it, both ways.
    assert walk_time(timed, (30, 0), (155, 0)) == pytest.approx(
        70 / tobler(0.12) + 55 / tobler(-0.12), rel=1e-12
    )
    assert walk_time(timed, (175, 0), (123, 0)) == pytest.approx(52 / tobler(0.12), rel=1e-12)
    assert walk_time(timed, (123, 0), (175, 0)) == pytest.approx(52 / tobler(-0.12), rel=1e-12)


def test_pieces_are_at_most_ten_metres_and_heights_between_cell_centres():
    # A kink at x = 15 (a cell centre) inside the second 10 m piece of a 30 m segment: the
    # pieces see heights at 0, 10, 20, 30 only, so the kink is cut off as §4b says.
    terrain = profile_terrain(lambda x: 0.3 * max(0.0, x - 15.0), cell=5.0)
    graph = build_graph([line((0, 0), (30, 0))])
    costs = walking_costs(graph, 1.0, terrain=terrain)
    heights = [0.0, 0.0, 0.3 * 5, 0.3 * 15]
    expected = sum(10 / tobler((b - a) / 10) for a, b in zip(heights, heights[1:]))
    assert costs.forward[0] == pytest.approx(expected, rel=1e-12)
    assert costs.report.n_points == 4


# --------------------------------------------------------------------------------------------
# Stairs, bridges, lifts
# --------------------------------------------------------------------------------------------


def bumpy_rise(x: float) -> float:
    """6 m from x = 0 to x = 30, with a 5 m bump in between that stairs must ignore."""
    return 0.2 * x + 5.0 * math.sin(math.pi * x / 30.0) ** 2


def test_stairs_climb_at_the_vertical_speeds_between_their_end_heights(engine):
    graph = build_graph([line((0, 0), (12, 0), (30, 0))])
    kinds = LineKinds(is_stairs=np.array([True]))
    timed, report = walking_time_graph(
        graph, 1.0, kinds, terrain=profile_terrain(bumpy_rise, cell=2.0)
    )
    assert report.n_stairs == 1
    assert walk_time(timed, (0, 0), (30, 0)) == pytest.approx(30 + 6 / UP, rel=1e-12)
    assert walk_time(timed, (30, 0), (0, 0)) == pytest.approx(30 + 6 / DOWN, rel=1e-12)
    # Part way: the height runs linearly, 2.4 m over the first 12 m.
    assert walk_time(timed, (0, 0), (12, 0)) == pytest.approx(12 + 2.4 / UP, rel=1e-12)


def test_stairs_without_a_dem_rise_by_their_step_count():
    graph = build_graph([line((0, 0), (30, 0))])
    kinds = LineKinds(
        is_stairs=np.array([True]), step_count=np.array([40.0]), stairs_incline=np.array([1.0])
    )
    costs = walking_costs(graph, 1.0, kinds)
    # 40 steps of 0.15 m = 6 m, climbing in the line's direction.
    assert costs.forward[0] == pytest.approx(30 + 6 / UP)
    assert costs.backward[0] == pytest.approx(30 + 6 / DOWN)
    assert costs.report.stairs_from_step_count.tolist() == [0]
    # Without an incline nothing says which end is higher: climbed both ways.
    unknown = walking_costs(
        graph, 1.0, LineKinds(is_stairs=np.array([True]), step_count=np.array([40.0]))
    )
    assert unknown.forward[0] == pytest.approx(30 + 6 / UP)
    assert unknown.backward[0] == pytest.approx(30 + 6 / UP)
    assert unknown.report.stairs_unknown_direction.tolist() == [0]
    # Neither DEM nor step count: the run only, and the report says so.
    level = walking_costs(graph, 1.0, LineKinds(is_stairs=np.array([True])))
    assert level.forward[0] == pytest.approx(30.0)
    assert level.report.stairs_without_rise.tolist() == [0]


def valley(x: float) -> float:
    """Ground at 20 m, a V-shaped valley 15 m deep between x = 20 and 80."""
    return 20.0 - max(0.0, 15.0 - 0.5 * abs(x - 50.0))


def test_a_bridge_over_a_valley_stays_level(engine):
    lines = [
        line((0, 0), (20, 0)),
        line((20, 0), (50, 0), (80, 0)),  # the bridge
        line((80, 0), (100, 0)),
    ]
    graph = build_graph(lines)
    terrain = profile_terrain(valley)
    bridge = LineKinds(is_structure=np.array([False, True, False]))
    timed, report = walking_time_graph(graph, 1.0, bridge, terrain=terrain)
    assert report.n_structures == 1
    assert walk_time(timed, (0, 0), (100, 0)) == pytest.approx(100.0, rel=1e-12)
    assert walk_time(timed, (100, 0), (0, 0)) == pytest.approx(100.0, rel=1e-12)
    # The same line as a street follows the valley: 30 m down and 30 m up at 50 %.
    street, _ = walking_time_graph(graph, 1.0, terrain=terrain)
    assert walk_time(street, (0, 0), (100, 0)) == pytest.approx(
        40 + 30 / tobler(-0.5) + 30 / tobler(0.5), rel=1e-12
    )
    # A bridge between ends at different heights takes Tobler on its constant grade.
    ramped = profile_terrain(lambda x: valley(x) + (6.0 if x >= 80 else 0.0))
    timed, _ = walking_time_graph(graph, 1.0, bridge, terrain=ramped)
    grade = 6.0 / 60.0
    assert timed.edge_cost[1] + timed.edge_cost[2] == pytest.approx(60 / tobler(grade))
    assert timed.edge_cost_back[1] + timed.edge_cost_back[2] == pytest.approx(60 / tobler(-grade))


def test_a_lift_takes_its_fixed_time_both_ways(engine):
    lines = [line((0, 0), (50, 0)), line((50, 0), (52, 0), (55, 0)), line((55, 0), (100, 0))]
    graph = build_graph(lines)
    # A 30 m cliff between x = 50 and 55 that the lift climbs; streets flat on either side.
    terrain = profile_terrain(
        lambda x: 0.0 if x <= 50 else 30.0 if x >= 55 else 6 * (x - 50), cell=5.0
    )
    kinds = LineKinds(fixed_seconds=np.array([np.nan, 40.0, np.nan]))
    timed, report = walking_time_graph(graph, 1.2, kinds, terrain=terrain)
    assert report.n_fixed == 1
    expected = 95 / 1.2 + 40
    assert walk_time(timed, (0, 0), (100, 0)) == pytest.approx(expected, rel=1e-12)
    assert walk_time(timed, (100, 0), (0, 0)) == pytest.approx(expected, rel=1e-12)
    # Spread over its length: 2 of its 5 m take 16 s.
    np.testing.assert_allclose(timed.edge_cost[1:3], [16.0, 24.0])
    assert walk_time(timed, (0, 0), (51, 0)) == pytest.approx(50 / 1.2 + 8.0, rel=1e-12)


def test_fixed_time_wins_over_stairs_and_stairs_over_structure():
    graph = build_graph([line((0, 0), (10, 0)), line((20, 0), (30, 0))])
    kinds = LineKinds(
        is_stairs=np.array([True, True]),
        is_structure=np.array([True, True]),
        fixed_seconds=np.array([25.0, np.nan]),
        step_count=np.array([20.0, 20.0]),
        stairs_incline=np.array([1.0, 1.0]),
    )
    costs = walking_costs(graph, 1.0, kinds)
    np.testing.assert_allclose(costs.forward, [25.0, 10 + 3 / UP])
    np.testing.assert_allclose(costs.backward, [25.0, 10 + 3 / DOWN])


# --------------------------------------------------------------------------------------------
# Flat ground, routes, directions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    code: str
    radius_m: float
    walk_minutes: Optional[float] = None


def random_city(seed: int = 3):
    rng = np.random.default_rng(seed)
    n = 9
    xs = np.cumsum(rng.uniform(60, 140, n))
    ys = np.cumsum(rng.uniform(60, 140, n))
    lines = [line(*[(x, y) for x in xs]) for y in ys] + [line(*[(x, y) for y in ys]) for x in xs]
    low = np.array([xs[0], ys[0]])
    high = np.array([xs[-1], ys[-1]])
    units = low + (high - low) * rng.random((60, 2))
    facilities = low + (high - low) * rng.random((12, 2))
    return lines, units, facilities


def test_flat_ground_covers_exactly_what_distance_covers(engine):
    lines, unit_xy, facility_xy = random_city()
    graph = build_graph(lines)
    units = PointSet(ids=list(range(len(unit_xy))), xy=unit_xy)
    facilities = FacilitySet(xy=facility_xy, type_code=["A"] * 6 + ["B"] * 6)
    types = [Kind("A", 210.0), Kind("B", 330.0)]
    by_distance = analyse_gaps(units, facilities, types, graph, 80.0, 5000.0)
    for code in ("A", "B"):  # no unit sits on the boundary, so rounding cannot flip one
        radius = next(kind.radius_m for kind in types if kind.code == code)
        assert not np.any(np.abs(by_distance.distance[code] - radius) < 1e-6)
    flat_dem = profile_terrain(
        lambda x: 250.0, x_min=0.0, x_max=1400.0, rows=290, cell=5.0, top=1450
    )
    for speed, terrain in ((1.0, None), (1.0, flat_dem), (0.8, None), (1.3, flat_dem)):
        timed, _ = walking_time_graph(graph, speed, terrain=terrain)
        by_time = analyse_gaps(
            units, facilities, types, timed, 80.0, 5000.0, measure=walking_time(speed)
        )
        for code in ("A", "B"):
            assert np.array_equal(by_time.ok[code], by_distance.ok[code])
            np.testing.assert_allclose(
                by_time.time[code] * 60 * speed, by_distance.distance[code], rtol=1e-12
            )
            np.testing.assert_allclose(
                by_time.distance[code], by_distance.distance[code], rtol=1e-12
            )
    # Without a DEM at 1 m/s the seconds are the metres, bit for bit.
    timed, _ = walking_time_graph(graph, 1.0)
    sources = snap_points(timed, facility_xy, 80.0)
    targets = snap_points(timed, unit_xy, 80.0)
    plain = nearest(
        graph, snap_points(graph, facility_xy, 80.0), snap_points(graph, unit_xy, 80.0), 5000.0
    )
    assert np.array_equal(nearest(timed, sources, targets, 5000.0).cost, plain.cost, equal_nan=True)


def test_the_quickest_route_and_its_length_depend_on_the_direction(engine):
    # Straight on: 100 m of stairs climbing 30 m; round about: 180 m of level street.
    lines = [
        line((0, 0), (100, 0)),
        line((0, 0), (0, 40), (100, 40), (100, 0)),
    ]
    graph = build_graph(lines)
    kinds = LineKinds(
        is_stairs=np.array([True, False]),
        step_count=np.array([200.0, np.nan]),
        stairs_incline=np.array([1.0, np.nan]),
    )
    timed, _ = walking_time_graph(graph, 1.0, kinds)
    # Up: the stairs take 100 + 30 / 0.30 = 200 s, the level detour 180 s: the detour wins.
    assert one_way(timed, source_xy=(100, 0), target_xy=(0, 0)) == pytest.approx((180.0, 180.0))
    # Down: 100 + 30 / 0.45 = 166.7 s beats the detour: 100 m.
    assert one_way(timed, source_xy=(0, 0), target_xy=(100, 0)) == pytest.approx(
        (100 + 30 / DOWN, 100.0)
    )
    # The same from the source's side (the walk starts at the source).
    assert one_way(timed, (0, 0), (100, 0), walk=WALK_FROM_SOURCE) == pytest.approx((180.0, 180.0))


def test_gap_analysis_in_walking_time_reports_minutes_metres_and_coverage(engine):
    graph = build_graph([line((0, 0), (50, 0), (100, 0)), line((100, 0), (300, 0))])
    timed, _ = walking_time_graph(graph, 1.0, terrain=ramp(0.1, x_max=350.0))
    units = PointSet(ids=["low", "high"], xy=np.array([(0.0, 5.0), (300.0, 5.0)]))
    facilities = FacilitySet(xy=np.array([(100.0, 0.0)]), type_code=["A"])
    # 2 minutes; the radius (1,000 m) does not count when walk_minutes is given.
    result = analyse_gaps(
        units,
        facilities,
        [Kind("A", 1000.0, walk_minutes=2.0)],
        timed,
        20.0,
        2000.0,
        measure=walking_time(1.0),
    )
    low = 5 + 100 / tobler(0.1)  # 146.9 s: uphill to the facility
    high = 5 + 200 / tobler(-0.1)  # 205 s: downhill, but 200 m
    np.testing.assert_allclose(result.time["A"], [low / 60, high / 60], rtol=1e-12)
    np.testing.assert_allclose(result.distance["A"], [105.0, 205.0], rtol=1e-12)
    assert result.ok["A"].tolist() == [0, 0]
    assert result.summary[0].limit_minutes == pytest.approx(2.0)
    assert result.summary[0].mean_minutes == pytest.approx((low + high) / 120)
    result = analyse_gaps(
        units, facilities, [Kind("A", 250.0)], timed, 20.0, 2000.0, measure=walking_time(1.0)
    )
    assert result.ok["A"].tolist() == [1, 1]  # within 250 s: the time to walk 250 m on flat
    # The cut-off: 180 m on flat ground is 180 s; only the first unit (146.9 s) is reached.
    result = analyse_gaps(
        units, facilities, [Kind("A", 150.0)], timed, 20.0, 180.0, measure=walking_time(1.0)
    )
    assert np.isfinite(result.time["A"][0]) and np.isnan(result.time["A"][1])
    assert np.isnan(result.distance["A"][1])
    with pytest.raises(DataError, match=r"beyond the search cut-off of 3\.0 min"):
        analyse_gaps(
            units,
            facilities,
            [Kind("A", 150.0, walk_minutes=4)],
            timed,
            20.0,
            180.0,
            measure=walking_time(1.0),
        )


def test_the_plan_scenario_judges_nearer_in_walking_time(engine):
    """A new facility 150 m along a level street is quicker than the old one 100 m up a
    flight of stairs (150 s against 200 s), though farther: in walking time that is a change."""
    lines = [line((0, 0), (100, 0)), line((0, 0), (-150, 0))]
    graph = build_graph(lines)
    kinds = LineKinds(
        is_stairs=np.array([True, False]),
        step_count=np.array([200.0, np.nan]),
        stairs_incline=np.array([1.0, np.nan]),
    )
    timed, _ = walking_time_graph(graph, 1.0, kinds)
    units = PointSet(ids=["U"], xy=np.array([(0.0, 0.0)]))
    old = FacilitySet(xy=np.array([(100.0, 0.0)]), type_code=["A"])
    new = FacilitySet(xy=np.array([(100.0, 0.0), (-150.0, 0.0)]), type_code=["A", "A"])
    args = ([Kind("A", 400.0)], timed, 10.0, 1000.0)
    before = analyse_gaps(units, old, *args, measure=walking_time(1.0))
    after = analyse_gaps(units, new, *args, measure=walking_time(1.0))
    (change,) = unit_type_changes(before, after)
    assert (change.dist_before, change.dist_after) == pytest.approx((100.0, 150.0))
    assert (change.time_before, change.time_after) == pytest.approx((200 / 60, 150 / 60))
    assert (change.ok_before, change.ok_after) == (1, 1)
    # In metres the new facility is farther: no change.
    metres = ([Kind("A", 400.0)], graph, 10.0, 1000.0)
    assert (
        unit_type_changes(analyse_gaps(units, old, *metres), analyse_gaps(units, new, *metres))
        == []
    )


def test_sharing_reach_in_walking_time_runs_from_the_unit(engine):
    graph = build_graph([line((0, 0), (100, 0))])
    timed, _ = walking_time_graph(graph, 1.0, terrain=ramp(0.1))
    # Downhill at 5 % is the fastest walk (1.19 × the flat speed): the candidate search
    # must look that much farther than the reach in flat metres.
    assert metres_per_cost(timed) == pytest.approx(1.0)  # ±10 % here: no faster than flat
    unit_xy = np.array([(0.0, 0.0), (100.0, 0.0)])
    facility_xy = np.array([(100.0, 0.0), (0.0, 0.0)])
    units = snap_points(timed, unit_xy, 10.0)
    facilities = snap_points(timed, facility_xy, 10.0)
    # Each unit stands on a facility; 100 m up takes 141.9 s, 100 m down 100 s: with a 120 s
    # reach the upper unit shares the lower facility, not the other way round.
    pairs = reach_pairs(
        timed, walking_time(1.0), unit_xy, units, facility_xy, facilities, np.array([120.0, 120.0])
    )
    pairs_found = list(zip(pairs.unit_index.tolist(), pairs.facility_index.tolist()))
    assert pairs_found == [(0, 1), (1, 0), (1, 1)]
    np.testing.assert_allclose(pairs.cost, [0.0, 0.0, 100.0], atol=1e-12)
    np.testing.assert_allclose(pairs.length, [0.0, 0.0, 100.0], atol=1e-12)
    # In metres both are 100 m apart.
    plain_units = snap_points(graph, unit_xy, 10.0)
    plain_facilities = snap_points(graph, facility_xy, 10.0)
    pairs = reach_pairs(
        graph, DISTANCE, unit_xy, plain_units, facility_xy, plain_facilities, np.array([120.0] * 2)
    )
    assert pairs.unit_index.tolist() == [0, 0, 1, 1]


def test_reach_pairs_are_the_same_whichever_side_shares_the_searches(engine):
    """Site suggestion groups candidate sites, sharing groups units: the walk is the unit's
    either way, so both find the same pairs at the same times, and each is the brute-force
    answer of one search per unit."""
    lines, unit_xy, facility_xy, terrain = hilly_city()
    graph = build_graph(lines)
    timed, _ = walking_time_graph(graph, 1.0, terrain=terrain)
    units = snap_points(timed, unit_xy, 60.0)
    facilities = snap_points(timed, facility_xy, 60.0)
    reach = np.full(len(facility_xy), 240.0)
    by_unit = reach_pairs(timed, walking_time(1.0), unit_xy, units, facility_xy, facilities, reach)
    by_site = reach_pairs(
        timed, walking_time(1.0), unit_xy, units, facility_xy, facilities, reach, GROUP_FACILITIES
    )
    assert by_unit.unit_index.size > 10
    for name in ("unit_index", "facility_index"):
        assert np.array_equal(getattr(by_unit, name), getattr(by_site, name))
    np.testing.assert_allclose(by_unit.cost, by_site.cost, rtol=1e-12)
    np.testing.assert_allclose(by_unit.length, by_site.length, rtol=1e-12)
    expected = []
    for unit in range(len(unit_xy)):
        for facility in range(len(facility_xy)):
            found = nearest(
                timed, units.take([unit]), facilities.take([facility]), 240.0, WALK_FROM_SOURCE
            )
            if np.isfinite(found.cost[0]):
                expected.append((unit, facility, found.cost[0]))
    assert [(u, f) for u, f, _ in expected] == list(
        zip(by_unit.unit_index.tolist(), by_unit.facility_index.tolist())
    )
    np.testing.assert_allclose(by_unit.cost, [c for _, _, c in expected], rtol=1e-12)


def test_downhill_is_faster_than_flat_and_the_reach_bound_knows_it():
    graph = build_graph([line((0, 0), (100, 0))])
    timed, _ = walking_time_graph(graph, 1.0, terrain=ramp(-0.05))
    assert metres_per_cost(timed) == pytest.approx(1 / math.exp(-3.5 * 0.05), rel=1e-12)
    unit_xy = np.array([(0.0, 0.0)])
    facility_xy = np.array([(100.0, 0.0)])
    units = snap_points(timed, unit_xy, 10.0)
    facilities = snap_points(timed, facility_xy, 10.0)
    # 100 m at -5 % take 84 s: within a reach of 90 s although 90 s walk 90 m on the flat.
    pairs = reach_pairs(timed, walking_time(1.0), unit_xy, units, facility_xy, facilities, [90.0])
    np.testing.assert_allclose(pairs.cost, [100 * math.exp(-3.5 * 0.05)])


# --------------------------------------------------------------------------------------------
# DEM gaps, bad input
# --------------------------------------------------------------------------------------------


def test_a_nodata_hole_is_bridged_along_the_line(engine):
    grid_terrain = ramp(0.1)
    heights = np.array(grid_terrain.heights, dtype=float)
    centres = np.arange(-50.0, 255.0, 10.0)
    heights[:, (centres >= 40) & (centres <= 60)] = -9999.0
    holed = Terrain(heights, grid_terrain.geotransform, nodata=-9999.0)
    graph = build_graph([line((0, 0), (50, 0), (100, 0))])
    costs = walking_costs(graph, 1.0, terrain=holed)
    # Heights at x = 40, 50, 60 are filled between those at 30 and 70: the ramp again.
    np.testing.assert_allclose(costs.forward, [50 / tobler(0.1)] * 2, rtol=1e-12)
    assert costs.report.n_missing == 4  # x = 40 and 60, and 50 at the end of both edges
    assert costs.report.filled_lines.tolist() == [0]
    middle = int(np.flatnonzero(graph.node_xy[:, 0] == 50.0)[0])
    assert costs.report.missing_nodes.tolist() == [middle]
    assert costs.report.level_lines.size == 0


def test_a_street_leaving_the_dem_runs_level_beyond_it(engine):
    graph = build_graph([line((0, 0), (100, 0)), line((300, 0), (400, 0))])
    terrain = ramp(0.1, x_min=0.0, x_max=50.0)  # the DEM ends at x = 55
    costs = walking_costs(graph, 1.0, terrain=terrain)
    assert costs.forward[0] == pytest.approx(50 / tobler(0.1) + 50.0, rel=1e-12)
    assert costs.backward[0] == pytest.approx(50 / tobler(-0.1) + 50.0, rel=1e-12)
    assert costs.forward[1] == pytest.approx(100.0)  # wholly outside: level
    assert costs.report.level_lines.tolist() == [1]
    assert costs.report.filled_lines.tolist() == [0, 1]
    far = np.flatnonzero(graph.node_xy[:, 0] >= 100.0)
    assert costs.report.missing_nodes.tolist() == far.tolist()


def test_stairs_with_one_end_off_the_dem_are_level():
    graph = build_graph([line((0, 0), (30, 0))])
    terrain = ramp(0.2, x_min=-20.0, x_max=10.0)
    costs = walking_costs(graph, 1.0, LineKinds(is_stairs=np.array([True])), terrain=terrain)
    assert costs.forward[0] == pytest.approx(30.0)
    assert costs.report.missing_nodes.tolist() == [1]


def test_a_dem_that_misses_the_network_is_refused():
    graph = build_graph([line((1000, 0), (1100, 0))])
    with pytest.raises(DataError, match="gives no height anywhere on the walking network"):
        walking_costs(graph, 1.0, terrain=ramp(0.1))


def test_points_outside_or_on_nodata_have_no_height():
    terrain = Terrain(np.array([[1.0, 2.0], [np.nan, 4.0]]), (0.0, 10.0, 0.0, 20.0, 0.0, -10.0))
    heights, valid = terrain.sample(
        np.array([5.0, 15.0, 10.0, 2.0, -1.0, 20.0, 5.0]),
        np.array([15.0, 15.0, 15.0, 19.0, 10.0, 0.0, 5.0]),
    )
    # Cell centres, their midpoint, the half-cell border, outside, the far corner, nodata.
    assert valid.tolist() == [True, True, True, True, False, True, False]
    np.testing.assert_allclose(heights[:4], [1.0, 2.0, 1.5, 1.0])
    assert heights[5] == pytest.approx(4.0)
    # Between a nodata cell and valid ones, the valid ones' weighted mean.
    h, ok = terrain.sample(np.array([5.0]), np.array([10.0]))
    assert ok[0] and h[0] == pytest.approx(1.0)


def test_heights_come_from_the_nodes_in_the_dems_own_crs(engine):
    """The adapter hands the nodes over transformed into the DEM's CRS (here a rotated,
    scaled, shifted one, like degrees against metres); piece ends are interpolated there."""
    graph = build_graph([line((0, 0), (40, 30), (100, 30))])
    cell = 2.0
    centres = np.arange(-50.0, 150.0, cell)
    gx, gy = np.meshgrid(centres, centres[::-1])
    grid = 0.1 * gx + 0.05 * gy  # a plane: bilinear interpolation is exact on it
    top_left = np.array([centres[0] - cell / 2, centres[-1] + cell / 2])
    in_metres = Terrain(grid, (top_left[0], cell, 0.0, top_left[1], 0.0, -cell))
    expected = walking_costs(graph, 1.0, terrain=in_metres)
    np.testing.assert_allclose(
        expected.forward[0], 50 / tobler((0.1 * 40 + 0.05 * 30) / 50), rtol=1e-12
    )
    angle, scale, shift = 0.3, 1e-4, np.array([106.5, 29.5])
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])

    def to_dem(xy):
        return shift + scale * (xy @ rotation.T)

    origin = to_dem(top_left[None, :])[0]
    column = scale * rotation @ np.array([cell, 0.0])
    row = scale * rotation @ np.array([0.0, -cell])
    rotated = Terrain(grid, (origin[0], column[0], row[0], origin[1], column[1], row[1]))
    costs = walking_costs(graph, 1.0, terrain=rotated, node_dem_xy=to_dem(graph.node_xy))
    np.testing.assert_allclose(costs.forward, expected.forward, rtol=1e-9)
    np.testing.assert_allclose(costs.backward, expected.backward, rtol=1e-9)
    assert costs.report.n_missing == 0


def test_a_south_up_raster_reads_the_same_heights():
    heights = np.array([[1.0, 2.0], [3.0, 4.0]])
    north_up = Terrain(heights, (0.0, 10.0, 0.0, 20.0, 0.0, -10.0))
    south_up = Terrain(heights[::-1], (0.0, 10.0, 0.0, 0.0, 0.0, 10.0))
    x, y = np.array([3.0, 12.0, 17.0]), np.array([4.0, 11.0, 18.0])
    np.testing.assert_allclose(south_up.sample(x, y)[0], north_up.sample(x, y)[0])


def test_an_empty_network_has_no_costs():
    graph = build_graph([np.zeros((0, 2))])
    costs = walking_costs(graph, 1.0, terrain=ramp(0.1))
    assert costs.forward.shape == (0,) and costs.report.n_points == 0


def test_only_the_nodes_that_need_a_height_are_asked():
    graph = build_graph(
        [line((0, 0), (10, 0), (20, 0)), line((20, 0), (30, 0), (40, 0)), line((50, 0), (60, 0))]
    )
    kinds = LineKinds(
        is_stairs=np.array([False, True, False]), fixed_seconds=np.array([np.nan, np.nan, 9.0])
    )
    xs = graph.node_xy[heights_needed(graph, kinds), 0].tolist()
    assert xs == [0.0, 10.0, 20.0, 40.0]  # the stairs' middle vertex and the lift need none


@pytest.mark.parametrize("speed", [0, -1.0, float("nan"), float("inf"), "fast", None])
def test_a_walking_speed_that_is_not_positive_is_refused(speed):
    with pytest.raises(DataError, match="walking speed must be a positive number"):
        check_walk_speed(speed)
    with pytest.raises(DataError):
        walking_time(speed)
    with pytest.raises(DataError):
        walking_costs(build_graph([line((0, 0), (1, 0))]), speed)


@pytest.mark.parametrize("seconds", [-5.0, 0.0, float("inf")])
def test_a_fixed_time_that_is_not_positive_names_the_line(seconds):
    graph = build_graph([line((0, 0), (10, 0)), line((10, 0), (20, 0))])
    kinds = LineKinds(fixed_seconds=np.array([np.nan, seconds]))
    with pytest.raises(DataError, match="Network line lift-7: fixed time") as caught:
        walking_costs(graph, 1.0, kinds, line_ids=["street-1", "lift-7"])
    assert caught.value.template.startswith("Network line {line_id}: fixed time")


def test_a_negative_step_count_names_the_line():
    graph = build_graph([line((0, 0), (10, 0))])
    kinds = LineKinds(is_stairs=np.array([True]), step_count=np.array([-3.0]))
    with pytest.raises(DataError, match=r"Network line 0: step count -3\.0"):
        walking_costs(graph, 1.0, kinds)


def test_line_arrays_of_the_wrong_length_are_a_programming_error():
    graph = build_graph([line((0, 0), (10, 0)), line((10, 0), (20, 0))])
    with pytest.raises(ValueError, match="one value per line"):
        walking_costs(graph, 1.0, LineKinds(is_stairs=np.array([True]), fixed_seconds=np.ones(2)))


def test_directed_costs_must_be_finite_and_non_negative():
    graph = build_graph([line((0, 0), (10, 0))])
    with pytest.raises(ValueError, match="backward cost"):
        graph.with_directed_cost(np.array([1.0]), np.array([-1.0]))
    with pytest.raises(ValueError, match="forward cost"):
        graph.with_directed_cost(np.array([np.nan]), np.array([1.0]))


# --------------------------------------------------------------------------------------------
# The model file, and the two engines on a hilly city
# --------------------------------------------------------------------------------------------


def test_the_built_in_walking_model_is_design_section_4b():
    model = load_walking_model()
    assert (model.hiking_a, model.hiking_b) == (3.5, 0.05)
    assert model.piece_length_m == 10
    assert (model.stairs_up_m_per_s, model.stairs_down_m_per_s) == (UP, DOWN)
    assert model.step_height_m == 0.15
    assert model.walk_speed_m_per_s == 1.0
    assert "Tobler" in model.hiking_source
    assert "highway" in model.default_stairs and "bridge" in model.default_structures
    grades = np.array([-0.3, -0.05, 0.0, 0.1, 0.3])
    np.testing.assert_allclose(model.speed_factor(grades), [tobler(s) for s in grades])
    assert model.slowness(0.0) == 1.0


def test_a_walking_model_file_with_a_slip_is_refused_naming_the_field(tmp_path):
    text = Path(load_walking_model().source_path).read_text(encoding="utf-8")
    path = tmp_path / "model.yaml"
    path.write_text(text.replace("up_m_per_s: 0.30", "up_m_per_s: -0.3"), encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'stairs.up_m_per_s' must be a positive number"):
        load_walking_model(path)
    path.write_text(text.replace("piece_length_m: 10", "piece_length: 10"), encoding="utf-8")
    with pytest.raises(DataError, match="unknown field 'piece_length'"):
        load_walking_model(path)
    # A city's own figures are used: 5 m pieces give 4 pieces on a 20 m segment.
    path.write_text(text.replace("piece_length_m: 10", "piece_length_m: 5"), encoding="utf-8")
    terrain = profile_terrain(lambda x: 0.01 * x * x, cell=5.0)
    costs = walking_costs(
        build_graph([line((0, 0), (20, 0))]), 1.0, terrain=terrain, model=load_walking_model(path)
    )
    assert costs.report.n_points == 5


def hilly_city():
    lines, unit_xy, facility_xy = random_city(seed=11)
    terrain = profile_terrain(
        lambda x: 40 * math.sin(x / 90.0) + 0.05 * x,
        x_min=0.0,
        x_max=1400.0,
        rows=290,
        cell=5.0,
        top=1450.0,
    )
    return lines, unit_xy, facility_xy, terrain


def test_scipy_and_the_fallback_give_identical_times_and_lengths(monkeypatch):
    lines, unit_xy, facility_xy, terrain = hilly_city()
    kinds = LineKinds(
        is_stairs=np.arange(len(lines)) % 5 == 0,
        is_structure=np.arange(len(lines)) % 7 == 1,
    )
    answers = []
    for use_scipy in (True, False):
        monkeypatch.setattr(_optional, "USE_SCIPY", use_scipy)
        graph = build_graph(lines)
        timed, _ = walking_time_graph(graph, 1.1, kinds, terrain=terrain)
        sources = snap_points(timed, facility_xy, 60.0)
        targets = snap_points(timed, unit_xy, 60.0)
        answers.append(
            [
                nearest(timed, sources, targets, 3000.0, walk, lengths=True)
                for walk in (WALK_TO_SOURCE, WALK_FROM_SOURCE)
            ]
        )
    for with_scipy, without in zip(*answers):
        assert np.isfinite(with_scipy.cost).sum() > 50
        assert np.array_equal(with_scipy.cost, without.cost, equal_nan=True)
        assert np.array_equal(with_scipy.length, without.length, equal_nan=True)
    to_source, from_source = answers[0]
    assert not np.allclose(to_source.cost, from_source.cost)  # the hills make them differ


def test_times_match_a_brute_force_over_every_facility(engine):
    """Each unit's time is the least over all facilities of a plain Dijkstra on the directed
    edge costs, with the snapped parts of the two edges priced piece by piece here."""
    lines, unit_xy, facility_xy, terrain = hilly_city()
    graph = build_graph(lines)
    timed, report = walking_time_graph(graph, 1.0, terrain=terrain)
    assert report.n_missing == 0
    units = snap_points(timed, unit_xy[:15], 60.0)
    facilities = snap_points(timed, facility_xy, 60.0)
    found = nearest(timed, facilities, units, 1e6, lengths=True)
    model = load_walking_model()
    expected = [_brute_force(timed, terrain, model, units, facilities, i) for i in range(15)]
    np.testing.assert_allclose(found.cost, expected, rtol=1e-9)


def _brute_force(graph, terrain, model, units, facilities, unit):
    import heapq

    def part_cost(edge, start, stop):
        """Seconds from fraction start to stop along ``edge`` (either way), piece by piece."""
        a, b = graph.node_xy[graph.edge_from[edge]], graph.node_xy[graph.edge_to[edge]]
        length = graph.edge_length[edge]
        n = max(1, math.ceil(length / 10.0 - 1e-9))
        lo, hi = sorted((start, stop))
        cuts = sorted({lo, hi, *[k / n for k in range(n + 1) if lo < k / n < hi]})
        total = 0.0
        for p, q in zip(cuts, cuts[1:]):
            k = min(math.floor(p * n + 1e-12), n - 1)
            ends = [a + (b - a) * (j / n) for j in (k, k + 1)]
            h = terrain.sample(np.array([e[0] for e in ends]), np.array([e[1] for e in ends]))[0]
            grade = (h[1] - h[0]) / (length / n) * (1 if stop > start else -1)
            total += (q - p) * length / tobler(grade)
        return total

    n_nodes = graph.n_nodes
    adjacency = [[] for _ in range(n_nodes)]
    for e in range(graph.n_edges):
        u, v = int(graph.edge_from[e]), int(graph.edge_to[e])
        adjacency[u].append((v, graph.edge_cost[e]))
        adjacency[v].append((u, graph.edge_cost_back[e]))
    e_u, f_u, c_u = int(units.edge[unit]), units.fraction[unit], units.connector[unit]
    # From the unit's position to every node.
    best = [math.inf] * n_nodes
    heap = [
        (c_u + part_cost(e_u, f_u, 0.0), int(graph.edge_from[e_u])),
        (c_u + part_cost(e_u, f_u, 1.0), int(graph.edge_to[e_u])),
    ]
    while heap:
        d, node = heapq.heappop(heap)
        if d >= best[node]:
            continue
        best[node] = d
        for other, cost in adjacency[node]:
            heapq.heappush(heap, (d + cost, other))
    answer = math.inf
    for j in range(len(facilities)):
        e, f, c = int(facilities.edge[j]), facilities.fraction[j], facilities.connector[j]
        via = min(
            best[graph.edge_from[e]] + part_cost(e, 0.0, f),
            best[graph.edge_to[e]] + part_cost(e, 1.0, f),
        )
        if e == e_u:
            via = min(via, c_u + part_cost(e, f_u, f))
        answer = min(answer, via + c)
    return answer
