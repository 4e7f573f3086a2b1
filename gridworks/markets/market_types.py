"""Market types and slot names, as GridWorks names them.

A market type says how long its slots are and how long before a slot starts its gate closes
(no bid is taken after). Every type caps prices at 10,000 $/MWh. A slot is named
``<type>.<marketmaker alias>.<slot start, unix s>``, e.g.
``rt60gate5.d1.isone.ver.keene.1577854800``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from gridworks.identity.alias import check_alias

PRICE_CAP_USD_PER_MWH = 10_000.0


class MarketTypeName(StrEnum):
    rt5gate5 = "rt5gate5"
    rt15gate5 = "rt15gate5"
    rt30gate5 = "rt30gate5"
    rt60gate5 = "rt60gate5"
    rt60gate30 = "rt60gate30"
    rt60gate30b = "rt60gate30b"
    da60 = "da60"


class MarketType(NamedTuple):
    name: MarketTypeName
    slot_minutes: int
    gate_closing_s: int
    """Seconds before the slot's start at which bids stop being taken."""
    price_cap_usd_per_mwh: float = PRICE_CAP_USD_PER_MWH

    @property
    def slot_seconds(self) -> int:
        return self.slot_minutes * 60


MARKET_TYPES: dict[MarketTypeName, MarketType] = {
    market.name: market
    for market in (
        MarketType(MarketTypeName.rt5gate5, 5, 300),
        MarketType(MarketTypeName.rt15gate5, 15, 300),
        MarketType(MarketTypeName.rt30gate5, 30, 300),
        MarketType(MarketTypeName.rt60gate5, 60, 300),
        MarketType(MarketTypeName.rt60gate30, 60, 1_800),
        MarketType(MarketTypeName.rt60gate30b, 60, 60),
        MarketType(MarketTypeName.da60, 60, 1_440),
    )
}


class SlotError(ValueError):
    """Not a slot name, or a slot that does not fit its market type."""


class Slot(NamedTuple):
    market: MarketType
    market_maker: str
    start_s: int

    @property
    def name(self) -> str:
        return f"{self.market.name}.{self.market_maker}.{self.start_s}"

    @property
    def end_s(self) -> int:
        return self.start_s + self.market.slot_seconds

    @property
    def gate_closes_s(self) -> int:
        return self.start_s - self.market.gate_closing_s

    def open_at(self, now_s: float) -> bool:
        """Whether a bid arriving at `now_s` (unix seconds, simulated or not) is in time."""
        return now_s < self.gate_closes_s


def slot(market: MarketTypeName | str, market_maker: str, start_s: int) -> Slot:
    """The slot of `market` run by `market_maker` starting at `start_s` (a multiple of the slot
    length, in unix seconds)."""
    try:
        kind = MARKET_TYPES[MarketTypeName(market)]
    except ValueError:
        raise SlotError(f"no market type {market!r}; known: {', '.join(MARKET_TYPES)}") from None
    check_alias(market_maker)
    if start_s < 0 or start_s % kind.slot_seconds:
        raise SlotError(
            f"a {kind.name} slot starts on a multiple of {kind.slot_seconds} s, not at {start_s}"
        )
    return Slot(kind, market_maker, start_s)


def parse_slot(name: str) -> Slot:
    """The slot a name such as ``rt60gate5.d1.isone.ver.keene.1577854800`` names."""
    words = name.split(".")
    if len(words) < 3 or not words[-1].isdigit():
        raise SlotError(f"not <type>.<marketmaker alias>.<start unix s>: {name!r}")
    return slot(words[0], ".".join(words[1:-1]), int(words[-1]))
