"""``scripts/broker`` and the dev broker's facts (`gridworks.actors.dev_broker`).

The last test starts a native RabbitMQ node of its own, on a spare port (never 5672, where the
shared dev broker runs), twice: about 10-30 s each. Its teardown ends that node whatever
happened: every process left of it, found by its node name (unique to the port).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridworks.actors import amqp_probe, dev_broker

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "broker"
DEV_BROKER_PY = Path(dev_broker.__file__)
CHECKOUT_FILES = (  # what scripts/broker needs of a checkout
    Path("scripts", "broker"),
    Path("gridworks", "actors", "dev_broker.py"),
    Path("gridworks", "actors", "amqp_probe.py"),
)
SHARED_PORT = dev_broker.DEFAULT_PORT
"""The dev broker the other tests (and other people) use: these tests never start or stop it."""


def clean_env(**changes: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("GRIDWORKS_BROKER_") and name != "XDG_STATE_HOME"
    }
    env.update(changes)
    return env


# ---- the facts ------------------------------------------------------------------------------


def test_the_state_lives_per_user_and_port() -> None:
    env = {"HOME": "/home/ada"}
    assert dev_broker.state_dir(environ=env) == Path("/home/ada/.local/state/gridworks/broker/5672")
    env["GRIDWORKS_BROKER_PORT"] = "5673"
    assert dev_broker.state_dir(environ=env) == Path("/home/ada/.local/state/gridworks/broker/5673")
    env["XDG_STATE_HOME"] = "/var/state/ada"
    assert dev_broker.state_dir(environ=env) == Path("/var/state/ada/gridworks/broker/5673")
    env["XDG_STATE_HOME"] = "relative/ignored"  # the XDG spec: only absolute paths count
    assert dev_broker.state_dir(environ=env) == Path("/home/ada/.local/state/gridworks/broker/5673")
    env["GRIDWORKS_BROKER_DIR"] = "/srv/broker"
    assert dev_broker.state_dir(environ=env) == Path("/srv/broker")


def test_a_relative_broker_dir_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"GRIDWORKS_BROKER_DIR": "here/broker", "HOME": "/home/ada"}
    assert dev_broker.state_dir(environ=env) == tmp_path / "here" / "broker"


@pytest.mark.parametrize("port", ["0", "045", "45536", "99999", "x", "-1", "5672 5673"])
def test_a_bad_port_is_refused(port: str) -> None:
    with pytest.raises(dev_broker.DevBrokerError, match="GRIDWORKS_BROKER_PORT"):
        dev_broker.port({"GRIDWORKS_BROKER_PORT": port})


def test_no_home_and_no_state_dir_is_a_clear_error() -> None:
    with pytest.raises(dev_broker.DevBrokerError, match="GRIDWORKS_BROKER_DIR"):
        dev_broker.state_dir(environ={})


def test_the_facts_as_the_script_reads_them(tmp_path: Path) -> None:
    """By path, isolated and without site-packages (-S): it runs before the venv exists."""
    env = clean_env(GRIDWORKS_BROKER_PORT="5999", XDG_STATE_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(DEV_BROKER_PY), "facts"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "HOST=127.0.0.1",
        "PORT=5999",
        "MGMT_PORT=15999",
        "DIST_PORT=25999",
        "VHOST=d1__1",
        "AMQP_USER=smqPublic",
        "AMQP_PASS=smqPublic",
        "ADMIN_USER=gridworks-admin",
        "URL=amqp://smqPublic:smqPublic@127.0.0.1:5999/d1__1",
        f"BROKER_DIR={tmp_path}/gridworks/broker/5999",
        f"ADMIN_FILE={tmp_path}/gridworks/broker/5999/admin-credential",
    ]


def test_the_companion_ports_follow_the_amqp_port() -> None:
    """Management API on the port + 10000, Erlang distribution on + 20000: all valid up to
    MAX_PORT, so brokers on several ports run side by side."""
    assert dev_broker.management_port(5672) == 15672  # RabbitMQ's own default
    assert dev_broker.dist_port(5672) == 25672
    assert dev_broker.management_port(dev_broker.MAX_PORT) <= 65535
    assert dev_broker.dist_port(dev_broker.MAX_PORT) == 65535


def test_the_script_takes_its_url_and_port_check_from_the_facts(tmp_path: Path) -> None:
    env = clean_env(XDG_STATE_HOME=str(tmp_path))
    done = subprocess.run([SCRIPT, "url"], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == dev_broker.DEFAULT_URL

    env["GRIDWORKS_BROKER_PORT"] = "45536"
    done = subprocess.run([SCRIPT, "url"], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "GRIDWORKS_BROKER_PORT must be a port number below 45536" in done.stderr


def test_status_of_a_port_where_nothing_listens(tmp_path: Path) -> None:
    port = dev_broker.spare_port()
    env = clean_env(GRIDWORKS_BROKER_PORT=str(port), XDG_STATE_HOME=str(tmp_path))
    done = subprocess.run([SCRIPT, "status"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.strip() == f"not running (nothing listening on 127.0.0.1:{port})"


# ---- a broker that outlives its checkout ----------------------------------------------------


def native_rabbitmq() -> bool:
    if Path("/usr/lib/rabbitmq/bin/rabbitmq-server").exists():
        return True
    path = f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin"
    return shutil.which("rabbitmq-server", path=path) is not None


def processes_of_node(node: str) -> list[int]:
    """Pids of the processes a native node `node` is made of (its launcher, VM and helpers).

    Found by the node name in their environment, which scripts/broker sets; epmd, which
    other nodes share, is left alone.
    """
    marker = f"RABBITMQ_NODENAME={node}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if marker in environ and comm != "epmd":
            pids.append(int(entry.name))
    return pids


def end_node(node: str, *, gently: bool = True) -> None:
    """End every process of `node`: SIGTERM first (a clean stop, some seconds) when `gently`,
    else at once with SIGKILL (for a node whose state is thrown away)."""
    for sig in (signal.SIGTERM, signal.SIGKILL) if gently else (signal.SIGKILL,):
        pids = processes_of_node(node)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        while processes_of_node(node) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not processes_of_node(node):
            return


class Checkout:
    """The files scripts/broker uses, copied into `root` as a checkout of their own."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        for relative in CHECKOUT_FILES:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / relative, root / relative)

    def broker(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.root / "scripts" / "broker", command],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


@pytest.fixture
def own_port(tmp_path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """A spare port and the environment for a broker there, state under `tmp_path`/state."""
    if not native_rabbitmq():
        pytest.skip("no native rabbitmq-server (scripts/broker start installs it)")
    port = dev_broker.spare_port()
    assert port != SHARED_PORT
    env = clean_env(
        GRIDWORKS_BROKER_PORT=str(port),
        GRIDWORKS_BROKER_BACKEND="native",
        GRIDWORKS_BROKER_TIMEOUT="240",
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    try:
        yield port, env
    finally:
        # Whatever happened, end the node (the test itself proves that `stop` stops it). Its
        # state goes with tmp_path: a clean stop would only cost seconds.
        end_node(f"gridworks_{port}@localhost", gently=False)


def test_any_checkout_stops_and_restarts_the_broker_another_one_started(
    tmp_path: Path, own_port: tuple[int, dict[str, str]]
) -> None:
    port, env = own_port
    url = dev_broker.url(port)
    a = Checkout(tmp_path / "a", env)
    b = Checkout(tmp_path / "b", env)

    started = a.broker("start")
    assert started.returncode == 0, started.stdout + started.stderr
    assert amqp_probe.probe_url(url).ok
    shutil.rmtree(a.root)  # the checkout that started it is gone; the broker runs on

    status = b.broker("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"native node gridworks_{port}@localhost" in status.stdout
    state = tmp_path / "state" / "gridworks" / "broker" / str(port)
    assert f"state in {state}" in status.stdout

    stopped = b.broker("stop")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "stopped" in stopped.stdout
    assert amqp_probe.probe_url(url, timeout=2).code == amqp_probe.NOT_LISTENING
    assert processes_of_node(f"gridworks_{port}@localhost") == []

    restarted = b.broker("start")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert amqp_probe.probe_url(url).ok
    status = b.broker("status")
    assert status.returncode == 0 and f"state in {state}" in status.stdout
