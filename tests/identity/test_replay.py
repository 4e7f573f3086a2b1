"""The replay guard: each (signer, message id) once while valid, also across a restart."""

from __future__ import annotations

import threading

from gridworks.identity.replay import PURGE_EVERY_MS, ReplayGuard


def test_first_time_then_refused_until_it_expires() -> None:
    guard = ReplayGuard()
    assert guard.record("A", "m1", expires_ms=1_000, now_ms=0) is None
    assert "already accepted" in (guard.record("A", "m1", expires_ms=1_000, now_ms=500) or "")
    assert guard.record("B", "m1", expires_ms=1_000, now_ms=500) is None  # another signer
    assert len(guard) == 2
    # after its expiry it is forgotten (the verifier refuses expired messages anyway)
    assert guard.record("C", "m2", expires_ms=5_000, now_ms=1_001) is None
    assert len(guard) == 1


def test_full_guard_refuses_rather_than_forgets() -> None:
    guard = ReplayGuard(max_entries=2)
    assert guard.record("A", "1", 10_000, 0) is None
    assert guard.record("A", "2", 10_000, 0) is None
    refusal = guard.record("A", "3", 10_000, 0)
    assert refusal is not None and "no room" in refusal
    assert guard.record("A", "1", 10_000, 0) is not None


def test_concurrent_records_accept_an_id_once() -> None:
    guard = ReplayGuard()
    wins: list[int] = []
    start = threading.Barrier(8)

    def race(n: int) -> None:
        start.wait()
        if guard.record("A", "same", 10_000, 0) is None:
            wins.append(n)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1


def test_a_restarted_receiver_still_refuses_what_it_accepted(tmp_path) -> None:
    path = tmp_path / "replay.sqlite"
    first = ReplayGuard(path=path)
    assert first.record("A", "m1", expires_ms=60_000, now_ms=0) is None
    assert first.record("A", "old", expires_ms=10, now_ms=0) is None
    first.close()

    second = ReplayGuard(path=path)
    assert second.record("A", "m1", expires_ms=60_000, now_ms=1_000) is not None
    assert second.record("A", "m2", expires_ms=60_000, now_ms=1_000) is None
    # expired ids leave the file too
    assert second.record("B", "x", 120_000, now_ms=1_000 + PURGE_EVERY_MS) is None
    second.close()
    third = ReplayGuard(path=path)
    assert ("A", "old") not in third._expiry
    assert {("A", "m1"), ("A", "m2"), ("B", "x")} <= set(third._expiry)
    third.close()
