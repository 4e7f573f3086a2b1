"""Forecasts: persistence reads only the past; perfect foresight reads the actuals."""

from __future__ import annotations

import pytest

from gridworks.sim import forecast
from gridworks.sim import millinocket_data as data
from gridworks.sim.forecast import _known_hour


@pytest.mark.parametrize("now", [0, 5, 23, 24, 100, 8_000])
def test_persistence_reads_the_same_hour_of_an_earlier_day_never_the_future(now: int) -> None:
    for target in range(now, now + 48):
        known = _known_hour(now, target)
        assert known % 24 == target % 24
        assert known < now or now < 24  # before the data's first day, its first day repeats
        assert 0 <= known


def test_persistence_is_yesterday_and_perfect_is_today() -> None:
    now = 1_000
    hours = data.hours()
    made = forecast.persistence("apple", now, horizon=24)
    assert made.price_usd_per_mwh == tuple(h.retail_usd_per_mwh for h in hours[now - 24 : now])
    actual = forecast.perfect("apple", now, horizon=24)
    assert actual.outdoor_temp_f == tuple(h.outdoor_temp_f for h in hours[now : now + 24])
    assert actual.heat_demand_kw == data.heat_demand_kw("apple")[now : now + 24]


def test_forecasts_end_with_the_data() -> None:
    last = len(data.hours()) - 10
    assert forecast.perfect("apple", last).hours == 10
    assert forecast.persistence("apple", last).hours == 10
