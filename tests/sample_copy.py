"""The bundled sample as the tests use it: a copy made once per test session, never
``sample/`` itself.

QGIS and OGR open a GeoPackage for update even to read it, and doing so rewrites its SQLite
header (and may leave ``-wal`` / ``-shm`` files beside it), so a suite that opened
``sample/nanjing_xuanwu.gpkg`` in place left the committed sample modified. Every test reads
:data:`SAMPLE` (or :data:`SAMPLE_DIR`, the copied folder) instead, and ``tests/conftest.py``
fails the session when anything under ``sample/`` changed all the same
(:func:`fingerprint` before and after).
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Dict

#: The committed sample folder; tests must not open its files.
REPO_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"


def _copy_sample() -> Path:
    parent = Path(tempfile.mkdtemp(prefix="cc-sample-"))
    atexit.register(shutil.rmtree, parent, True)
    return Path(shutil.copytree(REPO_SAMPLE_DIR, parent / "sample"))


#: The session's copy of ``sample/`` (same files, same names) and of its GeoPackage.
SAMPLE_DIR = _copy_sample()
SAMPLE = SAMPLE_DIR / "nanjing_xuanwu.gpkg"


def fingerprint(folder: Path = REPO_SAMPLE_DIR) -> Dict[str, str]:
    """Every file under ``folder`` (relative path) with its SHA-256: a file changed, added
    (``-wal``, ``-shm``, an output written there) or removed shows as a difference."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def changes(before: Dict[str, str], after: Dict[str, str]) -> list:
    """What differs between two fingerprints, as "changed: x", "added: y", "removed: z"."""
    found = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            found.append(f"removed: {name}")
        elif name not in before:
            found.append(f"added: {name}")
        elif before[name] != after[name]:
            found.append(f"changed: {name}")
    return found
