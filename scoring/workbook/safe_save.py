"""Writing workbooks so that a failure never leaves a half-written or lost file.

A workbook is saved to a temporary file in the target's own folder (so that the final move is a
rename on one file system) and moved into place with :func:`os.replace` only once every workbook
of the run is complete. Before any work starts the targets are checked: an existing file is
replaced only when the caller allows it, and one that cannot be replaced (open in Excel on
Windows, read-only) is reported then, not after minutes of writing. Whatever goes wrong — an
error, a full disk, the user cancelling — the temporary files are removed and the old files are
left as they were.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import IO, Any, Callable, List, Sequence, Tuple

from ..errors import N_, DataError

TEMPORARY_PREFIX = ".~cc-"

_NOT_XLSX = N_("Workbook {file}: the file name must end in .xlsx")
_NO_FOLDER = N_("Workbook {file} cannot be written: the folder {folder} does not exist")
_EXISTS = N_("Workbook {file} already exists; choose another file name or allow it to be replaced")
_IS_FOLDER = N_("Workbook {file} cannot be written: a folder of that name exists")
_LOCKED = N_(
    "Workbook {file} cannot be replaced: {reason}. Close it in Excel or another program, or "
    "check that it is not read-only; the existing file is left as it was"
)
_NOT_WRITTEN = N_(
    "Workbook {file} could not be written: {reason}. Nothing was changed; check that the "
    "folder is writable and has free space"
)
_NOT_MOVED = N_(
    "Workbook {file} could not be put in place: {reason}. The existing file is left as it was"
)


def xlsx_path(target: Any) -> Path:
    """``target`` as an .xlsx path: ``.xlsx`` is added to a name without a suffix."""
    path = Path(target)
    if path.suffix == "":
        return path.with_name(path.name + ".xlsx")
    if path.suffix.lower() != ".xlsx":
        raise DataError(_NOT_XLSX, file=str(path))
    return path


def check_targets(paths: Sequence[Path], overwrite: bool) -> None:
    """Refuse, before anything is written, targets that cannot or may not be replaced."""
    for path in paths:
        folder = path.parent
        if not folder.is_dir():
            raise DataError(_NO_FOLDER, file=str(path), folder=str(folder))
        if path.is_dir():
            raise DataError(_IS_FOLDER, file=str(path))
        if not path.exists():
            continue
        if not overwrite:
            raise DataError(_EXISTS, file=str(path))
        try:
            # Opening for update fails on a file Excel holds open (Windows) or a read-only one.
            with open(path, "r+b"):
                pass
        except OSError as error:
            raise DataError(_LOCKED, file=str(path), reason=_reason(error)) from None


def save_temporary(write: Callable[[IO[bytes]], None], target: Path) -> Path:
    """Write a new temporary file next to ``target`` with ``write(handle)``; return its path.

    The file is created with ``open(..., "xb")``, so it gets the permissions of any new file
    (the umask), not the owner-only ones of :func:`tempfile.mkstemp`. Whatever ``write``
    raises, the temporary file is removed.
    """
    temporary = target.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex[:12]}-{target.name}")
    try:
        with open(temporary, "xb") as handle:
            write(handle)
    except OSError as error:
        remove_quietly(temporary)
        raise DataError(_NOT_WRITTEN, file=str(target), reason=_reason(error)) from None
    except BaseException:
        remove_quietly(temporary)
        raise
    return temporary


def move_into_place(pending: Sequence[Tuple[Path, Path]]) -> None:
    """Move each (temporary, target) into place; on a failure remove the temporaries left."""
    for index, (temporary, target) in enumerate(pending):
        try:
            os.replace(temporary, target)
        except OSError as error:
            discard([temp for temp, _target in pending[index:]])
            raise DataError(_NOT_MOVED, file=str(target), reason=_reason(error)) from None


def discard(temporaries: Sequence[Path]) -> None:
    for temporary in temporaries:
        remove_quietly(temporary)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def temporaries_in(folder: Path) -> List[Path]:
    """Temporary workbooks left in ``folder`` (none, unless a run was killed)."""
    return sorted(folder.glob(TEMPORARY_PREFIX + "*"))
