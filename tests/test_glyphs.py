"""Fonts and glyphs: a missing CJK font stops a PDF build naming the Debian
package; a character no font of the edition can draw (a rare CJK
Extension-B character, an emoji) is an error at the line it came from,
instead of an empty box in the PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.render.editions import print_html
from generator.diagnostics import BuildError
from generator.check.glyphs import drawable, font_families, uncovered

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
EXT_B_RARE = "\U0002A6D6"  # 𪛖, CJK Extension B, in no Noto CJK face
EXT_B_COMMON = "\U00020BB7"  # 𠮷, Extension B too, but Noto CJK has it
STACK = ["Noto Serif CJK SC", "Noto Sans CJK SC", "serif", "sans-serif"]


def _uncovered_emoji() -> str:
    """An emoji none of the fonts draws (DejaVu Sans has some: 😀)."""
    covered, _ = drawable(STACK)
    for ch in "\U0001F680\U0001F9D1\U0001FAE0\U0001F96F":
        if ord(ch) not in covered:
            return ch
    pytest.skip("every candidate emoji has a glyph in the installed fonts")


def _page(text: str) -> str:
    families = ", ".join(f'"{f}"' if " " in f else f for f in STACK)
    return (f"<html><head><style>body {{ font-family: {families} }} @page {{ @bottom-center {{ content: '页' }} }}"
            f"</style><title>{EXT_B_RARE}</title></head><body><p>{text}</p></body></html>")


def test_font_families_of_the_css():
    css = 'p { font-family: "Noto Serif CJK SC", serif } h1 { font-family: inherit } th{font-family:Foo Bar}'
    assert font_families(css) == ["Noto Serif CJK SC", "serif", "Foo Bar"]


def test_uncovered_characters_are_found():
    emoji = _uncovered_emoji()
    missing, files = uncovered(_page(f"中文 {EXT_B_COMMON} Latin {EXT_B_RARE}{emoji}\u200b\ufe0f"))
    assert missing == [EXT_B_RARE, emoji]  # the <title> is not drawn; zero-width and selectors need no glyph
    assert any("CJK" in f for f in files)


def test_everything_the_shipped_editions_show_is_drawable(built):
    for name, path in built.items():
        if name.endswith(".html"):
            assert uncovered(print_html(path.read_text(encoding="utf-8")))[0] == [], name


def _with_rare_characters(tmp_path: Path, emoji: str) -> tuple[Path, int, int]:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    theme = content / "themes" / "01-compute.md"
    lines = theme.read_text(encoding="utf-8").split("\n")
    at = lines.index("---", 1) + 3  # a body line
    lines.insert(at - 1, f"古籍里的{EXT_B_RARE}字与表情{emoji}[@alpha]。\n")
    theme.write_text("\n".join(lines), encoding="utf-8")
    summary = content / "summary.yaml"
    s = summary.read_text(encoding="utf-8").split("\n")
    s[1] = s[1].replace("李明", f"李{EXT_B_RARE}明", 1)
    summary.write_text("\n".join(s), encoding="utf-8")
    return content, at, 2


@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant"])
def test_undrawable_character_is_an_error_at_its_line(tmp_path, variant):
    emoji = _uncovered_emoji()
    content, theme_line, summary_line = _with_rare_characters(tmp_path, emoji)
    with pytest.raises(BuildError) as failed:
        build(content, tmp_path / "out", variants=[variant], formats=["pdf"])
    found = {(Path(p.location.path).name, p.location.line, p.message.split("'")[1])
             for p in failed.value.diagnostics.errors if p.code == "glyph"}
    assert found == {("01-compute.md", theme_line, EXT_B_RARE), ("01-compute.md", theme_line, emoji),
                     ("summary.yaml", summary_line, EXT_B_RARE)}
    assert all(f"U+{ord(EXT_B_RARE):04X}" in p.message or f"U+{ord(emoji):04X}" in p.message
               for p in failed.value.diagnostics.errors if p.code == "glyph")
    assert not (tmp_path / "out").exists()


def test_html_edition_is_not_held_back_by_pdf_fonts(tmp_path):
    """Browsers fall back to any font; only the PDF embeds a fixed set."""
    content, _, _ = _with_rare_characters(tmp_path, _uncovered_emoji())
    report = build(content, tmp_path / "out", variants=["zh-Hans"], formats=["html"])
    assert EXT_B_RARE in report.outputs["briefing.zh-Hans.html"].decode()


def test_missing_cjk_font_names_the_debian_package(tmp_path):
    """fontconfig with no fonts at all (an empty configuration), as on a
    machine without fonts-noto-cjk: an error naming the package, not a PDF
    full of boxes."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n')
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--content", str(MINIMAL), "--out", str(out),
         "--variant", "zh-Hant", "--format", "pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "FONTCONFIG_FILE": str(config), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert result.returncode == 1, result.stderr
    assert "fonts-noto-cjk" in result.stderr and "Noto Serif CJK TC" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
