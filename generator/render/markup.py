"""Theme Markdown -> HTML.

Stages, in order (each a small function below):

1. split the body into "what was said" and the fenced blocks
   (``::: conflict`` inline, ``assessment`` / ``so-what`` / ``watch``);
2. swap citations ``[@id "…"]`` and number references ``[[num:ID]]`` for
   placeholders, so Markdown never sees them;
3. escape raw HTML (content cannot inject markup), join wrapped CJK lines;
   hold what would make Markdown's work more than linear (brackets that
   never pair; see "keeping Python-Markdown's work linear" below);
4. Markdown -> HTML; put the rendered citations and figures back;
5. sanitise links and images; Chinese typography on text nodes.

:func:`generator.check.markdown.check_markup` finds, before anything is rendered, what this would
print raw or refuse to read (a citation or reference left open, brackets
nested dozens deep, more sub-headings than a theme can number).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import markdown

from generator.check.markdown import RENDER_SLACK, plan_markdown
from generator.chinese.typography import typeset_html
from generator.grammar import CITATION_RE, HELD_NUMREF_RE, LANG_SPAN_RE, cite_items, split_blocks
from generator.images import _SAFE_IMG_SRC, inline_image


PH_OPEN, PH_CLOSE = "\ue000", "\ue001"
_PH_RE = re.compile(f"{PH_OPEN}(\\d+){PH_CLOSE}")
_HAN = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’「」『』"
_JOIN = re.compile(rf"(?<=[{_HAN}])\n(?=[{_HAN}])")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
# A character Markdown must read as plain text stands in for itself as one
# private-use character (Markdown may cut a malformed link's target at any
# character, never inside one): a bracket that never pairs, '&' and '<'.
LITERAL = {"[": "\ue002", "(": "\ue003", "&": "\ue004", "<": "\ue005"}
_UNLITERAL = {ord(v): html.escape(k, quote=False) for k, v in LITERAL.items()}
_HTML_SPECIAL = re.compile("[&<]")
_PH_CHARS = re.compile("[\ue000-\ue005]")  # typed by the user: held, so never read as ours


@dataclass
class RenderedBody:
    said: list = field(default_factory=list)  # list of ("html", str) | ("conflict", title, str)
    assessment: str = ""
    so_what: str = ""
    watch: str = ""


class MarkupRenderer:
    """Renders Markdown for one edition (variant)."""

    def __init__(self, cite_html: Callable[[list], str], num_html: Callable[[str, int | None], str],
                 image_root: Path | None = None, num_text: Callable[[str, int | None], str] | None = None):
        self.cite_html, self.num_html = cite_html, num_html
        self.num_text = num_text  # the figure as plain text (conflict titles: see line_html)
        self.image_root = image_root
        self._md = _queue_blocks(markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html"))
        # one line of prose (a takeaway, a question, a note): paragraphs only, so
        # '# ', '> ', '- ' or '1. ' at its start is the text as typed (#MeToo,
        # > 50%, 1. ...), never a heading, quote or list inside a sentence
        self._md_inline = _queue_blocks(markdown.Markdown(extensions=[], output_format="html"))
        for name in [p for p in self._md_inline.parser.blockprocessors._data if p not in ("empty", "paragraph")]:
            self._md_inline.parser.blockprocessors.deregister(name)

    def render(self, text: str, inline: bool = False) -> str:
        """Markdown (a body's block, a back-matter page; ``inline``: one line
        of prose, inline markup only) as sanitised, typeset HTML."""
        held: list[str] = []

        def hold(fragment: str) -> str:
            held.append(fragment)
            return f"{PH_OPEN}{len(held) - 1}{PH_CLOSE}"

        def cite(m: re.Match) -> str:
            return hold(self.cite_html(cite_items(m.group(1)) or []))

        def num(m: re.Match) -> str:
            nid, _, idx = m.group(1).partition("/")
            return hold(self.num_html(nid, int(idx) if idx.isdecimal() else None))  # not '²': int() fails

        def lang_span(m: re.Match) -> str:
            return hold(f'<span lang="{m.group(2)}">{html.escape(m.group(1))}</span>')

        def autolink(m: re.Match) -> str:  # <https://…>: escaping below would show it as text
            url = m.group(1)
            return hold(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')

        def restore(fragment: str) -> str:
            fragment = fragment.translate(_UNLITERAL)
            return _PH_RE.sub(lambda m: held[int(m.group(1))] if int(m.group(1)) < len(held) else m.group(), fragment)

        text = _guarded(text, hold)  # first, on the text as given (see plan_markdown)
        text = LANG_SPAN_RE.sub(lang_span, text)
        text = _AUTOLINK.sub(autolink, text)
        text = CITATION_RE.sub(cite, text)
        text = HELD_NUMREF_RE.sub(num, text)
        # raw HTML in content is shown as text, never run: '&' and '<' are held
        # (LITERAL) and come back escaped, so Markdown neither escapes them twice
        # in code nor rebuilds a paragraph for each; '>' stays, for Markdown's
        # blockquotes (any other '>' it prints escaped)
        text = _HTML_SPECIAL.sub(lambda m: LITERAL[m.group()], text)
        text = _JOIN.sub("", text)
        md = self._md_inline if inline else self._md
        md.reset()
        out = restore(md.convert(text))
        return typeset_html(sanitize(out, self.image_root))

    def render_body(self, body: str, first_line: int) -> RenderedBody:
        r = RenderedBody()
        for b in split_blocks(body, first_line):
            rendered = self.render(b.markdown)
            if b.kind == "said":
                r.said.append(("html", rendered))
            elif b.kind == "conflict":
                title = line_html(b.title, self.num_text) if self.num_text else typeset_html(html.escape(b.title))
                r.said.append(("conflict", title, rendered))
            elif b.kind == "assessment":
                r.assessment = rendered
            elif b.kind == "so-what":
                r.so_what = rendered
            elif b.kind == "watch":
                r.watch = rendered
        return r

    def inline(self, text: str) -> str:
        """One line of prose (a takeaway, a summary sentence): no <p> wrapper."""
        out = self.render(text, inline=True).strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out


# A title or label (docs/content-model.md, "Inline markup in YAML fields"):
# language-tagged literals and number references only -- no Markdown, and no
# link (a title also sits inside the table of contents' link).
# (a reference never spans a bracket: NUMREF_RE's ``[^\]]*`` tried every
# unclosed ``[[num:`` to the end of the text)
_LINE_TOKEN = re.compile(LANG_SPAN_RE.pattern + r"|\[\[num:([^\[\]]*)\]\]")


def _ref(ref: str) -> tuple[str, int | None]:
    nid, _, idx = ref.partition("/")
    return nid, int(idx) if idx.isdecimal() else None  # '²'.isdigit(), but int('²') fails


def line_html(text: str, figure: Callable[[str, int | None], str]) -> str:
    """One line of title text as HTML: ``[萬億]{lang=…}`` -> ``<span lang>``,
    ``[[num:ID]]`` -> the formatted figure (``figure(id, index)``), the rest
    escaped; then Chinese typography."""
    out, pos = [], 0
    for m in _LINE_TOKEN.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        if m.group(2):
            out.append(f'<span lang="{m.group(2)}">{html.escape(m.group(1), quote=False)}</span>')
        else:
            out.append(f'<span class="num">{html.escape(figure(*_ref(m.group(3))), quote=False)}</span>')
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return typeset_html("".join(out))


def line_text(text: str, figure: Callable[[str, int | None], str]) -> str:
    """The same line as plain text (PDF bookmarks, <title>, SVG text): a
    literal's text, a reference's figure."""
    return _LINE_TOKEN.sub(lambda m: m.group(1) if m.group(2) else figure(*_ref(m.group(3))), text)


_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.I | re.S)  # Markdown links do not nest
_IMG = re.compile(r"<img\b[^>]*>", re.I)


def sanitize(fragment: str, image_root: Path | None = None) -> str:
    """Links only to http(s)/mailto/in-page anchors (any other link becomes
    its plain text); images only from plain relative paths (which the PDF
    fetcher also confines to content/) -- any other image is replaced by its
    alt text."""

    def anchor(m: re.Match) -> str:
        href = re.search(r'\bhref="([^"]*)"', m.group(1))
        url = html.unescape(href.group(1)).strip() if href else ""
        if url.lower().startswith(_SAFE_SCHEMES) and url != "#":
            return m.group(0)
        # Plain text, not an <a> without a target that still looks like a
        # link (nor href="#", which the PDF turns into a file: link to the
        # build machine's content directory).
        return m.group(2)

    def img(m: re.Match) -> str:
        src = re.search(r'\bsrc="([^"]*)"', m.group(0))
        url = html.unescape(src.group(1)) if src else ""
        inlined = inline_image(url, image_root) if image_root and _SAFE_IMG_SRC.fullmatch(url) else None
        if not _SAFE_IMG_SRC.fullmatch(url) or (image_root and inlined is None):
            alt = re.search(r'\balt="([^"]*)"', m.group(0))
            return alt.group(1) if alt else ""
        return m.group(0).replace(src.group(0), f'src="{inlined}"') if inlined else m.group(0)

    return _IMG.sub(img, _ANCHOR.sub(anchor, fragment))


# --------------------------------------------------------------------------
# keeping Python-Markdown's work linear
#
# Python-Markdown reads a link's text from every '[' to its matching ']' (to
# the end of the paragraph when there is none), a link's target from the '('
# of '](' to its ')', and a code span from every run of backticks to the next
# run as long: 50,000 '[' (or '![', or '[a](') in a paragraph took hours.
# Each inline element it finds rebuilds the paragraph's text, so a paragraph
# dense with them costs the square of its length; and it takes blocks off
# the front of a list, which costs the square of their number. So:
# - a '[' that pairs with no ']' in its paragraph, and the '(' of a '](' that
#   pairs with no ')', are held as literal characters: Markdown could never
#   make a link of them, so the edition is the same and the work linear;
# - '&' and '<' are held too, and come back escaped (raw HTML is shown as text, and
#   Markdown's entity pass has nothing to rebuild the paragraph for);
# - a paragraph longer than PARAGRAPH_MAX, or whose links and code spans
#   would still take more than BRACKET_WORK characters of reading per
#   character (brackets nested dozens deep, backtick runs of every length),
#   is held whole as plain text -- linear -- and generator.check.markdown.check_markup makes it
#   an error at its line, so it is never published;
# - the blocks are queued so that taking the first one is constant time.
# A paragraph here is a run of non-blank lines: Markdown reads no link or code
# span across a blank line, so one holds whole ones. The plan is made on the
# text as written (the check) and as converted (the renderer, with RENDER_SLACK
# more room: an edition's conversion may lengthen a paragraph a little, and
# what the check passed must render as Markdown).


def _guarded(text: str, hold: Callable[[str], str]) -> str:
    """``text`` with :func:`plan_markdown`'s holds made -- a bracket becomes
    its LITERAL, a paragraph ``hold(its escaped text)`` -- and each
    private-use character the user typed held (never read as ours)."""
    held, whole = plan_markdown(text, RENDER_SLACK)
    cuts = sorted([(p, p + 1, False) for p in held] + [(m.start(), m.end(), False) for m in _PH_CHARS.finditer(text)]
                  + [(s, e, True) for s, e, _ in whole])
    if not cuts:
        return text
    pieces, last = [], 0
    for start, end, paragraph in cuts:
        if start < last:  # inside a paragraph held whole
            continue
        pieces.append(text[last:start])
        pieces.append(hold(html.escape(text[start:end], quote=False)) if paragraph
                      else hold(text[start:end]) if _PH_CHARS.match(text, start) else LITERAL[text[start]])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


class _BlockQueue(list):
    """Python-Markdown's list of blocks, which its parser takes from the front
    (``pop(0)``, ``insert(0, …)``, ``[0]``): kept back to front, so that is
    the cheap end (a list moved every remaining block each time)."""

    def __init__(self, blocks=()):
        super().__init__(reversed(list(blocks)))

    def _at(self, i: int) -> int:
        n = list.__len__(self)
        i = i + n if i < 0 else i
        if not 0 <= i < n:
            raise IndexError("block index out of range")
        return n - 1 - i

    def __getitem__(self, i):
        if i == 0:  # the parser's every test
            return list.__getitem__(self, -1)
        if isinstance(i, slice):
            return list(self)[i]
        return list.__getitem__(self, self._at(i))

    def __setitem__(self, i, value) -> None:
        if isinstance(i, slice):
            items = list(self)
            items[i] = value
            list.__init__(self, reversed(items))
        else:
            list.__setitem__(self, self._at(i), value)

    def __iter__(self):
        return list.__reversed__(self)

    def __reversed__(self):
        return list.__iter__(self)

    def pop(self, i: int = -1):
        return list.pop(self, self._at(i))

    def insert(self, i: int, value) -> None:
        n = list.__len__(self)
        i = max(0, min(n, i + n if i < 0 else i))
        list.insert(self, n - i, value)

    def append(self, value) -> None:
        list.insert(self, 0, value)


def _queue_blocks(md: markdown.Markdown) -> markdown.Markdown:
    parser = md.parser
    parser.parseChunk = lambda parent, text: parser.parseBlocks(parent, _BlockQueue(text.split("\n\n")))
    return md


# --------------------------------------------------------------------------
# what would be printed raw, or keep the renderer busy: found before rendering
