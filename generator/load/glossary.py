"""The glossary: the briefing's own ``glossary.yaml`` over the house layer
(generator/chinese/house-glossary.yaml) and the imported vocabulary
(generator/chinese/vocabulary.tsv).

In: the files. Out: a :class:`generator.model.Glossary`: terms with a form per
variant, patterns expanded into their terms, each entry's line kept.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator import yamlsrc
from generator.chinese.backend import chain, opencc_converter
from generator.chinese.convert import DIRECTIONS
from generator.chinese.segment import read_cache, write_cache
from generator.diagnostics import Diagnostics, closest
from generator.load.reader import Reader, _kind, _load_yaml
from generator.model import GLOSSARY_CATEGORIES, VARIANTS, Glossary, Term
from generator.shipped import HOUSE_GLOSSARY, VOCABULARY


def load_glossary(diag: Diagnostics, path: Path | None, house: bool = True) -> Glossary:
    """The glossary a build uses: the house layer shipped with the package,
    then the briefing's own ``path`` on top of it (its entries win where
    both define the same Simplified form). ``path`` None: the house layer
    alone (``briefing convert`` outside a briefing); ``house=False``: the
    briefing's file alone."""
    own = _read_glossary(diag, Path(path)) if path is not None else Glossary((), "")
    if not house:
        return own
    base = house_glossary(diag)
    vocabulary = read_vocabulary()
    # an entry written out wins in any layer over a pattern's pair (the
    # vocabulary's 千克 -> 公斤 over the house pattern's 千 + 克 -> 千公克)
    written = {_layer_key(t) for layer in (own.terms, base.terms, vocabulary) for t in layer
               if not t.pattern and not t.sentence}
    own_terms = tuple(t for t in own.terms if not (t.pattern and _layer_key(t) in written))
    # (the briefing's entry also wins where it is read from Traditional: its 捷運 over the house's)
    mine = {_layer_key(t) for t in own_terms} | {k for t in own_terms for k in _read_as(t) if k[0] != "zh-Hans"}
    inherited = tuple(replace(t, show=False, house=True) for t in base.terms
                      if _layer_key(t) not in mine and not (t.pattern and _layer_key(t) in written))
    mine |= {_layer_key(t) for t in inherited if not t.sentence}  # (a sentence pattern is no entry of the word)
    vocabulary = tuple(t for t in vocabulary if _layer_key(t) not in mine)
    # a name the vocabulary reads back yields to any entry of a higher layer for its Taiwan form
    taken = {t.forms["zh-Hant"] for t in own_terms + inherited if "zh-Hant" in t.forms}
    vocabulary = tuple(replace(t, only_from=("zh-Hans",)) if "zh-Hant" in t.only_from and t.forms.get("zh-Hant") in taken
                       else t for t in vocabulary)
    return Glossary(vocabulary + inherited + own_terms, own.path or base.path)


def _layer_key(term: Term) -> str | tuple[str, str]:
    """What a higher layer's entry must share with ``term`` to replace it:
    its zh-Hans form, or, for an entry read only from Traditional (都更 ->
    城市更新, a pattern written from zh-Hant), that variant and its written
    form -- so it never hides an entry for the Simplified word (the
    vocabulary's 城市更新 -> 都市更新)."""
    if term.only_from and "zh-Hans" not in term.only_from:
        v = term.only_from[0]
        return (v, term.forms[v])
    return term.forms["zh-Hans"]


def _read_as(term: Term) -> set[tuple[str, str]]:
    """(variant, written form) for each variant text ``term`` is read from:
    the variants it holds from, or, with no ``only_from``, every form it gives."""
    return {(v, term.forms[v]) for v in (term.only_from or tuple(term.forms)) if v in term.forms}


_TERM_FIELDS = ("forms", "en", "category", "show", "note", "line", "everywhere", "only_from", "house", "pattern",
                "sentence")


def house_glossary(diag: Diagnostics) -> Glossary:
    """The house layer, parsed once per version of its file: parsing its
    3,600 YAML lines and expanding its patterns takes about 0.4 s, so the
    result is kept beside the lexicon (segment.write_cache), keyed by the
    file's bytes, this package's code (which expands the patterns: every
    cache file's key holds it) and the jieba and OpenCC versions (a pattern's
    pairs are OpenCC's conversions). A file with problems is parsed every
    time, so they are always reported."""

    try:
        key = HOUSE_GLOSSARY.read_bytes()
    except OSError:
        return _read_glossary(diag, HOUSE_GLOSSARY)
    rows = read_cache("house-glossary", key)
    if rows is not None:
        try:
            return Glossary(tuple(Term(**dict(zip(_TERM_FIELDS, row))) for row in rows), str(HOUSE_GLOSSARY))
        except TypeError:
            pass  # another layout: parsed again below
    before = len(diag.problems)
    glossary = _read_glossary(diag, HOUSE_GLOSSARY)
    if len(diag.problems) == before:
        write_cache("house-glossary", key, [tuple(getattr(t, k) for k in _TERM_FIELDS) for t in glossary.terms])
    return glossary


@functools.lru_cache(maxsize=1)
def read_vocabulary() -> tuple[Term, ...]:
    """The lowest glossary layer: generator/chinese/vocabulary.tsv (zh-Hans,
    zh-Hant, zh-Hant-HK, category, group; an empty form is OpenCC's). The
    house glossary and the briefing's own entries win over it. Its rules
    were chosen for the Simplified-to-Traditional direction, so it holds
    from Simplified only (``only_from``), but for a foreign name's Taiwan
    form (``NAME_GROUPS``), which is read back too; an entry without a variant's form
    is still a word there (OpenCC converts it whole, and a shorter key
    cannot split it: 哈里斯 keeps 哈里 -> 哈利 out of Harris)."""
    out = []
    for n, line in enumerate(VOCABULARY.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        hans, hant, hk, category, group = line.split("\t")
        forms = {"zh-Hans": hans}
        if hant:
            forms["zh-Hant"] = hant
        if hk:
            forms["zh-Hant-HK"] = hk
        # a foreign name's Taiwan form of three characters or more names one person, place or body:
        # it is read back too (柯林頓 -> 克林顿), unless the mainland form adds to it (施凱爾 is not
        # 基尔·斯塔默) or a glossary layer has the form (load_glossary)
        both = group in NAME_GROUPS and len(hant) >= 3 and not ("·" in hans and "·" not in hant)
        out.append(Term(forms, category=category, note=f"vocabulary: {group}", line=n, house=True,
                        only_from=("zh-Hans", "zh-Hant") if both else ("zh-Hans",)))
    return tuple(out)


# the vocabulary's groups of people's, places' and bodies' names (tools/import_vocabulary.py)
NAME_GROUPS = frozenset({"People", "政治人物", "PresidentsUS", "地名", "Nobel Prize", "Organization"})


def _read_glossary(diag: Diagnostics, path: Path) -> Glossary:
    if not path.is_file():
        return Glossary((), str(path))
    data = _load_yaml(diag, path)
    r = Reader(diag, path)
    if data is None or not r.mapping(data, 1, "glossary.yaml"):
        return Glossary((), str(path))
    r.keys(data, [], ["terms", "guards", "ambiguous", "contexts", "patterns"], "glossary.yaml")
    terms = []
    seen: dict[str, int] = {}
    for key, category in (("terms", None), ("guards", "guard"), ("ambiguous", "ambiguous")):
        items = data.get(key) or []
        if not isinstance(items, list):
            r.err(data.line_of(key), f"'{key}' must be a list")
            continue
        for j, m in enumerate(items):
            if not r.mapping(m, items.line_of(j), f"a glossary {key[:-1]}"):
                continue
            what = "glossary entry" if key == "ambiguous" else f"glossary {key[:-1]}"
            if key == "ambiguous":  # a word whose rendering depends on its sense: listed for review
                r.keys(m, ["zh-Hans", "senses"], [v for v in VARIANTS if v != "zh-Hans"] + ["en", "note"], what)
                if "senses" in m:
                    m["note"] = str(m["senses"])
            else:
                r.keys(m, ["zh-Hans"], [v for v in VARIANTS if v != "zh-Hans"] + ["en", "category", "show", "note",
                                                                                   "everywhere", "only_from"], what)
                if category is not None and "category" in m:  # it would be ignored: the section is the category
                    r.err(m.line_of("category"), "a glossary guard takes no 'category': everything under guards: is a guard",
                          "move the entry to terms: if it is a term or a name")
            forms = {}
            for v in VARIANTS:
                if v in m:
                    val = m[v]
                    if not isinstance(val, str) or not val.strip():
                        r.err(m.line_of(v), f"'{v}' must be non-empty text")
                    else:
                        forms[v] = val.strip()
            src = forms.get("zh-Hans")
            if not src:
                continue
            only = m.get("only_from", [])  # a variant or a list of them, read once
            if isinstance(only, str):
                only = (only,)
            elif isinstance(only, list) and all(isinstance(v, str) for v in only):
                only = tuple(only)
            else:
                r.err(m.line_of("only_from"), f"'only_from' must be a variant or a list of variants, got {only!r}",
                      "e.g. only_from: zh-Hant, or only_from: [zh-Hant, zh-Hant-HK]")
                only = ()
            backwards = only and "zh-Hans" not in only
            if src in seen and not backwards:  # (an entry read only from Traditional may repeat a Simplified form)
                r.err(m.line, f"glossary term '{src}' is defined twice (first on line {seen[src]})")
                continue
            if not backwards:
                seen[src] = m.line
            cat = category or r.enum(m, "category", GLOSSARY_CATEGORIES) or "term"
            for v in only:
                if v not in VARIANTS:
                    r.err(m.line_of("only_from"), f"'only_from' has unknown variant {v!r}", "one of: " + ", ".join(VARIANTS))
            terms.append(Term(forms, str(m.get("en", "") or ""), cat, r.boolean(m, "show"),
                              str(m.get("note", "") or ""), m.line, r.boolean(m, "everywhere"), only))
    # (an entry read both ways is written out for its Traditional form too: 瓦斯爐 -> 燃气灶 beats 瓦斯 + 爐)
    terms.extend(_pattern_terms(r, data, {k for t in terms for k in _read_as(t)}))
    return Glossary(tuple(terms), str(path))


def _word_list(r: Reader, value: Any, line: int, what: str) -> list[str] | None:
    if isinstance(value, list) and value and all(isinstance(w, str) and w.strip() for w in value):
        return [w.strip() for w in value]
    r.err(line, f"{what} must be a non-empty list of words, got {_kind(value)}", "e.g. [很, 太, 有点]")
    return None


def _pattern_terms(r: Reader, data: yamlsrc.Map, defined: set[tuple[str, str]]) -> list[Term]:
    """The glossary's ``patterns``: a word whose rendering depends on the word
    next to it (松 after a degree word is 鬆; 通过 before a means is 透過; the
    surname 范 before a title keeps 范), written once with a list of the
    words around it (``after``/``before``: a list, or the name of one of the
    ``contexts`` lists) and expanded into one entry per pair: 比较松 ->
    比較鬆, each context word in its plain conversion. From Simplified only;
    an entry written out for a pair wins, in this glossary or another layer
    (``load_glossary``). A pattern whose forms only choose characters (鬆 is
    松 read back) applies inside quotations too, as a guard.

    ``from: zh-Hant`` (or zh-Hant-HK) writes a pattern for text written in
    that variant: its word and its context words are in that variant's form,
    and it gives the word's mainland form (``zh-Hans``) only, one way
    (影片 stays 影片 in a sentence about a film award, 直覺 after a degree word
    is 直观)."""

    contexts: dict[str, list[str]] = {}
    raw = data.get("contexts")
    if raw is not None:
        if not r.mapping(raw, data.line_of("contexts"), "'contexts'"):
            raw = {}
        for name, words in raw.items():
            found = _word_list(r, words, raw.line_of(name), f"context list '{name}'")
            if found is not None:
                contexts[name] = found
    items = data.get("patterns") or []
    if not isinstance(items, list):
        r.err(data.line_of("patterns"), "'patterns' must be a list")
        return []
    out: list[Term] = []
    pairs: dict[tuple[str, str], int] = {}  # a pair a pattern made -> its place in ``out``
    variants = [v for v in VARIANTS if v != "zh-Hans"]
    for j, m in enumerate(items):
        if not r.mapping(m, items.line_of(j), "a glossary pattern"):
            continue
        r.keys(m, ["zh-Hans"], variants + ["after", "before", "sentence", "en", "note", "from"], "glossary pattern")
        written = m.get("from", "zh-Hans")
        if written not in VARIANTS:
            r.err(m.line_of("from"), f"'from' must be a variant, got {written!r}", "e.g. from: zh-Hant")
            continue
        word = m.get(written)
        targets = variants if written == "zh-Hans" else ["zh-Hans"]
        forms = {v: m[v].strip() for v in targets if isinstance(m.get(v), str) and m[v].strip()}
        for v in variants + ["zh-Hans"]:
            if v in m and v not in forms and v != written:
                r.err(m.line_of(v), f"'{v}' must be non-empty text" if v in targets else
                      f"a pattern from {written} gives the zh-Hans form only, not '{v}'")
        if not isinstance(word, str) or not word.strip() or not forms:
            r.err(m.line, "a glossary pattern needs its word (zh-Hans) and at least one variant's form"
                  if written == "zh-Hans" else f"a glossary pattern from {written} needs its word ({written}) and "
                  "its zh-Hans form")
            continue
        word = word.strip()
        only = (written,)
        sides: dict[str, list[str]] = {}
        for side in ("after", "before"):
            if side not in m:
                continue
            value = m[side]
            if isinstance(value, str):
                if value not in contexts:
                    close = closest(value, set(contexts))
                    r.err(m.line_of(side), f"unknown context list '{value}'",
                          f"did you mean '{close}'?" if close else "name a list under 'contexts:', or give the words")
                    continue
                sides[side] = contexts[value] if written == "zh-Hans" else \
                    [chain(DIRECTIONS[("zh-Hans", written)].characters).convert(w) for w in contexts[value]]
            else:
                found = _word_list(r, value, m.line_of(side), f"'{side}'")
                if found is not None:
                    sides[side] = found
        if "sentence" in m:
            cues = _word_list(r, m["sentence"], m.line_of("sentence"), "'sentence'") if not isinstance(m["sentence"], str) \
                else contexts.get(m["sentence"])  # (cues are looked for in Simplified characters: either script will do)
            if isinstance(m["sentence"], str) and cues is None:
                r.err(m.line_of("sentence"), f"unknown context list '{m['sentence']}'",
                      "name a list under 'contexts:', or give the words")
            if sides:
                r.err(m.line, "a glossary pattern has 'sentence' or 'after'/'before', not both",
                      "write the neighbours as a pattern of its own")
            elif cues:
                out.append(Term({**forms, written: word}, str(m.get("en", "") or ""), "term", False,
                                str(m.get("note", "") or ""), m.line, False, only, sentence=tuple(cues)))
            continue
        if not sides:
            if "after" not in m and "before" not in m:
                r.err(m.line, "a glossary pattern needs 'after' or 'before' (the words next to it that decide its "
                              "form) or 'sentence' (words anywhere in its sentence)")
            continue
        t2s = opencc_converter("t2s")
        choice = all(len(f) == len(word) and t2s.convert(f) == t2s.convert(word) for f in forms.values())
        for left in sides.get("after", [""]):
            for right in sides.get("before", [""]):
                key = left + word + right
                if (written, key) in defined:
                    if (written, key) in pairs:  # two patterns meet (締造 before 紀錄, 紀錄 after 締造): each
                        _join_pair(out, pairs[(written, key)], written, word, left, right, forms)  # word its form
                    continue  # an entry of its own for the pair wins
                defined.add((written, key))
                pair = {written: key}
                for v, form in forms.items():
                    cc = chain(DIRECTIONS[(written, v)].words)
                    pair[v] = cc.convert(left) + form + cc.convert(right)
                pairs[(written, key)] = len(out)
                out.append(Term(pair, str(m.get("en", "") or ""), "guard" if choice else "term", False,
                                str(m.get("note", "") or ""), m.line, False, only, pattern=(left, right)))
    return out


def _join_pair(out: list[Term], i: int, written: str, word: str, left: str, right: str, forms: dict) -> None:
    """Two patterns made the same pair, each deciding its own word (締造 before
    紀錄 is 创造, 紀錄 after 締造 is 纪录): the pair takes both forms (创造纪录),
    and neither word is a neighbour left to convert on its own (``pattern``
    ("", ""): the pair is decided whole)."""

    first = out[i]
    l1, r1 = first.pattern
    key = first.forms[written]
    word1 = key[len(l1):len(key) - len(r1)]
    if not (l1 == "" and r1 == word and left == word1 and right == ""
            or r1 == "" and l1 == word and right == word1 and left == ""):
        return  # not two adjacent words of the pair: the first pattern's form stands
    joined = dict(first.forms)
    for v, form in forms.items():
        if v not in first.forms or v == written:
            continue
        cc = chain(DIRECTIONS[(written, v)].words)
        a, b = cc.convert(l1), cc.convert(r1)
        own1 = first.forms[v][len(a):len(first.forms[v]) - len(b)]
        joined[v] = own1 + form if l1 == "" else form + own1
    out[i] = replace(first, forms=joined, pattern=("", ""))
