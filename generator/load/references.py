"""Cross-file rules of a loaded briefing: ids unique, every reference
resolves, every YAML text field holds only the inline markup it accepts.

In: a :class:`generator.model.Content` and what could not be read. Out:
errors and warnings on the diagnostics, at the file and line of each
reference. Hand-typed figures and name forms are generator.load.duplicates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from generator.chinese.convert import Converter
from generator.diagnostics import Diagnostics, closest
from generator.grammar import numrefs
from generator.load.duplicates import _doubled_qualifiers, check_duplicate_numbers, check_ids_in_text, check_name_forms
from generator.load.fields import check_inline_fields
from generator.load.themes import parse_citations
from generator.model import SOURCE_KINDS, VARIANTS, Content


def _check_glossary_direction(c: Content, diag: Diagnostics) -> None:
    """Written in Traditional, the glossary is read from its Traditional forms:
    two of the briefing's own entries that give one written form different
    targets are an error at the second (the house layer's are left to OpenCC)."""

    path = c.glossary.path or str(Path(c.root) / "glossary.yaml")
    for variant in VARIANTS:
        if variant == c.manifest.written_in:
            continue
        conv = Converter(variant, c.glossary, c.manifest.written_in)
        for key, entries in conv.conflicts.items():
            own = [t for t in entries if t is not None and not t.house]
            if len(own) >= 2:
                first, second = own[0], own[1]
                diag.error(path, second.line,
                           f"glossary entries on lines {first.line} and {second.line} both turn the written form "
                           f"'{key}' into {variant}, as '{first.forms.get(variant)}' and '{second.forms.get(variant)}'",
                           "keep one, or mark the other only_from: [zh-Hans]")


def _check_source_kinds(c: Content, diag: Diagnostics) -> None:
    """A source's ``kind`` is one of the shipped kinds or one the manifest declares."""
    known = (*SOURCE_KINDS, *c.manifest.source_kinds)
    for src in c.sources:
        if src.kind and src.kind not in known:
            close = closest(src.kind, known)
            diag.error(Path(c.root) / "sources.yaml", src.line, f"source '{src.id}' has unknown kind '{src.kind}'",
                       (f"did you mean '{close}'? " if close else "")
                       + f"declare it in briefing.yaml: source_kinds: {{{src.kind}: 标签}}; shipped kinds: "
                       + ", ".join(SOURCE_KINDS))


class _Pool:
    """The ids of one kind. When the file defining them could not be read,
    every id counts as present: the read error is the one to fix first."""

    def __init__(self, ids, unknown: bool):
        self.ids, self.unknown = ids, unknown

    def __contains__(self, ident: object) -> bool:
        return self.unknown or ident in self.ids

    def __iter__(self):
        return iter(self.ids)

    def __getitem__(self, ident: str):
        return self.ids[ident]

    def get(self, ident: str, default=None):
        return self.ids.get(ident, default) if isinstance(self.ids, dict) else default


def _dupes(diag: Diagnostics, items: Iterable[tuple[str, str, int]], what: str) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for ident, path, line in items:
        if ident in seen:
            diag.error(path, line, f"duplicate {what} id '{ident}' (also at {diag._loc(*seen[ident])})",
                       "ids must be unique")
        else:
            seen[ident] = (path, line)


def check_references(c: Content, diag: Diagnostics, unreadable: frozenset = frozenset()) -> None:
    """Cross-file rules: ids unique, every reference resolves. References to
    the ids of an ``unreadable`` kind ("themes", "numbers", …) are not judged."""
    root = Path(c.root)
    npath, qpath, spath = str(root / "numbers.yaml"), str(root / "questions.yaml"), str(root / "sources.yaml")
    mpath, sumpath = c.manifest.path, str(root / "summary.yaml")
    _dupes(diag, ((t.id, t.path, 2) for t in c.themes), "theme")
    _dupes(diag, ((n.id, npath, n.line) for n in c.numbers), "key number")
    _dupes(diag, ((q.id, qpath, q.line) for q in c.questions), "question")
    _dupes(diag, ((s.id, spath, s.line) for s in c.sources), "source")
    _dupes(diag, ((j.id, sumpath, j.line) for j in c.summary.judgments), "judgment")
    themes = _Pool({t.id for t in c.themes}, "themes" in unreadable)
    numbers = _Pool({n.id: n for n in c.numbers}, "numbers" in unreadable)
    questions = _Pool({q.id for q in c.questions}, "questions" in unreadable)
    sources = _Pool({s.id for s in c.sources}, "sources" in unreadable)
    mdata = getattr(c.manifest, "_data", {})
    mline = mdata.line_of("themes") if hasattr(mdata, "line_of") else 0

    def hint(word: str, pool: Iterable[str]) -> str:
        close = closest(word, pool)
        return f"did you mean '{close}'?" if close else ""

    for nid in (mdata.get("glance") or []) if hasattr(mdata, "get") else []:
        if nid not in numbers:
            diag.error(mpath, mdata.line_of("glance"), f"'glance' lists unknown key number '{nid}'", hint(nid, numbers))
    if not numbers.unknown:
        _doubled_qualifiers(c, numbers, diag)
    check_inline_fields(c, diag, numbers, sources)  # every YAML text field: its markup, its references
    if not numbers.unknown:
        check_duplicate_numbers(c, diag)  # a key number typed by hand instead of [[num:ID]]

    check_ids_in_text(c, diag)  # "见 weekly-users-dec": an id typed where readers read
    check_name_forms(c, diag)  # 梅克尔 in a text whose glossary writes 默克尔: one person, two names
    for tid in c.manifest.themes:
        if tid not in themes:
            diag.error(mpath, mline, f"manifest lists theme '{tid}' but no theme file has that id", hint(tid, themes))
    if len(set(c.manifest.themes)) != len(c.manifest.themes):
        diag.error(mpath, mline, "manifest lists a theme twice")
    for t in c.themes:
        if t.id not in c.manifest.themes:
            diag.error(t.path, 2, f"theme '{t.id}' is not listed in briefing.yaml 'themes'",
                       "add it to the manifest's theme order")
        for s in t.sources:
            if s not in sources:
                diag.error(t.path, t.lines.get("sources", 2), f"theme cites unknown source '{s}'",
                           hint(s, sources) or "add it to sources.yaml")
        for n in t.numbers:
            if n not in numbers:
                diag.error(t.path, t.lines.get("numbers", 2), f"theme refers to unknown key number '{n}'",
                           hint(n, numbers))
        for q in t.questions:
            if q not in questions:
                diag.error(t.path, t.lines.get("questions", 2), f"theme refers to unknown question '{q}'",
                           hint(q, questions))
        cited = set()
        for cit in parse_citations(t.body, t.path, t.body_line, diag):
            cited.add(cit.source)
            if cit.source not in sources:
                diag.error(t.path, cit.line, f"citation names unknown source '{cit.source}'", hint(cit.source, sources))
        for s in sorted(cited - set(t.sources)):
            if s in sources.ids:
                diag.error(t.path, t.lines.get("sources", 2), f"body cites '{s}' but front matter 'sources' does not list it")
        for s in sorted(set(t.sources) - cited):
            if s in sources.ids:
                diag.warning(t.path, t.lines.get("sources", 2), f"front matter lists source '{s}' that the body never cites")
        for m in numrefs(t.body):
            line = t.body_line + t.body.count("\n", 0, m.start())
            ref = m.group(1)
            nid, _, idx = ref.partition("/")
            if nid not in numbers:
                diag.error(t.path, line, f"[[num:{ref}]] refers to unknown key number '{nid}'", hint(nid, numbers))
            elif numbers.unknown:
                pass
            elif idx and (not idx.isdecimal() or not 1 <= int(idx) <= len(numbers[nid].points)):
                diag.error(t.path, line, f"[[num:{ref}]]: '{nid}' has {len(numbers[nid].points)} point(s)")
    for n in c.numbers:
        if n.theme and n.theme not in themes:
            diag.error(npath, n.lines.get("theme", n.line), f"key number '{n.id}' refers to unknown theme '{n.theme}'",
                       hint(n.theme, themes))
        for p in n.points:
            for cit in p.sources:
                if cit.source not in sources:
                    diag.error(npath, cit.line, f"key number '{n.id}' cites unknown source '{cit.source}'",
                               hint(cit.source, sources))
    for q in c.questions:
        for th in q.themes:
            if th not in themes:
                diag.error(qpath, q.lines.get("themes", q.line), f"question '{q.id}' refers to unknown theme '{th}'",
                           hint(th, themes))
        if q.raised_by and q.raised_by.source not in sources:
            diag.error(qpath, q.lines.get("raised_by", q.line),
                       f"question '{q.id}' raised_by unknown source '{q.raised_by.source}'",
                       hint(q.raised_by.source, sources))
    if sum(q.top for q in c.questions) > 4:
        diag.warning(qpath, 0, "more than 4 questions are marked top: page 1 shows the first 4")
    judgments = {j.id for j in c.summary.judgments}
    for j in c.summary.judgments:
        for th in j.themes:
            if th not in themes:
                diag.error(sumpath, j.lines.get("themes", j.line), f"judgment '{j.id}' refers to unknown theme '{th}'",
                           hint(th, themes))
    for w in c.summary.watch:
        if w.judgment not in judgments and "summary" not in unreadable:
            diag.error(sumpath, w.lines.get("judgment", w.line), f"signpost refers to unknown judgment '{w.judgment}'", hint(w.judgment, judgments))
