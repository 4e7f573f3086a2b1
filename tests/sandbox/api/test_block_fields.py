"""`block` fields of v11 and v13 read by an app on the running sandbox agree with what algod
serves for the same round; `global Payouts*` and `online_stake` run."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import msgpack
from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.sandbox import DevAccount
from gridworks.sandbox.encoding import ZERO_ADDRESS, canonical_msgpack

Factory = Callable[..., DevAccount]

APPROVAL = """#pragma version 13
txn ApplicationID
bz done
txn FirstValid
int 1
-
store 0
load 0
block BlkBranch512
log
load 0
block BlkFeesCollected
itob
log
load 0
block BlkProtocol
log
load 0
block BlkTxnCounter
itob
log
load 0
block BlkProposer
log
load 0
block BlkFeeSink
log
global PayoutsGoOnlineFee
itob
log
online_stake
itob
log
done:
int 1
"""


def program(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def test_block_fields_match_the_served_blocks(algod: AlgodClient, account_factory: Factory) -> None:
    creator = account_factory()
    params = algod.suggested_params()
    create = transaction.ApplicationCreateTxn(
        creator.address, params, transaction.OnComplete.NoOpOC, program(algod, APPROVAL),
        program(algod, "#pragma version 13\nint 1"), transaction.StateSchema(0, 0),
        transaction.StateSchema(0, 0),
    )  # fmt: skip
    app_id = int(send(algod, create.sign(creator.private_key))[0]["application-index"])
    params = algod.suggested_params()
    call = transaction.ApplicationNoOpTxn(creator.address, params, app_id)
    logs = [base64.b64decode(log) for log in send(algod, call.sign(creator.private_key))[0]["logs"]]
    round_ = params.first - 1
    header = msgpack.unpackb(algod.block_info(round_, response_format="msgpack"), raw=False)
    header = header["block"]
    previous = msgpack.unpackb(algod.block_info(round_ - 1, response_format="msgpack"), raw=False)
    previous = {k: v for k, v in previous["block"].items() if k != "txns"}
    branch512, fees, protocol, counter, proposer, fee_sink, go_online_fee, stake = logs
    assert branch512 == hashlib.sha512(b"BH" + canonical_msgpack(previous)).digest()
    assert int.from_bytes(fees, "big") == header.get("fc", 0)
    assert protocol == header["proto"].encode()
    assert int.from_bytes(counter, "big") == header["tc"]
    assert proposer == ZERO_ADDRESS  # nobody proposes in a dev sandbox
    assert fee_sink == bytes(header["fees"])
    assert int.from_bytes(go_online_fee, "big") == 2_000_000
    assert len(stake) == 8
    assert header["fc"] == 1_000  # the block of the app's creation: one transaction's fee
