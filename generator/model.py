"""The domain: what a briefing is made of. Plain data, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class Prose(str):
    """A piece of human-written text that remembers where it was written.

    Prose is what the converter, the typographer and the lint touch; ids,
    file names and URLs are plain ``str`` and are never converted.
    """

    path: str = ""
    line: int = 0

    def __new__(cls, value: str, path: str = "", line: int = 0):
        obj = super().__new__(cls, value)
        obj.path, obj.line = path, line
        return obj

    def derive(self, value: str) -> "Prose":
        return Prose(value, self.path, self.line)


VARIANTS = ("zh-Hans", "zh-Hant", "zh-Hant-HK")
FORMATS = ("html", "pdf")
# The build manifest in an output folder (generator.write.incremental writes it):
# also the sign that a folder is one the build wrote, and a name no output may take.
MANIFEST = "manifest.json"
LIKELIHOOD = (
    "almost-no-chance", "very-unlikely", "unlikely", "roughly-even", "likely", "very-likely", "almost-certain",
)
CONFIDENCE = ("high", "medium", "low")
NUMBER_KINDS = ("quantity", "money", "percent", "multiple", "date", "year", "score")
# Who a figure comes from. The first five fit quotations from interviews; the
# neutral three fit every other kind of source (statistics, filings, research).
STATUSES = ("direct-quote", "paraphrase", "outlet-estimate", "background", "conflicting",
            "official", "reported", "estimate")
SCALES = {
    "thousand": 10**3, "ten-thousand": 10**4, "million": 10**6,
    "hundred-million": 10**8, "billion": 10**9, "trillion": 10**12,
}
CURRENCIES = ("USD", "CNY", "TWD", "HKD", "EUR")
# How a figure is hedged (docs/content-model.md, "qualifier"). A point takes
# at most one of each group, written as one name or a list of names:
# bounds (约, 超过 … before the figure; 以上, 内 after it) ...
QUALIFIERS = ("about", "more-than", "nearly", "less-than", "up-to", "or-more", "within")
SUFFIX_QUALIFIERS = ("or-more", "within")  # 100万以上, 2年内
# ... the part of a year or month a date or year means (2025年底, 11月中旬, 2026年第一季度) ...
DATE_PARTS = ("early", "mid", "late", "first-half", "second-half", "q1", "q2", "q3", "q4")
YEAR_PARTS = ("first-half", "second-half", "q1", "q2", "q3", "q4")  # of a year only, never of a month
# ... what the figure is not yet: a deal in talks, a plan, an unconfirmed report ...
STAGES = ("in-talks", "planned", "expected", "reported", "estimated", "unconfirmed")
# ... and two values that are alternatives, not a range: 10或100倍 (not 10～100倍).
ALTERNATIVES = "alternatives"
# Statuses whose figure is never shown bare where no status column stands next
# to it (相关数字 strips, charts): it is someone's report or estimate, not a fact.
TENTATIVE_STATUSES = ("reported", "estimate", "outlet-estimate")
# The kinds of source every briefing may use without declaring them (labels in
# templates/strings/<variant>.yaml, ``kind.<id>``); a briefing declares its own
# in the manifest's ``source_kinds`` (id -> label), which also relabel these.
SOURCE_KINDS = ("news", "analysis", "long-form", "commentary", "transcript", "official", "filing", "research",
                "data", "machine-digest")
RELIABILITY = ("high", "medium", "low")
GLOSSARY_CATEGORIES = ("person", "org", "product", "title", "term", "guard")  # and "ambiguous" (its own list)


@dataclass(frozen=True)
class Citation:
    source: str
    locator: str = ""
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    short: Prose
    title: Prose
    outlet: Prose
    date: dt.date
    script: str
    kind: str
    reliability: str
    note: Prose
    url: str = ""
    line: int = 0
    # parts of the source that are nobody's words (a tool's summary, an
    # outlet's synopsis): (from fragment, to fragment or "", line in sources.yaml)
    unquotable: tuple[tuple[str, str, int], ...] = ()
    # a transcript's speaker labels and the names the briefing gives each
    # person: ((label, (name, ...)), ...), e.g. (("Lee", ("李明", "李先生")),)
    speakers: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Manifest:
    title: Prose
    subtitle: Prose
    edition: int
    version: str
    issue_date: dt.date
    cutoff: dt.datetime
    issuing_unit: Prose
    distribution: Prose
    author: Prose
    variants: tuple[str, ...]
    themes: tuple[str, ...]
    path: str = ""
    written_in: str = "zh-Hans"  # the variant the content is written in; the others are generated
    sources_note: Prose | None = None  # how far the sources corroborate each other (shown above the source list)
    source_kinds: dict = field(default_factory=dict, compare=False)  # kind id -> label (Prose), the briefing's own
    # how a currency is written after a figure: {"*": {code: Prose}} for every
    # edition (converted), {variant: {code: text}} for one edition (as written)
    currency_names: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Theme:
    id: str
    title: Prose
    takeaway: Prose
    sources: tuple[str, ...]
    numbers: tuple[str, ...]
    questions: tuple[str, ...]
    body: str  # Markdown, zh-Hans (or converted)
    path: str
    body_line: int  # file line of the body's first line
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> source line


@dataclass(frozen=True)
class Point:
    """One value of a key number: a single figure, a point of a series, or a version."""

    value: object  # float | int | (low, high) | date | str
    as_of: str
    sources: tuple[Citation, ...]
    scale: str = ""
    qualifier: str = ""  # a bound: about, more-than, ... (QUALIFIERS)
    note: Prose | None = None
    line: int = 0
    part: str = ""  # of a date or year: early, mid, late, q1 ... (DATE_PARTS)
    stage: str = ""  # in-talks, planned, ... (STAGES)
    alternatives: bool = False  # a two-value value read as "a or b", not a range


@dataclass(frozen=True)
class KeyNumber:
    id: str
    label: Prose
    theme: str
    kind: str
    status: str
    points: tuple[Point, ...]
    shape: str  # "single" | "series" | "versions"
    unit: Prose | None = None
    currency: str = ""
    note: Prose | None = None
    line: int = 0
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> source line

    @property
    def headline(self) -> Point:
        return self.points[-1] if self.shape == "series" else self.points[0]


@dataclass(frozen=True)
class Question:
    id: str
    question: Prose
    why: Prose
    themes: tuple[str, ...]
    answer_by: Prose
    raised_by: Citation | None  # None: raised by us
    top: bool = False
    line: int = 0
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> source line


@dataclass(frozen=True)
class Judgment:
    id: str
    text: Prose
    likelihood: str
    confidence: str
    themes: tuple[str, ...]
    line: int = 0
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> source line


@dataclass(frozen=True)
class Signpost:
    signpost: Prose
    judgment: str
    line: int = 0
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> source line


@dataclass(frozen=True)
class Summary:
    bottom_line: tuple[Prose, ...]
    judgments: tuple[Judgment, ...]
    watch: tuple[Signpost, ...]


@dataclass(frozen=True)
class Term:
    forms: dict  # variant -> rendering; always has "zh-Hans"
    en: str = ""
    category: str = "term"
    show: bool = False
    note: str = ""
    line: int = 0
    everywhere: bool = False  # notation (万亿 -> 兆): applies inside any word and inside quotations
    only_from: tuple = ()  # the written variants it holds from (千瓦时 -> 度, never 度 -> 千瓦时); () = every
    house: bool = False  # from the house glossary shipped with the package (not the briefing's own)
    pattern: tuple = ()  # a glossary pattern's pair: its neighbours (before, after); never replaces an entry written out
    sentence: tuple = ()  # a sentence pattern's cue words: the form holds for the word in a sentence that has one


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    path: str = ""


@dataclass
class Content:
    root: str
    manifest: Manifest
    summary: Summary
    themes: tuple[Theme, ...]
    numbers: tuple[KeyNumber, ...]
    questions: tuple[Question, ...]
    sources: tuple[Source, ...]
    glossary: Glossary
    # methodology.md, disclaimer.md, corrections.md: the text of each one present
    back: dict = field(default_factory=dict, compare=False)

    def number(self, id: str) -> KeyNumber:
        return {n.id: n for n in self.numbers}[id]
