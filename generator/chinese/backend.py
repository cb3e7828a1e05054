"""OpenCC, the conversion engine: its converters and its dictionaries.

In: an OpenCC configuration name (``s2twp``, ``t2s`` …) or dictionary name
(``TWPhrases`` …). Out: the converter, loaded once per process, or the
dictionary's (key, candidates) pairs, read with OpenCC's own ``opencc_dict``
tool. The segmenter (generator.chinese.segment) and the converter
(generator.chinese.convert) both read OpenCC through here.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import opencc


@functools.lru_cache(maxsize=None)
def opencc_converter(config: str):
    return opencc.OpenCC(config)


class Chain:
    """OpenCC configs applied one after the other (Taiwan -> Hong Kong goes
    through standard Traditional)."""

    def __init__(self, configs: tuple[str, ...]):
        self.configs = configs

    def convert(self, text: str) -> str:
        for config in self.configs:
            text = opencc_converter(config).convert(text)
        return text


@functools.lru_cache(maxsize=None)
def chain(configs: tuple[str, ...]) -> Chain:
    return Chain(configs)


def opencc_version() -> str:
    return getattr(opencc, "__version__", "unknown")


def opencc_dictionary(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """(key, candidates) of one of the installed OpenCC's dictionaries, read
    with its own ``opencc_dict`` tool (the .ocd2 files are binary)."""
    clib = Path(opencc.__file__).parent / "clib"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "d.txt"
        try:
            subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" / f"{name}.ocd2"),
                            "-o", str(out), "-f", "ocd2", "-t", "text"], check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return []
        pairs = []
        for line in out.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                pairs.append((key, tuple(values.split())))
        return pairs


@functools.lru_cache(maxsize=None)
def phrase_table(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """OpenCC's regional phrase dictionaries: Traditional key -> candidates
    (empty without OpenCC's dictionary tool: every difference is then
    reported by diff alone)."""
    return {key: values for name in names for key, values in opencc_dictionary(name)}
