"""Messages per second through the actor runtime and RabbitMQ: signed and verified, next to
unsigned messages through the same path in the same run, and pika's raw rate as the ceiling.

Every variant moves `count` persistent messages of the same size (a `Telemetry` envelope from
``d1.isone.ver.keene.holly.scada`` to its AtomicTNode: about 600 bytes on the wire) from a
sender process to a receiver process through the dev broker; the embedded sandbox (the chain)
runs in this third process, which only coordinates. Variants alternate, `ROUNDS` runs each;
the table shows medians.

- signed + verified: the sender is an `ActorHost` with the certified `Scada`; `IN_FLIGHT`
  tasks each `await scada.report(...)` in turn (seal: Ed25519 sign; publish: persistent,
  mandatory, confirmed; the host's link pipelines confirms in a window of 256). The receiver is
  an `ActorHost` with the device's `AtomicTNode` (prefetch 50, the host's default): each
  delivery is routed, rate-checked, verified (`Verifier`: parse, header policy, payload model,
  Ed25519 under the key the chain says authorizes the signer, the ScadaCert, replay), checked
  against its routing key, handled (`AtomicTNode.handle`: counterparty and device checks) and
  acked. The chain cache is warm (`WARMUP` messages go through first) and follows the chain.
- unsigned: the same hosts, actors and path, but the Scada's key is a zero signer (the
  envelope carries 64 zero bytes as its signature, no Ed25519 signing) and the AtomicTNode's
  verifier is `UnsignedVerifier`: strict parsing, header policy, payload model and replay
  memory as in the signed path; it skips only the Ed25519 check, the chain reads (authorizing
  key, certificate: cached in the signed path) and hands on the identity the chain proved
  once, before the run. Everything else (routing, rate check, route match, handler, ack,
  confirms) is the same code.
- ceiling: pika alone, no runtime: a `BlockingConnection` publishing the same bytes
  (persistent, a message id) to the same topic exchange with no confirms, as fast as it goes,
  and a `BlockingConnection` consumer in the other process with manual acks, same prefetch.

Rate = count / (the sender's first publish -> the receiver's last handled message), both
clocks CLOCK_MONOTONIC. CPU µs per message: each process's own (user + system) over the
measured part, and RabbitMQ's (the broker VM's CPU time from /proc over the run: everything
the broker did meanwhile, for other clients too on a shared broker).

The receiver host is given `Limits(rate=1e12)`: the default per-sender limit (1,000 messages/s,
bursts of 2,000) would refuse most of one sender's flood as RATE_LIMITED. The actor queues are
allowed to grow to `count` (the default cap, 10,000, refuses publishes once the receiver lags
that far). The ear copy (a second persistent queue bound with ``#``) is off unless ``--ear``.

Usage: `.venv/bin/python bench/runtime_throughput.py [--quick] [--ear] [--profile] [count]`.
``--profile`` also runs one signed round with cProfile in the receiver and in the sender and
prints where their time goes. Needs the dev broker (`scripts/broker start`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pika
from algosdk.v2client.algod import AlgodClient

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import BrokerConfig, connect, queue_name
from gridworks.actors.host import ActorHost, Limits
from gridworks.actors.messages import MESSAGE_TYPES, Telemetry
from gridworks.actors.scada import Scada
from gridworks.contracts.provision import provision_device
from gridworks.identity.authority import ProvenIdentity
from gridworks.identity.envelope import now_ms, parse, seal
from gridworks.identity.keys import ActorKey
from gridworks.identity.rejection import EnvelopeError
from gridworks.identity.replay import ReplayGuard
from gridworks.identity.verifier import Rejected, Verified, Verifier
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table

ATN = "d1.isone.ver.keene.holly"
SCADA = ATN + ".scada"
COUNT = 20_000
QUICK_COUNT = 4_000
ROUNDS = 5
QUICK_ROUNDS = 2
WARMUP = 200
IN_FLIGHT = 512
"""Sending tasks; the link lets 256 of them (its window) have a publish outstanding."""
RAW_KEY = "bench.raw.ceiling"
LIMIT_S = 180.0
VARIANTS = ("signed", "unsigned", "ceiling")
LABELS = {
    "signed": "signed + verified (runtime)",
    "unsigned": "unsigned, parsed + policy + schema + replay (runtime)",
    "ceiling": "ceiling: pika, no confirms, no runtime",
}
GOAL_RATE = 5_000
GOAL_RATIO = 0.9


@dataclass(frozen=True)
class Setup:
    """What a child process needs to reach the chain and the broker (picklable)."""

    algod_address: str
    algod_token: str
    factory_app_id: int
    genesis: str
    atn_key: str
    scada_key: str
    broker: dict[str, Any]

    def chain(self) -> ChainContext:
        algod = AlgodClient(self.algod_token, self.algod_address)
        return ChainContext(algod, self.factory_app_id, self.genesis)

    def config(self) -> BrokerConfig:
        return BrokerConfig(**self.broker)


class ZeroSigner:
    """Seals without signing: the envelope's signature is 64 zero bytes."""

    def __init__(self, address: str) -> None:
        self.address = address

    def sign(self, data: bytes) -> bytes:
        return bytes(64)


class UnsignedVerifier(Verifier):
    """`Verifier` without the Ed25519 check and the chain reads: parse, header policy, payload
    model, replay memory; the sender is the identity proven once before the run."""

    identity: ProvenIdentity

    def verify(self, wire: bytes) -> Verified | Rejected:
        try:
            envelope = parse(wire, max_bytes=self.policy.max_bytes)
        except EnvelopeError as error:
            return Rejected(reason=error.reason, detail=error.detail)
        header = envelope.header
        refused = self._policy(header)
        if refused is not None:
            return refused
        typed = self._typed(envelope)
        if isinstance(typed, Rejected):
            return typed
        replayed = self.first_time(header)
        if replayed is not None:
            return replayed
        return Verified(envelope=envelope, sender=self.identity, message=typed)


def unsigned_verifier(host: ActorHost, alias: str, sender: str, address: str) -> None:
    """Put an `UnsignedVerifier` in place of `alias`'s verifier in `host`."""
    hosted = host._hosted[alias]
    proven = hosted.verifier.authority(address, sender)
    assert isinstance(proven, ProvenIdentity), proven
    verifier = UnsignedVerifier(
        host.chain.algod,
        host.chain.factory_app_id,
        receivers=hosted.verifier.receivers,
        policy=host.policy,
        message_types=MESSAGE_TYPES,
        genesis_hash=host.chain.genesis_hash,
        cache=host.cache,
        replay=ReplayGuard(),
    )
    verifier.identity = proven
    hosted.verifier = verifier


def cpu_now() -> float:
    return time.process_time()


def broker_pid() -> int | None:
    try:
        status = subprocess.run(
            ["scripts/broker", "status"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"pid (\d+)", status)
    return int(found.group(1)) if found else None


def process_cpu_s(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` so far (0 if unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- the receiving process -------------------------------------------------------------------


class Counter:
    """The receiver host's listener: counts handled messages, notes times and CPU."""

    def __init__(self, warmup: int, count: int, warm: Any, profile: cProfile.Profile | None):
        self.warmup, self.count, self.warm = warmup, count, warm
        self.profile = profile
        self.seen = 0
        self.refused: list[str] = []
        self.cpu0 = self.cpu1 = self.end = 0.0
        self.done = asyncio.get_running_loop().create_future()

    def __call__(self, _actor: Actor, result: Verified | Rejected) -> None:
        if isinstance(result, Rejected):
            self.refused.append(str(result))
            if not self.done.done():
                self.done.set_exception(RuntimeError(f"refused: {result}"))
            return
        self.seen += 1
        if self.seen == self.warmup:
            self.cpu0 = cpu_now()
            if self.profile is not None:
                self.profile.enable()
            self.warm.set()
        elif self.seen == self.warmup + self.count:
            self.end = time.perf_counter()
            self.cpu1 = cpu_now()
            if self.profile is not None:
                self.profile.disable()
            self.done.set_result(None)


async def _receive(
    setup: Setup, variant: str, count: int, ready: Any, warm: Any, profile: str | None
) -> dict[str, Any]:
    profiler = cProfile.Profile() if profile else None
    counter = Counter(WARMUP, count, warm, profiler)
    atn = AtomicTNode(ATN, ActorKey.from_private_key(setup.atn_key))
    host = ActorHost(
        setup.chain(), setup.config(), actors=[atn], limits=Limits(1e12, 1e12), listener=counter
    )
    if variant == "unsigned":
        scada = ActorKey.from_private_key(setup.scada_key)
        unsigned_verifier(host, ATN, SCADA, scada.address)
    async with host:
        ready.set()
        await asyncio.wait_for(counter.done, LIMIT_S)
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    return {
        "end": counter.end,
        "cpu_s": counter.cpu1 - counter.cpu0,
        "accepted": host.stats.accepted,
        "refused": host.stats.refused_total,
        "duplicates": host.stats.duplicates,
    }


def receiver(
    setup: Setup, variant: str, count: int, ready: Any, warm: Any, out: Any, profile: str | None
) -> None:
    try:
        out.put(("receiver", asyncio.run(_receive(setup, variant, count, ready, warm, profile))))
    except BaseException as error:
        out.put(("receiver", {"error": repr(error)}))
        raise


# ---- the sending process ---------------------------------------------------------------------


async def _send(
    setup: Setup, variant: str, count: int, ready: Any, go: Any, profile: str | None
) -> dict[str, Any]:
    key = ActorKey.from_private_key(setup.scada_key)
    scada = Scada(SCADA, key if variant == "signed" else ZeroSigner(key.address))
    host = ActorHost(setup.chain(), setup.config(), actors=[scada], follow_chain=False)
    async with host:

        async def flood(total: int) -> None:
            left = total

            async def worker() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    await scada.report("power-w", left)

            await asyncio.gather(*(worker() for _ in range(min(IN_FLIGHT, total))))

        await flood(WARMUP)
        ready.set()
        while not go.is_set():
            await asyncio.sleep(0.002)
        profiler = cProfile.Profile() if profile else None
        cpu0 = cpu_now()
        start = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        await flood(count)
        if profiler is not None:
            profiler.disable()
        confirmed = time.perf_counter()
        cpu1 = cpu_now()
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    return {"start": start, "confirmed": confirmed, "cpu_s": cpu1 - cpu0}


def sender(
    setup: Setup, variant: str, count: int, ready: Any, go: Any, out: Any, profile: str | None
) -> None:
    try:
        out.put(("sender", asyncio.run(_send(setup, variant, count, ready, go, profile))))
    except BaseException as error:
        out.put(("sender", {"error": repr(error)}))
        raise


# ---- the ceiling: pika alone -----------------------------------------------------------------


def raw_receiver(setup: Setup, queue: str, count: int, ready: Any, warm: Any, out: Any) -> None:
    try:
        connection = pika.BlockingConnection(setup.config().parameters())
        channel = connection.channel()
        channel.basic_qos(prefetch_count=50)
        seen = 0
        marks: dict[str, float] = {}

        def on_message(
            ch: Any, method: pika.spec.Basic.Deliver, _p: pika.BasicProperties, _b: bytes
        ) -> None:
            nonlocal seen
            ch.basic_ack(method.delivery_tag)
            seen += 1
            if seen == WARMUP:
                marks["cpu0"] = cpu_now()
                warm.set()
            elif seen == WARMUP + count:
                marks["end"] = time.perf_counter()
                marks["cpu1"] = cpu_now()

        channel.basic_consume(queue, on_message, auto_ack=False)
        ready.set()
        deadline = time.perf_counter() + LIMIT_S
        while seen < WARMUP + count and time.perf_counter() < deadline:
            connection.process_data_events(time_limit=0.2)
        connection.close()
        if seen < WARMUP + count:
            raise RuntimeError(f"only {seen} of {WARMUP + count} raw messages arrived")
        out.put(
            (
                "receiver",
                {
                    "end": marks["end"],
                    "cpu_s": marks["cpu1"] - marks["cpu0"],
                    "accepted": seen - WARMUP,
                    "refused": 0,
                    "duplicates": 0,
                },
            )
        )
    except BaseException as error:
        out.put(("receiver", {"error": repr(error)}))
        raise


def raw_sender(setup: Setup, body: bytes, count: int, ready: Any, go: Any, out: Any) -> None:
    try:
        config = setup.config()
        connection = pika.BlockingConnection(config.parameters())
        channel = connection.channel()

        def publish(total: int) -> None:
            for _ in range(total):
                properties = pika.BasicProperties(
                    delivery_mode=pika.DeliveryMode.Persistent, message_id=str(uuid.uuid4())
                )
                channel.basic_publish(config.exchange, RAW_KEY, body, properties)

        publish(WARMUP)
        ready.set()
        go.wait(LIMIT_S)
        cpu0 = cpu_now()
        start = time.perf_counter()
        publish(count)
        sent = time.perf_counter()
        cpu1 = cpu_now()
        connection.process_data_events(time_limit=0)
        connection.close()
        out.put(("sender", {"start": start, "confirmed": sent, "cpu_s": cpu1 - cpu0}))
    except BaseException as error:
        out.put(("sender", {"error": repr(error)}))
        raise


# ---- the harness -----------------------------------------------------------------------------


@dataclass
class Run:
    variant: str
    count: int
    rate: float
    publish_rate: float
    sender_us: float
    receiver_us: float
    broker_us: float
    load: float


def run_once(
    setup: Setup,
    variant: str,
    count: int,
    body: bytes,
    raw_queue: str,
    beam: int | None,
    profiles: tuple[str, str] | None = None,
) -> Run:
    context = get_context("spawn")
    out = context.Queue()
    receiver_ready, warm, sender_ready, go = (context.Event() for _ in range(4))
    if variant == "ceiling":
        consume = context.Process(
            target=raw_receiver, args=(setup, raw_queue, count, receiver_ready, warm, out)
        )
        produce = context.Process(
            target=raw_sender, args=(setup, body, count, sender_ready, go, out)
        )
    else:
        receiver_profile, sender_profile = profiles or (None, None)
        consume = context.Process(
            target=receiver,
            args=(setup, variant, count, receiver_ready, warm, out, receiver_profile),
        )
        produce = context.Process(
            target=sender, args=(setup, variant, count, sender_ready, go, out, sender_profile)
        )
    consume.start()
    try:
        if not receiver_ready.wait(60):
            raise RuntimeError(f"{variant}: the receiver did not start")
        produce.start()
        if not (sender_ready.wait(60) and warm.wait(60)):
            raise RuntimeError(f"{variant}: the warm-up did not go through")
        broker0 = process_cpu_s(beam)
        go.set()
        results: dict[str, dict[str, Any]] = {}
        while len(results) < 2:
            who, result = out.get(timeout=LIMIT_S)
            if "error" in result:
                raise RuntimeError(f"{variant}: the {who} failed: {result['error']}")
            results[who] = result
        broker_cpu = process_cpu_s(beam) - broker0
    finally:
        for process in (produce, consume):
            if process.pid is not None:
                process.join(30)
            if process.is_alive():
                process.terminate()
    sent, got = results["sender"], results["receiver"]
    if got["refused"] or got["accepted"] < count:
        raise RuntimeError(f"{variant}: {got}")
    elapsed = got["end"] - sent["start"]
    return Run(
        variant,
        count,
        count / elapsed,
        count / (sent["confirmed"] - sent["start"]),
        sent["cpu_s"] / count * 1e6,
        got["cpu_s"] / count * 1e6,
        broker_cpu / count * 1e6 if beam else float("nan"),
        os.getloadavg()[0],
    )


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
        f"pika {version('pika')}, RabbitMQ {rabbit}"
    )


def cleanup(config: BrokerConfig, raw_queue: str) -> None:
    connection = connect(config)
    try:
        channel = connection.channel()
        for queue in (
            queue_name(config, ATN),
            queue_name(config, SCADA),
            raw_queue,
            config.dead_letter_queue,
            config.ear_queue,
        ):
            channel.queue_delete(queue)
        channel.exchange_delete(config.exchange)
        channel.exchange_delete(config.dead_letter_exchange)
    finally:
        connection.close()


def print_profile(title: str, path: str, lines: int = 22) -> None:
    text = io.StringIO()
    stats = pstats.Stats(path, stream=text)
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    print(f"--- {title}: cProfile, by own time ---")
    body = text.getvalue()
    print(body[body.find("   ncalls") :].rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter runs")
    parser.add_argument("--ear", action="store_true", help="keep the ear copy of every message")
    parser.add_argument("--profile", action="store_true", help="cProfile one signed round")
    args = parser.parse_args()
    count = args.count or (QUICK_COUNT if args.quick else COUNT)
    rounds = QUICK_ROUNDS if args.quick else ROUNDS
    tag = uuid.uuid4().hex[:8]
    config = BrokerConfig(
        exchange=f"gridworks.bench.{tag}",
        dead_letter_exchange=f"gridworks.bench.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.bench.{tag}.dead-letter",
        queue_expires_ms=600_000,
        max_queue_length=count + 2 * WARMUP + 1_000,
        ear=args.ear,
    )
    print(machine(config))
    beam = broker_pid()
    raw_queue = f"{config.exchange}:raw"
    network = connect_chain()
    try:
        device = provision_device(network, ATN)
        setup = Setup(
            network.algod.algod_address,
            network.algod.algod_token,
            device.factory.app_id,
            device.genesis_hash,
            device.atomic_tnode.private_key,
            device.scada.private_key,
            config.model_dump(),
        )
        sample = Scada(SCADA, device.scada)
        body = _sample_wire(sample, setup.chain())
        size = len(body)
        admin = connect(config)
        try:
            channel = admin.channel()
            channel.exchange_declare(config.exchange, "topic", durable=True)
            channel.queue_declare(raw_queue, durable=True, arguments=config.queue_arguments())
            channel.queue_bind(raw_queue, config.exchange, RAW_KEY)
        finally:
            admin.close()
        runs: dict[str, list[Run]] = {variant: [] for variant in VARIANTS}
        try:
            for _ in range(rounds):
                for variant in VARIANTS:
                    runs[variant].append(run_once(setup, variant, count, body, raw_queue, beam))
                    if args.ear:
                        _purge(config, config.ear_queue)
            if args.profile:
                scratch = tempfile.mkdtemp()
                profiles = (f"{scratch}/receiver.prof", f"{scratch}/sender.prof")
                profiled = run_once(setup, "signed", count, body, raw_queue, beam, profiles)
        finally:
            cleanup(config, raw_queue)
    finally:
        network.close()

    def median(variant: str, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in runs[variant])

    ceiling = median("ceiling", "rate")
    rows = []
    for variant in VARIANTS:
        rate = median(variant, "rate")
        rows.append(
            (
                LABELS[variant],
                f"{rate:,.0f}",
                f"{rate / ceiling:.0%}",
                f"{median(variant, 'publish_rate'):,.0f}",
                f"{median(variant, 'sender_us'):.0f}",
                f"{median(variant, 'receiver_us'):.0f}",
                f"{median(variant, 'broker_us'):.0f}",
                " ".join(f"{r.rate:,.0f}" for r in runs[variant]),
            )
        )
    print(
        f"{count:,} persistent {size}-byte messages per run (after {WARMUP} warm-up), "
        f"{rounds} alternating runs per variant, medians; ear copy "
        f"{'on' if args.ear else 'off'}; sender {IN_FLIGHT} tasks, link window 256, prefetch 50"
    )
    print(
        format_table(
            (
                "path",
                "msg/s end to end",
                "vs ceiling",
                "publish msg/s",
                "sender CPU µs/msg",
                "receiver CPU µs/msg",
                "RabbitMQ CPU µs/msg",
                "runs",
            ),
            rows,
        )
    )
    signed, unsigned = median("signed", "rate"), median("unsigned", "rate")
    ratio = signed / unsigned
    print(
        f"signed: {signed:,.0f}/s (goal >= {GOAL_RATE:,}: "
        f"{'met' if signed >= GOAL_RATE else 'NOT MET'}); signed / unsigned = {ratio:.1%} "
        f"(goal >= {GOAL_RATIO:.0%}: {'met' if ratio >= GOAL_RATIO else 'NOT MET'})"
    )
    loads = " ".join(f"{r.load:.2f}" for variant in VARIANTS for r in runs[variant])
    print(f"1-minute load average after each run: {loads}")
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.profile:
        print(f"profiled signed run: {profiled.rate:,.0f} msg/s (under cProfile)")
        print_profile("receiver (signed)", profiles[0])
        print_profile("sender (signed)", profiles[1])


def _sample_wire(scada: Scada, chain: ChainContext) -> bytes:
    """A Telemetry envelope as the runs send it (its size is the message size)."""
    reading = Telemetry(
        terminal_asset=scada.terminal_asset, channel="power-w", value=19_999, read_ms=now_ms()
    )
    return seal(
        scada.key,
        message_type="gridworks.telemetry",
        version=1,
        payload=reading,
        source=scada.alias,
        destination=scada.atomic_tnode,
        genesis_hash=chain.genesis_hash,
    ).wire


def _purge(config: BrokerConfig, queue: str) -> None:
    connection = connect(config)
    try:
        connection.channel().queue_purge(queue)
    finally:
        connection.close()


if __name__ == "__main__":
    main()
