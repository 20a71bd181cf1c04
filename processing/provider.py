"""The Processing provider ``completecommunity``."""

from __future__ import annotations

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..resources import ICON_PATH, plugin_version
from .algorithms import ALGORITHM_CLASSES
from .models import packaged_models

PROVIDER_ID = "completecommunity"


class CompleteCommunityProvider(QgsProcessingProvider):
    _waiting_for_registration = False

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
        # The shipped models chain the algorithms above. A model finds its steps in the
        # registry, which lists this provider only once its first loading is done: the models
        # are added by a second loading, as soon as the provider is registered.
        registry = QgsApplication.processingRegistry()
        if registry.providerById(self.id()) is self:
            for model in packaged_models():
                self.addAlgorithm(model)
        elif not self._waiting_for_registration:
            self._waiting_for_registration = True
            registry.providerAdded.connect(self._registered)

    def _registered(self, provider_id: str) -> None:
        registry = QgsApplication.processingRegistry()
        if provider_id != self.id() or registry.providerById(provider_id) is not self:
            return
        registry.providerAdded.disconnect(self._registered)
        self._waiting_for_registration = False
        self.refreshAlgorithms()
