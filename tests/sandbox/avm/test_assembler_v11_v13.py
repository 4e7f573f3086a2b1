"""AVM versions 11, 12 and 13 in the language: their opcodes and fields, v13's two-byte opcodes
and zigzag-varint branch offsets, and v13's salt that keeps logic signature addresses off the
ed25519 curve.

The expected bytes are go-algorand's: its published assembler test vectors (the whole-version
programs in `go_algorand_compiled.json`, with their provenance) and bytes worked out from its
language specs, which `spec.py` reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from avm_eval_helpers import run

from gridworks.sandbox.avm import spec
from gridworks.sandbox.avm.assembler import AssemblyError, assemble
from gridworks.sandbox.avm.assembler.autosalt import address_on_curve
from gridworks.sandbox.avm.disassembler import DisassemblyError, disassemble
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Encoding, Mode
from gridworks.sandbox.avm.wire import decode_varint, encode_varint, encode_varuint

GO_COMPILED: dict[str, str] = json.loads(
    (Path(__file__).parent / "go_algorand_compiled.json").read_text()
)
HASH_32 = "0x11223344556677889900aabbccddeeff11223344556677889900aabbccddeeff"


def hexed(source: str) -> str:
    return assemble(source).bytecode.hex()


def report(source: str) -> str:
    with pytest.raises(AssemblyError) as info:
        assemble(source)
    return info.value.report


def v13(body: str) -> str:
    """A v13 program's bytes before any salt: `#pragma autosalt false` keeps them as written."""
    return hexed("#pragma version 13\n#pragma autosalt false\n" + body)


def check_error(program: str, mode: Mode = Mode.APP) -> LogicError:
    with pytest.raises(LogicError) as info:
        check_program(bytes.fromhex(program), mode)
    return info.value


# -- the opcode tables -----------------------------------------------------------------------


NEW_OPCODES = [
    # (name, version, bytes, modes)
    ("voter_params_get", 11, "74", Mode.APP),
    ("online_stake", 11, "75", Mode.APP),
    ("mimc", 11, "e6", Mode.ANY),
    ("falcon_verify", 12, "85", Mode.ANY),
    ("app_params_set", 13, "76", Mode.APP),
    ("sha512", 13, "87", Mode.ANY),
    ("poseidon2", 13, "e7", Mode.ANY),
    ("app_box_create", 13, "d401", Mode.APP),
    ("app_box_extract", 13, "d402", Mode.APP),
    ("app_box_replace", 13, "d403", Mode.APP),
    ("app_box_del", 13, "d404", Mode.APP),
    ("app_box_len", 13, "d405", Mode.APP),
    ("app_box_get", 13, "d406", Mode.APP),
    ("app_box_put", 13, "d407", Mode.APP),
    ("app_box_splice", 13, "d408", Mode.APP),
    ("app_box_resize", 13, "d409", Mode.APP),
]


@pytest.mark.parametrize(("name", "version", "code", "modes"), NEW_OPCODES)
def test_each_new_opcode_has_its_bytes_version_and_modes(
    name: str, version: int, code: str, modes: Mode
) -> None:
    op = spec.opcodes(spec.MAX_VERSION).by_name[name]
    assert (op.code.hex(), op.version, op.modes) == (code, version, modes)
    assert name in spec.opcodes(version).by_name
    assert name not in spec.opcodes(version - 1).by_name


def test_the_newest_versions_add_exactly_these_opcodes() -> None:
    added = {
        name
        for version in (11, 12, 13)
        for name in spec.opcodes(version).by_name
        if name not in spec.opcodes(version - 1).by_name
    }
    assert added == {name for name, *_ in NEW_OPCODES}


def test_two_byte_opcodes_sit_under_their_prefix() -> None:
    table = spec.opcodes(13)
    assert 0xD4 not in table.by_opcode
    assert sorted(op.code.hex() for op in table.sub_ops[0xD4].values()) == [
        f"d4{sub:02x}" for sub in range(1, 10)
    ]
    assert table.lookup(bytes.fromhex("d405"), 0).name == "app_box_len"  # type: ignore[union-attr]
    assert table.lookup(bytes.fromhex("d4"), 0) is None
    assert table.lookup(bytes.fromhex("d40a"), 0) is None
    assert spec.opcodes(12).sub_ops == {}


NEW_FIELDS = [
    # (group, field, code, version)
    ("global Fields", "PayoutsEnabled", 18, 11),
    ("global Fields", "PayoutsGoOnlineFee", 19, 11),
    ("global Fields", "PayoutsPercent", 20, 11),
    ("global Fields", "PayoutsMinBalance", 21, 11),
    ("global Fields", "PayoutsMaxBalance", 22, 11),
    ("acct_params Fields", "AcctIncentiveEligible", 12, 11),
    ("acct_params Fields", "AcctLastProposed", 13, 11),
    ("acct_params Fields", "AcctLastHeartbeat", 14, 11),
    ("voter_params Fields", "VoterBalance", 0, 11),
    ("voter_params Fields", "VoterIncentiveEligible", 1, 11),
    ("block Fields", "BlkProposer", 2, 11),
    ("block Fields", "BlkFeesCollected", 3, 11),
    ("block Fields", "BlkBonus", 4, 11),
    ("block Fields", "BlkBranch", 5, 11),
    ("block Fields", "BlkFeeSink", 6, 11),
    ("block Fields", "BlkProtocol", 7, 11),
    ("block Fields", "BlkTxnCounter", 8, 11),
    ("block Fields", "BlkProposerPayout", 9, 11),
    ("MimcConfigurations Parameters", "BN254Mp110", 0, 11),
    ("MimcConfigurations Parameters", "BLS12_381Mp111", 1, 11),
    ("txn Fields", "RejectVersion", 68, 12),
    ("app_params Fields", "AppVersion", 9, 12),
    ("app_params Fields", "AppSizeSponsor", 10, 13),
    ("app_params Fields", "AppForeignBoxReads", 11, 13),
    ("app_params Fields", "AppFamilyBoxAccess", 12, 13),
    ("app_params_set Fields", "AppForeignBoxReads", 11, 13),
    ("app_params_set Fields", "AppFamilyBoxAccess", 12, 13),
    ("block Fields", "BlkBranch512", 10, 13),
    ("block Fields", "BlkSha512_256TxnCommitment", 11, 13),
    ("block Fields", "BlkSha256TxnCommitment", 12, 13),
    ("block Fields", "BlkSha512TxnCommitment", 13, 13),
    ("Poseidon2 Configurations Parameters", "BN254t2", 0, 13),
    ("Poseidon2 Configurations Parameters", "BLS12_381t2", 1, 13),
]


def test_the_newest_versions_add_exactly_these_fields() -> None:
    added = {
        (name, field.name)
        for name, group in spec.field_groups().items()
        if name not in ("all txn Fields", "txn")  # the same fields again, by other names
        for field in group.fields
        if field.version > 10
    }
    assert added == {(group, field) for group, field, _, _ in NEW_FIELDS}


# One instruction per field group, with the field as its only field immediate.
FIELD_USES = {
    "global Fields": "global {}",
    "acct_params Fields": "acct_params_get {}",
    "voter_params Fields": "voter_params_get {}",
    "block Fields": "block {}",
    "MimcConfigurations Parameters": "mimc {}",
    "txn Fields": "txn {}",
    "app_params Fields": "app_params_get {}",
    "app_params_set Fields": "app_params_set {}",
    "Poseidon2 Configurations Parameters": "poseidon2 {}",
}


@pytest.mark.parametrize(("group", "field", "code", "version"), NEW_FIELDS)
def test_each_new_field_assembles_from_its_version_and_not_before(
    group: str, field: str, code: int, version: int
) -> None:
    source = FIELD_USES[group].format(field)
    mnemonic = source.split()[0]
    op = spec.opcodes(version).by_name[mnemonic]
    expected = f"{version:02x}" + op.code.hex() + f"{code:02x}"
    program = hexed(f"#pragma version {version}\n#pragma typetrack false\n{source}\n")
    assert program.startswith(expected)
    earlier = f"#pragma version {version - 1}\n#pragma typetrack false\n{source}\n"
    if op.version == version:
        assert report(earlier) == f"1 error: 3: {mnemonic} opcode was introduced in v{version}\n"
    else:
        column = len(mnemonic) + 1
        assert report(earlier) == (
            f"1 error: 3:{column}: {mnemonic} {field} field was introduced in v{version}. "
            "Missed #pragma version?\n"
        )


# -- go-algorand's published bytes -----------------------------------------------------------


@pytest.mark.parametrize("version", [10, 11, 12, 13])
def test_go_algorands_whole_version_programs_round_trip(version: int) -> None:
    """Its program of every opcode of a version disassembles to text that assembles back."""
    program = bytes([version]) + bytes.fromhex(GO_COMPILED[f"v{version}"])
    assert assemble(disassemble(program, typetrack=False)).bytecode == program


def test_v12s_program_reassembled_at_v13_is_go_algorands_v13_layout() -> None:
    """The same source at v13: every branch re-encoded as a varint, sized to fit."""
    text = disassemble(bytes([12]) + bytes.fromhex(GO_COMPILED["v12"]), typetrack=False)
    text = text.replace("#pragma version 12", "#pragma version 13", 1)
    assert assemble(text).bytecode.hex() == "0d" + GO_COMPILED["v13_base"]


def test_go_algorands_v13_program_is_v13_base_and_the_new_opcodes() -> None:
    tail = GO_COMPILED["v13"].removeprefix(GO_COMPILED["v13_base"])
    body = (
        f"pushbytes 0x0123\nsha512\npushbytes {HASH_32}\nposeidon2 BN254t2\n"
        "pushint 1\napp_params_set AppForeignBoxReads\n"
        + "".join(f"{name}\n" for name, _, code, _ in NEW_OPCODES if code.startswith("d4"))
    )
    assert v13("#pragma typetrack false\n" + body) == "0d" + tail


@pytest.mark.parametrize(
    ("version", "body", "expected"),
    [
        (11, "online_stake\nvoter_params_get VoterIncentiveEligible", "757401"),
        (11, f"pushbytes {HASH_32}\nmimc BLS12_381Mp111", "8020" + HASH_32[2:] + "e601"),
        (12, "pushbytes 0xabcd\ndup\ndup\nfalcon_verify", "8002abcd494985"),
        (13, "pushbytes 0x0123\nsha512", "8002012387"),
    ],
)
def test_go_algorands_bytes_for_the_new_opcodes(version: int, body: str, expected: str) -> None:
    source = f"#pragma version {version}\n#pragma autosalt false\n#pragma typetrack false\n{body}"
    assert hexed(source) == f"{version:02x}{expected}"


# -- v13 branches ----------------------------------------------------------------------------


def test_varints_are_zigzag_encoded() -> None:
    assert [encode_varint(n).hex() for n in (0, -1, 1, -2, 63, -64, 64, -65)] == [
        "00",
        "01",
        "02",
        "03",
        "7e",
        "7f",
        "8001",
        "8101",
    ]
    assert encode_varint(2**63 - 1).hex() == "fe" + "ff" * 8 + "01"
    assert decode_varint(bytes.fromhex("8101"), 0) == (-65, 2)
    assert decode_varint(b"\x80", 0) == (0, 0)  # ends first
    assert decode_varint(b"\xff" * 9 + b"\x02", 0) == (0, -10)  # over 64 bits


def test_a_forward_branch_counts_from_the_end_of_the_instruction() -> None:
    assert v13("b end\nerr\nend:\nerr") == "0d" + "4202" + "00" + "00"
    assert v13("pushint 1\nbnz end\nerr\nend:\nerr") == "0d" + "8101" + "4002" + "00" + "00"
    assert v13("pushint 0\nbz end\nend:\nerr") == "0d" + "8100" + "4100" + "00"


def test_a_back_branch_counts_from_the_start_of_the_instruction() -> None:
    assert v13("start:\nerr\nb start") == "0d" + "00" + "4201"  # -1
    assert v13("start:\npushint 1\nbnz start") == "0d" + "8101" + "4003"  # -2


def test_a_branch_to_the_end_of_the_program_is_zero() -> None:
    """go-algorand's own vector (TestAssembleJumpToTheEnd, at v13)."""
    assert v13("intcblock 1\nintc 0\nintc 0\nbnz done\ndone:") == "0d20010122224000"


@pytest.mark.parametrize(
    ("padding", "offset"),
    [(63, "7e"), (64, "8001"), (8191, "fe7f"), (8192, "808001")],
)
def test_a_forward_offset_takes_as_many_bytes_as_it_needs(padding: int, offset: str) -> None:
    program = v13("b end\n" + "err\n" * padding + "end:\nerr")
    assert program == "0d42" + offset + "00" * (padding + 1)


@pytest.mark.parametrize(
    ("padding", "offset"),
    [(64, "7f"), (65, "8101"), (8192, "ff7f"), (8193, "818001")],
)
def test_a_back_offset_takes_as_many_bytes_as_it_needs(padding: int, offset: str) -> None:
    program = v13("start:\n" + "err\n" * padding + "b start")
    assert program == "0d" + "00" * padding + "42" + offset


def test_branch_sizes_shrink_until_none_can() -> None:
    """The first branch fits one byte only once the second has shrunk to its own size."""
    program = v13("b far\nb near\n" + "err\n" * 61 + "near:\nfar:\nerr")
    assert program == "0d" + "427e" + "427a" + "00" * 61 + "00"


def test_constants_are_laid_out_before_branch_sizes() -> None:
    """21 constants used once: first `intc N` (1 or 2 bytes), then `pushint` (3 bytes), so the
    branch over them needs a two-byte offset (84), not the one byte (59) they first took."""
    ints = [1000 + i for i in range(21)]
    source = "pushint 1\nbnz end\n" + "".join(f"int {n}\npop\n" for n in ints) + "end:\nerr"
    pushes = "".join("81" + encode_varuint(n).hex() + "48" for n in ints)
    assert v13(source) == "0d" + "8101" + "40" + "a801" + pushes + "00"


def test_callsub_and_switch_and_match_at_v13() -> None:
    """`callsub` takes a varint like the branches; `switch` and `match` keep int16 offsets."""
    assert v13("callsub f\nerr\nf:\nretsub") == "0d" + "8802" + "00" + "89"
    assert v13("f:\nretsub\ncallsub f") == "0d" + "89" + "8801"
    assert v13("pushint 0\nswitch l\nl:\nerr") == "0d" + "8100" + "8d010000" + "00"
    assert v13("pushints 1 1\nmatch l\nl:\nerr") == "0d" + "83020101" + "8e010000" + "00"


def test_a_branch_to_its_own_start_is_refused() -> None:
    assert report("#pragma version 13\nl: b l\n") == (
        '1 error: 2:5: branch to start of same instruction: "l" \n'
    )
    assert hexed("#pragma version 12\nl: b l\n") == "0c" + "42fffd"  # v12: an int16 of -3


def test_a_branch_beyond_three_varint_bytes_is_too_far() -> None:
    chunk = "pushbytes 0x" + "00" * 4096 + "\npop\n"  # 4,100 bytes
    near = "b done\n" + chunk * 255 + "err\n" * 3075 + "done:\nerr\n"  # a jump of 2**20 - 1
    program = v13(near)
    assert program.startswith("0d42" + "feff7f")  # 2**21 - 2, zigzag of 2**20 - 1
    assert len(bytes.fromhex(program)) == 1 + 4 + 2**20 - 1 + 1
    far = near.replace("err\n" * 3075, "err\n" * 3076)
    assert report("#pragma version 13\n" + far) == '1 error: 2:2: label "done" is too far away\n'


def test_an_undefined_label_at_v13() -> None:
    assert report("#pragma version 13\nb nowhere\n") == (
        '1 error: 2:2: reference to undefined label "nowhere"\n'
    )


def test_the_source_map_follows_shrunk_branches() -> None:
    """go-algorand's TestSourceMapping case: `b` with a one-byte varint is two bytes."""
    assembled = assemble("#pragma version 13\n#pragma autosalt false\nerr\nb l\nerr\nl:\n  err\n")
    assert assembled.bytecode.hex() == "0d" + "00" + "4202" + "00" + "00"
    assert assembled.locations == {1: (2, 0), 2: (3, 0), 4: (4, 0), 5: (6, 2)}


def test_a_v13_loop_runs() -> None:
    source = (
        "#pragma version 13\npushint 0\nloop:\npushint 1\n+\ndup\npushint 300\n<\nbnz loop\n"
        "pushint 300\n==\n"
    )
    program = assemble(source).bytecode
    assert run(program).passed


# -- the checker and the disassembler on v13 bytes --------------------------------------------


@pytest.mark.parametrize(
    ("program", "message", "pc"),
    [
        ("0d42", "program ends without branch target", 1),
        ("0d4180", "program ends without branch target", 1),
        ("0d40" + "ff" * 9 + "02", "branch offset varint overflows int64", 1),
        ("0d4202", "branch target 4 outside of program", 1),
        ("0d8101427f", "branch target -61 outside of program", 3),
        ("0d81014201", "back branch target 2 is not an aligned instruction", 3),
        ("0d4201", "back branch target 0 is not an aligned instruction", 1),
        ("0d4202810100", "branch target 4 is not an aligned instruction", 3),
        ("0dd4", "prefix opcode 0xd4 missing sub-opcode", 1),
        ("0dd400", "prefix opcode 0xd4 with improper sub-opcode 0x00", 1),
        ("0dd40a", "prefix opcode 0xd4 with improper sub-opcode 0x0a", 1),
        ("0cd401", "illegal opcode 0xd4", 1),
        ("0c87", "illegal opcode 0x87", 1),
    ],
)
def test_the_checker_refuses_bad_v13_bytes(program: str, message: str, pc: int) -> None:
    error = check_error(program)
    assert (error.reason, error.pc) == (message, pc)


def test_the_checker_decodes_varint_targets_and_two_byte_opcodes() -> None:
    program = check_program(bytes.fromhex("0d" + "8101" + "4203" + "00" + "00"), Mode.APP)
    assert [(i.pc, i.spec.name, i.immediates, i.next_pc) for i in program.instructions] == [
        (1, "pushint", (1,), 3),
        (3, "b", (1,), 5),
        (5, "err", (), 6),
        (6, "err", (), 7),
    ]
    boxes = check_program(bytes.fromhex("0d" + "8101" + "d406"), Mode.APP)
    assert [(i.spec.name, i.next_pc) for i in boxes.instructions][-1] == ("app_box_get", 5)
    assert check_error("0dd406", Mode.SIG).reason == "app_box_get not allowed in current mode"
    encodings = {imm.encoding for imm in spec.opcodes(13).by_name["callsub"].immediates}
    assert encodings == {Encoding.VARINT_LABEL}


def test_the_disassembler_labels_varint_targets() -> None:
    program = bytes.fromhex("0d" + "8101" + "4003" + "4202" + "00" + "00")
    text = disassemble(program)
    assert text == (  # a logic sig hashing onto the curve: unsalted, and to stay so
        "#pragma version 13\n#pragma autosalt false\nlabel1:\npushint 1\nbnz label1\n"
        "b label2\nerr\nlabel2:\nerr\n"
    )
    assert assemble(text).bytecode == program


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("0d42", "could not decode label for b"),
        ("0d88" + "ff" * 9 + "02", "could not decode label for callsub"),
        ("0dd4", "prefix opcode 0xd4 missing sub-opcode"),
        ("0dd400", "prefix opcode 0xd4 with improper sub-opcode 0x00"),
        ("0cd401", "illegal opcode 0xd4"),
        ("0e", "unsupported version 14"),
    ],
)
def test_the_disassembler_refuses_bad_v13_bytes(program: str, message: str) -> None:
    with pytest.raises(DisassemblyError) as info:
        disassemble(bytes.fromhex(program))
    assert str(info.value) == message


def test_the_disassembler_reads_two_byte_opcodes() -> None:
    assert disassemble(bytes.fromhex("0dd401")) == "#pragma version 13\napp_box_create\n"


# -- app_params_set ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("app_params_set AppVersion", 'app_params_set "AppVersion" is not settable.'),
        ("app_params_set AppSizeSponsor", 'app_params_set "AppSizeSponsor" is not settable.'),
        ("app_params_set NoSuchField", 'app_params_set unknown field: "NoSuchField"'),
    ],
)
def test_app_params_set_sets_only_settable_fields(line: str, message: str) -> None:
    column = len("app_params_set ")
    assert report(f"#pragma version 13\nint 1\n{line}\n") == f"1 error: 3:{column}: {message}\n"


def test_app_params_set_takes_one_field() -> None:
    assert report("#pragma version 13\nint 1\napp_params_set\n") == (
        "1 error: 3:14: app_params_set expects 1 immediate argument\n"
    )
    assert report("#pragma version 13\nint 1\napp_params_set AppForeignBoxReads 1\n") == (
        "1 error: 3:34: app_params_set expects 1 immediate argument\n"
    )
    assert hexed("#pragma version 13\nint 1\napp_params_set AppFamilyBoxAccess\n") == (
        "0d" + "8101" + "760c"
    )


# -- v13's salt: logic signature addresses off the curve ---------------------------------------


def test_which_programs_hash_onto_the_curve() -> None:
    """go-algorand's TestAssemblerIntcblockSalt and TestPragmaAutosalt programs."""
    assert address_on_curve(bytes.fromhex("0d810c"))  # pushint 12
    assert not address_on_curve(bytes.fromhex("0d810c200100"))
    assert address_on_curve(bytes.fromhex("0c8101"))
    assert [address_on_curve(bytes.fromhex("0d200100222001") + bytes([s])) for s in range(3)] == [
        True,
        True,
        False,
    ]


def test_a_v13_logic_sig_on_the_curve_gets_a_trailing_salt() -> None:
    assert hexed("#pragma version 13\npushint 12") == "0d810c" + "200100"


def test_an_automatic_intcblock_takes_the_salt_as_a_last_constant() -> None:
    source = (
        "#pragma version 13\nint 1\nbnz done\nbytecblock 0x01234576 0xababcdcd 0xf000baad\n"
        "pushint 1\npop\ndone:\nint 1"
    )
    program = assemble(source)
    assert program.bytecode.hex().startswith("0d" + "20020100")
    assert not address_on_curve(program.bytecode)
    assert program.locations[5] == (1, 0)  # source positions follow the longer prefix


def test_an_explicit_intcblock_gets_a_trailing_salt() -> None:
    assert hexed("#pragma version 13\nintcblock 0\nintc_0") == "0d200100" + "22" + "200102"


@pytest.mark.parametrize(
    ("source", "expected", "warning"),
    [
        ("#pragma version 12\npushint 1", "0c8101", None),
        ("#pragma version 12\n#pragma autosalt true\npushint 1", "0c8101200100", None),
        (
            "#pragma version 12\n#pragma autosalt false\npushint 1",
            "0c8101",
            "2: #pragma autosalt false leaves program hash on curve",
        ),
        (
            "#pragma version 13\n#pragma autosalt false\npushint 12",
            "0d810c",
            "2: #pragma autosalt false leaves program hash on curve",
        ),
        (
            "#pragma version 13\n#pragma autosalt true\nbyte 0x01\napp_global_get\npop\npushint 0",
            "0d80010164488100200101",
            "2: #pragma autosalt true used with stateful opcodes",
        ),
        (
            "#pragma version 13\n#pragma autosalt true\nbyte 0x01\napp_global_get\npop\npushint 1",
            "0d80010164488101",
            "2: #pragma autosalt true used with stateful opcodes",
        ),
        (
            "#pragma version 13\n#pragma autosalt false\nbyte 0x01\napp_global_get\npop\npushint 0",
            "0d80010164488100",
            None,
        ),
        # an application-only opcode: no salt by default
        ("#pragma version 13\nbyte 0x01\napp_global_get\npop\npushint 0", "0d80010164488100", None),
    ],
)
def test_pragma_autosalt(source: str, expected: str, warning: str | None) -> None:
    assembled = assemble(source)
    assert assembled.bytecode.hex() == expected
    assert [str(w) for w in assembled.warnings] == ([warning] if warning else [])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#pragma autosalt", "1 error: 1:8: no autosalt value\n"),
        ("#pragma autosalt maybe", '1 error: 1:17: bad #pragma autosalt: "maybe"\n'),
        ("#pragma autosalt true false", "1 error: 1:22: unexpected extra tokens: false\n"),
    ],
)
def test_pragma_autosalt_errors(line: str, message: str) -> None:
    assert report(line + "\n#pragma version 13\nint 1\n") == message


def test_pragma_autosalt_comes_before_instructions() -> None:
    assert report("#pragma version 13\nint 1\n#pragma autosalt false\n") == (
        "1 error: 3: #pragma autosalt is only allowed before instructions\n"
    )


def test_the_disassembly_of_an_unsalted_v13_logic_sig_keeps_it_unsalted() -> None:
    text = disassemble(bytes.fromhex("0d810c"))
    assert text == "#pragma version 13\n#pragma autosalt false\npushint 12\n"
    assert assemble(text).bytecode.hex() == "0d810c"
    salted = bytes.fromhex("0d810c200100")
    assert disassemble(salted) == "#pragma version 13\npushint 12\nintcblock 0\n"
    assert assemble(disassemble(salted)).bytecode == salted
