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


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf", "[1, .nan]"])
def test_non_finite_number_values_are_content_errors(content_copy, bad):
    from generator.content import load_content
    from generator.diagnostics import BuildError

    path = content_copy / "numbers.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition("  value: [6, 8]\n")
    assert sep, "fixture changed: code-red-duration no longer has value [6, 8]"
    path.write_text(head + f"  value: {bad}\n" + tail, encoding="utf-8")
    line = head.count("\n") + 1
    with pytest.raises(BuildError) as e:
        load_content(content_copy)
    messages = [(p.location.line, p.message) for p in e.value.diagnostics.errors]
    assert any(ln == line and "'value' must be a number" in m for ln, m in messages), messages


def test_check_reports_an_undrawable_character_at_its_line(content_copy, cli):
    """`briefing check` runs the PDF build's glyph check (without the PDF)."""
    theme = sorted((content_copy / "themes").glob("*.md"))[0]
    lines = theme.read_text(encoding="utf-8").split("\n")
    body = next(i for i, line in enumerate(lines) if i > 2 and line.startswith("::: assessment"))
    lines.insert(body + 1, "这里有一个罕见字\U0002A6D6。")  # CJK Ext-B, in no Noto CJK face
    theme.write_text("\n".join(lines), encoding="utf-8")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 1
    rel = theme.name
    assert f"{rel}:{body + 2}: error: character U+2A6D6" in result.stderr, result.stderr
