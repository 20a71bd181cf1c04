"""The special plan's data (专项规划数据): a GeoPackage plan store, its records and checks.

- :mod:`.model` — the records (plan information, projects, manual scores, targets), the coded
  values (statuses, funding sources) with their labels, and :class:`Changes`, one save;
- :mod:`.validate` — field-by-field checks for dialogs (as you type) and for saving;
- :mod:`.store` — :class:`PlanStore`: create, open (upgrading older files after a backup),
  read, save in one transaction, projects as facilities for the plan scenario;
- :mod:`.excel` — projects to and from an .xlsx workbook (needs openpyxl);
- :mod:`.gpkg`, :mod:`.srs`, :mod:`.migrations` — the GeoPackage written with plain sqlite3.

Nothing here imports ``qgis`` or Qt; the dialogs in ``ui/`` edit plans through this API.
"""

from __future__ import annotations

from ..rubric import ManualScore
from .excel import export_projects_xlsx, read_projects_xlsx
from .migrations import SCHEMA_VERSION
from .model import (
    CHOICES,
    FUNDING_SOURCES,
    MANUAL_SCORE_FIELDS,
    MANUAL_SCORES,
    PLAN_INFO,
    PLAN_INFO_FIELDS,
    PROJECT_FIELDS,
    PROJECTS,
    STATUS_COMPLETED,
    STATUS_PLANNED,
    STATUS_RESERVE,
    STATUS_UNDER_CONSTRUCTION,
    STATUSES,
    TARGET_FIELDS,
    TARGETS,
    YEAR_MAX,
    YEAR_MIN,
    Changes,
    Choice,
    FieldSpec,
    ManualProgress,
    PlanInfo,
    PlannedFacility,
    Project,
    SaveResult,
    Target,
    choice_label,
    field_spec,
    manual_progress,
    match_choice,
    new_project_id,
)
from .srs import BUILTIN_EPSG_CODES, SrsDefinition, builtin_srs, srs_definition
from .store import PlanStore, backup_path_for, projects_layer_uri, read_schema_version
from .validate import (
    changes_errors,
    editable_fields,
    field_error,
    manual_score_errors,
    plan_info_errors,
    project_errors,
    read_field,
    target_errors,
)

__all__ = [
    "BUILTIN_EPSG_CODES",
    "CHOICES",
    "FUNDING_SOURCES",
    "MANUAL_SCORES",
    "MANUAL_SCORE_FIELDS",
    "PLAN_INFO",
    "PLAN_INFO_FIELDS",
    "PROJECTS",
    "PROJECT_FIELDS",
    "SCHEMA_VERSION",
    "STATUSES",
    "STATUS_COMPLETED",
    "STATUS_PLANNED",
    "STATUS_RESERVE",
    "STATUS_UNDER_CONSTRUCTION",
    "TARGETS",
    "TARGET_FIELDS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Changes",
    "Choice",
    "FieldSpec",
    "ManualProgress",
    "ManualScore",
    "PlanInfo",
    "PlanStore",
    "PlannedFacility",
    "Project",
    "SaveResult",
    "SrsDefinition",
    "Target",
    "backup_path_for",
    "builtin_srs",
    "changes_errors",
    "choice_label",
    "editable_fields",
    "export_projects_xlsx",
    "field_error",
    "field_spec",
    "manual_progress",
    "manual_score_errors",
    "match_choice",
    "new_project_id",
    "plan_info_errors",
    "project_errors",
    "projects_layer_uri",
    "read_field",
    "read_projects_xlsx",
    "read_schema_version",
    "srs_definition",
    "target_errors",
]
