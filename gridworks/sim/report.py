"""The Millinocket run's report: the results table as text, three plots (PNG) and one self-contained
HTML page that holds the table, the run's parameters, the dashboard's charts (uPlot and the run's
data inlined, `gridworks.sim.dashboard.page`) and the cost comparison plot; nothing is fetched.

The plots are drawn on `matplotlib.figure.Figure` objects with the Agg canvas: no pyplot, so no
global figure registry to leak into and nothing that changes the process's backend.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from gridworks.sim.dashboard import page as dashboard_page
from gridworks.sim.dashboard.recorder import from_outcome
from gridworks.sim.dashboard.records import MessageTotals, ReportData
from gridworks.sim.results import HomeTrace, Pair, RunOutcome, Slot, Summary
from gridworks.table import format_table

FIGSIZE = (10.0, 4.0)
DPI = 100
HOUR_S = 3600

PLOT_NAMES = ("price_load.png", "store_energy.png", "cost_comparison.png")
EMBEDDED_PLOTS = ("cost_comparison.png",)
"""The plots report.html carries as images; the others it draws as the dashboard's charts."""

DASH = "–"

# --- the results table --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    market: str
    baseline: str
    difference: str


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _difference(pair: Pair, decimals: int, *, percent: bool = True) -> str:
    delta = pair.market - pair.baseline
    text = f"{delta:+,.{decimals}f}"
    if percent and pair.baseline != 0:
        text += f" ({delta / abs(pair.baseline) * 100:+.1f}%)"
    return text.replace("$", r"\$")


def _pair_row(label: str, pair: Pair, decimals: int, *, percent: bool = True) -> _Row:
    return _Row(
        label,
        _number(pair.market, decimals),
        _number(pair.baseline, decimals),
        _difference(pair, decimals, percent=percent),
    )


def _of_limit(peak_mw: float, limit_mw: float) -> str:
    text = _number(peak_mw, 3)
    if limit_mw > 0:
        text += f" ({peak_mw / limit_mw * 100:.0f}% of limit)"
    return text.replace("$", r"\$")


def _rows(summary: Summary) -> list[_Row]:
    homes = max(summary.homes, 1)
    per_home = Pair(
        market=summary.cost_usd.market / homes, baseline=summary.cost_usd.baseline / homes
    )
    feeder = summary.feeder
    peak = Pair(market=feeder.peak_mw_market, baseline=feeder.peak_mw_baseline)
    return [
        _pair_row("energy bought (MWh)", summary.energy_mwh, 2),
        _pair_row("cost total (USD)", summary.cost_usd, 2),
        _pair_row("cost per home (USD)", per_home, 2),
        _pair_row("drawn in negative-price hours (MWh)", summary.energy_mwh_negative_price, 2),
        _pair_row("unserved heat (kWh th)", summary.unserved_heat_kwh_th, 1),
        _Row(
            f"peak feeder load (MW; limit {_number(feeder.limit_mw, 3)})",
            _of_limit(feeder.peak_mw_market, feeder.limit_mw),
            _of_limit(feeder.peak_mw_baseline, feeder.limit_mw),
            _difference(peak, 3),
        ),
        # The summary counts congested hours for the market run only (the baseline has no
        # clearing that the feeder could limit).
        _Row("congested hours (h)", f"{feeder.congested_hours:,}", DASH, DASH),
    ]


HEADER = ("", "market", "baseline", "difference (market − baseline)")


def _messages_line(summary: Summary) -> str:
    m = summary.messages
    return f"messages: {m.sent:,} sent, {m.verified:,} verified, {m.refused:,} refused"


def _reasons(refused_by_reason: Mapping[str, int]) -> list[tuple[str, int]]:
    """Most frequent first, then by name."""
    return sorted(
        ((r, n) for r, n in refused_by_reason.items() if n), key=lambda rn: (-rn[1], rn[0])
    )


def results_table(summary: Summary, refused_by_reason: Mapping[str, int]) -> str:
    """The results table (market | baseline | difference), then the message counts and, if any
    message was refused, the count per reason."""
    rows = [(r.label, r.market, r.baseline, r.difference) for r in _rows(summary)]
    lines = [format_table(HEADER, rows), _messages_line(summary)]
    reasons = _reasons(refused_by_reason)
    if reasons:
        lines.append("refused by reason:")
        lines.extend(f"  {reason}: {count:,}" for reason, count in reasons)
    return "\n".join(lines)


# --- plots --------------------------------------------------------------------------------------


def _time(start_s: int) -> float:
    """Unix seconds as a matplotlib date number (the axes show them as UTC datetimes)."""
    return float(date2num(datetime.fromtimestamp(start_s, tz=UTC)))


def _slot_s(slots: Sequence[Slot]) -> int:
    if len(slots) >= 2 and slots[1].start_s > slots[0].start_s:
        return slots[1].start_s - slots[0].start_s
    return HOUR_S


def _steps(
    slots: Sequence[Slot], value: Callable[[Slot], float]
) -> tuple[list[float], list[float]]:
    """Slot starts plus the last slot's end, and the values with the last one repeated: a
    `where="post"` step line then covers every slot to its end."""
    if not slots:
        return [], []
    xs = [_time(s.start_s) for s in slots] + [_time(slots[-1].start_s + _slot_s(slots))]
    ys = [value(s) for s in slots]
    return xs, [*ys, ys[-1]]


def _negative_spans(slots: Sequence[Slot]) -> list[tuple[int, int]]:
    """(start_s, end_s) of each run of consecutive slots whose real-time price was below zero."""
    length = _slot_s(slots)
    spans: list[tuple[int, int]] = []
    for s in slots:
        if s.rt_lmp_usd_per_mwh >= 0:
            continue
        if spans and spans[-1][1] == s.start_s:
            spans[-1] = (spans[-1][0], s.start_s + length)
        else:
            spans.append((s.start_s, s.start_s + length))
    return spans


def _plain(text: str) -> str:
    """Data as literal plot text: a "$" would otherwise start mathtext (and fail to parse)."""
    return text.replace("$", r"\$")


def _figure() -> Figure:
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _date_axis(ax: Axes) -> None:
    locator = AutoDateLocator(tz=UTC)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=UTC))
    ax.set_xlabel("simulated time (UTC)")


def _save(figure: Figure, path: Path) -> Path:
    # No "Software" text chunk: it carries matplotlib's web address into the PNG.
    figure.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    figure.clear()
    return path


def _price_load(market: RunOutcome, baseline: RunOutcome, summary: Summary, path: Path) -> Path:
    figure = _figure()
    price = figure.add_subplot()
    load = price.twinx()
    for start, end in _negative_spans(market.slots):
        price.axvspan(_time(start), _time(end), color="tab:green", alpha=0.15, lw=0)
    handles: list[Artist] = []
    if market.slots:
        xs, ys = _steps(market.slots, lambda s: s.price_usd_per_mwh)
        handles += price.step(xs, ys, where="post", color="tab:blue", label="clearing price")
        xs, ys = _steps(market.slots, lambda s: s.rt_lmp_usd_per_mwh)
        handles += price.step(xs, ys, where="post", color="tab:gray", lw=1, label="real-time LMP")
        xs, ys = _steps(market.slots, lambda s: s.load_kw)
        handles += load.step(xs, ys, where="post", color="tab:orange", label="load, market")
    if baseline.slots:
        xs, ys = _steps(baseline.slots, lambda s: s.load_kw)
        handles += load.step(
            xs, ys, where="post", color="tab:red", ls="--", lw=1, label="load, baseline"
        )
    handles.append(
        load.axhline(summary.feeder.limit_mw * 1000, color="black", ls=":", label="feeder limit")
    )
    if _negative_spans(market.slots):
        handles.append(Patch(color="tab:green", alpha=0.15, lw=0, label="negative price"))
    price.axhline(0, color="black", lw=0.5)
    price.set_ylabel("price (USD/MWh)")
    load.set_ylabel("load (kW)")
    load.set_ylim(bottom=0)
    _date_axis(price)
    price.set_title("Clearing price, real-time LMP and feeder load")
    price.legend(handles=handles, loc="upper left", fontsize="small", ncols=3)
    return _save(figure, path)


def _store_energy(market: RunOutcome, baseline: RunOutcome, shown: int, path: Path) -> Path:
    figure = _figure()
    ax = figure.add_subplot()
    by_alias = {h.alias: h for h in baseline.homes}
    # The store is read at each hour's end.
    ends = [_time(s.start_s + _slot_s(market.slots)) for s in market.slots]
    for i, home in enumerate(market.homes[: max(shown, 0)]):
        color = f"C{i % 10}"
        n = min(len(ends), len(home.store_kwh_th))
        ax.plot(
            ends[:n],
            home.store_kwh_th[:n],
            color=color,
            label=_plain(f"{home.alias} ({home.house})"),
        )
        other = by_alias.get(home.alias)
        if other is None and i < len(baseline.homes):
            other = baseline.homes[i]
        if other is not None:
            n = min(len(ends), len(other.store_kwh_th))
            ax.plot(
                ends[:n],
                other.store_kwh_th[:n],
                color=color,
                ls="--",
                lw=1,
                label=_plain(f"{other.alias}, baseline"),
            )
    ax.set_ylabel("store energy (kWh th)")
    _date_axis(ax)
    ax.set_title("Thermal store, market (solid) and baseline (dashed)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize="small", ncols=2)
    return _save(figure, path)


def _mean_cost(homes: Sequence[HomeTrace]) -> float:
    return sum(sum(h.cost_usd) for h in homes) / len(homes) if homes else 0.0


def _by_house(homes: Sequence[HomeTrace]) -> dict[str, list[HomeTrace]]:
    groups: dict[str, list[HomeTrace]] = {}
    for home in homes:
        groups.setdefault(home.house, []).append(home)
    return groups


def _cost_comparison(market: RunOutcome, baseline: RunOutcome, path: Path) -> Path:
    figure = _figure()
    ax = figure.add_subplot()
    market_groups = _by_house(market.homes)
    baseline_groups = _by_house(baseline.homes)
    houses = sorted(market_groups.keys() | baseline_groups.keys())
    labels = [f"all homes ({len(market.homes)})"] + [
        _plain(f"{house} ({len(market_groups.get(house, []))})") for house in houses
    ]
    market_means = [_mean_cost(market.homes)] + [
        _mean_cost(market_groups.get(h, [])) for h in houses
    ]
    baseline_means = [_mean_cost(baseline.homes)] + [
        _mean_cost(baseline_groups.get(h, [])) for h in houses
    ]
    width = 0.38
    xs = range(len(labels))
    bars = ax.bar([x - width / 2 for x in xs], market_means, width, label="market")
    ax.bar_label(bars, fmt="%.2f", fontsize="small")
    bars = ax.bar([x + width / 2 for x in xs], baseline_means, width, label="baseline")
    ax.bar_label(bars, fmt="%.2f", fontsize="small")
    ax.set_xticks(list(xs), labels, rotation=30, ha="right")  # long labels stay apart
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("house type (homes)")
    ax.set_ylabel("cost per home (USD)")
    ax.set_title("Mean cost per home, market vs baseline")
    ax.legend(fontsize="small")
    return _save(figure, path)


def write_plots(
    market: RunOutcome,
    baseline: RunOutcome,
    summary: Summary,
    folder: Path,
    homes_shown: int = 3,
) -> dict[str, Path]:
    """Writes price_load.png, store_energy.png and cost_comparison.png into `folder` (created if
    missing); returns {file name: path}. Each is FIGSIZE * DPI pixels (1000 x 400)."""
    folder.mkdir(parents=True, exist_ok=True)
    price_load, store_energy, cost_comparison = PLOT_NAMES
    return {
        price_load: _price_load(market, baseline, summary, folder / price_load),
        store_energy: _store_energy(market, baseline, homes_shown, folder / store_energy),
        cost_comparison: _cost_comparison(market, baseline, folder / cost_comparison),
    }


# --- HTML ---------------------------------------------------------------------------------------

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.7em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eee; text-align: left; }
figure { margin: 1.5em 0; }
img { max-width: 100%; height: auto; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[object]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr><th>"
        + _e(row[0])
        + "</th>"
        + "".join(f'<td class="num">{_e(c)}</td>' for c in row[1:])
        + "</tr>\n"
        for row in rows
    )
    attr = f' class="{_e(cls)}"' if cls else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def write_html(
    summary: Summary,
    refused_by_reason: Mapping[str, int],
    plots: Mapping[str, Path],
    path: Path,
    title: str = "Millinocket simulation",
    dashboard: ReportData | None = None,
) -> Path:
    """One HTML file that stands alone: the results table, the run's parameters, the message
    counts, the dashboard's charts of `dashboard` (if given) and `plots` as data: URIs. Every
    string from the data is escaped (the charts' data is JSON in a script element, "<" escaped,
    and the charts' script inserts its strings as text)."""
    results = _html_table(
        HEADER,
        [(r.label, r.market, r.baseline, r.difference) for r in _rows(summary)],
        "results",
    )
    m = summary.messages
    parameters = _html_table(
        ("parameter", "value"),
        [
            ("homes", f"{summary.homes:,}"),
            ("hours", f"{summary.hours:,}"),
            ("seed", summary.seed),
            ("feeder limit (MW)", _number(summary.feeder.limit_mw, 3)),
            ("wall time (s)", _number(summary.wall_s, 2)),
        ],
        "parameters",
    )
    messages = _html_table(
        ("messages", "count"),
        [("sent", f"{m.sent:,}"), ("verified", f"{m.verified:,}"), ("refused", f"{m.refused:,}")],
        "messages",
    )
    reasons = _reasons(refused_by_reason)
    refused = (
        "<h3>Refused by reason</h3>\n"
        + _html_table(("reason", "count"), [(r, f"{n:,}") for r, n in reasons], "refused")
        if reasons
        else ""
    )
    figures = []
    for name, png in plots.items():
        data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
        figures.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{_e(name)}">'
            f"<figcaption>{_e(name)}</figcaption></figure>"
        )
    charts = ""
    head = ""
    if dashboard is not None:
        head = dashboard_page.report_head()
        charts = "<h2>Charts</h2>\n" + dashboard_page.report_charts(dashboard)
    plots_section = "<h2>Plots</h2>\n" + "\n".join(figures) if figures else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(title)}</title>
{head}
<style>{_STYLE}</style>
</head>
<body data-source="report">
<h1>{_e(title)}</h1>
<h2>Results</h2>
{results}
<h2>Run</h2>
{parameters}
<h2>Messages</h2>
{messages}
{refused}
{charts}
{plots_section}
</body>
</html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def write_report(
    market: RunOutcome,
    baseline: RunOutcome,
    summary: Summary,
    refused_by_reason: Mapping[str, int],
    folder: Path,
    dashboard: ReportData | None = None,
) -> Path:
    """The plots and report.html in `folder` (created if missing); returns report.html's path.
    `dashboard`: the recorded run's charts data (`Recorder.report_data`); without it the charts
    are drawn from `market` alone (no books, no message rates)."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = write_plots(market, baseline, summary, folder)
    if dashboard is None:
        totals = MessageTotals(
            sent=summary.messages.sent,
            accepted=summary.messages.verified,
            refused={reason: n for reason, n in refused_by_reason.items() if n},
        )
        recorder = from_outcome(market, feeder_kw=summary.feeder.limit_mw * 1000, totals=totals)
        dashboard = recorder.report_data()
    embedded = {name: path for name, path in plots.items() if name in EMBEDDED_PLOTS}
    return write_html(
        summary, refused_by_reason, embedded, folder / "report.html", dashboard=dashboard
    )
