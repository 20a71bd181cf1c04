"""Required vs existing vs shared vs deficit, per unit of each tier and facility type.

For one requirement type R of tier T (say the 社区卫生服务站 of 社区) and one unit U of T:

1. *Required*: the count rule and area rules of R at U's population.
2. *Own*: every facility of R or of a type that satisfies R (``satisfiers``) lying in U.
   A facility always counts for its own unit first, and in full as a facility.
3. *Shared*: only if R is shareable and U is still short after its own facilities — of
   facilities (count) or of area, judged on the own facilities' full areas — U draws on
   facilities of other units (or of no unit) within R's ``reach_m``, nearest first, until the
   count and the areas at face value are filled or nothing more is in reach.
4. *Apportioning*: a facility serves its own unit plus every unit that drew on it; its floor
   area, land area and capacity are split among them by population (equally if none of them
   has residents). A complex of 3,000 m² serving communities of 6,000 / 5,000 / 4,000 people
   gives them 1,200 / 1,000 / 800 m², never 3,000 m² each. Existing areas are the sums of these
   portions, so a unit that shares out its own facility may itself end up 面积不足: the
   facility is too small for everyone it serves, which is the shortage to report.
5. *Status*: 缺项 when own + shared facilities are fewer than required; else 面积不足 when an
   area is short; else 达标 without sharing and 共享达标 with it. A unit whose population is
   outside its tier's range gets 规模不符 as ``status`` (its requirements are not meaningful),
   and ``provision_status`` keeps the finding above.

Apportioning is done per requirement type: a 社区卫生服务中心 is split among 片区 for the
centre requirement and among 社区 for the station requirement it also satisfies.
An unknown area (None) on a facility used makes the unit's existing area unknown: no deficit
is computed for it, a flag says so, and the status rests on the count and the other area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Protocol, Sequence, Set, Tuple

from ..errors import Cancelled
from ..network.measure import DISTANCE, Measure
from ..standard import FacilityStandard, FacilityType, TierRule
from .inputs import CheckedFacility, check_facilities, roll_up
from .model import (
    FLAG_FLOOR_AREA_UNKNOWN,
    FLAG_LAND_AREA_UNKNOWN,
    FLAG_ZERO_POPULATION,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    REASON_UNKNOWN_TYPE,
    REASON_UNTYPED,
    SIZE_IN_RANGE,
    SIZE_TOO_LARGE,
    SIZE_TOO_SMALL,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
    TOP_DOWN,
    Allocation,
    Facility,
    FacilityId,
    ProvisionResult,
    ProvisionRow,
    RollUp,
    Unit,
    UnitId,
    UnusedFacility,
)
from .reach import ReachTable
from .rules import Requirement, is_assessed, requirements_met_by, unassessed_types

#: Area differences below this (m²) are rounding, not a shortage.
AREA_TOLERANCE_M2 = 1e-6


class Progress(Protocol):
    """The slice of a Processing feedback the domain uses."""

    def set_progress(self, fraction: float) -> None: ...

    def is_cancelled(self) -> bool: ...


def provision(
    standard: FacilityStandard,
    units: Sequence[Unit],
    facilities: Sequence[Facility],
    reach: Optional[ReachTable] = None,
    feedback: Optional[Progress] = None,
    measure: Measure = DISTANCE,
) -> ProvisionResult:
    """Tiered provisioning of every unit for every assessed type of its tier.

    ``reach`` holds the facility-to-unit distances for sharing — metres, or with a walking-time
    ``measure`` seconds (each requirement then shares within its ``sharing.walk_minutes``, or
    its ``sharing.reach_m`` walked on flat ground); without it nothing is shared.
    Raises DataError for bad input the user can fix and Cancelled when ``feedback`` says so.
    """
    rollup = roll_up(units)
    checked = check_facilities(facilities, rollup.units)
    met_by = requirements_met_by(standard)
    index = _FacilityIndex(standard, checked, met_by, rollup, reach or ReachTable())
    requirements = [
        kind for tier in TOP_DOWN for kind in standard.types_for_tier(tier) if is_assessed(kind)
    ]
    rows: List[ProvisionRow] = []
    allocations: List[Allocation] = []
    for number, kind in enumerate(requirements):
        if feedback is not None and feedback.is_cancelled():
            raise Cancelled()
        type_rows, type_allocations = _provide_type(standard, kind, rollup, index, measure)
        rows += type_rows
        allocations += type_allocations
        if feedback is not None:
            feedback.set_progress((number + 1) / len(requirements))
    rows.sort(key=_row_order(standard, rollup))
    used = {allocation.facility_id for allocation in allocations}
    return ProvisionResult(
        rows=tuple(rows),
        allocations=tuple(allocations),
        rollup=rollup,
        size_flags={
            tier: {
                uid: _size_flag(people, standard.tiers.get(tier))
                for uid, people in rollup.population[tier].items()
            }
            for tier in TOP_DOWN
        },
        unused_facilities=_unused(checked, met_by, used),
        outside_units={tier: tuple(ids) for tier, ids in index.outside.items()},
        unassessed_types=unassessed_types(standard),
    )


def _row_order(standard: FacilityStandard, rollup: RollUp):
    """Tier top-down, then units in input order, then types in standard order."""
    tier_rank = {tier: rank for rank, tier in enumerate(TOP_DOWN)}
    unit_rank = {
        (tier, uid): rank for tier in TOP_DOWN for rank, uid in enumerate(rollup.units[tier])
    }
    type_rank = {code: rank for rank, code in enumerate(standard.codes())}

    def key(row: ProvisionRow) -> Tuple[int, int, int]:
        return tier_rank[row.tier], unit_rank[(row.tier, row.unit_id)], type_rank[row.type_code]

    return key


# --------------------------------------------------------------------------------------------
# Where each facility is and what it is near
# --------------------------------------------------------------------------------------------


class _FacilityIndex:
    """Facilities by (tier, type, own unit), and the other units each is within reach of.

    Built once, so that each requirement type looks up only the facilities that can count for
    it instead of scanning all 86,000.
    """

    def __init__(
        self,
        standard: FacilityStandard,
        facilities: Sequence[CheckedFacility],
        met_by: Mapping[str, Tuple[str, ...]],
        rollup: RollUp,
        reach: ReachTable,
    ) -> None:
        self.facilities = facilities
        self.reach = reach
        self.own: Dict[str, Dict[str, Dict[UnitId, List[int]]]] = {t: {} for t in TOP_DOWN}
        self.near: Dict[str, Dict[UnitId, Dict[str, List[Tuple[float, int]]]]] = {
            t: {} for t in TOP_DOWN
        }
        self.outside: Dict[str, List[FacilityId]] = {t: [] for t in TOP_DOWN}
        tiers_of = {
            code: sorted({standard.type_by_code(r).tier for r in requirements})
            for code, requirements in met_by.items()
        }
        for facility in facilities:
            for tier in tiers_of.get(facility.type_code or "", ()):
                self._place(facility, tier, rollup.units[tier], reach)
        for by_unit in self.near.values():
            for by_type in by_unit.values():
                for pairs in by_type.values():
                    pairs.sort()

    def _place(
        self, facility: CheckedFacility, tier: str, units: Mapping[UnitId, Unit], reach: ReachTable
    ) -> None:
        code = facility.type_code or ""
        home = facility.unit_of[tier]
        if home is None:
            self.outside[tier].append(facility.id)
        else:
            self.own[tier].setdefault(code, {}).setdefault(home, []).append(facility.index)
        for uid, distance in reach.units_near(tier, facility.id).items():
            if uid != home and uid in units:
                by_type = self.near[tier].setdefault(uid, {})
                by_type.setdefault(code, []).append((distance, facility.index))

    def own_of(self, tier: str, codes: Sequence[str], uid: UnitId) -> List[int]:
        """Input positions of the facilities of ``codes`` lying in unit ``uid`` (in input
        order). Called for every unit and type of a city, hence the plain loop."""
        by_type = self.own[tier]
        found: List[int] = []
        for code in codes:
            by_unit = by_type.get(code)
            if by_unit:
                here = by_unit.get(uid)
                if here:
                    found.extend(here)
        if len(codes) > 1:
            found.sort()
        return found

    def candidates(
        self, tier: str, codes: Iterable[str], uid: UnitId, reach_m: float
    ) -> List[Tuple[float, int]]:
        """(distance, position) of other units' facilities within ``reach_m``, nearest first."""
        by_type = self.near[tier].get(uid)
        if not by_type:
            return []
        found = [pair for code in codes for pair in by_type.get(code, ()) if pair[0] <= reach_m]
        found.sort()
        return found


# --------------------------------------------------------------------------------------------
# One requirement type over the units of its tier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What one unit counts for one requirement: its own facilities and what it draws on."""

    unit: Unit
    population: float
    need: Requirement
    own: Tuple[int, ...]
    drawn: Tuple[Tuple[int, float], ...]


@dataclass(frozen=True)
class _Portion:
    share: float
    floor_area: Optional[float]
    land_area: Optional[float]
    capacity: Optional[float]


def _provide_type(
    standard: FacilityStandard,
    kind: FacilityType,
    rollup: RollUp,
    index: _FacilityIndex,
    measure: Measure,
) -> Tuple[List[ProvisionRow], List[Allocation]]:
    """Rows and allocations of one requirement type over every unit of its tier."""
    plans, served = _plan_units(standard, kind, rollup, index, measure)
    population = rollup.population[kind.tier]
    portions = {
        (position, uid): portion
        for position, units in served.items()
        for uid, portion in _apportion(index.facilities[position], units, population).items()
    }
    tier_rule = standard.tiers.get(kind.tier)
    rows = [_row(kind, plan, portions, index.facilities, tier_rule) for plan in plans]
    allocations = _ledger(kind, served, portions, population, index)
    return rows, allocations


def _plan_units(
    standard: FacilityStandard,
    kind: FacilityType,
    rollup: RollUp,
    index: _FacilityIndex,
    measure: Measure,
) -> Tuple[List[_Plan], Dict[int, List[Tuple[UnitId, Optional[float]]]]]:
    """Each unit's own and drawn facilities, and for each facility the units it serves
    (with the distance for a unit that shares it, None for its own unit)."""
    tier = kind.tier
    codes = standard.satisfiers(kind.code)
    sharing = kind.sharing
    reach_m = None  # the sharing reach, in the measure's unit (metres or seconds)
    if sharing.shareable and sharing.reach_m:
        reach_m = sharing.reach_seconds(measure.walk_speed) if measure.time else sharing.reach_m
    plans: List[_Plan] = []
    served: Dict[int, List[Tuple[UnitId, Optional[float]]]] = {}
    for uid, unit in rollup.units[tier].items():
        people = rollup.population[tier][uid]
        need = Requirement.of(kind, people)
        own = index.own_of(tier, codes, uid)
        drawn: List[Tuple[int, float]] = []
        if reach_m is not None:
            drawn = _draw(need, own, index.candidates(tier, codes, uid, reach_m), index.facilities)
        for position in own:
            served.setdefault(position, []).append((uid, None))
        for position, distance in drawn:
            served.setdefault(position, []).append((uid, distance))
        plans.append(_Plan(unit, people, need, tuple(own), tuple(drawn)))
    return plans, served


def _draw(
    need: Requirement,
    own: Sequence[int],
    nearby: Sequence[Tuple[float, int]],
    facilities: Sequence[CheckedFacility],
) -> List[Tuple[int, float]]:
    """Other units' facilities this unit shares, nearest first, only while it is still short.

    Whether it is short is judged at face value (own and drawn facilities' full areas); an
    unknown area cannot show a shortage, so it stops drawing for that area.
    """
    count_gap = need.count - len(own)
    floor_gap = _face_gap(need.floor_area, [facilities[i].floor_area for i in own])
    land_gap = _face_gap(need.land_area, [facilities[i].land_area for i in own])
    drawn: List[Tuple[int, float]] = []
    for distance, position in nearby:
        if count_gap <= 0 and floor_gap <= AREA_TOLERANCE_M2 and land_gap <= AREA_TOLERANCE_M2:
            break
        drawn.append((position, distance))
        count_gap -= 1
        floor_gap = _less(floor_gap, facilities[position].floor_area)
        land_gap = _less(land_gap, facilities[position].land_area)
    return drawn


def _face_gap(required: Optional[float], areas: Sequence[Optional[float]]) -> float:
    if required is None or any(area is None for area in areas):
        return 0.0
    return required - math.fsum(areas)  # type: ignore[arg-type]


def _less(gap: float, area: Optional[float]) -> float:
    if gap <= AREA_TOLERANCE_M2:
        return gap
    return 0.0 if area is None else gap - area


def _apportion(
    facility: CheckedFacility,
    units: Sequence[Tuple[UnitId, Optional[float]]],
    population: Mapping[UnitId, float],
) -> Dict[UnitId, _Portion]:
    """Split a facility's areas and capacity among the units it serves, by population."""
    weights = {uid: population[uid] for uid, _distance in units}
    total = math.fsum(weights.values())
    if total <= 0:
        weights = {uid: 1.0 for uid in weights}
        total = float(len(weights))

    def part(amount: Optional[float], weight: float) -> Optional[float]:
        # amount * weight / total, not amount * (weight / total): exact for round numbers.
        return None if amount is None else amount * weight / total

    return {
        uid: _Portion(
            share=weight / total,
            floor_area=part(facility.floor_area, weight),
            land_area=part(facility.land_area, weight),
            capacity=part(facility.capacity, weight),
        )
        for uid, weight in weights.items()
    }


def _row(
    kind: FacilityType,
    plan: _Plan,
    portions: Mapping[Tuple[int, UnitId], _Portion],
    facilities: Sequence[CheckedFacility],
    tier_rule: Optional[TierRule],
) -> ProvisionRow:
    uid = plan.unit.id
    used = [portions[(i, uid)] for i in plan.own]
    if plan.drawn:
        used += [portions[(i, uid)] for i, _ in plan.drawn]
    # Areas without a rule are left out (None): there is nothing to compare them with.
    existing_floor = (
        _total([p.floor_area for p in used]) if plan.need.floor_area is not None else None
    )
    existing_land = _total([p.land_area for p in used]) if plan.need.land_area is not None else None
    deficit_floor = _deficit(plan.need.floor_area, existing_floor)
    deficit_land = _deficit(plan.need.land_area, existing_land)
    count = len(plan.own) + len(plan.drawn)
    finding = _finding(plan.need.count, count, len(plan.drawn), (deficit_floor, deficit_land))
    size_flag = _size_flag(plan.population, tier_rule)
    return ProvisionRow(
        tier=kind.tier,
        unit_id=uid,
        parent_id=plan.unit.parent_id,
        population=plan.population,
        type_code=kind.code,
        mandatory=kind.mandatory,
        required_count=plan.need.count,
        own_count=len(plan.own),
        shared_count=len(plan.drawn),
        deficit_count=max(plan.need.count - count, 0),
        required_floor_area=plan.need.floor_area,
        existing_floor_area=existing_floor,
        deficit_floor_area=deficit_floor,
        required_land_area=plan.need.land_area,
        existing_land_area=existing_land,
        deficit_land_area=deficit_land,
        existing_capacity=_total([portion.capacity for portion in used]),
        status=finding if size_flag == SIZE_IN_RANGE else STATUS_SIZE_MISMATCH,
        provision_status=finding,
        size_flag=size_flag,
        flags=_flags(plan, deficit_floor, deficit_land),
        own_facility_ids=tuple([facilities[i].id for i in plan.own]) if plan.own else (),
        shared_facility_ids=tuple([facilities[i].id for i, _ in plan.drawn]) if plan.drawn else (),
    )


def _total(parts: Sequence[Optional[float]]) -> Optional[float]:
    """The sum, or None when any part is unknown (0.0 when there is nothing)."""
    if not parts:
        return 0.0
    if None in parts:
        return None
    return math.fsum(parts)  # type: ignore[arg-type]


def _deficit(required: Optional[float], existing: Optional[float]) -> Optional[float]:
    if required is None:
        return None
    if required <= AREA_TOLERANCE_M2:
        return 0.0
    if existing is None:
        return None
    gap = required - existing
    return gap if gap > AREA_TOLERANCE_M2 else 0.0


def _finding(required: int, count: int, shared: int, deficits: Tuple[Optional[float], ...]) -> str:
    if count < required:
        return STATUS_MISSING
    if any(deficit is not None and deficit > 0 for deficit in deficits):
        return STATUS_AREA_SHORT
    return STATUS_OK if shared == 0 else STATUS_OK_SHARED


def _size_flag(population: float, tier_rule: Optional[TierRule]) -> str:
    if tier_rule is None:
        return SIZE_IN_RANGE
    if population < tier_rule.population_min:
        return SIZE_TOO_SMALL
    if population > tier_rule.population_max:
        return SIZE_TOO_LARGE
    return SIZE_IN_RANGE


def _flags(
    plan: _Plan, deficit_floor: Optional[float], deficit_land: Optional[float]
) -> Tuple[str, ...]:
    flags = []
    if plan.population == 0:
        flags.append(FLAG_ZERO_POPULATION)
    if plan.need.floor_area is not None and deficit_floor is None:
        flags.append(FLAG_FLOOR_AREA_UNKNOWN)
    if plan.need.land_area is not None and deficit_land is None:
        flags.append(FLAG_LAND_AREA_UNKNOWN)
    return tuple(flags)


def _ledger(
    kind: FacilityType,
    served: Mapping[int, Sequence[Tuple[UnitId, Optional[float]]]],
    portions: Mapping[Tuple[int, UnitId], _Portion],
    population: Mapping[UnitId, float],
    index: _FacilityIndex,
) -> List[Allocation]:
    """One allocation per facility and unit served, facilities in input order, own unit first."""
    ledger: List[Allocation] = []
    for position in sorted(served):
        facility = index.facilities[position]
        units = sorted(served[position], key=lambda pair: pair[1] is not None)
        for uid, distance in units:
            portion = portions[(position, uid)]
            ledger.append(
                Allocation(
                    tier=kind.tier,
                    type_code=kind.code,
                    facility_id=facility.id,
                    facility_type=facility.type_code or "",
                    unit_id=uid,
                    own=distance is None,
                    distance=distance,
                    population=population[uid],
                    share=portion.share,
                    floor_area=portion.floor_area,
                    land_area=portion.land_area,
                    capacity=portion.capacity,
                    route_m=None
                    if distance is None
                    else index.reach.length(kind.tier, facility.id, uid),
                )
            )
    return ledger


def _unused(
    facilities: Sequence[CheckedFacility],
    met_by: Mapping[str, Tuple[str, ...]],
    used: Set[FacilityId],
) -> Tuple[UnusedFacility, ...]:
    unused = []
    for facility in facilities:
        if facility.id in used:
            continue
        code = facility.type_code
        if code is None:
            reason = REASON_UNTYPED
        elif code not in met_by:
            reason = REASON_UNKNOWN_TYPE
        elif not met_by[code]:
            reason = REASON_NOT_ASSESSED
        else:
            reason = REASON_OUTSIDE_UNITS
        unused.append(UnusedFacility(facility.id, code, reason))
    return tuple(unused)
