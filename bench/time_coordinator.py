"""TimeCoordinator steps per second with N certified actors, each answering each step.

Every actor is a certified GNode (the AtomicTNode and the Scada of N/2 TerminalAssets on the
embedded sandbox) and the TimeCoordinator a certified service GNode. Each step is one signed
`timestep` broadcast (verified once per host for all its subscribers) and N signed `ready`
answers, each verified by the TimeCoordinator against the chain (warm cache). A step ends when
the last `ready` is in; the rate is steps / wall time over the measured steps (step 0, which
warms the chain cache with N first lookups, is left out).

Layouts (alternating if several):
- one process: the TimeCoordinator and all actors on one host (one connection, one core);
- W workers: the TimeCoordinator in this process, the actors on W worker processes.

    .venv/bin/python bench/time_coordinator.py [--actors N] [--steps S] [--workers W]

Needs the dev broker (`scripts/broker start`). Provisioning the devices takes about 0.35 s each
and is reported separately.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import time
import uuid
from dataclasses import dataclass

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.broker import BrokerConfig, connect, queue_name
from gridworks.actors.host import ActorHost
from gridworks.actors.time_coordination import Finished, RunConfig
from gridworks.actors.time_coordinator import TimeCoordinator
from gridworks.contracts.provision import provision_device, provision_factory, provision_service
from gridworks.identity.keys import ActorKey
from gridworks.identity.roles import GNodeRole
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table


@dataclass(frozen=True)
class Member:
    alias: str
    key: ActorKey


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _actors(members: list[Member], coordinator: str) -> list[Actor]:
    return [Actor(m.alias, m.key, time_coordinator=coordinator) for m in members]


def _worker(
    algod_address: str,
    algod_token: str,
    app_id: int,
    config: BrokerConfig,
    members: list[Member],
    coordinator: str,
    up: multiprocessing.synchronize.Event,
    stop: multiprocessing.synchronize.Event,
) -> None:
    from algosdk.v2client.algod import AlgodClient

    async def main() -> None:
        chain = ChainContext.of(AlgodClient(algod_token, algod_address), app_id)
        async with ActorHost(chain, config, actors=_actors(members, coordinator)):
            up.set()
            while not stop.is_set():
                await asyncio.sleep(0.1)

    asyncio.run(main())


async def _run(
    chain: ChainContext,
    config: BrokerConfig,
    coordinator: Member,
    members: list[Member],
    steps: int,
    workers: int,
    algod: tuple[str, str],
) -> tuple[float, float]:
    run = RunConfig(
        run_id=f"bench-{uuid.uuid4().hex[:8]}",
        roster=frozenset(m.alias for m in members),
        start_s=1_577_836_800,
        step_seconds=3600,
        steps=steps + 1,
        resend_after_s=30.0,
    )
    began: list[float] = []

    def on_action(action: object) -> None:
        if getattr(action, "step", None) == 1 and getattr(action, "attempt", 0) == 1:
            began.append(time.perf_counter())

    tc = TimeCoordinator(coordinator.alias, coordinator.key, run, on_action=on_action)
    procs: list[multiprocessing.Process] = []
    ctx = multiprocessing.get_context("fork")  # the keys are inherited, never pickled
    stop = ctx.Event()
    local = _actors(members, coordinator.alias) if workers == 0 else []
    try:
        for index in range(workers):
            up = ctx.Event()
            share = members[index::workers]
            proc = ctx.Process(
                target=_worker,
                args=(*algod, chain.factory_app_id, config, share, tc.alias, up, stop),
            )  # fork: the worker inherits the keys (an ActorKey refuses to be pickled)
            proc.start()
            procs.append(proc)
            if not await asyncio.to_thread(up.wait, 300):
                raise RuntimeError(f"worker {index} did not start")
        async with ActorHost(chain, config, actors=[tc, *local]):
            ended = await tc.run()
            finished = time.perf_counter()
            memory = rss_mb()
    finally:
        stop.set()
        for proc in procs:
            proc.join(30)
    assert ended == Finished(steps + 1), ended
    return steps / (finished - began[0]), memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="*", default=[0, 2])
    args = parser.parse_args()
    network = connect_chain()
    tag = uuid.uuid4().hex[:8]
    config = BrokerConfig(
        exchange=f"gridworks.bench.{tag}",
        dead_letter_exchange=f"gridworks.bench.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.bench.{tag}.dead-letter",
        queue_expires_ms=120_000,
        ear=False,
    )
    members: list[Member] = []
    coordinator: Member | None = None
    try:
        began = time.perf_counter()
        setup = provision_factory(network, terminal_assets=args.actors // 2 + 10)
        coordinator = Member(
            f"d1.tc{tag}",
            provision_service(network, f"d1.tc{tag}", GNodeRole.TimeCoordinator, on=setup),
        )
        for n in range(args.actors // 2):
            device = provision_device(network, f"d1.bench{tag}.h{n}", on=setup)
            members.append(Member(device.atomic_tnode_alias, device.atomic_tnode))
            members.append(Member(device.scada_alias, device.scada))
        provisioned = time.perf_counter() - began
        print(f"provisioned {len(members)} certified actors in {provisioned:.1f} s")
        chain = ChainContext.of(network.algod, setup.factory.app_id)
        algod = (network.algod.algod_address, network.algod.algod_token)
        rows = []
        for workers in args.workers:
            rate, memory = asyncio.run(
                _run(chain, config, coordinator, members, args.steps, workers, algod)
            )
            layout = "one process" if workers == 0 else f"{workers} workers + coordinator"
            rows.append((layout, len(members), args.steps, f"{rate:.2f}", f"{memory:.0f}"))
        print(
            format_table(
                ("layout", "actors", "steps", "steps/s", "coordinator process RSS MB"), rows
            )
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}; goal: >= 20 steps/s")
    finally:
        connection = connect(config)
        channel = connection.channel()
        for member in [*members, *([coordinator] if coordinator else [])]:
            channel.queue_delete(queue_name(config, member.alias))
        channel.queue_delete(config.dead_letter_queue)
        channel.exchange_delete(config.exchange)
        channel.exchange_delete(config.dead_letter_exchange)
        connection.close()
        network.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
