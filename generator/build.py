"""The orchestrator. Its body reads like the data flow:

    load -> validate -> (provenance) -> per edition: convert -> render HTML
         -> lint -> render PDF -> write everything at once

Nothing is written until every requested output has been rendered; a user
mistake anywhere stops the build with every problem found, and leaves the
previous outputs untouched.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import jinja2

from generator import __version__
from generator.chinese.convert import Converter
from generator.content import load_content
from generator.diagnostics import BuildError, Diagnostics
from generator.model import VARIANTS, Content
from generator.output import OutputError, clean_stale_temporaries, write_all

FORMATS = ("html", "pdf")
DEFAULT_STYLE = {"brand": "#1f4e8c", "page_size": "A4"}
SANS = {"zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC", "zh-Hant-HK": "Noto Sans CJK HK"}


@dataclass
class Written:
    path: Path
    size: int
    variant: str
    format: str
    pages: int = 0


@dataclass
class BuildReport:
    diagnostics: Diagnostics
    written: list[Written] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    seconds: float = 0.0
    outputs: dict = field(default_factory=dict)  # name -> bytes (also for check/dry runs)


def output_name(variant: str, fmt: str) -> str:
    return f"briefing.{variant}.{fmt}"


def _template_location(exc: BaseException, user_dir: Path | None) -> tuple[str, int]:
    """Template file and line of a Jinja error (syntax or runtime)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name or "?", exc.lineno or 0
    where = ("?", 0)
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        fn = frame.f_code.co_filename
        if fn.endswith((".j2", ".html", ".css")) or "/templates/" in fn:
            where = (fn, lineno)
    return where


def render_editions(content: Content, variants: list[str], templates: Path | None,
                    diag: Diagnostics) -> dict[str, str]:
    """HTML for each edition (nothing written). Lint findings go to ``diag``."""
    from generator.render import Edition, Strings, build_context, load_strings, read_css, render_html, template_env

    env = template_env(templates)
    style = dict(DEFAULT_STYLE)
    style.update(getattr(content.manifest, "_data", {}).get("style", {}) or {})
    htmls: dict[str, str] = {}
    for variant in variants:
        strings = Strings(load_strings(variant, templates))
        ed = Edition(variant, _lang(variant), content, strings, Converter(variant, content.glossary))
        others = [{"href": output_name(v, "html"), "lang": _lang(v),
                   "name": Strings(load_strings(v, templates))("lang.name")}
                  for v in variants if v != variant]
        try:
            ctx = build_context(ed, {"other_editions": others,
                                     "style": dict(style, sans=SANS[variant])})
            ctx["css"] = read_css(env, ["css/briefing.css.j2"], ctx)
            ctx["screen_css"] = read_css(env, ["css/screen.css.j2"], ctx)
            htmls[variant] = render_html(env, ctx)
        except jinja2.TemplateNotFound as exc:
            path, line = _template_location(exc, templates)
            diag.error(path if path != "?" else (templates or "templates"), line,
                       f"template '{exc.name}' not found",
                       "an override must extend an existing template, e.g. {% extends \"base:briefing.html.j2\" %}")
        except jinja2.TemplateSyntaxError as exc:
            diag.error(exc.filename or exc.name or "?", exc.lineno or 0, f"template syntax error: {exc.message}",
                       "fix the template; shipped templates are in templates/")
        except jinja2.UndefinedError as exc:
            path, line = _template_location(exc, templates)
            diag.error(path, line, f"template error: {exc.message}",
                       "see docs/templates.md for the variables each template receives")
        except jinja2.TemplateError as exc:
            path, line = _template_location(exc, templates)
            diag.error(path, line, f"template error: {exc}")
        for f in ed.findings:
            diag.warning(f.path, f.line, f.message, f.hint, code="lint")
    return htmls


def _lang(variant: str) -> str:
    return {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant-TW", "zh-Hant-HK": "zh-Hant-HK"}[variant]


_SCREEN_ONLY = re.compile(r"<style media=\"screen\" data-screen-only>.*?</style>", re.S)


def print_html(html: str) -> str:
    """The HTML the PDF is made from: the edition minus its screen-only CSS
    (WeasyPrint 70 rejects media features such as min-width)."""
    return _SCREEN_ONLY.sub("", html)


def _pdf_job(args: tuple) -> tuple[str, bytes, list[str], tuple[str, str, str] | None]:
    variant, html, base, roots = args
    html = print_html(html)
    from generator.pdf import ResourceError, render_pdf

    try:
        pdf, warnings = render_pdf(html, Path(base), [Path(r) for r in roots])
        return variant, pdf, warnings, None
    except ResourceError as exc:  # (url, reason, hint): exceptions do not cross the process pool intact
        return variant, b"", [], (exc.url, exc.reason, exc.hint)


def _refused(error: tuple[str, str, str], variant: str, content: Content, roots: list[str],
             diag: Diagnostics) -> None:
    """Report a resource the PDF renderer refused, at the content or template
    line that referenced it (roots: content first, then templates)."""
    from generator.pdf import locate_reference

    url, reason, hint = error
    order = [roots[0], *roots[2:], roots[1]]  # content, the user's templates, the shipped ones
    found = locate_reference(url, Path(content.root), [Path(r) for r in order])
    path, line, ref = found if found else (content.manifest.path, 0, url)
    shown = f"'{ref}'" + (f" (= {url})" if ref != url else "")
    diag.error(path, line, f"{variant} PDF: refused to load {shown}: {reason}",
               hint or "reference only files inside content/ or templates/, or data: URIs", code="resource")


def render_pdfs(htmls: dict[str, str], content: Content, templates: Path | None,
                diag: Diagnostics, jobs: int | None = None) -> dict[str, bytes]:
    from generator.pdf import FONT_PACKAGE, missing_fonts
    from generator.render import SHIPPED_TEMPLATES

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
    from generator.chinese.convert import Converter
    from generator.glyphs import check_glyphs

    for variant, html in htmls.items():  # a character no font has would print as a box
        check_glyphs(variant, print_html(html), [Path(r) for r in (roots[0], *roots[2:], roots[1])],
                     Converter(variant, content.glossary).convert, diag, content.manifest.path)
    if diag.errors:
        return {}
    work = [(v, h, content.root, roots) for v, h in htmls.items()]
    jobs = jobs or min(len(work), os.cpu_count() or 1)
    if jobs > 1 and len(work) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            results = list(pool.map(_pdf_job, work))
    else:
        results = [_pdf_job(w) for w in work]
    pdfs: dict[str, bytes] = {}
    for variant, pdf, warnings, error in results:
        if error:
            _refused(error, variant, content, roots, diag)
            continue
        for w in warnings:
            diag.warning(content.manifest.path, 0, f"{variant} PDF renderer: {w}", code="renderer")
        pdfs[variant] = pdf
    return pdfs


def build(
    content_dir: Path | str = "content",
    out_dir: Path | str = "output",
    templates: Path | str | None = None,
    variants: list[str] | None = None,
    formats: list[str] | None = None,
    strict: bool = False,
    sources_dir: Path | str | None = None,
    write: bool = True,
) -> BuildReport:
    """Build the requested editions. Raises :class:`BuildError` on any error
    (and on warnings under ``strict``); writes nothing in that case."""
    started = time.perf_counter()
    content_dir, out_dir = Path(content_dir), Path(out_dir)
    templates = Path(templates) if templates else None
    diag = Diagnostics(root=Path.cwd())
    report = BuildReport(diag)

    content = load_content(content_dir, diag)
    if templates is not None and not templates.is_dir():
        diag.error(templates, 0, "template directory not found", "pass --templates DIR pointing at your overrides")
    variants = list(variants or content.manifest.variants)
    for v in variants:
        if v not in VARIANTS:
            diag.error(content.manifest.path, 0, f"unknown variant '{v}'", "one of: " + ", ".join(VARIANTS))
    formats = list(formats or FORMATS)
    if sources_dir is not None:
        report.provenance = check_provenance(content, Path(sources_dir), diag)
    from generator.provenance import unsourced_claims

    unsourced_claims(content, diag)
    if diag.failed(strict):
        raise BuildError(diag)

    htmls = render_editions(content, variants, templates, diag)
    if diag.failed(strict):
        raise BuildError(diag)
    outputs: dict[str, bytes] = {}
    if "html" in formats:
        for v, h in htmls.items():
            outputs[output_name(v, "html")] = h.encode("utf-8")
    if "pdf" in formats:
        for v, pdf in render_pdfs(htmls, content, templates, diag).items():
            outputs[output_name(v, "pdf")] = pdf
    if diag.failed(strict):
        raise BuildError(diag)
    report.outputs = outputs
    if write:
        clean_stale_temporaries(out_dir)
        try:
            paths = write_all(out_dir, outputs)
        except OutputError as exc:
            diag.error(exc.path, 0, exc.reason, exc.hint)
            raise BuildError(diag) from None
        for p in paths:
            variant, fmt = p.name.split(".")[1], p.suffix[1:]
            report.written.append(Written(p, p.stat().st_size, variant, fmt, _pages(outputs[p.name]) if fmt == "pdf" else 0))
    report.seconds = time.perf_counter() - started
    return report


def _pages(pdf: bytes) -> int:
    import re

    m = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)
    return int(m[0]) if m else 0


def check_provenance(content: Content, sources_dir: Path, diag: Diagnostics) -> dict:
    from generator.provenance import verify

    if not sources_dir.is_dir():
        diag.error(sources_dir, 0, "sources directory not found", "pass --sources DIR with the source article texts")
        return {}
    return verify(content, sources_dir, diag)


def check(content_dir: Path | str = "content", templates: Path | str | None = None, strict: bool = False,
          sources_dir: Path | str | None = None, variants: list[str] | None = None) -> BuildReport:
    """Everything a build validates (content, references, provenance, templates,
    lint of every edition's text); renders no PDF and writes nothing."""
    return build(content_dir, "output", templates, variants, ["html"], strict, sources_dir, write=False)
