"""`gridworks factory ...` and `gridworks gnode ...` driven through click against the session
network: the env vars point the CLI at it (the embedded sandbox's ports, or ALGOD_SERVER & co.)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from algosdk import mnemonic
from click.testing import CliRunner, Result

from gridworks.cli import main

TA = "d1.isone.ver.keene.holly.ta"
VALIDATOR = "dwgps.validator"


def network_env(network) -> dict[str, str]:
    if network.sandbox is None:
        return {}  # ALGOD_SERVER & co. are already in os.environ
    env = {}
    for prefix, client, address, token in (
        ("ALGOD", network.algod, "algod_address", "algod_token"),
        ("KMD", network.kmd, "kmd_address", "kmd_token"),
    ):
        url = urlsplit(getattr(client, address))
        env[f"{prefix}_SERVER"] = f"{url.scheme}://{url.hostname}"
        env[f"{prefix}_PORT"] = str(url.port)
        env[f"{prefix}_TOKEN"] = getattr(client, token)
    return env


@pytest.fixture(name="gw")
def cli(network, account_factory):
    names = ("admin", "validator", "owner", "trader", "scada")
    accounts = {name: account_factory() for name in names}
    env = network_env(network)
    for name, acct in accounts.items():
        env[f"GW_TEST_{name.upper()}"] = mnemonic.from_private_key(acct.private_key)
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output
        for acct in accounts.values():  # no key, no mnemonic in any output
            assert acct.private_key not in result.output
            assert mnemonic.from_private_key(acct.private_key) not in result.output
        return result

    run.accounts = accounts  # type: ignore[attr-defined]
    run.env = env  # type: ignore[attr-defined]
    return run


def test_deploy_certify_create_show_tree_check(gw, network) -> None:
    a = gw.accounts
    out = gw("factory", "deploy", "--sender", "env:GW_TEST_ADMIN").output
    app_id = re.fullmatch(r"factory app id (\d+) address [A-Z2-7]{58}\n", out)
    assert app_id, out
    gw.env["GRIDWORKS_FACTORY_APP_ID"] = app_id.group(1)

    out = gw(
        "factory", "certify-validator", VALIDATOR,
        "--sender", "env:GW_TEST_ADMIN", "--validator", "env:GW_TEST_VALIDATOR",
    ).output  # fmt: skip
    assert out.startswith(f"{VALIDATOR} (Validator, Active) ValidatorCert=")

    out = gw(
        "factory", "create-ta", TA, "--sender", "env:GW_TEST_VALIDATOR",
        "--owner", "env:GW_TEST_OWNER", "--trader", "env:GW_TEST_TRADER",
    ).output  # fmt: skip
    assert out.startswith(f"{TA} (TerminalAsset, Active) TaDeed=")
    assert "TaTradingRights=" in out

    out = gw(
        "factory", "issue-scada", TA, "--sender", "env:GW_TEST_OWNER",
        "--scada", "env:GW_TEST_SCADA",
    ).output  # fmt: skip
    assert "ScadaCert=" in out

    shown = json.loads(gw("gnode", "show", TA).output)
    assert shown["role"] == "TerminalAsset"
    assert shown["status"] == "Active"
    assert shown["parent_alias"] == "d1.isone.ver.keene.holly"
    assert shown["account_addresses"] == [a[n].address for n in ("owner", "trader", "scada")]
    assert set(shown["certificate_asset_ids"]) == {"TaDeed", "TaTradingRights", "ScadaCert"}

    tree = gw("gnode", "tree").output.splitlines()
    assert tree[0] == "d1 (implied)"
    assert any(f"{TA} (TerminalAsset, Active) [ScadaCert=" in line for line in tree)
    assert any(f"{VALIDATOR} (Validator, Active)" in line for line in tree)

    out = gw("gnode", "check", a["trader"].address, TA, "TaTradingRights").output
    assert out.startswith("OK: ")
    out = gw("gnode", "check", a["owner"].address, TA, "TaTradingRights", ok=False).output
    assert out.startswith("WRONG_KIND: ")
    out = gw("gnode", "check", a["owner"].address, "d1.x.ta", "TaDeed", ok=False).output
    assert out == "NOT_REGISTERED: d1.x.ta is not registered\n"

    gw("factory", "suspend", TA, "--sender", "env:GW_TEST_ADMIN")
    out = gw("gnode", "check", a["owner"].address, TA, "TaDeed", ok=False).output
    assert out.startswith("NOT_ACTIVE: ") and "Suspended" in out
    gw("factory", "reactivate", TA, "--sender", "env:GW_TEST_ADMIN")
    gw("factory", "revoke", TA, "ScadaCert", "--sender", "env:GW_TEST_ADMIN")
    out = gw("gnode", "check", a["scada"].address, TA, "ScadaCert", ok=False).output
    assert out.startswith("REVOKED: ")


def test_errors_are_one_line(gw, network) -> None:
    out = gw("gnode", "tree", ok=False).output
    assert "--app-id" in out and "GRIDWORKS_FACTORY_APP_ID" in out
    app_id = re.search(r"id (\d+)", gw("factory", "deploy", "--sender", "env:GW_TEST_ADMIN").output)
    assert app_id
    gw.env["GRIDWORKS_FACTORY_APP_ID"] = app_id.group(1)
    out = gw("gnode", "show", "d1.none.ta", ok=False).output
    assert "Error: no GNode 'd1.none.ta' is registered" in out
    out = gw("factory", "suspend", TA, "--sender", "env:GW_TEST_NOPE", ok=False).output
    assert "GW_TEST_NOPE" in out and "not set" in out
    # a kmd dev account signs by address; it is not the admin, so the contract refuses
    dev = network.dev_accounts()[0].address
    out = gw("factory", "suspend", VALIDATOR, "--sender", dev, ok=False).output
    assert out.startswith("Error: set dwgps.validator Suspended")
    assert "Traceback" not in out


def test_realias(gw) -> None:
    a = gw.accounts
    out = gw("factory", "deploy", "--sender", "env:GW_TEST_ADMIN").output
    app_id = re.search(r"id (\d+)", out)
    assert app_id
    gw.env["GRIDWORKS_FACTORY_APP_ID"] = app_id.group(1)
    gw(
        "factory", "certify-validator", VALIDATOR,
        "--sender", "env:GW_TEST_ADMIN", "--validator", "env:GW_TEST_VALIDATOR",
    )  # fmt: skip
    gw(
        "factory", "create-ta", TA, "--sender", "env:GW_TEST_VALIDATOR",
        "--owner", "env:GW_TEST_OWNER", "--trader", "env:GW_TEST_TRADER",
    )  # fmt: skip
    new = "d1.isone.ver.keene.pwrs.holly.ta"
    out = gw(
        "factory", "realias", TA, new, "--sender", "env:GW_TEST_VALIDATOR", ok=False
    ).output  # fmt: skip
    assert "only the admin" in out
    out = gw(
        "factory", "realias", TA, new, "--sender", "env:GW_TEST_ADMIN",
        "--holder", "env:GW_TEST_OWNER", "--holder", "env:GW_TEST_TRADER",
    ).output  # fmt: skip
    assert out.startswith(f"{new} (TerminalAsset, Active) TaDeed=")
    assert gw("gnode", "check", a["trader"].address, new, "TaTradingRights").output.startswith(
        "OK: "
    )
    out = gw("gnode", "check", a["owner"].address, TA, "TaDeed", ok=False).output
    assert out.startswith("NOT_ACTIVE: ") and "PermanentlyDeactivated" in out


def test_certify_service(gw) -> None:
    a = gw.accounts
    out = gw("factory", "deploy", "--sender", "env:GW_TEST_ADMIN").output
    app_id = re.search(r"id (\d+)", out)
    assert app_id
    gw.env["GRIDWORKS_FACTORY_APP_ID"] = app_id.group(1)
    out = gw(
        "factory", "certify-service", "d1.time", "TimeCoordinator",
        "--sender", "env:GW_TEST_VALIDATOR", "--holder", "env:GW_TEST_OWNER", ok=False,
    ).output  # fmt: skip
    assert "only the admin" in out
    out = gw(
        "factory", "certify-service", "d1.time", "Validator",
        "--sender", "env:GW_TEST_ADMIN", "--holder", "env:GW_TEST_OWNER", ok=False,
    ).output  # fmt: skip
    assert "Invalid value" in out
    out = gw(
        "factory", "certify-service", "d1.time", "TimeCoordinator",
        "--sender", "env:GW_TEST_ADMIN", "--holder", "env:GW_TEST_OWNER",
    ).output  # fmt: skip
    assert out.startswith("d1.time (TimeCoordinator, Active) ServiceCert=")
    assert gw("gnode", "check", a["owner"].address, "d1.time", "ServiceCert").output.startswith(
        "OK: "
    )
    assert "d1.time (TimeCoordinator, Active) [ServiceCert=" in gw("gnode", "tree").output
    gw("factory", "revoke", "d1.time", "ServiceCert", "--sender", "env:GW_TEST_ADMIN")
    out = gw("gnode", "check", a["owner"].address, "d1.time", "ServiceCert", ok=False).output
    assert out.startswith("REVOKED: ")
