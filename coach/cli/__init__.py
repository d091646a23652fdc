"""The ``coach`` command line: argparse, one module per group of subcommands.

Each module in :data:`COMMAND_MODULES` has ``register(subparsers, common)`` and
sets ``func`` on its parsers; a handler returns the exit code. Handlers import
what they need inside the function, so ``coach --help`` and quick commands stay
fast. Every :class:`~coach.errors.CoachError` becomes one line on stderr and
exit code 1 — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from coach import __version__
from coach.errors import CoachError

#: Subcommand modules, in the order their commands appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "coach.cli.scenario_cmds",
    "coach.cli.run_cmds",
    "coach.cli.app_cmds",
    "coach.cli.store_cmds",
    "coach.cli.score_cmds",
    "coach.cli.brief_cmds",
)

Handler = Callable[[argparse.Namespace], int]


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts (also accepted before the subcommand)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--scenarios",
        action="append",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="an extra scenario directory (repeatable; wins over shipped scenarios)",
    )
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where sessions are stored (default: COACH_DATA_DIR or the user data dir)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="Rehearse reporting a critical technical error to your CEO.",
        parents=[common_options()],
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    common = common_options()
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # SUPPRESS defaults: fill in the ones given nowhere.
    if not hasattr(args, "scenarios"):
        args.scenarios = []
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    func: Handler | None = args.func
    if func is None:
        # `coach` alone opens the app at Home.
        from coach.cli.app_cmds import run_home

        func = run_home
    try:
        return func(args)
    except CoachError as error:
        print(f"coach: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `coach list | head`: the reader left; that is not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as error:  # the last guard: one line, not a traceback
        if os.environ.get("COACH_DEBUG"):
            raise
        print(
            f"coach: internal error: {type(error).__name__}: {error} "
            "(set COACH_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return 1
