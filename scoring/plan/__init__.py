"""The special plan's data (专项规划数据): a plan store a team shares, its records and checks.

- :mod:`.model` — the records (plan information, projects, manual scores, targets), the coded
  values (statuses, funding sources) with their labels, :class:`Changes` (one save) and
  :class:`Conflict` (a record someone else changed meanwhile);
- :mod:`.validate` — field-by-field checks for dialogs (as you type) and for saving;
- :mod:`.store` — :class:`PlanStore`: create, open (upgrading older stores after a backup),
  read, save in one transaction refusing records changed since they were read, the history,
  projects as facilities for the plan scenario;
- :mod:`.history` — every saved change, field by field: who, when, from what to what;
- :mod:`.tables`, :mod:`.sql`, :mod:`.migrations` — the tables as data, what a backend is, the
  schema version by version, written once for both backends;
- :mod:`.geopackage` (with :mod:`.gpkg`, :mod:`.srs`) — a GeoPackage file written with plain
  sqlite3, the embedded default; :mod:`.postgis` — a schema in PostgreSQL/PostGIS (psycopg2);
- :mod:`.excel` — projects to and from an .xlsx workbook (needs openpyxl).

Nothing here imports ``qgis`` or Qt; the dialogs in ``ui/`` edit plans through this API.
"""

from __future__ import annotations

from ..rubric import ManualScore
from .excel import export_projects_xlsx, read_projects_xlsx
from .history import HistoryEntry, status_dates
from .migrations import SCHEMA_VERSION
from .model import (
    CHOICES,
    FUNDING_SOURCES,
    HISTORY,
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
    Conflict,
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
from .store import (
    ConflictError,
    PlanStore,
    backup_path_for,
    build_store,
    conflict_error,
    open_backend,
    projects_layer_uri,
    read_schema_version,
    shown_time,
)
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
    "HISTORY",
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
    "Conflict",
    "ConflictError",
    "FieldSpec",
    "HistoryEntry",
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
    "build_store",
    "builtin_srs",
    "changes_errors",
    "choice_label",
    "conflict_error",
    "editable_fields",
    "export_projects_xlsx",
    "field_error",
    "field_spec",
    "manual_progress",
    "manual_score_errors",
    "match_choice",
    "new_project_id",
    "open_backend",
    "plan_info_errors",
    "project_errors",
    "projects_layer_uri",
    "read_field",
    "read_projects_xlsx",
    "read_schema_version",
    "shown_time",
    "srs_definition",
    "status_dates",
    "target_errors",
]
