"""The parent-role table and check_parent."""

import pytest

from gridworks.identity import PARENT_ROLES, GNodeRole, ParentRoleError, check_parent

R = GNodeRole


def test_every_role_has_a_row() -> None:
    assert set(PARENT_ROLES) == set(GNodeRole)


@pytest.mark.parametrize(
    ("role", "parent"),
    [
        (R.TerminalAsset, R.AtomicTNode),
        (R.TerminalAsset, R.AtomicMeteringNode),
        (R.AtomicTNode, R.ConductorTopologyNode),
        (R.AtomicTNode, R.MarketMaker),
        (R.AtomicMeteringNode, R.MarketMaker),
        (R.ConductorTopologyNode, R.World),
        (R.ConductorTopologyNode, R.MarketMaker),
        (R.MarketMaker, R.ConductorTopologyNode),
        (R.MarketMaker, R.World),
        (R.Scada, R.AtomicTNode),
        (R.InterconnectionComponent, R.ConductorTopologyNode),
        (R.TimeCoordinator, R.World),
        (R.PriceService, R.World),
        (R.WeatherService, R.World),
        (R.Supervisor, R.World),
    ],
)
def test_allowed(role: GNodeRole, parent: GNodeRole) -> None:
    check_parent(role, parent)


def test_only_a_world_is_a_root() -> None:
    check_parent(R.World, None)
    for role in GNodeRole:
        if role is not R.World:
            with pytest.raises(ParentRoleError, match=f"a {role.value} cannot be a root"):
                check_parent(role, None)


@pytest.mark.parametrize(
    ("role", "parent", "message"),
    [
        (R.TerminalAsset, R.MarketMaker, "a TerminalAsset cannot sit under a MarketMaker"),
        (R.AtomicTNode, R.World, "one of: ConductorTopologyNode, MarketMaker$"),
        (R.AtomicTNode, R.AtomicTNode, "cannot sit under"),
        (R.World, R.World, "a World is a root GNode"),
        (R.Scada, R.TerminalAsset, "its parent must be one of: AtomicTNode"),
        (R.ConductorTopologyNode, R.AtomicTNode, "cannot sit under"),
    ],
)
def test_refused(role: GNodeRole, parent: GNodeRole, message: str) -> None:
    with pytest.raises(ParentRoleError, match=message):
        check_parent(role, parent)
