"""The script-leak and banned-form lint: run on the converted text of every
edition by `briefing check` and by every build (warnings; errors under
--strict), each finding at the content file and line the text came from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import check
from generator.chinese.lint import lint_text

ROOT = Path(__file__).resolve().parent.parent


def test_a_leak_is_reported_at_its_line():
    [f] = lint_text("第一行沒問題\n这一行", "zh-Hant", "content/themes/01-x.md", 10)
    assert (f.path, f.line) == ("content/themes/01-x.md", 11)
    assert "Simplified-only character '这' in the zh-Hant edition" in f.message


def test_traditional_characters_leak_into_the_simplified_edition():
    [f] = lint_text("简体里混了這个字", "zh-Hans", "content/summary.yaml", 3)
    assert "Traditional-only character '這'" in f.message and f.line == 3


@pytest.mark.parametrize("variant, text", [
    ("zh-Hant", "揭秘與社群平台"),      # Taiwan glyphs OpenCC itself writes (秘, 群)
    ("zh-Hant-HK", "企業客户的温度兑現"),  # Hong Kong glyph standard (户, 温, 兑)
    ("zh-Hans", "这是简体"),
])
def test_regional_glyphs_are_not_leaks(variant, text):
    assert lint_text(text, variant, "x", 1) == []


def test_a_hong_kong_glyph_is_still_a_leak_in_the_taiwan_edition():
    assert [f.message for f in lint_text("企業客户", "zh-Hant", "x", 1)]


@pytest.mark.parametrize("variant, text, banned", [
    ("zh-Hant", "投入1.4萬億美元", "萬億"),
    ("zh-Hant", "他說“好”", "“"),
    ("zh-Hant", "紅色程式碼", "紅色程式碼"),
    ("zh-Hant", "公司釋出新模型", "釋出"),
    ("zh-Hant", "我們支援這項計畫", "支援"),
    ("zh-Hant", "臺灣", "臺"),                # house style 台
    ("zh-Hant-HK", "投入1.4兆美元", "1.4兆"),
    ("zh-Hans", "投入1.4兆美元", "1.4兆美元"),  # 兆 is 10^6 on the mainland
    ("zh-Hans", "他说「好」", "「"),
])
def test_banned_forms_per_variant(variant, text, banned):
    findings = lint_text(text, variant, "x", 1)
    assert any(f"banned form '{banned}'" in f.message for f in findings), findings


def test_the_shipped_briefing_has_no_findings_in_any_edition():
    """zh-Hans, zh-Hant and the Hong Kong edition, strict: a finding would raise."""
    report = check(ROOT / "content", strict=True, variants=["zh-Hans", "zh-Hant", "zh-Hant-HK"])
    assert [str(p) for p in report.diagnostics.problems] == []


def test_check_reports_a_leak_at_the_content_line_and_strict_fails(cli, content_copy, edit):
    line = edit(content_copy / "themes" / "01-code-red.md", "### 奥特曼的定性", "### 奥特曼的定性（這裡）")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 0
    assert f"01-code-red.md:{line}: warning: Traditional-only character '這' in the zh-Hans edition" in result.stderr
    strict = cli(["check", "--content", content_copy, "--strict"])
    assert strict.exit_code == 1
    assert f"01-code-red.md:{line}: warning: Traditional-only character '這'" in strict.stderr


def test_a_bad_glossary_form_is_reported_where_the_word_is_used(cli, content_copy, edit):
    """The glossary's Taiwan form for 防控 now leaks a Simplified character: the
    finding points at the theme line that uses the word, not at the glossary."""
    edit(content_copy / "glossary.yaml", "zh-Hans: 防控, zh-Hant: 防疫,", "zh-Hans: 防控, zh-Hant: 防护,")
    theme = content_copy / "themes" / "01-code-red.md"
    line = theme.read_text(encoding="utf-8")[: theme.read_text(encoding="utf-8").index("防控")].count("\n") + 1
    result = cli(["check", "--content", content_copy])
    assert f"01-code-red.md:{line}: warning: Simplified-only character '护' in the zh-Hant edition" in result.stderr


def test_ui_labels_are_linted_at_their_line(cli, tmp_path):
    strings = tmp_path / "templates" / "strings"
    strings.mkdir(parents=True)
    (strings / "zh-Hant.yaml").write_text("# 我的標籤\ntoc: 目录\n", encoding="utf-8")
    result = cli(["check", "--content", ROOT / "content", "--templates", tmp_path / "templates"])
    assert "strings/zh-Hant.yaml:2: warning: Simplified-only character '录' in the zh-Hant edition" in result.stderr


def test_script_tables_match_the_installed_opencc():
    """script_chars.txt is generated from OpenCC's own tables; an OpenCC
    upgrade that changes them must regenerate it (tools/gen_script_chars.py)."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_script_chars.py"), "--check"], cwd=ROOT)
    assert result.returncode == 0
