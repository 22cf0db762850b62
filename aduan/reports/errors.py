"""Lifecycle errors; each has a stable ``code`` and HTTP status for API clients."""

from __future__ import annotations


class TransitionError(Exception):
    """Base of lifecycle errors; ``code`` is stable for API clients."""

    code = "transition_error"
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(TransitionError):
    code = "not_permitted"
    status_code = 403


class InvalidState(TransitionError):
    code = "invalid_state"
    status_code = 409


class Conflict(TransitionError):
    code = "conflict"
    status_code = 409


class MissingInput(TransitionError):
    code = "invalid"
    status_code = 400
