"""The plugin installs, loads and unloads like a well-behaved QGIS plugin."""

from __future__ import annotations

import configparser
import re

import pytest
from qgis.core import Qgis, QgsApplication

from complete_community.processing import compat
from complete_community.processing.provider import PROVIDER_ID

REQUIRED_METADATA = (
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
    "tags",
    "category",
    "icon",
    "changelog",
    "hasProcessingProvider",
)


def read_metadata(repo_root):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # metadata keys are case-sensitive (qgisMinimumVersion)
    parser.read(repo_root / "metadata.txt", encoding="utf-8")
    return parser["general"]


def version_int(text: str) -> int:
    parts = [int(part) for part in re.findall(r"\d+", text)[:3]]
    parts += [0] * (3 - len(parts))
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def test_metadata_is_complete_and_admits_running_qgis(repo_root):
    metadata = read_metadata(repo_root)
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key, "").strip()]
    assert missing == []
    assert metadata["hasProcessingProvider"] == "yes"
    assert metadata["qgisMinimumVersion"] == "3.22"
    assert (metadata["qgisMaximumVersion"], metadata["supportsQt6"]) == ("4.99", "True")
    assert version_int(metadata["qgisMinimumVersion"]) <= Qgis.versionInt()
    assert Qgis.versionInt() <= version_int(metadata.get("qgisMaximumVersion", "3.99")) + 99
    assert (repo_root / metadata["icon"]).is_file()
    assert re.search(r"[\u4e00-\u9fff]", metadata["description"]), "description is bilingual"
    assert re.fullmatch(r"\d+\.\d+\.\d+", metadata["version"])


def _provider_ids():
    return [provider.id() for provider in QgsApplication.processingRegistry().providers()]


def _our_menus(iface):
    return [
        action
        for action in iface.mainWindow().menuBar().actions()
        if action.menu() is not None and action.menu().objectName() == "mCompleteCommunityMenu"
    ]


def test_load_and_unload_twice_leaves_nothing_behind(qgis_iface, qgis_processing):
    import complete_community

    for _ in range(2):
        loaded = complete_community.classFactory(qgis_iface)
        loaded.initProcessing()
        loaded.initGui()
        assert _provider_ids().count(PROVIDER_ID) == 1
        assert len(_our_menus(qgis_iface)) == 1
        menu_texts = [action.text() for action in loaded.menu.actions()]
        assert len(menu_texts) >= len(loaded.provider.algorithms())
        loaded.unload()
        assert PROVIDER_ID not in _provider_ids()
        assert _our_menus(qgis_iface) == []
        assert loaded.actions == [] and loaded.toolbar is None


def test_provider_lists_its_algorithms(plugin):
    provider = QgsApplication.processingRegistry().providerById(PROVIDER_ID)
    assert provider is not None
    assert provider.longName().endswith(read_metadata_version())
    algorithms = provider.algorithms()
    assert algorithms, "the provider has algorithms"
    for algorithm in algorithms:
        assert algorithm.id().startswith(f"{PROVIDER_ID}:")
        assert algorithm.displayName()
        assert algorithm.shortHelpString(), f"{algorithm.id()} has help"
        flags = algorithm.flags()
        assert flags & compat.ProcessingAlgorithmFlag.SupportsBatch
        assert flags & compat.ProcessingAlgorithmFlag.CanCancel
        fresh = algorithm.createInstance()
        assert fresh is not algorithm and fresh.name() == algorithm.name()


def read_metadata_version():
    from complete_community.resources import plugin_version

    return plugin_version()


@pytest.mark.qgis_process
def test_qgis_process_sees_the_provider(qgis_process_cli):
    from complete_community.processing.algorithms import ALGORITHM_CLASSES

    listed = qgis_process_cli.algorithm_ids(PROVIDER_ID)
    expected = {f"{PROVIDER_ID}:{cls.ALGORITHM_ID}" for cls in ALGORITHM_CLASSES}
    assert expected and expected <= set(listed)


def test_second_instance_does_not_take_the_first_ones_provider(qgis_iface, qgis_processing):
    import complete_community

    first = complete_community.classFactory(qgis_iface)
    first.initProcessing()
    second = complete_community.classFactory(qgis_iface)
    second.initProcessing()
    second.unload()
    try:
        registered = QgsApplication.processingRegistry().providerById(PROVIDER_ID)
        assert registered is first.provider
        assert registered.algorithms(), "the first instance's provider is still alive"
    finally:
        first.unload()
    assert PROVIDER_ID not in _provider_ids()
