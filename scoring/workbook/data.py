"""The plain data a workbook is written from.

The Processing adapter turns layers and the results of the other algorithms into these records;
the writer knows nothing of QGIS. Texts that exist in both languages (facility type names, the
standard's name) may be given as a rubric ``Bilingual`` (anything with ``zh`` and ``en``) or as
plain text already in the workbook's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Union

from ..provision.model import ProvisionRow
from ..rubric import CommunityScore, Rubric

#: Text in the workbook's language, or both languages (``zh`` and ``en`` attributes).
Text = Any


@dataclass(frozen=True)
class CommunityInfo:
    """A community's name and the 片区 it belongs to ("" for none), matched to its scores by
    id as text (101, 101.0 and "101" are one community)."""

    id: Any
    name: str = ""
    district: str = ""


@dataclass(frozen=True)
class GapRow:
    """One compound and one facility type: the walking distance to the nearest facility of the
    type (None: none reachable within the search limit), the type's radius, and the residents
    affected when it is beyond the radius.

    ``community_id`` places the row in its community's 片区 when workbooks are split by
    district; ``district`` does so directly for a compound in no community.
    """

    unit_id: Any
    unit_name: str
    type_code: str
    type_name: Text
    distance_m: Optional[float]
    radius_m: float
    population: Optional[float]
    community_id: Any = None
    community_name: str = ""
    district: str = ""
    remark: str = ""

    @property
    def covered(self) -> bool:
        return self.distance_m is not None and self.distance_m <= self.radius_m


@dataclass(frozen=True)
class DeficitRow:
    """One unit (片区, 社区 or 小区) and one facility type of the tiered provisioning.

    Counts and areas (m²) are None where the standard has no rule for them or an area is
    unknown. ``status`` is a provision status code (``missing``, ``area_short`` ...; shown in
    words) or text shown as given.
    """

    tier: str
    unit_id: Any
    type_code: str
    type_name: Text
    required_count: Optional[int]
    existing_count: Optional[int]
    deficit_count: Optional[int]
    required_floor_area: Optional[float]
    existing_floor_area: Optional[float]
    deficit_floor_area: Optional[float]
    required_land_area: Optional[float]
    existing_land_area: Optional[float]
    deficit_land_area: Optional[float]
    status: str
    unit_name: str = ""
    community_id: Any = None
    district: str = ""


@dataclass(frozen=True)
class WorkbookMetadata:
    """What the 说明 sheet says about how the workbook was made.

    ``title`` (e.g. the city or district, "南京市玄武区") heads every sheet. ``data_sources`` are
    lines of text, or a mapping of what to where it came from. ``date`` defaults to today.
    """

    title: str = ""
    standard_name: Text = ""
    standard_version: str = ""
    data_sources: Union[Sequence[str], Mapping[str, Any]] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    date: Union[datetime.date, str, None] = None
    plugin_version: str = ""
    notes: Sequence[str] = ()

    def date_text(self) -> str:
        if self.date is None:
            return datetime.date.today().isoformat()
        if isinstance(self.date, datetime.datetime):
            return self.date.date().isoformat()
        if isinstance(self.date, datetime.date):
            return self.date.isoformat()
        return str(self.date)


@dataclass(frozen=True)
class ScenarioTypeRow:
    """One facility type before and after the plan: projects of the type added, compounds and
    residents within its radius before and after, and the shares of all residents covered
    (None where the population is unknown)."""

    type_code: str
    type_name: Text
    radius_m: float
    projects: int
    units_covered_before: int
    units_covered_after: int
    population_covered_before: Optional[float]
    population_covered_after: Optional[float]
    share_before: Optional[float] = None
    share_after: Optional[float] = None

    @property
    def population_gained(self) -> Optional[float]:
        if self.population_covered_before is None or self.population_covered_after is None:
            return None
        return self.population_covered_after - self.population_covered_before


@dataclass(frozen=True)
class ScenarioChangeRow:
    """One compound and facility type whose walking distance the plan shortens: the distance
    before (None: nothing within the search limit) and after, whether it is within the radius
    before and after, and the compound's residents.

    ``community_id`` / ``district`` place the row as :class:`GapRow` does.
    """

    unit_id: Any
    unit_name: str
    type_code: str
    type_name: Text
    radius_m: float
    distance_before: Optional[float]
    distance_after: Optional[float]
    covered_before: bool
    covered_after: bool
    population: Optional[float]
    community_id: Any = None
    community_name: str = ""
    district: str = ""

    @property
    def gap_closed(self) -> bool:
        return self.covered_after and not self.covered_before


@dataclass
class ScenarioData:
    """What the plan scenario changes, for the 规划前后对比 sheet.

    ``types`` compare coverage per facility type over the whole area analysed; ``changes`` are
    the compounds and types whose distance the plan shortens; ``scores_after`` (optional) are
    the communities scored again with the gap result after the plan, shown next to
    :attr:`WorkbookData.scores` as the score change.
    """

    types: Sequence[ScenarioTypeRow] = ()
    changes: Sequence[ScenarioChangeRow] = ()
    scores_after: Optional[Sequence[CommunityScore]] = None


@dataclass
class WorkbookData:
    """Everything one evaluation workbook (or a set split by 片区) is written from.

    ``scores`` are the rubric scores of the communities, in the order the summary lists them.
    ``gaps``, ``deficits`` and ``projects`` are None when not given (their sheet is left out)
    and an empty list when given with no rows (the sheet says "none"). ``projects`` are rows
    of the plan data, one mapping per project; its keys become the columns. ``scenario`` makes
    the 规划前后对比 sheet; without it the sheet is left out.
    """

    rubric: Rubric
    scores: Sequence[CommunityScore]
    communities: Sequence[CommunityInfo] = ()
    gaps: Optional[Sequence[GapRow]] = None
    deficits: Optional[Sequence[DeficitRow]] = None
    projects: Optional[Sequence[Mapping[str, Any]]] = None
    scenario: Optional[ScenarioData] = None
    metadata: WorkbookMetadata = field(default_factory=WorkbookMetadata)
    language: str = "zh"


def deficit_rows_from_provision(
    rows: Iterable[ProvisionRow],
    type_name: Callable[[str], Text],
    unit_name: Callable[[Any], str] = lambda unit_id: "",
    district_name: Callable[[Any], str] = str,
    only_short: bool = True,
) -> List[DeficitRow]:
    """Deficit rows from the tiered provisioning's rows.

    ``type_name`` gives a type code's name (a standard's ``Bilingual`` works); ``only_short``
    keeps the rows with a deficit or a status other than met, which is what a gap list shows.
    A community's row carries its own id as ``community_id`` and a district's row its name
    (``district_name`` of its id, the name :class:`CommunityInfo` uses) as ``district``, so
    that splitting by 片区 puts them in the right workbook; a compound's row goes with its
    community.
    """
    result: List[DeficitRow] = []
    for row in rows:
        short = row.status not in ("ok", "ok_shared") or bool(row.deficit_count)
        if only_short and not short:
            continue
        result.append(
            DeficitRow(
                tier=row.tier,
                unit_id=row.unit_id,
                type_code=row.type_code,
                type_name=type_name(row.type_code),
                required_count=row.required_count,
                existing_count=row.own_count + row.shared_count,
                deficit_count=row.deficit_count,
                required_floor_area=row.required_floor_area,
                existing_floor_area=row.existing_floor_area,
                deficit_floor_area=row.deficit_floor_area,
                required_land_area=row.required_land_area,
                existing_land_area=row.existing_land_area,
                deficit_land_area=row.deficit_land_area,
                status=row.status,
                unit_name=unit_name(row.unit_id),
                community_id=_own_or_parent(row, "community"),
                district=_district(row, district_name),
            )
        )
    return result


def _district(row: ProvisionRow, district_name: Callable[[Any], str]) -> str:
    district_id = _own_or_parent(row, "district")
    return "" if district_id is None else district_name(district_id)


def _own_or_parent(row: ProvisionRow, tier: str) -> Any:
    """The unit itself at ``tier``, or its parent when the parent is of ``tier``."""
    if row.tier == tier:
        return row.unit_id
    parent_tier = {"neighbourhood": "community", "community": "district"}.get(row.tier)
    return row.parent_id if parent_tier == tier else None
