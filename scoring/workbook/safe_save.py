"""Writing workbooks so that a failure never leaves a half-written or lost file.

The evaluation workbook's side of :mod:`scoring.atomic_files`, which does the work: before
anything is built every target is checked (an existing file is replaced only when the caller
allows it; one that is read-only or open in Excel is reported then, not after minutes of
writing); every workbook of a run is saved under its own name in a staging folder beside its
target and moved into place only once all of them are complete. Whatever goes wrong — an
error, a full disk, the user cancelling — the staged files are removed and the old files are
left as they were.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO, Any, Callable, List, Sequence, Tuple

from ..atomic_files import (
    TEMPORARY_PREFIX,
    Move,
    check_target,
    leftovers_in,
    make_staging_folder,
    not_written,
    put_in_place,
    remove_quietly,
)
from ..errors import N_, DataError, Phrase

__all__ = [
    "TEMPORARY_PREFIX",
    "check_targets",
    "discard",
    "move_into_place",
    "remove_quietly",
    "save_temporary",
    "temporaries_in",
    "xlsx_path",
]

WORKBOOK = Phrase(N_("Workbook"))

_NOT_XLSX = N_("Workbook {file}: the file name must end in .xlsx")


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
        check_target(path, WORKBOOK, overwrite)


def save_temporary(write: Callable[[IO[bytes]], None], target: Path) -> Path:
    """Write ``target``'s file under its name in a new staging folder beside it with
    ``write(handle)``; return that path. It is created with ``open(..., "xb")``, so it gets the
    permissions of any new file (the umask), not the owner-only ones of
    :func:`tempfile.mkstemp`. Whatever ``write`` raises, the staged file is removed.
    """
    staged = make_staging_folder(target, WORKBOOK) / target.name
    try:
        with open(staged, "xb") as handle:
            write(handle)
    except OSError as error:
        discard([staged])
        raise not_written(WORKBOOK, target, error) from None
    except BaseException:
        discard([staged])
        raise
    return staged


def move_into_place(pending: Sequence[Tuple[Path, Path]]) -> None:
    """Move each (staged, target) into place, all or none; the staging folders are removed."""
    try:
        put_in_place([Move(staged, target, WORKBOOK) for staged, target in pending])
    finally:
        discard([staged for staged, _target in pending])


def discard(staged_files: Sequence[Path]) -> None:
    """Remove staged workbooks and their staging folders."""
    for staged in staged_files:
        if staged.parent.name.startswith(TEMPORARY_PREFIX):
            shutil.rmtree(staged.parent, ignore_errors=True)
        else:
            remove_quietly(staged)


def temporaries_in(folder: Path) -> List[Path]:
    """Staging folders left in ``folder`` (none, unless a run was killed)."""
    return leftovers_in(folder)
