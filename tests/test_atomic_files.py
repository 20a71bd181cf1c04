"""``scoring/atomic_files.py``: files staged beside their targets and put in place together.

The Processing algorithms and the Excel writers all replace files through it; here its rules
are checked on their own, without QGIS. The suite runs as root, who may write a read-only file
or folder anyway — which is why the read-only marks must be read from the file, not asked of
:func:`os.access`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path
from typing import Dict, Iterator

import pytest

from complete_community.scoring import atomic_files
from complete_community.scoring.atomic_files import (
    TEMPORARY_PREFIX,
    StagedFiles,
    is_marked_read_only,
    leftovers_in,
    without_staging,
    write_replacing,
)
from complete_community.scoring.errors import DataError

LABEL = "Output 'Test', file"


def digest(folder: Path) -> Dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


@pytest.fixture
def umask() -> Iterator[None]:
    """A group-writable umask, so that the mode open() gives differs from 0644 and 0600."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def open_mode(folder: Path) -> int:
    probe = folder / "written-with-open"
    with open(probe, "w", encoding="utf-8") as handle:
        handle.write("x")
    mode = stat.S_IMODE(probe.stat().st_mode)
    probe.unlink()
    return mode


def test_staged_files_have_their_targets_names_and_go_in_place_together(tmp_path):
    (tmp_path / "a.csv").write_text("old a")
    with StagedFiles() as files:
        a = files.stage(tmp_path / "a.csv", LABEL)
        b = files.stage(tmp_path / "b.gpkg", LABEL)
        assert (a.name, b.name) == ("a.csv", "b.gpkg")
        assert a.parent.parent == tmp_path and a.parent.name.startswith(TEMPORARY_PREFIX)
        a.write_text("new a")
        b.write_text("new b")
        assert (tmp_path / "a.csv").read_text() == "old a", "nothing in place before commit"
        assert not (tmp_path / "b.gpkg").exists()
        assert files.commit() == [tmp_path / "a.csv", tmp_path / "b.gpkg"]
    assert (tmp_path / "a.csv").read_text() == "new a"
    assert (tmp_path / "b.gpkg").read_text() == "new b"
    assert leftovers_in(tmp_path) == []


def test_an_error_before_commit_leaves_the_older_files(tmp_path):
    (tmp_path / "a.csv").write_text("old a")
    before = digest(tmp_path)
    with pytest.raises(RuntimeError), StagedFiles() as files:
        files.stage(tmp_path / "a.csv", LABEL).write_text("new a")
        files.stage(tmp_path / "b.csv", LABEL).write_text("half of b")
        raise RuntimeError("the third output failed")
    assert digest(tmp_path) == before
    assert leftovers_in(tmp_path) == []


@pytest.mark.parametrize("failing", [0, 1, 2])
def test_a_failed_move_puts_every_older_file_back(tmp_path, monkeypatch, failing):
    """Moving the third of three fails (a file locked at the last moment): the two moved
    before it are undone, the older ones back under their names, the new one removed."""
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "c.csv").write_text("old c")
    before = digest(tmp_path)
    names = ["a.csv", "b.csv", "c.csv"]
    real_replace = os.replace

    def locked(source, destination):
        if Path(destination) == tmp_path / names[failing] and TEMPORARY_PREFIX in str(source):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(DataError) as failed, StagedFiles() as files:
        for name in names:
            files.stage(tmp_path / name, LABEL).write_text(f"new {name}")
        files.commit()
    assert str(failed.value) == (
        f"{LABEL} {tmp_path / names[failing]} could not be put in place: Permission denied. "
        "Every existing file is left as it was"
    )
    assert digest(tmp_path) == before
    assert leftovers_in(tmp_path) == []


def test_a_read_only_file_is_refused_for_root_too(tmp_path):
    target = tmp_path / "gaps.gpkg"
    target.write_bytes(b"older")
    target.chmod(0o444)
    try:
        assert os.geteuid() != 0 or os.access(target, os.W_OK), "root may write it anyway"
        with pytest.raises(DataError) as refused:
            StagedFiles().stage(target, LABEL)
        assert str(refused.value) == (
            f"{LABEL} {target} cannot be replaced: the file is read-only. Make it writable or "
            "choose another file name; the existing file is left as it was"
        )
    finally:
        target.chmod(0o644)
    assert leftovers_in(tmp_path) == []


@pytest.mark.parametrize("attribute", ["i", "a"])
def test_an_immutable_or_append_only_file_is_refused(tmp_path, attribute):
    target = tmp_path / "gaps.gpkg"
    target.write_bytes(b"older")
    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    done = subprocess.run(["chattr", f"+{attribute}", str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +{attribute} is not possible here: {done.stderr!r}")
    try:
        assert stat.S_IMODE(target.stat().st_mode) & stat.S_IWUSR, "its mode says writable"
        assert is_marked_read_only(target)
        with pytest.raises(DataError, match="cannot be replaced: the file is read-only"):
            StagedFiles().stage(target, LABEL)
    finally:
        subprocess.run(["chattr", f"-{attribute}", str(target)], check=True)
    assert not is_marked_read_only(target)


def test_a_read_only_folder_is_refused_for_root_too(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DataError) as refused:
            StagedFiles().stage(folder / "gaps.gpkg", LABEL)
        assert str(refused.value).startswith(
            f"{LABEL} {folder / 'gaps.gpkg'} could not be written: the folder {folder} is read-only"
        )
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


def test_a_missing_folder_and_a_folder_in_the_way_are_refused(tmp_path):
    with pytest.raises(DataError, match=r"the folder .*nowhere does not exist"):
        StagedFiles().stage(tmp_path / "nowhere" / "a.csv", LABEL)
    (tmp_path / "a.csv").mkdir()
    with pytest.raises(DataError, match="a folder of that name exists"):
        StagedFiles().stage(tmp_path / "a.csv", LABEL)


def test_a_geopackage_being_edited_is_refused(tmp_path):
    target = tmp_path / "gaps.gpkg"
    target.write_bytes(b"older")
    (tmp_path / "gaps.gpkg-wal").write_bytes(b"")
    with pytest.raises(DataError, match=r"being edited in QGIS .*gaps\.gpkg-wal"):
        StagedFiles().stage(target, LABEL)


def test_a_file_that_cannot_be_opened_for_update_is_refused(tmp_path, monkeypatch):
    """A workbook open in Excel on Windows cannot be opened for update."""
    target = tmp_path / "evaluation.xlsx"
    target.write_bytes(b"older")
    real_open = open

    def held(file, mode="r", *args, **kwargs):
        if mode == "r+b":
            raise PermissionError(13, "The process cannot access the file")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(atomic_files, "open", held, raising=False)
    with pytest.raises(DataError, match="cannot be replaced: The process cannot access"):
        StagedFiles().stage(target, LABEL)


def test_replacing_is_refused_when_not_allowed(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"older")
    with pytest.raises(DataError, match=r"a\.xlsx already exists"):
        StagedFiles().stage(tmp_path / "a.xlsx", LABEL, replace=False)


def test_naming_one_file_twice_is_refused(tmp_path):
    files = StagedFiles()
    files.stage(tmp_path / "a.gpkg", "Output 'One', file")
    with pytest.raises(
        DataError, match=r"'Two', file .* is named twice, also as Output 'One', file"
    ):
        files.stage(tmp_path / "a.gpkg", "Output 'Two', file")
    files.discard()


def test_files_named_after_the_target_are_checked_before_any_is_moved(tmp_path):
    """A workbook per 片区 beside the target: with replacing not allowed, one that exists
    stops the whole commit before anything is moved."""
    (tmp_path / "evaluation_秦淮区.xlsx").write_bytes(b"older")
    before = digest(tmp_path)
    files = StagedFiles()
    staged = files.stage(tmp_path / "evaluation.xlsx", LABEL, replace=False, exact=False)
    for district in ("玄武区", "秦淮区"):
        (staged.parent / f"evaluation_{district}.xlsx").write_bytes(b"new")
    with pytest.raises(DataError, match=r"evaluation_秦淮区\.xlsx already exists"):
        files.commit()
    assert digest(tmp_path) == before
    assert leftovers_in(tmp_path) == []


def test_new_files_get_the_mode_open_gives_and_replaced_ones_keep_theirs(tmp_path, umask):
    expected = open_mode(tmp_path)
    assert expected == 0o664
    kept = tmp_path / "kept.csv"
    kept.write_text("older")
    kept.chmod(0o640)
    with StagedFiles() as files:
        new = files.stage(tmp_path / "new.gpkg", LABEL)
        # SQLite creates its files 0644 whatever the umask; GDAL's GeoPackages are SQLite.
        sqlite3.connect(new).close()
        new.chmod(0o600)
        files.stage(kept, LABEL).write_text("newer")
        files.commit()
    assert stat.S_IMODE((tmp_path / "new.gpkg").stat().st_mode) == expected
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_stale_shapefile_parts_go_with_the_older_file_and_come_back_on_failure(
    tmp_path, monkeypatch
):
    for suffix in (".shp", ".shx", ".dbf", ".cpg", ".qix"):
        (tmp_path / f"units{suffix}").write_text(f"older {suffix}")
    (tmp_path / "units.qml").write_text("the user's style")  # not a part of the data
    before = digest(tmp_path)

    def stage_new(files: StagedFiles) -> None:
        staged = files.stage(tmp_path / "units.shp", LABEL)
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            staged.with_suffix(suffix).write_text(f"new {suffix}")

    real_replace = os.replace

    def locked(source, destination):
        if Path(destination).name == "units.prj" and TEMPORARY_PREFIX in str(source):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, destination)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", locked)
        with pytest.raises(DataError), StagedFiles() as files:
            stage_new(files)
            files.commit()
    assert digest(tmp_path) == before
    with StagedFiles() as files:
        stage_new(files)
        files.commit()
    assert sorted(digest(tmp_path)) == [
        f"units{s}" for s in (".dbf", ".prj", ".qml", ".shp", ".shx")
    ]
    assert (tmp_path / "units.qml").read_text() == "the user's style"


def test_adding_to_an_existing_geopackage_starts_from_a_copy_of_it(tmp_path):
    """A layer added to a GeoPackage (``ogr:dbname=… table=…``) is added to a copy, which
    replaces the file once complete; two outputs adding layers share that copy."""
    target = tmp_path / "plan.gpkg"
    with sqlite3.connect(target) as database:
        database.execute("CREATE TABLE projects (name TEXT)")
        database.execute("INSERT INTO projects VALUES ('新建幼儿园')")
    files = StagedFiles()
    staged = files.stage(target, LABEL, keep_existing=True, shared=True)
    assert files.stage(target, "Output 'Other layer', file", shared=True) == staged
    with sqlite3.connect(staged) as copy:
        assert copy.execute("SELECT name FROM projects").fetchall() == [("新建幼儿园",)]
        copy.execute("CREATE TABLE gaps (unit TEXT)")
    files.commit()
    with sqlite3.connect(target) as database:
        tables = database.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    assert tables == [("gaps",), ("projects",)]


def test_results_name_the_files_in_place_and_messages_the_files_the_user_will_find(tmp_path):
    with StagedFiles() as files:
        staged = files.stage(tmp_path / "gaps.gpkg", LABEL)
        inner = StagedFiles()
        nested = inner.stage(staged, LABEL)  # a model's step writing the model's staged file
        final = tmp_path / "gaps.gpkg"
        # A step's result names the model's staged file, where the next step reads it.
        assert inner.final_text(f"{nested}|layername=gaps") == f"{staged}|layername=gaps"
        assert files.final_text(f"{staged}|layername=gaps") == f"{final}|layername=gaps"
        assert files.final_path(staged) == final
        message = f"Could not create layer {nested}: disk full"
        assert without_staging(message) == f"Could not create layer {final}: disk full"
        inner.discard()


def test_write_replacing_writes_one_file_all_or_nothing(tmp_path):
    target = tmp_path / "rubric.xlsx"
    target.write_bytes(b"older")

    def fails(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(DataError) as failed:
        write_replacing(target, "Rubric workbook", fails)
    assert str(failed.value).startswith(
        f"Rubric workbook {target} could not be written: No space left on device."
    )
    assert target.read_bytes() == b"older"
    write_replacing(target, "Rubric workbook", lambda path: path.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    assert leftovers_in(tmp_path) == []


def test_outputs_put_in_place_after_the_files_can_still_undo_them(tmp_path):
    """The outputs that are not files (database tables) are put in place last: when that
    fails, the files already moved go back too."""
    (tmp_path / "a.csv").write_text("old a")
    before = digest(tmp_path)

    def tables_fail() -> None:
        assert (tmp_path / "a.csv").read_text() == "new a", "the files are in place by now"
        raise DataError("the tables could not be renamed")

    with pytest.raises(DataError, match="tables could not be renamed"), StagedFiles() as files:
        files.stage(tmp_path / "a.csv", LABEL).write_text("new a")
        files.stage(tmp_path / "b.csv", LABEL).write_text("new b")
        files.commit(then=tables_fail)
    assert digest(tmp_path) == before
    assert leftovers_in(tmp_path) == []
