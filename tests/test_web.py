"""The dashboard over real HTTP, on SQLite and PostgreSQL: logins, the access guard (a town
account never reaches another town's page, API or download), the page's figures against the
report JSON, the drill-down, the downloads, and the account commands."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from bot.reports.county import county_dict, read_county
from bot.storage.accounts import find_user
from bot.web.passwords import verify_password
from tests.web_support import (
    PASSWORD,
    TOWN_A,
    YEAR,
    LiveServer,
    Seeded,
    login,
    page_facts,
    report_facts,
    report_json,
    seed,
    serve,
)


@pytest.fixture
def seeded(session_factory) -> Seeded:
    return seed(session_factory)


@pytest.fixture
def server(settings, session_factory, seeded) -> Iterator[LiveServer]:
    live = serve(settings, session_factory)
    yield live
    live.stop()


def test_pages_need_a_login(server, seeded):
    page = server.url + f"/towns/{seeded.town_a}?year={YEAR}"
    response = login_less_get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    api = login_less_get(server.url + f"/api/towns/{seeded.town_a}/summary")
    assert api.status_code == 401
    assert "登录" in api.json()["error"]


def login_less_get(url: str):
    import requests

    return requests.get(url, allow_redirects=False)


def test_a_wrong_password_is_refused(server):
    import requests

    response = requests.post(
        server.url + "/login", data={"login": "li", "password": "nope-nope"}, allow_redirects=False
    )
    assert response.status_code == 401
    assert "用户名或密码不对" in response.text
    assert "taizhang_session" not in response.cookies


def test_guessing_a_password_locks_that_account_from_that_address(server, seeded, settings):
    import requests

    def attempt(name: str, password: str) -> requests.Response:
        return requests.post(
            server.url + "/login",
            data={"login": name, "password": password, "next": "/"},
            allow_redirects=False,
        )

    for _ in range(settings.web_login_attempts):
        assert attempt(seeded.supervisor_a, "wrong-guess-1").status_code == 401
    locked = attempt(seeded.supervisor_a, PASSWORD)  # even the right password waits now
    assert locked.status_code == 429
    assert f"{settings.web_login_lockout_minutes} 分钟后再试" in locked.text
    assert "taizhang_session" not in locked.cookies
    assert attempt(seeded.county, PASSWORD).status_code == 302  # other accounts log in


def test_the_lockout_ends_after_its_window_and_a_login_clears_failures():
    from bot.web.throttle import LoginThrottle

    now = [1000.0]
    throttle = LoginThrottle(attempts=3, window=900.0, clock=lambda: now[0])
    key = ("li", "10.0.0.7")
    for _ in range(2):
        throttle.failed(key)
    throttle.succeeded(key)
    throttle.failed(key)
    assert not throttle.locked(key)  # the login in between cleared the first two
    throttle.failed(key)
    throttle.failed(key)
    assert throttle.locked(key)
    assert not throttle.locked(("li", "10.0.0.8"))
    now[0] += 899.0
    assert throttle.locked(key)
    now[0] += 2.0
    assert not throttle.locked(key)


def test_a_town_account_sees_only_its_own_town(server, seeded):
    client = login(server, seeded.supervisor_a)
    own, other = seeded.town_a, seeded.town_b
    assert client.get(f"{server.url}/towns/{own}?year={YEAR}").status_code == 200
    assert client.get(f"{server.url}/api/towns/{own}/summary?year={YEAR}").status_code == 200
    refused = [
        f"/towns/{other}?year={YEAR}",
        f"/api/towns/{other}/summary?year={YEAR}",
        f"/towns/{other}/messages?year={YEAR}&section=disputes",
        f"/api/towns/{other}/messages?year={YEAR}&section=disputes",
        f"/towns/{other}/download/draft.docx?year={YEAR}",
        f"/towns/{other}/download/facts.csv?year={YEAR}",
        "/towns/999999",
        "/towns/abc",
    ]
    for path in refused:
        response = client.get(server.url + path, allow_redirects=False)
        assert response.status_code == 404, path
        assert "青石镇" not in response.text, path  # not even the other town's name
    for path in ("/county", "/api/county", "/county/download/summary.docx"):
        assert client.get(server.url + path, allow_redirects=False).status_code == 403, path
    home = client.get(server.url + "/", allow_redirects=False)
    assert home.headers["Location"] == f"/towns/{own}"


def test_the_county_account_sees_every_town(server, seeded):
    client = login(server, seeded.county)
    for town in (seeded.town_a, seeded.town_b):
        assert client.get(f"{server.url}/towns/{town}?year={YEAR}").status_code == 200
    assert client.get(f"{server.url}/county?year={YEAR}").status_code == 200
    assert client.get(server.url + "/", allow_redirects=False).headers["Location"] == "/county"


def test_a_forged_or_stale_session_is_not_a_login(server, seeded, session_factory, cli):
    client = login(server, seeded.supervisor_a)
    token = client.cookies["taizhang_session"]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    import requests

    url = f"{server.url}/api/towns/{seeded.town_a}/summary?year={YEAR}"
    assert requests.get(url, cookies={"taizhang_session": forged}).status_code == 401
    assert cli("web", "user", "passwd", "li", "--password", "another-pass-9").exit_code == 0
    assert client.get(url).status_code == 401  # the old password's session ended
    assert login(server, "li", "another-pass-9").get(url).status_code == 200
    assert cli("web", "user", "remove", "li").exit_code == 0
    assert requests.get(url, cookies={"taizhang_session": token}).status_code == 401


def test_the_town_figures_equal_the_report_json(
    server, seeded, settings, session_factory, tmp_path
):
    client = login(server, seeded.supervisor_a)
    summary = client.get(f"{server.url}/api/towns/{seeded.town_a}/summary?year={YEAR}").json()
    report = report_json(settings, session_factory, TOWN_A, tmp_path)
    assert page_facts(summary) == report_facts(report)
    assert [s["id"] for s in summary["sections"]] == [s["id"] for s in report["sections"]]
    for section in summary["sections"]:  # a section's records are its figures' records
        assert section["records"] == sum(f["records"] for f in section["facts"])
    heat = summary["heat_map"]
    assert len(heat) == 12 * 12
    assert sum(c["records"] for c in heat) == summary["records"] > 0
    assert summary["previous_records"] > 0  # 白岩镇 has the year before
    html = client.get(f"{server.url}/towns/{seeded.town_a}?year={YEAR}").text
    for facts in report_facts(report).values():
        for fact in facts:
            assert f'<span class="num">{fact["value"]}</span>' in html


def test_every_figure_drills_down_to_its_messages(server, seeded):
    client = login(server, seeded.supervisor_a)
    summary = client.get(f"{server.url}/api/towns/{seeded.town_a}/summary?year={YEAR}").json()
    checked = 0
    for section in summary["sections"]:
        for fact in section["facts"]:
            found = client.get(
                f"{server.url}/api/towns/{seeded.town_a}/messages", params=fact["drill"]
            ).json()
            assert found["total"] == fact["records"], fact["label"]
            assert all(row["text"] and row["person"] and row["date"] for row in found["rows"])
            assert {row["activity"] for row in found["rows"]} == {fact["label"]}
            if fact["kind"] in ("count", "amount"):  # the messages add up to the figure
                assert found["sum"] == f"{fact['value']}{fact['unit']}", fact["label"]
            else:
                assert found["sum"] is None
            checked += 1
    assert checked > 10
    cell = next(c for c in summary["heat_map"] if c["records"])
    found = client.get(
        f"{server.url}/api/towns/{seeded.town_a}/messages", params=cell["drill"]
    ).json()
    assert found["total"] == cell["records"]
    assert all(row["date"][5:7] == f"{cell['month']:02d}" for row in found["rows"])


def test_bad_query_strings_get_a_polite_400(server, seeded):
    client = login(server, seeded.supervisor_a)
    base = f"{server.url}/api/towns/{seeded.town_a}"
    assert "年份" in client.get(f"{base}/summary?year=19x").text
    assert client.get(f"{base}/summary?year=19x").status_code == 400
    assert client.get(f"{base}/messages?year={YEAR}&section=nope").status_code == 400
    assert client.get(f"{base}/messages?year={YEAR}&section=rules&month=13").status_code == 400


def test_downloads_are_the_report_the_evidence_and_the_facts(server, seeded):
    client = login(server, seeded.supervisor_a)
    base = f"{server.url}/towns/{seeded.town_a}/download"
    summary = client.get(f"{server.url}/api/towns/{seeded.town_a}/summary?year={YEAR}").json()
    docx = client.get(f"{base}/draft.docx?year={YEAR}")
    assert docx.status_code == 200
    assert "filename*=UTF-8''" in docx.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert TOWN_A in archive.read("word/document.xml").decode("utf-8")
    evidence = load_workbook(io.BytesIO(client.get(f"{base}/evidence.xlsx?year={YEAR}").content))
    assert len(evidence.worksheets) == 2
    assert evidence.worksheets[1].max_row - 1 == summary["records"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/facts.csv?year={YEAR}").text)))
    assert len(rows) == summary["records"]
    assert {row["town"] for row in rows} == {TOWN_A}
    facts = load_workbook(io.BytesIO(client.get(f"{base}/facts.xlsx?year={YEAR}").content))
    assert facts.active.max_row - 1 == summary["records"]
    assert client.get(f"{base}/nothing.pdf?year={YEAR}").status_code == 404


def test_the_county_page_is_the_county_roll_up(server, seeded, settings, session_factory):
    client = login(server, seeded.county)
    data = client.get(f"{server.url}/api/county?year={YEAR}").json()
    expected = county_dict(read_county([session_factory], YEAR, settings=settings))
    assert data["towns"] == [
        {**town, "id": data["towns"][i]["id"]} for i, town in enumerate(expected["towns"])
    ]
    assert data["summary"] == expected["summary"]
    assert {t["town"]: t["id"] for t in data["towns"]} == {
        TOWN_A: seeded.town_a,
        "青石镇": seeded.town_b,
    }
    draft = client.get(f"{server.url}/county/download/summary.docx?year={YEAR}")
    assert draft.status_code == 200
    with zipfile.ZipFile(io.BytesIO(draft.content)) as archive:
        assert "青石镇" in archive.read("word/document.xml").decode("utf-8")


def test_a_login_returns_to_the_page_asked_for_and_never_elsewhere(server, seeded):
    import requests

    target = f"/towns/{seeded.town_a}?year={YEAR}"
    first = requests.get(server.url + target, allow_redirects=False)
    next_path = parse_qs(urlsplit(first.headers["Location"]).query)["next"][0]
    assert next_path == target
    for wanted, landed in ((next_path, target), ("https://evil.example/", "/")):
        response = requests.post(
            server.url + "/login",
            data={"login": "li", "password": PASSWORD, "next": wanted},
            allow_redirects=False,
        )
        assert response.headers["Location"] == landed


def test_accounts_from_the_command_line(cli, session_factory, seeded):
    result = cli(
        "web",
        "user",
        "add",
        "zhao",
        "--role",
        "supervisor",
        "--town",
        TOWN_A,
        "--password",
        "long-enough-1",
    )
    assert result.exit_code == 0, result.output
    assert "zhao" in cli("web", "user", "list").output
    with session_factory() as session:
        user = find_user(session, "zhao")
        assert user.password_hash != "long-enough-1"
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "long-enough-1")
        assert not verify_password(user.password_hash, "long-enough-2")
    refusals = [
        (("zhao", "--role", "county"), "已经有了"),
        (("qian", "--role", "supervisor"), "--town"),
        (("qian", "--role", "supervisor", "--town", "无此镇"), "没有名为"),
        (("qian", "--role", "county", "--town", TOWN_A), "不用 --town"),
        (("qian", "--role", "mayor"), "角色"),
        (("q", "--role", "county"), "登录名"),
    ]
    for args, words in refusals:
        result = cli("web", "user", "add", *args, "--password", "long-enough-1")
        assert result.exit_code == 1 and words in result.output, args
    short = cli("web", "user", "add", "qian", "--role", "county", "--password", "short")
    assert short.exit_code == 1 and "太短" in short.output
    assert cli("web", "user", "remove", "nobody").exit_code == 1


def test_chat_text_is_shown_as_text_never_run(server, seeded, session_factory):
    """A message is untrusted input: its words appear escaped on the drill-down page."""
    from datetime import date, datetime, timezone

    from bot.storage.models import Fact, Message, Person, Room

    hostile = '调解纠纷1件<script>alert("x")</script><img src=x onerror=alert(1)>'
    with session_factory() as session:
        person = session.query(Person).filter_by(town_id=seeded.town_a).first()
        room = session.query(Room).filter_by(town_id=seeded.town_a).first()
        message = Message(
            channel="test",
            channel_message_id="hostile-1",
            channel_room_id=room.channel_room_id,
            channel_sender_id=person.channel_person_id,
            room_id=room.id,
            person_id=person.id,
            sent_at=datetime(YEAR, 3, 3, 2, 0, tzinfo=timezone.utc),
            text=hostile,
            status="logged",
        )
        session.add(message)
        session.add(
            Fact(
                message=message,
                town_id=seeded.town_a,
                room_id=room.id,
                person_id=person.id,
                section="disputes",
                activity="调解矛盾纠纷",
                value=1,
                unit="件",
                value_normalised=1,
                unit_normalised="件",
                fact_date=date(YEAR, 3, 3),
            )
        )
        session.commit()
    client = login(server, seeded.supervisor_a)
    page = client.get(
        f"{server.url}/towns/{seeded.town_a}/messages",
        params={"year": YEAR, "section": "disputes", "month": 3},
    ).text
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_an_empty_county_says_so(settings, session_factory):
    from bot.storage.accounts import add_user
    from bot.web.passwords import hash_password

    with session_factory() as session:
        add_user(session, "county", "县依法治县办", hash_password(PASSWORD), "county", None)
        session.commit()
    live = serve(settings, session_factory)
    try:
        client = login(live, "county")
        page = client.get(f"{live.url}/county?year={YEAR}")
        api = client.get(f"{live.url}/api/county?year={YEAR}")
    finally:
        live.stop()
    assert page.status_code == 404 and "乡镇" in page.text
    assert api.status_code == 404 and "乡镇" in api.json()["error"]
