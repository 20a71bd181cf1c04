"""Run ``qgis_process`` with this plugin enabled in a throw-away profile.

Used by ``make demo``, the benchmark and the tests, so that there is one way to reach the
plugin headless. Debian 12's ``/usr/bin/qgis_process`` wrapper passes ``--noversioncheck``,
which QGIS 3.22 rejects; the ``.bin`` next to it is the real executable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

PLUGIN_FOLDER_NAME = "complete_community"


def qgis_process_executable() -> str:
    for candidate in ("/usr/bin/qgis_process.bin", shutil.which("qgis_process") or ""):
        if candidate and Path(candidate).is_file():
            return candidate
    raise FileNotFoundError("qgis_process not found: install the Debian package 'qgis'")


class QgisProcess:
    """A ``qgis_process`` that sees the plugin folder ``plugin_source`` as ``complete_community``.

    ``workdir`` receives a plugin path (a link to ``plugin_source``) and a fresh profile, so the
    user's own QGIS settings are neither read nor changed.
    """

    def __init__(self, plugin_source: Path, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.plugin_path = self.workdir / "plugins"
        self.profile = self.workdir / "profile"
        self.plugin_path.mkdir(parents=True, exist_ok=True)
        self.profile.mkdir(parents=True, exist_ok=True)
        link = self.plugin_path / PLUGIN_FOLDER_NAME
        if link.is_symlink() or link.exists():
            if link.is_symlink() or link.is_file():
                link.unlink()
            else:
                shutil.rmtree(link)
        link.symlink_to(Path(plugin_source).resolve(), target_is_directory=True)
        self.executable = qgis_process_executable()

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            QGIS_PLUGINPATH=str(self.plugin_path),
            QGIS_CUSTOM_CONFIG_PATH=str(self.profile),
            QT_QPA_PLATFORM="offscreen",
            XDG_RUNTIME_DIR=str(self.workdir / "runtime"),
        )
        (self.workdir / "runtime").mkdir(mode=0o700, exist_ok=True)
        return env

    def call(self, arguments: Sequence[str], timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.executable, *arguments],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def enable_plugin(self) -> subprocess.CompletedProcess:
        result = self.call(["plugins", "enable", PLUGIN_FOLDER_NAME])
        already_enabled = "already enabled" in (result.stdout + result.stderr)
        if result.returncode != 0 and not already_enabled:
            raise RuntimeError(f"qgis_process could not enable the plugin:\n{result.stderr}")
        return result

    def algorithm_ids(self, provider_id: str) -> list[str]:
        result = self.call(["list"])
        prefix = f"{provider_id}:"
        return [
            line.strip().split()[0]
            for line in result.stdout.splitlines()
            if line.strip().startswith(prefix)
        ]

    def run(
        self,
        algorithm_id: str,
        parameters: Mapping[str, Any],
        timeout: float = 600,
    ) -> subprocess.CompletedProcess:
        """Run an algorithm; parameters are passed as strings, as a user's shell would."""
        arguments = ["run", algorithm_id, "--"]
        arguments += [f"{name}={value}" for name, value in parameters.items()]
        return self.call(arguments, timeout=timeout)

    def run_json(
        self, algorithm_id: str, parameters: Mapping[str, Any], timeout: float = 600
    ) -> tuple[subprocess.CompletedProcess, Optional[dict]]:
        """Like :meth:`run` with ``--json``; the parsed results, or None when it failed."""
        arguments = ["--json", "run", algorithm_id, "--"]
        arguments += [f"{name}={value}" for name, value in parameters.items()]
        result = self.call(arguments, timeout=timeout)
        try:
            return result, json.loads(result.stdout)
        except json.JSONDecodeError:
            return result, None
