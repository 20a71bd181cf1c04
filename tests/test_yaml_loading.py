"""Documents are parsed with libyaml where PyYAML has it, and the answer is PyYAML's own:
the same data for a good document, the same refusal (and line) for a bad one."""

from __future__ import annotations

import pytest
import yaml

from complete_community.scoring import schema
from complete_community.scoring.standard import BUILTIN_STANDARD_PATH

needs_libyaml = pytest.mark.skipif(
    schema._FastStrictLoader is None, reason="PyYAML without libyaml: one loader only"
)


@needs_libyaml
def test_the_built_in_standard_reads_the_same_with_both_loaders():
    text = BUILTIN_STANDARD_PATH.read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=schema._FastStrictLoader)
    pure = yaml.load(text, Loader=schema._StrictLoader)
    assert fast == pure
    assert schema._load_yaml(text) == pure
    assert len(pure["types"]) == 36


@needs_libyaml
def test_a_repeated_key_is_refused_on_the_line_of_the_repeat():
    text = "a: 1\nb:\n  c: 2\n  c: 3\n"
    with pytest.raises(schema._DuplicateKeyError) as raised:
        schema._load_yaml(text)
    assert raised.value.key == "c" and raised.value.line == 4


@needs_libyaml
def test_a_syntax_error_is_worded_by_the_pure_python_loader():
    text = "a: [1, 2\nb: 3\n"
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.load(text, Loader=schema._StrictLoader)
    with pytest.raises(yaml.YAMLError) as raised:
        schema._load_yaml(text)
    assert str(raised.value) == str(expected.value)
    assert type(raised.value) is type(expected.value)
