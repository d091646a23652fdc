"""Store errors: one-line messages that name the file and say what to do.

Every error is a :class:`~coach.errors.CoachError`, so the CLI prints it as one
line. The subclasses let the TUI react: offer to move a corrupt file aside, or
keep the session in memory after a failed write.
"""

from __future__ import annotations

from pathlib import Path

from coach.errors import CoachError


class StoreError(CoachError):
    """The session store could not do what was asked."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class CorruptStoreError(StoreError):
    """The database file is not a readable SQLite database. It is never
    overwritten; :meth:`SessionStore.move_aside` renames it so a fresh one can start."""

    path: Path


class StoreWriteError(StoreError):
    """A write failed (read-only location, full disk, I/O error, locked too long).
    Nothing was half-written; the caller's in-memory session is untouched."""


class UnknownSessionError(StoreError):
    """No session has the given id."""

    def __init__(self, message: str, session_id: str, close: list[str]) -> None:
        super().__init__(message)
        self.session_id = session_id
        self.close = close


class SessionConflictError(StoreWriteError):
    """Another process saved the session since this one loaded it; saving now
    would overwrite its answers, so the save is refused."""
