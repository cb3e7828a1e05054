"""Customizing templates: what can be overridden, and telling the user
exactly what went wrong when an override is broken.

The search path (see :func:`generator.render.html.template_env`): the user's
template directory first, then the shipped ``templates/``, which also stays
reachable as ``base:NAME`` so that an override extends the shipped template
and replaces single blocks instead of copying it.

Here:

* the inventory of shipped templates and their blocks (``briefing templates list``);
* ``eject``: copy shipped templates, or single blocks as a ready override,
  into the user's directory (never overwriting without ``force``);
* :func:`check_overrides`: problems Jinja itself would not report (a block
  the parent does not have is silently ignored; a template extending itself
  recurses until Python gives up);
* :func:`syntax_problem`: a template's syntax error at the desk's own line.

A Jinja error met while rendering is explained by generator.render.errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2 import nodes

from generator import safeio, yamlsrc
from generator.diagnostics import Diagnostics, closest
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


BASE_PREFIX = "base:"
MAIN_TEMPLATE = "briefing.html.j2"
TEMPLATE_SUFFIXES = (".j2", ".html", ".css")
DOCS = "docs/templates.md"


@dataclass(frozen=True)
class Block:
    name: str
    line: int
    depth: int  # 0 = top level; nested blocks (theme in themes) are 1
    scoped: bool = False


@dataclass(frozen=True)
class ShippedTemplate:
    name: str  # relative to templates/, with '/' separators
    description: str
    blocks: tuple[Block, ...] = ()

    @property
    def path(self) -> Path:
        return SHIPPED_TEMPLATES / self.name


# --------------------------------------------------------------------------
# inventory


def check_shipped(diag: Diagnostics) -> bool:
    """False, with an error in ``diag``, when the installed package has no
    shipped templates (a broken installation): nothing to list or eject."""
    if (SHIPPED_TEMPLATES / MAIN_TEMPLATE).is_file():
        return True
    diag.error(SHIPPED_TEMPLATES, 0, f"the shipped templates are missing (no {MAIN_TEMPLATE} here)",
               "the installation of briefing is incomplete; reinstall it")
    return False


def shipped_names() -> list[str]:
    return sorted(p.relative_to(SHIPPED_TEMPLATES).as_posix() for p in SHIPPED_TEMPLATES.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def shipped_templates() -> list[ShippedTemplate]:
    """Every shipped file a user may override, with its blocks."""
    out = []
    for name in shipped_names():
        source = (SHIPPED_TEMPLATES / name).read_text(encoding="utf-8")
        if name.startswith("strings/"):
            variant = Path(name).stem
            desc = f"labels of the {variant} edition (a user file overrides them key by key)"
            out.append(ShippedTemplate(name, desc))
            continue
        out.append(ShippedTemplate(name, _description(source), tuple(blocks_of(source, name))))
    return out


def _description(source: str) -> str:
    """First sentence of the template's leading comment."""
    m = re.match(r"\s*(?:\{#-?|/\*)\s*(.*?)(?:-?#\}|\*/)", source, re.S)
    if not m:
        return ""
    text = " ".join(m.group(1).split())
    return re.split(r"(?<=\.)\s", text, maxsplit=1)[0].rstrip(".")


def blocks_of(source: str, name: str = "<template>") -> list[Block]:
    """The blocks of a template, in document order, nested ones after their parent."""
    env = jinja2.Environment()
    out: list[Block] = []

    def walk(node: nodes.Node, depth: int) -> None:
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Block):
                out.append(Block(child.name, child.lineno, depth, child.scoped))
                walk(child, depth + 1)
            else:
                walk(child, depth)

    walk(env.parse(source, name), 0)
    return out


def describe(user_dir: Path | None = None) -> list[str]:
    """The lines of ``briefing templates list``."""
    user_dir = Path(user_dir) if user_dir else None
    lines = [
        "Shipped templates. Override one with a file of the same name in your template",
        f"directory, or extend it -- {{% extends \"{BASE_PREFIX}NAME\" %}} -- and replace single blocks.",
        "",
    ]
    shipped = shipped_templates()
    for t in shipped:
        mark = ""
        if user_dir is not None and (user_dir / t.name).is_file():
            own = (user_dir / t.name).read_text(encoding="utf-8", errors="replace")
            mark = "  [extended by your " if f"{BASE_PREFIX}{t.name}" in own else "  [replaced by your "
            mark += (user_dir / t.name).as_posix() + "]"
        lines.append(f"{t.name}" + (f" -- {t.description}" if t.description else "") + mark)
        for b in t.blocks:
            indent = "    " + "  " * b.depth
            extra = " (scoped: sees the loop variable th)" if b.scoped and b.name == "theme" else \
                (" (scoped)" if b.scoped else "")
            lines.append(f"{indent}{b.name:<{24 - 2 * b.depth}} line {b.line}{extra}")
    if user_dir is not None and user_dir.is_dir():
        names = {t.name for t in shipped}
        extra_files = [p.relative_to(user_dir).as_posix() for p in sorted(user_dir.rglob("*"))
                       if p.is_file() and not p.name.startswith(".")
                       and p.relative_to(user_dir).as_posix() not in names]
        if extra_files:
            lines += ["", f"Your own files in {user_dir.as_posix()} (used only if an override includes them):"]
            lines += [f"  {n}" for n in extra_files]
    lines += ["", f"Variables each template receives: {DOCS}.",
              "Start an override:  briefing templates eject --block cover DIR"]
    return lines


def _block_names(name: str) -> list[str]:
    p = SHIPPED_TEMPLATES / name
    return [b.name for b in blocks_of(p.read_text(encoding="utf-8"), name)] if p.is_file() else []


# --------------------------------------------------------------------------
# eject


def eject(names: Iterable[str], dest: Path, force: bool, diag: Diagnostics) -> list[Path]:
    """Copy shipped templates (all of them when ``names`` is empty) into
    ``dest``, keeping their relative paths. Writes nothing if any name is
    unknown or any target exists (unless ``force``)."""
    if not check_shipped(diag):
        return []
    available = shipped_names()
    names = list(names) or available
    plan: list[tuple[Path, bytes]] = []
    for name in names:
        clean = name.removeprefix(BASE_PREFIX).removeprefix("templates/")
        if clean not in available:
            close = closest(clean, available, 0.5)
            diag.error(name, 0, f"no shipped template '{name}'",
                       f"did you mean '{close}'?" if close else "`briefing templates list` shows them")
            continue
        plan.append((dest / clean, (SHIPPED_TEMPLATES / clean).read_bytes()))
    return _write_new(plan, force, diag)


def eject_blocks(blocks: Iterable[str], dest: Path, force: bool, diag: Diagnostics,
                 template: str = MAIN_TEMPLATE) -> list[Path]:
    """Write ``dest/<template>`` as an override that extends the shipped
    template and replaces only ``blocks`` (copied from the shipped source,
    ready to edit)."""
    if not check_shipped(diag):
        return []
    template = template.removeprefix(BASE_PREFIX)
    path = SHIPPED_TEMPLATES / template
    if not path.is_file():
        diag.error(template, 0, f"no shipped template '{template}'", "`briefing templates list` shows them")
        return []
    source = path.read_text(encoding="utf-8")
    known = [b.name for b in blocks_of(source, template)]
    parts = []
    for b in blocks:
        if b not in known:
            close = closest(b, known, 0.5)
            diag.error(template, 0, f"the shipped {template} has no block '{b}'",
                       f"did you mean '{close}'?" if close else "blocks: " + ", ".join(known))
            continue
        parts.append(block_source(source, b))
    if diag.errors:
        return []
    text = (
        "{#- Override of the shipped " + template + ": only the blocks below replace\n"
        "    the shipped ones; everything else still comes from the shipped template.\n"
        "    Variables: docs/templates.md.  Blocks: `briefing templates list`. -#}\n"
        "{% extends \"" + BASE_PREFIX + template + "\" %}\n\n" + "\n\n".join(parts) + "\n"
    )
    return _write_new([(dest / template, text.encode("utf-8"))], force, diag)


def block_source(source: str, name: str) -> str:
    """The text of ``{% block name %}…{% endblock %}`` in a template."""
    # blank out comments, keeping offsets, so a block tag quoted in a comment is not taken
    masked = re.sub(r"\{#.*?#\}", lambda m: re.sub(r"[^\n]", " ", m.group(0)), source, flags=re.S)
    tag = re.compile(r"\{%-?\s*(block|endblock)\b\s*([A-Za-z_][A-Za-z0-9_]*)?[^%]*?-?%\}")
    depth, start, start_depth = 0, None, 0
    for m in tag.finditer(masked):
        if m.group(1) == "block":
            if start is None and m.group(2) == name:
                start, start_depth = m.start(), depth
            depth += 1
        else:
            depth -= 1
            if start is not None and depth == start_depth:
                return source[start:m.end()]
    raise KeyError(name)


def _write_new(plan: list[tuple[Path, bytes]], force: bool, diag: Diagnostics) -> list[Path]:
    if not force:
        for target, _ in plan:
            if target.exists():
                diag.error(target, 0, "already exists; not overwritten",
                           "pass --force to replace it, or eject into another directory")
    if diag.errors:
        return []
    written = []
    for target, data in plan:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        written.append(target)
    return written


# --------------------------------------------------------------------------
# checking a user's template directory before rendering


def check_overrides(user_dir: Path, diag: Diagnostics) -> None:
    """Report what Jinja would not (or only as a crash): a block the parent
    template does not define (silently ignored by Jinja), a template that
    extends itself, a parent that does not exist; and broken strings files."""
    shipped = set(shipped_names())
    env = jinja2.Environment()
    files, refused = safeio.walk(user_dir)
    for exc in refused:  # a link out of the folder, a device, a FIFO: never read, never rendered
        diag.error(exc.path, exc.line, exc.reason, exc.hint, code="refused")
    for path in files:
        if path.name.startswith("."):
            continue
        name = path.relative_to(user_dir).as_posix()
        if name.startswith("strings/") and path.suffix in (".yaml", ".yml"):
            _check_strings(path, diag)
            continue
        if not path.name.endswith(TEMPLATE_SUFFIXES):
            continue
        try:
            source = safeio.read_text(path, user_dir, "template")
            tree = env.parse(source, name, str(path))
        except safeio.Refused as exc:
            diag.error(path, exc.line, exc.reason, exc.hint, code="refused")
            continue
        except jinja2.TemplateSyntaxError as exc:
            _, line, message, hint = syntax_problem(exc, user_dir)
            diag.error(path, line, message, hint)
            continue
        extends = next(iter(tree.find_all(nodes.Extends)), None)
        if extends is None or not isinstance(extends.template, nodes.Const):
            continue
        parent = str(extends.template.value)
        line = extends.lineno
        if parent == name:
            diag.error(path, line, f"'{name}' extends itself",
                       f"extend the shipped one: {{% extends \"{BASE_PREFIX}{name}\" %}}")
            continue
        if parent.startswith(BASE_PREFIX):
            parent_name = parent[len(BASE_PREFIX):]
            if parent_name not in shipped:
                diag.error(path, line, f"parent template '{parent}' does not exist",
                           parent_hint(parent, shipped))
                continue
            parent_blocks = _block_names(parent_name)
            where = f"the shipped {parent_name}"
        elif (user_dir / parent).is_file() or parent in shipped:
            # extends another user template (or the shipped one through the search path)
            src = (user_dir / parent) if (user_dir / parent).is_file() else SHIPPED_TEMPLATES / parent
            try:
                parent_blocks = [b.name for b in _blocks_with_ancestors(src, user_dir)]
            except jinja2.TemplateSyntaxError:
                continue  # reported for that file itself
            where = parent
        else:
            diag.error(path, line, f"parent template '{parent}' does not exist", parent_hint(parent, shipped))
            continue
        for b in blocks_of(source, name):
            if b.name not in parent_blocks:
                close = closest(b.name, parent_blocks, 0.5)
                hint = f"did you mean '{close}'? " if close else ""
                diag.error(path, b.line, f"block '{b.name}' is not a block of {where}, so it would never be shown",
                           hint + "blocks: " + ", ".join(parent_blocks))


def _blocks_with_ancestors(path: Path, user_dir: Path, seen: frozenset = frozenset()) -> list[Block]:
    source = path.read_text(encoding="utf-8")
    own = blocks_of(source, path.name)
    tree = jinja2.Environment().parse(source)
    ext = next(iter(tree.find_all(nodes.Extends)), None)
    if ext is None or not isinstance(ext.template, nodes.Const) or path in seen:
        return own
    parent = str(ext.template.value)
    nxt = SHIPPED_TEMPLATES / parent[len(BASE_PREFIX):] if parent.startswith(BASE_PREFIX) else user_dir / parent
    if not nxt.is_file():
        nxt = SHIPPED_TEMPLATES / parent
    return own + (_blocks_with_ancestors(nxt, user_dir, seen | {path}) if nxt.is_file() else [])


def parent_hint(parent: str, shipped: set[str]) -> str:
    wanted = [BASE_PREFIX + s for s in sorted(shipped) if s.endswith(TEMPLATE_SUFFIXES)]
    close = closest(parent, wanted, 0.5)
    if close:
        return f"did you mean '{close}'? shipped templates: " + ", ".join(wanted)
    return "shipped templates: " + ", ".join(wanted)


def _check_strings(path: Path, diag: Diagnostics) -> None:
    try:
        data = yamlsrc.load(path, path.parent.parent, diag)
    except yamlsrc.YamlSyntaxError as exc:
        diag.error(exc.path, exc.line, exc.message, exc.hint or "labels are lines like `toc: 目录`; quote values containing ': '")
        return
    if data is None:
        return
    if not isinstance(data, yamlsrc.Map):
        diag.error(path, 1, "a strings file must be a mapping of label keys to text, like `toc: 目录`")
        return
    shipped = SHIPPED_TEMPLATES / "strings" / path.name
    known = set()
    if shipped.is_file():
        known = set((yamlsrc.load(shipped) or {}).keys())
    for key, value in data.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            diag.error(path, data.line_of(key), f"label '{key}' must be text")
        elif known and key not in known:
            close = closest(key, known, 0.7)
            if close:
                diag.warning(path, data.line_of(key), f"label '{key}' is not a shipped label",
                             f"did you mean '{close}'? (a new label is fine if your templates use it)",
                             code="strings")


# --------------------------------------------------------------------------
# explaining Jinja errors


# --------------------------------------------------------------------------
# what templates receive (docs/templates.md is tested against this)


def syntax_problem(exc: jinja2.TemplateSyntaxError, user_dir: Path | None) -> tuple[str, int, str, str]:
    path = exc.filename or exc.name or "?"
    hint = "fix the template"
    if user_dir is not None:
        try:
            rel = Path(path).resolve().relative_to(Path(user_dir).resolve()).as_posix()
        except ValueError:
            rel = None
        if rel and (SHIPPED_TEMPLATES / rel).is_file():
            hint = (f"this file overrides the shipped {rel}: compare with templates/{rel}, "
                    f"or get a copy with `briefing templates eject {rel} DIR`")
    return path, exc.lineno or 0, f"template syntax error: {exc.message}", hint
