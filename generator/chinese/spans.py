"""Spans of a text that conversion treats apart: quotations (a speaker's
words keep their sense: no regional vocabulary is put in them) and the
names of institutions (研究院, 委员会 …: converted as names, not as words).

In: text in the script it is written in. Out: (start, end) spans, found in
one linear pass.
"""

from __future__ import annotations

import bisect
import re


SENTENCE_MARKS = "。；！？;!?\n"  # what ends a sentence for a sentence pattern's cues


_QUOTE_OPEN = {"“": "”", "「": "」"}
_QUOTE_CLOSE = {"”", "」"}


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside outermost quotation marks (“…”, 「…」),
    marks excluded. An opening mark never closed ends at the paragraph's end.
    Conversion keeps the speaker's words there; checks that leave a
    source's words alone use the same spans."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    closer = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if depth == 0 and ch in _QUOTE_OPEN:
            depth, start, closer = 1, i + 1, _QUOTE_OPEN[ch]
        elif depth and ch == closer:
            spans.append((start, i))
            depth = 0
        elif depth and ch == "\n" and text.startswith("\n\n", i):
            spans.append((start, i))
            depth = 0
        i += 1
    if depth:
        spans.append((start, n))
    return spans


# A mainland institution's name: a national or provincial head, a run of
# words, an institution's ending (中国信息通信研究院, 北京智源人工智能研究院,
# 上海人工智能实验室). Taiwan and Hong Kong write such names as the
# institution does, only in Traditional characters, so they convert like a
# quotation (names and character choices, no regional vocabulary): not 中國資訊通訊研究院.
# The run between is at most 12 characters with none of the words that make
# it a clause rather than a name (国家要加强信息安全中心建设: 要).
_INSTITUTION_HEADS = (
    "中国|中华|中央|全国|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|深圳|广州|杭州|南京|武汉|成都|西安|苏州|合肥|"
    "青岛|厦门|长沙|郑州|济南|沈阳|大连|宁波|无锡|东莞|佛山|清华|复旦|同济|南开|中山|华中|哈尔滨")
_INSTITUTION_ENDS = ("研究院|研究所|研究中心|信息中心|实验室|学会|协会|联盟|委员会|办公室|法院|检察院|管理局|总局|"
                     "数据局|信息化部|研究会|促进会|联合会|集团|有限公司|学院|研究生院|计算机系|软件系|信息系|电子系")
_NOT_IN_A_NAME = "的了在是要对把被将让向从也都就还又而但并为于以已由给每这那其之如若等着过"
INSTITUTION_RE = re.compile(
    rf"(?:(?<!国)国家|{_INSTITUTION_HEADS})"
    rf"[^\W\d_{_NOT_IN_A_NAME}A-Za-z]{{0,12}}?(?:{_INSTITUTION_ENDS})")


# Verbs that introduce someone's words (in Simplified): a quotation right
# after one is presented as speech however short it is (他说“完全可以”), where
# a short quotation elsewhere names a term (拉响“警报”). Shared with the
# provenance check, which asks the same question of a briefing's quotations.
REPORTING_VERBS = ("说", "称", "道", "表示", "回答", "答", "问", "认为", "强调", "坦言", "直言", "指出", "提到",
                   "写", "透露", "承认", "宣称", "声称", "补充", "坚称", "断言", "回应", "感叹", "形容", "解释", "表态",
                   "告诉", "总结", "警告", "预测", "原话", "回答是", "答复是", "回应是", "说法是", "的话是")
QUOTED_TERM_MAX = 8  # a quotation of at most this many characters may be a term set off rather than speech
_SENTENCE_END = "。！？…!?.，,；;"
_FIRST_AND_SECOND = "我你您咱俺"


def marked_term(text: str, start: int, end: int) -> bool:
    """Whether the quotation text[start:end] is a term set off in quotation
    marks rather than someone's words: at most QUOTED_TERM_MAX characters, no
    sentence punctuation or first or second person inside, and no reporting
    verb (or a colon) just before the opening mark (他说“好”。 and “我们的软件”
    are speech; 所谓“内卷”, “硬件”建设, 点击“文件” are not)."""
    if end - start > QUOTED_TERM_MAX or any(ch in _SENTENCE_END or ch in _FIRST_AND_SECOND for ch in text[start:end]):
        return False  # a sentence, or someone speaking (我们的软件)
    before = text[max(0, start - 6):max(0, start - 1)].rstrip()
    return not (before.endswith(("：", ":")) or before.endswith(REPORTING_VERBS))


class Sentences:
    """Where a sentence pattern's cues are looked for: the sentence around a
    word (the text between 。！？； and line breaks: 公司一季度净利润环比下降 ->
    較上季; 中介说，这一片的房租 -> 仲介). The marks are found once, on first
    use, and each sentence is searched once per word, so a pass stays linear."""

    def __init__(self, shadow: str):
        self.text = shadow
        self.marks: list[int] | None = None
        self.found: dict[tuple[int, str], str | None] = {}

    def form(self, pos: int, word: str, patterns: list[tuple[tuple[str, ...], str]]) -> str | None:
        """The form of the first of ``word``'s patterns with a cue in the sentence at ``pos``."""
        if self.marks is None:
            self.marks = [i for i, ch in enumerate(self.text) if ch in SENTENCE_MARKS]
        k = bisect.bisect_left(self.marks, pos)
        start = self.marks[k - 1] + 1 if k else 0
        key = (start, word)
        if key not in self.found:
            end = self.marks[k] if k < len(self.marks) else len(self.text)
            sentence = self.text[start:end]
            self.found[key] = next((form for cues, form in patterns if any(c in sentence for c in cues)), None)
        return self.found[key]


def institution_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each mainland institution's name in ``text`` (see
    ``INSTITUTION_RE``); one pass."""
    return [m.span() for m in INSTITUTION_RE.finditer(text)]
