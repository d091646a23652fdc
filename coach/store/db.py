"""The session store: SQLite (standard library) in the user data directory.

Durability and concurrency, and why:

- WAL mode with ``synchronous=FULL``: every committed turn survives a ``kill -9``
  and a power cut, and readers (``coach history`` in another terminal) never
  block the writer.
- Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken
  up front, so two processes never deadlock upgrading a read lock, and a
  session row and its new turns are committed together or not at all.
- A busy timeout waits for another process's transaction; a write that still
  finds the database locked is retried with backoff for a while.
- Each session has a ``revision``; a save from a process that loaded an older
  revision is refused, so two processes resuming the same session cannot
  overwrite each other's answers.
- A file that is not a readable database is never written to: the error names
  it and :meth:`SessionStore.move_aside` renames it so a fresh store can start.

Transcripts are imported lazily: listing sessions never imports pydantic.
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coach import paths
from coach.store import schema
from coach.store.errors import (
    CorruptStoreError,
    SessionConflictError,
    StoreError,
    StoreWriteError,
    UnknownSessionError,
)
from coach.store.records import (
    STATUSES,
    ScenarioStats,
    SessionSummary,
    Status,
)

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript, Turn

T = TypeVar("T")

#: The database file inside the data directory.
FILENAME = "sessions.db"
#: Seconds SQLite itself waits for another process's lock (the busy timeout).
BUSY_TIMEOUT = 5.0
#: Seconds a write keeps retrying when the database is still locked after that.
LOCK_PATIENCE = 20.0
#: Session ids: short and typeable; no 0/o, 1/l/i to misread.
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ID_LENGTH = 6

_SUMMARY_COLUMNS = (
    "id, scenario_id, scenario_title, role, started_at, ended_at, status, overall, "
    "answers, updated_at, brief_name"
)


class SessionStore:
    """Stored sessions. Open with :meth:`open`; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        #: session id -> (revision, turns stored) as last read or written here.
        self._known: dict[str, tuple[int, int]] = {}

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> SessionStore:
        """The store in ``data_dir``, else ``COACH_DATA_DIR``, else the user data dir."""
        directory = paths.data_dir(data_dir)
        if directory.exists() and not directory.is_dir():
            raise StoreError(
                f"the data directory {directory} is a file, not a directory; "
                "choose another with --data-dir or COACH_DATA_DIR",
                directory,
            )
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            # The OS says "Not a directory" or "File exists": name the file in the way.
            blocker = next((p for p in directory.parents if p.is_file()), None)
            reason = f"{blocker} is a file" if blocker else error.strerror or str(error)
            raise StoreError(
                f"cannot create the data directory {directory}: {reason}; "
                "choose another with --data-dir or COACH_DATA_DIR",
                directory,
            ) from error
        if not directory.is_dir():
            raise StoreError(
                f"the data directory {directory} is not a directory; "
                "choose another with --data-dir or COACH_DATA_DIR",
                directory,
            )
        return cls.open_path(directory / FILENAME)

    @classmethod
    def open_path(cls, path: str | Path) -> SessionStore:
        """Open (creating or upgrading) the database file at ``path``."""
        path = Path(path)
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file", path)
        try:
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise _translate(error, path, "open the session store") from error
        store = cls(conn, path)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        conn = self._conn
        try:
            # Reading the header first: a file that is not a database fails here,
            # before anything could write to it.
            version = schema.user_version(conn)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            raise _translate(error, self.path, "open the session store") from error
        if version > schema.SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer coach (schema {version}, this coach "
                f"knows up to {schema.SCHEMA_VERSION}); upgrade coach, or use another "
                "--data-dir",
                self.path,
            )
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as error:
            raise _translate(error, self.path, "open the session store") from error
        if version == schema.SCHEMA_VERSION:
            # Already current. WAL mode is persistent in the file, so this is
            # normally a read; it writes only for a file copied in from elsewhere.
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                self._retry_locked(
                    "prepare the session store", lambda: conn.execute("PRAGMA journal_mode = WAL")
                )
            return
        if version >= 1:
            self._backup(version)

        def upgrade() -> None:
            conn.execute("PRAGMA journal_mode = WAL")
            schema.migrate(conn)

        self._retry_locked("prepare the session store", upgrade)

    def _backup(self, version: int) -> None:
        """Keep a copy of an old-schema database before upgrading it."""
        target = self.path.with_name(f"{self.path.name}.v{version}-backup")
        if target.exists():
            return
        try:
            backup = sqlite3.connect(str(target))
            try:
                self._conn.backup(backup)
            finally:
                backup.close()
        except sqlite3.Error as error:
            raise _translate(error, target, "back up the session store before upgrading") from error

    # -- corrupt files -------------------------------------------------------

    @staticmethod
    def move_aside(path: str | Path) -> Path:
        """Rename a corrupt database (and its -wal/-shm files) to
        ``<name>.corrupt-<timestamp>`` and return the new path. Never deletes."""
        path = Path(path)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            path.rename(target)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.rename(target.with_name(target.name + suffix))
        except OSError as error:
            raise StoreError(
                f"cannot move {path} aside: {error.strerror or error}; move or rename it by hand",
                path,
            ) from error
        return target

    @classmethod
    def reset_corrupt(cls, data_dir: str | Path | None = None) -> Path | None:
        """If the store in ``data_dir`` is corrupt, move it aside and return where
        it went; return ``None`` if it is healthy (nothing is touched then)."""
        path = paths.data_dir(data_dir) / FILENAME
        if not path.exists():
            return None
        try:
            store = cls.open_path(path)
        except CorruptStoreError:
            return cls.move_aside(path)
        try:
            problems = store.check()
        except CorruptStoreError:
            problems = ["unreadable"]
        finally:
            store.close()
        return cls.move_aside(path) if problems else None

    def check(self) -> list[str]:
        """SQLite's own consistency check; an empty list when healthy."""
        rows = self._read(
            "check the session store", lambda c: c.execute("PRAGMA quick_check").fetchall()
        )
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    # -- writing -------------------------------------------------------------

    def create(self, transcript: Transcript) -> str:
        """Store a new session; return its id."""
        values = _session_values(transcript)
        turns = [_turn_row(i, t) for i, t in enumerate(transcript.turns)]

        def write(conn: sqlite3.Connection) -> str:
            session_id = _new_id()
            while conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                session_id = _new_id()
            conn.execute(
                "INSERT INTO sessions (id, scenario_id, scenario_title, role, started_at, "
                "ended_at, status, overall, transcript_version, state, answers, updated_at, "
                "brief_name, revision) VALUES (:id, :scenario_id, :scenario_title, :role, "
                ":started_at, :ended_at, :status, :overall, :transcript_version, :state, "
                ":answers, :updated_at, :brief_name, 1)",
                {**values, "id": session_id},
            )
            conn.executemany(
                "INSERT INTO turns (session_id, seq, speaker, node, data) VALUES (?, ?, ?, ?, ?)",
                [(session_id, *row) for row in turns],
            )
            return session_id

        session_id = self._write("save the session", write)
        self._known[session_id] = (1, len(turns))
        return session_id

    def save(self, session_id: str, transcript: Transcript) -> None:
        """Autosave: one transaction that appends the turns not yet stored and
        updates the session's state. Refused if another process saved it since."""
        known = self._known.get(session_id)
        start = known[1] if known else 0
        values = _session_values(transcript)
        prepared = [_turn_row(i, t) for i, t in enumerate(transcript.turns[start:], start)]
        total = len(transcript.turns)

        def write(conn: sqlite3.Connection) -> tuple[int, int]:
            row = conn.execute(
                "SELECT revision, (SELECT coalesce(max(seq) + 1, 0) FROM turns "
                "WHERE session_id = ?) FROM sessions WHERE id = ?",
                (session_id, session_id),
            ).fetchone()
            if row is None:
                raise StoreWriteError(
                    f"cannot save session {session_id}: it is no longer in {self.path} "
                    "(deleted by another coach?); export it to keep it",
                    self.path,
                )
            revision, stored = int(row[0]), int(row[1])
            if (known is not None and revision != known[0]) or stored > total:
                raise SessionConflictError(
                    f"session {session_id} was saved by another coach process since it was "
                    f"opened here; nothing was overwritten: reopen it with "
                    f"`coach rehearse --resume {session_id}`",
                    self.path,
                )
            if stored >= start:
                new = prepared[stored - start :]
            else:
                new = [_turn_row(i, t) for i, t in enumerate(transcript.turns[stored:], stored)]
            conn.executemany(
                "INSERT INTO turns (session_id, seq, speaker, node, data) VALUES (?, ?, ?, ?, ?)",
                [(session_id, *r) for r in new],
            )
            conn.execute(
                "UPDATE sessions SET scenario_id = :scenario_id, "
                "scenario_title = :scenario_title, role = :role, started_at = :started_at, "
                "ended_at = :ended_at, status = :status, overall = :overall, "
                "transcript_version = :transcript_version, state = :state, "
                "answers = :answers, updated_at = :updated_at, brief_name = :brief_name, "
                "revision = revision + 1 "
                "WHERE id = :id",
                {**values, "id": session_id},
            )
            return revision + 1, total

        self._known[session_id] = self._write("save the session", write)

    def delete(self, session_id: str) -> None:
        """Delete a session and its turns."""

        def write(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount

        if not self._write("delete the session", write):
            raise self._unknown(session_id)
        self._known.pop(session_id, None)

    def import_transcript(self, transcript: Transcript) -> tuple[str, bool]:
        """Store an imported transcript: ``(id, True)``, or ``(id, False)`` when an
        identical session is already stored (importing twice adds nothing)."""
        for (candidate,) in self._read(
            "look for the session",
            lambda c: c.execute(
                "SELECT id FROM sessions WHERE scenario_id = ? AND started_at = ?",
                (transcript.scenario_id, _iso(transcript.started_at)),
            ).fetchall(),
        ):
            if self.get(candidate) == transcript:
                return candidate, False
        return self.create(transcript), True

    # -- reading -------------------------------------------------------------

    def get(self, session_id: str) -> Transcript:
        """The full transcript of a session; unknown ids name the closest ones."""
        from pydantic import ValidationError

        from coach.engine.transcript import TRANSCRIPT_VERSION, Transcript

        def read(conn: sqlite3.Connection) -> tuple[Any, list[Any]] | None:
            row = conn.execute(
                "SELECT state, revision FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return None
            turns = conn.execute(
                "SELECT data FROM turns WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
            return row, turns

        found = self._read("read the session", read)
        if found is None:
            raise self._unknown(session_id)
        (state, revision), turns = found
        try:
            data = json.loads(state)
            data["turns"] = [json.loads(t[0]) for t in turns]
        except (ValueError, TypeError) as error:
            raise StoreError(
                f"session {session_id} in {self.path} is damaged ({error}); "
                f"delete it with `coach delete {session_id}`",
                self.path,
            ) from error
        version = data.get("version")
        if isinstance(version, int) and version > TRANSCRIPT_VERSION:
            raise StoreError(
                f"session {session_id} was saved by a newer coach (transcript version "
                f"{version}, this coach reads up to {TRANSCRIPT_VERSION}); upgrade coach",
                self.path,
            )
        try:
            transcript = Transcript.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoreError(
                f"session {session_id} in {self.path} is damaged ({where}: {first['msg']}); "
                f"delete it with `coach delete {session_id}`",
                self.path,
            ) from error
        self._known[session_id] = (int(revision), len(turns))
        return transcript

    def summary(self, session_id: str) -> SessionSummary:
        rows = self._read(
            "read the session",
            lambda c: c.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchall(),
        )
        if not rows:
            raise self._unknown(session_id)
        return _summary(rows[0])

    def list(
        self,
        scenario: str | None = None,
        role: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[SessionSummary]:
        """Sessions, newest first, optionally filtered."""
        where: list[str] = []
        params: list[object] = []
        for column, value in (("scenario_id", scenario), ("role", role), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        rows = self._read("list sessions", lambda c: c.execute(sql, params).fetchall())
        return [_summary(row) for row in rows]

    def unfinished(self) -> builtins.list[SessionSummary]:
        """Sessions that can be resumed, most recently saved first."""
        rows = self._read(
            "list unfinished sessions",
            lambda c: c.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM sessions WHERE status = 'unfinished' "
                "ORDER BY updated_at DESC, started_at DESC"
            ).fetchall(),
        )
        return [_summary(row) for row in rows]

    def stats(self, trend_points: int | None = None) -> dict[str, ScenarioStats]:
        """Per scenario id: attempts (and how many rehearsed a brief), last and best
        finished score, and the trend
        (the last ``trend_points`` finished scores, or all of them). SQLite does
        the counting, so this stays fast with thousands of sessions."""
        limit = -1 if trend_points is None else max(1, trend_points)

        def read(conn: sqlite3.Connection) -> tuple[builtins.list[Any], builtins.list[Any]]:
            totals = conn.execute(
                "SELECT scenario_id, count(*), sum(status = 'finished'), "
                "max(CASE WHEN status = 'finished' THEN overall END), max(started_at), "
                "(SELECT scenario_title FROM sessions AS newest "
                " WHERE newest.scenario_id = sessions.scenario_id "
                " ORDER BY started_at DESC, id DESC LIMIT 1), "
                "count(brief_name) "
                "FROM sessions GROUP BY scenario_id"
            ).fetchall()
            trends = conn.execute(
                "SELECT scenario_id, overall, started_at FROM ("
                " SELECT scenario_id, overall, started_at, row_number() OVER ("
                "  PARTITION BY scenario_id ORDER BY started_at DESC, id DESC) AS recent"
                " FROM sessions WHERE status = 'finished')"
                " WHERE ? < 0 OR recent <= ? ORDER BY scenario_id, started_at, recent DESC",
                (limit, limit),
            ).fetchall()
            return totals, trends

        totals, trend_rows = self._read("read statistics", read)
        trends: dict[str, builtins.list[int]] = {}
        last_at: dict[str, str] = {}
        for scenario, overall, started in trend_rows:
            trends.setdefault(scenario, []).append(int(overall))
            last_at[scenario] = started
        out: dict[str, ScenarioStats] = {}
        for scenario, attempts, finished, best, latest, title, with_brief in totals:
            trend = trends.get(scenario, [])
            out[scenario] = ScenarioStats(
                scenario=scenario,
                attempts=int(attempts),
                finished=int(finished or 0),
                last=trend[-1] if trend else None,
                best=int(best) if best is not None else None,
                last_at=_parse(last_at[scenario]) if scenario in last_at else None,
                trend=trend,
                title=str(title),
                latest_at=_parse(latest),
                with_brief=int(with_brief),
            )
        return out

    def ids(self) -> builtins.list[str]:
        rows = self._read(
            "list sessions", lambda c: c.execute("SELECT id FROM sessions").fetchall()
        )
        return [str(r[0]) for r in rows]

    def close_ids(self, session_id: str, n: int = 3) -> builtins.list[str]:
        """The stored ids most like ``session_id`` (typos, prefixes)."""
        ids = self.ids()
        wanted = session_id.strip().lower()
        prefixed = sorted(i for i in ids if wanted and i.startswith(wanted))
        similar = difflib.get_close_matches(wanted, ids, n=n, cutoff=0.5)
        return list(dict.fromkeys([*prefixed, *similar]))[:n]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------

    def _unknown(self, session_id: str) -> UnknownSessionError:
        from coach.textsafe import strip_terminal

        shown = strip_terminal(session_id)[:40]
        close = self.close_ids(session_id)
        hint = f"did you mean {', '.join(close)}?" if close else "`coach history` lists them"
        return UnknownSessionError(
            f"no session {shown!r} in {self.path}; {hint}", session_id, close
        )

    def _write(self, action: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        return self._transaction(action, fn, "BEGIN IMMEDIATE")

    def _read(self, action: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        # A read transaction: the session row and its turns come from one snapshot.
        return self._transaction(action, fn, "BEGIN")

    def _transaction(self, action: str, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        def attempt() -> T:
            conn = self._conn
            conn.execute(begin)
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            return result

        with self._lock:
            return self._retry_locked(action, attempt)

    def _retry_locked(self, action: str, fn: Callable[[], T]) -> T:
        """Run ``fn``; while the database stays locked by another process, back
        off and retry until :data:`LOCK_PATIENCE` runs out."""
        deadline = time.monotonic() + LOCK_PATIENCE
        delay = 0.02
        while True:
            try:
                return fn()
            except sqlite3.Error as error:
                if _is_locked(error) and time.monotonic() + delay < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
                    continue
                raise _translate(error, self.path, action) from error


# -- helpers -----------------------------------------------------------------


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        # SQLite may already have rolled back by itself (e.g. after an I/O error).
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _is_locked(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    return "database is locked" in str(error) or "database table is locked" in str(error)


def _translate(error: sqlite3.Error, path: Path, action: str) -> StoreError:
    """A one-line message for a SQLite error: which file, what went wrong, what to do."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or any(
        s in text for s in ("not a database", "malformed", "file is encrypted")
    ):
        return CorruptStoreError(
            f"{path} is not a readable coach database ({text}); it was left untouched: "
            "move it aside and start fresh with `coach history --reset-corrupt`",
            path,
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        message = (
            f"cannot {action}: {path} is read-only; make it writable, or choose another "
            "place with --data-dir or COACH_DATA_DIR"
        )
    elif name == "SQLITE_FULL" or "disk is full" in text:
        message = f"cannot {action}: the disk holding {path} is full; free some space"
    elif name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        message = f"cannot {action}: disk I/O error on {path} (is the disk full or failing?)"
    elif name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        message = (
            f"cannot {action}: {path} cannot be opened; check that its directory exists "
            "and is writable, or choose another with --data-dir or COACH_DATA_DIR"
        )
    elif _is_locked(error):
        message = (
            f"cannot {action}: {path} stayed locked by another coach process for "
            f"{LOCK_PATIENCE:.0f} s; close the other coach and try again"
        )
    else:
        message = f"cannot {action} ({path}): {text}"
    return StoreWriteError(message, path)


def _new_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def _iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601, so the text columns sort chronologically."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dumps(value: object) -> str:
    """Compact JSON; non-ASCII kept as is unless the text holds lone surrogates
    (a broken paste), which UTF-8 cannot store: then escaped, still lossless."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def _session_values(t: Transcript) -> dict[str, object]:
    return {
        "scenario_id": t.scenario_id,
        "scenario_title": t.scenario_title,
        "role": t.role,
        "started_at": _iso(t.started_at),
        "ended_at": _iso(t.ended_at) if t.ended_at else None,
        "status": t.status,
        "overall": t.overall,
        "transcript_version": t.version,
        "state": dumps(t.model_dump(mode="json", exclude={"turns"})),
        "answers": sum(1 for turn in t.turns if turn.speaker == "user"),
        "updated_at": _iso(datetime.now(UTC)),
        "brief_name": t.brief_name,
    }


def _turn_row(seq: int, turn: Turn) -> tuple[int, str, str, str]:
    return seq, turn.speaker, turn.node, dumps(turn.model_dump(mode="json"))


def _summary(row: Sequence[Any]) -> SessionSummary:
    status = str(row[6])
    return SessionSummary(
        id=row[0],
        scenario=row[1],
        title=row[2],
        role=row[3],
        started_at=_parse(row[4]),
        ended_at=_parse(row[5]) if row[5] else None,
        status=_status(status),
        overall=int(row[7]),
        answers=int(row[8]),
        updated_at=_parse(row[9]) if row[9] else None,
        brief=row[10],
    )


def _status(value: str) -> Status:
    for status in STATUSES:
        if value == status:
            return status
    return "unfinished"
