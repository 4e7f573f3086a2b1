"""`GET /v2/blocks/{round}` in JSON for every kind of block the project makes (issue 10, defect 1).

Go's `string` fields of an apply data (state-delta keys, byte values, logs) are written by
algod's JSON encoder as text, each byte outside a valid UTF-8 sequence replaced by U+FFFD;
msgpack keeps the bytes. A block that JSON could not render used to answer HTTP 500.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from algosdk import encoding, transaction
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.contracts.provision import Device
from gridworks.identity.certificates import CertificateKind
from gridworks.sandbox import DevAccount, Network
from gridworks.sandbox.api.algod_shapes import go_string

# Keys, values and logs that are not UTF-8, half of a sequence, or text.
BINARY_KEY = b"\xff\x00\xfe"
BINARY_VALUE = b"\x01\xff"
LOGS = [b"\xe2\x82", b"ok \xe2\x82\xac", b"\xed\xa0\x80", b"\xc0\xaf"]
LOCAL_KEY = b"\xfe"

APPROVAL = f"""#pragma version 8
byte 0x{BINARY_KEY.hex()}
byte 0x{BINARY_VALUE.hex()}
app_global_put
{"".join(f"byte 0x{log.hex()}{chr(10)}log{chr(10)}" for log in LOGS)}
txn OnCompletion
int OptIn
==
bz done
txn Sender
byte 0x{LOCAL_KEY.hex()}
int 7
app_local_put
done:
int 1
"""
CLEAR = "#pragma version 8\nint 1\n"


def compiled(algod: AlgodClient, source: str) -> bytes:
    return base64.b64decode(algod.compile(source)["result"])


def json_and_msgpack(algod: AlgodClient, round_: int) -> tuple[dict[str, Any], dict[str, Any]]:
    as_json = algod.block_info(round_)["block"]  # HTTP 500 before the fix raised here
    as_msgpack = encoding.msgpack.unpackb(
        algod.block_info(round_, response_format="msgpack"), raw=True, strict_map_key=False
    )[b"block"]
    return as_json, as_msgpack


def test_go_string_replaces_each_invalid_byte_as_go_does() -> None:
    assert go_string(b"plain") == "plain"
    assert go_string("€".encode()) == "€"
    assert go_string(b"\xe2\x82") == "\ufffd\ufffd"  # a truncated sequence: one per byte
    assert go_string(b"\xed\xa0\x80") == "\ufffd" * 3  # an encoded surrogate is invalid
    assert go_string(b"\xc0\xaf") == "\ufffd\ufffd"  # an overlong form is invalid
    assert go_string(b"a\xffb") == "a\ufffdb"


def test_app_state_deltas_and_logs_read_back_as_a_json_block(
    network: Network, algod: AlgodClient, account_factory: Any
) -> None:
    user: DevAccount = account_factory(5_000_000)
    sp = algod.suggested_params()
    create = transaction.ApplicationCreateTxn(
        user.address,
        sp,
        transaction.OnComplete.OptInOC,
        compiled(algod, APPROVAL),
        compiled(algod, CLEAR),
        transaction.StateSchema(0, 1),
        transaction.StateSchema(1, 0),
    )
    confirmed = send(algod, user.sign(create))[0]
    block, raw = json_and_msgpack(algod, confirmed["confirmed-round"])
    (entry,) = block["txns"]
    delta = entry["dt"]
    assert delta["gd"] == {go_string(BINARY_KEY): {"at": 1, "bs": go_string(BINARY_VALUE)}}
    assert go_string(BINARY_KEY) == "\ufffd\x00\ufffd"
    assert delta["ld"] == {"0": {go_string(LOCAL_KEY): {"at": 2, "ui": 7}}}
    assert delta["lg"] == ["\ufffd\ufffd", "ok €", "\ufffd" * 3, "\ufffd\ufffd"]
    assert entry["apid"] == confirmed["application-index"]
    assert entry["txn"]["snd"] == user.address  # addresses stay base32
    # msgpack keeps the bytes the JSON form cannot
    (raw_entry,) = raw[b"txns"]
    assert raw_entry[b"dt"][b"lg"] == LOGS
    assert raw_entry[b"dt"][b"gd"] == {BINARY_KEY: {b"at": 1, b"bs": BINARY_VALUE}}


def test_every_block_of_a_factory_at_work_reads_back_as_json(
    network: Network, algod: AlgodClient, certified_device: Device
) -> None:
    """Deploy, validator, TerminalAsset, certificates delivered, a ScadaCert revoked: every
    block since genesis renders as JSON and agrees with its msgpack form."""
    device = certified_device
    device.factory.revoke(device.admin, device.terminal_asset_alias, CertificateKind.ScadaCert)
    last = algod.status()["last-round"]
    seen_types: set[str] = set()
    inner_total = 0
    for round_ in range(max(1, last - 400), last + 1):
        block, raw = json_and_msgpack(algod, round_)
        assert block["rnd"] == raw[b"rnd"] == round_
        entries, raw_entries = block.get("txns", []), raw.get(b"txns", [])
        assert len(entries) == len(raw_entries)
        for entry, raw_entry in zip(entries, raw_entries, strict=True):
            seen_types.add(entry["txn"]["type"])
            assert entry["txn"]["type"] == raw_entry[b"txn"][b"type"].decode()
            inner = entry.get("dt", {}).get("itx", [])
            assert len(inner) == len(raw_entry.get(b"dt", {}).get(b"itx", []))
            inner_total += len(inner)
            for log, raw_log in zip(
                entry.get("dt", {}).get("lg", []),
                raw_entry.get(b"dt", {}).get(b"lg", []),
                strict=True,
            ):
                assert log == go_string(raw_log)
    assert {"pay", "appl", "axfer"} <= seen_types
    assert inner_total > 0  # the factory's mints and claw-backs are inner transactions


@pytest.mark.parametrize("round_", [0, 1])
def test_the_first_blocks_read_as_json(algod: AlgodClient, round_: int) -> None:
    block, raw = json_and_msgpack(algod, round_)
    assert block["rnd"] == raw[b"rnd"] == round_
