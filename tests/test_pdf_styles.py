"""Pseudo-element styles cascaded only where WeasyPrint uses them
(generator/pdf/styles.py, issue 17): a document that cannot have a footnote,
a note or a list item other than ``li`` is cascaded without the user-agent
rules for them, and renders to the same bytes as with WeasyPrint's own
sheet; any declaration that could make one keeps that sheet's rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import render_pdf_fresh

ROOT = Path(__file__).resolve().parent.parent

LISTS = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>列表</title>
<style>@page { size: A6 } body { font-family: "Noto Serif CJK SC" }
ol li::marker { color: #a00 } ol.up { list-style-type: lower-roman; text-transform: uppercase } .x::before { content: "〔" } .x::after { content: "〕" }
{extra}</style></head><body>
<ol><li>第一项</li><li>第二项<ul><li>嵌套一</li><li>嵌套二</li></ul></li><li value="10">第十项</li></ol>
<ul style="list-style-type: square"><li>方块</li></ul><ol class="up"><li>iv</li><li>v</li></ol>
<p>正文<span class="x">来源</span>，<a href="#n">链接</a>。</p><div id="n" class="{cls}">{body}</div>
</body></html>"""


def _doc(extra: str = "", cls: str = "", body: str = "一段") -> str:
    return LISTS.replace("{extra}", extra).replace("{cls}", cls).replace("{body}", body)


def _needed(html: str) -> tuple[bool, bool, bool]:
    import weasyprint

    from generator.pdf import styles as pdfstyles

    doc = weasyprint.HTML(string=html)
    sheets = [(weasyprint.CSS(string=style.text or ""), "author", None)
              for style in doc.etree_element.iter("style")]
    return pdfstyles.needed(doc, sheets)


@pytest.mark.parametrize("css, expected", [
    ("", (False, False, False)),
    (".f { float: footnote }", (True, False, False)),
    (".f { float: left }", (False, False, False)),
    (".f { float: footnot }", (False, False, False)),  # invalid: WeasyPrint ignores it too
    (".f { position: note(side) }", (False, True, False)),
    (".f { position: relative }", (False, False, False)),
    (".f { display: list-item }", (False, False, True)),
    (".f { display: block flow list-item }", (False, False, True)),
    (".f { display: inline-block }", (False, False, False)),
    ("li > .f { display: inherit }", (False, False, True)),  # a list item of li's display, not an li
    (".f { float: inherit; position: inherit }", (False, False, False)),  # from a parent that would be found
    (":root { --where: footnote } .f { float: var(--where) }", (True, False, False)),  # known only once cascaded
    ("@media print { .f { FLOAT: Footnote } }", (True, False, False)),
    (".a { color: red; .f & { display: list-item } }", (False, False, True)),  # nested rule
])
def test_what_the_declarations_can_make(css, expected):
    assert _needed(_doc(css)) == expected


@pytest.mark.parametrize("style, expected", [
    ("float: footnote", (True, False, False)),
    ("display:list-item", (False, False, True)),
    ("position: note(x)", (False, True, False)),
    ("fl\\6f at: footnote", (True, False, False)),  # an escaped name is still the property
    ("color: red; float: nonsense", (False, False, False)),
    ("display: var(--d)", (False, False, True)),
])
def test_style_attributes_count_too(style, expected):
    html = _doc().replace('<div id="n"', f'<div id="n" style="{style}"')
    assert _needed(html) == expected


@pytest.mark.parametrize("content", [ROOT / "content", ROOT / "tests" / "fixtures" / "offshore-wind" / "content"],
                         ids=["sample", "offshore-wind"])
def test_the_shipped_templates_need_none_of_the_rules(content):
    # a template change that makes any element a footnote or a list item of its own costs
    # every edition six pseudo-element styles per element again: this says so
    from generator.render.editions import print_html, render_editions
    from generator.load.config import Config
    from generator.load.content import load_content
    from generator.diagnostics import Diagnostics

    diag = Diagnostics(root=content.parent)
    loaded = load_content(content, diag)
    variant = loaded.manifest.variants[-1]
    html = render_editions(loaded, [variant], None, diag, Config(), only=[variant])[variant]
    assert _needed(print_html(html)) == (False, False, False)


@pytest.mark.parametrize("case", ["plain", "footnote", "list-item", "inherited"])
def test_the_pdf_is_byte_for_byte_weasyprints(case, tmp_path):
    html = {
        "plain": _doc(),
        "footnote": _doc(".fn { float: footnote }", body='正文<span class="fn">脚注一</span>再续<span class="fn">脚注二</span>'),
        "list-item": _doc(".li { display: list-item; list-style-type: decimal; margin-left: 2em }", cls="li"),
        # a list item by inheritance (not an li): its marker is "a." only with the UA's text-transform
        "inherited": _doc("li > .in { display: inherit; list-style-type: lower-alpha; text-transform: uppercase }")
        .replace("<li>第一项</li>", '<li><p class="in">第一项</p></li>'),
    }[case]
    (tmp_path / "in.html").write_text(html, encoding="utf-8")
    ours, stock = tmp_path / "ours.pdf", tmp_path / "stock.pdf"
    render_pdf_fresh(tmp_path / "in.html", ours)
    render_pdf_fresh(tmp_path / "in.html", stock, ("generator.pdf.styles.active",))
    assert ours.read_bytes() == stock.read_bytes()


def test_the_lighter_sheet_is_used_only_where_nothing_needs_the_rules(caplog):
    import weasyprint

    from generator.pdf import styles as pdfstyles

    assert pdfstyles.install()
    pdfstyles._sheets.clear()  # parsed again here, where its warnings would be seen
    light = pdfstyles._sheet(weasyprint.html.UA, (False, False, False))
    assert light is not weasyprint.UA_STYLESHEET
    assert pdfstyles._sheet(weasyprint.html.UA, (True, True, True)) is weasyprint.UA_STYLESHEET
    pseudo = {entry[3] for entries in (light.matcher.other_selectors,
                                       *light.matcher.lower_local_name_selectors.values()) for entry in entries}
    assert not pseudo & {"footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback"}
    assert "marker" in pseudo  # li::marker
    assert not caplog.records  # (its @counter-style rules are not registered twice)
    assert not any(entry[3] == "marker" for entry in light.matcher.other_selectors)  # not ::marker of all
