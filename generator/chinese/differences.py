"""What a conversion did that an editor should look at: the phrases it
changed beyond one character for another, the characters with more than
one reading, and the regional words (Taiwan's 软体, Hong Kong's 入标) left
in a generated Simplified edition.

In: a :class:`generator.chinese.convert.Converter` and the text it
converted. Out: the changes, each at its place in the text, for
``briefing check --review-conversion`` (generator.check.review).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from generator.chinese.backend import chain, opencc_converter, opencc_dictionary, phrase_table
from generator.chinese.convert import Converter
from generator.chinese.scripts import rules
from generator.chinese.segment import MAINLAND_COMMON, lexicon, segment
from generator.chinese.typography import normalise_width


@dataclass(frozen=True)
class PhraseChange:
    """One substitution OpenCC's regional phrase layer made beyond the
    character mapping: 软件 -> 軟體 where characters alone give 軟件."""

    source: str  # the zh-Hans phrase
    characters: str  # what the character mapping alone gives
    phrase: str  # what the phrase layer made of it
    line: int  # 0-based line of ``text`` the phrase is on
    offset: int  # about where it starts in ``text`` (for showing context)


def phrase_changes(converter: Converter, text: str) -> list[PhraseChange]:
    """Every phrase-level substitution OpenCC made in the plain-text segments
    of ``text`` (glossary hits and protected spans are the editor's already)."""
    if converter.identity or converter.direction is None:
        return []
    char_cc = chain(converter.direction.characters)
    # the regional keys are matched in the text as it stands before the regional layer
    trad_cc = opencc_converter("s2t") if converter.source == "zh-Hans" else chain(())
    table = phrase_table(converter.direction.phrase_dicts)
    out: list[PhraseChange] = []
    for seg in converter.segments(text):
        if seg.kind != "text":
            continue
        src = normalise_width(seg.source)
        plain = char_cc.convert(src)
        if converter.chars and len(plain) == len(src):  # one-character glossary entries (台, 帳) are the editor's
            plain = "".join(converter.chars.get(a, b) for a, b in zip(src, plain))
        if plain == seg.result:
            continue
        before = text.count("\n", 0, seg.start)
        for s, a, b, at in _phrase_runs(src, trad_cc.convert(src), plain, seg.result, table):
            out.append(PhraseChange(s, a, b, before + src.count("\n", 0, at), seg.start + at))
    return out


def _phrase_runs(src: str, t: str, a: str, b: str,
                 table: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str, int]]:
    """Walk the character-level ``a`` and the phrase-level ``b`` side by side,
    explaining each difference by the dictionary phrase that caused it (keys
    are matched in ``t``, the text before regional variants). What no phrase
    explains is reported as a plain difference."""
    if not (len(src) == len(t) == len(a)):
        return [(src, a, b, 0)]
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        hit = None
        for length in range(min(12, len(t) - i), 1, -1):
            for cand in table.get(t[i:i + length], ()):
                if b.startswith(cand, j) and cand != a[i:i + length]:
                    hit = (length, cand)
                    break
            if hit:
                break
        if hit:
            length, cand = hit
            out.append((src[i:i + length], a[i:i + length], cand, i))
            i, j = i + length, j + len(cand)
        elif a[i] == b[j]:
            i, j = i + 1, j + 1
        else:  # unexplained: report the rest by a plain diff
            sm = difflib.SequenceMatcher(a=a[i:], b=b[j:], autojunk=False)
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op != "equal":
                    lo, hi = i + max(0, i1 - 1), i + min(len(a) - i, i2 + 1)
                    out.append((src[lo:hi], a[lo:hi], b[j + max(0, j1 - 1):j + min(len(b) - j, j2 + 1)], lo))
            break
    return out


@functools.lru_cache(maxsize=1)
def one_to_many() -> dict[str, tuple[str, ...]]:
    """Simplified characters with several Traditional forms (OpenCC's
    STCharacters): 表 -> 表 錶, 克 -> 克 剋, 干 -> 幹 乾 干 … The first is the default."""

    return {k: v for k, v in opencc_dictionary("STCharacters") if len(k) == 1 and len(v) > 1}


@dataclass(frozen=True)
class CharacterChoice:
    """A one-to-many character the conversion did not give its default form:
    放电表现 -> 放電錶現 (表 -> 錶), 克制 -> 剋制 (克 -> 剋)."""

    source: str  # the zh-Hans word it is in
    default: str  # the word with every character in its default form
    chosen: str  # what the conversion made of the word
    choices: str  # "表→錶" for each character that left its default
    line: int  # 0-based line of the text
    offset: int


def character_choices(converter: Converter, text: str) -> list[CharacterChoice]:
    """Every word of ``text`` in which OpenCC gave a one-to-many character a
    form other than its default (glossary forms are the editor's already)."""
    if converter.identity or converter.source != "zh-Hans":
        return []  # (one-to-many is the Simplified-to-Traditional direction's trap)

    table = one_to_many()
    out: list[CharacterChoice] = []
    for seg in converter.segments(text):
        if seg.kind != "text" or not any(ch in table for ch in seg.source):
            continue
        src = normalise_width(seg.source)
        if len(src) != len(seg.result):
            continue
        pos = 0
        for word in segment(src, lexicon()):
            end = pos + len(word)
            picked = [(i, src[i], seg.result[i]) for i in range(pos, end)
                      if src[i] in table and seg.result[i] != table[src[i]][0] and seg.result[i] in table[src[i]]
                      and seg.result[i] != converter.chars.get(src[i])]
            if picked:
                default = "".join(table[c][0] if c in table else seg.result[i] for i, c in enumerate(src[pos:end], pos))
                at = seg.start + pos
                out.append(CharacterChoice(word, default, seg.result[pos:end],
                                           "、".join(f"{a}→{b}" for _, a, b in picked),
                                           text.count("\n", 0, at), at))
            pos = end
    return out


@functools.lru_cache(maxsize=1)
def taiwan_words() -> dict[str, str]:
    """Taiwan usage as it looks in Simplified characters -> the mainland word:
    软体 -> 软件, 网路 -> 网络, 资料库 -> 数据库 (OpenCC's Taiwan phrase list, read
    backwards). A Simplified edition generated from Traditional text should
    hold none of them; where one is meant (影片 for a film), the editor confirms it."""

    t2s = opencc_converter("t2s")
    corpus = lexicon().freq
    reviewed = set(rules().get("mainland_words", "").split())  # ordinary mainland words too (简报, 截图)
    out: dict[str, str] = {}
    for key, values in opencc_dictionary("TWPhrases"):
        for taiwan in values[:1]:
            word, mainland = t2s.convert(taiwan), t2s.convert(key)
            # a word the mainland corpus uses itself (程序) is no Taiwan leftover
            if word != mainland and len(word) > 1 and corpus.get(word, 0) < MAINLAND_COMMON and word not in reviewed:
                out.setdefault(word, mainland)
    return out


@functools.lru_cache(maxsize=1)
def hong_kong_words() -> dict[str, str]:
    """Hong Kong written usage in Simplified characters -> the mainland word
    (入标 -> 投标, 视乎 -> 取决于): the reviewed list in lint_rules.yaml, less
    any word the mainland corpus uses itself."""

    corpus = lexicon().freq
    listed = rules().get("hong_kong_words") or {}
    return {str(w): str(m) for w, m in listed.items() if corpus.get(str(w), 0) < MAINLAND_COMMON}


REGIONAL_WORDS = {"zh-Hant": taiwan_words, "zh-Hant-HK": hong_kong_words}  # by the variant written in
REGION_NAMES = {"zh-Hant": "Taiwan", "zh-Hant-HK": "Hong Kong"}


@functools.lru_cache(maxsize=2)
def _regional_words_re(source: str = "zh-Hant") -> re.Pattern | None:
    words = sorted(REGIONAL_WORDS[source](), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def regional_words_left(converter: Converter, text: str) -> list[PhraseChange]:
    """Words of the region the text is written in (Taiwan's, Hong Kong's) in
    the Simplified text made from ``text`` (a reviewable list, not a guess at
    what was meant)."""
    if converter.variant != "zh-Hans" or converter.source not in REGIONAL_WORDS:
        return []
    words_re = _regional_words_re(converter.source)
    if words_re is None:
        return []
    out: list[PhraseChange] = []
    table = REGIONAL_WORDS[converter.source]()
    for seg in converter.segments(text):
        if seg.kind == "protected":
            continue
        for m in words_re.finditer(seg.result):
            at = seg.start + min(m.start(), len(seg.source))
            out.append(PhraseChange(seg.source[m.start():m.end()] if len(seg.source) == len(seg.result) else m.group(0),
                                    table[m.group(0)], m.group(0), text.count("\n", 0, at), at))
    return out
