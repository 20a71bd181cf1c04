"""The README's map pictures: a page of the sample's map book, and a styled result in QGIS.

    tools/map_screenshots.py            (after ``make demo``; needs xvfb-run)

1. ``docs/images/map_book_page.png`` and ``map_book_overview.png``: pages of
   ``output/demo/map_book.pdf`` as ``pdftoppm`` draws them.
2. ``docs/screenshots/styled_gaps_in_qgis.png``: QGIS desktop (under ``xvfb-run``, in a
   throw-away profile set to Chinese) after running the facility gap analysis on a copy of the
   sample from Python the way the toolbox does (``processing.runAndLoadResults``): the result loaded
   with its style and legend.

Look at the pictures before committing them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAP_BOOK = REPO_ROOT / "output" / "demo" / "map_book.pdf"
IMAGES = REPO_ROOT / "docs" / "images"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
sys.path.insert(0, str(REPO_ROOT / "tools"))

from demo import copy_of_sample  # noqa: E402  (the desktop reads a copy, never sample/ itself)

#: Run inside QGIS desktop by ``qgis --code``: load the plugin, run the analysis as the toolbox
#: does, frame the result, grab the window, quit.
DESKTOP_SCRIPT = r"""
import os

import processing
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, loadPlugin, startPlugin

loadPlugin("complete_community")
startPlugin("complete_community")


def layer(name):
    return f"{SAMPLE}|layername={name}"


from complete_community.processing.maps.post_processor import locale_settings
from complete_community.processing.maps.styles import apply_style

roads = QgsVectorLayer(layer("roads"), "步行网络", "ogr")
apply_style(roads, "walking_network", locale_settings())
QgsProject.instance().addMapLayer(roads)
processing.runAndLoadResults(
    "completecommunity:facilitygap",
    {
        "UNITS": layer("compounds"),
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": layer("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": layer("roads"),
        "SNAP_TOLERANCE": 150,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "SUMMARY": "TEMPORARY_OUTPUT",
    },
)
gaps = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.geometryType() == 2][0]
iface.setActiveLayer(gaps)
for dock in iface.mainWindow().findChildren(QDockWidget):
    if dock.objectName() == "Browser":
        dock.hide()
iface.layerTreeView().expandAll()
iface.mainWindow().showMaximized()


def frame():
    iface.mapCanvas().setExtent(gaps.extent().buffered(150))
    iface.mapCanvas().refreshAllLayers()
    QTimer.singleShot(5000, save)


def save():
    iface.mainWindow().grab().save(TARGET)
    # The profile is thrown away: leave at once, as QGIS's exit can wait on a question
    # ("save the project?") that nobody will answer under xvfb.
    os._exit(0)


QTimer.singleShot(6000, frame)
"""


def pdf_pages() -> None:
    if not MAP_BOOK.exists():
        raise SystemExit(f"{MAP_BOOK} is missing: run make demo first")
    IMAGES.mkdir(parents=True, exist_ok=True)
    for page, name in ((1, "map_book_overview"), (5, "map_book_page")):
        subprocess.run(
            [
                "pdftoppm",
                "-f",
                str(page),
                "-l",
                str(page),
                "-r",
                "110",
                "-png",
                "-singlefile",
                str(MAP_BOOK),
                str(IMAGES / name),
            ],
            check=True,
        )
        print(f"wrote {(IMAGES / name).with_suffix('.png').relative_to(REPO_ROOT)}")


def desktop_screenshot() -> None:
    if not shutil.which("xvfb-run"):
        raise SystemExit("xvfb-run is missing: apt-get install xvfb xauth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "styled_gaps_in_qgis.png"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        plugins = work / "plugins"
        plugins.mkdir()
        (plugins / "complete_community").symlink_to(REPO_ROOT, target_is_directory=True)
        profiles = work / "profiles"
        settings = profiles / "profiles" / "default" / "QGIS"
        settings.mkdir(parents=True)
        (settings / "QGIS3.ini").write_text(
            "[locale]\noverrideFlag=true\nuserLocale=zh-Hans\nglobalLocale=zh_CN\n"
            "[PythonPlugins]\ncomplete_community=true\n"
            "[qgis]\nshowTips=false\ncheckVersion=false\n",
            encoding="utf-8",
        )
        script = work / "screenshot.py"
        script.write_text(
            f"SAMPLE = {str(copy_of_sample(work))!r}\nTARGET = {str(target)!r}\n{DESKTOP_SCRIPT}",
            encoding="utf-8",
        )
        environment = dict(
            os.environ,
            QGIS_PLUGINPATH=str(plugins),
            XDG_RUNTIME_DIR=str(work),
            LANG="zh_CN.UTF-8",
        )
        environment.pop("QT_QPA_PLATFORM", None)
        subprocess.run(
            [
                "xvfb-run",
                "-a",
                "-s",
                "-screen 0 1600x1000x24",
                "qgis",
                "--profiles-path",
                str(profiles),
                "--nologo",
                "--noversioncheck",
                "--code",
                str(script),
            ],
            env=environment,
            timeout=300,
            check=False,
        )
    if not target.exists():
        raise SystemExit("QGIS wrote no screenshot")
    print(f"wrote {target.relative_to(REPO_ROOT)}")


def main() -> int:
    pdf_pages()
    desktop_screenshot()
    return 0


if __name__ == "__main__":
    sys.exit(main())
