"""Where everything sits on a community's evaluation sheet (评价表), and its formulas.

The layout depends only on the rubric, so it is computed once and shared by every community's
sheet, by the summary (whose formulas point at the sheets' total, grade and subtotal cells) and
by the reader (which checks that the subtotal formulas are still the ones written).

Rows: 1 title; 2-5 the header block (community, district, id / rubric, date, result / total,
grade, points open / assessor, date scored, veto); 6 how to fill in; 7 the table header; one
row per scoring point from row 8 in rubric order; then the total row and the grade row.

Columns A-L are the form; M-P are hidden and hold, on every point row, the community id, the
point id, the method and the score written for a computed point: the reader matches rows on
them, not on sheet names or order, and tells an edited computed score from the one written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from ..rubric import Rubric
from ..rubric.rules import format_number
from .xlsx.xml import column_letter

TITLE_ROW = 1
NOTE_ROW = 6
HEADER_ROW = 7
FIRST_POINT_ROW = 8

#: (key, width, label key) of the visible columns A-L.
VISIBLE_COLUMNS: Tuple[Tuple[str, float, str], ...] = (
    ("category", 11, "col_category"),
    ("item", 14, "col_item"),
    ("point_no", 7, "col_point_no"),
    ("point", 46, "col_point"),
    ("max", 6, "col_max"),
    ("score", 8, "col_score"),
    ("method", 10, "col_method"),
    ("indicator", 10, "col_indicator"),
    ("evidence", 20, "col_evidence"),
    ("notes", 20, "col_notes"),
    ("item_score", 8, "col_item_score"),
    ("category_score", 8, "col_category_score"),
)
#: Hidden key columns M-P; their header cells hold these keys, which mark an evaluation sheet.
HIDDEN_COLUMNS: Tuple[str, ...] = ("community_id", "point_id", "point_method", "written_score")
ALL_KEYS: Tuple[str, ...] = tuple(key for key, _w, _l in VISIBLE_COLUMNS) + HIDDEN_COLUMNS
N_VISIBLE = len(VISIBLE_COLUMNS)

#: The header block: field -> (row, pair). Pair 0 is label A / value B:D, pair 1 label E:G /
#: value H:I, pair 2 label J / value K:L.
INFO_FIELDS: Dict[str, Tuple[int, int]] = {
    "community": (2, 0),
    "district": (2, 1),
    "community_id": (2, 2),
    "rubric": (3, 0),
    "date": (3, 1),
    "result": (3, 2),
    "total": (4, 0),
    "grade": (4, 1),
    "open": (4, 2),
    "assessor": (5, 0),
    "score_date": (5, 1),
    "veto": (5, 2),
}
#: Per pair: (label first col, label last col, value first col, value last col), 1-based.
INFO_PAIRS: Tuple[Tuple[int, int, int, int], ...] = ((1, 1, 2, 4), (5, 7, 8, 9), (10, 10, 11, 12))


def column_number(key: str) -> int:
    """1-based column of ``key`` (a visible or hidden column)."""
    return ALL_KEYS.index(key) + 1


#: Column letter of a 1-based column number (A ... Z, AA ...).
letter = column_letter


def column(key: str) -> str:
    return letter(column_number(key))


def info_cell(field: str) -> str:
    """The value cell of a header-block field, e.g. ``B4`` for the total."""
    row, pair = INFO_FIELDS[field]
    return f"{letter(INFO_PAIRS[pair][2])}{row}"


@dataclass(frozen=True)
class Span:
    """Rows ``first``..``last`` of an item or a category, whose id it is."""

    id: str
    first: int
    last: int


@dataclass(frozen=True)
class EvaluationLayout:
    """The evaluation sheet of a rubric: point rows, item and category spans, total and grade."""

    point_rows: Dict[str, int]
    items: Tuple[Span, ...]
    categories: Tuple[Span, ...]
    veto_rows: Tuple[int, ...]
    first_point_row: int
    last_point_row: int
    total_row: int
    grade_row: int

    def score_cell(self, row: int) -> str:
        return f"{column('score')}{row}"

    def scores_range(self) -> str:
        score = column("score")
        return f"{score}{self.first_point_row}:{score}{self.last_point_row}"

    def item_formula(self, span: Span) -> str:
        score = column("score")
        return f"=SUM({score}{span.first}:{score}{span.last})"

    def category_formula(self, span: Span) -> str:
        return self.item_formula(span)

    def item_cell(self, span: Span) -> str:
        return f"{column('item_score')}{span.first}"

    def category_cell(self, span: Span) -> str:
        return f"{column('category_score')}{span.first}"

    def total_formula(self) -> str:
        return f"=SUM({self.scores_range()})"

    def max_total_formula(self) -> str:
        maximum = column("max")
        return f"=SUM({maximum}{self.first_point_row}:{maximum}{self.last_point_row})"

    @property
    def total_cell(self) -> str:
        return f"{column('score')}{self.total_row}"

    @property
    def grade_cell(self) -> str:
        return f"{column('max')}{self.grade_row}"

    def open_formula(self) -> str:
        """Points with no score: 待评 manual points and computed points without data."""
        return f"=COUNTBLANK({self.scores_range()})"

    def veto_condition(self, prefix: str = "") -> str:
        """An Excel condition true when a veto point scored 0 ("" when the rubric has none).

        An empty cell (not scored yet) is not a 0: ``ISNUMBER`` keeps it out.
        """
        score = column("score")
        parts = [
            f"AND(ISNUMBER({prefix}{score}{row}),{prefix}{score}{row}=0)" for row in self.veto_rows
        ]
        return f"OR({','.join(parts)})" if parts else ""

    def grade_formula(self, bands: Sequence[Tuple[str, float]], lowest: str) -> str:
        """The grade of the total, highest band first; the lowest band on a veto.

        The total is rounded to 6 decimals as the scoring engine does, so 89.9999999 from
        summed tenths is not a band lower in Excel than in the scoring results.
        """
        total = self.total_cell
        expression = quoted(lowest)
        for name, minimum in reversed(list(bands)[:-1]):
            expression = (
                f"IF(ROUND({total},6)>={format_number(minimum)},{quoted(name)},{expression})"
            )
        veto = self.veto_condition()
        if veto:
            expression = f"IF({veto},{quoted(lowest)},{expression})"
        return "=" + expression


def evaluation_layout(rubric: Rubric) -> EvaluationLayout:
    point_rows: Dict[str, int] = {}
    items: List[Span] = []
    categories: List[Span] = []
    veto_rows: List[int] = []
    row = FIRST_POINT_ROW
    for category in rubric.categories:
        category_first = row
        for item in category.items:
            item_first = row
            for point in item.points:
                point_rows[point.id] = row
                if point.veto:
                    veto_rows.append(row)
                row += 1
            items.append(Span(item.id, item_first, row - 1))
        categories.append(Span(category.id, category_first, row - 1))
    return EvaluationLayout(
        point_rows=point_rows,
        items=tuple(items),
        categories=tuple(categories),
        veto_rows=tuple(veto_rows),
        first_point_row=FIRST_POINT_ROW,
        last_point_row=row - 1,
        total_row=row,
        grade_row=row + 1,
    )


def quoted(text: str) -> str:
    """Text as a string in a formula: ``"优秀"``, inner quotes doubled, so a name from a
    rubric can never end the string and run as formula."""
    return '"' + str(text).replace('"', '""') + '"'


def normalised_formula(value: object) -> str:
    """A formula compared loosely: case, spaces and ``$`` do not matter, nor a one-cell range
    written as a range (LibreOffice 24 and later saves ``=SUM(F38:F38)`` as ``=SUM(F38)``)."""
    text = "" if value is None else str(value)
    text = text.replace("$", "").replace(" ", "").upper()
    return _ONE_CELL_RANGE.sub(r"\1", text)


_ONE_CELL_RANGE = re.compile(r"\b([A-Z]{1,3}[0-9]+):\1\b")
