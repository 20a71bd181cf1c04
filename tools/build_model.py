"""Write the Processing model the provider ships: the whole evaluation as one algorithm.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/build_model.py

The model is built here with ``QgsProcessingModelAlgorithm`` rather than drawn in the
graphical modeler, so that what it chains, and how every input reaches every step, can be read
and reviewed as code, and the ``.model3`` it writes (committed under ``resources/models``) can
be rebuilt exactly. It chains

    facilitygap -> tieredprovision -> rubricscore -> exportworkbook (-> exportatlas)

with the base layers, their fields (defaults are the field names of the bundled sample), the
standard, the rubric, manual scores, plan store and the workbook's path as the model's inputs,
and the gap layer, the coverage summary, the provision table, the communities with shortfalls,
the community scores, the workbook and (when a file is given for it) the map book as its
outputs. The provider loads it as
``completecommunity:completecommunityevaluation`` (see ``processing/models.py``, which also
translates the English descriptions written here).

The plugin's provider is registered first so that the child algorithms can be found and the
model validated before it is written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = REPO_ROOT / "resources" / "models" / "complete_community_evaluation.model3"
PLUGINS_DIR = REPO_ROOT / "build" / "plugins"
PLUGIN_NAME = "complete_community"

MODEL_NAME = "完整社区评价全流程 / Complete community evaluation"
MODEL_GROUP = "Complete Community"

# Where components sit in the graphical modeler: inputs in one column, steps in the next.
INPUT_X, STEP_X, OUTPUT_X = 120.0, 560.0, 900.0
ROW = 60.0


def start_qgis():
    """A headless QGIS with Processing and this plugin's provider registered."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    for candidate in ("/usr/share/qgis/python/plugins",):
        if candidate not in sys.path:
            sys.path.append(candidate)
    from processing.core.Processing import Processing

    Processing.initialize()
    _link_plugin()
    import complete_community

    plugin = complete_community.classFactory(None)
    plugin.initProcessing()
    return application, plugin


def _link_plugin() -> None:
    """Import the repository as ``complete_community`` (as tests/conftest.py does)."""
    PLUGINS_DIR.mkdir(parents=True, exist_ok=True)
    link = PLUGINS_DIR / PLUGIN_NAME
    if not link.exists():
        link.symlink_to("../..", target_is_directory=True)
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))


# --------------------------------------------------------------------------------------------
# The model's inputs
# --------------------------------------------------------------------------------------------


def model_inputs() -> List[Any]:
    """The model's parameters, in the order the dialog shows them."""
    from qgis.core import (
        QgsProcessingParameterBoolean,
        QgsProcessingParameterEnum,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterField,
        QgsProcessingParameterFile,
        QgsProcessingParameterString,
    )

    from complete_community.processing import compat

    polygons = [compat.ProcessingSourceType.VectorPolygon]

    def field(name: str, description: str, parent: str, default: str, optional=False, number=False):
        return QgsProcessingParameterField(
            name,
            description,
            defaultValue=default,
            parentLayerParameterName=parent,
            type=compat.ProcessingFieldParameterDataType.Numeric
            if number
            else compat.ProcessingFieldParameterDataType.Any,
            optional=optional,
        )

    return [
        QgsProcessingParameterFeatureSource("COMPOUNDS", "Compounds (小区)", polygons),
        field("COMPOUND_ID_FIELD", "Compound id field", "COMPOUNDS", "compound_id"),
        field("COMPOUND_NAME_FIELD", "Compound name field", "COMPOUNDS", "name", optional=True),
        field("POPULATION_FIELD", "Population field", "COMPOUNDS", "population", number=True),
        field(
            "COMPOUND_COMMUNITY_FIELD",
            "Community id field on compounds",
            "COMPOUNDS",
            "community_id",
            optional=True,
        ),
        QgsProcessingParameterFeatureSource("COMMUNITIES", "Communities (社区)", polygons),
        field("COMMUNITY_ID_FIELD", "Community id field", "COMMUNITIES", "community_id"),
        field("COMMUNITY_NAME_FIELD", "Community name field", "COMMUNITIES", "name", True),
        field(
            "COMMUNITY_DISTRICT_FIELD",
            "District id field on communities",
            "COMMUNITIES",
            "district_id",
            optional=True,
        ),
        QgsProcessingParameterFeatureSource("DISTRICTS", "Districts (片区)", polygons),
        field("DISTRICT_ID_FIELD", "District id field", "DISTRICTS", "district_id"),
        field("DISTRICT_NAME_FIELD", "District name field", "DISTRICTS", "name", optional=True),
        QgsProcessingParameterFeatureSource(
            "FACILITIES",
            "Facilities",
            [compat.ProcessingSourceType.VectorPolygon, compat.ProcessingSourceType.VectorPoint],
        ),
        field("TYPE_FIELD", "Facility type field", "FACILITIES", "类型"),
        *network_inputs(),
        QgsProcessingParameterFile(
            "STANDARD",
            "Facility standard file",
            optional=True,
            fileFilter="Facility standard (*.yaml *.yml *.json)",
        ),
        QgsProcessingParameterFile(
            "RUBRIC",
            "Rubric file",
            optional=True,
            fileFilter="Rubric (*.yaml *.yml *.json *.xlsx)",
        ),
        QgsProcessingParameterFeatureSource(
            "MANUAL_SCORES", "Manual scores", [compat.ProcessingSourceType.Vector], optional=True
        ),
        QgsProcessingParameterFile(
            "PROJECTS",
            "Plan store (projects)",
            optional=True,
            fileFilter="Plan store (*.gpkg)",
        ),
        QgsProcessingParameterString("TITLE", "Title", optional=True),
        QgsProcessingParameterEnum(
            "LANGUAGE",
            "Language of the workbook and map book",
            options=["Chinese (中文)", "English"],
            defaultValue=0,
        ),
        QgsProcessingParameterBoolean(
            "OVERWRITE", "Replace an existing workbook", defaultValue=False
        ),
    ]


def network_inputs() -> List[Any]:
    """The walking network's inputs as every walking algorithm declares them (the network, its
    tolerances and the walking-time parameters, ``processing/network_inputs.py``), with their
    help and advanced flags; the model passes them to the gap analysis and the provisioning,
    so the whole chain walks with one measure."""
    from complete_community.processing import compat
    from complete_community.processing.network_inputs import network_parameters

    declared = []
    for definition, help_text, advanced in network_parameters(INPUT_HELP["NETWORK"]):
        definition.setHelp(help_text)
        if advanced:
            definition.setFlags(definition.flags() | compat.ProcessingParameterFlag.Advanced)
        declared.append(definition)
    return declared


#: The network inputs handed to every step that walks (tools/build_model.py's STEPS).
NETWORK_SOURCES: Dict[str, tuple] = {
    name: ("input", name)
    for name in (
        "NETWORK",
        "SNAP_TOLERANCE",
        "TOPOLOGY_TOLERANCE",
        "MEASURE",
        "DEM",
        "DEM_BAND",
        "WALK_SPEED",
        "STAIRS",
        "STRUCTURES",
        "FIXED_TIME_FIELD",
    )
}


#: Help shown for each input (English; the provider translates it with the descriptions).
INPUT_HELP: Dict[str, str] = {
    "COMPOUNDS": "Residential compound (小区) polygons; they carry the population.",
    "COMMUNITIES": "Community (社区) polygons; every community is scored.",
    "DISTRICTS": "District (片区) polygons, the 10/15-minute life circles.",
    "FACILITIES": "Facility points or polygons of every type in one layer.",
    "NETWORK": (
        "Walkable lines. Lines join where they share a vertex. Without a network "
        "distances are straight-line, and the output says so."
    ),
    "MANUAL_SCORES": (
        "A table (CSV, Excel sheet, GeoPackage table …) with the columns community_id, "
        "point_id, score and optionally evidence, assessor, date. An empty score means "
        "not scored yet (待评). An evaluation workbook written by 'Export evaluation "
        "workbook' whose yellow manual cells were filled in is read as well."
    ),
}


# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------

#: (child id, algorithm id, {child parameter: source}, {child output: (model output, text)},
#:  dependencies). A source is ("input", model parameter), ("child", child id, output) or
#:  ("value", static value).
STEPS: Sequence[Tuple[str, str, Dict[str, tuple], Dict[str, Tuple[str, str]], Tuple[str, ...]]] = (
    (
        "facilitygap",
        "completecommunity:facilitygap",
        {
            "UNITS": ("input", "COMPOUNDS"),
            "UNIT_ID_FIELD": ("input", "COMPOUND_ID_FIELD"),
            "POPULATION_FIELD": ("input", "POPULATION_FIELD"),
            "FACILITIES": ("input", "FACILITIES"),
            "TYPE_FIELD": ("input", "TYPE_FIELD"),
            "STANDARD": ("input", "STANDARD"),
            **NETWORK_SOURCES,
        },
        {
            "OUTPUT": ("GAPS", "Units with facility gaps"),
            "SUMMARY": ("GAP_SUMMARY", "Coverage by facility type"),
        },
        (),
    ),
    (
        "tieredprovision",
        "completecommunity:tieredprovision",
        {
            "DISTRICTS": ("input", "DISTRICTS"),
            "DISTRICT_ID_FIELD": ("input", "DISTRICT_ID_FIELD"),
            "COMMUNITIES": ("input", "COMMUNITIES"),
            "COMMUNITY_ID_FIELD": ("input", "COMMUNITY_ID_FIELD"),
            "COMMUNITY_DISTRICT_FIELD": ("input", "COMMUNITY_DISTRICT_FIELD"),
            "COMPOUNDS": ("input", "COMPOUNDS"),
            "COMPOUND_ID_FIELD": ("input", "COMPOUND_ID_FIELD"),
            "COMPOUND_COMMUNITY_FIELD": ("input", "COMPOUND_COMMUNITY_FIELD"),
            "POPULATION_FIELD": ("input", "POPULATION_FIELD"),
            "FACILITIES": ("input", "FACILITIES"),
            "TYPE_FIELD": ("input", "TYPE_FIELD"),
            "STANDARD": ("input", "STANDARD"),
            **NETWORK_SOURCES,
        },
        {
            "OUTPUT_TABLE": ("PROVISION", "Provision by unit and facility type"),
            "COMMUNITIES_OUTPUT": ("COMMUNITY_SHORTFALLS", "Communities with shortfalls"),
        },
        # Not needed for its inputs: runs second so that the chain reads in order (and reuses
        # the walking network the gap analysis built).
        ("facilitygap",),
    ),
)


def scoring_sources() -> Dict[str, tuple]:
    """The inputs rubricscore and exportworkbook share, from the model and the two analyses."""
    return {
        "COMMUNITIES": ("input", "COMMUNITIES"),
        "COMMUNITY_ID_FIELD": ("input", "COMMUNITY_ID_FIELD"),
        "COMMUNITY_NAME_FIELD": ("input", "COMMUNITY_NAME_FIELD"),
        "GAPS": ("child", "facilitygap", "OUTPUT"),
        "GAP_ID_FIELD": ("input", "COMPOUND_ID_FIELD"),
        "GAP_COMMUNITY_FIELD": ("input", "COMPOUND_COMMUNITY_FIELD"),
        "GAP_POPULATION_FIELD": ("input", "POPULATION_FIELD"),
        "PROVISION": ("child", "tieredprovision", "OUTPUT_TABLE"),
        "MANUAL_SCORES": ("input", "MANUAL_SCORES"),
        "RUBRIC": ("input", "RUBRIC"),
        "STANDARD": ("input", "STANDARD"),
    }


def all_steps() -> List[tuple]:
    return [
        *STEPS,
        (
            "rubricscore",
            "completecommunity:rubricscore",
            scoring_sources(),
            {"OUTPUT": ("SCORES", "Community scores")},
            (),
        ),
        (
            "exportworkbook",
            "completecommunity:exportworkbook",
            {
                **scoring_sources(),
                "COMMUNITY_DISTRICT_FIELD": ("input", "COMMUNITY_DISTRICT_FIELD"),
                "DISTRICTS": ("input", "DISTRICTS"),
                "DISTRICT_ID_FIELD": ("input", "DISTRICT_ID_FIELD"),
                "DISTRICT_NAME_FIELD": ("input", "DISTRICT_NAME_FIELD"),
                "GAP_NAME_FIELD": ("input", "COMPOUND_NAME_FIELD"),
                "PROJECTS": ("input", "PROJECTS"),
                "TITLE": ("input", "TITLE"),
                "LANGUAGE": ("input", "LANGUAGE"),
                "SPLIT_BY": ("value", 0),
                "OVERWRITE": ("input", "OVERWRITE"),
            },
            {"OUTPUT": ("WORKBOOK", "Evaluation workbook")},
            # Written last, after the scores layer, so that a scoring error stops the run
            # before any workbook exists.
            ("rubricscore",),
        ),
        (
            "exportatlas",
            "completecommunity:exportatlas",
            {
                "COMMUNITIES": ("input", "COMMUNITIES"),
                "COMMUNITY_ID_FIELD": ("input", "COMMUNITY_ID_FIELD"),
                "COMMUNITY_NAME_FIELD": ("input", "COMMUNITY_NAME_FIELD"),
                "COMMUNITY_DISTRICT_FIELD": ("input", "COMMUNITY_DISTRICT_FIELD"),
                "DISTRICTS": ("input", "DISTRICTS"),
                "DISTRICT_ID_FIELD": ("input", "DISTRICT_ID_FIELD"),
                "DISTRICT_NAME_FIELD": ("input", "DISTRICT_NAME_FIELD"),
                "GAPS": ("child", "facilitygap", "OUTPUT"),
                "GAP_ID_FIELD": ("input", "COMPOUND_ID_FIELD"),
                "GAP_NAME_FIELD": ("input", "COMPOUND_NAME_FIELD"),
                "GAP_COMMUNITY_FIELD": ("input", "COMPOUND_COMMUNITY_FIELD"),
                "GAP_POPULATION_FIELD": ("input", "POPULATION_FIELD"),
                "FACILITIES": ("input", "FACILITIES"),
                "TYPE_FIELD": ("input", "TYPE_FIELD"),
                "NETWORK": ("input", "NETWORK"),
                "SCORES": ("child", "rubricscore", "OUTPUT"),
                "STANDARD": ("input", "STANDARD"),
                "RUBRIC": ("input", "RUBRIC"),
                "TITLE": ("input", "TITLE"),
                "LANGUAGE": ("input", "LANGUAGE"),
            },
            {"OUTPUT": ("MAP_BOOK", "Map book")},
            # Optional and drawn last: the workbook is the deliverable a run must not lose to
            # a map problem; without a file asked for, the step draws nothing.
            ("exportworkbook",),
        ),
    ]


#: The model outputs a run must write (the others may be skipped, then they are temporary).
MANDATORY_OUTPUTS = ("WORKBOOK",)
#: Outputs made only when a file is given for them (no temporary default: drawing a city's
#: map book to a temporary file nobody asked for would take minutes).
ON_REQUEST_OUTPUTS = ("MAP_BOOK",)


def source_of(spec: tuple):
    from qgis.core import QgsProcessingModelChildParameterSource as Source

    kind = spec[0]
    if kind == "input":
        return Source.fromModelParameter(spec[1])
    if kind == "child":
        return Source.fromChildOutput(spec[1], spec[2])
    return Source.fromStaticValue(spec[1])


def child_step(row: int, child_id: str, algorithm_id: str, sources, outputs, depends):
    from qgis.core import (
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildDependency,
        QgsProcessingModelOutput,
    )
    from qgis.PyQt.QtCore import QPointF

    from complete_community.processing import compat

    child = QgsProcessingModelChildAlgorithm(algorithm_id)
    child.setChildId(child_id)
    child.setDescription(child.algorithm().displayName())
    child.setPosition(QPointF(STEP_X, ROW * (2 + 4 * row)))
    for parameter, spec in sources.items():
        child.addParameterSources(parameter, [source_of(spec)])
    for parameter in child.algorithm().parameterDefinitions():
        # A step's other mandatory settings keep the algorithm's own defaults.
        if (
            parameter.name() not in sources
            and not parameter.isDestination()
            and not parameter.flags() & compat.ProcessingParameterFlag.Optional
            and parameter.defaultValue() is not None
        ):
            child.addParameterSources(
                parameter.name(), [source_of(("value", parameter.defaultValue()))]
            )
    child.setDependencies([QgsProcessingModelChildDependency(other) for other in depends])
    model_outputs = {}
    for number, (child_output, (name, description)) in enumerate(outputs.items()):
        output = QgsProcessingModelOutput(name, description)
        output.setChildId(child_id)
        output.setChildOutputName(child_output)
        output.setDescription(description)
        output.setMandatory(name in MANDATORY_OUTPUTS)
        if name not in MANDATORY_OUTPUTS + ON_REQUEST_OUTPUTS:  # not asked for: temporary
            output.setDefaultValue("TEMPORARY_OUTPUT")
        output.setPosition(QPointF(OUTPUT_X, ROW * (2 + 4 * row + number)))
        model_outputs[name] = output
    child.setModelOutputs(model_outputs)
    return child


def build_model():
    from qgis.core import QgsProcessingModelAlgorithm, QgsProcessingModelParameter
    from qgis.PyQt.QtCore import QPointF

    model = QgsProcessingModelAlgorithm(MODEL_NAME, MODEL_GROUP)
    for row, parameter in enumerate(model_inputs()):
        parameter.setHelp(INPUT_HELP.get(parameter.name()) or parameter.help())
        component = QgsProcessingModelParameter(parameter.name())
        component.setPosition(QPointF(INPUT_X, ROW * (1 + row)))
        model.addModelParameter(parameter, component)
    for row, (child_id, algorithm_id, sources, outputs, depends) in enumerate(all_steps()):
        model.addChildAlgorithm(child_step(row, child_id, algorithm_id, sources, outputs, depends))
    model.setHelpContent(
        {
            "ALG_DESC": (
                "The whole complete-community evaluation in one run: facility gap analysis, "
                "tiered provisioning, rubric scoring and the evaluation workbook. "
                "完整社区评价全流程：设施短板分析、分级配置分析、评价细则评分、导出评价工作簿。"
            ),
            "ALG_CREATOR": "Complete Community Toolkit (tools/build_model.py)",
        }
    )
    return model


def check(model) -> None:
    """Stop with the problems QGIS finds rather than write a model that cannot run."""
    valid, problems = model.validate()
    missing: List[str] = [
        child_id for child_id, child in model.childAlgorithms().items() if child.algorithm() is None
    ]
    if not valid or missing:
        raise SystemExit(
            "The model is not valid:\n"
            + "\n".join(problems + [f"algorithm of step {c} not found" for c in missing])
        )


#: Attributes in the order every element lists them.
ATTRIBUTE_ORDER = ("name", "type", "value")


def write_canonical(path: Path) -> None:
    """Rewrite the file with its attributes in one fixed order.

    Qt writes an element's attributes in hash order, which changes from run to run; with a
    fixed order the same model gives the same file, so a rebuilt model shows no diff.
    """
    import xml.etree.ElementTree as ElementTree

    tree = ElementTree.parse(path)
    for element in tree.iter():
        items = sorted(
            element.attrib.items(),
            key=lambda item: (
                ATTRIBUTE_ORDER.index(item[0]) if item[0] in ATTRIBUTE_ORDER else 99,
                item[0],
            ),
        )
        element.attrib.clear()
        element.attrib.update(items)
    ElementTree.indent(tree, "  ")
    text = ElementTree.tostring(tree.getroot(), encoding="unicode")
    path.write_text("<!DOCTYPE model>\n" + text + "\n", encoding="utf-8")


def main(path: Optional[Path] = None) -> int:
    application, plugin = start_qgis()
    target = path or MODEL_PATH
    model = build_model()
    check(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not model.toFile(str(target)):
        raise SystemExit(f"Could not write {target}")
    write_canonical(target)
    print(f"Wrote {target.relative_to(REPO_ROOT) if target.is_relative_to(REPO_ROOT) else target}")
    plugin.unload()
    application.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
