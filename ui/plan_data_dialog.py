"""专项规划数据 / Plan data: create or open a plan store, edit its information and projects.

Everything the user enters is held in memory until Save, which writes it in one transaction
through :meth:`PlanStore.save`. Entries survive every failure: a refused field keeps what was
typed (marked, with a message naming the field); a failed save, a read-only file (saved to a
copy on request) or closing with unsaved changes (Save / Discard / Cancel) lose nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer
from qgis.gui import QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import QItemSelectionModel, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from ..i18n import tr
from ..processing import compat
from ..processing.plan_sources import projects_layers
from ..scoring.errors import DataError
from ..scoring.plan import (
    PLAN_INFO,
    PROJECTS,
    STATUS_PLANNED,
    STATUSES,
    Changes,
    ConflictError,
    PlanInfo,
    PlanStore,
    Project,
    conflict_error,
    export_projects_xlsx,
    read_field,
    read_projects_xlsx,
    shown_time,
)
from ..scoring.rubric import community_key
from ..scoring.standard import load_standard
from . import common
from .common import CodeComboBox, choice_items, error_text, field_label, mark_invalid
from .history_dialog import HistoryDialog
from .map_tools import PointPickTool, feature_point, to_store_point
from .plan_database_dialog import PlanDatabaseDialog
from .project_form import ProjectForm
from .project_table import ProjectFilterModel, ProjectRow, ProjectTableModel

INFO_FIELDS = ("name", "jurisdiction", "period_start", "period_end", "base_year", "author")
#: Fields checked together: an entry in one can make the other right or wrong.
ORDER_PARTNERS = {
    "start_year": "end_year",
    "end_year": "start_year",
    "period_start": "period_end",
    "period_end": "period_start",
}


class PlanDataDialog(QDialog):
    """The plan data dialog; non-modal, kept by the plugin and shown again when asked."""

    def __init__(self, iface=None, parent=None, standard=None, rubric=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.standard_path = ""
        problem: Optional[DataError] = None
        if standard is None:
            standard, self.standard_path, problem = common.remembered_standard()
        self.standard = standard
        self.rubric = rubric
        self.store: Optional[PlanStore] = None
        self.stored_info: Optional[PlanInfo] = None
        self.stored_projects: Dict[str, Project] = {}
        self.info = PlanInfo(name="")
        self.info_raw: Dict[str, Any] = {}
        self.info_errors: Dict[str, DataError] = {}
        self.pick_tool: Optional[PointPickTool] = None
        self.setWindowTitle(tr("Plan data (专项规划数据)"))
        self.setModal(False)
        self._build()
        self._show_store()
        self.standard_row.set_path(self.standard_path)
        if problem is not None:
            self._say(common.not_remembered_text(problem), error=True)

    # Building -------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._store_row())
        self.standard_row = common.DataFileRow(
            tr("Facility standard:"), tr("Choose a facility standard"), common.STANDARD_FILTER
        )
        self.standard_row.setToolTip(
            tr("The standard facility types are checked against; empty for the built-in one.")
        )
        self.standard_row.chosen.connect(self.choose_standard)
        layout.addWidget(self.standard_row)
        layout.addWidget(self._info_group())
        layout.addWidget(self._projects_group(), 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(1220, 760)

    def _store_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Plan store:")))
        self.store_label = QLabel()
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.store_label, 1)
        self.new_button = QPushButton(tr("New…"))
        self.new_button.setToolTip(tr("Create a plan store (GeoPackage) from the entries here."))
        self.new_button.clicked.connect(self.new_store)
        row.addWidget(self.new_button)
        self.open_button = QPushButton(tr("Open…"))
        self.open_button.setToolTip(tr("Open a plan store GeoPackage."))
        self.open_button.clicked.connect(self.open_store_file)
        row.addWidget(self.open_button)
        self.database_button = QPushButton(tr("Database…"))
        self.database_button.setToolTip(
            tr(
                "Open or create a plan store in PostgreSQL/PostGIS through one of your saved "
                "QGIS connections: the store a team shares."
            )
        )
        self.database_button.clicked.connect(self.open_database)
        row.addWidget(self.database_button)
        return row

    def _info_group(self) -> QGroupBox:
        group = QGroupBox(tr("Plan information"))
        grid = QGridLayout(group)
        self.info_widgets: Dict[str, QLineEdit] = {}
        for position, key in enumerate(INFO_FIELDS):
            edit = QLineEdit()
            edit.textEdited.connect(lambda text, k=key: self.info_edited(k, text))
            self.info_widgets[key] = edit
            row, column = divmod(position, 3)
            grid.addWidget(QLabel(field_label(PLAN_INFO, key)), row, 2 * column)
            grid.addWidget(edit, row, 2 * column + 1)
        self.crs_widget = QgsProjectionSelectionWidget()
        self.crs_widget.setToolTip(
            tr("The CRS project locations are stored in; fixed once the store is created.")
        )
        grid.addWidget(QLabel(field_label(PLAN_INFO, "crs")), 2, 0)
        grid.addWidget(self.crs_widget, 2, 1, 1, 3)
        self.info_message = QLabel()
        self.info_message.setWordWrap(True)
        self.info_message.setStyleSheet("color: #c62828;")
        grid.addWidget(self.info_message, 3, 0, 1, 6)
        self.info_message.setVisible(False)
        canvas = self._canvas()
        crs = canvas.mapSettings().destinationCrs() if canvas is not None else None
        if crs is None or not crs.isValid():
            crs = QgsProject.instance().crs()
        if crs.isValid():
            self.crs_widget.setCrs(crs)
        return group

    def _projects_group(self) -> QGroupBox:
        group = QGroupBox(tr("Projects"))
        layout = QVBoxLayout(group)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Community:")))
        self.community_filter = CodeComboBox()
        self.community_filter.set_items([], empty=tr("All communities"))
        self.community_filter.currentIndexChanged.connect(self._apply_filters)
        filters.addWidget(self.community_filter)
        filters.addWidget(QLabel(tr("Status:")))
        self.status_filter = CodeComboBox()
        self.status_filter.set_items(choice_items(STATUSES), empty=tr("All statuses"))
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        filters.addWidget(self.status_filter)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.model = ProjectTableModel(self.standard, self)
        self.proxy = ProjectFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_selected)

        self.form = ProjectForm(self.standard)
        self.form.edited.connect(self.project_edited)
        self.form.pick_on_map_requested.connect(self.pick_on_map)
        self.form.take_from_feature_requested.connect(self.take_from_feature)
        self.form.reload_requested.connect(self.reload_project)
        self.form.reapply_requested.connect(self.reapply_mine)
        self.form.discard_mine_requested.connect(self.discard_mine)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        scroll.setMinimumWidth(self.form.sizeHint().width() + 24)
        splitter.setSizes([700, 480])
        layout.addWidget(splitter, 1)

        actions = QHBoxLayout()
        self.add_button = QPushButton(tr("Add project"))
        self.add_button.clicked.connect(self.add_project)
        self.delete_button = QPushButton(tr("Delete project"))
        self.delete_button.clicked.connect(self.delete_project)
        self.import_button = QPushButton(tr("Import .xlsx…"))
        self.import_button.clicked.connect(self.import_xlsx)
        self.export_button = QPushButton(tr("Export .xlsx…"))
        self.export_button.clicked.connect(self.export_xlsx)
        self.map_button = QPushButton(tr("Add projects to map"))
        self.map_button.clicked.connect(self.add_to_map)
        self.history_button = QPushButton(tr("History…"))
        self.history_button.setToolTip(
            tr("Every saved change of the selected project: when, who, from what to what.")
        )
        self.history_button.clicked.connect(self.show_history)
        for button in (self.add_button, self.delete_button, self.history_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.import_button, self.export_button, self.map_button):
            actions.addWidget(button)
        layout.addLayout(actions)
        return group

    def _canvas(self):
        return self.iface.mapCanvas() if self.iface is not None else None

    # Store ------------------------------------------------------------------------------------

    def new_store(self) -> bool:
        """Create a store from the plan information here; entered projects stay, unsaved."""
        path = common.ask_save_file(self, tr("New plan store"), common.PLAN_STORE_FILTER, ".gpkg")
        if path is None:
            return False
        if self.info_errors:
            self._say(error_text(next(iter(self.info_errors.values())), PLAN_INFO), error=True)
            return False
        crs = self.crs_widget.crs()
        if not crs.isValid():
            self._say(tr("Choose the coordinate reference system of the plan first."), error=True)
            return False
        info = replace(self.info, name=self.info.name.strip() or path.stem)
        try:
            store = PlanStore.create(
                path,
                info,
                crs.authid(),
                _wkt(crs),
                standard=self.standard,
                rubric=self.rubric,
                overwrite=path.exists(),
            )
        except DataError as error:
            common.show_error(self, tr("New plan store"), error_text(error))
            return False
        self._use_new_store(store, info)
        return True

    def _use_new_store(self, store: PlanStore, info: PlanInfo) -> None:
        """A store just created holds the plan information; entered projects stay, unsaved."""
        self.store = store
        self.stored_info = store.info()
        self.stored_projects = {}
        self.info = replace(self.stored_info, **{k: getattr(info, k) for k in INFO_FIELDS})
        self._show_store()
        self._fill_info()
        self._say(tr("Created plan store {file}.").format(file=store.location))

    def open_store_file(self) -> bool:
        if not common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            return False
        path = common.ask_open_file(self, tr("Open plan store"), common.PLAN_STORE_FILTER)
        if path is None:
            return False
        return self.open_path(path)

    def open_path(self, path) -> bool:
        """Open the store at ``path`` (a GeoPackage, or a ``postgres:`` address) and show its
        contents (replacing what is shown)."""
        store = common.open_store(self, path, self.standard, self.rubric)
        if store is None:
            return False
        self.load(store)
        return True

    def open_database(self) -> bool:
        """Open (or create) a plan store in PostgreSQL through a saved QGIS connection."""
        chosen = PlanDatabaseDialog(self).choose()
        if chosen is None:
            return False
        address, create = chosen
        if create:  # the entries here become the new store's plan information
            return self.create_database_store(address)
        if not common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            return False
        return self.open_path(address)

    def create_database_store(self, address: str) -> bool:
        """Create a plan store in the PostgreSQL schema of ``address`` from the entries here."""
        if self.info_errors:
            self._say(error_text(next(iter(self.info_errors.values())), PLAN_INFO), error=True)
            return False
        crs = self.crs_widget.crs()
        if not crs.isValid():
            self._say(tr("Choose the coordinate reference system of the plan first."), error=True)
            return False
        from ..processing.plan_sources import create_plan_store

        info = replace(self.info, name=self.info.name.strip() or tr("Special plan"))
        try:
            with common.WaitCursor():
                store = create_plan_store(
                    address, info, crs.authid(), _wkt(crs), standard=self.standard,
                    rubric=self.rubric,
                )  # fmt: skip
        except DataError as error:
            common.show_error(self, tr("New plan store"), error_text(error))
            return False
        self._use_new_store(store, info)
        return True

    def load(self, store: PlanStore) -> None:
        """Show ``store``'s plan information and projects as saved."""
        self.store = store
        self.stored_info = store.info()
        projects = store.projects()
        self.stored_projects = {project.id: project for project in projects}
        self.info = self.stored_info
        self.info_raw, self.info_errors = {}, {}
        self.model.set_rows([ProjectRow(project) for project in projects])
        self.table.resizeColumnsToContents()
        self._show_store()
        self._fill_info()
        self._refresh_communities()
        self.form.show_row(None)
        self._update_state()

    def discard(self) -> None:
        """Forget unsaved entries: back to the store as saved (or to an empty form)."""
        if self.store is not None:
            self.load(self.store)
            return
        self.info, self.info_raw, self.info_errors = PlanInfo(name=""), {}, {}
        self.model.set_rows([])
        self._fill_info()
        self.form.show_row(None)
        self._update_state()

    def choose_standard(self, path: str) -> bool:
        """Check facility types against the standard in ``path`` ('' = built-in) from now on.

        A file that cannot be used is refused with a message and the previous standard stays.
        """
        standard = common.load_data_file(self, tr("Facility standard"), load_standard, path)
        if standard is None:
            self.standard_row.set_path(self.standard_path)
            return False
        self.standard, self.standard_path = standard, path
        common.remember_path(common.STANDARD_SETTING, path)
        self.standard_row.set_path(path)
        self._recheck_types()
        return True

    def _recheck_types(self) -> None:
        """Check every entered type code again, with the same check as typing one."""
        self.model.standard = self.standard
        self.form.set_standard(self.standard)
        if self.store is not None:
            self.store.standard = self.standard
        refused = 0
        for position, row in enumerate(self.model.rows):
            raw = row.raw.get("type_code", row.project.type_code)
            if "type_code" in row.raw or raw:
                self._check_project_field(position, "type_code", raw)
                refused += "type_code" in row.errors
            self.model.row_changed(position)
        self.form.show_row(self.current_row())
        self._update_state()
        name = self.standard.display_name(common.locale())
        if refused:
            self._say(
                tr("{count} projects have a facility type that {standard} does not know.").format(
                    count=refused, standard=name
                ),
                error=True,
            )
        else:
            self._say(tr("Facility types are checked against {standard}.").format(standard=name))

    def _show_store(self) -> None:
        if self.store is None:
            self.store_label.setText(tr("(none: enter the plan, then New… or Save)"))
            self.store_label.setToolTip("")
        else:
            text = self.store.location
            if self.store.kind == "postgres" and self.store.read_only:
                text += " " + tr("(read-only)")
            self.store_label.setText(text)
            self.store_label.setToolTip(
                tr("Give this as the plan store of the algorithms: {source}").format(
                    source=self.store.source
                )
            )
            self.crs_widget.setCrs(QgsCoordinateReferenceSystem(self.store.crs))
        self.crs_widget.setEnabled(self.store is None)

    def store_crs(self) -> str:
        if self.store is not None:
            return self.store.crs
        return self.crs_widget.crs().authid()

    # Plan information -------------------------------------------------------------------------

    def _fill_info(self) -> None:
        for key, edit in self.info_widgets.items():
            value = self.info_raw.get(key, getattr(self.info, key))
            edit.setText("" if value is None else str(value))
            mark_invalid(edit, self._info_message(key))
        self._show_info_errors()

    def info_edited(self, key: str, raw: Any) -> None:
        """Check one plan information field as typed; keep it, or mark it and say why."""
        others = {**vars(self.info), **self.info_raw}
        try:
            value = read_field(PLAN_INFO, key, raw, others=others, record=self.info.name)
        except DataError as error:
            self.info_raw[key], self.info_errors[key] = raw, error
        else:
            self.info_raw.pop(key, None)
            self.info_errors.pop(key, None)
            self.info = replace(self.info, **{key: value})
            partner = ORDER_PARTNERS.get(key)
            if partner in self.info_errors:
                self.info_edited(partner, self.info_raw[partner])
        mark_invalid(self.info_widgets[key], self._info_message(key))
        self._show_info_errors()
        self._update_state()

    def _info_message(self, key: str) -> Optional[str]:
        error = self.info_errors.get(key)
        return error_text(error, PLAN_INFO) if error is not None else None

    def _show_info_errors(self) -> None:
        self.info_message.setText(
            "\n".join(error_text(error, PLAN_INFO) for error in self.info_errors.values())
        )
        self.info_message.setVisible(bool(self.info_errors))

    # Projects ---------------------------------------------------------------------------------

    def current_position(self) -> Optional[int]:
        """The model position of the selected project, or None."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.proxy.mapToSource(index).row()

    def current_row(self) -> Optional[ProjectRow]:
        position = self.current_position()
        return None if position is None else self.model.rows[position]

    def select_project(self, project_id: str) -> bool:
        position = self.model.position_of(project_id)
        if position is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        if not index.isValid():  # filtered out: show everything
            self.community_filter.set_code("")
            self.status_filter.set_code("")
            self._apply_filters()
            index = self.proxy.mapFromSource(self.model.index(position, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def _row_selected(self, current, _previous) -> None:
        self.form.show_row(self.current_row() if current.isValid() else None)
        self._show_conflict()
        self.delete_button.setEnabled(current.isValid())

    def add_project(self) -> Project:
        """A new project (in the filtered community, status 计划), selected for editing."""
        community = self.community_filter.code()
        project = Project.new(community, "", "", STATUS_PLANNED)
        self.model.add_row(ProjectRow(project))
        self.select_project(project.id)
        self._update_state()
        self.form.widgets["name"].setFocus()
        return project

    def delete_project(self) -> None:
        position = self.current_position()
        if position is None:
            return
        self.model.remove_row(position)
        self._refresh_communities()
        self._update_state()

    def project_edited(self, key: str, raw: Any) -> None:
        """Check one field of the selected project as typed: keep it, or mark it and say why."""
        position = self.current_position()
        if position is None:
            return
        self._check_project_field(position, key, raw)
        row = self.model.rows[position]
        partner = ORDER_PARTNERS.get(key)
        if partner in row.errors:
            self._check_project_field(position, partner, row.raw[partner])
            self.form.mark(partner, row.errors.get(partner))
        self.form.mark(key, row.errors.get(key))
        self.form.show_message(row)
        self.model.row_changed(position)
        if key == "community_id":
            self._refresh_community_filter()
        self._update_state()

    def _check_project_field(self, position: int, key: str, raw: Any) -> None:
        row = self.model.rows[position]
        project = row.project
        try:
            value = read_field(
                PROJECTS,
                key,
                raw,
                standard=self.standard,
                others={**vars(project), **row.raw},
                record=project.record,
                key=project.id,
            )
        except DataError as error:
            row.raw[key], row.errors[key] = raw, error
            return
        row.raw.pop(key, None)
        row.errors.pop(key, None)
        row.project = replace(project, **{key: value})

    def set_location(self, geometry) -> None:
        """Set the selected project's location (a shapely geometry in the store's CRS)."""
        position = self.current_position()
        if position is None:
            return
        self._check_project_field(position, "geometry", geometry)
        row = self.model.rows[position]
        self.form.set_location(row.project.geometry)
        self.form.show_message(row)
        self.model.row_changed(position)
        self._update_state()

    def pick_on_map(self) -> None:
        canvas = self._canvas()
        if canvas is None or self.current_position() is None:
            return
        if self.pick_tool is None:
            self.pick_tool = PointPickTool(canvas)
            self.pick_tool.picked.connect(self._point_picked)
        self.pick_tool.start()
        self._say(tr("Click the project's location on the map."))

    def _point_picked(self, point, crs) -> None:
        geometry = to_store_point(point, crs, self.store_crs())
        if geometry is None:
            self._say(tr("The clicked point could not be placed in the plan's CRS."), error=True)
            return
        self.set_location(geometry)
        self._say(tr("Location picked on the map."))

    def take_from_feature(self) -> None:
        """The point on surface of the one feature selected in the chosen layer."""
        if self.current_position() is None:
            return
        layer = self.form.layer_combo.currentLayer()
        features = layer.selectedFeatures() if layer is not None else []
        if len(features) != 1:
            self._say(
                tr("Select exactly one feature (a community or compound) in the chosen layer."),
                error=True,
            )
            return
        point = feature_point(layer, features[0])
        geometry = to_store_point(point, layer.crs(), self.store_crs()) if point else None
        if geometry is None:
            self._say(tr("The selected feature has no usable location."), error=True)
            return
        self.set_location(geometry)
        self._say(tr("Location taken from the selected feature."))

    # Filters ----------------------------------------------------------------------------------

    def communities(self) -> List[str]:
        return sorted({community_key(row.project.community_id) for row in self.model.rows} - {""})

    def _refresh_communities(self) -> None:
        self.form.set_communities(self.communities())
        self._refresh_community_filter()

    def _refresh_community_filter(self) -> None:
        chosen = self.community_filter.code()
        self.community_filter.set_items(
            [(community, community) for community in self.communities()],
            empty=tr("All communities"),
        )
        self.community_filter.set_code(chosen)

    def _apply_filters(self, *_args) -> None:
        self.proxy.set_filters(self.community_filter.code(), self.status_filter.code())
        self.form.show_row(self.current_row())

    # Workbooks and the map ------------------------------------------------------------------

    def import_xlsx(self) -> bool:
        """Read projects from a workbook into the table (unsaved): all rows, or none."""
        path = common.ask_open_file(self, tr("Import projects"), common.WORKBOOK_FILTER)
        if path is None:
            return False
        existing = {row.project.id: row.project for row in self.model.rows}
        try:
            with common.WaitCursor():
                projects = read_projects_xlsx(path, self.standard, existing)
        except DataError as error:
            common.show_error(self, tr("Import projects"), error_text(error))
            return False
        for project in projects:
            position = self.model.position_of(project.id)
            if position is None:
                self.model.add_row(ProjectRow(project))
            else:
                self.model.rows[position] = ProjectRow(project)
                self.model.row_changed(position)
        self._refresh_communities()
        self.form.show_row(self.current_row())
        self._update_state()
        self._say(
            tr("{count} projects read from {file}; save to keep them.").format(
                count=len(projects), file=path.name
            )
        )
        return True

    def export_xlsx(self) -> bool:
        """Write the projects as shown here (saved or not) to a workbook."""
        path = common.ask_save_file(self, tr("Export projects"), common.WORKBOOK_FILTER, ".xlsx")
        if path is None:
            return False
        try:
            with common.WaitCursor():
                export_projects_xlsx([row.project for row in self.model.rows], path, self.standard)
        except DataError as error:
            common.show_error(self, tr("Export projects"), error_text(error))
            return False
        self._say(tr("Projects exported to {file}.").format(file=str(path)))
        return True

    def add_to_map(self) -> List[QgsVectorLayer]:
        """Add the saved projects as two layers, points and polygons (GeoPackage or PostGIS
        layers QGIS draws, styles and edits like any other)."""
        if self.store is None:
            self._say(tr("Save the plan to a store first."), error=True)
            return []
        layers = projects_layers(self.store)
        QgsProject.instance().addMapLayers(layers)
        if self.is_dirty():
            self._say(tr("The map shows the projects as saved; save to show your latest entries."))
        return layers

    # Saving -----------------------------------------------------------------------------------

    def changes(self) -> Changes:
        """What Save would write: the information and the projects that differ from the store."""
        info = None
        if self.stored_info is None or _info_differs(self.info, self.stored_info):
            info = replace(self.info, crs=self.store.crs if self.store else self.info.crs)
        current = [row.project for row in self.model.rows]
        ids = {project.id for project in current}
        return Changes(
            info=info,
            projects=tuple(
                project
                for project in current
                if not _same_project(project, self.stored_projects.get(project.id))
            ),
            deleted_projects=tuple(
                stored for pid, stored in self.stored_projects.items() if pid not in ids
            ),
        )

    def first_error(self):
        """(record id or None, field, message) of the first refused entry, or None."""
        for key, error in self.info_errors.items():
            return None, key, error_text(error, PLAN_INFO)
        for row in self.model.rows:
            for key, error in row.errors.items():
                return row.project.id, key, error_text(error, PROJECTS)
        return None

    def is_dirty(self) -> bool:
        if self.info_errors or any(row.has_errors for row in self.model.rows):
            return True
        if self.store is None:
            return bool(self.model.rows) or any(
                getattr(self.info, key) not in (None, "") for key in INFO_FIELDS
            )
        if any(row.mine is not None for row in self.model.rows):
            return True  # entries kept after a refused save, not applied yet
        return not self.changes().is_empty()

    def save(self) -> bool:
        """Save everything in one transaction; on any problem nothing is written, all is kept."""
        problem = self.first_error()
        if problem is not None:
            self._refuse(*problem)
            return False
        if self.store is None and not self.new_store():
            return False
        changes = self.changes()
        if changes.is_empty():
            self._say(tr("Nothing to save."))
            return True
        errors = self.store.validate(changes)
        if errors:
            error = errors[0]
            field = error.values.get("field", "")
            record = error.values.get("key") if error.values.get("table") == PROJECTS else None
            self._refuse(record, field, error_text(error))
            return False
        try:
            saved_to = common.save_changes(self, self.store, changes)
        except ConflictError as refused:
            self._refused_by_others(refused)
            return False
        if saved_to is None:
            self._say(tr("Nothing was saved; your entries are kept."), error=True)
            return False
        selected = self.current_row()
        self.load(saved_to)
        if selected is not None:
            self.select_project(selected.project.id)
        self._say(tr("Saved to {file}.").format(file=saved_to.location))
        return True

    # Saves refused because others changed the same records ------------------------------------

    def _refused_by_others(self, refused: ConflictError) -> None:
        """Show what was saved and what not; keep the user's entries of the refused records.

        The store is read again (the other records were saved, and their versions moved on);
        each refused project shows the user's entries, marked, until they reload it.
        """
        mine = {row.project.id: row.project for row in self.model.rows}
        base = dict(self.stored_projects)
        user_info = self.info
        selected = self.current_row()
        self.load(self.store)
        for conflict in refused.conflicts:
            if conflict.table == PLAN_INFO:
                self.info = replace(user_info, version=self.info.version)
                self._fill_info()
                continue
            entered = mine.get(conflict.record_id)
            if conflict.table != PROJECTS or conflict.refused != "save" or entered is None:
                continue  # a refused deletion: the project is simply shown again, as saved
            # The user's entries stay shown, with the version they had read, until reloaded.
            row_base = base.get(conflict.record_id)
            kept = ProjectRow(entered, conflict=conflict, base=row_base)
            position = self.model.position_of(conflict.record_id)
            if position is None:  # deleted meanwhile
                position = self.model.add_row(kept)
            else:
                self.model.rows[position] = kept
            self.model.row_changed(position)
        self._refresh_communities()
        if selected is not None:
            self.select_project(selected.project.id)
        self._update_state()
        self._show_conflict()
        common.show_error(
            self,
            tr("Save plan data"),
            error_text(refused)
            + "\n\n"
            + tr(
                "Your entries for these records are kept, marked in the list. Select one and "
                "click 'Reload this project' to see what was saved, then apply your entries "
                "again."
            ),
        )
        self._say(error_text(refused), error=True)

    def reload_project(self) -> bool:
        """Show the selected refused project as saved now; keep the user's entries aside."""
        position = self.current_position()
        if position is None or self.store is None:
            return False
        row = self.model.rows[position]
        if row.conflict is None:
            return False
        stored = self.store.project(row.project.id)
        self.stored_projects.pop(row.project.id, None)
        if stored is not None:
            self.stored_projects[stored.id] = stored
        row.mine, row.raw, row.errors = row.project, {}, {}
        if stored is not None:
            row.project = stored
        self._conflict_row_changed(position)
        return True

    def reapply_mine(self) -> bool:
        """Apply the user's kept entries (the fields they had changed) to the reloaded project."""
        position = self.current_position()
        if position is None:
            return False
        row = self.model.rows[position]
        changes = row.my_changes()
        if row.mine is None:
            return False
        if self.stored_projects.get(row.project.id) is None:  # deleted: it is added again
            row.project = replace(row.mine, version=0)
        else:
            row.project = replace(row.project, **changes)
        row.conflict = row.mine = row.base = None
        self._conflict_row_changed(position)
        self._say(tr("Your entries are applied again; save to keep them."))
        return True

    def discard_mine(self) -> bool:
        """Drop the user's kept entries: the project stays as saved by the other user."""
        position = self.current_position()
        if position is None:
            return False
        row = self.model.rows[position]
        row.conflict = row.mine = row.base = None
        if self.stored_projects.get(row.project.id) is None:
            self.model.remove_row(position)
            self._show_conflict()
            self._update_state()
        else:
            self._conflict_row_changed(position)
        return True

    def _conflict_row_changed(self, position: int) -> None:
        """Show a refused project's row, form and conflict panel as they are now."""
        self.model.row_changed(position)
        self.form.show_row(self.model.rows[position])
        self._show_conflict()
        self._update_state()

    def _show_conflict(self) -> None:
        row = self.current_row()
        if row is None or row.conflict is None:
            self.form.show_conflict("", False)
            return
        text = error_text(conflict_error(row.conflict), PROJECTS)
        if row.mine is not None:
            shown = [
                tr("{field}: yours {mine}, saved {theirs}").format(
                    field=field_label(PROJECTS, key),
                    mine=self.model.display(row.mine, key) or "—",
                    theirs=self.model.display(row.project, key) or "—",
                )
                for key in row.my_changes()
            ]
            text = tr("Reloaded: shown as saved at {time}. Your entries: {entries}").format(
                time=shown_time(row.project.updated_at or row.conflict.at),
                entries="; ".join(shown) or tr("none"),
            )
        self.form.show_conflict(text, reloaded=row.mine is not None)

    # History -----------------------------------------------------------------------------------

    def show_history(self) -> Optional[HistoryDialog]:
        """Every saved change of the selected project (or of the whole plan, with none)."""
        if self.store is None:
            self._say(tr("Open a plan store first."), error=True)
            return None
        row = self.current_row()
        try:
            with common.WaitCursor():
                dialog = HistoryDialog(
                    self.store, self.standard, row.project if row is not None else None, self
                )
        except DataError as error:
            common.show_error(self, tr("History"), error_text(error))
            return None
        dialog.show()
        return dialog

    def _refuse(self, record: Optional[str], field: str, message: str) -> None:
        """Show why saving was refused, with the record selected and its field marked."""
        if record and self.select_project(record):
            widget = self.form.widgets.get(field)
            if widget is not None:
                mark_invalid(widget, message)
                widget.setFocus()
        elif field in self.info_widgets:
            mark_invalid(self.info_widgets[field], message)
        self._say(tr("Not saved: {reason}").format(reason=message), error=True)

    def _update_state(self) -> None:
        dirty = self.is_dirty()
        title = tr("Plan data (专项规划数据)")
        self.setWindowTitle(title + (" *" if dirty else ""))
        self.delete_button.setEnabled(self.current_position() is not None)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setText(text)

    # Closing ------------------------------------------------------------------------------------

    def reject(self) -> None:
        """Close (Esc, the Close button, the window's ×): asks first when entries are unsaved."""
        if common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            if self.pick_tool is not None:
                self.pick_tool.stop()
            super().reject()


def _wkt(crs: QgsCoordinateReferenceSystem) -> str:
    """The CRS as WKT 1 (what GeoPackage's gpkg_spatial_ref_sys holds), on any QGIS version."""
    return crs.toWkt(compat.CrsWktVariant.Wkt1Gdal)


def _info_differs(info: PlanInfo, stored: PlanInfo) -> bool:
    return any(getattr(info, key) != getattr(stored, key) for key in INFO_FIELDS)


def _same_project(project: Project, stored: Optional[Project]) -> bool:
    """Whether nothing the user can edit differs (locations compared by their coordinates)."""
    if stored is None:
        return False
    for key, value in vars(project).items():
        if key in ("geometry", "created_at", "updated_at", "updated_by", "version"):
            continue
        if value != getattr(stored, key):
            return False
    mine, theirs = project.geometry, stored.geometry
    if mine is None or theirs is None:
        return mine is theirs
    return mine is theirs or (mine.geom_type == theirs.geom_type and mine.wkb == theirs.wkb)
