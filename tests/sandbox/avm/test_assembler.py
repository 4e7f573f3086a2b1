"""The TEAL assembler: bytes for each feature, and algod's errors, in today's algod wording.

Most of what is asserted here is also compared against go-algorand's own assembler program by
program (`test_assembler_conformance.py`); what that older build words differently, and AVM
version 10's new opcodes, are checked here by hand.
"""

from __future__ import annotations

import pytest
from algosdk import transaction
from algosdk.abi import Method

from gridworks.sandbox.avm.assembler import AssemblyError, assemble, logic_sig_address
from gridworks.sandbox.avm.wire import decode_varuint
from gridworks.sandbox.encoding import decode_address, sha512_256

ADDRESS = "RWXCBB73XJITATVQFOI7MVUUQOL2PFDDSDUMW4H4T2SNSX4SEUOQ2MM7F4"


def hexed(source: str, version: int | None = None) -> str:
    return assemble(source, version).bytecode.hex()


def report(source: str, version: int | None = None) -> str:
    with pytest.raises(AssemblyError) as info:
        assemble(source, version)
    return info.value.report


# -- versions and the program header -------------------------------------------------------


def test_without_a_pragma_the_version_is_1_as_with_algod() -> None:
    assert hexed("int 1") == "01" + "200101" + "22"


def test_the_version_comes_first_as_a_varuint() -> None:
    assert hexed("#pragma version 8\nint 1\nreturn") == "08" + "8101" + "43"
    assert assemble("#pragma version 0x5\nint 1").version == 5


def test_a_version_argument_must_agree_with_the_pragma() -> None:
    assert hexed("int 1\nreturn", version=8) == "08810143"
    assert report("#pragma version 7\nint 1\n", version=8) == (
        "1 error: 1:16: version mismatch: assembling v7 with v8 assembler\n"
    )
    assert report("int 1", version=14) == "1 error: 0: Can not assemble version 14\n"


def test_text_without_instructions_gets_algods_no_version_marker() -> None:
    # algod writes its "version not set" sentinel, 2**64 - 1, as the version varuint
    assert hexed("// nothing but a comment\n") == "ff" * 9 + "01"
    assert hexed("#pragma version 6\n") == "06"


# -- v10's opcodes and fields, checked by hand against the language spec -------------------

V10_PROGRAM = """#pragma version 10
byte "box"
int 0
int 1
byte 0x00
box_splice
byte "box"
int 8
box_resize
pushbytes 0x01
dup
ec_add BN254g1
dup
ec_scalar_mul BN254g2
dup
ec_map_to BLS12_381g1
ec_pairing_check BLS12_381g1
pop
pushbytes 0x02
dup
ec_multi_scalar_mul BLS12_381g2
ec_subgroup_check BN254g1
pop
global AssetCreateMinBalance
global AssetOptInMinBalance
+
global GenesisHash
len
+
"""


def test_version_10_opcodes_and_fields() -> None:
    assert (
        hexed(V10_PROGRAM)
        == (
            "0a" + "2601" + "03626f78"  # "box" is used twice: the one pooled constant
            "28"
            "8100"
            "8101"
            "800100"
            "d2"  # box_splice
            "28"
            "8108"
            "d3"  # box_resize
            "800101"
            "49"
            "e000"
            "49"
            "e101"
            "49"
            "e502"
            "e202"
            "48"
            "800102"
            "49"
            "e303"
            "e400"
            "48"
            "320f"
            "3210"
            "08"
            "3211"
            "15"
            "08"
        )
    )


def test_version_10_names_are_unknown_before_10() -> None:
    assert report("#pragma version 9\nbox_splice\n") == (
        "1 error: 2: box_splice opcode was introduced in v10\n"
    )
    assert report("#pragma version 9\nglobal GenesisHash\n") == (
        "1 error: 2:7: global GenesisHash field was introduced in v10. Missed #pragma version?\n"
    )


# -- constants -----------------------------------------------------------------------------


def test_before_version_4_constants_are_pooled_in_first_use_order() -> None:
    source = "#pragma version 3\nint 7\nint 5\nint 7\n+\n+\nbyte 0x01\npop\nint 9\n"
    assert hexed(source) == "03" + "2003070509" + "2601" + "0101" + "2223220808" + "2848" + "24"


def test_from_version_4_the_most_used_constants_come_first_and_single_uses_are_pushed() -> None:
    source = "#pragma version 4\nint 7\nint 5\nint 5\n+\n+\nint 9\n+\nint 7\n+\n"
    # 7 and 5 are used twice (7 first: first use breaks the tie), 9 once: pushed
    assert hexed(source) == "04" + "20020705" + "22232308" + "08" + "8109" + "08" + "2208"


def test_constants_beyond_the_fourth_use_intc_n() -> None:
    values = range(10, 16)
    source = "#pragma version 8\n" + "".join(f"int {v}\nint {v}\n==\nassert\n" for v in values)
    code = assemble(source + "int 1\n").bytecode
    assert code.startswith(bytes.fromhex("08" + "2606"[:0] + "2006") + bytes(values))
    assert bytes.fromhex("2104" + "2104") in code and bytes.fromhex("2105" + "2105") in code


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("unknown", 0),
        ("pay", 1),
        ("Payment", 1),
        ("keyreg", 2),
        ("acfg", 3),
        ("axfer", 4),
        ("AssetTransfer", 4),
        ("afrz", 5),
        ("appl", 6),
        ("ApplicationCall", 6),
        ("NoOp", 0),
        ("OptIn", 1),
        ("CloseOut", 2),
        ("ClearState", 3),
        ("UpdateApplication", 4),
        ("DeleteApplication", 5),
    ],
)
def test_named_integers(name: str, value: int) -> None:
    assert hexed(f"#pragma version 8\nint {name}") == f"0881{value:02x}"


def test_byte_addr_and_method_share_the_byte_pool() -> None:
    selector = Method.from_signature("add(uint64,uint64)uint64").get_selector()
    source = (
        f'#pragma version 8\nmethod "add(uint64,uint64)uint64"\nbyte 0x{selector.hex()}\n==\n'
        f"addr {ADDRESS}\nlen\n+\n"
    )
    assert hexed(source) == (
        "08"
        + "2601"
        + "04"
        + selector.hex()
        + "2828"
        + "12"
        + "8020"
        + decode_address(ADDRESS).hex()
        + "15"
        + "08"
    )


def test_an_explicit_block_makes_later_constants_push_from_version_4() -> None:
    program = assemble("#pragma version 8\nintcblock 5\nint 5\nint 6\n+\n")
    assert program.bytecode.hex() == "08" + "200105" + "8105" + "8106" + "08"
    assert [str(w) for w in program.warnings] == [
        "3:4: int 5 used with explicit intcblock. must pushint",
        "4:4: int 6 used with explicit intcblock. must pushint",
    ]


def test_before_version_4_an_explicit_block_must_hold_the_constant() -> None:
    assert hexed("#pragma version 3\nintcblock 5 6\nint 6\n") == "03" + "20020506" + "23"
    assert report("#pragma version 3\nintcblock 1\nint 2\n") == (
        "1 error: 3:4: value 2 does not appear in existing intcblock\n"
    )
    assert report("#pragma version 3\nbytecblock 0x01\nbyte 0x02\n") == (
        "1 error: 3:5: value 0x02 does not appear in existing bytecblock\n"
    )


def test_a_block_in_unreachable_code_does_not_count() -> None:
    source = "#pragma version 8\nb skip\nintcblock 9\nskip:\nint 4\nint 4\n+\n"
    assert hexed(source) == "08" + "200104" + "420003" + "200109" + "2222" + "08"


def test_intc_bytec_and_arg_use_their_short_forms_for_0_to_3() -> None:
    source = (
        "#pragma version 2\nintcblock 1 2 3 4 5\nintc 3\nintc 4\n+\narg 0\narg 4\nconcat\nlen\n+"
    )
    assert (
        hexed(source) == "02" + "200501020304"
        "05" + "25" + "2104" + "08" + "2d" + "2c04" + "50" + "15" + "08"
    )


def test_labels_move_with_the_constants_they_follow() -> None:
    # `int 300`, used once, grows from `intc_1` to `pushint 300`: the branch over it follows
    source = "#pragma version 8\nint 1\nbnz end\nint 300\npop\nend:\nint 1\n"
    assert hexed(source) == "08" + "200101" + "22" + "400004" + "81ac02" + "48" + "22"


# -- literals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("0x0aFF", b"\x0a\xff"),
        ("0x", b""),
        ("base64 aGk=", b"hi"),
        ("b64 aGk=", b"hi"),
        ("base64(aGk=)", b"hi"),
        ("b64(//8=)", b"\xff\xff"),
        ("base32 NBUQ", b"hi"),
        ("b32 NBUQ====", b"hi"),
        ("base32(NBUQ)", b"hi"),
        ('"hi"', b"hi"),
        ('"a b;c // d"', b"a b;c // d"),
        ('"\\n\\r\\t\\\\\\"\\x41\\xff"', b'\n\r\t\\"A\xff'),
        ('"é"', "é".encode()),
    ],
)
def test_byte_literals(literal: str, value: bytes) -> None:
    code = assemble(f"#pragma version 8\npushbytes {literal}\n").bytecode
    assert code == b"\x08\x80" + bytes([len(value)]) + value


@pytest.mark.parametrize(
    ("literal", "value"),
    [("0", 0), ("017", 15), ("0o17", 15), ("0x1F", 31), ("0b101", 5), ("1_000", 1000)],
)
def test_integer_literals_are_go_literals(literal: str, value: int) -> None:
    code = assemble(f"#pragma version 8\npushint {literal}").bytecode
    assert decode_varuint(code, 2) == (value, len(code))


# -- immediates, fields, pseudo-ops ------------------------------------------------------------


def test_txn_gtxn_gtxns_with_an_index_become_their_array_forms() -> None:
    source = (
        "#pragma version 8\ntxn ApplicationArgs 1\ntxn Sender\ngtxn 2 Accounts 3\n"
        "int 0\ngtxns Applications 4\nitxn Logs 5\ngitxn 1 Logs 6\n"
    )
    assert hexed(source) == (
        "08" + "361a01" + "3100" + "37021c03" + "8100" + "393204" + "b53a05" + "b8013a06"
    )


def test_extract_and_replace_choose_their_opcode_by_immediates() -> None:
    source = (
        "#pragma version 8\npushbytes 0x0102\nextract 0 1\npushint 0\npushint 1\nextract\n"
        "pushbytes 0x03\nreplace 0\npushint 0\npushbytes 0x04\nreplace\n"
    )
    assert hexed(source) == (
        "08"
        + "80020102"
        + "570001"
        + "8100"
        + "8101"
        + "58"
        + "800103"
        + "5c00"
        + "8100"
        + "800104"
        + "5d"
    )


def test_field_names_are_available_from_their_version() -> None:
    assert hexed("#pragma version 7\ntxn FirstValidTime\n") == "073103"
    assert report("#pragma version 6\ntxn FirstValidTime\n") == (
        "1 error: 2:4: txn FirstValidTime field was introduced in v7. Missed #pragma version?\n"
    )


def test_itxn_field_takes_the_fields_inner_transactions_may_set() -> None:
    assert hexed("#pragma version 6\nbyte 0x00\nitxn_field Note\n") == "06" + "800100" + "b205"
    assert report("#pragma version 5\nbyte 0x00\nitxn_field Note\n") == (
        "1 error: 3:11: itxn_field Note field was introduced in v6. Missed #pragma version?\n"
    )
    assert report("#pragma version 8\ntxn TxID\nitxn_field TxID\n") == (
        '1 error: 3:11: itxn_field "TxID" is not allowed.\n'
    )


def test_switch_and_match_take_label_lists() -> None:
    source = "#pragma version 8\nint 0\nswitch a b\na:\nb:\npushints 1 1\nmatch b\n"
    assert hexed(source) == "08" + "8100" + "8d02" + "0000" + "0000" + "83020101" + "8e01" + "fff8"


def test_branches_may_go_back_from_version_4() -> None:
    assert hexed("#pragma version 4\nloop:\nint 1\nbnz loop\n") == "04" + "8101" + "40fffb"
    assert report("#pragma version 3\nloop:\nint 1\nbnz loop\n") == (
        '1 error: 4:4: label "loop" is a back reference, back jump support was introduced in v4\n'
    )


def test_frame_dig_takes_signed_immediates() -> None:
    source = "#pragma version 8\ncallsub f\nint 1\nreturn\nf:\nproto 2 1\nframe_dig -2\nretsub\n"
    assert hexed(source) == "08" + "880003" + "8101" + "43" + "8a0201" + "8bfe" + "89"


def test_macros_expand_to_their_tokens() -> None:
    source = "#pragma version 8\n#define three int 3\n#define add +\nthree; three; add\n"
    assert hexed(source) == "08" + "200103" + "2222" + "08"


def test_statements_split_at_semicolons_and_comments_are_dropped() -> None:
    assert hexed("#pragma version 8\nint 1; int 2 // two\n+;\n") == "08" + "8101" + "8102" + "08"


# -- source maps -------------------------------------------------------------------------------


def test_the_source_map_has_algods_form() -> None:
    program = assemble("#pragma version 8\n  int 1\nint 2 ; +\n")
    assert program.sourcemap == {
        "version": 3,
        "sources": ["<body>"],
        "names": [],
        "mappings": ";AACE;;AACF;;AAAQ",
    }
    assert program.pc_to_line == {1: 1, 3: 2, 5: 2}
    assert program.locations == {1: (1, 2), 3: (2, 0), 5: (2, 8)}


def test_columns_are_byte_offsets_as_algod_counts_them() -> None:
    with pytest.raises(AssemblyError) as info:
        assemble('#pragma version 8\nbyte "é"; frob\n')
    assert (info.value.line, info.value.column) == (2, 11)  # "é" is two bytes


# -- addresses -------------------------------------------------------------------------------


def test_logic_sig_address_is_what_algosdk_computes() -> None:
    program = assemble("#pragma version 8\nint 1\n").bytecode
    assert logic_sig_address(program) == transaction.LogicSigAccount(program).address()
    assert assemble("int 1").address == logic_sig_address(bytes.fromhex("0120010122"))
    assert sha512_256(b"Program" + program) != program  # (the prefix is what makes it an lsig)


# -- errors ----------------------------------------------------------------------------------

FAR = "#pragma version 8\nint 1\nbnz far\n" + ("pushbytes 0x" + "00" * 4000 + "\npop\n") * 9


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", "1 error: 0: Cannot assemble empty program text\n"),
        (" \n\t\n", "1 error: 0: Cannot assemble empty program text\n"),
        ("int 1\n//" + "x" * 65534 + "\n", "1 error: 1: line too long\n"),
        ("#foo\n", "1 error: 1: unknown directive: foo\n"),
        ("#pragma version 8\nfrob\n", "1 error: 2: unknown opcode: frob\n"),
        ("#pragma version 2\nbox_get\n", "1 error: 2: box_get opcode was introduced in v8\n"),
        ("#pragma version 8\nx:\nx:\nint 1\n", '1 error: 3: duplicate label "x"\n'),
        (
            "#pragma version 8\nb nowhere\nb nowhere\n",
            '1 error: 2:2: reference to undefined label "nowhere"\n',
        ),
        (
            "#pragma version 1\nint 1\nbnz end\nend:\n",
            '1 error: 3:4: label "end" is too far away\n',
        ),
        (FAR + "far:\nint 1\n", '1 error: 3:4: label "far" is too far away\n'),
        # immediates
        ("#pragma version 8\nint\n", "1 error: 2:3: int expects 1 immediate argument\n"),
        ("#pragma version 8\nint 1 2\n", "1 error: 2:6: int expects 1 immediate argument\n"),
        (
            "#pragma version 8\nextract 1 2 3\n",
            "1 error: 2: extract expects 0 or 2 immediate arguments\n",
        ),
        (
            "#pragma version 8\nbyte 0x00\nsubstring 1\n",
            "1 error: 3:11: substring expects 2 immediate arguments\n",
        ),
        ("#pragma version 8\nint abc\n", '1 error: 2:4: unable to parse "abc" as integer\n'),
        ("#pragma version 8\nint -1\n", '1 error: 2:4: unable to parse "-1" as integer\n'),
        ("#pragma version 8\nload x\n", '1 error: 2:5: load unable to parse i "x" as integer\n'),
        ("#pragma version 8\nload 256\n", "1 error: 2:5: load i beyond 255: 256\n"),
        (
            "#pragma version 8\nframe_dig 0x1\n",
            '1 error: 2:10: frame_dig unable to parse i "0x1" as int8\n',
        ),
        (
            "#pragma version 8\nframe_dig 128\n",
            '1 error: 2:10: frame_dig unable to parse i "128" as int8\n',
        ),
        (
            "#pragma version 8\nbyte 0x00\nsubstring 5 3\n",
            "1 error: 3:10: substring end is before start\n",
        ),
        ("#pragma version 8\nglobal Nope\n", '1 error: 2:7: global unknown field: "Nope"\n'),
        (
            "#pragma version 8\ngtxn 0 5\n",
            '1 error: 2:7: gtxn with 2 immediates can only use "5" as immediate 1\n',
        ),
        (
            "#pragma version 8\ngtxn Sender 0\n",
            '1 error: 2:5: gtxn with 2 immediates can only use "Sender" as immediate 2\n',
        ),
        (
            "#pragma version 8\ntxn ApplicationArgs\n",
            '1 error: 2:4: "ApplicationArgs" field of txn can only be used with 2 immediates\n',
        ),
        (
            "#pragma version 8\nitxn Logs 1 2\n",
            "1 error: 2: itxn expects 1 or 2 immediate arguments\n",
        ),
        (
            "#pragma version 8\nint 1\nitxn_field Nope\n",
            '1 error: 3:11: itxn_field unknown field: "Nope"\n',
        ),
        (
            "#pragma version 8\nint 0\nswitch " + " ".join(f"l{i}" for i in range(256)) + "\n",
            "1 error: 3:1172: switch cannot take more than 255 labels\n",
        ),
        # constants
        (
            "#pragma version 8\nintcblock 1 18446744073709551616 x\n",
            '2:12: strconv.ParseUint: parsing "18446744073709551616": value out of range\n'
            '2:33: strconv.ParseUint: parsing "x": invalid syntax\n',
        ),
        ("#pragma version 8\nint 1\nintcblock 1\n", "1 error: 3: intcblock following int\n"),
        (
            "#pragma version 8\naddr " + ADDRESS + "\nbytecblock 0x00\n",
            "1 error: 3: bytecblock following byte/addr/method\n",
        ),
        ("#pragma version 2\nintc 0\n", "1 error: 2:5: intc 0 is not defined\n"),
        ("#pragma version 2\nbytec 300\n", "1 error: 2:6: constant beyond 255: 300\n"),
        ("#pragma version 2\narg x\n", '1 error: 2:4: unable to parse argument "x" as integer\n'),
        (
            "#pragma version 2\n" + "".join(f"int {i}\npop\n" for i in range(257)),
            "1 error: 514:4: cannot have more than 256 int constants\n",
        ),
        (
            "#pragma version 2\nintcblock 1\nintcblock 2\nint 1\n",
            "1 error: 4: int 1 used with manual intcblocks. Use intc.\n",
        ),
        (
            "#pragma version 2\nbytecblock 0x01\nbytecblock 0x02\nbyte 0x01\n",
            "1 error: 4:5: byte 0x01 used with manual bytecblocks. Use bytec.\n",
        ),
        ("#pragma version 8\npushint\n", "1 error: 2:7: pushint expects 1 immediate argument\n"),
        ("#pragma version 8\npushbytes\n", "1 error: 2:9: pushbytes needs byte literal argument\n"),
        ("#pragma version 8\nbyte\n", "1 error: 2:4: byte needs byte literal argument\n"),
        (
            "#pragma version 8\npushbytes 0x" + "00" * 4097 + "\n",
            "1 error: 2:10: pushbytes value is too big (4097 bytes, limit 4096)\n",
        ),
        (
            "#pragma version 8\nbytecblock 0x01 0x" + "00" * 4097 + "\n",
            "1 error: 2:16: bytecblock arg 1 is too big (4097 bytes, limit 4096)\n",
        ),
        ('#pragma version 8\nbyte "a" "b"\n', "1 error: 2:9: byte with extraneous argument\n"),
        # literals
        ("#pragma version 8\nbyte abc\n", "1 error: 2:5: byte arg did not parse: abc\n"),
        (
            "#pragma version 8\nbyte 0x1\n",
            "1 error: 2:5: byte encoding/hex: odd length hex string\n",
        ),
        (
            "#pragma version 8\nbyte 0xzz\n",
            "1 error: 2:5: byte encoding/hex: invalid byte: U+007A 'z'\n",
        ),
        (
            "#pragma version 8\nbyte base64\n",
            "1 error: 2:5: byte base64 needs byte literal argument\n",
        ),
        (
            "#pragma version 8\nbyte base64 AA\n",
            "1 error: 2:12: byte illegal base64 data at input byte 0\n",
        ),
        (
            "#pragma version 8\nbyte base64 AA==AA==\n",
            "1 error: 2:12: byte illegal base64 data at input byte 4\n",
        ),
        (
            "#pragma version 8\nbyte b64(AA)\n",
            "1 error: 2:5: byte illegal base64 data at input byte 4\n",
        ),
        (
            "#pragma version 8\nbyte b64(AA\n",
            "1 error: 2:5: byte argument b64(AA lacks closing parenthesis\n",
        ),
        (
            "#pragma version 8\nbyte b64(AA)x\n",
            "1 error: 2:5: byte argument b64(AA)x must end at first closing parenthesis\n",
        ),
        (
            "#pragma version 8\nbyte base32 0\n",
            "1 error: 2:12: byte illegal base32 data at input byte 0\n",
        ),
        ('#pragma version 8\nbyte "\\q"\n', "1 error: 2:5: byte invalid escape sequence \\q\n"),
        ('#pragma version 8\nbyte "\\x4"\n', "1 error: 2:5: byte non-terminated hex sequence\n"),
        (
            '#pragma version 8\nbyte "\\x\\n"\n',
            "1 error: 2:5: byte escape sequence inside hex number\n",
        ),
        (
            '#pragma version 8\nbyte "\\xzz"\n',
            '1 error: 2:5: byte strconv.ParseUint: parsing "zz": invalid syntax\n',
        ),
        ('#pragma version 8\nbyte "a\\"\n', "1 error: 2:5: byte non-terminated escape sequence\n"),
        # addresses and methods
        ("#pragma version 8\naddr AAAA\n", "1 error: 2:5: decoded bad addr: AAAA\n"),
        (
            "#pragma version 8\naddr 0AAA\n",
            "1 error: 2:5: failed to decode address 0AAA from base 32\n",
        ),
        (
            "#pragma version 8\naddr " + ADDRESS[:-1] + "A\n",
            f"1 error: 2:5: address {ADDRESS[:-1]}A is malformed, checksum verification failed\n",
        ),
        ("#pragma version 8\nmethod add\n", "1 error: 2:7: unable to parse method signature\n"),
        # type tracking
        (
            "#pragma version 8\n+\n",
            "1 error: 2: + expects 2 stack arguments but stack height is 0\n",
        ),
        (
            "#pragma version 8\nint 1\nbyte 0x01\n+\n",
            "1 error: 4: + arg 1 wanted type uint64 got [1]byte\n",
        ),
        (
            "#pragma version 8\ntxn Sender\nint 1\n+\n",
            "1 error: 4: + arg 0 wanted type uint64 got address\n",
        ),
        (
            "#pragma version 8\nint 1\nint 2\nint 3\nselect\nlen\n",
            "1 error: 6: len arg 0 wanted type []byte got uint64 (1-2)\n",
        ),
        (
            "#pragma version 8\nint 5000\nbzero\n",
            "1 error: 3: bzero arg 0 wanted type uint64 (<= 4096) got 5000\n",
        ),
        (
            "#pragma version 8\nint 1\nitxn_field Sender\n",
            "1 error: 3: itxn_field Sender arg 0 wanted type address got 1\n",
        ),
        ("#pragma version 8\nint 1\nbury 0\n", "1 error: 3: bury 0 always fails\n"),
        (
            "#pragma version 8\nint 1\nproto 0 0\n",
            "1 error: 3: proto must be unreachable from previous PC\n",
        ),
        (
            "#pragma version 8\nb x\nx:\nproto 1 1\nframe_dig -2\nretsub\n",
            "1 error: 5: frame_dig -2 in sub with 1 args\n",
        ),
        (
            "#pragma version 8\nb x\nx:\nproto 1 1\nframe_dig 2\nretsub\n",
            "1 error: 5: frame_dig above stack\n",
        ),
        (
            "#pragma version 8\nb x\nx:\nproto 1 1\nint 1\nframe_bury -2\nretsub\n",
            "1 error: 6: frame_bury -2 in sub with 1 args\n",
        ),
        (
            "#pragma version 8\nb x\nx:\nproto 1 1\nint 1\nframe_bury 1\nretsub\n",
            "1 error: 6: frame_bury above stack\n",
        ),
        # pseudo-op versions
        (
            "#pragma version 1\ntxn ApplicationArgs 0\n",
            "2: txn opcode with 2 immediates was introduced in v2\n"
            "2:4: txn ApplicationArgs field was introduced in v2. Missed #pragma version?\n",
        ),
        # pragmas
        ("#pragma\n", "1 error: 1: empty pragma\n"),
        ("#pragma foo\n", '1 error: 1: unsupported pragma directive: "foo"\n'),
        ("#pragma version\n", "1 error: 1:8: no version value\n"),
        ("#pragma version 8 9\n", "1 error: 1:18: unexpected extra tokens: 9\n"),
        ("#pragma version x\n", '1 error: 1:16: bad #pragma version: "x"\n'),
        ("#pragma version 14\n", "1 error: 1:16: unsupported version: 14\n"),
        (
            "int 1\n#pragma version 8\n",
            "1 error: 2: #pragma version is only allowed before instructions\n",
        ),
        (
            "#pragma version 8\n#pragma version 7\n",
            "1 error: 2:16: version mismatch: assembling v7 with v8 assembler\n",
        ),
        ("#pragma typetrack\n", "1 error: 1:8: no typetrack value\n"),
        ("#pragma typetrack true false\n", "1 error: 1:23: unexpected extra tokens: false\n"),
        ("#pragma typetrack maybe\n", '1 error: 1:18: bad #pragma typetrack: "maybe"\n'),
        # macros
        ("#define\n", "1 error: 1: define directive requires a name and body\n"),
        ("#define x\n", "1 error: 1:8: define directive requires a name and body\n"),
        ("#define x.y int 1\n", "1 error: 1:8: . character not allowed in macro name\n"),
        ("#define 1x int 1\n", "1 error: 1:8: Cannot begin macro name with number: 1x\n"),
        ("#define -1 int 1\n", "1 error: 1:8: Cannot begin macro name with number: -1\n"),
        ("#define b64 1\n", "1 error: 1:8: Cannot use b64 as macro name\n"),
        ("#define pay 1\n", "1 error: 1:8: Named constants cannot be used as macro names: pay\n"),
        ("#define int 1\n", "1 error: 1:8: Macro names cannot be pseudo-ops: int\n"),
        (
            "#pragma version 8\n#define pop 1\n",
            "1 error: 2:8: Macro names cannot be opcodes: pop\n",
        ),
        (
            "#pragma version 8\n#define Sender 1\n",
            "1 error: 2:8: Macro names cannot be field names: Sender\n",
        ),
        (
            "#pragma version 8\nx:\n#define x 1\n",
            "1 error: 3:8: Labels cannot be used as macro names: x\n",
        ),
        (
            "#pragma version 8\n#define x int 1\nx:\n",
            "1 error: 3: Cannot create label with same name as macro: x\n",
        ),
        (
            "#pragma version 8\n#define p q\n#define q p\n",
            "1 error: 3:8: macro expansion cycle discovered: q -> p -> q\n",
        ),
        (
            "#define sqrt int 1\n#pragma version 4\n",
            "1:8: Macro names cannot be opcodes: sqrt\n"
            "2:16: version is incompatible with defined macros\n",
        ),
    ],
)
def test_errors_read_as_algods(source: str, expected: str) -> None:
    assert report(source) == expected


def test_several_errors_are_all_reported_first_one_raised() -> None:
    with pytest.raises(AssemblyError) as info:
        assemble("#pragma version 8\nfoo\nint 1 2\nbar\n")
    error = info.value
    assert (error.line, error.column, error.reason) == (2, 0, "unknown opcode: foo")
    assert [str(e) for e in error.errors] == [
        "2: unknown opcode: foo",
        "3:6: int expects 1 immediate argument",
        "4: unknown opcode: bar",
    ]
    assert error.report == "".join(f"{e}\n" for e in error.errors)


def test_warnings_are_reported_with_errors() -> None:
    source = '#pragma version 8\nmethod "nope"\nfrob\n'
    assert report(source) == (
        "3: unknown opcode: frob\n"
        "2:7: invalid ARC-4 ABI method signature for method op: No parenthesis in method "
        'signature: "nope"\n'
    )


def test_type_tracking_can_be_turned_off() -> None:
    assert hexed("#pragma version 8\n#pragma typetrack false\nint 1\nbyte 0x01\n+\n") == (
        "08" + "8101" + "800101" + "08"
    )
