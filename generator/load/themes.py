"""The theme files ``themes/NN-slug.md``: front matter and Markdown body.

In: one file. Out: a :class:`generator.model.Theme`; its body's citations,
images and ``:::`` blocks checked at their lines.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator import safeio, yamlsrc
from generator.diagnostics import Diagnostics, closest
from generator.grammar import (
    BLOCK_KINDS, BLOCK_OPEN_RE, CITATION_RE, MD_IMAGE_RE, NOT_HTML_RE, RAW_HTML_RE, cite_items,
)
from generator.images import IMAGE_TYPES, inline_image
from generator.load.reader import LOCATOR_MAX, Reader
from generator.model import Citation, Prose, Theme


THEME_FILE_RE = re.compile(r"\d\d-[a-z0-9][a-z0-9-]*\.md\Z")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, body's first line) or None."""
    if not text.startswith("---\n") and not text.startswith("---\r\n"):
        return None
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return None


def load_theme(diag: Diagnostics, path: Path) -> Theme | None:
    try:
        text = safeio.read_text(path, path.parent.parent)
    except safeio.Refused as exc:
        diag.error(path, exc.line, exc.reason, exc.hint, code="refused")
        return None
    text = safeio.strip_invisible(text.replace("\r\n", "\n"), path, diag)
    parts = split_front_matter(text)
    if parts is None:
        diag.error(path, 1, "theme file must start with YAML front matter between '---' lines",
                   "see docs/content-model.md")
        return None
    fm_text, body, body_line = parts
    try:
        data = yamlsrc.parse(fm_text, path, first_line=2)
    except yamlsrc.YamlSyntaxError as exc:
        diag.error(exc.path, exc.line, exc.message, "fix the front matter's YAML")
        return None
    r = Reader(diag, path)
    if not r.mapping(data, 2, "front matter"):
        return None
    r.keys(data, ["id", "title", "takeaway", "sources"], ["numbers", "questions"], "theme front matter")
    tid = r.ident(data, "id")
    if tid is None:
        return None
    _check_body(diag, path, body, body_line)
    return Theme(
        id=tid,
        title=r.text(data, "title") or Prose(""),
        takeaway=r.text(data, "takeaway") or Prose(""),
        sources=r.ids(data, "sources"),
        numbers=r.ids(data, "numbers"),
        questions=r.ids(data, "questions"),
        body=body,
        path=str(path),
        body_line=body_line,
        lines=dict(data.key_lines),
    )


def _check_image(diag: Diagnostics, path: Path, line: int, url: str) -> None:
    """A Markdown image must be a file inside content/ (it is embedded in
    both editions); anything else would silently become its alt text."""

    root = path.resolve().parent.parent  # content/themes/NN-x.md -> content/
    if not url or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]", url):
        diag.error(path, line, f"image '{url}' must be a relative path to a file inside content/",
                   "remote and absolute images are not allowed (see README 'Security')")
    elif Path(url).suffix.lower() not in IMAGE_TYPES:
        diag.error(path, line, f"image '{url}' is not a PNG, JPEG, GIF, WebP or SVG file")
    elif (root / url).is_symlink() and root not in (root / url).resolve().parents:
        diag.error(path, line, f"image '{url}' is a symbolic link to a file outside content/",
                   "copy the image into content/ instead", code="resource")
    elif not os.path.lexists(root / url):
        diag.error(path, line, f"image '{url}' not found inside content/",
                   "paths are relative to content/, e.g. img/chart.png")
    elif inline_image(url, root) is None:
        try:
            why = safeio.image_problem(safeio.read_bytes(root / url, root, "image"), Path(url).suffix)
        except safeio.Refused as exc:
            why = exc.reason
        diag.error(path, line, f"image '{url}' {why or 'cannot be embedded'}",
                   "embed an image file under 2 MB and 40 million pixels (export it smaller)", code="resource")


def _check_body(diag: Diagnostics, path: Path, body: str, first: int) -> None:
    """Structure of a theme body: fenced blocks balanced and known, exactly one
    assessment/so-what/watch, no raw HTML."""
    open_kind, open_line = None, 0
    counts = {k: 0 for k in BLOCK_KINDS}
    in_code = False
    for i, line in enumerate(body.split("\n")):
        n = first + i
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        for im in MD_IMAGE_RE.finditer(line):
            _check_image(diag, path, n, im.group(1))
        stripped = line.strip()
        if stripped.startswith(":::"):
            if stripped == ":::":
                if open_kind is None:
                    diag.error(path, n, "':::' closes a block that was never opened")
                open_kind = None
                continue
            m = BLOCK_OPEN_RE.match(stripped)
            kind = m.group(1) if m else stripped
            if open_kind is not None:
                diag.error(path, n, f"block '{kind}' opened inside block '{open_kind}' (line {open_line})",
                           "close the first block with ':::' on its own line")
            if kind not in BLOCK_KINDS:
                close = closest(kind, BLOCK_KINDS)
                diag.error(path, n, f"unknown block '::: {kind}'",
                           f"did you mean '{close}'?" if close else "use one of: " + ", ".join(BLOCK_KINDS))
            else:
                counts[kind] += 1
                if kind == "conflict" and not (m and m.group(2)):
                    diag.error(path, n, "a conflict block needs a title, e.g. '::: conflict 报道不一：日期'")
            open_kind, open_line = kind, n
        if RAW_HTML_RE.search(NOT_HTML_RE.sub("", line)):
            diag.error(path, n, "raw HTML is not allowed in content", "write Markdown; see README 'Security'")
    if open_kind is not None:
        diag.error(path, open_line, f"block '{open_kind}' is never closed", "add ':::' on its own line")
    for kind in ("assessment", "so-what", "watch"):
        if counts[kind] != 1:
            diag.error(path, first, f"theme body must have exactly one '::: {kind}' block, found {counts[kind]}")


def parse_citations(text: str, path: str, line: int, diag: Diagnostics | None = None) -> list[Citation]:
    """Citations in a piece of Markdown/prose; ``line`` is the text's first line."""
    out = []
    at_line, counted = line, 0
    for m in CITATION_RE.finditer(text):
        at_line += text.count("\n", counted, m.start())
        counted = m.start()
        items = cite_items(m.group(1))
        if items is None:
            if diag is not None:
                diag.error(path, at_line, f"malformed citation '[{m.group(1)}]'",
                           'write [@source] or [@source "verbatim fragment"]; separate several with ;')
            continue
        for source, loc in items:
            if diag is not None and len(loc) > LOCATOR_MAX:
                diag.error(path, at_line, f"locator is {len(loc)} characters; keep it to {LOCATOR_MAX} or fewer")
            out.append(Citation(source, loc, path, at_line))
    return out
