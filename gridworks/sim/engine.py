"""The rules of a Millinocket run, hour by hour, with no I/O: what each actor computes, and a
reference run that computes them all in one loop.

The actors (`gridworks.sim.actors`) call these same functions with what their messages carry,
so a run over RabbitMQ and `reference_run` on the same homes and hours give the same outcome,
float for float: that is how the tests check that message timing changes nothing.

An hour `h` is an index into `millinocket_data.hours()`; its slot starts at `slot_start_s(h)`.

- Forecasts (`forecast_for`): the PriceService's retail prices and the WeatherService's
  temperatures, and the home's own heat need, from hour `h` on (`ForecastKind`).
- Bids: the market run's homes bid `StoreDP`'s curve; the baseline's bid at the cap for what
  keeps the store where it is while the house is heated on demand (`on_demand_kw`).
- Clearing: `markets.clearing.clear` against the grid at the hour's retail price, limited by
  the feeder.
- Dispatch is in whole watts; the Scada runs `plant.step` at it with the hour's real weather
  and heat need; the home pays the clearing price on the energy its plant drew.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

from gridworks.markets.bids import DemandCurve, Step
from gridworks.markets.clearing import Clearing, clear
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.sim import millinocket_data as data
from gridworks.sim import plant
from gridworks.sim.forecast import ForecastKind, ahead
from gridworks.sim.homes import Home
from gridworks.sim.results import HomeTrace, RunOutcome, Slot
from gridworks.sim.strategy import Forecast, StoreDP

HORIZON_HOURS = 48
SLOT_SECONDS = 3600


@cache
def _starts() -> dict[int, int]:
    return {int(hour.start.timestamp()): index for index, hour in enumerate(data.hours())}


def slot_start_s(hour: int) -> int:
    return int(data.hours()[hour].start.timestamp())


def hour_at(start_s: int) -> int:
    """The data's hour starting at `start_s` (KeyError if none does)."""
    try:
        return _starts()[start_s]
    except KeyError:
        raise KeyError(f"no hour of the data starts at {start_s}") from None


def first_hour(day: str) -> int:
    """The first hour of the data on `day` (YYYY-MM-DD, local midnight = 05:00 UTC)."""
    wanted = datetime.fromisoformat(day).date()
    for index, hour in enumerate(data.hours()):
        if hour.start.astimezone(UTC).date() >= wanted and hour.start.hour == 5:
            return index
    raise ValueError(f"the data has no day {day} (it covers 2020)")


@cache
def retail_series() -> tuple[float, ...]:
    return tuple(hour.retail_usd_per_mwh for hour in data.hours())


@cache
def temperature_series() -> tuple[float, ...]:
    return tuple(hour.outdoor_temp_f for hour in data.hours())


def prices_ahead(hour: int, kind: ForecastKind) -> tuple[float, ...]:
    """What the PriceService broadcasts for the slot starting at `hour`."""
    return ahead(retail_series(), hour, HORIZON_HOURS, kind)


def temperatures_ahead(hour: int, kind: ForecastKind) -> tuple[float, ...]:
    """What the WeatherService broadcasts for the slot starting at `hour`."""
    return ahead(temperature_series(), hour, HORIZON_HOURS, kind)


def forecast_for(
    home: Home,
    hour: int,
    prices: Sequence[float],
    temperatures: Sequence[float],
    kind: ForecastKind,
) -> Forecast:
    """The home's forecast: the services' prices and temperatures, and its own heat need."""
    need = ahead(home.heat_demand_kw, hour, HORIZON_HOURS, kind)
    hours = min(len(prices), len(temperatures), len(need))
    return Forecast(
        price_usd_per_mwh=tuple(prices[:hours]),
        outdoor_temp_f=tuple(temperatures[:hours]),
        heat_demand_kw=need[:hours],
    )


def on_demand_kw(home: Home, store_kwh: float, hour: int) -> float:
    """The electricity that heats the house this hour and keeps the store where it is (what a
    plant with no use of its store draws): the heat pump first, then the boost."""
    house = home.house
    full = house.storable_kwh_th
    store = min(max(store_kwh, 0.0), full)
    offset = plant.loss_offset_kwh(house)
    lost = min(store, house.store_passive_loss_ratio * (store + offset))
    after_loss = store - lost
    heat = home.heat_demand_kw[hour] + lost
    cop = house.cop(temperature_series()[hour])
    ceiling = plant.heatpump_ceiling_kwh(house)
    heatpump = min(
        house.rated_heatpump_electricity_kw, heat / cop, max(0.0, ceiling - after_loss) / cop
    )
    boost = min(house.store_max_power_kw, max(0.0, heat - heatpump * cop))
    return heatpump + boost


def baseline_curve(home: Home, store_kwh: float, hour: int) -> DemandCurve:
    return DemandCurve(
        steps=(Step(price=PRICE_CAP_USD_PER_MWH, quantity=on_demand_kw(home, store_kwh, hour)),)
    )


def setpoint_w(award_kw: float) -> int:
    """Dispatch is in whole watts."""
    return round(award_kw * 1000)


def run_plant(home: Home, store_kwh: float, setpoint: int, hour: int) -> plant.Step:
    """What the Scada does with a dispatch: one hour of the plant in the hour's real weather."""
    return plant.step(
        home.house,
        store_kwh,
        electricity_kw=setpoint / 1000,
        outdoor_temp_f=temperature_series()[hour],
        heat_demand_kw=home.heat_demand_kw[hour],
    )


def implausible(home: Home, report_store: float, energy: float, unserved: float) -> str | None:
    """Why a plant report cannot be true of this home (None if it can)."""
    house = home.house
    most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
    if not 0 <= report_store <= house.storable_kwh_th * (1 + 1e-9):
        return f"store {report_store:g} kWh th outside 0..{house.storable_kwh_th:g}"
    if not 0 <= energy <= most * (1 + 1e-9):
        return f"{energy:g} kWh in an hour from a plant of {most:g} kW"
    if unserved < 0:
        return f"negative unserved heat {unserved:g}"
    return None


def clear_hour(bids: dict[str, DemandCurve], hour: int, feeder_kw: float) -> Clearing:
    return clear(bids, grid_price_usd_per_mwh=retail_series()[hour], feeder_capacity_kw=feeder_kw)


def slot_record(hour: int, clearing: Clearing, load_kw: float) -> Slot:
    source = data.hours()[hour]
    return Slot(
        start_s=slot_start_s(hour),
        rt_lmp_usd_per_mwh=source.rt_lmp_usd_per_mwh,
        retail_usd_per_mwh=source.retail_usd_per_mwh,
        price_usd_per_mwh=clearing.price_usd_per_mwh,
        load_kw=load_kw,
        feeder_limited=clearing.feeder_limited,
    )


def reference_run(
    homes: Sequence[Home],
    start_hour: int,
    hours: int,
    feeder_kw: float,
    *,
    baseline: bool = False,
    kind: ForecastKind = ForecastKind.ADJUSTED,
) -> RunOutcome:
    """Every home, hour by hour, in one loop (the baseline run, and the market run's oracle)."""
    strategies = {home.atomic_tnode: StoreDP(home.house) for home in homes}
    store = {home.atomic_tnode: home.store_start_kwh_th for home in homes}
    traces = {h.atomic_tnode: HomeTrace(alias=h.atomic_tnode, house=h.house_name) for h in homes}
    outcome = RunOutcome(name="baseline" if baseline else "market", homes=list(traces.values()))
    for hour in range(start_hour, start_hour + hours):
        if baseline:
            bids = {h.atomic_tnode: baseline_curve(h, store[h.atomic_tnode], hour) for h in homes}
        else:
            prices, temps = prices_ahead(hour, kind), temperatures_ahead(hour, kind)
            bids = {
                h.atomic_tnode: strategies[h.atomic_tnode].bid(
                    store[h.atomic_tnode], forecast_for(h, hour, prices, temps, kind)
                )
                for h in homes
            }
        clearing = clear_hour(bids, hour, feeder_kw)
        load = 0.0
        for home in homes:
            alias = home.atomic_tnode
            done = run_plant(home, store[alias], setpoint_w(clearing.bought_kw[alias]), hour)
            store[alias] = done.store_kwh
            record(
                traces[alias],
                clearing.price_usd_per_mwh,
                energy=done.used_kwh,
                store=done.store_kwh,
                unserved=done.unserved_kwh,
            )
            load += done.used_kwh
        outcome.slots.append(slot_record(hour, clearing, load))
    return outcome


def record(trace: HomeTrace, price: float, *, energy: float, store: float, unserved: float) -> None:
    """Add one hour to a home's trace: what it drew, paid at `price`, kept and left unserved."""
    trace.energy_kwh.append(energy)
    trace.cost_usd.append(energy * price / 1000)
    trace.store_kwh_th.append(store)
    trace.unserved_kwh_th.append(unserved)
