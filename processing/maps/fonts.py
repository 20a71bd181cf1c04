"""The fonts the map book writes with: a Chinese one that is installed, and a Latin one.

Qt draws a character the chosen font lacks with a fallback font when there is one, and as an
empty box when there is none — a map book of boxes. So the book asks for a font that covers
Simplified Chinese by name, from a list of the fonts planners' machines have (Windows, macOS,
Debian / Ubuntu), and says clearly what to install when none is present.

Latin letters and digits are written with a Latin font placed before the Chinese one: besides
looking better, this keeps the PDF's text searchable — Qt's PDF writer maps the digits Noto
CJK draws next to Latin letters (``SQ01``) to no character, so a search for a community id
would find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional

from qgis.PyQt.QtGui import QFont, QFontDatabase

#: Preferred CJK sans-serif families, best first.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",  # Debian / Ubuntu: fonts-noto-cjk
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",  # Windows
    "微软雅黑",
    "PingFang SC",  # macOS
    "Hiragino Sans GB",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",  # Debian: fonts-wqy-microhei
    "WenQuanYi Zen Hei",
    "SimHei",
    "黑体",
    "SimSun",
    "宋体",
    "Droid Sans Fallback",
)


def choose_family(available: Iterable[str], chinese: Iterable[str] = ()) -> Optional[str]:
    """The preferred family among ``available``; else the first of ``chinese`` (families the
    font database says cover Simplified Chinese); None when there is none."""
    names = list(available)
    lowered = {name.casefold(): name for name in names}
    for family in PREFERRED_FAMILIES:
        if family.casefold() in lowered:
            return lowered[family.casefold()]
    covering = sorted(chinese)
    return covering[0] if covering else None


#: Latin families to pair with the Chinese one, best first.
LATIN_FAMILIES = ("Noto Sans", "Source Sans Pro", "DejaVu Sans", "Liberation Sans", "Arial")


@dataclass(frozen=True)
class BookFonts:
    """The book's font families: Latin first, then Chinese (either may be missing)."""

    chinese: Optional[str]
    latin: Optional[str]

    def families(self) -> List[str]:
        return [family for family in (self.latin, self.chinese) if family]

    def font(self) -> QFont:
        families = self.families() or ["Sans Serif"]
        font = QFont(families[-1])
        font.setFamilies(families)
        return font

    def describe(self) -> str:
        return " + ".join(self.families()) or "Sans Serif"


def book_fonts() -> BookFonts:
    """The installed families the book writes with."""
    available = QFontDatabase().families()
    lowered = {name.casefold(): name for name in available}
    latin = next((lowered[f.casefold()] for f in LATIN_FAMILIES if f.casefold() in lowered), None)
    return BookFonts(chinese=chinese_font_family(), latin=latin)


def chinese_font_family() -> Optional[str]:
    """An installed font family that writes Simplified Chinese, or None."""
    database = QFontDatabase()
    return choose_family(
        database.families(), database.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    )


def needs_chinese(texts: Iterable[Optional[str]]) -> bool:
    """Whether any text holds a CJK character (the book's texts, names from the data)."""
    return any(_has_cjk(text) for text in texts if text)


def _has_cjk(text: str) -> bool:
    return any(
        "\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
        for char in text
    )
