"""``coach brief list|template|check`` (the user's incident briefs) and ``coach followup``.

Briefs live in the data directory's ``briefs/`` (``--data-dir``, ``COACH_DATA_DIR``).
User text printed to a terminal goes through :func:`~coach.textsafe.strip_terminal`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coach.errors import CoachError
from coach.textsafe import strip_terminal

FOLLOWUP_FORMATS = ("md", "text", "json")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    brief = subparsers.add_parser(
        "brief",
        parents=[common],
        help="your own incident's facts, to rehearse it (list, template, new, check)",
        description=(
            "An incident brief holds the facts of the incident you are about to report: "
            "what happened, the system, impact figures, the cause and how sure you are, "
            "what has been done, the plan and its estimate, what you need, who is "
            "involved, the update cadence, the CEO's name and your role. Rehearse it with "
            "`coach rehearse --brief NAME`."
        ),
    )
    brief.set_defaults(func=lambda args: _help(brief))
    sub = brief.add_subparsers(title="brief commands", metavar="COMMAND")

    p = sub.add_parser(
        "list",
        parents=[common],
        help="list your briefs and how ready each one is",
        description="List the briefs in the data directory's briefs/ with their readiness; "
        "files with errors are listed with the first one.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=list_command)

    p = sub.add_parser(
        "template",
        parents=[common],
        help="print a commented YAML template for a brief",
        description="Print a commented YAML template (every field optional). With --save "
        "NAME, write it into the briefs directory instead, to edit there.",
    )
    p.add_argument("--save", metavar="NAME", help="write it as the brief NAME")
    p.set_defaults(func=template_command)

    p = sub.add_parser(
        "new",
        parents=[common],
        help="write a brief in the app's form",
        description="Open the app at the brief form: one field per brief field, all "
        "optional; saved into the briefs directory. 'Save and rehearse' prepares the "
        "scenario that fits it.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="the brief's name (a file name)")
    p.set_defaults(func=new_command)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="what a brief cannot answer yet, and how to handle each gap",
        description="Check a brief: every error in the file with its line, or the readiness "
        "report (the questions the brief cannot answer yet and how to handle each in the "
        "meeting). Exits 1 if the file has errors.",
    )
    p.add_argument("brief", metavar="NAME_OR_PATH", help="a brief name or a path to a file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=check_command)

    p = subparsers.add_parser(
        "followup",
        parents=[common],
        help="draft the written update to send after a session",
        description="Draft the written update for a stored session, from its brief and your "
        "best answers: impact, cause, what has been done, plan and timeline, next update "
        "and owners. It holds only facts you gave; anything missing is marked [TODO: ...].",
    )
    p.add_argument("id", metavar="SESSION_ID", help="a session id (`coach history` lists them)")
    p.add_argument(
        "--format",
        choices=FOLLOWUP_FORMATS,
        default="md",
        help="md (Markdown, the default), text (plain text) or json (both)",
    )
    p.set_defaults(func=followup_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def list_command(args: argparse.Namespace) -> int:
    from coach.brief.readiness import readiness
    from coach.brief.store import BriefStore

    store = BriefStore(args.data_dir)
    entries = store.list()
    if args.json:
        rows = []
        for e in entries:
            row: dict[str, object] = {
                "name": e.name,
                "path": str(e.path),
                "modified": e.modified.isoformat(),
                "ok": e.brief is not None,
            }
            if e.brief is not None:
                report = readiness(e.brief)
                row.update(
                    readiness=report.percent,
                    gaps=[i.id for i in report.gaps],
                    role=e.brief.role,
                    system=e.brief.system,
                )
            else:
                row["errors"] = [d.format() for d in e.diagnostics if d.is_error]
            rows.append(row)
        print(json.dumps({"directory": str(store.directory), "briefs": rows}, indent=2))
        return 0
    if not entries:
        print(f"No briefs yet in {store.directory}.")
        print("Create one with `coach brief new`, or `coach brief template --save NAME`.")
        return 0
    print(f"Briefs in {store.directory}:")
    width = max(len(e.name) for e in entries)
    for e in entries:
        name = strip_terminal(e.name).ljust(width)
        if e.brief is None:
            first = next((d for d in e.diagnostics if d.is_error), None)
            problem = strip_terminal(first.format()) if first else "cannot be read"
            print(f"  {name}  broken: {problem}")
            continue
        report = readiness(e.brief)
        about = e.brief.system or e.brief.what_happened or "(no system yet)"
        role = f" · {e.brief.role}" if e.brief.role else ""
        print(f"  {name}  ready {report.percent:3d}%  {_short(strip_terminal(about), 50)}{role}")
    return 0


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def new_command(args: argparse.Namespace) -> int:
    from coach.brief.store import BriefStore, check_name
    from coach.cli.app_cmds import _config, _require_terminal

    if args.name:
        path = BriefStore(args.data_dir).path_for(check_name(args.name))
        if path.exists():
            raise CoachError(
                f"a brief named {args.name!r} exists already ({path}); edit it there, "
                "or choose it on Home (b) and press e"
            )
    from coach.tui.app import CoachApp

    app = CoachApp(_config(args))
    app.start_brief_form = args.name or ""
    _require_terminal()
    app.run()
    return 0


def template_command(args: argparse.Namespace) -> int:
    from coach.brief.store import BriefStore, template

    text = template()
    if args.save:
        path = BriefStore(args.data_dir).save_text(args.save, text)
        print(f"Wrote {path}; edit it, then `coach brief check {args.save}`.")
        return 0
    sys.stdout.write(text)
    return 0


def check_command(args: argparse.Namespace) -> int:
    from coach.brief.loader import read_brief
    from coach.brief.readiness import readiness, render
    from coach.brief.store import BriefStore

    name, path = BriefStore(args.data_dir).resolve(args.brief)
    loaded = read_brief(path)
    if loaded.brief is None:
        if args.json:
            problems = [d.as_dict() for d in loaded.diagnostics]
            print(json.dumps({"name": name, "path": str(path), "errors": problems}, indent=2))
        else:
            for d in loaded.diagnostics:
                print(strip_terminal(d.format()), file=sys.stderr)
            count = sum(1 for d in loaded.diagnostics if d.is_error)
            print(
                f"coach: brief {name} has {count} error{'s' if count != 1 else ''}; "
                "fix them and check again",
                file=sys.stderr,
            )
        return 1
    report = readiness(loaded.brief)
    if args.json:
        data = {
            "name": name,
            "path": str(path),
            "readiness": report.percent,
            "gaps": [
                {"id": i.id, "question": i.question, "gap": i.gap, "advice": i.advice, "say": i.say}
                for i in report.gaps
            ],
            "notes": [{"id": i.id, "gap": i.gap, "advice": i.advice} for i in report.notes],
            "answered": [i.id for i in report.answered],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    sys.stdout.write(render(report, strip_terminal(name)))
    return 0


def followup_command(args: argparse.Namespace) -> int:
    from coach.brief.followup import for_transcript
    from coach.store import SessionStore

    with SessionStore.open(args.data_dir) as store:
        transcript = store.get(args.id)
    if not transcript.user_turns and transcript.brief is None:
        raise CoachError(
            f"session {args.id} has no answers and no brief; there is nothing to write up"
        )
    draft = for_transcript(transcript)
    if args.format == "json":
        data = {
            "session": args.id,
            "markdown": draft.markdown(),
            "text": draft.text(),
            "todos": draft.todos,
            "note": draft.note,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        # stdout is the update itself, ready to send; the note to the user goes aside.
        sys.stdout.write(draft.markdown() if args.format == "md" else draft.text())
        todos = len(draft.todos)
        left = f" {todos} TODO{'s' if todos != 1 else ''} to fill." if todos else ""
        print(f"coach: {draft.note}{left}", file=sys.stderr)
    return 0
