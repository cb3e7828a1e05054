"""A template's mistake told the way a desk can fix it.

In: the exception Jinja raised while rendering (a syntax error, a variable
the template expected and the context does not have, a template that
recursed), the desk's template folder and the context it was given. Out:
``path:line: message (hint)`` naming the desk's template line, the shipped
template it overrides, or the variable's nearest real name. Also every
variable path a template receives (:func:`context_paths`), which
docs/templates.md is tested against.
"""

from __future__ import annotations

import traceback
from functools import partial
from pathlib import Path
from typing import Any, Iterable

import jinja2
from jinja2.utils import missing
from markupsafe import Markup

from generator.diagnostics import closest
from generator.render.overrides import (
    BASE_PREFIX, DOCS, MAIN_TEMPLATE, TEMPLATE_SUFFIXES, parent_hint, shipped_names, syntax_problem,
)
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


class UndefinedLookup(jinja2.UndefinedError):
    """An undefined variable or key, remembering what was looked up in what."""

    def __init__(self, obj: Any, name: str | None, message: str | None = None):
        super().__init__(message)
        self.undefined_obj, self.undefined_name = obj, name


class HelpfulUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose error keeps what was looked up, and in what,
    so :func:`explain` can name the variable and suggest the right key."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                 exc: type = jinja2.UndefinedError):
        super().__init__(hint, obj, name, exc)
        self._undefined_exception = partial(UndefinedLookup, obj, name)


def explain(exc: BaseException, user_dir: Path | None, context: dict | None = None) -> tuple[str, int, str, str]:
    """(path, line, message, hint) for a template error."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_problem(exc, user_dir)
    path, line = template_location(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        shipped = set(shipped_names())
        name = exc.name or "?"
        if path == "?":
            path = str(user_dir or SHIPPED_TEMPLATES)
        return path, line, f"template '{name}' not found", parent_hint(str(name), shipped)
    if isinstance(exc, jinja2.UndefinedError):
        message, hint = _undefined(exc, context or {})
        return path, line, message, hint
    if isinstance(exc, RecursionError):
        return path, line, "templates include or extend each other in a loop", \
            f"an override extends the shipped template as {{% extends \"{BASE_PREFIX}{MAIN_TEMPLATE}\" %}}"
    return path, line, f"template error: {exc}", f"see {DOCS}"


def template_location(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line in an exception's traceback
    (Jinja rewrites tracebacks so that template frames carry them)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name or "?", exc.lineno or 0
    where = ("?", 0)
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        fn = frame.f_code.co_filename
        if fn.endswith(TEMPLATE_SUFFIXES) and Path(fn).is_file():
            where = (fn, lineno)
    return where


def _undefined(exc: jinja2.UndefinedError, context: dict) -> tuple[str, str]:
    obj = getattr(exc, "undefined_obj", missing)
    name = getattr(exc, "undefined_name", None)
    if name is None:
        return f"template error: {exc.message}", f"see {DOCS} for the variables each template receives"
    if obj is missing:
        close = closest(name, context)
        hint = f"did you mean '{close}'? " if close else ""
        return (f"variable '{name}' is undefined",
                hint + "templates receive: " + ", ".join(sorted(context)) + f" (see {DOCS})")
    where = _find(context, obj)
    label = where or "this value"
    if isinstance(obj, dict):
        keys = sorted(str(k) for k in obj)
        close = closest(str(name), keys)
        hint = f"did you mean '{(where + '.') if where else ''}{close}'? " if close else ""
        return (f"'{label}' has no '{name}'",
                hint + f"'{label}' holds: " + ", ".join(keys) + f" (see {DOCS})")
    return f"'{label}' ({type(obj).__name__}) has no '{name}'", f"see {DOCS} for what it holds"


def _find(context: dict, target: Any) -> str:
    """The context path of an object (breadth first: the shortest name)."""
    queue: list[tuple[str, Any]] = [(k, v) for k, v in context.items()]
    seen: set[int] = set()
    while queue:
        path, value = queue.pop(0)
        if value is target:
            return path
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            queue.extend((f"{path}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            queue.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return ""


def context_paths(contexts: Iterable[dict]) -> dict[str, str]:
    """Every variable path of the given contexts -> a short type name.

    Lists are described by their items (``themes[].title``); a value that is
    the very object reachable by a shorter path is recorded as ``= PATH``
    (``glance[]`` holds items of ``numbers[]``) and not described again.
    """
    out: dict[str, str] = {}
    for ctx in contexts:
        seen: dict[int, str] = {}
        queue: list[tuple[str, Any]] = [(k, v) for k, v in ctx.items()]
        while queue:
            path, value = queue.pop(0)
            if isinstance(value, (dict, list)) and value and id(value) in seen and seen[id(value)] != path:
                out.setdefault(path, "= " + seen[id(value)])
                continue
            if isinstance(value, (dict, list)) and value:
                seen[id(value)] = path
            if isinstance(value, dict) and not callable(value):
                out.setdefault(path, "mapping")
                queue.extend((f"{path}.{k}", v) for k, v in value.items())
            elif isinstance(value, list):
                out.setdefault(path, "list")
                items = [v for v in value if isinstance(v, dict)]
                if items:
                    if id(items[0]) in seen:
                        out[path] = "list of = " + seen[id(items[0])]
                        continue
                    for item in items:
                        seen.setdefault(id(item), path + "[]")
                    # union of the keys over all items (some keys are optional)
                    keys: dict[str, Any] = {}
                    for item in items:
                        for k, v in item.items():
                            keys.setdefault(k, v)
                            if keys[k] in (None, "", [], {}) and v not in (None, "", [], {}):
                                keys[k] = v
                    queue.extend((f"{path}[].{k}", v) for k, v in keys.items())
            else:
                out.setdefault(path, _type_name(value))
    return out


def _type_name(value: Any) -> str:
    if callable(value):
        return "function"
    if isinstance(value, Markup):
        return "html"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "none"
    return type(value).__name__
