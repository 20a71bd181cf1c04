"""The plugin object QGIS creates: Processing provider, menu and toolbar.

Everything ``initGui()`` and ``initProcessing()`` add is remembered and removed again by
``unload()``, so that the Plugin Reloader or a disable/enable cycle leaves nothing behind.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QDialog, QMenu, QToolBar, QToolButton

from .i18n import install_translator, remove_translator, tr
from .processing.compat import QAction
from .processing.graph_cache import GRAPHS, POINTS
from .processing.provider import PROVIDER_ID, CompleteCommunityProvider
from .resources import ICON_PATH

MENU_OBJECT_NAME = "mCompleteCommunityMenu"
TOOLBAR_OBJECT_NAME = "mCompleteCommunityToolBar"


class CompleteCommunityPlugin:
    """Owns the provider and the GUI entry points for one QGIS session."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider: Optional[CompleteCommunityProvider] = None
        self.menu: Optional[QMenu] = None
        self.toolbar: Optional[QToolBar] = None
        self.actions: list[QAction] = []
        self.dialogs: dict[str, QDialog] = {}
        install_translator()

    # Processing -------------------------------------------------------------------------

    def initProcessing(self) -> None:
        """Register the provider; QGIS calls this also in qgis_process, where there is no GUI."""
        registry = QgsApplication.processingRegistry()
        if self.provider is None and registry.providerById(PROVIDER_ID) is None:
            # Another live instance (a reload in progress) keeps its provider: removing by id
            # would otherwise delete the provider that instance still holds.
            self.provider = CompleteCommunityProvider()
            registry.addProvider(self.provider)

    # GUI -------------------------------------------------------------------------------

    def initGui(self) -> None:
        self.initProcessing()
        if self.iface is None or self.menu is not None or self.provider is None:
            return
        main_window = self.iface.mainWindow()
        self.menu = QMenu(tr("Complete Community"), main_window)
        self.menu.setObjectName(MENU_OBJECT_NAME)
        self.menu.setIcon(QIcon(str(ICON_PATH)))
        for algorithm in self.provider.algorithms():
            self._add_action(
                algorithm.displayName(),
                algorithm.icon(),
                partial(self._open_algorithm, algorithm.id()),
            )
        self.menu.addSeparator()
        for key, text in (
            ("plan_data", tr("Plan data (专项规划数据)…")),
            ("manual_scores", tr("Manual scores (人工评分)…")),
        ):
            self._add_action(text, QIcon(str(ICON_PATH)), partial(self.show_dialog, key))
        menu_bar = main_window.menuBar()
        menu_bar.insertMenu(self._help_menu_action(menu_bar), self.menu)

        self.toolbar = self.iface.addToolBar(tr("Complete Community"))
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)
        button = QToolButton(self.toolbar)
        button.setMenu(self.menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setIcon(QIcon(str(ICON_PATH)))
        button.setToolTip(tr("Complete Community Toolkit"))
        self.toolbar.addWidget(button)

    def _add_action(self, text: str, icon: QIcon, slot: Callable) -> None:
        action = QAction(icon, text, self.iface.mainWindow())
        action.triggered.connect(slot)
        self.menu.addAction(action)
        self.actions.append(action)

    @staticmethod
    def _help_menu_action(menu_bar) -> Optional[QAction]:
        """The Help menu's action, so our menu goes just before it like other analysis menus."""
        for action in menu_bar.actions():
            menu = action.menu()
            if menu is not None and menu.objectName() == "mHelpMenu":
                return action
        return None

    @staticmethod
    def _open_algorithm(algorithm_id: str, _checked: bool = False) -> None:
        import processing

        processing.execAlgorithmDialog(algorithm_id)

    def show_dialog(self, key: str, _checked: bool = False) -> QDialog:
        """Show the plan data or manual scores dialog: non-modal, one of each, kept when closed
        so that it opens again as it was left. The manual scores dialog starts on the store the
        plan data dialog has open."""
        dialog = self.dialogs.get(key)
        if dialog is None:
            dialog = self._new_dialog(key)
            self.dialogs[key] = dialog
        if key == "manual_scores" and dialog.store is None:
            plan = self.dialogs.get("plan_data")
            if plan is not None and plan.store is not None:
                dialog.open_path(plan.store.source)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _new_dialog(self, key: str) -> QDialog:
        parent = self.iface.mainWindow() if self.iface is not None else None
        if key == "plan_data":
            from .ui.plan_data_dialog import PlanDataDialog

            return PlanDataDialog(self.iface, parent)
        from .ui.manual_scores_dialog import ManualScoresDialog

        return ManualScoresDialog(self.iface, parent)

    # Unload ----------------------------------------------------------------------------

    def unload(self) -> None:
        for dialog in self.dialogs.values():
            dialog.hide()
            dialog.deleteLater()
        self.dialogs = {}
        for action in self.actions:
            action.deleteLater()
        self.actions = []
        if self.menu is not None:
            self.menu.menuAction().setVisible(False)
            self.iface.mainWindow().menuBar().removeAction(self.menu.menuAction())
            self.menu.deleteLater()
            self.menu = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
            # Walking graphs of a large city hold hundreds of MB; give them back with the plugin.
            GRAPHS.clear()
            POINTS.clear()
        remove_translator()
