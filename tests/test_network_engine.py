"""The walking-network engine: graph building, snapping and the nearest-source search.

Every expected distance below is worked out by hand from the geometry in the test (or, in the
randomized test, by an independent brute force written here), and every test runs twice: with
scipy and with scipy hidden, so that the pure numpy/Python fallbacks are really exercised.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from complete_community.scoring.errors import DataError
from complete_community.scoring.network import (
    _optional,
    build_graph,
    nearest_distances,
    on_island,
    snap_points,
    straight_line_distances,
)


def line(*points):
    return np.array(points, dtype=float)


def distances(lines, sources, targets, tolerance=50.0, max_distance=10_000.0, **build):
    graph = build_graph(lines, **build)
    src = snap_points(graph, np.array(sources, dtype=float), tolerance)
    tgt = snap_points(graph, np.array(targets, dtype=float), tolerance)
    return nearest_distances(graph, src, tgt, max_distance)


def test_straight_line(engine):
    lines = [line((0, 0), (50, 0), (100, 0))]
    # Source joins at (10, 0) with a 5 m connector.
    result = distances(lines, [(10, 5)], [(90, -3), (100, 0), (0, 0)])
    assert result == pytest.approx([5 + 80 + 3, 5 + 90, 5 + 10])


def test_t_junction(engine):
    lines = [line((0, 0), (50, 0), (100, 0)), line((50, 0), (50, 80))]
    graph = build_graph(lines)
    assert (graph.n_nodes, graph.n_edges, graph.n_components) == (4, 3, 1)
    result = distances(lines, [(0, 0)], [(52, 70), (100, 0), (50, 80)])
    assert result == pytest.approx([50 + 70 + 2, 100, 130])


def test_grid(engine):
    lines = [line((0, y), (100, y), (200, y)) for y in (0, 100, 200)]
    lines += [line((x, 0), (x, 100), (x, 200)) for x in (0, 100, 200)]
    graph = build_graph(lines)
    assert (graph.n_nodes, graph.n_edges) == (9, 12)
    result = distances(lines, [(0, 0)], [(200, 200), (150, 100), (100, 37), (60, 170)])
    # (60, 170) joins the top edge at (60, 200), 30 m away, 200 + 60 along the network.
    assert result == pytest.approx([400, 250, 137, 290])


def test_loop_takes_the_shorter_way_round(engine):
    ring = [line((0, 0), (300, 0), (300, 100), (0, 100), (0, 0))]
    graph = build_graph(ring)
    assert (graph.n_nodes, graph.n_edges) == (4, 4), "the closing vertex is the first node"
    result = distances(ring, [(0, 0)], [(250, 100), (300, 40), (150, -2)])
    # (250, 100): 100 up + 250 across beats 300 + 100 + 50; (300, 40): 300 + 40 beats 460.
    assert result == pytest.approx([350, 340, 152])


def test_crossing_without_shared_vertex_is_a_bridge(engine):
    lines = [
        line((0, 50), (100, 50)),  # passes over the next line at (50, 50)
        line((50, 0), (50, 100)),
        line((100, 50), (100, 100), (50, 100)),  # the only way from one to the other
    ]
    graph = build_graph(lines)
    assert (graph.n_nodes, graph.n_edges) == (5, 4)
    result = distances(lines, [(0, 50)], [(50, 10)])
    assert result == pytest.approx([100 + 50 + 50 + 90])


def test_connector_counts(engine):
    lines = [line((0, 0), (100, 0))]
    graph = build_graph(lines)
    snaps = snap_points(graph, np.array([[40.0, 30.0]]), 50.0)
    assert snaps.joined.tolist() == [True]
    assert snaps.fraction == pytest.approx([0.4])
    assert snaps.connector == pytest.approx([30.0])
    np.testing.assert_allclose(snaps.snapped_xy, [[40.0, 0.0]])
    assert distances(lines, [(0, 0)], [(40, 30)]) == pytest.approx([70.0])


def test_joins_nearest_position_on_nearest_edge_not_nearest_node(engine):
    long_edge = line((0, -1000), (0, 1000))
    # Many short edges elsewhere keep the sample spacing small, so the long edge is cut.
    short = [line((20 + 2 * i, 0), (21 + 2 * i, 0)) for i in range(200)]
    other = line((-8, -500), (-8, 500))
    graph = build_graph([long_edge, other, *short])
    snaps = snap_points(graph, np.array([[3.0, 0.0], [-5.0, 250.0], [19.7, 0.2]]), 10.0)
    assert snaps.joined.tolist() == [True, True, True]
    assert snaps.connector == pytest.approx([3.0, 3.0, math.hypot(0.3, 0.2)])
    np.testing.assert_allclose(snaps.snapped_xy, [[0, 0], [-8, 250], [20, 0]], atol=1e-9)
    ends = graph.node_xy[graph.edge_from[snaps.edge]], graph.node_xy[graph.edge_to[snaps.edge]]
    assert ends[0][0].tolist() in ([0, -1000], [0, 1000])
    assert snaps.fraction[0] == pytest.approx(0.5)


def test_source_and_target_on_the_same_edge(engine):
    lines = [line((0, 0), (1000, 0))]
    sources = [(100, 10), (600, 1)]
    targets = [(300, 0), (500, 2), (50, 0), (700, 0), (1000, 0), (100, -5)]
    result = distances(lines, sources, targets)
    expected = [
        10 + 200,  # from the first source, straight along the edge (not via an end)
        1 + 100 + 2,  # from the second source, walking back along the edge
        10 + 50,  # before the first source: direct 60 beats via the node at 0 (160)
        1 + 100,
        1 + 400,
        10 + 5,  # same position, both connectors
    ]
    assert result == pytest.approx(expected)


def test_cutoff_gives_nan(engine):
    lines = [line((0, 0), (200, 0))]
    targets = [(100, 0), (150, 0), (50, 30), (90, 20)]
    result = distances(lines, [(0, 0)], targets, max_distance=100.0)
    # Exactly at the cut-off counts; the connector can push a target beyond it.
    assert result[0] == pytest.approx(100.0)
    assert np.isnan(result[1])
    assert result[2] == pytest.approx(80.0)
    assert np.isnan(result[3])


def test_points_beyond_tolerance_are_not_joined(engine):
    lines = [line((0, 0), (100, 0))]
    graph = build_graph(lines)
    snaps = snap_points(graph, np.array([[50.0, 60.0], [50.0, 50.0], [np.nan, 0.0]]), 50.0)
    assert snaps.joined.tolist() == [False, True, False]
    assert snaps.edge.tolist() == [-1, 0, -1]
    assert np.isnan(snaps.connector[0]) and np.isnan(snaps.fraction[0])
    # A source that is not joined is ignored; a target that is not joined gets NaN.
    result = distances(lines, [(50, 70), (0, 0)], [(100, 0), (50, 60)])
    assert result[0] == pytest.approx(100.0)
    assert np.isnan(result[1])


def test_two_components_and_the_island_flag(engine):
    lines = [line((0, 0), (1000, 0)), line((0, 500), (50, 500))]
    graph = build_graph(lines)
    assert graph.n_components == 2
    main = graph.main_component
    assert graph.component_length[main] == pytest.approx(1000.0)
    assert graph.node_component[graph.edge_from[0]] == main
    snaps = snap_points(graph, np.array([[10.0, 505.0], [500.0, 3.0], [500.0, 300.0]]), 20.0)
    assert on_island(graph, snaps).tolist() == [True, False, False]
    on_main_source = distances(lines, [(0, 0)], [(10, 505), (500, 3)], tolerance=20.0)
    assert np.isnan(on_main_source[0])
    assert on_main_source[1] == pytest.approx(503.0)
    on_island_source = distances(lines, [(0, 500)], [(10, 505), (500, 3)], tolerance=20.0)
    assert on_island_source[0] == pytest.approx(15.0)
    assert np.isnan(on_island_source[1])


def test_topology_tolerance_merges_near_identical_vertices(engine):
    lines = [line((0, 0), (100, 0)), line((100.004, 0.003), (100.004, 100))]
    joined = build_graph(lines, topology_tolerance=0.01)
    apart = build_graph(lines, topology_tolerance=0.001)
    assert (joined.n_nodes, joined.n_components) == (3, 1)
    assert (apart.n_nodes, apart.n_components) == (4, 2)
    # The merged node takes the lowest of its points, (100, 0); the target lies on the edge
    # from there to (100.004, 100), 60 % of the way up.
    leg = math.hypot(0.004, 100.0) * 0.6
    result = distances(lines, [(0, 0)], [(100.0024, 60)], topology_tolerance=0.01)
    assert result == pytest.approx([100.0 + leg], abs=1e-9)
    result = distances(lines, [(0, 0)], [(100.0024, 60)], topology_tolerance=0.001)
    assert np.isnan(result[0])


def test_topology_tolerance_across_a_grid_cell_boundary(engine):
    # 100.0099 and 100.0101 fall in different 1 cm cells but are 0.2 mm apart.
    lines = [line((0, 0), (100.0099, 0)), line((100.0101, 0), (200, 0))]
    graph = build_graph(lines, topology_tolerance=0.01)
    assert (graph.n_nodes, graph.n_edges, graph.n_components) == (3, 2, 1)


def test_zero_length_segments_are_dropped(engine):
    lines = [line((0, 0), (50, 0), (50, 0), (100, 0)), line((7, 7), (7, 7))]
    graph = build_graph(lines)
    assert (graph.n_nodes, graph.n_edges) == (3, 2)
    assert np.all(graph.edge_length > 0)
    assert distances(lines, [(0, 0)], [(100, 0)]) == pytest.approx([100.0])


def test_zero_cost_edges_and_a_source_standing_on_a_node(engine):
    lines = [line((0, 0), (100, 0)), line((100, 0), (200, 0))]
    factor = np.array([0.0, 1.0])
    graph = build_graph(lines, cost_factor=factor)
    assert graph.edge_cost.tolist() == [0.0, 100.0]
    result = distances(lines, [(0, 0)], [(150, 0), (60, 0), (200, 0)], cost_factor=factor)
    assert result == pytest.approx([50.0, 0.0, 100.0])


def test_edge_cost_is_length_times_the_line_factor(engine):
    lines = [line((0, 0), (30, 40), (30, 100)), line((30, 100), (0, 100))]
    graph = build_graph(lines, cost_factor=np.array([2.0, 0.5]))
    assert graph.edge_length.tolist() == pytest.approx([50.0, 60.0, 30.0])
    assert graph.edge_cost.tolist() == pytest.approx([100.0, 120.0, 15.0])
    assert graph.edge_line.tolist() == [0, 0, 1]
    # The search walks costs: from (0, 0) to (0, 100) costs 100 + 120 + 15.
    result = distances(lines, [(0, 0)], [(0, 100)], cost_factor=np.array([2.0, 0.5]))
    assert result == pytest.approx([235.0])


def test_parallel_edges_keep_the_cheaper_arc(engine):
    lines = [line((0, 0), (100, 0)), line((0, 0), (100, 0))]
    graph = build_graph(lines, cost_factor=np.array([3.0, 1.0]))
    assert graph.n_edges == 2
    assert graph.csr_indptr.tolist() == [0, 1, 2]
    assert graph.csr_cost.tolist() == [100.0, 100.0]


def test_bad_vertex_names_the_line():
    with pytest.raises(DataError) as raised:
        build_graph([line((0, 0), (1, 1)), line((0, 0), (np.nan, 1))], line_ids=["a", "b"])
    assert raised.value.values == {"line_id": "b"}


def test_empty_network_joins_nothing(engine):
    graph = build_graph([line((5, 5), (5, 5))])
    assert (graph.n_nodes, graph.n_edges, graph.main_component) == (0, 0, -1)
    snaps = snap_points(graph, np.array([[5.0, 5.0]]), 10.0)
    assert snaps.joined.tolist() == [False]
    assert np.isnan(nearest_distances(graph, snaps, snaps, 100.0)).all()


def test_straight_line_mode(engine):
    sources = np.array([[0.0, 0.0], [100.0, 0.0], [np.nan, 5.0]])
    targets = np.array([[30.0, 40.0], [100.0, 300.0], [97.0, 4.0], [np.nan, np.nan], [0, 250]])
    result = straight_line_distances(sources, targets, 250.0)
    assert result[[0, 2, 4]] == pytest.approx([50.0, 5.0, 250.0])
    assert np.isnan(result[[1, 3]]).all()
    assert np.isnan(straight_line_distances(np.zeros((0, 2)), targets, 250.0)).all()


# --- randomized comparison with an independent brute force --------------------------------


def random_network(rng):
    """A jittered 15 x 15 street grid with gaps, crossing diagonals (bridges: no shared
    vertex) and a separate four-edge island; horizontal runs are multi-vertex lines."""
    size, step = 15, 100.0
    node = rng.uniform(-20, 20, (size, size, 2)) + step * np.stack(
        np.meshgrid(np.arange(size), np.arange(size), indexing="ij"), axis=-1
    )
    lines = []
    for j in range(size):
        run = [node[0, j]]
        for i in range(1, size):
            if rng.random() < 0.85:
                run.append(node[i, j])
            else:
                if len(run) > 1:
                    lines.append(np.array(run))
                run = [node[i, j]]
        if len(run) > 1:
            lines.append(np.array(run))
    for i in range(size):
        for j in range(size - 1):
            if rng.random() < 0.8:
                lines.append(np.array([node[i, j], node[i, j + 1]]))
    for i in range(size - 1):
        for j in range(size - 1):
            if rng.random() < 0.15:
                lines.append(np.array([node[i, j], node[i + 1, j + 1]]))
    island = np.array([[2000, 0], [2060, 0], [2060, 60], [2000, 60], [2000, 0]], dtype=float)
    lines.append(island)
    factor = rng.uniform(1.0, 2.0, len(lines))
    return lines, factor


def brute_force_distances(lines, factor, sources, targets, tolerance, max_distance):
    """Snap by comparing every segment, split segments at the snapped points, add connector
    nodes and run a plain Dijkstra from every target over that explicit graph."""
    segments = [
        (tuple(part[k]), tuple(part[k + 1]), f)
        for part, f in zip(lines, factor)
        for k in range(len(part) - 1)
    ]

    def snap(point):
        best = None
        for index, (a, b, _) in enumerate(segments):
            ax, ay = a
            bx, by = b
            dx, dy = bx - ax, by - ay
            t = ((point[0] - ax) * dx + (point[1] - ay) * dy) / (dx * dx + dy * dy)
            t = min(1.0, max(0.0, t))
            d = math.hypot(point[0] - (ax + t * dx), point[1] - (ay + t * dy))
            if best is None or d < best[0]:
                best = (d, index, t)
        return best if best[0] <= tolerance else None

    adjacency = {}

    def connect(u, v, cost):
        adjacency.setdefault(u, []).append((v, cost))
        adjacency.setdefault(v, []).append((u, cost))

    splits = {index: [] for index in range(len(segments))}
    for kind, points in (("s", sources), ("t", targets)):
        for i, point in enumerate(points):
            joined = snap(point)
            if joined is not None:
                d, index, t = joined
                splits[index].append((t, (kind, i)))
                connect((kind, i), ("on", kind, i), d)
    for index, (a, b, f) in enumerate(segments):
        cost = math.dist(a, b) * f
        inner = sorted((t, ("on", *key)) for t, key in splits[index])
        chain = [(0.0, a), *inner, (1.0, b)]
        for (t0, u), (t1, v) in zip(chain, chain[1:]):
            connect(u, v, (t1 - t0) * cost)

    result = []
    for i in range(len(targets)):
        start = ("t", i)
        if start not in adjacency:
            result.append(np.nan)
            continue
        best = {start: 0.0}
        heap = [(0.0, 0, start)]
        counter = 1
        found = np.inf
        while heap:
            d, _, u = heapq.heappop(heap)
            if d > best[u]:
                continue
            if u[0] == "s":
                found = d
                break
            for v, c in adjacency[u]:
                if d + c < best.get(v, np.inf):
                    best[v] = d + c
                    heapq.heappush(heap, (d + c, counter, v))
                    counter += 1
        result.append(found if found <= max_distance else np.nan)
    return np.array(result)


def test_random_network_matches_brute_force(engine):
    rng = np.random.default_rng(20240607)
    lines, factor = random_network(rng)
    sources = rng.uniform(-60, 1460, (40, 2))
    targets = rng.uniform(-60, 1460, (70, 2))
    sources[-3:] = [[2030, 25], [2061, 40], [700, 700]]
    targets[-2:] = [[2010, 55], [2030, -10]]
    # Targets on the edges of some sources, so the same-edge case is exercised.
    graph = build_graph(lines, cost_factor=factor)
    src = snap_points(graph, sources, 25.0)
    nearby = src.snapped_xy[src.joined][:12]
    targets = np.concatenate([targets, nearby + rng.uniform(-3, 3, nearby.shape)])
    tolerance, max_distance = 25.0, 700.0

    tgt = snap_points(graph, targets, tolerance)
    engine_result = nearest_distances(graph, src, tgt, max_distance)
    expected = brute_force_distances(lines, factor, sources, targets, tolerance, max_distance)

    assert np.isnan(expected).sum() >= 5, "the case covers unreachable targets"
    assert np.isfinite(expected).sum() >= 50
    np.testing.assert_allclose(engine_result, expected, rtol=1e-9, atol=1e-6)


def test_fallback_snaps_and_searches_identically(monkeypatch):
    pytest.importorskip("scipy.spatial")
    rng = np.random.default_rng(7)
    lines, factor = random_network(rng)
    points = rng.uniform(-100, 1500, (300, 2))
    results = []
    for use_scipy in (True, False):
        monkeypatch.setattr(_optional, "USE_SCIPY", use_scipy)
        graph = build_graph(lines, cost_factor=factor)
        snaps = snap_points(graph, points, 30.0)
        found = nearest_distances(graph, snaps.take(np.arange(40)), snaps, 900.0)
        results.append((graph, snaps, found))
    (graph_a, snaps_a, found_a), (graph_b, snaps_b, found_b) = results
    assert np.array_equal(graph_a.node_component, graph_b.node_component)
    assert np.array_equal(snaps_a.edge, snaps_b.edge)
    assert np.array_equal(snaps_a.connector, snaps_b.connector, equal_nan=True)
    assert np.array_equal(snaps_a.fraction, snaps_b.fraction, equal_nan=True)
    np.testing.assert_allclose(found_a, found_b, rtol=1e-12, atol=1e-9)
    assert np.isfinite(found_a).sum() > 100
