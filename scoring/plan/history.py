"""The history of a plan: every saved change to every record, field by field.

A special plan is a team's work over months and a project list is tracked from application to
completion, so the store keeps, for every save, one row per changed field: when (UTC), who (the
OS user for a GeoPackage, the database user for PostgreSQL), which record, which field, from
what to what. A new record has one row per filled field (from nothing); a deleted record one
row per field it had (to nothing), so that a deleted project's values can still be read back.

Values are kept as text, the way a person reads them: numbers without a trailing ``.0``,
locations as WKT. The history is only ever added to: a save never changes or deletes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .model import PROJECTS, STATUSES

INSERT = "insert"
UPDATE = "update"
DELETE = "delete"
#: ``field`` of the row saying that a record was changed outside the plugin (see migrations).
OUTSIDE = "*"


@dataclass(frozen=True)
class HistoryEntry:
    """One changed field of one record in one save."""

    changed_at: str
    changed_by: str
    table: str
    record_id: str
    record_name: str
    action: str
    field: str
    old_value: Optional[str]
    new_value: Optional[str]
    version: int


def value_text(value: Any) -> Optional[str]:
    """How the history writes a value: None stays None, 1000.0 is ``1000``, a shape is WKT."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "geom_type") and hasattr(value, "wkt"):
        from shapely import wkt

        return wkt.dumps(value, trim=True)
    text = str(value)
    return text if text else None


def same_value(old: Any, new: Any) -> bool:
    """Whether a field is unchanged: numbers by value, shapes by their coordinates."""
    if old is None or new is None:
        return old is None and new is None
    if hasattr(old, "geom_type") or hasattr(new, "geom_type"):
        if not (hasattr(old, "geom_type") and hasattr(new, "geom_type")):
            return False
        from shapely import wkb

        return old.geom_type == new.geom_type and wkb.dumps(old, output_dimension=2) == wkb.dumps(
            new, output_dimension=2
        )
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return old == new


def changed_fields(
    old: Optional[Mapping[str, Any]], new: Optional[Mapping[str, Any]], fields: Sequence[str]
) -> List[str]:
    """The fields whose value differs between two rows (None: no row, every filled field)."""
    if old is None and new is None:
        return []
    if old is None or new is None:
        present = new if new is not None else old
        return [name for name in fields if value_text(present.get(name)) is not None]
    return [name for name in fields if not same_value(old.get(name), new.get(name))]


def status_dates(entries: Iterable[HistoryEntry]) -> Dict[str, Dict[str, str]]:
    """Per project id: when it first reached each status (status code -> ISO time, UTC).

    A project created with a status reached it when it was created. Entries of other tables
    are ignored; they need not be in order.
    """
    known = {choice.code for choice in STATUSES}
    dates: Dict[str, Dict[str, str]] = {}
    for entry in entries:
        if entry.table != PROJECTS or entry.field != "status" or entry.action == DELETE:
            continue
        if entry.new_value not in known:
            continue
        reached = dates.setdefault(entry.record_id, {})
        earlier = reached.get(entry.new_value)
        if earlier is None or entry.changed_at < earlier:
            reached[entry.new_value] = entry.changed_at
    return dates
