"""What the briefing asserts without a source: a figure or a quotation with no
citation, an explanation (因为, 原因是) that no source gives and that is not
marked as ours (我们推测……).

In: the loaded content. Out: warnings at the paragraph's line, naming the
trigger word in the desk's own script, with the fix to make. The
assessment, so-what and watch parts and the judgments are ours by their
place in the edition and are not read.
"""

from __future__ import annotations

import re

from generator.check.markdown import check_all_markup
from generator.check.text import PARAGRAPH, QUOTED, list_items, normalise, sentence_spans
from generator.chinese.backend import opencc_converter
from generator.chinese.convert import OPENCC_CHAR_CONFIG, PROTECTED_RE
from generator.diagnostics import Diagnostics
from generator.grammar import PROSE, split_blocks
from generator.load.charts import load_specs
from generator.load.fields import text_fields
from generator.load.themes import parse_citations
from generator.model import Content
from generator.safeio import printable


_FIGURE = re.compile(r"\d")
# citations and number references, never across a bracket (``[^\]]*`` read
# from every unclosed one to the end of the paragraph)
_REFERENCES = re.compile(r"\[@[^\[\]]*\]|\[\[num:[^\[\]]*\]\]")


def _quoted(text: str) -> bool:
    """A direct quote in ``text``: “, at least two characters, ”. One pass:
    the regex “[^”]{2,}” read from every “ to the next ” (quadratic when
    there is none)."""
    for segment in text.split("”")[:-1]:  # each is followed by a ”
        start = segment.find("“")  # the first “ is the farthest from it
        if 0 <= start < len(segment) - 2:
            return True
    return False


def unsourced_claims(content: Content, diag: Diagnostics) -> None:
    """Warnings (errors under --strict): a paragraph of "what was said" with
    no citation, a quote or typed figure with no locator.

    The build calls this on every body before rendering anything, so the
    markup checks ride on it: what the renderer would print raw or could not
    render (generator.check.markdown.check_markup) is an error at its line."""

    check_all_markup(content, diag)
    for t in content.themes:
        for block in split_blocks(t.body, t.body_line):
            if block.kind == "conflict":
                sides = {c.source for c in parse_citations(block.markdown, t.path, block.line)}
                if len(sides) < 2:
                    diag.warning(t.path, block.line - 1, "a conflict block must cite each side: at least two "
                                 f"different sources, found {len(sides)}", code="unsourced")
                continue
            if block.kind != "said":
                continue
            start, counted = block.line, 0  # lines counted once through the block, not from its top each time
            for para in PARAGRAPH.finditer(block.markdown):
                start += block.markdown.count("\n", counted, para.start())
                counted = para.start()
                text = para.group(0).strip()
                if not text or text.startswith("#"):
                    continue
                for item in list_items(text, start):
                    body, at = item
                    cites = parse_citations(body, t.path, at)
                    if not cites:
                        diag.warning(t.path, at, "claim without a source: add a citation like "
                                     f"[@{_example_source(content, t)} \"verbatim fragment\"]", code="unsourced")
                        continue
                    plain = _REFERENCES.sub("", body)
                    if (_quoted(plain) or _FIGURE.search(plain)) and not any(c.locator for c in cites):
                        diag.warning(t.path, at, "a quote or figure needs a locator: [@source \"verbatim fragment\"]",
                                     code="unsourced")


# An explanation: a reason given as fact, or an inference stated as certain
# (应是…之别). Normalised to Simplified, as the text is read; 导致/源于 name an
# effect as often as a cause and are left out.
_BECAUSE = re.compile(r"因为|由于|原因是|原因在于|之所以|归因于|应当是|应该是|(?<![反响供效对适回相感答呼照顺报])应[是为]"
                      r"|(?<![相适正充担应])当是|显然是|无疑是|想必")  # (反应是, 相当是: no inference)
# Our inference, said as such: a reason we offer is marked as ours or as uncertain.
_HEDGED = re.compile(r"推测|猜测|可能|或许|也许|大概|似乎|估计|未必|不确定|无法证实|无从|我们认为|我们判断|在我们看来|"
                     r"我们的判断|我们的解读|不清楚|未说明|没有说明|没有解释|未解释")
_OURS = frozenset({"a judgment", "a signpost"})  # our judgement by its place in the edition


def unsourced_explanations(content: Content, diag: Diagnostics) -> None:
    """Warnings (errors under --strict): a sentence that gives a reason as
    fact (因为, 由于, 原因是, 应是 …) and cites nothing -- in "what was said",
    a conflict, or a factual YAML field (takeaway, bottom line, notes; a
    version's note is covered by the version's own sources). A reason
    no source gives is our hypothesis and says so (我们推测……可能……); the
    assessment, so-what and watch parts and the judgments are ours by their
    place and are not read."""

    # the example, the word found and the marks in the desk's own script (the text is read in Simplified)
    hans = content.manifest.written_in == "zh-Hans"
    hedge = "我们推测……，可能……" if hans else "我們推測……，可能……"
    marks = "“”" if hans else "「」"
    script = None if hans else opencc_converter(OPENCC_CHAR_CONFIG[content.manifest.written_in])

    def scan(text: str, path: str, line: int) -> None:
        at_line, pos = line, 0
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            at_line += text.count("\n", pos, start)
            pos = start
            bare = normalise(PROTECTED_RE.sub("", QUOTED.sub("", sentence)))  # the sentence's own words
            because = _BECAUSE.search(bare) if "[@" not in sentence else None
            if because and not _HEDGED.search(bare):
                diag.warning(path, at_line + sentence[:len(sentence) - len(sentence.lstrip())].count("\n"),
                             f"a reason given as fact without a source "
                             f"({script.convert(because.group(0)) if script else because.group(0)} in "
                             f"{marks[0]}{printable(sentence.strip(), 50)}{marks[1]})",
                             f"cite the source that gives this reason, or say it is our inference ({hedge})",
                             code="unsourced")

    for t in content.themes:
        for block in split_blocks(t.body, t.body_line):
            if block.kind in ("said", "conflict"):
                scan(block.markdown, t.path, block.line)
    # a point's (a version's) note speaks for the point, which cites its sources
    cited = {id(p.note) for n in content.numbers for p in n.points if p.note is not None and p.sources}
    for f in text_fields(content, load_specs(content.root)):
        if f.text.path and f.accepts == PROSE and f.what not in _OURS and id(f.text) not in cited:
            scan(str(f.text), f.text.path, f.text.line)


def _example_source(content: Content, theme) -> str:
    """A source id for a hint: the theme's first, else the briefing's first."""
    ids = list(theme.sources) or [s.id for s in content.sources]
    return ids[0] if ids else "source-id"
