"""algod's per-block extras: `GET /v2/blocks/{round}/hash`, `/txids` and `/logs`, through
algosdk's AlgodClient and through raw HTTP, checked against the blocks themselves (JSON and
msgpack) and against the transactions sent.

algod serves these three as JSON only (its spec gives them no `format` parameter and its
handlers ignore one); the msgpack block is the independent witness their content is checked
against.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msgpack
import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from conftest import send
from test_apps_lifecycle import program, sign, sp  # type: ignore[import-not-found]

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]
TOKEN_HEADER = "X-Algo-API-Token"
EXTRAS = ("hash", "txids", "logs")

CLEAR = "#pragma version 10\nint 1\n"

# logs "child" whenever it runs, its creation included
CHILD = '#pragma version 10\nbyte "child"\nlog\nint 1\n'

# a call logs "relay", then calls the app whose id is its first argument
RELAY = """#pragma version 10
txn ApplicationID
bz ok
byte "relay"
log
itxn_begin
int appl
itxn_field TypeEnum
txna ApplicationArgs 0
btoi
itxn_field ApplicationID
int 0
itxn_field Fee
itxn_submit
ok:
int 1
"""

# a call (args: relay id, child id) logs "before"; calls the relay, which calls the child;
# creates a new child (which logs on creation); logs the new child's id and "after"
PARENT = """#pragma version 10
txn ApplicationID
bz ok
byte "before"
log
itxn_begin
int appl
itxn_field TypeEnum
txna ApplicationArgs 0
btoi
itxn_field ApplicationID
txna ApplicationArgs 1
itxn_field ApplicationArgs
txna ApplicationArgs 1
btoi
itxn_field Applications
int 0
itxn_field Fee
itxn_submit
itxn_begin
int appl
itxn_field TypeEnum
byte base64 {child}
itxn_field ApprovalProgram
byte base64 {clear}
itxn_field ClearStateProgram
int 0
itxn_field Fee
itxn_submit
itxn CreatedApplicationID
itob
log
byte "after"
log
ok:
int 1
"""


# helpers


@pytest.fixture(scope="module")
def http(algod: AlgodClient) -> Iterator[httpx.Client]:
    headers = {TOKEN_HEADER: algod.algod_token}
    with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as client:
        yield client


def _get(http: httpx.Client, round_: int | str, what: str, **params: str) -> Any:
    response = http.get(f"/v2/blocks/{round_}/{what}", params=params)
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _msgpack_block(http: httpx.Client, round_: int) -> dict[str, Any]:
    response = http.get(f"/v2/blocks/{round_}", params={"format": "msgpack"})
    assert response.status_code == 200, response.text
    return msgpack.unpackb(response.content, raw=False, strict_map_key=False)["block"]


def _b64(*logs: bytes) -> list[str]:
    return [base64.b64encode(log).decode() for log in logs]


def _pay(algod: AlgodClient, sender: DevAccount, receiver: str, amount: int = 0) -> Any:
    return sign(transaction.PaymentTxn(sender.address, sp(algod), receiver, amount), sender)


def _create(algod: AlgodClient, creator: DevAccount, approval: str) -> tuple[int, str, int]:
    """Creates an app; returns its id, the creation's txid and round."""
    txn = transaction.ApplicationCreateTxn(
        creator.address, sp(algod), transaction.OnComplete.NoOpOC,
        program(algod, approval), program(algod, CLEAR),
        transaction.StateSchema(0, 0), transaction.StateSchema(0, 0),
    )  # fmt: skip
    stxn = sign(txn, creator)
    info = send(algod, stxn)[0]
    return int(info["application-index"]), stxn.get_txid(), int(info["confirmed-round"])


def _fund_app(algod: AlgodClient, funder: DevAccount, app_id: int, amount: int) -> None:
    send(algod, _pay(algod, funder, transaction.logic.get_application_address(app_id), amount))


def _next_block(algod: AlgodClient, sender: DevAccount) -> int:
    """Adds a block (dev mode: one per group) and returns its round."""
    return int(send(algod, _pay(algod, sender, sender.address))[0]["confirmed-round"])


# the block hash


def test_block_hash_is_the_next_blocks_prev(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    sender = account_factory()
    latest = int(algod.status()["last-round"])
    # asked while it is the latest round: no later block yet records its hash
    served = algod.get_block_hash(latest)["blockHash"]
    assert _get(http, latest, "hash") == {"blockHash": served}
    assert len(served) == 52 and not served.startswith("blk-")  # go's Digest.String()
    _next_block(algod, sender)
    assert algod.block_info(latest + 1)["block"]["prev"] == "blk-" + served
    prev = _msgpack_block(http, latest + 1)["prev"]
    assert base64.b32encode(prev).decode().rstrip("=") == served
    assert algod.get_block_hash(latest)["blockHash"] == served  # unchanged once it has a successor


def test_genesis_and_a_block_with_transactions_hash_into_their_successors(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    sender = account_factory()
    round_ = _next_block(algod, sender)  # a block with a transaction (payset and txn root)
    _next_block(algod, sender)
    for r in (0, round_):
        served = algod.get_block_hash(r)["blockHash"]
        assert algod.block_info(r + 1)["block"]["prev"] == "blk-" + served
    assert algod.get_block_hash(0) != algod.get_block_hash(round_)


# transaction ids


def test_txids_are_the_groups_txids_in_order(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    app_id, _, _ = _create(algod, alice, CHILD)
    txns = [
        transaction.PaymentTxn(alice.address, sp(algod), bob.address, 1_000),
        transaction.ApplicationCallTxn(
            bob.address, sp(algod), app_id, transaction.OnComplete.NoOpOC
        ),
        transaction.PaymentTxn(bob.address, sp(algod), alice.address, 2_000, note=b"third"),
    ]
    transaction.assign_group_id(txns)
    signed = [sign(txns[0], alice), sign(txns[1], bob), sign(txns[2], bob)]
    round_ = int(send(algod, *signed)[0]["confirmed-round"])
    expected = [s.get_txid() for s in signed]
    assert algod.get_block_txids(round_) == {"blockTxids": expected}
    assert _get(http, round_, "txids") == {"blockTxids": expected}
    block = _msgpack_block(http, round_)
    assert [entry["txn"].get("note") for entry in block["txns"]] == [None, None, b"third"]


def test_a_block_without_transactions_has_no_txids_and_no_logs(
    algod: AlgodClient, http: httpx.Client
) -> None:
    assert algod.get_block_txids(0) == {"blockTxids": []}
    assert _get(http, 0, "logs") == {"logs": []}


# logs


def test_a_logging_creation_reports_the_created_app(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    app_id, txid, round_ = _create(algod, account_factory(), CHILD)
    assert _get(http, round_, "logs") == {
        "logs": [{"application-index": app_id, "logs": _b64(b"child"), "txId": txid}]
    }


def test_a_creation_that_logs_nothing_has_no_entry(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    _, txid, round_ = _create(algod, account_factory(), RELAY)
    assert _get(http, round_, "txids") == {"blockTxids": [txid]}
    assert _get(http, round_, "logs") == {"logs": []}


def test_inner_calls_logs_in_pre_order_under_the_outer_txid(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    creator = account_factory()
    child_id, _, _ = _create(algod, creator, CHILD)
    relay_id, _, _ = _create(algod, creator, RELAY)
    _fund_app(algod, creator, relay_id, 200_000)
    parent_source = PARENT.format(
        child=algod.compile(CHILD)["result"], clear=algod.compile(CLEAR)["result"]
    )
    parent_id, _, _ = _create(algod, creator, parent_source)
    _fund_app(algod, creator, parent_id, 400_000)
    params = sp(algod)
    params.fee = 4_000  # the call and its three inner calls
    call = transaction.ApplicationCallTxn(
        creator.address, params, parent_id, transaction.OnComplete.NoOpOC,
        app_args=[relay_id, child_id], foreign_apps=[relay_id, child_id],
    )  # fmt: skip
    pay = transaction.PaymentTxn(creator.address, sp(algod), creator.address, 0)
    transaction.assign_group_id([pay, call])
    signed = [sign(pay, creator), sign(call, creator)]
    infos = send(algod, *signed)
    round_ = int(infos[1]["confirmed-round"])
    outer = signed[1].get_txid()
    created = infos[1]["inner-txns"][1]["application-index"]
    assert created not in (child_id, relay_id, parent_id)

    body = _get(http, round_, "logs")
    assert body == {
        "logs": [
            {
                "application-index": parent_id,
                "logs": _b64(b"before", created.to_bytes(8, "big"), b"after"),
                "txId": outer,
            },
            {"application-index": relay_id, "logs": _b64(b"relay"), "txId": outer},
            {"application-index": child_id, "logs": _b64(b"child"), "txId": outer},
            {"application-index": created, "logs": _b64(b"child"), "txId": outer},
        ]
    }
    # the same logs as the transaction's own record and the msgpack block carry
    assert body["logs"][0]["logs"] == infos[1]["logs"]
    entry = _msgpack_block(http, round_)["txns"][1]
    assert [base64.b64encode(log).decode() for log in entry["dt"]["lg"]] == infos[1]["logs"]
    relay_call = entry["dt"]["itx"][0]
    assert relay_call["dt"]["lg"] == [b"relay"]
    assert relay_call["dt"]["itx"][0]["dt"]["lg"] == [b"child"]
    assert _get(http, round_, "txids") == {"blockTxids": [s.get_txid() for s in signed]}


# errors and formats


def test_a_future_round_is_not_found(algod: AlgodClient, http: httpx.Client) -> None:
    future = int(algod.status()["last-round"]) + 1_000
    for what in EXTRAS:
        response = http.get(f"/v2/blocks/{future}/{what}")
        assert response.status_code == 404, (what, response.text)
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["message"]
    for get in (algod.get_block_hash, algod.get_block_txids):
        with pytest.raises(AlgodHTTPError) as info:
            get(future)
        assert info.value.code == 404


@pytest.mark.parametrize("round_", ["abc", "-1", "1.5", str(2**64)])
def test_a_round_that_is_not_a_uint64_is_a_bad_request(http: httpx.Client, round_: str) -> None:
    for what in EXTRAS:
        response = http.get(f"/v2/blocks/{round_}/{what}")
        assert response.status_code == 400, (what, response.text)
        assert response.json()["message"]


def test_the_token_is_required(algod: AlgodClient) -> None:
    with httpx.Client(base_url=algod.algod_address, timeout=15) as anonymous:
        for what in EXTRAS:
            assert anonymous.get(f"/v2/blocks/0/{what}").status_code == 401


def test_format_msgpack_still_answers_json_as_algod_does(
    algod: AlgodClient, http: httpx.Client, account_factory: Factory
) -> None:
    _, _, round_ = _create(algod, account_factory(), CHILD)
    for what in EXTRAS:
        assert _get(http, round_, what, format="msgpack") == _get(http, round_, what)
