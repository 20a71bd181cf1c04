"""``completecommunity:tieredprovision`` — required vs existing vs shared vs deficit per
片区 / 社区 / 小区 and facility type.

The algorithm reads the three tiers of units and the facilities, works out which unit each
facility lies in and which units each facility could be shared with (walking or straight-line
distance within the type's sharing reach), hands plain records to :mod:`scoring.provision` and
writes what it returns. Nothing is written until the arithmetic has finished, so an error or a
cancel leaves no output.

With a plan store, the plan's projects of the chosen statuses are added to the facilities
(located in units like the others, with the project's floor and land area), so that every
output describes the state after the plan; the arithmetic also runs once without them, and
PLAN_CHANGES lists the deficits the plan changes. The sharing distances are computed once for
all facilities: a facility's pairs do not depend on the other facilities, so the run without
the projects simply does not look up theirs.

Sharing distances are measured from a facility's representative point to a unit's
representative point (DESIGN §4), only for the pairs that can matter: a straight-line search
first keeps the pairs within the largest reach of the tier (walking is never shorter than the
straight line), then one bounded network search runs for each group of units lying more than
twice that reach apart, so that no facility can be within reach of two units of one group.
That keeps the number of searches near the number of units in one reach-sized neighbourhood
(tens), not the number of units (thousands) or facilities (tens of thousands).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsSpatialIndex,
)

from ...i18n import tr
from ...scoring.errors import N_, DataError
from ...scoring.network import snap_points
from ...scoring.network.reach import reach_pairs
from ...scoring.plan import PlannedFacility
from ...scoring.provision import (
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    PARENT_TIER,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    SIZE_IN_RANGE,
    TOP_DOWN,
    Facility,
    ProvisionResult,
    ReachTable,
    Unit,
    assign_parents,
    is_assessed,
    overlapping_units,
    provision,
    share_reach_by_type,
    status_label,
    summarise_tiers,
    summarise_units,
)
from ...scoring.scenario import DeficitChange, deficit_changes
from .. import compat
from ..base import BaseAlgorithm
from ..feedback import DomainFeedback
from ..layers import (
    PointsRead,
    describe_ids,
    measured_geometry,
    measuring_crs,
    numeric_or_none,
    python_value,
    read_points,
    transform_to,
)
from ..network_inputs import add_network_inputs, read_network_inputs
from ..plan_inputs import (
    add_plan_store_parameter,
    add_statuses_parameter,
    chosen_statuses,
    project_codes,
    project_name,
    project_points,
    read_planned_facilities,
)

#: Overlaps of this many m² or less are digitising noise or shared edges, not overlaps.
MIN_OVERLAP_M2 = 1.0

#: How messages name the units of each tier.
TIER_WORDS = {
    DISTRICT: N_("districts (片区)"),
    COMMUNITY: N_("communities (社区)"),
    NEIGHBOURHOOD: N_("compounds (小区)"),
}

#: The long table, one row per unit and facility type of its tier.
TABLE_FIELDS = (
    ("tier", "string"),
    ("unit_id", "string"),
    ("parent_id", "string"),
    ("population", "double"),
    ("type_code", "string"),
    ("type_name", "string"),
    ("mandatory", "int"),
    ("required_count", "int"),
    ("own_count", "int"),
    ("shared_count", "int"),
    ("deficit_count", "int"),
    ("req_floor_area", "double"),
    ("exist_floor_area", "double"),
    ("deficit_floor_area", "double"),
    ("req_land_area", "double"),
    ("exist_land_area", "double"),
    ("deficit_land_area", "double"),
    ("exist_capacity", "double"),
    ("status", "string"),
    ("status_zh", "string"),
    ("provision_status", "string"),
    ("size_flag", "string"),
    ("flags", "string"),
    ("own_ids", "string"),
    ("shared_ids", "string"),
    ("route_mode", "string"),
    ("measure", "string"),
)

#: The sharing ledger, one row per facility and unit it serves for one requirement type.
SHARING_FIELDS = (
    ("tier", "string"),
    ("type_code", "string"),
    ("facility_id", "string"),
    ("facility_type", "string"),
    ("from_unit", "string"),
    ("to_unit", "string"),
    ("own", "int"),
    ("distance", "double"),
    ("walk_min", "double"),
    ("population", "double"),
    ("share", "double"),
    ("floor_area", "double"),
    ("land_area", "double"),
    ("capacity", "double"),
    ("route_mode", "string"),
    ("measure", "string"),
)

#: The deficits the plan changes, one row per unit and facility type of its tier.
PLAN_CHANGE_FIELDS = (
    ("tier", "string"),
    ("unit_id", "string"),
    ("type_code", "string"),
    ("type_name", "string"),
    ("deficit_count_before", "int"),
    ("deficit_count_after", "int"),
    ("deficit_floor_area_before", "double"),
    ("deficit_floor_area_after", "double"),
    ("status_before", "string"),
    ("status_after", "string"),
    ("status_zh_before", "string"),
    ("status_zh_after", "string"),
    ("project_ids", "string"),
    ("project_names", "string"),
)


@dataclass
class _PlanFacilities:
    """The plan's projects as facilities of this run, with their points (measuring CRS)."""

    facilities: List[Facility]
    xy: np.ndarray
    names: Dict[str, str]


@dataclass
class _TierLayer:
    """One tier's units: ids, representative points and polygons in the measuring CRS."""

    tier: str
    source: Any
    label: str
    points: PointsRead
    ids: List[str]
    geometries: List[Optional[QgsGeometry]]
    index: QgsSpatialIndex = field(default_factory=QgsSpatialIndex)
    engines: List[Any] = field(default_factory=list)

    def build_index(self) -> None:
        """The bounding-box index, and one prepared GEOS geometry per unit: unprepared, a
        district of fifty compounds is converted to GEOS again for every facility tested
        against it, which took most of a city run."""
        self.engines = []
        for position, geometry in enumerate(self.geometries):
            engine = None
            if geometry is not None:
                self.index.addFeature(position, geometry.boundingBox())
                engine = QgsGeometry.createGeometryEngine(geometry.constGet())
                engine.prepareGeometry()
            self.engines.append(engine)

    def unit_at(self, point: QgsGeometry) -> Optional[str]:
        """The first unit (input order) whose polygon holds ``point``, boundary included."""
        for position in sorted(self.index.intersects(point.boundingBox())):
            if self.engines[position].intersects(point.constGet()):
                return self.ids[position]
        return None


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

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(7, feedback)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        compounds = self.required_source(parameters, self.COMPOUNDS, context)
        crs = measuring_crs(compounds, self.label(compounds, self.COMPOUNDS), context, feedback)
        tiers = {tier: self.read_tier(parameters, context, steps, tier, crs) for tier in TOP_DOWN}
        population = self.compound_population(parameters, context, tiers[NEIGHBOURHOOD])
        parents = {
            tier: self.parents_of(parameters, context, tiers, tier, feedback)
            for tier in (COMMUNITY, NEIGHBOURHOOD)
        }
        for tier in TOP_DOWN:
            self.report_overlaps(tiers[tier], feedback)
        units = [
            Unit(
                uid,
                tier,
                parents.get(tier, {}).get(uid),
                population.get(uid) if tier == NEIGHBOURHOOD else None,
            )
            for tier in TOP_DOWN
            for uid in tiers[tier].ids
        ]

        steps.setCurrentStep(3)
        facilities, facility_xy, field_names = self.read_facilities(
            parameters, context, steps, crs, standard, tiers, feedback
        )
        plan = self.plan_facilities(parameters, context, standard, tiers, crs, facilities, feedback)
        existing = facilities
        if plan is not None:
            facilities = existing + plan.facilities
            facility_xy = np.vstack([facility_xy, plan.xy])

        steps.setCurrentStep(4)
        network = read_network_inputs(self, parameters, context, crs, steps, feedback)
        mode = network.route_mode

        steps.setCurrentStep(5)
        reach, reach_metres = self.reach_table(
            standard, tiers, facilities, facility_xy, network, feedback
        )

        steps.setCurrentStep(6)
        before = None  # the state without the plan, only needed for the comparison
        if plan is not None and parameters.get(self.PLAN_CHANGES):
            before = self.run_domain(
                standard, units, existing, reach, field_names, steps, network.measure
            )
        result = self.run_domain(
            standard, units, facilities, reach, field_names, steps, network.measure
        )
        self.report_result(result, tiers, feedback)

        mandatory_only = self.parameterAsBool(parameters, self.MANDATORY_ONLY, context)
        summaries = summarise_units(result, mandatory_only=mandatory_only)
        outputs: dict[str, Any] = {self.DISTANCE_MODE: mode}
        modes = [mode, network.measure_name]
        outputs[self.MEASURE_OUTPUT] = network.measure_name
        outputs[self.OUTPUT_TABLE] = self.write_table(parameters, context, result, standard, modes)
        outputs[self.SHARING] = self.write_sharing(
            parameters, context, result, facilities, modes, reach_metres
        )
        for tier in TOP_DOWN:
            _layer, _id, _parent, output_name, _short = self.TIER_PARAMETERS[tier]
            outputs[output_name] = self.write_tier(
                parameters, context, tiers[tier], standard, summaries, output_name
            )
        short = {summary.tier: summary.n_units_short for summary in summarise_tiers(summaries)}
        for tier in TOP_DOWN:
            outputs[self.TIER_PARAMETERS[tier][4]] = short.get(tier, 0)
        changes: List[DeficitChange] = []
        if plan is not None and before is not None:
            changes = deficit_changes(before.rows, result.rows, set(plan.names))
            feedback.pushInfo(
                tr(
                    "{count} unit × facility type deficits change with the plan (before and "
                    "after in the plan changes output)."
                ).format(count=len(changes))
            )
        outputs[self.PLAN_CHANGES] = self.write_plan_changes(
            parameters, context, standard, changes, plan
        )
        outputs[self.PROJECTS_ADDED] = 0 if plan is None else len(plan.facilities)
        return outputs

    # Reading units -----------------------------------------------------------------------

    def read_tier(self, parameters, context, steps, tier: str, crs) -> _TierLayer:
        layer_name, id_parameter, parent_parameter, _output, _short = self.TIER_PARAMETERS[tier]
        source = self.required_source(parameters, layer_name, context)
        label = self.label(source, layer_name)
        id_field = self.parameterAsString(parameters, id_parameter, context)
        parent_field = (
            self.parameterAsString(parameters, parent_parameter, context)
            if parent_parameter
            else ""
        )
        self.check_field(source, layer_name, id_field)
        self.check_field(source, layer_name, parent_field)
        extra = (self.population_fields(parameters, context)) if tier == NEIGHBOURHOOD else ()
        for name in extra:
            self.check_field(source, layer_name, name, numeric=True)
        steps.setCurrentStep(TOP_DOWN.index(tier))
        transform = transform_to(source, crs, label, context, steps)
        points = read_points(
            source,
            transform,
            steps,
            tuple(name for name in (id_field, parent_field, *extra) if name),
            keep_features=True,
        )
        ids = []
        for fid, value in zip(points.feature_ids, points.attributes[id_field]):
            text = id_text(value)
            if text is None:
                raise QgsProcessingException(
                    tr(
                        "Layer '{layer}': feature {fid} has no value in the id field '{field}'."
                    ).format(layer=label, fid=fid, field=id_field)
                )
            ids.append(text)
        self.report_geometry(points, ids, label, steps)
        geometries = [measured_geometry(feature, transform) for feature in points.features]
        layer = _TierLayer(tier, source, label, points, ids, geometries)
        layer.build_index()
        return layer

    def population_fields(self, parameters, context) -> Tuple[str, ...]:
        population = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        households = self.parameterAsString(parameters, self.HOUSEHOLDS_FIELD, context)
        if not population and not households:
            raise QgsProcessingException(
                tr("Give the compounds' population field or their households field.")
            )
        return (population,) if population else (households,)

    def compound_population(self, parameters, context, compounds: _TierLayer) -> Dict[str, Any]:
        """Population per compound id; NULL stays None (the domain names the compound)."""
        population_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        if population_field:
            values = compounds.points.attributes[population_field]
            return {uid: python_value(value) for uid, value in zip(compounds.ids, values)}
        households_field = self.parameterAsString(parameters, self.HOUSEHOLDS_FIELD, context)
        factor = self.parameterAsDouble(parameters, self.PERSONS_PER_HOUSEHOLD, context)
        population = {}
        for uid, value in zip(compounds.ids, compounds.points.attributes[households_field]):
            households = numeric_or_none(python_value(value))
            population[uid] = None if households is None else households * factor
        return population

    def parents_of(self, parameters, context, tiers, tier: str, feedback) -> Dict[str, Any]:
        """Each unit's parent: from the parent-id field, else by largest overlap."""
        parent_parameter = self.TIER_PARAMETERS[tier][2]
        parent_field = self.parameterAsString(parameters, parent_parameter, context)
        children, parents = tiers[tier], tiers[PARENT_TIER[tier]]
        if parent_field:
            values = children.points.attributes[parent_field]
            return {uid: id_text(value) for uid, value in zip(children.ids, values)}
        assignment = assign_parents(
            children.ids, overlap_areas(children, parents), min_overlap_m2=MIN_OVERLAP_M2
        )
        words = {"units": tr(TIER_WORDS[tier]), "parents": tr(TIER_WORDS[parents.tier])}
        if assignment.straddling:
            feedback.pushInfo(
                tr(
                    "{count} {units} overlap several {parents}; each belongs to the one it "
                    "overlaps most: {ids}"
                ).format(
                    count=len(assignment.straddling),
                    ids=describe_ids([item.unit_id for item in assignment.straddling]),
                    **words,
                )
            )
        if assignment.ties:
            feedback.pushWarning(
                tr(
                    "{count} {units} overlap two {parents} equally; the first in the layer was "
                    "taken, check them: {ids}"
                ).format(
                    count=len(assignment.ties), ids=describe_ids(list(assignment.ties)), **words
                )
            )
        return dict(assignment.parent_of)

    def report_overlaps(self, layer: _TierLayer, feedback) -> None:
        found = overlapping_units(self_overlaps(layer), min_overlap_m2=MIN_OVERLAP_M2)
        if found:
            pairs = [
                f"{item.first_id} / {item.second_id} ({item.area_m2:.0f} m²)" for item in found
            ]
            feedback.pushWarning(
                tr(
                    "{count} pairs of {units} overlap; a facility in both counts for the first "
                    "one only: {pairs}"
                ).format(
                    count=len(found), units=tr(TIER_WORDS[layer.tier]), pairs=describe_ids(pairs)
                )
            )

    # Reading facilities ------------------------------------------------------------------

    def read_facilities(self, parameters, context, steps, crs, standard, tiers, feedback):
        """Facilities with their type code and unit per tier, their points, and the user's
        field name for each of the domain's amount fields (to name it in messages)."""
        source = self.required_source(parameters, self.FACILITIES, context)
        label = self.label(source, self.FACILITIES)
        names = {
            key: self.parameterAsString(parameters, parameter, context)
            for key, parameter in (
                ("id", self.FACILITY_ID_FIELD),
                ("type", self.TYPE_FIELD),
                ("floor_area", self.FLOOR_AREA_FIELD),
                ("land_area", self.LAND_AREA_FIELD),
                ("capacity", self.CAPACITY_FIELD),
            )
        }
        for name in names.values():
            self.check_field(source, self.FACILITIES, name)
        wanted = tuple(dict.fromkeys(name for name in names.values() if name))
        points = read_points(
            source, transform_to(source, crs, label, context, feedback), steps, wanted
        )
        ids = self.feature_names(points, names["id"])
        self.report_geometry(points, ids, label, feedback)
        codes, unknown = standard.classify(
            [python_value(value) for value in points.attributes[names["type"]]]
        )
        self.report_unknown_types(unknown, names["type"], feedback)

        def amount(key: str, position: int) -> Any:
            return python_value(points.attributes[names[key]][position]) if names[key] else None

        facilities, located = [], []
        for position, (x, y) in enumerate(points.xy):
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            inside = units_at(tiers, float(x), float(y))
            facilities.append(
                Facility(
                    id=ids[position],
                    type_code=codes[position],
                    district_id=inside[DISTRICT],
                    community_id=inside[COMMUNITY],
                    neighbourhood_id=inside[NEIGHBOURHOOD],
                    floor_area=amount("floor_area", position),
                    land_area=amount("land_area", position),
                    capacity=amount("capacity", position),
                )
            )
            located.append(position)
        field_names = {key: names[key] for key in ("floor_area", "land_area", "capacity")}
        return facilities, points.xy[np.asarray(located, dtype=int)].reshape(-1, 2), field_names

    # The plan's projects -----------------------------------------------------------------

    def plan_facilities(
        self, parameters, context, standard, tiers, crs, existing, feedback
    ) -> Optional[_PlanFacilities]:
        """The plan's projects of the chosen statuses as facilities, or None without a store.

        A project is located in units like any facility (its point, a polygon's point on
        surface), with the project's floor and land area and no capacity; projects of a type
        the standard does not know are left out (and listed).
        """
        path = self.parameterAsFile(parameters, self.PLAN_STORE, context)
        if not path:
            return None
        statuses = chosen_statuses(self, parameters, self.PLAN_STATUSES, context)
        store, planned = read_planned_facilities(path, statuses, False, feedback)
        points = project_points(planned, store, crs, context)
        codes = project_codes(planned, standard, feedback)
        kept = [row for row, code in enumerate(codes) if code is not None]
        self.check_project_ids([planned[row] for row in kept], existing)
        facilities = []
        for row in kept:
            project = planned[row]
            x, y = (float(value) for value in points[row])
            inside = units_at(tiers, x, y)
            facilities.append(
                Facility(
                    id=project.id,
                    type_code=codes[row],
                    district_id=inside[DISTRICT],
                    community_id=inside[COMMUNITY],
                    neighbourhood_id=inside[NEIGHBOURHOOD],
                    floor_area=project.floor_area,
                    land_area=project.land_area,
                )
            )
        feedback.pushInfo(
            tr(
                "The outputs describe the state AFTER the plan: {count} projects are counted "
                "as facilities. The plan changes output compares the deficits before and after."
            ).format(count=len(facilities))
        )
        return _PlanFacilities(
            facilities,
            points[np.asarray(kept, dtype=int)].reshape(-1, 2),
            {planned[row].id: project_name(planned[row]) for row in kept},
        )

    @staticmethod
    def check_project_ids(projects: List[PlannedFacility], existing: List[Facility]) -> None:
        """Refuse projects whose id is also an existing facility's: the sharing distances and
        the outputs name facilities by id, so the two would be taken for one."""
        taken = {str(facility.id) for facility in existing}
        clashing = [project.id for project in projects if project.id in taken]
        if clashing:
            raise QgsProcessingException(
                tr(
                    "Projects whose id is also the id of an existing facility: {ids}. Choose "
                    "another facility id field or rename those facilities."
                ).format(ids=describe_ids(clashing))
            )

    # Distances for sharing ---------------------------------------------------------------

    def reach_table(self, standard, tiers, facilities, facility_xy, network, feedback):
        """The (facility, unit) pairs within the sharing reach of the facility's type, per
        tier, walked from the unit to the facility: the table of their costs (metres, or
        seconds in walking time) and, per (tier, facility, unit), the metres walked."""
        reach_by_type = share_reach_by_type(standard, network.measure)
        codes = [facility.type_code for facility in facilities]
        graph = network.graph
        snap = network.snap_tolerance
        facility_snaps = None if graph is None else snap_points(graph, facility_xy, snap)
        table = ReachTable()
        metres: Dict[Tuple[str, Any, Any], float] = {}
        for tier in TOP_DOWN:
            layer = tiers[tier]
            reach = np.array(
                [reach_by_type.get(code, {}).get(tier, np.nan) for code in codes], dtype=float
            )
            if not np.isfinite(reach).any() or not len(layer.points.xy):
                continue
            unit_snaps = None if graph is None else snap_points(graph, layer.points.xy, snap)
            pairs = reach_pairs(
                graph,
                network.measure,
                layer.points.xy,
                unit_snaps,
                facility_xy,
                facility_snaps,
                reach,
            )
            if unit_snaps is not None:
                self.report_not_joined(layer, unit_snaps, feedback)
            for u, f, cost, length in zip(
                pairs.unit_index.tolist(),
                pairs.facility_index.tolist(),
                pairs.cost.tolist(),
                pairs.length.tolist(),
            ):
                table.add(tier, facilities[f].id, layer.ids[u], cost)
                metres[(tier, facilities[f].id, layer.ids[u])] = length
        if facility_snaps is not None:
            not_joined = [
                facility.id
                for facility, joined in zip(facilities, facility_snaps.joined)
                if not joined and facility.type_code in reach_by_type
            ]
            if not_joined:
                feedback.pushWarning(
                    tr(
                        "{count} facilities are farther than the snap tolerance from the walking "
                        "network and are shared with no other unit: {ids}"
                    ).format(count=len(not_joined), ids=describe_ids(not_joined))
                )
        return table, metres

    @staticmethod
    def report_not_joined(layer: _TierLayer, snaps, feedback) -> None:
        missing = [uid for uid, joined in zip(layer.ids, snaps.joined.tolist()) if not joined]
        if missing:
            feedback.pushWarning(
                tr(
                    "{count} {units} are farther than the snap tolerance from the walking "
                    "network and can share no neighbour's facility: {ids}"
                ).format(
                    count=len(missing), units=tr(TIER_WORDS[layer.tier]), ids=describe_ids(missing)
                )
            )

    # The arithmetic ----------------------------------------------------------------------

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

    @staticmethod
    def report_result(result: ProvisionResult, tiers, feedback) -> None:
        for tier in TOP_DOWN:
            orphans = result.rollup.orphans[tier]
            if orphans:
                feedback.pushWarning(
                    tr(
                        "{count} {units} belong to none of the {parents}; their population "
                        "({population}) is in no higher unit: {ids}"
                    ).format(
                        count=len(orphans),
                        units=tr(TIER_WORDS[tier]),
                        parents=tr(TIER_WORDS[PARENT_TIER[tier]]),
                        population=round(result.rollup.unassigned_population[tier]),
                        ids=describe_ids(list(orphans)),
                    )
                )
            flagged = [
                uid for uid, flag in result.size_flags[tier].items() if flag != SIZE_IN_RANGE
            ]
            if flagged:
                feedback.pushInfo(
                    tr(
                        "{count} {units} have a population outside the standard's range for "
                        "their tier (status 规模不符): {ids}"
                    ).format(
                        count=len(flagged), units=tr(TIER_WORDS[tier]), ids=describe_ids(flagged)
                    )
                )
        outside = [
            item.facility_id
            for item in result.unused_facilities
            if item.reason == REASON_OUTSIDE_UNITS
        ]
        if outside:
            feedback.pushWarning(
                tr("{count} facilities lie outside every unit and serve none: {ids}").format(
                    count=len(outside), ids=describe_ids(outside)
                )
            )
        not_assessed = [
            item.facility_id
            for item in result.unused_facilities
            if item.reason == REASON_NOT_ASSESSED
        ]
        if not_assessed:
            feedback.pushInfo(
                tr(
                    "{count} facilities are of types with no count or area rule (coverage only) "
                    "and are not counted here: {ids}"
                ).format(count=len(not_assessed), ids=describe_ids(not_assessed))
            )

    # Writing -----------------------------------------------------------------------------

    def table_sink(self, parameters, context, name: str, spec):
        """A sink without geometry for output ``name``, with the fields of ``spec``."""
        fields, sink, sink_id = self.create_sink(
            parameters, name, context, spec, compat.NO_GEOMETRY, QgsCoordinateReferenceSystem()
        )
        return sink, sink_id, fields

    def write_table(self, parameters, context, result, standard, modes) -> str:
        sink, sink_id, fields = self.table_sink(
            parameters, context, self.OUTPUT_TABLE, TABLE_FIELDS
        )
        for row in result.rows:
            kind = standard.type_by_code(row.type_code)
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    row.tier,
                    str(row.unit_id),
                    none_or_text(row.parent_id),
                    row.population,
                    row.type_code,
                    kind.name_zh,
                    int(row.mandatory),
                    row.required_count,
                    row.own_count,
                    row.shared_count,
                    row.deficit_count,
                    row.required_floor_area,
                    row.existing_floor_area,
                    row.deficit_floor_area,
                    row.required_land_area,
                    row.existing_land_area,
                    row.deficit_land_area,
                    row.existing_capacity,
                    row.status,
                    status_label(row.status, "zh"),
                    row.provision_status,
                    row.size_flag,
                    ",".join(row.flags),
                    ",".join(str(fid) for fid in row.own_facility_ids),
                    ",".join(str(fid) for fid in row.shared_facility_ids),
                    *modes,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def write_sharing(self, parameters, context, result, facilities, modes, metres) -> str:
        """The sharing ledger: ``distance`` the metres of the walk from the unit to the
        facility, and with walking time ``walk_min`` its minutes (the reach table's cost)."""
        sink, sink_id, fields = self.table_sink(parameters, context, self.SHARING, SHARING_FIELDS)
        by_id = {facility.id: facility for facility in facilities}
        timed = modes[1] == "walking_time"
        for item in result.allocations:
            walked = (item.tier, item.facility_id, item.unit_id)
            distance = metres.get(walked) if item.distance is not None else None
            minutes = item.distance / 60.0 if timed and item.distance is not None else None
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    item.tier,
                    item.type_code,
                    str(item.facility_id),
                    item.facility_type,
                    none_or_text(by_id[item.facility_id].unit_in(item.tier)),
                    str(item.unit_id),
                    int(item.own),
                    distance,
                    minutes,
                    item.population,
                    item.share,
                    item.floor_area,
                    item.land_area,
                    item.capacity,
                    *modes,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def write_plan_changes(
        self, parameters, context, standard, changes, plan: Optional[_PlanFacilities]
    ) -> Optional[str]:
        """The PLAN_CHANGES table when it is asked for (empty without a plan store)."""
        if not parameters.get(self.PLAN_CHANGES):
            return None
        sink, sink_id, fields = self.table_sink(
            parameters, context, self.PLAN_CHANGES, PLAN_CHANGE_FIELDS
        )
        names = {} if plan is None else plan.names
        for change in changes:
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    change.tier,
                    str(change.unit_id),
                    change.type_code,
                    standard.type_by_code(change.type_code).name_zh,
                    change.deficit_count_before,
                    change.deficit_count_after,
                    change.deficit_floor_area_before,
                    change.deficit_floor_area_after,
                    change.status_before,
                    change.status_after,
                    status_label(change.status_before, "zh"),
                    status_label(change.status_after, "zh"),
                    ",".join(change.project_ids),
                    ",".join(names.get(pid, pid) for pid in change.project_ids),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def write_tier(self, parameters, context, layer: _TierLayer, standard, summaries, name) -> str:
        codes = [kind.code for kind in standard.types_for_tier(layer.tier) if is_assessed(kind)]
        spec = (
            ("unit_id", "string"),
            ("parent_id", "string"),
            ("population", "double"),
            ("size_flag", "string"),
            *((f"def_{code}", "int") for code in codes),
            ("total_def", "int"),
            ("n_missing", "int"),
            ("n_area_short", "int"),
            ("missing", "string"),
            ("area_short", "string"),
            ("short_any", "int"),
            ("status", "string"),
            ("status_zh", "string"),
        )
        source = layer.source
        fields, sink, sink_id = self.create_sink(
            parameters, name, context, spec, source.wkbType(), source.sourceCrs()
        )
        of_tier = {s.unit_id: s for s in summaries if s.tier == layer.tier}
        for uid, original in zip(layer.ids, layer.points.features):
            summary = of_tier[uid]
            feature = QgsFeature(fields)
            feature.setGeometry(original.geometry())
            feature.setAttributes(
                [
                    uid,
                    none_or_text(summary.parent_id),
                    summary.population,
                    summary.size_flag,
                    *[summary.deficit_counts.get(code, 0) for code in codes],
                    summary.total_deficit_count,
                    len(summary.missing_types),
                    len(summary.area_short_types),
                    ",".join(summary.missing_types),
                    ",".join(summary.area_short_types),
                    int(summary.short_of_any),
                    summary.status,
                    status_label(summary.status, "zh"),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id


# --------------------------------------------------------------------------------------------
# Plain helpers (no layer access)
# --------------------------------------------------------------------------------------------


def id_text(value: Any) -> Optional[str]:
    """An id as text, so that ids and parent ids compare alike whatever their field types
    (integer 3, real 3.0 and text '3' are the same unit); None when empty."""
    value = python_value(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def units_at(tiers: Dict[str, _TierLayer], x: float, y: float) -> Dict[str, Optional[str]]:
    """The id of the unit of each tier holding the point (x, y), None where none does."""
    point = QgsGeometry.fromPointXY(QgsPointXY(x, y))
    return {tier: tiers[tier].unit_at(point) for tier in TOP_DOWN}


def none_or_text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def overlap_areas(children: _TierLayer, parents: _TierLayer):
    """(child id, parent id, overlap m²) for every child and parent polygon that intersect."""
    for child_id, geometry in zip(children.ids, children.geometries):
        if geometry is None:
            continue
        for position in parents.index.intersects(geometry.boundingBox()):
            other = parents.geometries[position]
            if geometry.intersects(other):
                yield child_id, parents.ids[position], geometry.intersection(other).area()


def self_overlaps(layer: _TierLayer):
    """(unit id, other unit id, overlap m²) for units of one tier whose polygons intersect."""
    for position, geometry in enumerate(layer.geometries):
        if geometry is None:
            continue
        for other in layer.index.intersects(geometry.boundingBox()):
            if other > position and geometry.intersects(layer.geometries[other]):
                area = geometry.intersection(layer.geometries[other]).area()
                yield layer.ids[position], layer.ids[other], area
