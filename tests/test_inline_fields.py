"""Inline markup in YAML text fields (docs/content-model.md, "Inline markup in
YAML fields"): titles and labels render [[num:ID]] and [..]{lang=..} in every
place they are printed (headings, contents, bookmarks, running heads, table
group headers, chart text, <title>); prose fields render it as the body does;
what a field cannot hold, and every unknown id, is a located error."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build
from generator.diagnostics import BuildError

RAW = ("[[", "]]", "{lang=")


class _Text(HTMLParser):
    """The text an edition prints (text nodes, <title> and SVG text included;
    attribute values and the CSS left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def printed(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "".join(p.parts)


def text_of(fragment: str) -> str:
    return printed(fragment).replace("\u2005", "")  # the Han-Latin quarter space


def assert_no_raw_markup(html: str) -> None:
    text = printed(html)
    for raw in RAW:
        at = text.find(raw)
        assert at < 0, f"raw {raw!r} printed: …{text[max(0, at - 40):at + 40]}…"


def replace(path: Path, old: str, new: str) -> int:
    """Replace the one ``old`` in ``path``; the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.count("\n", 0, text.index(old)) + 1


def html_editions(content: Path, tmp_path: Path) -> dict[str, str]:
    report = build(content, tmp_path / "out", variants=["zh-Hans", "zh-Hant"], formats=["html"], write=False)
    out = {v: report.outputs[f"briefing.{v}.html"].decode("utf-8") for v in ("zh-Hans", "zh-Hant")}
    for html in out.values():
        assert_no_raw_markup(html)
    return out


def errors(content: Path, tmp_path: Path, monkeypatch) -> list[str]:
    """The errors of a check, as the CLI prints them (paths from tmp_path)."""
    monkeypatch.chdir(content.parent)
    with pytest.raises(BuildError) as exc:
        build(content, tmp_path / "out", variants=["zh-Hans"], formats=["html"], write=False)
    return [str(p) for p in exc.value.diagnostics.sorted() if p.severity == "error"]


COMPUTE_TITLE = "title: OpenAI押注算力越多收入越多，成败取决于需求能否一直指数增长"
FIGURE = {"zh-Hans": "约1.4万亿美元（说法不一）", "zh-Hant": "約1.4兆美元（說法不一）"}  # infra-commitment, first version
# (a bare reference to a conflicting number says so, in a title too: issue 16)


def _theme_title(content: Path) -> None:
    replace(content / "themes/06-compute.md", COMPUTE_TITLE,
            "title: OpenAI押注[[num:infra-commitment]]算力，[萬億]{lang=zh-Hant-HK}之说成败取决于需求")


def test_theme_title_renders_figure_and_literal_everywhere(content_copy, tmp_path):
    _theme_title(content_copy)
    for variant, html in html_editions(content_copy, tmp_path).items():
        want = f"押注{FIGURE[variant]}算力"
        heading = re.search(r'<h2 class="theme-title" id="compute-title">(.*?)</h2>', html, re.S).group(1)
        assert want in text_of(heading) and '<span lang="zh-Hant-HK">萬億</span>' in heading
        toc = re.search(r'<li class="toc-theme"><a href="#compute">(.*?)</a></li>', html, re.S).group(1)
        assert want in text_of(toc) and "<a " not in toc  # no link nested in the contents' link
        group = re.search(r'<tr class="group"><th scope="rowgroup" colspan="5"><a href="#compute">(.*?)</a>',
                          html, re.S).group(1)
        assert want in text_of(group)
        links = re.findall(r'<a href="#compute">(.*?)</a>', html, re.S)  # contents, table, questions' themes
        assert len(links) >= 3 and all(want in text_of(link) for link in links)


def test_theme_title_figure_in_pdf_bookmarks_and_running_head(content_copy, tmp_path):
    from pypdf import PdfReader

    _theme_title(content_copy)
    report = build(content_copy, tmp_path / "out", variants=["zh-Hans"], formats=["pdf"])
    pdf = report.written[0].path
    titles: list[str] = []

    def walk(nodes):
        for node in nodes:
            walk(node) if isinstance(node, list) else titles.append(node.title)

    walk(PdfReader(pdf).outline)
    hit = [t.replace("\u2005", "") for t in titles if "萬億之说" in t]
    assert hit == ["六、OpenAI押注约1.4万亿美元（说法不一）算力，萬億之说成败取决于需求"], titles
    assert not [t for t in titles if any(r in t for r in RAW)]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "[[num:" not in text and "{lang=" not in text
    pages = [p for p in text.split("\f") if "萬億之说" in p]
    assert len(pages) >= 2, "the heading's page and the running head of the theme's next page"
    assert all("约1.4万亿美元（说法不一）算力" in p.replace("\u2005", "").replace(" ", "") for p in pages)


def test_manifest_title_subtitle_and_names(content_copy, tmp_path):
    m = content_copy / "briefing.yaml"
    replace(m, "title: 奥特曼年终访谈研判简报：", "title: 奥特曼年终访谈研判简报（[[num:infra-commitment]]）[萬億]{lang=zh-Hant-HK}：")
    replace(m, "subtitle: OpenAI 首席执行官", "subtitle: 承诺[[num:stargate]]，OpenAI 首席执行官")
    replace(m, "issuing_unit: briefing 示例研究组", "issuing_unit: briefing [範例]{lang=zh-Hant-TW}研究组")
    for variant, html in html_editions(content_copy, tmp_path).items():
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        assert f"（{FIGURE[variant]}）萬億：" in title and "<span" not in title
        h1 = re.search(r'<h1 class="title">(.*?)</h1>', html, re.S).group(1)
        assert FIGURE[variant] in text_of(h1) and '<span lang="zh-Hant-HK">萬億</span>' in h1
        sub = re.search(r'<p class="subtitle">(.*?)</p>', html, re.S).group(1)
        assert "承诺5000亿美元" in text_of(sub) or "承諾5000億美元" in text_of(sub)
        unit = re.search(r'<dd class="ed-unit">(.*?)</dd>', html, re.S).group(1)
        assert '<span lang="zh-Hant-TW">範例</span>' in unit


def test_number_label_and_chart_text(content_copy, tmp_path):
    n = content_copy / "numbers.yaml"
    replace(n, "  label: ChatGPT 周活跃用户\n", "  label: ChatGPT 周活跃用户（年初[[num:weekly-users/1]]）\n")
    c = content_copy / "charts.yaml"
    replace(c, "  title: 基础设施投入承诺与星际之门计划的规模",
            "  title: 基础设施投入承诺[[num:infra-commitment]]与[星際之門]{lang=zh-Hant-TW}计划")
    replace(c, "  labels: [融资估值, 单轮融资额]", "  labels: ['融资估值（[估值]{lang=zh-Hant}）', 单轮融资额]")
    html = html_editions(content_copy, tmp_path)["zh-Hans"]
    row = re.search(r'id="num-weekly-users".*?<p class="num-label">(.*?)</p>', html, re.S).group(1)
    assert "年初超过5亿人" in text_of(row)
    glance = re.search(r'<th scope="row"><a href="#num-weekly-users">(.*?)</a></th>', html, re.S).group(1)
    assert "年初超过5亿人" in text_of(glance)
    fig = re.search(r'<figure class="chart" id="chart-commitment-stargate".*?</figure>', html, re.S).group(0)
    cap = re.search(r"<figcaption.*?</figcaption>", fig, re.S).group(0)
    assert "承诺约1.4万亿美元（说法不一）与星際之門计划" in text_of(cap) and '<span lang="zh-Hant-TW">星際之門</span>' in cap
    svg_title = re.search(r"<svg.*?<title[^>]*>(.*?)</title>", fig, re.S).group(1)
    assert svg_title == "基础设施投入承诺约1.4万亿美元（说法不一）与星際之門计划"
    users = re.search(r'<figure class="chart" id="chart-weekly-users".*?</figure>', html, re.S).group(0)
    assert "年初超过5亿人" in printed(users)  # the number's label, in the SVG and its data table
    valuation = re.search(r'<figure class="chart" id="chart-valuation".*?</figure>', html, re.S).group(0)
    assert "融资估值（估值）" in printed(valuation)


def test_source_title_and_outlet_take_literals(content_copy, tmp_path):
    s = content_copy / "sources.yaml"
    replace(s, "  outlet: 硅星人\n", "  outlet: 硅星人（[矽星人]{lang=zh-Hant-TW}）\n")
    html = html_editions(content_copy, tmp_path)["zh-Hant"]
    meta = re.search(r'<li id="src-siliconstar">.*?<p class="source-meta">(.*?)</p>', html, re.S).group(1)
    assert '<span lang="zh-Hant-TW">矽星人</span>' in meta


def test_prose_fields_render_references(content_copy, tmp_path):
    replace(content_copy / "themes/06-compute.md", "takeaway: 奥特曼称OpenAI始终处于算力赤字",
            "takeaway: 承诺[[num:infra-commitment]]，[萬億]{lang=zh-Hant-HK}；奥特曼称OpenAI始终处于算力赤字")
    replace(content_copy / "numbers.yaml", "  note: 是预期频率，不是统计值。",
            "  note: 是预期频率，不是统计值；通常持续[[num:code-red-duration]][@longform]。")
    html = html_editions(content_copy, tmp_path)["zh-Hans"]
    takeaway = re.search(r'<section class="theme" id="compute".*?<p class="takeaway">(.*?)</p>', html, re.S).group(1)
    assert "承诺约1.4万亿美元（说法不一）" in text_of(takeaway) and '<span lang="zh-Hant-HK">萬億</span>' in takeaway
    assert "通常持续6～8周" in printed(html)


# -- errors: the field, its file and line ---------------------------------------

UNKNOWN = [
    # (file, old, new, message)
    ("themes/06-compute.md", "takeaway: 奥特曼称", "takeaway: 奥特曼称[[num:infra-comitment]]",
     "[[num:infra-comitment]] refers to unknown key number 'infra-comitment' (did you mean 'infra-commitment'?)"),
    ("themes/06-compute.md", "takeaway: 奥特曼称", "takeaway: 奥特曼称[@longfrom]",
     "citation names unknown source 'longfrom' (did you mean 'longform'?)"),
    ("themes/06-compute.md", COMPUTE_TITLE, COMPUTE_TITLE + "[[num:nope]]",
     "[[num:nope]] refers to unknown key number 'nope'"),
    ("numbers.yaml", "  note: 是预期频率，不是统计值。", "  note: 是预期频率[[num:code-red-duraton]]。",
     "[[num:code-red-duraton]] refers to unknown key number 'code-red-duraton' (did you mean 'code-red-duration'?)"),
    ("numbers.yaml", "  note: 是预期频率，不是统计值。", "  note: 是预期频率[@digset]。",
     "citation names unknown source 'digset' (did you mean 'digest'?)"),
    ("numbers.yaml", "  note: 是预期频率，不是统计值。", "  note: 是预期频率[[num:weekly-users/3]]。",
     "[[num:weekly-users/3]]: 'weekly-users' has 2 point(s)"),
    ("numbers.yaml", "  label: 访谈时长", "  label: 访谈时长[[num:interview-lenght]]",
     "[[num:interview-lenght]] refers to unknown key number 'interview-lenght' (did you mean 'interview-length'?)"),
    ("questions.yaml", "  question: ", "  question: 问[[num:nope]]", "[[num:nope]] refers to unknown key number 'nope'"),
    ("sources.yaml", "    本简报只把它当作低可靠", "    [@nope]本简报只把它当作低可靠", "citation names unknown source 'nope'"),
    ("summary.yaml", "    text: 2026年 OpenAI 的新增收入", "    text: 2026年[[num:nope]] OpenAI 的新增收入",
     "[[num:nope]] refers to unknown key number 'nope'"),
    ("charts.yaml", "  title: OpenAI 的融资估值与单轮融资额", "  title: OpenAI 的融资估值[[num:valuaton]]",
     "[[num:valuaton]] refers to unknown key number 'valuaton' (did you mean 'valuation'?)"),
    ("charts.yaml", "  labels: [融资估值, 单轮融资额]", "  labels: ['融资估值[[num:nope]]', 单轮融资额]",
     "[[num:nope]] refers to unknown key number 'nope'"),
    ("charts.yaml", "  note: 6月是已公布的一轮", "  note: 6月是已公布的一轮[@nope]", "citation names unknown source 'nope'"),
]


@pytest.mark.parametrize("file, old, new, message", UNKNOWN, ids=[f"{c[0]}-{i}" for i, c in enumerate(UNKNOWN)])
def test_unknown_ids_are_located_errors(content_copy, tmp_path, monkeypatch, file, old, new, message):
    path = content_copy / file
    if old == "  question: ":  # the first question
        text = path.read_text(encoding="utf-8")
        at = text.index(old)
        path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
        line = text.count("\n", 0, at) + 1
    else:
        line = replace(path, old, new)
    if file == "sources.yaml":  # a folded note: reported at its key
        text = path.read_text(encoding="utf-8")
        line = text.count("\n", 0, text.rindex("  note: >-", 0, text.index("[@nope]"))) + 1
    assert errors(content_copy, tmp_path, monkeypatch) == [f"content/{file}:{line}: error: {message}"]


REJECTED = [
    ("themes/06-compute.md", COMPUTE_TITLE, COMPUTE_TITLE + "[@longform]",
     "a citation is not allowed in a theme title: '[@longform]' (cite in the takeaway, the body or the number's "
     "sources; it takes only number references and language-tagged literals (see docs/content-model.md))"),
    ("themes/06-compute.md", COMPUTE_TITLE, COMPUTE_TITLE + "，**重点**",
     "Markdown is not rendered in a theme title: '**重点**' (titles, labels and names are set as plain text; "
     "it takes only number references and language-tagged literals (see docs/content-model.md))"),
    ("briefing.yaml", "issuing_unit: briefing 示例研究组", "issuing_unit: briefing 示例研究组[[num:stargate]]",
     "a number reference is not allowed in the manifest's 'issuing_unit': '[[num:stargate]]' "
     "(it takes only language-tagged literals (see docs/content-model.md))"),
    ("numbers.yaml", "  unit: 周\n", "  unit: '[週]{lang=zh-Hant}'\n",
     "a language-tagged literal is not allowed in a unit: '[週]{lang=zh-Hant}' (it is plain text)"),
    ("sources.yaml", "  short: 长文", "  short: 长文[[num:stargate]]",
     "a number reference is not allowed in a source's 'short' label: '[[num:stargate]]' (it is plain text)"),
    ("numbers.yaml", "  label: 访谈时长", "  label: 访谈时长[长]{lang=zh_Hant}",
     "malformed markup '{lang=zh_Hant}' in a key number's label (write [萬億]{lang=zh-Hant-HK}; "
     "as it stands it would be printed raw)"),
    ("themes/06-compute.md", "takeaway: 奥特曼称", "takeaway: 奥特曼称[[num:stargate]，",
     "malformed markup '[[num:stargate]，OpenAI始终' in a takeaway (write [[num:ID]] or [[num:ID/2]]; "
     "as it stands it would be printed raw)"),
]


@pytest.mark.parametrize("file, old, new, message", REJECTED, ids=[f"{c[0]}-{i}" for i, c in enumerate(REJECTED)])
def test_markup_a_field_cannot_hold_is_a_located_error(content_copy, tmp_path, monkeypatch, file, old, new, message):
    line = replace(content_copy / file, old, new)
    assert errors(content_copy, tmp_path, monkeypatch) == [f"content/{file}:{line}: error: {message}"]


def test_unknown_id_in_takeaway_is_reported_by_check_not_a_traceback(content_copy, cli):
    line = replace(content_copy / "themes/06-compute.md", "takeaway: 奥特曼称", "takeaway: 奥特曼称[[num:infra-comitment]]")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 1 and "Traceback" not in result.stderr + result.stdout
    assert f"06-compute.md:{line}: error: [[num:infra-comitment]] refers to unknown key number" in result.stderr


def test_conflict_title_in_a_body_renders_a_reference(content_copy, tmp_path):
    replace(content_copy / "themes/06-compute.md", "::: conflict 报道不一：这笔承诺是谁的",
            "::: conflict 报道不一：[[num:infra-commitment]]是谁的承诺")
    html = html_editions(content_copy, tmp_path)["zh-Hans"]
    assert "报道不一：约1.4万亿美元（说法不一）是谁的承诺" in printed(html)
