"""The GNode model: role/alias ties, addresses, certificates, strictness, JSON round trip."""

from uuid import UUID

import pytest
from algosdk import account
from pydantic import ValidationError

from gridworks.identity import CertificateKind, GNode, GNodeAlias, GNodeRole, GNodeStatus

R = GNodeRole


def _address() -> str:
    return str(account.generate_account()[1])


def test_defaults_and_derived_parent() -> None:
    node = GNode(alias="d1.isone.holly.ta", role=R.TerminalAsset)  # type: ignore[arg-type]
    assert isinstance(node.id, UUID)
    assert node.status is GNodeStatus.Pending
    assert node.parent_alias == "d1.isone.holly"
    assert isinstance(node.alias, GNodeAlias)
    assert GNode(alias="d1", role=R.World).parent_alias is None  # type: ignore[arg-type]


def test_json_round_trip() -> None:
    node = GNode(
        alias="d1.isone.holly.ta",  # type: ignore[arg-type]
        role=R.TerminalAsset,
        status=GNodeStatus.Active,
        account_addresses=(_address(), _address()),
        certificate_asset_ids={CertificateKind.TaDeed: 12, CertificateKind.TaTradingRights: 13},
    )
    text = node.model_dump_json()
    assert '"TaDeed":12' in text
    assert GNode.model_validate_json(text) == node


@pytest.mark.parametrize(
    ("alias", "role", "message"),
    [
        ("d1.isone.holly", R.TerminalAsset, "ends in '.ta'"),
        ("d1.isone.ta", R.AtomicTNode, "reserved for a TerminalAsset"),
        ("d1.holly", R.Scada, "ends in '.scada'"),
        ("d1.holly.scada", R.AtomicTNode, "reserved for a Scada"),
        ("d1.isone", R.World, "single root word"),
        ("d1", R.ConductorTopologyNode, "belongs to a World"),
    ],
)
def test_role_and_alias_are_tied(alias: str, role: GNodeRole, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        GNode(alias=alias, role=role)  # type: ignore[arg-type]


def test_given_parent_alias_must_match() -> None:
    GNode(alias="d1.isone", role=R.ConductorTopologyNode, parent_alias="d1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="does not match"):
        GNode(alias="d1.isone", role=R.ConductorTopologyNode, parent_alias="d2")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="does not match"):
        GNode(alias="d1", role=R.World, parent_alias="d1")  # type: ignore[arg-type]


def test_bad_alias_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        GNode(alias="D1.isone", role=R.ConductorTopologyNode)  # type: ignore[arg-type]
    assert info.value.errors()[0]["loc"] == ("alias",)
    assert "uppercase" in str(info.value)


def test_addresses_are_validated() -> None:
    good = _address()
    bad = good[:10] + ("B" if good[10] == "A" else "A") + good[11:]  # checksum mismatch
    with pytest.raises(ValidationError, match="not a valid Algorand address") as info:
        GNode(alias="d1", role=R.World, account_addresses=(good, bad))  # type: ignore[arg-type]
    assert info.value.errors()[0]["loc"] == ("account_addresses", 1)
    with pytest.raises(ValidationError, match="listed twice"):
        GNode(alias="d1", role=R.World, account_addresses=(good, good))  # type: ignore[arg-type]


def test_certificates_by_kind() -> None:
    with pytest.raises(ValidationError, match="certificate_asset_ids"):
        GNode(alias="d1", role=R.World, certificate_asset_ids={"NOPE": 1})  # type: ignore[arg-type, dict-item]
    with pytest.raises(ValidationError, match="greater than 0"):
        GNode(alias="d1", role=R.World, certificate_asset_ids={CertificateKind.ValidatorCert: 0})  # type: ignore[arg-type]


def test_unit_names_live_in_one_place() -> None:
    units = {kind.unit_name for kind in CertificateKind}
    assert units == {"VLDTR", "TADEED", "TATRADE", "SCADA", "SERVICE"}
    for kind in CertificateKind:
        assert CertificateKind.from_unit_name(kind.unit_name) is kind
    with pytest.raises(ValueError, match="unknown certificate unit name"):
        CertificateKind.from_unit_name("NOPE")


def test_strict_and_frozen() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        GNode(alias="d1", role=R.World, colour="red")  # type: ignore[arg-type, call-arg]
    node = GNode(alias="d1", role=R.World)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="frozen"):
        node.status = GNodeStatus.Active  # type: ignore[misc]
