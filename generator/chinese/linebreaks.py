"""Line ends a demanding reader notices, fixed in the HTML (WeasyPrint has no
``text-wrap: pretty`` and no widow control inside a paragraph):

* an orphan -- the last line of a paragraph, list item or heading holding
  one or two characters (…处在“GPT-2时 / 代”): the last few characters of
  every such block are kept on one line;
* a citation alone at the start of a line (…其他来源 / 〔摘要〕。): each
  citation is kept with the character before it and the punctuation after.

Both are done with ``<span class="nobr">`` (CSS ``white-space: nowrap``)
around a few characters, so the browser and the PDF get the same rule.
Never in code or SVG; in tables only inside paragraphs (a cell's notes),
never a whole cell, and citations are not glued there (narrow columns);
the PDF's copy also keeps each cell's last characters together
(:func:`keep_cell_ends`).
"""

from __future__ import annotations

import re

KEEP = 3  # characters kept together at the end of a block (punctuation not counted)
SHORT = 12  # an inline element up to this long (a figure, a short link) is kept whole
ANNOTATIONS = ("cite", "affects")  # not counted: they stay with the text before them
# a comment (unclosed: to the end, as a browser reads it) or a tag; neither
# reaches past the next '<', so each '<' is tried once (``<[^>]+>`` read
# from every '<' to the next '>': quadratic in a run of them)
_TOKEN = re.compile(r"(<!--.*?(?:-->|\Z)|<[^<>]+>)", re.S)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|dd|figcaption)>", re.I)
_CELL_END = re.compile(r"</(th|td)>", re.I)
_INLINE = {"a", "span", "b", "strong", "em", "i", "time", "abbr", "small", "sub", "sup", "code", "bdi", "q"}
_SKIP = {"pre", "svg", "script", "style", "textarea"}  # paragraphs in table cells count, cells do not
_SKIP_GLUE = _SKIP | {"table"}
_COUNTED = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")
_CLOSING = "。，、；：！？）」』”’〕》〉】"
_OPENING = "（「『“‘〔《〈【"
_ENTITY = re.compile(r"&#?\w+;")
NOBR_OPEN, NOBR_CLOSE = '<span class="nobr">', "</span>"


def _name(tag: str) -> tuple[str, bool]:
    m = re.match(r"</?\s*([a-zA-Z0-9]+)", tag)
    return (m.group(1).lower() if m else ""), tag.startswith("</")


def _chars(text: str) -> list[str]:
    """Visible characters of an HTML text run (an entity is one)."""
    out, pos = [], 0
    for m in _ENTITY.finditer(text):
        out.extend(text[pos:m.start()])
        out.append(m.group(0))
        pos = m.end()
    out.extend(text[pos:])
    return out


def keep_together(html: str) -> str:
    glued = "".join(_glue_citations(_TOKEN.split(html)))
    return "".join(_keep_block_ends(_TOKEN.split(glued)))


def keep_cell_ends(html: str) -> str:
    """The end of every table cell kept together as a block's end is (a
    label 达到或超过人类专家的任务比 / 例 would leave 例 alone), for the
    PDF's copy of the HTML, whose runs become word joiners (:func:`joined`).
    The browser's HTML keeps its cells as they are."""
    return "".join(_keep_block_ends(_TOKEN.split(html), _CELL_END))


def _glue_citations(tokens: list[str]) -> list[str]:
    """X<span class="cite">…</span>。 -> <span class="nobr">X<span class="cite">…</span>。</span>"""
    out = list(tokens)
    i = 0
    skip = 0
    while i < len(out):
        tok = out[i]
        if tok.startswith("<"):
            name, closing = _name(tok)
            if name in _SKIP_GLUE:
                skip += -1 if closing else (0 if tok.endswith("/>") else 1)
        if skip == 0 and tok.startswith("<span") and 'class="cite"' in tok and i > 0:
            # the matching </span>
            depth, j = 0, i
            while j < len(out):
                if out[j].startswith("<span"):
                    depth += 1
                elif out[j].startswith("</span"):
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            before = out[i - 1]
            if j >= len(out) or before.startswith("<") or not before or before[-1].isspace() \
                    or before[-1] in _OPENING:
                i += 1
                continue
            chars = _chars(before)
            after = out[j + 1] if j + 1 < len(out) else ""
            tail = ""
            if after and not after.startswith("<") and after[0] in _CLOSING:
                tail = after[0]
                out[j + 1] = after[1:]
            out[i - 1] = "".join(chars[:-1])
            # merged into the tokens at hand, not inserted: inserting moved every
            # token after it, once per citation (quadratic); the joined HTML is the same
            out[i] = NOBR_OPEN + chars[-1] + out[i]
            out[j] = out[j] + tail + NOBR_CLOSE
            i = j + 1
            continue
        i += 1
    return out


def _keep_block_ends(tokens: list[str], ends: re.Pattern = _BLOCK_END) -> list[str]:
    out = list(tokens)
    skip = 0
    for i, tok in enumerate(tokens):
        if not tok.startswith("<"):
            continue
        name, closing = _name(tok)
        if name in _SKIP and not tok.endswith("/>"):
            skip += -1 if closing else 1
            continue
        if skip or not ends.match(tok):
            continue
        _wrap_tail(out, i)
    return out


def _wrap_tail(out: list[str], end: int) -> None:
    """Wrap the last KEEP counted characters before ``out[end]`` (a closing
    block tag) in a nobr span, if they are plain inline content. Text inside
    a citation or cross-reference does not count: it travels with what
    precedes it."""
    count, depth = 0, 0
    inside = _Annotated(out, end)
    for j in range(end - 1, -1, -1):
        tok = out[j]
        if tok.startswith("<"):
            name, closing = _name(tok)
            if name not in _INLINE:
                return  # a block boundary before enough characters: leave it
            depth += 1 if closing else -1
            if depth < 0:
                return
            if depth == 0 and count >= KEEP:
                out[j] = NOBR_OPEN + out[j]
                out[end] = NOBR_CLOSE + out[end]
                return
        elif tok and not inside(j):
            chars = _chars(tok)
            for k in range(len(chars) - 1, -1, -1):
                if len(chars[k]) == 1 and _COUNTED.match(chars[k]):
                    count += 1
                if count >= KEEP and depth == 0:
                    k = _latin_start(chars, k)
                    out[j] = "".join(chars[:k]) + NOBR_OPEN + "".join(chars[k:])
                    out[end] = NOBR_CLOSE + out[end]
                    return
                if count >= KEEP and _element_text(out, j, end) > SHORT:
                    # the end of a long link or emphasis: keep its tail together, inside it
                    k = _latin_start(chars, k)
                    out[j] = "".join(chars[:k]) + NOBR_OPEN + "".join(chars[k:]) + NOBR_CLOSE
                    return


def _element_text(out: list[str], j: int, end: int) -> int:
    """Visible length of the outermost inline element around ``out[j]``
    that ends before ``out[end]``."""
    depth, start = 0, j
    for i in range(end - 1, -1, -1):
        tok = out[i]
        if tok.startswith("<"):
            depth += -1 if not tok.startswith("</") else 1
            if depth == 0 and i < j:
                start = i
                break
    return sum(len(_chars(t)) for t in out[start:end] if t and not t.startswith("<"))


def _latin_start(chars: list[str], k: int) -> int:
    """Move a split point inside a Latin word (GPT-2) back to the word's start."""
    while k > 0 and re.match(r"[A-Za-z0-9.\-]", chars[k - 1]) and re.match(r"[A-Za-z0-9.\-]", chars[k]):
        k -= 1
    return k


def _inside_annotation(tokens: list[str], j: int) -> bool:
    """Is the text token ``tokens[j]`` inside a citation or a trailing
    cross-reference (→ 影响判断2)? Those travel with the text before them."""
    return _Annotated(tokens, j + 1)(j)


def _is_annotation(tag: str) -> bool:
    return any(f'class="{c}"' in tag for c in ANNOTATIONS)


class _Annotated:
    """``_Annotated(tokens, end)(j)``: is the text token ``tokens[j]`` (j <
    end) inside an annotation -- an inline element opened since the last
    tag that is not inline (comments aside) and not closed before ``j``?

    Answered from one forward pass over that run of inline tokens, made at
    the first question: asking each text token of a block anew walked back
    to the block's start every time (20,000 list items: 115 s). The tokens
    must not change while it is used (``_wrap_tail`` changes them only as
    it returns)."""

    def __init__(self, tokens: list[str], end: int):
        self.tokens, self.end = tokens, end
        self.start = -1  # the run's first token; -1: not yet made
        self.flags: list[bool] = []

    def _make(self) -> None:
        tokens, start = self.tokens, self.end
        while start > 0:  # back to the last tag that is not inline
            t = tokens[start - 1]
            if t.startswith("<") and not t.startswith("<!--") and _name(t)[0] not in _INLINE:
                break
            start -= 1
        open_: list[bool] = []  # the unclosed inline elements: is each an annotation?
        annotations = 0
        flags = []
        for t in tokens[start:self.end]:
            flags.append(annotations > 0)  # the answer for a text token here
            if not t.startswith("<") or t.startswith("<!--"):
                continue
            if _name(t)[1]:  # a closing tag closes the nearest open element, whatever its name
                if open_:
                    annotations -= open_.pop()
            else:
                open_.append(_is_annotation(t))
                annotations += open_[-1]
        self.start, self.flags = start, flags

    def __call__(self, j: int) -> bool:
        if self.start < 0:
            self._make()
        return self.flags[j - self.start] if j >= self.start else False


# --------------------------------------------------------------------------
# the PDF's copy: kept-together runs joined by characters, not elements

WORD_JOINER = "\u2060"  # UAX 14 class WJ: no line break on either side; HarfBuzz draws nothing for it
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
# properties under which a joiner would show: spacing applies to it as to any
# character, and a bookmark's title is the heading's text, joiners and all
_SPACED = re.compile(r"(?:letter-spacing|word-spacing|bookmark-level|bookmark-label)\s*:\s*([^;}]*)", re.I)
_UNSPACED = {"", "0", "normal", "none", "initial", "unset", "inherit"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}  # bookmarked by WeasyPrint's own stylesheet
_WHITE_SPACE = re.compile(r"white-space\s*:\s*([^;}]*)", re.I)
_COMPOUND_NAMES = re.compile(r"([.#]?)(-?[A-Za-z_][\w-]*)")
_STYLE_ATTR = re.compile(r"""\bstyle\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_ID_ATTR = re.compile(r"""\bid\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\bstylesheet\b", re.I)
_LATIN = re.compile(r"[A-Za-z0-9]")
_SPACE = re.compile(r"\s+")


def joined(html: str) -> str:
    """The HTML the PDF is made from, with each kept-together run (a
    ``<span class="nobr">``, see :func:`keep_together`) turned into its
    characters joined by U+2060 WORD JOINER (a space too: UAX 14 allows
    no break on either side of a joiner): the same line-breaking rule
    without an element. WeasyPrint lays out every inline element as a box
    of its own, and the nobr spans are the most numerous (a thousand in a
    40-page briefing): without them the PDF renders ~15% faster and is ~5%
    smaller, with the same text (HarfBuzz draws and extracts nothing for
    the joiner). The browser's HTML keeps the spans (a joiner there would
    travel into copied text).

    A joiner is not always invisible: letter- and word-spacing apply to it
    as to any character, and a PDF bookmark's title is its heading's text,
    joiners included. So a run inside a heading, or inside an element the
    edition's CSS spaces out or bookmarks (by a class, id or type its
    selectors name, or a ``style`` attribute), keeps its span; a stylesheet
    this HTML only links to cannot be read, so then every span is kept.
    Linear in the HTML's length."""
    if NOBR_OPEN not in html or _STYLESHEET_LINK.search(html):
        return html
    spaced = _spaced_names(html)
    if spaced is None:
        return html
    out: list[str] = []
    # open elements: (name, spaced out -- each entry holds its ancestors' flag --, a nobr run being joined)
    stack: list[tuple[str, bool, bool]] = []
    runs = 0  # nobr runs open and being joined
    prev = ""  # the run's last character so far
    for tok in _TOKEN.split(html):
        if not tok:
            continue
        if tok.startswith("<!--"):
            out.append(tok)
            continue
        if tok.startswith("<"):
            name, closing = _name(tok)
            if closing:
                while stack:  # lenient, as a browser: close up to the matching element
                    top, _, joining = stack.pop()
                    if top == name:
                        break
                if name == "span" and joining:
                    runs -= 1
                    continue
            elif tok == NOBR_OPEN and not (stack and stack[-1][1]):
                stack.append(("span", False, True))
                if runs == 0:
                    prev = ""
                runs += 1
                continue
            elif name and name not in _VOID and not tok.endswith("/>"):
                stack.append((name, bool(stack and stack[-1][1]) or _is_spaced(tok, name, spaced), False))
            out.append(tok)
            continue
        if not runs:
            out.append(tok)
            continue
        text: list[str] = []
        for ch in _chars(_SPACE.sub(" ", tok)):
            if prev and not (_LATIN.match(prev) and _LATIN.match(ch)):
                text.append(WORD_JOINER)
            text.append(ch)
            prev = ch
        out.append("".join(text))
    return "".join(out)


def _spaced_names(html: str) -> set[str] | None:
    """Classes (.x), ids (#x) and element names of the headings and of the
    elements the HTML's own CSS gives letter- or word-spacing or a bookmark
    (from each selector's last compound); None if such a rule applies to
    any element (``*``, ``:lang()`` alone ...), or if a rule gives the
    nobr runs themselves another ``white-space`` (a template that turns
    keeping together off)."""
    names: set[str] = set(_HEADINGS)
    for sheet in _STYLE.findall(html):
        for selectors, body in _CSS_RULE.findall(_CSS_COMMENT.sub("", sheet)):
            if ".nobr" in selectors and any(v.strip().lower() != "nowrap" for v in _WHITE_SPACE.findall(body)):
                return None  # the edition's CSS changes what a kept-together run is: the spans stay
            if not any(v.strip().lower() not in _UNSPACED for v in _SPACED.findall(body)):
                continue
            for selector in selectors.split(","):
                subject = re.split(r"[\s>+~]+", selector.strip())[-1]
                subject = re.sub(r"::?[\w-]+(\([^)]*\))?|\[[^\]]*\]", " ", subject)  # pseudo-classes, attributes
                found = {p + n for p, n in _COMPOUND_NAMES.findall(subject)}
                if not found:
                    return None
                classes = {n for n in found if n[0] in ".#"}
                names |= classes or found
    return names


def _is_spaced(tag: str, name: str, spaced: set[str]) -> bool:
    if name in spaced:
        return True
    style = _STYLE_ATTR.search(tag)
    if style and any(v.strip().lower() not in _UNSPACED for v in _SPACED.findall(style.group(2))):
        return True
    cls = _CLASS_ATTR.search(tag)
    if cls and any("." + c in spaced for c in cls.group(2).split()):
        return True
    ident = _ID_ATTR.search(tag)
    return bool(ident and "#" + ident.group(2).strip() in spaced)
