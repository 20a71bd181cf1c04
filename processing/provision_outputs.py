"""Writing the outputs of ``tieredprovision``: the long table, the sharing ledger, the plan's
changes and one layer per tier, each row built from the domain's results and handed to the
sink in batches (a city's long table has 200,000 rows).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from qgis.core import QgsCoordinateReferenceSystem

from ..i18n import tr
from ..scoring.provision import (
    PARENT_TIER,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    SIZE_IN_RANGE,
    STATUS_LABELS,
    TOP_DOWN,
    is_assessed,
    status_label,
)
from . import compat
from .layers import describe_ids
from .provision_inputs import TIER_WORDS, TierLayer, none_or_text

#: The long table, one row per unit and facility type of its tier.
TABLE_FIELDS = (
    ("tier", "string"),
    ("unit_id", "string"),
    ("parent_id", "string"),
    ("population", "double"),
    ("type_code", "string"),
    ("type_name", "string"),
    ("mandatory", "int"),
    ("required_count", "int"),
    ("own_count", "int"),
    ("shared_count", "int"),
    ("deficit_count", "int"),
    ("req_floor_area", "double"),
    ("exist_floor_area", "double"),
    ("deficit_floor_area", "double"),
    ("req_land_area", "double"),
    ("exist_land_area", "double"),
    ("deficit_land_area", "double"),
    ("exist_capacity", "double"),
    ("status", "string"),
    ("status_zh", "string"),
    ("provision_status", "string"),
    ("size_flag", "string"),
    ("flags", "string"),
    ("own_ids", "string"),
    ("shared_ids", "string"),
    ("route_mode", "string"),
    ("measure", "string"),
)

#: The sharing ledger, one row per facility and unit it serves for one requirement type.
SHARING_FIELDS = (
    ("tier", "string"),
    ("type_code", "string"),
    ("facility_id", "string"),
    ("facility_type", "string"),
    ("from_unit", "string"),
    ("to_unit", "string"),
    ("own", "int"),
    ("distance", "double"),
    ("walk_min", "double"),
    ("population", "double"),
    ("share", "double"),
    ("floor_area", "double"),
    ("land_area", "double"),
    ("capacity", "double"),
    ("route_mode", "string"),
    ("measure", "string"),
)

#: The deficits the plan changes, one row per unit and facility type of its tier.
PLAN_CHANGE_FIELDS = (
    ("tier", "string"),
    ("unit_id", "string"),
    ("type_code", "string"),
    ("type_name", "string"),
    ("deficit_count_before", "int"),
    ("deficit_count_after", "int"),
    ("deficit_floor_area_before", "double"),
    ("deficit_floor_area_after", "double"),
    ("status_before", "string"),
    ("status_after", "string"),
    ("status_zh_before", "string"),
    ("status_zh_after", "string"),
    ("project_ids", "string"),
    ("project_names", "string"),
)


def write_rows(
    algorithm,
    parameters,
    context,
    name: str,
    spec,
    rows: Iterable[List[Any]],
    geometries: Optional[Iterable[Any]] = None,
    wkb_type=None,
    crs=None,
) -> str:
    """Output ``name`` with the fields of ``spec`` and one feature per row (with the geometry
    of ``geometries`` alongside, for a layer); its identifier."""
    _fields, sink, sink_id = algorithm.create_sink(
        parameters,
        name,
        context,
        spec,
        compat.NO_GEOMETRY if wkb_type is None else wkb_type,
        QgsCoordinateReferenceSystem() if crs is None else crs,
    )
    sink.add_rows(rows, geometries)
    return sink_id


def table_rows(result, standard, modes: Sequence[str]) -> Iterator[Tuple[Any, ...]]:
    """The long table's rows (TABLE_FIELDS), in the domain's order, made column by column."""
    columns = result.table.columns
    names = {kind.code: kind.name_zh for kind in standard.types}
    status_zh = {status: status_label(status, "zh") for status in STATUS_LABELS}
    size = len(result.table)
    return zip(
        columns["tier"],
        [str(uid) for uid in columns["unit_id"]],
        [none_or_text(uid) for uid in columns["parent_id"]],
        columns["population"],
        columns["type_code"],
        [names[code] for code in columns["type_code"]],
        [int(mandatory) for mandatory in columns["mandatory"]],
        columns["required_count"],
        columns["own_count"],
        columns["shared_count"],
        columns["deficit_count"],
        columns["required_floor_area"],
        columns["existing_floor_area"],
        columns["deficit_floor_area"],
        columns["required_land_area"],
        columns["existing_land_area"],
        columns["deficit_land_area"],
        columns["existing_capacity"],
        columns["status"],
        [status_zh[status] for status in columns["status"]],
        columns["provision_status"],
        columns["size_flag"],
        [",".join(flags) for flags in columns["flags"]],
        [_joined(ids) for ids in columns["own_facility_ids"]],
        [_joined(ids) for ids in columns["shared_facility_ids"]],
        *(repeat(mode, size) for mode in modes),
    )


def _joined(ids) -> str:
    return ",".join(map(str, ids)) if ids else ""


def sharing_rows(result, facilities, modes: Sequence[str]):
    """The sharing ledger's rows (SHARING_FIELDS): ``distance`` the metres of the walk from
    the unit to the facility, with walking time ``walk_min`` its minutes."""
    home = {facility.id: facility for facility in facilities}
    timed = modes[1] == "walking_time"
    for item in result.allocations:
        shared = item.distance is not None
        yield [
            item.tier,
            item.type_code,
            str(item.facility_id),
            item.facility_type,
            none_or_text(home[item.facility_id].unit_in(item.tier)),
            str(item.unit_id),
            int(item.own),
            item.route_m if shared else None,
            item.distance / 60.0 if shared and timed else None,
            item.population,
            item.share,
            item.floor_area,
            item.land_area,
            item.capacity,
            *modes,
        ]


def plan_change_rows(standard, changes, names: Dict[str, str]):
    """The plan changes' rows (PLAN_CHANGE_FIELDS)."""
    for change in changes:
        yield [
            change.tier,
            str(change.unit_id),
            change.type_code,
            standard.type_by_code(change.type_code).name_zh,
            change.deficit_count_before,
            change.deficit_count_after,
            change.deficit_floor_area_before,
            change.deficit_floor_area_after,
            change.status_before,
            change.status_after,
            status_label(change.status_before, "zh"),
            status_label(change.status_after, "zh"),
            ",".join(change.project_ids),
            ",".join(names.get(pid, pid) for pid in change.project_ids),
        ]


def write_tier(algorithm, parameters, context, layer: TierLayer, standard, summaries, name) -> str:
    """One tier's units with def_T per assessed type of the tier and their totals."""
    codes = [kind.code for kind in standard.types_for_tier(layer.tier) if is_assessed(kind)]
    spec = (
        ("unit_id", "string"),
        ("parent_id", "string"),
        ("population", "double"),
        ("size_flag", "string"),
        *((f"def_{code}", "int") for code in codes),
        ("total_def", "int"),
        ("n_missing", "int"),
        ("n_area_short", "int"),
        ("missing", "string"),
        ("area_short", "string"),
        ("short_any", "int"),
        ("status", "string"),
        ("status_zh", "string"),
    )
    of_tier = {summary.unit_id: summary for summary in summaries if summary.tier == layer.tier}

    def rows():
        for uid in layer.ids:
            summary = of_tier[uid]
            yield [
                uid,
                none_or_text(summary.parent_id),
                summary.population,
                summary.size_flag,
                *[summary.deficit_counts.get(code, 0) for code in codes],
                summary.total_deficit_count,
                len(summary.missing_types),
                len(summary.area_short_types),
                ",".join(summary.missing_types),
                ",".join(summary.area_short_types),
                int(summary.short_of_any),
                summary.status,
                status_label(summary.status, "zh"),
            ]

    source = layer.source
    return write_rows(
        algorithm,
        parameters,
        context,
        name,
        spec,
        rows(),
        (feature.geometry() for feature in layer.points.features),
        source.wkbType(),
        source.sourceCrs(),
    )


def report_result(result, feedback) -> None:
    """What the log says of the arithmetic: orphans, sizes out of range, unused facilities."""
    for tier in TOP_DOWN:
        orphans = result.rollup.orphans[tier]
        if orphans:
            feedback.pushWarning(
                tr(
                    "{count} {units} belong to none of the {parents}; their population "
                    "({population}) is in no higher unit: {ids}"
                ).format(
                    count=len(orphans),
                    units=tr(TIER_WORDS[tier]),
                    parents=tr(TIER_WORDS[PARENT_TIER[tier]]),
                    population=round(result.rollup.unassigned_population[tier]),
                    ids=describe_ids(list(orphans)),
                )
            )
        flagged = [uid for uid, flag in result.size_flags[tier].items() if flag != SIZE_IN_RANGE]
        if flagged:
            feedback.pushInfo(
                tr(
                    "{count} {units} have a population outside the standard's range for their "
                    "tier (status 规模不符): {ids}"
                ).format(count=len(flagged), units=tr(TIER_WORDS[tier]), ids=describe_ids(flagged))
            )
    for reason, text, warning in (
        (
            REASON_OUTSIDE_UNITS,
            tr("{count} facilities lie outside every unit and serve none: {ids}"),
            True,
        ),
        (
            REASON_NOT_ASSESSED,
            tr(
                "{count} facilities are of types with no count or area rule (coverage only) "
                "and are not counted here: {ids}"
            ),
            False,
        ),
    ):
        ids = [item.facility_id for item in result.unused_facilities if item.reason == reason]
        if ids:
            (feedback.pushWarning if warning else feedback.pushInfo)(
                text.format(count=len(ids), ids=describe_ids(ids))
            )
