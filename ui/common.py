"""What both plan dialogs share: messages, marking invalid fields, coded-value combo boxes,
opening a store, saving it safely (a read-only file is saved to a copy) and the question
asked before unsaved entries would be lost.

Qt comes only through ``qgis.PyQt`` and enums are written fully scoped
(``QMessageBox.StandardButton.Save``), the spelling both PyQt5 and PyQt6 accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Tuple

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ..i18n import current_language, tr
from ..processing.plan_sources import open_plan_store
from ..scoring.errors import DataError
from ..scoring.plan import ConflictError, PlanStore, field_spec
from ..scoring.rubric import load_rubric
from ..scoring.standard import load_standard

#: Style of a field whose entry is refused; the message names the field as well.
INVALID_STYLE = "border: 1px solid #c62828; background-color: #fdecea;"
PLAN_STORE_FILTER = "GeoPackage (*.gpkg)"
WORKBOOK_FILTER = "Excel (*.xlsx)"
STANDARD_FILTER = "YAML / JSON (*.yaml *.yml *.json)"
RUBRIC_FILTER = "YAML / JSON / Excel (*.yaml *.yml *.json *.xlsx)"
#: Where the chosen standard and rubric files are remembered (empty: the built-in ones). Both
#: dialogs share them: a city's planner uses the same files everywhere.
STANDARD_SETTING = "complete_community/standard_file"
RUBRIC_SETTING = "complete_community/rubric_file"


def locale() -> str:
    """``zh_CN`` or ``en``: the language labels of records and codes are shown in."""
    return current_language()


def field_label(table: str, key: str) -> str:
    """The label of a field in the user's language (``Floor area (m²)``), the key if unknown."""
    try:
        return field_spec(table, key).label(locale())
    except KeyError:
        return key


def error_text(error: DataError, table: Optional[str] = None) -> str:
    """A domain error in the user's language, fields named by their labels, not their keys."""
    if isinstance(error, ConflictError):
        return error.message(tr)
    values = dict(error.values)
    table = table or values.get("table")
    if table:
        for name in ("field", "other"):
            if isinstance(values.get(name), str):
                values[name] = field_label(table, values[name])
    try:
        return tr(error.template).format(**values)
    except (KeyError, IndexError, ValueError):
        return error.message(tr)


def mark_invalid(widget: QWidget, message: Optional[str]) -> None:
    """Highlight ``widget`` with ``message`` as its tooltip, or clear the mark (None).

    The dynamic property ``invalid`` says the same for scripts and tests.
    """
    widget.setProperty("invalid", bool(message))
    widget.setStyleSheet(INVALID_STYLE if message else "")
    widget.setToolTip(message or "")


class CodeComboBox(QComboBox):
    """A combo box of coded values: shows labels, hands back the stored code ('' for none)."""

    def set_items(self, items: Sequence[Tuple[str, str]], empty: Optional[str] = None) -> None:
        """``items`` as (code, label); ``empty`` adds a first entry meaning "no value"."""
        current = self.code()
        self.blockSignals(True)
        self.clear()
        if empty is not None:
            self.addItem(empty, "")
        for code, label in items:
            self.addItem(label, code)
        self.blockSignals(False)
        self.set_code(current)

    def code(self) -> str:
        data = self.currentData()
        return "" if data is None else str(data)

    def set_code(self, code: Optional[str]) -> None:
        """Select ``code``; an unknown code is added (shown as itself) rather than lost."""
        code = code or ""
        index = self.findData(code)
        if index < 0 and code:
            self.addItem(code, code)
            index = self.count() - 1
        self.blockSignals(True)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)


def type_items(standard) -> list:
    """(code, label) per facility type of the standard: ``幼儿园 (kindergarten)``."""
    return [(kind.code, f"{kind.display_name(locale())} ({kind.code})") for kind in standard.types]


def choice_items(choices) -> list:
    return [(choice.code, choice.label(locale())) for choice in choices]


class WaitCursor:
    """The busy cursor while a workbook is read or written (a few seconds at most)."""

    def __enter__(self) -> WaitCursor:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        return self

    def __exit__(self, *exc: Any) -> None:
        QApplication.restoreOverrideCursor()


# --------------------------------------------------------------------------------------------
# Files and messages
# --------------------------------------------------------------------------------------------


def ask_open_file(parent: QWidget, title: str, file_filter: str) -> Optional[Path]:
    path, _selected = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(path) if path else None


def ask_save_file(parent: QWidget, title: str, file_filter: str, suffix: str) -> Optional[Path]:
    """A file name to write, with ``suffix`` added when the user typed none."""
    path, _selected = QFileDialog.getSaveFileName(parent, title, "", file_filter)
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)


def show_error(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def open_store(parent: QWidget, source, standard, rubric) -> Optional[PlanStore]:
    """Open the store at ``source`` (a GeoPackage, or a ``postgres:`` address); a message says
    why not, that it was upgraded, or that this user may only read it."""
    try:
        with WaitCursor():
            store = open_plan_store(str(source), standard=standard, rubric=rubric)
            read_only = store.read_only_reason() if store.kind == "postgres" else None
    except DataError as error:
        show_error(parent, tr("Open plan store"), error_text(error))
        return None
    if store.upgraded_from is not None:
        QMessageBox.information(
            parent,
            tr("Open plan store"),
            tr(
                "Plan store {file} was upgraded from schema version {version}; a backup copy "
                "is at {backup}."
            ).format(
                file=store.location, version=store.upgraded_from, backup=str(store.backup_path)
            ),
        )
    if read_only is not None:
        QMessageBox.information(
            parent,
            tr("Open plan store"),
            tr("Plan store {file} is open read-only: your database role may only read it.").format(
                file=store.location
            ),
        )
    return store


def save_changes(parent: QWidget, store: PlanStore, changes) -> Optional[PlanStore]:
    """Save ``changes`` in one transaction; the store they went to, or None (nothing saved).

    A read-only store is not written: the user is offered a writable copy (a GeoPackage) and
    the changes go there. Records someone else changed meanwhile raise :class:`ConflictError`
    for the dialog to show. Whatever happens, the caller still holds every entry.
    """
    title = tr("Save plan data")
    if store.read_only:
        answer = QMessageBox.question(
            parent,
            title,
            tr(
                "Plan store {file} is read-only, so nothing was saved; your entries are kept. "
                "Save them to a writable copy?"
            ).format(file=store.location),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        target = ask_save_file(
            parent, tr("Save a copy of the plan store"), PLAN_STORE_FILTER, ".gpkg"
        )
        if target is None:
            return None
        try:
            store = store.save_copy(target, overwrite=target.exists())
        except DataError as error:
            show_error(parent, title, error_text(error))
            return None
    try:
        with WaitCursor():
            store.save(changes)
    except ConflictError:
        raise  # the dialog shows what was refused and keeps the entries
    except DataError as error:
        show_error(parent, title, error_text(error))
        return None
    return store


def confirm_close(
    parent: QWidget, dirty: bool, save: Callable[[], bool], discard: Callable[[], None]
) -> bool:
    """Whether a dialog may close: asks Save / Discard / Cancel when entries are unsaved."""
    if not dirty:
        return True
    answer = QMessageBox.question(
        parent,
        parent.windowTitle(),
        tr("There are unsaved changes. Save them before closing?"),
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return save()
    if answer == QMessageBox.StandardButton.Discard:
        discard()
        return True
    return False


# --------------------------------------------------------------------------------------------
# The user's own standard and rubric files
# --------------------------------------------------------------------------------------------


def remembered_path(key: str) -> str:
    """The file remembered under ``key`` in the QGIS settings ('' means the built-in one)."""
    value = QgsSettings().value(key, "")
    return str(value).strip() if value else ""


def remember_path(key: str, path: str) -> None:
    QgsSettings().setValue(key, path)


def remembered_standard() -> Tuple[Any, str, Optional[DataError]]:
    """(standard, its file, None), or the built-in one and why the remembered file is not used."""
    path = remembered_path(STANDARD_SETTING)
    try:
        return load_standard(path), path, None
    except DataError as error:
        return load_standard(), "", error


def remembered_rubric(standard) -> Tuple[Any, str, Optional[DataError]]:
    """(rubric, its file, None), or the built-in one and why the remembered file is not used.

    The built-in rubric is checked against ``standard`` too when it can be; a user standard
    that lacks a built-in type only loses that check, not the dialog.
    """
    path = remembered_path(RUBRIC_SETTING)
    try:
        return load_rubric(path, standard), path, None
    except DataError as error:
        try:
            return load_rubric(None, standard), "", error
        except DataError:
            return load_rubric(None), "", error


def not_remembered_text(error: DataError) -> str:
    return tr("The remembered file cannot be used, so the built-in one is: {reason}").format(
        reason=error.message(tr)
    )


def load_data_file(parent: QWidget, title: str, load: Callable[[str], Any], path: str):
    """``load(path)``, or None after a message saying why the file cannot be used."""
    try:
        with WaitCursor():
            return load(path)
    except DataError as error:
        show_error(parent, title, error.message(tr))
        return None


class _PathEdit(QLineEdit):
    """A line edit whose Enter confirms the file name only (not the dialog's Save button)."""

    def keyPressEvent(self, event) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class DataFileRow(QWidget):
    """A file the dialog checks entries against: typed or browsed, empty for the built-in one.

    It only proposes a file (``chosen(path)``); the dialog loads it and calls :meth:`set_path`
    with the file in use, so a refused file never stays shown as if it were used.
    """

    chosen = pyqtSignal(str)

    def __init__(self, label: str, title: str, file_filter: str, parent=None) -> None:
        super().__init__(parent)
        self.title, self.file_filter = title, file_filter
        self._path = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(label))
        self.edit = _PathEdit()
        self.edit.setPlaceholderText(tr("Built-in (内置)"))
        self.edit.editingFinished.connect(self._typed)
        layout.addWidget(self.edit, 1)
        self.browse_button = QPushButton(tr("Browse…"))
        self.browse_button.clicked.connect(self.browse)
        layout.addWidget(self.browse_button)
        self.builtin_button = QPushButton(tr("Use built-in"))
        self.builtin_button.clicked.connect(lambda: self._propose(""))
        layout.addWidget(self.builtin_button)

    def path(self) -> str:
        return self._path

    def set_path(self, path: str) -> None:
        self._path = path
        self.edit.setText(path)
        self.edit.setToolTip(path or tr("Built-in (内置)"))

    def browse(self) -> None:
        path = ask_open_file(self, self.title, self.file_filter)
        if path is not None:
            self._propose(str(path))

    def _typed(self) -> None:
        self._propose(self.edit.text().strip())

    def _propose(self, path: str) -> None:
        if path != self._path:
            self.chosen.emit(path)
        else:
            self.edit.setText(path)
