"""Writing the evaluation workbook: one file, one per 片区, or forms for chosen communities only.

The sheets are, in order: 汇总表 (summary), 设施覆盖 (coverage per facility type) and 短板清单
(gap list) when a facility gap result is given, 配置缺口 (provision deficits), 项目库 (projects,
when given), 规划前后对比 (before and after the plan, when a scenario is given), 说明 (about),
then one 评价表 per community, named after it. The list sheets come before the forms so that a
city's 2,000 forms do not bury them.

Each workbook streams into a temporary file as its sheets are made (:mod:`.xlsx`). Nothing is
written until every target has been checked (see :mod:`.safe_save`); every workbook of a run is
completed in a temporary file before any is moved into place, so cancelling or an error leaves
no file behind and no old file changed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional, Protocol, Sequence, Tuple, Union

from ..errors import N_, Cancelled, DataError
from ..rubric import CommunityScore, PointResult, community_key
from ..schema import show_value
from . import safe_save
from .data import CommunityInfo, GapTable, ScenarioData, WorkbookData
from .labels import check_language, label
from .names import FileParts, SheetNames

SPLIT_BY_DISTRICT = "district"

_BAD_SPLIT = N_(
    "Splitting the workbook by '{split}' is not possible; split by 'district' or give the ids "
    "of the communities whose evaluation sheets to write"
)
_UNKNOWN_CHOSEN = N_(
    "Community '{community}' is chosen for an evaluation sheet but is not among the communities "
    "scored"
)
_DUPLICATE_COMMUNITY = N_(
    "Community '{community}' is scored twice; each community may appear once in the workbook"
)
_MISSING_POINT = N_(
    "Community '{community}' has no result for point {point} of the rubric '{rubric}'; score "
    "the communities with the rubric the workbook is written with"
)


class Progress(Protocol):
    """The slice of a Processing feedback the domain uses."""

    def set_progress(self, fraction: float) -> None: ...

    def is_cancelled(self) -> bool: ...


@dataclass
class _Community:
    score: CommunityScore
    key: str
    name: str
    district: str
    results: Dict[str, PointResult]


@dataclass
class _Plan:
    """One workbook to write: its file, the communities it lists and those it has forms for."""

    path: Path
    communities: List[_Community]
    with_sheets: Optional[set]  # community keys with a form; None = all listed
    gaps: Optional[GapTable]
    deficits: Optional[list]
    projects: Optional[list]
    scope: str
    scenario: Optional[ScenarioData] = None

    def sheet_count(self) -> int:
        forms = len(self.communities) if self.with_sheets is None else len(self.with_sheets)
        lists = 2 * (self.gaps is not None) + sum(
            rows is not None for rows in (self.deficits, self.projects, self.scenario)
        )
        return 2 + lists + forms


def write_workbook(
    data: WorkbookData,
    target: Union[str, Path],
    overwrite: bool = False,
    feedback: Optional[Progress] = None,
) -> Path:
    """Write one workbook with every community; return its path (``.xlsx`` added if missing)."""
    return write_workbooks(data, target, None, overwrite, feedback)[0]


def write_workbooks(
    data: WorkbookData,
    target: Union[str, Path],
    split_by: Union[None, str, Sequence[Any]] = None,
    overwrite: bool = False,
    feedback: Optional[Progress] = None,
) -> List[Path]:
    """Write the evaluation workbook(s) and return the paths written.

    ``split_by``:
      - None: one workbook at ``target`` with every community;
      - ``"district"``: one workbook per 片区 next to ``target``, named ``<stem>_<片区>.xlsx``
        (communities without a 片区 go to ``<stem>_未分片区.xlsx``); each has its communities,
        and the gap, deficit and project rows of its 片区;
      - a list of community ids: one workbook at ``target`` whose summary and lists cover every
        community, with evaluation forms only for the communities chosen.

    An existing file is replaced only with ``overwrite``. Raises :class:`DataError` for input or
    files that cannot be used (nothing is written then) and :class:`Cancelled` when ``feedback``
    says so between sheets (nothing is left behind).
    """
    language = check_language(data.language)
    path = safe_save.xlsx_path(target)
    communities = _communities(data, language)
    plans = _plans(data, communities, path, split_by, language)
    safe_save.check_targets([plan.path for plan in plans], overwrite)
    # One step per sheet, one per workbook saved, one for moving them into place.
    total_steps = sum(plan.sheet_count() + 1 for plan in plans) + 1
    done = [0]

    def check_cancel() -> None:
        if feedback is not None and feedback.is_cancelled():
            raise Cancelled()

    def step() -> None:
        """Between sheets: stop if cancelled, else move the progress bar on by one sheet."""
        check_cancel()
        if feedback is not None:
            feedback.set_progress(done[0] / total_steps)
        done[0] += 1

    pending: List[Tuple[Path, Path]] = []
    try:
        for plan in plans:

            def write(handle: IO[bytes], plan: _Plan = plan) -> None:
                _build(handle, data, plan, language, step, check_cancel)

            pending.append((safe_save.save_temporary(write, plan.path), plan.path))
            step()
        step()
        safe_save.move_into_place(pending)
    except BaseException:
        safe_save.discard([temporary for temporary, _target in pending])
        raise
    if feedback is not None:
        feedback.set_progress(1.0)
    return [plan.path for plan in plans]


# --------------------------------------------------------------------------------------------
# Communities and plans
# --------------------------------------------------------------------------------------------


def _communities(data: WorkbookData, language: str) -> List[_Community]:
    infos: Dict[str, CommunityInfo] = {}
    for info in data.communities:
        infos.setdefault(community_key(info.id), info)
    result: List[_Community] = []
    seen = set()
    rubric_name = data.rubric.name.get(language)
    for score in data.scores:
        key = community_key(score.community_id)
        if key in seen:
            raise DataError(_DUPLICATE_COMMUNITY, community=show_value(key))
        seen.add(key)
        results = {point.point_id: point for point in score.points}
        for point in data.rubric.points():
            if point.id not in results:
                raise DataError(
                    _MISSING_POINT, community=show_value(key), point=point.id, rubric=rubric_name
                )
        info = infos.get(key)
        name = (info.name if info is not None else "") or key
        district = (info.district if info is not None else "") or ""
        result.append(_Community(score, key, str(name), str(district), results))
    return result


def _plans(
    data: WorkbookData,
    communities: List[_Community],
    path: Path,
    split_by: Union[None, str, Sequence[Any]],
    language: str,
) -> List[_Plan]:
    if split_by is None:
        return [
            _Plan(
                path,
                communities,
                None,
                data.gaps,
                _list(data.deficits),
                _list(data.projects),
                "",
                data.scenario,
            )
        ]
    if isinstance(split_by, str):
        if split_by.strip().lower() != SPLIT_BY_DISTRICT:
            raise DataError(_BAD_SPLIT, split=split_by)
        return _district_plans(data, communities, path, language)
    chosen = {community_key(value) for value in split_by}
    known = {community.key for community in communities}
    unknown = sorted(chosen - known)
    if unknown:
        raise DataError(_UNKNOWN_CHOSEN, community=show_value(unknown[0]))
    scope = label("all_communities", language)
    return [
        _Plan(
            path,
            communities,
            chosen,
            data.gaps,
            _list(data.deficits),
            _list(data.projects),
            scope,
            data.scenario,
        )
    ]


def _list(rows: Optional[Sequence[Any]]) -> Optional[list]:
    return None if rows is None else list(rows)


def _district_plans(
    data: WorkbookData, communities: List[_Community], path: Path, language: str
) -> List[_Plan]:
    """One plan per 片区 in order of first appearance; rows go with their community's 片区."""
    district_of_key = {community.key: community.district for community in communities}
    order: List[str] = []
    members: Dict[str, List[_Community]] = {}
    for community in communities:
        if community.district not in members:
            order.append(community.district)
            members[community.district] = []
        members[community.district].append(community)

    def district_of(community_id: Any, district: Any) -> str:
        if district:
            return str(district)
        return district_of_key.get(community_key(community_id), "")

    def grouped(rows: Optional[Sequence[Any]], key: Callable[[Any], str]) -> Dict[str, list]:
        groups: Dict[str, list] = {}
        for row in rows or ():
            groups.setdefault(key(row), []).append(row)
        return groups

    gaps = grouped(
        data.gaps.compounds if data.gaps is not None else None,
        lambda row: district_of(row.community_id, row.district),
    )
    deficits = grouped(data.deficits, lambda row: district_of(row.community_id, row.district))
    projects = grouped(
        data.projects, lambda row: district_of(row.get("community_id"), row.get("district"))
    )
    scenario = data.scenario
    changes = grouped(
        scenario.changes if scenario is not None else None,
        lambda row: district_of(row.community_id, row.district),
    )
    for district in list(gaps) + list(deficits) + list(projects) + list(changes):
        if district not in members:
            order.append(district)
            members[district] = []
    parts = FileParts()
    plans = []
    unassigned = label("no_district", language)
    for district in order:
        part = parts.claim(district or unassigned)
        plans.append(
            _Plan(
                path.with_name(f"{path.stem}_{part}{path.suffix}"),
                members[district],
                None,
                None if data.gaps is None else data.gaps.with_compounds(gaps.get(district, [])),
                None if data.deficits is None else deficits.get(district, []),
                None if data.projects is None else projects.get(district, []),
                district or unassigned,
                None
                if scenario is None
                else dataclasses.replace(scenario, changes=changes.get(district, [])),
            )
        )
    if not plans:  # nothing to split: still one (empty) workbook, so the run has an output
        plans.append(
            _Plan(
                path,
                [],
                None,
                data.gaps,
                _list(data.deficits),
                _list(data.projects),
                "",
                data.scenario,
            )
        )
    return plans


# --------------------------------------------------------------------------------------------
# Building one workbook
# --------------------------------------------------------------------------------------------


def _build(
    handle: IO[bytes],
    data: WorkbookData,
    plan: _Plan,
    language: str,
    step: Callable[[], None],
    check_cancel: Callable[[], None],
) -> None:
    """Write one workbook into ``handle``, sheet after sheet."""
    from . import sheets
    from .cells import Styles
    from .layout import evaluation_layout
    from .xlsx import Package

    titles = {
        key: label("sheet_" + key, language)
        for key in ("summary", "coverage", "gaps", "deficits", "projects", "scenario", "about")
    }
    names = SheetNames(titles.values())
    maps = {community_key(key): tuple(found) for key, found in data.form_maps.items()}
    entries = []
    for community in plan.communities:
        with_sheet = plan.with_sheets is None or community.key in plan.with_sheets
        sheet_name = names.claim(community.name, fallback=community.key) if with_sheet else None
        entries.append(
            sheets.CommunityEntry(
                score=community.score,
                key=community.key,
                name=community.name,
                district=community.district,
                sheet=sheet_name,
                results=community.results,
                maps=maps.get(community.key, ()),
            )
        )
    package = Package(
        handle,
        title=data.metadata.title,
        creator=label("about_plugin_value", language, version=data.metadata.plugin_version),
        application=label("about_plugin_value", language, version=data.metadata.plugin_version),
    )
    try:
        context = sheets.Context(
            package=package,
            rubric=data.rubric,
            layout=evaluation_layout(data.rubric),
            styles=Styles(package.styles, language),
            language=language,
            metadata=data.metadata,
            scope=plan.scope,
        )
        _write_sheets(context, titles, entries, plan, step, check_cancel, data.summary_maps)
        package.close()
    except BaseException:
        package.abandon()
        raise


def _write_sheets(
    context: Any,
    titles: Dict[str, str],
    entries: List[Any],
    plan: _Plan,
    step: Callable[[], None],
    check_cancel: Callable[[], None],
    summary_maps: Sequence[Any] = (),
) -> None:
    from . import sheets

    district_of = {entry.key: (entry.name, entry.district) for entry in entries}

    def community_of(community_id: Any) -> Tuple[str, str]:
        if community_id is None:
            return "", ""
        key = community_key(community_id)
        return district_of.get(key, (key, ""))

    step()
    sheets.write_summary(context, titles["summary"], entries, summary_maps)
    if plan.gaps is not None:
        step()
        sheets.write_coverage(context, titles["coverage"], plan.gaps)
        step()
        sheets.write_gaps(context, titles["gaps"], plan.gaps, community_of, check_cancel)
    if plan.deficits is not None:
        step()
        sheets.write_deficits(
            context, titles["deficits"], plan.deficits, community_of, check_cancel
        )
    if plan.projects is not None:
        step()
        sheets.write_projects(context, titles["projects"], plan.projects)
    if plan.scenario is not None:
        step()
        sheets.write_scenario(
            context, titles["scenario"], plan.scenario, entries, community_of, check_cancel
        )
    step()
    sheets.write_about(context, titles["about"])
    sheets.write_forms(context, entries, step)
