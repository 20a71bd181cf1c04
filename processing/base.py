"""The small base class every algorithm of the provider stands on.

It supplies what is the same for all of them — fresh instances, translated names, per-language
help, group, icon, default flags — and the translation of domain errors, so that an algorithm's
own file holds only its parameters and the calls into ``scoring/``.
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtGui import QIcon

from ..i18n import current_language, tr
from ..resources import ICON_PATH, help_html
from ..scoring.errors import DataError


class BaseAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set ``ALGORITHM_ID``, ``DISPLAY_NAME`` and ``GROUP``; names are English
    sources passed through ``tr()`` here, so each class states them once."""

    ALGORITHM_ID = ""
    DISPLAY_NAME = ""
    GROUP = ""
    GROUP_ID = ""

    def createInstance(self) -> BaseAlgorithm:
        return type(self)()

    def name(self) -> str:
        return self.ALGORITHM_ID

    def displayName(self) -> str:
        return tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return tr(self.GROUP) if self.GROUP else ""

    def groupId(self) -> str:
        return self.GROUP_ID

    def shortHelpString(self) -> str:
        return help_html(self.ALGORITHM_ID, current_language())

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def flags(self):
        # The defaults already allow batch mode and cancelling; keep them, add nothing that
        # would take them away.
        return super().flags()

    def tr(self, text: str) -> str:
        return tr(text)

    @staticmethod
    def user_error(error: DataError) -> QgsProcessingException:
        """A domain error as the Processing exception QGIS shows without a traceback."""
        return QgsProcessingException(error.message(tr))
