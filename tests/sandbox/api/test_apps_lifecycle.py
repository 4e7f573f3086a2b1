"""Applications through algod's REST API with algosdk: create, call, opt in, close out, clear,
update and delete; state within and beyond its schema; minimum balances; logs and apply data.

Apply data is read from the ledger (`sandbox.ledger.confirmed`) where the REST rendering of
app results is not the thing under test.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from algosdk import transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount
from gridworks.sandbox.avm.app_state import app_address
from gridworks.sandbox.encoding import decode_address, decode_txid, encode_address

Factory = Callable[..., DevAccount]
OC = transaction.OnComplete

APPROVAL = """#pragma version 10
txn ApplicationID
bz ok
txn OnCompletion
int UpdateApplication
==
txn OnCompletion
int DeleteApplication
==
||
bnz ok
txn NumAppArgs
bz ok
txna ApplicationArgs 0
byte "put"
==
bz not_put
byte "g"
txna ApplicationArgs 1
btoi
app_global_put
b ok
not_put:
txna ApplicationArgs 0
byte "bytes"
==
bz not_bytes
byte "gb"
byte "x"
app_global_put
b ok
not_bytes:
txna ApplicationArgs 0
byte "local"
==
bz not_local
txn Sender
byte "l"
int 7
app_local_put
b ok
not_local:
txna ApplicationArgs 0
byte "log"
==
bz not_log
byte "hello"
log
b ok
not_log:
txna ApplicationArgs 0
byte "loop"
==
bz not_loop
loop:
b loop
not_loop:
txna ApplicationArgs 0
byte "reject"
==
bz ok
int 0
return
ok:
int 1
"""

CLEAR_OK = '#pragma version 10\nbyte "c"\nint 1\napp_global_put\nint 1\n'
CLEAR_FAIL = '#pragma version 10\nbyte "c"\nint 1\napp_global_put\nerr\n'


def sp(algod: AlgodClient) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = 1_000
    return params


def sign(txn: transaction.Transaction, signer: DevAccount) -> transaction.SignedTransaction:
    return sign_transaction_with_signer(txn, AccountTransactionSigner(signer.private_key))


def program(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def create_app(
    algod: AlgodClient,
    creator: DevAccount,
    approval: str = APPROVAL,
    clear: str = CLEAR_OK,
    global_schema: tuple[int, int] = (1, 0),
    local_schema: tuple[int, int] = (1, 0),
) -> int:
    txn = transaction.ApplicationCreateTxn(
        creator.address, sp(algod), OC.NoOpOC, program(algod, approval), program(algod, clear),
        transaction.StateSchema(*global_schema), transaction.StateSchema(*local_schema),
    )  # fmt: skip
    stxn = sign(txn, creator)
    info = send(algod, stxn)[0]
    if "application-index" in info:
        return int(info["application-index"])
    return int(apply_data(_SANDBOX[0], stxn.get_txid())["apid"])  # before REST renders it


_SANDBOX: list[Any] = []


@pytest.fixture(autouse=True)
def _remember_sandbox(sandbox: Any) -> None:
    _SANDBOX[:] = [sandbox]


def call(
    algod: AlgodClient, sender: DevAccount, app_id: int, *args: bytes | int,
    on_complete: OC = OC.NoOpOC, **kwargs: Any,
) -> transaction.SignedTransaction:  # fmt: skip
    txn = transaction.ApplicationCallTxn(
        sender.address, sp(algod), app_id, on_complete, app_args=list(args) or None, **kwargs
    )
    return sign(txn, sender)


def apply_data(sandbox: Any, txid: str) -> dict[str, Any]:
    confirmed = sandbox.ledger.confirmed(decode_txid(txid))
    assert confirmed is not None
    return dict(confirmed.apply_data)


def test_create_sets_creator_counters_and_min_balance(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator, global_schema=(1, 1), local_schema=(1, 0))
    info = algod.account_info(creator.address)
    # base + app + one uint (28,500) + one byte slice (50,000)
    assert info["min-balance"] == 100_000 + 100_000 + 28_500 + 50_000
    app = sandbox.ledger.app(app_id)
    assert app.creator == decode_address(creator.address)
    assert app.global_schema == (1, 1)
    assert app_id in sandbox.ledger.apps_created_by(decode_address(creator.address))


def test_global_state_and_delta(algod: AlgodClient, account_factory: Factory, sandbox: Any) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"put", 42)
    send(algod, stxn)
    assert sandbox.ledger.app(app_id).global_state == {b"g": 42}
    ad = apply_data(sandbox, stxn.get_txid())
    assert ad["dt"]["gd"] == {b"g": {"at": 2, "ui": 42}}


def test_writing_beyond_schema_fails_and_changes_nothing(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator, global_schema=(1, 0))
    stxn = call(algod, creator, app_id, b"bytes")
    with unchanged(creator.address):
        error = rejected(algod, stxn)
    assert "store bytes count 1 exceeds schema bytes count 0" in error
    assert f"transaction {stxn.get_txid()}: logic eval error:" in error
    assert f"app={app_id}, pc=" in error


def test_rejection_text(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"reject")
    error = rejected(algod, stxn)
    assert f"transaction {stxn.get_txid()}: transaction rejected by ApprovalProgram" in error


def test_budget_exhaustion_reports_pc(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    error = rejected(algod, call(algod, creator, app_id, b"loop"))
    assert "logic eval error: dynamic cost budget exceeded" in error
    assert "pc=" in error


def test_logs_in_apply_data(algod: AlgodClient, account_factory: Factory, sandbox: Any) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"log")
    send(algod, stxn)
    assert apply_data(sandbox, stxn.get_txid())["dt"]["lg"] == [b"hello"]


def test_opt_in_local_state_close_out(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator, local_schema=(1, 0))
    send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    assert algod.account_info(user.address)["min-balance"] == 100_000 + 100_000 + 28_500
    stxn = call(algod, user, app_id, b"local")
    send(algod, stxn)
    user_key = decode_address(user.address)
    assert sandbox.ledger.local_state(user_key, app_id).values == {b"l": 7}
    assert apply_data(sandbox, stxn.get_txid())["dt"]["ld"] == {0: {b"l": {"at": 2, "ui": 7}}}
    send(algod, call(algod, user, app_id, on_complete=OC.CloseOutOC))
    assert sandbox.ledger.local_state(user_key, app_id) is None
    assert algod.account_info(user.address)["min-balance"] == 100_000


def test_local_write_without_opt_in_fails(algod: AlgodClient, account_factory: Factory) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator)
    error = rejected(algod, call(algod, user, app_id, b"local"))
    assert "has not opted in to app" in error


def test_failing_clear_program_still_clears(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator, clear=CLEAR_FAIL, global_schema=(2, 0))
    send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    stxn = call(algod, user, app_id, on_complete=OC.ClearStateOC)
    send(algod, stxn)
    assert sandbox.ledger.local_state(decode_address(user.address), app_id) is None
    assert b"c" not in sandbox.ledger.app(app_id).global_state  # its write was discarded
    assert "dt" not in apply_data(sandbox, stxn.get_txid())


def test_passing_clear_program_keeps_its_changes(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator, global_schema=(2, 0))
    send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    send(algod, call(algod, user, app_id, on_complete=OC.ClearStateOC))
    assert sandbox.ledger.app(app_id).global_state[b"c"] == 1


def test_update_and_delete(algod: AlgodClient, account_factory: Factory, sandbox: Any) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    new_approval = program(algod, "#pragma version 10\nint 1\n")
    clear = program(algod, CLEAR_OK)
    txn = transaction.ApplicationUpdateTxn(creator.address, sp(algod), app_id, new_approval, clear)
    send(algod, sign(txn, creator))
    assert sandbox.ledger.app(app_id).approval_program == new_approval
    send(algod, sign(transaction.ApplicationDeleteTxn(creator.address, sp(algod), app_id), creator))
    assert sandbox.ledger.app(app_id) is None
    assert algod.account_info(creator.address)["min-balance"] == 100_000


def test_version_mismatch_is_malformed(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    error = rejected(
        algod,
        sign(
            transaction.ApplicationCreateTxn(
                creator.address, sp(algod), OC.NoOpOC, program(algod, APPROVAL),
                program(algod, "#pragma version 8\nint 1\n"),
                transaction.StateSchema(0, 0), transaction.StateSchema(0, 0),
            ),
            creator,
        ),
    )  # fmt: skip
    assert "program version mismatch: 10 != 8" in error


def test_app_account_address(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    assert encode_address(app_address(app_id)) == transaction.logic.get_application_address(app_id)


@pytest.mark.parametrize("args", [[b"x"] * 17])
def test_too_many_args(algod: AlgodClient, account_factory: Factory, args: list[bytes]) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    assert "tx.ApplicationArgs has too many arguments. 17 > 16" in rejected(
        algod, call(algod, creator, app_id, *args)
    )
