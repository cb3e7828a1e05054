"""Load and validate ``content/``.

Every file is read, every problem collected with its ``path:line``, and only
then does loading fail, once, with all of them (:class:`BuildError`).
Unknown keys are errors: a misspelt key must never be silently ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from generator import safeio
from generator.diagnostics import BuildError, Diagnostics
from generator.load.glossary import load_glossary
from generator.load.manifest import load_manifest
from generator.load.numbers import load_numbers
from generator.load.reader import UNREADABLE, Reader, _entries, _join_lines, _load_yaml
from generator.load.references import _check_glossary_direction, _check_source_kinds, check_references
from generator.load.themes import THEME_FILE_RE, load_theme
from generator.model import (
    CONFIDENCE, LIKELIHOOD, RELIABILITY, Content, Judgment, Prose, Question, Signpost, Source, Summary, Theme,
)


# --------------------------------------------------------------------------
# per-file loaders


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


# --------------------------------------------------------------------------
# inline markup in YAML text fields (docs/content-model.md, "Inline markup in YAML fields")
