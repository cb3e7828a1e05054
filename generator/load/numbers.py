"""``numbers.yaml``, the key numbers: each a value (or series of points) with
its kind, unit, date, qualifiers and sources.

In: the file. Out: :class:`generator.model.KeyNumber` values, every problem
at its line.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Iterable

from generator import yamlsrc
from generator.diagnostics import Diagnostics, closest
from generator.load.reader import AS_OF_RE, Reader, _entries
from generator.model import (
    ALTERNATIVES, CURRENCIES, DATE_PARTS, NUMBER_KINDS, QUALIFIERS, SCALES, STAGES, STATUSES, YEAR_PARTS, KeyNumber,
    Point, Prose,
)


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
            close = closest(name, every)
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
