"""The dashboard's recorder: the run's event loop tells it of each clearing, each home's report
and the message counters; the dashboard's server thread reads copies (`state`, `home`, `book`).

Every method takes one lock for a few appends or a copy, so the run's hot path (a home's report)
costs a dict lookup and three appends. Books are kept for the latest `books_kept` slots.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping

from gridworks.markets.bids import DemandCurve
from gridworks.markets.clearing import Clearing
from gridworks.sim.dashboard.records import (
    Book,
    BookBid,
    HomeRef,
    HomeSeries,
    MessageSample,
    MessageTotals,
    ReportData,
    RunInfo,
    SlotPoint,
    State,
)
from gridworks.sim.results import RunOutcome

BOOKS_KEPT = 168
"""Books of the latest week of hourly slots stay in memory (and in the report)."""
DEFAULT_HOMES = 3
SAMPLES_KEPT = 3600
"""Message-rate samples kept (an hour at one a second)."""
REPORT_HOMES = 50
"""Homes whose series `report.html` embeds (the first ones): it stays a few MB at most."""


class Recorder:
    def __init__(
        self,
        info: RunInfo,
        homes: Iterable[HomeRef],
        *,
        books_kept: int = BOOKS_KEPT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._lock = threading.Lock()
        self._info = info
        self._homes = {home.alias: HomeSeries(alias=home.alias, house=home.house) for home in homes}
        self._slots: dict[int, SlotPoint] = {}
        self._drawn: dict[int, float] = {}
        """Per slot, what the homes that have reported drew (until all have)."""
        self._books: OrderedDict[int, Book] = OrderedDict()
        self._books_kept = books_kept
        self._samples: list[MessageSample] = []
        self._totals = MessageTotals()
        self._last: tuple[float, MessageTotals] | None = None
        self._clock = clock

    # --- written by the run -------------------------------------------------------------------

    def phase(self, name: str) -> None:
        with self._lock:
            self._info = self._info.model_copy(update={"phase": name})

    def cleared(
        self,
        slot: str,
        start_s: int,
        clearing: Clearing,
        bids: Mapping[str, DemandCurve],
        *,
        grid_usd_per_mwh: float,
        feeder_kw: float,
    ) -> None:
        """A slot cleared with these bids (bidder -> curve)."""
        book = Book(
            slot=slot,
            start_s=start_s,
            grid_usd_per_mwh=grid_usd_per_mwh,
            feeder_kw=feeder_kw,
            price_usd_per_mwh=clearing.price_usd_per_mwh,
            quantity_kw=clearing.quantity_kw,
            feeder_limited=clearing.feeder_limited,
            bids=[
                BookBid(
                    bidder=bidder,
                    steps=[(step.price, step.quantity) for step in curve.steps],
                    award_kw=clearing.bought_kw.get(bidder, 0.0),
                )
                for bidder, curve in sorted(bids.items())
            ],
        )
        point = SlotPoint(
            start_s=start_s,
            price_usd_per_mwh=clearing.price_usd_per_mwh,
            grid_usd_per_mwh=grid_usd_per_mwh,
            feeder_kw=feeder_kw,
            awarded_kw=sum(clearing.bought_kw.values()),
            feeder_limited=clearing.feeder_limited,
            bids=len(bids),
        )
        with self._lock:
            self._slots[start_s] = point
            self._books[start_s] = book
            while len(self._books) > self._books_kept:
                self._books.popitem(last=False)

    def reported(self, alias: str, start_s: int, store_kwh_th: float, energy_kwh: float) -> None:
        """A home's report on the slot starting at `start_s` (an hour: kWh are kW)."""
        with self._lock:
            series = self._homes.get(alias)
            if series is not None:
                series.start_s.append(start_s)
                series.store_kwh_th.append(store_kwh_th)
                series.power_kw.append(energy_kwh)
            point = self._slots.get(start_s)
            if point is not None:
                point.reports += 1
                drawn = self._drawn.get(start_s, 0.0) + energy_kwh
                self._drawn[start_s] = drawn
                if point.reports >= self._info.homes:  # a partial sum is no load
                    point.load_kw = drawn
                    del self._drawn[start_s]

    def messages(self, sent: int, accepted: int, refused: Mapping[str, int]) -> None:
        """The counters so far; a sample of the rates since the last call is kept."""
        now = self._clock()
        totals = MessageTotals(
            sent=sent, accepted=accepted, refused={k: v for k, v in refused.items() if v}
        )
        with self._lock:
            self._totals = totals
            if self._last is not None:
                then, before = self._last
                dt = now - then
                if dt > 0:
                    reasons = totals.refused.keys() | before.refused.keys()
                    self._samples.append(
                        MessageSample(
                            t_s=now,
                            sent=(sent - before.sent) / dt,
                            accepted=(accepted - before.accepted) / dt,
                            refused={
                                r: (totals.refused.get(r, 0) - before.refused.get(r, 0)) / dt
                                for r in sorted(reasons)
                            },
                        )
                    )
                    del self._samples[:-SAMPLES_KEPT]
            self._last = (now, totals)

    def finish(self, market: RunOutcome) -> None:
        """The run's outcome: each slot's load and each home's series as the results have them
        (this includes homes that ran on worker processes)."""
        with self._lock:
            self._drawn.clear()
            for slot in market.slots:
                point = self._slots.get(slot.start_s)
                if point is not None:
                    point.load_kw = slot.load_kw
                    point.reports = len(market.homes)
            starts = [slot.start_s for slot in market.slots]
            for trace in market.homes:
                n = min(len(starts), len(trace.store_kwh_th))
                self._homes[trace.alias] = HomeSeries(
                    alias=trace.alias,
                    house=trace.house,
                    start_s=starts[:n],
                    store_kwh_th=list(trace.store_kwh_th[:n]),
                    power_kw=list(trace.energy_kwh[:n]),
                )
            self._info = self._info.model_copy(update={"phase": "done"})

    # --- read by the server -------------------------------------------------------------------

    def state(self) -> State:
        with self._lock:
            homes = [HomeRef(alias=h.alias, house=h.house) for h in self._homes.values()]
            return State(
                run=self._info.model_copy(),
                slots=[p.model_copy() for _, p in sorted(self._slots.items())],
                messages=list(self._samples),
                totals=self._totals.model_copy(deep=True),
                homes=homes,
                default_homes=[h.alias for h in homes[:DEFAULT_HOMES]],
                books=list(self._books),
            )

    def home(self, alias: str) -> HomeSeries:
        """KeyError if the run has no such home."""
        with self._lock:
            return self._homes[alias].model_copy(deep=True)

    def book(self, start_s: int | None = None) -> Book:
        """The book of the slot starting at `start_s` (the latest cleared if None); KeyError if
        it is not kept."""
        with self._lock:
            if start_s is None:
                if not self._books:
                    raise KeyError("no slot has cleared yet")
                start_s = next(reversed(self._books))
            return self._books[start_s]  # never changed once recorded

    def report_data(self, homes: int = REPORT_HOMES) -> ReportData:
        """What report.html embeds: the state, the first `homes` homes' series (the only homes
        it lists) and the kept books."""
        state = self.state()
        with self._lock:
            kept = list(self._homes.values())[:homes]
            series = {h.alias: h.model_copy(deep=True) for h in kept}
            books = {str(start): book for start, book in self._books.items()}
        state.homes = [home for home in state.homes if home.alias in series]
        state.default_homes = [alias for alias in state.default_homes if alias in series]
        return ReportData(state=state, homes=series, books=books)


def from_outcome(
    market: RunOutcome,
    *,
    feeder_kw: float,
    totals: MessageTotals | None = None,
    title: str = "Millinocket simulation",
) -> Recorder:
    """A recorder holding what a finished run's results have (no books, no message rates): the
    report's charts when the run was not recorded live."""
    start = market.slots[0].start_s if market.slots else 0
    info = RunInfo(
        title=title, homes=len(market.homes), hours=len(market.slots), start_s=start,
        feeder_kw=feeder_kw,
    )  # fmt: skip
    recorder = Recorder(info, [HomeRef(alias=h.alias, house=h.house) for h in market.homes])
    for slot in market.slots:
        recorder._slots[slot.start_s] = SlotPoint(
            start_s=slot.start_s,
            price_usd_per_mwh=slot.price_usd_per_mwh,
            grid_usd_per_mwh=slot.retail_usd_per_mwh,
            feeder_kw=feeder_kw,
            awarded_kw=slot.load_kw,
            feeder_limited=slot.feeder_limited,
            bids=len(market.homes),
        )
    if totals is not None:
        recorder._totals = totals
    recorder.finish(market)
    return recorder
