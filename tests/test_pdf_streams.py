"""Page content streams joined once each page is drawn (generator.pdf.
compact_page_streams, issue 17): the PDF's bytes are those WeasyPrint
writes from its own list of operators."""

from __future__ import annotations

import io

import pydyf
import pypdf
from conftest import render_pdf_fresh


HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>流</title>
<style>@page { size: A6 } body { font-family: "Noto Serif CJK SC" } .c { color: #666; background: #eee }</style>
</head><body><h1>内容流</h1><p>第一段，<span class="c">带底色的行内元素</span>，<b>加粗</b>。{long}</p>
<table><tr><td>收入</td><td>1.4万亿</td></tr></table></body></html>""".replace("{long}", "这一句会折成好几行。" * 60)


def test_a_joined_stream_is_written_as_its_items_were():
    items = [b"q", 0.75, "0 0 1 rg", pydyf.Array([1, 2.5, "/F1"]), 12, b"BT", b"(\\x00\\n) Tj", b"Q"]
    listed, joined = pydyf.Stream(list(items), compress=True), pydyf.Stream(list(items), compress=True)
    joined.stream = [b"\n".join(pydyf._to_bytes(i) for i in joined.stream)]
    assert listed.data == joined.data


def test_a_briefing_page_renders_to_the_same_bytes_with_joined_streams(tmp_path):
    (tmp_path / "in.html").write_text(HTML, encoding="utf-8")
    out = {}
    for kind in ("weasyprint", "joined"):
        off = ("generator.pdf.compact_page_streams",) if kind == "weasyprint" else ()
        printed = render_pdf_fresh(tmp_path / "in.html", tmp_path / f"{kind}.pdf", off)
        out[kind] = (tmp_path / f"{kind}.pdf").read_bytes(), printed
    assert out["joined"][1] == "[True]", "the hook is active on this WeasyPrint"
    assert out["weasyprint"][1] == "[]"
    assert out["joined"][0] == out["weasyprint"][0]
    assert len(pypdf.PdfReader(io.BytesIO(out["joined"][0])).pages) >= 2, "more than one page drawn"
