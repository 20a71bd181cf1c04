"""The map book's data: the inputs read into records, and the memory layers the pages draw.

Everything a page shows is prepared here as attributes of small memory layers in one projected
CRS: the compounds with their share of mandatory types within reach and the text of their
table row, the communities, districts and facilities (with their type codes), and the atlas
coverage layer ``pages`` — one feature per page, overviews first, holding each page's texts.
The layout (``book_layout.py``) then only places items that show these attributes, so that a
user's own layout can show them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from ...scoring.errors import N_
from ...scoring.mapbook import (
    SHARE_FIELD,
    BookFile,
    CommunityRecord,
    CompoundRecord,
    Text,
    community_row,
    community_stats,
    counted_codes,
    missing_codes,
    missing_names,
    overview_note,
    overview_stats,
    page_title,
    score_texts,
    share_within_reach,
    table_note,
)
from ...scoring.rubric import Rubric, community_key
from ...scoring.standard import FacilityStandard
from .. import compat
from ..layers import measured_geometry, python_value, read_points

KIND_OVERVIEW = "overview"
KIND_COMMUNITY = "community"


@dataclass
class SourceFields:
    """A layer and the names of its fields the book reads (empty: not given)."""

    source: Any
    label: str
    id_field: str = ""
    name_field: str = ""
    parent_field: str = ""  # the community of a compound, the district of a community
    population_field: str = ""


@dataclass
class BookInputs:
    """What the map book is drawn from; the optional layers may be None."""

    communities: SourceFields
    gaps: SourceFields
    districts: Optional[SourceFields] = None
    facilities: Optional[SourceFields] = None  # id_field holds the type field
    network: Any = None  # a layer drawn as it is
    scores: Optional[SourceFields] = None
    standard: Optional[FacilityStandard] = None
    rubric: Optional[Rubric] = None
    #: Scores already worked out (community id as text -> the values of SCORE_FIELDS), used
    #: instead of a scores layer: the workbook's maps show the scores its forms show.
    score_rows: Optional[Dict[str, Dict[str, Any]]] = None


@dataclass
class BookData:
    """The records read and their geometries in the book's CRS, by id."""

    crs: Any
    communities: List[CommunityRecord]
    compounds: List[CompoundRecord]
    community_geometry: Dict[str, QgsGeometry]
    compound_geometry: List[Optional[QgsGeometry]]
    districts: List[Tuple[str, Optional[str], QgsGeometry]] = field(default_factory=list)
    facilities: List[Tuple[str, Optional[str], QgsGeometry]] = field(default_factory=list)
    counted: List[str] = field(default_factory=list)  # the type codes a gap counts
    sources_used: List[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_book(inputs: BookInputs, crs, context, feedback, locate) -> BookData:
    """Read every input into records in ``crs``. ``locate(xy)`` gives the community id
    holding each point (used when the gap result names no community)."""
    standard = inputs.standard
    communities, community_geometry = _read_communities(inputs, crs, context, feedback)
    compounds, compound_geometry, counted = _read_compounds(
        inputs, standard, crs, context, feedback, locate
    )
    data = BookData(
        crs=crs,
        communities=communities,
        compounds=compounds,
        community_geometry=community_geometry,
        compound_geometry=compound_geometry,
        counted=counted,
    )
    if inputs.districts is not None:
        data.districts = _read_named(inputs.districts, crs, context, feedback)
    if inputs.facilities is not None:
        data.facilities = _read_facilities(inputs.facilities, standard, crs, context, feedback)
    return data


def _transform(source, crs, context) -> QgsCoordinateTransform:
    return QgsCoordinateTransform(source.sourceCrs(), crs, context.transformContext())


def _read_communities(inputs: BookInputs, crs, context, feedback):
    fields = inputs.communities
    wanted = _names(fields.id_field, fields.name_field, fields.parent_field)
    transform = _transform(fields.source, crs, context)
    points = read_points(fields.source, transform, feedback, wanted, keep_features=True)
    scores = inputs.score_rows
    if scores is None:
        scores = _read_scores(inputs.scores, context, feedback) if inputs.scores else {}
    district_names = _district_names(inputs.districts, context, feedback)
    records, geometry = [], {}
    for index, feature in enumerate(points.features):
        key = community_key(points.attributes[fields.id_field][index])
        if not key:
            continue
        name = _text(points.attributes[fields.name_field][index]) if fields.name_field else None
        district = (
            community_key(points.attributes[fields.parent_field][index])
            if fields.parent_field
            else None
        ) or None
        score = scores.get(key, {})
        records.append(
            CommunityRecord(
                community_id=key,
                name=name,
                district_id=district,
                district_name=district_names.get(district or ""),
                total=score.get("total"),
                upper_bound=score.get("upper_bound"),
                grade=score.get("grade"),
                provisional=bool(score.get("provisional")),
            )
        )
        polygon = measured_geometry(feature, transform)
        if polygon is not None:
            geometry[key] = polygon
    return records, geometry


#: The fields of the rubric scores layer (``completecommunity:rubricscore``) the book shows.
SCORE_FIELDS = ("community_id", "total", "upper_bound", "grade", "provisional")


def _read_scores(scores: SourceFields, context, feedback) -> Dict[str, Dict[str, Any]]:
    identity = _transform(scores.source, scores.source.sourceCrs(), context)
    points = read_points(scores.source, identity, feedback, SCORE_FIELDS)
    found: Dict[str, Dict[str, Any]] = {}
    for index in range(len(points.feature_ids)):
        row = {name: points.attributes[name][index] for name in SCORE_FIELDS}
        key = community_key(row["community_id"])
        if key:
            found[key] = row
    return found


def _district_names(districts: Optional[SourceFields], context, feedback) -> Dict[str, Any]:
    if districts is None or not districts.id_field:
        return {}
    wanted = _names(districts.id_field, districts.name_field)
    identity = _transform(districts.source, districts.source.sourceCrs(), context)
    points = read_points(districts.source, identity, feedback, wanted)
    names = {}
    for index in range(len(points.feature_ids)):
        key = community_key(points.attributes[districts.id_field][index])
        name = (
            _text(points.attributes[districts.name_field][index]) if districts.name_field else None
        )
        names[key] = name
    return names


def _read_compounds(inputs: BookInputs, standard, crs, context, feedback, locate):
    fields = inputs.gaps
    names = list(fields.source.fields().names())
    codes = [name[3:] for name in names if name.startswith("ok_") and len(name) > 3]
    counted = counted_codes(
        codes, [kind.code for kind in standard.types if kind.mandatory], standard.codes()
    )
    wanted = _names(
        fields.id_field,
        fields.name_field,
        fields.parent_field,
        fields.population_field,
        *(f"ok_{code}" for code in counted),
    )
    transform = _transform(fields.source, crs, context)
    points = read_points(fields.source, transform, feedback, wanted, keep_features=True)
    if fields.parent_field:
        community_of = [community_key(v) or None for v in points.attributes[fields.parent_field]]
    else:
        community_of = locate(points.xy)
    records, geometry = [], []
    for index, feature in enumerate(points.features):
        ok = {code: points.attributes[f"ok_{code}"][index] for code in counted}
        identifier = (
            _text(points.attributes[fields.id_field][index]) if fields.id_field else None
        ) or f"#{points.feature_ids[index]}"
        population = (
            _number(points.attributes[fields.population_field][index])
            if fields.population_field
            else None
        )
        records.append(
            CompoundRecord(
                compound_id=identifier,
                name=_text(points.attributes[fields.name_field][index])
                if fields.name_field
                else None,
                community_id=community_of[index],
                population=population,
                missing=missing_codes(ok, counted),
            )
        )
        geometry.append(measured_geometry(feature, transform))
    return records, geometry, counted


def _read_named(fields: SourceFields, crs, context, feedback):
    wanted = _names(fields.id_field, fields.name_field)
    transform = _transform(fields.source, crs, context)
    points = read_points(fields.source, transform, feedback, wanted, keep_features=True)
    found = []
    for index, feature in enumerate(points.features):
        polygon = measured_geometry(feature, transform)
        if polygon is None:
            continue
        key = community_key(points.attributes[fields.id_field][index]) if fields.id_field else ""
        name = _text(points.attributes[fields.name_field][index]) if fields.name_field else None
        found.append((key, name or key or None, polygon))
    return found


def _read_facilities(fields: SourceFields, standard, crs, context, feedback):
    type_field = fields.id_field
    wanted = _names(type_field, fields.name_field)
    transform = _transform(fields.source, crs, context)
    points = read_points(fields.source, transform, feedback, wanted)
    codes, _unknown = standard.classify(points.attributes[type_field])
    found = []
    for index, code in enumerate(codes):
        x, y = points.xy[index]
        if x != x or y != y:
            continue
        name = _text(points.attributes[fields.name_field][index]) if fields.name_field else None
        found.append((code or "", name, QgsGeometry.fromWkt(f"POINT ({x!r} {y!r})")))
    return found


def _names(*names: str) -> Tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))


def _text(value: Any) -> Optional[str]:
    value = python_value(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _number(value: Any) -> Optional[float]:
    value = python_value(value)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# The layers the pages draw
# --------------------------------------------------------------------------------------------


@dataclass
class BookLayers:
    """The layers of one map book, in a project of their own (drawn top to bottom in
    :attr:`drawing_order`); ``pages`` is the atlas coverage layer."""

    project: QgsProject
    pages: QgsVectorLayer
    compounds: QgsVectorLayer
    communities: QgsVectorLayer
    districts: Optional[QgsVectorLayer]
    facilities: Optional[QgsVectorLayer]
    network: Optional[QgsVectorLayer]

    @property
    def drawing_order(self) -> List[QgsVectorLayer]:
        """Top first: facilities, the focus on the page's community, boundaries, streets,
        compounds."""
        order = [self.facilities, self.pages, self.communities, self.districts, self.network]
        return [layer for layer in [*order, self.compounds] if layer is not None]


PAGE_FIELDS = (
    ("kind", "string"),
    ("file_index", "int"),
    ("page_order", "int"),
    ("community_id", "string"),
    ("title", "string"),
    ("subtitle", "string"),
    ("score_text", "string"),
    ("score_note", "string"),
    ("stats_text", "string"),
    ("table_note", "string"),
    ("image_name", "string"),
    # A community's row in its overview's table.
    ("residents", "string"),
    ("share_all", "string"),
    ("score_short", "string"),
)
COMPOUND_FIELDS = (
    ("compound_id", "string"),
    ("label", "string"),
    ("community_id", "string"),
    ("population", "double"),
    ("residents", "string"),
    ("n_missing", "int"),
    ("missing_text", "string"),
    (SHARE_FIELD, "double"),
    ("table_rank", "int"),
)


@dataclass
class PageTexts:
    """How the pages' texts are worded: the translator and the book's title and date."""

    translate: Callable[[str], str]
    title: str
    date: str
    grade_names: Dict[str, str]
    maximum: float
    type_names: Dict[str, str]
    names_width_ems: float = 30.0
    table_rows: int = 8  # compounds listed on a page; the rest are counted in a note
    overview_rows: int = 20  # communities listed on an overview page

    def render(self, text: Optional[Text]) -> Optional[str]:
        return None if text is None else text.render(self.translate)

    def render_lines(self, texts: Sequence[Text]) -> str:
        return "\n".join(text.render(self.translate) for text in texts)


def make_layers(
    data: BookData, files: Sequence[BookFile], texts: PageTexts, layer_names: Dict[str, str]
) -> BookLayers:
    """Memory layers for the book, with the pages of every file in ``files``."""
    project = QgsProject()
    crs = data.crs
    pages = _memory("Polygon", crs, layer_names["pages"], PAGE_FIELDS)
    compounds = _compounds_layer(data, files, texts, crs, layer_names["compounds"])
    communities = _memory(
        "Polygon", crs, layer_names["communities"], (("community_id", "string"), ("name", "string"))
    )
    _add(
        communities,
        [
            ([c.community_id, c.title_name()], data.community_geometry.get(c.community_id))
            for c in data.communities
        ],
    )
    _add(pages, list(_page_rows(data, files, texts)))
    districts = facilities = None
    if data.districts:
        districts = _memory(
            "Polygon",
            crs,
            layer_names["districts"],
            (("district_id", "string"), ("name", "string")),
        )
        _add(districts, [([key, name], polygon) for key, name, polygon in data.districts])
    if data.facilities:
        facilities = _memory(
            "Point",
            crs,
            layer_names["facilities"],
            (("type_code", "string"), ("type_name", "string"), ("name", "string")),
        )
        _add(
            facilities,
            [
                ([code, texts.type_names.get(code, code), name], point)
                for code, name, point in data.facilities
            ],
        )
    layers = [layer for layer in (pages, compounds, communities, districts, facilities) if layer]
    project.addMapLayers(layers, False)
    return BookLayers(project, pages, compounds, communities, districts, facilities, None)


def _compounds_layer(data: BookData, files, texts: PageTexts, crs, name) -> QgsVectorLayer:
    geometry_kind = "Polygon"
    if any(g is not None and not compat.is_polygon(g) for g in data.compound_geometry):
        geometry_kind = "Point"
    layer = _memory(geometry_kind, crs, name, COMPOUND_FIELDS)
    rank = {}
    for book in files:
        for page in book.pages:
            for position, compound in enumerate(page.compounds, start=1):
                rank[id(compound)] = position
    rows = []
    for compound, geometry in zip(data.compounds, data.compound_geometry):
        if geometry is not None and geometry_kind == "Point" and compat.is_polygon(geometry):
            geometry = geometry.pointOnSurface()
        rows.append(
            (
                [
                    compound.compound_id,
                    compound.name or compound.compound_id,
                    compound.community_id,
                    compound.population,
                    "" if compound.population is None else f"{compound.population:,.0f}",
                    len(compound.missing),
                    missing_names(
                        compound.missing, texts.type_names, texts.translate, texts.names_width_ems
                    ),
                    share_within_reach(compound.missing, data.counted),
                    rank.get(id(compound)),
                ],
                geometry,
            )
        )
    _add(layer, rows)
    return layer


def _page_rows(data: BookData, files: Sequence[BookFile], texts: PageTexts):
    order = 0
    for index, book in enumerate(files):
        order += 1
        overview_title = texts.translate(N_("{title}: overview")).format(title=texts.title)
        if book.district_name or book.district_id:
            overview_title = texts.translate(N_("{title} · {district}: overview")).format(
                title=texts.title, district=book.district_name or book.district_id
            )
        yield (
            [
                KIND_OVERVIEW,
                index,
                order,
                None,
                overview_title,
                texts.translate(N_("Complete community map book · {date}")).format(date=texts.date),
                None,
                None,
                texts.render_lines(overview_stats(book)),
                texts.render(overview_note(len(book.pages) - texts.overview_rows)),
                f"{index + 1:02d}_000_overview",
                None,
                None,
                None,
            ],
            _extent_of(
                [data.community_geometry.get(page.community.community_id) for page in book.pages]
            ),
        )
        for number, page in enumerate(book.pages, start=1):
            order += 1
            community = page.community
            score = score_texts(
                community, texts.maximum, texts.grade_names.get(community.grade or "")
            )
            district = community.district_name or community.district_id
            subtitle = f"{district} · {texts.title}" if district else texts.title
            yield (
                [
                    KIND_COMMUNITY,
                    index,
                    order,
                    community.community_id,
                    texts.render(page_title(community)),
                    subtitle,
                    texts.render(score[0]),
                    texts.render(score[1]) if len(score) > 1 else None,
                    texts.render_lines(community_stats(page)),
                    texts.render(table_note(len(page.compounds) - texts.table_rows)),
                    f"{index + 1:02d}_{number:03d}_{_file_safe(community.community_id)}",
                    *community_row(page, texts.grade_names.get(community.grade or "")),
                ],
                data.community_geometry.get(community.community_id),
            )


def _file_safe(text: str) -> str:
    from ...scoring.workbook.names import file_part

    return file_part(text, "community")


def _extent_of(geometries: Sequence[Optional[QgsGeometry]]) -> Optional[QgsGeometry]:
    extent = QgsRectangle()
    extent.setMinimal()
    for geometry in geometries:
        if geometry is not None:
            extent.combineExtentWith(geometry.boundingBox())
    if extent.isEmpty():
        return None
    return QgsGeometry.fromRect(extent)


def _memory(kind: str, crs, name: str, spec) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{kind}?crs={crs.authid() or 'EPSG:4326'}", name, "memory")
    if not crs.authid():
        layer.setCrs(crs)
    fields = QgsFields()
    for field_name, field_kind in spec:
        fields.append(compat.new_field(field_name, field_kind))
    layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    return layer


def _add(layer: QgsVectorLayer, rows) -> None:
    features = []
    for attributes, geometry in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes(list(attributes))
        if geometry is not None:
            feature.setGeometry(geometry)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
