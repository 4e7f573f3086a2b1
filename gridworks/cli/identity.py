"""`gridworks identity`: sign and verify envelopes by hand, manage encrypted key files."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from gridworks.cli.chain import SIGNER_HELP, app_id_option, network, require_app_id
from gridworks.cli.errors import reported
from gridworks.cli.keys import key_group


@click.group("identity")
def identity_group() -> None:
    """Signed envelopes: sign a message, verify one against the chain, manage keys."""


identity_group.add_command(key_group, "key")


def _read_input(source: str) -> bytes:
    """The bytes of file `source`, or of stdin for ``-``; a clear error if unreadable."""
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        with open(source, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror}") from exc


@identity_group.command("sign")
@click.option("--signer", required=True, help=f"Who signs: {SIGNER_HELP}.")
@click.option("--source", required=True, help="The alias the message is from.")
@click.option("--destination", required=True, help="The alias it is for.")
@click.option(
    "--type", "message_type", required=True, help="Message type, e.g. gridworks.telemetry"
)
@click.option("--version", default=1, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--ttl", default=60.0, show_default=True, type=click.FloatRange(0.001), help="Seconds."
)
@click.option(
    "--payload",
    "payload_source",
    default="-",
    show_default=True,
    help="A file holding the payload JSON object, or - for stdin.",
)
def identity_sign(
    signer: str,
    source: str,
    destination: str,
    message_type: str,
    version: int,
    ttl: float,
    payload_source: str,
) -> None:
    """Sign a payload as SOURCE for DESTINATION; print the envelope's wire bytes."""
    from pydantic import ValidationError

    from gridworks.identity.chain import genesis_hash
    from gridworks.identity.envelope import seal
    from gridworks.identity.signers import signer_from

    try:
        payload: Any = json.loads(_read_input(payload_source))
    except ValueError as exc:
        raise click.ClickException(f"the payload is not readable JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise click.ClickException("the payload must be a JSON object")
    with network() as net:
        key = reported(lambda: signer_from(net, signer))
        genesis = genesis_hash(net.algod)
    try:
        envelope = seal(
            key,
            message_type=message_type,
            version=version,
            payload=payload,
            source=source,
            destination=destination,
            genesis_hash=genesis,
            ttl_ms=round(ttl * 1000),
        )
    except ValidationError as exc:
        raise click.ClickException(f"cannot sign: {exc.errors()[0]['msg']}") from exc
    click.echo(envelope.wire)  # bytes: written as they are, then a newline


@identity_group.command("verify")
@click.argument("envelope_source", default="-")
@click.option("--as", "receiver", required=True, help="The alias receiving it (its destination).")
@app_id_option
def identity_verify(envelope_source: str, receiver: str, app_id: int | None) -> None:
    """Verify an envelope (a file or - for stdin) against the chain as RECEIVER would.

    Prints VERIFIED and the proven sender, or the rejection reason and why; exit 1 unless
    verified.
    """
    from gridworks.identity.verifier import Rejected, Verifier

    wire = _read_input(envelope_source).rstrip(b"\r\n")
    with network() as net:
        verifier = Verifier(net.algod, require_app_id(app_id), receivers=(receiver,))
        try:
            result = verifier.verify(wire)
        finally:
            verifier.close()
    if isinstance(result, Rejected):
        click.echo(f"REJECTED {result}")
        raise SystemExit(1)
    sender = result.sender
    device = f", for TerminalAsset {sender.terminal_asset}" if sender.terminal_asset else ""
    click.echo(
        f"VERIFIED {result.header.type} v{result.header.version} {result.header.message_id} "
        f"from {sender.alias} ({sender.role}{device}): {sender.address} holds "
        f"{sender.certificate} {sender.certificate_asset_id} of factory {sender.factory_app_id}"
    )
    click.echo(json.dumps(result.payload, indent=2, ensure_ascii=False))
