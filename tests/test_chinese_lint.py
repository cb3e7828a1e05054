"""The script-leak and banned-form lint: run on the converted text of every
edition by `briefing check` and by every build (warnings; errors under
--strict), each finding at the content file and line the text came from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import check
from generator.check.lint import lint_text

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
    ("zh-Hant-HK", "二〇二三年高峰時的社群"),  # Taiwan's standard glyphs, which Hong Kong writers use too
    ("zh-Hans", "这是简体"),
])
def test_regional_glyphs_are_not_leaks(variant, text):
    assert lint_text(text, variant, "x", 1) == []


def test_a_hong_kong_glyph_is_still_a_leak_in_the_taiwan_edition():
    assert [f.message for f in lint_text("企業客户", "zh-Hant", "x", 1)]
    assert [f.message for f in lint_text("他說這是什么意思", "zh-Hant-HK", "x", 1)]  # 么: mainland, not Taiwan's


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


def test_leaks_are_grouped_per_word_and_line():
    [f] = lint_text("他切到後臺運行了", "zh-Hans", "x", 1)  # three leaked characters, one word
    assert f.message == "Traditional-only characters '後臺運' in the zh-Hans edition, in '他切到後臺運行了'"
    [f] = lint_text("切到後臺運行，然后又切到後臺運行", "zh-Hans", "x", 1)
    assert f.message.endswith(", 2 times on this line") and "'後臺運'" in f.message
    two = lint_text("切到後臺運行\n又切到後臺運行", "zh-Hans", "x", 7)
    assert [f.line for f in two] == [7, 8]


def test_a_long_run_shows_a_few_characters_around_the_leak():
    [f] = lint_text("一二三四五六七八這九十一二三四五六", "zh-Hans", "x", 1)
    assert "in '…六七八這九十一…'" in f.message


def test_banned_forms_are_grouped_per_line_and_match():
    findings = lint_text("投入1.4萬億美元，又投入2萬億美元\n萬億", "zh-Hant", "x", 1)
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [
        (1, "banned form '萬億' in the zh-Hant edition, 2 times on this line"),
        (2, "banned form '萬億' in the zh-Hant edition"),
    ]


def _converted(variant, source, glossary=None):
    from generator.chinese.convert import Converter
    from generator.check.lint import lintable

    conv = Converter(variant, glossary)
    return lint_text(lintable(conv.convert(source)), variant, "t.md", 1, source=source, converter=conv)


def test_hint_traditional_typed_in_the_simplified_source():
    [f] = lint_text("简体里混了這个字", "zh-Hans", "x", 1)
    assert f.kind == "typed"
    assert f.hint == "Traditional typed in the Simplified source: write '…里混了这个字'"


def test_hint_a_quoted_title_in_the_other_script_is_a_literal():
    [f] = lint_text("报道见《經濟日報》的文章", "zh-Hans", "x", 1)
    assert f.kind == "literal" and "[經濟日報]{lang=zh-Hant}" in f.hint and "经济日报" in f.hint


def test_hint_a_leak_running_on_from_a_literal():
    from generator.check.lint import lintable

    [f] = lint_text(lintable("见[經濟]{lang=zh-Hant}日報的文章"), "zh-Hans", "x", 1)
    assert f.kind == "literal" and "take '日報' into the [ ]{lang=…} span" in f.hint


def test_hint_a_glossary_form_with_a_simplified_character():
    from generator.model import Glossary, Term

    glossary = Glossary(terms=(Term({"zh-Hans": "防控", "zh-Hant": "防护"}),))
    [f] = _converted("zh-Hant", "第一行\n疫情防控要加强，防控不能松", glossary)
    assert (f.line, f.kind) == (2, "glossary-form")
    assert f.message.endswith("in '疫情防护要加強', 2 times on this line")
    assert f.hint.endswith("- {zh-Hans: 防控, zh-Hant: 防護}")


def test_hint_a_leak_made_by_the_conversion_itself():
    [f] = _converted("zh-Hant-HK", "苎麻布料很好")  # OpenCC writes 苧, Simplified-only in its own tables
    assert f.kind == "conversion" and "briefing check --review-conversion" in f.hint
    assert "- {zh-Hans: 苎麻布料, zh-Hant-HK: " in f.hint


def test_hint_without_the_source_suggests_a_glossary_entry():
    [f] = lint_text("第一行沒問題\n这一行", "zh-Hant", "x", 1)
    assert f.kind == "glossary" and "- {zh-Hans: 这一行, zh-Hant: 這一行}" in f.hint


def test_hint_a_label_typed_in_the_wrong_script():
    [f] = lint_text("目录", "zh-Hant", "strings/zh-Hant.yaml", 2, source="目录")
    assert f.kind == "typed" and f.hint.endswith("write '目錄'")


def test_lintable_keeps_the_lines_of_what_it_cuts_out():
    from generator.check.lint import lintable

    [f] = lint_text(lintable('好[@src "第一\n第二"]\n這'), "zh-Hans", "x", 1)
    assert f.line == 3


def test_the_lint_is_linear_on_a_large_input():
    """100k characters, leaks everywhere, every line different: no timing
    assertion, it just has to finish (the algorithm is linear by construction)."""
    text = "\n".join(f"第{i}行這裡後臺運行简体萬億" + "字" * 40 for i in range(2000))
    assert len(text) > 100_000
    findings = lint_text(text, "zh-Hans", "x", 1)
    assert len({f.line for f in findings}) == 2000


def test_the_shipped_briefing_has_no_findings_in_any_edition():
    """zh-Hans, zh-Hant and the Hong Kong edition, strict: a finding would raise."""
    report = check(ROOT / "content", strict=True, variants=["zh-Hans", "zh-Hant", "zh-Hant-HK"])
    assert [str(p) for p in report.diagnostics.problems] == []


def test_check_reports_a_leak_at_the_content_line_and_strict_fails(cli, content_copy, edit):
    line = edit(content_copy / "themes" / "01-code-red.md", "### 奥特曼的定性", "### 奥特曼的定性（這裡）")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 0
    assert f"01-code-red.md:{line}: warning: Traditional-only characters '這裡' in the zh-Hans edition" in result.stderr
    strict = cli(["check", "--content", content_copy, "--strict"])
    assert strict.exit_code == 1
    assert f"01-code-red.md:{line}: warning: Traditional-only characters '這裡'" in strict.stderr


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
