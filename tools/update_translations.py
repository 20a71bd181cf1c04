"""Collect the plugin's user-visible strings into ``i18n/*.ts`` and check their translations.

``pylupdate5`` does not see the domain's ``N_()`` templates nor the class attributes the
algorithm base class translates, and it does not exist for Qt6; this small extractor reads the
code with ``ast`` instead and understands exactly the project's conventions:

- ``tr("...")`` / ``self.tr("...")`` calls and ``N_("...")`` markers;
- strings that left the code keep their translation, marked ``vanished``;
- class attributes listed in ``TRANSLATED_ATTRIBUTES`` (``DISPLAY_NAME``, ``GROUP`` ...).

Usage:
    python tools/update_translations.py            # add new strings, mark vanished ones
    python tools/update_translations.py --check    # list strings lacking a translation
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("processing", "scoring", "ui", "i18n", "resources")
SOURCE_FILES = ("plugin.py", "__init__.py")
TS_FILES = sorted((REPO_ROOT / "i18n").glob("complete_community_*.ts"))
CONTEXT = "CompleteCommunity"
TRANSLATING_CALLS = {"tr", "N_", "translate_later"}
TRANSLATED_ATTRIBUTES = {"DISPLAY_NAME", "GROUP"}


def python_sources() -> list[Path]:
    files = [REPO_ROOT / name for name in SOURCE_FILES]
    for folder in SOURCE_FOLDERS:
        files.extend(sorted((REPO_ROOT / folder).rglob("*.py")))
    return [path for path in files if path.is_file()]


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def strings_in(path: Path) -> list[str]:
    """The translatable strings of one file, in order of appearance."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call) and _call_name(node) in TRANSLATING_CALLS and node.args:
            text = _literal(node.args[0])
            if text:
                found.append(text)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in TRANSLATED_ATTRIBUTES:
                text = _literal(node.value)
                if text:
                    found.append(text)
    return found


def source_strings() -> list[str]:
    seen: dict[str, None] = {}
    for path in python_sources():
        for text in strings_in(path):
            seen.setdefault(text, None)
    return list(seen)


def read_translations(ts_file: Path) -> dict[str, str]:
    """Finished translations in a .ts file (source -> translation)."""
    if not ts_file.exists():
        return {}
    translations = {}
    for message in ElementTree.parse(ts_file).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished":
            continue
        if translation.text:
            translations[source] = translation.text
    return translations


def write_ts(ts_file: Path, language: str, sources: list[str], translations: dict[str, str]):
    root = ElementTree.Element("TS", version="2.1", language=language)
    context = ElementTree.SubElement(root, "context")
    ElementTree.SubElement(context, "name").text = CONTEXT
    for source in sources:
        message = ElementTree.SubElement(context, "message")
        ElementTree.SubElement(message, "source").text = source
        translation = ElementTree.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
        else:
            translation.set("type", "unfinished")
    # Strings no longer in the code keep their translation, marked vanished (lrelease leaves
    # them out): a string that comes back, or a branch that still uses it, finds it again.
    for source in sorted(set(translations) - set(sources)):
        message = ElementTree.SubElement(context, "message")
        ElementTree.SubElement(message, "source").text = source
        vanished = ElementTree.SubElement(message, "translation", type="vanished")
        vanished.text = translations[source]
    ElementTree.indent(root) if hasattr(ElementTree, "indent") else None
    body = ElementTree.tostring(root, encoding="unicode")
    ts_file.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def missing_translations(ts_file: Path) -> list[str]:
    translations = read_translations(ts_file)
    return [text for text in source_strings() if not translations.get(text)]


def update(extra: dict[str, str] | None = None) -> None:
    """Rewrite every .ts with the strings in the code, keeping (and adding) translations."""
    sources = source_strings()
    for ts_file in TS_FILES:
        language = ts_file.stem.split("complete_community_", 1)[1]
        translations = read_translations(ts_file)
        translations.update(extra or {})
        write_ts(ts_file, language, sources, translations)


def main(arguments: list[str]) -> int:
    if "--check" in arguments:
        status = 0
        for ts_file in TS_FILES:
            for text in missing_translations(ts_file):
                print(f"{ts_file.name}: untranslated: {text!r}")
                status = 1
        return status
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
