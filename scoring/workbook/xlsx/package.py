"""The .xlsx package: a zip of XML parts, written as the sheets are made.

Each sheet streams into its own zip entry as its rows are appended (one sheet at a time), so a
city's workbook never has to fit in memory; the parts that depend on every sheet — the shared
strings, the styles, the workbook with its defined names (print areas, print titles, filters),
the relationships and the content types — are written by :meth:`Package.close`. Text is stored
once in the shared strings, which keeps 2,000 evaluation forms that repeat the rubric's
wording small.
"""

from __future__ import annotations

import datetime
import zipfile
from typing import IO, Any, Dict, List, Tuple

from .sheet import Picture, Sheet, picture_extent
from .styles import DEFAULT_FONT, Font, StyleSheet
from .xml import attribute, column_letter, text

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_EXTENDED = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)
_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: zlib level of the parts: 1 writes several times faster than the default 6 and makes the
#: file about a fifth larger (text repeated row after row compresses well either way).
COMPRESS_LEVEL = 1


class Package:
    """A workbook being written to ``handle`` (a binary file open for writing).

    Make sheets in order with :meth:`sheet`; :meth:`close` completes the file. After an error,
    :meth:`abandon` closes the zip without completing it (the caller removes the file).
    """

    def __init__(
        self,
        handle: IO[bytes],
        default_font: Font = DEFAULT_FONT,
        title: str = "",
        creator: str = "",
        application: str = "",
    ) -> None:
        self._zip = zipfile.ZipFile(
            handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )
        self.styles = StyleSheet(default_font)
        self.strings: Dict[str, int] = {}
        self.title = title
        self.creator = creator
        self.application = application
        self._sheets: List[Sheet] = []
        self._open: Any = None
        self._names: List[Tuple[str, int, str, bool]] = []  # name, sheet index, ref, hidden
        self._pictures = 0
        self._drawings: List[int] = []  # sheet indexes with a drawing part

    def sheet(self, name: str) -> Sheet:
        """A new sheet after the others; the one before must be closed."""
        if self._open is not None:
            raise RuntimeError(f"sheet {self._open.name} is still being written")
        sheet = Sheet(self, name, len(self._sheets))
        self._sheets.append(sheet)
        self._open = sheet
        return sheet

    @property
    def sheet_names(self) -> List[str]:
        return [sheet.name for sheet in self._sheets]

    # ---- called by the sheets -----------------------------------------------------------

    def open_sheet_stream(self, sheet: Sheet) -> IO[bytes]:
        return self._zip.open(f"xl/worksheets/sheet{sheet.index + 1}.xml", "w")

    def sheet_closed(self, sheet: Sheet) -> None:
        self._open = None
        quoted = "'" + sheet.name.replace("'", "''") + "'"
        setup = sheet.print_setup
        if setup is not None and setup.title_rows is not None:
            first, last = setup.title_rows
            titles = f"{quoted}!${first}:${last}"
            self._names.append(("_xlnm.Print_Titles", sheet.index, titles, False))
        if setup is not None and setup.area:
            area = f"{quoted}!{_absolute(setup.area)}"
            self._names.append(("_xlnm.Print_Area", sheet.index, area, False))
        if sheet.filter_ref:
            ref = _absolute(sheet.filter_ref)
            self._names.append(("_xlnm._FilterDatabase", sheet.index, f"{quoted}!{ref}", True))
        if sheet.pictures:
            self._write_drawing(sheet)

    # ---- completing the file ------------------------------------------------------------

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._write("xl/sharedStrings.xml", self._strings_xml())
        self._write("xl/styles.xml", _HEADER + self.styles.xml())
        self._write("xl/workbook.xml", self._workbook_xml())
        self._write("xl/_rels/workbook.xml.rels", self._workbook_rels())
        self._write("_rels/.rels", _ROOT_RELS)
        self._write("docProps/core.xml", self._core_xml())
        self._write("docProps/app.xml", self._app_xml())
        self._write("[Content_Types].xml", self._content_types())
        self._zip.close()

    def abandon(self) -> None:
        """Stop writing after an error; the file is incomplete and must be removed."""
        try:
            if self._open is not None and self._open._stream is not None:
                self._open._stream.close()
        finally:
            self._zip.close()

    def _write(self, name: str, xml: str) -> None:
        self._zip.writestr(name, xml.encode("utf-8"))

    def _strings_xml(self) -> str:
        parts = [
            _HEADER,
            f'<sst xmlns="{_MAIN}" count="{len(self.strings)}" uniqueCount="{len(self.strings)}">',
        ]
        for value in self.strings:  # dicts keep the order the indexes were given in
            space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
            parts.append(f"<si><t{space}>{text(value)}</t></si>")
        parts.append("</sst>")
        return "".join(parts)

    def _workbook_xml(self) -> str:
        parts = [
            _HEADER,
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">',
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>',
        ]
        for sheet in self._sheets:
            parts.append(
                f'<sheet{attribute("name", sheet.name)} sheetId="{sheet.index + 1}" '
                f'r:id="rId{sheet.index + 1}"/>'
            )
        parts.append("</sheets>")
        if self._names:
            parts.append("<definedNames>")
            for name, index, ref, hidden in sorted(self._names, key=lambda n: (n[0], n[1])):
                hide = ' hidden="1"' if hidden else ""
                parts.append(
                    f'<definedName name="{name}" localSheetId="{index}"{hide}>{text(ref)}'
                    "</definedName>"
                )
            parts.append("</definedNames>")
        # Formulas are written without results: the spreadsheet computes them on opening.
        parts.append('<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>')
        return "".join(parts)

    def _workbook_rels(self) -> str:
        parts = [_HEADER, f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">']
        for sheet in self._sheets:
            parts.append(
                f'<Relationship Id="rId{sheet.index + 1}" Type="{_WORKSHEET}" '
                f'Target="worksheets/sheet{sheet.index + 1}.xml"/>'
            )
        count = len(self._sheets)
        parts.append(f'<Relationship Id="rId{count + 1}" Type="{_STYLES}" Target="styles.xml"/>')
        parts.append(
            f'<Relationship Id="rId{count + 2}" Type="{_STRINGS}" Target="sharedStrings.xml"/>'
        )
        parts.append("</Relationships>")
        return "".join(parts)

    def _core_xml(self) -> str:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f"{_HEADER}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text(self.title)}</dc:title><dc:creator>{text(self.creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>"
        )

    def _app_xml(self) -> str:
        return (
            f"{_HEADER}<Properties "
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{text(self.application)}</Application></Properties>"
        )

    def _content_types(self) -> str:
        parts = [
            _HEADER,
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/>',
            '<Default Extension="xml" ContentType="application/xml"/>',
            '<Default Extension="png" ContentType="image/png"/>',
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT}.sheet.main+xml"/>',
            f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT}.styles+xml"/>',
            f'<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{_CONTENT}.sharedStrings+xml"/>',
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>',
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/>',
        ]
        for sheet in self._sheets:
            parts.append(
                f'<Override PartName="/xl/worksheets/sheet{sheet.index + 1}.xml" '
                f'ContentType="{_CONTENT}.worksheet+xml"/>'
            )
        for number in self._drawings:
            parts.append(
                f'<Override PartName="/xl/drawings/drawing{number}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
            )
        parts.append("</Types>")
        return "".join(parts)

    # ---- pictures -----------------------------------------------------------------------

    def _write_drawing(self, sheet: Sheet) -> None:
        number = len(self._drawings) + 1
        self._drawings.append(number)
        self._write(
            f"xl/worksheets/_rels/sheet{sheet.index + 1}.xml.rels",
            f'{_HEADER}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{_DRAWING}" Target="../drawings/drawing{number}.xml"/>'
            "</Relationships>",
        )
        anchors, rels = [], []
        for position, picture in enumerate(sheet.pictures, 1):
            self._pictures += 1
            media = f"image{self._pictures}.png"
            self._zip.writestr(f"xl/media/{media}", picture.png)
            rels.append(
                f'<Relationship Id="rId{position}" Type="{_IMAGE}" Target="../media/{media}"/>'
            )
            anchors.append(_anchor_xml(picture, position))
        self._write(
            f"xl/drawings/_rels/drawing{number}.xml.rels",
            f'{_HEADER}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{"".join(rels)}'
            "</Relationships>",
        )
        self._write(
            f"xl/drawings/drawing{number}.xml",
            f"{_HEADER}<xdr:wsDr "
            'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            f'xmlns:r="{_RELATIONSHIPS}">{"".join(anchors)}</xdr:wsDr>',
        )


def _anchor_xml(picture: Picture, position: int) -> str:
    width, height = picture_extent(picture)
    return (
        "<xdr:oneCellAnchor>"
        f"<xdr:from><xdr:col>{picture.column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{picture.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f'<xdr:ext cx="{width}" cy="{height}"/>'
        "<xdr:pic><xdr:nvPicPr>"
        f'<xdr:cNvPr id="{position + 1}" name="Picture {position}"'
        f"{attribute('descr', picture.description)}/>"
        '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip r:embed="rId{position}"/><a:stretch><a:fillRect/></a:stretch>'
        "</xdr:blipFill>"
        f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
        "</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>"
    )


def _absolute(area: str) -> str:
    """``A1:L63`` as ``$A$1:$L$63`` (how defined names write ranges)."""
    cells = []
    for cell in area.split(":"):
        letters = "".join(character for character in cell if character.isalpha())
        digits = cell[len(letters) :]
        cells.append(f"${letters}${digits}")
    return ":".join(cells)


_ROOT_RELS = (
    f'{_HEADER}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_DOCUMENT}" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_CORE}" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_EXTENDED}" Target="docProps/app.xml"/>'
    "</Relationships>"
)

__all__ = ["COMPRESS_LEVEL", "Package", "column_letter"]
