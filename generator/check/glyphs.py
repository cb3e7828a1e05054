"""Every character a PDF shows must be drawable by the fonts its edition uses.

Pango draws a character no font has as an empty box (.notdef) and says
nothing; a rare CJK Extension-B character or an emoji would silently print
as a box. Before rendering, the text of each edition is checked against the
character maps of the font files fontconfig resolves (their charsets from
fontconfig's cache; read with fontTools if fontconfig gives none) for the
families in the edition's CSS (``fc-match``), and every character
none of them covers is reported at the content or template line it came
from.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable

from generator import safeio
from generator.diagnostics import Diagnostics


GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji")
_FAMILY_DECL = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)
_CONTENT_DECL = re.compile(r"\bcontent\s*:\s*([^;}]+)", re.I)
_CSS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'')
_TEXT_SUFFIXES = (".md", ".yaml", ".yml", ".j2", ".html", ".css", ".txt")


def font_families(css: str) -> list[str]:
    """Family names in the CSS's font-family declarations, in order of first use."""
    seen: dict[str, None] = {}
    for decl in _FAMILY_DECL.findall(css):
        for name in decl.split(","):
            name = name.strip().strip("\"'").strip()
            if name and name.lower() not in ("inherit", "initial", "unset", "revert") and "{" not in name:
                seen.setdefault(name, None)
    return list(seen)


@lru_cache(maxsize=None)
def _match(family: str) -> tuple[str, int, tuple[tuple[int, int], ...]] | None:
    """fontconfig's best match for ``family``: (file, face index, code point
    ranges of its charset). The charset is the face's cmap as fontconfig
    cached it when the font was installed (and what Pango's fallback goes
    by), so no font file is parsed here; empty if fontconfig does not say."""
    out = _PREFETCHED.get(family)
    if out is None:
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{charset}", family],
                                 capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    path, _, rest = out.partition("\n")
    index, _, charset = rest.partition("\n")
    ranges = []
    try:
        for r in charset.split():
            lo, _, hi = r.partition("-")
            ranges.append((int(lo, 16), int(hi or lo, 16)))
    except ValueError:
        ranges = []
    return (path, int(index or 0), tuple(ranges)) if path else None


def font_file(family: str) -> tuple[str, int] | None:
    """(file, face index) fontconfig uses for ``family`` (its best match)."""
    found = _match(family)
    return (found[0], found[1]) if found else None


@lru_cache(maxsize=None)
def cmap(path: str, index: int) -> frozenset[int]:
    """Code points the font face maps to a glyph."""
    from fontTools.ttLib import TTFont  # (here: 27 ms to import, only for a build or check that reads fonts)

    kw = {"fontNumber": index} if path.lower().endswith((".ttc", ".otc")) else {}
    with TTFont(path, lazy=True, **kw) as font:
        return frozenset(font.getBestCmap() or ())


class Coverage:
    """A set of code points kept as merged, sorted ranges (a CJK face maps
    some 45,000 of them; a set of ints per face would cost megabytes)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        self._lo = [lo for lo, _ in merged]
        self._hi = [hi for _, hi in merged]

    def __contains__(self, cp: object) -> bool:
        i = bisect_right(self._lo, cp) - 1  # type: ignore[arg-type]
        return i >= 0 and cp <= self._hi[i]  # type: ignore[operator]

    def __len__(self) -> int:
        return sum(hi - lo + 1 for lo, hi in zip(self._lo, self._hi))


def _ranges(points: Iterable[int]) -> list[tuple[int, int]]:
    return [(p, p) for p in points]


def _prefetch(families: list[str]) -> None:
    """Ask fontconfig about every family not asked yet, all at once (a dozen
    fc-match processes one after another would cost a noticeable moment)."""
    todo = [f for f in dict.fromkeys(families) if f not in _PREFETCHED]
    if len(todo) < 2:
        return
    running = []
    for family in todo:
        try:
            running.append((family, subprocess.Popen(["fc-match", "-f", "%{file}\n%{index}\n%{charset}", family],
                                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)))
        except OSError:
            break  # no fc-match: _match says so, family by family
    for family, proc in running:
        try:
            out = proc.communicate(timeout=30)[0]
        except subprocess.SubprocessError:
            proc.kill()
            continue
        _PREFETCHED[family] = out


_PREFETCHED: dict[str, str] = {}


def drawable(families: Iterable[str]) -> tuple[Coverage, list[str]]:
    """Code points covered by the faces fontconfig resolves for ``families``,
    and the names of those faces' files (for messages)."""
    families = list(families)
    _prefetch(families)
    covered: list[tuple[int, int]] = []
    files: list[str] = []
    for family in families:
        found = _match(family)
        if found is None:
            continue
        path, index, ranges = found
        if not ranges:  # fontconfig gave no charset: read the cmap ourselves
            try:
                ranges = tuple(_ranges(cmap(path, index)))
            except Exception:  # an unreadable font covers nothing; the check then says so
                continue
        covered.extend(ranges)
        name = Path(path).name
        if name not in files:
            files.append(name)
    return Coverage(covered), files


def needs_glyph(ch: str) -> bool:
    """Whether a character is drawn at all: controls, format characters
    (zero-width joiners, marks), variation selectors and whitespace are not
    looked up in a font's character map."""
    if ch.isspace():
        return False
    cp = ord(ch)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return False
    return unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn")


class _Text(HTMLParser):
    """The text a document shows: text nodes outside <style>/<script>/<head>
    metadata, plus the strings CSS ``content:`` puts on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "title"):
            self._skip += 1
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag in ("script", "title") and self._skip:
            self._skip -= 1
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css.append(data)
        elif not self._skip:
            self.parts.append(data)


def edition_text(html: str) -> tuple[str, str]:
    """(text shown, CSS) of an HTML edition."""
    p = _Text()
    p.feed(html)
    p.close()
    css = "\n".join(p._css)
    shown = ["".join(p.parts)]
    for decl in _CONTENT_DECL.findall(css):
        shown.extend(a or b for a, b in _CSS_STRING.findall(decl))
    return "".join(shown), css


def uncovered(html: str) -> tuple[list[str], list[str]]:
    """Characters of the edition no font of its CSS can draw (in order of
    first appearance), and the font files considered."""
    text, css = edition_text(html)
    covered, files = drawable(font_families(css))
    distinct = dict.fromkeys(text)  # each character once, in order of first appearance
    return [ch for ch in distinct if needs_glyph(ch) and ord(ch) not in covered], files


def _lines(files: Iterable[Path]) -> Iterable[tuple[Path, int, str]]:
    for f, text in safeio.texts(files, tuple(_TEXT_SUFFIXES)):
        for n, line in enumerate(text.splitlines(), 1):
            yield f, n, line


def check_glyphs(variant: str, html: str, search: list[Path], convert: Callable[[str], str],
                 diag: Diagnostics, fallback: str | Path) -> int:
    """Report every character of the edition its fonts cannot draw, at the
    content/template line it comes from (each line is converted for the
    edition first, as the build does), else at ``fallback``. Returns how
    many distinct characters were missing."""
    missing, files = uncovered(html)
    if not missing:
        return 0
    fonts = ", ".join(files) or "none found"
    hint = "use a common character or describe it in words; it would print as an empty box"
    todo = set(missing)
    located: set[str] = set()
    for path, n, line in _lines(search):
        hits = todo.intersection(line)
        if not hits and not line.isascii():
            hits = todo.intersection(convert(line))
        for ch in sorted(hits):
            diag.error(path, n, f"character U+{ord(ch):04X} '{ch}' cannot be drawn by the fonts of the "
                       f"{variant} edition ({fonts})", hint, code="glyph")
            located.add(ch)
    for ch in missing:
        if ch not in located:
            diag.error(fallback, 0, f"character U+{ord(ch):04X} '{ch}' in the {variant} edition cannot be drawn "
                       f"by its fonts ({fonts})", hint, code="glyph")
    return len(missing)
