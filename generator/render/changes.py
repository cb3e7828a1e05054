"""本版更新 -- what changed since the previous edition.

A build records a *snapshot* of the content in ``output/manifest.json``:
per theme a digest of what it says, per key number its structured value,
per question its text. The next edition's build compares its own content
with the snapshot of the latest earlier edition (see
:func:`generator.write.incremental.baseline_for`) and the back matter lists:

- themes added, changed or removed;
- key numbers whose value changed (old → new, each formatted for the
  edition: 1.4万亿美元 / 1.4兆美元 / 1.4萬億美元), added or removed;
- questions added, and questions resolved (no longer in questions.yaml).

Values are compared, not wording: a number whose label, note, sources or
``as_of`` changed is not reported as changed; a theme is changed when its
title, takeaway, body or references changed.

A rebuild of the same edition compares against the same earlier snapshot,
so its list -- and its bytes -- do not depend on how often it was built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.chinese.numbers import format_date
from generator.model import DATE_PARTS, STAGES, Content, KeyNumber, Point, Prose


if TYPE_CHECKING:  # pragma: no cover
    from generator.render.html import Edition

SNAPSHOT_FORMAT = 1


# --------------------------------------------------------------------------
# snapshot: the comparable part of the content, as JSON-ready data


def snapshot(content: Content) -> dict:
    """What the next edition will be compared with (plain JSON data)."""
    m = content.manifest
    return {
        "format": SNAPSHOT_FORMAT,
        "edition": m.edition,
        "issue_date": m.issue_date.isoformat(),
        "themes": [{"id": t.id, "title": str(t.title), "digest": _theme_digest(t)} for t in content.themes],
        "numbers": [_number_entry(n) for n in content.numbers],
        "questions": [{"id": q.id, "question": str(q.question)} for q in content.questions],
    }


def _theme_digest(theme) -> str:
    said = [str(theme.title), str(theme.takeaway), list(theme.sources), list(theme.numbers),
            list(theme.questions), theme.body.strip()]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode("utf-8")).hexdigest()


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _number_entry(n: KeyNumber) -> dict:
    return {
        "id": n.id,
        "label": str(n.label),
        "kind": n.kind,
        "shape": n.shape,
        "unit": str(n.unit) if n.unit else "",
        "currency": n.currency,
        "points": [_point_entry(p) for p in n.points],
    }


def _point_entry(p: Point) -> dict:
    entry = {"value": _jsonable(p.value), "scale": p.scale, "qualifier": p.qualifier, "as_of": p.as_of}
    # the other qualifiers only when set: a snapshot of a number without them reads as before
    entry.update({k: v for k, v in (("part", p.part), ("stage", p.stage), ("alternatives", p.alternatives)) if v})
    return entry


def _value_of(entry: dict) -> list:
    """The part of a number whose change is reported: what the figure says."""
    return [entry["kind"], entry["shape"], entry["unit"], entry["currency"],
            [[p["value"], p["scale"], p["qualifier"]]
             + [p[k] for k in ("part", "stage", "alternatives") if p.get(k)] for p in entry["points"]]]


# --------------------------------------------------------------------------
# comparison (variant-independent)


@dataclass
class ContentChanges:
    """What differs between a baseline snapshot and the current one."""

    since_edition: int
    since_date: str  # ISO issue date of the baseline edition
    themes_added: list[dict] = field(default_factory=list)
    themes_changed: list[dict] = field(default_factory=list)
    themes_removed: list[dict] = field(default_factory=list)
    numbers_changed: list[tuple[dict, dict]] = field(default_factory=list)  # (old, new)
    numbers_added: list[dict] = field(default_factory=list)
    numbers_removed: list[dict] = field(default_factory=list)
    questions_added: list[dict] = field(default_factory=list)
    questions_resolved: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.themes_added, self.themes_changed, self.themes_removed, self.numbers_changed,
                        self.numbers_added, self.numbers_removed, self.questions_added, self.questions_resolved))


def compare(baseline: dict | None, current: dict) -> ContentChanges | None:
    """Changes from ``baseline`` to ``current`` (snapshots); None for a first
    edition (no earlier snapshot)."""
    if not baseline:
        return None
    ch = ContentChanges(int(baseline.get("edition", 0)), str(baseline.get("issue_date", "")))
    old_t = {t["id"]: t for t in baseline.get("themes", [])}
    new_t = {t["id"]: t for t in current["themes"]}
    for t in current["themes"]:
        if t["id"] not in old_t:
            ch.themes_added.append(t)
        elif old_t[t["id"]]["digest"] != t["digest"]:
            ch.themes_changed.append(t)
    ch.themes_removed = [t for t in baseline.get("themes", []) if t["id"] not in new_t]

    old_n = {n["id"]: n for n in baseline.get("numbers", [])}
    new_n = {n["id"]: n for n in current["numbers"]}
    for n in current["numbers"]:
        if n["id"] not in old_n:
            ch.numbers_added.append(n)
        elif _value_of(old_n[n["id"]]) != _value_of(n):
            ch.numbers_changed.append((old_n[n["id"]], n))
    ch.numbers_removed = [n for n in baseline.get("numbers", []) if n["id"] not in new_n]

    old_q = {q["id"] for q in baseline.get("questions", [])}
    new_q = {q["id"] for q in current["questions"]}
    ch.questions_added = [q for q in current["questions"] if q["id"] not in old_q]
    ch.questions_resolved = [q for q in baseline.get("questions", []) if q["id"] not in new_q]
    return ch


# --------------------------------------------------------------------------
# one edition's list (converted, formatted, linked)


def changes_context(ed: "Edition", changes: ContentChanges | None) -> dict:
    """The template variables ``changes`` (list of Markup items) and
    ``changes_since`` (the lead sentence; empty for a first edition)."""
    if changes is None:
        return {"changes": [], "changes_since": ""}
    s = ed.strings
    since = {"n": changes.since_edition, "date": _date(ed, changes.since_date)}
    lead = s("changes.none" if changes.empty else "changes.since", **since)
    items: list[Markup] = []

    def item(key: str, **kw: Any) -> None:
        items.append(Markup(html.escape(s(key), quote=False)).format(**kw))

    for t in changes.themes_added:
        item("changes.theme_added", title=_link(t["id"], ed.plain(Prose(t["title"]))))
    for t in changes.themes_changed:
        item("changes.theme_changed", title=_link(t["id"], ed.plain(Prose(t["title"]))))
    for t in changes.themes_removed:
        item("changes.theme_removed", title=ed.plain(Prose(t["title"])))
    for old, new in changes.numbers_changed:
        item("changes.number_changed", label=_link("num-" + new["id"], ed.plain(Prose(new["label"]))),
             old=_figure(ed, old), new=_figure(ed, new))
    for n in changes.numbers_added:
        item("changes.number_added", label=_link("num-" + n["id"], ed.plain(Prose(n["label"]))),
             new=_figure(ed, n))
    for n in changes.numbers_removed:
        item("changes.number_removed", label=ed.plain(Prose(n["label"])), old=_figure(ed, n))
    for q in changes.questions_added:
        item("changes.question_added", question=_link("q-" + q["id"], ed.plain(Prose(q["question"]))))
    for q in changes.questions_resolved:
        item("changes.question_resolved", question=ed.plain(Prose(q["question"])))
    return {"changes": items, "changes_since": lead}


def _link(anchor: str, text: Markup) -> Markup:
    return Markup('<a href="#{}">{}</a>').format(anchor, text)


def _date(ed: "Edition", iso: str) -> str:
    return format_date(iso, ed.strings) if iso else ""


def _figure(ed: "Edition", entry: dict) -> str:
    """A snapshot number formatted as this edition formats figures."""
    n = KeyNumber(
        id=entry["id"], label=Prose(entry["label"]), theme="", kind=entry["kind"], status="",
        points=tuple(Point(_value(p["value"]), p["as_of"], (), p["scale"], p["qualifier"],
                           part=_known(p.get("part"), DATE_PARTS), stage=_known(p.get("stage"), STAGES),
                           alternatives=p.get("alternatives") is True and isinstance(p["value"], list))
                     for p in entry["points"]),
        shape=entry["shape"], unit=Prose(entry["unit"]) if entry["unit"] else None, currency=entry["currency"],
    )
    values = [ed.formatter.value(n, p) for p in n.points]
    return ed.strings("changes.series_sep").join(values) if n.shape != "single" else values[0]


def _known(v: Any, choices: tuple) -> str:
    """A snapshot's qualifier as this version knows it ('' when it does not)."""
    return v if isinstance(v, str) and v in choices else ""


def _value(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v
