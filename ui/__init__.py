"""The plugin's dialogs. They edit plans through the same domain code the algorithms use
(``scoring.plan``); Qt comes only through ``qgis.PyQt``.

- :mod:`.plan_data_dialog` — 专项规划数据 / Plan data: plan information and projects;
- :mod:`.manual_scores_dialog` — 人工评分 / Manual scores: the rubric's manual points;
- :mod:`.project_table`, :mod:`.project_form`, :mod:`.map_tools`, :mod:`.common` — the parts
  they are built from.
"""
