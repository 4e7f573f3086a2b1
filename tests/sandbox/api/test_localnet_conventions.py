"""Where real clients expect AlgoKit LocalNet's (and algod's) conventions, the sandbox follows
them (issue 13, part 3): the genesis names AlgoKit looks its dispenser up by, `/health`'s JSON,
an account's fields, and the receiver's opt-in error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from algosdk import account, transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount


@pytest.fixture(scope="module")
def anonymous(algod: AlgodClient) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=algod.algod_address, timeout=15) as client:
        yield client


def test_health_answers_json_null(anonymous: httpx.Client) -> None:
    answer = anonymous.get("/health")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.content == b"null"


def test_the_genesis_names_the_dispenser_wallet1_and_the_sinks_as_localnet_does(
    anonymous: httpx.Client, sandbox: object
) -> None:
    alloc = anonymous.get("/genesis").json()["alloc"]
    comments = [entry["comment"] for entry in alloc]
    assert comments[0] == "Wallet1"
    assert {"FeeSink", "RewardsPool"} <= set(comments)
    assert not any(comment.startswith("dev account") for comment in comments)


def test_an_account_always_has_its_app_schema_and_box_totals_only_with_boxes(
    algod: AlgodClient, account_factory
) -> None:
    fresh: DevAccount = account_factory(1_000_000)
    info = algod.account_info(fresh.address)
    assert info["apps-total-schema"] == {"num-byte-slice": 0, "num-uint": 0}
    assert "total-boxes" not in info and "total-box-bytes" not in info


def test_a_transfer_to_an_account_that_never_opted_in_says_must_optin(
    algod: AlgodClient, account_factory
) -> None:
    creator: DevAccount = account_factory(1_000_000)
    params = algod.suggested_params()
    create = transaction.AssetCreateTxn(
        creator.address, params, total=10, decimals=0, default_frozen=False, unit_name="T"
    )
    txid = algod.send_transaction(creator.sign(create))
    asset_id = transaction.wait_for_confirmation(algod, txid, 4)["asset-index"]
    _, stranger = account.generate_account()
    send = transaction.AssetTransferTxn(creator.address, params, stranger, 1, asset_id)
    with pytest.raises(AlgodHTTPError) as refused:
        algod.send_transaction(creator.sign(send))
    assert f"receiver error: must optin, asset {asset_id} missing from {stranger}" in str(
        refused.value
    )
