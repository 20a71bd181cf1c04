"""Every output of one run, all or nothing: the Processing side of ``scoring/atomic_files.py``.

:class:`RunOutputs` is made by :class:`..base.BaseAlgorithm` (and the packaged model) around
each run; algorithms reach it through the base class (``output_sink``, ``create_sink``,
``output_file``, ``output_layer``) and never create an output themselves. It

1. reads every destination parameter of the algorithm **before any work** and checks each
   file target (folder, read-only marks, files open elsewhere), staging it beside itself;
2. hands out sinks and paths that write the staged files, with the layer QGIS is to load and
   the identifier the result reports already naming the **final** file;
3. when the algorithm has returned, closes every sink, checks that each wrote every feature
   it was given, and puts all files in place together — or, on an error or a cancel at any
   point, removes every staged file and leaves every older output as it was.

What each kind of destination does:

- **Files** (a path; ``ogr:dbname=… table=…`` adding a layer to an existing GeoPackage,
  which is staged as a copy of that file; Shapefile and CSV with their sidecar files; a folder
  output's files, moved into the folder): all or nothing, as above.
- **Memory layers** (``memory:``, ``TEMPORARY_OUTPUT``): QGIS keeps them in the run's
  context and loads them only after a successful run, so a failed run shows none.
- **PostgreSQL tables** (``postgres://…``, ``postgres:…``): the database is reached before the
  work (its schema must exist); the table is written under a temporary name beside the older
  one (``gaps_cc0123abcd``) and renamed over it when the files are in place — one transaction
  per database, so the tables of one database are replaced together; a failure there puts
  the files back too. After an error or a cancel the temporary tables are dropped. An older
  table that other objects (a view) depend on is not dropped: the run fails, naming it.
- **Other database tables** (SpatiaLite, SQL Server …) are written where asked, as QGIS
  writes them, when the sink is created: a failed run may leave a table it had begun.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsDataSourceUri,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProperty,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.PyQt import sip

from ..i18n import tr
from ..scoring.atomic_files import StagedFiles, without_staging
from ..scoring.errors import Cancelled, DataError
from . import compat
from .database_sinks import SafeBatches, loadable
from .gpkg_rows import append_rows, attribute_table

FILE, FILE_LAYER, FOLDER, MEMORY, DATABASE = "file", "file layer", "folder", "memory", "database"

#: A provider prefix (``postgres:``, ``ogr:``) or URI scheme; a Windows drive (``C:``) has one
#: letter and is a path.
_PROVIDER = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


@dataclass(frozen=True)
class OutputRule:
    """How one output may be written, when it is not as QGIS writes outputs (a file that is
    replaced when it exists). An algorithm states its rules in ``output_rules``.

    - ``replace``: an existing file may be replaced (False: it is refused before the work);
    - ``exact``: False when the writer writes files named after the target beside it rather
      than the target itself (a workbook per 片区): the folder is checked before the work,
      every file it wrote before any is put in place;
    - ``suffix``: the file's required extension, added to a name without one (``.xlsx``).
    """

    replace: bool = True
    exact: bool = True
    suffix: str = ""


@dataclass
class Destination:
    """One destination parameter as this run writes it."""

    name: str
    description: str
    label: str  # how messages name it, before its file: "Output 'Coverage by facility type', file"
    kind: Optional[str]  # FILE, FILE_LAYER, MEMORY, DATABASE; None when not asked for
    text: str  # the destination as the user gave it (evaluated, temporary made real)
    staged: str  # where this run writes it
    provider: str = ""  # a database table's provider


class RunOutputs:
    """The destinations of one run of ``algorithm``; see the module's docstring."""

    def __init__(self, algorithm, parameters, context, feedback) -> None:
        self.algorithm = algorithm
        self.parameters = parameters
        self.context = context
        self.feedback = feedback
        self.rules: Dict[str, OutputRule] = {}
        self.files = StagedFiles()
        self.tables = StagedTables()
        #: What the algorithm does once its outputs are in place (see ``when_outputs_in_place``).
        self.last_steps: List[Callable[[], Any]] = []
        self.destinations: Dict[str, Destination] = {}
        self._sinks: List[_CheckedSink] = []
        self._loads_before = set(context.layersToLoadOnCompletion())

    # Before the work -----------------------------------------------------------------------

    def prepare(self) -> None:
        """Read and check every destination of the algorithm; stage the files."""
        for definition in self.algorithm.destinationParameterDefinitions():
            destination = self._destination(definition)
            self.destinations[definition.name()] = destination

    def _destination(self, definition) -> Destination:
        name, description = definition.name(), definition.description()
        label = tr("Output '{output}', file").format(output=description)
        text = self._given_text(definition)
        if text is None:
            return Destination(name, description, label, None, "", "")
        rule = self.rules.get(name, OutputRule())
        if definition.type() == "folderDestination":
            staged = str(self.files.stage_folder(text, label))
            return Destination(name, description, label, FOLDER, text, staged)
        if text.startswith("memory:"):
            return Destination(name, description, label, MEMORY, text, text)
        provider, given = _PROVIDER.match(text), text
        if not provider and "|" in text:
            text = geopackage_layer_destination(definition, text)
            provider = _PROVIDER.match(text)
        if provider and provider.group(1).lower() == "ogr":
            uri = QgsDataSourceUri(text[len("ogr:") :])
            path = uri.database()
            if not path:
                return Destination(name, description, label, DATABASE, text, text)
            staged = self._stage(path, label, rule, keep_existing=True, shared=True)
            uri.setDatabase(staged)
            staged_text = "ogr:" + uri.uri(False)
            return Destination(name, description, label, FILE_LAYER, given, staged_text)
        if provider:
            label = tr("Output '{output}', table").format(output=description)
            key = provider.group(1).lower()
            staged = self.tables.stage(text, key, label)
            return Destination(name, description, label, DATABASE, text, staged, key)
        path = self._with_suffix(text, rule, label)
        return Destination(name, description, label, FILE, path, self._stage(path, label, rule))

    def _given_text(self, definition) -> Optional[str]:
        """The destination as text, evaluated the way ``parameterAsSink`` evaluates it; None
        for an optional output not asked for."""
        value = self.parameters.get(definition.name())
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            value = value.sink
        default = definition.defaultValue()
        default_text = "" if default is None else str(default)
        if isinstance(value, QgsProperty):
            text = value.valueAsString(self.context.expressionContext(), default_text)
            text = text[0] if isinstance(text, tuple) else text
        elif value is None or str(value) == "":
            optional = definition.flags() & compat.ProcessingParameterFlag.Optional
            if optional and default is None:
                return None
            text = default_text
        else:
            text = str(value)
        if text == QgsProcessing.TEMPORARY_OUTPUT:
            text = definition.generateTemporaryDestination()
        return text or None

    def _with_suffix(self, path: str, rule: OutputRule, label: str) -> str:
        if not rule.suffix:
            return path
        suffix = Path(path).suffix
        if suffix == "":
            return path + rule.suffix
        if suffix.lower() != rule.suffix.lower():
            raise QgsProcessingException(
                tr("{label} {file} must end in {suffix}.").format(
                    label=label, suffix=rule.suffix, file=path
                )
            )
        return path

    def _stage(self, path: str, label: str, rule: OutputRule, **how) -> str:
        staged = self.files.stage(path, label, replace=rule.replace, exact=rule.exact, **how)
        return str(staged)

    # During the work -----------------------------------------------------------------------

    def sink(self, name: str, fields, wkb_type, crs, flags=None) -> Tuple[Any, str]:
        """The sink of output ``name`` and the identifier the result reports for it (the final
        file's, also the key of the layer QGIS loads)."""
        destination = self._begin(name)
        if destination is None:
            return None, None
        parameters = self._staged_parameters((name,))
        arguments = [parameters, name, self.context, fields, wkb_type, crs]
        if flags is not None:
            arguments.append(flags)
        try:
            sink, staged_id = self.algorithm.parameterAsSink(*arguments)
        except QgsProcessingException as error:  # a sink QGIS could not create
            raise QgsProcessingException(
                tr("{label} {file} could not be created: {reason}").format(
                    label=destination.label,
                    file=destination.text,
                    reason=readable(str(error)),
                )
            ) from None
        if sink is None:
            raise QgsProcessingException(self.algorithm.invalidSinkError(self.parameters, name))
        writer, registered = sink, staged_id
        if destination.provider in _STAGED_PROVIDERS:  # see database_sinks.py
            writer, staged_id = SafeBatches(sink, fields), loadable(staged_id, None)
        self._rename_layer_to_load(registered, readable(staged_id))
        checked = _CheckedSink(sink, writer, destination, staged_id, self.feedback, fields)
        self._sinks.append(checked)
        return checked, self.final_text(staged_id)

    def file(self, name: str) -> Optional[Path]:
        """Where to write file output ``name`` (its staged path)."""
        destination = self._begin(name)
        if destination is None:
            return None
        if destination.kind != FILE:
            raise QgsProcessingException(
                tr("{label} {file}: this output must be written to a file.").format(
                    label=destination.label, file=destination.text
                )
            )
        return Path(destination.staged)

    def folder(self, name: str) -> Optional[Path]:
        """The (staged, empty) folder to write the files of folder output ``name`` into."""
        destination = self._begin(name)
        return None if destination is None else Path(destination.staged)

    def layer(self, name: str) -> Optional[str]:
        """The staged destination of vector or raster output ``name``, for a child algorithm
        to write (``processing.run(..., {"OUTPUT": outputs.layer(name)})``); the layer QGIS
        loads is registered under the final destination, as ``parameterAsOutputLayer`` does."""
        destination = self._begin(name)
        if destination is None:
            return None
        value = self.parameters.get(name)
        if isinstance(value, QgsProcessingOutputLayerDefinition) and value.destinationProject:
            details = QgsProcessingContext.LayerDetails(
                value.destinationName or self.algorithm.parameterDefinition(name).description(),
                value.destinationProject,
                name,
            )
            self.context.addLayerToLoadOnCompletion(readable(destination.staged), details)
        return destination.staged

    def _begin(self, name: str) -> Optional[Destination]:
        """Output ``name``, about to be written (None: an optional output not asked for):
        stop first if the user has cancelled."""
        self._check_cancelled()
        destination = self.destinations.get(name)
        if destination is None:
            raise KeyError(f"{name} is not a destination parameter of this algorithm")
        if destination.kind is None:
            return None
        if self.feedback is not None:
            self.feedback.setProgressText(
                tr("Writing '{output}'…").format(output=destination.description)
            )
        return destination

    def _staged_parameters(self, names) -> dict:
        """The run's parameters with the destinations ``names`` pointing at their staged
        files (keeping the project to load into, the layer name and the creation options)."""
        parameters = dict(self.parameters)
        for name in names:
            destination = self.destinations[name]
            if destination.kind is None:
                continue
            value = parameters.get(name)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                value = QgsProcessingOutputLayerDefinition(value)
                value.sink = QgsProperty.fromValue(destination.staged)
                parameters[name] = value
            else:
                parameters[name] = destination.staged
        return parameters

    def staged_parameters(self) -> dict:
        """Every destination pointing at its staged file (for a model's steps to write)."""
        return self._staged_parameters(list(self.destinations))

    def _rename_layer_to_load(self, staged_id: str, final_id: str) -> None:
        """Register the layer QGIS is to load under the file it will find once every output
        (of a model too) is in place: styles are attached to it under that name (QGIS deletes
        the style of an entry whose name goes, so an entry is renamed only before)."""
        self._rename_layers_to_load({staged_id: final_id})

    def _rename_layers_to_load(self, renames: Dict[str, str]) -> None:
        layers = self.context.layersToLoadOnCompletion()
        renames = {
            old: new
            for old, new in renames.items()
            if old != new and old in layers and layers[old].postProcessor() is None
        }
        if renames:
            self.context.setLayersToLoadOnCompletion(
                {renames.get(key, key): value for key, value in layers.items()}
            )

    def _check_cancelled(self) -> None:
        if self.feedback is not None and self.feedback.isCanceled():
            raise Cancelled()

    # The run -------------------------------------------------------------------------------

    def run(self, rules: Callable[[], Dict[str, OutputRule]], work: Callable[[], dict]) -> dict:
        """Read the rules, prepare every destination, do ``work`` and put its outputs in place;
        bad data and cancelling become messages (never tracebacks) and leave every output as
        it was."""
        try:
            self.rules = dict(rules())
            self.prepare()
            return self.finish(work())
        except DataError as error:
            self.abandon()
            raise QgsProcessingException(readable(error.message(tr))) from None
        except Cancelled:
            self.abandon()
            raise QgsProcessingException(tr("Cancelled: nothing was written.")) from None
        except QgsProcessingException as error:
            self.abandon()
            raise QgsProcessingException(readable(str(error))) from None
        except BaseException:
            self.abandon()
            raise

    # After the work ------------------------------------------------------------------------

    def finish(self, results: Dict[str, Any]) -> Dict[str, Any]:
        """Close every sink, put every file in place, and return ``results`` naming the final
        files; nothing is put in place when the run was cancelled by now."""
        for sink in self._sinks:
            sink.close()
        for sink in self._sinks:
            sink.check_complete()
        self._check_cancelled()
        self.files.commit(then=self._last_steps)
        # Layers registered by a model's steps that are not ours.
        self._rename_layers_to_load(
            {key: readable(key) for key in self.context.layersToLoadOnCompletion()}
        )
        return self._final_values(results)

    def _last_steps(self) -> None:
        """Once the files are in place (and can still be put back): the algorithm's own last
        steps, which a team member's concurrent change may refuse, then the tables."""
        for step in self.last_steps:
            step()
        self.tables.commit()

    def _final_values(self, value: Any) -> Any:
        """Results (nested in a model's child results too) naming the final files."""
        if isinstance(value, str):
            return self.final_text(value)
        if isinstance(value, dict):
            return {key: self._final_values(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._final_values(item) for item in value]
        return value

    def abandon(self) -> None:
        """After an error or a cancel: close the sinks, remove every staged file, and forget
        the layers this run asked QGIS to load."""
        for sink in self._sinks:
            sink.close(quietly=True)
        self.files.discard()
        self.tables.discard()
        layers = self.context.layersToLoadOnCompletion()
        kept = {key: value for key, value in layers.items() if key in self._loads_before}
        if len(kept) != len(layers):
            self.context.setLayersToLoadOnCompletion(kept)

    def final_text(self, text: str) -> str:
        """``text`` naming final files and tables instead of staged ones."""
        return self.tables.final_text(self.files.final_text(text))

    @staticmethod
    def loaded_ids(results: Dict[str, Any]) -> Dict[str, Any]:
        """The results as the layers QGIS loads are registered (the files in place once a
        model's every step has finished, where a step's result names the model's staged file
        the next step reads)."""
        return {
            key: readable(value) if isinstance(value, str) else value
            for key, value in results.items()
        }


class _CheckedSink(QgsFeatureSink):
    """The sink an algorithm writes to: QGIS's sink of a staged destination, which stops the
    run when the user cancels or a feature cannot be written (QGIS 3.22 only logs that), and
    counts the features so that the closed file can be checked for all of them."""

    def __init__(
        self, sink, writer, destination: Destination, staged_id: str, feedback, fields
    ) -> None:
        super().__init__()
        self._sink = sink  # QGIS's, closed at the end
        self._writer = writer  # what features go through (QGIS's, or a wrapper of it)
        self._destination = destination
        self._staged_id = staged_id
        self._feedback = feedback
        self._fields = fields
        self.written = 0

    def add_rows(self, rows: Iterable[Sequence[Any]], geometries=None) -> None:
        """Write one feature per row of attribute values (in the fields' order), with the
        geometry of ``geometries`` alongside for a layer.

        An attribute table written to a new GeoPackage file skips QGIS's features: the sink
        creates the file and its table, and the rows go in with SQLite in one transaction
        (``gpkg_rows.py``, some ten times faster). Any other destination gets features in
        batches. Call it once, as the only write to this sink."""
        if geometries is None and self._direct_geopackage():
            self._append_to_geopackage(rows)
            return
        shapes = iter(geometries) if geometries is not None else None
        batch = []
        for values in rows:
            feature = QgsFeature(self._fields)
            if shapes is not None:
                feature.setGeometry(next(shapes))
            feature.setAttributes(list(values))
            batch.append(feature)
            if len(batch) == _WRITE_BATCH:
                self.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)
                batch = []
        if batch:
            self.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)

    def _direct_geopackage(self) -> bool:
        """A whole new GeoPackage file, no feature written yet."""
        return (
            self._destination.kind == FILE
            and self._sink is not None
            and self.written == 0
            and "|" not in self._staged_id
            and self._staged_id.lower().endswith(".gpkg")
        )

    def _append_to_geopackage(self, rows: Iterable[Sequence[Any]]) -> None:
        self.close()  # QGIS's writer finishes the file and its (empty) table
        try:
            table = attribute_table(self._staged_id)
            self.written = append_rows(
                self._staged_id,
                table,
                [field.name() for field in self._fields],
                rows,
                between=self._check_cancelled,
            )
        except sqlite3.Error as error:  # a full disk, say
            self._fail(str(error))

    def _check_cancelled(self) -> None:
        if self._feedback is not None and self._feedback.isCanceled():
            raise Cancelled()

    def addFeature(self, feature, flags=None) -> bool:
        added = self._writer.addFeature(feature, *_flags(flags))
        return self._added(added, 1)

    def addFeatures(self, features, flags=None) -> bool:
        features = list(features)
        return self._added(self._writer.addFeatures(features, *_flags(flags)), len(features))

    def flushBuffer(self) -> bool:
        return self._writer.flushBuffer()

    def lastError(self) -> str:
        return self._writer.lastError()

    def _added(self, ok: bool, count: int) -> bool:
        self._check_cancelled()
        if not ok:
            self._fail(self._writer.lastError())
        self.written += count
        return True

    def _fail(self, reason: str) -> None:
        raise QgsProcessingException(
            tr("{label} {file} could not be written: {reason}").format(
                label=self._destination.label,
                file=self._destination.text,
                reason=reason or tr("unknown error"),
            )
        )

    def close(self, quietly: bool = False) -> None:
        """Flush and close QGIS's sink, which finishes its file."""
        if self._sink is None:
            return
        sink, writer, self._sink = self._sink, self._writer, None
        try:
            if not writer.flushBuffer() and not quietly:
                self._fail(writer.lastError())
        finally:
            if not sip.isdeleted(sink):
                sip.delete(sink)

    def check_complete(self) -> None:
        """A closed file sink must hold every feature handed to it (a write QGIS reports only
        when the file is closed, such as a full disk, fails here). Checked where the format
        keeps its count (GeoPackage, Shapefile); counting a CSV means reading it again."""
        path = self._staged_id.split("|", 1)[0]
        if self._destination.kind not in (FILE, FILE_LAYER) or not path.lower().endswith(
            _COUNTED_FORMATS
        ):
            return
        layer = QgsVectorLayer(self._staged_id, "check", "ogr")
        found = layer.featureCount() if layer.isValid() else -1
        if found != self.written:
            self._fail(
                tr("only {found} of {count} features reached the file; is the disk full?").format(
                    found=max(found, 0), count=self.written
                )
            )


#: Features handed to QGIS's sink at once.
_WRITE_BATCH = 2000

#: File formats whose feature count is read without reading the features.
_COUNTED_FORMATS = (".gpkg", ".shp")


def geopackage_layer_destination(definition, text: str) -> str:
    """A file destination with options after ``|``: ``file.gpkg|layername=name`` — how QGIS
    names a layer it reads — as the ``ogr:`` destination of that layer in that GeoPackage
    (written as ``ogr:dbname=… table=…`` is: the file's other layers kept). QGIS's own sink
    takes the whole text for a file name (QGIS 3.22 writes ``file.gpkg|layername=name.gpkg``),
    so any other option, or a layer name for a file that is not a GeoPackage, is refused here,
    before the work, naming the output."""
    path, _bar, options = text.partition("|")
    key, equals, layer = options.partition("=")
    if (
        path.lower().endswith(".gpkg")
        and key.strip().lower() == "layername"
        and equals
        and layer.strip()
        and "|" not in layer
    ):
        uri = QgsDataSourceUri()
        uri.setDatabase(path)
        uri.setDataSource("", layer.strip(), None)
        return "ogr:" + uri.uri(False)
    raise QgsProcessingException(
        tr(
            "Output '{output}' ({parameter}) cannot be written to '{destination}': after a file "
            "name an output takes only the layer of a GeoPackage, as file.gpkg|layername=name."
        ).format(output=definition.description(), parameter=definition.name(), destination=text)
    )


def _flags(flags) -> tuple:
    return () if flags is None else (flags,)


def readable(text: str) -> str:
    """A message or a layer's name with every staging folder and staged table name left out:
    the files and tables the user will find once every output (of a model, too) is in
    place."""
    return _STAGED_TABLE.sub("", without_staging(text))


# --------------------------------------------------------------------------------------------
# Database tables
# --------------------------------------------------------------------------------------------

#: The suffix of a staged table's name: ``gaps`` is written as ``gaps_cc0123abcd``.
_STAGED_TABLE = re.compile(r'(?:_cc[0-9a-f]{8})+(?=")')
#: Providers whose tables are staged: QGIS's connection API renames them in one transaction.
_STAGED_PROVIDERS = {"postgres": "postgres", "postgis": "postgres"}
_MAX_NAME_BYTES = 63  # PostgreSQL's identifier limit


@dataclass
class _StagedTable:
    label: str
    connection: Any  # QgsAbstractDatabaseProviderConnection
    key: str  # the connection's parameters, to commit one database's tables together
    schema: str
    table: str
    staged: str

    def staged_text(self) -> str:
        return f"{_quoted(self.schema)}.{_quoted(self.staged)}"

    def final_text(self) -> str:
        return f"{_quoted(self.schema)}.{_quoted(self.table)}"


class StagedTables:
    """Database table outputs written under a temporary name in their schema, renamed over
    the older table (in one transaction per database) only when the run is complete, and
    dropped after an error or a cancel. A destination this cannot stage (another provider, a
    name too long for a suffix) is written where asked, as QGIS writes it."""

    def __init__(self) -> None:
        self.staged: List[_StagedTable] = []

    def stage(self, text: str, provider: str, label: str) -> str:
        """The destination to write instead of ``text``."""
        if provider not in _STAGED_PROVIDERS:
            return text
        uri = QgsDataSourceUri(text.split(":", 1)[1].lstrip("/"))
        schema, table = uri.schema() or "public", uri.table()
        staged_name = f"{table}_cc{uuid.uuid4().hex[:8]}"
        written = f"{_quoted(schema)}.{_quoted(table)}"
        if not table or len(staged_name.encode()) > _MAX_NAME_BYTES or written not in text:
            return text
        connection = self._connect(uri, provider, label, schema, table)
        entry = _StagedTable(
            label, connection, uri.connectionInfo(False), schema, table, staged_name
        )
        self.staged.append(entry)
        return text.replace(written, entry.staged_text(), 1)

    @staticmethod
    def _connect(uri, provider: str, label: str, schema: str, table: str):
        """A connection to the table's database, checked before the work."""
        where = f"{schema}.{table}"
        try:
            metadata = QgsProviderRegistry.instance().providerMetadata(_STAGED_PROVIDERS[provider])
            connection = metadata.createConnection(uri.uri(False), {})
            schemas = connection.schemas()
        except Exception as error:  # QgsProviderConnectionException: no server, no rights
            raise QgsProcessingException(
                tr(
                    "{label} {table} cannot be written: the database cannot be reached: {reason}"
                ).format(label=label, table=where, reason=str(error).strip())
            ) from None
        if schema not in schemas:
            raise QgsProcessingException(
                tr(
                    "{label} {table} cannot be written: the schema '{schema}' does not exist"
                ).format(label=label, table=where, schema=schema)
            )
        return connection

    def commit(self) -> None:
        """Rename every staged table over its older one: one transaction per database (a
        table other objects depend on, such as a view, is not dropped: the run fails)."""
        for key in dict.fromkeys(entry.key for entry in self.staged):
            tables = [entry for entry in self.staged if entry.key == key]
            statements = []
            for entry in tables:
                statements.append(f"DROP TABLE IF EXISTS {entry.final_text()}")
                statements.append(
                    f"ALTER TABLE {entry.staged_text()} RENAME TO {_quoted(entry.table)}"
                )
            try:
                # Several statements in one call run as one transaction, rolled back whole.
                tables[0].connection.executeSql("; ".join(statements))
            except Exception as error:
                raise QgsProcessingException(
                    tr(
                        "The tables {tables} could not be put in place: {reason}. The older "
                        "tables are left as they were"
                    ).format(
                        tables=", ".join(f"{entry.schema}.{entry.table}" for entry in tables),
                        reason=_server_error(error),
                    )
                ) from None
            for entry in tables:
                self.staged.remove(entry)
        self.discard()

    def discard(self) -> None:
        """Drop every staged table not yet renamed."""
        for entry in self.staged:
            with contextlib.suppress(Exception):
                entry.connection.executeSql(f"DROP TABLE IF EXISTS {entry.staged_text()}")
        self.staged = []

    def final_text(self, text: str) -> str:
        for entry in self.staged:
            text = text.replace(entry.staged_text(), entry.final_text())
        return text


def _server_error(error: Exception) -> str:
    """The server's own words from QGIS's "SQL error: <statements> returned 0 [<message>]"."""
    text = str(error).strip()
    found = re.search(r"\[(.*)\]$", text, re.S)
    return (found.group(1) if found else text).strip().rstrip(".")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
