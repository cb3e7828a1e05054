"""YAML that remembers where each value came from.

PyYAML throws line numbers away once it has built Python objects, and it
silently keeps the last of two duplicate keys. We compose the node graph
ourselves so that every mapping and sequence knows the line of each entry,
and duplicate keys become errors with a location.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator import safeio


class YamlSyntaxError(Exception):
    """A file that is not valid YAML, or that the content policy refused
    (``refused``: then ``hint`` says what to do, not how to fix YAML)."""

    def __init__(self, path: Path, line: int, message: str, hint: str = "", refused: bool = False):
        super().__init__(message)
        self.path, self.line, self.message, self.hint, self.refused = path, line, message, hint, refused


class Map(dict):
    """A dict with the source line of the mapping and of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Seq(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


# libyaml composes the same nodes (with the same marks) about six times faster;
# the pure-Python loader is the reference and still words every syntax error.
_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {}) if hasattr(yaml, "CSafeLoader") else None


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’「」『』"
_CJK_FOLD = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 64  # content never nests this deep; deeper input is a mistake or an attack
# Values built from one file, counting each use of an alias (*name) in full:
# nested aliases expand exponentially (772 bytes to 921 MB), so the
# expansion stops at a bound no content file comes near (the sample's
# largest YAML file builds about 2,000).
MAX_VALUES = 200_000


def _build(node: yaml.Node, loader: _Loader, path: Path, depth: int = 0) -> Any:
    loader.briefing_values = getattr(loader, "briefing_values", 0) + 1
    if loader.briefing_values > MAX_VALUES:
        raise YamlSyntaxError(path, node.start_mark.line + 1,
                              f"more than {MAX_VALUES:,} values once aliases (*name) are expanded "
                              "(aliases nested inside aliases?); write the values out instead")
    if depth > MAX_DEPTH:
        raise YamlSyntaxError(path, node.start_mark.line + 1,
                              f"values nested more than {MAX_DEPTH} levels deep (flatten the structure)")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = Map()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except (ValueError, TypeError, OverflowError) as exc:  # a key such as 2025-13-01 (not a date)
                raise YamlSyntaxError(path, key_node.start_mark.line + 1,
                                      f"invalid key {getattr(key_node, 'value', '')!r} ({exc})") from None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlSyntaxError(path, key_node.start_mark.line + 1, f"unsupported mapping key {key!r}")
            key = str(key)
            if key in out:
                raise YamlSyntaxError(
                    path,
                    key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first defined on line "
                    f"{out.key_lines[key] + getattr(loader, 'briefing_offset', 0)})",
                )
            out[key] = _build(value_node, loader, path, depth + 1)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = Seq()
        out.line = node.start_mark.line + 1
        out.item_lines = []
        for item in node.value:
            out.append(_build(item, loader, path, depth + 1))
            out.item_lines.append(item.start_mark.line + 1)
        return out
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML raises a bare ValueError for a timestamp that is not a real
        # date (2025-13-01). Keep the text: the content validator then says
        # which key wants what ("'issue_date' must be an ISO date …").
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        raise YamlSyntaxError(path, node.start_mark.line + 1, f"invalid value {node.value!r} ({exc})") from None
    if isinstance(value, str) and _SURROGATE.search(value):  # "\ud800": no character, cannot be written as UTF-8
        raise YamlSyntaxError(path, node.start_mark.line + 1, "a \\u escape names half a character (a surrogate, "
                              "U+D800-U+DFFF)", "write the character itself, or its \\U escape")
    if isinstance(value, str) and node.style in (">", None) and node.end_mark.line > node.start_mark.line:
        # a folded or plain scalar over several lines: YAML joins the lines with
        # a space, which between two Chinese characters is a stray gap in the
        # editions (三个问题。 它对…); joined without one, as Pandoc's
        # east_asian_line_breaks does. Latin words keep their space.
        value = _CJK_FOLD.sub("", value)
    return value


def parse(text: str, path: Path, first_line: int = 1) -> Any:
    """Parse YAML text; ``first_line`` offsets line numbers (front matter)."""
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            value = None if node is None else _build(node, fast, path)
        except (yaml.YAMLError, YamlSyntaxError, RecursionError):
            pass  # parsed again below, for the reference wording of the problem
        else:
            if first_line != 1:
                _shift(value, first_line - 1)
            return value
        finally:
            fast.dispose()
    try:
        loader = _Loader(text)
        loader.briefing_offset = first_line - 1
    except yaml.reader.ReaderError as exc:  # a control character, even inside quotes
        line = text.count("\n", 0, max(exc.position, 0)) + first_line
        raise YamlSyntaxError(path, line, f"character U+{exc.character:04X} is not allowed in YAML "
                              "(a control character; delete it)") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        value = _build(node, loader, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1) if mark else 1
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
            if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
                problem += f" (it starts on line {exc.context_mark.line + first_line})"
        raise YamlSyntaxError(path, line + first_line - 1, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, first_line, f"YAML error: {exc}") from None
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise YamlSyntaxError(path, first_line, f"values nested too deeply (more than {MAX_DEPTH} levels); "
                              "flatten the structure") from None
    except YamlSyntaxError as exc:
        exc.line += first_line - 1
        raise
    finally:
        loader.dispose()
    if first_line != 1:
        _shift(value, first_line - 1)
    return value


def _shift(value: Any, offset: int) -> None:
    if isinstance(value, Map):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for v in value.values():
            _shift(v, offset)
    elif isinstance(value, Seq):
        value.line += offset
        value.item_lines = [v + offset for v in value.item_lines]
        for v in value:
            _shift(v, offset)


def load(path: Path, root: Path | None = None, diag=None) -> Any:
    """Parse the YAML file ``path`` under the content policy (generator/safeio.py:
    a regular file inside ``root`` (by default its own folder), within the size limit, UTF-8); invisible
    characters are removed with a warning to ``diag``."""

    try:
        text = safeio.read_text(path, root if root is not None else Path(path).parent)
    except safeio.Refused as exc:
        raise YamlSyntaxError(path, exc.line, exc.reason, exc.hint, refused=True) from None
    if diag is not None:
        text = safeio.strip_invisible(text, path, diag)
    return parse(text, path)
