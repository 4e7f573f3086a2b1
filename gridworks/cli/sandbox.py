"""`gridworks sandbox`: run the embedded Algorand sandbox."""

from __future__ import annotations

from pathlib import Path

import click

from gridworks.cli.sandbox_snapshots import COMMANDS as SNAPSHOT_COMMANDS


@click.group("sandbox")
def sandbox_group() -> None:
    """The embedded Algorand sandbox (algod and kmd REST APIs, no Docker)."""


@sandbox_group.command("start")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--algod-port", default=4001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--kmd-port", default=4002, show_default=True, type=click.IntRange(0, 65535))
@click.option("--indexer-port", default=8980, show_default=True, type=click.IntRange(0, 65535))
@click.option("--algod-token", default=None, help="algod API token [default: 'a' x 64].")
@click.option("--kmd-token", default=None, help="kmd API token [default: 'a' x 64].")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".gridworks/sandbox"),
    show_default=True,
    help="Where the ledger and kmd wallets persist (SQLite).",
)
@click.option("--ephemeral", is_flag=True, help="Keep everything in memory; nothing is written.")
@click.option(
    "--from-dump",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Start from a file written by `gridworks sandbox dump` (needs an empty data dir).",
)
@click.option(
    "--explorer/--no-explorer",
    default=True,
    show_default=True,
    help="Serve the read-only explorer at /explorer/ on the algod port (no token needed).",
)
def sandbox_start(
    host: str,
    algod_port: int,
    kmd_port: int,
    indexer_port: int,
    algod_token: str | None,
    kmd_token: str | None,
    data_dir: Path,
    ephemeral: bool,
    from_dump: Path | None,
    explorer: bool,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C or SIGTERM."""
    from gridworks.sandbox.embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig

    config = SandboxConfig(
        host=host,
        algod_port=algod_port,
        kmd_port=kmd_port,
        indexer_port=indexer_port,
        algod_token=algod_token or DEFAULT_TOKEN,
        kmd_token=kmd_token or DEFAULT_TOKEN,
        data_dir=None if ephemeral else data_dir,
        from_dump=from_dump,
        explorer=explorer,
    )
    try:
        box = EmbeddedSandbox(config)
    except Exception as exc:  # an unusable data dir, say: one line, not a traceback
        raise click.ClickException(f"cannot open the sandbox: {exc}") from exc
    where = "in memory" if ephemeral else f"data in {data_dir}"

    def ready() -> None:
        click.echo(
            f"sandbox ready: algod {box.algod_address} kmd {box.kmd_address} "
            f"indexer {box.indexer_address} "
            f"network {box.ledger.genesis_id} round {box.ledger.round} ({where})",
        )
        if box.explorer_address:
            click.echo(f"explorer: {box.explorer_address}")

    try:
        box.serve_forever(on_ready=ready)
    except OSError as exc:  # a port in use, say: one line, not a traceback
        raise click.ClickException(f"cannot start the sandbox: {exc}") from exc
    click.echo("sandbox stopped")


for _command in SNAPSHOT_COMMANDS:
    sandbox_group.add_command(_command)
