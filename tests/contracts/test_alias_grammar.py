"""One table of aliases, two judges: the Python model (`identity/alias.py`, `GNode`) and the
GNodeFactory on chain must agree on every row (issue 10, defect 4: the factory used to accept a
bare `d` or `h` root, `d.odd.ta`, which the model refuses, and such a record then broke every
reader of that factory).

Rows ending in `.ta` are registered as TerminalAssets (`create_terminal_asset`), the others as
validators (`certify_validator`), so the table exercises both of the factory's alias checks; it
holds no root-only alias and no `.scada` one, which the model allows as aliases but not for those
roles (refused separately in `test_validator_aliases_obey_the_role_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from algosdk import account

from gridworks.contracts import gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity import AliasError, GNode, GNodeAlias, GNodeRole
from gridworks.identity.certificates import Slot
from gridworks.identity.roles import ALIAS_LAST_WORD, SCADA_WORD, TA_WORD

LONGEST_TA = "d1." + "a" * 57 + ".ta"  # 63 characters
LONGEST_VALIDATOR = "d1." + "v" * 60  # 63 characters

# (alias, valid): the one table
ALIASES: list[tuple[str, bool]] = [
    # valid TerminalAsset aliases
    ("d1.odd.ta", True),
    ("h1.odd.ta", True),
    ("w.ta", True),
    ("w.isone.ta", True),
    ("dw1.isone.me.versant.ta", True),
    ("hw1.a.ta", True),
    ("d9z.x.ta", True),
    ("d1.2x.ta", True),  # only the first word must start with a letter
    (LONGEST_TA, True),
    # invalid TerminalAsset aliases
    ("d.odd.ta", False),  # a bare d root (the bug)
    ("h.odd.ta", False),  # a bare h root (the bug)
    ("w1.odd.ta", False),  # the production root is exactly w
    ("wx.odd.ta", False),
    ("x1.odd.ta", False),
    ("ta.odd.ta", False),
    ("1d.odd.ta", False),
    ("d1.Odd.ta", False),
    ("D1.odd.ta", False),
    ("d1.od-d.ta", False),
    ("d1.od_d.ta", False),
    ("d1.od d.ta", False),
    ("d1.\u00e9.ta", False),
    ("d1..ta", False),
    (".d1.odd.ta", False),
    (LONGEST_TA[:-3] + "a.ta", False),  # 64 characters
    # valid validator aliases
    ("dwgps.validator", True),
    ("w.validator", True),
    ("h2.isone.validator", True),
    ("d1.isone.ver.v2", True),
    (LONGEST_VALIDATOR, True),
    # invalid validator aliases
    ("d.validator", False),
    ("h.validator", False),
    ("v.one", False),
    ("msig.validator", False),
    ("d1.validator.", False),
    ("d1.Validator", False),
    ("d1.vali/dator", False),
    ("9d.validator", False),
    (LONGEST_VALIDATOR + "v", False),  # 64 characters
]


def test_the_table_is_well_made() -> None:
    aliases = [alias for alias, _ in ALIASES]
    assert len(aliases) == len(set(aliases)), "every row registers its own alias"
    assert {valid for _, valid in ALIASES} == {True, False}
    assert any(a.startswith(("d.", "h.")) for a, ok in ALIASES if not ok)


def role_of(alias: str) -> GNodeRole:
    return GNodeRole.TerminalAsset if alias.endswith(".ta") else GNodeRole.Validator


# ---- the Python model ----------------------------------------------------------------------


@pytest.mark.parametrize(("alias", "valid"), ALIASES)
def test_the_python_model(alias: str, valid: bool) -> None:
    if not valid:
        with pytest.raises(AliasError):
            GNodeAlias(alias)
        return
    assert GNodeAlias(alias) == alias
    # what the chain reader builds from such a record parses too
    role = (
        GNodeRole.TerminalAsset
        if role_of(alias) is GNodeRole.TerminalAsset
        else GNodeRole.Validator
    )
    assert GNode(alias=alias, role=role).alias == alias


# ---- the contract --------------------------------------------------------------------------


@dataclass
class OnChain:
    factory: FactoryClient
    admin: object
    validator: object
    owner: str


@pytest.fixture(scope="module")
def on_chain(network) -> OnChain:
    admin, validator = network.new_account(50_000_000), network.new_account(50_000_000)
    client = deploy(
        gnode_factory.app, network, admin, create_args={"admin": admin.address}, min_balance=100_000
    )
    factory = FactoryClient(client)
    factory.certify_validator(admin.address, admin.signer, validator.address, "d1.table.validator")
    factory.deliver(validator, "d1.table.validator", Slot.PRIMARY)
    return OnChain(factory, admin, validator, account.generate_account()[1])


def register(chain: OnChain, alias: str) -> None:
    f = chain.factory
    if role_of(alias) is GNodeRole.TerminalAsset:
        f.create_terminal_asset(chain.validator, alias, chain.owner, chain.owner)
    else:
        admin = chain.admin
        f.certify_validator(admin.address, admin.signer, account.generate_account()[1], alias)


@pytest.mark.parametrize(("alias", "valid"), ALIASES)
def test_the_contract(on_chain: OnChain, unchanged, alias: str, valid: bool) -> None:
    """One call per row: accepted and recorded under that alias, or refused (the ledger
    unchanged) by an alias check (a 64-character alias's box name is already too long for the
    ledger, which refuses it before the program runs)."""
    if valid:
        register(on_chain, alias)
        record = on_chain.factory.record(alias)
        assert (record.alias, record.role) == (alias, role_of(alias))
        return
    with unchanged(), pytest.raises(Exception, match=r"alias|Name too long") as info:
        register(on_chain, alias)
    if len(alias) <= 63:
        assert "alias" in str(info.value)


# ---- role rules beyond the grammar -----------------------------------------------------------


def test_reserved_words_match_the_identity_model() -> None:
    assert ALIAS_LAST_WORD == {GNodeRole.TerminalAsset: TA_WORD, GNodeRole.Scada: SCADA_WORD}


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("d1", "not a root"),
        ("w", "not a root"),
        ("d1.x.ta", "does not end in .ta or .scada"),
        ("d1.x.scada", "does not end in .ta or .scada"),
    ],
)
def test_validator_aliases_obey_the_role_rules(
    on_chain: OnChain, unchanged, alias: str, reason: str
) -> None:
    """Valid aliases a Validator GNode may not have (the model's `GNode` refuses them too)."""
    GNodeAlias(alias)
    with pytest.raises(ValueError):
        GNode(alias=alias, role=GNodeRole.Validator)
    admin = on_chain.admin
    with unchanged(), pytest.raises(Exception, match=reason):
        on_chain.factory.certify_validator(
            admin.address, admin.signer, account.generate_account()[1], alias
        )
