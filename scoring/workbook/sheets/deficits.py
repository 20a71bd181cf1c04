"""配置缺口: one row per unit (片区, 社区, 小区) short of facilities the standard requires, with
what it lacks type by type; the unit-and-type detail stays in the provision table."""

from __future__ import annotations

from typing import Any, Callable, Dict, Sequence, Tuple

from ...rubric import community_key
from ..data import TypeDeficit, UnitDeficits
from ..labels import localized, status_label, tier_label
from ..xlsx import Sheet
from .common import Context, ListColumn, ListSheet, text_rule, write_list


def write_deficits(
    context: Context,
    title: str,
    rows: Sequence[UnitDeficits],
    community_of: Callable[[Any], Tuple[str, str]],
    should_cancel: Callable[[], None] = lambda: None,
) -> None:
    """``community_of`` gives a community id's (name, district)."""
    c = context.label
    words = _DeficitWords(context)
    separator = c("list_separator")
    columns = [
        ListColumn("no", 4, c("col_no"), "general"),
        ListColumn("district", 8, c("col_district")),
        ListColumn("tier", 5, c("col_tier")),
        ListColumn("unit_id", 8, c("col_unit")),
        ListColumn("unit_name", 13, c("col_unit_label")),
        ListColumn("population", 8, c("col_population"), "integer"),
        ListColumn("size", 6.5, c("col_size")),
        ListColumn("n_short", 4.5, c("col_types_short"), "integer"),
        ListColumn("count", 7, c("col_deficit_count"), "integer", total=True),
        ListColumn("floor", 9, c("col_deficit_floor"), "area", total=True),
        ListColumn("land", 9, c("col_deficit_land"), "area", total=True),
        ListColumn("detail", 49, c("col_deficit_detail"), "text_small"),
    ]

    def values(unit: UnitDeficits) -> Dict[str, Any]:
        _name, district = community_of(unit.community_id)
        return {
            "district": unit.district or district,
            "tier": tier_label(unit.tier, context.language),
            "unit_id": community_key(unit.unit_id),
            "unit_name": unit.unit_name,
            "population": unit.population,
            "size": c("size_" + unit.size_flag) if unit.size_flag else "",
            "n_short": len(unit.deficits),
            "count": unit.count_deficit,
            "floor": unit.area_deficit("deficit_floor_area"),
            "land": unit.area_deficit("deficit_land_area"),
            "detail": separator.join(words(deficit) for deficit in unit.deficits),
        }

    def after(sheet: Sheet, column_of: Dict[str, str], first: int, last: int) -> None:
        cells = f"{column_of['size']}{first}:{column_of['size']}{last}"
        for flag in ("too_small", "too_large"):
            text_rule(sheet, cells, c("size_" + flag), "FFEB9C", "7F6000")

    spec = ListSheet(title, context.titled("title_deficits"), c("deficits_note"), columns, values)
    write_list(context, spec, rows, after, should_cancel)


class _DeficitWords:
    """One type a unit lacks, in words: 幼儿园（缺1处，建筑面积缺600m²）; the labels are looked
    up once per sheet (a city has some 200,000 of these)."""

    def __init__(self, context: Context) -> None:
        c = context.label
        self.context = context
        self.count = c("deficit_count_text")
        self.floor = c("deficit_floor_text")
        self.land = c("deficit_land_text")
        self.entry = c("deficit_entry")
        self.part = c("part_separator")
        self.names: Dict[Any, str] = {}

    def __call__(self, deficit: TypeDeficit) -> str:
        parts = []
        if deficit.deficit_count:
            parts.append(self.count.format(count=deficit.deficit_count))
        if deficit.deficit_floor_area:
            parts.append(self.floor.format(area=f"{deficit.deficit_floor_area:,.0f}"))
        if deficit.deficit_land_area:
            parts.append(self.land.format(area=f"{deficit.deficit_land_area:,.0f}"))
        if not parts:
            parts.append(status_label(deficit.status, self.context.language))
        name = self.names.get(deficit.type_code)
        if name is None:
            name = self.names[deficit.type_code] = localized(
                deficit.type_name, self.context.language
            )
        return self.entry.format(name=name, what=self.part.join(parts))
