"""Time per input size for every pass over text in provenance.py, markup.py,
chinese/linebreaks.py and `briefing convert`'s reading, so that linear
growth is visible (issue 15; tests/test_hostile_text.py checks they finish).

    make bench-scaling                     # = .venv/bin/python benchmarks/scaling.py
    .venv/bin/python benchmarks/scaling.py --sizes 1,10,100 --runs 3 --json /tmp/scaling.json

Ordinary input is the shipped sample's theme bodies (and source articles,
when ../shared/sources is there) repeated to N times the size of the
sample's largest file; hostile input is each shape that used to be
quadratic or worse, at growing sizes. Each figure is the best of --runs
runs, in one process; the last column, microseconds per KB, stays roughly
flat when a pass is linear (it grew with the size before this work: see
docs/robustness.md, "Hostile text, round 2").
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.diagnostics import Diagnostics  # noqa: E402

CONTENT = ROOT / "content"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SOURCES = ROOT.parent / "shared" / "sources"
SAMPLE_MAX = max(p.stat().st_size for p in CONTENT.rglob("*") if p.is_file())


def repeated(text: str, size: int) -> str:
    return text * (size // len(text.encode()) + 1)


def sample_body() -> str:
    return "\n".join(p.read_text(encoding="utf-8").split("\n---\n", 1)[1]
                     for p in sorted((CONTENT / "themes").glob("*.md")))


def sample_source() -> str:
    files = sorted(SOURCES.glob("*.txt")) if SOURCES.is_dir() else [MINIMAL.parent / "sources" / "alpha.txt"]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def renderer():
    from generator.render.markup import MarkupRenderer

    return MarkupRenderer(lambda items: '<span class="cite">〔源〕</span>', lambda nid, index: nid, None,
                          lambda nid, index: nid)


class Same:
    def convert(self, line: str) -> str:
        return line


def passes() -> dict:
    """name -> (make input of about ``size`` bytes, run the pass on it)."""
    from generator.chinese.linebreaks import keep_together
    from generator.cli import _convert_lines
    from generator.load.content import load_content
    from generator.check.markdown import markup_problems
    from generator.load.duplicates import find_ids
    from generator.check.text import normalise, quoted_spans
    from generator.check.claims import unsourced_claims

    IDS = {"infra-commitment": "key number", "a-a": "theme"}  # noqa: N806

    minimal = load_content(MINIMAL, Diagnostics())

    def claims(body: str) -> None:
        minimal.themes = (replace(minimal.themes[0], body=body), *minimal.themes[1:])
        unsourced_claims(minimal, Diagnostics())

    def convert(text: str) -> None:
        with redirect_stdout(io.StringIO()):
            _convert_lines(Same(), io.BytesIO(text.encode()), Diagnostics())

    def html(body: str) -> str:
        return "".join(part[-1] for part in renderer().render_body(body, 1).said)

    body, source = sample_body(), sample_source()
    items = '<li>第{}项内容说明<span class="cite">〔<a href="#src-a">纪要</a>〕</span>。</li>\n'
    return {
        # ordinary text
        "normalise (a source)": (lambda n: repeated(source, n), normalise.__wrapped__),  # (uncached)
        "unsourced_claims (a body)": (lambda n: repeated(body, n), claims),
        "markup_problems (a body)": (lambda n: repeated(body, n), markup_problems),
        "render_body (a body)": (lambda n: repeated(body, n), lambda t: renderer().render_body(t, 1)),
        "keep_together (its HTML)": (lambda n: html(repeated(body, n)), keep_together),
        "convert lines (a body)": (lambda n: repeated(body, n), convert),
        # hostile text: each shape that was quadratic or worse
        "render: paragraphs of '['": (lambda n: repeated("[" * 9000 + "\n\n", n), lambda t: renderer().render(t)),
        "render: paragraphs of '[a]('": (lambda n: repeated("[a](" * 2250 + "\n\n", n), lambda t: renderer().render(t)),
        "render: nested [[[…]]] (held)": (lambda n: repeated("[" * 4500 + "]" * 4500 + "\n\n", n),
                                          lambda t: renderer().render(t)),
        "render: paragraphs of '<&'": (lambda n: repeated("<&" * 4500 + "\n\n", n), lambda t: renderer().render(t)),
        "render: one-line paragraphs": (lambda n: repeated("中\n\n", n), lambda t: renderer().render(t)),
        "keep_together: list items": (lambda n: "<ul>" + "".join(items.format(i) for i in range(n // 80)) + "</ul>",
                                      keep_together),
        "normalise: unclosed '(' + letters": (lambda n: repeated("(" + "abcdefghij" * 4 + "!", n),
                                              normalise.__wrapped__),
        "unsourced_claims: '“[@[[num:'": (lambda n: "- 一项" + "“[@[[num:" * (n // 19), claims),
        # quotations and ids in reading text (issue 16)
        "quoted_spans (a body)": (lambda n: repeated(body, n), quoted_spans),
        "quoted_spans: unclosed '“'": (lambda n: "“" * (n // 3), quoted_spans),
        "find_ids (a body)": (lambda n: repeated(body, n), lambda t: find_ids(t, IDS)),
        "find_ids: runs of 'a-'": (lambda n: "a-" * (n // 2), lambda t: find_ids(t, IDS)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,10,100", help="multiples of the sample's largest file (default 1,10,100)")
    ap.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    ap.add_argument("--only", default="", help="run the passes whose name contains this")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"sample's largest file: {SAMPLE_MAX / 1024:.1f} KB; best of {args.runs} run(s)")
    print(f"{'pass':40s} {'x':>4s} {'KB':>8s} {'seconds':>9s} {'µs/KB':>8s}")
    results = []
    for name, (make, run) in passes().items():
        if args.only and args.only not in name:
            continue
        for factor in sizes:
            text = make(factor * SAMPLE_MAX)
            kb = len(text.encode()) / 1024
            best = float("inf")
            for _ in range(args.runs):
                started = time.perf_counter()
                run(text)
                best = min(best, time.perf_counter() - started)
            results.append({"pass": name, "factor": factor, "kb": round(kb, 1), "seconds": round(best, 4)})
            print(f"{name:40s} {factor:>4d} {kb:8.0f} {best:9.3f} {best * 1e6 / kb:8.1f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
