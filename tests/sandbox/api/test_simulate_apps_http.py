"""Simulate's app-call features through algosdk: unnamed resources, more logging, inner traces,
and the results of the transactions before a failing one.

Every simulation must leave the ledger exactly as it found it: same state digest, same round.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.logic import get_application_address
from algosdk.v2client import models
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.sandbox import DevAccount, EmbeddedSandbox
from gridworks.sandbox.encoding import decode_address, decode_txid

Factory = Callable[..., DevAccount]
NO_SCHEMA = transaction.StateSchema(0, 0)
CREATE_GUARD = "txn ApplicationID\nbz created\n"  # 2 opcodes before each program's own


@contextlib.contextmanager
def untouched(sandbox: EmbeddedSandbox) -> Iterator[None]:
    """The whole ledger (state digest and round) is the same after the block."""
    ledger = sandbox.ledger
    before = ledger.round, ledger.state_digest()
    yield
    assert (ledger.round, ledger.state_digest()) == before, "simulate changed the ledger"


def _program(algod: AlgodClient, teal: str) -> bytes:
    return base64.b64decode(algod.compile(teal)["result"])


def _create_app(
    algod: AlgodClient, sandbox: EmbeddedSandbox, creator: DevAccount, teal: str
) -> int:
    """Deploys `teal` as an approval program (clear: approve) and returns the app id; the
    creation itself skips `teal` (it approves at once)."""
    version, body = teal.split("\n", 1)
    guarded = f"{version}\n{CREATE_GUARD}{body}\nreturn\ncreated:\nint 1\n"
    create = transaction.ApplicationCreateTxn(
        creator.address, algod.suggested_params(), transaction.OnComplete.NoOpOC,
        _program(algod, guarded), _program(algod, f"{version}\nint 1\n"), NO_SCHEMA, NO_SCHEMA,
    )  # fmt: skip
    signed = creator.sign(create)
    send(algod, signed)
    confirmed = sandbox.ledger.confirmed(decode_txid(signed.get_txid()))
    assert confirmed is not None
    app_id: int = confirmed.apply_data["apid"]
    return app_id


def _simulate(algod: AlgodClient, signed: list[Any], **options: Any) -> dict[str, Any]:
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=signed)], **options
    )
    response = algod.simulate_transactions(request)
    assert isinstance(response, dict)
    assert len(response["txn-groups"]) == 1
    group: dict[str, Any] = response["txn-groups"][0]
    return {**group, "eval-overrides": response.get("eval-overrides", {})}


READ_BALANCE = """
txna ApplicationArgs 0
balance
pop
int 1
"""


@pytest.mark.parametrize("version", [8, 9])
def test_unnamed_account_passes_only_with_allow_unnamed_resources(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox, version: int
) -> None:
    alice, bob = account_factory(), account_factory()
    app_id = _create_app(algod, sandbox, alice, f"#pragma version {version}\n{READ_BALANCE}")
    call = transaction.ApplicationNoOpTxn(
        alice.address, algod.suggested_params(), app_id, app_args=[decode_address(bob.address)]
    )
    signed = alice.sign(call)

    with untouched(sandbox):
        with pytest.raises(AlgodHTTPError, match="unavailable Account"):
            algod.send_transaction(signed)
        refused = _simulate(algod, [signed])
        allowed = _simulate(algod, [signed], allow_unnamed_resources=True)

    assert "unavailable Account" in refused["failure-message"]
    assert "failure-message" not in allowed, allowed["failure-message"]
    assert allowed["eval-overrides"] == {"allow-unnamed-resources": True}
    expected = {"accounts": [bob.address]}
    if version >= 9:  # v9 shares resources across the group: go reports them per group
        assert allowed["unnamed-resources-accessed"] == expected
        assert "unnamed-resources-accessed" not in allowed["txn-results"][0]
    else:
        assert allowed["txn-results"][0]["unnamed-resources-accessed"] == expected
        assert "unnamed-resources-accessed" not in allowed


def test_unnamed_accounts_stop_at_what_the_txn_could_have_named(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """A v8 call may use as many unnamed accounts as its empty foreign slots (4 + 8) allow."""
    alice = account_factory()
    others = [account_factory() for _ in range(13)]
    reads = "".join(f"txna ApplicationArgs {i}\nbalance\npop\n" for i in range(13))
    app_id = _create_app(algod, sandbox, alice, f"#pragma version 8\n{reads}int 1\n")
    params = algod.suggested_params()
    args = [decode_address(o.address) for o in others]
    too_many = transaction.ApplicationNoOpTxn(alice.address, params, app_id, app_args=args)
    few = transaction.ApplicationNoOpTxn(alice.address, params, app_id, app_args=args[:1] * 13)

    with untouched(sandbox):
        refused = _simulate(algod, [alice.sign(too_many)], allow_unnamed_resources=True)
        allowed = _simulate(algod, [alice.sign(few)], allow_unnamed_resources=True)

    assert "unavailable Account" in refused["failure-message"]
    assert "failure-message" not in allowed
    assert allowed["txn-results"][0]["unnamed-resources-accessed"] == {
        "accounts": [others[0].address]
    }


LOG_40_TIMES = """#pragma version 8
int 0
store 0
loop:
byte "x"
log
load 0
int 1
+
dup
store 0
int 40
<
bnz loop
int 1
"""


def test_more_than_32_logs_pass_only_with_allow_more_logging(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    app_id = _create_app(algod, sandbox, alice, LOG_40_TIMES)
    signed = alice.sign(
        transaction.ApplicationNoOpTxn(alice.address, algod.suggested_params(), app_id)
    )

    with untouched(sandbox):
        refused = _simulate(algod, [signed])
        allowed = _simulate(algod, [signed], allow_more_logs=True)

    assert "too many log calls" in refused["failure-message"]
    assert "failure-message" not in allowed, allowed["failure-message"]
    assert allowed["eval-overrides"] == {"max-log-calls": 2_048, "max-log-size": 65_536}
    logs = allowed["txn-results"][0]["txn-result"]["logs"]
    assert logs == [base64.b64encode(b"x").decode()] * 40


CALL_FOREIGN_APP = """#pragma version 8
itxn_begin
int appl
itxn_field TypeEnum
txna Applications 1
itxn_field ApplicationID
int 0
itxn_field Fee
itxn_submit
int 1
"""


def test_inner_app_call_shows_an_inner_trace(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    callee = _create_app(algod, sandbox, alice, "#pragma version 8\nint 2\nint 3\n+\nreturn")
    caller = _create_app(algod, sandbox, alice, CALL_FOREIGN_APP)
    params = algod.suggested_params()
    params.flat_fee, params.fee = True, 2_000
    call = transaction.ApplicationNoOpTxn(alice.address, params, caller, foreign_apps=[callee])

    with untouched(sandbox):
        group = _simulate(
            algod, [alice.sign(call)], exec_trace_config=models.SimulateTraceConfig(enable=True)
        )

    assert "failure-message" not in group, group["failure-message"]
    result = group["txn-results"][0]
    trace = result["exec-trace"]
    units = trace["approval-program-trace"]
    submit = [u for u in units if "spawned-inners" in u]
    assert len(submit) == 1 and submit[0]["spawned-inners"] == [0]
    [inner] = trace["inner-trace"]
    callee_program = base64.b64decode(algod.application_info(callee)["params"]["approval-program"])
    digest = hashlib.new("sha512_256", callee_program).digest()
    assert base64.b64decode(inner["approval-program-hash"]) == digest
    assert len(inner["approval-program-trace"]) == 2 + 4
    assert result["app-budget-consumed"] == len(units) + 6  # the inner app's cost included
    assert group["app-budget-added"] == 2 * 700


LOG_UNLESS_ARGS = """#pragma version 8
byte "hi"
log
txn NumAppArgs
int 0
==
"""


def test_a_failing_third_txn_still_reports_the_first_two(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    app_id = _create_app(algod, sandbox, alice, LOG_UNLESS_ARGS)
    params = algod.suggested_params()
    txns = transaction.assign_group_id(
        [
            transaction.ApplicationNoOpTxn(alice.address, params, app_id, note=b"1"),
            transaction.ApplicationNoOpTxn(alice.address, params, app_id, note=b"2"),
            transaction.ApplicationNoOpTxn(alice.address, params, app_id, app_args=[b"no"]),
        ]
    )

    with untouched(sandbox):
        group = _simulate(algod, [alice.sign(t) for t in txns])

    assert "rejected by ApprovalProgram" in group["failure-message"]
    assert group["failed-at"] == [2]
    results = [r["txn-result"] for r in group["txn-results"]]
    hi = base64.b64encode(b"hi").decode()
    assert results[0]["logs"] == [hi] and results[1]["logs"] == [hi]
    assert "logs" not in results[2]


CREATE_BOX = """
byte "box"
txna ApplicationArgs 0
btoi
box_create
"""


def _fund_app(algod: AlgodClient, payer: DevAccount, app_id: int) -> None:
    """Enough for the app account to hold a few boxes."""
    address = get_application_address(app_id)
    pay = transaction.PaymentTxn(payer.address, algod.suggested_params(), address, 2_000_000)
    send(algod, payer.sign(pay))


@pytest.mark.parametrize("version", [8, 9])
def test_unnamed_box_passes_only_with_allow_unnamed_resources(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox, version: int
) -> None:
    alice = account_factory()
    app_id = _create_app(algod, sandbox, alice, f"#pragma version {version}\n{CREATE_BOX}")
    _fund_app(algod, alice, app_id)
    call = transaction.ApplicationNoOpTxn(
        alice.address, algod.suggested_params(), app_id, app_args=[(8).to_bytes(8, "big")]
    )
    signed = alice.sign(call)

    with untouched(sandbox):
        with pytest.raises(AlgodHTTPError, match="invalid Box reference 0x626f78"):
            algod.send_transaction(signed)
        refused = _simulate(algod, [signed])
        allowed = _simulate(algod, [signed], allow_unnamed_resources=True)

    assert "invalid Box reference 0x626f78" in refused["failure-message"]
    assert "failure-message" not in allowed, allowed["failure-message"]
    assert allowed["eval-overrides"] == {"allow-unnamed-resources": True}
    # boxes are always the group's, whatever the program version
    assert allowed["unnamed-resources-accessed"] == {
        "boxes": [{"app": app_id, "name": base64.b64encode(b"box").decode()}]
    }
    assert "unnamed-resources-accessed" not in allowed["txn-results"][0]


def test_unnamed_box_beyond_one_ref_budget_reports_extra_box_refs(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """A 3,000-byte box needs 2 refs' write budget (2,048 bytes each): its own and an empty
    one."""
    alice = account_factory()
    app_id = _create_app(algod, sandbox, alice, f"#pragma version 9\n{CREATE_BOX}")
    _fund_app(algod, alice, app_id)
    params = algod.suggested_params()
    size = (3_000).to_bytes(8, "big")
    unnamed = transaction.ApplicationNoOpTxn(alice.address, params, app_id, app_args=[size])
    named = transaction.ApplicationNoOpTxn(
        alice.address, params, app_id, app_args=[size], boxes=[(app_id, b"box")]
    )

    with untouched(sandbox):
        allowed = _simulate(algod, [alice.sign(unnamed)], allow_unnamed_resources=True)
        over_budget = _simulate(algod, [alice.sign(named)])
        relaxed = _simulate(algod, [alice.sign(named)], allow_unnamed_resources=True)

    assert "failure-message" not in allowed, allowed["failure-message"]
    assert allowed["unnamed-resources-accessed"] == {
        "boxes": [{"app": app_id, "name": base64.b64encode(b"box").decode()}],
        "extra-box-refs": 1,
    }
    assert "write budget (2048) exceeded 3000" in over_budget["failure-message"]
    # go raises the budget too, and reports the empty refs even when they are all it added
    assert "failure-message" not in relaxed, relaxed["failure-message"]
    assert relaxed["unnamed-resources-accessed"] == {"extra-box-refs": 1}
