"""``coach history``, ``show``, ``export``, ``import`` and ``delete``: the stored sessions.

Every command honours ``--data-dir`` and ``COACH_DATA_DIR``. ``history`` is kept
light (no pydantic, no scenario loading) because it must answer in well under
300 ms with ten thousand sessions stored. User text printed to a terminal goes
through :func:`~coach.textsafe.strip_terminal`.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript
    from coach.scenario.model import Scenario
    from coach.store import SessionStore, SessionSummary

STATUSES = ("finished", "unfinished", "abandoned")
FORMATS = ("md", "html", "json")
#: Only a slug can name an installed scenario; an imported transcript's id is not trusted.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "history",
        parents=[common],
        help="list stored sessions (newest first)",
        description=(
            "List stored sessions, newest first: id, start time, scenario, role, status "
            "(finished, unfinished or abandoned; an unfinished session left at its first "
            "question shows as 'not started'), overall score and number of answers. A "
            "BRIEF column names the incident brief a session rehearsed (your own incident, "
            "with the scenario's CEO and questions) when any listed session had one."
        ),
    )
    p.add_argument("--scenario", metavar="ID", help="only sessions of this scenario")
    p.add_argument("--role", metavar="ROLE", help="only sessions of this role")
    p.add_argument("--status", choices=STATUSES, help="only sessions with this status")
    p.add_argument("--limit", type=int, metavar="N", help="at most N sessions")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument(
        "--reset-corrupt",
        action="store_true",
        help="if the session database is corrupt, move it aside to *.corrupt-<timestamp> "
        "and start a fresh one (a healthy database is left alone)",
    )
    p.set_defaults(func=history_command)

    p = subparsers.add_parser(
        "show",
        parents=[common],
        help="print a stored session as a scored transcript",
        description="Print a stored session: the conversation with each answer's score, "
        "what it missed and its flags, then the debrief.",
    )
    p.add_argument("id", metavar="ID", help="a session id (`coach history` lists them)")
    p.set_defaults(func=show_command)

    p = subparsers.add_parser(
        "export",
        parents=[common],
        help="export a stored session as Markdown, HTML or JSON",
        description=(
            "Export a stored session: md (reads well on a code-hosting site), html (one "
            "self-contained page) or json (lossless; `coach import` reads it back)."
        ),
    )
    p.add_argument("id", metavar="ID", help="a session id (`coach history` lists them)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="the format (default: from the -o file's extension, else md)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=export_command)

    p = subparsers.add_parser(
        "import",
        parents=[common],
        help="import a session from a JSON export",
        description="Store a session from a file written by `coach export ID --format json`. "
        "Importing the same session twice stores it once.",
    )
    p.add_argument("file", metavar="FILE.json", help="the JSON export")
    p.set_defaults(func=import_command)

    p = subparsers.add_parser(
        "delete",
        parents=[common],
        help="delete a stored session",
        description="Delete a stored session and its transcript. Asks first unless --yes.",
    )
    p.add_argument("id", metavar="ID", help="a session id (`coach history` lists them)")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=delete_command)


# -- helpers -------------------------------------------------------------------


def _open(args: argparse.Namespace) -> SessionStore:
    from coach.store import SessionStore

    return SessionStore.open(args.data_dir)


def _safe(text: str) -> str:
    return strip_terminal(text)


def _local(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in local time (an f-string: twice as fast as strftime)."""
    t = moment.astimezone()
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def _write_stdout(text: str) -> None:
    """Exports go out verbatim to a pipe or file, and stripped of terminal
    escapes when a person is looking at a terminal."""
    sys.stdout.write(strip_terminal(text) if sys.stdout.isatty() else text)


def _scenario_for(transcript: Transcript, extra_dirs: list[str]) -> Scenario | None:
    """The installed scenario the session was played on, if it is still there.
    Without it, show and export still work; they only lack the model answers."""
    if not _SLUG.fullmatch(transcript.scenario_id):
        return None
    try:
        from coach.scenario.library import discover

        entry = discover(extra_dirs).get(transcript.scenario_id)
    except (CoachError, OSError):
        return None
    return entry.scenario if entry is not None else None


#: How ``coach history`` and ``coach show`` name an unfinished session with no
#: answer yet (a kill or quit at the first question keeps it, so it can resume;
#: the JSON status stays ``unfinished``).
NOT_STARTED = "not started"


def _not_started(summary: SessionSummary) -> bool:
    return summary.status == "unfinished" and summary.answers == 0


def _describe(summary: SessionSummary) -> str:
    scenario = _safe(summary.scenario)
    if summary.brief is not None:
        # The user's own incident: the scenario only gave the CEO and the questions.
        scenario = f"{scenario} with brief {_safe(summary.brief)}"
    if _not_started(summary):
        return (
            f"{scenario}, started {_local(summary.started_at)}, unfinished "
            f"({NOT_STARTED}: no answer yet)"
        )
    answers = "1 answer" if summary.answers == 1 else f"{summary.answers} answers"
    return (
        f"{scenario}, started {_local(summary.started_at)}, {summary.status}, "
        f"{answers}, overall {summary.overall}"
    )


# -- commands ------------------------------------------------------------------


def history_command(args: argparse.Namespace) -> int:
    if args.reset_corrupt:
        return _reset_corrupt(args)
    if args.limit is not None and args.limit < 1:
        raise CoachError(f"--limit {args.limit}: give at least 1")
    with _open(args) as store:
        sessions = store.list(
            scenario=args.scenario, role=args.role, status=args.status, limit=args.limit
        )
    if args.json:
        import json

        _write_stdout(json.dumps([s.as_json() for s in sessions], indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
        return 0
    if not sessions:
        filtered = args.scenario or args.role or args.status
        print(
            "No stored sessions match."
            if filtered
            else "No stored sessions yet: `coach rehearse SCENARIO_ID` starts one."
        )
        return 0
    # Ten thousand rows must print in well under 300 ms: scenario ids and roles
    # repeat, so each distinct one is made terminal-safe once.
    safe: dict[str, str] = {}

    def clean(text: str) -> str:
        value = safe.get(text)
        if value is None:
            value = safe[text] = _safe(text)
        return value

    width = min(40, max(8, *(len(s.scenario) for s in sessions)))
    role_width = min(16, max(4, *(len(s.role) for s in sessions)))
    id_width = max(2, *(len(s.id) for s in sessions))
    # The brief a session rehearsed: its scenario's id names another incident. The
    # column is there only when a listed session had a brief.
    briefs = [s.brief for s in sessions if s.brief is not None]
    brief_width = min(24, max(5, *(len(b) for b in briefs))) if briefs else 0
    brief_head = f"{'BRIEF':{brief_width}}  " if briefs else ""
    lines = [
        f"{'ID':{id_width}}  {'STARTED':16}  {'SCENARIO':{width}}  {brief_head}"
        f"{'ROLE':{role_width}}  {'STATUS':11}  {'OVERALL':>7}  {'ANSWERS':>7}"
    ]
    for s in sessions:
        scenario = clean(s.scenario)[:width]
        role = clean(s.role)[:role_width]
        brief = ""
        if briefs:
            brief = f"{clean(s.brief)[:brief_width] if s.brief else '-':{brief_width}}  "
        # A session with no answer has no score either: "-", not a 0 that reads as one.
        status, overall = (NOT_STARTED, "-") if _not_started(s) else (s.status, str(s.overall))
        lines.append(
            f"{s.id:{id_width}}  {_local(s.started_at)}  {scenario:{width}}  {brief}"
            f"{role:{role_width}}  {status:11}  {overall:>7}  {s.answers:7d}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _reset_corrupt(args: argparse.Namespace) -> int:
    from coach import paths
    from coach.store import SessionStore
    from coach.store.db import FILENAME

    path = paths.data_dir(args.data_dir) / FILENAME
    moved = SessionStore.reset_corrupt(args.data_dir)
    if moved is None:
        print(f"The session database {path} is healthy (or absent); nothing was moved.")
        return 0
    print(f"Moved the corrupt database to {moved}; a fresh one starts at {path}.")
    return 0


def show_command(args: argparse.Namespace) -> int:
    from coach.engine.report import render
    from coach.store.export import debrief_for

    with _open(args) as store:
        transcript = store.get(args.id)
        summary = store.summary(args.id)
    scenario = _scenario_for(transcript, args.scenarios)
    safe = terminal_safe(transcript)
    debrief = debrief_for(safe, scenario)
    color = sys.stdout.isatty()
    header = f"Session {summary.id}: {_describe(summary)}\n\n"
    sys.stdout.write(header + render(safe, debrief, color=color))
    return 0


def terminal_safe(transcript: Transcript) -> Transcript:
    """A copy with terminal escapes stripped from every string except the
    answers, whose evidence and flag offsets index the original text
    (``render`` strips each answer piece by piece as it highlights it)."""
    from coach.engine.transcript import Transcript

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return strip_terminal(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    data = transcript.model_dump(mode="json")
    answers = {i: t["text"] for i, t in enumerate(data["turns"]) if t["speaker"] == "user"}
    cleaned = clean(data)
    for index, text in answers.items():
        cleaned["turns"][index]["text"] = text
    return Transcript.model_validate(cleaned)


def export_command(args: argparse.Namespace) -> int:
    from coach.store.export import SUFFIXES, export

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        aliases = {".markdown": "md", ".htm": "html"}
        fmt = aliases.get(suffix) or next((f for f, s in SUFFIXES.items() if s == suffix), "md")
    with _open(args) as store:
        transcript = store.get(args.id)
    scenario = None if fmt == "json" else _scenario_for(transcript, args.scenarios)
    text = export(transcript, fmt, scenario, session_id=args.id)
    if not args.output:
        _write_stdout(text)
        return 0
    target = Path(args.output)
    _write_file(target, text)
    print(f"Wrote session {args.id} as {fmt} to {target}")
    return 0


def _write_file(target: Path, text: str) -> None:
    """Write through a temporary file and rename, so a failed write never
    leaves half a file where a good one was."""
    tmp = target.with_name(f".{target.name}.coach-tmp")
    try:
        tmp.write_text(text, encoding="utf-8", errors="surrogateescape")
        tmp.replace(target)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        hint = (
            f"create {target.parent} first, or give another -o"
            if not target.parent.is_dir()
            else "give another -o, or omit it to print to stdout"
        )
        raise CoachError(f"cannot write {target}: {error.strerror or error}; {hint}") from error


def import_command(args: argparse.Namespace) -> int:
    from coach.store.export import read_export

    transcript = read_export(args.file)
    with _open(args) as store:
        session_id, created = store.import_transcript(transcript)
        summary = store.summary(session_id)
    if created:
        print(f"Imported {_safe(args.file)} as session {session_id} ({_describe(summary)}).")
    else:
        print(f"{_safe(args.file)} is already stored as session {session_id}; nothing imported.")
    return 0


def delete_command(args: argparse.Namespace) -> int:
    with _open(args) as store:
        summary = store.summary(args.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise CoachError(
                    f"not deleting session {summary.id} without confirmation, and there is no "
                    "terminal to ask on; add --yes to delete it"
                )
            try:
                reply = input(f"Delete session {summary.id} ({_describe(summary)})? [y/N] ")
            except EOFError:
                reply = ""
            if reply.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 0
        store.delete(summary.id)
    print(f"Deleted session {summary.id}.")
    return 0
