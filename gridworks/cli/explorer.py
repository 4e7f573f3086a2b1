"""`gridworks explorer`: the explorer's pages for any node, served on a port of their own.

`gridworks sandbox start` already serves them at /explorer/ on its algod port; this command is
for another node (a LocalNet, a testnet node with an indexer): the pages read only that node's
public algod and indexer APIs.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("explorer")
@click.option(
    "--algod-url",
    envvar="GRIDWORKS_ALGOD_URL",
    default="http://127.0.0.1:4001",
    show_default=True,
    help="The node's algod (env GRIDWORKS_ALGOD_URL).",
)
@click.option(
    "--indexer-url",
    envvar="GRIDWORKS_INDEXER_URL",
    default="http://127.0.0.1:8980",
    show_default=True,
    help="Its indexer (env GRIDWORKS_INDEXER_URL).",
)
@click.option(
    "--algod-token",
    envvar="ALGOD_TOKEN",
    default=None,
    help="algod's API token (env ALGOD_TOKEN) [default: 'a' x 64].",
)
@click.option(
    "--indexer-token",
    envvar="INDEXER_TOKEN",
    default=None,
    help="The indexer's API token (env INDEXER_TOKEN) [default: algod's].",
)
@click.option(
    "--app-spec",
    "app_specs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An ARC-32 or ARC-56 spec (JSON) whose method calls the pages decode; repeatable.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4010, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--reads-at-once",
    default=8,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Reads of one page in flight together (the GNode tree's record reads): over a "
    "network each read one after another costs a round trip.",
)
def explorer_command(
    algod_url: str,
    indexer_url: str,
    algod_token: str | None,
    indexer_token: str | None,
    app_specs: tuple[Path, ...],
    host: str,
    port: int,
    reads_at_once: int,
) -> None:
    """Serve the read-only explorer for a node until Ctrl-C."""
    import asyncio
    import signal

    from gridworks.explorer import ChainSources, create_explorer_app
    from gridworks.sandbox.server import Listener, ServerGroup, run_loop

    token = algod_token or "a" * 64  # the dev token of the sandbox and LocalNet
    sources = ChainSources.connect(algod_url, indexer_url, token, indexer_token, reads_at_once)
    try:
        app = create_explorer_app(sources, app_specs=app_specs)
    except (ValueError, KeyError, OSError) as exc:  # a spec that is no ARC-32/56 JSON
        raise click.ClickException(f"cannot load the app specs: {exc}") from exc
    servers = ServerGroup([Listener(app, host, port)], name="explorer")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, servers.stop)
        await servers.serve(
            on_ready=lambda: click.echo(
                f"explorer: http://{host}:{port}/ (algod {algod_url}, indexer {indexer_url})"
            )
        )

    try:
        run_loop(main())
    except OSError as exc:  # a port in use, say: one line, not a traceback
        raise click.ClickException(f"cannot start the explorer: {exc}") from exc
