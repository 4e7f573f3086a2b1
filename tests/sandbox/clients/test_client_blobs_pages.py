"""Beaker's state blobs (many keys read and written as one byte range), an ABI opt-in method,
and an approval program big enough to need extra program pages."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from beaker import Application, GlobalStateBlob, LocalStateBlob
from clients_helpers import beaker_client


class BlobState:
    notes = GlobalStateBlob(keys=3)
    diary = LocalStateBlob(keys=2)


blobs = Application("Blobs", state=BlobState())


@blobs.create(bare=True)
def create() -> pt.Expr:
    return blobs.initialize_global_state()


@blobs.opt_in
def join(first: pt.abi.String) -> pt.Expr:
    return pt.Seq(
        blobs.initialize_local_state(),
        blobs.state.diary.write(pt.Int(0), first.get()),
    )


@blobs.external
def write(start: pt.abi.Uint64, data: pt.abi.DynamicBytes) -> pt.Expr:
    return blobs.state.notes.write(start.get(), data.get())


@blobs.external(read_only=True)
def read(start: pt.abi.Uint64, stop: pt.abi.Uint64, *, output: pt.abi.DynamicBytes) -> pt.Expr:
    return output.set(blobs.state.notes.read(start.get(), stop.get()))


@blobs.external(read_only=True)
def read_diary(stop: pt.abi.Uint64, *, output: pt.abi.DynamicBytes) -> pt.Expr:
    return output.set(blobs.state.diary[pt.Txn.sender()].read(pt.Int(0), stop.get()))


def test_global_and_local_blobs(algod: AlgodClient, account_factory) -> None:
    client = beaker_client(algod, blobs, account_factory())
    client.create()
    data = bytes(range(200))  # spans the first two 127-byte keys
    client.call("write", start=100, data=data)
    assert bytes(client.call("read", start=100, stop=300).return_value) == data
    assert bytes(client.call("read", start=0, stop=4).return_value) == bytes(4)
    raw = client.get_global_state(raw=True)
    assert sorted(raw) == [b"\x00", b"\x01", b"\x02"]
    assert raw[b"\x00"][100:] == data[:27]

    client.call("join", on_complete=transaction.OnComplete.OptInOC, first="dear diary")
    assert bytes(client.call("read_diary", stop=10).return_value) == b"dear diary"
    assert client.get_local_state(raw=True)[b"\x00"][:10] == b"dear diary"


big = Application("Big")


TABLE = bytes((i * 7) % 251 for i in range(3000))  # a constant bigger than one 2,048-byte page


@big.external
def lookup(i: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(pt.GetByte(pt.Bytes(TABLE), i.get()))


def test_an_app_with_extra_program_pages(algod: AlgodClient, account_factory) -> None:
    client = beaker_client(algod, big, account_factory())
    app_id, _, _ = client.create()
    assert len(client.approval.raw_binary) > 2048
    params = algod.application_info(app_id)["params"]
    assert params["extra-program-pages"] == 1
    assert client.call("lookup", i=2999).return_value == TABLE[2999]
    assert client.call("lookup", i=5).return_value == 35
