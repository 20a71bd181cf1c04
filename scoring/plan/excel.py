"""Projects to and from an Excel workbook (项目库), the form a city's project list travels in.

Export writes every project, one row each, with drop-down lists for status, funding source and
(given a standard) facility type. Import reads such a sheet back: every cell is checked with
the same rules as a dialog (see :mod:`.validate`), worded for the cell: sheet, row, column.
One bad cell refuses the whole import, so a plan never holds half a workbook.

Columns are found by the key at the end of their header (``项目名称 name``), so planners may
reorder them or reword the label in front. Statuses and funding sources are written as their
Chinese labels and read back from a code, a Chinese or an English label. Facility types are
written as codes and read back from a code, a name or an alias of the standard.

Locations: points as ``x`` and ``y``; other shapes as ``wkt`` (x/y then show a point on the
shape, for orientation, and are ignored on import). On import a row without id is a new
project; a row whose id exists updates that project; projects not in the sheet are left as
they are. An updated project keeps the stored values of columns the sheet does not have (with
none of the location columns, its stored location).

openpyxl is not in every QGIS install: it is imported only when a workbook is read or written,
and its absence is reported with what to install.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import N_, DataError, Phrase
from ..spreadsheets import header_columns, save_workbook_replacing
from ..standard import FacilityStandard
from .model import (
    FUNDING_SOURCES,
    PROJECT_FIELDS,
    PROJECTS,
    STATUSES,
    Project,
    choice_label,
    new_project_id,
)
from .validate import Context, FieldCheckError, check_order, parse_number, parse_value

SHEET = "项目库 projects"
CODES_SHEET = "代码 codes"

_NOT_PROJECT_CELLS = ("geometry", "created_at", "updated_at")
_LOCATION_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ("x", "X坐标"),
    ("y", "Y坐标"),
    ("wkt", "图形(WKT)"),
)
#: (key, header label) of the sheet's columns, in order.
COLUMNS: Tuple[Tuple[str, str], ...] = (
    *((spec.key, spec.zh) for spec in PROJECT_FIELDS if spec.key not in _NOT_PROJECT_CELLS),
    *_LOCATION_COLUMNS,
    ("created_at", "创建时间"),
    ("updated_at", "更新时间"),
)
_REQUIRED_COLUMNS = ("community_id", "name", "type_code", "status")
_IGNORED_ON_IMPORT = ("created_at", "updated_at")
_TEXT_COLUMNS = ("id", "community_id", "name", "type_code", "category", "notes", "wkt")

_NO_OPENPYXL = N_(
    "Reading and writing Excel files needs the Python package 'openpyxl', which this Python "
    "lacks. Install it (on Windows: 'python -m pip install openpyxl' in the OSGeo4W Shell; on "
    "Linux: the package python3-openpyxl) and restart QGIS."
)
_NOT_FOUND = N_("Projects workbook {file} was not found")
_UNREADABLE = N_("Projects workbook {file} could not be read as an .xlsx workbook: {reason}")
_NO_COLUMN = N_("Workbook {file}, sheet '{sheet}': column '{column}' is missing")
_UNKNOWN_COLUMN = N_(
    "Workbook {file}, sheet '{sheet}', column {column}: unknown header '{value}'; allowed "
    "columns: {allowed}"
)
_DUPLICATE_COLUMN = N_(
    "Workbook {file}, sheet '{sheet}', column {column}: column '{key}' appears twice"
)
_DUPLICATE_ID = N_(
    "Workbook {file}, sheet '{sheet}', row {row}, column {column} (id): project id '{value}' is "
    "already used in row {other}"
)
_HALF_LOCATION = N_(
    "Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): x and y must both "
    "be given or both be empty"
)
_NO_ROWS = N_("Workbook {file}, sheet '{sheet}': there are no project rows")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise DataError(_NO_OPENPYXL) from None
    return openpyxl


def header(key: str, label: str) -> str:
    """``项目名称 name``: the label for people, the key (last word) for reading back."""
    return f"{label} {key}"


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_projects_xlsx(
    projects: Sequence[Project],
    path: Union[str, Path],
    standard: Optional[FacilityStandard] = None,
) -> None:
    """Write ``projects`` to a workbook at ``path``, replacing it only once fully written."""
    openpyxl = _openpyxl()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([header(key, label) for key, label in COLUMNS])
    for project in projects:
        sheet.append([_cell(value) for value in _row(project)])
    codes = workbook.create_sheet(CODES_SHEET)
    type_range = _write_codes(codes, standard)
    _format(sheet, len(projects), type_range)
    save_workbook_replacing(workbook, Path(path), Phrase(N_("Projects workbook")))


def _row(project: Project) -> List[Any]:
    values = dict(vars(project))
    values["status"] = choice_label(STATUSES, project.status, "zh")
    values["funding_source"] = choice_label(FUNDING_SOURCES, project.funding_source, "zh")
    geometry = project.geometry
    if geometry is not None:
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        values["x"], values["y"] = point.x, point.y
        values["wkt"] = "" if geometry.geom_type == "Point" else geometry.wkt
    return [values.get(key) for key, _label in COLUMNS]


def _cell(value: Any) -> Any:
    """Empty for None and "", whole numbers as int (2, not 2.0), everything else as is."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_codes(sheet: Any, standard: Optional[FacilityStandard]) -> Optional[str]:
    """The allowed values, for reading and for the drop-down lists; the type-code range."""
    from openpyxl.styles import Font

    sheet.append(["设施类型代码 type_code", "设施名称 name_zh", "Facility type name_en"])
    types = standard.types if standard is not None else ()
    for facility in types:
        sheet.append([facility.code, facility.name_zh, facility.name_en])
    sheet.append([])
    sheet.append(["项目状态 status", "代码 code", "Status"])
    for choice in STATUSES:
        sheet.append([choice.zh, choice.code, choice.en])
    sheet.append([])
    sheet.append(["资金来源 funding_source", "代码 code", "Funding source"])
    for choice in FUNDING_SOURCES:
        sheet.append([choice.zh, choice.code, choice.en])
    for row in sheet.iter_rows():
        if (
            row
            and isinstance(row[0].value, str)
            and row[0].value.endswith(("type_code", "status", "funding_source"))
        ):
            for cell in row:
                cell.font = Font(bold=True)
    for letter in "ABC":
        sheet.column_dimensions[letter].width = 30
    if not types:
        return None
    return f"'{CODES_SHEET}'!$A$2:$A${len(types) + 1}"


def _format(sheet: Any, n_rows: int, type_range: Optional[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = [key for key, _label in COLUMNS]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    last = n_rows + 500
    for number, key in enumerate(keys, 1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = 36 if key in ("name", "notes", "wkt") else 16
        if key in _TEXT_COLUMNS:  # ids such as 0101 stay text; a leading "=" is no formula
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=number, max_col=number):
                cell.number_format = "@"
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    lists = {
        "status": '"{}"'.format(",".join(choice.zh for choice in STATUSES)),
        "funding_source": '"{}"'.format(",".join(choice.zh for choice in FUNDING_SOURCES)),
    }
    if type_range:
        lists["type_code"] = "=" + type_range
    for key, formula in lists.items():
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    file: str
    name: str
    columns: Mapping[str, int]  # key -> column number (1-based)

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[key])


def read_projects_xlsx(
    path: Union[str, Path],
    standard: Optional[FacilityStandard] = None,
    existing: Optional[Mapping[str, Project]] = None,
) -> List[Project]:
    """The projects of a workbook, every cell checked; DataError naming the first bad cell.

    ``existing`` (id -> stored project) gives updated rows their stored creation time, and
    their stored location when the sheet has no location columns. Reads the sheet
    ``项目库 projects``, or the first sheet when there is none of that name.
    """
    openpyxl = _openpyxl()
    source = Path(path)
    file = str(source)
    if not source.is_file():
        raise DataError(_NOT_FOUND, file=file)
    try:
        workbook = openpyxl.load_workbook(file, data_only=True, read_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DataError(_UNREADABLE, file=file, reason=str(error) or type(error).__name__) from None
    except Exception as error:  # openpyxl's InvalidFileException and the like
        if type(error).__module__.startswith("openpyxl"):
            raise DataError(_UNREADABLE, file=file, reason=str(error)) from None
        raise
    try:
        worksheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = list(worksheet.iter_rows(values_only=True))
        name = worksheet.title
    finally:
        workbook.close()
    sheet = _read_header(rows[0] if rows else (), file, name)
    return _read_rows(sheet, rows[1:], Context(standard), existing or {})


def _read_header(cells: Sequence[Any], file: str, name: str) -> _Sheet:
    allowed = [key for key, _label in COLUMNS]
    found = header_columns(
        cells,
        allowed,
        file=file,
        sheet=name,
        unknown_column=_UNKNOWN_COLUMN,
        duplicate_column=_DUPLICATE_COLUMN,
    )
    for key in _REQUIRED_COLUMNS:
        if key not in found:
            raise DataError(_NO_COLUMN, file=file, sheet=name, column=key)
    return _Sheet(file, name, found)


def _read_rows(
    sheet: _Sheet, rows: Sequence[Sequence[Any]], context: Context, existing: Mapping[str, Project]
) -> List[Project]:
    projects: List[Project] = []
    seen: Dict[str, int] = {}
    for number, cells in enumerate(rows, 2):
        raw = {
            key: cells[index - 1] if index - 1 < len(cells) else None
            for key, index in sheet.columns.items()
        }
        if all(_blank(value) for value in raw.values()):
            continue
        project = _read_row(sheet, number, raw, context, existing)
        if project.id in seen:
            raise DataError(
                _DUPLICATE_ID,
                file=sheet.file,
                sheet=sheet.name,
                row=number,
                column=sheet.letter("id"),
                value=project.id,
                other=seen[project.id],
            )
        seen[project.id] = number
        projects.append(project)
    if not projects:
        raise DataError(_NO_ROWS, file=sheet.file, sheet=sheet.name)
    return projects


def _read_row(
    sheet: _Sheet,
    number: int,
    raw: Mapping[str, Any],
    context: Context,
    existing: Mapping[str, Project],
) -> Project:
    """A row as a project; an existing project keeps the values of columns the sheet lacks."""
    project_id = _id(raw.get("id"))
    stored = existing.get(project_id) if project_id else None
    values: Dict[str, Any] = dict(vars(stored)) if stored is not None else {}
    for key in sheet.columns:
        if key in ("id", *_LOCATION_KEYS, *_IGNORED_ON_IMPORT):
            continue
        try:
            values[key] = parse_value(PROJECTS, key, raw[key], context, lenient=True)
        except FieldCheckError as problem:
            raise problem.for_cell(sheet.file, sheet.name, number, sheet.letter(key)) from None
    try:
        check_order(PROJECTS, values)
    except FieldCheckError as problem:
        column = sheet.letter(problem.field) if problem.field in sheet.columns else problem.field
        raise problem.for_cell(sheet.file, sheet.name, number, column) from None
    values["id"] = project_id or new_project_id()
    values["geometry"] = _location(sheet, number, raw, context, stored)
    return Project(**values)


_LOCATION_KEYS = tuple(key for key, _label in _LOCATION_COLUMNS)


def _location(
    sheet: _Sheet,
    number: int,
    raw: Mapping[str, Any],
    context: Context,
    stored: Optional[Project],
) -> Any:
    """The geometry of a row: WKT if given, else a point from x and y, else none.

    A sheet without any location column keeps the stored location of an updated project.
    """
    if not any(key in sheet.columns for key in _LOCATION_KEYS):
        return stored.geometry if stored is not None else None
    wkt = raw.get("wkt")
    if not _blank(wkt):
        return _geometry(sheet, number, "wkt", str(wkt), context)
    x, y = raw.get("x"), raw.get("y")
    if _blank(x) and _blank(y):
        return None
    for key, value in (("x", x), ("y", y)):
        if _blank(value):
            raise DataError(
                _HALF_LOCATION,
                file=sheet.file,
                sheet=sheet.name,
                row=number,
                column=sheet.letter(key) if key in sheet.columns else key,
                field=key,
            )
    coordinates = []
    for key, value in (("x", x), ("y", y)):
        try:
            coordinates.append(parse_number(key, value))
        except FieldCheckError as problem:
            raise problem.for_cell(sheet.file, sheet.name, number, sheet.letter(key)) from None
    from shapely.geometry import Point

    return _geometry(sheet, number, "x", Point(*coordinates), context)


def _geometry(sheet: _Sheet, number: int, key: str, value: Any, context: Context) -> Any:
    try:
        return parse_value(PROJECTS, "geometry", value, context, lenient=True)
    except FieldCheckError as problem:
        renamed = FieldCheckError(problem.check, key, **problem.values)
        raise renamed.for_cell(sheet.file, sheet.name, number, sheet.letter(key)) from None


def _id(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
