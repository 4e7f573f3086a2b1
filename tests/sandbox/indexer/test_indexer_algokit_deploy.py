"""algokit-utils' idempotent deploy across a process restart: the second process finds the
app the first one created through the indexer (its creator's apps and their deploy notes)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient

from gridworks.sandbox import DevAccount

SCRIPT = Path(__file__).with_name("deploy_greeter.py")


def _deploy_in_a_new_process(
    algod: AlgodClient, indexer: IndexerClient, owner: DevAccount, version: str, greeting: str
) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            algod.algod_address,
            indexer.indexer_address,
            algod.algod_token,
            owner.private_key,
            version,
            greeting,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_restarted_process_finds_its_deployment_through_the_indexer(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Callable[..., DevAccount]
) -> None:
    from deploy_greeter import deploy  # type: ignore[import-not-found]

    owner = account_factory()
    first = deploy(algod, indexer, owner.private_key, "1.0", "hello ")
    assert first["action"] == "Create"
    app_id = first["app_id"]

    again = _deploy_in_a_new_process(algod, indexer, owner, "1.0", "hello ")
    assert again == {"action": "Nothing", "app_id": app_id, "greeting": "hello Ada"}
    created = algod.account_info(owner.address)["created-apps"]
    assert [app["id"] for app in created] == [app_id]  # no second app

    changed = _deploy_in_a_new_process(algod, indexer, owner, "2.0", "howdy ")
    assert changed == {"action": "Update", "app_id": app_id, "greeting": "howdy Ada"}
    latest = _deploy_in_a_new_process(algod, indexer, owner, "2.0", "howdy ")
    assert latest["action"] == "Nothing" and latest["app_id"] == app_id
    assert [app["id"] for app in algod.account_info(owner.address)["created-apps"]] == [app_id]
