"""The evaluation workbook: sheets, forms with formulas, names, injection, safe writing, split,
and reading filled-in forms back."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from xlsx_check import check_package, libreoffice_convert

from complete_community.scoring import atomic_files
from complete_community.scoring.errors import Cancelled, DataError
from complete_community.scoring.provision import ProvisionRow
from complete_community.scoring.rubric import (
    CommunityScore,
    ManualScore,
    Rubric,
    find_indicator,
    load_rubric,
    score_all,
)
from complete_community.scoring.workbook import (
    EDITED_FORMULA,
    EDITED_SCORE,
    MEASURE_TIME,
    UNKNOWN_POINT,
    CommunityInfo,
    CompoundGaps,
    GapTable,
    GapType,
    Map,
    ScenarioChangeRow,
    ScenarioData,
    ScenarioTypeRow,
    SheetNames,
    TypeDeficit,
    UnitDeficits,
    WorkbookData,
    WorkbookMetadata,
    deficits_from_provision,
    file_part,
    is_valid_sheet_name,
    read_manual_scores_from_workbook,
    safe_save,
    sheet_name,
    write_workbook,
    write_workbooks,
)
from complete_community.scoring.workbook.cells import INPUT_FILL

openpyxl = pytest.importorskip("openpyxl")

INJECTION = '=HYPERLINK("http://example.com/x","点我")'
LONG_ILLEGAL = "锁金村街道/锁金新村第一社区居民委员会[筹]*?：很长很长的名字"
DUPLICATE = "梅园新村社区"
SHEETS_ZH = ["汇总表", "设施覆盖", "短板清单", "配置缺口", "项目库", "说明"]
SHEETS_EN = ["Summary", "Coverage", "Gap list", "Provision deficits", "Project list", "About"]

# The built-in rubric: 6 categories, 23 items, 54 points, so the form's point rows are 8..61,
# the total row 62 and the grade row 63.
FIRST_ROW, TOTAL_ROW, GRADE_ROW = 8, 62, 63


# --------------------------------------------------------------------------------------------
# Test data: the real rubric, made-up indicators
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric()


def made_up_indicators(rubric: Rubric, level: float, drop: Tuple[str, ...] = ()) -> Dict:
    """Indicators all good (level >= 0.5) or all poor; ``drop`` leaves some without data."""
    values: Dict[str, Any] = {}
    for name in rubric.indicators():
        spec, _code = find_indicator(name)
        if spec.unit.startswith("share"):
            values[name] = level
        elif spec.unit == "1/0":
            values[name] = 1 if level >= 0.5 else 0
        elif spec.unit == "m²":
            values[name] = 0.0 if level >= 0.5 else 500.0
        else:
            values[name] = 0 if level >= 0.5 else 3
    for name in drop:
        values.pop(name)
    return values


def manual_ids(rubric: Rubric) -> List[str]:
    return [point.id for point in rubric.points() if point.is_manual]


def veto_manual_ids(rubric: Rubric) -> List[str]:
    """Manual veto points: scored 0 for C3, which makes it fail whatever its total."""
    return [point.id for point in rubric.points() if point.is_manual and point.veto]


def build_data(rubric: Rubric, language: str = "zh", projects: bool = True) -> WorkbookData:
    """Four communities in three 片区: one full marks, one with a missing indicator and some
    manual scores, one vetoed (no service station), one sharing a name with the first."""
    indicators = {
        "C1": made_up_indicators(rubric, 0.95),
        "C2": made_up_indicators(rubric, 0.7, drop=(rubric.indicators()[3],)),
        "C3": made_up_indicators(rubric, 0.2),
        "C4": made_up_indicators(rubric, 0.95),
    }
    manual = [
        ManualScore("C1", pid, rubric.place_of(pid).point.max_score) for pid in manual_ids(rubric)
    ]
    manual += [
        ManualScore("C2", pid, 0.5, evidence="现场核查", assessor="李四", date="2024-05-02")
        for pid in manual_ids(rubric)[:4]
    ]
    manual += [ManualScore("C3", pid, 0.0, evidence="未设置") for pid in veto_manual_ids(rubric)]
    scores = score_all(rubric, indicators, manual)
    communities = [
        CommunityInfo("C1", DUPLICATE, "玄武区"),
        CommunityInfo("C2", INJECTION, "玄武区"),
        CommunityInfo("C3", LONG_ILLEGAL, "秦淮区"),
        CommunityInfo("C4", DUPLICATE, "+鼓楼区"),
    ]
    gaps = GapTable(
        types=[
            GapType("kindergarten", "幼儿园", 300.0),
            GapType("clinic", "卫生站", 1000.0),
            GapType("pharmacy", "药店", 300.0, mandatory=False),
        ],
        compounds=[
            CompoundGaps(
                "U1", "-2+3 小区", 1200, (520.0, 400.0, 350.0), (False, True, False), "C1"
            ),
            CompoundGaps("U2", "锁金小区", 800, (None, 1500.0, None), (False, False, False), "C3"),
            CompoundGaps("U3", "红山小区", 500, (250.0, 900.0, 800.0), (True, True, False), "C4"),
            CompoundGaps("U4", "无人小区", None, (None, None, None), (None, None, None), "C4"),
        ],
    )  # fmt: skip
    deficits = [
        UnitDeficits(
            "community",
            "C3",
            LONG_ILLEGAL,
            9000.0,
            (TypeDeficit("elderly", "老年服务站", "missing", 1, 0, 1, 350.0, None),),
            community_id="C3",
        ),
        UnitDeficits(
            "district",
            "秦淮区",
            "秦淮区",
            30000.0,
            (
                TypeDeficit("school", "小学", "area_short", 2, 2, 0, None, 8000.0),
                TypeDeficit("market", "菜市场", "missing", 1, 0, 1, 1200.0, 1500.0),
            ),
            size_flag="too_small",
            district="秦淮区",
        ),
    ]
    project_rows = [
        {
            "project_id": "P1",
            "name": "@SUM(A1:A9)",
            "community_id": "C1",
            "year": 2024,
            "investment": 120.5,
        },
        {
            "project_id": "P2",
            "name": "锁金村养老服务站",
            "community_id": "C3",
            "year": 2025,
            "investment": 80,
        },
    ]
    metadata = WorkbookMetadata(
        title="南京市玄武区",
        standard_name="完整居住社区建设标准（试行）",
        standard_version="2020",
        data_sources={"小区": "OpenStreetMap 2021"},
        parameters={"SNAP_TOLERANCE": 50.0},
        date="2024-06-01",
        plugin_version="0.1.0",
    )
    return WorkbookData(
        rubric=rubric,
        scores=scores,
        communities=communities,
        gaps=gaps,
        deficits=deficits,
        projects=project_rows if projects else None,
        metadata=metadata,
        language=language,
    )


@pytest.fixture(scope="module")
def data(rubric: Rubric) -> WorkbookData:
    return build_data(rubric)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, data: WorkbookData) -> Path:
    return write_workbook(data, tmp_path_factory.mktemp("book") / "evaluation.xlsx")


@pytest.fixture(scope="module")
def book(written: Path) -> Any:
    return openpyxl.load_workbook(written)


def scores_by_id(data: WorkbookData) -> Dict[str, CommunityScore]:
    return {score.community_id: score for score in data.scores}


def form_of(book: Any, community_id: str) -> Any:
    """The evaluation sheet whose hidden id column holds ``community_id``."""
    for sheet in book.worksheets[len(SHEETS_ZH) :]:
        if sheet[f"M{FIRST_ROW}"].value == community_id:
            return sheet
    raise KeyError(community_id)


def spans(rubric: Rubric) -> Tuple[List[Tuple[str, int, int]], List[Tuple[str, int, int]]]:
    """Item and category row spans counted from the rubric (independently of the writer)."""
    items, categories, row = [], [], FIRST_ROW
    for category in rubric.categories:
        first = row
        for item in category.items:
            items.append((item.id, row, row + len(item.points) - 1))
            row += len(item.points)
        categories.append((category.id, first, row - 1))
    return items, categories


def manual_rows(rubric: Rubric) -> Dict[str, int]:
    rows = {point.id: FIRST_ROW + index for index, point in enumerate(rubric.points())}
    return {pid: rows[pid] for pid in manual_ids(rubric)}


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def test_sheet_names_follow_excel_rules() -> None:
    names = SheetNames(["汇总表"])
    given = [
        "汇总表",
        LONG_ILLEGAL,
        DUPLICATE,
        DUPLICATE,
        "Abc",
        "ABC",
        "History",
        "",
        "'引号'",
        "𠮷" * 20,
        "a\tb\nc",
        "x" * 40,
        "x" * 40,
    ]
    claimed = [names.claim(name, fallback="C9") for name in given]
    assert claimed[0] == "汇总表 (2)"
    assert claimed[1] == "锁金村街道_锁金新村第一社区居民委员会_筹___：很长很长的名字"[:31]
    assert claimed[2:4] == [DUPLICATE, DUPLICATE + " (2)"]
    assert claimed[4:6] == ["Abc", "ABC (2)"]
    assert claimed[6] == "History C9"
    assert claimed[7] == "C9"
    assert claimed[8] == "引号"
    assert claimed[9] == "𠮷" * 15  # 30 UTF-16 units: one more would be 32
    assert claimed[10] == "a b c"
    assert claimed[11] == "x" * 31
    assert claimed[12] == "x" * 27 + " (2)"
    assert all(is_valid_sheet_name(name) for name in claimed)
    folded = [name.casefold() for name in claimed] + ["汇总表"]
    assert len(set(folded)) == len(folded)


def test_sheet_names_are_accepted_by_openpyxl(tmp_path: Path) -> None:
    names = [sheet_name(name) for name in (LONG_ILLEGAL, INJECTION, "a[1]:b", "History")]
    workbook = openpyxl.Workbook()
    for name in names:
        workbook.create_sheet(name)
    workbook.save(tmp_path / "names.xlsx")
    assert openpyxl.load_workbook(tmp_path / "names.xlsx").sheetnames[1:] == names


def test_file_parts_are_valid_everywhere_and_unique() -> None:
    from complete_community.scoring.workbook.names import FileParts

    parts = FileParts()
    assert [parts.claim(name) for name in ("玄武区/东", "CON", "a", "A", " . ", 'x<>:"|?*')] == [
        "玄武区_东",
        "_CON",
        "a",
        "A (2)",
        "unnamed",
        "x_______",
    ]
    assert file_part(None, fallback="未分片区") == "未分片区"


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------


def test_the_package_has_what_excel_requires(written: Path, tmp_path: Path, rubric: Rubric) -> None:
    """Parts, content types, relationships, style and string indexes, element order, merged
    ranges: what Excel checks before it opens a workbook without offering to repair it."""
    check_package(written)
    check_package(write_workbook(build_data(rubric, language="en"), tmp_path / "en.xlsx"))
    check_package(write_workbook(scenario_data(rubric), tmp_path / "plan.xlsx"))
    for path in write_workbooks(build_data(rubric), tmp_path / "split.xlsx", "district"):
        check_package(path)


def _png(width: int, height: int) -> bytes:
    """A real PNG of one colour, made with the standard library only."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_maps_are_placed_below_the_summary_and_a_form_and_printed(
    tmp_path: Path, rubric: Rubric
) -> None:
    data = build_data(rubric)
    data.summary_maps = [Map(_png(300, 200), 300, 200, "全区")]
    data.form_maps = {"C3": [Map(_png(400, 250), 400, 250, "C3 地图")]}
    path = write_workbook(data, tmp_path / "maps.xlsx")
    check_package(path)
    book = openpyxl.load_workbook(path)
    summary, form = book["汇总表"], form_of(book, "C3")
    assert [len(sheet._images) for sheet in (summary, form, form_of(book, "C1"))] == [1, 1, 0]
    picture = form._images[0]
    assert picture.anchor._from.row == GRADE_ROW + 1  # 0-based: the row after a blank one
    assert (picture.width, picture.height) == (400, 250)
    area = form.print_area[0] if isinstance(form.print_area, list) else form.print_area
    rows = -(-250 // 20)  # the picture's height in rows of the default height
    assert area.split("!")[-1] == f"$A$1:$L${GRADE_ROW + 1 + rows}"


def test_the_package_check_finds_what_excel_would_repair(tmp_path: Path) -> None:
    from complete_community.scoring.workbook.xlsx import Package

    path = tmp_path / "overlap.xlsx"
    with open(path, "wb") as handle:
        package = Package(handle)
        with package.sheet("a") as sheet:
            sheet.append([("x", 0), ("y", 0)])
            sheet.merge(1, 1, 1, 2)
            sheet.merge(1, 2, 2, 2)
        package.close()
    with pytest.raises(AssertionError, match="overlaps"):
        check_package(path)


def test_sheets_in_order_with_one_form_per_community(book: Any) -> None:
    forms = book.sheetnames[len(SHEETS_ZH) :]
    assert book.sheetnames[: len(SHEETS_ZH)] == SHEETS_ZH
    assert forms == [
        DUPLICATE,
        sheet_name(INJECTION),
        sheet_name(LONG_ILLEGAL),
        DUPLICATE + " (2)",
    ]
    assert [book[name][f"M{FIRST_ROW}"].value for name in forms] == ["C1", "C2", "C3", "C4"]


def test_form_merges_category_and_item_cells(book: Any, rubric: Rubric) -> None:
    merged = {str(cell_range) for cell_range in form_of(book, "C1").merged_cells.ranges}
    items, categories = spans(rubric)
    assert (items[0][1], items[0][2]) == (8, 10)  # 1.1 has three points
    for _id, first, last in items:
        if last > first:
            assert {f"B{first}:B{last}", f"K{first}:K{last}"} <= merged
    for _id, first, last in categories:
        assert {f"A{first}:A{last}", f"L{first}:L{last}"} <= merged
    assert {"A1:L1", "B2:D2", "A6:L6", f"A{TOTAL_ROW}:D{TOTAL_ROW}"} <= merged


def test_subtotals_total_and_grade_are_formulas(book: Any, rubric: Rubric) -> None:
    sheet = form_of(book, "C1")
    items, categories = spans(rubric)
    for _id, first, last in items:
        assert sheet[f"K{first}"].value == f"=SUM(F{first}:F{last})"
    for _id, first, last in categories:
        assert sheet[f"L{first}"].value == f"=SUM(F{first}:F{last})"
    assert sheet[f"F{TOTAL_ROW}"].value == f"=SUM(F{FIRST_ROW}:F{TOTAL_ROW - 1})"
    assert sheet[f"E{TOTAL_ROW}"].value == f"=SUM(E{FIRST_ROW}:E{TOTAL_ROW - 1})"
    grade = sheet[f"E{GRADE_ROW}"].value
    veto_rows = [
        row
        for pid, row in zip([p.id for p in rubric.points()], range(8, 62))
        if rubric.place_of(pid).point.veto
    ]
    assert (
        grade.startswith("=IF(OR(") and f"AND(ISNUMBER(F{veto_rows[0]}),F{veto_rows[0]}=0)" in grade
    )
    assert (
        'IF(ROUND(F62,6)>=90,"优秀",IF(ROUND(F62,6)>=80,"良好",IF(ROUND(F62,6)>=60,"合格","不合格")))'
        in grade
    )
    assert sheet["B4"].value == f"=F{TOTAL_ROW}"
    assert sheet["H4"].value == f"=E{GRADE_ROW}"
    assert sheet["K4"].value == f"=COUNTBLANK(F{FIRST_ROW}:F{TOTAL_ROW - 1})"


def test_form_values_and_hidden_id_columns(book: Any, data: WorkbookData, rubric: Rubric) -> None:
    sheet = form_of(book, "C2")
    score = scores_by_id(data)["C2"]
    for index, point in enumerate(rubric.points()):
        row = FIRST_ROW + index
        result = score.point(point.id)
        assert (sheet[f"C{row}"].value, sheet[f"N{row}"].value) == (point.id, point.id)
        assert sheet[f"M{row}"].value == "C2"
        assert sheet[f"O{row}"].value == point.method
        assert sheet[f"F{row}"].value == result.score
        assert sheet[f"P{row}"].value == (None if point.is_manual else result.score)
    for key in "MNOP":
        assert sheet.column_dimensions[key].hidden
    assert not sheet.column_dimensions["G"].hidden
    assert (sheet["B2"].value, sheet["H2"].value, sheet["K2"].value) == (INJECTION, "玄武区", "C2")
    assert (sheet["B5"].value, sheet["H5"].value.date().isoformat()) == ("李四", "2024-05-02")


def test_manual_cells_are_unlocked_highlighted_and_validated(book: Any, rubric: Rubric) -> None:
    sheet = form_of(book, "C3")
    rows = manual_rows(rubric)
    assert sheet.protection.sheet
    for row in rows.values():
        cell = sheet[f"F{row}"]
        assert not cell.protection.locked
        assert cell.fill.start_color.rgb.endswith(INPUT_FILL)
        assert not sheet[f"J{row}"].protection.locked
    computed_row = FIRST_ROW  # 1.1.1 is computed
    assert sheet[f"F{computed_row}"].protection.locked
    validated: Dict[str, Tuple[str, str, str]] = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            for (cell,) in (
                sheet[str(cell_range)] if ":" in str(cell_range) else ((sheet[str(cell_range)],),)
            ):
                validated[cell.coordinate] = (
                    validation.type,
                    validation.formula1,
                    validation.formula2,
                )
    expected = {
        f"F{row}": ("decimal", "0", _number_text(rubric.place_of(pid).point.max_score))
        for pid, row in rows.items()
    }
    assert validated == expected


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def test_print_setup(book: Any) -> None:
    for sheet, rows, landscape in (
        (book["汇总表"], "$3:$3", True),
        (form_of(book, "C1"), "$7:$7", True),
        (book["短板清单"], "$4:$4", True),
        (book["说明"], None, False),
    ):
        assert sheet.print_title_rows == rows
        assert sheet.page_setup.paperSize in (9, "9")
        assert sheet.page_setup.orientation == ("landscape" if landscape else "portrait")
        assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    area = form_of(book, "C1").print_area  # a list in openpyxl 3.0, text with the sheet in 3.1
    area = area[0] if isinstance(area, list) else area
    assert area.split("!")[-1] == f"$A$1:$L${GRADE_ROW}"


def _rules(sheet: Any) -> Dict[str, List[List[str]]]:
    found: Dict[str, List[List[str]]] = {}
    for conditional in sheet.conditional_formatting:
        for rule in conditional.rules:
            found.setdefault(str(conditional.sqref), []).append(list(rule.formula))
    return found


def test_grade_colours_are_conditional_formats(book: Any) -> None:
    grades = [['"优秀"'], ['"良好"'], ['"合格"'], ['"不合格"']]
    summary = _rules(book["汇总表"])
    assert summary["L4:L7"] == grades  # 4 fixed columns + 6 categories + total = column L
    assert summary["O4:O7"] == [['"是"']]  # provisional
    assert summary["P4:P7"] == [['"是"']]  # veto
    form = _rules(form_of(book, "C1"))
    assert form[f"E{GRADE_ROW} H4"] == grades


def test_summary_lists_communities_with_formulas_to_their_forms(
    book: Any, data: WorkbookData
) -> None:
    sheet = book["汇总表"]
    assert sheet.freeze_panes == "E4"
    assert sheet.auto_filter.ref == "A3:P7"
    assert [sheet.cell(3, column).value for column in (1, 2, 3, 11, 12, 13, 14, 15, 16)] == [
        "序号",
        "社区编号",
        "社区名称",
        "总分（100分）",
        "等级",
        "排名",
        "待评项数",
        "暂定",
        "一票否决",
    ]
    assert sheet["E3"].value == "1 基本公共服务设施（26分）"
    for row, community in zip(range(4, 8), ("C1", "C2", "C3", "C4")):
        form = form_of(book, community).title
        ref = "'" + form.replace("'", "''") + "'!"
        assert sheet[f"B{row}"].value == community
        assert sheet[f"E{row}"].value == f"={ref}L8"
        assert sheet[f"K{row}"].value == f"={ref}F{TOTAL_ROW}"
        assert sheet[f"L{row}"].value == f"={ref}E{GRADE_ROW}"
        assert sheet[f"M{row}"].value == f"=RANK(K{row},$K$4:$K$7)"
        assert sheet[f"C{row}"].hyperlink.location == f"{ref}A1"


def test_text_from_data_is_never_a_formula(book: Any) -> None:
    cells = [
        book["汇总表"]["C5"],
        form_of(book, "C2")["B2"],
        book["汇总表"]["D7"],
        book["短板清单"]["E5"],
        book["项目库"]["C5"],
    ]
    assert [cell.value for cell in cells] == [
        INJECTION,
        INJECTION,
        "+鼓楼区",
        "-2+3 小区",
        "@SUM(A1:A9)",
    ]
    assert all(cell.data_type == "s" for cell in cells)


def list_rows(sheet: Any) -> List[List[Any]]:
    """The data rows of a list sheet: those under the header (row 4) numbered in column A."""
    return [
        list(row) for row in sheet.iter_rows(min_row=5, values_only=True) if isinstance(row[0], int)
    ]


def header_of(sheet: Any) -> List[Any]:
    return [cell.value for cell in sheet[4]]


def test_gap_list_has_one_row_per_compound_lacking_a_required_type(
    book: Any, data: WorkbookData
) -> None:
    """Compounds lacking a mandatory type are listed once each (U1, U2), with their residents,
    the types they lack and the distances where they lack them; U3 lacks only an optional type
    and U4 could not be judged (no geometry): neither is listed."""
    gaps = book["短板清单"]
    header = header_of(gaps)
    assert header[:8] == [
        "序号", "所属片区", "社区名称", "小区编号", "小区名称", "人口", "缺项数",
        "缺少的应配建设施",
    ]  # fmt: skip
    # One column per required type some listed compound lacks: not the optional 药店.
    assert [text.split("\n")[0] for text in header[8:]] == ["幼儿园", "卫生站"]
    assert header[8] == "幼儿园\n≤300米"
    rows = list_rows(gaps)
    expected = []
    table = data.gaps
    required = [n for n, kind in enumerate(table.types) if kind.mandatory]
    for compound in table.compounds:
        missing = [n for n in required if compound.covered[n] is False]
        if missing:
            expected.append((compound.unit_id, compound.population, len(missing)))
    assert [(row[3], row[5], row[6]) for row in rows] == expected
    assert rows[0][:9] == [1, "玄武区", DUPLICATE, "U1", "-2+3 小区", 1200, 1, "幼儿园", 520]
    assert rows[0][9] is None  # U1 has a clinic within 1,000 m
    assert rows[1][7:10] == ["幼儿园；卫生站", "不可达", 1500]
    # The filtered total adds residents over compounds, each counted once.
    assert gaps["F3"].value == "=SUBTOTAL(109,F5:F6)"
    assert gaps.auto_filter.ref == "A4:J6"
    assert gaps.freeze_panes == "A5"


def test_a_type_nobody_can_reach_is_named_once_not_given_a_column(
    tmp_path: Path, rubric: Rubric
) -> None:
    data = build_data(rubric)
    kinds = [*data.gaps.types, GapType("nursery", "托儿所", 300.0)]
    data.gaps = GapTable(
        kinds,
        [
            dataclasses.replace(
                c, nearest=(*c.nearest, None), covered=(*c.covered, c.covered[0] and False)
            )
            for c in data.gaps.compounds
        ],
    )
    sheet = openpyxl.load_workbook(write_workbook(data, tmp_path / "a.xlsx"))["短板清单"]
    assert "托儿所" in sheet["A2"].value
    assert [text.split("\n")[0] for text in header_of(sheet)[8:]] == ["幼儿园", "卫生站"]
    rows = list_rows(sheet)
    assert [row[3] for row in rows] == ["U1", "U2", "U3"]  # U3 now lacks a nursery
    assert [row[6] for row in rows] == [2, 3, 1]
    assert rows[0][7] == "幼儿园；另全域缺失1类" and rows[2][7] == "另全域缺失1类"


def test_a_gap_list_in_walking_time_shows_minutes(tmp_path: Path, rubric: Rubric) -> None:
    data = build_data(rubric)
    kinds = [
        dataclasses.replace(data.gaps.types[0], minutes=5.0),
        *data.gaps.types[1:],
    ]
    minutes = [
        dataclasses.replace(c, nearest=tuple(None if d is None else d / 60 for d in c.nearest))
        for c in data.gaps.compounds
    ]
    data.gaps = GapTable(kinds, minutes, measure=MEASURE_TIME)
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "time.xlsx"))
    sheet = book["短板清单"]
    assert "步行时间（分钟）" in sheet["A2"].value
    assert header_of(sheet)[8:] == ["幼儿园\n≤5分钟", "卫生站\n（分钟）"]  # no minutes given
    first = list_rows(sheet)[0]
    assert first[8] == pytest.approx(520 / 60) and sheet["I5"].number_format == "0.0"
    coverage = book["设施覆盖"]
    assert header_of(coverage)[4] == "步行时间（分钟）"
    assert [row[4] for row in list_rows(coverage)] == [5, None, None]


def test_coverage_counts_people_per_type_never_over_types(book: Any, data: WorkbookData) -> None:
    sheet = book["设施覆盖"]
    rows = {row[2]: row for row in list_rows(sheet)}
    assert list(rows) == ["kindergarten", "clinic", "pharmacy"]
    for position, kind in enumerate(data.gaps.types):
        judged = [c for c in data.gaps.compounds if c.covered[position] is not None]
        out = [c for c in judged if not c.covered[position]]
        people_in = sum(c.population or 0 for c in judged if c.covered[position])
        people_out = sum(c.population or 0 for c in out)
        row = rows[kind.code]
        assert row[5:10] == [
            len(judged),
            len(out),
            people_in,
            people_out,
            pytest.approx(people_in / (people_in + people_out)),
        ], kind.code
    assert rows["pharmacy"][3] == "宜配置" and rows["clinic"][3] == "应配建"
    # No total over types: the people of U2 lack two types and would count twice.
    assert all("SUBTOTAL" not in str(cell.value) for cell in sheet[3])


def test_deficit_list_has_one_row_per_unit(book: Any, data: WorkbookData) -> None:
    deficits = book["配置缺口"]
    rows = list_rows(deficits)
    assert [row[3] for row in rows] == [unit.unit_id for unit in data.deficits]
    assert rows[0][1:12] == [
        "秦淮区", "社区", "C3", LONG_ILLEGAL, 9000, None, 1, 1, 350, None,
        "老年服务站（缺1处，建筑面积缺350m²）",
    ]  # fmt: skip
    # A district short of two types: their counts and areas added, the types in words.
    assert rows[1][5:12] == [
        30000, "偏小", 2, 1, 1200, 9500,
        "小学（用地缺8,000m²）；菜市场（缺1处，建筑面积缺1,200m²，用地缺1,500m²）",
    ]  # fmt: skip
    assert deficits["I3"].value == "=SUBTOTAL(109,I5:I6)"


def test_list_sheets_print_on_a4_landscape_with_their_header_on_every_page(book: Any) -> None:
    """Fitted to the page width, as many pages down as needed; the coverage of the standard's
    few dozen types on one page."""
    for name, pages_tall in (("设施覆盖", 1), ("短板清单", 0), ("配置缺口", 0), ("项目库", 0)):
        sheet = book[name]
        assert sheet.print_title_rows == "$4:$4", name
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize in (9, "9")
        fit = (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight))
        assert fit == (1, pages_tall), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_about_sheet(book: Any, rubric: Rubric) -> None:
    values = [row[1] for row in book["说明"].iter_rows(min_row=4, values_only=True)]
    assert "完整社区评价细则（内置模板）（版本 1.0）" in values
    assert "6 大类、23 项、54 个评分点，满分 100 分" in values
    assert "完整居住社区建设标准（试行）（版本 2020）" in values
    assert "小区：OpenStreetMap 2021" in values and "SNAP_TOLERANCE = 50" in values
    assert "2024-06-01" in values and "完整社区规划工具箱（QGIS 插件）0.1.0" in values


def test_english_workbook(tmp_path: Path, rubric: Rubric) -> None:
    path = write_workbook(build_data(rubric, language="en"), tmp_path / "en.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[: len(SHEETS_EN)] == SHEETS_EN
    sheet = form_of(book, "C1")
    assert [sheet.cell(7, column).value for column in range(1, 7)] == [
        "Category",
        "Item",
        "No.",
        "Scoring point",
        "Max",
        "Score",
    ]
    assert '"Excellent"' in sheet[f"E{GRADE_ROW}"].value
    assert sheet["A2"].value == "Community"


def test_without_projects_there_is_no_project_sheet(tmp_path: Path, rubric: Rubric) -> None:
    path = write_workbook(build_data(rubric, projects=False), tmp_path / "x")
    assert path.name == "x.xlsx"
    assert "项目库" not in openpyxl.load_workbook(path).sheetnames


def test_bad_inputs_are_refused(tmp_path: Path, rubric: Rubric) -> None:
    with pytest.raises(DataError, match="language 'fr'"):
        write_workbook(build_data(rubric, language="fr"), tmp_path / "a.xlsx")
    with pytest.raises(DataError, match=r"must end in \.xlsx"):
        write_workbook(build_data(rubric), tmp_path / "a.xls")
    with pytest.raises(DataError, match="'C9' is chosen"):
        write_workbooks(build_data(rubric), tmp_path / "a.xlsx", split_by=["C1", "C9"])
    with pytest.raises(DataError, match="by 'street'"):
        write_workbooks(build_data(rubric), tmp_path / "a.xlsx", split_by="street")
    twice = build_data(rubric)
    twice.scores = [*twice.scores, twice.scores[0]]
    with pytest.raises(DataError, match="'C1' is scored twice"):
        write_workbook(twice, tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_writing_needs_no_openpyxl_and_reading_says_what_to_install(
    tmp_path: Path, rubric: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = write_workbook(build_data(rubric), tmp_path / "a.xlsx")
    with pytest.raises(DataError, match="python3-openpyxl"):
        read_manual_scores_from_workbook(path, rubric)
    monkeypatch.undo()
    assert openpyxl.load_workbook(path).sheetnames[: len(SHEETS_ZH)] == SHEETS_ZH


# --------------------------------------------------------------------------------------------
# Split
# --------------------------------------------------------------------------------------------


def test_split_by_district(tmp_path: Path, data: WorkbookData) -> None:
    paths = write_workbooks(data, tmp_path / "evaluation.xlsx", split_by="district")
    assert [path.name for path in paths] == [
        "evaluation_玄武区.xlsx",
        "evaluation_秦淮区.xlsx",
        "evaluation_+鼓楼区.xlsx",
    ]
    assert sorted(tmp_path.iterdir()) == sorted(paths)
    listed = {}
    for path in paths:
        book = openpyxl.load_workbook(path)
        summary = book["汇总表"]
        listed[path.name] = [
            row[1]
            for row in summary.iter_rows(min_row=4, values_only=True)
            if isinstance(row[0], int)
        ]
        forms = [book[name][f"M{FIRST_ROW}"].value for name in book.sheetnames[len(SHEETS_ZH) :]]
        assert forms == listed[path.name]
        listed[path.name + " gaps"] = [row[3] for row in list_rows(book["短板清单"])]
    assert listed == {
        "evaluation_玄武区.xlsx": ["C1", "C2"],
        "evaluation_玄武区.xlsx gaps": ["U1"],
        "evaluation_秦淮区.xlsx": ["C3"],
        "evaluation_秦淮区.xlsx gaps": ["U2"],
        "evaluation_+鼓楼区.xlsx": ["C4"],
        "evaluation_+鼓楼区.xlsx gaps": [],  # U3 lacks an optional type only
    }
    deficits = openpyxl.load_workbook(paths[1])["配置缺口"]
    assert [row[3] for row in list_rows(deficits)] == ["C3", "秦淮区"]


def test_split_by_chosen_communities(tmp_path: Path, data: WorkbookData) -> None:
    path = write_workbooks(data, tmp_path / "chosen.xlsx", split_by=["C3"])[0]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[len(SHEETS_ZH) :] == [sheet_name(LONG_ILLEGAL)]
    summary = book["汇总表"]
    scores = scores_by_id(data)
    for row, community in zip(range(4, 8), ("C1", "C2", "C3", "C4")):
        total = summary[f"K{row}"].value
        if community == "C3":
            assert total == f"='{sheet_name(LONG_ILLEGAL)}'!F{TOTAL_ROW}"
        else:  # no form in this workbook: the value, and the grade in words
            assert total == pytest.approx(scores[community].total)
            assert summary[f"L{row}"].value == scores[community].grade.name.zh


# --------------------------------------------------------------------------------------------
# Safe writing
# --------------------------------------------------------------------------------------------


def test_existing_file_is_kept_without_overwrite(tmp_path: Path, data: WorkbookData) -> None:
    target = tmp_path / "evaluation.xlsx"
    target.write_bytes(b"old workbook")
    with pytest.raises(DataError, match="already exists") as caught:
        write_workbook(data, target)
    assert str(target) in str(caught.value)
    assert target.read_bytes() == b"old workbook"
    write_workbook(data, target, overwrite=True)
    assert openpyxl.load_workbook(target).sheetnames[0] == "汇总表"
    assert sorted(tmp_path.iterdir()) == [target]


def test_split_refuses_before_writing_any_file(tmp_path: Path, data: WorkbookData) -> None:
    (tmp_path / "evaluation_秦淮区.xlsx").write_bytes(b"old")
    with pytest.raises(DataError, match=r"秦淮区\.xlsx already exists"):
        write_workbooks(data, tmp_path / "evaluation.xlsx", split_by="district")
    assert [path.name for path in tmp_path.iterdir()] == ["evaluation_秦淮区.xlsx"]


def test_read_only_folder_leaves_the_old_file(
    tmp_path: Path, data: WorkbookData, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "evaluation.xlsx"
    target.write_bytes(b"old workbook")
    os.chmod(tmp_path, 0o555)
    try:
        if os.access(tmp_path, os.W_OK):  # root ignores permissions: fail as the OS would
            real_open = open

            def read_only_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
                if "x" in mode or "w" in mode:
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, mode, *args, **kwargs)

            monkeypatch.setattr(safe_save, "open", read_only_open, raising=False)
        with pytest.raises(DataError, match="could not be written") as caught:
            write_workbook(data, target, overwrite=True)
    finally:
        os.chmod(tmp_path, 0o755)
    assert str(target) in str(caught.value)
    assert target.read_bytes() == b"old workbook"
    assert list(tmp_path.iterdir()) == [target]


def test_locked_file_leaves_the_old_file(
    tmp_path: Path, data: WorkbookData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a workbook open in Excel: os.replace raises."""
    target = tmp_path / "evaluation.xlsx"
    target.write_bytes(b"old workbook")

    def locked(source: Any, destination: Any) -> None:
        raise PermissionError(13, "The process cannot access the file", str(destination))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(DataError, match="could not be put in place") as caught:
        write_workbook(data, target, overwrite=True)
    assert str(target) in str(caught.value)
    assert target.read_bytes() == b"old workbook"
    assert list(tmp_path.iterdir()) == [target]


def test_file_open_in_another_program_is_refused_before_writing(
    tmp_path: Path, data: WorkbookData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check before writing: a file that cannot be opened for update (held open by Excel
    on Windows, read-only) is reported at once, not after the workbook is built."""
    target = tmp_path / "evaluation.xlsx"
    target.write_bytes(b"old workbook")
    real_open = open
    opened: List[str] = []

    def held_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened.append(mode)
        if mode == "r+b":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(atomic_files, "open", held_open, raising=False)
    with pytest.raises(DataError, match="cannot be replaced: Permission denied") as caught:
        write_workbook(data, target, overwrite=True)
    assert str(target) in str(caught.value)
    assert opened == ["r+b"]  # refused before any temporary file was made
    assert target.read_bytes() == b"old workbook"
    assert list(tmp_path.iterdir()) == [target]


class StopAfter:
    """A feedback that asks to cancel after ``calls`` checks."""

    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.progress: List[float] = []

    def is_cancelled(self) -> bool:
        self.calls -= 1
        return self.calls < 0

    def set_progress(self, fraction: float) -> None:
        self.progress.append(fraction)


@pytest.mark.parametrize("calls", [0, 3, 8, 14])
def test_cancel_leaves_nothing_behind(tmp_path: Path, data: WorkbookData, calls: int) -> None:
    old = tmp_path / "evaluation_玄武区.xlsx"
    old.write_bytes(b"old")
    feedback = StopAfter(calls)
    with pytest.raises(Cancelled):
        write_workbooks(
            data, tmp_path / "evaluation.xlsx", "district", overwrite=True, feedback=feedback
        )
    assert list(tmp_path.iterdir()) == [old]
    assert old.read_bytes() == b"old"
    assert feedback.progress == sorted(feedback.progress)


def test_progress_reaches_one(tmp_path: Path, data: WorkbookData) -> None:
    feedback = StopAfter(10**6)
    write_workbook(data, tmp_path / "a.xlsx", feedback=feedback)
    assert feedback.progress[-1] == 1.0 and feedback.progress == sorted(feedback.progress)


# --------------------------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------------------------


def _fill(
    path: Path,
    out: Path,
    community: str,
    scores: Dict[str, float],
    rubric: Rubric,
    rename: bool = True,
) -> None:
    book = openpyxl.load_workbook(path)
    sheet = form_of(book, community)
    rows = manual_rows(rubric)
    for pid, score in scores.items():
        sheet[f"F{rows[pid]}"] = score
        sheet[f"J{rows[pid]}"] = f"依据 {pid}"
    sheet["B5"] = "王五"
    sheet["H5"] = "2024-07-01"
    if rename:  # matching must use the hidden ids, not sheet names or order
        sheet.title = "已填写"  # (openpyxl, unlike Excel, leaves the summary's references)
        book.move_sheet(sheet, offset=-3)
    book.save(out)


def test_round_trip_of_filled_manual_cells(
    tmp_path: Path, written: Path, data: WorkbookData, rubric: Rubric
) -> None:
    pending = manual_ids(rubric)[:3]
    filled = {pending[0]: 1.0, pending[1]: 0.5, pending[2]: 0.0}
    out = tmp_path / "filled.xlsx"
    _fill(written, out, "C3", filled, rubric)
    result = read_manual_scores_from_workbook(out, rubric)
    assert result.edited == []
    c3 = [row for row in result.scores if row.community_id == "C3"]
    vetoed = [
        ManualScore("C3", pid, 0.0, "未设置", "王五", "2024-07-01")
        for pid in veto_manual_ids(rubric)
    ]
    assert (
        c3
        == [
            ManualScore("C3", pid, score, f"依据 {pid}", "王五", "2024-07-01")
            for pid, score in filled.items()
        ]
        + vetoed
    )  # in sheet order: the veto points come late in the rubric
    # What was written comes back too: C1's full marks, C2's four scores with their evidence.
    c1 = {row.point_id: row.score for row in result.scores if row.community_id == "C1"}
    assert c1 == {pid: rubric.place_of(pid).point.max_score for pid in manual_ids(rubric)}
    c2 = [row for row in result.scores if row.community_id == "C2"]
    assert [(row.score, row.evidence, row.assessor) for row in c2] == [
        (0.5, "现场核查", "李四")
    ] * 4
    # Re-scored with the rows read back, C3 gains exactly the scores filled in.
    before = scores_by_id(data)["C3"]
    indicators = {"C3": made_up_indicators(rubric, 0.2)}
    after = score_all(rubric, indicators, c3)[0]
    assert after.total == pytest.approx(before.total + sum(filled.values()))
    assert after.n_pending == before.n_pending - 3
    assert after.vetoed_by == before.vetoed_by == tuple(veto_manual_ids(rubric))


def test_edited_computed_cells_are_reported_not_imported(
    tmp_path: Path, written: Path, rubric: Rubric
) -> None:
    book = openpyxl.load_workbook(written)
    sheet = form_of(book, "C1")
    items, _categories = spans(rubric)
    sheet["F8"] = 0  # 1.1.1, computed (yes/no), written as 2
    sheet[f"K{items[1][1]}"] = 5  # the subtotal of item 1.2, typed over its formula
    sheet[f"N{FIRST_ROW + 1}"] = "9.9.9"  # a point id the rubric lacks
    out = tmp_path / "edited.xlsx"
    book.save(out)
    result = read_manual_scores_from_workbook(out, rubric)
    kinds = [
        (edit.kind, edit.cell, edit.point_id, edit.written, edit.found) for edit in result.edited
    ]
    assert kinds == [
        (EDITED_SCORE, "F8", "1.1.1", 2, 0),
        (UNKNOWN_POINT, "F9", "9.9.9", None, 2),
        (EDITED_FORMULA, f"K{items[1][1]}", "", f"=SUM(F{items[1][1]}:F{items[1][2]})", 5),
    ]
    assert all(edit.community_id == "C1" and edit.sheet == DUPLICATE for edit in result.edited)
    message = str(result.edited[0].problem())
    assert "cell F8" in message and "from 2 to 0" in message and str(out) in message
    assert not any(row.point_id in ("1.1.1", "9.9.9") for row in result.scores)


def test_formulas_a_spreadsheet_rewrites_are_not_edits(
    tmp_path: Path, written: Path, rubric: Rubric
) -> None:
    """LibreOffice 24 and later saves a one-cell sum =SUM(F38:F38) as =SUM(F38), and may
    write $ signs and lower case; none of that is a changed formula."""
    book = openpyxl.load_workbook(written)
    sheet = form_of(book, "C1")
    items, _categories = spans(rubric)
    single = next((first, last) for _id, first, last in items if first == last)
    sheet[f"K{single[0]}"] = f"=SUM(F{single[0]})"
    sheet[f"F{TOTAL_ROW}"] = f"=sum($F${FIRST_ROW}:$F${TOTAL_ROW - 1})"
    out = tmp_path / "rewritten.xlsx"
    book.save(out)
    assert read_manual_scores_from_workbook(out, rubric).edited == []


@pytest.mark.parametrize(
    ("value", "message"),
    [(7, "outside 0 to the point's maximum 1"), ("很好", "'很好' is not a number")],
)
def test_bad_manual_score_names_the_cell(
    tmp_path: Path, written: Path, rubric: Rubric, value: Any, message: str
) -> None:
    book = openpyxl.load_workbook(written)
    sheet = form_of(book, "C3")
    pid = next(pid for pid in manual_ids(rubric) if rubric.place_of(pid).point.max_score == 1)
    cell = f"F{manual_rows(rubric)[pid]}"
    sheet[cell] = value
    out = tmp_path / "bad.xlsx"
    book.save(out)
    with pytest.raises(DataError, match=message) as caught:
        read_manual_scores_from_workbook(out, rubric)
    assert f"cell {cell}" in str(caught.value) and f"point {pid}" in str(caught.value)


def test_reading_a_workbook_without_forms(tmp_path: Path, rubric: Rubric) -> None:
    openpyxl.Workbook().save(tmp_path / "plain.xlsx")
    with pytest.raises(DataError, match="no evaluation sheets"):
        read_manual_scores_from_workbook(tmp_path / "plain.xlsx", rubric)
    with pytest.raises(DataError, match="was not found"):
        read_manual_scores_from_workbook(tmp_path / "missing.xlsx", rubric)


def provision_row(unit: str, code: str, **changes: Any) -> ProvisionRow:
    row = ProvisionRow(
        tier="neighbourhood",
        unit_id=unit,
        parent_id="C1",
        population=900.0,
        type_code=code,
        mandatory=True,
        required_count=2,
        own_count=0,
        shared_count=1,
        deficit_count=1,
        required_floor_area=200.0,
        existing_floor_area=50.0,
        deficit_floor_area=150.0,
        required_land_area=None,
        existing_land_area=None,
        deficit_land_area=None,
        existing_capacity=None,
        status="area_short",
        provision_status="area_short",
        size_flag="",
        flags=(),
        own_facility_ids=(),
        shared_facility_ids=("F1",),
    )
    return ProvisionRow(**{**row.__dict__, **changes})


def test_deficits_from_provision_give_one_record_per_unit() -> None:
    rows = [
        provision_row("N1", "shop"),
        provision_row("N1", "clinic", deficit_count=0, provision_status="ok", status="ok"),
        provision_row("N2", "shop", provision_status="ok", status="ok", deficit_count=0),
        provision_row("N1", "park", provision_status="missing", status="size_mismatch"),
        provision_row("N3", "bank", mandatory=False, provision_status="missing"),
        provision_row(
            "C1", "hall", tier="community", parent_id="D1", size_flag="too_large",
            provision_status="missing", status="size_mismatch",
        ),
    ]  # fmt: skip
    units = deficits_from_provision(
        rows,
        type_name=lambda code: code.upper(),
        unit_name=lambda tier, unit: f"{tier}:{unit}",
        district_name=lambda district: "片区" + district,
    )
    # N1: short of shop and park (the clinic is met); N2 met; N3 short of an optional type only.
    assert [(unit.tier, unit.unit_id) for unit in units] == [
        ("neighbourhood", "N1"),
        ("community", "C1"),
    ]
    n1, c1 = units
    assert n1.unit_name == "neighbourhood:N1" and n1.community_id == "C1" and n1.population == 900
    assert [(d.type_code, d.type_name, d.status) for d in n1.deficits] == [
        ("shop", "SHOP", "area_short"),
        ("park", "PARK", "missing"),
    ]
    assert n1.deficits[0] == TypeDeficit("shop", "SHOP", "area_short", 2, 1, 1, 150.0, None)
    assert n1.count_deficit == 2 and n1.area_deficit("deficit_floor_area") == 300.0
    assert n1.area_deficit("deficit_land_area") is None
    assert (c1.community_id, c1.district, c1.size_flag) == ("C1", "片区D1", "too_large")


# --------------------------------------------------------------------------------------------
# Recomputed by LibreOffice (on machines that have it)
# --------------------------------------------------------------------------------------------


def test_libreoffice_recomputes_the_formulas(
    tmp_path: Path, written: Path, data: WorkbookData, rubric: Rubric
) -> None:
    """LibreOffice computes what the scoring engine computed, and its saved copy reads back."""
    filled = tmp_path / "filled.xlsx"
    pid = manual_ids(rubric)[0]
    _fill(written, filled, "C3", {pid: 1.0}, rubric, rename=False)
    out = tmp_path / "out"
    recomputed = libreoffice_convert(filled, "xlsx", out, tmp_path / "profile")
    summary = openpyxl.load_workbook(recomputed, data_only=True)["汇总表"]
    expected = scores_by_id(data)
    got = {}
    for row in summary.iter_rows(min_row=4, max_row=7, values_only=True):
        got[row[1]] = (round(row[10], 6), row[11], row[13], row[14], row[15] or "")
    c3_manual = [ManualScore("C3", pid, 1.0)]
    c3_manual += [ManualScore("C3", veto, 0.0) for veto in veto_manual_ids(rubric)]
    rescored_c3 = score_all(rubric, {"C3": made_up_indicators(rubric, 0.2)}, c3_manual)[0]
    expected["C3"] = rescored_c3
    assert got == {
        key: (
            score.total,
            score.grade.name.zh,
            score.n_open,
            "是" if score.provisional else "否",
            "是" if score.vetoed_by else "",
        )
        for key, score in expected.items()
    }
    assert expected["C3"].grade.name.zh == "不合格" and expected["C3"].vetoed_by
    again = read_manual_scores_from_workbook(recomputed, rubric)
    assert again.edited == []
    assert ManualScore("C3", pid, 1.0, f"依据 {pid}", "王五", "2024-07-01") in again.scores


# --------------------------------------------------------------------------------------------
# 规划前后对比: the plan scenario
# --------------------------------------------------------------------------------------------


def scenario_data(rubric: Rubric, language: str = "zh") -> WorkbookData:
    """The workbook data with a scenario: one kindergarten project brings U1 (C1, 1,200 people)
    within 300 m and U2 (C3, 800 people, unreachable before) nearer but not within reach;
    C3 scores again with better indicators after the plan."""
    data = build_data(rubric, language=language)
    types = [
        ScenarioTypeRow("kindergarten", "幼儿园", 300.0, 1, 3, 4, 2500.0, 3700.0, 0.5, 0.74),
        ScenarioTypeRow("clinic", "卫生站", 1000.0, 0, 5, 5, None, None),
    ]
    changes = [
        ScenarioChangeRow(
            "U1", "-2+3 小区", "kindergarten", "幼儿园", 300.0, 520.0, 250.0, False, True, 1200,
            community_id="C1",
        ),
        ScenarioChangeRow(
            "U2", INJECTION, "kindergarten", "幼儿园", 300.0, None, 640.0, False, False, 800,
            community_id="C3",
        ),
    ]  # fmt: skip
    improved = score_all(rubric, {"C3": made_up_indicators(rubric, 0.7)}, [])[0]
    after = [improved if score.community_id == "C3" else score for score in data.scores]
    data.scenario = ScenarioData(types=types, changes=changes, scores_after=after)
    return data


def _sheet_rows(sheet: Any) -> List[List[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _table(rows: List[List[Any]], heading_start: str) -> List[List[Any]]:
    """The numbered rows of the table under the heading starting with ``heading_start``."""
    start = next(n for n, row in enumerate(rows) if str(row[0] or "").startswith(heading_start))
    table = []
    for row in rows[start + 2 :]:
        if not isinstance(row[0], int):
            break
        table.append(row)
    return table


def test_scenario_sheet_only_with_a_scenario(tmp_path: Path, book: Any, rubric: Rubric) -> None:
    assert "规划前后对比" not in book.sheetnames
    path = write_workbook(scenario_data(rubric), tmp_path / "plan.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[:7] == [
        "汇总表",
        "设施覆盖",
        "短板清单",
        "配置缺口",
        "项目库",
        "规划前后对比",
        "说明",
    ]


def test_scenario_sheet_values(tmp_path: Path, rubric: Rubric) -> None:
    data = scenario_data(rubric)
    path = write_workbook(data, tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(path)["规划前后对比"]
    rows = _sheet_rows(sheet)
    assert rows[0][0] == "南京市玄武区规划实施前后对比"
    types = _table(rows, "一、")
    assert types[0] == [1, "幼儿园", "kindergarten", 300, 1, 3, 4, 1, 2500, 3700, 1200, 0.5, 0.74]
    # Unknown population: people and shares empty, compounds still counted.
    assert types[1][4:13] == [0, 5, 5, 0, None, None, None, None, None]
    scores = _table(rows, "二、")
    before = {score.community_id: score.total for score in data.scores}
    after = {score.community_id: score.total for score in data.scenario.scores_after}
    assert [row[1] for row in scores] == ["C1", "C2", "C3", "C4"]
    c3 = scores[2]
    assert c3[4:7] == [
        pytest.approx(before["C3"]),
        pytest.approx(after["C3"]),
        pytest.approx(after["C3"] - before["C3"]),
    ]
    assert after["C3"] > before["C3"] and scores[0][6] == 0
    changes = _table(rows, "三、")
    assert changes[0][:11] == [
        1,
        "玄武区",
        DUPLICATE,
        "U1",
        "-2+3 小区",
        "幼儿园",
        520,
        250,
        300,
        "是",
        1200,
    ]
    assert changes[1][1:4] == ["秦淮区", LONG_ILLEGAL, "U2"]
    assert changes[1][6:11] == [None, 640, 300, "否", 800]
    header = next(n for n, row in enumerate(rows, 1) if row[0] == "序号" and row[3] == "小区编号")
    assert sheet.auto_filter.ref == f"A{header}:K{header + 2}"
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    number_formats = {cell.column_letter: cell.number_format for cell in sheet[header + 1]}
    assert number_formats["G"] == "#,##0"
    share = next(n for n, row in enumerate(rows, 1) if row[2] == "kindergarten")
    assert sheet[f"L{share}"].number_format == "0.0%"


def test_scenario_text_is_never_a_formula(tmp_path: Path, rubric: Rubric) -> None:
    path = write_workbook(scenario_data(rubric), tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(path)["规划前后对比"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == INJECTION]
    cells += [cell for row in sheet.iter_rows() for cell in row if cell.value == "-2+3 小区"]
    assert len(cells) == 3  # C2's name in the score table, U2's name, U1's name
    assert all(cell.data_type == "s" for cell in cells)


def test_scenario_sheet_in_english(tmp_path: Path, rubric: Rubric) -> None:
    path = write_workbook(scenario_data(rubric, "en"), tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(path)["Before and after the plan"]
    rows = _sheet_rows(sheet)
    assert _table(rows, "1. Coverage")[0][1] == "幼儿园"  # a type name given in one language
    changes = _table(rows, "3. Compounds")
    assert [row[9] for row in changes] == ["yes", "no"]


def test_scenario_without_scores_after_and_split(tmp_path: Path, rubric: Rubric) -> None:
    data = scenario_data(rubric)
    data.scenario.scores_after = None
    paths = write_workbooks(data, tmp_path / "plan.xlsx", split_by="district")
    units = {}
    for path in paths:
        rows = _sheet_rows(openpyxl.load_workbook(path)["规划前后对比"])
        assert not any(str(row[0] or "").startswith("二、社区") for row in rows)
        assert _table(rows, "一、")[0][2] == "kindergarten"  # whole area in every workbook
        units[path.name] = [row[3] for row in _table(rows, "二、")]
    assert units == {
        "plan_玄武区.xlsx": ["U1"],
        "plan_秦淮区.xlsx": ["U2"],
        "plan_+鼓楼区.xlsx": [],
    }
