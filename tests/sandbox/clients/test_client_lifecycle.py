"""Update and delete through Beaker's client, and algokit-utils' client mapping a failed call
to the TEAL line that failed (algod's `pc=` detail plus the compile source map)."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import base64

import algokit_utils
import pyteal as pt
import pytest
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from beaker import Application, Authorize, GlobalStateValue
from clients_helpers import beaker_client


class CounterState:
    count = GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))


def counter_app(version: int) -> Application:
    app = Application("Counter", state=CounterState())

    @app.create(bare=True)
    def create() -> pt.Expr:
        return app.initialize_global_state()

    @app.update(bare=True, authorize=Authorize.only_creator())
    def update() -> pt.Expr:
        return pt.Approve()

    @app.delete(bare=True, authorize=Authorize.only_creator())
    def delete() -> pt.Expr:
        return pt.Approve()

    @app.external
    def bump(*, output: pt.abi.Uint64) -> pt.Expr:
        return pt.Seq(
            app.state.count.set(app.state.count + pt.Int(version)),
            output.set(app.state.count),
        )

    @app.external(read_only=True)
    def version_of(*, output: pt.abi.Uint64) -> pt.Expr:
        return output.set(pt.Int(version))

    return app


def test_update_swaps_the_program_and_keeps_state(algod: AlgodClient, account_factory) -> None:
    owner = account_factory()
    v1 = beaker_client(algod, counter_app(1), owner)
    app_id, _, _ = v1.create()
    assert v1.call("bump").return_value == 1
    assert v1.call("version_of").return_value == 1

    v2 = beaker_client(algod, counter_app(10), owner)
    v2.app_id = app_id
    v2.update()
    assert v2.call("version_of").return_value == 10
    assert v2.call("bump").return_value == 11  # the global state survived the update
    params = algod.application_info(app_id)["params"]
    assert params["approval-program"] == base64.b64encode(v2.approval.raw_binary).decode()

    stranger = account_factory()
    hijack = v2.prepare(signer=stranger.signer, sender=stranger.address)
    with pytest.raises(Exception, match="logic eval error|assert"):
        hijack.update()
    with pytest.raises(Exception, match="logic eval error|assert"):
        hijack.delete()


def test_delete_removes_the_app(algod: AlgodClient, account_factory) -> None:
    owner = account_factory()
    client = beaker_client(algod, counter_app(1), owner)
    app_id, app_addr, _ = client.create()
    client.call("bump")
    min_balance = algod.account_info(owner.address)["min-balance"]
    client.delete()
    with pytest.raises(AlgodHTTPError) as info:
        algod.application_info(app_id)
    assert info.value.code == 404
    assert algod.account_info(owner.address)["created-apps"] == []
    # the app's global schema (one uint) no longer raises the creator's minimum balance
    assert algod.account_info(owner.address)["min-balance"] == min_balance - 100_000 - 28_500


# ---- algokit-utils: LogicError points at the failing line ----------------------------------

guarded = Application("Guarded")


@guarded.external
def withdraw(amount: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    return pt.Seq(
        pt.Assert(amount.get() > pt.Int(0), comment="amount must be positive"),
        pt.Assert(amount.get() <= pt.Int(100), comment="amount is capped at 100"),
        output.set(pt.Int(100) - amount.get()),
    )


@pytest.fixture(scope="module")
def algokit_client(algod: AlgodClient, network) -> algokit_utils.ApplicationClient:
    account = network.new_account(10_000_000, funder=network.dev_accounts()[0])
    spec = algokit_utils.ApplicationSpecification.from_json(guarded.build(algod).to_json())
    client = algokit_utils.ApplicationClient(
        algod, spec, signer=account.signer, sender=account.address
    )
    client.create()
    return client


def test_algokit_client_calls_and_decodes(algokit_client: algokit_utils.ApplicationClient) -> None:
    assert algokit_client.call("withdraw", amount=30).return_value == 70


@pytest.mark.parametrize(
    ("amount", "comment"), [(0, "amount must be positive"), (101, "amount is capped at 100")]
)
def test_a_failed_assert_maps_to_its_teal_line(
    algokit_client: algokit_utils.ApplicationClient, amount: int, comment: str
) -> None:
    with pytest.raises(algokit_utils.LogicError) as info:
        algokit_client.call("withdraw", amount=amount)
    error = info.value
    assert "assert failed" in error.message
    assert error.line_no is not None
    lines = algokit_client.approval.teal.split("\n")
    assert lines[error.line_no].strip() == "assert"
    assert lines[error.line_no - 1] == f"// {comment}"  # PyTeal puts the comment just above
    assert error.pc in algokit_client.approval.source_map.get_pcs_for_line(error.line_no)
    assert comment in str(error)
