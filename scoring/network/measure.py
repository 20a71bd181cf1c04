"""How walks are measured: metres (DESIGN §4) or walking time in seconds (§4b).

One small value object carries the choice through the domain, so that the rules tying the two
measures together live here once rather than in every adapter:

- a search cut-off given in metres (``MAX_DISTANCE``) becomes, in walking time, the time to walk
  that many metres on flat ground;
- a facility type is covered within its ``walk_minutes`` when the standard gives them, else
  within the time to walk its ``radius_m`` on flat ground (so on flat ground both measures
  cover the same units);
- connectors and straight-line walks are flat.

API summary: ``DISTANCE`` (metres, the default); ``walking_time(speed)`` -> a :class:`Measure`
in seconds at ``speed`` m/s on the flat (DataError for speed <= 0); ``Measure.cost_of_metres``,
``Measure.coverage_limit(radius_m, walk_minutes)``, ``Measure.minutes(cost)``; ``MEASURE_DISTANCE``
and ``MEASURE_TIME`` are the values of the algorithms' ``MEASURE`` enum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from .walking_time import check_walk_speed

#: The ``MEASURE`` parameter's values (DESIGN §4b).
MEASURE_DISTANCE = 0
MEASURE_TIME = 1


@dataclass(frozen=True)
class Measure:
    """Metres (``time`` False) or seconds of walking at ``walk_speed`` m/s on the flat."""

    time: bool = False
    walk_speed: float = 1.0

    @property
    def code(self) -> int:
        return MEASURE_TIME if self.time else MEASURE_DISTANCE

    def cost_of_metres(self, metres: Union[float, np.ndarray]):
        """The cost of walking ``metres`` on flat ground (metres, or seconds)."""
        return metres / self.walk_speed if self.time else metres

    def coverage_limit(self, radius_m: float, walk_minutes: Optional[float] = None) -> float:
        """The cost within which a type is covered: its radius in metres, or in walking time
        its ``walk_minutes`` when given, else the time to walk its radius on flat ground."""
        if not self.time:
            return float(radius_m)
        if walk_minutes is not None:
            return float(walk_minutes) * 60.0
        return float(radius_m) / self.walk_speed

    def minutes(self, cost: Union[float, np.ndarray]):
        """A walking-time cost (seconds) in minutes."""
        return cost / 60.0


DISTANCE = Measure()


def walking_time(speed: float) -> Measure:
    """Walking time at ``speed`` m/s on flat ground (DataError unless positive)."""
    return Measure(True, check_walk_speed(speed))


def measure_for(code: int, speed: float = 1.0) -> Measure:
    """The measure of a ``MEASURE`` parameter value (0 metres, 1 walking time at ``speed``)."""
    if int(code) == MEASURE_TIME:
        return walking_time(speed)
    if int(code) != MEASURE_DISTANCE:
        raise ValueError(f"MEASURE must be {MEASURE_DISTANCE} or {MEASURE_TIME}, not {code!r}")
    return DISTANCE
