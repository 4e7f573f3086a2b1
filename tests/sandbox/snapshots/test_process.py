"""Snapshots of a persistent sandbox outlive its process; `start --from-dump` in a new one."""

from __future__ import annotations

from pathlib import Path

from algosdk import account, transaction
from beaker import localnet
from conftest import send
from sandbox_process import (  # type: ignore[import-not-found]
    TOKEN,
    Start,
    clients,
    needs_gridworks_script,
)
from sandbox_process import (
    start as start,  # the fixture, re-exported
)

from gridworks.sandbox.gridworks_client import GridworksClient

pytestmark = needs_gridworks_script


def test_a_snapshot_survives_a_restart_and_a_dump_starts_a_new_sandbox(
    start: Start, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start("--data-dir", str(data_dir))
    ready = first.wait_ready()
    algod, _ = clients(ready)
    rich = localnet.get_accounts(kmd_address=ready["kmd"], kmd_token=TOKEN)[0]
    receiver = account.generate_account()[1]
    api = GridworksClient(ready["algod"], TOKEN)
    snapshot = api.snapshot()
    paid = transaction.PaymentTxn(rich.address, algod.suggested_params(), receiver, 400_000)
    send(algod, paid.sign(rich.private_key))
    dump = tmp_path / "after-payment.gwdump"
    api.dump(dump)
    assert first.stop() == 0

    second = start("--data-dir", str(data_dir))
    ready = second.wait_ready()
    algod, _ = clients(ready)
    api = GridworksClient(ready["algod"], TOKEN)
    assert algod.account_info(receiver)["amount"] == 400_000
    assert [s["id"] for s in api.snapshots()] == [snapshot["id"]]
    assert api.revert(snapshot["id"])["round"] == snapshot["round"]
    assert algod.account_info(receiver)["amount"] == 0
    assert second.stop() == 0

    third = start("--ephemeral", "--from-dump", str(dump))
    ready = third.wait_ready()
    assert ready["round"] == str(snapshot["round"] + 1)
    algod, _ = clients(ready)
    assert algod.account_info(receiver)["amount"] == 400_000
    assert third.stop() == 0

    refused = start("--data-dir", str(data_dir), "--from-dump", str(dump))
    assert refused.finish() != 0
    assert "already holds a ledger" in "".join(refused.stderr)
