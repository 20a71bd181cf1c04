"""Files written all or nothing: staged beside their targets, put in place together.

Planners re-run an analysis after fixing one input; a run that stops half-way must not leave
them a mix of new and old outputs that do not belong together, nor a half-written file. This
module is the one piece of code that replaces files for the plugin — the Processing
algorithms' outputs (``processing/outputs.py``) and the domain's Excel writers alike:

1. **Before any work** every target is checked (:func:`check_target`): its folder exists and
   may be written, it is not a folder, and an existing file may be replaced — a file marked
   read-only (no write permission bit, or Linux/BSD's immutable or append-only attribute) is
   refused even for an administrator, who could write it anyway, because a planner marks a
   file read-only to protect it; so is one that cannot be opened for update (open in Excel on
   Windows) or a GeoPackage being edited (its ``-wal`` or ``-journal`` file is beside it).
2. Each target is written **under its own name in a staging folder beside it**
   (``<folder>/.~cc-<token>/<name>``), so that the final moves are renames on one file system
   and whatever names a writer derives from the file name (a GeoPackage's layer, a
   Shapefile's ``.dbf``, a workbook split per 片区 named ``<stem>_<片区>.xlsx``) come out as
   they will be in place.
3. **Only when every output is complete** the staged files are moved into place
   (:func:`put_in_place`): every target is checked again, the older file is kept as a hard
   link beside it until the last move has succeeded, and a failed move puts every file moved
   before it back. An error or a cancel at any earlier point removes the staging folders and
   leaves every older file byte for byte as it was.

A new file gets the permissions any new file in that folder gets (what ``open()`` gives under
the user's umask and the folder's default ACL), measured on a probe file — not the owner-only
mode of :func:`tempfile.mkstemp`, nor SQLite's fixed 0644. A replaced file keeps its
predecessor's mode (and owner, where the user may set it), as writing it with ``open()`` would.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import struct
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .errors import N_, DataError

#: Names starting with this are the plugin's staging folders and kept older files.
TEMPORARY_PREFIX = ".~cc-"

#: A staging folder as a part of a path (``/.~cc-0123456789ab/``), either separator.
_STAGING_IN_PATH = re.compile(r"[/\\]" + re.escape(TEMPORARY_PREFIX) + r"[0-9a-f]{12}(?=[/\\])")

#: Files a Shapefile or CSV writer leaves beside the main file. An older one the new output
#: does not have would no longer match it (a stale .qix index, a .cpg of another encoding), so
#: it is removed with the older output (and put back if the run fails).
SIDECARS = {
    ".shp": (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj", ".fix"),
    ".csv": (".csvt", ".prj"),
}

#: SQLite's files beside a database while a program writes it (QGIS while a layer is edited).
_IN_USE_SUFFIXES = ("-wal", "-journal")

_NO_FOLDER = N_("{label} {file} could not be written: the folder {folder} does not exist")
_FOLDER_READ_ONLY = N_(
    "{label} {file} could not be written: the folder {folder} is read-only. Make it writable "
    "or choose another folder"
)
_IS_FOLDER = N_("{label} {file} could not be written: a folder of that name exists")
_NOT_A_FOLDER = N_("{label} {file} could not be written: a file of that name exists")
_EXISTS = N_("{label} {file} already exists; choose another file name or allow it to be replaced")
_READ_ONLY = N_(
    "{label} {file} cannot be replaced: the file is read-only. Make it writable or choose "
    "another file name; the existing file is left as it was"
)
_IN_USE = N_(
    "{label} {file} cannot be replaced: it is being edited in QGIS or another program ({busy} "
    "is beside it). Save or stop the edits, then run again; the existing file is left as it "
    "was"
)
_LOCKED = N_(
    "{label} {file} cannot be replaced: {reason}. Close it in Excel or another program, or "
    "check that it is not read-only; the existing file is left as it was"
)
_NOT_WRITTEN = N_(
    "{label} {file} could not be written: {reason}. Nothing was changed; check that the "
    "folder is writable and has free space"
)
_NOT_MOVED = N_(
    "{label} {file} could not be put in place: {reason}. Every existing file is left as it was"
)
_NOT_RESTORED = N_(
    "{label} {file} could not be put in place ({reason}), and the older file could not be "
    "put back: it is kept as {kept}"
)
_SAME_FILE = N_(
    "{label} {file} is named twice, also as {other} {file}; give the outputs different files"
)


def check_target(target: Path, label: str, replace: bool = True) -> None:
    """Refuse a target that cannot or may not be written, naming ``label`` and the file.

    ``replace``: whether an existing file may be replaced (else it is refused as existing).
    """
    check_folder(target, label)
    if target.is_dir():
        raise DataError(_IS_FOLDER, label=label, file=str(target))
    if not os.path.lexists(target):
        return
    if not replace:
        raise DataError(_EXISTS, label=label, file=str(target))
    if is_marked_read_only(target):
        raise DataError(_READ_ONLY, label=label, file=str(target))
    for suffix in _IN_USE_SUFFIXES:
        busy = Path(str(target) + suffix)
        if busy.exists():
            raise DataError(_IN_USE, label=label, file=str(target), busy=busy.name)
    try:
        # Opening for update (which changes nothing) fails on a file Excel holds open on
        # Windows and on a read-only share.
        with open(target, "r+b"):
            pass
    except OSError as error:
        raise DataError(_LOCKED, label=label, file=str(target), reason=reason(error)) from None


def check_folder(target: Path, label: str) -> None:
    """Refuse a target whose folder is missing or may not be written."""
    folder = target.parent
    if not folder.is_dir():
        raise DataError(_NO_FOLDER, label=label, file=str(target), folder=str(folder))
    if is_marked_read_only(folder) or not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(_FOLDER_READ_ONLY, label=label, file=str(target), folder=str(folder))


def is_marked_read_only(path: Path) -> bool:
    """Whether ``path`` is marked read-only, whoever asks: no write permission bit for anyone,
    or the immutable or append-only attribute (``chattr +i``, ``chflags uchg``).

    :func:`os.access` answers for the user: for root it says yes to all of these. On Windows a
    folder's read-only attribute only means "customised" and is ignored.
    """
    try:
        status = path.stat()
    except OSError:
        return False
    is_folder = stat.S_ISDIR(status.st_mode)
    no_write_bit = not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if no_write_bit and not (is_folder and os.name == "nt"):
        return True
    flags = getattr(status, "st_flags", 0)  # BSD, macOS
    if flags & (stat.UF_IMMUTABLE | stat.UF_APPEND | stat.SF_IMMUTABLE | stat.SF_APPEND):
        return True
    return bool(_linux_attributes(path, is_folder) & (_FS_IMMUTABLE_FL | _FS_APPEND_FL))


_FS_IMMUTABLE_FL, _FS_APPEND_FL = 0x10, 0x20


def _linux_attributes(path: Path, is_folder: bool) -> int:
    """The inode flags ``lsattr`` shows (``FS_IOC_GETFLAGS``); 0 where they cannot be read."""
    if not sys.platform.startswith("linux"):
        return 0
    import fcntl

    request = (2 << 30) | (struct.calcsize("l") << 16) | (ord("f") << 8) | 1  # _IOR('f', 1, long)
    flags = os.O_RDONLY | os.O_NONBLOCK | (os.O_DIRECTORY if is_folder else 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return 0
    try:
        buffer = bytearray(8)
        fcntl.ioctl(descriptor, request, buffer, True)
        return int.from_bytes(buffer[:4], sys.byteorder)
    except OSError:  # a file system without inode flags
        return 0
    finally:
        os.close(descriptor)


def not_written(label: str, target: Path, error: OSError) -> DataError:
    """The message for a file that could not be written (nothing was changed)."""
    return DataError(_NOT_WRITTEN, label=label, file=str(target), reason=reason(error))


def reason(error: BaseException) -> str:
    """An OS error in words, without the traceback."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


# --------------------------------------------------------------------------------------------
# Staging and putting in place
# --------------------------------------------------------------------------------------------


@dataclass
class Move:
    """One file to put in place: ``staged`` onto ``target``; ``staged`` None removes an older
    ``target`` (a stale sidecar). ``label`` names the output in messages."""

    staged: Optional[Path]
    target: Path
    label: str
    replace: bool = True


def make_staging_folder(target: Path, label: str) -> Path:
    """A new, empty staging folder beside ``target`` (its creation is the real test that the
    folder can be written, also on read-only shares and for root)."""
    folder = target.parent / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        folder.mkdir()
    except OSError as error:
        raise not_written(label, target, error) from None
    return folder


def new_file_mode(folder: Path) -> int:
    """The permission bits ``open()`` gives a new file in ``folder``, measured on a probe."""
    probe = folder / f"{TEMPORARY_PREFIX}mode-{uuid.uuid4().hex[:8]}"
    with open(probe, "xb"):
        pass
    try:
        return stat.S_IMODE(probe.stat().st_mode)
    finally:
        probe.unlink()


def put_in_place(moves: Sequence[Move], then: Optional[Callable[[], Any]] = None) -> None:
    """Move every staged file onto its target, all or none.

    Every target is checked first (it may have become read-only during a long run). The older
    file is kept, as a hard link (or, where links are not possible, renamed) beside the target,
    until every move has succeeded — and ``then`` (the outputs that are not files, put in place
    last) has returned; a failure puts back every older file and removes every new one, and
    raises naming the output and the file (or ``then``'s own error).
    """
    for move in moves:
        check_target(move.target, move.label, move.replace)
    modes: Dict[Path, int] = {}
    done: List[Tuple[Move, Optional[Path], bool]] = []  # (move, kept older file, linked)
    current = moves[0] if moves else None
    try:
        for move in moves:
            current = move
            kept, linked = _keep_older(move.target)
            done.append((move, kept, linked))
            if move.staged is None:
                if linked:  # a link keeps the older file; now take its name away
                    os.unlink(move.target)
                continue
            _give_mode(move.staged, kept, modes)
            os.replace(move.staged, move.target)
    except OSError as error:
        assert current is not None
        _put_back(done, current, error)
        raise DataError(
            _NOT_MOVED, label=current.label, file=str(current.target), reason=reason(error)
        ) from None
    if then is not None:
        try:
            then()
        except BaseException as error:
            if done:
                _put_back(done, done[-1][0], error)
            raise
    for _move, kept, _linked in done:
        if kept is not None:
            remove_quietly(kept)


def _keep_older(target: Path) -> Tuple[Optional[Path], bool]:
    """Keep the file at ``target`` under a temporary name beside it; (that name, linked)."""
    if not os.path.lexists(target):
        return None, False
    kept = target.parent / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex[:12]}-older-{target.name}"
    try:
        os.link(target, kept, follow_symlinks=False)
        return kept, True
    except (OSError, NotImplementedError):  # FAT, some shares: no hard links
        os.replace(target, kept)
        return kept, False


def _give_mode(staged: Path, kept: Optional[Path], modes: Dict[Path, int]) -> None:
    """The mode (and, where allowed, owner) ``open()`` would have given ``staged`` at its
    target: the older file's when it replaces one, else a new file's in that folder."""
    if kept is not None:
        older = kept.lstat()
        os.chmod(staged, stat.S_IMODE(older.st_mode))
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):
                os.chown(staged, older.st_uid, older.st_gid)
        return
    folder = staged.parent
    if folder not in modes:
        modes[folder] = new_file_mode(folder)
    os.chmod(staged, modes[folder])


def _put_back(done: List[Tuple[Move, Optional[Path], bool]], failed: Move, error: BaseException):
    """Undo the moves made, newest first: every older file back under its name."""
    for move, kept, linked in reversed(done):
        try:
            if kept is None:
                if move.staged is not None and not move.staged.exists():
                    os.unlink(move.target)  # a new file that had no predecessor
            elif linked and move.staged is not None and move.staged.exists():
                os.unlink(kept)  # not moved yet: the target is still the older file
            else:
                os.replace(kept, move.target)
        except OSError:
            if kept is not None and kept.exists():
                raise DataError(
                    _NOT_RESTORED,
                    label=failed.label,
                    file=str(failed.target),
                    reason=reason(error),
                    kept=str(kept),
                ) from None


def without_staging(text: str) -> str:
    """A message with every staging folder left out of the paths in it, for the user: a
    staged file has its target's name in a staging folder beside the target, so this names
    the target also for the staging folders of nested runs (a model's step). Only for words:
    a result must name files as :meth:`StagedFiles.final_text` does, since a model's step
    reads its predecessor's output where it is staged."""
    return _STAGING_IN_PATH.sub("", text)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def leftovers_in(folder: Path) -> List[Path]:
    """Staging folders and kept older files left in ``folder`` (none, unless a run was killed)."""
    return sorted(folder.glob(TEMPORARY_PREFIX + "*"))


# --------------------------------------------------------------------------------------------
# A run's files
# --------------------------------------------------------------------------------------------


@dataclass
class _Target:
    target: Path
    folder: Path  # its staging folder
    label: str
    replace: bool
    shared: bool
    is_folder: bool = False

    @property
    def staged(self) -> Path:
        return self.folder / self.target.name

    def moves(self) -> List[Move]:
        """Every file written into the staging folder onto its place: beside the target (a
        file and the files named after it), or into the target (a folder of files)."""
        written = self.staged if self.is_folder else self.folder
        destination = self.target if self.is_folder else self.target.parent
        files = sorted(
            path
            for path in written.iterdir()
            if not path.name.startswith(TEMPORARY_PREFIX) and not path.is_dir()
        )
        moves = [Move(path, destination / path.name, self.label, self.replace) for path in files]
        if not self.is_folder:
            moves += _stale_sidecars(self, {path.name for path in files})
        return moves


class StagedFiles:
    """The files of one run: staged beside their targets and put in place together.

    ::

        with StagedFiles() as files:          # an exception removes everything staged
            path = files.stage(target, Phrase(N_("Workbook")))   # checked now
            workbook.save(path)
            files.commit()                    # all moved into place, or none
    """

    def __init__(self) -> None:
        self._targets: Dict[Path, _Target] = {}
        self._finished = False

    def stage(
        self,
        target: Union[str, Path],
        label: str,
        *,
        replace: bool = True,
        exact: bool = True,
        keep_existing: bool = False,
        shared: bool = False,
    ) -> Path:
        """Check ``target`` and return where to write it: its name in a new staging folder.

        - ``exact=False``: the writer writes files named after the target beside it instead
          (a workbook per 片区); only the folder is checked now, every file at :meth:`commit`.
        - ``keep_existing``: the writer adds to an existing file (a layer into a GeoPackage),
          so the staged file starts as a copy of it.
        - ``shared``: several outputs may write into this one file (layers of one
          GeoPackage); otherwise naming a target twice is refused.
        """
        if self._finished:
            raise RuntimeError("these files are already put in place or discarded")
        target = Path(os.path.abspath(target))
        known = self._targets.get(target)
        if known is not None:
            if shared and known.shared:
                return known.staged
            raise DataError(_SAME_FILE, label=label, other=known.label, file=str(target))
        if exact:
            check_target(target, label, replace)
        else:
            check_folder(target, label)
        entry = _Target(target, make_staging_folder(target, label), label, replace, shared)
        self._targets[target] = entry
        if keep_existing and target.is_file():
            self._copy_existing(entry)
        return entry.staged

    def stage_folder(self, target: Union[str, Path], label: str) -> Path:
        """Check folder output ``target`` and return a new, empty folder to write its files
        into; at :meth:`commit` they are moved into ``target`` (made if missing), replacing
        files of the same names there and leaving the others."""
        if self._finished:
            raise RuntimeError("these files are already put in place or discarded")
        target = Path(os.path.abspath(target))
        if target in self._targets:
            raise DataError(
                _SAME_FILE, label=label, other=self._targets[target].label, file=str(target)
            )
        check_folder(target, label)
        if target.exists():
            if not target.is_dir():
                raise DataError(_NOT_A_FOLDER, label=label, file=str(target))
            if is_marked_read_only(target) or not os.access(target, os.W_OK | os.X_OK):
                raise DataError(
                    _FOLDER_READ_ONLY, label=label, file=str(target), folder=str(target)
                )
        entry = _Target(target, make_staging_folder(target, label), label, True, False, True)
        self._targets[target] = entry
        entry.staged.mkdir()
        return entry.staged

    def write(self, target: Union[str, Path], label: str, writer: Callable[[Path], Any], **how):
        """Stage ``target`` and call ``writer`` with the staged path; an OS error while writing
        becomes a message naming ``label`` and the target. Returns the staged path."""
        staged = self.stage(target, label, **how)
        try:
            writer(staged)
        except OSError as error:
            raise not_written(label, Path(target), error) from None
        return staged

    @staticmethod
    def _copy_existing(entry: _Target) -> None:
        """The staged file starts as a copy of the target (not being edited: checked)."""
        try:
            shutil.copyfile(entry.target, entry.staged)
        except OSError as error:
            raise not_written(entry.label, entry.target, error) from None

    # Names ---------------------------------------------------------------------------------

    def final_path(self, path: Union[str, Path]) -> Path:
        """Where a staged path will be once in place (any other path unchanged)."""
        return Path(self.final_text(str(path)))

    def final_text(self, text: str) -> str:
        """``text`` (a result, an identifier) with this run's staging folders named as their
        targets' folders: what the user will find once the files are in place."""
        for entry in self._targets.values():
            for staging, final in (
                (str(entry.folder), str(entry.target.parent)),
                (entry.folder.as_posix(), entry.target.parent.as_posix()),
            ):
                text = text.replace(staging, final)
        return text

    @property
    def targets(self) -> List[Path]:
        return list(self._targets)

    # Finishing -----------------------------------------------------------------------------

    def moves(self) -> List[Move]:
        """What :meth:`commit` will do: every file written into a staging folder onto its
        place, and the older sidecars the new files do not replace removed."""
        moves = [move for entry in self._targets.values() for move in entry.moves()]
        targets = [move.target for move in moves]
        for move in moves:
            if targets.count(move.target) > 1:
                other = next(m for m in moves if m.target == move.target and m is not move)
                raise DataError(
                    _SAME_FILE, label=move.label, other=other.label, file=str(move.target)
                )
        return moves

    def commit(self, then: Optional[Callable[[], Any]] = None) -> List[Path]:
        """Put every staged file in place (all or none); return the files now in place. A
        folder output that does not exist yet is made first (and removed again on failure).
        ``then`` puts the run's other outputs in place once the files are: if it fails, the
        files are put back too."""
        made: List[Path] = []
        try:
            moves = self.moves()
            for entry in self._targets.values():
                if entry.is_folder and not entry.target.exists() and any(entry.moves()):
                    try:
                        entry.target.mkdir()
                    except OSError as error:
                        raise not_written(entry.label, entry.target, error) from None
                    made.append(entry.target)
            put_in_place(moves, then)
        except BaseException:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        finally:
            self.discard()
        return [move.target for move in moves if move.staged is not None]

    def discard(self) -> None:
        """Remove every staging folder and what is in it; older files are untouched. The names
        stay known, so that :meth:`final_text` still works."""
        if not self._finished:
            for entry in self._targets.values():
                shutil.rmtree(entry.folder, ignore_errors=True)
        self._finished = True

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, *_exception: Any) -> None:
        self.discard()  # after a commit nothing is left to remove


def _stale_sidecars(entry: _Target, written: Iterable[str]) -> List[Move]:
    parts = SIDECARS.get(entry.target.suffix.lower())
    if not parts or entry.target.name not in written:
        return []
    stem = entry.target.stem
    stale = []
    for path in entry.target.parent.iterdir():
        if path.stem == stem and path.suffix.lower() in parts and path.name not in written:
            stale.append(Move(None, path, entry.label, entry.replace))
    return stale


def write_replacing(target: Union[str, Path], label: str, writer: Callable[[Path], Any]) -> None:
    """Write one file all or nothing: ``writer`` writes the staged path, which then replaces
    ``target``; any failure leaves the older file as it was and no temporary behind."""
    with StagedFiles() as files:
        files.write(target, label, writer)
        files.commit()
