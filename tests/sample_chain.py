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


#: The evaluation model's inputs on the sample (its optional field inputs keep their defaults).
MODEL_INPUTS = {
    "COMPOUNDS": layer_of("compounds"),
    "COMPOUND_ID_FIELD": "compound_id",
    "POPULATION_FIELD": "population",
    "COMMUNITIES": layer_of("communities"),
    "COMMUNITY_ID_FIELD": "community_id",
    "DISTRICTS": layer_of("districts"),
    "DISTRICT_ID_FIELD": "district_id",
    "FACILITIES": layer_of("facilities"),
    "TYPE_FIELD": "类型",
    "NETWORK": layer_of("roads"),
    "SNAP_TOLERANCE": 150,
}


def gap_parameters(output: str) -> Dict[str, object]:
    return {
        "UNITS": layer_of("compounds"),
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": layer_of("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": layer_of("roads"),
        "SNAP_TOLERANCE": 150,
        "OUTPUT": output,
        "SUMMARY": "TEMPORARY_OUTPUT",
    }


def provision_parameters(**outputs: str) -> Dict[str, object]:
    return {
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
        **{
            name: "TEMPORARY_OUTPUT"
            for name in (
                "OUTPUT_TABLE",
                "SHARING",
                "DISTRICTS_OUTPUT",
                "COMMUNITIES_OUTPUT",
                "COMPOUNDS_OUTPUT",
            )
        },
        **outputs,
    }


def score_parameters(gaps: str, output: str) -> Dict[str, object]:
    return {
        "COMMUNITIES": layer_of("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "GAPS": gaps,
        "GAP_ID_FIELD": "compound_id",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
        "OUTPUT": output,
        "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
    }


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
