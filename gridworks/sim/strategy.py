"""How an AtomicTNode bids for a heat pump with a hot-water store: dynamic programming over the
store's energy on a rolling horizon (no I/O).

A `Strategy` turns the device's state and a forecast into a bid curve for the next slot. The
default, `StoreDP`, for the Millinocket plant (`gridworks.sim.plant`):

- the store's energy is a grid of `levels` points from empty to full; the electricity of an hour
  one of `actions` points from 0 to the heat pump's and boost's kW together;
- backwards over the forecast's hours 1..H-1, `value[t][level]` is the least cost from there to
  the horizon: electricity at the forecast price, plus unserved heat at `unserved_usd_per_mwh`
  (dearer than any electricity, so the plant buys at the cap rather than leave the house
  cold); the next state's value is read by linear interpolation between levels; nothing is
  worth anything after the horizon;
- for the bid, the first hour is solved again at each of a ladder of prices: at price `p` the
  plant would buy the electricity of the action that minimises ``p * kWh + value[1](next)``.
  Quantities are made non-increasing in price (a running maximum from the cap down), so the
  answer is a full `DemandCurve`: the power it would take at each price, not one point.

Prices are the retail $/MWh a home pays (real-time price plus distribution); quantities kW.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridworks.markets.bids import DemandCurve, Step
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.sim import plant
from gridworks.sim.millinocket_data import HouseType


class Forecast(BaseModel):
    """Hour by hour from the slot being bid for: retail price, outdoor temperature, heat need."""

    model_config = ConfigDict(frozen=True)

    price_usd_per_mwh: tuple[float, ...] = Field(min_length=1)
    outdoor_temp_f: tuple[float, ...]
    heat_demand_kw: tuple[float, ...]

    @model_validator(mode="after")
    def _same_length(self) -> Forecast:
        if not len(self.price_usd_per_mwh) == len(self.outdoor_temp_f) == len(self.heat_demand_kw):
            raise ValueError("a forecast gives each series for the same hours")
        return self

    @property
    def hours(self) -> int:
        return len(self.price_usd_per_mwh)


class Strategy(Protocol):
    """What any device's AtomicTNode implements: a bid for the next slot."""

    def bid(self, store_kwh: float, forecast: Forecast) -> DemandCurve: ...


class StoreDP:
    """The default strategy for a heat pump + boost + hot-water store (module docstring)."""

    def __init__(
        self,
        house: HouseType,
        *,
        levels: int = 25,
        actions: int = 9,
        unserved_usd_per_mwh: float = 2 * PRICE_CAP_USD_PER_MWH,
        ladder: int = 24,
    ) -> None:
        if levels < 2 or actions < 2 or ladder < 1:
            raise ValueError("levels and actions need at least 2 points, the ladder 1")
        self.house = house
        self.full = house.storable_kwh_th
        self.grid = [self.full * k / (levels - 1) for k in range(levels)]
        most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
        self.actions = [most * j / (actions - 1) for j in range(actions)]
        self.unserved = unserved_usd_per_mwh
        self.ladder = ladder

    def _interpolate(self, values: list[float], store: float) -> float:
        position = min(max(store, 0.0), self.full) / self.full * (len(self.grid) - 1)
        low = min(int(position), len(self.grid) - 2)
        share = position - low
        return values[low] * (1 - share) + values[low + 1] * share

    def _options(
        self, store: float, forecast: Forecast, t: int, after: list[float]
    ) -> list[tuple[float, float]]:
        """(kWh drawn, unserved cost + value after) for each action in hour `t`."""
        out = []
        for kw in self.actions:
            done = plant.step(
                self.house,
                store,
                electricity_kw=kw,
                outdoor_temp_f=forecast.outdoor_temp_f[t],
                heat_demand_kw=forecast.heat_demand_kw[t],
            )
            rest = done.unserved_kwh * self.unserved / 1000 + self._interpolate(
                after, done.store_kwh
            )
            out.append((done.used_kwh, rest))
        return out

    def values(self, forecast: Forecast) -> list[list[float]]:
        """`values[t][level]`: least cost from hour t at that level to the horizon."""
        hours = forecast.hours
        table = [[0.0] * len(self.grid) for _ in range(hours + 1)]
        for t in range(hours - 1, 0, -1):
            price = forecast.price_usd_per_mwh[t] / 1000
            table[t] = [
                min(kwh * price + rest for kwh, rest in self._options(e, forecast, t, table[t + 1]))
                for e in self.grid
            ]
        return table

    def bid(self, store_kwh: float, forecast: Forecast) -> DemandCurve:
        after = self.values(forecast)[1]
        options = self._options(store_kwh, forecast, 0, after)
        seen = sorted(set(forecast.price_usd_per_mwh))
        low, high = min(seen[0], 0.0) - 50.0, max(seen[-1], 0.0) * 2 + 50.0
        rungs = [low + (high - low) * k / self.ladder for k in range(self.ladder + 1)]
        prices = sorted({PRICE_CAP_USD_PER_MWH, *seen, *rungs}, reverse=True)
        steps: list[Step] = []
        taken = 0.0
        for price in prices:
            kwh, _ = min(options, key=lambda option: option[0] * price / 1000 + option[1])
            taken = max(taken, kwh)  # one hour: kWh drawn = kW
            if not steps or price == PRICE_CAP_USD_PER_MWH:
                steps.append(Step(price=price, quantity=taken))
            elif taken > steps[-1].quantity + 1e-9:
                steps.append(Step(price=price, quantity=taken))
        return DemandCurve(steps=tuple(steps))
