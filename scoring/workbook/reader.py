"""Reading filled-in evaluation forms back as manual scores.

Planners send the workbook out; street offices fill in the yellow cells and send it back; the
toolkit reads those cells as the manual-score input of ``completecommunity:rubricscore``. Rows
are matched on the community and point ids the writer put in the hidden columns, never on sheet
names or order: sheets may have been renamed, reordered, or copied into another workbook.

Only manual points are imported. A computed score that was typed over, a subtotal formula that
was replaced, a row for a point the rubric does not have, or a point whose method differs from
the rubric's are listed in the report and otherwise ignored: the analysis, not the form, is the
source of computed scores. A manual score that is not a number or lies outside 0 to the
point's maximum stops the reading with a message naming the cell, since importing it would
silently drop or distort a score someone entered.
"""

from __future__ import annotations

import datetime
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from ..errors import N_, DataError
from ..rubric import ManualScore, Rubric, community_key
from ..rubric.rules import SCORE_DECIMALS, format_number, tidy
from ..schema import show_value
from .cells import require_openpyxl
from .labels import both
from .layout import (
    HEADER_ROW,
    HIDDEN_COLUMNS,
    INFO_PAIRS,
    column_number,
    evaluation_layout,
    letter,
    normalised_formula,
)

EDITED_SCORE = "edited_score"
EDITED_FORMULA = "edited_formula"
UNKNOWN_POINT = "unknown_point"
METHOD_CHANGED = "method_changed"

#: Rows searched for the table header of an evaluation form.
_HEADER_SEARCH_ROWS = 20

_NOT_FOUND = N_("Workbook {file} was not found")
_UNREADABLE = N_("Workbook {file} could not be read as an .xlsx workbook: {reason}")
_NO_FORMS = N_(
    "Workbook {file} has no evaluation sheets written by this toolkit (their hidden columns "
    "community_id and point_id are missing)"
)
_NOT_A_NUMBER = N_(
    "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): "
    "the manual score '{value}' is not a number"
)
_OUT_OF_RANGE = N_(
    "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): "
    "the manual score {value} is outside 0 to the point's maximum {max}"
)
_TWICE = N_(
    "Workbook {file}: community {community}, point {point} is scored in sheet '{sheet}' cell "
    "{cell} and again in sheet '{other}' cell {other_cell}; keep one of them"
)
_REPORTS = {
    EDITED_SCORE: N_(
        "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): "
        "the computed score was changed from {written} to {found}; computed scores are not "
        "read back, so the change is ignored"
    ),
    EDITED_FORMULA: N_(
        "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}): the formula "
        "{written} was replaced by '{found}'; it is not read back"
    ),
    UNKNOWN_POINT: N_(
        "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}): point "
        "'{point}' is not in the rubric; the row is ignored"
    ),
    METHOD_CHANGED: N_(
        "Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): "
        "the form was written with the point scored '{written}' but the rubric scores it "
        "'{found}'; the cell is ignored"
    ),
}


@dataclass(frozen=True)
class EditedCell:
    """A cell read back but not imported, and why (``kind``: one of the constants above)."""

    file: str
    sheet: str
    cell: str
    community_id: str
    point_id: str
    kind: str
    written: Any
    found: Any

    def problem(self) -> DataError:
        """The report as a message (a DataError is how the adapter translates and logs it)."""
        return DataError(
            _REPORTS[self.kind],
            file=self.file,
            sheet=self.sheet,
            cell=self.cell,
            community=self.community_id,
            point=self.point_id,
            written=_shown(self.written),
            found=_shown(self.found),
        )


class WorkbookManualScores(NamedTuple):
    """What a filled-in workbook gives back: the manual scores and the cells not imported."""

    scores: List[ManualScore]
    edited: List[EditedCell]


def read_manual_scores_from_workbook(
    path: Union[str, Path], rubric: Rubric
) -> WorkbookManualScores:
    """Manual scores from the evaluation forms of a workbook written by this toolkit.

    A manual point yields a :class:`ManualScore` when its score or its basis (evidence) is
    filled in; the assessor and date come from the form's header. Pass the rubric the forms
    were written with: a point it lacks, or scores by another method, is reported, not read.
    """
    openpyxl = require_openpyxl()
    file = str(path)
    if not Path(path).is_file():
        raise DataError(_NOT_FOUND, file=file)
    workbook = _open(openpyxl, file, data_only=False)
    reading = _Reading(file, rubric)
    try:
        for sheet in workbook.worksheets:
            reading.sheet(sheet)
    finally:
        workbook.close()
        reading.close()
    if not reading.forms:
        raise DataError(_NO_FORMS, file=file)
    return WorkbookManualScores(reading.scores, reading.edited)


def is_evaluation_workbook(path: Union[str, Path]) -> bool:
    """Whether ``path`` is an .xlsx with at least one evaluation form written by this toolkit
    (a sheet whose table header has every hidden key column the writer puts there).

    Lets a caller that is given "a table of manual scores" tell a filled-in workbook from a
    plain sheet of scores in an .xlsx (columns community_id, point_id, score ...), which is
    read as a table. A file that is not an .xlsx workbook is not one.
    """
    openpyxl = require_openpyxl()
    if not Path(path).is_file():
        return False
    try:
        workbook = _open(openpyxl, str(path), data_only=False)
    except DataError:
        return False
    try:
        for sheet in workbook.worksheets:
            for cells in sheet.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True):
                texts = {_text(value) for value in cells}
                if all(key in texts for key in HIDDEN_COLUMNS):
                    return True
    finally:
        workbook.close()
    return False


def _open(openpyxl: Any, file: str, data_only: bool) -> Any:
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=data_only)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DataError(_UNREADABLE, file=file, reason=str(error) or type(error).__name__) from None
    except Exception as error:  # openpyxl's InvalidFileException and the like
        if type(error).__module__.startswith("openpyxl"):
            raise DataError(_UNREADABLE, file=file, reason=str(error)) from None
        raise


@dataclass
class _Columns:
    """0-based positions of the columns the reader needs, found in the header row."""

    community: int
    point: int
    method: int
    written: int
    score: int
    notes: int


class _Reading:
    """The state of one workbook being read: scores so far, reports, where each was found."""

    def __init__(self, file: str, rubric: Rubric) -> None:
        self.file = file
        self.rubric = rubric
        self.layout = evaluation_layout(rubric)
        self.scores: List[ManualScore] = []
        self.edited: List[EditedCell] = []
        self.forms = 0
        self._seen: Dict[Tuple[str, str], Tuple[str, str]] = {}
        self._values: Any = None  # the workbook opened for cached values, when a formula needs it

    def close(self) -> None:
        if self._values is not None:
            self._values.close()

    def sheet(self, worksheet: Any) -> None:
        rows = worksheet.iter_rows(values_only=True)
        head: List[Sequence[Any]] = []
        found = None
        for cells in rows:  # one pass: the header is looked for, then the same rows go on
            head.append(cells)
            found = _header(head[-1:], len(head))
            if found is not None or len(head) >= _HEADER_SEARCH_ROWS:
                break
        if found is None:
            return
        header_row, columns = found
        self.forms += 1
        assessor, date = _assessor_and_date(head[: header_row - 1])
        positions: Dict[str, int] = {}
        by_row: Dict[int, Sequence[Any]] = {}
        community = ""
        for number, cells in enumerate(rows, header_row + 1):
            by_row[number] = cells
            point_id = _text(_at(cells, columns.point))
            if not point_id:
                continue
            community = community_key(_at(cells, columns.community))
            positions[point_id] = number
            self._row(worksheet.title, number, cells, columns, community, point_id, assessor, date)
        if header_row == HEADER_ROW and self._layout_intact(positions):
            self._check_formulas(worksheet.title, by_row, community)

    def _layout_intact(self, positions: Dict[str, int]) -> bool:
        """Every point of the rubric found is on the row the writer put it (rows of unknown
        points aside), so the formulas written can be known and compared."""
        expected = self.layout.point_rows
        known = {pid: row for pid, row in positions.items() if pid in expected}
        return bool(known) and all(expected[pid] == row for pid, row in known.items())

    # ---- one point row -------------------------------------------------------------------

    def _row(
        self,
        sheet: str,
        number: int,
        cells: Sequence[Any],
        columns: _Columns,
        community: str,
        point_id: str,
        assessor: str,
        date: str,
    ) -> None:
        cell = f"{letter(columns.score + 1)}{number}"
        found = _at(cells, columns.score)
        written_method = _text(_at(cells, columns.method))

        def report(kind: str, written: Any, value: Any) -> None:
            self.edited.append(
                EditedCell(self.file, sheet, cell, community, point_id, kind, written, value)
            )

        if not self.rubric.has_point(point_id):
            report(UNKNOWN_POINT, None, found)
            return
        point = self.rubric.place_of(point_id).point
        if written_method and written_method != point.method:
            if not _blank(found):
                report(METHOD_CHANGED, written_method, point.method)
            return
        if not point.is_manual:
            written = _at(cells, columns.written)
            if not _same(written, found):
                report(EDITED_SCORE, written, found)
            return
        if isinstance(found, str) and found.startswith("="):
            found = self._cached(sheet, cell)
        score = self._score(found, point.max_score, sheet, cell, community, point_id)
        evidence = _text(_at(cells, columns.notes))
        if score is None and not evidence:
            return
        key = (community, point_id)
        if key in self._seen:
            other_sheet, other_cell = self._seen[key]
            raise DataError(
                _TWICE,
                file=self.file,
                community=community,
                point=point_id,
                sheet=other_sheet,
                cell=other_cell,
                other=sheet,
                other_cell=cell,
            )
        self._seen[key] = (sheet, cell)
        self.scores.append(ManualScore(community, point_id, score, evidence, assessor, date))

    def _score(
        self, value: Any, max_score: float, sheet: str, cell: str, community: str, point: str
    ) -> Optional[float]:
        if _blank(value):
            return None
        number = _number(value)
        where = {"file": self.file, "sheet": sheet, "cell": cell}
        if number is None:
            raise DataError(
                _NOT_A_NUMBER, community=community, point=point, value=show_value(value), **where
            )
        if not 0 <= round(number, SCORE_DECIMALS) <= max_score:
            raise DataError(
                _OUT_OF_RANGE,
                community=community,
                point=point,
                value=format_number(number),
                max=format_number(max_score),
                **where,
            )
        return tidy(number)

    def _cached(self, sheet: str, cell: str) -> Any:
        """The value Excel or LibreOffice saved for a formula typed into a manual cell."""
        if self._values is None:
            openpyxl = require_openpyxl()
            self._values = _open(openpyxl, self.file, data_only=True)
        return self._values[sheet][cell].value

    # ---- subtotal formulas ---------------------------------------------------------------

    def _check_formulas(self, sheet: str, by_row: Dict[int, Sequence[Any]], community: str) -> None:
        """Item, category and total formulas still the ones written (the layout is intact)."""
        layout = self.layout
        expected: List[Tuple[int, str, str]] = []
        for span in layout.items:
            expected.append((span.first, "item_score", layout.item_formula(span)))
        for span in layout.categories:
            expected.append((span.first, "category_score", layout.category_formula(span)))
        expected.append((layout.total_row, "score", layout.total_formula()))
        for row, key, formula in expected:
            number = column_number(key)
            value = _at(by_row.get(row, ()), number - 1)
            if normalised_formula(value) != normalised_formula(formula):
                self._report_formula(sheet, f"{letter(number)}{row}", community, formula, value)
        # The grade formula's words are in the language written: it must still be a formula.
        number = column_number("max")
        value = _at(by_row.get(layout.grade_row, ()), number - 1)
        if not (isinstance(value, str) and value.startswith("=")):
            cell = f"{letter(number)}{layout.grade_row}"
            self._report_formula(sheet, cell, community, "=IF(...)", value)

    def _report_formula(
        self, sheet: str, cell: str, community: str, written: str, found: Any
    ) -> None:
        self.edited.append(
            EditedCell(self.file, sheet, cell, community, "", EDITED_FORMULA, written, found)
        )


# --------------------------------------------------------------------------------------------
# Finding things on a form
# --------------------------------------------------------------------------------------------


def _header(head: List[Sequence[Any]], last: int) -> Optional[Tuple[int, _Columns]]:
    """The table header row (1-based) and the columns, or None when ``head`` (rows up to row
    ``last``) has none: a sheet that is no evaluation form."""
    score_words = set(both("col_score"))
    notes_words = set(both("col_notes"))
    for number, cells in enumerate(head, last - len(head) + 1):
        texts = [_text(value) for value in cells]
        if "point_id" not in texts or "community_id" not in texts:
            continue
        default = {key: column_number(key) - 1 for key in ("score", "notes")}
        positions = {key: texts.index(key) for key in HIDDEN_COLUMNS if key in texts}
        score = next((i for i, t in enumerate(texts) if t in score_words), default["score"])
        notes = next((i for i, t in enumerate(texts) if t in notes_words), default["notes"])
        method = positions.get("point_method", column_number("point_method") - 1)
        written = positions.get("written_score", column_number("written_score") - 1)
        return number, _Columns(
            positions["community_id"], positions["point_id"], method, written, score, notes
        )
    return None


def _assessor_and_date(rows: List[Sequence[Any]]) -> Tuple[str, str]:
    """The assessor and date scored from the header block, found by their labels (so rows
    inserted above do not matter)."""
    value_of_label = {pair[0] - 1: pair[2] - 1 for pair in INFO_PAIRS}
    wanted = {"assessor": set(both("eval_assessor")), "score_date": set(both("eval_score_date"))}
    found: Dict[str, Any] = {}
    for cells in rows:
        for index, value in enumerate(cells):
            text = _text(value)
            for field, words in wanted.items():
                if text in words and index in value_of_label:
                    found[field] = _at(cells, value_of_label[index])
    return _text(found.get("assessor")), _date_text(found.get("score_date"))


def _at(cells: Sequence[Any], index: int) -> Any:
    return cells[index] if 0 <= index < len(cells) else None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> Optional[float]:
    """A finite number; numeric text is accepted (a cell formatted as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _same(written: Any, found: Any) -> bool:
    if _blank(written) and _blank(found):
        return True
    a, b = _number(written), _number(found)
    return a is not None and b is not None and abs(a - b) <= 10**-SCORE_DECIMALS


def _shown(value: Any) -> str:
    if _blank(value):
        return "—"
    if isinstance(value, float):
        return format_number(value)
    return show_value(value)
