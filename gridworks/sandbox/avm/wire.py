"""The AVM's bytecode number encodings: unsigned varints (LEB128), signed zigzag varints (v13's
branch offsets) and big-endian int16s."""

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


MAX_VARINT_BYTES = 10  # a 64-bit value takes at most ten 7-bit groups


def encode_varint(value: int) -> bytes:
    """A signed int64 as a zigzag varint: 0, -1, 1, -2 ... become 0, 1, 2, 3 ..., then LEB128."""
    if not -(2**63) <= value < 2**63:
        raise ValueError("a varint holds a signed 64-bit value")
    return encode_varuint((value << 1) ^ (value >> 63))


def decode_varint(data: bytes, offset: int) -> tuple[int, int]:
    """A zigzag varint at `offset`: (value, bytes read), with a count as Go's `binary.Varint`
    reports it: 0 when the data ends first, negative when the value overflows 64 bits."""
    value = 0
    shift = 0
    for i in range(len(data) - offset):
        if i == MAX_VARINT_BYTES:
            return 0, -(i + 1)
        byte = data[offset + i]
        if byte < 0x80:
            if i == MAX_VARINT_BYTES - 1 and byte > 1:
                return 0, -(i + 1)
            value |= byte << shift
            return (value >> 1) ^ -(value & 1), i + 1
        value |= (byte & 0x7F) << shift
        shift += 7
    return 0, 0
