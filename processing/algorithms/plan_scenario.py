"""``completecommunity:planscenario`` — what the special plan fixes: gaps before and after it.

The scenario is the facility gap analysis run twice on the same units, network and standard:
once with the existing facilities, once with the plan's projects (of the chosen statuses)
added as facilities at their locations (a polygon project at its point on surface, as the
distance convention says). It therefore takes every ``facilitygap`` parameter and writes the
``facilitygap`` outputs for the state *after* the plan — the same fields, so that the result
can go wherever a gap result goes (``rubricscore`` with it as GAPS gives the scores after the
plan) — plus two comparisons: the gaps the plan closes per unit and type, and the coverage
before and after per type.

Why an algorithm of its own rather than a PROJECTS input on ``facilitygap``: the comparison
needs both runs on one graph in one place, and a model or script asking "what does the plan
fix" gets one call with one set of outputs to read.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
)

from ...i18n import tr
from ...scoring.errors import Cancelled
from ...scoring.gap import FacilitySet, GapResult, analyse_gaps
from ...scoring.scenario import population_of_rows, type_comparisons, unit_type_changes
from .. import compat
from ..feedback import DomainFeedback
from ..layers import describe_ids
from ..plan_inputs import (
    add_plan_store_parameter,
    add_statuses_parameter,
    chosen_statuses,
    project_codes,
    project_name,
    project_points,
    read_planned_facilities,
)
from .facility_gap import REASON_TEXT, FacilityGapAlgorithm

CHANGE_FIELDS = (
    ("unit_id", "string"),
    ("type_code", "string"),
    ("name_zh", "string"),
    ("name_en", "string"),
    ("radius_m", "double"),
    ("dist_before", "double"),
    ("dist_after", "double"),
    ("time_before", "double"),
    ("time_after", "double"),
    ("ok_before", "int"),
    ("ok_after", "int"),
    ("gap_closed", "int"),
    ("population", "double"),
)

COMPARISON_FIELDS = (
    ("type_code", "string"),
    ("name_zh", "string"),
    ("name_en", "string"),
    ("radius_m", "double"),
    ("n_projects", "int"),
    ("units_covered_before", "int"),
    ("units_covered_after", "int"),
    ("gaps_closed", "int"),
    ("pop_covered_before", "double"),
    ("pop_covered_after", "double"),
    ("pop_gained", "double"),
    ("share_before", "double"),
    ("share_after", "double"),
)


class PlanScenarioAlgorithm(FacilityGapAlgorithm):
    """The facility gap analysis with the plan's projects added, and the difference they make.

    It extends ``facilitygap``: the same inputs, its OUTPUT and SUMMARY (for the state after
    the plan), and the plan store, statuses and comparison outputs on top.
    """

    ALGORITHM_ID = "planscenario"
    DISPLAY_NAME = "Plan scenario (before / after)"
    GROUP = "Analysis"
    GROUP_ID = "analysis"

    PLAN_STORE = "PLAN_STORE"
    STATUSES = "STATUSES"
    SKIP_UNLOCATED = "SKIP_UNLOCATED"
    CHANGES = "CHANGES"
    COMPARISON = "COMPARISON"

    def initAlgorithm(self, config=None) -> None:
        super().initAlgorithm(config)
        self._describe_output(
            self.OUTPUT,
            tr("Units with facility gaps after the plan"),
            tr(
                "The units as the facility gap analysis writes them (dist_T, ok_T, gaps, "
                "n_gaps), with the plan's projects counted as facilities."
            ),
        )
        self._describe_output(
            self.SUMMARY,
            tr("Coverage by facility type after the plan"),
            tr("One row per facility type, with the plan's projects counted as facilities."),
        )
        add_plan_store_parameter(
            self,
            self.PLAN_STORE,
            tr("The special plan's GeoPackage, as made by the Plan data dialog."),
        )
        add_statuses_parameter(
            self,
            self.STATUSES,
            tr(
                "Projects in these statuses are added as facilities. The default adds planned, "
                "under construction and completed projects, not the reserve."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.SKIP_UNLOCATED, tr("Leave out projects without a location"), False
            ),
            tr(
                "Without this, a project of a chosen status that has no location stops the run "
                "(leaving it out would understate what the plan fixes)."
            ),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.CHANGES,
                tr("Gaps closed by the plan"),
                compat.ProcessingSourceType.VectorAnyGeometry,
            ),
            tr(
                "One row per unit and facility type whose distance the plan shortens: distance "
                "and ok before and after, and gap_closed = 1 where the gap is closed."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.COMPARISON,
                tr("Coverage before and after the plan"),
                compat.ProcessingSourceType.Vector,
            ),
            tr("One row per facility type: units and population covered before and after."),
        )
        for name, description in (
            ("GAPS_CLOSED", tr("Gaps closed (unit × facility type)")),
            ("UNITS_IMPROVED", tr("Units with at least one gap closed")),
            ("POPULATION_NEWLY_COVERED", tr("Residents of units with a gap closed")),
            ("UNITS_WITH_GAPS_BEFORE", tr("Units with gaps before the plan")),
            ("PROJECTS_ADDED", tr("Projects added as facilities")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def _describe_output(self, name: str, description: str, help_text: str) -> None:
        definition = self.parameterDefinition(name)
        definition.setDescription(description)
        definition.setHelp(help_text)

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(6, feedback)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        store, planned = self.planned_facilities(parameters, context, feedback)
        inputs = self.read_gap_inputs(
            parameters, context, standard, steps, feedback, remember=False
        )
        project_xy = project_points(planned, store, inputs.crs, context)
        codes = project_codes(planned, standard, feedback)

        units = inputs.unit_set()
        settings = self.gap_settings(parameters, context, standard, inputs.network)
        steps.setCurrentStep(3)
        before = analyse_gaps(
            units, inputs.facility_set(), feedback=DomainFeedback(steps), **settings
        )
        self.report_reasons(before, inputs.facility_ids, feedback)

        steps.setCurrentStep(4)
        with_plan = FacilitySet(
            np.vstack([inputs.facility_xy, project_xy]),
            list(inputs.facility_codes) + codes,
            list(inputs.facility_ids) + [project_name(facility) for facility in planned],
        )
        after = analyse_gaps(units, with_plan, feedback=DomainFeedback(steps), **settings)
        self.report_projects_off_network(after, len(inputs.facility_ids), planned, feedback)

        if feedback.isCanceled():  # the last chance to stop before anything is written
            raise Cancelled()
        steps.setCurrentStep(5)
        return self.write_outputs(
            parameters, context, feedback, inputs, standard, before, after, codes
        )

    # Reading -----------------------------------------------------------------------------

    def planned_facilities(self, parameters, context, feedback):
        """The store and its projects of the chosen statuses, as facilities (store CRS)."""
        return read_planned_facilities(
            self.parameterAsFile(parameters, self.PLAN_STORE, context),
            chosen_statuses(self, parameters, self.STATUSES, context),
            self.parameterAsBoolean(parameters, self.SKIP_UNLOCATED, context),
            feedback,
        )

    @staticmethod
    def report_projects_off_network(after: GapResult, n_existing: int, planned, feedback) -> None:
        """Projects that could not join the walking network close no gap: say which."""
        for indices, reason in (
            (after.facilities_not_joined, "not_joined"),
            (after.facilities_on_island, "island"),
        ):
            names = [
                project_name(planned[index - n_existing])
                for index in indices
                if index >= n_existing
            ]
            if names:
                feedback.pushWarning(
                    tr("{count} projects {reason}: {ids}").format(
                        count=len(names), reason=tr(REASON_TEXT[reason]), ids=describe_ids(names)
                    )
                )

    # Writing -----------------------------------------------------------------------------

    def write_outputs(
        self, parameters, context, feedback, inputs, standard, before, after, codes
    ) -> dict[str, Any]:
        output_id = self.write_units(parameters, context, inputs, after, feedback)
        summary_id = self.write_summary(parameters, context, inputs, after, standard)
        changes = unit_type_changes(before, after)
        changes_id = self.write_changes(parameters, context, inputs, standard, changes)
        per_type: dict[str, int] = {}
        for code in codes:
            if code is not None:
                per_type[code] = per_type.get(code, 0) + 1
        comparisons = type_comparisons(before, after, per_type)
        comparison_id = self.write_comparison(parameters, context, standard, comparisons)
        improved = {change.row for change in changes if change.gap_closed}
        population = inputs.population[inputs.located]
        return {
            self.OUTPUT: output_id,
            self.SUMMARY: summary_id,
            self.CHANGES: changes_id,
            self.COMPARISON: comparison_id,
            "GAPS_CLOSED": sum(1 for change in changes if change.gap_closed),
            "UNITS_IMPROVED": len(improved),
            "POPULATION_NEWLY_COVERED": population_of_rows(improved, population),
            "UNITS_WITH_GAPS_BEFORE": int(np.count_nonzero(before.n_gaps > 0)),
            "UNITS_WITH_GAPS": int(np.count_nonzero(after.n_gaps > 0)),
            "UNITS_TOTAL": len(inputs.unit_ids),
            "DISTANCE_MODE": after.mode,
            "MEASURE": inputs.network.measure_name,
            "PROJECTS_ADDED": sum(1 for code in codes if code is not None),
        }

    def write_changes(self, parameters, context, inputs, standard, changes) -> str:
        units = inputs.units
        fields, sink, sink_id = self.create_sink(
            parameters, self.CHANGES, context, CHANGE_FIELDS, units.wkbType(), units.sourceCrs()
        )
        feature_of_row = np.flatnonzero(inputs.located)
        population = inputs.population[inputs.located]
        for change in changes:
            index = int(feature_of_row[change.row])
            kind = standard.type_by_code(change.code)
            people = population[change.row]
            feature = QgsFeature(fields)
            feature.setGeometry(inputs.unit_points.features[index].geometry())
            feature.setAttributes(
                [
                    str(inputs.unit_ids[index]),
                    change.code,
                    kind.name_zh,
                    kind.name_en,
                    float(kind.radius_m),
                    _metres(change.dist_before),
                    _metres(change.dist_after),
                    _minutes(change.time_before),
                    _minutes(change.time_after),
                    change.ok_before,
                    change.ok_after,
                    int(change.gap_closed),
                    None if np.isnan(people) else float(people),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def write_comparison(self, parameters, context, standard, comparisons) -> str:
        fields, sink, sink_id = self.create_sink(
            parameters,
            self.COMPARISON,
            context,
            COMPARISON_FIELDS,
            compat.NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        for row in comparisons:
            kind = standard.type_by_code(row.code)
            known = row.population_total > 0
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    row.code,
                    kind.name_zh,
                    kind.name_en,
                    float(row.radius_m),
                    row.n_projects,
                    row.units_covered_before,
                    row.units_covered_after,
                    row.gaps_closed,
                    row.population_covered_before if known else None,
                    row.population_covered_after if known else None,
                    row.population_gained if known else None,
                    round(row.population_covered_before / row.population_total, 4)
                    if known
                    else None,
                    round(row.population_covered_after / row.population_total, 4)
                    if known
                    else None,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id


def _minutes(value: float) -> Optional[float]:
    """A walking time for a field: minutes to 0.01 as ``facilitygap`` writes them, NULL for
    NaN (no facility within the cut-off, or distance measured)."""
    return None if np.isnan(value) else round(float(value), 2)


def _metres(value: float) -> Optional[float]:
    """A distance for a field: rounded to 0.1 m as ``facilitygap`` writes it, NULL for NaN."""
    return None if np.isnan(value) else round(float(value), 1)
