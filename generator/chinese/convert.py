"""Conversion between the scripts, in the direction the briefing is written.

In: text as written (zh-Hans, or zh-Hant / zh-Hant-HK for a desk writing in
Traditional), the briefing's glossary over the house layer. Out: the text
in another variant, line for line (a newline is never added or removed, so
a finding in converted text points at the line of the source file).

The text is cut into three kinds of span:

* protected: URLs, inline code, Markdown link targets, citations, number
  references, language-tagged literals, Latin words and numbers -- copied
  as they are;
* words of the sentence (generator.chinese.segment: jieba's words, OpenCC's
  phrase keys and the glossary's keys in one segmentation) -- a glossary key
  becomes the target's form, any other word is converted by OpenCC with the
  direction's configs (:data:`DIRECTIONS`);
* quotations and institutions' names (generator.chinese.spans) -- a
  speaker's words keep their sense: names and character choices only.

Outside protected spans, half-width/full-width use is normalised in every
edition, and quotation marks follow the target (“” / 「」).

Why one module of about a thousand lines: it is one class,
:class:`Converter`, whose passes (protection, segmentation, glossary,
OpenCC per word, quotations, regional numbers) share its per-text state and
its tables for one direction; split across modules they would hand a dozen
tables back and forth. What does not need that state lives beside it:
spans.py, segment.py, backend.py, differences.py.
"""

from __future__ import annotations

import bisect
import decimal
import functools
import hashlib
import itertools
import re
from dataclasses import dataclass

from generator import fingerprint
from generator.chinese.backend import Chain, chain, opencc_converter, phrase_table
from generator.chinese.segment import (
    LEXICON_FORMAT, MAINLAND_COMMON, NUMERALS, QUANTIFIERS, add_words, lexicon, read_cache, segment,
    simplified_shadow_table, write_cache, written_weights,
)
from generator.chinese.spans import Sentences, institution_spans, marked_term, quotation_spans
from generator.chinese.typography import normalise_width
from generator.model import Glossary


OPENCC_CONFIG = {"zh-Hant": "s2twp", "zh-Hant-HK": "s2hk"}  # from Simplified (the default direction)


@dataclass(frozen=True)
class Direction:
    """How text written in one variant becomes another: OpenCC configs applied
    in turn to each word, the same without regional vocabulary inside
    quotations, the character-only chain the review compares with, and the
    regional phrase dictionaries that make the difference."""

    words: tuple[str, ...]
    quoted: tuple[str, ...]
    characters: tuple[str, ...]
    phrase_dicts: tuple[str, ...] = ()


# One table for every direction: the pipeline is the same, only the configs differ.
DIRECTIONS = {
    ("zh-Hans", "zh-Hant"): Direction(("s2twp",), ("s2tw",), ("s2tw",), ("TWPhrases",)),
    ("zh-Hans", "zh-Hant-HK"): Direction(("s2hk",), ("s2hk",), ("s2hk",)),
    # a Taiwan speaker's words in a mainland edition take the mainland's words for the same
    # things (作業系統 -> 操作系统, 想像 -> 想象): inside quotes as outside, OpenCC's and the glossary's
    ("zh-Hant", "zh-Hans"): Direction(("tw2sp",), ("tw2sp",), ("tw2s",), ("TWPhrasesRev",)),
    ("zh-Hant", "zh-Hant-HK"): Direction(("tw2t", "t2hk"), ("tw2t", "t2hk"), ("tw2t", "t2hk")),
    ("zh-Hant-HK", "zh-Hans"): Direction(("hk2s",), ("hk2s",), ("hk2s",)),
    ("zh-Hant-HK", "zh-Hant"): Direction(("hk2t", "t2tw"), ("hk2t", "t2tw"), ("hk2t", "t2tw")),
}
# inside quotation marks, from Simplified: characters (and OpenCC's character-sense phrases), no regional vocabulary
QUOTE_CONFIG = {"zh-Hant": "s2tw", "zh-Hant-HK": "s2hk"}
# a briefing's own glossary key weighs at least 1/OWN_KEY_SHARE of the corpus in the segmentation
# (about 20,000 of jieba's 60 million): it beats a neighbour that pulls one of its characters into a
# word (風場|內 over 風|場內 needs more than 43), not two real words it straddles (颱風|場景 over
# 颱|風場|景 would need more than 560,000)
OWN_KEY_SHARE = 3000
QUOTE, INSTITUTION = 1, 2  # what keeps its own words (the converter's modes besides 0, everywhere else)
# where ``ambiguous:`` glossary entries apply (their senses are Taiwan usage, written from Simplified)
AMBIGUOUS_IN = ("zh-Hant",)
# character-only configs: what the phrase layer is measured against
OPENCC_CHAR_CONFIG = {"zh-Hant": "s2tw", "zh-Hant-HK": "s2hk"}
# Hong Kong glyph standard (説 户 温 …, as s2hk writes them) applied to the
# glossary's Hong Kong forms too, so terms and converted prose match
TERM_GLYPHS = {"zh-Hant-HK": "t2hk"}

PROTECTED_RE = re.compile(
    r"""
      `[^`\n]*`                           # inline code
    | \[[^\[\]\n]+\]\{lang=[A-Za-z0-9-]+\}  # language-tagged literal: [萬億]{lang=zh-Hant-HK}
    | \]\([^)\[\]\n]*+\)                  # Markdown link destination
    | <[a-z][a-z0-9+.-]*+:[^<>\s]*+>       # autolink
    | (?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]*://[^\s<>()\[\]，。、；：“”「」]+   # bare URL
    | \[@[^\[\]\n]*\]                     # citation (source id + verbatim locator)
    | \[\[num:[^\[\]\n]*+\]\]              # key-number reference
    """,  # (no class reads past the next opening bracket: linear on a run of unclosed ones)
    re.VERBOSE,
)
# A year of the Republic of China calendar, as Taiwan dates things (民國113年,
# 中華民國一一三年): a mainland or Hong Kong edition gives the Gregorian year
# (2024年). Not 民國初年 or 民國時期, which name a period.
ROC_YEAR_RE = re.compile(r"(?:中華)?民國(?P<roc>[0-9]{1,3}|[〇零一二三四五六七八九十百]{1,6})年")
# An earthquake's magnitude as Taiwan writes it (芮氏規模5.8地震, 規模6.1的強震):
# the mainland writes 里氏5.8级地震, 6.1级强震; Hong Kong 黎克特制5.8級地震, 6.1級強震.
QUAKE_RE = re.compile(r"(?P<richter>芮氏)?規模(?P<mag>[0-9]{1,2}(?:\.[0-9]{1,2})?)(?:的)?(?=[^\W\d_]{0,4}震)")
# a Taiwan amount of 兆 and 億 (2兆8,000億): outside Taiwan one figure of 10^12 (2.8万亿, 2.8萬億)
TRILLION_RE = re.compile(r"(?<![0-9.,])(?P<tri>[0-9]{1,4})兆(?P<yi>[0-9]{1,4}|[0-9],[0-9]{3})億")
# a count of months as Taiwan's statistics write it (前10月, 前九月, 連續兩月): outside Taiwan 前10个月,
# 连续两个月; not after a word ending in 前 (目前5月 is this May), nor before a day (前九月十日)
MONTHS_RE = re.compile(r"(?:(?<=(?<![目之以日先此事眼當從空生])前)|(?<=連續)|(?<=過去))"
                       r"(?P<months>[1-9]|1[0-2]|[一二兩三四五六七八九十]|十[一二])月(?![0-9份底初中一二三四五六七八九十日號])")
_PROTECTED_OR_ROC = re.compile(ROC_YEAR_RE.pattern + "|" + QUAKE_RE.pattern + "|" + TRILLION_RE.pattern + "|"
                               + MONTHS_RE.pattern + "|" + PROTECTED_RE.pattern, re.VERBOSE)
_HAN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def roc_year(numeral: str) -> int | None:
    """The Gregorian year of a ROC year written in digits or Chinese numerals
    (113, 一一三, 一百一十三, 三十八 -> 2024, 2024, 2024, 1949); None if it is no number."""
    if numeral.isdigit():
        n = int(numeral)
    elif all(c in _HAN_DIGITS for c in numeral):  # 一一三: digit by digit
        n = int("".join(str(_HAN_DIGITS[c]) for c in numeral))
    else:  # 一百一十三, 三十八, 十
        n, unit_seen = 0, False
        for part, scale in (("百", 100), ("十", 10)):
            if part in numeral:
                head, numeral = numeral.split(part, 1)
                head = head.lstrip("零〇")
                if len(head) > 1 or head and head not in _HAN_DIGITS:
                    return None
                n += (_HAN_DIGITS[head] if head else 1) * scale
                unit_seen = True
        numeral = numeral.lstrip("零〇")
        if len(numeral) > 1 or numeral and numeral not in _HAN_DIGITS or not unit_seen:
            return None
        n += _HAN_DIGITS[numeral] if numeral else 0
    return n + 1911 if 0 < n < 200 else None


# Latin words and numbers: protected too, but only after glossary terms had
# their chance (a term may contain Latin, e.g. 谷歌（Google）).
LATIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+\-]*")

QUOTES_HANT = {"“": "「", "”": "」", "‘": "『", "’": "』"}
QUOTES_HANS = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


@dataclass
class Segment:
    kind: str  # "text" | "term" | "ambiguous" (a term whose sense is not known) | "protected"
    source: str  # the zh-Hans text exactly as written
    result: str  # its rendering in the variant (before quote conversion)
    start: int = 0  # offset of ``source`` in the converted text


class Converter:
    """Converts zh-Hans text to one variant. For ``zh-Hans`` only the width
    normalisation applies.

    The text between protected spans is cut into words once (segment.py):
    jieba's words, OpenCC's phrase keys and the glossary's keys compete in a
    single segmentation, so a glossary key applies only where it is a word
    of the sentence and never splits a longer phrase, and no OpenCC phrase
    reaches across a word boundary. Each word is then converted on its own:
    a glossary key to the variant's form, anything else by OpenCC.

    Inside quotation marks (a speaker's words) and a mainland institution's
    name only names (person, org, product) and the entries that merely
    choose characters are taken from the glossary, and OpenCC converts with
    its config without regional vocabulary (``s2tw``): a Taiwan word never
    replaces what the speaker said (``_vocabulary``, ``_own_words``).
    """

    NAME_CATEGORIES = ("person", "org", "product")  # what applies inside quotation marks, with character choices

    def __init__(self, variant: str, glossary: Glossary | None = None, source: str = "zh-Hans"):
        self.variant, self.source = variant, source
        self.identity = variant == source
        self.direction = DIRECTIONS.get((source, variant))
        self.terms: dict[str, str] = {}
        self.names: dict[str, str] = {}  # the terms that also apply inside quotations
        self.forced: dict[str, str] = {}  # notation (``everywhere: true``): wherever the characters occur
        self.ambiguous: dict[str, str] = {}  # sense-dependent words -> their senses (listed for review)
        self.conflicts: dict[str, list] = {}  # written form -> the entries that give it different targets
        self._origin: dict = {}  # written form -> the entry it came from
        self._pinned: set[str] = set()  # written forms an entry for this direction decided
        self._generated: list[str] = []  # entries whose form OpenCC made (no form given for this variant)
        self._house: set[str] = set()  # written forms of shipped terms (house layer, vocabulary), not guards
        self._name_keys: set[str] = set()  # written forms of names (person, org, product)
        self._sentences: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # word -> (cues, form): sentence patterns
        # a desk's one-character entries read from its own script: words, never a character inside another
        # word (兆 -> 万亿 leaves 徵兆 and 兆瓦; 亦 -> 也 leaves 反之亦然)
        self._own_chars: set[str] = set()
        if not self.identity:
            for term in (glossary.terms if glossary else ()):
                self._add(term)
            for key in self.conflicts:  # the house layer's many-to-one forms: sense unknown this way
                self.terms.pop(key, None)
                self.names.pop(key, None)
                self.forced.pop(key, None)
            self._complete_extensions()
        # one-character entries (house style: 台, 帳) are character choices:
        # they apply inside any word that no longer entry covers
        self.chars = {k: v for k, v in self.terms.items() if len(k) == 1 and k not in self._own_chars}
        if self.chars:  # ... and inside the forms OpenCC made for entries that give none
            for src in self._generated:
                if src in self.terms:
                    cc = self._cc(src in self.ambiguous)
                    self.terms[src] = self._choose_characters(src, self.terms[src], cc)
                    if src in self.names:
                        self.names[src] = self.terms[src]
        self._extra: dict[str, int] | None = None  # glossary keys' weights in the segmentation
        alternation = "|".join(re.escape(k) for k in sorted(self.forced, key=len, reverse=True))
        self._forced_re = re.compile(alternation) if alternation else None
        self._words: dict[tuple[str, bool], str] = {}  # conversion of each word seen, by quotedness
        # a pattern's word -> (left, right, its key, the word's own form): for a word the
        # segmentation leaves next to its deciding word (一支|烟, where 支烟 lost to 一支)
        self._context: dict[str, list[tuple[str, str, str, str]]] = {}
        self._kept: dict[str, str] | None = None  # the keys inside words kept as written (``_vocabulary``)
        self._text_sentences: Sentences | None = None  # the sentences of the text ``segments`` is cutting
        self._lead: dict[int, str] = {}  # ... offset -> the word a pattern sees before a chunk that follows a term
        if not self.identity and glossary is not None and self.direction is not None:
            self._prepare(glossary)

    def _prepare(self, glossary: Glossary) -> None:
        """The glossary keys' weights in the segmentation and the patterns'
        neighbours (:meth:`_neighbours`): ~0.2 s for the house glossary,
        remembered in the user's cache for the same direction, the same
        glossary entries (all of them, :func:`_glossary_digest`), this
        package (its code) and OpenCC's and jieba's data. Kept: the weights, each pattern's new
        form, the neighbour contexts and the words converted on the way -- so
        the converter is in the same state either way, and converts alike."""

        key, versions = _cache_key(glossary, self.source, self.variant)
        found = read_cache("converter", key, versions)
        try:
            extra, forms, context, words = found
            context = {k: [tuple(c) for c in v] for k, v in context.items()}
            if not (isinstance(extra, dict) and isinstance(forms, dict) and isinstance(words, dict)):
                raise TypeError
        except (TypeError, ValueError, AttributeError):  # absent, damaged, or another layout
            forms = self._neighbours(glossary)
            self._segmentation_weights()
            write_cache("converter", key, (self._extra, forms, self._context, self._words), versions)
            return
        self._segmentation_weights(extra)  # (before the patterns' forms: what the first conversion saw)
        for src, better in forms.items():
            self.terms[src] = better
            if src in self.names:
                self.names[src] = better
        self._context, self._words = context, words

    def _segmentation_weights(self, extra: dict[str, int] | None = None) -> None:
        """The glossary keys' weights in the segmentation (``extra``, when
        they are known) and the keys as the segmentation sees them, both in
        the shadow text's characters; once, at the first conversion."""

        if self._extra is not None:
            return
        table = simplified_shadow_table()
        if extra is None:
            lex = lexicon()
            # text written in a regional form: its words weigh what their mainland renderings do
            weights = written_weights(self.direction.phrase_dicts, self.terms) \
                if self.source != "zh-Hans" and self.direction is not None else None
            # (a sentence pattern's word is a word too: 吃到饱, which jieba lacks; from Traditional,
            # 收在 too, which jieba splits)
            extra = add_words(lex, [k.translate(table) for k in self.terms]
                              + [w for w in self._sentences if self.source != "zh-Hans" or not lex.freq.get(w)],
                              weights)
            # a desk writing in Traditional: its own key is its word wherever its characters make one,
            # and beats a neighbour's pull (風場|內, not 風|場內), as a user dictionary does; a longer
            # key holding it is lifted as much, so the longest still wins (機場捷運 with an entry 捷運)
            if self.source != "zh-Hans":
                own = [k for k in self.terms if len(k) > 1 and self._origin.get(k) is not None
                       and not self._origin[k].house]
                longer = [k for k in self.terms if len(k) > 2] if own else []
                for k in own + [key for key in longer if any(o in key and o != key for o in own)]:
                    w = k.translate(table)
                    extra[w] = max(extra.get(w, 0), lex.total // OWN_KEY_SHARE)
        self._extra = extra
        self._shadow = {q: {k.translate(table): v for k, v in self._vocabulary(q).items()}
                        for q in (False, QUOTE, INSTITUTION)}

    def _neighbours(self, glossary: Glossary) -> dict[str, str]:
        """A glossary pattern's pair (通过 + 网上银行) was made with its
        neighbour in plain OpenCC's rendering (網上銀行); it takes the one this
        converter gives the neighbour on its own (網路銀行, a glossary term).
        Returns the patterns' new forms."""

        forms: dict[str, str] = {}

        cc, table = chain(self.direction.words), simplified_shadow_table()
        for term in glossary.terms:
            src = term.forms.get(self.source) if term.pattern else None
            if src is None or self._origin.get(src) is not term or src not in self.terms:
                continue
            left, right = term.pattern
            target, a, b = self.terms[src], cc.convert(left), cc.convert(right)
            if not (target.startswith(a) and target.endswith(b)) or len(target) < len(a) + len(b):
                continue
            own = target[len(a):len(target) - len(b)]
            word = src[len(left):len(src) - len(right)]  # (the segmentation's words are in the shadow's characters)
            self._context.setdefault(word.translate(table), []).append(
                (left.translate(table), right.translate(table), src, own))
            better = (self.convert(left) if left else "") + own + (self.convert(right) if right else "")
            self.terms[src] = forms[src] = better
            if src in self.names:
                self.names[src] = better
        return forms

    def _complete_extensions(self) -> None:
        """An entry whose rendering adds to what is written, after it (奧運 ->
        奥运会, 唐納 -> 唐纳德; OpenCC's own 厄瓜多 -> 厄瓜多尔) or before it
        (大萧条 -> 經濟大蕭條; 税前利润 -> 除稅前溢利, where the rest changes
        too: the addition is the at most two characters before the key's
        first two), also covers the written form that already has the
        addition, so a writer who wrote it does not get it twice: 奧運會 ->
        奥运会, not 奥运会会; 经济大萧条 -> 經濟大蕭條; 除税前利润 -> 除稅前溢利.
        An entry of its own for the longer form wins."""
        back = DIRECTIONS.get((self.variant, self.source))
        if back is None or self.direction is None:
            return
        plain, to_source = chain(self.direction.characters), chain(back.words)
        # (a character conversion keeps the length: only a longer rendering can add anything)
        found = {k: v for k, v in self.terms.items() if 1 < len(k) < len(v)}
        found.update((k, v) for k, v in _longer_phrases(self.source, self.variant).items() if k not in self.terms)
        for src, target in found.items():
            base = plain.convert(src)
            if len(target) <= len(base):
                continue
            at = target.find(base[:2]) if len(base) > 1 else -1
            if target.startswith(base):  # 奧運 -> 奥运会: 奧運會
                longer = src + to_source.convert(target[len(base):])
            elif target.endswith(base):  # 大萧条 -> 經濟大蕭條: 经济大萧条
                longer = to_source.convert(target[:len(target) - len(base)]) + src
            elif 0 < at <= 2:  # 税前利润 -> 除稅前溢利 (the rest changes too): 除税前利润
                longer = to_source.convert(target[:at]) + src
            else:
                continue
            if longer in self.terms or longer in found or longer in phrase_table(self.direction.phrase_dicts):
                continue
            self.terms[longer] = target
            self._origin.setdefault(longer, self._origin.get(src))
            if src in self.names:
                self.names[longer] = target
            if src in self._house:  # a shipped entry's (OpenCC's repairs its own phrase inside any word)
                self._house.add(longer)

    def _vocabulary(self, mode: int) -> dict[str, str]:
        """The glossary keys that apply: everywhere (mode 0), or inside a
        quotation or an institution's name, which keep their own words:
        names, and the entries that only choose characters (发布 -> 發布; not
        信息 -> 資訊, which is Taiwan's word, not the speaker's)."""
        if not mode:
            return self.terms
        if self._kept is None:
            t2s = opencc_converter("t2s")
            self._kept = {k: v for k, v in self.names.items() if k in self._name_keys
                          or t2s.convert(v) == t2s.convert(k)}
        return self._kept

    def _cc(self, quoted: bool = False) -> Chain:
        if self.source == "zh-Hans" and quoted:
            return chain((QUOTE_CONFIG[self.variant],))
        return chain(self.direction.quoted if quoted else self.direction.words)

    def written_form(self, term) -> str | None:
        """How ``term`` appears in text written in the source variant."""
        form = term.forms.get(self.source)
        if form is None:  # written from Simplified: what OpenCC makes of the Simplified form
            form = chain(DIRECTIONS[("zh-Hans", self.source)].words).convert(term.forms["zh-Hans"])
        return form

    def _add(self, term) -> None:
        reverse = self.source != "zh-Hans"
        variant = self.variant
        if term.only_from and self.source not in term.only_from:
            return  # holds one way only (千瓦时 -> 度, never 度 -> 千瓦时)
        if term.sentence:  # a sentence pattern: no key of its own (see ``Sentences``)
            if variant in term.forms and self.source in term.forms:  # (word and cues in the shadow text's characters)

                table = simplified_shadow_table()
                cues = tuple(c.translate(table) for c in term.sentence)
                self._sentences.setdefault(term.forms[self.source].translate(table), []).append(
                    (cues, term.forms[variant]))
            return
        if term.category == "ambiguous" and (reverse or variant not in AMBIGUOUS_IN):
            return  # the senses are Taiwan's, written from Simplified; elsewhere OpenCC keeps the word
        if reverse and term.category == "guard" and self.source not in term.only_from \
                and term.forms.get(self.source) is not None \
                and opencc_converter("t2s").convert(term.forms[self.source]) != term.forms.get(variant, ""):
            return  # a guard that changes the word is for the Simplified-to-Taiwan direction; one that
            # keeps it (核心 stays 核心) keeps OpenCC's Taiwan-to-mainland layer from misfiring too, and
            # one written for this direction holds as written (帳蓬 -> 帐篷; 5兆位元 -> 5兆比特)
        src = self.written_form(term)
        # a missing form falls back to the plain conversion of the term
        # (never to another region's usage: Hong Kong is not Taiwan);
        # a sense-dependent word's, to the conversion without regional vocabulary
        target = term.forms.get(variant)
        if target is None:
            if variant == "zh-Hans" or reverse and "zh-Hans" not in (term.only_from or ("zh-Hans",)):
                return  # (an entry read only from Traditional gives the forms it lists: 捷運 -> 地铁 is
                # the mainland's word, not Hong Kong's)
            fallback = (QUOTE_CONFIG[variant],) if term.category == "ambiguous" \
                else DIRECTIONS[("zh-Hans", variant)].words
            target = chain(fallback).convert(term.forms["zh-Hans"])
            self._generated.append(src)
        elif variant in TERM_GLYPHS:
            target = opencc_converter(TERM_GLYPHS[variant]).convert(target)
        if reverse and term.note.startswith("vocabulary:") and self._mainland_word(src):
            return  # a foreign name's Taiwan form that mainland writing uses too (帕斯卡, the unit)
        # written for this direction, it wins: an entry that says so, and a briefing's own entry read from
        # the script the briefing is written in (the desk's word: 瓩 -> 千瓦, one character or not)
        own = reverse and not term.house
        pinned = reverse and (self.source in term.only_from or own)
        if own and all(t is None or t.house for t in self.conflicts.get(src, [self._origin.get(src)])):
            self.conflicts.pop(src, None)  # it decides over the house layer, also where that reads
            self.terms.pop(src, None)  # a form two ways (的士: 出租车 or 出租汽车)
            self._origin.pop(src, None)
            self._pinned.discard(src)
        if reverse and src in self.terms and self.terms[src] != target and not pinned:
            if src not in self._pinned:
                self.conflicts.setdefault(src, [self._origin.get(src)]).append(term)
            return
        if pinned:
            if src in self._pinned and self.terms.get(src) != target:  # two entries written for this direction
                self.conflicts.setdefault(src, [self._origin.get(src)]).append(term)
                return
            self._pinned.add(src)
            self.conflicts.pop(src, None)
        if reverse and len(src) == 1 and not pinned:
            return  # a one-character form read back is a guess (兆 before 瓦 is mega-); one written
            # for this direction is a character choice (帳 -> 账, with 帳篷 kept as a word of its own)
        self._origin.setdefault(src, term)
        if term.house and term.category != "guard":
            self._house.add(src)  # a shipped key: inside a corpus word only on its own words' boundaries
        else:
            self._house.discard(src)
        if term.category == "ambiguous":
            self.ambiguous[src] = term.note
        self.terms[src] = target
        if own and len(src) == 1 and not term.everywhere:
            self._own_chars.add(src)  # (a word of its own: not in quotations, not inside words)
        elif term.category in self.NAME_CATEGORIES + ("guard", "ambiguous") or len(src) == 1 or term.everywhere:
            self.names[src] = target
        if term.category in self.NAME_CATEGORIES:
            self._name_keys.add(src)
        if term.everywhere and len(src) > 1 and not reverse:
            self.forced[src] = target

    # -- segmentation -------------------------------------------------------

    def segments(self, text: str) -> list[Segment]:
        """The text cut into protected spans, glossary hits and plain text,
        each with its rendering. The sources concatenate back to ``text``."""
        out: list[Segment] = []
        pos = 0
        quoted = [] if self.identity else self._own_words(text)
        self._text_sentences = None  # a sentence pattern's cues: the whole sentence, across quotation marks
        self._lead = {}  # (per text, see __init__)
        if self._sentences and not self.identity:
            self._text_sentences = Sentences(text.translate(simplified_shadow_table()))
        calendar = self.source == "zh-Hant" and self.variant != "zh-Hant"  # (民國113年 -> 2024年)
        for m in (_PROTECTED_OR_ROC if calendar else PROTECTED_RE).finditer(text):
            year = roc_year(m.group("roc")) if calendar and m.group("roc") else None
            if calendar and m.group("roc") and year is None:
                continue  # not a number after all: converted as text
            if m.start() > pos:
                out.extend(self._words_of(text[pos:m.start()], pos, quoted))
            if year is not None:
                out.append(Segment("term", m.group(0), f"{year}年", m.start()))
                self._lead[m.end()] = "年"  # (民國114年|第1季: a calendar quarter, as after 2025年)
            elif calendar and m.group("tri"):
                value = decimal.Decimal(m.group("tri")) + decimal.Decimal(m.group("yi").replace(",", "")) / 10000
                unit = "万亿" if self.variant == "zh-Hans" else "萬億"
                out.append(Segment("term", m.group(0), f"{value.normalize():f}{unit}", m.start()))
            elif calendar and m.group("months"):
                months = m.group("months").replace("兩", "两") if self.variant == "zh-Hans" else m.group("months")
                out.append(Segment("term", m.group(0), months + ("个月" if self.variant == "zh-Hans" else "個月"), m.start()))
            elif calendar and m.group("mag"):
                hans = self.variant == "zh-Hans"  # Hong Kong: 黎克特制5.8級 (the Observatory's name of the scale)
                scale = ("里氏" if hans else "黎克特制") if m.group("richter") else ""
                out.append(Segment("term", m.group(0), f"{scale}{m.group('mag')}{'级' if hans else '級'}", m.start()))
            else:
                out.append(Segment("protected", m.group(0), m.group(0), m.start()))
            pos = m.end()
        if pos < len(text):
            out.extend(self._words_of(text[pos:], pos, quoted))
        return out

    def _own_words(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, mode) of what keeps its own words: quotations (mode
        QUOTE) and, from Simplified, a mainland institution's name
        (INSTITUTION, see ``INSTITUTION_RE``), also inside a quotation. A
        word in quotation marks that nobody is said to say (“硬件”建设, 点击
        “文件”: a term set off or a label, see ``marked_term``) is converted
        as the text around it."""
        if self.source != "zh-Hans":  # a Taiwan speaker's words in a mainland edition take the mainland's
            return []  # words for the same things, as OpenCC's tw2sp gives them (作業系統 -> 操作系统)
        spans = [(a, b, QUOTE) for a, b in quotation_spans(text) if not marked_term(text, a, b)]
        out: list[tuple[int, int, int]] = []
        names = [(a, b, INSTITUTION) for a, b in institution_spans(text)]
        for a, b, mode in sorted(spans + names, key=lambda s: (s[0], s[2])):  # a quotation before a name in it
            if out and a < out[-1][1]:  # a name inside a quotation (no name crosses a quotation mark)
                qa, qb, _ = out.pop()
                out.extend(s for s in ((qa, a, QUOTE), (a, b, mode), (b, qb, QUOTE)) if s[0] < s[1])
            else:
                out.append((a, b, mode))
        return out

    def _words_of(self, text: str, base: int, quoted: list[tuple[int, int, int]]) -> list[Segment]:
        """One unprotected chunk: its quoted and unquoted parts, each segmented."""
        if self.identity:
            return self._plain(text, base)
        out: list[Segment] = []
        pos = 0
        first = bisect.bisect_right([e for _, e, _ in quoted], base) if len(quoted) > 8 else 0
        for start, end, mode in quoted[first:]:
            if start - base >= len(text):
                break
            start, end = max(start - base, pos), min(end - base, len(text))
            if end <= start:
                continue
            if start > pos:
                out.extend(self._terms(text[pos:start], base + pos, False))
            out.extend(self._terms(text[start:end], base + start, mode))
            pos = end
        if pos < len(text):
            out.extend(self._terms(text[pos:], base + pos, False))
        return out

    def _terms(self, text: str, base: int, in_quote: bool) -> list[Segment]:
        if self._forced_re is not None:
            out, pos = [], 0
            for m in self._forced_re.finditer(text):
                if m.start() > pos:
                    out.extend(self._segmented(text[pos:m.start()], base + pos, in_quote))
                out.append(Segment("term", m.group(0), self.forced[m.group(0)], base + m.start()))
                pos = m.end()
            if pos < len(text):
                out.extend(self._segmented(text[pos:], base + pos, in_quote))
            return out
        return self._segmented(text, base, in_quote)

    def _segmented(self, text: str, base: int, in_quote: bool) -> list[Segment]:
        lex = lexicon()
        self._segmentation_weights()
        terms = self._vocabulary(in_quote)
        out: list[Segment] = []
        run_start, pos = 0, 0
        run: list[str] = []

        def flush() -> None:
            if run:
                out.extend(self._plain("".join(run), base + run_start, run, in_quote))
                run.clear()

        # segmented as if all in Simplified (one character for one), converted as written
        shadow = text.translate(simplified_shadow_table())
        cut, first_cuts = self._cut(shadow, lex, self._shadow[in_quote])
        sentences, at = (self._text_sentences, base) if self._text_sentences is not None else (Sentences(shadow), 0)
        for i, shadow_word in enumerate(cut):
            word = text[pos:pos + len(shadow_word)]
            decided = self._beside(cut, i, pos, terms, first_cuts, self._lead.get(base, "")) \
                if shadow_word in self._context and (word not in terms or word in self.ambiguous) else None
            if decided is None and not in_quote and shadow_word in self._sentences \
                    and (word not in terms or word in self.ambiguous or self._shipped(word)):
                decided = sentences.form(at + pos, shadow_word, self._sentences[shadow_word])
            if decided is not None:  # a pattern's word decided by its neighbour or its sentence
                flush()
                out.append(Segment("term", word, decided, base + pos))
            elif word in terms:
                flush()
                out.append(Segment("ambiguous" if word in self.ambiguous else "term", word,
                                   self._after_written(text, pos, word, terms[word], out), base + pos))
            else:
                if not run:
                    run_start = pos
                run.append(word)
            pos += len(word)
        flush()
        return out

    def _mainland_word(self, written: str) -> bool:
        """Whether ``written``, put into Simplified characters, is an ordinary
        mainland word (jieba's count at least MAINLAND_COMMON)."""

        return (lexicon().freq.get(opencc_converter("t2s").convert(written)) or 0) >= MAINLAND_COMMON

    def _shipped(self, key: str) -> bool:
        """Whether the entry for ``key`` is the house layer's (a term or a
        guard): a sentence pattern decides the word before it does, while a
        briefing's own entry for the word wins over any pattern."""
        origin = self._origin.get(key)
        return key in self._house or origin is not None and origin.house

    def _beside(self, words: list[str], i: int, pos: int, terms: dict[str, str], first_cuts: set[int],
                lead: str = "") -> str | None:
        """The form a pattern gives ``words[i]`` (at ``pos``) when the
        segmentation left it a word of its own next to its deciding word, whose
        pair therefore lost (一支|烟: 支烟 -> 支菸 lost to the quantity 一支).
        The word on the deciding side must be the context itself, a word of
        the first segmentation too, or, on the left, a quantity or ordinal
        ending in it (一支, 第三届), or a glossary key ending in it, whose pair
        overlapped this one (后台自动|保存: 背景自動儲存); a longer word that merely begins with the
        context decides nothing (通过|网络安全 stays 通過, though 网络安全 was
        cut again round the key 网络), unless it is a glossary key itself, whose
        pair overlapped this one (文件|保存到桌面: 把檔案儲存到桌面). An
        approximate quantity counts as one (數百|兆, 幾十|萬). ``lead``: the
        word before the chunk when a term ends right before it (民國114年 is
        2025年, so 第1季 after it is a calendar quarter as after 2025年)."""

        for left, right, key, own in self._context[words[i]]:
            if key not in terms:
                continue
            if left:
                prev = words[i - 1] if i else lead
                head = prev[:len(prev) - len(left)]
                key_before = len(prev) > len(left) and prev in terms  # two pairs overlapped: 后台自动|保存
                if not prev.endswith(left) or not key_before and (
                        not all(c in NUMERALS or c in QUANTIFIERS or c in "第数几" for c in head)
                        or i and pos - len(prev) not in first_cuts):
                    continue
            after = words[i + 1] if i + 1 < len(words) else ""
            if right and not (after == right and pos + len(words[i]) + len(right) in first_cuts
                              or len(after) > len(right) and after.startswith(right) and after in terms):
                continue  # (or a glossary key that begins with the context: 文件|保存到桌面)
            return own
        return None

    def _after_written(self, text: str, pos: int, word: str, target: str, before: list[Segment]) -> str:
        """A rendering that begins or ends with a word the writer has already
        written next to the key keeps it once: 温室大棚 -> 溫室 (大棚 -> 溫室), not
        溫室溫室; 生产流水线 -> 生產線; 外接移动硬盘 -> 外接硬碟; 台式机电脑 ->
        桌上型電腦 (台式机 -> 桌上型電腦), not 桌上型電腦電腦. Only an addition
        counts -- a head or tail the key's own characters give is the key's (and
        a repeated key is the writer's: 忽悠忽悠 -> 唬弄唬弄)."""
        if len(target) < 2 or self.direction is None:
            return target
        own = chain(self.direction.characters).convert(word)
        done = before[-1].result if before else ""
        for k in range(min(len(target), pos, len(done)), 1, -1):
            head = target[:k]
            if done.endswith(head) and text[pos - k:pos] != word[:k] and not own.startswith(head):
                return target[k:]
        end = pos + len(word)
        for k in range(min(len(target) - 1, len(text) - end), 1, -1):
            tail, after = target[-k:], text[end:end + k]
            if after != word[-k:] and not own.endswith(tail) and self._cc().convert(after) == tail:
                return target[:-k]
        return target

    def _overlay_terms(self, word: str, converted: str, terms: dict[str, str]) -> str:
        """Glossary keys inside a word kept whole (a character-choosing phrase):
        the key's span takes the glossary's form (据报道 -> 據報導) -- a shipped
        key only where it is one of the word's own words (据|报道), never across
        them (杂化 inside 复杂|化 stays); the briefing's own keys wherever they are."""
        spans = _key_spans(word, terms)
        if not spans:
            return converted

        lex = lexicon()
        points = _split_points(word) | {0, len(word)}
        out = list(converted)
        for i, j in spans:
            key = word[i:j]
            if len(terms[key]) != j - i:
                continue
            if key in self._house and self.source != "zh-Hans":
                continue  # the lexicon is Simplified: inside a Traditional word, only the briefing's own keys
            if key not in self._house or (i in points and j in points) or _two_words(word, i, j, lex):
                out[i:j] = list(terms[key])
        return "".join(out)

    def _choose_characters(self, word: str, converted: str, cc) -> str:
        """One-character entries (台 -> 台, 账 -> 帳) replace OpenCC's default
        form of that character (臺, 賬) -- never a form one of its phrases chose
        (檯燈, 颱風)."""
        if len(converted) != len(word):
            return converted
        out = list(converted)
        for i, ch in enumerate(word):
            target = self.chars.get(ch)
            if target is not None and out[i] == cc.convert(ch):
                out[i] = target
        return "".join(out)

    def _cut(self, shadow: str, lex, terms: dict[str, str]) -> tuple[list[str], set[int]]:
        """The words of ``shadow``; a word that is not one of OpenCC's regional
        phrases (a corpus compound such as 基建投资, or a character-choice
        phrase such as 据报道) is cut again when a glossary key is inside it,
        so the key applies (基建 -> 基礎建設, 报道 -> 報導); OpenCC's regional
        phrases (大数据 -> 大數據) are never cut. A piece of a cut word is cut
        again on the same terms (中国乒乓球队 -> 中国 | 乒乓球队 -> 乒乓球 | 队):
        each cut is shorter, so the depth is bounded by the longest word.
        Also returns the offsets where the first segmentation cut (a pattern's
        neighbour must be a word of that one, see ``_beside``)."""

        out: list[str] = []
        first = segment(shadow, lex, self._extra)
        todo = first[::-1]
        while todo:
            w = todo.pop()
            if len(w) > 2 and w not in terms and w not in lex.regional and _key_spans(w, terms) \
                    and not (w in lex.choosing and self._overlays(w, terms)):
                todo.extend(segment(w, lex, self._extra, whole=False)[::-1])
            else:
                out.append(w)
        return out, set(itertools.accumulate(map(len, first), initial=0))

    def _overlays(self, word: str, terms: dict[str, str]) -> bool:
        """A character-choosing OpenCC phrase (榴莲干 -> 榴槤乾) that holds
        glossary keys is kept whole when every key's form is as long as the
        key: its characters come from the phrase, each key's span from the
        glossary (see ``_word``)."""
        if len(self._cc().convert(word)) != len(word):
            return False  # OpenCC's regional layer rewrote it (个人用户 -> 個人使用者): cut it instead
        return all(len(terms[word[i:j]]) == j - i for i, j in _key_spans(word, terms))

    def _plain(self, text: str, base: int, words: list[str] | None = None, in_quote: bool = False) -> list[Segment]:
        """Text outside glossary hits: Latin words and numbers protected, the
        rest converted word by word (``words``: its segmentation)."""
        out = []
        pos = 0
        mixed = _mixed_word_spans(words) if words else []
        mixed_starts = [a for a, _ in mixed]  # (sorted, not overlapping: found by bisection)
        starts = list(itertools.accumulate(map(len, words), initial=0)) if words else None
        for m in LATIN_RE.finditer(text):
            k = bisect.bisect_right(mixed_starts, m.start()) - 1
            if k >= 0 and m.end() <= mixed[k][1]:
                continue  # B超, T恤: the Latin letter belongs to the word
            if m.start() > pos:
                chunk = text[pos:m.start()]
                out.append(Segment("text", chunk, self._convert_words(chunk, pos, words, in_quote, starts),
                                   base + pos))
            out.append(Segment("protected", m.group(0), m.group(0), base + m.start()))
            pos = m.end()
        if pos < len(text):
            chunk = text[pos:]
            out.append(Segment("text", chunk, self._convert_words(chunk, pos, words, in_quote, starts), base + pos))
        return out

    def _convert_words(self, chunk: str, offset: int, words: list[str] | None, in_quote: bool,
                       starts: list[int] | None = None) -> str:
        """``chunk`` (at ``offset`` in the text ``words`` segment) converted one word at a time;
        ``starts``: each word's offset, so the first word of the chunk is found by bisection
        (a run cut by many Latin words is not walked from its start for each piece)."""
        if self.identity or words is None:
            return self._opencc(chunk)
        first = bisect.bisect_right(starts, offset) - 1 if starts else 0
        out, pos, end = [], starts[first] if starts else 0, offset + len(chunk)
        for w in itertools.islice(words, first, None):
            lo, hi = max(pos, offset), min(pos + len(w), end)
            if lo < hi:
                out.append(self._word(w[lo - pos:hi - pos], in_quote))
            pos += len(w)
            if pos >= end:
                break
        return "".join(out)

    def _word(self, word: str, in_quote: bool) -> str:
        key = (word, in_quote)
        done = self._words.get(key)
        if done is None:
            cc = self._cc(in_quote)
            done = cc.convert(normalise_width(word))
            if self.chars and any(ch in self.chars for ch in word):
                done = self._choose_characters(word, done, cc)
            terms = self._vocabulary(in_quote)
            if len(word) > 2 and word not in terms:
                lex = lexicon()
                if len(word) > 3 and self.source == "zh-Hans" and word not in lex.regional \
                        and word not in lex.choosing:  # (the lexicon is keyed in Simplified)
                    done = self._by_pieces(word, done, in_quote)
                if len(done) == len(word) and word not in lex.regional:
                    # a regional phrase (大数据) keeps OpenCC's form whole
                    done = self._overlay_terms(word, done, terms)
            if len(self._words) < 200_000:
                self._words[key] = done
        return done

    def _by_pieces(self, word: str, done: str, in_quote: bool) -> str:
        """A corpus word that no OpenCC phrase defines (电视频道, 关联系数) is
        converted as its words: OpenCC's matching inside it would let a phrase
        straddle them (电视|频道 as 電影片道: 视频 -> 影片; 关联|系数 as 關聯絡數).
        When a piece is a lone character (四十五|里), only the pieces that
        are OpenCC phrases keep their own conversion (十|几分钟: OpenCC's
        十几分 would leave 钟 alone, as the surname 鍾); the rest take theirs
        from the word's whole conversion, the phrase around them."""
        pieces = _pieces(word)
        if len(pieces) < 2:
            return done
        if min(map(len, pieces)) >= 2:
            return "".join(self._word(p, in_quote) for p in pieces)
        if len(done) != len(word):
            return done

        lex = lexicon()
        out, pos = [], 0
        for p in pieces:
            converted = done[pos:pos + len(p)]
            if len(p) > 1 and (p in lex.choosing or p in lex.regional):  # a phrase OpenCC knows
                converted = self._word(p, in_quote)
                if len(converted) != len(p):
                    return done  # a regional word inside: the whole word's conversion stands
            out.append(converted)
            pos += len(p)
        return "".join(out)

    def _opencc(self, chunk: str) -> str:
        chunk = normalise_width(chunk)
        return chunk if self.identity else self._cc().convert(chunk)

    # -- public API ---------------------------------------------------------

    def convert(self, text: str) -> str:
        if not text:
            return text
        if self.identity and not _NEEDS_NORMALISING.search(text):
            return text
        segs = self.segments(text)
        parts = [(_separate_latin(segs, i), seg.kind == "protected") for i, seg in enumerate(segs)]
        # width normalisation may depend on a neighbouring segment (李明 + ",他说"):
        # run it once more over each run of unprotected text
        runs: list[tuple[str, bool]] = []
        for result, protected in parts:
            if runs and runs[-1][1] == protected:
                runs[-1] = (runs[-1][0] + result, protected)
            else:
                runs.append((result, protected))
        runs = _normalise_runs(runs)
        if self.identity or not self.variant.startswith("zh-Hant") and not self.source.startswith("zh-Hant"):
            return "".join(r for r, _ in runs)
        if self.variant == "zh-Hans":  # 「」『』 -> “”‘’
            return _quotes_outside(runs, QUOTES_HANS)
        if self.source != "zh-Hans":
            return "".join(r for r, _ in runs)  # Traditional to Traditional: the marks stay
        return _quotes_outside(runs)


@functools.lru_cache(maxsize=None)
def _longer_phrases(source: str, variant: str) -> dict[str, str]:
    """OpenCC's regional phrases of a direction whose rendering is longer
    than the key (厄瓜多 -> 厄瓜多尔): key -> rendering."""
    direction = DIRECTIONS[(source, variant)]
    words = chain(direction.words)
    out = {}
    for key in phrase_table(direction.phrase_dicts):
        if len(key) > 1:
            target = words.convert(key)
            if len(target) > len(key):
                out[key] = target
    return out


def _corpus_word(word: str, lex) -> bool:
    """A word of jieba's corpus dictionary (not one only OpenCC or a glossary lists)."""
    return bool(lex.freq.get(word)) and word not in lex.added


def _two_words(word: str, i: int, j: int, lex) -> bool:
    """Whether ``word[i:j]`` and what is left on either side are all corpus
    words: a split the corpus allows though it is not its best (乒乓球|队
    against 乒乓|球队)."""
    return all(_corpus_word(part, lex) for part in (word[:i], word[i:j], word[j:]) if part)


@functools.lru_cache(maxsize=65536)
def _pieces(word: str) -> tuple[str, ...]:
    """``word``'s own best split into other corpus words (never ``word``
    itself): what converting it piece by piece and laying keys over it read."""

    return tuple(segment(word, lexicon(), whole=False))


def _split_points(word: str) -> set[int]:
    """The offsets inside ``word`` where its own best split cuts it (基建投资:
    {2}; 复杂化: {2})."""
    points, q = set(), 0
    for piece in _pieces(word)[:-1]:
        q += len(piece)
        points.add(q)
    return points


def _key_spans(word: str, terms: dict[str, str]) -> list[tuple[int, int]]:
    """(start, end) of the glossary keys inside ``word``, leftmost-longest,
    never the whole word."""
    n, spans, i = len(word), [], 0
    while i < n:
        for j in range(n if i else n - 1, i + 1, -1):
            if word[i:j] in terms:
                spans.append((i, j))
                i = j
                break
        else:
            i += 1
    return spans


def _mixed_word_spans(words: list[str]) -> list[tuple[int, int]]:
    """Spans of the words that mix Latin letters or digits with Chinese."""
    spans, pos = [], 0
    for w in words:
        if len(w) > 1 and _ALNUM.search(w) and _CJK_CONTEXT.search(w):
            spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


_ALNUM = re.compile(r"[A-Za-z0-9]")
# what a reader sees before a run of text: a citation or a number reference
# renders right after the claim, so the text before it counts
_INVISIBLE_BEFORE = re.compile(r"\[@|\[\[num:")
_CJK_CONTEXT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff」』）》〉】〕”’]")


def _normalise_runs(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Width normalisation of each unprotected run, judged with the Chinese
    character the reader sees before it ("他说[@digest],见" -> "，见")."""
    out: list[tuple[str, bool]] = []
    before = ""
    for run, protected in runs:
        if protected:
            out.append((run, protected))
            if not _INVISIBLE_BEFORE.match(run):
                before = run[-1:]
            continue
        prefix = before if _CJK_CONTEXT.match(before or " ") else ""
        run = normalise_width(prefix + run)[len(prefix):]
        out.append((run, protected))
        before = run[-1:] or before
    return out


def _separate_latin(segs: list[Segment], i: int) -> str:
    """A glossary form that starts or ends in Latin (安卓 -> Android) gets a
    space where it would otherwise run into a Latin neighbour (Sora安卓 ->
    Sora Android, not SoraAndroid) -- not where the written key already
    did (1|0克 -> 10公克: the digits were neighbours as written)."""
    seg = segs[i]
    out = seg.result
    if seg.kind != "term" or not out:
        return out
    if i > 0 and _ALNUM.match(out[0]) and not _ALNUM.match(seg.source[:1] or " ") \
            and segs[i - 1].result[-1:] and _ALNUM.match(segs[i - 1].result[-1]):
        out = " " + out
    if i + 1 < len(segs) and _ALNUM.match(out[-1]) and not _ALNUM.match(seg.source[-1:] or " ") \
            and _ALNUM.match(segs[i + 1].result[:1] or " "):
        out = out + " "
    return out


# cheap test: only text that could change goes through segmentation in zh-Hans
_NEEDS_NORMALISING = re.compile(r"[,;:?!()\uff01-\uff5e]")


def _quotes_outside(runs: list[tuple[str, bool]], table: dict | None = None) -> str:
    """Quote conversion over the whole text (an apostrophe is judged by its
    real neighbours), leaving protected spans alone."""
    text = "".join(r for r, _ in runs)
    converted = convert_quotes(text) if table is None else text.translate(table)
    out, pos = [], 0
    for r, protected in runs:
        out.append(r if protected else converted[pos:pos + len(r)])
        pos += len(r)
    return "".join(out)


def convert_quotes(text: str) -> str:
    """“ ” ‘ ’ -> 「 」 『 』; an apostrophe inside a Latin word stays."""
    out = []
    for i, ch in enumerate(text):
        if ch in QUOTES_HANT:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch == "’" and prev.isascii() and prev.isalpha() and (not nxt or (nxt.isascii() and nxt.isalpha())):
                out.append(ch)
                continue
            out.append(QUOTES_HANT[ch])
        else:
            out.append(ch)
    return "".join(out)


# -- what OpenCC's phrase layer did (for the conversion review) ---------------


# -- one-to-many characters (for the conversion review) -----------------------


# -- Taiwan words left in a Simplified edition (for the conversion review) -----


def _cache_key(glossary: Glossary, *what) -> tuple[bytes, str]:
    """The user's-cache key and versions for what a converter makes of
    ``glossary`` (``what``: the direction, the words): every entry, this
    package's code, and the jieba and OpenCC data it reads."""

    key = repr((*what, _glossary_digest(glossary))).encode()  # (the package's code: segment.read_cache)
    return key, f"{LEXICON_FORMAT}-jieba{fingerprint._version('jieba')}-{fingerprint._opencc_digest()}"


_DIGESTED: list = []  # (the terms, their digest) of the last glossary asked about


def _glossary_digest(glossary: Glossary) -> str:
    """A digest of every entry of ``glossary`` (what a converter reads: the
    house layer, the vocabulary and the briefing's own entries, however the
    glossary was put together), computed once per glossary (~0.03 s)."""
    if _DIGESTED and _DIGESTED[0] is glossary.terms:
        return _DIGESTED[1]
    digest = hashlib.sha256(repr(glossary.terms).encode()).hexdigest()
    _DIGESTED[:] = [glossary.terms, digest]
    return digest


def converted_terms(glossary: Glossary, variant: str, words: list[str]) -> list[str]:
    """``words`` (Simplified) as ``Converter(variant, glossary)`` renders them,
    remembered in the user's cache for the same words, the same glossary
    entries (:func:`_glossary_digest`), this package (its code) and OpenCC's
    and jieba's data: the glossary table of an edition that converts nothing
    else (the Simplified one) then costs no converter (0.5 s and ~140 MB
    for the lexicon). Computed again, with the same result, when the cache
    is absent, damaged or unwritable."""

    key, versions = _cache_key(glossary, variant, words)
    found = read_cache("glossary-terms", key, versions)
    if isinstance(found, list) and len(found) == len(words) and all(isinstance(f, str) for f in found):
        return found
    converter = Converter(variant, glossary)
    forms = [converter.convert(w) for w in words]
    write_cache("glossary-terms", key, forms, versions)
    return forms
