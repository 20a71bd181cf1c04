"""Tiered provisioning 片区 – 社区 – 小区: required vs existing vs shared vs deficit.

QGIS-free arithmetic behind ``completecommunity:tieredprovision``. The adapter turns layers
into :class:`Unit` and :class:`Facility` records and a :class:`ReachTable` of distances for
sharing, calls :func:`provision`, and writes the rows back. The rules (own unit first, sharing
only fills what is left, shared areas apportioned by population, statuses) are described in
:mod:`.arithmetic`.

Decisions worth knowing:

- Population is given at the lowest tier present and rolled up exactly; a unit with no
  parent is an orphan and its population reaches no higher tier (reported).
- A facility's own unit is always among the units it serves: its area is split among its own
  unit and the units that share it, by population.
- A unit with no residents needs none of a per-people facility and no per-1,000-people area,
  but still one of a per-unit facility and its minimum size; it is flagged
  ``zero_population`` (and 规模不符, since every tier range starts above 0).
- Facilities count only for requirement types they satisfy; a type with neither a count nor an
  area rule (bus stop, metro station: coverage only) gets no rows and its facilities are
  reported unused (``type_not_assessed``).
- A facility lying in no unit of a tier counts for no unit of it as "own", but can still be
  shared to units within reach; unused, it is reported (``outside_units``).
- Sharing follows the requirement type's rule (shareable, reach_m), also when a higher type
  satisfies it.
"""

from __future__ import annotations

from .arithmetic import AREA_TOLERANCE_M2, Progress, provision
from .inputs import roll_up
from .model import (
    BOTTOM_UP,
    COMMUNITY,
    DISTRICT,
    FLAG_FLOOR_AREA_UNKNOWN,
    FLAG_LAND_AREA_UNKNOWN,
    FLAG_ZERO_POPULATION,
    NEIGHBOURHOOD,
    PARENT_TIER,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    REASON_UNKNOWN_TYPE,
    REASON_UNTYPED,
    SIZE_IN_RANGE,
    SIZE_TOO_LARGE,
    SIZE_TOO_SMALL,
    STATUS_AREA_SHORT,
    STATUS_LABELS,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
    TOP_DOWN,
    Allocation,
    Facility,
    ProvisionResult,
    ProvisionRow,
    RollUp,
    TierSummary,
    Unit,
    UnitSummary,
    UnusedFacility,
    status_label,
)
from .parents import ParentAssignment, Straddle, UnitOverlap, assign_parents, overlapping_units
from .reach import ReachTable, Sharing, measure_sharing
from .rules import (
    Requirement,
    is_assessed,
    requirements_met_by,
    share_reach_by_type,
    unassessed_types,
)
from .summary import summarise_tiers, summarise_units

__all__ = [
    "AREA_TOLERANCE_M2",
    "BOTTOM_UP",
    "COMMUNITY",
    "DISTRICT",
    "FLAG_FLOOR_AREA_UNKNOWN",
    "FLAG_LAND_AREA_UNKNOWN",
    "FLAG_ZERO_POPULATION",
    "NEIGHBOURHOOD",
    "PARENT_TIER",
    "REASON_NOT_ASSESSED",
    "REASON_OUTSIDE_UNITS",
    "REASON_UNKNOWN_TYPE",
    "REASON_UNTYPED",
    "SIZE_IN_RANGE",
    "SIZE_TOO_LARGE",
    "SIZE_TOO_SMALL",
    "STATUS_AREA_SHORT",
    "STATUS_LABELS",
    "STATUS_MISSING",
    "STATUS_OK",
    "STATUS_OK_SHARED",
    "STATUS_SIZE_MISMATCH",
    "TOP_DOWN",
    "Allocation",
    "Facility",
    "ParentAssignment",
    "Progress",
    "ProvisionResult",
    "ProvisionRow",
    "ReachTable",
    "Requirement",
    "RollUp",
    "Sharing",
    "Straddle",
    "TierSummary",
    "Unit",
    "UnitOverlap",
    "UnitSummary",
    "UnusedFacility",
    "assign_parents",
    "is_assessed",
    "measure_sharing",
    "overlapping_units",
    "provision",
    "requirements_met_by",
    "roll_up",
    "share_reach_by_type",
    "status_label",
    "summarise_tiers",
    "summarise_units",
    "unassessed_types",
]
