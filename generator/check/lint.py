"""Script-leak and banned-form lint on the rendered text of each edition.

In: an edition's converted text with the content file and line it came
from. Out: ``Finding``s at those lines. The rules are data, in
``generator/chinese/lint_rules.yaml`` (read by generator.chinese.scripts):
characters legitimately shared by both scripts, and per-variant banned
forms (萬億 in a Taiwan edition, 兆 beside a currency in zh-Hans …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator import yamlsrc
from generator.chinese.backend import opencc_converter
from generator.chinese.convert import OPENCC_CHAR_CONFIG, PROTECTED_RE
from generator.chinese.scripts import leak_chars, rules, script_chars
from generator.grammar import CITATION_RE, LANG_SPAN_RE
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str
    hint: str = ""
    kind: str = ""  # leaks: "typed" | "literal" | "glossary-form" | "conversion" | "glossary"; "banned"


def lintable(text: str) -> str:
    """The part of converted text a reader sees as prose of this edition:
    citations (their locators quote the sources verbatim), language-tagged
    literals such as [萬億]{lang=zh-Hant-HK}, and the spans the converter
    never touches (URLs, link targets, inline code) are left out. Their
    newlines stay (findings keep their lines), and a literal leaves
    LITERAL_MARK (a leak next to it is told apart)."""

    def cut(m: re.Match) -> str:
        return "\n" * m.group(0).count("\n")

    return PROTECTED_RE.sub(cut, LANG_SPAN_RE.sub(LITERAL_MARK, CITATION_RE.sub(cut, text)))


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# lintable() leaves this where a language-tagged literal was cut out, so a
# leak that runs on from one can be told apart
LITERAL_MARK = "\ufffc"
# how much of the word around a leak is shown (and grouped on): this many
# CJK characters each side, a word at most this long from first to last leak
CONTEXT = 3
MAX_SPAN = 8
_OPENERS = "《〈「『“‘\"'"
_CLOSERS = "》〉」』”’\"'"
# a literal suggested for a quoted title or a name is at most this long
_MAX_LITERAL = 30


def _converted(config: str, text: str) -> str:
    return opencc_converter(config).convert(text)


def _char_form(variant: str, text: str) -> str:
    """What OpenCC's character conversion makes of ``text`` for ``variant``."""

    if variant == "zh-Hans":
        return _converted("t2s", text)
    return _converted(OPENCC_CHAR_CONFIG.get(variant, "s2t"), text)


def _origins(source: str, converter, variant: str, line: int) -> dict[tuple[int, str], tuple[str, str, str]]:
    """(line, leaked character) -> (kind, zh-Hans text, its rendering), for
    the glossary hits ("term") and OpenCC chunks ("text") of ``source`` whose
    rendering has a leaked character. Linear in ``source``."""
    leaks = leak_chars(variant)
    out: dict[tuple[int, str], tuple[str, str, str]] = {}
    at, pos = line, 0
    for seg in converter.segments(source):
        at += source.count("\n", pos, seg.start)
        pos = seg.start
        if seg.kind == "protected":
            continue
        seg_line = at
        for i, ch in enumerate(seg.result):
            if ch == "\n":
                seg_line += 1
            elif ch in leaks:
                src = seg.source
                if seg.kind == "text":  # the source word around it (OpenCC keeps the length)
                    j = i if len(seg.source) == len(seg.result) else -1
                    src = _word_at(seg.source, j) if j >= 0 else _converted("t2s", _word_at(seg.result, i))
                out.setdefault((seg_line, ch), (seg.kind, src, seg.result if seg.kind == "term" else ""))
    return out


def _word_at(text: str, i: int) -> str:
    """The CJK word around ``text[i]``, at most CONTEXT characters each side."""
    lo = i
    while lo > 0 and i - lo < CONTEXT and _CJK.match(text[lo - 1]):
        lo -= 1
    hi = i + 1
    while hi < len(text) and hi - i <= CONTEXT and _CJK.match(text[hi]):
        hi += 1
    return text[lo:hi]


def _entry(variant: str, hans: str, form: str) -> str:
    """A glossary entry, as the YAML line to add to content/glossary.yaml."""
    return f"- {{zh-Hans: {hans}, {variant}: {form}}}"


def _leak_hint(variant: str, text: str, run: re.Match, cluster: list[int], lo: int, hi: int,
               origin: tuple[str, str, str] | None, how: str) -> tuple[str, str]:
    """(kind, hint) for one leaked word ``run[lo:hi]`` (its leaks at
    ``cluster``), from what is around it. ``how`` says where ``text`` came
    from: "typed" (the author wrote it in this script), "label" (a UI label,
    typed), "converted" (``origin`` traced when known), "unknown"."""
    leaks = leak_chars(variant)
    full = run.group(0)
    word = full[lo:hi]
    chars = "".join(dict.fromkeys(full[i] for i in cluster))
    other = "zh-Hans" if variant.startswith("zh-Hant") else "zh-Hant"
    after = text[run.start() - 1: run.start()] == LITERAL_MARK and cluster[0] <= CONTEXT
    before = text[run.end(): run.end() + 1] == LITERAL_MARK and len(full) - 1 - cluster[-1] <= CONTEXT
    if after or before:
        piece = full[:cluster[-1] + 1] if after else full[cluster[0]:]
        hint = (f"it runs on from a language-tagged literal: take '{piece}' into the [ ]{{lang=…}} span"
                " if it belongs to it")
        if how == "converted":
            hint += f", or add a glossary entry: {_entry(variant, _converted('t2s', word), _char_form(variant, word))}"
        return "literal", hint
    if how in ("typed", "label"):
        own = script_chars()["traditional_only" if variant.startswith("zh-Hant") else "simplified_only"]
        opener, closer = text[run.start() - 1: run.start()], text[run.end(): run.end() + 1]
        quoted = bool(opener) and opener in _OPENERS and bool(closer) and closer in _CLOSERS
        whole = len(full) <= _MAX_LITERAL and sum(ch in leaks for ch in full) >= 2 and not any(ch in own for ch in full)
        fixed = ("…" if lo else "") + _char_form(variant, word) + ("…" if hi < len(full) else "")
        written = "Traditional" if variant == "zh-Hans" else "Simplified"
        if how == "typed" and (quoted or whole) and len(full) <= _MAX_LITERAL:  # (both bounded: linear)
            return "literal", (f"if it is meant to stay as written in {written} (a quoted title, a name), "
                               f"mark it as a literal: [{full}]{{lang={other}}}; otherwise write '{fixed}'")
        where = "the Simplified source" if variant == "zh-Hans" else f"the {variant} text"
        return "typed", f"{written} typed in {where}: write '{fixed}'"
    if origin is not None and origin[0] == "term":
        _, hans, form = origin
        return "glossary-form", (f"the glossary's {variant} form of '{hans}' is '{form}': correct the entry in "
                                 f"content/glossary.yaml: {_entry(variant, hans, _char_form(variant, form))}")
    if origin is not None:
        hans = origin[1]
        form = _char_form(variant, hans)
        left = "".join(ch for ch in form if ch in leaks)
        return "conversion", (f"the conversion itself leaked it (OpenCC's {variant} form of '{hans}' keeps '{chars}'): "
                              "see `briefing check --review-conversion` and add a glossary entry: "
                              f"{_entry(variant, hans, form)}"
                              + (f" (write the Traditional form of '{left}' yourself)" if left else ""))
    entry = _entry(variant, _converted("t2s", word), _char_form(variant, word))
    return "glossary", f"a name or term the glossary can fix: {entry}; or correct the source text"


def lint_text(text: str, variant: str, path: str, line: int, *,
              source: str | None = None, converter=None) -> list[Finding]:
    """Findings for one piece of converted text. ``line`` is its first line.

    Leaks are reported once per line and word (the CJK characters around
    them), with a count, and a hint chosen from where the text came from:
    ``source`` is the text as written and ``converter`` what turned it into
    ``text`` (``source`` without a converter: typed as it stands, like a UI
    label). Without either, zh-Hans text counts as typed and a Traditional
    edition's origin as unknown. Linear in the length of ``text``."""
    out: list[Finding] = []
    leaks = leak_chars(variant)
    script = "Simplified" if variant.startswith("zh-Hant") else "Traditional"
    if variant == "zh-Hans":
        how = "label" if source is not None and converter is None else "typed"
    elif converter is not None and source is not None:
        how = "converted"
    else:
        how = "label" if source is not None else "unknown"
    origins = None
    groups: dict[tuple[int, str], list] = {}  # (line, leaked word) -> [chars, shown, count, kind, hint]
    at, pos = line, 0
    for run in _CJK_RUN.finditer(text):
        rs, s = run.start(), run.group(0)
        hits = [i for i, ch in enumerate(s) if ch in leaks]
        if not hits:
            continue
        at += text.count("\n", pos, rs)
        pos = rs
        clusters: list[list[int]] = []
        for i in hits:
            if clusters and i - clusters[-1][-1] <= CONTEXT and i - clusters[-1][0] < MAX_SPAN:
                clusters[-1].append(i)
            else:
                clusters.append([i])
        for c in clusters:
            lo, hi = max(0, c[0] - CONTEXT), min(len(s), c[-1] + CONTEXT + 1)
            key = (at, s[c[0]:c[-1] + 1])  # the same leaked word again on this line: counted
            if key in groups:
                groups[key][2] += 1
                continue
            shown = ("…" if lo else "") + s[lo:hi] + ("…" if hi < len(s) else "")
            chars = "".join(dict.fromkeys(s[i] for i in c))
            origin = None
            if how == "converted":
                if origins is None:
                    origins = _origins(source, converter, variant, line)
                origin = origins.get((at, s[c[0]]))
            kind, hint = _leak_hint(variant, text, run, c, lo, hi, origin, how)
            groups[key] = [chars, shown, 1, kind, hint]
    for (at, _), (chars, shown, count, kind, hint) in groups.items():
        many = "s" if len(chars) > 1 else ""
        times = f", {count} times on this line" if count > 1 else ""
        out.append(Finding(path, at, f"{script}-only character{many} '{chars}' in the {variant} edition, "
                                     f"in '{shown}'{times}", hint, kind))
    for rule in rules()["banned"].get(variant, []):
        matches: dict[tuple[int, str], int] = {}  # (line, form) -> count
        at, pos = line, 0
        for m in re.finditer(rule["pattern"], text):
            at += text.count("\n", pos, m.start())
            pos = m.start()
            matches[(at, m.group(0))] = matches.get((at, m.group(0)), 0) + 1
        for (at, form), count in matches.items():
            times = f", {count} times on this line" if count > 1 else ""
            out.append(Finding(path, at, f"banned form '{form}' in the {variant} edition{times}: {rule['why']}",
                               rule.get("fix", ""), "banned"))
    return out


def lint_labels(variant: str, user_dir: Path | None = None) -> list[Finding]:
    """The edition's UI labels (templates/strings/<variant>.yaml, shipped and
    the user's override), each finding at the label's own line."""

    out: list[Finding] = []
    for d in (SHIPPED_TEMPLATES, user_dir):
        path = Path(d) / "strings" / f"{variant}.yaml" if d is not None else None
        if path is None or not path.is_file():
            continue
        try:
            data = yamlsrc.load(path)
        except yamlsrc.YamlSyntaxError:
            continue  # reported where the labels are loaded
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            if isinstance(value, str):
                out.extend(lint_text(value, variant, str(path), data.line_of(key), source=value))
    return out
