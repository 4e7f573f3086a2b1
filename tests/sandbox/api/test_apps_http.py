"""Applications over algod's REST API: app, account-app and box endpoints, and the app fields
of pending transactions (application-index, logs, state deltas, inner transactions)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from algosdk import encoding, transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]

APPROVAL = """#pragma version 8
txn ApplicationID
bz create
txn OnCompletion
int OptIn
==
bnz opt_in
// a call: count += 1, log it, keep a box named "b", pay 1,000 to the sender from the app
byte "count"
byte "count"
app_global_get
int 1
+
app_global_put
byte "count"
app_global_get
itob
log
byte "b"
int 8
box_create
pop
byte "b"
int 0
byte "count"
app_global_get
itob
box_replace
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
int 1
return
create:
byte "owner"
txn Sender
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


def compile_teal(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


@pytest.fixture
def app(algod: AlgodClient, account_factory: Factory) -> tuple[int, DevAccount]:
    creator = account_factory(20_000_000)
    txn = transaction.ApplicationCreateTxn(
        creator.address,
        algod.suggested_params(),
        transaction.OnComplete.NoOpOC,
        compile_teal(algod, APPROVAL),
        compile_teal(algod, CLEAR),
        transaction.StateSchema(num_uints=1, num_byte_slices=1),
        transaction.StateSchema(num_uints=1, num_byte_slices=0),
    )
    info = send(algod, txn.sign(creator.private_key))[0]
    app_id = info["application-index"]
    app_address = transaction.logic.get_application_address(app_id)
    fund = transaction.PaymentTxn(creator.address, algod.suggested_params(), app_address, 1_000_000)
    send(algod, fund.sign(creator.private_key))
    return app_id, creator


def test_a_created_app_is_served_with_its_params_and_state(
    algod: AlgodClient, app: tuple[int, DevAccount]
) -> None:
    app_id, creator = app
    info = algod.application_info(app_id)
    params = info["params"]
    assert info["id"] == app_id and params["creator"] == creator.address
    assert params["global-state-schema"] == {"num-byte-slice": 1, "num-uint": 1}
    assert params["local-state-schema"] == {"num-byte-slice": 0, "num-uint": 1}
    owner = {kv["key"]: kv["value"] for kv in params["global-state"]}[
        base64.b64encode(b"owner").decode()
    ]
    assert owner["type"] == 1
    assert base64.b64decode(owner["bytes"]) == encoding.decode_address(creator.address)
    account = algod.account_info(creator.address)
    assert [a["id"] for a in account["created-apps"]] == [app_id]
    assert account["total-created-apps"] == 1
    assert account["apps-total-schema"] == {"num-byte-slice": 1, "num-uint": 1}
    created = algod.account_application_info(creator.address, app_id)
    assert created["created-app"]["creator"] == creator.address


def test_a_call_reports_logs_deltas_and_inner_transactions(
    algod: AlgodClient, app: tuple[int, DevAccount], account_factory: Factory
) -> None:
    app_id, _ = app
    caller = account_factory()
    call = transaction.ApplicationNoOpTxn(
        caller.address, algod.suggested_params(), app_id, boxes=[(0, b"b")]
    )
    call.fee = 2_000  # pays for the inner payment too
    info = send(algod, call.sign(caller.private_key))[0]
    assert [base64.b64decode(log) for log in info["logs"]] == [(1).to_bytes(8, "big")]
    [delta] = info["global-state-delta"]
    assert base64.b64decode(delta["key"]) == b"count"
    assert delta["value"] == {"action": 2, "uint": 1}
    [inner] = info["inner-txns"]
    assert inner["txn"]["txn"]["type"] == "pay"
    assert inner["txn"]["txn"]["rcv"] == caller.address
    assert inner["txn"]["txn"]["amt"] == 1_000
    boxes = algod.application_boxes(app_id)["boxes"]
    assert [base64.b64decode(b["name"]) for b in boxes] == [b"b"]
    box = algod.application_box_by_name(app_id, b"b")
    assert base64.b64decode(box["value"]) == (1).to_bytes(8, "big")


def test_opt_in_shows_local_state_and_its_delta(
    algod: AlgodClient, app: tuple[int, DevAccount], account_factory: Factory
) -> None:
    app_id, _ = app
    member = account_factory()
    optin = transaction.ApplicationOptInTxn(member.address, algod.suggested_params(), app_id)
    info = send(algod, optin.sign(member.private_key))[0]
    [local] = info["local-state-delta"]
    assert local["address"] == member.address
    assert local["delta"] == [
        {"key": base64.b64encode(b"visits").decode(), "value": {"action": 2, "uint": 7}}
    ]
    state = algod.account_application_info(member.address, app_id)["app-local-state"]
    assert state["id"] == app_id
    assert state["key-value"][0]["value"] == {"type": 2, "bytes": "", "uint": 7}
    account = algod.account_info(member.address)
    assert account["total-apps-opted-in"] == 1
    assert [s["id"] for s in account["apps-local-state"]] == [app_id]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/applications/999999999", 404),
        ("/applications/abc", 400),
        ("/applications/999999999/boxes", 404),
        ("/applications/1/box?name=nope", 400),
        ("/applications/1/box?name=str:missing", 404),
        ("/applications/1/box", 400),
    ],
)
def test_app_lookups_that_fail_say_why(algod: AlgodClient, path: str, status: int) -> None:
    with pytest.raises(AlgodHTTPError) as info:
        algod.algod_request("GET", path)
    assert info.value.code == status
    assert str(info.value)
