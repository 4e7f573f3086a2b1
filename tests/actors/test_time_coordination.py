"""The TimeCoordinator's rules (sans-IO): steps, readiness, re-broadcast with backoff, pause and
resume, real-time pacing; and the Supervisor's silent-actor watch."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gridworks.actors.messages import HEARTBEAT, MESSAGE_TYPES, READY, TIMESTEP, Ready, TimeStep
from gridworks.actors.supervision import Change, HeartbeatWatch
from gridworks.actors.time_coordination import (
    Broadcast,
    Finished,
    Pacing,
    Paused,
    RunConfig,
    StepClock,
    roster_for,
)

HOMES = frozenset({"d1.a.atn", "d1.b.atn", "d1.c.atn"})


def clock(**changes: object) -> StepClock:
    args: dict[str, object] = dict(
        run_id="run-1", roster=HOMES, start_s=1_577_836_800, step_seconds=3600, steps=3
    )
    args.update(changes)
    return StepClock(RunConfig(**args))  # type: ignore[arg-type]


def all_ready(c: StepClock, step: int, now: float) -> list[object]:
    out: list[object] = []
    for alias in sorted(HOMES):
        out += c.on_ready(alias, step, now)
    return out


def test_each_step_waits_for_every_actor_then_the_run_finishes() -> None:
    c = clock()
    assert c.start(0.0) == [Broadcast(0, 1_577_836_800, 1)]
    assert c.on_ready("d1.a.atn", 0, 0.1) == []
    assert c.on_ready("d1.a.atn", 0, 0.1) == []  # a duplicate changes nothing
    assert c.on_ready("d1.zz.atn", 0, 0.1) == []  # not on the roster
    assert c.on_ready("d1.b.atn", 1, 0.1) == []  # for a step not yet broadcast
    assert c.waiting == {"d1.b.atn", "d1.c.atn"}
    assert c.on_ready("d1.b.atn", 0, 0.2) == []
    assert c.on_ready("d1.c.atn", 0, 0.3) == [Broadcast(1, 1_577_836_800 + 3600, 1)]
    assert c.on_ready("d1.a.atn", 0, 0.4) == []  # a late answer to the old step
    assert all_ready(c, 1, 0.5) == [Broadcast(2, 1_577_836_800 + 7200, 1)]
    assert all_ready(c, 2, 0.6) == [Finished(3)]
    assert c.finished and c.on_tick(100.0) == [] and all_ready(c, 2, 101.0) == []
    with pytest.raises(RuntimeError, match="already started"):
        c.start(1.0)


def test_a_late_step_is_broadcast_again_with_backoff_then_the_run_pauses_naming_who() -> None:
    c = clock(resend_after_s=2.0, max_tries=3)
    c.start(0.0)
    c.on_ready("d1.b.atn", 0, 0.5)
    assert c.on_tick(1.99) == []
    assert c.on_tick(2.0) == [Broadcast(0, c.sim_time_s, 2)]
    assert c.on_tick(5.99) == []  # the next try waits twice as long: 2 + 4
    assert c.on_tick(6.0) == [Broadcast(0, c.sim_time_s, 3)]
    assert c.on_tick(13.99) == []
    (paused,) = c.on_tick(14.0)
    assert isinstance(paused, Paused)
    assert paused.missing == ("d1.a.atn", "d1.c.atn")
    assert "d1.a.atn, d1.c.atn" in paused.reason and "3 broadcasts" in paused.reason
    assert c.on_tick(100.0) == []  # paused: nothing more until resumed
    assert c.resume(200.0) == [Broadcast(0, c.sim_time_s, 1)]  # a fresh count of tries
    assert c.on_ready("d1.a.atn", 0, 201.0) == []
    assert c.on_ready("d1.c.atn", 0, 201.0) == [Broadcast(1, c.sim_time_s, 1)]


def test_pause_and_resume_by_command() -> None:
    c = clock()
    c.start(0.0)
    (paused,) = c.pause()
    assert paused == Paused(0, (), "paused by command")
    assert c.pause() == []
    assert all_ready(c, 0, 1.0) == []  # counted, but the run does not move while paused
    assert c.on_tick(50.0) == []
    assert c.resume(60.0) == [Broadcast(1, c.sim_time_s, 1)]
    assert c.resume(61.0) == []  # not paused


def test_real_time_pacing_starts_each_step_at_its_wall_time() -> None:
    c = clock(step_seconds=60, pacing=Pacing.REAL_TIME, resend_after_s=100.0)
    c.start(1000.0)
    assert all_ready(c, 0, 1001.0) == []  # everyone ready, but step 1 is due at 1060
    assert c.on_tick(1059.9) == []
    assert c.on_tick(1060.0) == [Broadcast(1, c.config.start_s + 60, 1)]
    assert all_ready(c, 1, 1200.0) == [Broadcast(2, c.config.start_s + 120, 1)]  # already due


def test_run_config_refuses_what_cannot_run() -> None:
    with pytest.raises(ValidationError, match="at least one actor"):
        clock(roster=frozenset())
    with pytest.raises(ValidationError, match="alias"):
        clock(roster=frozenset({"D1.Bad"}))
    with pytest.raises(ValidationError):
        clock(step_seconds=0)
    with pytest.raises(ValidationError):
        clock(run_id="Run 1")


def test_the_roster_comes_from_the_config_and_must_be_registered() -> None:
    registered = ["d1.a.atn", "d1.b.atn", "d1.c.atn", "d1.other"]
    assert roster_for(HOMES, registered) == HOMES
    with pytest.raises(ValueError, match="not registered GNodes: d1.x, d1.y"):
        roster_for([*HOMES, "d1.y", "d1.x"], registered)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_order_of_answers_broadcasts_each_step_once_in_order(data: st.DataObject) -> None:
    steps = data.draw(st.integers(1, 6))
    c = clock(steps=steps)
    seen = c.start(0.0)
    for step in range(steps):
        answers = data.draw(
            st.lists(st.sampled_from(sorted(HOMES) + ["d1.zz"]), min_size=0, max_size=12)
        )
        for alias in [*answers, *sorted(HOMES)]:  # noise and duplicates, then everyone
            seen += c.on_ready(alias, step, float(step))
            seen += c.on_ready(alias, step - 1, float(step))  # stale answers
    assert seen == [Broadcast(s, c.config.start_s + s * 3600, 1) for s in range(steps)] + [
        Finished(steps)
    ]


def test_the_messages_are_registered_and_strict() -> None:
    assert {(TIMESTEP, 1), (READY, 1), (HEARTBEAT, 1)} <= set(MESSAGE_TYPES)
    step = TimeStep(run_id="run-1", step=0, sim_time_s=1, step_seconds=3600, attempt=1)
    assert MESSAGE_TYPES.model(TIMESTEP, 1) is TimeStep
    assert TimeStep.model_validate(step.model_dump()) == step
    with pytest.raises(ValidationError):
        Ready(run_id="run-1", step=-1)
    with pytest.raises(ValidationError):
        Ready.model_validate({"run_id": "run-1", "step": "1"})  # strict: no coercion


# ---- the Supervisor's watch ------------------------------------------------------------------


def test_an_actor_that_goes_silent_is_reported_once_and_again_when_back() -> None:
    watch = HeartbeatWatch(frozenset({"d1.a.atn", "d1.b.atn"}), silent_after_s=10, started_at=0)
    watch.heard("d1.a.atn", 1.0)
    watch.heard("d1.b.atn", 1.0)
    assert watch.changes(10.0) == []
    watch.heard("d1.a.atn", 9.0)
    assert watch.changes(11.5) == [Change("d1.b.atn", True, 10.5)]
    assert watch.changes(12.0) == []  # reported once
    assert watch.silent == {"d1.b.atn"}
    watch.heard("d1.b.atn", 13.0)
    watch.heard("d1.zz", 13.0)  # not supervised: ignored
    assert watch.changes(14.0) == [Change("d1.b.atn", False, 1.0)]
    assert watch.silent == frozenset()


def test_an_actor_never_heard_from_is_silent_once_the_watch_is_old_enough() -> None:
    watch = HeartbeatWatch(frozenset({"d1.a.atn"}), silent_after_s=5, started_at=100.0)
    assert watch.changes(105.0) == []
    assert watch.changes(105.5) == [Change("d1.a.atn", True, 5.5)]
    watch.add(["d1.b.atn"], now=105.5)
    assert watch.changes(110.0) == []
    assert watch.changes(111.0) == [Change("d1.b.atn", True, 5.5)]
    with pytest.raises(ValueError):
        HeartbeatWatch(frozenset(), silent_after_s=0, started_at=0)
