"""Run files and placement for `gridworks actors run` (no broker, no chain)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridworks.actors.workers import (
    Kind,
    RunFileError,
    WorkersError,
    check_keys,
    load_runfile,
    parse_runfile,
    place,
    resolve_chain,
)
from gridworks.identity.keys import MIN_SCRYPT_N, ActorKey, write_key_file
from tests.conftest import KEY_PASSWORD

ATN = "d1.isone.ver.keene.holly"
SCADA = ATN + ".scada"


# ---- placement --------------------------------------------------------------------------------


def test_placement_is_round_robin_in_order() -> None:
    assert place(["a", "b", "c", "d", "e"], 2) == [["a", "c", "e"], ["b", "d"]]
    assert place(["a", "b"], 3) == [["a"], ["b"], []]
    assert place([], 2) == [[], []]
    assert place(["a", "b", "c"], 1) == [["a", "b", "c"]]


@pytest.mark.parametrize("actors, workers", [(10, 3), (7, 7), (100, 16), (3, 8)])
def test_placement_is_balanced_deterministic_and_complete(actors: int, workers: int) -> None:
    names = [f"a{i}" for i in range(actors)]
    shares = place(names, workers)
    assert shares == place(names, workers)
    assert len(shares) == workers
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1
    assert sorted(a for share in shares for a in share) == sorted(names)


def test_placement_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        place(["a"], 0)


# ---- run files -------------------------------------------------------------------------------


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """Three key files under tmp_path/keys (one password)."""
    folder = tmp_path / "keys"
    folder.mkdir()
    for name in ("atn", "scada", "super"):
        key = ActorKey.generate()
        write_key_file(folder / f"{name}.key", key, KEY_PASSWORD, scrypt_n=MIN_SCRYPT_N)
    return folder


def good(**chain: object) -> dict[str, object]:
    return {
        "chain": {"algod_url": "http://127.0.0.1:4001", "factory_app_id": 7, **chain},
        "broker": {"exchange": "gridworks.test.workers", "ear": False},
        "actors": [
            {"kind": "supervisor", "alias": "d1.super", "key_file": "keys/super.key"},
            {
                "kind": "atomic-tnode",
                "alias": ATN,
                "key_file": "keys/atn.key",
                "supervisor": "d1.super",
                "heartbeat_s": 0.5,
            },  # fmt: skip
            {
                "kind": "scada",
                "alias": SCADA,
                "key_file": "keys/scada.key",
                "supervisor": "d1.super",
            },  # fmt: skip
        ],
    }


def invalid(data: dict[str, object], base: Path) -> str:
    with pytest.raises(RunFileError) as info:
        parse_runfile(data, base=base, name="run.toml")
    return str(info.value)


TOML = f"""
[chain]
algod_url = "http://127.0.0.1:4001"
factory_app_id = 7

[broker]
exchange = "gridworks.test.workers"
ear = false

[[actors]]
kind = "supervisor"
alias = "d1.super"
key_file = "keys/super.key"
silent_after_s = 3

[[actors]]
kind = "atomic-tnode"
alias = "{ATN}"
key_file = "keys/atn.key"
supervisor = "d1.super"

[[actors]]
kind = "scada"
alias = "{SCADA}"
key_file = "keys/scada.key"
supervisor = "d1.super"
heartbeat_s = 0.5
"""


def test_a_toml_run_file(tmp_path: Path, keys: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text(TOML)
    run = load_runfile(path)
    assert [(a.kind, a.alias) for a in run.actors] == [
        (Kind.SUPERVISOR, "d1.super"),
        (Kind.ATOMIC_TNODE, ATN),
        (Kind.SCADA, SCADA),
    ]
    assert run.actors[2].key_file == keys / "scada.key"
    assert run.actors[2].heartbeat_s == 0.5
    assert run.expected_of(run.actors[0]) == {ATN, SCADA}
    assert run.broker.exchange == "gridworks.test.workers" and not run.broker.ear
    check_keys(run, KEY_PASSWORD)
    with pytest.raises(WorkersError, match="d1.super"):
        check_keys(run, "not the password")


def test_a_json_run_file(tmp_path: Path, keys: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps(good()))
    assert len(load_runfile(path).actors) == 3


def test_unreadable_run_files(tmp_path: Path) -> None:
    with pytest.raises(RunFileError, match="cannot read"):
        load_runfile(tmp_path / "absent.toml")
    (tmp_path / "bad.toml").write_text("[chain\n")
    with pytest.raises(RunFileError, match="not valid TOML"):
        load_runfile(tmp_path / "bad.toml")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(RunFileError, match="not valid JSON"):
        load_runfile(tmp_path / "bad.json")


def test_a_bad_run_file_says_where_and_why(tmp_path: Path, keys: Path) -> None:
    data = good()
    actors = data["actors"]
    assert isinstance(actors, list)
    actors[1]["kind"] = "market-maker"
    actors[2]["key_file"] = "keys/missing.key"
    message = invalid(data, tmp_path)
    assert message.startswith("run.toml is not valid:\n")
    assert f"actors[1] ({ATN}).kind: Input should be 'scada', 'atomic-tnode'" in message
    assert f"actors[2] ({SCADA}).key_file: no key file at {keys / 'missing.key'}" in message


def test_duplicate_aliases_are_refused(tmp_path: Path, keys: Path) -> None:
    data = good()
    actors = data["actors"]
    assert isinstance(actors, list)
    actors.append(dict(actors[1]))
    assert f"alias {ATN} is given to more than one actor" in invalid(data, tmp_path)


@pytest.mark.parametrize(
    "index, change, words",
    [
        (1, {"alias": "D1.Bad"}, "alias"),
        (2, {"alias": ATN + ".notscada"}, "a scada's alias ends in .scada"),
        (1, {"silent_after_s": 3}, "a atomic-tnode takes no silent_after_s"),
        (0, {"supervisor": "d1.other"}, "a supervisor takes no supervisor"),
        (1, {"supervisor": SCADA}, f"supervisor {SCADA} is a scada here, not a supervisor"),
        (0, {"expected": []}, "no actor to watch"),
        (1, {"colour": "blue"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_options_must_fit_the_actor(
    tmp_path: Path, keys: Path, index: int, change: dict[str, object], words: str
) -> None:
    data = good()
    actors = data["actors"]
    assert isinstance(actors, list)
    actors[index].update(change)
    assert words in invalid(data, tmp_path)


def test_a_time_coordinator_needs_a_run(tmp_path: Path, keys: Path) -> None:
    data = good()
    actors = data["actors"]
    assert isinstance(actors, list)
    actors.append({"kind": "time-coordinator", "alias": "d1.time", "key_file": "keys/super.key"})
    assert "a time-coordinator needs its run" in invalid(data, tmp_path)
    actors[-1]["run"] = {"run_id": "r1", "start_s": 0, "step_seconds": 60, "steps": 3}
    assert "no actor on its run" in invalid(data, tmp_path)
    actors[1]["time_coordinator"] = "d1.time"
    run = parse_runfile(data, base=tmp_path)
    assert run.roster_of(run.actors[-1]) == {ATN}


def test_broker_settings(tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = good()
    data["broker"] = {"exchnage": "x"}
    assert "unknown broker settings: exchnage" in invalid(data, tmp_path)
    data["broker"] = {"url_env": "GW_TEST_NO_SUCH_VAR"}
    monkeypatch.delenv("GW_TEST_NO_SUCH_VAR", raising=False)
    assert "GW_TEST_NO_SUCH_VAR is not set" in invalid(data, tmp_path)
    monkeypatch.setenv("GW_TEST_NO_SUCH_VAR", "amqp://u:secret@broker.example:5673/v")
    run = parse_runfile(data, base=tmp_path)
    assert run.broker.where == "broker.example:5673/v" and run.broker.user == "u"


def test_where_the_chain_is(tmp_path: Path, keys: Path) -> None:
    run = parse_runfile(good(), base=tmp_path)
    target = resolve_chain(run, env={})
    assert (target.algod_url, target.factory_app_id) == ("http://127.0.0.1:4001", 7)
    assert target.algod_token == "a" * 64
    assert resolve_chain(run, factory_app_id=9, env={}).factory_app_id == 7
    assert resolve_chain(run, factory_app_id=9, override_app_id=True, env={}).factory_app_id == 9

    bare = parse_runfile({**good(), "chain": {}}, base=tmp_path)
    env = {"ALGOD_SERVER": "http://node", "ALGOD_PORT": "8080", "ALGOD_TOKEN": "t"}
    target = resolve_chain(bare, factory_app_id=3, env=env)
    assert (target.algod_url, target.algod_token, target.factory_app_id) == (
        "http://node:8080",
        "t",
        3,
    )
    with pytest.raises(WorkersError, match="no shared node"):
        resolve_chain(bare, factory_app_id=3, env={})
    with pytest.raises(WorkersError, match="no GNodeFactory"):
        resolve_chain(bare, env=env)
    with pytest.raises(WorkersError, match="GW_TOKEN is not set"):
        resolve_chain(parse_runfile(good(algod_token_env="GW_TOKEN"), base=tmp_path), env={})
