"""ActorKey, encrypted key files, password sources and `file:` signer specs (CLI: tests/cli).

Every key is generated at run time; the scrypt cost is the minimum (2**14) except in the one test
that checks the default.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any, cast

import pytest
from algosdk import account as algosdk_account
from algosdk import encoding, transaction
from conftest import KEY_PASSWORD as PASSWORD
from conftest import assert_no_secret
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from nacl.signing import SigningKey

from gridworks.contracts.deploy import Sender
from gridworks.identity.errors import IdentityError
from gridworks.identity.keys import (
    DEFAULT_SCRYPT_N,
    KEY_FILE_FORMAT,
    MIN_SCRYPT_N,
    PASSWORD_ENV,
    ActorKey,
    KeyFileError,
    KeySpecError,
    PasswordError,
    _associated_data,
    _derive,
    load_key_file,
    password_from,
    read_key_file,
    write_key_file,
)
from gridworks.identity.signers import SignerError, signer_from
from gridworks.sandbox import DevAccount, Network, ed25519

N = MIN_SCRYPT_N
NO_NETWORK = cast(Network, object())  # file: and env: specs never touch the network


@pytest.fixture
def key() -> ActorKey:
    return ActorKey.generate()


@pytest.fixture
def key_file(tmp_path: Path, key: ActorKey) -> Path:
    path = tmp_path / "actor.key"
    write_key_file(path, key, PASSWORD, scrypt_n=N)
    return path


# -- ActorKey -----------------------------------------------------------------------------------


def test_generate_gives_distinct_valid_keys() -> None:
    a, b = ActorKey.generate(), ActorKey.generate()
    assert a != b and a.address != b.address
    assert encoding.is_valid_address(a.address)
    assert len(a.public_key) == 32 and encoding.encode_address(a.public_key) == a.address


def test_constructors_agree_with_algosdk() -> None:
    private_key, address = algosdk_account.generate_account()
    key = ActorKey.from_private_key(private_key)
    assert key.address == address and key.private_key == private_key
    assert ActorKey.from_mnemonic(key.mnemonic()) == key
    assert ActorKey.from_mnemonic("  " + "\n".join(key.mnemonic().split()) + " ") == key
    assert ActorKey.from_dev_account(DevAccount(address, private_key)) == key


def test_bad_key_material_is_refused_without_echoing_it(key: ActorKey) -> None:
    words = key.mnemonic().split()
    bad = " ".join(words[:-1] + [words[0] if words[-1] != words[0] else words[1]])
    with pytest.raises(KeySpecError) as info:
        ActorKey.from_mnemonic(bad)
    assert " ".join(words[:3]) not in str(info.value)
    with pytest.raises(KeySpecError):
        ActorKey.from_mnemonic(" ".join(words[:24]))
    with pytest.raises(KeySpecError):
        ActorKey.from_private_key("not base64!")
    raw = base64.b64decode(key.private_key)
    other = ActorKey.generate()
    mixed = base64.b64encode(raw[:32] + other.public_key).decode()
    with pytest.raises(KeySpecError) as info:
        ActorKey.from_private_key(mixed)
    assert mixed not in str(info.value)
    with pytest.raises(KeySpecError):
        ActorKey.from_dev_account(DevAccount(other.address, key.private_key))
    with pytest.raises(KeySpecError):
        ActorKey(b"short")


def test_repr_str_and_logs_show_no_secret(key: ActorKey, caplog: pytest.LogCaptureFixture) -> None:
    assert repr(key) == f"ActorKey(address={key.address!r})"
    assert str(key) == key.address
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").info("key %s %r %s", key, key, [key])
        logging.getLogger("test").info(f"{key} {key!r} {vars(type(key))!r}")
    for text in (repr(key), str(key), f"{key}", repr([key]), caplog.text):
        assert_no_secret(text, key)
    assert key.address in caplog.text


def test_key_is_immutable_and_not_picklable(key: ActorKey) -> None:
    import copy
    import pickle

    with pytest.raises(AttributeError):
        key.address = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        key._seed = b"\0" * 32  # type: ignore[misc]
    with pytest.raises(TypeError):
        pickle.dumps(key)
    assert copy.deepcopy(key) is key
    assert not hasattr(key, "__dict__")


def test_sign_is_raw_ed25519_over_exactly_the_data(key: ActorKey) -> None:
    data = b"gridworks test message \x00\xff"
    signature = key.sign(data)
    assert len(signature) == 64
    assert ed25519.verify(key.public_key, data, signature)
    assert not ed25519.verify(key.public_key, b"MX" + data, signature)
    assert not ed25519.verify(key.public_key, data + b"!", signature)
    seed = base64.b64decode(key.private_key)[:32]
    assert SigningKey(seed).sign(data).signature == signature  # no prefix added


def test_actor_key_is_a_sender_and_signs_transactions(key: ActorKey) -> None:
    sender: Sender = key
    assert sender.address == key.address
    params = transaction.SuggestedParams(fee=1000, first=1, last=1000, gh="A" * 44, flat_fee=True)
    txn = transaction.PaymentTxn(key.address, params, ActorKey.generate().address, 1)
    signed = key.sign_transaction(txn)
    assert isinstance(signed, transaction.SignedTransaction)
    assert signed.dictify() == txn.sign(key.private_key).dictify()
    assert key.signer.sign_transactions([txn], [0])[0].dictify() == signed.dictify()


# -- key files ----------------------------------------------------------------------------------


def test_round_trip(key_file: Path, key: ActorKey) -> None:
    assert read_key_file(key_file, PASSWORD) == key
    assert load_key_file(key_file).address == key.address
    document = json.loads(key_file.read_text())
    assert document["format"] == KEY_FILE_FORMAT
    assert document["address"] == key.address
    assert document["kdf"]["name"] == "scrypt"
    assert (document["kdf"]["n"], document["kdf"]["r"], document["kdf"]["p"]) == (N, 8, 1)
    assert len(base64.b64decode(document["kdf"]["salt"])) == 16
    assert document["cipher"]["name"] == "ChaCha20-Poly1305"
    assert len(base64.b64decode(document["cipher"]["nonce"])) == 12
    assert_no_secret(key_file.read_text(), key)


def test_default_cost_round_trip(tmp_path: Path, key: ActorKey) -> None:
    path = tmp_path / "default.key"
    write_key_file(path, key, PASSWORD)
    assert json.loads(path.read_text())["kdf"]["n"] == DEFAULT_SCRYPT_N >= 2**14
    assert read_key_file(path, PASSWORD) == key


def test_salt_and_nonce_are_fresh(tmp_path: Path, key: ActorKey) -> None:
    write_key_file(tmp_path / "a", key, PASSWORD, scrypt_n=N)
    write_key_file(tmp_path / "b", key, PASSWORD, scrypt_n=N)
    a, b = (json.loads((tmp_path / name).read_text()) for name in "ab")
    assert a["kdf"]["salt"] != b["kdf"]["salt"] and a["cipher"]["nonce"] != b["cipher"]["nonce"]
    assert a["ciphertext"] != b["ciphertext"]


def test_wrong_password(key_file: Path) -> None:
    with pytest.raises(KeyFileError) as info:
        read_key_file(key_file, PASSWORD + "!")
    message = str(info.value)
    assert str(key_file) in message and "wrong password" in message and "\n" not in message
    assert isinstance(info.value, IdentityError)


def _edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def _flip_ciphertext(document: dict[str, Any]) -> None:
    raw = bytearray(base64.b64decode(document["ciphertext"]))
    raw[3] ^= 1
    document["ciphertext"] = base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    "change",
    [
        _flip_ciphertext,
        lambda d: d["cipher"].update(nonce=base64.b64encode(os.urandom(12)).decode()),
        lambda d: d["kdf"].update(salt=base64.b64encode(os.urandom(16)).decode()),
        lambda d: d["kdf"].update(n=2 * N),
    ],
    ids=["ciphertext", "nonce", "salt", "cost"],
)
def test_tampered_file(key_file: Path, change: Any) -> None:
    _edit(key_file, change)
    with pytest.raises(KeyFileError, match="altered") as info:
        read_key_file(key_file, PASSWORD)
    assert str(key_file) in str(info.value)


def test_swapped_address_field(key_file: Path) -> None:
    other = ActorKey.generate().address
    _edit(key_file, lambda d: d.update(address=other))
    assert load_key_file(key_file).address == other  # shown without a password ...
    with pytest.raises(KeyFileError, match="altered"):  # ... but refused on decryption
        read_key_file(key_file, PASSWORD)


def test_address_not_matching_the_key_inside(tmp_path: Path, key: ActorKey) -> None:
    """A file whose AEAD checks out but whose address names another key (a buggy writer)."""
    other = ActorKey.generate().address
    path = tmp_path / "liar.key"
    write_key_file(path, key, PASSWORD, scrypt_n=N)
    document = load_key_file(path)
    nonce = document.cipher.nonce
    seed = base64.b64decode(key.private_key)[:32]
    sealed = ChaCha20Poly1305(_derive(PASSWORD, document.kdf)).encrypt(
        nonce, seed, _associated_data(other)
    )
    forged = document.model_copy(update={"address": other, "ciphertext": sealed})
    path.write_text(forged.model_dump_json())
    with pytest.raises(KeyFileError, match="does not match the key inside") as info:
        read_key_file(path, PASSWORD)
    assert_no_secret(str(info.value), key)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "not JSON"),
        ('{"format": "gridworks-key/2"}', "format is 'gridworks-key/2'"),
        ("[1, 2]", "not a gridworks-key/1 key file"),
        ('{"format": "gridworks-key/1", "address": "X"}', "malformed"),
    ],
)
def test_wrong_format(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.key"
    path.write_text(content)
    with pytest.raises(KeyFileError, match=expected) as info:
        read_key_file(path, PASSWORD)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_extra_field_and_absurd_cost_are_refused(key_file: Path) -> None:
    original = key_file.read_text()
    _edit(key_file, lambda d: d.update(comment="hi"))
    with pytest.raises(KeyFileError, match="malformed"):
        load_key_file(key_file)
    key_file.write_text(original)
    _edit(key_file, lambda d: d["kdf"].update(n=2**30))
    with pytest.raises(KeyFileError, match="scrypt n="):
        read_key_file(key_file, PASSWORD)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="cannot read key file") as info:
        read_key_file(tmp_path / "absent.key", PASSWORD)
    assert "absent.key" in str(info.value)


def test_file_mode_is_0600(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == [key_file.name]  # no temp left


def test_refuses_to_overwrite(key_file: Path, key: ActorKey) -> None:
    before = key_file.read_bytes()
    other = ActorKey.generate()
    with pytest.raises(KeyFileError, match="already exists"):
        write_key_file(key_file, other, PASSWORD, scrypt_n=N)
    assert key_file.read_bytes() == before
    write_key_file(key_file, other, "another password", overwrite=True, scrypt_n=N)
    assert read_key_file(key_file, "another password") == other
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(list(key_file.parent.iterdir())) == 1


def test_write_refuses_empty_password_and_weak_cost(tmp_path: Path, key: ActorKey) -> None:
    with pytest.raises(PasswordError):
        write_key_file(tmp_path / "k", key, "", scrypt_n=N)
    with pytest.raises(KeyFileError, match="scrypt"):
        write_key_file(tmp_path / "k", key, PASSWORD, scrypt_n=2**10)
    assert not (tmp_path / "k").exists()


# -- passwords ----------------------------------------------------------------------------------


def test_password_from_env_then_prompt() -> None:
    assert password_from(PASSWORD_ENV, False, env={PASSWORD_ENV: "pw"}) == "pw"
    assert password_from("OTHER", False, env={"OTHER": "x"}) == "x"
    with pytest.raises(PasswordError, match=PASSWORD_ENV):
        password_from(PASSWORD_ENV, False, env={})
    with pytest.raises(PasswordError, match="empty"):
        password_from(PASSWORD_ENV, False, env={PASSWORD_ENV: ""})
    asked: list[str] = []

    def ask(text: str) -> str:
        asked.append(text)
        return "typed"

    assert password_from(PASSWORD_ENV, True, env={}, ask=ask) == "typed"
    assert password_from(None, True, env={PASSWORD_ENV: "pw"}, ask=ask) == "typed"
    assert password_from(PASSWORD_ENV, True, env={}, ask=ask, confirm=True) == "typed"
    assert len(asked) == 4
    answers = iter(["one", "two"])
    with pytest.raises(PasswordError, match="differ"):
        password_from(None, True, env={}, confirm=True, ask=lambda _: next(answers))
    with pytest.raises(PasswordError):
        password_from(None, False, env={})


# -- signer specs -------------------------------------------------------------------------------


def test_signer_from_key_file(key_file: Path, key: ActorKey) -> None:
    found = signer_from(NO_NETWORK, f"file:{key_file}", {PASSWORD_ENV: PASSWORD})
    assert isinstance(found, ActorKey) and found == key


def test_signer_from_key_file_without_password_off_a_tty(key_file: Path) -> None:
    with pytest.raises(SignerError, match=PASSWORD_ENV) as info:
        signer_from(NO_NETWORK, f"file:{key_file}", {}, interactive=False)
    assert str(key_file) in str(info.value)
    # under pytest stdin is not a terminal, so the default refuses to prompt as well
    with pytest.raises(SignerError, match=PASSWORD_ENV):
        signer_from(NO_NETWORK, f"file:{key_file}", {})


def test_signer_from_key_file_prompts_when_interactive(key_file: Path, key: ActorKey) -> None:
    found = signer_from(
        NO_NETWORK, f"file:{key_file}", {}, interactive=True, ask=lambda _: PASSWORD
    )
    assert found == key


def test_signer_from_key_file_errors(key_file: Path, tmp_path: Path) -> None:
    with pytest.raises(SignerError, match="wrong password"):
        signer_from(NO_NETWORK, f"file:{key_file}", {PASSWORD_ENV: "nope"})
    with pytest.raises(SignerError, match="cannot read"):
        signer_from(NO_NETWORK, f"file:{tmp_path / 'absent'}", {PASSWORD_ENV: PASSWORD})
    with pytest.raises(SignerError, match="needs a path"):
        signer_from(NO_NETWORK, "file:", {PASSWORD_ENV: PASSWORD})


def test_signer_from_env_mnemonic_is_an_actor_key(key: ActorKey) -> None:
    found = signer_from(NO_NETWORK, "env:GW_KEY", {"GW_KEY": key.mnemonic()})
    assert isinstance(found, ActorKey) and found == key
    with pytest.raises(SignerError, match="not set"):
        signer_from(NO_NETWORK, "env:GW_KEY", {})
    with pytest.raises(SignerError, match="no valid mnemonic") as info:
        signer_from(NO_NETWORK, "env:GW_KEY", {"GW_KEY": key.mnemonic().rsplit(" ", 1)[0]})
    assert_no_secret(str(info.value), key)


def test_signer_from_kmd_address_is_an_actor_key(key: ActorKey) -> None:
    class FakeNetwork:
        def dev_accounts(self) -> list[DevAccount]:
            return [DevAccount(key.address, key.private_key)]

    net = cast(Network, FakeNetwork())
    assert signer_from(net, key.address, {}) == key
    with pytest.raises(SignerError, match="not an account in kmd"):
        signer_from(net, ActorKey.generate().address, {})
