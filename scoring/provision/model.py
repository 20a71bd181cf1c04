"""The plain data the provisioning arithmetic takes and gives back.

Inputs are what the QGIS adapter reads from layers (units of three tiers, facilities with the
unit they lie in, distances for sharing); outputs are rows the adapter writes as tables and
layers. Codes (tiers, statuses, flags, reasons) are stable ASCII; words come from the labels
here or from the adapter's translations.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, Dict, Hashable, Iterator, Mapping, Optional, Sequence, Tuple

UnitId = Hashable
FacilityId = Hashable

DISTRICT = "district"
COMMUNITY = "community"
NEIGHBOURHOOD = "neighbourhood"

#: The tier a unit's parent belongs to: 小区 → 社区 → 片区.
PARENT_TIER: Mapping[str, Optional[str]] = {
    NEIGHBOURHOOD: COMMUNITY,
    COMMUNITY: DISTRICT,
    DISTRICT: None,
}
#: Tiers from the bottom up, the order in which population rolls up.
BOTTOM_UP: Tuple[str, ...] = (NEIGHBOURHOOD, COMMUNITY, DISTRICT)
#: Tiers from the top down, the order of output rows (片区 – 社区 – 小区).
TOP_DOWN: Tuple[str, ...] = (DISTRICT, COMMUNITY, NEIGHBOURHOOD)

# Status per unit × facility type. ``status`` is what the planner reads first; a unit whose
# population is outside its tier's range gets SIZE_MISMATCH there, and ``provision_status``
# still says what the arithmetic found.
STATUS_OK = "ok"
STATUS_OK_SHARED = "ok_shared"
STATUS_AREA_SHORT = "area_short"
STATUS_MISSING = "missing"
STATUS_SIZE_MISMATCH = "size_mismatch"

STATUS_LABELS: Mapping[str, Mapping[str, str]] = {
    STATUS_OK: {"zh": "达标", "en": "Met"},
    STATUS_OK_SHARED: {"zh": "共享达标", "en": "Met by sharing"},
    STATUS_AREA_SHORT: {"zh": "面积不足", "en": "Area short"},
    STATUS_MISSING: {"zh": "缺项", "en": "Missing"},
    STATUS_SIZE_MISMATCH: {"zh": "规模不符", "en": "Population outside tier range"},
}

# Population against the tier's range (``size_flag``).
SIZE_IN_RANGE = ""
SIZE_TOO_SMALL = "too_small"
SIZE_TOO_LARGE = "too_large"

# Further remarks on a row (``flags``).
FLAG_ZERO_POPULATION = "zero_population"
FLAG_FLOOR_AREA_UNKNOWN = "floor_area_unknown"
FLAG_LAND_AREA_UNKNOWN = "land_area_unknown"

# Why a facility served no unit (``UnusedFacility.reason``).
REASON_UNTYPED = "untyped"
REASON_UNKNOWN_TYPE = "unknown_type"
REASON_NOT_ASSESSED = "type_not_assessed"
REASON_OUTSIDE_UNITS = "outside_units"


def status_label(status: str, locale: str = "zh") -> str:
    """The Chinese label for a Chinese locale (``zh``, ``zh_CN`` ...), else the English one."""
    language = "zh" if locale.lower().startswith("zh") else "en"
    return STATUS_LABELS[status][language]


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A 片区, 社区 or 小区. Population is given at the lowest tier present (normally the
    compounds) and rolled up; higher units leave it None."""

    id: UnitId
    tier: str
    parent_id: Optional[UnitId] = None
    population: Any = None


@dataclass(frozen=True)
class Facility:
    """A facility with its standard type code and the unit of each tier it lies in.

    Unit ids are None where it lies in no unit of that tier. Areas (m²) and capacity may be
    None, NaN or numeric text; other text is refused with a message naming the field.
    """

    id: FacilityId
    type_code: Optional[str]
    district_id: Optional[UnitId] = None
    community_id: Optional[UnitId] = None
    neighbourhood_id: Optional[UnitId] = None
    floor_area: Any = None
    land_area: Any = None
    capacity: Any = None

    def unit_in(self, tier: str) -> Optional[UnitId]:
        """The id of the unit of ``tier`` this facility lies in, or None."""
        if tier == NEIGHBOURHOOD:
            return self.neighbourhood_id
        if tier == COMMUNITY:
            return self.community_id
        if tier == DISTRICT:
            return self.district_id
        raise KeyError(tier)


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvisionRow:
    """One unit × one facility type of its tier: required, existing, shared and missing.

    Areas are m². A type without a rule for an area has None as required, existing and
    deficit of it. Otherwise existing is None when a facility used has no known area; the
    deficit is None too and a flag says so. ``existing_*`` and ``existing_capacity`` are own
    plus shared, each facility's amount apportioned among the units it serves by population;
    capacity has no rule and is 0.0 when nothing is used, None when some capacity is unknown.
    """

    tier: str
    unit_id: UnitId
    parent_id: Optional[UnitId]
    population: float
    type_code: str
    mandatory: bool
    required_count: int
    own_count: int
    shared_count: int
    deficit_count: int
    required_floor_area: Optional[float]
    existing_floor_area: Optional[float]
    deficit_floor_area: Optional[float]
    required_land_area: Optional[float]
    existing_land_area: Optional[float]
    deficit_land_area: Optional[float]
    existing_capacity: Optional[float]
    status: str
    provision_status: str
    size_flag: str
    flags: Tuple[str, ...]
    own_facility_ids: Tuple[FacilityId, ...]
    shared_facility_ids: Tuple[FacilityId, ...]


#: ProvisionRow's fields in order: the columns of a :class:`ProvisionTable`.
ROW_FIELDS: Tuple[str, ...] = tuple(field.name for field in fields(ProvisionRow))


@dataclass(frozen=True)
class ProvisionTable:
    """The long table as columns: ``columns[name]`` holds field ``name`` of every row
    (:class:`ProvisionRow`'s fields), in row order.

    A city's table has 200,000 rows; the arithmetic computes them a type at a time over every
    unit of a tier, and the outputs and summaries read them a column at a time, so the rows
    are built as objects only where a caller asks for them (:meth:`rows`).

    ``blocks`` says how the rows are laid out: per tier, top-down, the unit ids and the type
    codes of its rows; a tier's rows are its units in that order, each unit's rows its types
    in that order.
    """

    columns: Mapping[str, Sequence[Any]]
    blocks: Tuple[Tuple[str, Tuple[UnitId, ...], Tuple[str, ...]], ...] = ()

    def __len__(self) -> int:
        return len(self.columns[ROW_FIELDS[0]]) if self.columns else 0

    def rows(self) -> Iterator[ProvisionRow]:
        """The rows as :class:`ProvisionRow`, in order."""
        if not self.columns:
            return iter(())
        return (ProvisionRow(*values) for values in zip(*(self.columns[f] for f in ROW_FIELDS)))


@dataclass(frozen=True)
class Allocation:
    """The part of one facility that one unit counts for one requirement type.

    Every facility used for a requirement has one allocation per unit it serves (its own unit,
    ``own=True``, and each unit that shares it); the shares of a facility sum to 1 and its
    areas and capacity to the facility's. ``distance`` is the reach table's (metres, or
    seconds in walking time) and ``route_m`` the metres walked; both None for the own unit.
    """

    tier: str
    type_code: str
    facility_id: FacilityId
    facility_type: str
    unit_id: UnitId
    own: bool
    distance: Optional[float]
    population: float
    share: float
    floor_area: Optional[float]
    land_area: Optional[float]
    capacity: Optional[float]
    route_m: Optional[float] = None


@dataclass(frozen=True)
class UnusedFacility:
    """A facility no unit counted, and why (one of the ``REASON_*`` codes)."""

    facility_id: FacilityId
    type_code: Optional[str]
    reason: str


@dataclass(frozen=True)
class RollUp:
    """Populations of every unit, bottom-up sums, and units left out of the sums.

    ``orphans[tier]`` are the units of ``tier`` with no parent although the parent tier has
    units; their population (``unassigned_population[tier]``) reaches no higher unit.
    """

    units: Mapping[str, Mapping[UnitId, Unit]]
    population: Mapping[str, Mapping[UnitId, float]]
    orphans: Mapping[str, Tuple[UnitId, ...]]
    unassigned_population: Mapping[str, float]


@dataclass(frozen=True)
class ProvisionResult:
    """Everything the tiered provisioning computed.

    ``table`` (and ``rows``, the same rows as objects) runs district → community →
    neighbourhood, units in input order, types in standard order. ``outside_units[tier]``
    lists facilities that could count at ``tier`` but lie in none of its units (they can still
    be shared). ``unassessed_types`` have neither a count nor an area rule (coverage-only types
    such as bus stops) and get no rows. ``size_flags[tier][unit_id]`` compares every unit's
    population with its tier's range.
    """

    table: ProvisionTable
    allocations: Tuple[Allocation, ...]
    rollup: RollUp
    size_flags: Mapping[str, Mapping[UnitId, str]]
    unused_facilities: Tuple[UnusedFacility, ...]
    outside_units: Mapping[str, Tuple[FacilityId, ...]]
    unassessed_types: Tuple[str, ...]

    @cached_property
    def rows(self) -> Tuple[ProvisionRow, ...]:
        """The long table's rows as objects (built on first use)."""
        return tuple(self.table.rows())


@dataclass(frozen=True)
class UnitSummary:
    """One unit's shortfalls over the types of its tier, ready for a map layer."""

    tier: str
    unit_id: UnitId
    parent_id: Optional[UnitId]
    population: float
    size_flag: str
    deficit_counts: Dict[str, int]
    total_deficit_count: int
    missing_types: Tuple[str, ...]
    area_short_types: Tuple[str, ...]
    short_of_any: bool
    #: The unit's worst status over the types counted (缺项 before 面积不足 before 共享达标
    #: before 达标), or 规模不符 when its population is outside its tier's range.
    status: str = STATUS_OK


@dataclass(frozen=True)
class TierSummary:
    """Numbers per tier that batch mode and the modeler show as outputs."""

    tier: str
    n_units: int
    population: float
    n_units_short: int
    n_units_missing: int
    n_size_mismatch: int
    total_deficit_count: int
