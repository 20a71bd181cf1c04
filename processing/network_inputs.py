"""The walking network's inputs, declared once and read once for every algorithm that walks.

DESIGN §4 names them: the line layer (``NETWORK``), how points join it and how its lines join
each other (``SNAP_TOLERANCE``, ``TOPOLOGY_TOLERANCE``). :func:`add_network_inputs` declares
them on an algorithm with their titles, defaults, help and advanced flags;
:func:`read_network_inputs` checks them, builds (or reuses, see ``graph_cache.py``) the graph
and returns one :class:`NetworkInputs` that the facility gap, tiered provision and plan
scenario all take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
)

from ..i18n import tr
from ..scoring.network import build_graph
from . import compat
from .graph_cache import GRAPHS, network_key
from .layers import read_lines, transform_to

NETWORK = "NETWORK"
SNAP_TOLERANCE = "SNAP_TOLERANCE"
TOPOLOGY_TOLERANCE = "TOPOLOGY_TOLERANCE"

#: Where a graph keeps the notes (warning?, text) of its building, for the log of every run.
NOTES_KEY = "network_notes"


def add_network_inputs(algorithm, network_help: str, snap_help: Optional[str] = None) -> None:
    """Declare the network's parameters on ``algorithm`` (a ``BaseAlgorithm``): the help of
    the network and of the snap tolerance says what the algorithm uses them for."""
    add = algorithm.add_parameter
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


@dataclass
class NetworkInputs:
    """What every walking algorithm starts from: the graph (None: straight-line) and how
    points join it."""

    graph: Any
    snap_tolerance: float
    topology_tolerance: float
    notes: List[Tuple[bool, str]] = field(default_factory=list)

    @property
    def route_mode(self) -> str:
        """``network`` or ``straight_line``: how routes were found (the ``route_mode`` field)."""
        return "straight_line" if self.graph is None else "network"

    @property
    def measure_name(self) -> str:
        """What the figures measure (the ``measure`` field): metres of walking."""
        return "distance"


def read_network_inputs(algorithm, parameters, context, crs, steps, feedback) -> NetworkInputs:
    """The network's inputs, checked, and the graph (None without a network).

    A graph built earlier in the session from the same unchanged layer with the same settings
    is reused (see ``graph_cache.py``), with its notes logged again.
    """
    inputs = NetworkInputs(
        graph=None,
        snap_tolerance=algorithm.parameterAsDouble(parameters, SNAP_TOLERANCE, context),
        topology_tolerance=algorithm.parameterAsDouble(parameters, TOPOLOGY_TOLERANCE, context),
    )
    network = algorithm.parameterAsSource(parameters, NETWORK, context)
    if network is None:
        feedback.pushWarning(
            tr("No walking network given: distances are straight-line, not walking distances.")
        )
        return inputs
    label = algorithm.label(network, NETWORK)
    transform = transform_to(network, crs, label, context, feedback)
    key = network_key(
        algorithm.parameterAsVectorLayer(parameters, NETWORK, context),
        parameters.get(NETWORK),
        transform,
        context,
        inputs.topology_tolerance,
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
        GRAPHS.put(key, graph)
    inputs.graph = graph
    # What building found, kept with the graph for a re-run's log.
    inputs.notes = list(graph.cache.get(NOTES_KEY, ()))
    for warning, text in inputs.notes:
        (feedback.pushWarning if warning else feedback.pushInfo)(text)
    feedback.pushInfo(
        tr("Walking network: {nodes} nodes, {edges} edges, {components} connected parts.").format(
            nodes=graph.n_nodes, edges=graph.n_edges, components=graph.n_components
        )
    )
    return inputs
