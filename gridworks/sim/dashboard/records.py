"""What the dashboard shows, as pydantic records: the JSON its endpoints serve and what
`report.html` embeds (`ReportData`), in the same shapes, so one script draws both."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunInfo(_Record):
    """The run's parameters, and where it is."""

    title: str = "Millinocket simulation"
    homes: int
    hours: int
    start_s: int
    """The first slot's start (Unix seconds, simulated)."""
    feeder_kw: float
    phase: str = "starting"
    """starting, chain, broker, market, baseline, done (or failed)."""


class SlotPoint(_Record):
    """One cleared slot: its price and the load against the feeder."""

    start_s: int
    price_usd_per_mwh: float
    grid_usd_per_mwh: float
    """What the grid sells at on the feeder (the supply's price)."""
    feeder_kw: float
    awarded_kw: float
    """What the clearing awarded in all (the homes then draw up to it)."""
    load_kw: float | None = None
    """What the homes reported drawing (None until every home has reported on the slot)."""
    reports: int = 0
    """How many homes have reported on the slot."""
    feeder_limited: bool = False
    bids: int = 0


class HomeRef(_Record):
    alias: str
    house: str


class HomeSeries(_Record):
    """One home's slots: the store at each slot's end and the power drawn through it."""

    alias: str
    house: str
    start_s: list[int] = Field(default_factory=list)
    store_kwh_th: list[float] = Field(default_factory=list)
    power_kw: list[float] = Field(default_factory=list)


class MessageSample(_Record):
    """Messages per second over the interval ending at `t_s` (wall clock, Unix seconds)."""

    t_s: float
    sent: float
    accepted: float
    refused: dict[str, float] = Field(default_factory=dict)
    """Per refusal reason."""


class MessageTotals(_Record):
    sent: int = 0
    accepted: int = 0
    refused: dict[str, int] = Field(default_factory=dict)


class BookBid(_Record):
    """One bidder's curve in a slot: (price USD/MWh, kW) steps from the cap down, and its award."""

    bidder: str
    steps: list[tuple[float, float]]
    award_kw: float


class Book(_Record):
    """A cleared slot's book: the live bids, the grid's supply and the clearing point."""

    slot: str
    start_s: int
    grid_usd_per_mwh: float
    feeder_kw: float
    price_usd_per_mwh: float
    quantity_kw: float
    feeder_limited: bool
    bids: list[BookBid]


class State(_Record):
    """`GET /api/state`: everything but the homes' series and the books."""

    run: RunInfo
    slots: list[SlotPoint]
    messages: list[MessageSample]
    totals: MessageTotals
    homes: list[HomeRef]
    default_homes: list[str]
    books: list[int]
    """The starts of the slots whose book is kept, oldest first."""


class ReportData(_Record):
    """What `report.html` embeds: the state and, for the homes and slots it keeps, their data."""

    state: State
    homes: dict[str, HomeSeries]
    books: dict[str, Book]
    """By slot start (a string: JSON keys are)."""
