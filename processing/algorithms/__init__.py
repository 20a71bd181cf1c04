"""One Processing algorithm per module; the provider loads the classes listed here."""

from __future__ import annotations

from .facility_gap import FacilityGapAlgorithm

ALGORITHM_CLASSES: list = [FacilityGapAlgorithm]
