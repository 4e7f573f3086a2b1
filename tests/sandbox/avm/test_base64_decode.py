"""base64_decode against go-algorand's TestBase64DecodeFunc table, and Go's strictness."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.avm.base64_decode import (
    Base64Encoding,
    CorruptInputError,
    base64_decode,
    go_base64_decode,
)
from gridworks.sandbox.avm.errors import LogicError

MOBY = "MOBY-DICK;\n\nor, THE WHALE.\n\n\nBy Herman Melville"
SPECIALS = "abc123!?$*&()'-=@~"

# (encoded, encoding, decoded, part of the error or "") as go-algorand's test has them.
GO_CASES = [
    ("TU9CWS1ESUNLOwoKb3IsIFRIRSBXSEFMRS4KCgpCeSBIZXJtYW4gTWVsdmlsbGU=", "StdEncoding", MOBY, ""),
    ("TU9CWS1ESUNLOwoKb3IsIFRIRSBXSEFMRS4KCgpCeSBIZXJtYW4gTWVsdmlsbGU=", "URLEncoding", MOBY, ""),
    # a string that needs no padding can't have it
    ("cGFk", "StdEncoding", "pad", ""),
    ("cGFk=", "StdEncoding", "pad", "input byte 4"),
    ("cGFk==", "StdEncoding", "pad", "input byte 4"),
    ("cGFk===", "StdEncoding", "pad", "input byte 4"),
    ("cGFk====", "StdEncoding", "pad", "input byte 4"),
    # padding must be correct or absent
    ("bm9wYWQ=", "StdEncoding", "nopad", ""),
    ("bm9wYWQ", "StdEncoding", "nopad", ""),
    ("bm9wYWQ==", "StdEncoding", "nopad", "illegal"),
    ("YWJjMTIzIT8kKiYoKSctPUB+", "StdEncoding", SPECIALS, ""),
    ("YWJjMTIzIT8kKiYoKSctPUB-", "URLEncoding", SPECIALS, ""),
    ("YWJjMTIzIT8kKiYoKSctPUB+", "URLEncoding", "", "input byte 23"),
    ("YWJjMTIzIT8kKiYoKSctPUB-", "StdEncoding", "", "input byte 23"),
    # extra ='s and whitespace
    ("", "StdEncoding", "", ""),
    ("", "URLEncoding", "", ""),
    ("=", "StdEncoding", "", "byte 0"),
    ("=", "URLEncoding", "", "byte 0"),
    (" ", "StdEncoding", "", "byte 0"),
    (" ", "URLEncoding", "", "byte 0"),
    ("\t", "StdEncoding", "", "byte 0"),
    ("\t", "URLEncoding", "", "byte 0"),
    ("\r", "StdEncoding", "", ""),
    ("\r", "URLEncoding", "", ""),
    ("\n", "StdEncoding", "", ""),
    ("\n", "URLEncoding", "", ""),
    ("YWJjMTIzIT8kKiYoKSctPUB+\n", "StdEncoding", SPECIALS, ""),
    ("YWJjMTIzIT8kKiYoKSctPUB-\n", "URLEncoding", SPECIALS, ""),
    ("YWJjMTIzIT8kK\riYoKSctPUB+\n", "StdEncoding", SPECIALS, ""),
    ("YWJjMTIzIT8kK\riYoKSctPUB-\n", "URLEncoding", SPECIALS, ""),
    ("\n\rYWJjMTIzIT8\rkKiYoKSctPUB+\n", "StdEncoding", SPECIALS, ""),
    ("\n\rYWJjMTIzIT8\rkKiYoKSctPUB-\n", "URLEncoding", SPECIALS, ""),
    # padding and extra legal whitespace
    ("SQ==", "StdEncoding", "I", ""),
    ("SQ==", "URLEncoding", "I", ""),
    ("\rS\r\nQ=\n=\r\r\n", "StdEncoding", "I", ""),
    ("\rS\r\nQ=\n=\r\r\n", "URLEncoding", "I", ""),
    # if padding is there it must be correct, but it may be absent
    ("S=Q=", "StdEncoding", "", "byte 1"),
    ("S=Q=", "URLEncoding", "", "byte 1"),
    ("=SQ=", "StdEncoding", "", "byte 0"),
    ("=SQ=", "URLEncoding", "", "byte 0"),
    ("SQ", "StdEncoding", "I", ""),
    ("SQ", "URLEncoding", "I", ""),
    ("SQ=", "StdEncoding", "", "byte 3"),
    ("SQ=", "URLEncoding", "", "byte 3"),
    ("SQ===", "StdEncoding", "", "byte 4"),
    ("SQ===", "URLEncoding", "", "byte 4"),
    # strict: the unused bits of the last letter must be zero
    ("WQ==", "StdEncoding", "Y", ""),
    ("WR==", "StdEncoding", "Y", "byte 2"),
]


@pytest.mark.parametrize(("encoded", "encoding", "decoded", "error"), GO_CASES)
def test_go_cases(encoded: str, encoding: str, decoded: str, error: str) -> None:
    if not error:
        assert base64_decode(encoding, encoded.encode()) == decoded.encode()
        return
    with pytest.raises(LogicError) as caught:
        base64_decode(encoding, encoded.encode())
    assert error in caught.value.reason
    assert caught.value.reason.startswith("illegal base64 data at input byte ")


@pytest.mark.parametrize(
    ("encoded", "offset"),
    [
        ("cGFk=", 4),  # padding where none is due
        ("SQ=", 3),  # "==" expected, the input ends
        ("SQ=x", 2),  # not ending in "=", so unpadded: "=" is no letter
        ("SQ==S", 2),
        ("SQ==SQ==", 4),  # data after the padding
        ("SQ==\n\nx==", 6),  # ... newlines aside
        ("S", 0),  # one letter alone is never a byte
        ("WR", 0),  # unpadded, strict bits checked too
        ("YWJ=\n\n", 5),  # strict bits reported after the trailing newlines
        ("YWJ", 2),
        ("YW\nJ", 3),
    ],
)
def test_offsets_are_gos(encoded: str, offset: int) -> None:
    with pytest.raises(LogicError) as caught:
        base64_decode("StdEncoding", encoded.encode())
    assert caught.value.reason == f"illegal base64 data at input byte {offset}"


def test_unpadded_and_padded_forms_agree() -> None:
    assert base64_decode("StdEncoding", b"YWI") == b"ab"
    assert base64_decode("StdEncoding", b"YWI=") == b"ab"
    assert base64_decode("URLEncoding", b"_-8") == b"\xff\xef"
    assert base64_decode(Base64Encoding.URLEncoding, b"_-8=") == b"\xff\xef"
    assert base64_decode(1, b"/+8=") == b"\xff\xef"


@given(st.binary(max_size=200), st.booleans(), st.booleans())
def test_round_trips_with_pythons_encoder(data: bytes, url: bool, strip: bool) -> None:
    encoded = base64.urlsafe_b64encode(data) if url else base64.b64encode(data)
    if strip:
        encoded = encoded.rstrip(b"=")
    encoding = "URLEncoding" if url else "StdEncoding"
    assert base64_decode(encoding, encoded) == data
    assert base64_decode(encoding, b"\r\n".join(encoded[i : i + 7] for i in range(0, 300, 7))) == (
        data
    )


def test_the_assembler_reads_base64_with_the_same_decoder_but_not_strictly() -> None:
    # "YR==" sets bits past the last byte: the opcode (strict) refuses what TEAL literals accept
    with pytest.raises(LogicError, match="illegal base64 data at input byte 2"):
        base64_decode("StdEncoding", b"YR==")
    assert go_base64_decode(b"YR==") == b"a"
    assert assemble("#pragma version 8\nbyte base64 YR==").bytecode.endswith(b"\x01a")
    with pytest.raises(CorruptInputError) as info:
        go_base64_decode(b"YR=", padded=True)
    assert info.value.offset == 3
