"""The plain data a workbook is written from.

The Processing adapter turns layers and the results of the other algorithms into these records;
the writer knows nothing of QGIS. Texts that exist in both languages (facility type names, the
standard's name) may be given as a rubric ``Bilingual`` (anything with ``zh`` and ``en``) or as
plain text already in the workbook's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

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


MEASURE_DISTANCE = "distance"
MEASURE_TIME = "time"


@dataclass(frozen=True)
class GapType:
    """A facility type of the facility gap result: its code and name, its walking radius
    (metres) or, measured in walking time, its minutes, and whether the standard requires it
    (应配建)."""

    code: str
    name: Text
    radius_m: float
    mandatory: bool = True
    minutes: Optional[float] = None


@dataclass(frozen=True)
class CompoundGaps:
    """One compound of the facility gap result, for every type of its :class:`GapTable`:
    ``nearest`` the walking distance (m) — or time (min) when the table measures time — to
    the nearest facility (None: none within the search limit), ``covered`` whether that is
    within the type's reach (the analysis' ``ok_T``).

    ``community_id`` places the compound in its community (and so its 片区 when workbooks
    are split by district); ``district`` does so directly for a compound in no community.
    """

    unit_id: Any
    unit_name: str
    population: Optional[float]
    nearest: Tuple[Optional[float], ...]
    covered: Tuple[bool, ...]
    community_id: Any = None
    community_name: str = ""
    district: str = ""


@dataclass
class GapTable:
    """The facility gap result: its types (in the order of every compound's values), its
    compounds, and whether ``nearest`` is metres (``distance``) or minutes (``time``)."""

    types: Sequence[GapType]
    compounds: Sequence[CompoundGaps]
    measure: str = MEASURE_DISTANCE

    def with_compounds(self, compounds: Sequence[CompoundGaps]) -> GapTable:
        return GapTable(self.types, compounds, self.measure)


class TypeDeficit(NamedTuple):
    """What one unit lacks of one facility type under the standard: ``status`` is a
    provision status code (``missing``, ``area_short``); counts and areas (m²) are None where
    the standard has no rule for them or an area is unknown. (A named tuple: a city has some
    200,000 of them.)"""

    type_code: str
    type_name: Text
    status: str
    required_count: Optional[int]
    existing_count: Optional[int]
    deficit_count: Optional[int]
    deficit_floor_area: Optional[float]
    deficit_land_area: Optional[float]


@dataclass(frozen=True)
class UnitDeficits:
    """One unit (片区, 社区 or 小区) with what it lacks, type by type: one row of 配置缺口.

    ``size_flag`` says whether its population is outside its tier's range (``too_small``,
    ``too_large``, "" within). ``community_id`` / ``district`` place the row as
    :class:`CompoundGaps` does.
    """

    tier: str
    unit_id: Any
    unit_name: str
    population: Optional[float]
    deficits: Tuple[TypeDeficit, ...]
    size_flag: str = ""
    community_id: Any = None
    district: str = ""

    @property
    def count_deficit(self) -> Optional[int]:
        """Facilities missing, all types together (None when no type has a count rule)."""
        counts = [d.deficit_count for d in self.deficits if d.deficit_count is not None]
        return sum(counts) if counts else None

    def area_deficit(self, attribute: str) -> Optional[float]:
        """Floor (``deficit_floor_area``) or land area missing, all types together; None when
        no type has such a rule."""
        areas = [getattr(d, attribute) for d in self.deficits]
        known = [area for area in areas if area is not None]
        return sum(known) if known else None


@dataclass(frozen=True)
class WorkbookMetadata:
    """What the 说明 sheet says about how the workbook was made.

    ``title`` (e.g. the city or district, "南京市玄武区") heads every sheet. ``data_sources`` are
    lines of text, or a mapping of what to where it came from. ``date`` defaults to today.
    ``gap_source`` and ``provision_source`` name the facility gap result and the provision
    table: the lists show one row per compound and per unit, and the about sheet sends the
    reader there for every compound and type, every unit and type.
    """

    title: str = ""
    standard_name: Text = ""
    standard_version: str = ""
    data_sources: Union[Sequence[str], Mapping[str, Any]] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    date: Union[datetime.date, str, None] = None
    plugin_version: str = ""
    notes: Sequence[str] = ()
    gap_source: str = ""
    provision_source: str = ""

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


@dataclass(frozen=True)
class Map:
    """A picture (PNG) to show in the workbook, e.g. a community's map: ``width`` × ``height``
    pixels as shown; ``description`` is its alternative text."""

    png: bytes
    width: int
    height: int
    description: str = ""


@dataclass
class WorkbookData:
    """Everything one evaluation workbook (or a set split by 片区) is written from.

    ``scores`` are the rubric scores of the communities, in the order the summary lists them.
    ``gaps`` (the facility gap result: the coverage and gap list sheets), ``deficits`` (the
    units short of facilities: 配置缺口) and ``projects`` are None when not given (their
    sheets are left out) and empty when given with no rows (the sheet says "none").
    ``projects`` are rows of the plan data, one mapping per project; its keys become the
    columns. ``scenario`` makes the 规划前后对比 sheet; without it the sheet is left out.
    ``summary_maps`` are shown below the summary's table and ``form_maps[community id]`` below
    that community's form (ids matched as text), inside the printed area.
    """

    rubric: Rubric
    scores: Sequence[CommunityScore]
    communities: Sequence[CommunityInfo] = ()
    gaps: Optional[GapTable] = None
    deficits: Optional[Sequence[UnitDeficits]] = None
    projects: Optional[Sequence[Mapping[str, Any]]] = None
    scenario: Optional[ScenarioData] = None
    metadata: WorkbookMetadata = field(default_factory=WorkbookMetadata)
    language: str = "zh"
    summary_maps: Sequence[Map] = ()
    form_maps: Mapping[Any, Sequence[Map]] = field(default_factory=dict)


def deficits_from_provision(
    rows: Iterable[Any],
    type_name: Callable[[str], Text],
    unit_name: Callable[[str, Any], str] = lambda tier, unit_id: "",
    district_name: Callable[[Any], str] = str,
    mandatory_only: bool = True,
    required_count: Callable[[Any], Optional[int]] = lambda row: row.required_count,
) -> List[UnitDeficits]:
    """The units short of facilities, one record per unit, from the tiered provisioning's
    rows (one per unit and type), in the order the units first appear.

    ``rows`` are :class:`..provision.model.ProvisionRow`, or anything with their attributes
    (the scoring's ``ProvisionRecord`` read from the table, whose required count
    ``required_count`` then gives). A type is short where the arithmetic found it missing or
    short of area, or a count deficit; a unit whose population is outside its tier's range is
    listed only when it is also short of something (its ``size_flag`` says so).
    ``mandatory_only`` keeps the types the standard requires (应配建). ``unit_name(tier, id)``
    names a unit; a community's record carries its own id as ``community_id`` and a district's
    its name (``district_name`` of its id) as ``district``, so that splitting by 片区 puts them
    in the right workbook; a compound's record goes with its community.
    """
    names: Dict[str, Text] = {}
    found: Dict[Tuple[str, Any], Tuple[Any, List[TypeDeficit]]] = {}
    for row in rows:
        if mandatory_only and not row.mandatory:
            continue
        if row.provision_status in ("ok", "ok_shared") and not row.deficit_count:
            continue
        key = (row.tier, row.unit_id)
        entry = found.get(key)
        if entry is None:
            entry = found[key] = (row, [])
        code = row.type_code
        name = names.get(code)
        if name is None:
            name = names[code] = type_name(code)
        entry[1].append(
            TypeDeficit(
                code,
                name,
                row.provision_status,
                required_count(row),
                _whole(row.own_count + row.shared_count),
                _whole(row.deficit_count),
                row.deficit_floor_area,
                row.deficit_land_area,
            )
        )
    return [
        UnitDeficits(
            tier=first.tier,
            unit_id=first.unit_id,
            unit_name=unit_name(first.tier, first.unit_id),
            population=first.population,
            deficits=tuple(deficits),
            size_flag=first.size_flag,
            community_id=_own_or_parent(first, "community"),
            district=_district(first, district_name),
        )
        for first, deficits in found.values()
    ]


def _whole(value: Any) -> Optional[int]:
    """A count as a whole number (tables hold them as floats); None stays None."""
    if value is None or value != value:
        return None
    return round(value)


def _district(row: Any, district_name: Callable[[Any], str]) -> str:
    district_id = _own_or_parent(row, "district")
    return "" if district_id is None else district_name(district_id)


def _own_or_parent(row: Any, tier: str) -> Any:
    """The unit itself at ``tier``, or its parent when the parent is of ``tier``."""
    if row.tier == tier:
        return row.unit_id
    parent_tier = {"neighbourhood": "community", "community": "district"}.get(row.tier)
    return (row.parent_id or None) if parent_tier == tier else None
