"""Beaker's box storage (BoxMapping, BoxList) through its client, with the box references the
client passes; contents read back over algod's box endpoints and through the app itself."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
import pytest
from algosdk import encoding
from algosdk.abi import ABIType
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient
from beaker.lib.storage import BoxList, BoxMapping
from clients_helpers import beaker_client


class Member(pt.abi.NamedTuple):
    name: pt.abi.Field[pt.abi.String]
    level: pt.abi.Field[pt.abi.Uint64]


MEMBER = ABIType.from_string("(string,uint64)")


class Registry:
    members = BoxMapping(pt.abi.Address, Member)
    names = BoxMapping(pt.abi.String, pt.abi.Uint64, prefix=pt.Bytes("n-"))
    slots = BoxList(pt.abi.Uint32, 5)


registry = Application("Registry", state=Registry())


@registry.external
def bootstrap() -> pt.Expr:
    return pt.Pop(registry.state.slots.create())


@registry.external
def join(name: pt.abi.String, level: pt.abi.Uint64) -> pt.Expr:
    member = Member()
    return pt.Seq(
        member.set(name, level),
        registry.state.members[pt.Txn.sender()].set(member),
        registry.state.names[name].set(pt.Itob(level.get())),
    )


@registry.external(read_only=True)
def lookup(who: pt.abi.Address, *, output: Member) -> pt.Expr:
    return registry.state.members[who].store_into(output)


@registry.external
def leave(name: pt.abi.String) -> pt.Expr:
    return pt.Seq(
        pt.Assert(registry.state.members[pt.Txn.sender()].delete()),
        pt.Assert(registry.state.names[name].delete()),
    )


@registry.external
def put_slot(idx: pt.abi.Uint64, value: pt.abi.Uint32) -> pt.Expr:
    return registry.state.slots[idx.get()].set(value)


@registry.external(read_only=True)
def get_slot(idx: pt.abi.Uint64, *, output: pt.abi.Uint32) -> pt.Expr:
    return registry.state.slots[idx.get()].store_into(output)


@pytest.fixture(scope="module")
def client(algod: AlgodClient, network) -> ApplicationClient:
    account = network.new_account(20_000_000, funder=network.dev_accounts()[0])
    app_client = beaker_client(algod, registry, account)
    app_client.create()
    app_client.fund(1_000_000)  # the app account pays the boxes' minimum balance
    app_client.call("bootstrap", boxes=[(0, b"slots")])
    return app_client


def test_box_list_elements_are_written_and_read_back(
    client: ApplicationClient, algod: AlgodClient
) -> None:
    for i, value in enumerate([7, 0, 2**32 - 1]):
        client.call("put_slot", idx=i, value=value, boxes=[(0, b"slots")])
    assert client.call("get_slot", idx=2, boxes=[(0, b"slots")]).return_value == 2**32 - 1
    raw = client.get_box_contents(b"slots")
    assert raw == (7).to_bytes(4, "big") + bytes(4) + b"\xff" * 4 + bytes(8)
    with pytest.raises(Exception, match="logic eval error|out of bounds|extract"):
        client.call("put_slot", idx=5, value=1, boxes=[(0, b"slots")])


def test_box_mapping_set_get_and_delete(client: ApplicationClient, algod: AlgodClient) -> None:
    me = encoding.decode_address(client.sender)
    name_key = b"n-" + b"\x00\x05alice"  # the prefix, then the ABI-encoded string key
    refs = [(0, me), (0, name_key)]
    before = client.get_application_account_info()["min-balance"]
    client.call("join", name="alice", level=3, boxes=refs)
    assert sorted(client.get_box_names()) == sorted([name_key, b"slots", me])
    assert MEMBER.decode(client.get_box_contents(me)) == ["alice", 3]
    assert client.get_box_contents(name_key) == (3).to_bytes(8, "big")
    assert client.call("lookup", who=client.sender, boxes=refs).return_value == ["alice", 3]
    info = client.get_application_account_info()
    member_box_size = len(me) + len(MEMBER.encode(["alice", 3]))
    name_box_size = len(name_key) + 8
    assert info["min-balance"] - before == 2 * 2500 + 400 * (member_box_size + name_box_size)
    assert info["total-boxes"] == 3

    client.call("leave", name="alice", boxes=refs)
    assert client.get_box_names() == [b"slots"]
    assert client.get_application_account_info()["min-balance"] == before
    with pytest.raises(Exception, match="logic eval error|assert"):
        client.call("lookup", who=client.sender, boxes=refs)


def test_a_box_without_a_reference_is_refused(client: ApplicationClient) -> None:
    with pytest.raises(Exception, match="logic eval error|invalid Box reference|box"):
        client.call("get_slot", idx=0)
