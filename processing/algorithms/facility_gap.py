"""``completecommunity:facilitygap`` — which facility types each residential unit lacks on foot.

The algorithm reads the layers, hands plain arrays to :mod:`scoring.gap` and writes the result.
Nothing is written until the analysis has finished, so an error or a cancel leaves no output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...i18n import tr
from ...scoring.errors import N_, Cancelled
from ...scoring.gap import FacilitySet, GapResult, PointSet, analyse_gaps
from ...scoring.population import clean_population
from .. import compat
from ..base import BaseAlgorithm
from ..feedback import DomainFeedback
from ..gpkg_features import direct_table
from ..graph_cache import points_key, remembered_points
from ..layers import (
    PointsRead,
    describe_ids,
    measuring_crs,
    numeric_or_none,
    read_points,
    transform_to,
)
from ..network_inputs import NetworkInputs, add_network_inputs, read_network_inputs

#: Words for the domain's reason codes, written into the ``reason`` field and the log.
REASON_TEXT = {
    "not_joined": N_("farther than the snap tolerance from the walking network"),
    "island": N_("on a part of the walking network not connected to the main network"),
    "no_geometry": N_("no usable geometry"),
}


SUMMARY_FIELDS = (
    ("type_code", "string"),
    ("name_zh", "string"),
    ("name_en", "string"),
    ("radius_m", "double"),
    ("n_facilities", "int"),
    ("n_joined", "int"),
    ("units_total", "int"),
    ("units_covered", "int"),
    ("pop_total", "double"),
    ("pop_covered", "double"),
    ("pop_not_covered", "double"),
    ("share_covered", "double"),
    ("limit_min", "double"),
    ("mean_dist", "double"),
    ("mean_time", "double"),
    ("route_mode", "string"),
    ("measure", "string"),
    ("note", "string"),
)


@dataclass
class GapInputs:
    """What a gap analysis run starts from, read by :meth:`FacilityGapAlgorithm.read_gap_inputs`:
    the units (all of them, ``located`` marking those with a usable point), the facilities of
    known position with their type codes, the unknown types, the measuring CRS and the walking
    network's inputs (its graph None in straight-line mode)."""

    units: Any
    unit_points: PointsRead
    unit_ids: list
    located: np.ndarray
    population: np.ndarray
    facility_xy: np.ndarray
    facility_codes: list
    facility_ids: list
    unknown: dict
    crs: Any
    network: NetworkInputs

    def unit_set(self) -> PointSet:
        """The located units, as the domain takes them."""
        return PointSet(
            ids=[unit for unit, ok in zip(self.unit_ids, self.located) if ok],
            xy=self.unit_points.xy[self.located],
            population=self.population[self.located],
        )

    def facility_set(self) -> FacilitySet:
        """The facilities of known position, as the domain takes them."""
        return FacilitySet(
            xy=self.facility_xy, type_code=self.facility_codes, ids=self.facility_ids
        )


class FacilityGapAlgorithm(BaseAlgorithm):
    ALGORITHM_ID = "facilitygap"
    DISPLAY_NAME = "Facility gap analysis"
    GROUP = "Analysis"
    GROUP_ID = "analysis"

    OUTPUT_STYLES: ClassVar[Mapping[str, str]] = {"OUTPUT": "gap_units"}
    UNITS = "UNITS"
    UNIT_ID_FIELD = "UNIT_ID_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    MAX_DISTANCE = "MAX_DISTANCE"
    OUTPUT = "OUTPUT"
    SUMMARY = "SUMMARY"

    def initAlgorithm(self, config=None) -> None:
        self.add_gap_inputs()
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Units with facility gaps")),
            tr("The units with dist_T, ok_T per facility type T, gaps and n_gaps."),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.SUMMARY, tr("Coverage by facility type"), compat.ProcessingSourceType.Vector
            ),
            tr("One row per facility type: facilities, units and population covered."),
        )
        self.addOutput(QgsProcessingOutputNumber("UNITS_WITH_GAPS", tr("Units with gaps")))
        self.addOutput(QgsProcessingOutputNumber("UNITS_TOTAL", tr("Units analysed")))
        self.addOutput(QgsProcessingOutputString("DISTANCE_MODE", tr("Distance mode")))
        self.addOutput(QgsProcessingOutputString("MEASURE", tr("Measure")))

    def add_gap_inputs(self) -> None:
        """The inputs of the gap analysis (``UNITS`` … ``TOPOLOGY_TOLERANCE``), declared once for
        every algorithm that starts from it (``planscenario``, ``suggestsites``)."""
        areas_or_points = [
            compat.ProcessingSourceType.VectorPolygon,
            compat.ProcessingSourceType.VectorPoint,
        ]
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.UNITS, tr("Residential units (compounds)"), areas_or_points
            ),
            tr(
                "Residential compounds (小区) as polygons or points; a polygon is measured from "
                "a point inside it."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.UNIT_ID_FIELD,
                tr("Unit id field"),
                parentLayerParameterName=self.UNITS,
                optional=True,
            ),
            tr("Field that names each unit in messages and reports; the feature id when empty."),
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                tr("Population field"),
                parentLayerParameterName=self.UNITS,
                type=compat.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            ),
            tr(
                "Residents per unit, for the population covered and not covered. NULL, zero or "
                "negative values are counted and reported."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(self.FACILITIES, tr("Facilities"), areas_or_points),
            tr("Facility points or polygons of every type in one layer."),
        )
        self.add_type_field_parameter()
        add_network_inputs(
            self,
            tr(
                "Walkable lines. Lines join where they share a vertex. Without a network "
                "distances are straight-line, and the output says so."
            ),
        )
        self.add_standard_parameter()
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.MAX_DISTANCE,
                tr("Search cut-off (metres)"),
                compat.ProcessingNumberParameterType.Double,
                defaultValue=2000.0,
                minValue=1.0,
            ),
            tr("Distances beyond this are not searched and come out NULL."),
        )

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(5, feedback)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        inputs = self.read_gap_inputs(parameters, context, standard, steps, feedback)

        steps.setCurrentStep(3)
        result = analyse_gaps(
            inputs.unit_set(),
            inputs.facility_set(),
            feedback=DomainFeedback(steps),
            **self.gap_settings(parameters, context, standard, inputs.network),
        )
        self.report_reasons(result, inputs.facility_ids, feedback)

        if feedback.isCanceled():  # the last chance to stop before anything is written
            raise Cancelled()
        steps.setCurrentStep(4)
        output_id = self.write_units(parameters, context, inputs, result, feedback)
        summary_id = self.write_summary(parameters, context, inputs, result, standard)
        return {
            self.OUTPUT: output_id,
            self.SUMMARY: summary_id,
            "UNITS_WITH_GAPS": int(np.count_nonzero(result.n_gaps > 0)),
            "UNITS_TOTAL": len(inputs.unit_ids),
            "DISTANCE_MODE": result.mode,
            "MEASURE": inputs.network.measure_name,
        }

    # Reading -----------------------------------------------------------------------------

    def read_gap_inputs(
        self, parameters, context, standard, steps, feedback, remember: bool = True
    ) -> GapInputs:
        """The units, the facilities of known position and the walking graph, read and
        checked with their messages: what every run of the gap analysis starts from.

        It takes steps 0 to 2 of ``steps``. ``remember`` is handed to :meth:`points_of`: with
        it, points read earlier in the session from an unchanged layer are reused.
        """
        units = self.required_source(parameters, self.UNITS, context)
        facilities = self.required_source(parameters, self.FACILITIES, context)
        unit_id_field = self.parameterAsString(parameters, self.UNIT_ID_FIELD, context)
        population_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        type_field = self.parameterAsString(parameters, self.TYPE_FIELD, context)
        self.check_field(units, self.UNITS, unit_id_field)
        self.check_field(units, self.UNITS, population_field, numeric=True)
        self.check_field(facilities, self.FACILITIES, type_field)

        units_label = self.label(units, self.UNITS)
        crs = measuring_crs(units, units_label, context, feedback)
        unit_points = self.points_of(
            parameters,
            self.UNITS,
            units,
            transform_to(units, crs, units_label, context, feedback),
            context,
            steps,
            tuple(name for name in (unit_id_field, population_field) if name),
            keep_features=True,
            remember=remember,
        )
        unit_ids = self.feature_names(unit_points, unit_id_field)
        population = self.population(unit_points, population_field, unit_ids, feedback)
        self.report_geometry(unit_points, unit_ids, units_label, feedback)

        steps.setCurrentStep(1)
        facilities_label = self.label(facilities, self.FACILITIES)
        facility_points = self.points_of(
            parameters,
            self.FACILITIES,
            facilities,
            transform_to(facilities, crs, facilities_label, context, feedback),
            context,
            steps,
            (type_field,),
            remember=remember,
        )
        self.report_geometry(
            facility_points,
            [str(fid) for fid in facility_points.feature_ids],
            facilities_label,
            feedback,
        )
        codes, unknown = standard.classify(facility_points.attributes[type_field])
        self.report_unknown_types(unknown, type_field, feedback)

        steps.setCurrentStep(2)
        network = read_network_inputs(self, parameters, context, crs, steps, feedback)
        located = np.isfinite(facility_points.xy).all(axis=1)
        return GapInputs(
            units=units,
            unit_points=unit_points,
            unit_ids=unit_ids,
            located=np.isfinite(unit_points.xy).all(axis=1),
            population=population,
            facility_xy=facility_points.xy[located].reshape(-1, 2),
            facility_codes=[code for code, ok in zip(codes, located) if ok],
            facility_ids=[fid for fid, ok in zip(facility_points.feature_ids, located) if ok],
            unknown=unknown,
            crs=crs,
            network=network,
        )

    def gap_settings(self, parameters, context, standard, network) -> dict[str, Any]:
        """The keyword arguments of :func:`analyse_gaps` besides the units and facilities."""
        return {
            "types": standard.types,
            "graph": network.graph,
            "snap_tolerance": network.snap_tolerance,
            "max_distance": self.parameterAsDouble(parameters, self.MAX_DISTANCE, context),
            "satisfied_by": {code: standard.satisfiers(code)[1:] for code in standard.codes()},
            "measure": network.measure,
        }

    def points_of(
        self,
        parameters,
        name: str,
        source,
        transform,
        context,
        feedback,
        attributes: tuple[str, ...],
        keep_features: bool = False,
        remember: bool = True,
    ) -> PointsRead:
        """``read_points`` of a layer, or the points read from it earlier in the session when
        the layer is unchanged (see ``graph_cache.py``): a re-run reads nothing again.
        Without ``remember`` the layer is read afresh and nothing is remembered."""
        layer = self.parameterAsVectorLayer(parameters, name, context)
        direct = direct_table(parameters.get(name), layer)

        def read() -> PointsRead:
            return read_points(
                source, transform, feedback, attributes, keep_features, direct=direct
            )

        if not remember:
            return read()
        key = points_key(layer, parameters.get(name), transform, context, attributes, keep_features)
        points, reused = remembered_points(key, read)
        if reused:
            feedback.pushInfo(
                tr(
                    "Layer '{layer}' is unchanged since an earlier run: its features were not "
                    "read again."
                ).format(layer=self.label(source, name))
            )
        return points

    @staticmethod
    def population(points, population_field, unit_ids, feedback) -> np.ndarray:
        if not population_field:
            feedback.pushWarning(tr("No population field: population covered is not computed."))
            return np.full(len(unit_ids), np.nan)
        values = [numeric_or_none(value) for value in points.attributes[population_field]]
        population, report = clean_population(values, unit_ids)
        for ids, text in (
            (
                report.missing,
                tr(
                    "{count} units have no population (NULL), left out of the "
                    "population figures: {ids}"
                ),
            ),
            (report.zero, tr("{count} units have zero population: {ids}")),
            (
                report.negative,
                tr(
                    "{count} units have a negative population, left out of the "
                    "population figures: {ids}"
                ),
            ),
        ):
            if ids:
                feedback.pushWarning(text.format(count=len(ids), ids=describe_ids(ids)))
        return population

    @staticmethod
    def report_reasons(result: GapResult, facility_ids, feedback) -> None:
        for reason, text in REASON_TEXT.items():
            units = [unit for unit, why in zip(result.unit_ids, result.reason) if why == reason]
            if units:
                feedback.pushWarning(
                    tr("{count} units {reason}: {ids}").format(
                        count=len(units), reason=tr(text), ids=describe_ids(units)
                    )
                )
        for indices, reason in (
            (result.facilities_not_joined, "not_joined"),
            (result.facilities_on_island, "island"),
        ):
            if len(indices):
                feedback.pushWarning(
                    tr("{count} facilities {reason} (feature ids): {ids}").format(
                        count=len(indices),
                        reason=tr(REASON_TEXT[reason]),
                        ids=describe_ids([facility_ids[index] for index in indices]),
                    )
                )

    # Writing -----------------------------------------------------------------------------

    def write_units(self, parameters, context, inputs: GapInputs, result, feedback) -> str:
        """The units with their result fields (:meth:`result_rows`), in input order."""
        units = inputs.units
        timed = inputs.network.walking_time
        added = [
            compat.new_field(f"{prefix}_{code}", kind, *size)
            for code in result.codes
            for prefix, kind, size in per_type_fields(timed)
        ]
        added += [
            compat.new_field(name, kind)
            for name, kind in (
                ("gaps", "string"),
                ("n_gaps", "int"),
                ("route_mode", "string"),
                ("measure", "string"),
                ("reason", "string"),
            )
        ]
        keep = self.kept_input_fields(units, {field.name() for field in added}, feedback)
        fields = QgsFields()
        for index in keep:
            fields.append(units.fields().at(index))
        for field in added:
            fields.append(field)
        sink, sink_id = self.output_sink(
            parameters, self.OUTPUT, context, fields, units.wkbType(), units.sourceCrs()
        )
        measure = inputs.network.measure_name
        located_rows = iter(self.result_rows(result, measure, timed))
        # A unit without a location: no distance nor time, not covered.
        not_located = ([None] * (len(per_type_fields(timed)) - 1) + [0]) * len(result.codes)
        not_located += [None, None, result.mode, measure, tr(REASON_TEXT["no_geometry"])]
        points = inputs.unit_points.features

        def rows():
            for feature, is_located in zip(points, inputs.located.tolist()):
                attributes = feature.attributes()
                values = [attributes[kept] for kept in keep]
                values += next(located_rows) if is_located else not_located
                yield values

        sink.add_rows(rows(), (feature.geometry() for feature in points))
        return sink_id

    def kept_input_fields(self, units, result_names: set, feedback) -> list:
        """Indices of the input fields to copy: all but those named like a result field.

        Running again on an earlier output (a planning scenario) must replace its dist_T, ok_T
        and gaps, not keep the old values beside silently dropped new ones. Names are compared
        without case because GeoPackage and Shapefile fields are case-insensitive.
        """
        taken = {name.lower() for name in result_names}
        keep, replaced = [], []
        for index, field in enumerate(units.fields()):
            (replaced if field.name().lower() in taken else keep).append(index)
        if replaced:
            feedback.pushInfo(
                tr(
                    "Layer '{layer}' already has result fields ({fields}): they are replaced "
                    "by the results of this run."
                ).format(
                    layer=self.label(units, self.UNITS),
                    fields=", ".join(units.fields().at(index).name() for index in replaced),
                )
            )
        return keep

    @staticmethod
    def result_rows(result: GapResult, measure: str, timed: bool) -> list:
        """The result fields of every located unit, in input order: per type dist_T (metres,
        rounded to 0.1 m, NULL where nothing is within the cut-off; with walking time the
        metres of the quickest route), with walking time time_T (minutes, to 0.01), and ok_T;
        then gaps, n_gaps, route_mode, measure and the reason. Built column by column (a city
        has 20,000 units × 36 types)."""
        columns: list = []
        for code in result.codes:
            columns.append(_rounded(result.distance[code], 1))
            if timed:
                columns.append(_rounded(result.time[code], 2))
            columns.append(result.ok[code].tolist())
        words = {reason: tr(REASON_TEXT[reason]) for reason in set(result.reason) if reason}
        columns += [
            result.gaps,
            result.n_gaps.tolist(),
            [result.mode] * len(result.reason),
            [measure] * len(result.reason),
            [words.get(reason) for reason in result.reason],
        ]
        return [list(row) for row in zip(*columns)]

    def write_summary(self, parameters, context, inputs: GapInputs, result, standard) -> str:
        fields, sink, sink_id = self.create_sink(
            parameters,
            self.SUMMARY,
            context,
            SUMMARY_FIELDS,
            compat.NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        measure = inputs.network.measure_name
        for row in result.summary:
            facility_type = standard.type_by_code(row.code)
            has_population = row.population_total > 0
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    row.code,
                    facility_type.name_zh,
                    facility_type.name_en,
                    float(row.radius_m),
                    row.n_facilities,
                    row.n_facilities_joined,
                    row.units_total,
                    row.units_covered,
                    row.population_total if has_population else None,
                    row.population_covered if has_population else None,
                    row.population_total - row.population_covered if has_population else None,
                    round(row.share_covered, 4) if has_population else None,
                    _number_or_none(row.limit_minutes, 2),
                    _number_or_none(row.mean_distance, 1),
                    _number_or_none(row.mean_minutes, 2),
                    result.mode,
                    measure,
                    None,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        for value, count in inputs.unknown.items():
            feature = QgsFeature(fields)
            attributes = [None] * len(SUMMARY_FIELDS)
            attributes[1] = value
            attributes[4] = count
            attributes[-3] = result.mode
            attributes[-2] = measure
            attributes[-1] = tr("facility type not in the standard: left out")
            feature.setAttributes(attributes)
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id


def per_type_fields(timed: bool) -> tuple:
    """(prefix, kind, (length, precision)) of the fields written per facility type T:
    dist_T, with walking time time_T, and ok_T (DESIGN §4, §4b)."""
    fields = [("dist", "double", (12, 1))]
    if timed:
        fields.append(("time", "double", (12, 2)))
    fields.append(("ok", "int", ()))
    return tuple(fields)


def _rounded(values: np.ndarray, digits: int) -> list:
    """Values for a field: rounded, NULL for NaN."""
    return [None if value != value else round(value, digits) for value in values.tolist()]


def _number_or_none(value: float, digits: int):
    return None if value is None or np.isnan(value) else round(float(value), digits)
