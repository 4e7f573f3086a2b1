"""The dashboard in a real browser: live, following a small `gridworks sim millinocket` run in a
subprocess, then the same charts in the report.html it wrote; and strings from the run that
look like markup shown as text, in the page and in the report.

The run and the hostile dashboard's server run outside this thread (Playwright's sync API holds
an asyncio loop on it): the run in a subprocess, the server on `start_dashboard`'s thread.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridworks.markets.clearing import Clearing
from gridworks.sim import report
from gridworks.sim.dashboard.recorder import Recorder
from gridworks.sim.dashboard.records import HomeRef, RunInfo
from gridworks.sim.dashboard.server import start_dashboard
from gridworks.sim.results import Messages, Summary
from tests.browser import screenshot
from tests.sim.test_dashboard_recorder import START, curve
from tests.sim.test_report import _run

RUN_TIMEOUT_MS = 240_000

CHART_POINTS = """(key) => {
  const chart = window.gridworksDashboard && window.gridworksDashboard.charts[key];
  if (!chart) return 0;
  return chart.mode === 2 ? chart.data.slice(1).reduce((n, s) => n + s[0].length, 0)
                          : chart.data[0].length;
}"""
SERIES = """(key) => window.gridworksDashboard.charts[key].series.length - 1"""


class Lines:
    """A subprocess's stdout, line by line, read on a thread (so waits can time out)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self.lines.put(x) for x in stdout], daemon=True).start()

    def until(self, prefix: str, timeout_s: float = 240.0) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout_s)
            except queue.Empty:
                raise AssertionError(f"no line {prefix!r} in:\n{''.join(self.seen)}") from None
            self.seen.append(line)
            if line.startswith(prefix):
                return line.strip()


@pytest.fixture
def sim_run(tmp_path: Path) -> Iterator[tuple[Lines, Path]]:
    out = tmp_path / "report"
    process = subprocess.Popen(
        [
            sys.executable, "-c", "import sys; from gridworks.cli import main; sys.exit(main())",
            "sim", "millinocket", "--homes", "3", "--days", "1", "--start", "2020-01-17",
            "--no-progress", "--out", str(out), "--dashboard-port", "0",
            "--dashboard-linger", "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        yield Lines(process), out
    finally:
        process.send_signal(signal.SIGINT)  # ends the lingering dashboard (or the run, cleanly)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _no_network(page: Any, allowed: str) -> list[str]:
    """Records (and refuses) every request that does not start with `allowed`."""
    elsewhere: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(allowed) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return elsewhere


def test_the_dashboard_follows_the_run_live_and_the_report_draws_the_same_charts(
    browser_page: Any, sim_run: tuple[Lines, Path]
) -> None:
    page = browser_page
    lines, out = sim_run
    url = lines.until("dashboard: ").removeprefix("dashboard: ")
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    elsewhere = _no_network(page, url)
    page.goto(url + "?poll_ms=100")
    page.evaluate("() => { window.__sameDocument = true; }")

    # the price and load chart gains points while the run goes, with no reload
    page.wait_for_function(f"({CHART_POINTS})('chart-price-load') > 0", timeout=RUN_TIMEOUT_MS)
    first = page.evaluate(CHART_POINTS, "chart-price-load")
    page.wait_for_function(
        f"({CHART_POINTS})('chart-price-load') > {first}", timeout=RUN_TIMEOUT_MS
    )
    assert first < 25  # seen before the last of the 24 slots (each drawn to its end: +1)
    page.wait_for_function(
        "document.getElementById('status').textContent.includes(': done;')",
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_function(f"({CHART_POINTS})('chart-price-load') === 25")
    assert page.evaluate("() => window.__sameDocument") is True

    # the homes (three by default), the messages and the latest slot's book
    polls = page.evaluate("() => window.gridworksDashboard.polls")
    page.wait_for_function(f"window.gridworksDashboard.polls > {polls}")
    for key in ("chart-home-store", "chart-home-power"):
        assert page.evaluate(CHART_POINTS, key) == 25
        assert page.evaluate(SERIES, key) == 3
    assert page.evaluate(CHART_POINTS, "chart-book") > 0
    assert page.evaluate(CHART_POINTS, "chart-messages") > 0
    counts = dict(
        page.locator("#message-counts tbody tr").evaluate_all(
            "rows => rows.map(r => [r.cells[0].textContent, Number(r.cells[1].textContent)])"
        )
    )
    assert counts["sent"] > 0 and counts["accepted"] > 0
    assert counts["refused: SCHEMA"] == 1 and counts["refused: NOT_COUNTERPARTY"] == 2
    assert page.locator("#book-awards tbody tr").count() == 3
    screenshot(page, "dashboard-live")

    # the user picks one home, and an earlier slot's book
    page.select_option("#homes-select", index=1)
    page.wait_for_function(f"({SERIES})('chart-home-store') === 1")
    slot = page.locator("#book-select option").nth(5).get_attribute("value")
    page.select_option("#book-select", value=slot)
    page.wait_for_function(f"window.gridworksDashboard.book === {slot}")
    assert slot in page.locator("#book-summary").text_content()
    polls = page.evaluate("() => window.gridworksDashboard.polls")
    page.wait_for_function(f"window.gridworksDashboard.polls > {polls + 1}")
    assert page.evaluate(SERIES, "chart-home-store") == 1  # the polls keep the pick
    assert page.evaluate("() => window.gridworksDashboard.book") == int(slot)
    screenshot(page, "dashboard-picked")
    assert errors == [] and elsewhere == []

    # the report: the same charts from the finished run's data, nothing fetched
    lines.until("report: ")
    report_page = page.context.new_page()
    report_page.on("pageerror", lambda error: errors.append(str(error)))
    elsewhere = _no_network(report_page, "file://")
    report_page.goto((out / "report.html").as_uri())
    report_page.wait_for_function(
        "window.gridworksDashboard && window.gridworksDashboard.polls > 0"
    )
    for key in ("chart-price-load", "chart-home-store", "chart-home-power"):
        assert report_page.evaluate(CHART_POINTS, key) == 25, key
    assert report_page.evaluate(CHART_POINTS, "chart-book") > 0
    assert report_page.evaluate(CHART_POINTS, "chart-messages") > 0
    assert report_page.locator("canvas").count() >= 5
    assert report_page.locator("table.results").count() == 1
    screenshot(report_page, "report")
    assert errors == [] and elsewhere == []


HOSTILE_ALIAS = "<script>window.__pwned=1</script>"
HOSTILE_HOUSE = "<img src=x onerror=window.__pwned=2>"
HOSTILE_REASON = "<img src=x onerror=window.__pwned=3>"


def _hostile_recorder() -> Recorder:
    info = RunInfo(title="<b>t</b>", homes=1, hours=1, start_s=START, feeder_kw=10.0)
    recorder = Recorder(info, [HomeRef(alias=HOSTILE_ALIAS, house=HOSTILE_HOUSE)])
    recorder.cleared(
        f"rt60gate5.{HOSTILE_REASON}.{START}",
        START,
        Clearing(price_usd_per_mwh=30.0, quantity_kw=4.0, bought_kw={HOSTILE_ALIAS: 4.0}),
        {HOSTILE_ALIAS: curve((10_000.0, 2.0), (50.0, 4.0))},
        grid_usd_per_mwh=30.0,
        feeder_kw=10.0,
    )
    recorder.reported(HOSTILE_ALIAS, START, 5.0, 4.0)
    recorder.messages(1, 1, {})
    recorder.messages(3, 2, {HOSTILE_REASON: 1})
    return recorder


def _shows_as_text(page: Any) -> None:
    page.wait_for_function("window.gridworksDashboard && window.gridworksDashboard.polls > 0")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0 or all(
        src != "x"
        for src in page.locator("img").evaluate_all("i => i.map(e => e.getAttribute('src'))")
    )
    option = page.locator("#homes-select option").first.text_content()
    assert option == f"{HOSTILE_ALIAS} ({HOSTILE_HOUSE})"
    assert page.locator("#book-awards tbody th").first.text_content() == HOSTILE_ALIAS
    rows = page.locator("#message-counts tbody th").all_text_contents()
    assert f"refused: {HOSTILE_REASON}" in rows
    assert HOSTILE_REASON in page.locator("#book-summary").text_content()
    assert page.locator("#dashboard script").count() == 0
    for key in ("chart-price-load", "chart-home-store", "chart-home-power", "chart-book"):
        assert page.evaluate(CHART_POINTS, key) > 0, key
    for key in ("chart-home-store", "chart-home-power"):  # the home's series drawn
        assert page.evaluate(SERIES, key) == 1, key
        assert page.evaluate(f"window.gridworksDashboard.charts['{key}'].data[1][1]") is not None


def test_strings_from_the_run_show_as_text_in_the_page_and_the_report(
    browser_page: Any, tmp_path: Path
) -> None:
    recorder = _hostile_recorder()
    dashboard = start_dashboard(recorder)
    try:
        browser_page.goto(dashboard.url)
        _shows_as_text(browser_page)
        screenshot(browser_page, "dashboard-hostile")
    finally:
        dashboard.stop()

    market, baseline = _run("market", 0.25, True, 9.0), _run("baseline", 0.3, False, 12.0)
    summary = Summary.of(
        market, baseline, seed=1, feeder_limit_mw=0.01,
        messages=Messages(sent=3, verified=2, refused=1), wall_s=1.0,
    )  # fmt: skip
    page_path = report.write_report(
        market, baseline, summary, {HOSTILE_REASON: 1}, tmp_path, dashboard=recorder.report_data()
    )
    text = page_path.read_text(encoding="utf-8")
    assert HOSTILE_ALIAS not in text and HOSTILE_HOUSE not in text and HOSTILE_REASON not in text
    browser_page.goto(page_path.as_uri())
    _shows_as_text(browser_page)
    assert browser_page.locator("table.refused th").last.text_content() == HOSTILE_REASON
