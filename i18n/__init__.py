"""Translation: one ``tr()`` for every user-visible string, and the translator it reads.

All strings share one context so that a string used in a dialog and in an algorithm is
translated once. Sources live in ``i18n/complete_community_<locale>.ts`` and are compiled to
``.qm`` by ``make translations`` (``lrelease``); ``tools/update_translations.py`` collects new
strings from ``tr()`` and ``N_()`` calls into the ``.ts`` files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

CONTEXT = "CompleteCommunity"
I18N_DIR = Path(__file__).resolve().parent
SUPPORTED_LANGUAGES = ("zh_CN",)

_installed: Optional[QTranslator] = None


def tr(text: str) -> str:
    """Translate ``text`` (English source) into the user's language."""
    return QCoreApplication.translate(CONTEXT, text)


def language_for_locale(locale: str) -> str:
    """Map a QGIS locale setting to a shipped translation, ``en`` when there is none.

    QGIS has spelled Simplified Chinese ``zh_CN``, ``zh-Hans`` and ``zh_Hans_CN`` over the years;
    Traditional Chinese (``zh-Hant``, ``zh_TW``, ``zh_HK``) must not get the Simplified file.
    """
    normalised = (locale or "").replace("-", "_").lower()
    if normalised.startswith("zh"):
        if any(tag in normalised for tag in ("hant", "_tw", "_hk", "_mo")):
            return "en"
        return "zh_CN"
    return "en"


def current_language() -> str:
    """The shipped language matching the running QGIS's locale."""
    return language_for_locale(QgsApplication.locale())


def install_translator(language: Optional[str] = None) -> bool:
    """Install the plugin's translator for ``language`` (default: QGIS's locale).

    Replaces a translator installed earlier, so calling it again (plugin reload, a test that
    switches language) never stacks translators. Returns whether a translation was loaded.
    """
    global _installed
    remove_translator()
    language = language or current_language()
    if language not in SUPPORTED_LANGUAGES:
        return False
    translator = QTranslator()
    if not translator.load(str(I18N_DIR / f"complete_community_{language}.qm")):
        return False
    QCoreApplication.installTranslator(translator)
    _installed = translator
    return True


def remove_translator() -> None:
    global _installed
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None
