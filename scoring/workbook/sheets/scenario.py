"""规划前后对比: coverage per facility type before and after the plan, the communities' scores
before and after, and the compounds the plan brings nearer."""

from __future__ import annotations

from typing import Any, Callable, Dict, Sequence, Tuple

from ...rubric import CommunityScore, community_key
from ..cells import lines_needed
from ..data import ScenarioChangeRow, ScenarioData
from ..labels import ZH, localized
from ..layout import letter
from ..xlsx import Sheet
from .common import (
    TEXT_STYLES,
    Context,
    check_rows,
    grade_formatting,
    height,
    new_sheet,
    no_rows,
    print_setup,
    text_rule,
    title_rows,
)
from .summary import CommunityEntry

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
    context: Context,
    title: str,
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
    check_rows(len(changes) + len(scenario.types) + len(entries) + 20, title, 0)
    n_columns = len(_SCENARIO_WIDTHS)
    writer = new_sheet(context, title, _SCENARIO_WIDTHS, freeze=(2, 0))
    title_rows(
        writer, context.styles, context.titled("title_scenario"), context.label("scenario_note"),
        n_columns, sum(_SCENARIO_WIDTHS),
    )  # fmt: skip
    heading = "scenario_types_whole" if context.scope else "scenario_types"
    _scenario_types(writer, context, scenario, heading)
    number = 2
    if scenario.scores_after is not None:
        _scenario_scores(writer, context, scenario.scores_after, entries)
        number = 3
    _scenario_changes(writer, context, changes, number, community_of, should_cancel)
    print_setup(writer, context, None, f"A1:{letter(n_columns)}{writer.row}")
    writer.close()


def _section(writer: Sheet, context: Context, text: str, columns: Sequence[Any]) -> int:
    """A blank row, the section's heading across its table, and the table's header; returns
    the header's row."""
    styles = context.styles
    writer.blank()
    row = writer.append(
        [styles.text(text, "stat_label")] + [styles.blank("stat_label") for _ in columns[1:]],
        height=20,
    )
    writer.merge(row, 1, row, len(columns))
    headers = [context.label(label_key) for _k, label_key, _s, _w in columns]
    widths = _SCENARIO_WIDTHS[: len(columns)]
    lines = max(lines_needed(text, width) for text, width in zip(headers, widths))
    return writer.append([styles.text(text, "header") for text in headers], height=height(lines))


def _table_row(
    writer: Sheet, context: Context, columns: Sequence[Any], values: Dict[str, Any]
) -> int:
    styles = context.styles
    cells = []
    lines = 1
    for n, (key, _label, style, _width) in enumerate(columns):
        value = values.get(key)
        if style in TEXT_STYLES:
            cells.append(styles.text(value, style))
            text = "" if value is None else str(value)
            lines = max(lines, lines_needed(text, _SCENARIO_WIDTHS[n]))
        else:
            cells.append(styles.value(value, style))
    return writer.append(cells, height=height(lines) if lines > 1 else None)


def _scenario_types(writer: Sheet, context: Context, scenario: ScenarioData, heading: str) -> None:
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
        _table_row(writer, context, _TYPE_COLUMNS, values)
    if not scenario.types:
        no_rows(writer, context, len(_TYPE_COLUMNS))


def _scenario_scores(
    writer: Sheet,
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
        _table_row(writer, context, _SCORE_COLUMNS, values)
    if not entries:
        no_rows(writer, context, len(_SCORE_COLUMNS))
        return
    keys = [key for key, *_rest in _SCORE_COLUMNS]
    for key in ("grade_before", "grade_after"):
        column_letter = letter(keys.index(key) + 1)
        grade_formatting(writer, context, f"{column_letter}{first}:{column_letter}{writer.row}")


def _scenario_changes(
    writer: Sheet,
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
            "unit_id": community_key(row.unit_id),
            "unit_name": row.unit_name,
            "type": localized(row.type_name, context.language),
            "distance_before": row.distance_before,
            "distance_after": row.distance_after,
            "radius": row.radius_m,
            "gap_closed": yes if row.gap_closed else no,
            "population": row.population,
        }
        _table_row(writer, context, _CHANGE_COLUMNS, values)
    if not changes:
        no_rows(writer, context, len(_CHANGE_COLUMNS))
        return
    last_letter = letter(len(_CHANGE_COLUMNS))
    writer.autofilter(f"A{header}:{last_letter}{writer.row}")
    closed = letter([key for key, *_rest in _CHANGE_COLUMNS].index("gap_closed") + 1)
    text_rule(writer, f"{closed}{header + 1}:{closed}{writer.row}", yes, "C6EFCE", "006100")
