"""`gridworks ear verify` against the session network (its env vars)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from test_cli_gnode import network_env

from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.ear import EarArchive, archive_delivery
from gridworks.actors.scada import Scada
from gridworks.cli import main
from gridworks.contracts.provision import Device
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import SignedEnvelope, seal
from tests.actors.fleet import Events, Fleet, make_fleet

KEY = "d1-test-x-scada.gridworks_telemetry.d1-test-x"


def telemetry(device: Device) -> SignedEnvelope:
    return seal(
        device.scada,
        message_type="gridworks.telemetry",
        payload={"watts": 4200},
        source=device.scada_alias,
        destination=device.atomic_tnode_alias,
        genesis_hash=device.genesis_hash,
    )


def test_verify_counts_verdicts_and_lists_the_refused(network, certified_device, tmp_path) -> None:
    device = certified_device
    algod = network.algod
    path = tmp_path / "ear.sqlite"
    with EarArchive(path) as archive:
        for _ in range(2):
            archive_delivery(archive, algod, KEY, telemetry(device).wire)
        device.factory.revoke(device.admin, device.terminal_asset_alias, CertificateKind.ScadaCert)
        late = telemetry(device)
        archive_delivery(archive, algod, KEY, late.wire)
    env = network_env(network)
    env["GRIDWORKS_FACTORY_APP_ID"] = str(device.factory.app_id)
    runner = CliRunner()

    done = runner.invoke(main, ["ear", "verify", "--archive", str(path)], env=env)
    assert done.exit_code == 1, done.output
    lines = done.output.splitlines()
    assert lines[0] == f"{path}: 3 messages, factory {device.factory.app_id}"
    table = "\n".join(lines[1:8])
    assert " REVOKED  | 1 " in table
    assert " VERIFIED | 2 " in table
    assert " total    | 3 " in table
    refused = done.output.split("refused:\n", 1)[1]
    (row,) = [line for line in refused.splitlines() if line.startswith(" 3 ")]
    assert f"| {KEY} | {device.scada_alias} | REVOKED | at round " in row

    # the same archive, only its first two messages: all upheld, exit 0
    kept = tmp_path / "kept.sqlite"
    with EarArchive(path) as source, EarArchive(kept) as copy:
        for message in list(source)[:2]:
            copy.append(
                routing_key=message.routing_key,
                body=message.body,
                message_id=message.message_id,
                received_ms=message.received_ms,
                round_=message.round,
            )
    ok = runner.invoke(main, ["ear", "verify", "--archive", str(kept)], env=env)
    assert ok.exit_code == 0, ok.output
    assert " VERIFIED | 2 " in ok.output and "refused" not in ok.output


def test_verify_needs_an_app_id_and_an_archive(network, tmp_path) -> None:
    runner = CliRunner()
    env = network_env(network)
    env["GRIDWORKS_FACTORY_APP_ID"] = ""
    path = tmp_path / "ear.sqlite"
    EarArchive(path).close()
    no_app = runner.invoke(main, ["ear", "verify", "--archive", str(path)], env=env)
    assert no_app.exit_code == 2 and "--app-id" in no_app.output
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database, not at all" * 100)
    bad = runner.invoke(main, ["ear", "verify", "--archive", str(junk), "--app-id", "1"], env=env)
    assert bad.exit_code == 1 and "is not an ear archive" in bad.output
    missing = runner.invoke(
        main, ["ear", "verify", "--archive", str(tmp_path / "nope"), "--app-id", "1"], env=env
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output


@pytest.fixture(scope="module")
def fleet(network) -> Iterator[Fleet]:
    yield from make_fleet(network, "d1.earcli")


def test_gridworks_ear_record_then_verify(fleet: Fleet, tmp_path) -> None:
    device = fleet.device()
    atn, scada = AtomicTNode(device.atn, device.atn_key), Scada(device.scada, device.scada_key)
    events = Events()

    async def talk() -> None:
        async with fleet.host(atn, scada, events=events):  # declares the ear queue
            for value in (1, 2, 3):
                await scada.report("power-w", value)
            await events.take(3)

    try:
        asyncio.run(talk())
    finally:
        fleet.delete_queues(device.atn, device.scada)
    env = network_env(fleet.network)
    env["GRIDWORKS_FACTORY_APP_ID"] = str(fleet.factory.app_id)
    path = tmp_path / "ear.sqlite"
    runner = CliRunner()
    recorded = runner.invoke(
        main,
        [
            "ear",
            "record",
            "--archive",
            str(path),
            "--exchange",
            fleet.config.exchange,
            "--for",
            "2",
        ],
        env=env,
    )
    assert recorded.exit_code == 0, recorded.output
    assert f"recorded 3 messages; 3 in {path}" in recorded.output
    verified = runner.invoke(main, ["ear", "verify", "--archive", str(path)], env=env)
    assert verified.exit_code == 0, verified.output
    assert " VERIFIED | 3 " in verified.output
