"""`gridworks factory`: deploy the GNodeFactory and issue, move and revoke certificates; thin
wrappers over `gridworks.identity.chain.Factory`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import click

from gridworks.cli.chain import (
    KINDS,
    SERVICE_ROLES,
    SIGNER_HELP,
    app_id_option,
    network,
    require_app_id,
    sender_option,
)
from gridworks.cli.errors import reported

if TYPE_CHECKING:
    from gridworks.contracts.factory import Factory
    from gridworks.identity.gnode import GNode
    from gridworks.identity.keys import ActorKey


def _summary(node: GNode) -> str:
    certs = " ".join(f"{k}={v}" for k, v in sorted(node.certificate_asset_ids.items()))
    return f"{node.alias} ({node.role.value}, {node.status.value}) {certs}".rstrip()


def _factory_op(app_id: int | None, specs: tuple[str, ...], op: Callable[..., GNode]) -> None:
    """Connect, resolve each signer spec, run `op(factory, *accounts)`, print the GNode."""
    from gridworks.contracts.factory import Factory
    from gridworks.identity.signers import signer_from

    with network() as net:
        chain = Factory(net, require_app_id(app_id))
        accounts: list[ActorKey] = [reported(partial(signer_from, net, spec)) for spec in specs]
        node = reported(lambda: op(chain, *accounts))
    click.echo(_summary(node))


@click.group("factory")
def factory_group() -> None:
    """The GNodeFactory on the network `connect()` finds (ALGOD_SERVER & co., or embedded)."""


@factory_group.command("deploy")
@sender_option
@click.option("--admin", default=None, help="Admin address [default: the sender].")
def factory_deploy(sender: str, admin: str | None) -> None:
    """Create the factory (or reuse the sender's identical one); print its app id."""
    from gridworks.contracts.factory import Factory
    from gridworks.identity.signers import signer_from

    with network() as net:
        creator = reported(lambda: signer_from(net, sender))
        made: Factory = reported(lambda: Factory.deploy(net, creator, admin=admin))
        click.echo(f"factory app id {made.app_id} address {made.address}")


@factory_group.command("certify-validator")
@click.argument("alias")
@app_id_option
@sender_option
@click.option("--validator", required=True, help=f"The validator: {SIGNER_HELP}.")
def factory_certify_validator(alias: str, app_id: int | None, sender: str, validator: str) -> None:
    """Admin: mint a ValidatorCert for ALIAS and deliver it to the validator."""
    _factory_op(app_id, (sender, validator), lambda f, a, v: f.certify_validator(a, v, alias))


@factory_group.command("certify-service")
@click.argument("alias")
@click.argument("role", type=click.Choice(SERVICE_ROLES))
@app_id_option
@sender_option
@click.option("--holder", required=True, help=f"The service's account: {SIGNER_HELP}.")
def factory_certify_service(
    alias: str, role: str, app_id: int | None, sender: str, holder: str
) -> None:
    """Admin: register service GNode ALIAS as ROLE, minting a ServiceCert delivered to the
    holder."""
    _factory_op(app_id, (sender, holder), lambda f, a, h: f.certify_service(a, alias, role, h))


@factory_group.command("create-ta")
@click.argument("alias")
@app_id_option
@sender_option
@click.option("--owner", required=True, help=f"The TaDeed owner: {SIGNER_HELP}.")
@click.option("--trader", required=True, help=f"The TaTradingRights holder: {SIGNER_HELP}.")
def factory_create_ta(alias: str, app_id: int | None, sender: str, owner: str, trader: str) -> None:
    """Validator: register TerminalAsset ALIAS, delivering TaDeed and TaTradingRights."""
    _factory_op(
        app_id,
        (sender, owner, trader),
        lambda f, v, o, t: f.create_terminal_asset(v, alias, o, t),
    )


@factory_group.command("issue-scada")
@click.argument("ta_alias")
@app_id_option
@sender_option
@click.option("--scada", required=True, help=f"The SCADA's account: {SIGNER_HELP}.")
def factory_issue_scada(ta_alias: str, app_id: int | None, sender: str, scada: str) -> None:
    """Deed owner: mint a ScadaCert for TA_ALIAS and deliver it to the SCADA."""
    _factory_op(app_id, (sender, scada), lambda f, o, s: f.issue_scada_cert(o, ta_alias, s))


@factory_group.command("move-trading-rights")
@click.argument("ta_alias")
@app_id_option
@sender_option
@click.option("--to", "new_trader", required=True, help=f"The new trader: {SIGNER_HELP}.")
def factory_move_trading_rights(
    ta_alias: str, app_id: int | None, sender: str, new_trader: str
) -> None:
    """Current trader (sender) and new trader both sign: move TA_ALIAS's TaTradingRights."""
    _factory_op(app_id, (sender, new_trader), lambda f, t, n: f.move_trading_rights(t, ta_alias, n))


def _status_command(name: str, method: str, doc: str) -> None:
    @factory_group.command(name, help=doc)
    @click.argument("alias")
    @app_id_option
    @sender_option
    def command(alias: str, app_id: int | None, sender: str) -> None:
        _factory_op(app_id, (sender,), lambda f, a: getattr(f, method)(a, alias))


_status_command("suspend", "suspend", "Admin: suspend ALIAS (Active -> Suspended).")
_status_command("reactivate", "reactivate", "Admin: reactivate ALIAS (Suspended -> Active).")
_status_command("deactivate", "deactivate", "Admin: permanently deactivate ALIAS (final).")


@factory_group.command("revoke")
@click.argument("alias")
@click.argument("kind", type=click.Choice(KINDS))
@app_id_option
@sender_option
def factory_revoke(alias: str, kind: str, app_id: int | None, sender: str) -> None:
    """Admin: claw back and destroy ALIAS's certificate of KIND."""
    from gridworks.identity.certificates import CertificateKind

    _factory_op(app_id, (sender,), lambda f, a: f.revoke(a, alias, CertificateKind(kind)))


@factory_group.command("realias")
@click.argument("old_alias")
@click.argument("new_alias")
@app_id_option
@sender_option
@click.option("--holder", "holders", multiple=True, help=f"A holder to deliver to: {SIGNER_HELP}.")
def factory_realias(
    old_alias: str, new_alias: str, app_id: int | None, sender: str, holders: tuple[str, ...]
) -> None:
    """Admin: move TerminalAsset OLD_ALIAS to NEW_ALIAS, re-issuing its certificates."""
    _factory_op(
        app_id,
        (sender, *holders),
        lambda f, a, *hs: f.realias(a, old_alias, new_alias, hs),
    )
