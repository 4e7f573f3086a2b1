"""Inner transactions driven through Beaker's client: an app that mints an NFT, an app calling
another app's ABI method, and an app creating a precompiled child app."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import base64

import pyteal as pt
from algosdk import encoding, logic, transaction
from algosdk.v2client.algod import AlgodClient
from beaker import Application, GlobalStateValue, precompiled
from clients_helpers import beaker_client, covering

# ---- an NFT minter ------------------------------------------------------------------------

minter = Application("Minter")


@minter.external
def mint(name: pt.abi.String, url: pt.abi.String, *, output: pt.abi.Uint64) -> pt.Expr:
    return pt.Seq(
        pt.InnerTxnBuilder.Execute(
            {
                pt.TxnField.type_enum: pt.TxnType.AssetConfig,
                pt.TxnField.config_asset_total: pt.Int(1),
                pt.TxnField.config_asset_decimals: pt.Int(0),
                pt.TxnField.config_asset_name: name.get(),
                pt.TxnField.config_asset_unit_name: pt.Bytes("CERT"),
                pt.TxnField.config_asset_url: url.get(),
                pt.TxnField.config_asset_manager: pt.Global.current_application_address(),
                pt.TxnField.fee: pt.Int(0),
            }
        ),
        output.set(pt.InnerTxn.created_asset_id()),
    )


@minter.external
def give(asset: pt.abi.Asset, to: pt.abi.Account) -> pt.Expr:
    return pt.InnerTxnBuilder.Execute(
        {
            pt.TxnField.type_enum: pt.TxnType.AssetTransfer,
            pt.TxnField.xfer_asset: asset.asset_id(),
            pt.TxnField.asset_amount: pt.Int(1),
            pt.TxnField.asset_receiver: to.address(),
            pt.TxnField.fee: pt.Int(0),
        }
    )


def test_an_app_mints_an_nft_through_an_inner_asset_config(
    algod: AlgodClient, account_factory
) -> None:
    owner = account_factory()
    client = beaker_client(algod, minter, owner)
    client.create()
    client.fund(300_000)
    result = client.call(
        "mint", name="ValidatorCert", url="https://gridworks", suggested_params=covering(algod, 2)
    )
    asset_id = result.return_value
    params = algod.asset_info(asset_id)["params"]
    assert params["total"] == 1
    assert params["decimals"] == 0
    assert params["creator"] == client.app_addr
    assert params["manager"] == client.app_addr
    assert params["name"] == "ValidatorCert"
    assert params["unit-name"] == "CERT"
    assert params["url"] == "https://gridworks"
    holding = algod.account_asset_info(client.app_addr, asset_id)["asset-holding"]
    assert holding["amount"] == 1
    pending = algod.pending_transaction_info(result.tx_id)
    (inner,) = pending["inner-txns"]
    assert inner["asset-index"] == asset_id
    assert inner["txn"]["txn"]["type"] == "acfg"

    # the buyer opts in, then the app hands the NFT over
    sp = algod.suggested_params()
    optin = transaction.AssetOptInTxn(owner.address, sp, asset_id)
    algod.send_transaction(owner.sign(optin))
    transaction.wait_for_confirmation(algod, optin.get_txid(), 4)
    client.call("give", asset=asset_id, to=owner.address, suggested_params=covering(algod, 2))
    assert algod.account_asset_info(owner.address, asset_id)["asset-holding"]["amount"] == 1
    assert algod.account_asset_info(client.app_addr, asset_id)["asset-holding"]["amount"] == 0


# ---- app-to-app ABI calls ------------------------------------------------------------------


class AdderState:
    calls = GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))
    last_caller = GlobalStateValue(stack_type=pt.TealType.bytes, default=pt.Bytes(""))


adder = Application("Adder", state=AdderState())


@adder.create(bare=True)
def adder_create() -> pt.Expr:
    return adder.initialize_global_state()


@adder.external
def add(a: pt.abi.Uint64, b: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    return pt.Seq(
        adder.state.calls.increment(),
        adder.state.last_caller.set(pt.Txn.sender()),
        output.set(a.get() + b.get()),
    )


caller = Application("Caller")


@caller.external
def add_via(
    app: pt.abi.Application, a: pt.abi.Uint64, b: pt.abi.Uint64, *, output: pt.abi.Uint64
) -> pt.Expr:
    return pt.Seq(
        pt.InnerTxnBuilder.ExecuteMethodCall(
            app_id=app.application_id(),
            method_signature="add(uint64,uint64)uint64",
            args=[a, b],
            extra_fields={pt.TxnField.fee: pt.Int(0)},
        ),
        # the callee's return is its last log: 0x151f7c75 then the ABI value
        pt.Assert(
            pt.Extract(pt.InnerTxn.last_log(), pt.Int(0), pt.Int(4))
            == pt.Bytes("base16", "151f7c75")
        ),
        output.decode(pt.Suffix(pt.InnerTxn.last_log(), pt.Int(4))),
    )


def test_an_app_calls_another_apps_abi_method(algod: AlgodClient, account_factory) -> None:
    account = account_factory()
    callee = beaker_client(algod, adder, account)
    callee.create()
    outer = beaker_client(algod, caller, account)
    outer.create()
    result = outer.call(
        "add_via", app=callee.app_id, a=40, b=2, suggested_params=covering(algod, 2)
    )
    assert result.return_value == 42
    state = callee.get_global_state(raw=True)
    assert state[b"calls"] == 1
    assert state[b"last_caller"] == encoding.decode_address(outer.app_addr)
    (inner,) = algod.pending_transaction_info(result.tx_id)["inner-txns"]
    assert inner["txn"]["txn"]["apid"] == callee.app_id
    assert inner["logs"] == [
        base64.b64encode(bytes.fromhex("151f7c75") + (42).to_bytes(8, "big")).decode()
    ]


# ---- a factory creating a precompiled child app ---------------------------------------------


class ChildState:
    parent = GlobalStateValue(stack_type=pt.TealType.bytes)
    seed = GlobalStateValue(stack_type=pt.TealType.uint64)


child = Application("Child", state=ChildState())


@child.create
def create_child(seed: pt.abi.Uint64) -> pt.Expr:
    return pt.Seq(
        child.state.parent.set(pt.Txn.sender()),
        child.state.seed.set(seed.get()),
    )


@child.external(read_only=True)
def get_seed(*, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(child.state.seed)


factory = Application("Factory")


@factory.external
def spawn(seed: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    compiled = precompiled(child)
    return pt.Seq(
        pt.InnerTxnBuilder.ExecuteMethodCall(
            app_id=None,
            method_signature=create_child.method_signature(),
            args=[seed],
            extra_fields=compiled.get_create_config() | {pt.TxnField.fee: pt.Int(0)},
        ),
        output.set(pt.InnerTxn.created_application_id()),
    )


def test_a_factory_creates_a_precompiled_child_app(algod: AlgodClient, account_factory) -> None:
    seed = 7
    account = account_factory()
    parent = beaker_client(algod, factory, account)
    parent.create()
    parent.fund(500_000)
    child_id = parent.call("spawn", seed=seed, suggested_params=covering(algod, 2)).return_value
    info = algod.application_info(child_id)
    assert info["params"]["creator"] == parent.app_addr
    assert info["params"]["global-state-schema"] == {"num-uint": 1, "num-byte-slice": 1}
    kid = beaker_client(algod, child, account)
    kid.app_id = child_id
    assert kid.get_global_state(raw=True) == {
        b"parent": encoding.decode_address(parent.app_addr),
        b"seed": seed,
    }
    assert kid.call("get_seed").return_value == seed
    assert logic.get_application_address(child_id) == kid.app_addr
    created = algod.account_info(parent.app_addr)["created-apps"]
    assert [app["id"] for app in created] == [child_id]
