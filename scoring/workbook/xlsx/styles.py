"""Cell styles of a workbook and its ``styles.xml``.

A :class:`Style` says how a cell looks (font, fill, border, alignment, number format, whether
it is locked, whether text starts with a quote prefix); :class:`StyleSheet` gives each distinct
style its index in ``cellXfs`` (the ``s`` attribute of a cell) and each differential style of a
conditional format its index in ``dxfs``, and writes both tables, with the fonts, fills,
borders and number formats they use, each listed once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict

from .xml import attribute

#: Number formats Excel knows by id; anything else gets an id from 164 up.
_BUILT_IN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9}


@dataclass(frozen=True)
class Font:
    name: str = "Calibri"
    size: float = 11
    bold: bool = False
    italic: bool = False
    underline: bool = False
    colour: str = ""  # RRGGBB; "" for automatic


#: The workbook's normal font: column widths are measured in its digits (Calibri 11, as Excel).
DEFAULT_FONT = Font()


@dataclass(frozen=True)
class Alignment:
    horizontal: str = ""  # "", left, center, right
    vertical: str = ""  # "", top, center, bottom
    wrap: bool = False


@dataclass(frozen=True)
class Style:
    """How a cell looks. ``fill`` is a solid colour (RRGGBB, "" for none), ``border`` the colour
    of a thin box around the cell ("" for none)."""

    font: Font = Font()
    fill: str = ""
    border: str = ""
    alignment: Alignment = Alignment()
    number_format: str = "General"
    locked: bool = True
    quote_prefix: bool = False

    def quoted(self) -> Style:
        """The same look for text that starts like a formula (``=``, ``+``, ``-``, ``@``):
        Excel then keeps it text when the cell is edited."""
        return replace(self, quote_prefix=True)


@dataclass(frozen=True)
class Highlight:
    """A differential style (conditional formatting): font colour, bold, solid fill."""

    colour: str = ""
    fill: str = ""
    bold: bool = False


class StyleSheet:
    """Indexes of styles as they are first used, and ``styles.xml`` for them."""

    def __init__(self, default_font: Font = DEFAULT_FONT) -> None:
        self.default_font = default_font
        self._fonts: Dict[Font, int] = {default_font: 0}
        self._fills: Dict[str, int] = {}  # two reserved fills come first in the file
        self._borders: Dict[str, int] = {"": 0}
        self._formats: Dict[str, int] = {}
        self._xfs: Dict[Style, int] = {Style(font=default_font): 0}
        self._dxfs: Dict[Highlight, int] = {}

    def index(self, style: Style) -> int:
        """The style's index in ``cellXfs`` (what a cell's ``s`` attribute holds)."""
        found = self._xfs.get(style)
        if found is None:
            found = self._xfs[style] = len(self._xfs)
            self._fonts.setdefault(style.font, len(self._fonts))
            if style.fill:
                self._fills.setdefault(style.fill, len(self._fills) + 2)
            self._borders.setdefault(style.border, len(self._borders))
            self._format_id(style.number_format)
        return found

    def highlight(self, highlight: Highlight) -> int:
        """The index of a differential style in ``dxfs``."""
        return self._dxfs.setdefault(highlight, len(self._dxfs))

    def _format_id(self, number_format: str) -> int:
        if number_format in _BUILT_IN_FORMATS:
            return _BUILT_IN_FORMATS[number_format]
        return self._formats.setdefault(number_format, 164 + len(self._formats))

    # ---- styles.xml ----------------------------------------------------------------------

    def xml(self) -> str:
        parts = ['<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
        if self._formats:
            parts.append(f'<numFmts count="{len(self._formats)}">')
            for code, number in self._formats.items():
                parts.append(f'<numFmt numFmtId="{number}"{attribute("formatCode", code)}/>')
            parts.append("</numFmts>")
        parts.append(f'<fonts count="{len(self._fonts)}">')
        parts.extend(_font_xml(font) for font in self._fonts)
        parts.append("</fonts>")
        parts.append(f'<fills count="{len(self._fills) + 2}">')
        parts.append('<fill><patternFill patternType="none"/></fill>')
        parts.append('<fill><patternFill patternType="gray125"/></fill>')
        parts.extend(_fill_xml(colour) for colour in self._fills)
        parts.append("</fills>")
        parts.append(f'<borders count="{len(self._borders)}">')
        parts.extend(_border_xml(colour) for colour in self._borders)
        parts.append("</borders>")
        parts.append('<cellStyleXfs count="1">')
        parts.append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>')
        parts.append(f'<cellXfs count="{len(self._xfs)}">')
        parts.extend(self._xf_xml(style) for style in self._xfs)
        parts.append("</cellXfs>")
        parts.append('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>')
        parts.append("</cellStyles>")
        parts.append(f'<dxfs count="{len(self._dxfs)}">')
        parts.extend(_dxf_xml(highlight) for highlight in self._dxfs)
        parts.append("</dxfs>")
        parts.append('<tableStyles count="0"/></styleSheet>')
        return "".join(parts)

    def _xf_xml(self, style: Style) -> str:
        number = self._format_id(style.number_format)
        font = self._fonts[style.font]
        fill = self._fills[style.fill] if style.fill else 0
        border = self._borders[style.border]
        head = (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
        )
        if style.quote_prefix:
            head += ' quotePrefix="1"'
        head += (
            f' applyNumberFormat="{int(number != 0)}" applyFont="{int(font != 0)}"'
            f' applyFill="{int(fill != 0)}" applyBorder="{int(border != 0)}"'
        )
        children = []
        alignment = style.alignment
        if alignment != Alignment():
            children.append(_alignment_xml(alignment))
            head += ' applyAlignment="1"'
        if not style.locked:
            children.append('<protection locked="0"/>')
            head += ' applyProtection="1"'
        if not children:
            return head + "/>"
        return head + ">" + "".join(children) + "</xf>"


def _font_xml(font: Font) -> str:
    parts = ["<font>"]
    if font.bold:
        parts.append("<b/>")
    if font.italic:
        parts.append("<i/>")
    if font.underline:
        parts.append("<u/>")
    parts.append(f'<sz val="{_number(font.size)}"/>')
    parts.append(f'<color rgb="FF{font.colour}"/>' if font.colour else '<color theme="1"/>')
    parts.append(f"<name{attribute('val', font.name)}/>")
    parts.append("</font>")
    return "".join(parts)


def _fill_xml(colour: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{colour}"/>'
        f'<bgColor rgb="FF{colour}"/></patternFill></fill>'
    )


def _border_xml(colour: str) -> str:
    if not colour:
        return "<border><left/><right/><top/><bottom/><diagonal/></border>"
    side = f'style="thin"><color rgb="FF{colour}"/>'
    return (
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom><diagonal/></border>"
    )


def _alignment_xml(alignment: Alignment) -> str:
    text = "<alignment"
    if alignment.horizontal:
        text += f' horizontal="{alignment.horizontal}"'
    if alignment.vertical:
        text += f' vertical="{alignment.vertical}"'
    if alignment.wrap:
        text += ' wrapText="1"'
    return text + "/>"


def _dxf_xml(highlight: Highlight) -> str:
    parts = ["<dxf>"]
    if highlight.colour or highlight.bold:
        parts.append("<font>")
        if highlight.bold:
            parts.append("<b/>")
        if highlight.colour:
            parts.append(f'<color rgb="FF{highlight.colour}"/>')
        parts.append("</font>")
    if highlight.fill:
        parts.append(_fill_xml(highlight.fill))
    parts.append("</dxf>")
    return "".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["DEFAULT_FONT", "Alignment", "Font", "Highlight", "Style", "StyleSheet"]
