"""`gridworks sim millinocket`: the toolkit's main job (`gridworks.sim.millinocket`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gridworks.sim.millinocket import SimOutput

FORECASTS = ("adjusted", "persistence", "perfect")


@click.group("sim")
def sim_group() -> None:
    """Simulations of homes trading energy in real markets."""


@sim_group.command("millinocket")
@click.option("--homes", default=20, show_default=True, type=click.IntRange(1, 5000))
@click.option(
    "--days", default=2.0, show_default=True, type=click.FloatRange(1 / 24, 366), help="Length."
)
@click.option(
    "--start", default="2020-01-16", show_default=True, help="First day (YYYY-MM-DD, in 2020)."
)
@click.option("--seed", default=1, show_default=True, type=int, help="Draws the homes.")
@click.option(
    "--feeder-mw",
    type=click.FloatRange(min=0, min_open=True),
    help="The feeder's import capacity [default: 20 kW a home].",
)
@click.option(
    "--broker",
    "broker_url",
    envvar="GRIDWORKS_BROKER_URL",
    help="AMQP URL of the broker [default: the dev broker; env GRIDWORKS_BROKER_URL].",
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    default="millinocket-report",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the plots and report.html.",
)
@click.option(
    "--forecast",
    type=click.Choice(FORECASTS),
    default="adjusted",
    show_default=True,
    help="The services' and homes' forecasts (perfect: the upper bound).",
)
@click.option(
    "--workers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 64),
    help="Worker processes for the homes' actors, besides this one.",
)
@click.option("--verify", is_flag=True, help="Check the market run against the reference run.")
@click.option(
    "--adversaries/--no-adversaries",
    default=True,
    show_default=True,
    help="Send bad input during the run (all of it must be refused).",
)
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option(
    "--dashboard/--no-dashboard",
    default=True,
    show_default=True,
    help="Serve the live dashboard on 127.0.0.1 while the run goes on.",
)
@click.option(
    "--dashboard-port",
    default=0,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The dashboard's port (0: a free port the system picks; the address is printed).",
)
@click.option(
    "--dashboard-linger",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 86_400),
    help="Keep the dashboard up this many seconds after the run (Ctrl-C ends it sooner).",
)
def millinocket_command(
    homes: int,
    days: float,
    start: str,
    seed: int,
    feeder_mw: float | None,
    broker_url: str | None,
    json_path: Path | None,
    out: Path,
    forecast: str,
    workers: int,
    verify: bool,
    adversaries: bool,
    progress: bool,
    dashboard: bool,
    dashboard_port: int,
    dashboard_linger: float,
) -> None:
    """Homes with heat pumps and hot-water stores buy energy in a market at the Keene Road
    node, over RabbitMQ, every message signed and verified against the chain; then the same
    homes heat on demand. Prints the results table; writes plots and an HTML report."""
    import logging

    from gridworks.actors.broker import BrokerConfig, BrokerError
    from gridworks.cli.stories.broker_check import ensure_broker
    from gridworks.identity.chain import ChainError
    from gridworks.sandbox import connect as connect_chain
    from gridworks.sim import report
    from gridworks.sim.dashboard.server import Dashboard, DashboardError, start_dashboard
    from gridworks.sim.forecast import ForecastKind
    from gridworks.sim.millinocket import SimConfig, SimError, recorder_for, run

    # refusals are counted in the table; the runtime's warnings would only repeat them
    logging.getLogger("gridworks.actors").setLevel(logging.ERROR)
    config = SimConfig(
        homes=homes,
        days=days,
        start=start,
        seed=seed,
        feeder_mw=feeder_mw,
        broker_url=broker_url,
        kind=ForecastKind(forecast),
        verify=verify,
        workers=workers,
        adversaries=adversaries,
        progress=progress,
    )
    try:
        ensure_broker(
            BrokerConfig() if broker_url is None else BrokerConfig(url=broker_url), click.echo
        )
    except BrokerError as error:
        raise click.ClickException(str(error)) from error
    try:
        recorder = recorder_for(config)
    except ValueError as error:  # a --start the data does not have
        raise click.ClickException(str(error)) from error
    server: Dashboard | None = None
    if dashboard:
        try:
            server = start_dashboard(recorder, dashboard_port)
        except DashboardError as error:
            raise click.ClickException(str(error)) from error
    try:
        network = connect_chain()
        try:
            where = "embedded sandbox" if network.is_embedded else "external node"
            click.echo(
                f"Millinocket: {homes} homes, {config.hours} h from {start}, seed {seed}, "
                f"feeder {config.feeder_kw / 1000:g} MW, {forecast} forecasts; chain: {where}"
            )
            if server is not None:
                click.echo(f"dashboard: {server.url}")
                sys.stdout.flush()  # the address is wanted now, even when piped
            output = run(network, config, click.echo, recorder)
        except (BrokerError, ChainError, SimError, ValueError) as error:
            recorder.phase("failed")
            raise click.ClickException(str(error)) from error
        finally:
            network.close()
        click.echo("")
        click.echo(report.results_table(output.summary, output.refused_by_reason))
        page = report.write_report(
            output.market,
            output.baseline,
            output.summary,
            output.refused_by_reason,
            out,
            dashboard=recorder.report_data(),
        )
        click.echo(f"report: {page} (plots beside it)")
        _finish(output, json_path)
        if server is not None and dashboard_linger > 0:
            _linger(server.url, dashboard_linger)
    finally:
        if server is not None:
            server.stop()


def _linger(url: str, seconds: float) -> None:
    import time

    click.echo(f"dashboard: {url} stays up for {seconds:g} s (Ctrl-C ends it)")
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        pass


def _finish(output: SimOutput, json_path: Path | None) -> None:
    """`--json`, and the reference check's verdict."""
    if json_path is not None:
        json_path.write_text(output.summary.model_dump_json(indent=2) + "\n")
        click.echo(f"results: {json_path}")
    if output.reference_matches is not None:
        if not output.reference_matches:
            raise click.ClickException("the market run differs from the reference run")
        click.echo("reference check: the market run equals the reference run, float for float")
