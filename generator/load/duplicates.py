"""Hand-typed duplicates of key numbers, and ids typed into reading text.

A figure typed into prose that is a key number of ``numbers.yaml`` -- the
same value, scale and unit (currency, %, 倍) -- will not follow the number
when it is corrected, and is not formatted per edition. It is reported as a
warning (fatal under ``--strict``) whose hint is the ``[[num:ID]]`` to write
instead. The rule is in docs/content-model.md ("Hand-typed key numbers").

One lookup is built from the numbers: (unit, low, high) -> the points with
that value, in plain units (scale applied). Each text is then scanned once
with one regular expression (no nested quantifiers; a figure starts only
where no digit precedes it), and every figure found is normalised to the
same key and looked up: linear in the length of the text.

Matched: Arabic figures with the key number's unit, written as the zh-Hans
edition writes them or in the usual hand-written variants -- a different
scale word (14000亿美元 = 1.4万亿美元), full-width digits and ％,
thousands separators, a range as 6-8周 / 6到8周 / 8亿至9亿人.

A *common* figure -- whole numbers below 100 with no scale word: 10倍, 2年,
44个职业, 20% -- is matched only in text about the key number's own theme
(its body, title and takeaway, the theme's related ``numbers:``, questions
and judgments tagged with it, the notes of its numbers) or in text about no
theme in particular (the bottom line, signposts): elsewhere "10倍" is far more
likely another quantity than, say, the price rise enterprises would accept.
A figure with a scale word or decimals (1.4万亿美元, 9亿人, 70.9%) is matched
everywhere.

In a briefing written in Traditional, the text is read in Simplified
characters one for one (億 is 亿, 約 is 约, 新台幣 is 新台币), Taiwan's 兆 is
10^12, and the local dollar may be written 元 (5645億元 is a TWD figure in
Taiwan, an HKD one in Hong Kong; 元人民幣 names the renminbi).

Not matched: text inside citations (their locators quote the source),
number references, language-tagged literals, inline code, URLs, and
quotations (“…” 「…」 『…』: a speaker's or a source's words, kept as
written); figures without the number's unit (2025年 is not 5年, 3个 is
nothing); dates, years and scores; figures in Chinese numerals (三倍).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterable

from generator.chinese.backend import opencc_converter
from generator.chinese.convert import PROTECTED_RE, Converter
from generator.chinese.spans import quotation_spans
from generator.chinese.numbers import CURRENCY, NumberFormatter
from generator.chinese.segment import simplified_shadow_table
from generator.diagnostics import Diagnostics
from generator.grammar import NUM, numrefs
from generator.labels import load_strings
from generator.load.fields import text_fields
from generator.model import SCALES, SUFFIX_QUALIFIERS, Content, KeyNumber, Prose


CODE = "duplicate-number"
SCALE_WORDS = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8, "千万": 10**7,
               "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3}
RANGE_SEPARATORS = "-–—~～至到"
# the qualifier written before a figure -> numbers.yaml's qualifier (to rank candidates)
QUALIFIER_WORDS = {"大约": "about", "约": "about", "将近": "nearly", "接近": "nearly", "近": "nearly",
                   "超过": "more-than", "逾": "more-than", "不到": "less-than", "不足": "less-than",
                   "少于": "less-than", "最多": "up-to", "多达": "up-to"}
# full-width digits and signs -> ASCII, one character for one (offsets keep their lines)
_WIDTH = str.maketrans("０１２３４５６７８９％．，～", "0123456789%.,~")
# quotations: a speaker's or a source's words (“…” may span lines; an unclosed one masks nothing)
_QUOTATION_RE = re.compile(r"“[^“”]*”|「[^「」]*」|『[^『』]*』")
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# the dollar a text means by 元 alone, by the variant it is written in
LOCAL_CURRENCY = {"zh-Hans": "CNY", "zh-Hant": "TWD", "zh-Hant-HK": "HKD"}
# a currency named before the figure (人民幣45.3億元, 美金45.3億元), in Simplified characters -> its code:
# then 元 after the figure is that currency, not the local dollar
CURRENCY_BEFORE = {"人民币": "CNY", "美元": "USD", "美金": "USD", "港币": "HKD", "港元": "HKD", "新台币": "TWD",
                   "台币": "TWD", "欧元": "EUR"}
_CURRENCY_BEFORE_RE = re.compile("(?P<name>" + "|".join(CURRENCY_BEFORE) + r") ?(?:约|大约|超过|近|逾)?$")
_MEGA_UNITS = "(?!瓦|赫|字节|位|焦|帕|欧|伏|比特|吨|卡)"  # 兆瓦, 兆赫 …: the SI prefix, not 10^12


class Lookup:
    """The key numbers' figures by (unit, low, high), and the one pattern
    that finds figures with one of their units in text."""

    def __init__(self, numbers: Iterable[KeyNumber], describe=None, themes: Iterable = (),
                 written_in: str = "zh-Hans"):
        self.by_key: dict[tuple, list[tuple[KeyNumber, int]]] = {}
        self.describe = describe or (lambda n, i: "")
        self.shadow = simplified_shadow_table() if written_in != "zh-Hans" else None
        self.units: dict[str, str] = {}  # a unit as it may follow a figure (in Simplified characters) -> its key
        if self.shadow is not None:  # every currency name of the text's variant (元人民幣 is never the local 元)
            for code, key in CURRENCY["zh-Hans"].items():
                for name in _currency_names(code, written_in):
                    self.units.setdefault(name.translate(self.shadow), key)
        self.related: dict[str, set[str]] = {}  # theme id -> ids of its numbers and related numbers
        for t in themes:
            self.related.setdefault(t.id, set()).update(t.numbers)
        units: set[str] = set()
        for n in numbers:
            unit = unit_of(n)
            if unit is None:
                continue
            if self.shadow is not None:  # (a unit typed in Traditional: read in Simplified characters, as the text)
                unit = unit.translate(self.shadow)
            for i, p in enumerate(n.points, 1):
                key = point_key(n, unit, p)
                if key is None:
                    continue
                self.by_key.setdefault(key, []).append((n, i))
                if n.theme:
                    self.related.setdefault(n.theme, set()).add(n.id)
                if unit:
                    units.add(unit)
        units.update(self.units)
        self.scale_words = SCALE_WORDS | ({"兆": 10**12} if written_in == "zh-Hant" else {})  # Taiwan's 兆: 10^12
        alternation = "|".join(" ?".join(map(re.escape, u)) for u in sorted(units, key=len, reverse=True))
        # (Taiwan's 兆 is a scale word, not the prefix of 兆瓦 or 兆赫, which are units)
        scales = "|".join(re.escape(w) + (_MEGA_UNITS if w == "兆" else "")
                          for w in sorted(self.scale_words, key=len, reverse=True))
        unit_re = f"(?:{alternation})" if alternation else "(?!)"
        seps = re.escape(RANGE_SEPARATORS)
        self.pattern = re.compile(
            rf"(?<![0-9A-Za-z.,])(?P<a>{_NUMBER}) ?(?P<as>{scales})? ?(?P<au>{unit_re})?"
            rf"(?: ?[{seps}] ?(?P<b>{_NUMBER}) ?(?P<bs>{scales})? ?(?P<bu>{unit_re})?)?")

    def read(self, masked: str) -> str:
        """``masked`` as the pattern reads it: in Simplified characters, one
        for one (offsets hold), when the briefing is written in Traditional."""
        return masked.translate(self.shadow) if self.shadow is not None else masked

    def find(self, masked: str):
        """(match, key) for every figure in ``masked`` (as :meth:`read` gives
        it) that is a key number's."""
        for m in self.pattern.finditer(masked):
            key = self._key(m)
            if key is not None and self.shadow is not None and key[0] == self._unit("元") \
                    and (m.group("au") or m.group("bu") or "").replace(" ", "") == "元":
                named = _CURRENCY_BEFORE_RE.search(masked, max(0, m.start() - 6), m.start())
                if named:  # 人民幣45.3億元: the currency before the figure, not the local dollar
                    code = CURRENCY_BEFORE[named.group("name")]
                    key = (CURRENCY["zh-Hans"].get(code, code), *key[1:])
            if key is not None and key in self.by_key:
                yield m, key

    def _unit(self, unit: str | None) -> str:
        unit = _norm(unit)
        return self.units.get(unit, unit)

    def _key(self, m: re.Match) -> tuple | None:
        try:
            a = Decimal(m.group("a").replace(",", ""))
            b = Decimal(m.group("b").replace(",", "")) if m.group("b") else None
        except InvalidOperation:
            return None
        scale_words = self.scale_words
        if b is None:
            unit, scale = self._unit(m.group("au")), m.group("as")
            if not unit and not scale:
                return None  # a bare number: never a key number's figure
            v = a * scale_words.get(scale, 1)
            return unit, v, v
        unit = self._unit(m.group("bu"))
        if m.group("au") and self._unit(m.group("au")) != unit:
            return None
        scale_b = m.group("bs")
        scale_a = m.group("as") or scale_b  # 8至9亿: the scale written once, after the range
        if not unit and not scale_b:
            return None
        return unit, a * scale_words.get(scale_a, 1), b * scale_words.get(scale_b, 1)


def _norm(unit: str | None) -> str:
    return (unit or "").replace(" ", "")


def _currency_names(code: str | None, written_in: str) -> tuple[str, ...]:
    """How a text written in ``written_in`` names currency ``code`` after a
    figure: the edition's name (新台幣, 元人民幣), the name with 元 before it
    (1兆元新台幣), and 元 alone for the local dollar (5645億元 in Taiwan)."""
    if not code:
        return ()
    name = CURRENCY[written_in].get(code)
    names = [name, "元" + name] if name and not name.startswith("元") else [name] if name else []
    if name and name.startswith("元"):
        names.append(name[1:])  # 人民幣
    names += [n for n, c in CURRENCY_BEFORE.items() if c == code and n not in names]  # 台幣, 美金, 港幣 after it too
    if LOCAL_CURRENCY.get(written_in) == code:
        names.append("元")
    return tuple(names)


def unit_of(n: KeyNumber) -> str | None:
    """What must follow the figure in text, as zh-Hans writes it ('' for a
    figure whose scale word is enough); None: never matched."""
    if n.kind in ("date", "year", "score"):
        return None
    if n.kind == "percent":
        return "%"
    if n.kind == "multiple":
        return "倍"
    if n.currency:
        return CURRENCY["zh-Hans"].get(n.currency)
    return _norm(str(n.unit)) if n.unit else ""


def common(n: KeyNumber, index: int) -> bool:
    """A whole number below 100 without a scale word: 10倍, 2年, 20%."""
    p = n.points[index - 1]
    v = p.value if isinstance(p.value, tuple) else (p.value,)
    return not p.scale and all(float(x).is_integer() and abs(x) < 100 for x in v)


def point_key(n: KeyNumber, unit: str, p) -> tuple | None:
    v = p.value
    lo_hi = v if isinstance(v, tuple) else (v, v)
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in lo_hi):
        return None
    factor = SCALES.get(p.scale, 1) if n.kind in ("quantity", "money") else 1
    if not unit and not p.scale:
        return None  # a unitless figure is matched only by its scale word (100万)
    return (unit, *(Decimal(repr(x)) * factor for x in lo_hi))


def mask(text: str) -> str:
    """``text`` with what is never a hand-typed figure blanked out (same
    length, same newlines): citations, references, literals, code, URLs,
    quotations; full-width digits made ASCII."""
    def blank(m: re.Match) -> str:
        return "".join("\n" if ch == "\n" else "\0" for ch in m.group(0))

    text = PROTECTED_RE.sub(blank, text.translate(_WIDTH))
    return _QUOTATION_RE.sub(blank, text)


def reference(n: KeyNumber, index: int) -> str:
    """The [[num:…]] that renders point ``index`` (1-based) as it stands (a
    bare reference to a conflicting number adds 说法不一: its version is named)."""
    headline = len(n.points) if n.shape == "series" else 1
    return f"[[num:{n.id}]]" if index == headline and n.shape != "versions" else f"[[num:{n.id}/{index}]]"


def scan(lookup: Lookup, text: str, path: str, line: int, diag: Diagnostics, own: str = "",
         themes: Iterable[str] = ()) -> None:
    """Warn about every key number typed by hand in ``text`` (first line
    ``line``); ``own``: the key number the text describes (its label and
    notes may state its own figure); ``themes``: what the text is about
    (common figures are matched only there; none: everywhere)."""
    masked = lookup.read(mask(text))
    scope = set().union(*(lookup.related.get(t, ()) for t in themes)) if themes else None
    at, counted = line, 0
    for m, key in lookup.find(masked):
        found = [(n, i) for n, i in lookup.by_key[key]
                 if n.id != own and (scope is None or n.id in scope or not common(n, i))]
        if not found:
            continue
        before = masked[max(0, m.start() - 2):m.start()]
        written = next((q for w, q in QUALIFIER_WORDS.items() if before.endswith(w)), "")
        same = [(n, i) for n, i in found if n.points[i - 1].qualifier == written]
        found = same or found
        at += masked.count("\n", counted, m.start())
        counted = m.start()
        refs = " or ".join(f"{reference(n, i)}{lookup.describe(n, i)}" for n, i in found)
        ids = ", ".join(f"'{nid}'" for nid in dict.fromkeys(n.id for n, _ in found))
        figure = text[m.start():m.end()].strip()
        diag.warning(path, at, f"'{figure}' is typed by hand but is key number {ids}",
                     f"write {refs} instead", code=CODE)


def _describer(written_in: str = "zh-Hans"):
    """' (renders as 约1.4万亿美元)' for a hint, from the shipped labels of the
    variant the briefing is written in (loaded at the first hint: most checks have none)."""
    formatter: list = []

    def describe(n: KeyNumber, i: int) -> str:
        try:
            if not formatter:
                formatter.append(NumberFormatter(written_in, load_strings(written_in, None)))
            return f" (renders as {formatter[0].value(n, n.points[i - 1])})"
        except Exception:  # noqa: BLE001 -- a hint without the rendering is still a hint
            return ""

    return describe


def check_duplicate_numbers(c: Content, diag: Diagnostics, fields: Iterable | None = None) -> None:
    """Scan the theme bodies and every YAML field that may hold [[num:ID]]
    (``fields``: only those, e.g. the charts' -- default: the content's)."""

    written_in = c.manifest.written_in
    lookup = Lookup(c.numbers, _describer(written_in), c.themes, written_in)
    if not lookup.by_key:
        return
    if fields is None:
        for t in c.themes:
            scan(lookup, t.body, t.path, t.body_line, diag, themes=(t.id,))
        fields = text_fields(c)
    for f in fields:
        if NUM in f.accepts and isinstance(f.text, Prose) and f.text.path:
            scan(lookup, str(f.text), f.text.path, f.text.line, diag, own=f.number, themes=f.themes)


# --------------------------------------------------------------------------
# internal ids in reading text

ID_CODE = "internal-id"
# a lower-case id as a token of its own: no ASCII letter, digit, '_', '-',
# '.', '/', '@', '#' or ':' on either side (one pass: the hyphen separates
# the runs, so the pattern cannot match one text in two ways)
_ID_TOKEN = re.compile(r"(?<![A-Za-z0-9_.@/#:-])[a-z0-9]+(?:-[a-z0-9]+)*(?![A-Za-z0-9_-])")


def content_ids(c: Content) -> dict[str, str]:
    """Every id a reader must never see -> what it names."""
    ids: dict[str, str] = {}
    for what, items in (("theme", c.themes), ("key number", c.numbers), ("question", c.questions),
                        ("source", c.sources), ("judgment", c.summary.judgments)):
        for item in items:
            if not item.id.isdecimal():
                ids.setdefault(item.id, what)
    return ids


def find_ids(text: str, ids: dict[str, str]) -> list[tuple[int, str]]:
    """(offset, id) of every id written in ``text`` outside citations,
    references, literals, code, URLs and quotations."""
    masked = mask(text)
    return [(m.start(), m.group(0)) for m in _ID_TOKEN.finditer(masked) if m.group(0) in ids]


def check_ids_in_text(c: Content, diag: Diagnostics) -> None:
    """An error for every id of the briefing typed into what readers read --
    a theme body, a YAML text field, the back matter ("见 weekly-users-dec"):
    the edition would print it as it stands. Say it in words, or write
    [[num:ID]] where the figure is meant."""

    ids = content_ids(c)
    if not ids:
        return
    texts = [(t.body, t.path, t.body_line) for t in c.themes]
    texts += [(str(f.text), f.text.path, f.text.line) for f in text_fields(c)
              if isinstance(f.text, Prose) and f.text.path]
    texts += [(str(v), v.path, v.line) for v in (getattr(c, "back", None) or {}).values()
              if isinstance(v, Prose) and v.path]
    for text, path, line in texts:
        for at, found in find_ids(text, ids):
            diag.error(path, line + text.count("\n", 0, at),
                       f"'{found}' is the id of a {ids[found]}: readers would see it as it stands",
                       "say it in words" + (f", or write [[num:{found}]] for its figure" if ids[found] == "key number"
                                            else ""), code=ID_CODE)


# --------------------------------------------------------------------------
# one name, one form: a glossary name written in another variant's form

NAME_CODE = "name-form"


def check_name_forms(c: Content, diag: Diagnostics) -> None:
    """A warning (fatal under ``--strict``) for a person, organisation or
    product of the briefing's glossary written in another variant's form (梅克尔
    in a Simplified text whose glossary writes 默克尔): the
    edition would name one person two ways, and the conversion would not
    touch the stray form. Quotations keep their source's words and are not
    read, nor are citations, literals and code; a Latin form (Google) is the
    name itself, never a stray. One pass over each text, with
    the other forms indexed by their first character."""

    written = c.manifest.written_in
    to_written = opencc_converter("t2s" if written == "zh-Hans" else "s2t")
    same = opencc_converter("t2s")  # two forms are one name when they agree in Simplified
    index: dict[str, list[tuple[str, str, str, object]]] = {}
    mine: set[str] = set()
    for term in c.glossary.terms:
        # the briefing's own names: the house layer's hundreds would meet homographs (雷朋 is Le Pen in
        # Taiwan, Ray-Ban in Shanghai) in every briefing
        if term.category not in Converter.NAME_CATEGORIES or term.house:
            continue
        own = term.forms.get(written) or term.forms["zh-Hans"]
        mine.add(own)
        for variant, form in term.forms.items():
            if not form or variant == written:
                continue
            stray = form if variant.startswith("zh-Hant") and written != "zh-Hans" else to_written.convert(form)
            if same.convert(stray) != same.convert(own) and stray not in own and not stray.isascii():
                index.setdefault(stray[0], []).append((stray, own, variant, term))
    for found in index.values():
        found[:] = [f for f in found if f[0] not in mine]  # another name's own form is no stray
        found.sort(key=lambda f: -len(f[0]))
    if not any(index.values()):
        return
    texts = [(t.body, t.path, t.body_line) for t in c.themes]
    texts += [(str(f.text), f.text.path, f.text.line) for f in text_fields(c)
              if isinstance(f.text, Prose) and f.text.path]
    for text, path, line in texts:
        plain = _unquoted(PROTECTED_RE.sub(lambda m: " " * len(m.group(0)), text))
        i, seen = 0, set()
        while i < len(plain):
            hit = next((f for f in index.get(plain[i], ()) if plain.startswith(f[0], i)), None)
            if hit is None:
                i += 1
                continue
            stray, own, variant, term = hit
            if (path, stray) not in seen:  # once per text: the first place is enough to find the rest
                seen.add((path, stray))
                diag.warning(path, line + text.count("\n", 0, i),
                             f"'{stray}' is the {variant} form of {term.en or own} (glossary line {term.line}); "
                             f"this briefing writes '{own}': one name, one form in each edition",
                             f"write '{own}': each edition turns it into its own form", code=NAME_CODE)
            i += len(stray)


def _unquoted(text: str) -> str:
    """``text`` with the words inside “…” and 「…」 blanked (same length), as
    conversion reads quotations (convert.quotation_spans)."""

    chars = list(text)
    for start, end in quotation_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# written before a reference, in either script (a briefing may be written in Traditional), or with 有 (约有)
DOUBLING_WORDS = ("约", "近", "超过", "不到", "最多", "大约", "将近", "約", "超過", "大約", "將近",
                  "约有", "約有", "多达", "多達")
SUFFIX_WORDS = {"within": ("内", "內", "之内", "之內"), "or-more": ("以上", "或以上")}


def _doubled_qualifiers(c: Content, numbers: dict, diag: Diagnostics) -> None:
    """'约[[num:x]]' where x already renders as '约…' reads 约约1.4万亿."""
    texts: list[tuple[str, str, int]] = [(t.body, t.path, t.body_line) for t in c.themes]
    texts += [(str(s), s.path, s.line) for s in c.summary.bottom_line]
    texts += [(str(q.question), q.question.path, q.question.line) for q in c.questions]
    texts += [(str(q.why), q.why.path, q.why.line) for q in c.questions]
    texts += [(str(j.text), j.text.path, j.text.line) for j in c.summary.judgments]
    for text, path, line in texts:
        for m in numrefs(text):
            nid, _, idx = m.group(1).partition("/")
            n = numbers.get(nid)
            if n is None or not n.points:  # unknown ids: reported by check_inline_fields / the body check
                continue
            point = n.points[int(idx) - 1] if idx.isdecimal() and 0 < int(idx) <= len(n.points) else n.headline
            before = text[max(0, m.start() - 2):m.start()]
            after = text[m.end():m.end() + 3]
            if point.qualifier in SUFFIX_QUALIFIERS:  # 2年内, 100万以上: the word follows the figure
                word = next((w for w in SUFFIX_WORDS[point.qualifier] if after.startswith(w)), "")
                if word:
                    diag.warning(path, line + text.count("\n", 0, m.start()),
                                 f"'[[num:{m.group(1)}]]{word}' doubles the qualifier the number already carries",
                                 "drop the word after the reference")
            elif point.qualifier and (word := next((w for w in sorted(DOUBLING_WORDS, key=len, reverse=True)
                                                    if before.endswith(w)), "")):
                diag.warning(path, line + text.count("\n", 0, m.start()),
                             f"'{word}[[num:{m.group(1)}]]' doubles the qualifier the number already carries",
                             "drop the word before the reference")
