"""Reading the briefing's prose and the source texts alike: normalised for
comparison, cut into sentences, paragraphs and list items, its quotations
found with the words before them.

In: text. Out: the normalised text (script, width, quotation marks,
whitespace and scraping noise levelled), and spans. One linear pass each.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from generator.chinese.backend import opencc_converter


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


OPEN, CLOSE = "“「", "”」"
ENDS = "。！？!?"


CONTEXT = 120   # characters before a quotation read for who it is attributed to


def quoted_spans(text: str) -> list[tuple[str, int]]:
    """(words, sentence index) of every “…” / 「…」 in ``text``, with the
    index of the sentence it stands in. One pass; an unclosed mark quotes nothing."""
    return [(words, sentence) for words, sentence, _clause, _before in quotations(text)]


def quotations(text: str) -> list[tuple[str, int, str, str]]:
    """(words, sentence index, the clause before the opening mark, the
    sentence before it) of every “…” / 「…」 in ``text``. The clause runs from
    the last break (，；。！？ or a line break) outside quotation marks, the
    sentence from the last 。！？; each keeps at most its last CONTEXT
    characters, so the scan stays one linear pass however the text runs."""
    spans: list[tuple[str, int, str, str]] = []
    start, sentence, clause, begun = -1, 0, 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN and start < 0:
            start = i + 1
            context = (text[max(clause, i - CONTEXT):i], text[max(begun, i - CONTEXT):i])
        elif ch in CLOSE and start >= 0:
            spans.append((text[start:i], sentence, *context))
            start = -1
        elif start < 0 and ch in CLAUSE_BREAKS:
            clause = i + 1
            if ch in ENDS:
                sentence += 1
                begun = i + 1
    return spans


CLAUSE_BREAKS = "。！？!?；;，,\n"


_SENTENCE_TOKENS = re.compile(r"\[@[^\[\]]*\]|[" + re.escape(OPEN + CLOSE + ENDS) + "]")
CITATION = re.compile(r"\[@[^\[\]]*\]")
QUOTED = re.compile(r"[“「][^”」]*[”」]?|[”」]")  # quoted words with their marks, and a stray closing mark


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: one ends after 。！？ outside
    quotation marks and outside citations; the last runs to the end of the
    text (and may be empty), so the n-th span is the sentence
    :func:`quotations` numbers n."""
    spans: list[tuple[int, int]] = []
    inside, start = False, 0
    for m in _SENTENCE_TOKENS.finditer(text):
        tok = m.group(0)
        if tok in OPEN:
            inside = True
        elif tok in CLOSE:
            inside = False
        elif not inside and not tok.startswith("[@"):
            spans.append((start, m.end()))
            start = m.end()
    spans.append((start, len(text)))
    return spans


PARAGRAPH = re.compile(r"^[ \t]*\S.*(?:\n[ \t]*\S.*)*", re.M)  # a run of non-blank lines


def list_items(text: str, start: int) -> list[tuple[str, int]]:
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
