"""A revert takes the indexer back too: what it answers is what it answered at the snapshot."""

from __future__ import annotations

import httpx
from algosdk import account
from snapshot_helpers import create_app, pay  # type: ignore[import-not-found]

from gridworks.sandbox import DEFAULT_TOKEN, Network


def test_the_indexer_forgets_the_rounds_cut_and_keeps_the_others(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    indexer = httpx.Client(
        base_url=net.sandbox.indexer_address, headers={"X-Indexer-API-Token": DEFAULT_TOKEN}
    )
    rich = net.dev_accounts()[0]
    kept = pay(net, rich, account.generate_account()[1], 100_000)
    snapshot = net.sandbox.snapshot()
    stranger = account.generate_account()[1]
    cut = pay(net, rich, stranger, 300_000)
    app_id = create_app(net, rich)
    assert indexer.get(f"/v2/transactions/{cut['txid']}").status_code == 200
    assert indexer.get(f"/v2/applications/{app_id}").status_code == 200
    before_cut = indexer.get("/v2/transactions", params={"address": rich.address}).json()

    net.sandbox.revert(snapshot.id)

    assert indexer.get(f"/v2/transactions/{kept['txid']}").status_code == 200
    assert indexer.get(f"/v2/transactions/{cut['txid']}").status_code == 404
    assert indexer.get(f"/v2/applications/{app_id}").status_code == 404
    assert indexer.get(f"/v2/blocks/{snapshot.round + 1}").status_code == 404
    assert indexer.get(f"/v2/blocks/{snapshot.round}").status_code == 200
    listed = indexer.get("/v2/transactions", params={"address": rich.address}).json()
    txids = [t["id"] for t in listed["transactions"]]
    assert kept["txid"] in txids and cut["txid"] not in txids
    assert len(txids) < len(before_cut["transactions"])
    indexer.close()
