"""An app compiled by Algorand Python (puyapy, from PyPI) deploys and runs on the sandbox.

The contract is compiled when the test runs, for AVM v13 (and v11), by puyapy in its own tool
venv (see `puya_tool.py`: puyapy needs Python >= 3.12); its approval and clear programs are
deployed through algod's REST API and its ARC-4 methods called with algosdk, as a user would.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from algosdk import abi, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    AtomicTransactionComposer,
)
from algosdk.v2client.algod import AlgodClient
from conftest import send
from puya_tool import compile_contract

from gridworks.sandbox import DevAccount

Factory = Callable[..., DevAccount]

CONTRACT = """
from algopy import ARC4Contract, Bytes, GlobalState, UInt64, arc4, Global, op


class Counter(ARC4Contract):
    def __init__(self) -> None:
        self.count = GlobalState(UInt64(0))

    @arc4.abimethod
    def increment(self, by: arc4.UInt64) -> arc4.UInt64:
        self.count.value += by.native
        return arc4.UInt64(self.count.value)

    @arc4.abimethod(readonly=True)
    def payouts_percent(self) -> UInt64:
        return Global.payouts_percent

    @arc4.abimethod(readonly=True)
    def online_stake(self) -> UInt64:
        return op.online_stake()

    @arc4.abimethod(readonly=True)
    def digest(self, data: Bytes) -> Bytes:
        return op.sha512(data)
"""


V13_ONLY = "    @arc4.abimethod(readonly=True)\n    def digest"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The contract compiled for AVM v11 and v13 (once for the module)."""
    out: dict[int, Path] = {}
    for version in (11, 13):
        work = tmp_path_factory.mktemp(f"puya{version}")
        source = work / "counter.py"
        # sha512 is v13's: the v11 build leaves the `digest` method out
        text = CONTRACT if version == 13 else CONTRACT.split(V13_ONLY)[0]
        source.write_text(text)
        compile_contract(source, work / "out", version)
        out[version] = work / "out"
    return out


def deploy(algod: AlgodClient, creator: DevAccount, out: Path) -> int:
    approval = (out / "Counter.approval.bin").read_bytes()
    clear = (out / "Counter.clear.bin").read_bytes()
    params = algod.suggested_params()
    create = transaction.ApplicationCreateTxn(
        creator.address, params, transaction.OnComplete.NoOpOC, approval, clear,
        transaction.StateSchema(1, 0), transaction.StateSchema(0, 0),
    )  # fmt: skip
    info = send(algod, create.sign(creator.private_key))[0]
    return int(info["application-index"])


def methods(out: Path) -> dict[str, abi.Method]:
    spec = json.loads((out / "Counter.arc56.json").read_text())
    return {m["name"]: abi.Method.undictify(m) for m in spec["methods"]}


def call(
    algod: AlgodClient, sender: DevAccount, app_id: int, method: abi.Method, *args: object
) -> object:
    composer = AtomicTransactionComposer()
    composer.add_method_call(
        app_id, method, sender.address, algod.suggested_params(),
        AccountTransactionSigner(sender.private_key), method_args=list(args),
    )  # fmt: skip
    return composer.execute(algod, 4).abi_results[0].return_value


@pytest.mark.parametrize("version", [11, 13])
def test_a_puyapy_app_deploys_and_runs(
    compiled: dict[int, Path], algod: AlgodClient, account_factory: Factory, version: int
) -> None:
    out = compiled[version]
    assert (out / "Counter.approval.teal").read_text().startswith(f"#pragma version {version}")
    assert (out / "Counter.approval.bin").read_bytes()[0] == version
    creator, caller = account_factory(), account_factory()
    app_id = deploy(algod, creator, out)
    found = methods(out)
    assert call(algod, caller, app_id, found["increment"], 5) == 5
    assert call(algod, caller, app_id, found["increment"], 7) == 12
    state = algod.application_info(app_id)["params"]["global-state"]
    assert [(base64.b64decode(kv["key"]), kv["value"]["uint"]) for kv in state] == [(b"count", 12)]
    assert call(algod, caller, app_id, found["payouts_percent"]) == 50
    assert isinstance(call(algod, caller, app_id, found["online_stake"]), int)
    if version == 13:
        digest = call(algod, caller, app_id, found["digest"], b"abc")
        assert bytes(digest) == hashlib.sha512(b"abc").digest()  # type: ignore[arg-type]
