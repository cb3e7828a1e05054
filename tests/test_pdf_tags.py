"""The tagged PDF's structure tree without a wrapper element per text box
(generator/pdf/tags.py, issue 17): every piece of marked content on a page is
referred to exactly once, from the element it belongs to, and the parent
tree says so; the pages, the content streams and the extracted text are
those of WeasyPrint's own tagging."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from conftest import render_pdf_fresh


HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>标签</title>
<style>@page { size: A5 } body { font-family: "Noto Serif CJK SC" } .c { color: #666 }</style></head><body>
<h1>结构树</h1>
<p>第一段正文，<span class="c">带一个行内元素</span>，还有<a href="#t">一个链接</a>和<b>加粗</b>。{long}</p>
<ul><li>列表一</li><li>列表二<span class="c">〔来源〕</span></li></ul>
<table id="t"><thead><tr><th>项目</th><th>数值</th></tr></thead><tbody><tr><td>收入</td><td>1.4万亿</td></tr></tbody></table>
</body></html>""".replace("{long}", "这一句会折成好几行。" * 40)


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory) -> dict[str, Path]:
    """The same HTML tagged by us and by WeasyPrint alone, each in a fresh process."""
    out = tmp_path_factory.mktemp("pdftags")
    (out / "in.html").write_text(HTML, encoding="utf-8")
    pdfs = {}
    for way in ("ours", "weasyprint"):
        pdfs[way] = out / f"{way}.pdf"
        off = ("generator.pdf.finisher.active",) + (("generator.pdf.tags.install",) if way == "weasyprint" else ())
        render_pdf_fresh(out / "in.html", pdfs[way], off)  # (this module's change alone: not the compact writer's)
    return pdfs


def _structure(pdf: Path):
    """Per page: the MCIDs its content stream marks, the elements (by
    object number) that hold each MCID, and the parent tree's entry for it;
    and all structure elements."""
    reader = pypdf.PdfReader(pdf)
    page_of = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    drawn = {i: [int(m) for m in re.findall(rb"/MCID (\d+)", p.get_contents().get_data())]
             for i, p in enumerate(reader.pages)}
    held: dict[tuple[int, int], list[int]] = {}
    elements = []
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    stack = [(k, None) for k in root["/K"]]
    while stack:
        ref, page = stack.pop()
        elem = ref.get_object()
        if elem.get("/Type") != "/StructElem":
            continue
        elements.append(elem)
        if "/Pg" in elem:
            page = page_of[elem.raw_get("/Pg").idnum]
        for kid in elem.get("/K", []):
            if isinstance(kid, int):
                held.setdefault((page, int(kid)), []).append(ref.idnum)
            else:
                stack.append((kid, page))
    nums = list(root["/ParentTree"].get_object()["/Nums"])
    parents = {}
    for i in range(0, len(nums), 2):
        entry = nums[i + 1].get_object() if hasattr(nums[i + 1], "get_object") else nums[i + 1]
        if int(nums[i]) in drawn:  # a page's array: MCID -> element
            parents.update({(int(nums[i]), mcid): ref.idnum for mcid, ref in enumerate(entry)})
    return drawn, held, parents, elements


def _held_once_by_parent(pdf: Path) -> None:
    drawn, held, parents, elements = _structure(pdf)
    marked = {(page, mcid) for page, mcids in drawn.items() for mcid in mcids}
    assert len(marked) == sum(len(m) for m in drawn.values()) > 20  # each MCID once per page
    assert set(held) <= marked
    for key, holders in held.items():
        assert holders == [parents[key]], key
    # the rest is the running heads and feet: WeasyPrint tags margin boxes in
    # trees of their own that the document does not link (PDF 1.7 has no
    # artifact element); so do we
    reachable = {e.indirect_reference.idnum for e in elements}
    for page, mcids in drawn.items():
        margins = [m for m in mcids if (page, m) not in held]
        assert len(margins) <= 8, (page, margins)
        assert not {parents[(page, m)] for m in margins} & reachable


@pytest.mark.parametrize("way", ["ours", "weasyprint"])
def test_every_marked_content_is_held_once_by_its_parent(both_ways, way):
    _held_once_by_parent(both_ways[way])


@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant"])
def test_the_briefings_structure_tree(built, variant):
    _held_once_by_parent(built[f"{variant}.pdf"])


def test_no_element_only_wraps_one_text_run(both_ways):
    ours = _structure(both_ways["ours"])[3]
    theirs = _structure(both_ways["weasyprint"])[3]
    def direct(elements) -> set[str]:  # the kinds of element that hold marked content themselves
        return {str(e["/S"]) for e in elements if any(isinstance(k, int) for k in e["/K"])}

    assert direct(theirs) == {"/Span", "/Link"}  # WeasyPrint: a /Span around every text run
    assert {"/H1", "/P", "/LBody", "/TH", "/TD", "/Link"} <= direct(ours)
    assert len(ours) < len(theirs) * 0.7
    kinds = {str(e["/S"]) for e in ours}
    assert {"/H1", "/P", "/Span", "/Link", "/L", "/LI", "/Table", "/TH", "/TD"} <= kinds  # every element kept


def test_the_pages_and_text_are_the_same(both_ways):
    readers = {w: pypdf.PdfReader(p) for w, p in both_ways.items()}
    pages = {w: [p.get_contents().get_data() for p in r.pages] for w, r in readers.items()}
    assert pages["ours"] == pages["weasyprint"]  # the drawing is untouched: only the tree changed
    texts = {w: "".join(p.extract_text() for p in r.pages) for w, r in readers.items()}
    assert texts["ours"] == texts["weasyprint"] and "结构树" in texts["ours"]
    assert both_ways["ours"].stat().st_size < both_ways["weasyprint"].stat().st_size


def test_an_unknown_weasyprint_keeps_its_own_tagging(monkeypatch):
    """Installed only where the anchor is found verbatim on the tested version."""
    import weasyprint

    from generator.pdf import tags as pdftags

    monkeypatch.setattr(pdftags, "_installed", None)
    monkeypatch.setattr(weasyprint, "__version__", "99.0")
    assert pdftags.install() is False
    monkeypatch.setattr(pdftags, "_installed", None)
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    monkeypatch.setattr(pdftags, "ANCHOR", "not in the source\n")
    assert pdftags.install() is False
