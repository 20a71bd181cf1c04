"""Straight-line (crow-flies) nearest distances, for runs without a walking network.

The output of such a run says that its distances are straight-line; they understate walking
distance, never overstate it.
"""

from __future__ import annotations

import numpy as np

from . import _optional

#: Source-target pairs compared at once by the brute-force fallback.
_BRUTE_CHUNK = 4_000_000


def straight_line_distances(
    source_xy: np.ndarray, target_xy: np.ndarray, max_distance: float
) -> np.ndarray:
    """For every target: distance (m) to the nearest source, NaN beyond ``max_distance``.

    Points with non-finite coordinates are ignored as sources and get NaN as targets.
    """
    max_distance = float(max_distance)
    if not (max_distance >= 0):
        raise ValueError("max_distance must be a non-negative number of metres")
    sources = np.asarray(source_xy, dtype=np.float64).reshape(-1, 2)
    targets = np.asarray(target_xy, dtype=np.float64).reshape(-1, 2)
    sources = sources[np.all(np.isfinite(sources), axis=1)]
    result = np.full(targets.shape[0], np.nan)
    usable = np.flatnonzero(np.all(np.isfinite(targets), axis=1))
    if sources.shape[0] == 0 or usable.size == 0:
        return result
    spatial = _optional.scipy_spatial()
    if spatial is not None:
        nearest = _nearest_kdtree(spatial, sources, targets[usable], max_distance)
    else:
        nearest = _nearest_brute(sources, targets[usable])
    found = nearest >= 0
    # Recompute with one formula so both paths give bit-equal distances.
    offset = targets[usable[found]] - sources[nearest[found]]
    distance = np.full(usable.size, np.nan)
    distance[found] = np.hypot(offset[:, 0], offset[:, 1])
    distance[~(distance <= max_distance)] = np.nan
    result[usable] = distance
    return result


def _nearest_kdtree(spatial, sources: np.ndarray, targets: np.ndarray, max_distance: float):
    """Index of the nearest source within (about) ``max_distance``, -1 when none."""
    bound = max_distance * (1.0 + 1e-9) + 1e-9
    _, index = spatial.cKDTree(sources).query(targets, k=1, distance_upper_bound=bound)
    index = np.asarray(index, dtype=np.int64)
    index[index >= sources.shape[0]] = -1
    return index


def _nearest_brute(sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest source for every target, comparing all pairs chunk by chunk."""
    chunk = max(1, _BRUTE_CHUNK // sources.shape[0])
    nearest = np.empty(targets.shape[0], dtype=np.int64)
    for start in range(0, targets.shape[0], chunk):
        block = targets[start : start + chunk]
        dx = block[:, 0, None] - sources[None, :, 0]
        dy = block[:, 1, None] - sources[None, :, 1]
        nearest[start : start + chunk] = np.argmin(dx * dx + dy * dy, axis=1)
    return nearest
