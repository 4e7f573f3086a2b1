"""The physics of one home's heating plant, one step at a time (no I/O): what its Scada runs.

A heat pump and a resistive boost element heat a hot-water store; the house draws its space
heating from the store. Energies are kWh thermal above the store's zero-potential temperature
(`ZeroPotentialEnergyWaterTempF`: colder water heats nothing). In a step of `hours`:

1. the store loses `StorePassiveLossRatio` per hour of its energy above its surroundings
   (`AmbientTempStoreF`);
2. the electricity bought runs the heat pump first (up to its rated kW), at its COP for the
   outdoor temperature (1 at `Cop1TempF`, 4 at `Cop4TempF`, linear between, clipped); the heat
   pump can heat the store only up to `MaxHeatpumpSourceWaterTempF`; the rest of the
   electricity runs the boost element at COP 1, up to its kW and the store's `MaxStoreTempF`;
   electricity the plant cannot use is not drawn (`State.used_kwh` says what was);
3. the house takes its heat demand from the store; what the store cannot give is counted as
   unserved heat, never hidden.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from gridworks.sim.millinocket_data import BTU_PER_KWH, WATER_LB_PER_GALLON, HouseType


def kwh_between(house: HouseType, low_f: float, high_f: float) -> float:
    """kWh thermal to heat the store from `low_f` to `high_f`."""
    return house.store_size_gallons * WATER_LB_PER_GALLON * (high_f - low_f) / BTU_PER_KWH


def heatpump_ceiling_kwh(house: HouseType) -> float:
    """The store's energy above which the heat pump cannot heat it (its source-water limit)."""
    return min(
        house.storable_kwh_th,
        kwh_between(
            house, house.zero_potential_energy_water_temp_f, house.max_heatpump_source_water_temp_f
        ),
    )


def loss_offset_kwh(house: HouseType) -> float:
    """The store's energy at zero potential above its surroundings: passive loss runs on the
    store's energy plus this."""
    return kwh_between(house, house.ambient_temp_store_f, house.zero_potential_energy_water_temp_f)


class Step(BaseModel):
    """What one step did."""

    model_config = ConfigDict(frozen=True)

    store_kwh: float
    """Store energy at the end of the step."""
    used_kwh: float
    """Electricity drawn (heat pump + boost)."""
    heatpump_kwh: float
    boost_kwh: float
    delivered_kwh: float
    """Heat delivered to the house."""
    unserved_kwh: float
    """Heat the house needed and did not get."""
    lost_kwh: float
    """Passive loss of the store."""


def step(
    house: HouseType,
    store_kwh: float,
    *,
    electricity_kw: float,
    outdoor_temp_f: float,
    heat_demand_kw: float,
    hours: float = 1.0,
) -> Step:
    """One step of the plant from `store_kwh`, drawing up to `electricity_kw` for `hours`."""
    if hours <= 0:
        raise ValueError("a step lasts a positive time")
    full = house.storable_kwh_th
    heatpump_ceiling = heatpump_ceiling_kwh(house)
    store = min(max(store_kwh, 0.0), full)
    offset = loss_offset_kwh(house)
    lost = min(store, house.store_passive_loss_ratio * hours * (store + offset))
    store -= lost
    budget = max(0.0, electricity_kw) * hours
    cop = house.cop(outdoor_temp_f)
    hp_kwh = min(
        budget,
        house.rated_heatpump_electricity_kw * hours,
        max(0.0, heatpump_ceiling - store) / cop,
    )
    store += hp_kwh * cop
    boost_kwh = min(budget - hp_kwh, house.store_max_power_kw * hours, max(0.0, full - store))
    store += boost_kwh
    need = max(0.0, heat_demand_kw) * hours
    delivered = min(need, store)
    store -= delivered
    return Step(
        store_kwh=store,
        used_kwh=hp_kwh + boost_kwh,
        heatpump_kwh=hp_kwh,
        boost_kwh=boost_kwh,
        delivered_kwh=delivered,
        unserved_kwh=need - delivered,
        lost_kwh=lost,
    )
