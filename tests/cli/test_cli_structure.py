"""The CLI's shape: every module imports on its own, none imports another module's private
names, the command modules stay light, and `gridworks --help` lists every command group."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import gridworks.cli

CLI_DIR = Path(gridworks.cli.__file__).parent
MODULES = sorted(
    ".".join(("gridworks", "cli", *path.relative_to(CLI_DIR).with_suffix("").parts)).removesuffix(
        ".__init__"
    )
    for path in CLI_DIR.rglob("*.py")
)
SHARED = {"gridworks.cli", "gridworks.cli.chain", "gridworks.cli.errors"}
"""Modules that register no command: the main group's assembly and the shared helpers."""
STORIES = "gridworks.cli.stories"
"""What `demo` and `tour` run: they import the heavy layers at the top, on purpose."""
SUBCOMMAND_MODULES = {"gridworks.cli.keys", "gridworks.cli.sandbox_snapshots"}
"""Subcommands kept apart from their group: `identity key` (cli/keys.py) and `sandbox`'s time
travel (cli/sandbox_snapshots.py)."""
COMMAND_MODULES = sorted(
    m
    for m in MODULES
    if m not in SHARED and not m.startswith(STORIES) and m not in SUBCOMMAND_MODULES
)
"""One module per top-level command, named after it."""
HEAVY = ("gridworks.identity", "gridworks.actors", "algosdk", "beaker", "pyteal", "cryptography")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_the_module_list_is_what_the_package_holds() -> None:
    assert "gridworks.cli.identity" in MODULES and "gridworks.cli.stories.demo" in MODULES
    assert COMMAND_MODULES == [
        "gridworks.cli.actors",
        "gridworks.cli.demo",
        "gridworks.cli.ear",
        "gridworks.cli.explorer",
        "gridworks.cli.factory",
        "gridworks.cli.gnode",
        "gridworks.cli.identity",
        "gridworks.cli.sandbox",
        "gridworks.cli.sim",
        "gridworks.cli.tour",
    ]


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    """An import cycle shows as an ImportError when the wrong module happens to come first."""
    probe = f"import importlib, sys; importlib.import_module({module!r})\n"
    probe += "from gridworks.cli import main; assert main.commands\n"
    probe += f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    done = run_python(probe)
    assert done.returncode == 0, done.stderr
    if not module.startswith(STORIES):  # only the stories may load the heavy layers
        assert done.stdout.strip() == "[]", f"{module} loads {done.stdout.strip()} at import"


def imported_privates(path: Path) -> list[str]:
    """`from gridworks... import _name`, `from ._x import y`, and `module._name` where `module`
    was imported from gridworks: each as `path:line name`."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[str] = []
    from_gridworks: set[str] = set()  # local names bound to something imported from gridworks

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level == 0 and source.split(".")[0] != "gridworks":
                continue
            for part in source.split("."):
                if private(part):
                    found.append(f"{path.name}:{node.lineno} {source}")
            for alias in node.names:
                if private(alias.name):
                    found.append(f"{path.name}:{node.lineno} {alias.name}")
                from_gridworks.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gridworks":
                    if any(private(part) for part in alias.name.split(".")):
                        found.append(f"{path.name}:{node.lineno} {alias.name}")
                    from_gridworks.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in from_gridworks
            and private(node.attr)
        ):
            found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_a_private_name_from_another() -> None:
    found = [hit for path in sorted(CLI_DIR.rglob("*.py")) for hit in imported_privates(path)]
    assert found == []


def test_the_private_name_check_catches_each_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from gridworks.cli.chain import _network, KINDS\n"
        "from ._helpers import thing\n"
        "from gridworks.identity import keys\n"
        "from os import _exit\n"
        "keys._secret\n"
    )
    assert imported_privates(sample) == [
        "sample.py:1 _network",
        "sample.py:2 _helpers",
        "sample.py:5 keys._secret",
    ]


def gridworks_help(*args: str) -> str:
    script = Path(sys.executable).with_name("gridworks")  # the console script, as users run it
    command = [str(script)]
    if not script.exists():  # not installed as a script here: call main() directly
        command = [sys.executable, "-c", "from gridworks.cli import main; main()"]
    done = subprocess.run([*command, *args, "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def listed_commands(help_text: str) -> set[str]:
    section = help_text.split("Commands:\n", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")}


def test_gridworks_help_lists_every_command_group() -> None:
    listed = listed_commands(gridworks_help())
    assert listed == {
        "sandbox",
        "factory",
        "gnode",
        "identity",
        "ear",
        "explorer",
        "actors",
        "sim",
        "demo",
        "tour",
    }
    assert listed == {m.rsplit(".", 1)[1] for m in COMMAND_MODULES}


@pytest.mark.parametrize(
    ("group", "commands"),
    [
        (
            "sandbox",
            {
                "start",
                "snapshot",
                "snapshots",
                "revert",
                "reset",
                "advance",
                "set-timestamp",
                "dump",
            },
        ),
        ("gnode", {"show", "tree", "check"}),
        ("identity", {"sign", "verify", "key"}),
        ("identity key", {"new", "import", "show"}),
        ("ear", {"verify", "record"}),
    ],
)
def test_each_group_help_lists_its_commands(group: str, commands: set[str]) -> None:
    assert listed_commands(gridworks_help(*group.split())) == commands


def test_factory_help_lists_its_commands() -> None:
    listed = listed_commands(gridworks_help("factory"))
    assert {"deploy", "certify-validator", "create-ta", "issue-scada", "revoke"} <= listed
    assert {"suspend", "reactivate", "deactivate", "realias", "move-trading-rights"} <= listed
    assert "certify-service" in listed


def test_the_certificate_kinds_offered_are_the_identity_layers() -> None:
    from gridworks.cli.chain import KINDS
    from gridworks.identity.certificates import CertificateKind

    assert KINDS == tuple(kind.value for kind in CertificateKind)


def test_the_service_roles_offered_are_the_identity_layers() -> None:
    from gridworks.cli.chain import SERVICE_ROLES
    from gridworks.identity.roles import SERVICE_ROLES as ROLES

    assert SERVICE_ROLES == tuple(sorted(role.value for role in ROLES))
