"""Where the indexer comes from: the `network`/`indexer` fixtures, AlgoKit's env vars, the
CLI's ready line; and that reverting the sandbox reverts what the indexer answers."""

from __future__ import annotations

import pytest
from algosdk import transaction
from algosdk.error import IndexerHTTPError
from algosdk.v2client.indexer import IndexerClient
from sandbox_process import (  # type: ignore[import-not-found]
    GRIDWORKS,
    Start,
    start,  # noqa: F401  (fixture)
)

from gridworks.sandbox import EmbeddedSandbox, Network, connect


def test_the_network_fixture_gives_the_indexer_fixture(
    network: Network, indexer: IndexerClient
) -> None:
    assert indexer is network.indexer
    assert indexer.health()["round"] == network.algod.status()["last-round"]


def test_algokit_env_vars_name_an_external_indexer(sandbox: EmbeddedSandbox) -> None:
    config = sandbox.config
    env = {
        "ALGOD_SERVER": "http://127.0.0.1",
        "ALGOD_PORT": str(config.algod_port),
        "INDEXER_SERVER": "http://127.0.0.1",
        "INDEXER_PORT": str(config.indexer_port),
        "INDEXER_TOKEN": config.algod_token,
    }
    external = connect(env)
    assert not external.is_embedded and external.indexer is not None
    assert external.indexer.indexer_address == f"http://127.0.0.1:{config.indexer_port}"
    assert external.indexer.health()["round"] == sandbox.ledger.round
    assert connect({"ALGOD_SERVER": "http://127.0.0.1"}).indexer is None


def test_a_revert_takes_the_indexer_back_too() -> None:
    network = connect({})
    try:
        sandbox, indexer = network.sandbox, network.indexer
        assert sandbox is not None and indexer is not None
        funder = network.dev_accounts()[0]
        mark = sandbox.snapshot()
        params = network.algod.suggested_params()
        txn = transaction.PaymentTxn(funder.address, params, funder.address, 0, note=b"undone")
        txid = network.algod.send_transaction(funder.sign(txn))
        assert indexer.transaction(txid)["transaction"]["confirmed-round"] == mark.round + 1
        sandbox.revert(mark.id)
        with pytest.raises(IndexerHTTPError):
            indexer.transaction(txid)
        assert indexer.search_transactions(note_prefix=b"undone")["transactions"] == []
        with pytest.raises(IndexerHTTPError):
            indexer.block_info(mark.round + 1)
        assert indexer.health()["round"] == mark.round
        again = transaction.PaymentTxn(funder.address, params, funder.address, 1, note=b"redone")
        retxid = network.algod.send_transaction(funder.sign(again))
        found = indexer.search_transactions(address=funder.address, limit=1)["transactions"]
        assert [t["id"] for t in found] == [retxid]
        assert found[0]["confirmed-round"] == mark.round + 1
    finally:
        network.close()


@pytest.mark.skipif(not GRIDWORKS.exists(), reason=f"no {GRIDWORKS}")
def test_sandbox_start_serves_the_indexer_and_names_it(start: Start) -> None:  # noqa: F811
    box = start("--ephemeral")
    ready = box.wait_ready()
    indexer = IndexerClient("a" * 64, ready["indexer"])
    assert indexer.health()["round"] == int(ready["round"])
    assert indexer.search_transactions()["transactions"] == []
    assert box.stop() == 0
