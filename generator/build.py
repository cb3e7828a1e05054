"""The build: the stages in order, as :data:`STAGES` lists them.

    configuration -> plan (what is stale) -> load (generator.load) -> editions
    -> check (generator.check) -> compare (本版更新) -> render
    (generator.lanes: each edition's HTML, generator.render, then its PDF,
    generator.pdf) -> collect -> write (generator.write)

In: the arguments of ``briefing build`` / ``check`` (and briefing.toml).
Out: a :class:`BuildReport` (the files written, the ones skipped as up to
date, the provenance figures, the diagnostics), or :class:`BuildError`
with every problem found. Each stage fills in one :class:`_Run`; after
each, the loop stops the build if it has failed -- the one way out.
Nothing is written until every requested output has been rendered, and a
failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.check.provenance import verify
from generator.check.claims import unsourced_claims, unsourced_explanations
from generator.diagnostics import BuildError, Diagnostics
from generator.lanes import render_outputs
from generator.load.charts import validate as validate_charts
from generator.load.config import Config, check_fonts, load_config, output_name
from generator.load.content import load_content
from generator.model import FORMATS, MANIFEST, VARIANTS, Content
from generator.pdf import RenderedPdf
from generator.pdf.editions import check_html_glyphs
from generator.render.changes import ContentChanges, compare, snapshot
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES
from generator.workers import PENDING_SIGNAL, BuildInterrupted, interruptible
from generator.write.incremental import Plan, baseline_for, manifest_bytes, plan_build, read_manifest
from generator.write.output import OutputError, check_out_dir, clean_stale_temporaries, write_all

# Names this module held before the stages had folders of their own, kept
# importable from here for code written against them.
from generator.load.config import DEFAULT_OUTPUT_NAME, DEFAULT_STYLE  # noqa: F401
from generator.pdf.editions import render_pdfs  # noqa: F401
from generator.render.editions import print_html, render_editions  # noqa: F401
from generator.workers import RENDER_TIMEOUT_ENV  # noqa: F401


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


@interruptible
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
    ``force`` rebuilds them. See generator/write/incremental.py.

    ``jobs``: editions rendered at once, each in its own process (default:
    one per core, up to the number of editions; 1 = one after the other,
    about half the peak memory). ``isolate`` and ``last_pdf_here``: see
    :func:`generator.lanes.render_outputs` (the command line's build sets both)."""
    run = _Run(time.perf_counter(), Diagnostics(root=Path.cwd()), strict, write, force, jobs, glyphs, isolate,
               last_pdf_here, Path(sources_dir) if sources_dir is not None else None,
               config, content_dir, out_dir, templates, variants, formats)
    for stage in STAGES:
        if run.finished:
            break
        if stage(run):  # the stage found that the build cannot go on: the one way out of a failed build
            raise BuildError(run.diag)
    return run.report()


@dataclass
class _Run:
    """One build, filled in stage by stage (:data:`STAGES`)."""

    started: float
    diag: Diagnostics
    strict: bool
    write: bool
    force: bool
    jobs: int | None
    glyphs: bool
    isolate: bool
    last_pdf_here: bool
    sources_dir: Path | None = None
    # as given to build(); the configuration step settles them (a Config, Paths)
    config: Config | Path | str | None = None
    content_dir: Path | str | None = None
    out_dir: Path | str | None = None
    templates: Path | str | None = None
    variants: list[str] | None = None  # as asked; then every edition to build
    formats: list[str] | None = None
    plan: Plan | None = None  # which outputs are stale, from out_dir/manifest.json (hashes files only)
    later: list = field(default_factory=list)  # warnings about the output folder: shown, no reason for --strict to stop
    content: Content | None = None
    provenance: dict = field(default_factory=dict)
    snapshot: dict | None = None  # 本版更新: this edition's content, compared with the previous one's
    changes: ContentChanges | None = None
    only: list[str] | None = None  # the editions to render (None: all)
    pdf_variants: list[str] = field(default_factory=list)
    htmls: dict[str, str] = field(default_factory=dict)
    pdfs: dict[str, RenderedPdf] = field(default_factory=dict)
    outputs: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes
    made: dict[str, tuple[str, str]] = field(default_factory=dict)  # file name -> (variant, format)
    written: list[Written] = field(default_factory=list)
    finished: bool = False  # nothing left to do (everything up to date)

    def report(self) -> BuildReport:
        self.diag.problems.extend(self.later)
        return BuildReport(self.diag, self.written, self.plan.fresh if self.plan else [], self.provenance,
                           time.perf_counter() - self.started, self.outputs)


# Each stage fills in the run, and says whether the build failed there.


def _configuration(run: _Run) -> bool:
    """The arguments over briefing.toml (a path or a loaded :class:`Config`)
    over the defaults. A briefing.toml that was read and is wrong stops the
    build here, before its paths are used; one that could not be read at
    all leaves the defaults, and its error is reported with whatever else
    the build finds."""
    if run.config is not None and not isinstance(run.config, Config):
        run.config = load_config(run.config, run.diag)
    run.config = config = run.config or Config()
    run.content_dir = Path(run.content_dir or config.content or "content")
    run.out_dir = Path(run.out_dir or config.out or "output")
    run.templates = Path(run.templates) if run.templates else config.templates
    return config.path is not None and bool(run.diag.errors)


def _plan(run: _Run) -> bool:
    """Only into an output folder that is ours; a killed build's commit rolled
    back; which outputs are stale (none: the build is done)."""
    if not run.write:
        return False
    if not _check_out_dir(run.out_dir, run.content_dir, run.templates, run.config, run.force, run.diag):
        return True
    run.later = _output_warnings(run.out_dir, clean_stale_temporaries(run.out_dir))
    run.plan = plan_build(run.content_dir, run.out_dir, run.templates, run.variants, run.formats, run.config,
                          run.strict, run.force)
    run.later += _output_warnings(run.out_dir, [], run.plan.manifest_problem)
    run.finished = run.plan.up_to_date and run.sources_dir is None
    return False


def _load(run: _Run) -> bool:
    """The content, loaded and validated (generator.load): every problem of
    every file, at its line."""
    try:
        run.content = load_content(run.content_dir, run.diag)
    except BuildError:  # its problems are on run.diag
        return True
    return False


def _editions(run: _Run) -> bool:
    """The editions and formats asked for, and the fonts their PDFs need."""
    content, diag = run.content, run.diag
    if run.templates is not None and not run.templates.is_dir():
        diag.error(run.templates, 0, "template directory not found", "pass --templates DIR pointing at your overrides")
    run.variants = list(run.variants or run.config.variants or content.manifest.variants)
    for v in run.variants:
        if v not in VARIANTS:
            diag.error(content.manifest.path, 0, f"unknown variant '{v}'", "one of: " + ", ".join(VARIANTS))
    run.formats = list(run.formats or run.config.formats or FORMATS)
    if "style" in getattr(content.manifest, "_data", {}):
        diag.error(content.manifest.path, content.manifest._data.line_of("style"),
                   "'style' is configured in briefing.toml, not in the manifest",
                   "move it to a [style] table in briefing.toml (see README, Customizing)")
    if "pdf" in run.formats:
        check_fonts(run.config, run.variants, diag)
    return False  # the checks that follow report their problems with these


def _check(run: _Run) -> bool:
    """Against the outside world (generator.check): quotes and figures in the
    source texts (--sources), claims without a source, the charts."""
    if run.sources_dir is not None:
        run.provenance = check_provenance(run.content, run.sources_dir, run.diag)
    unsourced_claims(run.content, run.diag)
    unsourced_explanations(run.content, run.diag)
    validate_charts(run.content, run.diag)  # content/charts.yaml against numbers.yaml
    return run.diag.failed(run.strict)


def _compare(run: _Run) -> bool:
    """What changed since the previous edition (本版更新), and which editions
    are stale (none, after a --sources check of up-to-date outputs: done)."""
    run.snapshot = snapshot(run.content)
    plan = run.plan
    baseline = plan.baseline if plan else baseline_for(read_manifest(run.out_dir)[0], run.content.manifest.edition)
    run.changes = compare(baseline, run.snapshot)
    run.only = plan.stale_variants() if plan else None
    run.finished = plan is not None and not run.only
    return False


def _render(run: _Run) -> bool:
    """Each edition's HTML and PDF, side by side (generator.lanes); for
    ``check``, the PDF's glyph check without the PDF."""
    plan = run.plan
    run.pdf_variants = [v for v in run.variants
                        if "pdf" in run.formats and (plan is None or v in plan.stale_variants("pdf"))]
    run.htmls, run.pdfs = render_outputs(run.content, run.variants, run.templates, run.diag, run.config, run.changes,
                                         run.only, run.pdf_variants, run.strict, run.jobs, run.isolate,
                                         run.last_pdf_here)
    if run.glyphs and not run.pdf_variants and not run.diag.errors:
        check_html_glyphs(run.htmls, run.content, run.templates, run.diag)
    return run.diag.failed(run.strict)


def _collect(run: _Run) -> bool:
    """The files to write, by name: the stale ones (the others are on disk
    already, byte for byte)."""
    pattern = run.config.output_name
    if "html" in run.formats:
        for v, h in run.htmls.items():
            run.outputs[output_name(v, "html", pattern)] = h.encode("utf-8")
            run.made[output_name(v, "html", pattern)] = (v, "html")
    if "pdf" in run.formats:
        for v, rendered in run.pdfs.items():
            run.outputs[output_name(v, "pdf", pattern)] = rendered.pdf
            run.made[output_name(v, "pdf", pattern)] = (v, "pdf")
    if run.plan is not None:
        run.outputs = {n: b for n, b in run.outputs.items() if n in run.plan.stale}
    return False


def _write(run: _Run) -> bool:
    """The outputs and the build manifest, in one atomic commit (generator.write)."""
    if not run.write:
        return False
    plan, outputs, current, diag = run.plan, run.outputs, run.snapshot, run.diag
    warnings, variants_of_content = len(diag.warnings), list(run.content.manifest.variants)

    def manifest(directory: Path) -> dict[str, bytes]:
        """Read, merged, written under the commit's lock: the entries another
        build of this directory committed meanwhile (the PDFs, say) stay."""
        return {MANIFEST: manifest_bytes(plan, outputs, warnings, current, variants_of_content,
                                         on_disk=read_manifest(directory)[0])}

    if PENDING_SIGNAL:  # a stopping signal whose exception was dropped on the way: nothing is written
        raise BuildInterrupted(PENDING_SIGNAL[0])
    try:
        paths = write_all(run.out_dir, dict(outputs), update=manifest)
    except OutputError as exc:
        diag.error(exc.path, 0, exc.reason, exc.hint)
        return True
    for p in paths:
        if p.name in run.made:
            variant, fmt = run.made[p.name]
            pages = run.pdfs[variant].pages if fmt == "pdf" else 0
            run.written.append(Written(p, p.stat().st_size, variant, fmt, pages))
    return False


# The build, stage by stage: each returns True when the build cannot go on.
STAGES: tuple[Callable[[_Run], bool], ...] = (
    _configuration, _plan, _load, _editions, _check, _compare, _render, _collect, _write,
)


def _check_out_dir(out_dir: Path, content_dir: Path, templates: Path | None, config: Config, force: bool,
                   diag: Diagnostics) -> bool:
    """Whether the build may write into ``out_dir``: not into a folder it does
    not own (generator.write.output.check_out_dir; the reason is an error)."""

    names = [output_name(v, f, config.output_name) for v in VARIANTS for f in FORMATS]
    try:
        check_out_dir(out_dir, content_dir, templates, config.path, names, force, (SHIPPED_TEMPLATES,))
    except OutputError as exc:
        diag.error(exc.path, 0, exc.reason, exc.hint)
        return False
    return True


def _output_warnings(out_dir: Path, leftovers: list, manifest_problem: str = "") -> list:
    """Warnings (as problems) for what recovery left alone and for a build manifest that cannot be used."""

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


def check_provenance(content: Content, sources_dir: Path, diag: Diagnostics) -> dict:
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
