"""py-algorand-sdk's AtomicTransactionComposer with no framework on top: wide uints
(uint128..uint512) through a hand-written router, transaction and reference arguments, a
group of method calls, and ATC.simulate."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import base64

import pyteal as pt
import pytest
from algosdk import abi, transaction
from algosdk.atomic_transaction_composer import (
    AtomicTransactionComposer,
    TransactionWithSigner,
)
from algosdk.logic import get_application_address
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient
from clients_helpers import beaker_client

from gridworks.sandbox import DevAccount

WIDE = abi.Contract(
    "Wide",
    [
        abi.Method.from_signature("double(uint512)uint512"),
        abi.Method.from_signature("sum(uint128,uint256)uint256"),
    ],
)

# A hand-written router: each method's return is 0x151f7c75 ++ the value, padded with bzero.
WIDE_TEAL = """#pragma version 8
txn ApplicationID
bz ok
method "double(uint512)uint512"
txna ApplicationArgs 0
==
bnz double
method "sum(uint128,uint256)uint256"
txna ApplicationArgs 0
==
bnz sum
err
double:
txna ApplicationArgs 1
dup
b+
int 64
callsub pad
b ret
sum:
txna ApplicationArgs 1
txna ApplicationArgs 2
b+
int 32
callsub pad
ret:
byte 0x151f7c75
swap
concat
log
ok:
int 1
return
// (value width -- value left-padded to width; errs when the sum overflowed the width)
pad:
store 1
store 0
load 0
len
load 1
<=
assert
load 1
bzero
load 0
b|
retsub
"""


def compile_teal(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


@pytest.fixture(scope="module")
def wide_app(algod: AlgodClient, network) -> tuple[int, DevAccount]:
    account = network.new_account(10_000_000, funder=network.dev_accounts()[0])
    sp = algod.suggested_params()
    create = transaction.ApplicationCreateTxn(
        account.address,
        sp,
        transaction.OnComplete.NoOpOC,
        compile_teal(algod, WIDE_TEAL),
        compile_teal(algod, "#pragma version 8\nint 1\n"),
        transaction.StateSchema(0, 0),
        transaction.StateSchema(0, 0),
    )
    algod.send_transaction(account.sign(create))
    app_id = transaction.wait_for_confirmation(algod, create.get_txid(), 4)["application-index"]
    return app_id, account


def call(algod: AlgodClient, app: tuple[int, DevAccount], method: str, *args: int) -> object:
    app_id, account = app
    atc = AtomicTransactionComposer()
    atc.add_method_call(
        app_id,
        WIDE.get_method_by_name(method),
        account.address,
        algod.suggested_params(),
        account.signer,
        method_args=list(args),
    )
    return atc.execute(algod, 4).abi_results[0].return_value


def test_uint512_round_trips_through_b_plus(algod: AlgodClient, wide_app) -> None:
    assert call(algod, wide_app, "double", 2**510 + 3) == 2**511 + 6
    assert call(algod, wide_app, "double", 0) == 0


def test_uint128_and_uint256_arguments(algod: AlgodClient, wide_app) -> None:
    assert call(algod, wide_app, "sum", 2**128 - 1, 2**255) == 2**255 + 2**128 - 1


def test_an_overflowing_result_fails_the_call(algod: AlgodClient, wide_app) -> None:
    with pytest.raises(Exception, match="logic eval error"):
        call(algod, wide_app, "double", 2**512 - 1)


# ---- transaction and reference arguments, grouped calls, simulate ---------------------------

shop = Application("Shop")


@shop.external
def buy(
    pay: pt.abi.PaymentTransaction,
    buyer: pt.abi.Account,
    asset: pt.abi.Asset,
    app: pt.abi.Application,
    *,
    output: pt.abi.Uint64,
) -> pt.Expr:
    return pt.Seq(
        pt.Assert(pay.get().receiver() == pt.Global.current_application_address()),
        pt.Assert(pay.get().sender() == buyer.address()),
        output.set(pay.get().amount() + asset.asset_id() + app.application_id()),
    )


@shop.external(read_only=True)
def balance_of(who: pt.abi.Account, *, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(pt.Balance(who.address()))


@pytest.fixture(scope="module")
def shop_client(algod: AlgodClient, network) -> ApplicationClient:
    account = network.new_account(10_000_000, funder=network.dev_accounts()[0])
    client = beaker_client(algod, shop, account)
    client.create()
    client.fund(200_000)
    return client


def test_a_payment_argument_and_reference_types(
    shop_client: ApplicationClient, algod: AlgodClient
) -> None:
    sp = algod.suggested_params()
    buyer = shop_client.sender
    pay = TransactionWithSigner(
        transaction.PaymentTxn(buyer, sp, shop_client.app_addr, 12_345), shop_client.signer
    )
    before = algod.account_info(shop_client.app_addr)["amount"]
    result = shop_client.call("buy", pay=pay, buyer=buyer, asset=77, app=shop_client.app_id)
    assert result.return_value == 12_345 + 77 + shop_client.app_id
    assert algod.account_info(shop_client.app_addr)["amount"] == before + 12_345
    sent = algod.pending_transaction_info(result.tx_id)["txn"]["txn"]
    assert sent["apas"] == [77]
    assert "apfa" not in sent  # the called app itself is reference 0
    assert base64.b64decode(sent["apaa"][3]) == b"\x00"


def test_a_group_of_method_calls_and_atc_simulate(
    shop_client: ApplicationClient, algod: AlgodClient, account_factory
) -> None:
    other = account_factory(3_000_000)
    atc = AtomicTransactionComposer()
    for who in (shop_client.sender, other.address, get_application_address(shop_client.app_id)):
        shop_client.add_method_call(atc, "balance_of", who=who)
    simulated = atc.simulate(algod)
    assert simulated.failure_message in (None, "")
    balances = [r.return_value for r in simulated.abi_results]
    assert balances[1] == 3_000_000
    # the first call has already paid its own fee when it reads its sender's balance
    assert balances[0] == algod.account_info(shop_client.sender)["amount"] - 1000
    assert balances[2] == algod.account_info(shop_client.app_addr)["amount"]
    executed = atc.clone().execute(algod, 4)
    assert [r.return_value for r in executed.abi_results][1] == 3_000_000
    assert len(set(executed.tx_ids)) == 3
