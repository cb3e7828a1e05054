"""``briefing new DIR``: a new briefing that builds at once.

The scaffold is package data (``generator/scaffold/``): a ``briefing.toml``
with every key, a one-theme content folder, one example source that
``briefing check --sources --strict`` verifies, generic methodology and
disclaimer texts, a scheduled GitHub Actions workflow and a README for the
desk. Files named ``gitignore`` and ``github/`` are written as ``.gitignore``
and ``.github/`` (dotfiles do not travel well as package data).

Placeholders are ``@@name@@`` (the workflow's own ``${{ … }}`` and the
shell's ``$VAR`` stay untouched). Everything is written into a temporary
folder beside DIR first and moved into place at the end: a failure leaves
nothing behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.shipped import SCAFFOLD

DEFAULT_TITLE = "示例简报：在这里写本期标题"
DEFAULT_UNIT = "某某研究组"
DEFAULT_CRON = "17 5 * * 1-5"
_RENAMES = {"gitignore": ".gitignore", "github": ".github"}
_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")
_CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z]+$")


class ScaffoldError(Exception):
    """A briefing cannot be created where or as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Scaffold:
    title: str = DEFAULT_TITLE
    unit: str = DEFAULT_UNIT
    date: dt.date | None = None  # issue date; default today
    cron: str = DEFAULT_CRON
    written_in: str = "zh-Hans"  # the script the desk writes in; the scaffold's Chinese is converted to it

    def values(self) -> dict[str, str]:
        day = self.date or dt.date.today()
        return {
            "title": _yaml_text(self.title),
            "unit": _yaml_text(self.unit),
            "date": day.isoformat(),
            "year": str(day.year),
            "last_year": str(day.year - 1),
            "cron": self.cron,
            "version": __version__,
        }


def _yaml_text(value: str) -> str:
    """A one-line plain text safe to put after ``key: `` in the YAML files."""
    value = " ".join(value.split())
    if not value:
        raise ScaffoldError("the title and the issuing unit must not be empty")
    if any(ord(c) < 32 for c in value) or value[0] in "&*!|>'\"%@`#-?:[]{}," or ": " in value or " #" in value:
        raise ScaffoldError(f"{value!r}: write it without YAML punctuation at the start, ': ' or ' #' "
                            "(you can edit content/briefing.yaml afterwards)")
    return value


def check_cron(cron: str) -> str:
    fields = cron.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ScaffoldError(f"--cron {cron!r} is not a five-field cron schedule like {DEFAULT_CRON!r}")
    return " ".join(fields)


def scaffold_files() -> list[tuple[str, Path]]:
    """(relative destination, shipped file) for every file of the scaffold, sorted."""
    out = []
    for p in sorted(SCAFFOLD.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts:
            continue
        rel = p.relative_to(SCAFFOLD).parts
        dest = "/".join((_RENAMES.get(rel[0], rel[0]), *rel[1:]))
        out.append((dest, p))
    if not out:
        raise ScaffoldError(f"the scaffold shipped with briefing is missing ({SCAFFOLD}); reinstall briefing")
    return out


_LOCATOR = re.compile(r'locator:\s*"([^"\n]*)"')


def _script_converter(written_in: str, words: bool = True):
    """The scaffold's Simplified text converted to the desk's script: with
    the house glossary (``words``), or the characters only -- a source
    article keeps its own words, so the fragments cited from it (kept in
    Simplified in the scaffold) still match it script-for-script."""
    if written_in == "zh-Hans":
        return None
    from generator.chinese.convert import QUOTE_CONFIG, Converter, convert_quotes, opencc_converter

    if not words:
        chars = opencc_converter(QUOTE_CONFIG[written_in])
        return lambda text: "\n".join(convert_quotes(chars.convert(line)) for line in text.split("\n"))
    from generator.content import load_glossary
    from generator.diagnostics import Diagnostics

    conv = Converter(written_in, load_glossary(Diagnostics(), None))
    chars = _script_converter(written_in, words=False)

    def line_of(line: str) -> str:
        # a key number's locator quotes its source: converted as the source is (characters only)
        out, pos = [], 0
        for m in _LOCATOR.finditer(line):
            out.append(conv.convert(line[pos:m.start(1)]))
            out.append(chars(m.group(1)))
            pos = m.end(1)
        out.append(conv.convert(line[pos:]))
        return "".join(out)

    return lambda text: "\n".join(line_of(line) for line in text.split("\n"))


def render(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def create(dest: Path, scaffold: Scaffold = Scaffold()) -> list[Path]:
    """Write a new briefing into ``dest`` (absent or empty). Returns the files written."""
    dest = Path(dest)
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise ScaffoldError(f"{dest} exists and is not a folder; choose a new folder name")
    if dest.is_dir() and any(dest.iterdir()):
        raise ScaffoldError(f"{dest} is not empty; `briefing new` only writes into a new or empty folder "
                            "(choose another name, or move its files away)")
    values = scaffold.values()
    files = scaffold_files()
    to_script = _script_converter(scaffold.written_in)
    to_script_chars = _script_converter(scaffold.written_in, words=False)
    parent = dest.resolve().parent
    if not parent.is_dir():
        raise ScaffoldError(f"{parent} does not exist; create it first")
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".new", dir=parent))
    try:
        for rel, src in files:
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            text = render(src.read_text(encoding="utf-8"), values)
            if to_script is not None and rel.startswith("sources/"):
                text = to_script_chars(text)
            elif to_script is not None and rel.startswith("content/") \
                    and rel != "content/glossary.yaml":  # the glossary holds pairs of forms
                text = to_script(text)
            if rel == "content/briefing.yaml" and scaffold.written_in != "zh-Hans":
                text = text.replace("\nvariants:", f"\nwritten_in: {scaffold.written_in}"
                                    "          # 撰寫所用的文字；其他版本由此轉換\nvariants:", 1)
            target.write_text(text, encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's folder is private; the briefing is an ordinary folder
        if dest.is_dir():
            dest.rmdir()  # empty (checked above); the rename below puts the whole tree in its place
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [dest / rel for rel, _ in files]
