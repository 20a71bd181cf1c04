"""Adapts a QGIS Processing feedback to the small progress/cancel protocol of ``scoring/``."""

from __future__ import annotations


class DomainFeedback:
    """What the domain calls: ``set_progress(fraction)`` and ``is_cancelled()``."""

    def __init__(self, feedback) -> None:
        self._feedback = feedback

    def set_progress(self, fraction: float) -> None:
        self._feedback.setProgress(100.0 * max(0.0, min(1.0, fraction)))

    def is_cancelled(self) -> bool:
        return self._feedback.isCanceled()
