"""Per-unit and per-tier summaries of the long table: what the map layers and outputs show.

A unit is *short* of a type when the arithmetic found it 缺项 or 面积不足 (its
``provision_status``, so that a unit flagged 规模不符 still shows what it lacks).
"""

from __future__ import annotations

import math
from typing import Dict, List, Sequence

from .model import (
    SIZE_IN_RANGE,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
    TOP_DOWN,
    ProvisionResult,
    ProvisionRow,
    TierSummary,
    UnitSummary,
)


def summarise_units(result: ProvisionResult, mandatory_only: bool = False) -> List[UnitSummary]:
    """One summary per unit of every tier, in the order of the long table.

    ``deficit_counts`` holds every type of the unit's tier; with ``mandatory_only`` the total,
    the short types and ``short_of_any`` consider only the 应配建 (mandatory) types.
    """
    grouped: Dict[tuple, List[ProvisionRow]] = {}
    for row in result.rows:
        grouped.setdefault((row.tier, row.unit_id), []).append(row)
    summaries = []
    for tier in TOP_DOWN:
        for uid, unit in result.rollup.units[tier].items():
            rows = grouped.get((tier, uid), [])
            summaries.append(_unit_summary(tier, uid, unit.parent_id, result, rows, mandatory_only))
    return summaries


def _unit_summary(tier, uid, parent_id, result, rows, mandatory_only) -> UnitSummary:
    counted = [row for row in rows if row.mandatory or not mandatory_only]
    missing = tuple(row.type_code for row in counted if row.provision_status == STATUS_MISSING)
    area_short = tuple(
        row.type_code for row in counted if row.provision_status == STATUS_AREA_SHORT
    )
    population = result.rollup.population[tier][uid]
    return UnitSummary(
        tier=tier,
        unit_id=uid,
        parent_id=parent_id,
        population=population,
        size_flag=result.size_flags[tier][uid],
        deficit_counts={row.type_code: row.deficit_count for row in rows},
        total_deficit_count=sum(row.deficit_count for row in counted),
        missing_types=missing,
        area_short_types=area_short,
        short_of_any=bool(missing or area_short),
        status=_unit_status(result.size_flags[tier][uid], counted),
    )


#: Statuses from the worst down: a unit shows the first one any of its counted types has.
_WORST_FIRST = (STATUS_MISSING, STATUS_AREA_SHORT, STATUS_OK_SHARED)


def _unit_status(size_flag: str, rows: Sequence[ProvisionRow]) -> str:
    if size_flag != SIZE_IN_RANGE:
        return STATUS_SIZE_MISMATCH
    found = {row.provision_status for row in rows}
    return next((status for status in _WORST_FIRST if status in found), STATUS_OK)


def summarise_tiers(units: Sequence[UnitSummary]) -> List[TierSummary]:
    """Totals per tier (top-down) from :func:`summarise_units`; tiers without units are left out."""
    summaries = []
    for tier in TOP_DOWN:
        of_tier = [unit for unit in units if unit.tier == tier]
        if not of_tier:
            continue
        summaries.append(
            TierSummary(
                tier=tier,
                n_units=len(of_tier),
                population=math.fsum(unit.population for unit in of_tier),
                n_units_short=sum(unit.short_of_any for unit in of_tier),
                n_units_missing=sum(bool(unit.missing_types) for unit in of_tier),
                n_size_mismatch=sum(unit.size_flag != SIZE_IN_RANGE for unit in of_tier),
                total_deficit_count=sum(unit.total_deficit_count for unit in of_tier),
            )
        )
    return summaries
