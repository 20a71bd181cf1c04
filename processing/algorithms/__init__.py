"""One Processing algorithm per module; the provider loads the classes listed here."""

from __future__ import annotations

ALGORITHM_CLASSES: list = []
