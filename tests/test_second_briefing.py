"""A second briefing, on a subject unlike the sample and shaped differently
(tests/fixtures/offshore-wind: three themes, three sources of which one is
written in Traditional characters, CNY money, SI units in 兆瓦 and 千瓦时, a
series, a conflicting figure, a range, a chart, [[num:…]] in a title and in
notes, five questions), built for all three variants under
`check --sources --strict`. Plus one test per finding of issue #21."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from conftest import assert_strict_check_passes, reading_text
from generator.cli import main
from generator.diagnostics import BuildError

FIXTURE = Path(__file__).parent / "fixtures" / "offshore-wind"
SAMPLE_WORDS = ("奥特曼", "奧特曼", "Altman", "OpenAI", "Podcast", "五篇", "十二个", "十二個", "红色警报")
VARIANTS = ("zh-Hans", "zh-Hant", "zh-Hant-HK")


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("offshore")
    report = build(FIXTURE / "content", out, strict=True, sources_dir=FIXTURE / "sources")
    assert report.provenance["checked"] >= 25
    return {f"{w.variant}.{w.format}": w.path for w in report.written}


def test_it_passes_the_strict_check_with_its_sources():
    assert_strict_check_passes(FIXTURE)


def test_all_three_variants_are_built(editions):
    assert sorted(editions) == sorted(f"{v}.{f}" for v in VARIANTS for f in ("html", "pdf"))


@pytest.mark.parametrize("variant, figures", [
    ("zh-Hans", ["720兆瓦", "38.6亿元", "5.2亿千瓦时", "0.38～0.42元", "约3个月", "约5个月", "最多12亿千瓦时", "约650元"]),
    ("zh-Hant", ["720兆瓦", "38.6億元人民幣", "5.2億千瓦時", "0.38～0.42元人民幣", "約3個月", "約5個月", "最多12億千瓦時"]),
    ("zh-Hant-HK", ["720兆瓦", "38.6億元人民幣", "5.2億千瓦小時", "0.38～0.42元人民幣", "約3個月", "約5個月"]),
])
def test_every_figure_is_formatted_for_its_variant(editions, variant, figures):
    text = reading_text(editions[f"{variant}.html"].read_text(encoding="utf-8"))
    for figure in figures:
        assert figure in text, figure
    if variant == "zh-Hans":
        assert "亿元人民币" not in text  # a mainland desk writes 亿元 (the default for CNY)


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_sample_text_no_raw_markup(editions, variant):
    text = reading_text(editions[f"{variant}.html"].read_text(encoding="utf-8"))
    for word in SAMPLE_WORDS:
        assert word not in text, word
    for raw in ("[[", "]]", "{lang=", "[@"):
        assert raw not in text, raw


def test_the_title_with_a_number_reference_renders_everywhere(editions):
    html = editions["zh-Hant.html"].read_text(encoding="utf-8")
    heading = re.search(r'<h2 class="theme-title"[^>]*>.*?</h2>', html, re.S).group(0)
    assert "720兆瓦" in reading_text(heading)
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert "累計併網達到720兆瓦" in reading_text(toc)
    from pypdf import PdfReader

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    marks = list(titles(PdfReader(editions["zh-Hant.pdf"]).outline))
    assert any("720兆瓦" in t for t in marks), marks


def test_glossary_terms_per_variant(editions):
    assert "濱海省離岸風電季度簡報" in reading_text(editions["zh-Hant.html"].read_text(encoding="utf-8"))
    assert "濱海省海上風電季度簡報" in reading_text(editions["zh-Hant-HK.html"].read_text(encoding="utf-8"))


def test_neutral_statuses_have_labels_in_every_variant(editions):
    for variant, labels in (("zh-Hans", ("官方数据", "媒体报道", "第三方估算")),
                            ("zh-Hant", ("官方數據", "媒體報導", "第三方估算")),
                            ("zh-Hant-HK", ("官方數據", "媒體報道", "第三方估算"))):
        text = reading_text(editions[f"{variant}.html"].read_text(encoding="utf-8"))
        for label in labels:
            assert label in text, (variant, label)


def test_folded_yaml_text_gets_no_stray_space_between_chinese_characters(editions):
    text = reading_text(editions["zh-Hans.html"].read_text(encoding="utf-8"))
    assert "各自给出数字。推迟时长" in text  # a line break of a folded scalar, joined without a space
    assert "Grid Report 一节" in text  # a Latin word keeps its space


def test_the_sample_has_no_stray_spaces_after_chinese_punctuation(built):
    text = reading_text(built["zh-Hans.html"].read_text(encoding="utf-8"))
    assert not re.search(r"[。；，][ ][\u4e00-\u9fff]", text)


# -- one test per finding --------------------------------------------------


@pytest.fixture
def wind(tmp_path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", dst)
    return dst


def _check(content: Path, *extra: str):
    return CliRunner().invoke(main, ["check", "--content", str(content), *extra])


@pytest.mark.parametrize("text", ["装机60兆瓦", "120兆瓦时", "2.4兆赫", "500兆字节", "3兆帕"])
@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant-HK"])
def test_mega_as_an_si_prefix_passes_the_number_lint(text, variant):
    from generator.chinese.convert import Converter
    from generator.check.lint import lint_text

    assert not [f for f in lint_text(Converter(variant).convert(text), variant, "x", 1) if "兆" in f.message]


@pytest.mark.parametrize("text", ["1.4兆美元", "投资3兆", "约2兆元"])
def test_mega_as_a_scale_is_refused_and_the_message_says_so(text):
    from generator.check.lint import lint_text

    found = [f for f in lint_text(text, "zh-Hans", "x", 1) if "兆" in f.message]
    assert found and "兆 as a scale (10^12)" in found[0].message


def test_a_misspelt_number_reference_is_a_located_error_in_every_prose_field(wind):
    theme = wind / "themes" / "02-money.md"
    theme.write_text(theme.read_text(encoding="utf-8").replace("[[num:investment]]，电价", "[[num:investmnt]]，电价"),
                     encoding="utf-8")
    nums = wind / "numbers.yaml"
    nums.write_text(nums.read_text(encoding="utf-8").replace("二季度末为[[num:capacity/2]]", "二季度末为[[num:capacty/2]]"),
                    encoding="utf-8")
    res = _check(wind)
    assert res.exit_code == 1
    assert "02-money.md:4: error: [[num:investmnt]] refers to unknown key number 'investmnt'" in res.output
    assert re.search(r"numbers\.yaml:\d+: error: \[\[num:capacty/2\]\] refers to unknown key number 'capacty'",
                     res.output), res.output
    assert "Traceback" not in res.output and "KeyError" not in res.output


def test_currency_names_are_the_desks_choice(wind, tmp_path):
    manifest = wind / "briefing.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "currency_names:\n  CNY: 元人民币\n"
                        "  zh-Hant: {CNY: 元（人民幣）}\n", encoding="utf-8")
    out = tmp_path / "out"
    build(wind, out, None, ["zh-Hans", "zh-Hant", "zh-Hant-HK"], ["html"])
    assert "38.6亿元人民币" in reading_text((out / "briefing.zh-Hans.html").read_text(encoding="utf-8"))
    assert "38.6億元（人民幣）" in reading_text((out / "briefing.zh-Hant.html").read_text(encoding="utf-8"))
    assert "38.6億元人民幣" in reading_text((out / "briefing.zh-Hant-HK.html").read_text(encoding="utf-8"))


def test_an_unknown_currency_in_currency_names_is_a_located_error(wind):
    manifest = wind / "briefing.yaml"
    text = manifest.read_text(encoding="utf-8") + "currency_names:\n  RMB: 元\n"
    manifest.write_text(text, encoding="utf-8")
    res = _check(wind)
    assert res.exit_code == 1
    line = len(text.splitlines())
    assert f"briefing.yaml:{line}: error: 'currency_names' has 'RMB'" in res.output


def test_the_review_lists_one_to_many_character_choices_and_confirm_records_them(wind, tmp_path, monkeypatch):
    theme = wind / "themes" / "03-operations.md"
    theme.write_text(theme.read_text(encoding="utf-8").replace(
        "::: assessment\n", "研究院建议运维人员佩戴防水手表[@institute \"并网推迟的风险可明显下降\"]。\n\n::: assessment\n"),
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["check", "--content", "content", "--review-conversion"])
    assert listed.exit_code == 0, listed.output
    assert re.search(r"03-operations\.md:\d+: zh-Hant: 手表 → 手錶 \(one-to-many character 表→錶", listed.output), \
        listed.output
    assert CliRunner().invoke(main, ["check", "--content", "content", "--review-conversion", "--confirm"]).exit_code == 0
    again = CliRunner().invoke(main, ["check", "--content", "content", "--review-conversion"])
    assert "手表 → 手錶" not in again.output


def test_hints_use_the_briefings_own_ids(wind):
    theme = wind / "themes" / "01-grid.md"
    theme.write_text(theme.read_text(encoding="utf-8").replace("::: conflict", "这一段没有出处。\n\n::: conflict", 1),
                     encoding="utf-8")
    res = _check(wind)
    assert "claim without a source: add a citation like [@bureau" in res.output
    for word in ("longform", "digest", "code-red"):
        assert word not in res.output


def test_a_built_fixture_edition_fails_cleanly_when_a_source_is_missing(wind, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE / "sources", sources)
    (sources / "tw-report.txt").unlink()
    with pytest.raises(BuildError) as exc:
        build(wind, tmp_path / "out", strict=True, sources_dir=sources)
    assert any("tw-report.txt not found" in p.message for p in exc.value.diagnostics.errors)
