"""The sheets of the evaluation workbook: summary, evaluation forms, gap list, deficits, projects,
before and after the plan, and about.

Each ``write_*`` function adds one sheet to a write-only openpyxl workbook (see :mod:`.cells`).
Formulas, not values, hold every subtotal, total and grade that a manual score changes, so a
form filled in by hand recomputes in Excel and LibreOffice, and the summary follows it; values
are written only where nothing in the workbook can change them.

This module imports openpyxl: the writer imports it only after checking openpyxl is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from ..errors import N_, DataError
from ..rubric import CommunityScore, PointResult, Rubric, community_key
from ..rubric.evaluate import STATUS_NO_DATA
from ..rubric.indicators import find_indicator
from ..rubric.rules import format_number
from .cells import STATUS_COLOURS, RowWriter, Styles, display_width, grade_colours, lines_needed
from .data import DeficitRow, GapRow, ScenarioChangeRow, ScenarioData, WorkbookMetadata
from .labels import (
    ZH,
    label,
    localized,
    method_label,
    project_label,
    status_label,
    tier_label,
)
from .layout import (
    ALL_KEYS,
    FIRST_POINT_ROW,
    HEADER_ROW,
    HIDDEN_COLUMNS,
    INFO_FIELDS,
    INFO_PAIRS,
    N_VISIBLE,
    NOTE_ROW,
    VISIBLE_COLUMNS,
    EvaluationLayout,
    column,
    column_number,
    info_cell,
    letter,
    quoted,
)
from .names import quote_sheet

_TOO_MANY_ROWS = N_(
    "Sheet '{sheet}' would have {count} rows, more than an Excel sheet holds ({limit}); "
    "split the workbook by district"
)
_TEXT_STYLES = ("text", "text_centre", "value")
_TOTAL_STYLES = {"integer": "subtotal_integer", "area": "subtotal_area"}

LINE_HEIGHT = 13.0
#: Excel's last row; a longer list cannot be one sheet.
EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class CommunityEntry:
    """A community as the workbook shows it; ``sheet`` is its evaluation sheet in this
    workbook, or None when the workbook has no sheet for it (the summary then shows values)."""

    score: CommunityScore
    key: str
    name: str
    district: str
    sheet: Optional[str]
    results: Mapping[str, PointResult]


@dataclass
class Context:
    """What every sheet of one workbook shares."""

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


# --------------------------------------------------------------------------------------------
# Common set-up
# --------------------------------------------------------------------------------------------


def _prepare(sheet: Any, widths: Sequence[float], freeze: Optional[str]) -> None:
    """Widths, frozen panes and fit-to-width A4: all before the first row is written."""
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[letter(number)].width = width
    if freeze:
        sheet.freeze_panes = freeze
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _print_setup(
    sheet: Any, context: Context, title_rows: str, area: str, landscape: bool = True
) -> None:
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.55, header=0.25)
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.print_area = area
    sheet.oddFooter.center.text = context.label("footer_page")
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.left.size = 9


def _rows(row: int) -> str:
    """Print-title rows written ``$7:$7``: LibreOffice ignores the bare ``7:7`` form."""
    return f"${row}:${row}"


def _height(lines: int) -> float:
    return max(18.0, lines * LINE_HEIGHT + 5)


def _title_rows(writer: RowWriter, title: str, subtitle: str, n_columns: int, width: float) -> None:
    """The sheet's title and a line under it (what it shows, rubric, date), across the table."""
    styles, sheet = writer.styles, writer.sheet
    row = writer.append([styles.text(sheet, title, "title")], height=30)
    writer.merge(row, 1, row, n_columns)
    lines = lines_needed(subtitle, width * 1.1)
    row = writer.append([styles.text(sheet, subtitle, "subtitle")], height=max(20, _height(lines)))
    writer.merge(row, 1, row, n_columns)


def _grade_formatting(sheet: Any, context: Context, cells: str) -> None:
    """Each grade in its colour, by conditional formatting so a recomputed grade recolours."""

    for (name, _minimum), (fill, font) in zip(context.bands, grade_colours(len(context.bands))):
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[quoted(name)],
                fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill),
                font=Font(color=font, bold=True),
            ),
        )


def _text_rule(sheet: Any, cells: str, text: str, fill: str, font: str) -> None:
    sheet.conditional_formatting.add(
        cells,
        CellIsRule(
            operator="equal",
            formula=[quoted(text)],
            fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill),
            font=Font(color=font),
        ),
    )


# --------------------------------------------------------------------------------------------
# Summary 汇总表
# --------------------------------------------------------------------------------------------

SUMMARY_HEADER_ROW = 3
SUMMARY_FIRST_ROW = 4


def summary_columns(context: Context) -> List[Tuple[str, float, str]]:
    """(key, width, header) of the summary; one column per rubric category."""
    rubric = context.rubric
    columns = [
        ("no", 5, context.label("col_no")),
        ("community_id", 11, context.label("col_community_id")),
        ("community", 18, context.label("col_community")),
        ("district", 12, context.label("col_district")),
    ]
    for category in rubric.categories:
        suffix = context.label("max_suffix", max=format_number(category.max_score))
        header = f"{category.id} {category.name.get(context.language)}{suffix}"
        columns.append(("category:" + category.id, 11, header))
    total_suffix = context.label("max_suffix", max=format_number(rubric.total))
    columns += [
        ("total", 9, context.label("col_total") + total_suffix),
        ("grade", 8, context.label("col_grade")),
        ("rank", 6, context.label("col_rank")),
        ("open", 8, context.label("col_open")),
        ("provisional", 7, context.label("col_provisional")),
    ]
    if context.layout.veto_rows:
        columns.append(("veto", 8, context.label("col_veto")))
    return columns


def write_summary(workbook: Any, title: str, context: Context, entries: Sequence[Any]) -> None:
    columns = summary_columns(context)
    keys = [key for key, _w, _h in columns]
    n_columns = len(columns)
    sheet = workbook.create_sheet(title)
    _prepare(sheet, [width for _k, width, _h in columns], freeze="E4")
    styles = context.styles
    writer = RowWriter(sheet, styles, n_columns)
    subtitle = context.label(
        "summary_subtitle",
        rubric=context.rubric.name.get(context.language),
        version=context.rubric.version,
        date=context.metadata.date_text(),
        count=len(entries),
    )
    if context.scope:
        subtitle += "　" + context.label("summary_scope", scope=context.scope)
    width = sum(width for _k, width, _h in columns)
    _title_rows(writer, context.titled("title_summary"), subtitle, n_columns, width)
    header_lines = max(lines_needed(text, width) for _k, width, text in columns)
    writer.append(
        [styles.text(sheet, text, "header") for _k, _w, text in columns],
        height=_height(header_lines),
    )
    first = SUMMARY_FIRST_ROW
    last = first + max(len(entries), 1) - 1
    column_of = {key: letter(keys.index(key) + 1) for key in keys}
    for index, entry in enumerate(entries, 1):
        row = writer.next_row
        cells = _summary_cells(sheet, context, entry, index, row, first, last, column_of, keys)
        lines = max(lines_needed(entry.name, 18), lines_needed(entry.district, 12))
        writer.append(cells, height=_height(lines) if lines > 1 else None)
    if not entries:
        writer.append(
            [styles.text(sheet, context.label("none_rows"), "value")]
            + [styles.cell(sheet, None, "value") for _ in range(n_columns - 1)]
        )
        writer.merge(first, 1, first, n_columns)
    last_letter = letter(n_columns)
    sheet.auto_filter.ref = f"A{SUMMARY_HEADER_ROW}:{last_letter}{last}"
    if entries:
        grade_cells = f"{column_of['grade']}{first}:{column_of['grade']}{last}"
        _grade_formatting(sheet, context, grade_cells)
        provisional = f"{column_of['provisional']}{first}:{column_of['provisional']}{last}"
        _text_rule(sheet, provisional, context.label("yes"), "FCE4D6", "833C0B")
        if "veto" in column_of:
            veto = f"{column_of['veto']}{first}:{column_of['veto']}{last}"
            _text_rule(sheet, veto, context.label("yes"), "FFC7CE", "9C0006")
        _summary_statistics(writer, context, column_of, first, last)
    writer.finish()
    _print_setup(
        sheet,
        context,
        title_rows=_rows(SUMMARY_HEADER_ROW),
        area=f"A1:{last_letter}{writer.row}",
    )


def _summary_cells(
    sheet: Any,
    context: Context,
    entry: CommunityEntry,
    index: int,
    row: int,
    first: int,
    last: int,
    column_of: Dict[str, str],
    keys: Sequence[str],
) -> List[Any]:
    styles, layout, score = context.styles, context.layout, entry.score
    linked = entry.sheet is not None
    ref = quote_sheet(entry.sheet) + "!" if entry.sheet is not None else ""
    cells: Dict[str, Any] = {
        "no": styles.cell(sheet, index, "general"),
        "community_id": styles.text(sheet, entry.key, "text_centre"),
        "district": styles.text(sheet, entry.district, "text_centre"),
    }
    name = styles.text(sheet, entry.name, "link" if linked else "value")
    if linked:
        name.hyperlink = Hyperlink(ref="", location=f"{ref}A1", display=entry.name)
    cells["community"] = name
    for category, span in zip(context.rubric.categories, layout.categories):
        key = "category:" + category.id
        if linked:
            cells[key] = styles.formula(sheet, f"={ref}{layout.category_cell(span)}", "score")
        else:
            subtotal = score.category_subtotal(category.id).score
            cells[key] = styles.number(sheet, subtotal, "score")
    total = f"{column_of['total']}{row}"
    open_cell = f"{column_of['open']}{row}"
    if linked:
        cells["total"] = styles.formula(sheet, f"={ref}{layout.total_cell}", "subtotal")
        cells["grade"] = styles.formula(sheet, f"={ref}{layout.grade_cell}", "general")
        cells["open"] = styles.formula(sheet, f"={ref}{info_cell('open')}", "general")
    else:
        cells["total"] = styles.number(sheet, score.total, "subtotal")
        cells["grade"] = styles.text(sheet, score.grade.name.get(context.language), "general")
        cells["open"] = styles.number(sheet, score.n_open, "general")
    total_column = column_of["total"]
    cells["rank"] = styles.formula(
        sheet, f"=RANK({total},${total_column}${first}:${total_column}${last})", "general"
    )
    yes, no = context.label("yes"), context.label("no")
    cells["provisional"] = styles.formula(sheet, f'=IF({open_cell}>0,"{yes}","{no}")', "general")
    if "veto" in column_of:
        if linked:
            condition = layout.veto_condition(prefix=ref)
            cells["veto"] = styles.formula(sheet, f'=IF({condition},"{yes}","")', "general")
        else:
            cells["veto"] = styles.text(sheet, yes if score.vetoed_by else "", "general")
    return [cells[key] for key in keys]


def _summary_statistics(
    writer: RowWriter, context: Context, column_of: Dict[str, str], first: int, last: int
) -> None:
    """Mean total and communities per grade below the table, as formulas that follow edits."""
    sheet, styles = writer.sheet, writer.styles
    writer.blank()
    rows: List[Tuple[str, str, str]] = []
    total_range = f"{column_of['total']}{first}:{column_of['total']}{last}"
    grade_range = f"{column_of['grade']}{first}:{column_of['grade']}{last}"
    provisional_range = f"{column_of['provisional']}{first}:{column_of['provisional']}{last}"
    rows.append((context.label("stat_mean"), f"=AVERAGE({total_range})", "stat"))
    for name, minimum in context.bands:
        rows.append(
            (
                context.label("stat_grade_count", grade=name, min=format_number(minimum)),
                f"=COUNTIF({grade_range},{quoted(name)})",
                "general",
            )
        )
    rows.append(
        (
            context.label("stat_provisional"),
            f'=COUNTIF({provisional_range},"{context.label("yes")}")',
            "general",
        )
    )
    heading = writer.append(
        [None, styles.text(sheet, context.label("stat_heading"), "header")]
        + [styles.cell(sheet, None, "header") for _ in range(3)]
    )
    writer.merge(heading, 2, heading, 5)
    for text, formula, style in rows:
        row = writer.append(
            [
                None,
                styles.text(sheet, text, "stat_label"),
                styles.cell(sheet, None, "stat_label"),
                styles.cell(sheet, None, "stat_label"),
                styles.formula(sheet, formula, style),
            ]
        )
        writer.merge(row, 2, row, 4)


# --------------------------------------------------------------------------------------------
# Evaluation sheet 评价表
# --------------------------------------------------------------------------------------------


def write_evaluation(workbook: Any, context: Context, entry: CommunityEntry) -> None:
    assert entry.sheet is not None
    sheet = workbook.create_sheet(entry.sheet)
    widths = [width for _k, width, _l in VISIBLE_COLUMNS] + [12] * len(HIDDEN_COLUMNS)
    _prepare(sheet, widths, freeze=f"A{FIRST_POINT_ROW}")
    for key in HIDDEN_COLUMNS:
        sheet.column_dimensions[column(key)].hidden = True
    writer = RowWriter(sheet, context.styles, N_VISIBLE)
    layout = context.layout
    _evaluation_header(writer, context, entry)
    heights = _point_heights(context, entry)
    for place in context.rubric.places():
        _point_row(writer, context, entry, place, heights[place.point.id])
    _evaluation_footer(writer, context)
    _manual_validation(sheet, context)
    grade_cells = f"{layout.grade_cell} {info_cell('grade')}"
    _grade_formatting(sheet, context, grade_cells)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    writer.finish()
    _print_setup(
        sheet,
        context,
        title_rows=_rows(HEADER_ROW),
        area=f"A1:{letter(N_VISIBLE)}{layout.grade_row}",
    )


_INFO_FORMULAS = ("result", "total", "grade", "open", "veto")
_INFO_LABELS = {
    "community": "eval_community",
    "district": "eval_district",
    "community_id": "eval_community_id",
    "rubric": "eval_rubric",
    "date": "eval_date",
    "result": "eval_result",
    "total": "eval_total",
    "grade": "eval_grade",
    "open": "eval_open",
    "assessor": "eval_assessor",
    "score_date": "eval_score_date",
    "veto": "col_veto",
}


def _evaluation_header(writer: RowWriter, context: Context, entry: CommunityEntry) -> None:
    sheet, styles = writer.sheet, writer.styles
    if context.language == ZH:
        title = f"{entry.name}{context.label('title_evaluation')}"
    else:
        title = f"{context.label('title_evaluation')}: {entry.name}"
    row = writer.append([styles.text(sheet, title, "title")], height=30)
    writer.merge(row, 1, row, N_VISIBLE)
    values = _header_values(context, entry)
    for info_row in (2, 3, 4, 5):
        writer.append(_info_cells(writer, context, values, info_row), height=22)
    note = context.label("eval_note")
    total_width = sum(width for _k, width, _l in VISIBLE_COLUMNS)
    writer.append(
        [styles.text(sheet, note, "note")], height=_height(lines_needed(note, total_width * 1.1))
    )
    writer.merge(NOTE_ROW, 1, NOTE_ROW, N_VISIBLE)
    header = [styles.text(sheet, context.label(key), "header") for _k, _w, key in VISIBLE_COLUMNS]
    header += [styles.text(sheet, key, "hidden") for key in HIDDEN_COLUMNS]
    writer.append(header, height=30)


def _info_cells(
    writer: RowWriter, context: Context, values: Dict[str, Tuple[Any, str]], info_row: int
) -> List[Any]:
    """One row of the header block: label and value pairs, merged, with their borders."""
    sheet, styles = writer.sheet, writer.styles
    cells: List[Any] = [None] * (N_VISIBLE + len(HIDDEN_COLUMNS))
    for field, (field_row, pair) in INFO_FIELDS.items():
        if field_row != info_row:
            continue
        label_first, label_last, value_first, value_last = INFO_PAIRS[pair]
        style = values[field][1] if field in values else "value"
        for number in range(label_first, label_last + 1):
            cells[number - 1] = styles.cell(sheet, None, "label")
        for number in range(value_first, value_last + 1):
            cells[number - 1] = styles.cell(sheet, None, style)
        writer.merge(info_row, label_first, info_row, label_last)
        writer.merge(info_row, value_first, info_row, value_last)
        if field not in values:  # the veto field of a rubric without veto points
            continue
        value = values[field][0]
        cells[label_first - 1] = styles.text(sheet, context.label(_INFO_LABELS[field]), "label")
        if field in _INFO_FORMULAS:
            cells[value_first - 1] = styles.formula(sheet, value, style)
        elif style == "input_date":
            cells[value_first - 1] = styles.value(sheet, value, style)
        else:
            cells[value_first - 1] = styles.text(sheet, value, style)
    return cells


def _header_values(context: Context, entry: CommunityEntry) -> Dict[str, Tuple[Any, str]]:
    """The header block's values (or formulas) and styles, by field of ``INFO_FIELDS``."""
    layout = context.layout
    open_cell = info_cell("open")
    yes, no = context.label("yes"), context.label("no")
    assessor, score_date = _assessor_and_date(entry)
    values: Dict[str, Tuple[Any, str]] = {
        "community": (entry.name, "value_bold"),
        "district": (entry.district, "value"),
        "community_id": (entry.key, "value"),
        "rubric": (
            context.label(
                "rubric_version",
                name=context.rubric.name.get(context.language),
                version=context.rubric.version,
            ),
            "value",
        ),
        "date": (context.metadata.date_text(), "value"),
        "result": (
            "="
            + f'IF({open_cell}>0,"{context.label("eval_provisional")}",'
            + f'"{context.label("eval_final")}")',
            "value_bold",
        ),
        "total": (f"={layout.total_cell}", "value_score"),
        "grade": (f"={layout.grade_cell}", "value_bold"),
        "open": (layout.open_formula(), "value_bold"),
        "assessor": (assessor, "input"),
        "score_date": (score_date, "input_date"),
    }
    if layout.veto_rows:
        values["veto"] = (f'=IF({layout.veto_condition()},"{yes}","{no}")', "value_bold")
    return values


def _assessor_and_date(entry: CommunityEntry) -> Tuple[str, Any]:
    """The assessor and date of the manual scores already given, to show them again."""
    for result in entry.results.values():
        if result.method == "manual" and (result.assessor or result.date):
            return result.assessor, _as_date(result.date)
    return "", None


def _as_date(text: str) -> Any:
    import datetime

    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return text


def _group_text(identifier: str, name: str, maximum: float, context: Context) -> str:
    suffix = context.label("max_suffix", max=format_number(maximum))
    return f"{identifier} {name}\n{suffix.strip()}"


def _point_heights(context: Context, entry: CommunityEntry) -> Dict[str, float]:
    """Row heights that show every wrapped text, items and categories included."""
    widths = {key: width for key, width, _l in VISIBLE_COLUMNS}
    lines: Dict[str, int] = {}
    for place in context.rubric.places():
        point = place.point
        result = entry.results[point.id]
        texts = (
            (point.text.get(context.language), widths["point"]),
            (point.evidence.get(context.language), widths["evidence"]),
            (_notes(context, result), widths["notes"]),
            (_method_text(context, place.point), widths["method"]),
        )
        lines[point.id] = max(lines_needed(text, width) for text, width in texts)
    heights = {point_id: _height(count) for point_id, count in lines.items()}
    for category in context.rubric.categories:
        text = _group_text(
            category.id, category.name.get(context.language), category.max_score, context
        )
        _stretch(
            heights, [p.id for i in category.items for p in i.points], text, widths["category"]
        )
        for item in category.items:
            text = _group_text(item.id, item.name.get(context.language), item.max_score, context)
            _stretch(heights, [p.id for p in item.points], text, widths["item"])
    return heights


def _stretch(heights: Dict[str, float], point_ids: List[str], text: str, width: float) -> None:
    """Make the rows of a merged cell tall enough for its text, adding to the last row."""
    needed = _height(lines_needed(text, width))
    have = sum(heights[point_id] for point_id in point_ids)
    if needed > have:
        heights[point_ids[-1]] += needed - have


def _method_text(context: Context, point: Any) -> str:
    text = method_label(point.method, context.language)
    return text + context.label("veto_suffix") if point.veto else text


def _notes(context: Context, result: PointResult) -> str:
    if result.method == "manual":
        return result.evidence
    if result.status == STATUS_NO_DATA:
        return context.label("no_data", indicator=result.indicator)
    return ""


def _indicator_style(indicator: str) -> str:
    found = find_indicator(indicator)
    unit = found[0].unit if found else ""
    if unit.startswith("share"):
        return "percent"
    if unit == "1/0":
        return "yes_no"
    if unit == "m²":
        return "area"
    if unit in ("people", "facilities", "types", "projects"):
        return "integer"
    return "general"


def _group_cells(writer: RowWriter, context: Context, place: Any, row: int) -> Dict[str, Any]:
    """Category and item names and subtotal formulas on the first row of each, merged down
    over their points; styled blanks under the merge on the other rows."""
    sheet, styles, layout = writer.sheet, writer.styles, context.layout
    cells: Dict[str, Any] = {}
    for level, group, spans, formula in (
        ("category", place.category, layout.categories, layout.category_formula),
        ("item", place.item, layout.items, layout.item_formula),
    ):
        span = next(span for span in spans if span.id == group.id)
        subtotal = level + "_score"
        if row != span.first:
            cells[level] = styles.cell(sheet, None, "group")
            cells[subtotal] = styles.cell(sheet, None, "subtotal")
            continue
        name = group.name.get(context.language)
        text = _group_text(group.id, name, group.max_score, context)
        cells[level] = styles.text(sheet, text, "group")
        cells[subtotal] = styles.formula(sheet, formula(span), "subtotal")
        for key in (level, subtotal):
            writer.merge(row, column_number(key), span.last, column_number(key))
    return cells


def _point_row(
    writer: RowWriter, context: Context, entry: CommunityEntry, place: Any, height: float
) -> None:
    """One scoring point: what it asks, its score (a yellow input for a manual point), how it
    is scored, the indicator value, and the hidden ids the reader matches on."""
    sheet, styles, language = writer.sheet, writer.styles, context.language
    point = place.point
    result = entry.results[point.id]
    manual = point.is_manual
    cells = _group_cells(writer, context, place, context.layout.point_rows[point.id])
    cells["point_no"] = styles.text(sheet, point.id, "text_centre")
    cells["point"] = styles.text(sheet, point.text.get(language), "text")
    cells["max"] = styles.number(sheet, point.max_score, "general")
    cells["score"] = styles.number(sheet, result.score, "score_input" if manual else "score")
    cells["method"] = styles.text(sheet, _method_text(context, point), "text_centre")
    indicator_style = _indicator_style(point.indicator)
    cells["indicator"] = styles.number(sheet, result.indicator_value, indicator_style)
    cells["evidence"] = styles.text(sheet, point.evidence.get(language), "text")
    notes_style = "notes_input" if manual else "text"
    cells["notes"] = styles.text(sheet, _notes(context, result), notes_style)
    cells["community_id"] = styles.text(sheet, entry.key, "hidden")
    cells["point_id"] = styles.text(sheet, point.id, "hidden")
    cells["point_method"] = styles.text(sheet, point.method, "hidden")
    cells["written_score"] = styles.number(sheet, None if manual else result.score, "hidden")
    writer.append([cells[key] for key in ALL_KEYS], height=height)


def _evaluation_footer(writer: RowWriter, context: Context) -> None:
    sheet, styles, layout = writer.sheet, writer.styles, context.layout
    max_column, score_column = column_number("max"), column_number("score")

    def blank_row(style: str) -> List[Any]:
        return [styles.cell(sheet, None, style) for _ in range(N_VISIBLE)]

    cells = blank_row("total_label")
    cells[0] = styles.text(sheet, context.label("row_total"), "total_label")
    cells[max_column - 1] = styles.formula(sheet, layout.max_total_formula(), "total")
    cells[score_column - 1] = styles.formula(sheet, layout.total_formula(), "total")
    row = writer.append(cells, height=24)
    writer.merge(row, 1, row, max_column - 1)
    writer.merge(row, score_column + 1, row, N_VISIBLE)
    cells = blank_row("total_label")
    cells[0] = styles.text(sheet, context.label("row_grade"), "total_label")
    cells[max_column - 1] = styles.formula(
        sheet, layout.grade_formula(context.bands, context.lowest), "total"
    )
    cells[score_column - 1] = styles.cell(sheet, None, "total")
    open_cell = info_cell("open")
    prefix, suffix = context.label("provisional_prefix"), context.label("provisional_suffix")
    cells[score_column] = styles.formula(
        sheet, f'=IF({open_cell}>0,"{prefix}"&{open_cell}&"{suffix}","")', "total_label"
    )
    row = writer.append(cells, height=24)
    writer.merge(row, 1, row, max_column - 1)
    writer.merge(row, max_column, row, score_column)
    writer.merge(row, score_column + 1, row, N_VISIBLE)


def _manual_validation(sheet: Any, context: Context) -> None:
    """Manual score cells accept a number from 0 to the point's maximum, one rule per maximum."""
    by_max: Dict[float, List[str]] = {}
    for place in context.rubric.places():
        if place.point.is_manual:
            row = context.layout.point_rows[place.point.id]
            by_max.setdefault(place.point.max_score, []).append(f"{column('score')}{row}")
    for maximum, cells in sorted(by_max.items()):
        shown = format_number(maximum)
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=shown,
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle=context.label("validation_title"),
            error=context.label("validation_error", max=shown),
            promptTitle=context.label("validation_title"),
            prompt=context.label("validation_prompt", max=shown),
        )
        validation.sqref = _multi_range(cells)
        sheet.data_validations.append(validation)


def _multi_range(cells: List[str]) -> Any:
    return MultiCellRange(" ".join(cells))


# --------------------------------------------------------------------------------------------
# Lists: gaps 短板清单, deficits 配置缺口, projects 项目库
# --------------------------------------------------------------------------------------------

LIST_HEADER_ROW = 4
LIST_FIRST_ROW = 5


@dataclass(frozen=True)
class ListColumn:
    key: str
    width: float
    header: str
    style: str = "text_centre"
    total: bool = False  # a filtered total (SUBTOTAL) above the header


def _check_rows(n_rows: int, sheet_title: str) -> None:
    limit = EXCEL_MAX_ROWS - LIST_HEADER_ROW
    if n_rows > limit:
        raise DataError(_TOO_MANY_ROWS, sheet=sheet_title, count=n_rows, limit=limit)


def _write_list(
    workbook: Any,
    title: str,
    context: Context,
    heading: str,
    note: str,
    columns: Sequence[ListColumn],
    rows: Sequence[Any],
    values: Callable[[Any], Dict[str, Any]],
    after: Optional[Callable[[Any, Dict[str, str], int, int], None]] = None,
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """A filterable list: title, note, filtered totals, header, one row per record."""
    _check_rows(len(rows), title)
    n_columns = len(columns)
    sheet = workbook.create_sheet(title)
    _prepare(sheet, [c.width for c in columns], freeze=f"A{LIST_FIRST_ROW}")
    styles = context.styles
    writer = RowWriter(sheet, styles, n_columns)
    _title_rows(writer, heading, note, n_columns, sum(c.width for c in columns))
    first, last = LIST_FIRST_ROW, LIST_FIRST_ROW + max(len(rows), 1) - 1
    column_of = {c.key: letter(number) for number, c in enumerate(columns, 1)}
    _filtered_totals(writer, context, columns, column_of, first, last)
    header = [styles.text(sheet, c.header, "header") for c in columns]
    writer.append(header, height=_height(max(lines_needed(c.header, c.width) for c in columns)))
    for index, record in enumerate(rows, 1):
        if index % 5000 == 0:
            should_cancel()
        row_values = values(record)
        row_values["no"] = index
        cells = []
        lines = 1
        for item in columns:
            value = row_values.get(item.key)
            if item.style in _TEXT_STYLES:
                cells.append(styles.text(sheet, value, item.style))
                lines = max(lines, lines_needed("" if value is None else str(value), item.width))
            else:
                cells.append(styles.value(sheet, value, item.style))
        writer.append(cells, height=_height(lines) if lines > 1 else None)
    if not rows:
        cells = [styles.text(sheet, context.label("none_rows"), "value")]
        cells += [styles.cell(sheet, None, "value") for _ in range(n_columns - 1)]
        writer.append(cells)
        writer.merge(first, 1, first, n_columns)
    last_letter = letter(n_columns)
    sheet.auto_filter.ref = f"A{LIST_HEADER_ROW}:{last_letter}{last}"
    if after is not None and rows:
        after(sheet, column_of, first, last)
    writer.finish()
    _print_setup(
        sheet,
        context,
        title_rows=_rows(LIST_HEADER_ROW),
        area=f"A1:{last_letter}{writer.row}",
    )


def _filtered_totals(
    writer: RowWriter,
    context: Context,
    columns: Sequence[ListColumn],
    column_of: Dict[str, str],
    first: int,
    last: int,
) -> None:
    """Row 3: totals of the rows the filter shows (SUBTOTAL 109 skips hidden rows), so a
    planner filtering one facility type reads its people affected at once."""
    sheet, styles = writer.sheet, writer.styles
    first_total = next((n for n, c in enumerate(columns) if c.total), None)
    if first_total is None:
        writer.blank()
        return
    totals: List[Any] = [styles.cell(sheet, None, "label") for _ in columns]
    totals[0] = styles.text(sheet, context.label("filtered_total"), "label")
    for number, item in enumerate(columns):
        if item.total:
            ref = f"{column_of[item.key]}{first}:{column_of[item.key]}{last}"
            style = _TOTAL_STYLES.get(item.style, "subtotal")
            totals[number] = styles.formula(sheet, f"=SUBTOTAL(109,{ref})", style)
    row = writer.append(totals, height=20)
    writer.merge(row, 1, row, first_total)


def write_gaps(
    workbook: Any,
    title: str,
    context: Context,
    rows: Sequence[GapRow],
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """短板清单: per compound and facility type the nearest distance, radius, people affected.

    ``community_of`` gives a community id's (name, district).
    """
    c = context.label
    columns = [
        ListColumn("no", 5, c("col_no"), "general"),
        ListColumn("district", 10, c("col_district")),
        ListColumn("community", 14, c("col_community")),
        ListColumn("unit_id", 10, c("col_unit_id")),
        ListColumn("unit_name", 16, c("col_unit_name")),
        ListColumn("type", 16, c("col_type")),
        ListColumn("type_code", 14, c("col_type_code")),
        ListColumn("distance", 12, c("col_distance"), "integer"),
        ListColumn("radius", 12, c("col_radius"), "integer"),
        ListColumn("covered", 8, c("col_covered")),
        ListColumn("affected", 11, c("col_affected"), "integer", total=True),
        ListColumn("remark", 18, c("col_remark"), "text"),
    ]
    unreachable = c("unreachable")

    def values(row: GapRow) -> Dict[str, Any]:
        name, district = community_of(row.community_id)
        remark = row.remark or ("" if row.distance_m is not None else unreachable)
        return {
            "district": row.district or district,
            "community": row.community_name or name,
            "unit_id": _id_text(row.unit_id),
            "unit_name": row.unit_name,
            "type": localized(row.type_name, context.language),
            "type_code": row.type_code,
            "distance": row.distance_m,
            "radius": row.radius_m,
            "covered": c("yes") if row.covered else c("no"),
            "affected": 0 if row.covered else row.population,
            "remark": remark,
        }

    def after(sheet: Any, column_of: Dict[str, str], first: int, last: int) -> None:
        cells = f"{column_of['covered']}{first}:{column_of['covered']}{last}"
        _text_rule(sheet, cells, c("no"), "FFC7CE", "9C0006")

    _write_list(
        workbook,
        title,
        context,
        context.titled("title_gaps"),
        c("gaps_note"),
        columns,
        rows,
        values,
        after,
        should_cancel,
    )


def write_deficits(
    workbook: Any,
    title: str,
    context: Context,
    rows: Sequence[DeficitRow],
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """配置缺口: per unit and facility type, required vs existing vs deficit."""
    c = context.label
    columns = [
        ListColumn("no", 5, c("col_no"), "general"),
        ListColumn("district", 10, c("col_district")),
        ListColumn("tier", 6, c("col_tier")),
        ListColumn("unit_id", 10, c("col_unit")),
        ListColumn("unit_name", 14, c("col_unit_label")),
        ListColumn("type", 16, c("col_type")),
        ListColumn("type_code", 14, c("col_type_code")),
        ListColumn("required_count", 8, c("col_required_count"), "integer"),
        ListColumn("existing_count", 8, c("col_existing_count"), "integer"),
        ListColumn("deficit_count", 8, c("col_deficit_count"), "integer", total=True),
        ListColumn("required_floor", 11, c("col_required_floor"), "area"),
        ListColumn("existing_floor", 11, c("col_existing_floor"), "area"),
        ListColumn("deficit_floor", 11, c("col_deficit_floor"), "area", total=True),
        ListColumn("required_land", 11, c("col_required_land"), "area"),
        ListColumn("existing_land", 11, c("col_existing_land"), "area"),
        ListColumn("deficit_land", 11, c("col_deficit_land"), "area", total=True),
        ListColumn("status", 10, c("col_status")),
    ]

    def values(row: DeficitRow) -> Dict[str, Any]:
        _name, district = community_of(row.community_id)
        return {
            "district": row.district or district,
            "tier": tier_label(row.tier, context.language),
            "unit_id": _id_text(row.unit_id),
            "unit_name": row.unit_name,
            "type": localized(row.type_name, context.language),
            "type_code": row.type_code,
            "required_count": row.required_count,
            "existing_count": row.existing_count,
            "deficit_count": row.deficit_count,
            "required_floor": row.required_floor_area,
            "existing_floor": row.existing_floor_area,
            "deficit_floor": row.deficit_floor_area,
            "required_land": row.required_land_area,
            "existing_land": row.existing_land_area,
            "deficit_land": row.deficit_land_area,
            "status": status_label(row.status, context.language),
        }

    def after(sheet: Any, column_of: Dict[str, str], first: int, last: int) -> None:
        cells = f"{column_of['status']}{first}:{column_of['status']}{last}"
        for status, (fill, font) in STATUS_COLOURS.items():
            _text_rule(sheet, cells, status_label(status, context.language), fill, font)

    _write_list(
        workbook,
        title,
        context,
        context.titled("title_deficits"),
        c("deficits_note"),
        columns,
        rows,
        values,
        after,
        should_cancel,
    )


def write_projects(
    workbook: Any, title: str, context: Context, rows: Sequence[Mapping[str, Any]]
) -> None:
    """项目库: one row per project, its keys as columns (known keys in words); values keep
    their types (years, money, dates)."""
    keys: List[str] = []
    for row in rows:
        for key in row:
            if str(key) not in keys:
                keys.append(str(key))
    columns = [ListColumn("no", 5, context.label("col_no"), "general")]
    for key in keys:
        header = project_label(key, context.language)
        sample = [display_width(str(row.get(key, "") or "")) for row in rows[:200]]
        width = max([*sample, display_width(header)]) + 2
        columns.append(ListColumn(key, min(max(width, 8), 36), header, "typed"))

    def values(row: Mapping[str, Any]) -> Dict[str, Any]:
        return {str(key): value for key, value in row.items()}

    note = context.label("projects_note", count=len(rows))
    _write_list(
        workbook, title, context, context.titled("title_projects"), note, columns, rows, values
    )


def _id_text(value: Any) -> str:
    return community_key(value)


# --------------------------------------------------------------------------------------------
# Before and after the plan 规划前后对比
# --------------------------------------------------------------------------------------------

#: Columns (key, label key, style, width) of the three tables of the scenario sheet.
_TYPE_COLUMNS = (
    ("no", "col_no", "general", 5),
    ("type", "col_type", "text_centre", 16),
    ("type_code", "col_type_code", "text_centre", 13),
    ("radius", "col_radius", "integer", 10),
    ("projects", "col_projects_added", "integer", 9),
    ("units_before", "col_units_before", "integer", 13),
    ("units_after", "col_units_after", "integer", 13),
    ("gaps_closed", "col_gaps_closed", "integer", 10),
    ("pop_before", "col_pop_before", "integer", 12),
    ("pop_after", "col_pop_after", "integer", 12),
    ("pop_gain", "col_pop_gain", "integer", 12),
    ("share_before", "col_share_before", "percent", 10),
    ("share_after", "col_share_after", "percent", 10),
)
_SCORE_COLUMNS = (
    ("no", "col_no", "general", 5),
    ("community_id", "col_community_id", "text_centre", 11),
    ("community", "col_community", "text_centre", 16),
    ("district", "col_district", "text_centre", 12),
    ("total_before", "col_total_before", "score", 10),
    ("total_after", "col_total_after", "score", 10),
    ("change", "col_total_change", "score", 10),
    ("grade_before", "col_grade_before", "general", 10),
    ("grade_after", "col_grade_after", "general", 10),
)
_CHANGE_COLUMNS = (
    ("no", "col_no", "general", 5),
    ("district", "col_district", "text_centre", 10),
    ("community", "col_community", "text_centre", 14),
    ("unit_id", "col_unit_id", "text_centre", 10),
    ("unit_name", "col_unit_name", "text_centre", 14),
    ("type", "col_type", "text_centre", 16),
    ("distance_before", "col_distance_before", "integer", 13),
    ("distance_after", "col_distance_after", "integer", 13),
    ("radius", "col_radius", "integer", 10),
    ("gap_closed", "col_gap_closed", "text_centre", 9),
    ("population", "col_population", "integer", 10),
)
_SCENARIO_WIDTHS = [
    max(table[n][3] for table in (_TYPE_COLUMNS, _SCORE_COLUMNS, _CHANGE_COLUMNS) if n < len(table))
    for n in range(len(_TYPE_COLUMNS))
]


def write_scenario(
    workbook: Any,
    title: str,
    context: Context,
    scenario: ScenarioData,
    entries: Sequence[CommunityEntry],
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """规划前后对比: coverage per facility type before and after the plan, the communities'
    scores before and after (when scored again), and the compounds the plan brings nearer.

    The tables are stacked, the short ones first; the compound list, the long one, comes last
    and has the sheet's filter. ``entries`` are the communities of this workbook (their scores
    before); ``community_of`` gives a community id's (name, district).
    """
    changes = list(scenario.changes)
    _check_rows(len(changes) + len(scenario.types) + len(entries) + 20, title)
    n_columns = len(_SCENARIO_WIDTHS)
    sheet = workbook.create_sheet(title)
    _prepare(sheet, _SCENARIO_WIDTHS, freeze="A3")
    styles = context.styles
    writer = RowWriter(sheet, styles, n_columns)
    _title_rows(
        writer, context.titled("title_scenario"), context.label("scenario_note"), n_columns,
        sum(_SCENARIO_WIDTHS),
    )  # fmt: skip
    heading = "scenario_types_whole" if context.scope else "scenario_types"
    _scenario_types(writer, context, scenario, heading)
    number = 2
    if scenario.scores_after is not None:
        _scenario_scores(writer, context, scenario.scores_after, entries)
        number = 3
    _scenario_changes(writer, context, changes, number, community_of, should_cancel)
    writer.finish()
    _print_setup(sheet, context, title_rows="", area=f"A1:{letter(n_columns)}{writer.row}")


def _section(writer: RowWriter, context: Context, text: str, columns: Sequence[Any]) -> int:
    """A blank row, the section's heading across its table, and the table's header; returns
    the header's row."""
    sheet, styles = writer.sheet, writer.styles
    writer.blank()
    row = writer.append(
        [styles.text(sheet, text, "stat_label")]
        + [styles.cell(sheet, None, "stat_label") for _ in columns[1:]],
        height=20,
    )
    writer.merge(row, 1, row, len(columns))
    headers = [context.label(label_key) for _k, label_key, _s, _w in columns]
    widths = _SCENARIO_WIDTHS[: len(columns)]
    lines = max(lines_needed(text, width) for text, width in zip(headers, widths))
    return writer.append(
        [styles.text(sheet, text, "header") for text in headers], height=_height(lines)
    )


def _table_row(writer: RowWriter, columns: Sequence[Any], values: Dict[str, Any]) -> int:
    sheet, styles = writer.sheet, writer.styles
    cells = []
    lines = 1
    for n, (key, _label, style, _width) in enumerate(columns):
        value = values.get(key)
        if style in _TEXT_STYLES:
            cells.append(styles.text(sheet, value, style))
            text = "" if value is None else str(value)
            lines = max(lines, lines_needed(text, _SCENARIO_WIDTHS[n]))
        else:
            cells.append(styles.value(sheet, value, style))
    return writer.append(cells, height=_height(lines) if lines > 1 else None)


def _no_rows(writer: RowWriter, context: Context, n_columns: int) -> None:
    sheet, styles = writer.sheet, writer.styles
    row = writer.append(
        [styles.text(sheet, context.label("none_rows"), "value")]
        + [styles.cell(sheet, None, "value") for _ in range(n_columns - 1)]
    )
    writer.merge(row, 1, row, n_columns)


def _scenario_types(
    writer: RowWriter, context: Context, scenario: ScenarioData, heading: str
) -> None:
    _section(writer, context, context.label(heading), _TYPE_COLUMNS)
    for index, row in enumerate(scenario.types, 1):
        values = {
            "no": index,
            "type": localized(row.type_name, context.language),
            "type_code": row.type_code,
            "radius": row.radius_m,
            "projects": row.projects,
            "units_before": row.units_covered_before,
            "units_after": row.units_covered_after,
            "gaps_closed": row.units_covered_after - row.units_covered_before,
            "pop_before": row.population_covered_before,
            "pop_after": row.population_covered_after,
            "pop_gain": row.population_gained,
            "share_before": row.share_before,
            "share_after": row.share_after,
        }
        _table_row(writer, _TYPE_COLUMNS, values)
    if not scenario.types:
        _no_rows(writer, context, len(_TYPE_COLUMNS))


def _scenario_scores(
    writer: RowWriter,
    context: Context,
    scores_after: Sequence[CommunityScore],
    entries: Sequence[CommunityEntry],
) -> None:
    """The score change per community: both totals are values worked out at export (a manual
    score entered later in a form changes neither)."""
    header = _section(writer, context, context.label("scenario_scores"), _SCORE_COLUMNS)
    after = {community_key(score.community_id): score for score in scores_after}
    first = header + 1
    for index, entry in enumerate(entries, 1):
        later = after.get(entry.key)
        before = entry.score
        values = {
            "no": index,
            "community_id": entry.key,
            "community": entry.name,
            "district": entry.district,
            "total_before": before.total,
            "total_after": None if later is None else later.total,
            "change": None if later is None else round(later.total - before.total, 6),
            "grade_before": before.grade.name.get(context.language),
            "grade_after": None if later is None else later.grade.name.get(context.language),
        }
        _table_row(writer, _SCORE_COLUMNS, values)
    if not entries:
        _no_rows(writer, context, len(_SCORE_COLUMNS))
        return
    keys = [key for key, *_rest in _SCORE_COLUMNS]
    for key in ("grade_before", "grade_after"):
        column_letter = letter(keys.index(key) + 1)
        _grade_formatting(
            writer.sheet, context, f"{column_letter}{first}:{column_letter}{writer.row}"
        )


def _scenario_changes(
    writer: RowWriter,
    context: Context,
    changes: Sequence[ScenarioChangeRow],
    number: int,
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None],
) -> None:
    c = context.label
    shown = "一二三"[number - 1] if context.language == ZH else number
    header = _section(writer, context, c("scenario_changes", number=shown), _CHANGE_COLUMNS)
    yes, no = c("yes"), c("no")
    for index, row in enumerate(changes, 1):
        if index % 5000 == 0:
            should_cancel()
        name, district = community_of(row.community_id)
        values = {
            "no": index,
            "district": row.district or district,
            "community": row.community_name or name,
            "unit_id": _id_text(row.unit_id),
            "unit_name": row.unit_name,
            "type": localized(row.type_name, context.language),
            "distance_before": row.distance_before,
            "distance_after": row.distance_after,
            "radius": row.radius_m,
            "gap_closed": yes if row.gap_closed else no,
            "population": row.population,
        }
        _table_row(writer, _CHANGE_COLUMNS, values)
    if not changes:
        _no_rows(writer, context, len(_CHANGE_COLUMNS))
        return
    last_letter = letter(len(_CHANGE_COLUMNS))
    writer.sheet.auto_filter.ref = f"A{header}:{last_letter}{writer.row}"
    closed = letter([key for key, *_rest in _CHANGE_COLUMNS].index("gap_closed") + 1)
    _text_rule(writer.sheet, f"{closed}{header + 1}:{closed}{writer.row}", yes, "C6EFCE", "006100")


# --------------------------------------------------------------------------------------------
# About 说明
# --------------------------------------------------------------------------------------------


def write_about(workbook: Any, title: str, context: Context) -> None:
    sheet = workbook.create_sheet(title)
    _prepare(sheet, [20, 86], freeze=None)
    styles = context.styles
    writer = RowWriter(sheet, styles, 2)
    row = writer.append([styles.text(sheet, context.titled("title_about"), "title"), None], 30)
    writer.merge(row, 1, row, 2)
    writer.blank()
    writer.append(
        [
            styles.text(sheet, context.label("about_item"), "header"),
            styles.text(sheet, context.label("about_value"), "header"),
        ],
        height=20,
    )
    for heading, lines in _about_entries(context):
        first = writer.next_row
        for index, line in enumerate(lines or [""]):
            text = heading if index == 0 else None
            writer.append(
                [
                    styles.text(sheet, text, "label")
                    if text
                    else styles.cell(sheet, None, "label"),
                    styles.text(sheet, line, "text"),
                ],
                height=_height(lines_needed(line, 86)),
            )
        writer.merge(first, 1, writer.row, 1)
    writer.finish()
    _print_setup(sheet, context, title_rows="", area=f"A1:B{writer.row}", landscape=False)


def _about_entries(context: Context) -> List[Tuple[str, List[str]]]:
    c, language, rubric, metadata = (
        context.label,
        context.language,
        context.rubric,
        context.metadata,
    )
    n_categories, n_items, n_points = rubric.counts()
    entries: List[Tuple[str, List[str]]] = []
    if metadata.title:
        entries.append((c("about_title"), [metadata.title]))
    if context.scope:
        entries.append((c("about_scope"), [context.scope]))
    entries.append(
        (
            c("about_rubric"),
            [
                c("rubric_version", name=rubric.name.get(language), version=rubric.version),
                c(
                    "about_structure",
                    categories=n_categories,
                    items=n_items,
                    points=n_points,
                    total=format_number(rubric.total),
                ),
            ],
        )
    )
    entries.append(
        (
            c("about_grades"),
            [
                c("about_grade_band", grade=name, min=format_number(minimum))
                for name, minimum in context.bands
            ],
        )
    )
    notice = rubric.notice.get(language)
    if notice:
        entries.append((c("about_rubric_notice"), [notice]))
    standard = localized(metadata.standard_name, language)
    if standard:
        version = metadata.standard_version
        entries.append(
            (
                c("about_standard"),
                [c("rubric_version", name=standard, version=version) if version else standard],
            )
        )
    sources = metadata.data_sources
    if isinstance(sources, Mapping):
        lines = [
            f"{key}：{value}" if language == ZH else f"{key}: {value}"
            for key, value in sources.items()
        ]
    else:
        lines = [str(source) for source in sources]
    if lines:
        entries.append((c("about_sources"), lines))
    if metadata.parameters:
        entries.append(
            (
                c("about_parameters"),
                [f"{key} = {_parameter_text(value)}" for key, value in metadata.parameters.items()],
            )
        )
    entries.append((c("about_date"), [metadata.date_text()]))
    entries.append((c("about_plugin"), [c("about_plugin_value", version=metadata.plugin_version)]))
    entries.append((c("about_how"), [c("about_how_text")]))
    if metadata.notes:
        entries.append((c("about_notes"), [str(note) for note in metadata.notes]))
    return entries


def _parameter_text(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
