"""Stopping the algod API: pending long polls return, and the ledger keeps no listener."""

from __future__ import annotations

import threading
import time

import httpx

from gridworks.sandbox.api.algod import WAIT_FOR_BLOCK_TIMEOUT
from gridworks.sandbox.embedded import EmbeddedSandbox, SandboxConfig
from gridworks.sandbox.server import free_port


def test_stopping_the_server_releases_waits_and_leaves_the_ledger_no_listener() -> None:
    config = SandboxConfig(
        data_dir=None, algod_port=free_port(), kmd_port=free_port(), indexer_port=free_port()
    )
    sandbox = EmbeddedSandbox(config).start()
    ledger = sandbox.ledger
    url = f"{sandbox.algod_address}/v2/status/wait-for-block-after/{ledger.round}"
    answers: list[int] = []

    def wait_for_next_block() -> None:
        headers = {"X-Algo-API-Token": config.algod_token}
        answers.append(httpx.get(url, headers=headers, timeout=30).status_code)

    waiting = threading.Thread(target=wait_for_next_block)
    try:
        waiting.start()
        deadline = time.monotonic() + 10
        while not ledger._listeners and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(ledger._listeners) == 1  # the pending wait subscribed the API
    finally:
        sandbox.stop()
    waiting.join(WAIT_FOR_BLOCK_TIMEOUT / 4)
    assert not waiting.is_alive()  # released by the stop, not by the wait's timeout
    assert answers == [200]
    assert ledger._listeners == []
