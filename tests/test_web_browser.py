"""The dashboard in a real browser: Chromium headless (Debian's chromium + chromium-driver,
installed by scripts/system-deps) driven by Selenium, on SQLite and PostgreSQL.

It logs in, reads the county and town pages as rendered (figures compared with the report
JSON), follows a drill-down from a figure and from a heat-map cell to the messages, and
checks that a town account cannot open another town's page or API. Screenshots go to
$TAIZHANG_SCREENSHOT_DIR when set (else the test's tmp dir): town.png, heatmap.png,
county.png, drilldown.png, heatmap-drilldown.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.web_support import (
    PASSWORD,
    TOWN_A,
    TOWN_B,
    YEAR,
    LiveServer,
    Seeded,
    report_json,
    seed,
    serve,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 20


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module (starting one per test costs seconds)."""
    assert os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), (
        "Chromium is missing: run scripts/system-deps (Debian packages chromium, chromium-driver)"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path, db_url) -> Path:
    folder = Path(os.environ.get("TAIZHANG_SCREENSHOT_DIR") or tmp_path / "shots")
    folder = folder / ("postgresql" if db_url.startswith("postgresql") else "sqlite")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def seeded(session_factory) -> Seeded:
    return seed(session_factory)


@pytest.fixture
def server(settings, session_factory, seeded, browser) -> Iterator[LiveServer]:
    live = serve(settings, session_factory)
    yield live
    browser.delete_all_cookies()
    live.stop()


def sign_in(driver: WebDriver, server: LiveServer, name: str) -> None:
    driver.delete_all_cookies()
    driver.get(server.url + "/login")
    driver.find_element(By.ID, "login").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, WAIT).until(ready.presence_of_element_located((By.ID, "logout")))


def charts_drawn(driver: WebDriver) -> None:
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-charts") == "ready"
    )


def full_page_shot(driver: WebDriver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(int(height) + 200, 6000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)


def text_of(element) -> str:
    return (element.get_attribute("textContent") or "").strip()


def shown_facts(rows) -> dict[str, list[dict]]:
    """Figures as rendered: per section, [{label, value, unit, records}] in page order."""
    result: dict[str, list[dict]] = {}
    for row in rows:
        section = row.get_attribute("data-section") or row.find_element(
            By.XPATH, "ancestor::div[@data-section]"
        ).get_attribute("data-section")
        result.setdefault(section, []).append(
            {
                "label": row.get_attribute("data-label"),
                "value": text_of(row.find_element(By.CSS_SELECTOR, ".num")),
                "unit": text_of(row.find_element(By.CSS_SELECTOR, ".unit")),
                "records": int(text_of(row.find_element(By.CSS_SELECTOR, ".records"))),
            }
        )
    return result


def expected_facts(report: dict) -> dict[str, list[dict]]:
    return {
        s["id"]: [
            {
                "label": f["label"],
                "value": str(f["value"]),
                "unit": f["unit"],
                "records": f["records"],
            }
            for f in s["facts"]
        ]
        for s in report["sections"]
        if s["facts"]
    }


def test_county_and_town_pages_show_the_report_figures_and_drill_down(
    browser, server, seeded, settings, session_factory, tmp_path, shots
):
    reports = {
        town: report_json(settings, session_factory, town, tmp_path) for town in (TOWN_A, TOWN_B)
    }
    sign_in(browser, server, seeded.county)
    browser.get(f"{server.url}/county?year={YEAR}")
    charts_drawn(browser)
    full_page_shot(browser, shots / "county.png")
    for town, report in reports.items():
        row = browser.find_element(By.CSS_SELECTOR, f'tr.town-row[data-town="{town}"]')
        for section in report["sections"]:
            cell = row.find_element(By.CSS_SELECTOR, f'td.cell[data-section="{section["id"]}"]')
            assert int(text_of(cell)) == sum(f["records"] for f in section["facts"])
            assert ("lag" in cell.get_attribute("class")) == (not section["facts"])
        assert ("lagging" in row.get_attribute("class")) == any(
            not s["facts"] for s in report["sections"]
        )
        figures = browser.find_elements(
            By.CSS_SELECTOR, f'details.town-figures[data-town="{town}"] tr.fact'
        )
        assert shown_facts(figures) == expected_facts(report)

    browser.find_element(By.LINK_TEXT, TOWN_A).click()
    charts_drawn(browser)
    assert browser.find_element(By.ID, "town-name").text.startswith(TOWN_A)
    assert shown_facts(browser.find_elements(By.CSS_SELECTOR, "tr.fact")) == expected_facts(
        reports[TOWN_A]
    )
    full_page_shot(browser, shots / "town.png")
    heat = browser.find_element(By.ID, "heatmap")
    browser.execute_script("arguments[0].scrollIntoView()", heat)
    heat.screenshot(str(shots / "heatmap.png"))

    disputes = next(s for s in reports[TOWN_A]["sections"] if s["id"] == "disputes")
    figure = disputes["facts"][0]
    row = browser.find_element(
        By.CSS_SELECTOR, f'div[data-section="disputes"] tr.fact[data-label="{figure["label"]}"]'
    )
    row.find_element(By.CSS_SELECTOR, "a.drill").click()
    WebDriverWait(browser, WAIT).until(ready.presence_of_element_located((By.ID, "messages")))
    total = browser.find_element(By.ID, "drill-total")
    assert int(total.get_attribute("data-total")) == figure["records"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#messages tr.message")
    assert len(rows) == figure["records"]
    assert figure["kind"] == "count"  # so the messages add up to the figure
    assert browser.find_element(By.ID, "drill-sum").text == f"{figure['value']}{figure['unit']}"
    for message in rows:
        cells = [
            text_of(message.find_element(By.CSS_SELECTOR, f".{c}"))
            for c in ("date", "person", "text")
        ]
        assert all(cells) and cells[0].startswith(str(YEAR))
        assert text_of(message.find_element(By.CSS_SELECTOR, ".activity")) == figure["label"]
    full_page_shot(browser, shots / "drilldown.png")


def test_a_heat_map_cell_opens_its_messages(browser, server, seeded, shots):
    sign_in(browser, server, seeded.supervisor_a)
    browser.get(f"{server.url}/towns/{seeded.town_a}?year={YEAR}")
    charts_drawn(browser)
    view = browser.execute_script(
        "return JSON.parse(document.getElementById('view-data').textContent)"
    )
    cell = max(view["heat_map"], key=lambda c: c["records"])
    row = [s["id"] for s in view["sections"]][::-1].index(cell["section"])
    heat = browser.find_element(By.ID, "heatmap")
    browser.execute_script("arguments[0].scrollIntoView()", heat)
    x, y = browser.execute_script(
        "return echarts.getInstanceByDom(arguments[0])"
        ".convertToPixel({seriesIndex: 0}, [arguments[1], arguments[2]])",
        heat,
        cell["month"] - 1,
        row,
    )
    size = heat.size
    ActionChains(browser).move_to_element_with_offset(
        heat, int(x - size["width"] / 2), int(y - size["height"] / 2)
    ).click().perform()
    WebDriverWait(browser, WAIT).until(ready.presence_of_element_located((By.ID, "messages")))
    assert f"month={cell['month']}" in browser.current_url
    total = int(browser.find_element(By.ID, "drill-total").get_attribute("data-total"))
    assert total == cell["records"]
    dates = [text_of(d) for d in browser.find_elements(By.CSS_SELECTOR, "#messages td.date")]
    assert dates and all(d[5:7] == f"{cell['month']:02d}" for d in dates)
    full_page_shot(browser, shots / "heatmap-drilldown.png")


def test_a_town_account_cannot_open_another_town(browser, server, seeded):
    sign_in(browser, server, seeded.supervisor_a)
    browser.get(f"{server.url}/towns/{seeded.town_b}?year={YEAR}")
    assert "不能查看" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert TOWN_B not in browser.page_source
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => done(r.status));",
        f"/api/towns/{seeded.town_b}/summary?year={YEAR}",
    )
    assert status == 404
    own = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.json()).then(j => done(j.town.name));",
        f"/api/towns/{seeded.town_a}/summary?year={YEAR}",
    )
    assert own == TOWN_A
    browser.get(f"{server.url}/county?year={YEAR}")
    assert "只能查看本镇" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    browser.find_element(By.ID, "logout").click()
    WebDriverWait(browser, WAIT).until(ready.presence_of_element_located((By.ID, "password")))
    browser.get(f"{server.url}/towns/{seeded.town_a}?year={YEAR}")
    assert browser.find_elements(By.ID, "password")  # logged out: back at the login form
