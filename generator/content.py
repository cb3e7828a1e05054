"""Load and validate ``content/``.

Every file is read, every problem collected with its ``path:line``, and only
then does loading fail, once, with all of them (:class:`BuildError`).
Unknown keys are errors: a misspelt key must never be silently ignored.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import yaml

from generator import safeio
from generator import yamlsrc
from generator.diagnostics import BuildError, Diagnostics
from generator.shipped import HOUSE_GLOSSARY, VOCABULARY
from generator.model import (
    ALTERNATIVES, CONFIDENCE, CURRENCIES, DATE_PARTS, GLOSSARY_CATEGORIES, LIKELIHOOD, NUMBER_KINDS, QUALIFIERS,
    RELIABILITY, SCALES, SOURCE_KINDS, STAGES, STATUSES, SUFFIX_QUALIFIERS, VARIANTS, YEAR_PARTS, Citation, Content,
    Glossary, Judgment, KeyNumber, Manifest, Point, Prose, Question, Signpost, Source, Summary, Term, Theme,
)

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
THEME_FILE_RE = re.compile(r"\d\d-[a-z0-9][a-z0-9-]*\.md\Z")
AS_OF_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?\Z")
LOCATOR_MAX = 40
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
# Problem code of a file that could not be read at all (missing, not YAML):
# the ids it defines are unknown, so references to them are not reported --
# one broken file gives one error, not one per reference into it.
UNREADABLE = "unreadable"
RAW_HTML_RE = re.compile(r"<\s*+/?\s*+[A-Za-z][^<>]*>")
# Markdown that looks like a tag but is not HTML: inline code and autolinks
# (<https://…>, <name@example.com>).
NOT_HTML_RE = re.compile(r"`[^`\n]*+`|<[A-Za-z][A-Za-z0-9+.-]*+:[^<>\s]*+>|<[^@<>\s]++@[^@<>\s]++>")


class Reader:
    """Typed access to one YAML mapping, reporting problems at its lines."""

    def __init__(self, diag: Diagnostics, path: Path):
        self.diag, self.path = diag, path

    def err(self, line: int, msg: str, hint: str = "") -> None:
        self.diag.error(self.path, line, msg, hint)

    def mapping(self, m: Any, line: int, what: str) -> bool:
        if not isinstance(m, yamlsrc.Map):
            self.err(line, f"{what} must be a mapping of keys to values, got {_kind(m)}")
            return False
        return True

    def keys(self, m: yamlsrc.Map, required: Iterable[str], optional: Iterable[str], what: str) -> None:
        required, optional = list(required), list(optional)
        allowed = set(required) | set(optional)
        for key in m:
            if key not in allowed:
                close = _closest(key, allowed)
                hint = f"did you mean '{close}'?" if close else "allowed: " + ", ".join(sorted(allowed))
                self.err(m.line_of(key), f"unknown key '{key}' in {what}", hint)
        for key in required:
            if key not in m:
                self.err(m.line, f"{what} is missing required key '{key}'", "see docs/content-model.md")

    def text(self, m: yamlsrc.Map, key: str, required: bool = True) -> Prose | None:
        if key not in m:
            return None
        v = m[key]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not v.strip():
            self.err(m.line_of(key), f"'{key}' must be non-empty text, got {_kind(v)}")
            return None
        return Prose(_join_lines(v.strip()), str(self.path), m.line_of(key))

    def ident(self, m: yamlsrc.Map, key: str) -> str | None:
        v = m.get(key)
        if key not in m:
            return None
        if not isinstance(v, str) or not ID_RE.match(v):
            self.err(m.line_of(key), f"'{key}' must be an ASCII id like 'first-theme' (lowercase letters, digits, '-'), got {v!r}")
            return None
        return v

    def ids(self, m: yamlsrc.Map, key: str) -> tuple[str, ...]:
        if key not in m:
            return ()
        v = m[key]
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list):
            self.err(m.line_of(key), f"'{key}' must be a list of ids, got {_kind(v)}")
            return ()
        out = []
        for item in v:
            if not isinstance(item, str) or not ID_RE.match(item):
                self.err(m.line_of(key), f"'{key}' contains {item!r}, which is not an ASCII id")
            else:
                out.append(item)
        return tuple(out)

    def enum(self, m: yamlsrc.Map, key: str, choices: Iterable[str]) -> str | None:
        if key not in m:
            return None
        v, choices = m[key], tuple(choices)
        if v not in choices:
            close = _closest(str(v), choices)
            hint = f"did you mean '{close}'?" if close else "one of: " + ", ".join(choices)
            self.err(m.line_of(key), f"'{key}' has unknown value {v!r}", hint)
            return None
        return v

    def date(self, m: yamlsrc.Map, key: str) -> dt.date | None:
        if key not in m:
            return None
        v = m[key]
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        self.err(m.line_of(key), f"'{key}' must be an ISO date like 2025-12-18, got {v!r}")
        return None

    def integer(self, m: yamlsrc.Map, key: str) -> int | None:
        if key not in m:
            return None
        v = m[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            self.err(m.line_of(key), f"'{key}' must be a whole number, got {v!r}")
            return None
        return v

    def boolean(self, m: yamlsrc.Map, key: str) -> bool:
        v = m.get(key, False)
        if not isinstance(v, bool):
            self.err(m.line_of(key), f"'{key}' must be true or false, got {v!r}")
            return False
        return v

    def citation(self, v: Any, line: int, what: str) -> Citation | None:
        if not isinstance(v, yamlsrc.Map):
            self.err(line, f"{what} must be a mapping like {{source: SOURCE-ID, locator: \"…\"}}, got {_kind(v)}")
            return None
        self.keys(v, ["source"], ["locator"], what)
        src = self.ident(v, "source")
        loc = v.get("locator", "")
        if loc is None:
            loc = ""
        if not isinstance(loc, str):
            self.err(v.line_of("locator"), f"locator must be text, got {_kind(loc)}")
            loc = ""
        if len(loc) > LOCATOR_MAX:
            self.err(v.line_of("locator"), f"locator is {len(loc)} characters; keep it to {LOCATOR_MAX} or fewer",
                     "cite a short verbatim fragment, never a passage")
        if src is None:
            return None
        return Citation(src, loc.strip(), str(self.path), v.line_of("locator") if loc else v.line)

    def citations(self, m: yamlsrc.Map, key: str) -> tuple[Citation, ...]:
        v = m.get(key)
        if key not in m:
            return ()
        if not isinstance(v, list) or not v:
            self.err(m.line_of(key), f"'{key}' must be a non-empty list of {{source, locator}}")
            return ()
        out = []
        for i, item in enumerate(v):
            c = self.citation(item, v.line_of(i), f"'{key}' entry")
            if c:
                out.append(c)
        return tuple(out)


def _kind(v: Any) -> str:
    if v is None:
        return "nothing"
    for t, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "text")):
        if isinstance(v, t):
            return name
    return type(v).__name__


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    m = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return m[0] if m else None


_HAN = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_JOIN_RE = re.compile(rf"(?<=[{_HAN}])\n\s*(?=[{_HAN}])")


def _join_lines(text: str) -> str:
    """Join wrapped lines: a newline between two CJK characters renders as a
    stray space, so it is removed; elsewhere it becomes one space."""
    text = _JOIN_RE.sub("", text)
    parts = text.split("\n")  # whitespace around each remaining line break -> one space
    if len(parts) == 1:
        return text
    middle = [p.strip() for p in parts[1:-1]]
    return " ".join([parts[0].rstrip(), *(p for p in middle if p), parts[-1].lstrip()])


# --------------------------------------------------------------------------
# per-file loaders


def _load_yaml(diag: Diagnostics, path: Path) -> Any:
    if not os.path.lexists(path):
        diag.error(path, 0, f"missing file {path.name}", "every content directory needs it; see docs/content-model.md",
                   code=UNREADABLE)
        return None
    try:
        return yamlsrc.load(path, path.parent, diag)
    except yamlsrc.YamlSyntaxError as exc:
        diag.error(exc.path, exc.line, exc.message,
                   exc.hint or "fix the YAML syntax (indentation, quotes around text with ':')", code=UNREADABLE)
        return None


def written_in_of(content_dir: Path) -> str:
    """The manifest's written_in, read without validating the rest (for the
    shells: which script `convert` reads, which edition `serve` opens first)."""
    try:
        data = yaml.safe_load(safeio.read_text(content_dir / "briefing.yaml", content_dir))
    except (OSError, safeio.Refused, yaml.YAMLError, ValueError, RecursionError):
        return "zh-Hans"  # the build reports what is wrong with the manifest
    value = data.get("written_in") if isinstance(data, dict) else None
    return value if value in VARIANTS else "zh-Hans"


def load_manifest(diag: Diagnostics, path: Path) -> Manifest | None:
    before = len(diag.errors)
    data = _load_yaml(diag, path)
    if data is None:
        if len(diag.errors) == before:  # an empty file parses as nothing, without a syntax error
            diag.error(path, 1, "briefing.yaml is empty", "it names the edition, its variants and themes; "
                       "see docs/content-model.md", code=UNREADABLE)
        return None
    r = Reader(diag, path)
    if not r.mapping(data, 1, "briefing.yaml"):
        return None
    r.keys(
        data,
        ["title", "edition", "issue_date", "cutoff", "issuing_unit", "distribution", "variants", "themes"],
        ["subtitle", "version", "author", "style", "glance", "sources_note", "source_kinds", "currency_names",
         "written_in"],
        "briefing.yaml",
    )
    cutoff = data.get("cutoff")
    if isinstance(cutoff, str):
        try:
            cutoff = dt.datetime.fromisoformat(cutoff)
        except ValueError:
            cutoff = None
    if "cutoff" in data and (not isinstance(cutoff, dt.datetime) or cutoff.tzinfo is None):
        r.err(data.line_of("cutoff"), "'cutoff' must be a date and time with a time zone, like 2025-12-22T20:00+08:00")
        cutoff = None
    if "variants" in data and not isinstance(data["variants"], list):
        r.err(data.line_of("variants"), "'variants' must be a list, e.g. [zh-Hans, zh-Hant]")
        data["variants"] = []
    for v in data.get("variants", []) or []:
        if v not in VARIANTS:
            r.err(data.line_of("variants"), f"unknown variant {v!r}", "one of: " + ", ".join(VARIANTS))
    if "variants" in data and "zh-Hans" not in (data.get("variants") or []):
        pass  # a Traditional-only build is allowed
    variants = tuple(v for v in (data.get("variants") or []) if v in VARIANTS)
    if "variants" in data and not variants:
        r.err(data.line_of("variants"), "'variants' must name at least one variant")
    version = data.get("version", "")
    title = r.text(data, "title")
    unit = r.text(data, "issuing_unit")
    m = Manifest(
        title=title or Prose(""),
        subtitle=r.text(data, "subtitle") or Prose(""),
        edition=r.integer(data, "edition") or 0,
        version=str(version) if version is not None else "",
        issue_date=r.date(data, "issue_date") or dt.date(1970, 1, 1),
        cutoff=cutoff or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc),
        issuing_unit=unit or Prose(""),
        distribution=r.text(data, "distribution") or Prose(""),
        author=r.text(data, "author") or unit or Prose(""),
        variants=variants,
        themes=r.ids(data, "themes"),
        path=str(path),
        sources_note=r.text(data, "sources_note"),
        source_kinds=_source_kinds(r, data),
        currency_names=_currency_names(r, data),
        written_in=r.enum(data, "written_in", VARIANTS) or "zh-Hans",
    )
    object.__setattr__(m, "_data", data)
    return m


def _source_kinds(r: Reader, data: yamlsrc.Map) -> dict[str, Prose]:
    """``source_kinds``: the briefing's own kinds of source, id -> label."""
    kinds = data.get("source_kinds")
    if kinds is None:
        return {}
    if not isinstance(kinds, yamlsrc.Map):
        r.err(data.line_of("source_kinds"), "'source_kinds' must map kind ids to labels",
              "e.g. source_kinds: {press-release: 新闻稿}")
        return {}
    out = {}
    for kid in kinds:
        label = r.text(kinds, kid)
        if not isinstance(kid, str) or not ID_RE.match(kid):
            r.err(kinds.line_of(kid), f"source kind {kid!r} must be an ASCII id like 'press-release'")
        elif label is not None:
            out[kid] = label
    return out


def _currency_names(r: Reader, data: yamlsrc.Map) -> dict[str, dict[str, str]]:
    """``currency_names``: code -> name for every edition (Simplified, converted),
    or edition -> {code -> name} for one edition (as written)."""
    names = data.get("currency_names")
    if names is None:
        return {}
    hint = "e.g. currency_names: {CNY: 元人民币}  or  currency_names: {zh-Hant: {CNY: 元人民幣}}"
    if not isinstance(names, yamlsrc.Map):
        r.err(data.line_of("currency_names"), "'currency_names' must map currency codes (or editions) to names", hint)
        return {}
    out: dict[str, dict[str, str]] = {}
    for key, value in names.items():
        line = names.line_of(key)
        if key in CURRENCIES:
            text = r.text(names, key)
            if text is not None:
                out.setdefault("*", {})[key] = text
        elif key in VARIANTS and isinstance(value, yamlsrc.Map):
            for code in value:
                if code not in CURRENCIES:
                    r.err(value.line_of(code), f"unknown currency {code!r} in currency_names.{key}",
                          "one of " + ", ".join(CURRENCIES))
                    continue
                text = r.text(value, code)
                if text is not None:
                    out.setdefault(key, {})[code] = str(text)
        else:
            r.err(line, f"'currency_names' has {key!r}, which is neither a currency ({', '.join(CURRENCIES)}) "
                  "nor an edition with a mapping", hint)
    return out


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


MD_IMAGE_RE = re.compile(r"!\[[^\[\]]*+\]\(\s*+<?([^)\s>]*+)")


def _check_image(diag: Diagnostics, path: Path, line: int, url: str) -> None:
    """A Markdown image must be a file inside content/ (it is embedded in
    both editions); anything else would silently become its alt text."""
    from generator.markup import IMAGE_TYPES, inline_image

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
                close = _closest(kind, BLOCK_KINDS)
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


def cite_items(inner: str) -> list[tuple[str, str]] | None:
    """'@a "x"; @b' -> [('a', 'x'), ('b', '')]; None when malformed.
    A locator may itself contain ';' (it is quoted)."""
    if not CITE_LIST_RE.match(inner):
        return None
    return [(m.group(1), m.group(2) or "") for m in CITE_ITEM_RE.finditer(inner)]


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


def _value(r: Reader, m: yamlsrc.Map, kind: str | None, alternatives: bool = False) -> object:
    if "value" not in m:
        return None
    v = m["value"]
    line = m.line_of("value")
    if kind == "date":
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str) and _partial_date(v):
            return v
        r.err(line, f"a date value must be an ISO date (YYYY-MM-DD or YYYY-MM), got {v!r}")
        return None
    if isinstance(v, list) and len(v) == 2 and all(_is_num(x) for x in v):
        if alternatives and v[0] == v[1]:
            r.err(line, f"the two alternatives {v} are the same value", "write the one value alone")
        elif not alternatives and v[0] >= v[1]:
            r.err(line, f"range {v} must go from low to high",
                  "two values that are alternatives ('10 or 100') take qualifier: alternatives")
        return (v[0], v[1])
    if _is_num(v):
        return v
    r.err(line, f"'value' must be a number or [low, high], got {v!r}",
          "write 1.4 with scale: trillion rather than '1.4万亿'")
    return None


def _is_num(v: Any) -> bool:
    """A real, finite number (YAML's .nan and .inf are not figures)."""
    import math

    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _as_of(r: Reader, m: yamlsrc.Map) -> str:
    v = m.get("as_of")
    if v is None:
        return ""
    s = v.isoformat() if isinstance(v, dt.date) else str(v)
    if not _partial_date(s):
        r.err(m.line_of("as_of"), f"'as_of' must be a real date as YYYY, YYYY-MM or YYYY-MM-DD, got {v!r}")
    return s


def _partial_date(s: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a date that exists (not 2025-02-30)."""
    if not AS_OF_RE.match(s):
        return False
    try:
        dt.date.fromisoformat((s + "-01-01")[:10] if len(s) < 10 else s)
    except ValueError:
        return False
    return True


POINT_KEYS = ["value", "as_of", "sources"]
POINT_OPTIONAL = ["scale", "qualifier", "note"]


def _point(r: Reader, m: yamlsrc.Map, kind: str | None, what: str, extra: Iterable[str] = ()) -> Point | None:
    r.keys(m, POINT_KEYS, POINT_OPTIONAL + list(extra), what)
    q = _qualifiers(r, m)
    value = _value(r, m, kind, q["alternatives"])
    _check_qualifiers(r, m, kind, value, q)
    return Point(
        value=value,
        as_of=_as_of(r, m),
        sources=r.citations(m, "sources"),
        scale=r.enum(m, "scale", SCALES) or "",
        qualifier=q["bound"],
        note=r.text(m, "note"),
        line=m.line,
        part=q["part"],
        stage=q["stage"],
        alternatives=q["alternatives"],
    )


# A point's qualifiers, by group: at most one of each (docs/content-model.md).
QUALIFIER_GROUPS = {"bound": QUALIFIERS, "part": DATE_PARTS, "stage": STAGES, "alternatives": (ALTERNATIVES,)}
_GROUP_HINTS = {
    "bound": "a figure takes one bound (about, more-than, nearly, less-than, up-to, or-more, within): "
             "keep the source's",
    "part": "a date or year means one part of its year or month: keep the source's",
    "stage": "keep the one that holds (in-talks, planned, expected, reported, estimated, unconfirmed)",
    "alternatives": "write it once",
}


def _qualifiers(r: Reader, m: yamlsrc.Map) -> dict:
    """``qualifier: about`` or ``qualifier: [about, in-talks]`` -> one name per
    group (bound, part, stage) and whether the two values are alternatives."""
    out = {"bound": "", "part": "", "stage": "", "alternatives": False}
    if "qualifier" not in m:
        return out
    raw, line = m["qualifier"], m.line_of("qualifier")
    names = raw if isinstance(raw, list) else [raw]
    if not names or not all(isinstance(x, str) for x in names):
        r.err(line, f"'qualifier' must be a name or a list of names, got {raw!r}",
              "e.g. qualifier: about, or qualifier: [about, in-talks]")
        return out
    every = [q for group in QUALIFIER_GROUPS.values() for q in group]
    for name in names:
        group = next((g for g, choices in QUALIFIER_GROUPS.items() if name in choices), None)
        if group is None:
            close = _closest(name, every)
            r.err(line, f"'qualifier' has unknown value {name!r}",
                  f"did you mean '{close}'?" if close else "one of: " + ", ".join(every))
        elif out[group]:
            first = ALTERNATIVES if group == "alternatives" else out[group]
            r.err(line, f"'qualifier' has both {first!r} and {name!r}", _GROUP_HINTS[group])
        else:
            out[group] = True if group == "alternatives" else name
    return out


def _check_qualifiers(r: Reader, m: yamlsrc.Map, kind: str | None, value: object, q: dict) -> None:
    """A qualifier that the value cannot carry is an error at its line."""
    line = m.line_of("qualifier")
    if q["alternatives"] and value is not None and not isinstance(value, tuple):
        r.err(line, "'alternatives' reads two values as 'a or b' (10或100倍), but the value is not two values",
              "write value: [a, b], or drop 'alternatives'")
    part = q["part"]
    if not part or value is None:
        return
    if kind not in ("date", "year"):
        r.err(line, f"'{part}' is a part of a year or month: only a number of kind date or year takes it",
              "for a figure use a bound (about, within …) or say it in the note")
    elif isinstance(value, tuple):
        r.err(line, f"'{part}' is a part of one year or month, but the value is two", "give one value")
    elif kind == "date":
        iso = value.isoformat() if isinstance(value, dt.date) else str(value)
        if len(iso) == 10:
            r.err(line, f"'{part}' is a part of a year or month, but {iso} is a day",
                  f"write the value as the month ({iso[:7]}) or the year ({iso[:4]})")
        elif len(iso) == 7 and part in YEAR_PARTS:
            r.err(line, f"'{part}' is a part of a year, but {iso} is a month",
                  f"write the value as the year ({iso[:4]}), or use early, mid or late of the month")


def _entries(diag: Diagnostics, path: Path, plural: str, one: str):
    """The mappings of a list-of-entries file (numbers, questions, sources),
    each with a Reader and its id (or '#N' when the id is missing/invalid)."""
    data = _load_yaml(diag, path)
    r = Reader(diag, path)
    if data is None:
        return
    if not isinstance(data, list):
        r.err(1, f"{path.name} must be a list of {plural} ('- id: …')")
        return
    for i, m in enumerate(data):
        if r.mapping(m, data.line_of(i), one):
            yield r, m, r.ident(m, "id") or f"#{i + 1}"


def load_numbers(diag: Diagnostics, path: Path) -> list[KeyNumber]:
    out = []
    common = ["id", "label", "theme", "kind", "status"]
    for r, m, nid in _entries(diag, path, "key numbers", "a key number"):
        what = f"key number '{nid}'"
        kind = r.enum(m, "kind", NUMBER_KINDS)
        status = r.enum(m, "status", STATUSES)
        optional = ["unit", "currency", "note"]
        if "series" in m:
            shape = "series"
            r.keys(m, common + ["series"], optional, what)
            items = m["series"]
        elif "versions" in m:
            shape = "versions"
            r.keys(m, common + ["versions"], optional, what)
            items = m["versions"]
            if status != "conflicting":
                r.err(m.line_of("versions"), f"{what} has versions, so its status must be 'conflicting'")
        else:
            shape = "single"
            r.keys(m, common + POINT_KEYS, optional + POINT_OPTIONAL, what)
            items = None
            if status == "conflicting":
                r.err(m.line_of("status"), f"{what} is 'conflicting' but has no 'versions:' list",
                      "record each version with its value and sources")
        points: list[Point] = []
        if items is None:
            sub = yamlsrc.Map({k: v for k, v in m.items() if k in POINT_KEYS + POINT_OPTIONAL})
            sub.line, sub.key_lines = m.line, {k: m.line_of(k) for k in sub}
            p = _point(r, sub, kind, what)
            points = [p] if p else []
        elif not isinstance(items, list) or len(items) < (2 if shape == "versions" else 1):
            r.err(m.line_of(shape), f"'{shape}' must be a list of at least {2 if shape == 'versions' else 1} entries")
        else:
            for j, item in enumerate(items):
                if r.mapping(item, items.line_of(j), f"an entry of '{shape}'"):
                    p = _point(r, item, kind, f"{what} {shape} entry")
                    if p:
                        points.append(p)
        if kind in ("date", "year") and "unit" in m:  # it was never shown: 2026 + 第一季度 read 2026年
            r.err(m.line_of("unit"), f"{what} is a {kind}, which takes no 'unit' (it would not be shown)",
                  "say which part of the year or month with a qualifier: early, mid, late, first-half, "
                  "second-half, q1 … q4")
        if kind == "money" and "currency" not in m:
            r.err(m.line, f"{what} is money but has no 'currency' (e.g. USD)")
        if "currency" in m and m["currency"] not in CURRENCIES:
            r.err(m.line_of("currency"), f"unsupported currency {m['currency']!r}", "one of " + ", ".join(CURRENCIES))
        if shape == "versions" and "note" not in m:
            r.err(m.line, f"{what} is conflicting: give a 'note' with the likely reason the versions differ")
        out.append(KeyNumber(
            id=nid, label=r.text(m, "label") or Prose(""), theme=r.ident(m, "theme") or "",
            kind=kind or "quantity", status=status or "paraphrase", points=tuple(points), shape=shape,
            unit=r.text(m, "unit"), currency=str(m.get("currency", "")), note=r.text(m, "note"), line=m.line,
            lines=dict(m.key_lines),
        ))
    return out


def load_questions(diag: Diagnostics, path: Path) -> list[Question]:
    out = []
    for r, m, qid in _entries(diag, path, "questions", "a question"):
        r.keys(m, ["id", "question", "why", "themes", "answer_by", "raised_by"], ["top"], f"question '{qid}'")
        raised = m.get("raised_by")
        cite = None
        if raised == "ours":
            cite = None
        elif raised is not None:
            cite = r.citation(raised, m.line_of("raised_by"), "'raised_by'")
        out.append(Question(
            id=qid, question=r.text(m, "question") or Prose(""), why=r.text(m, "why") or Prose(""),
            themes=r.ids(m, "themes"), answer_by=r.text(m, "answer_by") or Prose(""), raised_by=cite,
            top=r.boolean(m, "top"), line=m.line, lines=dict(m.key_lines),
        ))
    return out


def load_sources(diag: Diagnostics, path: Path) -> list[Source]:
    out = []
    for r, m, sid in _entries(diag, path, "sources", "a source"):
        r.keys(m, ["id", "file", "short", "title", "outlet", "date", "script", "kind", "reliability", "note"],
               ["url", "unquotable", "speakers"], f"source '{sid}'")
        unquotable = []
        parts = m.get("unquotable", [])
        if not isinstance(parts, list):
            r.err(m.line_of("unquotable"), "'unquotable' must be a list of {from: \"fragment\", to: \"fragment\"}")
            parts = []
        for part in parts:
            start = part.get("from") if isinstance(part, dict) else None
            end = part.get("to", "") if isinstance(part, dict) else None
            if not (isinstance(start, str) and start.strip() and isinstance(end, str)
                    and len(start) <= 200 and len(end) <= 200 and set(part) <= {"from", "to"}):
                r.err(getattr(part, "line", 0) or m.line_of("unquotable"),
                      "an unquotable part is {from: \"fragment\"} or {from: \"fragment\", to: \"fragment\"}",
                      "fragments of the lines where the part begins and where the source's own words resume")
                continue
            unquotable.append((start, end, getattr(part, "line", 0) or m.line_of("unquotable")))
        speakers = _speakers(r, m)
        url = m.get("url", "")
        if url and (not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>\\]+", url)):
            r.err(m.line_of("url"), f"'url' must be an http(s) address, got {url!r}",
                  "links to anything else (javascript:, file:, data:) are not allowed; see README 'Security'")
            m["url"] = ""
        f = m.get("file", "")
        if not isinstance(f, str) or "/" in f or "\\" in f or f.startswith("."):
            r.err(m.line_of("file"), f"'file' must be a plain file name inside the sources directory, got {f!r}")
            f = ""
        short = r.text(m, "short") or Prose("")
        if _label_width(str(short)) > SHORT_LABEL_WIDTH:
            diag.warning(path, m.line_of("short"),
                         f"source '{sid}': its short label '{short}' is wider than {SHORT_LABEL_WIDTH} characters; "
                         "it is printed in every citation, and the PDF's key-numbers table has room for "
                         f"{SHORT_LABEL_WIDTH} (a wider one runs past the table's edge)",
                         "shorten it (〔季报〕, 〔路透〕): the full name belongs in 'title' and 'outlet'")
        out.append(Source(
            id=sid, file=f, short=short, title=r.text(m, "title") or Prose(""),
            outlet=r.text(m, "outlet") or Prose(""), date=r.date(m, "date") or dt.date(1970, 1, 1),
            script=r.enum(m, "script", ("zh-Hans", "zh-Hant", "en")) or "",
            kind=r.ident(m, "kind") or "", reliability=r.enum(m, "reliability", RELIABILITY) or "",
            note=r.text(m, "note") or Prose(""), url=str(m.get("url", "")), line=m.line,
            unquotable=tuple(unquotable), speakers=speakers,
        ))
    return out


SHORT_LABEL_WIDTH = 7  # full-width characters: the key-numbers table's sources column (15% of A4 or Letter) at 7.5 pt


def _label_width(text: str) -> float:
    """Width in full-width characters (a Latin letter or digit is half one)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _speakers(r, m) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``speakers: {Label: name}`` or ``{Label: [name, ...]}``: a transcript's
    speaker label and the names the briefing calls that person by."""
    given = m.get("speakers", {})
    shape = ("'speakers' maps a transcript's speaker label to the name (or list of names) the briefing uses, "
             "e.g. {主持人: 王芳, Lee: [李明, 李先生]}")
    if not isinstance(given, dict):
        r.err(m.line_of("speakers"), shape)
        return ()
    out = []
    for label, names in given.items():
        names = [names] if isinstance(names, str) else names
        if not (isinstance(label, str) and label.strip() and isinstance(names, list) and names
                and all(isinstance(n, str) and 0 < len(n.strip()) <= 40 for n in names)):
            r.err(m.line_of("speakers"), f"speaker {label!r}: {shape}")
            continue
        out.append((label.strip(), tuple(n.strip() for n in names)))
    return tuple(out)


def load_summary(diag: Diagnostics, path: Path) -> Summary:
    data = _load_yaml(diag, path)
    r = Reader(diag, path)
    empty = Summary((), (), ())
    if data is None or not r.mapping(data, 1, "summary.yaml"):
        return empty
    r.keys(data, ["bottom_line", "judgments", "watch"], [], "summary.yaml")
    bottom = []
    bl = data.get("bottom_line") or []
    if not isinstance(bl, list) or not (3 <= len(bl) <= 5):
        r.err(data.line_of("bottom_line"), "'bottom_line' must be a list of 3 to 5 sentences")
        bl = bl if isinstance(bl, list) else []
    for j, s in enumerate(bl):
        if not isinstance(s, str) or not s.strip():
            r.err(bl.line_of(j), "a bottom-line sentence must be non-empty text")
        else:
            bottom.append(Prose(_join_lines(s.strip()), str(path), bl.line_of(j)))
    judgments = []
    js = data.get("judgments") or []
    if not isinstance(js, list) or not (3 <= len(js) <= 6):
        r.err(data.line_of("judgments"), "'judgments' must be a list of 3 to 6 key judgments")
        js = js if isinstance(js, list) else []
    for j, m in enumerate(js):
        if not r.mapping(m, js.line_of(j), "a judgment"):
            continue
        jid = r.ident(m, "id") or f"#{j + 1}"
        r.keys(m, ["id", "text", "themes"], ["likelihood", "confidence"], f"judgment '{jid}'")
        lk, cf = r.enum(m, "likelihood", LIKELIHOOD), r.enum(m, "confidence", CONFIDENCE)
        if ("likelihood" in m) == ("confidence" in m):
            r.err(m.line, f"judgment '{jid}' must carry exactly one of 'likelihood' or 'confidence', never both")
        judgments.append(Judgment(jid, r.text(m, "text") or Prose(""), lk or "", cf or "", r.ids(m, "themes"), m.line,
                                  dict(m.key_lines)))
    watch = []
    ws = data.get("watch") or []
    if not isinstance(ws, list) or not ws:
        r.err(data.line_of("watch"), "'watch' must be a non-empty list of signposts")
        ws = []
    for j, m in enumerate(ws):
        if not r.mapping(m, ws.line_of(j), "a signpost"):
            continue
        r.keys(m, ["signpost", "judgment"], [], "signpost")
        watch.append(Signpost(r.text(m, "signpost") or Prose(""), r.ident(m, "judgment") or "", m.line,
                               dict(m.key_lines)))
    return Summary(tuple(bottom), tuple(judgments), tuple(watch))


def load_glossary(diag: Diagnostics, path: Path | None, house: bool = True) -> Glossary:
    """The glossary a build uses: the house layer shipped with the package,
    then the briefing's own ``path`` on top of it (its entries win where
    both define the same Simplified form). ``path`` None: the house layer
    alone (``briefing convert`` outside a briefing); ``house=False``: the
    briefing's file alone."""
    own = _read_glossary(diag, Path(path)) if path is not None else Glossary((), "")
    if not house:
        return own
    base = house_glossary(diag)
    vocabulary = read_vocabulary()
    # an entry written out wins in any layer over a pattern's pair (the
    # vocabulary's 千克 -> 公斤 over the house pattern's 千 + 克 -> 千公克)
    written = {_layer_key(t) for layer in (own.terms, base.terms, vocabulary) for t in layer
               if not t.pattern and not t.sentence}
    own_terms = tuple(t for t in own.terms if not (t.pattern and _layer_key(t) in written))
    # (the briefing's entry also wins where it is read from Traditional: its 捷運 over the house's)
    mine = {_layer_key(t) for t in own_terms} | {k for t in own_terms for k in _read_as(t) if k[0] != "zh-Hans"}
    inherited = tuple(replace(t, show=False, house=True) for t in base.terms
                      if _layer_key(t) not in mine and not (t.pattern and _layer_key(t) in written))
    mine |= {_layer_key(t) for t in inherited if not t.sentence}  # (a sentence pattern is no entry of the word)
    vocabulary = tuple(t for t in vocabulary if _layer_key(t) not in mine)
    # a name the vocabulary reads back yields to any entry of a higher layer for its Taiwan form
    taken = {t.forms["zh-Hant"] for t in own_terms + inherited if "zh-Hant" in t.forms}
    vocabulary = tuple(replace(t, only_from=("zh-Hans",)) if "zh-Hant" in t.only_from and t.forms.get("zh-Hant") in taken
                       else t for t in vocabulary)
    return Glossary(vocabulary + inherited + own_terms, own.path or base.path)


def _layer_key(term: Term) -> str | tuple[str, str]:
    """What a higher layer's entry must share with ``term`` to replace it:
    its zh-Hans form, or, for an entry read only from Traditional (都更 ->
    城市更新, a pattern written from zh-Hant), that variant and its written
    form -- so it never hides an entry for the Simplified word (the
    vocabulary's 城市更新 -> 都市更新)."""
    if term.only_from and "zh-Hans" not in term.only_from:
        v = term.only_from[0]
        return (v, term.forms[v])
    return term.forms["zh-Hans"]


def _read_as(term: Term) -> set[tuple[str, str]]:
    """(variant, written form) for each variant text ``term`` is read from:
    the variants it holds from, or, with no ``only_from``, every form it gives."""
    return {(v, term.forms[v]) for v in (term.only_from or tuple(term.forms)) if v in term.forms}


_TERM_FIELDS = ("forms", "en", "category", "show", "note", "line", "everywhere", "only_from", "house", "pattern",
                "sentence")


def house_glossary(diag: Diagnostics) -> Glossary:
    """The house layer, parsed once per version of its file: parsing its
    3,600 YAML lines and expanding its patterns takes about 0.4 s, so the
    result is kept beside the lexicon (segment.write_cache), keyed by the
    file's bytes, this package's code (which expands the patterns: every
    cache file's key holds it) and the jieba and OpenCC versions (a pattern's
    pairs are OpenCC's conversions). A file with problems is parsed every
    time, so they are always reported."""
    from generator.chinese.segment import read_cache, write_cache

    try:
        key = HOUSE_GLOSSARY.read_bytes()
    except OSError:
        return _read_glossary(diag, HOUSE_GLOSSARY)
    rows = read_cache("house-glossary", key)
    if rows is not None:
        try:
            return Glossary(tuple(Term(**dict(zip(_TERM_FIELDS, row))) for row in rows), str(HOUSE_GLOSSARY))
        except TypeError:
            pass  # another layout: parsed again below
    before = len(diag.problems)
    glossary = _read_glossary(diag, HOUSE_GLOSSARY)
    if len(diag.problems) == before:
        write_cache("house-glossary", key, [tuple(getattr(t, k) for k in _TERM_FIELDS) for t in glossary.terms])
    return glossary


@functools.lru_cache(maxsize=1)
def read_vocabulary() -> tuple[Term, ...]:
    """The lowest glossary layer: generator/chinese/vocabulary.tsv (zh-Hans,
    zh-Hant, zh-Hant-HK, category, group; an empty form is OpenCC's). The
    house glossary and the briefing's own entries win over it. Its rules
    were chosen for the Simplified-to-Traditional direction, so it holds
    from Simplified only (``only_from``), but for a foreign name's Taiwan
    form (``NAME_GROUPS``), which is read back too; an entry without a variant's form
    is still a word there (OpenCC converts it whole, and a shorter key
    cannot split it: 哈里斯 keeps 哈里 -> 哈利 out of Harris)."""
    out = []
    for n, line in enumerate(VOCABULARY.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        hans, hant, hk, category, group = line.split("\t")
        forms = {"zh-Hans": hans}
        if hant:
            forms["zh-Hant"] = hant
        if hk:
            forms["zh-Hant-HK"] = hk
        # a foreign name's Taiwan form of three characters or more names one person, place or body:
        # it is read back too (柯林頓 -> 克林顿), unless the mainland form adds to it (施凱爾 is not
        # 基尔·斯塔默) or a glossary layer has the form (load_glossary)
        both = group in NAME_GROUPS and len(hant) >= 3 and not ("·" in hans and "·" not in hant)
        out.append(Term(forms, category=category, note=f"vocabulary: {group}", line=n, house=True,
                        only_from=("zh-Hans", "zh-Hant") if both else ("zh-Hans",)))
    return tuple(out)


# the vocabulary's groups of people's, places' and bodies' names (tools/import_vocabulary.py)
NAME_GROUPS = frozenset({"People", "政治人物", "PresidentsUS", "地名", "Nobel Prize", "Organization"})


def _read_glossary(diag: Diagnostics, path: Path) -> Glossary:
    if not path.is_file():
        return Glossary((), str(path))
    data = _load_yaml(diag, path)
    r = Reader(diag, path)
    if data is None or not r.mapping(data, 1, "glossary.yaml"):
        return Glossary((), str(path))
    r.keys(data, [], ["terms", "guards", "ambiguous", "contexts", "patterns"], "glossary.yaml")
    terms = []
    seen: dict[str, int] = {}
    for key, category in (("terms", None), ("guards", "guard"), ("ambiguous", "ambiguous")):
        items = data.get(key) or []
        if not isinstance(items, list):
            r.err(data.line_of(key), f"'{key}' must be a list")
            continue
        for j, m in enumerate(items):
            if not r.mapping(m, items.line_of(j), f"a glossary {key[:-1]}"):
                continue
            what = "glossary entry" if key == "ambiguous" else f"glossary {key[:-1]}"
            if key == "ambiguous":  # a word whose rendering depends on its sense: listed for review
                r.keys(m, ["zh-Hans", "senses"], [v for v in VARIANTS if v != "zh-Hans"] + ["en", "note"], what)
                if "senses" in m:
                    m["note"] = str(m["senses"])
            else:
                r.keys(m, ["zh-Hans"], [v for v in VARIANTS if v != "zh-Hans"] + ["en", "category", "show", "note",
                                                                                   "everywhere", "only_from"], what)
                if category is not None and "category" in m:  # it would be ignored: the section is the category
                    r.err(m.line_of("category"), "a glossary guard takes no 'category': everything under guards: is a guard",
                          "move the entry to terms: if it is a term or a name")
            forms = {}
            for v in VARIANTS:
                if v in m:
                    val = m[v]
                    if not isinstance(val, str) or not val.strip():
                        r.err(m.line_of(v), f"'{v}' must be non-empty text")
                    else:
                        forms[v] = val.strip()
            src = forms.get("zh-Hans")
            if not src:
                continue
            only = m.get("only_from", [])  # a variant or a list of them, read once
            if isinstance(only, str):
                only = (only,)
            elif isinstance(only, list) and all(isinstance(v, str) for v in only):
                only = tuple(only)
            else:
                r.err(m.line_of("only_from"), f"'only_from' must be a variant or a list of variants, got {only!r}",
                      "e.g. only_from: zh-Hant, or only_from: [zh-Hant, zh-Hant-HK]")
                only = ()
            backwards = only and "zh-Hans" not in only
            if src in seen and not backwards:  # (an entry read only from Traditional may repeat a Simplified form)
                r.err(m.line, f"glossary term '{src}' is defined twice (first on line {seen[src]})")
                continue
            if not backwards:
                seen[src] = m.line
            cat = category or r.enum(m, "category", GLOSSARY_CATEGORIES) or "term"
            for v in only:
                if v not in VARIANTS:
                    r.err(m.line_of("only_from"), f"'only_from' has unknown variant {v!r}", "one of: " + ", ".join(VARIANTS))
            terms.append(Term(forms, str(m.get("en", "") or ""), cat, r.boolean(m, "show"),
                              str(m.get("note", "") or ""), m.line, r.boolean(m, "everywhere"), only))
    # (an entry read both ways is written out for its Traditional form too: 瓦斯爐 -> 燃气灶 beats 瓦斯 + 爐)
    terms.extend(_pattern_terms(r, data, {k for t in terms for k in _read_as(t)}))
    return Glossary(tuple(terms), str(path))


def _word_list(r: Reader, value: Any, line: int, what: str) -> list[str] | None:
    if isinstance(value, list) and value and all(isinstance(w, str) and w.strip() for w in value):
        return [w.strip() for w in value]
    r.err(line, f"{what} must be a non-empty list of words, got {_kind(value)}", "e.g. [很, 太, 有点]")
    return None


def _pattern_terms(r: Reader, data: yamlsrc.Map, defined: set[tuple[str, str]]) -> list[Term]:
    """The glossary's ``patterns``: a word whose rendering depends on the word
    next to it (松 after a degree word is 鬆; 通过 before a means is 透過; the
    surname 范 before a title keeps 范), written once with a list of the
    words around it (``after``/``before``: a list, or the name of one of the
    ``contexts`` lists) and expanded into one entry per pair: 比较松 ->
    比較鬆, each context word in its plain conversion. From Simplified only;
    an entry written out for a pair wins, in this glossary or another layer
    (``load_glossary``). A pattern whose forms only choose characters (鬆 is
    松 read back) applies inside quotations too, as a guard.

    ``from: zh-Hant`` (or zh-Hant-HK) writes a pattern for text written in
    that variant: its word and its context words are in that variant's form,
    and it gives the word's mainland form (``zh-Hans``) only, one way
    (影片 stays 影片 in a sentence about a film award, 直覺 after a degree word
    is 直观)."""
    from generator.chinese.convert import DIRECTIONS, chain, opencc_converter

    contexts: dict[str, list[str]] = {}
    raw = data.get("contexts")
    if raw is not None:
        if not r.mapping(raw, data.line_of("contexts"), "'contexts'"):
            raw = {}
        for name, words in raw.items():
            found = _word_list(r, words, raw.line_of(name), f"context list '{name}'")
            if found is not None:
                contexts[name] = found
    items = data.get("patterns") or []
    if not isinstance(items, list):
        r.err(data.line_of("patterns"), "'patterns' must be a list")
        return []
    out: list[Term] = []
    pairs: dict[tuple[str, str], int] = {}  # a pair a pattern made -> its place in ``out``
    variants = [v for v in VARIANTS if v != "zh-Hans"]
    for j, m in enumerate(items):
        if not r.mapping(m, items.line_of(j), "a glossary pattern"):
            continue
        r.keys(m, ["zh-Hans"], variants + ["after", "before", "sentence", "en", "note", "from"], "glossary pattern")
        written = m.get("from", "zh-Hans")
        if written not in VARIANTS:
            r.err(m.line_of("from"), f"'from' must be a variant, got {written!r}", "e.g. from: zh-Hant")
            continue
        word = m.get(written)
        targets = variants if written == "zh-Hans" else ["zh-Hans"]
        forms = {v: m[v].strip() for v in targets if isinstance(m.get(v), str) and m[v].strip()}
        for v in variants + ["zh-Hans"]:
            if v in m and v not in forms and v != written:
                r.err(m.line_of(v), f"'{v}' must be non-empty text" if v in targets else
                      f"a pattern from {written} gives the zh-Hans form only, not '{v}'")
        if not isinstance(word, str) or not word.strip() or not forms:
            r.err(m.line, "a glossary pattern needs its word (zh-Hans) and at least one variant's form"
                  if written == "zh-Hans" else f"a glossary pattern from {written} needs its word ({written}) and "
                  "its zh-Hans form")
            continue
        word = word.strip()
        only = (written,)
        sides: dict[str, list[str]] = {}
        for side in ("after", "before"):
            if side not in m:
                continue
            value = m[side]
            if isinstance(value, str):
                if value not in contexts:
                    close = _closest(value, set(contexts))
                    r.err(m.line_of(side), f"unknown context list '{value}'",
                          f"did you mean '{close}'?" if close else "name a list under 'contexts:', or give the words")
                    continue
                sides[side] = contexts[value] if written == "zh-Hans" else \
                    [chain(DIRECTIONS[("zh-Hans", written)].characters).convert(w) for w in contexts[value]]
            else:
                found = _word_list(r, value, m.line_of(side), f"'{side}'")
                if found is not None:
                    sides[side] = found
        if "sentence" in m:
            cues = _word_list(r, m["sentence"], m.line_of("sentence"), "'sentence'") if not isinstance(m["sentence"], str) \
                else contexts.get(m["sentence"])  # (cues are looked for in Simplified characters: either script will do)
            if isinstance(m["sentence"], str) and cues is None:
                r.err(m.line_of("sentence"), f"unknown context list '{m['sentence']}'",
                      "name a list under 'contexts:', or give the words")
            if sides:
                r.err(m.line, "a glossary pattern has 'sentence' or 'after'/'before', not both",
                      "write the neighbours as a pattern of its own")
            elif cues:
                out.append(Term({**forms, written: word}, str(m.get("en", "") or ""), "term", False,
                                str(m.get("note", "") or ""), m.line, False, only, sentence=tuple(cues)))
            continue
        if not sides:
            if "after" not in m and "before" not in m:
                r.err(m.line, "a glossary pattern needs 'after' or 'before' (the words next to it that decide its "
                              "form) or 'sentence' (words anywhere in its sentence)")
            continue
        t2s = opencc_converter("t2s")
        choice = all(len(f) == len(word) and t2s.convert(f) == t2s.convert(word) for f in forms.values())
        for left in sides.get("after", [""]):
            for right in sides.get("before", [""]):
                key = left + word + right
                if (written, key) in defined:
                    if (written, key) in pairs:  # two patterns meet (締造 before 紀錄, 紀錄 after 締造): each
                        _join_pair(out, pairs[(written, key)], written, word, left, right, forms)  # word its form
                    continue  # an entry of its own for the pair wins
                defined.add((written, key))
                pair = {written: key}
                for v, form in forms.items():
                    cc = chain(DIRECTIONS[(written, v)].words)
                    pair[v] = cc.convert(left) + form + cc.convert(right)
                pairs[(written, key)] = len(out)
                out.append(Term(pair, str(m.get("en", "") or ""), "guard" if choice else "term", False,
                                str(m.get("note", "") or ""), m.line, False, only, pattern=(left, right)))
    return out


def _join_pair(out: list[Term], i: int, written: str, word: str, left: str, right: str, forms: dict) -> None:
    """Two patterns made the same pair, each deciding its own word (締造 before
    紀錄 is 创造, 紀錄 after 締造 is 纪录): the pair takes both forms (创造纪录),
    and neither word is a neighbour left to convert on its own (``pattern``
    ("", ""): the pair is decided whole)."""
    from generator.chinese.convert import DIRECTIONS, chain

    first = out[i]
    l1, r1 = first.pattern
    key = first.forms[written]
    word1 = key[len(l1):len(key) - len(r1)]
    if not (l1 == "" and r1 == word and left == word1 and right == ""
            or r1 == "" and l1 == word and right == word1 and left == ""):
        return  # not two adjacent words of the pair: the first pattern's form stands
    joined = dict(first.forms)
    for v, form in forms.items():
        if v not in first.forms or v == written:
            continue
        cc = chain(DIRECTIONS[(written, v)].words)
        a, b = cc.convert(l1), cc.convert(r1)
        own1 = first.forms[v][len(a):len(first.forms[v]) - len(b)]
        joined[v] = own1 + form if l1 == "" else form + own1
    out[i] = replace(first, forms=joined, pattern=("", ""))


# --------------------------------------------------------------------------
# the whole content directory


def load_content(root: Path, diag: Diagnostics | None = None) -> Content:
    """Load ``root`` (a content directory). Raises :class:`BuildError` with every problem."""
    root = Path(root)
    diag = diag if diag is not None else Diagnostics(root=root.parent)
    if not root.is_dir():
        diag.error(root, 0, "content directory not found", "pass --content DIR pointing at your content/")
        raise BuildError(diag)
    manifest = load_manifest(diag, root / "briefing.yaml")
    theme_dir = root / "themes"
    themes: list[Theme] = []
    unreadable: set[str] = set()  # kinds whose ids are unknown because a file could not be read
    if not theme_dir.is_dir():
        diag.error(theme_dir, 0, "missing themes/ directory", "one Markdown file per theme, e.g. themes/01-first-theme.md")
    else:
        for p in sorted(theme_dir.iterdir()):
            if p.name.startswith(".") or p.is_dir():
                continue
            if not THEME_FILE_RE.match(p.name):
                diag.error(p, 0, "theme files are named NN-slug.md (e.g. 01-first-theme.md)")
                unreadable.add("themes")
                continue
            t = load_theme(diag, p)
            if t:
                themes.append(t)
            else:
                unreadable.add("themes")
    numbers = load_numbers(diag, root / "numbers.yaml")
    questions = load_questions(diag, root / "questions.yaml")
    sources = load_sources(diag, root / "sources.yaml")
    summary = load_summary(diag, root / "summary.yaml")
    glossary = load_glossary(diag, root / "glossary.yaml")
    back = load_back_matter(diag, root)
    failed = {p.location.path for p in diag.problems if p.code == UNREADABLE}
    for kind in ("numbers", "questions", "sources", "summary"):
        if diag._loc(root / f"{kind}.yaml", 0).path in failed:
            unreadable.add(kind)
    if manifest is None:
        raise BuildError(diag)
    content = Content(str(root), manifest, summary, tuple(themes), tuple(numbers), tuple(questions),
                      tuple(sources), glossary, back)
    check_references(content, diag, frozenset(unreadable))
    _check_source_kinds(content, diag)
    if manifest.written_in != "zh-Hans":
        _check_glossary_direction(content, diag)
    # order themes as the manifest says
    by_id = {t.id: t for t in themes}
    content.themes = tuple(by_id[t] for t in manifest.themes if t in by_id)
    # nothing in the content folder may be a link out of it, a device or a FIFO
    # (serve watches it; an edition embeds its images), even files no loader reads
    for exc in safeio.walk(root)[1]:
        diag.error(exc.path, exc.line, exc.reason, exc.hint, code="refused")
    if diag.errors:
        raise BuildError(diag)
    return content


BACK_MATTER = ("methodology", "disclaimer", "corrections")


def load_back_matter(diag: Diagnostics, root: Path) -> dict[str, Prose]:
    """The optional Markdown pages at the end of every edition, by name."""
    out = {}
    for name in BACK_MATTER:
        p = root / f"{name}.md"
        if not os.path.lexists(p):
            continue
        try:
            text = safeio.read_text(p, root)
        except safeio.Refused as exc:
            diag.error(p, exc.line, exc.reason, exc.hint, code="refused")
            continue
        text = safeio.strip_invisible(text.replace("\r\n", "\n"), p, diag)
        out[name] = Prose(text, str(p), 1)
    return out


def _check_glossary_direction(c: Content, diag: Diagnostics) -> None:
    """Written in Traditional, the glossary is read from its Traditional forms:
    two of the briefing's own entries that give one written form different
    targets are an error at the second (the house layer's are left to OpenCC)."""
    from generator.chinese.convert import Converter

    path = c.glossary.path or str(Path(c.root) / "glossary.yaml")
    for variant in VARIANTS:
        if variant == c.manifest.written_in:
            continue
        conv = Converter(variant, c.glossary, c.manifest.written_in)
        for key, entries in conv.conflicts.items():
            own = [t for t in entries if t is not None and not t.house]
            if len(own) >= 2:
                first, second = own[0], own[1]
                diag.error(path, second.line,
                           f"glossary entries on lines {first.line} and {second.line} both turn the written form "
                           f"'{key}' into {variant}, as '{first.forms.get(variant)}' and '{second.forms.get(variant)}'",
                           "keep one, or mark the other only_from: [zh-Hans]")


def _check_source_kinds(c: Content, diag: Diagnostics) -> None:
    """A source's ``kind`` is one of the shipped kinds or one the manifest declares."""
    known = (*SOURCE_KINDS, *c.manifest.source_kinds)
    for src in c.sources:
        if src.kind and src.kind not in known:
            close = _closest(src.kind, known)
            diag.error(Path(c.root) / "sources.yaml", src.line, f"source '{src.id}' has unknown kind '{src.kind}'",
                       (f"did you mean '{close}'? " if close else "")
                       + f"declare it in briefing.yaml: source_kinds: {{{src.kind}: 标签}}; shipped kinds: "
                       + ", ".join(SOURCE_KINDS))


class _Pool:
    """The ids of one kind. When the file defining them could not be read,
    every id counts as present: the read error is the one to fix first."""

    def __init__(self, ids, unknown: bool):
        self.ids, self.unknown = ids, unknown

    def __contains__(self, ident: object) -> bool:
        return self.unknown or ident in self.ids

    def __iter__(self):
        return iter(self.ids)

    def __getitem__(self, ident: str):
        return self.ids[ident]

    def get(self, ident: str, default=None):
        return self.ids.get(ident, default) if isinstance(self.ids, dict) else default


def _dupes(diag: Diagnostics, items: Iterable[tuple[str, str, int]], what: str) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for ident, path, line in items:
        if ident in seen:
            diag.error(path, line, f"duplicate {what} id '{ident}' (also at {diag._loc(*seen[ident])})",
                       "ids must be unique")
        else:
            seen[ident] = (path, line)


# written before a reference, in either script (a briefing may be written in Traditional), or with 有 (约有)
QUALIFIER_WORDS = ("约", "近", "超过", "不到", "最多", "大约", "将近", "約", "超過", "大約", "將近",
                   "约有", "約有", "多达", "多達")
SUFFIX_WORDS = {"within": ("内", "內", "之内", "之內"), "or-more": ("以上", "或以上")}


def _doubled_qualifiers(c: Content, numbers: dict, diag: Diagnostics) -> None:
    """'约[[num:x]]' where x already renders as '约…' reads 约约1.4万亿."""
    texts: list[tuple[str, str, int]] = [(t.body, t.path, t.body_line) for t in c.themes]
    texts += [(str(s), s.path, s.line) for s in c.summary.bottom_line]
    texts += [(str(q.question), q.question.path, q.question.line) for q in c.questions]
    texts += [(str(q.why), q.why.path, q.why.line) for q in c.questions]
    texts += [(str(j.text), j.text.path, j.text.line) for j in c.summary.judgments]
    for text, path, line in texts:
        for m in numrefs(text):
            nid, _, idx = m.group(1).partition("/")
            n = numbers.get(nid)
            if n is None or not n.points:  # unknown ids: reported by check_inline_fields / the body check
                continue
            point = n.points[int(idx) - 1] if idx.isdecimal() and 0 < int(idx) <= len(n.points) else n.headline
            before = text[max(0, m.start() - 2):m.start()]
            after = text[m.end():m.end() + 3]
            if point.qualifier in SUFFIX_QUALIFIERS:  # 2年内, 100万以上: the word follows the figure
                word = next((w for w in SUFFIX_WORDS[point.qualifier] if after.startswith(w)), "")
                if word:
                    diag.warning(path, line + text.count("\n", 0, m.start()),
                                 f"'[[num:{m.group(1)}]]{word}' doubles the qualifier the number already carries",
                                 "drop the word after the reference")
            elif point.qualifier and (word := next((w for w in sorted(QUALIFIER_WORDS, key=len, reverse=True)
                                                    if before.endswith(w)), "")):
                diag.warning(path, line + text.count("\n", 0, m.start()),
                             f"'{word}[[num:{m.group(1)}]]' doubles the qualifier the number already carries",
                             "drop the word before the reference")


# --------------------------------------------------------------------------
# inline markup in YAML text fields (docs/content-model.md, "Inline markup in YAML fields")

CITE, NUM, LANG, MARKDOWN = "citation", "number reference", "language-tagged literal", "Markdown"
PROSE = frozenset({CITE, NUM, LANG, MARKDOWN})  # sentences: rendered like a line of a theme body
HEADING = frozenset({NUM, LANG})  # titles and labels: a figure or a literal, set as plain text
NAME = frozenset({LANG})  # names and markings: at most a literal in another script
BARE = frozenset()  # text used inside other text (a unit, a citation label): nothing
# Markdown a title or label would print raw: emphasis, inline code, links
_LINE_MARKDOWN_RE = re.compile(r"\*\*[^*\s][^*\n]*?\*\*|\*[^*\s][^*\n]*?\*|`[^`\n]+`|\[[^\[\]\n]*+\]\([^)\[\n]*+\)")
_LEFTOVER_RE = re.compile(r"\[\[num:|\{lang=|\[@")


@dataclass(frozen=True)
class Field:
    """One YAML text field that reaches an edition."""

    text: Prose
    accepts: frozenset
    what: str  # "a theme title", "a key number's note" …
    number: str = ""  # the key number the field describes (its label and notes)
    themes: tuple = ()  # the themes the text is about (none: the whole briefing)


def text_fields(c: Content, charts: Iterable = ()) -> Iterator[Field]:
    """Every YAML text field of the content that an edition prints, with what
    inline markup it accepts (theme bodies are Markdown and checked apart)."""
    m = c.manifest
    for key, accepts in (("title", HEADING), ("subtitle", HEADING), ("issuing_unit", NAME),
                         ("distribution", NAME), ("author", NAME)):
        value = getattr(m, key)
        if value and value.path:  # author defaults to issuing_unit: the same Prose, checked once
            if key != "author" or value is not m.issuing_unit:
                yield Field(value, accepts, f"the manifest's '{key}'")
    if getattr(m, "sources_note", None):
        yield Field(m.sources_note, PROSE, "the manifest's 'sources_note'")
    for label in (getattr(m, "source_kinds", None) or {}).values():
        yield Field(label, NAME, "a source kind's label")
    for t in c.themes:
        yield Field(t.title, HEADING, "a theme title", themes=(t.id,))
        yield Field(t.takeaway, PROSE, "a takeaway", themes=(t.id,))
    for s in c.summary.bottom_line:
        yield Field(s, PROSE, "the bottom line")
    for j in c.summary.judgments:
        yield Field(j.text, PROSE, "a judgment", themes=j.themes)
    for w in c.summary.watch:
        yield Field(w.signpost, PROSE, "a signpost")
    for n in c.numbers:
        scope = (n.theme,) if n.theme else ()
        yield Field(n.label, HEADING, "a key number's label", n.id, scope)
        if n.unit:
            yield Field(n.unit, BARE, "a unit", n.id, scope)
        if n.note:
            yield Field(n.note, PROSE, "a key number's note", n.id, scope)
        for p in n.points:
            if p.note:
                yield Field(p.note, PROSE, "a key number's note", n.id, scope)
    for q in c.questions:
        for key in ("question", "why", "answer_by"):
            yield Field(getattr(q, key), PROSE, f"a question's '{key}'", themes=q.themes)
    for s in c.sources:
        yield Field(s.short, BARE, "a source's 'short' label")
        yield Field(s.title, NAME, "a source's title")
        yield Field(s.outlet, NAME, "a source's outlet")
        yield Field(s.note, PROSE, "a source's note")
    for spec in charts:
        yield from chart_fields(spec)


def chart_fields(spec) -> Iterator[Field]:
    """The text fields of one chart of content/charts.yaml (generator/charts.py)."""
    yield Field(spec.title, HEADING, "a chart title")
    for label in spec.labels:
        yield Field(label, HEADING, "a chart label")
    if spec.note:
        yield Field(spec.note, PROSE, "a chart note")


def _accepted(accepts: frozenset) -> str:
    kinds = [k for k in (NUM, LANG) if k in accepts]
    if not kinds:
        return "it is plain text"
    return "it takes only " + " and ".join(f"{k}s" for k in kinds) + " (see docs/content-model.md)"


def check_inline(diag: Diagnostics, f: Field, numbers, sources) -> None:
    """Inline markup in one YAML field: only what the field accepts, and every
    citation and number reference resolves. ``numbers``/``sources`` are pools
    of ids (a :class:`_Pool` or a dict/set)."""
    text, path, line = str(f.text), f.text.path, f.text.line
    if not path:
        return

    def hint(word: str, pool) -> str:
        close = _closest(word, pool)
        return f"did you mean '{close}'?" if close else ""

    spans: list[tuple[int, int]] = []  # markup read here; what is left must hold none (one pass, not a replace each)
    for m in CITATION_RE.finditer(text):
        spans.append(m.span())
        if CITE not in f.accepts:
            diag.error(path, line, f"a citation is not allowed in {f.what}: '{m.group(0)}'",
                       "cite in the takeaway, the body or the number's sources; " + _accepted(f.accepts))
            continue
        for cit in parse_citations(m.group(0), path, line, diag):
            if cit.source not in sources:
                diag.error(path, line, f"citation names unknown source '{cit.source}'", hint(cit.source, sources))
    for m in numrefs(text):
        spans.append((m.start(), m.end()))
        ref = m.group(1)
        if NUM not in f.accepts:
            diag.error(path, line, f"a number reference is not allowed in {f.what}: '{m.group(0)}'", _accepted(f.accepts))
            continue
        nid, _, idx = ref.partition("/")
        if nid not in numbers:
            diag.error(path, line, f"[[num:{ref}]] refers to unknown key number '{nid}'", hint(nid, numbers))
        elif getattr(numbers, "unknown", False):
            pass
        elif idx and (not idx.isdecimal() or not 1 <= int(idx) <= len(numbers[nid].points)):
            diag.error(path, line, f"[[num:{ref}]]: '{nid}' has {len(numbers[nid].points)} point(s)")
    for m in LANG_SPAN_RE.finditer(text):
        spans.append(m.span())
        if LANG not in f.accepts:
            diag.error(path, line, f"a language-tagged literal is not allowed in {f.what}: '{m.group(0)}'",
                       _accepted(f.accepts))
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            pieces += [text[at:start], " "]
            at = end
    rest = "".join(pieces) + text[at:]
    if MARKDOWN not in f.accepts:
        md = _LINE_MARKDOWN_RE.search(rest)
        if md:
            diag.error(path, line, f"Markdown is not rendered in {f.what}: '{md.group(0)}'",
                       "titles, labels and names are set as plain text; " + _accepted(f.accepts))
    left = _LEFTOVER_RE.search(rest)
    if left:
        examples = {"[[num:": "[[num:ID]] or [[num:ID/2]]", "{lang=": "[萬億]{lang=zh-Hant-HK}",
                    "[@": '[@source "fragment"]'}
        diag.error(path, line, f"malformed markup '{rest[left.start():left.start() + 24].strip()}' in {f.what}",
                   f"write {examples[left.group(0)]}; as it stands it would be printed raw")


def check_inline_fields(c: Content, diag: Diagnostics, numbers, sources, charts: Iterable = ()) -> None:
    for f in text_fields(c, charts):
        check_inline(diag, f, numbers, sources)


def check_references(c: Content, diag: Diagnostics, unreadable: frozenset = frozenset()) -> None:
    """Cross-file rules: ids unique, every reference resolves. References to
    the ids of an ``unreadable`` kind ("themes", "numbers", …) are not judged."""
    root = Path(c.root)
    npath, qpath, spath = str(root / "numbers.yaml"), str(root / "questions.yaml"), str(root / "sources.yaml")
    mpath, sumpath = c.manifest.path, str(root / "summary.yaml")
    _dupes(diag, ((t.id, t.path, 2) for t in c.themes), "theme")
    _dupes(diag, ((n.id, npath, n.line) for n in c.numbers), "key number")
    _dupes(diag, ((q.id, qpath, q.line) for q in c.questions), "question")
    _dupes(diag, ((s.id, spath, s.line) for s in c.sources), "source")
    _dupes(diag, ((j.id, sumpath, j.line) for j in c.summary.judgments), "judgment")
    themes = _Pool({t.id for t in c.themes}, "themes" in unreadable)
    numbers = _Pool({n.id: n for n in c.numbers}, "numbers" in unreadable)
    questions = _Pool({q.id for q in c.questions}, "questions" in unreadable)
    sources = _Pool({s.id for s in c.sources}, "sources" in unreadable)
    mdata = getattr(c.manifest, "_data", {})
    mline = mdata.line_of("themes") if hasattr(mdata, "line_of") else 0

    def hint(word: str, pool: Iterable[str]) -> str:
        close = _closest(word, pool)
        return f"did you mean '{close}'?" if close else ""

    for nid in (mdata.get("glance") or []) if hasattr(mdata, "get") else []:
        if nid not in numbers:
            diag.error(mpath, mdata.line_of("glance"), f"'glance' lists unknown key number '{nid}'", hint(nid, numbers))
    if not numbers.unknown:
        _doubled_qualifiers(c, numbers, diag)
    check_inline_fields(c, diag, numbers, sources)  # every YAML text field: its markup, its references
    if not numbers.unknown:
        from generator.duplicates import check_duplicate_numbers

        check_duplicate_numbers(c, diag)  # a key number typed by hand instead of [[num:ID]]
    from generator.duplicates import check_ids_in_text, check_name_forms

    check_ids_in_text(c, diag)  # "见 weekly-users-dec": an id typed where readers read
    check_name_forms(c, diag)  # 梅克尔 in a text whose glossary writes 默克尔: one person, two names
    for tid in c.manifest.themes:
        if tid not in themes:
            diag.error(mpath, mline, f"manifest lists theme '{tid}' but no theme file has that id", hint(tid, themes))
    if len(set(c.manifest.themes)) != len(c.manifest.themes):
        diag.error(mpath, mline, "manifest lists a theme twice")
    for t in c.themes:
        if t.id not in c.manifest.themes:
            diag.error(t.path, 2, f"theme '{t.id}' is not listed in briefing.yaml 'themes'",
                       "add it to the manifest's theme order")
        for s in t.sources:
            if s not in sources:
                diag.error(t.path, t.lines.get("sources", 2), f"theme cites unknown source '{s}'",
                           hint(s, sources) or "add it to sources.yaml")
        for n in t.numbers:
            if n not in numbers:
                diag.error(t.path, t.lines.get("numbers", 2), f"theme refers to unknown key number '{n}'",
                           hint(n, numbers))
        for q in t.questions:
            if q not in questions:
                diag.error(t.path, t.lines.get("questions", 2), f"theme refers to unknown question '{q}'",
                           hint(q, questions))
        cited = set()
        for cit in parse_citations(t.body, t.path, t.body_line, diag):
            cited.add(cit.source)
            if cit.source not in sources:
                diag.error(t.path, cit.line, f"citation names unknown source '{cit.source}'", hint(cit.source, sources))
        for s in sorted(cited - set(t.sources)):
            if s in sources.ids:
                diag.error(t.path, t.lines.get("sources", 2), f"body cites '{s}' but front matter 'sources' does not list it")
        for s in sorted(set(t.sources) - cited):
            if s in sources.ids:
                diag.warning(t.path, t.lines.get("sources", 2), f"front matter lists source '{s}' that the body never cites")
        for m in numrefs(t.body):
            line = t.body_line + t.body.count("\n", 0, m.start())
            ref = m.group(1)
            nid, _, idx = ref.partition("/")
            if nid not in numbers:
                diag.error(t.path, line, f"[[num:{ref}]] refers to unknown key number '{nid}'", hint(nid, numbers))
            elif numbers.unknown:
                pass
            elif idx and (not idx.isdecimal() or not 1 <= int(idx) <= len(numbers[nid].points)):
                diag.error(t.path, line, f"[[num:{ref}]]: '{nid}' has {len(numbers[nid].points)} point(s)")
    for n in c.numbers:
        if n.theme and n.theme not in themes:
            diag.error(npath, n.lines.get("theme", n.line), f"key number '{n.id}' refers to unknown theme '{n.theme}'",
                       hint(n.theme, themes))
        for p in n.points:
            for cit in p.sources:
                if cit.source not in sources:
                    diag.error(npath, cit.line, f"key number '{n.id}' cites unknown source '{cit.source}'",
                               hint(cit.source, sources))
    for q in c.questions:
        for th in q.themes:
            if th not in themes:
                diag.error(qpath, q.lines.get("themes", q.line), f"question '{q.id}' refers to unknown theme '{th}'",
                           hint(th, themes))
        if q.raised_by and q.raised_by.source not in sources:
            diag.error(qpath, q.lines.get("raised_by", q.line),
                       f"question '{q.id}' raised_by unknown source '{q.raised_by.source}'",
                       hint(q.raised_by.source, sources))
    if sum(q.top for q in c.questions) > 4:
        diag.warning(qpath, 0, "more than 4 questions are marked top: page 1 shows the first 4")
    judgments = {j.id for j in c.summary.judgments}
    for j in c.summary.judgments:
        for th in j.themes:
            if th not in themes:
                diag.error(sumpath, j.lines.get("themes", j.line), f"judgment '{j.id}' refers to unknown theme '{th}'",
                           hint(th, themes))
    for w in c.summary.watch:
        if w.judgment not in judgments and "summary" not in unreadable:
            diag.error(sumpath, w.lines.get("judgment", w.line), f"signpost refers to unknown judgment '{w.judgment}'", hint(w.judgment, judgments))
