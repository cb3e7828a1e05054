"""Simplified -> Traditional conversion: glossary first, OpenCC for the rest.

The text is cut into three kinds of span:

* protected: URLs, inline code, Markdown link targets, citations and number
  references, Latin words and numbers -- copied as they are;
* glossary hits (longest match first) -- replaced by the variant's form;
* everything else -- converted by OpenCC with the variant's config.

Conversion is line-preserving: it never adds or removes a newline, so a
finding in converted text points at the same line of the source file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from generator.model import Glossary

OPENCC_CONFIG = {"zh-Hant": "s2twp", "zh-Hant-HK": "s2hk"}
# character-only configs: what the phrase layer is measured against
OPENCC_CHAR_CONFIG = {"zh-Hant": "s2tw", "zh-Hant-HK": "s2hk"}

PROTECTED_RE = re.compile(
    r"""
      `[^`\n]*`                           # inline code
    | \[[^\[\]\n]+\]\{lang=[A-Za-z0-9-]+\}  # language-tagged literal: [萬億]{lang=zh-Hant-HK}
    | \]\([^)\n]*\)                       # Markdown link destination
    | <[a-z][a-z0-9+.-]*:[^>\s]*>         # autolink
    | (?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]*://[^\s<>()\[\]，。、；：“”「」]+   # bare URL
    | \[@[^\[\]\n]*\]                     # citation (source id + verbatim locator)
    | \[\[num:[^\]\n]*\]\]                # key-number reference
    """,
    re.VERBOSE,
)
# Latin words and numbers: protected too, but only after glossary terms had
# their chance (a term may contain Latin, e.g. 谷歌（Google）).
LATIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+\-]*")

QUOTES_HANT = {"“": "「", "”": "」", "‘": "『", "’": "』"}


@functools.lru_cache(maxsize=None)
def opencc_converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def opencc_version() -> str:
    import opencc

    return getattr(opencc, "__version__", "unknown")


@dataclass
class Segment:
    kind: str  # "text" | "term" | "protected"
    source: str
    result: str


class Converter:
    """Converts zh-Hans text to one variant. ``zh-Hans`` is the identity."""

    def __init__(self, variant: str, glossary: Glossary | None = None):
        self.variant = variant
        self.identity = variant == "zh-Hans"
        self.terms: dict[str, str] = {}
        if not self.identity:
            cc = opencc_converter(OPENCC_CONFIG[variant])
            for term in (glossary.terms if glossary else ()):
                src = term.forms["zh-Hans"]
                target = term.forms.get(variant)
                if target is None and variant == "zh-Hant-HK":
                    target = None  # Hong Kong falls back to plain conversion, not to Taiwan usage
                self.terms[src] = target if target is not None else cc.convert(src)
        alternation = "|".join(re.escape(t) for t in sorted(self.terms, key=len, reverse=True))
        self._term_re = re.compile(alternation) if alternation else None

    # -- segmentation -------------------------------------------------------

    def segments(self, text: str) -> list[Segment]:
        if self.identity:
            return [Segment("text", text, text)]
        cc = opencc_converter(OPENCC_CONFIG[self.variant])
        out: list[Segment] = []
        pos = 0
        for m in PROTECTED_RE.finditer(text):
            if m.start() > pos:
                out.extend(self._terms(text[pos:m.start()], cc))
            out.append(Segment("protected", m.group(0), m.group(0)))
            pos = m.end()
        if pos < len(text):
            out.extend(self._terms(text[pos:], cc))
        return out

    def _terms(self, text: str, cc) -> list[Segment]:
        out = []
        pos = 0
        if self._term_re is not None:
            for m in self._term_re.finditer(text):
                if m.start() > pos:
                    out.extend(self._plain(text[pos:m.start()], cc))
                out.append(Segment("term", m.group(0), self.terms[m.group(0)]))
                pos = m.end()
        if pos < len(text):
            out.extend(self._plain(text[pos:], cc))
        return out

    @staticmethod
    def _plain(text: str, cc) -> list[Segment]:
        out = []
        pos = 0
        for m in LATIN_RE.finditer(text):
            if m.start() > pos:
                chunk = text[pos:m.start()]
                out.append(Segment("text", chunk, cc.convert(chunk)))
            out.append(Segment("protected", m.group(0), m.group(0)))
            pos = m.end()
        if pos < len(text):
            chunk = text[pos:]
            out.append(Segment("text", chunk, cc.convert(chunk)))
        return out

    # -- public API ---------------------------------------------------------

    def convert(self, text: str) -> str:
        if self.identity or not text:
            return text
        result = "".join(s.result for s in self.segments(text))
        return convert_quotes(result)


def convert_quotes(text: str) -> str:
    """“ ” ‘ ’ -> 「 」 『 』; an apostrophe inside a Latin word stays."""
    out = []
    for i, ch in enumerate(text):
        if ch in QUOTES_HANT:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch == "’" and prev.isascii() and prev.isalpha() and (not nxt or (nxt.isascii() and nxt.isalpha())):
                out.append(ch)
                continue
            out.append(QUOTES_HANT[ch])
        else:
            out.append(ch)
    return "".join(out)


def phrase_changes(variant: str, text: str, converter: "Converter") -> list[tuple[str, str, str]]:
    """Phrase-level substitutions OpenCC made beyond the character mapping.

    Returns (source phrase, character-level result, phrase-level result) for
    every text segment where the two configs disagree.
    """
    if converter.identity:
        return []
    char_cc = opencc_converter(OPENCC_CHAR_CONFIG[variant])
    out = []
    for seg in converter.segments(text):
        if seg.kind != "text":
            continue
        plain = char_cc.convert(seg.source)
        if plain != seg.result:
            out.extend(_diff_runs(seg.source, plain, seg.result))
    return out


def _diff_runs(src: str, a: str, b: str) -> list[tuple[str, str, str]]:
    import difflib

    out = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        # widen to the source phrase (same length as a when char-level)
        lo, hi = max(0, i1 - 1), min(len(a), i2 + 1)
        out.append((src[lo:hi] if len(src) == len(a) else src, a[lo:hi], b[max(0, j1 - 1):min(len(b), j2 + 1)]))
    return out
