"""Numbers render from their structured values, per variant (CLDR via Babel,
plus the Hong Kong unit table): 1.4万亿美元 / 1.4兆美元 / 1.4萬億美元. 兆 never
reaches the Simplified edition, where it would mean 10^6; prose figures are
[[num:ID]] references and come out of the same formatter as the tables."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.chinese.convert import Converter
from generator.chinese.numbers import NumberFormatter, compact, format_date
from generator.model import KeyNumber, Point, Prose
from generator.labels import load_strings

VARIANTS = ("zh-Hans", "zh-Hant", "zh-Hant-HK")


def formatter(variant: str) -> NumberFormatter:
    return NumberFormatter(variant, load_strings(variant, None), Converter(variant).convert)


def figure(variant: str, value, kind="money", scale="", qualifier="", currency="", unit=None) -> str:
    point = Point(value=value, as_of="2025-12-18", sources=(), scale=scale, qualifier=qualifier)
    number = KeyNumber(id="x", label=Prose("x"), theme="t", kind=kind, status="direct-quote", points=(point,),
                       shape="single", unit=Prose(unit) if unit else None, currency=currency)
    return formatter(variant).value(number, point)


@pytest.mark.parametrize("variant, expected", [
    ("zh-Hans", "1.4万亿美元"), ("zh-Hant", "1.4兆美元"), ("zh-Hant-HK", "1.4萬億美元"),
])
def test_trillion_dollars_per_variant(variant, expected):
    assert figure(variant, 1.4, scale="trillion", currency="USD") == expected


@pytest.mark.parametrize("variant, expected", [
    ("zh-Hans", "约1200亿美元"), ("zh-Hant", "約1200億美元"), ("zh-Hant-HK", "約1200億美元"),
])
def test_hundred_billions_with_a_qualifier(variant, expected):
    assert figure(variant, 120, scale="billion", currency="USD", qualifier="about") == expected


@pytest.mark.parametrize("variant, amount, expected", [
    ("zh-Hans", 1.2e11, "1200亿"), ("zh-Hant", 1.2e11, "1200億"), ("zh-Hant-HK", 1.2e11, "1200億"),
    ("zh-Hans", 9e8, "9亿"), ("zh-Hant", 1e6, "100萬"), ("zh-Hant-HK", 1.5e4, "1.5萬"),
    ("zh-Hant", 9999, "9999"),                                      # below 10^4: plain
    ("zh-Hant", 1.234e12, "1.234兆"),                                # never rounded away
    ("zh-Hans", 123456789, "123,456,789"),                           # too many decimals: written out
])
def test_compact_units(variant, amount, expected):
    assert compact(amount, variant) == expected


@given(st.integers(min_value=1, max_value=10**16) | st.floats(min_value=1e4, max_value=1e16))
def test_zhao_never_reaches_the_simplified_edition(amount):
    assert "兆" not in compact(amount, "zh-Hans")
    assert "萬億" not in compact(amount, "zh-Hant") and "万亿" not in compact(amount, "zh-Hant")
    assert "兆" not in compact(amount, "zh-Hant-HK")


@pytest.mark.parametrize("variant, kind, value, unit, expected", [
    ("zh-Hans", "quantity", (6, 8), "周", "6～8周"),
    ("zh-Hant", "quantity", (6, 8), "周", "6～8週"),      # the unit is converted as it stands after a numeral
    ("zh-Hant", "quantity", (8e8, 9e8), "人", "8～9億人"),  # a shared unit is written once
    ("zh-Hans", "percent", (20, 30), None, "20%～30%"),
    ("zh-Hant", "percent", 70.9, None, "70.9%"),
    ("zh-Hant", "multiple", 3, None, "3倍"),
    ("zh-Hant", "quantity", 1, "个 token", "1個 token"),
])
def test_ranges_percentages_and_units(variant, kind, value, unit, expected):
    assert figure(variant, value, kind=kind, unit=unit) == expected


@pytest.mark.parametrize("variant", VARIANTS)
def test_dates(variant):
    strings = load_strings(variant, None)
    assert format_date(dt.date(2025, 12, 18), strings) == "2025年12月18日"
    assert format_date("2025-06", strings) == "2025年6月"
    assert format_date("2029", strings) == "2029年"


def visible_text(document: str, lang: str, foreign_spans) -> str:
    """The text a reader of the edition sees, minus spans marked as another
    language (the glossary's Taiwan column, [兆]{lang=zh-Hant-TW} literals)."""
    text = re.sub(r"<(style|script)\b.*?</\1>", "", document, flags=re.S)
    for span in foreign_spans(text, lang):
        text = text.replace(span, "")
    return re.sub(r"<[^>]+>", "", text)


def test_prose_figures_come_from_the_formatter(built, foreign_spans):
    """Theme 6 writes [[num:infra-commitment]]: each edition shows the figure
    its own way, the same as in the numbers table, and 兆 stays out of zh-Hans."""
    hans = built["zh-Hans.html"].read_text(encoding="utf-8")
    hant = built["zh-Hant.html"].read_text(encoding="utf-8")
    assert hans.count('href="#num-infra-commitment">约1.4万亿美元') >= 2
    assert hant.count('href="#num-infra-commitment">約1.4兆美元') >= 2
    assert "兆" not in visible_text(hans, "zh-Hans", foreign_spans)
    assert "萬億" not in visible_text(hant, "zh-Hant-TW", foreign_spans)
    assert "1200亿美元" in hans and "1200億美元" in hant
