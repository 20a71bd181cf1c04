"""``completecommunity:rubricscore`` — every community scored against the evaluation rubric.

The algorithm reads the communities, the outputs of the two analyses (the facility-gap units
and the provision long table) and a table of manual scores, turns them into plain rows, and
lets :mod:`scoring.rubric` work out the indicators and the scores. Nothing is written until
every community has been scored, so an error or a cancel leaves no output.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional, Tuple

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsSpatialIndex,
)

from ...i18n import tr
from ...scoring.errors import Cancelled
from ...scoring.rubric import (
    MANUAL_COLUMNS,
    STATUS_NO_DATA,
    STATUS_PENDING,
    STATUS_SCORED,
    CommunityScore,
    GapRow,
    IndicatorTable,
    ManualTable,
    Rubric,
    community_key,
    compute_indicators,
    load_rubric,
    read_manual_scores,
    read_provision_rows,
    score_all,
    summarise,
)
from ...scoring.rubric.rules import format_number
from .. import compat
from ..base import BaseAlgorithm
from ..layers import describe_ids, measured_geometry, python_value, read_points

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

_MANUAL_REQUIRED = ("community_id", "point_id", "score")
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


def plain(value: Any) -> Any:
    """An attribute as plain Python: None for NULL, dates as ``datetime`` objects."""
    value = python_value(value)
    for method in ("toPyDateTime", "toPyDate", "toPyTime"):
        if hasattr(value, method):
            return getattr(value, method)()
    return value


class RubricScoreAlgorithm(BaseAlgorithm):
    ALGORITHM_ID = "rubricscore"
    DISPLAY_NAME = "Rubric scoring"
    GROUP = "Evaluation"
    GROUP_ID = "evaluation"

    COMMUNITIES = "COMMUNITIES"
    COMMUNITY_ID_FIELD = "COMMUNITY_ID_FIELD"
    COMMUNITY_NAME_FIELD = "COMMUNITY_NAME_FIELD"
    GAPS = "GAPS"
    GAP_ID_FIELD = "GAP_ID_FIELD"
    GAP_COMMUNITY_FIELD = "GAP_COMMUNITY_FIELD"
    GAP_POPULATION_FIELD = "GAP_POPULATION_FIELD"
    PROVISION = "PROVISION"
    MANUAL_SCORES = "MANUAL_SCORES"
    RUBRIC = "RUBRIC"
    STANDARD = "STANDARD"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT = "OUTPUT"
    COMMUNITIES_SCORED = "COMMUNITIES_SCORED"
    MEAN_TOTAL = "MEAN_TOTAL"
    N_PROVISIONAL = "N_PROVISIONAL"

    def initAlgorithm(self, config=None) -> None:
        self._community_parameters()
        self._analysis_parameters()
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.MANUAL_SCORES,
                tr("Manual scores"),
                [QgsProcessing.TypeVector],
                optional=True,
            ),
            tr(
                "A table (CSV, Excel sheet, GeoPackage table …) with the columns community_id, "
                "point_id, score and optionally evidence, assessor, date. An empty score means "
                "not scored yet (待评)."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.RUBRIC,
                tr("Rubric file"),
                optional=True,
                fileFilter=tr("Rubric (*.yaml *.yml *.json *.xlsx)"),
            ),
            tr("A rubric in the built-in format (YAML, JSON or Excel); the built-in when empty."),
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.STANDARD,
                tr("Facility standard file"),
                optional=True,
                fileFilter=tr("Facility standard (*.yaml *.yml *.json)"),
            ),
            tr(
                "The facility standard the analyses used; the rubric's facility types are "
                "checked against it. The built-in default when empty."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_TABLE, tr("Scores by scoring point"), QgsProcessing.TypeVector
            ),
            tr(
                "One row per community and scoring point: maximum, score (NULL while 待评 or "
                "without data), status, method, the indicator and its value, evidence."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Community scores"), QgsProcessing.TypeVectorPolygon
            ),
            tr(
                "The communities with a subtotal per category (cat_<id>), total, upper bound, "
                "grade, provisional flag and the number of open points."
            ),
        )
        self.addOutput(QgsProcessingOutputNumber(self.COMMUNITIES_SCORED, tr("Communities scored")))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_TOTAL, tr("Mean total score")))
        self.addOutput(
            QgsProcessingOutputNumber(
                self.N_PROVISIONAL, tr("Communities with a provisional total")
            )
        )

    def _community_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.COMMUNITIES, tr("Communities (社区)"), [QgsProcessing.TypeVectorPolygon]
            ),
            tr("Community (社区) polygons; every community is scored."),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.COMMUNITY_ID_FIELD,
                tr("Community id field"),
                parentLayerParameterName=self.COMMUNITIES,
            ),
            tr(
                "Field with a unique id per community; the analyses' outputs and the manual "
                "scores name communities by it."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.COMMUNITY_NAME_FIELD,
                tr("Community name field"),
                parentLayerParameterName=self.COMMUNITIES,
                optional=True,
            ),
            tr("Field with the community's name, copied into the outputs."),
        )

    def _analysis_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.GAPS,
                tr("Facility gap result (units)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint],
                optional=True,
            ),
            tr(
                "The units output of the facility gap analysis, with ok_T per facility type T; "
                "gives the coverage indicators (coverage_T)."
            ),
        )
        for name, title, help_text, numeric in (
            (
                self.GAP_ID_FIELD,
                tr("Compound id field"),
                tr("Names compounds in messages; the feature id when empty."),
                False,
            ),
            (
                self.GAP_COMMUNITY_FIELD,
                tr("Community id field on the gap result"),
                tr(
                    "The community each compound belongs to. When empty, each compound belongs "
                    "to the community polygon holding its point (a polygon's point on surface)."
                ),
                False,
            ),
            (
                self.GAP_POPULATION_FIELD,
                tr("Population field on the gap result"),
                tr("Residents per compound, to weight coverage; needed with the gap result."),
                True,
            ),
        ):
            self.add_parameter(
                QgsProcessingParameterField(
                    name,
                    title,
                    parentLayerParameterName=self.GAPS,
                    type=(
                        QgsProcessingParameterField.Numeric
                        if numeric
                        else QgsProcessingParameterField.Any
                    ),
                    optional=True,
                ),
                help_text,
            )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.PROVISION,
                tr("Provision table"),
                [QgsProcessing.TypeVector],
                optional=True,
            ),
            tr(
                "The table 'Provision by unit and facility type' of tiered provisioning; gives "
                "the has_, count_deficit_, area_deficit_ and status_ok_ indicators, population, "
                "population_in_range and types_short."
            ),
        )

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(4, feedback)
        self.check_destinations(parameters, (self.OUTPUT_TABLE, self.OUTPUT), context)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        rubric = load_rubric(
            self.parameterAsFile(parameters, self.RUBRIC, context) or None, standard
        )
        communities = self.read_communities(parameters, context, steps)

        steps.setCurrentStep(1)
        gap_rows = self.read_gaps(parameters, context, communities, steps)
        steps.setCurrentStep(2)
        provision = self.read_provision(parameters, context, steps)
        tier = standard.tiers.get("community")
        table = compute_indicators(
            communities.ids,
            gap_rows or (),
            provision or (),
            community_range=None if tier is None else (tier.population_min, tier.population_max),
        )
        self.report_indicators(parameters, context, table, rubric, gap_rows, provision, feedback)

        steps.setCurrentStep(3)
        manual = self.read_manual(parameters, context, rubric, communities.ids, feedback)
        scores = score_all(rubric, table.values, manual.scores)
        summary = summarise(scores)
        if feedback.isCanceled():  # the last chance to stop before anything is written
            raise Cancelled()
        outputs: dict[str, Any] = {
            self.OUTPUT_TABLE: self.write_points(parameters, context, rubric, communities, scores),
            self.OUTPUT: self.write_communities(parameters, context, rubric, communities, scores),
            self.COMMUNITIES_SCORED: summary.n_communities,
            self.MEAN_TOTAL: summary.mean_total,
            self.N_PROVISIONAL: summary.n_provisional,
        }
        feedback.pushInfo(
            tr(
                "{count} communities scored, mean total {mean}; {provisional} have a provisional "
                "total (points still 待评 or without data)."
            ).format(
                count=summary.n_communities,
                mean=format_number(summary.mean_total),
                provisional=summary.n_provisional,
            )
        )
        return outputs

    # Reading -----------------------------------------------------------------------------

    def read_communities(self, parameters, context, feedback) -> _Communities:
        source = self.required_source(parameters, self.COMMUNITIES, context)
        label = self.label(source, self.COMMUNITIES)
        id_field = self.parameterAsString(parameters, self.COMMUNITY_ID_FIELD, context)
        name_field = self.parameterAsString(parameters, self.COMMUNITY_NAME_FIELD, context)
        self.check_field(source, self.COMMUNITIES, id_field)
        self.check_field(source, self.COMMUNITIES, name_field)
        crs = source.sourceCrs()
        identity = QgsCoordinateTransform(crs, crs, context.transformContext())
        wanted = tuple(dict.fromkeys(name for name in (id_field, name_field) if name))
        points = read_points(source, identity, feedback, wanted, keep_features=True)
        ids = []
        for fid, value in zip(points.feature_ids, points.attributes[id_field]):
            key = community_key(plain(value))
            if not key:
                raise QgsProcessingException(
                    tr(
                        "Layer '{layer}': feature {fid} has no value in the id field '{field}'."
                    ).format(layer=label, fid=fid, field=id_field)
                )
            ids.append(key)
        names = (
            [None if plain(v) is None else str(plain(v)) for v in points.attributes[name_field]]
            if name_field
            else [None] * len(ids)
        )
        self.report_geometry(points, ids, label, feedback)
        return _Communities(source, label, ids, names, points.features, identity)

    def read_gaps(self, parameters, context, communities, feedback) -> Optional[List[GapRow]]:
        source = self.parameterAsSource(parameters, self.GAPS, context)
        if source is None:
            return None
        label = self.label(source, self.GAPS)
        codes = self.ok_codes(source, label)
        fields = {
            key: self.parameterAsString(parameters, name, context)
            for key, name in (
                ("id", self.GAP_ID_FIELD),
                ("community", self.GAP_COMMUNITY_FIELD),
                ("population", self.GAP_POPULATION_FIELD),
            )
        }
        if not fields["population"]:
            raise QgsProcessingException(
                tr(
                    "Give the population field of layer '{layer}': coverage is weighted by the "
                    "residents of each compound."
                ).format(layer=label)
            )
        self.check_field(source, self.GAPS, fields["id"])
        self.check_field(source, self.GAPS, fields["community"])
        self.check_field(source, self.GAPS, fields["population"], numeric=True)
        by_location = not fields["community"]
        transform = (
            self.transform_between(source, communities.source, context)
            if by_location
            else QgsCoordinateTransform(
                source.sourceCrs(), source.sourceCrs(), context.transformContext()
            )
        )
        names = [name for name in fields.values() if name] + [f"ok_{code}" for code in codes]
        points = read_points(source, transform, feedback, tuple(dict.fromkeys(names)))
        compound_ids = self.feature_names(points, fields["id"])
        if by_location:  # without usable geometry a compound lies in none (and is listed)
            community_of = communities.locate(points.xy)
        else:
            community_of = [plain(value) for value in points.attributes[fields["community"]]]
        population = points.attributes[fields["population"]]
        return [
            GapRow(
                compound_id=compound_ids[index],
                community_id=community_of[index],
                population=plain(population[index]),
                ok={code: plain(points.attributes[f"ok_{code}"][index]) for code in codes},
            )
            for index in range(len(compound_ids))
        ]

    def ok_codes(self, source, label: str) -> List[str]:
        """The facility types of a facility-gap output: codes T with both dist_T and ok_T."""
        names = set(source.fields().names())
        codes = [
            name[3:] for name in source.fields().names() if name.startswith("ok_") and len(name) > 3
        ]
        codes = [code for code in codes if f"dist_{code}" in names]
        if not codes:
            raise QgsProcessingException(
                tr(
                    "Layer '{layer}' has no ok_T and dist_T fields: give the units output of "
                    "the facility gap analysis."
                ).format(layer=label)
            )
        return codes

    def transform_between(self, source, target, context) -> QgsCoordinateTransform:
        for layer, name in ((source, self.GAPS), (target, self.COMMUNITIES)):
            if not layer.sourceCrs().isValid():
                raise QgsProcessingException(
                    tr(
                        "Layer '{layer}' has no valid coordinate reference system; set its CRS "
                        "first."
                    ).format(layer=self.label(layer, name))
                )
        return QgsCoordinateTransform(
            source.sourceCrs(), target.sourceCrs(), context.transformContext()
        )

    def read_provision(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.PROVISION, context)
        if source is None:
            return None
        columns = source.fields().names()
        rows = []
        for feature in source.getFeatures():
            if feedback.isCanceled():
                raise Cancelled()
            rows.append({name: plain(feature[name]) for name in columns})
        return read_provision_rows(rows, self.label(source, self.PROVISION), columns)

    def read_manual(self, parameters, context, rubric, community_ids, feedback) -> ManualTable:
        source = self.parameterAsSource(parameters, self.MANUAL_SCORES, context)
        if source is None:
            return ManualTable(())
        label = self.label(source, self.MANUAL_SCORES)
        names = source.fields().names()
        table = [{name: plain(feature[name]) for name in names} for feature in source.getFeatures()]
        by_lower = {name.lower(): name for name in names}
        if not all(column in by_lower for column in _MANUAL_REQUIRED) and table:
            # An Excel sheet whose cells are all text is read without its header row (GDAL
            # takes a header only above a row with a number): take the names from row one.
            header = {
                str(value).strip().lower(): name
                for name, value in table[0].items()
                if value is not None
            }
            if all(column in header for column in _MANUAL_REQUIRED):
                by_lower, table = header, table[1:]
        missing = [column for column in _MANUAL_REQUIRED if column not in by_lower]
        if missing:
            raise QgsProcessingException(
                tr(
                    "Table '{layer}' has no column '{column}'; a manual-score table has the "
                    "columns {columns}."
                ).format(layer=label, column=missing[0], columns=", ".join(MANUAL_COLUMNS))
            )
        present = {column: by_lower[column] for column in MANUAL_COLUMNS if column in by_lower}
        rows = [{column: row[name] for column, name in present.items()} for row in table]
        manual = read_manual_scores(rows, rubric, community_ids, source=label)
        if manual.problems:
            shown = [problem.message(tr) for problem in manual.problems]
            feedback.pushWarning(
                tr("{count} rows of the manual scores are ignored:").format(count=len(shown))
                + "\n"
                + "\n".join(shown[:20])
                + (
                    "\n" + tr("… (+{count} more)").format(count=len(shown) - 20)
                    if len(shown) > 20
                    else ""
                )
            )
        return manual

    # Reporting -------------------------------------------------------------------------

    def report_indicators(
        self, parameters, context, table: IndicatorTable, rubric, gap_rows, provision, feedback
    ) -> None:
        gaps_label = provision_label = ""
        if gap_rows is not None:
            gaps_label = self.label(self.parameterAsSource(parameters, self.GAPS, context), "")
        if provision is not None:
            provision_label = self.label(
                self.parameterAsSource(parameters, self.PROVISION, context), ""
            )
        missing = [name for name in rubric.indicators() if name not in table.available]
        if missing:
            feedback.pushWarning(
                tr(
                    "The inputs do not give {count} indicators the rubric reads, so their points "
                    "have no data and every total is provisional: {names}. Coverage comes from "
                    "the facility gap result, the other indicators from the provision table."
                ).format(count=len(missing), names=", ".join(missing))
            )
        for ids, text in (
            (
                table.unassigned_compounds,
                tr("{count} compounds of layer '{layer}' lie in no community, left out: {ids}"),
            ),
            (
                table.compounds_without_population,
                tr(
                    "{count} compounds of layer '{layer}' have no population, left out of "
                    "coverage: {ids}"
                ),
            ),
            (
                [
                    f"{compound} ({community})"
                    for community, compounds in table.compounds_elsewhere.items()
                    for compound in compounds
                ],
                tr(
                    "{count} compounds of layer '{layer}' belong to communities that are not "
                    "being scored, left out: {ids}"
                ),
            ),
            (
                table.communities_without_compounds if gap_rows is not None else (),
                tr(
                    "{count} communities have no compound in layer '{layer}'; their coverage "
                    "points have no data: {ids}"
                ),
            ),
        ):
            if ids:
                feedback.pushWarning(
                    text.format(count=len(ids), layer=gaps_label, ids=describe_ids(list(ids)))
                )
        if table.communities_not_in_provision:
            ids = table.communities_not_in_provision
            feedback.pushWarning(
                tr(
                    "{count} communities are not in the provision table '{layer}'; their "
                    "provision points have no data: {ids}"
                ).format(count=len(ids), layer=provision_label, ids=describe_ids(list(ids)))
            )
        if table.provision_communities_unknown:
            ids = table.provision_communities_unknown
            feedback.pushInfo(
                tr(
                    "The provision table '{layer}' has {count} communities that are not being "
                    "scored: {ids}"
                ).format(count=len(ids), layer=provision_label, ids=describe_ids(list(ids)))
            )

    # Writing -----------------------------------------------------------------------------

    def write_points(self, parameters, context, rubric, communities, scores) -> str:
        fields = QgsFields()
        for name, kind in POINT_FIELDS:
            fields.append(compat.new_field(name, kind))
        sink, sink_id = self.parameterAsSink(
            parameters,
            self.OUTPUT_TABLE,
            context,
            fields,
            compat.NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_TABLE))
        for community, name, score in zip(communities.ids, communities.names, scores):
            for result in score.points:
                place = rubric.place_of(result.point_id)
                feature = QgsFeature(fields)
                feature.setAttributes(
                    [
                        community,
                        name,
                        result.category_id,
                        place.category.name.zh,
                        result.item_id,
                        place.item.name.zh,
                        result.point_id,
                        place.point.text.zh,
                        place.point.text.en,
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
                    ]
                )
                sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return sink_id

    def write_communities(self, parameters, context, rubric, communities, scores) -> str:
        category_fields = category_field_names(rubric)
        fields = QgsFields()
        for name, kind in (
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
        ):
            fields.append(compat.new_field(name, kind))
        source = communities.source
        sink, sink_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for community, name, original, score in zip(
            communities.ids, communities.names, communities.features, scores
        ):
            feature = QgsFeature(fields)
            feature.setGeometry(original.geometry())
            feature.setAttributes(community_values(community, name, score))
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return sink_id


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


class _Communities:
    """The communities as read: ids (text), names, original features and, for placing
    compounds, their polygons with a spatial index."""

    def __init__(self, source, label, ids, names, features, identity) -> None:
        self.source = source
        self.label = label
        self.ids: List[str] = ids
        self.names: List[Optional[str]] = names
        self.features: List[QgsFeature] = features
        self.identity = identity
        self._polygons: Optional[Tuple[list, QgsSpatialIndex]] = None

    def locate(self, xy) -> List[Optional[str]]:
        """The community holding each point (first in layer order on a shared edge)."""
        polygons, index = self.polygons()
        found: List[Optional[str]] = []
        for x, y in xy:
            if x != x or y != y:  # NaN: no usable geometry
                found.append(None)
                continue
            point = QgsGeometry.fromPointXY(QgsPointXY(float(x), float(y)))
            hit = None
            for position in sorted(index.intersects(point.boundingBox())):
                if polygons[position] is not None and polygons[position].intersects(point):
                    hit = self.ids[position]
                    break
            found.append(hit)
        return found

    def polygons(self) -> Tuple[list, QgsSpatialIndex]:
        if self._polygons is None:
            polygons = [measured_geometry(feature, self.identity) for feature in self.features]
            index = QgsSpatialIndex()
            for position, polygon in enumerate(polygons):
                if polygon is not None:
                    index.addFeature(position, polygon.boundingBox())
            self._polygons = (polygons, index)
        return self._polygons
