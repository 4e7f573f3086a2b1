"""The homes of a Millinocket run, drawn from a seed, and what each home's actors share.

A home is a TerminalAsset (`<atomic tnode>.ta`) with its AtomicTNode (`d1.isone.ver.keene.hNNNN`)
and Scada (`<atomic tnode>.scada`). The seed draws, for each home, its house type (one of the 18)
and a scale of that type's heat demand (0.85, 1.0 or 1.15: homes of a type are not all the same
size). The same seed gives the same homes. Every store starts empty (at its zero-potential
temperature), in both runs: the market's homes get no stored heat for free, and the baseline's
plant, which keeps its store where it is, is then a heat pump heating the house directly (a
store kept warmer would hold the heat pump above its source-water limit and leave the work to
the boost element at COP 1, which would be unfair to it).
"""

from __future__ import annotations

import random
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from gridworks.sim import millinocket_data as data
from gridworks.sim.millinocket_data import HouseType

NODE = "d1.isone.ver.keene"
"""The grid node the homes hang off (Keene Road substation): its MarketMaker's alias."""
MARKET_MAKER = NODE
PRICE_SERVICE = "d1.prices"
WEATHER_SERVICE = "d1.weather"
TIME_COORDINATOR = "d1.time"
VALIDATOR = "d1.isone.ver.validator"
DEMAND_SCALES = (0.85, 1.0, 1.15)


class Home(BaseModel):
    model_config = ConfigDict(frozen=True)

    atomic_tnode: str
    house_name: str
    demand_scale: float = Field(gt=0)
    store_start_kwh_th: float = Field(ge=0)

    @property
    def terminal_asset(self) -> str:
        return f"{self.atomic_tnode}.ta"

    @property
    def scada(self) -> str:
        return f"{self.atomic_tnode}.scada"

    @property
    def house(self) -> HouseType:
        return data.houses()[self.house_name]

    @property
    def heat_demand_kw(self) -> tuple[float, ...]:
        """Its heat need in each hour of the data (kW th)."""
        return _scaled_demand(self.house_name, self.demand_scale)


@cache
def _scaled_demand(house: str, scale: float) -> tuple[float, ...]:
    return tuple(kw * scale for kw in data.heat_demand_kw(house))


def make_homes(count: int, seed: int) -> list[Home]:
    if count < 1:
        raise ValueError("a run needs at least one home")
    draw = random.Random(seed)
    names = sorted(data.houses())
    homes = []
    for number in range(1, count + 1):
        name = draw.choice(names)
        scale = draw.choice(DEMAND_SCALES)
        homes.append(
            Home(
                atomic_tnode=f"{NODE}.h{number:04d}",
                house_name=name,
                demand_scale=scale,
                store_start_kwh_th=0.0,
            )
        )
    return homes
