"""``completecommunity:exportworkbook`` — the evaluation workbook (.xlsx) a city receives.

The communities are scored exactly as ``rubricscore`` scores them, from the same inputs (the
shared :class:`..community_scoring.CommunityScoringAlgorithm`), rather than read back from its
output table: the workbook needs every point's result with its indicator and evidence, and the
gap and provision results for its lists anyway, so scoring again from those keeps the forms and
the lists consistent by construction. The columns read become the workbook's plain records in
:mod:`scoring.workbook.rows`, and :func:`scoring.workbook.write_workbooks` writes the summary,
the lists, the about sheet and one evaluation form per community, safely (a temporary file moved
into place when complete). This file declares the parameters and reads the layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from qgis.core import (
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from ...i18n import tr
from ...resources import plugin_version
from ...scoring.atomic_files import without_staging
from ...scoring.errors import Cancelled
from ...scoring.provision import COMMUNITY, DISTRICT, NEIGHBOURHOOD
from ...scoring.rubric import Bilingual, community_key, score_all
from ...scoring.standard import FacilityStandard
from ...scoring.workbook import (
    SPLIT_BY_DISTRICT,
    CommunityInfo,
    ScenarioData,
    WorkbookData,
    WorkbookMetadata,
    write_workbooks,
)
from ...scoring.workbook.labels import label
from ...scoring.workbook.rows import (
    CHANGE_FIELDS,
    COMPARISON_FIELDS,
    compound_names,
    compound_places,
    deficit_list,
    gap_table,
    project_row,
    scenario_change_row,
    scenario_type_row,
    split_ids,
)
from .. import compat
from ..community_scoring import (
    CommunityScoringAlgorithm,
    Evaluation,
    indicator_table,
    plain,
)
from ..feedback import DomainFeedback
from ..layers import measuring_crs
from ..maps.book import BookOptions
from ..maps.book_inputs import BookReading
from ..maps.workbook_maps import score_rows, workbook_maps
from ..outputs import OutputRule
from ..plan_inputs import add_plan_store_parameter, open_store

LANGUAGES = ("zh", "en")
SPLIT_NONE, SPLIT_DISTRICT, SPLIT_CHOSEN = 0, 1, 2


class ExportWorkbookAlgorithm(BookReading, CommunityScoringAlgorithm):
    ALGORITHM_ID = "exportworkbook"
    DISPLAY_NAME = "Export evaluation workbook"
    GROUP = "Evaluation"
    GROUP_ID = "evaluation"
    PROVISION_EXTRA = ("required_count",)  # the deficit list shows it

    COMMUNITY_DISTRICT_FIELD = "COMMUNITY_DISTRICT_FIELD"
    DISTRICTS = "DISTRICTS"
    DISTRICT_ID_FIELD = "DISTRICT_ID_FIELD"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    GAP_NAME_FIELD = "GAP_NAME_FIELD"
    PROJECTS = "PROJECTS"
    SCENARIO_COMPARISON = "SCENARIO_COMPARISON"
    SCENARIO_CHANGES = "SCENARIO_CHANGES"
    GAPS_AFTER = "GAPS_AFTER"
    TITLE = "TITLE"
    LANGUAGE = "LANGUAGE"
    SPLIT_BY = "SPLIT_BY"
    COMMUNITY_IDS = "COMMUNITY_IDS"
    MAPS = "MAPS"
    OVERWRITE = "OVERWRITE"
    OUTPUT = "OUTPUT"
    FILES = "FILES"

    def initAlgorithm(self, config=None) -> None:
        self.add_scoring_parameters(
            after_communities=[
                (
                    QgsProcessingParameterField(
                        self.COMMUNITY_DISTRICT_FIELD,
                        tr("District id field on communities"),
                        parentLayerParameterName=self.COMMUNITIES,
                        optional=True,
                    ),
                    tr(
                        "The 片区 each community belongs to: groups the summary and the lists, and "
                        "names the workbooks when they are split by district."
                    ),
                )
            ]
        )
        self._naming_parameters()
        self._scenario_parameters()
        self._workbook_parameters()
        self._map_parameters()

    def flags(self):
        # The maps are drawn through a print layout, which QGIS draws on the main thread (as
        # exportatlas and QGIS's own layout exports do).
        return super().flags() | compat.ProcessingAlgorithmFlag.NoThreading

    def _map_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.MAPS, tr("Place maps in the workbook"), defaultValue=False
            ),
            tr(
                "Draws the map book's maps into the workbook: the overview below the summary, "
                "each community's map below its evaluation form (needs the facility gap result)."
            ),
        )
        self.add_drawing_parameters(
            tr("Optional, with maps: facilities, drawn by type on the communities' maps."),
            tr("Optional, with maps: the walking network, drawn on the communities' maps."),
        )

    def _naming_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS,
                tr("Districts (片区)"),
                [compat.ProcessingSourceType.Vector],
                optional=True,
            ),
            tr(
                "Optional: the districts, to show their names instead of their ids. Their id "
                "field holds the values of the district id field on communities."
            ),
        )
        for name, title, parent, help_text in (
            (
                self.DISTRICT_ID_FIELD,
                tr("District id field"),
                self.DISTRICTS,
                tr("The id of each district, as the communities name it."),
            ),
            (
                self.DISTRICT_NAME_FIELD,
                tr("District name field"),
                self.DISTRICTS,
                tr("The name of each district, shown in the workbook."),
            ),
            (
                self.GAP_NAME_FIELD,
                tr("Compound name field on the gap result"),
                self.GAPS,
                tr("The name of each compound, shown in the gap list next to its id."),
            ),
        ):
            self.add_parameter(
                QgsProcessingParameterField(
                    name, title, parentLayerParameterName=parent, optional=True
                ),
                help_text,
            )
        add_plan_store_parameter(
            self,
            self.PROJECTS,
            tr(
                "Optional: a plan store made by the plan dialogs; its projects make the 项目库 "
                "sheet, with the date each project reached each status (from the store's "
                "history). Without it the sheet is left out."
            ),
            optional=True,
            description=tr("Plan store (projects)"),
        )

    def _scenario_parameters(self) -> None:
        for name, title, types, help_text in (
            (
                self.SCENARIO_COMPARISON,
                tr("Plan scenario: coverage before and after"),
                [compat.ProcessingSourceType.Vector],
                tr(
                    "Optional: the output 'Coverage before and after the plan' of the plan "
                    "scenario. With the gaps closed below, it makes the 规划前后对比 sheet."
                ),
            ),
            (
                self.SCENARIO_CHANGES,
                tr("Plan scenario: gaps closed"),
                [compat.ProcessingSourceType.Vector],
                tr(
                    "Optional: the output 'Gaps closed by the plan' of the plan scenario: the "
                    "compounds the plan brings nearer, listed on the 规划前后对比 sheet."
                ),
            ),
            (
                self.GAPS_AFTER,
                tr("Plan scenario: units with facility gaps after the plan"),
                [
                    compat.ProcessingSourceType.VectorPolygon,
                    compat.ProcessingSourceType.VectorPoint,
                ],
                tr(
                    "Optional: the units output of the plan scenario. The communities are scored "
                    "again with it in place of the facility gap result (same fields, same manual "
                    "scores), and the sheet shows each community's total before and after."
                ),
            ),
        ):
            self.add_parameter(
                QgsProcessingParameterFeatureSource(name, title, types, optional=True),
                help_text,
                advanced=name == self.GAPS_AFTER,
            )

    def _workbook_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterString(self.TITLE, tr("Title"), optional=True),
            tr("Heads every sheet, e.g. the city or district evaluated (南京市玄武区)."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.LANGUAGE,
                tr("Workbook language"),
                options=[tr("Chinese (中文)"), tr("English")],
                defaultValue=0,
            ),
            tr("The language of the sheets and their headings: 0 Chinese, 1 English."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.SPLIT_BY,
                tr("Workbooks"),
                options=[
                    tr("One workbook with every community"),
                    tr("One workbook per district (片区)"),
                    tr("One workbook, evaluation sheets only for the chosen communities"),
                ],
                defaultValue=SPLIT_NONE,
            ),
            tr(
                "0: one workbook. 1: one per district, named after the output file and the "
                "district (needs the district id field). 2: one workbook whose summary and lists "
                "cover every community, with evaluation sheets only for the communities listed "
                "in 'Chosen communities'."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterString(
                self.COMMUNITY_IDS, tr("Chosen communities"), optional=True
            ),
            tr("Community ids separated by commas, for evaluation sheets of those only (2)."),
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.OVERWRITE, tr("Replace an existing workbook"), defaultValue=False
            ),
            tr(
                "When unchecked, an existing file of the same name is left alone and the run "
                "stops saying so."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Evaluation workbook"), tr("Excel workbook (*.xlsx)")
            ),
            tr(
                "The .xlsx to write. Split by district, one file per district is written next "
                "to it, named <name>_<district>.xlsx."
            ),
        )
        self.addOutput(QgsProcessingOutputString(self.FILES, tr("Workbooks written")))
        self.add_summary_outputs()

    # ---------------------------------------------------------------------------------

    def output_rules(self, parameters, context) -> Dict[str, OutputRule]:
        """An existing workbook is replaced only with OVERWRITE. Split by district, the files
        are named after the districts, known only once the communities are read: then only
        the folder is checked before the work, and every file before any is put in place."""
        split_by = self.split_choice(parameters, context)
        return {
            self.OUTPUT: OutputRule(
                replace=self.parameterAsBool(parameters, self.OVERWRITE, context),
                exact=split_by != SPLIT_BY_DISTRICT,
                suffix=".xlsx",
            )
        }

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        steps = QgsProcessingMultiStepFeedback(self.EVALUATION_STEPS + 1, feedback)
        target = self.output_file(parameters, self.OUTPUT, context)
        split_by = self.split_choice(parameters, context)
        district_field = self.parameterAsString(parameters, self.COMMUNITY_DISTRICT_FIELD, context)
        name_field = self.parameterAsString(parameters, self.GAP_NAME_FIELD, context)
        evaluation = self.evaluate(
            parameters,
            context,
            steps,
            feedback,
            community_fields=(district_field,) if district_field else (),
            gap_name_field=name_field,
        )
        language = LANGUAGES[self.parameterAsEnum(parameters, self.LANGUAGE, context)]
        data = self.workbook_data(
            parameters, context, evaluation, district_field, language, feedback
        )
        if feedback.isCanceled():
            raise Cancelled()
        if self.parameterAsBool(parameters, self.MAPS, context):
            data.summary_maps, data.form_maps = self.draw_maps(
                parameters, context, evaluation, language, split_by, feedback
            )
        steps.setCurrentStep(self.EVALUATION_STEPS)
        written = self.write(data, target, split_by, steps)
        outputs: dict[str, Any] = {
            self.OUTPUT: str(written[0]),
            self.FILES: ";".join(str(path) for path in written),
        }
        outputs.update(self.report_summary(evaluation.summary, feedback))
        return outputs

    def draw_maps(self, parameters, context, evaluation: Evaluation, language, split_by, feedback):
        """The map book's overview and community maps as pictures, with the scores of this
        workbook's forms (chosen communities only, when the forms are)."""
        if self.parameterAsSource(parameters, self.GAPS, context) is None:
            raise QgsProcessingException(
                tr("Give the facility gap result to place maps in the workbook.")
            )
        inputs = self.book_inputs(
            parameters,
            context,
            evaluation.standard,
            evaluation.rubric,
            score_rows(evaluation.scores),
        )
        options = BookOptions(
            title=self.parameterAsString(parameters, self.TITLE, context),
            language="zh_CN" if language == "zh" else "en",
            chosen=split_by if isinstance(split_by, list) else (),
            sources=self.source_names(parameters, context),
            osm=self.is_osm(parameters, context),
        )
        communities = inputs.communities
        crs = measuring_crs(communities.source, communities.label, context, feedback)
        locate = self.locator(communities, crs, context, feedback)
        return workbook_maps(inputs, options, crs, context, feedback, locate)

    def split_choice(self, parameters, context):
        """What ``write_workbooks`` is given as ``split_by``."""
        choice = self.parameterAsEnum(parameters, self.SPLIT_BY, context)
        if choice == SPLIT_DISTRICT:
            if not self.parameterAsString(parameters, self.COMMUNITY_DISTRICT_FIELD, context):
                raise QgsProcessingException(
                    tr(
                        "Give the district id field on communities to write one workbook per "
                        "district."
                    )
                )
            return SPLIT_BY_DISTRICT
        if choice == SPLIT_CHOSEN:
            chosen = split_ids(self.parameterAsString(parameters, self.COMMUNITY_IDS, context))
            if not chosen:
                raise QgsProcessingException(
                    tr(
                        "Give the ids of the communities whose evaluation sheets to write in "
                        "'Chosen communities', separated by commas."
                    )
                )
            return chosen
        return None

    def write(self, data: WorkbookData, target: Path, split_by, steps) -> list:
        """The workbook(s), at the staged ``target`` (where nothing exists to overwrite)."""
        written = write_workbooks(data, target, split_by, True, DomainFeedback(steps))
        steps.pushInfo(
            tr("Wrote {count} workbooks: {files}").format(
                count=len(written),
                files=", ".join(str(self.final_path(path)) for path in written),
            )
        )
        return written

    # The workbook's records ------------------------------------------------------------

    def workbook_data(
        self,
        parameters,
        context,
        evaluation: Evaluation,
        district_field: str,
        language: str,
        feedback,
    ) -> WorkbookData:
        communities = evaluation.communities
        district_names = self.read_district_names(parameters, context)

        def district_name(district_id: Any) -> str:
            key = community_key(district_id)
            return district_names.get(key, key)

        districts = (
            communities.attributes[district_field]
            if district_field
            else [None] * len(communities.ids)
        )
        infos = [
            CommunityInfo(uid, name or "", district_name(district) if district is not None else "")
            for uid, name, district in zip(communities.ids, communities.names, districts)
        ]
        standard = evaluation.standard
        names = {
            COMMUNITY: {info.id: info.name for info in infos},
            DISTRICT: district_names,
            NEIGHBOURHOOD: compound_names(evaluation.gaps),
        }
        return WorkbookData(
            rubric=evaluation.rubric,
            scores=evaluation.scores,
            communities=infos,
            gaps=None if evaluation.gaps is None else gap_table(evaluation.gaps, standard),
            deficits=(
                None
                if evaluation.provision is None
                else deficit_list(
                    required_counts(evaluation),
                    evaluation.provision,
                    standard,
                    names,
                    district_name,
                )
            ),
            projects=self.read_projects(parameters, context, infos, standard, language, feedback),
            scenario=self.read_scenario(parameters, context, evaluation, feedback),
            metadata=self.metadata(parameters, context, standard, language),
            language=language,
        )

    def read_district_names(self, parameters, context) -> Dict[str, str]:
        """District id (as text) -> name, from the districts layer and its name field when
        given; without them districts are shown by their ids."""
        source = self.parameterAsSource(parameters, self.DISTRICTS, context)
        name_field = self.parameterAsString(parameters, self.DISTRICT_NAME_FIELD, context)
        if source is None or not name_field:
            return {}
        id_field = self.parameterAsString(parameters, self.DISTRICT_ID_FIELD, context)
        if not id_field:
            raise QgsProcessingException(
                tr("Give the id field of layer '{layer}' to name the districts.").format(
                    layer=self.label(source, self.DISTRICTS)
                )
            )
        self.check_field(source, self.DISTRICTS, id_field)
        self.check_field(source, self.DISTRICTS, name_field)
        names: Dict[str, str] = {}
        for feature in source.getFeatures():
            key = community_key(plain(feature[id_field]))
            name = plain(feature[name_field])
            if key and name is not None and str(name).strip():
                names.setdefault(key, str(name).strip())
        return names

    def read_projects(
        self,
        parameters,
        context,
        infos: List[CommunityInfo],
        standard: FacilityStandard,
        language: str,
        feedback,
    ) -> Optional[List[Dict[str, Any]]]:
        path = self.parameterAsFile(parameters, self.PROJECTS, context)
        if not path:
            return None
        store = open_store(path, feedback, standard)
        reached = store.status_dates()
        by_id = {community_key(info.id): info for info in infos}
        return [
            project_row(project, by_id, standard, language, reached.get(project.id, {}))
            for project in store.projects()
        ]

    # Before and after the plan ---------------------------------------------------------

    def read_scenario(
        self, parameters, context, evaluation: Evaluation, feedback
    ) -> Optional[ScenarioData]:
        """The plan scenario's outputs as the 规划前后对比 sheet's rows; None without them."""
        comparison = self.parameterAsSource(parameters, self.SCENARIO_COMPARISON, context)
        changes = self.parameterAsSource(parameters, self.SCENARIO_CHANGES, context)
        gaps_after = self.parameterAsSource(parameters, self.GAPS_AFTER, context)
        if comparison is None and changes is None and gaps_after is None:
            return None
        if comparison is None or changes is None:
            raise QgsProcessingException(
                tr(
                    "Give both outputs of the plan scenario, 'Coverage before and after the "
                    "plan' and 'Gaps closed by the plan', to write the 规划前后对比 sheet."
                )
            )
        standard = evaluation.standard
        types = [
            scenario_type_row(row, standard)
            for row in self.scenario_rows(comparison, self.SCENARIO_COMPARISON, COMPARISON_FIELDS)
        ]
        compounds = compound_places(evaluation.gaps)
        change_rows = [
            scenario_change_row(row, standard, compounds)
            for row in self.scenario_rows(changes, self.SCENARIO_CHANGES, CHANGE_FIELDS)
        ]
        scores_after = None
        if gaps_after is not None:
            scores_after = self.scores_after(parameters, context, evaluation, feedback)
        return ScenarioData(types=types, changes=change_rows, scores_after=scores_after)

    def scenario_rows(self, source, name: str, fields: Sequence[str]) -> List[Dict[str, Any]]:
        """The rows of a plan scenario output, refused with the table and field named when a
        field is missing (another table given by mistake)."""
        present = set(source.fields().names())
        for field in fields:
            if field not in present:
                raise QgsProcessingException(
                    tr(
                        "Table '{layer}' given as {parameter} has no field '{field}': give the "
                        "output of the plan scenario (completecommunity:planscenario)."
                    ).format(layer=self.label(source, name), parameter=name, field=field)
                )
        return [
            {field: plain(feature[field]) for field in fields} for feature in source.getFeatures()
        ]

    def scores_after(self, parameters, context, evaluation: Evaluation, feedback) -> list:
        """The communities scored again with the gap result after the plan: the same
        communities, provision table and manual scores, read by the same code."""
        if evaluation.gaps is None:
            raise QgsProcessingException(
                tr(
                    "Give the facility gap result as well as the units after the plan: the "
                    "score change compares the two."
                )
            )
        after = dict(parameters)
        after[self.GAPS] = parameters[self.GAPS_AFTER]
        gaps = self.read_gaps(after, context, evaluation.communities, feedback)
        table = indicator_table(
            evaluation.standard, evaluation.communities, gaps, evaluation.provision
        )
        return score_all(evaluation.rubric, table.values, evaluation.manual.scores)

    def metadata(
        self, parameters, context, standard: FacilityStandard, language: str
    ) -> WorkbookMetadata:
        sources: Dict[str, str] = {}
        for key, name in (
            ("communities", self.COMMUNITIES),
            ("districts", self.DISTRICTS),
            ("gaps", self.GAPS),
            ("provision", self.PROVISION),
            ("manual", self.MANUAL_SCORES),
            ("scenario_comparison", self.SCENARIO_COMPARISON),
            ("scenario_changes", self.SCENARIO_CHANGES),
            ("gaps_after", self.GAPS_AFTER),
        ):
            described = self.describe_layer(parameters, name, context)
            if described:
                sources[label("source_" + key, language)] = described
        for key, name in (
            ("projects", self.PROJECTS),
            ("rubric", self.RUBRIC),
            ("standard", self.STANDARD),
        ):
            path = self.parameterAsFile(parameters, name, context)
            if path or key != "projects":
                sources[label("source_" + key, language)] = (
                    without_staging(path) if path else label("source_builtin", language)
                )
        return WorkbookMetadata(
            title=self.parameterAsString(parameters, self.TITLE, context).strip(),
            standard_name=Bilingual(standard.name_zh, standard.name_en),
            standard_version=standard.version,
            data_sources=sources,
            parameters=self.parameters_used(parameters, context, language),
            plugin_version=plugin_version(),
            gap_source=self.describe_layer(parameters, self.GAPS, context),
            provision_source=self.describe_layer(parameters, self.PROVISION, context),
        )

    def describe_layer(self, parameters, name: str, context) -> str:
        """A layer input as the 说明 sheet lists it: its name and where it comes from."""
        if parameters.get(name) in (None, ""):
            return ""
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None:
            return ""
        if layer.providerType() == "memory":
            return layer.name()
        # Inside the model, an earlier step's output is still in its staging folder; the
        # sheet names where it will be once the run has put it in place.
        source = without_staging(layer.publicSource())
        return source if layer.name() in ("", source) else f"{layer.name()} ({source})"

    def parameters_used(self, parameters, context, language: str) -> Dict[str, Any]:
        used: Dict[str, Any] = {}
        for name in (
            self.COMMUNITY_ID_FIELD,
            self.COMMUNITY_NAME_FIELD,
            self.COMMUNITY_DISTRICT_FIELD,
            self.GAP_ID_FIELD,
            self.GAP_COMMUNITY_FIELD,
            self.GAP_POPULATION_FIELD,
            self.GAP_NAME_FIELD,
            self.DISTRICT_ID_FIELD,
            self.DISTRICT_NAME_FIELD,
        ):
            value = self.parameterAsString(parameters, name, context)
            if value:
                used[name] = value
        used[self.LANGUAGE] = language
        split = self.parameterAsEnum(parameters, self.SPLIT_BY, context)
        used[self.SPLIT_BY] = ("one", SPLIT_BY_DISTRICT, "chosen")[split]
        if split == SPLIT_CHOSEN:
            used[self.COMMUNITY_IDS] = split_ids(
                self.parameterAsString(parameters, self.COMMUNITY_IDS, context)
            )
        return used


def required_counts(evaluation: Evaluation) -> Optional[List[Any]]:
    """The provision table's ``required_count`` column as read (None without one): the
    deficit list shows it, the indicators do not read it."""
    table = evaluation.provision_table
    return None if table is None else table.attributes.get("required_count")
