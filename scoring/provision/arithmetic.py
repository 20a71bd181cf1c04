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
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Dict, List, Mapping, Optional, Protocol, Sequence, Set, Tuple

import numpy as np

from ..errors import Cancelled
from ..network.measure import DISTANCE, Measure
from ..standard import AreaRule, CountRule, FacilityStandard, FacilityType, TierRule
from .inputs import CheckedFacility, check_facilities, roll_up
from .model import (
    FLAG_FLOOR_AREA_UNKNOWN,
    FLAG_LAND_AREA_UNKNOWN,
    FLAG_ZERO_POPULATION,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    REASON_UNKNOWN_TYPE,
    REASON_UNTYPED,
    ROW_FIELDS,
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
    ProvisionTable,
    RollUp,
    Unit,
    UnitId,
    UnusedFacility,
)
from .reach import ReachTable
from .rules import is_assessed, requirements_met_by, unassessed_types

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
    tiers = {tier: _TierUnits.of(tier, rollup, standard.tiers.get(tier)) for tier in TOP_DOWN}
    index = _FacilityIndex(standard, checked, met_by, tiers, reach or ReachTable())
    requirements = [
        kind for tier in TOP_DOWN for kind in standard.types_for_tier(tier) if is_assessed(kind)
    ]
    columns: Dict[str, Dict[str, List[Any]]] = {}
    allocations: List[Allocation] = []
    for number, kind in enumerate(requirements):
        if feedback is not None and feedback.is_cancelled():
            raise Cancelled()
        columns[kind.code], type_allocations = _provide_type(
            standard, kind, tiers[kind.tier], index, measure
        )
        allocations += type_allocations
        if feedback is not None:
            feedback.set_progress((number + 1) / len(requirements))
    used = {allocation.facility_id for allocation in allocations}
    return ProvisionResult(
        table=_table(requirements, tiers, columns),
        allocations=tuple(allocations),
        rollup=rollup,
        size_flags={tier: dict(zip(tiers[tier].ids, tiers[tier].size_flags)) for tier in TOP_DOWN},
        unused_facilities=_unused(checked, met_by, used),
        outside_units={tier: tuple(ids) for tier, ids in index.outside.items()},
        unassessed_types=unassessed_types(standard),
    )


# --------------------------------------------------------------------------------------------
# The units of one tier, as arrays
# --------------------------------------------------------------------------------------------


@dataclass
class _TierUnits:
    """The units of one tier in input order: ids, parents, population (a list and an array),
    size flags, and the position of each id. Requirements are computed over all of them at
    once, a type at a time."""

    tier: str
    ids: Tuple[UnitId, ...]
    parents: List[Optional[UnitId]]
    population: List[float]
    people: np.ndarray
    size_flags: List[str]
    position: Dict[UnitId, int]
    _counts: Dict[CountRule, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, tier: str, rollup: RollUp, tier_rule: Optional[TierRule]) -> _TierUnits:
        ids = tuple(rollup.units[tier])
        population = [rollup.population[tier][uid] for uid in ids]
        return cls(
            tier=tier,
            ids=ids,
            parents=[unit.parent_id for unit in rollup.units[tier].values()],
            population=population,
            people=np.array(population, dtype=float),
            size_flags=[_size_flag(people, tier_rule) for people in population],
            position={uid: number for number, uid in enumerate(ids)},
        )

    def counts(self, rule: CountRule) -> np.ndarray:
        """``rule.required_count`` of every unit (the same rule serves several types)."""
        found = self._counts.get(rule)
        if found is None:
            found = self._counts[rule] = np.array(
                [rule.required_count(people) for people in self.population], dtype=np.int64
            )
        return found


def _required_area(rule: AreaRule, people: np.ndarray, sized: np.ndarray) -> np.ndarray:
    """:meth:`AreaRule.required_m2` of every unit (the same operations, element by element)."""
    by_facility = (rule.min_m2 or 0.0) * sized
    by_people = (rule.per_1000_m2 or 0.0) * np.maximum(people, 0.0) / 1000.0
    return np.maximum(by_facility, by_people)


# --------------------------------------------------------------------------------------------
# Where each facility is and what it is near
# --------------------------------------------------------------------------------------------


class _FacilityIndex:
    """Facilities by (tier, type, own unit), and the other units each is within reach of.

    Built once, so that each requirement type looks up only the facilities that can count for
    it instead of scanning all 86,000. Units are given by their position in their tier.
    """

    def __init__(
        self,
        standard: FacilityStandard,
        facilities: Sequence[CheckedFacility],
        met_by: Mapping[str, Tuple[str, ...]],
        tiers: Mapping[str, _TierUnits],
        reach: ReachTable,
    ) -> None:
        self.facilities = facilities
        self.reach = reach
        #: tier → type → unit → positions of the facilities lying in it, in input order
        self.own: Dict[str, Dict[str, Dict[int, List[int]]]] = {t: {} for t in TOP_DOWN}
        #: tier → type → unit → (distance, position) of other units' facilities, nearest first
        self.near: Dict[str, Dict[str, Dict[int, List[Tuple[float, int]]]]] = {
            t: {} for t in TOP_DOWN
        }
        self.outside: Dict[str, List[FacilityId]] = {t: [] for t in TOP_DOWN}
        tiers_of = {
            code: sorted({standard.type_by_code(r).tier for r in requirements})
            for code, requirements in met_by.items()
        }
        for facility in facilities:
            for tier in tiers_of.get(facility.type_code or "", ()):
                self._place(facility, tier, tiers[tier].position, reach)
        for by_type in self.near.values():
            for by_unit in by_type.values():
                for pairs in by_unit.values():
                    pairs.sort()

    def _place(
        self,
        facility: CheckedFacility,
        tier: str,
        position: Mapping[UnitId, int],
        reach: ReachTable,
    ) -> None:
        code = facility.type_code or ""
        home = facility.unit_of[tier]
        if home is None:
            self.outside[tier].append(facility.id)
        else:
            by_unit = self.own[tier].setdefault(code, {})
            by_unit.setdefault(position[home], []).append(facility.index)
        near = reach.units_near(tier, facility.id)
        if near:
            near_by_unit = self.near[tier].setdefault(code, {})
            for uid, distance in near.items():
                unit = position.get(uid) if uid != home else None
                if unit is not None:
                    near_by_unit.setdefault(unit, []).append((distance, facility.index))

    def own_of(self, tier: str, codes: Sequence[str]) -> Mapping[int, List[int]]:
        """Per unit, the positions of the facilities of ``codes`` lying in it (input order).
        Read only: with one code these are the index's own lists."""
        if len(codes) == 1:
            return self.own[tier].get(codes[0], {})
        merged: Dict[int, List[int]] = {}
        for code in codes:
            for unit, positions in self.own[tier].get(code, {}).items():
                merged.setdefault(unit, []).extend(positions)
        for positions in merged.values():
            positions.sort()
        return merged

    def candidates(
        self, tier: str, codes: Sequence[str], reach_m: float
    ) -> Dict[int, List[Tuple[float, int]]]:
        """Per unit, (distance, position) of other units' facilities within ``reach_m``,
        nearest first."""
        merged: Dict[int, List[Tuple[float, int]]] = {}
        for code in codes:
            for unit, pairs in self.near[tier].get(code, {}).items():
                within = [pair for pair in pairs if pair[0] <= reach_m]
                if within:
                    merged.setdefault(unit, []).extend(within)
        if len(codes) > 1:
            for pairs in merged.values():
                pairs.sort()
        return merged


# --------------------------------------------------------------------------------------------
# One requirement type over the units of its tier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Portion:
    share: float
    floor_area: Optional[float]
    land_area: Optional[float]
    capacity: Optional[float]


#: Status codes of the arrays below, and what they stand for.
_STATUSES = (STATUS_OK, STATUS_OK_SHARED, STATUS_AREA_SHORT, STATUS_MISSING, STATUS_SIZE_MISMATCH)
_OK, _OK_SHARED, _AREA_SHORT, _MISSING, _SIZE_MISMATCH = range(len(_STATUSES))
#: The flags of a row by bit: 1 no residents, 2 floor area unknown, 4 land area unknown.
_FLAG_SETS = tuple(
    tuple(
        flag
        for bit, flag in enumerate(
            (FLAG_ZERO_POPULATION, FLAG_FLOOR_AREA_UNKNOWN, FLAG_LAND_AREA_UNKNOWN)
        )
        if mask >> bit & 1
    )
    for mask in range(8)
)


def _provide_type(
    standard: FacilityStandard,
    kind: FacilityType,
    units: _TierUnits,
    index: _FacilityIndex,
    measure: Measure,
) -> Tuple[Dict[str, List[Any]], List[Allocation]]:
    """The long table's columns of one requirement type over every unit of its tier (in unit
    order), and its allocations.

    Only the units that have a facility of their own or one within sharing reach are looked at
    one by one (which facilities they count, how the facilities are apportioned); the
    requirements, deficits and statuses of all units are computed as arrays.
    """
    n = len(units.ids)
    if kind.count is not None:
        count = units.counts(kind.count)
        sized = count
    else:
        count = np.zeros(n, dtype=np.int64)
        sized = np.ones(n, dtype=np.int64)
    floor_need = (
        None if kind.floor_area is None else _required_area(kind.floor_area, units.people, sized)
    )
    land_need = (
        None if kind.land_area is None else _required_area(kind.land_area, units.people, sized)
    )
    plans, served = _plan_units(standard, kind, units, index, measure, count, floor_need, land_need)
    portions = {
        (position, unit): portion
        for position, served_units in served.items()
        for unit, portion in _apportion(
            index.facilities[position], served_units, units.population
        ).items()
    }
    used = _Used.of(n, plans, portions, index.facilities, floor_need, land_need)
    columns = _columns(kind, units, count, floor_need, land_need, used)
    return columns, _ledger(kind, served, portions, units, index)


@dataclass(frozen=True)
class _Plan:
    """What one unit counts for one requirement: its own facilities and what it draws on."""

    unit: int
    own: Sequence[int]
    drawn: Sequence[Tuple[int, float]]


def _plan_units(
    standard: FacilityStandard,
    kind: FacilityType,
    units: _TierUnits,
    index: _FacilityIndex,
    measure: Measure,
    count: np.ndarray,
    floor_need: Optional[np.ndarray],
    land_need: Optional[np.ndarray],
) -> Tuple[List[_Plan], Dict[int, List[Tuple[int, Optional[float]]]]]:
    """The own and drawn facilities of each unit that has any, in unit order, and for each
    facility the units it serves (with the distance for a unit that shares it, None for its
    own unit)."""
    tier = kind.tier
    codes = standard.satisfiers(kind.code)
    sharing = kind.sharing
    own = index.own_of(tier, codes)
    nearby: Mapping[int, List[Tuple[float, int]]] = {}
    if sharing.shareable and sharing.reach_m:
        # the sharing reach, in the measure's unit (metres or seconds)
        reach_m = sharing.reach_seconds(measure.walk_speed) if measure.time else sharing.reach_m
        nearby = index.candidates(tier, codes, reach_m)
    plans: List[_Plan] = []
    served: Dict[int, List[Tuple[int, Optional[float]]]] = {}
    for unit in sorted(own.keys() | nearby.keys()):
        mine = own.get(unit, ())
        drawn: List[Tuple[int, float]] = []
        candidates = nearby.get(unit)
        if candidates:
            drawn = _draw(
                int(count[unit]),
                None if floor_need is None else float(floor_need[unit]),
                None if land_need is None else float(land_need[unit]),
                mine,
                candidates,
                index.facilities,
            )
        for position in mine:
            served.setdefault(position, []).append((unit, None))
        for position, distance in drawn:
            served.setdefault(position, []).append((unit, distance))
        plans.append(_Plan(unit, mine, drawn))
    return plans, served


def _draw(
    count: int,
    floor_area: Optional[float],
    land_area: Optional[float],
    own: Sequence[int],
    nearby: Sequence[Tuple[float, int]],
    facilities: Sequence[CheckedFacility],
) -> List[Tuple[int, float]]:
    """Other units' facilities this unit shares, nearest first, only while it is still short
    of the ``count`` facilities and the areas it needs.

    Whether it is short is judged at face value (own and drawn facilities' full areas); an
    unknown area cannot show a shortage, so it stops drawing for that area.
    """
    count_gap = count - len(own)
    floor_gap = _face_gap(floor_area, [facilities[i].floor_area for i in own])
    land_gap = _face_gap(land_area, [facilities[i].land_area for i in own])
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
    units: Sequence[Tuple[Any, Optional[float]]],
    population: Any,
) -> Dict[Any, _Portion]:
    """Split a facility's areas and capacity among the units it serves, by population
    (``population[unit]``)."""
    weights = {unit: population[unit] for unit, _distance in units}
    total = math.fsum(weights.values())
    if total <= 0:
        weights = {unit: 1.0 for unit in weights}
        total = float(len(weights))

    def part(amount: Optional[float], weight: float) -> Optional[float]:
        # amount * weight / total, not amount * (weight / total): exact for round numbers.
        return None if amount is None else amount * weight / total

    return {
        unit: _Portion(
            share=weight / total,
            floor_area=part(facility.floor_area, weight),
            land_area=part(facility.land_area, weight),
            capacity=part(facility.capacity, weight),
        )
        for unit, weight in weights.items()
    }


@dataclass(frozen=True)
class _Used:
    """Per unit of the tier: the facilities counted (own, shared: numbers and ids) and the
    sums of their portions (NaN where a portion is unknown; 0.0 where nothing is used)."""

    own_count: np.ndarray
    shared_count: np.ndarray
    floor_area: np.ndarray
    land_area: np.ndarray
    capacity: np.ndarray
    own_ids: List[Tuple[FacilityId, ...]]
    shared_ids: List[Tuple[FacilityId, ...]]

    @classmethod
    def of(
        cls,
        n: int,
        plans: Sequence[_Plan],
        portions: Mapping[Tuple[int, int], _Portion],
        facilities: Sequence[CheckedFacility],
        floor_need: Optional[np.ndarray],
        land_need: Optional[np.ndarray],
    ) -> _Used:
        used = cls(
            own_count=np.zeros(n, dtype=np.int64),
            shared_count=np.zeros(n, dtype=np.int64),
            floor_area=np.zeros(n),
            land_area=np.zeros(n),
            capacity=np.zeros(n),
            own_ids=[()] * n,
            shared_ids=[()] * n,
        )
        for plan in plans:
            unit = plan.unit
            parts = [portions[(i, unit)] for i in plan.own]
            parts += [portions[(i, unit)] for i, _ in plan.drawn]
            used.own_count[unit] = len(plan.own)
            used.shared_count[unit] = len(plan.drawn)
            if floor_need is not None:
                used.floor_area[unit] = _total([p.floor_area for p in parts])
            if land_need is not None:
                used.land_area[unit] = _total([p.land_area for p in parts])
            used.capacity[unit] = _total([p.capacity for p in parts])
            if plan.own:
                used.own_ids[unit] = tuple([facilities[i].id for i in plan.own])
            if plan.drawn:
                used.shared_ids[unit] = tuple([facilities[i].id for i, _ in plan.drawn])
        return used


def _total(parts: Sequence[Optional[float]]) -> float:
    """The sum, or NaN when any part is unknown (0.0 when there is nothing)."""
    if not parts:
        return 0.0
    if None in parts:
        return math.nan
    return math.fsum(parts)  # type: ignore[arg-type]


def _columns(
    kind: FacilityType,
    units: _TierUnits,
    count: np.ndarray,
    floor_need: Optional[np.ndarray],
    land_need: Optional[np.ndarray],
    used: _Used,
) -> Dict[str, List[Any]]:
    """The long table's columns of one type over the units of its tier (ProvisionRow's fields
    but ``tier``, ``unit_id``, ``parent_id``, ``population``, ``type_code`` and ``mandatory``,
    which :func:`_table` adds)."""
    n = len(units.ids)
    nothing = [None] * n
    floor_deficit = _deficit(floor_need, used.floor_area)
    land_deficit = _deficit(land_need, used.land_area)
    counted = used.own_count + used.shared_count
    area_short = np.zeros(n, dtype=bool)
    flags = np.where(units.people == 0, 1, 0)
    for deficit, bit in ((floor_deficit, 2), (land_deficit, 4)):
        if deficit is not None:
            area_short |= deficit > 0
            flags |= np.where(np.isnan(deficit), bit, 0)
    finding = np.where(
        counted < count,
        _MISSING,
        np.where(area_short, _AREA_SHORT, np.where(used.shared_count == 0, _OK, _OK_SHARED)),
    )
    in_range = np.array([flag == SIZE_IN_RANGE for flag in units.size_flags], dtype=bool)
    findings = [_STATUSES[code] for code in finding.tolist()]
    statuses = [_STATUSES[code] for code in np.where(in_range, finding, _SIZE_MISMATCH).tolist()]
    return {
        "required_count": count.tolist(),
        "own_count": used.own_count.tolist(),
        "shared_count": used.shared_count.tolist(),
        "deficit_count": np.maximum(count - counted, 0).tolist(),
        "required_floor_area": nothing if floor_need is None else floor_need.tolist(),
        "existing_floor_area": nothing if floor_need is None else _or_none(used.floor_area),
        "deficit_floor_area": nothing if floor_deficit is None else _or_none(floor_deficit),
        "required_land_area": nothing if land_need is None else land_need.tolist(),
        "existing_land_area": nothing if land_need is None else _or_none(used.land_area),
        "deficit_land_area": nothing if land_deficit is None else _or_none(land_deficit),
        "existing_capacity": _or_none(used.capacity),
        "status": statuses,
        "provision_status": findings,
        "size_flag": units.size_flags,
        "flags": [_FLAG_SETS[mask] for mask in flags.tolist()],
        "own_facility_ids": used.own_ids,
        "shared_facility_ids": used.shared_ids,
    }


def _deficit(required: Optional[np.ndarray], existing: np.ndarray) -> Optional[np.ndarray]:
    """Required minus existing where above the tolerance, else 0; NaN where the existing area
    is unknown; None without a rule. A requirement of nothing is met, known or not."""
    if required is None:
        return None
    gap = required - existing
    shortage = np.where(gap > AREA_TOLERANCE_M2, gap, 0.0)
    return np.where(
        required <= AREA_TOLERANCE_M2, 0.0, np.where(np.isnan(existing), np.nan, shortage)
    )


def _or_none(values: np.ndarray) -> List[Optional[float]]:
    """The values as floats, NaN as None."""
    return [None if value != value else value for value in values.tolist()]


def _table(
    requirements: Sequence[FacilityType],
    tiers: Mapping[str, _TierUnits],
    columns: Mapping[str, Mapping[str, List[Any]]],
) -> ProvisionTable:
    """The types' columns put in the long table's order: tier top-down, then units in input
    order, then types in standard order."""
    table: Dict[str, List[Any]] = {name: [] for name in ROW_FIELDS}
    blocks = []
    for tier in TOP_DOWN:
        kinds = [kind for kind in requirements if kind.tier == tier]
        units = tiers[tier]
        if not kinds or not units.ids:
            continue
        width = len(kinds)
        blocks.append((tier, units.ids, tuple(kind.code for kind in kinds)))
        table["tier"] += [tier] * (width * len(units.ids))
        for name, values in (
            ("unit_id", units.ids),
            ("parent_id", units.parents),
            ("population", units.population),
        ):
            table[name] += [value for value in values for _ in range(width)]
        table["type_code"] += [kind.code for kind in kinds] * len(units.ids)
        table["mandatory"] += [kind.mandatory for kind in kinds] * len(units.ids)
        for name in columns[kinds[0].code]:
            table[name] += chain.from_iterable(zip(*(columns[kind.code][name] for kind in kinds)))
    return ProvisionTable(columns=table, blocks=tuple(blocks))


def _size_flag(population: float, tier_rule: Optional[TierRule]) -> str:
    if tier_rule is None:
        return SIZE_IN_RANGE
    if population < tier_rule.population_min:
        return SIZE_TOO_SMALL
    if population > tier_rule.population_max:
        return SIZE_TOO_LARGE
    return SIZE_IN_RANGE


def _ledger(
    kind: FacilityType,
    served: Mapping[int, Sequence[Tuple[int, Optional[float]]]],
    portions: Mapping[Tuple[int, int], _Portion],
    units: _TierUnits,
    index: _FacilityIndex,
) -> List[Allocation]:
    """One allocation per facility and unit served, facilities in input order, own unit first."""
    ledger: List[Allocation] = []
    for position in sorted(served):
        facility = index.facilities[position]
        for unit, distance in sorted(served[position], key=lambda pair: pair[1] is not None):
            portion = portions[(position, unit)]
            uid = units.ids[unit]
            ledger.append(
                Allocation(
                    tier=kind.tier,
                    type_code=kind.code,
                    facility_id=facility.id,
                    facility_type=facility.type_code or "",
                    unit_id=uid,
                    own=distance is None,
                    distance=distance,
                    population=units.population[unit],
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
