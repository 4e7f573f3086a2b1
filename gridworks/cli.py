"""The `gridworks` command: one sub-command group per layer, each a thin wrapper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_errors import reported

if TYPE_CHECKING:
    from .identity.chain import Factory
    from .identity.gnode import GNode
    from .identity.keys import ActorKey
    from .sandbox import Network


@click.group()
@click.version_option(package_name="gridworks")
def main() -> None:
    """Gridworks: GNode certificates on Algorand, signed broker messages, a local sandbox."""


@main.group()
def sandbox() -> None:
    """The embedded Algorand sandbox (algod and kmd REST APIs, no Docker)."""


@sandbox.command("start")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--algod-port", default=4001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--kmd-port", default=4002, show_default=True, type=click.IntRange(0, 65535))
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
def sandbox_start(
    host: str,
    algod_port: int,
    kmd_port: int,
    algod_token: str | None,
    kmd_token: str | None,
    data_dir: Path,
    ephemeral: bool,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C or SIGTERM."""
    from .sandbox.embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig

    config = SandboxConfig(
        host=host,
        algod_port=algod_port,
        kmd_port=kmd_port,
        algod_token=algod_token or DEFAULT_TOKEN,
        kmd_token=kmd_token or DEFAULT_TOKEN,
        data_dir=None if ephemeral else data_dir,
    )
    try:
        box = EmbeddedSandbox(config)
    except Exception as exc:  # an unusable data dir, say: one line, not a traceback
        raise click.ClickException(f"cannot open the sandbox: {exc}") from exc
    where = "in memory" if ephemeral else f"data in {data_dir}"

    def ready() -> None:
        click.echo(
            f"sandbox ready: algod {box.algod_address} kmd {box.kmd_address} "
            f"network {box.ledger.genesis_id} round {box.ledger.round} ({where})",
        )

    try:
        box.serve_forever(on_ready=ready)
    except OSError as exc:  # a port in use, say: one line, not a traceback
        raise click.ClickException(f"cannot start the sandbox: {exc}") from exc
    click.echo("sandbox stopped")


@main.command()
def demo() -> None:
    """The main demo: a Scada and an AtomicTNode exchange signed messages over RabbitMQ while an
    impostor, a replayer and a forger try; prints a timeline and a summary table."""
    import logging

    from .demo import run_demo

    # the timeline reports every refusal; the consumers' own warnings would repeat them
    logging.getLogger("gridworks.actors").setLevel(logging.ERROR)
    from .actors.broker import BrokerError

    try:
        run_demo(click.echo)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
def tour() -> None:
    """Start a sandbox and fund an account, mint an NFT and transfer it, printing each step."""
    from .tour import run_tour

    run_tour(click.echo)


# ---- factory and gnode: thin wrappers over gridworks.identity.chain ---------------------------

KINDS = ("ValidatorCert", "TaDeed", "TaTradingRights", "ScadaCert")
SIGNER_HELP = (
    "an address in kmd's default wallet, env:VAR (a mnemonic in VAR) or file:PATH (an encrypted "
    "key file; password from GRIDWORKS_KEY_PASSWORD or a prompt)"
)


@contextmanager
def _network() -> Iterator[Network]:
    from .sandbox import connect

    net = connect()
    try:
        yield net
    finally:
        net.close()


def _app_id(app_id: int | None) -> int:
    if app_id is None:
        raise click.UsageError("give --app-id or set GRIDWORKS_FACTORY_APP_ID")
    return app_id


def _summary(node: GNode) -> str:
    certs = " ".join(f"{k}={v}" for k, v in sorted(node.certificate_asset_ids.items()))
    return f"{node.alias} ({node.role.value}, {node.status.value}) {certs}".rstrip()


def _factory_op(app_id: int | None, specs: tuple[str, ...], op: Callable[..., GNode]) -> None:
    """Connect, resolve each signer spec, run `op(factory, *accounts)`, print the GNode."""
    from .identity.chain import Factory
    from .identity.signers import signer_from

    with _network() as net:
        chain = Factory(net, _app_id(app_id))
        accounts: list[ActorKey] = [reported(partial(signer_from, net, spec)) for spec in specs]
        node = reported(lambda: op(chain, *accounts))
    click.echo(_summary(node))


app_id_option = click.option(
    "--app-id", type=int, envvar="GRIDWORKS_FACTORY_APP_ID", help="The GNodeFactory's app id."
)
sender_option = click.option("--sender", required=True, help=f"Who signs: {SIGNER_HELP}.")


@main.group()
def factory() -> None:
    """The GNodeFactory on the network `connect()` finds (ALGOD_SERVER & co., or embedded)."""


@factory.command("deploy")
@sender_option
@click.option("--admin", default=None, help="Admin address [default: the sender].")
def factory_deploy(sender: str, admin: str | None) -> None:
    """Create the factory (or reuse the sender's identical one); print its app id."""
    from .identity.chain import Factory
    from .identity.signers import signer_from

    with _network() as net:
        creator = reported(lambda: signer_from(net, sender))
        made: Factory = reported(lambda: Factory.deploy(net, creator, admin=admin))
        click.echo(f"factory app id {made.app_id} address {made.address}")


@factory.command("certify-validator")
@click.argument("alias")
@app_id_option
@sender_option
@click.option("--validator", required=True, help=f"The validator: {SIGNER_HELP}.")
def factory_certify_validator(alias: str, app_id: int | None, sender: str, validator: str) -> None:
    """Admin: mint a ValidatorCert for ALIAS and deliver it to the validator."""
    _factory_op(app_id, (sender, validator), lambda f, a, v: f.certify_validator(a, v, alias))


@factory.command("create-ta")
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


@factory.command("issue-scada")
@click.argument("ta_alias")
@app_id_option
@sender_option
@click.option("--scada", required=True, help=f"The SCADA's account: {SIGNER_HELP}.")
def factory_issue_scada(ta_alias: str, app_id: int | None, sender: str, scada: str) -> None:
    """Deed owner: mint a ScadaCert for TA_ALIAS and deliver it to the SCADA."""
    _factory_op(app_id, (sender, scada), lambda f, o, s: f.issue_scada_cert(o, ta_alias, s))


@factory.command("move-trading-rights")
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
    @factory.command(name, help=doc)
    @click.argument("alias")
    @app_id_option
    @sender_option
    def command(alias: str, app_id: int | None, sender: str) -> None:
        _factory_op(app_id, (sender,), lambda f, a: getattr(f, method)(a, alias))


_status_command("suspend", "suspend", "Admin: suspend ALIAS (Active -> Suspended).")
_status_command("reactivate", "reactivate", "Admin: reactivate ALIAS (Suspended -> Active).")
_status_command("deactivate", "deactivate", "Admin: permanently deactivate ALIAS (final).")


@factory.command("revoke")
@click.argument("alias")
@click.argument("kind", type=click.Choice(KINDS))
@app_id_option
@sender_option
def factory_revoke(alias: str, kind: str, app_id: int | None, sender: str) -> None:
    """Admin: claw back and destroy ALIAS's certificate of KIND."""
    from .identity.certificates import CertificateKind

    _factory_op(app_id, (sender,), lambda f, a: f.revoke(a, alias, CertificateKind(kind)))


@factory.command("realias")
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


@main.group()
def gnode() -> None:
    """Read GNodes and check certificates on the GNodeFactory's registry."""


@contextmanager
def _reader(app_id: int | None) -> Iterator[Factory]:
    from .identity.chain import Factory

    with _network() as net:
        yield Factory(net, _app_id(app_id))


@gnode.command("show")
@click.argument("alias")
@app_id_option
def gnode_show(alias: str, app_id: int | None) -> None:
    """Print the registered GNode ALIAS as JSON."""
    with _reader(app_id) as f:
        node = reported(lambda: f.gnode(alias))
    click.echo(node.model_dump_json(indent=2, exclude={"id"}))


@gnode.command("tree")
@app_id_option
def gnode_tree(app_id: int | None) -> None:
    """Print every registered GNode as a tree."""
    with _reader(app_id) as f:
        click.echo(reported(f.tree))


@gnode.command("check")
@click.argument("address")
@click.argument("alias")
@click.argument("kind", type=click.Choice(KINDS))
@app_id_option
def gnode_check(address: str, alias: str, kind: str, app_id: int | None) -> None:
    """Does ADDRESS hold ALIAS's KIND certificate? Prints REASON: sentence; exit 1 unless OK."""
    with _reader(app_id) as f:
        verdict = reported(lambda: f.check(address, alias, kind))
    click.echo(f"{verdict.reason.value}: {verdict.detail}")
    if not verdict.ok:
        raise SystemExit(1)


# sub-command groups that live in their own modules register themselves on `main`
from . import cli_identity  # noqa: E402, F401
