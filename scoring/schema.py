"""Reading hand-edited YAML/JSON data files field by field, with messages that say where.

Facility standards and rubrics are data files that planners edit by hand (DESIGN §3). A slip in
one must stop the run with a message naming the file, the record and the field, not produce a
silently wrong analysis. Both are checked the same way, so the machinery lives here once:

- :func:`read_document` reads YAML or JSON strictly (a key repeated in one mapping is an
  error, syntax errors give line and column);
- :class:`Where` describes the place a check is looking at (the file, a tier, a rubric item
  ...) and words the generic checks' errors for that place;
- the ``read_*`` functions return a field's typed value or raise naming the field.

The module knows no wording of its own: each kind of document brings its message templates
(a :class:`DocumentMessages` for reading the file, a template table for :class:`Where`), so a
rubric's messages say "Rubric" and a standard's say "Facility standard" without rewording
errors after the fact. The hand-written checks exist because QGIS installs do not reliably
ship ``jsonschema``. Like the rest of :mod:`scoring` it imports neither ``qgis`` nor Qt.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from .errors import DataError

#: The file types :func:`read_document` reads.
DOCUMENT_SUFFIXES: Tuple[str, ...] = (".yaml", ".yml", ".json")

# The generic checks, the keys of a :class:`Where` template table. Every template of a check
# gets the place's own values (``file`` and e.g. ``index``, ``code``) plus the ones listed.
MISSING = "missing"  # {field}: a required field is absent
UNKNOWN_KEY = "unknown_key"  # {field}, {allowed}: a field the record may not have
NOT_MAPPING = "not_mapping"  # {field}, {value}
NOT_LIST = "not_list"  # {field}, {value}
NOT_TEXT = "not_text"  # {field}, {value}: not text, or only spaces
NOT_NUMBER = "not_number"  # {field}, {value}: not a finite number
NOT_POSITIVE = "not_positive"  # {field}, {value}
NOT_WHOLE = "not_whole"  # {field}, {value}: not a positive whole number
NOT_BOOL = "not_bool"  # {field}, {value}: not true or false

#: Check -> place kind -> message template (each wrapped in ``N_``).
Templates = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class DocumentMessages:
    """How one kind of document words the errors of reading its file (templates in ``N_``).

    Every template gets ``{file}``; the others get the values named after the field here.
    """

    not_found: str
    bad_suffix: str  # {suffix}, {allowed}
    not_utf8: str  # {position}: offset of the first undecodable byte
    unreadable: str  # {reason}
    empty: str
    syntax: str  # {line}, {column}, {problem}
    syntax_no_line: str  # {problem}
    duplicate_key_at: str  # {key}, {line}
    duplicate_key: str  # {key}: JSON, whose parser gives no line


class Where:
    """Where a check is looking (a file, a record, a nested record), for its error messages.

    ``values`` name the place (``file=..., index=..., code=...``) and fill every message raised
    here; ``templates`` give the generic checks' wording for each ``kind`` of place, so that
    one reader serves all the records of all the kinds of document.
    """

    def __init__(self, templates: Templates, kind: str, **values: Any) -> None:
        self.templates = templates
        self.kind = kind
        self.values = values

    def error(self, check: str, **values: Any) -> DataError:
        """The error of a generic check (:data:`MISSING` ...), worded for this kind of place."""
        return DataError(self.templates[check][self.kind], **self.values, **values)

    def custom(self, template: str, **values: Any) -> DataError:
        """An error with a caller's own template, filled with this place's values too."""
        return DataError(template, **self.values, **values)


# --------------------------------------------------------------------------------------------
# Reading the document
# --------------------------------------------------------------------------------------------


def read_document(
    path: Path,
    messages: DocumentMessages,
    listed_suffixes: Optional[Sequence[str]] = None,
) -> Any:
    """The parsed content (dicts, lists, scalars) of a .yaml, .yml or .json file.

    Raises :class:`DataError` worded by ``messages`` when the file is missing, of another
    type, not UTF-8, empty, not well formed, or repeats a key in one mapping. A caller that
    reads further file types itself (a rubric also comes as .xlsx) passes all of them as
    ``listed_suffixes`` so that the wrong-type message offers them too.
    """
    file = str(path)
    if not path.is_file():
        raise DataError(messages.not_found, file=file)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        allowed = ", ".join(listed_suffixes or DOCUMENT_SUFFIXES)
        raise DataError(messages.bad_suffix, file=file, suffix=path.suffix, allowed=allowed)
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: Windows editors add a BOM
    except UnicodeDecodeError as error:
        raise DataError(messages.not_utf8, file=file, position=error.start) from error
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataError(messages.unreadable, file=file, reason=reason) from error
    if not text.strip():
        raise DataError(messages.empty, file=file)
    return _parse_text(text, suffix == ".json", file, messages)


def _parse_text(text: str, is_json: bool, file: str, messages: DocumentMessages) -> Any:
    try:
        if is_json:
            return json.loads(text, object_pairs_hook=_reject_duplicate_json_keys)
        return _load_yaml(text)
    except _DuplicateKeyError as duplicate:
        key = show_value(duplicate.key)
        if duplicate.line is None:
            raise DataError(messages.duplicate_key, file=file, key=key) from None
        raise DataError(
            messages.duplicate_key_at, file=file, key=key, line=duplicate.line
        ) from None
    except json.JSONDecodeError as error:
        raise DataError(
            messages.syntax, file=file, line=error.lineno, column=error.colno, problem=error.msg
        ) from None
    except yaml.YAMLError as error:
        raise _yaml_syntax_error(error, file, messages) from None


class _DuplicateKeyError(Exception):
    def __init__(self, key: Any, line: Optional[int]) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


def _load_yaml(text: str) -> Any:
    """Parse with libyaml when PyYAML has it (about 8× faster: the built-in standard is read
    on every run); a document libyaml refuses is parsed again by the pure-Python loader, so
    that what is refused, and the message saying where and why, stay those of PyYAML."""
    if _FastStrictLoader is not None:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)
        except (yaml.YAMLError, _DuplicateKeyError):
            pass
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects


class _StrictMappings:
    """A key repeated in one mapping is an error (mixed into PyYAML's safe loaders).

    Plain PyYAML keeps the last of two ``radius_m:`` lines without a word; in a hand-edited
    file that hides exactly the kind of slip the schema checks are there to catch.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
        seen: Set[Any] = set()
        for key_node, _value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: SafeLoader reports it itself
                continue
            if repeated:
                raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_StrictMappings, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, strict about repeated keys."""


#: The same on libyaml's parser, where PyYAML was built with it.
_FastStrictLoader = (
    type("_FastStrictLoader", (_StrictMappings, yaml.CSafeLoader), {})
    if getattr(yaml, "CSafeLoader", None) is not None
    else None
)


def _reject_duplicate_json_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    result: Dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key, None)
        result[key] = value
    return result


def _yaml_syntax_error(error: yaml.YAMLError, file: str, messages: DocumentMessages) -> DataError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return DataError(messages.syntax_no_line, file=file, problem=problem)
    return DataError(
        messages.syntax, file=file, line=mark.line + 1, column=mark.column + 1, problem=problem
    )


# --------------------------------------------------------------------------------------------
# Field readers: each returns the typed value or raises naming the field
# --------------------------------------------------------------------------------------------


def show_value(value: Any) -> str:
    """A value quoted back to the user, short enough for a message box."""
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def is_number(value: Any) -> bool:
    """A finite int or float; ``True`` is not a number here, though Python says it is."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_present(record: Mapping[str, Any], key: str) -> bool:
    """An optional field counts as absent when left empty (``count:`` with nothing after it)."""
    return record.get(key) is not None


def check_keys(
    record: Mapping[Any, Any],
    where: Where,
    required: Tuple[str, ...],
    optional: Tuple[str, ...],
    prefix: str = "",
) -> None:
    """Refuse unknown keys, then missing required ones; ``prefix`` names a nested record.

    Unknown keys come first: a misspelt ``radius`` is better reported as itself than as a
    missing ``radius_m``, and the message lists the spellings that are allowed.
    """
    allowed = required + optional
    for key in record:
        if key not in allowed:
            raise where.error(UNKNOWN_KEY, field=prefix + str(key), allowed=", ".join(allowed))
    for key in required:
        if key not in record:
            raise where.error(MISSING, field=prefix + key)


def read_mapping(value: Any, where: Where, field_name: str) -> Dict[Any, Any]:
    if not isinstance(value, dict):
        raise where.error(NOT_MAPPING, field=field_name, value=show_value(value))
    return value


def read_list(value: Any, where: Where, field_name: str) -> List[Any]:
    if not isinstance(value, list):
        raise where.error(NOT_LIST, field=field_name, value=show_value(value))
    return value


def read_text(value: Any, where: Where, field_name: str) -> str:
    """Non-empty text, stripped of the spaces around it."""
    if not isinstance(value, str) or not value.strip():
        raise where.error(NOT_TEXT, field=field_name, value=show_value(value))
    return value.strip()


def read_number(value: Any, where: Where, field_name: str) -> float:
    if not is_number(value):
        raise where.error(NOT_NUMBER, field=field_name, value=show_value(value))
    return float(value)


def read_positive(value: Any, where: Where, field_name: str) -> float:
    if not is_number(value) or value <= 0:
        raise where.error(NOT_POSITIVE, field=field_name, value=show_value(value))
    return float(value)


def read_whole(value: Any, where: Where, field_name: str) -> int:
    """A positive whole number; ``2.0`` counts, as YAML and Excel may write one that way."""
    if not is_number(value) or value <= 0 or not float(value).is_integer():
        raise where.error(NOT_WHOLE, field=field_name, value=show_value(value))
    return int(value)


def read_bool(value: Any, where: Where, field_name: str) -> bool:
    """``true`` or ``false`` only: a 1 or "yes" in a hand-edited file is more likely a slip."""
    if not isinstance(value, bool):
        raise where.error(NOT_BOOL, field=field_name, value=show_value(value))
    return value


def read_text_list(
    value: Any, where: Where, field_name: str, allow_numbers: bool = False
) -> Tuple[str, ...]:
    """A list of texts; one text alone is taken as a list of one (``satisfied_by: x``).

    With ``allow_numbers`` whole numbers are read as their text, because some cities code
    facility types numerically (101, 102...). Items are named ``field[1]``, counted from 1.
    """
    items = [value] if isinstance(value, str) else read_list(value, where, field_name)
    texts: List[str] = []
    for number, item in enumerate(items, 1):
        if allow_numbers and isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        texts.append(read_text(item, where, f"{field_name}[{number}]"))
    return tuple(texts)


def read_language_pair(value: Any, where: Where, field_name: str) -> Dict[str, str]:
    """``{"zh": ..., "en": ...}``, both non-empty: names and notices are shown in both."""
    pair = read_mapping(value, where, field_name)
    check_keys(pair, where, ("zh", "en"), (), prefix=field_name + ".")
    return {lang: read_text(pair[lang], where, f"{field_name}.{lang}") for lang in ("zh", "en")}


def read_version(value: Any, where: Where, field_name: str = "version") -> str:
    """Text, or a number or date that YAML made of an unquoted ``1.0`` or ``2024-01-01``."""
    if is_number(value) or isinstance(value, datetime.date):
        return str(value)
    return read_text(value, where, field_name)
