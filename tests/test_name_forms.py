"""One name, one form (issue 16: one person under two names in one Simplified
edition): a person, organisation or product of the briefing's glossary
written in another variant's form is a warning at its line, in either
written script; quotations, literals and Latin names pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import check
from generator.diagnostics import BuildError

ROOT = Path(__file__).resolve().parent.parent
MERKEL = "  - {zh-Hans: 默克尔, zh-Hant: 梅克爾, en: Merkel, category: person}\n"
GOOGLE = "  - {zh-Hans: 谷歌, zh-Hant: Google, en: Google, category: org}\n"
BODY = "投入规模可信，但回报取决于需求。"


def warnings(content) -> list[str]:
    with pytest.raises(BuildError) as exc:
        check(content, strict=True, variants=["zh-Hans"])
    problems = exc.value.diagnostics.sorted()
    assert not [p for p in problems if p.severity == "error"]
    return [str(p) for p in problems if "one name, one form" in p.message]


def _glossary(content: Path, *entries: str) -> None:
    path = content / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("terms:\n", "terms:\n" + "".join(entries), 1),
                    encoding="utf-8")


def test_another_variants_form_in_the_written_text_is_flagged(minimal, edit, monkeypatch):
    _glossary(minimal, MERKEL)
    line = edit(minimal / "themes/01-compute.md", BODY, "投入规模可信，默克尔说过，梅克尔也说过。")
    monkeypatch.chdir(minimal.parent)
    assert warnings("content") == [
        f"content/themes/01-compute.md:{line}: warning: '梅克尔' is the zh-Hant form of Merkel (glossary line 2); this "
        "briefing writes '默克尔': one name, one form in each edition (write '默克尔': each edition turns it into its "
        "own form)"]


def test_in_a_yaml_field_too(minimal, edit, monkeypatch):
    _glossary(minimal, MERKEL)
    edit(minimal / "sources.yaml", "note: 测试用的简体来源。", "note: 测试用的简体来源，提到梅克尔。")
    monkeypatch.chdir(minimal.parent)
    found = warnings("content")
    assert len(found) == 1 and found[0].startswith("content/sources.yaml:10: warning: '梅克尔'")


@pytest.mark.parametrize("sentence", [
    "投入规模可信，报道写作“梅克尔曾说”。",            # a quotation keeps its source's words
    "投入规模可信，台湾写作[梅克爾]{lang=zh-Hant}。",   # a literal: the word as a word
    "投入规模可信，谷歌（Google）也在投入。",        # a Latin form is the name itself
    "投入规模可信，默克尔也这样看。",
])
def test_what_passes(minimal, edit, sentence):
    _glossary(minimal, MERKEL, GOOGLE)
    edit(minimal / "themes/01-compute.md", BODY, sentence)
    assert check(minimal, strict=True, variants=["zh-Hans"]).diagnostics.problems == []


def test_the_house_glossary_is_not_read(minimal, edit):
    """雷朋 is Le Pen in the house layer's Taiwan form and Ray-Ban in a Shanghai text."""
    edit(minimal / "themes/01-compute.md", BODY, "投入规模可信，雷朋眼镜也在试。")
    assert check(minimal, strict=True, variants=["zh-Hans"]).diagnostics.problems == []


def test_written_in_traditional_the_simplified_form_is_the_stray(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests/fixtures/taipei-transit/content", content)
    _glossary(content, "  - {zh-Hans: 悉尼, zh-Hant: 雪梨, en: Sydney, category: term}\n",  # a term: not read
              "  - {zh-Hans: 扎克伯格, zh-Hant: 祖克柏, en: Zuckerberg, category: person}\n")
    theme = sorted((content / "themes").glob("*.md"))[0]
    text = theme.read_text(encoding="utf-8")
    body = text.index("\n---\n") + 5
    theme.write_text(text[:body] + "\n祖克柏之外，扎克伯格一名也見於報導，悉尼亦然。\n" + text[body:], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = warnings("content")
    assert len(found) == 1 and "'扎克伯格' is the zh-Hans form of Zuckerberg" in found[0]
    assert "this briefing writes '祖克柏'" in found[0]
