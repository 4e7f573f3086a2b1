"""`gridworks sandbox start` as a real subprocess: readiness, signals, persistence, errors."""

from __future__ import annotations

import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from algosdk import account, transaction
from algosdk.error import AlgodHTTPError
from beaker import localnet
from sandbox_process import (  # type: ignore[import-not-found]
    ALGO,
    TOKEN,
    Start,
    clients,
    needs_gridworks_script,
)
from sandbox_process import (
    start as start,  # the fixture, re-exported
)

from gridworks.sandbox.api.algod import WAIT_FOR_BLOCK_TIMEOUT

pytestmark = needs_gridworks_script


def _refuses_connections(url: str) -> bool:
    try:
        httpx.get(url + "/health", timeout=2)
    except httpx.TransportError:
        return True
    return False


def test_start_prints_one_ready_line_serves_both_apis_and_stops_on_sigterm(
    start: Start, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    box = start("--data-dir", str(data_dir))
    ready = box.wait_ready()
    assert ready["network"] == "sandnet-v1"
    assert ready["round"] == "0"
    assert str(data_dir) in ready["where"]

    status = httpx.get(ready["algod"] + "/v2/status", headers={"X-Algo-API-Token": TOKEN})
    assert status.status_code == 200
    assert status.json()["last-round"] == 0
    assert httpx.get(ready["algod"] + "/v2/status").status_code == 401

    wallets = httpx.get(ready["kmd"] + "/v1/wallets", headers={"X-KMD-API-Token": TOKEN})
    assert wallets.status_code == 200
    names = [w["name"] for w in wallets.json()["wallets"]]
    assert "unencrypted-default-wallet" in names

    algod, _ = clients(ready)
    accounts = localnet.get_accounts(kmd_address=ready["kmd"], kmd_token=TOKEN)
    assert len(accounts) >= 3
    for dev in accounts:
        assert algod.account_info(dev.address)["amount"] >= 1_000_000 * ALGO

    assert box.stop(signal.SIGTERM) == 0
    assert box.stdout[-1] == "sandbox stopped"
    assert [line for line in box.stdout if "sandbox ready" in line] == [box.ready_line]
    assert not any("Traceback" in line for line in box.stderr), box.stderr
    assert _refuses_connections(ready["algod"]) and _refuses_connections(ready["kmd"])
    assert (data_dir / "ledger.sqlite").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signals_stop_it_cleanly(start: Start, tmp_path: Path, sig: int) -> None:
    box = start("--data-dir", str(tmp_path / "data"))
    ready = box.wait_ready()
    assert box.stop(sig) == 0
    assert box.stdout == [
        box.ready_line,
        f"explorer: {ready['algod']}/explorer/",
        "sandbox stopped",
    ]
    assert not any("Traceback" in line for line in box.stderr), box.stderr
    assert _refuses_connections(ready["algod"])


def test_stopping_does_not_wait_for_a_pending_long_poll(start: Start) -> None:
    """wait-for-block-after holds a request for up to a minute; a stop must not wait for it."""
    box = start("--ephemeral")
    ready = box.wait_ready()
    outcome: dict[str, object] = {}

    def long_poll() -> None:
        url = ready["algod"] + f"/v2/status/wait-for-block-after/{ready['round']}"
        try:
            response = httpx.get(url, headers={"X-Algo-API-Token": TOKEN}, timeout=90)
            outcome["status"] = response.status_code
        except httpx.TransportError as exc:
            outcome["error"] = exc

    poller = threading.Thread(target=long_poll, daemon=True)
    poller.start()
    try:
        time.sleep(0.5)
        assert poller.is_alive(), outcome  # the request is waiting on the server
        stopping = time.monotonic()
        assert box.stop(signal.SIGTERM) == 0
        # the pending long poll did not hold the stop up to its timeout
        assert time.monotonic() - stopping < WAIT_FOR_BLOCK_TIMEOUT / 4
    finally:
        poller.join(10)
    assert not poller.is_alive()
    assert outcome == {"status": 200}
    assert box.stdout[-1] == "sandbox stopped"


def test_a_killed_sandbox_restarts_with_everything_it_had_confirmed(
    start: Start, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start("--data-dir", str(data_dir))
    ready = first.wait_ready()
    algod, _ = clients(ready)
    dev = localnet.get_accounts(kmd_address=ready["kmd"], kmd_token=TOKEN)
    newcomer = account.generate_account()[1]

    params = algod.suggested_params()
    signed = [
        transaction.PaymentTxn(dev[0].address, params, newcomer, 5 * ALGO).sign(dev[0].private_key),
        transaction.PaymentTxn(dev[0].address, params, dev[1].address, 7 * ALGO, note=b"x").sign(
            dev[0].private_key
        ),
        transaction.PaymentTxn(dev[1].address, params, newcomer, 123_456).sign(dev[1].private_key),
        transaction.AssetCreateTxn(
            dev[1].address,
            params,
            total=1_000,
            decimals=0,
            default_frozen=False,
            unit_name="KEEP",
            asset_name="survives kill -9",
        ).sign(dev[1].private_key),
    ]
    txids = []
    for stxn in signed:
        txids.append(algod.send_transaction(stxn))
        transaction.wait_for_confirmation(algod, txids[-1], 4)
    confirmed = {txid: algod.pending_transaction_info(txid) for txid in txids}
    asset_id = confirmed[txids[-1]]["asset-index"]
    watched = [a.address for a in dev] + [newcomer]
    before = {
        "versions": algod.versions(),
        "round": algod.status()["last-round"],
        "accounts": {addr: algod.account_info(addr) for addr in watched},
        "asset": algod.asset_info(asset_id),
        "keys": sorted((a.address, a.private_key) for a in dev),
        "blocks": [algod.block_info(r) for r in range(algod.status()["last-round"] + 1)],
    }
    assert before["round"] == len(signed)

    first.proc.send_signal(signal.SIGKILL)
    assert first.finish() == -signal.SIGKILL
    assert "sandbox stopped" not in first.stdout

    second = start("--data-dir", str(data_dir))
    again = second.wait_ready()
    assert again["round"] == str(before["round"])
    algod, _ = clients(again)
    assert algod.versions()["genesis_hash_b64"] == before["versions"]["genesis_hash_b64"]
    assert algod.versions()["genesis_id"] == before["versions"]["genesis_id"]
    assert algod.status()["last-round"] == before["round"]
    for txid, info in confirmed.items():
        assert algod.pending_transaction_info(txid) == info
    for addr, info in before["accounts"].items():
        assert algod.account_info(addr) == info
    assert algod.account_info(newcomer)["amount"] == 5 * ALGO + 123_456
    assert algod.asset_info(asset_id) == before["asset"]
    assert [algod.block_info(r) for r in range(before["round"] + 1)] == before["blocks"]
    restored = localnet.get_accounts(kmd_address=again["kmd"], kmd_token=TOKEN)
    assert sorted((a.address, a.private_key) for a in restored) == before["keys"]

    # and it carries on from there: the next block, and a fresh asset id
    params = algod.suggested_params()
    replay = signed[0]
    with pytest.raises(AlgodHTTPError) as refused:
        algod.send_transaction(replay)
    assert refused.value.code == 400
    assert "already in ledger" in str(refused.value)
    create = transaction.AssetCreateTxn(
        dev[1].address, params, total=5, decimals=0, default_frozen=False, unit_name="NEXT"
    ).sign(dev[1].private_key)
    txid = algod.send_transaction(create)
    result = transaction.wait_for_confirmation(algod, txid, 4)
    assert result["confirmed-round"] == before["round"] + 1
    assert result["asset-index"] > asset_id
    assert second.stop() == 0


def test_ephemeral_writes_nothing(start: Start, tmp_path: Path) -> None:
    data_dir = tmp_path / "ephemeral-data"
    box = start("--ephemeral", "--data-dir", str(data_dir))
    ready = box.wait_ready()
    assert ready["where"] == "in memory"
    algod, _ = clients(ready)
    dev = localnet.get_accounts(kmd_address=ready["kmd"], kmd_token=TOKEN)
    params = algod.suggested_params()
    pay = transaction.PaymentTxn(dev[0].address, params, dev[1].address, ALGO)
    transaction.wait_for_confirmation(
        algod, algod.send_transaction(pay.sign(dev[0].private_key)), 4
    )
    assert box.stop() == 0
    assert not data_dir.exists() or not any(data_dir.iterdir())
    assert list((tmp_path / "cwd").iterdir()) == []  # not the default data dir either


@pytest.mark.parametrize("busy", ["algod", "kmd", "indexer"])
def test_a_port_in_use_is_one_clear_error(start: Start, tmp_path: Path, busy: str) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        ports = {f"{busy}_port": port}
        box = start("--data-dir", str(tmp_path / "data"), **ports)
        code = box.finish()
    assert code != 0
    assert not any("sandbox ready" in line for line in box.stdout), box.stdout
    errors = [line for line in box.stderr if line.strip()]
    assert len(errors) == 1, box.stderr
    assert str(port) in errors[0]
    assert "in use" in errors[0]
