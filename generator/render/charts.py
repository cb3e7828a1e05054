"""Key-number charts as inline SVG, drawn from numbers.yaml.

What to chart is declared in ``content/charts.yaml`` (which numbers, which
kind of chart, a title); every figure, date, unit and source comes from the
numbers themselves, formatted by the edition's :class:`NumberFormatter`, so
a chart can never disagree with the table. Each chart carries an SVG
``<title>``/``<desc>``, a 资料来源 line and a data table as its text
alternative. Text is set in the edition's sans face and script.

Two kinds:

* ``columns`` -- a figure over time: one column per date of a series; a
  second series with the same unit becomes a second column in each group;
* ``bars`` -- figures side by side: one horizontal bar per number (its
  headline value), its label above the bar.
"""

from __future__ import annotations

import html
import math
from decimal import Decimal

from markupsafe import Markup

from generator.chinese.numbers import CURRENCY, compact
from generator.chinese.typography import plain_typeset
from generator.load.charts import NUMERIC, ChartSpec
from generator.model import SCALES, TENTATIVE_STATUSES, KeyNumber, Point
from generator.shipped import REQUIRED_FONTS


# Drawing units. The viewBox is narrow on purpose: on a 375 px phone the
# chart shrinks to ~330 px and its 13-unit labels stay readable.
WIDTH = 480
FONT = 13
SMALL = 11.5
COLORS = {"ink": "#1d232b", "muted": "#55606e", "grid": "#d5dae0", "second": "#5f6b78", "range": "#9db4d3"}


# ---------------------------------------------------------------- loading


# ---------------------------------------------------------------- values


def magnitude(point: Point) -> tuple[float, float]:
    """(low, high) of a point in plain units (scale applied); low == high
    for a single figure."""
    v = point.value
    lo, hi = v if isinstance(v, tuple) else (v, v)
    factor = Decimal(SCALES[point.scale]) if point.scale else Decimal(1)
    return float(Decimal(repr(lo)) * factor), float(Decimal(repr(hi)) * factor)


def nice_axis(top: float, kind: str, steps: int = 5) -> list[float]:
    """Tick values from 0 to a round number at or above ``top``."""
    if kind == "percent" and top <= 100:
        return [0, 25, 50, 75, 100]
    if top <= 0:
        return [0, 1]
    raw = top / steps
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    count = math.ceil(top / step - 1e-9)
    return [float(Decimal(repr(step)) * i) for i in range(count + 1)]


# ---------------------------------------------------------------- rendering


class _Svg:
    """Regular text is set in the edition's body face, bold text in its sans
    face -- the same two faces as the PDF's text, so a chart adds no font."""

    def __init__(self, faces: tuple[str, str]):
        self.parts: list[str] = []
        self.body, self.bold = faces

    def rect(self, x, y, w, h, fill, cls="", extra=""):
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
                          f'fill="{fill}"{_cls(cls)}{extra}/>')

    def line(self, x1, y1, x2, y2, stroke, cls="", width=1):
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
                          f'stroke-width="{width}"{_cls(cls)}/>')

    def text(self, x, y, s, size=FONT, anchor="start", fill=COLORS["ink"], cls="c-ink", bold=False):
        weight = f' font-weight="bold" font-family="{self.bold}"' if bold else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                          f'fill="{fill}"{weight}{_cls(cls)}>{html.escape(plain_typeset(s), quote=False)}</text>')


def _family(name: str, generic: str) -> str:
    return html.escape(f"'{name}', {generic}")


def _cls(c: str) -> str:
    return f' class="{c}"' if c else ""


def _text_width(s: str, size: float) -> float:
    """Rough advance width: CJK full width, Latin and digits about half."""
    return sum(size if ord(ch) > 0x2e80 else size * 0.56 for ch in s)


def _tick_label(v: float, n: KeyNumber, variant: str) -> str:
    if n.kind == "percent":
        return f"{v:g}%"
    return compact(int(v) if float(v).is_integer() else v, variant)


def _unit_text(ed, n: KeyNumber) -> str:
    if n.currency:
        return CURRENCY[ed.variant][n.currency]
    if n.unit and n.kind not in ("percent", "multiple"):
        return ed.converter.convert(str(n.unit))
    return ""


def build_charts(ed, specs: list[ChartSpec], style: dict | None = None) -> list[dict]:
    """One dict per chart for the template: id, number, title, svg, source,
    note, table (all markup), desc (plain text)."""
    numbers = {n.id: n for n in ed.content.numbers}
    style = style or {}
    brand = style.get("brand", "#1f4e8c")
    sans, serif = REQUIRED_FONTS[ed.variant]
    faces = (_family(style.get("body_font") or serif, "serif"), _family(style.get("sans") or sans, "sans-serif"))
    out = []
    for index, spec in enumerate(specs, 1):
        chart_numbers = [numbers[i] for i in spec.numbers if i in numbers and numbers[i].kind in NUMERIC]
        if not chart_numbers:
            continue
        labels = [ed.unmark(ed.text(x)) for x in spec.labels] or [ed.plain_text(n.label) for n in chart_numbers]
        title = ed.unmark(ed.text(spec.title))
        rows = _rows(ed, spec, chart_numbers, labels)
        desc = ed.strings("chart.desc_sep").join(
            f"{r['label']}{ed.strings('chart.desc_open')}{r['as_of']}{ed.strings('chart.desc_close')}"
            + r["marked"] for r in rows)
        draw = _columns if spec.kind == "columns" else _bars
        body, height = draw(ed, chart_numbers, labels, rows, brand, faces)
        cid = f"chart-{spec.id}"
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{cid}-t {cid}-d" '
            f'font-family="{faces[0]}">'
            f'<title id="{cid}-t">{html.escape(title)}</title><desc id="{cid}-d">{html.escape(desc)}</desc>'
            + "".join(body) + "</svg>")
        cited: list[tuple[str, str]] = []
        for n in chart_numbers:
            for p in n.points:
                cited += [(c.source, c.locator) for c in p.sources]
        out.append({
            "id": spec.id,
            "anchor": cid,
            "number": index,
            "title": ed.plain(spec.title),
            "title_text": title,
            "svg": Markup(svg),
            "desc": desc,
            "source": Markup(ed._cite_html(cited)),
            "note": ed.prose(spec.note) if spec.note else Markup(""),
            "table": Markup(_table(ed, cid, title, rows)),
            "numbers": [n.id for n in chart_numbers],
        })
    return out


def _rows(ed, spec: ChartSpec, chart_numbers: list[KeyNumber], labels: list[str]) -> list[dict]:
    """The figures a chart draws, in drawing order, formatted for the edition."""
    rows = []
    for n, label in zip(chart_numbers, labels):
        points = n.points if spec.kind == "columns" and n.shape == "series" else (n.headline,)
        mark = ed.strings(f"status.{n.status}") if _marked(n) else ""
        for p in points:
            lo, hi = magnitude(p)
            rows.append({
                "number": n, "label": label, "point": p, "low": lo, "high": hi,
                # the headline's figure; a conflicting number's every version (its bar is the first)
                "value": ed.formatter.figure(n) if n.shape == "versions" else ed.formatter.value(n, p, anchored=True),
                "as_of": ed.formatter.as_of(p),
                "status": ed.strings(f"status.{n.status}"),
                "conflicting": n.status == "conflicting",
                # what the chart says next to the figure: 说法不一, or a report's or estimate's status
                "mark": mark,
                "marked": ed.formatter.short(n) if n.shape == "versions"
                else ed.formatter.value(n, p, anchored=True, marks=(mark,) if mark else ()),
                "sources": ed._cite_html([(c.source, c.locator) for c in p.sources]),
            })
    return rows


def _marked(n: KeyNumber) -> bool:
    """A figure the chart never draws as plain fact: disputed, or a report or an estimate."""
    return n.status == "conflicting" or n.status in TENTATIVE_STATUSES


def _tag(ed, r: dict) -> str:
    return ed.formatter.marked("", r["mark"]) if r["mark"] else ""


def _axis_note(ed, n: KeyNumber) -> str:
    unit = _unit_text(ed, n)
    return ed.strings("chart.unit").format(unit=unit) if unit else ""


def _columns(ed, chart_numbers, labels, rows, brand, faces) -> tuple[list[str], int]:
    """Columns over time: categories are the dates, in order of first appearance."""
    height = 300
    left, right, top, bottom = 62, 12, 40, 58
    svg = _Svg(faces)
    categories: list[str] = []
    for r in rows:
        if r["point"].as_of not in categories:
            categories.append(r["point"].as_of)
    categories.sort()
    series = list(dict.fromkeys(r["number"].id for r in rows))
    ticks = nice_axis(max(r["high"] for r in rows), chart_numbers[0].kind)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    y = lambda v: top + plot_h * (1 - v / ticks[-1])  # noqa: E731
    note = _axis_note(ed, chart_numbers[0])
    if len(series) == 1:  # no legend: the note says what the figures are (媒体估算)
        note += _tag(ed, rows[0])
    if note:
        svg.text(left - 8, top - 22, note, SMALL, "start", COLORS["muted"], "c-muted")
    for t in ticks:
        svg.line(left, y(t), WIDTH - right, y(t), COLORS["grid"], "c-grid")
        svg.text(left - 6, y(t) + 4, _tick_label(t, chart_numbers[0], ed.variant), SMALL, "end",
                 COLORS["muted"], "c-muted")
    group_w = plot_w / len(categories)
    bar_w = min(64, group_w * 0.7 / len(series))
    palette = [(brand, "c-s0"), (COLORS["second"], "c-s1")]
    for ci, cat in enumerate(categories):
        gx = left + group_w * ci + (group_w - bar_w * len(series)) / 2
        for si, sid in enumerate(series):
            r = next((r for r in rows if r["number"].id == sid and r["point"].as_of == cat), None)
            if r is None:
                continue
            fill, cls = palette[min(si, 1)]
            x = gx + si * bar_w
            svg.rect(x + 2, y(r["low"]), bar_w - 4, y(0) - y(r["low"]), fill, cls)
            if r["high"] > r["low"]:
                svg.rect(x + 2, y(r["high"]), bar_w - 4, y(r["low"]) - y(r["high"]), COLORS["range"], "c-range")
            size = SMALL if len(series) > 1 else FONT
            cx, anchor = x + bar_w / 2, "middle"
            if len(series) > 1 and _text_width(r["value"], size) > bar_w:  # wider than its bar: grow away from
                cx, anchor = (x + bar_w - 2, "end") if si == 0 else (x + 2, "start")  # the neighbouring bar
            svg.text(cx, y(r["high"]) - 6, r["value"], size, anchor, bold=True)
        svg.text(left + group_w * (ci + .5), y(0) + 20, _cat_label(ed, rows, cat), FONT, "middle")
    svg.line(left, y(0), WIDTH - right, y(0), COLORS["ink"], "c-axis", 1.2)
    if len(series) > 1:
        lx = left
        for si, sid in enumerate(series):
            fill, cls = palette[min(si, 1)]
            label = labels[[n.id for n in chart_numbers].index(sid)]
            label += _tag(ed, next(r for r in rows if r["number"].id == sid))
            svg.rect(lx, height - 18, 12, 12, fill, cls)
            svg.text(lx + 17, height - 8, label, SMALL, "start", COLORS["ink"])
            lx += 17 + _text_width(label, SMALL) + 18
    return svg.parts, height


def _cat_label(ed, rows, as_of: str) -> str:
    r = next(r for r in rows if r["point"].as_of == as_of)
    return r["as_of"]


def _bars(ed, chart_numbers, labels, rows, brand, faces) -> tuple[list[str], int]:
    """Horizontal bars, label above each, value at the bar's end."""
    left, right, top = 4, 12, 8
    row_h = 54
    height = top + row_h * len(rows) + 34
    svg = _Svg(faces)
    ticks = nice_axis(max(r["high"] for r in rows), chart_numbers[0].kind, 4)
    plot_w = WIDTH - left - right
    x = lambda v: left + plot_w * v / ticks[-1]  # noqa: E731
    base = top + row_h * len(rows)
    for t in ticks:
        anchor = "start" if t == ticks[0] else "end" if t == ticks[-1] else "middle"
        svg.text(x(t), base + 16, _tick_label(t, chart_numbers[0], ed.variant), SMALL, anchor,
                 COLORS["muted"], "c-muted")
    for i, r in enumerate(rows):
        ry = top + i * row_h
        for t in ticks:  # grid only across the bar's band, never through a label
            svg.line(x(t), ry + 22, x(t), ry + 48 if i < len(rows) - 1 else base, COLORS["grid"], "c-grid")
        svg.text(left, ry + 17, r["label"] + _tag(ed, r), FONT)
        fill, cls = (brand, "c-s0") if i == 0 else (COLORS["second"], "c-s1")
        svg.rect(x(0), ry + 25, x(r["low"]) - x(0), 20, fill, cls)
        if r["high"] > r["low"]:
            svg.rect(x(r["low"]), ry + 25, x(r["high"]) - x(r["low"]), 20, COLORS["range"], "c-range")
        end = x(r["high"])
        w = _text_width(r["value"], FONT)
        if end + 6 + w <= WIDTH - right:
            svg.text(end + 6, ry + 40, r["value"], FONT, bold=True)
        else:  # no room after the bar: write the value inside it
            svg.text(end - 6, ry + 40, r["value"], FONT, "end", "#ffffff", "c-inbar", bold=True)
        svg.line(x(0), ry + 22, x(0), ry + 48, COLORS["ink"], "c-axis", 1.2)
    note = _axis_note(ed, chart_numbers[0])
    if note:
        svg.text(WIDTH - right, height - 2, note, SMALL, "end", COLORS["muted"], "c-muted")
    return svg.parts, height


def _table(ed, cid: str, title: str, rows: list[dict]) -> str:
    """The text alternative: every figure the chart draws, with its date,
    status and sources."""
    s = ed.strings
    head = "".join(f'<th scope="col">{html.escape(s(k))}</th>'
                   for k in ("numbers.label", "numbers.as_of", "numbers.value", "numbers.status", "numbers.sources"))
    body = []
    for r in rows:
        body.append(
            f'<tr><th scope="row">{html.escape(plain_typeset(r["label"]), quote=False)}</th>'
            f'<td class="date">{html.escape(r["as_of"])}</td><td class="value">{html.escape(r["value"])}</td>'
            f'<td class="status status-{r["number"].status}">{html.escape(r["status"])}</td>'
            f'<td>{r["sources"]}</td></tr>')
    caption = html.escape(s("chart.data").format(title=plain_typeset(title)), quote=False)
    return (f'<table class="chart-data" id="{cid}-data"><caption>{caption}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
