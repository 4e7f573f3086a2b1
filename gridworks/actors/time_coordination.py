"""Simulated time for a run: the TimeCoordinator's rules, with no I/O (sans-IO).

A run's time moves in steps of a fixed length. The TimeCoordinator broadcasts `timestep` for a
step and waits until every actor on the run's roster has answered `ready` for that step; then
it moves on, at once (as fast as possible) or when the wall clock says so (real time). A step
that some actors have not answered is broadcast again after a timeout that grows with each
try; after `max_tries` the run pauses and names who is missing. Pause and resume are also
commands.

`StepClock` takes events (`start`, `on_ready`, `on_tick`, `pause`, `resume`) with the wall
time they happen at, and answers with what to do (`Broadcast`, `Paused`, `Finished`); the actor
that owns it does the sending. So the rules are tested in microseconds, and the same clock
drives a run over the broker, a test or a benchmark.

In a run, an actor reads time only from the `timestep` it last received (`TimeStep.sim_time_s`),
never from its wall clock; envelope freshness stays on the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from gridworks.identity.alias import check_alias
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.gnode import GNode
from gridworks.identity.roles import SCADA_WORD, GNodeRole
from gridworks.identity.status import GNodeStatus


class Pacing(StrEnum):
    FAST = "fast"  # the next step as soon as everyone is ready
    REAL_TIME = "real-time"  # and not before its wall-clock time


class RunConfig(BaseModel):
    """What a run's TimeCoordinator needs to know; `roster` is every actor that must be ready."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    roster: frozenset[str]
    start_s: int = Field(ge=0)
    """Simulated Unix time of step 0."""
    step_seconds: int = Field(gt=0, le=86_400)
    steps: int = Field(gt=0)
    """How many steps the run has."""
    pacing: Pacing = Pacing.FAST
    resend_after_s: float = Field(default=2.0, gt=0)
    """Wall seconds before a step is first broadcast again; doubles with each try."""
    max_tries: int = Field(default=5, ge=1)
    """Broadcasts of one step (the first included) before the run pauses."""

    def model_post_init(self, _context: object) -> None:
        if not self.roster:
            raise ValueError("roster: a run needs at least one actor to wait for")
        for alias in self.roster:
            check_alias(alias)


def timestep_channel(time_coordinator: str) -> str:
    """The broadcast channel a TimeCoordinator publishes its timesteps on."""
    return f"{time_coordinator}.time"


def registered_actors(gnodes: Iterable[GNode]) -> frozenset[str]:
    """The actors a registry listing (`FactoryReader.gnodes()`) vouches for: every Active
    GNode's alias, and for an Active TerminalAsset its AtomicTNode (its parent) and, once its
    ScadaCert is issued, its Scada."""
    out: set[str] = set()
    for node in gnodes:
        if node.status is not GNodeStatus.Active:
            continue
        out.add(node.alias)
        if node.role is GNodeRole.TerminalAsset and node.parent_alias is not None:
            out.add(node.parent_alias)
            if CertificateKind.ScadaCert in node.certificate_asset_ids:
                out.add(f"{node.parent_alias}.{SCADA_WORD}")
    return frozenset(out)


def roster_for(wanted: Iterable[str], registered: Iterable[str]) -> frozenset[str]:
    """The run's roster: the aliases its configuration names, each of which must be a
    registered GNode (`registered`: e.g. the aliases of `FactoryReader.gnodes()` and of the
    actors they imply). Raises ValueError naming every alias that is not."""
    names = frozenset(wanted)
    unknown = sorted(names - frozenset(registered))
    if unknown:
        raise ValueError(f"not registered GNodes: {', '.join(unknown)}")
    return names


@dataclass(frozen=True)
class Broadcast:
    """Send `timestep` for `step` to every subscriber (again, when `attempt` > 1)."""

    step: int
    sim_time_s: int
    attempt: int


@dataclass(frozen=True)
class Paused:
    """The run stopped: `missing` never answered `step` (empty when paused by command)."""

    step: int
    missing: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Finished:
    """Every step of the run was answered by every actor."""

    steps: int


Action = Broadcast | Paused | Finished


@dataclass
class StepClock:
    """The state of one run's simulated time. Times given to it are wall seconds (monotonic)."""

    config: RunConfig
    step: int = -1
    attempt: int = 0
    waiting: set[str] = field(default_factory=set)
    paused: bool = False
    finished: bool = False
    _resend_at: float | None = None
    _due_at: float | None = None  # real time: when the next step may start
    _step_started: float = 0.0  # wall time the current step was first broadcast

    @property
    def sim_time_s(self) -> int:
        """The simulated time of the current step."""
        return self.config.start_s + max(self.step, 0) * self.config.step_seconds

    def start(self, now: float) -> list[Action]:
        if self.step >= 0:
            raise RuntimeError(f"run {self.config.run_id} has already started")
        return self._begin(0, now)

    def on_ready(self, alias: str, step: int, now: float) -> list[Action]:
        """An actor's `ready` for `step`. One not on the roster, for another step, or a second
        answer changes nothing (the broker may deliver twice)."""
        if self.finished or step != self.step or alias not in self.waiting:
            return []
        self.waiting.discard(alias)
        if self.waiting or self.paused:
            return []
        return self._advance(now)

    def on_tick(self, now: float) -> list[Action]:
        """Time passes: re-broadcast a step that is late, pause after `max_tries`, or start the
        next step when real-time pacing made it wait."""
        if self.finished or self.paused:
            return []
        if self._due_at is not None:
            if now < self._due_at:
                return []
            return self._begin(self.step + 1, now)
        if self._resend_at is None or now < self._resend_at:
            return []
        if self.attempt >= self.config.max_tries:
            self.paused = True
            missing = tuple(sorted(self.waiting))
            return [
                Paused(
                    self.step,
                    missing,
                    f"step {self.step}: no ready from {', '.join(missing)} "
                    f"after {self.attempt} broadcasts",
                )
            ]
        return [self._broadcast(now)]

    def pause(self) -> list[Action]:
        if self.finished or self.paused:
            return []
        self.paused = True
        return [Paused(self.step, (), "paused by command")]

    def resume(self, now: float) -> list[Action]:
        """Carry on: a step everyone answered meanwhile moves on; else it is broadcast again,
        with a fresh count of tries."""
        if not self.paused or self.finished:
            return []
        self.paused = False
        if not self.waiting and self._due_at is None:
            return self._advance(now)
        if self._due_at is not None:
            return self.on_tick(now)
        self.attempt = 0
        return [self._broadcast(now)]

    # ---- internals ---------------------------------------------------------------------------

    def _advance(self, now: float) -> list[Action]:
        if self.step + 1 >= self.config.steps:
            self.finished = True
            self._resend_at = None
            return [Finished(self.config.steps)]
        if self.config.pacing is Pacing.REAL_TIME:
            started = self._step_started
            self._due_at = started + self.config.step_seconds
            self._resend_at = None
            return self.on_tick(now)
        return self._begin(self.step + 1, now)

    def _begin(self, step: int, now: float) -> list[Action]:
        self.step = step
        self.attempt = 0
        self.waiting = set(self.config.roster)
        self._due_at = None
        self._step_started = now
        return [self._broadcast(now)]

    def _broadcast(self, now: float) -> Broadcast:
        self.attempt += 1
        delay = self.config.resend_after_s * 2 ** (self.attempt - 1)
        self._resend_at = now + delay
        return Broadcast(self.step, self.sim_time_s, self.attempt)
