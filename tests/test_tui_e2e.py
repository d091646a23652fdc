"""The real ``coach`` command in a real terminal: tmux at 100x30, keys typed with
send-keys, the screen read with capture-pane. .ci/run installs tmux."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import Terminal, branching_scenario_dir, coach_env, open_terminal

from coach.store import SessionStore

pytestmark = pytest.mark.e2e

#: The fixture scenario: its first question pushes back on an answer without a figure.
SCENARIO = "engine-branching"
VAGUE = "We had a problem with checkout earlier today and the team is looking into it."
STRONG = [
    "Checkout failed for 1,200 customers from 13:20; we rolled back at 14:05 and it works again.",
    "We rolled back the bad config change at 14:05, so payments work again since then.",
    "It will be fixed by 18:00 today, and I will update you at 16:00.",
]
FOLLOW_UP = "How many customers?"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    yield from open_terminal(tmp_path)


def coach_command() -> list[str]:
    """The installed ``coach`` script of this Python, else ``python -m coach``."""
    script = Path(sys.executable).with_name("coach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coach"]


def test_rehearse_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    command = [
        *coach_command(),
        "rehearse",
        SCENARIO,
        "--scenarios",
        str(branching_scenario_dir(tmp_path)),
        "--no-typing-delay",
    ]
    terminal.start(command, coach_env(tmp_path))
    terminal.wait_for(lambda s: "Start the meeting" in s)
    terminal.key("Enter")  # Start has focus
    terminal.wait_for(lambda s: "What happened to the checkout service?" in s)

    terminal.type(VAGUE)
    terminal.key("Enter")
    terminal.wait_for(lambda s: FOLLOW_UP in s)

    for answer in STRONG * 2:
        if "Overall" in terminal.screen():
            break
        terminal.type(answer)
        terminal.key("Enter")
        time.sleep(0.3)
    screen = terminal.wait_for(lambda s: "Overall" in s)
    assert "/100" in screen

    terminal.key("C-q")
    assert terminal.exit_code() == 0
    store = SessionStore.open(tmp_path / "data")
    try:
        [summary] = store.list()
    finally:
        store.close()
    assert summary.status in ("finished", "abandoned")


def test_ctrl_q_mid_session_then_resume_in_a_real_terminal(
    terminal: Terminal, tmp_path: Path
) -> None:
    command = [*coach_command(), "rehearse", SCENARIO, "--scenarios"]
    command += [str(branching_scenario_dir(tmp_path)), "--no-typing-delay"]
    terminal.start(command, coach_env(tmp_path))
    terminal.wait_for(lambda s: "Start the meeting" in s)
    terminal.key("Enter")
    terminal.wait_for(lambda s: "What happened to the checkout service?" in s)
    terminal.type(VAGUE)
    terminal.key("Enter")
    terminal.wait_for(lambda s: FOLLOW_UP in s)
    terminal.type("half an answer still being typed")
    terminal.key("C-q")
    assert terminal.exit_code() == 0
    store = SessionStore.open(tmp_path / "data")
    try:
        [summary] = store.unfinished()
        transcript = store.get(summary.id)
    finally:
        store.close()
    assert [t.text for t in transcript.user_turns] == [VAGUE]

    # `coach rehearse --resume ID` continues at the follow-up, in a new terminal.
    terminal.fresh()
    resume = [*coach_command(), "rehearse", "--resume", summary.id]
    resume += ["--scenarios", str(tmp_path / "scenarios"), "--no-typing-delay"]
    terminal.start(resume, coach_env(tmp_path))
    terminal.wait_for(lambda s: FOLLOW_UP in s and VAGUE[:40] in s)
    terminal.type(STRONG[0])
    terminal.key("Enter")
    terminal.wait_for(lambda s: "rolled back at 14:05" in s and STRONG[0][:30] in s)
    terminal.key("C-q")
    assert terminal.exit_code() == 0
    store = SessionStore.open(tmp_path / "data")
    try:
        transcript = store.get(summary.id)
    finally:
        store.close()
    assert [t.text for t in transcript.user_turns] == [VAGUE, STRONG[0]]


def test_coach_alone_opens_home(terminal: Terminal, tmp_path: Path) -> None:
    terminal.start(coach_command(), coach_env(tmp_path))
    terminal.wait_for(lambda s: "Filter:" in s and "not rehearsed yet" in s)
    terminal.key("F1")
    terminal.wait_for(lambda s: "Keys" in s and "Everywhere" in s)
    terminal.key("Escape", "C-q")
    assert terminal.exit_code() == 0
