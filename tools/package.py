"""Build ``complete_community.zip``: what "Install from ZIP" and the QGIS plugin repository take.

    python3 tools/package.py [TARGET.zip]        (make package)

The zip holds exactly one folder, ``complete_community/``, with the plugin's code, resources,
compiled translations (``.qm``), ``metadata.txt``, ``LICENSE`` and ``README.md``. Tests, tooling,
samples, the benchmark, caches, translation sources and anything under ``build/`` stay out.
The plugin repository refuses a package without a licence file or with a ``metadata.txt``
lacking one of its required fields, so this script refuses to write one too.
"""

from __future__ import annotations

import configparser
import sys
import zipfile
from pathlib import Path
from typing import List

REPO_ROOT = Path(__file__).resolve().parent.parent
PLUGIN_FOLDER = "complete_community"
INCLUDED_TOP_LEVEL = (
    "metadata.txt",
    "__init__.py",
    "plugin.py",
    "LICENSE",
    "README.md",
    "ui",
    "processing",
    "scoring",
    "resources",
    "i18n",
)
EXCLUDED_SUFFIXES = {".pyc", ".pyo", ".ts", ".pro", ".orig", ".rej", ".swp"}
EXCLUDED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".git", "build", "tests"}
#: What the QGIS plugin repository requires in metadata.txt's [general] section.
REQUIRED_METADATA = (
    "name",
    "qgisMinimumVersion",
    "qgisMaximumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
    "homepage",
)


def plugin_files(root: Path = REPO_ROOT) -> List[Path]:
    files: List[Path] = []
    for name in INCLUDED_TOP_LEVEL:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                item
                for item in sorted(path.rglob("*"))
                if item.is_file()
                and item.suffix not in EXCLUDED_SUFFIXES
                and not EXCLUDED_PARTS.intersection(item.relative_to(root).parts)
            )
    return files


def metadata_problems(root: Path = REPO_ROOT) -> List[str]:
    """What the plugin repository would reject in metadata.txt (empty when nothing)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are camelCase
    parser.read(root / "metadata.txt", encoding="utf-8")
    if not parser.has_section("general"):
        return ["metadata.txt has no [general] section"]
    general = parser["general"]
    return [
        f"metadata.txt: '{key}' is missing or empty"
        for key in REQUIRED_METADATA
        if not general.get(key, "").strip()
    ]


def _folder_entry(folder: Path) -> zipfile.ZipInfo:
    """A directory entry (drwxr-xr-x), so that every unzip tool recreates the folders."""
    name = f"{PLUGIN_FOLDER}/{folder.as_posix()}/" if folder.parts else f"{PLUGIN_FOLDER}/"
    entry = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    entry.external_attr = (0o40755 << 16) | 0x10  # Unix mode and the MS-DOS directory flag
    return entry


def build(target: Path, root: Path = REPO_ROOT) -> Path:
    problems = metadata_problems(root)
    if not (root / "LICENSE").is_file():
        problems.append("no LICENSE file: the plugin repository refuses packages without one")
    files = plugin_files(root)
    if not any(path.suffix == ".qm" for path in files):
        problems.append("no compiled translations (.qm): run 'make translations' first")
    if problems:
        raise SystemExit("Not packaged:\n  " + "\n  ".join(problems))
    target = target.resolve()
    partial = target.with_name(target.name + ".part")
    folders = sorted(
        {parent for path in files for parent in path.relative_to(root).parents if parent.parts}
    )
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in [Path(), *folders]:
            archive.writestr(_folder_entry(folder), b"")
        for path in files:
            archive.write(path, f"{PLUGIN_FOLDER}/{path.relative_to(root).as_posix()}")
    partial.replace(target)
    return target


if __name__ == "__main__":
    output = build(Path(sys.argv[1] if len(sys.argv) > 1 else "complete_community.zip"))
    print(f"Wrote {output}")
