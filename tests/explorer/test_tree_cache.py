"""What the GNode tree keeps between pages: nothing read twice at one chain state, everything
read again once the chain moves (a new round, or the same round after a revert)."""

from __future__ import annotations

import base64
import threading

from algosdk.error import AlgodHTTPError

from gridworks.explorer.gnode_tree import Entry, read_records
from gridworks.explorer.sources import ChainSources
from gridworks.explorer.tree_cache import ChainState, TreeCache, chain_state
from gridworks.identity.chain import FactoryReader
from gridworks.identity.record import ZERO_ADDRESS, Record
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus


class Reads:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, value: object) -> object:
        with self._lock:
            self.count += 1
        return value


def test_one_state_reads_once_and_the_next_state_reads_again() -> None:
    cache, reads = TreeCache(), Reads()
    one, two = ChainState(7, "HASH7"), ChainState(8, "HASH8")
    assert cache.get(one, "registry", 1, lambda: reads("a")) == "a"
    assert cache.get(one, "registry", 1, lambda: reads("b")) == "a"
    assert reads.count == 1
    assert cache.get(two, "registry", 1, lambda: reads("c")) == "c"
    assert cache.get(two, "registry", 1, lambda: reads("d")) == "c"
    assert reads.count == 2


def test_a_revert_to_the_same_round_with_other_blocks_is_a_new_state() -> None:
    cache, reads = TreeCache(), Reads()
    assert cache.get(ChainState(9, "BEFORE"), "record", "x", lambda: reads(1)) == 1
    assert cache.get(ChainState(9, "AFTER"), "record", "x", lambda: reads(2)) == 2
    assert reads.count == 2


def test_without_a_state_nothing_is_kept() -> None:
    cache, reads = TreeCache(), Reads()
    for value in range(3):
        assert cache.get(None, "record", "x", lambda v=value: reads(v)) == value
    assert reads.count == 3


def test_kinds_and_keys_are_kept_apart_and_bounded() -> None:
    cache = TreeCache(max_registries=1, max_records=2)
    state = ChainState(1, "H")
    assert cache.get(state, "registry", 5, lambda: "reg5") == "reg5"
    assert cache.get(state, "record", 5, lambda: "rec5") == "rec5"  # same key, other kind
    assert cache.get(state, "registry", 6, lambda: "reg6") == "reg6"  # over the bound: not kept
    assert cache.get(state, "registry", 6, lambda: "again") == "again"
    cache.get(state, "record", 6, lambda: "rec6")
    cache.get(state, "record", 7, lambda: "rec7")  # the third record: not kept
    assert cache.get(state, "record", 7, lambda: "fresh") == "fresh"
    assert cache.get(state, "record", 6, lambda: "stale?") == "rec6"


def record_box(alias: str) -> dict[str, str]:
    zero = ZERO_ADDRESS
    raw = Record(
        GNodeRole.TerminalAsset, GNodeStatus.Active, alias, alias.rpartition(".")[0],
        0, 0, 0, zero, zero, zero,
    ).encode()  # fmt: skip
    return {"value": base64.b64encode(raw).decode()}


def test_a_page_asked_again_at_the_same_state_reads_no_box() -> None:
    aliases = [f"d1.c.n{i}.ta" for i in range(6)]
    reads: list[str] = []

    class Algod:
        def application_box_by_name(self, app_id: int, name: bytes) -> dict[str, str]:
            alias = name.decode().removeprefix("g")
            reads.append(alias)
            return record_box(alias)

    class Chain:
        algod = Algod()

    cache = TreeCache()
    reader = FactoryReader(Chain(), 1)  # type: ignore[arg-type]

    def page(state: ChainState) -> list[Entry]:
        entries = [Entry(alias, 3, registered=True) for alias in aliases]
        read_records(
            reader, entries, 2, lambda alias, read: cache.get(state, "record", alias, read)
        )
        return entries

    first = page(ChainState(3, "H3"))
    assert sorted(reads) == aliases
    again = page(ChainState(3, "H3"))
    assert len(reads) == 6  # nothing read again
    assert [e.gnode for e in again] == [e.gnode for e in first]
    page(ChainState(4, "H4"))
    assert len(reads) == 12


def test_a_node_that_cannot_say_its_block_hash_means_no_state() -> None:
    class Algod:
        def status(self) -> dict[str, int]:
            return {"last-round": 12}

        def get_block_hash(self, round_: int) -> dict[str, str]:
            raise AlgodHTTPError("not found", 404)

    class Indexer:
        pass

    assert chain_state(ChainSources(Algod(), Indexer())) is None  # type: ignore[arg-type]


def test_the_state_is_the_last_round_and_its_hash() -> None:
    class Algod:
        def status(self) -> dict[str, int]:
            return {"last-round": 12}

        def get_block_hash(self, round_: int) -> dict[str, str]:
            return {"blockHash": f"HASH-OF-{round_}"}

    state = chain_state(ChainSources(Algod(), object()))  # type: ignore[arg-type]
    assert state == ChainState(12, "HASH-OF-12")
