"""`briefing check`: validates what a build would, numbers included, and writes nothing."""

import pytest


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf", "[1, .nan]"])
def test_non_finite_number_values_are_content_errors(content_copy, bad):
    from generator.load.content import load_content
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


def _add_to_first_theme(content_dir, text):
    theme = sorted((content_dir / "themes").glob("*.md"))[0]
    lines = theme.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if i > 2 and line.startswith("::: assessment"))
    lines.insert(at + 1, text)
    theme.write_text("\n".join(lines), encoding="utf-8")
    return theme, at + 2


def test_content_image_is_embedded_in_both_formats(content_copy, tmp_path):
    """A content image travels inside the self-contained HTML (and so the PDF)."""
    import base64

    from generator.build import build

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    (content_copy / "img").mkdir()
    (content_copy / "img" / "dot.png").write_bytes(png)
    _add_to_first_theme(content_copy, "![示意图](img/dot.png)")
    report = build(content_copy, tmp_path / "out", variants=["zh-Hans"], formats=["html"])
    html = report.written[0].path.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' + base64.b64encode(png).decode() + '"' in html
    assert "img/dot.png" not in html


@pytest.mark.parametrize("url, message", [
    ("img/missing.png", "not found inside content/"),
    ("../../etc/passwd.png", "not found inside content/"),
    ("https://example.com/x.png", "must be a relative path"),
    ("/etc/x.png", "must be a relative path"),
    ("img/notes.txt", "is not a PNG"),
])
def test_bad_content_image_is_a_located_error(content_copy, cli, url, message):
    theme, line = _add_to_first_theme(content_copy, f"![图]({url})")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 1
    assert f"{theme.name}:{line}: error: image '{url}'" in result.stderr and message in result.stderr, result.stderr
