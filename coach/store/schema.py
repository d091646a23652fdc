"""The database schema and its migrations.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a
database from version ``n`` to ``n + 1`` (``MIGRATIONS[0]`` creates version 1
in an empty file), so every database, however old, upgrades step by step.
A shipped step never changes: a new schema is a new step at the end.

Each step runs in its own ``BEGIN IMMEDIATE`` transaction that re-reads the
version first, so two coach processes opening an old database at once apply
each step exactly once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _create_v1(conn: sqlite3.Connection) -> None:
    """Version 1, the first shipped schema: a row per session holding the
    transcript minus its turns (JSON), and a row per turn, so an autosave
    appends only the turns that are new."""
    conn.execute(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY NOT NULL,
            scenario_id TEXT NOT NULL,
            scenario_title TEXT NOT NULL,
            role TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('finished', 'unfinished', 'abandoned')),
            overall INTEGER NOT NULL,
            transcript_version INTEGER NOT NULL,
            state TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX sessions_by_start ON sessions (started_at)")
    conn.execute("CREATE INDEX sessions_by_scenario ON sessions (scenario_id, started_at)")
    conn.execute(
        """
        CREATE TABLE turns (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL CHECK (seq >= 0),
            speaker TEXT NOT NULL CHECK (speaker IN ('ceo', 'user')),
            node TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        )
        """
    )


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Version 2: ``revision`` counts saves, so a process that saves a session
    another process changed since it loaded it is refused instead of
    overwriting it; ``answers`` and ``updated_at`` let history list answer
    counts and the most recently touched unfinished session without reading
    turns."""
    conn.execute("ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE sessions ADD COLUMN answers INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE sessions ADD COLUMN updated_at TEXT")
    # Existing rows: count their answers; the last known activity is the end,
    # or else the start (v1 did not record save times).
    conn.execute(
        """
        UPDATE sessions SET
            answers = (SELECT count(*) FROM turns
                       WHERE turns.session_id = sessions.id AND turns.speaker = 'user'),
            revision = 1,
            updated_at = coalesce(ended_at, started_at)
        """
    )
    conn.execute("CREATE INDEX sessions_by_status ON sessions (status, updated_at)")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Version 3: ``brief_name`` names the incident brief a session rehearsed
    (NULL without one), so history can say "Your incident: NAME" rather than the
    scenario's title, which names another incident, without parsing every
    session's state. Existing rows take it from their stored state; the JSON is
    parsed here in Python rather than with SQLite's JSON functions, which a
    system SQLite may lack, and a row whose state does not parse is left NULL
    (reading that session reports the damage)."""
    conn.execute("ALTER TABLE sessions ADD COLUMN brief_name TEXT")
    names = []
    for session_id, state in conn.execute("SELECT id, state FROM sessions"):
        try:
            name = json.loads(state).get("brief_name")
        except (ValueError, TypeError, AttributeError):
            continue
        if isinstance(name, str):
            names.append((name, session_id))
    conn.executemany("UPDATE sessions SET brief_name = ? WHERE id = ?", names)


MIGRATIONS: tuple[Migration, ...] = (_create_v1, _v1_to_v2, _v2_to_v3)

#: The version this coach writes.
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring the database up to ``target``; return the versions reached (empty
    if it was already there). ``conn`` must be in autocommit mode
    (``isolation_level=None``); the caller checks for a too-new version first."""
    reached: list[int] = []
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = user_version(conn)  # re-read under the write lock
            if version >= target:
                conn.execute("COMMIT")
                return reached
            MIGRATIONS[version](conn)
            # PRAGMA cannot take a parameter; the value is our own integer.
            conn.execute(f"PRAGMA user_version = {version + 1:d}")
            conn.execute("COMMIT")
            reached.append(version + 1)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
