"""The chain as of a past round: what `authorize` would have read then, rebuilt from blocks.

Algod answers state questions only for "now" (its last round). A signed message archived at
round R (`gridworks.actors.ear`) must be judged later against the chain as it was at R, after
certificates may have moved or been revoked. `ChainHistory` answers, for a past round R (the
state after block R was applied):

- `record_bytes(key, R)`: a GNodeFactory registry record box (status, certificate ids,
  holders) as it was;
- `holdings(address, R)`: the account's asset amounts (so: did it hold the certificate);
- `asset_params(asset_id, R)`: the asset's parameters, or None if it did not exist (not yet
  created, or already destroyed);
- `authorizer(address, R)`: the address whose key signed for the account (its auth-addr when
  rekeyed, else itself).

`as_of(R)` wraps them as `FactoryAsOf`, a `FactoryReader` whose state reads are those of round R,
so `gridworks.identity.authority.authorize` applies its one set of rules to the past unchanged.

How. Every answer starts from the state now (an algod read, taken between two identical
status rounds so it is the state after a known round L) and walks the blocks R+1..L (algod's
`GET /v2/blocks/{r}`, msgpack, inner transactions included) backwards:

- holdings: the asset transfers, clawbacks, close-outs, creations and destructions of those
  blocks are undone (the amount at R is the amount now minus what changed after R);
- the authorizing key: the first transaction the account sent after R was signed by its
  authorizer at R (its `sgnr`, or the sender itself), since only the account's own transaction
  can rekey it; with none, it is the auth-addr now;
- asset parameters: the ones the answer needs (creator, unit name, metadata hash, total) never
  change, so they are read now, or from the creating transaction if the asset was destroyed
  after R; an asset created after R did not exist;
- registry records: box changes are not in blocks, so the factory logs each record it writes
  (`gridworks.identity.record.RECORD_EVENTS`). Event format, one log entry of the factory's app
  call (`dt.lg`)::

      prefix (4 bytes) | key length (uint16, big-endian) | key (b"g" + alias) | record (ABI)

  with prefix ``gwr+`` when the call created the box, ``gwr~`` when it changed it; the record
  bytes are the whole box after the call. If the first event of the key after R is a creation,
  the record did not exist at R; if there is none, the record now is the record at R; else the
  last event of the key at or before R (found walking back from R) is.

The cost is one block read per round between R and now, and one state read per box, account
or asset (both kept by the `ChainHistory`: a block never changes, and a state read stays the
state after its round), plus a walk back for a record changed after R or a certificate
destroyed after R, as far as its previous write or its creation. Factories deployed before the
contract logged its writes have no events; their history is not readable this way.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgpack
from algosdk.encoding import encode_address
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient

from gridworks.identity.chain import ChainError, FactoryReader
from gridworks.identity.record import RECORD_CREATED, RECORD_EVENTS, read_box

T = TypeVar("T")

CONSISTENT_READ_TRIES = 8
"""How often a read of the state now is retried while the chain moves under it."""


class HistoryError(ChainError):
    """The chain's past could not be rebuilt (a block unreadable, an event missing)."""


@dataclass(frozen=True)
class RecordEvent:
    """One logged write of a registry record box."""

    round: int
    key: bytes
    created: bool
    record: bytes


def parse_record_event(log: bytes) -> tuple[bytes, bool, bytes] | None:
    """(key, created, record bytes) of a factory log entry, or None if it is no record event."""
    prefix = log[:4]
    if prefix not in RECORD_EVENTS or len(log) < 6:
        return None
    size = int.from_bytes(log[4:6], "big")
    key = log[6 : 6 + size]
    if len(key) != size:
        return None
    return key, prefix == RECORD_CREATED, log[6 + size :]


@dataclass
class BlockFacts:
    """What one block changed that `ChainHistory` needs, in execution order."""

    round: int
    records: list[RecordEvent] = field(default_factory=list)
    deltas: list[tuple[str, int, int]] = field(default_factory=list)
    """(address, asset id, amount added) of transfers, clawbacks, close-outs and creations."""
    created: dict[int, dict[str, Any]] = field(default_factory=dict)
    """asset id -> its parameters (algod's JSON names), for assets created in this block."""
    destroyed: list[int] = field(default_factory=list)
    authorizers: dict[str, str] = field(default_factory=dict)
    """sender -> the address that signed its first top-level transaction in this block."""


def _b(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):  # a msgpack str (go-algorand writes Go strings so)
        return value.encode("utf-8", "surrogateescape")
    return b""


def _addr(value: Any) -> str | None:
    raw = _b(value)
    return encode_address(raw) if len(raw) == 32 else None


def _get(mapping: Any, key: str) -> Any:
    if not isinstance(mapping, Mapping):
        return None
    return mapping.get(key.encode(), mapping.get(key))


def block_facts(block: Mapping[Any, Any], round_: int, factory_app_id: int) -> BlockFacts:
    """The facts of a block in algod's msgpack form (decoded with ``raw=True``)."""
    facts = BlockFacts(round_)

    def visit(stxn: Mapping[Any, Any], top: bool) -> None:
        txn = _get(stxn, "txn") or {}
        kind = _b(_get(txn, "type"))
        sender = _addr(_get(txn, "snd"))
        if top and sender is not None and sender not in facts.authorizers:
            facts.authorizers[sender] = _addr(_get(stxn, "sgnr")) or sender
        if kind == b"axfer" and sender is not None:
            asset = int(_get(txn, "xaid") or 0)
            amount = int(_get(txn, "aamt") or 0)
            source = _addr(_get(txn, "asnd")) or sender
            receiver = _addr(_get(txn, "arcv"))
            if amount and receiver is not None:
                facts.deltas += [(source, asset, -amount), (receiver, asset, amount)]
            close_to = _addr(_get(txn, "aclose"))
            closing = int(_get(stxn, "aca") or 0)
            if close_to is not None and closing:
                facts.deltas += [(sender, asset, -closing), (close_to, asset, closing)]
        elif kind == b"acfg" and sender is not None:
            asset = int(_get(txn, "caid") or 0)
            params = _get(txn, "apar")
            if asset == 0:
                created = int(_get(stxn, "caid") or 0)
                if created:
                    total = int(_get(params, "t") or 0)
                    digest = _b(_get(params, "am"))
                    facts.created[created] = {
                        "creator": sender,
                        "total": total,
                        "unit-name": _b(_get(params, "un")).decode("utf-8", "replace"),
                        "name": _b(_get(params, "an")).decode("utf-8", "replace"),
                        "metadata-hash": base64.b64encode(digest).decode() if digest else None,
                    }
                    facts.deltas.append((sender, created, total))
            elif not params:
                facts.destroyed.append(asset)
        delta = _get(stxn, "dt") or {}
        if kind == b"appl" and int(_get(txn, "apid") or 0) == factory_app_id:
            for log in _get(delta, "lg") or ():
                event = parse_record_event(_b(log))
                if event is not None:
                    facts.records.append(RecordEvent(round_, *event))
        for inner in _get(delta, "itx") or ():
            visit(inner, top=False)

    for stxn in _get(block, "txns") or ():
        visit(stxn, top=True)
    return facts


class ChainHistory:
    """The chain of `algod` as of past rounds, for the GNodeFactory `factory_app_id`."""

    def __init__(self, algod: AlgodClient, factory_app_id: int) -> None:
        self.algod = algod
        self.app_id = int(factory_app_id)
        self.address: str = get_application_address(self.app_id)
        self._blocks: dict[int, BlockFacts] = {}
        self._params: dict[int, dict[str, Any]] = {}  # creation params seen in any block read
        self._now: dict[Hashable, tuple[Any, int]] = {}  # state reads and the round of each

    # ---- blocks and the state now ---------------------------------------------------------

    def last_round(self) -> int:
        status = self.algod.status()
        assert isinstance(status, dict)
        return int(status["last-round"])

    def facts(self, round_: int) -> BlockFacts:
        """The facts of block `round_` (read once, then remembered)."""
        facts = self._blocks.get(round_)
        if facts is None:
            try:
                raw = self.algod.block_info(round_, response_format="msgpack")
                block = msgpack.unpackb(raw, raw=True, strict_map_key=False)[b"block"]
            except Exception as error:
                raise HistoryError(
                    f"block {round_} could not be read: {type(error).__name__}: {error}"
                ) from error
            facts = block_facts(block, round_, self.app_id)
            self._blocks[round_] = facts
            self._params.update(facts.created)
        return facts

    def after(self, round_: int, last: int) -> Iterator[BlockFacts]:
        """The facts of rounds `round_` + 1 .. `last`, oldest first."""
        return (self.facts(r) for r in range(round_ + 1, last + 1))

    def now(self, key: Hashable, read: Callable[[], T], at_least: int = 0) -> tuple[T, int]:
        """`read()`'s answer and the round L it is the state after (the node's last round was L
        before and after the read). The pair stays true, so it is kept under `key` and reused
        while L is at least `at_least` (the round asked about)."""
        kept = self._now.get(key)
        if kept is not None and kept[1] >= at_least:
            return kept
        for _ in range(CONSISTENT_READ_TRIES):
            before = self.last_round()
            value = read()
            if self.last_round() == before:
                self._now[key] = (value, before)
                return value, before
        raise HistoryError("the chain kept moving while its state was read")

    def _check(self, round_: int, last: int) -> None:
        if round_ < 0 or round_ > last:
            raise HistoryError(f"round {round_} is not between 0 and the node's last round {last}")

    # ---- as of a round ----------------------------------------------------------------------

    def record_bytes(self, key: bytes, round_: int) -> bytes | None:
        """The factory's record box `key` after round `round_` (None: not created yet)."""
        current, last = self.now(
            ("box", key), lambda: read_box(self.algod, self.app_id, key), round_
        )
        self._check(round_, last)
        for facts in self.after(round_, last):
            for event in facts.records:
                if event.key == key:
                    if event.created:
                        return None
                    return self._record_at_or_before(key, round_)
        return current

    def _record_at_or_before(self, key: bytes, round_: int) -> bytes:
        for r in range(round_, 0, -1):
            events = [e for e in self.facts(r).records if e.key == key]
            if events:
                return events[-1].record
        raise HistoryError(
            f"the factory {self.app_id} changed record {key!r} after round {round_}, but no "
            "earlier write of it was logged"
        )

    def holdings(self, address: str, round_: int) -> dict[int, int]:
        """The account's asset amounts after round `round_` (assets it held none of omitted)."""

        def read() -> dict[int, int]:
            info = self.algod.account_info(address)
            assert isinstance(info, dict)
            return {int(a["asset-id"]): int(a["amount"]) for a in info.get("assets", [])}

        current, last = self.now(("holdings", address), read, round_)
        held = dict(current)
        self._check(round_, last)
        for facts in self.after(round_, last):
            for who, asset, delta in facts.deltas:
                if who == address:
                    held[asset] = held.get(asset, 0) - delta
            for asset in facts.destroyed:  # destroying takes the total from its creator
                params = self.asset_params(asset, facts.round - 1)
                if params is not None and params.get("creator") == address:
                    held[asset] = held.get(asset, 0) + int(params.get("total") or 0)
        return {asset: amount for asset, amount in held.items() if amount != 0}

    def asset_params(self, asset_id: int, round_: int) -> dict[str, Any] | None:
        """The asset's parameters after round `round_`, in algod's JSON names (creator,
        unit-name, metadata-hash in base64, total), or None if it did not exist then."""

        def read() -> dict[str, Any] | None:
            from algosdk.error import AlgodHTTPError

            try:
                info = self.algod.asset_info(asset_id)
            except AlgodHTTPError as error:
                if error.code == 404:
                    return None
                raise
            assert isinstance(info, dict)
            params: dict[str, Any] = info["params"]
            return params

        current, last = self.now(("asset", asset_id), read, round_)
        self._check(round_, last)
        destroyed_later = False
        for facts in self.after(round_, last):
            if asset_id in facts.created:
                return None
            destroyed_later = destroyed_later or asset_id in facts.destroyed
        if current is not None:
            return current
        if not destroyed_later:
            return None  # destroyed at or before the round, or never created
        return self._creation_params(asset_id, round_)

    def _creation_params(self, asset_id: int, round_: int) -> dict[str, Any]:
        r = round_
        while asset_id not in self._params:
            if r < 1:
                raise HistoryError(
                    f"asset {asset_id} existed at round {round_}, but no block up "
                    "to then creates it"
                )
            self.facts(r)
            r -= 1
        return self._params[asset_id]

    def authorizer(self, address: str, round_: int) -> str:
        """The address whose key signed for `address` after round `round_`: its auth-addr if
        it was rekeyed then, else itself."""

        def read() -> str:
            info = self.algod.account_info(address, exclude="all")
            assert isinstance(info, dict)
            return str(info.get("auth-addr") or address)

        current, last = self.now(("auth", address), read, round_)
        self._check(round_, last)
        for facts in self.after(round_, last):
            if address in facts.authorizers:
                return facts.authorizers[address]
        return current

    def as_of(self, round_: int) -> FactoryAsOf:
        return FactoryAsOf(self, round_)


class FactoryAsOf(FactoryReader):
    """The GNodeFactory as it was after round `round`: a `FactoryReader` whose state reads (the
    registry boxes, holdings, asset parameters) are those of that round, so every rule built on
    it (`FactoryReader.check_record`, `authority.authorize`) judges the past as it judges now."""

    def __init__(self, history: ChainHistory, round_: int) -> None:
        super().__init__(history.algod, history.app_id)
        self.history = history
        self.round = round_

    def _box(self, key: bytes, what: str) -> bytes | None:
        return self.history.record_bytes(key, self.round)

    def holdings(self, address: str) -> dict[int, int]:
        return self.history.holdings(address, self.round)

    def asset_params(self, asset_id: int) -> dict[str, Any] | None:
        return self.history.asset_params(asset_id, self.round)
