"""The line-tracking YAML loader: lines, duplicates, hostile nesting."""

from pathlib import Path

import pytest

from generator import yamlsrc

P = Path("t.yaml")


def test_lines_of_keys_and_items_are_kept():
    v = yamlsrc.parse("a: 1\nb:\n  - x\n  - {c: 2}\n", P)
    assert v.key_lines == {"a": 1, "b": 2}
    assert v["b"].item_lines == [3, 4]
    assert v["b"][1].line == 4


def test_front_matter_offset_shifts_every_line():
    v = yamlsrc.parse("a: 1\nb: [x]\n", P, first_line=2)
    assert v.key_lines == {"a": 2, "b": 3}


def test_duplicate_key_is_an_error_at_the_second_key():
    with pytest.raises(yamlsrc.YamlSyntaxError) as e:
        yamlsrc.parse("a: 1\nb: 2\na: 3\n", P)
    assert e.value.line == 3 and "duplicate key 'a' (first defined on line 1)" in e.value.message


@pytest.mark.parametrize("depth", [65, 3000])
def test_hostile_nesting_is_a_located_error_not_a_recursion_crash(depth):
    text = "a: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(yamlsrc.YamlSyntaxError) as e:
        yamlsrc.parse(text, P, first_line=2)
    assert e.value.line == 2 and "nested" in e.value.message and "64" in e.value.message


def test_nesting_at_the_limit_still_parses():
    text = "a: " + "[" * 60 + "1" + "]" * 60 + "\n"
    value, depth = yamlsrc.parse(text, P)["a"], 0
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    assert (depth, value) == (60, 1)

