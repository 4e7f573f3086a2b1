"""The TimeCoordinator and Supervisor over the real broker, with certified service GNodes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest

from gridworks.actors.actor import Actor
from gridworks.actors.messages import TimeStep
from gridworks.actors.time_coordination import (
    Finished,
    Paused,
    RunConfig,
    registered_actors,
    roster_for,
)
from gridworks.actors.time_coordinator import Supervisor, TimeCoordinator
from gridworks.identity.chain import FactoryReader
from gridworks.identity.keys import ActorKey
from gridworks.identity.roles import GNodeRole
from gridworks.sandbox import Network
from tests.actors.fleet import Device, Fleet, make_fleet


@pytest.fixture(scope="module")
def fleet(network: Network) -> Iterator[Fleet]:
    yield from make_fleet(network, "d1.tc")


def service(fleet: Fleet, role: GNodeRole) -> tuple[str, ActorKey]:
    alias = f"d1.s{uuid.uuid4().hex[:10]}"
    holder = fleet.key()
    fleet.factory.certify_service(fleet.admin, alias, role, holder)
    return alias, holder


class Stepper(Actor):
    """Remembers the simulated time of every step it was given."""

    def __init__(self, alias: str, key: ActorKey, **options: object) -> None:
        super().__init__(alias, key, **options)  # type: ignore[arg-type]
        self.times: list[int] = []

    async def on_timestep(self, timestep: TimeStep) -> None:
        assert self.sim_time_s == timestep.sim_time_s
        self.times.append(timestep.sim_time_s)


@pytest.fixture(scope="module")
def devices(fleet: Fleet) -> Iterator[list[Device]]:
    made = [fleet.device() for _ in range(2)]
    yield made
    for device in made:
        fleet.delete_queues(device.atn, device.scada)


def steppers(devices: list[Device], coordinator: str) -> list[Stepper]:
    out = []
    for d in devices:
        out.append(Stepper(d.atn, d.atn_key, time_coordinator=coordinator))
        out.append(Stepper(d.scada, d.scada_key, time_coordinator=coordinator))
    return out


def run_config(roster: set[str], **overrides: object) -> RunConfig:
    values: dict[str, object] = dict(
        run_id=f"run-{uuid.uuid4().hex[:8]}",
        roster=frozenset(roster),
        start_s=1_577_836_800,  # 2020-01-01T00:00:00Z
        step_seconds=3600,
        steps=6,
        resend_after_s=1.0,
        max_tries=3,
    )
    values.update(overrides)
    return RunConfig.model_validate(values)


def test_the_roster_comes_from_the_run_and_the_registry(
    fleet: Fleet, devices: list[Device]
) -> None:
    registered = registered_actors(FactoryReader(fleet.network, fleet.factory.app_id).gnodes())
    for device in devices:
        assert {device.atn, device.scada, device.terminal_asset} <= registered
    wanted = [devices[0].atn, devices[1].scada]
    assert roster_for(wanted, registered) == frozenset(wanted)
    with pytest.raises(ValueError, match="d1.tc.nobody"):
        roster_for([*wanted, "d1.tc.nobody"], registered)
    suspended = fleet.device()
    fleet.factory.suspend(fleet.admin, suspended.terminal_asset)
    registered = registered_actors(FactoryReader(fleet.network, fleet.factory.app_id).gnodes())
    assert suspended.atn not in registered and suspended.scada not in registered


def test_a_run_steps_every_actor_through_simulated_time(
    fleet: Fleet, devices: list[Device]
) -> None:
    alias, key = service(fleet, GNodeRole.TimeCoordinator)
    actors = steppers(devices, alias)
    registered = registered_actors(FactoryReader(fleet.network, fleet.factory.app_id).gnodes())
    config = run_config(roster_for([a.alias for a in actors], registered))
    coordinator = TimeCoordinator(alias, key, config)

    async def main() -> Finished | Paused:
        async with fleet.host(coordinator, *actors):
            return await asyncio.wait_for(coordinator.run(), 30)

    try:
        ended = asyncio.run(main())
    finally:
        fleet.delete_queues(alias)
    assert ended == Finished(6)
    expected = [config.start_s + i * 3600 for i in range(6)]
    for actor in actors:
        assert actor.times == expected, actor.alias


def test_a_missing_actor_pauses_the_run_by_name_and_resume_finishes_it(
    fleet: Fleet, devices: list[Device]
) -> None:
    alias, key = service(fleet, GNodeRole.TimeCoordinator)
    present, late = steppers(devices, alias)[:3], steppers(devices, alias)[3]
    config = run_config(
        {a.alias for a in present} | {late.alias}, steps=3, resend_after_s=0.2, max_tries=2
    )
    coordinator = TimeCoordinator(alias, key, config)

    async def main() -> tuple[Finished | Paused, Finished | Paused]:
        async with fleet.host(coordinator, *present) as host:
            paused = await asyncio.wait_for(coordinator.run(), 30)
            await host.add(late)
            await coordinator.resume()
            return paused, await asyncio.wait_for(coordinator.wait(), 30)

    try:
        paused, finished = asyncio.run(main())
    finally:
        fleet.delete_queues(alias)
    assert isinstance(paused, Paused)
    assert paused.step == 0 and paused.missing == (late.alias,)
    assert finished == Finished(3)
    for actor in present:  # step 0 was broadcast twice, and taken once
        assert actor.times == [config.start_s + i * 3600 for i in range(3)]


def test_a_timestep_from_a_gnode_that_is_not_a_time_coordinator_is_refused(
    fleet: Fleet, devices: list[Device]
) -> None:
    alias, key = service(fleet, GNodeRole.Supervisor)  # certified, but as a Supervisor
    [actor] = steppers(devices, alias)[:1]
    impostor = TimeCoordinator(alias, key, run_config({actor.alias}, steps=2, max_tries=1))

    async def main() -> Finished | Paused:
        async with fleet.host(impostor, actor):
            return await asyncio.wait_for(impostor.run(), 30)

    try:
        ended = asyncio.run(main())
    finally:
        fleet.delete_queues(alias)
    assert isinstance(ended, Paused) and ended.missing == (actor.alias,)
    assert actor.times == []


def test_the_supervisor_reports_an_actor_that_went_silent(
    fleet: Fleet, devices: list[Device]
) -> None:
    alias, key = service(fleet, GNodeRole.Supervisor)
    d = devices[0]
    steady = Actor(d.atn, d.atn_key, supervisor=alias, heartbeat_s=0.2)
    fading = Actor(d.scada, d.scada_key, supervisor=alias, heartbeat_s=0.2)
    supervisor = Supervisor(
        alias, key, frozenset({steady.alias, fading.alias}), silent_after_s=1.0, check_every_s=0.1
    )

    async def main() -> None:
        async with fleet.host(supervisor, steady):
            async with fleet.host(fading):
                await asyncio.sleep(1.5)
            assert supervisor.changes == []
            await asyncio.sleep(2.0)

    try:
        asyncio.run(main())
    finally:
        fleet.delete_queues(alias)
    assert [(c.alias, c.silent) for c in supervisor.changes] == [(fading.alias, True)]
