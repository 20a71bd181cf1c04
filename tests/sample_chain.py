"""The analysis chain run once on the Nanjing sample, for the tests of styles and maps.

``sample_chain`` is a session fixture: facility gaps, tiered provision and rubric scores
written to files, as a planner's earlier runs would be, together with the inputs they were
made from. Test modules import the fixture by name.
"""

from __future__ import annotations

from typing import Dict

import pytest
import sample_copy
from qgis_helpers import Log

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself


MODEL = "completecommunity:completecommunityevaluation"


def layer_of(name: str) -> str:
    return f"{SAMPLE}|layername={name}"


#: The facility gap analysis' inputs on the sample.
GAP_INPUTS = {
    "UNITS": layer_of("compounds"),
    "UNIT_ID_FIELD": "compound_id",
    "POPULATION_FIELD": "population",
    "FACILITIES": layer_of("facilities"),
    "TYPE_FIELD": "类型",
    "NETWORK": layer_of("roads"),
    "SNAP_TOLERANCE": 150,
}

#: The tiered provision's inputs on the sample.
PROVISION_INPUTS = {
    "DISTRICTS": layer_of("districts"),
    "DISTRICT_ID_FIELD": "district_id",
    "COMMUNITIES": layer_of("communities"),
    "COMMUNITY_ID_FIELD": "community_id",
    "COMMUNITY_DISTRICT_FIELD": "district_id",
    "COMPOUNDS": layer_of("compounds"),
    "COMPOUND_ID_FIELD": "compound_id",
    "COMPOUND_COMMUNITY_FIELD": "community_id",
    "POPULATION_FIELD": "population",
    "FACILITIES": layer_of("facilities"),
    "TYPE_FIELD": "类型",
    "NETWORK": layer_of("roads"),
    "SNAP_TOLERANCE": 150,
}

#: The evaluation model's inputs on the sample (its optional field inputs keep their defaults).
MODEL_INPUTS = {
    key: PROVISION_INPUTS[key]
    for key in (
        "COMPOUNDS",
        "COMPOUND_ID_FIELD",
        "POPULATION_FIELD",
        "COMMUNITIES",
        "COMMUNITY_ID_FIELD",
        "DISTRICTS",
        "DISTRICT_ID_FIELD",
        "FACILITIES",
        "TYPE_FIELD",
        "NETWORK",
        "SNAP_TOLERANCE",
    )
}

#: The tiered provision's outputs.
PROVISION_OUTPUTS = (
    "OUTPUT_TABLE",
    "SHARING",
    "DISTRICTS_OUTPUT",
    "COMMUNITIES_OUTPUT",
    "COMPOUNDS_OUTPUT",
)


def gap_parameters(output: str) -> Dict[str, object]:
    return {**GAP_INPUTS, "OUTPUT": output, "SUMMARY": "TEMPORARY_OUTPUT"}


def provision_parameters(**outputs: str) -> Dict[str, object]:
    """The sample's provision run: ``outputs`` to files, the others temporary."""
    return {
        **PROVISION_INPUTS,
        **{name: "TEMPORARY_OUTPUT" for name in PROVISION_OUTPUTS},
        **outputs,
    }


def scoring_inputs(gaps: str) -> Dict[str, object]:
    """The inputs rubric scoring and the workbook share, with ``gaps`` the gap result."""
    return {
        "COMMUNITIES": layer_of("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "GAPS": gaps,
        "GAP_ID_FIELD": "compound_id",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
    }


def score_parameters(gaps: str, output: str) -> Dict[str, object]:
    return {**scoring_inputs(gaps), "OUTPUT": output, "OUTPUT_TABLE": "TEMPORARY_OUTPUT"}


@pytest.fixture(scope="session")
def sample_chain(qgis_app, qgis_iface, qgis_processing, tmp_path_factory) -> Dict[str, str]:
    """Paths of the sample's gap result, provision table and layers, and community scores."""
    import complete_community
    import processing

    folder = tmp_path_factory.mktemp("sample_chain")
    plugin = complete_community.classFactory(qgis_iface)
    plugin.initProcessing()
    try:
        gaps = str(folder / "gaps.gpkg")
        processing.run("completecommunity:facilitygap", gap_parameters(gaps), feedback=Log())
        outputs = {
            "OUTPUT_TABLE": str(folder / "provision.csv"),
            "COMMUNITIES_OUTPUT": str(folder / "provision_communities.gpkg"),
            "COMPOUNDS_OUTPUT": str(folder / "provision_compounds.gpkg"),
        }
        processing.run(
            "completecommunity:tieredprovision", provision_parameters(**outputs), feedback=Log()
        )
        scores = str(folder / "scores.gpkg")
        processing.run(
            "completecommunity:rubricscore", score_parameters(gaps, scores), feedback=Log()
        )
    finally:
        plugin.unload()
    return {
        "GAPS": gaps,
        "PROVISION": outputs["OUTPUT_TABLE"],
        "PROVISION_COMMUNITIES": outputs["COMMUNITIES_OUTPUT"],
        "PROVISION_COMPOUNDS": outputs["COMPOUNDS_OUTPUT"],
        "SCORES": scores,
    }
