"""Which characters belong to which script, and the reviewed rules about them.

In: ``lint_rules.yaml`` and ``script_chars.txt`` beside this file (data, not
code: OpenCC's own tables, tools/gen_script_chars.py, less an allow-list).
Out: ``rules()``, ``script_chars()``, ``leak_chars(variant)``: what the
converter (generator.chinese.convert) and the lint of each edition
(generator.check.lint) both read.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


RULES_FILE = Path(__file__).with_name("lint_rules.yaml")
CHARS_FILE = Path(__file__).with_name("script_chars.txt")


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


# of Taiwan's own glyphs, what Hong Kong does not write (甚麼, 什麼: 么 is the mainland's)
HK_NOT = frozenset("么")


@functools.lru_cache(maxsize=None)
def leak_chars(variant: str) -> frozenset:
    """Characters that must not appear in ``variant``'s edition: the other
    script's own characters, less the glyphs OpenCC writes for that region
    (Taiwan 秘 群, Hong Kong 户 温 兑 are Simplified forms too)."""
    chars = script_chars()
    if variant == "zh-Hans":
        return chars["traditional_only"]
    allowed = chars.get(f"regional_glyphs_{variant}", frozenset())
    if variant == "zh-Hant-HK":  # Taiwan's standard glyphs are Traditional in Hong Kong too: its writers
        allowed = allowed | (chars.get("regional_glyphs_zh-Hant", frozenset()) - HK_NOT)  # print 高峰, 群組
    return chars["simplified_only"] - allowed


def _is_simplified_only(ch: str) -> bool:
    return ch in script_chars()["simplified_only"]


def _is_traditional_only(ch: str) -> bool:
    return ch in script_chars()["traditional_only"]
