"""Cells, styles and rows for a streamed (write-only) openpyxl workbook.

Workbooks are written in openpyxl's write-only mode: rows stream to disk as they are made, so a
city of 2,000 communities (some 120,000 rows of evaluation forms) does not have to fit in
memory. Write-only sheets still take merged ranges, data validation, conditional formats, print
set-up and protection, but every row must be complete when it is appended and column widths,
frozen panes and row heights must be set before the rows they concern.

Text from users' data goes through :func:`Styles.text`, which writes it as text even when it
starts with ``=``, ``+``, ``-`` or ``@`` (never as a formula), drops characters XML cannot hold
and shortens text beyond Excel's 32,767 characters per cell.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from copy import copy
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..errors import N_, DataError

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
AREA_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0.0%"

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


def require_openpyxl() -> Any:
    """openpyxl, or a DataError saying what to install (it is not in every QGIS)."""
    try:
        import openpyxl
    except ImportError:
        raise DataError(NO_OPENPYXL) from None
    return openpyxl


def grade_colours(n_grades: int) -> List[Tuple[str, str]]:
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


def lines_needed(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (a generous guess)."""
    if not text:
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


class Styles:
    """The workbook's cell styles, made once and copied onto cells (fast in write-only mode).

    ``language`` picks the fonts: 宋体 / 黑体 for Chinese as government tables use, Calibri
    for English.
    """

    def __init__(self, sheet: Any, language: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        self._cell_class = WriteOnlyCell
        self.language = language
        body, heading = ("宋体", "黑体") if language == "zh" else ("Calibri", "Calibri")
        thin = Side(style="thin", color=BORDER_COLOUR)
        box = Border(left=thin, right=thin, top=thin, bottom=thin)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        unlocked = Protection(locked=False)

        def fill(colour: str) -> Any:
            return PatternFill(fill_type="solid", start_color=colour, end_color=colour)

        def font(size: float = 10, bold: bool = False, **extra: Any) -> Any:
            return Font(name=heading if bold else body, size=size, bold=bold, **extra)

        specs: Dict[str, Dict[str, Any]] = {
            "title": {"font": font(16, True), "alignment": centre},
            "subtitle": {"font": font(10, color="595959"), "alignment": left},
            "note": {"font": font(9, italic=True, color="595959"), "alignment": top_left},
            "header": {
                "font": font(10, True),
                "fill": fill(HEADER_FILL),
                "border": box,
                "alignment": centre,
            },
            "label": {
                "font": font(10, True),
                "fill": fill(LABEL_FILL),
                "border": box,
                "alignment": centre,
            },
            "value": {"font": font(10), "border": box, "alignment": left},
            "typed": {"font": font(10), "border": box, "alignment": left},
            "value_bold": {"font": font(12, True), "border": box, "alignment": left},
            "value_score": {
                "font": font(12, True),
                "border": box,
                "alignment": left,
                "number_format": SCORE_FORMAT,
            },
            "input": {
                "font": font(10),
                "border": box,
                "alignment": left,
                "fill": fill(INPUT_FILL),
                "protection": unlocked,
            },
            "input_date": {
                "font": font(10),
                "border": box,
                "alignment": left,
                "fill": fill(INPUT_FILL),
                "protection": unlocked,
                "number_format": "yyyy-mm-dd",
            },
            "text": {"font": font(10), "border": box, "alignment": top_left},
            "text_centre": {"font": font(10), "border": box, "alignment": centre},
            "group": {"font": font(10, True), "border": box, "alignment": centre},
            "general": {"font": font(10), "border": box, "alignment": centre},
            "score": {
                "font": font(10),
                "border": box,
                "alignment": centre,
                "number_format": SCORE_FORMAT,
            },
            "score_input": {
                "font": font(10, True, color="1F4E78"),
                "border": box,
                "alignment": centre,
                "number_format": SCORE_FORMAT,
                "fill": fill(INPUT_FILL),
                "protection": unlocked,
            },
            "notes_input": {
                "font": font(10),
                "border": box,
                "alignment": top_left,
                "fill": fill(INPUT_FILL),
                "protection": unlocked,
            },
            "subtotal": {
                "font": font(10, True),
                "border": box,
                "alignment": centre,
                "number_format": SCORE_FORMAT,
                "fill": fill(SUBTOTAL_FILL),
            },
            "subtotal_integer": {
                "font": font(10, True),
                "border": box,
                "alignment": centre,
                "number_format": INTEGER_FORMAT,
                "fill": fill(SUBTOTAL_FILL),
            },
            "subtotal_area": {
                "font": font(10, True),
                "border": box,
                "alignment": centre,
                "number_format": AREA_FORMAT,
                "fill": fill(SUBTOTAL_FILL),
            },
            "total_label": {
                "font": font(11, True),
                "border": box,
                "alignment": centre,
                "fill": fill(HEADER_FILL),
            },
            "total": {
                "font": font(11, True),
                "border": box,
                "alignment": centre,
                "number_format": SCORE_FORMAT,
                "fill": fill(HEADER_FILL),
            },
            "integer": {
                "font": font(10),
                "border": box,
                "alignment": centre,
                "number_format": INTEGER_FORMAT,
            },
            "area": {
                "font": font(10),
                "border": box,
                "alignment": centre,
                "number_format": AREA_FORMAT,
            },
            "percent": {
                "font": font(10),
                "border": box,
                "alignment": centre,
                "number_format": PERCENT_FORMAT,
            },
            "link": {
                "font": font(10, color="0563C1", underline="single"),
                "border": box,
                "alignment": left,
            },
            "hidden": {"font": font(8, color="808080")},
            "stat_label": {"font": font(10, True), "border": box, "alignment": left},
            "stat": {
                "font": font(10),
                "border": box,
                "alignment": centre,
                "number_format": SCORE_FORMAT,
            },
        }
        yes, no = ("是", "否") if language == "zh" else ("yes", "no")
        specs["yes_no"] = {
            "font": font(10),
            "border": box,
            "alignment": centre,
            "number_format": f'"{yes}";"{yes}";"{no}"',
        }
        self._templates: Dict[str, Any] = {}
        for name, attributes in specs.items():
            template = WriteOnlyCell(sheet)
            for attribute, value in attributes.items():
                setattr(template, attribute, value)
            self._templates[name] = template._style

    def cell(self, sheet: Any, value: Any = None, style: Optional[str] = None) -> Any:
        """A cell holding ``value`` as given (a ``=...`` string is a formula: use for ours only)."""
        cell = self._cell_class(sheet, value)
        if style is not None:
            cell._style = copy(self._templates[style])
        return cell

    def text(self, sheet: Any, value: Any, style: Optional[str] = "text") -> Any:
        """A cell with text from data, always text: ``=cmd|...`` is shown, never run."""
        text = "" if value is None else clean_text(value)
        cell = self.cell(sheet, text or None, style)
        if text.startswith(_RISKY_START):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def value(self, sheet: Any, value: Any, style: Optional[str] = "general") -> Any:
        """A cell for a value from data: numbers as numbers, dates as dates, the rest as text."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.cell(sheet, None, style)
        if isinstance(value, bool):
            words = ("是", "否") if self.language == "zh" else ("yes", "no")
            return self.text(sheet, words[0] if value else words[1], style)
        number = plain_number(value)
        if number is not None:
            return self.cell(sheet, number, style)
        if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
            cell = self.cell(sheet, value, style)
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            return cell
        return self.text(sheet, value, style)

    def number(self, sheet: Any, value: Any, style: str = "general") -> Any:
        """A number cell; empty for None, NaN or anything that is not a number."""
        return self.cell(sheet, plain_number(value), style)

    def formula(self, sheet: Any, formula: str, style: Optional[str] = None) -> Any:
        if not formula.startswith("="):
            raise ValueError(formula)
        return self.cell(sheet, formula, style)


class RowWriter:
    """Appends rows to a write-only sheet, remembering where it is and what to merge.

    ``merge`` records a range; :meth:`finish` gives the ranges to the sheet. The caller fills
    a range's covered cells with styled blanks, so that its border is drawn all round in Excel
    and LibreOffice.
    """

    def __init__(self, sheet: Any, styles: Styles, n_columns: int) -> None:
        self.sheet = sheet
        self.styles = styles
        self.n_columns = n_columns
        self.row = 0
        self._merged: List[str] = []

    @property
    def next_row(self) -> int:
        return self.row + 1

    def append(self, cells: Sequence[Any], height: Optional[float] = None) -> int:
        number = self.row + 1
        if height is not None:
            self.sheet.row_dimensions[number].height = height
        self.sheet.append(list(cells))
        self.row = number
        return number

    def blank(self, height: Optional[float] = None) -> int:
        return self.append([], height)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if first_row == last_row and first_col == last_col:
            return
        from openpyxl.utils import get_column_letter

        self._merged.append(
            f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        )

    def finish(self) -> None:
        """Hand the merged ranges to the sheet at once (adding them one by one checks each
        against all before it, which is slow for a long form)."""
        from openpyxl.worksheet.cell_range import MultiCellRange

        if self._merged:
            self.sheet.merged_cells = MultiCellRange(" ".join(self._merged))
