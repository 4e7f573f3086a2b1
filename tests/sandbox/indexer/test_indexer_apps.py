"""Apps through the indexer: inner transactions, state deltas, logs, boxes, app searches."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from algosdk import transaction
from algosdk.error import IndexerHTTPError
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from indexer_helpers import all_pages, call, create_app, ids, pay, raw_get, send, sp

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def app(algod: AlgodClient, account_factory: Factory) -> tuple[DevAccount, int]:
    """A fresh creator and its app, whose account holds 1 Algo for inner payments and boxes."""
    creator = account_factory(20_000_000)
    app_id = create_app(algod, creator)
    pay(algod, creator, get_application_address(app_id), 1_000_000)
    return creator, app_id


def test_the_creation_is_found_by_application_id(
    indexer: IndexerClient, app: tuple[DevAccount, int]
) -> None:
    creator, app_id = app
    found = indexer.search_transactions(application_id=app_id)["transactions"]
    assert len(found) == 1
    created = found[0]
    assert created["created-application-index"] == app_id
    assert created["application-transaction"]["application-id"] == 0
    assert created["application-transaction"]["on-completion"] == "noop"
    assert created["application-transaction"]["global-state-schema"] == {
        "num-byte-slice": 0,
        "num-uint": 1,
    }
    assert created["global-state-delta"] == [
        {"key": _b64(b"counter"), "value": {"action": 2, "uint": 1}}
    ]


def test_inner_transactions_nest_and_match_as_their_root(
    algod: AlgodClient,
    indexer: IndexerClient,
    app: tuple[DevAccount, int],
    account_factory: Factory,
) -> None:
    creator, app_id = app
    payee = account_factory()
    txid, info = call(algod, creator, app_id, [b"pay"], accounts=[payee.address], fee=2000)
    root = indexer.transaction(txid)["transaction"]
    assert root["logs"] == [_b64(b"paid")]
    [inner] = root["inner-txns"]
    assert inner["tx-type"] == "pay"
    assert inner["sender"] == get_application_address(app_id)
    assert inner["payment-transaction"]["receiver"] == payee.address
    assert inner["payment-transaction"]["amount"] == 1000
    assert inner["note"] == _b64(b"inner note")
    assert inner["confirmed-round"] == info["confirmed-round"]
    assert (root["intra-round-offset"], inner["intra-round-offset"]) == (0, 1)
    assert "id" not in inner

    # the payee appears only in the inner payment: the search returns the root, once
    as_payee = indexer.search_transactions(address=payee.address, address_role="receiver")
    assert txid in ids(as_payee)
    assert ids(as_payee).count(txid) == 1
    assert ids(indexer.search_transactions(address=payee.address, txn_type="pay"))[0] == txid
    assert txid not in ids(indexer.search_transactions(address=payee.address, txn_type="appl"))
    app_account = get_application_address(app_id)
    assert txid in ids(indexer.search_transactions(address=app_account, address_role="sender"))


def test_inner_app_calls_match_the_application_filter(
    algod: AlgodClient, indexer: IndexerClient, app: tuple[DevAccount, int]
) -> None:
    creator, app_id = app
    outer_program = """#pragma version 10
txn ApplicationID
bz ok
itxn_begin
int appl
itxn_field TypeEnum
txna Applications 1
itxn_field ApplicationID
byte "log"
itxn_field ApplicationArgs
itxn_submit
ok:
int 1
"""
    from indexer_helpers import CLEAR, compile_teal

    create = transaction.ApplicationCreateTxn(
        creator.address,
        sp(algod),
        transaction.OnComplete.NoOpOC,
        compile_teal(algod, outer_program),
        compile_teal(algod, CLEAR),
        transaction.StateSchema(0, 0),
        transaction.StateSchema(0, 0),
    )
    outer = int(send(algod, create, signers=[creator])[0]["application-index"])
    outer_call = transaction.ApplicationCallTxn(
        creator.address,
        sp(algod, 2000),
        outer,
        transaction.OnComplete.NoOpOC,
        foreign_apps=[app_id],
    )
    send(algod, outer_call, signers=[creator])
    txid = outer_call.get_txid()
    assert txid in ids(indexer.search_transactions(application_id=app_id))
    logs = indexer.application_logs(app_id)
    assert {"txid": txid, "logs": [_b64(b"hello"), _b64(b"world")]} in logs["log-data"]
    assert indexer.application_logs(outer)["log-data"] == []


def test_logs_by_app_with_filters_and_paging(
    algod: AlgodClient, indexer: IndexerClient, app: tuple[DevAccount, int], account_factory
) -> None:
    creator, app_id = app
    other = account_factory()
    first, _ = call(algod, creator, app_id, [b"log"])
    second, info = call(algod, other, app_id, [b"log"])
    third, _ = call(algod, creator, app_id, [b"pay"], accounts=[other.address], fee=2000)
    logs = indexer.application_logs(app_id)
    assert logs["application-id"] == app_id
    assert [entry["txid"] for entry in logs["log-data"]] == [first, second, third]
    assert logs["log-data"][2]["logs"] == [_b64(b"paid")]
    by_other = indexer.application_logs(app_id, sender_addr=other.address)
    assert [entry["txid"] for entry in by_other["log-data"]] == [second]
    assert [e["txid"] for e in indexer.application_logs(app_id, txid=third)["log-data"]] == [third]
    after = indexer.application_logs(app_id, min_round=info["confirmed-round"])
    assert [entry["txid"] for entry in after["log-data"]] == [second, third]
    paged = all_pages(lambda **q: indexer.application_logs(app_id, **q), "log-data", limit=1)
    assert [entry["txid"] for entry in paged] == [first, second, third]


def test_local_state_delta_and_the_accounts_app_lists(
    algod: AlgodClient, indexer: IndexerClient, app: tuple[DevAccount, int], account_factory
) -> None:
    creator, app_id = app
    user = account_factory()
    txid, _ = call(algod, user, app_id, [], on_complete=transaction.OnComplete.OptInOC)
    txn = indexer.transaction(txid)["transaction"]
    assert txn["application-transaction"]["on-completion"] == "optin"
    assert txn["local-state-delta"] == [
        {
            "address": user.address,
            "delta": [{"key": _b64(b"seen"), "value": {"action": 2, "uint": 7}}],
        }
    ]
    local = indexer.lookup_account_application_local_state(user.address)
    assert local["apps-local-states"] == [
        {
            "deleted": False,
            "id": app_id,
            "key-value": [{"key": _b64(b"seen"), "value": {"bytes": "", "type": 2, "uint": 7}}],
            "schema": {"num-byte-slice": 0, "num-uint": 1},
        }
    ]
    accounts = indexer.accounts(application_id=app_id)["accounts"]
    assert [a["address"] for a in accounts] == [user.address]
    created = indexer.lookup_account_application_by_creator(creator.address)
    assert [a["id"] for a in created["applications"]] == [app_id]
    assert created["applications"][0]["params"]["global-state"] == [
        {"key": _b64(b"counter"), "value": {"bytes": "", "type": 2, "uint": 1}}
    ]


def test_applications_search_lookup_and_deletion(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    creator = account_factory()
    first, second = create_app(algod, creator), create_app(algod, creator)
    rounds = indexer.search_applications(creator=creator.address)
    assert [a["id"] for a in rounds["applications"]] == [first, second]
    assert all(a["deleted"] is False for a in rounds["applications"])
    looked_up = indexer.applications(first)["application"]
    created_round = indexer.search_transactions(application_id=first)["transactions"][0][
        "confirmed-round"
    ]
    assert looked_up["created-at-round"] == created_round
    assert looked_up["params"]["creator"] == creator.address

    _, info = call(
        algod, creator, first, [], on_complete=transaction.OnComplete.DeleteApplicationOC
    )
    with pytest.raises(IndexerHTTPError):
        indexer.applications(first)
    deleted = indexer.applications(first, include_all=True)["application"]
    assert deleted["deleted"] is True
    assert deleted["deleted-at-round"] == info["confirmed-round"]
    assert deleted["params"]["creator"] == creator.address
    live = indexer.search_applications(creator=creator.address)["applications"]
    assert [a["id"] for a in live] == [second]
    everything = indexer.search_applications(creator=creator.address, include_all=True)
    assert [a["id"] for a in everything["applications"]] == [first, second]
    paged = all_pages(indexer.search_applications, "applications", creator=creator.address, limit=1)
    assert [a["id"] for a in paged] == [second]


def test_boxes_list_page_and_lookup(
    algod: AlgodClient, indexer: IndexerClient, app: tuple[DevAccount, int]
) -> None:
    creator, app_id = app
    names = [b"apple", b"banana", b"cherry"]
    for name in names:
        call(algod, creator, app_id, [b"box", name], boxes=[(0, name)])
    listed = indexer.application_boxes(app_id)
    assert listed["application-id"] == app_id
    assert [b["name"] for b in listed["boxes"]] == [_b64(n) for n in names]
    first = indexer.application_boxes(app_id, limit=2)
    assert len(first["boxes"]) == 2
    rest = indexer.application_boxes(app_id, limit=2, next_page=first["next-token"])
    assert [b["name"] for b in rest["boxes"]] == [_b64(b"cherry")]
    box = indexer.application_box_by_name(app_id, b"banana")
    assert box == {"name": _b64(b"banana"), "round": box["round"], "value": _b64(bytes(8))}
    status, body = raw_get(indexer, f"/v2/applications/{app_id}/box?name=str:durian")
    assert status == 404 and "message" in body
    assert raw_get(indexer, f"/v2/applications/{app_id}/box?name=nonsense")[0] == 400
