"""Messages per second through RabbitMQ, signed and verified vs unsigned, same path, same run.

The path: a publisher process (the sending actor; a Scada runs on its own machine) publishes
each message with publisher confirms and `mandatory` (`SignedPublisher.publish_all`: one
confirmed publish at a time, the next message prepared on a helper thread meanwhile) with the
same AMQP properties; this process (the receiving actor, with the embedded sandbox) takes them
from the destination's durable queue with manual acks (`VerifyingConsumer`, prefetch 100) and
hands each to a handler. Messages are persistent. The rate is messages / time from the go
signal (the publisher connected and waiting) to the last handled message.

Three variants, alternating, `ROUNDS` runs each; the table shows medians:
- signed + verified: the publisher seals each `Telemetry` (Ed25519); the consumer runs the
  chain-backed `Verifier` (warm cache, follower thread on): parse, policy, signature under the
  chain's key, certificate, replay.
- unsigned: the same envelope JSON (header and payload) with an all-zero signature field; the
  consumer parses it as strictly (layout, JSON, header schema) and validates the payload
  model, as any consumer of unsigned messages must: everything but signing and verifying.
- bare payload (for reference): the payload JSON alone, accepted without any parsing.

The goal compares signed + verified with unsigned.
Needs the dev broker (`scripts/broker start`).
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from multiprocessing import get_context
from typing import Any

from gridworks.actors.broker import BrokerConfig, connect, queue_name
from gridworks.actors.consumer import VerifyingConsumer
from gridworks.actors.lookahead import ahead
from gridworks.actors.messages import MESSAGE_TYPES, TELEMETRY, Telemetry
from gridworks.actors.publisher import SignedPublisher
from gridworks.contracts.provision import provision_device
from gridworks.identity.authority import ProvenIdentity
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import SignedEnvelope, now_ms, parse, seal
from gridworks.identity.keys import ActorKey
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Rejected, Verified, Verifier
from gridworks.sandbox import connect as connect_chain
from gridworks.table import format_table

ATN = "d1.isone.ver.keene.holly"
TA = ATN + ".ta"
SCADA = ATN + ".scada"
ROUNDS = 5
VARIANTS = ("bare", "unsigned", "signed")


class ZeroSigner:
    """Seals an envelope without signing it (an all-zero signature field)."""

    def __init__(self, address: str) -> None:
        self.address = address

    def sign(self, data: bytes) -> bytes:
        return bytes(64)


def envelopes(signer: Any, genesis: str, count: int) -> Iterator[SignedEnvelope]:
    for i in range(count):
        yield seal(
            signer,
            message_type=TELEMETRY,
            payload=Telemetry(terminal_asset=TA, channel="power-w", value=i, read_ms=0),
            source=SCADA,
            destination=ATN,
            genesis_hash=genesis,
        )


def publish_in_child(
    config: dict[str, Any],
    count: int,
    variant: str,
    private_key: str,
    genesis: str,
    ready: Any,
    go: Any,
) -> None:
    """The publishing actor, in a process of its own, connected before the clock starts."""
    key = ActorKey.from_private_key(private_key)
    broker = BrokerConfig(**config)
    connection = connect(broker)
    publisher = SignedPublisher(connection, broker)
    ready.set()
    go.wait()
    if variant == "signed":
        publisher.publish_all(envelopes(key, genesis, count))
    elif variant == "unsigned":
        publisher.publish_all(envelopes(ZeroSigner(key.address), genesis, count))
    else:
        bodies = (
            envelope.message_bytes
            for envelope in envelopes(ZeroSigner(key.address), genesis, count)
        )
        for body in ahead(bodies):
            publisher.publish_wire(
                body,
                ATN,
                message_id=str(uuid.uuid4()),
                message_type=f"{TELEMETRY}/v1",
                timestamp=now_ms() // 1000,
                expiration_ms=60_000,
                headers={"source": SCADA, "destination": ATN},
            )
    connection.close()


def run(
    config: BrokerConfig,
    count: int,
    variant: str,
    verify: Callable[[bytes], Verified | Rejected],
    private_key: str,
    genesis: str,
) -> float:
    """Messages per second for one run: a publisher process, this process consuming."""
    seen = 0

    def on_message(_: Verified) -> None:
        nonlocal seen
        seen += 1

    connection = connect(config)
    consumer = VerifyingConsumer(connection, config, ATN, verify, on_message)
    context = get_context("spawn")
    ready, go = context.Event(), context.Event()
    child = context.Process(
        target=publish_in_child,
        args=(config.model_dump(), count, variant, private_key, genesis, ready, go),
    )
    child.start()
    if not ready.wait(60):
        raise RuntimeError("the publisher process did not start")
    start = time.perf_counter()
    go.set()
    while seen < count:
        if not consumer.drain(max_messages=count - seen, timeout=10):
            raise RuntimeError(f"only {seen} of {count} messages arrived")
    elapsed = time.perf_counter() - start
    child.join(30)
    consumer.close()
    connection.close()
    return count / elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    tag = uuid.uuid4().hex[:8]
    config = BrokerConfig(
        exchange=f"gridworks.bench.{tag}",
        dead_letter_exchange=f"gridworks.bench-dl.{tag}",
        dead_letter_queue=f"gridworks.bench-dl.{tag}",
    )
    network = connect_chain()
    try:
        device = provision_device(network, ATN)
        factory, scada, genesis = device.factory, device.scada, device.genesis_hash
        verifier = Verifier(
            network.algod,
            factory.app_id,
            receivers=(ATN,),
            message_types=MESSAGE_TYPES,
            genesis_hash=genesis,
            cache=ChainCache(network.algod, watch_app_ids=(factory.app_id,)),
        )
        sample = next(envelopes(scada, genesis, 1))
        accepted = Verified(
            envelope=sample,
            sender=ProvenIdentity(
                alias=SCADA,
                role=GNodeRole.Scada,
                address=scada.address,
                certificate=CertificateKind.ScadaCert,
                certificate_asset_id=0,
                terminal_asset=TA,
                factory_app_id=factory.app_id,
            ),
        )

        def check_unsigned(body: bytes) -> Verified | Rejected:
            envelope = parse(body)
            model = MESSAGE_TYPES.model(envelope.header.type, envelope.header.version)
            assert model is not None
            model.model_validate(envelope.payload)
            return accepted

        def accept_bare(_: bytes) -> Verified | Rejected:
            return accepted

        checks = {"bare": accept_bare, "unsigned": check_unsigned, "signed": verifier.verify}
        rates: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
        with verifier:
            assert verifier.verify(sample.wire).ok
            for _ in range(ROUNDS):
                for variant in VARIANTS:
                    rate = run(config, count, variant, checks[variant], scada.private_key, genesis)
                    rates[variant].append(rate)
        cleanup = connect(config)
        channel = cleanup.channel()
        channel.queue_delete(queue_name(config, ATN))
        channel.queue_delete(config.dead_letter_queue)
        channel.exchange_delete(config.exchange)
        channel.exchange_delete(config.dead_letter_exchange)
        cleanup.close()
    finally:
        network.close()

    median = {variant: statistics.median(values) for variant, values in rates.items()}
    labels = {
        "bare": "bare payload, no envelope (reference)",
        "unsigned": "unsigned envelope, parsed + schema",
        "signed": "signed + verified",
    }
    rows = [
        (labels[v], f"{median[v]:,.0f}", " ".join(f"{r:,.0f}" for r in rates[v])) for v in VARIANTS
    ]
    print(f"{count} messages per run, {ROUNDS} runs of each variant (alternating); medians")
    print(format_table(("path", "messages/s", "runs"), rows))
    ratio = median["signed"] / median["unsigned"]
    status = "met" if ratio >= 0.9 else "NOT MET"
    print(f"signed / unsigned = {ratio:.1%} (goal >= 90%: {status})")
    print(f"signed / bare payload = {median['signed'] / median['bare']:.1%}")


if __name__ == "__main__":
    main()
