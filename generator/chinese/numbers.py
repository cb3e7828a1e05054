"""Key numbers rendered from their structured values, per variant.

CLDR (via Babel) knows that 10^12 is 万亿 in the mainland and 兆 in Taiwan;
its Hong Kong data falls back to Latin abbreviations (1.4T), so Hong Kong
gets its own unit table (萬億, 億, 萬). The Simplified edition never sees 兆.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from babel.numbers import format_compact_decimal, format_decimal

from generator.model import SCALES, SUFFIX_QUALIFIERS, TENTATIVE_STATUSES, KeyNumber, Point

BABEL_LOCALE = {"zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW", "zh-Hant-HK": "zh_Hant_HK"}
HK_UNITS = ((10**12, "萬億"), (10**8, "億"), (10**4, "萬"))
CURRENCY = {
    # a mainland reader writes 38.6亿元; a Taiwan or Hong Kong reader needs the
    # currency named (元 alone is the local dollar there). A briefing changes
    # these with the manifest's currency_names.
    "zh-Hans": {"USD": "美元", "CNY": "元", "TWD": "新台币", "HKD": "港元", "EUR": "欧元"},
    "zh-Hant": {"USD": "美元", "CNY": "元人民幣", "TWD": "新台幣", "HKD": "港元", "EUR": "歐元"},
    "zh-Hant-HK": {"USD": "美元", "CNY": "元人民幣", "TWD": "新台幣", "HKD": "港元", "EUR": "歐元"},
}


# Every figure is worked in decimal, exactly as written: in the default
# context (28 digits) a value of 10^30, or 1e30 with a scale, raised
# InvalidOperation in Babel, and normalize() rounded a 30-digit value.
EXACT_DIGITS = 10_000  # more than any value YAML can hold (4,300 digits), scaled


def _exact() -> decimal.localcontext:
    return decimal.localcontext(decimal.Context(prec=EXACT_DIGITS, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN))


def _dec(x) -> Decimal:
    """A figure as a Decimal: a float by its shortest repr (1.4, not
    1.399…), an int by its digits (never through str(): over 4,300 digits
    that raises), and -0 as 0 (no reader writes -0)."""
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, int):
        d = Decimal(int(x))
    else:
        d = Decimal(repr(float(x)))
    return Decimal(0) if d.is_zero() else d


def _trim(d: Decimal) -> str:
    with _exact():
        s = format(d.normalize(), "f")
    return s


# CLDR's Chinese compact units step by 10^4: 万/萬, 亿/億, 万亿/兆
_UNIT_STEPS = (10**12, 10**8, 10**4)
MAX_DECIMALS = 4  # beyond this a figure is written out in full rather than rounded


def compact(amount: float | int, variant: str) -> str:
    """1.4e12 -> 1.4万亿 / 1.4兆 / 1.4萬億; 1.2e11 -> 1200亿 / 1200億;
    below 10^4 plain. Never rounds a key number: a value that needs more
    than four decimals in its unit is written out in full (123,456,789),
    a small one with all its decimals (0.000001)."""
    locale = BABEL_LOCALE[variant]
    with _exact():
        exact = _dec(amount)
        if not exact.is_finite():  # (never a checked key number: content refuses .inf and .nan)
            return format_decimal(exact, locale=locale)
        if abs(exact) < 10**4:
            return format_decimal(exact, locale=locale, group_separator=False, decimal_quantization=False)
        factor = next(f for f in _UNIT_STEPS if abs(exact) >= f)
        decimals = max(0, -(exact / factor).normalize().as_tuple().exponent)
        if decimals > MAX_DECIMALS:
            return format_decimal(exact, locale=locale, decimal_quantization=False)
        if variant == "zh-Hant-HK":  # CLDR's Hong Kong data has only 1.4T, 120B
            unit = dict(HK_UNITS)[factor]
            return _trim(exact / factor) + unit
        text = format_compact_decimal(exact, locale=locale, fraction_digits=decimals)
    if variant == "zh-Hans" and "兆" in text:  # 兆 is 10^6 on the mainland
        raise ValueError(f"CLDR gave {text!r} for zh-Hans")
    return text


def _scaled(v: float | int, scale: str) -> float | int | Decimal:
    if not scale:
        return v
    with _exact():  # kept in decimal: a float would round a long value
        return _dec(v) * SCALES[scale]


def _common_suffix(a: str, b: str) -> str:
    """The shared non-digit tail of two formatted numbers (8亿, 9亿 -> 亿)."""
    i = 0
    while i < min(len(a), len(b)) and a[-1 - i] == b[-1 - i] and not a[-1 - i].isdigit():
        i += 1
    return a[len(a) - i:] if i else ""


def format_date(value: dt.date | str, strings: dict, part: str = "") -> str:
    """ISO date or partial date -> 2025年12月18日 / 2025年6月 / 2025年; with
    the part of the year or month it means (a number's qualifier): 2025年底,
    2025年11月中旬, 2026年第一季度 (labels ``date.year.PART``, ``date.month.PART``)."""
    s = value.isoformat() if isinstance(value, dt.date) else str(value)
    parts = s.split("-")
    y = parts[0]
    if len(parts) == 1:
        return strings[_part_key("date.year", part, strings)].format(y=int(y))
    if len(parts) == 2:
        return strings[_part_key("date.month", part, strings)].format(y=int(y), m=int(parts[1]))
    return strings["date.day"].format(y=int(y), m=int(parts[1]), d=int(parts[2]))  # (a day has no part: checked)


def _part_key(base: str, part: str, strings: dict) -> str:
    """``date.year.late`` for a part; the plain label where there is none (a
    part of a year on a month never passes the check)."""
    return f"{base}.{part}" if part and f"{base}.{part}" in strings else base


_NUMERAL_CONTEXT = "八"


class NumberFormatter:
    def __init__(self, variant: str, strings: dict, convert=lambda s: s, currency_names: dict | None = None):
        self.variant, self.strings, self.convert = variant, strings, convert
        self.currency = dict(CURRENCY[variant])
        self.currency.update(currency_names or {})

    def value(self, number: KeyNumber, point: Point, anchored: bool = False, marks: tuple[str, ...] = ()) -> str:
        """The figure with everything that qualifies it: unit, currency, bound
        (约1.4万亿美元, 100万以上), the part of a year (2025年底), alternatives
        (10或100倍) and stage (7500亿美元（洽谈中）). ``anchored``: a figure
        counted from its date says from when (自2025年11月起2年内) -- for
        places that show it without the sentence around it. ``marks``: more
        words about it, in the same brackets (7500亿美元（洽谈中，媒体估算）)."""
        v, kind, s = point.value, number.kind, self.strings
        if v is None:
            return ""
        if kind == "date":
            text = format_date(v, s, point.part)
        else:  # (a year may be a range too: [2024, 2026] is 2024～2026年)
            lo_hi = v if isinstance(v, tuple) else (v,)
            parts = [self._one(x, number, point) for x in lo_hi]
            if len(parts) == 2:
                tail = _common_suffix(parts[0], parts[1])
                first = parts[0][: len(parts[0]) - len(tail)] if tail and kind != "percent" else parts[0]
                text = first + s["num.or" if point.alternatives else "num.range"] + parts[1]
            else:
                text = parts[0]
            if kind == "year":  # (no unit: the check refuses one -- the part of a year is a qualifier, q1)
                pass
            elif number.currency:
                text += self.currency[number.currency]
            elif number.unit and kind not in ("percent", "multiple"):
                text += self.unit(number.unit)
        if point.qualifier in SUFFIX_QUALIFIERS:
            text += s[f"num.qualifier.{point.qualifier}"]
        elif point.qualifier:
            text = s[f"num.qualifier.{point.qualifier}"] + text
        if anchored and point.qualifier == "within" and point.as_of:
            text = s["num.anchor"].format(date=format_date(point.as_of, s), value=text)
        marks = ((s[f"num.stage.{point.stage}"],) if point.stage else ()) + tuple(marks)
        return self.marked(text, *marks) if marks else text

    def marked(self, text: str, *marks: str) -> str:
        """A figure with words about it: 7500亿美元（洽谈中）, 8亿人（说法不一）."""
        return self.strings["num.marked"].format(value=text, mark=self.strings["num.marks_sep"].join(marks))

    def versions(self, number: KeyNumber, anchored: bool = True) -> str:
        """Every version of a conflicting number, each as its sources give it
        (1200亿美元／约1200亿美元); one figure when they all read the same."""
        values = list(dict.fromkeys(self.value(number, p, anchored) for p in number.points))
        return self.strings["num.versions_sep"].join(values)

    def figure(self, number: KeyNumber) -> str:
        """The number in one figure, where its status stands next to it (the
        page-1 table): the last point of a series, every version of a
        conflicting number."""
        if number.shape == "versions":
            return self.versions(number)
        return self.value(number, number.headline, anchored=True)

    def short(self, number: KeyNumber) -> str:
        """The number in one figure where nothing else says what it is (相关数字,
        charts): :meth:`figure`, marked 说法不一 when the sources disagree and
        with its status when it is a report or an estimate (媒体估算)."""
        if number.shape == "versions" or number.status == "conflicting":
            return self.marked(self.figure(number), self.strings["status.conflicting"])
        if number.status in TENTATIVE_STATUSES:
            return self.value(number, number.headline, anchored=True,
                              marks=(self.strings[f"status.{number.status}"],))
        return self.figure(number)

    def reference(self, number: KeyNumber, index: int | None = None) -> str:
        """A ``[[num:ID]]`` (``index``: ``[[num:ID/N]]``) in prose or a title:
        the point it names; a bare reference to a conflicting number is its
        first version, marked 说法不一 (the sentence never states it as
        settled)."""
        if index and 0 < index <= len(number.points):
            return self.value(number, number.points[index - 1])
        text = self.value(number, number.headline)
        if number.shape == "versions":
            text = self.marked(text, self.strings["status.conflicting"])
        return text

    def unit(self, unit: str) -> str:
        """A unit converted as it stands after a numeral, so that OpenCC's
        phrase layer sees 八周 (-> 八週) rather than a bare 周."""
        converted = self.convert(_NUMERAL_CONTEXT + str(unit))
        if converted.startswith(_NUMERAL_CONTEXT):
            return converted[len(_NUMERAL_CONTEXT):]
        return self.convert(str(unit))

    def _one(self, x, number: KeyNumber, point: Point) -> str:
        kind = number.kind
        if kind == "year":
            return self.strings[_part_key("date.year", point.part, self.strings)].format(y=_year(x))
        if kind == "percent":
            with _exact():
                return format_decimal(_dec(x), locale=BABEL_LOCALE[self.variant], format="#,##0.###",
                                      decimal_quantization=False) + "%"
        if kind == "multiple":
            return s_trim(x) + self.strings["num.times"]
        if kind == "score":
            return s_trim(x)
        return compact(_scaled(x, point.scale), self.variant)

    def as_of(self, point: Point) -> str:
        return format_date(point.as_of, self.strings) if point.as_of else ""


def s_trim(x) -> str:
    with _exact():
        return _trim(_dec(x))


def _year(x) -> int | str:
    """A year as written: 2025 (also from 2025.0); a value that is no whole
    number as it stands (2025.5, never a checked year) rather than cut."""
    with _exact():
        d = _dec(x)
        return int(d) if d.is_finite() and d == d.to_integral_value() else _trim(d)
