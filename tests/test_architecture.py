"""The layout rules of DESIGN.md §3 that a reader relies on to find things."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PLUGIN_FOLDERS = ("processing", "scoring", "ui", "i18n", "resources")


def plugin_sources() -> list[Path]:
    files = [REPO_ROOT / "plugin.py", REPO_ROOT / "__init__.py"]
    for folder in PLUGIN_FOLDERS:
        files += sorted((REPO_ROOT / folder).rglob("*.py"))
    return files


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_domain_modules_do_not_import_qgis_or_qt():
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(
            module
            for module in imported_modules(path)
            if module.split(".")[0] in {"qgis", "PyQt5", "PyQt6", "processing"}
        )
        for path in sorted((REPO_ROOT / "scoring").rglob("*.py"))
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_qt_is_imported_only_through_qgis_pyqt():
    offenders = [
        str(path)
        for path in plugin_sources()
        if re.search(r"^\s*(from|import)\s+PyQt[56]", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_one_algorithm_per_file_on_the_shared_base():
    from complete_community.processing.algorithms import ALGORITHM_CLASSES
    from complete_community.processing.base import BaseAlgorithm

    files = [inspect.getsourcefile(cls) for cls in ALGORITHM_CLASSES]
    assert len(files) == len(set(files)), "each algorithm has its own file"
    ids = [cls.ALGORITHM_ID for cls in ALGORITHM_CLASSES]
    assert len(ids) == len(set(ids))
    assert all(issubclass(cls, BaseAlgorithm) for cls in ALGORITHM_CLASSES)


#: Ways to create a file or layer that bypass the base class's all-or-nothing outputs.
OUTPUT_BYPASSES = {
    "parameterAsSink",
    "parameterAsFileOutput",
    "parameterAsOutputLayer",
    "createFeatureSink",
    "QgsVectorFileWriter",
    "QgsRasterFileWriter",
    "write_text",
    "write_bytes",
    "mkstemp",
    "NamedTemporaryFile",
}
FILE_MODULE_CALLS = {("shutil", "copy"), ("shutil", "move"), ("os", "replace"), ("os", "rename")}


def _output_bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = ""
        if isinstance(node, ast.Attribute):
            name = node.attr
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if any(
                owner == module and name.startswith(prefix) for module, prefix in FILE_MODULE_CALLS
            ):
                found.append(f"{owner}.{name}")
        elif isinstance(node, ast.Name):
            name = node.id
        if name in OUTPUT_BYPASSES:
            found.append(name)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
        ):
            modes = [
                arg for arg in node.args[1:2] + [k.value for k in node.keywords if k.arg == "mode"]
            ]
            if any(
                not isinstance(mode, ast.Constant) or set(str(mode.value)) & set("wax+")
                for mode in modes
            ):
                found.append("open() for writing")
    return [f"{path.relative_to(REPO_ROOT)}: {name}" for name in found]


def test_processing_code_creates_outputs_only_through_the_base_class():
    """Every output of an algorithm is written through ``BaseAlgorithm.output_sink`` /
    ``create_sink`` / ``output_file`` / ``output_layer`` (``processing/outputs.py``), so that it
    is checked before the work and put in place with the others, all or nothing."""
    sources = sorted((REPO_ROOT / "processing").rglob("*.py"))
    offenders = [
        offence
        for path in sources
        if path.name != "outputs.py"
        for offence in _output_bypasses(path)
    ]
    assert offenders == []
