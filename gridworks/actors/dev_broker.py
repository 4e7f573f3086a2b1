"""The RabbitMQ dev broker's facts, in one place: where it listens, its vhost and login, where its
state lives.

``scripts/broker`` reads them (``python3 -I gridworks/actors/dev_broker.py facts`` prints them
as shell assignments) and ``gridworks.actors.broker`` imports them. Standard library only, and
runnable by path, because the script runs before any virtualenv exists.

The vhost ``d1__1`` and the login ``smqPublic``/``smqPublic`` are the GridWorks dev broker's
well-known public dev credentials; they are not secrets.

State: a broker outlives the checkout that started it, so its state (pid files, cookie, data,
logs) is per user and per port, not in a checkout: ``$GRIDWORKS_BROKER_DIR`` if set, else
``$XDG_STATE_HOME/gridworks/broker/<port>`` (``~/.local/state`` when ``XDG_STATE_HOME`` is unset
or not absolute). Any checkout's ``scripts/broker`` then finds, stops and restarts the one dev
broker on a port.

Ports: a broker on AMQP port P also uses P + 10000 for its management HTTP API (5672 -> 15672,
RabbitMQ's own default; on 127.0.0.1 only) and P + 20000 for the Erlang distribution of a
native node (5672 -> 25672), so brokers on several ports run side by side.

Admin: ``scripts/broker start`` creates the administrator ``gridworks-admin`` with a random
password it generates at the first start and keeps in ``<state dir>/admin-credential`` (mode
0600; never printed or logged). `gridworks.actors.broker_admin` finds it from a broker's URL.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import random
import secrets
import shlex
import socket
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 5672
VHOST = "d1__1"
USER = "smqPublic"
PASSWORD = "smqPublic"  # public dev credential, documented as such

PORT_ENV = "GRIDWORKS_BROKER_PORT"
DIR_ENV = "GRIDWORKS_BROKER_DIR"

MANAGEMENT_PORT_OFFSET = 10000
"""The management HTTP API listens on the AMQP port + 10000 (5672 -> 15672)."""
DIST_PORT_OFFSET = 20000
"""A native node's Erlang distribution listens on the AMQP port + 20000 (5672 -> 25672)."""
MAX_PORT = 65535 - DIST_PORT_OFFSET
"""The highest AMQP port whose companion ports (management, distribution) are valid too."""

ADMIN_USER = "gridworks-admin"
"""The broker's administrator (tag ``administrator``), made by ``scripts/broker start``."""
ADMIN_CREDENTIAL_FILE = "admin-credential"
"""Its password, in the broker's state directory, mode 0600: one line, nothing else."""


class DevBrokerError(ValueError):
    """A setting of the dev broker (an environment variable) is not usable."""


def url(port: int = DEFAULT_PORT) -> str:
    """The AMQP URL of the dev broker on `port`."""
    return f"amqp://{USER}:{PASSWORD}@{HOST}:{port}/{VHOST}"


DEFAULT_URL = url()


def management_port(broker_port: int = DEFAULT_PORT) -> int:
    """The management HTTP API's port of the broker on AMQP port `broker_port`."""
    return broker_port + MANAGEMENT_PORT_OFFSET


def dist_port(broker_port: int = DEFAULT_PORT) -> int:
    """The Erlang distribution port of the native node on AMQP port `broker_port`."""
    return broker_port + DIST_PORT_OFFSET


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LINUX_EPHEMERAL_DEFAULT = range(32768, 61000)


def ephemeral_ports(source: Path = EPHEMERAL_RANGE_FILE) -> range:
    """The ports the kernel hands out to sockets bound to port 0 and to outgoing connections
    (Linux's ``ip_local_port_range``; its default where that cannot be read)."""
    try:
        low, high = (int(word) for word in source.read_text().split())
    except (OSError, ValueError):
        return LINUX_EPHEMERAL_DEFAULT
    return range(low, high + 1)


def port_free(candidate: int) -> bool:
    """Nothing holds `candidate` on 127.0.0.1 now."""
    with socket.socket() as sock:
        try:
            sock.bind((HOST, candidate))
        except OSError:
            return False
    return True


def spare_port(rng: random.Random | None = None, ephemeral: range | None = None) -> int:
    """A free AMQP port for a broker of one's own whose management and distribution ports are
    free too, never 5672, and, where the kernel leaves room, none of the three among its
    ephemeral ports.

    Why outside them: a broker that is stopped and started again must find its ports still
    free, and any process's outgoing connection or server on port 0 may take an ephemeral port
    in the meantime (a restarted node then dies with ``eaddrinuse``). With Linux's default
    range (32768-60999) that leaves AMQP ports 1024-12767.
    """
    pick = rng or random.Random()
    pool = _calm_ports(ephemeral_ports() if ephemeral is None else ephemeral)
    for _ in range(200):
        amqp = pick.choice(pool)
        if amqp != DEFAULT_PORT and all(map(port_free, _companions(amqp))):
            return amqp
    raise RuntimeError("no spare broker port found (200 tries)")


def _companions(amqp: int) -> tuple[int, int, int]:
    return amqp, management_port(amqp), dist_port(amqp)


@functools.cache
def _calm_ports(ephemeral: range) -> tuple[int, ...]:
    """AMQP ports none of whose three ports is ephemeral; every usable one if there is none."""
    usable = range(1024, MAX_PORT + 1)
    calm = tuple(p for p in usable if not any(c in ephemeral for c in _companions(p)))
    return calm or tuple(usable)


def port(environ: Mapping[str, str] | None = None) -> int:
    """The AMQP port: ``$GRIDWORKS_BROKER_PORT`` or 5672."""
    env = os.environ if environ is None else environ
    text = env.get(PORT_ENV, "").strip()
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or text.startswith("0") or not 1 <= int(text) <= MAX_PORT:
        raise DevBrokerError(f"{PORT_ENV} must be a port number below {MAX_PORT + 1}, got {text!r}")
    return int(text)


def state_root(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user directory holding one state directory per port."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_STATE_HOME", "")
    if os.path.isabs(xdg):
        base = Path(xdg)
    else:  # unset, empty or relative: the XDG default
        home = env.get("HOME", "")
        if not os.path.isabs(home):
            raise DevBrokerError(
                f"cannot place the broker's state: HOME is not an absolute path; set {DIR_ENV}"
            )
        base = Path(home, ".local", "state")
    return base / "gridworks" / "broker"


def state_dir(broker_port: int | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The native node's state directory: ``$GRIDWORKS_BROKER_DIR`` (relative to the working
    directory) if set, else ``state_root()/<port>``."""
    env = os.environ if environ is None else environ
    override = env.get(DIR_ENV, "")
    if override:
        return Path(os.path.abspath(override))
    return state_root(env) / str(port(env) if broker_port is None else broker_port)


def admin_credential_path(
    broker_port: int | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Where the admin password of the broker on `broker_port` is kept."""
    return state_dir(broker_port, environ) / ADMIN_CREDENTIAL_FILE


def ensure_admin_credential(path: Path) -> str:
    """The admin password kept in `path`; made (random, mode 0600, atomically) if absent."""
    try:
        return _read_credential(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(secrets.token_urlsafe(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)  # create-if-absent: a concurrent start keeps the first one
        except FileExistsError:
            pass
    finally:
        os.unlink(temp)
    return _read_credential(path)


def _read_credential(path: Path) -> str:
    password = path.read_text(encoding="ascii").strip()
    if not password:
        raise DevBrokerError(f"{path}: the admin credential file is empty; delete it and restart")
    return password


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256`` form: base64(salt + sha256(salt + pw))."""
    salt = secrets.token_bytes(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def admin_definitions(path: Path) -> dict[str, object]:
    """Definitions (for ``rabbitmqctl import_definitions``) that create or reset the admin
    with the password in `path` (made if absent): a salted hash only, never the password."""
    return {
        "users": [
            {
                "name": ADMIN_USER,
                "password_hash": password_hash(ensure_admin_credential(path)),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": ["administrator"],
            }
        ],
        "permissions": [
            {"user": ADMIN_USER, "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}
        ],
    }


def facts(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Everything ``scripts/broker`` needs, by its shell variable name."""
    env = os.environ if environ is None else environ
    broker_port = port(env)
    return {
        "HOST": HOST,
        "PORT": str(broker_port),
        "MGMT_PORT": str(management_port(broker_port)),
        "DIST_PORT": str(dist_port(broker_port)),
        "VHOST": VHOST,
        "AMQP_USER": USER,
        "AMQP_PASS": PASSWORD,
        "ADMIN_USER": ADMIN_USER,
        "URL": url(broker_port),
        "BROKER_DIR": str(state_dir(broker_port, env)),
        "ADMIN_FILE": str(admin_credential_path(broker_port, env)),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["facts"]:
        try:
            values = facts()
        except DevBrokerError as error:
            print(f"broker: {error}", file=sys.stderr)
            return 2
        for name, value in values.items():
            print(f"{name}={shlex.quote(value)}")
        return 0
    if len(args) == 2 and args[0] == "admin-definitions":
        # Read by rabbitmqctl from a pipe: the password itself is never printed.
        try:
            definitions = admin_definitions(Path(args[1]))
        except (OSError, DevBrokerError) as error:
            print(f"broker: cannot make the admin credential: {error}", file=sys.stderr)
            return 2
        print(json.dumps(definitions))
        return 0
    print("usage: dev_broker.py facts | admin-definitions CREDENTIAL_FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
