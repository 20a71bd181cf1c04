"""Every algorithm with more than one output leaves all of them or none (issue 13).

Each case runs an algorithm (or the packaged model) on the Nanjing sample with every output in
a folder of its own. A first, successful run leaves the older outputs; then the run is made to
fail — the last output's folder read-only, one output failing while it is written, a cancel
after the first output is written, a read-only older output — and afterwards every folder must
hold exactly the older files, byte for byte (compared by SHA-256), and nothing else: no new
file, no staged file, no half of the new outputs. The suite runs as root, who could write all
of these anyway: the read-only marks are honoured all the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import sample_copy
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)
from qgis_helpers import Log, records
from sample_chain import GAP_INPUTS, MODEL_INPUTS, PROVISION_INPUTS, layer_of

from complete_community.i18n import tr
from complete_community.scoring.atomic_files import TEMPORARY_PREFIX
from complete_community.scoring.plan import PlanInfo, PlanStore

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself


def _plan_store(folder: Path) -> Dict[str, str]:
    path = folder / "plan.gpkg"
    if not path.exists():
        PlanStore.create(path, PlanInfo(name="测试规划"), "EPSG:32650")
    return {**GAP_INPUTS, "PLAN_STORE": str(path)}


@dataclass(frozen=True)
class Case:
    algorithm: str
    #: (output, file name) in the order the run writes them; each goes in its own folder.
    outputs: Tuple[Tuple[str, str], ...]
    inputs: Callable[[Path], Dict[str, object]]
    #: The output made to fail while it is written (a format that cannot hold it), if any.
    breaks: Optional[str]
    #: Whether the run reads the outputs of the analysis chain (``sample_chain``).
    reads_chain: bool = False
    #: Whether the last output is a folder of files.
    last_is_folder: bool = False

    def names(self) -> List[str]:
        return [name for name, _file in self.outputs]


CASES = {
    "facilitygap": Case(
        "completecommunity:facilitygap",
        (("OUTPUT", "gaps.gpkg"), ("SUMMARY", "summary.csv")),
        lambda folder: dict(GAP_INPUTS),
        breaks="SUMMARY",
    ),
    "tieredprovision": Case(
        "completecommunity:tieredprovision",
        (
            ("OUTPUT_TABLE", "provision.csv"),
            ("SHARING", "sharing.csv"),
            ("DISTRICTS_OUTPUT", "districts.gpkg"),
            ("COMMUNITIES_OUTPUT", "communities.shp"),
            ("COMPOUNDS_OUTPUT", "compounds.gpkg"),
        ),
        lambda folder: dict(PROVISION_INPUTS),
        breaks="DISTRICTS_OUTPUT",  # the third of five
    ),
    "planscenario": Case(
        "completecommunity:planscenario",
        (
            ("OUTPUT", "after.gpkg"),
            ("SUMMARY", "summary.csv"),
            ("CHANGES", "changes.gpkg"),
            ("COMPARISON", "comparison.csv"),
        ),
        _plan_store,
        breaks="COMPARISON",
    ),
    "rubricscore": Case(
        "completecommunity:rubricscore",
        (("OUTPUT_TABLE", "points.csv"), ("OUTPUT", "scores.gpkg")),
        lambda folder: {
            "COMMUNITIES": layer_of("communities"),
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_NAME_FIELD": "name",
        },
        breaks="OUTPUT",
    ),
    "model": Case(
        "completecommunity:completecommunityevaluation",
        (
            ("facilitygap:GAPS", "gaps.gpkg"),
            ("facilitygap:GAP_SUMMARY", "gap_summary.csv"),
            ("tieredprovision:PROVISION", "provision.csv"),
            ("tieredprovision:COMMUNITY_SHORTFALLS", "communities.gpkg"),
            ("rubricscore:SCORES", "scores.gpkg"),
            ("exportworkbook:WORKBOOK", "evaluation.xlsx"),
        ),
        lambda folder: {
            **MODEL_INPUTS,
            "OVERWRITE": True,
        },
        breaks="rubricscore:SCORES",  # the third step of four
    ),
    "suggestsites": Case(
        "completecommunity:suggestsites",
        (("OUTPUT", "sites.gpkg"), ("UNITS_OUTPUT", "units.gpkg"), ("CURVE", "curve.csv")),
        lambda folder: {**GAP_INPUTS, "FACILITY_TYPE": "kindergarten", "SITES": 2},
        breaks="CURVE",
    ),
    "exportatlas": Case(
        "completecommunity:exportatlas",
        (("OUTPUT", "book.pdf"), ("PNG_FOLDER", "pages")),
        lambda folder: {
            "COMMUNITIES": layer_of("communities"),
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_NAME_FIELD": "name",
            "COMMUNITY_DISTRICT_FIELD": "district_id",
            "GAPS": CHAIN["GAPS"],
            "GAP_ID_FIELD": "compound_id",
            "GAP_COMMUNITY_FIELD": "community_id",
            "GAP_POPULATION_FIELD": "population",
            "SCORES": CHAIN["SCORES"],
            "DPI": 50,
        },
        breaks=None,  # a PDF or a PNG cannot be made to fail half-way from outside
        reads_chain=True,
        last_is_folder=True,
    ),
}

#: The analysis chain's outputs (``sample_chain``), for the cases that read them.
CHAIN: Dict[str, str] = {}


def case_of(name: str, request) -> Case:
    case = CASES[name]
    if case.reads_chain and not CHAIN:
        CHAIN.update(request.getfixturevalue("sample_chain"))
    return case


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def snapshot(root: Path) -> Dict[str, str]:
    """Every file under ``root`` (staged ones included) with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def targets(case: Case, root: Path, rename: Optional[Dict[str, str]] = None) -> Dict[str, Path]:
    """Each output's file, in a folder of its own under ``root``."""
    rename = rename or {}
    return {
        name: root / f"out{index}" / rename.get(name, file)
        for index, (name, file) in enumerate(case.outputs)
    }


def run(case: Case, root: Path, outputs: Dict[str, Path], feedback=None, context=None) -> dict:
    import processing

    parameters = {**case.inputs(root), **{name: str(path) for name, path in outputs.items()}}
    return processing.run(case.algorithm, parameters, feedback=feedback or Log(), context=context)


@pytest.fixture(scope="module")
def older_outputs(qgis_app, qgis_iface, qgis_processing, tmp_path_factory):
    """Per case, a folder with the outputs of one successful run (made once, copied per test)."""
    import complete_community

    plugin = complete_community.classFactory(qgis_iface)
    plugin.initProcessing()
    made: Dict[str, Path] = {}

    def older(case_name: str, into: Path) -> Dict[str, Path]:
        case = CASES[case_name]
        if case_name not in made:
            root = tmp_path_factory.mktemp(f"older_{case_name}")
            for path in targets(case, root).values():
                path.parent.mkdir()
            run(case, root, targets(case, root))
            for path in root.rglob("*"):  # a new run writes the same bytes: tell them apart
                if path.is_file():
                    with open(path, "ab") as handle:
                        handle.write(b"\n(older)\n")
            made[case_name] = root
        shutil.copytree(made[case_name], into, dirs_exist_ok=True)
        return targets(case, into)

    yield older
    plugin.unload()


@pytest.fixture
def read_only():
    """Make a path read-only (mode bits only; root may still write it) and undo it after."""
    marked: List[Path] = []

    def mark(path: Path) -> None:
        path.chmod(0o555 if path.is_dir() else 0o444)
        marked.append(path)

    yield mark
    for path in marked:
        path.chmod(0o755 if path.is_dir() else 0o644)


def assert_nothing_changed(before: Dict[str, str], root: Path) -> None:
    after = snapshot(root)
    assert sorted(after) == sorted(before), "no file appeared and none disappeared"
    assert after == before, "every older output is byte for byte as it was"
    assert not [path for path in root.rglob(TEMPORARY_PREFIX + "*")], "no staged file left"


def said(error: Exception, log: Log) -> str:
    """What the user is told: the error, and what was reported before it (a model reports its
    step's message and then fails with its own)."""
    return "\n".join([str(error), *log.errors])


def label(case: Case, name: str) -> str:
    """How messages name an output: its description, in the algorithm's own words."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(case.algorithm)
    description = algorithm.parameterDefinition(name).description()
    return tr("Output '{output}', file").format(output=description)


# --------------------------------------------------------------------------------------------
# A successful run
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o027], ids=["umask027"], indirect=True)
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_a_run_puts_every_output_in_place_and_names_it(plugin, tmp_path, case_name, request, umask):
    case = case_of(case_name, request)
    outputs = targets(case, tmp_path)
    for path in outputs.values():
        path.parent.mkdir()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    layers = {name for name, path in outputs.items() if path.suffix in (".gpkg", ".csv", ".shp")}
    loading = {  # the layers loaded into the project, as the toolbox asks for them
        name: QgsProcessingOutputLayerDefinition(str(path), QgsProject.instance())
        if name in layers
        else str(path)
        for name, path in outputs.items()
    }
    import processing

    results = processing.run(
        case.algorithm, {**case.inputs(tmp_path), **loading}, feedback=Log(), context=context
    )
    for name, path in outputs.items():
        assert results[name].split("|")[0] == str(path), name
        if case.last_is_folder and name == case.names()[-1]:
            assert any(path.iterdir()), "the folder output's files are in it"
        else:
            assert path.is_file(), name
    assert not list(tmp_path.rglob(TEMPORARY_PREFIX + "*"))
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    modes = {str(path.relative_to(tmp_path)): oct(mode_of(path)) for path in written}
    assert set(modes.values()) == {oct(0o666 & ~umask)}, "every file as open() makes it"
    to_load = context.layersToLoadOnCompletion()
    assert {results[name] for name in layers} <= set(to_load), "QGIS loads the final files"
    assert not [key for key in to_load if TEMPORARY_PREFIX in key]
    for name in layers:
        layer = QgsVectorLayer(results[name], name, "ogr")
        assert layer.isValid() and layer.featureCount() == len(records(layer)), name
        if outputs[name].suffix == ".gpkg":  # the layer inside is named after the file
            assert layer.dataProvider().subLayers()[0].split("!!::!!")[1] == outputs[name].stem
    styled = {  # the outputs QGIS styles on loading, under their final files
        name: path
        for name, path in outputs.items()
        if name.split(":")[-1] in _styled_outputs(case, name)
    }
    assert styled or case_name == "exportatlas", "some outputs are styled"
    for name in styled:
        assert context.layerToLoadOnCompletionDetails(results[name]).postProcessor(), name
    if case_name == "model":  # each step read what the step before it had just written
        import openpyxl

        book = openpyxl.load_workbook(outputs["exportworkbook:WORKBOOK"], read_only=True)
        assert {"短板清单", "配置缺口"} <= set(book.sheetnames)
        book.close()


def _styled_outputs(case: Case, name: str) -> set:
    """The outputs of the algorithm writing output ``name`` (a model's: of its step) that have
    a style."""
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    if ":" not in name:
        return set(registry.createAlgorithmById(case.algorithm).OUTPUT_STYLES)
    step_id, output = name.split(":")
    model = registry.createAlgorithmById(case.algorithm)  # kept: the step lives in it
    child = model.childAlgorithm(step_id)
    styles = child.algorithm().OUTPUT_STYLES
    return {output} if child.modelOutput(output).childOutputName() in styles else set()


# --------------------------------------------------------------------------------------------
# Failing runs leave everything as it was
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_an_unwritable_last_output_leaves_everything_as_it_was(
    plugin, older_outputs, read_only, tmp_path, case_name, request
):
    case = case_of(case_name, request)
    outputs = older_outputs(case_name, tmp_path)
    last = case.names()[-1]
    before = snapshot(tmp_path)
    read_only(outputs[last].parent)
    with pytest.raises(QgsProcessingException) as refused:
        run(case, tmp_path, outputs)
    message = str(refused.value)
    assert label(case, last) in message and str(outputs[last]) in message
    assert "read-only" in message
    assert_nothing_changed(before, tmp_path)


@pytest.mark.parametrize("case_name", sorted(name for name, case in CASES.items() if case.breaks))
def test_an_output_failing_while_written_leaves_everything_as_it_was(
    plugin, older_outputs, tmp_path, case_name, request
):
    """An output QGIS cannot create in the format asked for (DXF takes no attribute fields) is
    found only when it is written, after the outputs before it: they must go too."""
    case = case_of(case_name, request)
    older_outputs(case_name, tmp_path)
    broken = targets(case, tmp_path, {case.breaks: "broken.dxf"})
    before = snapshot(tmp_path)
    log = Log()
    with pytest.raises(QgsProcessingException) as failed:
        run(case, tmp_path, broken, feedback=log)
    message = said(failed.value, log)
    assert f"{label(case, case.breaks)} {broken[case.breaks]} could not be created" in message
    assert TEMPORARY_PREFIX not in message
    begun = [text for text in log.progress_texts if text.startswith(_writing_prefix())]
    index = case.names().index(case.breaks)
    assert len(begun) >= index + 1, "the outputs before it had been written"
    assert_nothing_changed(before, tmp_path)


class CancelAtSecondOutput(Log):
    """Cancels once the first output is written and the second begun (a sink is asked for,
    or the first image of a folder output is there); notes what was staged by then."""

    def __init__(self, case: Case, root: Path) -> None:
        super().__init__()
        self.case, self.root = case, root
        self.staged_then: List[str] = []
        self.progressChanged.connect(self._look)

    def setProgressText(self, text: str) -> None:
        super().setProgressText(text)
        self._look()

    def _staged(self) -> List[Path]:
        return [
            path
            for folder in self.root.rglob(TEMPORARY_PREFIX + "*")
            for path in folder.rglob("*")
            if path.is_file()
        ]

    def _look(self, *_progress) -> None:
        if self.isCanceled():
            return
        staged = self._staged()
        first = dict(self.case.outputs)[self.case.names()[0]]
        if not any(path.name == first and path.stat().st_size for path in staged):
            return
        if self.case.last_is_folder:
            folder = dict(self.case.outputs)[self.case.names()[-1]]
            begun = any(path.parent.name == folder for path in staged)
        else:
            writing = [t for t in self.progress_texts if t.startswith(_writing_prefix())]
            begun = len(writing) >= 2
        if begun:
            self.staged_then = sorted(path.name for path in staged)
            self.cancel()


def _writing_prefix() -> str:
    return tr("Writing '{output}'…").split("{")[0]


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_a_cancel_after_the_first_output_leaves_everything_as_it_was(
    plugin, older_outputs, tmp_path, case_name, request
):
    case = case_of(case_name, request)
    outputs = older_outputs(case_name, tmp_path)
    before = snapshot(tmp_path)
    feedback = CancelAtSecondOutput(case, tmp_path)
    with pytest.raises(QgsProcessingException) as cancelled:
        run(case, tmp_path, outputs, feedback=feedback)
    assert tr("Cancelled: nothing was written.") in said(cancelled.value, feedback)
    first = outputs[case.names()[0]].name
    assert first in feedback.staged_then, "the first output was written when the user cancelled"
    assert_nothing_changed(before, tmp_path)


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_a_read_only_older_output_is_refused_even_for_root(
    plugin, older_outputs, read_only, tmp_path, case_name, request
):
    case = case_of(case_name, request)
    outputs = older_outputs(case_name, tmp_path)
    last = case.names()[-1]
    # A folder output: one of the older files in it (found when they are put in place).
    protected = min(outputs[last].iterdir()) if case.last_is_folder else outputs[last]
    read_only(protected)
    before = snapshot(tmp_path)
    with pytest.raises(QgsProcessingException) as refused:
        run(case, tmp_path, outputs)
    message = str(refused.value)
    assert message.startswith(f"{label(case, last)} {protected} cannot be replaced")
    assert "read-only" in message
    assert_nothing_changed(before, tmp_path)


# --------------------------------------------------------------------------------------------
# qgis_process
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protected", ["folder", "older file"])
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_qgis_process_exits_non_zero_and_leaves_everything_as_it_was(
    qgis_process_cli, older_outputs, read_only, tmp_path, case_name, protected, request
):
    """The last output's folder read-only, or its older file (a folder output: one of the
    older files in it) — refused although the suite runs as root."""
    case = case_of(case_name, request)
    outputs = older_outputs(case_name, tmp_path)
    last = case.names()[-1]
    before = snapshot(tmp_path)
    if protected == "folder":
        read_only(outputs[last].parent)
    elif case.last_is_folder:
        read_only(min(outputs[last].iterdir()))
    else:
        read_only(outputs[last])
    parameters = {**case.inputs(tmp_path), **{name: str(path) for name, path in outputs.items()}}
    parameters = {name: (1 if value is True else value) for name, value in parameters.items()}
    done = qgis_process_cli.run(case.algorithm, parameters)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert str(outputs[last]) in said and "read-only" in said
    assert_nothing_changed(before, tmp_path)


def test_qgis_process_gives_a_new_rubric_workbook_the_permissions_open_gives(
    qgis_process_cli, tmp_path
):
    old = os.umask(0o027)  # qgis_process inherits it
    try:
        done = qgis_process_cli.run(
            "completecommunity:exportrubric", {"OUTPUT": str(tmp_path / "细则.xlsx")}
        )
        with open(tmp_path / "written-with-open", "w", encoding="utf-8"):
            pass
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert mode_of(tmp_path / "细则.xlsx") == mode_of(tmp_path / "written-with-open") == 0o640


def test_qgis_process_killed_mid_run_leaves_every_older_output(
    qgis_process_cli, older_outputs, tmp_path, request
):
    """``qgis_process`` has no cancel: a run is stopped by killing it. Killed once the model's
    first step has written its outputs, it leaves every older output as it was and nothing
    new in place — only its staging folders (README), which hold that run's files alone."""
    case = case_of("model", request)
    outputs = older_outputs("model", tmp_path)
    before = snapshot(tmp_path)
    parameters = {**case.inputs(tmp_path), **{name: str(path) for name, path in outputs.items()}}
    parameters = {name: (1 if value is True else value) for name, value in parameters.items()}
    arguments = ["run", case.algorithm, "--", *[f"{k}={v}" for k, v in parameters.items()]]
    process = subprocess.Popen(
        [qgis_process_cli.executable, *arguments],
        env=qgis_process_cli.environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first = outputs[case.names()[0]]
    try:
        while not any(first.parent.glob(f"{TEMPORARY_PREFIX}*/{first.name}")):
            assert process.poll() is None, "the run was still going when its first step ended"
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
    finally:
        process.wait(timeout=60)
    assert process.returncode != 0
    assert list(tmp_path.glob(f"out*/{TEMPORARY_PREFIX}*")), "the killed run's staging folders"
    outside = {name: digest for name, digest in snapshot(tmp_path).items()}
    outside = {name: digest for name, digest in outside.items() if TEMPORARY_PREFIX not in name}
    assert outside == before, "every older output as it was, no new file in place"


def test_a_layer_added_to_an_existing_geopackage_is_all_or_nothing(plugin, tmp_path):
    """``ogr:dbname=… table=…`` adds a layer to a GeoPackage that holds others: a failed run
    leaves the file byte for byte; a successful one adds the layer and keeps the others."""
    import processing

    book = tmp_path / "分析结果.gpkg"
    shutil.copy(SAMPLE, book)
    before = snapshot(tmp_path)
    into_book = {"OUTPUT": f"ogr:dbname='{book}' table=\"gaps\" (geom)"}
    for summary in ("broken.dxf", "summary.csv"):
        parameters = {**GAP_INPUTS, **into_book, "SUMMARY": str(tmp_path / summary)}
        if summary == "broken.dxf":
            with pytest.raises(QgsProcessingException, match="could not be created"):
                processing.run("completecommunity:facilitygap", parameters, feedback=Log())
            assert_nothing_changed(before, tmp_path)
        else:
            done = processing.run("completecommunity:facilitygap", parameters, feedback=Log())
    assert TEMPORARY_PREFIX not in done["OUTPUT"]
    # Counted with SQLite: QGIS layers opened on the file here made QGIS 3.44 crash at exit.
    with (
        contextlib.closing(sqlite3.connect(book)) as database,
        contextlib.closing(sqlite3.connect(SAMPLE)) as original,
    ):
        for table, like in (("gaps", "compounds"), ("roads", "roads")):
            count = f'SELECT count(*) FROM "{like}"'
            found = database.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            assert found == original.execute(count).fetchone(), table


def test_a_geopackage_layer_named_after_the_file_goes_into_that_file(plugin, tmp_path):
    """``file.gpkg|layername=name`` (how QGIS names a layer it reads) writes that layer into the
    GeoPackage — QGIS 3.22's own sink took the whole text for a file name and wrote
    ``file.gpkg|layername=name.gpkg``, and the run then failed counting no features in the
    layer asked for. A failed run leaves the file byte for byte (also when its name holds a
    quote, which the ``ogr:`` destination escapes); a run that succeeds puts both outputs into
    the one file, keeps its other layers, and a second run replaces the layers rather than
    adding to them."""
    import processing
    from complete_community.scoring.standard import load_standard

    book = tmp_path / "玄武区'分析结果.gpkg"
    shutil.copy(SAMPLE, book)
    before = snapshot(tmp_path)
    broken = {
        **GAP_INPUTS,
        "OUTPUT": f"{book}|layername=小区短板",
        "SUMMARY": str(tmp_path / "broken.dxf"),
    }
    with pytest.raises(QgsProcessingException, match="could not be created"):
        processing.run("completecommunity:facilitygap", broken, feedback=Log())
    assert_nothing_changed(before, tmp_path)
    parameters = {
        **GAP_INPUTS,
        "OUTPUT": f"{book}|layername=小区短板",
        "SUMMARY": f"{book}|layername=覆盖汇总",
    }
    for _run in range(2):
        done = processing.run("completecommunity:facilitygap", parameters, feedback=Log())
    assert done["OUTPUT"] == f"{book}|layername=小区短板"
    assert [path.name for path in tmp_path.iterdir()] == [book.name]
    with (
        contextlib.closing(sqlite3.connect(book)) as database,
        contextlib.closing(sqlite3.connect(SAMPLE)) as original,
    ):
        for table, expected in (
            ("小区短板", original.execute('SELECT count(*) FROM "compounds"').fetchone()[0]),
            ("覆盖汇总", len(load_standard().types)),
            ("roads", original.execute('SELECT count(*) FROM "roads"').fetchone()[0]),
        ):
            assert database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == expected


@pytest.mark.parametrize(
    "destination",
    ["gaps.gpkg|layerid=0", "gaps.shp|layername=gaps", "gaps.gpkg|layername=", "gaps.gpkg|"],
)
def test_an_option_an_output_cannot_take_is_refused_naming_it(plugin, tmp_path, destination):
    """Any other option after ``|`` (or a layer name for a file that holds one layer) is
    refused before the work, naming the output and its parameter; nothing is written."""
    import processing

    parameters = {
        **GAP_INPUTS,
        "OUTPUT": str(tmp_path / destination),
        "SUMMARY": "TEMPORARY_OUTPUT",
    }
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("completecommunity:facilitygap", parameters, feedback=Log())
    message = str(refused.value)
    assert "(OUTPUT)" in message and str(tmp_path / destination) in message, message
    assert "file.gpkg|layername=name" in message
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_loads_none_of_its_memory_layers(plugin, tmp_path, monkeypatch):
    """The toolbox's dialog hands a failed run's context to ``handleAlgorithmResults`` too:
    the memory layer the run wrote before its second output failed must not reach the
    project (while a successful run's does)."""
    from processing.gui import Postprocessing

    monkeypatch.setattr(Postprocessing, "iface", None, raising=False)  # as test_styles.py
    project = QgsProject.instance()
    project.clear()
    registry = QgsApplication.processingRegistry()
    loaded = {}
    for summary in ("broken.dxf", "summary.csv"):
        context = QgsProcessingContext()
        context.setProject(project)
        parameters = {
            **GAP_INPUTS,
            "OUTPUT": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project),
            "SUMMARY": str(tmp_path / summary),
        }
        algorithm = registry.createAlgorithmById("completecommunity:facilitygap")
        log = Log()
        _results, ok = algorithm.run(parameters, context, log)
        begun = [text for text in log.progress_texts if text.startswith(_writing_prefix())]
        assert len(begun) == 2, "the memory layer was written before the summary"
        Postprocessing.handleAlgorithmResults(algorithm, context, Log())
        loaded[summary] = (ok, sorted(layer.name() for layer in project.mapLayers().values()))
        project.clear()
    assert loaded["broken.dxf"] == (False, [])
    ok, names = loaded["summary.csv"]
    assert ok and label_of_output("OUTPUT") in names


def label_of_output(name: str) -> str:
    algorithm = QgsApplication.processingRegistry().algorithmById("completecommunity:facilitygap")
    return algorithm.parameterDefinition(name).description()


# --------------------------------------------------------------------------------------------
# The one-file exports: permissions and read-only files
# --------------------------------------------------------------------------------------------

EXPORTS = {
    "exportrubric": {},
    "exportworkbook": {
        "COMMUNITIES": layer_of("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "OVERWRITE": True,
    },
    "facilitygap": {**GAP_INPUTS, "SUMMARY": "TEMPORARY_OUTPUT"},
}
EXPORT_FILES = {"exportrubric": "rubric.xlsx", "exportworkbook": "evaluation.xlsx"}


def export(name: str, target: Path) -> dict:
    import processing

    parameters = {**EXPORTS[name], "OUTPUT": str(target)}
    return processing.run(f"completecommunity:{name}", parameters, feedback=Log())


@pytest.fixture(params=[0o002, 0o027], ids=["umask002", "umask027"])
def umask(request) -> Iterator[int]:
    """A umask other than the usual 022, under which open() gives neither mkstemp's 0600 nor
    SQLite's 0644: 002 (a shared folder's group may write) or 027 (others may not read)."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_new_output_gets_the_permissions_open_gives(plugin, tmp_path, umask, name):
    with open(tmp_path / "written-with-open", "w", encoding="utf-8") as handle:
        handle.write("a colleague on the share can read and write this")
    expected = mode_of(tmp_path / "written-with-open")
    assert expected == 0o666 & ~umask
    target = tmp_path / EXPORT_FILES.get(name, "gaps.gpkg")
    export(name, target)
    assert mode_of(target) == expected


@pytest.mark.parametrize("name", sorted(EXPORT_FILES))
def test_a_read_only_workbook_is_not_replaced_even_for_root(plugin, tmp_path, read_only, name):
    target = tmp_path / EXPORT_FILES[name]
    target.write_bytes(b"a workbook a colleague marked read-only")
    read_only(target)
    before = snapshot(tmp_path)
    with pytest.raises(QgsProcessingException, match=f"{target} cannot be replaced: the file is"):
        export(name, target)
    assert_nothing_changed(before, tmp_path)


def test_a_replaced_workbook_keeps_its_permissions(plugin, tmp_path):
    target = tmp_path / "rubric.xlsx"
    export("exportrubric", target)
    target.chmod(0o660)  # shared with the group only
    export("exportrubric", target)
    assert mode_of(target) == 0o660


# --------------------------------------------------------------------------------------------
# PostgreSQL tables (the suite's own PostGIS server, tests/postgis_cluster.py)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def tables(postgis_server):
    """A fresh schema of the suite's server; ``tables.output(name)`` is a QGIS destination."""
    from qgis.core import QgsDataSourceUri

    schema = f"results_{uuid.uuid4().hex[:8]}"
    postgis_server.execute("plans", f'CREATE SCHEMA "{schema}"')

    class Tables:
        server = postgis_server

        def uri(self, table: str, geometry: str = "geom"):
            params = postgis_server.params()
            uri = QgsDataSourceUri()
            uri.setConnection(params["host"], params["port"], params["dbname"], params["user"], "")
            uri.setDataSource(schema, table, geometry)
            return uri

        def output(self, table: str, geometry: bool = True) -> str:
            return "postgres:" + self.uri(table, "geom" if geometry else "").uri(False)

        def names(self) -> List[str]:
            rows = postgis_server.query(
                "plans",
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
            return sorted(row[0] for row in rows)

        def rows(self, table: str) -> str:
            """The table's rows as one text, to compare a table before and after."""
            digest = "md5(string_agg(t::text, '|' ORDER BY t::text))"
            found = postgis_server.query("plans", f'SELECT {digest} FROM "{schema}"."{table}" t')
            return found[0][0]

        def sql(self, statement: str) -> None:
            postgis_server.execute("plans", statement.format(schema=f'"{schema}"'))

    yield Tables()
    postgis_server.execute("plans", f'DROP SCHEMA "{schema}" CASCADE')


def gap_run(outputs: Dict[str, str], feedback=None) -> dict:
    import processing

    return processing.run(
        "completecommunity:facilitygap", {**GAP_INPUTS, **outputs}, feedback=feedback or Log()
    )


def both_to_tables(tables) -> Dict[str, str]:
    return {"OUTPUT": tables.output("gaps"), "SUMMARY": tables.output("summary", False)}


def older_tables(tables) -> Dict[str, str]:
    """The two tables of a first run, each with a row less (so that a new run's tables,
    with the same rows as the first run's, would be told apart); their rows as text."""
    gap_run(both_to_tables(tables))
    for table in ("gaps", "summary"):
        first = f"SELECT min(ctid) FROM {{schema}}.{table}"
        tables.sql(f"DELETE FROM {{schema}}.{table} WHERE ctid = ({first})")
    return {name: tables.rows(name) for name in ("gaps", "summary")}


def test_tables_are_written_under_a_temporary_name_and_renamed_when_complete(plugin, tables):
    older = older_tables(tables)
    results = gap_run(both_to_tables(tables))
    assert tables.names() == ["gaps", "summary"], "no temporary table left"
    assert all(tables.rows(name) != rows for name, rows in older.items()), "both replaced"
    assert results["OUTPUT"].startswith("postgres://") and '"gaps"' in results["OUTPUT"]
    layer = QgsVectorLayer(results["OUTPUT"][len("postgres://") :], "gaps", "postgres")
    assert layer.isValid()
    assert layer.featureCount() == QgsVectorLayer(layer_of("compounds")).featureCount()


def test_a_table_that_cannot_be_replaced_leaves_every_table_and_file_as_it_was(
    plugin, tables, tmp_path
):
    """A view depends on the older summary table: it cannot be dropped, so neither table is
    replaced — nor the gap layer written to a file in the same run."""
    older = older_tables(tables)
    tables.sql("CREATE VIEW {schema}.per_type AS SELECT type_code FROM {schema}.summary")
    (tmp_path / "units.gpkg").write_bytes(b"an older gap layer")
    before = snapshot(tmp_path)
    to_file = {"OUTPUT": str(tmp_path / "units.gpkg"), "SUMMARY": tables.output("summary", False)}
    with pytest.raises(QgsProcessingException) as failed:
        gap_run(to_file)
    assert "per_type depends on table" in str(failed.value)
    assert_nothing_changed(before, tmp_path)
    with pytest.raises(QgsProcessingException):
        gap_run(both_to_tables(tables))
    assert {name: tables.rows(name) for name in older} == older
    assert tables.names() == ["gaps", "per_type", "summary"], "the temporary tables are dropped"


class CancelAtSecondTable(Log):
    """Cancels when the second table is begun; notes the tables there were by then."""

    def __init__(self, tables) -> None:
        super().__init__()
        self.tables = tables
        self.tables_then: List[str] = []

    def setProgressText(self, text: str) -> None:
        super().setProgressText(text)
        writing = [t for t in self.progress_texts if t.startswith(_writing_prefix())]
        if len(writing) == 2 and not self.isCanceled():
            self.tables_then = self.tables.names()
            self.cancel()


def test_a_cancel_after_the_first_table_drops_the_new_tables(plugin, tables):
    older = older_tables(tables)
    feedback = CancelAtSecondTable(tables)
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        gap_run(both_to_tables(tables), feedback)
    new = [name for name in feedback.tables_then if name not in older]
    assert len(new) == 1 and new[0].startswith("gaps_cc"), "the new gap table was written"
    assert tables.names() == ["gaps", "summary"]
    assert {name: tables.rows(name) for name in older} == older


def test_an_unreachable_database_is_refused_before_the_work(plugin, tables, tmp_path):
    port = tables.server.params()["port"]
    unreachable = tables.output("summary", False).replace(f"port={port}", "port=1")
    log = Log()
    with pytest.raises(QgsProcessingException) as refused:
        gap_run({"OUTPUT": str(tmp_path / "gaps.gpkg"), "SUMMARY": unreachable}, log)
    assert "the database cannot be reached" in str(refused.value)
    assert not [text for text in log.progress_texts if text.startswith(_writing_prefix())]
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# A plan store saved by a run goes with its outputs
# --------------------------------------------------------------------------------------------


def test_suggested_sites_reach_the_plan_store_only_with_the_outputs(plugin, tmp_path):
    """``suggestsites`` adds its sites to the plan store as reserve projects: when an output
    fails, the store is left as it was too; when the run succeeds, the sites are there."""
    import processing

    store = tmp_path / "plan.gpkg"
    PlanStore.create(store, PlanInfo(name="幼儿园规划"), "EPSG:32650")
    before = snapshot(tmp_path)
    parameters = {
        **CASES["suggestsites"].inputs(tmp_path),
        "PLAN_STORE": str(store),
        "COMMUNITY_FIELD": "community_id",
        "OUTPUT": str(tmp_path / "sites.gpkg"),
        "UNITS_OUTPUT": str(tmp_path / "units.gpkg"),
    }
    with pytest.raises(QgsProcessingException, match="could not be created"):
        processing.run(
            "completecommunity:suggestsites",
            {**parameters, "CURVE": str(tmp_path / "curve.dxf")},
            feedback=Log(),
        )
    assert_nothing_changed(before, tmp_path)
    assert PlanStore.open(store).projects() == []
    done = processing.run(
        "completecommunity:suggestsites",
        {**parameters, "CURVE": str(tmp_path / "curve.csv")},
        feedback=Log(),
    )
    assert done["PROJECTS_ADDED"] == len(PlanStore.open(store).projects()) == 2


# --------------------------------------------------------------------------------------------
# A full disk
# --------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a file system of its own, of ``size`` bytes (a tmpfs; needs root)."""
    mounted: List[Path] = []

    def make(size: int) -> Path:
        folder = tmp_path / "small_disk"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small file system here: {done.stderr!r}")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_disk_filling_up_leaves_the_older_outputs(plugin, older_outputs, small_disk, tmp_path):
    """The disk has room for the older outputs and a little more, not for a second copy of
    them. GeoPackage's last write fails when the file is closed, which QGIS does not report:
    the count of features in the closed file tells, and the older outputs stay."""
    case = CASES["facilitygap"]
    older = older_outputs("facilitygap", tmp_path / "older")
    size = sum(path.stat().st_size for path in older.values())
    disk = small_disk(size + 150_000)
    for path in older.values():
        shutil.copy2(path, disk / path.name)
    outputs = {name: disk / path.name for name, path in older.items()}
    before = snapshot(disk)
    with pytest.raises(QgsProcessingException) as failed:
        run(case, tmp_path, outputs)
    message = str(failed.value)
    assert message.startswith(f"{label(case, 'OUTPUT')} {outputs['OUTPUT']} could not be written")
    assert "is the disk full?" in message
    assert_nothing_changed(before, disk)


def test_a_workbook_per_district_is_all_or_nothing_too(plugin, tmp_path, read_only):
    """Split by district, the files are named after the districts, known only from the data:
    one of them read-only stops the run before any is replaced."""
    import processing

    parameters = {
        **EXPORTS["exportworkbook"],
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "DISTRICTS": layer_of("districts"),
        "DISTRICT_ID_FIELD": "district_id",
        "DISTRICT_NAME_FIELD": "name",
        "SPLIT_BY": 1,
        "OUTPUT": str(tmp_path / "evaluation.xlsx"),
    }
    processing.run("completecommunity:exportworkbook", parameters, feedback=Log())
    written = sorted(tmp_path.iterdir())
    assert len(written) >= 2 and all(path.name.startswith("evaluation_") for path in written)
    for path in written:  # a new run writes the same workbooks: tell them apart
        with open(path, "ab") as handle:
            handle.write(b"(older)")
    read_only(written[-1])
    before = snapshot(tmp_path)
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("completecommunity:exportworkbook", parameters, feedback=Log())
    assert f"{written[-1]} cannot be replaced: the file is read-only" in str(refused.value)
    assert_nothing_changed(before, tmp_path)


# --------------------------------------------------------------------------------------------
# An input given that cannot be opened
# --------------------------------------------------------------------------------------------

#: Every algorithm with an input layer, with the parameters of a run that would succeed.
INPUT_RUNS = {
    **{case.algorithm: name for name, case in CASES.items()},
    "completecommunity:exportworkbook": "exportworkbook",
}


def _complete_parameters(algorithm: str, root: Path, request) -> Dict[str, object]:
    if algorithm == "completecommunity:exportworkbook":
        return {**EXPORTS["exportworkbook"], "OUTPUT": str(root / "out0" / "evaluation.xlsx")}
    case = case_of(INPUT_RUNS[algorithm], request)
    return {**case.inputs(root), **{n: str(p) for n, p in targets(case, root).items()}}


def _layer_inputs(algorithm: str) -> List[Tuple[str, bool]]:
    """(name, optional) of each input layer parameter of ``algorithm``."""
    from complete_community.processing import compat

    found = QgsApplication.processingRegistry().algorithmById(algorithm)
    optional = compat.ProcessingParameterFlag.Optional
    return [
        (definition.name(), bool(definition.flags() & optional))
        for definition in found.parameterDefinitions()
        if definition.type() in ("source", "vector", "raster", "layer")
    ]


@pytest.mark.parametrize("algorithm", sorted(INPUT_RUNS))
def test_an_input_that_cannot_be_opened_is_refused_naming_it(plugin, tmp_path, algorithm, request):
    """A path to a missing layer (or a layer name its file lacks) is an error naming the input
    and the layer, for a required input and an optional one alike — QGIS would hand the
    algorithm no layer, which for an optional input means "not given" — and nothing is
    written."""
    import processing

    parameters = _complete_parameters(algorithm, tmp_path, request)
    for index in range(8):
        (tmp_path / f"out{index}").mkdir()
    inputs = _layer_inputs(algorithm)
    assert any(optional for _name, optional in inputs), "some inputs are optional"
    missing = tmp_path / "已删除" / "图层.gpkg"
    before = snapshot(tmp_path)  # the plan store some runs read
    for number, (name, _optional) in enumerate(inputs):
        wrong = f"{SAMPLE}|layername=没有这个图层" if number % 2 else str(missing)
        with pytest.raises(QgsProcessingException) as refused:
            processing.run(algorithm, {**parameters, name: wrong}, feedback=Log())
        assert f"({name}): the layer {wrong} cannot be opened" in str(refused.value)
        assert_nothing_changed(before, tmp_path)
    # A script calling run() skips QGIS's check of the parameters: the run stops all the same.
    name = next(name for name, optional in inputs if optional)
    context, log = QgsProcessingContext(), Log()
    algorithm_object = QgsApplication.processingRegistry().createAlgorithmById(algorithm)
    _results, ok = algorithm_object.run({**parameters, name: str(missing)}, context, log)
    assert not ok
    assert f"({name}): the layer {missing} cannot be opened" in "\n".join(log.errors)
    assert_nothing_changed(before, tmp_path)


def test_qgis_process_refuses_a_rubric_scored_without_its_missing_gap_layer(
    qgis_process_cli, tmp_path
):
    missing = tmp_path / "gaps.gpkg"
    parameters = {
        **CASES["rubricscore"].inputs(tmp_path),
        "GAPS": str(missing),
        "OUTPUT_TABLE": str(tmp_path / "points.csv"),
        "OUTPUT": str(tmp_path / "scores.gpkg"),
    }
    done = qgis_process_cli.run("completecommunity:rubricscore", parameters)
    assert done.returncode != 0
    assert f"(GAPS): the layer {missing} cannot be opened" in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []
