"""Script-leak and banned-form lint on the rendered text of each edition.

Rules live in ``lint_rules.yaml`` beside this file (data, not code):
characters that are legitimately shared by both scripts, and per-variant
banned forms (萬億 in a Taiwan edition, 兆 beside a currency in zh-Hans …).
Each finding carries the content file and line the text came from.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml


RULES_FILE = Path(__file__).with_name("lint_rules.yaml")
CHARS_FILE = Path(__file__).with_name("script_chars.txt")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str
    hint: str = ""


@functools.lru_cache(maxsize=None)
def rules() -> dict:
    return yaml.load(RULES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.lru_cache(maxsize=None)
def script_chars() -> dict[str, frozenset]:
    """Simplified-only and Traditional-only characters, from OpenCC's own
    tables (tools/gen_script_chars.py), minus the allow-list in the rules;
    plus each region's own glyphs (``regional_glyphs_<variant>``)."""
    allowed = set(rules().get("allowed_characters", ""))
    out = {}
    for line in CHARS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, chars = line.split("\t")
            out[name] = frozenset(chars) - allowed
    return out


@functools.lru_cache(maxsize=None)
def leak_chars(variant: str) -> frozenset:
    """Characters that must not appear in ``variant``'s edition: the other
    script's own characters, less the glyphs OpenCC writes for that region
    (Taiwan 秘 群, Hong Kong 户 温 兑 are Simplified forms too)."""
    chars = script_chars()
    if variant == "zh-Hans":
        return chars["traditional_only"]
    return chars["simplified_only"] - chars.get(f"regional_glyphs_{variant}", frozenset())


def _is_simplified_only(ch: str) -> bool:
    return ch in script_chars()["simplified_only"]


def _is_traditional_only(ch: str) -> bool:
    return ch in script_chars()["traditional_only"]


def lintable(text: str) -> str:
    """The part of converted text a reader sees as prose of this edition:
    citations (their locators quote the sources verbatim), language-tagged
    literals such as [萬億]{lang=zh-Hant-HK}, and the spans the converter
    never touches (URLs, link targets, inline code) are left out."""
    from generator.chinese.convert import PROTECTED_RE
    from generator.content import CITATION_RE, LANG_SPAN_RE

    return PROTECTED_RE.sub("", LANG_SPAN_RE.sub("", CITATION_RE.sub("", text)))


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def lint_text(text: str, variant: str, path: str, line: int) -> list[Finding]:
    """Findings for one piece of converted text. ``line`` is its first line."""
    out: list[Finding] = []
    leaks = leak_chars(variant)
    script = "Simplified" if variant.startswith("zh-Hant") else "Traditional"
    for m in _CJK.finditer(text):
        ch = m.group(0)
        if ch in leaks:
            at = line + text.count("\n", 0, m.start())
            ctx = text[max(0, m.start() - 6): m.end() + 6].replace("\n", " ")
            out.append(Finding(path, at, f"{script}-only character '{ch}' in the {variant} edition: …{ctx}…",
                               "add a glossary entry or correct the source text"))
    for rule in rules()["banned"].get(variant, []):
        for m in re.finditer(rule["pattern"], text):
            at = line + text.count("\n", 0, m.start())
            out.append(Finding(path, at, f"banned form '{m.group(0)}' in the {variant} edition: {rule['why']}",
                               rule.get("fix", "")))
    return out


def lint_labels(variant: str, user_dir: Path | None = None) -> list[Finding]:
    """The edition's UI labels (templates/strings/<variant>.yaml, shipped and
    the user's override), each finding at the label's own line."""
    from generator import yamlsrc
    from generator.render import SHIPPED_TEMPLATES

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
                out.extend(lint_text(value, variant, str(path), data.line_of(key)))
    return out
