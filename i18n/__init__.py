"""Translation: one ``tr()`` for every user-visible string, and the translator it reads.

All strings share one context so that a string used in a dialog and in an algorithm is
translated once. Sources live in ``i18n/complete_community_<locale>.ts`` and are compiled to
``.qm`` by ``make translations`` (``lrelease``); ``tools/update_translations.py`` collects new
strings from ``tr()`` and ``N_()`` calls into the ``.ts`` files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

CONTEXT = "CompleteCommunity"
I18N_DIR = Path(__file__).resolve().parent
SUPPORTED_LANGUAGES = ("zh_CN",)

_installed: Optional[QTranslator] = None
_installed_language = "en"
_by_language: Dict[str, QTranslator] = {}


def tr(text: str) -> str:
    """Translate ``text`` (English source) into the user's language."""
    return QCoreApplication.translate(CONTEXT, text)


def translator_for(language: str) -> Callable[[str], str]:
    """``tr()`` in ``language`` (``zh_CN`` or ``en``), whatever the QGIS locale is.

    For documents whose language the user chooses (the map book), so that they use the same
    strings and translations as the rest of the plugin. An unknown language, or a string
    without translation, gives the English source.
    """
    if language not in SUPPORTED_LANGUAGES:
        return lambda text: text
    translator = _by_language.get(language)
    if translator is None:
        translator = QTranslator()
        translator.load(str(I18N_DIR / f"complete_community_{language}.qm"))
        _by_language[language] = translator

    context = CONTEXT.encode("utf-8")

    def translate(text: str) -> str:
        # Passed as UTF-8 bytes: PyQt5 would encode a str argument of this C++ API as ASCII.
        return translator.translate(context, text.encode("utf-8")) or text

    return translate


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
    global _installed, _installed_language
    remove_translator()
    language = language or current_language()
    if language not in SUPPORTED_LANGUAGES:
        return False
    translator = QTranslator()
    if not translator.load(str(I18N_DIR / f"complete_community_{language}.qm")):
        return False
    QCoreApplication.installTranslator(translator)
    _installed = translator
    _installed_language = language
    return True


def remove_translator() -> None:
    global _installed, _installed_language
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None
    _installed_language = "en"


def interface_language() -> str:
    """The language ``tr()`` speaks now (``zh_CN`` or ``en``): that of the installed
    translator, which follows QGIS's locale. Texts made outside ``tr()`` (legend labels)
    use it to speak the same language as the rest of the interface."""
    return _installed_language
