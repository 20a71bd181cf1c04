"""The evaluation workbook written through openpyxl (write-only mode) or XlsxWriter
(constant_memory mode) instead of the plugin's own streaming writer, for the writer comparison
in ``bench/RESULTS.md`` (``bench/compare_writers.py``).

Each backend is a :class:`Package` with the interface of
:class:`complete_community.scoring.workbook.xlsx.Package` — sheets made in order, rows appended
as ``(value, style index)`` cells, merges, validation, conditional formats, links, filters,
protection and print set-up given before the sheet closes — so the workbook's own sheet code
runs unchanged on it and every backend writes the same cells: shared strings (openpyxl always;
XlsxWriter's constant_memory mode writes text inline, its only way to stream), the forms'
formulas, the manual cells' validation and unlocked style, print areas, titles and fitting.
Each library is used the fastest way it offers: openpyxl's styles are registered once per
style and copied onto each cell (no per-cell style lookup), XlsxWriter's formats made once.

Pictures (maps) are not supported here: the benchmark's workbook has none.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

PLUGIN_XLSX = "complete_community.scoring.workbook.xlsx"


def _column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _split_ref(cell: str) -> Tuple[int, int]:
    """``B12`` as (row 12, column 2), 1-based."""
    from xlsxwriter.utility import xl_cell_to_rowcol

    row, column = xl_cell_to_rowcol(cell)
    return row + 1, column + 1


class _Package:
    """What both backends' packages share: sheets made in order, all closed on :meth:`close`
    before the book is saved (:meth:`save`); ``sheet_class`` makes the sheets."""

    sheet_class: Any = None

    def __init__(self) -> None:
        self._sheets: List[Any] = []

    def sheet(self, name: str) -> Any:
        sheet = self.sheet_class(self, name, len(self._sheets))
        self._sheets.append(sheet)
        return sheet

    @property
    def sheet_names(self) -> List[str]:
        return [sheet.name for sheet in self._sheets]

    def close(self) -> None:
        for sheet in self._sheets:
            sheet.close()
        self.save()

    def abandon(self) -> None:
        pass


class _Sheet:
    """What both backends' sheets share."""

    row = 0
    _autofilter = ""

    def __enter__(self):
        return self

    def __exit__(self, kind, _value, _traceback):
        if kind is None:
            self.close()

    @property
    def next_row(self) -> int:
        return self.row + 1

    def blank(self, height: Optional[float] = None) -> int:
        return self.append((), height)

    @property
    def filter_ref(self) -> str:
        return self._autofilter

    def place_picture(self, picture: Any) -> None:
        raise NotImplementedError("pictures are not part of the writer comparison")


# ---------------------------------------------------------------------------------------------
# openpyxl, write-only mode
# ---------------------------------------------------------------------------------------------


class OpenpyxlStyles:
    """Style indexes as the sheets ask for them; each style made once as openpyxl objects."""

    def __init__(self, package: OpenpyxlPackage) -> None:
        self.package = package
        self._index: Dict[Any, int] = {}
        self.templates: List[Any] = []  # a styled cell per index, its StyleArray copied per cell
        self.highlights: List[Any] = []

    def index(self, style: Any) -> int:
        found = self._index.get(style)
        if found is None:
            found = self._index[style] = len(self.templates)
            self.templates.append(self._template(style))
        return found

    def highlight(self, highlight: Any) -> int:
        self.highlights.append(highlight)
        return len(self.highlights) - 1

    def _template(self, style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        font = style.font
        cell = WriteOnlyCell(self.package.template_sheet)
        cell.font = Font(
            name=font.name,
            size=font.size,
            bold=font.bold,
            italic=font.italic,
            underline="single" if font.underline else None,
            color=("FF" + font.colour) if font.colour else None,
        )
        if style.fill:
            cell.fill = PatternFill("solid", fgColor="FF" + style.fill, bgColor="FF" + style.fill)
        if style.border:
            side = Side(style="thin", color="FF" + style.border)
            cell.border = Border(left=side, right=side, top=side, bottom=side)
        alignment = style.alignment
        if alignment.horizontal or alignment.vertical or alignment.wrap:
            cell.alignment = Alignment(
                horizontal=alignment.horizontal or None,
                vertical=alignment.vertical or None,
                wrap_text=alignment.wrap or None,
            )
        cell.number_format = style.number_format
        if not style.locked:
            cell.protection = Protection(locked=False)
        if style.quote_prefix:
            cell.quotePrefix = True
        return cell._style


class OpenpyxlPackage(_Package):
    """A workbook written by openpyxl in write-only mode to ``handle`` on :meth:`close`."""

    def __init__(self, handle, default_font=None, title="", creator="", application="") -> None:
        from openpyxl import Workbook

        self.handle = handle
        self.book = Workbook(write_only=True)
        self.book.properties.title = title
        self.book.properties.creator = creator
        # A sheet the style templates hang on (a cell needs a parent); never saved.
        self.template_sheet = self.book.create_sheet("~styles")
        self.book.remove(self.template_sheet)
        self.styles = OpenpyxlStyles(self)
        super().__init__()

    def save(self) -> None:
        self.book.save(self.handle)


class OpenpyxlSheet(_Sheet):
    def __init__(self, package: OpenpyxlPackage, name: str, index: int) -> None:
        from openpyxl.formatting.formatting import ConditionalFormattingList

        self.package = package
        self.name = name
        self.index = index
        self.row = 0
        self.ws = package.book.create_sheet(name)
        if not hasattr(self.ws, "conditional_formatting"):
            self.ws.conditional_formatting = ConditionalFormattingList()
        self.fit_to_width = True
        self.print_setup: Any = None
        self.pictures: List[Any] = []
        self._started = False
        self._closed = False
        self._autofilter = ""
        self._protected = False

    def set_widths(self, widths: Sequence[float]) -> None:
        for number, width in enumerate(widths, 1):
            self.ws.column_dimensions[_column_letter(number)].width = width

    def hide_columns(self, numbers: Sequence[int]) -> None:
        for number in numbers:
            self.ws.column_dimensions[_column_letter(number)].hidden = True

    def freeze(self, rows: int, columns: int = 0) -> None:
        self.ws.freeze_panes = f"{_column_letter(columns + 1)}{rows + 1}"

    def _start(self) -> None:
        from openpyxl.worksheet.properties import PageSetupProperties

        if self.fit_to_width:
            self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self._started = True

    def append(self, cells: Sequence[Any], height: Optional[float] = None) -> int:
        from openpyxl.cell import WriteOnlyCell

        if not self._started:
            self._start()
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        templates = self.package.styles.templates
        ws = self.ws
        row: List[Any] = []
        for cell in cells:
            if cell is None:
                row.append(None)
                continue
            value, style = cell
            kind = type(value)
            if kind is float and value - value != 0.0:
                value = None
            written = WriteOnlyCell(ws, value)
            if kind is str:
                written.data_type = "s"  # data, never a formula, even when it starts with "="
            written._style = copy.copy(templates[style])
            row.append(written)
        ws.append(row)
        return self.row

    def merge(self, first_row, first_column, last_row, last_column) -> None:
        if (first_row, first_column) == (last_row, last_column):
            return
        self.merge_refs(
            [f"{_column_letter(first_column)}{first_row}:{_column_letter(last_column)}{last_row}"]
        )

    def merge_refs(self, refs: Sequence[str]) -> None:
        from openpyxl.worksheet.cell_range import CellRange

        self.ws.merged_cells.ranges.extend(CellRange(ref) for ref in refs)

    def validate(self, validation: Any) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        rule = DataValidation(
            type=validation.kind,
            operator="between",
            formula1=validation.minimum,
            formula2=validation.maximum,
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=True,
            promptTitle=validation.prompt_title[:32] or None,
            prompt=validation.prompt[:255] or None,
            errorTitle=validation.error_title[:32] or None,
            error=validation.error[:225] or None,
            sqref=validation.sqref,
        )
        self.ws.data_validations.append(rule)

    def highlight_equal(self, sqref: str, formula: str, highlight: Any) -> None:
        from openpyxl.formatting.rule import CellIsRule
        from openpyxl.styles import Font, PatternFill

        font = Font(
            color="FF" + highlight.colour if highlight.colour else None, bold=highlight.bold or None
        )
        fill = (
            PatternFill("solid", fgColor="FF" + highlight.fill, bgColor="FF" + highlight.fill)
            if highlight.fill
            else None
        )
        self.ws.conditional_formatting.add(
            sqref, CellIsRule(operator="equal", formula=[formula], font=font, fill=fill)
        )

    def link(self, ref: str, location: str, display: str = "") -> None:
        from openpyxl.worksheet.hyperlink import Hyperlink

        if not self._started:
            self._start()
        if self.ws._writer is None:
            self.ws._get_writer()  # its writer collects the sheet's links
        self.ws._hyperlinks.append(Hyperlink(ref=ref, location=location, display=display or None))

    def autofilter(self, ref: str) -> None:
        self._autofilter = ref
        self.ws.auto_filter.ref = ref

    def protect(self) -> None:
        protection = self.ws.protection
        protection.sheet = True
        protection.objects = True
        protection.scenarios = True
        protection.formatColumns = False
        protection.formatRows = False

    def close(self) -> None:
        if self._closed:
            return
        from openpyxl.worksheet.header_footer import _HeaderFooterPart, _split_string

        ws, setup = self.ws, self.print_setup
        if setup is not None:
            ws.page_setup.paperSize = setup.paper
            ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
            if self.fit_to_width:
                ws.page_setup.fitToWidth = 1
                ws.page_setup.fitToHeight = setup.pages_tall
            left, right, top, bottom, header, footer = setup.margins
            margins = ws.page_margins
            margins.left, margins.right, margins.top, margins.bottom = left, right, top, bottom
            margins.header, margins.footer = header, footer
            ws.print_options.horizontalCentered = setup.centred or None
            if setup.title_rows is not None:
                ws.print_title_rows = f"{setup.title_rows[0]}:{setup.title_rows[1]}"
            if setup.area:
                ws.print_area = setup.area
            if setup.footer:
                for position, part in _split_string(setup.footer).items():
                    if part is not None:
                        setattr(ws.oddFooter, position, _HeaderFooterPart.from_str(part))
        if not self._started:
            self._start()
        ws.close()
        self._closed = True


# ---------------------------------------------------------------------------------------------
# XlsxWriter, constant_memory mode
# ---------------------------------------------------------------------------------------------


class XlsxWriterStyles:
    def __init__(self, package: XlsxWriterPackage) -> None:
        self.package = package
        self._index: Dict[Any, int] = {}
        self.formats: List[Any] = []
        self.highlights: List[Any] = []

    def index(self, style: Any) -> int:
        found = self._index.get(style)
        if found is None:
            found = self._index[style] = len(self.formats)
            self.formats.append(self._format(style))
        return found

    def highlight(self, highlight: Any) -> int:
        properties: Dict[str, Any] = {}
        if highlight.colour:
            properties["font_color"] = "#" + highlight.colour
        if highlight.bold:
            properties["bold"] = True
        if highlight.fill:
            properties["bg_color"] = "#" + highlight.fill
        self.highlights.append(self.package.book.add_format(properties))
        return len(self.highlights) - 1

    def _format(self, style: Any) -> Any:
        font = style.font
        properties: Dict[str, Any] = {"font_name": font.name, "font_size": font.size}
        if font.bold:
            properties["bold"] = True
        if font.italic:
            properties["italic"] = True
        if font.underline:
            properties["underline"] = 1
        if font.colour:
            properties["font_color"] = "#" + font.colour
        if style.fill:
            properties["pattern"] = 1
            properties["bg_color"] = "#" + style.fill
        if style.border:
            properties["border"] = 1
            properties["border_color"] = "#" + style.border
        alignment = style.alignment
        if alignment.horizontal:
            properties["align"] = alignment.horizontal
        if alignment.vertical:
            vertical = alignment.vertical
            properties["valign"] = "vcenter" if vertical == "center" else vertical
        if alignment.wrap:
            properties["text_wrap"] = True
        if style.number_format != "General":
            properties["num_format"] = style.number_format
        if not style.locked:
            properties["locked"] = False
        if style.quote_prefix:
            properties["quote_prefix"] = True
        return self.package.book.add_format(properties)


class XlsxWriterPackage(_Package):
    """A workbook written by XlsxWriter in constant_memory mode (rows flushed as written)."""

    def __init__(self, handle, default_font=None, title="", creator="", application="") -> None:
        import xlsxwriter

        self.handle = handle
        self.book = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties({"title": title, "author": creator})
        self.styles = XlsxWriterStyles(self)
        super().__init__()

    def save(self) -> None:
        self.book.close()


class XlsxWriterSheet(_Sheet):
    def __init__(self, package: XlsxWriterPackage, name: str, index: int) -> None:
        self.package = package
        self.name = name
        self.index = index
        self.row = 0
        self.ws = package.book.add_worksheet(name)
        self.fit_to_width = True
        self.print_setup: Any = None
        self.pictures: List[Any] = []
        self._links: Dict[Tuple[int, int], Tuple[str, str]] = {}
        self._autofilter = ""
        self._closed = False

    def set_widths(self, widths: Sequence[float]) -> None:
        for number, width in enumerate(widths):
            self.ws.set_column(number, number, width)

    def hide_columns(self, numbers: Sequence[int]) -> None:
        for number in numbers:
            self.ws.set_column(number - 1, number - 1, None, None, {"hidden": True})

    def freeze(self, rows: int, columns: int = 0) -> None:
        self.ws.freeze_panes(rows, columns)

    def append(self, cells: Sequence[Any], height: Optional[float] = None) -> int:
        self.row += 1
        row = self.row - 1
        ws = self.ws
        formats = self.package.styles.formats
        if height is not None:
            ws.set_row(row, height)
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            value, style = cell
            cell_format = formats[style]
            kind = type(value)
            link = self._links.pop((row, column), None) if self._links else None
            if link is not None:
                ws.write_url(row, column, "internal:" + link[0], cell_format, link[1] or value)
            elif kind is str:
                ws.write_string(row, column, value, cell_format)
            elif kind is int or kind is float:
                if value - value == 0.0:
                    ws.write_number(row, column, value, cell_format)
                else:
                    ws.write_blank(row, column, None, cell_format)
            elif value is None:
                ws.write_blank(row, column, None, cell_format)
            elif isinstance(value, str):
                if value.startswith("="):
                    ws.write_formula(row, column, value, cell_format)
                else:
                    ws.write_string(row, column, str(value), cell_format)
            elif isinstance(value, bool):
                ws.write_boolean(row, column, value, cell_format)
            elif isinstance(value, (datetime.date, datetime.datetime)):
                ws.write_datetime(row, column, value, cell_format)
            else:
                ws.write_number(row, column, float(value), cell_format)
        return self.row

    def merge(self, first_row, first_column, last_row, last_column) -> None:
        if (first_row, first_column) == (last_row, last_column):
            return
        # The cells are written by the rows; the range only needs recording (merge_range
        # would write its first cell, which constant_memory mode no longer can).
        self.ws.merge.append([first_row - 1, first_column - 1, last_row - 1, last_column - 1])

    def merge_refs(self, refs: Sequence[str]) -> None:
        for ref in refs:
            first, last = ref.split(":")
            (first_row, first_column), (last_row, last_column) = _split_ref(first), _split_ref(last)
            self.merge(first_row, first_column, last_row, last_column)

    def validate(self, validation: Any) -> None:
        options = {
            "validate": validation.kind,
            "criteria": "between",
            "minimum": validation.minimum,
            "maximum": validation.maximum,
            "ignore_blank": True,
            "input_title": validation.prompt_title[:32],
            "input_message": validation.prompt[:255],
            "error_title": validation.error_title[:32],
            "error_message": validation.error[:225],
        }
        options = {key: value for key, value in options.items() if value != ""}
        # XlsxWriter 3.0 (Debian 12's) has no multi_range for validation: one rule per range.
        for ref in validation.sqref.split():
            first = ref.split(":")
            (r1, c1), (r2, c2) = _split_ref(first[0]), _split_ref(first[-1])
            self.ws.data_validation(r1 - 1, c1 - 1, r2 - 1, c2 - 1, dict(options))

    def highlight_equal(self, sqref: str, formula: str, highlight: Any) -> None:
        index = self.package.styles.highlight(highlight)
        cell_format = self.package.styles.highlights[index]
        first = sqref.split()[0].split(":")
        (r1, c1), (r2, c2) = _split_ref(first[0]), _split_ref(first[-1])
        self.ws.conditional_format(
            r1 - 1,
            c1 - 1,
            r2 - 1,
            c2 - 1,
            {
                "type": "cell",
                "criteria": "==",
                "value": formula,
                "format": cell_format,
                "multi_range": sqref,
            },
        )

    def link(self, ref: str, location: str, display: str = "") -> None:
        row, column = _split_ref(ref)
        self._links[(row - 1, column - 1)] = (location, display)

    def autofilter(self, ref: str) -> None:
        self._autofilter = ref
        self.ws.autofilter(ref)

    def protect(self) -> None:
        self.ws.protect("", {"format_columns": True, "format_rows": True})

    def close(self) -> None:
        if self._closed:
            return
        ws, setup = self.ws, self.print_setup
        if setup is not None:
            ws.set_paper(setup.paper)
            if setup.landscape:
                ws.set_landscape()
            else:
                ws.set_portrait()
            if self.fit_to_width:
                ws.fit_to_pages(1, setup.pages_tall)
            left, right, top, bottom, _header, footer = setup.margins
            ws.set_margins(left, right, top, bottom)
            if setup.centred:
                ws.center_horizontally()
            if setup.title_rows is not None:
                ws.repeat_rows(setup.title_rows[0] - 1, setup.title_rows[1] - 1)
            if setup.area:
                first, last = setup.area.split(":")
                (r1, c1), (r2, c2) = _split_ref(first), _split_ref(last)
                ws.print_area(r1 - 1, c1 - 1, r2 - 1, c2 - 1)
            if setup.footer:
                ws.set_footer(setup.footer, {"margin": footer})
        self._closed = True


OpenpyxlPackage.sheet_class = OpenpyxlSheet
XlsxWriterPackage.sheet_class = XlsxWriterSheet

BACKENDS = {
    "plugin": None,  # the plugin's own writer, unchanged
    "openpyxl": OpenpyxlPackage,
    "xlsxwriter": XlsxWriterPackage,
}
