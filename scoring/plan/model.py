"""The records of a special plan (专项规划): plan information, projects, manual scores, targets.

These are plain frozen dataclasses: a dialog keeps a list of them in memory, edits one with
:func:`dataclasses.replace`, and hands the edits to :meth:`.store.PlanStore.save` as one
:class:`Changes`. Nothing here touches a file; checking the values is :mod:`.validate`'s job.

Statuses and funding sources are stored as stable ASCII codes, so that a workbook, a model
or a script written today still reads the plan after the Chinese wording of a label changes;
the labels in both languages live here, next to the codes (:data:`STATUSES`,
:data:`FUNDING_SOURCES`).
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple

from ..rubric import ManualScore, Rubric, community_key

# Table names: also the layer names users see in QGIS.
PLAN_INFO = "plan_info"
PROJECTS = "projects"
MANUAL_SCORES = "manual_scores"
TARGETS = "targets"
META = "plan_meta"
HISTORY = "history"

YEAR_MIN = 2000
YEAR_MAX = 2100


# --------------------------------------------------------------------------------------------
# Coded values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One allowed value of a coded field: the stored code and its labels."""

    code: str
    zh: str
    en: str

    def label(self, locale: str = "zh") -> str:
        """The Chinese label for a Chinese locale (``zh``, ``zh_CN`` ...), else the English."""
        return self.zh if locale.lower().startswith("zh") else self.en


STATUS_RESERVE = "reserve"
STATUS_PLANNED = "planned"
STATUS_UNDER_CONSTRUCTION = "under_construction"
STATUS_COMPLETED = "completed"

#: Project statuses, from application to completion (储备 → 计划 → 在建 → 完工).
STATUSES: Tuple[Choice, ...] = (
    Choice(STATUS_RESERVE, "储备", "Reserve"),
    Choice(STATUS_PLANNED, "计划", "Planned"),
    Choice(STATUS_UNDER_CONSTRUCTION, "在建", "Under construction"),
    Choice(STATUS_COMPLETED, "完工", "Completed"),
)

#: Where a project's money comes from.
FUNDING_SOURCES: Tuple[Choice, ...] = (
    Choice("urban_renewal_award", "城市更新示范奖补", "Urban renewal demonstration subsidy"),
    Choice("old_community_renovation", "老旧小区改造", "Old residential community renovation"),
    Choice("urban_village_renovation", "城中村改造", "Urban village redevelopment"),
    Choice("private_capital", "社会资本", "Private capital"),
    Choice("other", "其他", "Other"),
)

CHOICES: Mapping[str, Tuple[Choice, ...]] = {
    "status": STATUSES,
    "funding_source": FUNDING_SOURCES,
}


def choice_codes(choices: Sequence[Choice]) -> Tuple[str, ...]:
    return tuple(choice.code for choice in choices)


def choice_label(choices: Sequence[Choice], code: Optional[str], locale: str = "zh") -> str:
    """The label of ``code`` in ``locale``; an unknown code is shown as itself, None as ""."""
    if code is None:
        return ""
    for choice in choices:
        if choice.code == code:
            return choice.label(locale)
    return str(code)


def match_choice(choices: Sequence[Choice], value: Any) -> Optional[str]:
    """The code that ``value`` means: the code itself, its Chinese or English label, or both
    labels together as a workbook header writes them (``在建 Under construction``).

    Comparison ignores case, full-width forms and spaces around the text; None if no match.
    """
    if not isinstance(value, str):
        return None
    wanted = _normalise(value)
    for choice in choices:
        spellings = (choice.code, choice.zh, choice.en, choice.zh + " " + choice.en)
        if wanted in {_normalise(spelling) for spelling in spellings}:
            return choice.code
    return None


def describe_choices(choices: Sequence[Choice]) -> str:
    """``reserve (储备 Reserve), planned (计划 Planned), ...`` for messages."""
    return ", ".join(f"{c.code} ({c.zh} {c.en})" for c in choices)


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def new_project_id() -> str:
    """A project id: random, so ids made in two copies of a plan never collide when merged."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class PlanInfo:
    """What the plan is: the single row of ``plan_info``.

    ``crs`` (``EPSG:32650``) is the CRS the store was created in; the store fills it in and
    refuses to change it, since the project geometries are in it.
    """

    name: str
    jurisdiction: str = ""
    period_start: Optional[int] = None
    period_end: Optional[int] = None
    base_year: Optional[int] = None
    author: str = ""
    crs: str = ""
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""
    version: int = 0


@dataclass(frozen=True)
class Project:
    """One planned project (项目) of one community.

    ``geometry`` is a shapely Point, Polygon or MultiPolygon in the store's CRS, or None while
    the location is not yet picked. Areas are in m², ``investment_wan`` in 万元 (10,000 yuan).
    ``created_at`` / ``updated_at`` / ``updated_by`` are set by the store when it saves (ISO
    8601, UTC; the OS or database user). ``version`` is the stored record's version when it was
    read (0: not stored yet); a save is refused for a record whose stored version has moved on
    since, so that nobody overwrites a change they have not seen.
    """

    id: str
    community_id: str
    name: str
    type_code: str
    status: str
    category: str = ""
    floor_area: Optional[float] = None
    land_area: Optional[float] = None
    investment_wan: Optional[float] = None
    funding_source: Optional[str] = None
    start_year: Optional[int] = None
    end_year: Optional[int] = None
    notes: str = ""
    geometry: Any = None
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""
    version: int = 0

    @classmethod
    def new(
        cls, community_id: str, name: str, type_code: str, status: str, **fields: Any
    ) -> Project:
        """A project with a freshly generated id (the id then never changes)."""
        return cls(new_project_id(), community_id, name, type_code, status, **fields)

    @property
    def record(self) -> str:
        """How messages name the project: its name, or its id while it has none."""
        return self.name.strip() if isinstance(self.name, str) and self.name.strip() else self.id


@dataclass(frozen=True)
class Target:
    """A community's target for an indicator (or a scoring point) in a year."""

    community_id: str
    indicator: str
    value: float
    year: int
    notes: str = ""
    version: int = 0

    @property
    def key(self) -> Tuple[str, str, int]:
        return (community_key(self.community_id), str(self.indicator).strip(), self.year)


def manual_score_key(score: ManualScore) -> Tuple[str, str]:
    """(community, point): a manual score is unique per community and scoring point."""
    return (community_key(score.community_id), str(score.point_id).strip())


@dataclass(frozen=True)
class Changes:
    """Everything one save writes, all or nothing.

    Projects are upserted by id, manual scores by (community, point), targets by
    (community, indicator, year). Deleting a record that is not in the store is not an error
    (someone else may have deleted it first). ``info`` None leaves the plan information as is.
    """

    info: Optional[PlanInfo] = None
    projects: Sequence[Project] = ()
    deleted_projects: Sequence[str] = ()
    manual_scores: Sequence[ManualScore] = ()
    deleted_manual_scores: Sequence[Tuple[str, str]] = ()
    targets: Sequence[Target] = ()
    deleted_targets: Sequence[Tuple[str, str, int]] = ()

    def is_empty(self) -> bool:
        return not (
            self.info
            or self.projects
            or self.deleted_projects
            or self.manual_scores
            or self.deleted_manual_scores
            or self.targets
            or self.deleted_targets
        )


@dataclass(frozen=True)
class Conflict:
    """A record a save refused because someone changed or deleted it since it was read.

    ``change`` is what happened meanwhile: ``changed`` (also: saved for the first time by
    someone else) or ``deleted``; ``refused`` what the saver wanted: ``save`` or ``delete``.
    ``by`` and ``at`` say who and when ('' when not known: an edit outside the plugin);
    ``current`` is the record as it is stored now (None when deleted), so that a dialog can
    show it without reading the store again.
    """

    table: str
    record_id: str
    record: str
    change: str
    refused: str
    by: str
    at: str
    current: Any = None


@dataclass(frozen=True)
class SaveResult:
    """What a save did; ``projects`` are the saved projects as stored (with their times and
    versions), ``manual_scores`` and ``targets`` the number saved; ``saved`` every record
    written, keyed by (table, record id); ``conflicts`` the records refused (see
    :class:`ConflictError`)."""

    projects: Tuple[Project, ...]
    inserted: int
    updated: int
    deleted: int
    manual_scores: int
    targets: int
    conflicts: Tuple[Conflict, ...] = ()
    saved: Mapping[Tuple[str, str], Any] = field(default_factory=dict)
    #: records inserted, updated or deleted in all tables (unchanged ones are not written)
    written: int = 0


@dataclass(frozen=True)
class PlannedFacility:
    """A project seen as a facility for the plan scenario.

    ``x``, ``y`` is the point the distance convention uses: the point itself, or a point on
    the surface of a polygon (DESIGN §4).
    """

    id: str
    type_code: str
    x: float
    y: float
    geometry: Any
    floor_area: Optional[float]
    land_area: Optional[float]
    community_id: str
    name: str
    status: str


@dataclass(frozen=True)
class ManualProgress:
    """How far a community's manual scoring is: points scored of the rubric's manual points."""

    community_id: str
    n_manual: int
    n_scored: int

    @property
    def n_pending(self) -> int:
        """Manual points still 待评."""
        return self.n_manual - self.n_scored


def manual_progress(
    rubric: Rubric, scores: Iterable[ManualScore], community_ids: Iterable[Any]
) -> Dict[str, ManualProgress]:
    """Per community: how many of the rubric's manual points have a score (the rest are 待评).

    Scores for points the rubric lacks or computes, and empty scores, do not count.
    """
    manual = {point.id for point in rubric.points() if point.is_manual}
    scored: Dict[str, set] = {}
    for score in scores:
        if score.score is not None and score.point_id in manual:
            scored.setdefault(community_key(score.community_id), set()).add(score.point_id)
    result = {}
    for community in community_ids:
        key = community_key(community)
        result[key] = ManualProgress(key, len(manual), len(scored.get(key, ())))
    return result


# --------------------------------------------------------------------------------------------
# Fields: labels for dialogs and workbook headers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """A field of a record: its key (attribute and column name), labels, whether required."""

    key: str
    zh: str
    en: str
    required: bool = False

    def label(self, locale: str = "zh") -> str:
        return self.zh if locale.lower().startswith("zh") else self.en


PROJECT_FIELDS: Tuple[FieldSpec, ...] = (
    FieldSpec("id", "项目编号", "Project id", True),
    FieldSpec("community_id", "社区编号", "Community id", True),
    FieldSpec("name", "项目名称", "Project name", True),
    FieldSpec("type_code", "设施类型", "Facility type", True),
    FieldSpec("category", "项目类别", "Category"),
    FieldSpec("floor_area", "建筑面积(m²)", "Floor area (m²)"),
    FieldSpec("land_area", "用地面积(m²)", "Land area (m²)"),
    FieldSpec("investment_wan", "投资(万元)", "Investment (10k yuan)"),
    FieldSpec("funding_source", "资金来源", "Funding source"),
    FieldSpec("start_year", "开工年份", "Start year"),
    FieldSpec("end_year", "完工年份", "End year"),
    FieldSpec("status", "项目状态", "Status", True),
    FieldSpec("notes", "备注", "Notes"),
    FieldSpec("geometry", "位置", "Location"),
    FieldSpec("created_at", "创建时间", "Created"),
    FieldSpec("updated_at", "更新时间", "Updated"),
)

PLAN_INFO_FIELDS: Tuple[FieldSpec, ...] = (
    FieldSpec("name", "规划名称", "Plan name", True),
    FieldSpec("jurisdiction", "行政区", "Jurisdiction"),
    FieldSpec("period_start", "规划期起", "Plan period from"),
    FieldSpec("period_end", "规划期止", "Plan period to"),
    FieldSpec("base_year", "基准年", "Base year"),
    FieldSpec("author", "编制单位", "Author"),
    FieldSpec("crs", "坐标系", "CRS"),
)

MANUAL_SCORE_FIELDS: Tuple[FieldSpec, ...] = (
    FieldSpec("community_id", "社区编号", "Community id", True),
    FieldSpec("point_id", "评分点编号", "Scoring point", True),
    FieldSpec("score", "得分", "Score"),
    FieldSpec("evidence", "佐证说明", "Evidence"),
    FieldSpec("assessor", "评分人", "Assessor"),
    FieldSpec("date", "评分日期", "Date"),
)

TARGET_FIELDS: Tuple[FieldSpec, ...] = (
    FieldSpec("community_id", "社区编号", "Community id", True),
    FieldSpec("indicator", "指标或评分点", "Indicator or point", True),
    FieldSpec("value", "目标值", "Target value", True),
    FieldSpec("year", "目标年份", "Target year", True),
    FieldSpec("notes", "备注", "Notes"),
)

FIELDS: Mapping[str, Tuple[FieldSpec, ...]] = {
    PLAN_INFO: PLAN_INFO_FIELDS,
    PROJECTS: PROJECT_FIELDS,
    MANUAL_SCORES: MANUAL_SCORE_FIELDS,
    TARGETS: TARGET_FIELDS,
}


def field_spec(table: str, key: str) -> FieldSpec:
    """The spec of field ``key`` of ``table``; KeyError when there is none."""
    for spec in FIELDS[table]:
        if spec.key == key:
            return spec
    raise KeyError(key)
