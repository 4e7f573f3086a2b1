"""App specs: the package's are known, a user's ARC-32/ARC-56 specs are registered with
`create_explorer_app(sources, app_specs=[...])`, and calls decode by their selector."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from algosdk import abi, transaction
from algosdk.v2client.algod import AlgodClient

from gridworks.explorer import ChainSources, create_explorer_app
from gridworks.explorer.abi_decode import decode_call
from gridworks.explorer.app_specs import AppSpecs, load_app_spec, package_specs
from gridworks.sandbox import DevAccount, Network
from gridworks.sandbox.server import Listener, ServerGroup, free_port
from tests.conftest import send
from tests.explorer.chain_objects import SCRIPT

GREET = abi.Method.from_signature("greet(string,uint64,account,asset,application)string")
ARC56: dict[str, Any] = {
    "arcs": [4, 56],
    "name": "Greeter",
    "structs": {},
    "methods": [
        {
            "name": "greet",
            "args": [
                {"type": "string", "name": "who"},
                {"type": "uint64", "name": "times"},
                {"type": "account", "name": "friend"},
                {"type": "asset", "name": "gift"},
                {"type": "application", "name": "venue"},
            ],
            "returns": {"type": "string", "desc": "the greeting"},
            "actions": {"create": [], "call": ["NoOp"]},
            "readonly": False,
        }
    ],
}
GREETING = SCRIPT  # what the app "returns": markup, to be shown as text
RETURN_LOG = bytes.fromhex("151f7c75") + abi.StringType().encode(GREETING)
APPROVAL = f"#pragma version 8\nbyte 0x{RETURN_LOG.hex()}\nlog\nint 1\nreturn\n"


@contextmanager
def served(app: Any) -> Iterator[httpx.Client]:
    """`app` served on a free port of this process, and a client of it."""
    port = free_port()
    servers = ServerGroup([Listener(app, "127.0.0.1", port)])
    servers.start_in_thread()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        servers.join()


def test_package_specs_are_the_factory_and_the_dispatch_contract() -> None:
    names = {spec.name for spec in package_specs()}
    assert names == {"GNodeFactory", "DispatchContract"}
    specs = AppSpecs.with_package_specs()
    selector = abi.Method.from_signature(
        "get_gnode(string)(uint8,uint8,string,string,uint64,uint64,uint64,address,address,address)"
    ).get_selector()
    found = specs.lookup(selector)
    assert found is not None and found[0].name == "GNodeFactory" and found[1].name == "get_gnode"


def test_arc56_and_arc32_load_from_dicts_and_paths(tmp_path: Path) -> None:
    spec = load_app_spec(ARC56)
    assert (spec.name, spec.arc) == ("Greeter", "ARC-56")
    assert spec.method(GREET.get_selector()) is not None
    path = tmp_path / "greeter.arc56.json"
    path.write_text(json.dumps(ARC56))
    assert load_app_spec(path).methods[0].get_signature() == GREET.get_signature()
    arc32 = {"contract": {"name": "Greeter32", "methods": ARC56["methods"]}, "hints": {}}
    assert load_app_spec(str(path)).name == "Greeter"
    assert load_app_spec(arc32).arc == "ARC-32"
    with pytest.raises(ValueError):
        load_app_spec({"name": "nothing"})


def _call(args: list[bytes], **extra: Any) -> dict[str, Any]:
    return {
        "tx-type": "appl",
        "sender": "SENDER",
        "application-transaction": {
            "application-id": 77,
            "application-args": [base64.b64encode(a).decode() for a in args],
            "accounts": ["FRIEND"],
            "foreign-assets": [5],
            "foreign-apps": [9],
        },
        **extra,
    }


def test_a_call_decodes_values_references_and_return() -> None:
    specs = AppSpecs.with_package_specs([ARC56])
    args = [
        GREET.get_selector(),
        abi.StringType().encode("bob"),
        abi.UintType(64).encode(3),
        bytes([1]),
        bytes([0]),
        bytes([1]),
    ]
    decoded = decode_call(_call(args, logs=[base64.b64encode(RETURN_LOG).decode()]), specs)
    assert decoded is not None
    assert (decoded.spec, decoded.method) == ("Greeter", "greet")
    shown = {a.name: (a.value.value, a.value.kind) for a in decoded.args}
    assert shown == {
        "who": ("bob", "text"),
        "times": ("3", "text"),
        "friend": ("FRIEND", "account"),
        "gift": ("5", "asset"),
        "venue": ("9", "app"),
    }
    assert decoded.returns is not None and decoded.returns.value == GREETING
    assert decoded.problems == []


def test_undecodable_args_are_shown_raw() -> None:
    specs = AppSpecs.with_package_specs([ARC56])
    bad = decode_call(_call([GREET.get_selector(), b"\xff"]), specs)
    assert bad is not None
    assert bad.args[0].value.value == "0xff"
    assert any("does not decode" in p for p in bad.problems)
    assert any("missing" in p for p in bad.problems)
    assert decode_call(_call([b"\x00\x01\x02\x03"]), specs) is None  # unknown selector
    assert decode_call(_call([GREET.get_selector()]), AppSpecs.with_package_specs()) is None


def test_the_spec_of_an_app_is_its_pinned_one_or_the_best_match() -> None:
    pinned = load_app_spec(ARC56, app_ids=[42])
    specs = AppSpecs.with_package_specs([pinned])
    assert specs.guess(42, []) is pinned
    factory = specs.guess(
        7, [abi.Method.from_signature("deliver(string,uint8)void").get_selector()]
    )
    assert factory is not None and factory.name == "GNodeFactory"
    assert specs.guess(7, [b"\x00\x00\x00\x00"]) is None


def test_a_registered_spec_decodes_calls_on_the_explorer(
    network: Network, algod: AlgodClient, dev_accounts: list[DevAccount], explorer: str
) -> None:
    """Against the live sandbox: the user's explorer (with the Greeter spec) decodes the call,
    the sandbox's own (package specs only) shows its args raw."""
    sender = dev_accounts[0]
    params = algod.suggested_params()
    approval = base64.b64decode(algod.compile(APPROVAL)["result"])
    clear = base64.b64decode(algod.compile("#pragma version 8\nint 1\n")["result"])
    create = transaction.ApplicationCreateTxn(
        sender.address,
        params,
        transaction.OnComplete.NoOpOC,
        approval,
        clear,
        transaction.StateSchema(0, 0),
        transaction.StateSchema(0, 0),
    )
    app_id = int(send(algod, sender.sign(create))[0]["application-index"])
    call = transaction.ApplicationNoOpTxn(
        sender.address,
        params,
        app_id,
        app_args=[
            GREET.get_selector(),
            abi.StringType().encode("<b>bob</b>"),
            abi.UintType(64).encode(3),
            bytes([1]),
            bytes([0]),
            bytes([0]),
        ],
        accounts=[dev_accounts[1].address],
        foreign_assets=[app_id],  # any number: the call does not use it
    )
    send(algod, sender.sign(call))
    assert network.indexer is not None
    sources = ChainSources(network.algod, network.indexer)
    with served(create_explorer_app(sources, app_specs=[ARC56])) as client:
        page = client.get(f"/txn/{call.get_txid()}").text
        assert '<span class="method">greet</span>' in page
        assert "&lt;b&gt;bob&lt;/b&gt;" in page and "<b>bob" not in page
        assert f'/account/{dev_accounts[1].address}"' in page
        assert f'/app/{app_id}"' in page
        assert 'class="return-value">&lt;script&gt;window.__pwned=1&lt;/script&gt;<' in page
        app_page = client.get(f"/app/{app_id}").text
        assert 'id="spec-name">Greeter<' in app_page
    with served(create_explorer_app(sources)) as client:
        page = client.get(f"/txn/{call.get_txid()}").text
        assert "no known ARC-4 method" in page and '<span class="method">' not in page


def test_arguments_after_the_fourteenth_travel_in_a_tuple() -> None:
    many = abi.Method.from_signature("many(" + ",".join(["uint64"] * 17) + ")(uint8,string)")
    spec = {"name": "Many", "methods": [many.dictify()]}
    args = [many.get_selector()] + [abi.UintType(64).encode(n) for n in range(14)]
    args.append(abi.TupleType([abi.UintType(64)] * 3).encode([14, 15, 16]))
    returned = bytes.fromhex("151f7c75") + abi.ABIType.from_string("(uint8,string)").encode(
        [7, "ok"]
    )
    txn = _call(args, logs=[base64.b64encode(returned).decode()])
    decoded = decode_call(txn, AppSpecs.with_package_specs([spec]))
    assert decoded is not None and decoded.problems == []
    assert [a.value.value for a in decoded.args] == [str(n) for n in range(17)]
    assert decoded.returns is not None and decoded.returns.value == "(7, ok)"
