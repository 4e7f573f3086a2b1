"""How a dead letter is labelled and read back, without a broker (the broker round trips are in
tests/actors/test_broker_plumbing.py)."""

from __future__ import annotations

import pika

from gridworks.actors.dead_letters import (
    DETAIL_HEADER,
    MAX_DETAIL_CHARS,
    QUEUE_HEADER,
    REASON_HEADER,
    USER_ID_HEADER,
    DeadLetter,
    dead_letter_of,
    dead_letter_properties,
)
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Rejected


def test_a_refusal_is_labelled_and_read_back() -> None:
    sent = pika.BasicProperties(
        content_type="application/json",
        message_id="m-1",
        user_id="scada-site-7",
        expiration="60000",
        priority=4,
        headers={"source": "d1.isone.ver.keene.holly.scada"},
    )
    rejected = Rejected(reason=RejectReason.REPLAY, detail="seen before " + "x" * 900)
    labelled = dead_letter_properties(sent, rejected, "gridworks.actors:d1.atn")

    assert labelled.expiration is None  # it must not expire in the dead-letter queue
    assert labelled.user_id is None  # RabbitMQ would refuse another login's user_id
    assert labelled.delivery_mode == pika.DeliveryMode.Persistent.value
    assert (labelled.message_id, labelled.priority) == ("m-1", 4)
    assert labelled.headers[USER_ID_HEADER] == "scada-site-7"
    assert labelled.headers[REASON_HEADER] == "REPLAY"
    assert len(labelled.headers[DETAIL_HEADER]) == MAX_DETAIL_CHARS
    assert labelled.headers[QUEUE_HEADER] == "gridworks.actors:d1.atn"
    assert sent.headers == {"source": "d1.isone.ver.keene.holly.scada"}  # not changed

    letter = dead_letter_of(labelled, b"{}")
    assert letter == DeadLetter(
        body=b"{}",
        reason="REPLAY",
        detail=rejected.detail[:MAX_DETAIL_CHARS],
        message_id="m-1",
        queue="gridworks.actors:d1.atn",
        by_broker=False,
        headers=labelled.headers,
    )


def test_what_the_broker_dead_lettered_is_read_from_its_headers() -> None:
    # As RabbitMQ hands them over: header values of type longstr arrive as bytes.
    nacked = pika.BasicProperties(
        message_id="m-2",
        headers={
            "x-first-death-reason": b"rejected",
            "x-first-death-queue": b"gridworks.actors:d1.atn",
            "x-death": [{"reason": b"rejected", "queue": b"gridworks.actors:d1.atn", "count": 1}],
        },
    )
    letter = dead_letter_of(nacked, b"body")
    assert letter.by_broker
    assert (letter.reason, letter.queue, letter.detail) == (
        "rejected",
        "gridworks.actors:d1.atn",
        None,
    )

    # x-death alone is enough.
    expired = pika.BasicProperties(
        headers={"x-death": [{"reason": "expired", "queue": "gridworks.actors:d1.scada"}]}
    )
    letter = dead_letter_of(expired, b"")
    assert (letter.reason, letter.queue, letter.message_id) == (
        "expired",
        "gridworks.actors:d1.scada",
        None,
    )

    assert dead_letter_of(pika.BasicProperties(), b"").reason is None
