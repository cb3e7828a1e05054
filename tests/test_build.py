"""A full build of the shipped briefing (the session fixture ``built``: real
WeasyPrint, Noto CJK, OpenCC), checked the way a reader and a PDF viewer see
it: the four files, the text in the right script (pdftotext), the embedded
faces (pdffonts), the bookmarks and metadata (pypdf), the contents page
numbers, running headers and localized folios, the HTML's lang and
self-containment. Features are asserted, never whole-file bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.chinese.convert import Converter
from generator.load.content import load_content

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant-TW"}  # variant -> lang
PAGE = {"zh-Hans": "页", "zh-Hant": "頁"}
TOC = {"zh-Hans": "目录", "zh-Hant": "目錄"}

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")),
                                reason="poppler-utils is not installed (make test installs it)")


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT / "content")


def converted(content, variant: str, text: str) -> str:
    return Converter(variant, content.glossary).convert(str(text))


def squash(text: str) -> str:
    """Text without any whitespace (pdftotext breaks lines, typography adds
    U+2005 between Han and Latin)."""
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pages(built):
    """variant -> list of page texts (pdftotext separates pages by form feed)."""
    return {v: pdftotext(built[f"{v}.pdf"]).split("\f")[:-1] for v in EDITIONS}


@pytest.fixture(scope="module")
def outline(built):
    """variant -> [(depth, title, 1-based page)] of the PDF bookmarks."""
    from pypdf import PdfReader

    out = {}
    for v in EDITIONS:
        reader = PdfReader(built[f"{v}.pdf"])
        items: list[tuple[int, str, int]] = []

        def walk(nodes, depth=0):
            for node in nodes:
                if isinstance(node, list):
                    walk(node, depth + 1)
                else:
                    items.append((depth, node.title, reader.get_destination_page_number(node) + 1))

        walk(reader.outline)
        out[v] = items
    return out


# -- the files -----------------------------------------------------------------

def test_four_files(built):
    assert sorted(built) == ["zh-Hans.html", "zh-Hans.pdf", "zh-Hant.html", "zh-Hant.pdf"]
    for key, path in built.items():
        variant, fmt = key.split(".")
        assert path.name == f"briefing.{variant}.{fmt}"
        data = path.read_bytes()
        assert data.startswith(b"%PDF-" if fmt == "pdf" else b"<!DOCTYPE html>")
        assert len(data) > 20_000


@pytest.mark.parametrize("variant", EDITIONS)
def test_pdf_is_a4_with_real_pages(built, variant):
    info = subprocess.run(["pdfinfo", built[f"{variant}.pdf"]], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 12 + 3  # cover, contents, twelve themes, …


# -- text in the right script ------------------------------------------------

# what another region writes: quoted as an example, never the edition's own usage
OTHER_FORMS = {"zh-Hans": ("兆", "「", "」"), "zh-Hant": ("萬億", "“", "”")}


@pytest.fixture(scope="module")
def own_text(built, pages, foreign_spans):
    """variant -> the PDF's text (squashed) without the elements explicitly
    marked as another language (the glossary's other column, quoted regional
    forms such as [萬億]{lang=zh-Hant-HK}) -- those of them, that is, that
    contain the other script or another region's forms: a glossary cell 算力
    is the same in both scripts and must not be cut out of the prose."""
    from generator.chinese.scripts import leak_chars

    out = {}
    for variant in EDITIONS:
        other = leak_chars(variant)
        text = squash("".join(pages[variant]))
        html = built[f"{variant}.html"].read_text(encoding="utf-8")
        for span in sorted({squash(s) for s in foreign_spans(html, EDITIONS[variant])}, key=len, reverse=True):
            if any(ch in other for ch in span) or any(f in span for f in OTHER_FORMS[variant]):
                text = text.replace(span, "")
        out[variant] = text
    return out


@pytest.mark.parametrize("variant", EDITIONS)
def test_pdf_text_is_in_the_edition_script(own_text, variant):
    """No character that exists only in the other script (OpenCC's tables,
    less the glyphs OpenCC itself writes for the region: Taiwan 秘 群)."""
    from generator.chinese.scripts import leak_chars

    text = own_text[variant]
    other = leak_chars(variant)
    leaks = [text[max(0, i - 8):i + 8] for i, ch in enumerate(text) if ch in other]
    assert leaks == [], f"{len(leaks)} character(s) of the other script in the {variant} PDF"


def test_pdf_text_carries_the_regional_conventions(own_text, content):
    hans, hant = own_text["zh-Hans"], own_text["zh-Hant"]
    # the same trillion figure, per region (numbers.yaml: infra-commitment)
    assert "1.4万亿美元" in hans and "1.4兆美元" not in hans
    assert "1.4兆美元" in hant and "萬億" not in hant
    # quotation marks: “ ” on the mainland, 「 」 in Taiwan
    assert "“红色警报”" in hans
    assert "「紅色警報」" in hant and "“" not in hant and "”" not in hant
    # the Taiwan edition is a conversion of the same text
    assert squash(converted(content, "zh-Hant", content.manifest.title)) in squash(hant)
    assert squash(str(content.manifest.title)) in squash(hans)


# -- fonts -------------------------------------------------------------------------

def embedded_fonts(pdf: Path) -> list[tuple[str, bool]]:
    out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        name = line.split()[0]
        emb = line[line.index("Identity-H"):].split()[1] if "Identity-H" in line else line.split()[-5]
        fonts.append((name.split("+", 1)[-1], emb == "yes"))
    return fonts


def test_zh_hans_pdf_embeds_noto_cjk_sc_never_jp(built):
    fonts = embedded_fonts(built["zh-Hans.pdf"])
    names = {n for n, _ in fonts}
    assert all(emb for _, emb in fonts), fonts
    assert any(re.fullmatch(r"Noto-(Sans|Serif)-CJK-SC(-\w+)?", n) for n in names), names
    assert not any(re.search(r"CJK-(JP|KR|HK)|CJKjp|CJKkr", n) for n in names), names
    # a TC face may only set what is marked Traditional (the glossary column)
    html = built["zh-Hans.html"].read_text(encoding="utf-8")
    if any("CJK-TC" in n for n in names):
        assert 'lang="zh-Hant' in html


def test_zh_hant_pdf_embeds_noto_cjk_tc_never_sc_or_jp(built):
    fonts = embedded_fonts(built["zh-Hant.pdf"])
    names = {n for n, _ in fonts}
    assert all(emb for _, emb in fonts), fonts
    assert any(re.fullmatch(r"Noto-(Sans|Serif)-CJK-TC(-\w+)?", n) for n in names), names
    assert not any(re.search(r"CJK-(SC|JP|KR|HK)", n) for n in names), names


# -- bookmarks, contents, running headers, folios -----------------------------------

@pytest.mark.parametrize("variant", EDITIONS)
def test_a_bookmark_for_every_theme(outline, content, variant):
    from generator.render.html import chinese_numeral

    top = [(title, page) for depth, title, page in outline[variant] if depth <= 1]
    theme_pages = []
    for i, theme in enumerate(content.themes, 1):
        want = squash(chinese_numeral(i) + "、" + converted(content, variant, theme.title))
        hits = [page for title, page in top if squash(title) == want]
        assert len(hits) == 1, f"no single bookmark for theme {theme.id}: {want}"
        theme_pages.append(hits[0])
    assert theme_pages == sorted(theme_pages) and len(set(theme_pages)) == len(theme_pages)
    titles = {squash(t) for t, _ in top}
    assert TOC[variant] in titles


@pytest.mark.parametrize("variant", EDITIONS)
def test_contents_page_numbers_match_the_pages(pages, outline, content, variant):
    """The contents list every theme with the page it starts on; that page
    carries the theme heading and the localized folio 第 N 页."""
    from generator.render.html import chinese_numeral

    toc_page = next(i for i, p in enumerate(pages[variant])
                    if TOC[variant] in p and re.search(r"^一、.*\d+\s*$", p, re.M))
    toc = "\n".join(pages[variant][toc_page:toc_page + 2])
    for i, theme in enumerate(content.themes, 1):
        numeral = chinese_numeral(i) + "、"
        m = re.search(rf"^{numeral}.*?(\d+)\s*$", toc, re.M)
        assert m, f"theme {i} missing from the contents"
        n = int(m.group(1))
        start = pages[variant][n - 1]
        assert re.search(rf"第\s*{n}\s*{PAGE[variant]}\s*/\s*共\s*{len(pages[variant])}\s*{PAGE[variant]}", start)
        heading = squash(numeral + converted(content, variant, theme.title))
        assert squash(start).count(heading) >= 1
        bookmark = [p for d, t, p in outline[variant] if squash(t) == heading]
        assert bookmark == [n]


@pytest.mark.parametrize("variant", EDITIONS)
def test_running_header_names_the_current_theme(pages, outline, content, variant):
    from generator.render.html import chinese_numeral

    starts = []
    for i, theme in enumerate(content.themes, 1):
        heading = squash(chinese_numeral(i) + "、" + converted(content, variant, theme.title))
        starts.append((next(p for d, t, p in outline[variant] if squash(t) == heading), heading))
    checked = 0
    for (start, heading), (nxt, _) in zip(starts, starts[1:]):
        for n in range(start + 1, nxt):  # continuation pages of the theme
            first_line = next(line for line in pages[variant][n - 1].splitlines() if line.strip())
            assert squash(first_line) == heading, f"page {n}"
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("variant", EDITIONS)
def test_every_page_has_a_localized_folio(pages, variant):
    total = len(pages[variant])
    for n, text in enumerate(pages[variant], 1):
        assert re.search(rf"第\s*{n}\s*{PAGE[variant]}\s*/\s*共\s*{total}\s*{PAGE[variant]}", text), f"page {n}"


# -- metadata -----------------------------------------------------------------------------

@pytest.mark.parametrize("variant", EDITIONS)
def test_pdf_metadata(built, content, variant):
    from pypdf import PdfReader

    reader = PdfReader(built[f"{variant}.pdf"])
    meta = reader.metadata
    assert squash(meta.title) == squash(converted(content, variant, content.manifest.title))
    assert squash(meta.author) == squash(converted(content, variant, content.manifest.author))
    assert reader.trailer["/Root"]["/Lang"] == EDITIONS[variant]


# -- HTML -----------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", EDITIONS)
def test_html_lang_and_regional_face(built, variant):
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    assert re.search(rf'<html lang="{EDITIONS[variant]}">', html)
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    assert re.search(r':lang\(zh-Hans\)[^{]*\{[^}]*font-family:\s*"Noto (Serif|Sans) CJK SC"', css)
    assert re.search(r':lang\(zh-Hant[^)]*\)[^{]*\{[^}]*font-family:\s*"Noto (Serif|Sans) CJK TC"', css)


@pytest.mark.parametrize("variant", EDITIONS)
def test_html_is_self_contained(built, variant):
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    assert "<style" in html
    for tag in re.findall(r"<(?:link|script|img|iframe|source|video|audio|object|embed)\b[^>]*>", html, re.I):
        for url in re.findall(r'\b(?:src|href|data)\s*=\s*"([^"]*)"', tag):
            assert url.startswith(("data:", "#")), tag
    assert not re.search(r"<link\b[^>]*rel=\"?stylesheet", html, re.I)
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    assert "@import" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
        assert url.startswith(("data:", "#")), url


@pytest.mark.parametrize("variant", EDITIONS)
def test_html_has_every_theme_with_a_stable_ascii_anchor(built, content, variant):
    html = built[f"{variant}.html"].read_text(encoding="utf-8")
    for theme in content.themes:
        assert f'id="{theme.id}"' in html
        assert f'href="#{theme.id}"' in html
