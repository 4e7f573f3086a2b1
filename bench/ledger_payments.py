"""Payments applied per second by the ledger in-process (no HTTP). Goal: >= 5,000/s.

Each payment is signed beforehand; the timed part is what the sandbox does for a submission:
decode, check, verify the signature, apply, and commit a block (in memory, and to SQLite on disk).
"""

from __future__ import annotations

import base64
import sys
import tempfile
import time
from pathlib import Path

from algosdk import account, encoding, transaction

from gridworks.sandbox.ed25519 import public_key_of
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.store import Store
from gridworks.table import format_table

COUNT = 5_000
GOAL = 5_000


def signed_payments(ledger: Ledger, key: str, count: int) -> list[bytes]:
    """`count` payments; payment i lands in round i + 1, so its validity window covers that."""
    sender = account.address_from_private_key(key)
    _, receiver = account.generate_account()
    blobs = []
    for i in range(count):
        first = max(1, i + 1 - 10)
        params = transaction.SuggestedParams(
            fee=1000,
            first=first,
            last=first + 1000,
            gh=base64.b64encode(ledger.genesis_hash).decode(),
            gen=ledger.genesis_id,
            flat_fee=True,
        )
        signed = transaction.PaymentTxn(sender, params, receiver, 100_000 + i).sign(key)
        blobs.append(base64.b64decode(encoding.msgpack_encode(signed)))
    return blobs


def run(path: Path | None, count: int) -> float:
    document, seeds = make_genesis(GenesisSpec(dev_accounts=1))
    store = Store(path)
    Ledger.initialize(store, document)
    ledger = Ledger(store)
    blobs = signed_payments(
        ledger, base64.b64encode(seeds[0] + public_key_of(seeds[0])).decode(), count
    )
    started = time.perf_counter()
    for blob in blobs:
        ledger.submit(blob)
    elapsed = time.perf_counter() - started
    assert ledger.round == count, "every payment must have been confirmed"
    ledger.close()
    return count / elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    rows = [("in memory (--ephemeral)", count, f"{run(None, count):,.0f}", f">= {GOAL:,}/s")]
    with tempfile.TemporaryDirectory() as tmp:
        rate = run(Path(tmp) / "ledger.sqlite", count)
        rows.append(
            ("SQLite file (WAL, synchronous=NORMAL)", count, f"{rate:,.0f}", f">= {GOAL:,}/s")
        )
    print(format_table(("ledger store", "payments", "applied per second", "goal"), rows))


if __name__ == "__main__":
    main()
