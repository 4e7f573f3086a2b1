"""Applications survive a kill -9 of `gridworks sandbox start --data-dir`: the app, its global
state, an account's local state, a box, and the min-balance and app counters of the accounts
involved read the same through algod's REST API after a restart on the same data dir."""

from __future__ import annotations

import base64
import signal
from pathlib import Path
from typing import Any

from algosdk import transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.v2client.algod import AlgodClient
from beaker import localnet
from sandbox_process import (  # type: ignore[import-not-found]
    TOKEN,
    Start,
    clients,
    needs_gridworks_script,
    start,  # noqa: F401  (fixture)
)

pytestmark = needs_gridworks_script

OC = transaction.OnComplete

APPROVAL = """#pragma version 10
txn ApplicationID
bz create
txn OnCompletion
int OptIn
==
bnz opt_in
txn OnCompletion
int NoOp
==
assert
byte "count"
byte "count"
app_global_get
int 1
+
app_global_put
byte "bx"
byte "kept in a box"
box_put
int 1
return
create:
byte "count"
int 41
app_global_put
byte "name"
byte "survivor"
app_global_put
int 1
return
opt_in:
txn Sender
byte "l"
int 7
app_local_put
txn Sender
byte "lb"
byte "local bytes"
app_local_put
int 1
"""
CLEAR = "#pragma version 10\nint 1\n"


def _send(algod: AlgodClient, txn: transaction.Transaction, key: str) -> dict[str, Any]:
    stxn = sign_transaction_with_signer(txn, AccountTransactionSigner(key))
    txid = algod.send_transaction(stxn)
    return transaction.wait_for_confirmation(algod, txid, 4)


def _program(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def _snapshot(algod: AlgodClient, app_id: int, addresses: list[str]) -> dict[str, Any]:
    def without_round(info: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in info.items() if k != "round"}

    creator, user, app_address = addresses
    return {
        "app": algod.application_info(app_id),
        "local": without_round(algod.account_application_info(user, app_id)),
        "created": without_round(algod.account_application_info(creator, app_id)),
        "box": algod.application_box_by_name(app_id, b"bx"),
        "boxes": algod.application_boxes(app_id),
        "accounts": {a: without_round(algod.account_info(a)) for a in addresses},
    }


def test_apps_state_and_boxes_survive_a_kill(start: Start, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    first = start("--data-dir", str(data_dir))
    ready = first.wait_ready()
    algod, _ = clients(ready)
    creator, user = localnet.get_accounts(kmd_address=ready["kmd"], kmd_token=TOKEN)[:2]

    params = algod.suggested_params()
    created = _send(
        algod,
        transaction.ApplicationCreateTxn(
            creator.address, params, OC.NoOpOC, _program(algod, APPROVAL), _program(algod, CLEAR),
            transaction.StateSchema(1, 1), transaction.StateSchema(1, 1),
        ),
        creator.private_key,
    )  # fmt: skip
    app_id = created["application-index"]
    app_address = transaction.logic.get_application_address(app_id)
    _send(algod, transaction.PaymentTxn(creator.address, params, app_address, 1_000_000),
          creator.private_key)  # fmt: skip
    _send(algod, transaction.ApplicationOptInTxn(user.address, params, app_id), user.private_key)
    _send(
        algod,
        transaction.ApplicationNoOpTxn(user.address, params, app_id, boxes=[(0, b"bx")]),
        user.private_key,
    )

    before = _snapshot(algod, app_id, [creator.address, user.address, app_address])
    round_before = algod.status()["last-round"]
    # what was set up is what the snapshot holds
    global_state = {
        base64.b64decode(kv["key"]): kv["value"] for kv in before["app"]["params"]["global-state"]
    }
    assert global_state[b"count"]["uint"] == 42
    assert base64.b64decode(global_state[b"name"]["bytes"]) == b"survivor"
    local_state = {
        base64.b64decode(kv["key"]): kv["value"]
        for kv in before["local"]["app-local-state"]["key-value"]
    }
    assert local_state[b"l"]["uint"] == 7
    assert base64.b64decode(local_state[b"lb"]["bytes"]) == b"local bytes"
    assert base64.b64decode(before["box"]["value"]) == b"kept in a box"
    creator_info = before["accounts"][creator.address]
    assert creator_info["total-created-apps"] == 1
    assert creator_info["min-balance"] == 100_000 + 100_000 + 28_500 + 50_000
    user_info = before["accounts"][user.address]
    assert user_info["total-apps-opted-in"] == 1
    assert user_info["min-balance"] == 100_000 + 100_000 + 28_500 + 50_000
    app_info = before["accounts"][app_address]
    assert app_info["total-boxes"] == 1
    assert app_info["total-box-bytes"] == len(b"bx") + len(b"kept in a box")
    assert app_info["min-balance"] == 100_000 + 2_500 + 400 * (2 + 13)

    first.proc.send_signal(signal.SIGKILL)
    assert first.finish() == -signal.SIGKILL

    second = start("--data-dir", str(data_dir))
    again = second.wait_ready()
    assert again["round"] == str(round_before)
    algod, _ = clients(again)
    assert _snapshot(algod, app_id, [creator.address, user.address, app_address]) == before

    # and the app carries on from its persisted state
    params = algod.suggested_params()
    _send(
        algod,
        transaction.ApplicationNoOpTxn(creator.address, params, app_id, boxes=[(0, b"bx")]),
        creator.private_key,
    )
    after = algod.application_info(app_id)["params"]["global-state"]
    counts = [kv["value"]["uint"] for kv in after if base64.b64decode(kv["key"]) == b"count"]
    assert counts == [43]
    assert algod.status()["last-round"] == round_before + 1
    assert second.stop() == 0
