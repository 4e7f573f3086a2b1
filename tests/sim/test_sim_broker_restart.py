"""`gridworks sim millinocket` survives a broker restart in the middle of its market run: the run
finishes by itself, and its outcome is the one the same seed and arguments give with no restart,
and the one the reference run (no broker at all) gives.

The broker is a native node of this test's own (tests/actors/own_broker.py: a spare port, state
under a temporary directory), stopped and started with ``scripts/broker`` once some slots have
cleared and while the run is still going.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gridworks.actors import link
from gridworks.sandbox import Network
from gridworks.sim import millinocket
from gridworks.sim.millinocket import SimConfig, SimOutput, run
from tests.actors.own_broker import OwnBroker, own_broker

pytestmark = pytest.mark.broker

HOURS_BEFORE_STOP = 2
"""Slots cleared before the broker is stopped."""
RUN_TIMEOUT_S = 300.0


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnBroker]:
    with own_broker(tmp_path) as started:
        # the run finds the broker's administrator from its port in the state root
        monkeypatch.setenv("XDG_STATE_HOME", started.env["XDG_STATE_HOME"])
        monkeypatch.delenv("GRIDWORKS_BROKER_DIR", raising=False)
        yield started


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
        days=14,  # 336 slots, ~25 a second: scripts/broker stop (~10 s) lands mid-run
        start="2020-01-17",
        seed=7,
        broker_url=broker.url,
        verify=True,
        progress=False,
        adversaries=False,
    )
    hours = config.hours
    clearings = Clearings(monkeypatch)

    began = time.monotonic()
    calm = run(network, config, say=lambda _: None)
    calm_s = time.monotonic() - began
    assert calm.reference_matches is True
    assert clearings.count == hours

    clearings.count = 0
    with LinkEvents(clearings).watching() as events:
        began = time.monotonic()
        restarted = Background(network, config)
        clearings.wait_for(HOURS_BEFORE_STOP, timeout=120)
        stop_s = broker.stop()
        at_stop = clearings.count
        assert restarted.thread.is_alive() and at_stop < hours, (
            f"the run ended before the broker stopped: {at_stop}/{hours} slots cleared, "
            f"error {restarted.error!r}, no restart took {calm_s:.1f} s"
        )
        start_s = broker.start()
        output = restarted.result(RUN_TIMEOUT_S)
    restarted_s = time.monotonic() - began
    print(
        f"\nno restart: {calm_s:.1f} s; with the restart: {restarted_s:.1f} s "
        f"(scripts/broker stop {stop_s:.1f} s, start {start_s:.1f} s; the link lost the broker "
        f"after {events.lost} and had it back after {events.back} of {hours} slots)"
    )
    # the broker went while the market was running, and came back to it
    assert events.lost and 0 < events.lost[0] < hours
    assert events.back and events.back[-1] < hours
    assert clearings.count == hours
    assert output.reference_matches is True
    assert output.market.model_dump() == calm.market.model_dump()
    assert output.baseline.model_dump() == calm.baseline.model_dump()
