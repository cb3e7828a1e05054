"""Simplified -> Traditional: text is converted, markup never is.

The converter is tested on its own (source -> expected, with the real
OpenCC), then through a rendered zh-Hant edition (what a reader gets), then
through ``briefing convert``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.chinese.convert import Converter
from generator.load.glossary import load_glossary
from generator.diagnostics import Diagnostics

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hant() -> Converter:
    return Converter("zh-Hant", load_glossary(Diagnostics(), MINIMAL / "glossary.yaml"))


@pytest.mark.parametrize("source, expected", [
    # plain prose: OpenCC s2twp (characters and Taiwan phrases)
    ("公司计划投入资金建设数据中心", "公司計畫投入資金建設資料中心"),    # house glossary: 計畫
    # glossary terms and guards win over OpenCC's phrase layer
    ("首席执行官", "執行長"),
    ("发布会", "發表會"),                          # OpenCC s2twp: 釋出會; the house guard is longer than the fixture's 发布
    ("我们支持这项计划", "我們支持這項計畫"),       # OpenCC s2twp: 支援
    # a term without a zh-Hant form falls back to the plain conversion of the term
    ("示例科技", "示例科技"),
    # quotation marks
    ("他说“算力就是收入”", "他說「算力就是收入」"),
    ("“外层‘内层’”", "「外層『內層』」"),
    ("Altman’s view", "Altman’s view"),           # an apostrophe stays
    # Latin and numbers are copied
    ("GPT-5.2发布", "GPT-5.2發布"),
])
def test_text_is_converted_glossary_first(hant, source, expected):
    assert hant.convert(source) == expected


@pytest.mark.parametrize("source, expected", [
    # a bare URL with Chinese in it survives, the prose around it is converted
    ("见 https://example.com/搜索/发布?q=简体 说明", "見 https://example.com/搜索/发布?q=简体 說明"),
    ("网址http://例子.中国/简体，后面", "網址http://例子.中国/简体，後面"),
    # an autolink
    ("<https://example.com/简体/发布>", "<https://example.com/简体/发布>"),
    # a Markdown link: the text is converted, the target (and its title) are not
    ("[发布会页面](https://example.com/发布会/简体)", "[發表會頁面](https://example.com/发布会/简体)"),
    ("[链接](#简体锚点)", "[連結](#简体锚点)"),
    ("![图片说明](images/简体.png)", "![圖片說明](images/简体.png)"),
    # inline code
    ("执行`发布 简体`命令", "執行`发布 简体`命令"),
    # citations: source id and the verbatim locator stay as written
    ('据说[@alpha "企业客户已经超过100万家"]', '據說[@alpha "企业客户已经超过100万家"]'),
    ('[@alpha "算力就是收入"; @beta "並未公布付費比例"]', '[@alpha "算力就是收入"; @beta "並未公布付費比例"]'),
    # number references (the figure is formatted per edition later)
    ("投入[[num:infra-commitment]]建设", "投入[[num:infra-commitment]]建設"),
    ("[[num:commitment-reported/2]]", "[[num:commitment-reported/2]]"),
    # language-tagged literals
    ("香港写作[萬億]{lang=zh-Hant-HK}，大陆写作[万亿]{lang=zh-Hans}",
     "香港寫作[萬億]{lang=zh-Hant-HK}，大陸寫作[万亿]{lang=zh-Hans}"),
])
def test_markup_is_never_converted(hant, source, expected):
    assert hant.convert(source) == expected


def test_simplified_edition_is_the_identity():
    conv = Converter("zh-Hans", load_glossary(Diagnostics(), MINIMAL / "glossary.yaml"))
    text = "首席执行官“发布”[@alpha \"算力\"] https://example.com/简体"
    assert conv.convert(text) == text


def test_hong_kong_uses_its_own_glossary_form_and_not_taiwan_usage():
    conv = Converter("zh-Hant-HK", load_glossary(Diagnostics(), MINIMAL / "glossary.yaml"))
    assert conv.convert("首席执行官") == "行政總裁"
    # 发布 has only a zh-Hant guard: Hong Kong falls back to plain s2hk, not to the Taiwan form
    assert conv.convert("发布") == __import__("opencc").OpenCC("s2hk").convert("发布")


@pytest.mark.parametrize("source, taiwan", [
    # a mainland institution keeps its own words, in Traditional characters, as Taiwan's press writes it
    ("由中国信息通信研究院发布", "由中國信息通信研究院發布"),
    ("上海人工智能实验室推出新模型", "上海人工智能實驗室推出新模型"),
    ("全国信息安全标准化技术委员会", "全國信息安全標準化技術委員會"),
    ("清华大学软件学院", "清華大學軟件學院"),                  # a university's school
    ("中国移动通信集团", "中國移動通信集團"),                  # a company's registered name
    ("他说“中国信息通信研究院的数据显示”。", "他說「中國信息通信研究院的數據顯示」。"),  # a name inside a quotation
    # not a name: a clause between (要), no institution's ending, another country's 国家
    ("国家要加强信息安全中心建设", "國家要加強資訊安全中心建設"),
    ("中国网络游戏市场", "中國網路遊戲市場"),
    ("在北京的软件公司工作", "在北京的軟體公司工作"),
])
def test_a_mainland_institutions_name_keeps_its_words(source, taiwan):
    conv = Converter("zh-Hant", load_glossary(Diagnostics(), None))
    assert conv.convert(source) == taiwan


@pytest.mark.parametrize("source, taiwan", [
    # a speaker's words: only names and character choices, never Taiwan's vocabulary
    ("纳德拉说：“我们的数据中心建设不会放缓。”", "納德拉說：「我們的數據中心建設不會放緩。」"),
    ("一位分析师直言：“这轮估值修复靠的是信息差。”", "一位分析師直言：「這輪估值修復靠的是信息差。」"),
    ("他说“软件”。", "他說「軟件」。"),                                  # short, but said
    # a term set off in quotation marks that quote nobody is converted as the text around it
    ("“硬件”建设已成规模", "「硬體」建設已成規模"),
    ("利用“伪基站”发送诈骗短信", "利用「假基地台」傳送詐騙簡訊"),
])
def test_a_quotation_keeps_the_speakers_words_but_a_marked_term_is_converted(source, taiwan):
    conv = Converter("zh-Hant", load_glossary(Diagnostics(), None))
    assert conv.convert(source) == taiwan


def test_institution_names_are_found_in_one_bounded_pass():
    from generator.chinese.spans import institution_spans

    assert institution_spans("美国国家标准与技术研究院") == []  # 国家 after 国: another country's
    text = "中国" + "信" * 200_000 + "研究院"  # the run between is bounded: no name, no backtracking blow-up
    assert institution_spans(text) == []


_PIECES = st.sampled_from([
    "首席执行官", "发布会", "支持", "说", "“", "”", "数据", "\n", "\n\n", " ", "GPT-5", "1.4",
    "https://example.com/简体", "`代码`", '[@alpha "简体"]', "[[num:x]]", "[链接](#简体)", "。", "，",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_conversion_preserves_lines(text):
    """A finding in converted text must point at the same line of the source file."""
    conv = Converter("zh-Hant", load_glossary(Diagnostics(), MINIMAL / "glossary.yaml"))
    out = conv.convert(text)
    assert out.count("\n") == text.count("\n")
    assert [bool(x.strip()) for x in out.split("\n")] == [bool(x.strip()) for x in text.split("\n")]


# -- what a reader gets: the rendered zh-Hant edition ------------------------

MARKUP_PARAGRAPH = (
    "见 https://example.com/搜索/发布?q=简体 与 <https://example.com/简体/发布> 以及"
    "[发布会页面](https://example.com/发布会/简体)，执行`发布 简体`，"
    "香港写作[萬億]{lang=zh-Hant-HK}，投入[[num:infra-commitment]]"
    '[@alpha "企业客户已经超过100万家"]。\n\n'
)


@pytest.fixture(scope="module")
def markup_edition(tmp_path_factory):
    """The zh-Hant HTML of the minimal content with a paragraph full of markup."""
    import shutil

    from generator.build import build

    content = tmp_path_factory.mktemp("markup") / "content"
    shutil.copytree(MINIMAL, content)
    theme = content / "themes" / "02-customers.md"
    theme.write_text(theme.read_text(encoding="utf-8").replace("::: assessment\n", MARKUP_PARAGRAPH + "::: assessment\n"),
                     encoding="utf-8")
    report = build(content, tmp_path_factory.mktemp("out"), variants=["zh-Hant"], formats=["html"], write=False,
                   strict=True)
    html = report.outputs["briefing.zh-Hant.html"].decode("utf-8")
    para = next(p for p in re.findall(r"<p>.*?</p>", html, re.S) if "example.com/搜索" in p)
    return html, para


def test_url_with_chinese_survives_in_the_edition(markup_edition):
    _, para = markup_edition
    assert "https://example.com/搜索/发布?q=简体" in para
    assert para.startswith("<p>見 ")
    assert '<a href="https://example.com/简体/发布">https://example.com/简体/发布</a>' in para


def test_link_target_is_kept_and_link_text_converted(markup_edition):
    _, para = markup_edition
    assert '<a href="https://example.com/发布会/简体">發表會頁面</a>' in para


def test_inline_code_is_kept(markup_edition):
    _, para = markup_edition
    assert "<code>发布 简体</code>" in para
    assert "執行<code>" in para


def test_citation_and_number_reference_render_per_edition(markup_edition):
    _, para = markup_edition
    # the source's short label is converted (纪要 -> 紀要), its anchor is the ASCII id
    assert '<a href="#src-alpha">紀要</a>' in para
    # the figure is formatted for Taiwan from its structured value, linked by id
    assert '<a class="num" href="#num-infra-commitment">約1.4兆美元</a>' in para
    assert "企业客户已经超过100万家" not in para  # the locator is for the checker, not the reader
    assert '<span lang="zh-Hant-HK">萬億</span>' in para


def test_attributes_and_ids_are_never_converted(markup_edition):
    html, _ = markup_edition
    # every id and in-page link target in the edition is ASCII
    for attr in re.findall(r'\b(?:id|href)="#?([^"]*)"', html):
        if not attr.startswith("http"):
            assert attr.isascii(), attr
    assert 'id="customers"' in html
    assert 'href="#src-beta"' in html


def test_prose_outside_markup_has_no_simplified_leak(markup_edition, foreign_spans):
    """Strict build passed (no lint warning); and the visible text, minus the
    spans that are meant to stay as written, has no Simplified-only character."""
    from generator.chinese.scripts import leak_chars

    html, _ = markup_edition
    body = html[html.index("<body"):]
    body = re.sub(r"<code>.*?</code>", "", body)
    for span in foreign_spans(html, "zh-Hant-TW"):
        body = body.replace(span, "")
    body = re.sub(r"<[^>]+>", "", body)
    body = re.sub(r"https?://\S+", "", body)
    leaks = sorted({ch for ch in body if ch in leak_chars("zh-Hant")})
    assert leaks == []


# -- briefing convert ----------------------------------------------------------

def test_convert_cli_one_output_line_per_input_line(cli):
    text = "首席执行官支持发布会\n\n见 https://example.com/简体\n  “你好”  \n最后一行没有换行"
    result = cli(["convert", "--to", "zh-Hant", "--content", MINIMAL], input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n") == [
        "執行長支持發表會", "", "見 https://example.com/简体", "  「你好」  ", "最後一行沒有換行", ""]
    assert result.stderr == ""


def test_convert_cli_uses_exactly_the_build_converter(cli, tmp_path):
    """Every line of a theme converts through the CLI as the build converts it."""
    lines = (MINIMAL / "themes" / "01-compute.md").read_text(encoding="utf-8").splitlines()
    src = tmp_path / "in.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli(["convert", "--to", "zh-Hant", "--content", MINIMAL, src])
    assert result.exit_code == 0, result.stderr
    conv = Converter("zh-Hant", load_glossary(Diagnostics(), MINIMAL / "glossary.yaml"))
    assert result.stdout.splitlines() == [conv.convert(line) for line in lines]


def test_convert_cli_title_matches_the_rendered_edition(cli, markup_edition):
    html, _ = markup_edition
    result = cli(["convert", "--to", "zh-Hant", "--content", MINIMAL], input="企业客户增长快于预期\n")
    assert result.stdout == "企業客戶增長快於預期\n"  # bare 增长 stays 增長 (成長 only in set phrases), in both
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2\b.*?</h2>", html, re.S)]
    assert "二、企業客戶增長快於預期" in headings


def test_convert_cli_names_the_glossary_and_direction_it_applies(cli, tmp_path, monkeypatch):
    shutil.copytree(MINIMAL, tmp_path / "content")
    monkeypatch.chdir(tmp_path)  # inside a briefing: its glossary applies without being named on the line
    result = cli(["convert", "--to", "zh-Hant"], input="企业\n")
    assert result.exit_code == 0
    assert "the glossary of content/glossary.yaml" in result.stderr
    assert "glossary.yaml on top of the house glossary" in result.stderr
    assert "zh-Hans (written_in of " in result.stderr and "to zh-Hant" in result.stderr
    same = cli(["convert", "--to", "zh-Hans", "--content", MINIMAL], input="軟體\n")
    assert same.stdout == "軟體\n"  # written_in is zh-Hans: the text as written, and the message says so
    assert "prints the text as written; give --from" in same.stderr
    quiet = cli(["-q", "convert", "--to", "zh-Hant"], input="企业\n")
    assert quiet.stderr == ""


def test_convert_cli_without_content_dir_still_converts(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no briefing here: the house glossary alone
    result = cli(["convert", "--to", "zh-Hant"], input="发布会\n")
    assert result.exit_code == 0
    assert result.stdout == "發表會\n"  # the house guard; OpenCC's phrase layer alone gives 釋出會
    assert "house glossary" in result.stderr


def test_convert_cli_reports_a_broken_glossary(cli, tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    (content / "glossary.yaml").write_text("terms:\n  - zh-Hans: 发布\n    zh-Hnat: 發布\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["convert", "--to", "zh-Hant"], input="发布\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "content/glossary.yaml:3: error: unknown key 'zh-Hnat' in glossary term (did you mean 'zh-Hant'?)")


def test_convert_cli_rejects_an_unknown_variant(cli):
    result = cli(["convert", "--to", "zh-TW"], input="发布\n")
    assert result.exit_code == 2
    assert "zh-TW" in result.stderr and "zh-Hant" in result.stderr


def test_the_worklist_of_differences_from_plain_opencc(tmp_path):
    """benchmarks/diff_plain.py (make diff-plain) on a text of our own: each
    kind of difference once, with its count and an example, most frequent first."""
    text = tmp_path / "corpus.txt"
    text.write_text("我们支持这项计划\n大家都支持他\n建起温室大棚\n今天天气很好\n", encoding="utf-8")
    out = tmp_path / "diffs.tsv"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "diff_plain.py"), "--text", str(text),
                          "--out", str(out)], capture_output=True, text=True, check=True)
    assert "4 lines" in run.stderr
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert rows[0][:3] == ["2", "援", "持"]  # plain's 支援 against our 支持, in both lines
    assert any(r[1] == "大棚" and r[2] == "" for r in rows)  # 溫室大棚 against our 溫室
    assert all("天氣" not in r[3] for r in rows)  # a line both convert alike is no difference
    verdicts = tmp_path / "verdicts.tsv"  # what editors judged: shown with each kind, plain-right ones listed
    verdicts.write_text("plain\tours\tverdict\tconfidence\tcorrect\tnote\n援\t持\tPLAIN\tH\t\tsupport\n",
                        encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "diff_plain.py"), "--text", str(text),
                          "--out", str(out), "--verdicts", str(verdicts)], capture_output=True, text=True, check=True)
    assert "judged: OURS 0, PLAIN 1, BOTH 0, NEITHER 0; not judged yet: " in run.stderr
    assert "plain right, still:    2 援 -> 持" in run.stderr
    assert out.read_text(encoding="utf-8").splitlines()[1].endswith("\tPLAIN")
    # ... and what editors listed as mainland usage left in ours: how much of it ours now writes as asked
    wanted = tmp_path / "recall.tsv"
    wanted.write_text("simplified\twanted\tscope\tcue\tconfidence\n温室大棚\t溫室\talways\t\thigh\n"
                      "天气\t天候\talways\t\thigh\n没有这个词\t無\talways\t\tmedium\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "diff_plain.py"), "--text", str(text),
                          "--out", str(out), "--recall", str(wanted)], capture_output=True, text=True, check=True)
    assert "recall: high 1/2 listed words now written as the editors asked" in run.stderr  # the absent one uncounted
    assert "high-confidence words still left: 天气 -> 天候" in run.stderr


def test_read_evaluation_rows_stay_out_of_the_halves():
    """benchmarks/convert-eval/zh-Hant-read.tsv: fresh rows a review wrote, measured once unseen and then read.
    They are reported on their own line and never join the dev or test half (a read row in the test half would
    make its figure an estimate of nothing)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import eval_convert
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    rows = eval_convert.load_rows("zh-Hant")
    read = [r for r in rows if r["half"] == "read"]
    halves = {r["source"] for r in rows if r["half"] in ("dev", "test")}
    assert len(read) > 1000 and len(halves) > 800
    assert not halves & {r["source"] for r in read}
    assert len({r["source"] for r in read}) == len(read)
