"""Theme Markdown -> HTML.

Stages, in order (each a small function below):

1. split the body into "what was said" and the fenced blocks
   (``::: conflict`` inline, ``assessment`` / ``so-what`` / ``watch``);
2. swap citations ``[@id "…"]`` and number references ``[[num:ID]]`` for
   placeholders, so Markdown never sees them;
3. escape raw HTML (content cannot inject markup), join wrapped CJK lines;
4. Markdown -> HTML; put the rendered citations and figures back;
5. sanitise links and images; Chinese typography on text nodes.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import markdown

from generator.chinese.typography import typeset_html
from generator.content import BLOCK_OPEN_RE, CITATION_RE, LANG_SPAN_RE, NUMREF_RE, cite_items

PH_OPEN, PH_CLOSE = "\ue000", "\ue001"
_PH_RE = re.compile(f"{PH_OPEN}(\\d+){PH_CLOSE}")
_HAN = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’「」『』"
_JOIN = re.compile(rf"(?<=[{_HAN}])\n(?=[{_HAN}])")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


@dataclass
class Block:
    kind: str  # said | conflict | assessment | so-what | watch
    title: str
    markdown: str
    line: int


@dataclass
class RenderedBody:
    said: list = field(default_factory=list)  # list of ("html", str) | ("conflict", title, str)
    assessment: str = ""
    so_what: str = ""
    watch: str = ""


def split_blocks(body: str, first_line: int) -> list[Block]:
    blocks: list[Block] = []
    cur = Block("said", "", "", first_line)
    lines = body.split("\n")
    in_code = False
    for i, line in enumerate(lines):
        n = first_line + i
        if line.startswith("```"):
            in_code = not in_code
        stripped = line.strip()
        if not in_code and stripped.startswith(":::"):
            if cur.markdown.strip() or cur.kind != "said":
                blocks.append(cur)
            if stripped == ":::":
                cur = Block("said", "", "", n + 1)
            else:
                m = BLOCK_OPEN_RE.match(stripped)
                cur = Block(m.group(1) if m else "said", (m.group(2) if m else "").strip(), "", n + 1)
            continue
        cur.markdown += line + "\n"
    if cur.markdown.strip():
        blocks.append(cur)
    return blocks


class MarkupRenderer:
    """Renders Markdown for one edition (variant)."""

    def __init__(self, cite_html: Callable[[list], str], num_html: Callable[[str, int | None], str],
                 image_root: Path | None = None, num_text: Callable[[str, int | None], str] | None = None):
        self.cite_html, self.num_html = cite_html, num_html
        self.num_text = num_text  # the figure as plain text (conflict titles: see line_html)
        self.image_root = image_root
        self._md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")

    def render(self, text: str) -> str:
        held: list[str] = []

        def hold(fragment: str) -> str:
            held.append(fragment)
            return f"{PH_OPEN}{len(held) - 1}{PH_CLOSE}"

        def cite(m: re.Match) -> str:
            return hold(self.cite_html(cite_items(m.group(1)) or []))

        def num(m: re.Match) -> str:
            nid, _, idx = m.group(1).partition("/")
            return hold(self.num_html(nid, int(idx) if idx.isdigit() else None))

        def lang_span(m: re.Match) -> str:
            return hold(f'<span lang="{m.group(2)}">{html.escape(m.group(1))}</span>')

        def autolink(m: re.Match) -> str:  # <https://…>: escaping below would show it as text
            url = m.group(1)
            return hold(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')

        text = LANG_SPAN_RE.sub(lang_span, text)
        text = _AUTOLINK.sub(autolink, text)
        text = CITATION_RE.sub(cite, text)
        text = NUMREF_RE.sub(num, text)
        text = html.escape(text, quote=False)  # raw HTML in content is shown as text, never run
        text = _JOIN.sub("", text)
        self._md.reset()
        out = self._md.convert(text)
        out = _PH_RE.sub(lambda m: held[int(m.group(1))], out)
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
        out = self.render(text).strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out


# A title or label (docs/content-model.md, "Inline markup in YAML fields"):
# language-tagged literals and number references only -- no Markdown, and no
# link (a title also sits inside the table of contents' link).
_LINE_TOKEN = re.compile(f"{LANG_SPAN_RE.pattern}|{NUMREF_RE.pattern}")


def _ref(ref: str) -> tuple[str, int | None]:
    nid, _, idx = ref.partition("/")
    return nid, int(idx) if idx.isdigit() else None


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


# An image path content may use: relative, plain segments of letters, digits,
# '_', '-', '.', none starting with '.' -- so no scheme, no '//' or '\\' host,
# no '..', no %-escapes or control characters a browser would reinterpret.
_SAFE_IMG_SRC = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}
IMAGE_MAX = 2 * 1024 * 1024


def inline_image(url: str, root: Path) -> str | None:
    """A content image as a data: URI, so the HTML edition stays one
    self-contained file and the PDF reads the same bytes. Only regular files
    inside ``root`` (resolved: no symlink or '..' escape) of a known image
    type and a sane size; anything else is None."""
    base = root.resolve()
    path = (base / url).resolve()
    if base not in path.parents or not path.is_file() or path.suffix.lower() not in IMAGE_TYPES:
        return None
    data = path.read_bytes()
    if len(data) > IMAGE_MAX:
        return None
    return f"data:{IMAGE_TYPES[path.suffix.lower()]};base64,{base64.b64encode(data).decode('ascii')}"


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
