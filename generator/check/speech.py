"""Where a source text reports someone's words, and whose.

In: a source's lines as written. Out: for each line, the parts that are
speech -- the words inside its quotation marks (“…” 「…」 『…』 ‘…’ "…"),
or the whole line when it is a turn of a transcript -- each with the
speaker its source names for it, when it names one.

A transcript is recognised by its speaker labels, not declared: a label is a
short name at the start of a line followed by a colon (``王芳：``,
``**Li Ming：**``, ``Q:``), and a name counts as a speaker when it labels
at least :data:`LABEL_MIN` lines of the source (a one-off ``换句话说：`` in
an article is the writer's own colon); in a source that has one, every
label-shaped line start opens a turn (a speaker who talks once). Words a
speaker quotes inside a turn are someone else's: their speaker is unknown.
A turn runs from its label to the next
label (after a heading the speaker is unknown, the lines are still speech);
lines before the first label are the writer's.

Everything else in a source is the writer's narration: its words are the
outlet's, and a briefing may quote them only as the outlet's words (the
quote check in :mod:`generator.check.provenance` decides that).

Each pass is one scan of the text (linear time).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


# opening mark -> closing mark; "…" (ASCII) opens and closes with the same mark
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "＂": "＂", "﹁": "﹂"}
LABEL_MIN = 3  # lines a name must label before it counts as a transcript's speaker
# a label: optional bold, a name of up to 24 characters without sentence
# punctuation (one inner space for a two-part name, "Li Ming"), a colon
LABEL = re.compile(r"[ \t]*(?:\*\*)?([^\s*：:，,。.！!？?“”「」\"'()（）#>|\[\]-]{1,16}"
                   r"(?: [^\s*：:，,。.！!？?“”「」\"'()（）#>|\[\]-]{1,12})?)[ \t]*(?:\*\*)?[：:][ \t]*(?:\*\*)?")
HEADING = re.compile(r"[ \t]*(?:#{1,6}[ \t]|>|\|)")  # heading, block quote (a chapter note), table row


@dataclass(frozen=True)
class Speech:
    line: int          # index into the source's lines
    words: str         # as written
    speaker: str       # the transcript label, or "" (a quotation in an article; the speaker is in the prose)


def speakers(lines: list[str]) -> frozenset[str]:
    """The names that label at least LABEL_MIN lines."""
    counts: Counter[str] = Counter()
    for ln in lines:
        m = LABEL.match(ln)
        if m:
            counts[m.group(1)] += 1
    return frozenset(name for name, n in counts.items() if n >= LABEL_MIN)


def speech(lines: list[str]) -> list[Speech]:
    """Every piece of speech in ``lines`` (see the module's docstring)."""
    transcript = bool(speakers(lines))
    out: list[Speech] = []
    turn: str | None = None  # None: before the first label (the writer's); "": a turn whose speaker is unknown
    for i, ln in enumerate(lines):
        m = LABEL.match(ln) if transcript else None
        if m:
            turn = m.group(1)
            out.append(Speech(i, ln[m.end():], turn))
            out.extend(Speech(i, words, "") for words in quoted(ln[m.end():]))  # someone else's words, quoted
        elif HEADING.match(ln):
            turn = "" if turn is not None else None  # a new chapter: still speech, the speaker unknown
            out.extend(Speech(i, words, "") for words in quoted(ln))
        elif turn is not None:
            out.append(Speech(i, ln, turn))
            out.extend(Speech(i, words, "") for words in quoted(ln))
        else:
            out.extend(Speech(i, words, "") for words in quoted(ln))
    return out


def quoted(line: str) -> list[str]:
    """The words inside each pair of quotation marks in ``line``; a mark left
    open at the end of the line quotes to the end of it (a quotation running
    over several paragraphs opens each one). Nested marks stay inside the outer
    quotation. One pass."""
    spans: list[str] = []
    opener, start, depth = "", -1, 0
    for i, ch in enumerate(line):
        if not opener:
            if ch in QUOTE_PAIRS and not (ch == "‘" and _apostrophe(line, i)):
                opener, start, depth = ch, i + 1, 1
        elif ch == QUOTE_PAIRS[opener]:
            depth -= 1
            if depth == 0:
                spans.append(line[start:i])
                opener = ""
        elif ch == opener:
            depth += 1
    if opener and start < len(line):
        spans.append(line[start:])
    return spans


def _apostrophe(line: str, i: int) -> bool:
    """‘ between two Latin letters is a typographic apostrophe, not a quotation."""
    return 0 < i < len(line) - 1 and line[i - 1].isascii() and line[i - 1].isalpha() and line[i + 1].isalpha()
