"""``coach list``, ``coach validate``, ``coach graph`` and ``coach schema``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coach.errors import CoachError
from coach.textsafe import strip_terminal


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "list",
        parents=[common],
        help="list the scenarios (shipped and your own)",
        description=(
            "List the scenarios. Your own are read from --scenarios DIR, the COACH_SCENARIOS "
            "path list and the scenarios/ folder of coach's config directory (COACH_CONFIG_DIR "
            "moves it), in that order; one with a shipped scenario's id replaces it. "
            "Exit code 1 if a given path or a scenario file could not be used."
        ),
    )
    p.add_argument("--role", metavar="ROLE", help="only scenarios for this role")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=list_command)

    p = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check scenario files and report every problem",
        description=(
            "Check scenario files (or every *.yaml/*.yml in a directory). Prints "
            "path:line:col: CODE message for each problem; exit code 1 if any is an error. "
            "scenarios/README.md explains every code."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a scenario file or directory")
    p.add_argument("--json", action="store_true", help="print the diagnostics as JSON")
    p.set_defaults(func=validate_command)

    p = subparsers.add_parser(
        "graph",
        parents=[common],
        help="draw a scenario's conversation graph",
        description="Print a scenario's graph; edges are labelled with their conditions.",
    )
    p.add_argument("scenario", metavar="ID_OR_PATH", help="a scenario id or file")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.set_defaults(func=graph_command)

    p = subparsers.add_parser(
        "schema",
        parents=[common],
        help="print the scenario JSON Schema",
        description="Print the JSON Schema of the scenario format (for editors).",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead")
    p.set_defaults(func=schema_command)


def _out(text: str) -> None:
    sys.stdout.write(strip_terminal(text) + "\n")


def _err(text: str) -> None:
    sys.stderr.write(strip_terminal(text) + "\n")


def list_command(args: argparse.Namespace) -> int:
    from coach.scenario.library import discover

    library = discover(args.scenarios)
    entries = library.entries
    if args.role:
        entries = [e for e in entries if e.role == args.role]
        if not entries:
            from coach.scenario.diagnostics import closest

            roles = library.roles()
            close = closest(args.role, roles)
            hint = f"did you mean {close!r}? " if close else ""
            known = ", ".join(roles) or "none"
            raise CoachError(f"no scenarios for the role {args.role!r}; {hint}roles: {known}")
    if args.json:
        _out(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
    else:
        _print_table(entries)
    for diagnostic in library.diagnostics:
        _err(diagnostic.format())
    if library.broken_files:
        # The usable scenarios are still listed, but something the user pointed
        # coach at could not be used: that is a failure, as it is for `ls`.
        _err(
            f"coach: not listed: {len(library.broken_files)} path(s) with errors; "
            "`coach validate PATH` explains each problem"
        )
        return 1
    return 0


def _print_table(entries: list[Any]) -> None:
    if not entries:
        _out("No scenarios found. Add some with --scenarios DIR (see `coach list --help`).")
        return
    rows = [("ID", "TITLE", "ROLE", "DIFFICULTY", "")]
    for e in entries:
        note = "(overrides shipped)" if e.overrides_shipped else ""
        title = e.title if len(e.title) <= 48 else e.title[:47] + "…"
        rows.append((e.id, title, e.role, e.difficulty, note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        _out("  ".join([*cells, row[4]]).rstrip())


def validate_command(args: argparse.Namespace) -> int:
    from coach.scenario.validate import check_paths

    report = check_paths(args.paths)
    diagnostics = report.diagnostics
    if args.json:
        _out(json.dumps([d.as_dict() for d in diagnostics], indent=2, ensure_ascii=False))
        return 0 if report.ok else 1
    for diagnostic in diagnostics:
        _out(diagnostic.format())
    n_errors = sum(d.is_error for d in diagnostics)
    n_warnings = len(diagnostics) - n_errors
    n_files = len(report.files)
    files = f"{n_files} file{'s' if n_files != 1 else ''}"
    if not diagnostics:
        _out(f"ok: {files} checked, no problems")
    else:
        _out(f"{n_errors} error(s), {n_warnings} warning(s) in {files}")
    return 0 if report.ok else 1


def graph_command(args: argparse.Namespace) -> int:
    from coach.scenario.graph import render
    from coach.scenario.library import load_scenario

    scenario = load_scenario(args.scenario, args.scenarios)
    sys.stdout.write(render(scenario, args.format))
    return 0


def schema_command(args: argparse.Namespace) -> int:
    from coach.scenario.schema import schema_text

    text = schema_text()
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise CoachError(
                f"cannot write {args.output}: {error.strerror or error}; check the path"
            ) from None
    else:
        sys.stdout.write(text)
    return 0
