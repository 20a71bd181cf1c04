"""Plain values from the tables the analyses write, as the domain reads them.

A column read from a GeoPackage holds numbers, from a CSV numeric text, through QGIS a null
QVariant for NULL on Qt5 builds; code that only wants a number reads every one of them the same
way here: leniently (:func:`numeric_or_none`, where anything else is no number) or strictly
(:func:`checked_number`, where anything else is an error the caller names).
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


def checked_number(value: Any) -> Optional[float]:
    """A number from a number or numeric text, None for empty (None, blank text or NaN);
    ValueError for anything else, infinity included, so that the caller can name the cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return float(value)
    number = float(value.strip() if isinstance(value, str) else value)
    if math.isinf(number):
        raise ValueError(value)
    return None if math.isnan(number) else number
