"""`gridworks ear`: re-verify an archive of signed messages against the chain as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from gridworks.cli.chain import app_id_option, network, require_app_id

DETAIL_WIDTH = 160
"""How much of a refusal's sentence the listing shows."""


@click.group("ear")
def ear_group() -> None:
    """The ear's archive of every signed message on the bus."""


@ear_group.command("verify")
@click.option(
    "--archive",
    "archive_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ear's archive (a SQLite file).",
)
@app_id_option
@click.option(
    "--as",
    "receivers",
    multiple=True,
    help="Only messages addressed to this alias pass (repeatable); by default any destination.",
)
def ear_verify(archive_path: Path, app_id: int | None, receivers: tuple[str, ...]) -> None:
    """Re-verify every archived message as of the round it was received.

    Each message's signature is checked under the key that authorized its signer then, its
    sender's certificate against the registry and holdings then, its freshness against its
    receipt time. Prints the count of each verdict and lists the refused messages; exit 1 if
    any was refused.
    """
    from gridworks.actors.ear import EarArchive, verify_archive
    from gridworks.table import format_table

    factory_app_id = require_app_id(app_id)
    try:
        archive = EarArchive(archive_path)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{archive_path} is not an ear archive: {exc}") from exc
    with network() as net, archive:
        report = verify_archive(archive, net.algod, factory_app_id, receivers=receivers or None)
    counts = report.counts
    rows = [(verdict, counts[verdict]) for verdict in sorted(counts)]
    rows.append(("total", len(report)))
    click.echo(f"{archive_path}: {len(report)} messages, factory {factory_app_id}")
    click.echo(format_table(("verdict", "messages"), rows))
    if report.ok:
        return
    click.echo("refused:")
    listing = []
    for item in report.refused:
        message, result = item.message, item.result
        header = getattr(result, "header", None)
        source = header.source if header is not None else "?"
        detail = str(getattr(result, "detail", ""))
        if len(detail) > DETAIL_WIDTH:
            detail = detail[: DETAIL_WIDTH - 3] + "..."
        listing.append(
            (message.seq, message.round, message.routing_key, source, item.verdict, detail)
        )
    click.echo(format_table(("seq", "round", "routing key", "source", "reason", "detail"), listing))
    raise SystemExit(1)


@ear_group.command("record")
@click.option(
    "--archive",
    "archive_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to append to (a SQLite file, made if missing).",
)
@click.option(
    "--for",
    "run_for",
    type=click.FloatRange(min=0),
    default=None,
    help="Stop after this many seconds (default: until Ctrl-C).",
)
@click.option(
    "--exchange",
    default=None,
    help="The actors' topic exchange (default gridworks.topic); its ear queue is <exchange>.ear.",
)
def ear_record(archive_path: Path, run_for: float | None, exchange: str | None) -> None:
    """Archive every message on the actors' exchange (the broker's ear queue) until stopped.

    The broker is `BrokerConfig()`'s (GRIDWORKS_BROKER_URL, else the dev broker); each message is
    stored with its receipt time and the chain's round, and acked only once it is on disk.
    """
    import asyncio
    import contextlib

    from gridworks.actors.broker import BrokerConfig, BrokerError
    from gridworks.actors.ear import EarArchive
    from gridworks.actors.ear_recorder import EarRecorder

    config = BrokerConfig() if exchange is None else BrokerConfig(exchange=exchange)

    async def record(algod: object, archive: EarArchive) -> int:
        recorder = EarRecorder(config, algod, archive)  # type: ignore[arg-type]
        async with recorder:
            click.echo(
                f"recording {config.ear_queue} at {config.where} into {archive_path} "
                f"({archive.count()} messages already)"
            )
            with contextlib.suppress(asyncio.CancelledError):
                if run_for is None:
                    await asyncio.Event().wait()
                else:
                    await asyncio.sleep(run_for)
            return recorder.recorded

    try:
        archive = EarArchive(archive_path)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{archive_path} is not an ear archive: {exc}") from exc
    with network() as net, archive:
        try:
            recorded = asyncio.run(record(net.algod, archive))
        except KeyboardInterrupt:
            recorded = -1
        except BrokerError as exc:
            raise click.ClickException(str(exc)) from exc
        total = archive.count()
    if recorded >= 0:
        click.echo(f"recorded {recorded} messages; {total} in {archive_path}")
    else:
        click.echo(f"stopped; {total} messages in {archive_path}")
