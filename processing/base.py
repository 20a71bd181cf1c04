"""The small base class every algorithm of the provider stands on.

It supplies what is the same for all of them — fresh instances, translated names, per-language
help, group, icon, default flags, parameter help, turning domain errors and cancelling into
clear messages, and writing the outputs all or nothing — so that an algorithm's own file holds
only its parameters and the calls into ``scoring/``.

Outputs, for the author of a new algorithm
------------------------------------------
Declare every output as a destination parameter (``QgsProcessingParameterFeatureSink``,
``…FileDestination``, ``…VectorDestination``) in ``initAlgorithm`` as usual, and write it only
through the base class — never ``parameterAsSink``, ``parameterAsFileOutput``,
``parameterAsOutputLayer`` or ``open()`` on a destination (``tests/test_architecture.py``
refuses them):

- ``self.create_sink(parameters, NAME, context, field_specs, wkb_type, crs)`` or
  ``self.output_sink(parameters, NAME, context, fields, wkb_type, crs)`` for a feature sink;
- ``self.output_file(parameters, NAME, context)`` for the path to write a file output at,
  ``self.output_folder(…)`` for the folder to write a folder output's files into;
- ``self.output_layer(parameters, NAME, context)`` for the destination a child algorithm
  writes a vector or raster output to.

Return the identifiers and paths they give in the result, as with QGIS's own calls. Before
:meth:`compute` runs, every destination of the run is checked (``processing/outputs.py``): a
missing or read-only folder, a read-only file (refused for administrators too), a file open in
another program stop the run at once, naming the output and the file. Everything is written to
staged files beside the targets, which are put in place together only after :meth:`compute`
has returned; an error or a cancel at any point — also half-way through the third of five
outputs — leaves every older output byte for byte as it was and no new file anywhere. The
identifiers handed out, the result and the layers QGIS loads name the final files.

An output that is not written as QGIS writes outputs (an existing file kept unless the user
allows replacing it, files named after the target, a required extension) says so in
:meth:`output_rules`.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, Mapping, Optional

from qgis.core import (
    QgsFields,
    QgsMapLayer,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProperty,
)
from qgis.PyQt.QtGui import QIcon

from ..i18n import current_language, tr
from ..resources import ICON_PATH, help_html
from ..scoring.rubric import load_rubric
from ..scoring.standard import FacilityStandard, load_standard
from . import compat
from .layers import describe_ids
from .maps.post_processor import attach_styles, locale_settings
from .maps.styles import StyleSettings
from .outputs import OutputRule, RunOutputs


class BaseAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set ``ALGORITHM_ID``, ``DISPLAY_NAME`` and ``GROUP`` (English sources, which
    are translated here) and implement :meth:`compute`."""

    ALGORITHM_ID = ""
    DISPLAY_NAME = ""
    GROUP = ""
    GROUP_ID = ""
    STANDARD = "STANDARD"
    FACILITIES = "FACILITIES"
    TYPE_FIELD = "TYPE_FIELD"
    RUBRIC = "RUBRIC"
    #: Output name -> style name (``processing/maps/styles.py``) of each output layer that
    #: is styled when QGIS loads it.
    OUTPUT_STYLES: ClassVar[Mapping[str, str]] = {}

    def createInstance(self) -> BaseAlgorithm:
        return type(self)()

    def name(self) -> str:
        return self.ALGORITHM_ID

    def displayName(self) -> str:
        return tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return tr(self.GROUP) if self.GROUP else ""

    def groupId(self) -> str:
        return self.GROUP_ID

    def shortHelpString(self) -> str:
        return help_html(self.ALGORITHM_ID, current_language())

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def flags(self):
        # The defaults already allow batch mode and cancelling; keep them as they are.
        return super().flags()

    def tr(self, text: str) -> str:
        return tr(text)

    # Running ---------------------------------------------------------------------------

    def checkParameterValues(self, parameters, context):
        """QGIS's check before a run (toolbox, batch, ``processing.run``, ``qgis_process``),
        with an input that cannot be opened named in the user's language."""
        problem = unopenable_input(self, parameters, context)
        if problem is not None:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback) -> dict[str, Any]:
        """Runs :meth:`compute` with the run's outputs staged, and puts them in place when it
        has returned; bad data and cancelling become messages, never tracebacks, and leave
        every output as it was (see ``outputs.py``)."""
        check_given_inputs(self, parameters, context)
        outputs = RunOutputs(self, parameters, context, feedback)
        self._run_outputs = outputs
        try:
            results = outputs.run(
                lambda: self.output_rules(parameters, context),
                lambda: self.compute(parameters, context, feedback),
            )
        finally:
            self._run_outputs = None
        attach_styles(
            self.OUTPUT_STYLES,
            outputs.loaded_ids(results),
            context,
            lambda: self.style_settings(parameters, context),
        )
        return results

    def style_settings(self, parameters, context) -> StyleSettings:
        """What the styles of the outputs need: the run's standard and rubric, if it has them."""
        standard = rubric = None
        if self.parameterDefinition(self.STANDARD) is not None:
            standard = self.standard_parameter(parameters, self.STANDARD, context)
        if self.parameterDefinition(self.RUBRIC) is not None:
            path = self.parameterAsFile(parameters, self.RUBRIC, context)
            rubric = load_rubric(path or None, standard)
        return locale_settings(standard=standard, rubric=rubric)

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        raise NotImplementedError

    def output_rules(self, parameters, context) -> Dict[str, OutputRule]:
        """How outputs are written where not as QGIS writes them; by output name. Read before
        the work, so it may only look at the parameters."""
        return {}

    # Outputs ---------------------------------------------------------------------------

    def _outputs(self) -> RunOutputs:
        outputs = getattr(self, "_run_outputs", None)
        if outputs is None:
            raise QgsProcessingException("outputs are written only while the algorithm runs")
        return outputs

    def output_sink(self, parameters, name: str, context, fields, wkb_type, crs, flags=None):
        """``(sink, identifier)`` of feature sink output ``name``, like ``parameterAsSink``:
        the sink writes a staged file; the identifier names the final one. ``(None, None)``
        for an optional output not asked for."""
        return self._outputs().sink(name, fields, wkb_type, crs, flags)

    def output_file(self, parameters, name: str, context) -> Optional[Path]:
        """The path to write file output ``name`` at (staged beside the target; the result
        is to report it as it is, the base names the final file); None for an optional
        output not asked for."""
        return self._outputs().file(name)

    def output_folder(self, parameters, name: str, context) -> Optional[Path]:
        """The folder to write the files of folder output ``name`` into (staged: they are
        moved into the folder the user chose, with the run's other outputs); None for an
        optional output not asked for."""
        return self._outputs().folder(name)

    def when_outputs_in_place(self, action) -> None:
        """Run ``action`` (a plan store save, say) as the last step of putting the run's
        outputs in place, so that it happens only with them: if it fails, every file is put
        back as it was."""
        self._outputs().last_steps.append(action)

    def final_path(self, path) -> Path:
        """Where a staged path will be once the run's outputs are in place (for messages)."""
        return self._outputs().files.final_path(path)

    def output_layer(self, parameters, name: str, context) -> Optional[str]:
        """The destination a child algorithm writes vector or raster output ``name`` to."""
        return self._outputs().layer(name)

    # Parameters ------------------------------------------------------------------------

    def add_parameter(
        self, parameter: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False
    ) -> None:
        """Add a parameter with its help text (shown as tooltip and in qgis_process help)."""
        parameter.setHelp(help_text)
        if advanced:
            parameter.setFlags(parameter.flags() | compat.ProcessingParameterFlag.Advanced)
        self.addParameter(parameter)

    # The parameters several algorithms share, declared once so that their titles, defaults
    # and help cannot drift apart. An algorithm whose help says something of its own (what the
    # rubric is used for) passes that help; the rest keep the shared one. The walking network's
    # parameters are declared and read by ``network_inputs.py``.

    def add_type_field_parameter(self, optional: bool = False) -> None:
        """The field of ``FACILITIES`` holding each facility's type (``TYPE_FIELD``), matched
        against the standard by ``FacilityStandard.classify``; ``optional`` with an optional
        facilities layer."""
        self.add_parameter(
            QgsProcessingParameterField(
                self.TYPE_FIELD,
                tr("Facility type field"),
                parentLayerParameterName=self.FACILITIES,
                optional=optional,
            ),
            tr(
                "Field holding each facility's type: a code, Chinese or English name, or OSM tag "
                "listed among the standard's aliases."
            ),
        )

    def add_standard_parameter(self, help_text: Optional[str] = None) -> None:
        """The optional facility standard file (``STANDARD``), read by
        :meth:`standard_parameter`."""
        self.add_parameter(
            QgsProcessingParameterFile(
                self.STANDARD,
                tr("Facility standard file"),
                optional=True,
                fileFilter=tr("Facility standard (*.yaml *.yml *.json)"),
            ),
            help_text
            or tr("A facility standard in the built-in format; the built-in default when empty."),
        )

    def add_rubric_parameter(self, help_text: str) -> None:
        """The optional rubric file (``RUBRIC``); the help says what the rubric is used for."""
        self.add_parameter(
            QgsProcessingParameterFile(
                self.RUBRIC,
                tr("Rubric file"),
                optional=True,
                fileFilter=tr("Rubric (*.yaml *.yml *.json *.xlsx)"),
            ),
            help_text,
        )

    def standard_parameter(self, parameters, name: str, context) -> FacilityStandard:
        """The facility standard named by a file parameter, the built-in one when empty."""
        return load_standard(self.parameterAsFile(parameters, name, context) or None)

    def required_source(self, parameters, name: str, context):
        """A feature source that must exist and hold features."""
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        if source.featureCount() == 0:
            raise QgsProcessingException(
                tr("Layer '{layer}' is empty: there is nothing to analyse.").format(
                    layer=self.label(source, name)
                )
            )
        return source

    def create_sink(self, parameters, name: str, context, field_specs, wkb_type, crs):
        """The fields made from ``(name, kind)`` pairs and the sink of output ``name``.

        Returns ``(fields, sink, sink_id)`` (see :meth:`output_sink`); a sink QGIS cannot
        create stops the run with a message naming the output.
        """
        fields = QgsFields()
        for field_name, kind in field_specs:
            fields.append(compat.new_field(field_name, kind))
        sink, sink_id = self.output_sink(parameters, name, context, fields, wkb_type, crs)
        return fields, sink, sink_id

    @staticmethod
    def report_unknown_types(unknown: dict[str, int], type_field: str, feedback) -> None:
        """List facility type values the standard does not know, with their counts."""
        if not unknown:
            return
        listing = "; ".join(
            f"'{value}' × {count}" if value else tr("(empty) × {count}").format(count=count)
            for value, count in unknown.items()
        )
        feedback.pushWarning(
            tr(
                "Facility types the standard does not know (field '{field}'), left out: {values}"
            ).format(field=type_field, values=listing)
        )

    @staticmethod
    def label(source, parameter_name: str) -> str:
        """How messages name a layer: its name, or the parameter when it has none."""
        name = source.sourceName() if source is not None else ""
        return name or parameter_name

    def check_field(self, source, parameter_name: str, field_name: str, numeric: bool = False):
        """Refuse a field the layer lacks, or a non-numeric one where numbers are needed."""
        if not field_name:
            return
        index = source.fields().lookupField(field_name)
        if index < 0:
            raise QgsProcessingException(
                tr("Layer '{layer}' has no field '{field}'.").format(
                    layer=self.label(source, parameter_name), field=field_name
                )
            )
        field = source.fields().at(index)
        if numeric and not field.isNumeric():
            raise QgsProcessingException(
                tr("Field '{field}' of layer '{layer}' must be numeric, but it is {type}.").format(
                    field=field_name,
                    layer=self.label(source, parameter_name),
                    type=field.typeName(),
                )
            )

    @staticmethod
    def feature_names(points, id_field: str) -> list[str]:
        """Names for features in messages: the id field's value, or ``#fid`` where empty."""
        if not id_field:
            return [str(fid) for fid in points.feature_ids]
        names = []
        for value, fid in zip(points.attributes[id_field], points.feature_ids):
            text = "" if value is None else str(value)
            names.append(f"#{fid}" if text in ("", "NULL") else text)
        return names

    @staticmethod
    def report_geometry(points, names: list[str], layer_label: str, feedback) -> None:
        """List features whose geometry was empty (skipped) or invalid (repaired)."""
        name_of = dict(zip(points.feature_ids, names))
        if points.empty_geometry:
            feedback.pushWarning(
                tr(
                    "Layer '{layer}': {count} features without usable geometry were skipped: {ids}"
                ).format(
                    layer=layer_label,
                    count=len(points.empty_geometry),
                    ids=describe_ids([name_of[fid] for fid in points.empty_geometry]),
                )
            )
        if points.repaired_geometry:
            feedback.pushInfo(
                tr("Layer '{layer}': {count} invalid geometries were repaired: {ids}").format(
                    layer=layer_label,
                    count=len(points.repaired_geometry),
                    ids=describe_ids([name_of[fid] for fid in points.repaired_geometry]),
                )
            )


def unopenable_input(algorithm: QgsProcessingAlgorithm, parameters, context) -> Optional[str]:
    """The message for the first input layer that was given but cannot be opened (a wrong
    path, a deleted or unreadable file, a layer name the file lacks), None when there is none.

    QGIS hands such an input to an algorithm as no layer at all, which for an optional input
    would silently mean "not given" — a rubric scored without its gap analysis, distances
    measured without the network. QGIS's own check of the parameters (where it runs) says so
    only in English, naming the parameter's code; this names the input and the layer, in the
    user's language."""
    for definition in algorithm.parameterDefinitions():
        read = _LAYER_READERS.get(definition.type())
        if read is None:
            continue
        name = definition.name()
        given = _given_layer_text(parameters.get(name), context)
        if given and read(algorithm, parameters, name, context) is None:
            return tr(
                "Input '{input}' ({name}): the layer {layer} cannot be opened. Check that the "
                "file exists, can be read and holds that layer."
            ).format(input=definition.description(), name=name, layer=given)
    return None


def check_given_inputs(algorithm: QgsProcessingAlgorithm, parameters, context) -> None:
    """Stop the run, before anything is read or written, on an input that cannot be opened
    (:func:`unopenable_input`): every algorithm and the packaged model call this first, also
    where QGIS's check of the parameters did not run (a script calling ``run()``)."""
    problem = unopenable_input(algorithm, parameters, context)
    if problem is not None:
        raise QgsProcessingException(problem)


#: How each kind of input layer parameter is read (None: given but cannot be opened).
_LAYER_READERS = {
    "source": QgsProcessingAlgorithm.parameterAsSource,
    "vector": QgsProcessingAlgorithm.parameterAsVectorLayer,
    "raster": QgsProcessingAlgorithm.parameterAsRasterLayer,
    "layer": QgsProcessingAlgorithm.parameterAsLayer,
}


def _given_layer_text(value: Any, context) -> str:
    """An input layer's value as the user gave it ("" when not given)."""
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source
    if isinstance(value, QgsProperty):
        value = value.valueAsString(context.expressionContext(), "")
        value = value[0] if isinstance(value, tuple) else value
    if isinstance(value, QgsMapLayer):
        return value.source()
    return "" if value is None else str(value)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a run (a decorator or ``with``).

    Each full collection scans every live object; a run that builds a city's rows as objects
    (tiered provision: 200,000 rows and their values) pays for several such scans of data
    that holds no reference cycles — some 6 % of its time. Reference counting still frees
    everything as usual; the collector resumes (if it ran before) when the run ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
