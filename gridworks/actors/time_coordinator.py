"""The TimeCoordinator and Supervisor as actors: `StepClock` and `HeartbeatWatch` driven over
the broker.

The TimeCoordinator broadcasts each `timestep` on its channel (`timestep_channel`, the
coordinator's alias plus ``.time``) and takes `ready` answers from the run's roster; the clock
(`time_coordination.StepClock`) says when to move on, broadcast again or pause. Actors join a
run by naming its coordinator (`Actor.time_coordinator`): they subscribe to its channel, take
their time from each verified `timestep` (`Actor.sim_time_s`), run `Actor.on_timestep` and
answer `ready` (see `gridworks.actors.actor`).

The Supervisor takes `heartbeat`s and reports, once per change, who went silent and who came
back (`supervision.HeartbeatWatch`). Actors heartbeat when given a supervisor
(`Actor.supervisor`, every `Actor.heartbeat_s` seconds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from gridworks.actors.actor import Actor
from gridworks.actors.messages import Heartbeat, Ready, TimeStep
from gridworks.actors.supervision import Change, HeartbeatWatch
from gridworks.actors.time_coordination import (
    Action,
    Broadcast,
    Finished,
    Paused,
    RunConfig,
    StepClock,
    timestep_channel,
)
from gridworks.identity.envelope import MessageSigner
from gridworks.identity.verifier import Verified

log = logging.getLogger(__name__)


class TimeCoordinator(Actor):
    """Runs one simulation run's time (`RunConfig`) over the broker; `await run()` drives it."""

    def __init__(
        self,
        alias: str,
        key: MessageSigner,
        config: RunConfig,
        *,
        tick_s: float = 0.05,
        on_action: Callable[[Action], None] | None = None,
    ) -> None:
        super().__init__(alias, key)
        self.config = config
        self.clock = StepClock(config)
        self.channel = timestep_channel(alias)
        self.tick_s = tick_s
        self.on_action = on_action
        self.steps_done = 0
        self._ended: asyncio.Future[Finished | Paused] | None = None
        self._ticker: asyncio.Task[None] | None = None

    async def run(self) -> Finished | Paused:
        """Start the run; return when it finishes or pauses (then `resume` and `wait` again)."""
        self._ended = asyncio.get_running_loop().create_future()
        await self._do(self.clock.start(time.monotonic()))
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        return await self.wait()

    async def wait(self) -> Finished | Paused:
        assert self._ended is not None, "run() first"
        return await asyncio.shield(self._ended)

    async def pause(self) -> None:
        await self._do(self.clock.pause())

    async def resume(self) -> None:
        self._ended = asyncio.get_running_loop().create_future()
        await self._do(self.clock.resume(time.monotonic()))

    async def on_stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()

    async def handle(self, verified: Verified) -> None:
        message = verified.message
        if not isinstance(message, Ready):
            raise ValueError(f"a TimeCoordinator takes only ready, not {verified.header.type}")
        if message.run_id != self.config.run_id:
            raise ValueError(f"ready for run {message.run_id}, not {self.config.run_id}")
        await self._do(self.clock.on_ready(verified.sender.alias, message.step, time.monotonic()))

    async def _tick(self) -> None:
        while not self.clock.finished:
            await asyncio.sleep(self.tick_s)
            await self._do(self.clock.on_tick(time.monotonic()))

    async def _do(self, actions: list[Action]) -> None:
        for action in actions:
            if self.on_action is not None:
                self.on_action(action)
            if isinstance(action, Broadcast):
                if action.attempt == 1 and action.step > 0:
                    self.steps_done += 1
                if action.attempt > 1:
                    log.info("step %d broadcast again (try %d)", action.step, action.attempt)
                await self.broadcast(
                    self.channel,
                    TimeStep(
                        run_id=self.config.run_id,
                        step=action.step,
                        sim_time_s=action.sim_time_s,
                        step_seconds=self.config.step_seconds,
                        attempt=action.attempt,
                    ),
                )
            else:
                if isinstance(action, Finished):
                    self.steps_done = action.steps
                else:
                    log.warning("run %s paused: %s", self.config.run_id, action.reason)
                if self._ended is not None and not self._ended.done():
                    self._ended.set_result(action)


class Supervisor(Actor):
    """Watches the heartbeats of `expected` actors; `changes` lists who went silent or came back."""

    def __init__(
        self,
        alias: str,
        key: MessageSigner,
        expected: frozenset[str],
        *,
        silent_after_s: float = 15.0,
        check_every_s: float = 1.0,
        on_change: Callable[[Change], None] | None = None,
    ) -> None:
        super().__init__(alias, key)
        self.watch = HeartbeatWatch(expected, silent_after_s, time.monotonic())
        self.check_every_s = check_every_s
        self.on_change = on_change
        self.changes: list[Change] = []
        self._checker: asyncio.Task[None] | None = None

    async def on_start(self) -> None:
        self.watch.started_at = time.monotonic()
        self._checker = asyncio.get_running_loop().create_task(self._check())

    async def on_stop(self) -> None:
        if self._checker is not None:
            self._checker.cancel()

    async def handle(self, verified: Verified) -> None:
        if not isinstance(verified.message, Heartbeat):
            raise ValueError(f"a Supervisor takes only heartbeats, not {verified.header.type}")
        self.watch.heard(verified.sender.alias, time.monotonic())

    async def _check(self) -> None:
        while True:
            await asyncio.sleep(self.check_every_s)
            for change in self.watch.changes(time.monotonic()):
                self.changes.append(change)
                if change.silent:
                    log.warning(
                        "%s went silent (%.1f s without a heartbeat)", change.alias, change.seconds
                    )
                else:
                    log.info("%s is back", change.alias)
                if self.on_change is not None:
                    self.on_change(change)
