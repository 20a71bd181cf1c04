"""The map book's maps as pictures for the evaluation workbook (``exportworkbook``'s MAPS).

The same preparation as the PDF book (:func:`.book.prepare_book`: layers, styles, layout), so a
community's map in its 评价表 is the map of its page in the book; the overview goes below the
汇总表. Each picture is the page's map frame with its legend, rendered from the print layout.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QImage

from ...scoring.rubric import CommunityScore, community_key
from ...scoring.workbook import Map
from .book import BookOptions, prepare_book
from .book_data import BookInputs

#: Resolution the pictures are drawn at, and the width they are shown at in the sheet (pixels
#: at 96 dpi): sharp when zoomed or printed, about the width of a form on screen.
MAP_DPI = 150.0
SHOWN_WIDTH = 760


def score_rows(scores: Sequence[CommunityScore]) -> Dict[str, Dict[str, Any]]:
    """The workbook's scores as the book reads them from a scores layer."""
    return {
        community_key(score.community_id): {
            "community_id": score.community_id,
            "total": score.total,
            "upper_bound": score.upper_bound,
            "grade": score.grade.code,
            "provisional": score.provisional,
        }
        for score in scores
    }


def workbook_maps(
    inputs: BookInputs, options: BookOptions, crs, context, feedback, locate
) -> Tuple[List[Map], Dict[str, List[Map]]]:
    """(the overview, for the summary; each community's map by id) as workbook pictures."""
    book = prepare_book(inputs, options, crs, context, feedback, locate)
    try:
        images = book.map_images(MAP_DPI, feedback)
        titles = _titles(book)
    finally:
        book.close()
    overview: List[Map] = []
    forms: Dict[str, List[Map]] = {}
    for key, image in images.items():
        picture = _picture(image, titles.get(key, ""))
        if key is None:
            overview.append(picture)
        else:
            forms[community_key(key)] = [picture]
    return overview, forms


def _titles(book) -> Dict[Optional[str], str]:
    """Each page's title, for the picture's alternative text."""
    titles: Dict[Optional[str], str] = {}
    for feature in book.layers.pages.getFeatures():
        key = feature["community_id"] if feature["kind"] == "community" else None
        titles.setdefault(key, str(feature["title"] or ""))
    return titles


def _picture(image: QImage, description: str) -> Map:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    width = min(SHOWN_WIDTH, image.width())
    height = round(image.height() * width / max(image.width(), 1))
    return Map(bytes(data), width, height, description)
