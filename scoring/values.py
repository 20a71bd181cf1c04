"""Plain values from the tables the analyses write, as the domain reads them.

A column read from a GeoPackage holds numbers, from a CSV numeric text, through QGIS a null
QVariant for NULL on Qt5 builds; code that only wants a number reads every one of them the same
way here.
"""

from __future__ import annotations

import math
from typing import Any, Optional


def numeric_or_none(value: Any) -> Optional[float]:
    """A number from an attribute value, None for NULL or text that is not a number."""
    if value is None:
        return None
    if hasattr(value, "isNull") and value.isNull():  # QVariant NULL on Qt5
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
