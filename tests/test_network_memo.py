"""Snapping and search results remembered on a graph: the same ask gets the same answer without
a new search, any changed input is asked afresh, and callers never share an array.

Distances are worked out by hand on a straight 100 m street from (0, 0) to (100, 0).
"""

from __future__ import annotations

import numpy as np
import pytest

from complete_community.scoring.network import build_graph, nearest_distances, snap_points
from complete_community.scoring.network.memo import ResultMemo, digest, memo_of

STREET = [np.array([(0.0, 0.0), (100.0, 0.0)])]


@pytest.fixture
def graph():
    return build_graph(STREET)


def test_a_repeated_search_is_answered_from_the_memo_with_the_same_distances(graph):
    units = snap_points(graph, np.array([(30.0, 10.0), (100.0, 4.0)]), 50.0)
    shop = snap_points(graph, np.array([(80.0, -5.0)]), 50.0)
    # 10 m connector + 50 m along the street + 5 m connector; 4 + 20 + 5.
    expected = np.array([65.0, 29.0])
    first = nearest_distances(graph, shop, units, 1000.0)
    misses = memo_of(graph).misses
    second = nearest_distances(graph, shop, units, 1000.0)
    np.testing.assert_allclose(first, expected, atol=1e-9)
    assert np.array_equal(first, second)
    assert memo_of(graph).misses == misses  # no new search
    assert memo_of(graph).hits >= 1
    first[:] = -1.0  # a caller changing its answer cannot change the next caller's
    np.testing.assert_allclose(nearest_distances(graph, shop, units, 1000.0), expected, atol=1e-9)


def test_changed_sources_cut_off_or_targets_are_searched_afresh(graph):
    units = snap_points(graph, np.array([(30.0, 10.0)]), 50.0)
    shop = snap_points(graph, np.array([(80.0, -5.0)]), 50.0)
    assert nearest_distances(graph, shop, units, 1000.0)[0] == pytest.approx(65.0)
    moved = snap_points(graph, np.array([(90.0, -5.0)]), 50.0)  # 10 m farther along
    assert nearest_distances(graph, moved, units, 1000.0)[0] == pytest.approx(75.0)
    assert np.isnan(nearest_distances(graph, shop, units, 60.0)[0])  # beyond the cut-off
    other_unit = snap_points(graph, np.array([(0.0, 2.0)]), 50.0)
    assert nearest_distances(graph, shop, other_unit, 1000.0)[0] == pytest.approx(87.0)


def test_repeated_snapping_gives_equal_but_separate_snaps(graph):
    points = np.array([(30.0, 10.0), (250.0, 0.0)])
    first = snap_points(graph, points, 50.0)
    second = snap_points(graph, points, 50.0)
    for name in ("edge", "fraction", "connector", "joined", "snapped_xy"):
        a, b = getattr(first, name), getattr(second, name)
        assert np.array_equal(a, b, equal_nan=True), name
        assert a is not b and not np.shares_memory(a, b), name
    assert first.connector[0] == pytest.approx(10.0) and first.fraction[0] == pytest.approx(0.3)
    assert not first.joined[1]  # 150 m beyond the street's end
    # A larger tolerance is another question: the far point now joins at the end, 150 m away.
    wider = snap_points(graph, points, 200.0)
    assert wider.joined[1] and wider.connector[1] == pytest.approx(150.0)


def test_a_graph_with_other_costs_starts_with_an_empty_memo(graph):
    units = snap_points(graph, np.array([(30.0, 10.0)]), 50.0)
    shop = snap_points(graph, np.array([(80.0, -5.0)]), 50.0)
    assert nearest_distances(graph, shop, units, 1000.0)[0] == pytest.approx(65.0)
    slower = graph.with_edge_cost(graph.edge_cost * 2.0)
    # Along the street costs double: 10 + 2 × 50 + 5.
    assert nearest_distances(slower, shop, units, 1000.0)[0] == pytest.approx(115.0)


def test_the_memo_forgets_the_least_recently_used_beyond_its_size():
    memo = ResultMemo(max_bytes=100)
    memo.put("a", "A", 40)
    memo.put("b", "B", 40)
    assert memo.get("a") == "A"  # now "b" is the least recently used
    memo.put("c", "C", 40)
    assert memo.get("b") is None
    assert memo.get("a") == "A" and memo.get("c") == "C"
    memo.put("huge", "H", 101)  # larger than the whole memo: not kept, nothing dropped
    assert memo.get("huge") is None and len(memo) == 2


def test_digest_tells_apart_values_dtypes_and_shapes():
    base = np.array([1.0, 2.0, 3.0])
    assert digest(base) == digest(base.copy())
    assert digest(base) != digest(np.array([1.0, 2.0, 3.5]))
    assert digest(base) != digest(base.astype(np.float32))
    assert digest(base.reshape(3, 1)) != digest(base.reshape(1, 3))
    assert digest(base, base) != digest(base)
