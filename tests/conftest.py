"""Shared fixtures: the repository seen as the installed plugin folder ``complete_community``.

The repository root *is* the plugin folder, but a clone may be called anything. A symlink
``build/plugins/complete_community`` makes it importable under its installed name without
putting the repository root itself on ``sys.path`` (its ``processing`` package would then shadow
QGIS's ``processing``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PLUGIN_NAME = "complete_community"
PLUGINS_DIR = REPO_ROOT / "build" / "plugins"
DATA_DIR = Path(__file__).resolve().parent / "data"


def _link_plugin_folder() -> None:
    PLUGINS_DIR.mkdir(parents=True, exist_ok=True)
    link = PLUGINS_DIR / PLUGIN_NAME
    # Relative, so that the same link works on the host and inside the QGIS 3.40 root.
    if not (link.is_symlink() and os.readlink(link) == "../.."):
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to("../..", target_is_directory=True)
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))


def _add_qgis_processing_plugin_to_path() -> None:
    """QGIS's own ``processing`` package sits among QGIS's Python plugins, not in site-packages."""
    prefix = os.environ.get("QGIS_PREFIX_PATH", "/usr")
    for candidate in (
        Path(prefix) / "share/qgis/python/plugins",
        Path("/usr/share/qgis/python/plugins"),
    ):
        if (candidate / "processing").is_dir() and str(candidate) not in sys.path:
            sys.path.append(str(candidate))
            return


_link_plugin_folder()
_add_qgis_processing_plugin_to_path()
# Shared test helpers (tests/qgis_helpers.py); with importlib imports tests/ is not on the path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(1, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
#: Fixtures several test modules share: the sample's chain run once (tests/sample_chain.py).
pytest_plugins = ["sample_chain"]

import sample_copy  # noqa: E402  (tests/ on the path above)

_SAMPLE_CHANGED = pytest.StashKey[list]()
_SAMPLE_BEFORE = pytest.StashKey[dict]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_SAMPLE_BEFORE] = sample_copy.fingerprint()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when the suite changed, added or removed anything under ``sample/``:
    tests work on the session's copy (``sample_copy.SAMPLE``), never on the bundled sample."""
    before = session.config.stash.get(_SAMPLE_BEFORE, None)
    if before is None:
        return
    changed = sample_copy.changes(before, sample_copy.fingerprint())
    session.config.stash[_SAMPLE_CHANGED] = changed
    if changed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    changed = config.stash.get(_SAMPLE_CHANGED, [])
    if changed:
        terminalreporter.section("the bundled sample was modified", red=True)
        terminalreporter.write_line(
            "The suite changed files under sample/ (tests must use sample_copy.SAMPLE, the "
            "session's copy): " + "; ".join(changed)
        )


@pytest.fixture(scope="session")
def sample_gpkg() -> Path:
    """The session's copy of ``sample/nanjing_xuanwu.gpkg`` (never the bundled file)."""
    return sample_copy.SAMPLE


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which QGIS, Python, numpy and shapely this lane really ran on."""
    import platform

    import numpy
    import shapely

    try:
        from qgis.core import Qgis

        qgis_version = Qgis.QGIS_VERSION
    except ImportError:  # pure-domain run without QGIS
        qgis_version = "not importable"
    try:
        import scipy

        scipy_version = scipy.__version__
    except ImportError:
        scipy_version = "missing"
    import postgis_cluster

    postgis = postgis_cluster.unavailable_reason() or (
        "PostGIS tests: a throw-away cluster of the suite's own (PostgreSQL binaries in "
        f"{postgis_cluster.server_binaries()})"
        if postgis_cluster.server_binaries()
        else f"PostGIS tests: the server in {postgis_cluster.ENVIRONMENT}"
    )
    return [
        f"QGIS {qgis_version}; Python {platform.python_version()}; numpy {numpy.__version__}; "
        f"shapely {shapely.__version__}; scipy {scipy_version}",
        postgis,
    ]


SCIPY_MODULES = ("scipy", "scipy.spatial", "scipy.sparse", "scipy.sparse.csgraph")


@pytest.fixture(params=["with_scipy", "without_scipy"])
def engine(request, monkeypatch):
    """Run the test with scipy, then again with every scipy module made unimportable, so that
    the walking engine's pure numpy/Python fallbacks are really exercised."""
    from complete_community.scoring.network import _optional

    if request.param == "with_scipy":
        pytest.importorskip("scipy.sparse.csgraph")
        pytest.importorskip("scipy.spatial")
        assert _optional.scipy_csgraph() is not None
    else:
        hidden = set(SCIPY_MODULES) | {
            name for name in sys.modules if name == "scipy" or name.startswith("scipy.")
        }
        for name in hidden:
            monkeypatch.setitem(sys.modules, name, None)
        assert _optional.scipy_spatial() is None
        assert _optional.scipy_csgraph() is None
    return request.param


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def plugin(qgis_app, qgis_iface, qgis_processing):
    """The plugin loaded the way QGIS does it: ``classFactory(iface)`` then ``initProcessing()``."""
    import complete_community

    loaded = complete_community.classFactory(qgis_iface)
    loaded.initProcessing()
    yield loaded
    loaded.unload()


@pytest.fixture(scope="session")
def postgis_server():
    """A real PostgreSQL/PostGIS server for the session (see tests/postgis_cluster.py): its own
    throw-away cluster, removed afterwards, also after failures; skipped, saying why, where
    there is none."""
    import postgis_cluster

    reason = postgis_cluster.unavailable_reason()
    if reason:
        pytest.skip(reason)
    cluster = postgis_cluster.Cluster()
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def qgis_process_cli(tmp_path_factory):
    """``qgis_process`` with the plugin enabled in a throw-away profile (one per session)."""
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    from qgis_process_runner import QgisProcess

    runner = QgisProcess(REPO_ROOT, tmp_path_factory.mktemp("qgis_process"))
    runner.enable_plugin()
    return runner
