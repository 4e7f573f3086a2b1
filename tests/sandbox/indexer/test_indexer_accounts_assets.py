"""Accounts and assets through the indexer: lookups, their lists, searches and balances."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from algosdk import transaction
from algosdk.error import IndexerHTTPError
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from indexer_helpers import (
    all_pages,
    create_app,
    create_asset,
    ids,
    opt_in_asset,
    pay,
    send,
    sp,
    transfer_asset,
)

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]


def test_an_account_in_indexer_shape(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    owner = account_factory(10_000_000)
    funded_in = indexer.search_transactions(address=owner.address)["transactions"][-1]
    asset_id = create_asset(algod, owner)
    app_id = create_app(algod, owner)
    found = indexer.account_info(owner.address)
    body = found["account"]
    expected = algod.account_info(owner.address)
    assert body["amount"] == expected["amount"]
    assert body["min-balance"] == expected["min-balance"]
    assert body["round"] == found["current-round"] == algod.status()["last-round"]
    assert body["created-at-round"] == funded_in["confirmed-round"]
    assert body["deleted"] is False
    assert body["total-boxes"] == 0 and body["total-box-bytes"] == 0
    assert body["total-created-assets"] == 1 and body["total-created-apps"] == 1
    assert body["assets"] == [
        {"amount": 1000, "asset-id": asset_id, "deleted": False, "is-frozen": False}
    ]
    assert [a["index"] for a in body["created-assets"]] == [asset_id]
    assert [a["id"] for a in body["created-apps"]] == [app_id]
    assert "apps-local-state" not in body  # empty lists are left out

    lean = indexer.account_info(owner.address, exclude="all")["account"]
    assert not {"assets", "created-assets", "created-apps", "apps-local-state"} & set(lean)
    some = indexer.account_info(owner.address, exclude="assets,created-apps")["account"]
    assert "assets" not in some and "created-apps" not in some and "created-assets" in some


def test_a_closed_account_is_found_only_with_include_all(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    leaving, heir = account_factory(), account_factory()
    pay(algod, leaving, heir.address, 0, close_to=heir.address)
    with pytest.raises(IndexerHTTPError) as info:
        indexer.account_info(leaving.address)
    assert "no accounts found" in str(info.value)
    closed = indexer.account_info(leaving.address, include_all=True)["account"]
    assert closed["deleted"] is True and closed["amount"] == 0


def test_asset_lookups_lists_and_balances(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    creator, holder, other = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=500, name="Sprocket")
    for account in (holder, other):
        opt_in_asset(algod, account, asset_id)
    transfer_asset(algod, creator, holder.address, asset_id, 30)
    transfer_asset(algod, creator, other.address, asset_id, 70)

    asset = indexer.asset_info(asset_id)["asset"]
    assert asset["index"] == asset_id and asset["deleted"] is False
    assert asset["params"]["creator"] == creator.address
    assert asset["params"]["name"] == "Sprocket" and asset["params"]["unit-name"] == "GZ"
    assert (
        asset["created-at-round"]
        == indexer.search_transactions(asset_id=asset_id, txn_type="acfg")["transactions"][0][
            "confirmed-round"
        ]
    )
    creation = indexer.search_asset_transactions(asset_id, txn_type="acfg")["transactions"][0]
    assert creation["created-asset-index"] == asset_id
    assert creation["asset-config-transaction"]["asset-id"] == 0
    configured = creation["asset-config-transaction"]["params"]
    assert configured["creator"] == creator.address and configured["total"] == 500
    assert configured["name"] == "Sprocket" and configured["unit-name"] == "GZ"
    assert configured["manager"] == creator.address
    mine = indexer.search_assets(creator=creator.address)["assets"]
    assert [a["index"] for a in mine] == [asset_id]
    assert [a["index"] for a in indexer.search_assets(name="sprock")["assets"]] == [asset_id]
    assert indexer.search_assets(creator=creator.address, unit="nope")["assets"] == []
    assert [a["index"] for a in indexer.search_assets(asset_id=asset_id)["assets"]] == [asset_id]

    balances = indexer.asset_balances(asset_id)["balances"]
    assert {b["address"]: b["amount"] for b in balances} == {
        creator.address: 400,
        holder.address: 30,
        other.address: 70,
    }
    assert all(b["deleted"] is False and b["is-frozen"] is False for b in balances)
    big = indexer.asset_balances(asset_id, min_balance=50)["balances"]
    assert {b["address"] for b in big} == {creator.address, other.address}
    small = indexer.asset_balances(asset_id, max_balance=50)["balances"]
    assert {b["address"] for b in small} == {holder.address}
    paged = all_pages(lambda **q: indexer.asset_balances(asset_id, **q), "balances", limit=1)
    assert sorted(b["address"] for b in paged) == sorted(b["address"] for b in balances)

    holders = indexer.accounts(asset_id=asset_id)["accounts"]
    assert {a["address"] for a in holders} == {creator.address, holder.address, other.address}
    rich = indexer.accounts(asset_id=asset_id, min_balance=50)["accounts"]
    assert {a["address"] for a in rich} == {creator.address, other.address}
    walked = all_pages(indexer.accounts, "accounts", asset_id=asset_id, limit=1)
    assert len(walked) == 3

    holding = indexer.lookup_account_assets(holder.address)["assets"]
    assert holding == [{"amount": 30, "asset-id": asset_id, "deleted": False, "is-frozen": False}]
    created = indexer.lookup_account_asset_by_creator(creator.address)["assets"]
    assert [a["index"] for a in created] == [asset_id]

    moves = indexer.search_asset_transactions(asset_id)["transactions"]
    assert [t["tx-type"] for t in moves] == ["acfg", "axfer", "axfer", "axfer", "axfer"]
    to_holder = indexer.search_asset_transactions(
        asset_id, address=holder.address, address_role="receiver"
    )
    assert [t["asset-transfer-transaction"]["amount"] for t in to_holder["transactions"]] == [
        30,
        0,
    ]


def test_asset_close_freeze_and_destroy(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=100)
    opt_in_asset(algod, holder, asset_id)
    transfer_asset(algod, creator, holder.address, asset_id, 40)

    freeze = transaction.AssetFreezeTxn(creator.address, sp(algod), asset_id, holder.address, True)
    send(algod, freeze, signers=[creator])
    frozen = indexer.search_transactions(address=holder.address, address_role="freeze-target")
    assert ids(frozen) == [freeze.get_txid()]
    assert frozen["transactions"][0]["asset-freeze-transaction"] == {
        "address": holder.address,
        "asset-id": asset_id,
        "new-freeze-status": True,
    }
    thaw = transaction.AssetFreezeTxn(creator.address, sp(algod), asset_id, holder.address, False)
    send(algod, thaw, signers=[creator])

    closing = transfer_asset(algod, holder, creator.address, asset_id, 10, close_to=creator.address)
    moved = indexer.transaction(closing)["transaction"]["asset-transfer-transaction"]
    assert moved["amount"] == 10
    assert moved["close-amount"] == 30
    assert moved["close-to"] == creator.address

    destroy = transaction.AssetDestroyTxn(creator.address, sp(algod), asset_id)
    info = send(algod, destroy, signers=[creator])[0]
    with pytest.raises(IndexerHTTPError):
        indexer.asset_info(asset_id)
    gone = indexer.asset_info(asset_id, include_all=True)["asset"]
    assert gone["deleted"] is True
    assert gone["destroyed-at-round"] == info["confirmed-round"]
    assert gone["params"]["total"] == 100
    assert indexer.search_assets(creator=creator.address)["assets"] == []
    everything = indexer.search_assets(creator=creator.address, include_all=True)["assets"]
    assert [a["index"] for a in everything] == [asset_id]


def test_accounts_search_by_auth_addr_and_balance(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    rekey = transaction.PaymentTxn(alice.address, sp(algod), alice.address, 0, rekey_to=bob.address)
    send(algod, rekey, signers=[alice])
    found = indexer.accounts(auth_addr=bob.address)["accounts"]
    assert [a["address"] for a in found] == [alice.address]
    assert found[0]["auth-addr"] == bob.address
    everyone = all_pages(indexer.accounts, "accounts", limit=50, exclude="all")
    addresses = [a["address"] for a in everyone]
    assert alice.address in addresses and bob.address in addresses
    assert len(set(addresses)) == len(addresses)
    rich = indexer.accounts(min_balance=10**12, exclude="all")["accounts"]  # the dev accounts
    assert rich and all(a["amount"] > 10**12 for a in rich)
