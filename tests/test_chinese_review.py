"""Conversion review: `briefing check --review-conversion` lists every phrase
substitution OpenCC's Taiwan phrase layer made beyond the character mapping,
with its location; `--confirm` records them in content/conversion-review.yaml
so that later runs show only new ones; a glossary guard removes a word from
the review altogether."""

from __future__ import annotations

from pathlib import Path

from generator.chinese.convert import Converter
from generator.chinese.differences import phrase_changes
from generator.load.glossary import load_glossary
from generator.diagnostics import Diagnostics

ROOT = Path(__file__).resolve().parent.parent


def changes(text: str, glossary=None) -> list[tuple[str, str, str, int]]:
    return [(c.source, c.characters, c.phrase, c.line) for c in phrase_changes(Converter("zh-Hant", glossary), text)]


def test_phrase_changes_are_the_phrase_layer_only():
    """程序 -> 程式 and 窗口 -> 視窗 are phrase substitutions; 里 -> 裡 and
    软 -> 軟 are the character mapping and are not listed."""
    assert changes("他在程序里调用窗口\n我们的软件") == [
        ("程序", "程序", "程式", 0), ("调用", "調用", "呼叫", 0), ("窗口", "窗口", "視窗", 0), ("软件", "軟件", "軟體", 1),
    ]


def test_a_glossary_guard_takes_a_word_out_of_the_review():
    glossary = load_glossary(Diagnostics(), ROOT / "content" / "glossary.yaml")
    assert changes("我们支持发布会", None) == [("支持", "支持", "支援", 0), ("发布", "發佈", "釋出", 0)]
    assert changes("我们支持发布会", glossary) == []


def test_the_shipped_content_has_no_unreviewed_substitution(cli):
    result = cli(["check", "--content", ROOT / "content", "--review-conversion"])
    assert result.exit_code == 0, result.stderr
    assert "conversion review: 0 unconfirmed phrase substitution(s)" in result.output


def test_review_lists_new_substitutions_and_confirm_records_them(cli, content_copy, edit):
    theme = content_copy / "themes" / "01-code-red.md"
    line = edit(theme, "### 奥特曼的定性", "### 奥特曼的定性与打印机")
    record = content_copy / "conversion-review.yaml"
    before = record.read_text(encoding="utf-8")

    listed = cli(["check", "--content", content_copy, "--review-conversion"])
    assert listed.exit_code == 0, listed.stderr
    assert f"01-code-red.md:{line}: zh-Hant: 打印机 → 印表機 (characters alone: 打印機)" in listed.output
    assert "1 unconfirmed phrase substitution(s)" in listed.output
    assert record.read_text(encoding="utf-8") == before  # listing writes nothing

    confirmed = cli(["check", "--content", content_copy, "--review-conversion", "--confirm"])
    assert "recorded 1 substitution(s) as reviewed" in confirmed.output
    assert "  - {zh-Hans: 打印机, opencc: 印表機}" in record.read_text(encoding="utf-8")

    again = cli(["check", "--content", content_copy, "--review-conversion"])
    assert "打印机" not in again.output
    assert "0 unconfirmed phrase substitution(s)" in again.output


def test_a_broken_record_is_reported_at_its_line(cli, content_copy):
    record = content_copy / "conversion-review.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "zh-TW:\n  - {zh-Hans: 软件, opencc: 軟體}\n",
                      encoding="utf-8")
    line = record.read_text(encoding="utf-8").count("\n") - 1
    result = cli(["check", "--content", content_copy, "--review-conversion"])
    assert result.exit_code == 1
    assert f"conversion-review.yaml:{line}: error: unknown variant 'zh-TW'" in result.stderr


def test_confirm_needs_review_conversion(cli):
    result = cli(["check", "--content", ROOT / "content", "--confirm"])
    assert result.exit_code == 2
    assert "--confirm only goes with --review-conversion" in result.output + result.stderr
