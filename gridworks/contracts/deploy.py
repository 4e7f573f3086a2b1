"""Idempotent deployment of any Beaker application.

There is no indexer on the sandbox, so an existing deployment is found through algod alone: the
sender's `created-apps` are scanned for an app whose approval and clear programs are byte-equal
to the freshly compiled ones (the programs embed the app's name in its ARC-4 method selectors and
state keys, so "same program" is the stricter form of "same name"). A match is reused; otherwise
the app is created. The app account is then topped up to `min_balance` micro-Algos.
"""

from __future__ import annotations

import base64
from typing import Any, Protocol

from algosdk.atomic_transaction_composer import TransactionSigner
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient

from gridworks.identity.chain import HasAlgod


class Sender(Protocol):
    @property
    def address(self) -> str: ...

    @property
    def signer(self) -> TransactionSigner: ...


class DeployError(Exception):
    """The application could not be compiled or created."""


def compile_teal(algod: AlgodClient, teal: str, name: str) -> bytes:
    try:
        result = algod.compile(teal)
    except Exception as error:
        raise DeployError(f"{name}: the program does not compile: {error}") from error
    assert isinstance(result, dict)
    return base64.b64decode(result["result"])


def find_existing(algod: AlgodClient, creator: str, approval: bytes, clear: bytes) -> int | None:
    info = algod.account_info(creator)
    assert isinstance(info, dict)
    for created in info.get("created-apps", []):
        params = created["params"]
        if (
            base64.b64decode(params["approval-program"]) == approval
            and base64.b64decode(params["clear-state-program"]) == clear
        ):
            return int(created["id"])
    return None


def deploy(
    app: Application,
    network: HasAlgod | AlgodClient,
    sender: Sender,
    *,
    create_args: dict[str, Any] | None = None,
    min_balance: int = 1_000_000,
) -> ApplicationClient:
    """Returns a client for `app` created by `sender`, reusing an identical earlier deployment."""
    algod = network if isinstance(network, AlgodClient) else network.algod
    client = ApplicationClient(algod, app, signer=sender.signer, sender=sender.address)
    spec = client.algokit_app_client.app_spec
    existing = find_existing(
        algod,
        sender.address,
        compile_teal(algod, spec.approval_program, app.name),
        compile_teal(algod, spec.clear_program, app.name),
    )
    if existing is not None:
        client.app_id = existing
    else:
        client.create(**(create_args or {}))
    address = client.app_addr
    assert address is not None
    info = algod.account_info(address)
    assert isinstance(info, dict)
    if int(info["amount"]) < min_balance:
        client.fund(min_balance - int(info["amount"]))
    return client
