"""Conversion review: what OpenCC's regional phrase layer did to our prose.

``s2twp`` is the character mapping plus a Taiwan phrase dictionary written
for software text; in business prose it sometimes misfires (支持 -> 支援,
发布 -> 釋出). The review lists every phrase-level substitution it made in
the plain text of the shipped content (glossary hits are the editor's own
choice and are not listed), with the file and line it came from. An editor
either confirms a substitution -- it is recorded in
``content/conversion-review.yaml`` and not shown again -- or adds a glossary
guard, after which OpenCC no longer sees the word.

    briefing check --review-conversion            # list what is new
    briefing check --review-conversion --confirm  # record all of it as reviewed
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from generator import safeio, yamlsrc
from generator.chinese.convert import Converter
from generator.chinese.differences import REGION_NAMES, character_choices, phrase_changes, regional_words_left
from generator.diagnostics import BuildError, Diagnostics
from generator.load.content import load_content
from generator.model import VARIANTS, Content, Prose, Theme


RECORD_NAME = "conversion-review.yaml"
RECORD_HEADER = """\
# Conversion review: phrase-level substitutions by OpenCC's regional phrase
# layer (beyond the character mapping) that an editor read in context and
# confirmed. `briefing check --review-conversion` lists only substitutions
# not recorded here; `--confirm` records everything it lists. To reject a
# substitution, add a glossary guard (content/glossary.yaml) instead: OpenCC
# then never sees the word and it disappears from the review.
"""


@dataclass(frozen=True)
class Substitution:
    variant: str
    source: str  # zh-Hans phrase
    characters: str  # character mapping alone
    phrase: str  # what the phrase layer made of it
    path: str
    line: int
    context: str  # the zh-Hans text around it

    @property
    def key(self) -> tuple[str, str, str]:
        return self.variant, self.source, self.phrase

    senses: str = ""  # a sense-dependent glossary word (``ambiguous:``): its senses
    choice: str = ""  # a one-to-many character given another form than its default: "表→錶"
    region: str = ""  # a regional word left in a Simplified edition generated from Traditional: whose

    def __str__(self) -> str:
        if self.region:
            return (f"{self.path}:{self.line}: {self.variant}: {self.region} word {self.phrase} left in the Simplified "
                    f"edition (the mainland usually writes {self.characters}; a glossary entry changes it, "
                    f"--confirm keeps it) …{self.context}…")
        if self.choice:
            return (f"{self.path}:{self.line}: {self.variant}: {self.source} → {self.phrase} "
                    f"(one-to-many character {self.choice}; its default form gives {self.characters}) "
                    f"…{self.context}…")
        if self.senses:
            return (f"{self.path}:{self.line}: {self.variant}: {self.source} → {self.phrase} "
                    f"(depends on the sense: {self.senses}; if it means another, add a longer glossary "
                    f"entry that fixes the sense) …{self.context}…")
        return (f"{self.path}:{self.line}: {self.variant}: {self.source} → {self.phrase} "
                f"(characters alone: {self.characters}) …{self.context}…")


@dataclass
class Review:
    new: list[Substitution] = field(default_factory=list)
    confirmed: list[Substitution] = field(default_factory=list)
    record: Path | None = None
    recorded: int = 0  # entries in the record file
    unused: list[tuple[str, str, str]] = field(default_factory=list)  # recorded, no longer occurring


def review_variants() -> list[str]:
    """The variants a record may hold (every generated edition)."""
    return list(VARIANTS)


def prose_of(content: Content) -> Iterator[tuple[str, str, int]]:
    """Every piece of prose an edition renders: (zh-Hans text, path, line)."""
    seen: set[int] = set()

    def walk(value) -> Iterator[tuple[str, str, int]]:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, Prose):
            if value.path and str(value):
                yield str(value), value.path, value.line
        elif isinstance(value, Theme):
            yield value.body, value.path, value.body_line
            for f in dataclasses.fields(value):
                if f.name != "body":
                    yield from walk(getattr(value, f.name))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                if f.name != "glossary":  # glossary terms are the editor's choices already
                    yield from walk(getattr(value, f.name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from walk(v)

    yield from walk(content)  # (the back matter's pages are Prose in content.back)


def collect(content: Content, variants: list[str] | None = None) -> list[Substitution]:
    out: list[Substitution] = []
    written = content.manifest.written_in
    for variant in variants or [v for v in VARIANTS if v != written]:
        conv = Converter(variant, content.glossary, written)
        for text, path, line in prose_of(content):
            for ch in phrase_changes(conv, text):
                lo, hi = max(0, ch.offset - 8), min(len(text), ch.offset + len(ch.source) + 8)
                ctx = text[lo:hi].replace("\n", " ")
                out.append(Substitution(variant, ch.source, ch.characters, ch.phrase, path, line + ch.line, ctx))
            for ch in regional_words_left(conv, text):
                lo, hi = max(0, ch.offset - 8), min(len(text), ch.offset + len(ch.source) + 8)
                ctx = text[lo:hi].replace("\n", " ")
                out.append(Substitution(variant, ch.source, ch.characters, ch.phrase, path, line + ch.line, ctx,
                                        region=REGION_NAMES[written]))
            for ch in character_choices(conv, text):
                lo, hi = max(0, ch.offset - 8), min(len(text), ch.offset + len(ch.source) + 8)
                ctx = text[lo:hi].replace("\n", " ")
                out.append(Substitution(variant, ch.source, ch.default, ch.chosen, path, line + ch.line, ctx,
                                        choice=ch.choices))
            if conv.ambiguous:
                for seg in conv.segments(text):
                    if seg.kind == "ambiguous":
                        lo, hi = max(0, seg.start - 8), min(len(text), seg.start + len(seg.source) + 8)
                        ctx = text[lo:hi].replace("\n", " ")
                        out.append(Substitution(variant, seg.source, "", seg.result, path,
                                                line + text.count("\n", 0, seg.start), ctx,
                                                conv.ambiguous.get(seg.source, "")))
    return sorted(set(out), key=lambda s: (s.variant, s.path, s.line, s.source, s.phrase))


def load_record(path: Path, diag: Diagnostics) -> set[tuple[str, str, str]]:
    """The confirmed substitutions as (variant, zh-Hans, result)."""

    if not os.path.lexists(path):
        return set()
    try:
        data = yamlsrc.load(path, diag=diag)
    except yamlsrc.YamlSyntaxError as exc:
        diag.error(exc.path, exc.line, exc.message, exc.hint or "fix the YAML syntax")
        return set()
    if data is None:
        return set()
    out: set[tuple[str, str, str]] = set()
    if not isinstance(data, dict):
        diag.error(path, 1, "the conversion review record must map variants to lists",
                   "e.g. zh-Hant: [{zh-Hans: 软件, opencc: 軟體}]")
        return out
    for variant, items in data.items():
        if variant not in review_variants():
            diag.error(path, data.line_of(variant), f"unknown variant '{variant}'",
                       "one of: " + ", ".join(review_variants()))
            continue
        if not isinstance(items, list):
            diag.error(path, data.line_of(variant), f"'{variant}' must be a list of substitutions")
            continue
        for j, item in enumerate(items):
            line = items.line_of(j) if hasattr(items, "line_of") else 0
            if not isinstance(item, dict) or not isinstance(item.get("zh-Hans"), str) \
                    or not isinstance(item.get("opencc"), str):
                diag.error(path, line, "a confirmed substitution needs 'zh-Hans' and 'opencc' text",
                           "e.g. {zh-Hans: 软件, opencc: 軟體}")
                continue
            extra = set(item) - {"zh-Hans", "opencc", "note"}
            if extra:
                diag.error(path, line, f"unknown key(s) {', '.join(sorted(extra))}",
                           "a confirmed substitution has zh-Hans, opencc and an optional note")
            out.add((variant, item["zh-Hans"], item["opencc"]))
    return out


def review(content: Content, diag: Diagnostics, variants: list[str] | None = None) -> Review:
    path = Path(content.root) / RECORD_NAME
    recorded = load_record(path, diag)
    result = Review(record=path, recorded=len(recorded))
    found = collect(content, variants)
    for s in found:
        (result.confirmed if s.key in recorded else result.new).append(s)
    occurring = {s.key for s in found}
    result.unused = sorted(recorded - occurring)
    return result


def confirm(result: Review) -> int:
    """Add every new substitution to the record (atomically). Returns how
    many were added."""
    assert result.record is not None
    path = result.record

    existing = safeio.read_text(path, path.parent) if os.path.lexists(path) else ""  # (load_record read it first)
    data = (yaml.safe_load(existing) if existing.strip() else None) or {}
    added = 0
    for s in result.new:
        items = data.setdefault(s.variant, [])
        if not any(i.get("zh-Hans") == s.source and i.get("opencc") == s.phrase for i in items):
            items.append({"zh-Hans": s.source, "opencc": s.phrase})
            added += 1
    for items in data.values():
        items.sort(key=lambda i: (i["zh-Hans"], i["opencc"]))
    lines = [RECORD_HEADER]
    for variant in sorted(data):
        lines.append(f"{variant}:")
        for i in data[variant]:
            note = f", note: {_flow(i['note'])}" if i.get("note") else ""
            lines.append(f"  - {{zh-Hans: {_flow(i['zh-Hans'])}, opencc: {_flow(i['opencc'])}{note}}}")
    text = "\n".join(lines) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return added


def _flow(value: str) -> str:
    """A YAML flow scalar: plain when safe, double-quoted otherwise."""
    if value and all(c not in value for c in ':,[]{}#&*!|>\'"%@`') and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def review_content(content_dir: Path | str, confirm_all: bool = False,
                   variants: list[str] | None = None) -> tuple[Review, int]:
    """Load ``content_dir`` and review its conversion; with ``confirm_all``,
    record every new substitution. Raises BuildError on invalid content or
    an invalid record file. Returns the review and how many were recorded."""

    diag = Diagnostics(root=Path.cwd())
    content = load_content(Path(content_dir), diag)
    result = review(content, diag, variants)
    if diag.errors:
        raise BuildError(diag)
    added = confirm(result) if confirm_all and result.new else 0
    return result, added
