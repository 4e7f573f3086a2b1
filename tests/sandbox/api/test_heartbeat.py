"""Heartbeats (`hb`, consensus v40+) through algod's API: an online, incentive-eligible account
proves its participation key works, and algod's account JSON shows the payouts fields."""

from __future__ import annotations

import base64
from collections.abc import Callable

import msgpack
import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount, ed25519
from gridworks.sandbox.encoding import canonicalize, decode_address, sha512_256

Factory = Callable[..., DevAccount]

VOTE_SEED, SECOND_SEED, ONE_TIME_SEED = bytes([31]) * 32, bytes([32]) * 32, bytes([33]) * 32
VOTE_ID = ed25519.public_key_of(VOTE_SEED)
DILUTION = 100


def go_online(algod: AlgodClient, who: DevAccount) -> None:
    params = algod.suggested_params()
    params.flat_fee, params.fee = True, 2_000_000  # the go-online fee: incentive eligible
    txn = transaction.KeyregOnlineTxn(
        who.address, params, base64.b64encode(VOTE_ID).decode(),
        base64.b64encode(bytes([5]) * 32).decode(), params.first, params.first + 100_000,
        DILUTION, sprfkey=base64.b64encode(bytes([6]) * 64).decode(),
    )  # fmt: skip
    signed = txn.sign(who.private_key)
    algod.send_transaction(signed)
    transaction.wait_for_confirmation(algod, signed.get_txid(), 4)


def proof(seed: bytes, last_valid: int) -> dict[str, bytes]:
    batch, offset = divmod(last_valid, DILUTION)
    pk2, pk = ed25519.public_key_of(SECOND_SEED), ed25519.public_key_of(ONE_TIME_SEED)
    batch_id = msgpack.packb({"batch": batch, "pk": pk2}, use_bin_type=True)
    offset_id = msgpack.packb({"batch": batch, "off": offset, "pk": pk}, use_bin_type=True)
    return {
        "s": ed25519.sign(ONE_TIME_SEED, b"SD" + seed),
        "p": pk,
        "p2": pk2,
        "p1s": ed25519.sign(SECOND_SEED, b"OT2" + offset_id),
        "p2s": ed25519.sign(VOTE_SEED, b"OT1" + batch_id),
    }


def heartbeat(
    algod: AlgodClient, sender: DevAccount, who: DevAccount, fee: int = 1_000,
    discount: bool = False,
) -> tuple[str, str]:  # fmt: skip
    """A signed heartbeat for `who`, sent by `sender`, as base64 msgpack, and its txid."""
    params = algod.suggested_params()
    seed = base64.b64decode(algod.block_info(params.first)["block"]["seed"])
    last_valid = params.first + 50
    txn = canonicalize(
        {
            "type": "hb",
            "snd": decode_address(sender.address),
            "fee": fee,
            "fv": params.first,
            "lv": last_valid,
            "gen": params.gen,
            "gh": base64.b64decode(params.gh),
            "hb": {
                "a": decode_address(who.address),
                "prf": proof(seed, last_valid),
                "sd": seed,
                "vid": VOTE_ID,
                "kd": DILUTION,
                **({"c": True} if discount else {}),
            },
        }
    )
    message = b"TX" + msgpack.packb(txn, use_bin_type=True)
    key = base64.b64decode(sender.private_key)[:32]
    signed = {"sig": ed25519.sign(key, message), "txn": txn}
    txid = base64.b32encode(sha512_256(message)).decode().rstrip("=")
    return base64.b64encode(msgpack.packb(signed, use_bin_type=True)).decode(), txid


def test_a_heartbeat_records_the_round(algod: AlgodClient, account_factory: Factory) -> None:
    who, sender = account_factory(), account_factory()
    go_online(algod, who)
    info = algod.account_info(who.address)
    assert info["incentive-eligible"] is True
    assert info["last-heartbeat"] > 0  # going online counts as one, 320 rounds ahead
    raw, txid = heartbeat(algod, sender, who)
    assert algod.send_raw_transaction(raw) == txid
    confirmed = transaction.wait_for_confirmation(algod, txid, 4)
    assert algod.account_info(who.address)["last-heartbeat"] == confirmed["confirmed-round"]
    assert confirmed["txn"]["txn"]["type"] == "hb"


def test_a_free_heartbeat_answers_no_challenge(
    algod: AlgodClient, account_factory: Factory
) -> None:
    who, sender = account_factory(), account_factory()
    go_online(algod, who)
    raw, _ = heartbeat(algod, sender, who, fee=0)
    # No one is ever challenged in a dev sandbox: the pooled fee check refuses it first.
    with pytest.raises(AlgodHTTPError) as info:
        algod.send_raw_transaction(raw)
    assert info.value.code == 400
    assert "txgroup with 0.0A fees is less than 1mA (usage=1.000000 * base=1mA)" in str(info.value)


def test_a_heartbeat_claiming_the_challenge_discount_is_refused(
    algod: AlgodClient, account_factory: Factory
) -> None:
    """V42: the discount (one min fee less, so a fee of 0 passes the fee check) is claimed with
    HbChallengeDiscount, and only an account under challenge may claim it: nobody is, here."""
    who, sender = account_factory(), account_factory()
    go_online(algod, who)
    raw, _ = heartbeat(algod, sender, who, fee=0, discount=True)
    with pytest.raises(AlgodHTTPError) as info:
        algod.send_raw_transaction(raw)
    assert info.value.code == 400
    message = str(info.value)
    assert f"discounted heartbeat for {who.address} is not allowed with no challenge" in message
