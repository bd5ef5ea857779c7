"""An analyst's first hour on the dashboard, in a real headless Chromium against a real
`wirewatch serve` holding the events the pipeline makes of seeds/: every marker in the
map's view on load, a country chosen by its English name narrowing map, list and
timeline and re-fitting the map, a range dragged on the timeline narrowing the list,
the address reproducing the view after a reload (back and forward too), the place's
precision, downloads of the view, and "Alert me" saving a subscription. The last test
runs the pipeline on a real broker: the subscription made in the page receives the
next matching event replayed. Screenshots go to ``<test output>/dashboard/first-hour``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from harness.services import api_server, wait_until, wirewatch_command
from sinks.alerts import subscriptions as store
from sinks.event_formats import CSV_COLUMNS
from sinks.storage import connect, upsert_events
from tests import test_dashboard_browser as shared
from tests.conftest import SEEDS
from tests.test_api import LATEST, SEED_VERSIONS
from tests.test_dashboard_browser import LOCATED, SHOTS, listed, open_dashboard, wait_for

# the browser, the machine's Chromium, a served store of the seeds' events: as there
browser, chromium, served = shared.browser, shared.chromium, shared.served

pytestmark = pytest.mark.browser
FIRST_HOUR = SHOTS / "first-hour"


def _shot(driver, name: str) -> None:
    FIRST_HOUR.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(FIRST_HOUR / name))


def _js(driver, script: str, *args):
    return driver.execute_script(f"return {script}", *args)


# the markers a user sees: each lone marker and each group's count, centred inside the
# map's box and not under its legend, against every marker drawn (in view or not)
IN_VIEW = """
const map = document.querySelector('#map').getBoundingClientRect();
const legend = document.querySelector('#map .legend');
const under = legend ? legend.getBoundingClientRect() : null;
const seen = (r) => {
  const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
  const inMap = x >= map.left && x <= map.right && y >= map.top && y <= map.bottom;
  const hidden = under && x >= under.left && x <= under.right && y >= under.top && y <= under.bottom;
  return inMap && !hidden;
};
// (Leaflet empties the path of a marker far outside the view: no size, not drawn)
const lone = [...document.querySelectorAll('#map path.leaflet-interactive')]
  .map((p) => [p.getBoundingClientRect(), 1]).filter(([r]) => r.width > 0);
const groups = [...document.querySelectorAll('#map .marker-cluster')]
  .map((g) => [g.getBoundingClientRect(), Number(g.textContent)]);
const all = [...lone, ...groups];
return [all.filter(([r]) => seen(r)).reduce((n, [, k]) => n + k, 0), all.reduce((n, [, k]) => n + k, 0)];
"""


def _in_view(driver) -> tuple[int, int]:
    """(markers a user sees in the map, markers drawn), groups counted by their number."""
    return tuple(driver.execute_script(IN_VIEW))


def _zoom(driver) -> int:
    return driver.execute_script("return map.getZoom()")


def _timeline_counts(driver) -> dict[str, int]:
    bars = _js(
        driver,
        "[...document.querySelectorAll('#timeline rect.bar')]"
        ".map(b => [b.dataset.day, Number(b.dataset.events)])",
    )
    return dict(bars)


def _choose_country(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.NAME, "country")
    field.clear()
    field.send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click()


def _ids_where(predicate) -> list[str]:
    return sorted(i for i, e in LATEST.items() if predicate(e))


def _settled(driver, expected: list[str], located: int | None = None) -> None:
    """The list shows EXPECTED and the map has fitted them: every marker in view, on
    two readings half a second apart (markers regroup for a moment after a zoom)."""
    wait_for(driver, lambda d: sorted(listed(d)) == expected, f"listed {expected}")
    if located is None:
        located = sum(1 for i in expected if LATEST[i].location)

    def steady(d) -> bool:
        if _in_view(d) != (located, located):
            return False
        time.sleep(0.5)
        return _in_view(d) == (located, located)

    try:
        wait_for(driver, steady, "every marker in view")
    except Exception:
        raise AssertionError(
            f"in view, of markers: {_in_view(driver)}; expected {located}"
        ) from None


def test_every_marker_is_in_view_on_load_with_a_legend_and_a_dated_timeline(served, browser):
    from selenium.webdriver.common.by import By

    base, _ = served
    open_dashboard(browser, base)
    _settled(browser, sorted(LATEST))
    assert len(LATEST) == LOCATED  # every seed event has a place: each must be seen
    legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
    for label in ("Battles", "Explosions/Remote violence", "Protests", "killed", "centroid"):
        assert label in legend
    # the timeline: a bar a day with events, dates on its axis, the counts adding up
    wait_for(browser, lambda d: sum(_timeline_counts(d).values()) == len(LATEST), "timeline")
    counts = _timeline_counts(browser)
    assert set(counts) == {e.event_date.isoformat() for e in LATEST.values()}
    dates = _js(
        browser, "[...document.querySelectorAll('#timeline text.date')].map(t => t.textContent)"
    )
    first, last = min(counts), max(counts)
    assert dates[0] == first and dates[-1] == last and len(dates) >= 3
    # the zoom stays where the bundled outlines still draw something
    assert _zoom(browser) <= 7
    _shot(browser, "loaded.png")


def test_a_country_by_name_narrows_map_list_and_timeline_and_refits_the_map(served, browser):
    from selenium.webdriver.common.by import By

    base, _ = served
    open_dashboard(browser, base)
    _settled(browser, sorted(LATEST))
    world_zoom = _zoom(browser)
    # the country field offers English names
    offered = _js(
        browser, "[...document.querySelectorAll('#country-names option')].map(o => o.value)"
    )
    assert "Azerbaijan" in offered and "Ukraine" in offered
    _choose_country(browser, "Azerbaijan")
    azerbaijan = _ids_where(lambda e: e.country == "AZ")
    _settled(browser, azerbaijan)
    assert _zoom(browser) > world_zoom  # fitted closer
    wait_for(browser, lambda d: sum(_timeline_counts(d).values()) == len(azerbaijan), "timeline")
    assert set(_timeline_counts(browser)) == {LATEST[i].event_date.isoformat() for i in azerbaijan}
    assert "country=AZ" in browser.current_url
    _shot(browser, "azerbaijan.png")
    # several, one of whose names holds a comma itself
    _choose_country(browser, "Bonaire, Saint Eustatius and Saba, azerbaijan")
    wait_for(browser, lambda d: "country=BQ%2CAZ" in d.current_url, "both, as ISO codes")
    _settled(browser, azerbaijan)
    # a name that is no country: told so, the view unchanged
    _choose_country(browser, "Atlantis")
    wait_for(
        browser, lambda d: 'no country "Atlantis"' in d.find_element(By.ID, "status").text, "told"
    )
    assert sorted(listed(browser)) == azerbaijan
    # Clear: everything again, fitted to the world's events
    browser.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    _settled(browser, sorted(LATEST))
    assert _zoom(browser) == world_zoom
    assert "?" not in browser.current_url


def test_a_range_dragged_on_the_timeline_narrows_the_list(served, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    base, _ = served
    open_dashboard(browser, base)
    wait_for(browser, lambda d: sum(_timeline_counts(d).values()) == len(LATEST), "timeline")
    # drag from the chart's start to just past the last bar of 2020
    autumn = sorted(e.event_date.isoformat() for e in LATEST.values() if e.event_date.year == 2020)
    chart = browser.find_element(By.CSS_SELECTOR, "#timeline svg")
    last_bar = browser.find_element(By.CSS_SELECTOR, f'#timeline rect.bar[data-day="{autumn[-1]}"]')
    box = _js(browser, "arguments[0].getBoundingClientRect().toJSON()", chart)
    bar = _js(browser, "arguments[0].getBoundingClientRect().toJSON()", last_bar)
    start_x = -box["width"] / 2 + 5  # left of the chart's first day, from its centre
    end_x = bar["right"] + 1 - (box["left"] + box["width"] / 2)
    ActionChains(browser).move_to_element_with_offset(
        chart, start_x, 0
    ).click_and_hold().move_to_element_with_offset(chart, end_x, 0).release().perform()
    wait_for(
        browser, lambda d: d.find_element(By.NAME, "date_to").get_attribute("value"), "dates set"
    )
    date_from = browser.find_element(By.NAME, "date_from").get_attribute("value")
    date_to = browser.find_element(By.NAME, "date_to").get_attribute("value")
    assert date_from <= autumn[0] and autumn[-1] <= date_to < "2021-01-01"
    in_2020 = _ids_where(lambda e: e.event_date.year == 2020)
    _settled(browser, in_2020)
    assert len(in_2020) < len(LATEST)
    # the rest of the timeline stays drawn, the chosen days marked
    assert sum(_timeline_counts(browser).values()) == len(LATEST)
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline rect.chosen")
    assert f"date_from={date_from}" in browser.current_url
    _shot(browser, "timeline-range.png")


def test_the_address_reproduces_the_view_after_a_reload_and_back_goes_back(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, _ = served
    open_dashboard(browser, base)
    _choose_country(browser, "Azerbaijan")
    azerbaijan = _ids_where(lambda e: e.country == "AZ")
    _settled(browser, azerbaijan)
    Select(browser.find_element(By.NAME, "type")).select_by_value("battles")
    browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click()
    battles = _ids_where(lambda e: e.country == "AZ" and e.event_type == "battles")
    nothing_or_some = battles
    wait_for(browser, lambda d: "type=battles" in d.current_url, "the type in the address")
    _settled(browser, nothing_or_some)
    link = browser.current_url
    browser.get("about:blank")
    browser.get(link)  # the link, opened afresh
    _settled(browser, battles)
    assert browser.find_element(By.NAME, "country").get_attribute("value") == "Azerbaijan"
    assert (
        Select(browser.find_element(By.NAME, "type")).first_selected_option.get_attribute("value")
        == "battles"
    )
    browser.refresh()
    _settled(browser, battles)
    browser.back()  # about:blank's entry is behind the link; go to the link's own history
    browser.forward()
    _settled(browser, battles)
    # history within the page: back to Azerbaijan alone, then to everything
    browser.get(f"{base}/")
    _settled(browser, sorted(LATEST))
    _choose_country(browser, "Azerbaijan")
    _settled(browser, azerbaijan)
    _choose_country(browser, "Ukraine")
    _settled(browser, _ids_where(lambda e: e.country == "UA"))
    browser.back()
    _settled(browser, azerbaijan)
    assert browser.find_element(By.NAME, "country").get_attribute("value") == "Azerbaijan"
    browser.back()
    _settled(browser, sorted(LATEST))
    browser.forward()
    _settled(browser, azerbaijan)
    _shot(browser, "after-back-and-forward.png")


def test_a_live_event_outside_the_map_is_announced_and_one_click_shows_it(served, browser):
    from selenium.webdriver.common.by import By

    base, database = served
    browser.get(f"{base}/?country=AZ")
    azerbaijan = _ids_where(lambda e: e.country == "AZ")
    _settled(browser, azerbaijan)
    time.sleep(1.0)  # the page's stream is open
    ganja = LATEST[azerbaijan[0]]
    far = ganja.model_copy(
        update={
            "event_id": "far-away",
            "version": 1,
            "location": ganja.location.model_copy(update={"lat": 40.0, "lon": 20.0}),
        }
    )
    upsert_events(connect(database), [far])
    wait_for(browser, lambda d: "far-away" in listed(d), "listed live")
    assert _in_view(browser)[0] == len(azerbaijan)  # not seen: the map stays where it was
    button = browser.find_element(By.CSS_SELECTOR, "#status button.outside")
    assert button.text == "1 outside the map: show"
    _shot(browser, "live-outside.png")
    button.click()
    _settled(browser, sorted([*azerbaijan, "far-away"]), located=len(azerbaijan) + 1)
    # the timeline counts it too
    wait_for(
        browser,
        lambda d: sum(_timeline_counts(d).values()) == len(azerbaijan) + 1,
        "the timeline recounted",
    )


def test_the_place_precision_is_shown_and_one_version_draws_no_toll_chart(served, browser):
    from selenium.webdriver.common.by import By

    base, _ = served
    open_dashboard(browser, base)
    district = next(e for e in LATEST.values() if e.location and e.location.precision == "admin2")
    assert district.version == 1
    item = browser.find_element(By.CSS_SELECTOR, f'#list li[data-id="{district.event_id}"]')
    assert "district centroid" in item.text
    item.find_element(By.TAG_NAME, "button").click()
    wait_for(browser, lambda d: d.find_element(By.ID, "panel").is_displayed(), "the panel opens")
    detail = browser.find_element(By.ID, "detail")
    wait_for(browser, lambda d: "district centroid" in detail.text, "the precision in the panel")
    assert detail.find_elements(By.CSS_SELECTOR, "svg.toll") == []
    assert "One report so far" in detail.text
    _shot(browser, "district-precision.png")
    browser.find_element(By.ID, "close").click()
    town = next(e for e in LATEST.values() if e.version > 1 and e.location)
    browser.find_element(By.CSS_SELECTOR, f'#list li[data-id="{town.event_id}"] button').click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#detail svg.toll"), "a chart")
    assert "the town itself" in browser.find_element(By.ID, "detail").text


def test_the_view_downloads_as_acled_csv_and_geojson(served, browser):
    base, _ = served
    open_dashboard(browser, base)
    _choose_country(browser, "Azerbaijan")
    azerbaijan = _ids_where(lambda e: e.country == "AZ")
    _settled(browser, azerbaijan)
    fetched = (
        "const done = arguments[arguments.length - 1];"
        "fetch(document.querySelector(arguments[0]).href).then(r => r.text()).then(done);"
    )
    table = browser.execute_async_script(fetched, "#download-csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert sorted(row["wirewatch_event_id"] for row in rows) == azerbaijan
    assert {row["country"] for row in rows} == {"Azerbaijan"}
    collection = json.loads(browser.execute_async_script(fetched, "#download-geojson"))
    assert sorted(f["properties"]["event_id"] for f in collection["features"]) == azerbaijan


def _alert_me(driver, kind: str, target: str, name: str) -> str:
    """Fill and send the "Alert me" form; the line it answers with."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    if not driver.find_element(By.ID, "alert-dialog").is_displayed():
        driver.find_element(By.ID, "alert-open").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "alert-dialog").is_displayed(), "dialog")
    form = driver.find_element(By.ID, "alert-form")
    Select(form.find_element(By.NAME, "kind")).select_by_value(kind)
    for field, value in (("name", name), ("target", target)):
        element = form.find_element(By.NAME, field)
        element.clear()
        element.send_keys(value)
    form.find_element(By.ID, "alert-create").click()
    result = driver.find_element(By.ID, "alert-result")
    wait_for(driver, lambda d: result.text and result.text != "saving…", "an answer")
    return result.text


def test_alert_me_saves_the_view_as_a_subscription_and_refuses_a_loopback_webhook(served, browser):
    from selenium.webdriver.common.by import By

    base, database = served
    open_dashboard(browser, base)
    _choose_country(browser, "Azerbaijan")
    _settled(browser, _ids_where(lambda e: e.country == "AZ"))
    refused = _alert_me(browser, "webhook", "http://127.0.0.1:9/hook", "az hook")
    assert "WIREWATCH_ALLOW_PRIVATE_ADDRESSES" in refused
    _shot(browser, "alert-refused.png")
    saved = _alert_me(browser, "file", "azerbaijan.jsonl", "az watch")
    assert 'Saved "az-watch"' in saved, saved
    _shot(browser, "alert-saved.png")
    browser.find_element(By.ID, "alert-cancel").click()
    subscription = store.get(store.connect(database), "az-watch")
    assert subscription is not None and subscription.countries == ["AZ"]
    box = subscription.bbox
    assert box is not None
    for event_id in _ids_where(lambda e: e.country == "AZ"):
        where = LATEST[event_id].location
        assert box.west <= where.lon <= box.east and box.south <= where.lat <= box.north
    assert store.get(store.connect(database), "az-hook") is None


@pytest.mark.kafka
def test_alert_me_receives_the_next_matching_event_replayed(
    pipeline_env, pipeline_settings, tmp_path, browser
):
    """The whole loop on a real broker: the page shows what is stored, "Alert me" on
    Azerbaijan saves a file subscription, then the pipeline replays a report of a new
    strike there; the alert lands in the file, and the event in the open page."""
    barda = {"barda-rocket-attack-caspian-daily.md", "barda-rocket-attack-northgate.md"}
    before = [e for e in SEED_VERSIONS if e.location is None or e.location.name != "Barda"]
    database = pipeline_settings.resolved_database_url
    upsert_events(connect(database), before)
    env = {
        **pipeline_env,
        "WIREWATCH_SUBSCRIPTIONS_REFRESH_SECONDS": "0.5",
        "WIREWATCH_TOPIC_PARTITIONS": "1",
    }
    served_env = {k: v for k, v in env.items() if k.startswith("WIREWATCH_")}
    with api_server(database, Path(env["WIREWATCH_STATE_DIR"]), **served_env) as base:
        azerbaijan_before = sorted({e.event_id for e in before if e.country == "AZ"})
        browser.get(f"{base}/?country=AZ")
        _settled(browser, azerbaijan_before)
        saved = _alert_me(browser, "file", "az.jsonl", "az first hour")
        assert 'Saved "az-first-hour"' in saved, saved
        replayed = tmp_path / "replayed"
        replayed.mkdir()
        for name in sorted(barda)[:1]:
            shutil.copy(SEEDS / name, replayed / name)
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                wirewatch_command("worker"), env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            replay = subprocess.run(
                wirewatch_command("replay", str(replayed)),
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert replay.returncode == 0, replay.stderr
            alerts = pipeline_settings.resolved_alert_files_dir / "az.jsonl"

            def delivered() -> list[dict]:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
                if not alerts.is_file():
                    return []
                return [json.loads(line) for line in alerts.read_text().splitlines()]

            found = wait_until(delivered, 180, interval=1.0, what="the alert in the file")
            assert [a["subscription_id"] for a in found] == ["az-first-hour"]
            event = found[0]["event"]
            assert event["country"] == "AZ" and event["location"]["name"] == "Barda"
            # and the open page shows it, live, and counts it in the timeline
            wait_for(browser, lambda d: event["event_id"] in listed(d), "listed live", 60)
            wait_for(
                browser,
                lambda d: sum(_timeline_counts(d).values()) == len(azerbaijan_before) + 1,
                "the timeline recounted",
            )
            _shot(browser, "alert-delivered.png")
        finally:
            worker.terminate()
            worker.wait(30)


def test_behind_a_token_the_signed_in_page_offers_names_and_saves_alerts(tmp_path, browser):
    """With a token set, the page signed in (the cookie /login leaves) gets the country
    names and saves a subscription; without signing in, the API refuses both."""
    import httpx
    from selenium.webdriver.common.by import By

    database = f"sqlite:///{tmp_path / 'events.db'}"
    upsert_events(connect(database), SEED_VERSIONS)
    token = "first-hour-s3cret"
    with api_server(database, tmp_path / "state", WIREWATCH_API_TOKEN=token) as base:
        refused = httpx.post(
            f"{base}/api/subscriptions",
            json={"id": "x", "delivery": {"kind": "file", "target": "x.jsonl"}},
        )
        assert refused.status_code == 401
        browser.get(f"{base}/")
        browser.find_element(By.NAME, "token").send_keys(token)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(browser, lambda d: len(listed(d)) == len(LATEST), "signed in, every event")
        _choose_country(browser, "Ukraine")
        ukraine = _ids_where(lambda e: e.country == "UA")
        _settled(browser, ukraine)
        saved = _alert_me(browser, "file", "ukraine.jsonl", "ua watch")
        assert 'Saved "ua-watch"' in saved, saved
    subscription = store.get(store.connect(database), "ua-watch")
    assert subscription is not None and subscription.countries == ["UA"]
