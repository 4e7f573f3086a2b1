"""ARC-4 method signatures, checked as algod checks `method "..."` arguments.

A bad signature is only a warning (the ABI is not part of the protocol), but algod lists its
warnings with any errors, so we find the same problems. Type problems are worded by algosdk.
"""

from __future__ import annotations

from algosdk import abi

_REFERENCE_TYPES = {"account", "asset", "application"}
_TRANSACTION_TYPES = {"txn", "pay", "keyreg", "acfg", "axfer", "afrz", "appl"}


def _split_arguments(text: str) -> list[str]:
    if not text:
        return []
    if text.startswith(",") or text.endswith(","):
        raise ValueError("parsing error: tuple content should not start or end with comma")
    if ",," in text:
        raise ValueError("no consecutive commas")
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                raise ValueError(f"unpaired parentheses: {text}")
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth:
        raise ValueError(f"unpaired parentheses: {text}")
    parts.append(text[start:])
    return parts


def signature_problem(signature: str) -> str | None:
    """Why `signature` is not a valid ARC-4 method signature, or None if it is."""
    open_ = signature.find("(")
    if open_ == -1:
        return f'No parenthesis in method signature: "{signature}"'
    if open_ == 0:
        return f'Method signature has no name: "{signature}"'
    depth, close = 0, -1
    for i, ch in enumerate(signature):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return f'Unpaired parenthesis in method signature: "{signature}"'
            depth -= 1
            if depth == 0:
                close = i
                break
    if close == -1:
        return f'Unpaired parenthesis in method signature: "{signature}"'
    try:
        arguments = _split_arguments(signature[open_ + 1 : close])
    except ValueError as exc:
        return str(exc)
    for index, argument in enumerate(arguments):
        if argument in _REFERENCE_TYPES or argument in _TRANSACTION_TYPES:
            continue
        try:
            abi.ABIType.from_string(argument)
        except Exception as exc:  # algosdk raises several error types for bad type strings
            return f"Error parsing argument type at index {index}: {exc}"
    returns = signature[close + 1 :]
    if returns != "void":
        try:
            abi.ABIType.from_string(returns)
        except Exception as exc:
            return f"Error parsing return type: {exc}"
    return None
