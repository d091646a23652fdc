"""``coach run`` (a headless session from an answers file) and ``coach playtest``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    run = sub.add_parser(
        "run",
        parents=[common],
        help="play a scenario headless from an answers file",
        description="Play SCENARIO with the answers in FILE, in order, and print the scored "
        "transcript and debrief. If the answers run out first, the session ends abandoned.",
    )
    run.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="a scenario id or a path to a file (with --brief, optional: the best fit is used)",
    )
    run.add_argument(
        "--brief",
        metavar="NAME_OR_PATH",
        help="rehearse your own incident: fill the scenario from this brief and check the "
        "answers against it (`coach brief list` shows your briefs)",
    )
    run.add_argument(
        "--answers",
        required=True,
        metavar="FILE",
        help="a YAML list of strings (.yaml/.yml/.json), or text with answers separated "
        "by lines holding only ---",
    )
    run.add_argument("--json", action="store_true", help="print JSON")
    run.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="recorded with the run; the engine itself is deterministic",
    )
    run.add_argument(
        "--save",
        action="store_true",
        help="store the session too (`coach history` lists it; --data-dir or COACH_DATA_DIR "
        "choose where)",
    )
    run.set_defaults(func=run_command)

    play = sub.add_parser(
        "playtest",
        parents=[common],
        help="random-walk a scenario and report unreached nodes and branches",
        description="Play SCENARIO many times with generated answers (with and without each "
        "element, hedged, blaming, ...) and report the nodes, branches and endings no "
        "playthrough reached. Exits 1 if any were unreached.",
    )
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario id or a path to a file")
    play.add_argument("--runs", type=int, default=300, metavar="N", help="at most N walks")
    play.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    play.add_argument("--json", action="store_true", help="print JSON")
    play.set_defaults(func=playtest_command)


def run_command(args: argparse.Namespace) -> int:
    from coach.engine.answers_file import read_answers
    from coach.engine.debrief import build_debrief
    from coach.engine.report import render, run_json
    from coach.engine.session import Session
    from coach.errors import CoachError
    from coach.scenario.library import load_scenario

    brief, brief_name, notice = None, None, None
    if args.brief is not None:
        from coach.brief.choose import choose

        choice = choose(args.brief, args.scenario, args.scenarios, args.data_dir)
        scenario, brief, brief_name = choice.scenario, choice.brief, choice.brief_name
        notice = choice.notice
        if notice:
            print(f"coach: {notice}", file=sys.stderr)
    elif args.scenario:
        scenario = load_scenario(args.scenario, args.scenarios)
    else:
        raise CoachError(
            "name a scenario (`coach list` shows them), or give --brief NAME to rehearse "
            "your own incident with the scenario that fits it"
        )
    answers = read_answers(args.answers)
    session = Session.new(scenario, brief=brief, brief_name=brief_name)
    session.begin()
    for text in answers:
        if not session.awaiting_answer:
            break
        session.answer(text)
    session.close()
    transcript = session.transcript
    debrief = build_debrief(scenario, transcript)
    saved, save_error = _save(args, transcript) if args.save else (None, None)
    if args.json:
        data = run_json(transcript, debrief)
        # Why the scenario was chosen for the brief (its role has none), else null.
        data["notice"] = notice
        data["seed"] = args.seed
        if saved:
            data["session_id"] = saved
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render(transcript, debrief, color=sys.stdout.isatty()))
        if saved:
            print(f"\nSaved as session {saved} (`coach show {saved}`).")
    if save_error:
        # The run's output above is complete; only storing it failed.
        print(f"coach: {save_error}", file=sys.stderr)
        return 1
    return 0


def _save(args: argparse.Namespace, transcript: Transcript) -> tuple[str | None, str | None]:
    """Store a headless run: ``(session id, None)`` or ``(None, why it failed)``."""
    from coach.errors import CoachError
    from coach.store import SessionStore

    try:
        with SessionStore.open(args.data_dir) as store:
            return store.create(transcript), None
    except CoachError as error:
        return None, f"the run was not saved: {error}"


def playtest_command(args: argparse.Namespace) -> int:
    from coach.engine.playtest import playtest
    from coach.errors import CoachError
    from coach.scenario.library import load_scenario

    if args.runs < 1:
        raise CoachError(f"--runs {args.runs}: give at least 1 run")
    scenario = load_scenario(args.scenario, args.scenarios)
    coverage = playtest(scenario, runs=args.runs, seed=args.seed)
    if args.json:
        print(json.dumps(coverage.as_dict(), indent=2))
        return 0 if coverage.complete else 1
    d = coverage.as_dict()
    print(f"{scenario.id}: {coverage.runs} playthroughs (seed {args.seed})")
    for key in ("nodes", "branches", "endings"):
        part = d[key]
        assert isinstance(part, dict)
        print(f"  {key:9} {part['reached']}/{part['total']} reached")
    print(f"  outcomes  {', '.join(f'{k}: {v}' for k, v in sorted(coverage.statuses.items()))}")
    for node in coverage.unreached_nodes:
        print(f"  unreached node: {node}")
    for node, index, label in coverage.unreached_branches:
        print(f"  unreached branch: {node} #{index + 1} ({label})")
    for ending in coverage.unreached_endings:
        print(f"  unreached ending: {ending}")
    return 0 if coverage.complete else 1
