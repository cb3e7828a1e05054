"""No internal id in what readers read (issue 16): an id of a theme, key
number, question, source or judgment typed into prose is an error at its
line, in theme bodies, YAML text fields and the back matter; ids inside
citations, number references, literals, code, URLs and quotations are not
reading text and pass."""

from __future__ import annotations

import pytest

from generator.build import check
from generator.diagnostics import BuildError
from generator.load.duplicates import content_ids, find_ids

BODY = "投入规模可信，但回报取决于需求。"


def errors(content) -> list[str]:
    with pytest.raises(BuildError) as exc:
        check(content, variants=["zh-Hans"])
    return [str(p) for p in exc.value.diagnostics.sorted() if p.severity == "error"]


@pytest.mark.parametrize("sentence, found, what", [
    ("投入规模可信（见 infra-commitment）。", "infra-commitment", "key number"),
    ("投入规模可信，与commitment-reported同源。", "commitment-reported", "key number"),
    ("投入规模可信，详见 q-demand。", "q-demand", "question"),
    ("投入规模可信，alpha 的说法更早。", "alpha", "source"),
    ("投入规模可信，见判断 more-compute。", "more-compute", "judgment"),
    ("投入规模可信，见 compute 一节。", "compute", "theme"),
])
def test_an_id_in_a_theme_body_is_an_error_at_its_line(minimal, edit, monkeypatch, sentence, found, what):
    line = edit(minimal / "themes/01-compute.md", BODY, sentence)
    monkeypatch.chdir(minimal.parent)
    hint = f", or write [[num:{found}]] for its figure)" if what == "key number" else ")"
    assert [e for e in errors("content") if "readers would see it" in e] == [
        f"content/themes/01-compute.md:{line}: error: '{found}' is the id of a {what}: readers would see it as it "
        f"stands (say it in words{hint}"]


def test_every_kind_of_id_is_known(minimal):
    from generator.load.content import load_content

    ids = content_ids(load_content(minimal))
    assert {ids[i] for i in ("infra-commitment", "q-demand", "alpha", "more-compute", "compute")} == {
        "key number", "question", "source", "judgment", "theme"}


def test_an_id_in_a_yaml_field_is_an_error(minimal, edit, monkeypatch):
    line = edit(minimal / "questions.yaml", "why: 投入的回报取决于需求。", "why: 投入的回报取决于需求（见 infra-commitment）。")
    monkeypatch.chdir(minimal.parent)
    assert any(e.startswith(f"content/questions.yaml:{line}: error: 'infra-commitment' is the id of a key number")
               for e in errors("content"))


@pytest.mark.parametrize("text", [
    "投入[[num:infra-commitment]]建设数据中心",        # a number reference renders the figure
    '其中一半用于推理[@alpha "其中一半用于推理"]',       # a citation
    "代号 `infra-commitment` 的记录",                  # inline code
    "见 https://example.org/infra-commitment 的说明",  # a URL
    "他称之为“compute”",                               # a quotation: the speaker's words
    "[compute]{lang=en} 一词",                         # a language-tagged literal
    "Compute 与 ALPHA",                                # other case: not the id
    "infra-commitments 与 pre-alpha",                  # part of another word
])
def test_what_is_not_reading_text_passes(text):
    ids = {"infra-commitment": "key number", "alpha": "source", "compute": "theme"}
    assert find_ids(text, ids) == []


def test_the_fixture_has_none(minimal):
    assert check(minimal, variants=["zh-Hans"]).diagnostics.errors == []
