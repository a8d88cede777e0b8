"""Writes hostile_corpus.jsonl: the hostile-input corpus (issue 11) as data.

Run `python tests/data/make_hostile_corpus.py` after changing it; the JSONL is committed.
Each line is one case:
  case   unique id (also the export/channel message id)
  kind   valid     a real work report wrapped in hostile noise: exactly `facts` are stored
         refused   work written with an impossible value or date: asked about, nothing stored
         nothing   no work at all (injections, garbage): nothing stored, nothing published
         malformed an export line that is not a message (`raw`): reported as a bad line
  what   a short label
  text   the message text (not for malformed)
  fields export fields that replace the defaults (room, sender, time), replay only
  raw    the raw export line (malformed only)
  facts  [[section, value, unit], ...] expected in the ledger (valid only)
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("hostile_corpus.jsonl")

# Clean messages the model reads with confidence >= 0.95; (text before the number,
# number, unit and text after, expected fact).
BASES = [
    ("今天调解纠纷", "3", "件", "", ["disputes", 3, "件"]),
    ("昨天在白岩村调解矛盾纠纷", "2", "起", "", ["disputes", 2, "起"]),
    ("今天组织干部学法", "1", "次", "", ["study", 1, "次"]),
    ("今天开展法律咨询", "5", "人次", "", ["legal_services", 5, "人次"]),
    ("今天办理行政复议案件", "1", "件", "", ["enforcement", 1, "件"]),
    ("今天开展安全生产检查", "3", "次", "", ["emergency", 3, "次"]),
    ("今天审查合同", "2", "份", "", ["decisions", 2, "份"]),
    ("今天召开法治专题会议", "1", "次", "", ["leadership", 1, "次"]),
    ("今天排查矛盾纠纷", "6", "起", "", ["disputes", 6, "起"]),
    ("今天开展执法检查", "2", "次", "", ["enforcement", 2, "次"]),
]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Noise a real chat client, a paste or a prankster adds around a real report.
NOISE = {
    "zero-width space in the number": lambda a, n, u, z: f"{a}\u200b{n}\u200b{u}{z}",
    "zero-width joiners": lambda a, n, u, z: f"\u200d{a}\u200c{n}{u}\u200d{z}",
    "BOM in front": lambda a, n, u, z: f"\ufeff{a}{n}{u}{z}",
    "bidi override": lambda a, n, u, z: f"\u202e{a}{n}{u}{z}\u202c",
    "bidi isolates": lambda a, n, u, z: f"\u2066{a}\u2069{n}\u200e{u}\u200f{z}",
    "full-width digits": lambda a, n, u, z: f"{a}{n.translate(FULL_WIDTH)}{u}{z}",
    "NUL characters": lambda a, n, u, z: f"{a}\x00{n}{u}\x00{z}",
    "bell and backspace": lambda a, n, u, z: f"\x07{a}{n}{u}\x08{z}",
    "rich markup": lambda a, n, u, z: f"[bold]{a}{n}{u}{z}[/bold] [/x]",
    "emoji after": lambda a, n, u, z: f"{a}{n}{u}{z}👍🙏🏻👨‍👩‍👧",
    "1,000 spaces in front": lambda a, n, u, z: " " * 1000 + f"{a}{n}{u}{z}",
    "ideographic spaces and tabs": lambda a, n, u, z: f"\u3000\t{a}\u3000{n}{u}\t{z}\u3000",
    "CRLF and blank lines": lambda a, n, u, z: f"\r\n\r\n{a}{n}{u}{z}\r\n\r\n",
    "no-break space before the unit": lambda a, n, u, z: f"{a}{n}\u00a0{u}{z}",
    "soft hyphen and word joiner": lambda a, n, u, z: f"{a}\u00ad{n}\u2060{u}{z}",
    "5,000 blank characters after": lambda a, n, u, z: f"{a}{n}{u}{z}" + " \n\t" * 1700,
    "HTML tags": lambda a, n, u, z: f"<b>{a}{n}{u}{z}</b><script>alert(1)</script>",
    "exclamations": lambda a, n, u, z: f"{a}{n}{u}{z}！！！！！！~~~",
}

# Values no township reports; each is written into every base (the number replaced).
IMPOSSIBLE_NUMBERS = {
    "a hundred million": "100000000",
    "a 19-digit number": "9" * 19,
    "a 30-digit number": "9" * 30,
    "a 309-digit number": "1" * 309,
    "一亿亿亿": "一亿亿亿",
    "negative": "-3",
    "full-width negative": "－3",
    "负": "负3",
    "tiny exponent": "1e-308",
    "huge exponent": "1e308",
}
IMPOSSIBLE_DATES = {
    "30 February": "2月30日",
    "month 13": "13月1日",
    "ISO 2024-13-45": "2024-13-45",
    "year 2099": "2099年1月1日",
    "31 April": "2024年4月31日",
}

NOTHING = [
    ("template {{7*7}}", "{{7*7}}"),
    ("template ${7*7}", "${7*7}"),
    ("template <%= 7*7 %>", "<%= 7*7 %>"),
    ("template #{7*7}", "#{7*7}"),
    ("jinja config", "{{config.items()}}"),
    ("format string", "{0.__class__}{1}{2}"),
    ("printf", "%s%s%s%n%x%d"),
    ("SQL drop", "'; DROP TABLE messages; --"),
    ("SQL or", "1' OR '1'='1"),
    ("SQL union", "' UNION SELECT id, text FROM messages --"),
    ("SQL comment", "/**/SELECT/**/1;--"),
    ("SQL sleep", "1; SELECT pg_sleep(10); --"),
    ("SQL stacked", "收到'); DELETE FROM facts; --"),
    ("formula =", "=1+2"),
    ("formula hyperlink", '=HYPERLINK("http://x.invalid","点我")'),
    ("formula dde", "=cmd|' /C calc'!A0"),
    ("formula +", "+SUM(1,2)"),
    ("formula -", "-2+3+cmd|' /C calc'!A0"),
    ("formula @", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("ANSI colours only", "\x1b[31m\x1b[1m\x1b[0m"),
    ("ANSI clear screen", "\x1b[2J\x1b[H收到"),
    ("markup only", "[/x][bold][link=file:///etc/passwd]点我[/link]"),
    ("markup close", "[/]"),
    ("script tag", "<script>alert(document.cookie)</script>"),
    ("img onerror", '<img src=x onerror="alert(1)">'),
    ("emoji only", "👍👍👍"),
    ("emoji family", "👨‍👩‍👧‍👦"),
    ("keycap digits alone", "1️⃣2️⃣3️⃣"),
    ("path traversal", "../../../../etc/passwd"),
    ("windows path", "..\\..\\..\\windows\\win.ini"),
    ("file url", "file:///etc/shadow"),
    ("100k whitespace", " " * 100_000 + "x"),
    ("50k characters", "字" * 30_000),
    ("only whitespace", " \t\u3000\u00a0 "),
    ("only zero-width", "\u200b\u200c\u200d\ufeff"),
    ("only bidi", "\u202e\u202d\u2066\u2069"),
    ("lone surrogates", "\ud800\udfff\udbff"),
    ("NUL only", "\x00\x00\x00"),
    ("control characters", "".join(chr(c) for c in range(1, 32))),
    ("C1 controls", "".join(chr(c) for c in range(0x80, 0xA0))),
    ("zalgo", "收" + "\u0300\u0301\u0302\u0303\u0304" * 50 + "到"),
    ("astral CJK", "𠀀𠀁𠀂𪚥"),
    ("private use", "\ue000\uf8ff"),
    ("noncharacters", "\ufffe\uffff"),
    ("replacement characters", "\ufffd" * 20),
    ("NaN", "NaN件"),
    ("Infinity", "Infinity件"),
    ("inf", "-inf件"),
    ("null word", "null"),
    ("undefined", "undefined"),
    ("None", "None"),
    ("bind to traversal (staff)", "绑定 ../../../../pwn"),
    ("bind markup (staff)", "绑定 [/x]"),
    ("bind empty", "绑定"),
    ("bind long", "本群绑定到" + "镇" * 5000),
    ("help with markup", "[bold]帮助[/bold]"),
    ("query with injection", "本月进度'; DROP TABLE facts; --"),
    ("numbers without work", "1234567890"),
    ("phone number", "联系电话13800138000"),
    ("ID card", "身份证号110101199003077777"),
    ("a time of day", "下午3点开会"),
    ("a date only", "2024年5月16日"),
    ("a year only", "2024"),
    ("percent", "完成率100%"),
    ("money sign only", "￥9999999999"),
    ("url", "https://example.invalid/?q=调解纠纷3件"),
    ("email", "a@b.invalid"),
    ("base64 blob", "data:text/plain;base64," + "QUFB" * 500),
    # Rasa reads "/name" as an intent given by hand; members must not choose the parse.
    ("forced intent /request_report", "/request_report"),
    ("forced intent /log_activity", "/log_activity"),
    ("forced intent with entities", '/log_activity{"value": 999, "unit": "件"}'),
    ("forced intent /correct_last", "/correct_last"),
    ("forced intent /help", " /help"),
    ("forced intent garbage", "/**/SELECT/**/1;--"),
]

# Replay-only: export fields a broken or hostile export carries, with a real report.
FIELDS = [
    ("room of 300 characters", {"room": "群" * 300}),
    ("room with NUL", {"room": "群\x00一"}),
    ("room with a lone surrogate", {"room": "群\ud800"}),
    ("room with markup", {"room": "[/x]群"}),
    ("room with traversal", {"room": "../../群"}),
    ("sender of 150 characters", {"sender": "李" * 150}),
    ("sender with NUL", {"sender": "王\x00五"}),
    ("sender with bidi", {"sender": "\u202e王五"}),
    ("sender with markup", {"sender": "[bold]王五"}),
    ("sender that is a formula", {"sender": "=1+2"}),
    ("time without zone", {"time": "2024-05-16T09:00:00"}),
    ("time in UTC", {"time": "2024-05-16T01:00:00Z"}),
    ("time with +14:00", {"time": "2024-05-16T09:00:00+14:00"}),
    ("time with -12:00", {"time": "2024-05-15T09:00:00-12:00"}),
    ("time with microseconds", {"time": "2024-05-16T09:00:00.999999+08:00"}),
]

MALFORMED = [
    ("not JSON", "this is not json"),
    ("truncated JSON", '{"id": "x", "text": "今天调解'),
    ("JSON array", "[1, 2, 3]"),
    ("JSON string", '"今天调解纠纷3件"'),
    ("JSON null", "null"),
    ("deep nesting", '{"time": ' + "[" * 5000),
    ("5000-digit id", '{"id": ' + "9" * 5000 + "}"),
    ("no text", '{"id": "m-no-text", "time": "2024-05-16T09:00:00+08:00", "room": "群1"}'),
    ("text is a number", '{"id": "m-num", "time": "2024-05-16T09:00:00+08:00", "text": 3}'),
    ("year 1", '{"time": "0001-01-01T00:00:00+14:00", "sender": "张三", "text": "收到"}'),
    ("year 9999", '{"time": "9999-12-31T23:59:59-14:00", "sender": "张三", "text": "收到"}'),
    ("epoch zero", '{"time": "1970-01-01T00:00:00Z", "sender": "张三", "text": "收到"}'),
    ("time is garbage", '{"time": "昨天", "sender": "张三", "text": "收到"}'),
    ("time is a number", '{"time": 1e400, "sender": "张三", "text": "收到"}'),
]


def cases() -> list[dict]:
    out: list[dict] = []

    def add(kind: str, what: str, **rest) -> None:
        out.append({"case": f"h{len(out) + 1:04d}", "kind": kind, "what": what, **rest})

    for what, noise in NOISE.items():
        for before, number, unit, after, fact in BASES:
            add("valid", what, text=noise(before, number, unit, after), facts=[fact])
    for what, number in IMPOSSIBLE_NUMBERS.items():
        for before, _, unit, after, _ in BASES:
            add("refused", what, text=f"{before}{number}{unit}{after}")
    for what, day in IMPOSSIBLE_DATES.items():
        for before, number, unit, after, _ in BASES[:6]:
            work = before.removeprefix("今天").removeprefix("昨天")  # the only date is `day`
            add("refused", what, text=f"{day}{work}{number}{unit}{after}")
    for what, text in NOTHING:
        add("nothing", what, text=text)
    # A JSON fragment pasted as a message still says what it says.
    add("valid", "JSON inside", text='{"text": "今天调解纠纷3件"', facts=[["disputes", 3, "件"]])
    for before, number, unit, after, fact in BASES:  # a list marker Rasa took for an intent
        add("valid", "leading slash", text=f"/{before}{number}{unit}{after}", facts=[fact])
    for index, (what, fields) in enumerate(FIELDS):
        before, number, unit, after, fact = BASES[index % len(BASES)]
        add("valid", what, text=f"{before}{number}{unit}{after}", fields=fields, facts=[fact])
    for what, raw in MALFORMED:
        add("malformed", what, raw=raw)
    return out


def _line(case: dict) -> str:
    """Readable UTF-8, except where lone surrogates need JSON escapes to be written at all."""
    line = json.dumps(case, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(case)
    return line


def main() -> None:
    lines = [_line(case) for case in cases()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} cases -> {OUT}")


if __name__ == "__main__":
    main()
