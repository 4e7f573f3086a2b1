"""The indexer: query latency over 100,000 transactions, and cold start with it (issue 13).

Build: a ledger on disk gets `COUNT` transactions written in-process through `Ledger.submit`
(groups of 16, one block each; no HTTP): payments among `SENDERS` accounts and calls to
`APPS` apps, every one with a note `n<k>:<i>` (k in 0..99). The indexer's rows are written
in the same SQLite transactions as the blocks.

Queries: the sandbox is then opened on that data dir and served; each query is a GET over one
kept-alive HTTP connection, `REPEATS` times (different addresses/apps/prefixes in turn), and
the table gives the median and p95 per page next to two references measured in the same run:
algod's `GET /v2/status` (the cost of a request that does no work) and a bare SQLite
primary-key lookup (no HTTP). Goal: a page under 10 ms.

Cold start: `gridworks sandbox start --ephemeral` in a new process until the indexer's
/health and algod's /v2/status both answer, against the same command with the indexer's
listener left out (the same code otherwise). Goal: under 1 s.

Usage: `.venv/bin/python bench/indexer.py [count]`.
"""

from __future__ import annotations

import base64
import http.client
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _ledger_fill import PREFIXES, fill

from gridworks.sandbox.embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig
from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.server import free_port
from gridworks.table import format_table

COUNT = 100_000
PAGE = 100
REPEATS = 40
COLD_RUNS = 5
GOAL_MS = 10.0
GOAL_COLD_S = 1.0
GRIDWORKS = str(Path(sys.executable).with_name("gridworks"))


def build(path: Path, count: int) -> tuple[list[bytes], list[int]]:
    """Writes the ledger (bench/_ledger_fill.py); returns the sender addresses and the app ids."""
    filled = fill(path, count)
    return filled.senders, filled.apps


class Client:
    """GETs over one kept-alive connection; returns (milliseconds, decoded JSON length)."""

    def __init__(self, address: str, header: str) -> None:
        parsed = urllib.parse.urlparse(address)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        self.headers = {header: DEFAULT_TOKEN}

    def get(self, path: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        return elapsed, body


def _b64(data: bytes) -> str:
    return urllib.parse.quote(base64.b64encode(data).decode())


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def queries(data_dir: Path, senders: list[bytes], apps: list[int]) -> list[tuple[object, ...]]:
    config = SandboxConfig(
        data_dir=data_dir,
        algod_port=free_port(),
        kmd_port=free_port(),
        indexer_port=free_port(),
    )
    rows: list[tuple[object, ...]] = []
    with EmbeddedSandbox(config) as box:
        indexer = Client(box.indexer_address, "X-Indexer-API-Token")
        algod = Client(box.algod_address, "X-Algo-API-Token")
        total = box.ledger.store.db.execute("SELECT COUNT(*) FROM ix_txns").fetchone()[0]
        status = [algod.get("/v2/status")[0] for _ in range(REPEATS)]
        status_ms = statistics.median(status)
        db = sqlite3.connect(data_dir / "ledger.sqlite")
        lookups = []
        for i in range(REPEATS):
            started = time.perf_counter()
            db.execute("SELECT data FROM accounts WHERE addr = ?", (senders[i],)).fetchone()
            lookups.append((time.perf_counter() - started) * 1000)
        db.close()
        pk_ms = statistics.median(lookups)

        def measure(name: str, paths: list[str]) -> None:
            times, sizes = [], []
            for path in paths:
                elapsed, body = indexer.get(path)
                times.append(elapsed)
                sizes.append(body.count(b'"confirmed-round"'))
            median, p95 = _stats(times)
            rows.append(
                (name, f"{statistics.median(sizes):.0f}", f"{median:.2f}", f"{p95:.2f}",
                 f"{median / status_ms:.1f}x", f"{median / pk_ms:.0f}x",
                 "yes" if median < GOAL_MS else "NO")
            )  # fmt: skip

        def addr(i: int) -> str:
            return encode_address(senders[i % len(senders)])

        measure(
            f"address (limit {PAGE})",
            [f"/v2/transactions?address={addr(i)}&limit={PAGE}" for i in range(REPEATS)],
        )
        measure(
            f"accounts/{{addr}}/transactions (limit {PAGE})",
            [f"/v2/accounts/{addr(i)}/transactions?limit={PAGE}" for i in range(REPEATS)],
        )
        measure(
            f"address + role sender (limit {PAGE})",
            [
                f"/v2/transactions?address={addr(i)}&address-role=sender&limit={PAGE}"
                for i in range(REPEATS)
            ],
        )
        measure(
            f"application-id (limit {PAGE})",
            [
                f"/v2/transactions?application-id={apps[i % len(apps)]}&limit={PAGE}"
                for i in range(REPEATS)
            ],
        )
        measure(
            f"note-prefix, 1% match (limit {PAGE})",
            [
                f"/v2/transactions?note-prefix={_b64(f'n{i % PREFIXES:02d}:'.encode())}"
                f"&limit={PAGE}"
                for i in range(REPEATS)
            ],
        )
        measure(
            f"note-prefix, 10% match (limit {PAGE})",
            [
                f"/v2/transactions?note-prefix={_b64(f'n{i % 10}'.encode())}&limit={PAGE}"
                for i in range(REPEATS)
            ],
        )

        def note(k: int) -> str:  # the note of the k-th transaction (a pay when k % 10 >= 3)
            return _b64(f"n{k % PREFIXES:02d}:{k}".encode())

        measure(
            "note-prefix, ~1 match",
            [f"/v2/transactions?note-prefix={note(i * 997)}" for i in range(REPEATS)],
        )
        measure(
            "note-prefix + tx-type, ~1 match",
            [
                f"/v2/transactions?tx-type=pay&note-prefix={note(100 * i + 55)}"
                for i in range(REPEATS)
            ],
        )
        measure(
            f"note-prefix, 100% match (limit {PAGE})",
            [f"/v2/transactions?note-prefix={_b64(b'n')}&limit={PAGE}"] * REPEATS,
        )
        measure(
            f"address + note-prefix (limit {PAGE})",
            [
                f"/v2/transactions?address={addr(i)}&note-prefix={_b64(b'n1')}&limit={PAGE}"
                for i in range(REPEATS)
            ],
        )
        deep = _page_token(indexer, f"/v2/transactions?address={addr(0)}&limit={PAGE}", 5)
        measure(
            f"address, 6th page via next (limit {PAGE})",
            [f"/v2/transactions?address={addr(0)}&limit={PAGE}&next={deep}"] * REPEATS,
        )
        measure(
            "address (limit 1000, indexer's default)",
            [f"/v2/transactions?address={addr(i)}&limit=1000" for i in range(REPEATS // 4)],
        )
        measure("sig-type lsig (none of them)", ["/v2/transactions?sig-type=lsig"] * REPEATS)
        measure("txid lookup", [f"/v2/transactions?txid={_a_txid(indexer)}"] * REPEATS)
    print(
        f"{total} indexed transactions; references: algod /v2/status {status_ms:.2f} ms, "
        f"SQLite primary-key lookup {pk_ms * 1000:.1f} µs"
    )
    return rows


def _page_token(client: Client, path: str, pages: int) -> str:
    import json

    token = ""
    for _ in range(pages):
        suffix = f"&next={token}" if token else ""
        body = json.loads(client.get(path + suffix)[1])
        token = body["next-token"]
    return token


def _a_txid(client: Client) -> str:
    import json

    body = json.loads(client.get("/v2/transactions?limit=1&min-round=500")[1])
    return str(body["transactions"][0]["id"])


def answers(port: int, path: str, header: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        conn.request("GET", path, headers={header: DEFAULT_TOKEN})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


WITHOUT_INDEXER = """
import sys
import gridworks.sandbox.embedded as embedded
real_group = embedded.ServerGroup
embedded.create_indexer_app = lambda ledger, token: None
embedded.ServerGroup = lambda listeners, **kw: real_group(
    [listener for listener in listeners if listener.app is not None], **kw
)
from gridworks.cli import main
sys.argv = ["gridworks", *sys.argv[1:]]
main()
"""


def cold_start(with_indexer: bool) -> float:
    algod_port, indexer_port = free_port(), free_port()
    args = [
        "sandbox", "start", "--ephemeral", "--algod-port", str(algod_port),
        "--kmd-port", str(free_port()), "--indexer-port", str(indexer_port),
    ]  # fmt: skip
    command = [GRIDWORKS, *args] if with_indexer else [sys.executable, "-c", WITHOUT_INDEXER, *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not (
            answers(algod_port, "/v2/status", "X-Algo-API-Token")
            and (not with_indexer or answers(indexer_port, "/health", "X-Indexer-API-Token"))
        ):
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
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        senders, apps = build(data_dir / "ledger.sqlite", count)
        built = time.perf_counter() - started
        size = (data_dir / "ledger.sqlite").stat().st_size / 1e6
        print(f"built {count} transactions in {built:.1f} s (ledger file {size:.0f} MB)")
        rows = queries(data_dir, senders, apps)
    print(
        format_table(
            ("query over 100k txns", "rows", "median ms", "p95 ms", "/ status", "/ pk lookup",
             f"< {GOAL_MS:.0f} ms"),
            rows,
        )
    )  # fmt: skip
    cold = []
    for name, flag in (("without the indexer", False), ("with the indexer", True)):
        times = [cold_start(flag) for _ in range(COLD_RUNS)]
        cold.append(
            (name, COLD_RUNS, f"{min(times):.3f}", f"{statistics.median(times):.3f}",
             f"{max(times):.3f}", f"< {GOAL_COLD_S}")
        )  # fmt: skip
    print(
        format_table(
            ("sandbox start --ephemeral", "runs", "min (s)", "median (s)", "max (s)", "goal (s)"),
            cold,
        )
    )


if __name__ == "__main__":
    main()
