"""Results worked out on one walking graph, remembered on that graph for the next identical ask.

A graph kept between runs (the QGIS adapter keeps the last few built, see
``processing/graph_cache.py``) is asked the same questions again when a planner re-runs an
analysis on unchanged data: the same units and facilities to join, the same per-type searches.
Each answer is a pure function of the graph and the input arrays, so it is stored under a digest
of those arrays and handed back as a copy. The memo lives in ``graph.cache`` and dies with the
graph; a graph with other costs (``with_edge_cost``) starts with an empty one.

Digests cover dtype, shape and every byte of the inputs (BLAKE2b, 128 bits), so equal inputs hit
and any changed value misses. The memo is bounded in bytes and forgets the least recently used
results first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Optional, Tuple

import numpy as np

#: Bytes of results one graph remembers (search results for 20,000 units are 160 kB each).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_CACHE_KEY = "result_memo"


class ResultMemo:
    """A least-recently-used store of results, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[Hashable, Tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Optional[Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._entries)


def memo_of(graph: Any) -> ResultMemo:
    """The memo attached to ``graph`` (created on first use)."""
    memo = graph.cache.get(_CACHE_KEY)
    if memo is None:
        memo = graph.cache.setdefault(_CACHE_KEY, ResultMemo())
    return memo


def digest(*arrays: Any) -> bytes:
    """A digest of arrays' dtypes, shapes and contents (scalars are taken as 0-d arrays)."""
    hasher = hashlib.blake2b(digest_size=16)
    for value in arrays:
        array = np.ascontiguousarray(value)
        hasher.update(f"{array.dtype.str}{array.shape};".encode())
        hasher.update(memoryview(array).cast("B") if array.size else b"")
    return hasher.digest()


def remembered(graph: Any, key: Hashable, compute: Callable[[], Any], copy, size) -> Any:
    """``compute()`` once per ``key`` on this graph; later calls get ``copy(stored)``.

    ``size(value)`` is the value's footprint in bytes for the memo's bound. The stored value is
    never handed out, so a caller changing its result cannot change the next caller's.
    """
    memo = memo_of(graph)
    stored = memo.get(key)
    if stored is None:
        stored = compute()
        memo.put(key, stored, size(stored))
    return copy(stored)
