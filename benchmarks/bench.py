"""How long a build takes, against what WeasyPrint alone needs for the same PDFs.

    make bench                                   # = .venv/bin/python benchmarks/bench.py
    .venv/bin/python benchmarks/bench.py --runs 7 --json /tmp/run.json
    .venv/bin/python benchmarks/bench.py --compare benchmarks/results/latest.json

Everything runs as separate processes through the public commands
(``briefing`` and WeasyPrint's own ``weasyprint``), on a copy of the shipped
content in a temporary directory, so the repository's content/ and output/
are never touched. Each figure is the median of ``--runs`` runs (at least 5):

- cold full build of the default editions (HTML + PDF) into an empty
  directory: wall time, and peak memory of the whole process tree (sum of
  RSS of every process alive at the same moment, sampled every 20 ms;
  also the proportional set size, which counts pages shared after fork once);
- the floor: ``weasyprint`` turning each edition's already-built HTML (minus
  its screen-only style block, exactly what the build gives WeasyPrint) into
  a PDF, one fresh process per edition, run one after the other; their sum
  and the longest single edition; and the ratio of the full build to the sum
  (also as CPU seconds: the build's longest chain -- main process plus its
  slowest worker -- over the floor's CPU, which is what the wall-time ratio
  would be on an otherwise idle machine);
- the **plain-markup floor**: the same edition's reading text as plain
  semantic HTML (headings, paragraphs, lists, tables; the edition's two
  font families and the page size, nothing else; benchmarks/phases.py),
  rendered by ``weasyprint`` with the same options, one fresh process per
  edition; and the ratio of the full build (every edition) to the floor of
  one edition -- the honest measure of what our markup and CSS cost, since
  the floor above renders our own markup;
- WeasyPrint's time per phase on each edition (parse, cascade, boxes,
  layout, draw, fonts, tagging, write) and that process's peak RSS, one
  fresh process per edition (benchmarks/phases.py);
- the same WeasyPrint runs all at once (parallel processes): the speed-up
  and the memory that parallel rendering has on this machine by itself;
- the same build with ``--jobs 1`` (editions one after the other: the
  memory-bounded alternative);
- a no-op rebuild, and a rebuild after editing one theme;
- ``briefing --help`` and ``briefing check``;
- the size of every output;
- a synthetic 10x content (120 themes generated into a temporary directory),
  built cold, to show that cost grows linearly with content;
- where the build's own time goes (stages, in one process, no PDF).

Full builds and floor runs are interleaved round by round, so a change in
machine load affects both sides of the ratio alike. The results are printed
as a table and written as JSON (default benchmarks/results/latest.json).
Only the standard library is used here; memory sampling reads /proc (Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MB = 1024 * 1024

# The targets. Each: (what, limit, unit).
TARGETS = {
    "full_over_plain": ("full build (all editions) / plain-markup floor of one edition", 2.0, "x"),
    "full_over_floor": ("full build / sequential floor sum", 0.7, "x"),
    "noop_s": ("no-op rebuild", 0.3, "s"),
    "help_s": ("briefing --help", 0.3, "s"),
    "pdf_mb": ("largest PDF", 0.7, "MB"),
    "pdf_font_duplicates": ("fonts embedded twice in a PDF", 0, ""),
    "pdf_whole_fonts": ("fonts embedded whole (not subset)", 0, ""),
    "html_kb": ("largest HTML", 300, "KB"),
    "peak_rss_mb": ("peak RSS of the build's process tree", 400, "MB"),
    "scale_10x": ("10x content build / 1x build", 12, "x"),
    "scale_10x_rss_mb": ("peak RSS of the 10x content build", 1536, "MB"),
}


# --------------------------------------------------------------------------
# running and measuring


class Run:
    """One finished process: wall seconds, peak memory of its process tree
    (RSS summed, PSS summed, largest single process's high-water mark), output."""

    def __init__(self, seconds: float, cpu: float, rss: int, pss: int, single: int, rc: int, out: str, err: str,
                 worker_cpu: list[float] | None = None):
        self.seconds, self.cpu, self.rss, self.pss, self.single = seconds, cpu, rss, pss, single
        self.rc, self.out, self.err = rc, out, err
        self.worker_cpu = worker_cpu or []  # CPU seconds of each direct child (with its own children)

    @property
    def critical_cpu(self) -> float:
        """CPU seconds on the longest chain: the main process's own work plus
        its slowest worker -- what the wall time would be on an idle machine
        with a core per worker (a load-independent estimate)."""
        if not self.worker_cpu:
            return self.cpu
        return self.cpu - sum(self.worker_cpu) + max(self.worker_cpu)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _kb(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run(cmd: list[str], cwd: Path, sample: bool = False, check: bool = True) -> Run:
    """Run ``cmd``; with ``sample``, track the process tree's memory."""
    peak = {"rss": 0, "pss": 0, "hwm": 0}
    workers: dict[int, float] = {}
    cpu0 = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sampler() -> None:
        # /proc/PID/status costs ~20 us to read; smaps_rollup (PSS) walks the
        # whole address space, ~4.5 ms for a 260 MB process, and holds its
        # memory map's lock meanwhile: read every 20 ms for a three-process
        # build, it took a third of a core from a build that has both busy
        # (and nothing from a one-process floor, beside an idle core). So
        # PSS is read every 6th sample (~0.3 s; a lower bound of its peak),
        # and the tree every 50 ms (VmHWM still gives each process's exact peak).
        n = 0
        while not done.is_set():
            pids = _tree(proc.pid)
            rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
            if n % 6 == 0:
                peak["pss"] = max(peak["pss"], sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            n += 1
            hwm = max((_kb(f"/proc/{p}/status", "VmHWM:") for p in pids), default=0)
            peak["rss"], peak["hwm"] = max(peak["rss"], rss), max(peak["hwm"], hwm)
            for child in _children(proc.pid):
                workers[child] = max(workers.get(child, 0.0), _cpu_of(child))
            done.wait(0.05)

    thread = threading.Thread(target=sampler, daemon=True) if sample and sys.platform == "linux" else None
    if thread:
        thread.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if thread:
        thread.join()
    if check and proc.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err[-3000:]}")
    return Run(seconds, _children_cpu() - cpu0, peak["rss"], peak["pss"], peak["hwm"], proc.returncode, out, err,
               [c for c in workers.values() if c > 0.05])


def _cpu_of(pid: int) -> float:
    """utime + stime + cutime + cstime of a live process, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _children_cpu() -> float:
    """User + system CPU seconds of every finished descendant (of the whole
    tree: a process's own reaped children are counted in it)."""
    t = os.times()
    return t.children_user + t.children_system


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def progress(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# the workspace


def make_workspace(content: Path) -> Path:
    ws = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    shutil.copytree(content, ws / "content", ignore=shutil.ignore_patterns(".*"))
    return ws


def scale_content(src: Path, dest: Path, factor: int) -> int:
    """A content directory with ``factor`` times the themes: every theme file
    copied ``factor - 1`` more times under new ids (same body, citations and
    numbers), appended to the manifest's theme order. Returns the theme count."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".*"))
    themes = sorted((dest / "themes").glob("*.md"))
    manifest = dest / "briefing.yaml"
    text = manifest.read_text(encoding="utf-8")
    new_ids: list[str] = []
    n = len(themes)
    for k in range(2, factor + 1):
        for path in themes:
            body = path.read_text(encoding="utf-8")
            m = re.search(r"^id:\s*(\S+)\s*$", body, re.M)
            if not m:
                sys.exit(f"bench: {path}: no 'id:' line in the front matter")
            new_id = f"{m.group(1)}-x{k}"
            body = body[:m.start(1)] + new_id + body[m.end(1):]
            (dest / "themes" / f"{path.stem}-x{k}.md").write_text(body, encoding="utf-8")  # NN-slug.md
            new_ids.append(new_id)
    # The manifest's theme list is a block sequence under 'themes:'.
    m = re.search(r"^themes:\s*\n((?:[ \t]+-[^\n]*\n?)+)", text, re.M)
    if not m:
        sys.exit(f"bench: {manifest}: no block list under 'themes:'")
    indent = re.match(r"[ \t]+", m.group(1)).group(0)
    block = m.group(1) if m.group(1).endswith("\n") else m.group(1) + "\n"
    block += "".join(f"{indent}- {t}\n" for t in new_ids)
    manifest.write_text(text[:m.start(1)] + block + text[m.end(1):], encoding="utf-8")
    return n * factor


def edit_theme(path: Path, round_: int) -> None:
    """A real edit a writer would make: one sentence of the takeaway changed
    (alternating, so every round changes the file)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(^takeaway:.*?)(（基准\d+）)?$", lambda m: f"{m.group(1)}（基准{round_}）", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------
# the floor


def edition_files(out: Path, dest: Path, kind: str) -> dict[str, Path]:
    """Each edition's HTML as WeasyPrint gets it from the build (``print``), or
    its reading text as plain semantic HTML (``plain``, benchmarks/phases.py)."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generator.render.editions import print_html
    from phases import plain_markup

    transform = {"print": print_html, "plain": plain_markup}[kind]
    found = {}
    for html in sorted(out.glob("briefing.*.html")):
        variant = html.name.split(".")[1]
        p = dest / f"{kind}.{variant}.html"
        p.write_text(transform(html.read_text(encoding="utf-8")), encoding="utf-8")
        found[variant] = p
    return found


def phase_round(htmls: dict[str, Path], content: Path, ws: Path) -> dict[str, dict]:
    """Per edition, in a fresh process: WeasyPrint's time per phase on our
    print HTML (benchmarks/phases.py) and that process's peak RSS."""
    found = {}
    for variant, html in htmls.items():
        r = run([str(BIN / "python"), str(REPO / "benchmarks" / "phases.py"), str(html), "--base", str(content)], ws,
                check=False)
        if r.rc == 0:
            found[variant] = json.loads(r.out.strip().splitlines()[-1])
        else:
            progress("phase split unavailable: " + (r.err.strip().splitlines() or ["?"])[-1])
    return found


def pdf_options() -> list[str]:
    """The ``weasyprint`` options that ask for what the build asks for (its
    PDF variant, e.g. tagged PDF/UA, costs time of its own)."""
    import inspect

    from generator.pdf import render_pdf

    variant = inspect.signature(render_pdf).parameters.get("pdf_variant")
    return ["--pdf-variant", variant.default] if variant is not None and variant.default else []


def floor_round(weasyprint: Path, htmls: dict[str, Path], content: Path, ws: Path,
                options: list[str]) -> dict[str, Run]:
    return {variant: run([str(weasyprint), "-q", *options, "-u", f"{content}/", str(html),
                          str(ws / f"floor.{variant}.pdf")], ws, sample=True)
            for variant, html in htmls.items()}


def floor_together(weasyprint: Path, htmls: dict[str, Path], content: Path, ws: Path, options: list[str]) -> Run:
    """The same WeasyPrint runs, all editions at once (what parallel
    rendering can achieve on this machine right now, and what it costs in
    memory, with nothing of ours around it)."""
    import shlex

    cmds = [" ".join(shlex.quote(a) for a in [str(weasyprint), "-q", *options, "-u", f"{content}/", str(html),
                                               str(ws / f"together.{variant}.pdf")])
            for variant, html in htmls.items()]
    return run(["sh", "-c", " & ".join(cmds) + " & wait"], ws, sample=True)


def pdf_facts(out: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Pages and embedded fonts of each PDF (poppler-utils, when installed)."""
    pages: dict[str, int] = {}
    fonts: dict[str, list[str]] = {}
    if not (shutil.which("pdfinfo") and shutil.which("pdffonts")):
        return pages, fonts
    for p in sorted(out.glob("briefing.*.pdf")):
        info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if m:
            pages[p.name] = int(m.group(1))
        table = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True).stdout.splitlines()[2:]
        # "ABCDEF+Noto-Serif-CJK-SC  CID Type 0C (OT)  Identity-H  yes yes yes  12  0": name, embedded, subset
        fonts[p.name] = [f"{line.split()[0]} ({'subset' if line.split()[-4] == 'yes' else 'WHOLE FONT'})"
                         for line in table if line.strip()]
    return pages, fonts


# --------------------------------------------------------------------------
# stages


STAGES = r"""
import json, sys, time
from pathlib import Path
T = time.perf_counter
t = {}; t0 = T()
from generator.render.editions import print_html, render_editions
from generator.load.config import Config
from generator.load.content import load_content
from generator.diagnostics import Diagnostics
t["import"] = T() - t0; s = T()
d = Diagnostics(root=Path.cwd()); c = load_content(Path("content"), d)
t["load + validate"] = T() - s; s = T()
h = render_editions(c, list(c.manifest.variants), None, d, Config())
t["convert + render HTML (all editions)"] = T() - s; s = T()
from generator.chinese.convert import Converter
from generator.check.glyphs import check_glyphs
for v, x in h.items():
    check_glyphs(v, print_html(x), [Path("content")], Converter(v, c.glossary).convert, d, "content")
t["glyph check (all editions)"] = T() - s; s = T()
import weasyprint
t["import weasyprint"] = T() - s
print(json.dumps(t))
"""


def stage_round(ws: Path) -> dict[str, float] | None:
    r = run([str(BIN / "python"), "-c", STAGES], ws, check=False)
    if r.rc != 0:
        progress("stage breakdown unavailable: " + (r.err.strip().splitlines() or ["?"])[-1])
        return None
    return json.loads(r.out.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# environment


def harfbuzz_subset() -> str:
    code = "from generator.pdf import harfbuzz_subsetter as h; print('yes' if h() else 'NO')"
    r = subprocess.run([str(BIN / "python"), "-W", "ignore", "-c", code], capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def environment() -> dict:
    cpu = ""
    try:
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    except OSError:
        pass
    ver = subprocess.run([str(BIN / "weasyprint"), "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
        "commit": commit,
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "weasyprint": ver,
        "harfbuzz_subset": harfbuzz_subset(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        "load_average_start": os.getloadavg(),
    }


# --------------------------------------------------------------------------
# main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported; at least 5)")
    ap.add_argument("--content", type=Path, default=REPO / "content", help="content to measure (copied)")
    ap.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "latest.json",
                    help="where to write the results")
    ap.add_argument("--scale", type=int, default=10, help="factor of the synthetic content (0 skips it)")
    ap.add_argument("--compare", type=Path, help="an earlier results JSON to show side by side")
    ap.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.runs < 5:
        progress(f"WARNING: --runs {args.runs}: the issue's figures are medians of at least five runs")
    briefing, weasyprint = BIN / "briefing", BIN / "weasyprint"
    for tool in (briefing, weasyprint):
        if not tool.exists():
            sys.exit(f"bench: {tool} not found (run `make setup` first)")

    env = environment()
    if env["harfbuzz_subset"] != "yes":
        progress("WARNING: libharfbuzz-subset0 is not usable: WeasyPrint subsets fonts with fontTools, "
                 "about ten times slower; these figures are not comparable (install libharfbuzz-subset0)")
    ws = make_workspace(args.content)
    content, out = ws / "content", ws / "out"
    build = [str(briefing), "build", "--content", "content", "--out", "out"]
    results: dict = {"environment": env, "runs": args.runs}
    try:
        progress(f"workspace {ws}; warming up (one full build, not counted)")
        run(build, ws)
        htmls = edition_files(out, ws, "print")
        plains = edition_files(out, ws, "plain")
        options = pdf_options()
        results["floor_options"] = options

        full, floors, plain_floors, phase_runs, stages, serial, together = [], [], [], [], [], [], []
        for i in range(args.runs):
            progress(f"round {i + 1}/{args.runs}: cold full build, WeasyPrint floors (our HTML, plain markup), "
                     "--jobs 1 build, phases, stages")
            shutil.rmtree(out)
            full.append(run(build, ws, sample=True))
            floors.append(floor_round(weasyprint, htmls, content, ws, options))
            plain_floors.append(floor_round(weasyprint, plains, content, ws, options))
            phase_runs.append(phase_round(htmls, content, ws))
            together.append(floor_together(weasyprint, htmls, content, ws, options))
            shutil.rmtree(ws / "out-j1", ignore_errors=True)
            serial.append(run([str(briefing), "build", "--jobs", "1", "--content", "content", "--out", "out-j1"], ws,
                              sample=True))
            st = stage_round(ws)
            if st:
                stages.append(st)
        sizes = {p.name: p.stat().st_size for p in sorted(out.glob("briefing.*")) if p.suffix in (".html", ".pdf")}
        pages, fonts = pdf_facts(out)

        progress("no-op rebuilds")
        noop = []
        while len(noop) < args.runs:
            stale = run(build + ["--check"], ws, check=False)
            if stale.rc != 0:  # the package or templates changed under us (a working tree being edited)
                progress("inputs changed since the last build, rebuilding first: " + stale.err.strip()[:300])
                run(build, ws)
                continue
            r = run(build, ws)
            if "built 0 file(s)" in r.out:
                noop.append(r)

        progress("rebuilds after editing one theme")
        theme = sorted((content / "themes").glob("*.md"))[len(list((content / "themes").glob("*.md"))) // 2]
        edited = []
        for i in range(args.runs):
            edit_theme(theme, i)
            edited.append(run(build, ws))

        progress("briefing --help, briefing check")
        helps = [run([str(briefing), "--help"], ws) for _ in range(args.runs)]
        checks = [run([str(briefing), "check", "--content", "content"], ws) for _ in range(args.runs)]

        scaled = None
        if args.scale > 1:
            progress(f"synthetic {args.scale}x content")
            n = scale_content(args.content, ws / "scaled", args.scale)
            probe = run([str(briefing), "check", "--content", "scaled"], ws, check=False)
            if probe.rc != 0:
                sys.exit(f"bench: the synthetic content does not validate:\n{probe.err[-3000:]}")
            big = []
            for i in range(args.runs):
                progress(f"{args.scale}x build {i + 1}/{args.runs}")
                shutil.rmtree(ws / "out-scaled", ignore_errors=True)
                big.append(run([str(briefing), "build", "--content", "scaled", "--out", "out-scaled"], ws,
                               sample=True))
            scaled = {"themes": n, "full": stats([r.seconds for r in big]),
                      "peak_rss_mb": statistics.median(r.rss for r in big) / MB,
                      "largest_single_process_rss_mb": max(r.single for r in big) / MB,
                      "sizes": {p.name: p.stat().st_size for p in sorted((ws / "out-scaled").glob("briefing.*"))}}
    finally:
        if args.keep:
            progress(f"kept {ws}")
        else:
            shutil.rmtree(ws, ignore_errors=True)

    floor_sum = [sum(r.seconds for r in f.values()) for f in floors]
    floor_max = [max(r.seconds for r in f.values()) for f in floors]
    full_s = [r.seconds for r in full]
    results.update({
        "full_build": stats(full_s),
        "full_build_cpu": stats([r.cpu for r in full]),
        "full_build_critical_cpu": stats([r.critical_cpu for r in full]),
        "peak_rss_mb": stats([r.rss / MB for r in full]),
        "peak_pss_mb": stats([r.pss / MB for r in full]),
        "largest_single_process_rss_mb": max(r.single for r in full) / MB,
        "floor": {
            "per_edition": {v: stats([f[v].seconds for f in floors]) for v in floors[0]},
            "peak_rss_mb": {v: stats([f[v].rss / MB for f in floors]) for v in floors[0]},
            "sequential_sum": stats(floor_sum),
            "cpu_sum": stats([sum(r.cpu for r in f.values()) for f in floors]),
            "longest_single": stats(floor_max),
            "all_at_once": stats([r.seconds for r in together]),
            "all_at_once_peak_rss_mb": stats([r.rss / MB for r in together]),
        },
        "plain_floor": {
            "per_edition": {v: stats([f[v].seconds for f in plain_floors]) for v in plain_floors[0]},
            "peak_rss_mb": {v: stats([f[v].rss / MB for f in plain_floors]) for v in plain_floors[0]},
            "one_edition": next(iter(plain_floors[0])),
        },
        # one edition: the first (the written variant's, zh-Hans for the sample)
        "full_over_plain": statistics.median(full_s) / statistics.median(
            f[next(iter(plain_floors[0]))].seconds for f in plain_floors),
        "phases": {v: {"phases": {k: stats([p[v]["phases"][k] for p in phase_runs if v in p])
                                  for k in next(p[v] for p in phase_runs if v in p)["phases"]},
                       "total": stats([p[v]["total"] for p in phase_runs if v in p]),
                       "peak_rss_mb": stats([p[v]["peak_rss_mb"] for p in phase_runs if v in p])}
                   for v in htmls if any(v in p for p in phase_runs)},
        "full_over_floor": statistics.median(full_s) / statistics.median(floor_sum),
        "full_over_floor_per_round": stats([a / b for a, b in zip(full_s, floor_sum)]),
        "idle_estimate_over_floor_cpu": statistics.median(r.critical_cpu for r in full) / statistics.median(
            sum(x.cpu for x in f.values()) for f in floors),
        "full_over_longest_single": statistics.median(full_s) / statistics.median(floor_max),
        "full_over_floor_at_once": statistics.median(full_s) / statistics.median(r.seconds for r in together),
        "floor_at_once_over_sum": statistics.median(r.seconds for r in together) / statistics.median(floor_sum),
        "jobs_1": {"full_build": stats([r.seconds for r in serial]),
                   "peak_rss_mb": stats([r.rss / MB for r in serial])},
        "noop_rebuild": stats([r.seconds for r in noop]),
        "edit_one_theme_rebuild": stats([r.seconds for r in edited]),
        "help": stats([r.seconds for r in helps]),
        "check": stats([r.seconds for r in checks]),
        "sizes_bytes": sizes,
        "pdf_pages": pages,
        "pdf_fonts": fonts,
        "stages": {k: stats([s[k] for s in stages]) for k in (stages[0] if stages else {})},
    })
    if scaled:
        results["scaled"] = scaled
        results["scaled"]["over_1x"] = scaled["full"]["median"] / results["full_build"]["median"]
    results["environment"]["load_average_end"] = os.getloadavg()
    results["targets"] = targets(results)

    print(table(results, json.loads(args.compare.read_text()) if args.compare else None))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    progress(f"wrote {args.json}")
    return 0 if all(t["ok"] for t in results["targets"].values()) else 1


def targets(r: dict) -> dict:
    pdfs = [s for n, s in r["sizes_bytes"].items() if n.endswith(".pdf")]
    htmls = [s for n, s in r["sizes_bytes"].items() if n.endswith(".html")]
    value = {
        "full_over_plain": r["full_over_plain"],
        "full_over_floor": r["full_over_floor"],
        "noop_s": r["noop_rebuild"]["median"],
        "help_s": r["help"]["median"],
        "pdf_mb": max(pdfs) / MB if pdfs else 0.0,
        "html_kb": max(htmls) / 1024 if htmls else 0.0,
        "peak_rss_mb": r["peak_rss_mb"]["median"],
    }
    if r.get("pdf_fonts"):  # the same font program embedded twice (e.g. two subsets of one face)
        names = [[f.split("+", 1)[-1].split(" (")[0] for f in fonts] for fonts in r["pdf_fonts"].values()]
        value["pdf_font_duplicates"] = sum(len(n) - len(set(n)) for n in names)
        value["pdf_whole_fonts"] = sum("WHOLE FONT" in f for fonts in r["pdf_fonts"].values() for f in fonts)
    if "scaled" in r:
        value["scale_10x"] = r["scaled"]["over_1x"]
        value["scale_10x_rss_mb"] = r["scaled"]["peak_rss_mb"]
    return {k: {"what": TARGETS[k][0], "value": round(v, 3), "limit": TARGETS[k][1], "unit": TARGETS[k][2],
                "ok": v <= TARGETS[k][1]} for k, v in value.items()}


def table(r: dict, before: dict | None = None) -> str:
    def s(x: dict | float, unit: str = "s") -> str:
        if isinstance(x, dict):
            return f"{x['median']:.2f} {unit}  ({x['min']:.2f}–{x['max']:.2f})"
        return f"{x:.2f} {unit}"

    def old(path: str) -> str:
        if not before:
            return ""
        node = before
        for k in path.split("/"):
            node = node.get(k, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and "median" in node:
            return f"{node['median']:.2f}"
        return f"{node:.2f}" if isinstance(node, (int, float)) else ""

    rows = [
        ("cold full build (HTML + PDF, all default editions)", s(r["full_build"]), "full_build"),
        ("  CPU time of the build (user + sys, all processes)", s(r["full_build_cpu"]), "full_build_cpu"),
        ("  CPU time on its longest chain (main + slowest worker)", s(r["full_build_critical_cpu"]),
         "full_build_critical_cpu"),
        ("  peak RSS of the process tree (sum)", s(r["peak_rss_mb"], "MB"), "peak_rss_mb"),
        ("  peak PSS of the process tree (shared pages once)", s(r["peak_pss_mb"], "MB"), "peak_pss_mb"),
    ]
    for v, st in r["floor"]["per_edition"].items():
        rows.append((f"floor: weasyprint, {v}", s(st), f"floor/per_edition/{v}"))
        rows.append(("  its peak RSS", s(r["floor"]["peak_rss_mb"][v], "MB"), f"floor/peak_rss_mb/{v}"))
    for v, st in r["plain_floor"]["per_edition"].items():
        rows.append((f"plain-markup floor: weasyprint, {v}", s(st), f"plain_floor/per_edition/{v}"))
        rows.append(("  its peak RSS", s(r["plain_floor"]["peak_rss_mb"][v], "MB"), f"plain_floor/peak_rss_mb/{v}"))
    rows.append((f"full build / plain-markup floor of one edition ({r['plain_floor']['one_edition']})",
                 s(r["full_over_plain"], "x"), "full_over_plain"))
    for v, ph in r.get("phases", {}).items():
        rows.append((f"our render of {v}, in one process", s(ph["total"]), f"phases/{v}/total"))
        for k, st in ph["phases"].items():
            rows.append((f"  {k}", s(st), f"phases/{v}/phases/{k}"))
        rows.append(("  its peak RSS", s(ph["peak_rss_mb"], "MB"), f"phases/{v}/peak_rss_mb"))
    rows += [
        ("floor: sequential sum", s(r["floor"]["sequential_sum"]), "floor/sequential_sum"),
        ("  CPU time of the floor (user + sys, summed)", s(r["floor"]["cpu_sum"]), "floor/cpu_sum"),
        ("floor: longest single edition", s(r["floor"]["longest_single"]), "floor/longest_single"),
        ("floor: all editions at once (parallel processes)", s(r["floor"]["all_at_once"]), "floor/all_at_once"),
        ("  its peak RSS (sum)", s(r["floor"]["all_at_once_peak_rss_mb"], "MB"), "floor/all_at_once_peak_rss_mb"),
        ("  at once / sequential sum (parallel speed-up this machine gave)", s(r["floor_at_once_over_sum"], "x"),
         "floor_at_once_over_sum"),
        ("full build / floor sum", s(r["full_over_floor"], "x"), "full_over_floor"),
        ("full build / longest single edition", s(r["full_over_longest_single"], "x"), "full_over_longest_single"),
        ("full build / floor all at once", s(r["full_over_floor_at_once"], "x"), "full_over_floor_at_once"),
        ("idle-machine estimate: longest chain / floor CPU sum", s(r["idle_estimate_over_floor_cpu"], "x"),
         "idle_estimate_over_floor_cpu"),
        ("build --jobs 1 (editions one after the other)", s(r["jobs_1"]["full_build"]), "jobs_1/full_build"),
        ("  its peak RSS", s(r["jobs_1"]["peak_rss_mb"], "MB"), "jobs_1/peak_rss_mb"),
        ("no-op rebuild", s(r["noop_rebuild"]), "noop_rebuild"),
        ("rebuild after editing one theme", s(r["edit_one_theme_rebuild"]), "edit_one_theme_rebuild"),
        ("briefing --help", s(r["help"]), "help"),
        ("briefing check", s(r["check"]), "check"),
    ]
    for name, size in r["sizes_bytes"].items():
        pages = r["pdf_pages"].get(name)
        rows.append((f"size {name}" + (f" ({pages} pages)" if pages else ""), f"{size / 1024:.0f} KB", ""))
        for font in r["pdf_fonts"].get(name, []):
            rows.append((f"  font {font.split('+', 1)[-1]}", "", ""))
    if "scaled" in r:
        sc = r["scaled"]
        rows.append((f"{sc['themes']} themes: cold full build", s(sc["full"]), "scaled/full"))
        rows.append((f"{sc['themes']} themes / 1x", s(sc["over_1x"], "x"), "scaled/over_1x"))
        rows.append((f"{sc['themes']} themes: peak RSS (sum)", s(sc["peak_rss_mb"], "MB"), "scaled/peak_rss_mb"))
    for k, st in r["stages"].items():
        rows.append((f"stage: {k}", s(st), f"stages/{k}"))
    width = max(len(a) for a, _, _ in rows)
    head = f"{'measurement (median of %d runs; min–max)' % r['runs']:<{width}}  {'value':<26}"
    head += "  before" if before else ""
    lines = [head, "-" * len(head)]
    for a, b, key in rows:
        lines.append(f"{a:<{width}}  {b:<26}" + (f"  {old(key)}" if before and key else ""))
    lines += ["", "targets:"]
    for t in r["targets"].values():
        mark = "ok  " if t["ok"] else "MISS"
        lines.append(f"  {mark} {t['what']}: {t['value']:.2f} {t['unit']} (≤ {t['limit']} {t['unit']})")
    env = r["environment"]
    lines += ["", f"{env['cpus']} CPUs ({env['cpu']}), Python {env['python']}, {env['weasyprint']}, "
              f"HarfBuzz subsetter: {env['harfbuzz_subset']}, load average "
              f"{env['load_average_start'][0]:.1f} → {env['load_average_end'][0]:.1f}"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
