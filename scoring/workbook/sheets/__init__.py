"""The sheets of the evaluation workbook, one module each.

- :mod:`.summary` — 汇总表, every community's scores, linked to its form;
- :mod:`.gaps` — 设施覆盖 (coverage per facility type) and 短板清单 (one row per compound
  with gaps);
- :mod:`.deficits` — 配置缺口, one row per unit short of facilities;
- :mod:`.projects` — 项目库; :mod:`.scenario` — 规划前后对比; :mod:`.about` — 说明;
- :mod:`.evaluation` — the 评价表 of each community;
- :mod:`.common` — what they share: titles, print set-up, colours, list sheets.

Formulas, not values, hold every subtotal, total and grade that a manual score changes, so a
form filled in by hand recomputes in Excel and LibreOffice, and the summary follows it; values
are written only where nothing in the workbook can change them.
"""

from .about import write_about
from .common import Context
from .deficits import write_deficits
from .evaluation import FormTemplate, write_forms
from .gaps import compounds_with_gaps, write_coverage, write_gaps
from .projects import write_projects
from .scenario import write_scenario
from .summary import CommunityEntry, summary_columns, write_summary

__all__ = [
    "CommunityEntry",
    "Context",
    "FormTemplate",
    "compounds_with_gaps",
    "summary_columns",
    "write_about",
    "write_coverage",
    "write_deficits",
    "write_forms",
    "write_gaps",
    "write_projects",
    "write_scenario",
    "write_summary",
]
