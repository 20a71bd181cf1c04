"""The evaluation rubric: the built-in file, the schema check, rule kinds, scoring, Excel."""

from __future__ import annotations

import copy
import datetime
import math
import re
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from complete_community.scoring.errors import DataError
from complete_community.scoring.rubric import (
    BUILTIN_RUBRIC_PATH,
    CATALOGUE,
    STATUS_NO_DATA,
    STATUS_PENDING,
    STATUS_SCORED,
    Band,
    DeductionRule,
    LinearRule,
    ManualScore,
    Rubric,
    ThresholdRule,
    YesNoRule,
    find_indicator,
    indicator_names,
    load_rubric,
    parse_rubric,
    read_manual_scores,
    read_rubric_xlsx,
    score_all,
    score_community,
    summarise,
    validate,
    write_rubric_xlsx,
)
from complete_community.scoring.rubric.rules import apply_rule
from complete_community.scoring.standard import FacilityStandard, load_standard

try:
    import openpyxl
except ImportError:  # the Excel tests skip; the rest of the rubric needs no openpyxl
    openpyxl = None

needs_openpyxl = pytest.mark.skipif(openpyxl is None, reason="openpyxl is not installed")

CATEGORY_NAMES = [
    "基本公共服务设施",
    "便民商业服务设施",
    "市政配套基础设施",
    "公共活动空间",
    "物业管理",
    "社区管理机制",
]


@pytest.fixture(scope="module")
def standard() -> FacilityStandard:
    return load_standard()


@pytest.fixture(scope="module")
def builtin(standard: FacilityStandard) -> Rubric:
    return load_rubric(standard=standard)


def builtin_document() -> Dict[str, Any]:
    return yaml.safe_load(BUILTIN_RUBRIC_PATH.read_text(encoding="utf-8"))


def find_point(document: Dict[str, Any], point_id: str) -> Dict[str, Any]:
    for category in document["categories"]:
        for item in category["items"]:
            for point in item["points"]:
                if point["id"] == point_id:
                    return point
    raise KeyError(point_id)


def find_item(document: Dict[str, Any], item_id: str) -> Dict[str, Any]:
    for category in document["categories"]:
        for item in category["items"]:
            if item["id"] == item_id:
                return item
    raise KeyError(item_id)


def small_document() -> Dict[str, Any]:
    """A 10-point rubric small enough to score by hand.

    A (6): A1 = p1 threshold (3) + p2 manual (3); B (4): B1 = p3 deduction (2) + p4 linear,
    veto (2). Grades: good >= 8, pass >= 6, fail >= 0.
    """
    return {
        "name": {"zh": "测试细则", "en": "Test rubric"},
        "version": "t1",
        "notice": {"zh": "仅供测试", "en": "For tests only"},
        "total": 10,
        "grades": [
            {"code": "good", "name": {"zh": "良好", "en": "Good"}, "min": 8},
            {"code": "pass", "name": {"zh": "合格", "en": "Pass"}, "min": 6},
            {"code": "fail", "name": {"zh": "不合格", "en": "Fail"}, "min": 0},
        ],
        "categories": [
            {
                "id": "A",
                "name": {"zh": "甲", "en": "A"},
                "max": 6,
                "items": [
                    {
                        "id": "A1",
                        "name": {"zh": "甲一", "en": "A one"},
                        "max": 6,
                        "points": [
                            {
                                "id": "p1",
                                "text": {"zh": "幼儿园覆盖", "en": "Kindergarten coverage"},
                                "max": 3,
                                "method": "threshold",
                                "indicator": "coverage_kindergarten",
                                "bands": [
                                    {"at_least": 0.9, "score": 3},
                                    {"at_least": 0.6, "score": 1},
                                ],
                            },
                            {
                                "id": "p2",
                                "text": {"zh": "人工评分", "en": "Manual"},
                                "max": 3,
                                "method": "manual",
                            },
                        ],
                    }
                ],
            },
            {
                "id": "B",
                "name": {"zh": "乙", "en": "B"},
                "max": 4,
                "items": [
                    {
                        "id": "B1",
                        "name": {"zh": "乙一", "en": "B one"},
                        "max": 4,
                        "points": [
                            {
                                "id": "p3",
                                "text": {"zh": "面积缺口", "en": "Area shortfall"},
                                "max": 2,
                                "method": "deduction",
                                "indicator": "area_deficit_kindergarten",
                                "deduct": 1,
                                "per": 100,
                            },
                            {
                                "id": "p4",
                                "text": {"zh": "托育覆盖", "en": "Nursery coverage"},
                                "max": 2,
                                "method": "linear",
                                "indicator": "coverage_nursery",
                                "zero_at": 0.2,
                                "full_at": 0.8,
                                "veto": True,
                            },
                        ],
                    }
                ],
            },
        ],
    }


@pytest.fixture()
def small() -> Rubric:
    return parse_rubric(small_document(), "small.yaml")


def refused(document: Any, file: str = "test.yaml", standard=None) -> str:
    with pytest.raises(DataError) as caught:
        rubric = parse_rubric(document, file)
        validate(rubric, standard)
    return str(caught.value)


# ------------------------------------------------------------------ the built-in rubric


def test_builtin_has_6_categories_23_items_54_points_100(builtin: Rubric) -> None:
    assert builtin.counts() == (6, 23, 54)
    assert builtin.total == 100
    assert [category.name.zh for category in builtin.categories] == CATEGORY_NAMES
    # recomputed here rather than trusting the validator
    assert math.fsum(category.max_score for category in builtin.categories) == 100
    for category in builtin.categories:
        assert math.fsum(item.max_score for item in category.items) == category.max_score
        for item in category.items:
            assert math.fsum(p.max_score for p in item.points) == item.max_score, item.id


def test_builtin_ids_are_unique_and_hierarchical(builtin: Rubric) -> None:
    ids = [c.id for c in builtin.categories] + [i.id for i in builtin.items()]
    ids += [p.id for p in builtin.points()]
    assert len(ids) == len(set(ids)) == 6 + 23 + 54
    for place in builtin.places():
        assert place.item.id.startswith(place.category.id + ".")
        assert re.fullmatch(re.escape(place.item.id) + r"\.\d+", place.point.id)


def test_builtin_has_20_national_items_and_3_chongqing_ones(builtin: Rubric) -> None:
    sources = [item.source for item in builtin.items()]
    national = sorted(
        int(re.search(r"第(\d+)项", source).group(1))
        for source in sources
        if "完整居住社区建设标准" in source
    )
    assert national == list(range(1, 21))
    assert sum("重庆" in source for source in sources) == 3


def test_builtin_mixes_computed_and_manual_points(builtin: Rubric) -> None:
    points = builtin.points()
    auto = [point for point in points if not point.is_manual]
    assert 22 <= len(auto) <= 32  # about half
    assert {point.method for point in points} == {
        "threshold",
        "linear",
        "yes_no",
        "deduction",
        "manual",
    }
    for category_id in ("5", "6"):  # property management and governance: mostly by hand
        category = next(c for c in builtin.categories if c.id == category_id)
        manual = [p for i in category.items for p in i.points if p.is_manual]
        assert len(manual) > len([p for i in category.items for p in i.points]) / 2
    # Only a governance failure vetoes: a missing facility is a gap to score, not a veto.
    assert [point.id for point in points if point.veto] == ["6.1.2"]


def test_builtin_says_it_is_a_template(builtin: Rubric) -> None:
    assert "模板" in builtin.notice.zh and "并非官方文本" in builtin.notice.zh
    assert "重庆市完整社区评价细则" in builtin.notice.zh
    assert "完整居住社区建设标准" in builtin.notice.zh
    assert "TEMPLATE" in builtin.notice.en and "not the official text" in builtin.notice.en
    assert "RUBRIC" in builtin.notice.get("en")
    assert builtin.notice.get("zh_CN") == builtin.notice.zh


def test_builtin_grade_bands(builtin: Rubric) -> None:
    assert [(g.code, g.name.zh, g.name.en, g.min_score) for g in builtin.grades] == [
        ("excellent", "优秀", "Excellent", 90),
        ("good", "良好", "Good", 80),
        ("pass", "合格", "Pass", 60),
        ("fail", "不合格", "Fail", 0),
    ]


def test_builtin_indicators_exist_for_the_builtin_standard(
    builtin: Rubric, standard: FacilityStandard
) -> None:
    names = set(indicator_names(standard.codes()))
    assert set(builtin.indicators()) <= names
    assert "coverage_kindergarten" in builtin.indicators()


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        ("perfect", 100.0),
        ("nothing", 0.0),
    ],
)
def test_builtin_scores_full_marks_and_zero(
    builtin: Rubric, standard: FacilityStandard, indicators: str, expected: float
) -> None:
    """Every point can reach its maximum, and can fall to 0, from the catalogue's indicators."""
    values: Dict[str, float] = {}
    for name in builtin.indicators():
        spec, _code = find_indicator(name, standard.codes())
        good = {"coverage_": 1.0, "has_": 1, "status_ok_": 1}.get(spec.prefix, 0.0)
        bad = {"coverage_": 0.0, "has_": 0, "status_ok_": 0}.get(spec.prefix, 10000.0)
        values[name] = good if indicators == "perfect" else bad
    manual = {
        point.id: ManualScore("c", point.id, point.max_score if expected else 0)
        for point in builtin.points()
        if point.is_manual
    }
    result = score_community(builtin, values, manual, "c")
    assert result.total == expected
    assert not result.provisional and result.n_open == 0
    assert result.grade.code == ("excellent" if expected else "fail")
    assert result.vetoed_by == (() if expected else ("6.1.2",))


# ------------------------------------------------------------------ rule kinds at boundaries

THRESHOLD = ThresholdRule("x", (Band(0.9, 3.0), Band(0.6, 1.0)))


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (1.0, 3.0),
        (0.9, 3.0),  # exactly at the threshold reaches it
        (0.8999999999, 3.0),  # floating-point noise from summed populations
        (0.8999, 1.0),
        (0.6, 1.0),
        (0.5999, 0.0),
        (0.0, 0.0),
    ],
)
def test_threshold_bands(value: float, score: float) -> None:
    assert apply_rule(THRESHOLD, value, 3.0) == score


LINEAR_UP = LinearRule("x", zero_at=0.3, full_at=0.9)
LINEAR_DOWN = LinearRule("x", zero_at=2000.0, full_at=0.0)


@pytest.mark.parametrize(
    ("rule", "value", "score"),
    [
        (LINEAR_UP, 0.3, 0.0),
        (LINEAR_UP, 0.9, 2.0),
        (LINEAR_UP, 0.6, 1.0),
        (LINEAR_UP, 0.45, 0.5),
        (LINEAR_UP, 0.1, 0.0),  # clamped below
        (LINEAR_UP, 1.0, 2.0),  # clamped above
        (LINEAR_DOWN, 0.0, 2.0),
        (LINEAR_DOWN, 500.0, 1.5),
        (LINEAR_DOWN, 2000.0, 0.0),
        (LINEAR_DOWN, 3000.0, 0.0),
        (LINEAR_DOWN, -100.0, 2.0),
    ],
)
def test_linear_between_two_values(rule: LinearRule, value: float, score: float) -> None:
    assert apply_rule(rule, value, 2.0) == score


@pytest.mark.parametrize(("value", "score"), [(1, 2.0), (True, 2.0), (0.5, 2.0), (0, 0.0)])
def test_yes_no(value: Any, score: float) -> None:
    assert apply_rule(YesNoRule("x"), value, 2.0) == score


DEDUCTION = DeductionRule("x", deduct=0.5, per=100.0)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (0.0, 2.0),
        (-50.0, 2.0),  # a surplus earns nothing extra
        (1.0, 1.5),  # a started step counts whole
        (100.0, 1.5),
        (100.0000000001, 1.5),
        (101.0, 1.0),
        (200.0, 1.0),
        (201.0, 0.5),
        (400.0, 0.0),
        (1000.0, 0.0),  # floor at 0
    ],
)
def test_deduction_steps_and_floor(value: float, score: float) -> None:
    assert apply_rule(DEDUCTION, value, 2.0) == score


def test_deduction_per_one_by_default() -> None:
    rule = DeductionRule("x", deduct=1.0)
    assert [apply_rule(rule, value, 3.0) for value in (0, 1, 2, 3, 4)] == [3, 2, 1, 0, 0]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89.99, "good"),
        (80, "good"),
        (79.999, "pass"),
        (60, "pass"),
        (59.5, "fail"),
        (0, "fail"),
        (89.99999999, "excellent"),  # a sum that should be 90 but for rounding noise
    ],
)
def test_grade_bands_at_their_edges(builtin: Rubric, total: float, grade: str) -> None:
    assert builtin.grade_for(total).code == grade


# ------------------------------------------------------------------ scoring a community


def test_score_mixes_rules_and_manual_scores(small: Rubric) -> None:
    indicators = {
        "coverage_kindergarten": 0.75,  # -> 1
        "area_deficit_kindergarten": 150,  # two steps of 100 -> 2 - 2 = 0
        "coverage_nursery": 0.5,  # (0.5 - 0.2) / 0.6 * 2 = 1
    }
    manual = {"p2": ManualScore("c1", "p2", 2.5, "photos", "Li", "2024-05-01")}
    result = score_community(small, indicators, manual, "c1")
    assert [(r.point_id, r.score, r.status) for r in result.points] == [
        ("p1", 1.0, STATUS_SCORED),
        ("p2", 2.5, STATUS_SCORED),
        ("p3", 0.0, STATUS_SCORED),
        ("p4", 1.0, STATUS_SCORED),
    ]
    assert result.total == 4.5
    assert [(c.id, c.score, c.max_score) for c in result.categories] == [
        ("A", 3.5, 6),
        ("B", 1.0, 4),
    ]
    assert result.grade.code == "fail"
    assert not result.provisional and result.n_open == 0
    p1 = result.point("p1")
    assert (p1.indicator, p1.indicator_value, p1.method) == (
        "coverage_kindergarten",
        0.75,
        "threshold",
    )
    p2 = result.point("p2")
    assert (p2.evidence, p2.assessor, p2.date, p2.indicator) == ("photos", "Li", "2024-05-01", "")


def test_missing_manual_score_is_pending_not_zero(small: Rubric) -> None:
    indicators = {
        "coverage_kindergarten": 0.9,
        "area_deficit_kindergarten": 0,
        "coverage_nursery": 0.8,
    }
    result = score_community(small, indicators, {}, "c1")
    p2 = result.point("p2")
    assert p2.score is None and p2.status == STATUS_PENDING
    assert result.total == 7.0  # 3 + 2 + 2, p2 not counted as anything
    assert result.provisional is True
    assert (result.n_pending, result.n_no_data, result.n_open) == (1, 0, 1)
    assert result.upper_bound == 10.0
    assert result.category_subtotal("A").n_open == 1
    assert result.grade.code == "pass"  # of the total so far, flagged provisional


def test_manual_row_without_score_is_pending(small: Rubric) -> None:
    manual = {"p2": ManualScore("c1", "p2", None, evidence="visit planned")}
    result = score_community(small, {}, manual, "c1")
    assert result.point("p2").status == STATUS_PENDING
    assert result.point("p2").evidence == "visit planned"


@pytest.mark.parametrize("missing", [None, float("nan"), "absent"])
def test_indicator_without_value_is_no_data(small: Rubric, missing: Any) -> None:
    indicators = {
        "coverage_kindergarten": 0.9,
        "area_deficit_kindergarten": 0,
        "coverage_nursery": missing,
    }
    if missing == "absent":
        del indicators["coverage_nursery"]
    manual = {"p2": ManualScore("c1", "p2", 3)}
    result = score_community(small, indicators, manual, "c1")
    p4 = result.point("p4")
    assert (p4.score, p4.status, p4.indicator_value) == (None, STATUS_NO_DATA, None)
    assert result.total == 8.0 and result.provisional
    assert (result.n_pending, result.n_no_data) == (0, 1)
    assert result.vetoed_by == ()  # an unknown veto point does not veto


def test_veto_point_at_zero_gives_the_lowest_grade(small: Rubric) -> None:
    indicators = {
        "coverage_kindergarten": 0.95,
        "area_deficit_kindergarten": 0,
        "coverage_nursery": 0.2,  # exactly zero_at -> 0 on a veto point
    }
    manual = {"p2": ManualScore("c1", "p2", 3)}
    result = score_community(small, indicators, manual, "c1")
    assert result.total == 8.0  # the total is kept ...
    assert small.grade_for(8.0).code == "good"
    assert result.grade.code == "fail"  # ... but the grade drops
    assert result.vetoed_by == ("p4",)
    # just above zero_at the veto point scores and the grade is the total's again
    indicators["coverage_nursery"] = 0.26
    result = score_community(small, indicators, manual, "c1")
    assert result.vetoed_by == () and result.grade.code == "good"
    assert result.total == 8.2


@pytest.mark.parametrize("score", [3.5, -0.5, float("inf")])
def test_manual_score_out_of_range_is_refused(small: Rubric, score: float) -> None:
    with pytest.raises(DataError) as caught:
        score_community(small, {}, {"p2": ManualScore("社区7", "p2", score)}, "社区7")
    message = str(caught.value)
    assert "Community 社区7, point p2" in message
    assert "maximum 3" in message


def test_manual_score_at_the_limits_is_accepted(small: Rubric) -> None:
    for score in (0, 3):
        result = score_community(small, {}, {"p2": ManualScore("c", "p2", score)}, "c")
        assert result.point("p2").score == score


def test_manual_score_for_unknown_or_computed_point_is_refused(small: Rubric) -> None:
    with pytest.raises(DataError, match="Community c9: manual score for point 'p99'"):
        score_community(small, {}, {"p99": ManualScore("c9", "p99", 1)}, "c9")
    with pytest.raises(DataError, match=r"Community c9, point p1: .*coverage_kindergarten"):
        score_community(small, {}, {"p1": ManualScore("c9", "p1", 1)}, "c9")


def test_numpy_values_are_read() -> None:
    numpy = pytest.importorskip("numpy")
    rubric = parse_rubric(small_document())
    indicators = {
        "coverage_kindergarten": numpy.float32(0.5),
        "area_deficit_kindergarten": numpy.int64(0),
        "coverage_nursery": numpy.float64("nan"),
    }
    result = score_community(rubric, indicators, {}, "c")
    assert [r.score for r in result.points] == [0.0, None, 2.0, None]
    statuses = [STATUS_SCORED, STATUS_PENDING, STATUS_SCORED, STATUS_NO_DATA]
    assert [r.status for r in result.points] == statuses
    assert apply_rule(YesNoRule("x"), numpy.bool_(True), 2.0) == 2.0


def test_indicator_that_is_not_a_number_is_refused(small: Rubric) -> None:
    with pytest.raises(DataError, match=r"Community c3: indicator 'coverage_nursery'.*'high'"):
        score_community(small, {"coverage_nursery": "high"}, {}, "c3")


def test_score_all_matches_manual_rows_by_id_text(small: Rubric) -> None:
    indicators = {
        "coverage_kindergarten": 0.6,
        "area_deficit_kindergarten": 0,
        "coverage_nursery": 0.8,
    }
    by_community = {101: indicators, "102": dict(indicators, coverage_kindergarten=0.9)}
    rows = [ManualScore("101", "p2", 1), ManualScore(102.0, "p2", 2)]
    results = score_all(small, by_community, rows)
    assert [(r.community_id, r.total, r.provisional) for r in results] == [
        (101, 6.0, False),
        ("102", 9.0, False),
    ]
    summary = summarise(results)
    assert (summary.n_communities, summary.mean_total, summary.n_provisional) == (2, 7.5, 0)
    assert math.isnan(summarise([]).mean_total)


def test_score_all_refuses_rows_for_other_communities_and_duplicates(small: Rubric) -> None:
    with pytest.raises(DataError, match="community '999', point p2"):
        score_all(small, {"1": {}}, [ManualScore("999", "p2", 1)])
    with pytest.raises(DataError, match="Community 1, point p2: more than one"):
        score_all(small, {"1": {}}, [ManualScore("1", "p2", 1), ManualScore("1", "p2", 2)])


# ------------------------------------------------------------------ the manual-score table


def test_read_manual_scores_validates_rows(small: Rubric) -> None:
    rows: List[Dict[str, Any]] = [
        {"community_id": 101, "point_id": "p2", "score": "2.5", "evidence": " e ", "fid": 1},
        {"community_id": "102", "point_id": "p2", "score": None, "assessor": "Wang"},
        {"community_id": "103", "point_id": "p2", "date": datetime.datetime(2024, 5, 1)},
        {"community_id": "101", "point_id": "p99", "score": 1},  # unknown point
        {"community_id": "101", "point_id": "p1", "score": 1},  # computed point
        {"community_id": "555", "point_id": "p2", "score": 1},  # unknown community
    ]
    table = read_manual_scores(rows, small, community_ids=[101, 102, 103], source="表")
    assert table.scores == (
        ManualScore("101", "p2", 2.5, "e", "", ""),
        ManualScore("102", "p2", None, "", "Wang", ""),
        ManualScore("103", "p2", None, "", "", "2024-05-01"),
    )
    messages = [str(problem) for problem in table.problems]
    assert messages == [
        "表, row 4: point 'p99' is not in the rubric; the row is ignored",
        "表, row 5: point p1 is computed from indicator 'coverage_kindergarten', not scored by "
        "hand; the row is ignored",
        "表, row 6: community '555' is not among the communities scored; the row is ignored",
    ]
    results = score_all(small, {101: {}, 102: {}, 103: {}}, table.scores)
    assert [r.point("p2").score for r in results] == [2.5, None, None]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"community_id": "7", "point_id": "p2", "score": 4},
            "Manual scores, row 1: community 7, point p2: manual score 4 is outside 0 to the "
            "point's maximum 3",
        ),
        (
            {"community_id": "7", "point_id": "p2", "score": "good"},
            "Manual scores, row 1: column 'score' must be a number or empty, got 'good'",
        ),
        (
            {"community_id": "", "point_id": "p2", "score": 1},
            "Manual scores, row 1: column 'community_id' is empty or missing",
        ),
        (
            {"community_id": "7", "score": 1},
            "Manual scores, row 1: column 'point_id' is empty or missing",
        ),
    ],
)
def test_read_manual_scores_refuses_bad_rows(
    small: Rubric, row: Dict[str, Any], message: str
) -> None:
    with pytest.raises(DataError) as caught:
        read_manual_scores([row], small)
    assert str(caught.value) == message


def test_read_manual_scores_refuses_a_second_row_for_a_point(small: Rubric) -> None:
    rows = [
        {"community_id": "7", "point_id": "p2", "score": 1},
        {"community_id": 7.0, "point_id": "p2", "score": 2},
    ]
    with pytest.raises(DataError, match=r"row 2: community 7, point p2 is already scored in row 1"):
        read_manual_scores(rows, small)


# ------------------------------------------------------------------ the schema check


def test_point_sums_not_adding_up_are_refused_naming_the_item() -> None:
    document = builtin_document()
    find_point(document, "1.1.3")["max"] = 2
    assert refused(document) == (
        "Rubric test.yaml, item 1.1 (category 1): its points' maximum scores add up to 6, but "
        "the item's field 'max' is 5"
    )


def test_item_sums_not_adding_up_are_refused_naming_the_category() -> None:
    document = builtin_document()
    find_point(document, "1.1.3")["max"] = 2
    find_item(document, "1.1")["max"] = 6
    assert refused(document) == (
        "Rubric test.yaml, category 1: its items' maximum scores add up to 27, but the "
        "category's field 'max' is 26"
    )


def test_category_sums_not_adding_up_to_the_total_are_refused() -> None:
    document = builtin_document()
    document["total"] = 99
    assert refused(document) == (
        "Rubric test.yaml: the categories' maximum scores add up to 100, but field 'total' is 99"
    )


def test_half_points_add_up() -> None:
    document = small_document()
    point = document["categories"][0]["items"][0]["points"][1]
    point["max"] = 2.9
    document["categories"][0]["items"][0]["points"].append(
        {"id": "p2b", "text": {"zh": "x", "en": "x"}, "max": 0.1, "method": "manual"}
    )
    rubric = parse_rubric(document)
    assert rubric.counts() == (2, 2, 5)


def test_duplicate_ids_are_refused() -> None:
    document = builtin_document()
    find_point(document, "1.2.2")["id"] = "1.2.1"
    assert refused(document) == (
        "Rubric test.yaml, point 1.2.1 (item 1.2): id '1.2.1' appears more than once; "
        "category, item and point ids must all differ"
    )
    document = small_document()
    document["categories"][1]["items"][0]["id"] = "A"
    assert "item A (category B): id 'A' appears more than once" in refused(document)


def test_unknown_indicator_is_refused(standard: FacilityStandard) -> None:
    document = small_document()
    document["categories"][0]["items"][0]["points"][0]["indicator"] = "coverage_kindergarden"
    parse_rubric(copy.deepcopy(document))  # a well-formed per-type name, standard not known yet
    message = refused(document, standard=standard)
    assert message.startswith(
        "Rubric test.yaml, point p1 (item A1): field 'indicator' names 'coverage_kindergarden', "
        "but the facility standard "
    )
    assert message.endswith("has no facility type 'kindergarden'")
    document["categories"][0]["items"][0]["points"][0]["indicator"] = "covrage_kindergarten"
    message = refused(document)
    assert "field 'indicator' names 'covrage_kindergarten', which is not in the indicator " in (
        message
    )
    assert "coverage_<type_code>" in message


def test_load_rubric_checks_indicators_against_the_standard(
    tmp_path: Path, standard: FacilityStandard
) -> None:
    document = small_document()
    document["categories"][1]["items"][0]["points"][0]["indicator"] = "area_deficit_castle"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert load_rubric(path).counts() == (2, 2, 4)
    with pytest.raises(DataError, match=r"point p3 .*no facility type 'castle'"):
        load_rubric(path, standard)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            [{"at_least": 0.6, "score": 3}, {"at_least": 0.9, "score": 1}],
            "field 'bands': band 2 (at least 0.9) must have a lower threshold than the band "
            "before it (at least 0.6)",
        ),
        (
            [{"at_least": 0.9, "score": 3}, {"at_least": 0.9, "score": 1}],
            "band 2 (at least 0.9) must have a lower threshold",
        ),
        (
            [{"at_least": 0.9, "score": 3}, {"at_least": 0.6, "score": 3}],
            "field 'bands': band 2 scores 3, which must be less than the 3 of the band before it",
        ),
        (
            [{"at_least": 0.9, "score": 2}, {"at_least": 0.6, "score": 1}],
            "field 'bands': the first (highest) band must score the point's maximum 3, got 2",
        ),
        (
            [{"at_least": 0.9, "score": 3}, {"at_least": 0.6, "score": -1}],
            "band 2 scores -1; a score cannot be negative",
        ),
        ([], "field 'bands' must list at least one band"),
        ([{"at_least": 0.9}], "required field 'bands[1].score' is missing"),
        ([{"at_least": "high", "score": 3}], "field 'bands[1].at_least' must be a number"),
    ],
)
def test_bands_must_be_monotone(bands: List[Dict[str, Any]], message: str) -> None:
    document = small_document()
    document["categories"][0]["items"][0]["points"][0]["bands"] = bands
    text = refused(document)
    assert text.startswith("Rubric test.yaml, point p1 (item A1): ")
    assert message in text


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        (
            [("good", 8), ("pass", 8), ("fail", 0)],
            "grade band pass: field 'min' 8 must be lower than the 'min' of the band before it (8)",
        ),
        (
            [("pass", 6), ("good", 8), ("fail", 0)],
            "grade band good: field 'min' 8 must be lower than the 'min' of the band before it (6)",
        ),
        (
            [("good", 8), ("pass", 6), ("fail", 1)],
            "grade band fail: the lowest band must have 'min' 0 so that every total has a grade, "
            "got 1",
        ),
        (
            [("top", 11), ("fail", 0)],
            "grade band top: field 'min' 11 is above the rubric's total 10",
        ),
        ([("good", 8), ("good", 0)], "grade band good: code 'good' appears more than once"),
    ],
)
def test_grade_bands_must_cover_zero_to_total_without_overlap(grades, message: str) -> None:
    document = small_document()
    document["grades"] = [
        {"code": code, "name": {"zh": code, "en": code}, "min": low} for code, low in grades
    ]
    assert message in refused(document)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"indicater": "coverage_nursery"},
            "point p4 (item B1): unknown field 'indicater' (a typo?); allowed fields: id, text",
        ),
        (
            {"bands": [{"at_least": 1, "score": 2}]},
            "field 'bands' does not apply to method 'linear'",
        ),
        ({"full_at": None}, "point p4 (item B1): required field 'full_at' is missing"),
        ({"zero_at": 0.5, "full_at": 0.5}, "fields 'zero_at' and 'full_at' are both 0.5"),
        ({"method": "bands"}, "field 'method' must be one of threshold, linear, yes_no, manual"),
        ({"max": 0}, "field 'max' must be a positive number, got '0'"),
        ({"veto": "yes"}, "field 'veto' must be true or false, got 'yes'"),
        ({"id": 1.1}, "point 1.1 (item B1): field 'id' must be text without spaces"),
        ({"id": "p 4"}, "field 'id' must be text without spaces"),
        ({"text": {"zh": "x"}}, "point p4 (item B1): required field 'text.en' is missing"),
        ({"evidence": {"zh": "照片", "en": ""}}, "field 'evidence.en' must be non-empty text"),
    ],
)
def test_point_fields_are_checked(change: Dict[str, Any], message: str) -> None:
    document = small_document()
    point = document["categories"][1]["items"][0]["points"][1]
    for key, value in change.items():
        if value is None:
            del point[key]
        else:
            point[key] = value
    assert message in refused(document)


def test_manual_point_with_an_indicator_is_refused() -> None:
    document = small_document()
    document["categories"][0]["items"][0]["points"][1]["indicator"] = "population"
    assert "point p2 (item A1): field 'indicator' does not apply to method 'manual'" in refused(
        document
    )


def test_top_level_fields_are_checked() -> None:
    document = small_document()
    document["totl"] = 10
    assert refused(document).startswith("Rubric test.yaml: unknown field 'totl' (a typo?)")
    document = small_document()
    del document["grades"]
    assert refused(document) == "Rubric test.yaml: required field 'grades' is missing"
    assert refused([1, 2]).startswith("Rubric test.yaml: the file must be a mapping")
    document = small_document()
    document["categories"][0]["items"] = []
    assert refused(document) == "Rubric test.yaml, category A: field 'items' lists no item"


def test_a_rubric_built_in_code_is_validated_too(small: Rubric) -> None:
    category = small.categories[0]
    broken = Rubric(
        name=small.name,
        version=small.version,
        notice=small.notice,
        total=11,
        grades=small.grades,
        categories=small.categories,
    )
    with pytest.raises(DataError, match=r"<memory>: the categories' maximum .* 10, .* is 11"):
        validate(broken)
    assert category.items[0].points[0].rule == ThresholdRule(
        "coverage_kindergarten", (Band(0.9, 3.0), Band(0.6, 1.0))
    )
    assert broken != small  # the total is part of equality, the source path is not
    assert Rubric(**{**vars_of(small), "source_path": "elsewhere"}) == small


def vars_of(rubric: Rubric) -> Dict[str, Any]:
    return {
        name: getattr(rubric, name)
        for name in ("name", "version", "notice", "total", "grades", "categories")
    }


def test_file_errors_name_the_rubric(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^Rubric .*nowhere\.yaml was not found$"):
        load_rubric(tmp_path / "nowhere.yaml")
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: {zh: a, en: b}\nversion: '1'\nversion: '2'\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^Rubric .*twice\.yaml: key 'version' appears twice"):
        load_rubric(twice)
    other = tmp_path / "rubric.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"use one of \.yaml, \.yml, \.json, \.xlsx"):
        load_rubric(other)


# ------------------------------------------------------------------ the indicator catalogue


def test_catalogue_entries_are_documented() -> None:
    producers = {
        "completecommunity:facilitygap",
        "completecommunity:tieredprovision",
        "plan data",
    }
    names = [spec.name for spec in CATALOGUE]
    assert len(names) == len(set(names))
    for spec in CATALOGUE:
        assert spec.meaning_zh and spec.meaning_en and spec.unit
        assert spec.produced_by in producers
    for name in ("coverage_<type_code>", "count_deficit_<type_code>", "area_deficit_<type_code>"):
        assert name in names
    assert "status_ok_<type_code>" in names and "population" in names


def test_find_indicator_resolves_type_codes(standard: FacilityStandard) -> None:
    codes = standard.codes()
    spec, code = find_indicator("count_deficit_primary_school", codes)
    assert (spec.name, code) == ("count_deficit_<type_code>", "primary_school")
    assert find_indicator("population", codes)[0].unit == "people"
    assert find_indicator("coverage_castle", codes) is None
    assert find_indicator("coverage_castle") is not None  # no standard: any well-formed code
    assert find_indicator("coverage_") is None
    assert find_indicator("Coverage_kindergarten") is None
    names = indicator_names(["a", "b"])
    assert names[:2] == ["population", "population_in_range"]
    assert {"coverage_a", "coverage_b", "status_ok_b", "has_a"} <= set(names)


# ------------------------------------------------------------------ Excel


@needs_openpyxl
def test_builtin_rubric_round_trips_through_xlsx(builtin: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(builtin, path)
    back = read_rubric_xlsx(path)
    assert back == builtin
    assert back.source_path == str(path)
    assert load_rubric(path) == builtin
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rubric.xlsx"]  # no temp file left


@needs_openpyxl
def test_xlsx_layout_is_one_row_per_point(builtin: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(builtin, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["评分细则 points", "等级 grades", "说明 about"]
    sheet = workbook["评分细则 points"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == [
        "类别编号 category_id",
        "类别 category_zh",
        "Category category_en",
        "类别分值 category_max",
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 54
    row = dict(zip([h.split()[-1] for h in header], rows[3]))
    assert (row["point_id"], row["category_zh"], row["item_id"], row["max"]) == (
        "1.2.1",
        "基本公共服务设施",
        "1.2",
        3,
    )
    assert row["bands"] == ">=0.9:3; >=0.7:2; >=0.5:1"
    assert row["veto"] is False
    grades = list(workbook["等级 grades"].iter_rows(min_row=2, values_only=True))
    assert grades[0] == ("excellent", "优秀", "Excellent", 90)


@needs_openpyxl
def test_small_rubric_round_trips_without_optional_fields(small: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "small.xlsx"
    write_rubric_xlsx(small, path)
    assert read_rubric_xlsx(path) == small


@needs_openpyxl
def test_text_that_looks_like_a_formula_stays_text(small: Rubric, tmp_path: Path) -> None:
    document = small_document()
    document["categories"][0]["name"] = {"zh": "=1+1", "en": "=SUM(A1:A2)"}
    rubric = parse_rubric(document)
    path = tmp_path / "formula.xlsx"
    write_rubric_xlsx(rubric, path)
    cell = openpyxl.load_workbook(path)[POINTS]["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert read_rubric_xlsx(path) == rubric


@needs_openpyxl
def test_writing_replaces_an_existing_file(builtin: Rubric, small: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "rubric.xlsx"
    write_rubric_xlsx(builtin, path)
    write_rubric_xlsx(small, path)
    assert read_rubric_xlsx(path) == small


@needs_openpyxl
def test_writing_into_a_missing_folder_is_refused(small: Rubric, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^Rubric workbook .*x\.xlsx could not be written"):
        write_rubric_xlsx(small, tmp_path / "no" / "x.xlsx")


def _edited(builtin: Rubric, tmp_path: Path, edit) -> Path:
    path = tmp_path / "edited.xlsx"
    write_rubric_xlsx(builtin, path)
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def _row_of(sheet: Any, point_id: str) -> int:
    for (cell,) in sheet.iter_rows(min_row=2, min_col=10, max_col=10):
        if cell.value == point_id:
            return cell.row
    raise KeyError(point_id)


POINTS = "评分细则 points"


@needs_openpyxl
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("M", "three", "column M (max): must be a number, got 'three'"),
        ("J", 1.21, "column J (point_id): must be text without spaces; format the cell as Text"),
        ("N", "guess", "column N (method): must be one of threshold, linear"),
        ("P", "0.9 -> 3", "column P (bands): bands must be written '>=0.9:3; >=0.6:1'"),
        ("U", "maybe", "column U (veto): must be TRUE or FALSE"),
        ("K", None, "column K (text_zh): the cell is empty"),
        (
            "B",
            "基本服务",
            "column B (category_zh): '基本服务' differs from '基本公共服务设施' in row 2 of the "
            "same category",
        ),
        ("H", 6, "column H (item_max): '6' differs from '5' in row 5 of the same item"),
    ],
)
def test_malformed_xlsx_cells_are_named_by_sheet_row_and_column(
    builtin: Rubric, tmp_path: Path, column: str, value: Any, message: str
) -> None:
    row = {}

    def edit(workbook: Any) -> None:
        sheet = workbook[POINTS]
        row["number"] = _row_of(sheet, "1.2.2")
        sheet[f"{column}{row['number']}"] = value

    path = _edited(builtin, tmp_path, edit)
    with pytest.raises(DataError) as caught:
        read_rubric_xlsx(path)
    text = str(caught.value)
    assert text.startswith(f"Rubric workbook {path}, sheet '{POINTS}', row {row['number']}, ")
    assert message in text


@needs_openpyxl
def test_xlsx_sums_not_adding_up_name_the_item(builtin: Rubric, tmp_path: Path) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[POINTS]
        sheet[f"M{_row_of(sheet, '1.2.2')}"] = 3

    path = _edited(builtin, tmp_path, edit)
    with pytest.raises(DataError) as caught:
        read_rubric_xlsx(path)
    assert str(caught.value) == (
        f"Rubric {path}, item 1.2 (category 1): its points' maximum scores add up to 6, but the "
        "item's field 'max' is 5"
    )


@needs_openpyxl
def test_xlsx_edited_rules_are_read(builtin: Rubric, tmp_path: Path) -> None:
    """Planners edit cells by hand: numeric text, ≥ and full-width colons, 是/否 are all read."""

    def edit(workbook: Any) -> None:
        sheet = workbook[POINTS]
        row = _row_of(sheet, "1.2.1")
        sheet[f"P{row}"] = "≥0.95：3；>=0.8:2; 0.5:1"
        sheet[f"U{row}"] = "是"
        sheet[f"M{_row_of(sheet, '1.1.3')}"] = "1"
        sheet[f"G{_row_of(sheet, '1.6.1')}"] = 2020  # a name Excel turned into a number
        sheet[f"G{_row_of(sheet, '1.6.2')}"] = 2020

    rubric = read_rubric_xlsx(_edited(builtin, tmp_path, edit))
    point = rubric.place_of("1.2.1").point
    assert point.rule == ThresholdRule(
        "coverage_kindergarten", (Band(0.95, 3.0), Band(0.8, 2.0), Band(0.5, 1.0))
    )
    assert point.veto is True
    assert rubric.place_of("1.1.3").point.max_score == 1.0
    assert rubric.place_of("1.6.1").item.name.en == "2020"


@needs_openpyxl
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda wb: wb.remove(wb["等级 grades"]),
            ": sheet '等级 grades' is missing (sheets found: 评分细则 points, 说明 about)",
        ),
        (
            lambda wb: wb[POINTS].cell(row=1, column=30, value="备注 notes"),
            ", sheet '评分细则 points', column AD: unknown header '备注 notes'; allowed columns: "
            "category_id, category_zh,",
        ),
        (
            lambda wb: wb[POINTS].delete_cols(13),
            ", sheet '评分细则 points': column 'max' is missing",
        ),
        (
            lambda wb: wb["说明 about"].delete_rows(5),
            ", sheet '说明 about': field 'total' is missing",
        ),
        (
            lambda wb: wb["说明 about"].cell(row=5, column=2, value="hundred"),
            ", sheet '说明 about', row 5, column B (total): must be a number, got 'hundred'",
        ),
        (
            lambda wb: wb["说明 about"].cell(row=8, column=1, value="author"),
            ", sheet '说明 about', row 8, column A: unknown field 'author'; allowed fields: ",
        ),
        (
            lambda wb: wb["等级 grades"].cell(row=3, column=4, value="eighty"),
            ", sheet '等级 grades', row 3, column D (min): must be a number, got 'eighty'",
        ),
        (
            lambda wb: wb[POINTS].delete_rows(2, 60),
            ", sheet '评分细则 points': there are no data rows",
        ),
    ],
)
def test_malformed_xlsx_sheets_are_named(
    builtin: Rubric, tmp_path: Path, edit, message: str
) -> None:
    path = _edited(builtin, tmp_path, edit)
    with pytest.raises(DataError) as caught:
        read_rubric_xlsx(path)
    assert str(caught.value).startswith(f"Rubric workbook {path}{message}")


@needs_openpyxl
def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataError, match=r"could not be read as an \.xlsx workbook"):
        read_rubric_xlsx(path)
    with pytest.raises(DataError, match=r"Rubric workbook .*gone\.xlsx was not found"):
        read_rubric_xlsx(tmp_path / "gone.xlsx")


def test_missing_openpyxl_says_what_to_install(
    small: Rubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # makes `import openpyxl` fail
    for call in (
        lambda: write_rubric_xlsx(small, tmp_path / "x.xlsx"),
        lambda: read_rubric_xlsx(tmp_path / "x.xlsx"),
    ):
        with pytest.raises(
            DataError, match=r"needs the Python package 'openpyxl'.*pip install openpyxl"
        ):
            call()
    assert not (tmp_path / "x.xlsx").exists()
