"""/v2/transactions and its filters, paging, lookups by id, signatures and closing amounts."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from algosdk import account, transaction
from algosdk.atomic_transaction_composer import MultisigTransactionSigner
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from indexer_helpers import all_pages, compile_teal, ids, pay, send, sp

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]


def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_payment_is_found_in_indexer_shape(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender, receiver = account_factory(), account_factory()
    txid, info = pay(algod, sender, receiver.address, 12_345, note=b"first note")
    found = indexer.transaction(txid)
    assert found["current-round"] >= info["confirmed-round"]
    txn = found["transaction"]
    assert txn["id"] == txid
    assert txn["tx-type"] == "pay"
    assert txn["sender"] == sender.address
    assert txn["confirmed-round"] == info["confirmed-round"]
    assert txn["intra-round-offset"] == 0
    assert txn["note"] == base64.b64encode(b"first note").decode()
    assert txn["payment-transaction"] == {
        "amount": 12_345,
        "close-amount": 0,
        "receiver": receiver.address,
    }
    assert txn["closing-amount"] == 0
    assert txn["fee"] == 1000
    block = algod.block_info(info["confirmed-round"])["block"]
    assert txn["round-time"] == block["ts"]
    assert txn["genesis-id"] == block["gen"]
    assert set(txn["signature"]) == {"sig"}


def test_search_by_address_is_newest_first_and_pages_without_repeats(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender, target = account_factory(), account_factory()
    sent = [pay(algod, sender, target.address, 1000 + i)[0] for i in range(7)]
    pages = []
    token = None
    while True:
        page = indexer.search_transactions(address=target.address, limit=3, next_page=token)
        if not page["transactions"]:
            assert "next-token" not in page
            break
        pages.append(ids(page))
        token = page["next-token"]
    assert [len(p) for p in pages] == [3, 3, 2]  # the 7 payments and the funding one
    by_account = indexer.search_transactions_by_address(target.address, limit=3)
    assert ids(by_account) == pages[0]
    found = [txid for page in pages for txid in page]
    assert found[:7] == list(reversed(sent))
    assert len(set(found)) == len(found)
    rounds = [indexer.transaction(txid)["transaction"]["confirmed-round"] for txid in found]
    assert rounds == sorted(rounds, reverse=True)


def test_search_without_address_is_oldest_first(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    tag = uuid.uuid4().hex.encode()
    sent = [
        pay(algod, sender, sender.address, 0, note=tag + b":" + bytes([i]))[0] for i in range(5)
    ]
    found = all_pages(indexer.search_transactions, "transactions", note_prefix=tag, limit=2)
    assert [t["id"] for t in found] == sent


def test_address_roles(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    alice, bob, carol = account_factory(), account_factory(), account_factory()
    to_bob, _ = pay(algod, alice, bob.address, 1000)
    from_bob, _ = pay(algod, bob, alice.address, 2000)
    closing, _ = pay(algod, carol, alice.address, 0, close_to=bob.address)

    def search(role: str | None, **extra: object) -> list[str]:
        return ids(indexer.search_transactions(address=bob.address, address_role=role, **extra))

    assert set(search("sender")) == {from_bob}
    received = set(search("receiver"))  # the funding payment too
    assert {to_bob, closing} <= received and from_bob not in received
    excluded = ids(
        indexer.search_transactions(
            address=bob.address, address_role="receiver", exclude_close_to=True
        )
    )
    assert closing not in excluded and to_bob in excluded
    assert search("freeze-target") == []
    assert {to_bob, from_bob, closing} <= set(search(None))


def test_closing_amount_of_a_payment(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    leaving, heir = account_factory(3_000_000), account_factory()
    txid, info = pay(algod, leaving, heir.address, 500_000, close_to=heir.address)
    txn = indexer.transaction(txid)["transaction"]
    assert info["closing-amount"] == 3_000_000 - 500_000 - 1000
    assert txn["closing-amount"] == info["closing-amount"]
    assert txn["payment-transaction"]["close-amount"] == info["closing-amount"]
    assert txn["payment-transaction"]["close-remainder-to"] == heir.address


def test_tx_type_note_prefix_and_rounds(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    tag = uuid.uuid4().hex.encode()
    first, info1 = pay(algod, sender, sender.address, 0, note=tag + b"-alpha")
    second, info2 = pay(algod, sender, sender.address, 0, note=tag + b"-beta")
    assert ids(indexer.search_transactions(note_prefix=tag)) == [first, second]
    assert ids(indexer.search_transactions(note_prefix=tag + b"-b")) == [second]
    assert ids(indexer.search_transactions(note_prefix=tag + b"-gamma")) == []
    by_address = indexer.search_transactions(address=sender.address, note_prefix=tag + b"-a")
    assert ids(by_address) == [first]
    round1, round2 = info1["confirmed-round"], info2["confirmed-round"]
    assert ids(indexer.search_transactions(note_prefix=tag, min_round=round2)) == [second]
    assert ids(indexer.search_transactions(note_prefix=tag, max_round=round1)) == [first]
    assert ids(indexer.search_transactions(note_prefix=tag, round_num=round2)) == [second]
    assert ids(indexer.search_transactions(note_prefix=tag, txn_type="pay")) == [first, second]
    assert ids(indexer.search_transactions(note_prefix=tag, txn_type="appl")) == []
    assert ids(indexer.search_transactions(txid=second)) == [second]


def test_before_and_after_time(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    tag = uuid.uuid4().hex.encode()
    txid, _ = pay(algod, sender, sender.address, 0, note=tag)
    when = indexer.transaction(txid)["transaction"]["round-time"]

    def search(**times: str) -> list[str]:
        return ids(indexer.search_transactions(note_prefix=tag, **times))

    assert search(start_time=_rfc3339(when - 1)) == [txid]
    assert search(start_time=_rfc3339(when + 1)) == []
    assert search(end_time=_rfc3339(when + 1)) == [txid]
    assert search(end_time=_rfc3339(when - 1)) == []


def test_currency_filters_on_algos_and_on_an_asset(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    from indexer_helpers import create_asset, opt_in_asset, transfer_asset

    sender, target = account_factory(), account_factory()
    small, _ = pay(algod, sender, target.address, 1_000)
    middle, _ = pay(algod, sender, target.address, 2_000)
    large, _ = pay(algod, sender, target.address, 3_000)
    search = indexer.search_transactions
    assert set(ids(search(address=target.address, min_amount=1_500))) >= {middle, large}
    assert small not in ids(search(address=target.address, min_amount=1_500))
    below = ids(search(address=target.address, max_amount=2_500, txn_type="pay"))
    assert small in below and middle in below and large not in below

    asset_id = create_asset(algod, sender)
    opt_in_asset(algod, target, asset_id)
    five = transfer_asset(algod, sender, target.address, asset_id, 5)
    fifty = transfer_asset(algod, sender, target.address, asset_id, 50)
    assert ids(search(asset_id=asset_id, min_amount=10)) == [fifty]
    assert ids(search(asset_id=asset_id, max_amount=10, txn_type="axfer", min_amount=1)) == [five]


def test_signature_types(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    funder = account_factory(20_000_000)
    tag = uuid.uuid4().hex.encode()
    plain, _ = pay(algod, funder, funder.address, 0, note=tag)

    keys = [account.generate_account() for _ in range(2)]
    msig = transaction.Multisig(1, 2, [address for _, address in keys])
    pay(algod, funder, msig.address(), 1_000_000)
    mtxn = transaction.PaymentTxn(msig.address(), sp(algod), funder.address, 0, note=tag)
    signer = MultisigTransactionSigner(msig, [key for key, _ in keys])
    signed = signer.sign_transactions([mtxn], [0])[0]
    algod.send_transaction(signed)
    transaction.wait_for_confirmation(algod, mtxn.get_txid(), 4)

    program = compile_teal(algod, "#pragma version 8\nint 1\n")
    lsig = transaction.LogicSigAccount(program)
    pay(algod, funder, lsig.address(), 1_000_000)
    ltxn = transaction.PaymentTxn(lsig.address(), sp(algod), funder.address, 0, note=tag)
    algod.send_transaction(transaction.LogicSigTransaction(ltxn, lsig))
    transaction.wait_for_confirmation(algod, ltxn.get_txid(), 4)

    def of(kind: str) -> list[str]:
        return ids(indexer.search_transactions(note_prefix=tag, sig_type=kind))

    assert of("sig") == [plain]
    assert of("msig") == [mtxn.get_txid()]
    assert of("lsig") == [ltxn.get_txid()]
    shown = indexer.transaction(mtxn.get_txid())["transaction"]["signature"]["multisig"]
    assert shown["threshold"] == 2 and shown["version"] == 1
    assert [s["public-key"] for s in shown["subsignature"]] == [
        base64.b64encode(_key(address)).decode() for _, address in keys
    ]
    assert all("signature" in s for s in shown["subsignature"])
    logic = indexer.transaction(ltxn.get_txid())["transaction"]["signature"]["logicsig"]
    assert logic["logic"] == base64.b64encode(program).decode()


def test_groups_rekeys_and_auth_addr(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    first = transaction.PaymentTxn(alice.address, sp(algod), bob.address, 1)
    second = transaction.PaymentTxn(bob.address, sp(algod), alice.address, 2)
    send(algod, first, second, signers=[alice, bob])
    group = base64.b64encode(first.group).decode()
    found = indexer.search_transactions(group_id=first.group)
    assert ids(found) == [first.get_txid(), second.get_txid()]
    assert all(t["group"] == group for t in found["transactions"])
    assert [t["intra-round-offset"] for t in found["transactions"]] == [0, 1]

    rekey = transaction.PaymentTxn(alice.address, sp(algod), alice.address, 0, rekey_to=bob.address)
    send(algod, rekey, signers=[alice])
    rekeyed = indexer.search_transactions(address=alice.address, rekey_to=True)
    assert ids(rekeyed) == [rekey.get_txid()]
    assert rekeyed["transactions"][0]["rekey-to"] == bob.address
    spend = transaction.PaymentTxn(alice.address, sp(algod), bob.address, 3)
    send(algod, spend, signers=[bob])
    assert indexer.transaction(spend.get_txid())["transaction"]["auth-addr"] == bob.address


def test_an_unknown_transaction_is_a_404(indexer: IndexerClient) -> None:
    from algosdk.error import IndexerHTTPError

    with pytest.raises(IndexerHTTPError) as info:
        indexer.transaction("A" * 52)
    assert "no transaction found" in str(info.value)


def _key(address: str) -> bytes:
    from algosdk import encoding

    return encoding.decode_address(address)


def test_a_key_registration(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    offline = transaction.KeyregOfflineTxn(sender.address, sp(algod))
    send(algod, offline, signers=[sender])
    found = indexer.search_transactions(address=sender.address, txn_type="keyreg")
    assert ids(found) == [offline.get_txid()]
    assert found["transactions"][0]["keyreg-transaction"] == {"non-participation": False}


def test_uint64_amounts_and_ids_past_2_63_are_indexed_and_filtered(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    """SQLite's INTEGER is signed: the largest amounts and ids must neither fail the block (it
    did: HTTP 500, found by the malformed-input fuzzer) nor be lost to the filters."""
    from indexer_helpers import create_asset, opt_in_asset, transfer_asset

    top = 2**64 - 1
    sender, target = account_factory(), account_factory()
    asset_id = create_asset(algod, sender, total=top)
    opt_in_asset(algod, target, asset_id)
    everything = transfer_asset(algod, sender, target.address, asset_id, top)
    small = transfer_asset(algod, target, sender.address, asset_id, 7)
    search = indexer.search_transactions
    assert ids(search(asset_id=asset_id, min_amount=2**63)) == [everything]
    assert ids(search(asset_id=asset_id, min_amount=2**63 - 1)) == [everything]
    assert ids(search(asset_id=asset_id, min_amount=top - 1)) == [everything]
    assert ids(search(asset_id=asset_id, min_amount=top)) == []
    assert ids(search(asset_id=asset_id, max_amount=2**63, min_amount=1)) == [small]
    assert ids(search(asset_id=asset_id, max_amount=top, min_amount=1)) == [small]
    assert set(ids(search(asset_id=asset_id, min_amount=1))) == {everything, small}

    # a zero transfer of an asset id no one created is valid (nothing moves)
    ghost = transaction.AssetTransferTxn(sender.address, sp(algod), target.address, 0, top)
    (confirmed,) = send(algod, ghost, signers=[sender])
    found = ids(search(asset_id=top))
    assert found == [ghost.get_txid()], confirmed
    assert ids(search(asset_id=top - 1)) == []
