"""本版更新: the back matter of a new edition lists exactly what changed since
the previous one -- built for real (content copy, two editions into one
output directory, HTML; one PDF), read back from the files."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.render.changes import compare, snapshot
from generator.load.content import load_content

# A key number of our own (not the shipped content's, which editors change):
# money, so every edition formats it its own way (万亿 / 兆), with a qualifier.
TEST_NUMBER = """
- id: test-commitment
  label: 测试用投资承诺
  theme: {theme}
  kind: money
  currency: USD
  value: {value}
  scale: trillion
  qualifier: about
  as_of: 2025-12-18
  status: outlet-estimate
  sources:
    - {{source: longform, locator: "承諾總額達到約1.4萬億美元"}}
"""

TEST_QUESTION = """
- id: {id}
  question: {text}
  why: 测试用问题，用来检验本版更新。
  themes: [{theme}]
  answer_by: 下一期的内容。
  raised_by: ours
"""


def _first_theme(content: Path) -> str:
    return yaml.safe_load((content / "briefing.yaml").read_text(encoding="utf-8"))["themes"][0]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


def _set_edition(content: Path, n: int) -> None:
    p = content / "briefing.yaml"
    text, count = re.subn(r"^edition:\s*\d+", f"edition: {n}", p.read_text(encoding="utf-8"), flags=re.M)
    assert count == 1
    p.write_text(text, encoding="utf-8")


def _set_number(content: Path, value: float) -> None:
    p = content / "numbers.yaml"
    text = p.read_text(encoding="utf-8")
    block = text.index("- id: test-commitment")
    start = text.index("  value: ", block)
    end = text.index("\n", start)
    p.write_text(text[:start] + f"  value: {value}" + text[end:], encoding="utf-8")


def back_matter_changes(page: Path) -> tuple[str, list[str]]:
    """(lead sentence, list items) of 本版更新, as text."""
    section = re.search(r'<section id="changes">(.*?)</section>', page.read_text(encoding="utf-8"), re.S).group(1)

    def text(fragment: str) -> str:
        return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()

    lead = re.search(r'<p class="changes-since">(.*?)</p>', section, re.S)
    first = re.search(r"<p>(.*?)</p>", section, re.S)
    return (text(lead.group(1)) if lead else text(first.group(1)) if first else "",
            [text(li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)])


def _untypeset(text: str) -> str:
    """Without the spacing typography adds between Chinese and Latin, with straight quotes."""
    return re.sub(r"[“”]", '"', re.sub(r"[\u2005\u2009\u200a\u202f]", "", text))


@pytest.fixture
def first_edition(content_copy, tmp_path):
    """Edition 1 with our test number (1.4万亿美元) and a question Q-A, built into out/."""
    theme = _first_theme(content_copy)
    _append(content_copy / "numbers.yaml", TEST_NUMBER.format(theme=theme, value=1.4))
    _append(content_copy / "questions.yaml", TEST_QUESTION.format(id="q-test-a", text="测试问题甲会怎样？",
                                                                  theme=theme))
    _set_edition(content_copy, 1)
    out = tmp_path / "out"
    build(content_copy, out, formats=["html"])
    return content_copy, out


def test_first_edition_says_it_is_the_first(built):
    assert back_matter_changes(built["zh-Hans.html"]) == ("本期为首期，无前一版可比较。", [])
    assert back_matter_changes(built["zh-Hant.html"]) == ("本期為首期，無前一版可比較。", [])


def test_one_changed_key_number_is_exactly_what_the_next_edition_reports(first_edition):
    content, out = first_edition
    date = load_content(content).manifest.issue_date
    _set_number(content, 1.5)
    _set_edition(content, 2)
    report = build(content, out, formats=["html"])
    assert len(report.written) == 2

    lead, items = back_matter_changes(out / "briefing.zh-Hans.html")
    assert lead == f"与第1期（{date.year}年{date.month}月{date.day}日）相比，本期有以下更新："
    assert items == ["关键数字变动：测试用投资承诺，约1.4万亿美元 → 约1.5万亿美元"]
    lead, items = back_matter_changes(out / "briefing.zh-Hant.html")
    assert lead == f"與第1期（{date.year}年{date.month}月{date.day}日）相比，本期有以下更新："
    assert items == ["關鍵數字變動：測試用投資承諾，約1.4兆美元 → 約1.5兆美元"]
    assert '<a href="#num-test-commitment">' in (out / "briefing.zh-Hans.html").read_text(encoding="utf-8")


def test_rebuilding_an_edition_keeps_its_list_and_its_bytes(first_edition):
    content, out = first_edition
    _set_number(content, 1.5)
    _set_edition(content, 2)
    build(content, out, formats=["html"])
    first = {p.name: p.read_bytes() for p in out.glob("briefing.*")}
    build(content, out, formats=["html"], force=True)  # compares with edition 1 again, not with itself
    assert {p.name: p.read_bytes() for p in out.glob("briefing.*")} == first

    _set_number(content, 1.6)  # still edition 2: the list is against edition 1
    build(content, out, formats=["html"])
    assert back_matter_changes(out / "briefing.zh-Hans.html")[1] == \
        ["关键数字变动：测试用投资承诺，约1.4万亿美元 → 约1.6万亿美元"]


def test_themes_and_questions(first_edition):
    content, out = first_edition
    theme = _first_theme(content)
    path = next(p for p in (content / "themes").glob("*.md") if re.search(rf"^id:\s*{theme}\s*$",
                                                                          p.read_text(encoding="utf-8"), re.M))
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"^takeaway:.*$", "takeaway: 测试：本期改写了这一结论。", text, count=1, flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    q = (content / "questions.yaml").read_text(encoding="utf-8")
    q = q.replace(TEST_QUESTION.format(id="q-test-a", text="测试问题甲会怎样？", theme=theme), "")
    (content / "questions.yaml").write_text(q, encoding="utf-8")
    _append(content / "questions.yaml", TEST_QUESTION.format(id="q-test-b", text="测试问题乙会怎样？", theme=theme))
    _set_edition(content, 2)
    build(content, out, formats=["html"])

    title = load_content(content).themes[0].title
    lead, items = back_matter_changes(out / "briefing.zh-Hans.html")
    assert [_untypeset(i) for i in items] == [
        _untypeset(f"主题内容有更新：{title}"),
        "新增待解问题：测试问题乙会怎样？",
        "问题已解决或撤下：测试问题甲会怎样？",
    ]
    page = (out / "briefing.zh-Hans.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="changes">.*?</section>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', section)
    assert targets == [theme, "q-q-test-b"]  # the resolved question is gone: no link
    assert all(f'id="{t}"' in page for t in targets)


def test_an_unchanged_next_edition_says_nothing_changed(first_edition):
    content, out = first_edition
    _set_edition(content, 2)
    build(content, out, formats=["html"])
    lead, items = back_matter_changes(out / "briefing.zh-Hant.html")
    assert lead.startswith("與第1期（") and lead.endswith("相比，本期內容沒有變化。")
    assert items == []


def test_compare_reports_values_not_wording(content_copy):
    before = snapshot(load_content(content_copy))
    after = snapshot(load_content(content_copy))
    n = after["numbers"][0]
    n["label"] += "（改）"
    n["points"][0]["as_of"] = "2030-01-01"  # not the value
    after["themes"].append({"id": "new-theme", "title": "新主题", "digest": "0"})
    removed = after["themes"].pop(0)
    after["numbers"].append({**after["numbers"][1], "id": "new-number"})
    changes = compare(before, after)
    assert changes.numbers_changed == [] and [x["id"] for x in changes.numbers_added] == ["new-number"]
    assert [t["id"] for t in changes.themes_added] == ["new-theme"]
    assert [t["id"] for t in changes.themes_removed] == [removed["id"]]
    assert changes.themes_changed == [] and not changes.questions_added and not changes.questions_resolved
    assert compare(None, after) is None  # a first edition
    assert compare(before, before).empty


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test installs it)")
def test_the_pdf_back_matter_reports_the_change(first_edition):
    content, out = first_edition
    _set_number(content, 1.5)
    _set_edition(content, 2)
    build(content, out, variants=["zh-Hans"], formats=["pdf"])
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "briefing.zh-Hans.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    squashed = re.sub(r"\s+", "", text)
    assert "本版更新" in squashed
    assert "关键数字变动：测试用投资承诺，约1.4万亿美元→约1.5万亿美元" in squashed
