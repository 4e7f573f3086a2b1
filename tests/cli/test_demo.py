"""The main demo, `gridworks demo`: the real conversation is accepted, every attack refused."""

from __future__ import annotations

import re

from click.testing import CliRunner

from gridworks.cli import main
from gridworks.cli.stories.demo import run_demo


def test_demo_accepts_the_device_and_refuses_each_attacker_with_its_reason() -> None:
    lines: list[str] = []
    rows = run_demo(lines.append)
    outcomes = [(row.sender, row.outcome, row.reason) for row in rows]
    assert outcomes == [
        ("scada", "accepted", ""),
        ("atn", "accepted", ""),
        ("scada", "accepted", ""),
        ("impostor", "rejected", "NO_CERTIFICATE"),
        ("replayer", "rejected", "REPLAY"),
        ("forger", "rejected", "BAD_SIGNATURE"),
        ("forger", "rejected", "BAD_SIGNATURE"),
        ("impostor", "refused by RabbitMQ", "user_id mismatch"),
        ("scada", "rejected", "REVOKED"),
    ]
    text = "\n".join(lines)
    assert "the Scada now runs the heat pump at 1500 W" in text
    dead = next(line for line in lines if "dead-letter queue:" in line)
    assert "5 messages" in dead
    for reason in ("BAD_SIGNATURE", "NO_CERTIFICATE", "REPLAY", "REVOKED"):
        assert reason in dead
    assert lines[-1].strip() == "3 accepted, 6 refused"


def test_demo_command_prints_no_key_material() -> None:
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "3 accepted, 6 refused" in result.output
    # no 25-word mnemonic and no base64 private key (88 chars) in what it prints
    assert not re.search(r"\b(?:[a-z]{3,8} ){24}[a-z]{3,8}\b", result.output)
    assert not re.search(r"[A-Za-z0-9+/]{86}==", result.output)


def test_demo_without_a_broker_says_so_in_one_line(monkeypatch) -> None:
    """Pointed at a port where no broker listens (and no scripts/broker to start one)."""
    from pathlib import Path

    from gridworks.cli.stories import broker_check

    monkeypatch.setenv("GRIDWORKS_BROKER_URL", "amqp://smqPublic:smqPublic@127.0.0.1:9/d1__1")
    monkeypatch.setattr(broker_check, "BROKER_SCRIPT", Path("/nonexistent/scripts/broker"))
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 1
    assert "no RabbitMQ broker answered at 127.0.0.1:9/d1__1" in result.output
    assert "smqPublic:smqPublic" not in result.output
