"""`gridworks sandbox start` as a real subprocess: the harness shared by tests/cli (the command
itself) and tests/sandbox (what persists across a restart or a kill -9).

It lives at the tests root, which the root conftest puts on `sys.path`, so a test in any
directory imports it as `from sandbox_process import ...`.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from algosdk.kmd import KMDClient
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox.server import free_port

TOKEN = "a" * 64
GRIDWORKS = Path(sys.executable).with_name("gridworks")
READY = re.compile(
    r"^sandbox ready: algod (?P<algod>http://\S+) kmd (?P<kmd>http://\S+) "
    r"indexer (?P<indexer>http://\S+) "
    r"network (?P<network>\S+) round (?P<round>\d+) \((?P<where>[^)]*)\)$"
)
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
ALGO = 1_000_000

needs_gridworks_script = pytest.mark.skipif(not GRIDWORKS.exists(), reason=f"no {GRIDWORKS}")
"""Use as a test module's `pytestmark`: the harness runs the installed console script."""


@dataclass
class SandboxProcess:
    """One `gridworks sandbox start`, its output collected by reader threads."""

    proc: subprocess.Popen[str]
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    readers: list[threading.Thread] = field(default_factory=list)
    ready_line: str = ""

    def __post_init__(self) -> None:
        def pump(stream: object, sink: list[str], notify: bool) -> None:
            assert stream is not None
            for line in stream:  # type: ignore[attr-defined]
                sink.append(line.rstrip("\n"))
                if notify:
                    self.lines.put(line.rstrip("\n"))
            if notify:
                self.lines.put(None)

        for stream, sink, notify in (
            (self.proc.stdout, self.stdout, True),
            (self.proc.stderr, self.stderr, False),
        ):
            thread = threading.Thread(target=pump, args=(stream, sink, notify), daemon=True)
            thread.start()
            self.readers.append(thread)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no ready line within {timeout}s; stderr: {self.stderr}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self.finish()
                raise AssertionError(
                    f"exited ({self.proc.returncode}) before ready; stdout {self.stdout}, "
                    f"stderr {self.stderr}"
                )
            match = READY.match(line)
            if match:
                self.ready_line = line
                return match

    def finish(self, timeout: float = STOP_TIMEOUT) -> int:
        code = self.proc.wait(timeout)
        for reader in self.readers:
            reader.join(timeout)
        return code

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.finish()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(STOP_TIMEOUT)
        finally:
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


Start = Callable[..., SandboxProcess]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Starts `gridworks sandbox start` on fresh ports (cwd in tmp_path); kills all at teardown."""
    started: list[SandboxProcess] = []
    workdir = tmp_path / "cwd"
    workdir.mkdir()

    def launch(
        *args: str,
        algod_port: int | None = None,
        kmd_port: int | None = None,
        indexer_port: int | None = None,
    ) -> SandboxProcess:
        command = [
            str(GRIDWORKS),
            "sandbox",
            "start",
            "--algod-port",
            str(algod_port or free_port()),
            "--kmd-port",
            str(kmd_port or free_port()),
            "--indexer-port",
            str(indexer_port or free_port()),
            *args,
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ALGOD_", "KMD_"))}
        env.pop("PYTHONUNBUFFERED", None)  # the ready line must come through a pipe unaided
        proc = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        handle = SandboxProcess(proc)
        started.append(handle)
        return handle

    try:
        yield launch
    finally:
        for handle in started:
            handle.kill()


def clients(ready: re.Match[str]) -> tuple[AlgodClient, KMDClient]:
    """algod and kmd clients for the sandbox whose ready line is `ready`."""
    return AlgodClient(TOKEN, ready["algod"]), KMDClient(TOKEN, ready["kmd"])
