"""The walking model: how fast people walk on slopes and stairs, as a data file with a schema.

DESIGN §3 asks that standards, rubrics and walking models be data: the parameters of the
walking-time measure (DESIGN §4b) live in ``resources/walking/walking_model.yaml`` with their
sources, and a city with its own survey figures replaces the file. This module reads and checks
it (messages name the file and field, like the facility standard's) and holds the one formula
every walking-time figure goes through, Tobler's hiking function normalised to the flat.

API summary:

- ``load_walking_model(path=None)`` -> :class:`WalkingModel` (None or "" -> the built-in file);
  ``parse_walking_model(data, file)`` for an already parsed document.
- ``WalkingModel.slowness(grade)`` -> 1 / f(s): seconds per second on the flat (vectorised).
- ``WalkingModel.speed_factor(grade)`` -> f(s).
- ``WalkingModel.stairs_up_m_per_s`` / ``stairs_down_m_per_s`` / ``step_height_m`` /
  ``piece_length_m`` / ``walk_speed_m_per_s`` and the default expressions
  (``default_stairs``, ``default_structures``, ``step_count_field``) for the adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

import numpy as np

from ..errors import N_, DataError
from ..schema import (
    MISSING,
    NOT_MAPPING,
    NOT_NUMBER,
    NOT_POSITIVE,
    NOT_TEXT,
    UNKNOWN_KEY,
    DocumentMessages,
    Where,
    check_keys,
    read_document,
    read_language_pair,
    read_mapping,
    read_number,
    read_positive,
    read_text,
    read_version,
    show_value,
)

WALKING_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "walking"
BUILTIN_WALKING_MODEL_PATH = WALKING_DIR / "walking_model.yaml"


@dataclass(frozen=True)
class WalkingModel:
    """The parameters of walking time (DESIGN §4b); see the built-in file for their sources.

    ``hiking_a`` and ``hiking_b`` shape Tobler's function f(s) = exp(-a|s + b|) / exp(-a b);
    stairs climb at ``stairs_up_m_per_s`` and descend at ``stairs_down_m_per_s`` (vertical
    metres per second); ``step_height_m`` turns a step count into a rise.
    """

    name_zh: str
    name_en: str
    version: str
    notice: Mapping[str, str]
    hiking_a: float
    hiking_b: float
    hiking_source: str
    piece_length_m: float
    walk_speed_m_per_s: float
    walk_speed_source: str
    stairs_up_m_per_s: float
    stairs_down_m_per_s: float
    step_height_m: float
    stairs_source: str
    default_stairs: str
    default_structures: str
    step_count_field: str
    defaults_source: str
    source_path: str = ""

    def slowness(self, grade: Union[float, np.ndarray]) -> np.ndarray:
        """1 / f(s): how many times longer than on the flat a grade ``s`` (rise / run in the
        walking direction) takes. Exactly 1 at s = 0."""
        grade = np.asarray(grade, dtype=np.float64)
        a, b = self.hiking_a, self.hiking_b
        return np.exp(a * (np.abs(grade + b) - b))

    def speed_factor(self, grade: Union[float, np.ndarray]) -> np.ndarray:
        """f(s), Tobler's hiking function normalised to 1 on the flat."""
        return 1.0 / self.slowness(grade)

    def notice_for(self, locale: str = "zh") -> str:
        return self.notice["zh"] if locale.lower().startswith("zh") else self.notice["en"]


def load_walking_model(path: Optional[Union[str, Path]] = None) -> WalkingModel:
    """Load and check a walking model (.yaml, .yml or .json); None or "" -> the built-in one."""
    source = BUILTIN_WALKING_MODEL_PATH if path is None or not str(path).strip() else Path(path)
    return parse_walking_model(read_document(source, _DOCUMENT_MESSAGES), str(source))


def parse_walking_model(data: Any, file: str = "<memory>") -> WalkingModel:
    """Check an already parsed document (nested dicts) and build the model."""
    where = Where(_TEMPLATES, _FILE, file=file)
    if data is None:
        raise DataError(_DOCUMENT_MESSAGES.empty, file=file)
    if not isinstance(data, dict):
        raise DataError(_ROOT_NOT_MAPPING, file=file, value=show_value(data))
    check_keys(data, where, _REQUIRED, ())
    hiking = read_mapping(data["hiking_function"], where, "hiking_function")
    check_keys(hiking, where, ("a", "b", "source"), (), prefix="hiking_function.")
    a = read_positive(hiking["a"], where, "hiking_function.a")
    b = read_number(hiking["b"], where, "hiking_function.b")
    if not 0.0 <= b < 1.0:
        raise where.custom(_BAD_OFFSET, value=show_value(hiking["b"]))
    stairs = read_mapping(data["stairs"], where, "stairs")
    check_keys(
        stairs, where, ("up_m_per_s", "down_m_per_s", "step_height_m", "source"), (), "stairs."
    )
    defaults = read_mapping(data["defaults"], where, "defaults")
    check_keys(
        defaults,
        where,
        ("stairs", "structures", "step_count_field", "source"),
        (),
        prefix="defaults.",
    )
    name = read_language_pair(data["name"], where, "name")
    return WalkingModel(
        name_zh=name["zh"],
        name_en=name["en"],
        version=read_version(data["version"], where),
        notice=read_language_pair(data["notice"], where, "notice"),
        hiking_a=a,
        hiking_b=b,
        hiking_source=read_text(hiking["source"], where, "hiking_function.source"),
        piece_length_m=read_positive(data["piece_length_m"], where, "piece_length_m"),
        walk_speed_m_per_s=read_positive(data["walk_speed_m_per_s"], where, "walk_speed_m_per_s"),
        walk_speed_source=read_text(data["walk_speed_source"], where, "walk_speed_source"),
        stairs_up_m_per_s=read_positive(stairs["up_m_per_s"], where, "stairs.up_m_per_s"),
        stairs_down_m_per_s=read_positive(stairs["down_m_per_s"], where, "stairs.down_m_per_s"),
        step_height_m=read_positive(stairs["step_height_m"], where, "stairs.step_height_m"),
        stairs_source=read_text(stairs["source"], where, "stairs.source"),
        default_stairs=read_text(defaults["stairs"], where, "defaults.stairs"),
        default_structures=read_text(defaults["structures"], where, "defaults.structures"),
        step_count_field=read_text(
            defaults["step_count_field"], where, "defaults.step_count_field"
        ),
        defaults_source=read_text(defaults["source"], where, "defaults.source"),
        source_path=file,
    )


_REQUIRED = (
    "name",
    "version",
    "notice",
    "hiking_function",
    "piece_length_m",
    "walk_speed_m_per_s",
    "walk_speed_source",
    "stairs",
    "defaults",
)
_FILE = "file"
_TEMPLATES: Dict[str, Dict[str, str]] = {
    MISSING: {_FILE: N_("Walking model {file}: required field '{field}' is missing")},
    UNKNOWN_KEY: {
        _FILE: N_(
            "Walking model {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}"
        )
    },
    NOT_MAPPING: {
        _FILE: N_(
            "Walking model {file}: field '{field}' must be a mapping of 'key: value' entries, "
            "got '{value}'"
        )
    },
    NOT_TEXT: {
        _FILE: N_("Walking model {file}: field '{field}' must be non-empty text, got '{value}'")
    },
    NOT_NUMBER: {
        _FILE: N_("Walking model {file}: field '{field}' must be a number, got '{value}'")
    },
    NOT_POSITIVE: {
        _FILE: N_("Walking model {file}: field '{field}' must be a positive number, got '{value}'")
    },
}
_DOCUMENT_MESSAGES = DocumentMessages(
    not_found=N_("Walking model {file} was not found"),
    bad_suffix=N_("Walking model {file}: unsupported file type '{suffix}'; use one of {allowed}"),
    not_utf8=N_("Walking model {file} is not UTF-8 text (undecodable byte at {position})"),
    unreadable=N_("Walking model {file} could not be read: {reason}"),
    empty=N_("Walking model {file} is empty"),
    syntax=N_("Walking model {file}: syntax error at line {line}, column {column}: {problem}"),
    syntax_no_line=N_("Walking model {file}: syntax error: {problem}"),
    duplicate_key_at=N_(
        "Walking model {file}: key '{key}' appears twice in the same mapping (line {line})"
    ),
    duplicate_key=N_("Walking model {file}: key '{key}' appears twice in the same mapping"),
)
_ROOT_NOT_MAPPING = N_(
    "Walking model {file}: the file must be a mapping of fields (name, version, notice, "
    "hiking_function, piece_length_m, walk_speed_m_per_s, stairs, defaults), got '{value}'"
)
_BAD_OFFSET = N_(
    "Walking model {file}: field 'hiking_function.b' (the grade walked fastest, downhill) must "
    "be at least 0 and below 1, got '{value}'"
)
