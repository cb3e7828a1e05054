"""The project configuration: ``briefing.toml``.

Configuration says how a briefing is *presented and built* -- brand colour,
logo, page size, fonts per variant, distribution marking, which editions and
formats, what the files are called -- while ``content/`` says what it *says*.
Keeping them apart lets one content directory be built under several house
styles (examples/custom-template/ builds the shipped content that way), and
keeps the manifest a document an editor can own.

The file is TOML (stdlib ``tomllib``, the format of pyproject.toml). tomllib
forgets positions, so :func:`_key_lines` re-reads the text to find the line
of every key: each problem is reported as ``briefing.toml:LINE: message``,
all of them at once, like content. Relative paths are relative to the file.

Precedence, highest first: command-line options, briefing.toml, the content
manifest (``variants``, ``distribution``), the shipped defaults below.
"""

from __future__ import annotations

import base64
import os
import re
import string
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import safeio
from generator.diagnostics import Diagnostics, closest
from generator.model import FORMATS, MANIFEST, VARIANTS, Prose
from generator.safeio import plain_name


CONFIG_NAME = "briefing.toml"
PAGE_SIZES = ("A4", "Letter")
DEFAULT_OUTPUT_NAME = "briefing.{variant}.{format}"
DEFAULT_STYLE = {"brand": "#1f4e8c", "page_size": "A4"}
# The shipped faces (the shipped CSS names them per :lang(); these are what a
# configuration replaces, and what the PDF's running heads use).
DEFAULT_FONTS = {
    "zh-Hans": {"body": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC"},
    "zh-Hant": {"body": "Noto Serif CJK TC", "heading": "Noto Sans CJK TC"},
    "zh-Hant-HK": {"body": "Noto Serif CJK HK", "heading": "Noto Sans CJK HK"},
}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
LOGO_MAX_BYTES = 1_000_000

_SCHEMA: dict[str, Any] = {
    "paths": {"content": str, "templates": str, "out": str, "sources": str},
    "build": {"variants": list, "formats": list, "output_name": str, "distribution": str},
    "style": {"brand": str, "logo": str, "page_size": str},
    "fonts": {"body": str, "heading": str, **{v: dict for v in VARIANTS}},
}
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FAMILY = re.compile(r"^[^\"';{}<>\\\n\r]{1,100}$")


@dataclass(frozen=True)
class Config:
    """A validated configuration. Empty/None fields mean "not configured"."""

    path: Path | None = None
    content: Path | None = None
    templates: Path | None = None
    out: Path | None = None
    sources: Path | None = None  # the source texts `check --sources` verifies citations against
    variants: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    output_name: str = DEFAULT_OUTPUT_NAME
    distribution: Prose | None = None
    brand: str | None = None
    logo: Path | None = None
    page_size: str | None = None
    fonts: dict[str, dict[str, str]] = field(default_factory=dict)  # variant -> {body, heading}

    def font(self, variant: str, role: str) -> str | None:
        """The configured family for ``role`` (body|heading), or None (shipped CSS decides)."""
        return self.fonts.get(variant, {}).get(role)

    def style(self, variant: str) -> dict[str, str]:
        """The ``style`` context variable of one edition (documented in docs/templates.md)."""
        heading = self.font(variant, "heading")
        return {
            "brand": self.brand or DEFAULT_STYLE["brand"],
            "page_size": self.page_size or DEFAULT_STYLE["page_size"],
            "sans": heading or DEFAULT_FONTS[variant]["heading"],
            "body_font": self.font(variant, "body") or "",
            "heading_font": heading or "",
            "logo": logo_data_uri(self.logo) if self.logo else "",
        }


def output_name(variant: str, fmt: str, pattern: str = DEFAULT_OUTPUT_NAME) -> str:
    """File name of one output; ``pattern`` is briefing.toml's build.output_name."""
    return pattern.format(variant=variant, format=fmt)


def logo_data_uri(path: Path) -> str:
    """The logo inlined, so the HTML stays one self-contained file."""
    data = safeio.read_bytes(path, None, "image")  # (checked when the configuration was read)
    return f"data:{LOGO_TYPES[path.suffix.lower()]};base64," + base64.b64encode(data).decode("ascii")


def find_config(start: Path | str = ".") -> Path | None:
    """``briefing.toml`` in ``start`` (the current directory), if there is one."""
    p = Path(start) / CONFIG_NAME
    return p if p.is_file() else None


# --------------------------------------------------------------------------
# loading


def load_config(path: Path | str, diag: Diagnostics) -> Config:
    """Read and validate ``path``; every problem goes to ``diag`` (the
    returned Config then holds only the valid parts)."""
    path = Path(path)
    if not os.path.lexists(path):
        diag.error(path, 0, "configuration file not found", f"pass --config FILE pointing at your {CONFIG_NAME}")
        return Config()
    try:
        text = safeio.read_text(path)
    except safeio.Refused as exc:
        diag.error(path, exc.line, exc.reason, exc.hint)
        return Config()
    text = safeio.strip_invisible(text, path, diag)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        diag.error(path, int(m.group(1)) if m else 1, f"TOML syntax error: {message}",
                   "text values need quotes: brand = \"#8c1f3a\"; tables are written [style]")
        return Config()
    return _Reader(path, text, diag).config(data)


class _Reader:
    def __init__(self, path: Path, text: str, diag: Diagnostics):
        self.path, self.diag, self.lines = path, diag, _key_lines(text)
        self.base = path.parent

    def line(self, *keys: str) -> int:
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return 1

    def err(self, keys: tuple[str, ...], message: str, hint: str = "") -> None:
        self.diag.error(self.path, self.line(*keys), message, hint)

    def warn(self, keys: tuple[str, ...], message: str, hint: str = "") -> None:
        self.diag.warning(self.path, self.line(*keys), message, hint, code="config")

    def table(self, data: dict, where: tuple[str, ...], schema: dict) -> dict:
        """The keys of ``data`` that are known and of the right type."""
        out = {}
        for key, value in data.items():
            keys = (*where, key)
            name = ".".join(keys)
            if key not in schema:
                close = closest(key, schema)
                hint = f"did you mean '{'.'.join((*where, close))}'?" if close else \
                    "allowed: " + ", ".join(".".join((*where, k)) for k in schema)
                self.err(keys, f"unknown key '{name}'", hint)
                continue
            want = schema[key]
            if isinstance(want, dict):
                want = dict
            if not isinstance(value, want) or isinstance(value, bool) and want is not bool:
                what = {str: "text in quotes", list: "a list like [\"a\", \"b\"]", dict: f"a table [{name}]"}[want]
                self.err(keys, f"'{name}' must be {what}, got {_kind(value)}")
                continue
            out[key] = value
        return out

    def config(self, data: dict) -> Config:
        top = self.table(data, (), {k: dict for k in _SCHEMA})
        paths = self.table(top.get("paths", {}), ("paths",), _SCHEMA["paths"])
        build = self.table(top.get("build", {}), ("build",), _SCHEMA["build"])
        style = self.table(top.get("style", {}), ("style",), _SCHEMA["style"])
        fonts = self.table(top.get("fonts", {}), ("fonts",), _SCHEMA["fonts"])
        return Config(
            path=self.path,
            content=self.directory(paths, "content"),
            templates=self.directory(paths, "templates"),
            out=self.base / paths["out"] if paths.get("out") else None,
            sources=self.directory(paths, "sources"),
            variants=self.choices(build, "variants", VARIANTS),
            formats=self.choices(build, "formats", FORMATS),
            output_name=self.output_name(build),
            distribution=self.distribution(build),
            brand=self.brand(style),
            logo=self.logo(style),
            page_size=self.page_size(style),
            fonts=self.fonts(fonts),
        )

    def directory(self, paths: dict, key: str) -> Path | None:
        if key not in paths:
            return None
        d = self.base / paths[key]
        if not d.is_dir():
            self.err(("paths", key), f"'paths.{key}' names {paths[key]!r}, which is not a directory",
                     f"paths are relative to {self.path.name}'s directory")
            return None
        return d

    def choices(self, build: dict, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        if key not in build:
            return ()
        out: list[str] = []
        for v in build[key]:
            if v not in allowed:
                close = closest(str(v), allowed)
                hint = f"did you mean '{close}'?" if close else "one of: " + ", ".join(allowed)
                self.err(("build", key), f"'build.{key}' has unknown value {v!r}", hint)
            elif v not in out:
                out.append(v)
        if not build[key]:
            self.err(("build", key), f"'build.{key}' is empty", "leave it out to build the defaults")
        return tuple(out)

    def output_name(self, build: dict) -> str:
        pattern = build.get("output_name")
        if pattern is None:
            return DEFAULT_OUTPUT_NAME
        hint = f"e.g. \"{DEFAULT_OUTPUT_NAME}\" or \"altman-{{variant}}.{{format}}\""
        try:
            parsed = list(string.Formatter().parse(pattern))
        except ValueError as exc:
            self.err(("build", "output_name"), f"'build.output_name' is not a valid pattern ({exc})", hint)
            return DEFAULT_OUTPUT_NAME
        fields = {f for _, f, _, _ in parsed if f is not None}
        bad = fields - {"variant", "format"}
        problems = []
        if bad:
            problems.append("unknown placeholder(s) " + ", ".join("{" + b + "}" for b in sorted(bad))
                            + " (only {variant} and {format}, with no attribute or index after the name)")
        # {variant:.2}, {format!r}: every edition's file could get the same name, or the build a traceback
        dressed = ["{" + f + (f"!{c}" if c else "") + (f":{spec}" if spec else "") + "}"
                   for _, f, spec, c in parsed if f in ("variant", "format") and (spec or c)]
        if dressed:
            problems.append(f"{', '.join(dressed)}: no conversions or format specs; write {{variant}} and {{format}} "
                            "as they are")
        if not {"variant", "format"} <= fields:
            problems.append("it needs both {variant} and {format}, so every file gets its own name")
        if "/" in pattern or "\\" in pattern or pattern.startswith("."):
            problems.append("it must be a plain file name (no directories, not hidden); set paths.out for the directory")
        if not problems:
            problems += _output_name_clashes(pattern)
        if problems:
            self.err(("build", "output_name"), f"'build.output_name' = {pattern!r}: " + "; ".join(problems), hint)
            return DEFAULT_OUTPUT_NAME
        return pattern

    def distribution(self, build: dict) -> Prose | None:
        v = build.get("distribution")
        if v is None:
            return None
        if not v.strip():
            self.err(("build", "distribution"), "'build.distribution' is empty",
                     "write the marking in Simplified Chinese, e.g. \"内部资料\", or leave it out")
            return None
        return Prose(v.strip(), str(self.path), self.line("build", "distribution"))

    def brand(self, style: dict) -> str | None:
        v = style.get("brand")
        if v is None:
            return None
        if not _HEX.match(v):
            self.err(("style", "brand"), f"'style.brand' must be a hex colour like \"#8c1f3a\", got {v!r}")
            return None
        ratio = contrast_with_white(v)
        if ratio < 4.5:
            self.warn(("style", "brand"),
                      f"brand colour {v} has a contrast of {ratio:.1f}:1 against white; links, labels and "
                      "white text on it will be hard to read",
                      "choose a darker colour (WCAG asks for at least 4.5:1)")
        return v.lower()

    def page_size(self, style: dict) -> str | None:
        v = style.get("page_size")
        if v is None:
            return None
        for size in PAGE_SIZES:
            if v.lower() == size.lower():
                return size
        self.err(("style", "page_size"), f"'style.page_size' must be one of {', '.join(PAGE_SIZES)}, got {v!r}")
        return None

    def logo(self, style: dict) -> Path | None:
        v = style.get("logo")
        if v is None:
            return None
        p = self.base / v
        kinds = ", ".join(LOGO_TYPES)
        if p.suffix.lower() not in LOGO_TYPES:
            self.err(("style", "logo"), f"'style.logo' must be an image file ({kinds}), got {v!r}")
            return None
        if not os.path.lexists(p):
            self.err(("style", "logo"), f"logo file {v!r} not found",
                     f"paths are relative to {self.path.name}'s directory")
            return None
        try:
            data = safeio.read_bytes(p, self.base, "image")
        except safeio.Refused as exc:
            self.err(("style", "logo"), f"logo file {v!r} {exc.reason}", exc.hint)
            return None
        if len(data) > LOGO_MAX_BYTES:
            self.err(("style", "logo"), f"logo file {v!r} is {len(data) // 1024} KB",
                     "it is embedded in every edition: use an SVG or an image under 1 MB")
            return None
        if not _looks_like(p.suffix.lower(), data):
            self.err(("style", "logo"), f"logo file {v!r} is not a valid {p.suffix.lower()[1:].upper()} image",
                     "export the logo again as SVG or PNG")
            return None
        problem = safeio.image_problem(data, p.suffix)
        if problem:
            self.err(("style", "logo"), f"logo file {v!r} {problem}", "export the logo smaller, or as SVG")
            return None
        return p

    def fonts(self, fonts: dict) -> dict[str, dict[str, str]]:
        roles = ("body", "heading")
        common = {r: self.family(("fonts", r), fonts[r]) for r in roles if r in fonts}
        out = {}
        for v in VARIANTS:
            per = self.table(fonts.get(v, {}), ("fonts", v), {r: str for r in roles})
            chosen = dict(common)
            chosen.update({r: self.family(("fonts", v, r), per[r]) for r in per})
            chosen = {r: f for r, f in chosen.items() if f}
            if chosen:
                out[v] = chosen
        return out

    def family(self, keys: tuple[str, ...], value: str) -> str | None:
        value = value.strip()
        if not _FAMILY.match(value):
            self.err(keys, f"'{'.'.join(keys)}' must be one font family name like \"Noto Sans CJK SC\", got {value!r}",
                     "no quotes, semicolons or braces; `fc-list : family` lists the installed ones")
            return None
        return value


def _output_name_clashes(pattern: str) -> list[str]:
    """Problems of the names ``pattern`` gives every edition and format: each
    must be a plain file name (as the build writes them), and all distinct,
    also to a file system that ignores case."""

    names: dict[str, str] = {}
    for v in VARIANTS:
        for f in FORMATS:
            name = pattern.format(variant=v, format=f)
            if not plain_name(name):
                return [f"it gives {name!r}, which is not a plain file name (no control characters, at most "
                        "200 bytes)"]
            if name.casefold() == MANIFEST:
                return [f"it gives {name!r}, the build manifest's name"]
            if name.casefold() in names:
                return [f"{v} {f} and {names[name.casefold()]} would both be written to {name!r}"]
            names[name.casefold()] = f"{v} {f}"
    return []


def missing_families(config: Config, variants: list[str]) -> list[tuple[str, str, str]]:
    """(variant, role, family) for every configured family fontconfig cannot find."""
    wanted = [(v, r, f) for v in variants for r, f in config.fonts.get(v, {}).items()]
    if not wanted:
        return []
    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    families = {f.strip().lower() for line in listed.splitlines() for f in line.split(",")}
    return [(v, r, f) for v, r, f in wanted if f.lower() not in families]


def check_fonts(config: Config, variants: list[str], diag: Diagnostics) -> None:
    """Warn about configured fonts the PDF renderer will not find."""
    if config.path is None:
        return
    reader = _Reader(config.path, safeio.read_text(config.path), diag)
    for v, role, family in missing_families(config, variants):
        keys = ("fonts", v, role) if ("fonts", v, role) in reader.lines else ("fonts", role)
        reader.warn(keys, f"font family {family!r} ({v} {role}) is not installed; the PDF will use a fallback face",
                    "install it, or pick one that `fc-list : family` lists")


# --------------------------------------------------------------------------
# helpers


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of a colour against white."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (lum + 0.05)


def _looks_like(suffix: str, data: bytes) -> bool:
    if suffix == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8")
    return b"<svg" in data[:4096]


def _kind(v: Any) -> str:
    for t, name in ((bool, "true/false"), (dict, "a table"), (list, "a list"), (str, "text"),
                    (int, "a number"), (float, "a number")):
        if isinstance(v, t):
            return name
    return type(v).__name__


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", text)
    return tuple(a or b or c for a, b, c in parts)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of every table header and key in a TOML text (first occurrence).
    Good enough for configuration files: tables, dotted keys, multi-line
    strings skipped; anything it cannot place falls back to its table."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline = None
    for n, raw in enumerate(text.splitlines(), 1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        m = _HEADER.match(raw)
        if m:
            table = _split_key(m.group(1))
            lines.setdefault(table, n)
            continue
        m = _ASSIGN.match(raw)
        if m:
            key = (*table, *_split_key(m.group(1)))
            lines.setdefault(key, n)
            for i in range(len(table) + 1, len(key)):
                lines.setdefault(key[:i], n)
            rest = raw[m.end():]
            for q in ('"""', "'''"):
                if rest.count(q) % 2 == 1:
                    in_multiline = q
    return lines
