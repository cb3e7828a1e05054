"""``briefing.yaml``, the manifest: title, variants, the script written in,
the theme order, source kinds and currency names.

In: the file. Out: a :class:`generator.model.Manifest`, or errors at their lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from generator import safeio, yamlsrc
from generator.diagnostics import Diagnostics
from generator.load.reader import ID_RE, UNREADABLE, Reader, _load_yaml
from generator.model import CURRENCIES, VARIANTS, Manifest, Prose


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
