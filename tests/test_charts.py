"""Key-number charts (generator/render/charts.py): drawn from numbers.yaml, never
from typed figures. Checked on the real HTML editions: every chart's labels
are the formatter's output, its bar lengths are proportional to the values,
it has a <title>, a <desc>, a 资料来源 line and a data table, it is in the
edition's script and faces; and broken chart declarations are reported at
their line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build import build
from generator.render.charts import _text_width, magnitude, nice_axis
from generator.load.charts import load_specs
from generator.chinese.convert import Converter
from generator.load.content import load_content
from generator.diagnostics import BuildError
from generator.render.html import Edition
from generator.labels import Strings, load_strings

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
EDITIONS = {"zh-Hans": ("Noto Serif CJK SC", "Noto Sans CJK SC"), "zh-Hant": ("Noto Serif CJK TC", "Noto Sans CJK TC")}


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


def edition(content, variant: str) -> Edition:
    return Edition(variant, variant, content, Strings(load_strings(variant, None)), Converter(variant, content.glossary))


def figures(html: str) -> dict[str, str]:
    """chart id -> the <figure> markup."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<figure class="chart" id="chart-([a-z0-9-]+)".*?</figure>',
                                                         html, re.S)}


def svg_of(figure: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg .*?</svg>", figure, re.S).group(0))


def texts(svg: ET.Element) -> list[str]:
    return [(t.text or "").replace("\u2005", " ") for t in svg.iter(f"{SVG}text")]


def test_the_shipped_charts_are_declared(content):
    specs = {s.id: s for s in load_specs(content.root)}
    assert set(specs) == {"weekly-users", "gdpval", "commitment-stargate", "valuation"}
    assert specs["commitment-stargate"].numbers == ("infra-commitment", "stargate")


@pytest.mark.parametrize("variant", EDITIONS)
def test_every_chart_shows_the_formatted_figures_of_its_numbers(built, content, variant):
    """Each point a chart draws is labelled with exactly the formatter's text
    (1.4万亿美元 / 1.4兆美元), and its data table lists it with date and status."""
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    ed = edition(content, variant)
    numbers = {n.id: n for n in content.numbers}
    found = figures(html)
    for spec in load_specs(content.root):
        fig = found[spec.id]
        labels = " ".join(texts(svg_of(fig)))
        table = re.search(r"<table .*?</table>", fig, re.S).group(0)
        for nid in spec.numbers:
            n = numbers[nid]
            points = n.points if spec.kind == "columns" else (n.headline,)
            for p in points:
                # a conflicting number: every version (its bar is the first), never version 1 alone
                value = ed.formatter.figure(n) if n.shape == "versions" else ed.formatter.value(n, p, anchored=True)
                assert value in labels, (spec.id, value)
                assert f'<td class="value">{value}</td>' in table, (spec.id, value)
                assert ed.formatter.as_of(p) in table


@pytest.mark.parametrize("variant", EDITIONS)
def test_bar_lengths_are_proportional_to_the_values(built, content, variant):
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    numbers = {n.id: n for n in content.numbers}
    found = figures(html)
    # columns: one series -> column heights; bars: widths
    users = svg_of(found["weekly-users"])
    heights = [float(r.get("height")) for r in users.iter(f"{SVG}rect")]
    want = [magnitude(p)[1] for p in numbers["weekly-users"].points]
    assert len(heights) == len(want)
    assert heights[1] / heights[0] == pytest.approx(want[1] / want[0], rel=0.01)
    bars = svg_of(found["commitment-stargate"])
    widths = [float(r.get("width")) for r in bars.iter(f"{SVG}rect")]
    infra, stargate = (magnitude(numbers[i].headline)[1] for i in ("infra-commitment", "stargate"))
    assert infra / stargate == pytest.approx(2.8)  # 1.4 trillion against 500 billion
    assert widths[0] / widths[1] == pytest.approx(infra / stargate, rel=0.01)
    gdp = svg_of(found["gdpval"])
    widths = [float(r.get("width")) for r in gdp.iter(f"{SVG}rect")]
    assert widths[0] / widths[1] == pytest.approx(70.9 / 74.1, rel=0.01)


def _boxes(svg: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) of every label, from its anchor, its
    size and the charts' own width estimate."""
    boxes = []
    for t in svg.iter(f"{SVG}text"):
        text, size = t.text or "", float(t.get("font-size"))
        x, y, width = float(t.get("x")), float(t.get("y")), _text_width(t.text or "", size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[t.get("text-anchor") or "start"]
        boxes.append((text, left, left + width, y - size, y))
    return boxes


@pytest.mark.parametrize("variant", EDITIONS)
def test_no_two_chart_labels_overlap(built, variant):
    """No label runs over another label or over a bar: a value label longer
    than its column (a figure with its stage, 1000亿美元（洽谈中）) grows away
    from the neighbouring column."""
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    for cid, fig in figures(html).items():
        svg = svg_of(fig)
        labels = _boxes(svg)
        bars = [("rect", float(r.get("x")), float(r.get("x")) + float(r.get("width")), float(r.get("y")),
                 float(r.get("y")) + float(r.get("height"))) for r in svg.iter(f"{SVG}rect")]
        for i, a in enumerate(labels):
            for b in labels[i + 1:] + bars:
                apart = a[2] <= b[1] + 0.5 or b[2] <= a[1] + 0.5 or a[4] <= b[3] + 0.5 or b[4] <= a[3] + 0.5
                inside = b[0] == "rect" and b[1] <= a[1] and a[2] <= b[2] and b[3] <= a[3] and a[4] <= b[4]
                assert apart or inside, (cid, a, b)  # a bar's label may stand inside it, wholly


@pytest.mark.parametrize("variant", EDITIONS)
def test_charts_are_accessible_sourced_and_in_the_edition_faces(built, content, variant):
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    ed = edition(content, variant)
    source_label = ed.strings("chart.source")
    shorts = {s.id: ed.converter.convert(str(s.short)) for s in content.sources}
    body_face, bold_face = EDITIONS[variant]
    for cid, fig in figures(html).items():
        svg = svg_of(fig)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert sorted(svg.get("aria-labelledby").split()) == sorted([title.get("id"), desc.get("id")])
        assert body_face in svg.get("font-family")
        assert all(bold_face in t.get("font-family") for t in svg.iter(f"{SVG}text") if t.get("font-weight"))
        source = re.search(r'<p class="chart-source">(.*?)</p>', fig, re.S).group(1)
        assert re.sub(r"<[^>]+>", "", source).startswith(source_label)
        cited = re.findall(r'href="#src-([a-z0-9-]+)"', source)
        assert cited and all(f'id="src-{s}"' in html for s in cited)
        for s in cited:
            assert shorts[s] in source
        table = re.search(r"<table .*?</table>", fig, re.S).group(0)
        assert "<caption>" in table and '<th scope="col">' in table and '<th scope="row">' in table


def test_traditional_charts_contain_no_simplified_characters(built):
    from generator.chinese.scripts import script_chars

    simplified = script_chars()["simplified_only"]
    for cid, fig in figures(built["zh-Hant.html"].read_text(encoding="utf-8")).items():
        svg = svg_of(fig)
        words = texts(svg) + [svg.find(f"{SVG}title").text, svg.find(f"{SVG}desc").text]
        leaks = [w for w in words if any(ch in simplified for ch in w)]
        assert leaks == [], cid
    assert "兆美元" in built["zh-Hant.html"].read_text(encoding="utf-8").split('id="chart-commitment-stargate"')[1][:6000]


def test_a_changed_number_changes_the_chart(content_copy, tmp_path):
    numbers = content_copy / "numbers.yaml"
    text = numbers.read_text(encoding="utf-8")
    text = text.replace("    - value: 900\n      scale: million\n      qualifier: nearly\n      as_of: 2025-12-18",
                        "    - value: 1000\n      scale: million\n      qualifier: nearly\n      as_of: 2025-12-18", 1)
    numbers.write_text(text, encoding="utf-8")
    report = build(content_copy, tmp_path / "out", variants=["zh-Hans"], formats=["html"], write=False)
    fig = figures(report.outputs["briefing.zh-Hans.html"].decode("utf-8"))["weekly-users"]
    assert "近10亿人" in texts(svg_of(fig))
    heights = [float(r.get("height")) for r in svg_of(fig).iter(f"{SVG}rect")]
    assert heights[1] / heights[0] == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize("entry, message", [
    ("  numbers: [weekly-userz]", "chart 'bad' names unknown number 'weekly-userz' (did you mean 'weekly-users'?)"),
    ("  numbers: [weekly-users, stargate]", "chart 'bad' mixes units"),
    ("  numbers: [chatgpt-launch]", "number 'chatgpt-launch' is a date, not a figure"),
    ("  numbers: [stargate]", "chart 'bad' is 'columns' but none of its numbers is a series"),
    ("  numbers: [valuation, fundraise]\n  labels: [one]", "'labels' has 1 entries for 2 numbers"),
    ("  numbers: [valuation]\n  colour: red", "unknown key 'colour' in a chart"),
    ("  numbers: [valuation]\n  note: 见[[num:nope]]", "[[num:nope]] refers to unknown key number 'nope'"),
])
def test_broken_chart_declarations_are_located_errors(content_copy, tmp_path, entry, message):
    charts = content_copy / "charts.yaml"
    before = charts.read_text(encoding="utf-8")
    line = before.count("\n") + 2
    charts.write_text(before + f"\n- id: bad\n  kind: columns\n  title: 坏图\n{entry}\n", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(content_copy, tmp_path / "out", formats=["html"], write=False)
    problems = [str(p) for p in exc.value.diagnostics.errors]
    hit = [p for p in problems if message in p]
    assert hit, problems
    assert any(re.match(rf"^\S*charts\.yaml:({line}|{line + 4}|{line + 5}): ", p) for p in hit), hit


def test_nice_axis_ends_on_a_round_number():
    assert nice_axis(9e8, "quantity") == [0, 2e8, 4e8, 6e8, 8e8, 1e9]
    assert nice_axis(7.5e11, "money") == [0, 2e11, 4e11, 6e11, 8e11]
    assert nice_axis(74.1, "percent") == [0, 25, 50, 75, 100]
    ticks = nice_axis(1.4e12, "money", 4)
    assert ticks[-1] >= 1.4e12 and ticks[0] == 0
