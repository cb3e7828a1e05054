"""Provenance: every cited fragment must occur in the source it cites.

Both sides are normalised before comparison -- script (Traditional ->
Simplified), full/half width (NFKC), quotation marks, whitespace, and the
scraping noise of web-scraped text (pinyin after characters: 標(biāo)題,
``*`` for removed words) -- so an editor can copy a fragment from either a
Traditional or a Simplified source and the check stays exact otherwise.
The source texts are read from a directory given at check time and never
copied into the repository.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from generator import safeio
from generator.check import speech
from generator.check.figures import verify_figures
from generator.check.text import CITATION, PARAGRAPH, list_items, normalise, quotations, sentence_spans
from generator.chinese.convert import PROTECTED_RE
from generator.chinese.spans import QUOTED_TERM_MAX, REPORTING_VERBS
from generator.diagnostics import Diagnostics
from generator.grammar import split_blocks
from generator.labels import load_strings
from generator.load.charts import load_specs
from generator.load.fields import text_fields
from generator.load.themes import parse_citations
from generator.model import VARIANTS, Citation, Content
from generator.safeio import printable


def load_sources(content: Content, sources_dir: Path, diag: Diagnostics) -> dict[str, str]:
    """Source id -> its text, normalised (see :func:`normalise`)."""
    return {sid: normalise(raw) for sid, raw in read_sources(content, sources_dir, diag).items()}


def read_sources(content: Content, sources_dir: Path, diag: Diagnostics) -> dict[str, str]:
    """Source id -> its text as written (errors for a source that cannot be read)."""
    texts: dict[str, str] = {}
    spath = Path(content.root) / "sources.yaml"
    for src in content.sources:
        p = Path(sources_dir) / src.file
        if not os.path.lexists(p):
            diag.error(spath, src.line, f"source '{src.id}': file {src.file} not found in {sources_dir}",
                       "check 'file' or the --sources directory")
            continue
        try:  # under the content policy, inside the --sources folder
            data = safeio.read_bytes(p, sources_dir, "source")
        except safeio.Refused as exc:
            diag.error(spath, src.line, f"source '{src.id}': {src.file} {exc.reason}", exc.hint)
            continue
        texts[src.id] = data.decode("utf-8", errors="replace")
    return texts


def all_citations(content: Content, diag: Diagnostics) -> list[Citation]:
    cites: list[Citation] = []
    for t in content.themes:
        cites.extend(parse_citations(t.body, t.path, t.body_line))

    for f in text_fields(content, load_specs(content.root)):  # takeaways, summary, notes, questions …
        if f.text.path:
            cites.extend(parse_citations(f.text, f.text.path, f.text.line))
    for n in content.numbers:
        for p in n.points:
            cites.extend(p.sources)
    for q in content.questions:
        if q.raised_by:
            cites.append(q.raised_by)
    return cites


def verify(content: Content, sources_dir: Path, diag: Diagnostics) -> dict:
    """Check every locator and every quotation; returns counts for the report."""
    raw = read_sources(content, sources_dir, diag)
    texts = {sid: normalise(t) for sid, t in raw.items()}
    checked = failed = 0
    occurs: dict[tuple[str, str], bool] = {}  # (fragment, source): each searched once, however often cited

    def found(needle: str, sid: str) -> bool:
        if (needle, sid) not in occurs:
            occurs[needle, sid] = needle in texts[sid]
        return occurs[needle, sid]

    for cit in all_citations(content, diag):
        if not cit.locator or cit.source not in texts:
            continue
        checked += 1
        needle = normalise(cit.locator)
        if not needle:
            diag.error(cit.path, cit.line, f"locator '{printable(cit.locator)}' is empty after normalisation")
            failed += 1
        elif not found(needle, cit.source):
            failed += 1
            found_in = [sid for sid in texts if found(needle, sid)]
            hint = (f"it occurs in {', '.join(found_in)}: cite that source" if found_in
                    else "copy the fragment verbatim from the source text")
            diag.error(cit.path, cit.line, f"cited fragment \"{printable(cit.locator)}\" does not occur in source "
                       f"'{cit.source}'", hint, code="provenance")
    sources = {sid: _Source(t) for sid, t in raw.items()}
    _mark_unquotable(content, sources, diag)
    quotes = verify_quotes(content, raw, texts, diag, sources)
    figures = verify_figures(content, texts, sources, diag)
    return {"checked": checked, "failed": failed, "quotes": quotes, "figures": figures}


# --------------------------------------------------------------------------
# quotations: the words inside quotation marks are the words of the source


QUOTE_NEAR = 1  # source paragraphs either side of the cited fragment's where the quoted words may stand
TERM_MAX = QUOTED_TERM_MAX  # a quoted term (“数字主权”) of at most this many characters may stand anywhere in the source


WRITER_NEAR = 8  # a source named within this many characters before a quotation attributes it (长文则把它写成“……”)
# Words that name a source's writer rather than anyone in it (normalised): 报道称“……”
WRITER_WORDS = ("报道", "报导", "文章", "原文", "该文", "文中", "文章中", "作者", "记者", "编者", "社论", "评论称",
                "一文", "稿件", "纪要", "摘要")


def _sentences_citations(text: str, path: str, line: int) -> tuple[list[list[Citation]], list[Citation]]:
    """Citations per sentence of ``text`` (:func:`sentence_spans`), and all of them."""
    spans = sentence_spans(text)
    per: list[list[Citation]] = [[] for _ in spans]
    k, at_line, pos = 0, line, 0
    for m in CITATION.finditer(text):
        while k < len(spans) - 1 and m.start() >= spans[k][1]:
            k += 1
        at_line += text.count("\n", pos, m.start())
        pos = m.start()
        per[k].extend(parse_citations(m.group(0), path, at_line))
    return per, [c for cs in per for c in cs]


class _Source:
    """A source's paragraphs, normalised, to find the words around a fragment;
    its unquotable parts (nobody's words) blanked in ``spoken``."""

    def __init__(self, raw: str):
        self.raw_lines = [ln for ln in raw.splitlines() if ln.strip()]
        self.lines = [normalise(ln) for ln in self.raw_lines]
        self.spoken = list(self.lines)
        self.text = "".join(self.lines)
        self.unquotable: list[tuple[int, int]] = []  # (first, last + 1) line indexes
        self._around: dict[str, str] = {}
        self._speech: list[list[tuple[str, str]]] | None = None

    def mark(self, start: str, end: str) -> bool:
        """Blank the lines from the one holding ``start`` up to (not including)
        the next one holding ``end`` (the end of the text without one)."""
        first = next((i for i, ln in enumerate(self.lines) if normalise(start) in ln), None)
        if first is None or not normalise(start):
            return False
        want = normalise(end)
        last = next((i for i in range(first + 1, len(self.lines)) if want and want in self.lines[i]), None)
        if end and last is None:
            return False
        last = len(self.lines) if last is None else last
        for i in range(first, last):
            self.spoken[i] = ""
        self.unquotable.append((first, last))
        self._around.clear()
        return True

    def spoken_text(self) -> str:
        return "".join(self.spoken)

    def speech_lines(self) -> list[list[tuple[str, str]]]:
        """Per line, its pieces of speech (:mod:`generator.check.speech`) as
        (words normalised, speaker label or ""); unquotable parts are
        nobody's speech."""
        if self._speech is None:
            self._speech = [[] for _ in self.lines]
            for sp in speech.speech(self.raw_lines):
                if self.spoken[sp.line]:
                    self._speech[sp.line].append((normalise(sp.words), sp.speaker))
        return self._speech

    def speakers_of(self, want: str, fragment: str) -> set[str] | None:
        """Who says ``want`` in the paragraphs around ``fragment`` (the whole
        source when there is no fragment or it is not within one line): the
        labels of the turns it stands in, "" for speech whose speaker the
        source does not label (a quotation in an article); None when it
        stands in nobody's speech there."""
        lines = self.speech_lines()
        hits = self.near(fragment) if fragment else []
        near = sorted({j for i in hits for j in range(max(0, i - QUOTE_NEAR), min(len(lines), i + QUOTE_NEAR + 1))})
        found = {who for j in (near or range(len(lines))) for words, who in lines[j] if want in words}
        return found or None

    def only_unquotable(self, want: str) -> bool:
        """``want`` stands in the source, but only in its unquotable parts."""
        return want in self.text and want not in self.spoken_text()

    def near(self, fragment: str) -> list[int]:
        return [i for i, ln in enumerate(self.lines) if fragment and fragment in ln]

    def around(self, fragment: str) -> str:
        """The paragraphs where ``fragment`` stands, with QUOTE_NEAR either side."""
        if fragment not in self._around:
            self._around[fragment] = self._find_around(fragment)
        return self._around[fragment]

    def _find_around(self, fragment: str) -> str:
        hits = self.near(fragment)
        if not hits:  # across a line break: a window of the whole text
            text = self.spoken_text()
            at = text.find(fragment)
            return text[max(0, at - 300):at + len(fragment) + 300] if at >= 0 else ""
        return "".join("".join(self.spoken[max(0, i - QUOTE_NEAR):i + QUOTE_NEAR + 1]) for i in hits)

    def line_of(self, fragment: str) -> str:
        hits = self.near(fragment)
        return self.raw_lines[hits[0]].strip() if hits else ""


def _units(content: Content):
    """(text, path, first line) of every piece of prose that may quote:
    each paragraph or list item of a theme, every YAML prose field."""

    for t in content.themes:
        for block in split_blocks(t.body, t.body_line):
            start, counted = block.line, 0
            for para in PARAGRAPH.finditer(block.markdown):
                start += block.markdown.count("\n", counted, para.start())
                counted = para.start()
                for body, at in list_items(para.group(0), start):
                    yield body, t.path, at, t
    for f in text_fields(content, load_specs(content.root)):
        if f.text.path:
            yield str(f.text), f.text.path, f.text.line, None
    for n in content.numbers:  # a number's label and note are fields too (text_fields); its points' notes:
        for p in n.points:
            if p.note is not None and p.note.path:
                yield str(p.note), p.note.path, p.note.line, None


def _mark_unquotable(content: Content, sources: dict, diag: Diagnostics) -> None:
    """The ``unquotable`` parts sources.yaml declares; a fragment that is not
    in its source is an error at its line."""
    spath = Path(content.root) / "sources.yaml"
    for src in content.sources:
        for start, end, line in src.unquotable:
            if src.id in sources and not sources[src.id].mark(start, end):
                diag.error(spath, line, f"source '{src.id}': the unquotable part "
                           f"\"{printable(start, 40)}\"{' … ' + chr(34) + printable(end, 40) + chr(34) if end else ''}"
                           " is not in the source (or ends before it begins)",
                           "copy a fragment of the line where the part begins, and of the line where the source's "
                           "own words resume", code="provenance")


def verify_quotes(content: Content, raw: dict[str, str], texts: dict[str, str], diag: Diagnostics,
                  sources: dict | None = None) -> int:
    """Every quotation is the words of a source it cites: the quoted words
    (normalised as locators are) stand in the cited source, in the paragraph
    of the cited fragment or next to it -- or, for a short quoted term,
    anywhere in it. A quotation whose sentence cites nothing is held to the
    citations of its paragraph; one with no citation at all must at least be
    words of one of the briefing's sources. A machine-written digest quotes
    nobody. Returns how many quotations were checked."""
    sources = sources if sources is not None else {sid: _Source(t) for sid, t in raw.items()}
    kinds = {s.id: s.kind for s in content.sources}
    names = {s.id: (str(s.short) or s.id, {normalise(n) for n in (s.id, str(s.short)) if normalise(n)})
             for s in content.sources}
    labels = _labels()
    people = _People(content)
    texts = {sid: src.spoken_text() for sid, src in sources.items()}  # what a quotation may take words from
    checked = 0
    seen: set[tuple[str, int, str]] = set()
    marks = "“”" if content.manifest.written_in == "zh-Hans" else "「」"
    for text, path, line, _theme in _units(content):
        spans = quotations(PROTECTED_RE.sub("", text))  # citations, references, literals, code, URLs
        if not spans:
            continue
        per, every = _sentences_citations(text, path, line)
        for words, sentence, clause, before in spans:
            want = normalise(words)
            if len(want) < 2 or (path, line, want) in seen or want in labels:  # “观察指标”: a name of ours
                continue
            seen.add((path, line, want))
            checked += 1
            cites = [c for c in (per[sentence] if sentence < len(per) else []) if c.source in sources] \
                or [c for c in every if c.source in sources]
            shown = marks[0] + printable(words, 60) + marks[1]  # in the marks the writer typed
            if not cites:
                if not any(want in t for t in texts.values()):
                    diag.error(path, line, f"{shown} is in quotation marks but is not the words of any source",
                               "quote a source's words and cite it, or drop the quotation marks (a paraphrase)",
                               code="quote")
                continue
            if all(kinds.get(c.source) == "machine-digest" for c in cites) and len(want) > TERM_MAX:
                diag.error(path, line, f"{shown} is quoted from a machine-written digest, which quotes nobody",
                           "cite where the speaker says these words, or drop the quotation marks (a paraphrase)",
                           code="quote")
                continue
            saying = [c for c in cites if _says(sources[c.source], texts[c.source], c, want)]
            if saying:
                _check_speech(saying, want, clause, before, shown, path, line, sources, names, people, diag)
                continue
            generated = [c.source for c in cites if sources[c.source].only_unquotable(want)]
            if generated:
                diag.error(path, line, f"quoted {shown} stands only in an unquotable part of '{generated[0]}' "
                           "(a summary, not anyone's words)",
                           "quote the words where the speaker says them (the transcript), or drop the quotation "
                           "marks", code="quote")
                continue
            elsewhere = [sid for sid in texts if want in texts[sid]]
            c = next((c for c in cites if c.locator), cites[0])
            nearest = sources[c.source].line_of(normalise(c.locator)) if c.locator else ""
            if c.source in elsewhere:
                hint = f"the words stand elsewhere in '{c.source}': cite the fragment where they are said"
            elif elsewhere:
                hint = f"the words stand in {', '.join(elsewhere)}: cite where the speaker says them"
            else:
                hint = "quote the source's own words, or drop the quotation marks (a paraphrase)"
            where = f" near [@{c.source} \"{printable(c.locator, 40)}\"]" if c.locator else f" in '{c.source}'"
            near_text = f"; the source there: {printable(nearest, 90)}" if nearest else ""
            diag.error(path, line, f"quoted {shown} is not what the cited source says{where}{near_text}", hint,
                       code="quote")
    return checked


def _check_speech(cites: list[Citation], want: str, clause: str, before: str, shown: str, path: str, line: int,
                  sources: dict, names: dict[str, tuple[str, set[str]]], people: "_People",
                  diag: Diagnostics) -> None:
    """A quotation presented as someone's words -- longer than a term, or
    right after a reporting verb (他说“……”) -- must stand in someone's speech
    in a source that has it (:mod:`generator.check.speech`: inside the source's
    quotation marks, or a transcript's turn), unless the clause that quotes
    it names that source or its writer (纪要称“……”, 报道称“……”): then the
    words are the writer's, and the sentence says so. A reporter's narration
    is not the speaker's words. Where the source is a transcript whose
    labels sources.yaml names (``speakers``), a sentence that names one of
    those people and none who says the words there gives them to the wrong
    person."""
    said = normalise(clause)
    if len(want) <= TERM_MAX and not said.endswith(REPORTING_VERBS):
        return  # a quoted term names something
    if any(_names_near(said, n) for n in WRITER_WORDS) or \
            any(_names_near(said, n) for c in cites for n in names.get(c.source, ("", ()))[1]):
        return  # the source's own words, attributed to the source
    who = {c.source: sources[c.source].speakers_of(want, "" if len(want) <= TERM_MAX else normalise(c.locator))
           for c in cites}
    if all(w is None for w in who.values()):
        c = cites[0]
        diag.error(path, line, f"quoted {shown} is the narration of '{c.source}', not anyone's quoted words there",
                   "quote what the source puts in quotation marks or in a speaker's turn, name the source in the "
                   f"clause that quotes its own words ({names.get(c.source, (c.source,))[0]}"
                   f"{'稱「……」' if shown.startswith('「') else '称“……”'}), "
                   "or drop the quotation marks (a paraphrase)", code="quote")
        return
    mentioned = people.mentioned(said) or people.mentioned(normalise(before))  # the quoting clause first
    if not mentioned:
        return  # 他说“……”: the sentence names nobody we know
    for sid, labels in who.items():
        if labels is None:
            continue
        declared = people.labels.get(sid, {})
        if any(label not in declared or declared[label] & mentioned for label in labels):
            return  # someone it names says them there, or the source does not tell who speaks
    sid, labels = next((sid, labels) for sid, labels in who.items() if labels)
    speaker = sorted(labels)[0]
    diag.error(path, line, f"quoted {shown} is said by {people.shown[sid, speaker]} in '{sid}' (the turns labelled "
               f"{'/'.join(sorted(labels))}), but the sentence gives it to {people.display(mentioned)}",
               "name the person who says the words, or cite where the person named says them", code="quote")


def _names_near(said: str, name: str) -> bool:
    """``name`` ends within WRITER_NEAR characters of the end of ``said``."""
    at = said.rfind(name)
    return at >= 0 and len(said) - (at + len(name)) <= WRITER_NEAR


class _People:
    """The names sources.yaml gives each transcript's speaker labels."""

    def __init__(self, content: Content):
        self.labels: dict[str, dict[str, set[str]]] = {}
        self.shown: dict[tuple[str, str], str] = {}
        self._display: dict[str, str] = {}
        for src in content.sources:
            for label, given in src.speakers:
                self.labels.setdefault(src.id, {})[label] = {normalise(n) for n in given if normalise(n)}
                self.shown[src.id, label] = given[0]
                for n in given:
                    self._display.setdefault(normalise(n), n)
        self.names = sorted(self._display, key=lambda n: (-len(n), n))

    def mentioned(self, text: str) -> set[str]:
        return {n for n in self.names if n in text} if self.names else set()

    def display(self, names: set[str]) -> str:
        return "、".join(self._display[n] for n in sorted(names))


@functools.lru_cache(maxsize=1)
def _labels() -> frozenset[str]:
    """The edition's own labels (section names such as 本版更新, 观察指标), in
    every variant, normalised: quoting one names a part of the briefing and
    quotes nobody."""

    return frozenset(normalise(str(v)) for variant in VARIANTS for v in load_strings(variant, None).values()
                     if "{" not in str(v) and 2 <= len(str(v)) <= 12)


def _says(src: _Source, text: str, cite: Citation, want: str) -> bool:
    if not cite.locator:
        return want in text if len(want) <= TERM_MAX else False
    if len(want) <= TERM_MAX and want in text:
        return True
    return want in src.around(normalise(cite.locator))


# --------------------------------------------------------------------------
# figures: a key number's value stands in the text its citations point to
