"""Provenance: every cited fragment must occur in the source it cites.

Both sides are normalised before comparison -- script (Traditional ->
Simplified), full/half width (NFKC), quotation marks, whitespace, and the
scraping noise of the 硅星人 text (pinyin after characters: 標(biāo)題,
``*`` for removed words) -- so an editor can copy a fragment from either a
Traditional or a Simplified source and the check stays exact otherwise.
The source texts are read from a directory given at check time and never
copied into the repository.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path

from generator import safeio
from generator.safeio import printable
from generator.chinese.convert import opencc_converter
from generator.content import parse_citations
from generator.diagnostics import Diagnostics
from generator.model import Citation, Content

# Pinyin after characters: 標(biāo)題, 人工智能(rén gōng zhì néng). One way to
# match each text: runs of letters separated by whitespace, every quantifier
# possessive, so a parenthesis that does not close as pinyin -- an English
# aside, a 39-letter locator -- fails in one pass instead of trying every way
# of splitting its letters into runs (the old ``(?:[a-z]+\s*)+`` took hours).
_PINYIN_LETTERS = "a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńň"
PINYIN = re.compile(rf"\([{_PINYIN_LETTERS}]++(?:\s++[{_PINYIN_LETTERS}]++)*+\s*+\)")
NOISE = re.compile(r"[\s*\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。、;；:：!！?？…—\-–～~·•|]")


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    text = PINYIN.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = opencc_converter("t2s").convert(text)
    text = NOISE.sub("", text)
    return text.lower()


def load_sources(content: Content, sources_dir: Path, diag: Diagnostics) -> dict[str, str]:
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
        texts[src.id] = normalise(data.decode("utf-8", errors="replace"))
    return texts


def all_citations(content: Content, diag: Diagnostics) -> list[Citation]:
    cites: list[Citation] = []
    for t in content.themes:
        cites.extend(parse_citations(t.body, t.path, t.body_line))
    from generator.charts import load_specs
    from generator.content import text_fields

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
    """Check every locator; returns counts for the report."""
    texts = load_sources(content, sources_dir, diag)
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
    return {"checked": checked, "failed": failed}


_PARAGRAPH = re.compile(r"^[ \t]*\S.*(?:\n[ \t]*\S.*)*", re.M)  # a run of non-blank lines
_FIGURE = re.compile(r"\d")
# citations and number references, never across a bracket (``[^\]]*`` read
# from every unclosed one to the end of the paragraph)
_REFERENCES = re.compile(r"\[@[^\[\]]*\]|\[\[num:[^\[\]]*\]\]")


def _quoted(text: str) -> bool:
    """A direct quote in ``text``: “, at least two characters, ”. One pass:
    the regex “[^”]{2,}” read from every “ to the next ” (quadratic when
    there is none)."""
    for segment in text.split("”")[:-1]:  # each is followed by a ”
        start = segment.find("“")  # the first “ is the farthest from it
        if 0 <= start < len(segment) - 2:
            return True
    return False


def unsourced_claims(content: Content, diag: Diagnostics) -> None:
    """Warnings (errors under --strict): a paragraph of "what was said" with
    no citation, a quote or typed figure with no locator.

    The build calls this on every body before rendering anything, so the
    markup checks ride on it: what the renderer would print raw or could not
    render (generator.markup.check_markup) is an error at its line."""
    from generator.markup import split_blocks

    check_all_markup(content, diag)
    for t in content.themes:
        for block in split_blocks(t.body, t.body_line):
            if block.kind == "conflict":
                sides = {c.source for c in parse_citations(block.markdown, t.path, block.line)}
                if len(sides) < 2:
                    diag.warning(t.path, block.line - 1, "a conflict block must cite each side: at least two "
                                 f"different sources, found {len(sides)}", code="unsourced")
                continue
            if block.kind != "said":
                continue
            start, counted = block.line, 0  # lines counted once through the block, not from its top each time
            for para in _PARAGRAPH.finditer(block.markdown):
                start += block.markdown.count("\n", counted, para.start())
                counted = para.start()
                text = para.group(0).strip()
                if not text or text.startswith("#"):
                    continue
                for item in _items(text, start):
                    body, at = item
                    cites = parse_citations(body, t.path, at)
                    if not cites:
                        diag.warning(t.path, at, "claim without a source: add a citation like "
                                     f"[@{_example_source(content, t)} \"verbatim fragment\"]", code="unsourced")
                        continue
                    plain = _REFERENCES.sub("", body)
                    if (_quoted(plain) or _FIGURE.search(plain)) and not any(c.locator for c in cites):
                        diag.warning(t.path, at, "a quote or figure needs a locator: [@source \"verbatim fragment\"]",
                                     code="unsourced")


def _example_source(content: Content, theme) -> str:
    """A source id for a hint: the theme's first, else the briefing's first."""
    ids = list(theme.sources) or [s.id for s in content.sources]
    return ids[0] if ids else "source-id"


def _items(text: str, start: int) -> list[tuple[str, int]]:
    """Split a paragraph into list items (each must carry its own citation)."""
    lines = text.split("\n")
    if not re.match(r"^\s*([-*+]|\d+\.)\s", lines[0]):
        return [(text, start)]
    items: list[tuple[list[str], int]] = []  # (lines, first line): joined once, not at every line
    for i, line in enumerate(lines):
        if re.match(r"^\s*([-*+]|\d+\.)\s", line):
            items.append(([line], start + i))
        elif items:
            items[-1][0].append(line)
    return [("\n".join(item), at) for item, at in items]


def check_all_markup(content: Content, diag: Diagnostics) -> None:
    """generator.markup.check_markup on every text the renderer reads as
    Markdown: theme bodies, back matter, and YAML prose fields."""
    from generator.charts import load_specs
    from generator.content import PROSE, text_fields
    from generator.markup import check_markup

    for t in content.themes:
        check_markup(diag, t.body, t.path, t.body_line)
    for text in (getattr(content, "back", None) or {}).values():
        check_markup(diag, str(text), text.path, text.line, body=False)
    for f in text_fields(content, load_specs(content.root)):
        if f.text.path and f.accepts == PROSE:
            check_markup(diag, str(f.text), f.text.path, f.text.line, body=False)
