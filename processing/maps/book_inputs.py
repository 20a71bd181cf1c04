"""Reading a map book's inputs from an algorithm's parameters, for every algorithm that draws
one: ``exportatlas`` (the PDF book) and ``exportworkbook`` (the same maps in the workbook).

Both name the layers the same way (COMMUNITIES, GAPS, DISTRICTS, FACILITIES, NETWORK …), so the
parameters that are only drawn (facilities by type, the walking network) and the reading of
all of them are declared once here, as a mixin of :class:`..base.BaseAlgorithm`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from qgis.core import (
    QgsCoordinateTransform,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
)

from ...i18n import tr
from ...scoring.rubric import Rubric, community_key, load_rubric
from ...scoring.standard import FacilityStandard
from .. import compat
from ..community_scoring import Communities
from ..layers import read_points
from ..network_inputs import NETWORK
from .book_data import SCORE_FIELDS, BookInputs, SourceFields

#: Field names that mark a layer as made from OpenStreetMap (GDAL's OSM driver, our sample).
OSM_FIELDS = ("osm_id", "osm_way_id", "other_tags", "osm_source", "osm_tag")


class BookReading:
    """The map book's drawn-only parameters and the reading of its inputs (a mixin)."""

    NETWORK = NETWORK
    SCORES = "SCORES"

    def add_drawing_parameters(self, facilities_help: str, network_help: str) -> None:
        """Facilities (drawn by type) and the walking network: optional, only drawn."""
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.FACILITIES,
                tr("Facilities"),
                [
                    compat.ProcessingSourceType.VectorPolygon,
                    compat.ProcessingSourceType.VectorPoint,
                ],
                optional=True,
            ),
            facilities_help,
        )
        self.add_type_field_parameter(optional=True)
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.NETWORK,
                tr("Walking network"),
                [compat.ProcessingSourceType.VectorLine],
                optional=True,
            ),
            network_help,
        )

    def book_inputs(
        self,
        parameters,
        context,
        standard: FacilityStandard,
        rubric: Optional[Rubric] = None,
        score_rows: Optional[Dict[str, Dict[str, Any]]] = None,
    ) -> BookInputs:
        """The book's layers and fields; the scores from ``score_rows`` when given, else from
        the SCORES layer (when the algorithm has one and it is given)."""
        fields = lambda name: self.parameterAsString(parameters, name, context)  # noqa: E731
        communities = self.fields_of(
            parameters,
            context,
            self.COMMUNITIES,
            id_field=fields(self.COMMUNITY_ID_FIELD),
            name_field=fields(self.COMMUNITY_NAME_FIELD),
            parent_field=fields(self.COMMUNITY_DISTRICT_FIELD),
        )
        gaps = self.fields_of(
            parameters,
            context,
            self.GAPS,
            id_field=fields(self.GAP_ID_FIELD),
            name_field=fields(self.GAP_NAME_FIELD),
            parent_field=fields(self.GAP_COMMUNITY_FIELD),
            population_field=fields(self.GAP_POPULATION_FIELD),
        )
        if not [name for name in gaps.source.fields().names() if name.startswith("ok_")]:
            raise QgsProcessingException(
                tr(
                    "Layer '{layer}' has no ok_T fields: give the units output of the facility "
                    "gap analysis."
                ).format(layer=gaps.label)
            )
        districts = self.optional_fields_of(
            parameters,
            context,
            self.DISTRICTS,
            id_field=fields(self.DISTRICT_ID_FIELD),
            name_field=fields(self.DISTRICT_NAME_FIELD),
        )
        facilities = self.optional_fields_of(
            parameters, context, self.FACILITIES, id_field=fields(self.TYPE_FIELD)
        )
        if facilities is not None and not facilities.id_field:
            raise QgsProcessingException(
                tr("Give the facility type field of layer '{layer}'.").format(
                    layer=facilities.label
                )
            )
        scores = None
        if score_rows is None and self.parameterDefinition(self.SCORES) is not None:
            scores = self.optional_fields_of(parameters, context, self.SCORES)
            if scores is not None:
                for name in SCORE_FIELDS:
                    self.check_field(scores.source, self.SCORES, name)
        if rubric is None:
            rubric = load_rubric(
                self.parameterAsFile(parameters, self.RUBRIC, context) or None, standard
            )
        network = None
        if self.parameterAsSource(parameters, self.NETWORK, context) is not None:
            network = self.parameterAsVectorLayer(parameters, self.NETWORK, context)
        return BookInputs(
            communities=communities,
            gaps=gaps,
            districts=districts,
            facilities=facilities,
            network=network,
            scores=scores,
            standard=standard,
            rubric=rubric,
            score_rows=score_rows,
        )

    def fields_of(self, parameters, context, name: str, **fields: str) -> SourceFields:
        source = self.required_source(parameters, name, context)
        for field_name in fields.values():
            self.check_field(source, name, field_name)
        return SourceFields(source, self.label(source, name), **fields)

    def optional_fields_of(self, parameters, context, name: str, **fields: str):
        if self.parameterAsSource(parameters, name, context) is None:
            return None
        return self.fields_of(parameters, context, name, **fields)

    def locator(self, communities: SourceFields, crs, context, feedback):
        """The community holding each compound point (in ``crs``), for a gap result that
        names no community: the same placing rubric scoring uses."""
        source = communities.source
        transform = QgsCoordinateTransform(source.sourceCrs(), crs, context.transformContext())
        points = read_points(
            source, transform, feedback, (communities.id_field,), keep_features=True
        )
        ids = [community_key(value) for value in points.attributes[communities.id_field]]
        located = Communities(
            source, communities.label, ids, [None] * len(ids), points.features, transform, {}
        )
        return located.locate

    def drawn_sources(self) -> List[str]:
        names = [self.GAPS, self.COMMUNITIES, self.DISTRICTS, self.FACILITIES, self.NETWORK]
        if self.parameterDefinition(self.SCORES) is not None:
            names.append(self.SCORES)
        return names

    def source_names(self, parameters, context) -> List[str]:
        """The footer's data sources: the input layers' names, each once."""
        names: List[str] = []
        for name in self.drawn_sources():
            source = self.parameterAsSource(parameters, name, context)
            if source is not None and source.sourceName() not in names:
                names.append(source.sourceName())
        return names

    def is_osm(self, parameters, context) -> bool:
        """Whether an input has OpenStreetMap's fields (its attribution is then required)."""
        for name in (self.GAPS, self.COMMUNITIES, self.DISTRICTS, self.FACILITIES, self.NETWORK):
            source = self.parameterAsSource(parameters, name, context)
            if source is not None and set(OSM_FIELDS) & set(source.fields().names()):
                return True
        return False
