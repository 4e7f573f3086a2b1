"""The Millinocket 2020 package data reads back as its README describes it."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from gridworks.sim import millinocket_data as data


def test_the_year_has_8784_hours_in_order_from_local_midnight() -> None:
    hours = data.hours()
    assert len(hours) == 8784
    assert hours[0].start == datetime(2020, 1, 1, 5, tzinfo=UTC)
    assert hours[-1].start == datetime(2021, 1, 1, 4, tzinfo=UTC)
    assert all(
        b.start - a.start == timedelta(hours=1) for a, b in zip(hours, hours[1:], strict=False)
    )


def test_prices_tariff_and_temperatures_match_the_readme() -> None:
    hours = data.hours()
    lmps = [h.rt_lmp_usd_per_mwh for h in hours]
    assert sum(p < 0 for p in lmps) == 905
    assert min(lmps) == -150.06 and max(lmps) == 234.96
    assert round(sum(lmps) / len(lmps), 2) == 17.45
    assert {h.distribution_usd_per_mwh for h in hours} == {46.73, 50.54, 380.51, 389.8}
    temps = [h.outdoor_temp_f for h in hours]
    assert min(temps) == -7 and max(temps) == 96
    assert hours[0].retail_usd_per_mwh == pytest.approx(22.66 + 46.73)


def test_eighteen_house_types_each_with_a_profile_that_sums_to_one() -> None:
    houses = data.houses()
    assert len(houses) == 18
    for name in houses:
        profile = data.heat_profile(name)
        assert len(profile) == 8784
        assert math.isclose(sum(profile), 1.0, rel_tol=1e-4), name
        demand = data.heat_demand_kw(name)
        assert math.isclose(sum(demand), houses[name].annual_hvac_kwh_th, rel_tol=1e-4)


def test_thistle_takes_leeks_profile_which_is_mushrooms() -> None:
    assert data.heat_profile("thistle") == data.heat_profile("mushroom")
    houses = data.houses()
    assert houses["thistle"].annual_hvac_kwh_th == houses["mushroom"].annual_hvac_kwh_th
    with pytest.raises(KeyError, match="leek"):
        data.heat_profile("leek")  # a profile name, not a house type


def test_storable_energy_and_cop_follow_the_readme() -> None:
    apple = data.houses()["apple"]
    assert apple.storable_kwh_th == pytest.approx(120 * 8.34 * (190 - 100) / 3412)
    assert apple.cop(-20) == 1.0 and apple.cop(70) == 4.0
    assert apple.cop(25) == pytest.approx(2.5)
    assert apple.cop(-40) == 1.0 and apple.cop(90) == 4.0


def test_the_provenance_line_ships_with_the_data() -> None:
    readme = resources.files("gridworks.sim").joinpath(data.DATA, "README.md").read_text()
    assert "MIT License, Copyright (c) 2022 GridWorks" in readme
