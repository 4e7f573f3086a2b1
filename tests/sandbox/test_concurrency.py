"""Many writers at once: over HTTP through algosdk, and straight into the Python ledger API.

Money only moves (fees go to the fee sink), every accepted transaction lands in exactly one
block, and a sender hammered from several threads can never spend the same micro-Algo twice.
"""

from __future__ import annotations

import base64
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from algosdk import account, encoding, transaction
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount, EmbeddedSandbox
from gridworks.sandbox.ledger.errors import LedgerError

THREADS = 8
PAYMENTS_PER_THREAD = 25
MIN_FEE = 1000
MIN_BALANCE = 100_000


def _raw(signed: transaction.SignedTransaction) -> bytes:
    return base64.b64decode(encoding.msgpack_encode(signed))


def test_concurrent_http_payments_conserve_money_and_confirm_each_txid_once(
    sandbox: EmbeddedSandbox,
    algod: AlgodClient,
    account_factory: Callable[..., DevAccount],
) -> None:
    senders = [account_factory(10_000_000) for _ in range(THREADS)]
    headers = {"X-Algo-API-Token": algod.algod_token}
    http = httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15)
    try:
        start_round = algod.status()["last-round"]
        fee_sink = http.get(f"/v2/blocks/{start_round}").json()["block"]["fees"]
        watched = [s.address for s in senders] + [fee_sink]
        before = {addr: algod.account_info(addr)["amount"] for addr in watched}
        supply_before = http.get("/v2/ledger/supply").json()

        done = threading.Event()
        seen_totals: list[int] = []

        def watch_supply() -> int:
            with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as c:
                while not done.is_set():
                    response = c.get("/v2/ledger/supply")
                    assert response.status_code == 200, response.text
                    seen_totals.append(response.json()["total-money"])
            return len(seen_totals)

        barrier = threading.Barrier(THREADS)

        def pay(index: int) -> list[dict[str, Any]]:
            client = AlgodClient(algod.algod_token, algod.algod_address)
            sender = senders[index]
            params = client.suggested_params()
            sent = []
            barrier.wait(10)
            for n in range(PAYMENTS_PER_THREAD):
                receiver = senders[(index + 1 + n % (THREADS - 1)) % THREADS]
                assert receiver is not sender
                amount = 1_000 + 100 * index + n
                note = f"concurrent {index}/{n}".encode()
                txn = transaction.PaymentTxn(
                    sender.address, params, receiver.address, amount, note=note
                )
                txid = client.send_transaction(txn.sign(sender.private_key))
                assert txid == txn.get_txid()
                sent.append(
                    {
                        "txid": txid,
                        "sender": sender.address,
                        "receiver": receiver.address,
                        "amount": amount,
                        "fee": txn.fee,
                        "note": note,
                    }
                )
            return sent

        with ThreadPoolExecutor(THREADS + 1) as pool:
            watcher = pool.submit(watch_supply)
            try:
                futures = [pool.submit(pay, i) for i in range(THREADS)]
                sent = [payment for f in futures for payment in f.result(timeout=60)]
            finally:
                done.set()
            readings = watcher.result(timeout=30)

        total = THREADS * PAYMENTS_PER_THREAD
        assert len(sent) == total
        assert len({p["txid"] for p in sent}) == total
        assert all(p["fee"] == MIN_FEE for p in sent)

        # total money never moved, not even for an instant
        assert readings >= 5  # the reader really ran alongside the writers
        assert set(seen_totals) == {supply_before["total-money"]}
        supply_after = http.get("/v2/ledger/supply").json()
        assert supply_after["total-money"] == supply_before["total-money"]
        assert supply_after["online-money"] == supply_before["online-money"]

        # every account changed by exactly what it sent, received and paid in fees
        expected = Counter[str]()
        for p in sent:
            expected[p["sender"]] -= p["amount"] + p["fee"]
            expected[p["receiver"]] += p["amount"]
            expected[fee_sink] += p["fee"]
        after = {addr: algod.account_info(addr)["amount"] for addr in watched}
        changes = {addr: after[addr] - before[addr] for addr in watched}
        assert changes == {addr: expected[addr] for addr in watched}
        assert changes[fee_sink] == total * MIN_FEE
        assert sum(changes.values()) == 0

        # one block per payment, and each txid confirmed in exactly one of them
        assert algod.status()["last-round"] == start_round + total
        confirmed_round = {
            p["txid"]: algod.pending_transaction_info(p["txid"])["confirmed-round"] for p in sent
        }
        assert sorted(confirmed_round.values()) == list(
            range(start_round + 1, start_round + total + 1)
        )
        notes_in_blocks: Counter[bytes] = Counter()
        round_of_note: dict[bytes, int] = {}
        for round_ in range(start_round + 1, start_round + total + 1):
            block = http.get(f"/v2/blocks/{round_}").json()["block"]
            for entry in block.get("txns", []):
                note = base64.b64decode(entry["txn"].get("note", ""))
                notes_in_blocks[note] += 1
                round_of_note[note] = round_
        assert notes_in_blocks == Counter({p["note"]: 1 for p in sent})
        for p in sent:
            assert round_of_note[p["note"]] == confirmed_round[p["txid"]]
    finally:
        http.close()


def test_threads_spending_from_one_sender_through_the_python_api_never_double_spend(
    sandbox: EmbeddedSandbox,
    algod: AlgodClient,
    account_factory: Callable[..., DevAccount],
) -> None:
    amount = 49_000
    affordable = 20  # exactly this many payments of amount + fee fit above the minimum balance
    sender = account_factory(MIN_BALANCE + affordable * (amount + MIN_FEE))
    receiver = account_factory(1_000_000)
    params = algod.suggested_params()
    attempts_per_thread = 10
    batches = [
        [
            _raw(
                transaction.PaymentTxn(
                    sender.address, params, receiver.address, amount, note=f"{t}/{n}".encode()
                ).sign(sender.private_key)
            )
            for n in range(attempts_per_thread)
        ]
        for t in range(THREADS)
    ]
    ledger = sandbox.ledger
    start_round = ledger.round
    barrier = threading.Barrier(THREADS)

    def hammer(batch: list[bytes]) -> tuple[int, list[str]]:
        accepted = 0
        refusals = []
        barrier.wait(10)
        for raw in batch:
            try:
                ledger.submit(raw)
                accepted += 1
            except LedgerError as exc:
                refusals.append(exc.message)
        return accepted, refusals

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(hammer, batches, timeout=60))

    accepted = sum(a for a, _ in results)
    refusals = [message for _, messages in results for message in messages]
    assert accepted == affordable
    assert len(refusals) == THREADS * attempts_per_thread - affordable
    assert all("overspend" in m or "below min" in m for m in refusals), set(refusals)
    assert ledger.round == start_round + affordable
    assert algod.account_info(sender.address)["amount"] == MIN_BALANCE
    assert algod.account_info(receiver.address)["amount"] == 1_000_000 + affordable * amount


def test_the_same_signed_transaction_from_many_threads_is_accepted_once(
    sandbox: EmbeddedSandbox,
    algod: AlgodClient,
    account_factory: Callable[..., DevAccount],
) -> None:
    sender = account_factory(1_000_000)
    receiver = account.generate_account()[1]
    params = algod.suggested_params()
    signed = transaction.PaymentTxn(sender.address, params, receiver, 200_000).sign(
        sender.private_key
    )
    raw = _raw(signed)
    ledger = sandbox.ledger
    start_round = ledger.round
    barrier = threading.Barrier(THREADS)

    def submit(_: int) -> str | None:
        barrier.wait(10)
        try:
            return ledger.submit(raw)[0]
        except LedgerError as exc:
            assert "already in ledger" in exc.message, exc.message
            return None

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(submit, range(THREADS), timeout=30))

    assert [o for o in outcomes if o is not None] == [signed.get_txid()]
    assert ledger.round == start_round + 1
    assert algod.account_info(receiver)["amount"] == 200_000
    assert algod.account_info(sender.address)["amount"] == 1_000_000 - 200_000 - MIN_FEE
