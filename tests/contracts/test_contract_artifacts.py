"""The checked-in ARC-32 app specs are exactly what `python -m gridworks.contracts.build` makes."""

from __future__ import annotations

import json

from gridworks.contracts.build import ARTIFACTS, app_specs


def test_artifacts_are_current() -> None:
    specs = app_specs()
    assert sorted(specs) == sorted(p.name for p in ARTIFACTS.glob("*.json"))
    for name, text in specs.items():
        assert (ARTIFACTS / name).read_bytes() == text.encode("utf-8"), (
            f"{name} is stale: run python -m gridworks.contracts.build"
        )
        assert json.loads(text)["contract"]["name"] in {"GNodeFactory", "DispatchContract"}


def test_rebuilding_is_deterministic() -> None:
    assert app_specs() == app_specs()
