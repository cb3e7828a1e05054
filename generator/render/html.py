"""Content + templates -> one self-contained HTML document per edition.

``Edition`` is the localized view of the content for one variant: every
prose field converted (glossary first, then OpenCC), every figure formatted
from its structured value, every Markdown body rendered. Templates receive
it as plain attributes (documented in docs/templates.md).
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator import safeio
from generator.check.lint import Finding, lint_text, lintable
from generator.chinese.convert import Converter, converted_terms
from generator.chinese.linebreaks import keep_together
from generator.chinese.numbers import NumberFormatter, format_date
from generator.chinese.typography import plain_typeset
from generator.fingerprint import _package_digest
from generator.labels import Strings
from generator.load.charts import load_specs
from generator.model import Content, KeyNumber, Prose
from generator.render.charts import build_charts
from generator.render.markup import MarkupRenderer, line_html, line_text
from generator.render.errors import HelpfulUndefined
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES
from generator.usercache import Folder


LANG = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant-TW", "zh-Hant-HK": "zh-Hant-HK"}
NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五; 100 -> 一百,
    105 -> 一百零五, 110 -> 一百一十, 120 -> 一百二十 (up to 999)."""
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        head = NUMERALS[hundreds - 1] + "百"
        if not rest:
            return head
        if rest < 10:
            return head + "零" + NUMERALS[rest - 1]
        return head + ("一" if rest < 20 else "") + chinese_numeral(rest)
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


class TemplateSetupError(Exception):
    pass


class _PolicyLoader(jinja2.FileSystemLoader):
    """Jinja's file loader under the content policy (generator/safeio.py): a
    template that is a link out of its folder, a device or a FIFO is never
    read (``check`` reports it at its path first)."""

    def get_source(self, environment: jinja2.Environment, template: str):
        pieces = jinja2.loaders.split_template_path(template)
        for searchpath in self.searchpath:
            path = Path(searchpath, *pieces)
            if not os.path.lexists(path):
                continue
            try:
                source = safeio.read_text(path, searchpath, "template")
            except safeio.Refused as exc:
                raise jinja2.TemplateError(f"{path}: {exc.reason}") from None
            mtime = os.path.getmtime(path)
            return source, str(path), lambda p=path, m=mtime: os.path.lexists(p) and os.path.getmtime(p) == m
        raise jinja2.TemplateNotFound(template)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in the user's cache
    (``~/.cache/briefing/templates``, a :class:`generator.usercache.Folder`:
    this user's alone, files checked before they are read), as Python keeps
    compiled modules: compiling the shipped templates took 0.1 s of every
    edition's HTML. Jinja reuses a compiled template only while its source
    is the same (it checks a digest of the source); the key adds Jinja's
    version and this package's code (the environment's settings and
    filters), so an upgrade never runs code compiled for another. At most
    :data:`KEPT` files, the newest."""

    KEPT = 64
    SUFFIX = ".jinja"

    def __init__(self, folder: Folder):
        self.folder = folder  # opened once: a file is never read from a folder put in its place
        self.salt = f"{jinja2.__version__}|{_package_digest()}"

    @classmethod
    def open(cls) -> "_CompiledTemplates | None":
        folder = Folder.open("templates")
        return None if folder is None else cls(folder)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}|{name}|{filename}".encode()).hexdigest()[:32]

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        written = self.folder.read(bucket.key + self.SUFFIX)
        if written is None:
            return  # absent or damaged: compiled (and written anew)
        try:
            bucket.load_bytecode(io.BytesIO(written))
        except (EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        self.folder.write(bucket.key + self.SUFFIX, out.getvalue(), ("", self.SUFFIX), self.KEPT)


def template_env(user_dir: Path | None) -> jinja2.Environment:
    """The search path: the user's directory first, then the shipped one.
    The shipped templates stay reachable as ``base:NAME`` so an override can
    extend the original and replace a single block."""
    shipped = _PolicyLoader(str(SHIPPED_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(_PolicyLoader(str(user_dir)))
    loaders.append(shipped)
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"base": shipped}, delimiter=":"), *loaders])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=HelpfulUndefined,  # StrictUndefined that remembers what was looked up
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_CompiledTemplates.open(),
    )
    return env


@dataclass
class Edition:
    variant: str
    lang: str
    content: Content
    strings: Strings
    converter: Converter
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = self.content.manifest.currency_names
        currency = {code: self.converter.convert(str(text)) for code, text in names.get("*", {}).items()}
        currency.update(names.get(self.variant, {}))
        self.formatter = NumberFormatter(self.variant, self.strings, self.text, currency)
        self._numbers = {n.id: n for n in self.content.numbers}
        self._sources = {s.id: s for s in self.content.sources}
        self._themes = {t.id: t for t in self.content.themes}
        self.markup = MarkupRenderer(self._cite_html, self._num_html, Path(self.content.root), self._num_text)

    # -- text ----------------------------------------------------------------

    def text(self, value: str | None) -> str:
        """Convert one prose value for this edition and lint the result."""
        if value is None:
            return ""
        out = self.converter.convert(str(value))
        if isinstance(value, Prose) and value.path:
            self.findings.extend(lint_text(lintable(out), self.variant, value.path, value.line,
                                           source=str(value), converter=self.converter))
        return out

    def prose(self, value: str | None) -> Markup:
        """Prose that may carry citations, number references and inline Markdown."""
        if value is None:
            return Markup("")
        return Markup(self.markup.inline(self.text(value)))

    def plain(self, value: str | None) -> Markup:
        """A title, label or name: converted, escaped, typeset; a language-tagged
        literal and a number reference are rendered (no Markdown, no links)."""
        return Markup(line_html(self.text(value), self._num_text))

    def plain_text(self, value: str | None) -> str:
        """The same as plain text (<title>, attributes, PDF bookmarks); not linted
        again (``plain`` lints it)."""
        return self.unmark(self.converter.convert(str(value)) if value is not None else "")

    def unmark(self, converted: str) -> str:
        """Converted title text as plain text: a literal's text, a reference's figure."""
        return line_text(converted, self._num_text)

    # -- references ----------------------------------------------------------

    def _cite_html(self, items: list[tuple[str, str]]) -> str:
        s = self.strings
        links = []
        seen = set()
        for sid, _locator in items:
            if sid in seen:  # several fragments of one source: one label
                continue
            seen.add(sid)
            src = self._sources.get(sid)
            label = html.escape(self.converter.convert(str(src.short))) if src else html.escape(sid)
            links.append(f'<a href="#src-{html.escape(sid)}">{label}</a>')
        return f'<span class="cite">{s("cite.open")}{s("cite.sep").join(links)}{s("cite.close")}</span>'

    def _num_html(self, nid: str, index: int | None) -> str:
        n = self._numbers[nid]
        value = html.escape(self.formatter.reference(n, index))
        return f'<a class="num" href="#num-{html.escape(nid)}">{value}</a>'

    def _num_text(self, nid: str, index: int | None) -> str:
        n = self._numbers.get(nid)
        if n is None or not n.points:  # never in checked content (an old edition's title in 本版更新)
            return f"[[num:{nid}]]"
        return self.formatter.reference(n, index)

    def figure(self, n: KeyNumber, index: int | None = None) -> str:
        """A ``[[num:ID]]`` (``index``: ``[[num:ID/N]]``) as prose shows it."""
        return self.formatter.reference(n, index)


_H3 = re.compile(r"<h3>")


def number_subheadings(parts: list[str]) -> list[str]:
    """（一）（二）… before the ### headings of a theme, counted across its
    parts (WeasyPrint has no Chinese counter styles, so it is written out)."""
    count = 0

    def sub(_m: re.Match) -> str:
        nonlocal count
        count += 1
        return f'<h3 class="sub-heading"><span class="sub-num">（{chinese_numeral(count)}）</span>'

    return [_H3.sub(sub, p) for p in parts]


def theme_view(ed: Edition, index: int, theme) -> dict:
    body = ed.converter.convert(theme.body)
    ed.findings.extend(lint_text(lintable(body), ed.variant, theme.path, theme.body_line,
                                 source=str(theme.body), converter=ed.converter))
    rendered = ed.markup.render_body(body, theme.body_line)
    return {
        "id": theme.id,
        "number": index,
        "numeral": chinese_numeral(index),
        "title": ed.plain(theme.title),
        "title_text": plain_typeset(ed.plain_text(theme.title)),
        "takeaway": ed.prose(theme.takeaway),
        "said": [
            {"kind": part[0], "title": Markup(part[1]) if part[0] == "conflict" else None,
             "html": Markup(html_part)}
            for part, html_part in zip(rendered.said, number_subheadings([p[-1] for p in rendered.said]))
        ],
        "assessment": Markup(rendered.assessment),
        "so_what": Markup(rendered.so_what),
        "watch": Markup(rendered.watch),
        "sources": list(theme.sources),
        "numbers": [ed._numbers[n] for n in theme.numbers if n in ed._numbers],
        "questions": list(theme.questions),
    }


def number_view(ed: Edition, n: KeyNumber) -> dict:
    s = ed.strings
    points = []
    for p in n.points:
        value = ed.formatter.value(n, p, anchored=True)
        if n.label.path:  # the formatted figure is linted too (兆 must never reach zh-Hans)
            ed.findings.extend(lint_text(value, ed.variant, n.label.path, p.line or n.line))
        points.append({
            "value": value,
            "as_of": ed.formatter.as_of(p),
            "as_of_iso": p.as_of,
            "note": ed.prose(p.note) if p.note else "",
            "sources": Markup(ed._cite_html([(c.source, c.locator) for c in p.sources])),
            "source_ids": [c.source for c in p.sources],
            "raw": p.value,
            "scale": p.scale,
        })
    return {
        "id": n.id,
        "label": ed.plain(n.label),
        "label_text": ed.plain_text(n.label),
        "kind": n.kind,
        "shape": n.shape,
        "status": n.status,
        "status_label": s(f"status.{n.status}"),
        "points": points,
        "headline": points[-1] if n.shape == "series" else points[0],
        # the number in one figure: every version of a conflicting number, qualifiers kept;
        # ``short`` also says 说法不一 or the status of a report or estimate (媒体估算), for
        # places with no status column next to it (相关数字 strips)
        "figure": _breakable(ed, ed.formatter.figure(n)) if n.points else Markup(""),
        "short": _breakable(ed, ed.formatter.short(n)) if n.points else Markup(""),
        "note": ed.prose(n.note) if n.note else "",
        "theme": n.theme,
        "theme_numeral": chinese_numeral(ed.content.manifest.themes.index(n.theme) + 1)
        if n.theme in ed.content.manifest.themes else "",
        "model": n,
    }


def _breakable(ed: Edition, text: str) -> Markup:
    """A figure as HTML that breaks only between versions (1200亿美元／<wbr>约1200亿美元),
    never inside one (CSS ``.fig``: nowrap)."""
    sep = str(ed.strings["num.versions_sep"])
    return Markup((html.escape(sep) + "<wbr>").join(
        f'<span class="fig">{html.escape(piece)}</span>' for piece in text.split(sep)))


def source_kind_label(ed: Edition, kind: str) -> str:
    """The briefing's own label for a kind (manifest ``source_kinds``), else the shipped one."""
    if not kind:
        return ""
    declared = ed.content.manifest.source_kinds.get(kind)
    return ed.plain(declared) if declared else ed.strings(f"kind.{kind}")


def build_context(ed: Edition, extra: dict | None = None) -> dict:
    c, s = ed.content, ed.strings
    m = c.manifest
    themes = [theme_view(ed, i + 1, t) for i, t in enumerate(c.themes)]
    numbers = [number_view(ed, n) for n in c.numbers]
    by_num = {n["id"]: n for n in numbers}
    theme_titles = {t["id"]: t for t in themes}
    questions = []
    for q in c.questions:
        questions.append({
            "id": q.id,
            "question": ed.prose(q.question),
            "why": ed.prose(q.why),
            "answer_by": ed.prose(q.answer_by),
            "themes": [theme_titles[t] for t in q.themes if t in theme_titles],
            "raised_by": Markup(ed._cite_html([(q.raised_by.source, q.raised_by.locator)])) if q.raised_by
            else s("questions.ours"),
            "top": q.top,
        })
    judgments = []
    for j in c.summary.judgments:
        term = s(f"likelihood.{j.likelihood}") if j.likelihood else s(f"confidence.{j.confidence}")
        judgments.append({
            "id": j.id,
            "text": ed.prose(j.text),
            "scale": "likelihood" if j.likelihood else "confidence",
            "term": term,
            "term_label": s("likelihood") if j.likelihood else s("confidence"),
            "level": j.likelihood or j.confidence,
            "themes": [theme_titles[t] for t in j.themes if t in theme_titles],
        })
    jtext = {j["id"]: j for j in judgments}
    watch = [{"signpost": ed.prose(w.signpost), "judgment": jtext.get(w.judgment)} for w in c.summary.watch]
    sources = []
    for src in c.sources:
        sources.append({
            "id": src.id,
            "short": ed.plain(src.short),
            "title": ed.plain(src.title),
            "outlet": ed.plain(src.outlet),
            "date": format_date(src.date, s),
            "date_iso": src.date.isoformat(),
            "script": s(f"script.{src.script}") if src.script else "",
            "kind": source_kind_label(ed, src.kind),
            "reliability": s(f"reliability.{src.reliability}") if src.reliability else "",
            "reliability_key": src.reliability,
            "note": ed.prose(src.note),
            "url": src.url,
        })
    # the Traditional column (the Simplified edition shows Taiwan forms), from the Simplified
    # forms whatever the briefing is written in: by the edition's own converter when it is that
    # one, else as such a converter renders them (converted_terms: cached)
    table = [term for term in c.glossary.terms if term.show]
    shown = ed.variant if ed.variant != "zh-Hans" else "zh-Hant"
    words = [term.forms["zh-Hans"] for term in table]
    if (ed.converter.variant, ed.converter.source) == (shown, "zh-Hans"):
        forms = [ed.converter.convert(w) for w in words]
    else:
        forms = converted_terms(c.glossary, shown, words) if words else []
    glossary = [{"hans": word, "hant": form, "en": term.en, "category": term.category}
                for term, word, form in zip(table, words, forms)]
    glance_ids = list(getattr(m, "_data", {}).get("glance", []) or []) if hasattr(m, "_data") else []
    glance = [by_num[i] for i in glance_ids if i in by_num] or numbers[:8]
    top = [q for q in questions if q["top"]][:4]
    back = {"methodology": Markup(""), "disclaimer": Markup(""), "corrections": Markup("")}
    for name, text in c.back.items():
        converted = ed.converter.convert(str(text))
        ed.findings.extend(lint_text(lintable(converted), ed.variant, text.path, 1,
                                     source=str(text), converter=ed.converter))
        back[name] = Markup(ed.markup.render(converted))
    context = {
        "edition": {
            "variant": ed.variant,
            "lang": ed.lang,
            "title": ed.plain(m.title),
            "title_text": ed.plain_text(m.title),
            "subtitle": ed.plain(m.subtitle),
            "number": m.edition,
            "version": m.version,
            "issue_date": format_date(m.issue_date, s),
            "issue_date_iso": m.issue_date.isoformat(),
            "cutoff": format_date(m.cutoff.date(), s) + " " + m.cutoff.strftime("%H:%M") + " "
            + _utc_offset(m.cutoff),
            "cutoff_iso": m.cutoff.isoformat(),
            "issuing_unit": ed.plain(m.issuing_unit),
            "issuing_unit_text": ed.plain_text(m.issuing_unit),
            "author_text": ed.plain_text(m.author),
            "description_text": _description(ed.prose(c.summary.bottom_line[0])) if c.summary.bottom_line
            else ed.plain_text(m.title),
            "distribution": ed.plain(m.distribution),
        },
        "t": s,
        "summary": {
            "bottom_line": [ed.prose(x) for x in c.summary.bottom_line],
            "judgments": judgments,
            "watch": watch,
        },
        "themes": themes,
        "numbers": numbers,
        "glance": glance,
        "questions": questions,
        "top_questions": top,
        "sources": sources,
        "sources_note": ed.prose(m.sources_note) if m.sources_note else Markup(""),
        "glossary": glossary,
        "back": back,
        "changes": [],
        "changes_since": "",  # 本版更新 lead sentence; empty for a first edition (generator/render/changes.py)
        "charts": build_charts(ed, load_specs(c.root), (extra or {}).get("style")),
        "other_editions": [],
        "css": "",
        "screen_css": "",
    }
    if extra:
        context.update(extra)
    return context


def _utc_offset(d) -> str:
    off = d.utcoffset()
    if off is None:
        return ""
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    h, mi = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{mi:02d}" if mi else "")


_CITE_SPAN = re.compile(r'<span class="cite">[^<]*+(?:<(?!/span>)[^<]*+)*+</span>')  # (no span inside a citation)


def _description(sentence: Markup) -> str:
    """The first sentence of the bottom line as plain text for <meta name=description>
    and link previews: citations dropped, markup stripped."""
    return " ".join(Markup(_CITE_SPAN.sub("", str(sentence))).striptags().split())


def render_html(env: jinja2.Environment, context: dict, template: str = "briefing.html.j2") -> str:
    """The edition's HTML; no orphaned line ends, no citation alone at the
    start of a line (generator/chinese/linebreaks.py)."""
    return keep_together(env.get_template(template).render(**context))


def read_css(env: jinja2.Environment, names: list[str], context: dict) -> str:
    """CSS files are templates too (page labels come from the strings file)."""
    return "\n".join(env.get_template(n).render(**context) for n in names)


_WS = re.compile(r"[ \t]+\n")


def tidy(html_text: str) -> str:
    return _WS.sub("\n", html_text)
