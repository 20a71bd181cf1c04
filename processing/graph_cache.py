"""Walking graphs (and points read) kept between runs in one QGIS session, so that a re-run on
unchanged layers skips reading them and building the graph.

Reading a city network and building its graph takes seconds; planners re-run an analysis many
times on the same network (another facility standard, a changed compound, a new facility). The
last :data:`CAPACITY` graphs built are kept here, each under a key that holds everything the
graph depends on:

- which data: the provider, the layer's source URI, its subset filter, its feature count, and the
  selection when only selected features are used;
- in which state: for a file-based layer the size, modification time and inode of its file (and
  of the side files a write touches: GeoPackage/SQLite ``-wal`` and ``-journal``, a shapefile's
  ``.shx`` and ``.dbf``);
- measured how: the layer's CRS, the measuring CRS and the datum transformation between them;
- built how: the topology tolerance and the cost model — for walking time the DEM (its file's
  state, band and CRS, keyed like a vector file), the walking speed and how stairs, bridges,
  tunnels and fixed times are read (``processing/network_inputs.py``).

A layer that cannot be keyed safely is never cached: a layer with unsaved edits, a memory
layer, a database or web layer (others may change it without a trace here), and a file written in
the last :data:`SETTLE_SECONDS` (a second write within the file system's timestamp granularity
could leave size and time unchanged). Another program switching a GeoPackage's journal mode
rewrites its header, so the next run after it builds afresh once. The graph carries its own
memo of snapping and search results (``scoring/network/memo.py``), so a re-run on unchanged
units and facilities reuses those too. The representative points of unit and facility layers
are kept the same way (:data:`POINTS`, keyed also on the fields read), so an unchanged layer is
not read again.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Hashable, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsMapLayer,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingUtils,
    QgsProperty,
    QgsProviderRegistry,
)

from ..scoring.network.memo import digest
from . import compat
from .layers import PointsRead

#: Graphs kept at once. A city network of 500,000 edges takes about 100 MB with its indexes.
CAPACITY = 2
#: Point layers kept at once (units with their features and facilities, for two analyses).
POINT_CAPACITY = 4
#: A file changed this recently (seconds) is not trusted to show its next change in its
#: modification time, so its network is not cached.
SETTLE_SECONDS = 2.0
#: Providers whose layers are single local files this module knows how to watch (``gdal``:
#: a DEM for walking time).
FILE_PROVIDERS = ("ogr", "spatialite", "delimitedtext", "gdal")
#: QgsProperty's "static value" type.
_STATIC_PROPERTY = compat.PropertyType.Static
#: Side files that change with the main file when it is written.
_SIDE_SUFFIXES = ("-wal", "-journal")
_SHAPEFILE_SIDE_FILES = (".shx", ".dbf")


class SessionCache:
    """A least-recently-used store of things built from layers (walking graphs, points read)
    under their keys (thread-safe: Processing may run two algorithms at once in the
    background)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = int(capacity)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Optional[Hashable]) -> Any:
        """What was kept under ``key``, or None (always None for a None key)."""
        if key is None:
            return None
        with self._lock:
            graph = self._items.get(key)
            if graph is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return graph

    def put(self, key: Optional[Hashable], graph: Any) -> None:
        """Keep ``graph`` under ``key`` (nothing for a None key), forgetting the oldest."""
        if key is None or self.capacity <= 0:
            return
        with self._lock:
            self._items[key] = graph
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = 0
            self.misses = 0

    def graphs(self) -> list:
        """What is kept, least recently used first (for reports and tests)."""
        with self._lock:
            return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)


#: The session's walking graphs, shared by every algorithm of the provider.
GRAPHS = SessionCache(CAPACITY)
#: The session's points read from unit and facility layers.
POINTS = SessionCache(POINT_CAPACITY)


def layer_key(layer, parameter_value: Any, context) -> Optional[Tuple]:
    """Which data in which state: the part of every key that names the layer's features;
    None when the layer cannot be keyed safely.

    ``parameter_value`` is the layer's parameter as given (it says whether only selected
    features are used); ``layer`` is the parameter as a layer (resolved here when None).
    """
    if layer is None:
        layer = _definition_layer(parameter_value, context)
    if layer is None or not hasattr(layer, "isModified") or layer.isModified():
        return None
    files = _file_state(layer)
    if files is None:
        return None
    selection = _selection_key(layer, parameter_value)
    if selection is None:
        return None
    return (
        layer.providerType(),
        layer.source(),
        layer.subsetString(),
        int(layer.featureCount()),
        files,
        selection,
    )


def network_key(
    layer,
    parameter_value: Any,
    transform,
    context,
    topology_tolerance: float,
    cost_model: Hashable = None,
) -> Optional[Tuple]:
    """The key of the graph built from ``layer``; None when it cannot be keyed safely.

    ``transform`` goes from the layer to the measuring CRS; ``cost_model`` names anything else
    that shapes edge costs (None: length only).
    """
    data = layer_key(layer, parameter_value, context)
    if data is None:
        return None
    return (
        "network",
        data,
        _measuring_key(transform, context),
        float(topology_tolerance),
        cost_model,
    )


def raster_key(layer, band: int) -> Optional[Tuple]:
    """The key of one band of a raster layer as read (a DEM); None when it cannot be keyed
    safely (not one settled local file)."""
    if layer is None or not layer.isValid():
        return None
    files = _file_state(layer)
    if files is None:
        return None
    return ("raster", layer.providerType(), layer.source(), files, int(band), layer.crs().toWkt())


def points_key(
    layer,
    parameter_value: Any,
    transform,
    context,
    attribute_names: Tuple[str, ...],
    keep_features: bool,
) -> Optional[Tuple]:
    """The key of the points read from ``layer`` with ``read_points``; None when it cannot be
    keyed safely."""
    data = layer_key(layer, parameter_value, context)
    if data is None:
        return None
    return (
        "points",
        data,
        _measuring_key(transform, context),
        tuple(attribute_names),
        keep_features,
    )


def remembered_points(
    key: Optional[Tuple], read: Callable[[], PointsRead]
) -> Tuple[PointsRead, bool]:
    """The points kept under ``key``, or ``read()`` (kept for next time); and whether they
    were kept. Each caller gets its own lists, so none can change what the next one gets."""
    kept = POINTS.get(key)
    reused = kept is not None
    if kept is None:
        kept = read()
        POINTS.put(key, kept)
    return _copy_points(kept), reused


def _copy_points(points: PointsRead) -> PointsRead:
    return replace(
        points,
        feature_ids=list(points.feature_ids),
        xy=points.xy.copy(),
        attributes={name: list(values) for name, values in points.attributes.items()},
        features=list(points.features),
        empty_geometry=list(points.empty_geometry),
        repaired_geometry=list(points.repaired_geometry),
    )


def _definition_layer(parameter_value: Any, context) -> Optional[QgsMapLayer]:
    """The layer behind a 'selected features only' source definition (which
    ``parameterAsVectorLayer`` does not resolve on every QGIS version)."""
    if not isinstance(parameter_value, QgsProcessingFeatureSourceDefinition):
        return None
    source = parameter_value.source
    if isinstance(source, QgsProperty):
        if source.propertyType() == _STATIC_PROPERTY:
            source = source.staticValue()
        else:
            source = source.valueAsString(context.expressionContext())
    if isinstance(source, QgsMapLayer):
        return source
    return QgsProcessingUtils.mapLayerFromString(str(source), context) if source else None


def _file_state(layer) -> Optional[Tuple]:
    """Size, modification time and inode of the layer's file and its side files; None for a
    layer that is not one settled local file."""
    if layer.providerType() not in FILE_PROVIDERS:
        return None
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # a provider without URI decoding: do not guess
        return None
    path_text = parts.get("path") or ""
    if path_text.startswith("file://"):
        path_text = path_text[len("file://") :]
    path = Path(path_text)
    if not path_text or not path.is_file():
        return None
    watched = [path, *(Path(str(path) + suffix) for suffix in _SIDE_SUFFIXES)]
    if path.suffix.lower() == ".shp":
        watched += [path.with_suffix(suffix) for suffix in _SHAPEFILE_SIDE_FILES]
    now = time.time()
    state = []
    for file in watched:
        try:
            stat = os.stat(file)
        except OSError:
            stat = None
        if stat is None or (file != path and stat.st_size == 0):
            # A missing or empty side file holds nothing (SQLite leaves an empty -wal behind
            # while a reader has the file open).
            state.append((file.name, None))
            continue
        age = now - stat.st_mtime
        if age < SETTLE_SECONDS:  # also a time in the future (a clock set differently)
            return None
        state.append((file.name, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev))
    return (str(path.resolve()), tuple(state))


def _selection_key(layer, parameter_value: Any) -> Optional[Tuple]:
    """Which features of the layer are used: all, or the selected ones (their ids), within a
    feature limit; None when the parameter asks for something this key does not capture."""
    if not isinstance(parameter_value, QgsProcessingFeatureSourceDefinition):
        return ("all",)
    if getattr(parameter_value, "filterExpression", ""):  # QGIS >= 3.32: not keyed here
        return None
    limit = int(getattr(parameter_value, "featureLimit", -1))
    if parameter_value.selectedFeaturesOnly:
        ids = np.sort(np.fromiter(layer.selectedFeatureIds(), dtype=np.int64))
        return ("selected", digest(ids), limit)
    return ("all", limit)


def _measuring_key(transform, context) -> Tuple[str, str, str]:
    """Source and measuring CRS and the datum transformation chosen between them."""
    source, target = transform.sourceCrs(), transform.destinationCrs()
    operation = ""
    transform_context = context.transformContext() if context is not None else None
    if transform_context is not None and source != target:
        operation = transform_context.calculateCoordinateOperation(source, target)
    return source.toWkt(), target.toWkt(), operation
