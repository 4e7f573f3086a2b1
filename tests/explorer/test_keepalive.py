"""The explorer's kept-alive algod and indexer clients answer as algosdk's own do."""

from __future__ import annotations

import socket

import pytest
from algosdk.error import AlgodHTTPError, IndexerHTTPError
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from gridworks.explorer import keepalive
from gridworks.explorer.keepalive import KeepAliveAlgodClient, KeepAliveIndexerClient

pytestmark = pytest.mark.embedded_only

TOKEN = "a" * 64


@pytest.fixture
def clients(sandbox) -> tuple[KeepAliveAlgodClient, KeepAliveIndexerClient]:
    keepalive._connections.open.clear()
    return (
        KeepAliveAlgodClient(TOKEN, sandbox.algod_address),
        KeepAliveIndexerClient(TOKEN, sandbox.indexer_address),
    )


def test_answers_are_algosdks_over_one_connection(sandbox, clients, account_factory) -> None:
    account_factory(1_000_000)  # so that block 1 exists
    algod, indexer = clients
    stock_algod = AlgodClient(TOKEN, sandbox.algod_address)
    stock_indexer = IndexerClient(TOKEN, sandbox.indexer_address)
    assert algod.block_info(1) == stock_algod.block_info(1)
    assert algod.block_info(1, response_format="msgpack") == stock_algod.block_info(
        1, response_format="msgpack"
    )
    assert indexer.block_info(round_num=1) == stock_indexer.block_info(round_num=1)
    assert algod.health() is None  # unversioned, no token, JSON null
    sockets = {id(conn.sock) for conn in keepalive._connections.open.values()}
    assert len(keepalive._connections.open) == 2  # one to algod, one to the indexer
    algod.status()
    indexer.health()
    assert {id(conn.sock) for conn in keepalive._connections.open.values()} == sockets


def test_errors_are_algosdks(sandbox, clients) -> None:
    algod, indexer = clients
    with pytest.raises(AlgodHTTPError) as kept:
        algod.asset_info(987654321)
    with pytest.raises(AlgodHTTPError) as stock:
        AlgodClient(TOKEN, sandbox.algod_address).asset_info(987654321)
    assert (
        (kept.value.code, str(kept.value))
        == (stock.value.code, str(stock.value))
        == (
            404,
            str(stock.value),
        )
    )
    with pytest.raises(IndexerHTTPError) as kept_ix:
        indexer.asset_info(987654321)
    with pytest.raises(IndexerHTTPError) as stock_ix:
        IndexerClient(TOKEN, sandbox.indexer_address).asset_info(987654321)
    assert str(kept_ix.value) == str(stock_ix.value)
    wrong = KeepAliveAlgodClient("b" * 64, sandbox.algod_address)
    with pytest.raises(AlgodHTTPError) as refused:
        wrong.status()
    assert refused.value.code == 401
    assert "Invalid API Token" in str(refused.value)


def test_a_connection_the_server_closed_is_reopened(clients) -> None:
    algod, _ = clients
    before = algod.status()["last-round"]
    (conn,) = keepalive._connections.open.values()
    assert conn.sock is not None
    conn.sock.shutdown(socket.SHUT_RDWR)  # as a server's keep-alive timeout would
    assert algod.status()["last-round"] >= before
    (again,) = keepalive._connections.open.values()
    assert again is not conn


def test_an_unreachable_node_raises_oserror() -> None:
    from gridworks.sandbox.server import free_port

    algod = KeepAliveAlgodClient(TOKEN, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(OSError):
        algod.status()
