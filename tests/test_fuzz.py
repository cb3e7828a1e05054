"""Fuzzing the loader and the renderer with Hypothesis.

Each example is the minimal fixture with one kind of damage -- mutated YAML
front matter, a mutated manifest, mutated key numbers, generated Markdown
in a theme body, or raw byte damage to any file -- built for real (HTML, a
few also PDF). Every example must either build, or stop with a clean content
error: BuildError whose problems name a file (and line) with a message, and
nothing written. Any other exception is a bug (it would be a traceback for
the user). Through the CLI the same inputs exit 0 or 1, never with a
traceback.

About 400 examples in total (the same ones every run: derandomized) take about a minute;
BRIEFING_FUZZ=N multiplies the number of examples (e.g. 10 for a deep run).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.diagnostics import BuildError

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SCALE = max(1, int(os.environ.get("BRIEFING_FUZZ", "1") or 1))


def fuzz(examples: int):
    # The suite's run is derandomized: the same examples every run, so a
    # failure is a bug found once and kept, never a test that fails one run
    # in ten. BRIEFING_FUZZ=N (a deep run) explores new examples each time.
    return settings(max_examples=examples * SCALE, deadline=None, print_blob=True, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


FILES = {p.relative_to(MINIMAL).as_posix(): p.read_text(encoding="utf-8")
         for p in sorted(MINIMAL.rglob("*")) if p.is_file() and p.suffix in (".yaml", ".md")}
IDS = ["compute", "customers", "alpha", "beta", "infra-commitment", "enterprise-customers",
       "commitment-reported", "q-demand", "nope", "Compute", "", "-x", "a" * 200]


# ---------------------------------------------------------------------------
# building blocks

_unicode = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_cjk = st.text(st.sampled_from("算力就是收入公司企业“”「」，。：；！？（）《》·—…万亿兆年月日%$ \t"), max_size=20)
_text = st.one_of(_cjk, _unicode, st.sampled_from([
    "", " ", "~", "null", "yes", "no", "0x1F", "1e400", "-0", ".nan", ".inf", "'", '"', "\\", "&a [*a]",
    "!!python/object:os.system", "!!binary AAAA", "{", "[", "]", ": x", "- x", "#", "@alpha", "[@alpha]",
    "[[num:nope]]", "<script>", "𠮷𪛖", "😀", "\u200b", "\ufeff", "\x00", "\x1b[31m", "2025-02-30",
    "2025-12-18T25:00", "9999-99-99", "1" * 400,
]))
_number = st.one_of(st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from(["1e308", "1e309", "-1e-320", "0", "-0.0", ".NaN", "-.inf", "0o17", "0x10",
                                     "1_000", "1,000", "一万"]))


def _yaml_scalar(v) -> str:
    if isinstance(v, str):
        return v if not v or v.strip() == v and re.fullmatch(r"[\w\u3400-\u9fff.+-]+", v) else \
            '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return repr(v) if not isinstance(v, float) else {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(repr(v), repr(v))


_value = st.recursive(
    st.one_of(_text.map(_yaml_scalar), _number.map(_yaml_scalar), _text,
              st.sampled_from(["~", "true", "[]", "{}", "2025-12-18", "[6, 8]", "[1, 2, 3]", "[8, 6]", "|", ">"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
                            st.lists(st.tuples(st.sampled_from(IDS[:8] + ["value", "source", "x"]), inner),
                                     max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")),
    max_leaves=6)


_PROSE_KEYS = ("title", "subtitle", "takeaway", "label", "note", "question", "why", "answer_by", "short", "outlet",
               "issuing_unit", "distribution", "unit", "text", "signpost", "- ")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_prose = st.text(st.one_of(st.sampled_from("算力就是收入公司企业，。：“”「」（）《》·—… %$"),
                           st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))), min_size=1, max_size=40)


@st.composite
def mutated_yaml(draw, text: str) -> str:
    """Line-level damage to YAML. Mild (most examples, so that the renderer
    gets fed too): prose values replaced by any Unicode text, valid YAML.
    Wild: a value replaced by anything, a line dropped, duplicated, moved or
    re-indented, a key inserted, the text truncated."""
    lines = text.split("\n")
    if draw(st.integers(0, 9)) < 6:
        prose = [i for i, line in enumerate(lines) if any(line.lstrip().startswith(k + ":") or
                                                          (k == "- " and line.lstrip().startswith(k) and ":" not in line)
                                                          for k in _PROSE_KEYS)]
        for i in draw(st.lists(st.sampled_from(prose), min_size=1, max_size=3)) if prose else []:
            head = lines[i].split(":", 1)[0] + ":" if ":" in lines[i] else lines[i][:lines[i].index("-") + 1]
            lines[i] = f"{head} {_quoted(draw(_prose))}"
        return "\n".join(lines)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "value", "value", "drop", "dup", "move", "indent", "key", "truncate"]))
        line = lines[i]
        if op == "value" and ":" in line:
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {draw(_value)}"
        elif op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, line)
        elif op == "move":
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(i))
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + line.lstrip()
        elif op == "key":
            key = draw(st.sampled_from(["id", "title", "value", "extra", "sources", "themes", "edition", "scale",
                                        "kind", "as_of", "series", "versions", "status", "x y", "？"]))
            lines.insert(i, f"{' ' * draw(st.sampled_from([0, 2, 4]))}{key}: {draw(_value)}")
        elif op == "truncate":
            lines = lines[:i]
    return "\n".join(lines)


_ref_id = st.sampled_from(IDS)
_markdown_piece = st.one_of(
    _cjk, _unicode,
    st.builds(lambda i, loc: f'[@{i} "{loc}"]', _ref_id, _cjk),
    st.builds(lambda i: f"[@{i}]", _ref_id),
    st.builds(lambda a, b: f"[@{a}; @{b}]", _ref_id, _ref_id),
    st.builds(lambda i, n: f"[[num:{i}/{n}]]", _ref_id, st.one_of(st.integers(-2, 5).map(str),
                                                                 st.sampled_from(["", "x", "99999999999999999999"]))),
    st.builds(lambda i: f"[[num:{i}]]", _ref_id),
    st.sampled_from([":::", "::: conflict", "::: conflict 报道不一", "::: assessment", "::: so-what", "::: watch",
                     "::: unknown", ":::::", "```", "```python", "~~~", "### 小标题", "# 一级", "###### 六级", "- 列表项",
                     "1. 有序", "* 星号", "> 引用", "| a | b |\n|---|---|\n| 1 | 2 |", "---", "***", "<b>粗</b>",
                     "<!-- 注释 -->", "&amp;", "&#x1F600;", "**粗体**", "_斜体_", "`代码`", "[链接](https://example.com)",
                     "[链接](javascript:alert(1))", "![图](https://example.com/a.png)", "![图](missing.png)",
                     "<https://example.com>", "[英文]{lang=en}", "[英文]{lang=x}", "\\", "[", "]", "[[", "]]",
                     "[@", "[[num:", "\t缩进", "    代码缩进", "\r\n", "\u2028", "\x00", "\ufeff"]),
)


# Markdown a writer could well type: it keeps the body valid (citations of
# the theme's own sources, existing figures), so the renderer runs.
_mild_piece = st.one_of(
    _prose, _prose, _cjk,
    st.builds(lambda t, loc: f'{t}[@alpha "{loc}"]', _prose, _cjk),
    st.sampled_from(["[@alpha]", "[@beta]", "[@alpha; @beta]", "[[num:infra-commitment]]",
                     "[[num:commitment-reported/2]]", "**粗体**", "_斜体_", "`代码 <b>`", "[链接](https://example.com/路径?q=1)",
                     "<https://example.com/a_b>", "[GPT-5.1]{lang=en}", "\n\n### 小标题\n\n", "\n\n- 列表一\n- 列表二\n\n",
                     "\n\n1. 第一\n2. 第二\n\n", "\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n", "\n\n> 引用\n\n",
                     "\n\n```\n代码块 <script>\n```\n\n", "1.4万亿美元", "70.9%", "“引号”", "「引號」", "\\*", "&amp;", "𠮷", "😀"]),
)


@st.composite
def mutated_body(draw, text: str) -> str:
    """Generated Markdown in a theme body. Mild (most examples): writer-like
    Markdown added to the "what was said" part. Wild: any pieces, fence
    markers and broken references inserted anywhere or replacing lines."""
    head, sep, body = text.partition("\n---\n")
    lines = body.split("\n")
    if draw(st.integers(0, 9)) < 6:
        said = next(i for i, line in enumerate(lines) if line.startswith(":::"))
        for _ in range(draw(st.integers(1, 3))):
            piece = "".join(draw(st.lists(_mild_piece, min_size=1, max_size=6)))
            lines.insert(draw(st.integers(1, said)), piece + "[@alpha]")
        return head + sep + "\n".join(lines)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines)))
        piece = "".join(draw(st.lists(_markdown_piece, min_size=1, max_size=5)))
        if draw(st.booleans()) and i < len(lines):
            lines[i] = piece
        else:
            lines.insert(i, piece)
    return head + sep + "\n".join(lines)


@st.composite
def damaged_bytes(draw, data: bytes) -> bytes:
    """Raw damage: a byte flipped, a slice cut, invalid UTF-8, a BOM, CRLF."""
    op = draw(st.sampled_from(["flip", "cut", "invalid", "bom", "crlf", "empty", "nul"]))
    if op == "empty" or not data:
        return b""
    i = draw(st.integers(0, len(data) - 1))
    if op == "flip":
        return data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1:]
    if op == "cut":
        return data[:i] + data[i + draw(st.integers(1, 40)):]
    if op == "invalid":
        return data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe4\xb8"])) + data[i:]
    if op == "bom":
        return b"\xef\xbb\xbf" + data
    if op == "nul":
        return data[:i] + b"\x00" + data[i:]
    return data.replace(b"\n", b"\r\n")


# ---------------------------------------------------------------------------
# the property


@contextmanager
def _content(changes: dict[str, str | bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(MINIMAL, content)
        for name, data in changes.items():
            path = content / name
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        yield content


_PROBLEM = re.compile(r"^\S.*?(:\d+)?: (error|warning): \S")


def builds_or_fails_cleanly(changes: dict[str, str | bytes], formats=("html",), variants=None) -> str:
    # One edition per example (alternating) keeps each build in this process:
    # two editions would be rendered in forked workers, at twice the cost.
    """'ok' or 'error'; anything else (an exception other than BuildError,
    a problem without a location, output left after a failure) fails the test."""
    with _content(changes) as content:
        out = content.parent / "out"
        try:
            report = build(content, out, formats=list(formats), variants=variants)
        except BuildError as exc:
            errors = exc.diagnostics.errors
            assert errors, "a failed build names at least one error"
            for p in errors:
                assert p.location.path and p.location.path != "?", str(p)
                assert p.message.strip() and "Traceback" not in p.message, str(p)
                assert _PROBLEM.match(str(p)), str(p)
            assert not out.exists() or not any(out.iterdir()), "nothing is written when the build fails"
            event("content error")
            return "error"
        assert report.written or report.skipped
        event("built")
        return "ok"


# ---------------------------------------------------------------------------
# the fuzzers

THEME = "themes/01-compute.md"


_variant = st.sampled_from([["zh-Hans"], ["zh-Hant"]])


@fuzz(60)
@given(st.data(), _variant)
def test_theme_front_matter(data, variants):
    text = FILES[THEME]
    _, fm, rest = text.split("---\n", 2)
    builds_or_fails_cleanly({THEME: "---\n" + data.draw(mutated_yaml(fm)) + "\n---\n" + rest}, variants=variants)


@fuzz(20)
@given(st.data())
def test_manifest(data):
    """The manifest's own variants decide (maybe several, maybe none)."""
    builds_or_fails_cleanly({"briefing.yaml": data.draw(mutated_yaml(FILES["briefing.yaml"]))})


@fuzz(60)
@given(st.data(), _variant)
def test_numbers(data, variants):
    builds_or_fails_cleanly({"numbers.yaml": data.draw(mutated_yaml(FILES["numbers.yaml"]))}, variants=variants)


@fuzz(50)
@given(st.data(), st.sampled_from(["summary.yaml", "questions.yaml", "sources.yaml", "glossary.yaml"]), _variant)
def test_other_yaml(data, name, variants):
    builds_or_fails_cleanly({name: data.draw(mutated_yaml(FILES[name]))}, variants=variants)


@fuzz(70)
@given(st.data(), _variant)
def test_markdown_body(data, variants):
    builds_or_fails_cleanly({THEME: data.draw(mutated_body(FILES[THEME]))}, variants=variants)


@fuzz(40)
@given(st.data(), st.sampled_from(sorted(FILES)), _variant)
def test_damaged_bytes(data, name, variants):
    raw = FILES[name].encode("utf-8")
    builds_or_fails_cleanly({name: data.draw(damaged_bytes(raw))}, variants=variants)


@pytest.mark.slow
@fuzz(3)
@given(st.data())
def test_markdown_body_to_pdf(data):
    """A few examples through WeasyPrint too (one variant: a PDF is ~3 s)."""
    builds_or_fails_cleanly({THEME: data.draw(mutated_body(FILES[THEME]))}, formats=("html", "pdf"),
                            variants=["zh-Hans"])


@fuzz(15)
@given(st.data(), st.sampled_from([THEME, "briefing.yaml", "numbers.yaml"]))
def test_cli_exit_code(data, name):
    """The user's view: exit 0 or 1, problems as path:line, never a traceback."""
    text = FILES[name]
    if name == THEME:
        damaged = data.draw(mutated_body(text))
    else:
        damaged = data.draw(mutated_yaml(text))
    with _content({name: damaged}) as content:
        from click.testing import CliRunner

        from generator.cli import main

        result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(content.parent / "out"),
                                           "--format", "html", "--variant", "zh-Hans"])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.stderr
        if result.exit_code == 1:
            assert "error:" in result.stderr and "nothing was written" in result.stderr


# ---------------------------------------------------------------------------
# a previous edition stays as it was when the next build fails


@pytest.fixture(scope="module")
def previous_edition(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("previous") / "out"
    build(MINIMAL, out, formats=["html"], variants=["zh-Hans"])
    return out, {p.name: p.read_bytes() for p in out.iterdir()}


@fuzz(15)
@given(st.data(), st.sampled_from(sorted(FILES)))
def test_a_failed_build_leaves_the_previous_edition_unchanged(previous_edition, data, name):
    out, before = previous_edition
    raw = FILES[name].encode("utf-8")
    with _content({name: data.draw(damaged_bytes(raw))}) as content:
        try:
            build(content, out, formats=["html"], variants=["zh-Hans"])
        except BuildError as exc:
            assert all(_PROBLEM.match(str(p)) for p in exc.diagnostics.errors)
            assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "the output folder changed"
            event("content error")
            return
    # it built: put the previous edition back for the next example
    for p in out.iterdir():
        if p.name not in before:
            p.unlink()
    for n, b in before.items():
        (out / n).write_bytes(b)
    event("built")


# ---------------------------------------------------------------------------
# briefing convert: any bytes on its input


_convert_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
    st.text(st.sampled_from("算力数据发展里面干头发了“”「」‘’[]@{}()=\"：，。 \n\t\x1b\u202e\u200b"), max_size=300),
)


@fuzz(40)
@given(st.one_of(_convert_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=300)),
       st.sampled_from(["zh-Hant", "zh-Hant-HK", "zh-Hans"]))
def test_convert_any_input(data, target):
    """Exit 0 with one output line per input line, or exit 1 with one
    located line; never a traceback."""
    from click.testing import CliRunner

    from generator.cli import main

    args = ["convert", "--to", target] + (["--from", "zh-Hant"] if target == "zh-Hans" else [])
    result = CliRunner().invoke(main, args, input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)  # (lines end at \n only)
        assert result.stdout.count("\n") == lines
    else:
        assert result.exit_code == 1
        # (inside a briefing, convert first says whose glossary and which direction it applies)
        lines = [x for x in result.stderr.strip().splitlines() if not x.startswith("briefing convert: ")]
        assert len(lines) == 1 and re.match(r"^\S.*?:\d+: error: \S", lines[0]), result.stderr
