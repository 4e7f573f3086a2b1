"""The MarketMaker: opens a market's slots, takes signed bids until the gate closes, clears each
slot and publishes the clearing and every award, signed; its book keeps it all (SQLite).

It runs on simulated time (its `time_coordinator`'s steps). At a step whose time is `t` it opens
the slot starting at `t + lead_s` (`lead_s` is more than the market's gate-closing time, so the
gate is open) and closes every earlier slot whose gate `t` has passed. A slot is cleared as soon
as every bidder it expects has bid, or when its gate closes with what came in; the step is done
(`ready`) once the slot it opened is cleared, so simulated time never runs ahead of a bid in
flight, and the outcome does not depend on message timing.

Each bid is checked before it is booked:
- the sender is the AtomicTNode of the TerminalAsset it bids for (the verifier proved that it
  holds that TerminalAsset's TaTradingRights), else NOT_COUNTERPARTY;
- the curve is well-formed (the message's schema: prices falling from the cap, quantities not
  falling, units stated), else SCHEMA;
- the slot is this market's and open, else SLOT_CLOSED.
A later bid from the same bidder for the same slot replaces its earlier one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

from gridworks.actors.actor import Actor
from gridworks.actors.messages import TimeStep
from gridworks.identity.envelope import MessageSigner, now_ms
from gridworks.identity.errors import IdentityError
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Verified
from gridworks.markets.bids import OfferCurve
from gridworks.markets.book import MarketBook
from gridworks.markets.clearing import Clearing, clear
from gridworks.markets.market_types import MARKET_TYPES, MarketTypeName, Slot, SlotError, parse_slot
from gridworks.markets.market_types import slot as make_slot
from gridworks.markets.messages import Award, Bid, ClearingNotice, clearing_channel

log = logging.getLogger(__name__)


class SlotClosed(IdentityError):
    """A bid for a slot that is not open: another market's, not opened yet, gate closed."""

    reason = RejectReason.SLOT_CLOSED


Supply = Callable[[Slot], tuple[float, float]]
"""A slot's grid supply: (price on the feeder in $/MWh, the feeder's import capacity in kW)."""


class MarketMaker(Actor):
    defers_ready = True

    def __init__(
        self,
        alias: str,
        key: MessageSigner,
        *,
        market: MarketTypeName | str,
        bidders: Mapping[str, str],
        supply: Supply,
        book: MarketBook,
        offers: Callable[[Slot], Mapping[str, OfferCurve]] | None = None,
        lead_s: int | None = None,
        on_clearing: Callable[[Slot, Clearing], None] | None = None,
        **options: object,
    ) -> None:
        """`bidders`: AtomicTNode alias -> the TerminalAsset it bids for; `supply` and `offers`
        say what the grid and sellers offer in a slot; `on_clearing` is told of each clearing
        (results, dashboards). `options`: `Actor`'s (time_coordinator is needed)."""
        super().__init__(alias, key, **options)  # type: ignore[arg-type]
        self.market = MARKET_TYPES[MarketTypeName(market)]
        self.bidders = dict(bidders)
        self.supply = supply
        self.offers = offers
        self.book = book
        self.lead_s = self.market.gate_closing_s * 2 if lead_s is None else lead_s
        if self.lead_s <= self.market.gate_closing_s:
            raise ValueError("a slot opens before its gate closes: lead_s > gate_closing_s")
        self.on_clearing = on_clearing
        self.open: dict[str, Slot] = {}
        """Open slots by name."""
        self.cleared: dict[str, Clearing] = {}
        self._bid_in: dict[str, set[str]] = {}
        """Per open slot, who has bid."""
        self._lock = asyncio.Lock()

    @property
    def channel(self) -> str:
        return clearing_channel(self.alias)

    async def on_timestep(self, timestep: TimeStep) -> None:
        now = timestep.sim_time_s
        for slot in sorted(self.open.values(), key=lambda s: s.start_s):
            if not slot.open_at(now):
                await self._clear(slot)  # its gate closed: with what came in
        opened = make_slot(self.market.name, self.alias, self._opened_at(now))
        if opened.name not in self.cleared:
            self.open[opened.name] = opened
            await self._clear_if_complete(opened)
        else:
            await self.step_done()

    async def handle(self, verified: Verified) -> None:
        message = verified.message
        if not isinstance(message, Bid):
            raise TypeError(f"a MarketMaker takes bids, not {type(message).__name__}")
        bidder = verified.sender.alias
        self.expect(verified, GNodeRole.AtomicTNode, message.terminal_asset)
        if self.bidders.get(bidder) != message.terminal_asset:
            raise SlotClosed(f"{bidder} does not trade in this market")
        try:
            slot = parse_slot(message.slot)
        except SlotError as error:
            raise SlotClosed(str(error)) from None
        if slot.market_maker != self.alias or slot.market != self.market:
            raise SlotClosed(f"{message.slot} is not a slot of {self.market.name}.{self.alias}")
        now = self.sim_time_s
        if message.slot in self.cleared or (now is not None and not slot.open_at(now)):
            raise SlotClosed(f"the gate of {message.slot} closed at {slot.gate_closes_s}")
        if message.slot not in self.open:
            raise SlotClosed(f"{message.slot} is not open yet")
        self.book.add_bid(
            message.slot,
            bidder,
            message.curve,
            message_id=verified.header.message_id,
            envelope=verified.envelope.wire,
            received_ms=now_ms(),
        )
        self._bid_in.setdefault(message.slot, set()).add(bidder)
        await self._clear_if_complete(slot)

    async def _clear_if_complete(self, slot: Slot) -> None:
        if len(self._bid_in.get(slot.name, ())) == len(self.bidders):
            await self._clear(slot)

    async def _clear(self, slot: Slot) -> None:
        async with self._lock:
            if slot.name in self.cleared:
                return
            live = self.book.live(slot.name)  # bidder -> (bid message id, curve)
            grid_price, feeder_kw = self.supply(slot)
            offers = dict(self.offers(slot)) if self.offers else {}
            clearing = clear(
                {bidder: curve for bidder, (_, curve) in live.items()},
                grid_price_usd_per_mwh=grid_price,
                feeder_capacity_kw=feeder_kw,
                offers=offers,
            )
            self.book.record_clearing(slot.name, clearing, cleared_ms=now_ms())
            self.cleared[slot.name] = clearing
            self.open.pop(slot.name, None)
            self._bid_in.pop(slot.name, None)
        if self.on_clearing is not None:
            self.on_clearing(slot, clearing)
        await asyncio.gather(
            *(
                self.send(
                    bidder,
                    Award(
                        slot=slot.name,
                        terminal_asset=self.bidders[bidder],
                        price_usd_per_mwh=clearing.price_usd_per_mwh,
                        quantity_kw=kw,
                        bid_message_id=live[bidder][0],
                    ),
                )
                for bidder, kw in sorted(clearing.bought_kw.items())
            )
        )
        await self.broadcast(
            self.channel,
            ClearingNotice(
                slot=slot.name,
                price_usd_per_mwh=clearing.price_usd_per_mwh,
                quantity_kw=clearing.quantity_kw,
                grid_usd_per_mwh=grid_price,
                feeder_limited=clearing.feeder_limited,
                bids=len(live),
            ),
        )
        step = self.timestep
        if step is not None and slot.start_s == self._opened_at(step.sim_time_s):
            await self.step_done()

    def _opened_at(self, now: int) -> int:
        """The start of the slot a step at `now` opens."""
        start = now + self.lead_s
        return start - start % self.market.slot_seconds
