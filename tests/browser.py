"""A real browser for tests: Debian's Chromium, driven by Playwright (no browser download).

`./dev test` installs Debian's `chromium` (scripts/chromium); Playwright comes from PyPI and is
pointed at /usr/bin/chromium (or GRIDWORKS_CHROMIUM). Tests get a `page` through the
`browser_page` fixture (tests/conftest.py) and save screenshots of what they looked at with
`screenshot(page, name)` under SCREENSHOTS (`test-artifacts/screenshots/`, named in the README).

Playwright's sync API runs an asyncio loop on the test's thread while it is open, so the browser
lives for one module at a time (`scope="module"`), and modules that drive a browser do their
asyncio work in other threads or processes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

# Chromium as the machine's closed network wants it: no sandbox as root, no background
# connections (each one is refused, many at a time), a throw-away profile per launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("GRIDWORKS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            f"no Chromium at {path}: `./dev test` installs Debian's chromium package "
            "(scripts/chromium); or set GRIDWORKS_CHROMIUM to a Chromium binary"
        )
    return path


@contextmanager
def open_browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Page, name: str) -> Path:
    """Saves a full-page PNG of `page` as SCREENSHOTS/`name`.png; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
