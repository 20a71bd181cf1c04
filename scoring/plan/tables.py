"""How each kind of plan record maps to its table's columns and back, on every backend.

A save treats the four tables alike — find the stored row by its key, compare versions, write
the changed fields, record them in the history — so each table is described once here, as data:
its key columns, the columns a save writes, and two converters between a record and a plain
``{column: value}`` row. The store's save, conflict and history code reads only these
descriptions, never a table name, which is what keeps one code path for every kind of record
and for both backends.

Values in a row are what the databases hold: text ('' stored as NULL), numbers, years as whole
numbers, a shapely geometry under :data:`GEOMETRY` (the backend encodes it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Optional, Tuple, Union

from ..rubric import ManualScore, community_key
from .model import MANUAL_SCORES, PLAN_INFO, PROJECTS, TARGETS, PlanInfo, Project, Target

#: The key of the geometry in a row (the column itself is ``geom``).
GEOMETRY = "geometry"
#: Columns every table has since schema version 3, kept by the store, not by the user.
BOOKKEEPING = ("version", "updated_at", "updated_by")

Record = Union[PlanInfo, Project, ManualScore, Target]
Key = Tuple[Any, ...]


@dataclass(frozen=True)
class TableSpec:
    """One table: what identifies a record, what a save writes, how rows become records."""

    name: str
    #: columns that identify a record (empty for plan_info: its single row)
    key: Tuple[str, ...]
    #: columns a save writes besides the key (the user's fields)
    fields: Tuple[str, ...]
    #: whether the table has a geometry column and a created_at column
    geometry: bool
    created: bool
    to_row: Callable[[Any], Dict[str, Any]]
    from_row: Callable[[Dict[str, Any]], Any]
    #: how messages and the history name a record
    describe: Callable[[Any], str]

    @property
    def columns(self) -> Tuple[str, ...]:
        """Key and field columns (not the geometry, not the bookkeeping)."""
        return self.key + self.fields

    def key_of(self, record: Any) -> Key:
        row = self.to_row(record)
        return tuple(row[column] for column in self.key)

    def record_id(self, key: Key) -> str:
        """The key as one text, as the history stores it: ``101/1.2.3``; ``plan`` for plan_info."""
        return "/".join(str(part) for part in key) if key else "plan"


def _null(text: Any) -> Any:
    if isinstance(text, str):
        return text if text else None
    return text


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> Optional[float]:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _year(value: Any) -> Optional[int]:
    number = _number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number  # type: ignore[return-value]


def _version(value: Any) -> int:
    return int(value) if value is not None else 0


# --------------------------------------------------------------------------------------------
# plan_info
# --------------------------------------------------------------------------------------------

_INFO_FIELDS = ("name", "jurisdiction", "period_start", "period_end", "base_year", "author")


def _info_row(info: PlanInfo) -> Dict[str, Any]:
    return {column: _null(getattr(info, column)) for column in _INFO_FIELDS}


def _info_record(row: Dict[str, Any]) -> PlanInfo:
    return PlanInfo(
        name=_text(row.get("name")),
        jurisdiction=_text(row.get("jurisdiction")),
        period_start=_year(row.get("period_start")),
        period_end=_year(row.get("period_end")),
        base_year=_year(row.get("base_year")),
        author=_text(row.get("author")),
        crs=_text(row.get("crs")),
        created_at=_text(row.get("created_at")),
        updated_at=_text(row.get("updated_at")),
        updated_by=_text(row.get("updated_by")),
        version=_version(row.get("version")),
    )


# --------------------------------------------------------------------------------------------
# projects
# --------------------------------------------------------------------------------------------

_PROJECT_FIELDS = (
    "community_id",
    "name",
    "type_code",
    "category",
    "floor_area",
    "land_area",
    "investment_wan",
    "funding_source",
    "start_year",
    "end_year",
    "status",
    "notes",
)


def _project_row(project: Project) -> Dict[str, Any]:
    row = {"id": project.id}
    row.update({column: _null(getattr(project, column)) for column in _PROJECT_FIELDS})
    row[GEOMETRY] = project.geometry
    return row


def _project_record(row: Dict[str, Any]) -> Project:
    return Project(
        id=_text(row.get("id")),
        community_id=community_key(row.get("community_id")),
        name=_text(row.get("name")),
        type_code=_text(row.get("type_code")),
        status=_text(row.get("status")),
        category=_text(row.get("category")),
        floor_area=_number(row.get("floor_area")),
        land_area=_number(row.get("land_area")),
        investment_wan=_number(row.get("investment_wan")),
        funding_source=_text(row.get("funding_source")) or None,
        start_year=_year(row.get("start_year")),
        end_year=_year(row.get("end_year")),
        notes=_text(row.get("notes")),
        geometry=row.get(GEOMETRY),
        created_at=_text(row.get("created_at")),
        updated_at=_text(row.get("updated_at")),
        updated_by=_text(row.get("updated_by")),
        version=_version(row.get("version")),
    )


# --------------------------------------------------------------------------------------------
# manual_scores and targets
# --------------------------------------------------------------------------------------------


def _score_row(score: ManualScore) -> Dict[str, Any]:
    return {
        "community_id": community_key(score.community_id),
        "point_id": str(score.point_id).strip(),
        "score": score.score,
        "evidence": _null(score.evidence),
        "assessor": _null(score.assessor),
        "date": _null(score.date),
    }


def _score_record(row: Dict[str, Any]) -> ManualScore:
    return ManualScore(
        community_id=_text(row.get("community_id")),
        point_id=_text(row.get("point_id")),
        score=_number(row.get("score")),
        evidence=_text(row.get("evidence")),
        assessor=_text(row.get("assessor")),
        date=_text(row.get("date")),
        version=_version(row.get("version")),
    )


def _target_row(target: Target) -> Dict[str, Any]:
    community, indicator, year = target.key
    return {
        "community_id": community,
        "indicator": indicator,
        "year": year,
        "value": target.value,
        "notes": _null(target.notes),
    }


def _target_record(row: Dict[str, Any]) -> Target:
    return Target(
        community_id=_text(row.get("community_id")),
        indicator=_text(row.get("indicator")),
        value=float(row["value"]),
        year=int(row["year"]),
        notes=_text(row.get("notes")),
        version=_version(row.get("version")),
    )


TABLES: Dict[str, TableSpec] = {
    PLAN_INFO: TableSpec(
        PLAN_INFO, (), _INFO_FIELDS, False, True, _info_row, _info_record,
        lambda info: str(info.name).strip() or PLAN_INFO,
    ),
    PROJECTS: TableSpec(
        PROJECTS, ("id",), _PROJECT_FIELDS, True, True, _project_row, _project_record,
        lambda project: project.record,
    ),
    MANUAL_SCORES: TableSpec(
        MANUAL_SCORES, ("community_id", "point_id"),
        ("score", "evidence", "assessor", "date"), False, False, _score_row, _score_record,
        lambda score: f"{community_key(score.community_id)}/{str(score.point_id).strip()}",
    ),
    TARGETS: TableSpec(
        TARGETS, ("community_id", "indicator", "year"), ("value", "notes"), False, False,
        _target_row, _target_record,
        lambda target: "/".join(str(part) for part in target.key),
    ),
}  # fmt: skip


def stored(record: Any, row: Dict[str, Any]) -> Any:
    """``record`` with the bookkeeping of the row just written (version, times, user)."""
    values = {name: row[name] for name in BOOKKEEPING if name in row}
    if "created_at" in row and hasattr(record, "created_at"):
        values["created_at"] = row["created_at"]
    if not hasattr(record, "updated_at"):
        values.pop("updated_at", None)
    if not hasattr(record, "updated_by"):
        values.pop("updated_by", None)
    return replace(record, **values)
