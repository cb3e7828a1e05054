"""Where WeasyPrint's time goes on one edition, and what its plain-markup floor is.

    .venv/bin/python benchmarks/phases.py PRINT_HTML [--base DIR] [--out PDF]
    .venv/bin/python benchmarks/phases.py --plain EDITION_HTML PLAIN_HTML

The first form renders one edition's print HTML (what the build gives
WeasyPrint) in this process, as the build does (``generator.pdf.render_pdf``:
tagged PDF/UA, the compact CJK fonts), and prints one JSON line: seconds per
phase -- parse, cascade (computed styles), boxes (formatting structure),
layout, draw (page streams), fonts (subset + embed), tagging, write (the
rest of writing the PDF) -- and the process's peak RSS. Each phase is timed
by wrapping the WeasyPrint function that does it, so the split is exact to
the call, not sampled.

The second form writes the **plain-markup floor** input: the same edition's
reading text as plain semantic HTML -- headings, paragraphs, lists, tables,
block quotes; no class, no span, no link, no chart, no style but the page
size and the edition's two font families -- which ``make bench`` renders
with the same WeasyPrint and options. What a briefing costs beyond it is
the cost of our markup and CSS.

Standard library only, besides WeasyPrint and the package itself.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import re
import resource
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

KEEP = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote"}
DROP = {"style", "script", "svg", "title", "head", "template"}  # with everything inside them
FACES = {"zh-Hans": "SC", "zh-Hant-HK": "HK"}  # any other zh-Hant: TC


class _Plain(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP:
            self.dropping += 1
        elif not self.dropping and tag in KEEP:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in DROP:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and tag in KEEP:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(htmllib.escape(data, quote=False))


def plain_markup(edition_html: str) -> str:
    """The reading text of an edition as plain semantic HTML (see above)."""
    m = re.search(r'<html[^>]*\blang="([^"]+)"', edition_html)
    lang = m.group(1) if m else "zh-Hans"
    face = FACES.get(lang, "SC" if lang.startswith("zh-Hans") else "TC")
    parser = _Plain()
    parser.feed(edition_html)
    parser.close()
    style = (f'@page {{ size: A4 }} body {{ font-family: "Noto Serif CJK {face}" }} '
             f'h1, h2, h3, h4, th, b, strong {{ font-family: "Noto Sans CJK {face}" }}')
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><style>{style}</style></head><body>'
            + "".join(parser.out) + "</body></html>")


def phases(print_html: str, base: Path, out: Path | None) -> dict:
    sys.path.insert(0, str(REPO))
    import weasyprint
    import weasyprint.document as wdoc
    import weasyprint.pdf as wpdf

    from generator.pdf import fonts as pdffonts
    from generator.pdf import render_pdf

    pdffonts.install()  # before the wrapping below: the fonts phase then includes the compact embedding
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    def timed_pages(fn):
        def wrapper(*args, **kwargs):
            pages = fn(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    page = next(pages)
                except StopIteration:
                    spent["layout"] = spent.get("layout", 0.0) + time.perf_counter() - start
                    return
                spent["layout"] = spent.get("layout", 0.0) + time.perf_counter() - start
                yield page
        return wrapper

    wdoc.get_all_computed_styles = timed("cascade", wdoc.get_all_computed_styles)
    wdoc.build_formatting_structure = timed("boxes", wdoc.build_formatting_structure)
    wdoc.layout_document = timed_pages(wdoc.layout_document)
    wdoc.draw_page = timed("draw", wdoc.draw_page)
    wpdf.build_fonts_dictionary = timed("fonts", wpdf.build_fonts_dictionary)
    wpdf.add_tags = timed("tagging", wpdf.add_tags)
    original_html = weasyprint.HTML

    class HTML(original_html):
        def __init__(self, *args, **kwargs):
            start = time.perf_counter()
            super().__init__(*args, **kwargs)
            spent["parse"] = time.perf_counter() - start

        def write_pdf(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return super().write_pdf(*args, **kwargs)
            finally:
                spent["_write_pdf"] = time.perf_counter() - start

    weasyprint.HTML = HTML
    start = time.perf_counter()
    pdf = render_pdf(print_html, base, [base, REPO / "templates"]).pdf
    total = time.perf_counter() - start
    # write_pdf = render (cascade, boxes, layout) + draw + fonts + tagging + the rest of the writing
    inner = sum(spent.get(k, 0.0) for k in ("cascade", "boxes", "layout", "draw", "fonts", "tagging"))
    spent["write"] = max(0.0, spent.pop("_write_pdf", total) - inner)
    if out:
        out.write_bytes(pdf)
    order = ("parse", "cascade", "boxes", "layout", "draw", "fonts", "tagging", "write")
    return {"phases": {k: round(spent.get(k, 0.0), 3) for k in order}, "total": round(total, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "pdf_bytes": len(pdf)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("plain_out", type=Path, nargs="?")
    ap.add_argument("--plain", action="store_true", help="write the plain-markup floor input instead")
    ap.add_argument("--base", type=Path, default=REPO / "content", help="the content directory (base URL)")
    ap.add_argument("--out", type=Path, help="also write the PDF here")
    args = ap.parse_args(argv)
    text = args.html.read_text(encoding="utf-8")
    if args.plain:
        if not args.plain_out:
            ap.error("--plain needs the output path")
        args.plain_out.write_text(plain_markup(text), encoding="utf-8")
        return 0
    print(json.dumps(phases(text, args.base.resolve(), args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
