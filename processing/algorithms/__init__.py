"""One Processing algorithm per module; the provider loads the classes listed here."""

from __future__ import annotations

from .export_atlas import ExportAtlasAlgorithm
from .export_rubric import ExportRubricAlgorithm
from .export_workbook import ExportWorkbookAlgorithm
from .facility_gap import FacilityGapAlgorithm
from .plan_scenario import PlanScenarioAlgorithm
from .rubric_score import RubricScoreAlgorithm
from .suggest_sites import SuggestSitesAlgorithm
from .tiered_provision import TieredProvisionAlgorithm

ALGORITHM_CLASSES: list = [
    FacilityGapAlgorithm,
    TieredProvisionAlgorithm,
    RubricScoreAlgorithm,
    ExportRubricAlgorithm,
    ExportWorkbookAlgorithm,
    PlanScenarioAlgorithm,
    ExportAtlasAlgorithm,
    SuggestSitesAlgorithm,
]
