"""What walking time needs to know about each network line: stairs, bridge or tunnel, a fixed
time (public lifts, escalators), an OpenStreetMap step count — read with the user's
expressions (``STAIRS``, ``STRUCTURES``) and field (``FIXED_TIME_FIELD``).

The default expressions read OpenStreetMap tags. A layer may hold a tag as a field of its own
(the sample's ``highway``, ``bridge``, ``tunnel``) or inside GDAL's ``other_tags`` hstore text
(an OSM extract read by GDAL); a default naming a key the layer has in neither way matches
nothing for that key, and the log says so. An expression the user wrote must parse and name
only fields the layer has: otherwise the run stops, naming the parameter.

Expressions are evaluated by QGIS as feature request filters (the data provider may compile
them to SQL), so a city's 100,000 lines are not evaluated one by one in Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsProcessingException,
)

from ..i18n import tr
from ..scoring.errors import Cancelled
from ..scoring.network.walking_time import LineKinds
from . import compat
from .layers import describe_ids, python_value

#: The field GDAL's OSM driver puts every other tag in (``"key"=>"value",…``).
OSM_TAGS_FIELD = "other_tags"
#: OpenStreetMap's key for which way a stair climbs along its line (up, down, or a grade).
INCLINE_KEY = "incline"
#: Features evaluated one by one first, so that an expression failing on real values (a text
#: compared with a number …) stops the run instead of silently matching nothing.
_PROBE_FEATURES = 20


@dataclass(frozen=True)
class ExpressionPlan:
    """One of the two expressions as it will be evaluated: the text given (for messages), the
    text run (defaults with OSM keys resolved), and the keys the layer lacks."""

    parameter: str
    given: str
    text: str
    missing_keys: Tuple[str, ...] = ()
    keys_from_tags: Tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class WalkingPlan:
    """How the network's lines are read for walking time (checked before anything is read)."""

    stairs: ExpressionPlan
    structures: ExpressionPlan
    fixed_time_field: str
    #: Expressions reading a stair's OSM step count and incline ("": the layer has none).
    step_count: str
    incline: str

    def key(self) -> Tuple:
        """What the graph's costs depend on, for the session cache."""
        return (
            self.stairs.text,
            self.structures.text,
            self.fixed_time_field,
            self.step_count,
            self.incline,
        )


def walking_plan(
    network,
    label: str,
    stairs: Tuple[str, str, str],
    structures: Tuple[str, str, str],
    fixed_field: str,
    step_count_field: str,
) -> WalkingPlan:
    """The checked plan. ``stairs`` and ``structures`` are (parameter, expression given, its
    default): each is resolved against the layer's fields (see the module docstring)."""
    names = set(network.fields().names())
    if fixed_field and fixed_field not in names:
        raise QgsProcessingException(
            tr(
                "Fixed time field (FIXED_TIME_FIELD): layer '{layer}' has no field '{field}'."
            ).format(layer=label, field=fixed_field)
        )
    if step_count_field in names:
        step_count = QgsExpression.quotedColumnRef(step_count_field)
    elif OSM_TAGS_FIELD in names:
        step_count = osm_tag_expression(step_count_field)
    else:
        step_count = ""
    if INCLINE_KEY in names:
        incline = QgsExpression.quotedColumnRef(INCLINE_KEY)
    elif OSM_TAGS_FIELD in names:
        incline = osm_tag_expression(INCLINE_KEY)
    else:
        incline = "NULL"
    return WalkingPlan(
        _plan_expression(*stairs, tr("Stairs"), names, label),
        _plan_expression(*structures, tr("Bridges and tunnels"), names, label),
        fixed_field,
        step_count,
        incline,
    )


def _plan_expression(
    parameter: str, given: str, default: str, title: str, names: set, label: str
) -> ExpressionPlan:
    if not given:
        return ExpressionPlan(parameter, given, "")
    expression = QgsExpression(given)
    if expression.hasParserError():
        raise QgsProcessingException(
            tr("{title} ({parameter}): the expression {expression} does not parse: {error}").format(
                title=title,
                parameter=parameter,
                expression=given,
                error=expression.parserErrorString(),
            )
        )
    referenced = sorted(
        name for name in expression.referencedColumns() if name != QgsFeatureRequest.ALL_ATTRIBUTES
    )
    missing = tuple(name for name in referenced if name not in names)
    if not missing:
        return ExpressionPlan(parameter, given, given)
    if given != default:
        raise QgsProcessingException(
            tr(
                "{title} ({parameter}): the expression {expression} names {fields}, which layer "
                "'{layer}' does not have."
            ).format(
                title=title,
                parameter=parameter,
                expression=given,
                fields=", ".join(f"'{name}'" for name in missing),
                layer=label,
            )
        )
    # The default on a layer without some OSM key as a field: read it from other_tags, or
    # let it match nothing.
    from_tags = OSM_TAGS_FIELD in names
    text = given
    for name in missing:
        replacement = osm_tag_expression(name) if from_tags else "NULL"
        text = re.sub(rf'"{re.escape(name)}"', replacement, text)
    return ExpressionPlan(
        parameter,
        given,
        text,
        missing_keys=() if from_tags else missing,
        keys_from_tags=missing if from_tags else (),
    )


def osm_tag_expression(key: str) -> str:
    """A QGIS expression for OSM tag ``key`` read from GDAL's ``other_tags``."""
    return f"map_get(hstore_to_map(coalesce(\"{OSM_TAGS_FIELD}\", '')), '{key}')"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class LinesRead:
    """What the lines are, per line part (in the order of ``LinesRead.parts``), as the walking
    engine takes them (``scoring.network.walking_time.LineKinds``), and notes for the log."""

    kinds: LineKinds
    notes: List[Tuple[bool, str]]


def read_line_kinds(
    network, label: str, part_feature: np.ndarray, plan: WalkingPlan, context, feedback
) -> LinesRead:
    """Which parts are stairs or structures, their fixed times, the stairs' OSM step counts
    and inclines (used where the DEM gives a stair no height), with notes for the log."""
    notes: List[Tuple[bool, str]] = []
    stairs_ids = _matching_ids(network, plan.stairs, label, context, feedback)
    structure_ids = _matching_ids(network, plan.structures, label, context, feedback)
    for expression, ids, title in (
        (plan.stairs, stairs_ids, tr("stairs")),
        (plan.structures, structure_ids, tr("bridges or tunnels")),
    ):
        notes.extend(_expression_notes(expression, ids, title, label))
    both = np.intersect1d(stairs_ids, structure_ids)
    if both.size:
        notes.append(
            (
                False,
                tr(
                    "{count} lines of '{layer}' are both stairs and a bridge or tunnel: they are "
                    "taken as stairs."
                ).format(count=int(both.size), layer=label),
            )
        )
    fixed = {}
    if plan.fixed_time_field:
        fixed = _fixed_times(network, label, plan.fixed_time_field, feedback)
        notes.append(
            (
                False,
                tr(
                    "{count} lines of '{layer}' take a fixed time from field '{field}' (lifts, "
                    "escalators), the same both ways."
                ).format(count=len(fixed), layer=label, field=plan.fixed_time_field),
            )
        )
        if fixed:
            overridden = np.intersect1d(
                np.fromiter(fixed, dtype=np.int64, count=len(fixed)),
                np.union1d(stairs_ids, structure_ids),
            )
            if overridden.size:
                notes.append(
                    (
                        False,
                        tr(
                            "{count} of them are also stairs, bridges or tunnels: their fixed "
                            "time is used."
                        ).format(count=int(overridden.size)),
                    )
                )
    step_count, incline = _stair_steps(network, plan, stairs_ids, feedback)
    kinds = LineKinds(
        is_stairs=np.isin(part_feature, stairs_ids),
        is_structure=np.isin(part_feature, structure_ids),
        fixed_seconds=_per_part(fixed, part_feature),
        step_count=_per_part(step_count, part_feature),
        stairs_incline=_per_part(incline, part_feature),
    )
    return LinesRead(kinds, notes)


def _per_part(by_feature: Dict[int, float], part_feature: np.ndarray) -> np.ndarray:
    """A per-feature value for every part (NaN where the feature has none)."""
    values = np.full(part_feature.shape[0], np.nan)
    if not by_feature:
        return values
    ids = np.fromiter(by_feature.keys(), dtype=np.int64, count=len(by_feature))
    numbers = np.fromiter(by_feature.values(), dtype=np.float64, count=len(by_feature))
    order = np.argsort(ids)
    ids, numbers = ids[order], numbers[order]
    at = np.minimum(np.searchsorted(ids, part_feature), ids.size - 1)
    found = ids[at] == part_feature
    values[found] = numbers[at[found]]
    return values


def _expression_context(network, context) -> QgsExpressionContext:
    expression_context = QgsExpressionContext(context.expressionContext())
    expression_context.appendScope(network.createExpressionContextScope())
    return expression_context


def _matching_ids(network, plan: ExpressionPlan, label: str, context, feedback) -> np.ndarray:
    """Sorted ids of the features for which ``plan``'s expression is true."""
    if plan.empty:
        return np.zeros(0, dtype=np.int64)
    expression_context = _expression_context(network, context)
    _probe(network, plan, label, expression_context)
    request = QgsFeatureRequest()
    request.setFlags(compat.FeatureRequestFlag.NoGeometry)
    request.setFilterExpression(plan.text)
    request.setExpressionContext(expression_context)
    ids = []
    for index, feature in enumerate(network.getFeatures(request)):
        if index % 1000 == 0 and feedback.isCanceled():
            raise Cancelled()
        ids.append(feature.id())
    return np.unique(np.asarray(ids, dtype=np.int64))


def _probe(network, plan: ExpressionPlan, label: str, expression_context) -> None:
    """Evaluate the expression on the first features; an evaluation error stops the run."""
    expression = QgsExpression(plan.text)
    expression.prepare(expression_context)
    request = QgsFeatureRequest().setLimit(_PROBE_FEATURES)
    request.setFlags(compat.FeatureRequestFlag.NoGeometry)
    for feature in network.getFeatures(request):
        expression_context.setFeature(feature)
        expression.evaluate(expression_context)
        if expression.hasEvalError():
            raise QgsProcessingException(
                tr(
                    "{parameter}: the expression {expression} fails on feature {fid} of layer "
                    "'{layer}': {error}"
                ).format(
                    parameter=plan.parameter,
                    expression=plan.given,
                    fid=feature.id(),
                    layer=label,
                    error=expression.evalErrorString(),
                )
            )


def _expression_notes(plan: ExpressionPlan, ids: np.ndarray, title: str, label: str):
    notes = []
    if plan.missing_keys:
        notes.append(
            (
                True,
                tr(
                    "Layer '{layer}' has no field {fields} and no other_tags: the default "
                    "{parameter} expression takes that tag as absent on every line, so it finds "
                    "no {what} through it."
                ).format(
                    layer=label,
                    fields=", ".join(f"'{key}'" for key in plan.missing_keys),
                    parameter=plan.parameter,
                    what=title,
                ),
            )
        )
    if plan.keys_from_tags:
        notes.append(
            (
                False,
                tr(
                    "Layer '{layer}': the default {parameter} expression reads {keys} from "
                    "other_tags."
                ).format(
                    layer=label,
                    parameter=plan.parameter,
                    keys=", ".join(f"'{key}'" for key in plan.keys_from_tags),
                ),
            )
        )
    if not plan.empty:
        notes.append(
            (
                False,
                tr("{count} lines of '{layer}' are {what} ({parameter}).").format(
                    count=int(ids.size), layer=label, what=title, parameter=plan.parameter
                ),
            )
        )
    return notes


def _fixed_times(network, label: str, field_name: str, feedback) -> Dict[int, float]:
    """Seconds per feature with a value in the field; a value that is not a positive number of
    seconds (negative, zero, text) stops the run, naming the features."""
    index = network.fields().lookupField(field_name)
    request = QgsFeatureRequest()
    request.setFlags(compat.FeatureRequestFlag.NoGeometry)
    request.setSubsetOfAttributes([index])
    # Only the lines with a value (a city's few lifts), found by the data provider.
    request.setFilterExpression(f"{QgsExpression.quotedColumnRef(field_name)} IS NOT NULL")
    seconds: Dict[int, float] = {}
    bad: List[str] = []
    for number, feature in enumerate(network.getFeatures(request)):
        if number % 5000 == 0 and feedback.isCanceled():
            raise Cancelled()
        value = python_value(feature.attribute(index))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        parsed = _positive_number(value)
        if parsed is None:
            bad.append(f"{feature.id()} ('{value}')")
            continue
        seconds[feature.id()] = parsed
    if bad:
        raise QgsProcessingException(
            tr(
                "Fixed time field (FIXED_TIME_FIELD) '{field}' of layer '{layer}' must hold "
                "seconds, a number more than 0 (leave it empty where a line has no fixed time); "
                "these features do not (feature id and value): {features}"
            ).format(field=field_name, layer=label, features=describe_ids(bad))
        )
    return seconds


def _positive_number(value) -> Optional[float]:
    """A positive finite number from a number or plain numeric text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _stair_steps(network, plan: WalkingPlan, stairs_ids: np.ndarray, feedback):
    """OSM step_count and incline (+1 up along the line, -1 down) per stairs feature, where
    tagged. The walking engine uses them for stairs the DEM gives no height (or without one)."""
    counts: Dict[int, float] = {}
    inclines: Dict[int, float] = {}
    if not plan.step_count or stairs_ids.size == 0:
        return counts, inclines
    count_expression = QgsExpression(plan.step_count)
    incline_expression = QgsExpression(plan.incline)
    expression_context = QgsExpressionContext()
    expression_context.appendScope(QgsExpressionContextUtils.globalScope())
    request = QgsFeatureRequest()
    request.setFlags(compat.FeatureRequestFlag.NoGeometry)
    compat.filter_fids(request, (int(fid) for fid in stairs_ids.tolist()))
    for feature in network.getFeatures(request):
        if feedback.isCanceled():
            raise Cancelled()
        expression_context.setFeature(feature)
        count = _positive_number(python_value(count_expression.evaluate(expression_context)))
        if count is None:
            continue  # untagged, or not a number of steps
        counts[feature.id()] = count
        direction = incline_direction(python_value(incline_expression.evaluate(expression_context)))
        if direction:
            inclines[feature.id()] = direction
    return counts, inclines


def incline_direction(value) -> float:
    """+1 for OSM incline=up (or a positive grade), -1 for down (or a negative grade), 0
    when unknown."""
    if value is None:
        return 0.0
    text = str(value).strip().lower()
    if text == "up":
        return 1.0
    if text == "down":
        return -1.0
    match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*(%|°)?", text)
    if match and float(match.group(1)) != 0:
        return 1.0 if float(match.group(1)) > 0 else -1.0
    return 0.0
