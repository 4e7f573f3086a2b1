"""`dev_broker.spare_port`: ports for a broker of one's own that a restart finds still free."""

from __future__ import annotations

import random
import socket
from pathlib import Path

from gridworks.actors import dev_broker


def triple(port: int) -> tuple[int, int, int]:
    return port, dev_broker.management_port(port), dev_broker.dist_port(port)


def test_the_ephemeral_range_is_read_from_the_kernel_file(tmp_path: Path) -> None:
    source = tmp_path / "ip_local_port_range"
    source.write_text("40000\t50000\n")
    assert dev_broker.ephemeral_ports(source) == range(40000, 50001)


def test_an_unreadable_range_means_linux_s_default(tmp_path: Path) -> None:
    assert dev_broker.ephemeral_ports(tmp_path / "absent") == range(32768, 61000)
    garbled = tmp_path / "garbled"
    garbled.write_text("not a range")
    assert dev_broker.ephemeral_ports(garbled) == range(32768, 61000)


def test_no_port_of_the_three_is_ephemeral_nor_5672() -> None:
    ephemeral = range(32768, 61000)
    rng = random.Random(7)
    for _ in range(200):
        port = dev_broker.spare_port(rng, ephemeral)
        assert port != dev_broker.DEFAULT_PORT
        assert 1024 <= port <= dev_broker.MAX_PORT
        assert not any(p in ephemeral for p in triple(port)), port


def test_this_machine_s_range_is_honoured() -> None:
    port = dev_broker.spare_port()
    assert not any(p in dev_broker.ephemeral_ports() for p in triple(port))


class FirstThen(random.Random):
    """Chooses `first` at its first choice, then at random."""

    def __init__(self, first: int) -> None:
        super().__init__(11)
        self.first = [first]

    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return self.first.pop() if self.first else super().choice(seq)


def test_a_port_whose_management_port_is_held_is_passed_over() -> None:
    candidate = dev_broker.spare_port()
    with socket.socket() as held:
        held.bind(("127.0.0.1", dev_broker.management_port(candidate)))
        port = dev_broker.spare_port(FirstThen(candidate))
        assert port != candidate
        assert all(dev_broker.port_free(p) for p in triple(port))


def test_5672_is_never_chosen() -> None:
    assert dev_broker.spare_port(FirstThen(dev_broker.DEFAULT_PORT)) != dev_broker.DEFAULT_PORT


def test_where_the_kernel_leaves_no_room_any_free_triple_will_do() -> None:
    everything = range(0, 65536)
    port = dev_broker.spare_port(random.Random(3), everything)
    assert port != dev_broker.DEFAULT_PORT
    assert all(dev_broker.port_free(p) for p in triple(port))
