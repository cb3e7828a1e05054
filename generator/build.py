"""The orchestrator. Its body reads like the data flow:

    load -> validate -> (provenance) -> per edition: convert -> render HTML
         -> lint -> render PDF -> write everything at once

Nothing is written until every requested output has been rendered; a user
mistake anywhere stops the build with every problem found, and leaves the
previous outputs untouched.
"""

from __future__ import annotations

import gc
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import jinja2

from generator import __version__
from generator.chinese.convert import Converter
from generator.content import load_content
from generator.diagnostics import BuildError, Diagnostics
from generator.model import VARIANTS, Content
from generator.output import OutputError, clean_stale_temporaries, write_all

from generator.config import DEFAULT_OUTPUT_NAME, DEFAULT_STYLE, FORMATS, Config, load_config  # noqa: F401


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


def output_name(variant: str, fmt: str, pattern: str = DEFAULT_OUTPUT_NAME) -> str:
    """File name of one output; ``pattern`` is briefing.toml's build.output_name."""
    return pattern.format(variant=variant, format=fmt)


def render_editions(content: Content, variants: list[str], templates: Path | None,
                    diag: Diagnostics, config: Config | None = None,
                    contexts: dict | None = None, changes=None, only: list[str] | None = None) -> dict[str, str]:
    """HTML for each edition (nothing written). Lint findings go to ``diag``.
    ``contexts``, if given, receives each edition's template context.
    ``changes`` (generator.changes.ContentChanges, None for a first edition)
    fills 本版更新; ``only``, if given, limits rendering to those variants
    (the others still count as sibling editions)."""
    from generator.overrides import check_overrides, explain
    from generator.changes import changes_context
    from generator.render import Edition, Strings, build_context, load_strings, read_css, render_html, template_env
    from generator.chinese.lint import lint_labels

    config = config or Config()
    if templates is not None and templates.is_dir():
        check_overrides(templates, diag)
        if diag.errors:
            return {}
    env = template_env(templates)
    htmls: dict[str, str] = {}
    for variant in variants:
        if only is not None and variant not in only:
            continue
        strings = Strings(load_strings(variant, templates))
        ed = Edition(variant, _lang(variant), content, strings,
                     Converter(variant, content.glossary, content.manifest.written_in))
        others = [{"href": output_name(v, "html", config.output_name), "lang": _lang(v),
                   "name": Strings(load_strings(v, templates))("lang.name")}
                  for v in variants if v != variant]
        ctx: dict = {}
        try:
            ctx = build_context(ed, {"other_editions": others, "style": config.style(variant)})
            ctx.update(changes_context(ed, changes))
            if config.distribution:
                ctx["edition"]["distribution"] = ed.plain(config.distribution)
            ctx["css"] = read_css(env, ["css/briefing.css.j2", "css/config.css.j2"], ctx)
            ctx["screen_css"] = read_css(env, ["css/screen.css.j2"], ctx)
            htmls[variant] = render_html(env, ctx)
            if contexts is not None:
                contexts[variant] = ctx
        except (jinja2.TemplateError, RecursionError) as exc:
            diag.error(*explain(exc, templates, ctx))
        for f in ed.findings + lint_labels(variant, templates):
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
    from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

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
    check_html_glyphs(htmls, content, templates, diag)
    if diag.errors:
        return {}
    work = [(v, h, content.root, roots) for v, h in htmls.items()]
    jobs = jobs or min(len(work), os.cpu_count() or 1)
    if jobs > 1 and len(work) > 1:
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
                results = list(pool.map(_pdf_job, work))
        except BrokenProcessPool:
            _worker_died(content, diag)
            return {}
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


def check_html_glyphs(htmls: dict[str, str], content: Content, templates: Path | None, diag: Diagnostics) -> None:
    """Every character an edition prints must be drawable by its fonts (a
    character no font has would print as an empty box); reported at the
    content or template line it comes from."""
    from generator.chinese.convert import Converter
    from generator.glyphs import check_glyphs
    from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

    search = [Path(content.root).resolve()] + ([Path(templates).resolve()] if templates else []) + [SHIPPED_TEMPLATES]
    for variant, html in htmls.items():
        check_glyphs(variant, print_html(html), search,
                     Converter(variant, content.glossary, content.manifest.written_in).convert, diag,
                     content.manifest.path)


def _worker_died(content: Content, diag: Diagnostics) -> None:
    """A rendering process was killed (by the OOM killer, say): an error, not a traceback."""
    diag.error(content.manifest.path, 0, "a rendering process died before it finished (killed, or out of memory)",
               "run the build again; if it happens again, build one edition at a time with --variant", code="worker")


def render_outputs(content: Content, variants: list[str], templates: Path | None, diag: Diagnostics,
                   config: Config, changes, only: list[str] | None, pdf_variants: list[str],
                   strict: bool = False, jobs: int | None = None) -> tuple[dict[str, str], dict[str, bytes]]:
    """Each edition's HTML, and the PDF of those in ``pdf_variants``.

    Editions share nothing but the loaded content, so with several of them
    and more than one core each is rendered start to finish -- convert,
    HTML, glyph check, PDF -- in its own forked process (the content is
    inherited, not copied): the build then costs about one edition, not
    the sum. Same results and diagnostics as one after the other."""
    wanted = [v for v in variants if only is None or v in only]
    jobs = min(jobs or _cores(), len(wanted))
    if jobs < 2 or "fork" not in get_all_start_methods():
        htmls = render_editions(content, variants, templates, diag, config, changes=changes, only=only)
        if diag.failed(strict):
            return htmls, {}
        return htmls, render_pdfs({v: h for v, h in htmls.items() if v in pdf_variants}, content, templates, diag,
                                  jobs=1)
    if templates is not None and templates.is_dir():
        from generator.overrides import check_overrides

        check_overrides(templates, diag)  # once, before the editions (each worker's check then finds nothing)
        if diag.errors:
            return {}, {}
    _EDITION_JOB.update(content=content, variants=variants, templates=templates, config=config, changes=changes,
                        pdf_variants=pdf_variants, strict=strict, root=diag.root)
    if pdf_variants:
        import weasyprint  # noqa: F401  once, shared by the workers (not once in each: less CPU and memory)
    gc.collect()
    gc.freeze()  # the workers' collector leaves inherited objects alone, so their pages stay shared
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            results = list(pool.map(_edition_job, wanted))
    except BrokenProcessPool:
        _worker_died(content, diag)
        return {}, {}
    finally:
        gc.unfreeze()
        _EDITION_JOB.clear()
    htmls: dict[str, str] = {}
    pdfs: dict[str, bytes] = {}
    for variant, html, pdf, problems in results:
        diag.problems.extend(problems)
        if html is not None:
            htmls[variant] = html
        if pdf is not None:
            pdfs[variant] = pdf
    return htmls, pdfs


_EDITION_JOB: dict = {}  # what a forked edition worker works on: inherited through fork, never pickled


def _edition_job(variant: str) -> tuple[str, str | None, bytes | None, list]:
    job = _EDITION_JOB
    diag = Diagnostics(root=job["root"])
    htmls = render_editions(job["content"], job["variants"], job["templates"], diag, job["config"],
                            changes=job["changes"], only=[variant])
    pdfs: dict[str, bytes] = {}
    if variant in htmls and variant in job["pdf_variants"] and not diag.failed(job["strict"]):
        pdfs = render_pdfs(htmls, job["content"], job["templates"], diag, jobs=1)
    return variant, htmls.get(variant), pdfs.get(variant), diag.problems


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def build(
    content_dir: Path | str | None = None,
    out_dir: Path | str | None = None,
    templates: Path | str | None = None,
    variants: list[str] | None = None,
    formats: list[str] | None = None,
    strict: bool = False,
    sources_dir: Path | str | None = None,
    write: bool = True,
    config: Config | Path | str | None = None,
    force: bool = False,
    jobs: int | None = None,
    glyphs: bool = False,
) -> BuildReport:
    """Build the requested editions. Raises :class:`BuildError` on any error
    (and on warnings under ``strict``); writes nothing in that case.

    ``config`` is a briefing.toml (path or loaded :class:`Config`); the
    arguments, when given, win over it, and it wins over the manifest.

    Incremental: outputs whose inputs did not change since the build recorded
    in ``out_dir/manifest.json`` are not rendered again (``report.skipped``);
    ``force`` rebuilds them. See generator/incremental.py.

    ``jobs``: editions rendered at once, each in its own process (default:
    one per core, up to the number of editions; 1 = one after the other,
    about half the peak memory)."""
    started = time.perf_counter()
    diag = Diagnostics(root=Path.cwd())
    report = BuildReport(diag)
    if config is not None and not isinstance(config, Config):
        config = load_config(config, diag)
    config = config or Config()
    content_dir = Path(content_dir or config.content or "content")
    out_dir = Path(out_dir or config.out or "output")
    templates = Path(templates) if templates else config.templates

    if config.path is not None and diag.errors:
        raise BuildError(diag)  # a broken briefing.toml: its paths may be wrong too
    plan = None  # which outputs are stale, from out_dir/manifest.json (hashes files only)
    if write:
        from generator.incremental import plan_build

        clean_stale_temporaries(out_dir)  # first: a killed build's half commit is rolled back before planning
        plan = plan_build(content_dir, out_dir, templates, variants, formats, config, strict, force)
        if plan.up_to_date and sources_dir is None:
            report.skipped = plan.fresh
            report.seconds = time.perf_counter() - started
            return report
    content = load_content(content_dir, diag)
    if templates is not None and not templates.is_dir():
        diag.error(templates, 0, "template directory not found", "pass --templates DIR pointing at your overrides")
    variants = list(variants or config.variants or content.manifest.variants)
    for v in variants:
        if v not in VARIANTS:
            diag.error(content.manifest.path, 0, f"unknown variant '{v}'", "one of: " + ", ".join(VARIANTS))
    formats = list(formats or config.formats or FORMATS)
    if "style" in getattr(content.manifest, "_data", {}):
        diag.error(content.manifest.path, content.manifest._data.line_of("style"),
                   "'style' is configured in briefing.toml, not in the manifest",
                   "move it to a [style] table in briefing.toml (see README, Customizing)")
    if "pdf" in formats:
        from generator.config import check_fonts

        check_fonts(config, variants, diag)
    if sources_dir is not None:
        report.provenance = check_provenance(content, Path(sources_dir), diag)
    from generator.provenance import unsourced_claims

    unsourced_claims(content, diag)
    from generator.charts import validate as validate_charts

    validate_charts(content, diag)  # content/charts.yaml against numbers.yaml
    if diag.failed(strict):
        raise BuildError(diag)

    from generator.changes import compare, snapshot
    from generator.incremental import baseline_for, read_manifest

    current = snapshot(content)  # 本版更新: compared with the previous edition's snapshot
    baseline = plan.baseline if plan else baseline_for(read_manifest(out_dir)[0], content.manifest.edition)
    only = plan.stale_variants() if plan else None
    if plan is not None and not only:  # validated (--sources), nothing to render
        report.skipped = plan.fresh
        report.seconds = time.perf_counter() - started
        return report
    pdf_variants = [v for v in variants if "pdf" in formats and (plan is None or v in plan.stale_variants("pdf"))]
    htmls, pdfs = render_outputs(content, variants, templates, diag, config, compare(baseline, current), only,
                                 pdf_variants, strict, jobs)  # editions side by side, each HTML then PDF
    if glyphs and not pdf_variants and not diag.errors:  # check: the PDF build's glyph check, without the PDF
        check_html_glyphs(htmls, content, templates, diag)
    if diag.failed(strict):
        raise BuildError(diag)
    outputs: dict[str, bytes] = {}
    made: dict[str, tuple[str, str]] = {}  # file name -> (variant, format)
    if "html" in formats:
        for v, h in htmls.items():
            outputs[output_name(v, "html", config.output_name)] = h.encode("utf-8")
            made[output_name(v, "html", config.output_name)] = (v, "html")
    if "pdf" in formats:
        for v, pdf in pdfs.items():
            outputs[output_name(v, "pdf", config.output_name)] = pdf
            made[output_name(v, "pdf", config.output_name)] = (v, "pdf")
    if diag.failed(strict):
        raise BuildError(diag)
    if plan is not None:  # the up-to-date ones are on disk already, byte for byte
        outputs = {n: b for n, b in outputs.items() if n in plan.stale}
        report.skipped = plan.fresh
    report.outputs = outputs
    if write:
        from generator.incremental import MANIFEST, manifest_bytes

        files = dict(outputs)
        files[MANIFEST] = manifest_bytes(plan, outputs, len(diag.warnings), current, list(content.manifest.variants))
        clean_stale_temporaries(out_dir)
        try:
            paths = write_all(out_dir, files)  # outputs and manifest: one atomic commit
        except OutputError as exc:
            diag.error(exc.path, 0, exc.reason, exc.hint)
            raise BuildError(diag) from None
        for p in paths:
            if p.name not in made:
                continue
            variant, fmt = made[p.name]
            report.written.append(Written(p, p.stat().st_size, variant, fmt, _pages(outputs[p.name]) if fmt == "pdf" else 0))
    report.seconds = time.perf_counter() - started
    return report


def _pages(pdf: bytes) -> int:
    """Page count of the page tree's root. WeasyPrint packs objects into
    compressed object streams, so look inside those too."""
    import re
    import zlib

    count = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)")
    found = [int(n) for n in count.findall(pdf)]
    for m in re.finditer(rb"/Type\s*/ObjStm\b[^>]*/Filter\s*/FlateDecode[^>]*>>\s*stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[m.end():pdf.find(b"endstream", m.end())])
        except zlib.error:
            continue
        found += [int(n) for n in count.findall(data)]
    return max(found, default=0)  # the root counts every page


def check_provenance(content: Content, sources_dir: Path, diag: Diagnostics) -> dict:
    from generator.provenance import verify

    if not sources_dir.is_dir():
        diag.error(sources_dir, 0, "sources directory not found", "pass --sources DIR with the source article texts")
        return {}
    return verify(content, sources_dir, diag)


def check(content_dir: Path | str | None = None, templates: Path | str | None = None, strict: bool = False,
          sources_dir: Path | str | None = None, variants: list[str] | None = None,
          config: Config | Path | str | None = None) -> BuildReport:
    """Everything a build validates (content, references, provenance, templates,
    lint of every edition's text, glyph coverage); renders no PDF and writes
    nothing."""
    return build(content_dir, "output", templates, variants, ["html"], strict, sources_dir, write=False,
                 config=config, glyphs=True)
