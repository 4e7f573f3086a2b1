"""`gridworks identity sign` and `verify` by hand, against the session network (its env vars)."""

from __future__ import annotations

import json

from algosdk import mnemonic
from click.testing import CliRunner
from test_cli_gnode import network_env

from gridworks.cli import main
from gridworks.contracts.provision import provision_device
from gridworks.identity.keys import write_key_file

ATN = "d1.isone.ver.keene.cli"
TA = ATN + ".ta"
SCADA = ATN + ".scada"


def test_sign_then_verify_by_hand_and_a_tampered_copy(network, tmp_path) -> None:
    device = provision_device(network, ATN)
    factory, scada = device.factory, device.scada
    key_file = tmp_path / "scada.key"
    write_key_file(key_file, scada, "correct horse battery", scrypt_n=2**14)
    env = network_env(network)
    env["GRIDWORKS_KEY_PASSWORD"] = "correct horse battery"
    env["GRIDWORKS_FACTORY_APP_ID"] = str(factory.app_id)
    runner = CliRunner()
    payload = {"terminal_asset": TA, "channel": "power-w", "value": 3200, "read_ms": 1}

    signed = runner.invoke(
        main,
        [
            "identity", "sign", "--signer", f"file:{key_file}", "--source", SCADA,
            "--destination", ATN, "--type", "gridworks.telemetry",
        ],
        input=json.dumps(payload),
        env=env,
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output
    wire = signed.stdout_bytes.strip()
    assert json.loads(wire)["message"]["payload"] == payload
    assert scada.private_key not in signed.output
    assert mnemonic.from_private_key(scada.private_key) not in signed.output

    message = tmp_path / "message.json"
    message.write_bytes(wire)
    verified = runner.invoke(main, ["identity", "verify", str(message), "--as", ATN], env=env)
    assert verified.exit_code == 0, verified.output
    first = verified.output.splitlines()[0]
    assert first.startswith("VERIFIED gridworks.telemetry v1 ")
    assert f"from {SCADA} (Scada, for TerminalAsset {TA})" in first
    assert scada.address in first

    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(wire.replace(b'"value":3200', b'"value":9999'))
    refused = runner.invoke(main, ["identity", "verify", str(tampered), "--as", ATN], env=env)
    assert refused.exit_code == 1
    assert refused.output.startswith("REJECTED BAD_SIGNATURE: ")

    elsewhere = runner.invoke(main, ["identity", "verify", str(message), "--as", SCADA], env=env)
    assert elsewhere.exit_code == 1
    assert elsewhere.output.startswith("REJECTED WRONG_DESTINATION: ")


def test_sign_refuses_a_bad_payload_or_alias_with_one_line(network, tmp_path) -> None:
    env = network_env(network)
    dev = network.dev_accounts()[0]
    runner = CliRunner()
    base = ["identity", "sign", "--signer", dev.address, "--destination", ATN, "--type", "x.y"]
    not_json = runner.invoke(main, [*base, "--source", SCADA], input="{nope", env=env)
    assert not_json.exit_code == 1
    assert "the payload is not readable JSON" in not_json.output
    a_list = runner.invoke(main, [*base, "--source", SCADA], input="[1]", env=env)
    assert "must be a JSON object" in a_list.output
    bad_alias = runner.invoke(main, [*base, "--source", "D1.Upper"], input="{}", env=env)
    assert bad_alias.exit_code == 1
    assert "cannot sign" in bad_alias.output and "uppercase" in bad_alias.output


def test_verify_a_missing_file_is_one_line(network, tmp_path) -> None:
    result = CliRunner().invoke(
        main,
        ["identity", "verify", str(tmp_path / "nope.json"), "--as", ATN, "--app-id", "1"],
        env=network_env(network),
    )
    assert result.exit_code == 1
    assert f"cannot read {tmp_path / 'nope.json'}: No such file or directory" in result.output
    assert "Traceback" not in result.output
