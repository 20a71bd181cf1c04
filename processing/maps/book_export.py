"""Writing the map book: PDF files through the atlas, PNG images per page, picture regions.

The files are written where the algorithm says: its staged outputs (``processing/outputs.py``),
which are put in place together only when the whole run is complete, so that a failure or a
cancel leaves no half-written book and no old book changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from qgis.core import Qgis, QgsLayoutExporter, QgsPrintLayout
from qgis.PyQt.QtCore import QRectF, QSize
from qgis.PyQt.QtGui import QImage

from ...scoring.errors import N_, Cancelled, DataError

_EXPORT_FAILED = N_("The map book {file} could not be written: {reason}")


@dataclass(frozen=True)
class BookTarget:
    """One PDF to write: the atlas features of ``file_index``, to ``path``."""

    file_index: int
    path: Path
    pages: int


def export_book(
    layout: QgsPrintLayout,
    targets: Sequence[BookTarget],
    image_folder: Optional[Path],
    dpi: float,
    feedback,
) -> List[Path]:
    """Write each target's PDF (and, with ``image_folder``, an existing folder, one PNG per
    page of every file); returns the files written."""
    written: List[Path] = []
    atlas = layout.atlas()
    for target in targets:
        if feedback.isCanceled():
            raise Cancelled()
        atlas.setFilterFeatures(True)
        atlas.setFilterExpression(f'"file_index" = {target.file_index}')
        _export_pdf(atlas, target.path, dpi, feedback)
        written.append(target.path)
        if image_folder is not None:
            written += _export_images(atlas, image_folder, target.path, dpi, feedback)
    return written


def _export_pdf(atlas, target: Path, dpi: float, feedback) -> None:
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.appendGeoreference = True
    settings.exportMetadata = True
    settings.simplifyGeometries = True
    # Text stays text: the PDF can be searched (a community's name) and copied from.
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
    result, error = QgsLayoutExporter.exportToPdf(atlas, str(target), settings, feedback)
    if feedback.isCanceled():
        raise Cancelled()
    if result != QgsLayoutExporter.ExportResult.Success:
        raise DataError(_EXPORT_FAILED, file=str(target), reason=error or str(result))


def _export_images(atlas, folder: Path, target: Path, dpi: float, feedback) -> List[Path]:
    before = set(folder.iterdir())
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    settings.exportMetadata = False  # GDAL cannot add it to a PNG (it would log an error)
    settings.generateWorldFile = False
    result, error = QgsLayoutExporter.exportToImage(
        atlas, str(folder / "page"), "png", settings, feedback
    )
    if feedback.isCanceled():
        raise Cancelled()
    if result != QgsLayoutExporter.ExportResult.Success:
        raise DataError(_EXPORT_FAILED, file=str(folder), reason=error or str(result))
    return sorted(set(folder.iterdir()) - before)


def render_region(layout: QgsPrintLayout, region: QRectF, dpi: float) -> QImage:
    """One region of the current atlas page (millimetres) as an image: a page's map for the
    evaluation workbook, drawn exactly as in the map book."""
    exporter = QgsLayoutExporter(layout)
    width = round(region.width() / 25.4 * dpi)
    height = round(region.height() / 25.4 * dpi)
    return exporter.renderRegionToImage(region, QSize(width, height), dpi)
