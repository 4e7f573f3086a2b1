"""The heating plant's step: energy balance, COP, temperature limits, unserved heat."""

from __future__ import annotations

import random

import pytest

from gridworks.sim import millinocket_data as data
from gridworks.sim.plant import kwh_between, step

APPLE = data.houses()["apple"]


def test_energy_balances_in_every_step() -> None:
    rng = random.Random(3)
    for house in data.houses().values():
        store = house.storable_kwh_th / 2
        for _ in range(200):
            electricity = rng.choice([0.0, rng.uniform(0, 25)])
            temp = rng.uniform(-10, 60)
            done = step(
                house,
                store,
                electricity_kw=electricity,
                outdoor_temp_f=temp,
                heat_demand_kw=rng.uniform(0, 8),
            )
            heat_in = done.heatpump_kwh * house.cop(temp) + done.boost_kwh
            assert done.store_kwh == pytest.approx(
                store - done.lost_kwh + heat_in - done.delivered_kwh, abs=1e-9
            )
            assert 0 <= done.store_kwh <= house.storable_kwh_th + 1e-9
            assert done.used_kwh <= electricity + 1e-9
            store = done.store_kwh


def test_an_empty_store_and_no_power_leaves_the_need_unserved() -> None:
    done = step(APPLE, 0.0, electricity_kw=0, outdoor_temp_f=10, heat_demand_kw=4)
    assert done.delivered_kwh == 0 and done.unserved_kwh == 4 and done.used_kwh == 0


def test_the_heat_pump_runs_first_at_its_cop_and_the_boost_takes_the_rest() -> None:
    done = step(APPLE, 0.0, electricity_kw=8, outdoor_temp_f=25, heat_demand_kw=0)
    # at 25 F: COP 2.5; heat pump 5.5 kW -> 13.75 kWh thermal, under its 135 F ceiling
    ceiling = kwh_between(APPLE, 100, 135)
    assert APPLE.cop(25) == pytest.approx(2.5)
    assert done.heatpump_kwh == pytest.approx(min(5.5, ceiling / 2.5))
    assert done.boost_kwh == pytest.approx(8 - done.heatpump_kwh)


def test_the_heat_pump_cannot_heat_the_store_past_its_source_water_limit() -> None:
    ceiling = kwh_between(APPLE, 100, 135)
    done = step(
        APPLE,
        ceiling,
        electricity_kw=APPLE.rated_heatpump_electricity_kw,
        outdoor_temp_f=50,
        heat_demand_kw=0,
    )
    # the store is at the heat pump's limit (less a little loss): it tops up the loss only
    assert done.heatpump_kwh * APPLE.cop(50) == pytest.approx(done.lost_kwh)
    assert done.boost_kwh == pytest.approx(APPLE.rated_heatpump_electricity_kw - done.heatpump_kwh)


def test_a_full_store_draws_only_what_replaces_its_loss() -> None:
    full = APPLE.storable_kwh_th
    done = step(APPLE, full, electricity_kw=20, outdoor_temp_f=30, heat_demand_kw=0)
    assert done.used_kwh == pytest.approx(done.lost_kwh)
    assert done.store_kwh == pytest.approx(full)


def test_a_step_must_last() -> None:
    with pytest.raises(ValueError):
        step(APPLE, 1, electricity_kw=1, outdoor_temp_f=1, heat_demand_kw=1, hours=0)


def test_the_plant_conserves_energy_over_a_year() -> None:
    """Hour by hour through all of 2020 for every house type, with real weather and heat needs
    and a varying electricity pattern: heat in (heat pump x COP + boost) less heat delivered
    and lost is the store's change, and the store stays within its limits."""
    hours = data.hours()
    assert len(hours) == 8784
    for name, house in data.houses().items():
        most = house.rated_heatpump_electricity_kw + house.store_max_power_kw
        needs = data.heat_demand_kw(name)
        initial = store = house.storable_kwh_th / 3
        heat_in = delivered = lost = unserved = 0.0
        for h, (hour, need) in enumerate(zip(hours, needs, strict=True)):
            electricity = most * ((h * 7) % 11) / 10
            done = step(
                house,
                store,
                electricity_kw=electricity,
                outdoor_temp_f=hour.outdoor_temp_f,
                heat_demand_kw=need,
            )
            heat_in += done.heatpump_kwh * house.cop(hour.outdoor_temp_f) + done.boost_kwh
            delivered += done.delivered_kwh
            lost += done.lost_kwh
            unserved += done.unserved_kwh
            assert 0 <= done.store_kwh <= house.storable_kwh_th + 1e-9
            assert done.delivered_kwh + done.unserved_kwh == pytest.approx(need, abs=1e-9)
            store = done.store_kwh
        assert heat_in - delivered - lost == pytest.approx(
            store - initial, rel=1e-6, abs=1e-6 * heat_in
        )
        assert delivered + unserved == pytest.approx(sum(needs), rel=1e-9)
        assert delivered > 0 and lost > 0 and heat_in > 0
