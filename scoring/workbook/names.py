"""Sheet names and file names that Excel and every file system accept, for any community name.

Community and district names come from users' layers: they may be long (``xx街道xx社区居民委员会
（筹）``), hold characters a sheet or file name may not (``/``, ``:``), repeat, or differ only in
case. Excel refuses such a workbook ("We found a problem with some content") or silently renames
sheets, which would break the summary's formulas; so names are made valid and unique here,
before anything is written.

Excel's rules for sheet names: 1 to 31 characters (counted in UTF-16 code units, so a character
outside the Basic Multilingual Plane counts twice), none of ``[ ] : * ? / \\``, not beginning or
ending with an apostrophe, not ``History`` (reserved), unique without regard to case.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional, Set

MAX_SHEET_NAME = 31
#: Characters Excel forbids in sheet names, and control characters (not allowed in the XML).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED_SHEET_NAMES = {"history"}

#: File names: forbidden on Windows (the strictest of the systems planners use) and controls.
_FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED_FILE_STEMS = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}
MAX_FILE_PART = 60


def utf16_length(text: str) -> int:
    """Length as Excel counts it: characters beyond U+FFFF take two UTF-16 code units."""
    return sum(2 if ord(character) > 0xFFFF else 1 for character in text)


def _truncate_utf16(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` UTF-16 units, never half a character."""
    length = 0
    for index, character in enumerate(text):
        length += 2 if ord(character) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


def _clean_sheet_text(name: object) -> str:
    text = unicodedata.normalize("NFC", "" if name is None else str(name))
    text = " ".join(text.split())  # tabs, line breaks and runs of spaces: one space
    text = _SHEET_FORBIDDEN.sub("_", text)
    return text.strip("'").strip()


def is_valid_sheet_name(name: str) -> bool:
    """Whether Excel accepts ``name`` as a sheet name (uniqueness aside)."""
    return (
        isinstance(name, str)
        and 0 < utf16_length(name) <= MAX_SHEET_NAME
        and not _SHEET_FORBIDDEN.search(name)
        and not name.startswith("'")
        and not name.endswith("'")
        and name.casefold() not in _RESERVED_SHEET_NAMES
    )


class SheetNames:
    """Hands out valid sheet names, each unique without regard to case.

    ``fallback`` is used for a name that is empty once cleaned (a community with no name).
    A repeated name gets `` (2)``, `` (3)`` ..., shortening the name so that the suffix fits.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken: Set[str] = set()
        for name in taken:
            self._taken.add(name.casefold())

    def claim(self, name: object, fallback: str = "Sheet") -> str:
        base = _clean_sheet_text(name)
        if not base or base.casefold() in _RESERVED_SHEET_NAMES:
            base = (base + " " + fallback).strip() if base else fallback
            base = _clean_sheet_text(base)
        base = _truncate_utf16(base, MAX_SHEET_NAME).strip().strip("'").strip() or "Sheet"
        candidate = base
        number = 1
        while candidate.casefold() in self._taken:
            number += 1
            suffix = f" ({number})"
            stem = _truncate_utf16(base, MAX_SHEET_NAME - len(suffix)).rstrip().rstrip("'")
            candidate = stem + suffix
        self._taken.add(candidate.casefold())
        return candidate

    def __contains__(self, name: object) -> bool:
        return str(name).casefold() in self._taken


def sheet_name(name: object, taken: Iterable[str] = (), fallback: str = "Sheet") -> str:
    """One valid sheet name for ``name``, different from every name in ``taken``."""
    return SheetNames(taken).claim(name, fallback)


def quote_sheet(name: str) -> str:
    """The sheet name as a formula writes it: ``'社区 A'!`` with inner apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


class FileParts:
    """Hands out parts of file names (the district in ``evaluation_玄武区.xlsx``), each valid
    on Windows, macOS and Linux and unique without regard to case (Windows and macOS folders
    ignore case)."""

    def __init__(self) -> None:
        self._taken: Set[str] = set()

    def claim(self, name: object, fallback: str = "unnamed") -> str:
        text = unicodedata.normalize("NFC", "" if name is None else str(name))
        text = " ".join(text.split())
        text = _FILE_FORBIDDEN.sub("_", text)[:MAX_FILE_PART].strip().rstrip(".").strip()
        if not text or set(text) <= {"."}:
            text = fallback
        if text.split(".")[0].casefold() in _RESERVED_FILE_STEMS:
            text = "_" + text
        candidate, number = text, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{text} ({number})"
        self._taken.add(candidate.casefold())
        return candidate


def file_part(name: object, fallback: str = "unnamed", taken: Optional[FileParts] = None) -> str:
    """A piece of a file name made from ``name`` (see :class:`FileParts`)."""
    return (taken or FileParts()).claim(name, fallback)
