"""The form that edits one project of the Plan data dialog.

Every field reports what the user typed (``edited(field, raw)``) as they type; the dialog checks
it with the plan store's own field checks and marks the field here when it is refused. The form
itself holds no record: :meth:`ProjectForm.show_row` fills it from one.
"""

from __future__ import annotations

from typing import Dict, Optional

from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..processing.compat import layer_filters
from ..scoring.plan import FUNDING_SOURCES, PROJECTS, STATUSES
from .common import (
    CodeComboBox,
    choice_items,
    field_label,
    mark_invalid,
    type_items,
)
from .project_table import ProjectRow, describe_location

TEXT_FIELDS = (
    "name",
    "category",
    "floor_area",
    "land_area",
    "investment_wan",
    "start_year",
    "end_year",
)
CODE_FIELDS = ("type_code", "status", "funding_source")


class ProjectForm(QWidget):
    """Fields of one project; emits ``edited(field, raw)`` and the location requests."""

    edited = pyqtSignal(str, object)
    pick_on_map_requested = pyqtSignal()
    take_from_feature_requested = pyqtSignal()
    #: after a refused save: read the project again / apply the kept entries / drop them
    reload_requested = pyqtSignal()
    reapply_requested = pyqtSignal()
    discard_mine_requested = pyqtSignal()

    def __init__(self, standard, parent=None) -> None:
        super().__init__(parent)
        self.widgets: Dict[str, QWidget] = {}
        self._filling = False
        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.id_label = QLabel()
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addRow(field_label(PROJECTS, "id"), self.id_label)

        community = QComboBox()
        community.setEditable(True)
        community.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        community.editTextChanged.connect(lambda text: self._emit("community_id", text))
        self.widgets["community_id"] = community
        layout.addRow(field_label(PROJECTS, "community_id"), community)

        for key in ("name", "type_code", "category", "status", "floor_area", "land_area"):
            layout.addRow(field_label(PROJECTS, key), self._field_widget(key, standard))
        for key in ("investment_wan", "funding_source", "start_year", "end_year"):
            layout.addRow(field_label(PROJECTS, key), self._field_widget(key, standard))

        notes = QPlainTextEdit()
        notes.setMaximumHeight(60)
        notes.textChanged.connect(lambda: self._emit("notes", notes.toPlainText()))
        self.widgets["notes"] = notes
        layout.addRow(field_label(PROJECTS, "notes"), notes)
        layout.addRow(field_label(PROJECTS, "geometry"), self._location_widget())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._conflict_panel())  # first: what a refused save left, in view
        outer.addLayout(layout)
        outer.addWidget(self.message)
        outer.addStretch(1)
        self.setEnabled(False)

    def _conflict_panel(self) -> QWidget:
        """What a refused save left: who changed the project, the user's kept entries."""
        self.conflict_panel = QWidget()
        self.conflict_panel.setStyleSheet("background-color: #fff3cd;")
        layout = QVBoxLayout(self.conflict_panel)
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        layout.addWidget(self.conflict_label)
        buttons = QHBoxLayout()
        self.reload_button = QPushButton(tr("Reload this project"))
        self.reload_button.setToolTip(
            tr("Show the project as it is saved now; your entries are kept to apply again.")
        )
        self.reload_button.clicked.connect(self.reload_requested)
        self.reapply_button = QPushButton(tr("Apply my entries again"))
        self.reapply_button.clicked.connect(self.reapply_requested)
        self.discard_mine_button = QPushButton(tr("Keep it as saved"))
        self.discard_mine_button.clicked.connect(self.discard_mine_requested)
        for button in (self.reload_button, self.reapply_button, self.discard_mine_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.conflict_panel.setVisible(False)
        return self.conflict_panel

    def show_conflict(self, text: str, reloaded: bool) -> None:
        """Show a refused save's message; ``reloaded``: the kept entries can be applied."""
        self.conflict_label.setText(text)
        self.reload_button.setVisible(not reloaded)
        self.reapply_button.setVisible(reloaded)
        self.discard_mine_button.setVisible(reloaded)
        self.conflict_panel.setVisible(bool(text))

    def _field_widget(self, key: str, standard) -> QWidget:
        if key in CODE_FIELDS:
            combo = CodeComboBox()
            if key == "type_code":
                combo.set_items(type_items(standard) if standard else [], empty="")
            elif key == "status":
                combo.set_items(choice_items(STATUSES))
            else:
                combo.set_items(choice_items(FUNDING_SOURCES), empty="")
            combo.currentIndexChanged.connect(lambda _i, k=key, c=combo: self._emit(k, c.code()))
            self.widgets[key] = combo
            return combo
        edit = QLineEdit()
        edit.textEdited.connect(lambda text, k=key: self._emit(k, text))
        if key in ("start_year", "end_year"):
            edit.setPlaceholderText(tr("e.g. 2025"))
        elif key in ("floor_area", "land_area", "investment_wan"):
            edit.setPlaceholderText(tr("a number greater than 0"))
        self.widgets[key] = edit
        return edit

    def _location_widget(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.location_label = QLabel(tr("not located"))
        layout.addWidget(self.location_label)
        buttons = QHBoxLayout()
        self.pick_button = QPushButton(tr("Pick on map"))
        self.pick_button.setToolTip(tr("Click the project's location on the map canvas."))
        self.pick_button.clicked.connect(self.pick_on_map_requested)
        buttons.addWidget(self.pick_button)
        self.feature_button = QPushButton(tr("From selected feature"))
        self.feature_button.setToolTip(
            tr(
                "Use the point on surface of the feature selected in this layer (a community "
                "or compound)."
            )
        )
        self.feature_button.clicked.connect(self.take_from_feature_requested)
        buttons.addWidget(self.feature_button)
        layout.addLayout(buttons)
        self.layer_combo = QgsMapLayerComboBox()
        self.layer_combo.setFilters(layer_filters("PointLayer", "PolygonLayer"))
        self.layer_combo.setAllowEmptyLayer(True)
        layout.addWidget(self.layer_combo)
        return box

    # Filling and marking ------------------------------------------------------------------

    def _emit(self, key: str, raw) -> None:
        if not self._filling:
            self.edited.emit(key, raw)

    def set_communities(self, communities) -> None:
        combo = self.widgets["community_id"]
        text = combo.currentText()
        self._filling = True
        combo.clear()
        combo.addItems(list(communities))
        combo.setEditText(text)
        self._filling = False

    def set_standard(self, standard) -> None:
        """Offer the facility types of ``standard`` (the shown code is kept, known or not)."""
        self.widgets["type_code"].set_items(type_items(standard), empty="")

    def show_row(self, row: Optional[ProjectRow]) -> None:
        """Fill the fields from ``row`` (refused entries as typed, marked); None empties it."""
        self._filling = True
        try:
            self.setEnabled(row is not None)
            project = row.project if row is not None else None
            self.id_label.setText(_short_id(project.id) if project else "")
            self.id_label.setToolTip(project.id if project else "")
            for key, widget in self.widgets.items():
                if row is not None and key in row.raw:
                    value = row.raw[key]
                else:
                    value = getattr(project, key) if project else None
                self._set_value(key, widget, value)
                error = row.errors.get(key) if row is not None else None
                mark_invalid(widget, self._message(error))
            self.location_label.setText(describe_location(project.geometry) if project else "")
            self.show_message(row)
        finally:
            self._filling = False

    def _set_value(self, key: str, widget: QWidget, value) -> None:
        if isinstance(widget, CodeComboBox):
            widget.set_code(value)
        elif isinstance(widget, QComboBox):
            widget.setEditText("" if value is None else str(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("" if value is None else str(value))
        else:
            widget.setText(_text(value))

    def mark(self, key: str, error) -> None:
        mark_invalid(self.widgets[key], self._message(error))

    def show_message(self, row: Optional[ProjectRow]) -> None:
        errors = list(row.errors.values()) if row is not None else []
        self.message.setText("\n".join(self._message(error) for error in errors))

    def set_location(self, geometry) -> None:
        self.location_label.setText(describe_location(geometry))

    @staticmethod
    def _message(error) -> Optional[str]:
        from .common import error_text

        return error_text(error, PROJECTS) if error is not None else None


def _short_id(project_id: str) -> str:
    """The first part of a generated id (the whole id is the tooltip)."""
    return project_id if len(project_id) <= 12 else project_id[:8] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
