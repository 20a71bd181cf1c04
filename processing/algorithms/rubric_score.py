"""``completecommunity:rubricscore`` — every community scored against the evaluation rubric.

The inputs (the communities, the outputs of the two analyses, manual scores, rubric and
standard) are declared and read by :class:`..community_scoring.CommunityScoringAlgorithm`,
which ``exportworkbook`` shares; :mod:`scoring.rubric` works out the indicators and the scores.
This file writes them as two layers. Nothing is written until every community has been scored,
so an error or a cancel leaves no output.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, List, Mapping, Optional, Sequence

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterFeatureSink,
)

from ...i18n import tr
from ...scoring.errors import Cancelled
from ...scoring.rubric import (
    STATUS_NO_DATA,
    STATUS_PENDING,
    STATUS_SCORED,
    CommunityScore,
    PointResult,
    Rubric,
)
from .. import compat
from ..community_scoring import CommunityScoringAlgorithm
from ..gpkg_rows import JoinedRows

#: Status words of the long table; Chinese like the rubric text it sits beside.
STATUS_ZH = {STATUS_SCORED: "已评分", STATUS_PENDING: "待评", STATUS_NO_DATA: "无数据"}

POINT_FIELDS = (
    ("community_id", "string"),
    ("community_name", "string"),
    ("category_id", "string"),
    ("category_name", "string"),
    ("item_id", "string"),
    ("item_name", "string"),
    ("point_id", "string"),
    ("text", "string"),
    ("text_en", "string"),
    ("max_score", "double"),
    ("score", "double"),
    ("status", "string"),
    ("status_zh", "string"),
    ("method", "string"),
    ("indicator", "string"),
    ("indicator_value", "double"),
    ("evidence", "string"),
    ("assessor", "string"),
    ("date", "string"),
    ("veto", "int"),
)

_FIELD_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def category_field_names(rubric: Rubric) -> List[str]:
    """``cat_<id>`` per category, the id made safe for a field name (``1.a`` -> ``cat_1_a``)
    and numbered on a clash, so that every category keeps its own column."""
    names: List[str] = []
    for category in rubric.categories:
        base = "cat_" + _FIELD_NAME_UNSAFE.sub("_", category.id)
        name, number = base, 2
        while name.lower() in (taken.lower() for taken in names):
            name, number = f"{base}_{number}", number + 1
        names.append(name)
    return names


class RubricScoreAlgorithm(CommunityScoringAlgorithm):
    ALGORITHM_ID = "rubricscore"
    DISPLAY_NAME = "Rubric scoring"
    GROUP = "Evaluation"
    GROUP_ID = "evaluation"

    OUTPUT_STYLES: ClassVar[Mapping[str, str]] = {"OUTPUT": "community_scores"}
    READS_NEAREST = False
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None) -> None:
        self.add_scoring_parameters()
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_TABLE, tr("Scores by scoring point"), compat.ProcessingSourceType.Vector
            ),
            tr(
                "One row per community and scoring point: maximum, score (NULL while 待评 or "
                "without data), status, method, the indicator and its value, evidence."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Community scores"), compat.ProcessingSourceType.VectorPolygon
            ),
            tr(
                "The communities with a subtotal per category (cat_<id>), total, upper bound, "
                "grade, provisional flag and the number of open points."
            ),
        )
        self.add_summary_outputs()

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(self.EVALUATION_STEPS, feedback)
        evaluation = self.evaluate(parameters, context, steps, feedback)
        rubric, communities, scores = evaluation.rubric, evaluation.communities, evaluation.scores
        summary = evaluation.summary
        if feedback.isCanceled():  # the last chance to stop before anything is written
            raise Cancelled()
        outputs: dict[str, Any] = {
            self.OUTPUT_TABLE: self.write_points(parameters, context, rubric, communities, scores),
            self.OUTPUT: self.write_communities(parameters, context, rubric, communities, scores),
        }
        outputs.update(self.report_summary(summary, feedback))
        return outputs

    # Writing -----------------------------------------------------------------------------

    def write_points(self, parameters, context, rubric, communities, scores) -> str:
        _fields, sink, sink_id = self.create_sink(
            parameters,
            self.OUTPUT_TABLE,
            context,
            POINT_FIELDS,
            compat.NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        sink.add_rows(point_rows(rubric, communities, scores))
        return sink_id

    def write_communities(self, parameters, context, rubric, communities, scores) -> str:
        category_fields = category_field_names(rubric)
        spec = (
            ("community_id", "string"),
            ("community_name", "string"),
            *((name, "double") for name in category_fields),
            ("total", "double"),
            ("upper_bound", "double"),
            ("grade", "string"),
            ("grade_zh", "string"),
            ("provisional", "int"),
            ("n_pending", "int"),
            ("n_no_data", "int"),
            ("vetoed_by", "string"),
        )
        source = communities.source
        _fields, sink, sink_id = self.create_sink(
            parameters, self.OUTPUT, context, spec, source.wkbType(), source.sourceCrs()
        )
        sink.add_rows(
            map(community_values, communities.ids, communities.names, scores),
            (feature.geometry() for feature in communities.features),
        )
        return sink_id


def point_rows(rubric: Rubric, communities, scores: Sequence[CommunityScore]) -> JoinedRows:
    """The long table's rows, one per community and scoring point, in field order
    (:data:`POINT_FIELDS`): each community's id and name joined to its points' values, which
    communities share (scoring reuses equal results), so each distinct part is written once."""
    # The rubric's words per point, looked up once (a city has some 100,000 rows).
    words = {
        place.point.id: (place.category.name.zh, place.item.name.zh, place.point.text)
        for place in rubric.places()
    }
    heads = list(zip(communities.ids, communities.names))
    results: List[tuple] = []
    number_of: dict = {}
    keys = []
    for head, score in enumerate(scores):
        for result in score.points:
            number = number_of.get(id(result))
            if number is None:
                number = number_of[id(result)] = len(results)
                results.append(point_values(result, words[result.point_id]))
            keys.append((head, number))
    return JoinedRows((heads, results), keys)


def point_values(result: PointResult, words) -> tuple:
    """A point's values on the long table after the community's id and name."""
    category_name, item_name, text = words
    return (
        result.category_id,
        category_name,
        result.item_id,
        item_name,
        result.point_id,
        text.zh,
        text.en,
        result.max_score,
        result.score,
        result.status,
        STATUS_ZH[result.status],
        result.method,
        result.indicator or None,
        result.indicator_value,
        result.evidence or None,
        result.assessor or None,
        result.date or None,
        int(result.veto),
    )


def community_values(community: str, name: Optional[str], score: CommunityScore) -> list:
    """The attributes of one community on the scores layer, in field order."""
    return [
        community,
        name,
        *(subtotal.score for subtotal in score.categories),
        score.total,
        score.upper_bound,
        score.grade.code,
        score.grade.name.zh,
        int(score.provisional),
        score.n_pending,
        score.n_no_data,
        ",".join(score.vetoed_by) or None,
    ]
