"""One worksheet, streamed: its rows are turned into XML as they are appended.

A sheet is written in the order the file holds it: what comes before the rows (column widths,
frozen panes, the fit-to-page flag) must be set before the first row is appended; merged
ranges, data validation, conditional formats, links, protection, print set-up and pictures
may be given at any time before :meth:`Sheet.close`, which writes them after the rows.

A row is a sequence of cells, each ``(value, style index)`` or None for no cell. Values: text
(``str``, stored once in the workbook's shared strings), numbers (``int``, ``float``; finite),
:class:`Formula`, ``bool``, dates and times, or None for a styled empty cell.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from .styles import Highlight
from .xml import attribute, column_letter, column_letters, text

if TYPE_CHECKING:  # pragma: no cover
    from .package import Package

Cell = Optional[Tuple[Any, int]]

#: Rows collected before they are encoded and handed to the zip stream.
_ROWS_PER_WRITE = 512
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
#: Pixels to EMU (English metric units) at 96 dpi, for pictures.
_EMU_PER_PIXEL = 9525


class Formula(str):
    """A cell formula, written with its leading ``=`` (``=SUM(F8:F61)``)."""


@dataclass(frozen=True)
class Validation:
    """Data validation of the cells ``sqref`` (space-separated ranges): a number between
    ``minimum`` and ``maximum``, with the message shown when a cell is selected and the one
    shown for a wrong entry."""

    sqref: str
    minimum: str
    maximum: str
    kind: str = "decimal"
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = ""
    error: str = ""


@dataclass
class PrintSetup:
    """A4 (paper 9), landscape or portrait, ``title_rows`` (first, last) repeated on every
    page, ``area`` (``A1:L63``) the range printed, margins in inches, ``footer`` the footer's
    codes (``&P`` page ...). Whether the sheet is fitted to the page width is the sheet's
    :attr:`Sheet.fit_to_width`."""

    landscape: bool = True
    pages_tall: int = 0  # fitted to this many pages down; 0: as many as the width leaves
    title_rows: Optional[Tuple[int, int]] = None
    area: str = ""
    margins: Tuple[float, float, float, float, float, float] = (0.4, 0.4, 0.55, 0.55, 0.25, 0.25)
    footer: str = ""
    centred: bool = True
    paper: int = 9


@dataclass
class Picture:
    """A PNG placed with its top left corner on a cell (0-based row and column), shown at
    ``width`` × ``height`` pixels."""

    png: bytes
    row: int
    column: int
    width: int
    height: int
    description: str = ""


@dataclass
class _Tail:
    merges: List[str] = field(default_factory=list)
    validations: List[Validation] = field(default_factory=list)
    highlights: List[Tuple[str, str, int]] = field(default_factory=list)  # sqref, formula, dxf
    links: List[Tuple[str, str, str]] = field(default_factory=list)  # ref, location, display
    autofilter: str = ""
    protected: bool = False


class Sheet:
    """A worksheet being written; made by :meth:`Package.sheet`, closed by :meth:`close` (or
    by leaving its ``with`` block)."""

    def __init__(self, package: Package, name: str, index: int) -> None:
        self.package = package
        self.name = name
        self.index = index
        self.row = 0
        self.widths: Dict[int, float] = {}
        self.hidden_columns: set = set()
        self.frozen: Tuple[int, int] = (0, 0)  # rows, columns kept in view
        #: Printed fitted to the page width, as many pages down as it takes (set before rows).
        self.fit_to_width = True
        self.print_setup: Optional[PrintSetup] = None
        self.pictures: List[Picture] = []
        self._tail = _Tail()
        self._stream: Any = None
        self._pending: List[str] = []
        self._letters: List[str] = column_letters(64)
        self._closed = False

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, kind, _value, _traceback) -> None:
        if kind is None:
            self.close()

    # ---- before the rows ------------------------------------------------------------------

    def set_widths(self, widths: Sequence[float]) -> None:
        self._check_not_started("column widths")
        for number, width in enumerate(widths, 1):
            self.widths[number] = width

    def hide_columns(self, numbers: Sequence[int]) -> None:
        self._check_not_started("hidden columns")
        self.hidden_columns.update(numbers)

    def freeze(self, rows: int, columns: int = 0) -> None:
        """Keep the first ``rows`` rows and ``columns`` columns in view when scrolling."""
        self._check_not_started("frozen panes")
        self.frozen = (rows, columns)

    # ---- rows ---------------------------------------------------------------------------

    @property
    def next_row(self) -> int:
        return self.row + 1

    def append(self, cells: Sequence[Cell], height: Optional[float] = None) -> int:
        """Add a row; returns its number (from 1)."""
        if self._stream is None:
            self._start()
        self.row += 1
        number = str(self.row)
        if height is None:
            parts = [f'<row r="{number}">']
        else:
            parts = [f'<row r="{number}" ht="{height:g}" customHeight="1">']
        letters = self._letters
        if len(cells) > len(letters):
            letters = self._letters = column_letters(len(cells))
        strings = self.package.strings
        for position, cell in enumerate(cells):
            if cell is None:
                continue
            value, style = cell
            ref = letters[position] + number
            kind = type(value)
            if kind is str:
                index = strings.get(value)
                if index is None:
                    index = strings[value] = len(strings)
                parts.append(f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>')
            elif kind is int or (kind is float and value - value == 0.0):
                parts.append(f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>')
            elif kind is Formula:
                parts.append(f'<c r="{ref}" s="{style}"><f>{text(value[1:])}</f></c>')
            elif value is None:
                parts.append(f'<c r="{ref}" s="{style}"/>')
            else:
                parts.append(_other_cell(ref, value, style, strings))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self._flush()
        return self.row

    def blank(self, height: Optional[float] = None) -> int:
        return self.append((), height)

    # ---- after the rows (any time before closing) ---------------------------------------

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        if (first_row, first_column) == (last_row, last_column):
            return
        self._tail.merges.append(
            f"{column_letter(first_column)}{first_row}:{column_letter(last_column)}{last_row}"
        )

    def merge_refs(self, refs: Sequence[str]) -> None:
        """Merge ranges given as references (``A8:A10``), e.g. worked out once for many sheets."""
        self._tail.merges.extend(refs)

    def validate(self, validation: Validation) -> None:
        self._tail.validations.append(validation)

    def highlight_equal(self, sqref: str, formula: str, highlight: Highlight) -> None:
        """Conditional format: cells of ``sqref`` equal to ``formula`` (``"优秀"``) look like
        ``highlight``, recomputed whenever the value changes."""
        self._tail.highlights.append((sqref, formula, self.package.styles.highlight(highlight)))

    def link(self, ref: str, location: str, display: str = "") -> None:
        """A link in cell ``ref`` to a place in the workbook (``'Sheet'!A1``)."""
        self._tail.links.append((ref, location, display))

    def autofilter(self, ref: str) -> None:
        self._tail.autofilter = ref

    @property
    def filter_ref(self) -> str:
        """The range the filter buttons head, "" without a filter."""
        return self._tail.autofilter

    def protect(self) -> None:
        """Lock the cells not styled as unlocked; columns and rows may still be resized."""
        self._tail.protected = True

    def place_picture(self, picture: Picture) -> None:
        """Show a PNG on the sheet (e.g. a map on a community's form)."""
        self.pictures.append(picture)

    # ---- writing ------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        if self._stream is None:
            self._start()
        self._flush()
        self._stream.write(self._tail_xml().encode("utf-8"))
        self._stream.close()
        self._stream = None
        self._closed = True
        self.package.sheet_closed(self)

    def _check_not_started(self, what: str) -> None:
        if self._stream is not None:
            raise RuntimeError(f"{what} must be set before the first row of sheet {self.name}")

    def _start(self) -> None:
        self._stream = self.package.open_sheet_stream(self)
        self._stream.write(self._head_xml().encode("utf-8"))

    def _flush(self) -> None:
        if self._pending:
            self._stream.write("".join(self._pending).encode("utf-8"))
            self._pending = []

    def _head_xml(self) -> str:
        parts = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        ]
        if self.fit_to_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append(self._view_xml())
        parts.append('<sheetFormatPr defaultRowHeight="15"/>')
        columns = sorted(set(self.widths) | self.hidden_columns)
        if columns:
            parts.append("<cols>")
            for number in columns:
                width = self.widths.get(number, 9.140625)
                hidden = ' hidden="1"' if number in self.hidden_columns else ""
                parts.append(
                    f'<col min="{number}" max="{number}" width="{width:g}" customWidth="1"'
                    f"{hidden}/>"
                )
            parts.append("</cols>")
        parts.append("<sheetData>")
        return "".join(parts)

    def _view_xml(self) -> str:
        selected = ' tabSelected="1"' if self.index == 0 else ""
        rows, columns = self.frozen
        if not rows and not columns:
            return f'<sheetViews><sheetView{selected} workbookViewId="0"/></sheetViews>'
        top_left = f"{column_letter(columns + 1)}{rows + 1}"
        if rows and columns:
            pane = "bottomRight"
        elif rows:
            pane = "bottomLeft"
        else:
            pane = "topRight"
        split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
        return (
            f'<sheetViews><sheetView{selected} workbookViewId="0"><pane{split} '
            f'topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
            "</sheetView></sheetViews>"
        )

    def _tail_xml(self) -> str:
        tail = self._tail
        parts = ["</sheetData>"]
        if tail.protected:
            parts.append(
                '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" '
                'formatRows="0"/>'
            )
        if tail.autofilter:
            parts.append(f'<autoFilter ref="{tail.autofilter}"/>')
        if tail.merges:
            parts.append(f'<mergeCells count="{len(tail.merges)}">')
            parts.extend(f'<mergeCell ref="{ref}"/>' for ref in tail.merges)
            parts.append("</mergeCells>")
        for priority, (sqref, formula, dxf) in enumerate(tail.highlights, 1):
            parts.append(
                f'<conditionalFormatting sqref="{sqref}"><cfRule type="cellIs" dxfId="{dxf}" '
                f'priority="{priority}" operator="equal"><formula>{text(formula)}</formula>'
                "</cfRule></conditionalFormatting>"
            )
        if tail.validations:
            parts.append(f'<dataValidations count="{len(tail.validations)}">')
            parts.extend(_validation_xml(validation) for validation in tail.validations)
            parts.append("</dataValidations>")
        if tail.links:
            parts.append("<hyperlinks>")
            for ref, location, display in tail.links:
                parts.append(
                    f'<hyperlink ref="{ref}"{attribute("location", location)}'
                    f"{attribute('display', display) if display else ''}/>"
                )
            parts.append("</hyperlinks>")
        parts.append(self._print_xml())
        if self.pictures:
            parts.append('<drawing r:id="rId1"/>')
        parts.append("</worksheet>")
        return "".join(parts)

    def _print_xml(self) -> str:
        setup = self.print_setup or PrintSetup(centred=False)
        left, right, top, bottom, header, footer = setup.margins
        parts = []
        if setup.centred:
            parts.append('<printOptions horizontalCentered="1"/>')
        parts.append(
            f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" bottom="{bottom:g}" '
            f'header="{header:g}" footer="{footer:g}"/>'
        )
        orientation = "landscape" if setup.landscape else "portrait"
        fit = f' fitToWidth="1" fitToHeight="{setup.pages_tall}"' if self.fit_to_width else ""
        parts.append(f'<pageSetup paperSize="{setup.paper}" orientation="{orientation}"{fit}/>')
        if setup.footer:
            parts.append(
                f"<headerFooter><oddFooter>{text(setup.footer)}</oddFooter></headerFooter>"
            )
        return "".join(parts)


def _validation_xml(validation: Validation) -> str:
    head = f'<dataValidation type="{validation.kind}" operator="between" allowBlank="1"'
    head += ' showInputMessage="1" showErrorMessage="1"'
    for name, value in (
        ("errorTitle", validation.error_title[:32]),
        ("error", validation.error[:225]),
        ("promptTitle", validation.prompt_title[:32]),
        ("prompt", validation.prompt[:255]),
    ):
        if value:
            head += attribute(name, value)
    return (
        f'{head} sqref="{validation.sqref}"><formula1>{text(validation.minimum)}</formula1>'
        f"<formula2>{text(validation.maximum)}</formula2></dataValidation>"
    )


def _other_cell(ref: str, value: Any, style: int, strings: Dict[str, int]) -> str:
    """Cells of the less common kinds: booleans, dates and times, numpy numbers, other text."""
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (datetime.date, datetime.time)):
        return f'<c r="{ref}" s="{style}"><v>{excel_date(value)!r}</v></c>'
    if isinstance(value, str):
        value = str(value)
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>'
    number = float(value)  # numpy scalars and other numbers
    if not math.isfinite(number):
        return f'<c r="{ref}" s="{style}"/>'
    return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'


def excel_date(value: Any) -> float:
    """Days since Excel's epoch (1899-12-30), the time of day as the fraction."""
    if isinstance(value, datetime.datetime):
        delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
    elif isinstance(value, datetime.date):
        delta = datetime.datetime(value.year, value.month, value.day) - _EXCEL_EPOCH
    else:  # a time of day
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return seconds / 86400.0
    return delta.days + delta.seconds / 86400.0 + delta.microseconds / 86400e6


def picture_extent(picture: Picture) -> Tuple[int, int]:
    """The picture's size in EMU."""
    return picture.width * _EMU_PER_PIXEL, picture.height * _EMU_PER_PIXEL
