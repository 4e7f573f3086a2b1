"""/v2/teal/compile and /v2/teal/disassemble, through algosdk as users call them (and raw HTTP
for what algosdk hides). Against an external node these check algod itself."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from algosdk import transaction
from algosdk.error import AlgodHTTPError
from algosdk.source_map import SourceMap
from algosdk.v2client.algod import AlgodClient

COUNTER = """#pragma version 8
txn ApplicationID
int 0
==
bnz create
byte "counter"
dup
app_global_get
int 1
+
app_global_put
create:
int 1
return
"""


@pytest.fixture(scope="module")
def http(algod: AlgodClient) -> Iterator[httpx.Client]:
    headers = {"X-Algo-API-Token": algod.algod_token}
    with httpx.Client(base_url=algod.algod_address, headers=headers, timeout=15) as client:
        yield client


def test_compile_returns_the_bytecode_and_its_logic_sig_address(algod: AlgodClient) -> None:
    response = algod.compile("#pragma version 8\nint 1\nreturn\n")
    assert base64.b64decode(response["result"]) == bytes.fromhex("08810143")
    assert set(response) == {"hash", "result"}  # no source map unless asked for


def test_hash_is_the_address_algosdk_gives_the_logic_sig(algod: AlgodClient) -> None:
    response = algod.compile(COUNTER)
    program = base64.b64decode(response["result"])
    assert transaction.LogicSigAccount(program).address() == response["hash"]


def test_source_map_maps_each_instruction_to_its_line(algod: AlgodClient) -> None:
    response = algod.compile(COUNTER, source_map=True)
    sourcemap = response["sourcemap"]
    assert sourcemap["version"] == 3
    assert sourcemap["sources"] == ["<body>"]
    assert sourcemap["names"] == []
    decoded = SourceMap(sourcemap)
    program = base64.b64decode(response["result"])
    lines = COUNTER.splitlines()
    # the version and `intcblock 1` (1 is used twice) come first; then the instructions
    assert program[:6].hex() == "08" + "200101" + "3118"
    assert lines[decoded.get_line_for_pc(4)] == "txn ApplicationID"
    assert lines[decoded.get_line_for_pc(6)] == "int 0"
    assert lines[decoded.get_line_for_pc(len(program) - 1)] == "return"


@pytest.mark.parametrize("flag", ["true", "True", "1", "false", "False", "0"])
def test_sourcemap_flag_takes_go_booleans(http: httpx.Client, flag: str) -> None:
    response = http.post("/v2/teal/compile", params={"sourcemap": flag}, content=b"int 1")
    assert response.status_code == 200, response.text
    assert ("sourcemap" in response.json()) == (flag in ("true", "True", "1"))


def test_a_bad_sourcemap_flag_is_a_400(http: httpx.Client) -> None:
    response = http.post("/v2/teal/compile", params={"sourcemap": "yes"}, content=b"int 1")
    assert response.status_code == 400
    assert response.json()["message"] == (
        'Invalid format for parameter sourcemap: strconv.ParseBool: parsing "yes": invalid syntax'
    )


def test_bad_teal_is_a_400_naming_the_line(algod: AlgodClient) -> None:
    with pytest.raises(AlgodHTTPError) as info:
        algod.compile("#pragma version 8\nint 1\nfrobnicate\n")
    assert info.value.code == 400
    assert str(info.value) == "1 error: 3: unknown opcode: frobnicate\n"


def test_several_errors_are_listed_one_a_line(http: httpx.Client) -> None:
    source = b"#pragma version 8\nint 1 2\nbyte 0xzz\nb nowhere\n"
    response = http.post("/v2/teal/compile", content=source)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "2:6: int expects 1 immediate argument\n"
        "3:5: byte encoding/hex: invalid byte: U+007A 'z'\n"
        '4:2: reference to undefined label "nowhere"\n'
    )


def test_empty_source_is_a_400(http: httpx.Client) -> None:
    response = http.post("/v2/teal/compile", content=b"  \n")
    assert response.status_code == 400
    assert response.json()["message"] == "1 error: 0: Cannot assemble empty program text\n"


def test_compile_needs_the_api_token(algod: AlgodClient) -> None:
    response = httpx.post(f"{algod.algod_address}/v2/teal/compile", content=b"int 1")
    assert response.status_code == 401


def test_disassemble_gives_text_that_compiles_back(algod: AlgodClient) -> None:
    program = base64.b64decode(algod.compile(COUNTER)["result"])
    text = algod.disassemble(program)["result"]
    assert text.startswith("#pragma version 8\nintcblock 1\ntxn ApplicationID\npushint 0\n")
    assert '\npushbytes 0x636f756e746572 // "counter"\n' in text
    assert "\nbnz label1\n" in text and "\nlabel1:\nintc_0 // 1\nreturn\n" in text
    assert base64.b64decode(algod.compile(text)["result"]) == program


def test_disassembling_a_bad_program_is_a_400(algod: AlgodClient) -> None:
    with pytest.raises(AlgodHTTPError) as info:
        algod.disassemble(bytes([8, 0xFF]))
    assert info.value.code == 400
    assert "illegal opcode 0xff" in str(info.value)


def test_v13_branches_are_varints_sized_to_fit(algod: AlgodClient) -> None:
    source = COUNTER.replace("#pragma version 8", "#pragma version 13")
    program = base64.b64decode(algod.compile(source)["result"])
    # bnz create: a one-byte zigzag varint (14 bytes forward is 0x1c)
    assert program.hex() == (
        "0d" + "200101" + "3118" + "8100" + "12" + "401c" + "8007636f756e746572" + "49642208672243"
    )
    text = algod.disassemble(program)["result"]
    assert "\nbnz label1\n" in text and "\nlabel1:\nintc_0 // 1\nreturn\n" in text
    assert base64.b64decode(algod.compile(text)["result"]) == program


def test_v11_to_v13_opcodes_compile_and_disassemble(algod: AlgodClient) -> None:
    source = (
        "#pragma version 13\n#pragma typetrack false\nonline_stake\n"
        "voter_params_get VoterIncentiveEligible\nmimc BLS12_381Mp111\nfalcon_verify\nsha512\n"
        "poseidon2 BN254t2\napp_params_set AppForeignBoxReads\napp_box_get\nblock BlkBranch512\n"
    )
    program = base64.b64decode(algod.compile(source)["result"])
    assert program.hex() == "0d" + "75" + "7401" + "e601" + "85" + "87" + "e700" + "760b" + (
        "d406" + "d10a"
    )
    text = algod.disassemble(program)["result"]
    assert text == source.replace("#pragma typetrack false\n", "")


def test_a_v13_logic_sig_is_salted_off_the_curve(algod: AlgodClient) -> None:
    """Its unsalted bytes (0d810c) would hash to a point of the ed25519 curve."""
    response = algod.compile("#pragma version 13\npushint 12\n")
    program = base64.b64decode(response["result"])
    assert program.hex() == "0d810c" + "200100"
    assert transaction.LogicSigAccount(program).address() == response["hash"]
