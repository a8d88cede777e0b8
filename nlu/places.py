"""Find explicitly named places (白岩村, 阳光社区, 青山镇, 白岩村三组) in chat text.

Chinese has no spaces, so a name's left edge is guessed: take the Han characters before the
suffix, then cut after the last locator/verb word (在/到/深入/组织…) as long as at least two
characters remain. Generic words (村里, 各村, 全村, 村民, 乡镇, 进村, 示范村) are never places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.numbers import normalize_width


@dataclass(frozen=True)
class PlaceMention:
    """A named place. `level`: 2 = village/community (most specific), 1 = township/street."""

    start: int
    end: int
    name: str
    level: int = 2


_SUFFIX = re.compile(r"居委会|社区|街道|村|镇|乡")
_MAX_NAME = {"村": 5, "社区": 5, "居委会": 5, "街道": 4, "镇": 3, "乡": 3}
_LEVEL = {"村": 2, "社区": 2, "居委会": 2, "街道": 1, "镇": 1, "乡": 1}
# What follows a suffix that turns it into a common noun: 村民, 村干部, 镇长, 乡村, 社区矫正 …
_GUARD_AFTER = {
    "村": re.compile(
        r"民|干|里|级|务|庄|落|规|容|集|两委|镇|组(?![一二三四五六七八九十\d织])|头|口|貌|医|小组"
    ),
    "镇": re.compile(r"长|里|级|村|上|干部|区域"),
    "乡": re.compile(r"镇|村|贤|亲|土|里|下|间|音|愁|情|民|邻|长|级|干部"),
    "社区": re.compile(r"矫正|戒毒|康复|服刑|民警|工作者|网格员|干部"),
    "街道": re.compile(r"干部"),
    "居委会": re.compile(r"(?!)"),
}
# Words before a name: a place name starts after the last of these.
_BOUNDARY_WORDS = (
    "开展",
    "帮扶",
    "结对",
    "挂钩",
    "联系",
    "包保",
    "对接",
    "支援",
    "共建",
    "组织",
    "前往",
    "地点",
    "讨论",
    "研究",
    "位于",
    "深入",
    "走进",
    "来到",
    "到达",
    "帮助",
    "协助",
    "指导",
    "督促",
    "召集",
    "联合",
    "会同",
    "陪同",
    "针对",
    "围绕",
    "全体",
    "走访",
    "调解",
    "化解",
    "宣传",
    "检查",
    "巡查",
    "排查",
    "普法",
    "送法",
    "服务",
    "按照",
    "根据",
    "依据",
    "审查",
    "审核",
    "帮",
    "慰问",
    "入户",
    "召开",
    "举行",
    "参加",
    "举办",
    "各个",
    "所有",
    "相关",
    "有关",
    "周边",
    "附近",
    "辖区",
    "其他",
    "部分",
    "多个",
    "这个",
    "那个",
    "我们",
    "他们",
    "全乡",
    "全镇",
    "全村",
    "今天",
    "昨天",
    "前天",
    "上午",
    "下午",
    "晚上",
    "刚才",
    "回到",
    "来",  # 县人大来镇视察: "came to the town", not a town named 人大来
    "赶到",
    "在",
    "到",
    "赴",
    "去",
    "于",
    "往",
    "进",
    "入",
    "和",
    "与",
    "及",
    "同",
    "对",
    "给",
    "为",
    "向",
    "了",
    "的",
    "是",
    "从",
    "天",
    "日",
    "号",
    "午",
    "晚",
    "早",
    "下",
    "各",
    "全",
    "本",
    "该",
    "每",
    "邻",
    "我",
    "这",
    "那",
    "此",
    "包",
    "驻",
    "联",
    "蹲",
    "个",
    "几",
    "两",
    "一",
    "把",
    "由",
    "村",
    "镇",
    "乡",
    "区",
    "道",
)
_CONJUNCTIONS = frozenset({"和", "与", "及", "同"})
_BOUNDARY = re.compile("|".join(sorted(_BOUNDARY_WORDS, key=len, reverse=True)))
_GENERIC_NAME = re.compile(
    r"^(?:示范|重点|贫困|行政|自然|试点|文明|法治|先进|美丽|和美|省级|市级|县级|全国|新农|城中|城郊|"
    r"边远|偏远|山区|移民|特色|中心|集镇|软弱涣散|涣散|民主法治|民主法治示范|相邻|周围|乡镇|城乡)$"
    r"|(?:示范|重点|试点|贫困|先进|文明|后进|涣散|依法治)$"
    # 共考核村（社区）14个, 督查村: a verb before 村 makes it "villages", not a named one
    r"|(?:考核|考评|督查|检查|调研|评选|评定|验收)$"
    r"|^[\d一二三四五六七八九十两几多]+[个所]?$"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GROUP_AFTER_VILLAGE = re.compile(
    r"第?(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:村民)?(?:小)?组(?![织长建成员合团])"
)
_STANDALONE_GROUP = re.compile(
    r"(?<=[在到赴去])第?(?:\d{1,2}|[一二三四五六七八九十]{1,3})组(?![织长建成员合团])"
)
# A named 村民小组 after a locator verb: 在李家组调解, 又去了坪上组 (not 在工作组, 到调解组)
_NAMED_GROUP = re.compile(
    r"(?:去了|到了|来到|前往|在|到|赴|去)(?P<name>[\u4e00-\u9fff]{2,3}组)(?![织长建成员合团])"
)
_GENERIC_GROUP = re.compile(
    r"工作|调解|专班|领导|小组?|项目|督导|专案|巡查|执法|宣传|网格|党|学习|检查|应急|村民|考核|联络|"
    r"志愿|服务|评审|专家|课题|[各每本该这那全我他她的了]"
)
# 《桃源镇农村人居环境整治奖惩办法》: a name inside a document title is not where work happened
_TITLE = re.compile(r"《[^《》]*》")


def find_places(text: str) -> list[PlaceMention]:
    """Every named place in `text`, left to right (nlu.facts.extract reports a failure here:
    the message then goes to review)."""
    return _find_places(text)


def _name_start(norm: str, suffix_start: int, max_len: int) -> int | None:
    """Where the place name before `suffix_start` begins, or None when there is no name."""
    begin = suffix_start
    # Look two characters further than a name can be, so a verb just before it (讨论王家坝子村)
    # falls inside the window and marks the name's left edge.
    while begin > 0 and suffix_start - begin < max_len + 2 and _HAN.match(norm[begin - 1]):
        begin -= 1
    run = norm[begin:suffix_start]
    if len(run) < 2:
        return None
    cut = 0
    for i in range(len(run)):
        boundary = _BOUNDARY.match(run, i)
        if boundary is None:
            continue
        if boundary.end() == len(run):
            if boundary.group() in _CONJUNCTIONS:
                continue  # 中和社区, 永和村: a conjunction character inside a name
            return None  # 进村, 下乡, 各村, 组织镇…: the suffix is a common noun here
        if len(run) - boundary.end() >= 2:
            cut = max(cut, boundary.end())
    cut = max(cut, len(run) - max_len)
    name = run[cut:]
    if len(name) < 2 or _GENERIC_NAME.search(name):
        return None
    return begin + cut


def _find_places(text: str) -> list[PlaceMention]:
    if not text or not isinstance(text, str):
        return []
    norm = normalize_width(text)
    found: list[PlaceMention] = []
    for match in _SUFFIX.finditer(norm):
        suffix = match.group()
        if _GUARD_AFTER[suffix].match(norm, match.end()):
            continue
        start = _name_start(norm, match.start(), _MAX_NAME[suffix])
        if start is None:
            continue
        end = match.end()
        if suffix in ("村", "社区", "居委会"):
            group = _GROUP_AFTER_VILLAGE.match(norm, end)
            if group:
                end = group.end()
        if found and start < found[-1].end:
            continue
        found.append(PlaceMention(start, end, text[start:end], _LEVEL[suffix]))
    for group in _STANDALONE_GROUP.finditer(norm):
        if not any(p.start <= group.start() < p.end for p in found):
            found.append(
                PlaceMention(group.start(), group.end(), text[group.start() : group.end()])
            )
    for named in _NAMED_GROUP.finditer(norm):
        start, end = named.span("name")
        if _GENERIC_GROUP.search(named.group("name")[:-1]):
            continue
        if not any(p.start < end and start < p.end for p in found):
            found.append(PlaceMention(start, end, text[start:end]))
    titles = [m.span() for m in _TITLE.finditer(norm)]
    if titles:
        found = [p for p in found if not any(a < p.start < b for a, b in titles)]
    found.sort(key=lambda p: p.start)
    return found
