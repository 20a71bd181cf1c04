"""The ``tieredprovision`` long table (``OUTPUT_TABLE``) read, checked and typed, column by column.

Rubric scoring and the workbook read the table a city's analysis wrote — some 200,000 rows, one
per unit and facility type — from its columns as read in bulk. The columns stay columns: ids
and choices as text, each with its distinct values numbered so that numpy can group and compare
rows by number; numbers as float arrays. The indicators are worked out from them in a few numpy
passes (:mod:`.indicator_values`); the workbook's deficit list takes the rows one by one
(:meth:`ProvisionColumns.records`).

Tables arrive from GeoPackage (typed) or CSV (every cell text), so numbers are accepted as
numbers or numeric text; anything else stops the run with a message naming the row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

import numpy as np

from ..errors import N_, DataError
from ..provision.model import (
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
)
from ..schema import show_value
from ..values import checked_number
from .evaluate import community_key

#: Provision statuses that count as provided (达标, 共享达标).
OK_STATUSES = (STATUS_OK, STATUS_OK_SHARED)
_KNOWN_STATUSES = (*OK_STATUSES, STATUS_AREA_SHORT, STATUS_MISSING, STATUS_SIZE_MISMATCH)
#: The tiers, in the order their numbers (:attr:`ProvisionColumns.tier_numbers`) follow.
TIERS = (DISTRICT, COMMUNITY, NEIGHBOURHOOD)

#: The columns of the ``tieredprovision`` long table (``OUTPUT_TABLE``) read here.
PROVISION_COLUMNS: Tuple[str, ...] = (
    "tier",
    "unit_id",
    "parent_id",
    "population",
    "type_code",
    "mandatory",
    "own_count",
    "shared_count",
    "deficit_count",
    "req_floor_area",
    "deficit_floor_area",
    "req_land_area",
    "deficit_land_area",
    "provision_status",
    "size_flag",
)
_REQUIRED_NUMBERS = ("population", "mandatory", "own_count", "shared_count", "deficit_count")
_OPTIONAL_NUMBERS = ("req_floor_area", "deficit_floor_area", "req_land_area", "deficit_land_area")

_MISSING_COLUMN = N_(
    "{source}: column '{column}' is missing; give the provision table (OUTPUT_TABLE) of "
    "completecommunity:tieredprovision"
)
_CELL_EMPTY = N_("{source}, row {row}: column '{column}' is empty")
_CELL_NOT_NUMBER = N_("{source}, row {row}: column '{column}' must be a number, got '{value}'")
_BAD_TIER = N_("{source}, row {row}: column 'tier' must be one of {allowed}, got '{value}'")
_BAD_STATUS = N_(
    "{source}, row {row}: column 'provision_status' must be one of {allowed}, got '{value}'"
)
_DUPLICATE_ROW = N_(
    "{source}, row {row}: unit {unit} and facility type {code} are already in row {other}"
)
_TYPE_TWO_TIERS = N_(
    "{source}, row {row}: facility type {code} is at tier {tier} here but at tier {other} in "
    "row {other_row}"
)


class ProvisionRecord(NamedTuple):
    """One row of the ``tieredprovision`` long table, typed. Areas are None where the type has
    no such rule, or where it has one but a facility's area is unknown (deficit only).

    A named tuple rather than a dataclass: a city's table has some 200,000 rows, and a tuple
    is made several times faster."""

    row: int
    tier: str
    unit_id: str
    parent_id: str
    population: float
    type_code: str
    mandatory: bool
    own_count: float
    shared_count: float
    deficit_count: float
    req_floor_area: Optional[float]
    deficit_floor_area: Optional[float]
    req_land_area: Optional[float]
    deficit_land_area: Optional[float]
    provision_status: str
    size_flag: str


class CodedColumn:
    """A text column with its distinct values numbered in the order they first appear: row i
    reads ``values[codes[i]]``. Rows are grouped and compared by the numbers, in numpy, rather
    than by 200,000 strings in Python."""

    def __init__(
        self, values: List[str], codes: np.ndarray, texts: Optional[Sequence[str]] = None
    ) -> None:
        self.values = values
        self.codes = codes
        self._texts = texts

    @property
    def texts(self) -> Sequence[str]:
        """The column row by row (made from the numbers, once, when not given)."""
        if self._texts is None:
            self._texts = list(map(self.values.__getitem__, self.codes.tolist()))
        return self._texts

    def numbers_of(self, number_of: Callable[[str], int]) -> np.ndarray:
        """Per row, ``number_of`` its text (worked out once per distinct value)."""
        return np.array([number_of(value) for value in self.values], dtype=np.int64)[self.codes]


@dataclass(frozen=True)
class ProvisionColumns:
    """The provision table checked and typed, column by column (position i is row i + 1).

    ``numbers`` holds the numeric columns as float arrays, NaN where a cell is empty (only
    the optional area columns have empty cells)."""

    tier: CodedColumn
    unit_id: CodedColumn
    parent_id: CodedColumn
    type_code: CodedColumn
    provision_status: CodedColumn
    size_flag: Sequence[str]
    numbers: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.tier.texts)

    @property
    def tier_numbers(self) -> np.ndarray:
        """Per row, the position of its tier in :data:`TIERS`."""
        return self.tier.numbers_of(TIERS.index)

    def records(self) -> List[ProvisionRecord]:
        """The rows as :class:`ProvisionRecord` (for code that goes through them one by one)."""
        numbers = {column: _with_none(values) for column, values in self.numbers.items()}
        columns = (
            range(1, len(self) + 1),
            self.tier.texts,
            self.unit_id.texts,
            self.parent_id.texts,
            numbers["population"],
            self.type_code.texts,
            [bool(value) for value in numbers["mandatory"]],
            *(numbers[column] for column in _REQUIRED_NUMBERS[2:] + _OPTIONAL_NUMBERS),
            self.provision_status.texts,
            self.size_flag,
        )
        # ``tuple.__new__`` on the columns' rows: the records made without a Python call each.
        return list(map(_new_record, zip(*columns)))


#: A :class:`ProvisionRecord` from a tuple of its values (what ``ProvisionRecord._make`` does).
_new_record = partial(tuple.__new__, ProvisionRecord)


def _with_none(values: np.ndarray) -> List[Optional[float]]:
    """A float column as Python numbers, None where NaN (an empty cell)."""
    result: List[Optional[float]] = values.tolist()
    for index in np.flatnonzero(np.isnan(values)).tolist():
        result[index] = None
    return result


def read_provision_rows(
    rows: Iterable[Mapping[str, Any]],
    source: str = "Provision table",
    columns: Optional[Iterable[str]] = None,
) -> ProvisionColumns:
    """The ``tieredprovision`` long table from its rows (rows from 1).

    Each row maps column names (at least :data:`PROVISION_COLUMNS`) to values; see
    :func:`read_provision_columns`, which this hands them to column by column.
    """
    rows = list(rows)
    present = set(columns) if columns is not None else None
    for row in rows:
        for column in PROVISION_COLUMNS:
            if column not in row:
                raise DataError(_MISSING_COLUMN, source=source, column=column)
    if present is None:
        present = set(PROVISION_COLUMNS)
    table = {
        column: [row[column] for row in rows] for column in PROVISION_COLUMNS if column in present
    }
    return read_provision_columns(table, source)


def read_provision_columns(
    table: Mapping[str, Sequence[Any]], source: str = "Provision table"
) -> ProvisionColumns:
    """The ``tieredprovision`` long table, checked and typed, from its columns (rows from 1).

    ``table`` maps column names (at least :data:`PROVISION_COLUMNS`) to the column's values,
    as a table is read in bulk; numbers may be numeric text and empty cells None or "". A
    missing column, an unknown tier or status, a cell that is not a number, a unit and type
    given twice or a type at two tiers raises :class:`DataError` naming the row and column.
    """
    for column in PROVISION_COLUMNS:
        if column not in table:
            raise DataError(_MISSING_COLUMN, source=source, column=column)
    tiers = _choice_column(table["tier"], TIERS, _BAD_TIER, source)
    statuses = _choice_column(table["provision_status"], _KNOWN_STATUSES, _BAD_STATUS, source)
    keys = {}
    for column in ("unit_id", "parent_id", "type_code"):
        keys[column] = _coded_texts(table[column], community_key)
        if column != "parent_id" and "" in keys[column].values:
            row = keys[column].texts.index("") + 1
            raise DataError(_CELL_EMPTY, source=source, row=row, column=column)
    numbers = {
        column: _number_column(table[column], column, source, column in _REQUIRED_NUMBERS)
        for column in _REQUIRED_NUMBERS + _OPTIONAL_NUMBERS
    }
    _check_unique(tiers, keys["unit_id"], keys["type_code"], source)
    _check_one_tier_per_type(tiers, keys["type_code"], source)
    return ProvisionColumns(
        tier=tiers,
        unit_id=keys["unit_id"],
        parent_id=keys["parent_id"],
        type_code=keys["type_code"],
        provision_status=statuses,
        size_flag=_texts(table["size_flag"]),
        numbers=numbers,
    )


def _choice_column(
    values: Sequence[Any], allowed: Tuple[str, ...], message: str, source: str
) -> CodedColumn:
    column = _coded_texts(values, _text)
    unknown = set(column.values) - set(allowed)
    if unknown:
        row = next(number for number, text in enumerate(column.texts, 1) if text in unknown)
        raise DataError(
            message,
            source=source,
            row=row,
            allowed=", ".join(allowed),
            value=show_value(column.texts[row - 1]),
        )
    return column


#: Cells numpy reads as numbers as they are (None as NaN).
_PLAIN_NUMBER_TYPES = frozenset((int, float, type(None)))


def _number_column(values: Sequence[Any], column: str, source: str, required: bool) -> np.ndarray:
    """A column of numbers (numbers or numeric text; None or "" for empty), checked; NaN
    where empty.

    numpy converts a whole column at once (None becomes NaN); a column it cannot convert (a
    cell that is not a number, or empty text) is gone through cell by cell for the message.
    A column of only numbers and None (as a GeoPackage gives it) goes through ``fromiter``,
    which need not first find out what the cells are.
    """
    try:
        if _PLAIN_NUMBER_TYPES.issuperset(map(type, values)):
            numbers = np.fromiter(values, dtype=np.float64, count=len(values))
        else:
            numbers = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return _number_column_by_cell(values, column, source, required)
    if numbers.ndim != 1 or np.isinf(numbers).any():
        return _number_column_by_cell(values, column, source, required)
    if required:
        empty = np.flatnonzero(np.isnan(numbers))
        if len(empty):
            raise DataError(_CELL_EMPTY, source=source, row=int(empty[0]) + 1, column=column)
    return numbers


def _number_column_by_cell(
    values: Sequence[Any], column: str, source: str, required: bool
) -> np.ndarray:
    result: List[Optional[float]] = []
    for number, value in enumerate(values, 1):
        value = _table_number(value, source, number, column)
        if value is None and required:
            raise DataError(_CELL_EMPTY, source=source, row=number, column=column)
        result.append(value)
    return np.array(result, dtype=np.float64)


def _check_unique(tiers: CodedColumn, units: CodedColumn, codes: CodedColumn, source: str) -> None:
    """No unit with a facility type twice (at one tier): the numbers of the three columns
    made one, then looked for twice; the rows named only when there is a duplicate."""
    combined = units.codes.astype(np.int64) * len(codes.values) + codes.codes
    combined = combined * len(tiers.values) + tiers.codes
    if np.unique(combined).size == len(combined):
        return
    seen: Dict[Tuple[str, str, str], int] = {}
    for number, key in enumerate(zip(tiers.texts, units.texts, codes.texts), 1):
        earlier = seen.setdefault(key, number)
        if earlier != number:
            raise DataError(
                _DUPLICATE_ROW, source=source, row=number, unit=key[1], code=key[2], other=earlier
            )


def _check_one_tier_per_type(tiers: CodedColumn, codes: CodedColumn, source: str) -> None:
    pairs = codes.codes.astype(np.int64) * len(tiers.values) + tiers.codes
    if np.unique(pairs).size == len(codes.values):
        return
    tier_of: Dict[str, Tuple[str, int]] = {}
    for number, (tier, code) in enumerate(zip(tiers.texts, codes.texts), 1):
        earlier = tier_of.setdefault(code, (tier, number))
        if earlier[0] != tier:
            raise DataError(
                _TYPE_TWO_TIERS,
                source=source,
                row=number,
                code=code,
                tier=tier,
                other=earlier[0],
                other_row=earlier[1],
            )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _texts(values: Sequence[Any]) -> Sequence[str]:
    """:func:`_text` of a whole column."""
    if _plain_distinct(values) is not None:
        return values
    return [value.strip() if type(value) is str else _text(value) for value in values]


def _coded_texts(values: Sequence[Any], as_text: Callable[[Any], str]) -> CodedColumn:
    """A column as text (text stripped, ``as_text`` of anything else), numbered.

    A column of text and empty cells (None) — what a table gives — is made text distinct
    value by distinct value; other cells are made text one by one (1, 1.0 and True are one
    distinct value of a dict but not one text)."""
    distinct = _distinct(values)
    if distinct is None or not all(value is None or type(value) is str for value in distinct):
        values = [value.strip() if type(value) is str else as_text(value) for value in values]
        distinct = dict.fromkeys(values)
    text_of = {value: value.strip() if type(value) is str else as_text(value) for value in distinct}
    numbers = {text: number for number, text in enumerate(dict.fromkeys(text_of.values()))}
    number_of = {value: numbers[text] for value, text in text_of.items()}
    codes = np.fromiter(map(number_of.__getitem__, values), dtype=np.intp, count=len(values))
    as_they_are = all(value == text for value, text in text_of.items())
    return CodedColumn(list(numbers), codes, values if as_they_are else None)


def _distinct(values: Sequence[Any]) -> Optional[Dict[Any, None]]:
    """The distinct values in the order they first appear; None for something unhashable."""
    try:
        return dict.fromkeys(values)
    except TypeError:
        return None


def _plain_distinct(values: Sequence[Any]) -> Optional[Dict[str, None]]:
    """The distinct values, in the order they first appear, of a column that reads as it is
    (every value text without spaces around it); None for any other column. Its few distinct
    values are looked at, not each cell (a city's table has 200,000 rows)."""
    distinct = _distinct(values)
    if distinct is not None and all(
        type(value) is str and value == value.strip() for value in distinct
    ):
        return distinct
    return None


def _table_number(value: Any, source: str, row: int, column: str) -> Optional[float]:
    try:
        return checked_number(value)
    except (TypeError, ValueError):
        raise DataError(
            _CELL_NOT_NUMBER, source=source, row=row, column=column, value=show_value(value)
        ) from None
