"""The dashboard's recorder: what the run tells it, and the copies the server reads."""

from __future__ import annotations

import json

import pytest

from gridworks.markets.bids import DemandCurve, Step
from gridworks.markets.clearing import Clearing
from gridworks.sim.dashboard.page import json_for_script
from gridworks.sim.dashboard.recorder import Recorder, from_outcome
from gridworks.sim.dashboard.records import HomeRef, RunInfo
from gridworks.sim.results import HomeTrace, RunOutcome, Slot

START = 1_579_150_800
CAP = 10_000.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_recorder(clock: Clock | None = None, books_kept: int = 168) -> Recorder:
    info = RunInfo(homes=2, hours=3, start_s=START, feeder_kw=40.0)
    homes = [HomeRef(alias="h1", house="kale"), HomeRef(alias="h2", house="holly")]
    return Recorder(info, homes, books_kept=books_kept, clock=clock or Clock())


def curve(*steps: tuple[float, float]) -> DemandCurve:
    return DemandCurve(steps=tuple(Step(price=p, quantity=q) for p, q in steps))


def clear_slot(recorder: Recorder, hour: int, price: float = 50.0) -> None:
    bids = {"h2": curve((CAP, 2.0), (60.0, 8.0)), "h1": curve((CAP, 5.0))}
    clearing = Clearing(price_usd_per_mwh=price, quantity_kw=13.0, bought_kw={"h1": 5.0, "h2": 8.0})
    recorder.cleared(
        f"rt60gate5.mm.{START + hour * 3600}",
        START + hour * 3600,
        clearing,
        bids,
        grid_usd_per_mwh=40.0,
        feeder_kw=40.0,
    )


def test_a_clearing_and_the_homes_reports_make_the_slot_and_its_book() -> None:
    recorder = make_recorder()
    clear_slot(recorder, 0)
    point = recorder.state().slots[0]
    assert (point.start_s, point.price_usd_per_mwh, point.grid_usd_per_mwh) == (START, 50.0, 40.0)
    assert (point.awarded_kw, point.load_kw, point.reports, point.bids) == (13.0, None, 0, 2)

    recorder.reported("h1", START, store_kwh_th=12.5, energy_kwh=4.5)
    point = recorder.state().slots[0]
    assert (point.load_kw, point.reports) == (None, 1)  # one of two homes: no load yet
    recorder.reported("h2", START, store_kwh_th=3.0, energy_kwh=8.0)
    point = recorder.state().slots[0]
    assert (point.load_kw, point.reports) == (12.5, 2)
    home = recorder.home("h1")
    assert (home.start_s, home.store_kwh_th, home.power_kw) == ([START], [12.5], [4.5])

    book = recorder.book(START)
    assert book == recorder.book()  # the latest
    assert [b.bidder for b in book.bids] == ["h1", "h2"]  # in name order
    assert book.bids[1].steps == [(CAP, 2.0), (60.0, 8.0)]
    assert [b.award_kw for b in book.bids] == [5.0, 8.0]
    assert (book.price_usd_per_mwh, book.quantity_kw, book.feeder_kw) == (50.0, 13.0, 40.0)


def test_unknown_homes_and_slots_are_key_errors_and_only_the_latest_books_are_kept() -> None:
    recorder = make_recorder(books_kept=2)
    with pytest.raises(KeyError):
        recorder.book()
    with pytest.raises(KeyError):
        recorder.home("h9")
    for hour in range(3):
        clear_slot(recorder, hour, price=50.0 + hour)
    state = recorder.state()
    assert [s.start_s for s in state.slots] == [START, START + 3600, START + 7200]
    assert state.books == [START + 3600, START + 7200]
    assert recorder.book().price_usd_per_mwh == 52.0
    with pytest.raises(KeyError):
        recorder.book(START)
    recorder.reported("h9", START, 1.0, 1.0)  # a home the run does not have: ignored
    assert [h.alias for h in recorder.state().homes] == ["h1", "h2"]


def test_message_rates_are_per_second_between_samples_and_by_reason() -> None:
    clock = Clock()
    recorder = make_recorder(clock)
    recorder.messages(10, 8, {})
    assert recorder.state().messages == []  # a rate needs two readings
    clock.now += 2.0
    recorder.messages(30, 20, {"SCHEMA": 1, "NEVER": 0})
    clock.now += 0.5
    recorder.messages(31, 21, {"SCHEMA": 1, "REPLAY": 2})
    state = recorder.state()
    first, second = state.messages
    assert (first.t_s, first.sent, first.accepted, first.refused) == (
        1002.0,
        10.0,
        6.0,
        {"SCHEMA": 0.5},
    )
    assert (second.sent, second.accepted) == (2.0, 2.0)
    assert second.refused == {"REPLAY": 4.0, "SCHEMA": 0.0}
    assert state.totals.model_dump() == {
        "sent": 31, "accepted": 21, "refused": {"SCHEMA": 1, "REPLAY": 2}
    }  # fmt: skip


def test_the_state_is_a_copy_the_run_does_not_change_afterwards() -> None:
    recorder = make_recorder()
    clear_slot(recorder, 0)
    before = recorder.state()
    home = recorder.home("h1")
    recorder.reported("h1", START, 2.0, 3.0)
    assert before.slots[0].load_kw is None and home.power_kw == []


def _outcome() -> RunOutcome:
    slots = [
        Slot(
            start_s=START + h * 3600, rt_lmp_usd_per_mwh=-5.0 + h, retail_usd_per_mwh=40.0 + h,
            price_usd_per_mwh=45.0 + h, load_kw=10.0 + h, feeder_limited=h == 1,
        )
        for h in range(3)
    ]  # fmt: skip
    homes = [
        HomeTrace(alias=alias, house=house, energy_kwh=[1.0, 2.0, 3.0], cost_usd=[0.1] * 3,
                  store_kwh_th=[4.0, 5.0, 6.0], unserved_kwh_th=[0.0] * 3)
        for alias, house in (("h1", "kale"), ("h2", "holly"))
    ]  # fmt: skip
    return RunOutcome(name="market", slots=slots, homes=homes)


def test_finish_takes_the_loads_and_homes_from_the_results() -> None:
    recorder = make_recorder()
    for hour in range(3):
        clear_slot(recorder, hour)
    recorder.reported("h1", START, 99.0, 99.0)  # a live report, then the results' numbers
    recorder.finish(_outcome())
    state = recorder.state()
    assert [s.load_kw for s in state.slots] == [10.0, 11.0, 12.0]
    home = recorder.home("h2")
    assert home.start_s == [START, START + 3600, START + 7200]
    assert (home.store_kwh_th, home.power_kw) == ([4.0, 5.0, 6.0], [1.0, 2.0, 3.0])


def test_a_recorder_from_the_results_alone_has_their_slots_and_homes_but_no_books() -> None:
    data = from_outcome(_outcome(), feeder_kw=25.0).report_data()
    assert [s.price_usd_per_mwh for s in data.state.slots] == [45.0, 46.0, 47.0]
    assert [s.feeder_limited for s in data.state.slots] == [False, True, False]
    assert data.state.run.phase == "done" and data.state.run.feeder_kw == 25.0
    assert set(data.homes) == {"h1", "h2"} and data.books == {} and data.state.books == []
    fewer = from_outcome(_outcome(), feeder_kw=25.0).report_data(homes=1)
    assert list(fewer.homes) == ["h1"] and [h.alias for h in fewer.state.homes] == ["h1"]
    assert fewer.state.default_homes == ["h1"]


def test_json_for_a_script_element_has_no_markup_characters_and_reads_back() -> None:
    hostile = {"alias": "</script><script>window.__pwned=1</script><!-- & >"}
    text = json_for_script(json.dumps(hostile))
    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text) == hostile


class _BeforeFinish(Recorder):
    """Keeps what the run recorded live, before `finish` puts the results' numbers in."""

    def finish(self, market: RunOutcome) -> None:
        self.live = self.state()
        self.live_homes = {h.alias: self.home(h.alias) for h in self.live.homes}
        super().finish(market)


def test_a_run_records_each_clearing_report_and_message_count_as_it_goes(network) -> None:  # type: ignore[no-untyped-def]
    from gridworks.sim.millinocket import SimConfig, recorder_for, run

    config = SimConfig(homes=2, days=0.125, start="2020-01-18", seed=3, progress=False)
    made = recorder_for(config)
    recorder = _BeforeFinish(made.state().run, made.state().homes)
    output = run(network, config, say=lambda _: None, recorder=recorder)
    live, market = recorder.live, output.market
    assert live.run.phase == "market" and recorder.state().run.phase == "done"
    assert [s.start_s for s in live.slots] == [s.start_s for s in market.slots]
    assert [s.price_usd_per_mwh for s in live.slots] == [s.price_usd_per_mwh for s in market.slots]
    assert [s.load_kw for s in live.slots] == pytest.approx([s.load_kw for s in market.slots])
    assert all(s.reports == 2 and s.bids == 2 for s in live.slots)
    for trace in market.homes:
        home = recorder.live_homes[trace.alias]
        assert home.store_kwh_th == trace.store_kwh_th and home.power_kw == trace.energy_kwh
    assert live.books == [s.start_s for s in market.slots]
    for slot in live.slots:
        book = recorder.book(slot.start_s)
        assert sum(b.award_kw for b in book.bids) == pytest.approx(slot.awarded_kw)
        assert {b.bidder for b in book.bids} == {h.alias for h in market.homes}
        assert book.grid_usd_per_mwh == slot.grid_usd_per_mwh
    totals = recorder.state().totals
    assert totals.sent == output.summary.messages.sent
    assert totals.accepted == output.summary.messages.verified
    assert totals.refused == output.refused_by_reason
