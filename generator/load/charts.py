"""``content/charts.yaml``: which key numbers to chart, and how.

In: the file and the loaded key numbers. Out: :class:`ChartSpec` values,
checked against the numbers (every id exists and is a figure, one chart has
one unit) with every problem at its line. Drawing them is
generator.render.charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import yamlsrc
from generator.diagnostics import Diagnostics, closest
from generator.load.duplicates import check_duplicate_numbers
from generator.load.fields import chart_fields, check_inline
from generator.load.reader import Reader
from generator.model import KeyNumber, Prose


CHART_FILE = "charts.yaml"
KINDS = ("columns", "bars")
NUMERIC = ("quantity", "money", "percent", "multiple", "score")


@dataclass(frozen=True)
class ChartSpec:
    id: str
    kind: str
    title: Prose
    numbers: tuple[str, ...]
    labels: tuple[Prose, ...] = ()
    note: Prose | None = None
    path: str = ""
    line: int = 0


def load_specs(content_root: Path | str, diag: Diagnostics | None = None) -> list[ChartSpec]:
    """The charts declared in ``content/charts.yaml`` (none if the file is
    absent). Problems go to ``diag`` as ``path:line`` errors."""

    path = Path(content_root) / CHART_FILE
    diag = diag if diag is not None else Diagnostics()
    if not path.is_file():
        return []
    try:
        data = yamlsrc.load(path, Path(content_root), diag)
    except yamlsrc.YamlSyntaxError as exc:
        diag.error(exc.path, exc.line, exc.message, exc.hint or "fix the YAML syntax")
        return []
    if data is None:
        return []
    r = Reader(diag, path)
    if not isinstance(data, list):
        r.err(1, "charts.yaml must be a list of charts", "see docs/content-model.md, 'content/charts.yaml'")
        return []
    specs: list[ChartSpec] = []
    for i, item in enumerate(data):
        line = data.line_of(i)
        if not r.mapping(item, line, "a chart"):
            continue
        r.keys(item, ["id", "kind", "title", "numbers"], ["labels", "note"], "a chart")
        cid, kind, title = r.ident(item, "id"), r.enum(item, "kind", KINDS), r.text(item, "title")
        numbers = r.ids(item, "numbers")
        if "numbers" in item and not numbers:
            r.err(item.line_of("numbers"), "a chart needs at least one number", "list ids from numbers.yaml")
        labels = []
        if "labels" in item:
            raw = item["labels"]
            if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
                r.err(item.line_of("labels"), "'labels' must be a list of short texts, one per number")
            elif len(raw) != len(numbers):
                r.err(item.line_of("labels"), f"'labels' has {len(raw)} entries for {len(numbers)} numbers",
                      "give one label per number, in the same order")
            else:
                labels = [Prose(x.strip(), str(path), item.line_of("labels")) for x in raw]
        if cid and kind and title and numbers:
            specs.append(ChartSpec(cid, kind, title, numbers, tuple(labels), r.text(item, "note"),
                                   str(path), line))
    return specs


def validate(content, diag: Diagnostics) -> list[ChartSpec]:
    """Load the chart declarations and check them against the numbers: every
    id exists, every figure is numeric, one chart has one unit."""

    specs = load_specs(content.root, diag)
    numbers = {n.id: n for n in content.numbers}
    sources = {s.id for s in content.sources}
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            diag.error(spec.path, spec.line, f"duplicate chart id '{spec.id}'", "chart ids must be unique")
        seen.add(spec.id)
        found = []
        for nid in spec.numbers:
            n = numbers.get(nid)
            if n is None:
                close = closest(nid, numbers)
                diag.error(spec.path, spec.line, f"chart '{spec.id}' names unknown number '{nid}'",
                           f"did you mean '{close}'?" if close else "use an id from numbers.yaml")
            elif n.kind not in NUMERIC:
                diag.error(spec.path, spec.line, f"chart '{spec.id}': number '{nid}' is a {n.kind}, not a figure",
                           "chart only quantities, money, percentages, multiples or scores")
            else:
                found.append(n)
        for f in chart_fields(spec):  # title, labels, note: their markup and references
            check_inline(diag, f, numbers, sources)
        units = {_unit_key(n) for n in found}
        if len(units) > 1:
            diag.error(spec.path, spec.line, f"chart '{spec.id}' mixes units ({', '.join(sorted(units))})",
                       "one chart, one unit: split it into two charts")
        if spec.kind == "columns" and found and not any(n.shape == "series" for n in found):
            diag.error(spec.path, spec.line, f"chart '{spec.id}' is 'columns' but none of its numbers is a series",
                       "use kind: bars to compare single figures")
    check_duplicate_numbers(content, diag, [f for spec in specs for f in chart_fields(spec)])  # typed by hand
    return specs


def _unit_key(n: KeyNumber) -> str:
    return f"{n.kind}:{n.currency or n.unit or ''}"
