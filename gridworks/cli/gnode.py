"""`gridworks gnode`: read GNodes and check certificates on the GNodeFactory's registry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from gridworks.cli.chain import KINDS, app_id_option, network, require_app_id
from gridworks.cli.errors import reported

if TYPE_CHECKING:
    from gridworks.identity.chain import FactoryReader


@contextmanager
def _reader(app_id: int | None) -> Iterator[FactoryReader]:
    from gridworks.identity.chain import FactoryReader

    with network() as net:
        yield FactoryReader(net, require_app_id(app_id))


@click.group("gnode")
def gnode_group() -> None:
    """Read GNodes and check certificates on the GNodeFactory's registry."""


@gnode_group.command("show")
@click.argument("alias")
@app_id_option
def gnode_show(alias: str, app_id: int | None) -> None:
    """Print the registered GNode ALIAS as JSON."""
    with _reader(app_id) as f:
        node = reported(lambda: f.gnode(alias))
    click.echo(node.model_dump_json(indent=2, exclude={"id"}))


@gnode_group.command("tree")
@app_id_option
def gnode_tree(app_id: int | None) -> None:
    """Print every registered GNode as a tree."""
    with _reader(app_id) as f:
        click.echo(reported(f.tree))


@gnode_group.command("check")
@click.argument("address")
@click.argument("alias")
@click.argument("kind", type=click.Choice(KINDS))
@app_id_option
def gnode_check(address: str, alias: str, kind: str, app_id: int | None) -> None:
    """Does ADDRESS hold ALIAS's KIND certificate? Prints REASON: sentence; exit 1 unless OK."""
    with _reader(app_id) as f:
        verdict = reported(lambda: f.check(address, alias, kind))
    click.echo(f"{verdict.reason.value if verdict.reason else 'OK'}: {verdict.detail}")
    if not verdict.ok:
        raise SystemExit(1)
