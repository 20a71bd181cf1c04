"""The Processing models the provider ships (``resources/models/*.model3``), as its algorithms.

A model is a chain of the provider's own algorithms saved by the graphical modeler's file
format; ``tools/build_model.py`` writes it. Loaded as is, a model is named and grouped by
the text inside the file, in one language. :class:`PackagedModel` gives it a stable
algorithm id, a translated name, the provider's group, icon and per-language help, and
translates the descriptions of its inputs and outputs, so that it sits in the toolbox like the
algorithms next to it.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple

from qgis.core import (
    Qgis,
    QgsMessageLog,
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
)
from qgis.PyQt.QtGui import QIcon

from ..i18n import current_language, tr
from ..resources import ICON_PATH, RESOURCES_DIR, help_html
from ..scoring.errors import N_
from . import compat
from .base import BaseAlgorithm, check_given_inputs, unopenable_input
from .outputs import OutputRule, RunOutputs

MODELS_DIR = RESOURCES_DIR / "models"


class ModelSpec(NamedTuple):
    file: str
    name: str  # the algorithm id within the provider
    display_name: str  # English source, translated
    group: str
    group_id: str


PACKAGED_MODELS = (
    ModelSpec(
        "complete_community_evaluation.model3",
        "completecommunityevaluation",
        N_("Complete community evaluation"),
        N_("Evaluation"),
        "evaluation",
    ),
)

#: Descriptions written into the models by tools/build_model.py that no algorithm uses too,
#: marked here so that the translation tools collect them (the others are the algorithms').
MODEL_TEXTS = (N_("Compound name field"), N_("Language of the workbook and map book"))


class PackagedModel(QgsProcessingModelAlgorithm):
    """A shipped model: the file's chain of steps, the provider's name, group, icon, help."""

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        self.spec = spec
        path = MODELS_DIR / spec.file
        if not self.fromFile(str(path)):
            raise QgsProcessingException(
                tr("The model file {file} could not be read.").format(file=str(path))
            )
        self._translate_texts()

    def _translate_texts(self) -> None:
        """Inputs and outputs described in the user's language (the file holds English)."""
        for definition in self.parameterDefinitions():
            if definition.isDestination() and not self._mandatory_output(definition.name()):
                # An output that is not mandatory need not be given: qgis_process and batch
                # mode otherwise ask for every output of every step. One with a default
                # (temporary) is written anyway; one without is made only when asked for.
                definition.setFlags(definition.flags() | definition.FlagOptional)
                if definition.defaultValue() is None:
                    definition.setCreateByDefault(False)
            definition.setDescription(tr(definition.description()))
            if definition.help():
                definition.setHelp(tr(definition.help()))
            if definition.type() == "enum":
                definition.setOptions([tr(option) for option in definition.options()])

    def checkParameterValues(self, parameters, context):
        """QGIS's check before a run, with an input that cannot be opened named (as the
        algorithms do, ``base.unopenable_input``)."""
        problem = unopenable_input(self, parameters, context)
        if problem is not None:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def _mandatory_output(self, name: str) -> bool:
        """Whether the model output behind destination parameter ``child:output`` is
        mandatory (an unknown name counts as mandatory)."""
        child_id, _, output = name.partition(":")
        child = self.childAlgorithms().get(child_id)
        model_output = child.modelOutputs().get(output) if child is not None else None
        return model_output is None or model_output.isMandatory()

    def processAlgorithm(self, parameters, context, feedback):
        """Run the steps with the defaults of the inputs not given, as an algorithm reads
        them (a model by itself passes nothing on for them), and outputs not given written to
        temporary files (a step cannot run without them).

        The model's outputs are all or nothing like an algorithm's (``outputs.py``): checked
        before the first step, staged while the steps write them, put in place together once
        the last step has finished — a failure in the last step leaves the first step's
        outputs as they were too."""
        given = dict(parameters)
        for definition in self.parameterDefinitions():
            name, default = definition.name(), definition.defaultValue()
            if default is None or default == "":
                continue
            if name not in given or (definition.isDestination() and given[name] in (None, "")):
                given[name] = default
        check_given_inputs(self, given, context)
        outputs = RunOutputs(self, given, context, feedback)
        return outputs.run(
            lambda: self.output_rules(given, context),
            lambda: super(PackagedModel, self).processAlgorithm(
                outputs.staged_parameters(), context, feedback
            ),
        )

    def output_rules(self, parameters, context) -> Dict[str, OutputRule]:
        """The rules of the steps' own outputs (the workbook's OVERWRITE), asked of each step
        with the parameters the model gives it, as far as they are known before it runs."""
        rules: Dict[str, OutputRule] = {}
        for child in self.childAlgorithms().values():
            algorithm = child.algorithm()
            if not isinstance(algorithm, BaseAlgorithm) or not child.modelOutputs():
                continue
            known = {}
            for name, sources in child.parameterSources().items():
                source = sources[0] if len(sources) == 1 else None
                if source is None:
                    continue
                if source.source() == compat.ProcessingModelChildParameterSource.ModelParameter:
                    known[name] = parameters.get(source.parameterName())
                elif source.source() == compat.ProcessingModelChildParameterSource.StaticValue:
                    known[name] = source.staticValue()
            child_rules = algorithm.output_rules(known, context)
            for output_name, output in child.modelOutputs().items():
                rule = child_rules.get(output.childOutputName())
                if rule is not None:
                    rules[f"{child.childId()}:{output_name}"] = rule
        return rules

    def createInstance(self) -> PackagedModel:
        return PackagedModel(self.spec)

    def name(self) -> str:
        return self.spec.name

    def displayName(self) -> str:
        return tr(self.spec.display_name)

    def group(self) -> str:
        return tr(self.spec.group)

    def groupId(self) -> str:
        return self.spec.group_id

    def shortHelpString(self) -> str:
        return help_html(self.spec.name, current_language())

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def svgIconPath(self) -> str:
        return str(ICON_PATH)


def packaged_models() -> List[PackagedModel]:
    """One algorithm per shipped model file; a model that cannot be read is logged and left
    out, so that it cannot take the provider's algorithms down with it."""
    models = []
    for spec in PACKAGED_MODELS:
        try:
            models.append(PackagedModel(spec))
        except QgsProcessingException as error:
            QgsMessageLog.logMessage(
                str(error), tr("Complete Community"), Qgis.MessageLevel.Warning
            )
    return models
