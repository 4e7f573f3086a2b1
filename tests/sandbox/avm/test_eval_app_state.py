"""Global and local state, opt-ins, balances and the *_params_get lookups, against MemoryState."""

from __future__ import annotations

import re

import pytest
from avm_app_helpers import (
    ALICE,
    APP,
    APP_ADDRESS,
    ASSET,
    BOB,
    CAROL,
    OTHER_APP,
    Txn,
    addr,
    app_kw,
    code_of,
)
from avm_eval_helpers import byte, code, int_, op, reason, stack, top

from gridworks.sandbox.avm.app_state import AccountParams, app_address
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, field_groups, opcodes


def chain() -> MemoryState:
    state = MemoryState()
    state.create_app(CAROL, APP, global_num_uint=1, approval_program=b"\x0a\x81\x01")
    state.create_app(BOB, OTHER_APP)
    state.global_state[OTHER_APP][b"theirs"] = b"value"
    state.fund(ALICE, 5_000_000, min_balance=100_000)
    state.fund(BOB, 0, min_balance=100_000)
    state.opt_in(ALICE, APP)
    state.create_asset(CAROL, ASSET, total=1_000, unit_name=b"GW", name=b"Gridworks")
    state.hold(ALICE, ASSET, amount=25)
    return state


def call(state: MemoryState, **fields: object) -> dict[str, object]:
    """Context arguments for a call of APP by ALICE naming BOB, OTHER_APP and ASSET."""
    names = {"accounts": [BOB], "foreign_apps": [OTHER_APP], "foreign_assets": [ASSET]}
    txn = Txn(**{**names, **fields})  # type: ignore[arg-type]
    return app_kw(state, txn)


# Global state ------------------------------------------------------------------------------


def test_global_put_get_and_del() -> None:
    state = chain()
    put = [byte(b"count"), int_(7), op("app_global_put"), byte(b"name"), byte(b"gw")]
    assert stack(
        *put, op("app_global_put"), byte(b"count"), op("app_global_get"), **call(state)
    ) == [7]
    assert state.global_state[APP] == {b"count": 7, b"name": b"gw"}
    assert stack(
        byte(b"count"), op("app_global_del"), byte(b"count"), op("app_global_get"), **call(state)
    ) == [0]
    assert b"count" not in state.global_state[APP]


def test_missing_global_keys_read_as_zero_and_ex_says_so() -> None:
    state = chain()
    state.global_state[APP][b"k"] = b""
    assert stack(byte(b"nope"), op("app_global_get"), **call(state)) == [0]
    ex = op("app_global_get_ex")
    assert stack(int_(0), byte(b"nope"), ex, int_(0), byte(b"k"), ex, **call(state)) == [
        0,
        0,
        b"",
        1,
    ]


def test_global_get_ex_reads_other_apps() -> None:
    state = chain()
    ex = op("app_global_get_ex")
    assert stack(int_(OTHER_APP), byte(b"theirs"), ex, **call(state)) == [b"value", 1]
    assert stack(int_(1), byte(b"theirs"), ex, **call(state)) == [b"value", 1]  # a slot
    assert stack(int_(APP), byte(b"x"), ex, **call(state)) == [0, 0]  # the current app by id
    assert reason(int_(4_321), byte(b"x"), ex, **call(state)) == "unavailable App 4321"


def test_global_state_of_an_app_that_does_not_exist_fails() -> None:
    state = chain()
    del state.global_state[OTHER_APP]
    assert reason(int_(OTHER_APP), byte(b"x"), op("app_global_get_ex"), **call(state)) == (
        f"app {OTHER_APP} does not exist"
    )


def test_global_put_checks_key_and_value_lengths() -> None:
    state = chain()
    put = op("app_global_put")
    assert reason(byte(b"k" * 65), int_(1), put, **call(state)) == (
        "key too long: length was 65, maximum is 64"
    )
    assert reason(byte(b"k"), byte(b"v" * 129), put, **call(state)) == (
        "value too long for key 0x6b: length was 129"
    )
    assert reason(byte(b"k" * 64), byte(b"v" * 65), put, **call(state)) == (
        f"key/value total too long for key 0x{'6b' * 64}: sum was 129"
    )
    assert top(byte(b"k" * 64), byte(b"v" * 64), put, int_(1), **call(state)) == 1
    assert reason(int_(1), int_(1), put, **call(state)) == (
        "app_global_put arg 0 wanted stateKey but got uint64"
    )


def test_writes_are_schema_free_the_ledger_checks_schemas() -> None:
    # APP's schema holds one uint; the AVM writes three keys and two byte-slices regardless.
    state = chain()
    parts = []
    for i in range(3):
        parts += [byte(b"k%d" % i), byte(b"v"), op("app_global_put")]
    assert top(*parts, int_(1), **call(state)) == 1
    assert len(state.global_state[APP]) == 3


def test_current_app_ids_up_to_255_are_forbidden() -> None:
    state = MemoryState()
    state.create_app(CAROL, 7)
    assert reason(byte(b"k"), op("app_global_get"), **app_kw(state, app_id=7)) == "low App lookup 7"


# Local state -------------------------------------------------------------------------------


def test_local_put_get_and_del() -> None:
    state = chain()
    parts = [op("txn", 0), byte(b"score"), int_(3), op("app_local_put")]
    got = stack(*parts, op("txn", 0), byte(b"score"), op("app_local_get"), **call(state))
    assert got == [3]
    assert state.local_state[(ALICE, APP)] == {b"score": 3}
    ex = [int_(0), int_(APP), byte(b"score"), op("app_local_get_ex")]
    assert stack(*ex, **call(state)) == [3, 1]
    assert stack(int_(0), byte(b"score"), op("app_local_del"), *ex, **call(state)) == [0, 0]


def test_local_state_of_an_account_that_has_not_opted_in_fails() -> None:
    state = chain()
    assert reason(int_(1), byte(b"k"), op("app_local_get"), **call(state)) == (
        f"cannot fetch key, {addr(BOB)} has not opted in to app {APP}"
    )
    assert reason(int_(1), byte(b"k"), int_(1), op("app_local_put"), **call(state)) == (
        f"cannot set key, {addr(BOB)} has not opted in to app {APP}"
    )


def test_opted_in() -> None:
    state = chain()
    opted = op("app_opted_in")
    assert stack(int_(0), int_(APP), opted, int_(1), int_(0), opted, **call(state)) == [1, 0]
    assert stack(op("txn", 0), int_(OTHER_APP), opted, **call(state)) == [0]


def test_local_put_checks_lengths() -> None:
    state = chain()
    assert reason(int_(0), byte(b"k" * 65), int_(1), op("app_local_put"), **call(state)) == (
        "key too long: length was 65, maximum is 64"
    )
    assert reason(int_(0), byte(b"k"), byte(b"v" * 128), op("app_local_put"), **call(state)) == (
        "key/value total too long for key 0x6b: sum was 129"
    )


# Accounts ----------------------------------------------------------------------------------


def test_balance_and_min_balance() -> None:
    state = chain()
    parts = [int_(0), op("balance"), op("txn", 0), op("min_balance"), int_(1), op("balance")]
    assert stack(*parts, **call(state)) == [5_000_000, 100_000, 0]


def test_acct_params_get() -> None:
    state = chain()
    state.fund(BOB, 7, auth_addr=CAROL, total_boxes=2, total_apps_opted_in=3)

    def field(name: str, account: bytes = BOB) -> list[object]:
        code_ = code_of("acct_params Fields", name)
        return stack(byte(account), op("acct_params_get", code_), **call(state))

    assert field("AcctBalance") == [7, 1]
    assert field("AcctAuthAddr") == [CAROL, 1]
    assert field("AcctTotalBoxes") == [2, 1]
    assert field("AcctTotalAppsOptedIn") == [3, 1]
    assert field("AcctMinBalance", APP_ADDRESS) == [0, 0]  # unknown: zeros, "does not exist"


def test_every_acct_params_field_reads_its_record_field() -> None:
    state = chain()
    values = {name: i + 10 for i, name in enumerate(AccountParams.__dataclass_fields__)}
    values["auth_addr"] = CAROL
    state.accounts[BOB] = AccountParams(**values)  # type: ignore[arg-type]
    for name in field_groups()["acct_params Fields"].by_name:
        attribute = re.sub(r"(?<!^)(?=[A-Z])", "_", name.removeprefix("Acct")).lower()
        code_ = code_of("acct_params Fields", name)
        got = stack(byte(BOB), op("acct_params_get", code_), version=11, **call(state))
        want = 1 if attribute == "incentive_eligible" else values[attribute]  # a bool field
        assert got == [want, 1], name


def test_acct_params_fields_have_versions() -> None:
    state = chain()
    boxes = code_of("acct_params Fields", "AcctTotalBoxes")
    assert reason(int_(0), op("acct_params_get", boxes), version=7, **call(state)) == (
        f"invalid acct_params_get field {boxes}"
    )
    # go resolves the account before it looks at the field
    assert reason(int_(9), op("acct_params_get", boxes), version=7, **call(state)) == (
        "invalid Account reference 9"
    )


# Assets and apps ---------------------------------------------------------------------------


def test_asset_holding_get() -> None:
    state = chain()
    balance = op("asset_holding_get", code_of("asset_holding Fields", "AssetBalance"))
    frozen = op("asset_holding_get", code_of("asset_holding Fields", "AssetFrozen"))
    assert stack(int_(0), int_(ASSET), balance, int_(0), int_(ASSET), frozen, **call(state)) == [
        25,
        1,
        0,
        1,
    ]
    assert stack(int_(1), int_(ASSET), balance, **call(state)) == [0, 0]  # BOB holds none


def test_asset_params_get() -> None:
    state = chain()

    def field(name: str) -> list[object]:
        code_ = code_of("asset_params Fields", name)
        return stack(int_(ASSET), op("asset_params_get", code_), **call(state))

    assert field("AssetTotal") == [1_000, 1]
    assert field("AssetUnitName") == [b"GW", 1]
    assert field("AssetName") == [b"Gridworks", 1]
    assert field("AssetCreator") == [CAROL, 1]
    assert field("AssetMetadataHash") == [bytes(32), 1]
    del state.assets[ASSET]
    assert field("AssetTotal") == [0, 0]


def test_app_params_get() -> None:
    state = chain()

    def field(name: str, app: int = APP) -> list[object]:
        code_ = code_of("app_params Fields", name)
        return stack(int_(app), op("app_params_get", code_), **call(state))

    assert field("AppCreator") == [CAROL, 1]
    assert field("AppAddress", OTHER_APP) == [app_address(OTHER_APP), 1]
    assert field("AppGlobalNumUint") == [1, 1]
    assert field("AppApprovalProgram") == [b"\x0a\x81\x01", 1]
    del state.apps[OTHER_APP]
    assert field("AppAddress", OTHER_APP) == [0, 0]


def test_app_params_get_fails_on_programs_longer_than_a_stack_value() -> None:
    state = chain()
    state.create_app(CAROL, OTHER_APP, approval_program=bytes(5_000))
    code_ = code_of("app_params Fields", "AppApprovalProgram")
    assert reason(int_(OTHER_APP), op("app_params_get", code_), **call(state)) == (
        "app_params_get produced a too big (5000) byte-array"
    )


# Globals an app call adds ------------------------------------------------------------------


def test_creator_and_caller_globals() -> None:
    state = chain()
    g = {name: code_of("global Fields", name) for name in ("CreatorAddress", "CallerApplicationID")}
    assert top(op("global", g["CreatorAddress"]), **call(state)) == CAROL
    inner = app_kw(state, Txn(), callers=(OTHER_APP,))
    assert top(op("global", g["CallerApplicationID"]), **inner) == OTHER_APP
    caller_address = code_of("global Fields", "CallerApplicationAddress")
    assert top(op("global", caller_address), **inner) == app_address(OTHER_APP)
    assert top(op("global", caller_address), **call(state)) == bytes(32)
    del state.apps[APP]
    assert reason(op("global", g["CreatorAddress"]), **call(state)) == "No params for current app"


# Mode gating -------------------------------------------------------------------------------

STATE_OPS = (
    "balance app_opted_in app_local_get app_local_get_ex app_global_get app_global_get_ex "
    "app_local_put app_global_put app_local_del app_global_del asset_holding_get "
    "asset_params_get app_params_get acct_params_get min_balance log itxn_begin itxn_field "
    "itxn_submit itxn itxna itxn_next gitxn gitxna itxnas gitxnas box_create box_extract "
    "box_replace box_del box_len box_get box_put box_splice box_resize"
).split()


@pytest.mark.parametrize("name", STATE_OPS)
def test_state_ops_are_refused_in_logic_sigs_when_checked(name: str) -> None:
    spec = opcodes(10).by_name[name]
    program = code(bytes([spec.opcode]) + bytes(spec.size - 1 if spec.size else 1))
    with pytest.raises(LogicError, match=f"{name} not allowed in current mode"):
        check_program(program, Mode.SIG)


def test_state_ops_need_an_app_call_context() -> None:
    assert reason(byte(b"k"), op("app_global_get"), mode=Mode.APP) == (
        "no app state: the evaluation was given no AppCallContext"
    )
