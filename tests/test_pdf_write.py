"""The PDF written compactly (generator/pdf/finisher.py, issue 17): grouping
elements folded into their parents, link object references inside the
links, objects numbered without gaps, streams compressed by libdeflate,
link areas to 1/100 pt. The same HTML is rendered with and without it, each
in a fresh process: the pages, the text, the links, the outline and the
structure tree a screen reader walks are the same, in fewer bytes."""

from __future__ import annotations

import io
import re
import subprocess
import zlib
from pathlib import Path

import pydyf
import pypdf
import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import render_pdf_fresh
from generator.pdf import finisher as pdfwrite

OFF = ("generator.pdf.finisher.active",)  # pydyf writes the file: what the compact writer is compared with

HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>紧凑</title>
<style>@page { size: A6; margin: 12mm } body { font-family: "Noto Serif CJK SC" } .c { color: #666 }
h2 { break-before: page }</style></head><body>
<h1 id="top">写出的文件</h1>
<p>第一段，<span class="c">带一个行内元素</span>，<b>加粗<sup>〔1〕</sup></b>，<a href="#t">表格</a>、
<a href="https://example.org/">外链</a>和<span lang="en">an English span</span>。{long}</p>
<div><div><p>两层匿名块里的段落，<span><span>套两层的行内元素</span></span>。</p></div></div>
<ul><li>列表一<a href="#top">回到开头</a></li><li>列表二<span class="c">〔来源〕</span></li></ul>
<h2 id="t">第二部分</h2>
<table><thead><tr><th>项目</th><th>数值</th></tr></thead><tbody>
<tr><td>收入<a href="#top">〔1〕</a></td><td>1.4万亿</td></tr><tr><td>成本</td><td><b>7000亿</b></td></tr>
</tbody></table>
<p>{long}<a href="#t">又一个链接</a>。</p>
</body></html>""".replace("{long}", "这一句会折成好几行，跨过页面。" * 30)


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory) -> dict[str, Path]:
    """The same HTML written by us (twice) and by pydyf, each in a fresh process."""
    out = tmp_path_factory.mktemp("pdfwrite")
    (out / "in.html").write_text(HTML, encoding="utf-8")
    pdfs = {}
    for way in ("ours", "again", "weasyprint"):
        pdfs[way] = out / f"{way}.pdf"
        render_pdf_fresh(out / "in.html", pdfs[way], OFF if way == "weasyprint" else ())
    return pdfs


def _reader(pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(pdf, strict=True)


def test_written_smaller_and_the_same_every_time(both_ways):
    ours, theirs = both_ways["ours"].read_bytes(), both_ways["weasyprint"].read_bytes()
    assert ours == both_ways["again"].read_bytes()
    assert len(ours) < len(theirs)  # mostly the font here; the sample: 809 -> 729 KB (make bench)


def test_the_pages_draw_the_same(both_ways):
    readers = {w: _reader(p) for w, p in both_ways.items()}
    assert len(readers["ours"].pages) >= 3  # the text crosses pages: elements continue on the next page
    pages = {w: [p.get_contents().get_data() for p in r.pages] for w, r in readers.items()}
    assert pages["ours"] == pages["weasyprint"]
    texts = {w: [p.extract_text() for p in r.pages] for w, r in readers.items()}
    assert texts["ours"] == texts["weasyprint"] and "写出的文件" in texts["ours"][0]
    pdfium = {w: [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(p)]
              for w, p in both_ways.items()}
    assert pdfium["ours"] == pdfium["weasyprint"]
    for way in ("ours", "weasyprint"):  # poppler reads every object without a complaint
        done = subprocess.run(["pdftotext", str(both_ways[way]), "-"], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr and "第二部分" in done.stdout


def test_every_object_is_there_and_numbered_without_gaps(both_ways):
    reader = _reader(both_ways["ours"])
    size = int(reader.trailer["/Size"])
    for number in range(1, size):  # every entry of the cross-reference stream is an object
        assert reader.get_object(number) is not None, number
    data = both_ways["ours"].read_bytes()
    assert re.search(rb"/Type /XRef[^\n]*/DecodeParms <</Columns \d+/Predictor 12>>", data)  # rows as differences
    for ref in set(re.findall(rb"(?<![\d.])(\d+) 0 R\b", _inflated(data))):
        assert 0 < int(ref) < size, ref  # no reference to an object that is not there


def _inflated(pdf: bytes) -> bytes:
    """The file's objects: the file itself and its object stream decompressed."""
    parts = [pdf]
    for m in re.finditer(rb"/Type /ObjStm[^>]*>>\nstream\n", pdf):
        parts.append(zlib.decompress(pdf[m.end():pdf.find(b"\nendstream", m.end())]))
    assert len(parts) == 2
    return b"\n".join(parts)


def _tree(pdf: Path) -> list:
    """The structure tree as a screen reader walks it, grouping elements
    dissolved: nested [type, page, [kids]] with a page's MCIDs as
    ("mcid", page, n) and annotations as ("annot", page, rect)."""
    reader = _reader(pdf)
    page_of = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}

    def walk(node, page):
        node = node.get_object()
        if node.get("/Type") == "/OBJR":
            annot = node["/Obj"].get_object()
            return [("annot", page_of[node.raw_get("/Pg").idnum], [round(float(v), 1) for v in annot["/Rect"]])]
        if "/Pg" in node:
            page = page_of[node.raw_get("/Pg").idnum]
        kids = []
        for kid in node.get("/K", []):
            kids += [("mcid", page, int(kid))] if isinstance(kid, int) else walk(kid, page)
        plain = set(node) <= {"/Type", "/S", "/K", "/Pg", "/P"}
        if node["/S"] in ("/NonStruct", "/Span") and plain:
            return kids
        return [[str(node["/S"]), kids]]

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    return [x for k in root["/K"] for x in walk(k, None)]


def test_the_structure_tree_reads_the_same(both_ways):
    ours, theirs = _tree(both_ways["ours"]), _tree(both_ways["weasyprint"])
    assert ours == theirs
    flat = repr(ours)
    for kind in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Link", "annot"):
        assert kind in flat, kind


def _elements(pdf: Path) -> list:
    reader = _reader(pdf)
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    found, stack = [], list(root["/K"])
    while stack:
        node = stack.pop().get_object()
        if node.get("/Type") == "/StructElem":
            found.append(node)
            stack += [k for k in node.get("/K", []) if not isinstance(k, int)]
    return found


def test_grouping_elements_are_folded_and_the_rest_kept(both_ways):
    ours, theirs = _elements(both_ways["ours"]), _elements(both_ways["weasyprint"])

    def grouping(e) -> bool:
        return e["/S"] in ("/NonStruct", "/Span") and set(e) <= {"/Type", "/S", "/K", "/Pg", "/P"}

    assert sum(map(grouping, theirs)) >= 5  # the HTML has them: the test folds something
    assert not any(grouping(e) for e in ours if "/Pg" in e)
    assert len(ours) < len(theirs)
    kept = {str(e["/S"]) for e in theirs if not grouping(e)}
    assert kept == {str(e["/S"]) for e in ours}
    for e in ours:  # each element's kids name it as their parent
        for kid in e.get("/K", []):
            if not isinstance(kid, int) and kid.get_object().get("/Type") == "/StructElem":
                assert kid.get_object().raw_get("/P").idnum == e.indirect_reference.idnum


def test_every_marked_content_is_held_once_by_the_element_the_parent_tree_names(both_ways):
    reader = _reader(both_ways["ours"])
    page_of = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    held = {}
    for e in _elements(both_ways["ours"]):
        for kid in e.get("/K", []):
            if isinstance(kid, int):
                key = (page_of[e.raw_get("/Pg").idnum], int(kid))
                assert key not in held, key
                held[key] = e.indirect_reference.idnum
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    for i in range(0, len(nums), 2):
        if int(nums[i]) < len(reader.pages):
            for mcid, ref in enumerate(nums[i + 1].get_object()):
                if (int(nums[i]), mcid) in held:
                    assert ref.idnum == held[(int(nums[i]), mcid)]
    assert len(held) > 30


def test_links_land_where_they_did(both_ways):
    def links(pdf: Path):
        reader = _reader(pdf)
        page_of = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
        dests = {name: (page_of[d.page.idnum], round(float(d.top), 2)) for name, d in reader.named_destinations.items()}
        found = []
        for n, page in enumerate(reader.pages):
            for a in page.get("/Annots", []):
                a = a.get_object()
                target = dests[str(a["/Dest"])] if "/Dest" in a else a["/A"]["/URI"]
                found.append((n, [round(float(v), 1) for v in a["/Rect"]], target, "/StructParent" in a))
        return found

    ours, theirs = links(both_ways["ours"]), links(both_ways["weasyprint"])
    assert ours == theirs and len(ours) >= 5
    assert {t for _, _, t, _ in ours} >= {"https://example.org/"} and all(s for *_, s in ours)
    outline = {w: [o.title for o in _reader(p).outline if not isinstance(o, list)] for w, p in both_ways.items()}
    assert outline["ours"] == outline["weasyprint"]


def test_a_link_area_is_rounded_to_a_hundredth_of_a_point(both_ways):
    data = _inflated(both_ways["ours"].read_bytes())
    rects = re.findall(rb"/Rect \[([^\]]*)\]", data)
    assert rects and all(len(v.split(b".")[1]) <= 2 for r in rects for v in r.split() if b"." in v)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000) | st.text(alphabet="0123456789 .-R", max_size=3000).map(str.encode))
def test_compress_is_flate_that_zlib_reads(data):
    packed = pdfwrite.compress(data)
    assert zlib.decompress(packed) == data
    assert pdfwrite.compress(data) == packed


def test_renumbering_rewrites_every_reference_once():
    pdf = pydyf.PDF()
    kept, dropped, target = pydyf.Dictionary({"Type": "/Kept"}), pydyf.Dictionary({"Type": "/Gone"}), \
        pydyf.Dictionary({"Type": "/Target"})
    for obj in (dropped, kept, target):
        pdf.add_object(obj)
    shared = pydyf.Array([target.reference])  # one array placed twice: rewritten once
    kept["A"] = shared
    kept["B"] = pydyf.Dictionary({"Inner": pydyf.Array([target.reference, b"(7 0 R)", 7, "/Name"]), "Same": shared})
    stream = pydyf.Stream([b"q Q"], {"Type": "/XObject", "Ref": target.reference}, compress=True)
    pdf.add_object(stream)  # a stream's dictionary holds references too (an image's /SMask)
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "Ref": target.reference,
                             "Stream": stream.reference})
    pdf.add_page(page)
    dropped.free = "f"
    out = io.BytesIO()
    pdfwrite.write(pdf, out, b"1.7", b"0" * 32, True)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert target.number == _number_of_target(reader) and kept["A"] == [b"%d 0 R" % target.number]
    assert kept["B"]["Inner"] == [b"%d 0 R" % target.number, b"(7 0 R)", 7, "/Name"]  # a string stays a string
    assert reader.pages[0]["/Ref"].get_object()["/Type"] == "/Target"
    assert reader.pages[0]["/Stream"].get_object()["/Ref"].get_object()["/Type"] == "/Target"
    assert len(reader.pages) == 1
    assert all(reader.get_object(n) is not None for n in range(1, int(reader.trailer["/Size"])))


def _number_of_target(reader: pypdf.PdfReader) -> int:
    """The number the target took once the dropped object's gap was closed."""
    for n in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(n)
        if isinstance(obj, dict) and obj.get("/Type") == "/Target":
            return n
    raise AssertionError("no target")


def test_a_grouping_element_stays_where_folding_would_lose_something():
    pdf = pydyf.PDF()
    page = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(page)
    tree = pydyf.Dictionary({"Nums": pydyf.Array([0, pydyf.Array()])})
    root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": b""})
    doc = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "K": pydyf.Array()})
    for obj in (tree, root, doc):
        pdf.add_object(obj)
    root["ParentTree"], root["K"] = tree.reference, pydyf.Array([doc.reference])
    pdf.catalog["StructTreeRoot"] = root.reference
    doc["P"] = root.reference

    def element(kind, parent, kids, **extra):
        e = pydyf.Dictionary({"Type": "/StructElem", "S": kind, "K": pydyf.Array(kids), "Pg": page.reference,
                              "P": parent.reference, **extra})
        pdf.add_object(e)
        parent["K"].append(e.reference)
        return e

    loose = element("/NonStruct", doc, [0])  # MCIDs straight under the page-less document: stays
    p = element("/P", doc, [])
    lang = element("/Span", p, [1], Lang=pydyf.String("en"))  # says something: stays
    outer = element("/NonStruct", p, [])
    inner = element("/Span", outer, [2, 3])  # two levels of grouping: both go
    tree["Nums"][1].extend([loose.reference, lang.reference, inner.reference, inner.reference])
    assert pdfwrite.fold(pdf) == {inner.reference: outer.reference, outer.reference: p.reference}
    assert p["K"] == [lang.reference, 2, 3] and doc["K"] == [loose.reference, p.reference]
    assert tree["Nums"][1] == [loose.reference, lang.reference, p.reference, p.reference]
    assert outer.free == inner.free == "f" and loose.free == lang.free == "n"


def test_an_unknown_weasyprint_or_pydyf_writes_its_own_pdf(monkeypatch):
    import weasyprint

    assert pdfwrite.active()
    monkeypatch.setattr(weasyprint, "__version__", "99.0")
    assert not pdfwrite.active()
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    monkeypatch.setattr(pydyf, "__version__", "0.99.0")
    assert not pdfwrite.active()


def test_images_masks_and_drawings_come_through(tmp_path):
    """An image with transparency (its soft mask is an object of its own,
    referred to from the image's dictionary), a photo, a background image
    and an SVG drawing: every page renders as pydyf's file does."""
    from PIL import Image, ImageDraw

    alpha = Image.new("RGBA", (120, 80), (255, 0, 0, 0))
    ImageDraw.Draw(alpha).ellipse((10, 10, 110, 70), fill=(0, 120, 200, 180))
    alpha.save(tmp_path / "alpha.png")
    Image.new("RGB", (100, 60), (30, 160, 90)).save(tmp_path / "photo.jpg", quality=80)
    (tmp_path / "in.html").write_text("""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>图</title><style>@page { size: A6 } body { font-family: "Noto Serif CJK SC" }
.bg { background: url(alpha.png); height: 30mm; opacity: .6 }</style></head><body><h1>图片</h1>
<p>透明：<img src="alpha.png" alt="圆"> 照片：<img src="photo.jpg" alt="照片"></p><div class="bg">背景</div>
<svg width="60" height="40"><title>矢量</title><circle cx="20" cy="20" r="15" fill="rgba(0,0,255,.5)"/></svg>
<p><a href="#x">链接</a></p><p id="x">目标</p></body></html>""", encoding="utf-8")
    pages = {}
    for way in ("ours", "weasyprint"):
        pdf = tmp_path / f"{way}.pdf"
        render_pdf_fresh(tmp_path / "in.html", pdf, OFF if way == "weasyprint" else ())
        assert b"/SMask" in _inflated(pdf.read_bytes())
        pages[way] = [page.render(scale=1).to_pil().tobytes() for page in pypdfium2.PdfDocument(pdf)]
    assert pages["ours"] == pages["weasyprint"] and pages["ours"]


def _tagged():
    """A hand-made tagged PDF: a paragraph holding a plain /Span, a link
    element holding its annotation's object reference, and the parent tree."""
    pdf = pydyf.PDF()
    page = pydyf.Dictionary({"Type": "/Page", "Annots": pydyf.Array()})
    pdf.add_page(page)
    tree = pydyf.Dictionary({"Nums": pydyf.Array([0, pydyf.Array()])})
    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    doc = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "K": pydyf.Array()})
    for obj in (tree, root, doc):
        pdf.add_object(obj)
    root["ParentTree"], root["K"], doc["P"] = tree.reference, pydyf.Array([doc.reference]), root.reference
    pdf.catalog["StructTreeRoot"] = root.reference
    para = pydyf.Dictionary({"Type": "/StructElem", "S": "/P", "K": pydyf.Array(), "Pg": page.reference,
                             "P": doc.reference})
    pdf.add_object(para)
    doc["K"].append(para.reference)
    span = pydyf.Dictionary({"Type": "/StructElem", "S": "/Span", "K": pydyf.Array([0]), "Pg": page.reference,
                             "P": para.reference})
    annot = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link", "Rect": pydyf.Array([1.234567, 2.0, 3.3333333, 4.5]),
                              "StructParent": 1})
    widget = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Widget", "Rect": pydyf.Array([1.234567, 2.0, 3.0, 4.0])})
    for obj in (span, annot, widget):
        pdf.add_object(obj)
    page["Annots"].extend([annot.reference, widget.reference])
    objr = pydyf.Dictionary({"Type": "/OBJR", "Obj": annot.reference, "Pg": page.reference})
    pdf.add_object(objr)
    link = pydyf.Dictionary({"Type": "/StructElem", "S": "/Link", "K": pydyf.Array([objr.reference, 1]),
                             "Pg": page.reference, "P": para.reference})
    pdf.add_object(link)
    para["K"].extend([span.reference, link.reference])
    tree["Nums"][1].extend([span.reference, link.reference])
    tree["Nums"].extend([1, link.reference])
    return pdf, dict(page=page, para=para, span=span, annot=annot, widget=widget, objr=objr, link=link)


def _written(pdf) -> pypdf.PdfReader:
    out = io.BytesIO()
    pdfwrite.write(pdf, out, b"1.7", b"0" * 32, True)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert all(reader.get_object(n) is not None for n in range(1, int(reader.trailer["/Size"])))
    return reader


def test_only_link_areas_are_rounded():
    pdf, parts = _tagged()
    reader = _written(pdf)
    rects = {str(a.get_object()["/Subtype"]): [float(v) for v in a.get_object()["/Rect"]]
             for a in reader.pages[0]["/Annots"]}
    assert rects == {"/Link": [1.23, 2.0, 3.33, 4.5], "/Widget": [1.234567, 2.0, 3.0, 4.0]}


def test_a_reference_from_elsewhere_keeps_what_it_names():
    """A folded element named outside the tree (an outline item's /SE) is
    named through the element that took its content; an object reference
    named from elsewhere stays an object of its own; nothing dangles."""
    pdf, parts = _tagged()
    item = pydyf.Dictionary({"Title": pydyf.String("x"), "SE": parts["span"].reference, "O": parts["objr"].reference})
    pdf.add_object(item)
    pdf.catalog["Outlines"] = item.reference
    reader = _written(pdf)
    outline = reader.trailer["/Root"]["/Outlines"].get_object()
    assert outline["/SE"].get_object()["/S"] == "/P"  # the span's content is the paragraph's now
    assert outline["/O"].get_object()["/Type"] == "/OBJR"
    assert outline["/O"].get_object()["/Obj"].get_object()["/Subtype"] == "/Link"
    para = outline["/SE"].get_object()
    assert [k if isinstance(k, int) else k.get_object()["/S"] for k in para["/K"]] == [0, "/Link"]


def test_only_the_page_trees_kids_are_read_as_number_zero_r():
    pdf, parts = _tagged()
    parts["para"]["Lookalike"] = pydyf.Array([5, 0, "R"])  # three items that are no reference here
    _written(pdf)
    assert parts["para"]["Lookalike"] == [5, 0, "R"]


def test_an_element_without_kids_stays_and_nothing_breaks():
    pdf, parts = _tagged()
    empty = pydyf.Dictionary({"Type": "/StructElem", "S": "/Span", "P": parts["para"].reference})
    pdf.add_object(empty)
    parts["para"]["K"].append(empty.reference)
    pdfwrite.fold(pdf)
    assert empty.free == "n" and parts["span"].free == "f"


def test_a_file_pydyf_writes_itself_is_not_folded():
    """Uncompressed (or before PDF 1.5) the file is pydyf's own, tree and all."""
    pdf, parts = _tagged()
    out = io.BytesIO()
    pdfwrite.write(pdf, out, b"1.7", b"0" * 32, False)
    assert parts["span"].free == parts["objr"].free == "n"
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert all(reader.get_object(n) is not None for n in range(1, int(reader.trailer["/Size"])))
