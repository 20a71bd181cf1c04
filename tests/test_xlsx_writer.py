"""The streaming .xlsx writer (scoring/workbook/xlsx/): what each kind of value becomes, text kept
as text, and a package Excel would open — read back with openpyxl and checked part by part."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import numpy as np
import pytest
from xlsx_check import check_package

from complete_community.scoring.workbook.xlsx import (
    Alignment,
    Font,
    Formula,
    Highlight,
    Package,
    PrintSetup,
    Style,
    Validation,
    excel_date,
)

openpyxl = pytest.importorskip("openpyxl")


def test_values_of_every_kind_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "kinds.xlsx"
    with open(path, "wb") as handle:
        package = Package(handle)
        plain = package.styles.index(Style())
        day = package.styles.index(Style(number_format="yyyy-mm-dd"))
        with package.sheet("数据") as sheet:
            sheet.set_widths([12, 30])
            sheet.append([("文本 & <标签>", plain), ("  前后空格  ", plain)])
            sheet.append(
                [(1234, plain), (0.1, plain), (np.float64(2.5), plain), (np.int64(7), plain)]
            )
            sheet.append([(math.nan, plain), (math.inf, plain), (None, plain), None, ("x", plain)])
            sheet.append([(datetime.date(2024, 5, 2), day), (True, plain)])
            sheet.append([(Formula("=A2*2"), plain), (Formula('="甲"&"乙"'), plain)])
            sheet.append([("=1+1", package.styles.index(Style().quoted()))])
            sheet.append([("\x01控制\x0b字符", plain)])
        package.close()
    check_package(path)
    rows = list(openpyxl.load_workbook(path)["数据"].iter_rows(values_only=True))
    assert rows[0][:2] == ("文本 & <标签>", "  前后空格  ")
    assert rows[1][:4] == (1234, 0.1, 2.5, 7)
    assert rows[2][:5] == (None, None, None, None, "x")  # NaN and infinity: no value
    assert rows[3][0] == datetime.datetime(2024, 5, 2) and rows[3][1] is True
    assert rows[4][:2] == ("=A2*2", '="甲"&"乙"')
    assert rows[5][0] == "=1+1"  # text, not a formula
    assert rows[6][0] == "控制字符"  # what XML cannot hold is dropped
    book = openpyxl.load_workbook(path)
    assert book["数据"]["A6"].data_type == "s" and book["数据"]["A6"].quotePrefix
    assert book["数据"]["A5"].data_type == "f"


def test_sheet_settings_and_what_comes_after_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "settings.xlsx"
    with open(path, "wb") as handle:
        package = Package(handle)
        boxed = package.styles.index(
            Style(Font("宋体", 10, bold=True), "DDE5F0", "808080", Alignment("center", "center"))
        )
        unlocked = package.styles.index(Style(locked=False))
        with package.sheet("一 ' 表") as sheet:
            sheet.set_widths([8, 20, 6])
            sheet.hide_columns([3])
            sheet.freeze(2, 1)
            sheet.append([("标题", boxed)], height=30)
            sheet.append([("a", boxed), ("b", boxed), ("c", boxed)])
            for row in range(3, 8):
                sheet.append([(row, 0), (None, unlocked)])
            sheet.merge(1, 1, 1, 3)
            sheet.autofilter("A2:C7")
            sheet.validate(Validation("B3:B7", "0", "5", prompt="0-5", error="不行"))
            sheet.highlight_equal("A3:A7", "5", Highlight(colour="9C0006", fill="FFC7CE"))
            sheet.link("B2", "'一 '' 表'!A1", "回到顶部")
            sheet.protect()
            sheet.print_setup = PrintSetup(title_rows=(2, 2), area="A1:C7", footer="&C&P")
            with pytest.raises(RuntimeError, match="before the first row"):
                sheet.set_widths([1])
        package.close()
    check_package(path)
    sheet = openpyxl.load_workbook(path)["一 ' 表"]
    assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref == "A2:C7"
    assert sheet.column_dimensions["C"].hidden and sheet.column_dimensions["B"].width == 20
    assert sheet.row_dimensions[1].height == 30
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert sheet.protection.sheet and not sheet["B3"].protection.locked
    assert sheet["A1"].font.bold and sheet["A1"].fill.start_color.rgb.endswith("DDE5F0")
    assert sheet.print_title_rows == "$2:$2"
    assert sheet["B2"].hyperlink.location == "'一 '' 表'!A1"
    validation = sheet.data_validations.dataValidation[0]
    assert (validation.formula1, validation.formula2, str(validation.sqref)) == ("0", "5", "B3:B7")


def test_excel_dates_count_from_its_epoch() -> None:
    assert excel_date(datetime.date(1900, 3, 1)) == 61  # after Excel's fictitious 1900-02-29
    assert excel_date(datetime.datetime(2024, 1, 1, 12)) == pytest.approx(45292.5)
    assert excel_date(datetime.time(6)) == 0.25


def test_only_one_sheet_is_written_at_a_time(tmp_path: Path) -> None:
    with open(tmp_path / "two.xlsx", "wb") as handle:
        package = Package(handle)
        package.sheet("a").append([("x", 0)])
        with pytest.raises(RuntimeError, match="still being written"):
            package.sheet("b")
        package.abandon()
