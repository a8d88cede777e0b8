"""Find quantities of work ("3件", "两场", "1.2万份", "6.177万元", "98%") in chat text.

Works on characters, not jieba tokens: jieba glues numerals to measure words ("两件"), so token
boundaries cannot be trusted. Numbers that are not amounts of work (phone numbers, times, dates,
ordinals, house numbers, ids) are skipped here so no later stage can mistake them for facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml

from nlu.cues import cue_source
from taizhang.resources import data_file

UNITS_FILE = data_file("units.yml")

# Full-width and look-alike characters mapped one-to-one, so offsets stay valid on the original.
_WIDTH_TABLE = {ord("０") + i: ord("0") + i for i in range(10)}
_WIDTH_TABLE.update(
    {
        ord("．"): ord("."),
        ord("％"): ord("%"),
        ord("："): ord(":"),
        ord("－"): ord("-"),
        ord("／"): ord("/"),
        ord("　"): ord(" "),
        ord("\u2005"): ord(" "),
        ord("～"): ord("~"),
    }
)


def normalize_width(text: str) -> str:
    """Full-width digits/punctuation to ASCII, keeping the length (spans map back 1:1)."""
    return text.translate(_WIDTH_TABLE)


@dataclass(frozen=True)
class Quantity:
    """A number of something: `value` in the written `unit` (None when no unit was written)."""

    start: int
    end: int
    value: float
    unit: str | None
    raw: str
    number_end: int = -1  # where the digits end and the unit/approx marker begins
    approx: bool = False  # 300余份 / 300多份
    unit_start: int = -1  # where the written unit begins (== end when none was written)


@dataclass(frozen=True)
class Ordinal:
    """第3次 / 第二期: names one occurrence, never an amount."""

    start: int
    end: int
    unit: str


@dataclass(frozen=True)
class UnitInfo:
    kind: str
    base: str
    factor: float


@lru_cache(maxsize=1)
def _unit_config() -> dict[str, Any]:
    with UNITS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def _written_as() -> dict[str, str]:
    """Measure words read as another (units.yml `written_as`): 个人 is a count of 人."""
    return {
        str(name): str(spec["written_as"])
        for name, spec in _unit_config()["units"].items()
        if spec and spec.get("written_as")
    }


@lru_cache(maxsize=1)
def _people_before() -> dict[str, tuple[str, ...]]:
    """Words for people that, right after a measure word, make its number a head count
    (units.yml `people_before`): 40个学生 is 40 人."""
    return {
        str(name): tuple(str(word) for word in spec["people_before"])
        for name, spec in _unit_config()["units"].items()
        if spec and spec.get("people_before")
    }


@lru_cache(maxsize=1)
def units() -> dict[str, UnitInfo]:
    """Every known unit with its kind and how it converts for summing."""
    result: dict[str, UnitInfo] = {}
    for name, spec in _unit_config()["units"].items():
        spec = spec or {}
        result[str(name)] = UnitInfo(
            kind=spec.get("kind", "count"),
            base=str(spec.get("base", name)),
            factor=float(spec.get("factor", 1)),
        )
    return result


def unit_kind(unit: str | None) -> str | None:
    """count / money / percent / people / time / area / length, or None for unknown."""
    if unit is None:
        return None
    info = units().get(unit)
    return info.kind if info else None


def same_measure(first: str, second: str) -> bool:
    """Two measure words the ledger sums as one (件 and 起, 人 and 名, 场 and 场次)."""
    if first == second:
        return True
    known = units()
    a, b = known.get(first), known.get(second)
    return bool(a and b and a.factor == 1 and b.factor == 1 and a.base and a.base == b.base)


def to_base(value: float, unit: str) -> tuple[float, str]:
    """6.177 万元 -> (61770.0, 元): for adding amounts written in different units."""
    info = units().get(unit)
    if info is None:
        return value, unit
    return value * info.factor, info.base


# --- Chinese numerals -------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)


def parse_chinese_numeral(text: str) -> float | None:
    """一百零五 -> 105, 两 -> 2, 二〇二四 -> 2024; None when it is not a well-formed numeral."""
    if not text or len(text) > 16 or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text):
        if "两" in text or (len(text) < 3 and not set(text) & {"〇", "零"}):
            return None  # 两三件 / 三五个 are vague ranges, not digit strings
        return float("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = 0
    section = 0
    number: int | None = None
    last_small = 0
    previous_was_digit = False
    for ch in text:
        if ch in _CN_DIGITS:
            if previous_was_digit and number != 0:
                return None  # 三五: a range, not one number
            number = _CN_DIGITS[ch]
            previous_was_digit = True
            continue
        previous_was_digit = False
        if ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            section += (1 if number is None else number) * unit
            last_small = unit
            number = None
        else:
            unit = _CN_BIG[ch]
            section += number or 0
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
            last_small = 0
            number = None
    if number:
        # 一百五 (colloquial 150): a bare trailing digit scales to the next unit down
        if last_small >= 100 and text[-2] in _CN_SMALL:
            number *= last_small // 10
        elif len(text) > 1 and text[-2] in _CN_BIG:  # 两万五 25000, 一万二 12000
            number *= _CN_BIG[text[-2]] // 10
        section += number
    return float(total + section)


# 一百五六十 / 两三 / 一两 / 十几: a spoken range; a clerk records its lower bound (150, 2, 1, 10)
_SPOKEN_RANGE = re.compile(
    r"^(?P<head>.*?)(?P<low>[一二两三四五六七八九])(?:[二三四五六七八九]|(?<=一)两)(?P<tail>[十百千万]?)$"
)


def spoken_range(text: str) -> float | None:
    """The lower bound of a spoken range (一百五六十 -> 150, 十几 -> 10), else None."""
    if text.endswith("几") and len(text) > 1:
        return parse_chinese_numeral(text[:-1])
    match = _SPOKEN_RANGE.match(text)
    if match is None:
        return None
    return parse_chinese_numeral(match["head"] + match["low"] + match["tail"])


def _chinese_to_float(text: str) -> float | None:
    value = parse_chinese_numeral(text) if not text.endswith("几") else None
    if value is None:
        value = spoken_range(text)
    if value is not None:
        return value
    try:  # cn2an copes with a few forms the small parser rejects
        import cn2an

        converted = cn2an.cn2an(text, "strict")
        return float(converted)
    except ValueError:  # cn2an's answer for "not a numeral it knows"
        return None


# --- the quantity pattern ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _unit_guards() -> dict[str, str]:
    """Characters that, right after a unit, make it part of another word (units.yml
    `not_before`): 期间 is not 期, 台账 is not 台, 部门 is not 部."""
    return {
        str(name): str(spec["not_before"])
        for name, spec in _unit_config()["units"].items()
        if spec and spec.get("not_before")
    }


def _unit_alternation() -> str:
    names = sorted(units(), key=len, reverse=True)
    guards = _unit_guards()
    parts = []
    for name in names:
        guard = guards.get(name)
        escaped = re.escape(name)
        parts.append(f"{escaped}(?![{re.escape(guard)}])" if guard else escaped)
    return "|".join(parts)


_CN_CLASS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"


@lru_cache(maxsize=1)
def _quantity_regex() -> re.Pattern[str]:
    unit = _unit_alternation()
    return re.compile(
        rf"(?P<pct>百分之(?P<pct_num>\d+(?:\.\d+)?|[{_CN_CLASS}]+))"
        rf"|(?:(?P<ar>\d{{1,3}}(?:,\d{{3}})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>[千百]|[万亿](?!元))?|(?P<cn>[{_CN_CLASS}]+几?)|(?P<sa>[仨俩]))"
        # 300余份, 十来个, and 180+人 (a plus written before the measure word: at least 180)
        rf"(?P<approx>[余多]|来号?(?=(?:{unit}))|\+(?=(?:{unit})))?"
        rf"(?P<unit>{unit})?"
    )


# Set phrases whose numerals are not amounts: 一件事一次办, 一次性告知, 两个维护, 三项制度 …
_IDIOMS = re.compile(cue_source("not_an_amount"))
# A web address is copied, not written: "https://…/?q=调解纠纷3件" holds no amount of work.
_ADDRESS = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
# 一起 is "together" unless an incident follows: 一起纠纷 / 一起盗窃案
_INCIDENT_AFTER_YIQI = re.compile(
    rf"[^，。,；;！!？?\s]{{0,4}}({cue_source('incident_after_yiqi')})"
)
# ... or when an incident comes right before it: 调节邻里纠纷一起
_INCIDENT_BEFORE_YIQI = re.compile(rf"({cue_source('incident_before_yiqi')})$")
_SETTLED_BEFORE_YIQI = re.compile(rf"({cue_source('settled_before_yiqi')})$")
_NO_UNIT_STOP = set("点时年月日号楼层室路街巷弄组村届级岁栋幢单:-/.~")
_ID_CONTEXT = re.compile(rf"({cue_source('id_context')})\D{{0,3}}[\d\s\-]*$")
# "石坝村、新店村各调处1件", "3个村各开展1场", "两家餐馆…，各罚款2000元": every item named or
# counted before 各 did that much. 各 must stand just before the number; as a determiner (各类,
# 各村, 各部门) it names no items.
_EACH_BEFORE_NUMBER = re.compile(
    rf"各(?!{cue_source('each_determiner')})[^，,。；;：:\s！!？?]{{0,8}}$"
)
_ITEM = r"[\u4e00-\u9fff][^，,。；;：:\s！!？?、和及与各]{0,7}"  # "2、" is a list marker
_NAMED_ITEMS = re.compile(rf"{_ITEM}(?:[、和及与]{_ITEM})+")
_COUNTED_ITEMS = re.compile(
    r"(?<![0-9第])([0-9]{1,2}|[两二三四五六七八九十]{1,2})[个家户人名位起件处辆艘台座栋间所]"
)
# A number with its measure word ends any list before it ("东沟村2件、上寨村和南沟村各1件")
_COUNTED_ANYTHING = re.compile(
    r"[0-9一二两三四五六七八九十百千万]+[件起宗场次个人份处条家户名位项]"
)
_ITEM_SEPARATORS = re.compile(r"[、和及与]")
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！!？?\s]")
_PER_CONTEXT = re.compile(r"每[^\d，。,；;\s]{0,3}$")  # 每周1次 / 每户1份: a rate, not work done
# 连续两天 / 为期3天: how long the work lasted, not an amount of work
_DURATION_CONTEXT = re.compile(rf"(?:{cue_source('duration')})$")
# 参加人数三十二 / 参会人数：45: a head count with no measure word is counted in 人
_HEAD_COUNT_BEFORE = re.compile(rf"(?:{cue_source('head_count')})[:：]?\s?$")
_MONEY_BEFORE = re.compile(rf"(?:{cue_source('money_before')})\s?$")
# 罚了一家超市两千: a bare number closing a clause that a fine or payment opened is money too
_MONEY_IN_CLAUSE = re.compile(rf"(?:{cue_source('money_before')})[^，,。；;：:！!？?\s]{{1,8}}$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
HOTLINES = frozenset(
    {"110", "119", "120", "122", "12345", "12348", "12315", "12388", "12339", "12110", "12356"}
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _sentence_dot(norm: str, end: int) -> bool:
    """A Latin full stop ending the sentence ("调解纠纷3.") rather than a date or decimal."""
    return norm[end] == "." and (end + 1 >= len(norm) or not norm[end + 1].isdigit())


def _looks_like_date(raw: str) -> bool:
    """3.5 / 12.31 read as month.day when no unit follows."""
    if raw.count(".") != 1:
        return False
    month, day = raw.split(".")
    return len(month) <= 2 and len(day) <= 2 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def find_quantities(text: str) -> list[Quantity]:
    """Every amount of work written in `text`, left to right (nlu.facts.extract reports a
    failure here: the message then goes to review)."""
    if not text or not isinstance(text, str):
        return []
    norm = normalize_width(text)
    blocked = [False] * len(norm)
    for pattern in (_IDIOMS, _ADDRESS):
        for found_span in pattern.finditer(norm):
            for i in range(found_span.start(), found_span.end()):
                blocked[i] = True
    found: list[Quantity] = []
    for match in _quantity_regex().finditer(norm):
        quantity = _to_quantity(norm, text, match, blocked)
        if quantity is not None:
            found.append(quantity)
    return found


# 仨 = 三个, 俩 = 两个 (the measure word is inside the numeral); after a pronoun 俩 means "the
# two of them", not a count.
_PAIR_WORDS = {"仨": 3, "俩": 2}
_PRONOUN_BEFORE_PAIR = set("咱他她你我俺们哥姐兄弟娘爷")


def _to_quantity(
    norm: str, text: str, match: re.Match[str], blocked: list[bool]
) -> Quantity | None:
    start, end = match.span()
    if any(blocked[start:end]):
        return None
    before = norm[start - 1] if start > 0 else ""
    after = norm[end] if end < len(norm) else ""
    if before == "第" or before == "初":
        return None
    if _ASCII_LETTER.match(before) or _ASCII_LETTER.match(after):
        return None
    if start >= 2 and before in ".-/:~" and norm[start - 2].isdigit():
        return None  # tail of a date, time or range
    if match.group("unit") is None and _ID_CONTEXT.search(norm[max(0, start - 24) : start]):
        return None  # 电话 138…: an id; with a measure word (教群众用手机150人) it is a count
    if _PER_CONTEXT.search(norm[max(0, start - 4) : start]):
        return None
    if _DURATION_CONTEXT.search(norm[max(0, start - 2) : start]):
        return None

    unit = match.group("unit")
    if (
        unit is None
        and not match.group("pct")
        and _HEAD_COUNT_BEFORE.search(norm[max(0, start - 6) : start])
    ):
        return _head_count(norm, text, match)
    if (
        unit is None
        and not match.group("pct")
        and (
            _MONEY_BEFORE.search(norm[max(0, start - 8) : start])
            or (_paid(norm, start) and _closes_clause(norm, match.end()))
        )
    ):
        money = _money(text, match)
        each = _each_of(norm, start)
        return replace(money, value=money.value * each) if money and each > 1 else money

    unit = match.group("unit")
    approx = bool(match.group("approx"))
    if match.group("pct"):
        digits = match.group("pct_num")
        value = float(digits) if digits[0].isdigit() else _chinese_to_float(digits)
        if value is None:
            return None
        end = match.end("pct")
        return Quantity(start, end, value, "%", text[start:end], number_end=end, unit_start=end)

    unit_start = match.start("unit") if unit else end
    ar, cn, sa = match.group("ar"), match.group("cn"), match.group("sa")
    number_end = match.end("mult") if match.group("mult") else match.end("ar" if ar else "cn")
    if sa is not None:  # 调了仨 / 俩人: the numeral carries its 个
        if before in _PRONOUN_BEFORE_PAIR:
            return None  # 咱俩 / 他俩: two of us, not a count of work
        value, number_end = float(_PAIR_WORDS[sa]), match.end("sa")
    elif ar is not None:
        ar = ar.replace(",", "")
        value = float(ar)
        mult = match.group("mult")
        if unit is None:
            if after.isdigit() or (after in _NO_UNIT_STOP and not _sentence_dot(norm, end)):
                return None
            if not mult and _looks_like_date(ar):
                return None
            integer = ar.split(".")[0]
            if len(integer) >= 7 or ar in HOTLINES:
                return None  # phone numbers, ids, hotlines
        if _PHONE.match(ar):
            return None
        if mult:
            value *= float(_unit_config()["multipliers"][mult])
    else:
        if unit is None:
            return None  # a bare Chinese numeral is too often part of a word (一些, 三楼, 万一)
        if len(cn) > 16:
            return None
        if (
            cn == "一"
            and unit == "起"
            and not _INCIDENT_AFTER_YIQI.match(norm, end)
            and not _INCIDENT_BEFORE_YIQI.search(norm, max(0, start - 4), start)
            and not (
                _SETTLED_BEFORE_YIQI.search(norm, max(0, start - 5), start)
                and _closes_clause(norm, end)
            )
        ):
            return None  # 一起 = together
        if all(ch in "十百千万亿拾佰仟" for ch in cn) and cn not in ("十", "拾") and not approx:
            return None  # 千家万户, 万人: idioms, not counts
        if unit == "元" and len(cn) > 1 and cn[-1] in "万亿":  # 两千元 stays 2000 元
            unit = cn[-1] + "元"
            cn = cn[:-1]
            number_end -= 1
            unit_start = number_end
        value = _chinese_to_float(cn)
        if value is None:
            return None
    value *= _each_of(norm, start)
    unit = _written_as().get(unit, unit) if unit else unit  # 四十来个人 -> 人
    if unit == "块" and _paid(norm, start):  # 赔了两百块: money, not signboards
        unit = "元"
    if unit and norm.startswith(_people_before().get(unit, ()), end):  # 40个学生 -> 人
        unit = "人"
    return Quantity(
        start, end, value, unit, text[start:end], number_end, approx=approx, unit_start=unit_start
    )


def _each_of(norm: str, start: int) -> int:
    """How many items the number counts for: 2 in "石坝村、新店村各调处1件", 3 in "3个村各开展1场"
    (the contract's reading of 各), else 1. The items are looked for in the clause of 各 and
    the one before it; the nearest list or count wins."""
    each = _EACH_BEFORE_NUMBER.search(norm, max(0, start - 10), start)
    if each is None:
        return 1
    window_start = each.start()
    for _ in range(2):  # back to the start of the previous clause
        breaks = list(_CLAUSE_BREAK.finditer(norm, 0, max(0, window_start - 1)))
        window_start = breaks[-1].end() if breaks else 0
    window = norm[window_start : each.start()]
    found: list[tuple[int, int]] = []
    numbers = list(_COUNTED_ANYTHING.finditer(window))
    after_numbers = numbers[-1].end() if numbers else 0
    for named in _NAMED_ITEMS.finditer(window, after_numbers):
        found.append((named.end(), len(_ITEM_SEPARATORS.findall(named.group(0))) + 1))
    for counted in _COUNTED_ITEMS.finditer(window):
        items = counted.group(1)
        number = int(items) if items.isdigit() else int(_chinese_to_float(items) or 1)
        found.append((counted.end(), number))
    if found:
        return max(found)[1]
    # "A社区、B社区各开展一场，各发放资料600份": a clause that opens with 各 carries the items
    # of the 各 before it
    for earlier in reversed([m.start() for m in re.finditer("各", window)]):
        number = _COUNTED_ANYTHING.search(norm, window_start + earlier, each.start())
        if number is not None:
            return _each_of(norm, number.start())
    return 1


def _head_count(norm: str, text: str, match: re.Match[str]) -> Quantity | None:
    """参加人数三十二 -> 32 人: the word 人数 supplies the unit the writer left out."""
    start = match.start()
    ar, cn = match.group("ar"), match.group("cn")
    if ar is not None:
        number_end = match.end("ar")
        if norm[number_end : number_end + 1].isdigit():
            return None
        value: float | None = float(ar.replace(",", ""))
    else:
        number_end = match.end("cn")
        value = _chinese_to_float(cn) if len(cn) <= 16 else None
    if value is None or match.group("mult"):
        return None
    return Quantity(
        start, number_end, value, "人", text[start:number_end], number_end, unit_start=number_end
    )


def _paid(norm: str, start: int) -> bool:
    """A fine or a payment is named just before the number, or opens its clause."""
    return bool(
        _MONEY_BEFORE.search(norm[max(0, start - 8) : start])
        or _MONEY_IN_CLAUSE.search(norm[max(0, start - 16) : start])
    )


def _closes_clause(norm: str, end: int) -> bool:
    """Nothing but punctuation or a space follows: the number ends what is said."""
    return end >= len(norm) or norm[end] in "，,。；;！!？?～~ \n"


def _money(text: str, match: re.Match[str]) -> Quantity | None:
    """罚了两千 -> 2000 元, 赔了1.5万 -> 1.5 万元: a fine or a payment supplies the unit the
    writer left out (万 and 亿 stay in the unit, as in 6.177万元)."""
    start = match.start()
    ar, cn, mult = match.group("ar"), match.group("cn"), match.group("mult")
    if ar is not None:
        value: float | None = float(ar.replace(",", ""))
    else:
        value = _chinese_to_float(cn) if len(cn) <= 16 else None
    end = match.end("mult") if mult else match.end("ar" if ar is not None else "cn")
    if value is None:
        return None
    unit = "元"
    if mult in ("万", "亿"):
        unit = mult + "元"
    elif mult:
        value *= float(_unit_config()["multipliers"][mult])
    elif cn and cn[-1] in "万亿" and len(cn) > 1:  # 两万 -> 2 万元
        head = _chinese_to_float(cn[:-1])
        if head is not None:
            value, unit = head, cn[-1] + "元"
    return Quantity(start, end, value, unit, text[start:end], end, unit_start=end)


_ORDINAL = re.compile(rf"第\s?(?:\d+|[{_CN_CLASS}]+)\s?(?P<unit>次|期|场|届|轮|批|个|项)")


def find_ordinals(text: str) -> list[Ordinal]:
    """第3次 / 第二期 mentions: the occurrence itself counts once (第3次会议 -> 1 次)."""
    norm = normalize_width(text or "")
    return [Ordinal(m.start(), m.end(), m.group("unit")) for m in _ORDINAL.finditer(norm)]
