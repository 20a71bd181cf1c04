"""Outputs written to PostgreSQL tables (``postgres:<data source>``), exactly as to a file.

Two things in QGIS (seen on 3.22) need help when an algorithm writes to a PostgreSQL
destination, and both are handled here, for every algorithm, where its sink is made
(``processing/outputs.py``, which also writes the table under a temporary name first):

- **NULL and 0.** The PostgreSQL provider inserts a batch of features with one statement and
  writes a column whose value is "the same" in every feature of the batch as one literal — and on
  Qt5 a NULL number compares equal to 0. A batch whose column holds only NULLs and zeros thus
  comes out all NULL or all 0, whichever came first (an existing floor area of 0 m² read back as
  unknown, an unknown capacity as 0). :class:`SafeBatches` flushes the batch before a feature
  that would make a column so, and at least every :data:`BATCH` features (below QGIS's own
  buffer), so no batch QGIS writes is ever ambiguous.
- **What the run returns.** QGIS hands back the destination text (``postgres:dbname=…``), which
  no algorithm can open again — a model's next step would get no layer. :func:`loadable`
  gives the ``postgres://…`` form that QGIS opens, and moves the layer QGIS is to load when the
  run ends under that name.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Set

from qgis.core import QgsFields, QgsProxyFeatureSink
from qgis.PyQt import sip

#: Features per batch at most (QGIS's exporter buffers 1000 before it writes).
BATCH = 500
_PREFIXES = ("postgres:", "postgis:")


def is_database(destination: Any) -> bool:
    """Whether ``destination`` (an output parameter's value as text) is a PostgreSQL table."""
    text = str(destination or "")
    return text.startswith(_PREFIXES) and not text.startswith("postgres://")


def loadable(destination: str, context: Any) -> str:
    """``postgres://<data source>`` for a ``postgres:``/``postgis:`` destination (which QGIS
    can open as a layer, in a model's next step too); the layer QGIS loads when the run ends is
    moved to that name."""
    if not is_database(destination):
        return destination
    source = "postgres://" + destination.split(":", 1)[1]
    if context is not None and context.willLoadLayerOnCompletion(destination):
        layers = dict(context.layersToLoadOnCompletion())
        details = layers.pop(destination)
        layers[source] = details
        context.setLayersToLoadOnCompletion(layers)
    return source


class SafeBatches:
    """A feature sink that hands QGIS only batches it writes right (see the module doc)."""

    def __init__(self, sink: Any, fields: QgsFields) -> None:
        self.sink = sink
        self.numeric = [index for index, field in enumerate(fields) if field.isNumeric()]
        self._start()

    def _start(self) -> None:
        self.count = 0
        self.kinds: List[Set[str]] = [set() for _ in self.numeric]

    def addFeature(self, feature, flags=None) -> bool:
        attributes = feature.attributes()
        seen = [_kind(attributes[index]) for index in self.numeric]
        if self.count >= BATCH or any(
            _ambiguous(kinds | {kind}) for kinds, kind in zip(self.kinds, seen)
        ):
            self.flushBuffer()
        for kinds, kind in zip(self.kinds, seen):
            kinds.add(kind)
        self.count += 1
        if flags is None:
            return self.sink.addFeature(feature)
        return self.sink.addFeature(feature, flags)

    def addFeatures(self, features: Iterable[Any], flags=None) -> bool:
        done = True
        for feature in features:
            done = self.addFeature(feature, flags) and done
        return done

    def flushBuffer(self) -> bool:
        """Write the batch now. Processing's sink is a proxy whose own flushBuffer (QGIS 3.22)
        does nothing, so the sink it forwards to (QGIS's exporter) is flushed."""
        self._start()
        return _forwarded_to(self.sink).flushBuffer()

    def lastError(self) -> str:
        return self.sink.lastError()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sink, name)


def guarded(sink: Any, destination: Any, fields: QgsFields) -> Any:
    """``sink`` itself, or wrapped in :class:`SafeBatches` when it writes to PostgreSQL."""
    if sink is None or not is_database(destination):
        return sink
    return SafeBatches(sink, fields)


def _forwarded_to(sink: Any) -> Any:
    """The sink a Processing sink (a QgsProxyFeatureSink, handed to Python as a plain
    QgsFeatureSink) forwards to; the sink itself when it is no proxy."""
    try:
        proxy = sip.cast(sink, QgsProxyFeatureSink)
        target = proxy.destinationSink()
    except (TypeError, AttributeError):
        return sink
    return target if target is not None else sink


def _kind(value: Any) -> str:
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return "null"
    try:
        return "zero" if float(value) == 0 else "other"
    except (TypeError, ValueError):
        return "other"


def _ambiguous(kinds: Set[str]) -> bool:
    """Whether a column's values in a batch are only NULLs and zeros, both present."""
    return kinds == {"null", "zero"}
