"""Sign and verify one telemetry envelope: per-message cost, warm cache and cold chain lookup.

Set-up (not timed): an embedded sandbox in this process, a GNodeFactory, a validator and the
TerminalAsset `d1.isone.ver.keene.holly.ta` with its TaDeed, TaTradingRights and ScadaCert.
The Scada's `ActorKey` signs; the AtomicTNode's `Verifier` checks, with its chain cache
following the chain on its own thread.

Timed:
- sign: `seal()` of a `Telemetry` payload (header model, JSON, Ed25519 with libsodium);
- parse only: the strict parser (layout, UTF-8, JSON without duplicates, header schema);
- verify, warm: `Verifier.verify` of a fresh message (new id) while the chain reads it needs
  (the signer's authorizing key, its certificate) are cached: every check runs, the replay
  guard records the id, no chain read;
- verify, cold: the cache cleared before each message, so each verify reads the chain over
  HTTP from the embedded algod (account, registry boxes, asset parameters).

Each row is the median of 7 repetitions of a batch (per-message time = batch time / batch size).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from gridworks.actors.messages import MESSAGE_TYPES, TELEMETRY, Telemetry
from gridworks.contracts.provision import provision_device
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import parse, seal
from gridworks.identity.verifier import Verified, Verifier
from gridworks.sandbox import connect
from gridworks.table import format_table

ATN = "d1.isone.ver.keene.holly"
TA = ATN + ".ta"
SCADA = ATN + ".scada"
REPEATS = 7


def per_message_us(batch: Callable[[int], None], size: int) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        batch(size)
        times.append((time.perf_counter() - start) / size)
    return statistics.median(times) * 1e6


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    network = connect()
    try:
        device = provision_device(network, ATN)
        factory, scada, genesis = device.factory, device.scada, device.genesis_hash
        cache = ChainCache(network.algod, watch_app_ids=(factory.app_id,))
        verifier = Verifier(
            network.algod,
            factory.app_id,
            receivers=(ATN,),
            message_types=MESSAGE_TYPES,
            genesis_hash=genesis,
            cache=cache,
        )
        reading = Telemetry(terminal_asset=TA, channel="power-w", value=3200, read_ms=0)

        def sign_one():  # type: ignore[no-untyped-def]
            return seal(
                scada,
                message_type=TELEMETRY,
                payload=reading,
                source=SCADA,
                destination=ATN,
                genesis_hash=genesis,
            )

        def sign(n: int) -> None:
            for _ in range(n):
                sign_one()

        with verifier:
            first = verifier.verify(sign_one().wire)
            assert isinstance(first, Verified), first
            wire_len = len(sign_one().wire)

            def fresh(n: int) -> list[bytes]:
                return [sign_one().wire for _ in range(n)]

            def timed_verify(n: int, *, cold: bool) -> float:
                """Seconds spent in verify only (signing the batch is not timed)."""
                wires = fresh(n)
                spent = 0.0
                for wire in wires:
                    if cold:
                        cache.clear()
                    start = time.perf_counter()
                    result = verifier.verify(wire)
                    spent += time.perf_counter() - start
                    assert result.ok, result
                return spent

            def median_us(n: int, *, cold: bool) -> float:
                return (
                    statistics.median(timed_verify(n, cold=cold) / n for _ in range(REPEATS)) * 1e6
                )

            wires = fresh(size)

            def parse_all(n: int) -> None:
                for wire in wires[:n]:
                    parse(wire)

            sign_us = per_message_us(sign, size)
            parse_us = per_message_us(parse_all, size)
            warm_us = median_us(size, cold=False)
            cold_us = median_us(max(50, size // 20), cold=True)
            stats = cache.stats
    finally:
        network.close()

    rows = [
        ("sign (seal)", f"{sign_us:.1f}", "< 100", "met" if sign_us < 100 else "NOT MET"),
        ("parse only", f"{parse_us:.1f}", "", ""),
        ("verify, warm cache", f"{warm_us:.1f}", "< 200", "met" if warm_us < 200 else "NOT MET"),
        ("verify, cold chain lookup", f"{cold_us:.1f}", "", ""),
    ]
    print(
        f"envelope of {wire_len} bytes; batches of {size} (cold: {max(50, size // 20)}), "
        f"median of {REPEATS}; cache hits {stats.hits}, misses {stats.misses}"
    )
    print(format_table(("per message", "µs", "goal (µs)", "status"), rows))


if __name__ == "__main__":
    main()
