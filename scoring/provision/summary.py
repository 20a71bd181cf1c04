"""Per-unit and per-tier summaries of the long table: what the map layers and outputs show.

A unit is *short* of a type when the arithmetic found it 缺项 or 面积不足 (its
``provision_status``, so that a unit flagged 规模不符 still shows what it lacks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import compress
from typing import List, Sequence

import numpy as np

from .model import (
    SIZE_IN_RANGE,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
    TOP_DOWN,
    ProvisionResult,
    TierSummary,
    UnitSummary,
)


def summarise_units(result: ProvisionResult, mandatory_only: bool = False) -> List[UnitSummary]:
    """One summary per unit of every tier, in the order of the long table.

    ``deficit_counts`` holds every type of the unit's tier; with ``mandatory_only`` the total,
    the short types and ``short_of_any`` consider only the 应配建 (mandatory) types. Read from
    the table's columns a tier at a time (a city has 200,000 rows).
    """
    blocks = {}
    start = 0
    for tier, ids, codes in result.table.blocks:
        blocks[tier] = (start, codes)
        start += len(ids) * len(codes)
    summaries = []
    for tier in TOP_DOWN:
        units = result.rollup.units[tier]
        start, codes = blocks.get(tier, (0, ()))
        width = len(codes)
        columns = _TierColumns.of(result.table.columns, start, len(units), codes, mandatory_only)
        for number, (uid, unit) in enumerate(units.items()):
            size_flag = result.size_flags[tier][uid]
            missing = tuple(compress(codes, columns.missing[number]))
            area_short = tuple(compress(codes, columns.area_short[number]))
            if size_flag != SIZE_IN_RANGE:
                status = STATUS_SIZE_MISMATCH
            elif missing:
                status = STATUS_MISSING
            elif area_short:
                status = STATUS_AREA_SHORT
            else:
                status = STATUS_OK_SHARED if any(columns.shared[number]) else STATUS_OK
            summaries.append(
                UnitSummary(
                    tier=tier,
                    unit_id=uid,
                    parent_id=unit.parent_id,
                    population=result.rollup.population[tier][uid],
                    size_flag=size_flag,
                    deficit_counts=dict(zip(codes, columns.deficits[number])) if width else {},
                    total_deficit_count=columns.totals[number],
                    missing_types=missing,
                    area_short_types=area_short,
                    short_of_any=bool(missing or area_short),
                    status=status,
                )
            )
    return summaries


@dataclass(frozen=True)
class _TierColumns:
    """One tier's block of the long table as unit × type lists: deficit counts, which counted
    types are missing, short of area or met by sharing, and the counted deficits' totals."""

    deficits: list
    missing: list
    area_short: list
    shared: list
    totals: list

    @classmethod
    def of(cls, columns, start: int, n_units: int, codes: Sequence[str], mandatory_only: bool):
        width = len(codes)
        if not width:
            empty = [()] * n_units
            return cls(empty, empty, empty, empty, [0] * n_units)
        end = start + n_units * width
        deficits = np.array(columns["deficit_count"][start:end], dtype=np.int64)
        deficits = deficits.reshape(n_units, width)
        found = np.array(columns["provision_status"][start:end]).reshape(n_units, width)
        mandatory = np.array(columns["mandatory"][start : start + width], dtype=bool)
        counted = mandatory | (not mandatory_only)
        return cls(
            deficits=deficits.tolist(),
            missing=((found == STATUS_MISSING) & counted).tolist(),
            area_short=((found == STATUS_AREA_SHORT) & counted).tolist(),
            shared=((found == STATUS_OK_SHARED) & counted).tolist(),
            totals=(deficits * counted).sum(axis=1).tolist(),
        )


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
