"""App accounts, inner transactions and boxes through algod's REST API with algosdk."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send
from test_apps_lifecycle import (  # type: ignore[import-not-found]
    _remember_sandbox,  # noqa: F401  (autouse fixture)
    apply_data,
    call,
    create_app,
    sign,
    sp,
)

from gridworks.sandbox import DevAccount
from gridworks.sandbox.encoding import decode_address

Factory = Callable[..., DevAccount]

CLEAR = "#pragma version 10\nint 1\n"
CHILD = '#pragma version 10\nbyte "child"\nlog\nint 1\n'

APPROVAL = """#pragma version 10
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
int 100000
itxn_field Amount
int 0
itxn_field Fee
itxn_submit
b ok
not_pay:
txna ApplicationArgs 0
byte "create"
==
bz not_create
itxn_begin
int appl
itxn_field TypeEnum
byte base64 {child}
itxn_field ApprovalProgram
byte base64 {clear}
itxn_field ClearStateProgram
itxn_submit
itxn CreatedApplicationID
itob
log
b ok
not_create:
txna ApplicationArgs 0
byte "box"
==
bz ok
byte "bx"
int 10
box_create
pop
ok:
int 1
"""


def compiled(algod: AlgodClient, source: str) -> str:
    return algod.compile(source)["result"]


def make_app(algod: AlgodClient, creator: DevAccount) -> int:
    source = APPROVAL.format(child=compiled(algod, CHILD), clear=compiled(algod, CLEAR))
    return create_app(algod, creator, approval=source, clear=CLEAR, global_schema=(0, 0))


def fund(algod: AlgodClient, funder: DevAccount, app_id: int, amount: int) -> None:
    address = transaction.logic.get_application_address(app_id)
    send(algod, sign(transaction.PaymentTxn(funder.address, sp(algod), address, amount), funder))


def test_inner_payment_with_pooled_fee(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = make_app(algod, creator)
    fund(algod, creator, app_id, 300_000)
    before = algod.account_info(creator.address)["amount"]
    params = sp(algod)
    params.fee = 2_000  # pays for the inner payment too
    txn = transaction.ApplicationCallTxn(
        creator.address, params, app_id, transaction.OnComplete.NoOpOC, app_args=[b"pay"]
    )
    stxn = sign(txn, creator)
    send(algod, stxn)
    assert algod.account_info(creator.address)["amount"] == before - 2_000 + 100_000
    app_account = transaction.logic.get_application_address(app_id)
    assert algod.account_info(app_account)["amount"] == 200_000
    inner = apply_data(sandbox, stxn.get_txid())["dt"]["itx"]
    assert inner[0]["txn"]["type"] == "pay" and inner[0]["txn"]["amt"] == 100_000


def test_inner_payment_without_fee_credit_fails(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    creator = account_factory()
    app_id = make_app(algod, creator)
    fund(algod, creator, app_id, 300_000)
    with unchanged(creator.address):
        error = rejected(algod, call(algod, creator, app_id, b"pay"))
    assert "fee too small" in error


def test_inner_app_creation_and_logs(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = make_app(algod, creator)
    fund(algod, creator, app_id, 300_000)
    params = sp(algod)
    params.fee = 2_000
    txn = transaction.ApplicationCallTxn(
        creator.address, params, app_id, transaction.OnComplete.NoOpOC, app_args=[b"create"]
    )
    stxn = sign(txn, creator)
    send(algod, stxn)
    dt = apply_data(sandbox, stxn.get_txid())["dt"]
    child_id = int.from_bytes(dt["lg"][0], "big")
    assert dt["itx"][0]["apid"] == child_id
    assert dt["itx"][0]["dt"]["lg"] == [b"child"]
    child = sandbox.ledger.app(child_id)
    assert child.creator == decode_address(transaction.logic.get_application_address(app_id))
    assert base64.b64encode(child.approval_program).decode() == compiled(algod, CHILD)


def test_box_create_raises_app_min_balance(
    algod: AlgodClient, account_factory: Factory, sandbox: Any, unchanged: Callable[..., Any]
) -> None:
    creator = account_factory()
    app_id = make_app(algod, creator)
    boxes = [(app_id, b"bx")]
    unfunded = sign(
        transaction.ApplicationCallTxn(
            creator.address, sp(algod), app_id, transaction.OnComplete.NoOpOC,
            app_args=[b"box"], boxes=boxes,
        ),
        creator,
    )  # fmt: skip
    with unchanged(creator.address):
        assert "below min" in rejected(algod, unfunded)
    fund(algod, creator, app_id, 200_000)
    send(algod, call(algod, creator, app_id, b"box", boxes=boxes))
    assert sandbox.ledger.box(app_id, b"bx") == bytes(10)
    assert sandbox.ledger.box_names(app_id) == [b"bx"]
    app_account = transaction.logic.get_application_address(app_id)
    assert algod.account_info(app_account)["min-balance"] == 100_000 + 2_500 + 400 * 12
