"""Bid curves: what a buyer would take at each price, as price-quantity steps.

A demand curve lists steps from the price cap down: at any price `p`, the bidder takes the
quantity of the last step whose price is at least `p` (nothing above the cap). So prices fall
strictly, quantities never fall, and the first price is the market's cap (what it takes however
dear). Prices are $/MWh; quantities are kW of average power over the slot (the energy is that
times the slot's hours). An offer curve (a seller's) lists steps from cheap to dear: at any price
`p` the seller gives the quantity of the last step whose price is at most `p`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH

PRICE_UNIT: Literal["USD/MWh"] = "USD/MWh"
QUANTITY_UNIT: Literal["kW"] = "kW"


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    price: float = Field(ge=-PRICE_CAP_USD_PER_MWH, le=PRICE_CAP_USD_PER_MWH, allow_inf_nan=False)
    quantity: float = Field(ge=0, le=1e9, allow_inf_nan=False)


class Curve(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    price_unit: Literal["USD/MWh"] = PRICE_UNIT
    quantity_unit: Literal["kW"] = QUANTITY_UNIT
    steps: tuple[Step, ...] = Field(min_length=1, max_length=200)


class DemandCurve(Curve):
    """A buyer's bid (see the module docstring)."""

    @model_validator(mode="after")
    def _well_formed(self) -> DemandCurve:
        steps = self.steps
        if steps[0].price != PRICE_CAP_USD_PER_MWH:
            raise ValueError(
                f"the first step's price is the cap, {PRICE_CAP_USD_PER_MWH:g} {PRICE_UNIT}, "
                f"not {steps[0].price:g}"
            )
        for before, after in zip(steps, steps[1:], strict=False):
            if after.price >= before.price:
                raise ValueError(
                    f"prices must fall step by step: {before.price:g} then {after.price:g}"
                )
            if after.quantity < before.quantity:
                raise ValueError(
                    f"quantities must not fall as the price does: {before.quantity:g} then "
                    f"{after.quantity:g}"
                )
        return self

    def quantity_at(self, price: float) -> float:
        """What the bidder takes at `price` (0 above the cap)."""
        return _last(self.steps, lambda step: step.price >= price)

    def quantity_above(self, price: float) -> float:
        """What the bidder takes at any price strictly above `price` (just above it)."""
        return _last(self.steps, lambda step: step.price > price)


class OfferCurve(Curve):
    """A seller's offer: prices rise strictly, quantities never fall."""

    @model_validator(mode="after")
    def _well_formed(self) -> OfferCurve:
        for before, after in zip(self.steps, self.steps[1:], strict=False):
            if after.price <= before.price:
                raise ValueError(
                    f"prices must rise step by step: {before.price:g} then {after.price:g}"
                )
            if after.quantity < before.quantity:
                raise ValueError(
                    f"quantities must not fall as the price rises: {before.quantity:g} then "
                    f"{after.quantity:g}"
                )
        return self

    def quantity_at(self, price: float) -> float:
        """What the seller gives at `price`."""
        return _last(self.steps, lambda step: step.price <= price)

    def quantity_below(self, price: float) -> float:
        """What the seller gives at any price strictly below `price`."""
        return _last(self.steps, lambda step: step.price < price)


def _last(steps: tuple[Step, ...], reached: Callable[[Step], bool]) -> float:
    """The quantity of the last of the leading steps `reached` accepts (0 if none): curves are
    ordered so that the steps a price reaches come first."""
    quantity = 0.0
    for step in steps:
        if not reached(step):
            break
        quantity = step.quantity
    return quantity
