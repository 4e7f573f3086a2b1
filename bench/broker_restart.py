"""A broker restart mid-stream: seconds to recover, messages lost (goal 0) and duplicates
delivered to handlers (goal 0).

The broker is a native RabbitMQ node of this bench's own: a spare AMQP port (never 5672, the
shared dev broker; its management port + 10000 and Erlang distribution port + 20000 free too),
its state under a temporary directory (``XDG_STATE_HOME``), started and stopped with
``scripts/broker`` as a user would. The chain is the embedded sandbox.

Each run certifies a fresh device (`provision_device` on one factory) and puts its
`AtomicTNode` and its `Scada` on one `ActorHost`. `SENDERS` tasks stream numbered `Telemetry`
readings (``scada.send``, each awaited until the broker confirms it); after `BEFORE` confirmed
readings ``scripts/broker stop`` runs, then ``scripts/broker start``; the stream goes on with
no one's help until `AFTER` more are confirmed, then stops, and the bench waits for every
confirmed reading to be handled (and one more second for any duplicate).

Per run:

- confirmed: sends the broker confirmed; not confirmed: sends that raised (goal 0);
- handled: readings the AtomicTNode's ``handle`` ran for (counted in ``handle`` itself);
- lost: confirmed but never handled (goal 0);
- duplicates handled: a value ``handle`` ran for more than once (goal 0);
- dropped by the host: redelivered copies the host acked without handing them on
  (``host.stats.duplicates``); REPLAY refusals (``host.stats.refused``): a copy the link
  resent after the broker had taken the first (its confirm lost with the connection) arrives
  as a fresh delivery, so the verifier's replay memory refuses it into the dead-letter queue
  (never handled, but not silent either);
- link resent / reconnects: `BrokerLink.resent` (publishes sent again after the outage) and
  `BrokerLink.reconnects`;
- stall: the longest gap between consecutive handled readings (the outage's);
- first handled: the first reading handled after the link went down, in seconds from
  ``scripts/broker start`` returning (negative: the link was back and delivering before the
  script finished provisioning);
- stop s / start s: how long ``scripts/broker stop`` and ``start`` took.

Usage: ``.venv/bin/python bench/broker_restart.py [--runs N]`` (default 2). Needs a native
``rabbitmq-server`` (``scripts/broker start`` installs it); the node is ended (SIGTERM, then
SIGKILL, to its processes, found by its node name) and its state deleted whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from gridworks.actors import dev_broker
from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import BrokerConfig, connect
from gridworks.actors.host import ActorHost
from gridworks.actors.link import BrokerLink
from gridworks.actors.messages import Telemetry
from gridworks.actors.scada import Scada
from gridworks.contracts.provision import FactorySetup, provision_device, provision_factory
from gridworks.identity.envelope import now_ms
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import Network
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "broker"
SENDERS = 8
"""Sends in flight at once, so that some are unconfirmed when the broker goes."""
BEFORE = 300
AFTER = 300
TTL_MS = 120_000
"""Readings stay valid for as long as the verifier takes anything (max_age_ms)."""
LIMIT_S = 120.0


# ---- the node of our own (as tests/actors/own_broker.py, without pytest) ----------------------


def native_rabbitmq() -> bool:
    if Path("/usr/lib/rabbitmq/bin/rabbitmq-server").exists():
        return True
    path = f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin"
    return shutil.which("rabbitmq-server", path=path) is not None


def clean_env(**changes: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("GRIDWORKS_BROKER_") and name != "XDG_STATE_HOME"
    }
    env.update(changes)
    return env


def processes_of_node(node: str) -> list[int]:
    """Pids of the node's processes, found by its name in their environment (not epmd)."""
    marker = f"RABBITMQ_NODENAME={node}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if marker in environ and comm != "epmd":
            pids.append(int(entry.name))
    return pids


def end_node(node: str) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of_node(node):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        while processes_of_node(node) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not processes_of_node(node):
            return


@dataclass
class Node:
    port: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return dev_broker.url(self.port)

    @property
    def name(self) -> str:
        return f"gridworks_{self.port}@localhost"

    def run(self, command: str, timeout: float) -> float:
        """``scripts/broker <command>``; the seconds it took."""
        began = time.monotonic()
        done = subprocess.run(
            [SCRIPT, command], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"scripts/broker {command} failed:\n{done.stdout}{done.stderr}")
        return time.monotonic() - began

    def start(self) -> float:
        return self.run("start", 300)

    def stop(self) -> float:
        return self.run("stop", 120)


# ---- one run -------------------------------------------------------------------------------


class CountingATN(AtomicTNode):
    """An AtomicTNode that notes every reading its handler is given, and when."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.handled: list[tuple[float, int]] = []

    async def handle(self, verified: Verified) -> None:
        await super().handle(verified)
        if isinstance(verified.message, Telemetry):
            self.handled.append((time.monotonic(), verified.message.value))


@dataclass
class Run:
    confirmed: int
    failed: int
    handled: int
    lost: int
    doubled: int
    dropped: int
    replays: int
    refused: int
    resent: int
    reconnects: int
    stall_s: float
    first_s: float
    back_s: float
    stop_s: float
    start_s: float


async def until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def restart_once(
    network: Network, factory: FactorySetup, node: Node, config: BrokerConfig
) -> Run:
    device = provision_device(network, f"d1.isone.ver.keene.x{uuid.uuid4().hex[:10]}", on=factory)
    atn = CountingATN(device.atomic_tnode_alias, device.atomic_tnode)
    scada = Scada(device.scada_alias, device.scada)
    refusals: Counter[str] = Counter()

    def listener(_actor: Actor, result: Verified | Rejected) -> None:
        if isinstance(result, Rejected):
            refusals[result.reason.value] += 1

    confirmed: list[int] = []
    failed: list[tuple[int, BaseException]] = []
    seen: dict[str, float] = {}

    async def stream(numbers: Iterator[int], stop: asyncio.Event) -> None:
        for number in numbers:
            if stop.is_set():
                return
            reading = Telemetry(
                terminal_asset=atn.terminal_asset, channel="power-w", value=number, read_ms=now_ms()
            )
            try:
                await scada.send(atn.alias, reading, ttl_ms=TTL_MS)
            except Exception as error:  # noqa: BLE001 - counted as not confirmed
                failed.append((number, error))
                continue
            confirmed.append(number)

    async def watch(link: BrokerLink) -> None:
        if await until(lambda: not link.connected, LIMIT_S):
            seen["link lost"] = time.monotonic()
        if await until(lambda: link.reconnects >= 1, LIMIT_S):
            seen["link back"] = time.monotonic()

    chain = ChainContext.of(network.algod, factory.factory.app_id)
    host = ActorHost(chain, config, actors=[atn, scada], listener=listener)
    async with host:
        stop = asyncio.Event()
        numbers = iter(range(10_000_000))
        senders = [asyncio.create_task(stream(numbers, stop)) for _ in range(SENDERS)]
        watcher = asyncio.create_task(watch(host.link))
        try:
            if not await until(lambda: len(confirmed) >= BEFORE, 60):
                raise RuntimeError(f"only {len(confirmed)} readings confirmed before the stop")
            seen["stop"] = time.monotonic()
            stop_s = await asyncio.to_thread(node.stop)
            at_stop = len(confirmed)
            start_s = await asyncio.to_thread(node.start)
            seen["started"] = time.monotonic()
            if not await until(lambda: len(confirmed) >= at_stop + AFTER, LIMIT_S):
                raise RuntimeError(f"the stream did not resume: {len(confirmed) - at_stop} after")
            await asyncio.wait_for(watcher, LIMIT_S)
        finally:
            stop.set()
            await asyncio.gather(*senders, return_exceptions=True)
            watcher.cancel()
        sent = set(confirmed)
        await until(lambda: sent <= {value for _, value in atn.handled}, 30)
        await asyncio.sleep(1.0)  # a duplicate would be handled by now
        stats, link = host.stats, host.link
        resent, reconnects = link.resent, link.reconnects

    times = [at for at, _ in atn.handled]
    values = Counter(value for _, value in atn.handled)
    stall = max((b - a for a, b in zip(times, times[1:], strict=False)), default=float("nan"))
    lost_at = seen.get("link lost", seen["stop"])
    after = [at for at in times if at > lost_at]
    return Run(
        confirmed=len(confirmed),
        failed=len(failed),
        handled=len(atn.handled),
        lost=len(sent - set(values)),
        doubled=sum(n - 1 for n in values.values() if n > 1),
        dropped=stats.duplicates,
        replays=stats.refused["REPLAY"],
        refused=stats.refused_total,
        resent=resent,
        reconnects=reconnects,
        stall_s=stall,
        first_s=(after[0] - seen["started"]) if after else float("nan"),
        back_s=seen["link back"] - seen["started"] if "link back" in seen else float("nan"),
        stop_s=stop_s,
        start_s=start_s,
    )


# ---- the harness ---------------------------------------------------------------------------


def machine(config: BrokerConfig) -> str:
    connection = connect(config)
    try:
        server = connection._impl.server_properties or {}
        rabbit = server.get("version", b"?")
        rabbit = rabbit.decode() if isinstance(rabbit, bytes) else str(rabbit)
    finally:
        connection.close()
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} cores (nproc) of {os.cpu_count()} ({model}), "
        f"load average {load} at start; CPython {platform.python_version()}, "
        f"pika {version('pika')}, RabbitMQ {rabbit} (native node of its own)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="restarts (default 2)")
    args = parser.parse_args()
    if not native_rabbitmq():
        sys.exit("no native rabbitmq-server (scripts/broker start installs it)")
    scratch = Path(tempfile.mkdtemp(prefix="gridworks-broker-restart-"))
    port = dev_broker.spare_port()
    node = Node(
        port,
        clean_env(
            GRIDWORKS_BROKER_PORT=str(port),
            GRIDWORKS_BROKER_BACKEND="native",
            GRIDWORKS_BROKER_TIMEOUT="240",
            XDG_STATE_HOME=str(scratch / "state"),
        ),
    )
    tag = uuid.uuid4().hex[:8]
    config = BrokerConfig(
        url=node.url,
        exchange=f"gridworks.bench.{tag}",
        dead_letter_exchange=f"gridworks.bench.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.bench.{tag}.dead-letter",
    )
    runs: list[Run] = []
    network: Network | None = None
    try:
        first_start = node.start()
        print(machine(config))
        print(f"node {node.name}: first scripts/broker start {first_start:.1f} s")
        network = connect_chain()
        factory = provision_factory(network)
        for index in range(args.runs):
            run = asyncio.run(restart_once(network, factory, node, config))
            runs.append(run)
            print(
                f"run {index + 1}: confirmed {run.confirmed}, lost {run.lost}, "
                f"duplicates handled {run.doubled}; 1-minute load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    finally:
        if network is not None:
            network.close()
        end_node(node.name)  # SIGTERM (a clean stop), then SIGKILL to what is left
        shutil.rmtree(scratch, ignore_errors=True)

    def seconds(value: float) -> str:
        return "-" if value != value else f"{value:.1f}"

    rows = [
        (
            index + 1,
            r.confirmed,
            r.failed,
            r.handled,
            r.lost,
            r.doubled,
            r.dropped,
            r.replays,
            r.resent,
            r.reconnects,
            seconds(r.stall_s),
            f"{r.first_s:+.1f}",
            f"{r.back_s:+.1f}",
            seconds(r.stop_s),
            seconds(r.start_s),
        )
        for index, r in enumerate(runs)
    ]
    print(
        f"{SENDERS} sends in flight; scripts/broker stop after {BEFORE} confirmed readings, "
        f"then start; {AFTER} more confirmed after it; one ActorHost (AtomicTNode + Scada)"
    )
    print(
        format_table(
            (
                "run",
                "confirmed",
                "not confirmed",
                "handled",
                "lost",
                "dup. handled",
                "dup. dropped by host",
                "REPLAY refused",
                "link resent",
                "reconnects",
                "stall s",
                "first handled, s from start's return",
                "link back, s from start's return",
                "stop s",
                "start s",
            ),
            rows,
        )
    )
    lost = sum(r.lost for r in runs)
    doubled = sum(r.doubled for r in runs)
    print(
        f"lost {lost} (goal 0: {'met' if lost == 0 else 'NOT MET'}); duplicates handled "
        f"{doubled} (goal 0: {'met' if doubled == 0 else 'NOT MET'}); other refusals "
        f"{sum(r.refused - r.replays for r in runs)}"
    )
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
