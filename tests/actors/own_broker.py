"""A native RabbitMQ node of a test's own: a spare port (never 5672, the shared dev broker),
state under a temporary directory, started and stopped with ``scripts/broker`` as a user
would (the helpers of tests/actors/test_broker_script.py)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridworks.actors import dev_broker
from tests.actors.test_broker_script import (
    SCRIPT,
    clean_env,
    end_node,
    native_rabbitmq,
    spare_port,
)


@dataclass
class OwnBroker:
    port: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return dev_broker.url(self.port)

    @property
    def node(self) -> str:
        return f"gridworks_{self.port}@localhost"

    def run(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, command], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self) -> float:
        """Start (or restart) it; the seconds it took."""
        began = time.monotonic()
        done = self.run("start")
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began

    def stop(self) -> float:
        began = time.monotonic()
        done = self.run("stop", timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began


@contextmanager
def own_broker(root: Path) -> Iterator[OwnBroker]:
    """A started broker of the caller's own; its node ended afterwards whatever happened."""
    if not native_rabbitmq():
        pytest.skip("no native rabbitmq-server (scripts/broker start installs it)")
    port = spare_port()
    assert port != dev_broker.DEFAULT_PORT
    env = clean_env(
        GRIDWORKS_BROKER_PORT=str(port),
        GRIDWORKS_BROKER_BACKEND="native",
        GRIDWORKS_BROKER_TIMEOUT="240",
        XDG_STATE_HOME=str(root / "state"),
    )
    broker = OwnBroker(port, env)
    try:
        broker.start()
        yield broker
    finally:
        end_node(broker.node)  # SIGTERM (a clean stop), faster than rabbitmqctl's own VM
