"""Does an AMQP 0-9-1 broker let us in? A minimal handshake, standard library only.

``scripts/broker`` runs this by path (``python3 -I gridworks/actors/amqp_probe.py URL``) before
any virtualenv exists, and for either backend, so it imports nothing but the standard library.
The exit code (and `Probe.code`) says how far it got:

- 0 (`OK`): the broker accepted the login and opened the vhost;
- 1 (`NOT_LISTENING`): nothing accepts TCP connections on the port;
- 2 (`NOT_AMQP`): something accepts TCP, but no AMQP 0-9-1 server answered (yet);
- 3 (`REFUSED`): an AMQP server answered but refused the login or the vhost.

The reason goes to stderr; it never holds the password.
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

OK, NOT_LISTENING, NOT_AMQP, REFUSED = 0, 1, 2, 3

PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
FRAME_METHOD = 1
FRAME_END = b"\xce"
MAX_FRAME = 1 << 20

CONNECTION_START = (10, 10)
CONNECTION_START_OK = (10, 11)
CONNECTION_TUNE = (10, 30)
CONNECTION_TUNE_OK = (10, 31)
CONNECTION_OPEN = (10, 40)
CONNECTION_OPEN_OK = (10, 41)
CONNECTION_CLOSE = (10, 50)
CONNECTION_CLOSE_OK = (10, 51)


class Probe(NamedTuple):
    code: int
    reason: str

    @property
    def ok(self) -> bool:
        return self.code == OK


class _Failed(Exception):
    """The handshake stopped; the probe's code depends on how far it got."""


def _shortstr(text: str) -> bytes:
    data = text.encode()
    if len(data) > 255:
        raise ValueError(f"{text[:20]!r}... is longer than an AMQP short string allows")
    return struct.pack("B", len(data)) + data


def _longstr(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _send(sock: socket.socket, method: tuple[int, int], args: bytes = b"") -> None:
    payload = struct.pack(">HH", *method) + args
    sock.sendall(struct.pack(">BHI", FRAME_METHOD, 0, len(payload)) + payload + FRAME_END)


def _read_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise _Failed("connection closed by the peer")
        data += chunk
    return data


def _receive(sock: socket.socket) -> tuple[tuple[int, int], bytes]:
    """The next method frame (heartbeats and other frames are skipped)."""
    while True:
        header = _read_exact(sock, 7)
        if header.startswith(b"AMQP"):
            raise _Failed("the server rejected the AMQP 0-9-1 protocol header")
        frame_type, _channel, size = struct.unpack(">BHI", header)
        if size > MAX_FRAME:
            raise _Failed("implausible frame size; not an AMQP 0-9-1 server?")
        payload = _read_exact(sock, size)
        if _read_exact(sock, 1) != FRAME_END:
            raise _Failed("bad frame end; not an AMQP 0-9-1 server?")
        if frame_type == FRAME_METHOD and size >= 4:
            class_id, method_id = struct.unpack(">HH", payload[:4])
            return (class_id, method_id), payload[4:]


def _close_reason(args: bytes) -> str:
    try:
        code = struct.unpack(">H", args[:2])[0]
        text = args[3 : 3 + args[2]].decode(errors="replace")
    except (struct.error, IndexError):
        return "connection.close"
    return f"{code} {text}"


def _client_properties() -> bytes:
    capabilities = _shortstr("authentication_failure_close") + b"t\x01"
    return (
        _shortstr("product")
        + b"S"
        + _longstr(b"gridworks amqp_probe")
        + _shortstr("capabilities")
        + b"F"
        + _longstr(capabilities)
    )


def _greet(sock: socket.socket) -> None:
    """Send the protocol header; an AMQP 0-9-1 server answers with connection.start."""
    sock.sendall(PROTOCOL_HEADER)
    method, _args = _receive(sock)
    if method != CONNECTION_START:
        raise _Failed(f"expected connection.start, got method {method}")


def _log_in(sock: socket.socket, vhost: str, user: str, password: str) -> None:
    """Answer connection.start as `user`, tune, open `vhost`, close politely."""
    response = f"\0{user}\0{password}".encode()
    start_ok = _longstr(_client_properties()) + _shortstr("PLAIN") + _longstr(response)
    _send(sock, CONNECTION_START_OK, start_ok + _shortstr("en_US"))
    method, args = _receive(sock)
    if method == CONNECTION_CLOSE:
        _send(sock, CONNECTION_CLOSE_OK)
        raise _Failed(f"login as {user!r} refused: {_close_reason(args)}")
    if method != CONNECTION_TUNE:
        raise _Failed(f"expected connection.tune, got method {method}")

    channel_max, frame_max, _heartbeat = struct.unpack(">HIH", args[:8])
    _send(sock, CONNECTION_TUNE_OK, struct.pack(">HIH", channel_max, frame_max, 0))
    _send(sock, CONNECTION_OPEN, _shortstr(vhost) + _shortstr("") + b"\x00")
    method, args = _receive(sock)
    if method == CONNECTION_CLOSE:
        _send(sock, CONNECTION_CLOSE_OK)
        raise _Failed(f"vhost {vhost!r} refused for {user!r}: {_close_reason(args)}")
    if method != CONNECTION_OPEN_OK:
        raise _Failed(f"expected connection.open-ok, got method {method}")

    _send(sock, CONNECTION_CLOSE, struct.pack(">H", 200) + _shortstr("probe done") + b"\0" * 4)
    try:
        _receive(sock)  # connection.close-ok; not worth failing over
    except (OSError, _Failed, struct.error):
        pass


def _why(error: Exception, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    return str(error) or type(error).__name__


def probe(
    host: str, port: int, vhost: str, user: str, password: str, *, timeout: float = 5.0
) -> Probe:
    """How far an AMQP 0-9-1 login as `user` on `vhost` gets at `host`:`port`."""
    where = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as error:
        return Probe(NOT_LISTENING, f"{where}: not reachable ({error})")
    with sock:
        try:
            _greet(sock)
        except (_Failed, OSError, struct.error) as error:
            return Probe(NOT_AMQP, f"{where}: no AMQP 0-9-1 server ({_why(error, timeout)})")
        try:
            _log_in(sock, vhost, user, password)
        except (_Failed, OSError, struct.error) as error:
            return Probe(REFUSED, f"{where}: {_why(error, timeout)}")
    return Probe(OK, f"{where}: {user!r} logged in to vhost {vhost!r}")


def probe_url(url: str, *, timeout: float = 5.0) -> Probe:
    """`probe` with the host, port, vhost and login of an ``amqp://`` URL."""
    parts = urlsplit(url)
    if parts.scheme != "amqp" or not parts.hostname:
        raise ValueError("expected an amqp://user:password@host:port/vhost URL")
    vhost = unquote(parts.path[1:]) if parts.path not in ("", "/") else "/"
    return probe(
        parts.hostname,
        parts.port or 5672,
        vhost,
        unquote(parts.username or "guest"),
        unquote(parts.password or "guest"),
        timeout=timeout,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="amqp_probe.py",
        description="Exit 0 if an AMQP 0-9-1 broker lets the URL's user into its vhost; "
        "1 nothing listening, 2 not AMQP, 3 login or vhost refused.",
    )
    parser.add_argument("url", help="amqp://user:password@host:port/vhost")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per step (5)")
    args = parser.parse_args(argv)
    try:
        result = probe_url(args.url, timeout=args.timeout)
    except ValueError as error:
        parser.error(str(error))
    if not result.ok:
        print(f"probe: {result.reason}", file=sys.stderr)
    return result.code


if __name__ == "__main__":
    sys.exit(main())
