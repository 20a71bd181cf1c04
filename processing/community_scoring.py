"""What every algorithm that scores communities shares: its inputs, and reading them.

``rubricscore`` writes the scores as layers and ``exportworkbook`` writes them as the
evaluation workbook; both score the communities from the same inputs — the communities, the
outputs of the two analyses, manual scores, the rubric and the standard — in the same way.
:class:`CommunityScoringAlgorithm` declares those parameters and turns them into an
:class:`Evaluation` (the plain rows read and the scores worked out by :mod:`scoring.rubric`),
so that the two algorithms cannot drift apart and each keeps only its own outputs.

Manual scores come from a table, or from an evaluation workbook whose forms were filled in
(the round trip: read by :func:`scoring.workbook.read_manual_scores_from_workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProviderRegistry,
    QgsSpatialIndex,
)

from ..i18n import tr
from ..scoring.errors import Cancelled
from ..scoring.rubric import (
    MANUAL_COLUMNS,
    PROVISION_COLUMNS,
    CommunityScore,
    GapColumns,
    IndicatorTable,
    ManualTable,
    ProvisionColumns,
    Rubric,
    ScoreSummary,
    community_key,
    compute_indicators,
    load_rubric,
    read_manual_scores,
    read_provision_columns,
    score_all,
    summarise,
)
from ..scoring.rubric.rules import format_number
from ..scoring.standard import FacilityStandard
from ..scoring.workbook import is_evaluation_workbook, read_manual_scores_from_workbook
from . import compat
from .base import BaseAlgorithm, collection_paused
from .layers import describe_ids, measured_geometry, read_points
from .table_reading import Table, plain, read_table

_MANUAL_REQUIRED = ("community_id", "point_id", "score")
#: Warnings list at most this many rows or cells, then say how many more.
_SHOWN = 20


def text_or_none(value: Any) -> Optional[str]:
    value = plain(value)
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------------
# What is read
# --------------------------------------------------------------------------------------------


class Communities:
    """The communities as read: ids (text), names, original features and, for placing
    compounds, their polygons with a spatial index."""

    def __init__(self, source, label, ids, names, features, identity, attributes) -> None:
        self.source = source
        self.label = label
        self.ids: List[str] = ids
        self.names: List[Optional[str]] = names
        self.features: List[QgsFeature] = features
        self.identity = identity
        #: Further attributes asked for, by field name, in the order of ``ids``.
        self.attributes: Dict[str, List[Any]] = attributes
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


@dataclass
class Evaluation:
    """Everything a scoring run read and worked out, for the algorithm to write out.

    ``provision_table`` is the provision table as read (its columns), ``provision`` the same
    columns checked and typed for the indicators.
    """

    standard: FacilityStandard
    rubric: Rubric
    communities: Communities
    gaps: Optional[GapColumns]
    provision_table: Optional[Table]
    provision: Optional[ProvisionColumns]
    table: IndicatorTable
    manual: ManualTable
    scores: List[CommunityScore]
    summary: ScoreSummary


def indicator_table(
    standard: FacilityStandard,
    communities: Communities,
    gaps: Optional[GapColumns],
    provision: Optional[ProvisionColumns],
) -> IndicatorTable:
    """The communities' indicators from what was read (also used to score them again with
    another gap result, e.g. the one after the plan)."""
    tier = standard.tiers.get("community")
    return compute_indicators(
        communities.ids,
        gaps.rows() if gaps is not None else (),
        provision,
        community_range=None if tier is None else (tier.population_min, tier.population_max),
    )


# --------------------------------------------------------------------------------------------
# The algorithm base
# --------------------------------------------------------------------------------------------


class CommunityScoringAlgorithm(BaseAlgorithm):
    """Declares the scoring inputs (:meth:`add_scoring_parameters`) and reads them into an
    :class:`Evaluation` (:meth:`evaluate`); subclasses add their outputs and write them."""

    COMMUNITIES = "COMMUNITIES"
    COMMUNITY_ID_FIELD = "COMMUNITY_ID_FIELD"
    COMMUNITY_NAME_FIELD = "COMMUNITY_NAME_FIELD"
    GAPS = "GAPS"
    GAP_ID_FIELD = "GAP_ID_FIELD"
    GAP_COMMUNITY_FIELD = "GAP_COMMUNITY_FIELD"
    GAP_POPULATION_FIELD = "GAP_POPULATION_FIELD"
    PROVISION = "PROVISION"
    MANUAL_SCORES = "MANUAL_SCORES"

    COMMUNITIES_SCORED = "COMMUNITIES_SCORED"
    MEAN_TOTAL = "MEAN_TOTAL"
    N_PROVISIONAL = "N_PROVISIONAL"

    #: Steps :meth:`evaluate` takes of a multi-step feedback.
    EVALUATION_STEPS = 4
    #: Whether :meth:`read_gaps` reads the distance (and time) to the nearest facility of each
    #: type, ``dist_T`` and ``time_T``: the workbook's gap list shows them; the scores read
    #: only the ``ok_T`` flags (half the gap result's columns).
    READS_NEAREST = True
    #: Columns of the provision table read beyond the indicators' (:data:`PROVISION_COLUMNS`):
    #: the workbook's deficit list shows ``required_count``; the scores read none.
    PROVISION_EXTRA: Tuple[str, ...] = ()

    def processAlgorithm(self, parameters, context, feedback) -> dict[str, Any]:
        """The run with Python's cyclic garbage collector paused
        (:func:`.base.collection_paused`): it reads, scores and writes a city's rows, and drops
        them when it returns."""
        with collection_paused():
            return super().processAlgorithm(parameters, context, feedback)

    # Parameters ------------------------------------------------------------------------

    def add_scoring_parameters(self, after_communities: Sequence[Any] = ()) -> None:
        """The inputs of scoring; ``after_communities`` are (parameter, help) pairs that go
        right after the community fields, where a dialog shows them best."""
        self._community_parameters()
        for parameter, help_text in after_communities:
            self.add_parameter(parameter, help_text)
        self._analysis_parameters()
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.MANUAL_SCORES,
                tr("Manual scores"),
                [compat.ProcessingSourceType.Vector],
                optional=True,
            ),
            tr(
                "A table (CSV, Excel sheet, GeoPackage table …) with the columns community_id, "
                "point_id, score and optionally evidence, assessor, date. An empty score means "
                "not scored yet (待评). An evaluation workbook written by 'Export evaluation "
                "workbook' whose yellow manual cells were filled in is read as well."
            ),
        )
        self.add_rubric_parameter(
            tr("A rubric in the built-in format (YAML, JSON or Excel); the built-in when empty.")
        )
        self.add_standard_parameter(
            tr(
                "The facility standard the analyses used; the rubric's facility types are "
                "checked against it. The built-in default when empty."
            )
        )

    def add_summary_outputs(self) -> None:
        """The numbers every scoring algorithm returns, filled in by :meth:`report_summary`."""
        self.addOutput(QgsProcessingOutputNumber(self.COMMUNITIES_SCORED, tr("Communities scored")))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_TOTAL, tr("Mean total score")))
        self.addOutput(
            QgsProcessingOutputNumber(
                self.N_PROVISIONAL, tr("Communities with a provisional total")
            )
        )

    def report_summary(self, summary: ScoreSummary, feedback) -> dict[str, Any]:
        """Say how the scoring went, and return the outputs of :meth:`add_summary_outputs`."""
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
        return {
            self.COMMUNITIES_SCORED: summary.n_communities,
            self.MEAN_TOTAL: summary.mean_total,
            self.N_PROVISIONAL: summary.n_provisional,
        }

    def _community_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.COMMUNITIES,
                tr("Communities (社区)"),
                [compat.ProcessingSourceType.VectorPolygon],
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
                [
                    compat.ProcessingSourceType.VectorPolygon,
                    compat.ProcessingSourceType.VectorPoint,
                ],
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
                        compat.ProcessingFieldParameterDataType.Numeric
                        if numeric
                        else compat.ProcessingFieldParameterDataType.Any
                    ),
                    optional=True,
                ),
                help_text,
            )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.PROVISION,
                tr("Provision table"),
                [compat.ProcessingSourceType.Vector],
                optional=True,
            ),
            tr(
                "The table 'Provision by unit and facility type' of tiered provisioning; gives "
                "the has_, count_deficit_, area_deficit_ and status_ok_ indicators, population, "
                "population_in_range and types_short."
            ),
        )

    # Scoring ---------------------------------------------------------------------------

    def evaluate(
        self,
        parameters,
        context,
        steps,
        feedback,
        community_fields: Sequence[str] = (),
        gap_name_field: str = "",
    ) -> Evaluation:
        """Read the inputs and score every community; uses steps 0 to 3 of ``steps``.

        ``community_fields`` are further fields of the communities to read (checked first);
        ``gap_name_field`` a field of the gap result naming each compound.
        """
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        rubric = load_rubric(
            self.parameterAsFile(parameters, self.RUBRIC, context) or None, standard
        )
        communities = self.read_communities(parameters, context, steps, community_fields)

        steps.setCurrentStep(1)
        gaps = self.read_gaps(parameters, context, communities, steps, gap_name_field)
        steps.setCurrentStep(2)
        provision_table, provision = self.read_provision(parameters, context, steps)
        table = indicator_table(standard, communities, gaps, provision)
        self.report_indicators(parameters, context, table, rubric, gaps, provision, feedback)

        steps.setCurrentStep(3)
        manual = self.read_manual(parameters, context, rubric, communities.ids, feedback)
        scores = score_all(rubric, table.values, manual.scores)
        return Evaluation(
            standard=standard,
            rubric=rubric,
            communities=communities,
            gaps=gaps,
            provision_table=provision_table,
            provision=provision,
            table=table,
            manual=manual,
            scores=scores,
            summary=summarise(scores),
        )

    # Reading -----------------------------------------------------------------------------

    def read_communities(
        self, parameters, context, feedback, extra_fields: Sequence[str] = ()
    ) -> Communities:
        source = self.required_source(parameters, self.COMMUNITIES, context)
        label = self.label(source, self.COMMUNITIES)
        id_field = self.parameterAsString(parameters, self.COMMUNITY_ID_FIELD, context)
        name_field = self.parameterAsString(parameters, self.COMMUNITY_NAME_FIELD, context)
        for name in (id_field, name_field, *extra_fields):
            self.check_field(source, self.COMMUNITIES, name)
        crs = source.sourceCrs()
        identity = QgsCoordinateTransform(crs, crs, context.transformContext())
        wanted = tuple(
            dict.fromkeys(name for name in (id_field, name_field, *extra_fields) if name)
        )
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
            [text_or_none(value) for value in points.attributes[name_field]]
            if name_field
            else [None] * len(ids)
        )
        self.report_geometry(points, ids, label, feedback)
        extra = {name: [plain(v) for v in points.attributes[name]] for name in extra_fields if name}
        return Communities(source, label, ids, names, points.features, identity, extra)

    def read_gaps(
        self, parameters, context, communities, feedback, name_field: str = ""
    ) -> Optional[GapColumns]:
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
        self.check_field(source, self.GAPS, name_field)
        by_location = not fields["community"]
        names = [name for name in (*fields.values(), name_field) if name]
        names += [f"ok_{code}" for code in codes]
        if self.READS_NEAREST:
            present = source.fields().names()
            names += [f"dist_{code}" for code in codes]
            names += [f"time_{code}" for code in codes if f"time_{code}" in present]
        names = list(dict.fromkeys(names))
        if by_location:  # without usable geometry a compound lies in none (and is listed)
            transform = self.transform_between(source, communities.source, context)
            table = read_points(source, transform, feedback, tuple(names))
            community_of = communities.locate(table.xy)
        else:
            table = self.read_attributes(parameters, self.GAPS, context, source, names, feedback)
            community_of = table.attributes[fields["community"]]
        values = table.attributes
        return GapColumns(
            label=label,
            codes=codes,
            compound_ids=self.feature_names(table, fields["id"]),
            community_ids=community_of,
            population=values[fields["population"]],
            ok={code: values[f"ok_{code}"] for code in codes},
            distances={code: values[f"dist_{code}"] for code in codes if f"dist_{code}" in values},
            names=(
                [text_or_none(value) for value in values[name_field]]
                if name_field
                else [None] * len(table.feature_ids)
            ),
            times={code: values[f"time_{code}"] for code in codes if f"time_{code}" in values},
        )

    def read_attributes(self, parameters, name: str, context, source, fields, feedback) -> Table:
        """The named fields of an input in bulk (straight from a GeoPackage or CSV file when
        it is one, see :mod:`.table_reading`)."""
        definition = parameters.get(name)
        layer = self.parameterAsVectorLayer(parameters, name, context)
        return read_table(source, fields, feedback, definition, layer)

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

    def read_provision(
        self, parameters, context, feedback
    ) -> Tuple[Optional[Table], Optional[ProvisionColumns]]:
        """The provision table's columns as read, and the same checked and typed for the
        indicators (None, None without one)."""
        source = self.parameterAsSource(parameters, self.PROVISION, context)
        if source is None:
            return None, None
        label = self.label(source, self.PROVISION)
        columns = source.fields().names()
        for column in PROVISION_COLUMNS:  # the table given is the provision table
            if column not in columns:
                read_provision_columns({name: () for name in columns}, label)
        wanted = [name for name in (*PROVISION_COLUMNS, *self.PROVISION_EXTRA) if name in columns]
        table = self.read_attributes(parameters, self.PROVISION, context, source, wanted, feedback)
        if feedback.isCanceled():
            raise Cancelled()
        return table, read_provision_columns(table.attributes, label)

    def read_manual(self, parameters, context, rubric, community_ids, feedback) -> ManualTable:
        """Manual scores from a table, or from the filled-in forms of an evaluation workbook."""
        workbook = self.manual_workbook(parameters, context)
        if workbook is not None:
            label = workbook.name
            rows = self.workbook_manual_rows(workbook, rubric, feedback)
        else:
            source = self.parameterAsSource(parameters, self.MANUAL_SCORES, context)
            if source is None:
                return ManualTable(())
            label = self.label(source, self.MANUAL_SCORES)
            rows = self.table_manual_rows(source, label)
        manual = read_manual_scores(rows, rubric, community_ids, source=label)
        if manual.problems:
            self.warn_list(
                feedback,
                tr("{count} rows of the manual scores are ignored:").format(
                    count=len(manual.problems)
                ),
                [problem.message(tr) for problem in manual.problems],
            )
        return manual

    def manual_workbook(self, parameters, context) -> Optional[Path]:
        """The evaluation workbook given as manual scores, or None for a plain table.

        A workbook is recognised by its evaluation forms (the hidden community_id and point_id
        columns the export writes), not by its name, so that a plain sheet of manual scores in
        an .xlsx is still read as a table.
        """
        if parameters.get(self.MANUAL_SCORES) in (None, ""):
            return None
        layer = self.parameterAsVectorLayer(parameters, self.MANUAL_SCORES, context)
        if layer is None:
            return None
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
        path = Path(parts.get("path") or layer.source().split("|", 1)[0])
        if path.suffix.lower() != ".xlsx" or not path.is_file():
            return None
        return path if is_evaluation_workbook(path) else None

    def workbook_manual_rows(self, path: Path, rubric, feedback) -> List[Dict[str, Any]]:
        """The manual scores of a filled-in workbook as table rows; cells changed that are not
        read back (computed scores, formulas, unknown points) are listed as warnings."""
        found = read_manual_scores_from_workbook(path, rubric)
        feedback.pushInfo(
            tr("Manual scores read from the evaluation forms of workbook {file}: {count}.").format(
                file=str(path), count=len(found.scores)
            )
        )
        if found.edited:
            self.warn_list(
                feedback,
                tr("{count} cells of the workbook were changed but are not read back:").format(
                    count=len(found.edited)
                ),
                [cell.problem().message(tr) for cell in found.edited],
            )
        return [
            {
                "community_id": score.community_id,
                "point_id": score.point_id,
                "score": score.score,
                "evidence": score.evidence,
                "assessor": score.assessor,
                "date": score.date,
            }
            for score in found.scores
        ]

    def table_manual_rows(self, source, label: str) -> List[Dict[str, Any]]:
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
        return [{column: row[name] for column, name in present.items()} for row in table]

    @staticmethod
    def warn_list(feedback, heading: str, lines: List[str]) -> None:
        """One warning: a heading and the first lines, then how many more there are."""
        more = (
            "\n" + tr("… (+{count} more)").format(count=len(lines) - _SHOWN)
            if len(lines) > _SHOWN
            else ""
        )
        feedback.pushWarning(heading + "\n" + "\n".join(lines[:_SHOWN]) + more)

    # Reporting -------------------------------------------------------------------------

    def report_indicators(
        self, parameters, context, table: IndicatorTable, rubric, gaps, provision, feedback
    ) -> None:
        gaps_label = gaps.label if gaps is not None else ""
        provision_label = ""
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
                table.communities_without_compounds if gaps is not None else (),
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
