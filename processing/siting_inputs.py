"""The candidate sites of ``suggestsites`` read from QGIS: a layer of points or polygons, or
points proposed along the walking network's lines where a facility may stand.

Kept beside the algorithm so that its file holds only parameters and calls (BRIEF: thin
adapters); the placing and choosing itself is in :mod:`..scoring.siting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional

import numpy as np
from qgis.core import (
    QgsExpression,
    QgsFeature,
    QgsFeatureRequest,
    QgsProcessingException,
)

from ..i18n import tr
from ..scoring.siting import CandidateSet, check_candidate_ids
from ..scoring.siting.candidates import propose_sites
from . import compat
from .layers import describe_ids, measured_geometry, read_lines, read_points, transform_to
from .network_inputs import NETWORK
from .network_lines import OSM_TAGS_FIELD, osm_tag_expression

#: OSM ``highway`` values no site is proposed on: roads people may not walk along (motorways,
#: expressways) and lines that are not roads yet (construction, proposed) or not for people.
UNWALKABLE_HIGHWAYS = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "construction",
    "proposed",
    "raceway",
    "bus_guideway",
    "busway",
)
#: OSM keys whose "yes" (any value but no) marks a bridge or tunnel: walked over, not built on.
STRUCTURE_KEYS = ("bridge", "tunnel")
#: OSM keys whose "no" says people may not walk the line at all.
NO_FOOT_KEYS = ("foot",)


@dataclass
class CandidatesRead:
    """Candidate sites: from a layer (``candidates`` in the measuring CRS, with the features,
    their land areas, the layer's fields, geometry type and the transform into the measuring
    CRS), or proposed along the network during the run (``propose``; the sites proposed are
    then the suggestion's candidates)."""

    candidates: Optional[CandidateSet] = None
    features: List[QgsFeature] = field(default_factory=list)
    land_area: List[Optional[float]] = field(default_factory=list)
    fields: Any = None
    wkb_type: Any = None
    transform: Any = None
    propose: Optional[Callable[[np.ndarray, float], CandidateSet]] = None
    skipped_small: List[str] = field(default_factory=list)

    @property
    def proposed(self) -> bool:
        return self.propose is not None

    def domain_input(self):
        """What :func:`..scoring.siting.suggest_sites` takes as its candidates."""
        return self.propose if self.propose is not None else self.candidates


def read_candidate_layer(
    algorithm, source, id_field: str, crs, min_land_area: Optional[float], context, feedback
) -> CandidatesRead:
    """The layer's features as candidates: points as they are, polygons at their point on
    surface; polygons smaller than ``min_land_area`` (m², the standard's minimum land area of
    the type) are skipped and listed, features without geometry listed and skipped."""
    label = algorithm.label(source, algorithm.CANDIDATES)
    algorithm.check_field(source, algorithm.CANDIDATES, id_field)
    transform = transform_to(source, crs, label, context, feedback)
    attributes = (id_field,) if id_field else ()
    points = read_points(source, transform, feedback, attributes, keep_features=True)
    ids = algorithm.feature_names(points, id_field)
    try:
        check_candidate_ids(ids)
    except Exception as error:  # the DataError naming the id, with the layer said too
        raise QgsProcessingException(
            tr("Layer '{layer}': {message}").format(layer=label, message=error.message(tr))
        ) from None
    algorithm.report_geometry(points, ids, label, feedback)
    located = np.isfinite(points.xy).all(axis=1)
    areas: List[Optional[float]] = [None] * len(ids)
    if compat.is_polygon(source):
        for row, feature in enumerate(points.features):
            geometry = measured_geometry(feature, transform) if located[row] else None
            areas[row] = geometry.area() if geometry is not None else None
    small = [
        row
        for row, area in enumerate(areas)
        if min_land_area and area is not None and area < float(min_land_area)
    ]
    keep = located.copy()
    keep[small] = False
    rows = np.flatnonzero(keep)
    skipped = [f"{ids[row]} ({areas[row]:.0f} m²)" for row in small]
    if skipped:
        feedback.pushWarning(
            tr(
                "Layer '{layer}': {count} candidate polygons are smaller than the standard's "
                "minimum land area of {area} m² for this type and were skipped: {ids}"
            ).format(
                layer=label,
                count=len(skipped),
                area=f"{float(min_land_area):g}",
                ids=describe_ids(skipped),
            )
        )
    return CandidatesRead(
        candidates=CandidateSet(xy=points.xy[rows], ids=[ids[row] for row in rows]),
        features=[points.features[row] for row in rows],
        land_area=[areas[row] for row in rows],
        fields=source.fields(),
        wkb_type=source.wkbType(),
        transform=transform,
        skipped_small=skipped,
    )


def exclusion_expression(network, user_expression: str) -> str:
    """The expression naming the network lines no site is proposed on: the user's, or the
    built-in rule over the OSM tags the layer holds — as fields of their own, or in GDAL's
    ``other_tags`` (an OSM extract read as it comes); "" when it holds none of them."""
    if user_expression.strip():
        return user_expression
    names = set(network.fields().names())
    from_tags = OSM_TAGS_FIELD in names

    def tag(key: str) -> str:
        if key in names:
            return QgsExpression.quotedColumnRef(key)
        return osm_tag_expression(key) if from_tags else ""

    clauses = []
    highway = tag("highway")
    if highway:
        values = ", ".join(f"'{value}'" for value in UNWALKABLE_HIGHWAYS)
        clauses.append(f"{highway} IN ({values})")
    for key in (*STRUCTURE_KEYS, *NO_FOOT_KEYS):
        value = tag(key)
        if not value:
            continue
        text = f"lower(to_string({value}))"
        if key in STRUCTURE_KEYS:
            clauses.append(f"coalesce({text}, 'no') NOT IN ('no', '', '0', 'false')")
        else:
            clauses.append(f"coalesce({text}, '') = 'no'")
    return " OR ".join(clauses)


def site_lines(algorithm, network, crs, user_expression: str, context, feedback):
    """The network's lines that may carry a proposed site, as arrays in the measuring CRS."""
    label = algorithm.label(network, NETWORK)
    expression = exclusion_expression(network, user_expression)
    excluded = np.zeros(0, dtype=np.int64)
    if expression:
        _check_expression(expression, network, label)
        request = QgsFeatureRequest()
        request.setFlags(compat.FeatureRequestFlag.NoGeometry)
        request.setNoAttributes()
        request.setFilterExpression(expression)
        excluded = np.unique(
            np.fromiter((feature.id() for feature in network.getFeatures(request)), np.int64)
        )
        feedback.pushInfo(
            tr(
                "No sites are proposed on {count} lines of layer '{layer}' where {expression}"
            ).format(count=excluded.size, layer=label, expression=expression)
        )
    else:
        feedback.pushWarning(
            tr(
                "Layer '{layer}' has no highway, bridge or tunnel field: sites may be proposed "
                "on any of its lines (give an expression for lines without sites to exclude "
                "some)."
            ).format(layer=label)
        )
    lines = read_lines(network, transform_to(network, crs, label, context, feedback), feedback)
    allowed = ~np.isin(lines.feature_ids, excluded)
    return [part for part, keep in zip(lines.parts, allowed.tolist()) if keep]


def _check_expression(expression: str, network, label: str) -> None:
    """The user's expression must parse and name only fields the layer has."""
    parsed = QgsExpression(expression)
    if parsed.hasParserError():
        raise QgsProcessingException(
            tr("The expression for lines without sites is not valid: {error}").format(
                error=parsed.parserErrorString()
            )
        )
    missing = sorted(
        name
        for name in parsed.referencedColumns()
        if name != QgsFeatureRequest.ALL_ATTRIBUTES and network.fields().lookupField(name) < 0
    )
    if missing:
        raise QgsProcessingException(
            tr(
                "The expression for lines without sites names fields layer '{layer}' does "
                "not have: {fields}"
            ).format(layer=label, fields=", ".join(missing))
        )


def proposed_candidates(graph, lines, spacing: float, feedback) -> CandidatesRead:
    """Candidates proposed during the run: points along ``lines`` near the compounds not
    served, with generated ids (P1, P2 …, in line order, then along each line)."""

    def propose(demand_xy: np.ndarray, reach: float) -> CandidateSet:
        sites = propose_sites(graph, lines, spacing, demand_xy, reach)
        feedback.pushInfo(
            tr(
                "{count} candidate sites proposed along the walking network, about {spacing} m "
                "apart, within {reach} m of compounds not served."
            ).format(count=len(sites.xy), spacing=f"{spacing:g}", reach=f"{reach:g}")
        )
        ids = [f"P{number}" for number in range(1, len(sites.xy) + 1)]
        return CandidateSet(xy=sites.xy, ids=ids, snaps=sites.snaps)

    return CandidatesRead(propose=propose)
