"""What a plan changes: the comparison of two results, before and after the plan.

The plan scenario runs the facility gap analysis twice on the same units — with the existing
facilities, then with the plan's projects added — and reports what changed between the two
results; the tiered provisioning does the same with its deficits per unit and type. That
comparison is plain arithmetic on the results (numpy, no QGIS), so it lives here with the
rest of the domain, where it can be tested without a QGIS session.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import AbstractSet, Iterable, Optional, Tuple

import numpy as np

from .gap import GapResult
from .provision import ProvisionRow

#: Floor areas closer than this (m²) are the same deficit: rounding, not a change.
AREA_TOLERANCE_M2 = 1e-6


@dataclass(frozen=True)
class UnitTypeChange:
    """A unit and facility type whose walk the plan shortens (``row`` indexes the units).

    ``dist_*`` are metres (of the quickest route in walking time), ``time_*`` minutes in
    walking time (NaN when measuring metres).
    """

    row: int
    code: str
    dist_before: float
    dist_after: float
    ok_before: int
    ok_after: int
    time_before: float = float("nan")
    time_after: float = float("nan")

    @property
    def gap_closed(self) -> bool:
        return self.ok_before == 0 and self.ok_after == 1


@dataclass(frozen=True)
class TypeComparison:
    """Coverage of one facility type before and after the plan."""

    code: str
    radius_m: float
    n_projects: int
    units_covered_before: int
    units_covered_after: int
    population_covered_before: float
    population_covered_after: float
    population_total: float

    @property
    def gaps_closed(self) -> int:
        return self.units_covered_after - self.units_covered_before

    @property
    def population_gained(self) -> float:
        return self.population_covered_after - self.population_covered_before


def unit_type_changes(before: GapResult, after: GapResult) -> list[UnitTypeChange]:
    """Every (unit, type) whose nearest facility got nearer or whose gap closed, by unit.

    Adding facilities can only shorten the walk, so "changed" means shorter, or reachable
    where nothing was within the cut-off before. "Shorter" is in the analysis's measure: in
    walking time the quickest route may get quicker and longer in metres at once (a level
    detour to a new facility instead of the stairs to the old one).
    """
    changes = []
    timed = before.measure.time
    no_time = np.full(len(before.unit_ids), np.nan)
    for code in before.codes:
        old, new = before.distance[code], after.distance[code]
        old_time, new_time = before.time.get(code, no_time), after.time.get(code, no_time)
        old_cost, new_cost = (old_time, new_time) if timed else (old, new)
        shorter = np.isfinite(new_cost) & (~np.isfinite(old_cost) | (new_cost < old_cost))
        closed = (before.ok[code] == 0) & (after.ok[code] == 1)
        for row in np.flatnonzero(shorter | closed).tolist():
            changes.append(
                UnitTypeChange(
                    row=row,
                    code=code,
                    dist_before=float(old[row]),
                    dist_after=float(new[row]),
                    ok_before=int(before.ok[code][row]),
                    ok_after=int(after.ok[code][row]),
                    time_before=float(old_time[row]),
                    time_after=float(new_time[row]),
                )
            )
    changes.sort(key=lambda change: (change.row, before.codes.index(change.code)))
    return changes


def type_comparisons(
    before: GapResult, after: GapResult, projects_per_type: dict[str, int]
) -> list[TypeComparison]:
    """Per facility type of the standard, in standard order: units and people covered."""
    return [
        TypeComparison(
            code=old.code,
            radius_m=old.radius_m,
            n_projects=projects_per_type.get(old.code, 0),
            units_covered_before=old.units_covered,
            units_covered_after=new.units_covered,
            population_covered_before=old.population_covered,
            population_covered_after=new.population_covered,
            population_total=old.population_total,
        )
        for old, new in zip(before.summary, after.summary)
    ]


def population_of_rows(rows: set, population: np.ndarray) -> float:
    """Residents of the given unit rows (unknown populations count as none)."""
    values = population[sorted(rows)] if rows else np.zeros(0)
    return float(np.nansum(values))


@dataclass(frozen=True)
class DeficitChange:
    """One unit and facility type whose deficit (or status) the plan changes.

    ``project_ids`` are the plan's projects the unit counts for that type after the plan, its
    own or shared, in the order the provisioning used them.
    """

    tier: str
    unit_id: str
    type_code: str
    deficit_count_before: int
    deficit_count_after: int
    deficit_floor_area_before: Optional[float]
    deficit_floor_area_after: Optional[float]
    status_before: str
    status_after: str
    project_ids: Tuple[str, ...]


def deficit_changes(
    before: Iterable[ProvisionRow],
    after: Iterable[ProvisionRow],
    project_ids: AbstractSet[str],
) -> list[DeficitChange]:
    """The rows of ``after`` whose deficit count, floor-area deficit or status differs from the
    same tier, unit and type ``before``, in the order of ``after``.

    Both results come from the same units and standard, so every row has its counterpart;
    a row found in only one of them (which would mean they were not) is not a change the plan
    made and is skipped rather than guessed at.
    """
    old = {(row.tier, row.unit_id, row.type_code): row for row in before}
    changes = []
    for new in after:
        previous = old.get((new.tier, new.unit_id, new.type_code))
        if previous is None or not _deficit_differs(previous, new):
            continue
        used = (*new.own_facility_ids, *new.shared_facility_ids)
        changes.append(
            DeficitChange(
                tier=new.tier,
                unit_id=new.unit_id,
                type_code=new.type_code,
                deficit_count_before=previous.deficit_count,
                deficit_count_after=new.deficit_count,
                deficit_floor_area_before=previous.deficit_floor_area,
                deficit_floor_area_after=new.deficit_floor_area,
                status_before=previous.status,
                status_after=new.status,
                project_ids=tuple(fid for fid in used if fid in project_ids),
            )
        )
    return changes


def _deficit_differs(old: ProvisionRow, new: ProvisionRow) -> bool:
    return (
        old.deficit_count != new.deficit_count
        or old.status != new.status
        or not _same_area(old.deficit_floor_area, new.deficit_floor_area)
    )


def _same_area(old: Optional[float], new: Optional[float]) -> bool:
    """Equal areas, or both unknown (None or NaN: a facility of unknown size was used)."""
    old_known = old is not None and not math.isnan(old)
    new_known = new is not None and not math.isnan(new)
    if not (old_known and new_known):
        return old_known == new_known
    return abs(old - new) <= AREA_TOLERANCE_M2
