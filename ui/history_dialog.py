"""历史记录 / History: every saved change of a project (or of the whole plan), newest first.

One row per changed field: when (local time), who (the OS or database user), what happened,
which field, from what to what — statuses, funding sources and facility types by their labels,
locations described, not as raw codes. It only reads the store.
"""

from __future__ import annotations

import datetime
from typing import Optional

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..i18n import tr
from ..scoring.plan import FUNDING_SOURCES, PROJECTS, STATUSES, HistoryEntry, Project, choice_label
from .common import field_label, locale

COLUMNS = ("changed_at", "changed_by", "record", "action", "field", "old_value", "new_value")


def local_time(timestamp: str) -> str:
    """``2025-03-01T09:02:00.000Z`` in the computer's time zone: ``2025-03-01 17:02:00``."""
    try:
        moment = datetime.datetime.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S")
    except (TypeError, ValueError):
        return str(timestamp or "")
    moment = moment.replace(tzinfo=datetime.timezone.utc).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def action_label(entry: HistoryEntry) -> str:
    if entry.field == "*":
        return tr("changed outside the plugin")
    return {
        "insert": tr("created"),
        "update": tr("changed"),
        "delete": tr("deleted"),
    }.get(entry.action, entry.action)


class HistoryDialog(QDialog):
    """The history of ``project`` (None: of every record of the plan)."""

    def __init__(self, store, standard=None, project: Optional[Project] = None, parent=None):
        super().__init__(parent)
        self.store, self.standard, self.project = store, standard, project
        if project is not None:
            self.entries = store.history(PROJECTS, project.id)
            title = tr("History of {project}").format(project=project.record)
        else:
            self.entries = store.history()
            title = tr("History of the plan")
        self.entries = list(reversed(self.entries))
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        summary = QLabel(
            tr("{count} saved changes in {store}.").format(
                count=len(self.entries), store=store.location
            )
            if self.entries
            else tr("No saved change is recorded yet (changes are recorded from schema version 3).")
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = QTableWidget(len(self.entries), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [
                tr("When"),
                tr("Who"),
                tr("Record"),
                tr("What"),
                tr("Field"),
                tr("From"),
                tr("To"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, entry in enumerate(self.entries):
            for column, text in enumerate(self.row_texts(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(980, 460)

    def row_texts(self, entry: HistoryEntry) -> list:
        return [
            local_time(entry.changed_at),
            entry.changed_by or tr("(unknown)"),
            entry.record_name or entry.record_id,
            action_label(entry),
            "" if entry.field == "*" else field_label(entry.table, entry.field),
            self.value_text(entry, entry.old_value),
            self.value_text(entry, entry.new_value),
        ]

    def value_text(self, entry: HistoryEntry, value: Optional[str]) -> str:
        """A stored value as the dialogs show it: labels for codes, the type's name."""
        if value is None:
            return "—" if entry.field != "*" else ""
        if entry.field == "status":
            return choice_label(STATUSES, value, locale())
        if entry.field == "funding_source":
            return choice_label(FUNDING_SOURCES, value, locale())
        standard = self.standard
        if entry.field == "type_code" and standard is not None and value in standard.codes():
            return standard.type_by_code(value).display_name(locale())
        return value
