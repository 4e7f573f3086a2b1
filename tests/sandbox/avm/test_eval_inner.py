"""Inner transactions: building them field by field with go's checks, submitting them (fees,
quotas, app call rules) and reading what they did."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from avm_app_helpers import (
    APP,
    APP_ADDRESS,
    ASSET,
    BOB,
    CAROL,
    OTHER_APP,
    Txn,
    addr,
    app_kw,
    txn_field,
)
from avm_eval_helpers import Label, branch, byte, code, context, int_, op, reason, stack, top

from gridworks.sandbox.avm.app_state import (
    InnerResult,
    InnerTxn,
    InnerTxnFailed,
    fields_by_avm_name,
)
from gridworks.sandbox.avm.context import EvalContext
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.ops.inner import SETTERS
from gridworks.sandbox.avm.spec import field_groups


def chain() -> MemoryState:
    state = MemoryState()
    state.create_app(CAROL, APP, approval_program=b"\x0a\x81\x01")
    state.create_app(
        CAROL, OTHER_APP, approval_program=b"\x0a\x81\x01", clear_state_program=b"\x0a"
    )
    return state


def call(state: MemoryState, *others: Txn, **fields: object) -> dict[str, object]:
    """ALICE calls APP (paying 1,000) naming BOB, OTHER_APP and ASSET, after `others`."""
    names = {"accounts": [BOB], "foreign_apps": [OTHER_APP], "foreign_assets": [ASSET]}
    txn = Txn(**{**names, **fields})  # type: ignore[arg-type]
    return app_kw(state, *others, txn, index=len(others))


def field(name: str, value: bytes) -> bytes:
    """Push `value` (built by int_/byte) and set field `name` of the inner transaction."""
    return value + op("itxn_field", txn_field(name))


def itxn(name: str) -> bytes:
    return op("itxn", txn_field(name))


PAY = field("TypeEnum", int_(1))
BEGIN, NEXT, SUBMIT = op("itxn_begin"), op("itxn_next"), op("itxn_submit")


def pay(receiver: bytes = BOB, amount: int = 5) -> list[bytes]:
    return [PAY, field("Receiver", byte(receiver)), field("Amount", int_(amount))]


# Building and submitting -------------------------------------------------------------------


def test_a_payment_with_gos_defaults() -> None:
    state = chain()
    parts = [BEGIN, *pay(), SUBMIT, itxn("Sender"), itxn("Fee"), itxn("Amount"), itxn("Receiver")]
    parts += [itxn("FirstValid"), itxn("LastValid"), itxn("Type"), itxn("TypeEnum")]
    assert stack(*parts, **call(state)) == [APP_ADDRESS, 1_000, 5, BOB, 100, 1_100, b"pay", 1]
    [[sent]] = state.inner_groups
    assert (sent.type, sent.receiver, sent.amount, sent.fee) == ("pay", BOB, 5, 1_000)


def test_fee_credit_pays_for_inner_transactions() -> None:
    state = chain()
    one = [BEGIN, PAY, SUBMIT, itxn("Fee")]
    # the app call pays 3,000: 2,000 over its own fee, enough for two inner payments
    assert stack(*one, *one, *one, **call(state, fee=3_000)) == [0, 0, 1_000]
    assert reason(BEGIN, PAY, field("Fee", int_(999)), SUBMIT, **call(state)) == (
        "fee too small [999]"
    )
    # overpaying adds to the credit
    over = [BEGIN, PAY, field("Fee", int_(3_000)), SUBMIT, *one, *one, *one]
    assert stack(*over, **call(state)) == [0, 0, 1_000]


def test_a_group_pools_its_fees() -> None:
    state = chain()
    parts = [BEGIN, PAY, field("Fee", int_(2_000)), NEXT, PAY, SUBMIT]
    parts += [op("gitxn", 0, txn_field("Fee")), op("gitxn", 1, txn_field("Fee"))]
    assert stack(*parts, **call(state)) == [2_000, 0]
    assert len(state.inner_groups[0]) == 2


def test_itxn_reads_the_last_transaction_and_gitxn_the_last_group() -> None:
    state = chain()
    parts = [BEGIN, *pay(amount=1), NEXT, *pay(amount=2), SUBMIT, BEGIN, *pay(amount=3), SUBMIT]
    parts += [itxn("Amount"), op("gitxn", 0, txn_field("Amount")), itxn("GroupIndex")]
    assert stack(*parts, **call(state)) == [3, 3, 0]
    parts = [BEGIN, *pay(amount=1), NEXT, *pay(amount=2), SUBMIT]
    parts += [
        itxn("Amount"),
        op("gitxn", 1, txn_field("Amount")),
        op("gitxn", 1, txn_field("GroupIndex")),
    ]
    assert stack(*parts, **call(state)) == [2, 2, 1]
    submitted = parts[:9]
    assert reason(*submitted, op("gitxn", 2, txn_field("Amount")), **call(state)) == (
        "txn index 2, len(group) is 2"
    )
    assert reason(itxn("Amount"), **call(state)) == "txn index 0, len(group) is 0"


def test_building_out_of_order() -> None:
    state = chain()
    assert reason(PAY, **call(state)) == "itxn_field without itxn_begin"
    assert reason(BEGIN, BEGIN, **call(state)) == "itxn_begin without itxn_submit"
    assert reason(NEXT, **call(state)) == "itxn_next without itxn_begin"
    assert reason(SUBMIT, **call(state)) == "itxn_submit without itxn_begin"
    assert reason(BEGIN, SUBMIT, SUBMIT, **call(state)) == "itxn_submit without itxn_begin"


def test_clear_state_programs_issue_no_inner_transactions() -> None:
    assert reason(BEGIN, **call(chain(), on_completion=3)) == (
        "clear state programs can not issue inner transactions"
    )


# Field checks ------------------------------------------------------------------------------


def fails(*parts: bytes, version: int = 10) -> str:
    return reason(BEGIN, *parts, version=version, **call(chain()))


def test_types() -> None:
    assert fails(field("Type", byte(b"foo"))) == "foo is not a valid Type for itxn_field"
    assert fails(field("Type", int_(1))) == "Type arg not a byte array"
    assert fails(field("Type", byte(b"keyreg")), version=5) == (
        "keyreg is not a valid Type for itxn_field"
    )
    assert fails(field("TypeEnum", int_(6)), version=5) == "appl is not a valid Type for itxn_field"
    assert fails(field("TypeEnum", int_(0))) == "0 is not a valid TypeEnum"
    assert fails(field("TypeEnum", int_(7))) == "stpf is not a valid Type for itxn_field"
    assert fails(field("TypeEnum", int_(99))) == "99 is not a valid TypeEnum"
    keyreg = [BEGIN, field("Type", byte(b"keyreg")), SUBMIT, itxn("TypeEnum")]
    assert stack(*keyreg, version=6, **call(chain())) == [2]


def test_settable_fields_and_versions() -> None:
    assert fails(field("Note", byte(b"n")), version=5) == "invalid itxn_field Note"
    assert fails(field("Lease", byte(bytes(32)))) == "invalid itxn_field Lease"
    assert fails(int_(1), op("itxn_field", 99)) == "invalid itxn_field TxnField(99)"
    # V42: MaxAbsoluteTxnNoteBytes (4,096), as long as any stack value. The fee itxn_begin
    # sets does not know the note; the bytes beyond 1,024 cost 3,072 * 0.0001 min fees more
    note = [BEGIN, field("Type", byte(b"pay")), field("Note", byte(b"n" * 4_096))]
    assert reason(*note, field("Fee", int_(1_307)), SUBMIT, **call(chain())) == (
        "fee too small [1307]"
    )
    paid = [*note, field("Fee", int_(1_308)), SUBMIT, itxn("Note"), op("len")]
    assert stack(*paid, **call(chain())) == [4_096]


def test_value_checks() -> None:
    assert fails(field("Amount", byte(b"ab"))) == "[]byte{0x61, 0x62} is not a uint64"
    assert fails(field("Receiver", byte(b"short"))) == "not an address"
    assert fails(field("Receiver", byte(CAROL))) == f"unavailable Account {addr(CAROL)}"
    assert fails(field("RekeyTo", int_(1))) == "not an address"
    assert fails(field("VotePK", int_(1))) == "VotePK must be 32 bytes"
    assert fails(field("ConfigAssetDecimals", int_(20))) == "20 is larger than max=19"
    assert fails(field("ConfigAssetDefaultFrozen", int_(2))) == "boolean is neither 1 nor 0: 2"
    assert fails(field("ConfigAssetUnitName", byte(b"123456789"))) == "value is too long"
    assert fails(field("ConfigAssetName", int_(1))) == "not a byte array"
    assert fails(field("ConfigAssetMetadataHash", byte(bytes(31)))) == (
        "ConfigAssetMetadataHash must be 32 bytes"
    )
    assert fails(field("XferAsset", int_(4_000))) == "unavailable Asset 4000"
    assert fails(field("ApplicationID", int_(4_000))) == "unavailable App 4000"
    assert fails(field("OnCompletion", int_(6))) == "6 is larger than max=5"
    assert fails(field("GlobalNumUint", int_(65))) == "65 is larger than max=64"
    assert fails(field("ExtraProgramPages", int_(8))) == "8 is larger than max=7"  # V42


def test_array_fields_have_limits() -> None:
    args = [field("ApplicationArgs", byte(b"a"))] * 17
    assert fails(*args) == "too many application args"
    long = [field("ApplicationArgs", byte(b"a" * 4_000))] * 5  # V42: at most 16,384
    assert fails(*long) == "total application args length too long"
    assert fails(field("ApplicationArgs", int_(1))) == "ApplicationArg is not a byte array"
    accounts = [field("Accounts", byte(BOB))] * 9  # MaxAppTxnAccounts is 8 since v41
    assert fails(*accounts) == "too many foreign accounts"
    assets = [field("Assets", int_(ASSET))] * 9
    assert fails(*assets) == "too many foreign assets"


def test_program_fields() -> None:
    page = byte(b"\x01" * 4_000)
    pages = [field("ApprovalProgramPages", page)] * 5  # V42: (1 + 7) pages of 2,048
    assert fails(*pages) == "ApprovalProgramPages may not exceed 16384 bytes"
    parts = [BEGIN, field("TypeEnum", int_(6)), field("ApprovalProgramPages", byte(b"\x0a"))]
    parts += [
        field("ApprovalProgramPages", byte(b"\x81\x01")),
        field("ClearStateProgram", byte(b"\x0a")),
    ]
    parts += [SUBMIT, itxn("ApprovalProgram"), itxn("NumApprovalProgramPages")]
    assert stack(*parts, **call(chain())) == [b"\x0a\x81\x01", 1]


def test_asset_config_fields_read_back() -> None:
    parts = [BEGIN, field("TypeEnum", int_(3)), field("ConfigAssetUnitName", byte(b"\xffGW"))]
    parts += [field("ConfigAssetTotal", int_(9)), field("ConfigAssetManager", byte(CAROL)), SUBMIT]
    parts += [itxn("ConfigAssetUnitName"), itxn("ConfigAssetTotal"), itxn("ConfigAssetManager")]
    parts += [itxn("ConfigAssetName"), itxn("CreatedAssetID")]
    assert stack(*parts, **call(chain())) == [b"\xffGW", 9, CAROL, b"", 1_001]


# Submitting: quotas and app calls ----------------------------------------------------------


def test_at_most_16_transactions_an_inner_group() -> None:
    parts = [BEGIN, PAY, *[NEXT, PAY] * 15, SUBMIT, int_(1)]
    assert top(*parts, **call(chain())) == 1
    assert reason(BEGIN, *[NEXT] * 16, **call(chain())) == (
        "too many inner transactions 16 with 256 left"
    )


def test_at_most_256_inner_transactions_a_top_level_group() -> None:
    loop = [int_(257), op("store", 1), Label("loop"), BEGIN, PAY, SUBMIT]
    loop += [op("load", 1), int_(1), op("-"), op("dup"), op("store", 1), branch("bnz", "loop")]
    state = chain()
    kw = call(state, fee=300_000)
    assert reason(*loop, budget=100_000, **kw) == "too many inner transactions 1 with 0 left"
    assert len(state.inner_groups) == 256


def test_app_calls_may_not_call_themselves_or_their_callers() -> None:
    state = chain()
    appl = field("TypeEnum", int_(6))
    assert fails(appl, field("ApplicationID", int_(APP)), SUBMIT) == "attempt to self-call"
    kw = call(state, foreign_apps=[OTHER_APP])
    kw["app"].callers = (OTHER_APP, 77_777)  # type: ignore[attr-defined]
    parts = [BEGIN, appl, field("ApplicationID", int_(OTHER_APP)), SUBMIT]
    assert reason(*parts, **kw) == f"attempt to re-enter {OTHER_APP}"
    kw = call(state)
    kw["app"].callers = tuple(range(10_000, 10_008))  # type: ignore[attr-defined]
    assert reason(*parts, **kw) == "appl depth (8) exceeded"


def test_inner_app_calls_need_v4_programs() -> None:
    state = chain()
    state.apps[OTHER_APP] = state.apps[OTHER_APP].__class__(CAROL, approval_program=b"\x03\x81\x01")
    appl = [field("TypeEnum", int_(6)), field("ApplicationID", int_(OTHER_APP))]
    assert reason(BEGIN, *appl, SUBMIT, **call(state)) == "inner app call with version v3 < v4"
    create = [field("TypeEnum", int_(6)), field("ApprovalProgram", byte(b"\x05\x81\x01"))]
    opt_in = [*create, field("OnCompletion", int_(1)), field("ClearStateProgram", byte(b"\x02"))]
    assert reason(BEGIN, *opt_in, SUBMIT, **call(state)) == "inner app call opt-in with CSP v2 < v4"
    assert reason(BEGIN, field("TypeEnum", int_(6)), SUBMIT, **call(state)) == (
        "invalid program (empty)"
    )
    del state.apps[OTHER_APP]
    assert reason(BEGIN, *appl, SUBMIT, **call(state)) == f"app {OTHER_APP} does not exist"


def test_created_resources_are_available_to_later_inner_transactions_from_v6() -> None:
    create = [BEGIN, field("TypeEnum", int_(3)), SUBMIT]
    use = [
        BEGIN,
        field("TypeEnum", int_(4)),
        itxn("CreatedAssetID"),
        op("itxn_field", txn_field("XferAsset")),
    ]
    assert stack(*create, *use, SUBMIT, itxn("XferAsset"), version=6, **call(chain())) == [1_001]
    assert reason(*create, *use, version=5, **call(chain())) == "unavailable Asset 1001"


def test_v9_inner_transactions_may_not_reach_unshared_holdings() -> None:
    state = chain()
    others = Txn(type="pay", receiver=CAROL, application_id=0)
    axfer = [BEGIN, field("TypeEnum", int_(4)), field("XferAsset", int_(ASSET))]
    axfer += [field("AssetReceiver", byte(CAROL)), SUBMIT]
    assert reason(*axfer, **call(state, others)) == (
        f"axfer AssetReceiver: unavailable Holding {ASSET}+{addr(CAROL)} would be accessible"
    )


class Recording(MemoryState):
    """A state whose inner transactions log, or fail."""

    failure: str = ""

    def submit_inner(self, txns: Sequence[InnerTxn], caller: EvalContext) -> list[InnerResult]:
        if self.failure:
            raise InnerTxnFailed(len(txns) - 1, self.failure)
        results = super().submit_inner(txns, caller)
        return [
            InnerResult(r.txn, r.txid, logs=(b"first", b"last"), created_app_id=r.created_app_id)
            for r in results
        ]


def test_reading_what_inner_transactions_did() -> None:
    state = Recording()
    state.create_app(CAROL, APP)
    parts = [BEGIN, PAY, NEXT, PAY, SUBMIT, itxn("NumLogs"), itxn("LastLog")]
    parts += [op("itxna", txn_field("Logs"), 0), int_(1), op("itxnas", txn_field("Logs"))]
    parts += [op("gitxna", 0, txn_field("Logs"), 1), int_(0), op("gitxnas", 1, txn_field("Logs"))]
    assert stack(*parts, **call(state)) == [2, b"last", b"first", b"last", b"last", b"first"]
    assert reason(*parts[:5], op("itxna", txn_field("Logs"), 2), **call(state)) == (
        "invalid Logs index 2"
    )


def test_a_failing_inner_transaction_fails_the_program() -> None:
    state = Recording()
    state.create_app(CAROL, APP)
    state.failure = "overspend"
    assert reason(BEGIN, PAY, NEXT, PAY, SUBMIT, **call(state)) == "inner tx 1 failed: overspend"


def test_inner_group_index_and_txid_need_v6() -> None:
    parts = [BEGIN, PAY, SUBMIT]
    assert reason(*parts, itxn("GroupIndex"), version=5, **call(chain())) == (
        "illegal field for inner transaction GroupIndex"
    )
    assert reason(*parts, itxn("TxID"), version=5, **call(chain())) == (
        "illegal field for inner transaction TxID"
    )
    txid = stack(*parts, itxn("TxID"), version=6, **call(chain()))[0]
    assert isinstance(txid, bytes) and len(txid) == 32


def test_inner_results_are_kept_for_the_ledger() -> None:
    state = chain()
    kw = call(state)
    evaluate(code(BEGIN, PAY, NEXT, PAY, SUBMIT, BEGIN, PAY, SUBMIT, int_(1)), context(**kw))
    app = kw["app"]
    assert [r.txn.type for r in app.submitted] == ["pay"] * 3  # type: ignore[attr-defined]
    assert len(app.last_group) == 1 and not app.building  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", [5, 10])
def test_inner_transactions_send_from_the_app_account(version: int) -> None:
    assert stack(BEGIN, PAY, SUBMIT, itxn("Sender"), version=version, **call(chain())) == [
        APP_ADDRESS
    ]
    # another account the app controls (rekeyed to it) may send too, if available
    parts = [BEGIN, PAY, field("Sender", byte(BOB)), SUBMIT, itxn("Sender")]
    assert stack(*parts, version=version, **call(chain())) == [BOB]
    assert reason(BEGIN, PAY, field("Sender", byte(CAROL)), version=version, **call(chain())) == (
        f"unavailable Account {addr(CAROL)}"
    )


def test_every_settable_field_has_a_setter_and_an_inner_txn_attribute() -> None:
    settable = set(field_groups()["txn"].by_name)
    assert settable == set(SETTERS)
    assert settable <= set(fields_by_avm_name())
