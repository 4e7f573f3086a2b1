"""Objects on the chain for the explorer's tests: a payment with a note, an asset and an app
with global state and boxes, each carrying markup that must reach the page as text."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from algosdk import transaction
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount
from tests.conftest import send

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = SCRIPT + IMG
"""Markup that runs a script if a page ever puts it into the DOM as HTML."""

ASSET_NAME = "<svg onload=window.__pwned=1>"  # an asset name holds 32 bytes at most
UNIT_NAME = "<b>u</b>"  # and a unit name 8
ASSET_URL = "https://x.test/" + HOSTILE
BOX_VALUE = IMG
LOG_LINE = "log <i>line</i>"


def _teal_bytes(value: str) -> str:
    return "0x" + value.encode().hex()


APPROVAL = f"""#pragma version 8
txn ApplicationID
bz create
txn OnCompletion
int NoOp
==
assert
byte {_teal_bytes(SCRIPT)}
byte {_teal_bytes(BOX_VALUE)}
box_put
byte "plain"
byte 0x00ff10
box_put
byte {_teal_bytes(LOG_LINE)}
log
int 1
return
create:
byte "hostile"
byte {_teal_bytes(HOSTILE)}
app_global_put
byte "count"
int 7
app_global_put
int 1
return
"""
CLEAR = "#pragma version 8\nint 1\n"


@dataclass(frozen=True)
class Payment:
    txid: str
    round: int
    sender: str
    receiver: str


@dataclass(frozen=True)
class StatefulApp:
    app_id: int
    creator: str
    create_txid: str
    call_txid: str


def pay_with_note(
    algod: AlgodClient, sender: DevAccount, receiver: str, note: bytes = HOSTILE.encode()
) -> Payment:
    txn = transaction.PaymentTxn(
        sender.address, algod.suggested_params(), receiver, 123_456, note=note
    )
    confirmed = send(algod, sender.sign(txn))[0]
    return Payment(txn.get_txid(), int(confirmed["confirmed-round"]), sender.address, receiver)


def create_hostile_asset(algod: AlgodClient, creator: DevAccount) -> int:
    txn = transaction.AssetCreateTxn(
        creator.address,
        algod.suggested_params(),
        total=1_000_000,
        decimals=2,
        default_frozen=False,
        unit_name=UNIT_NAME,
        asset_name=ASSET_NAME,
        url=ASSET_URL,
        metadata_hash=bytes(range(32)),
        manager=creator.address,
        reserve=creator.address,
        freeze=creator.address,
        clawback=creator.address,
    )
    return int(send(algod, creator.sign(txn))[0]["asset-index"])


def _compile(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def create_stateful_app(algod: AlgodClient, creator: DevAccount) -> StatefulApp:
    """An app whose global state holds markup, with two boxes (one named with markup) made by
    a call that also logs."""
    params = algod.suggested_params()
    create = transaction.ApplicationCreateTxn(
        creator.address,
        params,
        transaction.OnComplete.NoOpOC,
        _compile(algod, APPROVAL),
        _compile(algod, CLEAR),
        transaction.StateSchema(num_uints=1, num_byte_slices=1),
        transaction.StateSchema(0, 0),
    )
    app_id = int(send(algod, creator.sign(create))[0]["application-index"])
    fund = transaction.PaymentTxn(
        creator.address, params, get_application_address(app_id), 1_000_000
    )
    call = transaction.ApplicationNoOpTxn(
        creator.address,
        params,
        app_id,
        app_args=[b"not-a-method"],
        boxes=[(0, SCRIPT.encode()), (0, b"plain")],
    )
    send(algod, creator.sign(fund))
    send(algod, creator.sign(call))
    return StatefulApp(app_id, creator.address, create.get_txid(), call.get_txid())
