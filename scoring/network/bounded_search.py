"""Bounded multi-source shortest-path costs over a CSR adjacency, in numpy.

Every search of the walking engine (:mod:`.search`) ends here: given the cost of entering the
network at some nodes (the super-source's arcs) and a cut-off, the cost of the cheapest walk
to every node, ``inf`` beyond the cut-off.

Why not a heap-based Dijkstra (scipy's ``csgraph.dijkstra``, used before): a facility
type with thousands of facilities reaches nearly every node of a city within the cut-off, so a
search settles hundreds of thousands of nodes one at a time through a heap, and scipy also
validates and copies the whole matrix on every call and holds the GIL while it runs. Here whole
fronts of nodes are relaxed at once with array operations (delta-stepping, Meyer & Sanders
2003): each round takes the pending nodes whose cost is within ``step`` of the lowest pending
cost and relaxes all their arcs together; a node whose cost drops becomes pending again. On
the benchmark's L city this is about three times faster than scipy, and it needs only numpy.

The answer is bit for bit the one Dijkstra gives, whatever ``step`` is. A node's cost is
always ``fl(cost(u) + arc)`` of some arc (or its entry), the same floating-point sum Dijkstra
forms; the rounds stop only when no arc lowers any node, and with non-negative arcs that
leaves every node at the least left-to-right sum over the walks to it whose every prefix is
within the cut-off (floating-point addition is monotone) — exactly the value Dijkstra settles.
``step`` only decides how often a node is relaxed again (0 relaxes in cost order, like
Dijkstra; a larger step fewer, wider rounds); the median arc cost suits street networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import Arcs, expand_ranges


@dataclass(frozen=True, eq=False)
class SearchArcs:
    """One adjacency as the search reads it: int64 CSR arrays (numpy indexes with them without
    converting) and the width of a round, ``step``, in the arcs' cost unit."""

    indptr: np.ndarray
    indices: np.ndarray
    cost: np.ndarray
    step: float

    @classmethod
    def of(cls, arcs: Arcs) -> SearchArcs:
        cost = np.asarray(arcs.cost, dtype=np.float64)
        return cls(
            indptr=np.asarray(arcs.indptr, dtype=np.int64),
            indices=np.asarray(arcs.indices, dtype=np.int64),
            cost=cost,
            step=float(np.median(cost)) if cost.size else 0.0,
        )

    @property
    def n_nodes(self) -> int:
        return int(self.indptr.shape[0]) - 1


def bounded_costs(
    arcs: SearchArcs, entry_node: np.ndarray, entry_cost: np.ndarray, limit: float
) -> np.ndarray:
    """Cost of the cheapest walk to every node from the entries (``entry_cost[i]`` at node
    ``entry_node[i]``, one entry per node), ``inf`` where it exceeds ``limit``."""
    cost = np.full(arcs.n_nodes, np.inf)
    entry_node = np.asarray(entry_node, dtype=np.int64)
    entry_cost = np.asarray(entry_cost, dtype=np.float64)
    within = entry_cost <= limit
    active = entry_node[within]
    cost[active] = entry_cost[within]
    pending = np.zeros(arcs.n_nodes, dtype=bool)
    pending[active] = True
    while active.size:
        here = cost[active]
        now = here <= here.min() + arcs.step
        relaxed, relaxed_cost, waiting = active[now], here[now], active[~now]
        pending[relaxed] = False
        owner, arc = expand_ranges(arcs.indptr[relaxed], arcs.indptr[relaxed + 1])
        candidate = relaxed_cost[owner] + arcs.cost[arc]
        head = arcs.indices[arc]
        better = (candidate < cost[head]) & (candidate <= limit)
        head, candidate = head[better], candidate[better]
        _lower(cost, head, candidate)
        fresh = np.unique(head[~pending[head]])
        pending[fresh] = True
        active = np.concatenate([waiting, fresh]) if waiting.size else fresh
    return cost


def _lower(cost: np.ndarray, node: np.ndarray, value: np.ndarray) -> None:
    """``cost[node] = min(cost[node], value)`` with repeated nodes, every ``value`` already
    below its node's cost. A plain assignment keeps one value per node (which one is not
    defined); only the nodes where a lower value lost need ``minimum.at`` (slow per element)."""
    cost[node] = value
    lost = cost[node] > value
    if lost.any():
        np.minimum.at(cost, node[lost], value[lost])
