"""The message types a receiver knows: (name, version) -> the pydantic model of the payload.

A verifier given a `MessageTypes` refuses types it does not know and payloads that do not fit
their model, before any chain read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=type[BaseModel])


class MessageTypes:
    """A registry of payload models by message type name and version."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[BaseModel]] = {}

    def register(self, name: str, version: int = 1) -> Callable[[M], M]:
        """Class decorator: `model` is the payload of message type `name` version `version`."""

        def add(model: M) -> M:
            key = (name, version)
            if key in self._models and self._models[key] is not model:
                raise ValueError(f"message type {name} v{version} is already registered")
            self._models[key] = model
            return model

        return add

    def model(self, name: str, version: int) -> type[BaseModel] | None:
        return self._models.get((name, version))

    def type_of(self, model: type[BaseModel]) -> tuple[str, int]:
        """The (name, version) `model` is registered under; `LookupError` if none."""
        for key, known in self._models.items():
            if known is model:
                return key
        raise LookupError(f"{model.__name__} is not a registered message type")

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(sorted(self._models))

    def __contains__(self, key: object) -> bool:
        return key in self._models
