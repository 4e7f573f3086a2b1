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
   TimeCoordinator steps through the slots; a progress bar follows the clearings.
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
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.broker import BrokerConfig
from gridworks.actors.broker_admin import admin_for
from gridworks.actors.host import ActorHost, HostStats
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
from gridworks.sandbox import Network
from gridworks.sim import adversaries, engine
from gridworks.sim.actors import LEAD_S, MARKET, HomeScada, HomeTNode, PriceService, WeatherService
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
from gridworks.sim.results import Messages, RunOutcome, Summary

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


def host_groups(services: list[str], homes: list[Home]) -> dict[str, list[str]]:
    """The run's actors in hosts of at most `HOST_SIZE`, a home's two actors in the same host,
    the services in the first."""
    groups: list[list[str]] = [list(services)]
    for home in homes:
        if len(groups[-1]) + 2 > HOST_SIZE:
            groups.append([])
        groups[-1] += [home.atomic_tnode, home.scada]
    return {f"sim-{index}": group for index, group in enumerate(groups)}


class _Broker:
    """The run's own vhost and host logins on the broker at `url`; removed by `close`."""

    def __init__(self, url: str | None, groups: dict[str, list[str]]) -> None:
        base = BrokerConfig() if url is None else BrokerConfig(url=url)
        self.admin = admin_for(base.url)
        self.vhost = f"gridworks-sim-{uuid.uuid4().hex[:10]}"
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


def run(network: Network, config: SimConfig, say: Callable[[str], None] = print) -> SimOutput:
    """The whole run on `network` (see the module docstring)."""
    began = time.perf_counter()
    homes = make_homes(config.homes, config.seed)
    start_hour = engine.first_hour(config.start)
    hours = min(config.hours, len(engine.retail_series()) - start_hour)
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 3)
        mark = now

    registry = register(network, homes, say)
    lap("chain")
    groups = host_groups(list(registry.services), homes)
    broker = _Broker(config.broker_url, groups)
    say(
        f"broker: {broker.where} (a vhost of this run's own), {len(groups)} host logins, "
        "each allowed to publish only as its actors"
    )
    lap("broker")
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
):  # type: ignore[no-untyped-def]
    chain = ChainContext.of(network.algod, registry.factory.app_id)
    keys = registry.services
    progress = Progress(hours, enabled=config.progress)
    clearings: dict[int, Clearing] = {}

    def cleared(slot: Slot, clearing: Clearing) -> None:
        clearings[slot.start_s] = clearing
        progress.step()

    feeder_kw = config.feeder_kw
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
    tnodes = [
        HomeTNode(
            home,
            registry.atomic_tnodes[home.atomic_tnode],
            market_maker=MARKET_MAKER,
            price_service=PRICE_SERVICE,
            weather_service=WEATHER_SERVICE,
            kind=config.kind,
        )
        for home in homes
    ]
    scadas = [HomeScada(home, registry.scadas[home.scada]) for home in homes]
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
    async with contextlib.AsyncExitStack() as stack:
        hosts = [
            await stack.enter_async_context(
                ActorHost(chain, brokers[name], actors=[by_alias[a] for a in group])
            )
            for name, group in groups.items()
        ]

        def refused() -> int:
            return sum(host.stats.refused_total for host in hosts)

        attacks = None
        if config.adversaries:  # the first host's login may speak for the first homes
            attacks = asyncio.get_running_loop().create_task(
                _strike_once_open(hosts[0], market_maker, homes, registry)
            )
        ended = await coordinator.run()
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
            stats.accepted += host.stats.accepted
            stats.refused.update(host.stats.refused)
            stats.duplicates += host.stats.duplicates
            stats.published += host.stats.published
    outcome = RunOutcome(name="market", homes=[t.trace for t in tnodes])
    for index, hour in enumerate(range(start_hour, start_hour + hours)):
        load = sum(t.trace.energy_kwh[index] for t in tnodes)
        clearing = clearings[engine.slot_start_s(hour)]
        outcome.slots.append(engine.slot_record(hour, clearing, load))
    return outcome, stats
