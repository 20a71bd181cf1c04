"""The small base class every algorithm of the provider stands on.

It supplies what is the same for all of them — fresh instances, translated names, per-language
help, group, icon, default flags, parameter help, and turning domain errors and cancelling into
clear messages — so that an algorithm's own file holds only its parameters and the calls into
``scoring/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Mapping, Optional

from qgis.core import (
    QgsFields,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
)
from qgis.PyQt.QtGui import QIcon

from ..i18n import current_language, tr
from ..resources import ICON_PATH, help_html
from ..scoring.errors import Cancelled, DataError
from ..scoring.rubric import load_rubric
from ..scoring.standard import FacilityStandard, load_standard
from . import compat
from .database_sinks import guarded, loadable, output_destination
from .layers import describe_ids
from .maps.post_processor import attach_styles, locale_settings
from .maps.styles import StyleSettings


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

    def processAlgorithm(self, parameters, context, feedback) -> dict[str, Any]:
        """Runs :meth:`compute`; bad data and cancelling become messages, never tracebacks."""
        try:
            results = self.compute(parameters, context, feedback)
        except DataError as error:
            raise QgsProcessingException(error.message(tr)) from None
        except Cancelled:
            raise QgsProcessingException(tr("Cancelled: nothing was written.")) from None
        attach_styles(
            self.OUTPUT_STYLES, results, context, lambda: self.style_settings(parameters, context)
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

    def add_type_field_parameter(self) -> None:
        """The field of ``FACILITIES`` holding each facility's type (``TYPE_FIELD``), matched
        against the standard by ``FacilityStandard.classify``."""
        self.add_parameter(
            QgsProcessingParameterField(
                self.TYPE_FIELD, tr("Facility type field"), parentLayerParameterName=self.FACILITIES
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

    def check_destinations(self, parameters, names: tuple[str, ...], context) -> None:
        """Refuse, before any work, an output file whose folder does not exist.

        Found only when its sink is created, such a folder would stop the run after the outputs
        before it had been written, leaving them behind half a result, and after all the work.
        """
        for name in names:
            path = _file_destination(self.parameterAsOutputLayer(parameters, name, context))
            if path is not None and not path.parent.is_dir():
                raise QgsProcessingException(
                    tr("Output '{output}': the folder '{folder}' does not exist.").format(
                        output=self.parameterDefinition(name).description(),
                        folder=str(path.parent),
                    )
                )

    def create_sink(self, parameters, name: str, context, field_specs, wkb_type, crs):
        """The fields made from ``(name, kind)`` pairs and the sink of output ``name``.

        Returns ``(fields, sink, sink_id)``; a sink QGIS cannot create stops the run with the
        standard message naming the output.
        """
        fields = QgsFields()
        for field_name, kind in field_specs:
            fields.append(compat.new_field(field_name, kind))
        sink, sink_id = self.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, name))
        return (fields, *self.database_safe(parameters, name, context, sink, sink_id, fields))

    def database_safe(self, parameters, name: str, context, sink, sink_id: str, fields):
        """``(sink, sink_id)`` of output ``name`` made right for a PostgreSQL table: batches
        that keep NULL and 0 apart, an id QGIS can open again (see ``database_sinks.py``)."""
        destination = output_destination(self, parameters, name, context)
        return guarded(sink, destination, fields), loadable(sink_id, context)

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


def _file_destination(destination: str) -> Optional[Path]:
    """The file an output is written to; None for memory layers and database URIs."""
    path = destination.split("|", 1)[0]
    if not path or re.match(r"[A-Za-z][A-Za-z0-9+.-]+:", path):  # memory:, ogr:, postgres://
        return None  # (a Windows drive, C:, has a one-letter name)
    return Path(path)
