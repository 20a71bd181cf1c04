"""设施覆盖 and 短板清单: coverage per facility type, and the compounds with gaps.

The gap list has one row per compound that lacks at least one facility type the standard
requires within its walking reach: where it is, its residents, which types it lacks and how
many, and per type a column with the walking distance (or time) to the nearest facility of
that type where it lacks it — empty where it is covered — so that filtering one type's column
on "not empty" shows the compounds lacking it and the filtered total their residents. People
are never added up over types; the coverage sheet counts them type by type. Every compound and
type, covered or not, stays in the facility gap result (``dist_T``, ``ok_T``).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

from ...rubric import community_key
from ...rubric.rules import format_number
from ..data import MEASURE_TIME, CompoundGaps, GapTable, GapType
from ..labels import localized
from ..xlsx import Sheet
from .common import Context, ListColumn, ListSheet, text_rule, write_list

#: Width of a per-type column of the gap list: a distance ("1,234") in 8 points, and the type's
#: name two characters a line above it.
TYPE_COLUMN_WIDTH = 4.6
#: A coverage table of at most this many types is printed on one page.
ONE_PAGE_TYPES = 50


def mandatory_gap_types(table: GapTable) -> List[int]:
    """Positions in ``table.types`` of the types the standard requires."""
    return [position for position, kind in enumerate(table.types) if kind.mandatory]


def absent_types(table: GapTable) -> List[int]:
    """Positions of the required types no compound has within reach and none can reach at
    all (no facility of the type within the search limit of any compound): a gap of the whole
    area, said once above the list rather than in a column of "none" on every row."""
    judged = [
        [compound for compound in table.compounds if compound.covered[position] is not None]
        for position in range(len(table.types))
    ]
    return [
        position
        for position in mandatory_gap_types(table)
        if judged[position]
        and all(
            not compound.covered[position] and compound.nearest[position] is None
            for compound in judged[position]
        )
    ]


def compounds_with_gaps(table: GapTable) -> List[CompoundGaps]:
    """The compounds lacking at least one required type (``covered`` False; None is not
    judged: a compound without usable geometry)."""
    required = mandatory_gap_types(table)
    return [
        compound
        for compound in table.compounds
        if any(compound.covered[position] is False for position in required)
    ]


def write_gaps(
    context: Context,
    title: str,
    table: GapTable,
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """短板清单. ``community_of`` gives a community id's (name, district)."""
    c = context.label
    listed = compounds_with_gaps(table)
    required = mandatory_gap_types(table)
    absent = absent_types(table)
    shown = [
        p for p in required if p not in absent and any(row.covered[p] is False for row in listed)
    ]
    time = table.measure == MEASURE_TIME
    columns = [
        ListColumn("no", 4, c("col_no"), "general"),
        ListColumn("district", 7, c("col_district")),
        ListColumn("community", 10, c("col_community")),
        ListColumn("unit_id", 7.5, c("col_unit_id")),
        ListColumn("unit_name", 11, c("col_unit_name")),
        ListColumn("population", 7, c("col_population"), "integer", total=True),
        ListColumn("n_missing", 4.5, c("col_missing_count"), "integer"),
        ListColumn("missing", 34, c("col_missing"), "text_small"),
    ]
    for position in shown:
        kind = table.types[position]
        columns.append(
            ListColumn(
                f"type:{position}",
                TYPE_COLUMN_WIDTH,
                _type_header(context, kind, time),
                "nearest_minutes" if time else "nearest",
                header_style="header_small",
            )
        )
    names = [localized(kind.name, context.language) for kind in table.types]
    unreachable = c("unreachable_short")

    everywhere = c("absent_count", count=len(absent)) if absent else ""

    def values(compound: CompoundGaps) -> Dict[str, Any]:
        name, district = community_of(compound.community_id)
        missing = [p for p in required if compound.covered[p] is False]
        named = [names[p] for p in missing if p not in absent]
        if everywhere and len(named) < len(missing):
            named.append(everywhere)
        row: Dict[str, Any] = {
            "district": compound.district or district,
            "community": compound.community_name or name,
            "unit_id": _id_text(compound.unit_id),
            "unit_name": compound.unit_name,
            "population": compound.population,
            "n_missing": len(missing),
            "missing": c("list_separator").join(named),
        }
        for position in missing:
            if position not in absent:
                nearest = compound.nearest[position]
                row[f"type:{position}"] = unreachable if nearest is None else nearest
        return row

    def after(sheet: Sheet, column_of: Dict[str, str], first: int, last: int) -> None:
        if shown:
            cells = f"{column_of[f'type:{shown[0]}']}{first}:{column_of[f'type:{shown[-1]}']}{last}"
            text_rule(sheet, cells, unreachable, "FFC7CE", "9C0006")

    note = c("gaps_note_time" if time else "gaps_note")
    if absent:
        note += c(
            "absent_note",
            count=len(absent),
            names=c("enumeration").join(names[p] for p in absent),
        )
    spec = ListSheet(title, context.titled("title_gaps"), note, columns, values)
    write_list(context, spec, listed, after, should_cancel)


def write_coverage(context: Context, title: str, table: GapTable) -> None:
    """设施覆盖: per facility type, the compounds and residents within its reach and not."""
    c = context.label
    time = table.measure == MEASURE_TIME
    columns = [
        ListColumn("no", 5, c("col_no"), "general"),
        ListColumn("type", 28, c("col_type")),
        ListColumn("type_code", 24, c("col_type_code")),
        ListColumn("requirement", 8, c("col_requirement")),
        ListColumn("reach", 9, c("col_minutes" if time else "col_radius"), "integer"),
        ListColumn("units", 8, c("col_compounds"), "integer"),
        ListColumn("units_out", 9, c("col_compounds_uncovered"), "integer"),
        ListColumn("pop_in", 11, c("col_pop_covered"), "integer"),
        ListColumn("pop_out", 11, c("col_pop_uncovered"), "integer"),
        ListColumn("share", 9, c("col_share_covered"), "percent"),
    ]
    rows = [
        (kind, _coverage(table.compounds, position)) for position, kind in enumerate(table.types)
    ]

    def values(item: Tuple[GapType, Dict[str, Any]]) -> Dict[str, Any]:
        kind, figures = item
        return {
            "type": localized(kind.name, context.language),
            "type_code": kind.code,
            "requirement": c("mandatory" if kind.mandatory else "optional"),
            "reach": kind.minutes if time else kind.radius_m,
            **figures,
        }

    def after(sheet: Sheet, column_of: Dict[str, str], first: int, last: int) -> None:
        cells = f"{column_of['requirement']}{first}:{column_of['requirement']}{last}"
        text_rule(sheet, cells, c("mandatory"), "FCE4D6", "833C0B")

    spec = ListSheet(title, context.titled("title_coverage"), c("coverage_note"), columns, values)
    if len(rows) <= ONE_PAGE_TYPES:  # the built-in standard's 36 types on one page
        spec.pages_tall = 1
    write_list(context, spec, rows, after)


def _coverage(compounds: Sequence[CompoundGaps], position: int) -> Dict[str, Any]:
    """Compounds judged, those not covered, and their residents, for one type."""
    units = units_out = 0
    people_in = people_out = 0.0
    for compound in compounds:
        covered = compound.covered[position]
        if covered is None:
            continue
        units += 1
        population = compound.population
        if covered:
            people_in += population if population is not None and population > 0 else 0.0
        else:
            units_out += 1
            people_out += population if population is not None and population > 0 else 0.0
    judged = people_in + people_out
    return {
        "units": units,
        "units_out": units_out,
        "pop_in": people_in,
        "pop_out": people_out,
        "share": people_in / judged if judged > 0 else None,
    }


def _type_header(context: Context, kind: GapType, time: bool) -> str:
    name = localized(kind.name, context.language)
    if not time:
        reach = context.label("reach_metres", metres=format_number(kind.radius_m))
    elif kind.minutes is not None:
        reach = context.label("reach_minutes", minutes=format_number(kind.minutes))
    else:  # reach = the radius at the analysis' walking speed, which the table does not say
        reach = context.label("in_minutes")
    return f"{name}\n{reach}"


def _id_text(value: Any) -> str:
    return community_key(value)
