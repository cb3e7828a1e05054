"""Accuracy of ``briefing convert`` against plain OpenCC, on text nobody tuned it for.

    make eval-convert            # or: .venv/bin/python benchmarks/eval_convert.py [--show-dev]

The rows (benchmarks/convert-eval/<variant>.tsv: source, expected with
` | `-separated alternatives, category, note) were written independently of
the glossary and the converter. Each row belongs to a fixed half by a hash
of its source: the **dev** half is the one the house glossary may be tuned
on; the **test** half is only reported -- its failures are never listed
(except regressions, below), so nobody tunes on them.

For each half it prints the accuracy of the converter as a briefing outside
any briefing uses it (the house glossary, ``briefing convert --to V``) and of
plain OpenCC (``s2twp`` / ``s2hk``, with the same quotation marks), and lists
every row where ours is wrong and plain OpenCC right (a regression: the rule
is zero). OpenCC's own published test cases (tests/data/opencc) must pass in
full. Results also go to benchmarks/results/convert-eval.json.

A third set, ``<variant>-read.tsv``, holds rows that were written the same
way but have been *read*: sets a helper wrote fresh during a review, each
measured once unseen (those figures are in the history, not here) and then
used to find what to fix. They are reported as their own line, **read**, and
their misses are listed with ``--show-dev``: a guard against undoing those
fixes, never an estimate of accuracy on new text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.chinese.convert import QUOTES_HANS, Converter, convert_quotes  # noqa: E402
from generator.chinese.backend import opencc_converter
from generator.load.glossary import load_glossary  # noqa: E402
from generator.diagnostics import Diagnostics  # noqa: E402

EVAL = ROOT / "benchmarks" / "convert-eval"
OPENCC_CASES = ROOT / "tests" / "data" / "opencc" / "testcases.json"
RESULTS = ROOT / "benchmarks" / "results" / "convert-eval.json"
DIRECTIONS = {"zh-Hant": ("zh-Hans", "zh-Hant", "s2twp"), "zh-Hant-HK": ("zh-Hans", "zh-Hant-HK", "s2hk"),
              "tw2cn": ("zh-Hant", "zh-Hans", "tw2sp")}


def house_glossary():
    """The glossary ``briefing convert`` uses outside a briefing; a problem in
    it (a duplicated entry) stops the evaluation, as it stops the CLI."""
    diag = Diagnostics()
    glossary = load_glossary(diag, None)
    if diag.problems:
        sys.exit("\n".join(str(p) for p in diag.problems))
    return glossary


def half(source: str) -> str:
    return "dev" if hashlib.sha1(source.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load_rows(name: str) -> list[dict]:
    rows = []
    for stem, read in ((name, False), (f"{name}-read", True)):
        path = EVAL / f"{stem}.tsv"
        if read and not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if n == 1 or not line.strip():
                continue
            source, expected, category, note = (line.split("\t") + ["", "", ""])[:4]
            rows.append({"line": n, "source": source, "expected": [e.strip() for e in expected.split(" | ")],
                         "category": category, "note": note, "half": "read" if read else half(source)})
    return rows


def evaluate(name: str, show_dev: bool) -> dict:
    source, target, config = DIRECTIONS[name]
    ours = Converter(target, house_glossary(), source)
    plain = opencc_converter(config)
    marks = convert_quotes if target != "zh-Hans" else (lambda t: t.translate(QUOTES_HANS))
    rows = load_rows(name)
    started = time.perf_counter()
    for r in rows:
        r["ours"] = ours.convert(r["source"])
        r["plain"] = marks(plain.convert(r["source"]))
    seconds = time.perf_counter() - started
    report: dict = {"rows": len(rows), "seconds": round(seconds, 3), "halves": {}}
    print(f"\n{name}: {len(rows)} rows ({EVAL.relative_to(ROOT)}/{name}.tsv)")
    print(f"  {'half':<5} {'rows':>5} {'ours':>8} {'plain ' + config:>13} {'regressions':>12}")
    for h in ("dev", "test", "read"):
        part = [r for r in rows if r["half"] == h]
        if not part:
            continue
        ok = sum(r["ours"] in r["expected"] for r in part)
        ok_plain = sum(r["plain"] in r["expected"] for r in part)
        regressions = [r for r in part if r["plain"] in r["expected"] and r["ours"] not in r["expected"]]
        report["halves"][h] = {"rows": len(part), "ours": round(ok / len(part), 4), "plain": round(ok_plain / len(part), 4),
                               "regressions": [f"{r['source']} -> {r['ours']} (plain: {r['plain']})" for r in regressions]}
        print(f"  {h:<5} {len(part):>5} {ok / len(part):>8.1%} {ok_plain / len(part):>13.1%} {len(regressions):>12}")
    categories = sorted({r["category"] for r in rows if r["half"] != "read"})
    report["categories"] = {}
    line = []
    for c in categories:
        cell = {}
        for h in ("dev", "test"):
            part = [r for r in rows if r["half"] == h and r["category"] == c]
            cell[h] = [sum(r["ours"] in r["expected"] for r in part), len(part)]
        report["categories"][c] = cell
        line.append(f"{c} {cell['dev'][0]}/{cell['dev'][1]}·{cell['test'][0]}/{cell['test'][1]}")
    print("  by category (dev·test, counts only):")
    for i in range(0, len(line), 4):
        print("    " + "   ".join(line[i:i + 4]))
    for h in report["halves"]:
        for item in report["halves"][h]["regressions"]:
            print(f"  regression ({h}): {item}")
    if show_dev:
        for r in rows:
            if r["half"] in ("dev", "read") and r["ours"] not in r["expected"]:
                print(f"  {r['half']} miss [{r['category']}] {r['source']} -> {r['ours']}  (expected {' | '.join(r['expected'])};"
                      f" plain {r['plain']})")
    return report


def opencc_cases() -> dict:
    data = json.loads(OPENCC_CASES.read_text(encoding="utf-8"))
    out = {}
    glossary = house_glossary()
    for source, target, config in (("zh-Hans", "zh-Hant", "s2twp"), ("zh-Hans", "zh-Hant-HK", "s2hk"),
                                   ("zh-Hant", "zh-Hans", "tw2sp")):
        conv = Converter(target, glossary, source)
        marks = convert_quotes if target != "zh-Hans" else (lambda t: t.translate(QUOTES_HANS))
        cases = [c for c in data["cases"] if config in c["expected"]]
        wrong = [c for c in cases if conv.convert(c["input"]) != marks(c["expected"][config])]
        out[config] = {"cases": len(cases), "passed": len(cases) - len(wrong), "failed": [c["id"] for c in wrong]}
        print(f"OpenCC's own {config} cases: {len(cases) - len(wrong)}/{len(cases)}"
              + (f"  failed: {', '.join(c['id'] for c in wrong)}" if wrong else ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show-dev", action="store_true", help="list every miss of the dev half (never the test half)")
    args = ap.parse_args()
    results = {"opencc": opencc_cases()}
    for name in DIRECTIONS:
        if (EVAL / f"{name}.tsv").is_file():
            results[name] = evaluate(name, args.show_dev)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    failed = any(v["failed"] for k, v in results["opencc"].items() if k != "tw2sp")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
