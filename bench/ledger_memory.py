"""Resident memory of a sandbox ledger holding 10,000 accounts and 1,000 assets. Goal: < 200 MB.

The state is built the way users build it, through transactions (10,000 payments to new
accounts, 1,000 asset creations), in a SQLite data dir; then a fresh process reopens that data
dir, as `gridworks sandbox start` does after a restart, and reports its resident set size.
"""

from __future__ import annotations

import base64
import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from algosdk import encoding, transaction

from gridworks.sandbox.ed25519 import public_key_of
from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.store import Store
from gridworks.table import format_table

ACCOUNTS = 10_000
ASSETS = 1_000
GOAL_MB = 200


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def build(path: Path) -> Ledger:
    document, seeds = make_genesis(GenesisSpec(dev_accounts=1))
    store = Store(path)
    Ledger.initialize(store, document)
    ledger = Ledger(store)
    key = base64.b64encode(seeds[0] + public_key_of(seeds[0])).decode()
    sender = encode_address(public_key_of(seeds[0]))
    for i in range(ACCOUNTS + ASSETS):
        first = ledger.round + 1
        params = transaction.SuggestedParams(
            fee=1000,
            first=first,
            last=first + 1000,
            gh=base64.b64encode(ledger.genesis_hash).decode(),
            gen=ledger.genesis_id,
            flat_fee=True,
        )
        if i < ACCOUNTS:
            txn: transaction.Transaction = transaction.PaymentTxn(
                sender, params, encode_address(os.urandom(32)), 1_000_000
            )
        else:
            txn = transaction.AssetCreateTxn(
                sender, params, total=1, decimals=0, default_frozen=False,
                unit_name="TADEED", asset_name=f"d1.bench.node{i}.ta", manager=sender,
            )  # fmt: skip
        ledger.submit(base64.b64decode(encoding.msgpack_encode(txn.sign(key))))
    return ledger


def reopen(path: Path) -> None:
    """Child process: open the data dir and print the resident set size in MB."""
    before = rss_mb()
    ledger = Ledger(Store(path))
    assert len(ledger.state.accounts) >= ACCOUNTS and len(ledger.state.assets) == ASSETS
    print(f"{before:.1f} {rss_mb():.1f}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--reopen":
        reopen(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite"
        start = rss_mb()
        ledger = build(path)
        built = rss_mb()
        ledger.close()
        out = subprocess.run(
            [sys.executable, __file__, "--reopen", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        base, reopened = float(out[0]), float(out[1])
    rows = [
        ("built through 11,000 transactions", f"{start:.0f}", f"{built:.0f}", f"< {GOAL_MB}"),
        ("reopened from its data dir", f"{base:.0f}", f"{reopened:.0f}", f"< {GOAL_MB}"),
    ]
    print(f"ledger with {ACCOUNTS:,} accounts and {ASSETS:,} assets")
    print(format_table(("process", "RSS before (MB)", "RSS with ledger (MB)", "goal (MB)"), rows))


if __name__ == "__main__":
    main()
