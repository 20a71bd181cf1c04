"""The map book's print layout, built in code for any page size, driven by an atlas.

One layout serves every page: the atlas runs over the ``pages`` layer (an overview feature
first, then one feature per community, see ``book_data.py``), and every item shows the current
page's attributes — the title is ``[% "title" %]``, the map follows the page's extent, the gap
table lists the compounds of the page's community, and items that belong to community pages
only (score, table) are left out of overview pages. Overview pages leave out the facilities
and the walking network, which at city scale would hide the compounds.

Items carry ids (:data:`ITEM_IDS`) so that they can be found in the layout, by tests and by
anyone who saves the layout as a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from qgis.core import (
    QgsLayoutFrame,
    QgsLayoutItem,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutMultiFrame,
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTable,
    QgsLayoutTableColumn,
    QgsLegendStyle,
    QgsPathResolver,
    QgsPrintLayout,
    QgsProperty,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsSymbolLayerUtils,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor

from ...scoring.errors import N_
from .. import compat
from .book_data import KIND_COMMUNITY, KIND_OVERVIEW, BookLayers
from .fonts import BookFonts

MM = QgsUnitTypes.LayoutUnit.LayoutMillimeters
ITEM_IDS = (
    "title",
    "subtitle",
    "map",
    "north_arrow",
    "scale_bar",
    "score",
    "score_note",
    "stats",
    "gap_table",
    "community_table",
    "table_note",
    "legend",
    "sources",
    "page_number",
)
#: From the SVG library every QGIS installation has.
NORTH_ARROW = "arrows/NorthArrow_02.svg"
_COMMUNITY_PAGE = f"\"kind\" = '{KIND_COMMUNITY}'"


@dataclass(frozen=True)
class PageSize:
    """A paper size in millimetres, as it is placed (landscape: width > height)."""

    name: str
    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width >= self.height

    @property
    def scale(self) -> float:
        """Text and symbol sizes grow with the paper: 1 on A4."""
        return min(self.width, self.height) / 210.0


PAGE_SIZES = (
    PageSize(N_("A4 landscape"), 297.0, 210.0),
    PageSize(N_("A3 landscape"), 420.0, 297.0),
    PageSize(N_("A4 portrait"), 210.0, 297.0),
    PageSize(N_("A3 portrait"), 297.0, 420.0),
)


@dataclass(frozen=True)
class LayoutWords:
    """The fixed texts of the layout, in the book's language."""

    legend: str
    table_headings: tuple  # compound, residents, types missing, which
    overview_headings: tuple  # community, residents, share with every type, total · grade
    sources: str
    page_number: str  # a template with {page} and {pages}


@dataclass
class Frames:
    """Where the parts of a page go (mm): rectangles as (x, y, width, height)."""

    title: tuple
    subtitle: tuple
    map: tuple
    score: tuple
    score_note: tuple
    stats: tuple
    table: tuple
    table_note: tuple
    legend: tuple
    sources: tuple
    page_number: tuple


def arrange(page: PageSize) -> Frames:
    """The page's parts: map on the left and a column on the right (landscape), or the map
    above and two columns below (portrait)."""
    s, margin = page.scale, 8.0 * page.scale
    width, height = page.width, page.height
    header = 20.0 * s
    footer = 11.0 * s
    top, bottom = margin + header, height - margin - footer
    gap = 4.0 * s
    if page.landscape:
        map_w = (width - 2 * margin) * 0.63
        column_x = margin + map_w + gap
        column_w = width - margin - column_x
        map_frame = (margin, top, map_w, bottom - top)
        y = top
        score, y = (column_x, y, column_w, 8.0 * s), y + 8.0 * s
        score_note, y = (column_x, y, column_w, 5.0 * s), y + 5.5 * s
        stats, y = (column_x, y, column_w, 16.0 * s), y + 17.0 * s
        table_h = (bottom - y) * 0.5
        table, y = (column_x, y, column_w, table_h), y + table_h
        table_note, y = (column_x, y, column_w, 5.0 * s), y + 6.0 * s
        legend = (column_x, y, column_w, bottom - y)
    else:
        map_h = (bottom - top) * 0.56
        map_frame = (margin, top, width - 2 * margin, map_h)
        y = top + map_h + gap
        left_w = (width - 2 * margin - gap) * 0.55
        right_x = margin + left_w + gap
        right_w = width - margin - right_x
        score, y = (margin, y, left_w, 8.0 * s), y + 8.0 * s
        score_note, y = (margin, y, left_w, 5.0 * s), y + 5.5 * s
        stats, y = (margin, y, left_w, 16.0 * s), y + 17.0 * s
        table, y = (margin, y, left_w, bottom - y - 6.0 * s), bottom - 6.0 * s
        table_note = (margin, y, left_w, 5.0 * s)
        legend = (right_x, top + map_h + gap, right_w, bottom - top - map_h - gap)
    return Frames(
        title=(margin, margin, width - 2 * margin, 10.0 * s),
        subtitle=(margin, margin + 10.5 * s, width - 2 * margin, 6.0 * s),
        map=map_frame,
        score=score,
        score_note=score_note,
        stats=stats,
        table=table,
        table_note=table_note,
        legend=legend,
        sources=(margin, bottom + 2.0 * s, width - 2 * margin - 32.0 * s, footer - 2.0 * s),
        page_number=(width - margin - 30.0 * s, bottom + 2.0 * s, 30.0 * s, 5.0 * s),
    )


def build_layout(
    layers: BookLayers, page: PageSize, fonts: BookFonts, words: LayoutWords
) -> QgsPrintLayout:
    """The map book's layout with its atlas over ``layers.pages``."""
    layout = QgsPrintLayout(layers.project)
    layout.initializeDefaults()
    layout.setName(words.legend)
    paper = layout.pageCollection().page(0)
    paper.setPageSize(QgsLayoutSize(page.width, page.height, MM))
    frames = arrange(page)
    s = page.scale
    text = _TextMaker(fonts, s)

    atlas = layout.atlas()
    atlas.setCoverageLayer(layers.pages)
    atlas.setEnabled(True)
    atlas.setHideCoverage(False)
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"page_order"')
    atlas.setPageNameExpression('"title"')
    atlas.setFilenameExpression('"image_name"')

    map_item = _map(layout, layers, frames.map, s)
    _label(layout, "title", '[% "title" %]', frames.title, text.format(16.0, bold=True))
    _label(layout, "subtitle", '[% "subtitle" %]', frames.subtitle, text.format(9.0, "#404040"))
    _north_arrow(layout, frames.map, s)
    _scale_bar(layout, map_item, frames.map, text.format(7.0), s)

    community_only = QgsProperty.fromExpression(f"NOT ({_COMMUNITY_PAGE})")
    for item_id, expression, frame, text_format in (
        ("score", '[% "score_text" %]', frames.score, text.format(12.0, bold=True)),
        ("score_note", "[% coalesce(\"score_note\", '') %]", frames.score_note, text.format(7.5)),
    ):
        item = _label(layout, item_id, expression, frame, text_format)
        _exclude_when(item, community_only)
    note = "[% coalesce(\"table_note\", '') %]"
    _label(layout, "table_note", note, frames.table_note, text.format(7.0))
    _label(layout, "stats", '[% "stats_text" %]', frames.stats, text.format(8.0))
    table_frame = _gap_table(layout, layers, frames.table, words, text, table_rows(page))
    _exclude_when(table_frame, community_only)
    overview_frame = _overview_table(layout, layers, frames.table, words, text, overview_rows(page))
    _exclude_when(overview_frame, QgsProperty.fromExpression(_COMMUNITY_PAGE))
    _legend(layout, layers, map_item, frames.legend, words.legend, text)
    _label(layout, "sources", words.sources, frames.sources, text.format(6.5, "#404040"))
    page_number = words.page_number.format(
        page="[% @atlas_featurenumber %]", pages="[% @atlas_totalfeatures %]"
    )
    number = _label(layout, "page_number", page_number, frames.page_number, text.format(7.0))
    number.setHAlign(Qt.AlignmentFlag.AlignRight)
    return layout


class _TextMaker:
    """Text formats in the book's font, sized for the paper."""

    def __init__(self, fonts: BookFonts, scale: float) -> None:
        self.fonts = fonts
        self.scale = scale

    def format(self, points: float, colour: str = "#000000", bold: bool = False) -> QgsTextFormat:
        font = self.fonts.font()
        font.setBold(bold)
        text_format = QgsTextFormat()
        text_format.setFont(font)
        text_format.setSize(points * self.scale)
        text_format.setSizeUnit(QgsUnitTypes.RenderUnit.RenderPoints)
        text_format.setColor(QColor(colour))
        return text_format


def _place(item: QgsLayoutItem, frame: tuple) -> None:
    x, y, width, height = frame
    item.attemptMove(QgsLayoutPoint(x, y, MM))
    item.attemptResize(QgsLayoutSize(width, height, MM))


def _label(layout, item_id: str, text: str, frame: tuple, text_format) -> QgsLayoutItemLabel:
    label = QgsLayoutItemLabel(layout)
    label.setId(item_id)
    label.setText(text)
    compat.set_label_text_format(label, text_format)
    label.setVAlign(Qt.AlignmentFlag.AlignTop)
    label.setHAlign(Qt.AlignmentFlag.AlignLeft)
    layout.addLayoutItem(label)
    _place(label, frame)
    return label


def _exclude_when(item: QgsLayoutItem, condition: QgsProperty) -> None:
    """Leave the item out of the pages where ``condition`` holds."""
    properties = item.dataDefinedProperties()
    properties.setProperty(QgsLayoutObject.DataDefinedProperty.ExcludeFromExports, condition)
    item.setDataDefinedProperties(properties)
    item.refreshDataDefinedProperty(QgsLayoutObject.DataDefinedProperty.ExcludeFromExports)


def _map(layout, layers: BookLayers, frame: tuple, scale: float) -> QgsLayoutItemMap:
    map_item = QgsLayoutItemMap(layout)
    map_item.setId("map")
    layout.addLayoutItem(map_item)
    _place(map_item, frame)
    map_item.setCrs(layers.pages.crs())
    everything = layers.drawing_order
    map_item.setLayers(everything)
    map_item.setKeepLayerSet(True)
    map_item.setExtent(_fitted(layers.pages.extent(), frame[2] / frame[3]))
    map_item.setAtlasDriven(True)
    map_item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    map_item.setAtlasMargin(0.12)
    map_item.setFrameEnabled(True)
    map_item.setFrameStrokeColor(QColor("#505050"))
    map_item.setFrameStrokeWidth(QgsLayoutMeasurement(0.3 * scale, MM))
    overview = [layer for layer in everything if layer not in (layers.facilities, layers.network)]
    names = {
        KIND_OVERVIEW: "|".join(layer.name() for layer in overview),
        KIND_COMMUNITY: "|".join(layer.name() for layer in everything),
    }
    expression = (
        f"if(\"kind\" = '{KIND_OVERVIEW}', {_quote(names[KIND_OVERVIEW])}, "
        f"{_quote(names[KIND_COMMUNITY])})"
    )
    properties = map_item.dataDefinedProperties()
    properties.setProperty(
        QgsLayoutObject.DataDefinedProperty.MapLayers, QgsProperty.fromExpression(expression)
    )
    map_item.setDataDefinedProperties(properties)
    return map_item


def _fitted(extent: QgsRectangle, ratio: float) -> QgsRectangle:
    """``extent`` grown to the width / height ``ratio`` of the map frame, about its centre.

    A map item's first extent must have the frame's proportions: ``setExtent`` would resize
    the frame to the extent's, and a new item has no extent for ``zoomToExtent`` to keep the
    proportions of.
    """
    width, height = max(extent.width(), 1.0), max(extent.height(), 1.0)
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    centre = extent.center()
    return QgsRectangle(
        centre.x() - width / 2,
        centre.y() - height / 2,
        centre.x() + width / 2,
        centre.y() + height / 2,
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _north_arrow(layout, map_frame: tuple, scale: float) -> None:
    x, y, width, _height = map_frame
    size = 11.0 * scale
    arrow = QgsLayoutItemPicture(layout)
    arrow.setId("north_arrow")
    arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW, QgsPathResolver()))
    arrow.setResizeMode(QgsLayoutItemPicture.ResizeMode.Zoom)
    layout.addLayoutItem(arrow)
    _place(arrow, (x + width - size - 3.0 * scale, y + 3.0 * scale, size, size))


def _scale_bar(layout, map_item, map_frame: tuple, text_format, scale: float) -> None:
    x, y, _width, height = map_frame
    bar = QgsLayoutItemScaleBar(layout)
    bar.setId("scale_bar")
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.setUnits(compat.DistanceUnit.Meters)
    bar.setUnitLabel("m")
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeMode.SegmentSizeFitWidth)
    bar.setMinimumBarWidth(18.0 * scale)
    bar.setMaximumBarWidth(40.0 * scale)
    bar.setHeight(1.8 * scale)
    bar.setTextFormat(text_format)
    bar.setBackgroundEnabled(True)
    bar.setBackgroundColor(QColor(255, 255, 255, 210))
    layout.addLayoutItem(bar)
    bar.attemptMove(QgsLayoutPoint(x + 3.0 * scale, y + height - 12.0 * scale, MM))
    bar.update()


def _gap_table(
    layout, layers: BookLayers, frame: tuple, words: LayoutWords, text, rows: int
) -> QgsLayoutFrame:
    """The compounds of the page's community, most types missing first, ``rows`` at most."""
    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    table.setVectorLayer(layers.compounds)
    table.setFilterFeatures(True)
    table.setFeatureFilter(
        f'"community_id" = attribute(@atlas_feature, \'community_id\') AND "table_rank" <= {rows}'
    )
    table.setMaximumNumberOfFeatures(rows)
    _x, _y, width, _height = frame
    headings = words.table_headings
    columns: List[QgsLayoutTableColumn] = []
    for attribute, heading, share in zip(
        ("label", "residents", "n_missing", "missing_text"), headings, COLUMN_SHARES
    ):
        column = QgsLayoutTableColumn(heading)
        column.setAttribute(attribute)
        column.setWidth(_column_width(width, share, text.scale))
        if attribute in ("residents", "n_missing"):
            column.setHAlignment(Qt.AlignmentFlag.AlignRight)
        columns.append(column)
    rank = QgsLayoutTableColumn("rank")
    rank.setAttribute("table_rank")
    rank.setSortOrder(Qt.SortOrder.AscendingOrder)
    table.setColumns(columns)
    table.setSortColumns([rank])
    _table_look(table, text)
    table_frame = QgsLayoutFrame(layout, table)
    table_frame.setId("gap_table")
    _place(table_frame, frame)
    table.addFrame(table_frame)
    return table_frame


#: The gap table's columns' shares of its width: compound, residents, missing, which.
COLUMN_SHARES = (0.25, 0.14, 0.12, 0.49)
TABLE_TEXT_POINTS = 6.5


def _column_width(table_width: float, share: float, scale: float) -> float:
    return table_width * share - 2.2 * scale  # less the cell margins and grid


def names_column_ems(page: PageSize) -> float:
    """How many ems of table text fit in the gap table's last column (for wrapping names)."""
    width = _column_width(arrange(page).table[2], COLUMN_SHARES[-1], page.scale)
    em = TABLE_TEXT_POINTS * page.scale * 25.4 / 72.0
    return width / em


def _overview_table(
    layout, layers: BookLayers, frame: tuple, words: LayoutWords, text, rows: int
) -> QgsLayoutFrame:
    """The overview's communities, in page order, ``rows`` at most."""
    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    table.setVectorLayer(layers.pages)
    table.setFilterFeatures(True)
    table.setFeatureFilter(
        f"{_COMMUNITY_PAGE} AND \"file_index\" = attribute(@atlas_feature, 'file_index')"
    )
    table.setMaximumNumberOfFeatures(rows)
    width = frame[2]
    columns = []
    for attribute, heading, share in zip(
        ("title", "residents", "share_all", "score_short"),
        words.overview_headings,
        (0.44, 0.16, 0.16, 0.24),
    ):
        column = QgsLayoutTableColumn(heading)
        column.setAttribute(attribute)
        column.setWidth(_column_width(width, share, text.scale))
        if attribute != "title":
            column.setHAlignment(Qt.AlignmentFlag.AlignRight)
        columns.append(column)
    order = QgsLayoutTableColumn("order")
    order.setAttribute("page_order")
    order.setSortOrder(Qt.SortOrder.AscendingOrder)
    table.setColumns(columns)
    table.setSortColumns([order])
    _table_look(table, text)
    table_frame = QgsLayoutFrame(layout, table)
    table_frame.setId("community_table")
    _place(table_frame, frame)
    table.addFrame(table_frame)
    return table_frame


def _table_look(table, text) -> None:
    """Fonts, grid and behaviour shared by the book's tables."""
    table.setHeaderTextFormat(text.format(7.0, bold=True))
    table.setContentTextFormat(text.format(TABLE_TEXT_POINTS))
    table.setWrapBehavior(QgsLayoutTable.WrapBehavior.WrapText)
    table.setEmptyTableBehavior(QgsLayoutTable.EmptyTableMode.HideTable)
    table.setCellMargin(0.8 * text.scale)
    table.setGridStrokeWidth(0.15 * text.scale)
    table.setGridColor(QColor("#9a9a9a"))
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)


def overview_rows(page: PageSize) -> int:
    """How many communities the overview's table lists: rows of one line that fit."""
    s = page.scale
    line = TABLE_TEXT_POINTS * s * 25.4 / 72.0 * 1.3
    return max(3, int((arrange(page).table[3] - line - 2.0 * s) / (line + 1.8 * s)))


def table_rows(page: PageSize) -> int:
    """How many compounds the gap table lists: as many rows of two lines as fit its frame."""
    s = page.scale
    line = TABLE_TEXT_POINTS * s * 25.4 / 72.0 * 1.3
    header = line + 2.0 * s
    return max(3, int((arrange(page).table[3] - header) / (2 * line + 1.8 * s)))


def _legend(layout, layers: BookLayers, map_item, frame: tuple, title: str, text) -> None:
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle(title)
    layout.addLayoutItem(legend)
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for layer in (
        layers.compounds,
        layers.facilities,
        layers.network,
        layers.communities,
        layers.districts,
    ):
        if layer is not None:
            root.addLayer(layer)
    legend.setLegendFilterByMapEnabled(True)
    legend.setResizeToContents(False)
    legend.setColumnCount(2 if layers.facilities is not None else 1)
    legend.setSplitLayer(True)
    legend.setEqualColumnWidth(True)
    legend.setSymbolWidth(4.5 * text.scale)
    legend.setSymbolHeight(2.8 * text.scale)
    legend.setWrapString("\n")
    for style, size, bold in (
        (QgsLegendStyle.Style.Title, 9.0, True),
        (QgsLegendStyle.Style.Group, 7.5, True),
        (QgsLegendStyle.Style.Subgroup, 7.0, True),
        (QgsLegendStyle.Style.SymbolLabel, 6.5, False),
    ):
        compat.set_legend_text_format(legend, style, text.format(size, bold=bold))
    _place(legend, frame)  # a fixed frame: every page's legend sits in the same place


def item_by_id(layout: QgsPrintLayout, item_id: str) -> Optional[QgsLayoutItem]:
    return layout.itemById(item_id)


def item_rects(layout: QgsPrintLayout) -> Dict[str, QRectF]:
    """Each identified item's rectangle on the page, in millimetres."""
    rects = {}
    for item_id in ITEM_IDS:
        item = layout.itemById(item_id)
        if item is not None:
            rects[item_id] = QRectF(
                item.pos().x(), item.pos().y(), item.rect().width(), item.rect().height()
            )
    return rects
