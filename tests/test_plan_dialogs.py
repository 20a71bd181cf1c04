"""The Plan data and Manual scores dialogs, driven headless through their widgets.

Text is typed with QTest (so the dialogs see what a user's typing emits), buttons are clicked,
and every message box and file dialog is replaced by a stand-in that records what it was asked
and answers as the test says — nothing modal ever opens. What the dialogs save is read back
with :class:`PlanStore` and compared with the values typed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sample_copy
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QEvent, QLocale, Qt
from qgis.PyQt.QtGui import QKeyEvent
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QFileDialog, QMessageBox
from shapely import wkt as shapely_wkt
from shapely.geometry import Point

from complete_community.scoring.errors import N_, DataError
from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project, manual_progress
from complete_community.scoring.rubric import load_rubric
from complete_community.scoring.standard import load_standard
from complete_community.ui.manual_scores_dialog import ManualScoresDialog
from complete_community.ui.plan_data_dialog import PlanDataDialog

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
UTM = "EPSG:32650"
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel


@pytest.fixture(scope="module")
def standard():
    return load_standard()


@pytest.fixture(scope="module")
def rubric(standard):
    return load_rubric(None, standard)


class Modal:
    """Stands in for every QMessageBox and QFileDialog: records, answers from queues."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self.answers: list = []
        self.files: list[str] = []

    def question(self, _parent, _title, text, *_args):
        self.asked.append(text)
        assert self.answers, f"unexpected question: {text}"
        return self.answers.pop(0)

    def warning(self, _parent, _title, text, *_args):
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok

    def information(self, _parent, _title, text, *_args):
        self.infos.append(text)
        return QMessageBox.StandardButton.Ok

    def file(self, *_args, **_kwargs):
        assert self.files, "unexpected file dialog"
        return self.files.pop(0), ""


@pytest.fixture
def modal(monkeypatch) -> Modal:
    return install_modal(monkeypatch)


def install_modal(monkeypatch) -> Modal:
    """A :class:`Modal` answering every message box and file dialog (also for other tests)."""
    boxes = Modal()
    monkeypatch.setattr(QMessageBox, "question", boxes.question)
    monkeypatch.setattr(QMessageBox, "warning", boxes.warning)
    monkeypatch.setattr(QMessageBox, "critical", boxes.warning)
    monkeypatch.setattr(QMessageBox, "information", boxes.information)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", boxes.file)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", boxes.file)
    return boxes


@pytest.fixture
def plan_dialog(qgis_iface, standard, modal):
    dialog = PlanDataDialog(qgis_iface, standard=standard)
    dialog.show()
    yield dialog
    dialog.is_dirty = lambda: False  # closing at teardown asks nothing
    dialog.close()
    dialog.deleteLater()


@pytest.fixture
def empty_store(tmp_path, standard) -> PlanStore:
    return PlanStore.create(
        tmp_path / "plan.gpkg", PlanInfo(name="玄武区完整社区规划"), UTM, standard=standard
    )


def keys(widget, text: str) -> None:
    """Type ``text`` key by key. (QTest.keyClicks takes ASCII only; these are Chinese too.)"""
    for character in text:
        press = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, character)
        QApplication.sendEvent(widget, press)


def type_into(widget, text: str) -> None:
    """Replace a line edit's text the way a user does: select all, delete, type."""
    widget.selectAll()
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    keys(widget, text)


def choose(combo, code: str) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def add_project(dialog, **typed) -> None:
    """Click Add project, then fill the form: text fields typed, combo boxes chosen by code."""
    dialog.add_button.click()
    widgets = dialog.form.widgets
    for key, value in typed.items():
        widget = widgets[key]
        if key in ("type_code", "status", "funding_source"):
            choose(widget, value)
        elif key == "community_id":
            widget.setEditText("")
            keys(widget.lineEdit(), value)
        elif key == "notes":
            widget.setPlainText(value)
        else:
            type_into(widget, value)


def selected(dialog) -> Project:
    return dialog.current_row().project


def utm_to_canvas(x: float, y: float, canvas_crs: str) -> QgsPointXY:
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(UTM),
        QgsCoordinateReferenceSystem(canvas_crs),
        QgsProject.instance(),
    )
    return transform.transform(QgsPointXY(x, y))


# --- Plan data ---------------------------------------------------------------------------------


def test_create_a_store_enter_projects_save_and_reopen(plan_dialog, qgis_iface, modal, tmp_path):
    dialog = plan_dialog
    dialog.crs_widget.setCrs(QgsCoordinateReferenceSystem(UTM))
    info = {
        "name": "玄武区完整社区建设专项规划",
        "jurisdiction": "南京市玄武区",
        "period_start": "2024",
        "period_end": "2030",
        "base_year": "2023年",
        "author": "某规划设计研究院",
    }
    for key, text in info.items():
        type_into(dialog.info_widgets[key], text)
    add_project(
        dialog,
        community_id="SQ01",
        name="新建幼儿园",
        type_code="kindergarten",
        category="新建",
        floor_area="2,400",
        land_area="3600",
        investment_wan="1800.5",
        funding_source="old_community_renovation",
        start_year="2025",
        end_year="2026",
        status="under_construction",
        notes="六班",
    )
    # Location picked on a canvas in WGS 84: stored in the plan's UTM coordinates.
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    dialog.form.pick_button.click()
    tool = canvas.mapTool()
    assert tool is dialog.pick_tool
    tool.canvasClicked.emit(
        utm_to_canvas(667500.0, 3547200.0, "EPSG:4326"), Qt.MouseButton.LeftButton
    )
    assert canvas.mapTool() is not tool, "the map tool hands the canvas back after one click"

    # A second project located at a compound selected in the sample's compound layer.
    compounds = QgsVectorLayer(f"{SAMPLE}|layername=compounds", "compounds", "ogr")
    QgsProject.instance().addMapLayer(compounds)
    feature = next(compounds.getFeatures())
    compounds.selectByIds([feature.id()])
    add_project(
        dialog, community_id="SQ02", name="社区卫生服务站", type_code="community_health_station"
    )
    dialog.form.layer_combo.setLayer(compounds)
    dialog.form.feature_button.click()
    outline = shapely_wkt.loads(feature.geometry().asWkt())

    modal.files.append(str(tmp_path / "新规划"))  # the .gpkg suffix is added
    dialog.save_button.click()
    path = tmp_path / "新规划.gpkg"
    assert modal.warnings == [], modal.warnings
    assert dialog.store is not None and dialog.store.path == path
    assert not dialog.is_dirty()

    store = PlanStore.open(path)
    saved = store.info()
    assert (saved.name, saved.jurisdiction, saved.author) == (
        "玄武区完整社区建设专项规划",
        "南京市玄武区",
        "某规划设计研究院",
    )
    assert (saved.period_start, saved.period_end, saved.base_year) == (2024, 2030, 2023)
    assert saved.crs == UTM
    first, second = store.projects()
    assert (first.community_id, first.name, first.type_code, first.category) == (
        "SQ01",
        "新建幼儿园",
        "kindergarten",
        "新建",
    )
    assert (first.floor_area, first.land_area, first.investment_wan) == (2400.0, 3600.0, 1800.5)
    assert first.funding_source == "old_community_renovation"
    assert (first.start_year, first.end_year, first.status) == (2025, 2026, "under_construction")
    assert first.notes == "六班"
    assert first.geometry.geom_type == "Point"
    assert (first.geometry.x, first.geometry.y) == pytest.approx((667500.0, 3547200.0), abs=1e-3)
    assert (second.community_id, second.type_code, second.status) == (
        "SQ02",
        "community_health_station",
        "planned",
    )
    assert outline.contains(second.geometry)
    QgsProject.instance().removeMapLayer(compounds.id())

    # Reopened in a fresh dialog, everything is shown again.
    modal.files.append(str(path))
    again = PlanDataDialog(qgis_iface)
    again.open_button.click()
    assert again.info_widgets["name"].text() == "玄武区完整社区建设专项规划"
    assert again.info_widgets["base_year"].text() == "2023"
    assert [row.project.name for row in again.model.rows] == ["新建幼儿园", "社区卫生服务站"]
    assert not again.is_dirty()
    again.select_project(first.id)
    assert again.form.widgets["floor_area"].text() == "2400"
    assert again.form.widgets["type_code"].code() == "kindergarten"
    assert again.form.widgets["status"].code() == "under_construction"
    again.deleteLater()


def test_invalid_entries_are_refused_with_the_field_named(plan_dialog, modal, empty_store):
    dialog = plan_dialog
    dialog.load(empty_store)
    before = empty_store.path.read_bytes()
    add_project(dialog, community_id="SQ01", name="托育点", type_code="nursery")
    floor = dialog.form.widgets["floor_area"]
    type_into(floor, "-5")
    assert floor.property("invalid") is True
    assert "Floor area (m²)" in floor.toolTip() and "greater than 0" in floor.toolTip()
    assert "Floor area (m²)" in dialog.form.message.text()
    type_into(dialog.form.widgets["start_year"], "1800")
    assert "Start year" in dialog.form.widgets["start_year"].toolTip()
    assert "from 2000 to 2100" in dialog.form.widgets["start_year"].toolTip()

    dialog.save_button.click()
    assert "Not saved" in dialog.message.text() and "Floor area (m²)" in dialog.message.text()
    assert empty_store.path.read_bytes() == before
    assert empty_store.projects() == []

    # Fixed entries clear their marks; an end year before the start year is refused too.
    type_into(floor, "200")
    assert floor.property("invalid") is False and floor.toolTip() == ""
    type_into(dialog.form.widgets["start_year"], "2026")
    type_into(dialog.form.widgets["end_year"], "2025")
    end = dialog.form.widgets["end_year"]
    assert end.property("invalid") is True and "End year" in end.toolTip()
    type_into(dialog.form.widgets["start_year"], "2024")  # now the end year is right after all
    assert end.property("invalid") is False
    assert selected(dialog).end_year == 2025

    # A required field left empty is named when saving, and the record is selected.
    add_project(dialog, community_id="SQ01", name="无类型的项目")
    dialog.save_button.click()
    assert "Facility type" in dialog.message.text()
    assert selected(dialog).name == "无类型的项目"
    assert dialog.form.widgets["type_code"].property("invalid") is True
    assert empty_store.projects() == []

    choose(dialog.form.widgets["type_code"], "public_toilet")
    dialog.save_button.click()
    assert sorted(p.name for p in empty_store.projects()) == ["托育点", "无类型的项目"]


def test_a_read_only_store_keeps_the_entries_and_saves_to_a_copy(
    plan_dialog, modal, empty_store, tmp_path
):
    dialog = plan_dialog
    dialog.load(empty_store)
    add_project(dialog, community_id="SQ03", name="口袋公园", type_code="community_park")
    original = empty_store.path
    before = original.read_bytes()
    os.chmod(original, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        modal.answers.append(NO)  # "save to a writable copy?" — no
        dialog.save_button.click()
        assert "read-only" in modal.asked[-1]
        assert [row.project.name for row in dialog.model.rows] == ["口袋公园"]
        assert dialog.is_dirty()
        assert original.read_bytes() == before

        copy = tmp_path / "copy.gpkg"
        modal.answers.append(YES)
        modal.files.append(str(copy))
        dialog.save_button.click()
        assert dialog.store.path == copy and not dialog.is_dirty()
        assert [p.name for p in PlanStore.open(copy).projects()] == ["口袋公园"]
        assert original.read_bytes() == before
    finally:
        os.chmod(original, stat.S_IRUSR | stat.S_IWUSR)


def test_a_failed_save_leaves_the_file_and_keeps_the_entries(
    plan_dialog, modal, empty_store, monkeypatch
):
    dialog = plan_dialog
    dialog.load(empty_store)
    add_project(dialog, community_id="SQ01", name="养老服务站", type_code="elderly_service_station")
    before = empty_store.path.read_bytes()

    def failing_save(self, changes):
        raise DataError(N_("Plan store {file}: saving failed ({reason})."), file="x", reason="disk")

    monkeypatch.setattr(PlanStore, "save", failing_save)
    dialog.save_button.click()
    assert modal.warnings == ["Plan store x: saving failed (disk)."]
    assert empty_store.path.read_bytes() == before
    assert [row.project.name for row in dialog.model.rows] == ["养老服务站"]
    assert dialog.is_dirty()
    assert "entries are kept" in dialog.message.text()


def test_closing_with_unsaved_changes_asks(plan_dialog, modal, empty_store):
    dialog = plan_dialog
    dialog.load(empty_store)
    add_project(dialog, community_id="SQ01", name="公厕", type_code="public_toilet")

    modal.answers.append(CANCEL)
    dialog.close_button = dialog.buttons.button(dialog.buttons.StandardButton.Close)
    dialog.close_button.click()
    assert dialog.isVisible() and dialog.is_dirty()

    modal.answers.append(DISCARD)
    dialog.close()
    assert not dialog.isVisible()
    assert dialog.model.rows == [] and not dialog.is_dirty()

    dialog.show()  # used again after closing
    add_project(dialog, community_id="SQ01", name="公厕", type_code="public_toilet")
    modal.answers.append(SAVE)
    dialog.reject()  # Esc
    assert not dialog.isVisible()
    assert [p.name for p in empty_store.projects()] == ["公厕"]
    assert len(modal.asked) == 3 and all("unsaved" in text for text in modal.asked)

    dialog.show()
    dialog.close()  # nothing unsaved: no question
    assert len(modal.asked) == 3


def test_filters_delete_and_edit(plan_dialog, modal, empty_store):
    dialog = plan_dialog
    empty_store.save(
        Changes(
            projects=(
                Project.new("SQ01", "甲", "kindergarten", "planned"),
                Project.new("SQ01", "乙", "nursery", "reserve"),
                Project.new("SQ02", "丙", "kindergarten", "planned"),
            )
        )
    )
    dialog.load(empty_store)
    choose(dialog.community_filter, "SQ01")
    assert dialog.proxy.rowCount() == 2
    choose(dialog.status_filter, "reserve")
    assert dialog.proxy.rowCount() == 1
    index = dialog.proxy.index(0, 0)
    assert index.data() == "乙"
    dialog.table.setCurrentIndex(index)
    dialog.delete_button.click()
    choose(dialog.status_filter, "")
    assert dialog.proxy.rowCount() == 1
    dialog.table.setCurrentIndex(dialog.proxy.index(0, 0))
    type_into(dialog.form.widgets["name"], "甲（扩建）")
    dialog.save_button.click()
    assert sorted(p.name for p in empty_store.projects()) == ["丙", "甲（扩建）"]


def test_export_and_import_projects_as_xlsx(plan_dialog, modal, empty_store, tmp_path, qgis_iface):
    pytest.importorskip("openpyxl")
    dialog = plan_dialog
    dialog.load(empty_store)
    add_project(
        dialog, community_id="SQ05", name="菜市场", type_code="fresh_market", floor_area="800"
    )
    workbook = tmp_path / "projects.xlsx"
    modal.files.append(str(workbook))
    dialog.export_button.click()
    assert workbook.is_file()

    other = PlanStore.create(tmp_path / "other.gpkg", PlanInfo(name="另一规划"), UTM)
    second = PlanDataDialog(qgis_iface)
    second.load(other)
    modal.files.append(str(workbook))
    second.import_button.click()
    assert [(r.project.name, r.project.floor_area) for r in second.model.rows] == [
        ("菜市场", 800.0)
    ]
    assert second.is_dirty(), "imported rows wait for Save"
    second.save_button.click()
    assert [p.type_code for p in other.projects()] == ["fresh_market"]
    second.deleteLater()


def test_add_projects_to_map(plan_dialog, modal, empty_store):
    empty_store.save(
        Changes(
            projects=(
                Project.new(
                    "SQ01", "点", "kindergarten", "planned", geometry=Point(667000, 3546000)
                ),
                Project.new(
                    "SQ01",
                    "面",
                    "community_park",
                    "planned",
                    geometry=shapely_wkt.loads(
                        "POLYGON((667000 3546000, 667050 3546000, 667050 3546040, 667000 3546000))"
                    ),
                ),
            )
        )
    )
    plan_dialog.load(empty_store)
    layers = plan_dialog.add_to_map()
    try:
        assert sorted(layer.featureCount() for layer in layers) == [1, 1]
        assert all(QgsProject.instance().mapLayer(layer.id()) for layer in layers)
        # Styled by status (resources/styles/plan_projects.qml, plan_project_areas.qml).
        for layer in layers:
            assert layer.renderer().classAttribute() == "status"
            assert {str(c.value()) for c in layer.renderer().categories()} >= {"planned"}
    finally:
        QgsProject.instance().removeMapLayers([layer.id() for layer in layers])


# --- Manual scores -----------------------------------------------------------------------------


@pytest.fixture
def scores_dialog(qgis_iface, standard, rubric, modal):
    dialog = ManualScoresDialog(qgis_iface, standard=standard, rubric=rubric)
    dialog.show()
    yield dialog
    dialog.is_dirty = lambda: False
    dialog.close()
    dialog.deleteLater()


def test_enter_manual_scores_save_and_reopen(scores_dialog, modal, empty_store, rubric, standard):
    dialog = scores_dialog
    manual = [point for point in rubric.points() if point.is_manual]
    modal.files.append(str(empty_store.path))
    dialog.open_button.click()
    type_into(dialog.assessor_edit, "王工")
    type_into(dialog.date_edit, "2024-05-01")
    dialog.community_combo.setEditText("SQ01")

    first, second = manual[0], manual[1]
    spin = dialog.table.cellWidget(dialog.row_for(first.id), 4)
    spin.setValue(99)  # limited to the point's maximum
    assert spin.value() == first.max_score
    evidence = dialog.table.cellWidget(dialog.row_for(first.id), 5)
    keys(evidence, "现场照片")
    assert dialog.table.cellWidget(dialog.row_for(first.id), 6).text() == "王工"
    assert f"{len(manual) - 1} 待评" in dialog.progress_label.text()

    dialog.community_combo.setEditText("SQ02")
    assert dialog.table.cellWidget(dialog.row_for(first.id), 4).score() is None, "待评 in SQ02"
    dialog.table.cellWidget(dialog.row_for(second.id), 4).setValue(0.5)

    dialog.save_button.click()
    assert not dialog.is_dirty()
    saved = {
        (s.community_id, s.point_id): s for s in PlanStore.open(empty_store.path).manual_scores()
    }
    assert set(saved) == {("SQ01", first.id), ("SQ02", second.id)}
    assert saved[("SQ01", first.id)].score == first.max_score
    assert saved[("SQ01", first.id)].evidence == "现场照片"
    assert (saved[("SQ01", first.id)].assessor, saved[("SQ01", first.id)].date) == (
        "王工",
        "2024-05-01",
    )
    assert saved[("SQ02", second.id)].score == 0.5
    progress = manual_progress(rubric, saved.values(), ["SQ01", "SQ02", "SQ03"])
    table = {
        dialog.progress_table.item(row, 0).text(): dialog.progress_table.item(row, 2).text()
        for row in range(dialog.progress_table.rowCount())
    }
    assert table == {
        "SQ01": str(progress["SQ01"].n_pending),
        "SQ02": str(progress["SQ02"].n_pending),
    }

    # A fresh dialog shows the saved scores; clearing one back to 待评 and its notes deletes it.
    again = ManualScoresDialog(standard=standard, rubric=rubric)
    again.open_path(empty_store.path)
    again.community_combo.setEditText("SQ01")
    row = again.row_for(first.id)
    assert again.table.cellWidget(row, 4).score() == first.max_score
    assert again.table.cellWidget(row, 5).text() == "现场照片"
    again.table.cellWidget(row, 4).setValue(-1)
    for column in (5, 6, 7):
        type_into(again.table.cellWidget(row, column), "")
    again.save_button.click()
    assert [(s.community_id, s.point_id) for s in empty_store.manual_scores()] == [
        ("SQ02", second.id)
    ]
    again.deleteLater()


def test_a_bad_date_is_refused_and_the_scores_kept(scores_dialog, modal, empty_store, rubric):
    dialog = scores_dialog
    dialog.open_path(empty_store.path)
    dialog.community_combo.setEditText("SQ01")
    point = next(point for point in rubric.points() if point.is_manual)
    row = dialog.row_for(point.id)
    dialog.table.cellWidget(row, 4).setValue(1)
    date = dialog.table.cellWidget(row, 7)
    type_into(date, "2024-13-45")
    assert date.property("invalid") is True and "Date" in date.toolTip()
    dialog.save_button.click()
    assert "Not saved" in dialog.message.text() and "Date" in dialog.message.text()
    assert empty_store.manual_scores() == []
    assert dialog.table.cellWidget(row, 4).score() == 1.0
    type_into(date, "2024-12-05")
    dialog.save_button.click()
    assert [s.date for s in empty_store.manual_scores()] == ["2024-12-05"]


def test_communities_come_from_a_layer(scores_dialog, modal, empty_store):
    dialog = scores_dialog
    dialog.open_path(empty_store.path)
    communities = QgsVectorLayer(f"{SAMPLE}|layername=communities", "communities", "ogr")
    QgsProject.instance().addMapLayer(communities)
    try:
        dialog.layer_combo.setLayer(communities)
        dialog.field_combo.setField("community_id")
        expected = sorted(str(f["community_id"]) for f in communities.getFeatures())
        listed = [dialog.community_combo.itemText(i) for i in range(dialog.community_combo.count())]
        assert listed == expected
        assert dialog.progress_table.rowCount() == len(expected)
    finally:
        QgsProject.instance().removeMapLayer(communities.id())


# --- Plugin menu -------------------------------------------------------------------------------


def test_menu_opens_each_dialog_once_and_unload_removes_them(
    qgis_iface, qgis_processing, modal, empty_store
):
    import complete_community

    plugin = complete_community.classFactory(qgis_iface)
    plugin.initProcessing()
    plugin.initGui()
    try:
        texts = {action.text(): action for action in plugin.menu.actions()}
        plan_action = texts["Plan data (专项规划数据)…"]
        scores_action = texts["Manual scores (人工评分)…"]
        plan_action.trigger()
        plan = plugin.dialogs["plan_data"]
        assert plan.isVisible() and not plan.isModal()
        plan.load(empty_store)
        plan.close()
        plan_action.trigger()
        assert plugin.dialogs["plan_data"] is plan and plan.isVisible()
        scores_action.trigger()
        scores = plugin.dialogs["manual_scores"]
        assert scores.store is not None and scores.store.path == empty_store.path
    finally:
        plugin.unload()
    assert plugin.dialogs == {} and plugin.actions == []


# --- Screenshots -------------------------------------------------------------------------------


def test_screenshots_render_with_sample_data(
    qgis_iface, standard, rubric, modal, empty_store, tmp_path
):
    """Both dialogs rendered offscreen with some data. ``UPDATE_SCREENSHOTS=1`` writes them to
    docs/screenshots for the README; otherwise they go to a temporary folder."""
    from complete_community.i18n import install_translator

    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    previous_locale = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translator()  # as QGIS in Chinese does: the locale decides
    try:
        empty_store.save(
            Changes(
                projects=(
                    Project.new(
                        "SQ01", "新建幼儿园", "kindergarten", "under_construction",
                        floor_area=2400.0, investment_wan=1800.0, funding_source="other",
                        start_year=2025, end_year=2026, geometry=Point(667500, 3547200),
                    ),
                    Project.new(
                        "SQ01", "社区卫生服务站改造", "community_health_station", "planned",
                        floor_area=150.0, start_year=2025, end_year=2025,
                        funding_source="old_community_renovation",
                        geometry=Point(667640, 3547010),
                    ),
                    Project.new("SQ02", "口袋公园", "community_park", "reserve", land_area=1200.0),
                )
            )
        )  # fmt: skip
        plan = PlanDataDialog(qgis_iface, standard=standard)
        plan.load(empty_store)
        plan.select_project(plan.model.rows[0].project.id)
        plan.show()
        QApplication.processEvents()
        plan.grab().save(str(folder / "plan_data_dialog.png"))

        scores = ManualScoresDialog(qgis_iface, standard=standard, rubric=rubric)
        scores.open_path(empty_store.path)
        type_into(scores.assessor_edit, "王工")
        scores.community_combo.setEditText("SQ01")
        manual = [point for point in rubric.points() if point.is_manual]
        for point, value in zip(manual[:3], (1, 2, 1)):
            scores.table.cellWidget(scores.row_for(point.id), 4).setValue(value)
        keys(scores.table.cellWidget(scores.row_for(manual[0].id), 5), "现场照片")
        scores.show()
        QApplication.processEvents()
        scores.grab().save(str(folder / "manual_scores_dialog.png"))
        for dialog in (plan, scores):
            dialog.is_dirty = lambda: False
            dialog.close()
            dialog.deleteLater()
    finally:
        QLocale.setDefault(previous_locale)
        install_translator("en")
    for name in ("plan_data_dialog.png", "manual_scores_dialog.png"):
        assert (folder / name).stat().st_size > 10_000


# --------------------------------------------------------------------------------------------
# The user's own standard and rubric files
# --------------------------------------------------------------------------------------------

STANDARD_KEY = "complete_community/standard_file"
RUBRIC_KEY = "complete_community/rubric_file"
BUILTIN_STANDARD = Path(__file__).resolve().parent.parent / "resources" / "standards"
BUILTIN_RUBRIC = Path(__file__).resolve().parent.parent / "resources" / "rubrics"


@pytest.fixture
def remembered_files():
    """The remembered standard and rubric files: none during the test, as before after it."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    before = {key: settings.value(key) for key in (STANDARD_KEY, RUBRIC_KEY)}
    for key in before:
        settings.remove(key)
    yield settings
    for key, value in before.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def _yaml_file(path: Path, document) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def user_standard(tmp_path) -> Path:
    """The built-in standard with one more facility type, ``elder_canteen``."""
    import yaml

    document = yaml.safe_load(
        (BUILTIN_STANDARD / "facility_standard.yaml").read_text(encoding="utf-8")
    )
    kindergarten = next(kind for kind in document["types"] if kind["code"] == "kindergarten")
    extra = {
        key: value
        for key, value in kindergarten.items()
        if key not in ("aliases", "osm_rules", "note")
    }
    extra.update(code="elder_canteen", name_zh="本市长者助餐点", name_en="City elder dining point")
    document["types"].append(extra)
    return _yaml_file(tmp_path / "city_standard.yaml", document)


def propose_file(row, path) -> None:
    """Type a file name into a Standard / Rubric row and press Enter, as a user does."""
    type_into(row.edit, str(path))
    QTest.keyClick(row.edit, Qt.Key.Key_Return)


def test_a_user_standard_offers_its_extra_type_and_is_remembered(
    qgis_iface, modal, remembered_files, tmp_path
):
    from complete_community.i18n import tr

    dialog = PlanDataDialog(qgis_iface)
    dialog.show()
    try:
        assert dialog.standard_row.path() == ""
        assert dialog.standard_row.edit.placeholderText() == tr("Built-in (内置)")
        combo = dialog.form.widgets["type_code"]
        assert combo.findData("elder_canteen") < 0
        add_project(dialog, community_id="SQ01", name="长者食堂", type_code="kindergarten")

        path = user_standard(tmp_path)
        propose_file(dialog.standard_row, path)

        assert modal.warnings == []
        assert dialog.standard_path == str(path)
        assert remembered_files.value(STANDARD_KEY) == str(path)
        assert combo.findData("elder_canteen") >= 0
        choose(combo, "elder_canteen")
        row = dialog.current_row()
        assert row.project.type_code == "elder_canteen"
        assert row.errors == {}

        # Back to the built-in standard: the entered type is now unknown, so it is marked.
        dialog.standard_row.builtin_button.click()
        assert dialog.standard_path == ""
        assert remembered_files.value(STANDARD_KEY) == ""
        assert "type_code" in dialog.current_row().errors
        assert dialog.first_error()[1] == "type_code"
    finally:
        dialog.is_dirty = lambda: False
        dialog.close()

    remembered_files.setValue(STANDARD_KEY, str(path))
    again = PlanDataDialog(qgis_iface)
    try:
        assert again.standard_row.edit.text() == str(path)
        assert "elder_canteen" in again.standard.codes()
        assert again.form.widgets["type_code"].findData("elder_canteen") >= 0
    finally:
        again.close()


def test_a_malformed_standard_is_refused_and_the_previous_one_kept(
    qgis_iface, modal, remembered_files, tmp_path
):
    from complete_community.i18n import tr

    dialog = PlanDataDialog(qgis_iface)
    dialog.show()
    try:
        good = user_standard(tmp_path)
        propose_file(dialog.standard_row, good)
        previous = dialog.standard
        assert "elder_canteen" in previous.codes()

        bad = tmp_path / "broken_standard.yaml"
        bad.write_text("name_zh: 坏标准\ntypes: 5\n", encoding="utf-8")
        with pytest.raises(DataError) as refused:
            load_standard(bad)
        propose_file(dialog.standard_row, bad)

        assert modal.warnings == [refused.value.message(tr)]
        assert str(bad) in modal.warnings[0]
        assert dialog.standard is previous
        assert dialog.standard_row.edit.text() == str(good)
        assert remembered_files.value(STANDARD_KEY) == str(good)
        assert dialog.form.widgets["type_code"].findData("elder_canteen") >= 0
    finally:
        dialog.close()


def test_a_user_rubric_shows_its_manual_points(qgis_iface, modal, remembered_files, tmp_path):
    import yaml

    document = yaml.safe_load(
        (BUILTIN_RUBRIC / "complete_community_rubric.yaml").read_text(encoding="utf-8")
    )
    point = document["categories"][0]["items"][0]["points"][0]
    assert point["id"] == "1.1.1" and point["method"] != "manual"
    point["method"] = "manual"
    point.pop("indicator")
    point["text"] = {"zh": "社区服务站由本市自定标准评定。", "en": "Rated by the city's own rule."}
    path = _yaml_file(tmp_path / "city_rubric.yaml", document)
    expected = [
        p["id"]
        for category in document["categories"]
        for item in category["items"]
        for p in item["points"]
        if p["method"] == "manual"
    ]

    dialog = ManualScoresDialog(qgis_iface)
    dialog.show()
    try:
        assert "1.1.1" not in [p.id for p in dialog.points]
        propose_file(dialog.rubric_row, path)
        assert modal.warnings == []
        assert remembered_files.value(RUBRIC_KEY) == str(path)
        assert [p.id for p in dialog.points] == expected
        assert dialog.table.rowCount() == len(expected)
        row = dialog.row_for("1.1.1")
        assert dialog.table.item(row, 2).text().startswith("1.1.1  ")
        assert (
            dialog.table.item(row, 2)
            .text()
            .endswith(point["text"]["zh" if dialog_locale_is_zh() else "en"])
        )
        assert dialog.table.item(row, 3).text() == str(point["max"])
        assert dialog._spin(row).maximum() == point["max"]
    finally:
        dialog.close()

    again = ManualScoresDialog(qgis_iface)
    try:
        assert again.rubric_row.edit.text() == str(path)
        assert [p.id for p in again.points] == expected
    finally:
        again.close()


def dialog_locale_is_zh() -> bool:
    from complete_community.ui.common import locale

    return locale().startswith("zh")
