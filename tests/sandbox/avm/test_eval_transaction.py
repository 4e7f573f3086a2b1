"""txn/gtxn/gtxns (and array forms) over the ledger's own Transaction objects, and `global`."""

from __future__ import annotations

import base64

import pytest
from algosdk import encoding as sdk_encoding
from algosdk import logic as sdk_logic
from avm_eval_helpers import code, int_, op, reason, run, stack, top

from gridworks.sandbox.avm.spec import Mode, field_groups
from gridworks.sandbox.avm.views import GlobalView, GroupView, TxnEffects
from gridworks.sandbox.ledger.params import ConsensusParams
from gridworks.sandbox.ledger.transaction import Transaction, parse_transaction

ALICE = b"\x01" * 32
BOB = b"\x02" * 32
GROUP_ID = b"\x07" * 32
GENESIS = b"\x09" * 32

TXN = field_groups()["all txn Fields"].by_name
GLOBAL = field_groups()["global Fields"].by_name


def f(name: str) -> int:
    return TXN[name].code


def g(name: str) -> int:
    return GLOBAL[name].code


def pay() -> Transaction:
    fields = {"type": "pay", "snd": ALICE, "fee": 1000, "fv": 10, "lv": 1010, "rcv": BOB}
    return parse_transaction({**fields, "amt": 5, "note": b"hi", "grp": GROUP_ID})


def acfg() -> Transaction:
    params = {"t": 100, "dc": 2, "un": "U", "an": "Name", "au": "https://x", "m": BOB}
    fields = {"type": "acfg", "snd": BOB, "fee": 2000, "fv": 5, "lv": 1005, "grp": GROUP_ID}
    return parse_transaction({**fields, "apar": params, "rekey": ALICE})


def view() -> dict[str, object]:
    """Context arguments: a group of [pay, acfg], evaluating the payment's logic sig."""
    return {
        "group": GroupView([pay(), acfg()]),
        "group_index": 0,
        "globals": GlobalView.from_params(ConsensusParams(), genesis_hash=GENESIS),
    }


def txn(name: str, **kw: object) -> object:
    return top(op("txn", f(name)), **{**view(), **kw})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sender", ALICE),
        ("Fee", 1000),
        ("FirstValid", 10),
        ("LastValid", 1010),
        ("Note", b"hi"),
        ("Lease", bytes(32)),
        ("Receiver", BOB),
        ("Amount", 5),
        ("CloseRemainderTo", bytes(32)),
        ("Type", b"pay"),
        ("TypeEnum", 1),
        ("GroupIndex", 0),
        ("RekeyTo", bytes(32)),
        ("ApplicationID", 0),
        ("OnCompletion", 0),
        ("NumAppArgs", 0),
        ("NumAccounts", 0),
        ("ApprovalProgram", b""),
        ("NumApprovalProgramPages", 0),
        ("XferAsset", 0),
        ("ConfigAssetTotal", 0),
        ("ConfigAssetMetadataHash", bytes(32)),
        ("ConfigAssetManager", bytes(32)),
        ("Nonparticipation", 0),
        ("StateProofPK", bytes(64)),
        ("VotePK", bytes(32)),
    ],
)
def test_payment_fields(name: str, expected: object) -> None:
    assert txn(name) == expected


def test_txid_is_the_transactions_id() -> None:
    assert txn("TxID") == base64.b32decode(pay().txid + "====")


def test_asset_config_fields_through_gtxn() -> None:
    def gtxn(name: str) -> object:
        return top(op("gtxn", 1, f(name)), **view())

    assert [gtxn(n) for n in ("TypeEnum", "Type", "Fee", "RekeyTo")] == [3, b"acfg", 2000, ALICE]
    assert gtxn("ConfigAssetTotal") == 100
    assert gtxn("ConfigAssetDecimals") == 2
    assert gtxn("ConfigAssetDefaultFrozen") == 0
    assert gtxn("ConfigAssetUnitName") == b"U"
    assert gtxn("ConfigAssetName") == b"Name"
    assert gtxn("ConfigAssetURL") == b"https://x"
    assert gtxn("ConfigAssetManager") == BOB
    assert gtxn("ConfigAssetReserve") == bytes(32)
    assert gtxn("GroupIndex") == 1


def test_stack_indexed_forms() -> None:
    kw = view()
    assert stack(int_(1), op("gtxns", f("Fee")), **kw) == [2000]
    assert stack(int_(1), op("gtxnsa", f("Accounts"), 0), **kw) == [BOB]
    assert stack(int_(0), op("txnas", f("Accounts")), **kw) == [ALICE]
    assert stack(int_(0), op("gtxnas", 1, f("Accounts")), **kw) == [BOB]
    assert stack(int_(1), int_(0), op("gtxnsas", f("Accounts")), **kw) == [BOB]
    assert stack(op("txna", f("Applications"), 0), **kw) == [0]


def test_array_indexes_are_checked() -> None:
    kw = view()
    assert reason(op("txna", f("Accounts"), 1), **kw) == "invalid Accounts index 1"
    assert reason(op("txna", f("ApplicationArgs"), 0), **kw) == "invalid ApplicationArgs index 0"
    assert reason(op("txna", f("Assets"), 0), **kw) == "invalid Assets index 0"
    assert reason(op("txna", f("Applications"), 1), **kw) == "invalid Applications index 1"
    assert reason(op("txna", f("ApprovalProgramPages"), 0), **kw) == (
        "invalid ApprovalProgramPages index 0"
    )


def test_group_indexes_are_checked() -> None:
    assert reason(op("gtxn", 2, f("Fee")), **view()) == "txn index 2, len(group) is 2"
    assert reason(int_(2**64 - 1), op("gtxns", f("Fee")), **view()) == (
        f"txn index {2**64 - 1}, len(group) is 2"
    )
    assert reason(op("txn", f("Fee"))) == "txn index 0, len(group) is 0"


def test_fields_are_checked_when_they_run() -> None:
    kw = view()
    assert reason(op("txn", f("ApplicationArgs")), **kw) == "invalid txn field ApplicationArgs"
    assert reason(op("txna", f("Fee"), 0), **kw) == "unsupported array field Fee"
    assert reason(op("txn", 99), **kw) == "invalid txn field TxnField(99)"
    skipped = code(int_(1), op("bnz", 2), op("txn", f("FirstValidTime")), int_(1), version=6)
    assert run(skipped, **kw).passed  # a bad field fails only if it runs
    assert reason(op("txn", f("FirstValidTime")), version=6, **kw) == (
        "invalid txn field FirstValidTime"
    )


def test_effects_are_app_only_and_past_only() -> None:
    kw = view()
    assert reason(op("txn", f("NumLogs")), **kw) == "txn[NumLogs] not allowed in current mode"
    assert reason(op("gtxn", 0, f("CreatedAssetID")), **kw) == (
        "txn[CreatedAssetID] not allowed in current mode"
    )
    group = GroupView([acfg(), pay()])
    group.effects[0] = TxnEffects(created_asset_id=1001, logs=(b"a", b"b"))
    app = {"mode": Mode.APP, "group": group, "group_index": 1}
    assert stack(op("gtxn", 0, f("CreatedAssetID")), **app) == [1001]
    assert stack(op("gtxn", 0, f("NumLogs")), op("gtxn", 0, f("LastLog")), **app) == [2, b"b"]
    assert stack(op("gtxna", 0, f("Logs"), 0), **app) == [b"a"]
    assert reason(op("gtxna", 0, f("Logs"), 2), **app) == "invalid Logs index 2"
    assert (
        reason(op("txn", f("NumLogs")), **app) == "txn effects can only be read from past txns 1 1"
    )
    assert reason(op("gtxn", 0, f("NumLogs")), version=5, **app) == (
        "Unable to obtain effects from top-level transactions"
    )


def test_first_valid_time_needs_block_headers() -> None:
    kw = view()
    assert reason(op("txn", f("FirstValidTime")), **kw) == "no block header access"
    times = {9: 1_700_000_000}
    kw["globals"] = GlobalView(block_timestamp=times.get)
    assert txn("FirstValidTime", **kw) == 1_700_000_000
    # the acfg's FirstValid is 5: round 4 is outside what the payment may see, [9-9]
    assert reason(op("gtxn", 1, f("FirstValidTime")), **kw) == (
        "round 4 is not available. It's outside [9-9]"
    )


# global ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MinTxnFee", 1000),
        ("MinBalance", 100_000),
        ("MaxTxnLife", 1000),
        ("ZeroAddress", bytes(32)),
        ("GroupSize", 2),
        ("LogicSigVersion", 13),  # ConsensusV42's
        ("GroupID", GROUP_ID),
        ("AssetCreateMinBalance", 100_000),
        ("AssetOptInMinBalance", 100_000),
        ("GenesisHash", GENESIS),
    ],
)
def test_global_fields(name: str, expected: object) -> None:
    assert top(op("global", g(name)), **view()) == expected


def test_app_only_globals() -> None:
    assert reason(op("global", g("Round")), **view()) == "global[Round] not allowed in current mode"
    app = {**view(), "mode": Mode.APP, "app_id": 5}
    app["globals"] = GlobalView(round=77, latest_timestamp=1234)
    assert stack(op("global", g("Round")), op("global", g("LatestTimestamp")), **app) == [77, 1234]
    assert top(op("global", g("CurrentApplicationID")), **app) == 5
    address = sdk_encoding.decode_address(sdk_logic.get_application_address(5))
    assert top(op("global", g("CurrentApplicationAddress")), **app) == address
    assert top(op("global", g("CallerApplicationID")), **app) == 0
    assert reason(op("global", g("CreatorAddress")), **app) == (
        "no app state: the evaluation was given no AppCallContext"
    )
    no_round = {**app, "globals": GlobalView()}
    assert reason(op("global", g("Round")), **no_round).startswith("global Round is not available")


def test_global_fields_are_checked_when_they_run() -> None:
    assert reason(op("global", 99)) == "invalid global field GlobalField(99)"
    assert reason(op("global", g("GenesisHash")), version=9) == "invalid global field GenesisHash"
