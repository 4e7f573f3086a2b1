"""The AMQP probe of ``scripts/broker``: each exit code, against the dev broker and fake servers.

The refused and successful logins use the running dev broker (``scripts/broker start``); the
others use ports where nothing, or something that is not AMQP, listens.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gridworks.actors import amqp_probe, dev_broker
from gridworks.actors.amqp_probe import NOT_AMQP, NOT_LISTENING, OK, REFUSED, probe, probe_url
from gridworks.actors.broker import DEFAULT_BROKER_URL, BrokerConfig

PROBE_PY = Path(amqp_probe.__file__)


def dev_url() -> str:
    """The dev broker the tests use (GRIDWORKS_BROKER_URL, as the actors find it)."""
    return BrokerConfig().url


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def run_by_path(*args: str) -> subprocess.CompletedProcess[str]:
    """The probe as scripts/broker runs it, and without site-packages (-S): stdlib only."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(PROBE_PY), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Respond = Callable[[socket.socket], None]


class FakeServer:
    """A local TCP server on a spare port, answering each connection with `respond`."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    self.respond(conn)
                except OSError:
                    pass

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def fake_server() -> Iterator[Callable[[Respond], int]]:
    """Starts `FakeServer`s (closed after the test); returns each one's port."""
    servers: list[FakeServer] = []

    def start(respond: Respond) -> int:
        servers.append(FakeServer(respond))
        return servers[-1].port

    yield start
    for server in servers:
        server.close()


def send_junk(conn: socket.socket) -> None:
    conn.recv(8)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def hang_up(conn: socket.socket) -> None:
    conn.recv(8)


def say_nothing(conn: socket.socket) -> None:
    conn.recv(8)
    conn.recv(1)  # until the probe gives up and closes


def refuse_the_protocol(conn: socket.socket) -> None:
    conn.recv(8)
    conn.sendall(b"AMQP\x00\x00\x09\x00")  # as a broker of another AMQP version does


def test_nothing_listening_is_1() -> None:
    port = closed_port()
    result = probe("127.0.0.1", port, dev_broker.VHOST, dev_broker.USER, dev_broker.PASSWORD)
    assert result.code == NOT_LISTENING
    assert f"127.0.0.1:{port}: not reachable" in result.reason


@pytest.mark.parametrize("respond", [send_junk, hang_up, say_nothing, refuse_the_protocol])
def test_something_that_is_not_amqp_is_2(
    fake_server: Callable[[Respond], int],
    respond: Respond,
) -> None:
    port = fake_server(respond)
    result = probe_url(dev_broker.url(port), timeout=1)
    assert result.code == NOT_AMQP, result
    assert "no AMQP 0-9-1 server" in result.reason


def test_the_script_exit_codes_for_nothing_and_junk(
    fake_server: Callable[[Respond], int],
) -> None:
    done = run_by_path("--timeout", "2", dev_broker.url(closed_port()))
    assert done.returncode == 1, done.stderr
    assert "not reachable" in done.stderr

    done = run_by_path("--timeout", "2", dev_broker.url(fake_server(send_junk)))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("probe: 127.0.0.1:")


def test_a_bad_url_is_a_usage_error() -> None:
    done = run_by_path("http://example.invalid/")
    assert done.returncode == 2
    assert "expected an amqp://" in done.stderr


@pytest.mark.broker
def test_a_wrong_password_is_3_and_not_shown() -> None:
    password = "not-" + uuid.uuid4().hex
    result = probe_url(with_password(dev_url(), password))
    assert result.code == REFUSED, result
    assert "refused" in result.reason and "ACCESS_REFUSED" in result.reason
    assert password not in result.reason

    done = run_by_path(with_password(dev_url(), password))
    assert done.returncode == 3, done.stderr
    assert password not in done.stderr + done.stdout


@pytest.mark.broker
def test_an_unknown_vhost_is_3() -> None:
    vhost = f"gridworks-no-such-vhost-{uuid.uuid4().hex[:8]}"
    result = probe_url(urlsplit(dev_url())._replace(path=f"/{vhost}").geturl())
    assert result.code == REFUSED, result
    assert f"vhost {vhost!r} refused" in result.reason


@pytest.mark.broker
def test_the_dev_broker_with_the_dev_credentials_is_0() -> None:
    assert probe_url(dev_url()).code == OK
    done = run_by_path(dev_url())
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""


def test_the_default_url_is_the_dev_brokers() -> None:
    assert DEFAULT_BROKER_URL == dev_broker.url(dev_broker.DEFAULT_PORT)
