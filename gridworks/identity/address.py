"""Algorand account addresses as a validated pydantic type."""

from __future__ import annotations

from typing import Annotated

from algosdk.encoding import decode_address, encode_address, is_valid_address
from pydantic import AfterValidator

from gridworks.identity.errors import AddressError


def check_algorand_address(value: str) -> str:
    """Return ``value`` if it is a valid Algorand address; else raise ``AddressError``."""
    if not is_valid_address(value):
        raise AddressError(
            f"{value!r} is not a valid Algorand address "
            "(58 base32 characters encoding a public key and its checksum)"
        )
    # The last of the 58 characters carries 2 unused bits: only the spelling with them zero
    # (the one algod and algosdk write) is the address; the 3 others would compare unequal.
    if encode_address(decode_address(value)) != value:
        raise AddressError(f"{value!r} is not the canonical spelling of an Algorand address")
    return value


AlgorandAddress = Annotated[str, AfterValidator(check_algorand_address)]
"""A ``str`` that ``algosdk.encoding.is_valid_address`` accepts, in its canonical spelling."""
