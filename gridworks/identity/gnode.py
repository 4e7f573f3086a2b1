"""The GNode record: who an actor is, where it sits in the tree, and what proves it."""

from __future__ import annotations

from typing import Any, Self
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator

from gridworks.identity.address import AlgorandAddress
from gridworks.identity.alias import GNodeAlias
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.errors import AliasError, RoleAliasError
from gridworks.identity.roles import ALIAS_LAST_WORD, GNodeRole
from gridworks.identity.status import GNodeStatus


class GNode(BaseModel):
    """One GNode. Immutable; change it with ``model_copy(update=...)`` or a ``GNodeRegistry``.

    ``parent_alias`` may be omitted: it defaults to the alias minus its last word, and if given it
    must equal that. Role and alias are tied: a World is exactly a root alias, a TerminalAsset's
    alias ends in ``.ta`` and a Scada's in ``.scada`` (and no other role's does).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID = Field(default_factory=uuid4)
    alias: GNodeAlias
    role: GNodeRole
    status: GNodeStatus = GNodeStatus.Pending
    parent_alias: GNodeAlias | None = None
    account_addresses: tuple[AlgorandAddress, ...] = ()
    certificate_asset_ids: dict[CertificateKind, PositiveInt] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _default_parent_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "parent_alias" not in data and "alias" in data:
            try:
                parent = GNodeAlias(data["alias"]).parent
            except AliasError:
                return data  # the alias field reports the problem
            return {**data, "parent_alias": parent}
        return data

    @field_validator("account_addresses")
    @classmethod
    def _addresses_unique(cls, addresses: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for address in addresses:
            if address in seen:
                raise ValueError(f"account address {address} is listed twice")
            seen.add(address)
        return addresses

    @model_validator(mode="after")
    def _role_fits_alias(self) -> Self:
        if self.parent_alias != self.alias.parent:
            expected = "none (a root alias)" if self.alias.parent is None else self.alias.parent
            raise RoleAliasError(
                f"parent_alias {self.parent_alias!r} does not match alias {str(self.alias)!r}; "
                f"expected {expected}"
            )
        if (self.role is GNodeRole.World) != self.alias.is_root:
            if self.role is GNodeRole.World:
                raise RoleAliasError(
                    f"a World's alias is a single root word, not {str(self.alias)!r}"
                )
            raise RoleAliasError(
                f"root alias {str(self.alias)!r} belongs to a World, not a {self.role.value}"
            )
        last = self.alias.last_word
        required = ALIAS_LAST_WORD.get(self.role)
        if required is not None and last != required:
            raise RoleAliasError(
                f"a {self.role.value}'s alias ends in '.{required}'; {str(self.alias)!r} does not"
            )
        for role, word in ALIAS_LAST_WORD.items():
            if role is not self.role and last == word and not self.alias.is_root:
                raise RoleAliasError(
                    f"alias {str(self.alias)!r} ends in '.{word}', reserved for a {role.value}; "
                    f"this GNode is a {self.role.value}"
                )
        return self
