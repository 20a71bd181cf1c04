"""What a plan changes: the comparison of two gap results, before and after the plan.

The plan scenario runs the facility gap analysis twice on the same units — with the existing
facilities, then with the plan's projects added — and reports what changed between the two
results. That comparison is plain arithmetic on the results (numpy, no QGIS), so
it lives here with the rest of the domain, where it can be tested without a QGIS session.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gap import GapResult


@dataclass(frozen=True)
class UnitTypeChange:
    """A unit and facility type whose distance the plan shortens (``row`` indexes the units)."""

    row: int
    code: str
    dist_before: float
    dist_after: float
    ok_before: int
    ok_after: int

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
    """Every (unit, type) whose nearest distance got shorter or whose gap closed, by unit.

    Adding facilities can only shorten distances, so "changed" means shorter, or reachable
    where nothing was within the cut-off before.
    """
    changes = []
    for code in before.codes:
        old, new = before.distance[code], after.distance[code]
        shorter = np.isfinite(new) & (~np.isfinite(old) | (new < old))
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
