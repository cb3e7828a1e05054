"""A key number typed by hand instead of [[num:ID]] is a located warning whose
hint is the reference to write (generator/load/duplicates.py; docs/content-model.md,
"Hand-typed key numbers")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.load.content import load_content
from generator.diagnostics import Diagnostics


def duplicates(content: Path) -> list[str]:
    diag = Diagnostics(root=content.parent)
    load_content(content, diag)
    return [str(p) for p in diag.sorted() if p.code == "duplicate-number"]


def add_line(path: Path, after: str, text: str) -> int:
    """Insert ``text`` as a new line after the line holding ``after``; its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if after in line) + 1
    lines.insert(at, text)
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


COMPUTE = "themes/06-compute.md"
LOCATOR = '[@longform "承諾總額達到約1.4萬億美元"]'


def test_sample_has_no_hand_typed_key_numbers(content_copy):
    assert duplicates(content_copy) == []


@pytest.mark.parametrize("typed, ref, renders", [
    ("约1.4万亿美元", "[[num:infra-commitment/1]]", "约1.4万亿美元"),  # the qualifier picks the version
    ("1.4万亿美元", "[[num:infra-commitment/2]]", "1.4万亿美元"),
    ("约14000亿美元", "[[num:infra-commitment/1]]", "约1.4万亿美元"),  # another scale word
    ("约1.4 万亿 美元", "[[num:infra-commitment/1]]", "约1.4万亿美元"),
    ("约１.４万亿美元", "[[num:infra-commitment/1]]", "约1.4万亿美元"),  # full-width digits
    ("5,000亿美元", "[[num:stargate]]", "5000亿美元"),
])
def test_hand_typed_figure_in_a_body_gets_the_reference_to_write(content_copy, typed, ref, renders):
    line = add_line(content_copy / COMPUTE, "::: assessment", f"我们认为这{typed}的承诺难以兑现。")
    key = "'infra-commitment'" if "infra" in ref else "'stargate'"
    assert duplicates(content_copy) == [
        f"content/{COMPUTE}:{line}: warning: '{typed.lstrip('约')}' is typed by hand but is key number {key} "
        f"(write {ref} (renders as {renders}) instead)"]


def test_percent_and_range_spellings(content_copy):
    a = add_line(content_copy / "themes/03-models-interface.md", "::: assessment", "Thinking 的得分为70.9％。")
    b = add_line(content_copy / "themes/01-code-red.md", "::: assessment", "警报通常持续6到8周，每年1-2次。")
    got = duplicates(content_copy)
    assert got == sorted([
        f"content/themes/01-code-red.md:{b}: warning: '6到8周' is typed by hand but is key number "
        "'code-red-duration' (write [[num:code-red-duration]] (renders as 6～8周) instead)",
        f"content/themes/01-code-red.md:{b}: warning: '1-2次' is typed by hand but is key number "
        "'code-red-frequency' (write [[num:code-red-frequency]] (renders as 1～2次) instead)",
        f"content/themes/03-models-interface.md:{a}: warning: '70.9％' is typed by hand but is key number "
        "'gdpval-thinking' (write [[num:gdpval-thinking/1]] (renders as 70.9%) instead)",
    ])


def test_yaml_fields_are_scanned_at_their_line(content_copy, edit):
    line = edit(content_copy / "summary.yaml", "其中部分数字只见于机器生成的摘要",
                "其中部分数字（如近9亿人）只见于机器生成的摘要")
    got = duplicates(content_copy)
    assert got == [f"content/summary.yaml:{line}: warning: '9亿人' is typed by hand but is key number "
                   "'weekly-users', 'weekly-users-dec' (write [[num:weekly-users]] (renders as 近9亿人) or "
                   "[[num:weekly-users-dec/2]] (renders as 近9亿人) instead)"]


@pytest.mark.parametrize("text", [
    "承诺约1.5万亿美元。",            # another value
    "承诺约1.4万亿元。",              # another unit
    "承诺约1.4万亿。",                # no unit: not the same figure for sure
    "得分为70.9分，而非71分。",        # not a percentage
    "主持人认为要10倍乃至100倍。",      # a common figure outside its theme (enterprise-platform)
    "2025年12月18日，3个问题，第2年。",  # years, dates, bare counts
    "长文写作“约1.4万亿美元”。",        # a quotation keeps the source's words
    "原话是「1.4萬億美元」。",
    f"承诺总额见长文{LOCATOR}。",        # a citation's locator quotes the source
    "规模为[[num:infra-commitment]]。",  # already a reference
    "`1.4万亿美元`",                  # inline code
])
def test_near_misses_are_not_flagged(content_copy, text):
    add_line(content_copy / "themes/07-science.md", "::: assessment", text)
    assert duplicates(content_copy) == []


def test_a_number_may_state_its_own_figure_in_its_note(content_copy, edit):
    edit(content_copy / "numbers.yaml", "  note: 是预期频率，不是统计值。", "  note: 是预期频率（每年1-2次），不是统计值。")
    assert duplicates(content_copy) == []


def test_strict_check_fails_on_a_hand_typed_figure(content_copy, cli):
    line = add_line(content_copy / COMPUTE, "::: assessment", "我们认为这约1.4万亿美元的承诺难以兑现。")
    lenient = cli(["check", "--content", content_copy])
    assert lenient.exit_code == 0, lenient.stderr
    assert f"06-compute.md:{line}: warning: '1.4万亿美元' is typed by hand" in lenient.stderr
    strict = cli(["check", "--strict", "--content", content_copy])
    assert strict.exit_code == 1
    assert "write [[num:infra-commitment/1]]" in strict.stderr


def test_the_scan_is_linear_in_the_text():
    from generator.load.duplicates import Lookup, scan
    from generator.model import Citation, KeyNumber, Point, Prose

    numbers = [KeyNumber(f"n{i}", Prose("x"), "t", "money", "paraphrase",
                         (Point(i + 0.5, "2025", (Citation("s"),), scale="billion"),), "single", currency="USD")
               for i in range(200)]
    lookup = Lookup(numbers)
    for chunk in ("1", "“", "1-", "1 ", "1.", "[@", "约1.4万亿美元，", "0.5亿-"):
        took = []
        for n in (20_000, 160_000):
            diag = Diagnostics()
            started = time.perf_counter()
            scan(lookup, chunk * (n // len(chunk)), "x.md", 1, diag)
            took.append(time.perf_counter() - started)
        assert took[1] < 1.0, (chunk, took)  # quadratic would be minutes at 160,000 characters


def test_chart_text_is_scanned_too(content_copy, cli, edit):
    line = edit(content_copy / "charts.yaml", "  note: 6月是已公布的一轮", "  note: 估值7500亿美元；6月是已公布的一轮")
    result = cli(["check", "--content", content_copy])
    assert result.exit_code == 0, result.stderr
    assert (f"charts.yaml:{line}: warning: '7500亿美元' is typed by hand but is key number 'valuation' "
            "(write [[num:valuation]] (renders as 7500亿美元（洽谈中）) instead)") in result.stderr


TAIPEI = Path(__file__).parent / "fixtures" / "taipei-transit" / "content"


@pytest.mark.parametrize("typed, ref, renders", [
    ("45.3億元", "[[num:q3-revenue]]", "45.3億新台幣"),  # 元 alone is the local dollar in Taiwan
    ("45.3億元新台幣", "[[num:q3-revenue]]", "45.3億新台幣"),
    ("4,530,000,000新台幣", "[[num:q3-revenue]]", "45.3億新台幣"),
    ("0.00453兆元", "[[num:q3-revenue]]", "45.3億新台幣"),  # Taiwan's 兆 is 10^12
    ("6710萬人次", "[[num:monthly-ridership]]", "6710萬人次"),  # Traditional scale words and units
])
def test_a_briefing_written_in_traditional_is_read_in_its_own_script(tmp_path, typed, ref, renders):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(TAIPEI, content)
    theme = sorted((content / "themes").glob("*.md"))[0]
    line = add_line(theme, "::: assessment", f"我們認為這{typed}還會再變。")
    got = duplicates(content)
    assert len(got) == 1 and f":{line}: warning: '{typed}' is typed by hand" in got[0], got
    assert f"write {ref} (renders as {renders}) instead" in got[0]  # the hint in the desk's own script


def test_a_renminbi_figure_in_taiwan_text_is_not_a_taiwan_dollar_figure(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(TAIPEI, content)
    theme = sorted((content / "themes").glob("*.md"))[0]
    add_line(theme, "::: assessment", "對岸同類合約約45.3億元人民幣，另有45.3億美元的報價。")
    assert duplicates(content) == []


@pytest.mark.parametrize("text, found", [
    ("對岸同類合約為人民幣45.3億元。", False),  # a currency named before the figure is not the local dollar
    ("另一份報價為美金45.3億元。", False),
    ("營收為新台幣45.3億元。", True),
    ("營收約45.3億台幣。", True),
])
def test_a_currency_named_before_a_taiwan_figure_decides_it(tmp_path, text, found):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(TAIPEI, content)
    theme = sorted((content / "themes").glob("*.md"))[0]
    add_line(theme, "::: assessment", text)
    assert bool(duplicates(content)) == found


def test_a_qualifier_in_traditional_picks_the_version(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(TAIPEI, content)
    numbers = content / "numbers.yaml"  # two versions of one value: the qualifier typed says which
    numbers.write_text(numbers.read_text(encoding="utf-8").replace(
        "{value: 128, scale: ten-thousand, as_of", "{value: 150, scale: ten-thousand, as_of"), encoding="utf-8")
    theme = sorted((content / "themes").glob("*.md"))[1]
    add_line(theme, "::: assessment", "報社說使用人數超過150萬人。")
    [warning] = duplicates(content)
    assert "write [[num:app-users/2]]" in warning and "app-users/1" not in warning  # 超過 is more-than


def test_taiwans_trillion_is_no_prefix_of_a_megawatt_unit(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(TAIPEI, content)
    numbers = content / "numbers.yaml"
    numbers.write_text(numbers.read_text(encoding="utf-8") + (
        "\n- id: capacity\n  label: 裝置容量\n  theme: ridership\n  kind: quantity\n  unit: 兆瓦\n  status: reported\n  value: 3000\n"
        "  as_of: 2026-09-30\n  sources:\n    - {source: trtc, locator: \"7月總運量為6520萬人次\"}\n"), encoding="utf-8")
    theme = sorted((content / "themes").glob("*.md"))[0]
    add_line(theme, "::: assessment", "目前裝置容量為3000兆瓦。")
    assert any("'3000兆瓦' is typed by hand but is key number 'capacity'" in w for w in duplicates(content))
