"""bench/amqp_clients.py measures working paths: each client it times moves every message
through the real dev broker exactly once, every publish confirmed, and the queue is gone after.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

import pika
import pika.exceptions
import pytest

from gridworks.actors.broker import BrokerConfig

BENCH = Path(__file__).resolve().parents[2] / "bench" / "amqp_clients.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_amqp_clients", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_bench()


@pytest.mark.broker
@pytest.mark.parametrize("variant", list(bench.MEASURES))
def test_each_client_moves_every_message_once(variant: str) -> None:
    url = BrokerConfig().url
    queue = f"gridworks.test.amqp-clients.{uuid.uuid4().hex[:12]}"
    outcome = bench.run(variant, url, 200, queue=queue, window=32, prefetch=50, limit_s=10)
    assert outcome.problems() == []
    assert sorted(outcome.ids, key=int) == [str(i) for i in range(200)]
    assert outcome.confirmed == (200 if outcome.confirms else 0)
    assert 0 < outcome.publish_s and 0 < outcome.total_s
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as gone:
            connection.channel().queue_declare(queue, passive=True)
        assert gone.value.reply_code == 404
    finally:
        connection.close()


def test_the_check_sees_loss_duplicates_and_missing_confirms() -> None:
    ok = bench.Outcome("x", 3, published=3, confirmed=3, ids=["2", "0", "1"])
    assert ok.problems() == []
    lost = bench.Outcome("x", 3, published=3, confirmed=3, ids=["0", "1", "1"])
    assert lost.problems() == ["1 messages lost", "1 duplicates"]
    unconfirmed = bench.Outcome("x", 3, published=3, confirmed=2, ids=["0", "1", "2"])
    assert unconfirmed.problems() == ["2 of 3 publishes confirmed"]
    with pytest.raises(RuntimeError, match="messages lost"):
        lost.check()


def test_settled_counts_multiple_and_single_confirms_once() -> None:
    settled = bench.Settled(10)
    assert settled.settle(3, multiple=True) == 3
    assert settled.settle(5, multiple=False) == 1
    assert settled.settle(6, multiple=True) == 2  # 4 and 6; 5 was settled already
    assert settled.settle(6, multiple=True) == 0
    assert (settled.count, settled.floor) == (6, 6)
