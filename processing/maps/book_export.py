"""Writing the map book: PDF files through the atlas, PNG images per page, picture regions.

Every file is written to a temporary name beside its target and moved into place only when all
of them are complete, so that a failure or a cancel leaves no half-written book and no old book
changed (see ``scoring/workbook/safe_save.py`` for the same rule applied to workbooks).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from qgis.core import Qgis, QgsLayoutExporter, QgsPrintLayout
from qgis.PyQt.QtCore import QRectF, QSize
from qgis.PyQt.QtGui import QImage

from ...scoring.errors import N_, Cancelled, DataError

TEMPORARY_PREFIX = ".~cc-"

_EXPORT_FAILED = N_("The map book {file} could not be written: {reason}")
_NOT_MOVED = N_("The map book {file} could not be put in place: {reason}")


@dataclass(frozen=True)
class BookTarget:
    """One PDF to write: the atlas features of ``file_index``, to ``path``."""

    file_index: int
    path: Path
    pages: int


class _Staged:
    """Temporary files and folders of one export, moved into place together or removed."""

    def __init__(self) -> None:
        self.pending: List[Tuple[Path, Path]] = []  # (temporary, target)

    def temporary_for(self, target: Path) -> Path:
        temporary = target.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex[:12]}-{target.name}")
        self.pending.append((temporary, target))
        return temporary

    def commit(self) -> None:
        for index, (temporary, target) in enumerate(self.pending):
            try:
                if temporary.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    for image in sorted(temporary.iterdir()):
                        os.replace(image, target / image.name)
                    temporary.rmdir()
                else:
                    os.replace(temporary, target)
            except OSError as error:
                self.pending = self.pending[index:]
                self.discard()
                raise DataError(_NOT_MOVED, file=str(target), reason=_reason(error)) from None
        self.pending = []

    def discard(self) -> None:
        for temporary, _target in self.pending:
            if temporary.is_dir():
                shutil.rmtree(temporary, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        self.pending = []


def export_book(
    layout: QgsPrintLayout,
    targets: Sequence[BookTarget],
    image_folder: Optional[Path],
    dpi: float,
    feedback,
) -> List[Path]:
    """Write each target's PDF (and, with ``image_folder``, one PNG per page of every file);
    returns the files written."""
    staged = _Staged()
    written: List[Path] = []
    atlas = layout.atlas()
    try:
        images = staged.temporary_for(image_folder) if image_folder is not None else None
        if images is not None:
            images.mkdir()
        for target in targets:
            if feedback.isCanceled():
                raise Cancelled()
            atlas.setFilterFeatures(True)
            atlas.setFilterExpression(f'"file_index" = {target.file_index}')
            temporary = staged.temporary_for(target.path)
            _export_pdf(atlas, temporary, target.path, dpi, feedback)
            written.append(target.path)
            if images is not None:
                written += [
                    image_folder / path.name
                    for path in _export_images(atlas, images, target.path, dpi, feedback)
                ]
        if feedback.isCanceled():
            raise Cancelled()
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return written


def _export_pdf(atlas, temporary: Path, target: Path, dpi: float, feedback) -> None:
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.appendGeoreference = True
    settings.exportMetadata = True
    settings.simplifyGeometries = True
    # Text stays text: the PDF can be searched (a community's name) and copied from.
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
    result, error = QgsLayoutExporter.exportToPdf(atlas, str(temporary), settings, feedback)
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


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
