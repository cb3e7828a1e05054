"""The PDF's kept-together runs: word joiners instead of nobr spans
(generator.chinese.linebreaks.joined, issue 17). The unit half checks the
transform; the rendering half draws real paragraphs with WeasyPrint and
reads the lines back from the PDF: no orphan, no citation at a line start,
nothing spaced out, and no joiner in the text a reader copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render.editions import print_html
from generator.chinese.linebreaks import WORD_JOINER as WJ
from generator.chinese.linebreaks import joined, keep_cell_ends, keep_together

STYLE = "<style>.nobr { white-space: nowrap; } .label { letter-spacing: .2em; }</style>"


def page(body: str, style: str = STYLE) -> str:
    return f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">{style}</head><body>{body}</body></html>'


def test_a_run_becomes_joined_characters():
    html = page('<p>一二三四<span class="nobr">五六七</span></p>')
    assert f"<p>一二三四五{WJ}六{WJ}七</p>" in joined(html)


def test_nested_runs_and_elements_inside_a_run():
    html = page('<p>法不<span class="nobr">一<span class="cite">〔<a href="#a">长文</a>〕</span>。</span></p>')
    out = joined(html)
    assert 'class="nobr"' not in out
    # each joiner goes before the character it joins to the one before, wherever a tag falls
    assert f'<p>法不一<span class="cite">{WJ}〔<a href="#a">{WJ}长{WJ}文</a>{WJ}〕</span>{WJ}。</p>' in out


def test_latin_words_are_not_cut_into_letters_and_spaces_are_joined():
    out = joined(page('<p>处在<span class="nobr">GPT-2 时代</span></p>'))
    assert f"GPT{WJ}-{WJ}2{WJ} {WJ}时{WJ}代" in out


def test_a_letter_spaced_element_keeps_its_span():
    """A joiner takes letter-spacing like any character: 报 导 要 点."""
    html = page('<p class="label">报<span class="nobr">导要点</span></p><p>正文<span class="nobr">三个字</span></p>')
    out = joined(html)
    assert '<p class="label">报<span class="nobr">导要点</span></p>' in out
    assert f"<p>正文三{WJ}个{WJ}字</p>" in out


@pytest.mark.parametrize("style, tag", [
    ("<style>h3 { letter-spacing: 1px }</style>", "h3"),
    ("<style>#x { word-spacing: .5em }</style>", 'h3 id="x"'),
    ("", 'h3 style="letter-spacing: 2px"'),
    ("", "h2"),  # a heading: its text is its PDF bookmark's title
    ("<style>.t { bookmark-level: 2 }</style>", 'p class="t"'),
])
def test_spacing_or_bookmarks_by_element_id_or_style_attribute(style, tag):
    html = page(f'<{tag}>标<span class="nobr">题文字</span></{tag.split()[0]}>', style)
    assert joined(html) == html


@pytest.mark.parametrize("style", [
    "<style>* { letter-spacing: .1em }</style>",
    '<link rel="stylesheet" href="more.css">',
    "<style>.nobr { white-space: nowrap } @media print { .nobr { white-space: normal } }</style>",  # turned off
])
def test_spacing_that_cannot_be_placed_keeps_every_span(style):
    html = page('<p>正文<span class="nobr">三个字</span></p>', style)
    assert joined(html) == html


def test_zero_spacing_and_other_rules_do_not_count():
    html = page('<p class="c">正文<span class="nobr">三个字</span></p>',
                "<style>.c { letter-spacing: normal } .d { letter-spacing: 0 } p { color: red; bookmark-level: none }"
                "</style>")
    assert f"三{WJ}个{WJ}字" in joined(html)


def test_the_pdf_keeps_each_table_cells_end_together_and_the_browser_html_keeps_its_cells():
    table = ('<table><tr><th scope="row"><a href="#n">达到或超过人类专家的任务比例</a></th><td>说法不一</td>'
             '<td class="sources"><span class="cite">〔<a href="#s">长文</a>〕</span></td></tr></table>')
    kept = keep_cell_ends(table)
    assert '<a href="#n">达到或超过人类专家的任<span class="nobr">务比例</span></a>' in kept
    assert '<td>说<span class="nobr">法不一</span></td>' in kept
    assert '<td class="sources"><span class="cite">〔<a href="#s">长文</a>〕</span></td>' in kept  # (not glued)
    page = f'<html lang="zh-Hans"><body>{table}</body></html>'
    assert f"务{WJ}比{WJ}例" in print_html(page) and f"法{WJ}不{WJ}一" in print_html(page)
    assert keep_together(page) == page  # the browser's edition: cells as they are


def test_html_without_runs_is_returned_as_is():
    html = page("<p>没有需要连在一起的字</p>")
    assert joined(html) is html


# ---------------------------------------------------------------------------
# drawn by WeasyPrint, read back from the PDF

NARROW = ("<style>@page { size: 90mm 200mm; margin: 10mm } body { font: 10pt 'Noto Serif CJK SC'; }"
          " p { width: 10em; margin: 0 0 1em } .nobr { white-space: nowrap; } .cite { font-size: 80%; }"
          " h3 { letter-spacing: .3em; font-size: 10pt }</style>")


def _lines(pdf: bytes) -> list[str]:
    """Each printed line's text, top to bottom, as pdfium reads it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    lines: list[str] = []
    for page_ in doc:
        text = page_.get_textpage()
        rows: dict[int, list[tuple[float, str]]] = {}
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if not ch.strip():
                continue
            left, bottom, right, top = text.get_charbox(i, loose=True)
            rows.setdefault(round(bottom), []).append((left, ch))
        lines += ["".join(c for _, c in sorted(row)) for _, row in sorted(rows.items(), reverse=True)]
    return lines


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict:
    from generator.pdf import render_pdf

    paragraphs = {
        # 21 characters in a 10-character measure: 10 + 10 + a lone 1 without the rule
        "orphan": "一二三四五六七八九十" * 2 + "终",
        # a citation where the line would break right before it
        "cite": "甲乙丙丁戊己庚辛壬癸" + '<span class="cite">〔<a href="#s">纪要</a>〕</span>' + "。之后还有一些文字。",
    }
    body = "".join(f'<p id="{k}">{v}</p>' for k, v in paragraphs.items()) + '<h3>报导要点</h3><p id="s">来源</p>'
    html = print_html(keep_together(page(body, NARROW)))
    assert 'class="nobr"' in html  # the letter-spaced heading's run keeps its span; the paragraphs' are joined
    assert html.count('class="nobr"') == 1 and WJ in html
    out = tmp_path_factory.mktemp("joiners")
    pdf = render_pdf(html, out, [out]).pdf
    return {"lines": _lines(pdf), "pdf": pdf}


def test_no_orphan_in_the_pdf(drawn):
    lines = drawn["lines"]
    last = next(i for i, line in enumerate(lines) if line.endswith("终"))
    assert len(lines[last]) >= 3, lines


def test_no_citation_at_a_line_start_in_the_pdf(drawn):
    lines = drawn["lines"]
    assert not any(line.startswith("〔") for line in lines), lines
    assert any("癸〔" in line or "〔纪要〕" in line for line in lines)


def test_the_copied_text_has_no_joiner_and_the_heading_no_gaps(drawn):
    import pypdf
    import io

    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(drawn["pdf"])).pages)
    assert WJ not in text and "终" in text
    assert "报导要点" in drawn["lines"]


def test_the_sample_pdf_text_has_no_joiner(built):
    import pypdf

    for variant in ("zh-Hans", "zh-Hant"):
        text = "".join(p.extract_text() for p in pypdf.PdfReader(Path(built[f"{variant}.pdf"])).pages)
        assert WJ not in text and len(text) > 10_000
