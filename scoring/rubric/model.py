"""The rubric: categories -> items -> scoring points, grade bands, and the checks that guard them.

Rubrics are data (DESIGN §3): every city has its own evaluation rules, so planners replace the
built-in file, in YAML or in Excel. A slip in a hand-edited rubric (points that no longer add up
to their item, a misspelt indicator, bands out of order) would silently give every community a
wrong total, so loading stops with a message that names the file, the category, item or point
and the field.

Reading (:func:`parse_rubric`) only turns the document into typed dataclasses; every rule about
what a sensible rubric is lives in :func:`validate`, which works on the dataclasses, so rubrics
from YAML, from Excel and built in code are held to the same checks.

The field readers and the strict YAML/JSON reading are those of :mod:`..schema`, given the
rubric's own wording.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Dict, Iterator, List, Mapping, Optional, Set, Tuple, Union

from ..errors import N_, DataError
from ..schema import (
    MISSING,
    NOT_BOOL,
    NOT_LIST,
    NOT_MAPPING,
    NOT_NUMBER,
    NOT_POSITIVE,
    NOT_TEXT,
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
    read_number,
    read_positive,
    read_text,
    read_version,
    show_value,
)
from ..standard import FacilityStandard
from .indicators import catalogue_names, find_indicator
from .rules import (
    DEDUCTION,
    LINEAR,
    MANUAL,
    METHODS,
    SCORE_DECIMALS,
    THRESHOLD,
    YES_NO,
    Band,
    DeductionRule,
    LinearRule,
    ManualRule,
    Rule,
    ThresholdRule,
    YesNoRule,
    format_number,
)

RUBRICS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "rubrics"
BUILTIN_RUBRIC_PATH = RUBRICS_DIR / "complete_community_rubric.yaml"
RUBRIC_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")

#: Sums of maxima are compared with this tolerance: 0.1 + 0.2 must equal 0.3.
SUM_TOLERANCE = 1e-6

_ID_PATTERN = re.compile(r"[^\s,;]+\Z")


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English; rubrics are read by planners in both."""

    zh: str
    en: str

    def get(self, locale: str = "zh") -> str:
        """The Chinese text for a Chinese locale (``zh``, ``zh_CN`` ...), else the English one."""
        return self.zh if locale.lower().startswith("zh") else self.en


NO_TEXT = Bilingual("", "")


@dataclass(frozen=True)
class ScoringPoint:
    """One scoring point: a stable id, what it asks, its maximum and how it is scored.

    ``veto`` (一票否决): when this point scores 0, the community's grade is the lowest band
    whatever its total (the total itself is kept, so the numbers still show where it stands).
    """

    id: str
    text: Bilingual
    max_score: float
    rule: Rule
    evidence: Bilingual = NO_TEXT
    veto: bool = False

    @property
    def method(self) -> str:
        return self.rule.method

    @property
    def indicator(self) -> str:
        """The indicator the rule reads; "" for a manual point."""
        return self.rule.indicator

    @property
    def is_manual(self) -> bool:
        return self.rule.method == MANUAL


@dataclass(frozen=True)
class Item:
    """An item (评价项目) of a category; ``source`` says where it comes from (a clause, a city)."""

    id: str
    name: Bilingual
    max_score: float
    points: Tuple[ScoringPoint, ...]
    source: str = ""


@dataclass(frozen=True)
class Category:
    id: str
    name: Bilingual
    max_score: float
    items: Tuple[Item, ...]


@dataclass(frozen=True)
class GradeBand:
    """A grade (优秀, 良好 ...) reached by totals of at least ``min_score``."""

    code: str
    name: Bilingual
    min_score: float


@dataclass(frozen=True)
class PointPlace:
    """A point with the category and item it belongs to."""

    category: Category
    item: Item
    point: ScoringPoint


@dataclass(frozen=True)
class Rubric:
    """A loaded rubric. Grades are ordered from the highest band down to the lowest (min 0).

    ``source_path`` is where it was read from; it is not part of equality, so a rubric written
    to Excel and read back equals the original.
    """

    name: Bilingual
    version: str
    notice: Bilingual
    total: float
    grades: Tuple[GradeBand, ...]
    categories: Tuple[Category, ...]
    source_path: str = field(default="", compare=False)
    _places: Dict[str, PointPlace] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        places: Dict[str, PointPlace] = {}
        for category in self.categories:
            for item in category.items:
                for point in item.points:
                    places.setdefault(point.id, PointPlace(category, item, point))
        object.__setattr__(self, "_places", places)

    def places(self) -> Iterator[PointPlace]:
        """Every point with its category and item, in rubric order."""
        for category in self.categories:
            for item in category.items:
                for point in item.points:
                    yield PointPlace(category, item, point)

    def points(self) -> Tuple[ScoringPoint, ...]:
        return tuple(place.point for place in self.places())

    def items(self) -> Tuple[Item, ...]:
        return tuple(item for category in self.categories for item in category.items)

    def place_of(self, point_id: str) -> PointPlace:
        """The point with ``point_id`` and where it sits; ``KeyError`` if there is none."""
        return self._places[point_id]

    def has_point(self, point_id: str) -> bool:
        return point_id in self._places

    def counts(self) -> Tuple[int, int, int]:
        """(categories, items, points): 6, 23, 54 for the Chongqing structure."""
        return len(self.categories), len(self.items()), len(self.points())

    def indicators(self) -> Tuple[str, ...]:
        """The indicators the rubric's computed points read, each once, in rubric order."""
        names: List[str] = []
        for point in self.points():
            if point.indicator and point.indicator not in names:
                names.append(point.indicator)
        return tuple(names)

    def grade_for(self, total: float) -> GradeBand:
        """The highest band whose minimum ``total`` reaches (90 is 优秀 when 优秀 starts at 90)."""
        rounded = round(total, SCORE_DECIMALS)
        for band in self.grades:
            if rounded >= band.min_score:
                return band
        return self.grades[-1]

    @property
    def lowest_grade(self) -> GradeBand:
        return self.grades[-1]


# --------------------------------------------------------------------------------------------
# Messages. Generic field checks have one wording per place (file, category, item, point,
# grade band); records in lists are counted from 1 (points[2]).
# --------------------------------------------------------------------------------------------

_FILE, _CATEGORY, _ITEM, _POINT, _GRADE = "file", "category", "item", "point", "grade"
# The checks only rubrics make, keys of _TEMPLATES next to the generic ones of ..schema.
_BAD_ID, _DUPLICATE_ID = "bad_id", "duplicate_id"

_TEMPLATES: Dict[str, Dict[str, str]] = {
    MISSING: {
        _FILE: N_("Rubric {file}: required field '{field}' is missing"),
        _CATEGORY: N_("Rubric {file}, category {category}: required field '{field}' is missing"),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): required field '{field}' is missing"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): required field '{field}' is missing"
        ),
        _GRADE: N_("Rubric {file}, grade band {grade}: required field '{field}' is missing"),
    },
    UNKNOWN_KEY: {
        _FILE: N_("Rubric {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}"),
        _CATEGORY: N_(
            "Rubric {file}, category {category}: unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
        _GRADE: N_(
            "Rubric {file}, grade band {grade}: unknown field '{field}' (a typo?); "
            "allowed fields: {allowed}"
        ),
    },
    NOT_MAPPING: {
        _FILE: N_(
            "Rubric {file}: field '{field}' must be a mapping of 'key: value' entries, "
            "got '{value}'"
        ),
        _CATEGORY: N_(
            "Rubric {file}, category {category}: field '{field}' must be a mapping of "
            "'key: value' entries, got '{value}'"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): field '{field}' must be a mapping "
            "of 'key: value' entries, got '{value}'"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be a mapping of "
            "'key: value' entries, got '{value}'"
        ),
        _GRADE: N_(
            "Rubric {file}, grade band {grade}: field '{field}' must be a mapping of "
            "'key: value' entries, got '{value}'"
        ),
    },
    NOT_LIST: {
        _FILE: N_("Rubric {file}: field '{field}' must be a list, got '{value}'"),
        _CATEGORY: N_(
            "Rubric {file}, category {category}: field '{field}' must be a list, got '{value}'"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): field '{field}' must be a list, "
            "got '{value}'"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be a list, "
            "got '{value}'"
        ),
    },
    NOT_TEXT: {
        _FILE: N_("Rubric {file}: field '{field}' must be non-empty text, got '{value}'"),
        _CATEGORY: N_(
            "Rubric {file}, category {category}: field '{field}' must be non-empty text, "
            "got '{value}'"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): field '{field}' must be non-empty "
            "text, got '{value}'"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be non-empty text, "
            "got '{value}'"
        ),
        _GRADE: N_(
            "Rubric {file}, grade band {grade}: field '{field}' must be non-empty text, "
            "got '{value}'"
        ),
    },
    NOT_POSITIVE: {
        _FILE: N_("Rubric {file}: field '{field}' must be a positive number, got '{value}'"),
        _CATEGORY: N_(
            "Rubric {file}, category {category}: field '{field}' must be a positive number, "
            "got '{value}'"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): field '{field}' must be a "
            "positive number, got '{value}'"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be a positive "
            "number, got '{value}'"
        ),
    },
    NOT_NUMBER: {
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be a number, "
            "got '{value}'"
        ),
        _GRADE: N_(
            "Rubric {file}, grade band {grade}: field '{field}' must be a number, got '{value}'"
        ),
    },
    NOT_BOOL: {
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be true or false, "
            "got '{value}'"
        ),
    },
    _BAD_ID: {
        _CATEGORY: N_(
            "Rubric {file}, category {category}: field '{field}' must be text without spaces, "
            "commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted is the number "
            "1.1), got '{value}'"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): field '{field}' must be text "
            "without spaces, commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted "
            "is the number 1.1), got '{value}'"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): field '{field}' must be text without "
            "spaces, commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted is the "
            "number 1.1), got '{value}'"
        ),
        _GRADE: N_(
            "Rubric {file}, grade band {grade}: field '{field}' must be text without spaces, "
            "commas or semicolons, got '{value}'"
        ),
    },
    _DUPLICATE_ID: {
        _CATEGORY: N_(
            "Rubric {file}, category {category}: id '{value}' appears more than once; category, "
            "item and point ids must all differ"
        ),
        _ITEM: N_(
            "Rubric {file}, item {item} (category {category}): id '{value}' appears more than "
            "once; category, item and point ids must all differ"
        ),
        _POINT: N_(
            "Rubric {file}, point {point} (item {item}): id '{value}' appears more than once; "
            "category, item and point ids must all differ"
        ),
        _GRADE: N_("Rubric {file}, grade band {grade}: code '{value}' appears more than once"),
    },
}

_ROOT_NOT_MAPPING = N_(
    "Rubric {file}: the file must be a mapping with the fields 'name', 'version', 'notice', "
    "'total', 'grades' and 'categories', got '{value}'"
)
_NO_CATEGORIES = N_("Rubric {file}: field 'categories' lists no category")
_NO_ITEMS = N_("Rubric {file}, category {category}: field 'items' lists no item")
_NO_POINTS = N_("Rubric {file}, item {item} (category {category}): field 'points' lists no point")
_NO_GRADES = N_("Rubric {file}: field 'grades' lists no grade band")
_CATEGORY_SUM = N_(
    "Rubric {file}: the categories' maximum scores add up to {sum}, but field 'total' is {total}"
)
_ITEM_SUM = N_(
    "Rubric {file}, category {category}: its items' maximum scores add up to {sum}, but the "
    "category's field 'max' is {max}"
)
_POINT_SUM = N_(
    "Rubric {file}, item {item} (category {category}): its points' maximum scores add up to "
    "{sum}, but the item's field 'max' is {max}"
)
_BAD_METHOD = N_(
    "Rubric {file}, point {point} (item {item}): field 'method' must be one of {allowed}, "
    "got '{value}'"
)
_NOT_FOR_METHOD = N_(
    "Rubric {file}, point {point} (item {item}): field '{field}' does not apply to method "
    "'{method}'; the method needs: {needed}"
)
_UNKNOWN_INDICATOR = N_(
    "Rubric {file}, point {point} (item {item}): field 'indicator' names '{value}', which is not "
    "in the indicator catalogue ({known})"
)
_UNKNOWN_INDICATOR_TYPE = N_(
    "Rubric {file}, point {point} (item {item}): field 'indicator' names '{value}', but the "
    "facility standard {standard} has no facility type '{code}'"
)
_NO_BANDS = N_(
    "Rubric {file}, point {point} (item {item}): field 'bands' must list at least one band"
)
_BAND_ORDER = N_(
    "Rubric {file}, point {point} (item {item}): field 'bands': band {number} (at least "
    "{at_least}) must have a lower threshold than the band before it (at least {previous}); "
    "list bands from the highest threshold down"
)
_BAND_SCORE_ORDER = N_(
    "Rubric {file}, point {point} (item {item}): field 'bands': band {number} scores {score}, "
    "which must be less than the {previous} of the band before it (a lower threshold earns less)"
)
_BAND_TOP = N_(
    "Rubric {file}, point {point} (item {item}): field 'bands': the first (highest) band must "
    "score the point's maximum {max}, got {score}"
)
_BAND_NEGATIVE = N_(
    "Rubric {file}, point {point} (item {item}): field 'bands': band {number} scores {score}; "
    "a score cannot be negative"
)
_LINEAR_SAME_ENDS = N_(
    "Rubric {file}, point {point} (item {item}): fields 'zero_at' and 'full_at' are both "
    "{value}; a line needs two different values"
)
_GRADE_ORDER = N_(
    "Rubric {file}, grade band {grade}: field 'min' {value} must be lower than the 'min' of the "
    "band before it ({previous}); list grade bands from the highest down"
)
_GRADE_LOWEST = N_(
    "Rubric {file}, grade band {grade}: the lowest band must have 'min' 0 so that every total "
    "has a grade, got {value}"
)
_GRADE_ABOVE_TOTAL = N_(
    "Rubric {file}, grade band {grade}: field 'min' {value} is above the rubric's total {total}, "
    "so no community could reach it"
)

_DOCUMENT_MESSAGES = DocumentMessages(
    not_found=N_("Rubric {file} was not found"),
    bad_suffix=N_("Rubric {file}: unsupported file type '{suffix}'; use one of {allowed}"),
    not_utf8=N_("Rubric {file} is not UTF-8 text (undecodable byte at {position})"),
    unreadable=N_("Rubric {file} could not be read: {reason}"),
    empty=N_("Rubric {file} is empty"),
    syntax=N_("Rubric {file}: syntax error at line {line}, column {column}: {problem}"),
    syntax_no_line=N_("Rubric {file}: syntax error: {problem}"),
    duplicate_key_at=N_(
        "Rubric {file}: key '{key}' appears twice in the same mapping (line {line})"
    ),
    duplicate_key=N_("Rubric {file}: key '{key}' appears twice in the same mapping"),
)


def _place(kind: str, **values: Any) -> Where:
    """A place in a rubric (the file or a record), worded by ``_TEMPLATES``."""
    return Where(_TEMPLATES, kind, **values)


def _category_place(file: str, category: str) -> Where:
    return _place(_CATEGORY, file=file, category=category)


def _item_place(file: str, category: str, item: str) -> Where:
    return _place(_ITEM, file=file, category=category, item=item)


def _point_place(file: str, item: str, point: str) -> Where:
    return _place(_POINT, file=file, item=item, point=point)


def _grade_place(file: str, grade: str) -> Where:
    return _place(_GRADE, file=file, grade=grade)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_rubric(
    path: Optional[Union[str, Path]] = None, standard: Optional[FacilityStandard] = None
) -> Rubric:
    """Load a rubric (.yaml, .yml, .json or .xlsx); None or "" -> the built-in default.

    The rubric is always checked for structure; with ``standard`` its per-type indicators
    (``coverage_<code>``) must also name facility types of that standard.
    """
    source = BUILTIN_RUBRIC_PATH if path is None or not str(path).strip() else Path(path)
    if source.suffix.lower() == ".xlsx":
        from .excel import read_rubric_xlsx  # excel imports this module

        rubric = read_rubric_xlsx(source)
    else:
        document = read_document(source, _DOCUMENT_MESSAGES, listed_suffixes=RUBRIC_SUFFIXES)
        rubric = parse_rubric(document, str(source))
    if standard is not None:
        validate(rubric, standard)
    return rubric


_TOP_KEYS = ("name", "version", "notice", "total", "grades", "categories")
_CATEGORY_KEYS = ("id", "name", "max", "items")
_ITEM_REQUIRED = ("id", "name", "max", "points")
_ITEM_OPTIONAL = ("source",)
_GRADE_KEYS = ("code", "name", "min")
_POINT_REQUIRED = ("id", "text", "max", "method")
_RULE_FIELDS = ("indicator", "bands", "zero_at", "full_at", "deduct", "per")
_POINT_OPTIONAL = (*_RULE_FIELDS, "veto", "evidence")
#: Per method: the rule fields it requires and those it may have.
_METHOD_FIELDS: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    THRESHOLD: (("indicator", "bands"), ()),
    LINEAR: (("indicator", "zero_at", "full_at"), ()),
    YES_NO: (("indicator",), ()),
    DEDUCTION: (("indicator", "deduct"), ("per",)),
    MANUAL: ((), ()),
}


def parse_rubric(data: Any, file: str = "<memory>") -> Rubric:
    """Build a rubric from a parsed document (nested dicts and lists) and :func:`validate` it.

    Indicator names are checked against the catalogue only; pass the rubric and a facility
    standard to :func:`validate` to check the type codes in them too.
    """
    top = _place(_FILE, file=file)
    if data is None:
        raise DataError(_DOCUMENT_MESSAGES.empty, file=file)
    if not isinstance(data, dict):
        raise DataError(_ROOT_NOT_MAPPING, file=file, value=show_value(data))
    check_keys(data, top, _TOP_KEYS, ())
    grades = read_list(data["grades"], top, "grades")
    categories = read_list(data["categories"], top, "categories")
    rubric = Rubric(
        name=_bilingual(data["name"], top, "name"),
        version=read_version(data["version"], top),
        notice=_bilingual(data["notice"], top, "notice"),
        total=read_positive(data["total"], top, "total"),
        grades=tuple(_parse_grade(record, n, top) for n, record in enumerate(grades, 1)),
        categories=tuple(_parse_category(record, n, top) for n, record in enumerate(categories, 1)),
        source_path=file,
    )
    validate(rubric)
    return rubric


def _bilingual(value: Any, where: Where, field_name: str) -> Bilingual:
    pair = read_language_pair(value, where, field_name)
    return Bilingual(zh=pair["zh"], en=pair["en"])


def _label(value: Any, index: int) -> str:
    """How a record is named in messages before its id is known to be valid."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return show_value(value) if value is not None and not isinstance(value, bool) else f"#{index}"


def _identifier(value: Any, where: Where, field_name: str = "id") -> str:
    if not isinstance(value, str) or not _ID_PATTERN.match(value.strip()):
        raise where.error(_BAD_ID, field=field_name, value=show_value(value))
    return value.strip()


def _check_id(value: Any, where: Where, field_name: str = "id") -> None:
    """The exact id of a built rubric: no stripping, since code may have made it."""
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        raise where.error(_BAD_ID, field=field_name, value=show_value(value))


def _parse_grade(record: Any, index: int, top: Where) -> GradeBand:
    record = read_mapping(record, top, f"grades[{index}]")
    where = _grade_place(top.values["file"], _label(record.get("code"), index))
    check_keys(record, where, _GRADE_KEYS, ())
    return GradeBand(
        code=_identifier(record["code"], where, "code"),
        name=_bilingual(record["name"], where, "name"),
        min_score=read_number(record["min"], where, "min"),
    )


def _parse_category(record: Any, index: int, top: Where) -> Category:
    record = read_mapping(record, top, f"categories[{index}]")
    file = top.values["file"]
    where = _category_place(file, _label(record.get("id"), index))
    check_keys(record, where, _CATEGORY_KEYS, ())
    category_id = _identifier(record["id"], where)
    items = read_list(record["items"], where, "items")
    return Category(
        id=category_id,
        name=_bilingual(record["name"], where, "name"),
        max_score=read_positive(record["max"], where, "max"),
        items=tuple(
            _parse_item(item, n, file, category_id, where) for n, item in enumerate(items, 1)
        ),
    )


def _parse_item(record: Any, index: int, file: str, category_id: str, parent: Where) -> Item:
    record = read_mapping(record, parent, f"items[{index}]")
    where = _item_place(file, category_id, _label(record.get("id"), index))
    check_keys(record, where, _ITEM_REQUIRED, _ITEM_OPTIONAL)
    item_id = _identifier(record["id"], where)
    points = read_list(record["points"], where, "points")
    return Item(
        id=item_id,
        name=_bilingual(record["name"], where, "name"),
        max_score=read_positive(record["max"], where, "max"),
        points=tuple(
            _parse_point(point, n, file, item_id, where) for n, point in enumerate(points, 1)
        ),
        source=read_text(record["source"], where, "source") if is_present(record, "source") else "",
    )


def _parse_point(record: Any, index: int, file: str, item_id: str, parent: Where) -> ScoringPoint:
    record = read_mapping(record, parent, f"points[{index}]")
    where = _point_place(file, item_id, _label(record.get("id"), index))
    check_keys(record, where, _POINT_REQUIRED, _POINT_OPTIONAL)
    point_id = _identifier(record["id"], where)
    method = read_text(record["method"], where, "method")
    if method not in METHODS:
        raise where.custom(_BAD_METHOD, value=method, allowed=", ".join(METHODS))
    _check_method_fields(record, method, where)
    return ScoringPoint(
        id=point_id,
        text=_bilingual(record["text"], where, "text"),
        max_score=read_positive(record["max"], where, "max"),
        rule=_parse_rule(record, method, where),
        evidence=(
            _bilingual(record["evidence"], where, "evidence")
            if is_present(record, "evidence")
            else NO_TEXT
        ),
        veto=read_bool(record["veto"], where, "veto") if is_present(record, "veto") else False,
    )


def _check_method_fields(record: Mapping[str, Any], method: str, where: Where) -> None:
    required, optional = _METHOD_FIELDS[method]
    for key in _RULE_FIELDS:
        if is_present(record, key) and key not in required + optional:
            needed = ", ".join(required + optional) or "-"
            raise where.custom(_NOT_FOR_METHOD, field=key, method=method, needed=needed)
    for key in required:
        if not is_present(record, key):
            raise where.error(MISSING, field=key)


def _parse_rule(record: Mapping[str, Any], method: str, where: Where) -> Rule:
    if method == MANUAL:
        return ManualRule()
    indicator = read_text(record["indicator"], where, "indicator")
    if method == THRESHOLD:
        return ThresholdRule(indicator, _parse_bands(record["bands"], where))
    if method == LINEAR:
        return LinearRule(
            indicator,
            zero_at=read_number(record["zero_at"], where, "zero_at"),
            full_at=read_number(record["full_at"], where, "full_at"),
        )
    if method == DEDUCTION:
        per = read_positive(record["per"], where, "per") if is_present(record, "per") else 1.0
        return DeductionRule(
            indicator, deduct=read_positive(record["deduct"], where, "deduct"), per=per
        )
    return YesNoRule(indicator)


def _parse_bands(value: Any, where: Where) -> Tuple[Band, ...]:
    bands: List[Band] = []
    for number, raw in enumerate(read_list(value, where, "bands"), 1):
        name = f"bands[{number}]"
        band = read_mapping(raw, where, name)
        check_keys(band, where, ("at_least", "score"), (), prefix=name + ".")
        bands.append(
            Band(
                at_least=read_number(band["at_least"], where, name + ".at_least"),
                score=read_number(band["score"], where, name + ".score"),
            )
        )
    return tuple(bands)


# --------------------------------------------------------------------------------------------
# Validation of a built rubric
# --------------------------------------------------------------------------------------------


def validate(rubric: Rubric, standard: Optional[FacilityStandard] = None) -> None:
    """Check that ``rubric`` is coherent; raise :class:`DataError` naming the first problem.

    Maxima add up (points to their item, items to their category, categories to the total);
    ids are unique across categories, items and points; bands and grade bands are in order and
    grade bands cover 0 to the total; every indicator is in the catalogue and, with
    ``standard``, every per-type indicator names one of its facility types.
    """
    file = rubric.source_path or "<memory>"
    top = _place(_FILE, file=file)
    # The schema readers double as checks here: a rubric built in code skipped parse_rubric.
    read_positive(rubric.total, top, "total")
    _check_grades(rubric, file)
    if not rubric.categories:
        raise DataError(_NO_CATEGORIES, file=file)
    codes = frozenset(standard.codes()) if standard is not None else None
    standard_name = (standard.source_path or standard.name_en) if standard is not None else ""
    used: Set[str] = set()
    for category in rubric.categories:
        _check_category(category, file, used, codes, standard_name)
    _check_sum(
        [category.max_score for category in rubric.categories],
        rubric.total,
        lambda total, expected: DataError(_CATEGORY_SUM, file=file, sum=total, total=expected),
    )


def _check_unique(value: str, where: Where, used: Set[str]) -> None:
    if value in used:
        raise where.error(_DUPLICATE_ID, value=value)
    used.add(value)


def _check_sum(parts: List[float], expected: float, error: Any) -> None:
    total = math.fsum(parts)
    if not math.isclose(total, expected, rel_tol=0.0, abs_tol=SUM_TOLERANCE):
        raise error(format_number(round(total, SCORE_DECIMALS)), format_number(expected))


def _check_category(
    category: Category,
    file: str,
    used: Set[str],
    codes: Optional[Collection[str]],
    standard_name: str,
) -> None:
    where = _category_place(file, category.id)
    _check_id(category.id, where)
    _check_unique(category.id, where, used)
    read_positive(category.max_score, where, "max")
    if not category.items:
        raise where.custom(_NO_ITEMS)
    for item in category.items:
        item_where = _item_place(file, category.id, item.id)
        _check_id(item.id, item_where)
        _check_unique(item.id, item_where, used)
        read_positive(item.max_score, item_where, "max")
        if not item.points:
            raise item_where.custom(_NO_POINTS)
        for point in item.points:
            point_where = _point_place(file, item.id, point.id)
            _check_id(point.id, point_where)
            _check_unique(point.id, point_where, used)
            _check_point(point, point_where, codes, standard_name)
        _check_sum(
            [point.max_score for point in item.points],
            item.max_score,
            lambda total, expected, at=item_where: at.custom(_POINT_SUM, sum=total, max=expected),
        )
    _check_sum(
        [item.max_score for item in category.items],
        category.max_score,
        lambda total, expected: where.custom(_ITEM_SUM, sum=total, max=expected),
    )


def _check_point(
    point: ScoringPoint, where: Where, codes: Optional[Collection[str]], standard_name: str
) -> None:
    read_positive(point.max_score, where, "max")
    rule = point.rule
    if isinstance(rule, ThresholdRule):
        _check_bands(rule.bands, point.max_score, where)
    elif isinstance(rule, LinearRule):
        if rule.zero_at == rule.full_at:
            raise where.custom(_LINEAR_SAME_ENDS, value=format_number(rule.zero_at))
    elif isinstance(rule, DeductionRule):
        read_positive(rule.deduct, where, "deduct")
        read_positive(rule.per, where, "per")
    if not point.is_manual:
        _check_indicator(rule.indicator, where, codes, standard_name)


def _check_bands(bands: Tuple[Band, ...], max_score: float, where: Where) -> None:
    if not bands:
        raise where.custom(_NO_BANDS)
    if not math.isclose(bands[0].score, max_score, rel_tol=0.0, abs_tol=SUM_TOLERANCE):
        raise where.custom(
            _BAND_TOP, max=format_number(max_score), score=format_number(bands[0].score)
        )
    for number, (previous, band) in enumerate(zip(bands, bands[1:]), 2):
        if band.at_least >= previous.at_least:
            raise where.custom(
                _BAND_ORDER,
                number=number,
                at_least=format_number(band.at_least),
                previous=format_number(previous.at_least),
            )
        if band.score >= previous.score:
            raise where.custom(
                _BAND_SCORE_ORDER,
                number=number,
                score=format_number(band.score),
                previous=format_number(previous.score),
            )
        if band.score < 0:
            raise where.custom(_BAND_NEGATIVE, number=number, score=format_number(band.score))


def _check_indicator(
    name: str, where: Where, codes: Optional[Collection[str]], standard_name: str
) -> None:
    if find_indicator(name, codes) is not None:
        return
    loose = find_indicator(name)
    if loose is not None and codes is not None:
        raise where.custom(
            _UNKNOWN_INDICATOR_TYPE, value=name, standard=standard_name, code=loose[1]
        )
    raise where.custom(
        _UNKNOWN_INDICATOR, value=show_value(name), known=", ".join(catalogue_names())
    )


def _check_grades(rubric: Rubric, file: str) -> None:
    if not rubric.grades:
        raise DataError(_NO_GRADES, file=file)
    codes: Set[str] = set()
    previous: Optional[GradeBand] = None
    for band in rubric.grades:
        where = _grade_place(file, band.code)
        _check_id(band.code, where, "code")
        _check_unique(band.code, where, codes)
        read_number(band.min_score, where, "min")
        if previous is None and band.min_score > rubric.total:
            raise where.custom(
                _GRADE_ABOVE_TOTAL,
                value=format_number(band.min_score),
                total=format_number(rubric.total),
            )
        if previous is not None and band.min_score >= previous.min_score:
            raise where.custom(
                _GRADE_ORDER,
                value=format_number(band.min_score),
                previous=format_number(previous.min_score),
            )
        previous = band
    lowest = rubric.grades[-1]
    if lowest.min_score != 0:
        raise _grade_place(file, lowest.code).custom(
            _GRADE_LOWEST, value=format_number(lowest.min_score)
        )
