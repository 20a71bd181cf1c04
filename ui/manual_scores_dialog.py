"""人工评分 / Manual scores: the rubric's points scored by hand, community by community.

For the chosen community the table lists every manual scoring point of the rubric with its
category, item, text and maximum; the score box cannot go beyond the maximum, and its lowest
position means 待评 (not scored yet). Evidence, assessor and date go with each score. The
progress table says, per community, how many manual points are still 待评. Entries are held
in memory for every community visited and saved together, in one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from functools import partial
from typing import Dict, List, Optional, Tuple

from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..processing.compat import layer_filters
from ..scoring.errors import DataError
from ..scoring.plan import (
    MANUAL_SCORES,
    Changes,
    ConflictError,
    ManualScore,
    PlanStore,
    changes_errors,
    manual_progress,
)
from ..scoring.plan import field_error as plan_field_error
from ..scoring.rubric import community_key, load_rubric
from ..scoring.standard import load_standard
from . import common
from .common import error_text, field_label, locale, mark_invalid
from .plan_database_dialog import PlanDatabaseDialog

Key = Tuple[str, str]  # (community, point)

COLUMNS = ("category", "item", "point", "max", "score", "evidence", "assessor", "date")
SCORE, EVIDENCE, ASSESSOR, DATE = 4, 5, 6, 7
#: One below zero by a step: the spin box's lowest position, shown as 待评.
STEP = 0.5
PENDING_VALUE = -STEP


class ScoreSpinBox(QDoubleSpinBox):
    """A score from 0 to the point's maximum; its lowest position reads 待评 (None)."""

    def __init__(self, maximum: float, parent=None) -> None:
        super().__init__(parent)
        self.setDecimals(1)
        self.setSingleStep(STEP)
        self.setRange(PENDING_VALUE, maximum)
        self.setSpecialValueText(tr("Pending (待评)"))
        self.setValue(PENDING_VALUE)

    def score(self) -> Optional[float]:
        return None if self.value() < 0 else self.value()

    def set_score(self, score: Optional[float]) -> None:
        self.setValue(PENDING_VALUE if score is None else score)


class ManualScoresDialog(QDialog):
    """The manual scores dialog; non-modal, kept by the plugin and shown again when asked."""

    def __init__(self, iface=None, parent=None, standard=None, rubric=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.standard_path = self.rubric_path = ""
        problems: List[DataError] = []
        if standard is None:
            standard, self.standard_path, problem = common.remembered_standard()
            problems += [problem] if problem is not None else []
        self.standard = standard
        if rubric is None:
            rubric, self.rubric_path, problem = common.remembered_rubric(self.standard)
            problems += [problem] if problem is not None else []
        self.rubric = rubric
        self.points = _manual_points(self.rubric)
        self.store: Optional[PlanStore] = None
        self.stored: Dict[Key, ManualScore] = {}
        self.scores: Dict[Key, ManualScore] = {}
        self.errors: Dict[Key, DataError] = {}
        self.community = ""
        self._filling = False
        self.setWindowTitle(tr("Manual scores (人工评分)"))
        self.setModal(False)
        self._build()
        self._show_store()
        self.standard_row.set_path(self.standard_path)
        self.rubric_row.set_path(self.rubric_path)
        if problems:
            self._say(common.not_remembered_text(problems[0]), error=True)

    # Building -------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        store_row = QHBoxLayout()
        store_row.addWidget(QLabel(tr("Plan store:")))
        self.store_label = QLabel()
        store_row.addWidget(self.store_label, 1)
        self.open_button = QPushButton(tr("Open…"))
        self.open_button.setToolTip(tr("Open a plan store GeoPackage."))
        self.open_button.clicked.connect(self.open_store_file)
        store_row.addWidget(self.open_button)
        self.database_button = QPushButton(tr("Database…"))
        self.database_button.setToolTip(
            tr(
                "Open a plan store in PostgreSQL/PostGIS through one of your saved QGIS "
                "connections."
            )
        )
        self.database_button.clicked.connect(self.open_database)
        store_row.addWidget(self.database_button)
        layout.addLayout(store_row)
        files_row = QHBoxLayout()
        self.standard_row = common.DataFileRow(
            tr("Facility standard:"), tr("Choose a facility standard"), common.STANDARD_FILTER
        )
        self.standard_row.setToolTip(
            tr("The standard the rubric's facility types are checked against; empty: built-in.")
        )
        self.standard_row.chosen.connect(self.choose_standard)
        self.rubric_row = common.DataFileRow(
            tr("Rubric:"), tr("Choose a rubric"), common.RUBRIC_FILTER
        )
        self.rubric_row.setToolTip(
            tr("The rubric whose manual points are scored; empty: built-in.")
        )
        self.rubric_row.chosen.connect(self.choose_rubric)
        files_row.addWidget(self.standard_row, 1)
        files_row.addWidget(self.rubric_row, 1)
        layout.addLayout(files_row)

        choose = QHBoxLayout()
        choose.addWidget(QLabel(tr("Community:")))
        self.community_combo = QComboBox()
        self.community_combo.setEditable(True)
        self.community_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.community_combo.setMinimumWidth(140)
        self.community_combo.currentTextChanged.connect(self.choose_community)
        choose.addWidget(self.community_combo)
        choose.addWidget(QLabel(tr("from layer:")))
        self.layer_combo = QgsMapLayerComboBox()
        self.layer_combo.setFilters(layer_filters("PointLayer", "PolygonLayer"))
        self.layer_combo.setAllowEmptyLayer(True)
        self.layer_combo.setLayer(None)
        self.layer_combo.setMinimumWidth(160)
        self.field_combo = QgsFieldComboBox()
        self.field_combo.setMinimumWidth(120)
        self.layer_combo.layerChanged.connect(self.field_combo.setLayer)
        self.layer_combo.layerChanged.connect(lambda _layer: self.refresh_communities())
        self.field_combo.fieldChanged.connect(lambda _field: self.refresh_communities())
        choose.addWidget(self.layer_combo)
        choose.addWidget(self.field_combo)
        choose.addStretch(1)
        choose.addWidget(QLabel(tr("Assessor:")))
        self.assessor_edit = QLineEdit()
        self.assessor_edit.setToolTip(tr("Filled in for every score you enter here."))
        choose.addWidget(self.assessor_edit)
        choose.addWidget(QLabel(tr("Date:")))
        self.date_edit = QLineEdit(datetime.date.today().isoformat())
        self.date_edit.setMaximumWidth(110)
        choose.addWidget(self.date_edit)
        layout.addLayout(choose)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [
                tr("Category"),
                tr("Item"),
                tr("Scoring point"),
                tr("Max"),
                field_label(MANUAL_SCORES, "score"),
                field_label(MANUAL_SCORES, "evidence"),
                field_label(MANUAL_SCORES, "assessor"),
                field_label(MANUAL_SCORES, "date"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 100), (1, 120), (3, 40), (4, 110), (5, 170), (6, 70), (7, 105)):
            self.table.setColumnWidth(column, width)
        header.sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())

        self.progress_table = QTableWidget(0, 3)
        self.progress_table.setHorizontalHeaderLabels(
            [field_label(MANUAL_SCORES, "community_id"), tr("Scored"), tr("Pending (待评)")]
        )
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.progress_table.verticalHeader().setVisible(False)
        self.progress_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.progress_table.cellClicked.connect(
            lambda row, _column: self.community_combo.setEditText(
                self.progress_table.item(row, 0).text()
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        progress_box = QWidget()
        progress_box.setMaximumWidth(340)
        progress_layout = QVBoxLayout(progress_box)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addWidget(self.progress_table)
        splitter.addWidget(progress_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 300])
        layout.addWidget(splitter, 1)

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
        self._fill_points()
        self.resize(1320, 720)

    def _fill_points(self) -> None:
        """One row per manual point: texts, maximum and the entry widgets (empty, disabled)."""
        self.table.setRowCount(len(self.points))
        language = locale()
        for row, point in enumerate(self.points):
            place = self.rubric.place_of(point.id)
            texts = (
                place.category.name.get(language),
                place.item.name.get(language),
                f"{point.id}  {point.text.get(language)}",
                _number(point.max_score),
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                tip = point.evidence.get(language)
                if tip:
                    item.setToolTip(tr("Evidence: {evidence}").format(evidence=tip))
                self.table.setItem(row, column, item)
            spin = ScoreSpinBox(point.max_score)
            spin.valueChanged.connect(partial(self._score_changed, row))
            self.table.setCellWidget(row, SCORE, spin)
            for column in (EVIDENCE, ASSESSOR, DATE):
                edit = QLineEdit()
                edit.textEdited.connect(partial(self._row_edited, row))
                self.table.setCellWidget(row, column, edit)
        self.table.resizeRowsToContents()
        self.table.setEnabled(False)

    # Store and community --------------------------------------------------------------------

    def open_store_file(self) -> bool:
        if not common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            return False
        path = common.ask_open_file(self, tr("Open plan store"), common.PLAN_STORE_FILTER)
        return self.open_path(path) if path is not None else False

    def open_database(self) -> bool:
        """Open a plan store in PostgreSQL through a saved QGIS connection."""
        chooser = PlanDatabaseDialog(self)
        chooser.create_button.setVisible(False)  # stores are created in the Plan data dialog
        chosen = chooser.choose()
        if chosen is None:
            return False
        if not common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            return False
        return self.open_path(chosen[0])

    def open_path(self, path) -> bool:
        """Open the store at ``path``: a GeoPackage, or a ``postgres:`` address."""
        store = common.open_store(self, path, self.standard, self.rubric)
        if store is None:
            return False
        self.load(store)
        return True

    def load(self, store: PlanStore) -> None:
        self.store = store
        self.stored = {_key(score): score for score in store.manual_scores()}
        self.scores = dict(self.stored)
        self.errors = {}
        self._show_store()
        self.refresh_communities()
        self._fill_community()

    def discard(self) -> None:
        if self.store is not None:
            self.load(self.store)

    # Standard and rubric -------------------------------------------------------------------

    def choose_rubric(self, path: str) -> bool:
        """Score the manual points of the rubric in ``path`` ('' = built-in) from now on.

        Unsaved entries are saved or discarded first (the points they belong to may go). A
        file that cannot be used is refused with a message and the previous rubric stays.
        """
        rubric = self._load_rubric(path, self.standard)
        if rubric is None:
            self.rubric_row.set_path(self.rubric_path)
            return False
        self.rubric, self.rubric_path = rubric, path
        common.remember_path(common.RUBRIC_SETTING, path)
        self.rubric_row.set_path(path)
        self._use_rubric()
        return True

    def choose_standard(self, path: str) -> bool:
        """Check the rubric against the standard in ``path`` ('' = built-in) from now on."""
        standard = common.load_data_file(self, tr("Facility standard"), load_standard, path)
        rubric = self._load_rubric(self.rubric_path, standard) if standard is not None else None
        if rubric is None:
            self.standard_row.set_path(self.standard_path)
            return False
        self.standard, self.standard_path, self.rubric = standard, path, rubric
        common.remember_path(common.STANDARD_SETTING, path)
        self.standard_row.set_path(path)
        self._use_rubric()
        return True

    def _load_rubric(self, path: str, standard):
        if not common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            return None
        return common.load_data_file(
            self, tr("Rubric"), lambda file: load_rubric(file, standard), path
        )

    def _use_rubric(self) -> None:
        """Show the rubric's manual points and check the scores held against it."""
        self.points = _manual_points(self.rubric)
        if self.store is not None:
            self.store.standard, self.store.rubric = self.standard, self.rubric
        self._fill_points()
        self._fill_community()
        errors = changes_errors(
            Changes(manual_scores=tuple(self.scores.values())), self.standard, self.rubric
        )
        if errors:
            self._say(
                tr("{count} scores do not fit this rubric, for example: {reason}").format(
                    count=len(errors), reason=error_text(errors[0])
                ),
                error=True,
            )
        else:
            self._say(
                tr("{count} manual points of the rubric {rubric}.").format(
                    count=len(self.points), rubric=self.rubric.name.get(locale())
                )
            )

    def _show_store(self) -> None:
        self.store_label.setText(self.store.location if self.store else tr("(none)"))

    def layer_communities(self) -> List[str]:
        layer, field = self.layer_combo.currentLayer(), self.field_combo.currentField()
        if layer is None or not field or layer.fields().lookupField(field) < 0:
            return []
        values = layer.uniqueValues(layer.fields().lookupField(field))
        return [community_key(value) for value in values if _present(value)]

    def communities(self) -> List[str]:
        """Communities from the store, the chosen layer and the entries here, sorted."""
        known = set(self.store.communities()) if self.store is not None else set()
        known.update(community for community, _point in self.scores)
        known.update(self.layer_communities())
        known.discard("")
        return sorted(known)

    def refresh_communities(self) -> None:
        current = self.community_combo.currentText()
        self.community_combo.blockSignals(True)
        self.community_combo.clear()
        self.community_combo.addItems(self.communities())
        self.community_combo.setEditText(current)
        self.community_combo.blockSignals(False)
        self._update_progress()

    def choose_community(self, text: str) -> None:
        """Show the scores of ``text``'s community (entries for others stay in memory)."""
        self.community = community_key(text)
        self._fill_community()

    def _fill_community(self) -> None:
        enabled = self.store is not None and bool(self.community)
        self._filling = True
        try:
            for row, point in enumerate(self.points):
                score = self.scores.get((self.community, point.id))
                self._spin(row).set_score(score.score if score else None)
                for column, value in (
                    (EVIDENCE, score.evidence if score else ""),
                    (ASSESSOR, score.assessor if score else ""),
                    (DATE, score.date if score else ""),
                ):
                    self._edit(row, column).setText(value)
                error = self.errors.get((self.community, point.id))
                mark_invalid(self._edit(row, DATE), error_text(error) if error else None)
        finally:
            self._filling = False
        self.table.setEnabled(enabled)
        self._update_progress()

    # Editing ---------------------------------------------------------------------------------

    def _spin(self, row: int) -> ScoreSpinBox:
        return self.table.cellWidget(row, SCORE)

    def _edit(self, row: int, column: int) -> QLineEdit:
        return self.table.cellWidget(row, column)

    def row_for(self, point_id: str) -> int:
        return [point.id for point in self.points].index(point_id)

    def _score_changed(self, row: int, *_args) -> None:
        """A score entered where there was none gets the assessor and date given above."""
        if self._filling or not self.community:
            return
        before = self.scores.get((self.community, self.points[row].id))
        if self._spin(row).score() is not None and (before is None or before.score is None):
            self._filling = True
            for column, default in (
                (ASSESSOR, self.assessor_edit.text().strip()),
                (DATE, self.date_edit.text().strip()),
            ):
                if not self._edit(row, column).text().strip():
                    self._edit(row, column).setText(default)
            self._filling = False
        self._row_edited(row)

    def _row_edited(self, row: int, *_args) -> None:
        """Keep the row's entries for the community, checking the date as typed."""
        if self._filling or not self.community:
            return
        point = self.points[row]
        spin = self._spin(row)
        key = (self.community, point.id)
        date = self._edit(row, DATE).text().strip()
        error = plan_field_error(MANUAL_SCORES, "date", date, record=f"{self.community}/{point.id}")
        if error is not None:
            self.errors[key] = error
        else:
            self.errors.pop(key, None)
        mark_invalid(self._edit(row, DATE), error_text(error) if error else None)
        stored = self.stored.get(key)
        score = ManualScore(
            community_id=self.community,
            point_id=point.id,
            score=spin.score(),
            evidence=self._edit(row, EVIDENCE).text().strip(),
            assessor=self._edit(row, ASSESSOR).text().strip(),
            date=date,
            version=stored.version if stored is not None else 0,  # what was read, see save()
        )
        if _empty(score):
            self.scores.pop(key, None)
        else:
            self.scores[key] = score
        self._update_progress()

    def _update_progress(self) -> None:
        communities = self.communities()
        if self.community and self.community not in communities:
            communities.append(self.community)
        progress = manual_progress(self.rubric, self.scores.values(), communities)
        self.progress_table.setRowCount(len(communities))
        for row, community in enumerate(communities):
            entry = progress[community]
            for column, text in enumerate((community, str(entry.n_scored), str(entry.n_pending))):
                self.progress_table.setItem(row, column, QTableWidgetItem(text))
        current = progress.get(self.community)
        self.progress_label.setText(
            tr(
                "Community {community}: {scored} of {total} manual points scored, {pending} 待评."
            ).format(
                community=self.community,
                scored=current.n_scored,
                total=current.n_manual,
                pending=current.n_pending,
            )
            if current is not None
            else tr("Choose a community.")
        )
        self.setWindowTitle(tr("Manual scores (人工评分)") + (" *" if self.is_dirty() else ""))

    # Saving ----------------------------------------------------------------------------------

    def changes(self) -> Changes:
        return Changes(
            manual_scores=tuple(
                score for key, score in self.scores.items() if self.stored.get(key) != score
            ),
            deleted_manual_scores=tuple(
                stored for key, stored in self.stored.items() if key not in self.scores
            ),
        )

    def is_dirty(self) -> bool:
        return bool(self.errors) or not self.changes().is_empty()

    def save(self) -> bool:
        if self.store is None:
            self._say(tr("Open a plan store first."), error=True)
            return False
        if self.errors:
            (community, _point), error = next(iter(self.errors.items()))
            if community != self.community:
                self.community_combo.setEditText(community)
            self._say(tr("Not saved: {reason}").format(reason=error_text(error)), error=True)
            return False
        changes = self.changes()
        if changes.is_empty():
            self._say(tr("Nothing to save."))
            return True
        try:
            saved_to = common.save_changes(self, self.store, changes)
        except ConflictError as refused:
            return self._refused_by_others(refused)
        if saved_to is None:
            self._say(tr("Nothing was saved; your entries are kept."), error=True)
            return False
        community = self.community
        self.load(saved_to)
        self.community_combo.setEditText(community)
        self._say(tr("Saved to {file}.").format(file=saved_to.location))
        return True

    def _refused_by_others(self, refused: ConflictError) -> bool:
        """Scores someone else saved meanwhile were not overwritten: say whose, show the
        saved scores, and offer to keep the user's entries to save over them knowingly."""
        entered = {key: self.scores.get(key) for key in self.scores}
        refused_keys = [
            tuple(conflict.record_id.split("/", 1))
            for conflict in refused.conflicts
            if conflict.table == MANUAL_SCORES
        ]
        community = self.community
        self.load(self.store)
        answer = QMessageBox.question(
            self,
            tr("Save manual scores"),
            error_text(refused)
            + "\n\n"
            + tr(
                "The scores are shown as saved now. Keep your entries for the refused points "
                "instead, to save them over the saved ones?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            for key in refused_keys:
                mine, now = entered.get(key), self.stored.get(key)
                if mine is not None:
                    self.scores[key] = replace(mine, version=now.version if now else 0)
        self.community_combo.setEditText(community)
        self._fill_community()
        self._update_progress()
        self._say(error_text(refused), error=True)
        return False

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setText(text)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def reject(self) -> None:
        if common.confirm_close(self, self.is_dirty(), self.save, self.discard):
            super().reject()


def _manual_points(rubric) -> list:
    return [point for point in rubric.points() if point.is_manual]


def _key(score: ManualScore) -> Key:
    return (community_key(score.community_id), str(score.point_id).strip())


def _empty(score: ManualScore) -> bool:
    return score.score is None and not (score.evidence or score.assessor or score.date)


def _present(value) -> bool:
    return value is not None and not (hasattr(value, "isNull") and value.isNull()) and value != ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
