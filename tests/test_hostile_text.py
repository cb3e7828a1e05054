"""Hostile and broken text, round 2 (issue 15): docs/robustness.md, "Hostile
text, round 2".

Every problem a user can cause ends as one located line (``file:line:
error: … (hint)``) and a non-zero exit, never a traceback; and every pass
over text in provenance.py, markup.py, chinese/linebreaks.py,
chinese/numbers.py, render.load_strings and `briefing convert` is linear
(or bounded), so no input keeps a check or a build busy for hours.

A test that would hang on the code before this work runs under a hard
limit (:func:`limit`, or a subprocess with a timeout), so that it fails
instead. The scaling tests at the end run each pass on inputs 10x and 100x
the size of the sample's largest file: they must finish (the figures per
size are benchmarks/scaling.py's, ``make bench-scaling``).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

import generator
from generator.build import build, check
from generator.diagnostics import BuildError, Diagnostics

ROOT = Path(generator.__file__).resolve().parent.parent  # the checkout under test
CONTENT = ROOT / "content"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
THEME = "themes/01-compute.md"


@contextlib.contextmanager
def limit(seconds: int):
    """Fail (TimeoutError) instead of running on: the code before this work
    took minutes to hours on these inputs."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def python(code: str, timeout: int) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter on this checkout; a timeout fails
    the test (a regular expression in C is not interrupted by an alarm)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                              env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")


def errors_of(content: Path, **kw) -> list[str]:
    """The problems `briefing check` reports for ``content`` (none: []), with
    paths from the folder that holds it (content/themes/…)."""
    try:
        check(content, **kw)
    except BuildError as exc:
        return [str(p).replace(f"{content.parent}/", "") for p in exc.diagnostics.sorted()]
    return []


def html_of(content: Path, variant: str = "zh-Hans", **kw) -> str:
    report = build(content, content.parent / "out", variants=[variant], formats=["html"], write=False, jobs=1, **kw)
    (html,) = report.outputs.values()
    return html.decode("utf-8")


def untagged(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def renderer():
    """A MarkupRenderer whose citations and figures are placeholders (any id)."""
    from generator.render.markup import MarkupRenderer

    return MarkupRenderer(lambda items: '<span class="cite">〔源〕</span>', lambda nid, index: f"{nid}:{index}",
                          None, lambda nid, index: f"{nid}:{index}")


# --------------------------------------------------------------------------
# 2. catastrophic backtracking in provenance's pinyin pattern


def test_pinyin_pattern_matches_in_one_pass():
    """``\\((?:[a-z…]+\\s*)+\\)`` tried every way of splitting a run of letters
    that did not end in ')': a 39-letter locator took hours. The pattern now
    has one way to match each text; the pinyin noise is still removed."""
    code = textwrap.dedent("""
        from generator.check.text import PINYIN, normalise
        locator = "(" + "abcdefghijklmnopqrstuvwxyzabcdefghijklm" + "!"
        aside = "据报道(according to people familiar with the matter who asked not to be named, the talks)"
        assert PINYIN.search(locator) is None and PINYIN.search(aside) is None
        assert normalise(locator) == "abcdefghijklmnopqrstuvwxyzabcdefghijklm"
        assert normalise("標(biāo)題：人工智能(rén gōng zhì néng)来了(ok )") == normalise("标题人工智能来了")
        print("ok")
    """)
    done = python(code, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_check_sources_with_an_english_aside_in_a_source(minimal, fixture_sources, tmp_path, edit):
    """`check --sources` on a source with an English aside and a long Latin
    locator finishes, and reports the fragment it cannot find at its line."""
    sources = tmp_path / "sources"
    sources.mkdir()
    for p in fixture_sources.iterdir():
        (sources / p.name).write_bytes(p.read_bytes())
    with (sources / "alpha.txt").open("a", encoding="utf-8") as f:
        f.write("\n消息人士说(according to people familiar with the matter who asked not to be named, the deal)。\n")
    line = edit(minimal / THEME, '其中一半用于推理[@alpha "其中一半用于推理"]',
                '其中一半用于推理[@alpha "(abcdefghijklmnopqrstuvwxyzabcdefghijk"]')
    with limit(120):
        problems = errors_of(minimal, sources_dir=sources)
    assert any(p.startswith(f"content/themes/01-compute.md:{line}: error: cited fragment") or
               f"01-compute.md:{line}: error: cited fragment" in p for p in problems), problems


# --------------------------------------------------------------------------
# 8. block markup in one-line prose fields; blockquotes in bodies


@pytest.mark.parametrize("text, shown", [
    ("# 公司把增长押在算力投入上。", "# 公司把增长押在算力投入上。"),
    ("#MeToo 运动改变了行业", "#MeToo"),
    ("> 50% 的企业已经采用", "&gt; 50%"),
    ("1. 第一点是算力", "1. 第一点"),
    ("- 一项承诺", "- 一项承诺"),
    ("---", "---"),
])
def test_a_prose_field_renders_inline_only(text, shown):
    """A takeaway, a question, a note is a sentence: '# ' (or '> ', '1. ',
    '- ', '---') at its start is the text as typed, never a heading, quote,
    list or rule in the middle of the page. Inline Markdown still works."""
    out = renderer().inline(text)
    assert not re.search(r"<(h[1-6]|blockquote|ol|ul|li|hr|p)\b", out), out
    assert shown in out
    assert renderer().inline("**要点**：见[说明](https://example.com)") == \
        '<strong>要点</strong>：见<a href="https://example.com">说明</a>'


def test_a_takeaway_starting_with_hash_is_text_in_the_edition(minimal, edit):
    edit(minimal / THEME, "takeaway: 公司把增长押在算力投入上。", "takeaway: '# 公司把增长押在算力投入上。'")
    html = html_of(minimal)
    takeaways = re.findall(r'<p class="takeaway">(.*?)</p>', html, re.S)
    assert takeaways[0].startswith("# 公司"), takeaways  # before: <h1>公司…</h1> inside the <p>
    assert "<h1>" not in html


def test_a_blockquote_renders_in_html_and_pdf(minimal, edit):
    """'> …' in a body was escaped before Markdown saw it (html.escape turned
    '>' into '&gt;'): it printed '&gt; …'. Now it is a <blockquote>, styled
    on screen and in print, and WeasyPrint draws its rule."""
    edit(minimal / THEME, "::: conflict", "> 李明在会上说：“算力就是收入。”[@alpha \"算力就是收入\"]\n\n::: conflict")
    html = html_of(minimal)
    quote = re.search(r"<blockquote>\s*<p>(.*?)</p>\s*</blockquote>", html, re.S)
    assert quote and "李明在会上说：“算力就是收入。”〔纪要〕" in untagged(quote.group(1)), html[html.find("投入规模"):][:2000]
    assert "&gt; 李明" not in html
    css = html[:html.find("</style>")]
    screen, _, print_css = css.partition("@media print {")
    assert "blockquote {" in screen and "blockquote {" in print_css

    import weasyprint

    from generator.render.editions import print_html

    document = weasyprint.HTML(string=print_html(html), base_url=str(minimal)).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child)

    drawn = [b for page in document.pages for b in boxes(page._page_box)
             if getattr(b, "element_tag", None) == "blockquote"]
    assert drawn and all(b.style["border_left_width"] > 0 for b in drawn)


# --------------------------------------------------------------------------
# 9. citations with brackets; an unclosed [[num: before a citation


def test_a_locator_with_brackets_is_a_located_error(minimal, edit):
    """[@src "the [final] report"] is no citation (a locator cannot hold
    brackets): it was published as raw text without a message."""
    line = edit(minimal / THEME, '其中一半用于推理[@alpha "其中一半用于推理"]', '其中一半用于推理[@alpha "其中一半[用于]推理"]')
    problems = errors_of(minimal)
    assert (f"content/themes/01-compute.md:{line}: error: a citation's locator holds '[' or ']': "
            "'[@alpha \"其中一半[用于]' (leave the brackets out: the check ignores punctuation, so "
            "[@src \"the final report\"] matches 'the [final] report' in the source)") in problems, problems


def test_an_unclosed_citation_is_a_located_error(minimal, edit):
    line = edit(minimal / THEME, '其中一半用于推理[@alpha "其中一半用于推理"]。', '其中一半用于推理[@alpha "其中一半用于推理"。')
    problems = errors_of(minimal)
    assert any(p.startswith(f"content/themes/01-compute.md:{line}: error: citation without its closing ']'")
               for p in problems), problems


def test_an_unclosed_number_reference_before_a_citation_is_a_located_error(minimal, edit, cli):
    """The renderer swapped the citation for a placeholder first, so the
    unclosed ``[[num:`` ran on to the next ``]]``: a KeyError traceback."""
    line = edit(minimal / THEME, '- 其中一半用于推理[@alpha "其中一半用于推理"]。',
                '- 其中[[num:infra-commitment 一半用于推理[@alpha "其中一半用于推理"]，约[[num:infra-commitment]]。')
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    assert (f"/content/themes/01-compute.md:{line}: error: number reference without its closing ']]': "
            "'[[num:infra-commitment 一半用于推理[@alpha \"其中一半用于推理\"]，约[[num:infr' "
            "(write [[num:ID]] or [[num:ID/2]])") in result.stderr, result.stderr


def test_the_renderer_never_reads_a_reference_across_a_citation():
    out = renderer().render('投入[[num:a 建设[@alpha "x"]，约[[num:a]]。')
    assert "[[num:a 建设" in out and "a:None" in out  # the unclosed one as text, the closed one rendered


def test_placeholder_characters_typed_by_the_user_are_text(minimal, edit):
    """U+E000 digits U+E001 is the renderer's own placeholder: typed in a
    body it was an IndexError (or pulled in another citation's HTML)."""
    edit(minimal / THEME, "算力成本决定价格。", "算力成本决定价格\ue00099\ue001与\ue0000\ue001。")
    html = html_of(minimal)
    assert "算力成本决定价格\ue00099\ue001与\ue0000\ue001。" in untagged(html)


# --------------------------------------------------------------------------
# 13. tracebacks: superscripts, label placeholders, extreme values, 1,000
#     headings, invalid UTF-8 for convert, a glossary's only_from


def test_a_superscript_index_is_no_point_index():
    """'²'.isdigit() is true but int('²') raises: the renderer asked isdigit."""
    from generator.render.markup import line_html

    assert "a:None" in renderer().render("约[[num:a/²]]")
    assert "a:None" in line_html("标题[[num:a/²]]", lambda nid, index: f"{nid}:{index}")
    assert "a:1" in renderer().render("[[num:a/１]]")  # a full-width digit is a digit


def test_a_superscript_index_in_a_body_is_a_located_error(minimal, edit):
    edit(minimal / THEME, "[[num:commitment-reported/1]]", "[[num:commitment-reported/²]]")
    problems = errors_of(minimal)
    assert any("commitment-reported/²" in p for p in problems), problems


@pytest.mark.parametrize("value, message", [
    ("第{n期", "has a broken placeholder (expected '}' before end of string); it is given {n}"),
    ("第{n}}期", "has a broken placeholder (Single '}' encountered in format string)"),
    ("第{x}期", "has the placeholder {x}, but is given only {n}"),
    ("第{}期", "has the placeholder {}, but is given only {n}"),
    ("第{n.__class__}期", "has the placeholder {n.__class__}, but is given only {n}"),  # printed <class 'int'>
    ("第{n:>999999999}期", "formats its placeholder {n} with ':>999999999'; write {n} plainly"),  # a gigabyte
    ("第{n!r}期", "formats its placeholder {n} with '!r'"),
])
def test_a_broken_label_placeholder_is_a_located_error(minimal, tmp_path, value, message):
    templates = tmp_path / "templates"
    (templates / "strings").mkdir(parents=True)
    (templates / "strings" / "zh-Hans.yaml").write_text(
        f'# my labels\ntoc: 目录\nedition.number: "{value}"\n', encoding="utf-8")
    with limit(60), pytest.raises(BuildError) as exc:
        build(minimal, tmp_path / "out", templates=templates, variants=["zh-Hans"], formats=["html"],
              write=False, jobs=1)
    problems = [str(p) for p in exc.value.diagnostics.errors]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{templates / 'strings' / 'zh-Hans.yaml'}:3: error: ") or \
        problems[0].split(": error: ")[0].endswith("strings/zh-Hans.yaml:3"), problems
    assert f"label 'edition.number' ('{value}') {message}" in problems[0], problems


def test_a_broken_date_label_is_a_located_error(minimal, tmp_path):
    """Labels formatted from Python (dates, through format_date) too."""
    templates = tmp_path / "templates"
    (templates / "strings").mkdir(parents=True)
    (templates / "strings" / "zh-Hans.yaml").write_text('date.day: "{y}年{m}月{d日"\n', encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(minimal, tmp_path / "out", templates=templates, variants=["zh-Hans"], formats=["html"],
              write=False, jobs=1)
    (problem,) = [str(p) for p in exc.value.diagnostics.errors]
    assert "strings/zh-Hans.yaml:1: error: " in problem and "label 'date.day'" in problem
    assert "it is given {d}, {m}, {y}" in problem


def _figure(value, kind="quantity", scale="", variant="zh-Hans", unit="人", currency=""):
    from generator.chinese.numbers import NumberFormatter
    from generator.model import KeyNumber, Point, Prose
    from generator.labels import load_strings

    number = KeyNumber(id="x", label=Prose("x"), theme="", kind=kind, status="official", points=(), shape="single",
                       unit=Prose(unit) if unit else None, currency=currency, note=None, line=1, lines={})
    point = Point(value=value, as_of="2025", sources=(), scale=scale, qualifier="", note=None, line=1)
    return NumberFormatter(variant, load_strings(variant, None)).value(number, point)


@pytest.mark.parametrize("value, scale, kind, expected", [
    (1.0e30, "trillion", "quantity", "1" + "0" * 30 + "万亿人"),  # InvalidOperation
    (123456789012345678901234567890, "", "quantity", "123,456,789,012,345,678,901,234,567,890人"),  # idem
    (10 ** 30, "trillion", "money", "1" + "0" * 30 + "万亿美元"),  # idem
    (1.0e30, "", "percent", "1," + ",".join(["000"] * 10) + "%"),  # idem
    (123456789012345678901234567890, "", "multiple", "123456789012345678901234567890倍"),  # was …900倍
    (-0.0, "", "quantity", "0人"),  # was -0人
    (1.0e-30, "", "quantity", "0." + "0" * 29 + "1人"),  # was 0人
    (12345.678912, "", "quantity", "12,345.678912人"),  # was 12,345.679人: rounded
    (1.0e-30, "", "percent", "0." + "0" * 29 + "1%"),  # was 0%
    ((2024, 2026), "", "year", "2024～2026年"),  # TypeError
    (1.0e30, "", "year", "1" + "0" * 30 + "年"),  # was 1000000000000000019884624838656年
])
def test_extreme_values_are_written_exactly(value, scale, kind, expected):
    currency = "USD" if kind == "money" else ""
    assert _figure(value, kind, scale, currency=currency) == expected


def test_a_value_of_10_to_the_30_builds(minimal, edit):
    """(through Babel: an InvalidOperation traceback from the check's own
    formatting of every key number, before anything was rendered)"""
    edit(minimal / "numbers.yaml", "  value: 1.4\n  scale: trillion\n  currency: USD\n  qualifier: about",
         "  value: 1.0e+30\n  scale: trillion\n  currency: USD\n  qualifier: about")
    html = html_of(minimal)
    assert "约1" + "0" * 30 + "万亿美元" in html


def test_more_than_999_subheadings_is_a_located_error(minimal, edit, cli):
    """（一）…（九百九十九）: the 1,000th ### heading was numbered 十百 and the
    1,100th an IndexError traceback."""
    heads = "".join(f"### 标题{i}\n\n内容[@alpha \"其中一半用于推理\"]。\n\n" for i in range(1100))
    first = edit(minimal / THEME, "### 投入规模\n", heads)
    result = cli(["check", "--content", minimal])
    assert result.exit_code == 1
    line = first + 4 * 999
    assert (f"content/themes/01-compute.md:{line}: error: more than 999 '###' headings in one theme "
            "(sub-headings are numbered （一） to （九百九十九）; split the theme)") in result.stderr, result.stderr


def test_convert_reports_invalid_utf8_on_stdin_at_its_line(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(["-q", "convert", "--to", "zh-Hant"], input="红色代码\n软件".encode() + b"\xff" + "数据\n第三行\n".encode())
    assert result.exit_code == 1
    assert result.stdout == "紅色代碼\n"  # the lines before it, converted (as iconv does)
    assert result.stderr.strip() == ("<stdin>:2: error: not UTF-8 text: byte 0xFF at column 7 (invalid start byte) "
                                     "(save the text as UTF-8; the lines before this one were converted)")


def test_convert_reports_an_invalid_utf8_file_at_its_line(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_bytes("第一行\r\n".encode() + b"\xe4\xb8" + b"\n")
    result = cli(["-q", "convert", "--to", "zh-Hant", "notes.txt"])
    assert result.exit_code == 1
    assert result.stdout == "第一行\n"
    assert result.stderr.startswith("notes.txt:2: error: not UTF-8 text: byte 0xE4 at column 1")


def test_convert_keeps_line_ends_as_text_mode_did(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(["-q", "convert", "--to", "zh-Hant"], input="\ufeff软件\r\n数据\r资料\n\n末行".encode())
    assert result.exit_code == 0
    assert result.stdout == "軟體\n資料\n資料\n\n末行\n"


def test_a_glossary_only_from_that_is_no_list_is_a_located_error(cli, tmp_path, monkeypatch):
    """'a glossary parsed twice': only_from is read twice in
    content._read_glossary, the first time without a type check, so
    ``only_from: 5`` (or true, or 1.5) was a TypeError traceback, and a
    mapping was read as its keys the first time and ignored the second."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "glossary.yaml").write_text(
        "terms:\n  - {zh-Hans: 软件, zh-Hant: 軟體, only_from: 5}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunnerSafe(cli, ["convert", "--to", "zh-Hant"], input="软件\n")
    assert result.exit_code == 1 and "content/glossary.yaml:2: error:" in result.stderr, result.stderr


def CliRunnerSafe(cli, args, **kw):
    try:
        return cli(args, **kw)
    except Exception as exc:  # noqa: BLE001 -- the traceback is the failure
        pytest.fail(f"traceback: {exc!r}")


# --------------------------------------------------------------------------
# 14. quadratic time: keep_together, Python-Markdown on brackets


def test_keep_together_on_40000_list_items():
    """_inside_annotation walked back to the start of the block (and copied
    the tokens before it) for every text token: 20,000 items took 42-115 s,
    40,000 took 393 s (now 0.8 and 1.6 s)."""
    from generator.chinese.linebreaks import keep_together

    cite = '<span class="cite">〔<a href="#src-a">纪要</a>〕</span>'
    page = "<ul>" + "".join(f"<li>第{i}项内容说明{cite}。</li>\n" for i in range(40000)) + "</ul>"
    with limit(60):
        out = keep_together(page)
    assert out.count('<span class="nobr">') == 80000  # each citation glued, each item's end kept together


def test_print_joiners_on_40000_list_items_and_deep_nesting():
    """joined() (the PDF's copy of the kept-together runs) is one pass too,
    however many runs there are and however deep the elements nest."""
    from generator.chinese.linebreaks import joined, keep_together

    cite = '<span class="cite">〔<a href="#src-a">纪要</a>〕</span>'
    page = "<style>.x { letter-spacing: 1px }</style><ul>" + "".join(
        f"<li>第{i}项内容说明{cite}。</li>\n" for i in range(40000)) + "</ul>"
    deep = "<p>" + "<b>" * 20000 + '深<span class="nobr">层嵌套</span>' + "</b>" * 20000 + "</p>"
    with limit(60):
        out = joined(keep_together(page))
        nested = joined("<style></style>" + deep)
    assert 'class="nobr"' not in out and out.count("\u2060") >= 80000
    assert "层\u2060嵌\u2060套" in nested


def test_keep_together_is_unchanged_on_ordinary_html():
    from generator.chinese.linebreaks import keep_together

    cite = '<span class="cite">〔<a href="#src-a">纪要</a>〕</span>'
    html = f'<p>首席执行官李明说“算力就是收入”{cite}。他又说：“这是GPT-2时代”</p><ul><li>一项{cite}</li></ul>'
    assert keep_together(html) == (  # as before this work
        '<p>首席执行官李明说“算力就是收入<span class="nobr">”<span class="cite">〔<a href="#src-a">纪要</a>〕'
        '</span>。</span>他又说：“这是<span class="nobr">GPT-2时代”</span></p><ul><li>一<span class="nobr">项'
        '<span class="cite">〔<a href="#src-a">纪要</a>〕</span></span></li></ul>')


RUNS = {  # paragraphs of 9,000 characters (under the 10,000 a paragraph may hold), ten of them
    "open brackets": "[" * 9000,
    "images": "![" * 4500,
    "link targets": "[a](" * 2250,
    "html": "<&" * 4500,
    "escapes": "\\[" * 4500,
}


@pytest.mark.parametrize("name", RUNS)
def test_runs_of_brackets_render_in_linear_time(name):
    """50,000 '[' (or '![', '[a](') took Python-Markdown hours: it reads from
    every '[' to its ']' or to the end of the paragraph. A bracket that can
    never pair is held as a literal character: same edition, linear work."""
    from generator.check.markdown import markup_problems

    body = "\n\n".join([RUNS[name]] * 10)
    with limit(60):
        out = renderer().render(body)
        problems = markup_problems(body)
    assert problems == []
    first = out.split("</p>", 1)[0]
    assert first.startswith("<p>") and "<a " not in first and "<img" not in first


@pytest.mark.parametrize("body, why", [
    ("[" * 4500 + "]" * 4500, "square brackets, parentheses or backticks that Markdown would take minutes"),
    ("".join("`" * (k + 1) + "a" for k in range(130)), "square brackets, parentheses or backticks"),
    ("[" * 50000, "a paragraph of more than 10,000 characters"),
    ("*a*" * 20000, "a paragraph of more than 10,000 characters"),
])
def test_unreadable_paragraphs_are_located_errors(minimal, edit, body, why):
    """Brackets nested thousands deep, backtick runs of every length, or a
    paragraph of 50,000 characters: each would keep Markdown busy for
    minutes (or hours). A located error, and the renderer shows the paragraph
    as plain text in linear time meanwhile."""
    line = edit(minimal / THEME, "算力成本决定价格。", "算力成本决定价格。\n\n" + body)
    with limit(60):
        problems = errors_of(minimal)
        out = renderer().render(body)
    assert any(p.startswith(f"content/themes/01-compute.md:{line + 2}: error: {why}") for p in problems), problems
    assert out.startswith("<p>") and len(out) < 4 * len(body) + 1000


def test_the_sample_renders_as_before_with_the_holds():
    """Holding unpaired brackets, '&' and '<' changes nothing in an ordinary
    edition (the output of the other suites' builds is compared byte for byte
    too); and a code span now shows '<' once escaped, not '&amp;lt;'."""
    out = renderer().render("见`a<b & c`与[说明](https://example.com/?a=1&b=2)，[注]与(括号")
    assert out == ('<p>见<code>a&lt;b &amp; c</code>与<a href="https://example.com/?a=1&amp;b=2">说明</a>，'
                   "[注]与(括号</p>")


def test_provenance_claims_on_unclosed_quotes_and_references():
    """“[^”]{2,}” and \\[@[^\\]]*\\] read from every “ or [@ to the end of the
    paragraph when nothing closed them."""
    from generator.load.content import load_content
    from generator.check.claims import unsourced_claims

    content = load_content(MINIMAL, Diagnostics())
    body = "### 标题\n\n" + "- 一项“引述[@alpha]" + "“[@[[num:" * 60000 + "\n"
    content.themes = (replace(content.themes[0], body=body), *content.themes[1:])
    diag = Diagnostics()
    with limit(60):
        unsourced_claims(content, diag)
    assert any("citation without its closing" in p.message for p in diag.errors)


# --------------------------------------------------------------------------
# scaling: every pass at 10x and 100x the sample's largest file


SAMPLE_MAX = max(p.stat().st_size for p in CONTENT.rglob("*") if p.is_file())
SOURCES = ROOT.parent / "shared" / "sources"


def _scaled_body(factor: int) -> str:
    bodies = []
    for p in sorted((CONTENT / "themes").glob("*.md")):
        text = p.read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[1])
    body = "\n".join(bodies)
    return (body * (factor * SAMPLE_MAX // len(body.encode()) + 1))


def _scaled_source(factor: int) -> str:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SOURCES.glob("*.txt"))] \
        if SOURCES.is_dir() else [(MINIMAL.parent / "sources" / "alpha.txt").read_text(encoding="utf-8")]
    text = "\n".join(texts)
    return text * (factor * SAMPLE_MAX // len(text.encode()) + 1)


PASSES = ["normalise", "unsourced_claims", "markup_problems", "render_body", "keep_together", "convert_lines"]


@pytest.mark.parametrize("factor", [10, 100])
@pytest.mark.parametrize("name", PASSES)
def test_every_pass_finishes_at_scale(name, factor, capsys):
    """(the sample's themes repeated hold more than 999 ### headings: the
    one problem there is)"""
    body = _scaled_body(factor)
    assert len(body.encode()) >= factor * SAMPLE_MAX
    with limit(300):
        if name == "normalise":
            from generator.check.text import normalise

            assert normalise(_scaled_source(factor))
        elif name == "unsourced_claims":
            from generator.load.content import load_content
            from generator.check.claims import unsourced_claims

            content = load_content(MINIMAL, Diagnostics())
            content.themes = (replace(content.themes[0], body=body), *content.themes[1:])
            unsourced_claims(content, Diagnostics())
        elif name == "markup_problems":
            from generator.check.markdown import markup_problems

            assert {message for _, message, _ in markup_problems(body)} <= {
                "more than 999 '###' headings in one theme"}
        elif name == "render_body":
            rendered = renderer().render_body(body, 1)
            assert rendered.said
        elif name == "keep_together":
            from generator.chinese.linebreaks import keep_together

            said = renderer().render_body(body, 1).said
            html = "".join(part[-1] for part in said)
            assert keep_together(html)
        elif name == "convert_lines":
            from generator.cli import _convert_lines

            class Same:
                def convert(self, line):
                    return line

            _convert_lines(Same(), io.BytesIO(body.encode()), Diagnostics())
            assert capsys.readouterr().out.count("\n") == body.count("\n") + (not body.endswith("\n"))


def test_convert_of_a_run_cut_by_40000_latin_words_is_linear():
    """One run of text between Latin words: each piece finds its first word by
    bisection (it walked the run's words from the start: quadratic, hours)."""
    from generator.chinese.convert import Converter

    text = "中文a" * 40000
    with limit(60):
        assert Converter("zh-Hant", None).convert(text) == "中文a" * 40000
