"""Stored sessions: SQLite history, autosave and resume, and exports.

``SessionStore`` is the API the CLI and the TUI use; ``export`` turns a
transcript into Markdown, HTML or JSON (and reads JSON back); ``compare`` puts
two attempts side by side. No UI lives here.
"""

from coach.store.db import SessionStore
from coach.store.errors import (
    CorruptStoreError,
    SessionConflictError,
    StoreError,
    StoreWriteError,
    UnknownSessionError,
)
from coach.store.records import ScenarioStats, SessionSummary

__all__ = [
    "CorruptStoreError",
    "ScenarioStats",
    "SessionConflictError",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoreWriteError",
    "UnknownSessionError",
]
