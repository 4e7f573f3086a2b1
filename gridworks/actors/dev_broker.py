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
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 5672
VHOST = "d1__1"
USER = "smqPublic"
PASSWORD = "smqPublic"  # public dev credential, documented as such

PORT_ENV = "GRIDWORKS_BROKER_PORT"
DIR_ENV = "GRIDWORKS_BROKER_DIR"
MAX_PORT = 45535
"""The Erlang distribution port of a native node is the AMQP port + 20000 and must be valid."""


class DevBrokerError(ValueError):
    """A setting of the dev broker (an environment variable) is not usable."""


def url(port: int = DEFAULT_PORT) -> str:
    """The AMQP URL of the dev broker on `port`."""
    return f"amqp://{USER}:{PASSWORD}@{HOST}:{port}/{VHOST}"


DEFAULT_URL = url()


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


def facts(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Everything ``scripts/broker`` needs, by its shell variable name."""
    env = os.environ if environ is None else environ
    broker_port = port(env)
    return {
        "HOST": HOST,
        "PORT": str(broker_port),
        "VHOST": VHOST,
        "AMQP_USER": USER,
        "AMQP_PASS": PASSWORD,
        "URL": url(broker_port),
        "BROKER_DIR": str(state_dir(broker_port, env)),
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
    print("usage: dev_broker.py facts", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
