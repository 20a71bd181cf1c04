"""The plan dialogs with a store a team shares, on GeoPackage and PostgreSQL/PostGIS.

The lost update of the issue played through two Plan data dialogs (A's investment kept, B told,
B's entry kept to apply again); a PostGIS store created, filled and read back through the
dialogs' code over a saved QGIS connection with an authentication configuration, its projects
as PostGIS layers, and the password nowhere but in QGIS's authentication database.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from plan_backends import PLANNER_A, PLANNER_B, VIEWER, GeoPackageTeam, PostgisTeam
from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCredentials,
    QgsDataSourceUri,
    QgsProject,
    QgsProviderRegistry,
)
from qgis.PyQt.QtWidgets import QMessageBox
from shapely.geometry import Point
from test_plan_dialogs import Modal, choose, install_modal, type_into

from complete_community.processing.plan_sources import open_plan_store, store_address
from complete_community.scoring.plan import STATUSES, Changes, Project, choice_label
from complete_community.scoring.standard import load_standard
from complete_community.ui import common
from complete_community.ui.plan_data_dialog import PlanDataDialog
from complete_community.ui.plan_database_dialog import PlanDatabaseDialog

MASTER_PASSWORD = "cc-test-master-password"


@pytest.fixture(scope="module")
def standard():
    return load_standard()


@pytest.fixture
def modal(monkeypatch) -> Modal:
    return install_modal(monkeypatch)


@pytest.fixture(params=["gpkg", "postgres"])
def team(request, tmp_path):
    if request.param == "gpkg":
        return GeoPackageTeam(tmp_path)
    return PostgisTeam(request.getfixturevalue("postgis_server"))


@pytest.fixture
def dialogs(qgis_iface, standard, modal):
    opened = []

    def make():
        dialog = PlanDataDialog(qgis_iface, standard=standard)
        dialog.show()
        opened.append(dialog)
        return dialog

    yield make
    for dialog in opened:
        dialog.is_dirty = lambda: False
        dialog.close()
        dialog.deleteLater()


def canteen() -> Project:
    return Project(
        "p-canteen", "YZ-07", "解放碑社区食堂", "community_canteen", "planned",
        floor_area=260.0, geometry=Point(668020.0, 3548010.0),
    )  # fmt: skip


def test_the_lost_update_in_the_dialogs_keeps_as_investment_and_bs_entry(
    team, dialogs, standard, modal
):
    team.create().save(Changes(projects=[canteen()]))
    dialog_a, dialog_b = dialogs(), dialogs()
    dialog_a.load(team.open_as(PLANNER_A, standard=standard))
    dialog_b.load(team.open_as(PLANNER_B, standard=standard))  # B opened it before A saved

    assert dialog_a.select_project("p-canteen")
    type_into(dialog_a.form.widgets["investment_wan"], "1000")
    assert dialog_a.save()

    assert dialog_b.select_project("p-canteen")
    choose(dialog_b.form.widgets["status"], "under_construction")
    assert not dialog_b.save()
    told = modal.warnings[-1]
    assert "record 解放碑社区食堂: changed by planner_a at" in told
    assert "your changes to it were not saved" in told
    row = dialog_b.current_row()
    assert row.conflict is not None and row.project.status == "under_construction"  # kept
    assert dialog_b.is_dirty()
    assert dialog_b.form.reload_button.isVisibleTo(dialog_b.form)

    dialog_b.form.reload_button.click()  # B sees A's investment, their own entry aside
    row = dialog_b.current_row()
    assert (row.project.investment_wan, row.project.status) == (1000.0, "planned")
    assert dialog_b.form.widgets["investment_wan"].text() == "1000"
    shown = dialog_b.form.conflict_label.text()
    mine = choice_label(STATUSES, "under_construction", common.locale())
    theirs = choice_label(STATUSES, "planned", common.locale())
    assert f"yours {mine}, saved {theirs}" in shown

    dialog_b.form.reapply_button.click()
    row = dialog_b.current_row()
    assert (row.project.investment_wan, row.project.status) == (1000.0, "under_construction")
    assert row.conflict is None
    assert dialog_b.save()
    final = team.open_as(VIEWER).project("p-canteen")
    assert (final.investment_wan, final.status, final.updated_by) == (
        1000.0, "under_construction", PLANNER_B,
    )  # fmt: skip

    history = dialog_b.show_history()
    texts = [
        [history.table.item(r, c).text() for c in range(history.table.columnCount())]
        for r in range(history.table.rowCount())
    ]
    assert texts[0][1] == PLANNER_B and texts[0][4:] == [
        common.field_label("projects", "status"), theirs, mine,
    ]  # fmt: skip
    assert texts[1][1] == PLANNER_A and texts[1][5:] == ["—", "1000"]


# --------------------------------------------------------------------------------------------
# A PostGIS store through a saved QGIS connection
# --------------------------------------------------------------------------------------------


def basic_auth_config(user: str, password: str) -> str:
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword(MASTER_PASSWORD, True)
    config = QgsAuthMethodConfig("Basic")
    config.setName(f"plan store test {user}")
    config.setConfig("username", user)
    config.setConfig("password", password)
    stored = manager.storeAuthenticationConfig(config)
    assert stored[0] if isinstance(stored, tuple) else stored
    return config.id()


@pytest.fixture
def saved_connection(postgis_server):
    """A saved QGIS PostgreSQL connection for planner_a over TCP, its password in an
    authentication configuration only."""
    cluster = postgis_server
    params = cluster.params(PLANNER_A, tcp=True)
    authcfg = basic_auth_config(PLANNER_A, params["password"])
    uri = QgsDataSourceUri()
    uri.setConnection(
        params["host"], params["port"], params["dbname"], "", "",
        QgsDataSourceUri.SslMode.SslDisable, authcfg,
    )  # fmt: skip
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    name = f"院内 PostGIS {uuid.uuid4().hex[:6]}"
    metadata.saveConnection(metadata.createConnection(uri.uri(False), {}), name)
    cluster.execute("plans", f"GRANT CREATE ON DATABASE plans TO {PLANNER_A}")
    yield name, authcfg, params["password"]
    metadata.deleteConnection(name)
    QgsApplication.authManager().removeAuthenticationConfig(authcfg)


def test_a_postgis_store_created_filled_and_read_back_through_the_dialogs(
    postgis_server, saved_connection, dialogs, modal, monkeypatch, tmp_path
):
    name, authcfg, password = saved_connection
    schema = f"plan_dialog_{uuid.uuid4().hex[:8]}"

    def choose_create(chooser):
        assert name in [chooser.connection_combo.itemText(i)
                        for i in range(chooser.connection_combo.count())]  # fmt: skip
        chooser.connection_combo.setCurrentText(name)
        chooser.schema_combo.setEditText(schema)
        chooser.accept_create()
        return chooser.result()

    monkeypatch.setattr(PlanDatabaseDialog, "exec", choose_create)
    dialog = dialogs()
    type_into(dialog.info_widgets["name"], "渝中区专项规划")
    dialog.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32649"))
    assert dialog.open_database(), modal.warnings
    assert dialog.store.kind == "postgres"
    assert dialog.store.source == store_address(name, schema)
    dialog.add_button.click()
    form = dialog.form.widgets
    form["community_id"].setEditText("YZ-01")
    type_into(form["name"], "七星岗养老服务站")
    choose(form["type_code"], "elderly_service_station")
    type_into(form["investment_wan"], "350")
    dialog.set_location(Point(560000.0, 3270000.0))
    assert dialog.save(), modal.warnings

    again = dialogs()
    assert again.open_path(dialog.store.source)
    assert [row.project.name for row in again.model.rows] == ["七星岗养老服务站"]
    project = again.model.rows[0].project
    assert (project.investment_wan, project.updated_by, project.version) == (350.0, PLANNER_A, 1)
    assert again.info.name == "渝中区专项规划" and again.store.crs == "EPSG:32649"

    layers = again.add_to_map()
    assert [layer.providerType() for layer in layers] == ["postgres", "postgres"]
    points = layers[0]
    assert points.featureCount() == 1 and points.crs().authid() == "EPSG:32649"
    renderer = points.renderer()  # styled by status, as a GeoPackage's layer is
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "status"
    assert next(points.getFeatures())["name"] == "七星岗养老服务站"
    # QGIS edits the layer like any PostGIS layer; the version moves on, so the dialog, still
    # holding what it read, is refused instead of overwriting that edit.
    feature_id = next(points.getFeatures()).id()
    assert points.startEditing()
    assert points.changeAttributeValue(feature_id, points.fields().indexOf("notes"), "图上修改")
    assert points.commitChanges(), points.commitErrors()
    edited = open_plan_store(again.store.source).project(project.id)
    assert (edited.notes, edited.version, edited.updated_by) == ("图上修改", 2, PLANNER_A)
    assert again.select_project(project.id)
    type_into(again.form.widgets["category"], "补短板")
    assert not again.save()
    assert "changed by planner_a" in modal.warnings[-1]
    again.form.reload_button.click()
    again.form.reapply_button.click()
    assert again.save(), modal.warnings
    final = open_plan_store(again.store.source).project(project.id)
    assert (final.notes, final.category, final.version) == ("图上修改", "补短板", 3)
    project_file = tmp_path / "工程.qgs"
    assert QgsProject.instance().write(str(project_file))
    written = project_file.read_text(encoding="utf-8")
    assert authcfg in written and password not in written
    QgsProject.instance().removeAllMapLayers()

    team = PostgisTeam(postgis_server, schema)
    everything = " ".join(
        str(row)
        for table in ("plan_meta", "plan_info", "projects", "history")
        for row in team.raw_rows(f"SELECT * FROM {table}")
    )
    assert password not in everything and "七星岗养老服务站" in everything
    assert password not in again.store.source and password not in again.store.location
    assert open_plan_store(again.store.source).project(project.id).name == "七星岗养老服务站"


def test_a_role_that_may_only_read_is_told_and_saving_changes_nothing(
    postgis_server, dialogs, standard, modal
):
    team = PostgisTeam(postgis_server)
    team.create().save(Changes(projects=[canteen()]))
    before = team.raw_rows("SELECT * FROM projects")
    dialog = dialogs()
    store = common.open_store(dialog, team.address(VIEWER), standard, None)
    assert any("is open read-only: your database role may only read it" in t for t in modal.infos)
    dialog.load(store)
    assert "(read-only)" in dialog.store_label.text()
    dialog.select_project("p-canteen")
    type_into(dialog.form.widgets["name"], "改名")
    modal.answers.append(QMessageBox.StandardButton.No)  # no copy
    assert not dialog.save()
    assert "is read-only, so nothing was saved; your entries are kept" in modal.asked[-1]
    assert dialog.current_row().project.name == "改名"  # the entry is kept
    assert team.raw_rows("SELECT * FROM projects") == before


def test_screenshots_of_a_refused_save_and_a_projects_history(tmp_path, dialogs, standard, modal):
    """A refused save (B reloaded the project, their entry kept) and the project's history,
    rendered offscreen in Chinese. ``UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots."""
    import os
    from pathlib import Path

    from qgis.PyQt.QtCore import QLocale
    from qgis.PyQt.QtWidgets import QApplication

    from complete_community.i18n import install_translator

    folder = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        folder = tmp_path
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translator()
    try:
        team = GeoPackageTeam(tmp_path)
        team.create(standard=standard).save(
            Changes(projects=[canteen(), replace(canteen(), id="p-2", name="较场口养老服务站",
                                                 type_code="elderly_service_station")])
        )  # fmt: skip
        dialog_a, dialog_b = dialogs(), dialogs()
        dialog_a.load(team.open_as("王工", standard=standard))
        dialog_b.load(team.open_as("李工", standard=standard))
        dialog_a.select_project("p-canteen")
        type_into(dialog_a.form.widgets["investment_wan"], "1000")
        assert dialog_a.save()
        dialog_b.select_project("p-canteen")
        choose(dialog_b.form.widgets["status"], "under_construction")
        assert not dialog_b.save()
        dialog_b.form.reload_button.click()
        QApplication.processEvents()
        assert dialog_b.form.conflict_panel.isVisible()
        dialog_b.grab().save(str(folder / "plan_data_refused_save.png"))
        dialog_b.form.reapply_button.click()
        assert dialog_b.save()
        history = dialog_b.show_history()
        QApplication.processEvents()
        history.grab().save(str(folder / "plan_project_history.png"))
        assert history.table.rowCount() == 8  # 6 fields when entered, A's and B's change
        history.close()
    finally:
        QLocale.setDefault(previous)
        install_translator()


def test_two_assessors_in_the_manual_scores_dialog_the_second_is_told(
    team, qgis_iface, standard, modal
):
    from complete_community.scoring.rubric import load_rubric
    from complete_community.ui.manual_scores_dialog import ManualScoresDialog

    rubric = load_rubric(None, standard)
    team.create()
    point = next(p for p in rubric.points() if p.is_manual)
    opened = []
    for planner in (PLANNER_A, PLANNER_B):
        dialog = ManualScoresDialog(qgis_iface, standard=standard, rubric=rubric)
        dialog.load(team.open_as(planner, standard=standard, rubric=rubric))
        dialog.show()
        dialog.community_combo.setEditText("YZ-07")
        opened.append(dialog)
    assessor_a, assessor_b = opened
    try:
        full = point.max_score
        assessor_a.table.cellWidget(assessor_a.row_for(point.id), 4).setValue(full)
        assert assessor_a.save()
        assessor_b.table.cellWidget(assessor_b.row_for(point.id), 4).setValue(0)
        modal.answers.append(QMessageBox.StandardButton.No)  # show theirs
        assert not assessor_b.save()
        assert f"record YZ-07/{point.id}: changed by planner_a" in modal.asked[-1]
        assert assessor_b.table.cellWidget(assessor_b.row_for(point.id), 4).score() == full
        assessor_b.table.cellWidget(assessor_b.row_for(point.id), 4).setValue(0)  # knowingly
        assert assessor_b.save()
        assert [s.score for s in team.open_as(VIEWER).manual_scores()] == [0.0]
    finally:
        for dialog in opened:
            dialog.is_dirty = lambda: False
            dialog.close()
            dialog.deleteLater()


def test_a_connection_saved_without_its_password_asks_for_it_once(postgis_server, monkeypatch):
    """QGIS's way: a connection saved without password makes QGIS ask (QgsCredentials); the
    password typed is kept in memory for the session, never in the connection or the store."""
    cluster = postgis_server
    params = cluster.params(PLANNER_B, tcp=True)
    team = PostgisTeam(cluster)
    team.create()
    uri = QgsDataSourceUri()
    uri.setConnection(
        params["host"], params["port"], params["dbname"], PLANNER_B, "",
        QgsDataSourceUri.SslMode.SslDisable,
    )  # fmt: skip
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    name = f"无密码连接 {uuid.uuid4().hex[:6]}"
    configuration = {"saveUsername": True, "savePassword": False}
    metadata.saveConnection(metadata.createConnection(uri.uri(False), configuration), name)
    asked = []

    def get(_credentials, realm, user, password, message=""):
        asked.append((user, message))
        return True, user, params["password"]

    monkeypatch.setattr(QgsCredentials, "get", get)
    try:
        store = open_plan_store(store_address(name, team.schema))
        with store.backend.reading() as session:
            assert store.backend.user(session) == PLANNER_B
        assert asked and asked[0][0] == PLANNER_B and "password" in asked[0][1]
        count = len(asked)
        open_plan_store(store_address(name, team.schema)).projects()
        assert len(asked) == count, "asked once per session"
        assert params["password"] not in metadata.connections()[name].uri()
    finally:
        metadata.deleteConnection(name)
