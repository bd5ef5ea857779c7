"""The dashboard in a real headless Chromium (the machine's, driven by Selenium
through its ChromeDriver: tests/browser.py finds them), against a real `wirewatch
serve` holding the events the pipeline makes of seeds/: one marker per placed event, a
filter narrowing map and list together, the event panel's evidence and toll history,
an event stored while the page is open appearing without a reload, and the page at
phone width. Screenshots go to ``.wirewatch/test-output/dashboard/`` (or
``$WIREWATCH_TEST_OUTPUT/dashboard``)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.services import api_server
from sinks.storage import connect, upsert_events
from tests.browser import browser_for_tests
from tests.conftest import REPO
from tests.test_api import LATEST, SEED_VERSIONS

pytestmark = pytest.mark.browser
OUTPUT = Path(os.environ.get("WIREWATCH_TEST_OUTPUT", REPO / ".wirewatch" / "test-output"))
SHOTS = OUTPUT / "dashboard"
LOCATED = sum(1 for e in LATEST.values() if e.location)


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, str]]:
    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    with api_server(database, tmp_path / "state") as base:
        yield base, database


@pytest.fixture(scope="session")
def chromium() -> tuple[Path, Path]:
    """The machine's Chromium and ChromeDriver; skipped without them, failed under CI."""
    return browser_for_tests(os.environ)


@pytest.fixture
def browser(tmp_path, chromium) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium[0])
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(chromium[1])))
    driver.set_script_timeout(10)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait_for(driver, condition, what: str, timeout: float = 10.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d), message=what)


def listed(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#list li')].map(li => li.dataset.id)"
    )


def open_dashboard(driver, base: str, expected: int = len(LATEST)) -> None:
    driver.get(f"{base}/")
    wait_for(driver, lambda d: len(listed(d)) == expected, "every event listed")
    wait_for(
        driver,
        lambda d: (
            d.execute_script("return window.wirewatch.markerCount()")
            == LOCATED + expected - len(LATEST)
        ),
        "a marker per placed event",
    )


def test_the_map_shows_one_marker_per_event_and_the_list_every_event(served, browser):
    base, _ = served
    open_dashboard(browser, base)
    assert sorted(listed(browser)) == sorted(LATEST)
    # the offline base map drew the country outlines, and nothing came from elsewhere
    assert (
        browser.execute_script(
            "return document.querySelectorAll('path.leaflet-interactive, svg path').length"
        )
        > 100
    )
    sources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)"
    )
    assert sources and all(name.startswith(base) for name in sources), sources
    browser.save_screenshot(str(SHOTS / "map-and-list.png"))


def test_a_filter_narrows_map_and_list_together(served, browser):
    from selenium.webdriver.common.by import By

    base, _ = served
    open_dashboard(browser, base)
    field = browser.find_element(By.NAME, "country")
    field.send_keys("AZ")
    browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click()
    azerbaijan = [i for i, e in LATEST.items() if e.country == "AZ"]
    wait_for(browser, lambda d: sorted(listed(d)) == sorted(azerbaijan), "only AZ listed")
    assert browser.execute_script("return window.wirewatch.markerCount()") == len(azerbaijan)
    browser.save_screenshot(str(SHOTS / "filtered.png"))


def test_the_event_panel_shows_evidence_sources_and_the_toll_over_time(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = served
    open_dashboard(browser, base)
    revised = next(e for e in LATEST.values() if e.version > 1)
    versions = sorted({e.version for e in SEED_VERSIONS if e.event_id == revised.event_id})
    # reached with the keyboard: focus the event's button and press Enter
    button = browser.find_element(By.CSS_SELECTOR, f'#list li[data-id="{revised.event_id}"] button')
    browser.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.find_element(By.ID, "panel").is_displayed(), "the panel opens")
    detail = browser.find_element(By.ID, "detail")
    quotes = [q.text for q in detail.find_elements(By.CSS_SELECTOR, "blockquote.evidence")]
    assert quotes == revised.evidence
    outlets = detail.find_element(By.CSS_SELECTOR, "ul.sources")
    assert all(source in outlets.text for source in revised.sources)
    links = [a.get_attribute("href") for a in outlets.find_elements(By.TAG_NAME, "a")]
    assert links and links == [r.url for r in revised.reports if r.url]
    rows = detail.find_elements(By.CSS_SELECTOR, "table.versions tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [f"v{v}" for v in versions]
    assert len(detail.find_elements(By.CSS_SELECTOR, "svg.toll polyline")) == 3
    browser.save_screenshot(str(SHOTS / "event-panel.png"))
    button.send_keys(Keys.ESCAPE)
    wait_for(browser, lambda d: not d.find_element(By.ID, "panel").is_displayed(), "Escape closes")


def test_an_event_stored_while_the_page_is_open_appears_without_a_reload(served, browser):
    base, database = served
    open_dashboard(browser, base)
    time.sleep(1.0)  # the page's stream is open
    newest = max(LATEST.values(), key=lambda e: e.event_date)
    arrived = newest.model_copy(update={"event_id": "arrived-live", "version": 1})
    stored_at = time.monotonic()
    upsert_events(connect(database), [arrived])
    wait_for(browser, lambda d: "arrived-live" in listed(d), "the new event listed", timeout=2.0)
    assert time.monotonic() - stored_at < 2.0
    assert listed(browser)[0] == "arrived-live"  # on top, highlighted
    fresh = browser.execute_script("return document.querySelector('#list li.fresh').dataset.id")
    assert fresh == "arrived-live"
    assert "1 new since loaded" in browser.execute_script(
        "return document.querySelector('#status').textContent"
    )
    assert browser.execute_script("return window.wirewatch.markerCount()") == LOCATED + 1
    browser.save_screenshot(str(SHOTS / "live.png"))


def test_an_address_that_is_no_web_page_is_not_made_a_link(served, browser):
    """A feed's URL is untrusted: a javascript: address stays text in the panel."""
    from selenium.webdriver.common.by import By

    base, database = served
    some = next(iter(LATEST.values()))
    planted = some.model_copy(
        update={
            "event_id": "planted-link",
            "reports": [some.reports[0].model_copy(update={"url": "javascript:alert(1)"})],
        }
    )
    upsert_events(connect(database), [planted])
    open_dashboard(browser, base, expected=len(LATEST) + 1)
    button = browser.find_element(By.CSS_SELECTOR, '#list li[data-id="planted-link"] button')
    button.click()
    wait_for(browser, lambda d: d.find_element(By.ID, "panel").is_displayed(), "the panel opens")
    outlets = browser.find_element(By.CSS_SELECTOR, "#detail ul.sources")
    assert some.reports[0].source in outlets.text
    assert outlets.find_elements(By.TAG_NAME, "a") == []


def test_at_phone_width_nothing_overflows_sideways(served, browser):
    base, _ = served
    browser.set_window_size(390, 844)
    open_dashboard(browser, base)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    browser.save_screenshot(str(SHOTS / "phone.png"))


def test_the_api_docs_render_every_operation_behind_the_token(tmp_path, browser):
    """/docs in the browser: Swagger UI reads the OpenAPI 3.1 description FastAPI serves
    (an old Swagger UI says "Unable to render this definition"), draws a block per
    operation, and gets the description with the cookie signing in at / leaves."""
    import httpx
    from selenium.webdriver.common.by import By

    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    token = "docs-s3cret"
    with api_server(database, tmp_path / "state", WIREWATCH_API_TOKEN=token) as base:
        spec = httpx.get(f"{base}/openapi.json", headers={"Authorization": f"Bearer {token}"})
        operations = {
            (method, path, operation["operationId"])
            for path, methods in spec.json()["paths"].items()
            for method, operation in methods.items()
        }
        assert {path for _, path, _ in operations} >= {"/api/events", "/api/events/{event_id}"}
        browser.get(f"{base}/docs")
        assert "a bearer token is required" in browser.page_source  # not signed in yet
        browser.get(f"{base}/")
        browser.find_element(By.NAME, "token").send_keys(token)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, lambda d: d.current_url == f"{base}/", "signed in")
        browser.get(f"{base}/docs")
        blocks = "return [...document.querySelectorAll('.opblock')].map(b => b.id)"
        wait_for(browser, lambda d: len(d.execute_script(blocks)) == len(operations), "blocks")
        rendered = browser.execute_script(
            "return [...document.querySelectorAll('.opblock')].map(b => ["
            "b.querySelector('.opblock-summary-method').textContent.toLowerCase(),"
            "b.querySelector('.opblock-summary-path').dataset.path, b.id])"
        )
        assert {(method, path) for method, path, _ in rendered} == {
            (method, path) for method, path, _ in operations
        }
        ids = " ".join(block for _, _, block in rendered)
        assert all(operation_id in ids for _, _, operation_id in operations)
        assert "Unable to render" not in browser.find_element(By.TAG_NAME, "body").text
        sources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"
        )
        assert sources and all(name.startswith(base) for name in sources), sources
        browser.save_screenshot(str(SHOTS / "api-docs.png"))
