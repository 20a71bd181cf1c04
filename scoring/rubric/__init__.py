"""Rubric scoring: the evaluation rubric as data, its indicators, and the scoring of communities.

- :mod:`.model` — the rubric (categories -> items -> points, grade bands), loading, validation;
- :mod:`.rules` — the rule kinds of computed points (threshold, linear, yes/no, deduction);
- :mod:`.indicators` — the catalogue of indicators a rubric may name;
- :mod:`.indicator_values` — those indicators worked out per community from the analysis outputs;
- :mod:`.provision_table` — the tiered provision's long table, one of them, read and checked;
- :mod:`.evaluate` — scoring communities, manual scores;
- :mod:`.excel` — the rubric as an editable .xlsx workbook (needs openpyxl).

Nothing here imports ``qgis``; the Processing algorithm adapts layers to these plain inputs.
"""

from __future__ import annotations

from .evaluate import (
    MANUAL_COLUMNS,
    STATUS_NO_DATA,
    STATUS_PENDING,
    STATUS_SCORED,
    CommunityScore,
    ManualScore,
    ManualTable,
    PointResult,
    ScoreSummary,
    Subtotal,
    community_key,
    read_manual_scores,
    score_all,
    score_community,
    summarise,
)
from .excel import read_rubric_xlsx, write_rubric_xlsx
from .indicator_values import GapColumns, GapRow, IndicatorTable, compute_indicators
from .indicators import CATALOGUE, IndicatorSpec, find_indicator, indicator_names
from .model import (
    BUILTIN_RUBRIC_PATH,
    Bilingual,
    Category,
    GradeBand,
    Item,
    PointPlace,
    Rubric,
    ScoringPoint,
    load_rubric,
    parse_rubric,
    validate,
)
from .provision_table import (
    PROVISION_COLUMNS,
    ProvisionColumns,
    ProvisionRecord,
    read_provision_columns,
    read_provision_rows,
)
from .rules import (
    METHODS,
    Band,
    DeductionRule,
    LinearRule,
    ManualRule,
    Rule,
    ThresholdRule,
    YesNoRule,
)

__all__ = [
    "BUILTIN_RUBRIC_PATH",
    "CATALOGUE",
    "MANUAL_COLUMNS",
    "METHODS",
    "PROVISION_COLUMNS",
    "STATUS_NO_DATA",
    "STATUS_PENDING",
    "STATUS_SCORED",
    "Band",
    "Bilingual",
    "Category",
    "CommunityScore",
    "DeductionRule",
    "GapColumns",
    "GapRow",
    "GradeBand",
    "IndicatorSpec",
    "IndicatorTable",
    "Item",
    "LinearRule",
    "ManualRule",
    "ManualScore",
    "ManualTable",
    "PointPlace",
    "PointResult",
    "ProvisionColumns",
    "ProvisionRecord",
    "Rubric",
    "Rule",
    "ScoreSummary",
    "ScoringPoint",
    "Subtotal",
    "ThresholdRule",
    "YesNoRule",
    "community_key",
    "compute_indicators",
    "find_indicator",
    "indicator_names",
    "load_rubric",
    "parse_rubric",
    "read_manual_scores",
    "read_provision_columns",
    "read_provision_rows",
    "read_rubric_xlsx",
    "score_all",
    "score_community",
    "summarise",
    "validate",
    "write_rubric_xlsx",
]
