"""Key numbers against their sources: a figure must stand in the text its
citations point to, in one of the forms a source may print it.

In: the key numbers and the source texts (read by generator.check.provenance).
Out: an error at the key number's line for a figure its cited source does
not give. A figure's forms: 1.4万亿, 14000亿, 1.4 trillion, 一点四万亿 …
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from generator.check.text import normalise
from generator.diagnostics import Diagnostics
from generator.model import SCALES, Content
from generator.safeio import printable


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> set[str]:
    """How a small whole number is written in Chinese numerals (两 for 2 too)."""
    if not 0 <= n < 100:
        return set()
    if n < 10:
        forms = {_DIGITS[n]}
    else:
        tens, ones = divmod(n, 10)
        forms = {("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")}
        if tens == 1:
            forms.add("一十" + (_DIGITS[ones] if ones else ""))
    if n == 2:
        forms.add("两")
    return forms


_WORD_SCALES = (1, 10**3, 10**4, 10**6, 10**8, 10**12)  # 千, 万, 百万, 亿, 万亿/兆: how a source may scale it


def _digits(q) -> str | None:
    d = Decimal(repr(q)) if isinstance(q, float) else Decimal(q)
    if d != d.quantize(Decimal("0.0001")) or d <= 0 and d != 0:
        return None
    text = format(d.normalize(), "f")
    return normalise(text)


def figure_forms(value, scale: str = "", kind: str = "", as_of: str = "") -> list[set[str]]:
    """For each figure of a value (one, or two for a range/alternatives): the
    ways a source may write it, normalised as source text is (no '.' or ','):
    its digits in any of the usual scale words (5亿 = 500 million), a small
    whole number in Chinese numerals, a year as 今年/明年/去年 of its as_of."""

    values = value if isinstance(value, tuple) else (value,)
    out = []
    for v in values:
        if isinstance(v, bool) or isinstance(v, (dt.date, str)) or v is None:
            return []
        plain = Decimal(repr(v)) * SCALES.get(scale, 1) if isinstance(v, float) else Decimal(v) * SCALES.get(scale, 1)
        forms = {f for f in (_digits(plain / w) for w in _WORD_SCALES if plain / w >= 1 or w == 1) if f}
        forms.add(normalise(f"{v:f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)))
        if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
            forms |= _chinese(int(v))
            year = as_of[:4]
            if kind == "year" and year.isdecimal():
                forms |= {w for w, d in (("去年", -1), ("今年", 0), ("明年", 1)) if int(v) == int(year) + d}
        out.append(forms)
    return out


def verify_figures(content: Content, texts: dict[str, str], sources: dict, diag: Diagnostics) -> int:
    """Every figure of a key number (kinds other than date) stands in a
    source its point cites: in the paragraph of a cited fragment or next to
    it (anywhere in the source for a citation without a fragment), written in
    digits or, for a small whole number, in Chinese numerals (三倍, 两年). A
    citation that names a source which does not give the figure -- a digest
    cited for a number only the long-form article has -- is an error at the
    point's line. Returns how many figures were checked."""
    checked = 0
    for n in content.numbers:
        if n.kind == "date":
            continue
        for i, p in enumerate(n.points, 1):
            cites = [c for c in p.sources if c.source in texts]
            forms = figure_forms(p.value, p.scale, n.kind, p.as_of)
            if not cites or not forms or any(c.locator and normalise(c.locator) not in texts[c.source] for c in cites):
                continue  # (a fragment that is not in its source is reported as such, once)
            checked += 1
            where = [(c, sources[c.source].around(normalise(c.locator)) if c.locator else texts[c.source])
                     for c in cites]
            if any(all(any(f in text for f in fs) for fs in forms) for _c, text in where):
                continue
            shown = "～".join(f"{v:f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
                             for v in (p.value if isinstance(p.value, tuple) else (p.value,)))
            which = f" (point {i})" if len(n.points) > 1 else ""
            cited = "; ".join(f"'{c.source}'" + (f" near \"{printable(c.locator, 30)}\"" if c.locator else "")
                              for c in cites)
            diag.error(cites[0].path or str(Path(content.root) / "numbers.yaml"), cites[0].line or p.line or n.line,
                       f"key number '{n.id}'{which}: the figure {shown} is not in the text its citations point to "
                       f"({cited})", "cite the fragment that gives the figure, or correct the value", code="figure")
    return checked
