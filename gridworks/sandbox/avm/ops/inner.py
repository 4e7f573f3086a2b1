"""Inner transactions: building them (itxn_begin, itxn_next, itxn_field), submitting them
(itxn_submit) and reading the results (itxn, itxna, itxnas, gitxn, gitxna, gitxnas). v5+,
app mode.

`itxn_field` checks each value as go does when the field is set (type, length, range, and
that accounts, assets and apps are available). `itxn_submit` checks what go's evaluator checks
before handing the group to the ledger (`AppState.submit_inner`): the quota of 256 inner
transactions per top-level group (16 per inner group), the fees against the group's fee credit,
self-calls, re-entry, the depth of 8 nested app calls, the version of called programs, and
(v9+) holdings and local states the callee would reach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..app_state import InnerResult, InnerTxn, InnerTxnFailed, app_address
from ..context import EvalContext, StackValue, app_call
from ..errors import LogicError
from ..fees import MICROS, fee_for_usage, group_usage
from ..group_resources import CLEAR_STATE, MAX_TXN_GROUP_SIZE, current_txn, group_resources
from ..program import Instruction, ProgramInfo
from ..resources import (
    address_value,
    assign_account,
    assign_app,
    assign_asset,
    check_inner_resources,
    uint_value,
)
from ..spec import (
    INNER_APPS_VERSION,
    INNER_TXNS_VERSION,
    MIN_INNER_APPL_VERSION,
    TXN_TYPE_NAMES,
    field_groups,
)
from ..version_prefix import program_version
from .registry import arg_type_error, register
from .transaction import ARRAY_FIELDS, SCALAR_FIELDS, FieldRead, resolve_field

MAX_APP_CALL_DEPTH = 8  # maxAppCallDepth
OPT_IN = 1
DELETE_APPLICATION = 5

# Consensus limits on the fields (go's names).
MAX_TXN_NOTE_BYTES = 4_096  # MaxAbsoluteTxnNoteBytes (V42): beyond 1,024 bytes, a surcharge
MAX_ASSET_DECIMALS = 19
MAX_ASSET_UNIT_NAME_BYTES = 8
MAX_ASSET_NAME_BYTES = 32
MAX_ASSET_URL_BYTES = 96
MAX_APP_ARGS = 16
MAX_APP_TOTAL_ARG_LEN = 16_384  # MaxAbsoluteTotalArgLen (V42): beyond 2,048, a surcharge
MAX_APP_TXN_ACCOUNTS = 8  # V41
MAX_APP_TXN_FOREIGN_ASSETS = 8
MAX_APP_TXN_FOREIGN_APPS = 8
MAX_PROGRAM = 2_048 * (1 + 7)  # MaxAppProgramLen * (1 + MaxAbsoluteExtraProgramPages)
MAX_GLOBAL_SCHEMA_ENTRIES = 64
MAX_LOCAL_SCHEMA_ENTRIES = 16
MAX_EXTRA_APP_PROGRAM_PAGES = 7  # MaxAbsoluteExtraProgramPages (V42)

# The transaction types an app may issue, from the version that allowed each.
INNER_TXN_TYPES = {
    "pay": INNER_TXNS_VERSION,
    "axfer": INNER_TXNS_VERSION,
    "acfg": INNER_TXNS_VERSION,
    "afrz": INNER_TXNS_VERSION,
    "keyreg": INNER_APPS_VERSION,
    "appl": INNER_APPS_VERSION,
}


# Building ----------------------------------------------------------------------------------


def _add_inner(cx: EvalContext) -> None:
    """A new inner transaction with go's defaults: sent by the app, the caller's validity
    rounds, and a fee covering what the group still owes beyond the fee credit."""
    building = app_call(cx).building
    resources = group_resources(cx)
    if len(building) > resources.inners_left or len(building) >= MAX_TXN_GROUP_SIZE:
        raise LogicError(
            f"too many inner transactions {len(building)} with {resources.inners_left} left"
        )
    # the group's usage with one more ordinary transaction, priced without using up the
    # residue (only itxn_submit charges it)
    usage = group_usage(building) + MICROS
    group_fee, _ = fee_for_usage(cx.globals.min_txn_fee, usage, resources.fee_residue)
    owed = group_fee - sum(t.fee for t in building)
    txn = current_txn(cx)
    building.append(
        InnerTxn(
            sender=app_address(cx.app_id),
            fee=max(owed - resources.fee_credit, 0) if owed > 0 else 0,
            first_valid=txn.first_valid,
            last_valid=txn.last_valid,
        )
    )


@register("itxn_begin", self_checked=True)
def op_itxn_begin(cx: EvalContext, imm: object) -> None:
    if app_call(cx).building:
        raise LogicError("itxn_begin without itxn_submit")
    if getattr(current_txn(cx), "on_completion", 0) == CLEAR_STATE:
        raise LogicError("clear state programs can not issue inner transactions")
    _add_inner(cx)


@register("itxn_next", self_checked=True)
def op_itxn_next(cx: EvalContext, imm: object) -> None:
    if not app_call(cx).building:
        raise LogicError("itxn_next without itxn_begin")
    _add_inner(cx)


# Setting fields: go's stackIntoTxnField ----------------------------------------------------

Setter = Callable[[EvalContext, InnerTxn, StackValue], None]


def _raw(value: StackValue) -> bytes:
    """The bytes go sees in a value: none at all for a uint64."""
    return value if type(value) is bytes else b""


def _uint_max(value: StackValue, limit: int) -> int:
    number = uint_value(value)
    if number > limit:
        raise LogicError(f"{number} is larger than max={limit}")
    return number


def _bool(value: StackValue) -> bool:
    number = uint_value(value)
    if number > 1:
        raise LogicError(f"boolean is neither 1 nor 0: {number}")
    return number == 1


def _text(value: StackValue, limit: int) -> bytes:
    if type(value) is not bytes:
        raise LogicError("not a byte array")
    if len(value) > limit:
        raise LogicError("value is too long")
    return value


def _set(attribute: str, convert: Callable[[StackValue], Any]) -> Setter:
    def setter(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
        setattr(txn, attribute, convert(value))

    return setter


def _assign(attribute: str, assign: Callable[[EvalContext, StackValue], Any]) -> Setter:
    """A field naming an account, asset or app, which must be available to the caller."""

    def setter(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
        setattr(txn, attribute, assign(cx, value))

    return setter


def _set_param(attribute: str, convert: Callable[[StackValue], Any]) -> Setter:
    def setter(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
        setattr(txn.asset_params, attribute, convert(value))

    return setter


def _fixed(field: str, size: int) -> Callable[[StackValue], bytes]:
    def convert(value: StackValue) -> bytes:
        if len(_raw(value)) != size:
            raise LogicError(f"{field} must be {size} bytes")
        return _raw(value)

    return convert


def _limited(field: str, limit: int) -> Callable[[StackValue], bytes]:
    def convert(value: StackValue) -> bytes:
        if len(_raw(value)) > limit:
            raise LogicError(f"{field} may not exceed {limit} bytes")
        return _raw(value)

    return convert


def _max(limit: int) -> Callable[[StackValue], int]:
    return lambda value: _uint_max(value, limit)


def _text_max(limit: int) -> Callable[[StackValue], bytes]:
    return lambda value: _text(value, limit)


def _set_type(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
    if type(value) is not bytes:
        raise LogicError("Type arg not a byte array")
    kind = value.decode("utf-8", "replace")
    _set_kind(cx, txn, kind)


def _set_kind(cx: EvalContext, txn: InnerTxn, kind: str) -> None:
    if INNER_TXN_TYPES.get(kind, cx.version + 1) > cx.version:
        raise LogicError(f"{kind} is not a valid Type for itxn_field")
    txn.type = kind


def _set_type_enum(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
    number = uint_value(value)
    if not 0 < number < len(TXN_TYPE_NAMES):
        raise LogicError(f"{number} is not a valid TypeEnum")
    _set_kind(cx, txn, TXN_TYPE_NAMES[number])


def _append_arg(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
    if type(value) is not bytes:
        raise LogicError("ApplicationArg is not a byte array")
    if len(value) + sum(len(arg) for arg in txn.app_args) > MAX_APP_TOTAL_ARG_LEN:
        raise LogicError("total application args length too long")
    if len(txn.app_args) >= MAX_APP_ARGS:
        raise LogicError("too many application args")
    txn.app_args.append(value)


def _append(
    attribute: str, assign: Callable[[EvalContext, StackValue], Any], limit: int, what: str
) -> Setter:
    def setter(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
        item = assign(cx, value)
        items = getattr(txn, attribute)
        if len(items) >= limit:
            raise LogicError(f"too many foreign {what}")
        items.append(item)

    return setter


def _append_page(attribute: str, field: str) -> Setter:
    def setter(cx: EvalContext, txn: InnerTxn, value: StackValue) -> None:
        program = getattr(txn, attribute) + _raw(value)
        setattr(txn, attribute, program)
        if len(program) > MAX_PROGRAM:
            raise LogicError(f"{field} may not exceed {MAX_PROGRAM} bytes")

    return setter


SETTERS: dict[str, Setter] = {
    "Type": _set_type,
    "TypeEnum": _set_type_enum,
    "Sender": _assign("sender", assign_account),
    "Fee": _set("fee", uint_value),
    "Note": _set("note", _limited("Note", MAX_TXN_NOTE_BYTES)),
    "RekeyTo": _set("rekey_to", address_value),
    "VotePK": _set("vote_pk", _fixed("VotePK", 32)),
    "SelectionPK": _set("selection_pk", _fixed("SelectionPK", 32)),
    "StateProofPK": _set("state_proof_pk", _fixed("StateProofPK", 64)),
    "VoteFirst": _set("vote_first", uint_value),
    "VoteLast": _set("vote_last", uint_value),
    "VoteKeyDilution": _set("vote_key_dilution", uint_value),
    "Nonparticipation": _set("nonparticipation", _bool),
    "Receiver": _assign("receiver", assign_account),
    "Amount": _set("amount", uint_value),
    "CloseRemainderTo": _assign("close_remainder_to", assign_account),
    "XferAsset": _assign("xfer_asset", assign_asset),
    "AssetAmount": _set("asset_amount", uint_value),
    "AssetSender": _assign("asset_sender", assign_account),
    "AssetReceiver": _assign("asset_receiver", assign_account),
    "AssetCloseTo": _assign("asset_close_to", assign_account),
    "ConfigAsset": _assign("config_asset", assign_asset),
    "ConfigAssetTotal": _set_param("total", uint_value),
    "ConfigAssetDecimals": _set_param("decimals", _max(MAX_ASSET_DECIMALS)),
    "ConfigAssetDefaultFrozen": _set_param("default_frozen", _bool),
    "ConfigAssetUnitName": _set_param("unit_name", _text_max(MAX_ASSET_UNIT_NAME_BYTES)),
    "ConfigAssetName": _set_param("asset_name", _text_max(MAX_ASSET_NAME_BYTES)),
    "ConfigAssetURL": _set_param("url", _text_max(MAX_ASSET_URL_BYTES)),
    "ConfigAssetMetadataHash": _set_param("metadata_hash", _fixed("ConfigAssetMetadataHash", 32)),
    "ConfigAssetManager": _set_param("manager", address_value),
    "ConfigAssetReserve": _set_param("reserve", address_value),
    "ConfigAssetFreeze": _set_param("freeze", address_value),
    "ConfigAssetClawback": _set_param("clawback", address_value),
    "FreezeAsset": _assign("freeze_asset", assign_asset),
    "FreezeAssetAccount": _assign("freeze_account", assign_account),
    "FreezeAssetFrozen": _set("asset_frozen", _bool),
    "ApplicationID": _assign("application_id", assign_app),
    "OnCompletion": _set("on_completion", _max(DELETE_APPLICATION)),
    "ApplicationArgs": _append_arg,
    "Accounts": _append("accounts", assign_account, MAX_APP_TXN_ACCOUNTS, "accounts"),
    "Assets": _append("foreign_assets", assign_asset, MAX_APP_TXN_FOREIGN_ASSETS, "assets"),
    "Applications": _append("foreign_apps", assign_app, MAX_APP_TXN_FOREIGN_APPS, "apps"),
    "ApprovalProgram": _set("approval_program", _limited("ApprovalProgram", MAX_PROGRAM)),
    "ClearStateProgram": _set("clear_state_program", _limited("ClearStateProgram", MAX_PROGRAM)),
    "ApprovalProgramPages": _append_page("approval_program", "ApprovalProgramPages"),
    "ClearStateProgramPages": _append_page("clear_state_program", "ClearStateProgramPages"),
    "GlobalNumUint": _set("global_num_uint", _max(MAX_GLOBAL_SCHEMA_ENTRIES)),
    "GlobalNumByteSlice": _set("global_num_byte_slice", _max(MAX_GLOBAL_SCHEMA_ENTRIES)),
    "LocalNumUint": _set("local_num_uint", _max(MAX_LOCAL_SCHEMA_ENTRIES)),
    "LocalNumByteSlice": _set("local_num_byte_slice", _max(MAX_LOCAL_SCHEMA_ENTRIES)),
    "ExtraProgramPages": _set("extra_program_pages", _max(MAX_EXTRA_APP_PROGRAM_PAGES)),
    "RejectVersion": _set("reject_version", uint_value),
}

FieldSet = tuple[Setter | None, str]  # the setter, or why setting the field fails


def _settable(ins: Instruction, info: ProgramInfo) -> FieldSet:
    code = ins.immediates[0]
    spec = field_groups()["txn"].by_code.get(code)
    if spec is None or spec.version > info.version:
        known = field_groups()["all txn Fields"].by_code.get(code)
        name = known.name if known is not None else f"TxnField({code})"
        return None, f"invalid itxn_field {name}"
    return SETTERS[spec.name], ""


@register("itxn_field", prepare=_settable, self_checked=True)
def op_itxn_field(cx: EvalContext, field: FieldSet) -> None:
    building = app_call(cx).building
    if not building:
        raise LogicError("itxn_field without itxn_begin")
    setter, error = field
    if setter is None:
        raise LogicError(error)
    stack = cx.stack
    value = stack.pop()
    setter(cx, building[-1], value)


# Submitting --------------------------------------------------------------------------------


def _charge_fees(cx: EvalContext, txns: Sequence[InnerTxn]) -> None:
    """Fee pooling: the group's shortfall comes from the fee credit, its surplus adds to it."""
    resources = group_resources(cx)
    needed, resources.fee_residue = fee_for_usage(
        cx.globals.min_txn_fee, group_usage(txns), resources.fee_residue
    )
    paid = sum(txn.fee for txn in txns)
    if paid < needed:
        if resources.fee_credit < needed - paid:
            raise LogicError(f"fee too small {[txn.fee for txn in txns]}")
        resources.fee_credit -= needed - paid
    else:
        resources.fee_credit += paid - needed


def _check_app_call(cx: EvalContext, txn: InnerTxn) -> int:
    """Self-call, re-entry and depth, and the callee's program versions; its version."""
    target = txn.application_id
    if target == cx.app_id:
        raise LogicError("attempt to self-call")
    callers = app_call(cx).callers
    for parent in reversed(callers):
        if parent == target:
            raise LogicError(f"attempt to re-enter {parent}")
    if len(callers) >= MAX_APP_CALL_DEPTH:
        raise LogicError(f"appl depth ({len(callers)}) exceeded")
    approval, clear = txn.approval_program, txn.clear_state_program
    if target:
        params = app_call(cx).state.app_params(target)
        if params is None:
            raise LogicError(f"app {target} does not exist")
        approval, clear = params.approval_program, params.clear_state_program
    # 0 stays 0 here: it is below every inner minimum
    version = program_version(clear if txn.on_completion == CLEAR_STATE else approval)[0]
    if version < MIN_INNER_APPL_VERSION:
        raise LogicError(f"inner app call with version v{version} < v{MIN_INNER_APPL_VERSION}")
    if txn.on_completion == OPT_IN:
        clear_version = program_version(clear)[0]
        if clear_version < MIN_INNER_APPL_VERSION:
            raise LogicError(
                f"inner app call opt-in with CSP v{clear_version} < v{MIN_INNER_APPL_VERSION}"
            )
    return version


@register("itxn_submit", self_checked=True)
def op_itxn_submit(cx: EvalContext, imm: object) -> None:
    app = app_call(cx)
    txns = app.building
    resources = group_resources(cx)
    if len(txns) > resources.inners_left or len(txns) > MAX_TXN_GROUP_SIZE:
        raise LogicError(
            f"too many inner transactions {len(txns)} with {resources.inners_left} left"
        )
    if not txns:
        raise LogicError("itxn_submit without itxn_begin")
    _charge_fees(cx, txns)
    for txn in txns:
        callee_version = _check_app_call(cx, txn) if txn.type == "appl" else 0
        check_inner_resources(cx, txn, callee_version)
    resources.inners_left -= len(txns)
    try:
        results = app.state.submit_inner(txns, cx)
    except InnerTxnFailed as failure:
        raise LogicError(str(failure)) from None
    for result in results:
        resources.record_created(result.created_asset_id, result.created_app_id)
    app.submitted.extend(results)
    app.last_group = list(results)
    app.building = []


# Reading results ---------------------------------------------------------------------------

ResultGetter = Callable[[EvalContext, InnerResult, int, int], StackValue]


def _on_txn(name: str, array: bool) -> ResultGetter:
    read = (ARRAY_FIELDS if array else SCALAR_FIELDS)[name]
    # an InnerTxn reads as the ledger's Transaction does: by the same attribute names
    return lambda cx, result, gi, ai: read(cx, result.txn, gi, ai)  # type: ignore[arg-type]


def _log(cx: EvalContext, result: InnerResult, gi: int, ai: int) -> StackValue:
    if ai >= len(result.logs):
        raise LogicError(f"invalid Logs index {ai}")
    return result.logs[ai]


RESULT_FIELDS: dict[str, ResultGetter] = {
    "TxID": lambda cx, result, gi, ai: result.txid,
    "NumLogs": lambda cx, result, gi, ai: len(result.logs),
    "LastLog": lambda cx, result, gi, ai: result.logs[-1] if result.logs else b"",
    "Logs": _log,
    "CreatedAssetID": lambda cx, result, gi, ai: result.created_asset_id,
    "CreatedApplicationID": lambda cx, result, gi, ai: result.created_app_id,
}


@dataclass(frozen=True, slots=True)
class ResultRead:
    """A txn field of an inner transaction as one instruction names it."""

    get: ResultGetter | None
    error: str


def _result_field(code: int, info: ProgramInfo, array: bool) -> ResultRead:
    field: FieldRead = resolve_field(code, info, array)
    if field.error is not None:
        return ResultRead(None, field.error)
    if info.version < INNER_APPS_VERSION and field.name in ("GroupIndex", "TxID"):
        return ResultRead(None, f"illegal field for inner transaction {field.name}")
    return ResultRead(RESULT_FIELDS.get(field.name) or _on_txn(field.name, array), "")


def _read(
    cx: EvalContext, field: ResultRead, group: Sequence[InnerResult], gi: int, ai: int
) -> StackValue:
    if field.get is None:
        raise LogicError(field.error)
    if gi >= len(group):
        raise LogicError(f"txn index {gi}, len(group) is {len(group)}")
    return field.get(cx, group[gi], gi, ai)


def _last(cx: EvalContext) -> Sequence[InnerResult]:
    """itxn reads the last inner transaction, as the only member of its group."""
    return app_call(cx).submitted[-1:]


def _itxn(ins: Instruction, info: ProgramInfo) -> ResultRead:
    return _result_field(ins.immediates[0], info, array=False)


def _itxna(ins: Instruction, info: ProgramInfo) -> tuple[ResultRead, int]:
    return _result_field(ins.immediates[0], info, array=True), ins.immediates[1]


def _itxnas(ins: Instruction, info: ProgramInfo) -> ResultRead:
    return _result_field(ins.immediates[0], info, array=True)


def _gitxn(ins: Instruction, info: ProgramInfo) -> tuple[int, ResultRead]:
    return ins.immediates[0], _result_field(ins.immediates[1], info, array=False)


def _gitxna(ins: Instruction, info: ProgramInfo) -> tuple[int, ResultRead, int]:
    gi, code, ai = ins.immediates
    return gi, _result_field(code, info, array=True), ai


def _gitxnas(ins: Instruction, info: ProgramInfo) -> tuple[int, ResultRead]:
    return ins.immediates[0], _result_field(ins.immediates[1], info, array=True)


def _index(name: str, value: StackValue) -> int:
    if type(value) is not int:
        raise arg_type_error(name, (value,))
    return value


@register("itxn", prepare=_itxn, self_checked=True)
def op_itxn(cx: EvalContext, field: ResultRead) -> None:
    cx.stack.append(_read(cx, field, _last(cx), 0, 0))


@register("itxna", prepare=_itxna, self_checked=True)
def op_itxna(cx: EvalContext, imm: tuple[ResultRead, int]) -> None:
    cx.stack.append(_read(cx, imm[0], _last(cx), 0, imm[1]))


@register("itxnas", prepare=_itxnas, self_checked=True)
def op_itxnas(cx: EvalContext, field: ResultRead) -> None:
    stack = cx.stack
    stack[-1] = _read(cx, field, _last(cx), 0, _index("itxnas", stack[-1]))


@register("gitxn", prepare=_gitxn, self_checked=True)
def op_gitxn(cx: EvalContext, imm: tuple[int, ResultRead]) -> None:
    cx.stack.append(_read(cx, imm[1], app_call(cx).last_group, imm[0], 0))


@register("gitxna", prepare=_gitxna, self_checked=True)
def op_gitxna(cx: EvalContext, imm: tuple[int, ResultRead, int]) -> None:
    cx.stack.append(_read(cx, imm[1], app_call(cx).last_group, imm[0], imm[2]))


@register("gitxnas", prepare=_gitxnas, self_checked=True)
def op_gitxnas(cx: EvalContext, imm: tuple[int, ResultRead]) -> None:
    stack = cx.stack
    ai = _index("gitxnas", stack[-1])
    stack[-1] = _read(cx, imm[1], app_call(cx).last_group, imm[0], ai)
