"""规划数据库（PostgreSQL）/ Plan store in a database: choose a saved QGIS connection and a schema.

The connections are the user's own saved QGIS PostgreSQL connections (Browser ▸ PostgreSQL), with
their authentication configurations; this dialog never asks for, shows or keeps a password. It
lists the schemas of the database that hold a plan store, and shows the store's address — the
text that opens it again, also as the ``PLAN_STORE`` of the algorithms.
"""

from __future__ import annotations

from typing import Optional, Tuple

from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ..i18n import tr
from ..processing.plan_sources import QGIS_CONNECTOR, saved_connections, store_address
from ..scoring.errors import DataError
from ..scoring.plan.postgis import parse_address, plan_schemas
from . import common

DEFAULT_SCHEMA = "plan"


class PlanDatabaseDialog(QDialog):
    """Asks for a connection and a schema; :meth:`choose` returns (address, create) or None."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Plan store in a database (PostgreSQL/PostGIS)"))
        self.create = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "A plan store in PostgreSQL/PostGIS lets a team work on one plan at once: a save "
                "never overwrites a change someone else saved since you opened the plan. Choose "
                "one of your saved QGIS connections (Browser ▸ PostgreSQL ▸ New Connection; "
                "use an authentication configuration to keep the password out of projects)."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.connection_combo = QComboBox()
        self.connection_combo.addItems(saved_connections())
        self.connection_combo.currentTextChanged.connect(self.list_schemas)
        form.addRow(tr("Connection:"), self.connection_combo)
        self.schema_combo = QComboBox()
        self.schema_combo.setEditable(True)
        self.schema_combo.editTextChanged.connect(self._show_address)
        form.addRow(tr("Schema:"), self.schema_combo)
        self.address_label = QLabel()
        self.address_label.setWordWrap(True)
        form.addRow(tr("Address:"), self.address_label)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.open_button = QPushButton(tr("Open"))
        self.create_button = QPushButton(tr("Create here"))
        self.create_button.setToolTip(
            tr(
                "Create a new plan store in this schema (a new or an empty one) from the plan "
                "information entered in the Plan data dialog."
            )
        )
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.accept_open)
        self.create_button.clicked.connect(self.accept_create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if not saved_connections():
            self._say(
                tr("There is no saved PostgreSQL connection yet: add one in the Browser panel."),
                error=True,
            )
        self.list_schemas()
        self.resize(620, 300)

    def address(self) -> str:
        connection = self.connection_combo.currentText()
        schema = self.schema_combo.currentText().strip()
        if not connection or not schema:
            return ""
        return store_address(connection, schema)

    def list_schemas(self, *_args) -> list:
        """Offer the schemas of the chosen connection's database that hold a plan store."""
        connection = self.connection_combo.currentText()
        typed = self.schema_combo.currentText().strip()
        schemas: list = []
        if connection:
            try:
                with common.WaitCursor():
                    schemas = plan_schemas(
                        parse_address(store_address(connection, DEFAULT_SCHEMA)),
                        QGIS_CONNECTOR,
                    )
            except DataError as error:
                self._say(common.error_text(error), error=True)
            else:
                self._say(
                    tr("Plan stores in this database: {schemas}").format(
                        schemas=", ".join(schemas) or tr("none yet")
                    )
                )
        self.schema_combo.blockSignals(True)
        self.schema_combo.clear()
        self.schema_combo.addItems(schemas)
        self.schema_combo.setEditText(typed or (schemas[0] if schemas else DEFAULT_SCHEMA))
        self.schema_combo.blockSignals(False)
        self._show_address()
        return schemas

    def _show_address(self, *_args) -> None:
        address = self.address()
        self.address_label.setText(address)
        self.open_button.setEnabled(bool(address))
        self.create_button.setEnabled(bool(address))

    def accept_open(self) -> None:
        self.create = False
        if self.address():
            self.accept()

    def accept_create(self) -> None:
        self.create = True
        if self.address():
            self.accept()

    def choose(self) -> Optional[Tuple[str, bool]]:
        if self.exec() != QDialog.DialogCode.Accepted or not self.address():
            return None
        return self.address(), self.create

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setText(text)
