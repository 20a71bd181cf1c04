"""``completecommunity:tieredprovision`` — required vs existing vs shared vs deficit per
片区 / 社区 / 小区 and facility type.

The algorithm declares its parameters and runs the steps: the three tiers of units and the
facilities are read, each facility located in its unit of every tier
(``processing/provision_inputs.py``), the pairs within each type's sharing reach measured on
the walking network, in metres or walking time (``scoring.provision.measure_sharing``), the
arithmetic done by :mod:`scoring.provision`, and the outputs written
(``processing/provision_outputs.py``). Nothing is written until the arithmetic has finished,
so an error or a cancel leaves no output.

With a plan store, the plan's projects of the chosen statuses are added to the facilities
(located in units like the others, with the project's floor and land area), so that every
output describes the state after the plan; the arithmetic also runs once without them, and
PLAN_CHANGES lists the deficits the plan changes. The sharing distances are measured once for
all facilities: a facility's pairs do not depend on the other facilities, so the run without
the projects simply does not look up theirs.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Mapping, Tuple

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...i18n import tr
from ...scoring.errors import DataError
from ...scoring.provision import (
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    TOP_DOWN,
    ProvisionResult,
    ReachTable,
    Unit,
    measure_sharing,
    provision,
    summarise_tiers,
    summarise_units,
)
from ...scoring.scenario import DeficitChange, deficit_changes
from .. import compat
from ..base import BaseAlgorithm, collection_paused
from ..feedback import DomainFeedback
from ..layers import describe_ids, measuring_crs
from ..network_inputs import add_network_inputs, read_network_inputs
from ..plan_inputs import add_plan_store_parameter, add_statuses_parameter
from ..provision_inputs import (
    TIER_WORDS,
    compound_population,
    parents_of,
    plan_facilities,
    read_facilities,
    read_tier,
    report_overlaps,
)
from ..provision_outputs import (
    PLAN_CHANGE_FIELDS,
    SHARING_FIELDS,
    TABLE_FIELDS,
    plan_change_rows,
    report_result,
    sharing_rows,
    table_rows,
    write_rows,
    write_tier,
)


class TieredProvisionAlgorithm(BaseAlgorithm):
    ALGORITHM_ID = "tieredprovision"
    DISPLAY_NAME = "Tiered provisioning (district – community – compound)"
    GROUP = "Analysis"
    GROUP_ID = "analysis"

    DISTRICTS = "DISTRICTS"
    DISTRICT_ID_FIELD = "DISTRICT_ID_FIELD"
    COMMUNITIES = "COMMUNITIES"
    COMMUNITY_ID_FIELD = "COMMUNITY_ID_FIELD"
    COMMUNITY_DISTRICT_FIELD = "COMMUNITY_DISTRICT_FIELD"
    COMPOUNDS = "COMPOUNDS"
    COMPOUND_ID_FIELD = "COMPOUND_ID_FIELD"
    COMPOUND_COMMUNITY_FIELD = "COMPOUND_COMMUNITY_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    HOUSEHOLDS_FIELD = "HOUSEHOLDS_FIELD"
    PERSONS_PER_HOUSEHOLD = "PERSONS_PER_HOUSEHOLD"
    FACILITY_ID_FIELD = "FACILITY_ID_FIELD"
    FLOOR_AREA_FIELD = "FLOOR_AREA_FIELD"
    LAND_AREA_FIELD = "LAND_AREA_FIELD"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    MANDATORY_ONLY = "MANDATORY_ONLY"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    SHARING = "SHARING"
    DISTRICTS_OUTPUT = "DISTRICTS_OUTPUT"
    COMMUNITIES_OUTPUT = "COMMUNITIES_OUTPUT"
    COMPOUNDS_OUTPUT = "COMPOUNDS_OUTPUT"
    DISTRICTS_SHORT = "DISTRICTS_SHORT"
    COMMUNITIES_SHORT = "COMMUNITIES_SHORT"
    COMPOUNDS_SHORT = "COMPOUNDS_SHORT"
    DISTANCE_MODE = "DISTANCE_MODE"
    MEASURE_OUTPUT = "MEASURE"
    PLAN_STORE = "PLAN_STORE"
    PLAN_STATUSES = "PLAN_STATUSES"
    PLAN_CHANGES = "PLAN_CHANGES"
    PROJECTS_ADDED = "PROJECTS_ADDED"
    OUTPUT_STYLES: ClassVar[Mapping[str, str]] = {
        DISTRICTS_OUTPUT: "provision_units",
        COMMUNITIES_OUTPUT: "provision_units",
        COMPOUNDS_OUTPUT: "provision_units",
    }

    #: Per tier: (layer, id field, parent field, output layer, number output).
    TIER_PARAMETERS: ClassVar[Dict[str, tuple]] = {
        DISTRICT: (DISTRICTS, DISTRICT_ID_FIELD, None, DISTRICTS_OUTPUT, DISTRICTS_SHORT),
        COMMUNITY: (
            COMMUNITIES,
            COMMUNITY_ID_FIELD,
            COMMUNITY_DISTRICT_FIELD,
            COMMUNITIES_OUTPUT,
            COMMUNITIES_SHORT,
        ),
        NEIGHBOURHOOD: (
            COMPOUNDS,
            COMPOUND_ID_FIELD,
            COMPOUND_COMMUNITY_FIELD,
            COMPOUNDS_OUTPUT,
            COMPOUNDS_SHORT,
        ),
    }

    def initAlgorithm(self, config=None) -> None:
        polygons = [compat.ProcessingSourceType.VectorPolygon]
        self._unit_parameters(polygons)
        self._facility_parameters()
        self.add_standard_parameter()
        add_network_inputs(
            self,
            tr(
                "Walkable lines, for the distance within which a facility may be shared with a "
                "neighbouring unit. Without a network that distance is straight-line."
            ),
            tr(
                "Units and facilities farther than this from every network line are not joined "
                "to it and take part in no sharing (they still count in their own unit)."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.MANDATORY_ONLY,
                tr("Count only mandatory types (应配建) as shortfalls"),
                defaultValue=True,
            ),
            tr(
                "When checked, the totals on the unit layers and the numbers of units short "
                "consider only the types the standard says must be provided; the long table "
                "always lists every type."
            ),
            advanced=True,
        )
        self._plan_parameters()
        self._output_parameters()

    def _plan_parameters(self) -> None:
        add_plan_store_parameter(
            self,
            self.PLAN_STORE,
            tr(
                "Optional: the special plan's GeoPackage. Its projects of the chosen statuses "
                "are added as facilities, so every output describes the state after the plan, "
                "and the plan changes output compares the deficits before and after."
            ),
            optional=True,
        )
        add_statuses_parameter(
            self,
            self.PLAN_STATUSES,
            tr(
                "With a plan store, projects in these statuses are added as facilities. The "
                "default adds planned, under construction and completed projects, not the "
                "reserve."
            ),
        )

    def _unit_parameters(self, polygons) -> None:
        for layer, id_field, title, help_text in (
            (
                self.DISTRICTS,
                self.DISTRICT_ID_FIELD,
                tr("Districts (片区)"),
                tr("District (片区) polygons, the 10/15-minute life circles."),
            ),
            (
                self.COMMUNITIES,
                self.COMMUNITY_ID_FIELD,
                tr("Communities (社区)"),
                tr("Community (社区) polygons."),
            ),
            (
                self.COMPOUNDS,
                self.COMPOUND_ID_FIELD,
                tr("Compounds (小区)"),
                tr("Residential compound (小区) polygons; they carry the population."),
            ),
        ):
            self.add_parameter(
                QgsProcessingParameterFeatureSource(layer, title, polygons), help_text
            )
            self.add_parameter(
                QgsProcessingParameterField(
                    id_field,
                    tr("Id field of {layer}").format(layer=title),
                    parentLayerParameterName=layer,
                ),
                tr(
                    "Field with a unique id per unit; it names the unit in every output and "
                    "message."
                ),
            )
            if layer == self.COMMUNITIES:
                self._parent_parameter(
                    self.COMMUNITY_DISTRICT_FIELD,
                    tr("District id field on communities"),
                    self.COMMUNITIES,
                )
            if layer == self.COMPOUNDS:
                self._parent_parameter(
                    self.COMPOUND_COMMUNITY_FIELD,
                    tr("Community id field on compounds"),
                    self.COMPOUNDS,
                )
        self.add_parameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                tr("Population field"),
                parentLayerParameterName=self.COMPOUNDS,
                type=compat.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            ),
            tr(
                "Residents per compound. Communities and districts get the sums of their "
                "compounds. Give this or the households field."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.HOUSEHOLDS_FIELD,
                tr("Households field"),
                parentLayerParameterName=self.COMPOUNDS,
                type=compat.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            ),
            tr("Households per compound, used when no population field is given."),
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.PERSONS_PER_HOUSEHOLD,
                tr("Persons per household"),
                compat.ProcessingNumberParameterType.Double,
                defaultValue=2.62,
                minValue=0.0,
            ),
            tr("Population = households × this factor (only with the households field)."),
        )

    def _parent_parameter(self, name: str, title: str, layer: str) -> None:
        self.add_parameter(
            QgsProcessingParameterField(name, title, parentLayerParameterName=layer, optional=True),
            tr(
                "The id of the unit of the tier above that each unit belongs to. When empty, "
                "each unit belongs to the unit above it overlaps most; units overlapping none "
                "are reported."
            ),
        )

    def _facility_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.FACILITIES,
                tr("Facilities"),
                [
                    compat.ProcessingSourceType.VectorPolygon,
                    compat.ProcessingSourceType.VectorPoint,
                ],
            ),
            tr(
                "Facility points or polygons of every type in one layer. A facility lies in the "
                "unit that holds its point (a polygon's point on surface)."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.FACILITY_ID_FIELD,
                tr("Facility id field"),
                parentLayerParameterName=self.FACILITIES,
                optional=True,
            ),
            tr("Field with a unique id per facility for the outputs; the feature id when empty."),
        )
        self.add_type_field_parameter()
        for name, title in (
            (self.FLOOR_AREA_FIELD, tr("Floor area field (m²)")),
            (self.LAND_AREA_FIELD, tr("Land area field (m²)")),
            (self.CAPACITY_FIELD, tr("Capacity field")),
        ):
            self.add_parameter(
                QgsProcessingParameterField(
                    name, title, parentLayerParameterName=self.FACILITIES, optional=True
                ),
                tr(
                    "Numbers (or text holding plain numbers) per facility; NULL means unknown. "
                    "Without this field the area is unknown and no area deficit is computed."
                ),
            )

    def _output_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_TABLE,
                tr("Provision by unit and facility type"),
                compat.ProcessingSourceType.Vector,
            ),
            tr(
                "One row per unit and facility type of its tier: required, own, shared and "
                "missing counts and areas, status and the facilities used."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.SHARING, tr("Shared facilities"), compat.ProcessingSourceType.Vector
            ),
            tr(
                "One row per facility and unit it serves: the share of the facility and the "
                "floor and land area apportioned to that unit."
            ),
        )
        for name, title in (
            (self.DISTRICTS_OUTPUT, tr("Districts with shortfalls")),
            (self.COMMUNITIES_OUTPUT, tr("Communities with shortfalls")),
            (self.COMPOUNDS_OUTPUT, tr("Compounds with shortfalls")),
        ):
            self.add_parameter(
                QgsProcessingParameterFeatureSink(
                    name, title, compat.ProcessingSourceType.VectorPolygon
                ),
                tr(
                    "The units of one tier with def_T (facilities missing) per type T, the total, "
                    "the types missing or short of area, population and size flag."
                ),
            )
        for name, title in (
            (self.DISTRICTS_SHORT, tr("Districts short of a facility")),
            (self.COMMUNITIES_SHORT, tr("Communities short of a facility")),
            (self.COMPOUNDS_SHORT, tr("Compounds short of a facility")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, title))
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.PLAN_CHANGES,
                tr("Deficits changed by the plan"),
                compat.ProcessingSourceType.Vector,
                optional=True,
                createByDefault=False,
            ),
            tr(
                "With a plan store: one row per unit and facility type whose deficit the plan "
                "changes, with the deficit count, floor-area deficit and status before and after "
                "the plan and the projects the unit counts. Empty without a plan store."
            ),
        )
        self.addOutput(QgsProcessingOutputString(self.DISTANCE_MODE, tr("Distance mode")))
        self.addOutput(QgsProcessingOutputString(self.MEASURE_OUTPUT, tr("Measure")))
        self.addOutput(
            QgsProcessingOutputNumber(self.PROJECTS_ADDED, tr("Projects added as facilities"))
        )

    # ---------------------------------------------------------------------------------

    @collection_paused()
    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(7, feedback)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        compounds = self.required_source(parameters, self.COMPOUNDS, context)
        crs = measuring_crs(compounds, self.label(compounds, self.COMPOUNDS), context, feedback)
        population_fields = self.population_fields(parameters, context)
        tiers = {}
        for number, tier in enumerate(TOP_DOWN):
            steps.setCurrentStep(number)
            extra = population_fields if tier == NEIGHBOURHOOD else ()
            tiers[tier] = read_tier(self, parameters, context, steps, tier, crs, extra)
        units = self.units(parameters, context, tiers, feedback)

        steps.setCurrentStep(3)
        facilities, facility_xy, field_names = read_facilities(
            self, parameters, context, steps, crs, standard, tiers
        )
        plan = plan_facilities(
            self, parameters, context, standard, tiers, crs, facilities, feedback
        )
        existing = facilities
        if plan is not None:
            facilities = existing + plan.facilities
            facility_xy = np.vstack([facility_xy, plan.xy])

        steps.setCurrentStep(4)
        network = read_network_inputs(self, parameters, context, crs, steps, feedback)
        steps.setCurrentStep(5)
        reach = self.sharing(standard, tiers, facilities, facility_xy, network, feedback)

        steps.setCurrentStep(6)
        before = None  # the state without the plan, only needed for the comparison
        if plan is not None and parameters.get(self.PLAN_CHANGES):
            before = self.run_domain(
                standard, units, existing, reach, field_names, steps, network.measure
            )
        result = self.run_domain(
            standard, units, facilities, reach, field_names, steps, network.measure
        )
        report_result(result, feedback)
        return self.write_outputs(
            parameters,
            context,
            feedback,
            standard,
            tiers,
            facilities,
            network,
            plan,
            before,
            result,
        )

    def population_fields(self, parameters, context) -> Tuple[str, ...]:
        population = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        households = self.parameterAsString(parameters, self.HOUSEHOLDS_FIELD, context)
        if not population and not households:
            raise QgsProcessingException(
                tr("Give the compounds' population field or their households field.")
            )
        return (population,) if population else (households,)

    def units(self, parameters, context, tiers, feedback) -> List[Unit]:
        """The units of every tier with their parents and (compounds) population."""
        population = compound_population(self, parameters, context, tiers[NEIGHBOURHOOD])
        parents = {
            tier: parents_of(self, parameters, context, tiers, tier, feedback)
            for tier in (COMMUNITY, NEIGHBOURHOOD)
        }
        for tier in TOP_DOWN:
            report_overlaps(tiers[tier], feedback)
        return [
            Unit(
                uid,
                tier,
                parents.get(tier, {}).get(uid),
                population.get(uid) if tier == NEIGHBOURHOOD else None,
            )
            for tier in TOP_DOWN
            for uid in tiers[tier].ids
        ]

    @staticmethod
    def sharing(standard, tiers, facilities, facility_xy, network, feedback) -> ReachTable:
        """The (facility, unit) pairs within the sharing reach of the facility's type, per
        tier, walked from the unit to the facility, with what could not take part said."""
        found = measure_sharing(
            standard,
            {tier: layer.points.xy for tier, layer in tiers.items()},
            {tier: layer.ids for tier, layer in tiers.items()},
            facility_xy,
            [facility.id for facility in facilities],
            [facility.type_code for facility in facilities],
            network.graph,
            network.snap_tolerance,
            network.measure,
        )
        for tier in TOP_DOWN:
            missing = found.units_not_joined.get(tier)
            if missing:
                feedback.pushWarning(
                    tr(
                        "{count} {units} are farther than the snap tolerance from the walking "
                        "network and can share no neighbour's facility: {ids}"
                    ).format(
                        count=len(missing), units=tr(TIER_WORDS[tier]), ids=describe_ids(missing)
                    )
                )
        if found.facilities_not_joined:
            feedback.pushWarning(
                tr(
                    "{count} facilities are farther than the snap tolerance from the walking "
                    "network and are shared with no other unit: {ids}"
                ).format(
                    count=len(found.facilities_not_joined),
                    ids=describe_ids(found.facilities_not_joined),
                )
            )
        return found.table

    @staticmethod
    def run_domain(
        standard, units, facilities, reach, field_names, steps, measure
    ) -> ProvisionResult:
        """:func:`provision`, with the user's field name in messages about amount fields."""
        try:
            return provision(
                standard, units, facilities, reach, DomainFeedback(steps), measure=measure
            )
        except DataError as error:
            named = field_names.get(error.values.get("field", ""))
            if named:
                raise DataError(error.template, **{**error.values, "field": named}) from None
            raise

    def write_outputs(
        self,
        parameters,
        context,
        feedback,
        standard,
        tiers,
        facilities,
        network,
        plan,
        before,
        result,
    ) -> dict[str, Any]:
        modes = [network.route_mode, network.measure_name]
        mandatory_only = self.parameterAsBool(parameters, self.MANDATORY_ONLY, context)
        summaries = summarise_units(result, mandatory_only=mandatory_only)
        outputs: dict[str, Any] = {
            self.DISTANCE_MODE: network.route_mode,
            self.MEASURE_OUTPUT: network.measure_name,
            self.PROJECTS_ADDED: 0 if plan is None else len(plan.facilities),
        }
        outputs[self.OUTPUT_TABLE] = self.write_table(
            parameters, context, table_rows(result, standard, modes)
        )
        outputs[self.SHARING] = self.write_sharing(
            parameters, context, sharing_rows(result, facilities, modes)
        )
        short = {summary.tier: summary.n_units_short for summary in summarise_tiers(summaries)}
        for tier in TOP_DOWN:
            _layer, _id, _parent, output_name, short_name = self.TIER_PARAMETERS[tier]
            outputs[output_name] = write_tier(
                self, parameters, context, tiers[tier], standard, summaries, output_name
            )
            outputs[short_name] = short.get(tier, 0)
        changes: List[DeficitChange] = []
        if plan is not None and before is not None:
            changes = deficit_changes(before.rows, result.rows, set(plan.names))
            feedback.pushInfo(
                tr(
                    "{count} unit × facility type deficits change with the plan (before and "
                    "after in the plan changes output)."
                ).format(count=len(changes))
            )
        outputs[self.PLAN_CHANGES] = None
        if parameters.get(self.PLAN_CHANGES):  # empty without a plan store
            names = {} if plan is None else plan.names
            outputs[self.PLAN_CHANGES] = write_rows(
                self,
                parameters,
                context,
                self.PLAN_CHANGES,
                PLAN_CHANGE_FIELDS,
                plan_change_rows(standard, changes, names),
            )
        return outputs

    def write_table(self, parameters, context, rows) -> str:
        return write_rows(self, parameters, context, self.OUTPUT_TABLE, TABLE_FIELDS, rows)

    def write_sharing(self, parameters, context, rows) -> str:
        return write_rows(self, parameters, context, self.SHARING, SHARING_FIELDS, rows)
