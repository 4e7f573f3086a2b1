"""Writes the contracts' ARC-32 app specs into `artifacts/`: `python -m gridworks.contracts.build`.

The specs are built offline (PyTeal compiles to TEAL without a node), so rebuilding is
deterministic and a test checks the checked-in files are current.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from algokit_utils.application_specification import ApplicationSpecification
from beaker import Application

from gridworks.contracts import dispatch_contract, gnode_factory

ARTIFACTS = Path(__file__).parent / "artifacts"
APPS: tuple[Application, ...] = (gnode_factory.app, dispatch_contract.app)


def app_specs() -> dict[str, str]:
    """File name -> ARC-32 JSON text, for every contract."""
    return {f"{app.name}.arc32.json": app.build().to_json() + "\n" for app in APPS}


@cache
def checked_in_spec(app: Application) -> ApplicationSpecification:
    """The ARC-32 spec of `app` as checked in (clients then need no compiler and no node)."""
    text = (ARTIFACTS / f"{app.name}.arc32.json").read_text(encoding="utf-8")
    return ApplicationSpecification.from_json(text)


def main() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, text in app_specs().items():
        (ARTIFACTS / name).write_text(text, encoding="utf-8")
        print(ARTIFACTS / name)


if __name__ == "__main__":
    main()
