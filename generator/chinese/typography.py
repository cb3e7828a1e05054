"""Chinese typography that WeasyPrint does not do by itself (see
docs/typography.md and the W3C clreq):

* a quarter-em space (U+2005) between Han characters and Latin words --
  never next to punctuation, and not between digits and Chinese units or
  dates (1.4万亿, 2025年12月 stay tight, as Chinese newsrooms set them);
* adjacent full-width punctuation compressed: the first of a pair gets
  ``class="pc"`` (CSS ``font-feature-settings: "halt"``);
* runs only on text nodes, never inside tags, code or scripts.
"""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a Latin token: letters/digits with inner punctuation, containing a letter
LATIN = r"[A-Za-z0-9](?:[A-Za-z0-9.+\-_/&#]*[A-Za-z0-9+#])?"
SPACE = "\u2005"
_HAN_LATIN = re.compile(rf"(?<=[{HAN}])(?=(?:{LATIN}))")
_LATIN_HAN = re.compile(rf"(?<=[A-Za-z0-9+#])(?=[{HAN}])")
# a Latin phrase: tokens joined by single spaces ("Gemini 3", "Big Technology Podcast")
_TOKEN = re.compile(rf"(?:{LATIN})(?: (?:{LATIN}))*")
# full-width punctuation that has a blank half in its em box
FW_PUNCT = "，。、；：！？「」『』（）《》〈〉【】〔〕“”‘’"
_PAIR = re.compile(rf"([{FW_PUNCT}])(?=[{FW_PUNCT}])")
_SKIP_TAGS = ("code", "pre", "script", "style", "svg", "title")
_TAG = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)


def space_han_latin(text: str) -> str:
    """Insert U+2005 between Han and Latin tokens that contain a letter."""
    out = []
    pos = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if not re.search(r"[A-Za-z]", tok):
            continue
        s, e = m.start(), m.end()
        out.append(text[pos:s])
        if s > 0 and re.match(rf"[{HAN}]", text[s - 1]):
            out.append(SPACE)
        out.append(tok)
        if e < len(text) and re.match(rf"[{HAN}]", text[e]):
            out.append(SPACE)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def compress_punctuation(text: str) -> str:
    return _PAIR.sub(r'<span class="pc">\1</span>', text)


def typeset_html(html: str) -> str:
    """Apply the text rules to every text node of an HTML fragment."""
    parts = _TAG.split(html)
    depth = 0
    out = []
    for part in parts:
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if m and m.group(2).lower() in _SKIP_TAGS and not part.endswith("/>"):
                depth += -1 if m.group(1) else 1
            out.append(part)
        elif depth > 0 or not part:
            out.append(part)
        else:
            out.append(compress_punctuation(space_han_latin(part)))
    return "".join(out)


def plain_typeset(text: str) -> str:
    """For plain text (attributes, PDF metadata): spacing only, no markup."""
    return space_han_latin(text)


# -- half-width / full-width normalisation (source text, every edition) ------
#
# The convention (clreq, and every Chinese newsroom): Latin letters and
# digits are half-width, Chinese punctuation is full-width. Scraped or typed
# text breaks it both ways; this puts it back. It never adds or removes a
# newline, so a finding still points at the source line.

_FULLWIDTH_ALNUM = {c: chr(c - 0xFEE0) for c in
                    (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_FULLWIDTH_ALNUM[ord("％")] = "%"
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# a Han character, a closing CJK mark or full-width punctuation (a run: 好!!! -> 好！！！,
# ，?) before the half-width punctuation
_CJK_BEFORE = rf"[{HAN}」』）》〉】〕”’，。、；：！？]"
_HALF_PUNCT_RE = re.compile(rf"(?<={_CJK_BEFORE})([,;:?!]+)(?![/\\])[ \t]*")
# full-width . - + / inside a (now half-width) Latin or numeric token: 70．9 -> 70.9
_FULLWIDTH_INNER_RE = re.compile(r"(?<=[0-9A-Za-z])[．－＋／](?=[0-9A-Za-z])")
_FULLWIDTH_INNER = {"．": ".", "－": "-", "＋": "+", "／": "/"}
_HALF_PARENS_RE = re.compile(rf"\((?=[^()\n]*[{HAN}]|[^()\n]*\)[{HAN}])([^()\n]*)\)")
_PAREN_AFTER_HAN_RE = re.compile(rf"(?<=[{HAN}])\(([^()\n]*)\)")


def normalise_width(text: str) -> str:
    """Full-width letters and digits -> half-width; , ; : ? ! after Chinese
    -> full-width; ( ) around or right after Chinese -> （ ）."""
    text = text.translate(_FULLWIDTH_ALNUM)
    text = _FULLWIDTH_INNER_RE.sub(lambda m: _FULLWIDTH_INNER[m.group(0)], text)
    text = _HALF_PUNCT_RE.sub(lambda m: "".join(_HALF_PUNCT[c] for c in m.group(1)), text)
    text = _HALF_PARENS_RE.sub(r"（\1）", text)
    return _PAREN_AFTER_HAN_RE.sub(r"（\1）", text)
