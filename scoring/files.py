"""Writing users' files so that a failure never leaves a half-written or lost file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import DataError


def save_workbook_replacing(workbook: Any, target: Path, not_written: str) -> None:
    """Save an openpyxl ``workbook`` next to ``target``, then move it into place.

    The move is atomic, so the old file stays whole until the new one is complete. Any failure
    raises ``DataError(not_written, file=..., reason=...)``: the caller's own wording, which
    names what kind of workbook it was.
    """
    file = str(target)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=".~" + target.stem, suffix=".xlsx", dir=str(target.parent)
        )
    except OSError as error:
        raise DataError(not_written, file=file, reason=error.strerror or str(error)) from None
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise DataError(not_written, file=file, reason=error.strerror or str(error)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
