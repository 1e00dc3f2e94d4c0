"""Errors raised by the rules package."""

from __future__ import annotations


class InvalidFacts(ValueError):
    """The incident facts do not meet the contract; ``field`` names the offending field."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class RulesEngineError(RuntimeError):
    """The rules engine failed or produced an incomplete or contradictory decision."""
