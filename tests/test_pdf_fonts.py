"""CJK fonts embedded at the size of the glyphs used (generator/pdf/fonts.py,
issue 17): each CID-keyed CFF font goes into the PDF as a bare CFF program
(CIDFontType0C) holding only the glyphs the pages draw, each under its own
CID; the pages look the same and the text extracts the same as with
WeasyPrint's own embedding (every glyph id up to the highest kept)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

from generator.pdf import fonts as pdffonts

ROOT = Path(__file__).resolve().parent.parent


def _cid_fonts(pdf: Path):
    """(CIDFont dictionary, its font file stream) of every Type0 font."""
    seen = set()
    for page in pypdf.PdfReader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            if font["/Subtype"] != "/Type0":
                continue
            cid = font["/DescendantFonts"][0].get_object()
            key = cid.indirect_reference.idnum if cid.indirect_reference else id(cid)
            if key not in seen:
                seen.add(key)
                descriptor = cid["/FontDescriptor"].get_object()
                yield cid, (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object()


def _widths_cids(cid) -> set[int]:
    """The CIDs the /W array gives widths for: the glyphs the pages use."""
    used, w, i = set(), list(cid["/W"]), 0
    while i < len(w):
        first, nxt = int(w[i]), w[i + 1]
        if isinstance(nxt, list) or hasattr(nxt, "__len__"):
            used.update(range(first, first + len(nxt)))
            i += 2
        else:
            used.update(range(first, int(nxt) + 1))
            i += 3
    return used


@pytest.mark.parametrize("variant", ["zh-Hans", "zh-Hant"])
def test_cjk_fonts_are_bare_cff_with_only_the_used_glyphs(built, variant):
    fonts = list(_cid_fonts(built[f"{variant}.pdf"]))
    assert fonts
    for cid, stream in fonts:
        assert cid["/Subtype"] == "/CIDFontType0" and "/CIDToGIDMap" not in cid  # TrueType-only key: gone
        assert stream["/Subtype"] == "/CIDFontType0C"
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(stream.get_data()), None)
        top = cff.topDictIndex[0]
        assert top.ROS[1] == "Identity"
        kept = {int(name[3:]) for name in top.charset if name.startswith("cid")}
        used = _widths_cids(cid)
        assert used <= kept | {0}                       # every glyph drawn is there, under its own CID
        # and little else (HarfBuzz's closure adds a few): not one empty slot per id up to the highest
        assert len(top.charset) <= len(used) + 16 < max(used)


_RENDER = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from generator.pdf import fonts as pdffonts
if sys.argv[2] == "weasyprint":
    pdffonts.install = lambda: False
from generator.render.editions import print_html
from generator.pdf import render_pdf
html = print_html(Path(sys.argv[1]).read_text(encoding="utf-8"))
pdf = render_pdf(html, Path({content!r}), [Path({content!r})]).pdf
Path(sys.argv[3]).write_bytes(pdf)
"""


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory, built):
    """The zh-Hant edition's PDF written with the compact fonts and with
    WeasyPrint's own embedding, each in a fresh process."""
    out = tmp_path_factory.mktemp("pdffonts")
    script = _RENDER.format(root=str(ROOT), content=str(ROOT / "content"))
    pdfs = {}
    for way in ("compact", "weasyprint"):
        pdfs[way] = out / f"{way}.pdf"
        subprocess.run([sys.executable, "-c", script, str(built["zh-Hant.html"]), way, str(pdfs[way])], check=True,
                       timeout=300)
    return pdfs


def test_the_pages_are_drawn_the_same(both_ways, tmp_path):
    """poppler (pdftoppm): every page pixel for pixel; pdfium (Chromium's
    reader): within anti-aliasing (FreeType reads a bare CFF's hints the
    other way), never a glyph."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops

    for way, pdf in both_ways.items():
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / way)], check=True, timeout=300)
    compact, original = (sorted(tmp_path.glob(f"{w}-*.png")) for w in ("compact", "weasyprint"))
    assert len(compact) == len(original) > 10
    for a, b in zip(compact, original):
        assert ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB")).getbbox() is None, a
    docs = [pdfium.PdfDocument(str(both_ways[w])) for w in ("compact", "weasyprint")]
    for i in range(len(docs[0])):
        a, b = (d[i].render(scale=50 / 72).to_pil().convert("L") for d in docs)
        worst = ImageChops.difference(a, b).getextrema()[1]
        assert worst <= 40, (i + 1, worst)  # a missing or wrong glyph differs by far more than 40/255


def test_the_text_extracts_the_same(both_ways):
    texts = {w: "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages) for w, pdf in both_ways.items()}
    assert texts["compact"] == texts["weasyprint"] and len(texts["compact"]) > 10_000


def test_the_compact_file_is_smaller(both_ways):
    """Not a size target (make bench measures those): the point of the hook."""
    assert both_ways["compact"].stat().st_size < both_ways["weasyprint"].stat().st_size


def _cff_of(path: str, number: int = 0) -> bytes:
    font = TTFont(path, fontNumber=number, lazy=True)
    entry = font.reader.tables["CFF "]
    font.reader.file.seek(entry.offset)
    return font.reader.file.read(entry.length)


def _noto() -> str:
    return subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True,
                          check=True).stdout


def _name_keyed_otf() -> bytes:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "A"])
    fb.setupCharacterMap({65: "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)), pen.lineTo((500, 700)), pen.lineTo((0, 700)), pen.closePath()
    strings = {".notdef": pen.getCharString(), "A": pen.getCharString()}
    fb.setupCFF("Test-Regular", {"FullName": "Test"}, strings, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    fb.setupOS2(), fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def test_only_cid_keyed_cff_fonts_are_renumbered():
    """A name-keyed CFF (a Latin OpenType font) has no charset of CIDs: its
    glyph ids would shift, so it keeps WeasyPrint's own subsetting."""
    assert pdffonts._cid_keyed(_cff_of(_noto()))
    name_keyed = _name_keyed_otf()
    assert pdffonts._table(name_keyed, b"CFF ") and not pdffonts._cid_keyed(pdffonts._table(name_keyed, b"CFF "))


@pytest.mark.parametrize("junk", [b"", b"\x01\x00\x04", b"\x01\x00\x04\x04\xff\xff", b"OTTO" + b"\xff" * 40])
def test_broken_font_data_is_never_taken_for_cid_keyed(junk):
    assert pdffonts._table(junk, b"CFF ") is None or not pdffonts._cid_keyed(pdffonts._table(junk, b"CFF "))
    assert not pdffonts._cid_keyed(junk)


def test_the_whole_font_file_is_never_read_for_a_compact_font(built):
    """WeasyPrint copies each font's whole file (20-26 MB per Noto CJK
    collection) when it meets the font; with the compact subset it is read
    only if asked for, and for these fonts it never is."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from generator.pdf import fonts as pdffonts
assert pdffonts.install()
from generator.render.editions import print_html
from weasyprint import HTML
html = print_html(open({str(built["zh-Hans.html"])!r}, encoding="utf-8").read())
document = HTML(string=html, base_url={str(ROOT / "content")!r} + "/").render()
document.write_pdf()
kept = [font.__dict__.get("_file_content") for font in document.fonts.values()]
assert kept and all(data is not None and data[:4] == b"OTTO" and len(data) < 2_000_000 for data in kept), \\
    [(data or b"")[:4] for data in kept]
print("ok", len(kept))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.startswith("ok"), result.stderr[-2000:]
