"""POST /v2/transactions/simulate through algosdk (and raw HTTP for malformed bodies).

Every simulation must leave the ledger exactly as it found it: same state digest, same round.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msgpack
import pytest
from algosdk import transaction
from algosdk.atomic_transaction_composer import (
    AtomicTransactionComposer,
    TransactionWithSigner,
)
from algosdk.v2client import models
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.sandbox import DevAccount, EmbeddedSandbox
from gridworks.sandbox.encoding import decode_txid

Factory = Callable[..., DevAccount]


@contextlib.contextmanager
def untouched(sandbox: EmbeddedSandbox) -> Iterator[None]:
    """The whole ledger (state digest and round) is the same after the block."""
    ledger = sandbox.ledger
    before = ledger.round, ledger.state_digest()
    yield
    assert (ledger.round, ledger.state_digest()) == before, "simulate changed the ledger"


@pytest.fixture
def http(algod: AlgodClient) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=algod.algod_address, headers={"X-Algo-API-Token": algod.algod_token}
    ) as client:
        yield client


def _pay(algod: AlgodClient, sender: str, receiver: str, amount: int) -> transaction.Transaction:
    return transaction.PaymentTxn(sender, algod.suggested_params(), receiver, amount)


def _only_group(response: Any) -> dict[str, Any]:
    assert isinstance(response, dict)
    assert response["version"] == 2
    assert len(response["txn-groups"]) == 1
    group: dict[str, Any] = response["txn-groups"][0]
    return group


def _sha512_256(data: bytes) -> bytes:
    return hashlib.new("sha512_256", data).digest()


def test_payment_group_simulates_without_changing_state(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    txns = transaction.assign_group_id(
        [_pay(algod, alice.address, bob.address, 1_000), _pay(algod, bob.address, alice.address, 7)]
    )
    signed = [alice.sign(txns[0]), bob.sign(txns[1])]

    with untouched(sandbox):
        response = algod.simulate_raw_transactions(signed)

    group = _only_group(response)
    assert "failure-message" not in group
    assert response["last-round"] == sandbox.ledger.round
    results = [r["txn-result"] for r in group["txn-results"]]
    assert [r["txn"]["txn"]["amt"] for r in results] == [1_000, 7]
    assert all("confirmed-round" not in r and r["pool-error"] == "" for r in results)
    assert algod.account_info(bob.address)["amount"] == 10_000_000


def test_overspend_is_reported_with_its_path(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    txns = transaction.assign_group_id(
        [
            _pay(algod, alice.address, bob.address, 1),
            _pay(algod, bob.address, alice.address, 10**12),
        ]
    )

    with untouched(sandbox):
        response = algod.simulate_raw_transactions([alice.sign(txns[0]), bob.sign(txns[1])])

    group = _only_group(response)
    assert "overspend" in group["failure-message"]
    assert group["failed-at"] == [1]
    assert len(group["txn-results"]) == 2


def test_empty_signature_needs_allow_empty_signatures(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    unsigned = transaction.SignedTransaction(_pay(algod, alice.address, bob.address, 5), None)
    group = models.SimulateRequestTransactionGroup(txns=[unsigned])

    with untouched(sandbox):
        refused = algod.simulate_transactions(models.SimulateRequest(txn_groups=[group]))
        allowed = algod.simulate_transactions(
            models.SimulateRequest(txn_groups=[group], allow_empty_signatures=True)
        )

    refused_group = _only_group(refused)
    assert "signedtxn has no sig" in refused_group["failure-message"]
    assert refused_group["failed-at"] == [0]
    assert "failure-message" not in _only_group(allowed)
    assert allowed["eval-overrides"] == {"allow-empty-signatures": True}


def test_a_bad_signature_is_not_excused(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    forged = bob.sign(_pay(algod, alice.address, bob.address, 5))  # signed by the wrong key
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[forged])],
        allow_empty_signatures=True,
    )

    with untouched(sandbox):
        group = _only_group(algod.simulate_transactions(request))

    assert "failure-message" in group and group["failed-at"] == [0]


LSIG_TEAL = """#pragma version 8
int 1
int 2
+
store 0
load 0
int 3
==
"""


def test_logic_sig_trace_records_pcs_stack_and_scratch(
    algod: AlgodClient, dev_accounts: list[DevAccount], account_factory: Factory
) -> None:
    program = base64.b64decode(algod.compile(LSIG_TEAL)["result"])
    lsig = transaction.LogicSigAccount(program)
    bob = account_factory()
    send(
        algod, dev_accounts[0].sign(_pay(algod, dev_accounts[0].address, lsig.address(), 1_000_000))
    )
    signed = transaction.LogicSigTransaction(_pay(algod, lsig.address(), bob.address, 1), lsig)
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[signed])],
        exec_trace_config=models.SimulateTraceConfig(
            enable=True, stack_change=True, scratch_change=True
        ),
    )

    response = algod.simulate_transactions(request)

    result = _only_group(response)["txn-results"][0]
    assert response["exec-trace-config"] == {
        "enable": True,
        "stack-change": True,
        "scratch-change": True,
    }
    assert result["logic-sig-budget-consumed"] == 7
    trace = result["exec-trace"]
    assert base64.b64decode(trace["logic-sig-hash"]) == _sha512_256(program)
    units = trace["logic-sig-trace"]
    assert [u["pc"] for u in units] == [1, 3, 5, 6, 8, 10, 12]  # pushint is 2 bytes each
    assert units[0] == {"pc": 1, "stack-additions": [{"type": 2, "uint": 1}]}
    assert units[2] == {"pc": 5, "stack-pop-count": 2, "stack-additions": [{"type": 2, "uint": 3}]}
    assert units[3] == {
        "pc": 6,
        "stack-pop-count": 1,
        "scratch-changes": [{"slot": 0, "new-value": {"type": 2, "uint": 3}}],
    }
    assert units[-1]["stack-additions"] == [{"type": 2, "uint": 1}]


def test_trace_without_stack_change_has_pcs_only(
    algod: AlgodClient, dev_accounts: list[DevAccount], account_factory: Factory
) -> None:
    program = base64.b64decode(algod.compile(LSIG_TEAL)["result"])
    lsig = transaction.LogicSigAccount(program)
    send(
        algod, dev_accounts[0].sign(_pay(algod, dev_accounts[0].address, lsig.address(), 1_000_000))
    )
    signed = transaction.LogicSigTransaction(
        _pay(algod, lsig.address(), account_factory().address, 1), lsig
    )
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[signed])],
        exec_trace_config=models.SimulateTraceConfig(enable=True),
    )

    units = _only_group(algod.simulate_transactions(request))["txn-results"][0]["exec-trace"][
        "logic-sig-trace"
    ]

    assert units == [{"pc": pc} for pc in (1, 3, 5, 6, 8, 10, 12)]


def test_rejecting_logic_sig_reports_failure_and_cost(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    program = base64.b64decode(algod.compile("#pragma version 8\nint 0\n")["result"])
    lsig = transaction.LogicSigAccount(program)
    signed = transaction.LogicSigTransaction(
        _pay(algod, lsig.address(), account_factory().address, 0), lsig
    )

    with untouched(sandbox):
        group = _only_group(algod.simulate_raw_transactions([signed]))

    assert "rejected by logic" in group["failure-message"]
    assert group["failed-at"] == [0]
    assert group["txn-results"][0]["logic-sig-budget-consumed"] == 1


def test_atomic_transaction_composer_simulate(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    atc = AtomicTransactionComposer()
    for amount in (1, 2):
        txn = _pay(algod, alice.address, bob.address, amount)
        atc.add_transaction(TransactionWithSigner(txn, alice.signer))

    with untouched(sandbox):
        result = atc.simulate(algod, models.SimulateRequest(txn_groups=[], extra_opcode_budget=700))

    assert result.failure_message == ""
    assert result.version == 2
    assert result.eval_overrides is not None
    assert result.eval_overrides.extra_opcode_budget == 700
    assert len(result.simulate_response["txn-groups"][0]["txn-results"]) == 2


def test_msgpack_format_answers_msgpack(
    algod: AlgodClient, account_factory: Factory, http: httpx.Client, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    stxn = alice.sign(_pay(algod, alice.address, bob.address, 3))
    body = {"txn-groups": [{"txns": [stxn.dictify()]}]}

    with untouched(sandbox):
        reply = http.post(
            "/v2/transactions/simulate",
            params={"format": "msgpack"},
            content=msgpack.packb(body, use_bin_type=True),
            headers={"Content-Type": "application/msgpack"},
        )

    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/msgpack"
    decoded = msgpack.unpackb(reply.content, raw=False, strict_map_key=False)
    txn = _only_group(decoded)["txn-results"][0]["txn-result"]["txn"]["txn"]
    assert txn["snd"] == _decode_address(alice.address)


def test_json_body_with_algod_json_transactions(
    algod: AlgodClient, account_factory: Factory, http: httpx.Client, sandbox: EmbeddedSandbox
) -> None:
    alice, bob = account_factory(), account_factory()
    stxn = alice.sign(_pay(algod, alice.address, bob.address, 3))
    pending_shape = _json_form(stxn.dictify())

    with untouched(sandbox):
        reply = http.post(
            "/v2/transactions/simulate",
            content=json.dumps({"txn-groups": [{"txns": [pending_shape]}]}),
        )

    assert reply.status_code == 200, reply.text
    group = _only_group(reply.json())
    assert "failure-message" not in group
    assert group["txn-results"][0]["txn-result"]["txn"] == pending_shape


def _decode_address(address: str) -> bytes:
    from algosdk import encoding

    return bytes(encoding.decode_address(address))


def _json_form(value: Any, key: str = "") -> Any:
    """algod's JSON form of a signed transaction: bytes in base64, addresses in base32."""
    from algosdk import encoding

    if isinstance(value, dict):
        return {k: _json_form(v, k) for k, v in value.items()}
    if isinstance(value, bytes):
        if key in ("snd", "rcv") and len(value) == 32:
            return encoding.encode_address(value)
        return base64.b64encode(value).decode()
    return value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xc1 not a request", "neither msgpack nor JSON"),
        (b"{}", "txn-groups: Field required"),
        (b'{"txn-groups": [], "bogus": 1}', "bogus: Extra inputs are not permitted"),
        (b'{"txn-groups": [{"txns": []}]}', "empty txgroup"),
        (b'{"txn-groups": [], "extra-opcode-budget": "lots"}', "extra-opcode-budget"),
        (b'{"txn-groups": [], "allow-empty-signatures": 1}', "allow-empty-signatures"),
        (b'{"txn-groups": [{"txns": [{"txn": {"snd": "nope"}}]}]}', "txn-groups[0].txns[0]"),
        (b'{"txn-groups": []}', "expected 1 transaction group, got 0"),
        (
            b'{"txn-groups": [], "fix-signers": true}',
            "FixSigners requires AllowEmptySignatures to be enabled",
        ),
    ],
)
def test_malformed_requests_are_400(http: httpx.Client, body: bytes, message: str) -> None:
    reply = http.post("/v2/transactions/simulate", content=body)

    assert reply.status_code == 400, reply.text
    assert message in reply.json()["message"]


def test_request_limits_are_400(
    algod: AlgodClient, account_factory: Factory, http: httpx.Client
) -> None:
    alice = account_factory()
    stxn = alice.sign(_pay(algod, alice.address, alice.address, 0)).dictify()
    group = [{"txns": [stxn]}]
    cases = [
        ({"txn-groups": group * 2}, "expected 1 transaction group, got 2"),
        ({"txn-groups": group, "extra-opcode-budget": 320_001}, "simulation extra budget limit"),
        (
            {"txn-groups": group, "exec-trace-config": {"stack-change": True}},
            "basic trace must be enabled when enabling stack tracing",
        ),
        ({"txn-groups": group, "round": 10**9}, "cannot simulate at round"),
    ]
    for body, message in cases:
        reply = http.post(
            "/v2/transactions/simulate", content=msgpack.packb(body, use_bin_type=True)
        )
        assert reply.status_code == 400, (body, reply.text)
        assert message in reply.json()["message"]


APPROVAL_TEAL = """#pragma version 8
int 6
int 7
*
pop
int 1
"""


def test_app_call_budget_and_approval_trace(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    approval = base64.b64decode(algod.compile(APPROVAL_TEAL)["result"])
    clear = base64.b64decode(algod.compile("#pragma version 8\nint 1\n")["result"])
    create = transaction.ApplicationCreateTxn(
        alice.address, algod.suggested_params(), transaction.OnComplete.NoOpOC,
        approval, clear, transaction.StateSchema(0, 0), transaction.StateSchema(0, 0),
    )  # fmt: skip
    signed_create = alice.sign(create)
    send(algod, signed_create)
    confirmed = sandbox.ledger.confirmed(decode_txid(signed_create.get_txid()))
    assert confirmed is not None
    app_id = confirmed.apply_data["apid"]
    call = transaction.ApplicationNoOpTxn(alice.address, algod.suggested_params(), app_id)
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[alice.sign(call)])],
        extra_opcode_budget=1_000,
        exec_trace_config=models.SimulateTraceConfig(enable=True, stack_change=True),
    )

    with untouched(sandbox):
        response = algod.simulate_transactions(request)

    assert response["eval-overrides"] == {"extra-opcode-budget": 1_000}
    group = _only_group(response)
    assert "failure-message" not in group, group["failure-message"]
    assert group["app-budget-added"] == 700 + 1_000
    assert group["app-budget-consumed"] == 5
    result = group["txn-results"][0]
    assert result["app-budget-consumed"] == 5
    trace = result["exec-trace"]
    assert base64.b64decode(trace["approval-program-hash"]) == _sha512_256(approval)
    units = trace["approval-program-trace"]
    assert len(units) == 5
    assert units[2]["stack-pop-count"] == 2
    assert units[2]["stack-additions"] == [{"type": 2, "uint": 42}]


def test_failing_app_call_reports_message_and_path(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    alice = account_factory()
    call = transaction.ApplicationNoOpTxn(alice.address, algod.suggested_params(), 10**9)
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[alice.sign(call)])],
    )

    with untouched(sandbox):
        response = algod.simulate_transactions(request)

    group = _only_group(response)
    assert group["failure-message"]
    assert group["failed-at"] == [0]
