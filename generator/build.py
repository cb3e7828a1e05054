"""The orchestrator. Its body reads like the data flow:

    load -> validate -> (provenance) -> per edition: convert -> render HTML
         -> lint -> render PDF -> write everything at once

Nothing is written until every requested output has been rendered; a user
mistake anywhere stops the build with every problem found, and leaves the
previous outputs untouched.
"""

from __future__ import annotations

import ctypes  # imported here, not in a worker (which may run as another user, or without files)
import faulthandler
import fcntl
import functools
import gc
import os
import re
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, FIRST_EXCEPTION, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Callable

import jinja2

from generator.chinese.convert import Converter
from generator.chinese.linebreaks import joined, keep_cell_ends
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
    seconds = render_time_limit(diag)
    if seconds is None:
        return {}
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
        limit = _TimeLimit(seconds)
        try:
            ctx = build_context(ed, {"other_editions": others, "style": config.style(variant)})
            ctx.update(changes_context(ed, changes))
            if config.distribution:
                ctx["edition"]["distribution"] = ed.plain(config.distribution)
            with limit:  # templates are trusted code, but one that never ends must still end the build
                ctx["css"] = read_css(env, ["css/briefing.css.j2", "css/config.css.j2"], ctx)
                ctx["screen_css"] = read_css(env, ["css/screen.css.j2"], ctx)
                htmls[variant] = render_html(env, ctx)
            if contexts is not None:
                contexts[variant] = ctx
        except RenderTimeout:
            diag.error(*limit.problem())
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
    (WeasyPrint 70 rejects media features such as min-width), each table
    cell's end kept together too, its kept-together runs joined by
    characters instead of elements (:mod:`generator.chinese.linebreaks`)."""
    return joined(keep_cell_ends(_SCREEN_ONLY.sub("", html)))


def _pdf_job(args: tuple) -> tuple[str, bytes, list[str], tuple[str, str, str] | None]:
    variant, html, base, roots = args  # html: the print HTML (print_html)
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
    prints = {v: print_html(h) for v, h in htmls.items()}  # once: the glyph check reads what the PDF draws
    _check_print_glyphs(prints, content, templates, diag)
    if diag.errors:
        return {}
    work = [(v, h, content.root, roots) for v, h in prints.items()]
    jobs = jobs or min(len(work), os.cpu_count() or 1)
    if jobs > 1 and len(work) > 1:
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=_worker_init,
                                     initargs=(os.getpid(),)) as pool:
                try:
                    results = _results(pool, _pdf_job, work)
                except BaseException:
                    _stop_workers(pool)
                    raise
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
    _check_print_glyphs({v: print_html(h) for v, h in htmls.items()}, content, templates, diag)


def _check_print_glyphs(prints: dict[str, str], content: Content, templates: Path | None, diag: Diagnostics) -> None:
    from generator.glyphs import check_glyphs
    from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

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


def _worker_died(content: Content, diag: Diagnostics) -> None:
    """A rendering process was killed (by the OOM killer, say): an error, not a traceback."""
    diag.error(content.manifest.path, 0, "a rendering process died before it finished (killed, or out of memory)",
               "run the build again; if it happens again, build one edition at a time with --variant", code="worker")


def render_outputs(content: Content, variants: list[str], templates: Path | None, diag: Diagnostics,
                   config: Config, changes, only: list[str] | None, pdf_variants: list[str],
                   strict: bool = False, jobs: int | None = None,
                   isolate: bool = False, last_pdf_here: bool = False) -> tuple[dict[str, str], dict[str, bytes]]:
    """Each edition's HTML, and the PDF of those in ``pdf_variants``.

    Editions share nothing but the loaded content, so with several of them
    and more than one core they are rendered side by side, each stage of an
    edition in a forked process of its own (the content is inherited, not
    copied): its HTML (convert, templates), then its PDF (glyph check,
    WeasyPrint) -- see :class:`_Lanes`. The build then costs about one
    edition, not the sum. Same results and diagnostics as one after the
    other.

    One edition (or ``jobs=1``) renders in this process -- its caches stay
    warm for the next build, as in ``serve`` -- unless ``isolate``: the
    command line's one-shot build renders in a worker even then, so that its
    own process stays free to report a template stuck in a single C call
    (see :class:`_TimeLimit`; in this process the limit stops Python-level
    loops only).

    ``last_pdf_here``: the PDF that starts when no other stage is left to
    start renders in this process instead of a fork of it (the others still
    run meanwhile): one process fewer at the build's peak, where every
    process counts its copy of what it inherited (WeasyPrint, the content).
    For a process that ends with the build (the command line's): this one
    keeps the render's memory and WeasyPrint's caches."""
    wanted = [v for v in variants if only is None or v in only]
    jobs = min(jobs or _cores(), len(wanted))
    isolate = isolate and threading.current_thread() is threading.main_thread()
    if not wanted or "fork" not in get_all_start_methods() or (jobs < 2 and not isolate):
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
    dumps = [tempfile.TemporaryFile() for _ in range(jobs)]  # one per HTML worker: where a stuck one's stack goes
    _EDITION_JOB.update(content=content, variants=variants, templates=templates, config=config, changes=changes,
                        root=diag.root, dumps=dumps, parent=os.getpid())
    gc.collect()
    gc.freeze()  # the workers' collector leaves inherited objects alone, so their pages stay shared
    lanes = _Lanes()
    found: dict[str, tuple[str | None, bytes | None, list]] = {}
    try:
        try:
            # the generated editions first: converting costs more than the written text's HTML
            queue = sorted(wanted, key=lambda v: v == content.manifest.written_in)

            def fill(lanes_at_most: int) -> None:
                while queue and len(lanes.running) < lanes_at_most:
                    lanes.start(_html_stage, queue.pop(0))

            if pdf_variants:
                # The build imports WeasyPrint and installs our changes to it once, shared by every
                # PDF worker forked after it; it takes a core meanwhile, so one HTML worker fewer
                # starts before it (forked without it)
                fill(max(1, jobs - 1))
                from generator.pdf import install_hooks

                install_hooks()
                gc.collect()
                gc.freeze()
            fill(jobs)

            def rendered(variant: str, result: tuple[bytes | None, list]) -> None:
                html, _, problems = found[variant]
                pdf, more = result
                found[variant] = (html, pdf, problems + more)

            while lanes:
                here = None  # the PDF this process renders, once the stages that just ended are gone
                for stage, variant, result in lanes.finished():
                    if stage is _html_stage:
                        html, problems = result
                        found[variant] = (html, None, problems)
                        failed = Diagnostics(problems=list(problems)).failed(strict)
                        if html is not None and variant in pdf_variants and not failed:
                            if (last_pdf_here and here is None and not queue
                                    and not lanes.running_stage(_html_stage)):
                                here = (variant, html)
                            else:
                                lanes.start(_pdf_stage, variant, html)  # forked now: WeasyPrint, no converter
                            continue
                    else:
                        rendered(variant, result)
                    fill(jobs)
                lanes.close()  # the ended stages' processes exit now, with their memory
                if here:
                    rendered(here[0], _pdf_stage(*here))
        except BaseException:  # a signal, or a worker gone: none of them outlives the build
            lanes.stop()
            raise
    except BrokenProcessPool:
        stuck = _stuck_templates(dumps, templates)
        for problem in stuck:
            diag.error(*problem)
        if not stuck:
            _worker_died(content, diag)
        return {}, {}
    finally:
        gc.unfreeze()
        _EDITION_JOB.clear()
        for f in dumps:
            f.close()
    htmls: dict[str, str] = {}
    pdfs: dict[str, bytes] = {}
    for variant in wanted:
        html, pdf, problems = found[variant]
        diag.problems.extend(problems)
        if html is not None:
            htmls[variant] = html
        if pdf is not None:
            pdfs[variant] = pdf
    return htmls, pdfs


_EDITION_JOB: dict = {}  # what a forked edition worker works on: inherited through fork, never pickled


class _Lanes:
    """The editions at work (render_outputs starts as many as ``jobs``), each
    stage of an edition in a process of its own, forked for it and gone when
    it is done: the HTML
    (conversion, templates) and then the PDF (glyph check, WeasyPrint). The
    PDF's process is forked from the build's, not from the HTML's: it never
    holds the converter's lexicon and tables (~140 MB) nor what freeing them
    leaves behind, and WeasyPrint, imported by the build while the first
    HTML workers run, is shared by every PDF worker."""

    def __init__(self):
        self.running: dict = {}  # future -> (stage function, variant, its one-process pool)
        self.ended: list[ProcessPoolExecutor] = []  # pools whose stage is done, their process not yet ended

    def __bool__(self) -> bool:
        return bool(self.running)

    def running_stage(self, stage) -> bool:
        return any(running is stage for running, _variant, _pool in self.running.values())

    def start(self, stage, variant: str, *args) -> None:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"), initializer=_worker_init,
                                   initargs=(os.getpid(),))
        try:
            self.running[pool.submit(stage, variant, *args)] = (stage, variant, pool)
        except BaseException:
            _stop_workers(pool)
            raise

    def finished(self) -> list[tuple]:
        """(stage, variant, result) of the stages that ended, once at least
        one has, looking every fraction of a second whether a stopping signal
        was received whose exception got lost; a stage's failure raises."""
        while True:
            if _PENDING_SIGNAL:
                raise BuildInterrupted(_PENDING_SIGNAL[0])
            done, _ = wait(self.running, timeout=0.25, return_when=FIRST_COMPLETED)
            if done:
                break
        ended = []
        for future in done:
            stage, variant, pool = self.running.pop(future)
            self.ended.append(pool)
            ended.append((stage, variant, future.result()))
        return ended

    def close(self) -> None:
        """End the processes whose stage is done (after the next stages have
        started): each exits now, with its memory. Waited for: a pool's
        manager thread must be gone before the interpreter's exit hooks wake
        it (they would write to its closed pipe: EBADF, a traceback at exit),
        and only a waiting shutdown joins it."""
        while self.ended:
            self.ended.pop().shutdown(wait=True)

    def stop(self) -> None:
        for _stage, _variant, pool in self.running.values():
            _stop_workers(pool)
        self.running.clear()
        self.close()


def _html_stage(variant: str) -> tuple[str | None, list]:
    job = _EDITION_JOB
    diag = Diagnostics(root=job["root"])
    htmls = render_editions(job["content"], job["variants"], job["templates"], diag, job["config"],
                            changes=job["changes"], only=[variant])
    return htmls.get(variant), diag.problems


def _pdf_stage(variant: str, html: str) -> tuple[bytes | None, list]:
    job = _EDITION_JOB
    diag = Diagnostics(root=job["root"])
    pdfs = render_pdfs({variant: html}, job["content"], job["templates"], diag, jobs=1)
    return pdfs.get(variant), diag.problems


# --------------------------------------------------------------------------
# a template that never ends


RENDER_TIMEOUT_ENV = "BRIEFING_RENDER_TIMEOUT"
DEFAULT_RENDER_TIMEOUT = 120.0  # seconds per edition; the shipped templates take well under one


class RenderTimeout(BaseException):
    """Raised inside a template that ran past the limit. A BaseException,
    so that no ``except Exception`` on the way swallows it."""


def render_time_limit(diag: Diagnostics) -> float | None:
    """Seconds one edition's templates may take (0: no limit), from
    $BRIEFING_RENDER_TIMEOUT, else the default; None (an error in ``diag``)
    if the variable is set to something else than a number."""
    raw = os.environ.get(RENDER_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_RENDER_TIMEOUT
    try:
        seconds = float(raw)
        if not 0 <= seconds < float("inf"):
            raise ValueError
    except ValueError:
        diag.error(RENDER_TIMEOUT_ENV, 0, f"the environment variable {RENDER_TIMEOUT_ENV} must be a number of "
                   f"seconds, got {raw[:40]!r}", f"unset it for the default of {DEFAULT_RENDER_TIMEOUT:g} s, "
                   "or set 0 for no limit")
        return None
    return seconds


class _TimeLimit:
    """``with _TimeLimit(s):`` -- if the block is still running templates
    after ``s`` seconds, a watchdog thread raises :class:`RenderTimeout` in
    it, between two Python steps: a ``{% for %}`` over range(10**12), a
    macro calling itself, a filter looping in Python all stop at once.

    A template stuck in one C call (``range(10**12)|sum``) holds the
    interpreter, so no thread of its process can act. In a forked edition
    worker -- where a build on the main thread always renders -- the
    interpreter's fault handler (a thread of its own, in C) then writes the
    worker's stack to a file and ends it, after a grace period; the build
    finds the template line in that stack (:func:`_stuck_templates`).
    Nothing has been written at that point."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.where: tuple[str, int, str] | None = None  # (file, line, template name)
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.target = 0
        self.dump = None

    def __enter__(self) -> "_TimeLimit":
        if not self.seconds:
            return self
        self.target = threading.get_ident()
        threading.Thread(target=self._watch, name="briefing-render-limit", daemon=True).start()
        if _EDITION_JOB.get("dumps") and os.getpid() != _EDITION_JOB.get("parent"):  # a forked edition worker
            self.dump = _claim_dump()
            if self.dump is not None:
                faulthandler.dump_traceback_later(self.seconds + _grace(self.seconds), exit=True, file=self.dump)
        return self

    def __exit__(self, *exc) -> None:
        if not self.seconds:
            return
        self.done.set()
        if self.dump is not None:
            faulthandler.cancel_dump_traceback_later()
        with self.lock:  # the watchdog raises only while holding it: after this, it never will again
            pass
        if self.where is not None:
            _async_raise(self.target, None)  # one still pending: cleared (the block is over)

    def _watch(self) -> None:
        if self.done.wait(self.seconds):
            return
        while True:
            with self.lock:
                if self.done.is_set():
                    return
                where = _template_at(sys._current_frames().get(self.target))
                if where is None and self.where is not None:
                    return  # out of the templates: the exception did its work
                if where is not None:
                    self.where = self.where or where
                    _async_raise(self.target, RenderTimeout)
            if self.done.wait(0.5):  # again, in case something on the way caught it
                return

    def problem(self) -> tuple[str, int, str, str]:
        """(path, line, message, hint) for the diagnostics."""
        return _timeout_problem(self.seconds, *(self.where or ("templates", 0, "the templates")))


def _claim_dump():
    """This worker's file for the fault handler: the first of the build's
    files no other worker holds (a POSIX lock, held until the worker ends)."""
    for f in _EDITION_JOB.get("dumps") or ():
        try:
            fcntl.lockf(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except OSError:
            continue
    return None


def _grace(seconds: float) -> float:
    return min(max(seconds, 2.0), 30.0)


def _timeout_problem(seconds: float, path: str, line: int, name: str) -> tuple[str, int, str, str]:
    return (path, line, f"template rendering took longer than {seconds:g} s in {name}: a loop that never ends?",
            "templates are trusted code that runs without a sandbox: look for a loop or filter here that does "
            f"not end; {RENDER_TIMEOUT_ENV}=SECONDS changes the limit (default {DEFAULT_RENDER_TIMEOUT:g})")


def _template_at(frame) -> tuple[str, int, str] | None:
    """The innermost template frame on a thread's stack: (file, template line, name)."""
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            try:
                line = template.get_corresponding_lineno(frame.f_lineno)
            except Exception:  # noqa: BLE001 - a location is a nicety
                line = 0
            return template.filename or template.name or "?", line, template.name or "?"
        frame = frame.f_back
    return None


def _async_raise(thread_id: int, exc) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


_DUMPED_FRAME = re.compile(r'^\s*File "(.+)", line (\d+) in ', re.M)


def _stuck_templates(dumps: list, templates: Path | None) -> list[tuple[str, int, str, str]]:
    """The problems of workers the fault handler ended (see :class:`_TimeLimit`):
    the innermost template frame of each dumped stack, at its template line."""
    from generator.overrides import TEMPLATE_SUFFIXES
    from generator.render import template_env
    from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

    problems = []
    seconds = render_time_limit(Diagnostics()) or DEFAULT_RENDER_TIMEOUT
    for dump in dumps:
        try:
            dump.seek(0)
            text = dump.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            continue
        frame = next(((f, int(n)) for f, n in _DUMPED_FRAME.findall(text) if f.endswith(TEMPLATE_SUFFIXES)), None)
        if frame is None:
            continue
        path, line, name = frame[0], 0, Path(frame[0]).name
        env = template_env(templates)
        for root, prefix in ((templates, ""), (SHIPPED_TEMPLATES, "base:")):
            if root is None or not (Path(path).is_relative_to(root) or Path(path).is_relative_to(Path(root).resolve())):
                continue
            base = Path(root) if Path(path).is_relative_to(root) else Path(root).resolve()
            rel = Path(path).relative_to(base).as_posix()
            try:  # compiled again here, the same way: the same line table
                template = env.get_template(prefix + rel)
                if template.filename == path:
                    line, name = template.get_corresponding_lineno(frame[1]), rel
            except Exception:  # noqa: BLE001 - not loadable now: the file's name will do
                pass
            break
        problems.append(_timeout_problem(seconds, path, line, name))
    return problems


# --------------------------------------------------------------------------
# a build stopped by a signal (SIGTERM, SIGINT): its workers go with it


class BuildInterrupted(SystemExit):
    """The build was stopped by ``signum``; exits 128 + signum, nothing written."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum


def _interruptible(fn):
    """Run ``fn`` (the build) so that SIGTERM and SIGINT stop it cleanly:
    the signal raises :class:`BuildInterrupted` in the main thread, the
    edition workers are stopped (render_outputs), a half-done commit is
    rolled back (output.write_all), and the process exits 143 / 130 with a
    message. Only on the main thread (``serve`` builds in others)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return fn(*args, **kwargs)
        owner = os.getpid()
        _PENDING_SIGNAL.clear()

        def stop(signum, frame):
            if os.getpid() != owner:  # a worker forked just now, before _worker_init ran
                os._exit(128 + signum)
            # remembered as well as raised: a signal that lands in a callback Python runs for us
            # (the logging module's at-fork hook while the pool forks, a finaliser) has its exception
            # dropped; _results raises it again at its next look, and nothing is written
            _PENDING_SIGNAL.append(signum)
            raise BuildInterrupted(signum)

        def unraisable(hook):  # ... and not printed as a traceback either
            return lambda info: None if isinstance(info.exc_value, BuildInterrupted) else hook(info)

        before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        for s in before:
            signal.signal(s, stop)
        hook, sys.unraisablehook = sys.unraisablehook, unraisable(sys.unraisablehook)
        try:
            return fn(*args, **kwargs)
        except BuildInterrupted as exc:
            sys.stderr.write(f"briefing: stopped by {signal.Signals(exc.signum).name}; nothing was written "
                             "(the previous outputs are as they were)\n")
            sys.stderr.flush()
            raise
        finally:
            _PENDING_SIGNAL.clear()  # consumed: a later build (serve's, in a thread) must not see it
            sys.unraisablehook = hook
            for s, handler in before.items():
                if handler is not None:
                    signal.signal(s, handler)

    return run


def _worker_init(parent: int) -> None:
    """In each forked worker: the default signal handling back (SIGTERM ends
    it; Ctrl-C is the build's to handle), and death with the build even if
    the build is killed outright (SIGKILL leaves no time to stop anything)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the build died before this line
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:  # elsewhere: notice the new parent
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="briefing-parent-watch", daemon=True).start()


_PENDING_SIGNAL: list[int] = []  # the signal that is stopping the build (see _interruptible)


def _results(pool: ProcessPoolExecutor, fn, items) -> list:
    """``list(pool.map(fn, items))``, but looking every fraction of a second
    whether a stopping signal was received whose exception got lost."""
    futures = [pool.submit(fn, item) for item in items]
    pending = set(futures)
    while pending:
        if _PENDING_SIGNAL:
            raise BuildInterrupted(_PENDING_SIGNAL[0])
        done, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
        if any(f.exception() is not None for f in done):
            break
    return [f.result() for f in futures]  # (the first failure raises, as map's would)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes, now (the build is stopping)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        try:
            p.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    for p in processes:
        try:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass
    try:  # waited for: its manager thread must be gone before the interpreter's exit hooks wake it
        pool.shutdown(wait=True, cancel_futures=True)  # (they would write to its closed pipe: EBADF)
    except (OSError, RuntimeError):
        pass


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@_interruptible
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
    isolate: bool = False,
    last_pdf_here: bool = False,
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
    about half the peak memory). ``isolate`` and ``last_pdf_here``: see
    :func:`render_outputs` (the command line's build sets both)."""
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
    later: list = []  # warnings about the output directory: shown, but no reason for --strict to stop
    if write:
        from generator.incremental import plan_build

        _check_out_dir(out_dir, content_dir, templates, config, force, diag)  # only into a directory that is ours
        later = _output_warnings(out_dir, clean_stale_temporaries(out_dir))  # a killed build's commit, rolled back
        plan = plan_build(content_dir, out_dir, templates, variants, formats, config, strict, force)
        later += _output_warnings(out_dir, [], plan.manifest_problem)
        if plan.up_to_date and sources_dir is None:
            report.skipped = plan.fresh
            report.seconds = time.perf_counter() - started
            diag.problems.extend(later)
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
    from generator.provenance import unsourced_claims, unsourced_explanations

    unsourced_claims(content, diag)
    unsourced_explanations(content, diag)
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
        diag.problems.extend(later)
        return report
    pdf_variants = [v for v in variants if "pdf" in formats and (plan is None or v in plan.stale_variants("pdf"))]
    htmls, pdfs = render_outputs(content, variants, templates, diag, config, compare(baseline, current), only,
                                 pdf_variants, strict, jobs, isolate, last_pdf_here)  # editions side by side
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
        from generator.incremental import MANIFEST, manifest_bytes, read_manifest

        warnings, variants_of_content = len(diag.warnings), list(content.manifest.variants)

        def manifest(directory: Path) -> dict[str, bytes]:
            """Read, merged, written under the commit's lock: the entries another
            build of this directory committed meanwhile (the PDFs, say) stay."""
            return {MANIFEST: manifest_bytes(plan, outputs, warnings, current, variants_of_content,
                                             on_disk=read_manifest(directory)[0])}

        if _PENDING_SIGNAL:  # a stopping signal whose exception was dropped on the way: nothing is written
            raise BuildInterrupted(_PENDING_SIGNAL[0])
        try:
            paths = write_all(out_dir, dict(outputs), update=manifest)  # outputs and manifest: one atomic commit
        except OutputError as exc:
            diag.error(exc.path, 0, exc.reason, exc.hint)
            raise BuildError(diag) from None
        for p in paths:
            if p.name not in made:
                continue
            variant, fmt = made[p.name]
            report.written.append(Written(p, p.stat().st_size, variant, fmt, _pages(outputs[p.name]) if fmt == "pdf" else 0))
    report.seconds = time.perf_counter() - started
    diag.problems.extend(later)
    return report


def _check_out_dir(out_dir: Path, content_dir: Path, templates: Path | None, config: Config, force: bool,
                   diag: Diagnostics) -> None:
    """Stop (BuildError) before touching an output directory the build does not own (output.check_out_dir)."""
    from generator.output import check_out_dir
    from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

    names = [output_name(v, f, config.output_name) for v in VARIANTS for f in FORMATS]
    try:
        check_out_dir(out_dir, content_dir, templates, config.path, names, force, (SHIPPED_TEMPLATES,))
    except OutputError as exc:
        diag.error(exc.path, 0, exc.reason, exc.hint)
        raise BuildError(diag) from None


def _output_warnings(out_dir: Path, leftovers: list, manifest_problem: str = "") -> list:
    """Warnings (as problems) for what recovery left alone and for a build manifest that cannot be used."""
    from generator.incremental import MANIFEST

    d = Diagnostics(root=Path.cwd())
    for path, message, hint in leftovers:
        d.warning(path, 0, message, hint, code="output")
    if manifest_problem:
        path = Path(out_dir) / MANIFEST
        reason = manifest_problem.removeprefix(f"{path} ")
        d.warning(path, 0, f"the build manifest {reason}: treated as absent (every output is rebuilt; "
                           "本版更新 has no earlier edition to compare with)", "this build writes a new one",
                  code="output")
    return d.problems


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
