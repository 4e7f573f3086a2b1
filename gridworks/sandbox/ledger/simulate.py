"""Simulating a group against the current state without committing it (algod's simulate).

The group goes through the same `evaluate_group` as a submission, in the context of the next
block, but its resulting delta is dropped: the state, the store and the round never change.
What simulate adds rides on `EvalHooks`: empty signatures let through, extra app budget, each
program's cost and, when asked, an execution trace (with state changes and the initial states
of what the programs touched). A rejected group is not an error here: its message and the path
of the transaction that failed are part of the result. That path is go's `failed-at`: the index
of the top-level transaction being checked or applied when the first error arose, then, for an
inner transaction, its index among all the inner transactions its parent has submitted so far.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..avm.errors import LogicError
from ..avm.trace import InitialStates, ProgramTracer
from ..avm.version_prefix import program_version
from ..encoding import ZERO_ADDRESS
from .app_state import LedgerAppState
from .errors import LedgerError
from .eval_hooks import EvalHooks
from .evaluator import evaluate_group
from .signatures import is_unsigned
from .simulate_resources import ResourceTracker, UnnamedResourcePolicy
from .transaction import SignedTransaction

if TYPE_CHECKING:
    from ..avm.context import AppCallContext, Budget
    from .apply.common import ApplyData
    from .ledger import Ledger
    from .params import ConsensusParams
    from .transaction import Transaction

# go: simulation.MaxExtraOpcodeBudget, LogBytesLimit and bounds.MaxLogCalls.
MAX_EXTRA_OPCODE_BUDGET = 20_000 * 16
LOG_BYTES_LIMIT = 65_536
MAX_LOG_CALLS = 2_048
RESULT_VERSION = 2

_TXID = re.compile(r"[A-Z2-7]{52}")


class SimulateRequestError(LedgerError):
    """A simulate request that cannot be run at all (algod answers 400)."""


@dataclass(frozen=True, slots=True)
class TraceConfig:
    """What the execution trace records (go: `ExecTraceConfig`)."""

    enable: bool = False
    stack_change: bool = False
    scratch_change: bool = False
    state_change: bool = False


@dataclass(frozen=True, slots=True)
class SimulateOptions:
    """The evaluation overrides a simulate request may ask for."""

    allow_empty_signatures: bool = False
    allow_more_logging: bool = False
    allow_unnamed_resources: bool = False
    extra_opcode_budget: int = 0
    round: int | None = None
    trace: TraceConfig = TraceConfig()
    fix_signers: bool = False


@dataclass(slots=True)
class ExecTrace:
    """The programs one transaction ran, each as its tracer recorded it."""

    logic_sig: ProgramTracer | None = None
    approval: ProgramTracer | None = None
    clear_state: ProgramTracer | None = None
    inner: list[ExecTrace] = field(default_factory=list)


@dataclass(slots=True)
class TxnSimulation:
    signed: SignedTransaction
    apply_data: dict[str, Any] = field(default_factory=dict)  # wire form, empty if not applied
    app_budget_consumed: int = 0
    logic_sig_budget_consumed: int = 0
    trace: ExecTrace | None = None
    fixed_signer: bytes | None = None
    unnamed_resources: ResourceTracker | None = None  # allow-unnamed-resources: what it used


@dataclass(slots=True)
class GroupSimulation:
    txns: list[TxnSimulation]
    failure_message: str = ""
    failed_at: list[int] = field(default_factory=list)
    app_budget_added: int = 0
    app_budget_consumed: int = 0
    unnamed_resources: ResourceTracker | None = None  # group-shared ones (v9+ programs)


@dataclass(slots=True)
class Simulation:
    last_round: int
    groups: list[GroupSimulation]
    options: SimulateOptions
    initial_states: InitialStates | None = None  # with state-change tracing


class _Recorder(EvalHooks):
    """The hooks simulate evaluates with: apply its overrides, collect costs and traces."""

    def __init__(
        self, options: SimulateOptions, result: GroupSimulation, params: ConsensusParams
    ) -> None:
        self.params = params
        self.allow_empty_signatures = options.allow_empty_signatures
        self.options = options
        self.result = result
        self.unnamed: UnnamedResourcePolicy | None = None
        self._inner: list[ExecTrace] = []  # the inner transactions being applied, outermost first
        trace = options.trace
        self.initial_states = InitialStates() if trace.enable and trace.state_change else None
        self.failed_at: list[int] | None = None  # the first failure's path, once there is one
        self._path: list[int] = []  # the inner transaction being applied, as a failed-at path
        self._submitted: dict[tuple[int, ...], int] = {}  # inner transactions per parent path

    def _tracer(self, app: bool = False) -> ProgramTracer | None:
        config = self.options.trace
        if not config.enable:
            return None
        return ProgramTracer(
            stack=config.stack_change,
            scratch=config.scratch_change,
            states=self.initial_states if app else None,
        )

    def _trace(self, index: int) -> ExecTrace:
        txn = self.result.txns[index]
        if txn.trace is None:
            txn.trace = ExecTrace()
        return txn.trace

    def logic_sig_tracer(self, group_index: int) -> ProgramTracer | None:
        tracer = self._tracer()
        if tracer is not None:
            self._trace(group_index).logic_sig = tracer
        return tracer

    def logic_sig_ran(self, group_index: int, cost: int) -> None:
        self.result.txns[group_index].logic_sig_budget_consumed = cost

    def app_budget_pooled(self, budget: Budget) -> None:
        self.result.app_budget_added += budget.remaining + self.options.extra_opcode_budget
        budget.remaining += self.options.extra_opcode_budget

    def app_tracer(self, group_index: int, clear_state: bool) -> ProgramTracer | None:
        tracer = self._tracer(app=True)
        if tracer is not None:
            trace = self._inner[-1] if self._inner else self._trace(group_index)
            if clear_state:
                trace.clear_state = tracer
            else:
                trace.approval = tracer
        return tracer

    def app_ran(self, group_index: int, cost: int) -> None:
        self.result.txns[group_index].app_budget_consumed += cost
        self.result.app_budget_consumed += cost
        if self.unnamed is not None:
            self.unnamed.leave()

    def inner_budget_added(self, amount: int) -> None:
        self.result.app_budget_added += amount

    def unnamed_resources(self, txns: list[Transaction]) -> UnnamedResourcePolicy | None:
        if not self.options.allow_unnamed_resources or self.unnamed is not None:
            return None  # inner groups share the top-level group's
        self.unnamed = UnnamedResourcePolicy(txns, self.params)
        self.result.unnamed_resources = self.unnamed.shared
        for txn, tracker in zip(self.result.txns, self.unnamed.local, strict=True):
            txn.unnamed_resources = tracker
        return self.unnamed

    def app_started(self, group_index: int, program: bytes, call: AppCallContext) -> None:
        if self.options.allow_more_logging:
            call.max_log_calls = MAX_LOG_CALLS
            call.max_log_size = LOG_BYTES_LIMIT
        state = call.state
        if (
            self.initial_states is not None
            and isinstance(state, LedgerAppState)
            and state.txn.application_id == 0
        ):
            self.initial_states.created_apps.add(state.app_id)  # go: InitialStates.CreatedApp
        if self.unnamed is not None:
            try:
                version = program_version(program)[0]
            except LogicError:  # the run itself reports a bad program
                version = 0
            self.unnamed.enter(group_index, version)

    def inner_txn_started(self, group_index: int) -> None:
        """go nests each inner transaction's trace under the program that submitted it, and
        marks the opcode that did (`spawned-inners`)."""
        at = tuple(self._path) if self._path else (group_index,)
        index = self._submitted.get(at, 0)
        self._submitted[at] = index + 1
        self._path = [*at, index]
        if not self.options.trace.enable:
            return
        parent = self._inner[-1] if self._inner else self._trace(group_index)
        trace = ExecTrace()
        parent.inner.append(trace)
        program = parent.clear_state or parent.approval
        if program is not None and program.units:
            program.units[-1].spawned_inners.append(len(parent.inner) - 1)
        self._inner.append(trace)

    def inner_txn_finished(self) -> None:
        self._path = self._path[:-1] if len(self._path) > 2 else []
        if self._inner:
            self._inner.pop()

    def txn_failed(self, group_index: int) -> None:
        """Only the first failure counts, as go's tracer keeps the first path it sees."""
        if self.failed_at is None:
            self.failed_at = list(self._path) if self._path else [group_index]

    def txn_applied(self, group_index: int, apply_data: ApplyData) -> None:
        """Kept as it applies, so a later failure still reports it (as go does)."""
        self.result.txns[group_index].apply_data = apply_data.to_wire()


def simulate(
    ledger: Ledger, groups: list[list[SignedTransaction]], options: SimulateOptions
) -> Simulation:
    """Evaluates the (one) group of `groups` on top of the ledger's state and reports what
    happened, committing nothing. Raises `SimulateRequestError` for a request algod refuses."""
    _check_request(groups, options)
    with ledger.lock:
        if options.round and options.round != ledger.round:
            raise SimulateRequestError(
                f"cannot simulate at round {options.round}: the sandbox simulates against its "
                f"latest round ({ledger.round}) only"
            )
        group = groups[0]
        if options.fix_signers:
            group = _fix_signers(ledger, group)
        result = GroupSimulation([TxnSimulation(stxn) for stxn in group])
        for given, txn in zip(groups[0], result.txns, strict=True):
            if txn.signed.authorizer != given.authorizer:
                txn.fixed_signer = txn.signed.authorizer
        hooks = _Recorder(options, result, ledger.params)
        try:
            evaluated = evaluate_group(ledger.state, group, ledger.block_context(hooks))
        except LedgerError as exc:
            result.failure_message = exc.message
            failed_at = hooks.failed_at
            result.failed_at = _failed_at(exc.message, group) if failed_at is None else failed_at
        else:
            for txn, ad in zip(result.txns, evaluated.apply_data, strict=True):
                txn.apply_data = ad.to_wire()
        return Simulation(ledger.round, [result], options, hooks.initial_states)


def _check_request(groups: list[list[SignedTransaction]], options: SimulateOptions) -> None:
    """go's request checks, in its words."""
    if options.fix_signers and not options.allow_empty_signatures:
        raise SimulateRequestError("FixSigners requires AllowEmptySignatures to be enabled")
    if len(groups) != 1:
        raise SimulateRequestError(f"expected 1 transaction group, got {len(groups)}")
    if not 0 <= options.extra_opcode_budget <= MAX_EXTRA_OPCODE_BUDGET:
        raise SimulateRequestError(
            f"extra budget {options.extra_opcode_budget} > simulation extra budget limit "
            f"{MAX_EXTRA_OPCODE_BUDGET}"
        )
    trace = options.trace
    if not trace.enable:
        for enabled, what in (
            (trace.stack_change, "stack tracing"),
            (trace.scratch_change, "scratch slot change tracing"),
            (trace.state_change, "app state change tracing"),
        ):
            if enabled:
                raise SimulateRequestError(f"basic trace must be enabled when enabling {what}")


def _fix_signers(ledger: Ledger, group: list[SignedTransaction]) -> list[SignedTransaction]:
    """Unsigned transactions get the signer the sender's state (or an earlier rekey of the
    group) calls for, as go's fix-signers does; it stops at the first app call, whose inner
    transactions could rekey in ways only evaluation knows."""
    rekeyed: dict[bytes, bytes] = {}
    fixed = list(group)
    for index, stxn in enumerate(group):
        sender = stxn.txn.sender
        if is_unsigned(stxn):
            auth = rekeyed.get(sender)
            if auth is None:
                acct = ledger.state.account(sender)
                auth = acct.auth_addr if acct is not None else ZERO_ADDRESS
            fixed[index] = dataclasses.replace(
                stxn, auth_addr=ZERO_ADDRESS if auth == sender else auth
            )
        if stxn.txn.type == "appl":
            break
        if stxn.txn.rekey_to != ZERO_ADDRESS:
            rekeyed[sender] = stxn.txn.rekey_to
    return fixed


def _failed_at(message: str, group: list[SignedTransaction]) -> list[int]:
    """For a failure no hook placed: the transaction the ledger message names by its id;
    empty for a failure of the group as a whole (its fees)."""
    index = {stxn.txn.txid: i for i, stxn in reversed(list(enumerate(group)))}
    for txid in _TXID.findall(message):
        if txid in index:
            return [index[txid]]
    return []
