"""Provenance: every cited fragment must occur in the source it cites.

The source texts here are tests/fixtures/sources/{alpha,beta}.txt, written
for the tests (never the real articles): Simplified and Traditional, with
full-width digits, a line break inside a sentence, pinyin after characters
(標(biāo)題) and '*' for a removed word.
"""

from __future__ import annotations

import pytest

from pathlib import Path

from generator.build import check
from generator.diagnostics import BuildError
from generator.check.text import normalise


# -- normalisation -----------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("算力就是收入", "算力就是收入"),
    ("企业客户数量", "企業客戶數量"),                        # Traditional <-> Simplified
    ("约为1.4兆美元", "約為１.４兆美元"),                    # full width digits and point
    ("他说：“算力就是收入。”", "他說:「算力就是收入」"),       # punctuation width, quotation marks
    ("承诺约为1.4兆美元，另有报导", "承諾約為１.４兆美元，\n  另有報導"),  # a line break and indentation
    ("标题之外的细节", "標(biāo)題之外的細(xì)節(jié)"),     # pinyin after characters
    ("但并未公布", "但*並未公布"),                          # '*' for a removed word
    ("GPT-5 Pro", "gpt5pro"),                              # Latin case, spaces and hyphens
])
def test_normalised_forms_are_equal(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize("a, b", [
    ("算力就是收入", "算力不是收入"),
    ("1.4兆美元", "1.2兆美元"),
    ("一百万", "100万"),  # numerals are not interpreted: a locator is verbatim
])
def test_different_text_stays_different(a, b):
    assert normalise(a) != normalise(b)


# -- the check against the fixture sources -----------------------------------------------------

def problems(content, sources, strict=False) -> list[str]:
    with pytest.raises(BuildError) as exc:
        check(content, strict=strict, sources_dir=sources, variants=["zh-Hans"])
    return [str(p) for p in exc.value.diagnostics.sorted() if p.severity == "error" or strict]


def test_fixture_citations_all_verify(minimal, fixture_sources):
    report = check(minimal, strict=True, sources_dir=fixture_sources)
    assert report.provenance == {"checked": 17, "failed": 0, "quotes": 1, "figures": 4}
    assert report.diagnostics.problems == []


@pytest.mark.parametrize("locator", [
    "標(biāo)題之外",             # pinyin noise, copied as it stands in the source
    "标题之外的细节",               # the same, as an editor would type it
    "基礎設施承諾約為１.４兆美元，另有報導",  # across the source's line break, full-width digits
    "基础设施承诺约为1.4兆美元",     # Simplified for a Traditional source
    "但*並未公布付費比例",
    "企业客户数量已“超过一百万”",   # “ ” for 「 」
])
def test_noisy_locators_verify(minimal, fixture_sources, edit, locator):
    edit(minimal / "themes/02-customers.md", '[@beta "並未公布付費比例"]', f'[@beta "{locator}"]')
    report = check(minimal, strict=True, sources_dir=fixture_sources)
    assert report.provenance["failed"] == 0


def test_citation_that_does_not_verify_names_file_and_line(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "themes/01-compute.md", '[@alpha "其中一半用于推理"]', '[@alpha "其中三成用于推理"]')
    monkeypatch.chdir(minimal.parent)
    assert problems("content", fixture_sources) == [
        f"content/themes/01-compute.md:{line}: error: cited fragment \"其中三成用于推理\" does not occur in source "
        "'alpha' (copy the fragment verbatim from the source text)"]


def test_fragment_from_the_wrong_source_says_which_one_has_it(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "themes/02-customers.md", '[@beta "並未公布付費比例"]', '[@alpha "並未公布付費比例"]')
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert f"content/themes/02-customers.md:{line}: error: cited fragment \"並未公布付費比例\" does not occur in " \
           "source 'alpha' (it occurs in beta: cite that source)" in errors


def test_number_locator_is_checked_at_its_line(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "numbers.yaml", '{source: alpha, locator: "投入约1.4万亿美元"}',
                '{source: alpha, locator: "投入约1.5万亿美元"}')
    monkeypatch.chdir(minimal.parent)
    assert problems("content", fixture_sources) == [
        f"content/numbers.yaml:{line}: error: cited fragment \"投入约1.5万亿美元\" does not occur in source 'alpha' "
        "(copy the fragment verbatim from the source text)"]


def test_question_locator_is_checked_at_its_line(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "questions.yaml", 'locator: "並未公布付費比例"', 'locator: "並未公布用戶比例"')
    monkeypatch.chdir(minimal.parent)
    assert problems("content", fixture_sources) == [
        f"content/questions.yaml:{line}: error: cited fragment \"並未公布用戶比例\" does not occur in source 'beta' "
        "(copy the fragment verbatim from the source text)"]


def test_missing_source_file(minimal, fixture_sources, tmp_path, monkeypatch):
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(fixture_sources, sources)
    (sources / "beta.txt").unlink()
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", sources)
    assert errors[0] == (f"content/sources.yaml:12: error: source 'beta': file beta.txt not found in {sources} "
                         "(check 'file' or the --sources directory)")


def test_missing_sources_directory(minimal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems("content", "no-such-dir") == [
        "no-such-dir: error: sources directory not found (pass --sources DIR with the source article texts)"]


# -- unsourced claims: warnings, errors under --strict -----------------------------------------

def test_unsourced_claim_is_an_error_under_strict(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "themes/02-customers.md", "::: assessment\n", "付费客户很多。\n\n::: assessment\n")
    monkeypatch.chdir(minimal.parent)
    report = check("content", sources_dir=fixture_sources)  # lenient: a warning, the check passes
    assert [str(p) for p in report.diagnostics.sorted()] == [
        f"content/themes/02-customers.md:{line}: warning: claim without a source: add a citation like [@alpha \"verbatim fragment\"]"]
    assert problems("content", fixture_sources, strict=True) == [
        f"content/themes/02-customers.md:{line}: warning: claim without a source: add a citation like [@alpha \"verbatim fragment\"]"]


def test_every_list_item_needs_its_own_citation(minimal, edit, monkeypatch):
    line = edit(minimal / "themes/01-compute.md", "- 其中一半用于推理[@alpha \"其中一半用于推理\"]。",
                "- 其中一半用于推理[@alpha \"其中一半用于推理\"]。\n- 另一半用于训练。")
    monkeypatch.chdir(minimal.parent)
    assert problems("content", None, strict=True) == [
        f"content/themes/01-compute.md:{line + 1}: warning: claim without a source: add a citation like [@alpha \"verbatim fragment\"]"]


def test_a_figure_or_quote_needs_a_locator(minimal, edit, monkeypatch):
    line = edit(minimal / "themes/02-customers.md", "::: assessment\n",
                "李明说“算力就是收入”[@alpha]。\n\n::: assessment\n")
    monkeypatch.chdir(minimal.parent)
    assert problems("content", None, strict=True) == [
        f"content/themes/02-customers.md:{line}: warning: a quote or figure needs a locator: "
        "[@source \"verbatim fragment\"]"]


def test_conflict_block_must_cite_both_sides(minimal, edit, monkeypatch):
    line = edit(minimal / "themes/01-compute.md", "；纪要只给出约数[@alpha \"投入约1.4万亿美元\"]", "")
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", None, strict=True)
    assert f"content/themes/01-compute.md:{line - 1}: warning: a conflict block must cite each side: at least " \
           "two different sources, found 1" in errors


def test_line_numbers_survive_extra_blank_lines(minimal, edit, monkeypatch):
    """Paragraphs separated by more than one blank line: the finding still
    points at the paragraph's own line."""
    line = edit(minimal / "themes/02-customers.md", "::: assessment\n",
                "\n\n\n付费客户很多。\n\n\n另一句也没有出处。\n\n::: assessment\n")
    monkeypatch.chdir(minimal.parent)
    assert problems("content", None, strict=True) == [
        f"content/themes/02-customers.md:{line + 3}: warning: claim without a source: add a citation like [@alpha \"verbatim fragment\"]",
        f"content/themes/02-customers.md:{line + 6}: warning: claim without a source: add a citation like [@alpha \"verbatim fragment\"]",
    ]


# -- quotations: the words in quotation marks are the cited source's words ------------------

from generator.check.text import quoted_spans  # noqa: E402

QUOTE_LINE = '首席执行官李明说“算力就是收入”[@alpha "算力就是收入"; @beta "算力就是收入"]。'


def test_a_quotation_that_is_not_the_sources_words_is_an_error(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "themes/01-compute.md", "说“算力就是收入”", "说“算力决定收入的上限”")
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1
    assert errors[0].startswith(f"content/themes/01-compute.md:{line}: error: quoted “算力决定收入的上限” is not what "
                                "the cited source says near [@alpha \"算力就是收入\"]; the source there: "
                                "示例科技首席执行官李明在12月18日的采访中说：“算力就是收入。”")
    assert errors[0].endswith("(quote the source's own words, or drop the quotation marks (a paraphrase))")


def test_the_same_words_without_quotation_marks_are_a_paraphrase(minimal, fixture_sources, edit):
    edit(minimal / "themes/01-compute.md", "说“算力就是收入”", "说算力决定收入的上限")
    assert check(minimal, strict=True, sources_dir=fixture_sources).provenance["quotes"] == 0


def test_a_quotation_in_a_traditional_source_verifies_from_simplified(minimal, fixture_sources, edit):
    # the words stand in the paragraph next to the cited fragment's (the source breaks the sentence)
    edit(minimal / "themes/01-compute.md", QUOTE_LINE,
         '报道称“公司在未来五年的基础设施承诺约为”多少仍有出入[@beta "另有報導稱該數字"]。')
    report = check(minimal, strict=True, sources_dir=fixture_sources)
    assert report.provenance["quotes"] == 1 and report.diagnostics.errors == []


def test_words_said_elsewhere_in_the_source_must_cite_where(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "themes/01-compute.md", QUOTE_LINE,
                '李明说“新一代助手将在2026年第一季度上线”[@alpha "算力就是收入"]。')
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1 and errors[0].startswith(f"content/themes/01-compute.md:{line}: error: quoted "
                                                     "“新一代助手将在2026年第一季度上线” is not what the cited source says")
    assert errors[0].endswith("(the words stand elsewhere in 'alpha': cite the fragment where they are said)")


def test_a_quotation_holds_to_the_citations_of_its_own_sentence(minimal, fixture_sources, edit, monkeypatch):
    # sentence 1 quotes alpha's words but cites beta, whose text does not have them; sentence 2 cites alpha
    line = edit(minimal / "themes/01-compute.md", QUOTE_LINE,
                '李明说“公司计划在未来五年投入”[@beta "算力就是收入"]。他又说算力就是收入[@alpha "算力就是收入"]。')
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1 and f"01-compute.md:{line}: error: quoted “公司计划在未来五年投入”" in errors[0]
    assert "(the words stand in alpha: cite where the speaker says them)" in errors[0]


def test_a_machine_digest_quotes_nobody(minimal, fixture_sources, edit, monkeypatch):
    edit(minimal / "sources.yaml", "kind: long-form", "kind: machine-digest")  # alpha
    line = edit(minimal / "themes/01-compute.md", QUOTE_LINE,
                '李明说“公司计划在未来五年投入约1.4万亿美元”[@alpha "投入约1.4万亿美元"]。')
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert errors == [f"content/themes/01-compute.md:{line}: error: “公司计划在未来五年投入约1.4万亿美元” is quoted "
                      "from a machine-written digest, which quotes nobody (cite where the speaker says these words, "
                      "or drop the quotation marks (a paraphrase))"]


@pytest.mark.parametrize("sentence, ok", [
    ("投入规模可信，“算力就是收入”仍待验证。", True),    # a term the sources use, no citation: fine
    ("投入规模可信，但“回报为时尚早”。", False),         # our own words in quotation marks
    ("投入规模可信，详见“观察指标”。", True),            # a section of the edition, by its label
])
def test_a_quotation_without_citation_must_be_a_sources_words(minimal, fixture_sources, edit, monkeypatch,
                                                                 sentence, ok):
    line = edit(minimal / "themes/01-compute.md", "投入规模可信，但回报取决于需求。", sentence)
    monkeypatch.chdir(minimal.parent)
    if ok:
        assert check("content", strict=True, sources_dir=fixture_sources).diagnostics.errors == []
    else:
        assert problems("content", fixture_sources) == [
            f"content/themes/01-compute.md:{line}: error: “回报为时尚早” is in quotation marks but is not the words "
            "of any source (quote a source's words and cite it, or drop the quotation marks (a paraphrase))"]


def test_a_quotation_in_a_yaml_field_is_checked(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "summary.yaml", "bottom_line:\n  - ", "bottom_line:\n  - 李明称“算力是一切的根本”[@alpha \"算力就是收入\"]。")
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1 and errors[0].startswith(f"content/summary.yaml:{line + 1}: error: quoted “算力是一切的根本”")


@pytest.mark.parametrize("text, spans", [
    ("他说“甲乙”。又说「丙丁」！", [("甲乙", 0), ("丙丁", 1)]),
    ("“句中。有句号”之后[@a \"x\"]。", [("句中。有句号", 0)]),
    ("未闭合的“引号" + "“" * 50000, []),
    ("”先闭后开“", []),
])
def test_quoted_spans(text, spans):
    assert quoted_spans(text) == spans


# -- figures: a key number's value stands where its citations point ------------------------

from generator.check.figures import figure_forms  # noqa: E402


def test_a_figure_cited_to_a_source_that_does_not_give_it_is_an_error(minimal, fixture_sources, edit, monkeypatch):
    line = edit(minimal / "numbers.yaml", '{source: alpha, locator: "投入约1.4万亿美元"}',
                '{source: beta, locator: "並未公布付費比例"}')
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert [e for e in errors if "is not in the text its citations point to" in e] == [
        f"content/numbers.yaml:{line}: error: key number 'infra-commitment': the figure 1.4 is not in the text its "
        "citations point to ('beta' near \"並未公布付費比例\") (cite the fragment that gives the figure, or correct "
        "the value)"]


def test_the_fixture_figures_verify(minimal, fixture_sources):
    report = check(minimal, strict=True, sources_dir=fixture_sources)
    assert report.provenance["figures"] >= 3 and report.diagnostics.errors == []


@pytest.mark.parametrize("value, scale, kind, as_of, written", [
    (500, "million", "quantity", "", "5"),        # 500 million as 5亿
    (1.4, "trillion", "money", "", "14"),         # 1.4万亿 (normalised: no point)
    (14000, "hundred-million", "money", "", "14"),  # 14000亿 = 1.4万亿
    (2, "", "quantity", "", "两"),                 # 两年
    (3, "", "multiple", "", "三"),                 # 翻了三倍
    (30, "", "quantity", "", "三十"),
    (2026, "", "year", "2025-12-18", "明年"),      # a year said relative to when it was said
    (2025, "", "year", "2025-12-18", "今年"),
])
def test_figure_forms(value, scale, kind, as_of, written):
    assert all(written in forms or True for forms in figure_forms(value, scale, kind, as_of))
    assert any(written in forms for forms in figure_forms(value, scale, kind, as_of))


def test_a_year_in_words_holds_only_for_its_own_year():
    assert not any("明年" in f for f in figure_forms(2027, "", "year", "2025-12-18"))


# -- unquotable parts of a source: a summary is nobody's words ------------------------------

BETA_NOTE = "  note: 测试用的繁体来源，带有拼音噪声。\n"


def test_words_that_stand_only_in_an_unquotable_part_are_no_quotation(minimal, fixture_sources, edit, monkeypatch):
    edit(minimal / "sources.yaml", BETA_NOTE, BETA_NOTE + '  unquotable:\n    - {from: "示例科技執行長談擴張", to: "執行長李明在訪談中"}\n')
    line = edit(minimal / "themes/01-compute.md", QUOTE_LINE,
                '报道称李明谈到“标题之外的细节”[@beta "標(biāo)題之外"]。')
    monkeypatch.chdir(minimal.parent)
    assert problems("content", fixture_sources) == [
        f"content/themes/01-compute.md:{line}: error: quoted “标题之外的细节” stands only in an unquotable part of "
        "'beta' (a summary, not anyone's words) (quote the words where the speaker says them (the transcript), or "
        "drop the quotation marks)"]


def test_the_same_words_cited_without_quotation_marks_pass(minimal, fixture_sources, edit):
    edit(minimal / "sources.yaml", BETA_NOTE, BETA_NOTE + '  unquotable:\n    - {from: "示例科技執行長談擴張", to: "執行長李明在訪談中"}\n')
    edit(minimal / "themes/01-compute.md", QUOTE_LINE, '报道的标题之外另有细节[@beta "標(biāo)題之外"]。')
    assert check(minimal, strict=True, sources_dir=fixture_sources).diagnostics.errors == []


@pytest.mark.parametrize("part, message", [
    ('{from: "不在来源里的话"}', "source 'beta': the unquotable part \"不在来源里的话\" is not in the source"),
    ('{from: "執行長李明在訪談中", to: "示例科技執行長談擴張"}', "is not in the source (or ends before it begins)"),
])
def test_an_unquotable_part_that_is_not_in_the_source_is_an_error(minimal, fixture_sources, edit, monkeypatch,
                                                                  part, message):
    line = edit(minimal / "sources.yaml", BETA_NOTE, BETA_NOTE + f"  unquotable:\n    - {part}\n")
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1 and errors[0].startswith(f"content/sources.yaml:{line + 2}: error: ") and message in errors[0]


@pytest.mark.parametrize("value", ["not-a-list", "[{to: 甲}]", "[{from: 甲, until: 乙}]", "[{from: ''}]"])
def test_a_malformed_unquotable_list_is_a_located_error(minimal, edit, monkeypatch, value):
    line = edit(minimal / "sources.yaml", BETA_NOTE, BETA_NOTE + f"  unquotable: {value}\n")
    monkeypatch.chdir(minimal.parent)
    with pytest.raises(BuildError) as exc:
        check("content", variants=["zh-Hans"])
    assert any(f"content/sources.yaml:{line + 1}:" in str(p) and "unquotable" in str(p)
               for p in exc.value.diagnostics.errors)


# -- speech: quoted words are someone's words in the source, and the right person's ----------

from generator.check import speech  # noqa: E402

GAMMA = ("\n- id: gamma\n  file: gamma.txt\n  short: 播客\n  title: 示例科技播客第十二期\n  outlet: 示例播客\n"
         "  date: 2025-12-20\n  script: zh-Hans\n  kind: commentary\n  reliability: medium\n  note: 测试用的播客文字稿。\n")
SPEAKERS = "  speakers:\n    王芳: [王芳, 主持人]\n    陈立: 陈立\n"


def _with_gamma(minimal, speakers=SPEAKERS):
    with open(minimal / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(GAMMA + speakers)
    theme = minimal / "themes/01-compute.md"
    theme.write_text(theme.read_text(encoding="utf-8").replace("sources: [alpha, beta]", "sources: [alpha, beta, gamma]"),
                     encoding="utf-8")


def test_speech_in_a_source():
    lines = ["一篇报道的开头，记者写道这是叙述。", "他说“这是原话”，又说「另一句」，还提到OpenAI‘s 产品‘引号’。",
             "人话就是：这是作者的冒号。", "未闭合的“引到行尾"]
    assert [(s.line, s.words, s.speaker) for s in speech.speech(lines)] == [
        (1, "这是原话", ""), (1, "另一句", ""), (1, "引号", ""), (3, "引到行尾", "")]


def test_speech_in_a_transcript():
    lines = ["开场白是叙述。", "甲：第一句。", "乙：他说过“别人的话”。", "甲：第二句。", "接着说的话。", "## 下一章",
             "无人标注的一段。", "甲：最后。", "丙：只说一次的人也是说话人。"]
    assert [(s.line, s.words, s.speaker) for s in speech.speech(lines)] == [
        (1, "第一句。", "甲"), (2, "他说过“别人的话”。", "乙"), (2, "别人的话", ""), (3, "第二句。", "甲"),
        (4, "接着说的话。", "甲"), (6, "无人标注的一段。", ""), (7, "最后。", "甲"),
        (8, "只说一次的人也是说话人。", "丙")]


def test_speech_scan_is_linear_on_hostile_text():
    lines = ["“" * 200_000, "甲：" * 100_000, "‘a" * 100_000]
    assert len(speech.speech(lines)) == 2  # each unclosed run quotes to the end of its line


@pytest.mark.parametrize("sentence, message", [
    # narration of the source (the host's opening) quoted as a person's words
    ('李明说“供电才是真正的瓶颈所在”[@gamma "供电才是真正的瓶颈所在"]。',
     "quoted “供电才是真正的瓶颈所在” is the narration of 'gamma', not anyone's quoted words there"),
    # a short clause after a reporting verb is speech too
    ('节目开头，李明答“真正的瓶颈”[@gamma "供电才是真正的瓶颈所在"]。',
     "quoted “真正的瓶颈” is the narration of 'gamma', not anyone's quoted words there"),
    # a turn's words given to the other speaker
    ('陈立说“今天我们聊示例科技的数据中心”[@gamma "今天我们聊示例科技的数据中心"]。',
     "quoted “今天我们聊示例科技的数据中心” is said by 王芳 in 'gamma' (the turns labelled 王芳), but the sentence "
     "gives it to 陈立"),
    # the quoting clause names the wrong person even though the sentence names the right one earlier
    ('王芳开场后，陈立接着说“今天我们聊示例科技的数据中心”[@gamma "今天我们聊示例科技的数据中心"]。',
     "is said by 王芳 in 'gamma'"),
])
def test_words_must_be_the_named_persons_speech(minimal, fixture_sources, edit, monkeypatch, sentence, message):
    _with_gamma(minimal)
    line = edit(minimal / "themes/01-compute.md", QUOTE_LINE, sentence)
    monkeypatch.chdir(minimal.parent)
    errors = problems("content", fixture_sources)
    assert len(errors) == 1 and errors[0].startswith(f"content/themes/01-compute.md:{line}: error: ")
    assert message in errors[0]


@pytest.mark.parametrize("sentence", [
    '分析师陈立说“明年很可能会放缓”[@gamma "明年很可能会放缓"]。',                       # his own turn
    '主持人称“今天我们聊示例科技的数据中心”[@gamma "今天我们聊示例科技的数据中心"]。',     # another name of hers
    '据主持人转述，李明说过“我们绝不会放慢建设速度”[@gamma "我们绝不会放慢建设速度"]。',  # words quoted in a turn
    '他说“客户增长确实很快”[@gamma "客户增长确实很快"]。',                               # unlabelled after a heading
    '播客称“供电才是真正的瓶颈所在”[@gamma "供电才是真正的瓶颈所在"]。',                 # the source's own words
    '这期播客写道“供电才是真正的瓶颈所在”[@gamma "供电才是真正的瓶颈所在"]。',           # ... named, then a verb
    '陈立提醒“瓶颈”仍在供电[@gamma "供电才是真正的瓶颈所在"]。',                          # a term, no reporting verb
])
def test_speech_that_holds(minimal, fixture_sources, edit, sentence):
    _with_gamma(minimal)
    edit(minimal / "themes/01-compute.md", QUOTE_LINE, sentence)
    assert check(minimal, strict=True, sources_dir=fixture_sources).diagnostics.errors == []


def test_without_declared_speakers_only_speech_is_checked(minimal, fixture_sources, edit):
    _with_gamma(minimal, speakers="")
    edit(minimal / "themes/01-compute.md", QUOTE_LINE,
         '陈立说“今天我们聊示例科技的数据中心”[@gamma "今天我们聊示例科技的数据中心"]。')
    assert check(minimal, strict=True, sources_dir=fixture_sources).diagnostics.errors == []


@pytest.mark.parametrize("value", ["[王芳]", "{王芳: []}", "{王芳: [\"\"]}", "{王芳: {a: b}}"])
def test_a_malformed_speakers_map_is_a_located_error(minimal, monkeypatch, value):
    _with_gamma(minimal, speakers=f"  speakers: {value}\n")
    monkeypatch.chdir(minimal.parent)
    errors = [e for e in problems("content", None) if "speakers" in e]
    assert len(errors) == 1 and errors[0].startswith("content/sources.yaml:") and "maps a transcript's speaker" in errors[0]


# -- explanations: a reason no source gives is our hypothesis, and says so -------------------

REASON = "两篇报道的日期相差一天，应是发布日与录制日之别。"
REASON_WARNING = ("warning: a reason given as fact without a source (应是 in “两篇报道的日期相差一天，应是发布日与录制日之别。”) "
                  "(cite the source that gives this reason, or say it is our inference (我们推测……，可能……))")


@pytest.mark.parametrize("where, old, new", [
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + REASON),                       # after a cited sentence
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE.replace("。", "。" + REASON.replace("应是", "因为这是"))),
    ("sources.yaml", "note: 测试用的简体来源。", "note: 测试用的简体来源。" + REASON),   # a source's note
    ("summary.yaml", "bottom_line:\n  - ", "bottom_line:\n  - " + REASON),
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + "兩篇報導的日期相差一天，應是發布日與錄製日之別。"),  # Traditional
])
def test_a_reason_without_a_source_is_flagged(minimal, edit, monkeypatch, where, old, new):
    line = edit(minimal / where, old, new) + (1 if where == "summary.yaml" else 0)
    monkeypatch.chdir(minimal.parent)
    found = [p for p in problems("content", None, strict=True) if "a reason given as fact" in p]
    assert len(found) == 1 and found[0].startswith(f"content/{where}:{line}: warning: a reason given as fact")
    if "應是" not in new and "因为这是" not in new:
        assert found[0] == f"content/{where}:{line}: {REASON_WARNING}"


def test_a_reason_in_a_desk_written_in_traditional_is_named_in_its_script(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "taipei-transit" / "content", content)
    body = sorted((content / "themes").glob("*.md"))[0]
    text = body.read_text(encoding="utf-8")
    at = text.index("::: assessment")
    body.write_text(text[:at] + "延誤是因為號誌故障。\n\n" + text[at:], encoding="utf-8")
    found = [str(p) for p in check(content, variants=["zh-Hant"]).diagnostics.problems if "a reason given" in str(p)]
    assert len(found) == 1 and "(因為 in 「延誤是因為號誌故障。」)" in found[0] and "我們推測" in found[0], found


@pytest.mark.parametrize("where, old, new", [
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + "两篇报道的日期相差一天，我们推测可能是发布日与录制日之别。"),
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + '日期相差一天，应是发布日与录制日之别[@alpha "算力就是收入"]。'),
    ("themes/01-compute.md", "投入规模可信，但回报取决于需求。", "投入规模可信，因为需求仍在增长。"),  # our assessment
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + "他把“因为需求太大”当作理由。"),  # the reason is his, quoted
    ("themes/01-compute.md", QUOTE_LINE, QUOTE_LINE + "市场反应是观望，供应为三家。"),  # 反应|是, 供应|为: no inference
])
def test_a_sourced_or_hedged_reason_passes(minimal, edit, where, old, new):
    edit(minimal / where, old, new)
    assert check(minimal, strict=True, variants=["zh-Hans"]).diagnostics.problems == []


def test_a_desk_writing_in_traditional_sees_its_quotation_in_its_own_marks(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "taipei-transit" / "content", content)
    body = sorted((content / "themes").glob("*.md"))[0]
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("::: assessment\n", "::: assessment\n我們稱之為「通勤新常態」。\n", 1), encoding="utf-8")
    sources = Path(__file__).parent / "fixtures" / "taipei-transit" / "sources"
    with pytest.raises(BuildError) as failed:
        check(content, strict=True, sources_dir=sources)
    found = [str(p) for p in failed.value.diagnostics.problems if "quotation marks" in str(p)]
    assert len(found) == 1 and "「通勤新常態」 is in quotation marks but is not the words of any source" in found[0]
