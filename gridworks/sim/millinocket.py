"""`gridworks sim millinocket`: homes with heat pumps and hot-water stores buy their energy in a
real market at the Keene Road node, over RabbitMQ, every message signed and verified against
the chain; then the same homes heat on demand (the baseline), and the two are compared.

The run, in order:

1. **Chain.** A GNodeFactory and a validator; ServiceCerts for the MarketMaker, PriceService,
   WeatherService and TimeCoordinator; then every home's TerminalAsset with its TaDeed (to its
   owner), TaTradingRights (to its AtomicTNode) and ScadaCert (to its Scada). Accounts are
   funded in batches (`funded_keys`).
2. **Broker.** A vhost of its own on the broker named by the URL, with one login for the
   process's actors (`broker_admin`'s host login: it may publish only as those actors); both
   are deleted at the end. The broker's administrator is found from the URL alone
   (`admin_for`: a dev broker's port gives its state directory).
3. **The market run** (`gridworks.sim.actors`): all actors on one `ActorHost`; the
   TimeCoordinator steps through the slots; a progress bar follows the clearings. With a
   `recorder` (`recorder_for`), each clearing with its bids, each home's report and the hosts'
   message counters are recorded as they come, for the dashboard (`gridworks.sim.dashboard`)
   and the report's charts.
4. **The baseline** (`engine.reference_run(baseline=True)`): the same homes, hours and feeder,
   each plant drawing on demand what keeps its store where it is, cleared by the same rules.
5. The results table, `--json`, and the report (PNG plots and one HTML file).

With `verify=True` the market run is also computed by `engine.reference_run` and must be equal,
float for float: the market's outcome does not depend on message timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from algosdk.v2client.algod import AlgodClient

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.broker import BrokerConfig
from gridworks.actors.broker_admin import admin_for
from gridworks.actors.host import ActorHost, HostStats, host_cache
from gridworks.actors.time_coordination import Finished, RunConfig
from gridworks.actors.time_coordinator import TimeCoordinator
from gridworks.contracts.factory import Factory
from gridworks.contracts.provision import TERMINAL_ASSET_COST, funded_keys
from gridworks.identity.keys import ActorKey
from gridworks.identity.roles import GNodeRole
from gridworks.markets.book import MarketBook
from gridworks.markets.clearing import Clearing
from gridworks.markets.market_maker import MarketMaker
from gridworks.markets.market_types import Slot
from gridworks.markets.messages import PlantReport
from gridworks.sandbox import Network
from gridworks.sim import adversaries, engine
from gridworks.sim.actors import LEAD_S, MARKET, HomeScada, HomeTNode, PriceService, WeatherService
from gridworks.sim.dashboard.recorder import Recorder
from gridworks.sim.dashboard.records import HomeRef, RunInfo
from gridworks.sim.forecast import ForecastKind
from gridworks.sim.homes import (
    MARKET_MAKER,
    PRICE_SERVICE,
    TIME_COORDINATOR,
    VALIDATOR,
    WEATHER_SERVICE,
    Home,
    make_homes,
)
from gridworks.sim.results import HomeTrace, Messages, RunOutcome, Summary

log = logging.getLogger(__name__)

FEEDER_KW_PER_HOME = 20.0
"""The feeder's import capacity when `--feeder-mw` is not given: 20 kW a home. The baseline's
homes draw 7.5 kW on average in the second week of January 2020 and 10.5 kW at their peak; the
market's homes, all seeing the same cheap hours, would each take up to their heat pump's and
boost element's kW together (up to 34.5 kW) in those hours, and the feeder is what stops them."""
HOME_ACCOUNT_MICRO_ALGOS = 1_000_000


class SimError(RuntimeError):
    """The run could not finish (the chain or broker refused, the time ran out...)."""


@dataclass(frozen=True)
class SimConfig:
    homes: int = 20
    days: float = 1.0
    start: str = "2020-01-06"
    seed: int = 1
    feeder_mw: float | None = None
    broker_url: str | None = None
    kind: ForecastKind = ForecastKind.ADJUSTED
    verify: bool = False
    adversaries: bool = True
    workers: int = 0
    """Worker processes for the homes' actors, besides this process (which runs the services
    and the first hosts' homes)."""
    """Send the bad input of `adversaries.strike` during the run (all of it must be refused)."""
    progress: bool = True

    @property
    def hours(self) -> int:
        return max(1, round(self.days * 24))

    @property
    def feeder_kw(self) -> float:
        if self.feeder_mw is not None:
            return self.feeder_mw * 1000
        return self.homes * FEEDER_KW_PER_HOME


@dataclass
class SimOutput:
    summary: Summary
    market: RunOutcome
    baseline: RunOutcome
    refused_by_reason: dict[str, int]
    reference_matches: bool | None = None
    """With `verify`: whether the market run equals `engine.reference_run` (None without)."""
    phases_s: dict[str, float] = field(default_factory=dict)
    """Wall seconds of each phase: chain, broker, market, baseline (and reference)."""


@dataclass
class Registry:
    """What the chain holds for the run, and the keys of the accounts that hold it."""

    factory: Factory
    services: dict[str, ActorKey]
    atomic_tnodes: dict[str, ActorKey]
    scadas: dict[str, ActorKey]
    impostor: ActorKey
    """A funded account that holds no certificate (the adversaries' valid key)."""


def register(network: Network, homes: list[Home], say: Callable[[str], None]) -> Registry:
    """Every GNode of the run on chain: the factory and validator, the services, the homes."""
    admin, *service_keys, impostor = funded_keys(network, 6, 50_000_000)
    # the validator pays each TerminalAsset's deposit (about 0.3 Algo)
    (validator,) = funded_keys(network, 1, 50_000_000 + len(homes) * TERMINAL_ASSET_COST)
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, VALIDATOR)
    services = {
        MARKET_MAKER: (GNodeRole.MarketMaker, service_keys[0]),
        PRICE_SERVICE: (GNodeRole.PriceService, service_keys[1]),
        WEATHER_SERVICE: (GNodeRole.WeatherService, service_keys[2]),
        TIME_COORDINATOR: (GNodeRole.TimeCoordinator, service_keys[3]),
    }
    for alias, (role, key) in services.items():
        factory.certify_service(admin, alias, role, key)
    say(f"chain: GNodeFactory app {factory.app_id}, validator and 4 services certified")
    keys = funded_keys(network, 3 * len(homes), HOME_ACCOUNT_MICRO_ALGOS)
    atomic_tnodes, scadas = {}, {}
    began = time.perf_counter()
    for index, home in enumerate(homes):
        owner, trader, scada = keys[3 * index : 3 * index + 3]
        factory.create_terminal_asset(validator, home.terminal_asset, owner, trader)
        factory.issue_scada_cert(owner, home.terminal_asset, scada)
        atomic_tnodes[home.atomic_tnode], scadas[home.scada] = trader, scada
    say(
        f"chain: {len(homes)} TerminalAssets with TaDeed, TaTradingRights and ScadaCert "
        f"in {time.perf_counter() - began:.1f} s"
    )
    return Registry(
        factory=factory,
        services={alias: key for alias, (_, key) in services.items()},
        atomic_tnodes=atomic_tnodes,
        scadas=scadas,
        impostor=impostor,
    )


@dataclass
class Progress:
    """A text progress bar on stderr, moved by each clearing."""

    total: int
    enabled: bool = True
    done: int = 0
    began: float = field(default_factory=time.perf_counter)

    def step(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        elapsed = time.perf_counter() - self.began
        line = (
            f"\r  market [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} h"
            f"  {elapsed:6.1f} s"
        )
        sys.stderr.write(line + ("\n" if self.done >= self.total else ""))
        sys.stderr.flush()


HOST_SIZE = 100
"""Actors per host login and `ActorHost` (one broker connection each): a login's permissions
are a regular expression naming its actors, and RabbitMQ refuses one naming hundreds."""


def host_groups(run: str, services: list[str], homes: list[Home]) -> dict[str, list[str]]:
    """The run's actors in hosts of at most `HOST_SIZE`, a home's two actors in the same host,
    the services in the first; named after the run (`<run>-<n>`), so that runs sharing a broker
    never share a login (re-provisioning a login gives it a new password, and a run's end
    deletes its logins)."""
    groups: list[list[str]] = [list(services)]
    for home in homes:
        if len(groups[-1]) + 2 > HOST_SIZE:
            groups.append([])
        groups[-1] += [home.atomic_tnode, home.scada]
    return {f"{run}-{index}": group for index, group in enumerate(groups)}


class _Broker:
    """The run's own vhost and host logins on the broker at `url`; removed by `close`."""

    def __init__(self, url: str | None, run_name: str, groups: dict[str, list[str]]) -> None:
        base = BrokerConfig() if url is None else BrokerConfig(url=url)
        self.admin = admin_for(base.url)
        self.vhost = f"gridworks-{run_name}"
        self._folder = tempfile.TemporaryDirectory(prefix="gridworks-sim-")
        self.logins = self.admin.provision(
            [], vhost=self.vhost, logins_file=Path(self._folder.name) / "logins.json", hosts=groups
        )
        self.configs = {
            name: BrokerConfig(url=self.logins.url(f"host:{name}"), declare_topology=False)
            for name in groups
        }

    @property
    def where(self) -> str:
        return next(iter(self.configs.values())).where

    def close(self) -> None:
        try:
            self.admin.delete_vhost(self.vhost)
            self.admin.delete_users(self.logins)
        finally:
            self._folder.cleanup()


def _hours(config: SimConfig) -> tuple[int, int]:
    """The run's first hour (an index into the data) and how many hours it runs."""
    start_hour = engine.first_hour(config.start)
    return start_hour, min(config.hours, len(engine.retail_series()) - start_hour)


def recorder_for(config: SimConfig) -> Recorder:
    """A dashboard recorder for the run `config` describes (pass it to `run`)."""
    start_hour, hours = _hours(config)
    homes = make_homes(config.homes, config.seed)
    info = RunInfo(
        homes=len(homes),
        hours=hours,
        start_s=engine.slot_start_s(start_hour),
        feeder_kw=config.feeder_kw,
    )
    return Recorder(info, [HomeRef(alias=h.atomic_tnode, house=h.house_name) for h in homes])


def run(
    network: Network,
    config: SimConfig,
    say: Callable[[str], None] = print,
    recorder: Recorder | None = None,
) -> SimOutput:
    """The whole run on `network` (see the module docstring); `recorder` (from
    `recorder_for`) is told of each clearing, home report and the message counts as they come."""
    began = time.perf_counter()
    homes = make_homes(config.homes, config.seed)
    start_hour, hours = _hours(config)
    if recorder is not None:
        recorder.phase("chain")
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 3)
        mark = now

    registry = register(network, homes, say)
    lap("chain")
    if recorder is not None:
        recorder.phase("broker")
    run_name = f"sim-{uuid.uuid4().hex[:10]}"
    groups = host_groups(run_name, list(registry.services), homes)
    broker = _Broker(config.broker_url, run_name, groups)
    say(
        f"broker: {broker.where} (a vhost of this run's own), {len(groups)} host logins, "
        "each allowed to publish only as its actors"
    )
    lap("broker")
    if recorder is not None:
        recorder.phase("market")
    try:
        with tempfile.TemporaryDirectory(prefix="gridworks-book-") as folder:
            with MarketBook(Path(folder) / "book.sqlite") as book:
                market, stats = asyncio.run(
                    _market_run(
                        network,
                        registry,
                        broker.configs,
                        groups,
                        homes,
                        start_hour,
                        hours,
                        book,
                        config,
                        recorder,
                    )
                )
        lap("market")
        say(
            f"market: {hours} h of {len(homes)} homes in {phases['market']:.1f} s "
            f"({hours * len(homes) / phases['market']:,.0f} home-hours/s, "
            f"{stats.published / phases['market']:,.0f} messages/s sent)"
        )
    finally:
        broker.close()
    if recorder is not None:
        recorder.finish(market)
        recorder.phase("baseline")
    baseline = engine.reference_run(homes, start_hour, hours, config.feeder_kw, baseline=True)
    lap("baseline")
    matches = None
    if config.verify:
        reference = engine.reference_run(
            homes, start_hour, hours, config.feeder_kw, kind=config.kind
        )
        lap("reference")
        matches = reference.model_dump() == market.model_dump()
    summary = Summary.of(
        market,
        baseline,
        seed=config.seed,
        feeder_limit_mw=config.feeder_kw / 1000,
        messages=Messages(
            sent=stats.published, verified=stats.accepted, refused=stats.refused_total
        ),
        wall_s=round(time.perf_counter() - began, 3),
    )
    if recorder is not None:
        recorder.messages(stats.published, stats.accepted, stats.refused)
        recorder.phase("done")
    return SimOutput(summary, market, baseline, dict(stats.refused), matches, phases)


async def _settle(done: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise SimError(f"{what} did not arrive within {timeout_s:g} s")
        await asyncio.sleep(0.02)


async def _strike_once_open(
    host: ActorHost, market_maker: MarketMaker, homes: list[Home], registry: Registry
) -> list[str]:
    """The bad input, sent once the market has opened its first slot."""
    await _settle(lambda: bool(market_maker.open or market_maker.cleared), "the first slot")
    first = (
        min(slot.start_s for slot in [*market_maker.open.values()])
        if market_maker.open
        else (min(int(name.rsplit(".", 1)[1]) for name in market_maker.cleared))
    )
    keys = {**registry.atomic_tnodes, **registry.scadas}
    return await adversaries.strike(host, homes, keys, registry.impostor, first)


async def _market_run(
    network: Network,
    registry: Registry,
    brokers: dict[str, BrokerConfig],
    groups: dict[str, list[str]],
    homes: list[Home],
    start_hour: int,
    hours: int,
    book: MarketBook,
    config: SimConfig,
    recorder: Recorder | None = None,
):  # type: ignore[no-untyped-def]
    chain = ChainContext.of(network.algod, registry.factory.app_id)
    keys = registry.services
    progress = Progress(hours, enabled=config.progress)
    clearings: dict[int, Clearing] = {}

    feeder_kw = config.feeder_kw

    def cleared(slot: Slot, clearing: Clearing) -> None:
        clearings[slot.start_s] = clearing
        progress.step()
        if recorder is not None:
            recorder.cleared(
                slot.name,
                slot.start_s,
                clearing,
                book.live_bids(slot.name),
                grid_usd_per_mwh=engine.retail_series()[engine.hour_at(slot.start_s)],
                feeder_kw=feeder_kw,
            )

    market_maker = MarketMaker(
        MARKET_MAKER,
        keys[MARKET_MAKER],
        market=MARKET,
        bidders={home.atomic_tnode: home.terminal_asset for home in homes},
        supply=lambda slot: (engine.retail_series()[engine.hour_at(slot.start_s)], feeder_kw),
        book=book,
        lead_s=LEAD_S,
        on_clearing=cleared,
        time_coordinator=TIME_COORDINATOR,
    )
    services: list[Actor] = [
        market_maker,
        PriceService(
            PRICE_SERVICE, keys[PRICE_SERVICE], kind=config.kind, time_coordinator=TIME_COORDINATOR
        ),
        WeatherService(
            WEATHER_SERVICE,
            keys[WEATHER_SERVICE],
            kind=config.kind,
            time_coordinator=TIME_COORDINATOR,
        ),
    ]
    local_groups, worker_groups = place_groups(groups, config.workers)
    local_aliases = {alias for name in local_groups for alias in groups[name]}
    local_homes = [home for home in homes if home.atomic_tnode in local_aliases]
    tnodes, scadas = home_actors(
        local_homes,
        registry.atomic_tnodes,
        registry.scadas,
        config.kind,
        on_report=None if recorder is None else _reported_to(recorder),
    )
    coordinator = TimeCoordinator(
        TIME_COORDINATOR,
        keys[TIME_COORDINATOR],
        RunConfig(
            run_id=f"millinocket-{uuid.uuid4().hex[:8]}",
            roster=frozenset(actor.alias for actor in services),
            start_s=engine.slot_start_s(start_hour) - LEAD_S,
            step_seconds=engine.SLOT_SECONDS,
            steps=hours,
            resend_after_s=5.0,
            max_tries=12,
        ),
    )
    actors: list[Actor] = [coordinator, *services, *tnodes, *scadas]
    by_alias = {actor.alias: actor for actor in actors}
    workers = [
        _Worker.start(
            WorkerSpec(
                algod_address=network.algod.algod_address,
                algod_token=network.algod.algod_token,
                factory_app_id=registry.factory.app_id,
                genesis_hash=chain.genesis_hash,
                homes=[home for home in homes if home.atomic_tnode in aliases],
                private_keys={
                    alias: key.private_key
                    for alias, key in {**registry.atomic_tnodes, **registry.scadas}.items()
                    if alias in aliases
                },
                groups={name: groups[name] for name in names},
                brokers={name: brokers[name] for name in names},
                hours=hours,
                kind=config.kind,
                live=recorder is not None,
            ),
            on_report=None if recorder is None else recorder.reported,
        )
        for names in worker_groups
        for aliases in [{alias for name in names for alias in groups[name]}]
    ]
    try:
        async with contextlib.AsyncExitStack() as stack:
            cache = stack.enter_context(host_cache(chain).start())  # one for all the hosts
            hosts = [
                await stack.enter_async_context(
                    ActorHost(
                        chain,
                        brokers[name],
                        actors=[by_alias[a] for a in groups[name]],
                        cache=cache,
                    )
                )
                for name in local_groups
            ]
            for worker in workers:
                await worker.started()
                worker.follow()

            def refused() -> int:
                return sum(host.stats.refused_total for host in hosts)

            sampling = None
            if recorder is not None:
                sampling = asyncio.get_running_loop().create_task(_sample(recorder, hosts, workers))
            attacks = None
            if config.adversaries:  # the first host's login may speak for the first homes
                attacks = asyncio.get_running_loop().create_task(
                    _strike_once_open(hosts[0], market_maker, homes, registry)
                )
            try:
                ended = await coordinator.run()
            finally:
                if sampling is not None:
                    sampling.cancel()
            if not isinstance(ended, Finished):
                raise SimError(f"the run stopped: {ended.reason}")
            sent = await attacks if attacks is not None else []
            await _settle(
                lambda: (
                    all(len(t.trace.energy_kwh) >= hours for t in tnodes) and refused() >= len(sent)
                ),
                "the homes' last reports and the refusals of the bad input",
            )
            stats = HostStats()
            for host in hosts:
                add_stats(stats, host.stats)
            traces = {t.alias: t.trace for t in tnodes}
            for worker in workers:
                their_traces, their_stats = await worker.finished()
                traces.update(their_traces)
                add_stats(stats, their_stats)
    finally:
        for worker in workers:
            worker.stop()
    outcome = RunOutcome(name="market", homes=[traces[home.atomic_tnode] for home in homes])
    for index, hour in enumerate(range(start_hour, start_hour + hours)):
        load = sum(trace.energy_kwh[index] for trace in outcome.homes)
        clearing = clearings[engine.slot_start_s(hour)]
        outcome.slots.append(engine.slot_record(hour, clearing, load))
    return outcome, stats


def _reported_to(recorder: Recorder) -> Callable[[HomeTNode, PlantReport], None]:
    def reported(tnode: HomeTNode, report: PlantReport) -> None:
        recorder.reported(tnode.alias, report.slot_start_s, report.store_kwh_th, report.energy_kwh)

    return reported


SAMPLE_S = 0.5
"""How often the dashboard's message counters are read while the market runs."""


async def _sample(recorder: Recorder, hosts: list[ActorHost], workers: list[_Worker]) -> None:
    """The hosts' message counters into `recorder`, every `SAMPLE_S` (until cancelled): the
    local hosts' now, the worker processes' as they last sent them."""
    while True:
        stats = HostStats()
        for host in hosts:
            add_stats(stats, host.stats)
        for worker in workers:
            add_stats(stats, worker.stats)
        recorder.messages(stats.published, stats.accepted, stats.refused)
        await asyncio.sleep(SAMPLE_S)


def add_stats(total: HostStats, more: HostStats) -> None:
    total.accepted += more.accepted
    total.refused.update(more.refused)
    total.duplicates += more.duplicates
    total.published += more.published


def home_actors(
    homes: list[Home],
    atomic_tnode_keys: dict[str, ActorKey],
    scada_keys: dict[str, ActorKey],
    kind: ForecastKind,
    on_report: Callable[[HomeTNode, PlantReport], None] | None = None,
) -> tuple[list[HomeTNode], list[HomeScada]]:
    tnodes = [
        HomeTNode(
            home,
            atomic_tnode_keys[home.atomic_tnode],
            market_maker=MARKET_MAKER,
            price_service=PRICE_SERVICE,
            weather_service=WEATHER_SERVICE,
            kind=kind,
            on_report=on_report,
        )
        for home in homes
    ]
    return tnodes, [HomeScada(home, scada_keys[home.scada]) for home in homes]


def place_groups(groups: dict[str, list[str]], workers: int) -> tuple[list[str], list[list[str]]]:
    """The host groups this process runs (the first, with the services, and its share), and
    each worker process's."""
    names = list(groups)
    processes = max(0, workers)
    shares: list[list[str]] = [[] for _ in range(processes + 1)]
    for index, name in enumerate(names):
        shares[index % (processes + 1)].append(name)
    return shares[0], [share for share in shares[1:] if share]


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to run its homes' actors (picklable)."""

    algod_address: str
    algod_token: str = field(repr=False)
    factory_app_id: int
    genesis_hash: str
    homes: list[Home]
    private_keys: dict[str, str] = field(repr=False)
    """The homes' keys, for the worker's memory only: a spawned child gets its arguments
    through a pipe from its parent, never a file or a log (`ActorKey` refuses to pickle so that
    nothing else does this by accident)."""
    groups: dict[str, list[str]]
    brokers: dict[str, BrokerConfig]
    hours: int
    kind: ForecastKind
    live: bool = False
    """Send `WorkerProgress` every `SAMPLE_S` (for the dashboard), not only the results."""


HomeReport = tuple[str, int, float, float]
"""A home's report as `Recorder.reported` takes it: alias, slot start, store kWh, energy kWh."""


@dataclass
class WorkerProgress:
    """What a live worker sends every `SAMPLE_S`: its homes' reports since the last, and its
    hosts' counters so far."""

    reports: list[HomeReport]
    stats: HostStats


FINISH_TIMEOUT_S = 120.0
"""How long the run waits for a worker's results once its own homes have reported."""


class _Worker:
    """A process running some homes' actors; it sends back their traces and host stats and,
    when live, its `WorkerProgress` as the run goes (passed on to `on_report`, and `stats`)."""

    def __init__(
        self,
        process: multiprocessing.process.BaseProcess,
        conn: Connection,
        on_report: Callable[[str, int, float, float], None] | None = None,
    ) -> None:
        self.process = process
        self.conn = conn
        self.on_report = on_report
        self.stats = HostStats()
        """Its hosts' counters as it last sent them."""
        self._results: asyncio.Task[Any] | None = None

    @classmethod
    def start(
        cls, spec: WorkerSpec, on_report: Callable[[str, int, float, float], None] | None = None
    ) -> _Worker:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(spec, child), daemon=True)
        process.start()
        child.close()
        return cls(process, parent, on_report)

    async def _receive(self, expected: str, timeout_s: float) -> Any:
        """The next message but progress (which is applied as it comes)."""
        deadline = time.monotonic() + timeout_s
        while True:
            while not self.conn.poll():
                if not self.process.is_alive():
                    raise SimError(f"a worker process ended (exit code {self.process.exitcode})")
                if time.monotonic() > deadline:
                    raise SimError(f"a worker process did not report {expected} in {timeout_s:g} s")
                await asyncio.sleep(0.02)
            try:
                kind, value = self.conn.recv()
            except EOFError:  # it died (its end of the pipe closed with it)
                self.process.join(5)
                raise SimError(
                    f"a worker process ended (exit code {self.process.exitcode})"
                ) from None
            if kind == "progress":
                self._progress(value)
                continue
            if kind == "error":
                raise SimError(f"a worker process failed: {value}")
            if kind != expected:
                raise SimError(f"a worker process said {kind}, not {expected}")
            return value

    def _progress(self, progress: WorkerProgress) -> None:
        self.stats = progress.stats
        if self.on_report is not None:
            for report in progress.reports:
                self.on_report(*report)

    async def started(self) -> None:
        await self._receive("started", 300)

    def follow(self) -> None:
        """Read its messages from now on (progress as it comes, so that the pipe never fills
        and stalls the worker), until its results."""
        self._results = asyncio.get_running_loop().create_task(self._receive("done", float("inf")))

    async def finished(self) -> tuple[dict[str, HomeTrace], HostStats]:
        if self._results is None:
            self.follow()
        assert self._results is not None
        try:
            traces, stats = await asyncio.wait_for(asyncio.shield(self._results), FINISH_TIMEOUT_S)
        except TimeoutError:
            raise SimError(
                f"a worker process did not report done in {FINISH_TIMEOUT_S:g} s"
            ) from None
        self.stats = stats
        return traces, stats

    def stop(self) -> None:
        if self._results is not None and not self._results.done():
            self._results.cancel()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(10)


def _worker_main(spec: WorkerSpec, conn: Connection) -> None:
    logging.getLogger("gridworks.actors").setLevel(logging.ERROR)
    try:
        traces, stats = asyncio.run(_worker_run(spec, conn))
        conn.send(("done", (traces, stats)))
    except Exception as error:  # told to the parent, which fails the run with it
        conn.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


async def _worker_run(spec: WorkerSpec, conn: Connection) -> tuple[dict[str, HomeTrace], HostStats]:
    chain = ChainContext(
        AlgodClient(spec.algod_token, spec.algod_address), spec.factory_app_id, spec.genesis_hash
    )
    keys = {alias: ActorKey.from_private_key(value) for alias, value in spec.private_keys.items()}
    reports: list[HomeReport] = []

    def reported(tnode: HomeTNode, report: PlantReport) -> None:
        reports.append((tnode.alias, report.slot_start_s, report.store_kwh_th, report.energy_kwh))

    tnodes, scadas = home_actors(
        spec.homes, keys, keys, spec.kind, on_report=reported if spec.live else None
    )
    by_alias: dict[str, Actor] = {actor.alias: actor for actor in [*tnodes, *scadas]}
    stats = HostStats()
    async with contextlib.AsyncExitStack() as stack:
        cache = stack.enter_context(host_cache(chain).start())
        hosts = [
            await stack.enter_async_context(
                ActorHost(
                    chain, spec.brokers[name], actors=[by_alias[a] for a in group], cache=cache
                )
            )
            for name, group in spec.groups.items()
        ]
        conn.send(("started", None))
        parent = multiprocessing.parent_process()

        def send_progress() -> None:
            counters = HostStats()
            for host in hosts:
                add_stats(counters, host.stats)
            conn.send(("progress", WorkerProgress(reports=list(reports), stats=counters)))
            reports.clear()

        next_progress = time.monotonic() + SAMPLE_S
        while not all(len(t.trace.energy_kwh) >= spec.hours for t in tnodes):
            if parent is not None and not parent.is_alive():
                raise SimError("the run's process is gone")  # never outlive it
            if spec.live and time.monotonic() >= next_progress:
                send_progress()
                next_progress = time.monotonic() + SAMPLE_S
            await asyncio.sleep(0.05)
        if reports:  # the last ones, before the results
            send_progress()
        for host in hosts:
            add_stats(stats, host.stats)
    return {t.alias: t.trace for t in tnodes}, stats
