"""The engine's shortest-path search (``scoring/network/bounded_search.py``) against Dijkstra.

The search relaxes whole fronts of nodes at once; its costs must be those of a Dijkstra over
the same arcs bit for bit (not merely close), whatever the width of its rounds, because the
gap analysis' outputs are compared value for value. The reference here is a plain heapq
Dijkstra written in this file, and scipy's ``csgraph.dijkstra`` (the engine before) when scipy
is there. The graphs have what street networks have and what breaks careless searches: free
(zero-cost) arcs, a node entered at cost 0, parallel streets, an unreachable island, costs
with long binary fractions and a cut-off that falls between nodes.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from complete_community.scoring.network.bounded_search import SearchArcs, bounded_costs
from complete_community.scoring.network.graph import Arcs


def dijkstra(arcs: SearchArcs, entry_node, entry_cost, limit) -> np.ndarray:
    """Textbook Dijkstra with a binary heap over the same CSR arrays."""
    cost = [float("inf")] * arcs.n_nodes
    heap = []
    for node, value in zip(entry_node.tolist(), entry_cost.tolist()):
        if value <= limit:
            cost[node] = value
            heap.append((value, node))
    heapq.heapify(heap)
    done = [False] * arcs.n_nodes
    while heap:
        here, node = heapq.heappop(heap)
        if done[node]:
            continue
        done[node] = True
        for arc in range(arcs.indptr[node], arcs.indptr[node + 1]):
            there = here + arcs.cost[arc]
            head = int(arcs.indices[arc])
            if there < cost[head] and there <= limit:
                cost[head] = there
                heapq.heappush(heap, (there, head))
    return np.array(cost)


def random_arcs(rng, n=400, degree=3.5, free_share=0.05, directed=True) -> SearchArcs:
    """A random sparse graph; one arc per ordered pair, costs like street metres (some free)."""
    m = int(n * degree)
    tail = rng.integers(0, n - 20, m)  # the last 20 nodes get no arc out: a sink island
    head = np.where(rng.random(m) < 0.8, tail + rng.integers(-30, 31, m), rng.integers(0, n, m))
    head = np.clip(head, 0, n - 21)
    if not directed:
        tail, head = np.concatenate([tail, head]), np.concatenate([head, tail])
    keep = tail != head
    tail, head = tail[keep], head[keep]
    _, first = np.unique(tail * n + head, return_index=True)  # sorted by tail: CSR order
    tail, head = tail[first], head[first]
    cost = rng.uniform(1.0, 250.0, tail.shape[0]) * np.pi  # long binary fractions
    cost[rng.random(cost.shape[0]) < free_share] = 0.0
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return SearchArcs.of(Arcs(indptr.astype(np.int32), head.astype(np.int32), cost))


def entries(rng, n, count):
    node = rng.choice(n - 20, count, replace=False)
    cost = rng.uniform(0.0, 40.0, count) / 3.0
    cost[0] = 0.0  # a source standing on a node
    return node, cost


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("directed", [True, False])
def test_costs_are_those_of_dijkstra_bit_for_bit(seed, directed):
    rng = np.random.default_rng(seed)
    arcs = random_arcs(rng, directed=directed)
    node, cost = entries(rng, arcs.n_nodes, 1 + seed * 7)
    reached = []
    for limit in (np.inf, 2000.0 + 1e-6, 333.3):
        expected = dijkstra(arcs, node, cost, limit)
        found = bounded_costs(arcs, node, cost, limit)
        assert np.array_equal(found, expected), (seed, limit)
        assert np.isinf(found[-20:]).all()  # the island is never reached
        reached.append(int(np.isfinite(found).sum()))
    assert reached[0] > 100 and reached[0] > reached[-1]  # the cut-off cuts


@pytest.mark.parametrize("step", [0.0, 1e-3, 37.5, 5_000.0, np.inf])
def test_the_width_of_a_round_changes_nothing(step):
    rng = np.random.default_rng(99)
    arcs = random_arcs(rng, free_share=0.2)
    node, cost = entries(rng, arcs.n_nodes, 15)
    expected = dijkstra(arcs, node, cost, 1500.0)
    wide = SearchArcs(arcs.indptr, arcs.indices, arcs.cost, step)
    assert np.array_equal(bounded_costs(wide, node, cost, 1500.0), expected)


def test_entries_beyond_the_limit_and_a_graph_of_free_arcs():
    # 0 -> 1 -> 2 -> 3 all free; 4 entered beyond the limit.
    arcs = SearchArcs.of(
        Arcs(np.array([0, 1, 2, 3, 3, 3], np.int32), np.array([1, 2, 3], np.int32), np.zeros(3))
    )
    assert arcs.step == 0.0
    found = bounded_costs(arcs, np.array([0, 4]), np.array([2.5, 9.0]), 5.0)
    assert found.tolist() == [2.5, 2.5, 2.5, 2.5, np.inf]
    assert np.isinf(bounded_costs(arcs, np.array([0]), np.array([6.0]), 5.0)).all()


def test_a_node_exactly_at_the_limit_is_reached():
    # 0 -(2.5)-> 1 -(0)-> 2 -(0.5)-> 3, entered at 0 for 2.5: nodes 1 and 2 cost exactly 5.
    arcs = SearchArcs.of(
        Arcs(
            np.array([0, 1, 2, 3, 3], np.int32),
            np.array([1, 2, 3], np.int32),
            np.array([2.5, 0.0, 0.5]),
        )
    )
    found = bounded_costs(arcs, np.array([0]), np.array([2.5]), 5.0)
    assert found.tolist() == [2.5, 5.0, 5.0, np.inf]


def test_same_costs_as_scipy_dijkstra_on_a_super_source():
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(5)
    # No free arcs: how scipy reads explicit zeros in a sparse matrix has varied between versions.
    arcs = random_arcs(rng, n=2000, directed=False, free_share=0.0)
    node, cost = entries(rng, arcs.n_nodes, 60)
    n = arcs.n_nodes
    matrix = sparse.csr_matrix(
        (
            np.concatenate([arcs.cost, cost]),
            np.concatenate([arcs.indices, node]),
            np.append(arcs.indptr, arcs.indptr[-1] + node.shape[0]),
        ),
        shape=(n + 1, n + 1),
    )
    limit = 900.0
    expected = csgraph.dijkstra(matrix, directed=True, indices=n, limit=limit)[:n]
    assert np.array_equal(bounded_costs(arcs, node, cost, limit), expected)
