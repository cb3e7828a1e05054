"""A briefing written in Traditional with Taiwan usage
(tests/fixtures/taipei-transit, `written_in: zh-Hant`; one of its sources
is in Simplified), checked with its sources and built for all three
variants. The zh-Hant edition is the text as written; the zh-Hans edition is
generated: mainland words, “” quotes, 万/亿, no Traditional-only characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build
from conftest import assert_strict_check_passes, reading_text

FIXTURE = Path(__file__).parent / "fixtures" / "taipei-transit"


def themes_text(html: str) -> str:
    return reading_text("".join(re.findall(r'<section class="theme".*?</section>', html, re.S)))


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("taipei")
    report = build(FIXTURE / "content", out, formats=["html"], strict=True, sources_dir=FIXTURE / "sources")
    return {w.variant: w.path.read_text(encoding="utf-8") for w in report.written}


def test_it_passes_the_strict_check_with_its_sources():
    assert_strict_check_passes(FIXTURE)


def test_all_three_variants_are_built(editions):
    assert sorted(editions) == ["zh-Hans", "zh-Hant", "zh-Hant-HK"]


def test_the_written_edition_keeps_the_authored_text_verbatim(editions):
    text = themes_text(editions["zh-Hant"]).replace("\u2005", "")  # (Han–Latin spacing is typography)
    for theme in sorted((FIXTURE / "content" / "themes").glob("*.md")):
        body = theme.read_text(encoding="utf-8").split("---", 2)[2]
        for para in body.split("\n\n"):
            para = para.strip()
            if not para or para.startswith((":::", "-", "#")) or "[[" in para:
                continue
            plain = re.sub(r"\[@[^\]]*\]", "", para).strip()
            if len(plain) > 12:
                assert plain[:12] in text, plain[:12]


def test_the_simplified_edition_is_generated_with_mainland_usage(editions):
    from generator.chinese.scripts import leak_chars

    text = themes_text(editions["zh-Hans"])
    leaks = leak_chars("zh-Hans")
    assert not [ch for ch in text if ch in leaks], [ch for ch in text if ch in leaks][:10]
    assert "地铁" in text and "捷運" not in text  # the desk's glossary, read from its zh-Hant form
    assert "捷运" not in reading_text(editions["zh-Hans"])  # title, summary, sources too: no shipped entry
    # renders the desk's word otherwise
    assert "「" not in text and "」" not in text and "“" in text
    assert "亿" in text or "万" in text
    assert "內核" not in text and "内核" not in text  # 核心 keeps its sense (a house guard)


def test_figures_are_formatted_per_variant(editions):
    assert "45.3億元" in reading_text(editions["zh-Hant"])  # currency_names: zh-Hant {TWD: 元}
    assert "45.3亿元新台币" in reading_text(editions["zh-Hans"])
    assert "6710萬人次" in reading_text(editions["zh-Hant"]) and "6710万人次" in reading_text(editions["zh-Hans"])


def test_the_hong_kong_edition_is_generated_through_traditional(editions):
    from generator.chinese.scripts import leak_chars

    text = themes_text(editions["zh-Hant-HK"])
    assert not [ch for ch in text if ch in leak_chars("zh-Hant-HK")]


def test_the_hong_kong_edition_keeps_the_desks_taiwan_words_where_only_the_mainland_reads_them_otherwise(editions):
    """The house layer's one-way read-backs give the mainland's words (捷運 ->
    地铁, 主管機關 -> 主管部门); they say nothing about Hong Kong, and the desk's
    own entry (捷運, zh-Hant-HK 捷運) wins over the house's for the same Taiwan form."""
    hk = reading_text(editions["zh-Hant-HK"])
    assert "捷運" in hk and "地鐵" not in hk
    assert "主管機關" in hk and "主管部門" not in hk
