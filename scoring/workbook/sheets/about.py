"""说明: what the workbook is, how it was made, and where the details behind its lists are."""

from __future__ import annotations

from typing import Any, List, Mapping, Tuple

from ...rubric.rules import format_number
from ..cells import lines_needed
from ..labels import ZH, localized
from .common import Context, height, new_sheet, print_setup


def write_about(context: Context, title: str) -> None:
    sheet = new_sheet(context, title, [20, 86])
    styles = context.styles
    row = sheet.append(
        [styles.text(context.titled("title_about"), "title"), styles.blank("title")], 30
    )
    sheet.merge(row, 1, row, 2)
    sheet.blank()
    sheet.append(
        [
            styles.text(context.label("about_item"), "header"),
            styles.text(context.label("about_value"), "header"),
        ],
        height=20,
    )
    for heading, lines in _about_entries(context):
        first = sheet.next_row
        for index, line in enumerate(lines or [""]):
            label = styles.text(heading, "label") if index == 0 else styles.blank("label")
            sheet.append([label, styles.text(line, "text")], height=height(lines_needed(line, 86)))
        sheet.merge(first, 1, sheet.row, 1)
    print_setup(sheet, context, None, f"A1:B{sheet.row}", landscape=False)
    sheet.close()


def _detail_lines(context: Context) -> List[str]:
    """Where the per-compound-and-type and per-unit-and-type figures behind the lists are."""
    metadata, c = context.metadata, context.label
    lines = []
    if metadata.gap_source:
        lines.append(c("about_detail_gaps", source=metadata.gap_source))
    if metadata.provision_source:
        lines.append(c("about_detail_provision", source=metadata.provision_source))
    return lines


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
    detail = _detail_lines(context)
    if detail:
        entries.append((c("about_detail"), detail))
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
