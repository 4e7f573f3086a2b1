"""Writes the contracts' ARC-32 app specs into `artifacts/`: `python -m gridworks.contracts.build`.

The specs are built offline (PyTeal compiles to TEAL without a node), so rebuilding is
deterministic and a test checks the checked-in files are current.
"""

from __future__ import annotations

from pathlib import Path

from beaker import Application

from gridworks.contracts import dispatch_contract, gnode_factory

ARTIFACTS = Path(__file__).parent / "artifacts"
APPS: tuple[Application, ...] = (gnode_factory.app, dispatch_contract.app)


def app_specs() -> dict[str, str]:
    """File name -> ARC-32 JSON text, for every contract."""
    return {f"{app.name}.arc32.json": app.build().to_json() + "\n" for app in APPS}


def main() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, text in app_specs().items():
        (ARTIFACTS / name).write_text(text, encoding="utf-8")
        print(ARTIFACTS / name)


if __name__ == "__main__":
    main()
