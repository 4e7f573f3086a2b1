"""The main demo: a certified device's Scada and AtomicTNode talk through RabbitMQ while an
impostor, a replayer and a forger try to join in.

It starts an embedded sandbox (or uses ALGOD_SERVER & co.), checks the broker, deploys the
GNodeFactory, certifies a validator, creates the TerminalAsset `d1.isone.ver.keene.holly.ta`
with its TaDeed, TaTradingRights and ScadaCert, then runs the two actors and the attackers and
prints a timeline and a summary. Every refusal is the verifier's, with its reason; refused
messages end in the dead-letter queue, which the demo reads back at the end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

import pika

from gridworks.actors import routing
from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import BrokerConfig, PublishError, connect, queue_name
from gridworks.actors.dead_letters import read_dead_letters
from gridworks.actors.host import CONTENT_TYPE, ActorHost
from gridworks.actors.messages import TELEMETRY, Telemetry
from gridworks.actors.scada import Scada
from gridworks.cli.stories.broker_check import ensure_broker
from gridworks.contracts.factory import Factory
from gridworks.contracts.provision import funded_key
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import DOMAIN_PREFIX, now_ms, seal, wire_of
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table

VALIDATOR = "d1.isone.ver.validator"
ATN = "d1.isone.ver.keene.holly"
TA = f"{ATN}.ta"
SCADA = f"{ATN}.scada"

DEMO_BROKER = dict(
    exchange="gridworks.demo.topic",
    dead_letter_exchange="gridworks.demo.dead-letter",
    dead_letter_queue="gridworks.demo.dead-letter",
)
"""The demo's own exchanges and queues, so it may empty them without touching anyone's."""


def _short(alias: str) -> str:
    return {ATN: "atn", SCADA: "scada"}.get(alias, alias)


@dataclass
class Row:
    step: int
    sender: str
    claims: str
    message: str
    receiver: str
    outcome: str = "(not delivered)"
    reason: str = ""


@dataclass
class Timeline:
    echo: Callable[[str], None]
    started: float = field(default_factory=time.perf_counter)
    rows: list[Row] = field(default_factory=list)
    heard: asyncio.Queue[Verified | Rejected] = field(default_factory=asyncio.Queue)

    def say(self, text: str) -> None:
        self.echo(f"{time.perf_counter() - self.started:7.3f}s  {text}")

    def sent(self, sender: str, claims: str, message: str, receiver: str) -> Row:
        row = Row(len(self.rows) + 1, sender, claims, message, receiver)
        self.rows.append(row)
        self.say(f"#{row.step} {sender} -> {_short(receiver)}: {message}")
        return row

    def outcome(self, actor: Actor, result: Verified | Rejected) -> None:
        row = self.rows[-1]
        if isinstance(result, Verified):
            who = result.sender
            row.outcome, row.reason = "accepted", ""
            self.say(
                f"   {_short(actor.alias)} ACCEPTED it: signed by {who.address[:8]}..., "
                f"the {who.role} of {who.terminal_asset} "
                f"({who.certificate} {who.certificate_asset_id})"
            )
        else:
            row.outcome, row.reason = "rejected", result.reason.value
            self.say(f"   {_short(actor.alias)} REJECTED it: {result}")
        self.heard.put_nowait(result)

    async def delivered(self, receiver: str) -> None:
        """Wait until the last message sent reached its receiver's verifier."""
        try:
            await asyncio.wait_for(self.heard.get(), 10.0)
        except TimeoutError:
            raise RuntimeError(f"nothing reached {receiver}'s handler") from None


def _empty_demo_queues(config: BrokerConfig) -> None:
    """Leftovers of an earlier run (signed for another sandbox) would only confuse the story."""
    connection = connect(config)
    try:
        channel = connection.channel()
        for queue in (queue_name(config, ATN), queue_name(config, SCADA), config.dead_letter_queue):
            try:
                channel.queue_purge(queue)
            except Exception:  # the queue does not exist yet: nothing to empty
                channel = connection.channel()
    finally:
        connection.close()


def run_demo(echo: Callable[[str], None] = print) -> list[Row]:
    """Run the whole story against `connect()`'s network and the dev broker; return the rows."""
    return asyncio.run(_story(echo))


async def _story(echo: Callable[[str], None]) -> list[Row]:
    timeline = Timeline(echo)
    say = timeline.say
    config = BrokerConfig(**DEMO_BROKER)
    network = connect_chain()
    try:
        where = "embedded sandbox" if network.is_embedded else "external node"
        say(f"chain: {where} at {network.algod.algod_address}")
        ensure_broker(config, say)
        say(f"broker: RabbitMQ at {config.where} as {config.user}")
        _empty_demo_queues(config)

        admin, validator, owner, atn_key, scada_key, impostor = (
            funded_key(network) for _ in range(6)
        )
        factory = Factory.deploy(network, admin)
        say(f"GNodeFactory deployed: app {factory.app_id}")
        factory.certify_validator(admin, validator, VALIDATOR)
        say(f"validator {VALIDATOR} certified (ValidatorCert to {validator.address[:8]}...)")
        node = factory.create_terminal_asset(validator, TA, owner, atn_key)
        ids = node.certificate_asset_ids
        say(
            f"TerminalAsset {TA} created: TaDeed {ids[CertificateKind.TaDeed]} to the owner, "
            f"TaTradingRights {ids[CertificateKind.TaTradingRights]} to the AtomicTNode"
        )
        node = factory.issue_scada_cert(owner, TA, scada_key)
        say(f"ScadaCert {node.certificate_asset_ids[CertificateKind.ScadaCert]} to the Scada")

        chain = ChainContext.of(network.algod, factory.app_id)
        atn = AtomicTNode(ATN, atn_key)
        scada = Scada(SCADA, scada_key)
        async with ActorHost(chain, config, actors=(atn, scada), listener=timeline.outcome) as host:
            say(f"actors up: {ATN} (AtomicTNode) and {SCADA} (Scada), one process, one connection")
            await _conversation(timeline, host, factory, admin, impostor, atn, scada)
            reader = connect(config)
            try:
                letters = read_dead_letters(reader, config, max_messages=100, timeout=0.3)
            finally:
                reader.close()
        say(
            f"dead-letter queue: {len(letters)} messages, reasons "
            + ", ".join(sorted({letter.reason or "?" for letter in letters}))
        )
        _summary(echo, timeline.rows)
        return timeline.rows
    finally:
        network.close()


async def _conversation(
    timeline: Timeline,
    host: ActorHost,
    factory: Factory,
    admin: object,
    impostor: object,
    atn: AtomicTNode,
    scada: Scada,
) -> None:
    say = timeline.say
    chain = host.chain
    to_atn = routing.routing_key(SCADA, TELEMETRY, ATN)  # what the Scada publishes with

    async def attack(wire: bytes, *, user_id: str | None = None) -> None:
        """Publish raw bytes as if from the Scada (the demo's broker login may use any key)."""
        properties = pika.BasicProperties(
            content_type=CONTENT_TYPE,
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=str(uuid4()),
            user_id=user_id or host.broker.user,
        )
        await host.link.publish(host.broker.exchange, to_atn, wire, properties)

    # 1. the real conversation
    timeline.sent("scada", SCADA, "telemetry power-w=3200", ATN)
    first = await scada.report("power-w", 3200)
    await timeline.delivered(ATN)
    timeline.sent("atn", ATN, "dispatch setpoint 1500 W", SCADA)
    await atn.dispatch(1500)
    await timeline.delivered(SCADA)
    say(f"   the Scada now runs the heat pump at {scada.setpoint_w} W")
    timeline.sent("scada", SCADA, "telemetry power-w=1480", ATN)
    await scada.report("power-w", 1480)
    await timeline.delivered(ATN)

    # 2. an impostor: a valid key and signature, but no ScadaCert
    timeline.sent("impostor", SCADA, "telemetry power-w=0 (its own key)", ATN)
    fake = seal(
        impostor,  # type: ignore[arg-type]
        message_type="gridworks.telemetry",
        payload=Telemetry(terminal_asset=TA, channel="power-w", value=0, read_ms=now_ms()),
        source=SCADA,
        destination=ATN,
        genesis_hash=chain.genesis_hash,
    )
    await attack(fake.wire)
    await timeline.delivered(ATN)

    # 3. a replayer: the Scada's first message, byte for byte
    timeline.sent("replayer", SCADA, "a copy of message #1", ATN)
    await attack(first.wire)
    await timeline.delivered(ATN)

    # 4. a forger: message #1 with the reading changed, the signature kept
    timeline.sent("forger", SCADA, "message #1 with power-w=9999", ATN)
    changed = first.message_bytes.replace(b'"value":3200', b'"value":9999')
    await attack(wire_of(first.signature, changed))
    await timeline.delivered(ATN)

    # 5. a forger naming the Scada's account as signer, signing with its own key
    timeline.sent("forger", SCADA, "telemetry claiming the Scada's account", ATN)
    header = json.loads(fake.message_bytes)
    header["header"]["signer"] = scada.key.address
    forged = json.dumps(header, separators=(",", ":")).encode()
    await attack(wire_of(impostor.sign(DOMAIN_PREFIX + forged), forged))  # type: ignore[attr-defined]
    await timeline.delivered(ATN)

    # 6. an impostor on the broker: claiming another broker user is refused by RabbitMQ
    row = timeline.sent("impostor", SCADA, "publish with user_id 'scada-site-7'", ATN)
    try:
        await attack(fake.wire, user_id="scada-site-7")
        row.outcome = "published?!"
    except PublishError as error:
        row.outcome, row.reason = "refused by RabbitMQ", "user_id mismatch"
        say(f"   RabbitMQ REFUSED it: {str(error)[:110]}")

    # 7. the factory revokes the ScadaCert: the Scada's next message is refused
    say("the GNodeFactory admin revokes the ScadaCert")
    factory.revoke(admin, TA, CertificateKind.ScadaCert)  # type: ignore[arg-type]
    status = chain.algod.status()
    assert isinstance(status, dict)
    await asyncio.to_thread(host.cache.caught_up, int(status["last-round"]))
    timeline.sent("scada", SCADA, "telemetry power-w=1500 (after revocation)", ATN)
    await scada.report("power-w", 1500)
    await timeline.delivered(ATN)


def _summary(echo: Callable[[str], None], rows: list[Row]) -> None:
    echo("")
    echo(
        format_table(
            ("#", "sent by", "as", "message", "to", "outcome", "reason"),
            [
                (
                    str(r.step),
                    r.sender,
                    _short(r.claims),
                    r.message,
                    _short(r.receiver),
                    r.outcome,
                    r.reason,
                )
                for r in rows
            ],
        )
    )
    accepted = sum(r.outcome == "accepted" for r in rows)
    echo(f"\n{accepted} accepted, {len(rows) - accepted} refused")
