"""The actors of a Millinocket run: the PriceService and WeatherService, and each home's
AtomicTNode and Scada. (The MarketMaker and TimeCoordinator are the toolkit's own.)

One TimeCoordinator step is one market slot. At a step whose simulated time is `t`, the slot
starting at `t + LEAD_S` is opened:

1. the PriceService and WeatherService broadcast their forecasts from that slot on;
2. each AtomicTNode bids for it once it has both forecasts and its Scada's report of the slot
   before (the store at this slot's start): `StoreDP`'s curve, signed;
3. the MarketMaker clears the slot once every home has bid and sends each its award;
4. the AtomicTNode dispatches its Scada to its award, in whole watts;
5. the Scada runs its plant through the slot (`engine.run_plant`: the step stands for the slot's
   hour) and reports what its meters read, signed: the store at the slot's end, energy drawn,
   heat delivered and unserved.

Each receiver checks its counterparty (the verifier proves who sent a message; the actor decides
whether that GNode may tell it this): forecasts only from the services, awards only from the
MarketMaker, reports only from the home's own Scada, dispatch only from its own AtomicTNode, and a
report must be one the plant's physics can produce (IMPLAUSIBLE otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gridworks.actors.actor import Actor, CounterpartyError
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.messages import Dispatch, TimeStep
from gridworks.actors.scada import Scada
from gridworks.identity.envelope import MessageSigner, now_ms
from gridworks.identity.errors import IdentityError
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Verified
from gridworks.markets.market_types import MarketTypeName
from gridworks.markets.market_types import slot as make_slot
from gridworks.markets.messages import (
    Award,
    Bid,
    PlantReport,
    PriceForecast,
    WeatherForecast,
    price_channel,
    weather_channel,
)
from gridworks.sim import engine
from gridworks.sim.forecast import ForecastKind
from gridworks.sim.homes import Home
from gridworks.sim.results import HomeTrace
from gridworks.sim.strategy import StoreDP, Strategy

MARKET = MarketTypeName.rt60gate5
LEAD_S = 600
"""A step's simulated time is this long before the start of the slot it opens (the rt60gate5
gate closes 300 s before the slot)."""


class Implausible(IdentityError):
    reason = RejectReason.IMPLAUSIBLE


def opened_slot_start(now_s: int) -> int:
    start = now_s + LEAD_S
    return start - start % engine.SLOT_SECONDS


class _ForecastService(Actor):
    """Broadcasts a forecast from the slot each step opens (`forecast`), then is ready."""

    def __init__(self, alias: str, key: MessageSigner, *, kind: ForecastKind, **options: Any):
        super().__init__(alias, key, **options)
        self.kind = kind
        self.sent = 0

    @property
    def channel(self) -> str:
        raise NotImplementedError

    def forecast(self, start_s: int, issued_s: int) -> PriceForecast | WeatherForecast:
        raise NotImplementedError

    async def on_timestep(self, timestep: TimeStep) -> None:
        start = opened_slot_start(timestep.sim_time_s)
        await self.broadcast(self.channel, self.forecast(start, timestep.sim_time_s))
        self.sent += 1


class PriceService(_ForecastService):
    @property
    def channel(self) -> str:
        return price_channel(self.alias)

    def forecast(self, start_s: int, issued_s: int) -> PriceForecast:
        prices = engine.prices_ahead(engine.hour_at(start_s), self.kind)
        return PriceForecast(start_s=start_s, issued_s=issued_s, retail_usd_per_mwh=prices)


class WeatherService(_ForecastService):
    @property
    def channel(self) -> str:
        return weather_channel(self.alias)

    def forecast(self, start_s: int, issued_s: int) -> WeatherForecast:
        temps = engine.temperatures_ahead(engine.hour_at(start_s), self.kind)
        return WeatherForecast(start_s=start_s, issued_s=issued_s, outdoor_temp_f=temps)


class HomeTNode(AtomicTNode):
    """A home's AtomicTNode: bids from its strategy, dispatches its Scada, keeps its trace."""

    def __init__(
        self,
        home: Home,
        key: MessageSigner,
        *,
        market_maker: str,
        price_service: str,
        weather_service: str,
        kind: ForecastKind = ForecastKind.ADJUSTED,
        strategy: Strategy | None = None,
        on_report: Callable[[HomeTNode, PlantReport], None] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(home.atomic_tnode, key, **options)
        self.home = home
        self.market_maker = market_maker
        self.price_service = price_service
        self.weather_service = weather_service
        self.kind = kind
        self.strategy = strategy or StoreDP(home.house)
        self.on_report = on_report
        self.store_kwh = home.store_start_kwh_th
        self.trace = HomeTrace(alias=home.atomic_tnode, house=home.house_name)
        self._prices: dict[int, PriceForecast] = {}
        self._weather: dict[int, WeatherForecast] = {}
        self._reported: int | None = None
        """The start of the last slot the Scada reported on."""
        self._bid_for: set[int] = set()
        self._awards: dict[int, Award] = {}
        """Per slot start, the award dispatched and not yet reported on."""

    async def on_start(self) -> None:
        await self.subscribe(price_channel(self.price_service), self.price_service)
        await self.subscribe(weather_channel(self.weather_service), self.weather_service)

    async def handle(self, verified: Verified) -> None:
        message = verified.message
        if isinstance(message, PriceForecast):
            self.expect(verified, GNodeRole.PriceService)
            self._prices[message.start_s] = message
            await self._bid_when_ready(message.start_s)
        elif isinstance(message, WeatherForecast):
            self.expect(verified, GNodeRole.WeatherService)
            self._weather[message.start_s] = message
            await self._bid_when_ready(message.start_s)
        elif isinstance(message, Award):
            await self._take_award(verified, message)
        elif isinstance(message, PlantReport):
            await self._take_report(verified, message)
        else:
            await super().handle(verified)

    async def _bid_when_ready(self, start_s: int) -> None:
        prices, weather = self._prices.get(start_s), self._weather.get(start_s)
        if prices is None or weather is None or start_s in self._bid_for:
            return
        if self._bid_for and self._reported != start_s - engine.SLOT_SECONDS:
            return  # the store at the slot's start is not known yet: bid on the Scada's report
        hour = engine.hour_at(start_s)
        forecast = engine.forecast_for(
            self.home, hour, prices.retail_usd_per_mwh, weather.outdoor_temp_f, self.kind
        )
        curve = self.strategy.bid(self.store_kwh, forecast)
        self._bid_for.add(start_s)
        del self._prices[start_s], self._weather[start_s]
        slot = make_slot(MARKET, self.market_maker, start_s)
        await self.send(
            self.market_maker, Bid(slot=slot.name, terminal_asset=self.terminal_asset, curve=curve)
        )

    async def _take_award(self, verified: Verified, award: Award) -> None:
        if verified.sender.alias != self.market_maker:
            raise_counterparty(verified, f"awards come from {self.market_maker}")
        self.expect(verified, GNodeRole.MarketMaker)
        if award.terminal_asset != self.terminal_asset:
            raise ValueError(f"an award for {award.terminal_asset}, not this device")
        start = int(award.slot.rsplit(".", 1)[1])
        if start not in self._bid_for or start in self._awards:
            raise ValueError(f"an award for {award.slot}, which this home has no open bid for")
        self._awards[start] = award
        until_ms = (start + engine.SLOT_SECONDS) * 1000
        await self.send(
            self.scada,
            Dispatch(
                terminal_asset=self.terminal_asset,
                setpoint_w=engine.setpoint_w(award.quantity_kw),
                until_ms=until_ms,
            ),
        )

    async def _take_report(self, verified: Verified, report: PlantReport) -> None:
        self.expect(verified, GNodeRole.Scada, self.terminal_asset)
        if report.terminal_asset != self.terminal_asset:
            raise Implausible(f"a report about {report.terminal_asset}, not this device")
        why = engine.implausible(
            self.home, report.store_kwh_th, report.energy_kwh, report.unserved_kwh_th
        )
        if why is not None:
            raise Implausible(why)
        award = self._awards.get(report.slot_start_s)
        if award is None:
            raise Implausible(f"a report for slot {report.slot_start_s}, never dispatched")
        if report.energy_kwh > award.quantity_kw * (1 + 1e-6) + 1e-3:
            raise Implausible(
                f"{report.energy_kwh:g} kWh drawn on a dispatch of {award.quantity_kw:g} kW"
            )
        del self._awards[report.slot_start_s]
        self.store_kwh = report.store_kwh_th
        self._reported = report.slot_start_s
        engine.record(
            self.trace,
            award.price_usd_per_mwh,
            energy=report.energy_kwh,
            store=report.store_kwh_th,
            unserved=report.unserved_kwh_th,
        )
        if self.on_report is not None:
            self.on_report(self, report)
        await self._bid_when_ready(report.slot_start_s + engine.SLOT_SECONDS)


def raise_counterparty(verified: Verified, why: str) -> None:
    raise CounterpartyError(f"{verified.sender.alias} is not the counterparty: {why}")


class HomeScada(Scada):
    """A home's Scada: runs the plant through each slot it is dispatched for, and reports."""

    def __init__(self, home: Home, key: MessageSigner, **options: Any) -> None:
        super().__init__(home.scada, key, **options)
        self.home = home
        self.store_kwh = home.store_start_kwh_th
        self.ran: int | None = None
        """The start of the last slot it ran."""

    async def handle(self, verified: Verified) -> None:
        await super().handle(verified)  # checks the sender (its AtomicTNode) and the device
        message = verified.message
        if not isinstance(message, Dispatch):
            return
        start = message.until_ms // 1000 - engine.SLOT_SECONDS
        if self.ran is not None and start != self.ran + engine.SLOT_SECONDS:
            raise ValueError(
                f"a dispatch for the slot at {start}; the next to run is after {self.ran}"
            )
        hour = engine.hour_at(start)
        done = engine.run_plant(self.home, self.store_kwh, message.setpoint_w, hour)
        self.store_kwh = done.store_kwh
        self.ran = start
        await self.send(
            self.atomic_tnode,
            PlantReport(
                terminal_asset=self.terminal_asset,
                slot_start_s=start,
                store_kwh_th=done.store_kwh,
                energy_kwh=done.used_kwh,
                delivered_kwh_th=done.delivered_kwh,
                unserved_kwh_th=done.unserved_kwh,
                read_ms=now_ms(),
            ),
        )
