"""The /gridworks/v1 REST API on algod's port: shapes, algod's token, algod-style refusals that
change nothing; and GridworksClient, the Python client for a sandbox in another process."""

from __future__ import annotations

import zipfile
from io import BytesIO

import httpx
import pytest
from snapshot_helpers import pay  # type: ignore[import-not-found]

from gridworks.sandbox import DEFAULT_TOKEN, Network
from gridworks.sandbox.gridworks_client import GridworksApiError, GridworksClient

HEADERS = {"X-Algo-API-Token": DEFAULT_TOKEN}


@pytest.fixture
def api(fresh_chain: Network) -> httpx.Client:
    assert fresh_chain.sandbox is not None
    base = fresh_chain.sandbox.algod_address + "/gridworks/v1"
    with httpx.Client(base_url=base, headers=HEADERS) as client:
        yield client


def state(net: Network) -> tuple[int, str, list[object]]:
    assert net.sandbox is not None
    return net.sandbox.ledger.round, net.sandbox.ledger.state_digest(), net.sandbox.snapshots()


def test_snapshot_list_revert_reset(fresh_chain: Network, api: httpx.Client) -> None:
    dev = fresh_chain.dev_accounts()
    taken = api.post("/snapshots")
    assert taken.status_code == 200
    first = taken.json()
    assert first["round"] == 0 and isinstance(first["id"], int)
    pay(fresh_chain, dev[0], dev[1].address, 10)
    second = api.post("/snapshots").json()
    assert second["round"] == 1
    listed = api.get("/snapshots").json()["snapshots"]
    assert [s["id"] for s in listed] == [first["id"], second["id"]]
    reverted = api.post(f"/snapshots/{first['id']}/revert")
    assert reverted.status_code == 200
    assert reverted.json() == {**first, "dropped": [second["id"]]}
    assert fresh_chain.algod.status()["last-round"] == 0
    pay(fresh_chain, dev[0], dev[1].address, 10)
    assert api.post("/reset").json() == {"round": 0}
    assert api.get("/snapshots").json() == {"snapshots": []}


def test_an_unknown_snapshot_is_refused_by_name(fresh_chain: Network, api: httpx.Client) -> None:
    api.post("/snapshots")
    before = state(fresh_chain)
    for name in ("999", "abc", "-1"):
        refused = api.post(f"/snapshots/{name}/revert")
        assert refused.status_code == 404
        assert name in refused.json()["message"]
        assert "does not exist" in refused.json()["message"]
    assert state(fresh_chain) == before


def test_timestamp_and_advance(fresh_chain: Network, api: httpx.Client) -> None:
    assert fresh_chain.sandbox is not None
    last = fresh_chain.sandbox.ledger.block(0)["ts"]
    answer = api.post("/blocks/timestamp", json={"timestamp": last + 1000})
    assert answer.json() == {"next-timestamp": last + 1000}
    assert api.post("/blocks/advance", json={"rounds": 3}).json() == {"round": 3}
    assert fresh_chain.algod.block_info(1)["block"]["ts"] == last + 1000


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/blocks/advance", {"rounds": 0}, "rounds must be from 1 to 10000, not 0"),
        ("/blocks/advance", {"rounds": 10_001}, "rounds must be from 1 to 10000"),
        ("/blocks/advance", {"rounds": "3"}, "rounds: Input should be a valid integer"),
        ("/blocks/advance", {"round": 3}, "invalid request body"),
        ("/blocks/advance", {}, "rounds: Field required"),
        ("/blocks/timestamp", {"timestamp": 1}, "is before the last block's"),
        ("/blocks/timestamp", {"timestamp": -1}, "out of range"),
        ("/blocks/timestamp", {"timestamp": 1.5}, "timestamp: Input should be a valid integer"),
        ("/blocks/timestamp", [1], "request body must be a JSON object"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(
    fresh_chain: Network, api: httpx.Client, path: str, body: object, message: str
) -> None:
    assert fresh_chain.sandbox is not None
    before = state(fresh_chain)
    refused = api.post(path, json=body)
    assert refused.status_code == 400
    assert message in refused.json()["message"]
    assert state(fresh_chain) == before
    assert fresh_chain.sandbox.ledger.next_timestamp is None


def test_broken_json_is_refused(api: httpx.Client) -> None:
    refused = api.post("/blocks/advance", content=b"{rounds")
    assert refused.status_code == 400
    assert refused.json() == {"message": "request body is not valid JSON"}


def test_the_api_needs_algods_token(fresh_chain: Network) -> None:
    assert fresh_chain.sandbox is not None
    url = fresh_chain.sandbox.algod_address + "/gridworks/v1/snapshots"
    for headers in ({}, {"X-Algo-API-Token": "b" * 64}):
        refused = httpx.post(url, headers=headers)
        assert refused.status_code == 401
        assert refused.json() == {"message": "Invalid API Token"}
    assert fresh_chain.sandbox.snapshots() == []


def test_dump_over_rest(fresh_chain: Network, api: httpx.Client) -> None:
    answer = api.get("/dump")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert ".gwdump" in answer.headers["content-disposition"]
    with zipfile.ZipFile(BytesIO(answer.content)) as archive:
        assert "manifest.json" in archive.namelist()


def test_the_python_client(fresh_chain: Network, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert fresh_chain.sandbox is not None
    client = GridworksClient(fresh_chain.sandbox.algod_address, DEFAULT_TOKEN)
    taken = client.snapshot()
    assert client.advance(2) == {"round": 2}
    assert [s["id"] for s in client.snapshots()] == [taken["id"]]
    assert client.revert(taken["id"])["round"] == 0
    with pytest.raises(GridworksApiError) as info:
        client.revert(taken["id"] + 1)
    assert info.value.status == 404 and f"snapshot {taken['id'] + 1}" in info.value.message
    last = fresh_chain.sandbox.ledger.block(0)["ts"]
    assert client.set_next_timestamp(last + 5) == {"next-timestamp": last + 5}
    assert client.reset() == {"round": 0}
    assert client.dump(tmp_path / "c.gwdump") == (tmp_path / "c.gwdump").stat().st_size
