"""Inner transaction limits and kinds through algod's REST API with algosdk: the pooled count
of inner transactions (16 * 16 per top-level group), the depth of nested app calls (8), inner
asset freeze / reconfigure / destroy, inner keyreg, sending from an account rekeyed to the app,
and the fee credit that pays for inner transactions. Each refusal carries go's text and leaves
the ledger exactly as it was.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send
from test_apps_lifecycle import (  # type: ignore[import-not-found]
    _remember_sandbox,  # noqa: F401  (autouse fixture)
    apply_data,
    create_app,
    sign,
    sp,
)

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]
OC = transaction.OnComplete
CLEAR = "#pragma version 10\nint 1\n"

# Submits ApplicationArgs[0] inner payments of 0 to the caller, one at a time.
LOOP = """#pragma version 10
txn ApplicationID
bz ok
txna ApplicationArgs 0
btoi
store 0
loop:
load 0
bz ok
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
itxn_submit
load 0
int 1
-
store 0
b loop
ok:
int 1
"""

# Calls the app whose id is the first 8 bytes of ApplicationArgs[0], passing it the rest.
CHAIN = """#pragma version 10
txn ApplicationID
bz ok
txna ApplicationArgs 0
len
bz ok
itxn_begin
int appl
itxn_field TypeEnum
txna ApplicationArgs 0
extract 0 8
btoi
itxn_field ApplicationID
txna ApplicationArgs 0
extract 8 0
itxn_field ApplicationArgs
itxn_submit
ok:
int 1
"""

KINDS = """#pragma version 10
txn ApplicationID
bz ok
itxn_begin
txna ApplicationArgs 0
byte "freeze"
==
bz not_freeze
int afrz
itxn_field TypeEnum
txna Assets 0
itxn_field FreezeAsset
txna Accounts 1
itxn_field FreezeAssetAccount
int 1
itxn_field FreezeAssetFrozen
b submit
not_freeze:
txna ApplicationArgs 0
byte "reconfig"
==
bz not_reconfig
int acfg
itxn_field TypeEnum
txna Assets 0
itxn_field ConfigAsset
global CurrentApplicationAddress
itxn_field ConfigAssetManager
txna Accounts 1
itxn_field ConfigAssetFreeze
b submit
not_reconfig:
txna ApplicationArgs 0
byte "destroy"
==
bz not_destroy
int acfg
itxn_field TypeEnum
txna Assets 0
itxn_field ConfigAsset
b submit
not_destroy:
txna ApplicationArgs 0
byte "online"
==
bz not_online
int keyreg
itxn_field TypeEnum
txna ApplicationArgs 1
itxn_field VotePK
txna ApplicationArgs 2
itxn_field SelectionPK
txna ApplicationArgs 3
itxn_field StateProofPK
txna ApplicationArgs 4
btoi
itxn_field VoteFirst
txna ApplicationArgs 5
btoi
itxn_field VoteLast
int 100
itxn_field VoteKeyDilution
b submit
not_online:
txna ApplicationArgs 0
byte "offline"
==
bz not_offline
int keyreg
itxn_field TypeEnum
b submit
not_offline:
int pay
itxn_field TypeEnum
txna Accounts 1
itxn_field Sender
txn Sender
itxn_field Receiver
int 50000
itxn_field Amount
submit:
itxn_submit
ok:
int 1
"""

# Three inner payments of 0 to the caller with fee 0: the outer call must pay for them.
FEELESS = """#pragma version 10
txn ApplicationID
bz ok
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_next
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
ok:
int 1
"""


def app_address(app_id: int) -> str:
    return str(transaction.logic.get_application_address(app_id))


def fund(algod: AlgodClient, funder: DevAccount, receiver: str, amount: int) -> None:
    send(algod, sign(transaction.PaymentTxn(funder.address, sp(algod), receiver, amount), funder))


def app_call(
    algod: AlgodClient, sender: DevAccount, app_id: int, *args: bytes | int, fee: int = 1_000,
    **kwargs: Any,
) -> transaction.ApplicationCallTxn:  # fmt: skip
    params = sp(algod)
    params.fee = fee
    return transaction.ApplicationCallTxn(
        sender.address, params, app_id, OC.NoOpOC, app_args=list(args) or None, **kwargs
    )


def grouped(
    signer: DevAccount, *txns: transaction.Transaction
) -> list[transaction.SignedTransaction]:
    transaction.assign_group_id(list(txns))
    return [sign(txn, signer) for txn in txns]


def logic_error(error: str, txid: str, text: str) -> None:
    assert f"transaction {txid}: logic eval error: {text}" in error, error


# 1. The inner transaction count ----------------------------------------------------------------


def test_inner_transactions_are_limited_to_256_per_group_pooled_across_its_calls(
    algod: AlgodClient, account_factory: Factory, sandbox: Any, unchanged: Callable[..., Any]
) -> None:
    user = account_factory()
    app_id = create_app(algod, user, approval=LOOP, clear=CLEAR, global_schema=(0, 0))
    fund(algod, user, app_address(app_id), 1_000_000)

    def group(*counts: int) -> list[transaction.SignedTransaction]:
        # six calls in all: those submitting nothing add their 700 opcodes to pay for the loops
        counts = (*counts, *[0] * (6 - len(counts)))
        calls = [app_call(algod, user, app_id, n, note=bytes([i])) for i, n in enumerate(counts)]
        return grouped(user, *calls)

    before = algod.account_info(app_address(app_id))["amount"]
    first = group(256)
    send(algod, *first)
    assert len(apply_data(sandbox, first[0].get_txid())["dt"]["itx"]) == 256
    assert algod.account_info(app_address(app_id))["amount"] == before - 256 * 1_000

    over = group(257)
    with unchanged(user.address, app_address(app_id)):
        error = rejected(algod, *over)
    logic_error(error, over[0].get_txid(), "too many inner transactions 1 with 0 left")

    over = group(200, 57)  # the 256 are shared by the group's app calls
    with unchanged(user.address, app_address(app_id)):
        error = rejected(algod, *over)
    logic_error(error, over[1].get_txid(), "too many inner transactions 1 with 0 left")

    split = group(200, 56)
    send(algod, *split)
    assert len(apply_data(sandbox, split[0].get_txid())["dt"]["itx"]) == 200
    assert len(apply_data(sandbox, split[1].get_txid())["dt"]["itx"]) == 56


# 2. The depth of nested app calls --------------------------------------------------------------


def test_app_calls_nest_eight_deep(
    algod: AlgodClient, account_factory: Factory, sandbox: Any, unchanged: Callable[..., Any]
) -> None:
    user = account_factory()
    apps = [
        create_app(algod, user, approval=CHAIN, clear=CLEAR, global_schema=(0, 0))
        for _ in range(10)
    ]

    def chain(length: int) -> list[transaction.SignedTransaction]:
        """apps[0] calls apps[1], which calls apps[2] ... up to apps[length]."""
        path = b"".join(app.to_bytes(8, "big") for app in apps[1 : length + 1])
        top = app_call(algod, user, apps[0], path, fee=1_000 * (length + 1),
                       foreign_apps=apps[1:9])  # fmt: skip
        # a second call makes apps[9] available to the group (8 foreign apps per transaction)
        extra = app_call(algod, user, apps[0], b"", foreign_apps=apps[9:])
        return grouped(user, top, extra)

    deepest = chain(8)  # the top-level call and 8 nested ones
    send(algod, *deepest)
    itx = apply_data(sandbox, deepest[0].get_txid())["dt"]["itx"]
    for app_id in apps[1:9]:
        assert len(itx) == 1 and itx[0]["txn"]["apid"] == app_id
        itx = itx[0].get("dt", {}).get("itx", [])
    assert itx == []

    too_deep = chain(9)
    with unchanged(user.address):
        error = rejected(algod, *too_deep)
    # apps[8], called 8 deep, fails; each caller reports its inner transaction's failure
    nested = "inner tx 0 failed: logic eval error: " * 8
    logic_error(error, too_deep[0].get_txid(), f"{nested}appl depth (8) exceeded. ")
    assert f"Details: app={apps[8]}, pc=" in error and error.endswith(f"app={apps[0]}, pc=35")


def test_an_app_cannot_call_itself(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    user = account_factory()
    app_id = create_app(algod, user, approval=CHAIN, clear=CLEAR, global_schema=(0, 0))
    stxn = sign(app_call(algod, user, app_id, app_id.to_bytes(8, "big"), fee=2_000), user)
    with unchanged(user.address):
        logic_error(rejected(algod, stxn), stxn.get_txid(), "attempt to self-call")


# 3. Asset freeze and config, keyreg, rekeyed senders -------------------------------------------


def test_inner_freeze_reconfigure_and_destroy_by_the_app_as_manager(
    algod: AlgodClient, account_factory: Factory, sandbox: Any
) -> None:
    creator, holder = account_factory(), account_factory()
    app_id = create_app(algod, creator, approval=KINDS, clear=CLEAR, global_schema=(0, 0))
    app = app_address(app_id)
    fund(algod, creator, app, 200_000)
    created = send(algod, sign(transaction.AssetConfigTxn(
        creator.address, sp(algod), total=1_000, decimals=0, default_frozen=False,
        unit_name="LIM", asset_name="limits", manager=app, reserve=creator.address,
        freeze=app, clawback=creator.address, strict_empty_address_check=False,
    ), creator))  # fmt: skip
    asset_id = created[0]["asset-index"]
    send(algod, sign(transaction.AssetOptInTxn(holder.address, sp(algod), asset_id), holder))

    refs = {"foreign_assets": [asset_id], "accounts": [holder.address]}
    send(algod, sign(app_call(algod, creator, app_id, b"freeze", fee=2_000, **refs), creator))
    holding = algod.account_asset_info(holder.address, asset_id)["asset-holding"]
    assert holding["is-frozen"] is True

    reconfig = sign(app_call(algod, creator, app_id, b"reconfig", fee=2_000, **refs), creator)
    send(algod, reconfig)
    params = algod.asset_info(asset_id)["params"]
    assert params["manager"] == app
    assert params["freeze"] == holder.address
    assert "reserve" not in params and "clawback" not in params  # unset fields are cleared
    inner = apply_data(sandbox, reconfig.get_txid())["dt"]["itx"][0]["txn"]
    assert inner["type"] == "acfg" and inner["caid"] == asset_id

    # The holder holds none of it, so the app (the manager) may destroy it.
    send(algod, sign(transaction.AssetCloseOutTxn(
        holder.address, sp(algod), creator.address, asset_id), holder))  # fmt: skip
    send(algod, sign(app_call(algod, creator, app_id, b"destroy", fee=2_000,
                              foreign_assets=[asset_id]), creator))  # fmt: skip
    assert sandbox.ledger.asset(asset_id) is None
    info = algod.account_info(creator.address)
    assert all(a["asset-id"] != asset_id for a in info.get("assets", []))
    assert info["total-created-assets"] == 0


def test_inner_keyreg_takes_the_app_account_online_and_offline(
    algod: AlgodClient, account_factory: Factory
) -> None:
    user = account_factory()
    app_id = create_app(algod, user, approval=KINDS, clear=CLEAR, global_schema=(0, 0))
    app = app_address(app_id)
    fund(algod, user, app, 1_000_000)
    assert algod.account_info(app)["status"] == "Offline"
    first = sp(algod).first
    votekey, selkey, sprfkey = os.urandom(32), os.urandom(32), os.urandom(64)
    send(algod, sign(app_call(algod, user, app_id, b"online", votekey, selkey, sprfkey,
                              first, first + 1_000, fee=2_000), user))  # fmt: skip
    info = algod.account_info(app)
    assert info["status"] == "Online"
    assert info["participation"] == {
        "selection-participation-key": base64.b64encode(selkey).decode(),
        "state-proof-key": base64.b64encode(sprfkey).decode(),
        "vote-first-valid": first,
        "vote-key-dilution": 100,
        "vote-last-valid": first + 1_000,
        "vote-participation-key": base64.b64encode(votekey).decode(),
    }
    send(algod, sign(app_call(algod, user, app_id, b"offline", fee=2_000), user))
    info = algod.account_info(app)
    assert info["status"] == "Offline"
    assert "participation" not in info


def test_inner_payment_from_an_account_rekeyed_to_the_app(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    user, rekeyed, stranger = account_factory(), account_factory(), account_factory()
    app_id = create_app(algod, user, approval=KINDS, clear=CLEAR, global_schema=(0, 0))
    app = app_address(app_id)
    send(algod, sign(transaction.PaymentTxn(
        rekeyed.address, sp(algod), rekeyed.address, 0, rekey_to=app), rekeyed))  # fmt: skip
    assert algod.account_info(rekeyed.address)["auth-addr"] == app

    before = algod.account_info(rekeyed.address)["amount"]
    user_before = algod.account_info(user.address)["amount"]
    send(algod, sign(app_call(algod, user, app_id, b"pay", fee=2_000,
                              accounts=[rekeyed.address]), user))  # fmt: skip
    assert algod.account_info(rekeyed.address)["amount"] == before - 50_000
    assert algod.account_info(user.address)["amount"] == user_before - 2_000 + 50_000

    stxn = sign(app_call(algod, user, app_id, b"pay", fee=2_000, accounts=[stranger.address]), user)
    with unchanged(user.address, stranger.address):
        error = rejected(algod, stxn)
    logic_error(
        error, stxn.get_txid(), f"app {app_id} (addr {app}) unauthorized {stranger.address}"
    )


# 4. The fee credit -----------------------------------------------------------------------------


def test_an_overpaying_outer_call_pays_for_fee_less_inner_transactions(
    algod: AlgodClient, account_factory: Factory, sandbox: Any, unchanged: Callable[..., Any]
) -> None:
    user = account_factory()
    app_id = create_app(algod, user, approval=FEELESS, clear=CLEAR, global_schema=(0, 0))
    app = app_address(app_id)
    fund(algod, user, app, 100_000)

    short = sign(app_call(algod, user, app_id, fee=3_999), user)
    with unchanged(user.address, app):
        error = rejected(algod, short)
    logic_error(error, short.get_txid(), "fee too small")

    before = algod.account_info(user.address)["amount"]
    paid = sign(app_call(algod, user, app_id, fee=4_000), user)
    send(algod, paid)
    assert algod.account_info(user.address)["amount"] == before - 4_000
    assert algod.account_info(app)["amount"] == 100_000  # the app paid no fee
    itx = apply_data(sandbox, paid.get_txid())["dt"]["itx"]
    assert len(itx) == 3 and all(t["txn"].get("fee", 0) == 0 for t in itx)


def test_the_fee_credit_pools_across_the_top_level_group(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable[..., Any]
) -> None:
    user = account_factory()
    app_id = create_app(algod, user, approval=FEELESS, clear=CLEAR, global_schema=(0, 0))
    app = app_address(app_id)
    fund(algod, user, app, 100_000)

    def group(pay_fee: int) -> list[transaction.SignedTransaction]:
        params = sp(algod)
        params.fee = pay_fee
        pay = transaction.PaymentTxn(user.address, params, user.address, 0)
        return grouped(user, pay, app_call(algod, user, app_id, fee=0))

    short = group(4_999)
    with unchanged(user.address, app):
        error = rejected(algod, *short)
    logic_error(error, short[1].get_txid(), "fee too small")

    before = algod.account_info(user.address)["amount"]
    send(algod, *group(5_000))
    assert algod.account_info(user.address)["amount"] == before - 5_000
    assert algod.account_info(app)["amount"] == 100_000
