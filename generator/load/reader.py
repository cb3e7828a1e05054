"""Typed reading of one YAML file, every problem at its ``path:line``.

In: a parsed YAML mapping (generator.yamlsrc keeps each key's line). Out:
text, ids, lists, choices and citations, or an error at the key's line with a
hint (``did you mean 'sources'?``). Every loader of generator.load reads
through a :class:`Reader`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Iterable

from generator import yamlsrc
from generator.diagnostics import Diagnostics, closest
from generator.model import Citation, Prose


ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


AS_OF_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?\Z")
LOCATOR_MAX = 40


# Problem code of a file that could not be read at all (missing, not YAML):
# the ids it defines are unknown, so references to them are not reported --
# one broken file gives one error, not one per reference into it.
UNREADABLE = "unreadable"


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
                close = closest(key, allowed)
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
            close = closest(str(v), choices)
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
