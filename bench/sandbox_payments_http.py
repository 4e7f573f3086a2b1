"""Payments confirmed per second through py-algorand-sdk over HTTP, next to the HTTP floor.

A payment here is what a user's script does: sign, `send_transaction`, `wait_for_confirmation`
(3 HTTP requests: POST the transaction, GET status, GET the pending transaction). The floor is
the same number of empty HTTP round trips (1 POST + 2 GET per payment) made with the same client
to a trivial server on the same uvicorn stack, in the same run. Goal: at most 1.6 times the floor.
The sandbox and the trivial server each run in their own process, as a user's sandbox would.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from algosdk import transaction
from algosdk.kmd import KMDClient
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox.embedded import DEFAULT_TOKEN
from gridworks.sandbox.network import Network
from gridworks.sandbox.server import free_port
from gridworks.table import format_table

PAYMENTS = 500
GOAL_RATIO = 1.6
GRIDWORKS = str(Path(sys.executable).with_name("gridworks"))


async def trivial_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    """An ASGI app that answers every request with `{}`."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": b"{}"})


def serve_trivial(port: int) -> None:
    from gridworks.sandbox.server import Listener, ServerGroup, run_loop

    group = ServerGroup([Listener(trivial_app, "127.0.0.1", port)])
    run_loop(group.serve(on_ready=lambda: print("ready", flush=True)))


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "ready" not in line:
        raise RuntimeError(f"server did not start: {line!r}")


def time_payments(algod: AlgodClient, sender: str, key: str, count: int) -> float:
    params = algod.suggested_params()
    _, receiver = __import__("algosdk").account.generate_account()
    started = time.perf_counter()
    for i in range(count):
        signed = transaction.PaymentTxn(sender, params, receiver, 100_000 + i).sign(key)
        txid = algod.send_transaction(signed)
        transaction.wait_for_confirmation(algod, txid, 4)
    return time.perf_counter() - started


def time_client_only(
    sender: str, key: str, params: transaction.SuggestedParams, count: int
) -> float:
    """The client's share of a payment: algosdk signing and encoding it, no HTTP at all."""
    from algosdk import encoding

    _, receiver = __import__("algosdk").account.generate_account()
    started = time.perf_counter()
    for i in range(count):
        signed = transaction.PaymentTxn(sender, params, receiver, 100_000 + i).sign(key)
        encoding.msgpack_encode(signed)
    return time.perf_counter() - started


def time_floor(client: AlgodClient, count: int) -> float:
    body = b"\x82\xa3sig\xc4\x40" + bytes(64) + b"\xa3txn\x80"  # a small msgpack body
    started = time.perf_counter()
    for _ in range(count):
        client.algod_request("POST", "/transactions", data=body)
        client.algod_request("GET", "/status")
        client.algod_request("GET", "/transactions/pending/X")
    return time.perf_counter() - started


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--trivial-server":
        serve_trivial(int(sys.argv[2]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else PAYMENTS
    algod_port, kmd_port, floor_port = free_port(), free_port(), free_port()
    sandbox = subprocess.Popen(
        [GRIDWORKS, "sandbox", "start", "--ephemeral", "--algod-port", str(algod_port), "--kmd-port", str(kmd_port)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    trivial = subprocess.Popen(
        [sys.executable, __file__, "--trivial-server", str(floor_port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(sandbox)
        wait_ready(trivial)
        algod = AlgodClient(DEFAULT_TOKEN, f"http://127.0.0.1:{algod_port}")
        network = Network(algod, KMDClient(DEFAULT_TOKEN, f"http://127.0.0.1:{kmd_port}"))
        dev = network.dev_accounts()[0]
        time_payments(algod, dev.address, dev.private_key, 20)  # warm up both sides
        floor_client = AlgodClient(DEFAULT_TOKEN, f"http://127.0.0.1:{floor_port}")
        time_floor(floor_client, 20)
        floor = time_floor(floor_client, count)
        payments = time_payments(algod, dev.address, dev.private_key, count)
        client = time_client_only(dev.address, dev.private_key, algod.suggested_params(), count)
    finally:
        for proc in (sandbox, trivial):
            proc.terminate()
            proc.wait(10)
    ratio = payments / floor
    rows = [
        ("payments: sign, send, wait for confirmation", count, f"{payments:.2f}", f"{count / payments:,.0f}", f"{payments / count * 1e3:.2f}"),
        ("floor: 3 empty HTTP round trips each", count, f"{floor:.2f}", f"{count / floor:,.0f}", f"{floor / count * 1e3:.2f}"),
        ("client only: algosdk sign + encode, no HTTP", count, f"{client:.2f}", f"{count / client:,.0f}", f"{client / count * 1e3:.2f}"),
    ]  # fmt: skip
    print(
        format_table(
            ("through py-algorand-sdk over HTTP", "n", "total (s)", "per second", "ms each"), rows
        )
    )
    print(f"payments / floor = {ratio:.2f} (goal <= {GOAL_RATIO})")
    print(f"(payments - client only) / floor = {(payments - client) / floor:.2f}")


if __name__ == "__main__":
    main()
