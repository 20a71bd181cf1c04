"""The workbook's cell styles by name, and cells made from data.

Sheets ask for cells by style name (``styles.text(name, "header")``) and get ``(value, style
index)`` pairs for :meth:`.xlsx.Sheet.append`. Text from users' data goes through
:meth:`Styles.text`, which keeps it text even when it starts with ``=``, ``+``, ``-`` or ``@``
(never a formula: the cell is a shared string, with Excel's quote prefix so that editing it
keeps it text), drops characters XML cannot hold and shortens text beyond Excel's 32,767
characters per cell.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from typing import Any, Dict, Optional, Tuple

from ..errors import N_, DataError
from .xlsx import Alignment, Font, Formula, Highlight, StyleSheet
from .xlsx import Style as CellStyle

NO_OPENPYXL = N_(
    "Reading and writing Excel files needs the Python package 'openpyxl', which this Python "
    "lacks. Install it (on Windows: 'python -m pip install openpyxl' in the OSGeo4W Shell; on "
    "Linux: the package python3-openpyxl) and restart QGIS."
)

MAX_CELL_TEXT = 32767
_RISKY_START = ("=", "+", "-", "@")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

SCORE_FORMAT = "0.0#"
INTEGER_FORMAT = "#,##0"
AREA_FORMAT = "#,##0"
MINUTES_FORMAT = "0.0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Colours: a quiet blue-grey for headers, the customary light yellow for cells to fill in.
HEADER_FILL = "DDE5F0"
LABEL_FILL = "F2F2F2"
INPUT_FILL = "FFF2CC"
SUBTOTAL_FILL = "F2F2F2"
BORDER_COLOUR = "808080"
#: Grade colours from the highest band down (fill, font); the lowest band is always the last.
GRADE_COLOURS = (("C6EFCE", "006100"), ("DDEBF7", "1F4E78"), ("FFEB9C", "7F6000"))
LOWEST_GRADE_COLOUR = ("FFC7CE", "9C0006")
STATUS_COLOURS = {
    "missing": ("FFC7CE", "9C0006"),
    "area_short": ("FCE4D6", "833C0B"),
    "size_mismatch": ("FFEB9C", "7F6000"),
    "ok": ("C6EFCE", "006100"),
    "ok_shared": ("C6EFCE", "006100"),
}

Cell = Tuple[Any, int]


def require_openpyxl() -> Any:
    """openpyxl, or a DataError saying what to install (it is not in every QGIS). Needed to
    read workbooks back; writing them needs nothing beyond Python."""
    try:
        import openpyxl
    except ImportError:
        raise DataError(NO_OPENPYXL) from None
    return openpyxl


def grade_colours(n_grades: int) -> list:
    """(fill, font) per grade band from the highest down: green first, red last."""
    if n_grades <= 1:
        return [GRADE_COLOURS[0]][:n_grades]
    middle = [GRADE_COLOURS[1 + index % 2] for index in range(n_grades - 2)]
    return [GRADE_COLOURS[0], *middle, LOWEST_GRADE_COLOUR]


def clean_text(value: Any) -> str:
    """Text a cell can hold: no control characters, at most Excel's 32,767 characters."""
    text = _ILLEGAL.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def plain_number(value: Any) -> Optional[float]:
    """A finite number as int or float (numpy scalars too); None for None, NaN and text."""
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        return value if value - value == 0.0 else None  # NaN and infinities are not
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def display_width(text: str) -> int:
    """Width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if ord(character) >= 0x1100 else 1 for character in text)


def lines_needed(text: str, width: float, size: float = 10) -> int:
    """Lines ``text`` in a ``size``-point font wraps to in a column ``width`` wide.

    A column ``width`` wide is 7 × width + 5 pixels (widths count digits of the 11-point
    normal font); a CJK character is about ``size`` points wide, other characters half that
    (:func:`display_width`); a few points go to the cell's padding, and a line may end a
    half character short where a wide one no longer fits.
    """
    if not text:
        return 1
    usable = max((1.5 * (7.0 * width + 5.0) - 9.0) / size, 2.0)
    lines = 0
    for part in text.split("\n"):
        # UTF-8 takes 3 bytes for CJK, 1 for ASCII: (bytes + characters) / 2 is the width.
        wide = (len(part.encode("utf-8")) + len(part)) / 2.0
        lines += 1 if wide <= usable else math.ceil(wide / (usable - 1.0))
    return lines


def row_height(lines: int, size: float = 10) -> float:
    """Points a row of ``lines`` lines of ``size``-point text needs."""
    return lines * size * 1.3 + 5.0


def highlight(fill: str, font: str, bold: bool = False) -> Highlight:
    return Highlight(colour=font, fill=fill, bold=bold)


class Styles:
    """The workbook's cell styles by name, as indexes of one :class:`.xlsx.StyleSheet`.

    ``language`` picks the fonts: 宋体 / 黑体 for Chinese as government tables use, Calibri
    for English.
    """

    def __init__(self, sheet: StyleSheet, language: str) -> None:
        self.language = language
        self._sheet = sheet
        body, heading = ("宋体", "黑体") if language == "zh" else ("Calibri", "Calibri")
        box = BORDER_COLOUR
        centre = Alignment("center", "center", True)
        left = Alignment("left", "center", True)
        top_left = Alignment("left", "top", True)

        def font(size: float = 10, bold: bool = False, **extra: Any) -> Font:
            return Font(name=heading if bold else body, size=size, bold=bold, **extra)

        def boxed(**attributes: Any) -> CellStyle:
            return CellStyle(border=box, **attributes)

        specs: Dict[str, CellStyle] = {
            "title": CellStyle(font=font(16, True), alignment=centre),
            "subtitle": CellStyle(font=font(10, colour="595959"), alignment=left),
            "note": CellStyle(font=font(9, italic=True, colour="595959"), alignment=top_left),
            "header": boxed(font=font(10, True), fill=HEADER_FILL, alignment=centre),
            "header_small": boxed(font=font(8, True), fill=HEADER_FILL, alignment=centre),
            "label": boxed(font=font(10, True), fill=LABEL_FILL, alignment=centre),
            "value": boxed(font=font(10), alignment=left),
            "typed": boxed(font=font(10), alignment=left),
            "value_bold": boxed(font=font(12, True), alignment=left),
            "value_score": boxed(font=font(12, True), alignment=left, number_format=SCORE_FORMAT),
            "input": boxed(font=font(10), alignment=left, fill=INPUT_FILL, locked=False),
            "input_date": boxed(
                font=font(10),
                alignment=left,
                fill=INPUT_FILL,
                locked=False,
                number_format=DATE_FORMAT,
            ),
            "text": boxed(font=font(10), alignment=top_left),
            "text_small": boxed(font=font(9), alignment=left),
            "text_centre": boxed(font=font(10), alignment=centre),
            "group": boxed(font=font(10, True), alignment=centre),
            "general": boxed(font=font(10), alignment=centre),
            "score": boxed(font=font(10), alignment=centre, number_format=SCORE_FORMAT),
            "score_input": boxed(
                font=font(10, True, colour="1F4E78"),
                alignment=centre,
                number_format=SCORE_FORMAT,
                fill=INPUT_FILL,
                locked=False,
            ),
            "notes_input": boxed(font=font(10), alignment=top_left, fill=INPUT_FILL, locked=False),
            "subtotal": boxed(
                font=font(10, True),
                alignment=centre,
                number_format=SCORE_FORMAT,
                fill=SUBTOTAL_FILL,
            ),
            "subtotal_integer": boxed(
                font=font(10, True),
                alignment=centre,
                number_format=INTEGER_FORMAT,
                fill=SUBTOTAL_FILL,
            ),
            "subtotal_area": boxed(
                font=font(10, True),
                alignment=centre,
                number_format=AREA_FORMAT,
                fill=SUBTOTAL_FILL,
            ),
            "total_label": boxed(font=font(11, True), alignment=centre, fill=HEADER_FILL),
            "total": boxed(
                font=font(11, True),
                alignment=centre,
                number_format=SCORE_FORMAT,
                fill=HEADER_FILL,
            ),
            "integer": boxed(font=font(10), alignment=centre, number_format=INTEGER_FORMAT),
            "area": boxed(font=font(10), alignment=centre, number_format=AREA_FORMAT),
            "percent": boxed(font=font(10), alignment=centre, number_format=PERCENT_FORMAT),
            "nearest": boxed(font=font(8), alignment=centre, number_format=INTEGER_FORMAT),
            "nearest_minutes": boxed(font=font(8), alignment=centre, number_format=MINUTES_FORMAT),
            "link": boxed(font=font(10, colour="0563C1", underline=True), alignment=left),
            "hidden": CellStyle(font=font(8, colour="808080")),
            "stat_label": boxed(font=font(10, True), alignment=left),
            "stat": boxed(font=font(10), alignment=centre, number_format=SCORE_FORMAT),
            "date": boxed(font=font(10), alignment=left, number_format=DATE_FORMAT),
            "datetime": boxed(font=font(10), alignment=left, number_format=DATETIME_FORMAT),
        }
        yes, no = ("是", "否") if language == "zh" else ("yes", "no")
        specs["yes_no"] = boxed(
            font=font(10), alignment=centre, number_format=f'"{yes}";"{yes}";"{no}"'
        )
        self._specs = specs
        self._index = {name: sheet.index(style) for name, style in specs.items()}
        self._quoted: Dict[int, int] = {}

    def __getitem__(self, name: str) -> int:
        """The style index of ``name``."""
        return self._index[name]

    def cell(self, value: Any = None, style: str = "value") -> Cell:
        """A cell holding ``value`` as given (for our own words and numbers)."""
        return (value, self._index[style])

    def blank(self, style: str) -> Cell:
        return (None, self._index[style])

    def text(self, value: Any, style: str = "text") -> Cell:
        """A cell with text from data, always text: ``=cmd|...`` is shown, never run."""
        text = "" if value is None else clean_text(value)
        index = self._index[style]
        if not text:
            return (None, index)
        if text.startswith(_RISKY_START):
            return (text, self._quoted_index(style))
        return (text, index)

    def value(self, value: Any, style: str = "general") -> Cell:
        """A cell for a value from data: numbers as numbers, dates as dates, the rest as text."""
        kind = type(value)
        if kind is int or (kind is float and value - value == 0.0):
            return (value, self._index[style])
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return (None, self._index[style])
        if isinstance(value, bool):
            words = ("是", "否") if self.language == "zh" else ("yes", "no")
            return self.text(words[0] if value else words[1], style)
        number = plain_number(value)
        if number is not None:
            return (number, self._index[style])
        if isinstance(value, datetime.datetime):
            return (value, self._index["datetime"])
        if isinstance(value, datetime.date):
            return (value, self._index["date"])
        return self.text(value, style)

    def number(self, value: Any, style: str = "general") -> Cell:
        """A number cell; empty for None, NaN or anything that is not a number."""
        return (plain_number(value), self._index[style])

    def formula(self, formula: str, style: str = "general") -> Cell:
        if not formula.startswith("="):
            raise ValueError(formula)
        return (Formula(formula), self._index[style])

    def _quoted_index(self, style: str) -> int:
        index = self._index[style]
        found = self._quoted.get(index)
        if found is None:
            found = self._quoted[index] = self._sheet.index(self._specs[style].quoted())
        return found
