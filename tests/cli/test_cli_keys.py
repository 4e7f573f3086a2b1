"""The `gridworks identity key` CLI: new, import, show; passwords and mnemonics never echoed."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import KEY_PASSWORD as PASSWORD
from conftest import assert_no_secret

from gridworks.cli.keys import key_group
from gridworks.identity.keys import (
    MIN_SCRYPT_N,
    PASSWORD_ENV,
    ActorKey,
    read_key_file,
    write_key_file,
)


@pytest.fixture
def key() -> ActorKey:
    return ActorKey.generate()


@pytest.fixture
def key_file(tmp_path: Path, key: ActorKey) -> Path:
    path = tmp_path / "actor.key"
    write_key_file(path, key, PASSWORD, scrypt_n=MIN_SCRYPT_N)
    return path


def run(args: list[str], env: dict[str, str] | None = None, input: str | None = None) -> Any:
    env = {PASSWORD_ENV: "", **(env or {})}  # never pick up the developer's own password
    return CliRunner().invoke(key_group, args, env=env, input=input)


def test_cli_new_with_env_password(tmp_path: Path) -> None:
    out = tmp_path / "new.key"
    result = run(["new", "--out", str(out), "--password-env", "PW"], env={"PW": PASSWORD})
    assert result.exit_code == 0, result.output
    key = read_key_file(out, PASSWORD)
    assert result.output.splitlines() == [f"address {key.address}", f"key file {out}"]
    assert_no_secret(result.output, key)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = run(["new", "--out", str(out), "--password-env", "PW"], env={"PW": PASSWORD})
    assert again.exit_code != 0 and "already exists" in again.output
    assert read_key_file(out, PASSWORD) == key


def test_cli_new_prompts_twice(tmp_path: Path) -> None:
    out = tmp_path / "prompted.key"
    result = run(["new", "--out", str(out)], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    key = read_key_file(out, PASSWORD)
    assert PASSWORD not in result.output
    assert_no_secret(result.output, key)
    mismatch = run(["new", "--out", str(tmp_path / "x.key")], input=f"{PASSWORD}\nother\n")
    assert mismatch.exit_code != 0 and "differ" in mismatch.output
    assert not (tmp_path / "x.key").exists()


def test_cli_new_named_env_var_must_be_set(tmp_path: Path) -> None:
    result = run(["new", "--out", str(tmp_path / "k"), "--password-env", "UNSET_PW"])
    assert result.exit_code != 0 and "UNSET_PW" in result.output
    assert "Traceback" not in result.output


def test_cli_import_from_prompt_and_env(tmp_path: Path) -> None:
    key = ActorKey.generate()
    words = key.mnemonic()
    out = tmp_path / "imported.key"
    result = run(["import", "--out", str(out)], input=f"{words}\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert read_key_file(out, PASSWORD) == key
    assert f"address {key.address}" in result.output
    assert_no_secret(result.output, key)

    out2 = tmp_path / "from-env.key"
    result = run(
        ["import", "--out", str(out2), "--mnemonic-env", "WORDS", "--password-env", "PW"],
        env={"WORDS": words, "PW": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert read_key_file(out2, PASSWORD) == key
    assert_no_secret(result.output, key)


def test_cli_import_refuses_bad_mnemonic_without_echo(tmp_path: Path) -> None:
    key = ActorKey.generate()
    bad = key.mnemonic().rsplit(" ", 1)[0]
    out = tmp_path / "bad.key"
    result = run(
        ["import", "--out", str(out), "--mnemonic-env", "WORDS", "--password-env", "PW"],
        env={"WORDS": bad, "PW": PASSWORD},
    )
    assert result.exit_code != 0 and "not a valid 25-word" in result.output
    assert_no_secret(result.output, key)
    assert not out.exists()
    missing = run(["import", "--out", str(out), "--mnemonic-env", "NOPE"])
    assert missing.exit_code != 0 and "NOPE" in missing.output


def test_cli_import_has_no_mnemonic_argument() -> None:
    result = run(["import", "--out", "x", "--mnemonic", "a b c"])
    assert result.exit_code != 0 and "No such option" in result.output


def test_cli_show(key_file: Path, key: ActorKey) -> None:
    result = run(["show", str(key_file)])
    assert result.exit_code == 0, result.output
    assert result.output == f"address {key.address}\n"

    checked = run(["show", str(key_file), "--check", "--password-env", "PW"], env={"PW": PASSWORD})
    assert checked.exit_code == 0, checked.output
    assert "checked" in checked.output and key.address in checked.output
    assert_no_secret(checked.output, key)

    prompted = run(["show", str(key_file), "--check"], input=f"{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output

    wrong = run(["show", str(key_file), "--check", "--password-env", "PW"], env={"PW": "nope"})
    assert wrong.exit_code != 0 and "wrong password" in wrong.output
    assert "Traceback" not in wrong.output

    absent = run(["show", str(key_file.parent / "absent.key")])
    assert absent.exit_code != 0 and "cannot read key file" in absent.output


def test_the_key_cli_names_the_same_password_variable() -> None:
    from gridworks.cli import keys as cli_keys
    from gridworks.identity import keys

    assert cli_keys.PASSWORD_ENV_NAME == keys.PASSWORD_ENV


def test_loading_the_cli_does_not_load_the_identity_layer() -> None:
    """Every `gridworks` command (the sandbox's start too) loads the CLI; keep it light."""
    import subprocess
    import sys

    probe = "import sys, gridworks.cli; print(sorted(m for m in sys.modules if m.startswith(("
    probe += "'gridworks.identity', 'algosdk', 'pyteal', 'cryptography'))))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
