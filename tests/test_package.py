"""``make package``: the zip the QGIS plugin repository and "Install from ZIP" accept.

One folder ``complete_community/`` holding the plugin and nothing else, the compiled
translations, the GPL-2.0 licence and a metadata.txt with every field the repository requires;
unzipped into a fresh profile it enables through ``qgis_process plugins enable`` and lists every
algorithm of the provider.
"""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PROVIDER_ID = "completecommunity"


def _load_package_tool():
    spec = importlib.util.spec_from_file_location(
        "package_tool", REPO_ROOT / "tools" / "package.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


package_tool = _load_package_tool()


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("package") / "complete_community.zip"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "package.py"), str(target)],
        check=True,
        capture_output=True,
    )
    return target


def _names(package: Path) -> list:
    with zipfile.ZipFile(package) as archive:
        return archive.namelist()


def test_one_top_folder_and_nothing_that_is_not_the_plugin(package):
    names = _names(package)
    assert {name.split("/")[0] for name in names} == {"complete_community"}
    assert "complete_community/" in names
    forbidden_parts = {"__pycache__", ".git", "tests", "build", ".venv", "bench", "tools", "sample"}
    offending = [
        name
        for name in names
        if forbidden_parts.intersection(name.split("/"))
        or name.endswith((".pyc", ".pyo", ".ts", ".zip"))
    ]
    assert offending == []


def test_it_holds_every_plugin_file_the_qm_and_the_licence(package):
    names = set(_names(package))
    code = {
        f"complete_community/{path.relative_to(REPO_ROOT).as_posix()}"
        for folder in ("processing", "scoring", "ui", "i18n", "resources")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert code and code <= names
    top_level = {"__init__.py", "plugin.py", "metadata.txt", "LICENSE", "README.md"}
    assert {f"complete_community/{name}" for name in top_level} <= names
    assert "complete_community/i18n/complete_community_zh_CN.qm" in names
    models = {
        f"complete_community/{path.relative_to(REPO_ROOT).as_posix()}"
        for path in (REPO_ROOT / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert models <= names, "icons, help pages, standards, rubrics and models ship"


def test_the_licence_is_the_gpl_2_text(package):
    with zipfile.ZipFile(package) as archive:
        licence = archive.read("complete_community/LICENSE").decode("utf-8")
    assert licence == (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in licence and "Version 2, June 1991" in licence
    assert "TERMS AND CONDITIONS FOR COPYING, DISTRIBUTION AND MODIFICATION" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    assert len(licence.splitlines()) > 300, "the whole text, not a notice"


def test_metadata_has_every_field_the_plugin_repository_requires(package):
    with zipfile.ZipFile(package) as archive:
        text = archive.read("complete_community/metadata.txt").decode("utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    general = parser["general"]
    required = (
        "name",
        "qgisMinimumVersion",
        "qgisMaximumVersion",
        "description",
        "about",
        "version",
        "author",
        "email",
        "repository",
        "tracker",
        "homepage",
    )
    assert [key for key in required if not general.get(key, "").strip()] == []
    assert general["qgisMaximumVersion"] == "4.99" and general["supportsQt6"] == "True"
    assert "GPL-2.0-or-later" in general["about"]
    assert general["changelog"].strip()
    for key in ("repository", "tracker", "homepage"):
        assert general[key].startswith("https://")


def test_the_tool_refuses_a_package_the_repository_would_refuse(tmp_path):
    plugin = tmp_path / "plugin"
    (plugin / "i18n").mkdir(parents=True)
    (plugin / "i18n" / "x_zh_CN.qm").write_bytes(b"qm")
    (plugin / "__init__.py").write_text("", encoding="utf-8")
    (plugin / "metadata.txt").write_text(
        "[general]\nname=x\nversion=1.0.0\nqgisMinimumVersion=3.22\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as refused:
        package_tool.build(tmp_path / "x.zip", root=plugin)
    message = str(refused.value)
    assert "'email' is missing" in message and "'tracker' is missing" in message
    assert "no LICENSE file" in message
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()


@pytest.mark.qgis_process
def test_unzipped_it_enables_in_a_fresh_profile_and_lists_its_algorithms(package, tmp_path):
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "unzipped")
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    from qgis_process_runner import QgisProcess

    from complete_community.processing.algorithms import ALGORITHM_CLASSES

    runner = QgisProcess(tmp_path / "unzipped" / "complete_community", tmp_path / "cli")
    enabled = runner.enable_plugin()
    assert enabled.returncode == 0, enabled.stderr
    listed = set(runner.algorithm_ids(PROVIDER_ID))
    expected = {f"{PROVIDER_ID}:{cls.ALGORITHM_ID}" for cls in ALGORITHM_CLASSES}
    assert expected and expected <= listed
