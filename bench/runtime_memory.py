"""Memory per hosted actor: N actors in one `ActorHost` process, consuming, each taking one
verified message. Goal: 1,000 actors in one process under 300 MB RSS.

For each size N a fresh process (spawned; it imports the toolkit and nothing else) hosts N
plain `Actor`s (fresh random keys, distinct aliases: hosting needs no certificate) on one
`ActorHost`, and reports its RSS (VmRSS from /proc/self/status):

1. before the host: the interpreter with gridworks, pika, algosdk and pydantic imported;
2. after `ActorHost(...)` with its N actors (verifiers, replay memories, inboxes), not started;
3. after `start()`: connected, N durable queues declared and bound, N consumers, N actor tasks,
   the chain follower running; `start()` is timed;
4. after every actor has taken one message: this process (with the embedded sandbox) hosts a
   certified Scada that sends one `Telemetry` to each of the N actors; each delivery is
   verified in full (Ed25519 under the chain's key, the ScadaCert, replay memory) and handed to
   `handle` (a no-op), then acked. A certified sender, rather than refusals: a refused message
   is dead-lettered (a confirmed publish to the dead-letter exchange) and never reaches an
   actor's handler or replay memory, so accepted messages are the state an actor really
   keeps. The chain reads are cached, so only the first delivery reads the chain;
5. idle CPU: the process's CPU time over `IDLE_S` seconds with nothing to do (N actor tasks
   waiting, the chain follower polling, AMQP heartbeats), `SETTLE_S` seconds after start().

Per actor: the RSS difference between the largest size and N = 1, after start, divided by the
actors added (so the fixed cost of the process, the connection and the chain cache is out).

The broker topology is throw-away: exchanges named with a uuid, queues with ``x-expires``; all
that was declared is deleted at the end.

Usage: `.venv/bin/python bench/runtime_memory.py [--quick] [N ...]` (default N: 1, 1000, 2000;
``--quick``: 1, 1000). Needs the dev broker (`scripts/broker start`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
import uuid
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from algosdk.v2client.algod import AlgodClient

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.broker import BrokerConfig, BrokerError, connect, queue_name
from gridworks.actors.host import ActorHost
from gridworks.actors.messages import Telemetry
from gridworks.actors.scada import Scada
from gridworks.contracts.provision import provision_device
from gridworks.identity.envelope import now_ms
from gridworks.identity.keys import ActorKey
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table

SIZES = (1, 1_000, 2_000)
QUICK_SIZES = (1, 1_000)
GOAL_ACTORS = 1_000
GOAL_MB = 300
IDLE_S = 3.0
SETTLE_S = 2.0
LIMIT_S = 300.0
SENDING = 200
"""Sends outstanding at once from the Scada."""
ATN = "d1.isone.ver.keene.holly"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def aliases(prefix: str, count: int) -> list[str]:
    return [f"{prefix}.a{n:05d}" for n in range(count)]


@dataclass(frozen=True)
class Setup:
    algod_address: str
    algod_token: str
    factory_app_id: int
    genesis: str
    broker: dict[str, Any]


async def _host(setup: Setup, prefix: str, count: int, started: Any, go: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"before host": rss_mb()}
    chain = ChainContext(
        AlgodClient(setup.algod_token, setup.algod_address), setup.factory_app_id, setup.genesis
    )
    taken = 0
    refused: list[str] = []
    all_taken = asyncio.get_running_loop().create_future()

    def listener(_actor: Actor, result: Verified | Rejected) -> None:
        nonlocal taken
        if isinstance(result, Rejected):
            refused.append(str(result))
            return
        taken += 1
        if taken == count and not all_taken.done():
            all_taken.set_result(None)

    actors = [Actor(alias, ActorKey.generate()) for alias in aliases(prefix, count)]
    host = ActorHost(chain, BrokerConfig(**setup.broker), actors=actors, listener=listener)
    out["host built"] = rss_mb()
    began = time.perf_counter()
    await host.start()
    out["start_s"] = time.perf_counter() - began
    out["after start"] = rss_mb()
    try:
        await asyncio.sleep(SETTLE_S)  # the consumers' ConsumeOk frames come in after start()
        cpu = time.process_time()
        await asyncio.sleep(IDLE_S)
        out["idle_cpu"] = (time.process_time() - cpu) / IDLE_S
        started.set()
        began = time.perf_counter()
        await asyncio.wait_for(all_taken, LIMIT_S)
        out["receive_s"] = time.perf_counter() - began
        out["after one message each"] = rss_mb()
        out["accepted"] = host.stats.accepted
        out["refused"] = refused[:3]
        while not go.is_set():
            await asyncio.sleep(0.05)
    finally:
        await host.close()
    return out


def hosting(setup: Setup, prefix: str, count: int, started: Any, go: Any, results: Any) -> None:
    try:
        results.put(asyncio.run(_host(setup, prefix, count, started, go)))
    except BaseException as error:
        results.put({"error": repr(error)})
        raise


async def send_one_each(
    chain: ChainContext, config: BrokerConfig, sender: Scada, receivers: list[str]
) -> float:
    scada = Scada(sender.alias, sender.key)  # an actor is hosted once: a fresh one per size
    host = ActorHost(chain, config, actors=[scada], follow_chain=False)
    async with host:
        began = time.perf_counter()
        left = list(receivers)

        async def worker() -> None:
            while left:
                receiver = left.pop()
                reading = Telemetry(
                    terminal_asset=scada.terminal_asset,
                    channel="power-w",
                    value=len(left),
                    read_ms=now_ms(),
                )
                await scada.send(receiver, reading)

        await asyncio.gather(*(worker() for _ in range(SENDING)))
        return time.perf_counter() - began


def measure(setup: Setup, chain: ChainContext, scada: Scada, count: int) -> dict[str, Any]:
    context = get_context("spawn")
    prefix = f"d1.bench.m{uuid.uuid4().hex[:10]}"
    started, go = context.Event(), context.Event()
    results = context.Queue()
    child = context.Process(target=hosting, args=(setup, prefix, count, started, go, results))
    child.start()
    config = BrokerConfig(**setup.broker)
    try:
        while not started.wait(0.5):
            if not child.is_alive() or not results.empty():
                raise RuntimeError(f"the host of {count} did not start: {results.get()}")
        send_s = asyncio.run(send_one_each(chain, config, scada, aliases(prefix, count)))
        go.set()
        result = results.get(timeout=LIMIT_S)
        if "error" in result:
            raise RuntimeError(f"the host of {count} failed: {result['error']}")
        result["send_s"] = send_s
        child.join(60)
    finally:
        if child.is_alive():
            child.terminate()
        delete_queues(config, aliases(prefix, count))
    if result["accepted"] != count or result["refused"]:
        raise RuntimeError(f"{count} actors: {result}")
    return result


def delete_queues(config: BrokerConfig, names: list[str]) -> None:
    try:
        connection = connect(config)
    except BrokerError:
        return
    try:
        channel = connection.channel()
        for alias in names:
            channel.queue_delete(queue_name(config, alias))
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes or (QUICK_SIZES if args.quick else SIZES)))
    tag = uuid.uuid4().hex[:8]
    config = BrokerConfig(
        exchange=f"gridworks.bench.{tag}",
        dead_letter_exchange=f"gridworks.bench.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.bench.{tag}.dead-letter",
        queue_expires_ms=600_000,
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{len(os.sched_getaffinity(0))} cores (nproc), load average {load} at start; "
        f"CPython {platform.python_version()}"
    )
    network = connect_chain()
    results: dict[int, dict[str, Any]] = {}
    try:
        device = provision_device(network, ATN)
        chain = ChainContext(network.algod, device.factory.app_id, device.genesis_hash)
        setup = Setup(
            network.algod.algod_address,
            network.algod.algod_token,
            device.factory.app_id,
            device.genesis_hash,
            config.model_dump(),
        )
        scada = Scada(device.scada_alias, device.scada)
        try:
            for size in sizes:
                results[size] = measure(setup, chain, scada, size)
        finally:
            connection = connect(config)
            try:
                channel = connection.channel()
                for queue in (
                    queue_name(config, scada.alias),
                    config.dead_letter_queue,
                    config.ear_queue,
                ):
                    channel.queue_delete(queue)
                channel.exchange_delete(config.exchange)
                channel.exchange_delete(config.dead_letter_exchange)
            finally:
                connection.close()
    finally:
        network.close()

    rows = []
    for size, r in results.items():
        rows.append(
            (
                f"{size:,}",
                f"{r['before host']:.0f}",
                f"{r['host built']:.0f}",
                f"{r['after start']:.0f}",
                f"{r['after one message each']:.0f}",
                f"{r['start_s']:.2f} s",
                f"{r['receive_s']:.2f} s",
                f"{r['idle_cpu']:.1%}",
            )
        )
    print(
        "RSS of the hosting process in MB (VmRSS); each actor: a durable queue, a consumer, a "
        "task, a verifier and replay memory; one verified Telemetry to each actor"
    )
    print(
        format_table(
            (
                "actors",
                "before host",
                "host built",
                "after start",
                "after 1 msg each",
                "start()",
                "1 msg each (send+verify)",
                "idle CPU",
            ),
            rows,
        )
    )
    low, high = min(results), max(results)
    if high > low:
        grown = results[high]
        per_start = (grown["after start"] - results[low]["after start"]) / (high - low)
        per_msg = (grown["after one message each"] - results[low]["after one message each"]) / (
            high - low
        )
        print(
            f"per actor ({low} -> {high} actors): {per_start * 1024:.0f} kB after start, "
            f"{per_msg * 1024:.0f} kB after one message each; "
            f"start: {grown['start_s'] / high * 1000:.2f} ms per actor"
        )
    if GOAL_ACTORS in results:
        rss = results[GOAL_ACTORS]["after one message each"]
        status = "met" if rss < GOAL_MB else "NOT MET"
        print(f"{GOAL_ACTORS:,} actors: {rss:.0f} MB RSS (goal < {GOAL_MB} MB: {status})")
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
