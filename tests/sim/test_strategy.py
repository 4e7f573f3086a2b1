"""The store's dynamic-programming strategy bids a full curve that follows prices."""

from __future__ import annotations

import time

import pytest

from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.sim import millinocket_data as data
from gridworks.sim.strategy import Forecast, StoreDP

APPLE = data.houses()["apple"]


def forecast(prices: list[float], temp: float = 20.0, demand_kw: float = 3.0) -> Forecast:
    n = len(prices)
    return Forecast(
        price_usd_per_mwh=tuple(prices), outdoor_temp_f=(temp,) * n, heat_demand_kw=(demand_kw,) * n
    )


def test_cheap_now_dear_later_bids_to_fill_the_store_at_low_prices() -> None:
    dp = StoreDP(APPLE)
    curve = dp.bid(APPLE.storable_kwh_th * 0.2, forecast([-20.0] + [300.0] * 23))
    assert curve.steps[0].price == PRICE_CAP_USD_PER_MWH
    assert curve.quantity_at(-20.0) >= 10  # charge hard while it is cheap
    assert curve.quantity_at(250.0) < curve.quantity_at(-20.0)


def test_dear_now_cheap_later_takes_only_what_the_house_needs_now() -> None:
    dp = StoreDP(APPLE)
    store = APPLE.storable_kwh_th * 0.6
    curve = dp.bid(store, forecast([400.0] + [-20.0] * 23))
    assert curve.quantity_at(400.0) == 0  # the store carries the house to the cheap hours
    assert curve.quantity_at(-20.0) > 0


def test_an_empty_store_and_a_cold_house_bid_even_at_the_cap() -> None:
    dp = StoreDP(APPLE)
    curve = dp.bid(0.0, forecast([500.0] * 12, temp=-5.0, demand_kw=6.0))
    assert curve.quantity_at(PRICE_CAP_USD_PER_MWH) > 0


def test_every_house_bids_a_well_formed_curve_from_real_data_in_bounded_time() -> None:
    hours = data.hours()[:48]
    began = time.perf_counter()
    for name, house in data.houses().items():
        need = data.heat_demand_kw(name)[:48]
        curve = StoreDP(house).bid(
            house.storable_kwh_th / 2,
            Forecast(
                price_usd_per_mwh=tuple(h.retail_usd_per_mwh for h in hours),
                outdoor_temp_f=tuple(h.outdoor_temp_f for h in hours),
                heat_demand_kw=need,
            ),
        )
        quantities = [s.quantity for s in curve.steps]
        assert quantities == sorted(quantities)
        most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
        assert quantities[-1] <= most + 1e-9
    print(f"18 bids on a 48-hour horizon in {time.perf_counter() - began:.2f} s")


def test_a_forecast_gives_every_series_for_the_same_hours() -> None:
    with pytest.raises(ValueError, match="same hours"):
        Forecast(price_usd_per_mwh=(1.0, 2.0), outdoor_temp_f=(1.0,), heat_demand_kw=(1.0,))
