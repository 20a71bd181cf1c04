"""Where the engine gets scipy from, and the one switch that turns it off.

scipy is shipped by most QGIS installs but not all, so every scipy-backed step has a pure
numpy/Python twin that gives the same answer more slowly. The look-up happens at call time, not
at import time, so a test (or a user comparing the two) can hide scipy for one run.
"""

from __future__ import annotations

from types import ModuleType
from typing import Optional

#: Set to False to force the pure numpy/Python paths even when scipy is importable.
USE_SCIPY = True


def scipy_spatial() -> Optional[ModuleType]:
    """``scipy.spatial`` (for cKDTree), or None when it is missing or switched off."""
    if not USE_SCIPY:
        return None
    try:
        import scipy.spatial
    except ImportError:
        return None
    return scipy.spatial


def scipy_csgraph() -> Optional[ModuleType]:
    """``scipy.sparse.csgraph`` (connected components), or None when missing or switched off."""
    if not USE_SCIPY:
        return None
    try:
        import scipy.sparse
        import scipy.sparse.csgraph
    except ImportError:
        return None
    return scipy.sparse.csgraph


def scipy_sparse() -> Optional[ModuleType]:
    """``scipy.sparse`` (to wrap CSR arrays for csgraph), or None when missing or switched off."""
    if scipy_csgraph() is None:
        return None
    import scipy.sparse

    return scipy.sparse
