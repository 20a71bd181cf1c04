"""项目库: one row per project of the plan data."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from ..cells import display_width
from ..labels import project_label
from .common import Context, ListColumn, ListSheet, write_list


def write_projects(context: Context, title: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """One row per project, its keys as columns (known keys in words); values keep their
    types (years, money, dates)."""
    keys: List[str] = []
    for row in rows:
        for key in row:
            if str(key) not in keys:
                keys.append(str(key))
    columns = [ListColumn("no", 5, context.label("col_no"), "general")]
    for key in keys:
        header = project_label(key, context.language)
        sample = [display_width(str(row.get(key, "") or "")) for row in rows[:200]]
        width = max([*sample, display_width(header)]) + 2
        columns.append(ListColumn(key, min(max(width, 8), 36), header, "typed"))

    def values(row: Mapping[str, Any]) -> Dict[str, Any]:
        return {str(key): value for key, value in row.items()}

    note = context.label("projects_note", count=len(rows))
    spec = ListSheet(title, context.titled("title_projects"), note, columns, values)
    write_list(context, spec, rows)
