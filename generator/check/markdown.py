"""What Markdown would print raw or could not render in linear time, found
before anything is rendered.

In: a theme body or a YAML prose field. Out: problems at their lines
(``check_markup``), and for the renderer the plan of what to hold as plain
text (``plan_markdown``): an over-long paragraph, brackets Python-Markdown's
link parser would reread, a ``###`` heading past the numbering.
"""

from __future__ import annotations

import bisect
import re

from generator.diagnostics import Diagnostics
from generator.grammar import CITATION_RE, HELD_NUMREF_RE, PROSE, split_blocks
from generator.load.charts import load_specs
from generator.load.fields import text_fields
from generator.model import Content
from generator.safeio import printable


PARAGRAPH_MAX = 10_000  # characters; the sample's longest paragraph has 612
BRACKET_WORK = 8  # characters Markdown's link and code parsers may read per character of a paragraph ...
BRACKET_WORK_FREE = 2000  # ... plus this many
RENDER_SLACK = 1.5
_BRACKET_TOKEN = re.compile(r"\\.|[\[\]()]", re.S)
_BACKTICKS = re.compile(r"`+")
_LIST_ITEM = re.compile(r"[ \t]*+(?:[-*+]|\d++[.)])[ \t]")
_TABLE_RULE = re.compile(r"[ \t]*+\|?[ \t]*+:?-+:?[ \t]*+(?:\|[ \t]*+:?-*+:?[ \t]*+)*+\|?[ \t]*+\Z")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each run of non-blank lines."""
    out, start, pos, last = [], -1, 0, 0
    for line in text.split("\n"):
        if line.strip(" \t"):
            if start < 0:
                start = pos
            last = pos + len(line)
        elif start >= 0:
            out.append((start, last))
            start = -1
        pos += len(line) + 1
    if start >= 0:
        out.append((start, last))
    return out


def _longest_unit(text: str, start: int, end: int) -> int:
    """The longest text Markdown reads as one paragraph in ``text[start:end]``:
    the whole run of lines, but a list's items and a table's rows apart."""
    if end - start <= PARAGRAPH_MAX:
        return end - start
    lines = text[start:end].split("\n")
    if not _LIST_ITEM.match(lines[0]) and not (len(lines) > 1 and _TABLE_RULE.match(lines[1])):
        return end - start
    table = not _LIST_ITEM.match(lines[0])
    longest = unit = 0
    for line in lines:
        if table or _LIST_ITEM.match(line):
            longest, unit = max(longest, unit), 0
        unit += len(line) + 1
    return max(longest, unit)


def _bracket_work(text: str, start: int, end: int) -> tuple[int, list[int]]:
    """The characters Markdown would read for links and code spans in the
    paragraph ``text[start:end]`` once the returned positions (brackets that
    can never pair) are held. One pass."""
    code = text.find("`", start, end) >= 0  # (in a code span a backslash is literal: nothing held then)
    opens: list[int] = []  # '[' not yet closed
    parens: list[tuple[int, bool]] = []  # '(' not yet closed; does it follow ']' (a link's target)?
    work = 0
    for m in _BRACKET_TOKEN.finditer(text, start, end):
        c = m.group()
        if len(c) == 2:  # an escaped character: Markdown does not count it
            continue
        if c == "[":
            opens.append(m.start())
        elif c == "]":
            if opens:
                work += m.start() - opens.pop()
        elif c == "(":
            parens.append((m.start(), m.start() > start and text[m.start() - 1] == "]"))
        elif parens:
            o, target = parens.pop()
            if target:
                work += m.start() - o
    targets = [o for o, target in parens if target]
    if code:
        work += sum(end - o for o in opens) + sum(end - o for o in targets)
        runs = [(m.start(), len(m.group())) for m in _BACKTICKS.finditer(text, start, end)]
        after: dict[int, int] = {}  # run length -> where the next run as long starts
        for pos, n in reversed(runs):
            work += after.get(n, end) - pos
            after[n] = pos
        return work, []
    # with a quote in the paragraph a target may end at a title's quote, and
    # the '(' inside it count for that ([a](b "t"): left to Markdown
    quoted = text.find('"', start, end) >= 0 or text.find("'", start, end) >= 0
    if quoted:
        return work + sum(end - o for o in targets), list(opens)
    return work, opens + targets


def plan_markdown(text: str, slack: float = 1.0) -> tuple[list[int], list[tuple[int, int, str]]]:
    """For a text the renderer will read as Markdown: the positions of the
    brackets to hold as literal characters, and the (start, end, why) of each
    paragraph to hold whole ('long' or 'brackets'; see above). Linear."""
    held: list[int] = []
    whole: list[tuple[int, int, str]] = []
    for start, end in _paragraphs(text):
        if _longest_unit(text, start, end) > PARAGRAPH_MAX * slack:
            whole.append((start, end, "long"))
            continue
        if text.find("[", start, end) < 0 and text.find("`", start, end) < 0:
            continue
        work, literal = _bracket_work(text, start, end)
        if work > (BRACKET_WORK * (end - start) + BRACKET_WORK_FREE) * slack:
            whole.append((start, end, "brackets"))
        else:
            held.extend(literal)
    return held, whole


HEADINGS_MAX = 999  # a theme's ### headings are numbered （一） … （九百九十九） (render.number_subheadings)
_SUBHEADING = re.compile(r"[ \t]*+(?:(?:[-*+]|\d++[.)])[ \t]++|>[ \t]*+)*+###(?!#)")
_CODE_SPAN = re.compile(r"`[^`\n]*+`")
_CITE_OPEN = re.compile(r"\[@")
_NUM_OPEN = re.compile(r"\[\[num:")
REPORTS_MAX = 20  # problems of one kind reported per text; the rest are counted
_WHOLE = {
    "long": (f"a paragraph of more than {PARAGRAPH_MAX:,} characters",
             "split it with blank lines: a longer one is no briefing's paragraph (a pasted article?), "
             "and Markdown would take minutes to read it"),
    "brackets": ("square brackets, parentheses or backticks that Markdown would take minutes to read "
                 "(nested dozens deep, or runs of backticks of many lengths)",
                 "write a literal bracket as \\[ or as 【】/［］, a literal backtick as \\`"),
}


def _lines(text: str, found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """(offset, …) -> (0-based line, …), counting once through ``text``."""
    out, line, counted = [], 0, 0
    for offset, message, hint in sorted(found):
        line += text.count("\n", counted, offset)
        counted = offset
        out.append((line, message, hint))
    return out


def _whole_paragraphs(text: str) -> list[tuple[int, str, str]]:
    """(line, message, hint) of each paragraph of ``text`` the renderer would
    hold whole instead of reading as Markdown (:func:`plan_markdown`)."""
    return _lines(text, [(start, *_WHOLE[why]) for start, _end, why in plan_markdown(text)[1]])


def markup_problems(text: str, body: bool = True) -> list[tuple[int, str, str]]:
    """(line, message, hint) of each problem in ``text`` that the renderer
    would print raw or that would keep it busy for minutes, ``line`` counted
    from 0; linear. ``body``: a theme body, read block by block as the
    renderer reads it, with its citation and reference leftovers and its
    sub-headings checked too (a YAML field's leftovers are
    content.check_inline's)."""
    if not body:
        return _whole_paragraphs(text)
    out: list[tuple[int, str, str]] = []
    for b in split_blocks(text, 0):  # b.line: the block's first line, 0-based
        out.extend((b.line + line, message, hint) for line, message, hint in _whole_paragraphs(b.markdown))
    found: list[tuple[int, str, str]] = []  # (offset in ``text``, …)
    code: list[tuple[int, int]] = []  # inline code and fenced blocks: shown as typed, never checked
    pos, fenced, fence_start = 0, False, 0
    headings = 0
    for line in text.split("\n"):
        if line.startswith("```"):
            if fenced:
                code.append((fence_start, pos + len(line)))
            fenced, fence_start = not fenced, pos
        elif not fenced:
            code.extend(m.span() for m in _CODE_SPAN.finditer(text, pos, pos + len(line)))
            if _SUBHEADING.match(line):
                headings += 1
                if headings == HEADINGS_MAX + 1:
                    found.append((pos, f"more than {HEADINGS_MAX} '###' headings in one theme",
                                  "sub-headings are numbered （一） to （九百九十九）; split the theme"))
        pos += len(line) + 1
    if fenced:
        code.append((fence_start, len(text)))

    def in_code(offset: int) -> bool:
        i = bisect.bisect_right(code, (offset, len(text) + 1)) - 1
        return i >= 0 and code[i][0] <= offset < code[i][1]

    cites = {m.start() for m in CITATION_RE.finditer(text)}
    for m in _CITE_OPEN.finditer(text):
        if m.start() in cites or in_code(m.start()):
            continue
        rest = text[m.start():m.start() + 200].split("\n", 1)[0]
        close, inner = rest.find("]", 2), rest.find("[", 2)
        if 0 <= inner < close:
            found.append((m.start(), f"a citation's locator holds '[' or ']': '{printable(rest[:close + 1], 80)}'",
                          "leave the brackets out: the check ignores punctuation, so [@src \"the final report\"] "
                          "matches 'the [final] report' in the source"))
        else:
            found.append((m.start(), f"citation without its closing ']': '{printable(rest, 60)}'",
                          'write [@source] or [@source "verbatim fragment"]'))
    nums = {m.start() for m in HELD_NUMREF_RE.finditer(text)}
    close_at = -1  # where the next ']' is (grammar.NUMREF_RE, which reports the id, reads up to it)
    for m in _NUM_OPEN.finditer(text):
        if m.start() in nums or in_code(m.start()):
            continue
        if close_at < m.end():
            close_at = text.find("]", m.end()) % (len(text) + 1)  # none: the end, never searched again
        if text.startswith("]]", close_at):
            continue  # grammar.NUMREF_RE reads '[[num:a[b]]' as a reference to 'a[b' and reports that
        rest = text[m.start():m.start() + 60].split("\n", 1)[0]
        found.append((m.start(), f"number reference without its closing ']]': '{printable(rest, 60)}'",
                      "write [[num:ID]] or [[num:ID/2]]"))
    return sorted(out + _lines(text, found))


def check_markup(diag, text: str, path: str, first_line: int, body: bool = True) -> None:
    """Report :func:`markup_problems` at their lines: at most REPORTS_MAX of
    one kind per text, then how many more."""
    counts: dict[str, int] = {}
    for line, message, hint in markup_problems(text, body):
        kind = message.split(":", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] <= REPORTS_MAX:
            diag.error(path, first_line + line, message, hint, code="markup")
    for kind, n in counts.items():
        if n > REPORTS_MAX:
            diag.error(path, first_line, f"{n - REPORTS_MAX} more like this: {kind}", "", code="markup")


def check_all_markup(content: Content, diag: Diagnostics) -> None:
    """generator.check.markdown.check_markup on every text the renderer reads as
    Markdown: theme bodies, back matter, and YAML prose fields."""

    for t in content.themes:
        check_markup(diag, t.body, t.path, t.body_line)
    for text in (getattr(content, "back", None) or {}).values():
        check_markup(diag, str(text), text.path, text.line, body=False)
    for f in text_fields(content, load_specs(content.root)):
        if f.text.path and f.accepts == PROSE:
            check_markup(diag, str(f.text), f.text.path, f.text.line, body=False)
