"""The map book from start to finish: read, plan, style, lay out — then export or render.

``exportatlas`` writes the book as PDF (and PNG) files; ``exportworkbook`` places the same
pages' maps in the evaluation workbook. Both go through :func:`prepare_book`, so a
community's map looks the same wherever it appears.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from qgis.core import QgsFeatureRequest, QgsVectorLayer, QgsVectorLayerSimpleLabeling
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QRectF
from qgis.PyQt.QtGui import QImage

from ...i18n import translator_for
from ...resources import plugin_version
from ...scoring.errors import N_, DataError
from ...scoring.mapbook import BookFile, plan_book
from ...scoring.rubric import load_rubric
from ...scoring.standard import load_standard
from .book_data import BookInputs, BookLayers, PageTexts, make_layers, read_book
from .book_export import BookTarget, export_book, render_region
from .book_layout import (
    PAGE_SIZES,
    LayoutWords,
    PageSize,
    build_layout,
    names_column_ems,
    overview_rows,
    table_rows,
)
from .fonts import BookFonts, book_fonts, needs_chinese
from .styles import StyleSettings, apply_style

_NO_FONT = N_(
    "No font for Chinese text is installed, so the map book would show empty boxes instead of "
    "Chinese characters. Install one and run again — Debian or Ubuntu: sudo apt-get install "
    "fonts-noto-cjk; Windows: Microsoft YaHei (微软雅黑); macOS: PingFang SC."
)


@dataclass
class BookOptions:
    """How the book is made: its title, language (``zh_CN`` / ``en``), paper, the communities
    (all when empty), one file or one per district, and the credits in its footer."""

    title: str
    language: str = "zh_CN"
    page_size: PageSize = PAGE_SIZES[0]
    chosen: Sequence[str] = ()
    by_district: bool = False
    sources: Sequence[str] = ()  # the data the book is made from, by name
    osm: bool = False  # the data comes from OpenStreetMap: its attribution is required
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())


@dataclass
class PreparedBook:
    """A map book ready to export: its files, layers (kept alive with it) and layout."""

    files: List[BookFile]
    layers: BookLayers
    layout: object
    fonts: BookFonts

    @property
    def page_count(self) -> int:
        return sum(book.page_count for book in self.files)

    def export(
        self,
        targets: Sequence[Path],
        image_folder: Optional[Path],
        dpi: float,
        feedback,
    ) -> List[Path]:
        """Write file ``i`` of the book to ``targets[i]``; PNG pages into ``image_folder``."""
        return export_book(
            self.layout,
            [
                BookTarget(index, Path(path), book.page_count)
                for index, (path, book) in enumerate(zip(targets, self.files))
            ],
            image_folder,
            dpi,
            feedback,
        )

    def close(self) -> None:
        """Delete the layout, then the book's project with its layers: now, in this order,
        in the thread that made them. Left to Python's garbage collector they would go at some
        later moment, in any order, with a layout's items pointing at its deleted project."""
        layout, self.layout = self.layout, None
        if layout is not None:
            sip.delete(layout)
        project = self.layers.project
        if project is not None and not sip.isdeleted(project):
            project.removeAllMapLayers()
            sip.delete(project)

    def map_images(self, dpi: float, feedback) -> Dict[Optional[str], QImage]:
        """Each page's map frame with the legend beside it, as an image, by community id
        (None: the overview of the first file)."""
        atlas = self.layout.atlas()
        atlas.setFilterFeatures(False)
        atlas.beginRender()
        images: Dict[Optional[str], QImage] = {}
        region = _map_and_legend(self.layout)
        try:
            for number in range(atlas.count()):
                if feedback is not None and feedback.isCanceled():
                    break
                atlas.seekTo(number)
                feature = self.layout.reportContext().feature()
                key = feature["community_id"] if feature["kind"] == "community" else None
                if key is None and None in images:
                    continue
                images[key] = render_region(self.layout, region, dpi)
        finally:
            atlas.endRender()
        return images


def _map_and_legend(layout) -> QRectF:
    map_item, legend = layout.itemById("map"), layout.itemById("legend")
    rect = QRectF(map_item.pos(), map_item.rect().size())
    if legend is not None:
        rect = rect.united(QRectF(legend.pos(), legend.rect().size()))
    return rect


def prepare_book(
    inputs: BookInputs, options: BookOptions, crs, context, feedback, locate
) -> PreparedBook:
    """Read the inputs, plan the pages and build the styled layers and the layout."""
    translate = translator_for(options.language)
    standard = inputs.standard or load_standard()
    inputs.standard = standard
    rubric = inputs.rubric or load_rubric(None, standard)
    data = read_book(inputs, crs, context, feedback, locate)
    files = plan_book(
        data.communities,
        data.compounds,
        options.chosen,
        options.by_district,
        layer=inputs.communities.label,
    )
    locale = "zh" if options.language.startswith("zh") else "en"
    type_names = {kind.code: kind.display_name(locale) for kind in standard.types}
    texts = PageTexts(
        translate=translate,
        title=options.title or translate(N_("Complete community evaluation")),
        date=options.date,
        grade_names={band.code: band.name.get(locale) for band in rubric.grades},
        maximum=rubric.total,
        type_names=type_names,
        names_width_ems=names_column_ems(options.page_size),
        table_rows=table_rows(options.page_size),
        overview_rows=overview_rows(options.page_size),
    )
    layers = make_layers(data, files, texts, _layer_names(translate))
    if inputs.network is not None:
        layers.network = _drawing_copy(inputs.network, translate(N_("Walking network")))
        layers.project.addMapLayer(layers.network, False)
    settings = StyleSettings(options.language, standard, rubric, compact=True)
    _style(layers, settings)
    fonts = _fonts_for(layers, texts)
    _label_fonts(layers, fonts)
    words = LayoutWords(
        legend=translate(N_("Legend")),
        table_headings=(
            translate(N_("Compound")),
            translate(N_("Residents")),
            translate(N_("Missing")),
            translate(N_("Mandatory types not within reach")),
        ),
        overview_headings=(
            translate(N_("Community")),
            translate(N_("Residents")),
            translate(N_("All within reach")),
            translate(N_("Total · grade (* provisional)")),
        ),
        sources=_credits(options, standard, translate),
        page_number=translate(N_("Page {page} of {pages}")),
    )
    layout = build_layout(layers, options.page_size, fonts, words)
    return PreparedBook(files=files, layers=layers, layout=layout, fonts=fonts)


def _layer_names(translate) -> Dict[str, str]:
    return {
        "pages": translate(N_("Map book pages")),
        "compounds": translate(N_("Compounds: mandatory facility types within reach")),
        "communities": translate(N_("Community boundary")),
        "districts": translate(N_("District boundary")),
        "facilities": translate(N_("Facilities by type")),
    }


def _drawing_copy(layer: QgsVectorLayer, name: str) -> QgsVectorLayer:
    """A layer of the book's own over the same data: the book's project owns its layers, and
    must not take (or restyle) a layer of the user's project."""
    if layer.providerType() != "memory":
        copy = QgsVectorLayer(layer.source(), name, layer.providerType())
        if copy.isValid():
            copy.setSubsetString(layer.subsetString())
            return copy
    copy = layer.materialize(QgsFeatureRequest())
    copy.setName(name)
    return copy


def _style(layers: BookLayers, settings: StyleSettings) -> None:
    apply_style(layers.compounds, "gap_units", settings)
    apply_style(layers.communities, "community_boundaries", settings)
    apply_style(layers.pages, "atlas_focus", settings)
    if layers.districts is not None:
        apply_style(layers.districts, "district_boundaries", settings)
    if layers.facilities is not None:
        apply_style(layers.facilities, "facilities", settings)
    if layers.network is not None:
        apply_style(layers.network, "walking_network", settings)


def _fonts_for(layers: BookLayers, texts: PageTexts) -> BookFonts:
    """Fonts that write every text of the book; refuses when Chinese is needed and no font
    has it (the book would be boxes)."""
    fonts = book_fonts()
    if fonts.chinese is None:
        words: List[Optional[str]] = [texts.title, texts.translate("Legend")]
        for feature in layers.pages.getFeatures():
            words += [feature["title"], feature["subtitle"], feature["stats_text"]]
        for feature in layers.compounds.getFeatures():
            words += [feature["label"], feature["missing_text"]]
        if needs_chinese(words):
            raise DataError(_NO_FONT)
    return fonts


def _label_fonts(layers: BookLayers, fonts: BookFonts) -> None:
    """The map labels (community names) in the book's fonts, not the system's default."""
    for layer in (layers.communities, layers.districts):
        if layer is None or layer.labeling() is None:
            continue
        settings = layer.labeling().settings()
        text_format = settings.format()
        font = fonts.font()
        font.setBold(text_format.font().bold())
        text_format.setFont(font)
        settings.setFormat(text_format)
        layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))


def _credits(options: BookOptions, standard, translate) -> str:
    """The footer: where the data come from, the standard, when and with what it was made,
    and the OpenStreetMap attribution the ODbL requires wherever the data are OSM's."""
    separator = translate(N_(", "))
    parts = [
        translate(N_("Data: {sources}.")).format(sources=separator.join(options.sources) or "–"),
        translate(N_("Facility standard: {standard}.")).format(
            standard=standard.display_name("zh" if options.language.startswith("zh") else "en")
        ),
        translate(N_("Made on {date} with the Complete Community Toolkit {version}.")).format(
            date=options.date, version=plugin_version()
        ),
    ]
    if options.osm:
        parts.append(translate(N_("Map data © OpenStreetMap contributors, ODbL 1.0.")))
    return " ".join(parts)
