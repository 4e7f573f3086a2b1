"""Clear one slot: a uniform-price auction of step demand curves against supply.

Supply is the wholesale grid, at the node's real-time price plus distribution, limited by the
feeder's import capacity, plus any sellers' offer curves. The clearing price `p` is the lowest
price at which the demand strictly above it fits the supply at it:
``D(p+) <= S(p)``, among the prices where a curve steps (the cap included, where ``D(cap+)`` is
0, so there always is one). The quantity is ``Q = min(D(p), S(p))``. Buyers get what they bid
strictly above `p`, and what is left of `Q` is split among the steps at exactly `p` in proportion
to their size (ties pro rata); sellers likewise from below. When the feeder is the limit,
demand bids the price up past the grid's (congestion), and the price says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from gridworks.markets.bids import DemandCurve, OfferCurve, Step

GRID = "grid"
"""The award key of the wholesale grid's supply."""


class Clearing(BaseModel):
    model_config = ConfigDict(frozen=True)

    price_usd_per_mwh: float
    quantity_kw: float
    bought_kw: dict[str, float] = Field(default_factory=dict)
    """Per bidder (every bidder, 0 included)."""
    sold_kw: dict[str, float] = Field(default_factory=dict)
    """Per seller, the grid under `GRID`."""
    feeder_limited: bool = False
    """The feeder imports all it can and the price is above the grid's: congestion."""


def grid_offer(price_usd_per_mwh: float, feeder_capacity_kw: float) -> OfferCurve:
    """The grid as a seller: any amount up to the feeder's capacity at the retail price."""
    return OfferCurve(steps=(Step(price=price_usd_per_mwh, quantity=feeder_capacity_kw),))


def _split(
    total: float, fixed: Mapping[str, float], marginal: Mapping[str, float]
) -> dict[str, float]:
    """`fixed` in full, and `total - sum(fixed)` shared in proportion to `marginal`."""
    left = max(0.0, total - sum(fixed.values()))
    room = sum(marginal.values())
    share = 0.0 if room <= 0 else min(1.0, left / room)
    return {who: fixed[who] + marginal[who] * share for who in fixed}


def clear(
    bids: Mapping[str, DemandCurve],
    *,
    grid_price_usd_per_mwh: float,
    feeder_capacity_kw: float,
    offers: Mapping[str, OfferCurve] | None = None,
) -> Clearing:
    """Clear `bids` (bidder -> curve) against the grid and `offers` (seller -> curve)."""
    if GRID in (offers or {}):
        raise ValueError(f"{GRID!r} is the grid's name; a seller needs another")
    # in name order: sums of floats then come out the same whatever order the bids arrived in
    bids = dict(sorted(bids.items()))
    sellers: dict[str, OfferCurve] = dict(sorted((offers or {}).items()))
    sellers[GRID] = grid_offer(grid_price_usd_per_mwh, max(0.0, feeder_capacity_kw))
    prices = sorted(
        {s.price for curve in bids.values() for s in curve.steps}
        | {s.price for curve in sellers.values() for s in curve.steps}
    )

    def demand(price: float, strictly_above: bool) -> dict[str, float]:
        return {
            who: (c.quantity_above(price) if strictly_above else c.quantity_at(price))
            for who, c in bids.items()
        }

    def supply(price: float, strictly_below: bool) -> dict[str, float]:
        return {
            who: (c.quantity_below(price) if strictly_below else c.quantity_at(price))
            for who, c in sellers.items()
        }

    for price in prices:
        above = demand(price, True)
        at_supply = supply(price, False)
        if sum(above.values()) <= sum(at_supply.values()) + 1e-9:
            break
    at_demand = demand(price, False)
    below = supply(price, True)
    quantity = min(sum(at_demand.values()), sum(at_supply.values()))
    bought = _split(quantity, above, {w: at_demand[w] - above[w] for w in bids})
    sold = _split(quantity, below, {w: at_supply[w] - below[w] for w in sellers})
    feeder = max(0.0, feeder_capacity_kw)
    return Clearing(
        price_usd_per_mwh=price,
        quantity_kw=quantity,
        bought_kw=bought,
        sold_kw=sold,
        feeder_limited=sold[GRID] >= feeder - 1e-9 and price > grid_price_usd_per_mwh,
    )
