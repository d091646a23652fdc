"""The app's links to the core: the scenario catalog and the session store.

No Textual here and no decisions: this module only loads what the core offers
and turns its failures into one-line notices, so the app keeps running when a
scenario file is broken or the store cannot be opened.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript
    from coach.scenario.model import Scenario
    from coach.store import ScenarioStats, SessionStore, SessionSummary

#: How many broken-file diagnostics a notice lists before pointing at `coach validate`.
NOTICE_DIAGNOSTICS = 4


@dataclass
class Catalog:
    """The scenarios the user can rehearse, and what was wrong with the rest."""

    scenarios: list[Scenario] = field(default_factory=list)
    #: ``path:line:col: CODE message`` for each problem in a file that was left out.
    problems: list[str] = field(default_factory=list)
    #: Files with problems, for the notice's ``coach validate`` hint.
    broken_files: list[str] = field(default_factory=list)

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def roles(self) -> list[str]:
        return sorted({s.role for s in self.scenarios})

    def notice(self) -> str | None:
        """The text of the broken-files notice, or ``None`` when every file loaded."""
        if not self.problems:
            return None
        shown = self.problems[:NOTICE_DIAGNOSTICS]
        rest = len(self.problems) - len(shown)
        lines = list(shown)
        if rest:
            lines.append(f"… and {rest} more")
        files = " ".join(dict.fromkeys(self.broken_files)) or "the scenario directory"
        lines.append(f"Fix the file, or run `coach validate {files}` for the full list.")
        return "\n".join(lines)


def load_catalog(extra_dirs: list[str]) -> Catalog:
    """Every loadable scenario, in role and title order; broken files become problems.

    This imports pydantic and YAML, so the app calls it in a worker after Home
    has painted.
    """
    from coach.scenario.library import discover

    library = discover(extra_dirs)
    entries = sorted(library.entries, key=lambda e: (e.role, e.title.lower(), e.id))
    problems = [d.format() for d in library.diagnostics if d.is_error]
    return Catalog(
        scenarios=[e.scenario for e in entries],
        problems=problems,
        broken_files=library.broken_files,
    )


class StoreHandle:
    """The session store, opened on first use; ``None`` (with a reason) when unavailable.

    A store that cannot be imported or opened, or a write that fails, never stops a
    rehearsal: the session stays in memory and the app shows :attr:`problem`.
    """

    def __init__(self, data_dir: str | None, enabled: bool = True) -> None:
        self.data_dir = data_dir
        self.enabled = enabled
        self.problem: str | None = None if enabled else "saving is turned off"
        #: The database file, when opening failed because it is not a readable
        #: database: the app offers to move it aside (:meth:`reset_corrupt`).
        self.corrupt_path: Path | None = None
        self._store: SessionStore | None = None
        self._tried = not enabled

    def get(self) -> SessionStore | None:
        if self._tried:
            return self._store
        self._tried = True
        try:
            from coach.store import CorruptStoreError, SessionStore
        except ImportError as error:
            self.problem = f"the session store is not available ({error})"
            return None
        try:
            self._store = SessionStore.open(self.data_dir)
        except CorruptStoreError as error:
            self.problem = str(error)
            self.corrupt_path = error.path
        except CoachError as error:
            self.problem = str(error)
        except OSError as error:
            self.problem = f"cannot open the session store: {error}"
        return self._store

    def reset_corrupt(self) -> Path | None:
        """Move the corrupt database aside to ``*.corrupt-<timestamp>`` and open a
        fresh one; return where the old file went (``None`` if, by now, the file
        is healthy: another coach may have reset it already). Raises CoachError
        when the file cannot be moved; nothing is deleted either way."""
        from coach.store import SessionStore

        moved = SessionStore.reset_corrupt(self.data_dir)
        self._store = None
        self._tried = False
        self.problem = None
        self.corrupt_path = None
        self.get()
        return moved

    @property
    def available(self) -> bool:
        return self.get() is not None

    def stats(self) -> dict[str, ScenarioStats]:
        store = self.get()
        if store is None:
            return {}
        try:
            return store.stats()
        except CoachError as error:
            self.problem = str(error)
            return {}

    def unfinished(self) -> list[SessionSummary]:
        store = self.get()
        if store is None:
            return []
        try:
            return store.unfinished()
        except CoachError as error:
            self.problem = str(error)
            return []

    def save(self, session_id: str | None, transcript: Transcript) -> tuple[str | None, str | None]:
        """Create or update the stored session: ``(session id, error message or None)``."""
        store = self.get()
        if store is None:
            return session_id, None
        try:
            if session_id is None:
                return store.create(transcript), None
            store.save(session_id, transcript)
            return session_id, None
        except CoachError as error:
            return session_id, str(error)
        except OSError as error:
            return session_id, f"could not save the session: {error}"

    def load(self, session_id: str) -> Transcript:
        store = self.get()
        if store is None:
            raise CoachError(f"cannot open session {session_id}: {self.problem}")
        return store.get(session_id)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class Exported(NamedTuple):
    """Where an export went, and why there when it is not the data directory."""

    path: Path
    #: Set when the data directory's ``exports/`` could not be written.
    note: str | None = None

    @property
    def severity(self) -> Literal["information", "warning"]:
        return "warning" if self.note else "information"

    @property
    def notice(self) -> str:
        return f"{self.path}\n({self.note})" if self.note else str(self.path)


#: Anything but these in a file name becomes "-": an imported session's scenario
#: id is not trusted, and "../" must not steer the file out of its directory.
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
#: Characters of the scenario id kept in an export's file name.
NAME_CHARS = 60


def export_dirs(data_dir: str | None) -> list[Path]:
    """Where exports go: the data directory's ``exports/``; if that cannot be
    written (a read-only or full disk), the current directory, the home
    directory, then the temporary directory, so the session in memory can
    always be saved somewhere."""
    import tempfile

    from coach import paths

    candidates = [paths.data_dir(data_dir) / "exports"]
    for where in (Path.cwd, Path.home):
        # The current directory may have been deleted; HOME may be unset.
        with contextlib.suppress(OSError, RuntimeError):
            candidates.append(where())
    candidates.append(Path(tempfile.gettempdir()))
    return list(dict.fromkeys(candidates))


def export_name(transcript: Transcript, session_id: str | None, suffix: str) -> str:
    scenario = _UNSAFE_NAME.sub("-", transcript.scenario_id).strip(".-")[:NAME_CHARS]
    name = _UNSAFE_NAME.sub("-", session_id or "").strip(".-")
    name = name or transcript.started_at.strftime("%Y%m%d-%H%M%S")
    return f"{scenario or 'session'}-{name}{suffix}"


def export_session(
    data_dir: str | None,
    transcript: Transcript,
    scenario: Scenario | None,
    session_id: str | None,
    fmt: Literal["md", "html", "json"] = "md",
) -> Exported:
    """Write the session as ``fmt`` into the data directory's ``exports/`` (or, when
    that cannot be written, the first writable place of :func:`export_dirs`).

    Exporting needs no database, so a session the store could not save can still
    be exported (the file is the user's copy)."""
    from coach.store.export import SUFFIXES, export

    text = export(transcript, fmt, scenario, session_id)
    filename = export_name(transcript, session_id, SUFFIXES[fmt])
    first_error: str | None = None
    for directory in export_dirs(data_dir):
        path = directory / filename
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_whole(path, text)
        except OSError as error:
            first_error = first_error or f"cannot write {path}: {error.strerror or error}"
            continue
        note = f"{first_error}, so it went here" if first_error else None
        return Exported(path, note)
    raise CoachError(
        f"{first_error}; nor could it be written to the current, home or temporary "
        "directory: free some space, or choose another data directory with --data-dir"
    )


def _write_whole(path: Path, text: str) -> None:
    """Write through a temporary file and rename: never half a file at ``path``."""
    tmp = path.with_name(f".{path.name}.coach-tmp")
    try:
        tmp.write_text(text, encoding="utf-8", errors="surrogateescape")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
