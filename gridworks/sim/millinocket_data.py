"""The Millinocket 2020 data, shipped with the package: hourly prices, tariff and weather at the
Keene Road substation, hourly heat-demand profiles, and 18 house types.

Provenance (kept with the files, `data/millinocket_2020/README.md`): the GridWorks project's
published input data (gridworks-atn ``input_data/`` and the house parameter reports of its
first commit), MIT License, Copyright (c) 2022 GridWorks; reformatted into CSV/JSON, numbers
unchanged.

- `hours()`: the 8,784 hours of 2020 (2020-01-01 05:00 UTC to 2021-01-01 04:00 UTC), each with
  the real-time LMP at the Stetson node, the distribution rate and the outdoor temperature.
- `houses()`: the 18 parameter sets (`HouseType`), by name.
- `heat_profile(house)`: the fraction of the house's annual space-heating energy needed in each
  hour (sums to 1); `heat_demand_kw(house)` is that times `AnnualHvacKwhTh`. The profiles name
  ``leek`` and no ``thistle``; the parameters name ``thistle`` and no ``leek``. ``leek``'s
  profile is ``mushroom``'s hour for hour, and ``thistle`` and ``mushroom`` have the same
  annual heat need, so ``thistle`` takes ``leek``'s profile (`PROFILE_OF`).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

DATA = "data/millinocket_2020"
PROFILE_OF = {"thistle": "leek"}
"""House types whose heat profile is published under another name."""

WATER_LB_PER_GALLON = 8.34
BTU_PER_KWH = 3412.0


class Hour(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: datetime
    """Start of the hour, UTC."""
    rt_lmp_usd_per_mwh: float
    """ISO-NE final real-time LMP at the Stetson node (w.isone.stetson)."""
    distribution_usd_per_mwh: float
    """Versant Power residential ETS time-of-use distribution rate."""
    outdoor_temp_f: float

    @property
    def retail_usd_per_mwh(self) -> float:
        """What a home pays per MWh it draws: the real-time price plus distribution."""
        return self.rt_lmp_usd_per_mwh + self.distribution_usd_per_mwh


class HouseType(BaseModel):
    """A heat pump with a hot-water store and a resistive boost element (GridWorks' keys)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(alias="house")
    store_size_gallons: float = Field(alias="StoreSizeGallons", gt=0)
    max_store_temp_f: float = Field(alias="MaxStoreTempF")
    store_max_power_kw: float = Field(alias="StoreMaxPowerKw", ge=0)
    rated_heatpump_electricity_kw: float = Field(alias="RatedHeatpumpElectricityKw", ge=0)
    max_heatpump_source_water_temp_f: float = Field(alias="MaxHeatpumpSourceWaterTempF")
    system_max_heat_output_swt_f: float = Field(alias="SystemMaxHeatOutputSwtF")
    system_max_heat_output_delta_temp_f: float = Field(alias="SystemMaxHeatOutputDeltaTempF")
    system_max_heat_output_gpm: float = Field(alias="SystemMaxHeatOutputGpm")
    emitter_max_safe_swt_f: float = Field(alias="EmitterMaxSafeSwtF")
    ambient_temp_store_f: float = Field(alias="AmbientTempStoreF")
    store_passive_loss_ratio: float = Field(alias="StorePassiveLossRatio", ge=0, lt=1)
    room_temp_f: float = Field(alias="RoomTempF")
    ambient_power_in_kw: float = Field(alias="AmbientPowerInKw")
    zero_potential_energy_water_temp_f: float = Field(alias="ZeroPotentialEnergyWaterTempF")
    cop1_temp_f: float = Field(alias="Cop1TempF")
    cop4_temp_f: float = Field(alias="Cop4TempF")
    house_worst_case_temp_f: float = Field(alias="HouseWorstCaseTempF")
    annual_hvac_kwh_th: float = Field(alias="AnnualHvacKwhTh", gt=0)
    beta_ot: float = Field(alias="BetaOt")
    house_heating_capacity: float = Field(alias="HouseHeatingCapacity")

    @property
    def storable_kwh_th(self) -> float:
        """The store's useful energy when full: gallons x 8.34 lb x (max - zero-potential
        temperature) in BTU, in kWh thermal."""
        span = self.max_store_temp_f - self.zero_potential_energy_water_temp_f
        return self.store_size_gallons * WATER_LB_PER_GALLON * span / BTU_PER_KWH

    def cop(self, outdoor_temp_f: float) -> float:
        """The heat pump's COP: 1 at `Cop1TempF`, 4 at `Cop4TempF`, linear between, clipped
        outside."""
        low, high = self.cop1_temp_f, self.cop4_temp_f
        share = (outdoor_temp_f - low) / (high - low)
        return 1.0 + 3.0 * min(1.0, max(0.0, share))


def _text(name: str) -> str:
    return resources.files("gridworks.sim").joinpath(f"{DATA}/{name}").read_text("utf-8")


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@cache
def hours() -> tuple[Hour, ...]:
    rows = csv.DictReader(_text("hourly.csv").splitlines())
    return tuple(
        Hour(
            start=_utc(row["hour_start_utc"]),
            rt_lmp_usd_per_mwh=float(row["rt_lmp_usd_per_mwh"]),
            distribution_usd_per_mwh=float(row["distribution_usd_per_mwh"]),
            outdoor_temp_f=float(row["outdoor_temp_f"]),
        )
        for row in rows
    )


@cache
def houses() -> dict[str, HouseType]:
    return {
        house.name: house
        for house in (HouseType.model_validate(item) for item in json.loads(_text("houses.json")))
    }


@cache
def _profiles() -> dict[str, tuple[float, ...]]:
    rows = list(csv.DictReader(_text("heat_profile.csv").splitlines()))
    starts = [_utc(row["hour_start_utc"]) for row in rows]
    if starts != [hour.start for hour in hours()]:
        raise ValueError("heat_profile.csv and hourly.csv do not cover the same hours")
    names = [name for name in rows[0] if name != "hour_start_utc"]
    return {name: tuple(float(row[name]) for row in rows) for name in names}


def heat_profile(house: str) -> tuple[float, ...]:
    """The hourly fractions of `house`'s annual space-heating energy (one per `hours()`)."""
    if house not in houses():
        raise KeyError(f"no house type {house!r}; known: {', '.join(sorted(houses()))}")
    return _profiles()[PROFILE_OF.get(house, house)]


@cache
def heat_demand_kw(house: str) -> tuple[float, ...]:
    """kW thermal of space heating `house` needs in each hour."""
    annual = houses()[house].annual_hvac_kwh_th
    return tuple(fraction * annual for fraction in heat_profile(house))
