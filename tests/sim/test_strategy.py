"""The store's dynamic-programming strategy bids a full curve that follows prices."""

from __future__ import annotations

import itertools
import random
import time

import numpy as np
import pytest

from gridworks.markets.bids import DemandCurve
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.sim import millinocket_data as data
from gridworks.sim import plant
from gridworks.sim.strategy import (
    QUANTITY_DECIMALS,
    VALUE_TABLES_CACHED,
    Forecast,
    StoreDP,
    step_arrays,
    value_table,
)

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


def real_forecast(name: str, start: int = 0, hours: int = 48) -> Forecast:
    span = data.hours()[start : start + hours]
    return Forecast(
        price_usd_per_mwh=tuple(h.retail_usd_per_mwh for h in span),
        outdoor_temp_f=tuple(h.outdoor_temp_f for h in span),
        heat_demand_kw=data.heat_demand_kw(name)[start : start + hours],
    )


def test_the_array_step_is_the_plant_step_on_random_states_for_every_house() -> None:
    rng = random.Random(12)
    fields = plant.Step.model_fields
    for house in data.houses().values():
        full = house.storable_kwh_th
        most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
        n = 400
        store = [rng.choice([0.0, full, rng.uniform(-1, full + 1)]) for _ in range(n)]
        kw = [rng.choice([0.0, most, rng.uniform(-2, most + 5)]) for _ in range(n)]
        temp = [rng.uniform(-40, 90) for _ in range(n)]
        need = [rng.choice([0.0, rng.uniform(-1, 12)]) for _ in range(n)]
        hours = rng.choice([1.0, 0.25, 2.0])
        arrays = step_arrays(
            house,
            np.array(store),
            electricity_kw=np.array(kw),
            outdoor_temp_f=np.array(temp),
            heat_demand_kw=np.array(need),
            hours=hours,
        )
        for i in range(n):
            one = plant.step(
                house,
                store[i],
                electricity_kw=kw[i],
                outdoor_temp_f=temp[i],
                heat_demand_kw=need[i],
                hours=hours,
            )
            for name in fields:
                assert getattr(arrays, name)[i] == pytest.approx(getattr(one, name), abs=1e-9)
    # broadcast: every store against every action at once
    grid = np.linspace(0, APPLE.storable_kwh_th, 7)
    kws = np.linspace(0, 19, 5)
    table = step_arrays(
        APPLE, grid[:, None], electricity_kw=kws, outdoor_temp_f=12.0, heat_demand_kw=2.5
    )
    assert table.store_kwh.shape == (7, 5)
    for (i, e), (j, kw_) in itertools.product(enumerate(grid), enumerate(kws)):
        one = plant.step(APPLE, e, electricity_kw=kw_, outdoor_temp_f=12.0, heat_demand_kw=2.5)
        assert table.store_kwh[i, j] == pytest.approx(one.store_kwh, abs=1e-9)
        assert table.used_kwh[i, j] == pytest.approx(one.used_kwh, abs=1e-9)


def loop_values(dp: StoreDP, forecast: Forecast) -> list[list[float]]:
    """The dynamic program written out with `plant.step`, one level and action at a time."""

    def interpolate(values: list[float], store: float) -> float:
        position = min(max(store, 0.0), dp.full) / dp.full * (len(dp.grid) - 1)
        low = min(int(position), len(dp.grid) - 2)
        share = position - low
        return values[low] * (1 - share) + values[low + 1] * share

    table = [[0.0] * len(dp.grid) for _ in range(forecast.hours + 1)]
    for t in range(forecast.hours - 1, 0, -1):
        price = forecast.price_usd_per_mwh[t] / 1000
        row = []
        for e in dp.grid:
            best = float("inf")
            for kw in dp.actions:
                done = plant.step(
                    dp.house,
                    e,
                    electricity_kw=kw,
                    outdoor_temp_f=forecast.outdoor_temp_f[t],
                    heat_demand_kw=forecast.heat_demand_kw[t],
                )
                rest = done.unserved_kwh * dp.unserved / 1000 + interpolate(
                    table[t + 1], done.store_kwh
                )
                best = min(best, done.used_kwh * price + rest)
            row.append(best)
        table[t] = row
    return table


@pytest.mark.parametrize("name", ["apple", "juniper", "zinnia"])
def test_the_array_dynamic_program_is_the_level_by_level_loop(name: str) -> None:
    house = data.houses()[name]
    dp = StoreDP(house, levels=9, actions=5)
    forecast = real_forecast(name, start=500, hours=10)
    expected = loop_values(dp, forecast)
    got = dp.values(forecast)
    assert len(got) == len(expected) == 11
    for row_got, row_expected in zip(got, expected, strict=True):
        assert row_got == pytest.approx(row_expected, rel=1e-12, abs=1e-12)
    assert any(v > 0 for v in got[1])


def test_the_dynamic_program_equals_brute_force_on_a_tiny_instance() -> None:
    """An independent check of the values and of the first-hour decision at every price.

    The instance is built so that the grid is exact: a copy of apple with no passive loss, the
    heat pump's source-water limit at the store's maximum, and an outdoor temperature below
    `Cop1TempF` (COP 1); the heat pump's and the boost's kW are each one grid spacing ``g`` and
    the heat needs are multiples of ``g``. Then from a grid level every action (0, g, 2g) leads
    exactly to a grid level (up to float rounding), so the DP's interpolation is not an
    approximation and its values must equal the least cost found by enumerating every action
    sequence with `plant.step` itself (no grid, no interpolation): 3**4 sequences per level.

    The bid is checked against the same enumeration: at each price of the curve's ladder (its
    step prices and the forecast's prices), the quantity the curve takes in the first hour must
    start a sequence whose cost is the exhaustive minimum with that first-hour price. (Checked
    as "is an optimal first draw" rather than "equals a given argmin" because at the forecast's
    own prices several first draws tie.)
    """
    levels, hours = 5, 4
    full = APPLE.storable_kwh_th
    g = full / (levels - 1)
    house = APPLE.model_copy(
        update={
            "store_passive_loss_ratio": 0.0,
            "max_heatpump_source_water_temp_f": APPLE.max_store_temp_f,
            "rated_heatpump_electricity_kw": g,
            "store_max_power_kw": g,
        }
    )
    cold = house.cop1_temp_f - 10
    assert house.cop(cold) == 1.0
    forecast = Forecast(
        price_usd_per_mwh=(80.0, 30.0, 150.0, 60.0),
        outdoor_temp_f=(cold,) * hours,
        heat_demand_kw=(g, 3 * g, 0.0, 2 * g),
    )
    dp = StoreDP(house, levels=levels, actions=3)
    assert dp.actions == pytest.approx([0.0, g, 2 * g])
    unserved = dp.unserved / 1000  # $/kWh

    def sequences(start: float, first: int) -> list[tuple[float, float]]:
        """(first hour's kWh, cost of everything but the first hour's electricity) for every
        action sequence from hour `first` at `start`, by `plant.step`."""
        out = []
        for plan in itertools.product(dp.actions, repeat=hours - first):
            store, cost, drawn = start, 0.0, 0.0
            for t, kw in enumerate(plan, start=first):
                done = plant.step(
                    house,
                    store,
                    electricity_kw=kw,
                    outdoor_temp_f=forecast.outdoor_temp_f[t],
                    heat_demand_kw=forecast.heat_demand_kw[t],
                )
                cost += done.unserved_kwh * unserved
                if t == first:
                    drawn = done.used_kwh
                else:
                    cost += done.used_kwh * forecast.price_usd_per_mwh[t] / 1000
                store = done.store_kwh
            out.append((drawn, cost))
        return out

    values = dp.values(forecast)
    for t in range(1, hours):
        price = forecast.price_usd_per_mwh[t] / 1000
        for k, level in enumerate(dp.grid):
            best = min(d * price + c for d, c in sequences(level, t))
            assert values[t][k] == pytest.approx(best, rel=1e-9, abs=1e-9), (t, k)

    several = 0
    for level in dp.grid:
        curve = dp.bid(level, forecast)
        options = sequences(level, 0)
        several += len(curve.steps) > 1
        for price in {s.price for s in curve.steps} | set(forecast.price_usd_per_mwh):
            q = curve.quantity_at(price)
            best = min(d * price / 1000 + c for d, c in options)
            with_q = [d * price / 1000 + c for d, c in options if abs(d - q) < 1e-6]
            assert with_q, (level, price, q)
            assert min(with_q) == pytest.approx(best, rel=1e-9, abs=1e-9), (level, price, q)
    assert several >= 2  # the instance has curves, not only flat bids


def test_homes_of_one_type_share_the_value_table() -> None:
    value_table.cache_clear()
    assert value_table.cache_info().maxsize == VALUE_TABLES_CACHED == 512
    forecast = real_forecast("beet")
    house = data.houses()["beet"]
    first = StoreDP(house).bid(house.storable_kwh_th / 2, forecast)
    assert value_table.cache_info().misses == 1
    second_home = StoreDP(house)
    again = second_home.bid(house.storable_kwh_th / 2, forecast)
    assert value_table.cache_info().hits == 1 and value_table.cache_info().misses == 1
    assert again == first
    other_store = second_home.bid(house.storable_kwh_th / 5, forecast)
    assert value_table.cache_info().misses == 1
    assert other_store != first
    # another type, another forecast or another grid is another table
    StoreDP(data.houses()["kale"]).bid(1.0, real_forecast("kale"))
    StoreDP(house).bid(1.0, real_forecast("beet", start=1))
    StoreDP(house, levels=13).bid(1.0, forecast)
    assert value_table.cache_info().misses == 4
    with pytest.raises(ValueError, match="read-only"):
        value_table(house, 25, 9, 2 * PRICE_CAP_USD_PER_MWH, *forecast.model_dump().values())[
            1, 0
        ] = 0.0


def test_the_same_inputs_give_the_bit_identical_curve() -> None:
    house = data.houses()["orange"]
    forecast = real_forecast("orange", start=2000)
    value_table.cache_clear()
    one = StoreDP(house).bid(17.3, forecast)
    value_table.cache_clear()
    two = StoreDP(house).bid(17.3, forecast)
    assert [(s.price, s.quantity) for s in one.steps] == [(s.price, s.quantity) for s in two.steps]


def test_curves_are_well_formed_with_rounded_quantities_even_for_extreme_prices() -> None:
    rng = random.Random(5)
    names = list(data.houses())
    for _ in range(40):
        name = rng.choice(names)
        house = data.houses()[name]
        base = real_forecast(name, start=rng.randrange(0, 8000), hours=rng.choice([1, 3, 24]))
        scale = rng.choice([1.0, -3.0, 40.0])
        forecast = base.model_copy(
            update={"price_usd_per_mwh": tuple(p * scale for p in base.price_usd_per_mwh)}
        )
        curve = StoreDP(house).bid(rng.uniform(0, house.storable_kwh_th), forecast)
        DemandCurve.model_validate(curve.model_dump())  # first price the cap, the rest ordered
        assert curve.steps[0].price == PRICE_CAP_USD_PER_MWH
        for s in curve.steps:
            assert s.quantity == round(s.quantity, QUANTITY_DECIMALS)
        most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
        assert curve.steps[-1].quantity <= most
