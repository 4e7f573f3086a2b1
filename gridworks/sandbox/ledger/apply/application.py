"""`appl`: create, call, opt in, close out, clear, update or delete an application.

The order is go's ApplicationCall: create first (so the program runs with its app), check the
programs on create and update, then ClearState (its program may fail: the local state is
cleared anyway and the program's changes are dropped), else opt in, run the approval program,
and do what the OnCompletion asks only when it approves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...avm.context import AppCallContext, EvalContext
from ...avm.errors import LogicError
from ...avm.evaluator import evaluate
from ...avm.program import check_program
from ...avm.spec import Mode
from ...encoding import encode_address
from ..app_state import LedgerAppState
from ..errors import TransactionRejected
from ..records import AppParams, LocalState, Schema
from ..state import Overlay
from ..transaction import Transaction
from ..wellformed import check_contract_versions
from .common import ApplyData

if TYPE_CHECKING:
    from ..app_run import AppRun
    from ..params import ConsensusParams

NOOP, OPT_IN, CLOSE_OUT, CLEAR_STATE, UPDATE_APPLICATION, DELETE_APPLICATION = range(6)


def apply_application(
    ov: Overlay, txn: Transaction, ad: ApplyData, new_index: int, run: AppRun, index: int
) -> None:
    app_id = txn.application_id
    if app_id == 0:
        app_id = _create(ov, txn, new_index)
        ad.created_app = app_id
    app = ov.app(app_id)
    action = txn.on_completion
    if app is not None and 0 < txn.reject_version <= app.version:
        raise TransactionRejected(
            f"app version ({app.version}) >= reject version ({txn.reject_version})"
        )
    if app is None and action != CLEAR_STATE:
        raise TransactionRejected(
            f"only ClearState is supported for an application ({app_id}) that does not exist"
        )
    if txn.application_id == 0 or action == UPDATE_APPLICATION:
        assert app is not None
        _check_programs(txn, app, run.ctx.params)
    if action == CLEAR_STATE:
        _clear_state(ov, txn, ad, app_id, app, run, index)
        return
    assert app is not None
    if action == OPT_IN:
        _opt_in(ov, txn.sender, app_id, app)
    if not _run(ov, txn, ad, app_id, app.approval_program, run, index):
        raise TransactionRejected("transaction rejected by ApprovalProgram")
    if action == CLOSE_OUT:
        _close_out(ov, txn.sender, app_id)
    elif action == DELETE_APPLICATION:
        _delete(ov, app_id)
    elif action == UPDATE_APPLICATION:
        _update(ov, txn, app_id, run.ctx.params)


def _run(
    ov: Overlay, txn: Transaction, ad: ApplyData, app_id: int, program: bytes, run: AppRun,
    index: int,
) -> bool:  # fmt: skip
    """Runs `program` for the call; its logs go to `ad`. Failing raises in algod's words."""
    top = run.top_level_index(index)
    hooks = run.ctx.hooks
    tracer = None
    if hooks is not None:
        tracer = hooks.app_tracer(top, txn.on_completion == CLEAR_STATE)
    state = LedgerAppState(ov, run, app_id, txn, ad, top)
    call = AppCallContext(state, callers=run.callers, parent=run.caller_app)
    if hooks is not None:
        hooks.app_started(top, program, call)
    cx = EvalContext(
        Mode.APP, budget=run.budget, group=run.view, group_index=index, globals=run.globals,
        app_id=app_id, app=call, tracer=tracer,
    )  # fmt: skip
    try:
        result = evaluate(program, cx)
    except LogicError as exc:
        if hooks is not None:
            hooks.app_ran(top, cx.cost)
        details = f"app={app_id}" + ("" if exc.pc is None else f", pc={exc.pc}")
        raise TransactionRejected(f"logic eval error: {exc.reason}. Details: {details}") from None
    if hooks is not None:
        hooks.app_ran(top, result.cost)
    ad.logs = list(call.logs)
    return result.passed


def _check_programs(txn: Transaction, app: AppParams, params: ConsensusParams) -> None:
    previous = None
    if txn.on_completion == UPDATE_APPLICATION and txn.application_id:
        previous = (app.approval_program, app.clear_state_program)
    try:
        check_contract_versions(txn.approval_program, txn.clear_state_program, params, previous)
    except ValueError as exc:
        raise TransactionRejected(str(exc)) from None
    for name, program in (
        ("ApprovalProgram", txn.approval_program),
        ("ClearStateProgram", txn.clear_state_program),
    ):
        try:
            check_program(program, Mode.APP)
        except LogicError as exc:
            raise TransactionRejected(f"check failed on {name}: {exc.reason}") from None


def _create(ov: Overlay, txn: Transaction, app_id: int) -> int:
    """The new app takes the transaction's count as its id; its creator pays for its global
    schema and extra pages through the minimum balance."""
    creator = ov.account_for_update(txn.sender)
    creator.total_created_apps += 1
    _reserve(creator, txn.global_schema, 1)
    creator.total_extra_app_pages += txn.extra_program_pages
    ov.put_app(
        app_id,
        AppParams(
            creator=txn.sender, approval_program=txn.approval_program,
            clear_state_program=txn.clear_state_program, global_schema=txn.global_schema,
            local_schema=txn.local_schema, extra_program_pages=txn.extra_program_pages,
        ),
    )  # fmt: skip
    return app_id


def _reserve(acct, schema: Schema, sign: int) -> None:  # type: ignore[no-untyped-def]
    acct.total_uints += sign * schema[0]
    acct.total_byte_slices += sign * schema[1]


def _delete(ov: Overlay, app_id: int) -> None:
    """The creator gets its schema and pages back; boxes and local states outlive the app."""
    app = ov.app(app_id)
    if app is None:  # the program deleted nothing itself; kept for clarity
        return
    creator = ov.account_for_update(app.creator)
    creator.total_created_apps -= 1
    _reserve(creator, app.global_schema, -1)
    creator.total_extra_app_pages = max(creator.total_extra_app_pages - app.extra_program_pages, 0)
    ov.put_app(app_id, None)


def _update(ov: Overlay, txn: Transaction, app_id: int, params: ConsensusParams) -> None:
    app = ov.app_for_update(app_id)
    assert app is not None
    pages = 1 + app.extra_program_pages
    approval, clear = len(txn.approval_program), len(txn.clear_state_program)
    limit = pages * params.max_app_program_len
    if approval > limit:
        raise TransactionRejected(
            f"updateApplication approval program too long. max len {limit} bytes"
        )
    if clear > limit:
        raise TransactionRejected(
            f"updateApplication clear state program too long. max len {limit} bytes"
        )
    total = pages * params.max_app_total_program_len
    if approval + clear > total:
        raise TransactionRejected(
            f"updateApplication app programs too long, {approval + clear}. max total len "
            f"{total} bytes"
        )
    app.approval_program = txn.approval_program
    app.clear_state_program = txn.clear_state_program
    app.version += 1  # consensus v41 on (EnableAppVersioning)


def _opt_in(ov: Overlay, sender: bytes, app_id: int, app: AppParams) -> None:
    if ov.local_state(sender, app_id) is not None:
        raise TransactionRejected(
            f"account {encode_address(sender)} has already opted in to app {app_id}"
        )
    acct = ov.account_for_update(sender)
    acct.total_apps_opted_in += 1
    _reserve(acct, app.local_schema, 1)
    ov.put_local(sender, app_id, LocalState(app.local_schema, {}))


def _close_out(ov: Overlay, sender: bytes, app_id: int) -> None:
    local = ov.local_state(sender, app_id)
    if local is None:
        raise TransactionRejected(
            f"account {encode_address(sender)} is not opted in to app {app_id}"
        )
    acct = ov.account_for_update(sender)
    acct.total_apps_opted_in -= 1
    _reserve(acct, local.schema, -1)
    ov.put_local(sender, app_id, None)


def _clear_state(
    ov: Overlay, txn: Transaction, ad: ApplyData, app_id: int, app: AppParams | None,
    run: AppRun, index: int,
) -> None:  # fmt: skip
    """The clear program runs on a child overlay: kept when it approves, dropped (with its
    EvalDelta) when it rejects or fails. The local state is cleared either way."""
    if ov.local_state(txn.sender, app_id) is None:
        raise TransactionRejected(
            f"cannot clear state: {encode_address(txn.sender)} is not currently opted in to "
            f"app {app_id}"
        )
    if app is not None:
        budget = run.budget.remaining
        if budget < 700:
            raise TransactionRejected(
                f"Attempted ClearState execution with low OpcodeBudget {budget}"
            )
        child = ov.child()
        try:
            passed = _run(child, txn, ad, app_id, app.clear_state_program, run, index)
        except TransactionRejected:
            passed = False
        if passed:
            ov.merge(child)
        else:
            ad.clear_eval_delta()
    _close_out(ov, txn.sender, app_id)
