"""Files the plugin ships besides code: icons, help pages, built-in standards and rubrics.

Kept free of ``qgis`` imports so that the domain modules and the tooling can find the built-in
data files too.
"""

from __future__ import annotations

import configparser
import re
from functools import lru_cache
from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
PLUGIN_DIR = RESOURCES_DIR.parent
HELP_DIR = RESOURCES_DIR / "help"
ICON_PATH = RESOURCES_DIR / "icons" / "complete_community.svg"


@lru_cache(maxsize=1)
def plugin_metadata() -> dict[str, str]:
    """The ``[general]`` section of ``metadata.txt``: one source for name and version."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return dict(parser["general"])


def plugin_version() -> str:
    return plugin_metadata()["version"]


def help_html(algorithm_id: str, language: str) -> str:
    """The help page of an algorithm in ``language`` (``zh_CN`` or ``en``), English if missing.

    Help pages are whole HTML files per language rather than ``tr()`` strings: they are long,
    translators edit them as documents, and QGIS shows them as rich text in the dialog.
    """
    for candidate in (language, "en"):
        page = HELP_DIR / f"{algorithm_id}.{candidate}.html"
        if page.is_file():
            return _with_included(page.read_text(encoding="utf-8"), candidate)
    return ""


#: ``<!-- include: NAME -->`` in a help page stands for the shared page ``NAME.<language>.html``
#: (the walking-time parameters every walking algorithm shares are described once).
_INCLUDE = re.compile(r"<!-- include: ([a-z_]+) -->")


def _with_included(text: str, language: str) -> str:
    def included(match: re.Match) -> str:
        for candidate in (language, "en"):
            page = HELP_DIR / f"{match.group(1)}.{candidate}.html"
            if page.is_file():
                return page.read_text(encoding="utf-8")
        return ""

    return _INCLUDE.sub(included, text)
