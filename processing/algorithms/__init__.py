"""One Processing algorithm per module; the provider loads the classes listed here."""

from __future__ import annotations

from .facility_gap import FacilityGapAlgorithm
from .tiered_provision import TieredProvisionAlgorithm

ALGORITHM_CLASSES: list = [FacilityGapAlgorithm, TieredProvisionAlgorithm]
