"""The walking network's inputs, declared once and read once for every algorithm that walks.

DESIGN §4 and §4b name them: the line layer (``NETWORK``), how points join it and how its lines
join each other (``SNAP_TOLERANCE``, ``TOPOLOGY_TOLERANCE``), and what a route costs
(``MEASURE``: metres, or walking time with ``DEM``, ``DEM_BAND``, ``WALK_SPEED``, ``STAIRS``,
``STRUCTURES`` and ``FIXED_TIME_FIELD``). :func:`add_network_inputs` declares them on an
algorithm with their titles, defaults, help and advanced flags; :func:`read_network_inputs`
checks them, builds (or reuses, see ``graph_cache.py``) the graph with the costs of the chosen
measure and returns one :class:`NetworkInputs` that the facility gap, tiered provision and plan
scenario all take.

Nothing here computes a cost: the walking model lives in ``scoring/network`` and is handed plain
arrays — the line parts, what each is (``network_lines.py``), the DEM window and the network's
nodes in the DEM's CRS (``dem.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Hashable, List, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBand,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)

from ..i18n import current_language, tr
from ..scoring.network import build_graph
from ..scoring.network.measure import DISTANCE, MEASURE_DISTANCE, MEASURE_TIME, Measure
from ..scoring.network.measure import walking_time as walking_time_measure
from ..scoring.network.walking_model import WalkingModel, load_walking_model
from ..scoring.network.walking_time import heights_needed, walking_time_graph
from . import compat, dem, network_lines
from .graph_cache import GRAPHS, network_key, raster_key
from .layers import describe_ids, read_lines, transform_to

NETWORK = "NETWORK"
SNAP_TOLERANCE = "SNAP_TOLERANCE"
TOPOLOGY_TOLERANCE = "TOPOLOGY_TOLERANCE"
MEASURE = "MEASURE"
DEM = "DEM"
DEM_BAND = "DEM_BAND"
WALK_SPEED = "WALK_SPEED"
STAIRS = "STAIRS"
STRUCTURES = "STRUCTURES"
FIXED_TIME_FIELD = "FIXED_TIME_FIELD"

#: Every parameter this module declares, in the order the dialog shows them.
PARAMETER_NAMES = (
    NETWORK,
    SNAP_TOLERANCE,
    TOPOLOGY_TOLERANCE,
    MEASURE,
    DEM,
    DEM_BAND,
    WALK_SPEED,
    STAIRS,
    STRUCTURES,
    FIXED_TIME_FIELD,
)

#: How the outputs' ``measure`` field names the two measures.
MEASURE_NAMES = {MEASURE_DISTANCE: "distance", MEASURE_TIME: "walking_time"}

#: Where a graph keeps the notes (warning?, text) of its building, for the log of every run.
NOTES_KEY = "network_notes"


@lru_cache(maxsize=1)
def walking_model() -> WalkingModel:
    """The built-in walking model (``resources/walking``): its defaults are the parameters'."""
    return load_walking_model()


def add_network_inputs(algorithm, network_help: str, snap_help: Optional[str] = None) -> None:
    """Declare the network's parameters on ``algorithm`` (a ``BaseAlgorithm``): the help of
    the network and of the snap tolerance says what the algorithm uses them for."""
    for definition, help_text, advanced in network_parameters(network_help, snap_help):
        algorithm.add_parameter(definition, help_text, advanced)


def network_parameters(
    network_help: str, snap_help: Optional[str] = None
) -> List[Tuple[Any, str, bool]]:
    """The network's parameter definitions with their help and whether they are advanced, in
    the order the dialog shows them (also the packaged model's inputs, tools/build_model.py)."""
    model = walking_model()
    declared: List[Tuple[Any, str, bool]] = []

    def add(definition, help_text: str, advanced: bool = False) -> None:
        declared.append((definition, help_text, advanced))

    add(
        QgsProcessingParameterFeatureSource(
            NETWORK,
            tr("Walking network"),
            [compat.ProcessingSourceType.VectorLine],
            optional=True,
        ),
        network_help,
    )
    add(
        QgsProcessingParameterNumber(
            SNAP_TOLERANCE,
            tr("Snap tolerance (metres)"),
            compat.ProcessingNumberParameterType.Double,
            defaultValue=100.0,
            minValue=0.0,
        ),
        snap_help
        or tr(
            "Units and facilities farther than this from every network line are not joined: "
            "their distances are NULL and the reason field says why."
        ),
    )
    add(
        QgsProcessingParameterNumber(
            TOPOLOGY_TOLERANCE,
            tr("Topology tolerance (metres)"),
            compat.ProcessingNumberParameterType.Double,
            defaultValue=0.01,
            minValue=0.0,
        ),
        tr("Line vertices closer than this are the same network node."),
        advanced=True,
    )
    add(
        QgsProcessingParameterEnum(
            MEASURE,
            tr("Measure"),
            options=[tr("Distance (metres)"), tr("Walking time (slope, stairs, lifts)")],
            defaultValue=MEASURE_DISTANCE,
        ),
        tr(
            "Distance measures routes in metres. Walking time follows the terrain from the "
            "unit to the facility: uphill is slower than downhill (Tobler's hiking function on "
            "the DEM), stairs cost their climb, lifts their fixed time. A facility is within "
            "reach when the walk takes no longer than the standard's walk_minutes, or its "
            "radius walked on flat ground."
        ),
    )
    add(
        QgsProcessingParameterRasterLayer(DEM, tr("Terrain (DEM)"), optional=True),
        tr(
            "Walking time only: a digital elevation model with heights in metres, in any CRS "
            "(geographic degrees too). Heights are interpolated between cell centres every "
            "10 m along the lines; only the part under the network is read. Without it the "
            "ground is flat."
        ),
    )
    add(
        QgsProcessingParameterBand(
            DEM_BAND, tr("DEM band"), defaultValue=1, parentLayerParameterName=DEM, optional=True
        ),
        tr("Walking time only: the band of the DEM holding the heights; band 1 when empty."),
        advanced=True,
    )
    add(
        QgsProcessingParameterNumber(
            WALK_SPEED,
            tr("Walking speed on flat ground (m/s)"),
            compat.ProcessingNumberParameterType.Double,
            defaultValue=model.walk_speed_m_per_s,
        ),
        tr(
            "Walking time only: the speed on level ground, more than 0. The default 1.0 m/s "
            "makes the standard's 5 minutes 300 m (GB 50180)."
        ),
        advanced=True,
    )
    add(
        QgsProcessingParameterExpression(
            STAIRS,
            tr("Stairs (expression)"),
            defaultValue=model.default_stairs,
            parentLayerParameterName=NETWORK,
            optional=True,
        ),
        tr(
            "Walking time only: true for network lines that are stairs. Stairs climb at "
            "0.30 m/s and descend at 0.45 m/s (vertical) between the heights of their ends. "
            "The default reads OpenStreetMap's highway=steps (a field, or GDAL's other_tags); "
            "empty: no stairs."
        ),
        advanced=True,
    )
    add(
        QgsProcessingParameterExpression(
            STRUCTURES,
            tr("Bridges and tunnels (expression)"),
            defaultValue=model.default_structures,
            parentLayerParameterName=NETWORK,
            optional=True,
        ),
        tr(
            "Walking time only: true for bridges and tunnels, which run on a straight grade "
            "between their ends instead of following the terrain under them. The default "
            "reads OpenStreetMap's bridge and tunnel tags; empty: none."
        ),
        advanced=True,
    )
    add(
        QgsProcessingParameterField(
            FIXED_TIME_FIELD,
            tr("Fixed time field (seconds)"),
            parentLayerParameterName=NETWORK,
            optional=True,
        ),
        tr(
            "Walking time only: seconds to ride a line end to end, either way, for public "
            "lifts, escalators and cable cars (waiting included). Empty (NULL): walked as usual."
        ),
        advanced=True,
    )
    return declared


@dataclass(frozen=True)
class WalkingSettings:
    """How a route is costed: the measure and, for walking time, its parameters as given."""

    measure: int = MEASURE_DISTANCE
    walk_speed: float = 1.0
    dem: Any = None  # a QgsRasterLayer
    dem_band: int = 1
    stairs: str = ""
    structures: str = ""
    fixed_time_field: str = ""

    @property
    def walking_time(self) -> bool:
        return self.measure == MEASURE_TIME


@dataclass
class NetworkInputs:
    """What every walking algorithm starts from: the graph (None: straight-line), whose edge
    costs are metres or seconds as ``measure`` says, and how points join it."""

    graph: Any
    settings: WalkingSettings
    measure: Measure
    snap_tolerance: float
    topology_tolerance: float
    notes: List[Tuple[bool, str]] = field(default_factory=list)

    @property
    def route_mode(self) -> str:
        """``network`` or ``straight_line``: how routes were found (the ``route_mode`` field)."""
        return "straight_line" if self.graph is None else "network"

    @property
    def measure_name(self) -> str:
        """``distance`` or ``walking_time`` (the ``measure`` field)."""
        return MEASURE_NAMES[self.settings.measure]

    @property
    def walking_time(self) -> bool:
        return self.settings.walking_time


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_walking_settings(algorithm, parameters, context, feedback) -> WalkingSettings:
    """The measure and its parameters, checked; a bad value stops the run naming it."""
    speed = algorithm.parameterAsDouble(parameters, WALK_SPEED, context)
    if not (math.isfinite(speed) and speed > 0):
        raise QgsProcessingException(
            tr("Walking speed (WALK_SPEED) must be more than 0 m/s, not {value}.").format(
                value=f"{speed:g}"
            )
        )
    measure = algorithm.parameterAsEnum(parameters, MEASURE, context)
    if measure not in MEASURE_NAMES:
        raise QgsProcessingException(
            tr("Measure (MEASURE) must be 0 (distance) or 1 (walking time), not {value}.").format(
                value=measure
            )
        )
    if measure == MEASURE_DISTANCE:
        if parameters.get(DEM) not in (None, ""):
            feedback.pushInfo(tr("The measure is distance: the DEM is not used."))
        return WalkingSettings(measure=measure, walk_speed=speed)
    # A DEM given that cannot be opened has stopped the run already, naming it
    # (base.check_given_inputs): None here means none was given.
    dem_layer = algorithm.parameterAsRasterLayer(parameters, DEM, context)
    band = algorithm.parameterAsInt(parameters, DEM_BAND, context) if dem_layer else 1
    return WalkingSettings(
        measure=measure,
        walk_speed=speed,
        dem=dem_layer,
        dem_band=band or 1,
        stairs=_expression_text(algorithm, parameters, STAIRS, context),
        structures=_expression_text(algorithm, parameters, STRUCTURES, context),
        fixed_time_field=algorithm.parameterAsString(parameters, FIXED_TIME_FIELD, context),
    )


def _expression_text(algorithm, parameters, name: str, context) -> str:
    """An expression parameter as given: QGIS's ``parameterAsExpression`` quietly hands back
    the default for an expression that does not parse (and for an empty one), where the user
    must hear what is wrong, or get no stairs when they cleared the field."""
    value = parameters.get(name)
    if isinstance(value, str):
        return value.strip()
    return algorithm.parameterAsExpression(parameters, name, context).strip()


def read_network_inputs(algorithm, parameters, context, crs, steps, feedback) -> NetworkInputs:
    """The network's inputs, checked, and the graph with the costs of the chosen measure.

    A graph built earlier in the session from the same unchanged layers with the same settings
    is reused (see ``graph_cache.py``), with its notes (what the DEM did not cover, which lines
    are stairs …) logged again.
    """
    settings = read_walking_settings(algorithm, parameters, context, feedback)
    inputs = NetworkInputs(
        graph=None,
        settings=settings,
        measure=walking_time_measure(settings.walk_speed) if settings.walking_time else DISTANCE,
        snap_tolerance=algorithm.parameterAsDouble(parameters, SNAP_TOLERANCE, context),
        topology_tolerance=algorithm.parameterAsDouble(parameters, TOPOLOGY_TOLERANCE, context),
    )
    if settings.walking_time:
        feedback.pushInfo(
            tr("Walking time at {speed} m/s on flat ground. {notice}").format(
                speed=f"{settings.walk_speed:g}",
                notice=walking_model().notice_for(current_language()),
            )
        )
    network = algorithm.parameterAsSource(parameters, NETWORK, context)
    if network is None:
        feedback.pushWarning(
            tr("No walking network given: distances are straight-line, not walking distances.")
        )
        if settings.walking_time:
            feedback.pushWarning(
                tr(
                    "Without a network, walking time is the straight line walked on flat "
                    "ground: the DEM, stairs and lifts are not used."
                )
            )
        return inputs
    label = algorithm.label(network, NETWORK)
    transform = transform_to(network, crs, label, context, feedback)
    plan = _walking_plan(network, label, settings) if settings.walking_time else None
    key = network_key(
        algorithm.parameterAsVectorLayer(parameters, NETWORK, context),
        parameters.get(NETWORK),
        transform,
        context,
        inputs.topology_tolerance,
        cost_model=_cost_model_key(settings, plan),
    )
    graph = GRAPHS.get(key)
    if graph is not None:
        feedback.pushInfo(
            tr(
                "Layer '{layer}' is unchanged since an earlier run: reused the walking network "
                "built earlier."
            ).format(layer=label)
        )
    else:
        lines = read_lines(network, transform, steps)
        if not len(lines):
            raise QgsProcessingException(
                tr("Layer '{layer}' has no usable lines: nothing to walk on.").format(layer=label)
            )
        graph = build_graph(lines.parts, topology_tolerance=inputs.topology_tolerance)
        if plan is not None:
            graph = _walking_graph(
                graph, network, label, lines, plan, settings, crs, context, steps
            )
        GRAPHS.put(key, graph)
    inputs.graph = graph
    inputs.notes = list(graph.cache.get(NOTES_KEY, ()))
    for warning, text in inputs.notes:
        (feedback.pushWarning if warning else feedback.pushInfo)(text)
    feedback.pushInfo(
        tr("Walking network: {nodes} nodes, {edges} edges, {components} connected parts.").format(
            nodes=graph.n_nodes, edges=graph.n_edges, components=graph.n_components
        )
    )
    return inputs


def _walking_plan(network, label: str, settings: WalkingSettings) -> network_lines.WalkingPlan:
    """How the lines' stairs, structures and fixed times are read, checked against the layer."""
    model = walking_model()
    return network_lines.walking_plan(
        network,
        label,
        (STAIRS, settings.stairs, model.default_stairs),
        (STRUCTURES, settings.structures, model.default_structures),
        settings.fixed_time_field,
        model.step_count_field,
    )


def _cost_model_key(settings: WalkingSettings, plan) -> Optional[Hashable]:
    """What shapes the costs besides the lines: None for metres; for walking time every
    parameter, the walking model and the DEM's file and band."""
    if not settings.walking_time:
        return None
    dem_key = None
    if settings.dem is not None:
        dem_key = raster_key(settings.dem, settings.dem_band)
        if dem_key is None:  # a DEM that cannot be keyed safely: a key no later run equals
            dem_key = ("not cached", object())
    model = walking_model()
    return (
        "walking_time",
        settings.walk_speed,
        dem_key,
        plan.key(),
        model.source_path,
        model.version,
    )


def _walking_graph(graph, network, label, lines, plan, settings, crs, context, steps):
    """The graph with directed walking-time costs (DESIGN §4b), its notes kept on it."""
    read = network_lines.read_line_kinds(network, label, lines.feature_ids, plan, context, steps)
    notes = list(read.notes)
    terrain = node_dem_xy = None
    needed = heights_needed(graph, read.kinds) if settings.dem is not None else None
    if needed is not None and needed.size:
        dem_label = settings.dem.name() or DEM
        xy = dem.points_in_dem_crs(graph.node_xy[needed], crs, settings.dem, context, dem_label)
        terrain = dem.read_window(settings.dem, settings.dem_band, xy, dem_label)
        node_dem_xy = np.full((graph.n_nodes, 2), np.nan)
        node_dem_xy[needed] = xy
        notes.append(
            (
                False,
                tr(
                    "Terrain from '{layer}' (band {band}, {crs}): {rows} × {columns} cells read "
                    "under the network."
                ).format(
                    layer=dem_label,
                    band=settings.dem_band,
                    crs=settings.dem.crs().authid() or settings.dem.crs().description(),
                    rows=terrain.shape[0],
                    columns=terrain.shape[1],
                ),
            )
        )
    elif needed is None:
        notes.append((True, tr("No DEM given: the ground is taken as flat.")))
    part_feature = lines.feature_ids.tolist()
    timed, report = walking_time_graph(
        graph,
        settings.walk_speed,
        read.kinds,
        terrain,
        node_dem_xy,
        model=walking_model(),
        line_ids=part_feature,
    )
    notes += _report_notes(report, part_feature, label)
    timed.cache[NOTES_KEY] = tuple(notes)
    return timed


def _report_notes(report, part_feature: List[int], label: str) -> List[Tuple[bool, str]]:
    """What the walking engine's report says, in words naming the network's features."""

    def features(parts) -> List[int]:
        return sorted({part_feature[int(part)] for part in parts})

    notes: List[Tuple[bool, str]] = []
    if report.with_terrain and report.n_missing:
        named = features(np.union1d(report.filled_lines, report.level_lines))
        notes.append(
            (
                True,
                tr(
                    "{missing} of {points} points along '{layer}' have no height in the DEM "
                    "(outside it or on nodata cells), at {nodes} vertices: along a line they are "
                    "filled by a straight grade between the nearest heights the DEM has, and a "
                    "line without any is walked level. Lines concerned (feature ids): {ids}"
                ).format(
                    missing=report.n_missing,
                    points=report.n_points,
                    layer=label,
                    nodes=len(report.missing_nodes),
                    ids=describe_ids(named),
                ),
            )
        )
    if len(report.stairs_from_step_count):
        notes.append(
            (
                False,
                tr(
                    "{count} stairs of '{layer}' have no DEM heights and climb their OSM "
                    "step_count × {height} m; {unknown} of them have no incline tag and are "
                    "climbed both ways: {ids}"
                ).format(
                    count=len(report.stairs_from_step_count),
                    layer=label,
                    height=f"{walking_model().step_height_m:g}",
                    unknown=len(report.stairs_unknown_direction),
                    ids=describe_ids(features(report.stairs_from_step_count)),
                ),
            )
        )
    if len(report.stairs_without_rise):
        notes.append(
            (
                True,
                tr(
                    "{count} stairs of '{layer}' have neither DEM heights nor a step_count: "
                    "only their run is walked, no climb: {ids}"
                ).format(
                    count=len(report.stairs_without_rise),
                    layer=label,
                    ids=describe_ids(features(report.stairs_without_rise)),
                ),
            )
        )
    return notes
