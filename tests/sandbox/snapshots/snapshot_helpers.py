"""Building state on a sandbox for the snapshot tests: payments, an app with a box and local
state, assets, kmd keys; and a picture of all of it to compare before and after."""

from __future__ import annotations

import base64
from typing import Any

from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.logic import get_application_address
from conftest import send

from gridworks.sandbox import DevAccount, Network, SandboxConfig
from gridworks.sandbox.server import free_port

APPROVAL = """#pragma version 8
txn ApplicationID
bz create
txn OnCompletion
int OptIn
==
bnz opt_in
byte "count"
byte "count"
app_global_get
int 1
+
app_global_put
byte "b"
txna ApplicationArgs 0
box_put
int 1
return
create:
byte "count"
int 0
app_global_put
int 1
return
opt_in:
txn Sender
byte "visits"
int 7
app_local_put
int 1
return
"""
CLEAR = "#pragma version 8\nint 1\n"
DEFAULT_WALLET = "unencrypted-default-wallet"


def pay(net: Network, sender: DevAccount, receiver: str, amount: int) -> dict[str, Any]:
    """Pays and waits; algod's pending-transaction answer, with the "txid" added."""
    txn = transaction.PaymentTxn(sender.address, net.algod.suggested_params(), receiver, amount)
    signed = sender.sign(txn)
    return {**send(net.algod, signed)[0], "txid": signed.get_txid()}


def create_app(net: Network, creator: DevAccount) -> int:
    def program(source: str) -> bytes:
        return base64.b64decode(net.algod.compile(source)["result"])

    txn = transaction.ApplicationCreateTxn(
        creator.address,
        net.algod.suggested_params(),
        transaction.OnComplete.NoOpOC,
        program(APPROVAL),
        program(CLEAR),
        transaction.StateSchema(1, 0),
        transaction.StateSchema(1, 0),
    )
    app_id = int(send(net.algod, creator.sign(txn))[0]["application-index"])
    pay(net, creator, get_application_address(app_id), 1_000_000)
    return app_id


def call_app(net: Network, caller: DevAccount, app_id: int, box_value: bytes) -> dict[str, Any]:
    txn = transaction.ApplicationNoOpTxn(
        caller.address,
        net.algod.suggested_params(),
        app_id,
        app_args=[box_value],
        boxes=[(0, b"b")],
    )
    return send(net.algod, caller.sign(txn))[0]


def opt_in_app(net: Network, account: DevAccount, app_id: int) -> None:
    txn = transaction.ApplicationOptInTxn(account.address, net.algod.suggested_params(), app_id)
    send(net.algod, account.sign(txn))


def create_asset(net: Network, creator: DevAccount, name: str) -> int:
    txn = transaction.AssetCreateTxn(
        creator.address,
        net.algod.suggested_params(),
        total=1_000,
        decimals=0,
        default_frozen=False,
        unit_name=name[:8],
        asset_name=name,
        manager=creator.address,
    )
    return int(send(net.algod, creator.sign(txn))[0]["asset-index"])


def default_handle(net: Network) -> str:
    wallet_id = next(w["id"] for w in net.kmd.list_wallets() if w["name"] == DEFAULT_WALLET)
    return str(net.kmd.init_wallet_handle(wallet_id, ""))


def exists(call: Any, *args: Any) -> bool:
    """Whether algod finds the thing (False on its 404)."""
    try:
        call(*args)
    except AlgodHTTPError as exc:
        assert exc.code == 404, exc
        return False
    return True


def picture(net: Network, addresses: list[str], apps: list[int]) -> dict[str, Any]:
    """What a client sees: accounts, apps and their boxes, wallets and the dev wallet's keys."""
    algod, kmd = net.algod, net.kmd
    accounts = {}
    for address in addresses:
        info = algod.account_info(address)
        assert isinstance(info, dict)
        info.pop("round", None)
        accounts[address] = info
    apps_seen = {}
    for app_id in apps:
        if exists(algod.application_info, app_id):
            boxes = algod.application_boxes(app_id)
            values = [
                algod.application_box_by_name(app_id, base64.b64decode(box["name"]))
                for box in boxes["boxes"]
            ]
            for value in values:
                value.pop("round", None)
            apps_seen[app_id] = (algod.application_info(app_id), values)
        else:
            apps_seen[app_id] = None
    handle = default_handle(net)
    try:
        keys = kmd.list_keys(handle)
        multisigs = kmd.list_multisig(handle)
    finally:
        kmd.release_wallet_handle(handle)
    wallets = sorted(w["name"] for w in kmd.list_wallets())
    assert net.sandbox is not None
    ledger = net.sandbox.ledger
    return {
        "round": ledger.round,
        "digest": ledger.state_digest(),
        "accounts": accounts,
        "apps": apps_seen,
        "wallets": wallets,
        "keys": keys,
        "multisigs": multisigs,
    }


def config_on_free_ports(**fields: Any) -> SandboxConfig:
    """A SandboxConfig in memory (unless `data_dir` is given) on ports of its own."""
    ports = {name: free_port() for name in SandboxConfig.model_fields if name.endswith("_port")}
    return SandboxConfig(**{"data_dir": None, **ports, **fields})
