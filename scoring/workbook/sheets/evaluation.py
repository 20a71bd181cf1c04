"""评价表: one community's evaluation form.

Every form of a workbook has the same layout (it depends only on the rubric), so what does not
depend on the community — the rubric's wording, the formulas, merged ranges, validation,
colours, print set-up, even most cells of each row — is worked out once in a
:class:`FormTemplate` and each community's form fills in its own values: its name and header,
scores, indicator values, notes and the hidden ids the reader matches rows on. That is what
makes 2,000 forms take seconds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...rubric.evaluate import STATUS_NO_DATA
from ...rubric.indicators import find_indicator
from ...rubric.rules import format_number
from ..cells import Cell, grade_colours, highlight, lines_needed, plain_number
from ..labels import ZH, method_label
from ..layout import (
    ALL_KEYS,
    FIRST_POINT_ROW,
    HEADER_ROW,
    HIDDEN_COLUMNS,
    INFO_FIELDS,
    INFO_PAIRS,
    N_VISIBLE,
    NOTE_ROW,
    VISIBLE_COLUMNS,
    column,
    column_number,
    info_cell,
    letter,
    quoted,
)
from ..xlsx import Validation
from .common import Context, height, place_maps, print_setup
from .summary import CommunityEntry

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
_WIDTHS = {key: width for key, width, _l in VISIBLE_COLUMNS}
#: Positions in a point row of the cells that differ from community to community.
_SCORE, _INDICATOR, _NOTES = (column_number(key) - 1 for key in ("score", "indicator", "notes"))
_COMMUNITY, _WRITTEN = (column_number(key) - 1 for key in ("community_id", "written_score"))


@dataclass
class _PointRow:
    """One scoring point's row: its cells with the community's own left to fill in."""

    point_id: str
    manual: bool
    cells: List[Cell]
    lines: int  # lines its fixed texts need
    extra_height: float  # added so that a merged category or item name fits
    indicator_style: str


class FormTemplate:
    """Everything the forms of one workbook share."""

    def __init__(self, context: Context) -> None:
        self.context = context
        styles, layout = context.styles, context.layout
        self.widths = [width for _k, width, _l in VISIBLE_COLUMNS] + [12] * len(HIDDEN_COLUMNS)
        self.hidden = [column_number(key) for key in HIDDEN_COLUMNS]
        self.merges: List[Tuple[int, int, int, int]] = []
        self.rows = [self._point_row(place) for place in context.rubric.places()]
        self._stretch_groups()
        note = context.label("eval_note")
        total_width = sum(width for _k, width, _l in VISIBLE_COLUMNS)
        self.note = (styles.text(note, "note"), height(lines_needed(note, total_width * 1.1)))
        header = [styles.text(context.label(key), "header") for _k, _w, key in VISIBLE_COLUMNS]
        self.header = header + [styles.text(key, "hidden") for key in HIDDEN_COLUMNS]
        self.footer = self._footer()
        self.validations = self._validations()
        grade_cells = f"{layout.grade_cell} {info_cell('grade')}"
        bands = list(zip(context.bands, grade_colours(len(context.bands))))
        self.grade_rules = [
            (grade_cells, quoted(name), highlight(fill, font, bold=True))
            for (name, _minimum), (fill, font) in bands
        ]
        self.merges += [(1, 1, 1, N_VISIBLE), (NOTE_ROW, 1, NOTE_ROW, N_VISIBLE)]
        for info_row, pair in INFO_FIELDS.values():
            label_first, label_last, value_first, value_last = INFO_PAIRS[pair]
            self.merges.append((info_row, label_first, info_row, label_last))
            self.merges.append((info_row, value_first, info_row, value_last))
        self.merge_refs = [
            f"{letter(first_column)}{first_row}:{letter(last_column)}{last_row}"
            for first_row, first_column, last_row, last_column in self.merges
            if (first_row, first_column) != (last_row, last_column)
        ]
        self._note_lines: Dict[str, Tuple[str, int]] = {}

    # ---- the parts built once -------------------------------------------------------------

    def _point_row(self, place: Any) -> _PointRow:
        context = self.context
        styles, language, layout = context.styles, context.language, context.layout
        point = place.point
        row = layout.point_rows[point.id]
        cells: Dict[str, Cell] = self._group_cells(place, row)
        method = _method_text(context, point)
        cells["point_no"] = styles.text(point.id, "text_centre")
        cells["point"] = styles.text(point.text.get(language), "text")
        cells["max"] = styles.number(point.max_score, "general")
        cells["score"] = styles.blank("score_input" if point.is_manual else "score")
        cells["method"] = styles.text(method, "text_centre")
        cells["indicator"] = styles.blank("general")
        cells["evidence"] = styles.text(point.evidence.get(language), "text")
        cells["notes"] = styles.blank("notes_input" if point.is_manual else "text")
        cells["community_id"] = styles.blank("hidden")
        cells["point_id"] = styles.text(point.id, "hidden")
        cells["point_method"] = styles.text(point.method, "hidden")
        cells["written_score"] = styles.blank("hidden")
        lines = max(
            lines_needed(point.text.get(language), _WIDTHS["point"]),
            lines_needed(point.evidence.get(language), _WIDTHS["evidence"]),
            lines_needed(method, _WIDTHS["method"]),
        )
        return _PointRow(
            point.id,
            point.is_manual,
            [cells[key] for key in ALL_KEYS],
            lines,
            0.0,
            _indicator_style(point.indicator),
        )

    def _group_cells(self, place: Any, row: int) -> Dict[str, Cell]:
        """Category and item names and subtotal formulas on the first row of each, merged down
        over their points; styled blanks under the merge on the other rows."""
        styles, layout, language = self.context.styles, self.context.layout, self.context.language
        cells: Dict[str, Cell] = {}
        for level, group, spans, formula in (
            ("category", place.category, layout.categories, layout.category_formula),
            ("item", place.item, layout.items, layout.item_formula),
        ):
            span = next(span for span in spans if span.id == group.id)
            subtotal = level + "_score"
            if row != span.first:
                cells[level] = styles.blank("group")
                cells[subtotal] = styles.blank("subtotal")
                continue
            text = _group_text(group.id, group.name.get(language), group.max_score, self.context)
            cells[level] = styles.text(text, "group")
            cells[subtotal] = styles.formula(formula(span), "subtotal")
            for key in (level, subtotal):
                self.merges.append((row, column_number(key), span.last, column_number(key)))
        return cells

    def _stretch_groups(self) -> None:
        """Make the rows of a merged category or item tall enough for its name, adding to the
        last row of the group (measured with every note empty; a longer note only adds)."""
        context, language = self.context, self.context.language
        by_id = {row.point_id: row for row in self.rows}
        for category in context.rubric.categories:
            text = _group_text(
                category.id, category.name.get(language), category.max_score, context
            )
            ids = [p.id for item in category.items for p in item.points]
            self._stretch(by_id, ids, text, _WIDTHS["category"])
            for item in category.items:
                text = _group_text(item.id, item.name.get(language), item.max_score, context)
                self._stretch(by_id, [p.id for p in item.points], text, _WIDTHS["item"])

    @staticmethod
    def _stretch(by_id: Dict[str, _PointRow], ids: List[str], text: str, width: float) -> None:
        needed = height(lines_needed(text, width))
        have = sum(height(by_id[point_id].lines) + by_id[point_id].extra_height for point_id in ids)
        if needed > have:
            by_id[ids[-1]].extra_height += needed - have

    def _footer(self) -> List[List[Cell]]:
        context, styles, layout = self.context, self.context.styles, self.context.layout
        max_column, score_column = column_number("max"), column_number("score")

        def blank_row(style: str) -> List[Cell]:
            return [styles.blank(style) for _ in range(N_VISIBLE)]

        total = blank_row("total_label")
        total[0] = styles.text(context.label("row_total"), "total_label")
        total[max_column - 1] = styles.formula(layout.max_total_formula(), "total")
        total[score_column - 1] = styles.formula(layout.total_formula(), "total")
        grade = blank_row("total_label")
        grade[0] = styles.text(context.label("row_grade"), "total_label")
        grade[max_column - 1] = styles.formula(
            layout.grade_formula(context.bands, context.lowest), "total"
        )
        grade[score_column - 1] = styles.blank("total")
        open_cell = info_cell("open")
        prefix, suffix = context.label("provisional_prefix"), context.label("provisional_suffix")
        grade[score_column] = styles.formula(
            f'=IF({open_cell}>0,"{prefix}"&{open_cell}&"{suffix}","")', "total_label"
        )
        for row, spans in (
            (layout.total_row, ((1, max_column - 1), (score_column + 1, N_VISIBLE))),
            (
                layout.grade_row,
                ((1, max_column - 1), (max_column, score_column), (score_column + 1, N_VISIBLE)),
            ),
        ):
            for first, last in spans:
                self.merges.append((row, first, row, last))
        return [total, grade]

    def _validations(self) -> List[Validation]:
        """Manual score cells accept a number from 0 to the point's maximum, one rule per
        maximum."""
        context = self.context
        by_max: Dict[float, List[str]] = {}
        for place in context.rubric.places():
            if place.point.is_manual:
                row = context.layout.point_rows[place.point.id]
                by_max.setdefault(place.point.max_score, []).append(f"{column('score')}{row}")
        validations = []
        for maximum, cells in sorted(by_max.items()):
            shown = format_number(maximum)
            validations.append(
                Validation(
                    sqref=" ".join(cells),
                    minimum="0",
                    maximum=shown,
                    prompt_title=context.label("validation_title"),
                    prompt=context.label("validation_prompt", max=shown),
                    error_title=context.label("validation_title"),
                    error=context.label("validation_error", max=shown),
                )
            )
        return validations

    # ---- one community's form ------------------------------------------------------------

    def write(self, entry: CommunityEntry) -> None:
        context, layout = self.context, self.context.layout
        assert entry.sheet is not None
        sheet = context.package.sheet(entry.sheet)
        sheet.set_widths(self.widths)
        sheet.hide_columns(self.hidden)
        sheet.freeze(FIRST_POINT_ROW - 1)
        last_row = layout.grade_row
        if entry.maps:
            last_row = place_maps(sheet, entry.maps, layout.grade_row + 2)
        print_setup(sheet, context, (HEADER_ROW, HEADER_ROW), f"A1:{letter(N_VISIBLE)}{last_row}")
        self._header(sheet, entry)
        styles = context.styles
        key = entry.key
        for row in self.rows:
            result = entry.results[row.point_id]
            cells = list(row.cells)
            score_style = cells[_SCORE][1]
            cells[_SCORE] = (plain_number(result.score), score_style)
            cells[_INDICATOR] = styles.number(result.indicator_value, row.indicator_style)
            notes = self._notes(result)
            lines = row.lines
            if notes:
                cells[_NOTES] = styles.text(notes[0], "notes_input" if row.manual else "text")
                lines = max(lines, notes[1])
            cells[_COMMUNITY] = (key, cells[_COMMUNITY][1])
            if not row.manual:
                cells[_WRITTEN] = (plain_number(result.score), cells[_WRITTEN][1])
            sheet.append(cells, height=height(lines) + row.extra_height)
        for cells in self.footer:
            sheet.append(cells, height=24)
        sheet.merge_refs(self.merge_refs)
        for validation in self.validations:
            sheet.validate(validation)
        for sqref, formula, colours in self.grade_rules:
            sheet.highlight_equal(sqref, formula, colours)
        sheet.protect()
        sheet.close()

    def _notes(self, result: Any) -> Optional[Tuple[str, int]]:
        """A point's notes and the lines they need (the same words recur form after form)."""
        text = _notes(self.context, result)
        if not text:
            return None
        found = self._note_lines.get(text)
        if found is None:
            found = self._note_lines[text] = (text, lines_needed(text, _WIDTHS["notes"]))
        return found

    def _header(self, sheet: Any, entry: CommunityEntry) -> None:
        context, styles = self.context, self.context.styles
        if context.language == ZH:
            title = f"{entry.name}{context.label('title_evaluation')}"
        else:
            title = f"{context.label('title_evaluation')}: {entry.name}"
        sheet.append(
            [styles.text(title, "title")] + [styles.blank("title")] * (N_VISIBLE - 1), height=30
        )
        values = _header_values(context, entry)
        for info_row in (2, 3, 4, 5):
            sheet.append(self._info_cells(values, info_row), height=22)
        note, note_height = self.note
        sheet.append([note] + [styles.blank("note")] * (N_VISIBLE - 1), height=note_height)
        sheet.append(self.header, height=30)

    def _info_cells(self, values: Dict[str, Tuple[Any, str]], info_row: int) -> List[Any]:
        """One row of the header block: label and value pairs, with their borders."""
        context, styles = self.context, self.context.styles
        cells: List[Any] = [None] * (N_VISIBLE + len(HIDDEN_COLUMNS))
        for field, (field_row, pair) in INFO_FIELDS.items():
            if field_row != info_row:
                continue
            label_first, label_last, value_first, value_last = INFO_PAIRS[pair]
            style = values[field][1] if field in values else "value"
            for number in range(label_first, label_last + 1):
                cells[number - 1] = styles.blank("label")
            for number in range(value_first, value_last + 1):
                cells[number - 1] = styles.blank(style)
            if field not in values:  # the veto field of a rubric without veto points
                continue
            value = values[field][0]
            cells[label_first - 1] = styles.text(context.label(_INFO_LABELS[field]), "label")
            if field in _INFO_FORMULAS:
                cells[value_first - 1] = styles.formula(value, style)
            elif style == "input_date" and isinstance(value, datetime.date):
                cells[value_first - 1] = (value, styles[style])
            else:
                cells[value_first - 1] = styles.text(value, style)
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
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return text


def _group_text(identifier: str, name: str, maximum: float, context: Context) -> str:
    suffix = context.label("max_suffix", max=format_number(maximum))
    return f"{identifier} {name}\n{suffix.strip()}"


def _method_text(context: Context, point: Any) -> str:
    text = method_label(point.method, context.language)
    return text + context.label("veto_suffix") if point.veto else text


def _notes(context: Context, result: Any) -> str:
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


def write_forms(
    context: Context, entries: Sequence[CommunityEntry], step: Any = lambda: None
) -> None:
    """The forms of the communities with a sheet, one after the other."""
    template = FormTemplate(context)
    for entry in entries:
        if entry.sheet is not None:
            step()
            template.write(entry)
