"""The workbook's words in Chinese and English, in one table.

These are domain words (sheet names, column headers, the labels of an evaluation form) that a
design institute hands to a city government, not interface strings: they are chosen by the
workbook's ``language``, not by the QGIS locale, so a Chinese workbook can be written from an
English QGIS and the other way round. Keeping them in one table keeps the two languages in step
and lets the reader recognise a column in either language.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

from ..errors import N_, DataError
from ..provision.model import STATUS_LABELS

ZH = "zh"
EN = "en"

_BAD_LANGUAGE = N_(
    "Workbook language '{language}' is not supported; use 'zh' (Chinese) or 'en' (English)"
)

#: key -> (Chinese, English).
LABELS: Dict[str, Tuple[str, str]] = {
    # Sheets
    "sheet_summary": ("汇总表", "Summary"),
    "sheet_gaps": ("短板清单", "Gap list"),
    "sheet_deficits": ("配置缺口", "Provision deficits"),
    "sheet_projects": ("项目库", "Project list"),
    "sheet_scenario": ("规划前后对比", "Before and after the plan"),
    "sheet_about": ("说明", "About"),
    # Titles
    "title_summary": ("完整社区评价汇总表", "Complete community evaluation: summary"),
    "title_evaluation": ("完整社区评价表", "Complete community evaluation form"),
    "title_gaps": ("设施短板清单", "Facility gap list"),
    "title_deficits": ("分级配置缺口清单", "Tiered provision deficits"),
    "title_projects": ("完整社区建设项目库", "Complete community project list"),
    "title_scenario": ("规划实施前后对比", "Before and after the plan"),
    "title_about": ("工作簿说明", "About this workbook"),
    # Summary
    "col_no": ("序号", "No."),
    "col_community_id": ("社区编号", "Community ID"),
    "col_community": ("社区名称", "Community"),
    "col_district": ("所属片区", "District"),
    "col_total": ("总分", "Total"),
    "col_grade": ("等级", "Grade"),
    "col_rank": ("排名", "Rank"),
    "col_open": ("待评项数", "Points open"),
    "col_provisional": ("暂定", "Provisional"),
    "col_veto": ("一票否决", "Veto"),
    "summary_subtitle": (
        "评价细则：{rubric}（版本 {version}）　评价日期：{date}　社区数：{count}",
        "Rubric: {rubric} (version {version})   Date: {date}   Communities: {count}",
    ),
    "summary_scope": ("范围：{scope}", "Scope: {scope}"),
    "stat_mean": ("平均分", "Mean total"),
    "stat_grade_count": ("{grade}（≥{min}分）社区数", "{grade} (>= {min}) communities"),
    "stat_provisional": ("暂定（有待评项）社区数", "Provisional communities (points open)"),
    "stat_heading": ("统计", "Statistics"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "max_suffix": ("（{max}分）", " ({max})"),
    # Evaluation sheet: header block
    "eval_community": ("社区名称", "Community"),
    "eval_district": ("所属片区", "District"),
    "eval_community_id": ("社区编号", "Community ID"),
    "eval_rubric": ("评价细则", "Rubric"),
    "eval_date": ("评价日期", "Date"),
    "eval_result": ("结果", "Result"),
    "eval_total": ("总分", "Total"),
    "eval_grade": ("等级", "Grade"),
    "eval_open": ("待评项数", "Points open"),
    "eval_assessor": ("评分人", "Assessor"),
    "eval_score_date": ("评分日期", "Date scored"),
    "eval_provisional": ("暂定", "provisional"),
    "eval_final": ("确定", "final"),
    "rubric_version": ("{name}（版本 {version}）", "{name} (version {version})"),
    "eval_note": (
        "填表说明：黄色单元格为人工评分项，请填写得分（0 至该评分点满分）和评分依据，并在上方填写"
        "评分人和评分日期；其余得分由分析结果自动计算，请勿修改。项目得分、类别得分、总分和等级"
        "为公式，随人工评分自动更新。得分为空的评分点为待评（或无数据），总分为暂定。",
        "How to fill in: yellow cells are scored by hand: enter the score (0 to the point's "
        "maximum) and its basis, and the assessor and date above. Other scores are computed from "
        "the analysis; do not change them. Item, category and total scores and the grade are "
        "formulas and update as manual scores are entered. An empty score is still open (or has "
        "no data), which makes the total provisional.",
    ),
    # Evaluation sheet: table
    "col_category": ("类别", "Category"),
    "col_item": ("项目", "Item"),
    "col_point_no": ("编号", "No."),
    "col_point": ("评分点", "Scoring point"),
    "col_max": ("满分", "Max"),
    "col_score": ("得分", "Score"),
    "col_method": ("评分方式", "Method"),
    "col_indicator": ("指标值", "Indicator value"),
    "col_evidence": ("佐证材料", "Evidence required"),
    "col_notes": ("评分依据 / 备注", "Basis / notes"),
    "col_item_score": ("项目得分", "Item score"),
    "col_category_score": ("类别得分", "Category score"),
    "row_total": ("合计", "Total"),
    "row_grade": ("评价等级", "Grade"),
    "veto_suffix": ("（一票否决）", " (veto)"),
    # Around the number of open points in a formula: 暂定：尚有 3 个评分点待评
    "provisional_prefix": ("暂定：尚有 ", "Provisional: "),
    "provisional_suffix": (" 个评分点待评", " points still open"),
    "no_data": ("无数据：{indicator}", "no data: {indicator}"),
    "validation_title": ("人工评分", "Manual score"),
    "validation_prompt": ("请填写 0 至 {max} 之间的得分", "Enter a score from 0 to {max}"),
    "validation_error": (
        "得分必须是 0 至 {max} 之间的数字",
        "The score must be a number from 0 to {max}",
    ),
    # Coverage by type and the gap list
    "sheet_coverage": ("设施覆盖", "Coverage"),
    "title_coverage": ("各类设施步行覆盖情况", "Walking coverage by facility type"),
    "coverage_note": (
        "每类设施在服务半径（步行时间）内覆盖的小区和人口；未覆盖人口按设施类型分别统计，"
        "同一人口可能缺少多类设施，不同类型之间不能相加。",
        "Compounds and residents within each facility type's walking reach. People not "
        "covered are counted type by type: one person may lack several types, so the rows do "
        "not add up.",
    ),
    "col_requirement": ("配置要求", "Requirement"),
    "mandatory": ("应配建", "required"),
    "optional": ("宜配置", "optional"),
    "col_minutes": ("步行时间（分钟）", "Walk (min)"),
    "col_compounds": ("小区数", "Compounds"),
    "col_compounds_uncovered": ("未覆盖小区数", "Compounds not covered"),
    "col_pop_covered": ("覆盖人口", "People covered"),
    "col_pop_uncovered": ("未覆盖人口", "People not covered"),
    "col_share_covered": ("人口覆盖率", "Share covered"),
    "gaps_note": (
        "每行一个缺少应配建设施的小区：缺少的设施及个数，右侧各列为到最近一处该类设施的步行距离"
        "（米），空白为服务半径内已有，“不可达”为搜索范围内没有。按某类设施一列筛选“非空白”，"
        "筛选合计即为缺少该类设施的人口。",
        "One row per compound lacking facility types the standard requires: which, and how "
        "many; the columns on the right give the walking distance (m) to the nearest facility "
        "of each type it lacks (empty: one is within the radius; 'none': none within the "
        "search limit). Filter one type's column on non-empty cells: the filtered total is "
        "the people lacking that type.",
    ),
    "gaps_note_time": (
        "每行一个缺少应配建设施的小区：缺少的设施及个数，右侧各列为到最近一处该类设施的步行时间"
        "（分钟），空白为规定时间内可达，“不可达”为搜索范围内没有。按某类设施一列筛选“非空白”，"
        "筛选合计即为缺少该类设施的人口。",
        "One row per compound lacking facility types the standard requires: which, and how "
        "many; the columns on the right give the walking time (min) to the nearest facility "
        "of each type it lacks (empty: one is within reach; 'none': none within the search "
        "limit). Filter one type's column on non-empty cells: the filtered total is the "
        "people lacking that type.",
    ),
    "filtered_total": ("筛选合计", "Filtered total"),
    "col_unit_id": ("小区编号", "Compound ID"),
    "col_unit_name": ("小区名称", "Compound"),
    "col_type": ("设施类型", "Facility type"),
    "col_type_code": ("类型代码", "Type code"),
    "col_radius": ("服务半径（米）", "Radius (m)"),
    "col_missing_count": ("缺项数", "Types lacking"),
    "col_missing": ("缺少的应配建设施", "Required types lacking"),
    "reach_metres": ("≤{metres}米", "≤ {metres} m"),
    "reach_minutes": ("≤{minutes}分钟", "≤ {minutes} min"),
    "in_minutes": ("（分钟）", "(min)"),
    "unreachable_short": ("不可达", "none"),
    "absent_note": (
        "分析范围内以下 {count} 类应配建设施在搜索范围内一处也没有，所有小区均缺（不单列）："
        "{names}。",
        " None of these {count} required types is within the search limit of any compound, so "
        "every compound lacks them (no column of their own): {names}.",
    ),
    "absent_count": ("另全域缺失{count}类", "and the {count} types lacking everywhere"),
    "enumeration": ("、", ", "),
    "list_separator": ("；", "; "),
    "part_separator": ("，", ", "),
    "none_rows": ("（无）", "(none)"),
    # Provision deficits
    "deficits_note": (
        "按片区—社区—小区分级核算，每行一个缺少应配建设施的单元：现有含自有及相邻单元共享（共享面积"
        "按人口分摊），缺口为应配减现有；各单元每类设施的应配、现有与缺口见分级配置表。按层级筛选后"
        "再看筛选合计。",
        "Tiered provisioning (district - community - compound), one row per unit lacking "
        "facility types the standard requires: existing includes facilities shared from "
        "neighbouring units (shared areas apportioned by population), deficit = required - "
        "existing; every unit and type is in the provision table. Filter one tier before "
        "reading the filtered totals.",
    ),
    "col_tier": ("层级", "Tier"),
    "col_unit": ("单元编号", "Unit ID"),
    "col_unit_label": ("单元名称", "Unit"),
    "col_size": ("人口规模", "Size"),
    "size_too_small": ("偏小", "below range"),
    "size_too_large": ("偏大", "above range"),
    "col_types_short": ("缺项数", "Types short"),
    "col_deficit_count": ("缺口数量（处）", "Facilities missing"),
    "col_deficit_floor": ("建筑面积缺口（m²）", "Floor area short (m²)"),
    "col_deficit_land": ("用地面积缺口（m²）", "Land area short (m²)"),
    "col_deficit_detail": ("缺口明细", "What is short"),
    "deficit_entry": ("{name}（{what}）", "{name} ({what})"),
    "deficit_count_text": ("缺{count}处", "{count} missing"),
    "deficit_floor_text": ("建筑面积缺{area}m²", "floor area {area} m² short"),
    "deficit_land_text": ("用地缺{area}m²", "land {area} m² short"),
    "col_status": ("配置状态", "Status"),
    "tier_district": ("片区", "District"),
    "tier_community": ("社区", "Community"),
    "tier_neighbourhood": ("小区", "Compound"),
    # Projects
    "projects_note": ("共 {count} 个项目", "{count} projects"),
    "project_project_id": ("项目编号", "Project ID"),
    "project_name": ("项目名称", "Project"),
    "project_community": ("所属社区", "Community"),
    "project_community_id": ("社区编号", "Community ID"),
    "project_district": ("所属片区", "District"),
    "project_type": ("项目类型", "Type"),
    "project_category": ("项目类别", "Category"),
    "project_facility_type": ("设施类型", "Facility type"),
    "project_status": ("项目状态", "Status"),
    "project_year": ("年度", "Year"),
    "project_start": ("开工时间", "Start"),
    "project_end": ("完工时间", "Completion"),
    "project_investment": ("投资（万元）", "Investment (10k CNY)"),
    "project_floor_area": ("建筑面积（m²）", "Floor area (m²)"),
    "project_land_area": ("用地面积（m²）", "Land area (m²)"),
    "project_owner": ("责任单位", "Responsible body"),
    "project_notes": ("备注", "Notes"),
    # Before and after the plan
    "scenario_note": (
        "将规划项目作为设施加入后重新进行设施短板分析，与现状对比。覆盖指步行距离在服务半径内。",
        "The facility gap analysis run again with the plan's projects added as facilities, "
        "compared with the present. Covered means within the type's walking radius.",
    ),
    "scenario_types": ("一、各类设施覆盖变化", "1. Coverage by facility type"),
    "scenario_types_whole": (
        "一、各类设施覆盖变化（全部分析范围）",
        "1. Coverage by facility type (whole area analysed)",
    ),
    "scenario_scores": ("二、社区评价得分变化", "2. Community scores"),
    "scenario_changes": (
        "{number}、各小区设施可达性改善（按“缺口消除”筛选）",
        "{number}. Compounds brought nearer (filter on 'Gap closed')",
    ),
    "scenario_scores_note": (
        "规划前得分为本工作簿评价表导出时的计算结果；规划后得分以规划后的短板分析结果重新计算，人工评分不变。",
        "Before: the scores as exported on the forms; after: scored again with the gap result "
        "after the plan, manual scores unchanged.",
    ),
    "col_projects_added": ("新增项目数", "Projects added"),
    "col_units_before": ("覆盖小区数（前）", "Compounds covered (before)"),
    "col_units_after": ("覆盖小区数（后）", "Compounds covered (after)"),
    "col_gaps_closed": ("消除缺口数", "Gaps closed"),
    "col_pop_before": ("覆盖人口（前）", "People covered (before)"),
    "col_pop_after": ("覆盖人口（后）", "People covered (after)"),
    "col_pop_gain": ("新增覆盖人口", "People gained"),
    "col_share_before": ("覆盖率（前）", "Share covered (before)"),
    "col_share_after": ("覆盖率（后）", "Share covered (after)"),
    "col_distance_before": ("规划前距离（米）", "Distance before (m)"),
    "col_distance_after": ("规划后距离（米）", "Distance after (m)"),
    "col_gap_closed": ("缺口消除", "Gap closed"),
    "col_population": ("人口", "People"),
    "col_total_before": ("规划前总分", "Total before"),
    "col_total_after": ("规划后总分", "Total after"),
    "col_total_change": ("得分变化", "Change"),
    "col_grade_before": ("规划前等级", "Grade before"),
    "col_grade_after": ("规划后等级", "Grade after"),
    # About
    "about_item": ("项目", "Item"),
    "about_value": ("内容", "Value"),
    "about_title": ("名称", "Title"),
    "about_scope": ("范围", "Scope"),
    "about_rubric": ("评价细则", "Rubric"),
    "about_rubric_notice": ("评价细则说明", "Rubric notice"),
    "about_grades": ("等级划分", "Grades"),
    "about_grade_band": ("{grade}：总分 ≥ {min}", "{grade}: total >= {min}"),
    "about_structure": (
        "{categories} 大类、{items} 项、{points} 个评分点，满分 {total} 分",
        "{categories} categories, {items} items, {points} scoring points, {total} points in all",
    ),
    "about_standard": ("设施配置标准", "Facility standard"),
    "about_sources": ("数据来源", "Data sources"),
    "about_parameters": ("分析参数", "Parameters"),
    "about_detail": ("明细数据", "Details"),
    "about_detail_gaps": (
        "每个小区到每类设施的步行距离和是否覆盖：设施短板分析结果 {source}（dist_T、ok_T 字段，"
        "T 为类型代码）",
        "Every compound's walking distance to each facility type and whether it is covered: "
        "the facility gap result {source} (fields dist_T, ok_T; T the type code)",
    ),
    "about_detail_provision": (
        "每个片区、社区、小区每类设施的应配、现有、共享与缺口：分级配置表 {source}",
        "Every district's, community's and compound's required, existing, shared and missing "
        "facilities by type: the provision table {source}",
    ),
    # The inputs the 说明 sheet's data sources name (``source_`` and the input's key)
    "source_communities": ("社区", "Communities"),
    "source_districts": ("片区", "Districts"),
    "source_gaps": ("设施短板分析结果", "Facility gap result"),
    "source_provision": ("分级配置结果", "Tiered provision table"),
    "source_manual": ("人工评分", "Manual scores"),
    "source_projects": ("规划项目库", "Plan store"),
    "source_rubric": ("评价细则文件", "Rubric file"),
    "source_standard": ("设施标准文件", "Facility standard file"),
    "source_builtin": ("内置", "built-in"),
    "source_scenario_comparison": ("规划实施前后的覆盖情况", "Coverage before and after the plan"),
    "source_scenario_changes": ("规划补齐的短板", "Gaps closed by the plan"),
    "source_gaps_after": ("规划实施后的小区设施短板", "Facility gap result after the plan"),
    "about_date": ("生成日期", "Date"),
    "about_plugin": ("生成工具", "Made with"),
    "about_plugin_value": (
        "完整社区规划工具箱（QGIS 插件）{version}",
        "Complete Community Toolkit (QGIS plugin) {version}",
    ),
    "about_notes": ("备注", "Notes"),
    "about_how": ("填表说明", "How to fill in"),
    "about_how_text": (
        "各社区评价表中黄色单元格为人工评分项；填写后可由工具箱读回，作为评分算法的人工评分输入"
        "（按隐藏列中的社区编号和评分点编号匹配，请勿删除隐藏列）。修改自动计算的得分不会被读回，"
        "读回时会逐一列出。",
        "Yellow cells of each community's evaluation form are scored by hand; the toolkit reads "
        "them back as the manual-score input of the scoring algorithm (matched on the community "
        "and point ids in the hidden columns: do not delete them). Changes to computed scores "
        "are not read back; they are listed when the workbook is read.",
    ),
    "no_district": ("未分片区", "no district"),
    "all_communities": ("全部社区", "all communities"),
    "footer_page": ("第 &P 页，共 &N 页", "Page &P of &N"),
}

#: The words of each rubric method on the evaluation form.
METHOD_LABELS: Dict[str, Tuple[str, str]] = {
    "threshold": ("分档计分", "Bands"),
    "linear": ("线性计分", "Linear"),
    "yes_no": ("有无判定", "Yes / no"),
    "deduction": ("扣分计分", "Deduction"),
    "manual": ("人工评分", "Manual"),
}

#: Project columns with known words; other keys of a project row are shown as written.
PROJECT_KEYS = (
    "project_id",
    "name",
    "community",
    "community_id",
    "district",
    "type",
    "category",
    "facility_type",
    "status",
    "year",
    "start",
    "end",
    "investment",
    "floor_area",
    "land_area",
    "owner",
    "notes",
)


def check_language(language: Any) -> str:
    """``"zh"`` for Chinese (``zh``, ``zh_CN`` ...), ``"en"`` for English; else DataError."""
    text = str(language or ZH).strip().lower().replace("-", "_")
    if text.startswith(ZH):
        return ZH
    if text.startswith(EN):
        return EN
    raise DataError(_BAD_LANGUAGE, language=str(language))


def label(key: str, language: str, **values: Any) -> str:
    """The word for ``key`` in ``language`` (already checked), filled with ``values``."""
    zh, en = LABELS[key]
    text = zh if language == ZH else en
    return text.format(**values) if values else text


def both(key: str) -> Tuple[str, str]:
    """The Chinese and English words for ``key``: the reader accepts either."""
    return LABELS[key]


def method_label(method: str, language: str) -> str:
    zh, en = METHOD_LABELS.get(method, (method, method))
    return zh if language == ZH else en


def status_label(status: str, language: str) -> str:
    """A provision status code (``missing``) in words; text that is not a code as given."""
    words: Mapping[str, str] = STATUS_LABELS.get(status, {})
    return words.get(language, status)


def tier_label(tier: str, language: str) -> str:
    key = "tier_" + str(tier)
    return label(key, language) if key in LABELS else str(tier)


def project_label(key: str, language: str) -> str:
    name = "project_" + key
    return label(name, language) if key in PROJECT_KEYS else key


def localized(value: Any, language: str) -> str:
    """Text that may be given in both languages (a rubric ``Bilingual``) in ``language``."""
    if value is None:
        return ""
    if hasattr(value, "zh") and hasattr(value, "en"):
        return value.zh if language == ZH else value.en
    return str(value)
