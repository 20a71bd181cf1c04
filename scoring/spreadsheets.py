"""Excel files the planners edit: saved so that a failure never leaves a half-written or lost
file behind, and read by bilingual header keys rather than by column position."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, Dict, Sequence

from .atomic_files import write_replacing
from .errors import DataError, Phrase
from .schema import show_value


def save_workbook_replacing(workbook: Any, target: Path, label: Phrase) -> None:
    """Save an openpyxl ``workbook`` at ``target`` all or nothing (:mod:`.atomic_files`): the
    old file stays whole until the new one is complete, and a read-only one is refused. Every
    message names ``label`` (what kind of workbook it is) and the file."""
    write_replacing(target, label, workbook.save)


def header_key(value: Any) -> str:
    """The key of a bilingual header cell: ``"评分点编号 point_id"`` -> ``"point_id"``.

    Planners keep the Chinese label and may drop it; the last word is the key either way.
    Full-width input (``ｐｏｉｎｔ＿ｉｄ``) and capitals are folded.
    """
    text = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
    return text.split()[-1].lower() if text else ""


def header_columns(
    cells: Sequence[Any],
    allowed: Sequence[str],
    *,
    file: str,
    sheet: str,
    unknown_column: str,
    duplicate_column: str,
) -> Dict[str, int]:
    """Column number (1-based) of every key in a header row; unknown or repeated headers are
    refused with the caller's message templates, naming the file, sheet and column."""
    from openpyxl.utils import get_column_letter

    found: Dict[str, int] = {}
    for number, value in enumerate(cells, 1):
        key = header_key(value)
        if not key:
            continue
        if key not in allowed:
            raise DataError(
                unknown_column,
                file=file,
                sheet=sheet,
                column=get_column_letter(number),
                value=show_value(value),
                allowed=", ".join(allowed),
            )
        if key in found:
            raise DataError(
                duplicate_column, file=file, sheet=sheet, column=get_column_letter(number), key=key
            )
        found[key] = number
    return found
