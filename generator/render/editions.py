"""Each edition's HTML: the content converted for the variant and rendered
through the templates.

In: the loaded content, the variants, the desk's template folder, the
changes since the last edition. Out: one HTML string per edition (nothing
written), lint findings and template errors on the diagnostics at their
lines. A template that runs past the time limit stops at its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from generator.check.lint import lint_labels
from generator.chinese.convert import Converter
from generator.chinese.linebreaks import joined, keep_cell_ends
from generator.diagnostics import Diagnostics
from generator.labels import Strings, load_strings
from generator.load.config import Config, output_name
from generator.model import Content
from generator.render.changes import changes_context
from generator.render.html import LANG, Edition, build_context, read_css, render_html, template_env
from generator.render.overrides import check_overrides
from generator.render.errors import explain
from generator.workers import RenderTimeout, TimeLimit, render_time_limit


def render_editions(content: Content, variants: list[str], templates: Path | None,
                    diag: Diagnostics, config: Config | None = None,
                    contexts: dict | None = None, changes=None, only: list[str] | None = None) -> dict[str, str]:
    """HTML for each edition (nothing written). Lint findings go to ``diag``.
    ``contexts``, if given, receives each edition's template context.
    ``changes`` (generator.render.changes.ContentChanges, None for a first edition)
    fills 本版更新; ``only``, if given, limits rendering to those variants
    (the others still count as sibling editions)."""

    config = config or Config()
    if templates is not None and templates.is_dir():
        check_overrides(templates, diag)
        if diag.errors:
            return {}
    env = template_env(templates)
    seconds = render_time_limit(diag)
    if seconds is None:
        return {}
    htmls: dict[str, str] = {}
    for variant in variants:
        if only is not None and variant not in only:
            continue
        strings = Strings(load_strings(variant, templates))
        ed = Edition(variant, LANG[variant], content, strings,
                     Converter(variant, content.glossary, content.manifest.written_in))
        others = [{"href": output_name(v, "html", config.output_name), "lang": LANG[v],
                   "name": Strings(load_strings(v, templates))("lang.name")}
                  for v in variants if v != variant]
        ctx: dict = {}
        limit = TimeLimit(seconds)
        try:
            ctx = build_context(ed, {"other_editions": others, "style": config.style(variant)})
            ctx.update(changes_context(ed, changes))
            if config.distribution:
                ctx["edition"]["distribution"] = ed.plain(config.distribution)
            with limit:  # templates are trusted code, but one that never ends must still end the build
                ctx["css"] = read_css(env, ["css/briefing.css.j2", "css/config.css.j2"], ctx)
                ctx["screen_css"] = read_css(env, ["css/screen.css.j2"], ctx)
                htmls[variant] = render_html(env, ctx)
            if contexts is not None:
                contexts[variant] = ctx
        except RenderTimeout:
            diag.error(*limit.problem())
        except (jinja2.TemplateError, RecursionError) as exc:
            diag.error(*explain(exc, templates, ctx))
        for f in ed.findings + lint_labels(variant, templates):
            diag.warning(f.path, f.line, f.message, f.hint, code="lint")
    return htmls


_SCREEN_ONLY = re.compile(r"<style media=\"screen\" data-screen-only>.*?</style>", re.S)


def print_html(html: str) -> str:
    """The HTML the PDF is made from: the edition minus its screen-only CSS
    (WeasyPrint 70 rejects media features such as min-width), each table
    cell's end kept together too, its kept-together runs joined by
    characters instead of elements (:mod:`generator.chinese.linebreaks`)."""
    return joined(keep_cell_ends(_SCREEN_ONLY.sub("", html)))
