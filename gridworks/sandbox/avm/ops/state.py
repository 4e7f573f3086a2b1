"""App state and the chain's records: global and local state, opt-ins, balances, and the
`*_params_get` / `asset_holding_get` lookups (application mode only).

Every op reads and writes through `cx.app.state` (an `AppState`) after `resources.py` has
resolved and checked what the program names. Writes are schema-free here: whether a new key
fits the app's global or local schema is the ledger's to check, as go's ledger does; the key
and value lengths are checked here, as go's evaluator does. The `_ex` forms push the value (0
when absent) and then 1 or 0 for whether it existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..app_state import (
    MAX_APP_BYTES_VALUE_LEN,
    MAX_APP_KEY_LEN,
    MAX_APP_SUM_KEY_VALUE_LENS,
    AccountParams,
    AppParams,
    AssetHolding,
    AssetParams,
    StateValue,
    VoterParams,
    app_address,
)
from ..context import EvalContext, StackValue, app_call
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from ..resources import (
    account_reference,
    app_reference,
    asset_reference,
    check_local_write,
    holding_reference,
    locals_reference,
    mutable_account_reference,
)
from ..spec import field_groups
from .registry import arg_type_error, register

# Global state (the hot ops check their own argument types) ---------------------------------


def _key(name: str, key: StackValue, *rest: StackValue) -> bytes:
    if type(key) is not bytes:
        raise arg_type_error(name, (key, *rest))
    return key


def _current_app(cx: EvalContext) -> int:
    return app_reference(cx, 0, foreign=True)  # the current app, checked as go checks it


@register("app_global_get", self_checked=True)
def op_app_global_get(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    key = _key("app_global_get", stack[-1])
    value = app_call(cx).state.global_get(_current_app(cx), key)
    stack[-1] = 0 if value is None else value


@register("app_global_get_ex", self_checked=True)
def op_app_global_get_ex(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    ref, key = stack[-2:]
    if type(ref) is not int or type(key) is not bytes:
        raise arg_type_error("app_global_get_ex", (ref, key))
    value = app_call(cx).state.global_get(app_reference(cx, ref, foreign=True), key)
    stack[-2:] = (0, 0) if value is None else (value, 1)


def _check_value(key: bytes, value: StateValue) -> None:
    """go's value limits: 128 bytes, and 128 for key and value together."""
    if type(value) is bytes:
        if len(value) > MAX_APP_BYTES_VALUE_LEN:
            raise LogicError(f"value too long for key 0x{key.hex()}: length was {len(value)}")
        if len(key) + len(value) > MAX_APP_SUM_KEY_VALUE_LENS:
            raise LogicError(
                f"key/value total too long for key 0x{key.hex()}: sum was {len(key) + len(value)}"
            )


def _check_key(key: bytes) -> None:
    if len(key) > MAX_APP_KEY_LEN:
        raise LogicError(f"key too long: length was {len(key)}, maximum is {MAX_APP_KEY_LEN}")


@register("app_global_put", self_checked=True)
def op_app_global_put(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    key = _key("app_global_put", stack[-2], stack[-1])
    value = stack[-1]
    _check_key(key)
    _check_value(key, value)
    app_call(cx).state.global_put(cx.app_id, key, value)
    del stack[-2:]


@register("app_global_del", self_checked=True)
def op_app_global_del(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    key = _key("app_global_del", stack[-1])
    app_call(cx).state.global_del(cx.app_id, key)
    del stack[-1]


# Local state (type-checked by the loop: their argument types changed in v4) ---------------


@register("app_local_get")
def op_app_local_get(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    account, key = stack[-2:]
    assert type(key) is bytes  # the loop checked the types
    address, app_id = locals_reference(cx, account, 0)
    value = app_call(cx).state.local_get(address, app_id, key)
    del stack[-1]
    stack[-1] = 0 if value is None else value


@register("app_local_get_ex")
def op_app_local_get_ex(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    account, ref, key = stack[-3:]
    assert type(ref) is int and type(key) is bytes
    address, app_id = locals_reference(cx, account, ref)
    value = app_call(cx).state.local_get(address, app_id, key)
    del stack[-1]
    stack[-2:] = (0, 0) if value is None else (value, 1)


@register("app_local_put")
def op_app_local_put(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    account, key, value = stack[-3:]
    assert type(key) is bytes
    _check_key(key)
    address = mutable_account_reference(cx, account)
    check_local_write(cx, address)
    _check_value(key, value)
    app_call(cx).state.local_put(address, cx.app_id, key, value)
    del stack[-3:]


@register("app_local_del")
def op_app_local_del(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    account, key = stack[-2:]
    assert type(key) is bytes
    address = mutable_account_reference(cx, account)
    check_local_write(cx, address)
    app_call(cx).state.local_del(address, cx.app_id, key)
    del stack[-2:]


@register("app_opted_in")
def op_app_opted_in(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    account, ref = stack[-2:]
    assert type(ref) is int
    address, app_id = locals_reference(cx, account, ref)
    del stack[-1]
    stack[-1] = 1 if app_call(cx).state.opted_in(address, app_id) else 0


# Accounts ----------------------------------------------------------------------------------


@register("balance")
def op_balance(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    stack[-1] = app_call(cx).state.account(account_reference(cx, stack[-1])).balance


@register("min_balance")
def op_min_balance(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    stack[-1] = app_call(cx).state.account(account_reference(cx, stack[-1])).min_balance


# Field lookups: the field resolves when the program is checked, fails only if it runs -------

Read = Callable[[Any], StackValue]


def _flag(name: str) -> Read:
    return lambda record: 1 if getattr(record, name) else 0


def _attr(name: str) -> Read:
    return lambda record: getattr(record, name)


HOLDING_FIELDS: dict[str, Callable[[AssetHolding], StackValue]] = {
    "AssetBalance": _attr("amount"),
    "AssetFrozen": _flag("frozen"),
}
ASSET_FIELDS: dict[str, Callable[[AssetParams], StackValue]] = {
    "AssetTotal": _attr("total"),
    "AssetDecimals": _attr("decimals"),
    "AssetDefaultFrozen": _flag("default_frozen"),
    "AssetUnitName": _attr("unit_name"),
    "AssetName": _attr("name"),
    "AssetURL": _attr("url"),
    "AssetMetadataHash": _attr("metadata_hash"),
    "AssetManager": _attr("manager"),
    "AssetReserve": _attr("reserve"),
    "AssetFreeze": _attr("freeze"),
    "AssetClawback": _attr("clawback"),
    "AssetCreator": _attr("creator"),
}
APP_FIELDS: dict[str, Callable[[AppParams], StackValue]] = {
    "AppApprovalProgram": _attr("approval_program"),
    "AppClearStateProgram": _attr("clear_state_program"),
    "AppGlobalNumUint": _attr("global_num_uint"),
    "AppGlobalNumByteSlice": _attr("global_num_byte_slice"),
    "AppLocalNumUint": _attr("local_num_uint"),
    "AppLocalNumByteSlice": _attr("local_num_byte_slice"),
    "AppExtraProgramPages": _attr("extra_program_pages"),
    "AppCreator": _attr("creator"),
    "AppAddress": lambda params: b"",  # derived from the app id, see op_app_params_get
    "AppVersion": _attr("version"),
    "AppSizeSponsor": _attr("size_sponsor"),
    "AppForeignBoxReads": _flag("foreign_box_reads"),
    "AppFamilyBoxAccess": _flag("family_box_access"),
}
SETTABLE_APP_FIELDS = {
    "AppForeignBoxReads": "foreign_box_reads",
    "AppFamilyBoxAccess": "family_box_access",
}
ACCOUNT_FIELDS: dict[str, Callable[[AccountParams], StackValue]] = {
    "AcctBalance": _attr("balance"),
    "AcctMinBalance": _attr("min_balance"),
    "AcctAuthAddr": _attr("auth_addr"),
    "AcctTotalNumUint": _attr("total_num_uint"),
    "AcctTotalNumByteSlice": _attr("total_num_byte_slice"),
    "AcctTotalExtraAppPages": _attr("total_extra_app_pages"),
    "AcctTotalAppsCreated": _attr("total_apps_created"),
    "AcctTotalAppsOptedIn": _attr("total_apps_opted_in"),
    "AcctTotalAssetsCreated": _attr("total_assets_created"),
    "AcctTotalAssets": _attr("total_assets"),
    "AcctTotalBoxes": _attr("total_boxes"),
    "AcctTotalBoxBytes": _attr("total_box_bytes"),
    "AcctIncentiveEligible": _flag("incentive_eligible"),
    "AcctLastProposed": _attr("last_proposed"),
    "AcctLastHeartbeat": _attr("last_heartbeat"),
}
VOTER_FIELDS: dict[str, Callable[[VoterParams], StackValue]] = {
    "VoterBalance": _attr("balance"),
    "VoterIncentiveEligible": _flag("incentive_eligible"),
}

FieldRead = tuple[str, Read | None, str]  # (field name, reader or None, error if it runs)


def _fields(op: str, readers: dict[str, Any]) -> Callable[..., FieldRead]:
    """The `prepare` of `op` (e.g. "asset_holding_get", naming "asset_holding Fields")."""
    group = f"{op.removesuffix('_get')} Fields"

    def prepare(ins: Instruction, info: ProgramInfo) -> FieldRead:
        code = ins.immediates[0]
        spec = field_groups()[group].by_code.get(code)
        if spec is None or spec.version > info.version:
            return "", None, f"invalid {op} field {code}"
        return spec.name, readers[spec.name], ""

    return prepare


def _reader(field: FieldRead) -> Read:
    if field[1] is None:
        raise LogicError(field[2])
    return field[1]


@register("asset_holding_get", prepare=_fields("asset_holding_get", HOLDING_FIELDS))
def op_asset_holding_get(cx: EvalContext, field: FieldRead) -> None:
    read = _reader(field)
    stack = cx.stack
    account, ref = stack[-2:]
    assert type(ref) is int
    address, asset_id = holding_reference(cx, account, ref)
    holding = app_call(cx).state.asset_holding(address, asset_id)
    stack[-2:] = (0, 0) if holding is None else (read(holding), 1)


@register("asset_params_get", prepare=_fields("asset_params_get", ASSET_FIELDS))
def op_asset_params_get(cx: EvalContext, field: FieldRead) -> None:
    read = _reader(field)
    stack = cx.stack
    ref = stack[-1]
    assert type(ref) is int
    asset_id = asset_reference(cx, ref, foreign=True)
    params = app_call(cx).state.asset_params(asset_id)
    stack[-1:] = (0, 0) if params is None else (read(params), 1)


@register("app_params_get", prepare=_fields("app_params_get", APP_FIELDS))
def op_app_params_get(cx: EvalContext, field: FieldRead) -> None:
    read = _reader(field)
    stack = cx.stack
    ref = stack[-1]
    assert type(ref) is int
    app_id = app_reference(cx, ref, foreign=True)
    params = app_call(cx).state.app_params(app_id)
    if params is None:
        stack[-1:] = (0, 0)
    elif field[0] == "AppAddress":
        stack[-1:] = (app_address(app_id), 1)
    else:
        stack[-1:] = (read(params), 1)


@register("acct_params_get", prepare=_fields("acct_params_get", ACCOUNT_FIELDS))
def op_acct_params_get(cx: EvalContext, field: FieldRead) -> None:
    stack = cx.stack
    address = account_reference(cx, stack[-1])  # go resolves the account before the field
    read = _reader(field)
    account = app_call(cx).state.account(address)
    stack[-1:] = (read(account), 1 if account.balance > 0 else 0)


@register("voter_params_get", prepare=_fields("voter_params_get", VOTER_FIELDS))
def op_voter_params_get(cx: EvalContext, field: FieldRead) -> None:
    """v11+: the account's online stake (go: as of the balance round, 320 rounds back; the
    sandbox keeps no history and reads the state before this block), and Y = stake > 0."""
    stack = cx.stack
    address = account_reference(cx, stack[-1])
    read = _reader(field)
    voter = app_call(cx).state.voter(address)
    stack[-1:] = (read(voter), 1 if voter.balance > 0 else 0)


@register("online_stake")
def op_online_stake(cx: EvalContext, imm: object) -> None:
    """v11+: the total stake of the online accounts (see `voter_params_get`)."""
    cx.stack.append(app_call(cx).state.online_stake())


def _settable_app_field(ins: Instruction, info: ProgramInfo) -> tuple[str | None, int]:
    code = ins.immediates[0]
    spec = field_groups()["app_params_set Fields"].by_code.get(code)
    if spec is None or spec.version > info.version:
        return None, code
    return SETTABLE_APP_FIELDS[spec.name], code


@register("app_params_set", prepare=_settable_app_field)
def op_app_params_set(cx: EvalContext, field: tuple[str | None, int]) -> None:
    """v13+: sets a box-sharing flag of the current app (A nonzero sets it, zero clears it)."""
    attribute, code = field
    if attribute is None:
        raise LogicError(f"invalid app_params_set field {code}")
    value = cx.stack.pop()
    app_call(cx).state.app_params_set(cx.app_id, attribute, value != 0)
