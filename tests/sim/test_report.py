"""The report: the text table's numbers, the PNGs, and a self-contained, escaped HTML page."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import matplotlib.image
import pytest

from gridworks.sim import report
from gridworks.sim.results import HomeTrace, Messages, RunOutcome, Slot, Summary

START_S = 1_700_000_000 // 3600 * 3600
HOURS = 48
NEGATIVE_HOUR = 5
CONGESTED_HOUR = 10
LIMIT_MW = 0.010
HOSTILE = "<script>alert(1)</script>"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run(name: str, cost_per_hour: float, congested: bool, peak_kw: float) -> RunOutcome:
    slots = [
        Slot(
            start_s=START_S + h * 3600,
            rt_lmp_usd_per_mwh=-20.0 if h == NEGATIVE_HOUR else 30.0 + h,
            retail_usd_per_mwh=80.0 + h,
            price_usd_per_mwh=(200.0 if congested and h == CONGESTED_HOUR else 80.0 + h),
            load_kw=peak_kw if h == CONGESTED_HOUR else (7.5 if h == NEGATIVE_HOUR else 6.0),
            feeder_limited=congested and h == CONGESTED_HOUR,
        )
        for h in range(HOURS)
    ]
    houses = ["cape", "cape", "ranch & <b>barn</b> $\\nosuchcommand$"]
    homes = [
        HomeTrace(
            alias=f"home-{i}",
            house=house,
            energy_kwh=[2.0] * HOURS,
            cost_usd=[cost_per_hour * (i + 1)] * HOURS,
            store_kwh_th=[10.0 + (h % 24) * (i + 1) for h in range(HOURS)],
            unserved_kwh_th=[0.5 if name == "baseline" and h == 3 else 0.0 for h in range(HOURS)],
        )
        for i, house in enumerate(houses)
    ]
    return RunOutcome(name=name, slots=slots, homes=homes)


@pytest.fixture(scope="module")
def runs() -> tuple[RunOutcome, RunOutcome, Summary]:
    market = _run("market", 0.25, congested=True, peak_kw=9.0)
    baseline = _run("baseline", 0.30, congested=False, peak_kw=12.0)
    summary = Summary.of(
        market,
        baseline,
        seed=7,
        feeder_limit_mw=LIMIT_MW,
        messages=Messages(sent=1_234, verified=1_230, refused=4),
        wall_s=3.25,
    )
    return market, baseline, summary


REFUSED = {"bad signature": 3, HOSTILE: 1, "never": 0}


@pytest.fixture(scope="module")
def written(
    runs: tuple[RunOutcome, RunOutcome, Summary], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    market, baseline, summary = runs
    folder = tmp_path_factory.mktemp("report") / "nested" / "out"
    return folder, report.write_report(market, baseline, summary, REFUSED, folder)


def _cells(table: str, label: str) -> list[str]:
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in\n{table}")


def test_the_table_shows_the_summary_numbers_and_differences(
    runs: tuple[RunOutcome, RunOutcome, Summary],
) -> None:
    market, baseline, summary = runs
    table = report.results_table(summary, REFUSED)
    assert summary.cost_usd.market == pytest.approx(72.0)  # 0.25 * (1 + 2 + 3) * 48
    assert summary.cost_usd.baseline == pytest.approx(86.4)

    assert _cells(table, "cost total (USD)")[1:] == ["72.00", "86.40", "-14.40 (-16.7%)"]
    assert _cells(table, "cost per home (USD)")[1:] == ["24.00", "28.80", "-4.80 (-16.7%)"]
    assert _cells(table, "energy bought (MWh)")[1:] == ["0.29", "0.29", "+0.00 (+0.0%)"]
    assert _cells(table, "drawn in negative-price hours (MWh)")[1:3] == ["0.01", "0.01"]
    # The baseline was short 0.5 kWh th in one hour in each of 3 homes; the market never was.
    assert _cells(table, "unserved heat (kWh th)")[1:] == ["0.0", "1.5", "-1.5 (-100.0%)"]
    peak = _cells(table, "peak feeder load (MW; limit 0.010)")
    assert peak[1:] == ["0.009 (90% of limit)", "0.012 (120% of limit)", "-0.003 (-25.0%)"]
    assert _cells(table, "congested hours (h)")[1:] == ["1", report.DASH, report.DASH]
    assert "difference (market − baseline)" in table.splitlines()[1]

    assert "messages: 1,234 sent, 1,230 verified, 4 refused" in table
    lines = table.splitlines()
    reasons = lines[lines.index("refused by reason:") + 1 :]
    assert reasons == ["  bad signature: 3", f"  {HOSTILE}: 1"]  # most first; zero counts left out


def test_the_table_has_thousands_separators_and_no_reasons_section_when_none_refused(
    runs: tuple[RunOutcome, RunOutcome, Summary],
) -> None:
    _, _, summary = runs
    big = summary.model_copy(
        update={"cost_usd": summary.cost_usd.model_copy(update={"market": 1_234_567.891})}
    )
    table = report.results_table(big, {})
    assert _cells(table, "cost total (USD)")[1] == "1,234,567.89"
    assert _cells(table, "cost per home (USD)")[1] == "411,522.63"
    assert "refused by reason" not in table


def test_plots_are_pngs_of_the_figure_size(written: tuple[Path, Path]) -> None:
    folder, _ = written
    for name in report.PLOT_NAMES:
        path = folder / name
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        assert 10_000 < len(data) < 1_000_000, (name, len(data))
        image = matplotlib.image.imread(path)
        assert image.shape[:2] == (400, 1000), name  # figsize (10, 4) at 100 dpi
        assert image.std() > 0.01, name  # something was drawn


def test_write_plots_returns_its_paths_and_shows_fewer_homes_when_asked(
    runs: tuple[RunOutcome, RunOutcome, Summary], tmp_path: Path
) -> None:
    market, baseline, summary = runs
    plots = report.write_plots(market, baseline, summary, tmp_path / "p", homes_shown=1)
    assert list(plots) == list(report.PLOT_NAMES)
    assert all(p == tmp_path / "p" / n and p.is_file() for n, p in plots.items())


def test_the_html_stands_alone_and_escapes_the_data(
    runs: tuple[RunOutcome, RunOutcome, Summary], written: tuple[Path, Path]
) -> None:
    folder, path = written
    _, _, summary = runs
    assert path == folder / "report.html"
    page = path.read_text(encoding="utf-8")

    assert page.startswith("<!DOCTYPE html>")
    assert "<table" in page
    for value in ("72.00", "86.40", "-14.40 (-16.7%)", "24.00", "28.80", "-4.80 (-16.7%)"):
        assert f'<td class="num">{value}</td>' in page, value
    assert "<th>cost per home (USD)</th>" in page
    assert '<td class="num">1,234</td>' in page  # messages sent
    assert '<td class="num">3.25</td>' in page  # wall_s
    assert '<td class="num">7</td>' in page  # seed

    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the scripts are the charts' data, uPlot and the dashboard's script, all inline
    assert page.lower().count("<script") == 3
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/json" id="dashboard-data">',
        "<script>",
        "<script>",
    ]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.IGNORECASE)
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(https?:|//)", page)
    assert "http://" not in page  # uPlot's banner names its https home page, a comment

    sources = re.findall(r'<img src="([^"]*)"', page)
    assert len(sources) == len(report.EMBEDDED_PLOTS)
    for source, name in zip(sources, report.EMBEDDED_PLOTS, strict=True):
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        png = base64.b64decode(source[len(prefix) :], validate=True)
        assert png == (folder / name).read_bytes()


def test_the_html_embeds_the_charts_data_as_json_with_no_markup_in_it(
    runs: tuple[RunOutcome, RunOutcome, Summary], written: tuple[Path, Path]
) -> None:
    market, _, summary = runs
    page = written[1].read_text(encoding="utf-8")
    found = re.search(
        r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.DOTALL
    )
    assert found is not None
    text = found.group(1)
    assert "<" not in text and ">" not in text  # so no "</script>" can end it early
    data = json.loads(text)
    assert [s["price_usd_per_mwh"] for s in data["state"]["slots"]] == [
        s.price_usd_per_mwh for s in market.slots
    ]
    assert data["state"]["run"]["feeder_kw"] == pytest.approx(LIMIT_MW * 1000)
    assert data["state"]["totals"]["refused"] == {"bad signature": 3, HOSTILE: 1}
    assert data["homes"]["home-2"]["house"] == "ranch & <b>barn</b> $\\nosuchcommand$"
    assert data["homes"]["home-0"]["store_kwh_th"] == market.homes[0].store_kwh_th
    assert data["books"] == {}  # the results alone have no books: a recorded run's have
    assert 'id="chart-price-load"' in page and 'data-source="report"' in page


def test_write_html_escapes_the_title_and_plot_names(
    runs: tuple[RunOutcome, RunOutcome, Summary], written: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = written
    _, _, summary = runs
    plots = {HOSTILE: folder / "cost_comparison.png"}
    path = report.write_html(summary, {}, plots, tmp_path / "r.html", title=f"A {HOSTILE}")
    page = path.read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "<title>A &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "Refused by reason" not in page
