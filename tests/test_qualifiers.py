"""Qualifiers survive rendering (issue 16): what hedges a key number -- 约,
超过, 以上, 2年内 and from when, 中旬, 年底, 第一季度, 10或100倍 (alternatives,
not a range), 洽谈中 / 计划 (a stage), 说法不一 (versions), 媒体估算 (a report
or an estimate) -- is in every place the number renders, in every edition:
prose ``[[num:ID]]``, the key-number table, charts, the 相关数字 strips and
the page-1 table.

tests/fixtures/qualifiers has one number of every kind in every shape, each
with something that must survive; EXPECTED says, per edition, what each
renders as. The seven losses the issue lists each have a test of their own
(``test_issue16_*``) over the formatter, the fixture, or both.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.chinese.convert import Converter
from generator.chinese.numbers import NumberFormatter
from generator.load.content import load_content
from generator.diagnostics import BuildError
from generator.model import KeyNumber, Point, Prose
from generator.labels import load_strings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "qualifiers"
VARIANTS = ("zh-Hans", "zh-Hant")

# id -> variant -> (points as prose writes them ([[num:ID/N]]), the bare [[num:ID]],
#                   the page-1 figure, the 相关数字 strip's figure)
EXPECTED = {
    "quantity-single": {
        "zh-Hans": (["2年内"], "2年内", "自2025年11月起2年内", "自2025年11月起2年内"),
        "zh-Hant": (["2年內"], "2年內", "自2025年11月起2年內", "自2025年11月起2年內"),
    },
    "quantity-series": {
        "zh-Hans": (["超过5亿人", "近9亿人（未经证实）"], "近9亿人（未经证实）", "近9亿人（未经证实）",
                    "近9亿人（未经证实，媒体报道）"),
        "zh-Hant": (["超過5億人", "近9億人（未經證實）"], "近9億人（未經證實）", "近9億人（未經證實）",
                    "近9億人（未經證實，媒體報導）"),
    },
    "quantity-versions": {
        "zh-Hans": (["8～9亿人", "近9亿人"], "8～9亿人（说法不一）", "8～9亿人／近9亿人", "8～9亿人／近9亿人（说法不一）"),
        "zh-Hant": (["8～9億人", "近9億人"], "8～9億人（說法不一）", "8～9億人／近9億人", "8～9億人／近9億人（說法不一）"),
    },
    "money-single": {
        "zh-Hans": (["64亿美元以上"], "64亿美元以上", "64亿美元以上", "64亿美元以上"),
        "zh-Hant": (["64億美元以上"], "64億美元以上", "64億美元以上", "64億美元以上"),
    },
    "money-series": {
        "zh-Hans": (["3400亿美元", "7500亿美元（洽谈中）"], "7500亿美元（洽谈中）", "7500亿美元（洽谈中）",
                    "7500亿美元（洽谈中，媒体估算）"),
        "zh-Hant": (["3400億美元", "7500億美元（洽談中）"], "7500億美元（洽談中）", "7500億美元（洽談中）",
                    "7500億美元（洽談中，媒體估算）"),
    },
    "money-versions": {
        "zh-Hans": (["1200亿美元", "约1200亿美元"], "1200亿美元（说法不一）", "1200亿美元／约1200亿美元",
                    "1200亿美元／约1200亿美元（说法不一）"),
        "zh-Hant": (["1200億美元", "約1200億美元"], "1200億美元（說法不一）", "1200億美元／約1200億美元",
                    "1200億美元／約1200億美元（說法不一）"),
    },
    "percent-single": {
        "zh-Hans": (["不到1%"], "不到1%", "不到1%", "不到1%（第三方估算）"),
        "zh-Hant": (["不到1%"], "不到1%", "不到1%", "不到1%（第三方估算）"),
    },
    "percent-series": {
        "zh-Hans": (["15%或20%", "最多25%"], "最多25%", "最多25%", "最多25%"),
        "zh-Hant": (["15%或20%", "最多25%"], "最多25%", "最多25%", "最多25%"),
    },
    "percent-versions": {
        "zh-Hans": (["70.9%", "约71%"], "70.9%（说法不一）", "70.9%／约71%", "70.9%／约71%（说法不一）"),
        "zh-Hant": (["70.9%", "約71%"], "70.9%（說法不一）", "70.9%／約71%", "70.9%／約71%（說法不一）"),
    },
    "multiple-single": {
        "zh-Hans": (["10或100倍"], "10或100倍", "10或100倍", "10或100倍"),
        "zh-Hant": (["10或100倍"], "10或100倍", "10或100倍", "10或100倍"),
    },
    "multiple-series": {
        "zh-Hans": (["约3倍", "3倍（计划）"], "3倍（计划）", "3倍（计划）", "3倍（计划）"),
        "zh-Hant": (["約3倍", "3倍（計畫）"], "3倍（計畫）", "3倍（計畫）", "3倍（計畫）"),
    },
    "multiple-versions": {
        "zh-Hans": (["2倍", "3倍（预计）"], "2倍（说法不一）", "2倍／3倍（预计）", "2倍／3倍（预计）（说法不一）"),
        "zh-Hant": (["2倍", "3倍（預計）"], "2倍（說法不一）", "2倍／3倍（預計）", "2倍／3倍（預計）（說法不一）"),
    },
    "date-single": {
        "zh-Hans": (["2025年11月中旬"], "2025年11月中旬", "2025年11月中旬", "2025年11月中旬"),
        "zh-Hant": (["2025年11月中旬"], "2025年11月中旬", "2025年11月中旬", "2025年11月中旬"),
    },
    "date-series": {
        "zh-Hans": (["2024年2月上旬", "2025年底"], "2025年底", "2025年底", "2025年底"),
        "zh-Hant": (["2024年2月上旬", "2025年底"], "2025年底", "2025年底", "2025年底"),
    },
    "date-versions": {
        "zh-Hans": (["2025年12月18日", "2025年12月19日"], "2025年12月18日（说法不一）",
                    "2025年12月18日／2025年12月19日", "2025年12月18日／2025年12月19日（说法不一）"),
        "zh-Hant": (["2025年12月18日", "2025年12月19日"], "2025年12月18日（說法不一）",
                    "2025年12月18日／2025年12月19日", "2025年12月18日／2025年12月19日（說法不一）"),
    },
    "year-single": {
        "zh-Hans": (["2026年第一季度（预计）"], "2026年第一季度（预计）", "2026年第一季度（预计）", "2026年第一季度（预计）"),
        "zh-Hant": (["2026年第一季（預計）"], "2026年第一季（預計）", "2026年第一季（預計）", "2026年第一季（預計）"),
    },
    "year-series": {
        "zh-Hans": (["2025年底", "约2029年"], "约2029年", "约2029年", "约2029年（媒体估算）"),
        "zh-Hant": (["2025年底", "約2029年"], "約2029年", "約2029年", "約2029年（媒體估算）"),
    },
    "year-versions": {
        "zh-Hans": (["2028或2029年", "约2029年"], "2028或2029年（说法不一）", "2028或2029年／约2029年",
                    "2028或2029年／约2029年（说法不一）"),
        "zh-Hant": (["2028或2029年", "約2029年"], "2028或2029年（說法不一）", "2028或2029年／約2029年",
                    "2028或2029年／約2029年（說法不一）"),
    },
    "score-single": {
        "zh-Hans": (["约150"], "约150", "约150", "约150（媒体报道）"),
        "zh-Hant": (["約150"], "約150", "約150", "約150（媒體報導）"),
    },
    "score-series": {
        "zh-Hans": (["144～151", "超过152"], "超过152", "超过152", "超过152"),
        "zh-Hant": (["144～151", "超過152"], "超過152", "超過152", "超過152"),
    },
    "score-versions": {
        "zh-Hans": (["144～151", "约150"], "144～151（说法不一）", "144～151／约150", "144～151／约150（说法不一）"),
        "zh-Hant": (["144～151", "約150"], "144～151（說法不一）", "144～151／約150", "144～151／約150（說法不一）"),
    },
}
KINDS = ("quantity", "money", "percent", "multiple", "date", "year", "score")
SHAPES = ("single", "series", "versions")
NUMERIC = ("quantity", "money", "percent", "multiple", "score")  # charted


def text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, str]:
    from generator.build import build

    out = tmp_path_factory.mktemp("qualifiers")
    content = out / "content"
    shutil.copytree(FIXTURE, content)
    report = build(content, out / "out", formats=["html"])
    return {w.variant: w.path.read_text(encoding="utf-8") for w in report.written}


@pytest.fixture(scope="module")
def content():
    return load_content(FIXTURE)


def test_the_fixture_has_every_kind_in_every_shape(content):
    numbers = {n.id: n for n in content.numbers}
    assert sorted(numbers) == sorted(f"{k}-{s}" for k in KINDS for s in SHAPES) == sorted(EXPECTED)
    for nid, n in numbers.items():
        assert (n.kind, n.shape) == tuple(nid.split("-")), nid
    assert list(content.manifest._data["glance"]) == list(EXPECTED)  # all of them on page 1


CASES = [(nid, v) for nid in EXPECTED for v in VARIANTS]


@pytest.mark.parametrize("nid, variant", CASES)
def test_prose_references_keep_every_qualifier(editions, nid, variant):
    """[[num:ID]] and [[num:ID/N]] in a theme's body: each point with its
    qualifiers; a bare reference to a conflicting number says 说法不一."""
    points, bare, _figure, _short = EXPECTED[nid][variant]
    body = editions[variant].split('<section class="theme"', 1)[1].split('<section class="charts"', 1)[0]
    refs = [text_of(m) for m in re.findall(rf'<a class="num" href="#num-{nid}">(.*?)</a>', body, re.S)]
    assert refs == [bare] + (points if not nid.endswith("-single") else [])


@pytest.mark.parametrize("nid, variant", CASES)
def test_the_key_number_table_keeps_every_qualifier(editions, nid, variant):
    points, _bare, figure, _short = EXPECTED[nid][variant]
    rows = re.split(r'id="num-|</tbody>', editions[variant].split(f'id="num-{nid}"', 1)[1], maxsplit=1)[0]
    cells = re.findall(r'<td class="value">(.*?)</td>', rows, re.S)
    values = [text_of(re.sub(r'<p class="num-note">.*?</p>', "", c, flags=re.S)) for c in cells]
    assert values == ([figure] if nid.endswith("-single") else points)  # a single figure: anchored, as on page 1
    if nid.endswith("-versions"):
        assert re.search(r'<td class="status status-conflicting"[^>]*>(說|说)法不一', rows)


@pytest.mark.parametrize("nid, variant", CASES)
def test_the_related_numbers_strip_keeps_every_qualifier_and_status(editions, nid, variant):
    """相关数字: no status column stands next to it, so a conflicting number
    shows every version and 说法不一, a report or estimate its status."""
    _points, _bare, _figure, short = EXPECTED[nid][variant]
    strips = [text_of(p) for p in re.findall(r'<span class="related-label">.*?</p>', editions[variant], re.S)
              if f'href="#num-{nid}"' in p]
    assert len(strips) == 1
    label = re.search(rf'<a href="#num-{nid}">(.*?)</a>', editions[variant]).group(1)
    assert f"{text_of(label)} {short}" in strips[0]


@pytest.mark.parametrize("nid, variant", CASES)
def test_page_one_keeps_every_qualifier_and_status(editions, nid, variant):
    _points, _bare, figure, _short = EXPECTED[nid][variant]
    glance = re.search(r'<table class="glance">.*?</table>', editions[variant], re.S).group(0)
    row = re.search(rf'<tr><th scope="row"><a href="#num-{nid}">.*?</tr>', glance, re.S).group(0)
    value = text_of(re.search(r'<td class="value">(.*?)</td>', row, re.S).group(1))
    status = text_of(re.search(r'<td class="status[^"]*">(.*?)</td>', row, re.S).group(1))
    assert value == figure
    if nid.endswith("-versions"):
        assert status in ("说法不一", "說法不一")


@pytest.mark.parametrize("nid, variant", [(n, v) for n, v in CASES if n.split("-")[0] in NUMERIC])
def test_charts_keep_every_qualifier_and_status(editions, nid, variant):
    """The SVG's text, its <desc> and its data table: every figure drawn with
    its qualifiers; a conflicting number's every version and 说法不一; a
    report's or estimate's status (媒体估算) next to it."""
    points, _bare, figure, short = EXPECTED[nid][variant]
    html = editions[variant]
    label = text_of(re.search(rf'<a href="#num-{nid}">(.*?)</a>', html).group(1))
    (chart,) = [c for c in re.findall(r'<figure class="chart".*?</figure>', html, re.S)
                if re.search(rf"(^|；){re.escape(label)}（", re.search(r"<desc[^>]*>(.*?)</desc>", c, re.S).group(1))]
    svg_text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", chart))
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.S).group(1)
    table = text_of(re.search(r'<table class="chart-data".*?</table>', chart, re.S).group(0))
    drawn = points if nid.endswith("-series") else [figure]
    for value in drawn:
        assert value in svg_text and value in table, value
        assert value.rstrip("）") in desc, value  # (its marks and the status's in one pair of brackets)
    if short != figure:  # a mark the strip adds: the chart says it too
        mark = short[len(figure):] if short.startswith(figure) else short[short.rindex("（"):]
        assert mark.strip("（）").split("，")[-1] in svg_text, (mark, svg_text)
        assert mark.strip("（）").split("，")[-1] in desc


# ------------------------------------------------------------ the seven losses, one by one


def formatter(variant: str) -> NumberFormatter:
    return NumberFormatter(variant, load_strings(variant, None), Converter(variant).convert)


def number(kind="quantity", value=1, *, unit=None, currency="", status="background", shape="single",
           points=None, **point) -> KeyNumber:
    points = points or (Point(value=value, as_of=point.pop("as_of", "2025-12-18"), sources=(), **point),)
    return KeyNumber(id="x", label=Prose("x"), theme="t", kind=kind, status=status, points=tuple(points),
                     shape=shape, unit=Prose(unit) if unit else None, currency=currency)


@pytest.mark.parametrize("variant, expected", [
    ("zh-Hans", "2026年第一季度"), ("zh-Hant", "2026年第一季"), ("zh-Hant-HK", "2026年第一季"),
])
def test_issue16_1_a_year_keeps_its_quarter(variant, expected):
    """The next model's quarter rendered as "2026年": a year's unit was dropped.
    The part of a year is a qualifier, worded per edition."""
    n = number("year", 2026, part="q1")
    assert formatter(variant).value(n, n.headline) == expected


def test_issue16_1_a_unit_on_a_year_is_refused_where_it_is_written(tmp_path):
    """The sample wrote the quarter as the year's unit, which no edition shows:
    that is an error at the unit's line now, pointing at the qualifier."""
    assert _errors(tmp_path, "  value: 2026\n  qualifier: [q1, expected]\n",
                   "  value: 2026\n  unit: 第一季度\n  qualifier: expected\n") == [
        "1: key number 'year-single' is a year, which takes no 'unit' (it would not be shown) (say which part "
        "of the year or month with a qualifier: early, mid, late, first-half, second-half, q1 … q4)"]


def test_issue16_2_versions_in_a_strip_say_they_disagree(editions):
    """A conflicting number's 相关数字 showed version 1 alone, unmarked: now
    every version (breakable only between them) and 说法不一."""
    for variant, marker in (("zh-Hans", "说法不一"), ("zh-Hant", "說法不一")):
        for nid in (n for n in EXPECTED if n.endswith("-versions")):
            strip = re.search(rf'<a href="#num-{nid}">[^<]*</a> <b class="related-value">(.*?)</b>',
                              editions[variant].replace('<span class="nobr">', ""), re.S).group(1)
            assert text_of(strip) == EXPECTED[nid][variant][3] and text_of(strip).endswith(f"（{marker}）")
            assert strip.count('<span class="fig">') == len(EXPECTED[nid][variant][0]) and "／<wbr>" in strip


@pytest.mark.parametrize("variant, about", [("zh-Hans", "约"), ("zh-Hant", "約"), ("zh-Hant-HK", "約")])
def test_issue16_3_about_survives_on_a_conflicting_loss(variant, about):
    """约 of the cumulative loss's second version was lost wherever only
    version 1 was shown (page 1, strips, charts): every version is shown."""
    v1 = Point(value=120, as_of="2025-12-18", sources=(), scale="billion")
    v2 = Point(value=120, as_of="2025-12-18", sources=(), scale="billion", qualifier="about")
    n = number("money", currency="USD", status="conflicting", shape="versions", points=(v1, v2))
    f = formatter(variant)
    assert f"{about}1200" in f.figure(n) and f"{about}1200" in f.short(n)
    assert f.reference(n, 2).startswith(f"{about}1200")


@pytest.mark.parametrize("variant, talks, estimate", [
    ("zh-Hans", "洽谈中", "媒体估算"), ("zh-Hant", "洽談中", "媒體估算"), ("zh-Hant-HK", "洽談中", "媒體估算"),
])
def test_issue16_4_a_valuation_in_talks_is_never_plain_fact(variant, talks, estimate):
    points = (Point(value=340, as_of="2025-06", sources=(), scale="billion"),
              Point(value=750, as_of="2025-12", sources=(), scale="billion", stage="in-talks"))
    n = number("money", currency="USD", status="outlet-estimate", shape="series", points=points)
    f = formatter(variant)
    for shown in (f.reference(n), f.figure(n), f.value(n, n.headline)):
        assert shown.endswith(f"（{talks}）")
    assert f.short(n).endswith(f"（{talks}，{estimate}）")


@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant", "zh-Hant-HK"])
def test_issue16_5_mid_month_and_year_end_are_kept(variant):
    f = formatter(variant)
    mid = number("date", "2025-11", part="mid")
    late = number("year", 2025, part="late")
    assert f.value(mid, mid.headline) == "2025年11月中旬"
    assert f.value(late, late.headline) == "2025年底"
    late_date = number("date", "2025", part="late")
    assert f.value(late_date, late_date.headline) == "2025年底"


@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant", "zh-Hant-HK"])
def test_issue16_6_alternatives_are_not_a_range(variant):
    f = formatter(variant)
    n = number("multiple", (10, 100), alternatives=True)
    assert f.value(n, n.headline) == "10或100倍"
    rng = number("multiple", (10, 100))
    assert f.value(rng, rng.headline) == "10～100倍"
    pct = number("percent", (15, 20), alternatives=True)
    assert f.value(pct, pct.headline) == "15%或20%"


@pytest.mark.parametrize("variant, expected", [
    ("zh-Hans", "自2025年11月起2年内"), ("zh-Hant", "自2025年11月起2年內"), ("zh-Hant-HK", "自2025年11月起2年內"),
])
def test_issue16_7_a_window_shown_alone_says_from_when(variant, expected):
    """The device's "2年" stood alone in 相关数字: counted from its date, it
    says so wherever it is shown without its sentence."""
    n = number("quantity", 2, unit="年", qualifier="within", as_of="2025-11")
    f = formatter(variant)
    assert f.value(n, n.headline) == expected[len("自2025年11月起"):]  # prose: the sentence says when
    assert f.figure(n) == f.short(n) == expected


# ------------------------------------------------------------ the model: written, checked, located


def _errors(tmp_path, old: str, new: str) -> list[str]:
    """The errors of the fixture with ``old`` replaced by ``new`` in numbers.yaml,
    each as 'LINE: message (hint)', LINE relative to the edit's first line."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    path = content / "numbers.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text.count("\n", 0, text.index(old)) + 1
    try:
        load_content(content)
    except BuildError as exc:
        return [f"{p.location.line - line}: {p.message}" + (f" ({p.hint})" if p.hint else "")
                for p in exc.diagnostics.sorted() if p.severity == "error"]
    return []


@pytest.mark.parametrize("old, new, expected", [
    ("  value: 2\n  unit: 年\n  qualifier: within\n", "  value: 2\n  unit: 年\n  qualifier: alternatives\n",
     ["2: 'alternatives' reads two values as 'a or b' (10或100倍), but the value is not two values "
      "(write value: [a, b], or drop 'alternatives')"]),
    ("  value: [10, 100]\n  qualifier: alternatives\n", "  value: [10, 10]\n  qualifier: alternatives\n",
     ["0: the two alternatives [10, 10] are the same value (write the one value alone)"]),
    ("  value: [10, 100]\n  qualifier: alternatives\n", "  value: [100, 10]\n  qualifier: alternatives\n", []),
    ("  value: [10, 100]\n  qualifier: alternatives\n", "  value: [100, 10]\n",
     ["0: range [100, 10] must go from low to high "
      "(two values that are alternatives ('10 or 100') take qualifier: alternatives)"]),
    ("  value: 2\n  unit: 年\n  qualifier: within\n", "  value: 2\n  unit: 年\n  qualifier: late\n",
     ["2: 'late' is a part of a year or month: only a number of kind date or year takes it "
      "(for a figure use a bound (about, within …) or say it in the note)"]),
    ('  value: "2025-11"\n  qualifier: mid\n', '  value: "2025-11-15"\n  qualifier: mid\n',
     ["1: 'mid' is a part of a year or month, but 2025-11-15 is a day "
      "(write the value as the month (2025-11) or the year (2025))"]),
    ('  value: "2025-11"\n  qualifier: mid\n', '  value: "2025-11"\n  qualifier: q4\n',
     ["1: 'q4' is a part of a year, but 2025-11 is a month "
      "(write the value as the year (2025), or use early, mid or late of the month)"]),
    ("  qualifier: [q1, expected]\n", "  qualifier: [q1, late]\n",
     ["0: 'qualifier' has both 'q1' and 'late' (a date or year means one part of its year or month: keep the "
      "source's)"]),
    ("  qualifier: [q1, expected]\n", "  qualifier: [q1, expectd]\n",
     ["0: 'qualifier' has unknown value 'expectd' (did you mean 'expected'?)"]),
    ("      qualifier: [nearly, unconfirmed]\n", "      qualifier: [nearly, about]\n",
     ["0: 'qualifier' has both 'nearly' and 'about' (a figure takes one bound (about, more-than, nearly, "
      "less-than, up-to, or-more, within): keep the source's)"]),
    ("      qualifier: [nearly, unconfirmed]\n", "      qualifier: [nearly, 3]\n",
     ["0: 'qualifier' must be a name or a list of names, got ['nearly', 3] "
      "(e.g. qualifier: about, or qualifier: [about, in-talks])"]),
    ("    - value: [2028, 2029]\n      qualifier: alternatives\n",
     "    - value: [2028, 2029]\n      qualifier: [alternatives, late]\n",
     ["1: 'late' is a part of one year or month, but the value is two (give one value)"]),
])
def test_misused_qualifiers_are_located_errors(tmp_path, old, new, expected):
    assert _errors(tmp_path, old, new) == expected


def test_a_qualifier_written_twice_in_prose_is_reported(tmp_path):
    """'[[num:ID]]内' when the number already reads 2年内 (as 约[[num:ID]] when it reads 约…)."""
    from generator.build import check

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    body = content / "themes" / "01-compute.md"
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("- 设备计划推出的期限：[[num:quantity-single]]",
                                 "- 设备计划在[[num:quantity-single]]内推出"), encoding="utf-8")
    report = check(content)
    assert any("'[[num:quantity-single]]内' doubles the qualifier the number already carries" in str(w)
               for w in report.diagnostics.problems), [str(w) for w in report.diagnostics.problems]


def test_a_changed_qualifier_is_a_changed_number():
    """本版更新 compares what a figure says: a point that became 'in talks' changed."""
    from generator.render.changes import _number_entry, _value_of

    before = number("money", 750, currency="USD", scale="billion")
    after = number("money", 750, currency="USD", scale="billion", stage="in-talks")
    assert _value_of(_number_entry(before)) != _value_of(_number_entry(after))
    assert "stage" not in _number_entry(before)["points"][0]  # an old snapshot reads the same as before


def test_a_qualifier_written_twice_in_traditional_prose_is_reported(tmp_path):
    """A briefing written in Traditional: 超過[[num:ID]] when the number already reads 超過…"""
    from generator.build import check

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "taipei-transit" / "content", content)
    body = sorted((content / "themes").glob("*.md"))[1]
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("::: assessment\n", "::: assessment\n使用人數已超過[[num:app-users/2]]。\n", 1),
                    encoding="utf-8")
    report = check(content)
    assert any("'超過[[num:app-users/2]]' doubles the qualifier the number already carries" in str(w)
               for w in report.diagnostics.problems), [str(w) for w in report.diagnostics.problems]
