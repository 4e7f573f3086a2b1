"""Bad input during a Millinocket run: messages that must be refused, each with its reason,
without changing the market's outcome. `strike` sends one of each while a slot is open:

- a bid signed by an account without the TaTradingRights (a valid key and signature), as a
  home's AtomicTNode: NO_CERTIFICATE;
- a curve whose quantities fall as the price falls, from a home's AtomicTNode: SCHEMA;
- a bid for a slot whose gate has closed: SLOT_CLOSED;
- a bid for another home's TerminalAsset: NOT_COUNTERPARTY;
- a plant report about a device, from another home's Scada: NOT_COUNTERPARTY;
- a report no plant can produce (a negative store), from the home's own Scada: IMPLAUSIBLE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridworks.actors import routing
from gridworks.actors.host import ActorHost
from gridworks.identity.envelope import MessageSigner, now_ms, seal
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH
from gridworks.markets.market_types import slot as make_slot
from gridworks.markets.messages import BID, PLANT_REPORT, PlantReport
from gridworks.sim.actors import MARKET
from gridworks.sim.engine import SLOT_SECONDS
from gridworks.sim.homes import MARKET_MAKER, Home

EXPECTED = {
    "impostor bid": "NO_CERTIFICATE",
    "curve not monotone": "SCHEMA",
    "bid after the gate": "SLOT_CLOSED",
    "bid for another device": "NOT_COUNTERPARTY",
    "report for another device": "NOT_COUNTERPARTY",
    "absurd telemetry": "IMPLAUSIBLE",
}
"""Each attack and the reason its refusal must give."""


async def strike(
    host: ActorHost,
    homes: list[Home],
    keys: Mapping[str, MessageSigner],
    impostor: MessageSigner,
    open_slot_start_s: int,
) -> list[str]:
    """Send each attack once (the slot starting at `open_slot_start_s` being open); return the
    names of the attacks sent. `keys`: alias -> key, for the homes' AtomicTNodes and Scadas."""
    victim = homes[0]
    other = homes[1] if len(homes) > 1 else None
    genesis = host.chain.genesis_hash
    open_slot = make_slot(MARKET, MARKET_MAKER, open_slot_start_s).name
    closed_slot = make_slot(MARKET, MARKET_MAKER, open_slot_start_s - SLOT_SECONDS).name
    honest_curve = {
        "steps": [{"price": PRICE_CAP_USD_PER_MWH, "quantity": 1.0}],
        "price_unit": "USD/MWh",
        "quantity_unit": "kW",
    }
    attacks: list[tuple[str, MessageSigner, str, str, str, Any]] = [
        (
            "impostor bid",
            impostor,
            victim.atomic_tnode,
            MARKET_MAKER,
            BID,
            {"slot": open_slot, "terminal_asset": victim.terminal_asset, "curve": honest_curve},
        ),
        (
            "curve not monotone",
            keys[victim.atomic_tnode],
            victim.atomic_tnode,
            MARKET_MAKER,
            BID,
            {
                "slot": open_slot,
                "terminal_asset": victim.terminal_asset,
                "curve": {
                    "steps": [
                        {"price": PRICE_CAP_USD_PER_MWH, "quantity": 5.0},
                        {"price": 10.0, "quantity": 1.0},
                    ],
                    "price_unit": "USD/MWh",
                    "quantity_unit": "kW",
                },
            },
        ),
        (
            "bid after the gate",
            keys[victim.atomic_tnode],
            victim.atomic_tnode,
            MARKET_MAKER,
            BID,
            {"slot": closed_slot, "terminal_asset": victim.terminal_asset, "curve": honest_curve},
        ),
        (
            "absurd telemetry",
            keys[victim.scada],
            victim.scada,
            victim.atomic_tnode,
            PLANT_REPORT,
            PlantReport(
                terminal_asset=victim.terminal_asset,
                slot_start_s=open_slot_start_s,
                store_kwh_th=-40.0,
                energy_kwh=3.0,
                delivered_kwh_th=1.0,
                unserved_kwh_th=0.0,
                read_ms=now_ms(),
            ).model_dump(mode="json"),
        ),
    ]
    if other is not None:
        attacks += [
            (
                "bid for another device",
                keys[victim.atomic_tnode],
                victim.atomic_tnode,
                MARKET_MAKER,
                BID,
                {"slot": open_slot, "terminal_asset": other.terminal_asset, "curve": honest_curve},
            ),
            (
                "report for another device",
                keys[other.scada],
                other.scada,
                victim.atomic_tnode,
                PLANT_REPORT,
                PlantReport(
                    terminal_asset=victim.terminal_asset,
                    slot_start_s=open_slot_start_s,
                    store_kwh_th=1.0,
                    energy_kwh=1.0,
                    delivered_kwh_th=1.0,
                    unserved_kwh_th=0.0,
                    read_ms=now_ms(),
                ).model_dump(mode="json"),
            ),
        ]
    for _name, key, source, destination, message_type, payload in attacks:
        envelope = seal(
            key,
            message_type=message_type,
            payload=payload,
            source=source,
            destination=destination,
            genesis_hash=genesis,
        )
        await host.publish(envelope, routing.routing_key(source, message_type, destination))
    return [name for name, *_ in attacks]
