"""The indexer's HTTP surface: health, blocks, tokens, bad parameters, and no lag."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from indexer_helpers import TOKEN, pay, raw_get, sp

from gridworks.sandbox import DevAccount, EmbeddedSandbox

Factory = Callable[..., DevAccount]


def test_health_answers_without_a_token(indexer: IndexerClient, algod: AlgodClient) -> None:
    status, body = raw_get(indexer, "/health", headers={})
    assert status == 200
    assert body["db-available"] is True and body["is-migrating"] is False
    assert body["round"] >= 0 and body["message"] == str(body["round"])
    assert indexer.health()["round"] == algod.status()["last-round"]


def test_the_token_is_algods_under_either_header(indexer: IndexerClient) -> None:
    assert raw_get(indexer, "/v2/transactions?limit=1", headers={})[0] == 401
    status, body = raw_get(indexer, "/v2/assets", headers={"X-Indexer-API-Token": "wrong"})
    assert status == 401 and body == {"message": "Invalid API Token"}
    assert raw_get(indexer, "/v2/assets", headers={"X-Indexer-API-Token": TOKEN})[0] == 200
    assert raw_get(indexer, "/v2/assets", headers={"X-Algo-API-Token": TOKEN})[0] == 200


def test_blocks_with_transactions_or_header_only(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    txid, info = pay(algod, sender, sender.address, 0, note=b"in a block")
    round_ = info["confirmed-round"]
    block = indexer.block_info(round_)
    stored = algod.block_info(round_)["block"]
    assert block["round"] == round_
    assert block["timestamp"] == stored["ts"]
    assert block["genesis-id"] == stored["gen"] and block["genesis-hash"] == stored["gh"]
    assert block["txn-counter"] == stored["tc"]
    assert block["seed"] == stored["seed"]
    assert block["rewards"]["fee-sink"] == stored["fees"]
    assert block["upgrade-state"]["current-protocol"] == stored["proto"]
    assert [t["id"] for t in block["transactions"]] == [txid]
    assert block["transactions"][0]["confirmed-round"] == round_
    header = indexer.block_info(round_, header_only=True)
    assert "transactions" not in header
    assert header == {k: v for k, v in block.items() if k != "transactions"}
    genesis = indexer.block_info(0)
    assert genesis["transactions"] == [] and genesis["round"] == 0
    status, body = raw_get(indexer, f"/v2/blocks/{round_ + 10_000}")
    assert status == 404 and "message" in body


@pytest.mark.parametrize(
    "path, words",
    [
        ("/v2/transactions?limit=abc", "limit"),
        ("/v2/transactions?limit=-1", "limit"),
        ("/v2/transactions?tx-type=teleport", "tx-type"),
        ("/v2/transactions?sig-type=sms", "sig-type"),
        ("/v2/transactions?address=NOTANADDRESS", "address"),
        ("/v2/transactions?address-role=sender", "address-role"),
        ("/v2/transactions?note-prefix=%21%21%21", "note-prefix"),
        ("/v2/transactions?before-time=yesterday", "before-time"),
        ("/v2/transactions?after-time=2024-01-01T00:00:00", "after-time"),
        ("/v2/transactions?next=%21", "next"),
        ("/v2/transactions?round=1&colour=blue", "Unknown parameter"),
        ("/v2/transactions?exclude-close-to=maybe", "exclude-close-to"),
        ("/v2/transactions?txid=short", "txid"),
        ("/v2/transactions/short", "txid"),
        ("/v2/accounts?exclude=everything", "exclude"),
        ("/v2/accounts/NOTANADDRESS", "account-id"),
        ("/v2/accounts/NOTANADDRESS/transactions", "account-id"),
        ("/v2/accounts?next=NOTANADDRESS", "next"),
        ("/v2/assets/abc", "asset-id"),
        ("/v2/assets?next=abc", "next"),
        ("/v2/applications/1/boxes?next=nonsense", "box name"),
        ("/v2/applications/-5", "application-id"),
        ("/v2/blocks/xyz", "round"),
        ("/v2/blocks/1?header-only=perhaps", "header-only"),
    ],
)
def test_bad_parameters_are_a_clear_400_that_changes_nothing(
    indexer: IndexerClient, sandbox: EmbeddedSandbox, path: str, words: str
) -> None:
    before = (sandbox.ledger.round, sandbox.ledger.state_digest())
    status, body = raw_get(indexer, path)
    assert status == 400, body
    assert set(body) == {"message"} and words in body["message"]
    assert (sandbox.ledger.round, sandbox.ledger.state_digest()) == before


@pytest.mark.parametrize(
    "path",
    [
        "/v2/accounts/" + "A" * 52 + "Y5HFKQ",
        "/v2/applications/999999999",
        "/v2/assets/999999999",
        "/v2/transactions/" + "A" * 52,
    ],
)
def test_what_does_not_exist_is_a_404(indexer: IndexerClient, path: str) -> None:
    status, body = raw_get(indexer, path)
    assert status == 404 and set(body) == {"message"}


def test_a_confirmed_transaction_is_visible_at_once(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    for i in range(20):
        txn = transaction.PaymentTxn(sender.address, sp(algod), sender.address, 0, note=bytes([i]))
        txid = algod.send_transaction(sender.sign(txn))
        # no wait at all: the indexer's rows are committed with the block
        assert indexer.transaction(txid)["transaction"]["id"] == txid
        latest = indexer.search_transactions(address=sender.address, limit=1)
        assert [t["id"] for t in latest["transactions"]] == [txid]
