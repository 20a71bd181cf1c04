"""The catalogue's indicators worked out per community from the analysis outputs.

The scoring algorithm is given what ``facilitygap`` and ``tieredprovision`` wrote (a layer of
compounds with ``ok_<code>`` per facility type, and the long provision table) and needs one
number per community and indicator. This module does that arithmetic on plain rows, exactly
as :mod:`.indicators` describes each indicator, so that the rules are read and tested without
QGIS and so that a later scenario run (planned projects added) reuses them unchanged.

A value that cannot be known is ``None`` (the point is then *no data*, never a silent 0): a
community without compounds has no coverage, a community missing from the provision table has
none of its indicators, an area deficit with a facility of unknown area is unknown.

The gap result arrives from GeoPackage (typed) or CSV (every cell text), so numbers are
accepted as numbers or numeric text; anything else stops the run with a message naming the
compound and field. The provision table is read and checked by :mod:`.provision_table`.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..errors import N_, DataError
from ..provision.model import COMMUNITY, DISTRICT, NEIGHBOURHOOD, SIZE_IN_RANGE
from ..schema import show_value
from ..values import checked_number
from .evaluate import community_key
from .provision_table import OK_STATUSES, TIERS, ProvisionColumns

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
# The indicators
# --------------------------------------------------------------------------------------------


def compute_indicators(
    community_ids: Sequence[Any],
    gap_rows: Iterable[GapRow] = (),
    provision: Optional[ProvisionColumns] = None,
    community_range: Optional[Tuple[float, float]] = None,
    planned_projects: Optional[Mapping[Any, Any]] = None,
) -> IndicatorTable:
    """Every indicator the inputs allow, for each of ``community_ids``.

    - From ``gap_rows``: ``coverage_<code>`` for every code found in their ``ok`` mappings.
    - From ``provision`` (the provision table as :mod:`.provision_table` reads it): ``has_``,
      ``count_deficit_``, ``area_deficit_`` and ``status_ok_<code>`` for every type in the
      table, ``population``, ``population_in_range`` and ``types_short``.
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
    provided = _Provision(provision, list(keys))
    for (key, community), provision_values in zip(keys.items(), provided.indicators()):
        values[community].update(provision_values)
        if gaps.n_rows:
            _add_population(values[community], gaps.population(key), community_range)
    if planned_projects is not None:
        _add_projects(values, keys, planned_projects)
    available = tuple(next(iter(values.values())).keys()) if values else ()
    return IndicatorTable(
        values=values,
        available=available,
        unassigned_compounds=tuple(gaps.unassigned),
        compounds_elsewhere={key: tuple(ids) for key, ids in gaps.elsewhere.items()},
        compounds_without_population=tuple(gaps.without_population),
        communities_without_compounds=tuple(key for key in keys if key not in gaps.members),
        communities_not_in_provision=provided.communities_not_in_table(),
        provision_communities_unknown=provided.communities_not_scored(),
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
            number = checked_number(count)
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
        number = checked_number(value)
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
        number = checked_number(value)
    except (TypeError, ValueError):
        number = -1.0
    if number is not None and number not in (0.0, 1.0):
        raise DataError(
            _GAP_NOT_FLAG, compound=compound, field="ok_" + code, value=show_value(value)
        )
    return number


#: The tiers' numbers (:attr:`.provision_table.ProvisionColumns.tier_numbers`).
_DISTRICT, _COMMUNITY, _NEIGHBOURHOOD = map(TIERS.index, (DISTRICT, COMMUNITY, NEIGHBOURHOOD))
#: Whether ``math.fsum`` gives +0.0 for a lone -0.0 (Python before 3.12; IEEE addition gives
#: it only with +0.0 added): :func:`_as_fsum` then adds +0.0.
_FSUM_CLEARS_NEGATIVE_ZERO = math.copysign(1.0, math.fsum((-0.0,))) > 0


class _Provision:
    """The provision table's indicators for the communities scored (``keys``), worked out for
    all of them at once over whole columns: a city's table has some 200,000 rows.

    Per community and facility type the values come from one row — the community's own
    (community-tier types) or its district's (district-tier types) — or from its compounds'
    rows combined (neighbourhood-tier types): any has a facility, the count and area deficits
    added up, provided only when every row is. They are kept as four (community, type)
    matrices, NaN where there is no value."""

    def __init__(self, table: Optional[ProvisionColumns], keys: List[str]) -> None:
        self.keys = keys
        self.table = table if table is not None and len(table) else None
        if self.table is None:
            return
        table = self.table
        self.position = {key: number for number, key in enumerate(keys)}
        self.tiers = table.tier_numbers
        self.type_rows = np.unique(table.type_code.codes, return_index=True)[1]  # first rows
        self.shape = (len(keys), len(self.type_rows))
        community = table.unit_id.numbers_of(self.community_of)
        own = np.flatnonzero((self.tiers == _COMMUNITY) & (community >= 0))
        self.first_rows = _first_rows(community[own], own, len(keys))
        rows = _rows_by_unit(community[own], table.type_code.codes[own], own, self.shape)
        named = own[table.parent_id.numbers_of(bool)[own] != 0]  # with a parent (district)
        rows = np.maximum(
            rows, self._district_rows(_first_rows(community[named], named, len(keys)))
        )
        row_values = _row_values(table)
        self.values = _single_row_values(row_values, rows)
        self.with_compounds = self._add_compound_values(row_values)

    def community_of(self, key: str) -> int:
        """A community's position in ``keys``; -1 for one not scored (or no id)."""
        return self.position.get(key, -1) if key else -1

    def _district_rows(self, naming_rows: np.ndarray) -> np.ndarray:
        """Per community and district-tier type, the row of the community's district (the
        parent its first row names: ``naming_rows``); -1 where there is none."""
        table = self.table
        assert table is not None
        parents = table.parent_id
        districts = [  # (a row -1 reads the last row's code, not used)
            parents.values[code] if row >= 0 else ""
            for row, code in zip(naming_rows.tolist(), parents.codes[naming_rows].tolist())
        ]
        named = dict.fromkeys(district for district in districts if district)
        slot = {district: number for number, district in enumerate(named)}
        of_row = table.unit_id.numbers_of(lambda unit: slot.get(unit, -1))
        rows = np.flatnonzero((self.tiers == _DISTRICT) & (of_row >= 0))
        by_district = _rows_by_unit(
            of_row[rows], table.type_code.codes[rows], rows, (len(slot) + 1, self.shape[1])
        )  # a last district of no rows: where slot -1 (no district) points
        return by_district[[slot.get(district, -1) for district in districts]]

    def _add_compound_values(self, row_values: Tuple[np.ndarray, ...]) -> np.ndarray:
        """Combine each community's compounds' rows per type (their :func:`_row_values`)
        into :attr:`values`; returns, per community, whether it has any."""
        table = self.table
        assert table is not None
        community = table.parent_id.numbers_of(self.community_of)
        rows = np.flatnonzero((self.tiers == _NEIGHBOURHOOD) & (community >= 0))
        with_compounds = np.bincount(community[rows], minlength=self.shape[0]) > 0
        if not len(rows):
            return with_compounds
        cells = community[rows] * self.shape[1] + table.type_code.codes[rows]
        order = np.argsort(cells, kind="stable")
        rows, cells = rows[order], cells[order]
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
        has, deficit, area, provided = row_values
        combined = (
            np.maximum.reduceat(has[rows], starts),  # any has one
            _group_sums(deficit[rows], starts),
            _group_sums(area[rows], starts),  # NaN (unknown) when any is
            np.minimum.reduceat(provided[rows], starts),  # all provided
        )
        for matrix, group_values in zip(self.values, combined):
            matrix.flat[cells[starts]] = group_values
        return with_compounds

    def indicators(self) -> List[Dict[str, Optional[float]]]:
        """Per community (in the order of ``keys``) its indicators, named as the catalogue
        names them: per type ``has_``, ``count_deficit_``, ``area_deficit_`` and
        ``status_ok_``, then ``population``, ``population_in_range`` and ``types_short``."""
        if self.table is None:
            return [{} for _ in self.keys]
        codes = self.table.type_code.values
        names = [name for code in codes for name in _type_indicator_names(code)]
        per_type = np.stack(self.values, axis=2).reshape(self.shape[0], 4 * self.shape[1])
        listed = per_type.astype(object)
        listed[np.isnan(per_type)] = None
        result = []
        for values, population, in_range, short in zip(listed.tolist(), *self._community_values()):
            indicators = dict(zip(names, values))
            indicators.update(
                population=population, population_in_range=in_range, types_short=short
            )
            result.append(indicators)
        return result

    def _community_values(self) -> Tuple[List[Optional[float]], ...]:
        """Per community its population and whether it is in range (from its first row), and
        how many mandatory community- and neighbourhood-tier types it is short of (None for a
        community the table does not assess)."""
        table = self.table
        assert table is not None
        first = self.first_rows.tolist()
        population = table.numbers["population"][self.first_rows].tolist()  # -1: not used
        mandatory = table.numbers["mandatory"][self.type_rows] != 0
        counted = mandatory & (self.tiers[self.type_rows] != _DISTRICT)
        short = ((self.values[3] == 0) & counted).sum(axis=1).tolist()
        assessed = ((self.first_rows >= 0) | self.with_compounds).tolist()
        return (
            [people if row >= 0 else None for people, row in zip(population, first)],
            [float(table.size_flag[row] == SIZE_IN_RANGE) if row >= 0 else None for row in first],
            [float(count) if known else None for count, known in zip(short, assessed)],
        )

    def communities_not_in_table(self) -> Tuple[str, ...]:
        """The communities scored that have no row in the table (none without a table)."""
        if self.table is None:
            return ()
        assessed = (self.first_rows >= 0) | self.with_compounds
        return tuple(key for key, known in zip(self.keys, assessed.tolist()) if not known)

    def communities_not_scored(self) -> Tuple[str, ...]:
        """The table's community units that are not scored, in the order they first appear."""
        if self.table is None:
            return ()
        units = self.table.unit_id
        codes = units.codes[self.tiers == _COMMUNITY]
        first = np.sort(np.unique(codes, return_index=True)[1])
        found = (units.values[code] for code in codes[first].tolist())
        return tuple(unit for unit in found if self.community_of(unit) < 0)


def _type_indicator_names(code: str) -> Tuple[str, str, str, str]:
    return ("has_" + code, "count_deficit_" + code, "area_deficit_" + code, "status_ok_" + code)


def _row_values(table: ProvisionColumns) -> Tuple[np.ndarray, ...]:
    """Per row: has a facility (own or shared), the count deficit, the area deficit (the
    floor area's; the land area's for a type with only a land-area rule; NaN where unknown or
    without a rule) and provided (达标 or 共享达标), as floats."""
    numbers = table.numbers
    has = (numbers["own_count"] + numbers["shared_count"] >= 1).astype(np.float64)
    land = np.where(np.isnan(numbers["req_land_area"]), np.nan, numbers["deficit_land_area"])
    area = np.where(np.isnan(numbers["req_floor_area"]), land, numbers["deficit_floor_area"])
    provided = table.provision_status.numbers_of(OK_STATUSES.__contains__)
    return has, numbers["deficit_count"], area, provided.astype(np.float64)


def _first_rows(numbers: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """Per number 0 … count - 1, the first of ``rows`` (ascending) with that number; -1 where
    none has it."""
    first = np.full(count, -1, dtype=np.int64)
    found, at = np.unique(numbers, return_index=True)
    first[found] = rows[at]
    return first


def _rows_by_unit(
    units: np.ndarray, types: np.ndarray, rows: np.ndarray, shape: Tuple[int, int]
) -> np.ndarray:
    """A (unit, type) matrix of ``rows`` (each of unit ``units[i]``, type ``types[i]``; the
    table has at most one row per unit and type); -1 where there is none."""
    found = np.full(shape, -1, dtype=np.int64)
    found[units, types] = rows
    return found


def _single_row_values(row_values: Tuple[np.ndarray, ...], rows: np.ndarray) -> List[np.ndarray]:
    """The four (community, type) matrices from one row each (``rows``, -1: none, NaN)."""
    present = rows >= 0
    taken = np.where(present, rows, 0)
    has, deficit, area, provided = (
        np.where(present, values[taken], np.nan) for values in row_values
    )
    return [has, _as_fsum(deficit), _as_fsum(area), provided]


def _group_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each group's sum (groups start at ``starts``) exactly as ``math.fsum`` gives it,
    correctly rounded; NaN where a value is. When every value is a whole number and no sum
    can pass 2**52, float addition is exact and numpy adds them; otherwise fsum does, group
    by group."""
    known = values[~np.isnan(values)]
    if np.array_equal(known, np.trunc(known)) and np.abs(known).sum() <= 2.0**52:
        return _as_fsum(np.add.reduceat(values, starts))
    listed = values.tolist()
    ends = [*starts[1:].tolist(), len(listed)]
    return np.array([math.fsum(listed[start:end]) for start, end in zip(starts.tolist(), ends)])


def _as_fsum(sums: np.ndarray) -> np.ndarray:
    """Exact sums (a value alone, or whole numbers) as ``math.fsum`` gives them: the same
    numbers, a zero signed as fsum signs it."""
    return sums + 0.0 if _FSUM_CLEARS_NEGATIVE_ZERO else sums
