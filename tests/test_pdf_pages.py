"""Every page of both PDFs, rendered to PNG (pdftoppm) and read as a reader
would: no blank pages, no text or drawing outside the page box or beyond the
side margins, and page 1 is the one-pager -- the whole summary on it, the
contents on page 2. The PNGs stay in the test's temporary directory to be
looked at."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

PT_PER_MM = 72 / 25.4
# The shipped stylesheet's page box (templates/css/briefing.css.j2, @page).
SIDE_MARGIN_MM = 17
EDGE_MM = 4          # nothing may be drawn this close to the paper's edge
DPI = 40
EDITIONS = ("zh-Hans", "zh-Hant")
PAGE_1 = {
    "zh-Hans": ("核心观点", "关键判断", "关键数字一览", "观察指标", "待解问题"),
    "zh-Hant": ("核心觀點", "關鍵判斷", "關鍵數字一覽", "觀察指標", "待解問題"),
}
TOC = {"zh-Hans": "目录", "zh-Hant": "目錄"}

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils is not installed (make test installs it)")


@pytest.fixture(scope="module")
def pngs(built, tmp_path_factory) -> dict[str, list[Path]]:
    """variant -> one PNG per page (in the test's temporary directory)."""
    out = {}
    for variant in EDITIONS:
        d = tmp_path_factory.mktemp(f"pages-{variant}")
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(built[f"{variant}.pdf"]), str(d / "p")],
                       check=True)
        out[variant] = sorted(d.glob("p-*.png"))
    return out


@pytest.fixture(scope="module")
def words(built) -> dict[str, list[dict]]:
    """variant -> per page: {'width', 'height', 'words': [(xmin, ymin, xmax, ymax, text)]} in points."""
    out = {}
    for variant in EDITIONS:
        xml = subprocess.run(["pdftotext", "-bbox", str(built[f"{variant}.pdf"]), "-"],
                             capture_output=True, text=True, check=True).stdout
        pages = []
        for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
            ws = [(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in re.findall(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', m.group(3))]
            pages.append({"width": float(m.group(1)), "height": float(m.group(2)), "words": ws})
        out[variant] = pages
    return out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r"\s+", "", p) for p in text.split("\f")[:-1]]


@pytest.mark.parametrize("variant", EDITIONS)
def test_every_page_is_rendered_and_none_is_blank(pngs, words, variant):
    from PIL import Image

    assert len(pngs[variant]) == len(words[variant]) >= 20
    for n, png in enumerate(pngs[variant], 1):
        im = Image.open(png).convert("L")
        w, h = im.size
        mm = DPI / 25.4
        # the body: between the running head and the folio
        body = im.crop((int(15 * mm), int(22 * mm), w - int(15 * mm), h - int(20 * mm)))
        dark = sum(body.histogram()[:160])
        share = dark / (body.size[0] * body.size[1])
        assert share > 0.001, f"{variant} page {n} is blank: {share:.2%} ink ({png})"
        assert len(words[variant][n - 1]["words"]) > 20, f"{variant} page {n} has almost no text"


@pytest.mark.parametrize("variant", EDITIONS)
def test_nothing_is_drawn_at_the_edge_of_the_paper(pngs, variant):
    from PIL import Image

    for n, png in enumerate(pngs[variant], 1):
        im = Image.open(png).convert("L")
        w, h = im.size
        e = max(1, int(EDGE_MM * DPI / 25.4))
        bands = [im.crop((0, 0, w, e)), im.crop((0, h - e, w, h)), im.crop((0, 0, e, h)), im.crop((w - e, 0, w, h))]
        ink = [next(v for v, c in enumerate(b.histogram()) if c) for b in bands]  # darkest pixel
        assert min(ink) > 200, f"{variant} page {n}: something is drawn within {EDGE_MM} mm of the edge ({png})"


@pytest.mark.parametrize("variant", EDITIONS)
def test_no_text_overflows_the_page_box(words, variant):
    """Every word, running heads and folios included, lies on the page and
    between the side margins: a table cell or a long Latin word that does not
    fit would stick out to the right."""
    tol = 4  # a compressed bracket's blank half (halt) may start just left of the margin
    for n, page in enumerate(words[variant], 1):
        left = SIDE_MARGIN_MM * PT_PER_MM - tol
        right = page["width"] - SIDE_MARGIN_MM * PT_PER_MM + tol
        out = [w for w in page["words"]
               if w[0] < left or w[2] > right or w[1] < 0 or w[3] > page["height"]]
        assert out == [], f"{variant} page {n}: text outside the page box: {[w[4] for w in out][:5]}"


@pytest.mark.parametrize("variant", EDITIONS)
def test_page_one_is_the_one_pager_and_page_two_the_contents(built, words, content_for_pages, variant):
    pages = page_texts(built[f"{variant}.pdf"])
    first = pages[0]
    for heading in PAGE_1[variant]:
        assert heading in first, f"{heading} is not on page 1"
    # The signposts and the top questions stand side by side at the foot of
    # page 1: a plain extraction interleaves their last lines when they end
    # at the same height, so each is also looked for column by column.
    page = words[variant][0]
    mid = page["width"] / 2
    by_column = "".join(w[4] for w in sorted(page["words"], key=lambda w: (w[0] >= mid, w[1], w[0])))
    last_watch, last_question = content_for_pages[variant]
    assert last_watch in first or last_watch in by_column, "the last signpost spilled off page 1"
    assert last_question in first or last_question in by_column, "the last top question spilled off page 1"
    assert TOC[variant] + PAGE_1[variant][0] in pages[1], "page 2 is not the contents"
    assert re.search(rf"{PAGE_1[variant][0]}[.·]*1一、", pages[1]), "the contents do not list the summary on page 1"


@pytest.fixture(scope="module")
def content_for_pages():
    """variant -> (the last signpost, the last top question) as they appear in the PDF text."""
    from generator.chinese.convert import Converter
    from generator.load.content import load_content
    from generator.grammar import CITATION_RE

    c = load_content(Path(__file__).resolve().parent.parent / "content")
    top = [q for q in c.questions if q.top][-1]
    out = {}
    for variant in EDITIONS:
        conv = Converter(variant, c.glossary)
        squash = lambda s: re.sub(r"\s+", "", CITATION_RE.sub("", conv.convert(str(s))))  # noqa: E731
        out[variant] = (squash(c.summary.watch[-1].signpost)[-12:], squash(top.question)[-12:])
    return out
