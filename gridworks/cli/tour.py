"""`gridworks tour`: the first-run tour (the story itself is `gridworks.cli.stories.tour`)."""

from __future__ import annotations

import click


@click.command("tour")
def tour_command() -> None:
    """Start a sandbox and fund an account, mint an NFT and transfer it, printing each step."""
    from gridworks.cli.stories.tour import run_tour

    run_tour(click.echo)
