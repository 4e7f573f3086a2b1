"""Simulate as algod answers it (issue 13, LocalNet's conventions), through algosdk:
`failed-at` at the failing copy of a repeated transaction and down into inner transactions,
`state-change` traces with the group's initial states, and boxes of apps the group creates in
the unnamed-resources report.

Every simulation must leave the ledger exactly as it found it: same state digest, same round.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

from algosdk import transaction
from algosdk.v2client import models
from algosdk.v2client.algod import AlgodClient
from conftest import send
from test_apps_lifecycle import (  # type: ignore[import-not-found]
    _remember_sandbox,  # noqa: F401  (autouse fixture: create_app reads the sandbox)
    create_app,
    program,
)
from test_simulate_apps_http import (  # type: ignore[import-not-found]
    _create_app,
    _fund_app,
    _simulate,
    untouched,
)

from gridworks.sandbox import DevAccount, EmbeddedSandbox

Factory = Callable[..., DevAccount]
STATE_TRACE = models.SimulateTraceConfig(enable=True, state_change=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _call(
    algod: AlgodClient, sender: DevAccount, app_id: int, *args: bytes, **kwargs: Any
) -> transaction.ApplicationNoOpTxn:
    return transaction.ApplicationNoOpTxn(
        sender.address, algod.suggested_params(), app_id, app_args=list(args) or None, **kwargs
    )


def _signed_group(sender: DevAccount, *txns: transaction.Transaction) -> list[Any]:
    for txn in txns:
        txn.group = None  # a copy of a grouped transaction keeps its old group
    return [sender.sign(txn) for txn in transaction.assign_group_id(list(txns))]


# failed-at -------------------------------------------------------------------------------


def test_a_repeated_transaction_fails_at_its_second_copy(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    params = algod.suggested_params()
    first = transaction.PaymentTxn(alice.address, params, bob.address, 1, note=b"again")
    other = transaction.PaymentTxn(alice.address, params, bob.address, 2)
    signed = _signed_group(alice, first, other, copy.deepcopy(first))
    assert signed[0].get_txid() == signed[2].get_txid()

    with untouched(sandbox):
        group = _simulate(algod, signed)

    assert group["failure-message"] == f"transaction already in ledger: {signed[2].get_txid()}"
    assert group["failed-at"] == [2]


PAY_TWICE = """#pragma version 8
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
itxn_begin
int pay
itxn_field TypeEnum
txna ApplicationArgs 0
btoi
itxn_field Amount
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
int 1
"""

CALL_WITH_ARG = """#pragma version 8
itxn_begin
int appl
itxn_field TypeEnum
txna Applications 1
itxn_field ApplicationID
txna ApplicationArgs 0
itxn_field ApplicationArgs
int 0
itxn_field Fee
itxn_submit
int 1
"""

PAY_FROM_CALLER = """#pragma version 8
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Sender
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
int 1
"""


def test_a_failing_inner_transaction_is_pointed_at_by_its_path(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """Each index below the top-level one counts all the inner transactions its parent
    submitted so far, across its itxn_submit groups (go's TxnPath)."""
    alice = account_factory()
    payer = _create_app(algod, sandbox, alice, PAY_TWICE)
    caller = _create_app(algod, sandbox, alice, CALL_WITH_ARG)
    thief = _create_app(algod, sandbox, alice, PAY_FROM_CALLER)
    _fund_app(algod, alice, payer)
    params = algod.suggested_params()
    params.flat_fee, params.fee = True, 4_000
    too_much = (10**12).to_bytes(8, "big")

    def group(call: transaction.Transaction) -> list[Any]:
        pays = [
            transaction.PaymentTxn(alice.address, params, alice.address, 0, note=note)
            for note in (b"1", b"2")
        ]
        return _signed_group(alice, *pays, call)

    pay_call = transaction.ApplicationNoOpTxn(alice.address, params, payer, app_args=[too_much])
    nested = transaction.ApplicationNoOpTxn(
        alice.address, params, caller, app_args=[too_much], foreign_apps=[payer], note=b"n"
    )
    steal = transaction.ApplicationNoOpTxn(alice.address, params, thief)
    fine = transaction.ApplicationNoOpTxn(
        alice.address, params, payer, app_args=[(1).to_bytes(8, "big")]
    )

    with untouched(sandbox):
        direct = _simulate(algod, group(pay_call))
        deep = _simulate(algod, group(nested))
        unauthorized = _simulate(algod, [alice.sign(steal)])
        passed = _simulate(algod, group(fine))

    assert "overspend" in direct["failure-message"]
    assert direct["failed-at"] == [2, 1]
    assert "overspend" in deep["failure-message"]
    assert deep["failed-at"] == [2, 0, 1]
    assert "unauthorized" in unauthorized["failure-message"]
    assert unauthorized["failed-at"] == [0, 0]
    assert "failure-message" not in passed and "failed-at" not in passed


# state-change and initial-states ---------------------------------------------------------

GLOBAL_AND_LOCAL = """#pragma version 8
txn ApplicationID
bz end // Do nothing during create

txn OnCompletion
int OptIn
==
bnz end // Always allow optin

byte "local"
byte "global"
txn ApplicationArgs 0
match local global
err // Unknown command

local:
  txn Sender
  byte "local-int-key"
  int 0xcafeb0ba
  app_local_put
  int 0
  byte "local-bytes-key"
  byte "xqcL"
  app_local_put
  b end

global:
  byte "global-int-key"
  int 0xdeadbeef
  app_global_put
  byte "global-bytes-key"
  byte "welt am draht"
  app_global_put
  b end

end:
  int 1
"""
CLEAR = "#pragma version 8\nint 1\n"


def _global_trace() -> list[dict[str, Any]]:
    """The approval trace of the "global" call (go's e2e test of state changes)."""
    pcs = [1, 4, 6, 9, 11, 12, 13, 16, 23, 31, 34, 94, 110, 116, 117, 135, 150, 151, 154]
    units: list[dict[str, Any]] = [{"pc": pc} for pc in pcs]
    units[13]["state-changes"] = [{
        "operation": "w", "app-state-type": "g", "key": _b64(b"global-int-key"),
        "new-value": {"type": 2, "uint": 0xDEADBEEF},
    }]  # fmt: skip
    units[16]["state-changes"] = [{
        "operation": "w", "app-state-type": "g", "key": _b64(b"global-bytes-key"),
        "new-value": {"type": 1, "bytes": _b64(b"welt am draht")},
    }]  # fmt: skip
    return units


def _local_trace(account: str) -> list[dict[str, Any]]:
    pcs = [1, 4, 6, 9, 11, 12, 13, 16, 23, 31, 34, 41, 43, 58, 64, 65, 67, 84, 90, 91, 154]
    units: list[dict[str, Any]] = [{"pc": pc} for pc in pcs]
    units[14]["state-changes"] = [{
        "operation": "w", "app-state-type": "l", "key": _b64(b"local-int-key"),
        "new-value": {"type": 2, "uint": 0xCAFEB0BA}, "account": account,
    }]  # fmt: skip
    units[18]["state-changes"] = [{
        "operation": "w", "app-state-type": "l", "key": _b64(b"local-bytes-key"),
        "new-value": {"type": 1, "bytes": _b64(b"xqcL")}, "account": account,
    }]  # fmt: skip
    return units


def _state_traced(algod: AlgodClient, signed: list[Any]) -> dict[str, Any]:
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=signed)],
        exec_trace_config=STATE_TRACE,
    )
    response = algod.simulate_transactions(request)
    assert isinstance(response, dict)
    group = response["txn-groups"][0]
    assert "failure-message" not in group, group["failure-message"]
    assert response["exec-trace-config"] == {"enable": True, "state-change": True}
    return response


def test_state_changes_and_initial_states_of_global_and_local_state(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    app_id = create_app(algod, alice, GLOBAL_AND_LOCAL, CLEAR, (1, 1), (1, 1))
    params = algod.suggested_params()
    opt_in = transaction.ApplicationOptInTxn(alice.address, params, app_id)

    with untouched(sandbox):  # every key is new: the group creates it, so no initial value
        fresh = _state_traced(
            algod,
            _signed_group(
                alice, _call(algod, alice, app_id, b"global"), opt_in,
                _call(algod, alice, app_id, b"local"),
            ),
        )  # fmt: skip
    send(
        algod,
        *_signed_group(
            alice, _call(algod, alice, app_id, b"global"), copy.deepcopy(opt_in),
            _call(algod, alice, app_id, b"local"),
        ),
    )  # fmt: skip
    with untouched(sandbox):  # now every key has a value before the group runs
        again = _state_traced(
            algod,
            _signed_group(
                alice, _call(algod, alice, app_id, b"global", note=b"for global"),
                _call(algod, alice, app_id, b"local", note=b"for local"),
            ),
        )  # fmt: skip

    results = fresh["txn-groups"][0]["txn-results"]
    assert results[0]["exec-trace"]["approval-program-trace"] == _global_trace()
    opt_in_pcs = [1, 4, 6, 9, 11, 12, 13, 154]
    assert results[1]["exec-trace"]["approval-program-trace"] == [{"pc": pc} for pc in opt_in_pcs]
    assert results[2]["exec-trace"]["approval-program-trace"] == _local_trace(alice.address)
    assert fresh["initial-states"] == {"app-initial-states": [{"id": app_id}]}
    results = again["txn-groups"][0]["txn-results"]
    assert results[0]["exec-trace"]["approval-program-trace"] == _global_trace()
    assert results[1]["exec-trace"]["approval-program-trace"] == _local_trace(alice.address)
    assert again["initial-states"] == {
        "app-initial-states": [{
            "id": app_id,
            "app-globals": {"kvs": [
                {"key": _b64(b"global-bytes-key"),
                 "value": {"type": 1, "bytes": _b64(b"welt am draht")}},
                {"key": _b64(b"global-int-key"), "value": {"type": 2, "uint": 0xDEADBEEF}},
            ]},
            "app-locals": [{"account": alice.address, "kvs": [
                {"key": _b64(b"local-bytes-key"), "value": {"type": 1, "bytes": _b64(b"xqcL")}},
                {"key": _b64(b"local-int-key"), "value": {"type": 2, "uint": 0xCAFEB0BA}},
            ]}],
        }]
    }  # fmt: skip


BOXES_AND_DELETES = """#pragma version 8
txn ApplicationID
bz end
txna ApplicationArgs 0
byte "setup"
==
bnz setup
txna ApplicationArgs 0
byte "put"
==
bnz put
byte "B"
box_del
pop
byte "G"
app_global_del
byte "missing"
app_global_get
pop
b end
setup:
  byte "B"
  byte "old!"
  box_put
  byte "G"
  byte "g"
  app_global_put
  b end
put:
  byte "B"
  byte "new!"
  box_put
end:
  int 1
"""

WRITE_ON_CREATE = '#pragma version 8\nbyte "k"\nint 0\napp_global_put\nint 1\n'


def test_box_writes_deletes_reads_and_a_created_app(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """A delete has no new value; a key read before it has a value has a value of type 0; an
    app the group creates has no initial states (its writes are still traced)."""
    alice = account_factory()
    app_id = create_app(algod, alice, BOXES_AND_DELETES, CLEAR, (0, 1), (0, 0))
    _fund_app(algod, alice, app_id)
    box = [(app_id, b"B")]
    send(algod, alice.sign(_call(algod, alice, app_id, b"setup", boxes=box)))
    create = transaction.ApplicationCreateTxn(
        alice.address, algod.suggested_params(), transaction.OnComplete.NoOpOC,
        program(algod, WRITE_ON_CREATE), program(algod, CLEAR),
        transaction.StateSchema(1, 0), transaction.StateSchema(0, 0),
    )  # fmt: skip
    signed = _signed_group(
        alice, create, _call(algod, alice, app_id, b"put", boxes=box),
        _call(algod, alice, app_id, b"del", boxes=box),
    )  # fmt: skip

    with untouched(sandbox):
        response = _state_traced(algod, signed)

    created, put, delete = response["txn-groups"][0]["txn-results"]
    assert created["exec-trace"]["approval-program-trace"][2]["state-changes"] == [
        {"operation": "w", "app-state-type": "g", "key": _b64(b"k"), "new-value": {"type": 2}}
    ]
    changes = [
        change
        for result in (put, delete)
        for unit in result["exec-trace"]["approval-program-trace"]
        for change in unit.get("state-changes", [])
    ]
    assert changes == [
        {"operation": "w", "app-state-type": "b", "key": _b64(b"B"),
         "new-value": {"type": 1, "bytes": _b64(b"new!")}},
        {"operation": "d", "app-state-type": "b", "key": _b64(b"B")},
        {"operation": "d", "app-state-type": "g", "key": _b64(b"G")},
    ]  # fmt: skip
    assert response["initial-states"] == {
        "app-initial-states": [{
            "id": app_id,
            "app-globals": {"kvs": [
                {"key": _b64(b"G"), "value": {"type": 1, "bytes": _b64(b"g")}},
                {"key": _b64(b"missing"), "value": {"type": 0}},
            ]},
            "app-boxes": {"kvs": [
                {"key": _b64(b"B"), "value": {"type": 1, "bytes": _b64(b"old!")}},
            ]},
        }]
    }  # fmt: skip


def test_state_change_tracing_of_untouched_state_reports_no_initial_states(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    pay = transaction.PaymentTxn(alice.address, algod.suggested_params(), bob.address, 1)

    with untouched(sandbox):
        response = _state_traced(algod, [alice.sign(pay)])

    assert "initial-states" not in response


# unnamed resources -----------------------------------------------------------------------

READ_BOX = '#pragma version 9\nbyte "X"\nbox_len\npop\npop\nint 1\n'


def test_a_box_of_an_app_the_group_creates_is_reported_as_an_empty_ref(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """Its app id does not exist before the group runs, so go reports an empty box ref in its
    place; a box of an existing app is still named."""
    alice = account_factory()
    existing = _create_app(algod, sandbox, alice, READ_BOX)
    create = transaction.ApplicationCreateTxn(
        alice.address, algod.suggested_params(), transaction.OnComplete.NoOpOC,
        program(algod, READ_BOX), program(algod, "#pragma version 9\nint 1\n"),
        transaction.StateSchema(0, 0), transaction.StateSchema(0, 0),
    )  # fmt: skip

    with untouched(sandbox):
        alone = _simulate(algod, [alice.sign(create)], allow_unnamed_resources=True)
        mixed = _simulate(
            algod,
            _signed_group(alice, copy.deepcopy(create), _call(algod, alice, existing)),
            allow_unnamed_resources=True,
        )

    assert "failure-message" not in alone, alone["failure-message"]
    assert alone["txn-results"][0]["txn-result"]["application-index"] > existing
    assert alone["unnamed-resources-accessed"] == {"extra-box-refs": 1}
    assert "failure-message" not in mixed, mixed["failure-message"]
    assert mixed["unnamed-resources-accessed"] == {
        "boxes": [{"app": existing, "name": _b64(b"X")}],
        "extra-box-refs": 1,
    }
