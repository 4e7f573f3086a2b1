"""The AVM's bytecode number encodings: unsigned varints (LEB128) and big-endian int16s."""

from __future__ import annotations


def encode_varuint(value: int) -> bytes:
    if value < 0:
        raise ValueError("a varuint cannot be negative")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varuint(data: bytes, offset: int) -> tuple[int, int]:
    """(value, offset after it); raises ValueError when truncated or over 64 bits."""
    value = 0
    shift = 0
    while True:
        if offset >= len(data):
            raise ValueError("truncated varuint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            if value >= 2**64:
                raise ValueError("varuint over 64 bits")
            return value, offset
        shift += 7
        if shift > 63:
            raise ValueError("varuint over 64 bits")


def encode_int16(value: int) -> bytes:
    return value.to_bytes(2, "big", signed=True)


def decode_int16(data: bytes, offset: int) -> int:
    if offset + 2 > len(data):
        raise ValueError("truncated int16")
    return int.from_bytes(data[offset : offset + 2], "big", signed=True)
