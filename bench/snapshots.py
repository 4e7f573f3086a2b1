"""Snapshot, revert, reset and dump latency with 10,000 accounts and 1,000 apps. Goal: a revert
under 5 ms (copy-on-write: undo records, not a copy of the state).

The state is built in-process through the Ledger API, 16 transactions a group; then each
operation is timed on the TimeMachine (what /gridworks/v1 calls), in memory and on an SQLite
file, beside a same-run reference: committing one payment block.

    .venv/bin/python bench/snapshots.py [accounts] [apps]
"""

from __future__ import annotations

import base64
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from algosdk import account, encoding, transaction
from algosdk.atomic_transaction_composer import AccountTransactionSigner

from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.dump import dump_bytes
from gridworks.sandbox.ed25519 import public_key_of
from gridworks.sandbox.kmd.wallets import WalletStore
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.store import Store
from gridworks.sandbox.snapshots import TimeMachine
from gridworks.table import format_table

ACCOUNTS, APPS, GROUP = 10_000, 1_000, 16
REPEATS = 30
GOAL_MS = 5.0
APPROVAL = assemble("#pragma version 8\nbyte 0x6b\nint 1\napp_global_put\nint 1\n").bytecode
CLEAR = assemble("#pragma version 8\nint 1\n").bytecode


class Chain:
    """A ledger with a funded sender, and signed transactions for it round after round."""

    def __init__(self, path: Path | None) -> None:
        document, seeds = make_genesis(GenesisSpec(dev_accounts=1))
        store = Store(path)
        Ledger.initialize(store, document)
        self.ledger = Ledger(store)
        self.wallets = WalletStore(None if path is None else path.with_name("kmd.sqlite"))
        self.wallets.ensure_default_wallet(seeds)
        self.machine = TimeMachine(self.ledger, self.wallets)
        self.key = base64.b64encode(seeds[0] + public_key_of(seeds[0])).decode()
        self.sender = account.address_from_private_key(self.key)
        self.signer = AccountTransactionSigner(self.key)
        self.nonce = 0

    def params(self) -> transaction.SuggestedParams:
        first = max(1, self.ledger.round - 10)
        return transaction.SuggestedParams(
            fee=1000,
            first=first,
            last=first + 1000,
            gh=base64.b64encode(self.ledger.genesis_hash).decode(),
            gen=self.ledger.genesis_id,
            flat_fee=True,
        )

    def payment(self, receiver: str, amount: int) -> transaction.Transaction:
        self.nonce += 1
        return transaction.PaymentTxn(
            self.sender, self.params(), receiver, amount, note=self.nonce.to_bytes(8, "big")
        )

    def app_create(self) -> transaction.Transaction:
        self.nonce += 1
        return transaction.ApplicationCreateTxn(
            self.sender,
            self.params(),
            transaction.OnComplete.NoOpOC,
            APPROVAL,
            CLEAR,
            transaction.StateSchema(1, 0),
            transaction.StateSchema(0, 0),
            note=self.nonce.to_bytes(8, "big"),
        )

    def blob(self, txns: list[transaction.Transaction]) -> bytes:
        if len(txns) > 1:
            transaction.assign_group_id(txns)
        signed = self.signer.sign_transactions(txns, list(range(len(txns))))
        return b"".join(base64.b64decode(encoding.msgpack_encode(stxn)) for stxn in signed)

    def build(self, accounts: int, apps: int) -> None:
        receivers = [account.generate_account()[1] for _ in range(accounts)]
        for start in range(0, accounts, GROUP):
            chunk = receivers[start : start + GROUP]
            self.ledger.submit(self.blob([self.payment(r, 1_000_000) for r in chunk]))
        for start in range(0, apps, GROUP):
            count = min(GROUP, apps - start)
            self.ledger.submit(self.blob([self.app_create() for _ in range(count)]))

    def payment_blocks(self, count: int) -> list[bytes]:
        receiver = account.generate_account()[1]
        return [self.blob([self.payment(receiver, 100_000)]) for _ in range(count)]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def median_ms(samples: Iterator[float]) -> float:
    return statistics.median(list(samples))


def measure(path: Path | None, accounts: int, apps: int) -> dict[str, float]:
    chain = Chain(path)
    started = time.perf_counter()
    chain.build(accounts, apps)
    results = {"build (s)": time.perf_counter() - started}
    ledger, machine = chain.ledger, chain.machine
    assert len(ledger.state.accounts) >= accounts and len(ledger.state.apps) == apps

    def one_payment_block() -> Iterator[float]:
        for blob in chain.payment_blocks(REPEATS):
            yield timed(lambda blob=blob: ledger.submit(blob))

    results["payment block"] = median_ms(one_payment_block())
    snapshots: list[int] = []
    results["snapshot"] = median_ms(
        timed(lambda: snapshots.append(machine.snapshot().id)) for _ in range(REPEATS)
    )
    mark = snapshots[0]
    for blocks in (1, 10, 100):

        def reverts(blocks: int = blocks) -> Iterator[float]:
            for _ in range(REPEATS if blocks < 100 else 5):
                for blob in chain.payment_blocks(blocks):
                    ledger.submit(blob)
                yield timed(lambda: machine.revert(mark))

        results[f"revert after {blocks} block(s)"] = median_ms(reverts())
    round_before = ledger.round
    results["advance 1,000 empty rounds"] = timed(lambda: machine.advance(1000))
    results["revert after 1,000 empty rounds"] = timed(lambda: machine.revert(mark))
    assert ledger.round == round_before
    results["dump"] = timed(lambda: dump_bytes(ledger, chain.wallets))
    results["reset (undoes the whole build)"] = timed(machine.reset)
    assert ledger.round == 0
    ledger.close()
    chain.wallets.close()
    return results


def main() -> None:
    accounts = int(sys.argv[1]) if len(sys.argv) > 1 else ACCOUNTS
    apps = int(sys.argv[2]) if len(sys.argv) > 2 else APPS
    memory = measure(None, accounts, apps)
    with tempfile.TemporaryDirectory() as tmp:
        disk = measure(Path(tmp) / "ledger.sqlite", accounts, apps)
    print(f"{accounts:,} accounts, {apps:,} apps; medians of {REPEATS} runs where repeated")
    rows = []
    for name in memory:
        if name == "build (s)":
            rows.append((name, f"{memory[name]:.1f}", f"{disk[name]:.1f}", "", ""))
            continue
        ratio = disk[name] / disk["payment block"]
        goal = f"< {GOAL_MS:g} ms" if name.startswith("revert after 1 ") else ""
        rows.append((name, f"{memory[name]:.2f}", f"{disk[name]:.2f}", f"{ratio:.1f}x", goal))
    headers = ("operation", "in memory (ms)", "SQLite file (ms)", "file / payment block", "goal")
    print(format_table(headers, rows))


if __name__ == "__main__":
    main()
