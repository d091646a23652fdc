"""``coach`` (no arguments) opens the app at Home; ``coach rehearse ID`` opens a scenario's Prep.

Both check their input before the app starts, so a wrong id or a broken file is
one line on stderr and exit code 1, not a screen.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.tui.config import AppConfig


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "rehearse",
        parents=[common],
        help="rehearse a scenario in the app (opens at its Prep screen)",
        description=(
            "Open the app at a scenario's Prep screen: read the brief, then Enter starts "
            "the meeting. With --resume, continue a stored unfinished session instead."
        ),
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO_ID",
        help="the scenario's id (`coach list` shows them) or the path of a scenario file",
    )
    parser.add_argument(
        "--no-typing-delay",
        action="store_true",
        help="show the CEO's lines at once (COACH_TYPING_DELAY=0 does the same)",
    )
    parser.add_argument(
        "--resume",
        metavar="ID",
        help="continue the stored unfinished session ID (`coach history` lists them)",
    )
    parser.add_argument(
        "--brief",
        metavar="NAME_OR_PATH",
        help="rehearse your own incident from this brief (`coach brief list`); without "
        "SCENARIO_ID the scenario that fits the brief's role and incident is used",
    )
    parser.set_defaults(func=rehearse)


def _require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CoachError(
            "the app needs an interactive terminal; for a scripted run use `coach run` "
            "(see `coach --help`)"
        )


def _config(args: argparse.Namespace, no_typing_delay: bool = False) -> AppConfig:
    from coach.tui.config import AppConfig, typing_delay_from_env

    delay = 0.0 if no_typing_delay else typing_delay_from_env()
    return AppConfig(
        scenario_dirs=list(args.scenarios),
        data_dir=args.data_dir,
        typing_delay=delay,
        # scripts/benchmarks/tui.py times process start to the first painted Home.
        exit_after_first_paint=os.environ.get("COACH_BENCH_EXIT_AFTER_PAINT") == "1",
    )


def run_home(args: argparse.Namespace) -> int:
    """``coach`` with no command: the app at Home."""
    _require_terminal()
    from coach.tui.app import CoachApp

    CoachApp(_config(args)).run()
    return 0


def rehearse(args: argparse.Namespace) -> int:
    if not args.scenario and not args.resume and args.brief is None:
        raise CoachError(
            "name a scenario (`coach rehearse SCENARIO_ID`; `coach list` shows them), "
            "a brief (`coach rehearse --brief NAME`) or a session to resume "
            "(`coach rehearse --resume ID`)"
        )
    if args.scenario and args.resume:
        raise CoachError("give a scenario id or --resume ID, not both")
    if args.brief is not None and args.resume:
        raise CoachError("a resumed session keeps the brief it began with; drop --brief")
    from coach.tui.app import CoachApp

    app = CoachApp(_config(args, args.no_typing_delay))
    if args.resume:
        transcript = app.store.load(args.resume)
        from coach.engine import states
        from coach.scenario.library import load_scenario

        if transcript.state not in states.LIVE:
            raise CoachError(
                f"session {args.resume} is {transcript.status}; only unfinished sessions "
                f"resume (`coach show {args.resume}` prints it)"
            )
        scenario = load_scenario(transcript.scenario_id, list(args.scenarios))
        app.start_session = (args.resume, app.resumed_session(scenario, transcript))
    elif args.brief is not None:
        from coach.brief.choose import choose

        choice = choose(args.brief, args.scenario, list(args.scenarios), args.data_dir)
        app.brief = (choice.brief_name, choice.brief)
        app.sub_title = f"your incident: {choice.brief_name}"
        app.start_scenario = choice.scenario
        app.start_notice = choice.notice
    else:
        from coach.scenario.library import load_scenario

        app.start_scenario = load_scenario(args.scenario, list(args.scenarios))
    _require_terminal()
    app.run()
    return 0
