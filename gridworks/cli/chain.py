"""What the commands that reach the chain share: the network they connect to, the
GNodeFactory's app id, signer specs and certificate kinds as options.

Nothing here imports the identity layer or algosdk: every `gridworks` command loads this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gridworks.sandbox import Network

KINDS = ("ValidatorCert", "TaDeed", "TaTradingRights", "ScadaCert", "ServiceCert")
"""`gridworks.identity.certificates.CertificateKind`'s values, repeated for click's choices
(a test keeps them equal)."""

SERVICE_ROLES = ("MarketMaker", "PriceService", "Supervisor", "TimeCoordinator", "WeatherService")
"""`gridworks.identity.roles.SERVICE_ROLES`, sorted, repeated for click's choices (a test keeps
them equal)."""

SIGNER_HELP = (
    "an address in kmd's default wallet, env:VAR (a mnemonic in VAR) or file:PATH (an encrypted "
    "key file; password from GRIDWORKS_KEY_PASSWORD or a prompt)"
)
"""How a signer spec is written (`gridworks.identity.signers.signer_from` reads it)."""

app_id_option = click.option(
    "--app-id", type=int, envvar="GRIDWORKS_FACTORY_APP_ID", help="The GNodeFactory's app id."
)
sender_option = click.option("--sender", required=True, help=f"Who signs: {SIGNER_HELP}.")


def require_app_id(app_id: int | None) -> int:
    """The `--app-id` value; a usage error naming the option and its env var if neither is set."""
    if app_id is None:
        raise click.UsageError("give --app-id or set GRIDWORKS_FACTORY_APP_ID")
    return app_id


@contextmanager
def network() -> Iterator[Network]:
    """The network `gridworks.sandbox.connect()` finds (ALGOD_SERVER & co., or embedded), closed
    when the block ends."""
    from gridworks.sandbox import connect

    net = connect()
    try:
        yield net
    finally:
        net.close()
