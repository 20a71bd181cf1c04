"""``completecommunity:exportworkbook``, the round trip into ``rubricscore`` and the shipped
model ``completecommunity:completecommunityevaluation``, run the way users run them.

The two analyses run once on the Nanjing sample for the session (tests/sample_chain.py; written
to files, as a user's earlier runs would be); the workbook tests read what was written with
openpyxl and compare it with what ``rubricscore`` computes from the same inputs and with the gap
and provision results themselves. The workbook's layout, styles and formulas are the domain's
(tests/test_workbook.py); here the question is whether the algorithm hands the right records
over and writes safely.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsVectorLayer,
)
from qgis_helpers import Log, records
from sample_chain import MODEL, MODEL_INPUTS, gap_parameters, layer_of
from sample_chain import scoring_inputs as sample_scoring_inputs
from xlsx_check import check_package, libreoffice_convert

from complete_community.processing import compat
from complete_community.scoring.rubric import load_rubric
from complete_community.scoring.workbook import is_valid_sheet_name, safe_save
from complete_community.scoring.workbook.layout import (
    FIRST_POINT_ROW,
    HEADER_ROW,
    column_number,
    evaluation_layout,
)

openpyxl = pytest.importorskip("openpyxl")

EXPORT = "completecommunity:exportworkbook"
SCORE = "completecommunity:rubricscore"
LISTS_ZH = ["汇总表", "设施覆盖", "短板清单", "配置缺口", "说明"]
DISTRICT_NAMES = {"PQ1": "西片区", "PQ2": "东片区"}
INJECTION = '=HYPERLINK("http://example.com","点我")'
LONG_ILLEGAL = "玄武门街道/锁金村社区居民委员会[筹]*?：一个很长很长很长的社区名称"
SCORE_COLUMN = column_number("score")


@pytest.fixture(scope="module")
def analyses(sample_chain) -> Dict[str, str]:
    """The facility gap result (GeoPackage) and the provision table (CSV) of the sample, from
    the session's chain (tests/sample_chain.py)."""
    return {"GAPS": sample_chain["GAPS"], "PROVISION": sample_chain["PROVISION"]}


def scoring_inputs(analyses: Dict[str, str]) -> Dict[str, Any]:
    return {**sample_scoring_inputs(analyses["GAPS"]), "PROVISION": analyses["PROVISION"]}


def export(analyses, target: Path, log: Optional[Log] = None, **parameters) -> dict:
    import processing

    values: Dict[str, Any] = {
        **scoring_inputs(analyses),
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "DISTRICTS": layer_of("districts"),
        "DISTRICT_ID_FIELD": "district_id",
        "DISTRICT_NAME_FIELD": "name",
        "GAP_NAME_FIELD": "小区名称",
        "TITLE": "南京市玄武区",
        "OUTPUT": str(target),
    }
    values.update(parameters)
    return processing.run(EXPORT, values, feedback=log if log is not None else Log())


def score(analyses, **parameters) -> dict:
    import processing

    values = {
        **scoring_inputs(analyses),
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
    }
    values.update(parameters)
    return processing.run(SCORE, values, feedback=Log())


def form_rows(sheet) -> List[Dict[str, Any]]:
    """The point rows of an evaluation form, by their hidden key columns."""
    keys = ("community_id", "point_id", "point_method", "written_score")
    rows = []
    for number, cells in enumerate(
        sheet.iter_rows(min_row=FIRST_POINT_ROW, values_only=True), FIRST_POINT_ROW
    ):
        cells = tuple(cells) + (None,) * (column_number(keys[-1]) - len(cells))
        values = {key: cells[column_number(key) - 1] for key in keys}
        if values["point_id"]:
            values.update(row=number, score=cells[SCORE_COLUMN - 1])
            rows.append(values)
    return rows


def list_rows(sheet) -> List[tuple]:
    """The data rows of a list sheet: those under the header whose first cell is a number."""
    return [
        cells for cells in sheet.iter_rows(min_row=5, values_only=True) if isinstance(cells[0], int)
    ]


def sample_names() -> Dict[str, str]:
    return {
        row["community_id"]: row["name"]
        for row in records(QgsVectorLayer(layer_of("communities"), "c", "ogr"))
    }


# --------------------------------------------------------------------------------------------
# The workbook of the sample
# --------------------------------------------------------------------------------------------


def test_sample_workbook_lists_every_community_with_the_scores_rubricscore_computes(
    plugin, analyses, tmp_path
):
    target = tmp_path / "evaluation.xlsx"
    result = export(analyses, target)
    assert result["OUTPUT"] == str(target) and result["FILES"] == str(target)
    names = sample_names()
    assert result["COMMUNITIES_SCORED"] == len(names)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == LISTS_ZH + list(names.values())

    # Every point's score on the forms is the one rubricscore writes for it.
    scored = score(analyses)
    expected = {
        (row["community_id"], row["point_id"]): row["score"]
        for row in records(scored["OUTPUT_TABLE"])
    }
    written = {}
    for community_id, name in names.items():
        for row in form_rows(book[name]):
            assert row["community_id"] == community_id
            written[(community_id, row["point_id"])] = (
                row["written_score"] if row["point_method"] != "manual" else row["score"]
            )
    assert written == expected
    assert result["MEAN_TOTAL"] == pytest.approx(scored["MEAN_TOTAL"])

    # Subtotals and the total are formulas, so that filled-in manual scores count.
    layout = evaluation_layout(load_rubric())
    form = book[names["SQ01"]]
    assert form.cell(layout.total_row, SCORE_COLUMN).value == layout.total_formula()
    first_item = layout.items[0]
    item_cell = form.cell(first_item.first, column_number("item_score")).value
    assert item_cell == layout.item_formula(first_item)
    category = layout.categories[0]
    assert form.cell(category.first, column_number("category_score")).value == (
        layout.category_formula(category)
    )
    summary = book["汇总表"]
    header = [cell.value for cell in summary[3]]
    total_column = next(i for i, text in enumerate(header, 1) if str(text).startswith("总分"))
    assert summary.cell(4, total_column).value == f"='{names['SQ01']}'!{layout.total_cell}"
    # Manual cells validated 0..max, print titles repeated, grades coloured.
    manual_rows = [row["row"] for row in form_rows(form) if row["point_method"] == "manual"]
    validated = {
        cell
        for validation in form.data_validations.dataValidation
        for cell_range in validation.sqref.ranges
        for cell in cell_range.cells
    }
    assert {(row, SCORE_COLUMN) for row in manual_rows} <= validated
    assert len(manual_rows) == sum(point.is_manual for point in load_rubric().points())
    assert form.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert len(list(summary.conditional_formatting)) > 0
    # 片区 by name (from the districts layer), not by id.
    district_column = next(i for i, text in enumerate(header, 1) if text == "所属片区")
    districts = {summary.cell(row, district_column).value for row in range(4, 4 + len(names))}
    assert districts == set(DISTRICT_NAMES.values())


def test_lists_have_the_shapes_of_the_analyses(plugin, analyses, tmp_path):
    """短板清单: one row per compound lacking a required type (ok_T = 0 in the gap result),
    named, with how many it lacks and the distance to each; 设施覆盖: people not covered per
    type; 配置缺口: one row per unit short of a required type (from the provision table)."""
    from complete_community.scoring.standard import load_standard

    target = tmp_path / "evaluation.xlsx"
    export(analyses, target)
    book = openpyxl.load_workbook(target, read_only=True)
    standard = load_standard()
    gaps = records(analyses["GAPS"])
    codes = [name[3:] for name in gaps[0] if name.startswith("ok_")]
    required = [code for code in codes if standard.type_by_code(code).mandatory]
    lacking = {
        row["compound_id"]: [code for code in required if row[f"ok_{code}"] == 0] for row in gaps
    }
    lacking = {compound: found for compound, found in lacking.items() if found}
    # Types no compound can reach at all are named once in the note, not in a column.
    absent = [
        code
        for code in required
        if all(row[f"ok_{code}"] == 0 and row[f"dist_{code}"] is None for row in gaps)
    ]
    assert absent, "the sample maps no kindergarten, for one"
    gap_sheet = book["短板清单"]
    note = next(gap_sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert "、".join(standard.type_by_code(code).name_zh for code in absent) in note
    header = next(gap_sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    column_of = {
        code: header.index(
            next(h for h in header[8:] if h.startswith(standard.type_by_code(code).name_zh + "\n"))
        )
        for code in {code for found in lacking.values() for code in found} - set(absent)
    }
    assert len(header) == 8 + len(column_of)
    rows = list_rows(gap_sheet)
    assert [row[3] for row in rows] == [c for c in (r["compound_id"] for r in gaps) if c in lacking]
    by_id = {row["compound_id"]: row for row in gaps}
    for row in rows:
        compound = by_id[row[3]]
        assert row[4] == compound["小区名称"] and row[4]  # every compound named
        assert row[5] == compound["population"] and row[6] == len(lacking[row[3]])
        named = [standard.type_by_code(c).name_zh for c in lacking[row[3]] if c not in absent]
        assert row[7].split("；") == [*named, f"另全域缺失{len(absent)}类"]
        for code, position in column_of.items():
            distance = compound[f"dist_{code}"]
            if code in lacking[row[3]]:
                assert row[position] == ("不可达" if distance is None else pytest.approx(distance))
            else:
                assert row[position] is None
    # People not covered, per type, each compound counted once.
    coverage = {row[2]: row for row in list_rows(book["设施覆盖"])}
    assert list(coverage) == codes
    for code in codes:
        out = [row for row in gaps if row[f"ok_{code}"] == 0]
        assert coverage[code][6] == len(out)
        assert coverage[code][8] == pytest.approx(sum(row["population"] for row in out))
    # 配置缺口: every unit short of a required type (status not met, or a deficit), districts
    # first, each once.
    with open(analyses["PROVISION"], encoding="utf-8") as handle:
        provision = list(csv.DictReader(handle))
    short: Dict[tuple, int] = {}
    for row in provision:
        if float(row["mandatory"]) and (
            row["provision_status"] not in ("ok", "ok_shared") or float(row["deficit_count"] or 0)
        ):
            key = (row["tier"], row["unit_id"])
            short[key] = short.get(key, 0) + 1
    deficit_rows = list_rows(book["配置缺口"])
    words = {"片区": "district", "社区": "community", "小区": "neighbourhood"}
    assert sorted((words[row[2]], row[3]) for row in deficit_rows) == sorted(short)
    assert all(row[7] == short[(words[row[2]], row[3])] for row in deficit_rows)
    tiers = [row[2] for row in deficit_rows]
    assert tiers == sorted(tiers, key=["片区", "社区", "小区"].index)
    district_rows = [row for row in deficit_rows if row[2] == "片区"]
    assert {row[4] for row in district_rows} <= set(DISTRICT_NAMES.values())
    book.close()


#: The printed workbook of the sample may take at most this many A4 pages (issue 18).
SAMPLE_PAGES = 40


def test_the_sample_workbook_prints_on_a_few_a4_landscape_pages(plugin, analyses, tmp_path):
    """LibreOffice opens the sample's workbook, recalculates it and prints it: at most
    SAMPLE_PAGES pages, every list and form on A4 landscape (the about sheet portrait), each
    list's header on each of its pages."""
    target = tmp_path / "evaluation.xlsx"
    export(analyses, target)
    check_package(target)
    pdf = libreoffice_convert(target, "pdf", tmp_path, tmp_path / "profile")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])
    assert pages <= SAMPLE_PAGES
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shapes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", sizes)
    assert len(shapes) == pages
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]
    for (width, height), text in zip(shapes, texts):
        a4 = sorted((round(float(width)), round(float(height)))) == [595, 842]
        assert a4, (width, height)
        landscape = float(width) > float(height)
        assert landscape == ("工作簿说明" not in text and "生成工具" not in text), text[:200]
    # Every page of a long list (its sheet's name in the footer) starts with the list's header.
    for sheet, header in (("短板清单", "缺少的应配建设施"), ("配置缺口", "缺口明细")):
        pages_of = [text for text in texts if sheet in text.strip().splitlines()[-1]]
        assert len(pages_of) > 1, sheet
        assert all(header in text for text in pages_of), sheet


def test_split_by_district_and_chosen_communities(plugin, analyses, tmp_path):
    target = tmp_path / "evaluation.xlsx"
    result = export(analyses, target, SPLIT_BY=1)
    files = result["FILES"].split(";")
    assert [Path(path).name for path in files] == [
        f"evaluation_{name}.xlsx" for name in DISTRICT_NAMES.values()
    ]
    assert not target.exists()
    names = sample_names()
    book = openpyxl.load_workbook(files[1], read_only=True)  # 东片区: SQ03 .. SQ06
    assert book.sheetnames[len(LISTS_ZH) :] == [names[f"SQ0{n}"] for n in range(3, 7)]
    book.close()

    chosen = tmp_path / "chosen.xlsx"
    export(analyses, chosen, SPLIT_BY=2, COMMUNITY_IDS="SQ02， SQ05")
    book = openpyxl.load_workbook(chosen, read_only=True)
    assert book.sheetnames == [*LISTS_ZH, names["SQ02"], names["SQ05"]]
    book.close()


def test_wrong_choices_are_refused_before_anything_is_written(plugin, analyses, tmp_path):
    target = tmp_path / "evaluation.xlsx"
    cases = [
        ({"SPLIT_BY": 1, "COMMUNITY_DISTRICT_FIELD": ""}, r"Give the district id field"),
        ({"SPLIT_BY": 2}, r"Give the ids of the communities"),
        ({"SPLIT_BY": 2, "COMMUNITY_IDS": "SQ01,SQ99"}, r"'SQ99' is chosen .* not among"),
        ({"OUTPUT": str(tmp_path / "evaluation.csv")}, r"must end in \.xlsx"),
        ({"OUTPUT": str(tmp_path / "nowhere" / "e.xlsx")}, r"the folder .*nowhere does not exist"),
        ({"GAP_POPULATION_FIELD": ""}, r"Give the population field"),
    ]
    for parameters, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            export(analyses, target, **parameters)
    assert list(tmp_path.iterdir()) == []


def test_projects_of_a_plan_store_make_the_project_sheet(plugin, analyses, tmp_path):
    from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project
    from complete_community.scoring.workbook.rows import local_date

    store = PlanStore.create(tmp_path / "plan.gpkg", PlanInfo(name="玄武区专项规划"), "EPSG:32650")
    project = Project.new(
        "SQ05",
        "东片区3号社区养老服务站",
        "elderly_service_station",
        "planned",
        investment_wan=120.0,
        funding_source="old_community_renovation",
        start_year=2025,
    )
    store.save(Changes(projects=[project]))
    target = tmp_path / "evaluation.xlsx"
    export(analyses, target, PROJECTS=str(store.path))
    sheet = openpyxl.load_workbook(target, read_only=True)["项目库"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "序号")
    data = dict(zip(header, next(row for row in rows if row and row[0] == 1)))
    assert data["项目名称"] == "东片区3号社区养老服务站"
    assert data["所属社区"] == sample_names()["SQ05"] and data["所属片区"] == "东片区"
    assert data["项目状态"] == "计划" and data["资金来源"] == "老旧小区改造"
    assert data["投资（万元）"] == 120 and data["开工时间"] == 2025
    # The date it reached its status, from the store's history (the day of the save, local).
    saved = store.history("projects", project.id)[0].changed_at
    assert data["计划日期"].date() == local_date(saved) and data["完工日期"] is None


# --------------------------------------------------------------------------------------------
# Names from the data, languages
# --------------------------------------------------------------------------------------------


def small_communities() -> QgsVectorLayer:
    """Three communities whose names a sheet name or a cell could choke on."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:32650", "communities", "memory")
    layer.dataProvider().addAttributes(
        [compat.new_field("community_id", "string"), compat.new_field("name", "string")]
    )
    layer.updateFields()
    features = []
    for index, name in enumerate((INJECTION, LONG_ILLEGAL, LONG_ILLEGAL)):
        feature = QgsFeature(layer.fields())
        x = 667_000 + 400 * index
        feature.setGeometry(
            QgsGeometry.fromWkt(f"POLYGON(({x} 0, {x + 400} 0, {x + 400} 400, {x} 400, {x} 0))")
        )
        feature.setAttributes([f"C{index + 1}", name])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def export_small(target: Path, log: Optional[Log] = None, **parameters) -> dict:
    import processing

    values = {
        "COMMUNITIES": small_communities(),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "OUTPUT": str(target),
    }
    values.update(parameters)
    return processing.run(EXPORT, values, feedback=log if log is not None else Log())


def test_names_from_the_data_are_text_and_valid_sheet_names(plugin, tmp_path):
    target = tmp_path / "small.xlsx"
    export_small(target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:2] == ["汇总表", "说明"]  # no analyses given: no lists
    forms = book.sheetnames[2:]
    assert len(forms) == 3 and len(set(forms)) == 3
    assert all(is_valid_sheet_name(name) and len(name) <= 31 for name in forms)
    summary = book["汇总表"]
    cells = [cell for row in summary.iter_rows() for cell in row if cell.value == INJECTION]
    assert cells and all(cell.data_type == "s" for cell in cells)
    form = book[forms[0]]
    header_cells = [cell for row in form.iter_rows(max_row=5) for cell in row]
    assert any(cell.value == INJECTION and cell.data_type == "s" for cell in header_cells)


def test_english_workbook(plugin, tmp_path):
    target = tmp_path / "small_en.xlsx"
    export_small(target, LANGUAGE=1, TITLE="Xuanwu")
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames[:2] == ["Summary", "About"]
    about = [row for row in book["About"].iter_rows(values_only=True)]
    assert ("Data sources", "Communities: communities") in about
    book.close()


# --------------------------------------------------------------------------------------------
# Writing safely
# --------------------------------------------------------------------------------------------


def test_an_existing_workbook_is_replaced_only_when_asked(plugin, tmp_path):
    target = tmp_path / "small.xlsx"
    target.write_bytes(b"an older workbook")
    with pytest.raises(QgsProcessingException, match=r"small\.xlsx already exists"):
        export_small(target)
    assert target.read_bytes() == b"an older workbook"
    export_small(target, OVERWRITE=True)
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[0] == "汇总表"


def _make_unwritable(path: Path) -> bool:
    """Make ``path`` (a file or a folder) unwritable; False where that cannot be done (root
    without chattr)."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    probe = path / "probe" if path.is_dir() else path
    try:
        with open(probe, "ab"):
            pass
    except OSError:
        return True
    if path.is_dir():
        probe.unlink()
    return False


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("locked", ["folder", "file"])
def test_an_unwritable_target_is_reported_and_the_old_file_kept(plugin, tmp_path, locked):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "small.xlsx"
    target.write_bytes(b"an older workbook")
    what = folder if locked == "folder" else target
    try:
        if not _make_unwritable(what):
            pytest.skip("cannot make a file unwritable here")
        message = r"could not be written" if locked == "folder" else r"cannot be replaced"
        with pytest.raises(QgsProcessingException, match=message):
            export_small(target, OVERWRITE=True)
    finally:
        _make_writable(what)
    assert target.read_bytes() == b"an older workbook"
    assert sorted(path.name for path in folder.iterdir()) == ["small.xlsx"]


def test_a_failed_move_into_place_keeps_the_old_file(plugin, tmp_path, monkeypatch):
    target = tmp_path / "small.xlsx"
    target.write_bytes(b"an older workbook")
    real_replace = os.replace

    def locked_replace(source, destination):
        if Path(destination) == target:
            raise PermissionError(13, "Permission denied")
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", locked_replace)
    with pytest.raises(QgsProcessingException, match=r"could not be put in place"):
        export_small(target, OVERWRITE=True)
    assert target.read_bytes() == b"an older workbook"
    assert safe_save.temporaries_in(tmp_path) == []


def test_cancelling_while_writing_leaves_nothing(plugin, analyses, tmp_path):
    target = tmp_path / "evaluation.xlsx"
    log = Log()
    progress: List[float] = []

    def cancel_in_writing(value: float) -> None:
        progress.append(value)
        if value > 85:  # scoring takes the first 80 %, writing the rest
            log.cancel()

    log.progressChanged.connect(cancel_in_writing)
    with pytest.raises(QgsProcessingException, match=r"Cancelled: nothing was written"):
        export(analyses, target, log)
    assert max(progress) > 85
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# Round trip: filled-in forms as manual scores
# --------------------------------------------------------------------------------------------


def test_filled_in_forms_are_read_back_as_manual_scores(plugin, analyses, tmp_path):
    blank = tmp_path / "evaluation.xlsx"
    export(analyses, blank)
    names = sample_names()
    rubric = load_rubric()
    book = openpyxl.load_workbook(blank)
    filled: Dict[tuple, float] = {}
    for community, share in (("SQ05", 1.0), ("SQ02", 0.5)):
        sheet = book[names[community]]
        for row in form_rows(sheet):
            if row["point_method"] == "manual":
                value = share * rubric.place_of(row["point_id"]).point.max_score
                sheet.cell(row["row"], SCORE_COLUMN).value = value
                filled[(community, row["point_id"])] = value
    computed = next(
        row for row in form_rows(book[names["SQ02"]]) if row["point_method"] != "manual"
    )
    book[names["SQ02"]].cell(computed["row"], SCORE_COLUMN).value = 99  # not read back
    filled_path = tmp_path / "filled.xlsx"
    book.save(filled_path)

    manual_csv = tmp_path / "manual.csv"
    with manual_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["community_id", "point_id", "score"])
        writer.writerows([(c, p, v) for (c, p), v in filled.items()])

    import processing

    log = Log()
    parameters = {
        **scoring_inputs(analyses),
        "MANUAL_SCORES": str(filled_path),
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
    }
    from_workbook = processing.run(SCORE, parameters, feedback=log)
    from_csv = score(analyses, MANUAL_SCORES=str(manual_csv))
    by_workbook = {row["community_id"]: row for row in records(from_workbook["OUTPUT"])}
    by_csv = {row["community_id"]: row for row in records(from_csv["OUTPUT"])}
    assert by_workbook == by_csv
    assert by_workbook["SQ05"]["n_pending"] == 0 and by_workbook["SQ02"]["n_pending"] == 0
    assert by_workbook["SQ01"]["n_pending"] == 25
    assert any("evaluation forms of workbook" in text and "50" in text for text in log.infos)
    changed = [text for text in log.warnings if "not read back" in text]
    assert len(changed) == 1 and f"cell F{computed['row']}" in changed[0]


def test_a_plain_sheet_of_manual_scores_in_an_xlsx_is_still_a_table(plugin, analyses, tmp_path):
    point = next(point for point in load_rubric().points() if point.is_manual)
    book = openpyxl.Workbook()
    book.active.append(["community_id", "point_id", "score"])
    book.active.append(["SQ01", point.id, point.max_score])
    path = tmp_path / "manual.xlsx"
    book.save(path)
    table = records(score(analyses, MANUAL_SCORES=str(path))["OUTPUT_TABLE"])
    row = next(r for r in table if (r["community_id"], r["point_id"]) == ("SQ01", point.id))
    assert row["score"] == point.max_score and row["status"] == "scored"


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def check_model_results(results: Dict[str, Any], workbook: Path, scores) -> None:
    names = sample_names()
    book = openpyxl.load_workbook(workbook, read_only=True)
    assert book.sheetnames == LISTS_ZH + list(names.values())
    totals = {row["community_id"]: row["total"] for row in records(scores)}
    for community_id, name in names.items():
        computed = [
            row["written_score"]
            for row in form_rows(book[name])
            if row["point_method"] != "manual" and row["written_score"] is not None
        ]
        assert sum(computed) == pytest.approx(totals[community_id], abs=1e-6)
    summary = next(book["汇总表"].iter_rows(min_row=4, max_row=4, values_only=True))
    assert summary[2] == names["SQ01"] and summary[3] == "西片区"  # default name fields
    book.close()
    assert QgsVectorLayer(results["facilitygap:GAPS"], "gaps", "ogr").featureCount() == 47


def test_the_model_runs_the_whole_chain(plugin, tmp_path):
    from qgis.core import QgsApplication

    import processing

    registry = QgsApplication.processingRegistry()
    model = registry.algorithmById(MODEL)
    assert model is not None and model.group() == "Evaluation"
    assert model.flags() & compat.ProcessingAlgorithmFlag.SupportsBatch
    outputs = {
        "exportworkbook:WORKBOOK": str(tmp_path / "evaluation.xlsx"),
        "facilitygap:GAPS": str(tmp_path / "gaps.gpkg"),
        "tieredprovision:PROVISION": str(tmp_path / "provision.csv"),
        "rubricscore:SCORES": str(tmp_path / "scores.gpkg"),
    }
    assert set(outputs) <= {d.name() for d in model.destinationParameterDefinitions()}
    results = processing.run(MODEL, {**MODEL_INPUTS, **outputs}, feedback=Log())
    assert {name: results[name] for name in outputs} == outputs
    check_model_results(results, tmp_path / "evaluation.xlsx", outputs["rubricscore:SCORES"])
    # The 说明 sheet names the earlier steps' outputs where they are now, not where the model
    # staged them while it ran.
    book = openpyxl.load_workbook(tmp_path / "evaluation.xlsx", read_only=True)
    about = "\n".join(
        str(value) for row in book["说明"].iter_rows(values_only=True) for value in row if value
    )
    book.close()
    assert outputs["facilitygap:GAPS"] in about and ".~cc-" not in about
    # The outputs not asked for were written to temporary files.
    assert results["facilitygap:GAP_SUMMARY"] and results["tieredprovision:COMMUNITY_SHORTFALLS"]


def test_the_model_runs_from_qgis_process(qgis_process_cli, tmp_path):
    assert MODEL in qgis_process_cli.algorithm_ids("completecommunity")
    outputs = {
        "exportworkbook:WORKBOOK": str(tmp_path / "evaluation.xlsx"),
        "facilitygap:GAPS": str(tmp_path / "gaps.gpkg"),
        "rubricscore:SCORES": str(tmp_path / "scores.gpkg"),
    }
    done, answer = qgis_process_cli.run_json(MODEL, {**MODEL_INPUTS, **outputs})
    assert done.returncode == 0, done.stderr[-3000:]
    results = answer["results"]
    check_model_results(results, tmp_path / "evaluation.xlsx", outputs["rubricscore:SCORES"])


def test_the_model_speaks_the_users_language(plugin):
    from qgis.core import QgsApplication

    from complete_community.i18n import install_translator

    registry = QgsApplication.processingRegistry()
    try:
        assert install_translator("zh_CN")
        model = registry.createAlgorithmById(MODEL)
        assert model.displayName() == "完整社区评价全流程"
        untranslated = [
            definition.description()
            for definition in model.parameterDefinitions()
            if not any("\u4e00" <= char <= "\u9fff" for char in definition.description())
        ]
        assert untranslated == []
        language = model.parameterDefinition("LANGUAGE")
        assert language.options() == ["中文", "英文"]
    finally:
        install_translator("en")
    assert registry.createAlgorithmById(MODEL).displayName() == "Complete community evaluation"


# --------------------------------------------------------------------------------------------
# 规划前后对比: the plan scenario's outputs
# --------------------------------------------------------------------------------------------


def scenario_outputs(analyses, folder: Path) -> Dict[str, Any]:
    """The plan scenario on the sample with one planned kindergarten at the point of a compound
    that lacks one (the hand-checked case of tests/test_plan_scenario.py), written to files."""
    from shapely.geometry import Point

    import processing
    from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project

    gaps = records(analyses["GAPS"])
    chosen = sorted(
        row["compound_id"]
        for row in gaps
        if row["ok_kindergarten"] == 0 and row.get("reason") is None
    )[0]
    compounds = QgsVectorLayer(layer_of("compounds"), "compounds", "ogr")
    feature = next(f for f in compounds.getFeatures() if f["compound_id"] == chosen)
    point = feature.geometry().pointOnSurface().asPoint()
    store = PlanStore.create(folder / "plan.gpkg", PlanInfo(name="幼儿园补短板"), "EPSG:32650")
    store.save(
        Changes(
            projects=(
                Project.new(
                    "P1",
                    "新建幼儿园",
                    "kindergarten",
                    "planned",
                    geometry=Point(point.x(), point.y()),
                ),
            )
        )
    )
    outputs = {
        name: str(folder / f"{name.lower()}.gpkg") for name in ("OUTPUT", "CHANGES", "COMPARISON")
    }
    processing.run(
        "completecommunity:planscenario",
        {**gap_parameters(outputs["OUTPUT"]), "PLAN_STORE": str(store.path), **outputs},
        feedback=Log(),
    )
    return {"chosen": chosen, "gaps": gaps, **outputs}


def scenario_table(sheet, heading: str) -> List[tuple]:
    """The numbered rows under the section heading starting with ``heading``."""
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    start = next(n for n, row in enumerate(rows) if str(row[0] or "").startswith(heading))
    table = []
    for row in rows[start + 2 :]:
        if not isinstance(row[0], int):
            break
        table.append(row)
    return table


def test_plan_scenario_makes_the_before_and_after_sheet(plugin, analyses, tmp_path):
    scenario = scenario_outputs(analyses, tmp_path)
    changes = records(scenario["CHANGES"])
    closed = [row for row in changes if row["gap_closed"] == 1]
    assert scenario["chosen"] in {row["unit_id"] for row in closed}
    population = {row["compound_id"]: row["population"] for row in scenario["gaps"]}
    gained = sum(population[row["unit_id"]] for row in closed)
    kindergarten = next(
        row for row in records(scenario["COMPARISON"]) if row["type_code"] == "kindergarten"
    )

    target = tmp_path / "evaluation.xlsx"
    export(
        analyses,
        target,
        SCENARIO_COMPARISON=scenario["COMPARISON"],
        SCENARIO_CHANGES=scenario["CHANGES"],
        GAPS_AFTER=scenario["OUTPUT"],
    )
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:6] == [
        "汇总表",
        "设施覆盖",
        "短板清单",
        "配置缺口",
        "规划前后对比",
        "说明",
    ]
    sheet = book["规划前后对比"]

    types = {row[2]: row for row in scenario_table(sheet, "一、")}
    row = types["kindergarten"]
    assert row[1] == "幼儿园" and row[3] == 300 and row[4] == 1  # one project added
    assert row[8] == pytest.approx(kindergarten["pop_covered_before"])
    assert row[10] == pytest.approx(gained) and gained > 0  # the people of the gaps closed
    assert row[7] == len(closed)
    assert all(
        other[4] == 0 and other[10] == 0 for code, other in types.items() if code != "kindergarten"
    )

    listed = {(row[3], row[5]): row for row in scenario_table(sheet, "三、")}
    assert len(listed) == len(changes)
    chosen = listed[(scenario["chosen"], "幼儿园")]
    community = next(
        r["community_id"] for r in scenario["gaps"] if r["compound_id"] == scenario["chosen"]
    )
    assert chosen[2] == sample_names()[community] and chosen[9] == "是"
    assert chosen[10] == population[scenario["chosen"]]

    # The scores after the plan are rubricscore's with the gap result after the plan.
    before = {r["community_id"]: r["total"] for r in records(score(analyses)["OUTPUT"])}
    after = {
        r["community_id"]: r["total"]
        for r in records(score(analyses, GAPS=scenario["OUTPUT"])["OUTPUT"])
    }
    scores = {row[1]: row for row in scenario_table(sheet, "二、")}
    assert set(scores) == set(before)
    for community_id, row in scores.items():
        assert row[4:7] == (
            pytest.approx(before[community_id]),
            pytest.approx(after[community_id]),
            pytest.approx(after[community_id] - before[community_id]),
        )


def test_plan_scenario_tables_are_checked(plugin, analyses, tmp_path):
    scenario = scenario_outputs(analyses, tmp_path)
    with pytest.raises(QgsProcessingException, match=r"no field 'n_projects'.*planscenario"):
        export(
            analyses,
            tmp_path / "a.xlsx",
            SCENARIO_COMPARISON=scenario["CHANGES"],
            SCENARIO_CHANGES=scenario["CHANGES"],
        )
    with pytest.raises(QgsProcessingException, match="Give both outputs"):
        export(analyses, tmp_path / "b.xlsx", SCENARIO_CHANGES=scenario["CHANGES"])
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
