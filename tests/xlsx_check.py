"""A strict structural check of an .xlsx package, for what makes Excel offer to repair a file.

openpyxl and LibreOffice forgive a lot that Excel does not: elements of a worksheet out of the
schema's order, a cell style or shared string that does not exist, a part without a content
type, a relationship to a missing part, overlapping merged ranges, a defined name for a sheet
that is not there. :func:`check_package` raises AssertionError naming the part and the problem.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Dict, List, Set, Tuple
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

#: CT_Worksheet's children, in the order the schema requires (ECMA-376 Part 1, 18.3.1.99).
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)  # fmt: skip
#: CT_Stylesheet's children, in order (18.8.39).
STYLES_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)  # fmt: skip
#: CT_Workbook's children, in order (18.2.27).
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)  # fmt: skip
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CELL = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def libreoffice_convert(path: Path, to: str, folder: Path, profile: Path) -> Path:
    """``path`` opened (and recalculated) by LibreOffice and saved as ``to`` (``pdf``,
    ``xlsx``) into ``folder``, with a throw-away user profile; returns the file written.

    Never skipped for want of LibreOffice: ``make test`` installs it on every lane
    (``tools/debian-packages.txt``), so a missing ``soffice`` is a failure that says so."""
    assert shutil.which("soffice"), (
        "LibreOffice (soffice) is missing: tools/install_system_packages.sh installs "
        "libreoffice-calc-nogui (tools/debian-packages.txt)"
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder / f"{path.stem}.{to}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _in_order(part: str, children: List[str], order: Tuple[str, ...]) -> None:
    positions = []
    for child in children:
        assert child in order, f"{part}: unexpected element <{child}>"
        positions.append(order.index(child))
    assert positions == sorted(positions), f"{part}: elements out of order: {children}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _range(ref: str) -> Tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    last = last or first
    a, b = _CELL.match(first), _CELL.match(last)
    assert a and b, ref
    return (int(a[2]), _column_number(a[1]), int(b[2]), _column_number(b[1]))


def check_package(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        parts = {name: archive.read(name) for name in names}
    trees = {}
    for name, data in parts.items():
        if name.endswith(".xml") or name.endswith(".rels"):
            try:
                trees[name] = ElementTree.fromstring(data)
            except ElementTree.ParseError as error:
                raise AssertionError(f"{name}: not well-formed XML: {error}") from None
    _check_content_types(trees, names)
    _check_relationships(trees, names)
    n_styles, n_dxfs = _check_styles(trees["xl/styles.xml"])
    n_strings = len(trees["xl/sharedStrings.xml"]) if "xl/sharedStrings.xml" in trees else 0
    sheets = _check_workbook(trees)
    for sheet in sheets:
        _check_worksheet(sheet, trees[sheet], n_styles, n_dxfs, n_strings)


def _check_content_types(trees: Dict[str, ElementTree.Element], names: Set[str]) -> None:
    types = trees["[Content_Types].xml"]
    defaults = {e.get("Extension") for e in types if _local(e.tag) == "Default"}
    overrides = {e.get("PartName").lstrip("/") for e in types if _local(e.tag) == "Override"}
    for override in overrides:
        assert override in names, f"[Content_Types].xml names a missing part {override}"
    for name in names:
        if name == "[Content_Types].xml":
            continue
        extension = name.rsplit(".", 1)[-1]
        assert name in overrides or extension in defaults, f"{name} has no content type"
    for name in names:
        if name.startswith("xl/worksheets/sheet") or name in ("xl/workbook.xml", "xl/styles.xml"):
            assert name in overrides, f"{name} needs its own content type"


def _check_relationships(trees: Dict[str, ElementTree.Element], names: Set[str]) -> None:
    for name, tree in trees.items():
        if not name.endswith(".rels"):
            continue
        # xl/worksheets/_rels/sheet1.xml.rels holds the links of xl/worksheets/sheet1.xml,
        # whose targets are relative to xl/worksheets.
        source = name.replace("_rels/", "")
        source_dir = source.rsplit("/", 1)[0] if "/" in source else ""
        ids = set()
        for relation in tree:
            assert relation.tag == f"{RELS}Relationship", name
            identifier = relation.get("Id")
            assert identifier not in ids, f"{name}: relationship {identifier} twice"
            ids.add(identifier)
            if relation.get("TargetMode") == "External":
                continue
            target = relation.get("Target")
            resolved = target.lstrip("/") if target.startswith("/") else _join(source_dir, target)
            assert resolved in names, f"{name}: {identifier} points at missing {resolved}"


def _join(folder: str, target: str) -> str:
    parts = [part for part in folder.split("/") if part]
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _check_styles(styles: ElementTree.Element) -> Tuple[int, int]:
    children = [_local(child.tag) for child in styles]
    _in_order("xl/styles.xml", children, STYLES_ORDER)
    tables = {_local(child.tag): child for child in styles}
    for name, child in tables.items():
        if child.get("count") is not None:
            assert int(child.get("count")) == len(child), f"styles.xml: {name} count"
    fills = [next(iter(fill)).get("patternType") for fill in tables["fills"]]
    assert fills[:2] == ["none", "gray125"], "styles.xml: the first two fills are reserved"
    formats = {int(f.get("numFmtId")) for f in tables.get("numFmts", [])}
    assert all(number >= 164 for number in formats), "custom number formats start at 164"
    counts = {key: len(tables[key]) for key in ("fonts", "fills", "borders")}
    for xf in tables["cellXfs"]:
        for attribute, table in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            assert int(xf.get(attribute, 0)) < counts[table], (
                f"styles.xml: {attribute} out of range"
            )
        number = int(xf.get("numFmtId", 0))
        assert number < 164 or number in formats, f"styles.xml: number format {number} missing"
        assert int(xf.get("xfId", 0)) < len(tables["cellStyleXfs"])
        order = [_local(child.tag) for child in xf]
        assert order == sorted(order, key=("alignment", "protection").index), order
    return len(tables["cellXfs"]), len(tables.get("dxfs", []))


def _check_workbook(trees: Dict[str, ElementTree.Element]) -> List[str]:
    workbook = trees["xl/workbook.xml"]
    _in_order("xl/workbook.xml", [_local(child.tag) for child in workbook], WORKBOOK_ORDER)
    rels = {r.get("Id"): r.get("Target") for r in trees["xl/_rels/workbook.xml.rels"]}
    sheets, seen = [], set()
    for sheet in workbook.find(f"{MAIN}sheets"):
        name = sheet.get("name")
        assert 0 < len(name) <= 31 and not _SHEET_NAME_FORBIDDEN.search(name), name
        assert not name.startswith("'") and not name.endswith("'"), name
        assert name.casefold() not in seen, f"sheet name {name} twice"
        seen.add(name.casefold())
        sheets.append("xl/" + rels[sheet.get(R_ID)])
    names = workbook.find(f"{MAIN}definedNames")
    keys = set()
    for defined in names if names is not None else ():
        key = (defined.get("name"), defined.get("localSheetId"))
        assert key not in keys, f"defined name {key} twice"
        keys.add(key)
        assert int(defined.get("localSheetId")) < len(sheets)
    return sheets


def _check_worksheet(
    part: str, sheet: ElementTree.Element, n_styles: int, n_dxfs: int, n_strings: int
) -> None:
    _in_order(part, [_local(child.tag) for child in sheet], WORKSHEET_ORDER)
    columns = sheet.find(f"{MAIN}cols")
    last_column = 0
    for column in columns if columns is not None else ():
        low, high = int(column.get("min")), int(column.get("max"))
        assert last_column < low <= high, f"{part}: <col> ranges overlap or out of order"
        last_column = high
    last_row = 0
    for row in sheet.find(f"{MAIN}sheetData"):
        number = int(row.get("r"))
        assert number > last_row, f"{part}: row {number} out of order"
        last_row = number
        last_cell = 0
        for cell in row:
            match = _CELL.match(cell.get("r"))
            assert match and int(match[2]) == number, (
                f"{part}: cell {cell.get('r')} in row {number}"
            )
            position = _column_number(match[1])
            assert position > last_cell, f"{part}: cell {cell.get('r')} out of order"
            last_cell = position
            assert int(cell.get("s", 0)) < n_styles, f"{part}: cell {cell.get('r')} style"
            if cell.get("t") == "s":
                assert int(cell.find(f"{MAIN}v").text) < n_strings, f"{part}: shared string"
    merges = sheet.find(f"{MAIN}mergeCells")
    taken: Set[Tuple[int, int]] = set()
    for merge in merges if merges is not None else ():
        top, left, bottom, right = _range(merge.get("ref"))
        cells = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        assert len(cells) > 1, f"{part}: a merged range of one cell {merge.get('ref')}"
        assert not cells & taken, f"{part}: merged range {merge.get('ref')} overlaps another"
        taken |= cells
    priorities = set()
    for formatting in sheet.findall(f"{MAIN}conditionalFormatting"):
        for rule in formatting:
            assert int(rule.get("dxfId")) < n_dxfs, f"{part}: conditional format style"
            assert rule.get("priority") not in priorities, f"{part}: priority twice"
            priorities.add(rule.get("priority"))
    validations = sheet.find(f"{MAIN}dataValidations")
    for validation in validations if validations is not None else ():
        assert len(validation.get("prompt", "")) <= 255 and len(validation.get("error", "")) <= 225
        assert len(validation.get("promptTitle", "")) <= 32
