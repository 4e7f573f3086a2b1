"""`gridworks sim millinocket`: the toolkit's main job (`gridworks.sim.millinocket`)."""

from __future__ import annotations

from pathlib import Path

import click

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
    from gridworks.sim.forecast import ForecastKind
    from gridworks.sim.millinocket import SimConfig, SimError, run

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
    network = connect_chain()
    try:
        where = "embedded sandbox" if network.is_embedded else "external node"
        click.echo(
            f"Millinocket: {homes} homes, {config.hours} h from {start}, seed {seed}, "
            f"feeder {config.feeder_kw / 1000:g} MW, {forecast} forecasts; chain: {where}"
        )
        output = run(network, config, click.echo)
    except (BrokerError, ChainError, SimError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        network.close()
    click.echo("")
    click.echo(report.results_table(output.summary, output.refused_by_reason))
    page = report.write_report(
        output.market, output.baseline, output.summary, output.refused_by_reason, out
    )
    click.echo(f"report: {page} (plots beside it)")
    if json_path is not None:
        json_path.write_text(output.summary.model_dump_json(indent=2) + "\n")
        click.echo(f"results: {json_path}")
    if output.reference_matches is not None:
        if not output.reference_matches:
            raise click.ClickException("the market run differs from the reference run")
        click.echo("reference check: the market run equals the reference run, float for float")
