"""What a Millinocket run produced: one `RunOutcome` per run (the market's, the baseline's), hour
by hour and home by home, and the `Summary` the results table, the JSON and the report show.

The JSON (`Summary.model_dump`) has exactly the keys the issue names: homes, hours, seed,
cost_usd, energy_mwh, energy_mwh_negative_price, unserved_heat_kwh_th (each {market,
baseline}), feeder {limit_mw, peak_mw_market, peak_mw_baseline, congested_hours}, messages
{sent, verified, refused} and wall_s.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Slot(_Record):
    """One cleared hour of a run."""

    start_s: int
    """The slot's start, Unix seconds (simulated)."""
    rt_lmp_usd_per_mwh: float
    """The wholesale real-time price at the node (negative in curtailment hours)."""
    retail_usd_per_mwh: float
    """What the grid sells at on the feeder: the real-time price plus distribution."""
    price_usd_per_mwh: float
    """The slot's clearing price (above `retail_usd_per_mwh` when the feeder is congested)."""
    load_kw: float
    """What the homes drew in all."""
    feeder_limited: bool


class HomeTrace(_Record):
    """One home's hours: what it drew and paid, and its store at each hour's end."""

    alias: str
    house: str
    energy_kwh: list[float] = Field(default_factory=list)
    cost_usd: list[float] = Field(default_factory=list)
    store_kwh_th: list[float] = Field(default_factory=list)
    unserved_kwh_th: list[float] = Field(default_factory=list)


class RunOutcome(_Record):
    """One run (`name` "market" or "baseline") over the same homes and hours."""

    name: str
    slots: list[Slot] = Field(default_factory=list)
    homes: list[HomeTrace] = Field(default_factory=list)

    @property
    def energy_mwh(self) -> float:
        return sum(sum(h.energy_kwh) for h in self.homes) / 1000

    @property
    def cost_usd(self) -> float:
        return sum(sum(h.cost_usd) for h in self.homes)

    @property
    def unserved_kwh_th(self) -> float:
        return sum(sum(h.unserved_kwh_th) for h in self.homes)

    @property
    def energy_mwh_negative_price(self) -> float:
        """MWh drawn in the hours whose real-time price was below zero."""
        return sum(s.load_kw for s in self.slots if s.rt_lmp_usd_per_mwh < 0) / 1000

    @property
    def peak_mw(self) -> float:
        return max((s.load_kw for s in self.slots), default=0.0) / 1000

    @property
    def congested_hours(self) -> int:
        return sum(1 for s in self.slots if s.feeder_limited)


class Pair(_Record):
    market: float
    baseline: float


class Feeder(_Record):
    limit_mw: float
    peak_mw_market: float
    peak_mw_baseline: float
    congested_hours: int
    """Hours of the market run in which the feeder was the limit."""


class Messages(_Record):
    sent: int
    verified: int
    refused: int


class Summary(_Record):
    """The results table and `--json`'s document."""

    homes: int
    hours: int
    seed: int
    cost_usd: Pair
    energy_mwh: Pair
    energy_mwh_negative_price: Pair
    unserved_heat_kwh_th: Pair
    feeder: Feeder
    messages: Messages
    wall_s: float

    @classmethod
    def of(
        cls,
        market: RunOutcome,
        baseline: RunOutcome,
        *,
        seed: int,
        feeder_limit_mw: float,
        messages: Messages,
        wall_s: float,
    ) -> Summary:
        def pair(value: str) -> Pair:
            return Pair(market=getattr(market, value), baseline=getattr(baseline, value))

        return cls(
            homes=len(market.homes),
            hours=len(market.slots),
            seed=seed,
            cost_usd=pair("cost_usd"),
            energy_mwh=pair("energy_mwh"),
            energy_mwh_negative_price=pair("energy_mwh_negative_price"),
            unserved_heat_kwh_th=pair("unserved_kwh_th"),
            feeder=Feeder(
                limit_mw=feeder_limit_mw,
                peak_mw_market=market.peak_mw,
                peak_mw_baseline=baseline.peak_mw,
                congested_hours=market.congested_hours,
            ),
            messages=messages,
            wall_s=wall_s,
        )
