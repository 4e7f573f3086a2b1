"""Beaker's ApplicationClient against an ABI router that echoes every ABI type: the client
encodes the arguments, the app decodes and re-encodes them, the client decodes the return."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
from typing import Literal

import pyteal as pt
import pytest
from algosdk import encoding
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient
from clients_helpers import beaker_client

Point = pt.abi.Tuple2[pt.abi.Uint64, pt.abi.String]
Nested = pt.abi.Tuple3[
    pt.abi.StaticArray[pt.abi.Uint16, Literal[2]],
    pt.abi.DynamicArray[pt.abi.String],
    pt.abi.Tuple2[pt.abi.Bool, pt.abi.Address],
]

echo = Application("Echo")


@echo.external
def u8(v: pt.abi.Uint8, *, output: pt.abi.Uint8) -> pt.Expr:
    return output.set(v)


@echo.external
def u16(v: pt.abi.Uint16, *, output: pt.abi.Uint16) -> pt.Expr:
    return output.set(v)


@echo.external
def u32(v: pt.abi.Uint32, *, output: pt.abi.Uint32) -> pt.Expr:
    return output.set(v)


@echo.external
def u64(v: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(v.get() + pt.Int(1))


@echo.external
def byte_(v: pt.abi.Byte, *, output: pt.abi.Byte) -> pt.Expr:
    return output.set(v)


@echo.external
def bool_(v: pt.abi.Bool, *, output: pt.abi.Bool) -> pt.Expr:
    return output.set(pt.Not(v.get()))


@echo.external
def address(v: pt.abi.Address, *, output: pt.abi.Address) -> pt.Expr:
    return output.set(v)


@echo.external
def string(v: pt.abi.String, *, output: pt.abi.String) -> pt.Expr:
    return output.set(pt.Concat(v.get(), pt.Bytes("!")))


@echo.external
def dynamic_bytes(v: pt.abi.DynamicBytes, *, output: pt.abi.DynamicBytes) -> pt.Expr:
    return output.set(v)


@echo.external
def static_array(
    v: pt.abi.StaticArray[pt.abi.Uint32, Literal[3]],
    *,
    output: pt.abi.StaticArray[pt.abi.Uint32, Literal[3]],
) -> pt.Expr:
    return output.set(v)


@echo.external
def dynamic_array(
    v: pt.abi.DynamicArray[pt.abi.Uint64], *, output: pt.abi.DynamicArray[pt.abi.Uint64]
) -> pt.Expr:
    return output.set(v)


@echo.external
def bool_array(
    v: pt.abi.StaticArray[pt.abi.Bool, Literal[10]],
    *,
    output: pt.abi.StaticArray[pt.abi.Bool, Literal[10]],
) -> pt.Expr:
    return output.set(v)


@echo.external
def strings(v: pt.abi.DynamicArray[pt.abi.String], *, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(v.length())


@echo.external
def point(v: Point, *, output: Point) -> pt.Expr:
    return output.decode(v.encode())


@echo.external
def nested(v: Nested, *, output: Nested) -> pt.Expr:
    return output.decode(v.encode())


@echo.external
def many(
    a: pt.abi.Uint8,
    b: pt.abi.Bool,
    c: pt.abi.String,
    d: pt.abi.Uint64,
    e: pt.abi.Address,
    f: pt.abi.Bool,
    *,
    output: pt.abi.DynamicBytes,
) -> pt.Expr:
    """Six arguments, two of them bools, so the router unpacks each from its own app arg."""
    return output.set(
        pt.Concat(
            c.get(),
            pt.Itob(a.get() + d.get()),
            pt.If(b.get(), pt.Bytes("T"), pt.Bytes("F")),
            pt.If(f.get(), pt.Bytes("T"), pt.Bytes("F")),
            e.get(),
        )
    )


@echo.external(read_only=True)
def caller(*, output: pt.abi.Address) -> pt.Expr:
    return output.set(pt.Txn.sender())


@pytest.fixture(scope="module")
def client(algod: AlgodClient, network) -> ApplicationClient:
    account = network.new_account(10_000_000, funder=network.dev_accounts()[0])
    app_client = beaker_client(algod, echo, account)
    app_client.create()
    return app_client


CASES: list[tuple[str, object, object]] = [
    ("u8", 255, 255),
    ("u16", 65535, 65535),
    ("u32", 2**32 - 1, 2**32 - 1),
    ("u64", 2**64 - 2, 2**64 - 1),
    ("byte_", 7, 7),
    ("bool_", True, False),
    ("string", "héllo", "héllo!"),
    ("dynamic_bytes", b"\x00\x01\xff", [0, 1, 255]),
    ("static_array", [1, 2, 2**32 - 1], [1, 2, 2**32 - 1]),
    ("dynamic_array", [], []),
    ("dynamic_array", [0, 1, 2**64 - 1], [0, 1, 2**64 - 1]),
    ("bool_array", [True, False] * 5, [True, False] * 5),
    ("strings", ["a", "", "ccc"], 3),
    ("point", (5, "five"), [5, "five"]),
]


@pytest.mark.parametrize(("method", "arg", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_abi_type_round_trips(
    client: ApplicationClient, method: str, arg: object, expected: object
) -> None:
    result = client.call(method, v=arg)
    assert result.decode_error is None
    assert result.return_value == expected


def test_address_and_nested_tuple(client: ApplicationClient) -> None:
    addr = client.sender
    assert client.call("address", v=addr).return_value == addr
    arg = ([1, 65535], ["x", "yz", ""], (True, addr))
    assert client.call("nested", v=arg).return_value == [[1, 65535], ["x", "yz", ""], [True, addr]]


def test_many_arguments(client: ApplicationClient) -> None:
    addr = client.sender
    result = client.call("many", a=3, b=True, c="s", d=4, e=addr, f=False)
    assert result.decode_error is None
    expected = b"s" + (7).to_bytes(8, "big") + b"TF" + encoding.decode_address(addr)
    assert bytes(result.return_value) == expected


def test_algokit_answers_a_read_only_method_by_simulate(
    client: ApplicationClient, algod: AlgodClient
) -> None:
    round_before = algod.status()["last-round"]
    algokit = client.algokit_app_client  # beaker's own call sends; algokit's simulates
    assert algokit.call("caller").return_value == client.sender
    assert algod.status()["last-round"] == round_before  # simulated, not sent
