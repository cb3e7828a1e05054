"""The YAML text fields an edition prints, and the inline markup each accepts.

In: a loaded :class:`generator.model.Content` (and its chart declarations).
Out: every field as a :class:`Field` (its text and line, what it is, which
key number and themes it is about), and the check that a field holds only
the markup its kind accepts (a title takes figures and literals, not
citations), with every reference resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from generator.diagnostics import Diagnostics, closest
from generator.grammar import BARE, CITATION_RE, CITE, HEADING, LANG, LANG_SPAN_RE, MARKDOWN, NAME, NUM, PROSE, numrefs
from generator.load.themes import parse_citations
from generator.model import Content, Prose


# Markdown a title or label would print raw: emphasis, inline code, links
_LINE_MARKDOWN_RE = re.compile(r"\*\*[^*\s][^*\n]*?\*\*|\*[^*\s][^*\n]*?\*|`[^`\n]+`|\[[^\[\]\n]*+\]\([^)\[\n]*+\)")
_LEFTOVER_RE = re.compile(r"\[\[num:|\{lang=|\[@")


@dataclass(frozen=True)
class Field:
    """One YAML text field that reaches an edition."""

    text: Prose
    accepts: frozenset
    what: str  # "a theme title", "a key number's note" …
    number: str = ""  # the key number the field describes (its label and notes)
    themes: tuple = ()  # the themes the text is about (none: the whole briefing)


def text_fields(c: Content, charts: Iterable = ()) -> Iterator[Field]:
    """Every YAML text field of the content that an edition prints, with what
    inline markup it accepts (theme bodies are Markdown and checked apart)."""
    m = c.manifest
    for key, accepts in (("title", HEADING), ("subtitle", HEADING), ("issuing_unit", NAME),
                         ("distribution", NAME), ("author", NAME)):
        value = getattr(m, key)
        if value and value.path:  # author defaults to issuing_unit: the same Prose, checked once
            if key != "author" or value is not m.issuing_unit:
                yield Field(value, accepts, f"the manifest's '{key}'")
    if getattr(m, "sources_note", None):
        yield Field(m.sources_note, PROSE, "the manifest's 'sources_note'")
    for label in (getattr(m, "source_kinds", None) or {}).values():
        yield Field(label, NAME, "a source kind's label")
    for t in c.themes:
        yield Field(t.title, HEADING, "a theme title", themes=(t.id,))
        yield Field(t.takeaway, PROSE, "a takeaway", themes=(t.id,))
    for s in c.summary.bottom_line:
        yield Field(s, PROSE, "the bottom line")
    for j in c.summary.judgments:
        yield Field(j.text, PROSE, "a judgment", themes=j.themes)
    for w in c.summary.watch:
        yield Field(w.signpost, PROSE, "a signpost")
    for n in c.numbers:
        scope = (n.theme,) if n.theme else ()
        yield Field(n.label, HEADING, "a key number's label", n.id, scope)
        if n.unit:
            yield Field(n.unit, BARE, "a unit", n.id, scope)
        if n.note:
            yield Field(n.note, PROSE, "a key number's note", n.id, scope)
        for p in n.points:
            if p.note:
                yield Field(p.note, PROSE, "a key number's note", n.id, scope)
    for q in c.questions:
        for key in ("question", "why", "answer_by"):
            yield Field(getattr(q, key), PROSE, f"a question's '{key}'", themes=q.themes)
    for s in c.sources:
        yield Field(s.short, BARE, "a source's 'short' label")
        yield Field(s.title, NAME, "a source's title")
        yield Field(s.outlet, NAME, "a source's outlet")
        yield Field(s.note, PROSE, "a source's note")
    for spec in charts:
        yield from chart_fields(spec)


def chart_fields(spec) -> Iterator[Field]:
    """The text fields of one chart of content/charts.yaml (generator/render/charts.py)."""
    yield Field(spec.title, HEADING, "a chart title")
    for label in spec.labels:
        yield Field(label, HEADING, "a chart label")
    if spec.note:
        yield Field(spec.note, PROSE, "a chart note")


def _accepted(accepts: frozenset) -> str:
    kinds = [k for k in (NUM, LANG) if k in accepts]
    if not kinds:
        return "it is plain text"
    return "it takes only " + " and ".join(f"{k}s" for k in kinds) + " (see docs/content-model.md)"


def check_inline(diag: Diagnostics, f: Field, numbers, sources) -> None:
    """Inline markup in one YAML field: only what the field accepts, and every
    citation and number reference resolves. ``numbers``/``sources`` are pools
    of ids (a generator.load.references._Pool, or a dict or set)."""
    text, path, line = str(f.text), f.text.path, f.text.line
    if not path:
        return

    def hint(word: str, pool) -> str:
        close = closest(word, pool)
        return f"did you mean '{close}'?" if close else ""

    spans: list[tuple[int, int]] = []  # markup read here; what is left must hold none (one pass, not a replace each)
    for m in CITATION_RE.finditer(text):
        spans.append(m.span())
        if CITE not in f.accepts:
            diag.error(path, line, f"a citation is not allowed in {f.what}: '{m.group(0)}'",
                       "cite in the takeaway, the body or the number's sources; " + _accepted(f.accepts))
            continue
        for cit in parse_citations(m.group(0), path, line, diag):
            if cit.source not in sources:
                diag.error(path, line, f"citation names unknown source '{cit.source}'", hint(cit.source, sources))
    for m in numrefs(text):
        spans.append((m.start(), m.end()))
        ref = m.group(1)
        if NUM not in f.accepts:
            diag.error(path, line, f"a number reference is not allowed in {f.what}: '{m.group(0)}'", _accepted(f.accepts))
            continue
        nid, _, idx = ref.partition("/")
        if nid not in numbers:
            diag.error(path, line, f"[[num:{ref}]] refers to unknown key number '{nid}'", hint(nid, numbers))
        elif getattr(numbers, "unknown", False):
            pass
        elif idx and (not idx.isdecimal() or not 1 <= int(idx) <= len(numbers[nid].points)):
            diag.error(path, line, f"[[num:{ref}]]: '{nid}' has {len(numbers[nid].points)} point(s)")
    for m in LANG_SPAN_RE.finditer(text):
        spans.append(m.span())
        if LANG not in f.accepts:
            diag.error(path, line, f"a language-tagged literal is not allowed in {f.what}: '{m.group(0)}'",
                       _accepted(f.accepts))
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            pieces += [text[at:start], " "]
            at = end
    rest = "".join(pieces) + text[at:]
    if MARKDOWN not in f.accepts:
        md = _LINE_MARKDOWN_RE.search(rest)
        if md:
            diag.error(path, line, f"Markdown is not rendered in {f.what}: '{md.group(0)}'",
                       "titles, labels and names are set as plain text; " + _accepted(f.accepts))
    left = _LEFTOVER_RE.search(rest)
    if left:
        examples = {"[[num:": "[[num:ID]] or [[num:ID/2]]", "{lang=": "[萬億]{lang=zh-Hant-HK}",
                    "[@": '[@source "fragment"]'}
        diag.error(path, line, f"malformed markup '{rest[left.start():left.start() + 24].strip()}' in {f.what}",
                   f"write {examples[left.group(0)]}; as it stands it would be printed raw")


def check_inline_fields(c: Content, diag: Diagnostics, numbers, sources, charts: Iterable = ()) -> None:
    for f in text_fields(c, charts):
        check_inline(diag, f, numbers, sources)
