"""Checking plan records field by field, with messages that name the record and the field.

Two callers need the same checks worded for two places:

- a dialog, as the user types, and the store before it saves: "Table 'projects', record
  社区卫生服务站: field 'floor_area' must be a number greater than 0, got '-5'";
- a workbook import: "Workbook plan.xlsx, sheet '项目库 projects', row 7, column F
  (floor_area): must be a number greater than 0, got '-5'".

So each check raises a :class:`FieldCheckError` (which check failed, on which field, with which
values) and the caller words it for its place with :meth:`FieldCheckError.for_record` or
:meth:`FieldCheckError.for_cell`. Every :class:`DataError` made here carries ``table``, ``field``
and ``key`` (the record's id) in ``values``, so a dialog can mark the offending widget.

Values are read in one of two modes. *Lenient* reading turns what a person typed into the
stored value: ``"1,200"`` and full-width ``１２００`` are 1200, ``"2025年"`` is 2025, ``在建``
is ``under_construction``, a facility's Chinese name or alias is its type code. *Strict*
reading checks a record already built (what :meth:`.store.PlanStore.save` gets): codes must
be codes and numbers numbers, so that nothing is stored that a dialog would show differently.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ..errors import N_, DataError
from ..rubric import ManualScore, Rubric, community_key
from ..schema import show_value
from ..standard import FacilityStandard
from .model import (
    FIELDS,
    FUNDING_SOURCES,
    MANUAL_SCORES,
    PLAN_INFO,
    PROJECTS,
    STATUSES,
    TARGETS,
    YEAR_MAX,
    YEAR_MIN,
    Changes,
    Choice,
    PlanInfo,
    Project,
    Target,
    describe_choices,
    manual_score_key,
    match_choice,
)

# The checks. Each has a record wording and a workbook-cell wording below.
MISSING = "missing"
NOT_NUMBER = "not_number"
NOT_POSITIVE = "not_positive"
NOT_YEAR = "not_year"
BEFORE = "before"
NOT_CHOICE = "not_choice"
UNKNOWN_TYPE = "unknown_type"
BAD_TYPE_CODE = "bad_type_code"
BAD_GEOMETRY = "bad_geometry"
INVALID_POLYGON = "invalid_polygon"
SCORE_RANGE = "score_range"
NEGATIVE = "negative"
UNKNOWN_POINT = "unknown_point"
NOT_MANUAL = "not_manual"
NOT_DATE = "not_date"

_RECORD_TEMPLATES: Mapping[str, str] = {
    MISSING: N_("Table '{table}', record {record}: field '{field}' is required but empty"),
    NOT_NUMBER: N_(
        "Table '{table}', record {record}: field '{field}' must be a number, got '{value}'"
    ),
    NOT_POSITIVE: N_(
        "Table '{table}', record {record}: field '{field}' must be a number greater than 0, "
        "got '{value}'"
    ),
    NOT_YEAR: N_(
        "Table '{table}', record {record}: field '{field}' must be a year from {min} to {max}, "
        "got '{value}'"
    ),
    BEFORE: N_(
        "Table '{table}', record {record}: field '{field}' ({value}) must not be earlier than "
        "field '{other}' ({other_value})"
    ),
    NOT_CHOICE: N_(
        "Table '{table}', record {record}: field '{field}' must be one of {allowed}; got '{value}'"
    ),
    UNKNOWN_TYPE: N_(
        "Table '{table}', record {record}: field '{field}': '{value}' is not a facility type of "
        "the standard '{standard}'"
    ),
    BAD_TYPE_CODE: N_(
        "Table '{table}', record {record}: field '{field}' must be a facility type code (lower-"
        "case letters, digits and _, starting with a letter), got '{value}'"
    ),
    BAD_GEOMETRY: N_(
        "Table '{table}', record {record}: field '{field}' must be a point or a polygon with "
        "finite coordinates, got {value}"
    ),
    INVALID_POLYGON: N_(
        "Table '{table}', record {record}: field '{field}' is not a valid polygon: {reason}"
    ),
    SCORE_RANGE: N_(
        "Table '{table}', record {record}: field '{field}' must be from 0 to the point's maximum "
        "{max}, got '{value}'"
    ),
    NEGATIVE: N_(
        "Table '{table}', record {record}: field '{field}' must be a number of 0 or more, got "
        "'{value}'"
    ),
    UNKNOWN_POINT: N_(
        "Table '{table}', record {record}: field '{field}': the rubric has no scoring point "
        "'{value}'"
    ),
    NOT_MANUAL: N_(
        "Table '{table}', record {record}: field '{field}': point '{value}' is computed from "
        "indicator '{indicator}', so it is not scored by hand"
    ),
    NOT_DATE: N_(
        "Table '{table}', record {record}: field '{field}' must be a date written YYYY-MM-DD, "
        "got '{value}'"
    ),
}

_CELL_TEMPLATES: Mapping[str, str] = {
    MISSING: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): the cell is empty"
    ),
    NOT_NUMBER: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a "
        "number, got '{value}'"
    ),
    NOT_POSITIVE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a "
        "number greater than 0, got '{value}'"
    ),
    NOT_YEAR: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a year "
        "from {min} to {max}, got '{value}'"
    ),
    BEFORE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): {value} must "
        "not be earlier than {other} ({other_value})"
    ),
    NOT_CHOICE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be one of "
        "{allowed}; got '{value}'"
    ),
    UNKNOWN_TYPE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): '{value}' is "
        "not a facility type of the standard '{standard}'"
    ),
    BAD_TYPE_CODE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a "
        "facility type code (lower-case letters, digits and _, starting with a letter), got "
        "'{value}'"
    ),
    BAD_GEOMETRY: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a "
        "point or a polygon with finite coordinates, got {value}"
    ),
    INVALID_POLYGON: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): not a valid "
        "polygon: {reason}"
    ),
    SCORE_RANGE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be from 0 "
        "to the point's maximum {max}, got '{value}'"
    ),
    NEGATIVE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a "
        "number of 0 or more, got '{value}'"
    ),
    UNKNOWN_POINT: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): the rubric has "
        "no scoring point '{value}'"
    ),
    NOT_MANUAL: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): point '{value}' "
        "is computed from indicator '{indicator}', so it is not scored by hand"
    ),
    NOT_DATE: N_(
        "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a date "
        "written YYYY-MM-DD, got '{value}'"
    ),
}

_DUPLICATE = N_(
    "Table '{table}', record {record}: saved twice in one save (the same {fields}); keep one"
)

_TYPE_CODE = re.compile(r"[a-z][a-z0-9_]*\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?\Z")
_GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")


class FieldCheckError(Exception):
    """A check that failed on one field, not yet worded for a place (record or cell)."""

    def __init__(self, check: str, field: str, **values: Any) -> None:
        super().__init__(check, field)
        self.check = check
        self.field = field
        self.values = values

    def for_record(self, table: str, record: str, key: str = "") -> DataError:
        """The message for a record of a table (dialogs, the store)."""
        return DataError(
            _RECORD_TEMPLATES[self.check],
            table=table,
            record=record,
            key=key,
            field=self.field,
            **self.values,
        )

    def for_cell(self, file: str, sheet: str, row: int, column: str) -> DataError:
        """The message for a workbook cell (imports)."""
        return DataError(
            _CELL_TEMPLATES[self.check],
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            field=self.field,
            **self.values,
        )


@dataclass(frozen=True)
class Context:
    """What values are checked against: a facility standard, a rubric (both optional).

    Without a standard a type code is only checked for its form; without a rubric a score
    only for being 0 or more.
    """

    standard: Optional[FacilityStandard] = None
    rubric: Optional[Rubric] = None
    #: values of the record's other fields some checks need (``point_id`` for a score).
    others: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Reading one value
# --------------------------------------------------------------------------------------------

Reader = Callable[[str, Any, Context, bool], Any]


def _text(name: str, raw: Any, context: Context, lenient: bool) -> str:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return community_key(raw)
    return str(raw).strip()


def _required_text(name: str, raw: Any, context: Context, lenient: bool) -> str:
    text = _text(name, raw, context, lenient)
    if not text:
        raise FieldCheckError(MISSING, name)
    return text


def _community(name: str, raw: Any, context: Context, lenient: bool) -> str:
    """Community ids as text: 101, 101.0 and "101" are one community (see community_key)."""
    text = community_key(raw) if not (isinstance(raw, float) and math.isnan(raw)) else ""
    if not text:
        raise FieldCheckError(MISSING, name)
    return text


def _number(name: str, raw: Any, lenient: bool) -> Optional[float]:
    """A finite float, None for an empty value; FieldCheckError(NOT_NUMBER) otherwise."""
    if raw is None:
        return None
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        value = float(raw)
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise FieldCheckError(NOT_NUMBER, name, value=show_value(raw))
        return value
    if isinstance(raw, str) and lenient:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not text:
            return None
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise FieldCheckError(NOT_NUMBER, name, value=show_value(raw)) from None
        if math.isfinite(value):
            return value
    raise FieldCheckError(NOT_NUMBER, name, value=show_value(raw))


def parse_number(name: str, raw: Any, lenient: bool = True) -> Optional[float]:
    """A number typed or read from a cell (None when empty); raises :class:`FieldCheckError`."""
    return _number(name, raw, lenient)


def _positive(name: str, raw: Any, context: Context, lenient: bool) -> Optional[float]:
    try:
        value = _number(name, raw, lenient)
    except FieldCheckError:
        raise FieldCheckError(NOT_POSITIVE, name, value=show_value(raw)) from None
    if value is not None and value <= 0:
        raise FieldCheckError(NOT_POSITIVE, name, value=show_value(raw))
    return value


def _required_number(name: str, raw: Any, context: Context, lenient: bool) -> float:
    value = _number(name, raw, lenient)
    if value is None:
        raise FieldCheckError(MISSING, name)
    return value


def _year(name: str, raw: Any, context: Context, lenient: bool) -> Optional[int]:
    if isinstance(raw, str) and lenient:
        raw = unicodedata.normalize("NFKC", raw).strip().rstrip("年").strip()
    try:
        value = _number(name, raw, lenient)
    except FieldCheckError:
        value = math.nan
    if value is None:
        return None
    if not (value.is_integer() and YEAR_MIN <= value <= YEAR_MAX):
        raise FieldCheckError(NOT_YEAR, name, value=show_value(raw), min=YEAR_MIN, max=YEAR_MAX)
    return int(value)


def _required_year(name: str, raw: Any, context: Context, lenient: bool) -> int:
    value = _year(name, raw, context, lenient)
    if value is None:
        raise FieldCheckError(MISSING, name)
    return value


def _choice(choices: Sequence[Choice], required: bool) -> Reader:
    def read(name: str, raw: Any, context: Context, lenient: bool) -> Optional[str]:
        text = _text(name, raw, context, lenient)
        if not text:
            if required:
                raise FieldCheckError(MISSING, name)
            return None
        codes = [choice.code for choice in choices]
        code = match_choice(choices, text) if lenient else (text if text in codes else None)
        if code is None:
            raise FieldCheckError(
                NOT_CHOICE, name, value=show_value(raw), allowed=describe_choices(choices)
            )
        return code

    return read


def _type_code(name: str, raw: Any, context: Context, lenient: bool) -> str:
    text = _required_text(name, raw, context, lenient)
    standard = context.standard
    if standard is None:
        if not _TYPE_CODE.match(text):
            raise FieldCheckError(BAD_TYPE_CODE, name, value=show_value(raw))
        return text
    if text in standard.codes():
        return text
    matched = standard.match_type(text) if lenient else None
    if matched is None:
        raise FieldCheckError(
            UNKNOWN_TYPE, name, value=show_value(raw), standard=standard.display_name("zh")
        )
    return matched


def _geometry(name: str, raw: Any, context: Context, lenient: bool) -> Any:
    if raw is None or (isinstance(raw, str) and lenient and not raw.strip()):
        return None
    geometry = raw
    if isinstance(raw, str) and lenient:
        geometry = _geometry_from_wkt(name, raw)
    geom_type = getattr(geometry, "geom_type", None)
    if geom_type not in _GEOMETRY_TYPES:
        shown = geom_type or show_value(raw)
        raise FieldCheckError(BAD_GEOMETRY, name, value=shown)
    if geometry.is_empty or not all(math.isfinite(v) for v in geometry.bounds):
        raise FieldCheckError(BAD_GEOMETRY, name, value=f"{geom_type} EMPTY")
    if geom_type != "Point" and not geometry.is_valid:
        from shapely.validation import explain_validity

        raise FieldCheckError(INVALID_POLYGON, name, reason=explain_validity(geometry))
    return geometry


def _geometry_from_wkt(name: str, text: str) -> Any:
    from shapely import wkt

    try:
        return wkt.loads(text.strip())
    except Exception:  # shapely 1.8 WKTReadingError, 2.x GEOSException
        raise FieldCheckError(BAD_GEOMETRY, name, value=f"'{show_value(text)}'") from None


def _point_id(name: str, raw: Any, context: Context, lenient: bool) -> str:
    text = _required_text(name, raw, context, lenient)
    rubric = context.rubric
    if rubric is None:
        return text
    if not rubric.has_point(text):
        raise FieldCheckError(UNKNOWN_POINT, name, value=text)
    point = rubric.place_of(text).point
    if not point.is_manual:
        raise FieldCheckError(NOT_MANUAL, name, value=text, indicator=point.indicator)
    return text


def _score(name: str, raw: Any, context: Context, lenient: bool) -> Optional[float]:
    """Empty is 待评; with a rubric the score must lie within 0 and the point's maximum."""
    value = _number(name, raw, lenient)
    if value is None:
        return None
    maximum = _point_maximum(context)
    if maximum is None:
        if value < 0:
            raise FieldCheckError(NEGATIVE, name, value=show_value(raw))
        return value
    if not 0 <= round(value, 6) <= maximum:
        raise FieldCheckError(SCORE_RANGE, name, value=show_value(raw), max=_show_number(maximum))
    return value


def _point_maximum(context: Context) -> Optional[float]:
    point_id = str(context.others.get("point_id") or "").strip()
    rubric = context.rubric
    if rubric is None or not rubric.has_point(point_id):
        return None
    return rubric.place_of(point_id).point.max_score


def _date(name: str, raw: Any, context: Context, lenient: bool) -> str:
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    text = _text(name, raw, context, lenient)
    if lenient:
        text = unicodedata.normalize("NFKC", text)
    if not text:
        return ""
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        datetime.date.fromisoformat(text)
    except ValueError:
        raise FieldCheckError(NOT_DATE, name, value=show_value(raw)) from None
    return text


def _show_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_READERS: Mapping[str, Mapping[str, Reader]] = {
    PROJECTS: {
        "id": _required_text,
        "community_id": _community,
        "name": _required_text,
        "type_code": _type_code,
        "category": _text,
        "floor_area": _positive,
        "land_area": _positive,
        "investment_wan": _positive,
        "funding_source": _choice(FUNDING_SOURCES, required=False),
        "start_year": _year,
        "end_year": _year,
        "status": _choice(STATUSES, required=True),
        "notes": _text,
        "geometry": _geometry,
    },
    PLAN_INFO: {
        "name": _required_text,
        "jurisdiction": _text,
        "period_start": _year,
        "period_end": _year,
        "base_year": _year,
        "author": _text,
        "crs": _text,
    },
    MANUAL_SCORES: {
        "community_id": _community,
        "point_id": _point_id,
        "score": _score,
        "evidence": _text,
        "assessor": _text,
        "date": _date,
    },
    TARGETS: {
        "community_id": _community,
        "indicator": _required_text,
        "value": _required_number,
        "year": _required_year,
        "notes": _text,
    },
}

#: Per table: (later field, earlier field) pairs that must be in order.
_ORDERED: Mapping[str, Tuple[Tuple[str, str], ...]] = {
    PROJECTS: (("end_year", "start_year"),),
    PLAN_INFO: (("period_end", "period_start"),),
}


def editable_fields(table: str) -> Tuple[str, ...]:
    """The fields of ``table`` that a user edits and the checks read, in display order."""
    return tuple(spec.key for spec in FIELDS[table] if spec.key in _READERS[table])


def parse_value(
    table: str, name: str, raw: Any, context: Optional[Context] = None, lenient: bool = True
) -> Any:
    """The stored value of field ``name`` of ``table`` for ``raw``; raises :class:`FieldCheckError`.

    ``lenient`` reads what a person typed (see the module doc); strict checks a record's value.
    """
    try:
        reader = _READERS[table][name]
    except KeyError:
        raise KeyError(f"{table}.{name}") from None
    return reader(name, raw, context or Context(), lenient)


def check_order(table: str, values: Mapping[str, Any]) -> None:
    """Raise :class:`FieldCheckError` when a later field (end year) comes before its earlier one."""
    for later, earlier in _ORDERED.get(table, ()):
        late, early = values.get(later), values.get(earlier)
        if late is not None and early is not None and late < early:
            raise FieldCheckError(BEFORE, later, value=late, other=earlier, other_value=early)


# --------------------------------------------------------------------------------------------
# Dialog-facing checks: one field as typed, one record before saving
# --------------------------------------------------------------------------------------------


def read_field(
    table: str,
    name: str,
    raw: Any,
    *,
    standard: Optional[FacilityStandard] = None,
    rubric: Optional[Rubric] = None,
    others: Optional[Mapping[str, Any]] = None,
    record: str = "",
    key: str = "",
) -> Any:
    """What a user typed into field ``name`` of a ``table`` record, as the value to keep.

    Raises :class:`DataError` naming ``record`` and the field. ``others`` holds the record's
    other values that a check needs: ``point_id`` for a manual score's ``score``, the start
    year for an end year (and the other way round: the error then names the end year, the
    field that must come later).
    """
    context = Context(standard, rubric, dict(others or {}))
    try:
        value = parse_value(table, name, raw, context, lenient=True)
        check_order(table, {**_partners(table, name, context), name: value})
    except FieldCheckError as problem:
        raise problem.for_record(table, record or key, key) from None
    return value


def _partners(table: str, name: str, context: Context) -> Dict[str, Any]:
    """The readable values of the fields ``name`` must be in order with."""
    partners: Dict[str, Any] = {}
    for pair in _ORDERED.get(table, ()):
        if name not in pair:
            continue
        other = pair[0] if name == pair[1] else pair[1]
        with suppress(FieldCheckError):  # a bad other field reports its own problem
            partners[other] = parse_value(table, other, context.others.get(other), context)
    return partners


def field_error(
    table: str,
    name: str,
    raw: Any,
    *,
    standard: Optional[FacilityStandard] = None,
    rubric: Optional[Rubric] = None,
    others: Optional[Mapping[str, Any]] = None,
    record: str = "",
    key: str = "",
) -> Optional[DataError]:
    """The problem with what a user typed into a field, or None: validation as you type."""
    try:
        read_field(
            table, name, raw, standard=standard, rubric=rubric, others=others, record=record,
            key=key,
        )  # fmt: skip
    except DataError as error:
        return error
    return None


def _record_errors(
    table: str, values: Mapping[str, Any], context: Context, record: str, key: str
) -> Tuple[Dict[str, Any], List[DataError]]:
    """(normalised values, errors) of a whole record read strictly, order checks included."""
    context = Context(context.standard, context.rubric, values)
    clean: Dict[str, Any] = {}
    errors: List[DataError] = []
    for name in _READERS[table]:
        try:
            clean[name] = parse_value(table, name, values.get(name), context, lenient=False)
        except FieldCheckError as problem:
            errors.append(problem.for_record(table, record, key))
    try:
        check_order(table, clean)
    except FieldCheckError as problem:
        errors.append(problem.for_record(table, record, key))
    return clean, errors


def _normalised(
    table: str, values: Mapping[str, Any], context: Context, record: str, key: str = ""
) -> Dict[str, Any]:
    """The record's values as stored; raises the first of its problems."""
    clean, errors = _record_errors(table, values, context, record, key)
    if errors:
        raise errors[0]
    return clean


def project_errors(
    project: Project, standard: Optional[FacilityStandard] = None
) -> List[DataError]:
    """Every problem of a project, each naming the project and the field (empty: it is fine)."""
    context = Context(standard)
    return _record_errors(PROJECTS, vars(project), context, project.record, project.id)[1]


def normalise_project(project: Project, standard: Optional[FacilityStandard] = None) -> Project:
    """The project with its values as stored (ids stripped, years int); raises the first error."""
    context = Context(standard)
    clean = _normalised(PROJECTS, vars(project), context, project.record, project.id)
    return Project(**{**vars(project), **clean})


def plan_info_errors(info: PlanInfo) -> List[DataError]:
    return _record_errors(PLAN_INFO, vars(info), Context(), _info_record(info), "")[1]


def normalise_plan_info(info: PlanInfo) -> PlanInfo:
    clean = _normalised(PLAN_INFO, vars(info), Context(), _info_record(info))
    return PlanInfo(**{**vars(info), **clean})


def _info_record(info: PlanInfo) -> str:
    return str(info.name).strip() if info.name else PLAN_INFO


def manual_score_errors(score: ManualScore, rubric: Optional[Rubric] = None) -> List[DataError]:
    """Every problem of a manual score (unknown or computed point, score out of range ...)."""
    context = Context(rubric=rubric)
    return _record_errors(MANUAL_SCORES, vars(score), context, _score_record(score), "")[1]


def normalise_manual_score(score: ManualScore, rubric: Optional[Rubric] = None) -> ManualScore:
    context = Context(rubric=rubric)
    clean = _normalised(MANUAL_SCORES, vars(score), context, _score_record(score))
    return ManualScore(**{**vars(score), **clean})


def _score_record(score: ManualScore) -> str:
    return f"{community_key(score.community_id)}/{score.point_id}"


def target_errors(target: Target) -> List[DataError]:
    return _record_errors(TARGETS, vars(target), Context(), _target_record(target), "")[1]


def normalise_target(target: Target) -> Target:
    clean = _normalised(TARGETS, vars(target), Context(), _target_record(target))
    return Target(**{**vars(target), **clean})


def _target_record(target: Target) -> str:
    return f"{community_key(target.community_id)}/{target.indicator}/{target.year}"


def changes_errors(
    changes: Changes,
    standard: Optional[FacilityStandard] = None,
    rubric: Optional[Rubric] = None,
) -> List[DataError]:
    """Every problem of a save, in record order; a record given twice is one too."""
    errors: List[DataError] = []
    if changes.info is not None:
        errors += plan_info_errors(changes.info)
    for project in changes.projects:
        errors += project_errors(project, standard)
    for score in changes.manual_scores:
        errors += manual_score_errors(score, rubric)
    for target in changes.targets:
        errors += target_errors(target)
    errors += _duplicates(PROJECTS, changes.projects, lambda p: str(p.id).strip(), "id")
    errors += _duplicates(
        MANUAL_SCORES, changes.manual_scores, manual_score_key, "community_id, point_id"
    )
    errors += _duplicates(
        TARGETS, changes.targets, lambda t: t.key, "community_id, indicator, year"
    )
    return errors


def _duplicates(
    table: str, records: Sequence[Any], key_of: Callable[[Any], Any], fields: str
) -> List[DataError]:
    seen = set()
    errors = []
    for record in records:
        key = key_of(record)
        if key in seen:
            shown = key if isinstance(key, str) else "/".join(str(part) for part in key)
            errors.append(
                DataError(_DUPLICATE, table=table, record=shown, fields=fields, key=shown)
            )
        seen.add(key)
    return errors
