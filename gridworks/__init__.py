"""Gridworks: transactive electric loads as trusted actors on Algorand."""

__version__ = "0.1.0"
