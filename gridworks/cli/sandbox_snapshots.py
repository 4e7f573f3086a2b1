"""`gridworks sandbox snapshot|snapshots|revert|reset|advance|set-timestamp|dump`: time travel on
a running sandbox, over its `/gridworks/v1/` REST API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

DEV_TOKEN = "a" * 64


def _api_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--token", default=DEV_TOKEN, show_default="'a' x 64", help="algod API token."
    )(command)
    return click.option(
        "--algod-url", default="http://127.0.0.1:4001", show_default=True, help="The sandbox."
    )(command)


def _call(algod_url: str, token: str, method: str, *args: Any) -> Any:
    from urllib.error import URLError

    from gridworks.sandbox.gridworks_client import GridworksApiError, GridworksClient

    client = GridworksClient(algod_url, token)
    try:
        return getattr(client, method)(*args)
    except GridworksApiError as exc:
        raise click.ClickException(f"the sandbox refused: {exc.message}") from None
    except (URLError, OSError) as exc:
        raise click.ClickException(f"cannot reach the sandbox at {algod_url}: {exc}") from None


@click.command("snapshot")
@_api_options
def snapshot_command(algod_url: str, token: str) -> None:
    """Take a snapshot of the whole sandbox (ledger, indexer, kmd); prints its id."""
    taken = _call(algod_url, token, "snapshot")
    click.echo(f"snapshot {taken['id']} at round {taken['round']}")


@click.command("snapshots")
@_api_options
def snapshots_command(algod_url: str, token: str) -> None:
    """List the snapshots one can revert to."""
    for taken in _call(algod_url, token, "snapshots"):
        click.echo(f"snapshot {taken['id']} at round {taken['round']}")


@click.command("revert")
@click.argument("snapshot_id")
@_api_options
def revert_command(snapshot_id: str, algod_url: str, token: str) -> None:
    """Go back to SNAPSHOT_ID (kept; later snapshots are dropped)."""
    done = _call(algod_url, token, "revert", snapshot_id)
    dropped = ", ".join(str(i) for i in done["dropped"]) or "none"
    click.echo(f"reverted to snapshot {done['id']}: round {done['round']} (dropped: {dropped})")


@click.command("reset")
@_api_options
def reset_command(algod_url: str, token: str) -> None:
    """Go back to genesis, keeping the dev wallet; drops every snapshot."""
    done = _call(algod_url, token, "reset")
    click.echo(f"reset to round {done['round']}")


@click.command("advance")
@click.argument("rounds", type=int)
@_api_options
def advance_command(rounds: int, algod_url: str, token: str) -> None:
    """Add ROUNDS empty blocks (1 to 10,000)."""
    done = _call(algod_url, token, "advance", rounds)
    click.echo(f"round {done['round']}")


@click.command("set-timestamp")
@click.argument("timestamp", type=int)
@_api_options
def set_timestamp_command(timestamp: int, algod_url: str, token: str) -> None:
    """Stamp the next block with TIMESTAMP (Unix seconds, not before the last block's)."""
    done = _call(algod_url, token, "set_next_timestamp", timestamp)
    click.echo(f"the next block's timestamp: {done['next-timestamp']}")


@click.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@_api_options
def dump_command(file: Path, algod_url: str, token: str) -> None:
    """Write the whole state to FILE (start from it with `sandbox start --from-dump FILE`)."""
    size = _call(algod_url, token, "dump", file)
    click.echo(f"dumped the sandbox to {file} ({size:,} bytes)")


COMMANDS = [
    snapshot_command,
    snapshots_command,
    revert_command,
    reset_command,
    advance_command,
    set_timestamp_command,
    dump_command,
]
