"""The ledger's public Python API: submit groups, read state, blocks and confirmed transactions.

Dev mode: every accepted group is confirmed at once in a block of its own.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..encoding import (
    ZERO_ADDRESS,
    b64decode,
    canonical_msgpack,
    decode_address,
    hash_obj,
    sha512_256,
)
from .block_context import BlockContext
from .errors import NotFound
from .eval_hooks import EvalHooks
from .evaluator import evaluate_group
from .genesis import genesis_hash, genesis_id
from .params import CURRENT, ConsensusParams
from .records import OFFLINE, ONLINE, Account, AppParams, AssetParams, Holding, LocalState
from .state import Delta, LedgerState
from .store import Store
from .transaction import SignedTransaction, decode_signed_transactions
from .undo import capture as capture_undo

RECENT_CONFIRMED = 4_096


def header_hash(header: dict[str, Any]) -> bytes:
    """A block header's hash (what the next block names as `prev`): its canonical msgpack
    hashed under the "BH" domain. A stored block's header is the block without `txns`."""
    return hash_obj(b"BH", header)


@dataclass(frozen=True, slots=True)
class ConfirmedTransaction:
    """A transaction as it sits in its block: the signed transaction and what applying it did."""

    round: int
    intra: int
    signed: dict[str, Any]
    apply_data: dict[str, Any]


class Ledger:
    """One dev network's ledger. Thread-safe: one lock orders every read and write."""

    def __init__(self, store: Store, params: ConsensusParams = CURRENT) -> None:
        document = store.get_meta("genesis")
        if document is None:
            raise NotFound("the store holds no genesis: call Ledger.initialize first")
        self.store = store
        self.params = params
        self.genesis = document
        self.genesis_id = genesis_id(document)
        self.genesis_hash = genesis_hash(document)
        self.fee_sink = decode_address(document["fees"])
        self.rewards_pool = decode_address(document["rwd"])
        self.lock = threading.RLock()
        last = store.last_block()
        self.state = LedgerState(txn_counter=last["tc"])
        store.load_state(self.state)
        self.round: int = last["rnd"]
        self.timestamp_offset: int = store.get_meta("timestamp_offset") or 0
        self.next_timestamp: int | None = None  # one-shot: the next block's exact timestamp
        self._last_header = {k: v for k, v in last.items() if k != "txns"}
        self._last_block_monotonic = time.monotonic()
        self._listeners: list[Callable[[int], None]] = []
        # The most recently confirmed transactions, so clients polling for confirmation
        # are answered from memory; older ones come from the store.
        self._recent: OrderedDict[bytes, ConfirmedTransaction] = OrderedDict()

    @classmethod
    def initialize(
        cls, store: Store, document: dict[str, Any], params: ConsensusParams = CURRENT
    ) -> None:
        """Writes genesis (state and block 0) into an empty store."""
        delta = Delta(txn_counter=params.first_created_index)
        for entry in document["alloc"]:
            state = entry["state"]
            delta.accounts[decode_address(entry["addr"])] = Account(
                micro_algos=state["algo"],
                status=ONLINE if state.get("onl") == 1 else OFFLINE,
                vote_pk=b64decode(state["vote"]) if "vote" in state else ZERO_ADDRESS,
                selection_pk=b64decode(state["sel"]) if "sel" in state else ZERO_ADDRESS,
                vote_first=state.get("voteFst", 0),
                vote_last=state.get("voteLst", 0),
                vote_key_dilution=state.get("voteKD", 0),
            )
        gh = genesis_hash(document)
        header = {
            "rnd": 0,
            "ts": document["timestamp"],
            "gen": genesis_id(document),
            "gh": gh,
            "seed": sha512_256(gh),
            "tc": params.first_created_index,
            "fees": decode_address(document["fees"]),
            "rwd": decode_address(document["rwd"]),
            "proto": document["proto"],
            "txns": [],
        }
        store.commit_block(
            0,
            header,
            delta,
            [],
            [],
            {"genesis": document, "timestamp_offset": 0, "undo_from": 0},
        )

    # writes
    def submit(self, data: bytes) -> list[str]:
        """Submits concatenated msgpack signed transactions as one atomic group."""
        return self.submit_group(decode_signed_transactions(data))

    def submit_group(self, group: list[SignedTransaction]) -> list[str]:
        with self.lock:
            next_round = self.round + 1
            ctx = self.block_context()
            result = evaluate_group(self.state, group, ctx)
            header = self._next_header(next_round, group, result.delta.txn_counter or 0)
            block = dict(header)
            block["txns"] = [
                {"stxn": stxn.raw, "ad": ad.to_wire()}
                for stxn, ad in zip(group, result.apply_data, strict=True)
            ]
            leases = [
                (stxn.txn.sender, stxn.txn.lease, stxn.txn.last_valid)
                for stxn in group
                if stxn.txn.lease != ZERO_ADDRESS
            ]
            undo = capture_undo(
                self.state,
                result.delta,
                [stxn.txn.txid_digest for stxn in group],
                [(s, lease, self.store.lease_last_valid(s, lease)) for s, lease, _ in leases],
            )
            self.store.commit_block(
                next_round,
                block,
                result.delta,
                [(stxn.txn.txid_digest, stxn.txn.last_valid) for stxn in group],
                leases,
                {},
                undo,
            )
            self.next_timestamp = None
            self.state.apply(result.delta)
            for intra, entry in enumerate(block["txns"]):
                digest = group[intra].txn.txid_digest
                self._recent[digest] = ConfirmedTransaction(
                    next_round, intra, entry["stxn"], entry["ad"]
                )
            while len(self._recent) > RECENT_CONFIRMED:
                self._recent.popitem(last=False)
            self.round = next_round
            self._last_header = header
            self._last_block_monotonic = time.monotonic()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(next_round)
        return [stxn.txn.txid for stxn in group]

    def block_context(self, hooks: EvalHooks | None = None) -> BlockContext:
        """The context of the next block, as submit and simulate evaluate groups in it."""
        next_round = self.round + 1
        return BlockContext(
            round=next_round,
            genesis_id=self.genesis_id,
            genesis_hash=self.genesis_hash,
            fee_sink=self.fee_sink,
            params=self.params,
            is_known_txid=self._is_known_txid,
            lease_in_use=lambda sender, lease: self._lease_in_use(sender, lease, next_round),
            block_timestamp=self._block_timestamp,
            block_seed=self._block_seed,
            block_header=self.store.block,
            latest_timestamp=int(self._last_header["ts"]),
            hooks=hooks,
        )

    def _block_timestamp(self, round_: int) -> int | None:
        block = self.store.block(round_)
        return None if block is None else int(block["ts"])

    def _block_seed(self, round_: int) -> bytes | None:
        block = self.store.block(round_)
        return None if block is None else bytes(block["seed"])

    def _is_known_txid(self, txid: bytes) -> bool:
        return txid in self._recent or self.store.txid_location(txid) is not None

    def _lease_in_use(self, sender: bytes, lease: bytes, round_: int) -> bool:
        last_valid = self.store.lease_last_valid(sender, lease)
        return last_valid is not None and last_valid >= round_

    def _next_header(
        self, round_: int, group: list[SignedTransaction], counter: int
    ) -> dict[str, Any]:
        prev = self._last_header
        txn_root = sha512_256(b"".join(stxn.txn.txid_digest for stxn in group))
        return {
            "rnd": round_,
            "prev": header_hash(prev),
            "prev512": hashlib.sha512(b"BH" + canonical_msgpack(prev)).digest(),  # v41+
            "seed": sha512_256(prev["seed"] + round_.to_bytes(8, "big")),
            "ts": self.next_timestamp
            if self.next_timestamp is not None
            else max(prev["ts"], int(time.time()) + self.timestamp_offset),
            "gen": self.genesis_id,
            "gh": self.genesis_hash,
            "tc": counter,
            "txn": txn_root,
            "fees": self.fee_sink,
            "rwd": self.rewards_pool,
            "proto": self.params.name,
            # payouts (consensus v40+): the fees collected; no proposer, so no "prp"/"pp"
            **({"fc": fees} if (fees := sum(stxn.txn.fee for stxn in group)) else {}),
        }

    def set_timestamp_offset(self, seconds: int) -> None:
        """Dev mode: later blocks are stamped with the clock plus this many seconds."""
        if seconds < 0:
            raise ValueError("the timestamp offset cannot be negative")
        with self.lock:
            self.store.set_meta("timestamp_offset", seconds)
            self.timestamp_offset = seconds

    # time travel (gridworks/sandbox/snapshots.py drives these)
    def set_next_timestamp(self, timestamp: int) -> None:
        """Stamps the next block with exactly `timestamp` (once); not before the last block's."""
        with self.lock:
            last = int(self._last_header["ts"])
            if timestamp < last:
                raise ValueError(
                    f"timestamp {timestamp} is before the last block's ({last}, round {self.round})"
                )
            self.next_timestamp = timestamp

    def advance(self, rounds: int) -> None:
        """Adds `rounds` empty blocks in a row (no group lands between them), each committed
        as a block with transactions is; listeners hear of the last one."""
        with self.lock:
            for _ in range(rounds):
                next_round = self.round + 1
                header = self._next_header(next_round, [], self.state.txn_counter)
                self.store.commit_block(next_round, {**header, "txns": []}, Delta(), [], [], {})
                self.next_timestamp = None
                self.round = next_round
                self._last_header = header
                self._last_block_monotonic = time.monotonic()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(self.round)

    def rewound(self, round_: int, header: dict[str, Any], earlier: Delta) -> None:
        """Takes the in-memory state back to `round_`, whose last header is `header`, once the
        store is back there (ledger/rewind.py); `earlier` holds the values the later blocks
        overwrote. Confirmed transactions of later rounds leave the recent cache."""
        with self.lock:
            earlier.txn_counter = header["tc"]
            self.state.apply(earlier)
            self.round = round_
            self._last_header = {k: v for k, v in header.items() if k != "txns"}
            self._last_block_monotonic = time.monotonic()
            self.next_timestamp = None
            recent = self._recent
            while recent and next(reversed(recent.values())).round > round_:
                recent.popitem(last=True)

    def subscribe(self, listener: Callable[[int], None]) -> None:
        """Calls `listener(round)` after each new block (outside the ledger's lock)."""
        with self.lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[int], None]) -> None:
        """Stops calling `listener` (nothing happens if it was not subscribed)."""
        with self.lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # reads
    def seconds_since_last_block(self) -> float:
        return time.monotonic() - self._last_block_monotonic

    def account(self, addr: bytes) -> Account:
        with self.lock:
            acct = self.state.account(addr)
            return acct.copy() if acct else Account()

    def holdings(self, addr: bytes) -> dict[int, Holding]:
        with self.lock:
            ids = sorted(self.state.holdings_by_account.get(addr, ()))
            return {aid: self.state.holdings[(addr, aid)].copy() for aid in ids}

    def holding(self, addr: bytes, asset_id: int) -> Holding | None:
        with self.lock:
            holding = self.state.holding(addr, asset_id)
            return holding.copy() if holding else None

    def created_assets(self, addr: bytes) -> dict[int, AssetParams]:
        with self.lock:
            ids = sorted(self.state.assets_by_creator.get(addr, ()))
            return {aid: self.state.assets[aid].copy() for aid in ids}

    def asset(self, asset_id: int) -> AssetParams | None:
        with self.lock:
            params = self.state.asset(asset_id)
            return params.copy() if params else None

    def app(self, app_id: int) -> AppParams | None:
        """An app's parameters and global state (a copy), or None if it does not exist."""
        with self.lock:
            app = self.state.app(app_id)
            return app.copy() if app else None

    def local_state(self, addr: bytes, app_id: int) -> LocalState | None:
        with self.lock:
            local = self.state.local_state(addr, app_id)
            return local.copy() if local else None

    def apps_created_by(self, addr: bytes) -> dict[int, AppParams]:
        with self.lock:
            ids = sorted(self.state.apps_by_creator.get(addr, ()))
            return {aid: self.state.apps[aid].copy() for aid in ids}

    def apps_opted_in(self, addr: bytes) -> dict[int, LocalState]:
        with self.lock:
            ids = sorted(self.state.locals_by_account.get(addr, ()))
            return {aid: self.state.locals[(addr, aid)].copy() for aid in ids}

    def box(self, app_id: int, name: bytes) -> bytes | None:
        with self.lock:
            return self.state.box(app_id, name)

    def box_names(self, app_id: int) -> list[bytes]:
        with self.lock:
            return sorted(self.state.boxes_by_app.get(app_id, ()))

    def minimum_balance(self, acct: Account) -> int:
        return self.params.minimum_balance(acct)

    def block(self, round_: int) -> dict[str, Any]:
        block = self.store.block(round_)
        if block is None:
            raise NotFound(f"ledger does not have entry {round_}")
        return block

    def confirmed(self, txid: bytes) -> ConfirmedTransaction | None:
        recent = self._recent.get(txid)
        if recent is not None:
            return recent
        location = self.store.txid_location(txid)
        if location is None:
            return None
        round_, intra, _ = location
        entry = self.block(round_)["txns"][intra]
        return ConfirmedTransaction(round_, intra, entry["stxn"], entry["ad"])

    def supply(self) -> tuple[int, int]:
        """(total, online) micro-Algos."""
        with self.lock:
            accounts = self.state.accounts.values()
            total = sum(acct.micro_algos for acct in accounts)
            online = sum(acct.micro_algos for acct in accounts if acct.status == ONLINE)
            return total, online

    def state_digest(self) -> str:
        """A hash of the whole state, to prove that a refused transaction changed nothing."""
        with self.lock:
            digest = hashlib.sha256()
            digest.update(f"{self.round}:{self.state.txn_counter}".encode())
            for addr in sorted(self.state.accounts):
                digest.update(addr + repr(self.state.accounts[addr]).encode())
            for key in sorted(self.state.holdings):
                digest.update(repr((key, self.state.holdings[key])).encode())
            for aid in sorted(self.state.assets):
                digest.update(repr((aid, self.state.assets[aid])).encode())
            for app_id in sorted(self.state.apps):
                app = self.state.apps[app_id]
                digest.update(repr((app_id, app, sorted(app.global_state.items()))).encode())
            for key in sorted(self.state.locals):
                local = self.state.locals[key]
                digest.update(repr((key, local.schema, sorted(local.values.items()))).encode())
            for box_key in sorted(self.state.boxes):
                digest.update(repr((box_key, self.state.boxes[box_key])).encode())
            return digest.hexdigest()

    def close(self) -> None:
        self.store.close()
