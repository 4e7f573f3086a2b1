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
  Quantities are made non-increasing in price (a running maximum from the cap down) and rounded
  to `QUANTITY_DECIMALS` (no steps of float noise), so the answer is a full `DemandCurve`: the
  power it would take at each price, not one point.

The work is numpy arrays: `step_arrays` is `plant.step` for arrays of stores and electricity, so
the physics of every hour, level and action is one computation and the backward pass a few array
operations an hour. Homes of the same house type bid with the same forecast in the same hour, so
the value table is shared between `StoreDP`s through a bounded cache (`value_table`, keyed on the
house type, the grid sizes, the unserved price and the forecast's three series): a second such
home does only the first hour. The same inputs give the bit-identical curve.

Prices are the retail $/MWh a home pays (real-time price plus distribution); quantities kW.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridworks.markets.bids import DemandCurve, Step
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.sim import plant
from gridworks.sim.millinocket_data import HouseType

QUANTITY_DECIMALS = 6
"""Bid quantities are rounded to 1e-6 kW."""
VALUE_TABLES_CACHED = 512
"""How many value tables `value_table` keeps (least recently used dropped first)."""

Floats = NDArray[np.float64]


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


class Steps(NamedTuple):
    """`plant.Step`'s fields as arrays (one entry per store and action broadcast together)."""

    store_kwh: Floats
    used_kwh: Floats
    heatpump_kwh: Floats
    boost_kwh: Floats
    delivered_kwh: Floats
    unserved_kwh: Floats
    lost_kwh: Floats


def step_arrays(
    house: HouseType,
    store_kwh: ArrayLike,
    *,
    electricity_kw: ArrayLike,
    outdoor_temp_f: ArrayLike,
    heat_demand_kw: ArrayLike,
    hours: float = 1.0,
) -> Steps:
    """`plant.step` for arrays: the arguments broadcast together, each entry the step from that
    store with that electricity, weather and need (the same operations in the same order, so
    the same floats as `plant.step`)."""
    if hours <= 0:
        raise ValueError("a step lasts a positive time")
    full = house.storable_kwh_th
    heatpump_ceiling = plant.heatpump_ceiling_kwh(house)
    store = np.minimum(np.maximum(np.asarray(store_kwh, dtype=np.float64), 0.0), full)
    offset = plant.loss_offset_kwh(house)
    lost = np.minimum(store, house.store_passive_loss_ratio * hours * (store + offset))
    store = store - lost
    budget = np.maximum(0.0, np.asarray(electricity_kw, dtype=np.float64)) * hours
    share = (np.asarray(outdoor_temp_f, dtype=np.float64) - house.cop1_temp_f) / (
        house.cop4_temp_f - house.cop1_temp_f
    )
    cop = 1.0 + 3.0 * np.minimum(1.0, np.maximum(0.0, share))
    hp_kwh = np.minimum(
        np.minimum(budget, house.rated_heatpump_electricity_kw * hours),
        np.maximum(0.0, heatpump_ceiling - store) / cop,
    )
    store = store + hp_kwh * cop
    boost_kwh = np.minimum(
        np.minimum(budget - hp_kwh, house.store_max_power_kw * hours),
        np.maximum(0.0, full - store),
    )
    store = store + boost_kwh
    need = np.maximum(0.0, np.asarray(heat_demand_kw, dtype=np.float64)) * hours
    delivered = np.minimum(need, store)
    store = store - delivered
    shape = np.broadcast_shapes(store.shape, need.shape, hp_kwh.shape)
    return Steps(
        *(
            np.broadcast_to(a, shape)
            for a in (
                store,
                hp_kwh + boost_kwh,
                hp_kwh,
                boost_kwh,
                delivered,
                need - delivered,
                lost,
            )
        )
    )


def _grid(full: float, levels: int) -> Floats:
    return np.array([full * k / (levels - 1) for k in range(levels)])


def _actions(house: HouseType, actions: int) -> Floats:
    most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
    return np.array([most * j / (actions - 1) for j in range(actions)])


def _interpolate(values: Floats, store: Floats, full: float) -> Floats:
    """`values` (one per level) read at `store` by linear interpolation between levels."""
    position = np.minimum(np.maximum(store, 0.0), full) / full * (len(values) - 1)
    low = np.minimum(position.astype(np.int64), len(values) - 2)
    share = position - low
    return values[low] * (1 - share) + values[low + 1] * share


def _options(
    house: HouseType,
    store: ArrayLike,
    kw: Floats,
    unserved_usd_per_mwh: float,
    outdoor_temp_f: ArrayLike,
    heat_demand_kw: ArrayLike,
    after: Floats,
) -> tuple[Floats, Floats]:
    """(kWh drawn, unserved cost + value after) for each store (rows) and action (columns)."""
    done = step_arrays(
        house,
        np.asarray(store, dtype=np.float64)[..., None],
        electricity_kw=kw,
        outdoor_temp_f=np.asarray(outdoor_temp_f, dtype=np.float64)[..., None],
        heat_demand_kw=np.asarray(heat_demand_kw, dtype=np.float64)[..., None],
    )
    rest = done.unserved_kwh * unserved_usd_per_mwh / 1000 + _interpolate(
        after, done.store_kwh, house.storable_kwh_th
    )
    return done.used_kwh, rest


@lru_cache(maxsize=VALUE_TABLES_CACHED)
def value_table(
    house: HouseType,
    levels: int,
    actions: int,
    unserved_usd_per_mwh: float,
    price_usd_per_mwh: tuple[float, ...],
    outdoor_temp_f: tuple[float, ...],
    heat_demand_kw: tuple[float, ...],
) -> Floats:
    """`table[t, level]`: least cost from hour t at that level to the horizon (hours 1..H-1;
    rows 0 and H are 0), shared by every `StoreDP` asking with the same arguments (read-only)."""
    hours = len(price_usd_per_mwh)
    full = house.storable_kwh_th
    grid = _grid(full, levels)
    kw = _actions(house, actions)
    table = np.zeros((hours + 1, levels))
    if hours > 1:
        # the physics of every hour 1..H-1, level and action at once: (hour, level, action)
        done = step_arrays(
            house,
            grid[None, :, None],
            electricity_kw=kw,
            outdoor_temp_f=np.asarray(outdoor_temp_f[1:])[:, None, None],
            heat_demand_kw=np.asarray(heat_demand_kw[1:])[:, None, None],
        )
        bought = done.used_kwh * (np.asarray(price_usd_per_mwh[1:]) / 1000)[:, None, None]
        unserved = done.unserved_kwh * unserved_usd_per_mwh / 1000
        position = np.minimum(np.maximum(done.store_kwh, 0.0), full) / full * (levels - 1)
        low = np.minimum(position.astype(np.int64), levels - 2)
        share = position - low
        for t in range(hours - 1, 0, -1):
            after = table[t + 1]
            i = t - 1
            rest = unserved[i] + (after[low[i]] * (1 - share[i]) + after[low[i] + 1] * share[i])
            table[t] = (bought[i] + rest).min(axis=1)
    table.flags.writeable = False
    return table


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
        self.levels = levels
        self.grid = _grid(self.full, levels).tolist()
        self._kw = _actions(house, actions)
        self.actions = self._kw.tolist()
        self.unserved = unserved_usd_per_mwh
        self.ladder = ladder

    def _table(self, forecast: Forecast) -> Floats:
        return value_table(
            self.house,
            self.levels,
            len(self.actions),
            self.unserved,
            forecast.price_usd_per_mwh,
            forecast.outdoor_temp_f,
            forecast.heat_demand_kw,
        )

    def values(self, forecast: Forecast) -> list[list[float]]:
        """`values[t][level]`: least cost from hour t at that level to the horizon."""
        return self._table(forecast).tolist()

    def first_hour(self, store_kwh: float, forecast: Forecast) -> tuple[Floats, Floats]:
        """For each action of the first hour from `store_kwh`: (kWh drawn, unserved cost + value
        after); at price `p` ($/MWh) an action costs ``kWh * p / 1000 + rest``."""
        kwh, rest = _options(
            self.house,
            store_kwh,
            self._kw,
            self.unserved,
            forecast.outdoor_temp_f[0],
            forecast.heat_demand_kw[0],
            self._table(forecast)[1],
        )
        return kwh, rest

    def bid(self, store_kwh: float, forecast: Forecast) -> DemandCurve:
        kwh, rest = self.first_hour(store_kwh, forecast)
        seen = sorted(set(forecast.price_usd_per_mwh))
        low, high = min(seen[0], 0.0) - 50.0, max(seen[-1], 0.0) * 2 + 50.0
        rungs = [low + (high - low) * k / self.ladder for k in range(self.ladder + 1)]
        cap = PRICE_CAP_USD_PER_MWH
        prices = sorted({p for p in (cap, *seen, *rungs) if -cap <= p <= cap}, reverse=True)
        # the cheapest action at each price (the first of equals), then the running maximum
        costs = kwh[None, :] * np.array(prices)[:, None] / 1000 + rest[None, :]
        chosen = kwh[costs.argmin(axis=1)].round(QUANTITY_DECIMALS)
        taken = np.maximum.accumulate(chosen).tolist()  # one hour: kWh drawn = kW
        steps = [Step(price=prices[0], quantity=taken[0])]
        for price, quantity in zip(prices[1:], taken[1:], strict=True):
            if quantity > steps[-1].quantity:
                steps.append(Step(price=price, quantity=quantity))
        return DemandCurve(steps=tuple(steps))
