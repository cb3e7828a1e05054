"""Build generator/chinese/vocabulary.tsv, the converter's Taiwan and Hong
Kong vocabulary layer, from Chinese Wikipedia's common conversion groups.

    .venv/bin/python tools/import_vocabulary.py MIRROR [--check]

MIRROR is a snapshot of https://github.com/Gowee/zhconv-rs (its
``data/cgroups/*.json`` are Wikipedia's ``Module:CGroup/*`` pages, each rule
``zh-cn:…; zh-tw:…; zh-hk:…;``). The rules are Wikipedia text, CC BY-SA 4.0;
the generated file says so in its header and keeps each entry's group.

Wikipedia applies a group only on the articles that ask for it; a briefing
is prose on any subject, so not every rule may apply everywhere. What is
adopted, and why:

- Only the groups in ``GROUPS`` (business, technology, science, transport,
  food, medicine, institutions, people and places; no film, television,
  game, fiction or species groups, whose titles are ordinary phrases).
- Two-way rules with a mainland form (zh-cn, else zh-hans) and a Taiwan
  form (zh-tw, else zh-hant); a Hong Kong form only where the rule gives
  zh-hk, and only for names and reviewed words (the term groups' Hong Kong
  forms are often colloquial Cantonese); else the converter keeps ``s2hk``.
- The mainland form is Simplified text (unchanged by ``t2s``) of at least
  two Han characters; forms hold no markup.
- A mainland form that two rules (in any groups) render differently in
  Taiwan depends on its sense: left out.
- A mainland form that OpenCC's own regional phrase tables define keeps
  OpenCC's rendering (大数据 stays 大數據): OpenCC's curated tables and
  its public test cases are the authority there.
- A rule that adds nothing to plain OpenCC (``s2twp`` already gives the
  Taiwan form, ``s2hk`` the Hong Kong one) is left out.
- A two-character word is an ordinary word in many senses (城市, 收入,
  水平, 首个 in the groups mean something narrower than in prose): it is
  adopted only from the name groups, when jieba knows it as a proper noun
  (nr, ns, nt, nz: a two-character string jieba does not know is mostly
  part of longer names), and not when longer names that begin with it are
  rendered otherwise (哈里 -> 哈利, but 哈里斯 stays 哈里斯, and 哈里发 is a
  caliph), or when listed in
  ``vocabulary-reviewed.txt`` (reviewed by hand, one word per line).
- A longer word from a term group that jieba's corpus uses often
  (frequency >= 30: 委员会, 工作组, 计算器, 流水线) is an ordinary word too:
  the groups use it narrowly (the EU's 委员会 is 執委會, Windows' 计算器 is
  小算盤), so it is adopted only when listed in ``vocabulary-reviewed.txt``.
- A rule whose Taiwan or Hong Kong form holds a Simplified-only character
  (the groups' 欧洲暨外交事務部, 社會事務及卫生部) is left out.
- ``vocabulary-reviewed-tw.txt`` lists short or frequent words whose Taiwan
  form a Taiwan editor's review approved for prose (the Taiwan form only).
- ``vocabulary-reviewed-hk.txt`` lists term-group words whose Hong Kong
  form a Hong Kong editor's review approved for prose: their Hong Kong form
  is adopted (the Taiwan form only on the rules above).
- ``vocabulary-excluded.txt`` lists forms a review found wrong for prose,
  each with the reason (the 2026-12 review read every entry: narrow senses
  such as 站台 -> 月台 for 为候选人站台, 时分 -> 分時 for 黄昏时分, dated
  forms, one person's rendering of a common name).
- Forms the house glossary or a briefing's glossary defines are theirs:
  those layers win at load time (generator/load/content.py).

``--check`` regenerates in memory and fails when the committed file
differs (the file is reproducible from the snapshot and the two lists).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "generator" / "chinese" / "vocabulary.tsv"
REVIEWED = ROOT / "tools" / "vocabulary-reviewed.txt"
EXCLUDED = ROOT / "tools" / "vocabulary-excluded.txt"
REVIEWED_HK = ROOT / "tools" / "vocabulary-reviewed-hk.txt"
REVIEWED_TW = ROOT / "tools" / "vocabulary-reviewed-tw.txt"

# group -> category of its entries (person/org apply inside quotations too)
NAME_GROUPS = {"People": "person", "PresidentsUS": "person", "政治人物": "person", "Nobel Prize": "person",
               "地名": "term", "Organization": "org"}
TERM_GROUPS = ("IT", "Electronics", "Communication", "Telcom", "Economics", "Transport", "Railway", "Food",
               "Medicine", "Physics", "Chemistry", "Math", "Military", "Aero", "Astronomy", "Sports", "Badminton",
               "Table Tennis", "Aquatics", "Unit", "Weather", "Urban", "Geography", "EU", "US Government",
               "核能", "Earthquake", "Copyright", "Apple", "Windows", "Photography")
GROUPS = tuple(NAME_GROUPS) + TERM_GROUPS

RULE = re.compile(r"(zh(?:-[a-z]+)?)\s*:\s*([^;]*)", re.I)
FORM = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·A-Za-z0-9\-]+$")
HAN = re.compile(r"[\u3400-\u9fff]")
PROPER = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}
ORDINARY = 30  # a term-group word of three or more characters this frequent in jieba's corpus needs review


def _listed(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, _, why = line.partition(" ")
            out[word] = why.strip()
    return out


def _read(mirror: Path, path: str) -> str:
    """A file of the snapshot: a work tree, else a bare git directory (as ``fetch`` leaves it)."""
    if (mirror / path).is_file():
        return (mirror / path).read_text(encoding="utf-8")
    return subprocess.run(["git", "-C", str(mirror), "show", f"HEAD:{path}"], capture_output=True, check=True,
                          text=True, encoding="utf-8").stdout


def revision(mirror: Path) -> str:
    run = subprocess.run(["git", "-C", str(mirror), "rev-parse", "HEAD"], capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


def rules(mirror: Path) -> dict[str, list[tuple[str, str | None, str]]]:
    """mainland form -> [(taiwan, hong kong or None, group)] over the groups."""
    from generator.chinese.backend import opencc_converter

    t2s = opencc_converter("t2s")
    out: dict[str, list] = {}
    for group in GROUPS:
        data = json.loads(_read(mirror, f"data/cgroups/{group}.json"))
        for rule in data["rules"]:
            conv = rule["conv"]
            if "=>" in conv:
                continue  # one-way rule: a Wikipedia spelling fix, not vocabulary
            forms = {k.lower(): v.strip() for k, v in RULE.findall(conv)}
            cn = forms.get("zh-cn") or forms.get("zh-hans")
            tw = forms.get("zh-tw") or forms.get("zh-hant")
            hk = forms.get("zh-hk")
            if not cn or not tw or not FORM.match(cn) or not FORM.match(tw) or (hk and not FORM.match(hk)):
                continue
            if len(HAN.findall(cn)) < 2 or t2s.convert(cn) != cn:
                continue
            out.setdefault(cn, []).append((tw, hk, group))
    return out


def build(mirror: Path, revision: str) -> str:
    from generator.chinese.backend import opencc_converter

    from generator.chinese.segment import jieba_dictionary, opencc_phrase_keys

    from generator.chinese.scripts import leak_chars

    s2twp, s2hk = opencc_converter("s2twp"), opencc_converter("s2hk")
    leaks = leak_chars("zh-Hant")  # (Hong Kong forms are given its glyphs when loaded)
    regional = set(opencc_phrase_keys()[1])
    reviewed, excluded, reviewed_hk = _listed(REVIEWED), _listed(EXCLUDED), _listed(REVIEWED_HK)
    reviewed_tw = _listed(REVIEWED_TW)
    tags, counts = {}, {}
    for word, count, tag in jieba_dictionary():
        tags[word], counts[word] = tag, count
    found_rules = rules(mirror)
    # a two-character name that begins longer names rendered otherwise (哈里 -> 哈利 against
    # 哈里斯 -> 哈里斯) is a fragment of transliterations, not one name
    fragments = {cn[:2] for cn, found in found_rules.items() for tw, _, _ in found if len(cn) > 2
                 and cn[:2] in found_rules and not tw.startswith(found_rules[cn[:2]][0][0])}
    lines = []
    for cn, found in sorted(found_rules.items()):
        if len({tw for tw, _, _ in found}) > 1 or cn in excluded or cn in regional:
            continue  # sense-dependent, found wrong for prose, or OpenCC's own
        tw, _, group = found[0]
        hks = {hk for _, hk, _ in found if hk}
        hk = hks.pop() if len(hks) == 1 else ""
        if any(ch in leaks for ch in tw + hk):
            continue  # a rule that left a Simplified character in its Traditional form (欧洲暨外交事務部)
        taiwan = True
        if len(cn) == 2 and cn not in reviewed and cn not in reviewed_tw:
            if group not in NAME_GROUPS or tags.get(cn) not in PROPER or cn in fragments:
                taiwan = False
        if len(cn) > 2 and group not in NAME_GROUPS and counts.get(cn, 0) >= ORDINARY and cn not in reviewed \
                and cn not in reviewed_tw:
            taiwan = False  # a word prose uses often (委员会, 工作组, 计算器): the group's sense may be narrow
        if not taiwan and cn not in reviewed_hk:
            continue
        tw = tw if taiwan and s2twp.convert(cn) != tw else ""
        if group not in NAME_GROUPS and cn not in reviewed and cn not in reviewed_hk:
            hk = ""  # the term groups' Hong Kong forms are often colloquial (傳短訊): names and reviewed words only
        hk = hk if hk and s2hk.convert(cn) != hk else ""
        if not tw and not hk:
            continue
        lines.append("\t".join((cn, tw, hk, NAME_GROUPS.get(group, "term"), group)))
    head = [
        "# Taiwan and Hong Kong vocabulary: the converter's lowest layer, below the house glossary.",
        "# Generated by tools/import_vocabulary.py -- do not edit; change the lists in tools/ instead.",
        "# Source: Chinese Wikipedia, Module:CGroup/* (common conversion groups), via the snapshot in",
        f"# github.com/Gowee/zhconv-rs data/cgroups at {revision}.",
        "# Licence: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), Wikipedia contributors;",
        "# this file, a selection of those rules, is shared under the same licence.",
        "# Columns: zh-Hans, zh-Hant (empty: OpenCC's s2twp), zh-Hant-HK (empty: OpenCC's s2hk), category, group.",
    ]
    return "\n".join(head + lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirror", type=Path, help="a git snapshot of github.com/Gowee/zhconv-rs (bare or work tree)")
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = ap.parse_args()
    text = build(args.mirror, revision(args.mirror))
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("vocabulary.tsv is up to date" if same else "vocabulary.tsv differs: run without --check")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10)) - 7} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
