"""Cold start: `gridworks sandbox start` until /v2/status answers. Goal: under 1 s.

Each run is a new process (imports included), polling algod's status endpoint every 5 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from gridworks.sandbox.embedded import DEFAULT_TOKEN
from gridworks.sandbox.server import free_port
from gridworks.table import format_table

RUNS = 5
GOAL_S = 1.0
GRIDWORKS = str(Path(sys.executable).with_name("gridworks"))


def status_ok(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v2/status", headers={"X-Algo-API-Token": DEFAULT_TOKEN}
    )
    try:
        with urllib.request.urlopen(request, timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def cold_start(extra: list[str]) -> float:
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            GRIDWORKS,
            "sandbox",
            "start",
            "--algod-port",
            str(port),
            "--kmd-port",
            str(free_port()),
            "--indexer-port",
            str(free_port()),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not status_ok(port):
            if proc.poll() is not None:
                raise RuntimeError(f"sandbox exited with {proc.returncode}")
            if time.perf_counter() - started > 30:
                raise RuntimeError("sandbox did not answer within 30 s")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        cases = [
            ("--ephemeral (in memory)", ["--ephemeral"], False),
            ("new data dir (genesis + kmd wallet)", ["--data-dir"], True),
            ("existing data dir (reopen)", ["--data-dir", str(data_dir)], False),
        ]
        cold_start(["--data-dir", str(data_dir)])  # create the data dir reopened below
        for name, args, fresh in cases:
            times = []
            for i in range(runs):
                extra = [*args, os.path.join(tmp, f"fresh{i}")] if fresh else args
                times.append(cold_start(extra))
            rows.append(
                (name, runs, f"{min(times):.3f}", f"{statistics.median(times):.3f}",
                 f"{max(times):.3f}", f"< {GOAL_S}")
            )  # fmt: skip
    print(
        format_table(
            ("sandbox start", "runs", "min (s)", "median (s)", "max (s)", "goal (s)"), rows
        )
    )


if __name__ == "__main__":
    main()
