"""What every sheet of the workbook shares: the context, titles, print set-up, colours, and
the filterable list sheet the gap, deficit and project lists are made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ...errors import N_, DataError
from ...rubric import Rubric
from ..cells import Cell, Styles, grade_colours, highlight, lines_needed, row_height
from ..data import Map, WorkbookMetadata
from ..labels import ZH, label
from ..layout import EvaluationLayout, letter, quoted
from ..xlsx import Package, Picture, PrintSetup, Sheet

_TOO_MANY_ROWS = N_(
    "Sheet '{sheet}' would have {count} rows, more than an Excel sheet holds ({limit}); "
    "split the workbook by district"
)
#: Styles of cells that hold text (wrapped, so their rows grow to fit).
TEXT_STYLES = ("text", "text_centre", "value", "text_small")
TOTAL_STYLES = {"integer": "subtotal_integer", "area": "subtotal_area"}

#: Excel's last row; a longer list cannot be one sheet.
EXCEL_MAX_ROWS = 1_048_576
#: Width of an A4 landscape page between the margins, in column-width units at 100 %: list
#: sheets keep their columns within about this much so that they print legibly.
A4_LANDSCAPE_WIDTH = 150.0


@dataclass
class Context:
    """What every sheet of one workbook shares."""

    package: Package
    rubric: Rubric
    layout: EvaluationLayout
    styles: Styles
    language: str
    metadata: WorkbookMetadata
    scope: str

    def label(self, key: str, **values: Any) -> str:
        return label(key, self.language, **values)

    @property
    def bands(self) -> List[Tuple[str, float]]:
        return [(grade.name.get(self.language), grade.min_score) for grade in self.rubric.grades]

    @property
    def lowest(self) -> str:
        return self.rubric.lowest_grade.name.get(self.language)

    def titled(self, key: str) -> str:
        """A sheet title with the workbook's title (the city) in front, or after in English."""
        words = self.label(key)
        title = self.metadata.title.strip()
        if not title:
            return words
        return title + words if self.language == ZH else f"{words}: {title}"


def new_sheet(
    context: Context,
    title: str,
    widths: Sequence[float],
    freeze: Tuple[int, int] = (0, 0),
) -> Sheet:
    """A sheet with its column widths and frozen rows and columns (set before any row)."""
    sheet = context.package.sheet(title)
    sheet.set_widths(widths)
    if freeze != (0, 0):
        sheet.freeze(*freeze)
    return sheet


def print_setup(
    sheet: Sheet,
    context: Context,
    title_rows: Optional[Tuple[int, int]],
    area: str,
    landscape: bool = True,
    pages_tall: int = 0,
) -> None:
    """A4, fitted to the page width (and to ``pages_tall`` pages down, when given), the title
    rows repeated on every page, the sheet's name and page numbers in the footer."""
    sheet.print_setup = PrintSetup(
        landscape=landscape,
        pages_tall=pages_tall,
        title_rows=title_rows,
        area=area,
        footer=f"&L&9&A&C&9{context.label('footer_page')}",
    )


def height(lines: int, size: float = 10) -> float:
    """A row's height for ``lines`` of ``size``-point text; never below 18 points."""
    return max(18.0, row_height(lines, size))


def title_rows(
    sheet: Sheet, styles: Styles, title: str, subtitle: str, n_columns: int, width: float
) -> None:
    """The sheet's title and a line under it (what it shows, rubric, date), across the table."""
    blanks = [styles.blank("title")] * (n_columns - 1)
    row = sheet.append([styles.text(title, "title"), *blanks], height=30)
    sheet.merge(row, 1, row, n_columns)
    lines = lines_needed(subtitle, width * 1.1)
    row = sheet.append([styles.text(subtitle, "subtitle")], height=max(20, height(lines)))
    sheet.merge(row, 1, row, n_columns)


def grade_formatting(sheet: Sheet, context: Context, cells: str) -> None:
    """Each grade in its colour, by conditional formatting so a recomputed grade recolours."""
    for (name, _minimum), (fill, font) in zip(context.bands, grade_colours(len(context.bands))):
        sheet.highlight_equal(cells, quoted(name), highlight(fill, font, bold=True))


def text_rule(sheet: Sheet, cells: str, text: str, fill: str, font: str) -> None:
    sheet.highlight_equal(cells, quoted(text), highlight(fill, font))


def no_rows(sheet: Sheet, context: Context, n_columns: int) -> int:
    """A row saying "(none)" across the table."""
    styles = context.styles
    row = sheet.append(
        [styles.text(context.label("none_rows"), "value")]
        + [styles.blank("value")] * (n_columns - 1)
    )
    sheet.merge(row, 1, row, n_columns)
    return row


#: Pixels of a row of the default height (15 points), for placing pictures below a table.
DEFAULT_ROW_PIXELS = 20


def place_maps(sheet: Sheet, maps: Sequence[Map], first_row: int) -> int:
    """Pictures one under the other from ``first_row`` (1-based) in column A; returns the last
    row they cover, for the print area."""
    row, last = first_row, first_row - 1
    for picture in maps:
        sheet.place_picture(
            Picture(picture.png, row - 1, 0, picture.width, picture.height, picture.description)
        )
        last = row + -(-picture.height // DEFAULT_ROW_PIXELS) - 1
        row = last + 2  # a blank row between two pictures
    return last


def check_rows(n_rows: int, sheet_title: str, header_row: int) -> None:
    limit = EXCEL_MAX_ROWS - header_row
    if n_rows > limit:
        raise DataError(_TOO_MANY_ROWS, sheet=sheet_title, count=n_rows, limit=limit)


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------

LIST_HEADER_ROW = 4
LIST_FIRST_ROW = 5


@dataclass(frozen=True)
class ListColumn:
    """A column of a list sheet: its key in the row values, width, header and cell style;
    ``total`` adds a filtered total (SUBTOTAL) above the header; ``header_style`` for narrow
    columns whose headers use a smaller font."""

    key: str
    width: float
    header: str
    style: str = "text_centre"
    total: bool = False
    header_style: str = "header"


@dataclass
class ListSheet:
    """What a list sheet shows: its title and note, columns, and how a record becomes the
    values of a row (by column key; ``"no"`` is filled in)."""

    title: str
    heading: str
    note: str
    columns: Sequence[ListColumn]
    values: Callable[[Any], Dict[str, Any]]
    pages_tall: int = 0


def write_list(
    context: Context,
    spec: ListSheet,
    rows: Sequence[Any],
    after: Optional[Callable[[Sheet, Dict[str, str], int, int], None]] = None,
    should_cancel: Callable[[], None] = lambda: None,
) -> Sheet:
    """A filterable list: title, note, filtered totals, header, one row per record; the
    header repeats on every printed page."""
    columns = spec.columns
    check_rows(len(rows), spec.title, LIST_HEADER_ROW)
    n_columns = len(columns)
    widths = [column.width for column in columns]
    sheet = new_sheet(context, spec.title, widths, freeze=(LIST_HEADER_ROW, 0))
    styles = context.styles
    title_rows(sheet, styles, spec.heading, spec.note, n_columns, sum(widths))
    first, last = LIST_FIRST_ROW, LIST_FIRST_ROW + max(len(rows), 1) - 1
    column_of = {column.key: letter(number) for number, column in enumerate(columns, 1)}
    _filtered_totals(sheet, context, columns, column_of, first, last)
    header_lines = max(
        lines_needed(column.header, column.width, 8 if column.header_style != "header" else 10)
        for column in columns
    )
    sheet.append(
        [styles.text(column.header, column.header_style) for column in columns],
        height=height(header_lines),
    )
    text_columns = [
        (position, column.width, 9 if column.style == "text_small" else 10)
        for position, column in enumerate(columns)
        if column.style in TEXT_STYLES
    ]
    one_line = {width: (1.5 * (7.0 * width + 5.0) - 9.0) / 20.0 for _p, width, _s in text_columns}
    makers = [_cell_maker(styles, column) for column in columns]
    keys = [column.key for column in columns]
    for index, record in enumerate(rows, 1):
        if index % 2000 == 0:
            should_cancel()
        row_values = spec.values(record)
        row_values["no"] = index
        cells = [make(row_values.get(key)) for make, key in zip(makers, keys)]
        lines, size_of_tallest = 1, 10
        for position, width, size in text_columns:
            value = cells[position][0]
            if value is not None and len(value) > one_line[width]:  # may wrap: measure
                found = lines_needed(value, width, size)
                if found > lines:
                    lines, size_of_tallest = found, size
        sheet.append(cells, height=height(lines, size_of_tallest) if lines > 1 else None)
    if not rows:
        no_rows(sheet, context, n_columns)
    last_letter = letter(n_columns)
    sheet.autofilter(f"A{LIST_HEADER_ROW}:{last_letter}{last}")
    if after is not None and rows:
        after(sheet, column_of, first, last)
    area = f"A1:{last_letter}{sheet.row}"
    titles = (LIST_HEADER_ROW, LIST_HEADER_ROW)
    print_setup(sheet, context, titles, area, pages_tall=spec.pages_tall)
    sheet.close()
    return sheet


def _cell_maker(styles: Styles, column: ListColumn) -> Callable[[Any], Cell]:
    """How a value becomes a cell in ``column``: text as text, numbers as numbers."""
    if column.style in TEXT_STYLES:
        return lambda value, style=column.style: styles.text(value, style)
    return lambda value, style=column.style: styles.value(value, style)


def _filtered_totals(
    sheet: Sheet,
    context: Context,
    columns: Sequence[ListColumn],
    column_of: Dict[str, str],
    first: int,
    last: int,
) -> None:
    """Row 3: totals of the rows the filter shows (SUBTOTAL 109 skips hidden rows), so a
    planner filtering on one facility type reads the people lacking it at once."""
    styles = context.styles
    first_total = next((n for n, c in enumerate(columns) if c.total), None)
    if first_total is None:
        sheet.blank()
        return
    totals: List[Cell] = [styles.blank("label") for _ in columns]
    totals[0] = styles.text(context.label("filtered_total"), "label")
    for number, column in enumerate(columns):
        if column.total:
            ref = f"{column_of[column.key]}{first}:{column_of[column.key]}{last}"
            style = TOTAL_STYLES.get(column.style, "subtotal")
            totals[number] = styles.formula(f"=SUBTOTAL(109,{ref})", style)
    row = sheet.append(totals, height=20)
    sheet.merge(row, 1, row, first_total)
