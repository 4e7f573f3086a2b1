"""A broker restart in the middle of a telemetry stream loses nothing confirmed and hands
nothing twice to a handler, and the stream carries on with no one's help.

The broker is a native node of the tests' own (tests/actors/own_broker.py: a spare port, state
under a temporary directory; shared with the other tests that need one), stopped and started
with ``scripts/broker`` while a certified Scada streams numbered readings to its AtomicTNode
over one `ActorHost`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterator

import pytest

from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.host import HostStats
from gridworks.actors.link import BrokerLink
from gridworks.actors.messages import Telemetry
from gridworks.actors.scada import Scada
from gridworks.identity.envelope import now_ms
from gridworks.sandbox import Network
from tests.actors.fleet import Events, Fleet, make_fleet
from tests.actors.own_broker import OwnBroker, shared_broker

pytestmark = pytest.mark.broker

SENDERS = 8
"""Sends in flight at once, so that some are unconfirmed when the broker goes."""


@pytest.fixture
def broker(request: pytest.FixtureRequest) -> OwnBroker:
    return shared_broker(request)


@pytest.fixture
def fleet(network: Network, broker: OwnBroker) -> Iterator[Fleet]:
    for made in make_fleet(network, "d1.rs"):
        yield dataclasses.replace(made, config=made.config.model_copy(update={"url": broker.url}))


def test_a_broker_restart_mid_stream_loses_and_doubles_nothing(
    fleet: Fleet, broker: OwnBroker
) -> None:
    device = fleet.device()
    atn, scada = AtomicTNode(device.atn, device.atn_key), Scada(device.scada, device.scada_key)
    events = Events()
    confirmed: list[tuple[float, int]] = []
    failed: list[tuple[int, BaseException]] = []
    seen: dict[str, float] = {}

    def handled() -> list[int]:
        return [
            v.message.value  # type: ignore[union-attr]
            for v in events.accepted(atn.alias)
            if isinstance(v.message, Telemetry)
        ]

    async def stream(numbers: Iterator[int], stop: asyncio.Event) -> None:
        for number in numbers:
            if stop.is_set():
                return
            reading = Telemetry(
                terminal_asset=device.terminal_asset,
                channel="power-w",
                value=number,
                read_ms=now_ms(),
            )
            try:  # valid for as long as the verifier takes anything (max_age_ms)
                await scada.send(atn.alias, reading, ttl_ms=120_000)
            except Exception as error:  # noqa: BLE001 - recorded, and the test fails on it
                failed.append((number, error))
                return  # (not on to the next number: a send that fails at once would spin)
            confirmed.append((time.monotonic(), number))

    async def until(condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert not failed, f"a send failed: {failed[0]!r}"
            assert time.monotonic() < deadline, f"timed out after {timeout} s"
            await asyncio.sleep(0.01)

    async def watch(link: BrokerLink) -> None:
        await until(lambda: not link.connected, 60)
        seen["link lost"] = time.monotonic()
        await until(lambda: link.reconnects >= 1, 120)
        seen["link back"] = time.monotonic()

    async def main() -> HostStats:
        async with fleet.host(atn, scada, events=events) as host:
            stop = asyncio.Event()
            numbers = iter(range(1_000_000))
            senders = [asyncio.create_task(stream(numbers, stop)) for _ in range(SENDERS)]
            watcher = asyncio.create_task(watch(host.link))
            await until(lambda: len(confirmed) >= 300, 20)

            seen["stop"] = time.monotonic()
            await asyncio.to_thread(broker.stop)
            seen["stopped"] = time.monotonic()
            at_stop = len(confirmed)
            await asyncio.to_thread(broker.start)
            seen["started"] = time.monotonic()
            await until(lambda: len(confirmed) >= at_stop + 300, 30)  # and on it goes
            await watcher
            stop.set()
            await asyncio.gather(*senders)
            numbers_sent = {number for _, number in confirmed}
            await until(lambda: numbers_sent <= set(handled()), 20)
            await asyncio.sleep(0.5)  # a duplicate would be handled by now
            assert host.link.reconnects >= 1
            report["reconnects"], report["resent"] = host.link.reconnects, host.link.resent
            return host.stats

    report: dict[str, object] = {}
    try:
        stats = asyncio.run(main())
    finally:
        fleet.delete_queues(device.atn, device.scada)
    got = handled()
    times = [at for at, _ in confirmed]
    stall = max(later - earlier for earlier, later in zip(times, times[1:], strict=False))
    print(
        f"\nconfirmed {len(confirmed)}, handled {len(got)}, not confirmed {len(failed)}; "
        f"scripts/broker stop {seen['stopped'] - seen['stop']:.1f} s, "
        f"start {seen['started'] - seen['stopped']:.1f} s; link lost "
        f"{seen['link lost'] - seen['stop']:.1f} s after the stop began, back "
        f"{seen['link back'] - seen['started']:+.1f} s from the start's return; "
        f"longest stall of the stream {stall:.1f} s; reconnects {report['reconnects']}, "
        f"resent {report['resent']}, redelivered duplicates dropped {stats.duplicates}, "
        f"replays refused {stats.refused['REPLAY']}"
    )
    assert failed == []  # every send waited out the outage and was confirmed
    assert len(got) == len(set(got)), "a message reached the handler twice"
    assert {number for _, number in confirmed} <= set(got), "a confirmed message was lost"
    assert atn.readings["power-w"].value in got
