"""``briefing new DIR``: a new briefing that builds at once.

The scaffold is package data (``generator/scaffold/``): a ``briefing.toml``
with every key, a one-theme content folder, one example source that
``briefing check --sources --strict`` verifies, generic methodology and
disclaimer texts, a scheduled GitHub Actions workflow and a README for the
desk. Files named ``gitignore`` and ``github/`` are written as ``.gitignore``
and ``.github/`` (dotfiles do not travel well as package data).

Its Chinese is written in Simplified. A desk that writes in Traditional
(``--written-in``) gets content/ and sources/ written in its own script and
usage (``generator/scaffold-zh-Hant/`` for Taiwan, ``scaffold-zh-Hant-HK/``
for Hong Kong: the same files, ids, values and citations); its own edition
is built first, and its title and unit are kept as typed.

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
from generator.shipped import SCAFFOLD, SCAFFOLD_NATIVE

DEFAULT_TITLE = "示例简报：在这里写本期标题"
DEFAULT_UNIT = "某某研究组"
# What the placeholders read in a desk's own script (its scaffold, SCAFFOLD_NATIVE, is written in it).
NATIVE_DEFAULTS = {"zh-Hans": (DEFAULT_TITLE, DEFAULT_UNIT), "zh-Hant": ("範例簡報：在這裡寫本期標題", "某某研究組"),
                   "zh-Hant-HK": ("範例簡報：在這裏寫本期標題", "某某研究組")}
# The editions a new briefing builds (the written one first), and the one to
# add for the third region, as briefing.toml (English) and briefing.yaml say it.
EDITIONS = {"zh-Hans": (("zh-Hans", "zh-Hant"), 'add "zh-Hant-HK" for Hong Kong', "香港版加 zh-Hant-HK"),
            "zh-Hant": (("zh-Hant", "zh-Hans"), 'add "zh-Hant-HK" for Hong Kong', "香港版加 zh-Hant-HK"),
            "zh-Hant-HK": (("zh-Hant-HK", "zh-Hans"), 'add "zh-Hant" for Taiwan', "台灣版加 zh-Hant")}
# What README.md says content/ is written in.
CONTENT_SCRIPT = {
    "zh-Hans": "Simplified Chinese; the Traditional editions are generated",
    "zh-Hant": "Traditional Chinese, Taiwan usage; the Simplified edition is generated",
    "zh-Hant-HK": "Traditional Chinese, Hong Kong usage; the Simplified edition is generated",
}
# What README.md shows of the desk's own script: a citation, and the edition a sentence is converted to.
README_EXAMPLES = {
    "zh-Hans": ('[@example "接待到馆读者120万人次"]', "zh-Hant", "Traditional"),
    "zh-Hant": ('[@example "接待入館讀者120萬人次"]', "zh-Hans", "the Simplified edition"),
    "zh-Hant-HK": ('[@example "接待入館讀者120萬人次"]', "zh-Hans", "the Simplified edition"),
}
DEFAULT_CRON = "17 5 * * 1-5"
_RENAMES = {"gitignore": ".gitignore", "github": ".github"}
_NATIVE_PARTS = ("content/", "sources/")  # what a native scaffold (SCAFFOLD_NATIVE) replaces
_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")
_CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z]+$")


class ScaffoldError(Exception):
    """A briefing cannot be created where or as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Scaffold:
    title: str | None = None  # None: a placeholder in the desk's script
    unit: str | None = None
    date: dt.date | None = None  # issue date; default today
    cron: str = DEFAULT_CRON
    # The script the desk writes in: its scaffold's content/ and sources/ are written in it (SCAFFOLD_NATIVE).
    written_in: str = "zh-Hans"

    def values(self) -> dict[str, str]:
        """The placeholders' values. The desk's own title and unit are kept as typed."""
        day = self.date or dt.date.today()
        title, unit = NATIVE_DEFAULTS[self.written_in]
        return {
            "title": _yaml_text(self.title if self.title is not None else title),
            "unit": _yaml_text(self.unit if self.unit is not None else unit),
            "content_script": CONTENT_SCRIPT[self.written_in],
            "citation_example": README_EXAMPLES[self.written_in][0],
            "convert_to": README_EXAMPLES[self.written_in][1],
            "convert_edition": README_EXAMPLES[self.written_in][2],
            "variants": "[" + ", ".join(f'"{v}"' for v in EDITIONS[self.written_in][0]) + "]",
            "variants_more": EDITIONS[self.written_in][1],
            "variants_yaml": "[" + ", ".join(EDITIONS[self.written_in][0]) + "]",
            "variants_more_zh": EDITIONS[self.written_in][2],
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


def _files(root: Path) -> list[tuple[str, Path]]:
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts:
            continue
        rel = p.relative_to(root).parts
        out.append(("/".join((_RENAMES.get(rel[0], rel[0]), *rel[1:])), p))
    return out


def scaffold_files(written_in: str = "zh-Hans") -> list[tuple[str, Path, bool]]:
    """(relative destination, shipped file, written natively in ``written_in``)
    for every file of the scaffold, sorted. Where the package ships the
    scaffold's Chinese written in the desk's script (``SCAFFOLD_NATIVE``), its
    content/ and sources/ take the place of the Simplified ones."""
    out = [(dest, p, written_in == "zh-Hans") for dest, p in _files(SCAFFOLD)]
    if not out:
        raise ScaffoldError(f"the scaffold shipped with briefing is missing ({SCAFFOLD}); reinstall briefing")
    native = SCAFFOLD_NATIVE.get(written_in)
    if native is not None:
        own = _files(native)
        if not own:
            raise ScaffoldError(f"the {written_in} scaffold shipped with briefing is missing ({native}); "
                                "reinstall briefing")
        out = sorted([f for f in out if not f[0].startswith(_NATIVE_PARTS)] + [(d, p, True) for d, p in own])
    return out


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
    files = scaffold_files(scaffold.written_in)
    values = scaffold.values()
    parent = dest.resolve().parent
    if not parent.is_dir():
        raise ScaffoldError(f"{parent} does not exist; create it first")
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".new", dir=parent))
    try:
        for rel, src, _native in files:
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(src.read_text(encoding="utf-8"), values), encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's folder is private; the briefing is an ordinary folder
        if dest.is_dir():
            dest.rmdir()  # empty (checked above); the rename below puts the whole tree in its place
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [dest / rel for rel, _, _ in files]
