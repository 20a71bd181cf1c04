"""The facility standard: which facility types each unit needs, within what walk, how many, how big.

Standards are data, not code (DESIGN §3): planners replace the built-in file with their city's
rules, so a typo in a hand-edited file must stop the run with a message that names the file,
the record and the field, rather than silently produce a wrong gap analysis. The reading and the
field checks are those of :mod:`.schema`, worded here for a facility standard.

This module imports neither ``qgis`` nor Qt: the gap engine, the provisioning arithmetic and the
OpenStreetMap sample builder all read the standard through it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union

from .errors import N_, DataError
from .schema import (
    DOCUMENT_SUFFIXES,
    MISSING,
    NOT_BOOL,
    NOT_LIST,
    NOT_MAPPING,
    NOT_POSITIVE,
    NOT_TEXT,
    NOT_WHOLE,
    UNKNOWN_KEY,
    DocumentMessages,
    Where,
    check_keys,
    is_present,
    read_bool,
    read_document,
    read_language_pair,
    read_list,
    read_mapping,
    read_positive,
    read_text,
    read_text_list,
    read_version,
    read_whole,
    show_value,
)

TIER_CODES: Tuple[str, ...] = ("district", "community", "neighbourhood")
LIFE_CIRCLES: Tuple[Union[int, str], ...] = (5, 10, 15, "neighbourhood")
STANDARDS_DIR = Path(__file__).parent.parent / "resources" / "standards"
BUILTIN_STANDARD_PATH = STANDARDS_DIR / "facility_standard.yaml"
SUFFIXES = DOCUMENT_SUFFIXES

_CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_SPACES_AROUND_EQUALS = re.compile(r"\s*=\s*")


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRule:
    """One level of provision (片区 / 社区 / 小区) and the population the standard sizes it for."""

    code: str
    name_zh: str
    name_en: str
    population_min: float
    population_max: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class CountRule:
    """How many facilities a unit of the type's tier needs: one per unit, or one per N people."""

    per_unit: bool = False
    per_people: Optional[int] = None

    def required_count(self, population: float) -> int:
        """Facilities required for ``population`` residents (one per N people is rounded up).

        A unit with no residents needs none of a per-people facility but still one of a
        per-unit facility, because the standard ties those to the unit, not to its size.
        """
        if self.per_unit or self.per_people is None:
            return 1
        if population <= 0:
            return 0
        # round() first so that 50000 / 25000 computed in floating point never becomes 3.
        return math.ceil(round(population / self.per_people, 9))


@dataclass(frozen=True)
class AreaRule:
    """Floor or land area: a minimum per facility and/or an amount per 1,000 residents (m²)."""

    min_m2: Optional[float] = None
    per_1000_m2: Optional[float] = None

    def required_m2(self, population: float, count: int = 1) -> float:
        """The larger of ``count`` facilities at their minimum and the per-1,000-people amount.

        The standards state both kinds of figure for some types; the stricter one governs.
        """
        by_facility = (self.min_m2 or 0.0) * count
        by_people = (self.per_1000_m2 or 0.0) * max(population, 0.0) / 1000.0
        return max(by_facility, by_people)


@dataclass(frozen=True)
class SharingRule:
    """Whether a neighbouring unit's facility may serve this unit, and from how far: metres,
    and optionally minutes of walking (DESIGN §4b; see :meth:`reach_seconds`)."""

    shareable: bool = False
    reach_m: Optional[float] = None
    walk_minutes: Optional[float] = None

    def reach_seconds(self, walk_speed: float) -> Optional[float]:
        """The reach in walking time: ``walk_minutes`` when given, else the time to walk
        ``reach_m`` on flat ground at ``walk_speed`` m/s (None when not shareable)."""
        if self.walk_minutes is not None:
            return self.walk_minutes * 60.0
        return None if self.reach_m is None else self.reach_m / walk_speed


@dataclass(frozen=True)
class OsmRule:
    """OSM tags that identify a type only together (``amenity=school`` + a name saying 小学).

    Keys, values and name fragments are stored normalised (see :func:`normalise_label`), as
    matching compares them.
    """

    tags: Tuple[Tuple[str, Tuple[str, ...]], ...]
    name_contains: Tuple[str, ...] = ()
    name_excludes: Tuple[str, ...] = ()
    min_area_m2: Optional[float] = None

    @property
    def specificity(self) -> int:
        """Number of conditions: the rule with more of them wins over a plainer one."""
        return len(self.tags) + bool(self.name_contains) + (self.min_area_m2 is not None)

    def matches(
        self, tags: Mapping[str, Set[str]], name: str, area_m2: Optional[float] = None
    ) -> bool:
        """Whether normalised ``tags`` (key -> set of values) and ``name`` satisfy the rule."""
        for key, values in self.tags:
            if not tags.get(key, set()) & set(values):
                return False
        if self.name_contains and not any(part in name for part in self.name_contains):
            return False
        if any(part in name for part in self.name_excludes):
            return False
        return self.min_area_m2 is None or (area_m2 is not None and area_m2 >= self.min_area_m2)


@dataclass(frozen=True)
class FacilityType:
    """One facility type of the standard; ``code`` and ``radius_m`` drive the gap analysis."""

    code: str
    name_zh: str
    name_en: str
    tier: str
    life_circle: Union[int, str]
    radius_m: float
    mandatory: bool
    source: str
    #: Walking time (minutes) within which a unit is covered when walking time is measured;
    #: None: the time to walk ``radius_m`` on flat ground (DESIGN §4b).
    walk_minutes: Optional[float] = None
    count: Optional[CountRule] = None
    floor_area: Optional[AreaRule] = None
    land_area: Optional[AreaRule] = None
    sharing: SharingRule = SharingRule()
    satisfied_by: Tuple[str, ...] = ()
    aliases: Tuple[str, ...] = ()
    osm_rules: Tuple[OsmRule, ...] = ()
    note: str = ""

    def display_name(self, locale: str = "zh") -> str:
        """The Chinese name for a Chinese locale (``zh``, ``zh_CN`` ...), else the English one."""
        return self.name_zh if locale.lower().startswith("zh") else self.name_en


@dataclass(frozen=True)
class FacilityStandard:
    """A loaded, validated standard: its tiers and facility types in file order."""

    name_zh: str
    name_en: str
    version: str
    notice: Mapping[str, str]
    tiers: Mapping[str, TierRule]
    types: Tuple[FacilityType, ...]
    source_path: str = ""
    _index: _MatchIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _MatchIndex(self.types))

    def codes(self) -> Tuple[str, ...]:
        """Type codes in file order (the order of output fields)."""
        return tuple(facility.code for facility in self.types)

    def type_by_code(self, code: str) -> FacilityType:
        """The type with ``code``; ``KeyError`` if the standard has none."""
        return self.types[self._index.positions[code]]

    def types_for_tier(self, tier: str) -> Tuple[FacilityType, ...]:
        """The types provided at ``tier`` (district / community / neighbourhood), in file order."""
        return tuple(facility for facility in self.types if facility.tier == tier)

    def satisfiers(self, code: str) -> Tuple[str, ...]:
        """``code`` followed by every type that also counts as it, following satisfied_by.

        A community health centre within reach also serves as a health station, and whatever
        satisfies the centre satisfies the station too, hence the transitive walk.
        """
        found = [code]
        queue = deque([code])
        while queue:
            for higher in self.type_by_code(queue.popleft()).satisfied_by:
                if higher not in found:
                    found.append(higher)
                    queue.append(higher)
        return tuple(found)

    def notice_for(self, locale: str = "zh") -> str:
        """The file's caution about its values in the user's language."""
        return self.notice["zh"] if locale.lower().startswith("zh") else self.notice["en"]

    def display_name(self, locale: str = "zh") -> str:
        return self.name_zh if locale.lower().startswith("zh") else self.name_en

    def match_type(self, value: Any) -> Optional[str]:
        """The code of the type that a user's type-field ``value`` means, or None.

        Compares normalised text (see :func:`normalise_label`) with codes, names and aliases,
        so ``幼儿园``, ``Kindergarten``, full-width ``ＫＩＮＤＥＲＧＡＲＴＥＮ`` and
        ``amenity=kindergarten`` all match.
        """
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a numeric type field read as 101.0 still means alias "101"
        position = self._index.names.get(normalise_label(str(value)))
        return None if position is None else self.types[position].code

    def classify(self, values: Sequence[Any]) -> Tuple[List[Optional[str]], Dict[str, int]]:
        """Type codes for a whole type-field column, and the unknown values with their counts.

        Every algorithm reports unknown values the same way (listed with counts, left out), so
        the counting lives here rather than in each adapter. Empty values count under ``""``.
        """
        codes: List[Optional[str]] = []
        unknown: Dict[str, int] = {}
        matched: Dict[str, Optional[str]] = {}
        for value in values:
            text = "" if value is None else str(value).strip()
            if text not in matched:
                matched[text] = self.match_type(value) if text else None
            code = matched[text]
            if code is None:
                unknown[text] = unknown.get(text, 0) + 1
            codes.append(code)
        return codes, dict(sorted(unknown.items(), key=lambda item: (-item[1], item[0])))

    def match_osm_tags(
        self, tags: Mapping[str, Any], name: str = "", area_m2: Optional[float] = None
    ) -> Optional[str]:
        """The type code of an OpenStreetMap feature, or None when no type fits.

        ``tags`` are all of the feature's tags (``other_tags`` parsed plus the main columns;
        empty values are ignored; ``a;b`` values count as each part). ``name`` defaults to the
        ``name`` or ``name:zh`` tag. ``area_m2`` is the footprint where known; rules with
        ``min_area_m2`` (a park of 1 ha or more is a district park) need it.

        Plain ``key=value`` aliases are one condition; an ``osm_rules`` rule has one per tag,
        one for a name condition and one for a minimum area. The match with most conditions
        wins, then the larger minimum area, then the earlier type in the file.
        """
        tag_values = _normalise_tags(tags)
        if not name:
            name = str(tags.get("name") or tags.get("name:zh") or "")
        return self._index.best_osm_match(self.types, tag_values, normalise_label(name), area_m2)


class _MatchIndex:
    """Lookup tables built once per standard so that matching many features stays cheap."""

    def __init__(self, types: Tuple[FacilityType, ...]) -> None:
        self.positions: Dict[str, int] = {}
        self.names: Dict[str, int] = {}
        self.osm_aliases: Dict[Tuple[str, str], int] = {}
        self.osm_rules: List[Tuple[int, int, OsmRule]] = []
        for position, facility in enumerate(types):
            self.positions.setdefault(facility.code, position)
            for label in (facility.code, facility.name_zh, facility.name_en, *facility.aliases):
                key = normalise_label(label)
                self.names.setdefault(key, position)
                osm_tag = _split_osm_tag(key)
                if osm_tag:
                    self.osm_aliases.setdefault(osm_tag, position)
            for rule_number, rule in enumerate(facility.osm_rules, 1):
                self.osm_rules.append((position, rule_number, rule))

    def best_osm_match(
        self,
        types: Tuple[FacilityType, ...],
        tags: Mapping[str, Set[str]],
        name: str,
        area_m2: Optional[float],
    ) -> Optional[str]:
        best: Optional[Tuple[int, float, int, int]] = None
        for key, values in tags.items():
            for value in values:
                position = self.osm_aliases.get((key, value))
                if position is not None:
                    rank = (1, 0.0, -position, 0)
                    best = rank if best is None or rank > best else best
        for position, rule_number, rule in self.osm_rules:
            if rule.matches(tags, name, area_m2):
                rank = (rule.specificity, rule.min_area_m2 or 0.0, -position, -rule_number)
                best = rank if best is None or rank > best else best
        return None if best is None else types[-best[2]].code


def normalise_label(text: str) -> str:
    """Text as matching compares it: NFKC (full-width to half-width), case-folded, single spaces.

    Spaces around ``=`` are dropped so that ``amenity = school`` reads as ``amenity=school``.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES_AROUND_EQUALS.sub("=", " ".join(folded.split()))


def _split_osm_tag(label: str) -> Optional[Tuple[str, str]]:
    """``("amenity", "school")`` for a normalised ``amenity=school``; None for other labels."""
    key, equals, value = label.partition("=")
    return (key, value) if equals and key and value else None


def _normalise_tags(tags: Mapping[str, Any]) -> Dict[str, Set[str]]:
    result: Dict[str, Set[str]] = {}
    for key, value in tags.items():
        if value is None or isinstance(value, bool):
            continue
        parts = {normalise_label(part) for part in str(value).split(";")}
        parts.discard("")
        if parts:
            result.setdefault(normalise_label(str(key)), set()).update(parts)
    return result


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_standard(path: Optional[Union[str, Path]] = None) -> FacilityStandard:
    """Load and validate a facility standard (.yaml, .yml or .json); None or "" -> built-in.

    Raises :class:`DataError` naming the file, record and field of the first problem found.
    """
    source = BUILTIN_STANDARD_PATH if path is None or not str(path).strip() else Path(path)
    return parse_standard(read_document(source, _DOCUMENT_MESSAGES), str(source))


def parse_standard(data: Any, file: str = "<memory>") -> FacilityStandard:
    """Validate an already parsed document (nested dicts and lists) and build the standard."""
    top = _where(_FILE, file=file)
    if data is None:
        raise DataError(_DOCUMENT_MESSAGES.empty, file=file)
    if not isinstance(data, dict):
        raise DataError(_ROOT_NOT_MAPPING, file=file, value=show_value(data))
    check_keys(data, top, ("name", "version", "notice", "tiers", "types"), ())
    name = read_language_pair(data["name"], top, "name")
    notice = read_language_pair(data["notice"], top, "notice")
    tiers = _parse_tiers(data["tiers"], file)
    records = read_list(data["types"], top, "types")
    if not records:
        raise DataError(_NO_TYPES, file=file)
    types = tuple(
        _parse_type(record, index, file, tiers) for index, record in enumerate(records, 1)
    )
    _check_across_types(types, file)
    return FacilityStandard(
        name_zh=name["zh"],
        name_en=name["en"],
        version=read_version(data["version"], top),
        notice=notice,
        tiers=tiers,
        types=types,
        source_path=file,
    )


# --------------------------------------------------------------------------------------------
# Messages. Every check raises DataError with one of these templates; "type #{index}" counts
# records from 1 in file order, and list items in field names (aliases[2]) count from 1 too.
# --------------------------------------------------------------------------------------------

_FILE, _TIER, _TYPE = "file", "tier", "type"

_TEMPLATES: Dict[str, Dict[str, str]] = {
    MISSING: {
        _FILE: N_("Facility standard {file}: required field '{field}' is missing"),
        _TIER: N_("Facility standard {file}, tier '{tier}': required field '{field}' is missing"),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): required field '{field}' is missing"
        ),
    },
    UNKNOWN_KEY: {
        _FILE: N_(
            "Facility standard {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}"
        ),
        _TIER: N_(
            "Facility standard {file}, tier '{tier}': unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
    },
    NOT_MAPPING: {
        _FILE: N_(
            "Facility standard {file}: field '{field}' must be a mapping of 'key: value' "
            "entries, got '{value}'"
        ),
        _TIER: N_(
            "Facility standard {file}, tier '{tier}': field '{field}' must be a mapping of "
            "'key: value' entries, got '{value}'"
        ),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be a mapping "
            "of 'key: value' entries, got '{value}'"
        ),
    },
    NOT_LIST: {
        _FILE: N_("Facility standard {file}: field '{field}' must be a list, got '{value}'"),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be a list, "
            "got '{value}'"
        ),
    },
    NOT_TEXT: {
        _FILE: N_(
            "Facility standard {file}: field '{field}' must be non-empty text, got '{value}'"
        ),
        _TIER: N_(
            "Facility standard {file}, tier '{tier}': field '{field}' must be non-empty text, "
            "got '{value}'"
        ),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be "
            "non-empty text, got '{value}'"
        ),
    },
    NOT_POSITIVE: {
        _TIER: N_(
            "Facility standard {file}, tier '{tier}': field '{field}' must be a positive number, "
            "got '{value}'"
        ),
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be a "
            "positive number, got '{value}'"
        ),
    },
    NOT_WHOLE: {
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be a "
            "positive whole number, got '{value}'"
        ),
    },
    NOT_BOOL: {
        _TYPE: N_(
            "Facility standard {file}, type #{index} ({code}): field '{field}' must be true or "
            "false, got '{value}'"
        ),
    },
}

_DOCUMENT_MESSAGES = DocumentMessages(
    not_found=N_("Facility standard {file} was not found"),
    bad_suffix=N_(
        "Facility standard {file}: unsupported file type '{suffix}'; use one of {allowed}"
    ),
    not_utf8=N_("Facility standard {file} is not UTF-8 text (undecodable byte at {position})"),
    unreadable=N_("Facility standard {file} could not be read: {reason}"),
    empty=N_("Facility standard {file} is empty"),
    syntax=N_("Facility standard {file}: syntax error at line {line}, column {column}: {problem}"),
    syntax_no_line=N_("Facility standard {file}: syntax error: {problem}"),
    duplicate_key_at=N_(
        "Facility standard {file}: key '{key}' appears twice in the same mapping (line {line})"
    ),
    duplicate_key=N_("Facility standard {file}: key '{key}' appears twice in the same mapping"),
)
_ROOT_NOT_MAPPING = N_(
    "Facility standard {file}: the file must be a mapping with the fields 'name', 'version', "
    "'notice', 'tiers' and 'types', got '{value}'"
)
_NO_TYPES = N_("Facility standard {file}: field 'types' lists no facility type")
_NO_TIERS = N_("Facility standard {file}: field 'tiers' defines no tier")
_UNKNOWN_TIER = N_(
    "Facility standard {file}: field 'tiers' has unknown tier '{tier}'; allowed tiers: {allowed}"
)
_POPULATION_ORDER = N_(
    "Facility standard {file}, tier '{tier}': field 'population' has min {min} greater than "
    "max {max}"
)
_NOT_A_RECORD = N_(
    "Facility standard {file}, type #{index}: the record must be a mapping of fields, got '{value}'"
)
_BAD_CODE = N_(
    "Facility standard {file}, type #{index} ({code}): field 'code' must be ASCII snake_case "
    "(a lower-case letter, then lower-case letters, digits or '_'), got '{value}'"
)
_DUPLICATE_CODE = N_(
    "Facility standard {file}, type #{index} ({code}): field 'code': '{value}' is already the "
    "code of type #{other_index}"
)
_BAD_TIER = N_(
    "Facility standard {file}, type #{index} ({code}): field 'tier' must be one of the tiers "
    "defined in 'tiers' ({allowed}), got '{value}'"
)
_BAD_LIFE_CIRCLE = N_(
    "Facility standard {file}, type #{index} ({code}): field 'life_circle' must be 5, 10, 15 "
    "or 'neighbourhood', got '{value}'"
)
_DUPLICATE_LABEL = N_(
    "Facility standard {file}, type #{index} ({code}): field '{field}': '{value}' already "
    "means type #{other_index} ({other_code}) through its field '{other_field}'; a name or "
    "alias may belong to one type only"
)
_BAD_OSM_TAG = N_(
    "Facility standard {file}, type #{index} ({code}): field '{field}': '{value}' contains '=' "
    "but is not an OSM tag written key=value"
)
_EMPTY_TAGS = N_(
    "Facility standard {file}, type #{index} ({code}): field '{field}' must name at least one tag"
)
_UNKNOWN_SATISFIER = N_(
    "Facility standard {file}, type #{index} ({code}): field 'satisfied_by' names '{value}', "
    "which is not the code of any type"
)
_SELF_SATISFIER = N_(
    "Facility standard {file}, type #{index} ({code}): field 'satisfied_by' names the type itself"
)
_SATISFIER_CYCLE = N_(
    "Facility standard {file}, type #{index} ({code}): field 'satisfied_by' goes round in a "
    "circle: {cycle}"
)
_COUNT_CHOICE = N_(
    "Facility standard {file}, type #{index} ({code}): field 'count' must give exactly one of "
    "'per: unit' and 'per_people: N'"
)
_BAD_PER = N_(
    "Facility standard {file}, type #{index} ({code}): field 'count.per' must be 'unit', "
    "got '{value}'"
)
_EMPTY_AREA = N_(
    "Facility standard {file}, type #{index} ({code}): field '{field}' must give 'min_m2', "
    "'per_1000_m2' or both"
)
_REACH_WITHOUT_SHARING = N_(
    "Facility standard {file}, type #{index} ({code}): field '{field}' is given but "
    "'sharing.shareable' is false"
)


def _where(kind: str, **values: Any) -> Where:
    """A place in a standard (the file, a tier or a type record), worded by ``_TEMPLATES``."""
    return Where(_TEMPLATES, kind, **values)


# --------------------------------------------------------------------------------------------
# Tiers and types
# --------------------------------------------------------------------------------------------


def _parse_tiers(value: Any, file: str) -> Dict[str, TierRule]:
    top = _where(_FILE, file=file)
    records = read_mapping(value, top, "tiers")
    if not records:
        raise DataError(_NO_TIERS, file=file)
    tiers: Dict[str, TierRule] = {}
    for code, record in records.items():
        if code not in TIER_CODES:
            raise DataError(
                _UNKNOWN_TIER, file=file, tier=show_value(code), allowed=", ".join(TIER_CODES)
            )
        tiers[code] = _parse_tier(code, read_mapping(record, top, f"tiers.{code}"), file)
    return tiers


def _parse_tier(code: str, record: Dict[Any, Any], file: str) -> TierRule:
    where = _where(_TIER, file=file, tier=code)
    check_keys(record, where, ("name_zh", "name_en", "population", "source"), ("note",))
    population = read_mapping(record["population"], where, "population")
    check_keys(population, where, ("min", "max"), (), prefix="population.")
    low = read_positive(population["min"], where, "population.min")
    high = read_positive(population["max"], where, "population.max")
    if low > high:
        raise where.custom(
            _POPULATION_ORDER, min=show_value(population["min"]), max=show_value(population["max"])
        )
    return TierRule(
        code=code,
        name_zh=read_text(record["name_zh"], where, "name_zh"),
        name_en=read_text(record["name_en"], where, "name_en"),
        population_min=low,
        population_max=high,
        source=read_text(record["source"], where, "source"),
        note=read_text(record["note"], where, "note") if is_present(record, "note") else "",
    )


_TYPE_REQUIRED = (
    "code",
    "name_zh",
    "name_en",
    "tier",
    "life_circle",
    "radius_m",
    "mandatory",
    "source",
)
_TYPE_OPTIONAL = (
    "walk_minutes",
    "count",
    "floor_area",
    "land_area",
    "sharing",
    "satisfied_by",
    "aliases",
    "osm_rules",
    "note",
)


def _parse_type(record: Any, index: int, file: str, tiers: Mapping[str, TierRule]) -> FacilityType:
    if not isinstance(record, dict):
        raise DataError(_NOT_A_RECORD, file=file, index=index, value=show_value(record))
    raw_code = record.get("code")
    where = _where(_TYPE, file=file, index=index, code=show_value(raw_code) if raw_code else "?")
    check_keys(record, where, _TYPE_REQUIRED, _TYPE_OPTIONAL)
    code = read_text(raw_code, where, "code")
    if not _CODE_PATTERN.match(code):
        raise where.custom(_BAD_CODE, value=code)
    tier = read_text(record["tier"], where, "tier")
    if tier not in tiers:
        raise where.custom(_BAD_TIER, value=tier, allowed=", ".join(tiers))
    radius_m = read_positive(record["radius_m"], where, "radius_m")
    walk_minutes = (
        read_positive(record["walk_minutes"], where, "walk_minutes")
        if is_present(record, "walk_minutes")
        else None
    )
    return FacilityType(
        code=code,
        name_zh=read_text(record["name_zh"], where, "name_zh"),
        name_en=read_text(record["name_en"], where, "name_en"),
        tier=tier,
        life_circle=_life_circle(record["life_circle"], where),
        radius_m=radius_m,
        mandatory=read_bool(record["mandatory"], where, "mandatory"),
        source=read_text(record["source"], where, "source"),
        walk_minutes=walk_minutes,
        count=_count_rule(record["count"], where) if is_present(record, "count") else None,
        floor_area=_optional_area(record, "floor_area", where),
        land_area=_optional_area(record, "land_area", where),
        sharing=_sharing_rule(record, where, radius_m, walk_minutes),
        satisfied_by=_optional_texts(record, "satisfied_by", where),
        aliases=_aliases(record, where),
        osm_rules=_osm_rules(record["osm_rules"], where) if is_present(record, "osm_rules") else (),
        note=read_text(record["note"], where, "note") if is_present(record, "note") else "",
    )


def _life_circle(value: Any, where: Where) -> Union[int, str]:
    """5, 10 or 15 minutes, or ``neighbourhood``; "10" written as text is accepted too."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, str):
        value = value.strip()
    if isinstance(value, bool) or value not in LIFE_CIRCLES:
        raise where.custom(_BAD_LIFE_CIRCLE, value=show_value(value))
    return value


def _count_rule(value: Any, where: Where) -> CountRule:
    rule = read_mapping(value, where, "count")
    check_keys(rule, where, (), ("per", "per_people"), prefix="count.")
    if ("per" in rule) == ("per_people" in rule):
        raise where.custom(_COUNT_CHOICE)
    if "per" in rule:
        if rule["per"] != "unit":
            raise where.custom(_BAD_PER, value=show_value(rule["per"]))
        return CountRule(per_unit=True)
    return CountRule(per_people=read_whole(rule["per_people"], where, "count.per_people"))


def _optional_area(record: Mapping[str, Any], key: str, where: Where) -> Optional[AreaRule]:
    if not is_present(record, key):
        return None
    rule = read_mapping(record[key], where, key)
    check_keys(rule, where, (), ("min_m2", "per_1000_m2"), prefix=key + ".")
    if not any(is_present(rule, part) for part in ("min_m2", "per_1000_m2")):
        raise where.custom(_EMPTY_AREA, field=key)
    return AreaRule(
        min_m2=read_positive(rule["min_m2"], where, key + ".min_m2") if "min_m2" in rule else None,
        per_1000_m2=(
            read_positive(rule["per_1000_m2"], where, key + ".per_1000_m2")
            if "per_1000_m2" in rule
            else None
        ),
    )


def _sharing_rule(
    record: Mapping[str, Any], where: Where, radius_m: float, walk_minutes: Optional[float]
) -> SharingRule:
    """Absent means not shareable. A shareable type without ``reach_m`` reaches as far as it
    serves: its radius, and in walking time its own ``walk_minutes`` when it has them. A
    ``reach_m`` of its own is walked on flat ground unless ``sharing.walk_minutes`` says."""
    if not is_present(record, "sharing"):
        return SharingRule()
    rule = read_mapping(record["sharing"], where, "sharing")
    check_keys(rule, where, ("shareable",), ("reach_m", "walk_minutes"), prefix="sharing.")
    shareable = read_bool(rule["shareable"], where, "sharing.shareable")
    for key in ("reach_m", "walk_minutes"):
        if is_present(rule, key) and not shareable:
            raise where.custom(_REACH_WITHOUT_SHARING, field="sharing." + key)
    if not shareable:
        return SharingRule(False)
    minutes = (
        read_positive(rule["walk_minutes"], where, "sharing.walk_minutes")
        if is_present(rule, "walk_minutes")
        else None
    )
    if not is_present(rule, "reach_m"):
        return SharingRule(True, radius_m, minutes if minutes is not None else walk_minutes)
    return SharingRule(True, read_positive(rule["reach_m"], where, "sharing.reach_m"), minutes)


def _optional_texts(record: Mapping[str, Any], key: str, where: Where) -> Tuple[str, ...]:
    return read_text_list(record[key], where, key) if is_present(record, key) else ()


def _aliases(record: Mapping[str, Any], where: Where) -> Tuple[str, ...]:
    if not is_present(record, "aliases"):
        return ()
    aliases = read_text_list(record["aliases"], where, "aliases", allow_numbers=True)
    for number, alias in enumerate(aliases, 1):
        label = normalise_label(alias)
        if "=" in label and _split_osm_tag(label) is None:
            raise where.custom(_BAD_OSM_TAG, field=f"aliases[{number}]", value=alias)
    return aliases


def _osm_rules(value: Any, where: Where) -> Tuple[OsmRule, ...]:
    items = read_list(value, where, "osm_rules")
    return tuple(_osm_rule(item, where, f"osm_rules[{n}]") for n, item in enumerate(items, 1))


def _osm_rule(value: Any, where: Where, field_name: str) -> OsmRule:
    rule = read_mapping(value, where, field_name)
    check_keys(
        rule,
        where,
        ("tags",),
        ("name_contains", "name_excludes", "min_area_m2"),
        prefix=field_name + ".",
    )
    tags = read_mapping(rule["tags"], where, field_name + ".tags")
    if not tags:
        raise where.custom(_EMPTY_TAGS, field=field_name + ".tags")
    return OsmRule(
        tags=tuple(
            (normalise_label(str(key)), _tag_values(raw, where, f"{field_name}.tags.{key}"))
            for key, raw in tags.items()
        ),
        name_contains=_name_parts(rule, "name_contains", where, field_name),
        name_excludes=_name_parts(rule, "name_excludes", where, field_name),
        min_area_m2=(
            read_positive(rule["min_area_m2"], where, field_name + ".min_area_m2")
            if is_present(rule, "min_area_m2")
            else None
        ),
    )


def _tag_values(value: Any, where: Where, field_name: str) -> Tuple[str, ...]:
    """One value or a list; numbers allowed because YAML reads ``isced:level: 1`` as 1."""
    items = value if isinstance(value, list) else [value]
    values: List[str] = []
    for number, item in enumerate(items, 1):
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        name = f"{field_name}[{number}]" if isinstance(value, list) else field_name
        values.append(normalise_label(read_text(item, where, name)))
    return tuple(values)


def _name_parts(
    rule: Mapping[str, Any], key: str, where: Where, field_name: str
) -> Tuple[str, ...]:
    if not is_present(rule, key):
        return ()
    parts = read_text_list(rule[key], where, f"{field_name}.{key}")
    return tuple(normalise_label(part) for part in parts)


# --------------------------------------------------------------------------------------------
# Checks across records
# --------------------------------------------------------------------------------------------


def _check_across_types(types: Tuple[FacilityType, ...], file: str) -> None:
    positions = _check_unique_codes(types, file)
    _check_unique_labels(types, file)
    _check_satisfiers(types, positions, file)


def _type_where(types: Tuple[FacilityType, ...], position: int, file: str) -> Where:
    return _where(_TYPE, file=file, index=position + 1, code=types[position].code)


def _check_unique_codes(types: Tuple[FacilityType, ...], file: str) -> Dict[str, int]:
    positions: Dict[str, int] = {}
    for position, facility in enumerate(types):
        if facility.code in positions:
            where = _type_where(types, position, file)
            raise where.custom(
                _DUPLICATE_CODE, value=facility.code, other_index=positions[facility.code] + 1
            )
        positions[facility.code] = position
    return positions


def _labels(facility: FacilityType) -> List[Tuple[str, str]]:
    """(field, normalised label) pairs by which a user's value or an OSM tag finds this type.

    A rule with one tag and no other condition is an alias in disguise, so it joins the
    uniqueness check; otherwise two types could silently claim ``amenity=school``.
    """
    labels = [
        ("code", facility.code),
        ("name_zh", facility.name_zh),
        ("name_en", facility.name_en),
    ]
    labels += [(f"aliases[{n}]", alias) for n, alias in enumerate(facility.aliases, 1)]
    for number, rule in enumerate(facility.osm_rules, 1):
        if len(rule.tags) == 1 and rule.specificity == 1:
            key, values = rule.tags[0]
            labels += [(f"osm_rules[{number}].tags", f"{key}={value}") for value in values]
    return [(name, normalise_label(label)) for name, label in labels]


def _check_unique_labels(types: Tuple[FacilityType, ...], file: str) -> None:
    owners: Dict[str, Tuple[int, str]] = {}
    for position, facility in enumerate(types):
        for field_name, label in _labels(facility):
            owner = owners.setdefault(label, (position, field_name))
            if owner[0] != position:
                raise _type_where(types, position, file).custom(
                    _DUPLICATE_LABEL,
                    field=field_name,
                    value=label,
                    other_index=owner[0] + 1,
                    other_code=types[owner[0]].code,
                    other_field=owner[1],
                )


def _check_satisfiers(
    types: Tuple[FacilityType, ...], positions: Mapping[str, int], file: str
) -> None:
    for position, facility in enumerate(types):
        where = _type_where(types, position, file)
        for higher in facility.satisfied_by:
            if higher == facility.code:
                raise where.custom(_SELF_SATISFIER)
            if higher not in positions:
                raise where.custom(_UNKNOWN_SATISFIER, value=higher)
    for position, facility in enumerate(types):
        cycle = _cycle_from(facility.code, types, positions)
        if cycle:
            raise _type_where(types, position, file).custom(
                _SATISFIER_CYCLE, cycle=" -> ".join(cycle)
            )


def _cycle_from(
    start: str, types: Tuple[FacilityType, ...], positions: Mapping[str, int]
) -> Optional[List[str]]:
    """A satisfied_by path from ``start`` back to itself, if any (depth-first)."""
    stack: List[Tuple[str, List[str]]] = [(start, [start])]
    visited: Set[str] = set()
    while stack:
        code, path = stack.pop()
        for higher in types[positions[code]].satisfied_by:
            if higher == start:
                return [*path, higher]
            if higher not in visited:
                visited.add(higher)
                stack.append((higher, [*path, higher]))
    return None
