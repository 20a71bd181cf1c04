"""The Qt6 check (tools/check_qt6.py, run by ``make lint``): every Qt5-only construct it is meant
to catch, planted in a file of its own, makes it fail with a message that says what to write;
the Qt6-clean spellings pass; and the project's own code passes.

It also checks processing/compat.py's table of enums that moved to ``Qgis.*`` against the QGIS
this lane runs: before the move the new member names reach the old members, after it the old
spellings QGIS still offers are the members the table says.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _load_check():
    spec = importlib.util.spec_from_file_location("check_qt6", REPO_ROOT / "tools" / "check_qt6.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check_qt6 = _load_check()

CORE = "from qgis.core import Qgis, QgsFeatureSink, QgsProcessing, QgsWkbTypes\n"
QT = "from qgis.PyQt.QtCore import Qt, QVariant\n"
WIDGETS = "from qgis.PyQt.QtWidgets import QApplication, QDialog, QMessageBox\n"

#: (what is planted, the source, text the message must hold, the line it is on)
PLANTED = [
    ("exec_", WIDGETS + "QDialog().exec_()\n", "write exec()", 2),
    ("print_", "printer.print_(document)\n", "write print()", 1),
    ("unscoped Qt enum", QT + "x = Qt.AlignLeft\n", "write Qt.AlignmentFlag.AlignLeft", 2),
    (
        "unscoped widget enum",
        WIDGETS + "b = QMessageBox.Save\n",
        "write QMessageBox.StandardButton.Save",
        2,
    ),
    (
        "unscoped QGIS enum",
        CORE + "f = QgsFeatureSink.FastInsert\n",
        "write QgsFeatureSink.Flag.FastInsert",
        2,
    ),
    ("unscoped Qgis enum", CORE + "Qgis.Warning\n", "write Qgis.MessageLevel.Warning", 2),
    (
        "moved enum, unscoped",
        CORE + "t = [QgsProcessing.TypeVectorLine]\n",
        "write compat.ProcessingSourceType.VectorLine",
        2,
    ),
    (
        "moved enum, old scoped spelling",
        CORE + "t = QgsProcessing.SourceType.TypeVectorLine\n",
        "use compat.ProcessingSourceType",
        2,
    ),
    (
        "moved number type",
        "from qgis.core import QgsProcessingParameterNumber as N\nN.Double\n",
        "write compat.ProcessingNumberParameterType.Double",
        2,
    ),
    (
        "moved parameter flag through a subclass",
        "from qgis.core import QgsProcessingParameterNumber\n"
        "QgsProcessingParameterNumber.FlagAdvanced\n",
        "write compat.ProcessingParameterFlag.Advanced",
        2,
    ),
    (
        "moved geometry type",
        CORE + "QgsWkbTypes.PolygonGeometry\n",
        "write compat.GeometryType.Polygon",
        2,
    ),
    ("renamed member", QT + "Qt.MidButton\n", "write Qt.MouseButton.MiddleButton", 2),
    (
        "QRegExp",
        "from qgis.PyQt.QtCore import QRegExp\n",
        "use QRegularExpression",
        1,
    ),
    ("QDesktopWidget", "w = QDesktopWidget()\n", "QScreen", 1),
    ("qApp", "from qgis.PyQt.QtWidgets import qApp\nqApp.quit()\n", "QApplication.instance()", 2),
    ("QApplication.desktop()", WIDGETS + "QApplication.desktop()\n", "widget.screen()", 2),
    ("QFontMetrics.width", "metrics.width('字')\n", "horizontalAdvance", 1),
    ("activated[str]", "combo.activated[str].connect(slot)\n", "textActivated", 1),
    ("overload by name", "box.valueChanged['double'].connect(f)\n", "PyQt5-only", 1),
    ("QVariant constant", QT + "kind = QVariant.Int\n", "QVariant.Int is Qt5-only", 2),
    ("QVariant() as NULL", QT + "value = QVariant()\n", "write NULL (from qgis.core)", 2),
    (
        "QAction from QtWidgets",
        "from qgis.PyQt.QtWidgets import QAction\n",
        "import it from processing/compat.py",
        1,
    ),
    ("PyQt5 directly", "from PyQt5.QtCore import Qt\n", "through qgis.PyQt", 1),
    ("PyQt6 directly", "import PyQt6.QtWidgets\n", "through qgis.PyQt", 1),
    ("compiled resources module", "from . import resources_rc\n", "compiled Qt resources", 1),
    ("compiled resource path", "icon = ':/plugins/x/icon.svg'\n", "load it by path", 1),
    (
        ".ui with resource_suffix",
        "from qgis.PyQt import uic\nuic.loadUiType('d.ui', resource_suffix='')\n",
        "'resource_suffix=' is PyQt5-only",
        2,
    ),
    (
        "a name this QGIS lacks",
        CORE + "Qgis.NoSuchEnumInAnyQgis.Value\n",
        "put the version difference in processing/compat.py",
        2,
    ),
]


@pytest.mark.parametrize(
    ("source", "expected", "line"),
    [case[1:] for case in PLANTED],
    ids=[case[0] for case in PLANTED],
)
def test_each_qt5_only_construct_fails_the_check(tmp_path, source, expected, line):
    planted = tmp_path / "planted.py"
    planted.write_text(source, encoding="utf-8")
    findings = check_qt6.check_paths([planted], root=tmp_path)
    assert line in {f.line for f in findings if expected in f.message}, findings
    assert all(str(f).startswith(f"planted.py:{f.line}:") for f in findings)


def test_the_command_exits_non_zero_and_names_file_and_line(tmp_path):
    (tmp_path / "dialog.py").write_text(WIDGETS + "\n\nQDialog().exec_()\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "check_qt6.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert f"{tmp_path / 'dialog.py'}:4:" in run.stdout and "write exec()" in run.stdout


def test_qrc_and_ui_files_with_compiled_resources_fail(tmp_path):
    (tmp_path / "resources.qrc").write_text("<RCC/>\n", encoding="utf-8")
    (tmp_path / "form.ui").write_text(
        '<ui>\n<resources>\n  <include location="resources.qrc"/>\n</resources>\n</ui>\n',
        encoding="utf-8",
    )
    findings = check_qt6.check_paths([tmp_path], root=tmp_path)
    assert sorted((f.path, f.line) for f in findings) == [("form.ui", 3), ("resources.qrc", 1)]


def test_qt6_clean_spellings_pass(tmp_path):
    clean = tmp_path / "clean.py"
    clean.write_text(
        CORE
        + QT
        + WIDGETS
        + "from qgis.PyQt.QtGui import QFontMetrics\n"
        + "from ..processing import compat\n"
        + "x = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop\n"
        + "QDialog().exec()\n"
        + "b = QMessageBox.StandardButton.Save\n"
        + "f = QgsFeatureSink.Flag.FastInsert\n"
        + "m = Qgis.MessageLevel.Warning\n"
        + "t = [compat.ProcessingSourceType.VectorLine]\n"
        + "w = QFontMetrics(font).horizontalAdvance('字')\n"
        + "combo.textActivated.connect(slot)\n"
        + "widget.width()\n",
        encoding="utf-8",
    )
    assert check_qt6.check_paths([clean], root=tmp_path) == []


def test_compat_may_hold_what_it_exists_for(tmp_path):
    source = QT + "kind = QVariant.Int\nnull = QVariant()\n"
    assert check_qt6.check_source(source, "processing/compat.py", in_compat=True) == []
    assert check_qt6.check_source(source, "processing/layers.py", in_compat=False) != []


def test_an_opt_out_comment_silences_its_own_line_only(tmp_path):
    source = QT + "a = Qt.AlignLeft  # qt6: ok (a fallback)\nb = Qt.AlignLeft\n"
    assert [f.line for f in check_qt6.check_source(source, "x.py")] == [3]


def test_the_project_is_qt6_clean():
    findings = check_qt6.check_paths([REPO_ROOT])
    assert findings == [], "\n".join(str(finding) for finding in findings)


def test_moved_enums_read_under_their_new_names_on_this_qgis():
    """Every entry of compat.MOVED_ENUMS names real members here, old spelling and new."""
    import qgis.core
    from qgis.core import Qgis

    from complete_community.processing import compat

    checked = 0
    for moved in compat.MOVED_ENUMS:
        owner = getattr(qgis.core, moved.old_class)
        exposed = getattr(compat, moved.new)
        old_enum = getattr(owner, moved.old_enum, None)
        if getattr(Qgis, moved.new, None) is None:  # not moved yet on this QGIS
            members = [name for name in dir(owner) if type(getattr(owner, name)) is old_enum]
            assert members, moved
            for old in members:
                assert getattr(exposed, moved.new_member(old)) == getattr(owner, old), (moved, old)
                checked += 1
        else:  # moved: compat gives Qgis.<new>; the old unscoped aliases agree with the table
            assert exposed is getattr(Qgis, moved.new)
            for old in dir(owner):
                value = getattr(owner, old)
                if isinstance(value, exposed) and not old.startswith("_"):
                    assert getattr(exposed, moved.new_member(old)) == value, (moved, old)
                    checked += 1
    assert checked > 50
