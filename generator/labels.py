"""The editions' labels: ``templates/strings/<variant>.yaml``, shipped and
overridden key by key by the desk's own strings file.

In: a variant and the desk's template folder. Out: :class:`Strings`, labels
that fill only the placeholders they are given and fail at their own line
(:class:`LabelError`) otherwise. The renderer prints them; the loader's and
the checker's messages quote them.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator import safeio, yamlsrc
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there (the same values, faster)


def load_strings(variant: str, user_dir: Path | None) -> dict[str, str]:
    """Shipped labels, overridden key by key by the user's strings file."""
    strings: dict[str, str] = {}
    for d in (SHIPPED_TEMPLATES, user_dir):
        if d is None:
            continue
        p = Path(d) / "strings" / f"{variant}.yaml"
        if p.is_file():
            # (a user's file is validated first, overrides._check_strings; the policy holds here too)
            data = yaml.load(safeio.read_text(p, d, "template"), Loader=_YAML_LOADER) or {}
            strings.update({str(k): _Label(str(v), str(k), p) for k, v in data.items()})
    return strings


class LabelError(jinja2.TemplateSyntaxError):
    """A label whose placeholders cannot be filled, at its line of the strings
    file (the build reports it as it reports a template's syntax error)."""


class _Label(str):
    """A label's text. ``format`` fills in only the placeholders its caller
    gives, each written plainly ({n}); anything else -- ``{n`` unclosed,
    ``{x}`` it is not given, ``{n.__class__}`` (which printed <class 'int'>
    into the edition), ``{n:>999999999}`` (a gigabyte of spaces) -- is a
    :class:`LabelError` at the label's line, not a traceback."""

    def __new__(cls, text: str, key: str = "", path: Path | None = None):
        label = super().__new__(cls, text)
        label.key, label.path = key, path
        return label

    def format(self, *args: Any, **kw: Any) -> str:
        problem = _placeholder_problem(self, args, kw)
        if problem:
            raise LabelError(f"label '{self.key}' ('{safeio.printable(str(self), 80)}') {problem}",
                             _label_line(self.path, self.key), filename=str(self.path) if self.path else None)
        return str.format(self, **kw)


def _placeholder_problem(text: str, args: tuple, kw: dict) -> str:
    given = ", ".join(f"{{{k}}}" for k in sorted(kw)) or "no values"
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:  # '{n' unclosed, a single '}'
        return f"has a broken placeholder ({exc}); it is given {given} (a literal brace is written {{{{ or }}}})"
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if args or name not in kw:
            return f"has the placeholder {{{safeio.printable(name, 40)}}}, but is given only {given}"
        if spec or conversion:
            how = safeio.printable(":" + spec if spec else "!" + conversion, 40)
            return f"formats its placeholder {{{name}}} with '{how}'; write {{{name}}} plainly"
    return ""


def _label_line(path: Path | None, key: str) -> int:
    """The line of ``key`` in the strings file (0 when it cannot be told)."""
    if path is None:
        return 0

    try:
        data = yamlsrc.parse(safeio.read_text(path, path.parent, "template"), path)
    except Exception:  # noqa: BLE001 -- only a line for a message; the file was read once already
        return 0
    return data.line_of(key) if isinstance(data, yamlsrc.Map) else 0


class Strings(dict):
    """Labels; ``t('key', n=1)`` formats; a missing key is a loud error."""

    def __call__(self, key: str, **kw: Any) -> str:
        if key not in self:
            raise jinja2.UndefinedError(f"no label '{key}' in the strings file")
        return self[key].format(**kw) if kw else self[key]
