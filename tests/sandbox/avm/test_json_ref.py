"""json_ref against go-algorand's expectations (jsonspec_test.go, TestOpJSONRef, jsonspec.md)."""

from __future__ import annotations

import pytest

from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.json_ref import JsonRefType, json_ref

PARSE = "error while parsing JSON text, invalid json text"
NOT_OBJECT = PARSE + ", only json object is allowed"
DUPLICATE = PARSE + ", duplicate keys not allowed"


def parses(text: bytes) -> bool:
    """Whether the whole-text pass accepts `text` (a missing key is then the only error)."""
    try:
        json_ref(text, b"\x00no such key", JsonRefType.JSONObject)
    except LogicError as e:
        return e.reason.startswith("key ")
    raise AssertionError("the probe key was found")


def error_of(text: bytes, key: bytes, kind: str) -> str:
    with pytest.raises(LogicError) as caught:
        json_ref(text, key, kind)
    return caught.value.reason


# --- whole-text parse (jsonspec_test.go) -----------------------------------------------------

ACCEPTED = [
    b'{"key0": 4160}',
    b'{"key0": "algo"}',
    b'{"key0": [[1,2,3],[4,5,6]], "key1":{"key10":{"key100":"algo"}}}',
    b'{"key0": [\t]\n\r}',
    b'{"key0": null}',
    b'{"key0": true}',
    b'{"key0": false}',
    b'{"key0":0}',
    b'{"key0":123456789}',
    b'{"key0":18446744073709551615}',
    b'{"key0":[1\n]}',
    b'{"key0": [[1]]}',
    b'{"": 1}',
    b'{"": "algo"}',
    b'{"\\u0061": 1}',
    b'{"key0": 1,"key1": {"key2":2,"key2":"10"}}',  # nested duplicates are accepted
    b'{"keys.1": 1}',
    '{"key0": "πζθ"}'.encode(),
    b'{"key0": "ab\xffcd"}',  # raw invalid UTF-8 parses
    b'{"key0": "\\uD801\\udc37"}',
    b'{"key0": "\\uD800\\uD800n"}',
    *(b'{"key0":"\\u%04X"}' % i for i in range(0x20)),  # escaped control characters
    b'{"key0": "\\u0000"}',
    b'{"maxUint64": 18446744073709551616, "smallUint64": 0}',
]

REJECTED = [
    *(b'{"key0": 4160' + b"," * n + b"}" for n in range(1, 11)),
    *(b'{"key0": "algo"' + b"," * n + b"}" for n in range(1, 11)),
    b'{"key0": /*comment*/"algo"}',
    b'{"key0": [1,/*comment*/,3]}',
    b'{"key0": ["algo"}',
    b'{"key0": ["algo"]]}',
    b'{"key0": ["algo"],"key1":{}',
    b'{"key0": ["algo"],"key1":{{}',
    b'{"key0": [1,}]}',
    b"",
    b'{"key0": [\f]}',
    b'{"key0": NaN}',
    b'{"key0": +Inf}',
    b'{"key0": -Inf}',
    b'{"key0": 0x1}',
    b'{"key0": 0xFF}',
    b'{"key0": [,1,]}',
    b'{"key0": 1,"key0": 2}',
    b'{"key0":: 1}',
    b'{"key0":: "1"}',
    b"{\"key0\": 'algo'}",
    b"{1: 1}",
    '{"key0": 1}'.encode("utf-16-le"),
    '{"key0": 1}'.encode("utf-16-be"),
    '{"key0": 1}'.encode("utf-32-le"),
    '{"key0": 1}'.encode("utf-32-be"),
    b'\xef\xbb\xbf{"key0": 1}',  # a byte order mark
    b'{"key0": ["\\u00A"]}',
    b'{"key0": "\\"}',
    b'{"key0": """}',
    b'{"key0": "\\uFF"}',
    b'{"key0": FF}',
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_go_accepts(text: bytes) -> None:
    assert parses(text)


@pytest.mark.parametrize("text", REJECTED)
def test_go_rejects(text: bytes) -> None:
    assert not parses(text)


# --- TestOpJSONRef: values ---------------------------------------------------------------------

SAMPLE = (
    b'{"key0": 0,"key1": "algo","key2":{"key3": "teal", "key4": {"key40": 10}}, '
    b'"key5": 18446744073709551615 }'
)
WEBAUTHN = (
    b'{"rawId": "responseId","id": "0","response": {"attestationObject": '
    b'"based64url_encoded_buffer","clientDataJSON":  " based64url_encoded_client_data"},'
    b'"getClientExtensionResults": {},"type": "public-key"}'
)

ESCAPED_ALGO = b'"\\u0061\\u006C\\u0067\\u006F"'

VALUES = [
    (SAMPLE, [b"key0"], ["JSONUint64"], 0),
    (SAMPLE, [b"key5"], ["JSONUint64"], 18446744073709551615),
    (SAMPLE, [b"key1"], ["JSONString"], b"algo"),
    (SAMPLE.replace(b'"algo"', ESCAPED_ALGO), [b"key1"], ["JSONString"], b"algo"),
    (
        SAMPLE,
        [b"key2", b"key4", b"key40"],
        ["JSONObject", "JSONObject", "JSONUint64"],
        10,
    ),
    (SAMPLE, [b"key2", b"key3"], ["JSONObject", "JSONString"], b"teal"),
    (
        SAMPLE.replace(b'"teal"', b'"\\"teal\\""'),
        [b"key2", b"key3"],
        ["JSONObject", "JSONString"],
        b'"teal"',
    ),
    (
        SAMPLE.replace(b'"teal"', b'" teal "'),
        [b"key2", b"key3"],
        ["JSONObject", "JSONString"],
        b" teal ",
    ),
    (
        SAMPLE.replace(b'{"key40": 10}', b'{"key40": 10, "key40": "10"}'),
        [b"key2", b"key4"],
        ["JSONObject", "JSONObject"],
        b'{"key40": 10, "key40": "10"}',
    ),
    (
        WEBAUTHN,
        [b"response"],
        ["JSONObject"],
        b'{"attestationObject": "based64url_encoded_buffer","clientDataJSON":  '
        b'" based64url_encoded_client_data"}',
    ),
    (
        WEBAUTHN.replace(b"clientDataJSON", b"clientD\\u0061taJSON"),
        [b"response"],
        ["JSONObject"],
        b'{"attestationObject": "based64url_encoded_buffer","clientD\\u0061taJSON":  '
        b'" based64url_encoded_client_data"}',
    ),
    (
        WEBAUTHN,
        [b"response", b"clientDataJSON"],
        ["JSONObject", "JSONString"],
        b" based64url_encoded_client_data",
    ),
    (
        WEBAUTHN.replace(b'"rawId"', b'"\\u0072\\u0061\\u0077\\u0049\\u0044"'),
        [b"rawID"],
        ["JSONString"],
        b"responseId",
    ),
    (b'{"maxSafeInt": 9007199254740991}', [b"maxSafeInt"], ["JSONUint64"], 9007199254740991),
    (b'{"maxUint64": 18446744073709551615}', [b"maxUint64"], ["JSONUint64"], 2**64 - 1),
    (b'{"maxUint64": 18446744073709551616, "smallUint64": 0}', [b"smallUint64"], ["JSONUint64"], 0),
]


@pytest.mark.parametrize(("text", "keys", "kinds", "expected"), VALUES)
def test_go_values(text: bytes, keys: list[bytes], kinds: list[str], expected: bytes | int) -> None:
    value: bytes | int = text
    for key, kind in zip(keys, kinds, strict=True):
        assert isinstance(value, bytes)
        value = json_ref(value, key, kind)
    assert value == expected


# --- TestOpJSONRef: failures -------------------------------------------------------------------

MAP = "map[string]json.RawMessage"
NUMBERS = b'{"key0": 1.0,"key1": 2.5,"key2": -3}'


def cannot(value: str, into: str) -> str:
    return f"json: cannot unmarshal {value} into Go value of type {into}"


FAILURES = [
    (b'{"key0": 1 }', b"key0", "JSONString", cannot("number", "string")),
    (b'{"key0": [1] }', b"key0", "JSONString", cannot("array", "string")),
    (b'{"key0": {"key1":1} }', b"key0", "JSONString", cannot("object", "string")),
    (b'{"key0": "1" }', b"key0", "JSONUint64", cannot("string", "uint64")),
    (b'{"key0": ["1"] }', b"key0", "JSONUint64", cannot("array", "uint64")),
    (b'{"key0": {"key1":1} }', b"key0", "JSONUint64", cannot("object", "uint64")),
    (b'{"key0": [1]}', b"key0", "JSONObject", cannot("array", MAP)),
    (b'{"key0": 1}', b"key0", "JSONObject", cannot("number", MAP)),
    (b'{"key0": true }', b"key0", "JSONString", cannot("bool", "string")),
    (b'{"key0": false }', b"key0", "JSONUint64", cannot("bool", "uint64")),
    (b'{"key0": true }', b"key0", "JSONObject", cannot("bool", MAP)),
    (b'{"key0": null }', b"key0", "JSONString", "unexpected end of JSON input"),
    (b'{"key0": null }', b"key0", "JSONUint64", "unexpected end of JSON input"),
    (b'{"key0": null }', b"key0", "JSONObject", "unexpected end of JSON input"),
    (b'{"key0": "1"}', b"key0", "JSONObject", cannot("string", MAP)),
    (
        b'{"key0": 1,"key1": "algo","key2":{"key3": "teal", "key4": [1,2,3]} }',
        b"key3",
        "JSONString",
        "key key3 not found in JSON text",
    ),
    (b'{"key0": -0,"key1": 2.5,"key2": -3}', b"key0", "JSONUint64", cannot("number -0", "uint64")),
    (b'{"key0": 1e10,"key1": 2.5}', b"key0", "JSONUint64", cannot("number 1e10", "uint64")),
    (b'{"key0": 0.2e-2,"key1": 2.5}', b"key0", "JSONUint64", cannot("number 0.2e-2", "uint64")),
    (NUMBERS, b"key0", "JSONUint64", cannot("number 1.0", "uint64")),
    (NUMBERS, b"key1", "JSONUint64", cannot("number 2.5", "uint64")),
    (NUMBERS, b"key2", "JSONUint64", cannot("number -3", "uint64")),
    (
        b'{"key0": 18446744073709551616}',
        b"key0",
        "JSONUint64",
        cannot("number 18446744073709551616", "uint64"),
    ),
    (b'{"key0": 1,}', b"key0", "JSONString", PARSE),
    (b'{"key0": 1, "key0": "3"}', b"key0", "JSONString", DUPLICATE),
    (b"[1,2,3]", b"key", "JSONUint64", NOT_OBJECT),
    (b"2", b"key", "JSONUint64", NOT_OBJECT),
    (b"null", b"key", "JSONUint64", NOT_OBJECT),
    (b"true", b"key", "JSONUint64", NOT_OBJECT),
    (b'"sometext"', b"key", "JSONUint64", NOT_OBJECT),
    (b'{noquotes: "shouldn\'t work"}', b"noquotes", "JSONString", PARSE),
]


@pytest.mark.parametrize(("text", "key", "kind", "reason"), FAILURES)
def test_go_failures(text: bytes, key: bytes, kind: str, reason: str) -> None:
    assert error_of(text, key, kind) == reason


def test_nested_missing_key_and_nested_duplicate() -> None:
    outer = b'{"key0": 1,"key1": "algo","key2":{"key3": "teal", "key4": [1,2,3]}}'
    inner = json_ref(outer, b"key2", "JSONObject")
    assert isinstance(inner, bytes)
    assert error_of(inner, b"key5", "JSONString") == "key key5 not found in JSON text"
    # A nested duplicate passes the outer parse, and fails once that object is itself read.
    dup = b'{"key0": 0,"key2":{"key4": {"key40": 10, "key40": "should fail!"}}}'
    key2 = json_ref(dup, b"key2", "JSONObject")
    assert isinstance(key2, bytes)
    key4 = json_ref(key2, b"key4", "JSONObject")
    assert isinstance(key4, bytes)
    assert error_of(key4, b"key40", "JSONString") == DUPLICATE


# --- jsonspec.md: what each pass enforces --------------------------------------------------------


def test_values_elsewhere_are_only_loosely_checked() -> None:
    """go-codec lets through what encoding/json would refuse, while nobody asks for it."""
    loose = (
        b'{"n": 01, "p": +1, "m": -, "d": 5., "c": "\x01", "q": "\\\'", "u": "\\uZZZZ", "ok": 7}'
    )
    assert json_ref(loose, b"ok", "JSONUint64") == 7
    assert error_of(loose, b"n", "JSONUint64") == "invalid character '1' after top-level value"
    assert error_of(loose, b"p", "JSONUint64") == (
        "invalid character '+' looking for beginning of value"
    )
    assert error_of(loose, b"m", "JSONUint64") == "invalid character ' ' in numeric literal"
    assert error_of(loose, b"d", "JSONUint64") == (
        "invalid character ' ' after decimal point in numeric literal"
    )
    assert error_of(loose, b"c", "JSONString") == "invalid character '\\x01' in string literal"
    assert error_of(loose, b"q", "JSONString") == "invalid character '\\'' in string escape code"
    assert error_of(loose, b"u", "JSONString") == (
        "invalid character 'Z' in \\u hexadecimal character escape"
    )


def test_an_extracted_object_is_checked_strictly_throughout() -> None:
    text = b'{"o": {"a": 1, "b": 01}}'
    assert error_of(text, b"o", "JSONObject") == "invalid character '1' after object key:value pair"
    assert error_of(b'{"o": {1: 2}}', b"o", "JSONObject") == (
        "invalid character '1' looking for beginning of object key string"
    )


def test_strings_decode_as_go_decodes_them() -> None:
    text = (
        b'{"pair": "\\uD801\\udc37", "lone": "\\uD800\\uD800n", "raw": "ab\xffcd",'
        b' "cut": "\xe2\x82", "esc": "\\b\\f\\n\\r\\t\\/\\\\\\"", "utf8": "\xcf\x80"}'
    )
    assert json_ref(text, b"pair", "JSONString") == "\U00010437".encode()
    assert json_ref(text, b"lone", "JSONString") == "\ufffd\ufffdn".encode()
    assert json_ref(text, b"raw", "JSONString") == "ab\ufffdcd".encode()
    assert json_ref(text, b"cut", "JSONString") == "\ufffd\ufffd".encode()  # Go: one per byte
    assert json_ref(text, b"esc", "JSONString") == b'\b\f\n\r\t/\\"'
    assert json_ref(text, b"utf8", "JSONString") == "π".encode()


def test_null_values_and_repeated_keys() -> None:
    # algod stores null as no value, without checking whether the key was already there.
    assert error_of(b'{"a": 1, "a": null}', b"a", "JSONUint64") == "unexpected end of JSON input"
    assert error_of(b'{"a": null, "a": 1}', b"a", "JSONUint64") == DUPLICATE
    assert error_of(b'{"a": 1, "\\u0061": 2}', b"a", "JSONUint64") == DUPLICATE


def test_keys_are_compared_as_go_codec_decodes_them() -> None:
    assert json_ref(b'{"\\u00e9": 1}', "é".encode(), "JSONUint64") == 1
    assert json_ref(b'{"a\xffb": 1}', b"a\xffb", "JSONUint64") == 1  # raw bytes kept as is
    assert json_ref(b'{"\\uZZZZx": 1}', "\ufffdx".encode(), "JSONUint64") == 1
    # go-codec drops the low half of an escaped surrogate pair in a key.
    assert json_ref(b'{"\\uD801\\uDC37": 1}', "\ufffd".encode(), "JSONUint64") == 1
    assert error_of(b'{"\\uD801\\uDC37": 1}', "\U00010437".encode(), "JSONUint64") == (
        "key \U00010437 not found in JSON text"
    )


def test_go_codec_reading_quirks() -> None:
    # After the closing brace nothing more is read.
    assert json_ref(b'{"a": 1}} trailing', b"a", "JSONUint64") == 1
    # A `\u` escape takes four bytes even when one is the closing quote: the string goes on.
    assert json_ref(b'{"a": "\\u123"}", "b": 2}', b"b", "JSONUint64") == 2
    assert not parses(b'{"a": "\\u12"}", "b": 2}')  # three bytes: go-codec fails
    # Numbers Go cannot read as a float fail the whole text.
    assert not parses(b'{"a": 1e400}')
    assert not parses(b'{"a": 1.2.3}')
    assert parses(b'{"a": 1e-400, "b": .5, "c": -}')
    # Non-string keys parse, and then fail.
    assert error_of(b'{"a": 1, 2: 3}', b"a", "JSONUint64") == PARSE
    assert error_of(b'{"a": 1, true: 3}', b"a", "JSONUint64") == PARSE
    assert error_of(b'{"a": 1, [2]: 3}', b"a", "JSONUint64") == PARSE


def test_top_level_shapes() -> None:
    assert error_of(b"  ", b"a", "JSONString") == PARSE
    assert error_of(b"nul", b"a", "JSONString") == PARSE
    assert error_of(b"null garbage", b"a", "JSONString") == NOT_OBJECT
    assert error_of(b" x", b"a", "JSONString") == NOT_OBJECT
    assert error_of(b"{}", b"a", "JSONString") == "key a not found in JSON text"
    assert error_of(b"{]", b"a", "JSONString") == PARSE


def test_nesting_limit() -> None:
    deep = 1022
    ok = b'{"a": ' + b"[" * deep + b"]" * deep + b', "b": 1}'
    assert json_ref(ok, b"b", "JSONUint64") == 1
    too_deep = b'{"a": ' + b"[" * (deep + 1) + b"]" * (deep + 1) + b', "b": 1}'
    assert error_of(too_deep, b"b", "JSONUint64") == PARSE


def test_kind_by_code() -> None:
    assert json_ref(b'{"a": 5}', b"a", JsonRefType(1)) == 5
    assert json_ref(b'{"a": 5}', b"a", 1) == 5


def test_nul_bytes_as_go_codec_reads_them() -> None:
    """go-codec takes a NUL token for "no token yet" and reads on, but not everywhere."""
    assert json_ref(b'{"a":\x001}', b"a", "JSONUint64") == 1
    assert not parses(b'{"a":1\x00}')
    assert json_ref(b'{"a":1\x00, "b": 2}', b"b", "JSONUint64") == 2
    assert not parses(b'{"a":1\x00\x00, "b": 2}')
    assert json_ref(b'\x00{"a": 1}', b"a", "JSONUint64") == 1
    assert error_of(b'\x00{"a": 1}', b"b", "JSONUint64") == (
        "error while parsing JSON text, invalid character '\\x00' looking for beginning of value"
    )
    # A NUL hides `null` from the null check: encoding/json then leaves the zero value.
    nul_null = b'{"a": \x00null}'
    assert json_ref(nul_null, b"a", "JSONString") == b""
    assert json_ref(nul_null, b"a", "JSONUint64") == 0
    assert json_ref(nul_null, b"a", "JSONObject") == b"null"
    assert error_of(b'{"a": \x00\x000}', b"a", "JSONUint64") == (
        "invalid character '\\x00' looking for beginning of value"
    )
