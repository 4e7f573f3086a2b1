"""A native RabbitMQ node of the tests' own: a spare port (never 5672, the shared dev broker),
state under a temporary directory, started and stopped with ``scripts/broker`` as a user
would (the helpers of tests/actors/test_broker_script.py).

Starting a node takes 10-30 s, so the tests that need one share ONE for the whole pytest run
(`shared_broker`): started at its first use, started again for a test that finds it stopped
(a restart test that failed half-way), and ended when pytest ends. Each test keeps to its own
exchanges, queues, users and vhosts on it; the restart tests stop and start it, and leave it
started.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridworks.actors import amqp_probe, broker_admin, dev_broker
from tests.actors.test_broker_script import (
    SCRIPT,
    clean_env,
    end_node,
    native_rabbitmq,
)


@dataclass
class OwnBroker:
    port: int
    env: dict[str, str]
    root: Path
    """The temporary directory the node's state lives under (its XDG_STATE_HOME is root/state)."""
    start_output: str = ""
    """What the first ``scripts/broker start`` printed (stdout and stderr)."""

    @property
    def url(self) -> str:
        return dev_broker.url(self.port)

    @property
    def node(self) -> str:
        return f"gridworks_{self.port}@localhost"

    @property
    def state(self) -> Path:
        """The node's state directory (scripts/broker's rule: per port under XDG_STATE_HOME)."""
        return self.root / "state" / "gridworks" / "broker" / str(self.port)

    @property
    def admin(self) -> broker_admin.BrokerAdmin:
        return broker_admin.admin_for(self.url, environ=self.env)

    @property
    def running(self) -> bool:
        """It accepts the dev login now."""
        return amqp_probe.probe_url(self.url, timeout=2).ok

    def run(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, command], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self) -> float:
        """Start (or restart) it; the seconds it took."""
        began = time.monotonic()
        done = self.run("start")
        if not self.start_output:
            self.start_output = done.stdout + done.stderr
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began

    def stop(self) -> float:
        began = time.monotonic()
        done = self.run("stop", timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return time.monotonic() - began

    def end(self) -> None:
        """End whatever is left of the node at once (its state is thrown away with `root`)."""
        end_node(self.node, gently=False)


def new_broker(root: Path) -> OwnBroker:
    """A broker of its own on a spare port, state under `root` (not started yet)."""
    if not native_rabbitmq():
        pytest.skip("no native rabbitmq-server (scripts/broker start installs it)")
    port = dev_broker.spare_port()
    assert port != dev_broker.DEFAULT_PORT
    env = clean_env(
        GRIDWORKS_BROKER_PORT=str(port),
        GRIDWORKS_BROKER_BACKEND="native",
        GRIDWORKS_BROKER_TIMEOUT="240",
        XDG_STATE_HOME=str(root / "state"),
    )
    return OwnBroker(port, env, root)


@contextmanager
def own_broker(root: Path) -> Iterator[OwnBroker]:
    """A started broker of the caller's own; its node ended afterwards whatever happened."""
    broker = new_broker(root)
    try:
        broker.start()
        yield broker
    finally:
        broker.end()


_shared: OwnBroker | None = None


def shared_broker(request: pytest.FixtureRequest) -> OwnBroker:
    """The pytest run's own broker, running (see the module docstring)."""
    global _shared
    if _shared is None:
        root = request.getfixturevalue("tmp_path_factory").mktemp("own_broker")
        broker = new_broker(root)
        request.config.add_cleanup(broker.end)  # before the start: ended even if it fails
        _shared = broker
        broker.start()
    elif not _shared.running:
        _shared.start()
    return _shared
