"""Which Chromium and ChromeDriver the dashboard's browser tests drive: the first
browser on PATH (chromium, chromium-browser, google-chrome, google-chrome-stable) with a
ChromeDriver of the same major version (on PATH, or beside Debian's Chromium). Found,
never downloaded: `make browser` runs this module and, as root, installs Debian's
packages when it finds none; without root it stops naming the command to run as root.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver")
INSTALL_AS_ROOT = "apt-get update && apt-get install -y chromium chromium-driver"


def major_version(version_line: str) -> int | None:
    """The major version in a `--version` line ("Chromium 156.0.8078.129 built on ...",
    "ChromeDriver 156.0.8078.129 (...)"); None when it names none."""
    found = re.search(r"\b(\d+)\.\d+\.\d+", version_line)
    return int(found.group(1)) if found else None


def find_pair(
    which: Callable[[str], str | None], version_of: Callable[[str], str]
) -> tuple[Path, Path] | None:
    """The first browser among BROWSERS with a driver among DRIVERS whose major versions
    agree (a driver answers only a browser of its own version); None when there is none."""
    drivers = [found for name in DRIVERS if (found := which(name))]
    for name in BROWSERS:
        browser = which(name)
        if browser is None:
            continue
        wanted = major_version(version_of(browser))
        for driver in drivers:
            if wanted is not None and major_version(version_of(driver)) == wanted:
                return Path(browser), Path(driver)
    return None


def _version_line(program: str) -> str:
    try:
        done = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def _which(name: str) -> str | None:
    if "/" in name:
        return name if Path(name).is_file() and os.access(name, os.X_OK) else None
    return shutil.which(name)


def installed_browser() -> tuple[Path, Path] | None:
    """This machine's Chromium and its ChromeDriver, when it has both."""
    return find_pair(_which, _version_line)


def under_ci(environ: Mapping[str, str]) -> bool:
    """CI=true (or 1, yes), as CI services set it."""
    return environ.get("CI", "").lower() in ("true", "1", "yes")


def browser_for_tests(environ: Mapping[str, str]) -> tuple[Path, Path]:
    """The machine's Chromium and ChromeDriver for the browser tests. Without them the
    tests are skipped, saying how to install them; under CI they fail instead: CI must
    run them, and a skip there would pass unseen."""
    import pytest

    found = installed_browser()
    if found is None:
        missing = f"no Chromium with its ChromeDriver: `make browser` (as root: {INSTALL_AS_ROOT})"
        if under_ci(environ):
            pytest.fail(missing)
        pytest.skip(missing)
    return found


def main() -> int:
    found = installed_browser()
    if found is None:
        print(
            "no Chromium with a ChromeDriver of its version on this machine "
            f"(looked for {', '.join(BROWSERS)}); as root: {INSTALL_AS_ROOT}"
        )
        return 1
    print(f"Chromium and ChromeDriver found: {found[0]}, {found[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
