"""Run a fleet of actors on several worker processes, so every core is used.

A run file (TOML, or JSON when its name ends in ``.json``) names the chain, the broker and the
actors; `load_runfile` reads and validates it (`RunFile`). `place` shares the actors among
the workers and `run_workers` starts one process per share (multiprocessing, *spawn*), each
running one `ActorHost` with its actors until it is told to stop (SIGINT or SIGTERM), then
closing it cleanly and reporting its host's counts. The parent forwards SIGINT/SIGTERM to the
workers as SIGTERM (a second signal, or `STOP_GRACE_S` without stopping, kills them), stops
them all after `run_for` seconds if given, and when one worker dies (ends on its own, or with
a non-zero exit code) it stops the others and says which one failed. A worker stopped before
its actors ran (a short `run_for`) exits cleanly with no counts; that is not a failure.

A run file::

    [chain]
    algod_url = "http://127.0.0.1:4001"   # default: ALGOD_SERVER & ALGOD_PORT
    algod_token_env = "MY_ALGOD_TOKEN"    # default: ALGOD_TOKEN, else the sandbox's dev token
    factory_app_id = 1234                 # default: --app-id / GRIDWORKS_FACTORY_APP_ID

    [broker]                              # a BrokerConfig; default: BrokerConfig()
    url_env = "GRIDWORKS_BROKER_URL"      # or url = "amqp://..." (the URL may hold a password)
    exchange = "gridworks.topic"

    [[actors]]
    kind = "supervisor"                   # scada, atomic-tnode, supervisor, time-coordinator
    alias = "d1.super"
    key_file = "keys/super.key"           # relative to the run file's folder
    silent_after_s = 15                   # expected: default, every actor naming it

    [[actors]]
    kind = "time-coordinator"
    alias = "d1.time"
    key_file = "keys/time.key"
    run = { run_id = "r1", start_s = 1577836800, step_seconds = 3600, steps = 24 }
                                          # roster: default, every actor naming it

    [[actors]]
    kind = "scada"
    alias = "d1.isone.ver.keene.holly.scada"
    key_file = "keys/holly-scada.key"
    supervisor = "d1.super"               # heartbeats to it every heartbeat_s (5 s)
    time_coordinator = "d1.time"          # takes its timesteps

Key files are the encrypted ones of `gridworks identity key new`; one password opens them
all (the caller reads it from the environment or a prompt, never from the command line). The
parent opens every key file once before any worker starts, so a wrong password or a damaged
file is one clear error, not N dead workers; each worker then opens its own share's.

The chain must be a node every process can reach (``gridworks sandbox start``, or ALGOD_SERVER
& co.): the embedded in-memory sandbox lives inside one process and cannot be shared.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gridworks.actors.broker import BrokerConfig
from gridworks.actors.time_coordination import Pacing
from gridworks.identity.alias import check_alias

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import SimpleQueue

    from gridworks.actors.actor import Actor
    from gridworks.actors.host import ActorHost
    from gridworks.actors.time_coordinator import TimeCoordinator

log = logging.getLogger(__name__)

STOP_GRACE_S = 20.0
"""How long stopping workers have to close their hosts before they are killed."""

T = TypeVar("T")


class RunFileError(Exception):
    """The run file cannot be read or is not valid (the message says where and why)."""


class WorkersError(Exception):
    """The run cannot start (no chain, a key file that does not open, ...)."""


class Kind(StrEnum):
    SCADA = "scada"
    ATOMIC_TNODE = "atomic-tnode"
    SUPERVISOR = "supervisor"
    TIME_COORDINATOR = "time-coordinator"


SERVICE_KINDS = frozenset({Kind.SUPERVISOR, Kind.TIME_COORDINATOR})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChainSection(_Strict):
    algod_url: str | None = None
    """algod's URL; by default ALGOD_SERVER (and ALGOD_PORT), as every other command reads."""
    algod_token_env: str | None = None
    """The env var holding algod's token; by default ALGOD_TOKEN, else the sandbox's dev token."""
    factory_app_id: int | None = Field(default=None, gt=0)


class TimeRun(_Strict):
    """A TimeCoordinator's run (`time_coordination.RunConfig`); `roster` defaults to every
    actor of the file that names this coordinator."""

    run_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    start_s: int = Field(ge=0)
    step_seconds: int = Field(gt=0, le=86_400)
    steps: int = Field(gt=0)
    pacing: Pacing = Pacing.FAST
    resend_after_s: float = Field(default=2.0, gt=0)
    max_tries: int = Field(default=5, ge=1)
    roster: list[str] | None = None


class ActorSpec(_Strict):
    """One actor of the run file."""

    kind: Kind
    alias: str
    key_file: Path
    """The encrypted key file holding the actor's certificate (relative: to the run file)."""
    time_coordinator: str | None = None
    supervisor: str | None = None
    heartbeat_s: float = Field(default=5.0, gt=0)
    # supervisor only
    expected: list[str] | None = None
    silent_after_s: float = Field(default=15.0, gt=0)
    check_every_s: float = Field(default=1.0, gt=0)
    # time-coordinator only
    run: TimeRun | None = None

    @field_validator("alias", "time_coordinator", "supervisor")
    @classmethod
    def _alias(cls, value: str | None) -> str | None:
        return None if value is None else check_alias(value)

    @field_validator("key_file")
    @classmethod
    def _key_file(cls, value: Path, info: ValidationInfo) -> Path:
        base = (info.context or {}).get("base")
        path = value.expanduser()
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
        if not path.is_file():
            raise ValueError(f"no key file at {path}")
        return path

    @model_validator(mode="after")
    def _options_fit_kind(self) -> ActorSpec:
        given = self.model_fields_set
        if self.kind is Kind.SCADA and not self.alias.endswith(".scada"):
            raise ValueError(f"a scada's alias ends in .scada: {self.alias}")
        if self.kind in SERVICE_KINDS:
            wrong = given & {"time_coordinator", "supervisor", "heartbeat_s"}
        else:
            wrong = given & {"expected", "silent_after_s", "check_every_s", "run"}
        if self.kind is Kind.TIME_COORDINATOR:
            if self.run is None:
                raise ValueError("a time-coordinator needs its run (run = { run_id = ..., ... })")
        else:
            wrong |= given & {"run"}
        if self.kind is not Kind.SUPERVISOR:
            wrong |= given & {"expected", "silent_after_s", "check_every_s"}
        if wrong:
            raise ValueError(f"a {self.kind.value} takes no {', '.join(sorted(wrong))}")
        return self


_BROKER_FIELDS = frozenset(BrokerConfig.model_fields)


class RunFile(_Strict):
    """A validated run file: the chain, the broker and the actors (at least one)."""

    chain: ChainSection = Field(default_factory=ChainSection)
    broker: BrokerConfig = Field(default_factory=BrokerConfig)
    actors: list[ActorSpec] = Field(min_length=1)

    @field_validator("broker", mode="before")
    @classmethod
    def _broker(cls, value: object) -> object:
        if not isinstance(value, Mapping):
            return value
        unknown = sorted(set(value) - _BROKER_FIELDS - {"url_env"})
        if unknown:
            raise ValueError(f"unknown broker settings: {', '.join(unknown)}")
        values = dict(value)
        name = values.pop("url_env", None)
        if name is not None:
            if "url" in values:
                raise ValueError("give the broker's url or url_env, not both")
            url = os.environ.get(str(name))
            if not url:
                raise ValueError(f"url_env: environment variable {name} is not set")
            values["url"] = url
        return values

    @model_validator(mode="after")
    def _consistent(self) -> RunFile:
        seen: set[str] = set()
        for spec in self.actors:
            if spec.alias in seen:
                raise ValueError(f"alias {spec.alias} is given to more than one actor")
            seen.add(spec.alias)
        kinds = {spec.alias: spec.kind for spec in self.actors}
        for spec in self.actors:
            for option, kind in (
                ("supervisor", Kind.SUPERVISOR),
                ("time_coordinator", Kind.TIME_COORDINATOR),
            ):
                named = getattr(spec, option)
                if named in kinds and kinds[named] is not kind:
                    raise ValueError(
                        f"{spec.alias}: {option} {named} is a {kinds[named].value} here, "
                        f"not a {kind.value}"
                    )
        for spec in self.actors:
            if spec.kind is Kind.SUPERVISOR and not self.expected_of(spec):
                raise ValueError(f"supervisor {spec.alias}: no actor to watch (expected)")
            if spec.kind is Kind.TIME_COORDINATOR and not self.roster_of(spec):
                raise ValueError(f"time-coordinator {spec.alias}: no actor on its run (roster)")
        return self

    def expected_of(self, supervisor: ActorSpec) -> frozenset[str]:
        """Whom a supervisor watches: its `expected`, else every actor here naming it."""
        if supervisor.expected is not None:
            return frozenset(supervisor.expected)
        return frozenset(s.alias for s in self.actors if s.supervisor == supervisor.alias)

    def roster_of(self, coordinator: ActorSpec) -> frozenset[str]:
        """A time-coordinator's roster: its run's, else every actor here naming it."""
        if coordinator.run is not None and coordinator.run.roster is not None:
            return frozenset(coordinator.run.roster)
        return frozenset(s.alias for s in self.actors if s.time_coordinator == coordinator.alias)


def _where(loc: Sequence[int | str], data: object) -> str:
    """``actors[2] (d1.x.scada).kind`` from pydantic's location of an error."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("alias"), str):
                out += f" ({node['alias']})"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


def parse_runfile(data: object, *, base: Path | None = None, name: str = "run file") -> RunFile:
    """Validate a run file's data; relative key files are under `base`. `RunFileError` lists
    every problem, one a line, with where it is."""
    try:
        return RunFile.model_validate(data, context={"base": base})
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            where = _where(problem["loc"], data)
            message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"  {where}: {message}" if where else f"  {message}")
        raise RunFileError(f"{name} is not valid:\n" + "\n".join(lines)) from None


def load_runfile(path: Path | str) -> RunFile:
    """Read and validate a run file: TOML, or JSON if its name ends in ``.json``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RunFileError(f"cannot read the run file {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        kind = "JSON" if path.suffix == ".json" else "TOML"
        raise RunFileError(f"{path} is not valid {kind}: {error}") from None
    return parse_runfile(data, base=path.parent, name=str(path))


# ---- placement ------------------------------------------------------------------------------


def place(actors: Sequence[T], workers: int) -> list[list[T]]:
    """Share `actors` among `workers`: round robin in the given order (actor i goes to worker
    i mod `workers`). Deterministic, and balanced by count: shares differ by one actor at most.
    Always `workers` lists, the last ones empty when there are fewer actors than workers."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    shares: list[list[T]] = [[] for _ in range(workers)]
    for i, actor in enumerate(actors):
        shares[i % workers].append(actor)
    return shares


# ---- the chain ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainTarget:
    """The node and the GNodeFactory every worker uses."""

    algod_url: str
    algod_token: str = field(repr=False)
    factory_app_id: int


def resolve_chain(
    runfile: RunFile,
    *,
    factory_app_id: int | None = None,
    override_app_id: bool = False,
    env: Mapping[str, str] | None = None,
) -> ChainTarget:
    """Where the chain is: the run file's `chain`, else ALGOD_SERVER & co. The app id is the
    run file's, else `factory_app_id` (which wins over the file with `override_app_id`)."""
    from gridworks.sandbox import DEFAULT_TOKEN

    env = os.environ if env is None else env
    chain = runfile.chain
    url = chain.algod_url
    if url is None and env.get("ALGOD_SERVER"):
        server, port = env["ALGOD_SERVER"].rstrip("/"), env.get("ALGOD_PORT", "4001")
        url = f"{server}:{port}" if port else server
    if url is None or url == "embedded":
        raise WorkersError(
            "no shared node: set chain.algod_url in the run file or ALGOD_SERVER (& ALGOD_PORT); "
            "workers are separate processes, so an embedded in-memory sandbox cannot serve them "
            "(start one with `gridworks sandbox start`)"
        )
    if chain.algod_token_env is not None:
        token = env.get(chain.algod_token_env)
        if not token:
            raise WorkersError(f"environment variable {chain.algod_token_env} is not set")
    else:
        token = env.get("ALGOD_TOKEN") or DEFAULT_TOKEN
    app_id = chain.factory_app_id
    if app_id is None or (override_app_id and factory_app_id is not None):
        app_id = factory_app_id
    if app_id is None:
        raise WorkersError(
            "no GNodeFactory: set chain.factory_app_id in the run file, or give --app-id "
            "(GRIDWORKS_FACTORY_APP_ID)"
        )
    return ChainTarget(url, token, app_id)


# ---- the parent -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerReport:
    """What one worker's host counted (`HostStats`) by the time it closed."""

    index: int
    aliases: tuple[str, ...]
    accepted: int
    refused: dict[str, int]
    duplicates: int
    published: int

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def line(self) -> str:
        return (
            f"worker {self.index}: {len(self.aliases)} actors, {self.accepted} accepted, "
            f"{self.refused_total} refused, {self.duplicates} duplicates, "
            f"{self.published} published"
        )


@dataclass
class WorkerOutcome:
    index: int
    aliases: tuple[str, ...]
    exitcode: int | None = None
    report: WorkerReport | None = None
    failure: str | None = None
    """Why the worker counts as failed (None: it stopped when told, cleanly)."""


@dataclass
class RunReport:
    workers: list[WorkerOutcome]

    @property
    def ok(self) -> bool:
        return all(w.failure is None for w in self.workers)

    @property
    def failed(self) -> list[WorkerOutcome]:
        return [w for w in self.workers if w.failure is not None]


def check_keys(runfile: RunFile, password: str) -> None:
    """Open every key file of the run with `password` (`WorkersError` naming the first that
    does not open)."""
    from gridworks.identity.errors import IdentityError
    from gridworks.identity.keys import read_key_file

    for spec in runfile.actors:
        try:
            read_key_file(spec.key_file, password)
        except IdentityError as error:
            raise WorkersError(f"{spec.alias}: {error}") from None


def run_workers(
    runfile: RunFile,
    workers: int,
    *,
    password: str,
    chain: ChainTarget | None = None,
    run_for: float | None = None,
    log_level: int = logging.INFO,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> RunReport:
    """Run `runfile`'s actors on `workers` processes (no more than there are actors) until
    SIGINT/SIGTERM, or for `run_for` seconds; return what each worker did and whether any
    failed. `say` is told of the placement, of the stop and of each failure as it happens."""
    chain = chain or resolve_chain(runfile)
    check_keys(runfile, password)
    shares = [s for s in place(runfile.actors, workers) if s]
    context = multiprocessing.get_context("spawn")
    reports: SimpleQueue[WorkerReport] = context.SimpleQueue()
    outcomes = [WorkerOutcome(i, tuple(s.alias for s in share)) for i, share in enumerate(shares)]
    processes = [
        context.Process(
            target=_worker_main,
            args=(o.index, runfile, o.aliases, chain, password, log_level, reports),
            name=f"gridworks-worker-{o.index}",
        )
        for o in outcomes
    ]
    for outcome in outcomes:
        say(f"worker {outcome.index}: {', '.join(outcome.aliases)}")

    stop_requested: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop_requested.append(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_signal)
    try:
        for process in processes:
            process.start()
        _supervise(processes, outcomes, stop_requested, run_for, say)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for process in processes:
            if process.pid is None:  # never started
                continue
            if process.is_alive():  # only if supervising itself failed
                process.kill()
            process.join()
    while not reports.empty():
        report = reports.get()
        outcomes[report.index].report = report
    for outcome in outcomes:  # a worker stopped before its loop ran (-SIGTERM) has no counts
        if outcome.failure is None and outcome.report is None and outcome.exitcode == 0:
            outcome.failure = "it ended without reporting its counts"
            say(f"worker {outcome.index} failed: {outcome.failure}")
    return RunReport(outcomes)


def _supervise(
    processes: Sequence[BaseProcess],
    outcomes: list[WorkerOutcome],
    stop_requested: list[int],
    run_for: float | None,
    say: Callable[[str], None],
) -> None:
    """Wait for the workers; stop them all when asked, at the deadline or when one dies."""
    deadline = None if run_for is None else time.monotonic() + run_for
    stopping_since: float | None = None
    running = dict(enumerate(processes))
    signals_taken = 0

    def stop_all(why: str) -> None:
        nonlocal stopping_since
        if stopping_since is not None:
            return
        stopping_since = time.monotonic()
        say(f"stopping the workers: {why}")
        for process in running.values():
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    while running:
        now = time.monotonic()
        timeout = 0.2 if deadline is None else max(0.0, min(0.2, deadline - now))
        multiprocessing.connection.wait([p.sentinel for p in running.values()], timeout)
        while len(stop_requested) > signals_taken:
            name = signal.Signals(stop_requested[signals_taken]).name
            signals_taken += 1
            if stopping_since is None:
                stop_all(f"{name} received")
                continue
            say(f"{name} received while stopping: killing the workers")  # asked again
            for index, process in running.items():
                outcomes[index].failure = f"killed ({name} while stopping)"
                process.kill()
        if deadline is not None and time.monotonic() >= deadline:
            stop_all(f"{run_for:g} s are up")
        for index, process in list(running.items()):
            if process.is_alive():
                continue
            process.join()
            del running[index]
            code = process.exitcode
            outcome = outcomes[index]
            outcome.exitcode = code
            stopped_clean = code == 0 or code == -signal.SIGTERM
            if stopping_since is None:
                outcome.failure = f"it died (exit code {code})" if code else "it ended on its own"
            elif not stopped_clean:
                outcome.failure = f"it failed while stopping (exit code {code})"
            if outcome.failure is not None:
                say(f"worker {index} failed: {outcome.failure}")
                stop_all(f"worker {index} failed")
        if stopping_since is not None and time.monotonic() - stopping_since > STOP_GRACE_S:
            for index, process in running.items():
                say(f"worker {index} did not stop in {STOP_GRACE_S:g} s; killed")
                outcomes[index].failure = f"it did not stop within {STOP_GRACE_S:g} s"
                process.kill()
            stopping_since = time.monotonic()  # reap the killed ones on the next turns


# ---- a worker -------------------------------------------------------------------------------


def _worker_main(
    index: int,
    runfile: RunFile,
    aliases: tuple[str, ...],
    chain: ChainTarget,
    password: str,
    log_level: int,
    reports: SimpleQueue[WorkerReport],
) -> None:
    """A worker process: host `aliases` until SIGINT/SIGTERM, then report its counts."""
    early: list[int] = []  # a signal before the event loop runs still stops the worker cleanly
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda s, _f: early.append(s))
    logging.basicConfig(
        stream=sys.stderr,
        level=log_level,
        format=f"%(asctime)s worker {index} %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    # pika logs every failed connection attempt at ERROR; the link says what matters itself
    logging.getLogger("pika").setLevel(logging.WARNING if log_level <= logging.DEBUG else 100)
    try:
        report = asyncio.run(_serve(index, runfile, aliases, chain, password, early))
    except Exception as error:
        from gridworks.actors.broker import BrokerError
        from gridworks.identity.errors import IdentityError

        expected = isinstance(error, BrokerError | IdentityError)
        log.error("worker %d failed: %s", index, error, exc_info=not expected)
        raise SystemExit(1) from None
    log.info(report.line())
    reports.put(report)


def build_actor(runfile: RunFile, spec: ActorSpec, password: str) -> Actor:
    """The actor `spec` describes, with its key opened."""
    from gridworks.actors.atomic_tnode import AtomicTNode
    from gridworks.actors.scada import Scada
    from gridworks.actors.time_coordination import RunConfig
    from gridworks.actors.time_coordinator import Supervisor, TimeCoordinator
    from gridworks.identity.keys import read_key_file

    key = read_key_file(spec.key_file, password)
    options: dict[str, Any] = {
        "time_coordinator": spec.time_coordinator,
        "supervisor": spec.supervisor,
        "heartbeat_s": spec.heartbeat_s,
    }
    if spec.kind is Kind.SCADA:
        return Scada(spec.alias, key, **options)
    if spec.kind is Kind.ATOMIC_TNODE:
        return AtomicTNode(spec.alias, key, **options)
    if spec.kind is Kind.SUPERVISOR:
        return Supervisor(
            spec.alias,
            key,
            runfile.expected_of(spec),
            silent_after_s=spec.silent_after_s,
            check_every_s=spec.check_every_s,
        )
    assert spec.run is not None
    config = RunConfig.model_validate(
        {**spec.run.model_dump(exclude={"roster"}), "roster": runfile.roster_of(spec)}
    )
    return TimeCoordinator(spec.alias, key, config)


async def _serve(
    index: int,
    runfile: RunFile,
    aliases: tuple[str, ...],
    target: ChainTarget,
    password: str,
    early: list[int],
) -> WorkerReport:
    from algosdk.v2client.algod import AlgodClient

    from gridworks.actors.actor import ChainContext
    from gridworks.actors.host import ActorHost
    from gridworks.actors.time_coordinator import TimeCoordinator

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if early:
        stop.set()
    specs = {spec.alias: spec for spec in runfile.actors}
    actors = [build_actor(runfile, specs[alias], password) for alias in aliases]
    algod = AlgodClient(target.algod_token, target.algod_url)
    chain = await asyncio.to_thread(ChainContext.of, algod, target.factory_app_id)
    host = ActorHost(chain, runfile.broker, actors=actors, listener=_log_result)
    runs: list[asyncio.Task[Any]] = []
    async with host:
        log.info("worker %d: %d actors running", index, len(actors))
        for actor in actors:
            if isinstance(actor, TimeCoordinator):
                runs.append(loop.create_task(_drive(actor)))
        await stop.wait()
        log.info("worker %d: stopping", index)
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
    return _report(index, aliases, host)


async def _drive(coordinator: TimeCoordinator) -> None:
    """Run the coordinator's run; say how it ended (a paused run waits for the stop)."""
    from gridworks.actors.time_coordination import Finished

    result = await coordinator.run()
    run_id = coordinator.config.run_id
    if isinstance(result, Finished):
        log.info("%s: run %s finished: %d steps", coordinator.alias, run_id, result.steps)
    else:
        log.warning("%s: run %s paused at step %d: %s", coordinator.alias, run_id, result.step,
                    result.reason)  # fmt: skip


def _log_result(actor: Actor, result: object) -> None:
    from gridworks.identity.verifier import Verified

    if isinstance(result, Verified):
        header = result.header
        log.debug("%s took %s from %s", actor.alias, header.type, header.source)


def _report(index: int, aliases: Iterable[str], host: ActorHost) -> WorkerReport:
    stats = host.stats
    return WorkerReport(
        index=index,
        aliases=tuple(aliases),
        accepted=stats.accepted,
        refused=dict(stats.refused),
        duplicates=stats.duplicates,
        published=stats.published,
    )
