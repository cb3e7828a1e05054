"""Glossary patterns: a word whose rendering depends on the word next to it,
written once with the list of its neighbours, expanded into one entry per
pair (docs/content-model.md, "Patterns").

The house glossary uses them for one-to-many characters (松 after a degree
word is 鬆), surnames before a title (范先生, not 範先生), Taiwan's metric
units after a count (每克 -> 每公克) and 通过 before a means (透過). A
briefing's own glossary may declare its own.
"""

from __future__ import annotations

import pytest

from generator.chinese.convert import Converter
from generator.load.glossary import load_glossary
from generator.diagnostics import Diagnostics


@pytest.fixture(scope="module")
def house() -> dict[str, Converter]:
    glossary = load_glossary(Diagnostics(), None)
    return {v: Converter(v, glossary) for v in ("zh-Hant", "zh-Hant-HK")}


@pytest.mark.parametrize("source, taiwan", [
    ("这条裤子有点松", "這條褲子有點鬆"),            # degree word + 松: loose
    ("鞋带越来越松", "鞋帶越來越鬆"),
    ("门前有一棵老松树", "門前有一棵老松樹"),        # the pine keeps 松
    ("午饭后总是特别困", "午飯後總是特別睏"),        # sleepy
    ("这个问题很困难", "這個問題很困難"),            # 困难 is another word
    ("爬完山我的小腿酸得走不动", "爬完山我的小腿痠得走不動"),  # sore
    ("这道汤有点酸", "這道湯有點酸"),                # sour keeps 酸
    ("范先生是第二代经营者", "范先生是第二代經營者"),  # the surname before a title
    ("于先生下午会来", "于先生下午會來"),
    ("新来的教练姓于", "新來的教練姓于"),
    ("关于先生的传闻", "關於先生的傳聞"),            # 关于 stays a word: the pattern is no substring rule
    ("其余老师明天到", "其餘老師明天到"),
    ("金饰价格突破每克1000元", "金飾價格突破每公克1000元"),  # Taiwan's metric units after a count
    ("射击队员在十米气步枪项目中夺冠", "射擊隊員在十公尺空氣步槍項目中奪冠"),
    ("登上海拔七千米的雪山", "登上海拔七千公尺的雪山"),    # 7,000 m, not seven kilometres
    ("每份含蛋白质20克", "每份含蛋白質20公克"),      # after digits: no space put between them
    ("每份含蛋白质二十克", "每份含蛋白質二十公克"),
    ("男子100米决赛", "男子100公尺決賽"),
    ("他用10克服了困难", "他用10克服了困難"),        # 克服 stays a word
    ("这颗钻石重3克拉", "這顆鑽石重3克拉"),          # after a digit the word a unit begins stays whole
    ("固件169升级后更稳定", "韌體169升級後更穩定"),
    ("现有企业20余家", "現有企業20餘家"),            # more than 20 (家 is no title: not the Yu family)
    ("一直等到十二点钟", "一直等到十二點鐘"),        # o'clock: the clock 鐘
    ("钟先生说", "鍾先生說"),                        # the surname keeps 鍾
    ("在读研究生可以申请", "在學研究生可以申請"),    # enrolled
    ("在读光盘时很吵", "在讀光碟時很吵"),            # reading a disc keeps 在讀
    ("数字借阅超过纸质借阅", "數位借閱超過紙本借閱"),  # on paper (the `briefing new` sample's own sentence)
    ("这批纸质很差", "這批紙質很差"),                # the paper's quality keeps 紙質
    ("先导入数据再分析", "先匯入資料再分析"),        # importing data
    ("运动员禁用兴奋剂", "運動員禁用興奮劑"),        # a ban keeps 禁用 ...
    ("在设备管理器里禁用设备", "在裝置管理員裡停用裝置"),  # ... disabling a device is 停用
    ("他身高一米八", "他身高一米八"),                # not after 一 (a height)
    ("几米的绘本很受欢迎", "幾米的繪本很受歡迎"),    # not after 几 (the illustrator)
    ("不少民众通过网上银行购买黄金", "不少民眾透過網路銀行購買黃金"),  # by means of; the neighbour as the glossary has it
    ("法案已经通过审议", "法案已經通過審議"),        # passing keeps 通過
])
def test_house_patterns(house, source, taiwan):
    assert house["zh-Hant"].convert(source) == taiwan


@pytest.mark.parametrize("source, taiwan", [
    # the pair (支烟) lost the segmentation to the quantity (一支): the word beside it still decides
    ("他抽了一支烟", "他抽了一支菸"),
    ("买了两包烟", "買了兩包菸"),
    ("他戒了烟", "他戒了菸"),
    ("冒出一股烟", "冒出一股煙"),                    # smoke: 股 decides nothing
    ("低于标准杆两杆", "低於標準桿兩桿"),            # golf strokes
    # the deciding word must be a word of the first segmentation, not the head of a longer one
    ("通过网络安全审查", "通過網路安全審查"),        # 网络安全 was cut again round 网络: still no means
    ("通过网络购买", "透過網路購買"),
    ("盒子外面包着一层纸", "盒子外面包著一層紙"),    # the outside, not bread (麵包)
    ("面包着火了", "麵包著火了"),
    ("中国代表团获得四十枚金牌", "中國代表團獲得四十面金牌"),  # medals are counted with 面
    ("这款应用会在后台自动更新", "這款應用會在背景自動更新"),  # an app in the background
    ("他在后台等候上场", "他在後台等候上場"),                    # backstage keeps 後台
    ("这款软件可在后台自动保存", "這款軟體可在背景自動儲存"),    # two pairs overlap: 后台自动 | 保存
    ("每天应适量摄入优质蛋白质", "每天應適量攝取優質蛋白質"),    # food intake
    ("摄入镜头宛如一幅画", "攝入鏡頭宛如一幅畫"),                # a camera shot keeps 攝入
    ("训练大模型需要强大的算力支持", "訓練大模型需要強大的算力支援"),
    ("政府支持企业发展", "政府支持企業發展"),                    # backing keeps 支持
])
def test_a_pattern_applies_beside_its_deciding_word(house, source, taiwan):
    assert house["zh-Hant"].convert(source) == taiwan


@pytest.mark.parametrize("source, taiwan", [
    ("受汇兑损失影响，公司一季度净利润环比下降7.3%。", "受匯兌損失影響，公司第一季淨利較上季下降7.3%。"),
    ("8月社零总额环比上升", "8月社零總額較上月上升"),
    ("该运营商拟让光纤宽带覆盖全部农村地区", "該電信業者擬讓光纖寬頻覆蓋全部農村地區"),
    ("平台运营商表示将加强管理", "平台營運商表示將加強管理"),          # no telecom cue: the term's form
    ("楼下的中介说，这一片的房租涨了一成", "樓下的仲介說，這一片的房租漲了一成"),  # the cue in another clause of the sentence
    ("推理需求的增长速度已明显快于训练需求", "推論需求的成長速度已明顯快於訓練需求"),  # AI inference
    ("这本推理小说很好看", "這本推理小說很好看"),
    ("研究人员开发出一款新程序", "研究人員開發出一款新程式"),
    ("法院依法启动破产程序", "法院依法啟動破產程序"),
    # software and devices, each word's other sense first
    ("这款智能手表续航长达14天，还支持血氧监测", "這款智慧手錶續航長達14天，還支援血氧監測"),
    ("多数选民支持这项提案", "多數選民支持這項提案"),
    ("新版本界面改动很大，很多老用户找不到设置入口", "新版本介面改動很大，很多老用戶找不到設定入口"),
    ("学校将设置人工智能专业", "學校將設置人工智慧科系"),
    ("游戏存档保存在云端", "遊戲存檔儲存在雲端"),
    ("这批文物保存完好", "這批文物保存完好"),
    ("把U盘里的文件复制到电脑上", "把隨身碟裡的檔案複製到電腦上"),
    ("国务院印发文件要求各地落实", "國務院印發文件要求各地落實"),
    ("码头工人正在卸载货物", "碼頭工人正在卸載貨物"),
    ("App卸载后重新安装", "App解除安裝後重新安裝"),
    ("安装驱动程序后需要重启电脑", "安裝驅動程式後需要重新啟動電腦"),
    ("双方同意重启谈判", "雙方同意重啟談判"),
    ("副总统哈里斯宣布参加竞选", "副總統賀錦麗宣布參加競選"),    # Kamala Harris in an election
    ("演员哈里斯出演新片", "演員哈里斯出演新片"),
    ("学生可以通过学校官网下载课程表", "學生可以透過學校官網下載課程表"),  # by means of
    ("法案通过后，企业可以申请补贴", "法案通過後，企業可以申請補貼"),      # a bill passes
    ("这支球队本赛季引进了两名外援", "這支球隊本賽季引進了兩名洋將"),
    ("驾驶员在高速公路上行驶时不得使用手机", "駕駛人在高速公路上行駛時不得使用手機"),
    ("敲三下钟表示开始", "敲三下鐘表示開始"),                              # a bell; the lone 钟 is the surname
    ("她卷着头发看试卷", "她捲著頭髮看試卷"),                    # to roll; the exam paper keeps 卷
    ("这个函数返回一个数组", "這個函數回傳一個陣列"),            # a function returns a value
    ("点击返回首页", "點選返回首頁"),
    ("托盘标准化有助于降低物流成本", "棧板標準化有助於降低物流成本"),
    ("服务员端来一个托盘", "服務生端來一個托盤"),                      # a tray
    ("医疗器械板块今日走强，多只个股涨幅超过10%。", "醫療器材類股今日走強，多檔個股漲幅超過10%。"),
    ("这件外套质量很好", "這件外套品質很好"),
    ("物体的质量越大，惯性越大", "物體的質量越大，慣性越大"),        # mass
    ("中国人民银行宣布下调存款准备金率0.5个百分点", "中國人民銀行宣布下調存款準備金率0.5個百分點"),
    ("存款准备金率维持不变", "存款準備率維持不變"),                    # Taiwan's own term
    ("他说“公司一季度净利润环比下降”", "他說「公司一季度淨利潤環比下降」"),  # a quotation keeps the speaker's words
])
def test_a_sentence_pattern_is_decided_by_a_cue_in_the_sentence(house, source, taiwan):
    assert house["zh-Hant"].convert(source) == taiwan


def test_a_sentence_pattern_looks_only_inside_its_sentence_and_stays_linear(house):
    hant = house["zh-Hant"]
    assert hant.convert("三季度营收下滑，环比也下降") == "第三季營收下滑，較上季也下降"  # the cue is in the sentence
    assert hant.convert("三季度营收下滑。环比也下降") == "第三季營收下滑。較上期也下降"  # ... not in another
    text = "今年环比上升" * 20_000  # one huge sentence: searched once, not once per occurrence
    assert hant.convert(text) == "今年較上期上升" * 20_000


def test_a_briefings_own_sentence_pattern(tmp_path):
    glossary, diag = _glossary(tmp_path, """patterns:
  - {zh-Hans: 质量, zh-Hant: 品質, sentence: [产品, 服务]}
""")
    assert not diag.problems
    hant = Converter("zh-Hant", glossary)
    assert hant.convert("这批产品的质量很好") == "這批產品的品質很好"
    assert hant.convert("物体的质量很大") == "物體的質量很大"


def test_a_pattern_without_a_variant_form_leaves_that_variant_plain(house):
    assert house["zh-Hant-HK"].convert("每克") == "每克"        # Hong Kong writes 克
    assert house["zh-Hant-HK"].convert("有点松") == "有點鬆"


def _glossary(tmp_path, text: str):
    path = tmp_path / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    diag = Diagnostics()
    return load_glossary(diag, path, house=False), diag


def test_a_briefings_own_patterns_expand_and_an_own_entry_wins(tmp_path):
    glossary, diag = _glossary(tmp_path, """\
terms:
  - {zh-Hans: 张总, zh-Hant: 張總經理}
contexts:
  people: [张, 王]
patterns:
  - {zh-Hans: 总, zh-Hant: 董事長, after: people}
  - {zh-Hans: 松, zh-Hant: 鬆, after: [有点]}
""")
    assert not diag.problems
    forms = {t.forms["zh-Hans"]: t for t in glossary.terms}
    assert forms["张总"].forms["zh-Hant"] == "張總經理"     # the entry of its own, not the pattern's
    assert forms["王总"].forms["zh-Hant"] == "王董事長"
    assert forms["有点松"].forms["zh-Hant"] == "有點鬆"     # the context word in its plain conversion
    assert forms["有点松"].category == "guard"             # a character choice: it holds in quotations too
    assert forms["王总"].category == "term" and forms["王总"].only_from == ("zh-Hans",)
    hant = Converter("zh-Hant", glossary)
    assert hant.convert("王总说“裤子有点松”") == "王董事長說「褲子有點鬆」"
    assert hant.convert("他说“王总来了”") == "他說「王總來了」"  # a vocabulary pattern stays out of a quotation


@pytest.mark.parametrize("text, line, message", [
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆, after: degre}\ncontexts:\n  degree: [很]\n", 2,
     "unknown context list 'degre'"),
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆}\n", 2, "needs 'after' or 'before'"),
    ("patterns:\n  - {zh-Hans: 松, after: [很]}\n", 2, "at least one variant's form"),
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆, after: []}\n", 2, "non-empty list of words"),
    ("contexts:\n  degree: 很\n", 2, "context list 'degree' must be a non-empty list"),
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆, after: [很], sense: x}\n", 2, "unknown key 'sense'"),
    ("patterns: 松\n", 1, "'patterns' must be a list"),
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆, after: [很], sentence: [裤子]}\n", 2, "'sentence' or 'after'/'before'"),
    ("patterns:\n  - {zh-Hans: 松, zh-Hant: 鬆, sentence: []}\n", 2, "non-empty list of words"),
])
def test_a_broken_pattern_is_a_located_error(tmp_path, text, line, message):
    _, diag = _glossary(tmp_path, text)
    found = [p for p in diag.problems if message in str(p)]
    assert found and found[0].location.line == line, [str(p) for p in diag.problems]


def test_an_entry_written_out_in_any_layer_wins_over_a_pattern(tmp_path):
    """A pattern is broad: its pair never replaces an entry someone wrote out,
    in its own glossary or a lower layer (the vocabulary's 千克 -> 公斤 beat
    a house pattern's 千 + 克 -> 千公克). Between patterns, the briefing's wins."""
    path = tmp_path / "glossary.yaml"
    path.write_text("""\
patterns:
  - {zh-Hans: 官, zh-Hant: 官員, after: [首席执行]}
  - {zh-Hans: 松, zh-Hant: 松, after: [有点]}
""", encoding="utf-8")
    diag = Diagnostics()
    hant = Converter("zh-Hant", load_glossary(diag, path))
    assert not diag.problems
    assert hant.convert("首席执行官") == "執行長"     # the house entry written out
    assert hant.convert("有点松") == "有點松"         # the briefing's pattern over the house pattern
    house = Converter("zh-Hant", load_glossary(Diagnostics(), None))
    assert house.convert("五千克") == "五公斤" and house.convert("每克") == "每公克"


def test_the_house_glossary_cache_holds_exactly_the_parsed_file(tmp_path, monkeypatch):
    """The house layer is parsed once per version of its file and kept under
    the cache directory; what comes back is what parsing gives, and a cache
    file that is damaged is parsed again, not trusted."""
    from generator.load.glossary import _read_glossary, house_glossary
    from generator.shipped import HOUSE_GLOSSARY

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = _read_glossary(Diagnostics(), HOUSE_GLOSSARY)
    first = house_glossary(Diagnostics())                  # parses and writes the cache
    [cached] = (tmp_path / "briefing").glob("house-glossary-*.marshal")
    assert house_glossary(Diagnostics()) == first == parsed  # read back from the cache
    cached.write_bytes(b"\x00damaged")
    assert house_glossary(Diagnostics()) == parsed


def test_the_glossary_tables_forms_come_from_the_cache_exactly(tmp_path, monkeypatch):
    """The Simplified edition's Traditional glossary column (converted_terms)
    is what a converter gives; the next time it comes from the cache without
    building one; a damaged cache file, another briefing entry or an
    unwritable cache directory give the converter's result again."""
    from generator.chinese import convert
    from generator.model import Glossary, Term

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    house = load_glossary(Diagnostics(), None)
    words = ["软件", "首席执行官", "数据库", "公斤"]
    expected = [Converter("zh-Hant", house).convert(w) for w in words]
    assert convert.converted_terms(house, "zh-Hant", words) == expected
    [cached] = (tmp_path / "briefing").glob("glossary-terms-*.marshal")
    built: list = []

    def counted(*args, **kwargs):
        built.append(args)
        return Converter(*args, **kwargs)

    monkeypatch.setattr(convert, "Converter", counted)
    assert convert.converted_terms(house, "zh-Hant", words) == expected and not built  # from the cache
    cached.write_bytes(b"\x00damaged")
    assert convert.converted_terms(house, "zh-Hant", words) == expected and len(built) == 1
    own = Glossary(terms=house.terms + (Term(forms={"zh-Hans": "数据库", "zh-Hant": "資料庫系統"}),))
    assert convert.converted_terms(own, "zh-Hant", words)[2] == "資料庫系統" and len(built) == 2
    assert len(list((tmp_path / "briefing").glob("glossary-terms-*.marshal"))) == 2
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert convert.converted_terms(house, "zh-Hant", words) == expected and len(built) == 3


CACHE_TEXTS = ["通过网上银行转账", "他一支烟接一支烟地抽", "这条裤子有点松", "范先生把文件保存到桌面",
               "后台自动保存的数据库软件", "金饰价格突破每克1000元", "“我们的网络很快”，他说"]


@pytest.mark.parametrize("source, variant", [("zh-Hans", "zh-Hant"), ("zh-Hans", "zh-Hant-HK"), ("zh-Hant", "zh-Hans")])
def test_a_converter_made_from_the_cache_converts_alike(tmp_path, monkeypatch, source, variant):
    """The segmentation's weights and the patterns' neighbours are computed
    once and kept in the user's cache (Converter._prepare): a converter made
    from it, without computing them, converts every text as one made
    without a cache; a damaged file is computed again; another briefing
    entry keeps a file of its own; an unwritable cache changes nothing."""
    from generator.chinese import convert, segment
    from generator.model import Glossary, Term

    texts = CACHE_TEXTS if source == "zh-Hans" else [convert.Converter(source, None).convert(t) for t in CACHE_TEXTS]
    house = load_glossary(Diagnostics(), None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a directory")
    expected = [Converter(variant, house, source).convert(t) for t in texts]  # no cache at all
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    computed: list = []
    add_words = segment.add_words

    def counted(*args, **kwargs):
        computed.append(args)
        return add_words(*args, **kwargs)

    monkeypatch.setattr(convert, "add_words", counted)
    assert [Converter(variant, house, source).convert(t) for t in texts] == expected and len(computed) == 1
    [cached] = (tmp_path / "briefing").glob("converter-*.marshal")
    assert [Converter(variant, house, source).convert(t) for t in texts] == expected and len(computed) == 1
    cached.write_bytes(b"\x00damaged")
    assert [Converter(variant, house, source).convert(t) for t in texts] == expected and len(computed) == 2
    own = Glossary(terms=house.terms + (Term(forms={"zh-Hans": "转账", "zh-Hant": "匯款", "zh-Hant-HK": "過數"}),))
    Converter(variant, own, source)
    assert len(computed) == 3 and len(list((tmp_path / "briefing").glob("converter-*.marshal"))) == 2


def test_two_glossaries_never_share_a_cached_converter(tmp_path, monkeypatch):
    """The cache is keyed by every entry, house or not: two glossaries of
    house entries alone (as a caller may put together) convert each its own way."""
    from generator.model import Glossary, Term

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for form in ("軟體", "軟件", "軟體"):
        glossary = Glossary(terms=(Term(forms={"zh-Hans": "软件", "zh-Hant": form}, house=True),))
        assert Converter("zh-Hant", glossary).convert("这个软件") == f"這個{form}"
    assert len(list((tmp_path / "briefing").glob("converter-*.marshal"))) == 2  # one per glossary


def test_the_cache_keeps_the_newest_files_of_each_kind(tmp_path, monkeypatch):
    import os

    from generator.chinese import segment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for i in range(segment.KEPT_PER_STEM + 3):
        segment.write_cache("converter", b"%d" % i, {"n": i}, versions="v")
        path = segment._cache_path("converter", b"%d" % i, "v")
        os.utime(path, ns=(i * 10**9, i * 10**9))  # (the clock's order, whatever the file system's resolution)
    segment.write_cache("glossary-terms", b"x", ["a"], versions="v")
    kept = sorted(p.name for p in (tmp_path / "briefing").glob("converter-*"))
    assert len(kept) == segment.KEPT_PER_STEM
    assert segment.read_cache("converter", b"0", versions="v") is None  # the oldest went
    newest = segment.KEPT_PER_STEM + 2
    assert segment.read_cache("converter", b"%d" % newest, versions="v") == {"n": newest}
    assert segment.read_cache("glossary-terms", b"x", versions="v") == ["a"]  # another kind is counted apart


# -- patterns written from Traditional (from: zh-Hant) ----------------------------


@pytest.fixture(scope="module")
def mainland() -> Converter:
    """The house glossary read from Taiwan text (briefing convert --from zh-Hant --to zh-Hans)."""
    return Converter("zh-Hans", load_glossary(Diagnostics(), None), "zh-Hant")


@pytest.mark.parametrize("taiwan, mainland_text", [
    ("這部影片獲得金馬獎最佳劇情片", "这部影片获得金马奖最佳剧情片"),  # a film: the sentence's cue keeps 影片
    ("她上傳了一支教學影片", "她上传了一个视频教程"),                  # an online video (and its measure word)
    ("這個App的介面很直覺", "这个App的界面很直观"),                  # after a degree word: the named list in Traditional
    ("他的直覺很準", "他的直觉很准"),                                # the noun keeps its word
    ("機房的伺服器當機了", "机房的服务器宕机了"),                    # a server goes down ...
    ("我的筆電突然當機", "我的笔记本电脑突然死机"),                  # ... a laptop freezes
    ("消防隊請求鄰近分隊支援", "消防队请求邻近分队支援"),            # sending help stays 支援
    ("這套軟體支援多種格式", "这套软件支持多种格式"),                # software support is 支持
    ("國家檔案館的人事檔案", "国家档案馆的人事档案"),                # archives and dossiers: 档案
    ("把檔案存到桌面", "把文件存到桌面"),                            # a computer file: 文件
    ("機組容量50萬瓩", "机组容量50万千瓦"),                          # 瓩 after a number is 千瓦
    ("遠傳推出5G吃到飽資費", "远传推出5G不限量资费"),                # a word jieba lacks is still the pattern's word
    ("這家餐廳是燒肉吃到飽", "这家餐厅是烧肉吃到饱"),                # a buffet: no cue, the word stays
    ("路徑仍有變數", "路径仍有变数"),                                # an uncertainty ...
    ("在程式裡宣告一個變數", "在程序里声明一个变量"),                # ... a program's variable
    ("台積電第3季營收創新高", "台积电第3季度营收创新高"),            # a business quarter
    ("這部影集第3季明年上映", "这部剧集第3季明年上映"),              # a series' season stays 季
    ("總額約一兆兩千億元，逾兆元", "总额约一万两千亿元，逾万亿元"),   # 兆 after a Chinese numeral
    ("兆豐銀行的6.7吋螢幕", "兆丰银行的6.7英寸屏幕"),                # a name keeps 兆; 吋 after a figure
    ("搭帳蓬，存5兆位元組", "搭帐篷，存5兆字节"),                    # guards written for this direction hold
])
def test_a_pattern_from_traditional(mainland, taiwan, mainland_text):
    assert mainland.convert(taiwan) == mainland_text


def test_a_quotation_from_traditional_takes_the_mainlands_words(mainland):
    """A Taiwan speaker's words in the mainland edition: inside quotation marks
    as outside, the glossary's entries and patterns apply (docs/chinese.md)."""
    assert mainland.convert("按下「儲存」鍵") == "按下“保存”键"              # a label
    assert mainland.convert("他說「我的筆電又當機了」") == "他说“我的笔记本电脑又死机了”"
    assert mainland.convert("他說「能源儲存很重要」") == "他说“能源储存很重要”"  # storing energy: no cue


def test_a_briefings_own_pattern_from_traditional(tmp_path):
    glossary, diag = _glossary(tmp_path, """\
contexts:
  degree: [很, 太]
patterns:
  - {from: zh-Hant, zh-Hant: 品質, zh-Hans: 质量, sentence: [產品, 工程, 服務]}
  - {from: zh-Hant, zh-Hant: 鬆, zh-Hans: 松, after: degree}
""")
    assert not diag.problems
    terms = {t.forms.get("zh-Hant"): t for t in glossary.terms}
    assert terms["很鬆"].forms["zh-Hans"] == "很松"          # the named list in the written script
    assert terms["很鬆"].only_from == ("zh-Hant",)           # one way: Simplified text is untouched
    cn = Converter("zh-Hans", glossary, "zh-Hant")
    assert cn.convert("這項工程的品質很好") == "这项工程的质量很好"
    assert cn.convert("這批咖啡豆的品質很好") == "这批咖啡豆的品质很好"  # no cue: OpenCC's reading
    assert Converter("zh-Hant", glossary).convert("工程的质量") == "工程的質量"  # never applied from Simplified


@pytest.mark.parametrize("text, message", [
    ("patterns:\n  - {from: zh-Hant, zh-Hant: 品質, zh-Hant-HK: 品質, zh-Hans: 品质, sentence: [咖啡]}\n",
     "gives the zh-Hans form only"),
    ("patterns:\n  - {from: zh-Hant, zh-Hans: 品质, sentence: [咖啡]}\n", "needs its word (zh-Hant)"),
    ("patterns:\n  - {from: zh-TW, zh-Hant: 品質, zh-Hans: 品质, sentence: [咖啡]}\n", "'from' must be a variant"),
])
def test_a_broken_pattern_from_traditional_is_a_located_error(tmp_path, text, message):
    _, diag = _glossary(tmp_path, text)
    found = [p for p in diag.problems if message in str(p)]
    assert found and found[0].location.line == 2, [str(p) for p in diag.problems]
