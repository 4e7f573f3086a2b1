"""`gridworks sim millinocket` end to end: a few homes over the real broker and the embedded
chain, every message signed and verified; the market's outcome equals the reference run's
(computed with no broker), the same seed gives the same outcome, and the bad input sent during
the run is refused with its reasons without changing the outcome."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridworks.cli import main
from gridworks.sandbox import Network
from gridworks.sim import adversaries, engine
from gridworks.sim.dashboard.records import HomeSeries, State
from gridworks.sim.homes import make_homes
from gridworks.sim.millinocket import SimConfig, run
from gridworks.sim.results import RunOutcome

JSON_KEYS = {
    "homes": None,
    "hours": None,
    "seed": None,
    "cost_usd": {"market", "baseline"},
    "energy_mwh": {"market", "baseline"},
    "energy_mwh_negative_price": {"market", "baseline"},
    "unserved_heat_kwh_th": {"market", "baseline"},
    "feeder": {"limit_mw", "peak_mw_market", "peak_mw_baseline", "congested_hours"},
    "messages": {"sent", "verified", "refused"},
    "wall_s": None,
}


def test_the_main_job_runs_a_market_over_rabbitmq_and_reports_it(tmp_path: Path) -> None:
    out, results = tmp_path / "report", tmp_path / "results.json"
    result = CliRunner().invoke(
        main,
        [
            "sim", "millinocket", "--homes", "3", "--days", "1", "--start", "2020-01-17",
            "--seed", "5", "--json", str(results), "--out", str(out), "--verify", "--no-progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "reference check: the market run equals the reference run" in result.output
    document = json.loads(results.read_text())
    assert set(document) == set(JSON_KEYS)
    for key, inner in JSON_KEYS.items():
        if inner is not None:
            assert set(document[key]) == inner, key
    assert (document["homes"], document["hours"], document["seed"]) == (3, 24, 5)
    assert document["feeder"]["limit_mw"] == 3 * 20 / 1000
    # every piece of bad input refused, each with its reason, and only that
    assert document["messages"]["refused"] == len(adversaries.EXPECTED)
    for reason, count in Counter(adversaries.EXPECTED.values()).items():
        assert f"  {reason}: {count}" in result.output
    # the homes heated: what the baseline needed, the market bought too, and paid for it
    assert document["energy_mwh"]["market"] > 0 and document["cost_usd"]["market"] != 0
    assert any(
        line.startswith("dashboard: http://127.0.0.1:") for line in result.output.splitlines()
    )
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 1  # the cost comparison; the rest are charts
    assert 'id="dashboard-data"' in page and "rt60gate5.d1.isone.ver.keene." in page
    assert all((out / name).is_file() for name in ("price_load.png", "store_energy.png"))


def test_the_same_seed_gives_the_same_market_whatever_the_timing(network: Network) -> None:
    config = SimConfig(homes=4, days=0.5, start="2020-02-20", seed=11, progress=False)
    first = run(network, config, say=lambda _: None)
    second = run(network, config, say=lambda _: None)
    assert first.market.model_dump() == second.market.model_dump()
    reference = engine.reference_run(
        make_homes(4, 11), engine.first_hour("2020-02-20"), 12, config.feeder_kw
    )
    assert first.market.model_dump() == reference.model_dump()
    # and the bad input both runs received changed nothing
    assert first.refused_by_reason == second.refused_by_reason != {}


def test_another_seed_draws_other_homes() -> None:
    assert make_homes(20, 1) == make_homes(20, 1)
    assert make_homes(20, 1) != make_homes(20, 2)


def test_homes_on_a_worker_process_trade_the_same_and_show_live(
    network: Network, monkeypatch
) -> None:
    """With a worker process running some homes' actors (hosts of 8 actors here, so that a few
    homes make several hosts), the outcome is the reference run's, and the dashboard had every
    home's reports (so every slot's load) before the run's results came back."""
    from gridworks.sim import millinocket

    monkeypatch.setattr(millinocket, "HOST_SIZE", 8)
    config = SimConfig(homes=7, days=0.25, start="2020-03-05", seed=2, workers=1, progress=False)
    recorder = millinocket.recorder_for(config)
    before: list[tuple[State, dict[str, HomeSeries]]] = []  # as it stood before `finish`
    finish = recorder.finish

    def finish_after_a_look(market: RunOutcome) -> None:
        state = recorder.state()
        before.append((state, {home.alias: recorder.home(home.alias) for home in state.homes}))
        finish(market)

    monkeypatch.setattr(recorder, "finish", finish_after_a_look)
    output = run(network, config, say=lambda _: None, recorder=recorder)
    reference = engine.reference_run(
        make_homes(7, 2), engine.first_hour("2020-03-05"), 6, config.feeder_kw
    )
    assert output.market.model_dump() == reference.model_dump()
    assert output.summary.messages.refused == len(adversaries.EXPECTED)

    [(state, series)] = before
    assert sorted(series) == sorted(h.atomic_tnode for h in make_homes(7, 2))
    for alias, home in series.items():  # the worker's homes too
        assert len(home.store_kwh_th) == len(home.power_kw) == 6, alias
    expected_load = {slot.start_s: slot.load_kw for slot in reference.slots}
    assert [slot.start_s for slot in state.slots] == sorted(expected_load)
    for slot in state.slots:
        assert slot.load_kw == pytest.approx(expected_load[slot.start_s])


def test_two_runs_on_one_broker_at_once_keep_to_their_own_logins(network: Network) -> None:
    import threading

    configs = [
        SimConfig(homes=3, days=0.25, start="2020-01-20", seed=seed, progress=False)
        for seed in (1, 2)
    ]
    outputs: dict[int, object] = {}

    def one(index: int) -> None:
        try:
            outputs[index] = run(network, configs[index], say=lambda _: None)
        except Exception as error:  # reported below
            outputs[index] = error

    threads = [threading.Thread(target=one, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    for index, config in enumerate(configs):
        output = outputs[index]
        assert not isinstance(output, Exception), output
        reference = engine.reference_run(
            make_homes(3, config.seed), engine.first_hour("2020-01-20"), 6, config.feeder_kw
        )
        assert output.market.model_dump() == reference.model_dump()  # type: ignore[attr-defined]
