"""Fail on Qt5-only constructs, so that the plugin also runs unchanged on QGIS 4 (Qt6, PyQt6).

    python tools/check_qt6.py [FILE_OR_FOLDER ...]     (default: the whole repository)

Prints one line per finding, ``path:line:col: what is wrong — what to write instead``, and
exits 1 when there is any. ``make lint`` runs it.

Why the check imports QGIS: whether ``QgsProcessing.TypeVector`` is an enum member read without
its enum (Qt6 has no such unscoped access) cannot be told from the text; the running QGIS 3.22
(the oldest supported) knows, and says which enum it belongs to, so the message can name the
exact scoped spelling. What does not exist on 3.22 at all (``Qgis.ProcessingSourceType`` …) is a
version difference, and version differences live in ``processing/compat.py`` only.

What it checks (everywhere unless said otherwise):
- ``exec_()`` / ``print_()`` — Qt6 has only ``exec()`` / ``print()``;
- classes and objects Qt6 removed: ``QRegExp``, ``QRegExpValidator``, ``QDesktopWidget``,
  ``QTextCodec``, ``QMatrix``, ``qApp``, ``QApplication.desktop()``;
- ``QFontMetrics.width(text)`` (any ``.width(...)`` called with arguments) — ``horizontalAdvance``;
- overloaded signals picked by type (``activated[str].connect``) — PyQt6 has no overloads;
- Qt imported from ``PyQt5`` / ``PyQt6`` / ``sip`` directly instead of through ``qgis.PyQt``;
- compiled Qt resources (``*_rc`` modules, ``.qrc`` files, ``:/plugins/`` paths) and ``.ui``
  loading with ``resource_suffix`` / ``from_imports`` / ``import_from``;
- enum members read without their enum, Qt's and QGIS's (``Qt.AlignLeft``,
  ``QgsFeatureSink.FastInsert``) — write ``Qt.AlignmentFlag.AlignLeft``,
  ``QgsFeatureSink.Flag.FastInsert``; members Qt6 renamed (``Qt.MidButton`` …);
- outside ``processing/compat.py``: ``QVariant`` type constants and ``QVariant()`` as NULL;
  ``QAction``, ``QActionGroup``, ``QShortcut`` … from ``QtWidgets`` (they are in ``QtGui`` on Qt6);
  QGIS enums that moved to ``Qgis.*`` (3.30–3.36: ``QgsProcessing.SourceType`` →
  ``Qgis.ProcessingSourceType`` …), read under either spelling; and any QGIS/Qt name that QGIS
  3.22 does not have.

A line can opt out with a trailing ``# qt6: ok (reason)``; use it only where the construct is
what the code is about (a test planting it, a guarded fallback), never to silence a real use.
"""

from __future__ import annotations

import ast
import enum
import functools
import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPAT_FILE = Path("processing") / "compat.py"
SKIPPED_FOLDERS = {
    ".git",
    ".venv",
    "build",
    "output",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
OPT_OUT = "# qt6: ok"
RESOURCE_PREFIX = ":/plugins/"  # qt6: ok (the pattern this check looks for)

#: Modules whose names the check resolves to real objects.
QT_QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis", "qgis.processing", "qgis.PyQt")

REMOVED_NAMES = {
    "QRegExp": "QRegularExpression",
    "QRegExpValidator": "QRegularExpressionValidator",
    "QDesktopWidget": "QScreen (widget.screen() or QGuiApplication.primaryScreen())",
    "QTextCodec": "Python's str.encode()/bytes.decode()",
    "QMatrix": "QTransform",
    "qApp": "QApplication.instance() (or QgsApplication.instance())",
}

#: Widgets-module classes that live in QtGui on Qt6.
MOVED_TO_QTGUI = {
    "QAction",
    "QActionGroup",
    "QShortcut",
    "QUndoCommand",
    "QUndoStack",
    "QUndoGroup",
}

#: Enum members Qt6 renamed: reading them scoped on Qt5 would still break on Qt6.
RENAMED_MEMBERS = {
    ("Qt", "MidButton"): "Qt.MouseButton.MiddleButton",
    ("Qt", "ItemIsTristate"): "Qt.ItemFlag.ItemIsAutoTristate",
    ("QPalette", "Background"): "QPalette.ColorRole.Window",
    ("QPalette", "Foreground"): "QPalette.ColorRole.WindowText",
}

SIGNAL_METHODS = {"connect", "disconnect", "emit"}
OVERLOAD_TYPES = {"str", "int", "float", "bool", "object", "list", "dict"}
UI_LOADING_KEYWORDS = {"resource_suffix", "from_imports", "import_from"}


def _load_moved_enums() -> Dict[Tuple[str, str], Any]:
    """processing/compat.py's table of enums that moved to ``Qgis.*``, keyed by (class defining
    the old enum, old enum name): the one list both the code and this check read."""
    spec = importlib.util.spec_from_file_location("_compat_for_check", REPO_ROOT / COMPAT_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return {(moved.old_class, moved.old_enum): moved for moved in module.MOVED_ENUMS}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


# -------------------------------------------------------------------------------------------
# Resolving names to the objects QGIS 3.22 has
# -------------------------------------------------------------------------------------------

_MISSING = object()


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except Exception:  # a module this QGIS lacks (qgis.analysis without its library …)
        return _MISSING


@functools.lru_cache(maxsize=1)
def _qgis_version() -> str:
    core = _import("qgis.core")
    return "?" if core is _MISSING else str(core.Qgis.QGIS_VERSION).split("-")[0]


def _enum_type_of(value: Any) -> Optional[type]:
    """The enum type of a Qt/QGIS enum member (sip enums on PyQt5, Python enums on PyQt6)."""
    kind = type(value)
    if isinstance(value, enum.Enum):
        return kind
    if type(kind).__name__ == "enumtype":  # sip.enumtype
        return kind
    return None


def _owner_of(cls: type, name: str) -> type:
    """The class in ``cls``'s bases that defines ``name`` (where the enum really lives)."""
    for base in getattr(cls, "__mro__", (cls,)):
        if name in vars(base):
            return base
    return cls


def _enum_name_in(owner: Any, enum_type: type) -> Optional[str]:
    name = enum_type.__name__
    if getattr(owner, name, None) is enum_type:
        return name
    for candidate in dir(owner):
        if getattr(owner, candidate, None) is enum_type:
            return candidate
    return None


# -------------------------------------------------------------------------------------------
# The AST visitor
# -------------------------------------------------------------------------------------------


def _dotted(node: ast.AST) -> Optional[List[str]]:
    """``a.b.c`` as ["a", "b", "c"]; None for anything but names and attributes."""
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, in_compat: bool, moved_enums: Dict[Tuple[str, str], Any]) -> None:
        self.path = path
        self.moved_enums = moved_enums
        self.in_compat = in_compat
        self.findings: List[Finding] = []
        self.names: Dict[str, Any] = {}  # local name -> Qt/QGIS object

    def report(self, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, node.col_offset + 1, message))

    # imports ----------------------------------------------------------------------------

    def collect_imports(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                self._import_from(node)
            elif isinstance(node, ast.ImportFrom):  # relative: only compiled resources matter
                for alias in node.names:
                    self._check_module_name(node, f"{node.module or ''}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self._check_module_name(node, alias.name)
                    if alias.name.startswith(QT_QGIS_MODULES) and alias.asname:
                        self.names[alias.asname] = _import(alias.name)
                    elif alias.name.split(".")[0] == "qgis" and not alias.asname:
                        self.names["qgis"] = _import("qgis")

    def _check_module_name(self, node: ast.AST, module: str) -> None:
        top = module.split(".")[0]
        if top in {"PyQt5", "PyQt6", "sip"}:
            self.report(node, f"'{module}' imported directly — import Qt through qgis.PyQt")
        if module.split(".")[-1].endswith("_rc"):
            self.report(
                node,
                f"compiled Qt resources ('{module}') — ship the files and load them by path "
                "(resources/__init__.py)",
            )

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._check_module_name(node, module)
        for alias in node.names:
            if alias.name.endswith("_rc"):
                self._check_module_name(node, alias.name)
            local = alias.asname or alias.name
            if alias.name in REMOVED_NAMES:
                self.report(
                    node, f"'{alias.name}' is gone in Qt6 — use {REMOVED_NAMES[alias.name]}"
                )
            if alias.name in MOVED_TO_QTGUI and module.endswith("QtWidgets") and not self.in_compat:
                self.report(
                    node,
                    f"'{alias.name}' is in QtWidgets on Qt5 but QtGui on Qt6 — import it from "
                    "processing/compat.py",
                )
            if module.startswith(QT_QGIS_MODULES) or module == "qgis":
                owner = _import(module)
                value = getattr(owner, alias.name, _MISSING) if owner is not _MISSING else _MISSING
                if value is _MISSING:
                    value = _import(f"{module}.{alias.name}")
                if value is _MISSING and not self.in_compat:
                    self.report(
                        node,
                        f"'{alias.name}' is not in {module} on QGIS {_qgis_version()} — put the "
                        "version difference in processing/compat.py",
                    )
                self.names[local] = value

    # expressions ------------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        parts = _dotted(node)
        if parts is None:
            if node.attr in {"exec_", "print_"}:
                self.report(node, f"'{node.attr}()' is Qt5-only — write {node.attr[:-1]}()")
            self.generic_visit(node)
            return
        self._check_chain(node, parts)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in REMOVED_NAMES and isinstance(node.ctx, ast.Load):
            self.report(node, f"'{node.id}' is gone in Qt6 — use {REMOVED_NAMES[node.id]}")

    def _check_chain(self, node: ast.Attribute, parts: List[str]) -> None:
        for name in parts[1:]:
            if name in {"exec_", "print_"}:
                self.report(node, f"'{name}()' is Qt5-only — write {name[:-1]}()")
        if parts[0] in REMOVED_NAMES:
            self.report(node, f"'{parts[0]}' is gone in Qt6 — use {REMOVED_NAMES[parts[0]]}")
            return
        root = self.names.get(parts[0], _MISSING)
        if root is _MISSING:
            return
        if root is not None and getattr(root, "__name__", "") == "QVariant" and len(parts) > 1:
            if not self.in_compat:
                self.report(
                    node,
                    f"QVariant.{parts[1]} is Qt5-only — use processing/compat.py "
                    "(new_field(name, kind); NULL from qgis.core)",
                )
            return
        obj = root
        for index in range(1, len(parts)):
            name = parts[index]
            written = ".".join(parts[:index])
            try:
                value = getattr(obj, name, _MISSING)
            except Exception:  # a wrapper whose C++ object is gone (qApp after the app)
                return
            if value is _MISSING:
                module_name = getattr(obj, "__name__", "")
                qgis_owner = isinstance(obj, type) or module_name.startswith("qgis")
                if qgis_owner and not self.in_compat and not name.startswith("_"):
                    self.report(
                        node,
                        f"{written}.{name} does not exist on QGIS {_qgis_version()} — put the "
                        "version difference in processing/compat.py",
                    )
                return
            if not self._check_member(node, obj, written, name, value):
                return
            obj = value

    def _check_member(self, node: ast.AST, owner: Any, written: str, name: str, value: Any) -> bool:
        """Check one ``owner.name`` step; False stops the walk (a finding was made)."""
        enum_type = _enum_type_of(value)
        owner_name = getattr(owner, "__name__", "")
        renamed = RENAMED_MEMBERS.get((owner_name, name))
        if renamed:
            self.report(node, f"{written}.{name} is renamed in Qt6 — write {renamed}")
            return False
        if enum_type is None:
            if isinstance(value, type) and isinstance(owner, type) and not self.in_compat:
                moved = self.moved_enums.get((_owner_of(owner, name).__name__, name))
                if moved is not None and _enum_like(value):
                    self.report(
                        node,
                        f"{written}.{name} moved to Qgis.{moved.new} in QGIS {moved.since} — use "
                        f"compat.{moved.new} from processing/compat.py",
                    )
                    return False
            return True
        if owner is enum_type:  # already scoped: Qt.AlignmentFlag.AlignLeft
            return True
        enum_name = _enum_name_in(owner, enum_type)
        defining = _owner_of(owner, enum_name) if enum_name else owner
        moved = self.moved_enums.get((getattr(defining, "__name__", ""), enum_name or ""))
        if moved is not None and not self.in_compat:
            self.report(
                node,
                f"{written}.{name} moved to Qgis.{moved.new} in QGIS {moved.since} — write "
                f"compat.{moved.new}.{moved.new_member(name)} (processing/compat.py)",
            )
            return False
        if enum_name is None:
            return True  # an enum reached through something that is not its owner
        self.report(node, f"unscoped enum {written}.{name} — write {written}.{enum_name}.{name}")
        return False

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "width" and (node.args or node.keywords):
                self.report(
                    node,
                    "QFontMetrics.width(text) is gone in Qt6 — write horizontalAdvance(text)",
                )
            if func.attr == "desktop" and not node.args:
                self.report(
                    node, "QApplication.desktop() is gone in Qt6 — use widget.screen() (QScreen)"
                )
            if func.attr in SIGNAL_METHODS and isinstance(func.value, ast.Subscript):
                self._check_overload(func.value)
        is_null_variant = isinstance(func, ast.Name) and func.id == "QVariant" and not node.args
        if is_null_variant and not self.in_compat:
            self.report(node, "QVariant() as NULL is Qt5-only — write NULL (from qgis.core)")
        for keyword in node.keywords:
            if keyword.arg in UI_LOADING_KEYWORDS:
                self.report(
                    node,
                    f"'{keyword.arg}=' is PyQt5-only (.ui loading with compiled resources) — "
                    "load the .ui file without it",
                )
        self.generic_visit(node)

    def _check_overload(self, subscript: ast.Subscript) -> None:
        index = subscript.slice
        if isinstance(index, ast.Index):  # Python 3.8
            index = index.value  # type: ignore[attr-defined]
        picked = (isinstance(index, ast.Name) and index.id in OVERLOAD_TYPES) or (
            isinstance(index, ast.Constant) and isinstance(index.value, str)
        )
        if picked and isinstance(subscript.value, ast.Attribute):
            signal = subscript.value.attr
            hint = " (textActivated for the text)" if signal == "activated" else ""
            self.report(
                subscript,
                f"overloaded signal {signal}[...] is PyQt5-only — connect {signal} itself{hint}",
            )

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value.startswith(RESOURCE_PREFIX):
            self.report(
                node,
                "compiled Qt resource path ':/plugins/…' — ship the file and load it by path",
            )


def _enum_like(value: type) -> bool:
    return isinstance(value, enum.EnumMeta) or type(value).__name__ == "enumtype"


# -------------------------------------------------------------------------------------------
# Files
# -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _moved_enums() -> Dict[Tuple[str, str], Any]:
    return _load_moved_enums()


def check_source(source: str, path: str, in_compat: bool = False) -> List[Finding]:
    """Findings for one Python file's text (``path`` only names it in the messages)."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        return [Finding(path, error.lineno or 0, error.offset or 0, f"syntax error: {error.msg}")]
    checker = _Checker(path, in_compat, _moved_enums())
    checker.collect_imports(tree)
    checker.visit(tree)
    lines = source.splitlines()
    return sorted(
        finding
        for finding in set(checker.findings)
        if not (0 < finding.line <= len(lines) and OPT_OUT in lines[finding.line - 1])
    )


def check_ui(text: str, path: str) -> List[Finding]:
    """A Qt Designer file must not name compiled resources."""
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if "<include location=" in line or ".qrc" in line or RESOURCE_PREFIX in line:
            findings.append(
                Finding(path, number, 1, "compiled Qt resources in a .ui file — use file paths")
            )
    return findings


def repository_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
            for name in sorted(files):
                if name.endswith((".py", ".ui", ".qrc")):
                    yield Path(folder) / name


def check_paths(paths: Iterable[Path], root: Path = REPO_ROOT) -> List[Finding]:
    findings: List[Finding] = []
    for path in repository_files(list(paths)):
        try:
            shown = str(path.resolve().relative_to(root))
        except ValueError:
            shown = str(path)
        in_compat = Path(shown) == COMPAT_FILE
        if path.suffix == ".qrc":
            findings.append(
                Finding(shown, 1, 1, "compiled Qt resources (.qrc) — ship files, load by path")
            )
        elif path.suffix == ".ui":
            findings.extend(check_ui(path.read_text(encoding="utf-8"), shown))
        else:
            findings.extend(check_source(path.read_text(encoding="utf-8"), shown, in_compat))
    return findings


def main(argv: Sequence[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = [Path(argument) for argument in argv] or [REPO_ROOT]
    findings = check_paths(paths)
    for finding in findings:
        print(finding)
    if findings:
        print(f"check_qt6: {len(findings)} Qt5-only construct(s); see tools/check_qt6.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
