"""汇总表: every community's subtotals, total, grade and rank, linked to its evaluation form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ...rubric import CommunityScore, PointResult
from ...rubric.rules import format_number
from ..cells import Cell, lines_needed
from ..data import Map
from ..layout import info_cell, letter, quoted
from ..names import quote_sheet
from ..xlsx import Sheet
from .common import (
    Context,
    grade_formatting,
    height,
    new_sheet,
    place_maps,
    print_setup,
    text_rule,
    title_rows,
)

SUMMARY_HEADER_ROW = 3
SUMMARY_FIRST_ROW = 4


@dataclass(frozen=True)
class CommunityEntry:
    """A community as the workbook shows it; ``sheet`` is its evaluation sheet in this
    workbook, or None when the workbook has no sheet for it (the summary then shows values);
    ``maps`` are shown below its form."""

    score: CommunityScore
    key: str
    name: str
    district: str
    sheet: Optional[str]
    results: Mapping[str, PointResult]
    maps: Sequence[Map] = ()


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


def write_summary(
    context: Context, title: str, entries: Sequence[CommunityEntry], maps: Sequence[Map] = ()
) -> None:
    columns = summary_columns(context)
    keys = [key for key, _w, _h in columns]
    n_columns = len(columns)
    widths = [width for _k, width, _h in columns]
    sheet = new_sheet(context, title, widths, freeze=(SUMMARY_HEADER_ROW, 4))
    styles = context.styles
    subtitle = context.label(
        "summary_subtitle",
        rubric=context.rubric.name.get(context.language),
        version=context.rubric.version,
        date=context.metadata.date_text(),
        count=len(entries),
    )
    if context.scope:
        subtitle += "　" + context.label("summary_scope", scope=context.scope)
    title_rows(sheet, styles, context.titled("title_summary"), subtitle, n_columns, sum(widths))
    header_lines = max(lines_needed(text, width) for _k, width, text in columns)
    sheet.append(
        [styles.text(text, "header") for _k, _w, text in columns], height=height(header_lines)
    )
    first = SUMMARY_FIRST_ROW
    last = first + max(len(entries), 1) - 1
    column_of = {key: letter(keys.index(key) + 1) for key in keys}
    for index, entry in enumerate(entries, 1):
        row = sheet.next_row
        cells = _summary_cells(sheet, context, entry, index, row, first, last, column_of)
        lines = max(lines_needed(entry.name, 18), lines_needed(entry.district, 12))
        sheet.append([cells[key] for key in keys], height=height(lines) if lines > 1 else None)
    if not entries:
        row = sheet.append(
            [styles.text(context.label("none_rows"), "value")]
            + [styles.blank("value")] * (n_columns - 1)
        )
        sheet.merge(row, 1, row, n_columns)
    last_letter = letter(n_columns)
    sheet.autofilter(f"A{SUMMARY_HEADER_ROW}:{last_letter}{last}")
    if entries:
        grade_formatting(sheet, context, f"{column_of['grade']}{first}:{column_of['grade']}{last}")
        provisional = f"{column_of['provisional']}{first}:{column_of['provisional']}{last}"
        text_rule(sheet, provisional, context.label("yes"), "FCE4D6", "833C0B")
        if "veto" in column_of:
            veto = f"{column_of['veto']}{first}:{column_of['veto']}{last}"
            text_rule(sheet, veto, context.label("yes"), "FFC7CE", "9C0006")
        _summary_statistics(sheet, context, column_of, first, last)
    last_row = place_maps(sheet, maps, sheet.row + 2) if maps else sheet.row
    print_setup(
        sheet, context, (SUMMARY_HEADER_ROW, SUMMARY_HEADER_ROW), f"A1:{last_letter}{last_row}"
    )
    sheet.close()


def _summary_cells(
    sheet: Sheet,
    context: Context,
    entry: CommunityEntry,
    index: int,
    row: int,
    first: int,
    last: int,
    column_of: Dict[str, str],
) -> Dict[str, Cell]:
    styles, layout, score = context.styles, context.layout, entry.score
    linked = entry.sheet is not None
    ref = quote_sheet(entry.sheet) + "!" if entry.sheet is not None else ""
    cells: Dict[str, Cell] = {
        "no": styles.cell(index, "general"),
        "community_id": styles.text(entry.key, "text_centre"),
        "district": styles.text(entry.district, "text_centre"),
        "community": styles.text(entry.name, "link" if linked else "value"),
    }
    if linked:
        sheet.link(f"{column_of['community']}{row}", f"{ref}A1", entry.name)
    for category, span in zip(context.rubric.categories, layout.categories):
        key = "category:" + category.id
        if linked:
            cells[key] = styles.formula(f"={ref}{layout.category_cell(span)}", "score")
        else:
            cells[key] = styles.number(score.category_subtotal(category.id).score, "score")
    total = f"{column_of['total']}{row}"
    open_cell = f"{column_of['open']}{row}"
    if linked:
        cells["total"] = styles.formula(f"={ref}{layout.total_cell}", "subtotal")
        cells["grade"] = styles.formula(f"={ref}{layout.grade_cell}", "general")
        cells["open"] = styles.formula(f"={ref}{info_cell('open')}", "general")
    else:
        cells["total"] = styles.number(score.total, "subtotal")
        cells["grade"] = styles.text(score.grade.name.get(context.language), "general")
        cells["open"] = styles.number(score.n_open, "general")
    total_column = column_of["total"]
    cells["rank"] = styles.formula(
        f"=RANK({total},${total_column}${first}:${total_column}${last})", "general"
    )
    yes, no = context.label("yes"), context.label("no")
    cells["provisional"] = styles.formula(f'=IF({open_cell}>0,"{yes}","{no}")', "general")
    if "veto" in column_of:
        if linked:
            condition = layout.veto_condition(prefix=ref)
            cells["veto"] = styles.formula(f'=IF({condition},"{yes}","")', "general")
        else:
            cells["veto"] = styles.text(yes if score.vetoed_by else "", "general")
    return cells


def _summary_statistics(
    sheet: Sheet, context: Context, column_of: Dict[str, str], first: int, last: int
) -> None:
    """Mean total and communities per grade below the table, as formulas that follow edits."""
    styles = context.styles
    sheet.blank()
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
    heading = sheet.append(
        [None, styles.text(context.label("stat_heading"), "header")] + [styles.blank("header")] * 3
    )
    sheet.merge(heading, 2, heading, 5)
    for text, formula, style in rows:
        row = sheet.append(
            [
                None,
                styles.text(text, "stat_label"),
                styles.blank("stat_label"),
                styles.blank("stat_label"),
                styles.formula(formula, style),
            ]
        )
        sheet.merge(row, 2, row, 4)


__all__ = ["SUMMARY_FIRST_ROW", "SUMMARY_HEADER_ROW", "CommunityEntry", "write_summary"]
