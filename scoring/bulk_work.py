"""Work on city-sized tables with Python's cyclic garbage collector paused.

Reading a city's tables makes millions of small objects (rows, records, scores) that hold no
reference cycles. Each batch of new containers sets off a collection, and the full ones walk
every object alive — QGIS's and the tables' — so that on a city the collector takes as long as
the work itself (half of typing the 200,000-row provision table). Paused around such work, it
takes up again when the work is done; reference counting frees what is dropped meanwhile.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (reference counting still frees
    what is dropped); nested blocks leave it to the outermost, which restores it as it was."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


__all__ = ["collector_paused"]
