"""An in-memory GNode registry enforcing the model's rules.

It is the Python statement of the rules (tree shape, status lifecycle, alias uniqueness), for
tests and tools; the on-chain registry is the GNodeFactory contract's job.

GNodes are never removed: PermanentlyDeactivated is a status, so an alias, once given, stays
taken forever and is never reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

from gridworks.identity.alias import GNodeAlias
from gridworks.identity.errors import (
    AliasReusedError,
    DuplicateGNodeIdError,
    ParentDeactivatedError,
    ParentNotFoundError,
    UnknownGNodeError,
)
from gridworks.identity.gnode import GNode
from gridworks.identity.roles import check_parent
from gridworks.identity.status import GNodeStatus, transition


class GNodeRegistry:
    """GNodes by alias, with the parent-role check, the status table and no alias reuse."""

    def __init__(self) -> None:
        self._by_alias: dict[GNodeAlias, GNode] = {}
        self._alias_by_id: dict[UUID, GNodeAlias] = {}
        self._children: dict[GNodeAlias, list[GNodeAlias]] = {}

    def add(self, node: GNode) -> GNode:
        """Register ``node`` under its parent; return it.

        Refused if its alias was ever used, its id is taken, its parent is missing or
        PermanentlyDeactivated, or its role may not sit under the parent's role.
        """
        existing = self._by_alias.get(node.alias)
        if existing is not None:
            raise AliasReusedError(
                f"alias {str(node.alias)!r} was already given to GNode {existing.id} "
                f"({existing.role.value}, {existing.status.value}); aliases are never reused"
            )
        if node.id in self._alias_by_id:
            raise DuplicateGNodeIdError(
                f"GNode id {node.id} is already registered as {str(self._alias_by_id[node.id])!r}"
            )
        if node.parent_alias is None:
            check_parent(node.role, None)
        else:
            parent = self._by_alias.get(node.parent_alias)
            if parent is None:
                raise ParentNotFoundError(
                    f"cannot add {str(node.alias)!r}: its parent {str(node.parent_alias)!r} "
                    "is not registered"
                )
            if parent.status is GNodeStatus.PermanentlyDeactivated:
                raise ParentDeactivatedError(
                    f"cannot add {str(node.alias)!r}: its parent {str(parent.alias)!r} "
                    "is PermanentlyDeactivated"
                )
            check_parent(node.role, parent.role)
            self._children[parent.alias].append(node.alias)
        self._by_alias[node.alias] = node
        self._alias_by_id[node.id] = node.alias
        self._children[node.alias] = []
        return node

    def set_status(self, alias: str, status: GNodeStatus) -> GNode:
        """Move a GNode to ``status`` via the transition table; return the updated GNode."""
        node = self.get(alias)
        updated = node.model_copy(update={"status": transition(node.status, status)})
        self._by_alias[node.alias] = updated
        return updated

    def get(self, alias: str) -> GNode:
        """The GNode with ``alias``; ``UnknownGNodeError`` if none."""
        try:
            return self._by_alias[GNodeAlias(alias)]
        except KeyError:
            raise UnknownGNodeError(f"no GNode with alias {alias!r}") from None

    def get_by_id(self, node_id: UUID) -> GNode:
        """The GNode with ``node_id``; ``UnknownGNodeError`` if none."""
        try:
            return self._by_alias[self._alias_by_id[node_id]]
        except KeyError:
            raise UnknownGNodeError(f"no GNode with id {node_id}") from None

    def children(self, alias: str) -> list[GNode]:
        """The GNodes directly under ``alias``, sorted by alias."""
        parent = self.get(alias)
        return [self._by_alias[child] for child in sorted(self._children[parent.alias])]

    def roots(self) -> list[GNode]:
        """The World GNodes, sorted by alias."""
        return sorted(
            (node for node in self._by_alias.values() if node.alias.is_root),
            key=lambda node: node.alias,
        )

    def __contains__(self, alias: object) -> bool:
        return isinstance(alias, str) and alias in self._by_alias

    def __len__(self) -> int:
        return len(self._by_alias)

    def __iter__(self) -> Iterator[GNode]:
        return iter(sorted(self._by_alias.values(), key=lambda node: node.alias))

    def render_tree(self, label: Callable[[GNode], str] | None = None) -> str:
        """The registry as a text tree, children sorted by alias; ``label`` overrides each line's
        text (by default ``alias (Role, Status)``)::

        d1 (World, Active)
        └── d1.isone (ConductorTopologyNode, Active)
            ├── d1.isone.holly (AtomicTNode, Pending)
            ...
        """
        lines: list[str] = []

        def default_label(node: GNode) -> str:
            return f"{node.alias} ({node.role.value}, {node.status.value})"

        label = label or default_label

        def walk(alias: GNodeAlias, prefix: str) -> None:
            children = sorted(self._children[alias])
            for index, child in enumerate(children):
                last = index == len(children) - 1
                lines.append(f"{prefix}{'└── ' if last else '├── '}{label(self._by_alias[child])}")
                walk(child, prefix + ("    " if last else "│   "))

        for root in self.roots():
            lines.append(label(root))
            walk(root.alias, "")
        return "\n".join(lines)
