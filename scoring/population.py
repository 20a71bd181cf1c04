"""Cleaning a population column: which values can be used and which must be reported.

Gap analysis and provisioning both sum people; neither may silently use a NULL or a negative
value as a number, and zero is legal but worth a word. One function decides this for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence

import numpy as np


@dataclass
class PopulationReport:
    """Ids of the units whose population is missing (NULL/not a number), zero or negative."""

    missing: List[Any] = field(default_factory=list)
    zero: List[Any] = field(default_factory=list)
    negative: List[Any] = field(default_factory=list)


def clean_population(
    values: Sequence[Optional[float]], ids: Sequence[Any]
) -> tuple[np.ndarray, PopulationReport]:
    """Population as floats with NaN for unusable values (NULL, negative), and the report.

    Zero stays zero: a compound with nobody in it yet is a fact, not an error.
    """
    report = PopulationReport()
    cleaned = np.full(len(values), np.nan)
    for index, (value, unit_id) in enumerate(zip(values, ids)):
        if value is None or not np.isfinite(value):
            report.missing.append(unit_id)
        elif value < 0:
            report.negative.append(unit_id)
        else:
            if value == 0:
                report.zero.append(unit_id)
            cleaned[index] = float(value)
    return cleaned, report
