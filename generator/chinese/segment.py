"""Which spans of a Simplified text are words: the segmentation conversion follows.

OpenCC converts by forward maximum matching over its phrase dictionary, so
a phrase can straddle two words of the sentence: 少数组织 becomes 少陣列織
(数组, array), 被发掘 becomes 被髮掘 (被发, loose hair), 学习了如何 becomes
學習瞭如何 (OpenCC issue #1497). A glossary substituted before OpenCC has the
opposite fault: a short key splits a longer phrase OpenCC knows (数据 inside
大数据, 移动数据).

Here every candidate word competes in one segmentation: jieba's dictionary
words (frequencies from a large corpus: what tells 少数|组织 from 少|数组|织),
OpenCC's phrase keys and the glossary's keys. The segmentation is the one
with the highest product of word probabilities over the sentence -- jieba's
own route over a DAG of candidate words, linear in the text (each position
looks at most ``MAX_WORD`` characters ahead). A phrase key or glossary key
that jieba does not know, or knows as rarer than its own parts, is given
just enough weight to beat its own split: on its own it is always one word
(the longest match), but it never wins against a segmentation of its
neighbourhood that the corpus finds more likely.

Two refinements: an ordinal or a quantity keeps its one-character measure
word (第三集|成了, not 第三|集成|了; 单集|成本, not 单|集成|本;
``measure_bindings``), and text written in Traditional weighs OpenCC's
Taiwan-to-mainland phrase keys as their mainland renderings weigh in the corpus (網路 as 网络: 無線|網路, not 无线网|路; ``regional_weights``).

The lexicon (jieba's 349,000 words, OpenCC's 50,000 phrase keys) takes about
a second to build; it is cached as a marshal file under the user's cache
directory, keyed by the jieba and OpenCC versions, and loads in ~0.15 s.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import math
from collections.abc import Iterator
from pathlib import Path

from generator.chinese.backend import (  # noqa: F401 (opencc_dictionary: read through here too)
    opencc_converter, opencc_dictionary,
)
from generator.fingerprint import _package_digest, _version
from generator.usercache import Folder, cache_dir


MAINLAND_COMMON = 50  # jieba's count above which a word counts as ordinary mainland usage
LEXICON_FORMAT = 11  # raise when what goes into the cached lexicon changes
MAX_WORD = 16  # longer candidates are not considered (no dictionary word is this long) ...
LONGEST = "\0longest"  # ... but a glossary key may be: ``add_words`` records its length under this key
# OpenCC dictionaries whose keys are candidate words: Simplified phrase keys,
# and the regional phrase dictionaries (keyed in Traditional: converted back)
SIMPLIFIED_PHRASES = ("STPhrases", "STPhrases_GeneratedFromRegionalPhrases")
TRADITIONAL_PHRASES = ("TWPhrases", "TWVariantsPhrases", "HKVariantsPhrases",
                       # keyed in Taiwan / Hong Kong forms: the words of text written in Traditional
                       "TWPhrasesRev", "HKVariantsRevPhrases")
# character-choosing phrases of the Traditional-to-Simplified direction (乾隆, 著作)
TRADITIONAL_CHOOSING = ("TSPhrases", "TWVariantsRevPhrases")
REGIONAL_SIMPLIFIED = ("STPhrases_GeneratedFromRegionalPhrases",)


class Lexicon:
    """Word frequencies (``freq[word] > 0``) and the prefixes of every word
    (``freq[prefix] == 0``), as jieba keeps them; ``total`` is their sum."""

    def __init__(self, freq: dict[str, int], total: int, regional: frozenset[str] = frozenset(),
                 choosing: frozenset[str] = frozenset(), units: frozenset[str] = frozenset(),
                 added: frozenset[str] = frozenset()):
        self.freq, self.total = freq, total
        self.log_total = math.log(total)
        # OpenCC's other phrase keys: they choose characters (榴莲干 -> 榴槤乾, 据报道 -> 據報道)
        self.choosing = choosing
        # OpenCC's regional phrase keys (大数据 -> 大數據, 移动数据 -> 行動數據): words whose
        # regional rendering OpenCC knows as a whole, which a glossary key never splits
        self.regional = regional
        self.units = units  # jieba's measure and time words (分钟, 公里, 季度): an ordinal stops before them
        # OpenCC's phrase keys that jieba does not list (or lists as rarer than their split):
        # their weight is ours, not the corpus's
        self.added = added

    def split_weight(self, word: str, extra: dict[str, int] | None = None) -> float:
        """Log-probability of the best segmentation of ``word`` into other words."""
        n = len(word)
        best = [0.0] * (n + 1)
        for i in range(n - 1, -1, -1):
            options = []
            for j in range(i + 1, n + 1 if i else n):  # never the whole word itself
                w = word[i:j]
                f = self.freq.get(w)
                if extra and w in extra:
                    f = max(f or 0, extra[w])
                if f is None:
                    if j > i + 1:
                        break
                    f = 1
                if f or j == i + 1:
                    options.append(math.log(f or 1) - self.log_total + best[j])
            best[i] = max(options)
        return best[0]

    def weight_to_win(self, word: str, extra: dict[str, int] | None = None) -> int:
        """The smallest frequency at which ``word`` beats its own best split."""
        return int(math.exp(self.split_weight(word, extra) + self.log_total)) + 1


NUMERALS = frozenset("零〇一二两三四五六七八九十百千")
# words that count or point before a measure word (每集, 单集, 这本, 各项): with it they are a quantity
QUANTIFIERS = frozenset("每单各该这那哪某逐")
# measure words: after an ordinal or a quantity they belong to it (第三集|成了, 单集|成本)
CLASSIFIERS = frozenset("个只条张本台部辆件位名家次届期章节集场头匹座栋层份篇首支把根颗块片套批项种"
                        "类笔封架艘门道盏杯瓶碗包箱袋年月日天周版代级号幅间轮")
ORDINAL = 1000  # the weight of an ordinal with its measure word (jieba lists a few: 第三集 7)
# ... and of a quantity: enough to keep 单集|成本 and 这台|风扇 whole, too little to take the
# first character of a common word (那|只是|它, not 那只|是)
QUANTITY = 100


def measure_bindings(text: str, lex: Lexicon) -> dict[int, tuple[int, int]]:
    """Where an ordinal or a quantity with its measure word begins (第 +
    numerals, a quantifier and maybe numerals, or numerals alone, then one
    measure word) -> (where it ends, its weight); one pass. Not when the measure word
    begins a measure or time word of the dictionary (第三十二|分钟, 第二|季度,
    每|小时): only a one-character measure word binds. The binding is a
    candidate word of the segmentation, not a cut: 这|本来 and 一|部分 stay."""
    out: dict[int, tuple[int, int]] = {}
    n, i = len(text), 0
    while i < n - 1:
        c = text[i]
        if c == "第" or c in QUANTIFIERS:
            j = i + 1
        elif c in NUMERALS and (i == 0 or (text[i - 1] not in NUMERALS and text[i - 1] != "第")):
            j = i
        else:
            i += 1
            continue
        k = j
        while k < n and text[k] in NUMERALS:
            k += 1
        if (k > j or c != "第") and k < n and text[k] in CLASSIFIERS and not _unit_word_at(text, k, lex):
            out[i] = (k + 1, ORDINAL if c == "第" else QUANTITY)
        i = k  # past the numerals a binding would have taken (k > i always)
    return out


def _unit_word_at(text: str, j: int, lex: Lexicon) -> bool:
    """Whether a measure or time word of the dictionary (分钟, 季度) begins at ``j``."""
    for k in range(j + 2, min(j + MAX_WORD, len(text)) + 1):
        if lex.freq.get(text[j:k]) is None:
            return False
        if text[j:k] in lex.units:
            return True
    return False


def segment(text: str, lex: Lexicon, extra: dict[str, int] | None = None, whole: bool = True) -> list[str]:
    """``text`` cut into words (they concatenate back to ``text``).
    ``extra``: more words (the glossary's) with their frequencies;
    ``whole=False``: the text itself is not a candidate (re-cutting a word)."""
    n = len(text)
    if n == 0:
        return []
    freq, log_total = lex.freq, lex.log_total
    extra = extra or {}
    has_extra = bool(extra)
    longest = max(MAX_WORD, extra.get(LONGEST, 0))
    # route[i] = (best log-probability of text[i:], end of the first word)
    score = [0.0] * (n + 1)
    end = [0] * (n + 1)
    bound = measure_bindings(text, lex)
    for i in range(n - 1, -1, -1):
        best, best_j = -1e300, i + 1
        b = bound.get(i)
        if b is not None and (whole or i or b[0] < n):
            j, weight = b
            best, best_j = math.log(max(freq.get(text[i:j]) or 0, weight)) - log_total + score[j], j
        j = i + 1
        limit = min(n if (whole or i) else n - 1, i + longest)
        while j <= limit:
            w = text[i:j]
            f = freq.get(w)
            if has_extra:
                g = extra.get(w)
                if g is not None:
                    f = max(f or 0, g)
            if f is None:
                if j == i + 1:
                    f = 1  # an unknown character is a word of its own
                else:
                    break
            if f or j == i + 1:
                s = math.log(f or 1) - log_total + score[j]
                if s > best:
                    best, best_j = s, j
            j += 1
        score[i], end[i] = best, best_j
    out, i = [], 0
    while i < n:
        out.append(text[i:end[i]])
        i = end[i]
    return out


@functools.lru_cache(maxsize=1)
def simplified_shadow_table() -> dict[int, str]:
    """Traditional character -> Simplified, one character for one (OpenCC's
    TSCharacters, first candidate): the text is segmented as if written in
    Simplified, so a Traditional character typed among Simplified ones (or a
    quoted Traditional phrase) still finds its words."""
    table = {}
    for key, values in opencc_dictionary("TSCharacters"):
        if len(key) == 1 and values and len(values[0]) == 1 and values[0] != key:
            table[ord(key)] = values[0]
    return table


def add_words(lex: Lexicon, words, base: dict[str, int] | None = None) -> dict[str, int]:
    """Frequencies for extra words (glossary keys) and their prefixes, each
    at least enough to beat its own split (never less than jieba's own);
    ``base``: weights already given (regional_weights), which the split
    of a key counts with."""
    extra: dict[str, int] = {}
    base = base or {}
    # shortest first: a longer key must beat a split into shorter keys too
    # (新闻发布会 against 新闻 + the guard 发布会; 托斯卡尼尼 against 托斯卡尼 + 尼)
    for w in sorted({w for w in words if 1 < len(w) <= 64} | set(base), key=lambda w: (len(w), w)):
        extra[w] = max(lex.freq.get(w) or 0, base.get(w, 0), lex.weight_to_win(w, extra))
        for k in range(1, len(w)):
            extra.setdefault(w[:k], lex.freq.get(w[:k], 0))
    extra[LONGEST] = max((len(w) for w in extra), default=0)
    return extra


@functools.lru_cache(maxsize=4)
def regional_weights(names: tuple[str, ...]) -> dict[str, int]:
    """Frequencies for the keys of regional phrase dictionaries keyed in a
    regional form (TWPhrasesRev: 網路 -> 网络), in the shadow text's
    characters: a Taiwan word is as frequent in Taiwan text as its mainland
    rendering is in jieba's corpus, so 無線網路 is 无线|网路 (as 无线|网络
    would be), not jieba's 无线网|路."""

    lex, shadow, t2s = lexicon(), simplified_shadow_table(), opencc_converter("t2s")
    out: dict[str, int] = {}
    for name in names:
        for key, values in opencc_dictionary(name):
            word = key.translate(shadow)
            if len(word) > 1:  # every key (add_words lifts a longer one above its parts: 托斯卡尼尼)
                out[word] = max(out.get(word, 0), lex.freq.get(t2s.convert(values[0])) or 0)
    return out


def written_weights(names: tuple[str, ...], terms: dict[str, str]) -> dict[str, int]:
    """Weights for text written in a regional form, in the shadow text's
    characters: OpenCC's regional phrase keys (``regional_weights``) and the
    glossary's keys (written form -> mainland form), each as frequent as its
    mainland rendering (筆電 as 笔记本电脑: 這台|筆電, not jieba's 这|台笔|电)."""
    lex, shadow = lexicon(), simplified_shadow_table()
    out = dict(regional_weights(names))
    for key, target in terms.items():
        word, f = key.translate(shadow), lex.freq.get(target) or 0
        if len(key) > 1 and f > out.get(word, 0):
            out[word] = f
    return out


# -- building and caching the lexicon -----------------------------------------


def _versions() -> str:
    """The cache's key for the installed jieba and OpenCC: their versions as
    their ``*.dist-info`` directories give them (importing jieba to ask costs
    0.12 s, most of it pkg_resources, on every build's way to its first
    edition), their modules' own where there is none."""

    found = []
    for dist in ("jieba", "opencc"):
        version = _version(dist)
        if version == "absent":
            version = getattr(__import__(dist), "__version__", "?")
        found.append(f"{dist}{version}")
    return "-".join([str(LEXICON_FORMAT), *found])


def read_cache(stem: str, key: bytes = b"", versions: str | None = None):
    """What ``write_cache`` kept under ``stem`` for ``key``, this package's
    code (which made it) and the installed jieba and OpenCC versions (or
    ``versions``, when the key's owner says them: importing jieba to ask
    costs 0.1 s), or None (absent, damaged, or another version's; see
    :mod:`generator.usercache`)."""

    folder = Folder.open()
    if folder is None:
        return None
    with folder:
        data = folder.read(_cache_name(stem, key, versions))
    try:
        return None if data is None else marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None


KEPT_PER_STEM = 8  # cache files kept of each kind: the newest (a briefing's glossary, edited, makes a new one)


def write_cache(stem: str, key: bytes, value, versions: str | None = None) -> None:
    """Keep ``value`` (marshal: tuples, lists, dicts, text, numbers) in the
    user's cache, with at most :data:`KEPT_PER_STEM` files of the same
    ``stem`` (the oldest go); with no usable cache it is simply computed
    again next time, with the same result."""

    folder = Folder.open()
    if folder is not None:
        with folder:
            folder.write(_cache_name(stem, key, versions), marshal.dumps(value), (f"{stem}-", ".marshal"),
                         KEPT_PER_STEM)


def _cache_name(stem: str, key: bytes, versions: str | None = None) -> str:
    # the package's code made what is cached: any change to it makes it anew
    made_by = f"{_versions() if versions is None else versions}|{_package_digest()}"
    digest = hashlib.sha256(key + made_by.encode()).hexdigest()[:16]
    return f"{stem}-{digest}.marshal"


def _cache_path(stem: str, key: bytes, versions: str | None = None) -> Path:
    return cache_dir() / _cache_name(stem, key, versions)


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, from the cache when it is there (and built into it when not)."""
    cached = read_cache("lexicon")
    try:
        freq, total, regional, choosing, units, added = cached
    except (TypeError, ValueError):  # absent, or another layout: built again
        cached = _build()
        write_cache("lexicon", b"", cached)
        freq, total, regional, choosing, units, added = cached
    return Lexicon(freq, total, frozenset(regional), frozenset(choosing), frozenset(units), frozenset(added))


def jieba_dictionary() -> Iterator[tuple[str, int, str]]:
    """(word, count, part of speech or "") of the installed jieba's dictionary."""
    import jieba  # (here, not at the top: importing jieba takes 0.1 s, and a warm cache never needs it)

    dict_txt = Path(jieba.__file__).with_name("dict.txt")
    for line in dict_txt.read_text(encoding="utf-8").splitlines():
        word, _, rest = line.partition(" ")
        count, _, tag = rest.partition(" ")
        if word and count.isdigit():
            yield word, int(count), tag.strip()


def _build() -> tuple[dict[str, int], int, list[str], list[str], list[str], list[str]]:
    freq: dict[str, int] = {}
    total = 0
    units = []
    for word, count, tag in jieba_dictionary():
        freq[word] = count
        total += count
        if tag in ("q", "t") and len(word) > 1:
            units.append(word)
    for word in list(freq):
        for k in range(1, len(word)):
            freq.setdefault(word[:k], 0)
    lex = Lexicon(freq, total)
    keys, regional = opencc_phrase_keys()
    wanted = {k: lex.weight_to_win(k) for k in sorted(set(keys)) if 1 < len(k) <= MAX_WORD}
    added = []
    for k, f in wanted.items():
        if freq.get(k, 0) < f:
            freq[k] = f
            added.append(k)
        for j in range(1, len(k)):
            freq.setdefault(k[:j], 0)
    regional_set = set(regional)
    choosing = sorted(k for k in wanted if k not in regional_set)
    return freq, total, sorted(regional_set), choosing, sorted(units), added


def opencc_phrase_keys() -> tuple[list[str], list[str]]:
    """Every phrase key of OpenCC's Simplified-to-Traditional dictionaries, in
    Simplified (the regional dictionaries' Traditional keys converted back),
    and the regional ones among them."""

    t2s = opencc_converter("t2s")
    shadow = simplified_shadow_table()
    keys: list[str] = []
    regional: list[str] = []
    for name in SIMPLIFIED_PHRASES:
        pairs = opencc_dictionary(name)
        found = [k for k, _ in pairs]
        keys.extend(found)
        if name in REGIONAL_SIMPLIFIED:
            regional.extend(found)
    for name in TRADITIONAL_PHRASES:
        found = [k for k, _ in opencc_dictionary(name)]
        # converted back, and in its own characters one for one (what the
        # shadow text holds when those simplify differently from t2s)
        back = [t2s.convert(k) for k in found] + [k.translate(shadow) for k in found]
        keys.extend(back)
        regional.extend(back)
    for name in TRADITIONAL_CHOOSING:
        keys.extend(k.translate(shadow) for k, _ in opencc_dictionary(name))
    return keys, regional
