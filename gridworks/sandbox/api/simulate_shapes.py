"""A `Simulation` in algod's `SimulateResponse` shape, as JSON or as msgpack.

Zero and empty fields are left out, as algod's encoder leaves them out. Each transaction's
`txn-result` is a pending-transaction response (see `algod_shapes.pending_json`) without a
confirmed round: nothing was confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..avm.context import StackValue
from ..avm.trace import LOCAL, InitialStates, ProgramTracer, StateChange
from ..encoding import ZERO_ADDRESS, b64, encode_address
from ..ledger.ledger import ConfirmedTransaction
from ..ledger.simulate import (
    LOG_BYTES_LIMIT,
    MAX_LOG_CALLS,
    RESULT_VERSION,
    ExecTrace,
    GroupSimulation,
    SimulateOptions,
    Simulation,
    TxnSimulation,
)
from ..ledger.simulate_resources import ResourceTracker
from .algod_shapes import pending_json

Bytes = Callable[[bytes], Any]  # raw bytes in msgpack, base64 text in JSON


def simulation_body(sim: Simulation, as_msgpack: bool) -> dict[str, Any]:
    as_bytes: Bytes = bytes if as_msgpack else b64
    out: dict[str, Any] = {
        "version": RESULT_VERSION,
        "last-round": sim.last_round,
        "txn-groups": [_group(group, as_msgpack, as_bytes) for group in sim.groups],
    }
    overrides = _overrides(sim.options)
    if overrides:
        out["eval-overrides"] = overrides
    trace = sim.options.trace
    config = {
        name: True
        for name, enabled in (
            ("enable", trace.enable),
            ("stack-change", trace.stack_change),
            ("scratch-change", trace.scratch_change),
            ("state-change", trace.state_change),
        )
        if enabled
    }
    if config:
        out["exec-trace-config"] = config
    if sim.initial_states is not None and sim.initial_states.apps:
        out["initial-states"] = _initial_states(sim.initial_states, as_bytes)
    return out


def _initial_states(states: InitialStates, as_bytes: Bytes) -> dict[str, Any]:
    """go's `SimulateInitialStates`, sorted (go's order is arbitrary). An app appears once a
    program explained a state op on it, even with no value recorded; a key with no value
    before the group has a value of type 0."""
    apps = []
    for app_id, values in sorted(states.apps.items()):
        app: dict[str, Any] = {"id": app_id}
        for state, name in (("g", "app-globals"), ("b", "app-boxes")):
            kvs = _kvs(values, state, ZERO_ADDRESS, as_bytes)
            if kvs:
                app[name] = {"kvs": kvs}
        accounts = sorted({account for kind, account, _ in values if kind == LOCAL})
        if accounts:
            app["app-locals"] = [
                _account(account, {"kvs": _kvs(values, LOCAL, account, as_bytes)})
                for account in accounts
            ]
        apps.append(app)
    return {"app-initial-states": apps}


def _kvs(
    values: dict[tuple[str, bytes, bytes], StackValue | None], state: str, account: bytes,
    as_bytes: Bytes,
) -> list[dict[str, Any]]:  # fmt: skip
    return [
        {"key": as_bytes(key), "value": _initial_value(value, as_bytes)}
        for (kind, owner, key), value in sorted(values.items(), key=lambda item: item[0][2])
        if kind == state and owner == account
    ]


def _initial_value(value: StackValue | None, as_bytes: Bytes) -> dict[str, Any]:
    return {"type": 0} if value is None else _avm_value(value, as_bytes)


def _account(account: bytes, out: dict[str, Any]) -> dict[str, Any]:
    """go leaves the account out when it is the zero address (an unresolved reference)."""
    return out if account == ZERO_ADDRESS else {"account": encode_address(account), **out}


def _overrides(options: SimulateOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if options.allow_empty_signatures:
        out["allow-empty-signatures"] = True
    if options.allow_unnamed_resources:
        out["allow-unnamed-resources"] = True
    if options.allow_more_logging:
        out["max-log-calls"] = MAX_LOG_CALLS
        out["max-log-size"] = LOG_BYTES_LIMIT
    if options.extra_opcode_budget:
        out["extra-opcode-budget"] = options.extra_opcode_budget
    if options.fix_signers:
        out["fix-signers"] = True
    return out


def _group(group: GroupSimulation, as_msgpack: bool, as_bytes: Bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"txn-results": [_txn(t, as_msgpack, as_bytes) for t in group.txns]}
    if group.failure_message:
        out["failure-message"] = group.failure_message
    if group.failed_at:
        out["failed-at"] = list(group.failed_at)
    if group.app_budget_added:
        out["app-budget-added"] = group.app_budget_added
    if group.app_budget_consumed:
        out["app-budget-consumed"] = group.app_budget_consumed
    if group.unnamed_resources is not None and group.unnamed_resources.any():
        out["unnamed-resources-accessed"] = _unnamed(group.unnamed_resources, as_bytes)
    return out


def _unnamed(tracker: ResourceTracker, as_bytes: Bytes) -> dict[str, Any]:
    """go's `SimulateUnnamedResourcesAccessed`, sorted (go's order is arbitrary)."""
    boxes, empty_box_refs = tracker.reported_boxes()
    pairs = (
        ("accounts", sorted(encode_address(a) for a in tracker.accounts)),
        ("assets", sorted(tracker.assets)),
        ("apps", sorted(tracker.apps)),
        ("boxes", [{"app": app, "name": as_bytes(name)} for app, name in boxes]),
        ("extra-box-refs", empty_box_refs),
        ("asset-holdings", [
            {"account": encode_address(a), "asset": i} for a, i in sorted(tracker.holdings)
        ]),
        ("app-locals", [
            {"account": encode_address(a), "app": i} for a, i in sorted(tracker.locals)
        ]),
    )  # fmt: skip
    return {key: value for key, value in pairs if value}


def _txn(txn: TxnSimulation, as_msgpack: bool, as_bytes: Bytes) -> dict[str, Any]:
    confirmed = ConfirmedTransaction(0, 0, txn.signed.raw, txn.apply_data)
    result = pending_json(confirmed, as_msgpack)
    result.pop("confirmed-round", None)
    out: dict[str, Any] = {"txn-result": result}
    if txn.app_budget_consumed:
        out["app-budget-consumed"] = txn.app_budget_consumed
    if txn.logic_sig_budget_consumed:
        out["logic-sig-budget-consumed"] = txn.logic_sig_budget_consumed
    if txn.trace is not None:
        out["exec-trace"] = _exec_trace(txn.trace, as_bytes)
    if txn.fixed_signer is not None:
        out["fixed-signer"] = encode_address(txn.fixed_signer)
    if txn.unnamed_resources is not None and txn.unnamed_resources.any():
        out["unnamed-resources-accessed"] = _unnamed(txn.unnamed_resources, as_bytes)
    return out


def _exec_trace(trace: ExecTrace, as_bytes: Bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, tracer in (
        ("approval-program", trace.approval),
        ("clear-state-program", trace.clear_state),
        ("logic-sig", trace.logic_sig),
    ):
        if tracer is not None:
            out[f"{name}-trace"] = _units(tracer, as_bytes)
            out[f"{name}-hash"] = as_bytes(tracer.program_hash)
    if trace.inner:
        out["inner-trace"] = [_exec_trace(inner, as_bytes) for inner in trace.inner]
    return out


def _units(tracer: ProgramTracer, as_bytes: Bytes) -> list[dict[str, Any]]:
    units = []
    for unit in tracer.units:
        out: dict[str, Any] = {"pc": unit.pc}
        if unit.stack_pop_count:
            out["stack-pop-count"] = unit.stack_pop_count
        if unit.stack_additions:
            out["stack-additions"] = [_avm_value(v, as_bytes) for v in unit.stack_additions]
        if unit.scratch_changes:
            out["scratch-changes"] = [
                {"slot": slot, "new-value": _avm_value(value, as_bytes)}
                for slot, value in unit.scratch_changes
            ]
        if unit.spawned_inners:
            out["spawned-inners"] = list(unit.spawned_inners)
        if unit.state_changes:
            out["state-changes"] = [_state_change(c, as_bytes) for c in unit.state_changes]
        units.append(out)
    return units


def _state_change(change: StateChange, as_bytes: Bytes) -> dict[str, Any]:
    """go's `ApplicationStateOperation`: no new value for a delete (or a failed write)."""
    out: dict[str, Any] = {
        "operation": change.operation,
        "app-state-type": change.state,
        "key": as_bytes(change.key),
    }
    if change.new_value is not None:
        out["new-value"] = _avm_value(change.new_value, as_bytes)
    return _account(change.account, out)


def _avm_value(value: StackValue, as_bytes: Bytes) -> dict[str, Any]:
    """go's `AvmValue`: type 1 is bytes, type 2 uint64; a zero value is left out."""
    if isinstance(value, bytes):
        return {"type": 1, "bytes": as_bytes(value)} if value else {"type": 1}
    return {"type": 2, "uint": value} if value else {"type": 2}
