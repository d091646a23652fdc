"""The real ``coach`` command in a real terminal: tmux at 100x30, keys typed with
send-keys, the screen read with capture-pane. .ci/run installs tmux."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_fakes import FIXTURES

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


class Terminal:
    """One tmux server of our own (its own socket), running one command."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"coach-e2e-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        """Run ``command``; when it ends, its exit code is written to :attr:`exit_file`."""
        self.exit_file = self.tmp_path / f"exit-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        line = f"env {exports} {shlex.join(command)}; echo $? > {shlex.quote(str(self.exit_file))}"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30")
        self.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
        self.tmux("respawn-pane", "-k", "-t", "e2e", line)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out; the screen was:\n{text}")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def key(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def exit_code(self, timeout: float = 10.0) -> int:
        """Wait for the command to end; its exit code."""
        self.wait_for(
            lambda s: self.exit_file.exists() and self.exit_file.read_text() != "", timeout
        )
        return int(self.exit_file.read_text())

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def fresh(self) -> None:
        """A new server (a new socket) for the next command; the old one is ended."""
        self.kill()
        self.socket = f"coach-e2e-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    assert shutil.which("tmux"), "tmux is needed for the end-to-end tests (.ci/run installs it)"
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.kill()


def coach_command() -> list[str]:
    """The installed ``coach`` script of this Python, else ``python -m coach``."""
    script = Path(sys.executable).with_name("coach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coach"]


def coach_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG_DIR": str(tmp_path / "config"),
        "COACH_SCENARIOS": "",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def scenario_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "scenarios"
    directory.mkdir()
    shutil.copy(FIXTURES / "engine" / "branching.yaml", directory / "branching.yaml")
    return directory


def test_rehearse_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    command = [
        *coach_command(),
        "rehearse",
        SCENARIO,
        "--scenarios",
        str(scenario_dir(tmp_path)),
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
    command += [str(scenario_dir(tmp_path)), "--no-typing-delay"]
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
