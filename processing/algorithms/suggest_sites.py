"""``completecommunity:suggestsites`` — where k new facilities of one type serve the most
people not yet served (or the fewest sites that reach a target share), proven best.

The algorithm reads the facility gap inputs (it extends ``facilitygap``'s reading), the
candidates, and hands plain arrays to :func:`..scoring.siting.suggest_sites`; it then writes the
chosen sites, every compound's status and the coverage curve, and optionally files the sites
as reserve projects in a plan store. Nothing is written until the choice is made.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from qgis.core import (
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...i18n import tr
from ...scoring.errors import Cancelled
from ...scoring.siting import SiteRequest, check_request, suggest_sites
from .. import compat
from ..feedback import DomainFeedback
from ..network_inputs import NETWORK
from ..plan_inputs import add_plan_store_parameter
from ..siting_inputs import CandidatesRead, proposed_candidates, read_candidate_layer, site_lines
from ..siting_outputs import SiteReport
from .facility_gap import FacilityGapAlgorithm


class SuggestSitesAlgorithm(FacilityGapAlgorithm):
    """Site suggestion on top of the facility gap analysis's inputs and reading."""

    ALGORITHM_ID = "suggestsites"
    DISPLAY_NAME = "Suggest sites for new facilities"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    OUTPUT_STYLES: ClassVar[Mapping[str, str]] = {
        "OUTPUT": "suggested_sites",
        "UNITS_OUTPUT": "siting_units",
    }

    FACILITY_TYPE = "FACILITY_TYPE"
    CANDIDATES = "CANDIDATES"
    CANDIDATE_ID_FIELD = "CANDIDATE_ID_FIELD"
    SITES = "SITES"
    TARGET_SHARE = "TARGET_SHARE"
    TIME_LIMIT = "TIME_LIMIT"
    CANDIDATE_SPACING = "CANDIDATE_SPACING"
    CANDIDATE_EXCLUDE = "CANDIDATE_EXCLUDE"
    CURVE_SITES = "CURVE_SITES"
    COMMUNITY_FIELD = "COMMUNITY_FIELD"
    PLAN_STORE = "PLAN_STORE"
    UNITS_OUTPUT = "UNITS_OUTPUT"
    CURVE = "CURVE"

    def initAlgorithm(self, config=None) -> None:
        self.add_gap_inputs()
        number = QgsProcessingParameterNumber
        self.add_parameter(
            QgsProcessingParameterString(self.FACILITY_TYPE, tr("Facility type")),
            tr(
                "The type of the new facilities: a type code of the standard (e.g. "
                "kindergarten), or its Chinese or English name."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.CANDIDATES,
                tr("Candidate sites"),
                [
                    compat.ProcessingSourceType.VectorPoint,
                    compat.ProcessingSourceType.VectorPolygon,
                ],
                optional=True,
            ),
            tr(
                "Possible sites as points or polygons (a polygon at its point on surface; "
                "polygons below the type's minimum land area are skipped). Without a layer, "
                "sites are proposed along the walking network."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.CANDIDATE_ID_FIELD,
                tr("Candidate id field"),
                parentLayerParameterName=self.CANDIDATES,
                optional=True,
            ),
            tr("Field naming each candidate (unique); the feature id when empty."),
        )
        self.add_parameter(
            number(
                self.SITES,
                tr("Number of new sites"),
                compat.ProcessingNumberParameterType.Integer,
                1,
                minValue=0,
            ),
            tr("How many sites to choose (maximal coverage). Ignored with a target share."),
        )
        self.add_parameter(
            number(
                self.TARGET_SHARE,
                tr("Target share covered"),
                compat.ProcessingNumberParameterType.Double,
                None,
                True,
            ),
            tr(
                "Instead of a number of sites: the fewest sites that bring the type's coverage "
                "to this share of all residents (e.g. 0.9). Compounds no candidate reaches are "
                "set aside and listed; the target is lowered to what the candidates can reach."
            ),
        )
        self.add_parameter(
            number(
                self.TIME_LIMIT,
                tr("Time limit (seconds)"),
                compat.ProcessingNumberParameterType.Double,
                60.0,
                minValue=0.0,
            ),
            tr(
                "How long the exact solver may search for the proven best answer (all of the "
                "run's solving together). Past it, the best answer found is kept and labelled "
                "with its remaining gap; 0 answers with the greedy method alone."
            ),
        )
        self.add_parameter(
            number(
                self.CANDIDATE_SPACING,
                tr("Candidate spacing (metres)"),
                compat.ProcessingNumberParameterType.Double,
                100.0,
                minValue=1.0,
            ),
            tr(
                "Without a candidate layer: sites are proposed along the walking network about "
                "this far apart, within reach of compounds not served."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterExpression(
                self.CANDIDATE_EXCLUDE,
                tr("Lines without sites"),
                parentLayerParameterName=NETWORK,
                optional=True,
            ),
            tr(
                "Without a candidate layer: network lines where no site is proposed. Empty: "
                "OSM motorways, trunk roads, lines under construction and other unwalkable "
                "highway values, bridges and tunnels (by the fields the layer has)."
            ),
            advanced=True,
        )
        self.add_parameter(
            number(
                self.CURVE_SITES,
                tr("Coverage curve up to (sites)"),
                compat.ProcessingNumberParameterType.Integer,
                0,
                minValue=0,
            ),
            tr("Extend the coverage curve to this many sites; 0: as many as chosen."),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.COMMUNITY_FIELD,
                tr("Community id field of the units"),
                parentLayerParameterName=self.UNITS,
                optional=True,
            ),
            tr(
                "With a plan store: each suggested site is filed under the community of the "
                "residents it newly serves."
            ),
        )
        add_plan_store_parameter(
            self,
            self.PLAN_STORE,
            tr(
                "Optional: the chosen sites are added to this plan store as reserve (储备) "
                "projects of the type, for planscenario, tieredprovision and exportworkbook."
            ),
            optional=True,
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Suggested sites")),
            tr(
                "One feature per chosen site in the order of what it adds: rank, candidate_id, "
                "pop_gained, pop_cumulative, units_gained, unit_ids …"
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.UNITS_OUTPUT, tr("Units with their status")),
            tr(
                "Every unit: covered before, newly covered by which site, still not covered, "
                "or unreachable from every candidate."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.CURVE, tr("Coverage curve"), compat.ProcessingSourceType.Vector
            ),
            tr(
                "People covered with k = 0, 1 … K new sites, and whether each figure is proven "
                "best."
            ),
        )
        self.addOutput(QgsProcessingOutputNumber("POP_GAINED", tr("People newly covered")))
        self.addOutput(QgsProcessingOutputBoolean("OPTIMAL", tr("Proven best")))
        self.addOutput(QgsProcessingOutputNumber("SITES_CHOSEN", tr("Sites chosen")))
        self.addOutput(QgsProcessingOutputNumber("GAP", tr("Remaining gap to the best possible")))
        self.addOutput(QgsProcessingOutputString("METHOD", tr("Method")))
        self.addOutput(QgsProcessingOutputNumber("SHARE_BEFORE", tr("Share covered before")))
        self.addOutput(QgsProcessingOutputNumber("SHARE_AFTER", tr("Share covered after")))
        self.addOutput(
            QgsProcessingOutputNumber("PROJECTS_ADDED", tr("Projects added to the plan store"))
        )

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(6, feedback)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        kind = self.facility_type(parameters, context, standard)
        request = self.site_request(parameters, context, standard, kind)
        report = SiteReport(self, parameters, context, feedback, standard, kind)
        report.open_plan_store()
        inputs = self.read_gap_inputs(parameters, context, standard, steps, feedback)
        steps.setCurrentStep(3)
        candidates = self.candidates(parameters, context, inputs, kind, feedback)
        steps.setCurrentStep(4)
        suggestion = suggest_sites(
            inputs.unit_set(),
            inputs.facility_set(),
            request,
            inputs.network.graph,
            inputs.network.snap_tolerance,
            self.parameterAsDouble(parameters, self.MAX_DISTANCE, context),
            candidates.domain_input(),
            feedback=DomainFeedback(steps),
            measure=inputs.network.measure,  # metres or walking time (DESIGN §4b)
        )
        report.log(suggestion)
        projects = report.plan_projects(suggestion, inputs, candidates)
        if feedback.isCanceled():  # the last chance to stop before anything is written
            raise Cancelled()
        steps.setCurrentStep(5)
        results = report.write(suggestion, inputs, candidates)
        results["PROJECTS_ADDED"] = 0

        def save_projects() -> None:  # with the outputs: if it is refused, they are put back
            results["PROJECTS_ADDED"] = report.save_projects(projects)

        self.when_outputs_in_place(save_projects)
        return results

    # Reading -----------------------------------------------------------------------------

    def facility_type(self, parameters, context, standard):
        """The standard's type named by FACILITY_TYPE (a code or any of its names)."""
        value = self.parameterAsString(parameters, self.FACILITY_TYPE, context).strip()
        code = standard.match_type(value) if value else None
        if code is None:
            raise QgsProcessingException(
                tr(
                    "Facility type '{value}' is not in the standard; use one of its type codes: "
                    "{codes}"
                ).format(value=value, codes=", ".join(standard.codes()))
            )
        return standard.type_by_code(code)

    def site_request(self, parameters, context, standard, kind) -> SiteRequest:
        """The request, checked before any layer is read (bad numbers stop the run at once)."""
        share = parameters.get(self.TARGET_SHARE)
        given = share is not None and str(share).strip() not in ("", "None")
        request = SiteRequest(
            facility_type=kind,
            satisfiers=standard.satisfiers(kind.code)[1:],
            sites=self.parameterAsInt(parameters, self.SITES, context),
            target_share=self.parameterAsDouble(parameters, self.TARGET_SHARE, context)
            if given
            else None,
            time_limit=self.parameterAsDouble(parameters, self.TIME_LIMIT, context),
            curve_sites=self.parameterAsInt(parameters, self.CURVE_SITES, context),
        )
        check_request(request)
        return request

    def candidates(self, parameters, context, inputs, kind, feedback) -> CandidatesRead:
        """The candidate layer read, or the sites to propose along the walking network."""
        source = self.parameterAsSource(parameters, self.CANDIDATES, context)
        if source is not None:
            if source.featureCount() == 0:
                raise QgsProcessingException(
                    tr("Layer '{layer}' is empty: there are no candidate sites.").format(
                        layer=self.label(source, self.CANDIDATES)
                    )
                )
            return read_candidate_layer(
                self,
                source,
                self.parameterAsString(parameters, self.CANDIDATE_ID_FIELD, context),
                inputs.crs,
                kind.land_area.min_m2 if kind.land_area is not None else None,
                context,
                feedback,
            )
        if inputs.network.graph is None:
            raise QgsProcessingException(
                tr(
                    "Without a candidate layer, sites are proposed along the walking network: "
                    "give a walking network or a layer of candidate sites."
                )
            )
        lines = site_lines(
            self,
            self.parameterAsSource(parameters, NETWORK, context),
            inputs.crs,
            self.parameterAsExpression(parameters, self.CANDIDATE_EXCLUDE, context),
            context,
            feedback,
        )
        spacing = self.parameterAsDouble(parameters, self.CANDIDATE_SPACING, context)
        return proposed_candidates(inputs.network.graph, lines, spacing, feedback)
