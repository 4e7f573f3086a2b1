"""Inner transaction ids and inner group ids as algod computes them (UnifyInnerTxIDs).

The expected ids are computed here from go's formulas, not by the sandbox's code:
`InnerID(parent, index)` = sha512_256(parent txid + index as 8 bytes big-endian + the inner
transaction's canonical msgpack), where index counts the parent's inner transactions so far
and the parent of an inner app call's own inners is that call's inner id; a multi-txn inner
group's id = sha512_256("TG" + msgpack {"txlist": [InnerID of each member, without grp]}).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from conftest import send
from test_apps_lifecycle import (  # type: ignore[import-not-found]
    _remember_sandbox,  # noqa: F401  (autouse fixture)
    apply_data,
    create_app,
    sign,
    sp,
)

from gridworks.sandbox import DevAccount
from gridworks.sandbox.encoding import canonical_msgpack, sha512_256

Factory = Callable[..., DevAccount]

CLEAR = "#pragma version 10\nint 1\n"

# args: "pay" | "group" | "call" <child app id>
PARENT = """#pragma version 10
txn ApplicationID
bz ok
txna ApplicationArgs 0
byte "pay"
==
bz not_pay
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 1000
itxn_field Amount
int 0
itxn_field Fee
itxn_submit
itxn TxID
log
b ok
not_pay:
txna ApplicationArgs 0
byte "group"
==
bz not_group
callsub pay1
itxn_next
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 2000
itxn_field Amount
int 0
itxn_field Fee
itxn_submit
gitxn 0 TxID
log
gitxn 1 TxID
log
itxn TxID
log
b ok
not_group:
callsub pay1
itxn_submit
callsub pay1
itxn_next
int appl
itxn_field TypeEnum
txna ApplicationArgs 1
btoi
itxn_field ApplicationID
int 0
itxn_field Fee
itxn_submit
gitxn 0 TxID
log
gitxn 1 TxID
log
ok:
int 1
return
pay1:
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 1000
itxn_field Amount
int 0
itxn_field Fee
retsub
"""

CHILD = """#pragma version 10
txn ApplicationID
bz ok
txn TxID
log
gtxn 0 TxID
log
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Amount
int 0
itxn_field Fee
itxn_submit
itxn TxID
log
ok:
int 1
"""


def txid_bytes(txid: str) -> bytes:
    return base64.b32decode(txid + "=" * (-len(txid) % 8))


def inner_id(parent: bytes, index: int, txn: dict[str, Any]) -> bytes:
    """go's Transaction.InnerID."""
    return sha512_256(parent + index.to_bytes(8, "big") + canonical_msgpack(txn))


def group_id(parent: bytes, offset: int, txns: list[dict[str, Any]]) -> bytes:
    """go's opItxnSubmit: the TxGroup hash of the members' inner ids, taken without grp."""
    ids = [
        inner_id(parent, offset + i, {k: v for k, v in txn.items() if k != "grp"})
        for i, txn in enumerate(txns)
    ]
    return sha512_256(b"TG" + canonical_msgpack({"txlist": ids}))


def fund(algod: AlgodClient, funder: DevAccount, app_id: int, amount: int) -> None:
    address = transaction.logic.get_application_address(app_id)
    send(algod, sign(transaction.PaymentTxn(funder.address, sp(algod), address, amount), funder))


def run(
    algod: AlgodClient,
    sender: DevAccount,
    app_id: int,
    args: list[bytes | int],
    fee: int,
    apps: list[int] | None = None,
) -> tuple[transaction.SignedTransaction, dict[str, Any]]:
    params = sp(algod)
    params.fee = fee
    txn = transaction.ApplicationCallTxn(
        sender.address, params, app_id, transaction.OnComplete.NoOpOC, app_args=args,
        foreign_apps=apps,
    )  # fmt: skip
    stxn = sign(txn, sender)
    send(algod, stxn)
    return stxn, algod.pending_transaction_info(stxn.get_txid())  # type: ignore[return-value]


def parent_app(algod: AlgodClient, creator: DevAccount) -> int:
    app_id = create_app(algod, creator, approval=PARENT, clear=CLEAR, global_schema=(0, 0))
    fund(algod, creator, app_id, 1_000_000)
    return app_id


def test_single_inner_payment_txid(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = parent_app(algod, creator)
    stxn, info = run(algod, creator, app_id, [b"pay"], 2_000)
    top = txid_bytes(stxn.get_txid())
    itx = apply_data(sandbox, stxn.get_txid())["dt"]["itx"]
    expected = inner_id(top, 0, itx[0]["txn"])
    assert [base64.b64decode(log) for log in info["logs"]] == [expected]
    assert expected != sha512_256(b"TX" + canonical_msgpack(itx[0]["txn"]))  # not a plain id
    assert "grp" not in itx[0]["txn"]


def test_inner_group_id_and_txids(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = parent_app(algod, creator)
    stxn, info = run(algod, creator, app_id, [b"group"], 3_000)
    top = txid_bytes(stxn.get_txid())
    itx = apply_data(sandbox, stxn.get_txid())["dt"]["itx"]
    txns = [entry["txn"] for entry in itx]
    gid = group_id(top, 0, txns)
    assert all(txn["grp"] == gid for txn in txns)
    pending = [inner["txn"]["txn"]["grp"] for inner in info["inner-txns"]]
    assert pending == [base64.b64encode(gid).decode()] * 2
    ids = [inner_id(top, i, txn) for i, txn in enumerate(txns)]  # with grp set
    logs = [base64.b64decode(log) for log in info["logs"]]
    assert logs == [ids[0], ids[1], ids[1]]


def test_inner_app_call_reads_unified_txids(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    child_id = create_app(algod, creator, approval=CHILD, clear=CLEAR, global_schema=(0, 0))
    fund(algod, creator, child_id, 200_000)
    app_id = parent_app(algod, creator)
    # a single inner pay (index 0), then the group [pay, app call] (indexes 1 and 2); the
    # child's own inner pay is its index 0 under its unified id
    stxn, info = run(algod, creator, app_id, [b"call", child_id], 5_000, apps=[child_id])
    top = txid_bytes(stxn.get_txid())
    itx = apply_data(sandbox, stxn.get_txid())["dt"]["itx"]
    assert len(itx) == 3 and "grp" not in itx[0]["txn"]
    txns = [entry["txn"] for entry in itx]
    gid = group_id(top, 1, txns[1:])
    assert txns[1]["grp"] == txns[2]["grp"] == gid
    pay_id, call_id = inner_id(top, 1, txns[1]), inner_id(top, 2, txns[2])
    child_pay = itx[2]["dt"]["itx"][0]["txn"]
    child_pay_id = inner_id(call_id, 0, child_pay)
    assert itx[2]["dt"]["lg"] == [call_id, pay_id, child_pay_id]
    assert [base64.b64decode(log) for log in info["logs"]] == [pay_id, call_id]
    child_logs = info["inner-txns"][2]["logs"]
    assert [base64.b64decode(log) for log in child_logs] == [call_id, pay_id, child_pay_id]
