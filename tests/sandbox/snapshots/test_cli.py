"""`gridworks sandbox snapshot|snapshots|revert|reset|advance|set-timestamp|dump` against a
running sandbox over REST (click's CliRunner), and `start --from-dump` as a real process."""

from __future__ import annotations

import re
from pathlib import Path

from algosdk import account
from click.testing import CliRunner, Result
from snapshot_helpers import pay  # type: ignore[import-not-found]

from gridworks.cli import main
from gridworks.sandbox import Network
from gridworks.sandbox.server import free_port


def run(net: Network, *args: str, token: str | None = None) -> Result:
    assert net.sandbox is not None
    options = ["--algod-url", net.sandbox.algod_address]
    if token is not None:
        options += ["--token", token]
    return CliRunner().invoke(main, ["sandbox", *args, *options])


def test_the_commands_drive_a_running_sandbox(fresh_chain: Network, tmp_path: Path) -> None:
    assert fresh_chain.sandbox is not None
    dev = fresh_chain.dev_accounts()
    receiver = account.generate_account()[1]

    taken = run(fresh_chain, "snapshot")
    assert taken.exit_code == 0, taken.output
    shown = re.fullmatch(r"snapshot (\d+) at round 0\n", taken.output)
    assert shown is not None, taken.output
    snapshot_id = shown[1]
    pay(fresh_chain, dev[0], receiver, 300_000)
    assert run(fresh_chain, "advance", "4").output == "round 5\n"
    last = fresh_chain.sandbox.ledger.block(5)["ts"]
    stamped = run(fresh_chain, "set-timestamp", str(last + 60))
    assert stamped.output == f"the next block's timestamp: {last + 60}\n"
    assert run(fresh_chain, "advance", "1").exit_code == 0
    assert fresh_chain.sandbox.ledger.block(6)["ts"] == last + 60
    listed = run(fresh_chain, "snapshots")
    assert listed.output == f"snapshot {snapshot_id} at round 0\n"

    reverted = run(fresh_chain, "revert", snapshot_id)
    assert reverted.exit_code == 0, reverted.output
    assert reverted.output == f"reverted to snapshot {snapshot_id}: round 0 (dropped: none)\n"
    assert fresh_chain.balance(receiver) == 0

    dump = tmp_path / "cli.gwdump"
    dumped = run(fresh_chain, "dump", str(dump))
    assert dumped.exit_code == 0 and dump.stat().st_size > 0
    assert f"dumped the sandbox to {dump}" in dumped.output
    assert run(fresh_chain, "reset").output == "reset to round 0\n"


def test_refusals_are_one_line_and_change_nothing(fresh_chain: Network) -> None:
    assert fresh_chain.sandbox is not None
    before = fresh_chain.sandbox.ledger.state_digest()
    unknown = run(fresh_chain, "revert", "41")
    assert unknown.exit_code == 1
    assert "the sandbox refused: snapshot 41 does not exist" in unknown.output
    too_many = run(fresh_chain, "advance", "10001")
    assert too_many.exit_code == 1
    assert "rounds must be from 1 to 10000" in too_many.output
    early = run(fresh_chain, "set-timestamp", "5")
    assert "is before the last block's" in early.output
    wrong_token = run(fresh_chain, "snapshot", token="b" * 64)
    assert wrong_token.exit_code == 1 and "Invalid API Token" in wrong_token.output
    assert fresh_chain.sandbox.ledger.state_digest() == before
    assert fresh_chain.sandbox.snapshots() == []


def test_an_unreachable_sandbox_is_named(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(main, ["sandbox", "snapshot", "--algod-url", url])
    assert result.exit_code == 1
    assert f"cannot reach the sandbox at {url}" in result.output
    assert "Traceback" not in result.output
