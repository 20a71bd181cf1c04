"""Facility gap analysis end to end on a case small enough to work out by hand.

The network is one 1 km street along y = 0 plus a 10 m island path at x = 2000..2010.
Distances are connector + along the street + connector (DESIGN.md §4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from complete_community.scoring.errors import Cancelled, DataError
from complete_community.scoring.gap import (
    MODE_NETWORK,
    MODE_STRAIGHT_LINE,
    REASON_ISLAND,
    REASON_NOT_JOINED,
    REASON_OK,
    FacilitySet,
    PointSet,
    analyse_gaps,
)
from complete_community.scoring.network import build_graph


@dataclass(frozen=True)
class Kind:
    code: str
    radius_m: float


TYPES = [Kind("A", 200.0), Kind("B", 300.0), Kind("C", 500.0)]


def network():
    return build_graph([np.array([[0.0, 0.0], [1000.0, 0.0]]), np.array([[2000.0, 0], [2010, 0]])])


def units():
    return PointSet(
        ids=["u1", "u2", "u3", "u4", "u5"],
        xy=np.array([[100, 10], [500, -20], [900, 5], [500, 500], [2005, 1]], dtype=float),
        population=np.array([100.0, 200.0, np.nan, 50.0, 10.0]),
    )


def facilities():
    return FacilitySet(
        xy=np.array(
            [[0, 0], [1000, 0], [480, 30], [300, 0], [600, 0], [2009, 0], [1000, 900]], float
        ),
        type_code=["A", "A", "B", None, "Z", "C", "B"],
    )


class Recorder:
    def __init__(self, cancel_after=None):
        self.progress = []
        self.cancel_after = cancel_after

    def set_progress(self, fraction):
        self.progress.append(fraction)

    def is_cancelled(self):
        return self.cancel_after is not None and len(self.progress) >= self.cancel_after


def test_network_gaps_end_to_end(engine):
    feedback = Recorder()
    result = analyse_gaps(units(), facilities(), TYPES, network(), 100.0, 1000.0, feedback)
    assert result.mode == MODE_NETWORK
    assert result.codes == ["A", "B", "C"]
    assert result.n_components == 2
    nan = np.nan
    # u1 joins at x=100 (10 m), u2 at 500 (20 m), u3 at 900 (5 m); u4 is 500 m away: not
    # joined; u5 is on the island, 1 m off it, 4 m from the island's C at x=2009.
    expected = {
        "A": [10 + 100, 20 + 500, 5 + 100, nan, nan],
        "B": [10 + 380 + 30, 20 + 20 + 30, 5 + 420 + 30, nan, nan],
        "C": [nan, nan, nan, nan, 1 + 4],
    }
    for code, values in expected.items():
        np.testing.assert_allclose(result.distance[code], values, rtol=1e-12)
    assert result.ok["A"].tolist() == [1, 0, 1, 0, 0]
    assert result.ok["B"].tolist() == [0, 1, 0, 0, 0]
    assert result.ok["C"].tolist() == [0, 0, 0, 0, 1]
    assert result.gaps == ["B,C", "A,C", "B,C", "A,B,C", "A,B"]
    assert result.n_gaps.tolist() == [2, 2, 2, 3, 2]
    assert result.reason == [REASON_OK, REASON_OK, REASON_OK, REASON_NOT_JOINED, REASON_ISLAND]
    assert result.unit_ids == ["u1", "u2", "u3", "u4", "u5"]
    # Facility 6 (B at 1000, 900) is beyond the tolerance; 5 sits on the island; 3 has no
    # type and 4 a type the standard does not list.
    assert result.facilities_not_joined.tolist() == [6]
    assert result.facilities_on_island.tolist() == [5]
    assert result.facilities_untyped.tolist() == [3]
    assert result.facilities_unknown_type.tolist() == [4]
    assert feedback.progress == pytest.approx([0.25, 0.5, 0.75, 1.0])


def test_summary_rows(engine):
    result = analyse_gaps(units(), facilities(), TYPES, network(), 100.0, 1000.0)
    rows = {row.code: row for row in result.summary}
    assert [row.code for row in result.summary] == ["A", "B", "C"]
    # Known populations: u1 100, u2 200, u4 50, u5 10 (u3 unknown) = 360.
    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a.radius_m, a.n_facilities, a.n_facilities_joined) == (200.0, 2, 2)
    assert (b.n_facilities, b.n_facilities_joined) == (2, 1)
    assert (c.n_facilities, c.n_facilities_joined) == (1, 1)
    assert (a.units_covered, a.units_reached, a.units_total) == (2, 3, 5)
    assert (b.units_covered, c.units_covered, c.units_reached) == (1, 1, 1)
    assert a.population_total == b.population_total == c.population_total == 360.0
    assert a.population_covered == 100.0  # u1; u3 is covered but has no population
    assert b.population_covered == 200.0
    assert c.population_covered == 10.0
    assert a.share_covered == pytest.approx(100 / 360)
    assert b.share_covered == pytest.approx(200 / 360)
    assert c.share_covered == pytest.approx(10 / 360)
    assert a.mean_distance == pytest.approx((110 + 520 + 105) / 3)
    assert a.median_distance == pytest.approx(110)
    assert b.median_distance == pytest.approx(420)
    assert c.mean_distance == pytest.approx(5)


def test_type_without_facilities_is_all_null_and_a_gap(engine):
    kinds = [*TYPES, Kind("D", 400.0)]
    result = analyse_gaps(units(), facilities(), kinds, network(), 100.0, 1000.0)
    assert np.isnan(result.distance["D"]).all()
    assert result.ok["D"].tolist() == [0, 0, 0, 0, 0]
    assert result.gaps[0] == "B,C,D"
    row = result.summary[-1]
    assert (row.n_facilities, row.units_covered, row.population_covered) == (0, 0, 0.0)
    assert row.share_covered == 0.0
    assert np.isnan(row.mean_distance)


def test_cut_off_nulls_far_units(engine):
    result = analyse_gaps(units(), facilities(), [Kind("A", 100.0)], network(), 100.0, 115.0)
    np.testing.assert_allclose(result.distance["A"], [110, np.nan, 105, np.nan, np.nan])
    assert result.ok["A"].tolist() == [0, 0, 0, 0, 0]  # 110 and 105 are beyond 100 m


def test_straight_line_mode(engine):
    result = analyse_gaps(units(), facilities(), TYPES, None, 100.0, 1000.0)
    assert result.mode == MODE_STRAIGHT_LINE
    assert result.reason == [REASON_OK] * 5
    assert result.n_components == 0
    expected_a = [
        math.hypot(100, 10),
        math.hypot(500, 20),
        math.hypot(100, 5),
        math.hypot(500, 500),
        np.nan,  # the nearest A (1000, 0) is 1005 m away, beyond the 1000 m cut-off
    ]
    np.testing.assert_allclose(result.distance["A"], expected_a, rtol=1e-12)
    assert result.distance["C"][4] == pytest.approx(math.hypot(4, 1))
    assert result.ok["A"].tolist() == [1, 0, 1, 0, 0]
    # The B at (1000, 900) counts in straight-line mode: u4 (500, 500) is 640 m from it,
    # and 470 m from the B at (480, 30).
    assert result.distance["B"][3] == pytest.approx(math.hypot(20, 470))
    assert result.facilities_not_joined.tolist() == []


def test_cancel_between_types(engine):
    feedback = Recorder(cancel_after=2)  # after the snapping step and the first type
    with pytest.raises(Cancelled):
        analyse_gaps(units(), facilities(), TYPES, network(), 100.0, 1000.0, feedback)
    assert feedback.progress == pytest.approx([0.25, 0.5])


def test_unit_without_coordinates_is_named():
    bad = units()
    bad.xy[2] = [np.nan, 4.0]
    with pytest.raises(DataError) as raised:
        analyse_gaps(bad, facilities(), TYPES, network(), 100.0, 1000.0)
    assert raised.value.values == {"unit_id": "u3"}
    assert "u3" in str(raised.value)


def test_facility_without_coordinates_is_named():
    bad = facilities()
    bad.ids = ["f0", "f1", "f2", "f3", "f4", "f5", "f6"]
    bad.xy[5] = [np.inf, 0.0]
    with pytest.raises(DataError) as raised:
        analyse_gaps(units(), bad, TYPES, network(), 100.0, 1000.0)
    assert raised.value.values == {"facility_id": "f5"}


def test_negative_population_is_named():
    bad = units()
    bad.population[1] = -3.0
    with pytest.raises(DataError) as raised:
        analyse_gaps(bad, facilities(), TYPES, network(), 100.0, 1000.0)
    assert raised.value.values["unit_id"] == "u2"


def test_radius_beyond_the_cut_off_is_refused():
    with pytest.raises(DataError) as raised:
        analyse_gaps(units(), facilities(), TYPES, network(), 100.0, 400.0)
    assert raised.value.values["code"] == "C"


def test_duplicate_type_codes_are_refused():
    with pytest.raises(DataError) as raised:
        analyse_gaps(units(), facilities(), [*TYPES, Kind("A", 100.0)], None, 100.0, 1000.0)
    assert raised.value.values == {"code": "A"}


def test_no_population_field_gives_nan_shares(engine):
    plain = units()
    plain.population = None
    result = analyse_gaps(plain, facilities(), TYPES, network(), 100.0, 1000.0)
    assert result.summary[0].population_total == 0.0
    assert np.isnan(result.summary[0].share_covered)
    assert result.summary[0].units_covered == 2
