"""The browser tests' rule when no Chromium is found (tests/browser.py): skipped,
saying how to install one, on a developer's machine; failed under CI, where a skip
would let the dashboard's tests pass unseen. Run without a browser: the lookup is
pointed at a path that does not exist."""

from __future__ import annotations

import pytest

import tests.browser as browser

MISSING = "/nonexistent/wirewatch-test/chromium"


def _stopped(environ: dict[str, str]) -> tuple[str, str]:
    """How browser_for_tests stopped the test: ("failed" or "skipped", its message)."""
    try:
        found = browser.browser_for_tests(environ)
    except pytest.fail.Exception as stop:
        return "failed", str(stop)
    except pytest.skip.Exception as stop:
        return "skipped", str(stop)
    raise AssertionError(f"a browser was found at a path that does not exist: {found}")


@pytest.fixture(autouse=True)
def _no_browser(monkeypatch) -> None:
    monkeypatch.setattr(browser, "BROWSERS", (MISSING,))
    assert browser.installed_browser() is None


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_a_missing_browser_fails_under_ci(value):
    outcome, message = _stopped({"CI": value})
    assert outcome == "failed"
    assert "make browser" in message and browser.INSTALL_AS_ROOT in message


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}])
def test_a_missing_browser_is_skipped_elsewhere_saying_how_to_install_one(environ):
    outcome, message = _stopped(environ)
    assert outcome == "skipped"
    assert "make browser" in message and browser.INSTALL_AS_ROOT in message
