"""The stories (demo, simulation) need a broker; from a checkout they start the dev broker."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from gridworks.actors.broker import BrokerConfig, BrokerError, connect

BROKER_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "broker"
"""The checkout's dev broker script (gridworks/cli/stories/ is three levels below the checkout);
an installed package has none, and a story then only reports that no broker answers."""


def ensure_broker(config: BrokerConfig, say: Callable[[str], None]) -> None:
    """The broker must answer; from a checkout, start it with scripts/broker if it does not."""
    try:
        connect(config).close()
        return
    except BrokerError:
        if not BROKER_SCRIPT.exists():
            raise
    say("the broker does not answer: starting it with scripts/broker start")
    if subprocess.run([str(BROKER_SCRIPT), "start"], check=False).returncode != 0:
        raise BrokerError(f"scripts/broker start failed; no broker at {config.where}")
    connect(config).close()
