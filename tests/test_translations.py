"""Every user-visible string has a zh_CN translation, and the translation really loads."""

from __future__ import annotations

import re
import sys

import pytest

from complete_community.i18n import install_translator, language_for_locale, tr


@pytest.fixture
def update_translations(repo_root):
    sys.path.insert(0, str(repo_root / "tools"))
    import update_translations

    return update_translations


def test_every_source_string_has_a_zh_cn_translation(update_translations, repo_root):
    ts_file = repo_root / "i18n" / "complete_community_zh_CN.ts"
    assert update_translations.source_strings(), "the extractor finds the plugin's strings"
    assert update_translations.missing_translations(ts_file) == []


def test_translations_keep_their_placeholders(update_translations, repo_root):
    translations = update_translations.read_translations(
        repo_root / "i18n" / "complete_community_zh_CN.ts"
    )
    placeholder = re.compile(r"\{[a-z_]+\}")
    wrong = {
        source: target
        for source, target in translations.items()
        if sorted(placeholder.findall(source)) != sorted(placeholder.findall(target))
    }
    assert wrong == {}


def test_compiled_translation_is_used(qgis_app):
    try:
        assert install_translator("zh_CN")
        assert tr("Complete Community") == "完整社区"
        assert tr("Facility gap analysis") == "设施短板分析"
    finally:
        install_translator("en")
    assert tr("Complete Community") == "Complete Community"


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh_CN", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-Hant", "en"),
        ("zh_TW", "en"),
        ("en_US", "en"),
        ("", "en"),
    ],
)
def test_locale_maps_to_shipped_language(locale, language):
    assert language_for_locale(locale) == language


def test_every_algorithm_has_help_in_both_languages(repo_root):
    from complete_community.processing.algorithms import ALGORITHM_CLASSES

    for algorithm_class in ALGORITHM_CLASSES:
        for language in ("en", "zh_CN"):
            page = (
                repo_root / "resources" / "help" / f"{algorithm_class.ALGORITHM_ID}.{language}.html"
            )
            assert page.is_file() and page.read_text(encoding="utf-8").strip()
