"""``completecommunity:exportrubric`` — a rubric written out as an Excel workbook to edit.

Planners keep evaluation rules in Excel: this gives them the built-in rubric (or any rubric
file) in the layout that the scoring algorithm reads back, so that adapting it to their city's
official text starts from a complete, valid workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
)

from ...i18n import tr
from ...scoring.rubric import load_rubric, write_rubric_xlsx
from ...scoring.rubric.rules import format_number
from ..base import BaseAlgorithm


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

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        rubric = load_rubric(self.parameterAsFile(parameters, self.RUBRIC, context) or None)
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if target.suffix.lower() != ".xlsx":
            raise QgsProcessingException(
                tr("Output '{output}': the file must end in .xlsx, got '{file}'.").format(
                    output=self.parameterDefinition(self.OUTPUT).description(), file=str(target)
                )
            )
        if not target.parent.is_dir():
            raise QgsProcessingException(
                tr("Output '{output}': the folder '{folder}' does not exist.").format(
                    output=self.parameterDefinition(self.OUTPUT).description(),
                    folder=str(target.parent),
                )
            )
        write_rubric_xlsx(rubric, target)
        categories, items, points = rubric.counts()
        feedback.pushInfo(
            tr(
                "Wrote {file}: {categories} categories, {items} items, {points} scoring points, "
                "{total} points in all."
            ).format(
                file=str(target),
                categories=categories,
                items=items,
                points=points,
                total=format_number(rubric.total),
            )
        )
        return {self.OUTPUT: str(target), self.N_POINTS: points}
