"""Market types and slots, bid-curve rules, and uniform-price clearing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gridworks.markets.bids import DemandCurve, OfferCurve, Step
from gridworks.markets.clearing import GRID, clear
from gridworks.markets.market_types import (
    MARKET_TYPES,
    PRICE_CAP_USD_PER_MWH,
    SlotError,
    parse_slot,
    slot,
)

CAP = PRICE_CAP_USD_PER_MWH


def demand(*steps: tuple[float, float]) -> DemandCurve:
    return DemandCurve(steps=tuple(Step(price=p, quantity=q) for p, q in steps))


def offer(*steps: tuple[float, float]) -> OfferCurve:
    return OfferCurve(steps=tuple(Step(price=p, quantity=q) for p, q in steps))


def test_the_market_types_table() -> None:
    table = {name.value: (m.slot_minutes, m.gate_closing_s) for name, m in MARKET_TYPES.items()}
    assert table == {
        "rt5gate5": (5, 300),
        "rt15gate5": (15, 300),
        "rt30gate5": (30, 300),
        "rt60gate5": (60, 300),
        "rt60gate30": (60, 1800),
        "rt60gate30b": (60, 60),
        "da60": (60, 1440),
    }
    assert all(m.price_cap_usd_per_mwh == 10_000 for m in MARKET_TYPES.values())


def test_slot_names_round_trip_and_gate_closure() -> None:
    made = slot("rt60gate30b", "d1.isone.ver.keene", 1_577_854_800)
    assert made.name == "rt60gate30b.d1.isone.ver.keene.1577854800"
    assert parse_slot(made.name) == made
    assert made.gate_closes_s == 1_577_854_740 and made.end_s == 1_577_858_400
    assert made.open_at(1_577_854_739.9) and not made.open_at(1_577_854_740)


@pytest.mark.parametrize(
    "name",
    [
        "rt60gate30b.d1.isone.1577854801",  # not on the hour
        "rt61gate5.d1.isone.1577854800",  # no such type
        "rt60gate5.D1.isone.1577854800",  # not an alias
        "rt60gate5.1577854800",
        "rt60gate5.d1.isone.soon",
    ],
)
def test_what_is_not_a_slot(name: str) -> None:
    with pytest.raises((SlotError, ValueError)):
        parse_slot(name)


@pytest.mark.parametrize(
    "steps, problem",
    [
        (((500.0, 1.0),), "cap"),
        (((CAP, 1.0), (CAP, 2.0)), "fall"),
        (((CAP, 1.0), (20.0, 2.0), (30.0, 3.0)), "fall"),
        (((CAP, 2.0), (20.0, 1.0)), "quantities"),
        ((), "at least 1"),
    ],
)
def test_a_malformed_demand_curve_is_refused_with_its_reason(steps, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        demand(*steps)


def test_units_are_stated_and_checked() -> None:
    with pytest.raises(ValidationError):
        DemandCurve(steps=(Step(price=CAP, quantity=1),), quantity_unit="MW")  # type: ignore[arg-type]
    assert demand((CAP, 1)).model_dump()["price_unit"] == "USD/MWh"


def test_demand_below_the_feeder_limit_clears_at_the_grid_price() -> None:
    bids = {"a": demand((CAP, 1), (100, 3)), "b": demand((CAP, 0), (50, 2))}
    result = clear(bids, grid_price_usd_per_mwh=40, feeder_capacity_kw=10)
    assert result.price_usd_per_mwh == 40
    assert result.bought_kw == {"a": 3, "b": 2} and result.quantity_kw == 5
    assert result.sold_kw == {GRID: 5} and not result.feeder_limited


def test_congestion_raises_the_local_price_and_rations_the_marginal_step() -> None:
    # grid at 40 but only 10 kW through the feeder; demand 5 kW above 50, 15 kW at 50
    bids = {"a": demand((CAP, 0), (100, 5), (50, 15))}
    result = clear(bids, grid_price_usd_per_mwh=40, feeder_capacity_kw=10)
    assert result.price_usd_per_mwh == 50
    assert result.bought_kw == {"a": 10} and result.feeder_limited


def test_ties_at_the_clearing_price_split_pro_rata() -> None:
    bids = {
        "a": demand((CAP, 2), (60, 6)),  # 4 kW marginal at 60
        "b": demand((CAP, 0), (60, 8)),  # 8 kW marginal at 60
        "c": demand((CAP, 1), (30, 5)),  # out at 60
    }
    result = clear(bids, grid_price_usd_per_mwh=40, feeder_capacity_kw=9)
    # above 60: a 2 + c 1 = 3; at 60 the 12 kW of marginal steps share the 6 left
    assert result.price_usd_per_mwh == 60
    assert result.bought_kw == pytest.approx({"a": 2 + 2, "b": 4, "c": 1})
    assert result.quantity_kw == pytest.approx(9)


def test_cheap_local_wind_is_taken_first_and_sets_the_price_when_it_suffices() -> None:
    bids = {"a": demand((CAP, 1), (0, 4)), "b": demand((CAP, 1), (-20, 6))}
    wind = {"d1.isone.ver.keene.wind": offer((-30, 8))}
    result = clear(bids, grid_price_usd_per_mwh=45, feeder_capacity_kw=100, offers=wind)
    # at -30 the wind's 8 kW meets 10 kW of demand above -30: no; at -20: demand above -20
    # is 4 + 1 = 5 <= 8, so the price is -20 and b's extra 5 kW share the 3 kW left
    assert result.price_usd_per_mwh == -20
    assert result.bought_kw == pytest.approx({"a": 4, "b": 4})
    assert result.sold_kw == pytest.approx({"d1.isone.ver.keene.wind": 8, GRID: 0})


def test_demand_beyond_all_supply_clears_at_the_cap_rationed() -> None:
    bids = {"a": demand((CAP, 6)), "b": demand((CAP, 2))}
    result = clear(bids, grid_price_usd_per_mwh=45, feeder_capacity_kw=4)
    assert result.price_usd_per_mwh == CAP and result.quantity_kw == 4
    assert result.bought_kw == pytest.approx({"a": 3, "b": 1})


def test_no_bids_buy_nothing() -> None:
    result = clear({}, grid_price_usd_per_mwh=45, feeder_capacity_kw=4)
    assert result.quantity_kw == 0 and result.sold_kw == {GRID: 0}


def test_awards_never_exceed_bids_or_supply() -> None:
    import random

    rng = random.Random(7)
    for _ in range(300):
        bids = {}
        for n in range(rng.randint(0, 6)):
            prices = sorted(rng.sample(range(-100, 500), rng.randint(1, 4)), reverse=True)
            quantities = sorted(rng.uniform(0, 10) for _ in prices)
            bids[f"b{n}"] = demand((CAP, 0.0), *zip(prices, quantities, strict=True))
        grid, feeder = rng.uniform(-50, 300), rng.uniform(0, 30)
        result = clear(bids, grid_price_usd_per_mwh=grid, feeder_capacity_kw=feeder)
        price = result.price_usd_per_mwh
        assert sum(result.bought_kw.values()) == pytest.approx(result.quantity_kw)
        assert sum(result.sold_kw.values()) == pytest.approx(result.quantity_kw)
        assert result.sold_kw[GRID] <= feeder + 1e-9
        for who, curve in bids.items():
            got = result.bought_kw[who]
            assert curve.quantity_above(price) - 1e-9 <= got <= curve.quantity_at(price) + 1e-9
        if price > grid + 1e-9:  # above the grid's price the feeder must be full
            assert result.sold_kw[GRID] == pytest.approx(feeder)


def test_one_bid_takes_its_quantity_at_the_grid_price() -> None:
    result = clear(
        {"a": demand((CAP, 2), (80, 5))}, grid_price_usd_per_mwh=60, feeder_capacity_kw=9
    )
    # at 60 the bid takes 5 (its 80 step reaches down to 60); the grid gives up to 9
    assert (result.price_usd_per_mwh, result.bought_kw) == (60, {"a": 5})
    assert result.sold_kw == {GRID: 5} and not result.feeder_limited


def test_bids_all_below_the_price_buy_only_what_they_take_at_the_cap() -> None:
    bids = {"a": demand((CAP, 1), (30, 6)), "b": demand((CAP, 0.5), (20, 4))}
    result = clear(bids, grid_price_usd_per_mwh=45, feeder_capacity_kw=100)
    assert result.price_usd_per_mwh == 45
    assert result.bought_kw == {"a": 1, "b": 0.5} and result.quantity_kw == 1.5


def test_a_negative_grid_price_clears_negative_and_fills_the_cheap_steps() -> None:
    bids = {"a": demand((CAP, 1), (0, 4), (-10, 9)), "b": demand((CAP, 2), (-50, 7))}
    result = clear(bids, grid_price_usd_per_mwh=-25, feeder_capacity_kw=100)
    # at -25: a takes 9 (its -10 step reaches down to -25), b takes 2 (its -50 step does not)
    assert result.price_usd_per_mwh == -25
    assert result.bought_kw == {"a": 9, "b": 2} and result.sold_kw == {GRID: 11}


def test_the_outcome_does_not_depend_on_the_order_bids_arrived_in() -> None:
    import random

    draw = random.Random(3)
    bids = {
        f"h{n:03d}": demand((CAP, draw.uniform(0, 2)), (draw.uniform(-40, 300), 2 + draw.random()))
        for n in range(60)
    }
    shuffled = list(bids.items())
    draw.shuffle(shuffled)
    one = clear(bids, grid_price_usd_per_mwh=45.3, feeder_capacity_kw=97.1)
    other = clear(dict(shuffled), grid_price_usd_per_mwh=45.3, feeder_capacity_kw=97.1)
    assert one.model_dump() == other.model_dump()  # float for float, not approximately
