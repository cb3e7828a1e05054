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
import re
import unicodedata
from pathlib import Path

from generator.chinese.convert import opencc_converter
from generator.content import parse_citations
from generator.diagnostics import Diagnostics
from generator.model import Citation, Content

PINYIN = re.compile(r"\((?:[a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńň]+\s*)+\)")
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
        if not p.is_file():
            diag.error(spath, src.line, f"source '{src.id}': file {src.file} not found in {sources_dir}",
                       "check 'file' or the --sources directory")
            continue
        texts[src.id] = normalise(p.read_text(encoding="utf-8", errors="replace"))
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
    for cit in all_citations(content, diag):
        if not cit.locator or cit.source not in texts:
            continue
        checked += 1
        needle = normalise(cit.locator)
        if not needle:
            diag.error(cit.path, cit.line, f"locator '{cit.locator}' is empty after normalisation")
            failed += 1
        elif needle not in texts[cit.source]:
            failed += 1
            found_in = [sid for sid, txt in texts.items() if needle in txt]
            hint = (f"it occurs in {', '.join(found_in)}: cite that source" if found_in
                    else "copy the fragment verbatim from the source text")
            diag.error(cit.path, cit.line, f"cited fragment \"{cit.locator}\" does not occur in source '{cit.source}'",
                       hint, code="provenance")
    return {"checked": checked, "failed": failed}


_PARAGRAPH = re.compile(r"^[ \t]*\S.*(?:\n[ \t]*\S.*)*", re.M)  # a run of non-blank lines
_QUOTE = re.compile(r"“[^”]{2,}”")
_FIGURE = re.compile(r"\d")


def unsourced_claims(content: Content, diag: Diagnostics) -> None:
    """Warnings (errors under --strict): a paragraph of "what was said" with
    no citation, a quote or typed figure with no locator."""
    from generator.markup import split_blocks

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
            for para in _PARAGRAPH.finditer(block.markdown):
                start = block.line + block.markdown.count("\n", 0, para.start())
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
                    plain = re.sub(r"\[@[^\]]*\]|\[\[num:[^\]]*\]\]", "", body)
                    if (_QUOTE.search(plain) or _FIGURE.search(plain)) and not any(c.locator for c in cites):
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
    items: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*([-*+]|\d+\.)\s", line):
            items.append((line, start + i))
        elif items:
            items[-1] = (items[-1][0] + "\n" + line, items[-1][1])
    return items
