"""The app specs the explorer knows: ARC-32 and ARC-56 JSON, to name ARC-4 methods by selector.

The package's own contracts (gridworks/contracts/artifacts/*.arc32.json) are always known; a
user adds theirs with `create_explorer_app(sources, app_specs=[...])`, each a spec's JSON (a dict),
a path to it, or an `AppSpec` made by `load_app_spec` (which may also name the app ids it is
deployed at). A call is decoded by the first 4 bytes of its first app argument: the method of
that selector in the spec of the called app if one is known for it, else in any known spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from algosdk import abi

AppSpecSource = Mapping[str, Any] | str | Path
"""An ARC-32 or ARC-56 spec: its JSON as a dict, or the path of its JSON file."""


@dataclass(frozen=True)
class AppSpec:
    """A contract's name and its ARC-4 methods (and, when known, the app ids it runs at)."""

    name: str
    methods: tuple[abi.Method, ...]
    app_ids: frozenset[int] = frozenset()
    arc: str = "ARC-32"

    def method(self, selector: bytes) -> abi.Method | None:
        return next((m for m in self.methods if m.get_selector() == selector), None)

    def selectors(self) -> set[bytes]:
        return {m.get_selector() for m in self.methods}


def _method(entry: Mapping[str, Any]) -> abi.Method:
    """An ARC-4 method from its JSON (ARC-56 adds keys ARC-4 does not know: they are dropped)."""
    args = [
        {"type": a["type"], **({"name": a["name"]} if a.get("name") else {})}
        for a in entry.get("args", [])
    ]
    returns = entry.get("returns") or {"type": "void"}
    return abi.Method.undictify(
        {"name": entry["name"], "args": args, "returns": {"type": returns.get("type", "void")}}
    )


def load_app_spec(source: AppSpecSource | AppSpec, app_ids: Iterable[int] = ()) -> AppSpec:
    """The spec in `source` (ARC-32: methods under "contract"; ARC-56: methods at the top)."""
    if isinstance(source, AppSpec):
        if not app_ids:
            return source
        return AppSpec(source.name, source.methods, frozenset(app_ids), source.arc)
    data: Mapping[str, Any]
    if isinstance(source, str | Path):
        data = json.loads(Path(source).read_text())
    else:
        data = source
    if not isinstance(data, Mapping):
        raise ValueError("an app spec is a JSON object")
    if "contract" in data:  # ARC-32: an ARC-4 contract plus hints, state and sources
        contract = data["contract"]
        name, entries, arc = contract.get("name", "?"), contract.get("methods", []), "ARC-32"
    elif "methods" in data:  # ARC-56 (and a bare ARC-4 contract)
        name, entries = data.get("name", "?"), data["methods"]
        arc = "ARC-56" if "arcs" in data or "structs" in data else "ARC-4"
    else:
        raise ValueError("not an ARC-32 or ARC-56 spec: it has neither 'contract' nor 'methods'")
    methods = tuple(_method(entry) for entry in entries)
    return AppSpec(str(name), methods, frozenset(app_ids), arc)


def package_specs() -> list[AppSpec]:
    """The specs of the package's own contracts (GNodeFactory, DispatchContract)."""
    folder = resources.files("gridworks.contracts") / "artifacts"
    return [
        load_app_spec(json.loads(entry.read_text()))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".arc32.json")
    ]


class AppSpecs:
    """The specs the explorer decodes app calls with: the package's and the user's."""

    def __init__(self, specs: Iterable[AppSpec]) -> None:
        self.specs: tuple[AppSpec, ...] = tuple(specs)

    @classmethod
    def with_package_specs(cls, extra: Iterable[AppSpecSource | AppSpec] = ()) -> AppSpecs:
        """The user's specs first (they win a shared selector), then the package's."""
        return cls([*(load_app_spec(s) for s in extra), *package_specs()])

    def pinned(self, app_id: int) -> AppSpec | None:
        """The spec registered for `app_id`, if one was."""
        return next((s for s in self.specs if app_id in s.app_ids), None)

    def lookup(
        self, selector: bytes, app_id: int | None = None
    ) -> tuple[AppSpec, abi.Method] | None:
        """The spec and method of `selector`: the app's own spec first, then any spec."""
        pinned = self.pinned(app_id) if app_id else None
        for spec in ([pinned] if pinned else []) + list(self.specs):
            method = spec.method(selector)
            if method is not None:
                return spec, method
        return None

    def guess(self, app_id: int, selectors: Iterable[bytes]) -> AppSpec | None:
        """The app's spec: the one registered for it, else the spec that knows the most of the
        selectors its calls used (none when no call used a known selector)."""
        pinned = self.pinned(app_id)
        if pinned is not None:
            return pinned
        seen = set(selectors)
        best, score = None, 0
        for spec in self.specs:
            hits = len(seen & spec.selectors())
            if hits > score:
                best, score = spec, hits
        return best
