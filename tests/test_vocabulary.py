"""The vocabulary layer (generator/chinese/vocabulary.tsv): what it may hold,
and where it applies -- below the house glossary and a briefing's own, from
Simplified only, and only for the variants it gives a form for."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import replace
from pathlib import Path

import pytest

from generator.chinese.convert import Converter
from generator.chinese.backend import opencc_converter
from generator.chinese.scripts import leak_chars
from generator.chinese.segment import jieba_dictionary, opencc_phrase_keys
from generator.load.glossary import load_glossary, read_vocabulary
from generator.diagnostics import Diagnostics
from generator.model import GLOSSARY_CATEGORIES, Glossary
from generator.shipped import VOCABULARY

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u3400-\u9fff]")


def _importer():
    spec = importlib.util.spec_from_file_location("import_vocabulary", ROOT / "tools" / "import_vocabulary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows():
    out = []
    for n, line in enumerate(VOCABULARY.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 5, f"vocabulary.tsv:{n}: {line!r}"
        out.append((n, *fields))
    return out


def test_the_file_says_where_it_comes_from_and_its_licence():
    head = VOCABULARY.read_text(encoding="utf-8").split("\n", 8)[:7]
    assert any("Module:CGroup" in h for h in head)
    assert any("CC BY-SA 4.0" in h for h in head)
    assert any(re.search(r"at [0-9a-f]{40}\.", h) for h in head), "the snapshot's revision is recorded"


def test_entries_follow_the_importers_rules(rows):
    tool = _importer()
    reviewed, excluded = tool._listed(tool.REVIEWED), tool._listed(tool.EXCLUDED)
    reviewed_hk, reviewed_tw = tool._listed(tool.REVIEWED_HK), tool._listed(tool.REVIEWED_TW)
    t2s, s2twp, s2hk = opencc_converter("t2s"), opencc_converter("s2twp"), opencc_converter("s2hk")
    regional = set(opencc_phrase_keys()[1])
    counts = {word: count for word, count, _tag in jieba_dictionary()}
    leaks = leak_chars("zh-Hant")
    seen = set()
    for n, hans, hant, hk, category, group in rows:
        where = f"vocabulary.tsv:{n} {hans}"
        assert hans not in seen, where
        seen.add(hans)
        assert group in tool.GROUPS and category in GLOSSARY_CATEGORIES, where
        assert t2s.convert(hans) == hans and len(HAN.findall(hans)) >= 2, where
        assert hant or hk, where
        assert not hant or hant != s2twp.convert(hans), f"{where}: adds nothing to s2twp"
        assert not hk or hk != s2hk.convert(hans), f"{where}: adds nothing to s2hk"
        assert hans not in excluded, f"{where}: excluded after review"
        assert not any(ch in leaks for ch in hant + hk), f"{where}: a Simplified character in a Traditional form"
        assert hans not in regional, f"{where}: OpenCC's own regional phrase decides it"
        if hk and group not in tool.NAME_GROUPS:
            assert hans in reviewed or hans in reviewed_hk, f"{where}: a term's Hong Kong form needs review"
        if not hant and hans in reviewed_hk:
            continue  # only its Hong Kong form was adopted
        if len(hans) == 2:
            assert hans in reviewed or hans in reviewed_tw or group in tool.NAME_GROUPS, \
                f"{where}: a two-character word needs review"
        if len(hans) > 2 and group not in tool.NAME_GROUPS and counts.get(hans, 0) >= tool.ORDINARY:
            assert hans in reviewed or hans in reviewed_tw, \
                f"{where}: a word prose uses often needs review (委员会 is not 執委會 in prose)"
    two = {hans: hant for _, hans, hant, _, _, _ in rows if len(hans) == 2 and hant}
    for n, hans, hant, *_ in rows:
        head = two.get(hans[:2])
        if len(hans) > 2 and head and hans[:2] not in reviewed:
            assert not hant or hant.startswith(head), f"vocabulary.tsv:{n}: {hans} splits the name {hans[:2]}"


def test_reviewed_and_excluded_lists_are_one_word_per_line():
    tool = _importer()
    for path in (tool.REVIEWED, tool.EXCLUDED, tool.REVIEWED_HK, tool.REVIEWED_TW):
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip().split(" ", 1)[0]
            assert not word or HAN.search(word), f"{path.name}: {line!r}"


def test_the_house_glossary_reads_without_a_problem():
    """A duplicated or malformed house entry is an error every build would report."""
    diag = Diagnostics()
    load_glossary(diag, None)
    assert not diag.errors and not diag.warnings, [str(p) for p in diag.errors + diag.warnings]


def test_house_glossary_and_briefing_glossary_win_over_the_vocabulary(tmp_path):
    vocab = {t.forms["zh-Hans"]: t for t in read_vocabulary()}
    word = next(k for k, t in vocab.items() if "zh-Hant" in t.forms and len(k) >= 3)
    own = tmp_path / "glossary.yaml"
    own.write_text(f"terms:\n  - {{zh-Hans: {word}, zh-Hant: 自訂譯名, en: x, category: term}}\n", encoding="utf-8")
    glossary = load_glossary(Diagnostics(), own)
    forms = [t for t in glossary.terms if t.forms["zh-Hans"] == word]
    assert len(forms) == 1 and forms[0].forms["zh-Hant"] == "自訂譯名"
    assert Converter("zh-Hant", glossary).convert(word) == "自訂譯名"
    layered = load_glossary(Diagnostics(), None).terms
    vocabulary = {id(t) for t in read_vocabulary()}
    # (an entry read only from Taiwan text, 都更 -> 城市更新, is no entry for the Simplified word:
    # the vocabulary's 城市更新 -> 都市更新 still holds from Simplified)
    house = {t.forms["zh-Hans"] for t in layered if id(t) not in vocabulary and "zh-Hans" in (t.only_from or ("zh-Hans",))}
    assert house and not house & {t.forms["zh-Hans"] for t in layered if id(t) in vocabulary}, "the house entry alone"
    assert Converter("zh-Hant", load_glossary(Diagnostics(), None)).convert("城市更新") == "都市更新"


def test_a_vocabulary_entry_converts_where_it_is_a_word():
    term = replace(read_vocabulary()[0], forms={"zh-Hans": "测试机器", "zh-Hant": "試驗裝備"})
    conv = Converter("zh-Hant", Glossary((term,)))
    assert conv.convert("新的测试机器到了") == "新的試驗裝備到了"


def test_the_vocabulary_speaks_only_for_the_variants_it_gives_forms_for():
    term = replace(read_vocabulary()[0], forms={"zh-Hans": "测试机器", "zh-Hant": "試驗裝備"})
    hk = Converter("zh-Hant-HK", Glossary((term,)))
    assert hk.convert("测试机器") == opencc_converter("s2hk").convert("测试机器")


def test_the_vocabulary_is_not_read_backwards():
    """From Taiwan text to Simplified, the layer's Taiwan forms are not keys
    (its rules were chosen for the Simplified-to-Traditional direction)."""
    term = replace(read_vocabulary()[0], forms={"zh-Hans": "测试机器", "zh-Hant": "試驗裝備"})
    back = Converter("zh-Hans", Glossary((term,)), "zh-Hant")
    assert back.convert("試驗裝備") == opencc_converter("tw2sp").convert("試驗裝備")


@pytest.mark.parametrize("text, expected", [
    ("美国的通胀数据", "美國的通膨數據"),  # a reviewed two-character word
    ("他在悉尼工作", "他在雪梨工作"),  # a place name
    ("公司只写了一份报告", "公司只寫了一份報告"),  # 只写 'write-only' is not reviewed: prose keeps its sense
    ("这是一个约数", "這是一個約數"),  # nor 约数 'divisor'
    ("他支持这个方案", "他支持這個方案"),  # OpenCC's 支援 stays out of prose
    ("演员哈里斯", "演員哈里斯"),  # 哈里 -> 哈利 (Harry) is a fragment of longer names: not adopted
    ("哈里发", "哈里發"),
])
def test_vocabulary_in_prose(text, expected):
    assert Converter("zh-Hant", load_glossary(Diagnostics(), None)).convert(text) == expected


@pytest.mark.parametrize("text, expected", [
    # OpenCC's Taiwan phrases were written for software text; in prose the word keeps its sense ...
    ("城市化进程加快", "都市化進程加快"), ("刷新纪录", "刷新紀錄"), ("注销公司", "註銷公司"),
    ("保存文物", "保存文物"), ("设置门槛", "設置門檻"), ("调度资金", "調度資金"), ("导入新机制", "導入新機制"),
    ("连接两岸", "連接兩岸"), ("溢出效应", "溢出效應"), ("函数关系", "函數關係"), ("重装上阵", "重裝上陣"),
    ("包罗万象", "包羅萬象"), ("卸载货物", "卸載貨物"),
    # ... and its software sense where the collocation makes it certain
    ("系统设置", "系統設定"), ("刷新页面", "重新整理頁面"), ("卸载软件", "解除安裝軟體"),
    ("网络连接", "網路連線"), ("激活账户", "啟用帳戶"),
    # a proper name keeps OpenCC's rendering (Vientiane)
    ("老挝首都万象", "寮國首都永珍"),
])
def test_software_senses_stay_out_of_prose(text, expected):
    assert Converter("zh-Hant", load_glossary(Diagnostics(), None)).convert(text) == expected


def test_a_sense_dependent_word_is_listed_for_review():
    conv = Converter("zh-Hant", load_glossary(Diagnostics(), None))
    kinds = {seg.source: seg.kind for seg in conv.segments("公司刷新了纪录")}
    assert kinds.get("刷新") == "ambiguous"


@pytest.mark.parametrize("text, expected", [
    ("消费者可以通过手机下单", "消費者可以透過手機下單"),  # 通过 'by means of'
    ("法案在议会通过", "法案在議會通過"),  # 通过 'passed'
    ("公司通过回购股票提振股价", "公司透過回購股票提振股價"), ("申请通过审查", "申請通過審查"),  # 'by doing' / 'passed'
    ("这是面向中小企业的软件", "這是針對中小企業的軟體"), ("房子面向大海", "房子面向大海"),
    ("半导体板块小幅回落", "半導體類股小幅回落"), ("地壳板块运动", "地殼板塊運動"),
    ("由于原材料价格上涨", "由於原物料價格上漲"), ("政府将出台新规", "政府將推出新規"),
    ("明天的会议不准迟到", "明天的會議不准遲到"), ("天气预报不太准", "天氣預報不太準"), ("数据不准确", "資料不準確"),
    ("他不准备参加", "他不準備參加"), ("联系方式", "聯絡方式"),
    ("今年一季度", "今年第一季"), ("数据来源于公开渠道", "資料來源於公開管道"), ("进入企业的渠道", "進入企業的通路"),
    ("引进激光设备", "引進雷射設備"), ("首款设备", "首款裝置"), ("高于平均水平", "高於平均水準"),
])
def test_business_usage_in_context(text, expected):
    assert Converter("zh-Hant", load_glossary(Diagnostics(), None)).convert(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("公司推出新產品", "公司推出新产品"), ("滿載而歸", "满载而归"),  # one-way entries are not read back
    ("透過手機付款", "通过手机付款"), ("科技類股上漲", "科技板块上涨"), ("第三季營收", "第三季度营收"),
])
def test_house_entries_read_from_taiwan_text(text, expected):
    assert Converter("zh-Hans", load_glossary(Diagnostics(), None), "zh-Hant").convert(text) == expected
