"""Which accounts, apps, assets, holdings and local states an app call may name, per version:
indexes before v4, available ids and addresses from v4, created resources from v6, foreign
app addresses from v7, group sharing from v9."""

from __future__ import annotations

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
from avm_eval_helpers import byte, int_, op, reason, stack

from gridworks.sandbox.avm.app_state import app_address
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.views import TxnEffects

DAVE = b"\x04" * 32
OTHER_ASSET = 9_002
TOTAL = op("asset_params_get", code_of("asset_params Fields", "AssetTotal"))
BALANCE = op("asset_holding_get", code_of("asset_holding Fields", "AssetBalance"))


def chain() -> MemoryState:
    state = MemoryState()
    state.create_app(CAROL, APP)
    state.create_app(BOB, OTHER_APP)
    state.global_state[OTHER_APP][b"k"] = 42
    for account, balance in ((ALICE, 10), (BOB, 20), (CAROL, 30), (DAVE, 40)):
        state.fund(account, balance)
    state.fund(APP_ADDRESS, 50)
    state.fund(app_address(OTHER_APP), 60)
    state.opt_in(ALICE, APP)
    state.create_asset(CAROL, ASSET, total=100)
    state.create_asset(CAROL, OTHER_ASSET, total=200)
    state.hold(CAROL, OTHER_ASSET, 3)
    return state


def call(state: MemoryState, *others: Txn, **fields: object) -> dict[str, object]:
    """ALICE calls APP naming BOB, OTHER_APP and ASSET, after the transactions `others`."""
    names = {"accounts": [BOB], "foreign_apps": [OTHER_APP], "foreign_assets": [ASSET]}
    txn = Txn(**{**names, **fields})  # type: ignore[arg-type]
    return app_kw(state, *others, txn, index=len(others))


# Before v4: indexes and slots --------------------------------------------------------------


def test_v3_accounts_are_indexes_into_txn_accounts() -> None:
    state = chain()
    assert stack(int_(0), op("balance"), int_(1), op("balance"), version=3, **call(state)) == [
        10,
        20,
    ]
    assert reason(int_(2), op("balance"), version=3, **call(state)) == "invalid Account reference 2"
    assert reason(byte(BOB), op("balance"), version=3, **call(state)) == (
        "balance arg 0 wanted uint64 but got []byte"
    )


def test_v3_foreign_slots_for_global_state_and_asset_params() -> None:
    state = chain()
    ex = op("app_global_get_ex")
    assert stack(int_(1), byte(b"k"), ex, version=3, **call(state)) == [42, 1]
    assert stack(int_(0), byte(b"k"), ex, version=3, **call(state)) == [0, 0]  # current app
    assert reason(int_(2), byte(b"k"), ex, version=3, **call(state)) == (
        "2 is not a valid foreign app slot"
    )
    assert reason(int_(OTHER_APP), byte(b"k"), ex, version=3, **call(state)) == (
        f"{OTHER_APP} is not a valid foreign app slot"
    )
    assert stack(int_(0), TOTAL, version=3, **call(state)) == [100, 1]
    assert reason(int_(1), TOTAL, version=3, **call(state)) == "1 is not a valid foreign asset slot"


def test_v3_holdings_and_opt_ins_take_any_id() -> None:
    state = chain()
    # Neither OTHER_ASSET nor OTHER_APP need be in the foreign arrays before v4.
    bare = app_kw(state, Txn(accounts=[CAROL]))
    assert stack(int_(1), int_(OTHER_ASSET), BALANCE, version=3, **bare) == [3, 1]
    assert stack(int_(0), int_(APP), op("app_opted_in"), version=3, **bare) == [1]
    assert stack(int_(0), int_(OTHER_APP), op("app_opted_in"), version=3, **bare) == [0]
    assert reason(int_(0), int_(1), op("app_opted_in"), version=3, **bare) == "low App lookup 1"


# v4: direct references to available resources ---------------------------------------------


def test_v4_accounts_by_address_must_be_available() -> None:
    state = chain()
    assert stack(
        byte(BOB), op("balance"), byte(ALICE), op("balance"), version=4, **call(state)
    ) == [
        20,
        10,
    ]
    assert stack(byte(APP_ADDRESS), op("balance"), version=4, **call(state)) == [50]
    assert reason(byte(CAROL), op("balance"), version=4, **call(state)) == (
        f"unavailable Account {addr(CAROL)}"
    )
    assert stack(int_(1), op("balance"), version=4, **call(state)) == [20]  # indexes still work
    assert reason(byte(b"short"), op("balance"), version=4, **call(state)) == "not an address"


def test_v4_apps_and_assets_by_id_or_slot() -> None:
    state = chain()
    ex = op("app_global_get_ex")
    assert stack(int_(OTHER_APP), byte(b"k"), ex, int_(1), byte(b"k"), ex, **call(state)) == [
        42,
        1,
        42,
        1,
    ]
    assert reason(int_(4_321), byte(b"k"), ex, **call(state)) == "unavailable App 4321"
    assert stack(int_(ASSET), TOTAL, int_(0), TOTAL, version=4, **call(state)) == [100, 1, 100, 1]
    assert reason(int_(OTHER_ASSET), TOTAL, version=4, **call(state)) == (
        f"unavailable Asset {OTHER_ASSET}"
    )


def test_foreign_app_addresses_are_available_from_v7() -> None:
    state = chain()
    other = byte(app_address(OTHER_APP))
    assert reason(other, op("balance"), version=6, **call(state)) == (
        f"unavailable Account {addr(app_address(OTHER_APP))}"
    )
    assert stack(other, op("balance"), version=7, **call(state)) == [60]


def test_app_and_asset_ids_up_to_255_are_forbidden() -> None:
    state = chain()
    state.create_app(CAROL, 200)
    kw = call(state, foreign_apps=[200], foreign_assets=[17])
    assert reason(int_(200), byte(b"k"), op("app_global_get_ex"), **kw) == "low App lookup 200"
    assert reason(int_(17), TOTAL, **kw) == "low Asset lookup 17"


# v6: created resources ---------------------------------------------------------------------


def created_group(state: MemoryState) -> dict[str, object]:
    kw = call(state, Txn(type="acfg"), Txn(application_id=0))
    kw["group"].effects[0] = TxnEffects(created_asset_id=OTHER_ASSET)  # type: ignore[attr-defined]
    kw["group"].effects[1] = TxnEffects(created_app_id=OTHER_APP + 1)  # type: ignore[attr-defined]
    return kw


def test_resources_created_earlier_in_the_group_are_available_from_v6() -> None:
    state = chain()
    state.create_app(DAVE, OTHER_APP + 1)
    new_address = byte(app_address(OTHER_APP + 1))
    assert reason(int_(OTHER_ASSET), TOTAL, version=5, **created_group(state)) == (
        f"unavailable Asset {OTHER_ASSET}"
    )
    assert stack(int_(OTHER_ASSET), TOTAL, version=6, **created_group(state)) == [200, 1]
    assert stack(new_address, op("balance"), version=6, **created_group(state)) == [0]
    ex = [int_(OTHER_APP + 1), byte(b"k"), op("app_global_get_ex")]
    assert stack(*ex, version=6, **created_group(state)) == [0, 0]


# v9: group sharing -------------------------------------------------------------------------


def pay_to(receiver: bytes) -> Txn:
    return Txn(type="pay", receiver=receiver, application_id=0)


def test_accounts_of_other_transactions_are_shared_from_v9() -> None:
    state = chain()
    assert reason(byte(CAROL), op("balance"), version=8, **call(state, pay_to(CAROL))) == (
        f"unavailable Account {addr(CAROL)}"
    )
    assert stack(byte(CAROL), op("balance"), version=9, **call(state, pay_to(CAROL))) == [30]


def test_holdings_are_shared_only_when_one_transaction_named_both() -> None:
    state = chain()
    other_call = Txn(accounts=[CAROL], foreign_assets=[])  # names CAROL, no asset
    kw = call(state, other_call, foreign_assets=[OTHER_ASSET])
    assert reason(byte(CAROL), int_(OTHER_ASSET), BALANCE, version=9, **kw) == (
        f"unavailable Holding {OTHER_ASSET}+{addr(CAROL)}"
    )
    both = Txn(accounts=[CAROL], foreign_assets=[OTHER_ASSET])
    assert stack(byte(CAROL), int_(OTHER_ASSET), BALANCE, version=9, **call(state, both)) == [3, 1]
    assert reason(byte(DAVE), int_(ASSET), BALANCE, version=9, **call(state)) == (
        f"unavailable Account {addr(DAVE)}"
    )
    assert reason(byte(DAVE), int_(5_000), BALANCE, version=9, **call(state)) == (
        f"unavailable Account {addr(DAVE)}, unavailable Asset 5000"
    )


def test_local_states_are_shared_only_when_one_transaction_named_both() -> None:
    state = chain()
    ex = [int_(APP), byte(b"k"), op("app_local_get_ex")]
    assert reason(byte(CAROL), *ex, version=9, **call(state, pay_to(CAROL))) == (
        f"unavailable Local State {APP}+{addr(CAROL)}"
    )
    assert reason(byte(CAROL), *ex, version=8, **call(state, pay_to(CAROL))) == (
        f"unavailable Account {addr(CAROL)}"
    )
    assert reason(byte(DAVE), int_(4_321), byte(b"k"), op("app_local_get_ex"), **call(state)) == (
        f"unavailable Account {addr(DAVE)}, unavailable App 4321, "
        f"unavailable Local State 0+{addr(DAVE)}"
    )


def test_local_writes_before_v9_need_the_account_in_txn_accounts() -> None:
    state = chain()
    put = [byte(b"k"), int_(1), op("app_local_put")]
    assert reason(byte(APP_ADDRESS), *put, version=8, **call(state)) == (
        f"invalid Account reference for mutation {addr(APP_ADDRESS)}"
    )
    # v9: the app account's local state is available; MemoryState then says it never opted in
    assert reason(byte(APP_ADDRESS), *put, version=9, **call(state)) == (
        f"cannot set key, {addr(APP_ADDRESS)} has not opted in to app {APP}"
    )
    assert reason(byte(CAROL), *put, version=9, **call(state, pay_to(CAROL))) == (
        f"unavailable Local State {APP}+{addr(CAROL)}"
    )
