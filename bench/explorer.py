"""The explorer: time to first render of the block list, a transaction page and the GNode tree,
with 100,000 transactions and 1,000 GNodes (issue 14). Goal: under 300 ms each.

Build (timed, reported): a ledger on disk gets `--transactions` transactions written in-process
through `Ledger.submit` (bench/_ledger_fill.py, as bench/indexer.py builds its own: payments and
app calls in groups of 16, one block each). Then the sandbox is opened on that data dir and a
GNodeFactory is deployed through its API, as any client would (`Factory`, over HTTP): a
validator is certified and `--gnodes` TerminalAssets registered under 10 parent aliases
(`d1.isone.ver.town<k>.home<i>.ta`), each as `provision_device` does it (the validator's
approval with the deposit + `create_terminal_asset`, TaDeed and TaTradingRights delivered to
their owner and trader, the owner's `issue_scada_cert`, the ScadaCert delivered: 10 top-level
transactions), the 3 accounts of each funded beforehand in groups of 16. `--data-dir DIR`
keeps the data set there and reuses it when the sizes match.

Measured: `gridworks sandbox start --data-dir ...` serves the data set (a process of its own, as
a user runs it; the explorer at /explorer/ on the algod port), and for each page:
(a) server: a GET of the whole HTML over one kept-alive connection, `--repeats` times (the
transaction page over different transactions in turn, payments and app calls), median and p95,
and the CPU the sandbox's process spent per GET (/proc; explorer, algod and indexer together:
less sensitive to the machine's load than the wall times);
(b) browser: Debian's Chromium through Playwright, `--browser-repeats` fresh navigations (a new
browser context each: no cache, as a first visit), each read after the load event:
`performance.getEntriesByType('navigation')[0].responseEnd` and the `first-contentful-paint`
entry, both from the navigation's start. Each page is fetched once untimed first (templates
compiled, connections opened). References in the same run: algod's `GET /v2/status` (a request
that does no work) for (a), the explorer's static `explorer.css` for (b); the table gives the
ratios. Goal: first contentful paint < 300 ms. An extra row gives the transaction page of a
GNodeFactory `create_terminal_asset` call (ARC-4 decoded, with inner transactions).

A page that answers 404 "no such page" is not there yet; its row says so.

Usage: `.venv/bin/python bench/explorer.py [--transactions N] [--gnodes N] [--repeats N]
[--browser-repeats N] [--data-dir DIR]`.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _ledger_fill import fill
from algosdk import transaction
from algosdk.abi import Method
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from gridworks.sandbox.embedded import DEFAULT_TOKEN, EmbeddedSandbox, SandboxConfig
from gridworks.sandbox.server import free_port
from gridworks.table import format_table

TRANSACTIONS = 100_000
GNODES = 1_000
PARENTS = 10
REPEATS = 30
BROWSER_REPEATS = 10
GOAL_MS = 300.0
VALIDATOR_ALIAS = "d1.isone.ver.validator"
META = "bench-explorer.json"
GRIDWORKS = str(Path(sys.executable).with_name("gridworks"))
# Chromium as this machine's closed network wants it (the same as tests/browser.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ("block list", "transaction", "GNode tree")
FACTORY_CALL = "transaction: a factory call"
"""An extra row: the page of a `create_terminal_asset` call (ARC-4 decoded, inner transactions)."""
CREATE_TA = "create_terminal_asset(string,address,address)void"


def ta_alias(i: int) -> str:
    return f"d1.isone.ver.town{i % PARENTS}.home{i // PARENTS}.ta"


# ---- the data set ------------------------------------------------------------------------------


@dataclass
class DataSet:
    """A data dir holding the ledger, and what the pages are asked for."""

    transactions: int
    gnodes: int
    factory_app: int
    txids: list[str]
    fill_s: float
    gnodes_s: float
    rounds: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, data_dir: Path) -> None:
        (data_dir / META).write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, data_dir: Path) -> DataSet | None:
        try:
            return cls(**json.loads((data_dir / META).read_text()))
        except (OSError, ValueError, TypeError):
            return None


def _fund(algod: AlgodClient, funder: Any, addresses: Sequence[str], micro_algos: int) -> None:
    """Pays `micro_algos` to each address, 16 payments a group; waits for the last group."""
    params = algod.suggested_params()
    last = None
    for start in range(0, len(addresses), 16):
        payments = [
            transaction.PaymentTxn(funder.address, params, address, micro_algos)
            for address in addresses[start : start + 16]
        ]
        if len(payments) > 1:
            transaction.assign_group_id(payments)
        signed = funder.signer.sign_transactions(payments, list(range(len(payments))))
        last = algod.send_transactions(signed)
    if last is not None:
        transaction.wait_for_confirmation(algod, last, 10)


def register_gnodes(algod: AlgodClient, dev_seed: bytes, count: int) -> int:
    """A GNodeFactory with a validator and `count` TerminalAssets, each with its TaDeed,
    TaTradingRights and ScadaCert delivered (as `provision_device` does); returns its app id."""
    from beaker.client import ApplicationClient

    from gridworks.contracts import gnode_factory
    from gridworks.contracts.build import checked_in_spec
    from gridworks.contracts.factory import APP_ACCOUNT_MIN_BALANCE, Factory
    from gridworks.contracts.provision import TERMINAL_ASSET_COST
    from gridworks.identity.keys import ActorKey

    dev = ActorKey(dev_seed)
    admin, validator = ActorKey.generate(), ActorKey.generate()
    _fund(algod, dev, [admin.address], 10_000_000)
    _fund(algod, dev, [validator.address], 10_000_000 + count * TERMINAL_ASSET_COST)
    parties = [tuple(ActorKey.generate() for _ in range(3)) for _ in range(count)]
    _fund(algod, dev, [key.address for trio in parties for key in trio], 1_000_000)
    # created from the checked-in ARC-32 spec (the programs `Factory.deploy` creates, without
    # building the contract with PyTeal first: seconds saved), its account funded as deploy does
    spec = checked_in_spec(gnode_factory.app)
    client = ApplicationClient(algod, spec, signer=admin.signer, sender=admin.address)
    client.create(admin=admin.address)
    client.fund(APP_ACCOUNT_MIN_BALANCE)
    factory = Factory(algod, client.app_id)
    factory.certify_validator(admin, validator, VALIDATOR_ALIAS)
    for i, (owner, trader, scada) in enumerate(parties):
        factory.create_terminal_asset(validator, ta_alias(i), owner, trader)
        factory.issue_scada_cert(owner, ta_alias(i), scada)
    if count:
        last = factory.gnode(ta_alias(count - 1))
        assert last.alias == ta_alias(count - 1), last
    return factory.app_id


def build(data_dir: Path, transactions: int, gnodes: int, log: Callable[[str], None]) -> DataSet:
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    filled = fill(data_dir / "ledger.sqlite", transactions)
    fill_s = time.perf_counter() - started
    log(f"build: {transactions:,} transactions written in {fill_s:.1f} s")
    config = SandboxConfig(
        data_dir=data_dir,
        algod_port=free_port(),
        kmd_port=free_port(),
        indexer_port=free_port(),
        explorer=False,
    )
    started = time.perf_counter()
    with EmbeddedSandbox(config) as box:
        app_id = register_gnodes(AlgodClient(DEFAULT_TOKEN, box.algod_address), filled.dev_seed, gnodes)  # fmt: skip
        rounds = box.ledger.round
        calls = IndexerClient(DEFAULT_TOKEN, box.indexer_address).search_transactions(
            application_id=app_id, limit=100
        )
        selector = base64.b64encode(Method.from_signature(CREATE_TA).get_selector()).decode()
        creates = [
            t["id"]
            for t in calls["transactions"]  # type: ignore[index]
            if t["application-transaction"].get("application-args", [""])[:1] == [selector]
        ]
    gnodes_s = time.perf_counter() - started
    log(f"build: GNodeFactory app {app_id} with {gnodes:,} TerminalAssets in {gnodes_s:.1f} s")
    data = DataSet(transactions, gnodes, app_id, filled.sample_txids, fill_s, gnodes_s, rounds)
    data.extra["factory_txids"] = creates[-10:]
    data.save(data_dir)
    return data


# ---- serving and measuring ---------------------------------------------------------------------


@dataclass
class Served:
    algod_address: str
    explorer: str  # http://host:port/explorer
    process: subprocess.Popen[bytes]


def _answers(address: str, path: str) -> bool:
    parsed = urllib.parse.urlparse(address)
    conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=0.5)
    try:
        conn.request("GET", path, headers={"X-Algo-API-Token": DEFAULT_TOKEN})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextmanager
def serve(data_dir: Path) -> Iterator[Served]:
    """`gridworks sandbox start` on the data dir, in a process of its own, until it answers."""
    algod_port = free_port()
    command = [
        GRIDWORKS, "sandbox", "start", "--data-dir", str(data_dir), "--algod-port", str(algod_port),
        "--kmd-port", str(free_port()), "--indexer-port", str(free_port()),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    address = f"http://127.0.0.1:{algod_port}"
    try:
        started = time.perf_counter()
        while not _answers(address, "/v2/status"):
            if proc.poll() is not None:
                assert proc.stderr is not None
                raise RuntimeError(f"sandbox exited with {proc.returncode}: {proc.stderr.read()!r}")
            if time.perf_counter() - started > 60:
                raise RuntimeError("sandbox did not answer within 60 s")
            time.sleep(0.02)
        yield Served(address, f"{address}/explorer", proc)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Client:
    """GETs over one kept-alive connection."""

    def __init__(self, address: str) -> None:
        parsed = urllib.parse.urlparse(address)
        self.conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=60)

    def get(self, path: str, token: bool = False) -> tuple[float, int, bytes]:
        """(milliseconds, status, body)."""
        headers = {"X-Algo-API-Token": DEFAULT_TOKEN} if token else {}
        started = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, body

    def close(self) -> None:
        self.conn.close()


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) the process has used so far, or None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_gets(
    client: Client, paths: Sequence[str], repeats: int, pid: int, token: bool = False
) -> tuple[list[float], float | None]:
    """`repeats` GETs (the paths in turn), each expected to answer 200: their milliseconds, and
    the serving process's CPU milliseconds per GET (None off Linux)."""
    times = []
    before = process_cpu_s(pid)
    for i in range(repeats):
        path = paths[i % len(paths)]
        elapsed, status, body = client.get(path, token)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {body[:300]!r}")
        times.append(elapsed)
    after = process_cpu_s(pid)
    cpu = None if before is None or after is None else (after - before) * 1000 / max(repeats, 1)
    return times, cpu


def _stats(times: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


@dataclass
class PageResult:
    name: str
    paths: list[str]
    status: int = 0  # the first answer's HTTP status
    missing: bool = False  # 404 "no such page": the route is not there yet
    size: int = 0
    server_ms: list[float] = field(default_factory=list)
    server_cpu_ms: float | None = (
        None  # the sandbox process's CPU per GET (explorer, algod, indexer)
    )
    response_end_ms: list[float] = field(default_factory=list)
    fcp_ms: list[float] = field(default_factory=list)


def page_paths(data: DataSet, repeats: int) -> dict[str, list[str]]:
    txids = data.txids or ["NOTXID"]
    return {
        "block list": ["/explorer/"],
        "transaction": [f"/explorer/txn/{txids[i % len(txids)]}" for i in range(max(repeats, 1))],
        "GNode tree": [f"/explorer/factory/{data.factory_app}"],
        FACTORY_CALL: [f"/explorer/txn/{txid}" for txid in data.extra.get("factory_txids", [])],
    }


TREE_AFTER_A_BLOCK = "GNode tree, first read after a block"


def measure_after_a_block(
    client: Client, result: PageResult, repeats: int, pid: int, algod_address: str
) -> None:
    """The page's first GET after each new (empty) block, when nothing it read before is kept;
    the chain is put back as it was afterwards (a snapshot taken first, reverted to)."""
    from gridworks.sandbox.gridworks_client import GridworksClient

    chain = GridworksClient(algod_address, DEFAULT_TOKEN)
    snapshot = chain.snapshot()
    try:
        times = []
        before = process_cpu_s(pid)
        for _ in range(repeats):
            chain.advance(1)  # untimed (and its CPU counted below, a little)
            elapsed, result.status, body = client.get(result.paths[0])
            if result.status != 200:
                raise RuntimeError(f"{result.paths[0]}: {result.status} {body[:300]!r}")
            times.append(elapsed)
            result.size = len(body)
        after = process_cpu_s(pid)
        result.server_ms = times
        if before is not None and after is not None:
            result.server_cpu_ms = (after - before) * 1000 / max(repeats, 1)
    finally:
        chain.revert(snapshot["id"])


def measure_server(client: Client, result: PageResult, repeats: int, pid: int) -> None:
    _, result.status, body = client.get(result.paths[0])  # untimed: warms the page's path
    result.size = len(body)
    result.missing = result.status == 404 and b"no such page" in body
    if result.status == 200:
        result.server_ms, result.server_cpu_ms = timed_gets(client, result.paths, repeats, pid)


NAVIGATION_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return [nav.responseEnd, fcp ? fcp.startTime : null];
}"""


def navigate(browser: Any, url: str) -> tuple[int, float, float]:
    """One navigation in a fresh context: (status, responseEnd ms, first contentful paint ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        response = page.goto(url, wait_until="load", timeout=60_000)
        status = response.status if response is not None else 0
        page.wait_for_function(
            "performance.getEntriesByName('first-contentful-paint').length > 0", timeout=10_000
        )
        response_end, fcp = page.evaluate(NAVIGATION_JS)
        return status, float(response_end), float(fcp)
    finally:
        context.close()


@contextmanager
def open_browser() -> Iterator[tuple[Any, str]]:
    from playwright.sync_api import sync_playwright

    path = os.environ.get("GRIDWORKS_CHROMIUM") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser, browser.version
        finally:
            browser.close()


def measure_browser(
    browser: Any, origin: str, result: PageResult, repeats: int, warmup: bool = True
) -> None:
    if result.status != 200:
        return
    if warmup:
        navigate(browser, origin + result.paths[0])  # untimed
    for i in range(repeats):
        path = result.paths[i % len(result.paths)]
        status, response_end, fcp = navigate(browser, origin + path)
        if status != 200:
            raise RuntimeError(f"{path}: {status} in the browser")
        result.response_end_ms.append(response_end)
        result.fcp_ms.append(fcp)


# ---- the run -----------------------------------------------------------------------------------


@dataclass
class Report:
    data: DataSet
    pages: list[PageResult]
    status_ms: list[float]
    status_cpu_ms: float | None
    css_server_ms: list[float]
    css_cpu_ms: float | None
    css_response_end_ms: list[float]
    css_fcp_ms: list[float]
    chromium: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    explorer: str

    def rows(self) -> list[tuple[object, ...]]:
        status = statistics.median(self.status_ms)
        css_fcp = statistics.median(self.css_fcp_ms)

        def ms(values: Sequence[float]) -> str:
            median, p95 = _stats(values)
            return f"{median:.1f} / {p95:.1f}"

        def cpu(value: float | None) -> str:
            return "" if value is None else f"{value:.1f}"

        rows: list[tuple[object, ...]] = []
        for page in self.pages:
            if page.status != 200:
                why = "not there yet (404 no such page)" if page.missing else f"HTTP {page.status}"
                rows.append((page.name, page.paths[0], why, "", "", "", "", "", "", ""))
                continue
            if not page.fcp_ms:  # measured on the server only
                rows.append(
                    (page.name, page.paths[0], f"{page.size / 1024:.1f} kB", ms(page.server_ms),
                     f"{statistics.median(page.server_ms) / status:.1f}x",
                     cpu(page.server_cpu_ms), "", "", "", "")
                )  # fmt: skip
                continue
            fcp = statistics.median(page.fcp_ms)
            rows.append(
                (page.name, page.paths[0], f"{page.size / 1024:.1f} kB", ms(page.server_ms),
                 f"{statistics.median(page.server_ms) / status:.1f}x", cpu(page.server_cpu_ms),
                 f"{statistics.median(page.response_end_ms):.1f}", ms(page.fcp_ms),
                 f"{fcp / css_fcp:.1f}x", "met" if fcp < GOAL_MS else "NOT MET")
            )  # fmt: skip
        rows.append(("reference: algod", "/v2/status", "", ms(self.status_ms), "1.0x", cpu(self.status_cpu_ms), "", "", "", ""))  # fmt: skip
        rows.append(
            ("reference: static file", "/explorer/static/explorer.css", "",
             ms(self.css_server_ms), f"{statistics.median(self.css_server_ms) / status:.1f}x",
             cpu(self.css_cpu_ms),
             f"{statistics.median(self.css_response_end_ms):.1f}", ms(self.css_fcp_ms), "1.0x", "")
        )  # fmt: skip
        return rows

    def table(self) -> str:
        header = (
            f"explorer page ({self.data.transactions:,} txns, {self.data.gnodes:,} GNodes)",
            "path", "HTML", "server ms (median / p95)", "/ status", "server CPU ms", "responseEnd ms",
            "first contentful paint ms (median / p95)", "/ css", f"FCP < {GOAL_MS:.0f} ms",
        )  # fmt: skip
        return format_table(header, self.rows())


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), CPython {platform.python_version()}, {platform.platform()}"  # fmt: skip


def run(
    transactions: int = TRANSACTIONS,
    gnodes: int = GNODES,
    repeats: int = REPEATS,
    browser_repeats: int = BROWSER_REPEATS,
    data_dir: Path | None = None,
    log: Callable[[str], None] = print,
    warmup: bool = True,
) -> Report:
    """Builds (or reuses) the data set, serves it and measures; `warmup=False` leaves out the
    untimed first navigation to each page (the smoke test's shortcut)."""
    with tempfile.TemporaryDirectory(prefix="bench-explorer-") as tmp:
        where = data_dir or Path(tmp) / "data"
        data = DataSet.load(where) if data_dir is not None else None
        if data is not None and (data.transactions, data.gnodes) == (transactions, gnodes):
            log(f"build: reusing {where} (built in {data.fill_s:.1f} + {data.gnodes_s:.1f} s)")
        else:
            if where.exists() and any(where.iterdir()):
                raise SystemExit(f"{where} holds something else: give an empty or new --data-dir")
            data = build(where, transactions, gnodes, log)
        with serve(where) as served:
            log(f"serving {served.explorer}/ (gridworks sandbox start, pid {served.process.pid})")
            load_before = os.getloadavg()
            client = Client(served.algod_address)
            paths = page_paths(data, repeats)
            pages = [
                PageResult(name, paths[name]) for name in (*PAGES, FACTORY_CALL) if paths[name]
            ]
            pid = served.process.pid
            client.get("/v2/status", token=True)
            status_ms, status_cpu = timed_gets(client, ["/v2/status"], repeats, pid, token=True)
            css = "/explorer/static/explorer.css"
            client.get(css)
            css_server_ms, css_cpu = timed_gets(client, [css], repeats, pid)
            for page in pages:
                measure_server(client, page, repeats, pid)
            after_a_block = PageResult(TREE_AFTER_A_BLOCK, paths["GNode tree"])
            measure_after_a_block(client, after_a_block, repeats, pid, served.algod_address)
            client.close()
            css_page = PageResult("css", [css], status=200)
            with open_browser() as (browser, chromium):
                origin = served.algod_address
                measure_browser(browser, origin, css_page, browser_repeats, warmup)
                for page in pages:
                    measure_browser(browser, origin, page, browser_repeats, warmup)
            pages.append(after_a_block)  # (server only: a browser's navigation reads it warm)
            load_after = os.getloadavg()
    return Report(
        data, pages, status_ms, status_cpu, css_server_ms, css_cpu, css_page.response_end_ms,
        css_page.fcp_ms,
        chromium, load_before, load_after, served.explorer,
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=TRANSACTIONS)
    parser.add_argument("--gnodes", type=int, default=GNODES)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="server GETs per page")
    parser.add_argument("--browser-repeats", type=int, default=BROWSER_REPEATS)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep/reuse the data set here")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    report = run(args.transactions, args.gnodes, args.repeats, args.browser_repeats, args.data_dir)
    data = report.data
    print(
        f"data set: {data.transactions:,} transactions + {data.gnodes:,} TerminalAssets "
        f"(GNodeFactory app {data.factory_app}, {data.rounds:,} rounds); built in "
        f"{data.fill_s:.1f} s (transactions) + {data.gnodes_s:.1f} s (GNodes)"
    )
    print(
        f"browser: Chromium {report.chromium} (headless, Playwright), a fresh context a "
        f"navigation, {args.browser_repeats} navigations a page; server: {args.repeats} GETs a "
        "page over one kept-alive connection"
    )
    before = " / ".join(f"{x:.2f}" for x in report.load_before)
    after = " / ".join(f"{x:.2f}" for x in report.load_after)
    print(f"load average (1 / 5 / 15 min): {before} before measuring, {after} after")
    print(report.table())


if __name__ == "__main__":
    main()
