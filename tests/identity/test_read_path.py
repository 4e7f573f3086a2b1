"""The read path needs algod only: verifying a message never loads PyTeal or Beaker, and the
registry record is defined once (identity/record.py), the contract's layout included."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gridworks.identity.certificates import CertificateKind, Slot
from gridworks.identity.record import (
    HEAD_SIZE,
    RECORD_ABI,
    ZERO_ADDRESS,
    Record,
    RecordError,
    record_size,
    static_offset,
)
from gridworks.identity.roles import REGISTRY_ROLE_CODES, SERVICE_ROLES, GNodeRole
from gridworks.identity.status import GNodeStatus

WRITE_PATH = ("pyteal", "beaker", "algokit_utils", "gridworks.contracts")


@pytest.mark.parametrize(
    "module", ["gridworks.identity.verifier", "gridworks.actors", "gridworks.identity.chain"]
)
def test_the_read_path_loads_no_contract_tooling(module: str) -> None:
    code = f"import sys, {module}\nprint(','.join(m for m in {WRITE_PATH!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"importing {module} loaded {loaded}"


def test_the_write_path_still_loads_beaker() -> None:
    """The check above can fail: the write path does load the tooling."""
    code = "import sys, gridworks.contracts.factory; print('beaker' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_contract_builds_its_record_type_from_the_one_layout() -> None:
    from gridworks.contracts import gnode_factory

    assert gnode_factory.GNodeRecord().type_spec().__str__() == RECORD_ABI
    assert (gnode_factory.ROLE_AT, gnode_factory.STATUS_AT) == (0, 1)
    assert gnode_factory.ID_AT == static_offset("primary_cert") == 6
    assert gnode_factory.HOLDER_AT == static_offset("owner") == 6 + 3 * 8
    assert gnode_factory.HEAD == HEAD_SIZE == 6 + 3 * 8 + 3 * 32


def test_a_record_round_trips_and_its_offsets_hold() -> None:
    from algosdk import account

    owner = account.generate_account()[1]
    record = Record(
        GNodeRole.TerminalAsset,
        GNodeStatus.Suspended,
        "d1.a.ta",
        "d1.a",
        11,
        12,
        0,
        owner,
        owner,
        ZERO_ADDRESS,
    )
    raw = record.encode()
    assert len(raw) == record_size("d1.a.ta", "d1.a")
    assert Record.decode(raw) == record
    assert raw[static_offset("role")] == GNodeRole.TerminalAsset.code == 2
    assert raw[static_offset("status")] == GNodeStatus.Suspended.code == 2
    at = static_offset("trading_rights")
    assert int.from_bytes(raw[at : at + 8], "big") == record.cert(Slot.TRADING) == 12
    assert record.holder(Slot.SCADA) == ZERO_ADDRESS


def _encoded(role: int, status: int) -> bytes:
    from gridworks.identity.record import RECORD

    zero = ZERO_ADDRESS
    return bytes(RECORD.encode([role, status, "d1.a.ta", "d1.a", 1, 2, 0, zero, zero, zero]))


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"", "undecodable"),
        (b"\x02\x01\xff\xff", "undecodable"),
        (_encoded(99, 1), "unknown registry role byte 99"),
        (_encoded(2, 7), "unknown registry status byte 7"),
    ],
)
def test_bytes_that_are_not_a_record_raise_record_error(raw: bytes, needle: str) -> None:
    with pytest.raises(RecordError, match=needle):
        Record.decode(raw)
    assert Record.decode(_encoded(2, 1)).alias == "d1.a.ta"


def test_one_enum_per_concept_maps_every_registry_byte() -> None:
    assert {role.code for role in REGISTRY_ROLE_CODES} == set(range(1, 10))
    assert all(GNodeRole.from_code(role.code) is role for role in REGISTRY_ROLE_CODES)
    assert all(GNodeStatus.from_code(status.code) is status for status in GNodeStatus)
    with pytest.raises(ValueError, match="records no World"):
        _ = GNodeRole.World.code
    held_by = {role for kind in CertificateKind for role in kind.roles}
    assert held_by == {GNodeRole.Validator, GNodeRole.TerminalAsset, *SERVICE_ROLES}
    assert CertificateKind.at(GNodeRole.TerminalAsset, Slot.SCADA) is CertificateKind.ScadaCert
    assert CertificateKind.at(GNodeRole.Validator, Slot.TRADING) is None
