"""Bad input for applications (issue 4): each failing app call is refused with algod's error
text and the program counter, and leaves the ledger exactly as it was (the whole-state digest
and the round, through the `unchanged` fixture). A failing clear program is the exception that
go makes too: the transaction succeeds and the local state is cleared all the same. Simulate
never changes the state, whatever it is sent.

The reported pc is checked against the source map `POST /v2/teal/compile?sourcemap=true` gives,
so each error is pinned to the TEAL line that raised it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from algosdk import encoding, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.source_map import SourceMap
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount
from gridworks.sandbox.encoding import decode_address
from gridworks.sandbox.ledger.simulate import SimulateOptions, simulate
from gridworks.sandbox.ledger.transaction import decode_signed_transactions

Factory = Callable[..., DevAccount]
OC = transaction.OnComplete

# v8: before resource sharing, so an account must be in txn.Accounts to be read.
APPROVAL = """#pragma version 8
txn ApplicationID
bz ok
txn NumAppArgs
bz ok
txna ApplicationArgs 0
byte "loop"
==
bz not_loop
loop:
int 1
pop
b loop
not_loop:
txna ApplicationArgs 0
byte "peek"
==
bz not_peek
txna ApplicationArgs 1
balance // peek here
pop
b ok
not_peek:
txna ApplicationArgs 0
byte "bytes"
==
bz not_bytes
byte "gb"
byte "x"
app_global_put // bytes here
b ok
not_bytes:
txna ApplicationArgs 0
byte "box"
==
bz not_box
byte "bx"
int 10
box_create // box here
pop
b ok
not_box:
txna ApplicationArgs 0
byte "put"
==
bz not_put
byte "g"
int 1
app_global_put
b ok
not_put:
txna ApplicationArgs 0
byte "reject"
==
bz ok
int 0
return
ok:
int 1
"""
CLEAR_FAIL = '#pragma version 8\nbyte "c"\nint 1\napp_global_put\nerr\n'

PC = re.compile(r"pc=(\d+)")


def sp(algod: AlgodClient) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = 1_000
    return params


def sign(txn: transaction.Transaction, signer: DevAccount) -> transaction.SignedTransaction:
    return sign_transaction_with_signer(txn, AccountTransactionSigner(signer.private_key))


def compile_teal(algod: AlgodClient, source: str) -> tuple[bytes, SourceMap]:
    result = algod.compile(source, source_map=True)
    return base64.b64decode(result["result"]), SourceMap(result["sourcemap"])


def line_of(source: str, marker: str) -> int:
    """The 0-based line of `source` that carries the comment `// <marker> here`."""
    (index,) = [i for i, line in enumerate(source.splitlines()) if f"// {marker} here" in line]
    return index


def create_app(algod: AlgodClient, creator: DevAccount, clear: str = CLEAR_FAIL) -> int:
    approval, _ = compile_teal(algod, APPROVAL)
    clear_program, _ = compile_teal(algod, clear)
    txn = transaction.ApplicationCreateTxn(
        creator.address, sp(algod), OC.NoOpOC, approval, clear_program,
        transaction.StateSchema(2, 0), transaction.StateSchema(1, 0),
    )  # fmt: skip
    return int(send(algod, sign(txn, creator))[0]["application-index"])


def call(
    algod: AlgodClient, sender: DevAccount, app_id: int, *args: bytes,
    on_complete: OC = OC.NoOpOC, **kwargs: Any,
) -> transaction.SignedTransaction:  # fmt: skip
    txn = transaction.ApplicationCallTxn(
        sender.address, sp(algod), app_id, on_complete, app_args=list(args) or None, **kwargs
    )
    return sign(txn, sender)


def fund_app(algod: AlgodClient, funder: DevAccount, app_id: int) -> None:
    address = transaction.logic.get_application_address(app_id)
    send(algod, sign(transaction.PaymentTxn(funder.address, sp(algod), address, 1_000_000), funder))


def logic_error(error: str, stxn: transaction.SignedTransaction, app_id: int) -> int:
    """Checks algod's frame around a logic eval error and returns the pc it reports."""
    assert f"transaction {stxn.get_txid()}: logic eval error: " in error, error
    assert f"Details: app={app_id}, pc=" in error, error
    match = PC.search(error)
    assert match is not None
    return int(match[1])


def test_exceeding_the_budget(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"loop")
    with unchanged(creator.address):
        error = rejected(algod, stxn)
    pc = logic_error(error, stxn, app_id)
    assert "logic eval error: dynamic cost budget exceeded, executing" in error
    _, source_map = compile_teal(algod, APPROVAL)
    lines = APPROVAL.splitlines()
    loop = lines.index("loop:")
    assert loop < source_map.get_line_for_pc(pc) <= loop + 3  # one of the loop's opcodes


def test_reading_an_account_outside_the_foreign_array_at_v8(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    creator, stranger = account_factory(), account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"peek", decode_address(stranger.address))
    with unchanged(creator.address, stranger.address):
        error = rejected(algod, stxn)
    pc = logic_error(error, stxn, app_id)
    assert f"logic eval error: unavailable Account {stranger.address}" in error
    _, source_map = compile_teal(algod, APPROVAL)
    assert source_map.get_line_for_pc(pc) == line_of(APPROVAL, "peek")
    # the same call naming the account in txn.Accounts goes through
    send(
        algod,
        call(
            algod, creator, app_id, b"peek", decode_address(stranger.address),
            accounts=[stranger.address],
        ),
    )  # fmt: skip


def test_writing_beyond_the_global_schema(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any], sandbox: Any
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"bytes")
    with unchanged(creator.address):
        error = rejected(algod, stxn)
    logic_error(error, stxn, app_id)
    assert "store bytes count 1 exceeds schema bytes count 0" in error
    assert sandbox.ledger.app(app_id).global_state == {}


def test_an_app_call_without_the_box_reference_it_needs(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any], sandbox: Any
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    fund_app(algod, creator, app_id)  # so the missing reference is the only thing wrong
    stxn = call(algod, creator, app_id, b"box")
    app_address = transaction.logic.get_application_address(app_id)
    with unchanged(creator.address, app_address):
        error = rejected(algod, stxn)
    pc = logic_error(error, stxn, app_id)
    assert f"logic eval error: invalid Box reference 0x{b'bx'.hex()}" in error
    _, source_map = compile_teal(algod, APPROVAL)
    assert source_map.get_line_for_pc(pc) == line_of(APPROVAL, "box")
    assert sandbox.ledger.box(app_id, b"bx") is None
    # with the reference it creates the box
    send(algod, call(algod, creator, app_id, b"box", boxes=[(0, b"bx")]))
    assert sandbox.ledger.box(app_id, b"bx") == bytes(10)


def test_an_approval_program_that_rejects(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    stxn = call(algod, creator, app_id, b"reject")
    with unchanged(creator.address):
        error = rejected(algod, stxn)
    # go reports no pc for a clean rejection (the program ran to its end): only its words
    assert f"transaction {stxn.get_txid()}: transaction rejected by ApprovalProgram" in error


def test_a_failing_clear_program_still_clears_and_the_transaction_succeeds(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator, user = account_factory(), account_factory()
    app_id = create_app(algod, creator, clear=CLEAR_FAIL)
    send(algod, call(algod, user, app_id, on_complete=OC.OptInOC))
    assert algod.account_application_info(user.address, app_id)["app-local-state"]["id"] == app_id
    opted_in = algod.account_info(user.address)
    assert opted_in["min-balance"] == 100_000 + 100_000 + 28_500
    assert opted_in["total-apps-opted-in"] == 1

    stxn = call(algod, user, app_id, on_complete=OC.ClearStateOC)
    confirmed = send(algod, stxn)[0]

    assert confirmed["confirmed-round"] > 0
    assert confirmed.get("pool-error", "") == ""
    assert sandbox.ledger.local_state(decode_address(user.address), app_id) is None
    cleared = algod.account_info(user.address)
    assert cleared["min-balance"] == 100_000
    assert cleared["total-apps-opted-in"] == 0
    assert cleared["amount"] == opted_in["amount"] - 1_000  # the fee was paid
    assert b"c" not in sandbox.ledger.app(app_id).global_state  # its write was discarded


@pytest.mark.embedded_only
def test_simulate_never_changes_state(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator = account_factory()
    app_id = create_app(algod, creator)
    ledger = sandbox.ledger
    failing = call(algod, creator, app_id, b"loop")
    passing = call(algod, creator, app_id, b"put")
    before = (ledger.round, ledger.state_digest())

    # over HTTP
    failed = algod.simulate_raw_transactions([failing])
    assert "dynamic cost budget exceeded" in failed["txn-groups"][0]["failure-message"]
    assert failed["txn-groups"][0]["failed-at"] == [0]
    passed = algod.simulate_raw_transactions([passing])
    group = passed["txn-groups"][0]
    assert "failure-message" not in group or not group["failure-message"]
    assert group["txn-results"][0]["txn-result"]["global-state-delta"][0]["value"]["uint"] == 1
    assert (ledger.round, ledger.state_digest()) == before

    # through the Python API
    for stxn in (failing, passing):
        raw = base64.b64decode(encoding.msgpack_encode(stxn))
        result = simulate(ledger, [decode_signed_transactions(raw)], SimulateOptions())
        assert bool(result.groups[0].failure_message) == (stxn is failing)
        assert (ledger.round, ledger.state_digest()) == before

    # and the same transactions still go through (or not) for real afterwards
    rejected(algod, failing)
    send(algod, passing)
    assert ledger.app(app_id).global_state == {b"g": 1}
    assert ledger.round == before[0] + 1
