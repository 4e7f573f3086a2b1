"""Shared by the indexer tests: an app with inner transactions, state, boxes and logs, and
small senders that wait for confirmation."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from gridworks.sandbox import DevAccount

TOKEN = "a" * 64

# create: global "counter"; opt in: local "seen"; "pay": an inner payment of 1000 to
# Accounts[1] with a note, then logs "paid"; "box" <name>: creates an 8-byte box; "log": logs
# "hello" and "world"; delete: allowed.
APPROVAL = """#pragma version 10
txn ApplicationID
bz create
txn OnCompletion
int OptIn
==
bnz optin
txn OnCompletion
int DeleteApplication
==
bnz ok
txna ApplicationArgs 0
byte "pay"
==
bnz pay
txna ApplicationArgs 0
byte "box"
==
bnz box
txna ApplicationArgs 0
byte "log"
==
bnz logit
err
create:
byte "counter"
int 1
app_global_put
b ok
optin:
txn Sender
byte "seen"
int 7
app_local_put
b ok
pay:
itxn_begin
int pay
itxn_field TypeEnum
txna Accounts 1
itxn_field Receiver
int 1000
itxn_field Amount
int 0
itxn_field Fee
byte "inner note"
itxn_field Note
itxn_submit
byte "paid"
log
b ok
box:
txna ApplicationArgs 1
int 8
box_create
pop
b ok
logit:
byte "hello"
log
byte "world"
log
ok:
int 1
"""
CLEAR = "#pragma version 10\nint 1\n"


def sp(algod: AlgodClient, fee: int = 1000) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = fee
    return params


def send(algod: AlgodClient, *txns: transaction.Transaction, signers: list[Any]) -> list[dict]:
    """Signs (a group when several) and sends; waits for each; returns pending infos."""
    if len(txns) > 1:
        transaction.assign_group_id(list(txns))
    signed = [signer.sign(txn) for txn, signer in zip(txns, signers, strict=True)]
    algod.send_transactions(signed)
    return [transaction.wait_for_confirmation(algod, s.get_txid(), 4) for s in signed]


def pay(
    algod: AlgodClient,
    sender: DevAccount,
    receiver: str,
    amount: int,
    note: bytes | None = None,
    close_to: str | None = None,
) -> tuple[str, dict]:
    txn = transaction.PaymentTxn(
        sender.address, sp(algod), receiver, amount, note=note, close_remainder_to=close_to
    )
    info = send(algod, txn, signers=[sender])[0]
    return txn.get_txid(), info


def compile_teal(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def create_app(algod: AlgodClient, creator: DevAccount, note: bytes | None = None) -> int:
    txn = transaction.ApplicationCreateTxn(
        creator.address,
        sp(algod),
        transaction.OnComplete.NoOpOC,
        compile_teal(algod, APPROVAL),
        compile_teal(algod, CLEAR),
        transaction.StateSchema(1, 0),
        transaction.StateSchema(1, 0),
        note=note,
    )
    return int(send(algod, txn, signers=[creator])[0]["application-index"])


def call(
    algod: AlgodClient,
    sender: DevAccount,
    app_id: int,
    args: list[bytes],
    accounts: list[str] | None = None,
    boxes: list[tuple[int, bytes]] | None = None,
    fee: int = 1000,
    on_complete: transaction.OnComplete = transaction.OnComplete.NoOpOC,
) -> tuple[str, dict]:
    txn = transaction.ApplicationCallTxn(
        sender.address,
        sp(algod, fee),
        app_id,
        on_complete,
        app_args=args,
        accounts=accounts,
        boxes=boxes,
    )
    info = send(algod, txn, signers=[sender])[0]
    return txn.get_txid(), info


def create_asset(
    algod: AlgodClient, creator: DevAccount, total: int = 1_000, name: str = "Gizmo"
) -> int:
    txn = transaction.AssetCreateTxn(
        creator.address,
        sp(algod),
        total,
        0,
        False,
        unit_name="GZ",
        asset_name=name,
        manager=creator.address,
        freeze=creator.address,
        clawback=creator.address,
    )
    return int(send(algod, txn, signers=[creator])[0]["asset-index"])


def opt_in_asset(algod: AlgodClient, account: DevAccount, asset_id: int) -> None:
    txn = transaction.AssetOptInTxn(account.address, sp(algod), asset_id)
    send(algod, txn, signers=[account])


def transfer_asset(
    algod: AlgodClient,
    sender: DevAccount,
    receiver: str,
    asset_id: int,
    amount: int,
    close_to: str | None = None,
) -> str:
    txn = transaction.AssetTransferTxn(
        sender.address, sp(algod), receiver, amount, asset_id, close_assets_to=close_to
    )
    send(algod, txn, signers=[sender])
    return txn.get_txid()


def raw_get(
    indexer: IndexerClient, path: str, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET on the indexer without algosdk: (status, decoded JSON)."""
    base = indexer.indexer_address.rstrip("/")
    sent = {"X-Indexer-API-Token": TOKEN} if headers is None else headers
    request = urllib.request.Request(base + path, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def ids(response: dict) -> list[str]:
    return [t["id"] for t in response["transactions"]]


def all_pages(fetch: Any, key: str, **query: Any) -> list[dict]:
    """Every item of a paged search: `fetch(next_page=token, **query)` until a page is empty."""
    items: list[dict] = []
    token = None
    for _ in range(1000):
        page = fetch(next_page=token, **query)
        if not page[key]:
            assert "next-token" not in page
            return items
        items.extend(page[key])
        token = page["next-token"]
    raise AssertionError("paging did not end")
