"""Per-actor broker identity: the admin credential, bulk provisioning, and what RabbitMQ itself
refuses (`gridworks.actors.broker_admin`, `gridworks.actors.routing`).

The broker tests share ONE native RabbitMQ node of their own, started by ``scripts/broker`` on
a spare port (never 5672, the shared dev broker) with its state under a temporary directory:
the pytest run's (tests/actors/own_broker.py; 10-30 s to start), ended when pytest ends.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import stat
import subprocess
import uuid
from pathlib import Path

import pika
import pika.exceptions
import pytest
from algosdk.v2client.algod import AlgodClient

from gridworks.actors import broker_admin, dev_broker, routing
from gridworks.actors.actor import ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import BrokerConfig, PublishError, queue_name
from gridworks.actors.host import ActorHost
from gridworks.actors.messages import Dispatch
from gridworks.actors.scada import Scada
from gridworks.contracts.provision import Device
from gridworks.identity.envelope import seal
from tests.actors.own_broker import OwnBroker, shared_broker

ACCESS_REFUSED = 403
SCADA = "d1.isone.ver.keene.holly.scada"
TNODE = "d1.isone.ver.keene.holly"
OTHER_TA = "d1.isone.ver.keene.holly.ta"

# ---- the routing-key convention -------------------------------------------------------------


def test_a_routing_key_names_sender_type_and_receiver_in_three_words() -> None:
    key = routing.routing_key(SCADA, "gridworks.telemetry", TNODE)
    assert key == "d1-isone-ver-keene-holly-scada.gridworks_telemetry.d1-isone-ver-keene-holly"
    assert routing.parse(key) == (SCADA, "gridworks.telemetry", TNODE, False)
    assert routing.parse(routing.routing_key(TNODE, "gw.dispatch-v2", SCADA)).message_type == (
        "gw.dispatch-v2"
    )


def test_a_broadcast_key_names_its_channel_and_subscribers_bind_to_it() -> None:
    key = routing.broadcast_key(TNODE, "gridworks.timestep", "d1.time")
    assert key == "d1-isone-ver-keene-holly.gridworks_timestep.bc_d1-time"
    assert routing.parse(key) == (TNODE, "gridworks.timestep", "d1.time", True)
    assert routing.subscription_key("d1.time", TNODE) == "d1-isone-ver-keene-holly.*.bc_d1-time"
    assert routing.subscription_key("d1.time") == "*.*.bc_d1-time"
    reads = re.compile(routing.binding_pattern(SCADA))
    assert reads.match(routing.subscription_key("d1.time"))
    assert reads.match(routing.binding_key(SCADA))
    assert not reads.match(routing.binding_key(TNODE))  # another's direct messages
    assert not reads.match("#") and not reads.match("*.*.*")


@pytest.mark.parametrize(
    "key", ["", "a.b", "a.b.c.d", "D1.t.d1", "d1.t.d1.x", "d1..d2", "d1.a.b.c", "d1.t.#"]
)
def test_what_is_not_a_routing_key(key: str) -> None:
    with pytest.raises(routing.RoutingKeyError):
        routing.parse(key)


def test_the_sender_pattern_admits_the_sender_word_only() -> None:
    """No prefix ambiguity: the TNode's alias is a prefix of its Scada's, not of its word."""
    tnode = re.compile(routing.sender_pattern(TNODE))
    assert tnode.search(routing.routing_key(TNODE, "a", SCADA))
    assert not tnode.search(routing.routing_key(SCADA, "a", TNODE))
    assert not tnode.search(routing.routing_key(OTHER_TA, "a", TNODE))
    binding = re.compile(routing.binding_pattern(TNODE))
    assert binding.search(routing.binding_key(TNODE))
    assert not binding.search("#") and not binding.search(routing.binding_key(SCADA))


def test_bad_aliases_and_types_are_refused() -> None:
    with pytest.raises(ValueError):
        routing.routing_key("D1.x", "t", TNODE)
    with pytest.raises(routing.RoutingKeyError):
        routing.routing_key(SCADA, "Bad Type", TNODE)


# ---- the admin credential and the logins file, without a broker ----------------------------


def test_the_admin_credential_is_made_once_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "state" / dev_broker.ADMIN_CREDENTIAL_FILE
    password = dev_broker.ensure_admin_credential(path)
    assert len(password) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert dev_broker.ensure_admin_credential(path) == password
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_the_admin_definitions_carry_a_salted_hash_not_the_password(tmp_path: Path) -> None:
    path = tmp_path / dev_broker.ADMIN_CREDENTIAL_FILE
    done = subprocess.run(
        ["python3", "-I", "-S", dev_broker.__file__, "admin-definitions", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    password = path.read_text().strip()
    assert password not in done.stdout + done.stderr
    [user] = json.loads(done.stdout)["users"]
    assert user["name"] == dev_broker.ADMIN_USER and user["tags"] == ["administrator"]
    salt = base64.b64decode(user["password_hash"])[:4]
    assert dev_broker.password_hash(password, salt) == user["password_hash"]


def test_admin_for_names_the_missing_credential_file(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    expected = tmp_path / "gridworks" / "broker" / "5999" / "admin-credential"
    with pytest.raises(broker_admin.BrokerAdminError, match=str(expected)):
        broker_admin.admin_for("amqp://smqPublic:smqPublic@127.0.0.1:5999/d1__1", environ=env)


def test_admin_for_finds_the_credential_by_port_and_shows_no_password(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    password = dev_broker.ensure_admin_credential(dev_broker.admin_credential_path(5999, env))
    admin = broker_admin.admin_for("127.0.0.1:5999", environ=env)
    assert admin.api == "http://127.0.0.1:15999/api"
    assert admin.user == dev_broker.ADMIN_USER
    assert password not in repr(admin) + str(admin)


def test_logins_are_written_0600_never_over_a_file_and_read_back(tmp_path: Path) -> None:
    logins = broker_admin.BrokerLogins("127.0.0.1", 5999, "v", {SCADA: "s3cret-xyz"})
    assert "s3cret-xyz" not in repr(logins) + str(logins)
    path = tmp_path / "logins.json"
    broker_admin.write_logins(path, logins)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(broker_admin.BrokerAdminError, match="refusing to overwrite"):
        broker_admin.write_logins(path, logins)
    again = broker_admin.read_logins(path)
    assert dict(again) == {SCADA: "s3cret-xyz"} and again.vhost == "v"
    assert again.url(SCADA) == f"amqp://{SCADA}:s3cret-xyz@127.0.0.1:5999/v"
    assert [p.name for p in tmp_path.iterdir()] == ["logins.json"]


# ---- the tests' own broker (shared: tests/actors/own_broker.py) ----------------------------


@pytest.fixture(scope="module")
def own_broker(request: pytest.FixtureRequest) -> OwnBroker:
    return shared_broker(request)


Provisioned = tuple[broker_admin.BrokerLogins, str]


@pytest.fixture(scope="module")
def two_actors(own_broker: OwnBroker, tmp_path_factory: pytest.TempPathFactory) -> Provisioned:
    """The Scada and its TNode, as broker users of a fresh vhost."""
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    path = tmp_path_factory.mktemp("logins") / "logins.json"
    logins = own_broker.admin.provision([SCADA, TNODE], vhost=vhost, logins_file=path)
    return logins, vhost


def connect_as(logins: broker_admin.BrokerLogins, alias: str) -> pika.BlockingConnection:
    params = pika.URLParameters(logins.url(alias))
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.stack_timeout = 15
    return pika.BlockingConnection(params)


def own_queue(alias: str) -> str:
    return queue_name(BrokerConfig(url="amqp://127.0.0.1/", exchange=routing.EXCHANGE), alias)


def test_start_makes_the_admin_credential_0600_and_never_prints_it(own_broker: OwnBroker) -> None:
    path = own_broker.state / dev_broker.ADMIN_CREDENTIAL_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = path.read_text().strip()
    assert password not in own_broker.start_output
    for log in (own_broker.state / "log").iterdir():
        assert password not in log.read_text(errors="replace"), log
    assert password not in (own_broker.state / "rabbitmq.conf").read_text()


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel shows them) of TCP sockets listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_management_api_is_on_the_port_plus_10000_on_loopback(own_broker: OwnBroker) -> None:
    overview = own_broker.admin.overview()
    listeners = {(item["protocol"], item["port"]) for item in overview["listeners"]}
    mgmt = dev_broker.management_port(own_broker.port)
    assert ("http", mgmt) in listeners  # (RabbitMQ 3.10 reports its address as "::")
    assert ("amqp", own_broker.port) in listeners
    assert listening_addresses(mgmt) == {"0100007F"}  # 127.0.0.1 only, no IPv6, no wildcard
    whoami = own_broker.admin.request("GET", "/whoami")
    assert whoami["name"] == dev_broker.ADMIN_USER


def test_the_public_dev_user_is_unchanged(own_broker: OwnBroker) -> None:
    user = own_broker.admin.request("GET", f"/users/{dev_broker.USER}")
    assert user["tags"] == []
    connection = pika.BlockingConnection(pika.URLParameters(dev_broker.url(own_broker.port)))
    connection.close()


def test_provisioned_users_are_no_admins(own_broker: OwnBroker, two_actors: Provisioned) -> None:
    logins, _ = two_actors
    for alias in logins:
        assert own_broker.admin.request("GET", f"/users/{alias}")["tags"] == []
    with pytest.raises(broker_admin.BrokerAdminError, match="HTTP 401"):
        broker_admin.BrokerAdmin("127.0.0.1", own_broker.port, SCADA, logins[SCADA]).overview()


def test_an_actor_publishes_as_itself_and_its_receiver_gets_it(two_actors: Provisioned) -> None:
    logins, _ = two_actors
    key = routing.routing_key(SCADA, "gridworks.telemetry", TNODE)
    sender = connect_as(logins, SCADA)
    try:
        channel = sender.channel()
        channel.confirm_delivery()
        channel.basic_publish(routing.EXCHANGE, key, b"reading", mandatory=True)
    finally:
        sender.close()
    receiver = connect_as(logins, TNODE)
    try:
        channel = receiver.channel()
        method, _, body = channel.basic_get(own_queue(TNODE), auto_ack=True)
        assert method is not None and method.routing_key == key and body == b"reading"
    finally:
        receiver.close()


def test_the_broker_refuses_a_routing_key_naming_another_sender(two_actors: Provisioned) -> None:
    logins, _ = two_actors
    forged = routing.routing_key(TNODE, "gridworks.dispatch", SCADA)
    connection = connect_as(logins, SCADA)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.basic_publish(routing.EXCHANGE, forged, b"forged", mandatory=True)
        assert refused.value.reply_code == ACCESS_REFUSED
        assert "ACCESS_REFUSED" in refused.value.reply_text
    finally:
        if connection.is_open:
            connection.close()


@pytest.mark.parametrize(
    "action",
    ["consume another's queue", "bind to another's messages", "declare another's queue"],
)
def test_an_actor_cannot_reach_another_actors_messages(
    two_actors: Provisioned, action: str
) -> None:
    logins, _ = two_actors
    connection = connect_as(logins, SCADA)
    try:
        channel = connection.channel()
        # What it may do: (re)declare and bind its own queue to what is addressed to it.
        queue = own_queue(SCADA)
        arguments = BrokerConfig(
            url="amqp://127.0.0.1/",
            exchange=routing.EXCHANGE,
            dead_letter_exchange=broker_admin.DEFAULT_DEAD_LETTER_EXCHANGE,
        ).actor_queue_arguments()
        channel.queue_declare(queue, durable=True, arguments=arguments)
        channel.queue_bind(queue, routing.EXCHANGE, routing_key=routing.binding_key(SCADA))
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            if action == "consume another's queue":
                channel.basic_consume(own_queue(TNODE), lambda *args: None)
            elif action == "bind to another's messages":  # its own queue, everyone's keys
                channel.queue_bind(own_queue(SCADA), routing.EXCHANGE, routing_key="#")
            else:
                channel.queue_declare(own_queue(OTHER_TA), durable=True)
        assert refused.value.reply_code == ACCESS_REFUSED
    finally:
        if connection.is_open:
            connection.close()


def login_config(logins: broker_admin.BrokerLogins, user: str) -> BrokerConfig:
    """How a host logs in as `user` of a provisioned vhost (whose topology is declared)."""
    return BrokerConfig(
        url=logins.url(user),
        exchange=routing.EXCHANGE,
        dead_letter_exchange=broker_admin.DEFAULT_DEAD_LETTER_EXCHANGE,
        dead_letter_queue=broker_admin.DEFAULT_DEAD_LETTER_QUEUE,
        declare_topology=False,
    )


def test_one_host_login_speaks_for_its_actors_and_no_one_else(
    own_broker: OwnBroker, certified_device: Device, algod: AlgodClient, tmp_path: Path
) -> None:
    device = certified_device
    atn_alias, scada_alias = device.atomic_tnode_alias, device.scada_alias
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    logins = own_broker.admin.provision(
        [OTHER_TA],
        vhost=vhost,
        logins_file=tmp_path / "logins.json",
        hosts={"site-a": [atn_alias, scada_alias]},
    )
    assert set(logins) == {OTHER_TA, "host:site-a"}
    chain = ChainContext.of(algod, device.factory.app_id)
    atn = AtomicTNode(atn_alias, device.atomic_tnode)
    scada = Scada(scada_alias, device.scada)

    async def main() -> str:
        async with ActorHost(
            chain, login_config(logins, "host:site-a"), actors=[atn, scada]
        ) as host:
            await scada.report("power-w", 700)
            await atn.dispatch(300)
            for _ in range(100):
                if scada.setpoint_w == 300 and "power-w" in atn.readings:
                    break
                await asyncio.sleep(0.05)
            outsider = seal(
                device.scada,
                message_type="gridworks.dispatch",
                payload=Dispatch(
                    terminal_asset=device.terminal_asset_alias, setpoint_w=1, until_ms=1
                ),
                source=OTHER_TA,
                destination=scada_alias,
                genesis_hash=chain.genesis_hash,
            )
            with pytest.raises(PublishError) as refused:
                await host.publish(
                    outsider, routing.routing_key(OTHER_TA, "gridworks.dispatch", scada_alias)
                )
            return str(refused.value)

    try:
        refusal = asyncio.run(main())
    finally:
        own_broker.admin.delete_vhost(vhost)
        own_broker.admin.delete_users(logins)
    assert atn.readings["power-w"].value == 700 and scada.setpoint_w == 300
    assert "ACCESS_REFUSED" in refusal


def test_certified_actors_run_on_hosts_logged_in_as_themselves(
    own_broker: OwnBroker,
    certified_device: Device,
    algod: AlgodClient,
    tmp_path: Path,
) -> None:
    """The runtime with per-actor logins: each host logs in as its GNode, declares only its own
    queue, and the broker refuses a publish naming another sender while the host carries on."""
    device = certified_device
    atn_alias, scada_alias = device.atomic_tnode_alias, device.scada_alias
    vhost = f"test-{uuid.uuid4().hex[:8]}"
    logins = own_broker.admin.provision(
        [atn_alias, scada_alias], vhost=vhost, logins_file=tmp_path / "logins.json"
    )

    def config(alias: str) -> BrokerConfig:
        return login_config(logins, alias)

    chain = ChainContext.of(algod, device.factory.app_id)
    atn = AtomicTNode(atn_alias, device.atomic_tnode)
    scada = Scada(scada_alias, device.scada)
    heard: list[object] = []

    async def main() -> str:
        async with (
            ActorHost(
                chain, config(atn_alias), actors=[atn], listener=lambda a, r: heard.append(r)
            ),
            ActorHost(chain, config(scada_alias), actors=[scada]) as scada_host,
        ):
            await scada.report("power-w", 2500)
            forged = seal(
                device.scada,
                message_type="gridworks.dispatch",
                payload=Dispatch(
                    terminal_asset=device.terminal_asset_alias, setpoint_w=1, until_ms=1
                ),
                source=atn_alias,  # claims to be the AtomicTNode
                destination=scada_alias,
                genesis_hash=chain.genesis_hash,
            )
            with pytest.raises(PublishError) as refused:
                await scada_host.publish(
                    forged, routing.routing_key(atn_alias, "gridworks.dispatch", scada_alias)
                )
            await scada.report("power-w", 2600)  # the host carries on
            for _ in range(100):
                if len(heard) == 2:
                    break
                await asyncio.sleep(0.05)
            await atn.dispatch(1200)
            for _ in range(100):
                if scada.setpoint_w == 1200:
                    break
                await asyncio.sleep(0.05)
            return str(refused.value)

    try:
        refusal = asyncio.run(main())
    finally:
        own_broker.admin.delete_vhost(vhost)
        own_broker.admin.delete_users(logins)
    assert "403" in refusal and "ACCESS_REFUSED" in refusal
    assert [r.message.value for r in heard] == [2500, 2600]  # type: ignore[attr-defined]
    assert scada.setpoint_w == 1200


def test_a_thousand_users_in_one_import(own_broker: OwnBroker, tmp_path: Path) -> None:
    # (how long it takes is bench/broker_users.py's business)
    aliases = [f"d1.bench.ta{n:04d}" for n in range(1000)]
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        logins = own_broker.admin.provision(aliases, vhost=vhost, logins_file=tmp_path / "l.json")
        users = {user["name"] for user in own_broker.admin.request("GET", "/users")}
        assert set(aliases) <= users
        assert len(broker_admin.read_logins(tmp_path / "l.json")) == 1000
        connect_as(logins, aliases[-1]).close()
    finally:
        # The broker is shared (tests/actors/own_broker.py): leave no thousand users on it.
        # (scripts/broker start's wait for its admin, `list_users | awk | grep -q` under
        # pipefail, never ends on a node with that many: awk dies of SIGPIPE.)
        own_broker.admin.delete_users(aliases)
        own_broker.admin.delete_vhost(vhost)
