"""The briefing's own markup, as patterns: what every stage reads the same way.

In: text as written (a theme body, a YAML prose field). Out: the spans of
its markup: citations ``[@id "locator"]``, number references ``[[num:id]]``,
literals ``[萬億]{lang=zh-Hant-HK}``, ``:::`` blocks, and what inline markup a
kind of field accepts. Loading validates with these, checking reads through
them, rendering replaces them; nothing here imports another stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


# A citation: [@id], [@id "fragment"], several separated by ';'
CITATION_RE = re.compile(r"\[(@[^\[\]]*)\]")
CITE_ITEM = r'@([A-Za-z0-9_-]++)\s*+(?:"([^"]*+)")?'
CITE_ITEM_RE = re.compile(CITE_ITEM)
CITE_LIST_RE = re.compile(rf'^\s*+{CITE_ITEM}(?:\s*+;\s*+{CITE_ITEM})*+\s*+$')
NUMREF_RE = re.compile(r"\[\[num:([^\]]*)\]\]")  # (one reference; numrefs() finds them all in linear time)


class _Ref:
    """A match of NUMREF_RE, as numrefs() finds it."""

    __slots__ = ("_text", "_start", "_end", "_close")

    def __init__(self, text: str, start: int, close: int):
        self._text, self._start, self._close, self._end = text, start, close, close + 2

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, n: int = 0) -> str:
        return self._text[self._start:self._end] if n == 0 else self._text[self._start + 6:self._close]


def numrefs(text: str) -> Iterator[_Ref]:
    """What ``NUMREF_RE.finditer(text)`` finds, in one pass: the regex reads
    from every ``[[num:`` to the next ``]``, which on a run of unclosed
    references rereads the rest of the text each time."""
    pos, close = 0, -1
    while True:
        i = text.find("[[num:", pos)
        if i < 0:
            return
        if close < i + 6:
            close = text.find("]", i + 6)
            if close < 0:
                return
        if text.startswith("]]", close):
            yield _Ref(text, i, close)
            pos = close + 2
        else:
            pos = i + 1
# A literal in another language or script: [萬億]{lang=zh-Hant-HK}. Never
# converted, never linted, rendered as <span lang="…"> (regional glyphs).
LANG_SPAN_RE = re.compile(r"\[([^\[\]\n]+)\]\{lang=([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\}")
BLOCK_OPEN_RE = re.compile(r"^:::\s*+([A-Za-z-]++)\s*+(\S(?:.*\S)?|)\s*$")  # (no lazy title: linear in a run of spaces)
BLOCK_KINDS = ("conflict", "assessment", "so-what", "watch")


RAW_HTML_RE = re.compile(r"<\s*+/?\s*+[A-Za-z][^<>]*>")
# Markdown that looks like a tag but is not HTML: inline code and autolinks
# (<https://…>, <name@example.com>).
NOT_HTML_RE = re.compile(r"`[^`\n]*+`|<[A-Za-z][A-Za-z0-9+.-]*+:[^<>\s]*+>|<[^@<>\s]++@[^@<>\s]++>")


MD_IMAGE_RE = re.compile(r"!\[[^\[\]]*+\]\(\s*+<?([^)\s>]*+)")


def cite_items(inner: str) -> list[tuple[str, str]] | None:
    """'@a "x"; @b' -> [('a', 'x'), ('b', '')]; None when malformed.
    A locator may itself contain ';' (it is quoted)."""
    if not CITE_LIST_RE.match(inner):
        return None
    return [(m.group(1), m.group(2) or "") for m in CITE_ITEM_RE.finditer(inner)]


CITE, NUM, LANG, MARKDOWN = "citation", "number reference", "language-tagged literal", "Markdown"
PROSE = frozenset({CITE, NUM, LANG, MARKDOWN})  # sentences: rendered like a line of a theme body
HEADING = frozenset({NUM, LANG})  # titles and labels: a figure or a literal, set as plain text
NAME = frozenset({LANG})  # names and markings: at most a literal in another script
BARE = frozenset()  # text used inside other text (a unit, a citation label): nothing


# content.BLOCK_OPEN_RE with a greedy title: its ``(.*?)\s*$`` retried the
# trailing-space test at every character of the title (quadratic in spaces)
_BLOCK_OPEN = re.compile(r":::\s*+([A-Za-z-]+)\s*+(.*)")


@dataclass
class Block:
    kind: str  # said | conflict | assessment | so-what | watch
    title: str
    markdown: str
    line: int


def split_blocks(body: str, first_line: int) -> list[Block]:
    blocks: list[Block] = []
    cur = Block("said", "", "", first_line)
    parts: list[str] = []  # the current block's lines, joined once (``+=`` copied the block at every line)
    lines = body.split("\n")
    in_code = False
    for i, line in enumerate(lines):
        n = first_line + i
        if line.startswith("```"):
            in_code = not in_code
        stripped = line.strip()
        if not in_code and stripped.startswith(":::"):
            cur.markdown = "".join(parts)
            if cur.markdown.strip() or cur.kind != "said":
                blocks.append(cur)
            parts = []
            if stripped == ":::":
                cur = Block("said", "", "", n + 1)
            else:
                m = _BLOCK_OPEN.match(stripped)
                cur = Block(m.group(1) if m else "said", (m.group(2) if m else "").strip(), "", n + 1)
            continue
        parts.append(line + "\n")
    cur.markdown = "".join(parts)
    if cur.markdown.strip():
        blocks.append(cur)
    return blocks


# A number reference as the renderer finds it, after citations and literals
# became placeholders: never across a bracket or a placeholder, so text the
# checker saw as no reference (an unclosed ``[[num:`` before a citation) does
# not become one here (it was a KeyError); and one short attempt per
# ``[[num:`` (``[^\]]*`` ran from every unclosed one to the end of the text).
HELD_NUMREF_RE = re.compile(r"\[\[num:([^\[\]\ue000\ue001]*)\]\]")
