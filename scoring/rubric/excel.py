"""A rubric as an Excel workbook that planners edit, and back.

Planners keep evaluation rules in Excel, so the rubric travels as one flat sheet with a row per
scoring point (its category and item repeated on each row), a sheet of grade bands and a sheet
of the rubric's name, version, notice and total. Columns are found by the key in their header
(the last word: ``评分点编号 point_id``), so they may be reordered or relabelled in front.

What is read is checked twice: cell by cell here, so that a wrong cell is named by sheet, row
and column, and then as a whole by :func:`..model.parse_rubric` (sums, ids, bands, indicators).
openpyxl is not in every QGIS install; it is imported only when a workbook is read or written,
and its absence is reported with what to install.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

from ..errors import N_, DataError, Phrase
from ..schema import is_number, show_value
from ..spreadsheets import header_columns, header_key, save_workbook_replacing
from .model import Rubric, ScoringPoint, parse_rubric
from .rules import (
    METHODS,
    DeductionRule,
    LinearRule,
    ThresholdRule,
    format_bands,
    format_number,
    parse_bands,
)

POINTS_SHEET = "评分细则 points"
GRADES_SHEET = "等级 grades"
ABOUT_SHEET = "说明 about"

# (key, header label, kind). Kinds say how a cell is read: id, text, number, bool, bands, method.
_POINT_COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ("category_id", "类别编号", "id"),
    ("category_zh", "类别", "text"),
    ("category_en", "Category", "text"),
    ("category_max", "类别分值", "number"),
    ("item_id", "项目编号", "id"),
    ("item_zh", "项目", "text"),
    ("item_en", "Item", "text"),
    ("item_max", "项目分值", "number"),
    ("item_source", "项目依据", "text"),
    ("point_id", "评分点编号", "id"),
    ("text_zh", "评分点", "text"),
    ("text_en", "Scoring point", "text"),
    ("max", "分值", "number"),
    ("method", "评分方法", "method"),
    ("indicator", "指标", "text"),
    ("bands", "分档", "bands"),
    ("zero_at", "零分值", "number"),
    ("full_at", "满分值", "number"),
    ("deduct", "扣分", "number"),
    ("per", "扣分单位", "number"),
    ("veto", "一票否决", "bool"),
    ("evidence_zh", "佐证材料", "text"),
    ("evidence_en", "Evidence", "text"),
)
_POINT_REQUIRED = (
    "category_id",
    "category_zh",
    "category_en",
    "category_max",
    "item_id",
    "item_zh",
    "item_en",
    "item_max",
    "point_id",
    "text_zh",
    "text_en",
    "max",
    "method",
)
_GRADE_COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ("code", "等级代码", "id"),
    ("name_zh", "等级", "text"),
    ("name_en", "Grade", "text"),
    ("min", "最低分", "number"),
)
_ABOUT_FIELDS: Tuple[Tuple[str, str, str], ...] = (
    ("name_zh", "名称", "text"),
    ("name_en", "Name", "text"),
    ("version", "版本", "text"),
    ("total", "总分", "number"),
    ("notice_zh", "说明", "text"),
    ("notice_en", "Notice", "text"),
)
_ABOUT_HEADER = ("字段 field", "值 value")
_CATEGORY_COLUMNS = ("category_zh", "category_en", "category_max")
_ITEM_COLUMNS = ("item_zh", "item_en", "item_max", "item_source")
_TRUE = {"true", "yes", "y", "1", "是", "√"}
_FALSE = {"false", "no", "n", "0", "否", ""}

_NO_OPENPYXL = N_(
    "Reading and writing Excel files needs the Python package 'openpyxl', which this Python "
    "lacks. Install it (on Windows: 'python -m pip install openpyxl' in the OSGeo4W Shell; on "
    "Linux: the package python3-openpyxl) and restart QGIS."
)
_XLSX_NOT_FOUND = N_("Rubric workbook {file} was not found")
_XLSX_UNREADABLE = N_("Rubric workbook {file} could not be read as an .xlsx workbook: {reason}")
_NO_SHEET = N_("Rubric workbook {file}: sheet '{sheet}' is missing (sheets found: {found})")
_NO_COLUMN = N_("Rubric workbook {file}, sheet '{sheet}': column '{column}' is missing")
_UNKNOWN_COLUMN = N_(
    "Rubric workbook {file}, sheet '{sheet}', column {column}: unknown header '{value}'; "
    "allowed columns: {allowed}"
)
_DUPLICATE_COLUMN = N_(
    "Rubric workbook {file}, sheet '{sheet}', column {column}: column '{key}' appears twice"
)
_CELL_NOT_TEXT = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be "
    "non-empty text, got '{value}'"
)
_CELL_NOT_ID = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be text "
    "without spaces; format the cell as Text so that 1.10 stays 1.10; got '{value}'"
)
_CELL_NOT_NUMBER = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be a "
    "number, got '{value}'"
)
_CELL_NOT_BOOL = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be TRUE "
    "or FALSE (是/否), got '{value}'"
)
_CELL_BAD_BANDS = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): bands must be "
    "written '>=0.9:3; >=0.6:1' (threshold:score, highest first), got '{value}'"
)
_CELL_BAD_METHOD = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be one of "
    "{allowed}, got '{value}'"
)
_CELL_MISSING = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): the cell is empty"
)
_CELL_DIFFERS = {
    "category": N_(
        "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): '{value}' "
        "differs from '{first}' in row {first_row} of the same category"
    ),
    "item": N_(
        "Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): '{value}' "
        "differs from '{first}' in row {first_row} of the same item"
    ),
}
_UNKNOWN_FIELD = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column A: unknown field '{value}'; "
    "allowed fields: {allowed}"
)
_DUPLICATE_FIELD = N_(
    "Rubric workbook {file}, sheet '{sheet}', row {row}, column A: field '{value}' appears twice"
)
_MISSING_FIELD = N_("Rubric workbook {file}, sheet '{sheet}': field '{field}' is missing")
_NO_ROWS = N_("Rubric workbook {file}, sheet '{sheet}': there are no data rows")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise DataError(_NO_OPENPYXL) from None
    return openpyxl


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_rubric_xlsx(rubric: Rubric, path: Union[str, Path]) -> None:
    """Write ``rubric`` as a workbook at ``path``, replacing it only once fully written."""
    openpyxl = _openpyxl()
    target = Path(path)
    workbook = openpyxl.Workbook()
    points = workbook.active
    points.title = POINTS_SHEET
    _write_table(points, _POINT_COLUMNS, [_point_row(*place) for place in _places(rubric)])
    _add_point_validation(points)
    grades = workbook.create_sheet(GRADES_SHEET)
    grade_rows = [
        {"code": g.code, "name_zh": g.name.zh, "name_en": g.name.en, "min": g.min_score}
        for g in rubric.grades
    ]
    _write_table(grades, _GRADE_COLUMNS, grade_rows)
    _write_about(workbook.create_sheet(ABOUT_SHEET), rubric)
    save_workbook_replacing(workbook, target, Phrase(N_("Rubric workbook")))


def _places(rubric: Rubric) -> List[Tuple[Any, Any, ScoringPoint]]:
    return [(place.category, place.item, place.point) for place in rubric.places()]


def _point_row(category: Any, item: Any, point: ScoringPoint) -> Dict[str, Any]:
    rule = point.rule
    row: Dict[str, Any] = {
        "category_id": category.id,
        "category_zh": category.name.zh,
        "category_en": category.name.en,
        "category_max": category.max_score,
        "item_id": item.id,
        "item_zh": item.name.zh,
        "item_en": item.name.en,
        "item_max": item.max_score,
        "item_source": item.source or None,
        "point_id": point.id,
        "text_zh": point.text.zh,
        "text_en": point.text.en,
        "max": point.max_score,
        "method": point.method,
        "indicator": point.indicator or None,
        "veto": point.veto,
        "evidence_zh": point.evidence.zh or None,
        "evidence_en": point.evidence.en or None,
    }
    if isinstance(rule, ThresholdRule):
        row["bands"] = format_bands(rule.bands)
    elif isinstance(rule, LinearRule):
        row["zero_at"], row["full_at"] = rule.zero_at, rule.full_at
    elif isinstance(rule, DeductionRule):
        row["deduct"], row["per"] = rule.deduct, rule.per
    return row


def _header(key: str, label: str) -> str:
    return f"{label} {key}"


def _write_table(sheet: Any, columns: Tuple[Tuple[str, str, str], ...], rows: List[Dict]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([_header(key, label) for key, label, _kind in columns])
    for row in rows:
        sheet.append([_cell_value(row.get(key)) for key, _label, _kind in columns])
        _keep_as_text(sheet[sheet.max_row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, (key, _label, kind) in enumerate(columns, 1):
        wide = kind == "text" and not key.endswith("_max")
        sheet.column_dimensions[get_column_letter(number)].width = 40 if wide else 14
        if wide:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _cell_value(value: Any) -> Any:
    """Whole numbers written as int (2, not 2.0); ids and texts as strings, never formulas."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _keep_as_text(cells: Any) -> None:
    """Text starting with "=" stays text: a rubric's words must never run as a formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _add_point_validation(sheet: Any) -> None:
    """Drop-down lists for method and veto, so that a planner picks instead of types."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = [key for key, _label, _kind in _POINT_COLUMNS]
    last = max(sheet.max_row, 2) + 200
    for key, choices in (("method", ",".join(METHODS)), ("veto", "TRUE,FALSE")):
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)


def _write_about(sheet: Any, rubric: Rubric) -> None:
    from openpyxl.styles import Alignment, Font

    values = {
        "name_zh": rubric.name.zh,
        "name_en": rubric.name.en,
        "version": rubric.version,
        "total": _cell_value(rubric.total),
        "notice_zh": rubric.notice.zh,
        "notice_en": rubric.notice.en,
    }
    sheet.append(list(_ABOUT_HEADER))
    for key, label, _kind in _ABOUT_FIELDS:
        sheet.append([_header(key, label), values[key]])
        _keep_as_text(sheet[sheet.max_row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A sheet being read: its name and the column letter of each key found in its header."""

    file: str
    name: str
    worksheet: Any
    columns: Dict[str, int]

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[key])

    def cell_error(self, template: str, row: int, key: str, **values: Any) -> DataError:
        return DataError(
            template,
            file=self.file,
            sheet=self.name,
            row=row,
            column=self.letter(key),
            key=key,
            **values,
        )


def read_rubric_xlsx(path: Union[str, Path]) -> Rubric:
    """Read a rubric workbook in the layout :func:`write_rubric_xlsx` writes, and validate it."""
    openpyxl = _openpyxl()
    source = Path(path)
    file = str(source)
    if not source.is_file():
        raise DataError(_XLSX_NOT_FOUND, file=file)
    try:
        workbook = openpyxl.load_workbook(file, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DataError(
            _XLSX_UNREADABLE, file=file, reason=str(error) or type(error).__name__
        ) from None
    except Exception as error:  # openpyxl's InvalidFileException and the like
        if type(error).__module__.startswith("openpyxl"):
            raise DataError(_XLSX_UNREADABLE, file=file, reason=str(error)) from None
        raise
    try:
        document = _read_about(_worksheet(workbook, ABOUT_SHEET, file), file)
        document["grades"] = _read_grades(_table(workbook, GRADES_SHEET, _GRADE_COLUMNS, file))
        document["categories"] = _read_points(_table(workbook, POINTS_SHEET, _POINT_COLUMNS, file))
    finally:
        workbook.close()
    return parse_rubric(document, file)


def _worksheet(workbook: Any, name: str, file: str) -> Any:
    if name not in workbook.sheetnames:
        raise DataError(_NO_SHEET, file=file, sheet=name, found=", ".join(workbook.sheetnames))
    return workbook[name]


def _table(
    workbook: Any, name: str, columns: Tuple[Tuple[str, str, str], ...], file: str
) -> _Sheet:
    worksheet = _worksheet(workbook, name, file)
    allowed = [key for key, _label, _kind in columns]
    header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = header_columns(
        header,
        allowed,
        file=file,
        sheet=name,
        unknown_column=_UNKNOWN_COLUMN,
        duplicate_column=_DUPLICATE_COLUMN,
    )
    required = _POINT_REQUIRED if columns is _POINT_COLUMNS else allowed
    for key in required:
        if key not in found:
            raise DataError(_NO_COLUMN, file=file, sheet=name, column=key)
    return _Sheet(file, name, worksheet, found)


def _rows(sheet: _Sheet, columns: Tuple[Tuple[str, str, str], ...]) -> List[Tuple[int, Dict]]:
    """(row number, {key: value}) of every non-empty data row, values read by column kind."""
    kinds = {key: kind for key, _label, kind in columns}
    rows: List[Tuple[int, Dict]] = []
    for number, cells in enumerate(sheet.worksheet.iter_rows(min_row=2, values_only=True), 2):
        raw = {
            key: cells[index - 1] if index - 1 < len(cells) else None
            for key, index in sheet.columns.items()
        }
        if all(_blank(value) for value in raw.values()):
            continue
        rows.append(
            (number, {key: _read_cell(sheet, number, key, kinds[key], raw[key]) for key in raw})
        )
    if not rows:
        raise DataError(_NO_ROWS, file=sheet.file, sheet=sheet.name)
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_cell(sheet: _Sheet, row: int, key: str, kind: str, value: Any) -> Any:
    """The typed value of a cell; None for an empty one (required ones are checked later)."""
    if kind == "bool":
        return _read_bool(sheet, row, key, value)
    if _blank(value):
        return None
    if kind == "number":
        return _read_number(sheet, row, key, value)
    if kind == "id":
        if not isinstance(value, str) or len(value.split()) != 1:
            raise sheet.cell_error(_CELL_NOT_ID, row, key, value=show_value(value))
        return value.strip()
    if is_number(value) and kind == "text":
        value = format_number(value)  # a name Excel turned into a number, e.g. 2020
    if not isinstance(value, str):
        raise sheet.cell_error(_CELL_NOT_TEXT, row, key, value=show_value(value))
    text = value.strip()
    if kind == "method" and text not in METHODS:
        raise sheet.cell_error(_CELL_BAD_METHOD, row, key, value=text, allowed=", ".join(METHODS))
    if kind == "bands":
        pairs = parse_bands(text)
        if pairs is None:
            raise sheet.cell_error(_CELL_BAD_BANDS, row, key, value=show_value(text))
        return [{"at_least": at_least, "score": score} for at_least, score in pairs]
    return text


def _read_number(sheet: _Sheet, row: int, key: str, value: Any) -> float:
    """A number; numeric text is accepted, since pasted cells often arrive as text."""
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise sheet.cell_error(_CELL_NOT_NUMBER, row, key, value=show_value(value))


def _read_bool(sheet: _Sheet, row: int, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().casefold()
    if is_number(value) and float(value) in (0.0, 1.0):
        return bool(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise sheet.cell_error(_CELL_NOT_BOOL, row, key, value=show_value(value))


def _required(sheet: _Sheet, row: int, values: Dict[str, Any], keys: Tuple[str, ...]) -> None:
    for key in keys:
        if values.get(key) is None:
            raise sheet.cell_error(_CELL_MISSING, row, key)


def _read_grades(sheet: _Sheet) -> List[Dict[str, Any]]:
    grades = []
    for row, values in _rows(sheet, _GRADE_COLUMNS):
        _required(sheet, row, values, ("code", "name_zh", "name_en", "min"))
        grades.append(
            {
                "code": values["code"],
                "name": {"zh": values["name_zh"], "en": values["name_en"]},
                "min": values["min"],
            }
        )
    return grades


def _read_about(worksheet: Any, file: str) -> Dict[str, Any]:
    kinds = {key: kind for key, _label, kind in _ABOUT_FIELDS}
    found: Dict[str, Any] = {}
    rows = worksheet.iter_rows(min_row=2, max_col=2, values_only=True)
    for row, cells in enumerate(rows, 2):
        key_cell, value = (*tuple(cells), None, None)[:2]
        key = header_key(key_cell)
        if not key:
            continue
        if key not in kinds:
            raise DataError(
                _UNKNOWN_FIELD,
                file=file,
                sheet=ABOUT_SHEET,
                row=row,
                value=show_value(key_cell),
                allowed=", ".join(kinds),
            )
        if key in found:
            raise DataError(_DUPLICATE_FIELD, file=file, sheet=ABOUT_SHEET, row=row, value=key)
        sheet = _Sheet(file, ABOUT_SHEET, worksheet, {key: 2})
        if _blank(value):
            raise sheet.cell_error(_CELL_MISSING, row, key)
        if key == "version" and (is_number(value) or not isinstance(value, str)):
            found[key] = value  # the model turns 1.0 or a date into text
        else:
            found[key] = _read_cell(sheet, row, key, kinds[key], value)
    for key in kinds:
        if key not in found:
            raise DataError(_MISSING_FIELD, file=file, sheet=ABOUT_SHEET, field=key)
    return {
        "name": {"zh": found["name_zh"], "en": found["name_en"]},
        "version": found["version"],
        "notice": {"zh": found["notice_zh"], "en": found["notice_en"]},
        "total": found["total"],
    }


def _read_points(sheet: _Sheet) -> List[Dict[str, Any]]:
    """Rows grouped into categories and items in order of first appearance.

    A category's or item's name and maximum are repeated on each of its rows; a row that
    disagrees with the first row of its category or item is refused rather than guessed at.
    """
    categories: Dict[str, Dict[str, Any]] = {}
    items: Dict[str, Dict[str, Any]] = {}
    first_rows: Dict[Tuple[str, str], Tuple[int, Dict[str, Any]]] = {}
    for row, values in _rows(sheet, _POINT_COLUMNS):
        _required(sheet, row, values, _POINT_REQUIRED)
        category_id, item_id = values["category_id"], values["item_id"]
        _check_repeated(
            sheet, row, values, first_rows, ("category", category_id), _CATEGORY_COLUMNS
        )
        _check_repeated(
            sheet, row, values, first_rows, ("item", item_id), ("category_id", *_ITEM_COLUMNS)
        )
        if category_id not in categories:
            categories[category_id] = {
                "id": category_id,
                "name": {"zh": values["category_zh"], "en": values["category_en"]},
                "max": values["category_max"],
                "items": [],
            }
        if item_id not in items:
            items[item_id] = {
                "id": item_id,
                "name": {"zh": values["item_zh"], "en": values["item_en"]},
                "max": values["item_max"],
                "points": [],
            }
            if values.get("item_source") is not None:
                items[item_id]["source"] = values["item_source"]
            categories[category_id]["items"].append(items[item_id])
        items[item_id]["points"].append(_point_document(values))
    return list(categories.values())


def _check_repeated(
    sheet: _Sheet,
    row: int,
    values: Dict[str, Any],
    first_rows: Dict[Tuple[str, str], Tuple[int, Dict[str, Any]]],
    level: Tuple[str, str],
    keys: Tuple[str, ...],
) -> None:
    first_row, first = first_rows.setdefault(level, (row, values))
    for key in keys:
        if values.get(key) != first.get(key):
            raise sheet.cell_error(
                _CELL_DIFFERS[level[0]],
                row,
                key,
                value=_shown(values.get(key)),
                first=_shown(first.get(key)),
                first_row=first_row,
            )


def _shown(value: Any) -> str:
    """A cell value quoted in a message: 5.0 as "5", as the planner typed it."""
    return format_number(value) if isinstance(value, float) else show_value(value)


def _point_document(values: Dict[str, Any]) -> Dict[str, Any]:
    """The point as the YAML document writes it; empty cells are simply absent."""
    point: Dict[str, Any] = {
        "id": values["point_id"],
        "text": {"zh": values["text_zh"], "en": values["text_en"]},
        "max": values["max"],
        "method": values["method"],
    }
    for key in ("indicator", "bands", "zero_at", "full_at", "deduct", "per"):
        if values.get(key) is not None:
            point[key] = values[key]
    if values.get("veto"):
        point["veto"] = True
    evidence = (values.get("evidence_zh"), values.get("evidence_en"))
    if any(part is not None for part in evidence):
        point["evidence"] = {"zh": evidence[0], "en": evidence[1]}
    return point
