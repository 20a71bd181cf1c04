"""The Processing provider ``completecommunity``."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..resources import ICON_PATH, plugin_version
from .algorithms import ALGORITHM_CLASSES

PROVIDER_ID = "completecommunity"


class CompleteCommunityProvider(QgsProcessingProvider):
    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return tr("Complete Community")

    def longName(self) -> str:
        return tr("Complete Community Toolkit") + f" {plugin_version()}"

    def versionInfo(self) -> str:
        return plugin_version()

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:
        return str(ICON_PATH)

    def loadAlgorithms(self) -> None:
        for algorithm_class in ALGORITHM_CLASSES:
            self.addAlgorithm(algorithm_class())
