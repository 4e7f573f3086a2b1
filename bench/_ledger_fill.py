"""Fill a ledger on disk with many transactions, fast: signed in-process and handed straight to
`Ledger.submit` (groups of 16, one block each; no HTTP). Shared by bench/indexer.py and
bench/explorer.py.

The fill: `APPS` apps created by the dev account, `SENDERS` fresh accounts funded by it, then
`count` transactions among them: 3 in 10 calls to the apps, the rest payments, each with a note
`n<k>:<i>` (k in 0..`PREFIXES`-1). The indexer's rows are written in the same SQLite transactions
as the blocks.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.ed25519 import expand, public_key_of, sign_expanded
from gridworks.sandbox.encoding import canonical_msgpack, hash_obj
from gridworks.sandbox.ledger.genesis import GenesisSpec, make_genesis
from gridworks.sandbox.ledger.ledger import Ledger
from gridworks.sandbox.ledger.store import Store

SENDERS = 200
APPS = 10
PREFIXES = 100
GROUP = 16


class Builder:
    """Signs and submits groups to an in-process ledger."""

    def __init__(self, ledger: Ledger, seed: bytes) -> None:
        self.ledger = ledger
        self.keys: dict[bytes, bytes] = {public_key_of(seed): expand(seed)}
        self.dev = public_key_of(seed)

    def header(self, sender: bytes, note: bytes) -> dict[str, object]:
        first = max(1, self.ledger.round - 10)
        txn: dict[str, object] = {
            "snd": sender,
            "fee": 1000,
            "fv": first,
            "lv": first + 1000,
            "gen": self.ledger.genesis_id,
            "gh": self.ledger.genesis_hash,
        }
        if note:
            txn["note"] = note
        return txn

    def submit(self, txns: list[dict[str, object]]) -> list[str]:
        """Signs and submits `txns` as one group (one block); returns their txids."""
        if len(txns) > 1:
            digests = [hash_obj(b"TX", txn) for txn in txns]
            group = hash_obj(b"TG", {"txlist": digests})
            for txn in txns:
                txn["grp"] = group
        blobs = []
        for txn in txns:
            message = b"TX" + canonical_msgpack(txn)
            signature = sign_expanded(self.keys[txn["snd"]], message)  # type: ignore[index]
            blobs.append(canonical_msgpack({"sig": signature, "txn": txn}))
        return self.ledger.submit(b"".join(blobs))


@dataclass
class Filled:
    """What `fill` wrote: the sender accounts, the app ids, the dev account's seed (it holds
    the rest of the genesis money) and a sample of txids (one of every `sample_every`-th group of
    the `count` transactions, at a position that moves, so payments and app calls alike)."""

    senders: list[bytes]
    apps: list[int]
    dev_seed: bytes
    sample_txids: list[str] = field(default_factory=list)


def fill(path: Path, count: int, sample_every: int = 100) -> Filled:
    """Creates a ledger at `path` (a SQLite file) and writes the fill into it."""
    document, seeds = make_genesis(GenesisSpec(dev_accounts=1))
    store = Store(path)
    Ledger.initialize(store, document)
    ledger = Ledger(store)
    builder = Builder(ledger, seeds[0])
    rng = random.Random(13)
    program = assemble(b"#pragma version 8\nint 1\n").bytecode
    apps = []
    for i in range(APPS):
        txn = builder.header(builder.dev, f"app {i}".encode())
        txn.update({"type": "appl", "apap": program, "apsu": program})
        builder.submit([txn])
        apps.append(max(ledger.state.apps))
    senders = []
    for _ in range(SENDERS):
        seed = os.urandom(32)
        builder.keys[public_key_of(seed)] = expand(seed)
        senders.append(public_key_of(seed))
    for start in range(0, SENDERS, GROUP):
        group = []
        for sender in senders[start : start + GROUP]:
            txn = builder.header(builder.dev, b"")
            txn.update({"type": "pay", "rcv": sender, "amt": 10_000_000_000})
            group.append(txn)
        builder.submit(group)
    filled = Filled(senders, apps, seeds[0])
    done = 0
    groups = 0
    while done < count:
        group = []
        for _ in range(min(GROUP, count - done)):
            sender = rng.choice(senders)
            note = f"n{done % PREFIXES:02d}:{done}".encode()
            txn = builder.header(sender, note)
            if done % 10 < 3:
                txn.update({"type": "appl", "apid": apps[(done // 10) % APPS]})
            else:
                txn.update({"type": "pay", "rcv": rng.choice(senders), "amt": 1000 + done})
            group.append(txn)
            done += 1
        txids = builder.submit(group)
        if groups % sample_every == 0:  # a different position each time: 3 in 10 app calls
            filled.sample_txids.append(txids[(groups // sample_every) % len(txids)])
        groups += 1
    ledger.close()
    return filled
