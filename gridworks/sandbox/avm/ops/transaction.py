"""Reading the transaction group and the chain's globals: txn, gtxn, gtxns (and their array and
stack-indexed forms) and global.

A field immediate is resolved when the program is checked; as in go, an unknown, too new or
wrongly moded field fails only if the instruction runs. Field values come from the ledger's
`Transaction` objects by attribute (Sender -> `sender`, Fee -> `fee`, ...). App-call fields
(`application_id`, `on_completion`, `app_args`, `accounts`, `foreign_assets`, `foreign_apps`,
`approval_program`, `clear_state_program`, `global_num_uint`, ...) read as zero values from the
transaction types that lack them, which is what go returns for a non-app transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...encoding import ZERO_ADDRESS
from ..app_state import app_address
from ..context import MAX_VALUE_SIZE, UINT64_MAX, EvalContext, StackValue, app_call
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from ..spec import TXN_EFFECTS_VERSION, TXN_TYPE_NAMES, FieldSpec, Mode, field_groups
from .registry import arg_type_error, register

if TYPE_CHECKING:
    from ...ledger.transaction import Transaction

TYPE_ENUM = {name: value for value, name in enumerate(TXN_TYPE_NAMES)}  # txn TypeEnum

Getter = Callable[[EvalContext, "Transaction", int, int], StackValue]


# Transaction fields ------------------------------------------------------------------------


def _attr(name: str) -> Getter:
    return lambda cx, txn, gi, ai: getattr(txn, name)  # type: ignore[no-any-return]


def _flag(name: str) -> Getter:
    return lambda cx, txn, gi, ai: 1 if getattr(txn, name) else 0


def _fixed(name: str, size: int) -> Getter:
    """A fixed-size byte field that the ledger leaves empty when unset (go: zero bytes)."""
    return lambda cx, txn, gi, ai: getattr(txn, name).ljust(size, b"\0")


def _app(name: str, default: Any) -> Any:
    """An app-call field: `default` for the other transaction types, which lack it."""

    def read(txn: Transaction) -> Any:
        if hasattr(txn, name):
            return getattr(txn, name)
        if txn.type == "appl":
            raise LogicError(f"the sandbox cannot read {name} of app calls yet")
        return default

    return read


def _asset_param(name: str, convert: Callable[[Any], StackValue]) -> Getter:
    def read(cx: EvalContext, txn: Transaction, gi: int, ai: int) -> StackValue:
        params = txn.asset_params
        return convert(getattr(params, name) if params is not None else None)

    return read


def _text(value: str | bytes | None) -> bytes:
    """An asset name: text in a ledger transaction, bytes in an inner one (go: any bytes)."""
    if isinstance(value, bytes):
        return value
    return (value or "").encode()


def _address(value: bytes | None) -> bytes:
    return value or ZERO_ADDRESS


def _count(name: str) -> Getter:
    read = _app(name, ())
    return lambda cx, txn, gi, ai: len(read(txn))


def _scalar_app(name: str, default: StackValue) -> Getter:
    read = _app(name, default)
    return lambda cx, txn, gi, ai: read(txn)  # type: ignore[no-any-return]


def _pages(name: str) -> Getter:
    read = _app(name, b"")
    return lambda cx, txn, gi, ai: -(-len(read(txn)) // MAX_VALUE_SIZE)


def _first_valid_time(cx: EvalContext, txn: Transaction, gi: int, ai: int) -> StackValue:
    rnd = available_round(cx, (txn.first_valid - 1) & UINT64_MAX)
    lookup = cx.globals.block_timestamp
    timestamp = lookup(rnd) if lookup is not None else None
    if timestamp is None:
        raise LogicError("no block header access")
    if timestamp < 0:
        raise LogicError(f"block({rnd}) timestamp {timestamp} < 0")
    return timestamp


def available_round(cx: EvalContext, rnd: int) -> int:
    """go's availableRound: the rounds within MaxTxnLife before the current txn's FirstValid."""
    current = cx.group.txns[cx.group_index]
    first = current.last_valid - cx.globals.max_txn_life - 1
    if first < 1:
        first = 1
    last = max(current.first_valid - 1, 0)
    if not first <= rnd <= last:
        raise LogicError(f"round {rnd} is not available. It's outside [{first}-{last}]")
    return rnd


def _effects(read: Callable[[Any], StackValue]) -> Getter:
    return lambda cx, txn, gi, ai: read(cx.group.effects[gi])


def _last_log(effects: Any) -> bytes:
    return effects.logs[-1] if effects.logs else b""


SCALAR_FIELDS: dict[str, Getter] = {
    "Sender": _attr("sender"),
    "Fee": _attr("fee"),
    "FirstValid": _attr("first_valid"),
    "FirstValidTime": _first_valid_time,
    "LastValid": _attr("last_valid"),
    "Note": _attr("note"),
    "Lease": _attr("lease"),
    "Receiver": _attr("receiver"),
    "Amount": _attr("amount"),
    "CloseRemainderTo": _attr("close_remainder_to"),
    "VotePK": _attr("vote_pk"),
    "SelectionPK": _attr("selection_pk"),
    "VoteFirst": _attr("vote_first"),
    "VoteLast": _attr("vote_last"),
    "VoteKeyDilution": _attr("vote_key_dilution"),
    "Type": lambda cx, txn, gi, ai: txn.type.encode(),
    "TypeEnum": lambda cx, txn, gi, ai: TYPE_ENUM.get(txn.type, 0),
    "XferAsset": _attr("xfer_asset"),
    "AssetAmount": _attr("asset_amount"),
    "AssetSender": _attr("asset_sender"),
    "AssetReceiver": _attr("asset_receiver"),
    "AssetCloseTo": _attr("asset_close_to"),
    "GroupIndex": lambda cx, txn, gi, ai: gi,
    "TxID": _attr("txid_digest"),
    "ApplicationID": _scalar_app("application_id", 0),
    "OnCompletion": _scalar_app("on_completion", 0),
    "NumAppArgs": _count("app_args"),
    "NumAccounts": _count("accounts"),
    "ApprovalProgram": _scalar_app("approval_program", b""),
    "ClearStateProgram": _scalar_app("clear_state_program", b""),
    "RekeyTo": _attr("rekey_to"),
    "ConfigAsset": _attr("config_asset"),
    "ConfigAssetTotal": _asset_param("total", lambda v: v or 0),
    "ConfigAssetDecimals": _asset_param("decimals", lambda v: v or 0),
    "ConfigAssetDefaultFrozen": _asset_param("default_frozen", lambda v: 1 if v else 0),
    "ConfigAssetUnitName": _asset_param("unit_name", _text),
    "ConfigAssetName": _asset_param("asset_name", _text),
    "ConfigAssetURL": _asset_param("url", _text),
    "ConfigAssetMetadataHash": _asset_param("metadata_hash", lambda v: (v or b"").ljust(32, b"\0")),
    "ConfigAssetManager": _asset_param("manager", _address),
    "ConfigAssetReserve": _asset_param("reserve", _address),
    "ConfigAssetFreeze": _asset_param("freeze", _address),
    "ConfigAssetClawback": _asset_param("clawback", _address),
    "FreezeAsset": _attr("freeze_asset"),
    "FreezeAssetAccount": _attr("freeze_account"),
    "FreezeAssetFrozen": _flag("asset_frozen"),
    "NumAssets": _count("foreign_assets"),
    "NumApplications": _count("foreign_apps"),
    "GlobalNumUint": _scalar_app("global_num_uint", 0),
    "GlobalNumByteSlice": _scalar_app("global_num_byte_slice", 0),
    "LocalNumUint": _scalar_app("local_num_uint", 0),
    "LocalNumByteSlice": _scalar_app("local_num_byte_slice", 0),
    "ExtraProgramPages": _scalar_app("extra_program_pages", 0),
    "Nonparticipation": _flag("nonparticipation"),
    "NumLogs": _effects(lambda e: len(e.logs)),
    "CreatedAssetID": _effects(lambda e: e.created_asset_id),
    "CreatedApplicationID": _effects(lambda e: e.created_app_id),
    "LastLog": _effects(_last_log),
    "StateProofPK": _fixed("state_proof_pk", 64),
    "NumApprovalProgramPages": _pages("approval_program"),
    "NumClearStateProgramPages": _pages("clear_state_program"),
    "RejectVersion": _scalar_app("reject_version", 0),
}


def _indexed(field: str, name: str, first: Callable[[Transaction], StackValue] | None) -> Getter:
    """An array field; `first`, when given, is element 0 and the array's items follow it."""
    read = _app(name, ())

    def get(cx: EvalContext, txn: Transaction, gi: int, ai: int) -> StackValue:
        items = read(txn)
        position = ai
        if first is not None:
            if ai == 0:
                return first(txn)
            position -= 1
        if position >= len(items):
            raise LogicError(f"invalid {field} index {ai}")
        return items[position]  # type: ignore[no-any-return]

    return get


def _page(field: str, name: str) -> Getter:
    read = _app(name, b"")

    def get(cx: EvalContext, txn: Transaction, gi: int, ai: int) -> StackValue:
        program = read(txn)
        if ai >= -(-len(program) // MAX_VALUE_SIZE):
            raise LogicError(f"invalid {field} index {ai}")
        return program[ai * MAX_VALUE_SIZE : (ai + 1) * MAX_VALUE_SIZE]  # type: ignore[no-any-return]

    return get


def _log(cx: EvalContext, txn: Transaction, gi: int, ai: int) -> StackValue:
    logs = cx.group.effects[gi].logs
    if ai >= len(logs):
        raise LogicError(f"invalid Logs index {ai}")
    return logs[ai]


_application_id = _app("application_id", 0)

ARRAY_FIELDS: dict[str, Getter] = {
    "ApplicationArgs": _indexed("ApplicationArgs", "app_args", None),
    "Accounts": _indexed("Accounts", "accounts", lambda txn: txn.sender),
    "Assets": _indexed("Assets", "foreign_assets", None),
    "Applications": _indexed("Applications", "foreign_apps", _application_id),
    "Logs": _log,
    "ApprovalProgramPages": _page("ApprovalProgramPages", "approval_program"),
    "ClearStateProgramPages": _page("ClearStateProgramPages", "clear_state_program"),
}


@dataclass(frozen=True, slots=True)
class FieldRead:
    """A txn field as one instruction names it: its getter, or why reading it fails."""

    name: str
    get: Getter | None
    effects: bool  # an ApplyData field (app mode, earlier group members only)
    error: str | None = None


def resolve_field(code: int, info: ProgramInfo, array: bool) -> FieldRead:
    """go's fetchField, plus the mode check of effects fields, done once per instruction."""
    spec: FieldSpec | None = field_groups()["all txn Fields"].by_code.get(code)
    if spec is None or spec.version > info.version:
        name = spec.name if spec is not None else f"TxnField({code})"
        return FieldRead(name, None, False, f"invalid txn field {name}")
    is_array = spec.name in ARRAY_FIELDS
    if is_array != array:
        reason = "unsupported array field" if array else "invalid txn field"
        return FieldRead(spec.name, None, False, f"{reason} {spec.name}")
    effects = not spec.modes & Mode.SIG
    if effects and info.mode == Mode.SIG:
        return FieldRead(spec.name, None, True, f"txn[{spec.name}] not allowed in current mode")
    getter = (ARRAY_FIELDS if array else SCALAR_FIELDS)[spec.name]
    return FieldRead(spec.name, getter, effects)


def _read(cx: EvalContext, field: FieldRead, gi: int, ai: int) -> StackValue:
    """go's opTxnImpl for the group's (not inner) transactions."""
    if field.error is not None:
        raise LogicError(field.error)
    if field.effects and gi >= cx.group_index:
        raise LogicError(f"txn effects can only be read from past txns {gi} {cx.group_index}")
    group = cx.group.txns
    if gi >= len(group):
        raise LogicError(f"txn index {gi}, len(group) is {len(group)}")
    if field.effects and cx.version < TXN_EFFECTS_VERSION:
        raise LogicError("Unable to obtain effects from top-level transactions")
    assert field.get is not None
    return field.get(cx, group[gi], gi, ai)


def _uint_arg(cx: EvalContext, name: str, value: StackValue) -> int:
    if type(value) is not int:
        raise arg_type_error(name, (value,))
    return value


# Each prepare resolves the field immediate and passes group and array indexes through.


def _txn(ins: Instruction, info: ProgramInfo) -> FieldRead:
    return resolve_field(ins.immediates[0], info, array=False)


def _txn_array(ins: Instruction, info: ProgramInfo) -> FieldRead:
    return resolve_field(ins.immediates[0], info, array=True)


def _txna(ins: Instruction, info: ProgramInfo) -> tuple[FieldRead, int]:
    return resolve_field(ins.immediates[0], info, array=True), ins.immediates[1]


def _gtxn(ins: Instruction, info: ProgramInfo) -> tuple[int, FieldRead]:
    return ins.immediates[0], resolve_field(ins.immediates[1], info, array=False)


def _gtxn_array(ins: Instruction, info: ProgramInfo) -> tuple[int, FieldRead]:
    return ins.immediates[0], resolve_field(ins.immediates[1], info, array=True)


def _gtxna(ins: Instruction, info: ProgramInfo) -> tuple[int, FieldRead, int]:
    gi, code, ai = ins.immediates
    return gi, resolve_field(code, info, array=True), ai


@register("txn", prepare=_txn, self_checked=True)
def op_txn(cx: EvalContext, field: FieldRead) -> None:
    cx.stack.append(_read(cx, field, cx.group_index, 0))


@register("txna", prepare=_txna, self_checked=True)
def op_txna(cx: EvalContext, imm: tuple[FieldRead, int]) -> None:
    cx.stack.append(_read(cx, imm[0], cx.group_index, imm[1]))


@register("txnas", prepare=_txn_array, self_checked=True)
def op_txnas(cx: EvalContext, field: FieldRead) -> None:
    stack = cx.stack
    stack[-1] = _read(cx, field, cx.group_index, _uint_arg(cx, "txnas", stack[-1]))


@register("gtxn", prepare=_gtxn, self_checked=True)
def op_gtxn(cx: EvalContext, imm: tuple[int, FieldRead]) -> None:
    cx.stack.append(_read(cx, imm[1], imm[0], 0))


@register("gtxna", prepare=_gtxna, self_checked=True)
def op_gtxna(cx: EvalContext, imm: tuple[int, FieldRead, int]) -> None:
    cx.stack.append(_read(cx, imm[1], imm[0], imm[2]))


@register("gtxnas", prepare=_gtxn_array, self_checked=True)
def op_gtxnas(cx: EvalContext, imm: tuple[int, FieldRead]) -> None:
    stack = cx.stack
    stack[-1] = _read(cx, imm[1], imm[0], _uint_arg(cx, "gtxnas", stack[-1]))


@register("gtxns", prepare=_txn, self_checked=True)
def op_gtxns(cx: EvalContext, field: FieldRead) -> None:
    stack = cx.stack
    stack[-1] = _read(cx, field, _uint_arg(cx, "gtxns", stack[-1]), 0)


@register("gtxnsa", prepare=_txna, self_checked=True)
def op_gtxnsa(cx: EvalContext, imm: tuple[FieldRead, int]) -> None:
    stack = cx.stack
    stack[-1] = _read(cx, imm[0], _uint_arg(cx, "gtxnsa", stack[-1]), imm[1])


@register("gtxnsas", prepare=_txn_array, self_checked=True)
def op_gtxnsas(cx: EvalContext, field: FieldRead) -> None:
    stack = cx.stack
    gi, ai = stack[-2:]
    if type(gi) is not int or type(ai) is not int:
        raise arg_type_error("gtxnsas", (gi, ai))
    value = _read(cx, field, gi, ai)
    del stack[-1]
    stack[-1] = value


# Global fields -----------------------------------------------------------------------------


def _chain(name: str, attribute: str) -> Callable[[EvalContext], StackValue]:
    def read(cx: EvalContext) -> StackValue:
        value = getattr(cx.globals, attribute)
        if value is None:
            raise LogicError(f"global {name} is not available: the evaluation was given none")
        if value < 0:
            raise LogicError(f"latest timestamp {value} < 0")
        return value  # type: ignore[no-any-return]

    return read


def _current_group_id(cx: EvalContext) -> StackValue:
    txns = cx.group.txns
    return txns[cx.group_index].group if cx.group_index < len(txns) else ZERO_ADDRESS


def _creator_address(cx: EvalContext) -> StackValue:
    params = app_call(cx).state.app_params(cx.app_id)
    if params is None:
        raise LogicError("No params for current app")
    return params.creator


def _caller_id(cx: EvalContext) -> StackValue:
    return cx.app.caller_app_id if cx.app is not None else 0


def _caller_address(cx: EvalContext) -> StackValue:
    caller = cx.app.caller_app_id if cx.app is not None else 0
    return app_address(caller) if caller else ZERO_ADDRESS


def _not_yet(name: str) -> Callable[[EvalContext], StackValue]:
    def read(cx: EvalContext) -> StackValue:
        raise LogicError(f"global {name} is not supported by the sandbox yet")

    return read


GLOBAL_FIELDS: dict[str, Callable[[EvalContext], StackValue]] = {
    "MinTxnFee": lambda cx: cx.globals.min_txn_fee,
    "MinBalance": lambda cx: cx.globals.min_balance,
    "MaxTxnLife": lambda cx: cx.globals.max_txn_life,
    "ZeroAddress": lambda cx: ZERO_ADDRESS,
    "GroupSize": lambda cx: len(cx.group),
    "LogicSigVersion": lambda cx: cx.globals.logic_sig_version,
    "Round": _chain("Round", "round"),
    "LatestTimestamp": _chain("LatestTimestamp", "latest_timestamp"),
    "CurrentApplicationID": lambda cx: cx.app_id,
    "CurrentApplicationAddress": lambda cx: app_address(cx.app_id),
    "CreatorAddress": _creator_address,
    "GroupID": _current_group_id,
    "OpcodeBudget": lambda cx: cx.budget.remaining,
    "CallerApplicationID": _caller_id,
    "CallerApplicationAddress": _caller_address,
    "AssetCreateMinBalance": lambda cx: cx.globals.asset_create_min_balance,
    "AssetOptInMinBalance": lambda cx: cx.globals.asset_opt_in_min_balance,
    "GenesisHash": lambda cx: cx.globals.genesis_hash,
    "PayoutsEnabled": lambda cx: int(cx.globals.payouts_enabled),
    "PayoutsGoOnlineFee": lambda cx: cx.globals.payouts_go_online_fee,
    "PayoutsPercent": lambda cx: cx.globals.payouts_percent,
    "PayoutsMinBalance": lambda cx: cx.globals.payouts_min_balance,
    "PayoutsMaxBalance": lambda cx: cx.globals.payouts_max_balance,
}


def _global(ins: Instruction, info: ProgramInfo) -> Callable[[EvalContext], StackValue]:
    code = ins.immediates[0]
    spec = field_groups()["global Fields"].by_code.get(code)
    if spec is None or spec.version > info.version:
        name = spec.name if spec is not None else f"GlobalField({code})"
        return _failing(f"invalid global field {name}")
    if not spec.modes & info.mode:
        return _failing(f"global[{spec.name}] not allowed in current mode")
    return GLOBAL_FIELDS.get(spec.name) or _not_yet(spec.name)


def _failing(reason: str) -> Callable[[EvalContext], StackValue]:
    def read(cx: EvalContext) -> StackValue:
        raise LogicError(reason)

    return read


@register("global", prepare=_global, self_checked=True)
def op_global(cx: EvalContext, read: Callable[[EvalContext], StackValue]) -> None:
    cx.stack.append(read(cx))
