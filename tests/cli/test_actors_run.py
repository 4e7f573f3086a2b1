"""`gridworks actors run` end to end: certified devices and a Supervisor on the session network,
run as a subprocess on two worker processes over the dev broker."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridworks.actors.broker import BrokerConfig
from gridworks.cli import main
from gridworks.contracts.provision import (
    Device,
    FactorySetup,
    provision_device,
    provision_service,
)
from gridworks.identity.keys import MIN_SCRYPT_N, ActorKey, write_key_file
from gridworks.identity.roles import GNodeRole
from gridworks.sandbox import Network
from tests.conftest import KEY_PASSWORD, assert_no_secret

COMMAND = [sys.executable, "-c", "from gridworks.cli import main; main()", "actors", "run"]
COUNTS = re.compile(
    r"^worker (\d): (\d+) actors, (\d+) accepted, (\d+) refused, (\d+) duplicates, "
    r"(\d+) published$",
    re.M,
)


class Fleet:
    """Two certified devices and a certified Supervisor, their key files and a run file."""

    def __init__(self, network: Network, setup: FactorySetup, tmp: Path, broker: BrokerConfig):
        self.devices: list[Device] = [
            provision_device(network, f"d1.test.w{uuid.uuid4().hex[:12]}", on=setup)
            for _ in range(2)
        ]
        self.supervisor = f"d1.s{uuid.uuid4().hex[:10]}"
        supervisor_key = provision_service(
            network, self.supervisor, GNodeRole.Supervisor, on=setup, micro_algos=1_000_000
        )
        self.time = f"d1.t{uuid.uuid4().hex[:10]}"
        time_key = provision_service(
            network, self.time, GNodeRole.TimeCoordinator, on=setup, micro_algos=1_000_000
        )
        self.keys: list[ActorKey] = [supervisor_key, time_key]
        actors: list[dict[str, object]] = [
            {
                "kind": "supervisor",
                "alias": self.supervisor,
                "key_file": self._key(tmp, "sup", supervisor_key),
                "silent_after_s": 30,
            },  # fmt: skip
        ]
        for i, d in enumerate(self.devices):
            for kind, alias, key in (
                ("atomic-tnode", d.atomic_tnode_alias, d.atomic_tnode),
                ("scada", d.scada_alias, d.scada),
            ):
                self.keys.append(key)
                spec = {
                    "kind": kind,
                    "alias": alias,
                    "key_file": self._key(tmp, f"{kind}{i}", key),
                    "supervisor": self.supervisor,
                    "heartbeat_s": 0.5,
                }
                if kind == "scada":  # the Scadas make up the run's roster
                    spec["time_coordinator"] = self.time
                actors.append(spec)
        actors.append(
            {
                "kind": "time-coordinator",
                "alias": self.time,
                "key_file": self._key(tmp, "time", time_key),
                "run": {
                    "run_id": "r1",
                    "start_s": 1_577_836_800,
                    "step_seconds": 3600,
                    "steps": 3,
                    "resend_after_s": 0.5,
                    "max_tries": 20,
                },
            }
        )
        self.aliases = [str(a["alias"]) for a in actors]
        self.broker = broker
        self.runfile = tmp / "run.json"
        self.runfile.write_text(
            json.dumps(
                {
                    "chain": {
                        "algod_url": network.algod.algod_address,
                        "algod_token_env": "GW_TEST_ALGOD_TOKEN",
                        "factory_app_id": setup.factory.app_id,
                    },
                    "broker": {
                        "exchange": broker.exchange,
                        "dead_letter_exchange": broker.dead_letter_exchange,
                        "dead_letter_queue": broker.dead_letter_queue,
                        "queue_expires_ms": broker.queue_expires_ms,
                        "ear": False,
                    },
                    "actors": actors,
                },
                indent=2,
            )
        )
        self.env = {
            **os.environ,
            "GRIDWORKS_KEY_PASSWORD": KEY_PASSWORD,
            "GW_TEST_ALGOD_TOKEN": network.algod.algod_token,
        }

    @staticmethod
    def _key(tmp: Path, name: str, key: ActorKey) -> str:
        (tmp / "keys").mkdir(exist_ok=True)
        write_key_file(tmp / "keys" / f"{name}.key", key, KEY_PASSWORD, scrypt_n=MIN_SCRYPT_N)
        return f"keys/{name}.key"

    def no_secrets(self, text: str) -> None:
        assert KEY_PASSWORD not in text
        for key in self.keys:
            assert_no_secret(text, key)


@pytest.fixture
def fleet(
    network: Network, gnode_factory: FactorySetup, tmp_path: Path, broker_config: BrokerConfig
) -> Fleet:
    return Fleet(network, gnode_factory, tmp_path, broker_config)


def counts(stdout: str) -> dict[int, tuple[int, ...]]:
    return {int(m[0]): tuple(int(x) for x in m[1:]) for m in COUNTS.findall(stdout)}


def test_two_workers_run_the_fleet_and_the_supervisor_hears_everyone(fleet: Fleet) -> None:
    done = subprocess.run(
        [*COMMAND, str(fleet.runfile), "--workers", "2", "--for", "8", "--log-level", "DEBUG"],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sup, atn0, scada0, atn1, scada1, coordinator = fleet.aliases
    # placed round robin in the file's order
    assert f"worker 0: {sup}, {scada0}, {scada1}\n" in done.stderr
    assert f"worker 1: {atn0}, {atn1}, {coordinator}\n" in done.stderr
    found = counts(done.stdout)
    assert sorted(found) == [0, 1]
    (actors0, accepted0, refused0, _, published0) = found[0]
    (actors1, accepted1, refused1, _, published1) = found[1]
    assert (actors0, actors1) == (3, 3)
    assert refused0 == refused1 == 0
    # worker 0's supervisor takes heartbeats from both workers, and its Scadas timesteps from
    # worker 1's coordinator; worker 1's coordinator takes their readies
    assert accepted0 >= 4 + 3 * 2 and accepted1 >= 3 * 2
    assert published0 >= 2 + 3 * 2 and published1 >= 2 + 3
    for alias in (atn0, scada0, atn1, scada1):  # the listener's line for each accepted one
        heard = f"{sup} took gridworks.heartbeat from {alias}"
        assert heard in done.stderr, done.stderr[-3000:]
    for alias in (scada0, scada1):
        assert f"{alias} took gridworks.timestep from {coordinator}" in done.stderr
        assert f"{coordinator} took gridworks.ready from {alias}" in done.stderr
    assert f"{coordinator}: run r1 finished: 3 steps" in done.stderr
    assert "gridworks.timestep" not in "".join(  # the AtomicTNodes are not on the run
        line
        for line in done.stderr.splitlines()
        if f"{atn0} took" in line or f"{atn1} took" in line
    )
    # each worker logs with its index and closes with its counts
    for index in (0, 1):
        assert re.search(rf"worker {index} INFO gridworks.actors.workers: worker {index}: ",
                         done.stderr)  # fmt: skip
    assert "went silent" not in done.stderr
    assert "total: 6 actors on 2 workers" in done.stdout
    fleet.no_secrets(done.stdout + done.stderr)


def test_sigint_stops_the_workers_cleanly(fleet: Fleet) -> None:
    process = subprocess.Popen(
        [*COMMAND, str(fleet.runfile), "--workers", "2"],
        env=fleet.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    running = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if sum("actors running" in seen for seen in lines) == 2:
                running.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert running.wait(60), "".join(lines)
        time.sleep(1.5)  # a few heartbeats
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)  # its stdout is a few short lines: the pipe does not fill
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    assert process.stdout is not None
    stdout, stderr = process.stdout.read(), "".join(lines)
    assert process.returncode == 0, stdout + stderr
    assert "stopping the workers: SIGINT received" in stderr
    found = counts(stdout)
    assert sorted(found) == [0, 1]
    assert found[0][1] >= 1 and found[0][2] == found[1][2] == 0


def test_a_run_shorter_than_the_start_up_still_ends_cleanly(fleet: Fleet) -> None:
    done = subprocess.run(
        [*COMMAND, str(fleet.runfile), "--workers", "2", "--for", "0.3"],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stopping the workers: 0.3 s are up" in done.stderr
    assert "total: 6 actors on 2 workers" in done.stdout
    assert "failed" not in done.stderr


def test_a_worker_that_dies_fails_the_run(fleet: Fleet) -> None:
    data = json.loads(fleet.runfile.read_text())
    data["broker"]["url"] = "amqp://guest:guest@127.0.0.1:1/"  # nothing listens there
    fleet.runfile.write_text(json.dumps(data))
    done = subprocess.run(
        [*COMMAND, str(fleet.runfile), "--workers", "2", "--for", "30"],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no RabbitMQ broker answered at 127.0.0.1:1/" in done.stderr
    assert re.search(r"worker [01] failed: it died \(exit code 1\)", done.stderr)
    assert "30 s are up" not in done.stderr  # stopped at once, not at the deadline
    fleet.no_secrets(done.stdout + done.stderr)


def test_bad_run_file_and_wrong_password_are_one_line_errors(fleet: Fleet) -> None:
    runner = CliRunner()
    env = {"GRIDWORKS_KEY_PASSWORD": "not the password", "GW_TEST_ALGOD_TOKEN": "x"}
    result = runner.invoke(main, ["actors", "run", str(fleet.runfile)], env=env)
    assert result.exit_code == 1
    assert f"Error: {fleet.supervisor}: " in result.output
    assert "Traceback" not in result.output
    prompted = {**env, "GRIDWORKS_KEY_PASSWORD": None}
    result = runner.invoke(main, ["actors", "run", str(fleet.runfile)], env=prompted, input="no\n")
    assert result.exit_code == 1 and "Key files' password" in result.output
    assert f"Error: {fleet.supervisor}: " in result.output

    data = json.loads(fleet.runfile.read_text())
    data["actors"][1]["kind"] = "trader"
    fleet.runfile.write_text(json.dumps(data))
    result = runner.invoke(main, ["actors", "run", str(fleet.runfile)], env=env)
    assert result.exit_code == 1
    assert "is not valid:" in result.output
    assert "kind: Input should be 'scada', 'atomic-tnode', 'supervisor' or 'time-coordinator'" in (
        result.output
    )
