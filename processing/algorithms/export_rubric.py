"""``completecommunity:exportrubric`` — a rubric written out as an Excel workbook to edit.

Planners keep evaluation rules in Excel: this gives them the built-in rubric (or any rubric
file) in the layout that the scoring algorithm reads back, so that adapting it to their city's
official text starts from a complete, valid workbook.
"""

from __future__ import annotations

from typing import Any, Dict

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
)

from ...i18n import tr
from ...scoring.rubric import load_rubric, write_rubric_xlsx
from ...scoring.rubric.rules import format_number
from ..base import BaseAlgorithm
from ..outputs import OutputRule


class ExportRubricAlgorithm(BaseAlgorithm):
    ALGORITHM_ID = "exportrubric"
    DISPLAY_NAME = "Export rubric to Excel"
    GROUP = "Evaluation"
    GROUP_ID = "evaluation"

    OUTPUT = "OUTPUT"
    N_POINTS = "N_POINTS"

    def initAlgorithm(self, config=None) -> None:
        self.add_rubric_parameter(tr("The rubric to write out; the built-in rubric when empty."))
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Rubric workbook"), tr("Excel workbook (*.xlsx)")
            ),
            tr(
                "The .xlsx to write: one sheet of scoring points, one of grade bands and one "
                "with the rubric's name, version, notice and total."
            ),
        )
        self.addOutput(QgsProcessingOutputNumber(self.N_POINTS, tr("Scoring points written")))

    def output_rules(self, parameters, context) -> Dict[str, OutputRule]:
        return {self.OUTPUT: OutputRule(suffix=".xlsx")}

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        rubric = load_rubric(self.parameterAsFile(parameters, self.RUBRIC, context) or None)
        target = self.output_file(parameters, self.OUTPUT, context)
        write_rubric_xlsx(rubric, target)
        categories, items, points = rubric.counts()
        feedback.pushInfo(
            tr(
                "Wrote {file}: {categories} categories, {items} items, {points} scoring points, "
                "{total} points in all."
            ).format(
                file=str(self.final_path(target)),
                categories=categories,
                items=items,
                points=points,
                total=format_number(rubric.total),
            )
        )
        return {self.OUTPUT: str(target), self.N_POINTS: points}
