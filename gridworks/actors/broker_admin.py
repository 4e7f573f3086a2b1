"""Per-actor broker identity: one RabbitMQ user per GNode alias, made in bulk by the broker's
administrator, each allowed only its own queue and routing keys naming it as the sender.

``admin_for(url)`` finds the administrator of a dev broker (``scripts/broker``) from the
broker's AMQP URL alone: the port gives the state directory (`dev_broker`'s rule), which holds
the admin credential, and the management API listens on the port + 10000.

``BrokerAdmin.provision(aliases, vhost=..., logins_file=...)`` makes every user in one
definitions import (``POST /api/definitions``), never one call per user. It also declares the
vhost, the topic exchange (`routing.EXCHANGE`), the dead-letter exchange and queue, and each
actor's queue (``<exchange>:<alias>``, see `broker.queue_name`) bound with
``*.*.<receiver>``. Each user may:

- configure: its own queue only;
- write: the topic exchange, the dead-letter exchange, its own queue (to bind it);
- read: the topic exchange (to bind) and its own queue (to consume);
- topic permission on the exchange: publish only routing keys whose sender word is its own
  alias, bind only keys addressed to itself (`routing.sender_pattern`, `routing.binding_pattern`).

The passwords are random, never logged, returned as `BrokerLogins` (whose repr shows no
password) and written to `logins_file` (JSON, mode 0600, atomically, never over an existing file).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from gridworks.actors import dev_broker, routing
from gridworks.actors.broker import BrokerConfig, BrokerError, queue_name
from gridworks.identity.alias import check_alias
from gridworks.identity.errors import AliasError
from gridworks.identity.private_file import write_private_file

HOST_USER_PREFIX: Final = "host:"
"""Host logins (`BrokerAdmin.provision`'s `hosts`) are named ``host:<name>``, which no alias
can be (aliases hold no ``:``)."""
LOGINS_FORMAT: Final = "gridworks-broker-logins/1"
HASHING_ALGORITHM: Final = "rabbit_password_hashing_sha256"
DEFAULT_DEAD_LETTER_EXCHANGE = BrokerConfig.model_fields["dead_letter_exchange"].default
DEFAULT_DEAD_LETTER_QUEUE = BrokerConfig.model_fields["dead_letter_queue"].default


class BrokerAdminError(BrokerError):
    """The broker's administrator cannot be found, or the management API refused a request."""


# -- the logins ---------------------------------------------------------------------------------


class BrokerLogins(Mapping[str, str]):
    """alias -> broker password of the users one `provision` made. Shows no password."""

    def __init__(self, host: str, port: int, vhost: str, passwords: Mapping[str, str]) -> None:
        self.host = host
        self.port = port
        self.vhost = vhost
        self._passwords = dict(passwords)

    def __getitem__(self, alias: str) -> str:
        return self._passwords[alias]

    def __iter__(self) -> Iterator[str]:
        return iter(self._passwords)

    def __len__(self) -> int:
        return len(self._passwords)

    def __repr__(self) -> str:
        return f"BrokerLogins(where='{self.host}:{self.port}/{self.vhost}', users={len(self)})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("BrokerLogins is not picklable; use write_logins")

    def url(self, alias: str) -> str:
        """The AMQP URL `alias`'s actor connects with. It holds the password: never log it."""
        quote = urllib.parse.quote
        return (
            f"amqp://{quote(alias, safe='')}:{quote(self[alias], safe='')}"
            f"@{self.host}:{self.port}/{quote(self.vhost, safe='')}"
        )


def write_logins(path: str | os.PathLike[str], logins: BrokerLogins) -> None:
    """`logins` as JSON in `path`: mode 0600, atomically, and never over an existing file."""
    target = Path(path)
    document = {
        "format": LOGINS_FORMAT,
        "broker": f"{logins.host}:{logins.port}",
        "vhost": logins.vhost,
        "logins": dict(logins._passwords),
    }
    text = json.dumps(document, indent=1) + "\n"
    try:
        write_private_file(target, text.encode("utf-8"))
    except FileExistsError:
        raise BrokerAdminError(f"{target}: already exists; refusing to overwrite logins") from None
    except OSError as error:
        raise BrokerAdminError(f"{target}: cannot write the logins: {error.strerror}") from None


def read_logins(path: str | os.PathLike[str]) -> BrokerLogins:
    """The logins `write_logins` wrote to `path`."""
    target = Path(path)
    try:
        document = json.loads(target.read_text(encoding="utf-8"))
    except OSError as error:
        raise BrokerAdminError(f"{target}: cannot read the logins: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BrokerAdminError(f"{target}: not a {LOGINS_FORMAT} file (not JSON)") from None
    try:
        if document["format"] != LOGINS_FORMAT:
            raise ValueError
        host, port = str(document["broker"]).rsplit(":", 1)
        passwords = document["logins"]
        if not isinstance(passwords, dict) or not all(
            isinstance(v, str) for v in passwords.values()
        ):
            raise ValueError
        return BrokerLogins(host, int(port), str(document["vhost"]), passwords)
    except (KeyError, TypeError, ValueError):
        raise BrokerAdminError(f"{target}: not a {LOGINS_FORMAT} file") from None


# -- the administrator --------------------------------------------------------------------------


def _host_port(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url if "://" in url else f"amqp://{url}")
    try:
        port = parts.port
    except ValueError:
        raise BrokerAdminError("the broker URL's port is not a number") from None
    if not parts.hostname:
        raise BrokerAdminError("the broker URL names no host")
    return parts.hostname, port or dev_broker.DEFAULT_PORT


def admin_for(url: str, *, environ: Mapping[str, str] | None = None) -> BrokerAdmin:
    """The administrator of the dev broker at `url` (an AMQP URL, or ``host:port``).

    Its password is in the broker's state directory (`dev_broker.admin_credential_path`);
    `BrokerAdminError` names that file if it is missing or unreadable.
    """
    host, port = _host_port(url)
    try:
        path = dev_broker.admin_credential_path(port, environ)
    except dev_broker.DevBrokerError as error:
        raise BrokerAdminError(str(error)) from None
    try:
        password = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise BrokerAdminError(
            f"no admin credential for the broker at {host}:{port}: {path} does not exist. "
            f"scripts/broker start (GRIDWORKS_BROKER_PORT={port}) makes it; a broker started "
            "by an older scripts/broker has none: stop and start it"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not ASCII"
        raise BrokerAdminError(f"cannot read the admin credential {path}: {reason}") from None
    if not password:
        raise BrokerAdminError(f"the admin credential {path} is empty")
    return BrokerAdmin(host, port, dev_broker.ADMIN_USER, password)


class BrokerAdmin:
    """A broker's administrator, through its management HTTP API. Shows no password."""

    def __init__(self, host: str, port: int, user: str, password: str) -> None:
        self.host = host
        self.port = port
        """The AMQP port; the management API is on `dev_broker.management_port` of it."""
        self.user = user
        self._authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        # Loopback: never through an HTTP proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def api(self) -> str:
        return f"http://{self.host}:{dev_broker.management_port(self.port)}/api"

    def __repr__(self) -> str:
        return f"BrokerAdmin(api={self.api!r}, user={self.user!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("BrokerAdmin is not picklable")

    def request(self, method: str, path: str, body: object = None, *, timeout: float = 120) -> Any:
        """One management API call; its JSON answer, or None. `BrokerAdminError` if refused."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.api + path,
            data=data,
            method=method,
            headers={"Authorization": self._authorization, "Content-Type": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode("utf-8", "replace")
            raise BrokerAdminError(
                f"the management API at {self.api} refused {method} {path}: "
                f"HTTP {error.code} {detail}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise BrokerAdminError(
                f"no management API answered at {self.api} ({reason}); is the broker on "
                f"{self.host}:{self.port} started by scripts/broker?"
            ) from None
        return json.loads(text) if text.strip() else None

    def overview(self) -> dict[str, Any]:
        return dict(self.request("GET", "/overview"))

    def import_definitions(self, definitions: Mapping[str, object]) -> None:
        """One ``POST /api/definitions``: RabbitMQ applies it before answering."""
        self.request("POST", "/definitions", definitions)

    def delete_vhost(self, vhost: str) -> None:
        """Delete `vhost` and everything in it (no error if it is absent)."""
        try:
            self.request("DELETE", f"/vhosts/{urllib.parse.quote(vhost, safe='')}")
        except BrokerAdminError as error:
            if "HTTP 404" not in str(error):
                raise

    def delete_users(self, users: Iterable[str]) -> None:
        """Delete these users in one call."""
        self.request("POST", "/users/bulk-delete", {"users": list(users)})

    def provision(
        self,
        aliases: Iterable[str],
        *,
        vhost: str,
        logins_file: str | os.PathLike[str],
        exchange: str = routing.EXCHANGE,
        dead_letter_exchange: str = DEFAULT_DEAD_LETTER_EXCHANGE,
        dead_letter_queue: str = DEFAULT_DEAD_LETTER_QUEUE,
        hosts: Mapping[str, Iterable[str]] | None = None,
    ) -> BrokerLogins:
        """One user per alias, with a fresh password, in one definitions import (see the module).

        `hosts` adds a login per process that hosts several actors on one connection
        (`ActorHost`): ``{name: aliases}`` makes the user ``host:<name>`` with the permissions of
        all its aliases together (their queues; routing keys naming one of them as sender), so
        the broker still refuses it any other sender. Its login is ``logins["host:<name>"]``.

        `logins_file` must not exist: it is checked first and written, mode 0600, once the
        broker has taken the import. Re-provisioning an alias gives it a new password.
        """
        target = Path(logins_file)
        if target.exists():
            raise BrokerAdminError(f"{target}: already exists; refusing to overwrite logins")
        names = list(aliases)
        seen: set[str] = set()
        for alias in names:
            try:
                check_alias(alias)
            except AliasError as error:
                raise BrokerAdminError(f"cannot provision {alias!r}: {error}") from None
            if alias in seen:
                raise BrokerAdminError(f"alias {alias} is listed twice")
            seen.add(alias)
        groups: dict[str, tuple[str, ...]] = {}
        for name, members in (hosts or {}).items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
                raise BrokerAdminError(
                    f"a host name is lowercase letters, digits and '-': {name!r}"
                )
            group = tuple(members)
            for alias in group:
                try:
                    check_alias(alias)
                except AliasError as error:
                    raise BrokerAdminError(
                        f"host {name}: cannot provision {alias!r}: {error}"
                    ) from None
            if not group:
                raise BrokerAdminError(f"host {name} hosts no actor")
            groups[f"{HOST_USER_PREFIX}{name}"] = group
        logins = BrokerLogins(
            self.host,
            self.port,
            vhost,
            {user: secrets.token_urlsafe(24) for user in [*names, *groups]},
        )
        config = BrokerConfig(
            url=f"amqp://{self.host}:{self.port}/{urllib.parse.quote(vhost, safe='')}",
            exchange=exchange,
            dead_letter_exchange=dead_letter_exchange,
            dead_letter_queue=dead_letter_queue,
        )
        self.import_definitions(_definitions(config, vhost, logins, groups))
        write_logins(target, logins)
        return logins


def _definitions(
    config: BrokerConfig,
    vhost: str,
    logins: BrokerLogins,
    hosts: Mapping[str, tuple[str, ...]],
) -> dict[str, Any]:
    exchange, dlx = config.exchange, config.dead_letter_exchange
    users, permissions, topic_permissions, queues, bindings = [], [], [], [], []
    for user, password in logins.items():
        speaks_for = hosts.get(user, (user,))
        users.append(
            {
                "name": user,
                "password_hash": dev_broker.password_hash(password),
                "hashing_algorithm": HASHING_ALGORITHM,
                "tags": [],
            }
        )
        names = sorted(re.escape(queue_name(config, alias)) for alias in speaks_for)
        own = names[0] if len(names) == 1 else f"(?:{'|'.join(names)})"
        permissions.append(
            {
                "user": user,
                "vhost": vhost,
                "configure": f"^{own}$",
                "write": f"^(?:{re.escape(exchange)}|{re.escape(dlx)}|{own})$",
                "read": f"^(?:{re.escape(exchange)}|{own})$",
            }
        )
        topic_permissions.append(
            {
                "user": user,
                "vhost": vhost,
                "exchange": exchange,
                "write": routing.sender_pattern(*speaks_for),
                "read": routing.binding_pattern(*speaks_for),
            }
        )
    for alias in sorted({a for user in logins for a in hosts.get(user, (user,))}):
        queue = queue_name(config, alias)
        queues.append(
            {
                "name": queue,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "arguments": config.actor_queue_arguments(),
            }
        )
        bindings.append(
            {
                "source": exchange,
                "vhost": vhost,
                "destination": queue,
                "destination_type": "queue",
                "routing_key": routing.binding_key(alias),
                "arguments": {},
            }
        )
    exchanges = [
        {"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False}
        | {"internal": False, "arguments": {}}
        for name, kind in ((exchange, "topic"), (dlx, "fanout"))
    ]
    queues.append(
        {
            "name": config.dead_letter_queue,
            "vhost": vhost,
            "durable": True,
            "auto_delete": False,
            "arguments": config.queue_arguments(),
        }
    )
    bindings.append(
        {
            "source": dlx,
            "vhost": vhost,
            "destination": config.dead_letter_queue,
            "destination_type": "queue",
            "routing_key": "",
            "arguments": {},
        }
    )
    queues.append(
        {
            "name": config.ear_queue,
            "vhost": vhost,
            "durable": True,
            "auto_delete": False,
            "arguments": config.ear_queue_arguments(),
        }
    )
    bindings.append(
        {
            "source": exchange,
            "vhost": vhost,
            "destination": config.ear_queue,
            "destination_type": "queue",
            "routing_key": "#",
            "arguments": {},
        }
    )
    return {
        "vhosts": [{"name": vhost}],
        "users": users,
        "permissions": permissions,
        "topic_permissions": topic_permissions,
        "exchanges": exchanges,
        "queues": queues,
        "bindings": bindings,
    }
