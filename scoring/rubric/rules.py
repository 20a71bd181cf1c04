"""How a scoring point turns an indicator value into a score: the rubric's rule kinds.

Each rule is a small frozen dataclass that knows only its arithmetic; checking that a rule is
sensible (bands in order, two different ends of a line) is the rubric validator's job, so that
the same checks apply to rules from YAML, from Excel and from code. Scores are rounded to six
decimals so that a sum of halves and tenths compares equal to the figure a planner writes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import ClassVar, List, Optional, Tuple, Union

THRESHOLD = "threshold"
LINEAR = "linear"
YES_NO = "yes_no"
MANUAL = "manual"
DEDUCTION = "deduction"
METHODS: Tuple[str, ...] = (THRESHOLD, LINEAR, YES_NO, MANUAL, DEDUCTION)

#: Decimals kept in scores and in indicator values before they are compared with thresholds,
#: so that a coverage of 0.8999999999 from summed floating-point populations counts as 0.9.
SCORE_DECIMALS = 6
VALUE_DECIMALS = 9


def tidy(value: float) -> float:
    """``value`` rounded to the score precision, with -0.0 made 0.0."""
    return round(value, SCORE_DECIMALS) + 0.0


@dataclass(frozen=True)
class Band:
    """Score ``score`` when the indicator is at least ``at_least``."""

    at_least: float
    score: float


@dataclass(frozen=True)
class ThresholdRule:
    """Bands tried from the highest threshold down; the first the value reaches gives the score.

    A value below every band scores 0.
    """

    method: ClassVar[str] = THRESHOLD
    indicator: str
    bands: Tuple[Band, ...]

    def score(self, value: float, max_score: float) -> float:
        for band in self.bands:
            if value >= band.at_least:
                return tidy(band.score)
        return 0.0


@dataclass(frozen=True)
class LinearRule:
    """0 at ``zero_at``, the maximum at ``full_at``, a straight line between, clamped outside.

    ``zero_at`` may be larger than ``full_at``: then less is better (an area shortfall).
    """

    method: ClassVar[str] = LINEAR
    indicator: str
    zero_at: float
    full_at: float

    def score(self, value: float, max_score: float) -> float:
        fraction = (value - self.zero_at) / (self.full_at - self.zero_at)
        return tidy(max_score * min(max(fraction, 0.0), 1.0))


@dataclass(frozen=True)
class YesNoRule:
    """The maximum when the indicator is non-zero (true), else 0."""

    method: ClassVar[str] = YES_NO
    indicator: str

    def score(self, value: float, max_score: float) -> float:
        return tidy(max_score) if value != 0 else 0.0


@dataclass(frozen=True)
class DeductionRule:
    """Start at the maximum and take ``deduct`` off for every ``per`` units of the indicator.

    Steps are counted the way rubrics word them (每缺 100 m² 扣 0.5 分): a started step counts as
    a whole one, so 150 m² short with ``per`` 100 is two steps. Negative values (a surplus)
    deduct nothing and earn nothing extra; the score never goes below 0.
    """

    method: ClassVar[str] = DEDUCTION
    indicator: str
    deduct: float
    per: float = 1.0

    def score(self, value: float, max_score: float) -> float:
        steps = math.ceil(round(max(value, 0.0) / self.per, VALUE_DECIMALS))
        return tidy(max(max_score - self.deduct * steps, 0.0))


@dataclass(frozen=True)
class ManualRule:
    """Scored by a person; the score comes from the manual-score table."""

    method: ClassVar[str] = MANUAL
    indicator: ClassVar[str] = ""


Rule = Union[ThresholdRule, LinearRule, YesNoRule, DeductionRule, ManualRule]
AutoRule = Union[ThresholdRule, LinearRule, YesNoRule, DeductionRule]


def apply_rule(rule: AutoRule, value: float, max_score: float) -> float:
    """The score of ``value`` (rounded to :data:`VALUE_DECIMALS` first) under ``rule``."""
    return rule.score(round(float(value), VALUE_DECIMALS), max_score)


# --------------------------------------------------------------------------------------------
# Bands written in one cell (Excel): ">=0.9:3; >=0.6:1"
# --------------------------------------------------------------------------------------------

_BAND_TEXT = re.compile(r"\s*(?:>=|≥)?\s*([^:：\s]+)\s*[:：]\s*(\S+)\s*\Z")


def format_number(value: float) -> str:
    """2.0 -> "2", 0.25 -> "0.25": numbers as a planner writes them, exactly round-tripping."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_bands(bands: Tuple[Band, ...]) -> str:
    return "; ".join(
        f">={format_number(band.at_least)}:{format_number(band.score)}" for band in bands
    )


def parse_bands(text: str) -> Optional[List[Tuple[float, float]]]:
    """(at_least, score) pairs from ``">=0.9:3; >=0.6:1"``; None when the text is malformed.

    ``>=`` (or ``≥``) is optional and the full-width colon is accepted, since planners type
    these cells by hand.
    """
    pairs: List[Tuple[float, float]] = []
    for part in re.split(r"[;；]", text):
        if not part.strip():
            continue
        match = _BAND_TEXT.match(part)
        if not match:
            return None
        try:
            at_least, score = float(match.group(1)), float(match.group(2))
        except ValueError:
            return None
        if not (math.isfinite(at_least) and math.isfinite(score)):
            return None
        pairs.append((at_least, score))
    return pairs or None
