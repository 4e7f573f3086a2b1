"""`gridworks sim millinocket` survives a broker restart in the middle of its market run: the run
finishes by itself, and its outcome is the one the same seed and arguments give with no restart,
and the one the reference run (no broker at all) gives.

The broker is a native node of the tests' own (tests/actors/own_broker.py: a spare port, state
under a temporary directory; shared with the other tests that need one), stopped and started
with ``scripts/broker`` once some slots have cleared and while the run is still going: the
run may not broadcast its last steps before the stop has returned (`HeldEnd`), so the broker
goes mid-run however fast the machine is, and a short run does.

"With no restart" is `engine.reference_run` of the same homes, hours and feeder: a run on a
broker with no restart equals it float for float (tests/sim/test_millinocket.py), so a second,
calm run here would prove nothing more.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from gridworks.actors import link
from gridworks.actors.time_coordination import Action, Broadcast
from gridworks.actors.time_coordinator import TimeCoordinator
from gridworks.sandbox import Network
from gridworks.sim import engine, millinocket
from gridworks.sim.homes import make_homes
from gridworks.sim.millinocket import SimConfig, SimOutput, run
from tests.actors.own_broker import OwnBroker, shared_broker

pytestmark = pytest.mark.broker

HOURS_BEFORE_STOP = 2
"""Slots cleared before the broker is stopped."""
HELD_STEPS = 2
"""The last steps the run may not broadcast before the broker stop has returned."""
RUN_TIMEOUT_S = 300.0


@pytest.fixture
def broker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> OwnBroker:
    started = shared_broker(request)
    # the run finds the broker's administrator from its port in the state root
    monkeypatch.setenv("XDG_STATE_HOME", started.env["XDG_STATE_HOME"])
    monkeypatch.delenv("GRIDWORKS_BROKER_DIR", raising=False)
    return started


class Clearings:
    """How many slots the market has cleared so far (each clearing moves the progress bar)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.changed = threading.Condition()
        step = millinocket.Progress.step

        def counted(progress: millinocket.Progress) -> None:
            step(progress)
            with self.changed:
                self.count = progress.done
                self.changed.notify_all()

        monkeypatch.setattr(millinocket.Progress, "step", counted)

    def wait_for(self, count: int, timeout: float) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.count >= count, timeout), (
                f"{self.count} slots cleared after {timeout:g} s, not {count}"
            )


class HeldEnd:
    """Holds the run's TimeCoordinator before it broadcasts one of the last `HELD_STEPS` steps
    until `release` (after the broker stop): the run cannot end before the broker has gone. It
    waits in a thread, so the run's loop runs on meanwhile (the link sees the broker go)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, steps: int) -> None:
        self.released = threading.Event()
        self.held = 0
        do = TimeCoordinator._do
        held = self

        async def held_do(coordinator: TimeCoordinator, actions: list[Action]) -> None:
            if not held.released.is_set() and any(
                isinstance(action, Broadcast) and action.step >= steps - HELD_STEPS
                for action in actions
            ):
                held.held += 1
                await asyncio.to_thread(held.released.wait, RUN_TIMEOUT_S)
            await do(coordinator, actions)

        monkeypatch.setattr(TimeCoordinator, "_do", held_do)

    def release(self) -> None:
        self.released.set()


class LinkEvents(logging.Handler):
    """The broker link's losses and returns (from its log), each with the slots cleared by then."""

    def __init__(self, clearings: Clearings) -> None:
        super().__init__(logging.INFO)
        self.clearings = clearings
        self.lost: list[int] = []
        self.back: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("lost the broker"):
            self.lost.append(self.clearings.count)
        elif message.startswith("broker link back"):
            self.back.append(self.clearings.count)

    @contextmanager
    def watching(self) -> Iterator[LinkEvents]:
        logger = logging.getLogger(link.__name__)
        level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(self)
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)


class Background:
    """`run` in a thread of its own (it runs its own asyncio loop)."""

    def __init__(self, network: Network, config: SimConfig) -> None:
        self.output: SimOutput | None = None
        self.error: BaseException | None = None
        self.said: list[str] = []
        self.thread = threading.Thread(target=self._main, args=(network, config), daemon=True)
        self.thread.start()

    def _main(self, network: Network, config: SimConfig) -> None:
        try:
            self.output = run(network, config, say=self.said.append)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.error = error

    def result(self, timeout: float) -> SimOutput:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"the run did not finish within {timeout:g} s"
        if self.error is not None:
            raise self.error
        assert self.output is not None
        return self.output


def test_a_broker_restart_mid_run_changes_nothing_in_the_market_outcome(
    network: Network, broker: OwnBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SimConfig(
        homes=3,
        days=2,
        start="2020-01-17",
        seed=7,
        broker_url=broker.url,
        verify=True,
        progress=False,
        adversaries=False,
    )
    hours = config.hours
    clearings = Clearings(monkeypatch)
    held_end = HeldEnd(monkeypatch, hours)

    with LinkEvents(clearings).watching() as events:
        began = time.monotonic()
        restarted = Background(network, config)
        try:
            clearings.wait_for(HOURS_BEFORE_STOP, timeout=120)
            stop_s = broker.stop()
        finally:
            held_end.release()
        at_stop = clearings.count
        assert restarted.thread.is_alive() and at_stop < hours, (
            f"the run ended before the broker stopped: {at_stop}/{hours} slots cleared, "
            f"error {restarted.error!r}"
        )
        start_s = broker.start()
        output = restarted.result(RUN_TIMEOUT_S)
    restarted_s = time.monotonic() - began
    print(
        f"\nwith the restart: {restarted_s:.1f} s (scripts/broker stop {stop_s:.1f} s, start "
        f"{start_s:.1f} s; the link lost the broker after {events.lost} and had it back after "
        f"{events.back} of {hours} slots; the end held {held_end.held} times)"
    )
    # the broker went while the market was running, and came back to it
    assert events.lost and 0 < events.lost[0] < hours
    assert events.back and events.back[-1] < hours
    assert clearings.count == hours
    # the outcome is the one with no restart and no broker at all, float for float
    homes, start_hour = make_homes(config.homes, config.seed), engine.first_hour(config.start)
    calm = engine.reference_run(homes, start_hour, hours, config.feeder_kw, kind=config.kind)
    baseline = engine.reference_run(homes, start_hour, hours, config.feeder_kw, baseline=True)
    assert output.reference_matches is True
    assert output.market.model_dump() == calm.model_dump()
    assert output.baseline.model_dump() == baseline.model_dump()
