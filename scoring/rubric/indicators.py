"""The indicator catalogue: the numbers per community that a rubric's computed points read.

A rubric names indicators (``coverage_kindergarten``); the analysis algorithms produce them.
The catalogue is the contract between the two: a rubric may only name an indicator listed here,
and an adapter that builds indicators for scoring knows from here what each one means, its unit
and which algorithm's output it comes from. It is a table in code, not a user file, because it
describes what the code computes; users change rubrics, not what the algorithms produce.

Per-type indicators are written with the placeholder ``<type_code>`` and exist once for every
facility type code of the facility standard in use (``coverage_kindergarten``,
``coverage_primary_school`` ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, List, Optional, Tuple

TYPE_PLACEHOLDER = "<type_code>"
FACILITY_GAP = "completecommunity:facilitygap"
TIERED_PROVISION = "completecommunity:tieredprovision"
PLAN_DATA = "plan data"

_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


@dataclass(frozen=True)
class IndicatorSpec:
    """One catalogue entry. ``name`` may end in ``<type_code>`` (one indicator per type)."""

    name: str
    meaning_zh: str
    meaning_en: str
    unit: str
    produced_by: str

    @property
    def per_type(self) -> bool:
        return self.name.endswith(TYPE_PLACEHOLDER)

    @property
    def prefix(self) -> str:
        """``coverage_`` for ``coverage_<type_code>``; the whole name for plain indicators."""
        return self.name[: -len(TYPE_PLACEHOLDER)] if self.per_type else self.name

    def concrete(self, type_code: str = "") -> str:
        """The indicator's name for ``type_code`` (ignored for plain indicators)."""
        return self.prefix + type_code if self.per_type else self.name

    def meaning(self, locale: str = "zh") -> str:
        return self.meaning_zh if locale.lower().startswith("zh") else self.meaning_en


_UNIT_TIER_RULE_ZH = (
    "社区级设施取本社区的行；片区级设施取本社区所属片区（配置表中社区行的上级）的行；"
    "小区级设施合并本社区各小区的行：数量和面积相加，“有”指任一小区有，“达标”指各小区均达标。"
    "本社区没有该类设施的行（无小区，或该类设施无数量和面积规定）时为无数据。"
)
_UNIT_TIER_RULE_EN = (
    "For community-tier types the community's own row; for district-tier types the row of the "
    "district the community belongs to (the parent of its rows in the provision table); for "
    "neighbourhood-tier types the rows of the community's compounds combined: counts and "
    "areas added up, has_ 1 when any compound has one, status_ok_ 1 only when every compound "
    "is ok. No data when the community has no row of the type (no compounds, or a type with "
    "neither a count nor an area rule)."
)

CATALOGUE: Tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        name="population",
        meaning_zh=(
            "社区常住人口：设施配置表中本社区行的人口（各小区人口之和）；未给配置表时为设施短板"
            "结果中本社区各小区人口之和（有小区缺人口时为无数据）。"
        ),
        meaning_en=(
            "Residents of the community: the population of its rows in the provision table (the "
            "sum over its compounds); without that table, the sum over its compounds in the "
            "facility gap output (no data when any of them lacks a population)."
        ),
        unit="people",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="population_in_range",
        meaning_zh=(
            "社区人口在标准规定的社区规模范围内为 1（如 0.5–1.2 万人），否则为 0（规模不符）。"
            "取设施配置表中本社区的规模标记；未给配置表时以上述人口与设施标准的社区人口范围比较。"
        ),
        meaning_en=(
            "1 when the community's population is within the standard's range for a community "
            "(e.g. 5,000–12,000), else 0 (规模不符): the community's size flag in the provision "
            "table; without that table, the population above against the facility standard's "
            "range for a community."
        ),
        unit="1/0",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="coverage_<type_code>",
        meaning_zh=(
            "按人口加权的覆盖率：本社区居民中，所在小区到最近该类设施的步行距离不超过其服务半径的"
            "人口比例（0–1），即各小区 ok_<类型代码> 按人口加权平均。缺人口或缺 ok 值的小区不计；"
            "本社区没有有人口的小区时为无数据。"
        ),
        meaning_en=(
            "Population-weighted coverage: the share of the community's residents whose compound "
            "is within the type's walking radius of a facility of the type (0–1), from ok_<code> "
            "weighted by compound population. Compounds without a population or an ok_<code> "
            "value are left out; no data when the community has no compound with residents."
        ),
        unit="share 0–1",
        produced_by=FACILITY_GAP,
    ),
    IndicatorSpec(
        name="has_<type_code>",
        meaning_zh="至少有一处该类设施（自有或在共享范围内由相邻单元共享）为 1，否则为 0。"
        + _UNIT_TIER_RULE_ZH,
        meaning_en=(
            "1 when at least one facility of the type is the unit's own or shared to it from "
            "within reach (own + shared count >= 1), else 0. " + _UNIT_TIER_RULE_EN
        ),
        unit="1/0",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="count_deficit_<type_code>",
        meaning_zh="该类设施按标准应配数量与现有（含共享）数量之差，不足为正，达标为 0。"
        + _UNIT_TIER_RULE_ZH,
        meaning_en=(
            "Facilities of the type still missing: required count minus own and shared "
            "count, 0 when met. " + _UNIT_TIER_RULE_EN
        ),
        unit="facilities",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="area_deficit_<type_code>",
        meaning_zh=(
            "该类设施面积缺口（m²）：按标准应配面积（建筑面积；仅有用地面积规定的类型为用地面积）"
            "减去现有面积（自有加按人口分摊的共享面积），达标为 0；有设施面积未知时为无数据。"
        )
        + _UNIT_TIER_RULE_ZH,
        meaning_en=(
            "Area shortfall of the type in m²: required floor area (land area for types with only "
            "a land-area rule) minus the existing area (own plus the population-apportioned share "
            "of shared facilities), 0 when met; no data when a facility's area is unknown. "
            + _UNIT_TIER_RULE_EN
        ),
        unit="m²",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="status_ok_<type_code>",
        meaning_zh=(
            "按配置测算结果（provision_status）该类设施为“达标”或“共享达标”时为 1，"
            "“面积不足”或“缺项”时为 0。社区人口规模不符不影响本指标（见 population_in_range）。"
            + _UNIT_TIER_RULE_ZH
        ),
        meaning_en=(
            "1 when the provision arithmetic found the type 达标 (met) or 共享达标 (met by "
            "sharing), 0 when 面积不足 (area short) or 缺项 (missing): the provision_status "
            "column, so a population outside the tier's range (规模不符) does not count here; "
            "population_in_range scores that. " + _UNIT_TIER_RULE_EN
        ),
        unit="1/0",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="types_short",
        meaning_zh=(
            "社区级和小区级应配建设施中，按配置测算结果既非“达标”也非“共享达标”的类型数"
            "（小区级类型任一小区不达标即计入）。"
        ),
        meaning_en=(
            "Number of mandatory community- and neighbourhood-tier facility types the provision "
            "arithmetic found neither 达标 nor 共享达标 for the community (a neighbourhood-tier "
            "type counts when any of its compounds is short)."
        ),
        unit="types",
        produced_by=TIERED_PROVISION,
    ),
    IndicatorSpec(
        name="planned_projects",
        meaning_zh="专项规划数据中位于本社区的项目数（任意状态）。",
        meaning_en="Projects of the special plan in the community, in any status (plan data).",
        unit="projects",
        produced_by=PLAN_DATA,
    ),
)


def find_indicator(
    name: str, type_codes: Optional[Collection[str]] = None
) -> Optional[Tuple[IndicatorSpec, str]]:
    """The catalogue entry that ``name`` is an instance of, and the type code it names ("").

    With ``type_codes`` (those of a facility standard) a per-type name must end in one of them;
    without, any well-formed code is accepted, since the standard is not known yet.
    """
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        return None
    for spec in CATALOGUE:
        if not spec.per_type:
            if name == spec.name:
                return spec, ""
            continue
        code = name[len(spec.prefix) :] if name.startswith(spec.prefix) else ""
        known = type_codes is None or code in type_codes
        if code and _NAME_PATTERN.match(code) and known:
            return spec, code
    return None


def indicator_names(type_codes: Collection[str]) -> List[str]:
    """Every concrete indicator name for a standard with ``type_codes``, catalogue order."""
    names: List[str] = []
    for spec in CATALOGUE:
        if spec.per_type:
            names += [spec.concrete(code) for code in type_codes]
        else:
            names.append(spec.name)
    return names


def catalogue_names() -> Tuple[str, ...]:
    """The catalogue's names as written, placeholders included (for messages and help)."""
    return tuple(spec.name for spec in CATALOGUE)
