"""Each edition's PDF: fonts present, every glyph drawable, then WeasyPrint,
the editions side by side in forked processes.

In: the editions' HTML and the content (whose files the PDF may embed). Out:
one :class:`generator.pdf.RenderedPdf` per edition; a missing font, an
undrawable character or a refused resource as an error at the content or
template line it comes from.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from generator.check.glyphs import check_glyphs
from generator.chinese.convert import Converter
from generator.diagnostics import Diagnostics
from generator.model import Content
from generator.pdf import RenderedPdf, ResourceError, locate_reference, missing_fonts, render_pdf
from generator.render.editions import print_html
from generator.shipped import FONT_PACKAGE, TEMPLATES as SHIPPED_TEMPLATES
from generator.workers import collect_results, stop_workers, worker_died, worker_init


def _pdf_job(args: tuple) -> tuple[str, RenderedPdf | None, tuple[str, str, str] | None]:
    variant, html, base, roots = args  # html: the print HTML (print_html)

    try:
        return variant, render_pdf(html, Path(base), [Path(r) for r in roots]), None
    except ResourceError as exc:  # (url, reason, hint): exceptions do not cross the process pool intact
        return variant, None, (exc.url, exc.reason, exc.hint)


def _refused(error: tuple[str, str, str], variant: str, content: Content, roots: list[str],
             diag: Diagnostics) -> None:
    """Report a resource the PDF renderer refused, at the content or template
    line that referenced it (roots: content first, then templates)."""

    url, reason, hint = error
    order = [roots[0], *roots[2:], roots[1]]  # content, the user's templates, the shipped ones
    found = locate_reference(url, Path(content.root), [Path(r) for r in order])
    path, line, ref = found if found else (content.manifest.path, 0, url)
    shown = f"'{ref}'" + (f" (= {url})" if ref != url else "")
    diag.error(path, line, f"{variant} PDF: refused to load {shown}: {reason}",
               hint or "reference only files inside content/ or templates/, or data: URIs", code="resource")


def render_pdfs(htmls: dict[str, str], content: Content, templates: Path | None,
                diag: Diagnostics, jobs: int | None = None) -> dict[str, RenderedPdf]:
    for variant in htmls:
        missing = missing_fonts(variant)
        if missing:
            diag.error(content.manifest.path, 0,
                       f"font(s) {', '.join(missing)} needed by the {variant} PDF are not installed",
                       f"install the Debian package {FONT_PACKAGE} (make setup does it)", code="font")
    if diag.errors:
        return {}
    roots = [str(Path(content.root).resolve()), str(SHIPPED_TEMPLATES)]
    if templates:
        roots.append(str(Path(templates).resolve()))
    prints = {v: print_html(h) for v, h in htmls.items()}  # once: the glyph check reads what the PDF draws
    _check_print_glyphs(prints, content, templates, diag)
    if diag.errors:
        return {}
    work = [(v, h, content.root, roots) for v, h in prints.items()]
    jobs = jobs or min(len(work), os.cpu_count() or 1)
    if jobs > 1 and len(work) > 1:
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=worker_init,
                                     initargs=(os.getpid(),)) as pool:
                try:
                    results = collect_results(pool, _pdf_job, work)
                except BaseException:
                    stop_workers(pool)
                    raise
        except BrokenProcessPool:
            worker_died(content, diag)
            return {}
    else:
        results = [_pdf_job(w) for w in work]
    pdfs: dict[str, RenderedPdf] = {}
    for variant, rendered, error in results:
        if error:
            _refused(error, variant, content, roots, diag)
            continue
        for w in rendered.warnings:
            diag.warning(content.manifest.path, 0, f"{variant} PDF renderer: {w}", code="renderer")
        pdfs[variant] = rendered
    return pdfs


def check_html_glyphs(htmls: dict[str, str], content: Content, templates: Path | None, diag: Diagnostics) -> None:
    """Every character an edition prints must be drawable by its fonts (a
    character no font has would print as an empty box); reported at the
    content or template line it comes from."""
    _check_print_glyphs({v: print_html(h) for v, h in htmls.items()}, content, templates, diag)


def _check_print_glyphs(prints: dict[str, str], content: Content, templates: Path | None, diag: Diagnostics) -> None:
    search = [Path(content.root).resolve()] + ([Path(templates).resolve()] if templates else []) + [SHIPPED_TEMPLATES]
    for variant, html in prints.items():
        check_glyphs(variant, html, search, _lazy_convert(variant, content), diag, content.manifest.path)


def _lazy_convert(variant: str, content: Content) -> Callable[[str], str]:
    """The edition's converter, built on first use: the glyph check converts
    only to locate a character it found missing, and building a converter
    loads the lexicon an edition worker has just given back (0.4 s)."""
    made: list[Converter] = []

    def convert(text: str) -> str:
        if not made:
            made.append(Converter(variant, content.glossary, content.manifest.written_in))
        return made[0].convert(text)
    return convert
