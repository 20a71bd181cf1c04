"""The workbook's rows from what the analyses wrote: the records of :mod:`.data` made from the
columns of the facility gap result, the provision table, the plan scenario's outputs and the plan
store's projects.

The Processing adapter (``exportworkbook``) reads those inputs in bulk and hands the columns
here; nothing here imports ``qgis``. The gap result comes as :class:`..rubric.GapColumns`.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from ..plan import FUNDING_SOURCES, PROJECTS, STATUSES, choice_label, field_spec
from ..provision import COMMUNITY, DISTRICT, NEIGHBOURHOOD
from ..rubric import Bilingual, GapColumns, ProvisionColumns, ProvisionRecord, community_key
from ..standard import FacilityStandard
from ..values import numeric_or_none
from .data import (
    MEASURE_DISTANCE,
    MEASURE_TIME,
    CommunityInfo,
    CompoundGaps,
    GapTable,
    GapType,
    ScenarioChangeRow,
    ScenarioTypeRow,
    UnitDeficits,
    deficits_from_provision,
)

#: The fields read from the plan scenario's outputs (``completecommunity:planscenario``).
COMPARISON_FIELDS = (
    "type_code",
    "radius_m",
    "n_projects",
    "units_covered_before",
    "units_covered_after",
    "pop_covered_before",
    "pop_covered_after",
    "share_before",
    "share_after",
)
CHANGE_FIELDS = (
    "unit_id",
    "type_code",
    "radius_m",
    "dist_before",
    "dist_after",
    "ok_before",
    "ok_after",
    "population",
)


def split_ids(text: str) -> List[str]:
    """Ids typed as one text: separated by commas or semicolons (either width) or new lines."""
    for separator in ("，", ";", "；", "\n"):
        text = (text or "").replace(separator, ",")
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def type_name(standard: FacilityStandard, code: str) -> Any:
    """A type's name in both languages; the code itself for a type the standard lacks."""
    if code in standard.codes():
        facility_type = standard.type_by_code(code)
        return Bilingual(facility_type.name_zh, facility_type.name_en)
    return code


def compound_names(gaps: Optional[GapColumns]) -> Dict[str, str]:
    if gaps is None:
        return {}
    return {community_key(uid): name for uid, name in zip(gaps.compound_ids, gaps.names) if name}


def compound_places(gaps: Optional[GapColumns]) -> Dict[str, tuple]:
    """Compound id (as text) -> (name, community id), from the gap result when given."""
    if gaps is None:
        return {}
    return {
        community_key(uid): (name or "", community)
        for uid, name, community in zip(gaps.compound_ids, gaps.names, gaps.community_ids)
    }


def scenario_type_row(row: Mapping[str, Any], standard: FacilityStandard) -> ScenarioTypeRow:
    code = str(row["type_code"] or "")
    return ScenarioTypeRow(
        type_code=code,
        type_name=type_name(standard, code),
        radius_m=numeric_or_none(row["radius_m"]),
        projects=_count(numeric_or_none(row["n_projects"])),
        units_covered_before=_count(numeric_or_none(row["units_covered_before"])),
        units_covered_after=_count(numeric_or_none(row["units_covered_after"])),
        population_covered_before=numeric_or_none(row["pop_covered_before"]),
        population_covered_after=numeric_or_none(row["pop_covered_after"]),
        share_before=numeric_or_none(row["share_before"]),
        share_after=numeric_or_none(row["share_after"]),
    )


def scenario_change_row(
    row: Mapping[str, Any], standard: FacilityStandard, compounds: Mapping[str, tuple]
) -> ScenarioChangeRow:
    """A compound and type the plan brings nearer; named and placed in its community from the
    gap result (without one, the compound is shown by its id only)."""
    unit = row["unit_id"]
    name, community = compounds.get(community_key(unit), ("", None))
    code = str(row["type_code"] or "")
    return ScenarioChangeRow(
        unit_id=unit,
        unit_name=name,
        type_code=code,
        type_name=type_name(standard, code),
        radius_m=numeric_or_none(row["radius_m"]),
        distance_before=numeric_or_none(row["dist_before"]),
        distance_after=numeric_or_none(row["dist_after"]),
        covered_before=numeric_or_none(row["ok_before"]) == 1,
        covered_after=numeric_or_none(row["ok_after"]) == 1,
        population=numeric_or_none(row["population"]),
        community_id=community,
    )


def gap_table(gaps: GapColumns, standard: FacilityStandard) -> GapTable:
    """The facility gap result for the coverage and gap list sheets: the standard's types in
    the result, and per compound the nearest distance (or time, when the analysis measured
    walking time) and ``ok_T`` of each."""
    known = [code for code in gaps.codes if code in standard.codes()]
    time = bool(known) and all(code in gaps.times for code in known)
    nearest = gaps.times if time else gaps.distances
    types = []
    for code in known:
        kind = standard.type_by_code(code)
        types.append(
            GapType(
                code=code,
                name=Bilingual(kind.name_zh, kind.name_en),
                radius_m=kind.radius_m,
                mandatory=bool(kind.mandatory),
                minutes=getattr(kind, "walk_minutes", None),
            )
        )
    nearest_rows = list(zip(*(_numbers(nearest[code]) for code in known)))
    covered_rows = list(zip(*(_flags(gaps.ok[code]) for code in known)))
    if not known:
        nearest_rows = covered_rows = [()] * len(gaps.compound_ids)
    population = _numbers(gaps.population)
    compounds = [
        CompoundGaps(
            unit_id=compound,
            unit_name=name or "",
            population=people,
            nearest=distances,
            covered=flags,
            community_id=community,
        )
        for compound, name, people, distances, flags, community in zip(
            gaps.compound_ids,
            gaps.names,
            population,
            nearest_rows,
            covered_rows,
            gaps.community_ids,
        )
    ]
    return GapTable(types, compounds, MEASURE_TIME if time else MEASURE_DISTANCE)


def _numbers(values: Sequence[Any]) -> List[Optional[float]]:
    """Numbers as read (numbers pass, numeric text from a CSV is converted), None for NULL."""
    return [
        value if (type(value) is float and value == value) or type(value) is int
        else numeric_or_none(value)
        for value in values
    ]  # fmt: skip


def _flags(values: Sequence[Any]) -> List[Optional[bool]]:
    """``ok_T`` as True / False, None where the analysis could not judge (no geometry)."""
    return [None if number is None else number == 1 for number in _numbers(values)]


def deficit_list(
    required: Optional[Sequence[Any]],
    provision: ProvisionColumns,
    standard: FacilityStandard,
    names: Mapping[str, Mapping[str, str]],
    district_name: Callable[[Any], str],
) -> List[UnitDeficits]:
    """配置缺口: the units of the provision table short of a required facility, district tier
    first; each unit named from its own tier's names (ids of different tiers may look alike).
    The required count, which the indicators do not read, comes from the provision table's
    ``required_count`` column, ``required`` (None without one)."""
    order = {DISTRICT: 0, COMMUNITY: 1, NEIGHBOURHOOD: 2}
    records = provision.records()
    rows = sorted(records, key=lambda record: order.get(record.tier, 3))  # stable within a tier

    def required_count(record: ProvisionRecord) -> Optional[int]:
        value = numeric_or_none(required[record.row - 1]) if required is not None else None
        return None if value is None else round(value)

    return deficits_from_provision(
        rows,
        type_name=lambda code: type_name(standard, code),
        unit_name=lambda tier, unit_id: names.get(tier, {}).get(community_key(unit_id), ""),
        district_name=district_name,
        required_count=required_count,
    )


def _count(value: Optional[float]) -> int:
    return 0 if value is None or math.isnan(value) else round(value)


def project_row(
    project: Any,
    communities: Mapping[str, CommunityInfo],
    standard: FacilityStandard,
    language: str,
    reached: Optional[Mapping[str, str]] = None,
) -> Dict[str, Any]:
    """One project of the plan store as a 项目库 row: known keys get the sheet's words, codes
    their labels in the workbook's language; ``reached`` (status -> when, from the store's
    history) gives a date column per status (储备日期 … 完工日期), empty where not known."""
    info = communities.get(community_key(project.community_id))
    facility = type_name(standard, project.type_code)
    return {
        "project_id": project.id,
        "name": project.name,
        "community_id": project.community_id,
        "community": info.name if info is not None else "",
        "district": info.district if info is not None else "",
        "facility_type": facility.get(language) if isinstance(facility, Bilingual) else facility,
        "category": project.category,
        "status": choice_label(STATUSES, project.status, language),
        **{
            status_date_header(choice, language): local_date((reached or {}).get(choice.code))
            for choice in STATUSES
        },
        "start": project.start_year,
        "end": project.end_year,
        "investment": project.investment_wan,
        "floor_area": project.floor_area,
        "land_area": project.land_area,
        field_spec(PROJECTS, "funding_source").label(language): choice_label(
            FUNDING_SOURCES, project.funding_source, language
        ),
        "notes": project.notes,
    }


def status_date_header(choice: Any, language: str) -> str:
    """The 项目库 column of the date a project reached a status: 在建日期 / Under construction
    since."""
    return f"{choice.zh}日期" if language.startswith("zh") else f"{choice.en} since"


def local_date(timestamp: Optional[str]) -> Optional[datetime.date]:
    """The day (in this computer's time zone) of a history time in UTC; None for none."""
    if not timestamp:
        return None
    try:
        moment = datetime.datetime.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc).astimezone().date()
