"""Scoring communities against a rubric: computed points, manual points, subtotals and grade.

A score that is not known must never look like a 0: a manual point nobody has scored yet is
待评 (``pending``) and a computed point whose indicator has no value is ``no_data``; either
makes the community's total provisional, and the result says how many points are still open
and how high the total could still go.
"""

from __future__ import annotations

import datetime
import math
import numbers
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ..errors import N_, DataError
from ..schema import show_value
from .model import GradeBand, PointPlace, Rubric
from .rules import SCORE_DECIMALS, apply_rule, tidy

STATUS_SCORED = "scored"
STATUS_PENDING = "pending"  # 待评: a manual point without a score yet
STATUS_NO_DATA = "no_data"  # a computed point whose indicator has no value

MANUAL_COLUMNS: Tuple[str, ...] = (
    "community_id",
    "point_id",
    "score",
    "evidence",
    "assessor",
    "date",
)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManualScore:
    """One row of the manual-score table; ``score`` None means not scored yet (待评).

    ``version`` is the plan store's record version when the score was read (0: not stored);
    the store refuses to overwrite a score someone else saved since.
    """

    community_id: str
    point_id: str
    score: Optional[float]
    evidence: str = ""
    assessor: str = ""
    date: str = ""
    version: int = 0


@dataclass(frozen=True)
class PointResult:
    """How one point scored in one community: one row of the long output table."""

    category_id: str
    item_id: str
    point_id: str
    method: str
    max_score: float
    score: Optional[float]
    status: str
    indicator: str = ""
    indicator_value: Optional[float] = None
    evidence: str = ""
    assessor: str = ""
    date: str = ""
    veto: bool = False

    @property
    def vetoed(self) -> bool:
        """A veto point that scored 0: the grade drops to the lowest band."""
        return self.veto and self.status == STATUS_SCORED and self.score == 0


@dataclass(frozen=True)
class Subtotal:
    """Scored points added up for a category or an item; ``n_open`` points are not scored."""

    id: str
    max_score: float
    score: float
    n_open: int


@dataclass(frozen=True)
class CommunityScore:
    """A community's evaluation.

    ``total`` adds the scored points only; when ``provisional`` it is a lower bound and
    ``upper_bound`` adds the maxima of the open points. ``grade`` is that of ``total``, or the
    lowest band when a veto point scored 0 (``vetoed_by``).
    """

    community_id: Any
    points: Tuple[PointResult, ...]
    items: Tuple[Subtotal, ...]
    categories: Tuple[Subtotal, ...]
    total: float
    upper_bound: float
    grade: GradeBand
    provisional: bool
    n_pending: int
    n_no_data: int
    vetoed_by: Tuple[str, ...]

    @property
    def n_open(self) -> int:
        """Points still 待评: manual ones without a score and computed ones without data."""
        return self.n_pending + self.n_no_data

    def category_subtotal(self, category_id: str) -> Subtotal:
        for subtotal in self.categories:
            if subtotal.id == category_id:
                return subtotal
        raise KeyError(category_id)

    def point(self, point_id: str) -> PointResult:
        for result in self.points:
            if result.point_id == point_id:
                return result
        raise KeyError(point_id)


@dataclass(frozen=True)
class ManualTable:
    """Manual scores read from a table; ``problems`` are rows skipped, each with a message.

    Skipping is safe because a skipped row leaves its point 待评 and the total provisional.
    """

    scores: Tuple[ManualScore, ...]
    problems: Tuple[DataError, ...] = ()


@dataclass(frozen=True)
class ScoreSummary:
    """The numbers a batch run reports: communities scored, mean total, provisional ones."""

    n_communities: int
    mean_total: float
    n_provisional: int


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------

_OUT_OF_RANGE = N_(
    "Community {community}, point {point}: manual score {score} is outside 0 to the point's "
    "maximum {max}"
)
_SCORE_NOT_NUMBER = N_(
    "Community {community}, point {point}: manual score '{value}' is not a number"
)
_UNKNOWN_POINT = N_(
    "Community {community}: manual score for point '{point}', which the rubric does not have"
)
_NOT_MANUAL = N_(
    "Community {community}, point {point}: the point is computed from indicator '{indicator}' "
    "({method}), so a manual score cannot be given for it"
)
_BAD_INDICATOR = N_(
    "Community {community}: indicator '{indicator}' must be a number or empty, got '{value}'"
)
_UNKNOWN_COMMUNITY = N_(
    "Manual score for community '{community}', point {point}: no such community is being scored"
)
_DUPLICATE_MANUAL = N_("Community {community}, point {point}: more than one manual score is given")
_ROW_NOT_MAPPING = N_("{source}, row {row}: the row must be a mapping of column to value")
_ROW_MISSING = N_("{source}, row {row}: column '{column}' is empty or missing")
_ROW_BAD_SCORE = N_("{source}, row {row}: column 'score' must be a number or empty, got '{value}'")
_ROW_OUT_OF_RANGE = N_(
    "{source}, row {row}: community {community}, point {point}: manual score {score} is outside "
    "0 to the point's maximum {max}"
)
_ROW_DUPLICATE = N_(
    "{source}, row {row}: community {community}, point {point} is already scored in row {other}"
)
_ROW_UNKNOWN_POINT = N_(
    "{source}, row {row}: point '{point}' is not in the rubric; the row is ignored"
)
_ROW_NOT_MANUAL = N_(
    "{source}, row {row}: point {point} is computed from indicator '{indicator}', not scored by "
    "hand; the row is ignored"
)
_ROW_UNKNOWN_COMMUNITY = N_(
    "{source}, row {row}: community '{community}' is not among the communities scored; the row "
    "is ignored"
)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def score_community(
    rubric: Rubric,
    indicators: Mapping[str, Any],
    manual: Optional[Mapping[str, ManualScore]] = None,
    community_id: Any = "",
) -> CommunityScore:
    """Score one community.

    ``indicators`` maps indicator names to values; None, NaN or a missing name means no data.
    ``manual`` maps point ids to manual scores. A manual score outside 0 to the point's
    maximum, for an unknown point or for a computed point raises :class:`DataError` naming the
    community and the point.
    """
    return _Scorer(rubric).score(indicators, manual or {}, community_id)


def score_all(
    rubric: Rubric,
    indicators_by_community: Mapping[Any, Mapping[str, Any]],
    manual_rows: Iterable[ManualScore] = (),
) -> List[CommunityScore]:
    """Score every community of ``indicators_by_community`` (in its order).

    Manual rows are matched to communities by id as text, so 101, 101.0 and "101" are the same
    community whether they come from a layer, a GeoPackage table or a workbook. A row for a
    community not being scored, or a second row for the same point, raises DataError.
    """
    keys = {community_key(community): community for community in indicators_by_community}
    manual: Dict[Any, Dict[str, ManualScore]] = {community: {} for community in keys.values()}
    for row in manual_rows:
        community = keys.get(community_key(row.community_id))
        if community is None:
            raise DataError(
                _UNKNOWN_COMMUNITY, community=show_value(row.community_id), point=row.point_id
            )
        if row.point_id in manual[community]:
            raise DataError(_DUPLICATE_MANUAL, community=show_value(community), point=row.point_id)
        manual[community][row.point_id] = row
    scorer = _Scorer(rubric)
    return [
        scorer.score(indicators, manual[community], community)
        for community, indicators in indicators_by_community.items()
    ]


class _Scorer:
    """A rubric laid out once for scoring many communities: its points in order, which points
    each item and category adds up, and the results already made.

    A city's communities share most results — the same manual points 待评, the same flags and
    counts — and results and subtotals are frozen values, so an equal one made before is used
    again (2,000 communities of 55 points have some 20,000 different results, not 110,000).
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.places = tuple(rubric.places())
        self.items = _groups(rubric.items(), [place.item.id for place in self.places])
        self.categories = _groups(rubric.categories, [place.category.id for place in self.places])
        self._results: Dict[Tuple[int, Optional[float]], PointResult] = {}
        self._subtotals: Dict[Tuple[int, str, Tuple[Optional[float], ...]], Subtotal] = {}

    def score(
        self, indicators: Mapping[str, Any], manual: Mapping[str, ManualScore], community_id: Any
    ) -> CommunityScore:
        rubric = self.rubric
        community = show_value(community_id)
        _check_manual_points(rubric, manual, community)
        results = tuple(
            self._point(number, place, indicators, manual.get(place.point.id), community)
            for number, place in enumerate(self.places)
        )
        scores = [result.score for result in results]
        total = _sum(scores)
        open_max = _sum(result.max_score for result in results if result.score is None)
        vetoed_by = tuple(result.point_id for result in results if result.vetoed)
        statuses = [result.status for result in results]
        n_pending = statuses.count(STATUS_PENDING)
        n_no_data = statuses.count(STATUS_NO_DATA)
        return CommunityScore(
            community_id=community_id,
            points=results,
            items=self._subtotals_of(0, self.items, scores),
            categories=self._subtotals_of(1, self.categories, scores),
            total=total,
            upper_bound=tidy(total + open_max),
            grade=rubric.lowest_grade if vetoed_by else rubric.grade_for(total),
            provisional=bool(n_pending or n_no_data),
            n_pending=n_pending,
            n_no_data=n_no_data,
            vetoed_by=vetoed_by,
        )

    def _point(
        self,
        number: int,
        place: PointPlace,
        indicators: Mapping[str, Any],
        manual: Optional[ManualScore],
        community: str,
    ) -> PointResult:
        """:func:`_score_point`, with the results that depend on the point and indicator
        value alone (待评 without a manual row, no data, a computed score) made once."""
        point = place.point
        if point.is_manual:
            if manual is not None:
                return _score_point(place, indicators, manual, community)
            key: Tuple[int, Optional[float]] = (number, None)
        else:
            value = _indicator_value(indicators, point.indicator, community)
            if value == 0.0 and math.copysign(1.0, value) < 0:  # -0.0 keeps its sign
                return _score_point(place, indicators, manual, community)
            key = (number, value)
        result = self._results.get(key)
        if result is None:
            result = self._results[key] = _score_point(place, indicators, manual, community)
        return result

    def _subtotals_of(
        self,
        kind: int,
        groups: Tuple[Tuple[str, float, Tuple[int, ...]], ...],
        scores: List[Optional[float]],
    ) -> Tuple[Subtotal, ...]:
        subtotals = []
        for group_id, max_score, members in groups:
            member_scores = tuple(scores[number] for number in members)
            key = (kind, group_id, member_scores)
            subtotal = self._subtotals.get(key)
            if subtotal is None:
                subtotal = self._subtotals[key] = _subtotal(group_id, max_score, member_scores)
            subtotals.append(subtotal)
        return tuple(subtotals)


def _groups(
    groups: Iterable[Any], ids_of_points: List[str]
) -> Tuple[Tuple[str, float, Tuple[int, ...]], ...]:
    """(id, maximum, numbers of the points with that id) of each item or category, in order."""
    return tuple(
        (
            group.id,
            group.max_score,
            tuple(number for number, found in enumerate(ids_of_points) if found == group.id),
        )
        for group in groups
    )


def summarise(scores: Iterable[CommunityScore]) -> ScoreSummary:
    """Communities scored, their mean total (NaN for none) and how many are provisional."""
    scores = list(scores)
    mean = math.fsum(score.total for score in scores) / len(scores) if scores else math.nan
    return ScoreSummary(
        n_communities=len(scores),
        mean_total=round(mean, SCORE_DECIMALS) if scores else mean,
        n_provisional=sum(score.provisional for score in scores),
    )


def community_key(value: Any) -> str:
    """A community id as text for matching: 101, 101.0 and " 101 " all give "101"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sum(values: Iterable[Optional[float]]) -> float:
    return tidy(math.fsum([value for value in values if value is not None]))


def _subtotal(subtotal_id: str, max_score: float, scores: Iterable[Optional[float]]) -> Subtotal:
    """The subtotal of an item's or a category's points, given their scores (None: open)."""
    scores = list(scores)
    return Subtotal(
        id=subtotal_id,
        max_score=max_score,
        score=_sum(scores),
        n_open=scores.count(None),
    )


def _check_manual_points(rubric: Rubric, manual: Mapping[str, ManualScore], community: str) -> None:
    for point_id in manual:
        if not rubric.has_point(point_id):
            raise DataError(_UNKNOWN_POINT, community=community, point=show_value(point_id))
        point = rubric.place_of(point_id).point
        if not point.is_manual:
            raise DataError(
                _NOT_MANUAL,
                community=community,
                point=point_id,
                indicator=point.indicator,
                method=point.method,
            )


def _score_point(
    place: PointPlace,
    indicators: Mapping[str, Any],
    manual: Optional[ManualScore],
    community: str,
) -> PointResult:
    point = place.point
    category, item = place.category.id, place.item.id
    if point.is_manual:
        if manual is None or manual.score is None:
            evidence = manual.evidence if manual is not None else ""
            return PointResult(
                category, item, point.id, point.method, point.max_score, None, STATUS_PENDING,
                evidence=evidence, veto=point.veto,
            )  # fmt: skip
        score = _checked_manual_score(manual.score, point.max_score, community, point.id)
        return PointResult(
            category, item, point.id, point.method, point.max_score, score, STATUS_SCORED,
            evidence=manual.evidence, assessor=manual.assessor, date=manual.date, veto=point.veto,
        )  # fmt: skip
    value = _indicator_value(indicators, point.indicator, community)
    if value is None:
        return PointResult(
            category, item, point.id, point.method, point.max_score, None, STATUS_NO_DATA,
            point.indicator, veto=point.veto,
        )  # fmt: skip
    return PointResult(
        category, item, point.id, point.method, point.max_score,
        apply_rule(point.rule, value, point.max_score), STATUS_SCORED, point.indicator, value,
        veto=point.veto,
    )  # fmt: skip


def _checked_manual_score(score: Any, max_score: float, community: str, point_id: str) -> float:
    if not _is_real(score):
        raise DataError(
            _SCORE_NOT_NUMBER, community=community, point=point_id, value=show_value(score)
        )
    value = float(score)
    if not (math.isfinite(value) and 0 <= round(value, SCORE_DECIMALS) <= max_score):
        raise DataError(
            _OUT_OF_RANGE,
            community=community,
            point=point_id,
            score=show_value(score),
            max=_show_number(max_score),
        )
    return tidy(value)


def _indicator_value(indicators: Mapping[str, Any], name: str, community: str) -> Optional[float]:
    """The indicator as a float; None for missing, None or NaN (no data)."""
    value = indicators.get(name)
    if value is None:
        return None
    if type(value) is float and value - value == 0.0:
        return value
    if not _is_real(value) or math.isinf(float(value)):
        raise DataError(
            _BAD_INDICATOR, community=community, indicator=name, value=show_value(value)
        )
    value = float(value)
    return None if math.isnan(value) else value


def _is_real(value: Any) -> bool:
    """A real number: bool and numpy scalars included, since flags arrive as 1/0 or numpy
    booleans (``numpy.bool_`` is not registered as a ``numbers.Real``)."""
    kind = type(value)
    if kind is float or kind is int:
        return True
    return isinstance(value, numbers.Real) or kind.__name__ in ("bool_", "bool")


def _show_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------------------------
# Reading the manual-score table
# --------------------------------------------------------------------------------------------


def read_manual_scores(
    rows: Iterable[Mapping[str, Any]],
    rubric: Rubric,
    community_ids: Optional[Iterable[Any]] = None,
    source: str = "Manual scores",
) -> ManualTable:
    """Manual scores from a plain table (one mapping per row; extra columns are ignored).

    Columns: ``community_id`` and ``point_id`` (required), ``score`` (empty = 待评),
    ``evidence``, ``assessor``, ``date``. Rows are counted from 1.

    A row that cannot be read (no community or point, a score that is not a number, a score
    outside 0 to the point's maximum, a second row for the same community and point) raises
    :class:`DataError` naming the row. A row for a point the rubric lacks, for a computed point,
    or (with ``community_ids``) for a community not being scored is skipped and reported in
    ``problems``: its point simply stays 待评.
    """
    known = None if community_ids is None else {community_key(c) for c in community_ids}
    scores: List[ManualScore] = []
    problems: List[DataError] = []
    seen: Dict[Tuple[str, str], int] = {}
    for row_number, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            raise DataError(_ROW_NOT_MAPPING, source=source, row=row_number)
        community = _required_cell(row, "community_id", source, row_number)
        point_id = _required_cell(row, "point_id", source, row_number)
        problem = _row_problem(rubric, known, community, point_id, source, row_number)
        if problem is not None:
            problems.append(problem)
            continue
        key = (community, point_id)
        if key in seen:
            raise DataError(
                _ROW_DUPLICATE,
                source=source,
                row=row_number,
                community=community,
                point=point_id,
                other=seen[key],
            )
        seen[key] = row_number
        max_score = rubric.place_of(point_id).point.max_score
        scores.append(
            ManualScore(
                community_id=community,
                point_id=point_id,
                score=_row_score(row.get("score"), max_score, source, row_number, key),
                evidence=_cell_text(row.get("evidence")),
                assessor=_cell_text(row.get("assessor")),
                date=_cell_date(row.get("date")),
            )
        )
    return ManualTable(tuple(scores), tuple(problems))


def _required_cell(row: Mapping[str, Any], column: str, source: str, row_number: int) -> str:
    text = community_key(row.get(column))
    if not text:
        raise DataError(_ROW_MISSING, source=source, row=row_number, column=column)
    return text


def _row_problem(
    rubric: Rubric,
    known: Optional[set],
    community: str,
    point_id: str,
    source: str,
    row_number: int,
) -> Optional[DataError]:
    if not rubric.has_point(point_id):
        return DataError(_ROW_UNKNOWN_POINT, source=source, row=row_number, point=point_id)
    point = rubric.place_of(point_id).point
    if not point.is_manual:
        return DataError(
            _ROW_NOT_MANUAL,
            source=source,
            row=row_number,
            point=point_id,
            indicator=point.indicator,
        )
    if known is not None and community not in known:
        return DataError(_ROW_UNKNOWN_COMMUNITY, source=source, row=row_number, community=community)
    return None


def _row_score(
    value: Any, max_score: float, source: str, row_number: int, key: Tuple[str, str]
) -> Optional[float]:
    """The score of a row: None when empty; numeric text (from a text column) is accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    number: Optional[float] = None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    elif _is_real(value) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number):
        raise DataError(_ROW_BAD_SCORE, source=source, row=row_number, value=show_value(value))
    if not 0 <= round(number, SCORE_DECIMALS) <= max_score:
        raise DataError(
            _ROW_OUT_OF_RANGE,
            source=source,
            row=row_number,
            community=key[0],
            point=key[1],
            score=show_value(value),
            max=_show_number(max_score),
        )
    return tidy(number)


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _cell_date(value: Any) -> str:
    """Dates as ISO text (a workbook gives datetime objects, a GeoPackage text)."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _cell_text(value)
