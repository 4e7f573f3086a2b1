"""Dumping the whole sandbox to one file and starting from it: the same state, wallets and
snapshots; the wallets' secrets stay sealed in the file."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pytest
from snapshot_helpers import (  # type: ignore[import-not-found]
    call_app,
    config_on_free_ports,
    create_app,
    create_asset,
    default_handle,
    pay,
    picture,
)

from gridworks.sandbox import EmbeddedSandbox, Network, connect
from gridworks.sandbox.dump import DumpError


def build_state(net: Network) -> tuple[list[str], list[int]]:
    dev = net.dev_accounts()
    app_id = create_app(net, dev[0])
    call_app(net, dev[0], app_id, b"dumped")
    create_asset(net, dev[1], "in-dump")
    pay(net, dev[0], dev[2].address, 77)
    handle = default_handle(net)
    net.kmd.generate_key(handle)
    net.kmd.release_wallet_handle(handle)
    net.kmd.create_wallet("team", "secret")
    return [a.address for a in dev], [app_id]


def test_a_sandbox_started_from_a_dump_has_the_same_state(
    fresh_chain: Network, tmp_path: Path
) -> None:
    addresses, apps = build_state(fresh_chain)
    assert fresh_chain.sandbox is not None
    snapshot = fresh_chain.sandbox.snapshot()
    pay(fresh_chain, fresh_chain.dev_accounts()[0], addresses[1], 5)
    expected = picture(fresh_chain, addresses, apps)
    dump = tmp_path / "team.gwdump"
    fresh_chain.sandbox.dump(dump)

    copy = connect(env={}, config=config_on_free_ports(from_dump=dump))
    try:
        assert copy.sandbox is not None
        assert picture(copy, addresses, apps) == expected
        assert copy.sandbox.snapshots() == fresh_chain.sandbox.snapshots()
        # the snapshot came along: the copy reverts to it as the original would
        copy.sandbox.revert(snapshot.id)
        fresh_chain.sandbox.revert(snapshot.id)
        assert picture(copy, addresses, apps) == picture(fresh_chain, addresses, apps)
        # the copy's wallets open with their passwords
        team = next(w for w in copy.kmd.list_wallets() if w["name"] == "team")
        copy.kmd.release_wallet_handle(copy.kmd.init_wallet_handle(team["id"], "secret"))
        copy.sandbox.reset()
        fresh_chain.sandbox.reset()
        assert picture(copy, addresses, []) == picture(fresh_chain, addresses, [])
    finally:
        copy.close()


def test_a_dump_into_a_data_dir_persists(fresh_chain: Network, tmp_path: Path) -> None:
    addresses, apps = build_state(fresh_chain)
    assert fresh_chain.sandbox is not None
    dump = tmp_path / "state.gwdump"
    fresh_chain.sandbox.dump(dump)
    digest = fresh_chain.sandbox.ledger.state_digest()
    data_dir = tmp_path / "data"
    first = EmbeddedSandbox(config_on_free_ports(data_dir=data_dir, from_dump=dump))
    assert first.ledger.state_digest() == digest
    first.ledger.close()
    first.wallets.close()
    reopened = EmbeddedSandbox(config_on_free_ports(data_dir=data_dir))
    try:
        assert reopened.ledger.state_digest() == digest
        assert "team" in [w.name for w in reopened.wallets.list_wallets()]
    finally:
        reopened.ledger.close()
        reopened.wallets.close()
    with pytest.raises(ValueError, match="already holds a ledger"):
        EmbeddedSandbox(config_on_free_ports(data_dir=data_dir, from_dump=dump))


def test_the_dump_keeps_secrets_sealed(fresh_chain: Network, tmp_path: Path) -> None:
    assert fresh_chain.sandbox is not None
    dump = tmp_path / "sealed.gwdump"
    fresh_chain.sandbox.dump(dump)
    with zipfile.ZipFile(dump) as archive:
        assert sorted(archive.namelist()) == ["kmd.sqlite", "ledger.sqlite", "manifest.json"]
        contents = b"".join(archive.read(name) for name in archive.namelist())
    for dev in fresh_chain.dev_accounts():
        seed = base64.b64decode(dev.private_key)[:32]
        assert seed not in contents


def test_a_file_that_is_not_a_dump_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gwdump"
    junk.write_bytes(b"not a zip")
    with pytest.raises(DumpError, match="cannot read the dump"):
        EmbeddedSandbox(config_on_free_ports(from_dump=junk))
    other = tmp_path / "other.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    other.write_bytes(buffer.getvalue())
    with pytest.raises(DumpError, match="is not a gridworks sandbox dump"):
        EmbeddedSandbox(config_on_free_ports(from_dump=other))
