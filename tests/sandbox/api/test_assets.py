"""Algorand Standard Assets through algod's REST API, the way a user drives them with algosdk.

Create, opt in, transfer, close out, freeze, claw back, reconfigure and destroy; every refusal is
checked to leave the ledger exactly as it was. Error substrings are algod's own.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import msgpack
import pytest
from algosdk import account, encoding, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send
from nacl.signing import SigningKey

from gridworks.sandbox import DevAccount

FEE = 1_000
MIN_BALANCE = 100_000
ASSET_MIN_BALANCE = 100_000
FUNDS = 10_000_000

Factory = Callable[..., DevAccount]


# helpers ------------------------------------------------------------------------------------


def sp(algod: AlgodClient) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = FEE
    return params


def sign(txn: transaction.Transaction, signer: DevAccount) -> transaction.SignedTransaction:
    return sign_transaction_with_signer(txn, AccountTransactionSigner(signer.private_key))


def new_address() -> str:
    return account.generate_account()[1]


def create_asset(algod: AlgodClient, creator: DevAccount, **fields: Any) -> int:
    """Creates an asset (manager: the creator, unless given) and returns its id."""
    settings: dict[str, Any] = {
        "total": 1_000,
        "decimals": 0,
        "default_frozen": False,
        "unit_name": "GWT",
        "asset_name": "Gridworks test",
        "manager": creator.address,
    }
    settings.update(fields)
    txn = transaction.AssetCreateTxn(creator.address, sp(algod), **settings)
    info = send(algod, sign(txn, creator))[0]
    return info["asset-index"]


def opt_in(algod: AlgodClient, holder: DevAccount, asset_id: int) -> None:
    send(algod, sign(transaction.AssetOptInTxn(holder.address, sp(algod), asset_id), holder))


def transfer(
    algod: AlgodClient, sender: DevAccount, receiver: str, amount: int, asset_id: int
) -> transaction.SignedTransaction:
    txn = transaction.AssetTransferTxn(sender.address, sp(algod), receiver, amount, asset_id)
    return sign(txn, sender)


def freeze(
    algod: AlgodClient, freezer: DevAccount, target: str, asset_id: int, frozen: bool
) -> transaction.SignedTransaction:
    txn = transaction.AssetFreezeTxn(freezer.address, sp(algod), asset_id, target, frozen)
    return sign(txn, freezer)


def reconfigure(
    algod: AlgodClient, sender: DevAccount, asset_id: int, **roles: str
) -> transaction.SignedTransaction:
    txn = transaction.AssetConfigTxn(
        sender.address, sp(algod), index=asset_id, strict_empty_address_check=False, **roles
    )
    return sign(txn, sender)


def held(algod: AlgodClient, address: str, asset_id: int) -> int:
    return algod.account_asset_info(address, asset_id)["asset-holding"]["amount"]


def asset_roles(algod: AlgodClient, asset_id: int) -> dict[str, str]:
    params = algod.asset_info(asset_id)["params"]
    return {k: params[k] for k in ("manager", "reserve", "freeze", "clawback") if k in params}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# create -------------------------------------------------------------------------------------


def test_create_nft_reports_params_in_asset_and_account_json(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator = account_factory()
    reserve, freezer, clawback = new_address(), new_address(), new_address()
    metadata = hashlib.sha256(b"gridworks nft #1").digest()
    url = "https://gridworks.example/nft/1"
    txn = transaction.AssetCreateTxn(
        creator.address,
        sp(algod),
        total=1,
        decimals=0,
        default_frozen=False,
        unit_name="GWNFT",
        asset_name="Gridworks NFT #1",
        manager=creator.address,
        reserve=reserve,
        freeze=freezer,
        clawback=clawback,
        url=url,
        metadata_hash=metadata,
    )
    info = send(algod, sign(txn, creator))[0]
    asset_id = info["asset-index"]
    assert isinstance(asset_id, int) and asset_id > 0
    assert info["confirmed-round"] > 0

    expected = {
        "creator": creator.address,
        "total": 1,
        "decimals": 0,
        "default-frozen": False,
        "unit-name": "GWNFT",
        "unit-name-b64": b64(b"GWNFT"),
        "name": "Gridworks NFT #1",
        "name-b64": b64(b"Gridworks NFT #1"),
        "url": url,
        "url-b64": b64(url.encode()),
        "metadata-hash": b64(metadata),
        "manager": creator.address,
        "reserve": reserve,
        "freeze": freezer,
        "clawback": clawback,
    }
    assert algod.asset_info(asset_id) == {"index": asset_id, "params": expected}

    acct = algod.account_info(creator.address)
    assert acct["created-assets"] == [{"index": asset_id, "params": expected}]
    assert acct["assets"] == [{"amount": 1, "asset-id": asset_id, "is-frozen": False}]
    assert acct["total-created-assets"] == 1
    assert acct["total-assets-opted-in"] == 1
    assert acct["min-balance"] == MIN_BALANCE + ASSET_MIN_BALANCE
    assert acct["amount"] == FUNDS - FEE

    assert algod.account_asset_info(creator.address, asset_id)["asset-holding"] == {
        "amount": 1,
        "asset-id": asset_id,
        "is-frozen": False,
    }


def test_each_created_asset_gets_a_new_id(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    first = create_asset(algod, creator)
    second = create_asset(algod, creator)
    assert second > first
    acct = algod.account_info(creator.address)
    assert [a["index"] for a in acct["created-assets"]] == [first, second]
    assert acct["min-balance"] == MIN_BALANCE + 2 * ASSET_MIN_BALANCE


# opt in, transfer, close out ----------------------------------------------------------------


def test_opt_in_creates_an_empty_holding_and_raises_the_min_balance(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    assert algod.account_info(holder.address)["min-balance"] == MIN_BALANCE

    opt_in(algod, holder, asset_id)

    assert algod.account_asset_info(holder.address, asset_id)["asset-holding"] == {
        "amount": 0,
        "asset-id": asset_id,
        "is-frozen": False,
    }
    acct = algod.account_info(holder.address)
    assert acct["min-balance"] == MIN_BALANCE + ASSET_MIN_BALANCE
    assert acct["total-assets-opted-in"] == 1
    assert acct["total-created-assets"] == 0
    assert acct["amount"] == FUNDS - FEE


def test_transfer_moves_units(algod: AlgodClient, account_factory: Factory) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=1_000)
    opt_in(algod, holder, asset_id)

    send(algod, transfer(algod, creator, holder.address, 250, asset_id))

    assert held(algod, creator.address, asset_id) == 750
    assert held(algod, holder.address, asset_id) == 250
    assert algod.account_info(creator.address)["amount"] == FUNDS - 2 * FEE
    assert algod.account_info(holder.address)["amount"] == FUNDS - FEE


def test_transfer_to_a_receiver_that_has_not_opted_in_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, stranger = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    with unchanged(creator.address, stranger.address):
        message = rejected(algod, transfer(algod, creator, stranger.address, 1, asset_id))
    assert "missing from" in message
    assert stranger.address in message


def test_transfer_of_more_than_held_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=10)
    opt_in(algod, holder, asset_id)
    with unchanged(creator.address, holder.address):
        message = rejected(algod, transfer(algod, creator, holder.address, 11, asset_id))
    assert "underflow on subtracting 11 from sender amount 10" in message


def test_transfer_of_an_unknown_asset_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    sender = account_factory()
    unknown = 2**40 + 7
    with unchanged(sender.address):
        message = rejected(algod, transfer(algod, sender, sender.address, 5, unknown))
    assert f"asset {unknown} missing from {sender.address}" in message


def test_opt_in_to_an_unknown_asset_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    holder = account_factory()
    unknown = 2**40 + 9
    txn = transaction.AssetOptInTxn(holder.address, sp(algod), unknown)
    with unchanged(holder.address):
        message = rejected(algod, sign(txn, holder))
    assert f"asset {unknown} does not exist or has been deleted" in message


def test_zero_unit_transfer_needs_no_holdings(algod: AlgodClient, account_factory: Factory) -> None:
    """algod skips the holding look-ups for a transfer of 0 units (only opt-ins allocate)."""
    creator, stranger = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    send(algod, transfer(algod, creator, stranger.address, 0, asset_id))
    with pytest.raises(AlgodHTTPError) as info:
        algod.account_asset_info(stranger.address, asset_id)
    assert info.value.code == 404
    assert held(algod, creator.address, asset_id) == 1_000
    assert algod.account_info(creator.address)["amount"] == FUNDS - 2 * FEE


def test_close_out_sends_the_rest_and_frees_the_min_balance(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator, holder, other = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=1_000)
    opt_in(algod, holder, asset_id)
    opt_in(algod, other, asset_id)
    send(algod, transfer(algod, creator, holder.address, 250, asset_id))

    txn = transaction.AssetTransferTxn(
        holder.address, sp(algod), creator.address, 100, asset_id, close_assets_to=other.address
    )
    info = send(algod, sign(txn, holder))[0]

    assert info["asset-closing-amount"] == 150
    assert held(algod, creator.address, asset_id) == 850
    assert held(algod, other.address, asset_id) == 150
    with pytest.raises(AlgodHTTPError) as missing:
        algod.account_asset_info(holder.address, asset_id)
    assert missing.value.code == 404
    acct = algod.account_info(holder.address)
    assert acct["assets"] == []
    assert acct["total-assets-opted-in"] == 0
    assert acct["min-balance"] == MIN_BALANCE
    assert acct["amount"] == FUNDS - 2 * FEE


def test_close_out_to_oneself_is_refused_and_keeps_the_units(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=100)
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 40, asset_id))
    txn = transaction.AssetTransferTxn(
        holder.address, sp(algod), holder.address, 0, asset_id, close_assets_to=holder.address
    )
    with unchanged(creator.address, holder.address):
        message = rejected(algod, sign(txn, holder))
    assert "after closing" in message
    assert held(algod, holder.address, asset_id) == 40


def test_the_creator_cannot_close_out(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    opt_in(algod, holder, asset_id)
    txn = transaction.AssetCloseOutTxn(creator.address, sp(algod), holder.address, asset_id)
    with unchanged(creator.address, holder.address):
        message = rejected(algod, sign(txn, creator))
    assert "cannot close asset ID in allocating account" in message


def test_opt_in_without_algos_for_the_min_balance_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator = account_factory()
    poor = account_factory(150_000)
    asset_id = create_asset(algod, creator)
    txn = transaction.AssetOptInTxn(poor.address, sp(algod), asset_id)
    with unchanged(creator.address, poor.address):
        message = rejected(algod, sign(txn, poor))
    assert "below min" in message
    assert f"balance {150_000 - FEE} below min {MIN_BALANCE + ASSET_MIN_BALANCE}" in message


# freeze -------------------------------------------------------------------------------------


def test_freeze_blocks_transfers_from_and_to_the_holding_until_unfrozen(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder, freezer = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(algod, creator, freeze=freezer.address)
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 100, asset_id))

    send(algod, freeze(algod, freezer, holder.address, asset_id, True))
    holding = algod.account_asset_info(holder.address, asset_id)["asset-holding"]
    assert holding == {"amount": 100, "asset-id": asset_id, "is-frozen": True}

    with unchanged(creator.address, holder.address):
        out = rejected(algod, transfer(algod, holder, creator.address, 10, asset_id))
    assert "frozen in" in out
    with unchanged(creator.address, holder.address):
        into = rejected(algod, transfer(algod, creator, holder.address, 10, asset_id))
    assert "frozen in" in into

    send(algod, freeze(algod, freezer, holder.address, asset_id, False))
    assert not algod.account_asset_info(holder.address, asset_id)["asset-holding"]["is-frozen"]
    send(algod, transfer(algod, holder, creator.address, 10, asset_id))
    assert held(algod, holder.address, asset_id) == 90
    assert held(algod, creator.address, asset_id) == 910


def test_freeze_by_an_account_other_than_the_freeze_address_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder, freezer = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(algod, creator, freeze=freezer.address)
    opt_in(algod, holder, asset_id)
    with unchanged(creator.address, holder.address):
        message = rejected(algod, freeze(algod, creator, holder.address, asset_id, True))
    assert "freeze not allowed" in message
    assert not algod.account_asset_info(holder.address, asset_id)["asset-holding"]["is-frozen"]


def test_a_frozen_holder_can_still_close_out_to_the_creator(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=100, freeze=creator.address)
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 30, asset_id))
    send(algod, freeze(algod, creator, holder.address, asset_id, True))

    txn = transaction.AssetCloseOutTxn(holder.address, sp(algod), creator.address, asset_id)
    info = send(algod, sign(txn, holder))[0]

    assert info["asset-closing-amount"] == 30
    assert held(algod, creator.address, asset_id) == 100
    assert algod.account_info(holder.address)["total-assets-opted-in"] == 0


def test_default_frozen_asset_opts_in_frozen(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, default_frozen=True, freeze=creator.address)
    assert algod.asset_info(asset_id)["params"]["default-frozen"] is True
    opt_in(algod, holder, asset_id)
    holding = algod.account_asset_info(holder.address, asset_id)["asset-holding"]
    assert holding == {"amount": 0, "asset-id": asset_id, "is-frozen": True}

    with unchanged(creator.address, holder.address):
        message = rejected(algod, transfer(algod, creator, holder.address, 5, asset_id))
    assert "frozen in" in message

    send(algod, freeze(algod, creator, holder.address, asset_id, False))
    send(algod, transfer(algod, creator, holder.address, 5, asset_id))
    assert held(algod, holder.address, asset_id) == 5


# clawback -----------------------------------------------------------------------------------


def test_clawback_moves_units_even_from_a_frozen_holding(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator, holder, claw = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(
        algod, creator, total=1_000, freeze=creator.address, clawback=claw.address
    )
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 300, asset_id))
    send(algod, freeze(algod, creator, holder.address, asset_id, True))

    txn = transaction.AssetTransferTxn(
        claw.address, sp(algod), creator.address, 120, asset_id, revocation_target=holder.address
    )
    send(algod, sign(txn, claw))

    assert held(algod, holder.address, asset_id) == 180
    assert held(algod, creator.address, asset_id) == 820
    assert algod.account_asset_info(holder.address, asset_id)["asset-holding"]["is-frozen"]
    # the clawback paid the fee; the holder paid nothing
    assert algod.account_info(claw.address)["amount"] == FUNDS - FEE
    assert algod.account_info(holder.address)["amount"] == FUNDS - FEE
    # the clawback account never needed to opt in
    assert algod.account_info(claw.address)["assets"] == []


def test_clawback_by_another_account_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder, claw = account_factory(), account_factory(), account_factory()
    asset_id = create_asset(algod, creator, clawback=claw.address)
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 50, asset_id))
    txn = transaction.AssetTransferTxn(
        creator.address, sp(algod), creator.address, 50, asset_id, revocation_target=holder.address
    )
    with unchanged(creator.address, holder.address):
        message = rejected(algod, sign(txn, creator))
    assert "clawback not allowed" in message
    assert held(algod, holder.address, asset_id) == 50


# reconfigure --------------------------------------------------------------------------------


def test_reconfigure_by_a_non_manager_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, other = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, reserve=creator.address)
    before = asset_roles(algod, asset_id)
    signed = reconfigure(algod, other, asset_id, manager=other.address, reserve=other.address)
    with unchanged(creator.address, other.address):
        message = rejected(algod, signed)
    assert "should be issued by the manager" in message
    assert asset_roles(algod, asset_id) == before


def test_manager_hands_over_to_a_new_manager(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, successor = account_factory(), account_factory()
    reserve = new_address()
    asset_id = create_asset(algod, creator, reserve=reserve)

    send(algod, reconfigure(algod, creator, asset_id, manager=successor.address, reserve=reserve))
    assert asset_roles(algod, asset_id) == {"manager": successor.address, "reserve": reserve}

    with unchanged(creator.address, successor.address):
        message = rejected(
            algod, reconfigure(algod, creator, asset_id, manager=creator.address, reserve=reserve)
        )
    assert "should be issued by the manager" in message

    new_reserve = new_address()
    send(
        algod,
        reconfigure(algod, successor, asset_id, manager=successor.address, reserve=new_reserve),
    )
    assert asset_roles(algod, asset_id) == {"manager": successor.address, "reserve": new_reserve}
    # the creator stays the creator
    assert algod.asset_info(asset_id)["params"]["creator"] == creator.address


def test_a_cleared_role_address_stays_cleared(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    freezer, claw = new_address(), new_address()
    asset_id = create_asset(algod, creator, freeze=freezer, clawback=claw)

    send(
        algod,
        reconfigure(algod, creator, asset_id, manager=creator.address, freeze="", clawback=claw),
    )
    assert asset_roles(algod, asset_id) == {"manager": creator.address, "clawback": claw}

    # Setting it again is accepted, but changes nothing: a cleared role can never come back.
    send(
        algod,
        reconfigure(
            algod, creator, asset_id, manager=creator.address, freeze=freezer, clawback=claw
        ),
    )
    assert asset_roles(algod, asset_id) == {"manager": creator.address, "clawback": claw}


def test_clearing_the_manager_makes_the_asset_immutable(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator = account_factory()
    reserve = new_address()
    asset_id = create_asset(algod, creator, reserve=reserve)
    # (with every role empty the same transaction would be a destroy)
    send(algod, reconfigure(algod, creator, asset_id, manager="", reserve=reserve))
    assert asset_roles(algod, asset_id) == {"reserve": reserve}
    destroy = transaction.AssetDestroyTxn(creator.address, sp(algod), asset_id)
    with unchanged(creator.address):
        message = rejected(algod, sign(destroy, creator))
    assert "should be issued by the manager" in message


# destroy ------------------------------------------------------------------------------------


def test_destroy_needs_every_unit_back_with_the_creator(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, holder = account_factory(), account_factory()
    asset_id = create_asset(algod, creator, total=10)
    opt_in(algod, holder, asset_id)
    send(algod, transfer(algod, creator, holder.address, 4, asset_id))

    destroy = transaction.AssetDestroyTxn(creator.address, sp(algod), asset_id)
    with unchanged(creator.address, holder.address):
        message = rejected(algod, sign(destroy, creator))
    assert "cannot destroy asset: creator is holding only 6/10" in message

    close = transaction.AssetCloseOutTxn(holder.address, sp(algod), creator.address, asset_id)
    send(algod, sign(close, holder))
    assert algod.account_info(creator.address)["min-balance"] == MIN_BALANCE + ASSET_MIN_BALANCE

    destroy = transaction.AssetDestroyTxn(creator.address, sp(algod), asset_id)
    send(algod, sign(destroy, creator))

    with pytest.raises(AlgodHTTPError) as gone:
        algod.asset_info(asset_id)
    assert gone.value.code == 404
    acct = algod.account_info(creator.address)
    assert acct["created-assets"] == []
    assert acct["assets"] == []
    assert acct["total-created-assets"] == 0
    assert acct["total-assets-opted-in"] == 0
    assert acct["min-balance"] == MIN_BALANCE
    assert acct["amount"] == FUNDS - 3 * FEE  # create, transfer, destroy


def test_destroy_by_a_non_manager_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    creator, other = account_factory(), account_factory()
    asset_id = create_asset(algod, creator)
    destroy = transaction.AssetDestroyTxn(other.address, sp(algod), asset_id)
    with unchanged(creator.address, other.address):
        message = rejected(algod, sign(destroy, other))
    assert "should be issued by the manager" in message
    assert algod.asset_info(asset_id)["index"] == asset_id


# field limits (hand-built: algosdk would refuse these before sending) ----------------------


def raw_acfg(algod: AlgodClient, creator: DevAccount, apar: dict[str, Any]) -> bytes:
    """A signed asset-creation transaction built by hand, as msgpack bytes."""
    params = algod.suggested_params()
    txn = {
        "type": "acfg",
        "snd": encoding.decode_address(creator.address),
        "fee": FEE,
        "fv": params.first,
        "lv": params.first + 100,
        "gh": base64.b64decode(params.gh),
        "gen": params.gen,
        "apar": {k: v for k, v in sorted(apar.items()) if v},
    }
    txn = dict(sorted(txn.items()))
    message = b"TX" + msgpack.packb(txn, use_bin_type=True)
    seed = base64.b64decode(creator.private_key)[:32]
    sig = SigningKey(seed).sign(message).signature
    return msgpack.packb({"sig": sig, "txn": txn}, use_bin_type=True)


def send_raw(algod: AlgodClient, data: bytes) -> str:
    return algod.send_raw_transaction(base64.b64encode(data).decode())


def test_hand_built_asset_at_every_field_limit_is_accepted(
    algod: AlgodClient, account_factory: Factory
) -> None:
    creator = account_factory()
    apar = {
        "t": 5,
        "dc": 19,
        "un": "é" * 4,  # 8 bytes
        "an": "N" * 32,
        "au": "u" * 96,
        "am": bytes(range(32)),
        "m": encoding.decode_address(creator.address),
    }
    txid = send_raw(algod, raw_acfg(algod, creator, apar))
    asset_id = transaction.wait_for_confirmation(algod, txid, 4)["asset-index"]
    params = algod.asset_info(asset_id)["params"]
    assert params["decimals"] == 19
    assert params["unit-name"] == "éééé"
    assert params["name"] == "N" * 32
    assert params["url"] == "u" * 96
    assert params["metadata-hash"] == b64(bytes(range(32)))
    assert params["total"] == 5


@pytest.mark.parametrize(
    ("apar", "named"),
    [
        ({"un": "é" * 5}, "unit name"),  # 5 characters, but 10 bytes
        ({"an": "N" * 33}, "name"),
        ({"au": "u" * 97}, "url"),
        ({"am": bytes(31)}, "metadata"),
        ({"am": b"\x01" * 33}, "metadata"),
        ({"dc": 20}, "decimals"),
    ],
)
def test_asset_fields_over_their_limits_are_refused(
    algod: AlgodClient,
    account_factory: Factory,
    unchanged: Callable,
    apar: dict[str, Any],
    named: str,
) -> None:
    creator = account_factory()
    data = raw_acfg(algod, creator, {"t": 1, **apar})
    with unchanged(creator.address):
        with pytest.raises(AlgodHTTPError) as info:
            send_raw(algod, data)
    assert info.value.code == 400
    assert named in str(info.value).lower()
