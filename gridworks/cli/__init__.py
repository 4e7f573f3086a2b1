"""The `gridworks` command: the main group, assembled from one module per command group.

Each module defines its own group or command and none imports this one, so any of them imports
on its own. Start-up stays light: the modules import only click, and each command imports the
identity layer, algosdk or the actors when it runs.
"""

from __future__ import annotations

import click

from gridworks.cli.actors import actors_group
from gridworks.cli.demo import demo_command
from gridworks.cli.ear import ear_group
from gridworks.cli.explorer import explorer_command
from gridworks.cli.factory import factory_group
from gridworks.cli.gnode import gnode_group
from gridworks.cli.identity import identity_group
from gridworks.cli.sandbox import sandbox_group
from gridworks.cli.sim import sim_group
from gridworks.cli.tour import tour_command

__all__ = ["main"]


@click.group()
@click.version_option(package_name="gridworks")
def main() -> None:
    """Gridworks: GNode certificates on Algorand, signed broker messages, a local sandbox."""


main.add_command(sandbox_group)
main.add_command(factory_group)
main.add_command(gnode_group)
main.add_command(identity_group)
main.add_command(ear_group)
main.add_command(explorer_command)
main.add_command(actors_group)
main.add_command(sim_group)
main.add_command(demo_command)
main.add_command(tour_command)
