"""Reading the layers of ``tieredprovision``: the three tiers of units, the facilities (and
the plan's projects) located in them, populations and parents, with their messages.

Each tier is read once — ids, representative points (DESIGN §4), the polygons in the measuring
CRS and the features to copy into the output — and every facility is located in the unit of
each tier holding its point by one vectorised point-in-polygon pass
(``scoring/provision/locate.py``), not by a geometry engine call per facility and tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from qgis.core import QgsGeometry, QgsProcessingException, QgsSpatialIndex

from ..i18n import tr
from ..scoring.errors import N_
from ..scoring.plan import PlannedFacility
from ..scoring.provision import (
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    PARENT_TIER,
    TOP_DOWN,
    Facility,
    assign_parents,
    overlapping_units,
)
from ..scoring.provision.locate import PolygonSet, first_containing, polygon_set
from . import geometry_arrays
from .gpkg_features import direct_table
from .layers import (
    PointsRead,
    describe_ids,
    numeric_or_none,
    python_value,
    read_points,
    transform_to,
)
from .plan_inputs import (
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


@dataclass
class TierLayer:
    """One tier's units: ids, representative points, polygons in the measuring CRS (None where
    unusable), the features (for the output) and the polygons as arrays for locating."""

    tier: str
    source: Any
    label: str
    points: PointsRead
    ids: List[str]
    geometries: List[Optional[QgsGeometry]]
    polygons: PolygonSet
    _index: Optional[QgsSpatialIndex] = field(default=None, repr=False)
    _engines: Dict[int, Any] = field(default_factory=dict, repr=False)

    def engine(self, position: int):
        """The unit's polygon prepared for repeated GEOS tests (made on first use)."""
        engine = self._engines.get(position)
        if engine is None:
            engine = QgsGeometry.createGeometryEngine(self.geometries[position].constGet())
            engine.prepareGeometry()
            self._engines[position] = engine
        return engine

    @property
    def index(self) -> QgsSpatialIndex:
        """Bounding boxes of the polygons (built on first use: parents and overlaps)."""
        if self._index is None:
            self._index = QgsSpatialIndex()
            for position, geometry in enumerate(self.geometries):
                if geometry is not None:
                    self._index.addFeature(position, geometry.boundingBox())
        return self._index


@dataclass
class PlanFacilities:
    """The plan's projects as facilities of this run, with their points (measuring CRS)."""

    facilities: List[Facility]
    xy: np.ndarray
    names: Dict[str, str]


def read_tier(algorithm, parameters, context, feedback, tier: str, crs, extra=()) -> TierLayer:
    """The units of ``tier`` (``algorithm.TIER_PARAMETERS`` names its layer and fields);
    ``extra`` are further numeric fields to read (the compounds' population)."""
    layer_name, id_parameter, parent_parameter, _output, _short = algorithm.TIER_PARAMETERS[tier]
    source = algorithm.required_source(parameters, layer_name, context)
    label = algorithm.label(source, layer_name)
    id_field = algorithm.parameterAsString(parameters, id_parameter, context)
    parent_field = (
        algorithm.parameterAsString(parameters, parent_parameter, context)
        if parent_parameter
        else ""
    )
    algorithm.check_field(source, layer_name, id_field)
    algorithm.check_field(source, layer_name, parent_field)
    for name in extra:
        algorithm.check_field(source, layer_name, name, numeric=True)
    transform = transform_to(source, crs, label, context, feedback)
    points = read_points(
        source,
        transform,
        feedback,
        tuple(name for name in (id_field, parent_field, *extra) if name),
        keep_features=True,
        keep_measured=True,
        direct=direct_table(
            parameters.get(layer_name),
            algorithm.parameterAsVectorLayer(parameters, layer_name, context),
        ),
    )
    ids = []
    for fid, value in zip(points.feature_ids, points.attributes[id_field]):
        text = id_text(value)
        if text is None:
            raise QgsProcessingException(
                tr("Layer '{layer}': feature {fid} has no value in the id field '{field}'.").format(
                    layer=label, fid=fid, field=id_field
                )
            )
        ids.append(text)
    algorithm.report_geometry(points, ids, label, feedback)
    geometries = points.measured
    return TierLayer(tier, source, label, points, ids, geometries, _polygons(geometries))


def _polygons(geometries: Sequence[Optional[QgsGeometry]]) -> PolygonSet:
    """The polygons' rings as arrays, from their WKB (QGIS's own vertices where it is not a
    plain polygon: a repaired geometry may be a collection)."""
    rings: List[Optional[List[np.ndarray]]] = []
    for geometry in geometries:
        if geometry is None:
            rings.append(None)
            continue
        found = geometry_arrays.polygon_rings(bytes(geometry.asWkb()))
        if found is None:
            found = [
                np.array([(point.x(), point.y()) for point in ring], dtype=float)
                for part in geometry.asMultiPolygon()
                for ring in part
            ]
        rings.append(found)
    return polygon_set(rings)


def units_holding(tiers: Dict[str, TierLayer], xy: np.ndarray) -> Dict[str, List[Optional[str]]]:
    """For each tier, the id of the unit holding each point (the first in input order, boundary
    included), None where none does."""
    holding = {}
    for tier in TOP_DOWN:
        layer = tiers[tier]
        position = first_containing(layer.polygons, xy)
        holding[tier] = [layer.ids[p] if p >= 0 else None for p in position.tolist()]
    return holding


def compound_population(algorithm, parameters, context, compounds: TierLayer) -> Dict[str, Any]:
    """Population per compound id; NULL stays None (the domain names the compound)."""
    population_field = algorithm.parameterAsString(parameters, algorithm.POPULATION_FIELD, context)
    if population_field:
        values = compounds.points.attributes[population_field]
        return {uid: python_value(value) for uid, value in zip(compounds.ids, values)}
    households_field = algorithm.parameterAsString(parameters, algorithm.HOUSEHOLDS_FIELD, context)
    factor = algorithm.parameterAsDouble(parameters, algorithm.PERSONS_PER_HOUSEHOLD, context)
    population = {}
    for uid, value in zip(compounds.ids, compounds.points.attributes[households_field]):
        households = numeric_or_none(python_value(value))
        population[uid] = None if households is None else households * factor
    return population


def parents_of(algorithm, parameters, context, tiers, tier: str, feedback) -> Dict[str, Any]:
    """Each unit's parent: from the parent-id field, else by largest overlap."""
    parent_parameter = algorithm.TIER_PARAMETERS[tier][2]
    parent_field = algorithm.parameterAsString(parameters, parent_parameter, context)
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
                "{count} {units} overlap several {parents}; each belongs to the one it overlaps "
                "most: {ids}"
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
            ).format(count=len(assignment.ties), ids=describe_ids(list(assignment.ties)), **words)
        )
    return dict(assignment.parent_of)


def report_overlaps(layer: TierLayer, feedback) -> None:
    found = overlapping_units(self_overlaps(layer), min_overlap_m2=MIN_OVERLAP_M2)
    if found:
        pairs = [f"{item.first_id} / {item.second_id} ({item.area_m2:.0f} m²)" for item in found]
        feedback.pushWarning(
            tr(
                "{count} pairs of {units} overlap; a facility in both counts for the first one "
                "only: {pairs}"
            ).format(count=len(found), units=tr(TIER_WORDS[layer.tier]), pairs=describe_ids(pairs))
        )


def read_facilities(algorithm, parameters, context, feedback, crs, standard, tiers):
    """Facilities with their type code and unit per tier, their points, and the user's field
    name for each of the domain's amount fields (to name it in messages)."""
    source = algorithm.required_source(parameters, algorithm.FACILITIES, context)
    label = algorithm.label(source, algorithm.FACILITIES)
    names = {
        key: algorithm.parameterAsString(parameters, parameter, context)
        for key, parameter in (
            ("id", algorithm.FACILITY_ID_FIELD),
            ("type", algorithm.TYPE_FIELD),
            ("floor_area", algorithm.FLOOR_AREA_FIELD),
            ("land_area", algorithm.LAND_AREA_FIELD),
            ("capacity", algorithm.CAPACITY_FIELD),
        )
    }
    for name in names.values():
        algorithm.check_field(source, algorithm.FACILITIES, name)
    wanted = tuple(dict.fromkeys(name for name in names.values() if name))
    direct = direct_table(
        parameters.get(algorithm.FACILITIES),
        algorithm.parameterAsVectorLayer(parameters, algorithm.FACILITIES, context),
    )
    points = read_points(
        source, transform_to(source, crs, label, context, feedback), feedback, wanted, direct=direct
    )
    ids = algorithm.feature_names(points, names["id"])
    algorithm.report_geometry(points, ids, label, feedback)
    codes, unknown = standard.classify(
        [python_value(value) for value in points.attributes[names["type"]]]
    )
    algorithm.report_unknown_types(unknown, names["type"], feedback)
    located = np.flatnonzero(np.isfinite(points.xy).all(axis=1))
    xy = points.xy[located].reshape(-1, 2)
    inside = units_holding(tiers, xy)

    def amounts(key: str) -> List[Any]:
        if not names[key]:
            return [None] * located.size
        column = points.attributes[names[key]]
        return [python_value(column[position]) for position in located.tolist()]

    floor, land, capacity = amounts("floor_area"), amounts("land_area"), amounts("capacity")
    facilities = [
        Facility(
            id=ids[position],
            type_code=codes[position],
            district_id=inside[DISTRICT][row],
            community_id=inside[COMMUNITY][row],
            neighbourhood_id=inside[NEIGHBOURHOOD][row],
            floor_area=floor[row],
            land_area=land[row],
            capacity=capacity[row],
        )
        for row, position in enumerate(located.tolist())
    ]
    field_names = {key: names[key] for key in ("floor_area", "land_area", "capacity")}
    return facilities, xy, field_names


def plan_facilities(
    algorithm, parameters, context, standard, tiers, crs, existing, feedback
) -> Optional[PlanFacilities]:
    """The plan's projects of the chosen statuses as facilities, or None without a store.

    A project is located in units like any facility (its point, a polygon's point on surface),
    with the project's floor and land area and no capacity; projects of a type the standard
    does not know are left out (and listed).
    """
    path = algorithm.parameterAsFile(parameters, algorithm.PLAN_STORE, context)
    if not path:
        return None
    statuses = chosen_statuses(algorithm, parameters, algorithm.PLAN_STATUSES, context)
    store, planned = read_planned_facilities(path, statuses, False, feedback)
    points = project_points(planned, store, crs, context)
    codes = project_codes(planned, standard, feedback)
    kept = [row for row, code in enumerate(codes) if code is not None]
    check_project_ids([planned[row] for row in kept], existing)
    xy = points[np.asarray(kept, dtype=int)].reshape(-1, 2)
    inside = units_holding(tiers, xy)
    facilities = [
        Facility(
            id=planned[row].id,
            type_code=codes[row],
            district_id=inside[DISTRICT][number],
            community_id=inside[COMMUNITY][number],
            neighbourhood_id=inside[NEIGHBOURHOOD][number],
            floor_area=planned[row].floor_area,
            land_area=planned[row].land_area,
        )
        for number, row in enumerate(kept)
    ]
    feedback.pushInfo(
        tr(
            "The outputs describe the state AFTER the plan: {count} projects are counted as "
            "facilities. The plan changes output compares the deficits before and after."
        ).format(count=len(facilities))
    )
    return PlanFacilities(
        facilities, xy, {planned[row].id: project_name(planned[row]) for row in kept}
    )


def check_project_ids(projects: List[PlannedFacility], existing: List[Facility]) -> None:
    """Refuse projects whose id is also an existing facility's: the sharing distances and the
    outputs name facilities by id, so the two would be taken for one."""
    taken = {str(facility.id) for facility in existing}
    clashing = [project.id for project in projects if project.id in taken]
    if clashing:
        raise QgsProcessingException(
            tr(
                "Projects whose id is also the id of an existing facility: {ids}. Choose "
                "another facility id field or rename those facilities."
            ).format(ids=describe_ids(clashing))
        )


# --------------------------------------------------------------------------------------------
# Plain helpers
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


def overlap_areas(children: TierLayer, parents: TierLayer):
    """(child id, parent id, overlap m²) for every child and parent polygon that intersect."""
    for child_id, geometry in zip(children.ids, children.geometries):
        if geometry is None:
            continue
        for position in parents.index.intersects(geometry.boundingBox()):
            if parents.engine(position).intersects(geometry.constGet()):
                other = parents.geometries[position]
                yield child_id, parents.ids[position], geometry.intersection(other).area()


def self_overlaps(layer: TierLayer):
    """(unit id, other unit id, overlap m²) for units of one tier whose polygons intersect.

    Candidates are the pairs whose bounding boxes meet; each unit is prepared once for GEOS
    (a district of fifty compounds tested unprepared against its neighbours took seconds), and
    the overlap's area is computed only where the two really intersect."""
    for position, other in _box_pairs(layer.polygons.bbox):
        geometry = layer.geometries[position]
        if layer.engine(position).intersects(layer.geometries[other].constGet()):
            area = geometry.intersection(layer.geometries[other]).area()
            yield layer.ids[position], layer.ids[other], area


def _box_pairs(bbox: np.ndarray):
    """(i, j), i < j, of boxes (xmin, ymin, xmax, ymax; NaN: none) that meet, in order of i:
    a sweep along x, each box against the boxes starting before it ends (all boxes at once:
    each box's run of later starts, then the runs' boxes that meet it in y)."""
    usable = np.flatnonzero(np.isfinite(bbox).all(axis=1))
    order = usable[np.argsort(bbox[usable, 0], kind="stable")]
    boxes = bbox[order]
    ranks = np.arange(len(order))
    stops = np.searchsorted(boxes[:, 0], boxes[:, 2], side="right")
    runs = np.maximum(stops - ranks - 1, 0)
    first = np.repeat(ranks, runs)
    second = first + 1 + np.arange(int(runs.sum())) - np.repeat(np.cumsum(runs) - runs, runs)
    meet = (boxes[second, 1] <= boxes[first, 3]) & (boxes[second, 3] >= boxes[first, 1])
    i, j = order[first[meet]], order[second[meet]]
    low, high = np.minimum(i, j), np.maximum(i, j)
    ranked = np.lexsort((high, low))
    return list(zip(low[ranked].tolist(), high[ranked].tolist()))


def none_or_text(value: Any) -> Optional[str]:
    return None if value is None else str(value)
