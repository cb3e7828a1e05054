"""The editions of one build at work side by side: each stage of an edition
(its HTML, then its PDF) in a forked process of its own.

In: the loaded content and what to render. Out: the HTML and PDFs of the
requested editions, with the same results and diagnostics as rendering
them one after the other (which one edition, or ``jobs=1``, does in this
process).
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from generator.diagnostics import Diagnostics
from generator.load.config import Config
from generator.model import Content
from generator.pdf import RenderedPdf, install_hooks
from generator.pdf.editions import render_pdfs
from generator.render.editions import render_editions
from generator.render.html import template_env
from generator.render.overrides import TEMPLATE_SUFFIXES, check_overrides
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES
from generator.workers import (
    DEFAULT_RENDER_TIMEOUT, EDITION_JOB, PENDING_SIGNAL, BuildInterrupted, cores, render_time_limit, stop_workers,
    timeout_problem, worker_died, worker_init,
)


def render_outputs(content: Content, variants: list[str], templates: Path | None, diag: Diagnostics,
                   config: Config, changes, only: list[str] | None, pdf_variants: list[str],
                   strict: bool = False, jobs: int | None = None,
                   isolate: bool = False, last_pdf_here: bool = False) -> tuple[dict[str, str], dict[str, RenderedPdf]]:
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
    (see :class:`generator.workers.TimeLimit`; in this process the limit stops Python-level
    loops only).

    ``last_pdf_here``: the PDF that starts when no other stage is left to
    start renders in this process instead of a fork of it (the others still
    run meanwhile): one process fewer at the build's peak, where every
    process counts its copy of what it inherited (WeasyPrint, the content).
    For a process that ends with the build (the command line's): this one
    keeps the render's memory and WeasyPrint's caches."""
    wanted = [v for v in variants if only is None or v in only]
    jobs = min(jobs or cores(), len(wanted))
    isolate = isolate and threading.current_thread() is threading.main_thread()
    if not wanted or "fork" not in get_all_start_methods() or (jobs < 2 and not isolate):
        htmls = render_editions(content, variants, templates, diag, config, changes=changes, only=only)
        if diag.failed(strict):
            return htmls, {}
        return htmls, render_pdfs({v: h for v, h in htmls.items() if v in pdf_variants}, content, templates, diag,
                                  jobs=1)
    if templates is not None and templates.is_dir():
        check_overrides(templates, diag)  # once, before the editions (each worker's check then finds nothing)
        if diag.errors:
            return {}, {}
    dumps = [tempfile.TemporaryFile() for _ in range(jobs)]  # one per HTML worker: where a stuck one's stack goes
    EDITION_JOB.update(content=content, variants=variants, templates=templates, config=config, changes=changes,
                        root=diag.root, dumps=dumps, parent=os.getpid())
    gc.collect()
    gc.freeze()  # the workers' collector leaves inherited objects alone, so their pages stay shared
    lanes = _Lanes()
    found: dict[str, tuple[str | None, RenderedPdf | None, list]] = {}
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

                install_hooks()
                gc.collect()
                gc.freeze()
            fill(jobs)

            def rendered(variant: str, result: tuple[RenderedPdf | None, list]) -> None:
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
            worker_died(content, diag)
        return {}, {}
    finally:
        gc.unfreeze()
        EDITION_JOB.clear()
        for f in dumps:
            f.close()
    htmls: dict[str, str] = {}
    pdfs: dict[str, RenderedPdf] = {}
    for variant in wanted:
        html, pdf, problems = found[variant]
        diag.problems.extend(problems)
        if html is not None:
            htmls[variant] = html
        if pdf is not None:
            pdfs[variant] = pdf
    return htmls, pdfs


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
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"), initializer=worker_init,
                                   initargs=(os.getpid(),))
        try:
            self.running[pool.submit(stage, variant, *args)] = (stage, variant, pool)
        except BaseException:
            stop_workers(pool)
            raise

    def finished(self) -> list[tuple]:
        """(stage, variant, result) of the stages that ended, once at least
        one has, looking every fraction of a second whether a stopping signal
        was received whose exception got lost; a stage's failure raises."""
        while True:
            if PENDING_SIGNAL:
                raise BuildInterrupted(PENDING_SIGNAL[0])
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
            stop_workers(pool)
        self.running.clear()
        self.close()


def _html_stage(variant: str) -> tuple[str | None, list]:
    job = EDITION_JOB
    diag = Diagnostics(root=job["root"])
    htmls = render_editions(job["content"], job["variants"], job["templates"], diag, job["config"],
                            changes=job["changes"], only=[variant])
    return htmls.get(variant), diag.problems


def _pdf_stage(variant: str, html: str) -> tuple[RenderedPdf | None, list]:
    job = EDITION_JOB
    diag = Diagnostics(root=job["root"])
    pdfs = render_pdfs({variant: html}, job["content"], job["templates"], diag, jobs=1)
    return pdfs.get(variant), diag.problems


_DUMPED_FRAME = re.compile(r'^\s*File "(.+)", line (\d+) in ', re.M)


def _stuck_templates(dumps: list, templates: Path | None) -> list[tuple[str, int, str, str]]:
    """The problems of workers the fault handler ended (see :class:`generator.workers.TimeLimit`):
    the innermost template frame of each dumped stack, at its template line."""

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
        problems.append(timeout_problem(seconds, path, line, name))
    return problems
