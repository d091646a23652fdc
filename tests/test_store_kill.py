"""A rehearsal killed with ``kill -9`` loses at most the answer being typed.

A real ``coach rehearse`` runs in tmux; after two answers (and half of a third,
still in the answer box) the process is killed with SIGKILL. ``coach history``
then shows the session unfinished with both answers, and ``coach rehearse
--resume ID`` continues it from the exact question to the Debrief.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import (
    Terminal,
    branching_scenario_dir,
    coach_env,
    gone,
    open_terminal,
    python_coach,
)

pytestmark = pytest.mark.e2e

SCENARIO = "engine-branching"
QUESTION = "What happened to the checkout service?"
FOLLOW_UP = "How many customers?"
NEXT_QUESTION = "When is it fixed, and when do I hear from you?"
VAGUE = "We had a problem with checkout earlier today and the team is looking into it."
STRONG = (
    "Checkout failed for 1,200 customers from 13:20; we rolled back at 14:05 and it works again."
)
TYPING = "It will be fixed by 18:00 today and"  # never sent: lost with the process
LAST = "It will be fixed by 18:00 today, and I will update you at 16:00."


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    yield from open_terminal(tmp_path)


def environment(tmp_path: Path) -> dict[str, str]:
    return coach_env(tmp_path, scenarios=str(tmp_path / "scenarios"))


def coach(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*python_coach(), *args],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kill_9_after_two_answers_keeps_both_and_resumes(
    terminal: Terminal, tmp_path: Path
) -> None:
    branching_scenario_dir(tmp_path)
    env = environment(tmp_path)

    first = terminal
    pid_file = first.start_exec([*python_coach(), "rehearse", SCENARIO, "--no-typing-delay"], env)
    first.wait_for(lambda s: "Start the meeting" in s)
    first.key("Enter")
    first.wait_for(lambda s: QUESTION in s)
    first.type(VAGUE)
    first.key("Enter")
    first.wait_for(lambda s: FOLLOW_UP in s)
    first.type(STRONG)
    first.key("Enter")
    first.wait_for(lambda s: NEXT_QUESTION in s)
    first.type(TYPING)  # half an answer, never sent
    first.wait_for(lambda s: TYPING in s)

    pid = int(pid_file.read_text())
    os.kill(pid, signal.SIGKILL)
    first.wait_for(lambda _: gone(pid) and first.dead(), timeout=10)
    assert "Overall" not in first.screen()

    history = coach(tmp_path, "history", "--json")
    assert history.returncode == 0, history.stderr
    [session] = json.loads(history.stdout)
    assert session["scenario"] == SCENARIO
    assert session["status"] == "unfinished"
    assert session["answers"] == 2
    shown = coach(tmp_path, "show", session["id"])
    assert shown.returncode == 0, shown.stderr
    assert VAGUE in shown.stdout and STRONG in shown.stdout
    assert TYPING not in shown.stdout
    exported = json.loads(coach(tmp_path, "export", session["id"], "--format", "json").stdout)
    transcript = exported["transcript"]
    assert [t["text"] for t in transcript["turns"] if t["speaker"] == "user"] == [VAGUE, STRONG]
    assert transcript["node"] == "q2"  # waiting at the exact question
    assert transcript["variables"]["patience"] == 1  # the follow-up cost patience

    # A new server for the resumed run (the killed pane's server is ended).
    terminal.fresh()
    second = terminal
    second.start_exec(
        [*python_coach(), "rehearse", "--resume", session["id"], "--no-typing-delay"], env
    )
    second.wait_for(lambda s: NEXT_QUESTION in s and STRONG[:40] in s)
    second.type(LAST)
    second.key("Enter")
    second.wait_for(lambda s: "Overall" in s)
    second.key("C-q")

    after = json.loads(coach(tmp_path, "history", "--json").stdout)
    assert [(s["id"], s["status"], s["answers"]) for s in after] == [(session["id"], "finished", 3)]
