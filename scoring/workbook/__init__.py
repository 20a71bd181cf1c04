"""The evaluation workbook (.xlsx) a city receives, and reading its filled-in forms back.

- :mod:`.data` — the plain records a workbook is written from (:class:`WorkbookData` ...);
- :mod:`.rows` — those records made from the columns the analyses wrote (the gap table, the
  deficit list, the plan scenario's rows, the project list);
- :mod:`.writer` — :func:`write_workbooks`: one workbook, one per 片区, or forms for chosen
  communities only, written safely (:mod:`.safe_save`);
- :mod:`.sheets`, :mod:`.layout`, :mod:`.cells` — the sheets, the evaluation form's layout and
  formulas, cells and styles; :mod:`.xlsx` — the streaming .xlsx writer under them;
- :mod:`.names` — sheet and file names valid for any community name;
- :mod:`.labels` — the workbook's words in Chinese and English;
- :mod:`.reader` — :func:`read_manual_scores_from_workbook`, the round trip.

Nothing here imports ``qgis``. Writing needs only Python's standard library; reading a filled
workbook back needs openpyxl, whose absence is reported as a :class:`..errors.DataError` saying
what to install.
"""

from __future__ import annotations

from .data import (
    MEASURE_DISTANCE,
    MEASURE_TIME,
    CommunityInfo,
    CompoundGaps,
    GapTable,
    GapType,
    Map,
    ScenarioChangeRow,
    ScenarioData,
    ScenarioTypeRow,
    TypeDeficit,
    UnitDeficits,
    WorkbookData,
    WorkbookMetadata,
    deficits_from_provision,
)
from .labels import LABELS, check_language
from .names import SheetNames, file_part, is_valid_sheet_name, sheet_name
from .reader import (
    EDITED_FORMULA,
    EDITED_SCORE,
    METHOD_CHANGED,
    UNKNOWN_POINT,
    EditedCell,
    WorkbookManualScores,
    is_evaluation_workbook,
    read_manual_scores_from_workbook,
)
from .writer import SPLIT_BY_DISTRICT, write_workbook, write_workbooks

__all__ = [
    "EDITED_FORMULA",
    "EDITED_SCORE",
    "LABELS",
    "MEASURE_DISTANCE",
    "MEASURE_TIME",
    "METHOD_CHANGED",
    "SPLIT_BY_DISTRICT",
    "UNKNOWN_POINT",
    "CommunityInfo",
    "CompoundGaps",
    "EditedCell",
    "GapTable",
    "GapType",
    "Map",
    "ScenarioChangeRow",
    "ScenarioData",
    "ScenarioTypeRow",
    "SheetNames",
    "TypeDeficit",
    "UnitDeficits",
    "WorkbookData",
    "WorkbookManualScores",
    "WorkbookMetadata",
    "check_language",
    "deficits_from_provision",
    "file_part",
    "is_evaluation_workbook",
    "is_valid_sheet_name",
    "read_manual_scores_from_workbook",
    "sheet_name",
    "write_workbook",
    "write_workbooks",
]
