"""Forecasts from the Millinocket data, for a house, from an hour on (no I/O).

- `persistence` (the default, honest): each hour ahead is forecast as the same hour of the day
  before the forecast is made, i.e. hour ``now + k`` as the actual of ``now + k - 24*d`` for
  the smallest whole number of days ``d`` that puts it before ``now``. From the second day of
  the data on, nothing later than ``now - 1`` is read; during the first day there is no
  earlier day, so the first day stands in for it.
- `perfect`: the actual values, to show the upper bound of what a bidder could do.

Prices are retail (real-time price plus distribution); heat demand is the house's profile.
"""

from __future__ import annotations

from gridworks.sim import millinocket_data as data
from gridworks.sim.strategy import Forecast

DAY = 24


def _known_hour(now: int, target: int) -> int:
    """The latest hour before `now` at the same time of day as `target` (clamped to the data)."""
    days = max(1, -(-(target - now + 1) // DAY))
    hour = target - days * DAY
    return hour if hour >= 0 else hour % DAY


def _series(house: str) -> tuple[list[float], list[float], tuple[float, ...]]:
    hours = data.hours()
    return (
        [h.retail_usd_per_mwh for h in hours],
        [h.outdoor_temp_f for h in hours],
        data.heat_demand_kw(house),
    )


def perfect(house: str, now: int, horizon: int = 48) -> Forecast:
    prices, temps, need = _series(house)
    end = min(now + horizon, len(prices))
    return Forecast(
        price_usd_per_mwh=tuple(prices[now:end]),
        outdoor_temp_f=tuple(temps[now:end]),
        heat_demand_kw=tuple(need[now:end]),
    )


def persistence(house: str, now: int, horizon: int = 48) -> Forecast:
    prices, temps, need = _series(house)
    end = min(now + horizon, len(prices))
    known = [_known_hour(now, target) for target in range(now, end)]
    return Forecast(
        price_usd_per_mwh=tuple(prices[i] for i in known),
        outdoor_temp_f=tuple(temps[i] for i in known),
        heat_demand_kw=tuple(need[i] for i in known),
    )
