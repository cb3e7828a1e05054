"""Punctuation and width conventions applied by the converter: “ ” ‘ ’ become
「 」 『 』 in the Traditional editions; half-width/full-width is normalised
in every edition (Latin and digits half-width, Chinese punctuation
full-width), never inside protected spans, never across a line break."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.chinese.convert import Converter
from generator.chinese.typography import normalise_width
from generator.load.glossary import load_glossary
from generator.diagnostics import Diagnostics

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(Diagnostics(), CONTENT / "glossary.yaml")


@pytest.mark.parametrize("variant, source, expected", [
    ("zh-Hant", "他说“算力就是一切”", "他說「算力就是一切」"),
    ("zh-Hant", "“外层‘内层’外层”", "「外層『內層』外層」"),
    ("zh-Hant-HK", "他说“好”", "他説「好」"),
    ("zh-Hans", "他说“好”", "他说“好”"),                      # the mainland keeps “ ”
    ("zh-Hant", "OpenAI’s “Code Red”", "OpenAI’s 「Code Red」"),  # an apostrophe in a word stays
    ("zh-Hant", '据说[@longform "他说“好”"]', '據說[@longform "他说“好”"]'),  # a locator is verbatim
])
def test_quotation_marks(glossary, variant, source, expected):
    assert Converter(variant, glossary).convert(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("他说,今天好!对吗?", "他说，今天好！对吗？"),
    ("时间: 12:30", "时间：12:30"),
    ("“红色警报”,持续", "“红色警报”，持续"),
    ("太差了!!!千万别买?!", "太差了！！！千万别买？！"),   # a run is one mark, not the first of it
    ("垃圾车,?大嘴巴", "垃圾车，？大嘴巴"),
    ("ＧＰＴ－５的得分是７０．９％", "GPT-5的得分是70.9%"),
    ("新冠(COVID)防控", "新冠（COVID）防控"),
    ("（见上文）", "（见上文）"),
    # Latin text keeps its own punctuation
    ("OpenAI, Google and Meta", "OpenAI, Google and Meta"),
    ("Big Technology Podcast (YouTube)", "Big Technology Podcast (YouTube)"),
    ("比例1:2", "比例1:2"),
])
def test_width_normalisation(source, expected):
    assert normalise_width(source) == expected


@pytest.mark.parametrize("variant, expected", [
    ("zh-Hans", '奥特曼，他说[@longform "12月1日,奧特曼"]，见 https://a.example/x,y'),
    ("zh-Hant", '奧特曼，他說[@longform "12月1日,奧特曼"]，見 https://a.example/x,y'),
])
def test_width_in_every_edition_but_never_in_protected_spans(glossary, variant, expected):
    source = '奥特曼,他说[@longform "12月1日,奧特曼"],见 https://a.example/x,y'
    assert Converter(variant, glossary).convert(source) == expected


def test_a_latin_glossary_form_does_not_run_into_latin(glossary):
    hant = Converter("zh-Hant", glossary)
    assert hant.convert("Sora安卓应用是在") == "Sora Android App是在"
    assert hant.convert("谷歌Gemini 3") == "Google Gemini 3"
    assert hant.convert("用谷歌搜索") == "用Google搜尋"


def test_hong_kong_glossary_forms_follow_the_hong_kong_glyph_standard(glossary):
    """The glossary writes 用戶; s2hk writes 户 everywhere else. One edition, one standard."""
    hk = Converter("zh-Hant-HK", glossary)
    assert hk.convert("用户和客户") == "用户和客户"
    assert hk.convert("首席执行官说") == "行政總裁説"


@pytest.fixture(scope="module")
def converters(glossary):
    """One converter per variant, built and warmed once: the property is about
    conversion, and the first conversion in a process loads the lexicon
    (~0.3 s), which would run into hypothesis's deadline in whichever test
    happens to come first on a worker."""
    out = [Converter(variant, glossary) for variant in ("zh-Hans", "zh-Hant", "zh-Hant-HK")]
    for conv in out:
        conv.convert("奥特曼说，ＡＩ")
    return out


@given(st.lists(st.sampled_from(["他说,", "“好”", "ＡＩ", "\n", "奥特曼", "[@digest \"a,b\"]", "(注)", "GPT-5 ", "。"]),
                max_size=12))
def test_conversion_never_adds_or_removes_a_line(converters, parts):
    text = "".join(parts)
    for conv in converters:
        assert conv.convert(text).count("\n") == text.count("\n")
