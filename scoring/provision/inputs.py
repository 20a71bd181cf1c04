"""Checking the units and facilities, and rolling population up 小区 → 社区 → 片区.

Everything a user can get wrong in their layers (a repeated id, a parent id that names no
unit, a population or area field holding text) stops the run here, before any arithmetic, with
a message naming the unit or facility and the field. Mistakes only the adapter can make
(an unknown tier code, a population given for a higher tier) are ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ..errors import N_, DataError
from .model import (
    BOTTOM_UP,
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    PARENT_TIER,
    Facility,
    FacilityId,
    RollUp,
    Unit,
    UnitId,
)

_DUPLICATE_UNIT = N_("{tier} unit {unit_id} appears more than once; ids must be unique per tier")
_UNKNOWN_PARENT = N_(
    "{tier} unit {unit_id}: its parent {parent_id} is not one of the {parent_tier} units"
)
_POPULATION_MISSING = N_("{tier} unit {unit_id}: population is missing")
_POPULATION_NOT_NUMBER = N_("{tier} unit {unit_id}: population '{value}' is not a number")
_POPULATION_NEGATIVE = N_("{tier} unit {unit_id}: population {value} is negative")
_DUPLICATE_FACILITY = N_("Facility {facility_id} appears more than once; ids must be unique")
_FIELD_NOT_NUMBER = N_(
    "Facility {facility_id}: field '{field}' holds '{value}', which is not a number"
)
_FIELD_NEGATIVE = N_("Facility {facility_id}: field '{field}' is negative ({value})")
_FACILITY_UNKNOWN_UNIT = N_(
    "Facility {facility_id}: it is said to lie in {tier} unit {unit_id}, which does not exist"
)


class _NotANumberError(Exception):
    pass


def to_number(value: Any) -> Optional[float]:
    """A float from a number or numeric text; None for None, NaN and empty text.

    Layers deliver areas as numbers, NULL or, in a text field, as text: "1200" is accepted,
    "1,200" or "约1200" is not (raises ``_NotANumberError``), since guessing would hide typos.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _NotANumberError()
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _NotANumberError() from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise _NotANumberError()
    return number


# --------------------------------------------------------------------------------------------
# Units and population
# --------------------------------------------------------------------------------------------


def roll_up(units: Sequence[Unit]) -> RollUp:
    """Index the units by tier, check their parents and sum population bottom-up.

    Population is given at the lowest tier that has units (normally 小区) and every higher
    unit's population is exactly the sum of its children's, so the totals of two tiers differ
    only by the population of orphans (units with no parent), which is reported.
    """
    by_tier = _index_units(units)
    _check_parents(by_tier)
    lowest = next((tier for tier in BOTTOM_UP if by_tier[tier]), None)
    population: Dict[str, Dict[UnitId, float]] = {tier: {} for tier in BOTTOM_UP}
    for tier in BOTTOM_UP:
        if tier == lowest:
            population[tier] = {uid: _population(unit) for uid, unit in by_tier[tier].items()}
        elif by_tier[tier]:
            population[tier] = _sum_children(by_tier, population, tier)
    orphans = {tier: _orphans(by_tier, tier) for tier in BOTTOM_UP}
    unassigned = {
        tier: math.fsum(population[tier][uid] for uid in orphans[tier]) for tier in BOTTOM_UP
    }
    return RollUp(
        units=by_tier, population=population, orphans=orphans, unassigned_population=unassigned
    )


def _index_units(units: Sequence[Unit]) -> Dict[str, Dict[UnitId, Unit]]:
    by_tier: Dict[str, Dict[UnitId, Unit]] = {tier: {} for tier in BOTTOM_UP}
    for unit in units:
        if unit.tier not in by_tier:
            raise ValueError(f"unknown tier {unit.tier!r}; expected one of {BOTTOM_UP}")
        if PARENT_TIER[unit.tier] is None and unit.parent_id is not None:
            raise ValueError(f"{unit.tier} unit {unit.id!r} cannot have a parent")
        if unit.id in by_tier[unit.tier]:
            raise DataError(_DUPLICATE_UNIT, tier=unit.tier, unit_id=unit.id)
        by_tier[unit.tier][unit.id] = unit
    return by_tier


def _check_parents(by_tier: Mapping[str, Mapping[UnitId, Unit]]) -> None:
    for tier, units in by_tier.items():
        parent_tier = PARENT_TIER[tier]
        for unit in units.values():
            if parent_tier is None or unit.parent_id is None:
                continue
            if unit.parent_id not in by_tier[parent_tier]:
                raise DataError(
                    _UNKNOWN_PARENT,
                    tier=tier,
                    unit_id=unit.id,
                    parent_id=unit.parent_id,
                    parent_tier=parent_tier,
                )


def _population(unit: Unit) -> float:
    try:
        value = to_number(unit.population)
    except _NotANumberError:
        raise DataError(
            _POPULATION_NOT_NUMBER, tier=unit.tier, unit_id=unit.id, value=unit.population
        ) from None
    if value is None:
        raise DataError(_POPULATION_MISSING, tier=unit.tier, unit_id=unit.id)
    if value < 0:
        raise DataError(_POPULATION_NEGATIVE, tier=unit.tier, unit_id=unit.id, value=value)
    return value


def _sum_children(
    by_tier: Mapping[str, Mapping[UnitId, Unit]],
    population: Mapping[str, Mapping[UnitId, float]],
    tier: str,
) -> Dict[UnitId, float]:
    for unit in by_tier[tier].values():
        if unit.population is not None:
            raise ValueError(
                f"{tier} unit {unit.id!r}: population is rolled up from the tier below; "
                "give it only at the lowest tier"
            )
    child_tier = next(child for child, parent in PARENT_TIER.items() if parent == tier)
    parts: Dict[UnitId, List[float]] = {uid: [] for uid in by_tier[tier]}
    for child in by_tier[child_tier].values():
        if child.parent_id is not None:
            parts[child.parent_id].append(population[child_tier][child.id])
    return {uid: math.fsum(values) for uid, values in parts.items()}


def _orphans(by_tier: Mapping[str, Mapping[UnitId, Unit]], tier: str) -> Tuple[UnitId, ...]:
    parent_tier = PARENT_TIER[tier]
    if parent_tier is None or not by_tier[parent_tier]:
        return ()
    return tuple(uid for uid, unit in by_tier[tier].items() if unit.parent_id is None)


# --------------------------------------------------------------------------------------------
# Facilities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFacility:
    """A facility with checked numbers and unit ids; ``index`` is its input position."""

    index: int
    id: FacilityId
    type_code: Optional[str]
    unit_of: Mapping[str, Optional[UnitId]]
    floor_area: Optional[float]
    land_area: Optional[float]
    capacity: Optional[float]


def check_facilities(
    facilities: Sequence[Facility], units: Mapping[str, Mapping[UnitId, Unit]]
) -> List[CheckedFacility]:
    """Facilities with unique ids, numeric areas and unit ids that name real units."""
    seen: Dict[FacilityId, int] = {}
    checked: List[CheckedFacility] = []
    for index, facility in enumerate(facilities):
        if facility.id in seen:
            raise DataError(_DUPLICATE_FACILITY, facility_id=facility.id)
        seen[facility.id] = index
        unit_of = {
            NEIGHBOURHOOD: facility.neighbourhood_id,
            COMMUNITY: facility.community_id,
            DISTRICT: facility.district_id,
        }
        for tier, uid in unit_of.items():
            if uid is not None and uid not in units[tier]:
                raise DataError(
                    _FACILITY_UNKNOWN_UNIT, facility_id=facility.id, tier=tier, unit_id=uid
                )
        code = facility.type_code if facility.type_code not in ("", None) else None
        checked.append(
            CheckedFacility(
                index=index,
                id=facility.id,
                type_code=None if code is None else str(code),
                unit_of=unit_of,
                floor_area=_amount(facility, "floor_area"),
                land_area=_amount(facility, "land_area"),
                capacity=_amount(facility, "capacity"),
            )
        )
    return checked


def _amount(facility: Facility, field_name: str) -> Optional[float]:
    raw = getattr(facility, field_name)
    if raw is None:
        return None
    if type(raw) is float and 0.0 <= raw < math.inf:  # as layers give most: no checks to make
        return raw
    try:
        value = to_number(raw)
    except _NotANumberError:
        raise DataError(
            _FIELD_NOT_NUMBER, facility_id=facility.id, field=field_name, value=raw
        ) from None
    if value is not None and value < 0:
        raise DataError(_FIELD_NEGATIVE, facility_id=facility.id, field=field_name, value=value)
    return value
