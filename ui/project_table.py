"""The projects table of the Plan data dialog: a model over the projects held in memory.

Each row keeps a :class:`~..scoring.plan.Project` with the values that passed their checks,
and, for a field whose entry was refused, the text as typed and the error. The table shows the
typed text in red with the message as tooltip, so nothing the user typed disappears, and the
dialog refuses to save while any row has an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from qgis.PyQt.QtGui import QBrush, QColor

from ..i18n import tr
from ..scoring.errors import DataError
from ..scoring.plan import (
    FUNDING_SOURCES,
    PROJECTS,
    STATUSES,
    Conflict,
    Project,
    choice_label,
    editable_fields,
)
from ..scoring.plan.history import same_value
from ..scoring.rubric import community_key
from .common import error_text, field_label, locale

COLUMNS = (
    "name",
    "community_id",
    "type_code",
    "status",
    "funding_source",
    "floor_area",
    "land_area",
    "investment_wan",
    "start_year",
    "end_year",
    "geometry",
)
INVALID_BACKGROUND = QColor("#fdecea")
CONFLICT_BACKGROUND = QColor("#fff3cd")
#: The fields a user edits (the location included), compared when entries are applied again.
EDITABLE = tuple(key for key in editable_fields(PROJECTS) if key != "id")


@dataclass
class ProjectRow:
    """A project being edited: its accepted values, and the refused entries per field.

    After a save refused the project because someone else changed it meanwhile, ``conflict``
    says who and when. Until the user reloads it, ``project`` still holds their entries; once
    reloaded, ``project`` is the stored version and ``mine`` / ``base`` keep the user's entries
    and what they had read, so that their changes can be applied again.
    """

    project: Project
    raw: Dict[str, Any] = field(default_factory=dict)
    errors: Dict[str, DataError] = field(default_factory=dict)
    conflict: Optional[Conflict] = None
    mine: Optional[Project] = None
    base: Optional[Project] = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def my_changes(self) -> Dict[str, Any]:
        """The fields the user changed from what they had read (after a reload)."""
        if self.mine is None:
            return {}
        if self.base is None:
            return {key: getattr(self.mine, key) for key in EDITABLE}
        return {
            key: getattr(self.mine, key)
            for key in EDITABLE
            if not same_value(getattr(self.mine, key), getattr(self.base, key))
        }


class ProjectTableModel(QAbstractTableModel):
    """Read-only view of the rows; the dialog's form edits them and calls :meth:`row_changed`."""

    def __init__(self, standard=None, parent=None) -> None:
        super().__init__(parent)
        self.standard = standard
        self.rows: List[ProjectRow] = []

    # Qt model -------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return field_label(PROJECTS, COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key in row.errors:
                return str(row.raw.get(key, ""))
            return self.display(row.project, key)
        if role == Qt.ItemDataRole.BackgroundRole and key in row.errors:
            return QBrush(INVALID_BACKGROUND)
        if role == Qt.ItemDataRole.BackgroundRole and row.conflict is not None:
            return QBrush(CONFLICT_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and key in row.errors:
            return error_text(row.errors[key], PROJECTS)
        if role == Qt.ItemDataRole.UserRole:
            return row.project.id
        return None

    def display(self, project: Project, key: str) -> str:
        value = getattr(project, key)
        if key == "type_code" and self.standard is not None and value in self.standard.codes():
            return self.standard.type_by_code(value).display_name(locale())
        if key == "status":
            return choice_label(STATUSES, value, locale())
        if key == "funding_source":
            return choice_label(FUNDING_SOURCES, value, locale())
        if key == "geometry":
            return describe_location(value)
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return str(value)

    # Editing --------------------------------------------------------------------------

    def set_rows(self, rows: List[ProjectRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def add_row(self, row: ProjectRow) -> int:
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(row)
        self.endInsertRows()
        return position

    def remove_row(self, position: int) -> ProjectRow:
        self.beginRemoveRows(QModelIndex(), position, position)
        row = self.rows.pop(position)
        self.endRemoveRows()
        return row

    def row_changed(self, position: int) -> None:
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

    def position_of(self, project_id: str) -> Optional[int]:
        for position, row in enumerate(self.rows):
            if row.project.id == project_id:
                return position
        return None


def describe_location(geometry) -> str:
    """``Point 667012, 3546120`` / ``Polygon (1,250 m²)`` / ``not located``."""
    if geometry is None:
        return tr("not located")
    if geometry.geom_type == "Point":
        return tr("Point {x}, {y}").format(x=f"{geometry.x:.1f}", y=f"{geometry.y:.1f}")
    return tr("Polygon ({area} m²)").format(area=f"{geometry.area:,.0f}")


class ProjectFilterModel(QSortFilterProxyModel):
    """Shows the projects of one community and / or one status (None: all)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.community: Optional[str] = None
        self.status: Optional[str] = None

    def set_filters(self, community: Optional[str], status: Optional[str]) -> None:
        self.community = community_key(community) if community else None
        self.status = status or None
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        row = self.sourceModel().rows[source_row]
        project = row.project
        if self.community is not None and community_key(project.community_id) != self.community:
            return False
        return self.status is None or project.status == self.status
