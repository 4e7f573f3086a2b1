"""The messages of a market and of the homes that trade in it, registered with the actors'
message types (`gridworks.actors.messages.MESSAGE_TYPES`).

- `Bid` (AtomicTNode -> MarketMaker): a demand curve for one slot, for one TerminalAsset;
- `Award` (MarketMaker -> each bidder) and `ClearingNotice` (MarketMaker, broadcast on
  `<market maker>.clearing`): the clearing price and what each bidder bought;
- `PriceForecast` (PriceService, broadcast on `<price service>.prices`) and `WeatherForecast`
  (WeatherService, on `<weather service>.weather`): hour by hour from a slot's start;
- `PlantReport` (Scada -> its AtomicTNode): what the plant did in a slot, from its meters.

Prices are $/MWh, power kW, energy kWh (thermal: kWh th); times are simulated Unix seconds.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gridworks.actors.messages import MESSAGE_TYPES
from gridworks.markets.bids import DemandCurve
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH

BID = "gridworks.bid"
AWARD = "gridworks.award"
CLEARING = "gridworks.clearing"
PRICE_FORECAST = "gridworks.price-forecast"
WEATHER_FORECAST = "gridworks.weather-forecast"
PLANT_REPORT = "gridworks.plant-report"

_PRICE = Field(ge=-PRICE_CAP_USD_PER_MWH, le=PRICE_CAP_USD_PER_MWH, allow_inf_nan=False)
_ALIAS = Field(max_length=63)
_SLOT = Field(max_length=160)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def clearing_channel(market_maker: str) -> str:
    return f"{market_maker}.clearing"


def price_channel(price_service: str) -> str:
    return f"{price_service}.prices"


def weather_channel(weather_service: str) -> str:
    return f"{weather_service}.weather"


@MESSAGE_TYPES.register(BID, 1)
class Bid(_Payload):
    """What the TerminalAsset would take in `slot` at each price."""

    slot: str = _SLOT
    """`<market type>.<market maker>.<slot start>`."""
    terminal_asset: str = _ALIAS
    curve: DemandCurve


@MESSAGE_TYPES.register(AWARD, 1)
class Award(_Payload):
    slot: str = _SLOT
    terminal_asset: str = _ALIAS
    price_usd_per_mwh: float = _PRICE
    quantity_kw: float = Field(ge=0, allow_inf_nan=False)
    bid_message_id: str = Field(max_length=64)
    """The signed bid the award was cleared from."""


@MESSAGE_TYPES.register(CLEARING, 1)
class ClearingNotice(_Payload):
    slot: str = _SLOT
    price_usd_per_mwh: float = _PRICE
    quantity_kw: float = Field(ge=0, allow_inf_nan=False)
    grid_usd_per_mwh: float = _PRICE
    """The grid's price on the feeder (real-time price plus distribution)."""
    feeder_limited: bool
    bids: int = Field(ge=0)


class _HourlyForecast(_Payload):
    start_s: int = Field(ge=0)
    """The start of the first hour forecast (a slot's start)."""
    issued_s: int = Field(ge=0)
    """When it was made: it uses nothing known later."""


@MESSAGE_TYPES.register(PRICE_FORECAST, 1)
class PriceForecast(_HourlyForecast):
    retail_usd_per_mwh: tuple[float, ...] = Field(min_length=1, max_length=168)
    """Per hour: the real-time price plus distribution."""


@MESSAGE_TYPES.register(WEATHER_FORECAST, 1)
class WeatherForecast(_HourlyForecast):
    outdoor_temp_f: tuple[float, ...] = Field(min_length=1, max_length=168)


@MESSAGE_TYPES.register(PLANT_REPORT, 1)
class PlantReport(_Payload):
    """The Scada's meters over one slot: the plant ran at its dispatch."""

    terminal_asset: str = _ALIAS
    slot_start_s: int = Field(ge=0)
    store_kwh_th: float = Field(allow_inf_nan=False)
    """The store's energy at the slot's end."""
    energy_kwh: float = Field(allow_inf_nan=False)
    """Electricity drawn in the slot."""
    delivered_kwh_th: float = Field(allow_inf_nan=False)
    unserved_kwh_th: float = Field(allow_inf_nan=False)
    """Heat the house needed in the slot and did not get."""
    read_ms: int = Field(ge=0)
