"""The catalogue's indicators worked out per community from the analysis outputs.

The scoring algorithm is given what ``facilitygap`` and ``tieredprovision`` wrote (a layer of
compounds with ``ok_<code>`` per facility type, and the long provision table) and needs one
number per community and indicator. This module does that arithmetic on plain rows, exactly
as :mod:`.indicators` describes each indicator, so that the rules are read and tested without
QGIS and so that a later scenario run (planned projects added) reuses them unchanged.

A value that cannot be known is ``None`` (the point is then *no data*, never a silent 0): a
community without compounds has no coverage, a community missing from the provision table has
none of its indicators, an area deficit with a facility of unknown area is unknown.

Tables arrive from GeoPackage (typed) or CSV (every cell text), so numbers are accepted as
numbers or numeric text; anything else stops the run with a message naming the row, compound
and column.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..errors import N_, DataError
from ..provision.model import (
    COMMUNITY,
    DISTRICT,
    NEIGHBOURHOOD,
    SIZE_IN_RANGE,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
)
from ..schema import show_value
from .evaluate import community_key

#: Provision statuses that count as provided (达标, 共享达标).
OK_STATUSES = (STATUS_OK, STATUS_OK_SHARED)
_KNOWN_STATUSES = (*OK_STATUSES, STATUS_AREA_SHORT, STATUS_MISSING, STATUS_SIZE_MISMATCH)
_TIERS = (DISTRICT, COMMUNITY, NEIGHBOURHOOD)

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
_DUPLICATE_COMMUNITY = N_("Community {community} appears more than once; ids must be unique")
_GAP_NOT_NUMBER = N_("Compound {compound}: field '{field}' must be a number, got '{value}'")
_GAP_NOT_FLAG = N_("Compound {compound}: field '{field}' must be 1, 0 or empty, got '{value}'")
_PROJECTS_NOT_NUMBER = N_(
    "Community {community}: the number of planned projects must be a number, got '{value}'"
)


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    """One compound of the ``facilitygap`` output: the community it belongs to, its population
    and ``ok_<code>`` per facility type (1, 0 or None), keyed by type code."""

    compound_id: Any
    community_id: Any
    population: Any
    ok: Mapping[str, Any]


@dataclass
class GapColumns:
    """The ``facilitygap`` output as read, column by column: per compound (in one order) its
    id, community and population, ``ok_T`` and ``dist_T`` per facility type code T (in the
    order of ``codes``), ``time_T`` when the analysis measured walking time, and, when a name
    field was given, its name. ``label`` names the layer in messages. ``distances`` and
    ``times`` are empty when the reader did not read them (rubric scoring needs only ``ok``;
    the workbook's gap list shows the rest)."""

    label: str
    codes: List[str]
    compound_ids: List[str]
    community_ids: List[Any]
    population: List[Any]
    ok: Dict[str, List[Any]]
    distances: Dict[str, List[Any]]
    names: List[Optional[str]]
    times: Dict[str, List[Any]] = field(default_factory=dict)

    def rows(self) -> List[GapRow]:
        """The rows the indicators are worked out from (values already plain as read)."""
        flags = [self.ok[code] for code in self.codes]
        return [
            GapRow(compound, community, population, dict(zip(self.codes, values)))
            for compound, community, population, *values in zip(
                self.compound_ids, self.community_ids, self.population, *flags
            )
        ]


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

    @property
    def area_deficit(self) -> Optional[float]:
        """The floor-area deficit; the land-area one for a type with only a land-area rule."""
        if self.req_floor_area is not None:
            return self.deficit_floor_area
        if self.req_land_area is not None:
            return self.deficit_land_area
        return None

    @property
    def provided(self) -> bool:
        """达标 or 共享达标 by the arithmetic, whatever the unit's size (规模不符)."""
        return self.provision_status in OK_STATUSES


@dataclass(frozen=True)
class IndicatorTable:
    """Indicator values per community (keyed by the ids given, in their order) and what did
    not fit: ids are as the inputs spell them.

    - ``available``: the indicator names computed (every community has each, maybe None);
    - ``unassigned_compounds``: compounds of the gap rows with no community;
    - ``compounds_elsewhere``: per community id not among those scored, its compounds;
    - ``compounds_without_population``: compounds left out of coverage (no or negative
      population);
    - ``communities_without_compounds``: communities with no gap row (their coverage is None);
    - ``communities_not_in_provision``: communities with no row in the provision table;
    - ``provision_communities_unknown``: community units of the provision table not scored.
    """

    values: Dict[Any, Dict[str, Optional[float]]]
    available: Tuple[str, ...] = ()
    unassigned_compounds: Tuple[str, ...] = ()
    compounds_elsewhere: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    compounds_without_population: Tuple[str, ...] = ()
    communities_without_compounds: Tuple[str, ...] = ()
    communities_not_in_provision: Tuple[str, ...] = ()
    provision_communities_unknown: Tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Reading the provision table
# --------------------------------------------------------------------------------------------


def read_provision_rows(
    rows: Iterable[Mapping[str, Any]],
    source: str = "Provision table",
    columns: Optional[Iterable[str]] = None,
) -> List[ProvisionRecord]:
    """Typed records from the rows of the ``tieredprovision`` long table (rows from 1).

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
) -> List[ProvisionRecord]:
    """Typed records from the columns of the ``tieredprovision`` long table (rows from 1).

    ``table`` maps column names (at least :data:`PROVISION_COLUMNS`) to the column's values,
    as a table is read in bulk; numbers may be numeric text and empty cells None or "". A
    missing column, an unknown tier or status, a cell that is not a number, a unit and type
    given twice or a type at two tiers raises :class:`DataError` naming the row and column.
    """
    for column in PROVISION_COLUMNS:
        if column not in table:
            raise DataError(_MISSING_COLUMN, source=source, column=column)
    tiers = _choice_column(table["tier"], _TIERS, _BAD_TIER, source)
    statuses = _choice_column(table["provision_status"], _KNOWN_STATUSES, _BAD_STATUS, source)
    keys = {}
    for column in ("unit_id", "parent_id", "type_code"):
        keys[column] = _key_column(table[column])
        if column != "parent_id" and "" in keys[column]:
            row = keys[column].index("") + 1
            raise DataError(_CELL_EMPTY, source=source, row=row, column=column)
    numbers = {
        column: _number_column(table[column], column, source, column in _REQUIRED_NUMBERS)
        for column in _REQUIRED_NUMBERS + _OPTIONAL_NUMBERS
    }
    _check_unique(tiers, keys["unit_id"], keys["type_code"], source)
    _check_one_tier_per_type(tiers, keys["type_code"], source)
    columns = (
        range(1, len(tiers) + 1),
        tiers,
        keys["unit_id"],
        keys["parent_id"],
        numbers["population"],
        keys["type_code"],
        [bool(value) for value in numbers["mandatory"]],
        numbers["own_count"],
        numbers["shared_count"],
        numbers["deficit_count"],
        numbers["req_floor_area"],
        numbers["deficit_floor_area"],
        numbers["req_land_area"],
        numbers["deficit_land_area"],
        statuses,
        _texts(table["size_flag"]),
    )
    # ``tuple.__new__`` on the columns' rows: the records made without a Python call each.
    return list(map(_new_record, zip(*columns)))


#: A :class:`ProvisionRecord` from a tuple of its values (what ``ProvisionRecord._make`` does).
_new_record = partial(tuple.__new__, ProvisionRecord)


def _choice_column(
    values: Sequence[Any], allowed: Tuple[str, ...], message: str, source: str
) -> List[str]:
    texts = _texts(values)
    unknown = set(texts) - set(allowed)
    if unknown:
        row = next(number for number, text in enumerate(texts, 1) if text in unknown)
        raise DataError(
            message,
            source=source,
            row=row,
            allowed=", ".join(allowed),
            value=show_value(texts[row - 1]),
        )
    return texts


def _number_column(
    values: Sequence[Any], column: str, source: str, required: bool
) -> List[Optional[float]]:
    """A column of numbers (numbers or numeric text; None or "" for empty), checked.

    numpy converts a whole column at once (None becomes NaN); a column it cannot convert (a
    cell that is not a number, or empty text) is gone through cell by cell for the message.
    """
    try:
        numbers = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return _number_column_by_cell(values, column, source, required)
    if numbers.ndim != 1 or np.isinf(numbers).any():
        return _number_column_by_cell(values, column, source, required)
    result: List[Optional[float]] = numbers.tolist()
    empty = np.flatnonzero(np.isnan(numbers))
    if len(empty):
        if required:
            raise DataError(_CELL_EMPTY, source=source, row=int(empty[0]) + 1, column=column)
        for index in empty.tolist():
            result[index] = None
    return result


def _number_column_by_cell(
    values: Sequence[Any], column: str, source: str, required: bool
) -> List[Optional[float]]:
    result: List[Optional[float]] = []
    for number, value in enumerate(values, 1):
        value = _table_number(value, source, number, column)
        if value is None and required:
            raise DataError(_CELL_EMPTY, source=source, row=number, column=column)
        result.append(value)
    return result


def _check_unique(tiers: List[str], units: List[str], codes: List[str], source: str) -> None:
    if len(set(zip(tiers, units, codes))) == len(tiers):
        return
    seen: Dict[Tuple[str, str, str], int] = {}
    for number, key in enumerate(zip(tiers, units, codes), 1):
        earlier = seen.setdefault(key, number)
        if earlier != number:
            raise DataError(
                _DUPLICATE_ROW, source=source, row=number, unit=key[1], code=key[2], other=earlier
            )


def _check_one_tier_per_type(tiers: List[str], codes: List[str], source: str) -> None:
    if len(set(zip(codes, tiers))) == len(set(codes)):
        return
    tier_of: Dict[str, Tuple[str, int]] = {}
    for number, (tier, code) in enumerate(zip(tiers, codes), 1):
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


def _texts(values: Sequence[Any]) -> List[str]:
    """:func:`_text` of a whole column."""
    if _all_plain_text(values):
        return list(values)
    return [value.strip() if type(value) is str else _text(value) for value in values]


def _key_column(values: Sequence[Any]) -> List[str]:
    """Ids as text for matching (:func:`.evaluate.community_key`) of a whole column."""
    if _all_plain_text(values):
        return list(values)
    return [value.strip() if type(value) is str else community_key(value) for value in values]


def _all_plain_text(values: Sequence[Any]) -> bool:
    """Every value text without spaces around it: a column that reads as it is. Its few
    distinct values are looked at, not each cell (a city's table has 200,000 rows)."""
    try:
        distinct = set(values)
    except TypeError:  # something unhashable: looked at cell by cell
        return False
    return all(type(value) is str and value == value.strip() for value in distinct)


def _number(value: Any) -> Optional[float]:
    """A float from a number or numeric text, None for empty; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return float(value)
    number = float(value.strip() if isinstance(value, str) else value)
    if math.isinf(number):
        raise ValueError(value)
    return None if math.isnan(number) else number


def _table_number(value: Any, source: str, row: int, column: str) -> Optional[float]:
    try:
        return _number(value)
    except (TypeError, ValueError):
        raise DataError(
            _CELL_NOT_NUMBER, source=source, row=row, column=column, value=show_value(value)
        ) from None


# --------------------------------------------------------------------------------------------
# The indicators
# --------------------------------------------------------------------------------------------


def compute_indicators(
    community_ids: Sequence[Any],
    gap_rows: Iterable[GapRow] = (),
    provision_rows: Iterable[ProvisionRecord] = (),
    community_range: Optional[Tuple[float, float]] = None,
    planned_projects: Optional[Mapping[Any, Any]] = None,
) -> IndicatorTable:
    """Every indicator the inputs allow, for each of ``community_ids``.

    - From ``gap_rows``: ``coverage_<code>`` for every code found in their ``ok`` mappings.
    - From ``provision_rows``: ``has_``, ``count_deficit_``, ``area_deficit_`` and
      ``status_ok_<code>`` for every type in the table, ``population``,
      ``population_in_range`` and ``types_short``.
    - ``population`` without a provision table: the compounds' sum from the gap rows (None
      when any of them lacks a population); ``population_in_range`` without one: the
      population against ``community_range`` (min, max), when given.
    - ``planned_projects`` (community id -> number of projects), when given; 0 for
      communities it does not name.

    Communities are matched by id as text (101, 101.0 and "101" are one community).
    """
    keys = _community_keys(community_ids)
    values: Dict[Any, Dict[str, Optional[float]]] = {community: {} for community in keys.values()}
    gaps = _Coverage(keys)
    for row in gap_rows:
        gaps.add(row)
    for key, community in keys.items():
        values[community].update(gaps.coverage(key))
    records = list(provision_rows)
    provision = _Provision(records)
    for key, community in keys.items():
        values[community].update(provision.indicators(key))
        if gaps.n_rows:
            _add_population(values[community], gaps.population(key), community_range)
    if planned_projects is not None:
        _add_projects(values, keys, planned_projects)
    available = tuple(next(iter(values.values())).keys()) if values else ()
    in_provision = provision.communities()
    return IndicatorTable(
        values=values,
        available=available,
        unassigned_compounds=tuple(gaps.unassigned),
        compounds_elsewhere={key: tuple(ids) for key, ids in gaps.elsewhere.items()},
        compounds_without_population=tuple(gaps.without_population),
        communities_without_compounds=tuple(key for key in keys if key not in gaps.members),
        communities_not_in_provision=(
            tuple(key for key in keys if key not in in_provision) if records else ()
        ),
        provision_communities_unknown=tuple(
            key for key in provision.community_units() if key not in keys
        ),
    )


def _community_keys(community_ids: Sequence[Any]) -> Dict[str, Any]:
    keys: Dict[str, Any] = {}
    for community in community_ids:
        key = community_key(community)
        if key in keys:
            raise DataError(_DUPLICATE_COMMUNITY, community=show_value(community))
        keys[key] = community
    return keys


def _add_population(
    values: Dict[str, Optional[float]],
    gap_population: Optional[float],
    community_range: Optional[Tuple[float, float]],
) -> None:
    """Fill ``population`` and ``population_in_range`` where the provision table did not:
    the compounds' sum, and that sum against the standard's range for a community."""
    if values.get("population") is None:
        values["population"] = gap_population
    if values.get("population_in_range") is None and community_range is not None:
        population = values["population"]
        low, high = community_range
        values["population_in_range"] = (
            None if population is None else float(low <= population <= high)
        )


def _add_projects(
    values: Dict[Any, Dict[str, Optional[float]]],
    keys: Dict[str, Any],
    planned_projects: Mapping[Any, Any],
) -> None:
    counts: Dict[str, float] = {}
    for community, count in planned_projects.items():
        try:
            number = _number(count)
        except (TypeError, ValueError):
            number = None
        if number is None:
            raise DataError(
                _PROJECTS_NOT_NUMBER, community=show_value(community), value=show_value(count)
            )
        counts[community_key(community)] = number
    for key, community in keys.items():
        values[community]["planned_projects"] = counts.get(key, 0.0)


#: Values of an ok_ flag taken as they are (1.0 and True among them: they count alike).
_PLAIN_FLAGS = frozenset((0, 1, None))


class _Coverage:
    """Population-weighted coverage per community and type from the compounds' ok flags."""

    def __init__(self, keys: Mapping[str, Any]) -> None:
        self.keys = keys
        self.n_rows = 0
        self.codes: Dict[str, None] = {}
        self.members: Dict[str, List[Tuple[Optional[float], Dict[str, Optional[float]]]]] = {}
        self.unassigned: List[str] = []
        self.elsewhere: Dict[str, List[str]] = {}
        self.without_population: List[str] = []

    def add(self, row: GapRow) -> None:
        self.n_rows += 1
        compound = show_value(row.compound_id)
        if not self.codes.keys() >= row.ok.keys():
            for code in row.ok:
                self.codes.setdefault(code, None)
        key = community_key(row.community_id)
        if not key:
            self.unassigned.append(compound)
            return
        if key not in self.keys:
            self.elsewhere.setdefault(key, []).append(compound)
            return
        population = _gap_population(row.population, compound)
        if population is None:
            self.without_population.append(compound)
        flags = row.ok
        if not _PLAIN_FLAGS.issuperset(flags.values()):  # 1, 0 and NULL as they are
            flags = dict(flags)
            for code, value in flags.items():  # anything else checked
                if value is not None and not (type(value) is int and (value == 1 or value == 0)):
                    flags[code] = _gap_flag(value, compound, code)
        self.members.setdefault(key, []).append((population, flags))

    def coverage(self, key: str) -> Dict[str, Optional[float]]:
        """Per type, the share of the community's residents (of compounds judged for it)
        within its reach."""
        members = [member for member in self.members.get(key, ()) if member[0] is not None]
        populations = [population for population, _flags in members]
        codes = list(self.codes)
        # The compounds' flags type by type (a column per type; None where not judged).
        columns = zip(*(map(flags.get, codes) for _population, flags in members))
        result: Dict[str, Optional[float]] = {}
        for code, flags in itertools.zip_longest(codes, columns, fillvalue=()):
            judged = map(operator.is_not, flags, itertools.repeat(None))
            total = math.fsum(itertools.compress(populations, judged))
            result["coverage_" + code] = (
                math.fsum(itertools.compress(populations, flags)) / total if total > 0 else None
            )
        return result

    def population(self, key: str) -> Optional[float]:
        """The compounds' sum; None without compounds or when any lacks a population."""
        members = self.members.get(key)
        if not members or any(population is None for population, _ in members):
            return None
        return math.fsum(population for population, _ in members)  # type: ignore[misc]


def _gap_population(value: Any, compound: str) -> Optional[float]:
    """A compound's population; None for NULL and negative (left out, as facilitygap does)."""
    try:
        number = _number(value)
    except (TypeError, ValueError):
        raise DataError(
            _GAP_NOT_NUMBER, compound=compound, field="population", value=show_value(value)
        ) from None
    return None if number is None or number < 0 else number


def _gap_flag(value: Any, compound: str, code: str) -> Optional[float]:
    if value is None:
        return None
    kind = type(value)
    if (kind is int or kind is float) and (value == 1 or value == 0):
        return float(value)
    try:
        number = _number(value)
    except (TypeError, ValueError):
        number = -1.0
    if number is not None and number not in (0.0, 1.0):
        raise DataError(
            _GAP_NOT_FLAG, compound=compound, field="ok_" + code, value=show_value(value)
        )
    return number


class _Provision:
    """The provision table indexed for one community at a time: its own rows, its compounds'
    rows and its district's rows, by facility type."""

    def __init__(self, records: Sequence[ProvisionRecord]) -> None:
        self.tier_of: Dict[str, str] = {}
        self.mandatory: Dict[str, bool] = {}
        self.by_unit: Dict[Tuple[str, str], Dict[str, ProvisionRecord]] = {}
        self.compounds: Dict[str, Dict[str, List[ProvisionRecord]]] = {}
        tier_of, by_unit = self.tier_of, self.by_unit
        for record in records:
            code, tier = record.type_code, record.tier
            if code not in tier_of:
                tier_of[code] = tier
                self.mandatory[code] = record.mandatory
            unit = (tier, record.unit_id)
            of_unit = by_unit.get(unit)
            if of_unit is None:
                of_unit = by_unit[unit] = {}
            of_unit[code] = record
            if tier == NEIGHBOURHOOD and record.parent_id:
                of_community = self.compounds.setdefault(record.parent_id, {})
                of_community.setdefault(code, []).append(record)
        self._district_values: Dict[Tuple[str, str], Tuple[Optional[float], ...]] = {}
        #: Per type: its code, tier, whether mandatory and its four indicators' names.
        self.types = [
            (code, tier, self.mandatory[code], _type_indicator_names(code))
            for code, tier in tier_of.items()
        ]

    def community_units(self) -> List[str]:
        return [unit for tier, unit in self.by_unit if tier == COMMUNITY]

    def communities(self) -> set:
        return set(self.community_units()) | set(self.compounds)

    def indicators(self, key: str) -> Dict[str, Optional[float]]:
        if not self.tier_of:
            return {}
        own = self.by_unit.get((COMMUNITY, key), {})
        district = next((record.parent_id for record in own.values() if record.parent_id), "")
        rows_by_tier = {
            COMMUNITY: {code: [record] for code, record in own.items()},
            DISTRICT: {
                code: [record]
                for code, record in self.by_unit.get((DISTRICT, district), {}).items()
            },
            NEIGHBOURHOOD: self.compounds.get(key, {}),
        }
        result: Dict[str, Optional[float]] = {}
        short = 0
        for code, tier, mandatory, names in self.types:
            rows = rows_by_tier[tier].get(code, ())
            if tier == DISTRICT:  # the same for every community of the district
                values = self._district_values.get((district, code))
                if values is None:
                    values = self._district_values[district, code] = _type_values(rows)
            else:
                values = _type_values(rows)
                if rows and mandatory:
                    short += not values[3]  # not every row provided (达标 or 共享达标)
            result.update(zip(names, values))
        assessed = bool(own or rows_by_tier[NEIGHBOURHOOD])
        first = next(iter(own.values()), None)
        result["population"] = first.population if first is not None else None
        result["population_in_range"] = (
            float(first.size_flag == SIZE_IN_RANGE) if first is not None else None
        )
        result["types_short"] = float(short) if assessed else None
        return result


def _type_indicator_names(code: str) -> Tuple[str, str, str, str]:
    return ("has_" + code, "count_deficit_" + code, "area_deficit_" + code, "status_ok_" + code)


def _type_values(rows: Sequence[ProvisionRecord]) -> Tuple[Optional[float], ...]:
    """has_, count_deficit_, area_deficit_ and status_ok_ of one type over ``rows`` (the
    community's own row, its district's, or one per compound); all None without rows."""
    if not rows:
        return (None, None, None, None)
    if len(rows) == 1:
        (record,) = rows
        area = record.area_deficit
        return (
            float(record.own_count + record.shared_count >= 1),
            math.fsum((record.deficit_count,)),
            None if area is None else math.fsum((area,)),
            float(record.provision_status in OK_STATUSES),
        )
    areas = [record.area_deficit for record in rows]
    return (
        float(any(r.own_count + r.shared_count >= 1 for r in rows)),
        math.fsum([record.deficit_count for record in rows]),
        None if None in areas else math.fsum(areas),  # type: ignore
        float(all(record.provision_status in OK_STATUSES for record in rows)),
    )
