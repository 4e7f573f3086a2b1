"""The in-memory GNodeRegistry: tree rules, status lifecycle, no alias reuse, tree rendering."""

import pytest

from gridworks.identity import (
    AliasReusedError,
    DuplicateGNodeIdError,
    GNode,
    GNodeRegistry,
    GNodeRole,
    GNodeStatus,
    ParentDeactivatedError,
    ParentNotFoundError,
    ParentRoleError,
    StatusTransitionError,
    UnknownGNodeError,
)

R = GNodeRole
S = GNodeStatus


def node(alias: str, role: GNodeRole, status: GNodeStatus = S.Pending) -> GNode:
    return GNode(alias=alias, role=role, status=status)  # type: ignore[arg-type]


@pytest.fixture
def registry() -> GNodeRegistry:
    reg = GNodeRegistry()
    reg.add(node("d1", R.World, S.Active))
    reg.add(node("d1.isone", R.ConductorTopologyNode, S.Active))
    reg.add(node("d1.isone.holly", R.AtomicTNode))
    reg.add(node("d1.isone.holly.ta", R.TerminalAsset))
    reg.add(node("d1.isone.holly.scada", R.Scada))
    reg.add(node("d1.isone.beech", R.AtomicTNode))
    reg.add(node("d1.time", R.TimeCoordinator))
    return reg


def test_lookups(registry: GNodeRegistry) -> None:
    assert len(registry) == 7
    assert "d1.isone" in registry and "d1.nope" not in registry and 5 not in registry
    holly = registry.get("d1.isone.holly")
    assert registry.get_by_id(holly.id) == holly
    assert [n.alias for n in registry.children("d1.isone.holly")] == [
        "d1.isone.holly.scada",
        "d1.isone.holly.ta",
    ]
    assert [n.alias for n in registry.roots()] == ["d1"]
    assert [n.alias for n in registry][:2] == ["d1", "d1.isone"]
    with pytest.raises(UnknownGNodeError, match="no GNode with alias 'd1.nope'"):
        registry.get("d1.nope")


def test_render_tree(registry: GNodeRegistry) -> None:
    assert registry.render_tree() == "\n".join(
        [
            "d1 (World, Active)",
            "├── d1.isone (ConductorTopologyNode, Active)",
            "│   ├── d1.isone.beech (AtomicTNode, Pending)",
            "│   └── d1.isone.holly (AtomicTNode, Pending)",
            "│       ├── d1.isone.holly.scada (Scada, Pending)",
            "│       └── d1.isone.holly.ta (TerminalAsset, Pending)",
            "└── d1.time (TimeCoordinator, Pending)",
        ]
    )
    assert GNodeRegistry().render_tree() == ""


def test_parent_role_is_checked(registry: GNodeRegistry) -> None:
    with pytest.raises(
        ParentRoleError, match="a TerminalAsset cannot sit under a ConductorTopologyNode"
    ):
        registry.add(node("d1.isone.ta", R.TerminalAsset))
    with pytest.raises(ParentRoleError, match="cannot be a root"):
        registry.add(node("d2", R.World).model_copy(update={"role": R.MarketMaker}))
    assert "d1.isone.ta" not in registry


def test_parent_must_exist(registry: GNodeRegistry) -> None:
    with pytest.raises(ParentNotFoundError, match="'d1.nope' is not registered"):
        registry.add(node("d1.nope.holly", R.AtomicTNode))


def test_aliases_are_never_reused(registry: GNodeRegistry) -> None:
    with pytest.raises(AliasReusedError, match="never reused"):
        registry.add(node("d1.isone.beech", R.AtomicTNode))
    registry.set_status("d1.isone.beech", S.Active)
    registry.set_status("d1.isone.beech", S.PermanentlyDeactivated)
    with pytest.raises(AliasReusedError, match="PermanentlyDeactivated"):
        registry.add(node("d1.isone.beech", R.AtomicTNode))


def test_ids_are_unique(registry: GNodeRegistry) -> None:
    holly = registry.get("d1.isone.holly")
    clone = GNode(id=holly.id, alias="d1.isone.oak", role=R.AtomicTNode)  # type: ignore[arg-type]
    with pytest.raises(DuplicateGNodeIdError, match="'d1.isone.holly'"):
        registry.add(clone)


def test_status_changes_follow_the_table(registry: GNodeRegistry) -> None:
    updated = registry.set_status("d1.isone.holly", S.Active)
    assert updated.status is S.Active
    assert registry.get("d1.isone.holly").status is S.Active
    assert registry.get_by_id(updated.id).status is S.Active
    with pytest.raises(StatusTransitionError, match="Active -> Pending"):
        registry.set_status("d1.isone.holly", S.Pending)
    registry.set_status("d1.isone.holly", S.Suspended)
    registry.set_status("d1.isone.holly", S.Active)
    registry.set_status("d1.isone.holly", S.PermanentlyDeactivated)
    with pytest.raises(StatusTransitionError, match="is final"):
        registry.set_status("d1.isone.holly", S.Active)


def test_no_children_under_a_deactivated_parent(registry: GNodeRegistry) -> None:
    registry.set_status("d1.isone.beech", S.Active)
    registry.set_status("d1.isone.beech", S.PermanentlyDeactivated)
    with pytest.raises(ParentDeactivatedError, match="'d1.isone.beech' is PermanentlyDeactivated"):
        registry.add(node("d1.isone.beech.ta", R.TerminalAsset))
