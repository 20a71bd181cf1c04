"""Build ``complete_community.zip`` for "Install from ZIP": plugin files and compiled translations.

Tests, tooling, samples, the benchmark, caches and translation sources stay out.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

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
EXCLUDED_SUFFIXES = {".pyc", ".ts", ".pro"}
EXCLUDED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def plugin_files() -> list[Path]:
    files: list[Path] = []
    for name in INCLUDED_TOP_LEVEL:
        path = REPO_ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                item
                for item in sorted(path.rglob("*"))
                if item.is_file()
                and item.suffix not in EXCLUDED_SUFFIXES
                and not EXCLUDED_PARTS.intersection(item.relative_to(REPO_ROOT).parts)
            )
    return files


def build(target: Path) -> Path:
    files = plugin_files()
    if not any(path.suffix == ".qm" for path in files):
        raise SystemExit("No compiled translations (.qm): run 'make translations' first.")
    target = target.resolve()
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, f"{PLUGIN_FOLDER}/{path.relative_to(REPO_ROOT).as_posix()}")
    partial.replace(target)
    return target


if __name__ == "__main__":
    output = build(Path(sys.argv[1] if len(sys.argv) > 1 else "complete_community.zip"))
    print(f"Wrote {output}")
