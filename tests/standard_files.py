"""The small facility standard the algorithm tests write: one community tier, a kindergarten
(300 m, ``kg`` on the facilities) and a vegetable market (``market``, 500 m unless told).

Distances in the hand-built networks are worked out against these radii, so every test module
that walks them writes its standard from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

KINDERGARTEN, VEGETABLE_MARKET = "kindergarten", "vegetable_market"
TWO_CODES = (KINDERGARTEN, VEGETABLE_MARKET)

_HEADER = """\
name: {zh: 测试标准, en: Test standard}
version: "t1"
notice: {zh: 仅供测试, en: For tests only}
tiers:
  community:
    name_zh: 社区
    name_en: Community
    population: {min: 5000, max: 12000}
    source: test
types:
"""
_TYPES = {
    KINDERGARTEN: """\
  - code: kindergarten
    name_zh: 幼儿园
    name_en: Kindergarten
    tier: community
    life_circle: 5
    radius_m: 300
{walk_minutes}    mandatory: true
    aliases: [kg]
    source: test clause 1
""",
    VEGETABLE_MARKET: """\
  - code: vegetable_market
    name_zh: 菜市场
    name_en: Vegetable market
    tier: community
    life_circle: 10
    radius_m: {market_radius}
{walk_minutes}    mandatory: true
    aliases: [market]
    source: test clause 2
""",
}


def standard_text(
    codes: Sequence[str] = TWO_CODES,
    market_radius: int = 500,
    kindergarten_minutes: Optional[float] = None,
) -> str:
    """The standard's YAML with the types ``codes``; ``kindergarten_minutes`` gives the
    kindergarten a ``walk_minutes`` (walking time judged against it, not its radius)."""
    minutes = {KINDERGARTEN: kindergarten_minutes}
    return _HEADER + "".join(
        _TYPES[code].format(
            market_radius=market_radius,
            walk_minutes=(
                "" if minutes.get(code) is None else f"    walk_minutes: {minutes[code]}\n"
            ),
        )
        for code in codes
    )


def write_standard(folder: Path, text: Optional[str] = None, **options) -> str:
    """``folder/standard.yaml`` holding ``text``, or :func:`standard_text` of ``options``."""
    path = Path(folder) / "standard.yaml"
    path.write_text(standard_text(**options) if text is None else text, encoding="utf-8")
    return str(path)
